/* SPDX-License-Identifier: MIT */
/*
 * rfm_window.c - the rules of the purchase-log summary that the
 * many-customer builder (rfm.c) and the one-customer mergeable state
 * (rfm_customer.c) share: options, windows, row validation and the
 * summary row of a customer (MODELS.md 5).
 */
#include "clv/rfm_internal.h"

#include <float.h>

/* Smallest freq_multiplier: LOY__RFM_MAX_OFFSET / 2^-990 < 2^1022, so t_x,
 * T and the holdout duration are finite whatever the periods. */
#define MIN_FREQ_MULTIPLIER 0x1p-990

static int
time_ok(int64_t t)
{
    return t >= -LOY__RFM_TIME_LIMIT && t <= LOY__RFM_TIME_LIMIT;
}

static int
read_options(loy_rfm_options *o, const loy_rfm_options *opts)
{
    loy_rfm_options def = LOY_RFM_OPTIONS_INIT;
    *o = def;
    if (opts != NULL) {
        if (!loy__struct_size_ok(opts->struct_size, sizeof def))
            return LOY_EINVAL;
        loy__struct_copy_in(o, opts, sizeof def);
    }
    if ((o->flags & ~(LOY_RFM_CALIBRATION | LOY_RFM_INCLUDE_FIRST)) != 0)
        return LOY_EINVAL;
    if (!loy__finite(o->freq_multiplier))
        return LOY_ENONFINITE;
    if (o->period_length <= 0 || !(o->freq_multiplier >= MIN_FREQ_MULTIPLIER))
        return LOY_EDOMAIN;
    if (!time_ok(o->period_origin))
        return LOY_ESCALE;
    return LOY_OK;
}

/*
 * Earliest raw time whose period lies at most LOY__RFM_MAX_OFFSET periods
 * before end_p, saturated to INT64_MIN when that is below every valid time.
 */
static int64_t
earliest_time(const loy_rfm_options *o, int64_t end_p)
{
    int64_t lo_p, prod;
    /* end_p reaches -(2^63 - 2) for an origin and an end at opposite
     * limits; a lo_p below INT64_MIN lies before every valid time */
    if (end_p < INT64_MIN + LOY__RFM_MAX_OFFSET)
        return INT64_MIN;
    lo_p = end_p - LOY__RFM_MAX_OFFSET;
    if (lo_p < 0 && lo_p < INT64_MIN / o->period_length)
        return INT64_MIN;
    prod = lo_p * o->period_length;
    /* prod + origin <= the window's end, so it can only overflow
     * downwards (1.0 saturated whenever prod alone was below -2^62, which
     * with a large positive origin accepted rows billions of periods
     * early and wrapped their offsets) */
    if (o->period_origin < 0 && prod < INT64_MIN - o->period_origin)
        return INT64_MIN;
    return prod + o->period_origin;
}

int
loy__rfm_window_init(loy__rfm_window *w, int64_t observation_end,
                     const loy_rfm_options *opts)
{
    LOY__TRY(read_options(&w->opt, opts));
    w->calib = (w->opt.flags & LOY_RFM_CALIBRATION) != 0;
    w->obs_end = observation_end;
    w->cal_end = w->calib ? w->opt.calibration_end : observation_end;
    if (!time_ok(w->obs_end) || !time_ok(w->cal_end))
        return LOY_ESCALE;
    if (w->obs_end < w->cal_end)
        return LOY_EINVAL;
    w->obs_p = loy__rfm_period(w, w->obs_end);
    w->cal_p = loy__rfm_period(w, w->cal_end);
    if (w->obs_p - w->cal_p > LOY__RFM_MAX_OFFSET)
        return LOY_ESCALE;
    w->min_time = earliest_time(&w->opt, w->cal_p);
    return LOY_OK;
}

int
loy__rfm_check_rows(const loy__rfm_window *w, const int64_t *time,
                    const double *amount, size_t n, size_t *err_index)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int64_t t = time[i];
        if (!time_ok(t) || t < w->min_time) {
            loy__set_index(err_index, i);
            return LOY_ESCALE;
        }
        if (amount == NULL)
            continue;
        if (!loy__finite(amount[i])) {
            loy__set_index(err_index, i);
            return LOY_ENONFINITE;
        }
        if (amount[i] < 0.0) {
            loy__set_index(err_index, i);
            return LOY_ESCALE;
        }
    }
    return LOY_OK;
}

int
loy__rfm_fill_row(double *row, const loy__rfm_window *w,
                  const loy__rfm_cust *c, uint64_t kc, uint64_t kh)
{
    double fm = w->opt.freq_multiplier;
    double rep = loy__ksum_value(&c->rep_sum), m;
    LOY__REQUIRE(rep <= DBL_MAX && c->first_sum <= DBL_MAX, LOY_EOVERFLOW);
    row[LOY_RFM_COL_T_X] = (double)(c->first_off - c->last_off) / fm;
    row[LOY_RFM_COL_T] = (double)c->first_off / fm;
    if (w->opt.flags & LOY_RFM_INCLUDE_FIRST) {
        LOY__REQUIRE(rep + c->first_sum <= DBL_MAX, LOY_EOVERFLOW);
        row[LOY_RFM_COL_X] = (double)kc;
        row[LOY_RFM_COL_MONETARY] = (rep + c->first_sum) / (double)kc;
    } else {
        row[LOY_RFM_COL_X] = (double)(kc - 1);
        row[LOY_RFM_COL_MONETARY] = kc > 1 ? rep / (double)(kc - 1) : 0.0;
    }
    if (!w->calib)
        return LOY_OK;
    m = loy__ksum_value(&c->hold_sum);
    LOY__REQUIRE(m <= DBL_MAX, LOY_EOVERFLOW);
    row[LOY_RFM_COL_X_HOLDOUT] = (double)kh;
    row[LOY_RFM_COL_MONETARY_HOLDOUT] =
        c->hold_rows > 0 ? m / (double)c->hold_rows : 0.0;
    return LOY_OK;
}
