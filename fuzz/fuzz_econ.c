/* SPDX-License-Identifier: MIT */
/*
 * fuzz_econ.c - the scalar and small-array functions outside the lifetime
 * models: retention CLV (clv.h), churn cost, silent churn, word of mouth,
 * class values and moves, the value of a customer base, EGR (churn.h),
 * the normal distribution (stats.h) and the BG/NBD discount rate.
 *
 * Arguments are any doubles. The contract checked: the status is one the
 * function documents; with LOY_OK every output is finite (except where a
 * function documents an infinity or a NaN); on error the outputs are
 * untouched, or NaN where clv.h documents that; and the identities that
 * define each output hold.
 */
#include "fuzz_util.h"

static double
arg(fz *f)
{
    /* plausible values half of the time, anything otherwise */
    uint8_t k = fz_u8(f);
    if (k < 64)
        return (double)fz_u8(f) / 255.0;
    if (k < 96)
        return (double)fz_u16(f);
    return fz_double(f);
}

/* ------------------------------------------------------------------ */
/* clv.h: on error out is NaN (documented)                             */
/* ------------------------------------------------------------------ */

static void
fuzz_clv(fz *f)
{
    double r = arg(f), i = arg(f), g = fz_bool(f) ? 0.0 : arg(f);
    double m = arg(f), ac = fz_bool(f) ? 0.0 : arg(f), out = 5.0, mult = 5.0;
    uint32_t horizon = fz_bool(f) ? 0u : fz_u32(f) % 1000u;
    int timing = (int)(fz_u8(f) % 3), rc, rc2;
    rc = loy_clv_multiple(&mult, r, i, g, horizon, timing);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_EDOMAIN);
    FZ_CHECK(rc == LOY_OK ? isfinite(mult) && mult >= 0.0 : isnan(mult));
    rc2 = loy_clv_value(&out, m, r, i, g, horizon, ac, timing);
    FZ_STATUS_IN(rc2, LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_EDOMAIN);
    FZ_CHECK(rc2 == LOY_OK ? isfinite(out) : isnan(out));
    if (rc2 == LOY_OK)
        FZ_CHECK(rc == LOY_OK
                 && fz_close(out, m * mult - ac, 1e-15, 1e-15 * fabs(m * mult)));
    out = 5.0;
    rc = loy_clv_expected_lifetime(&out, r);
    FZ_CHECK(rc == LOY_OK ? isfinite(out) && out >= 1.0 : isnan(out));
    out = 5.0;
    rc = loy_clv_rate_rescale(&out, r, arg(f), (int)(fz_u8(f) % 4));
    FZ_STATUS_IN(rc, LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_EDOMAIN);
    FZ_CHECK(rc == LOY_OK ? isfinite(out) : isnan(out));
    out = 5.0;
    rc = loy_clv_saas_ltv(&out, m, arg(f), arg(f));
    FZ_STATUS_IN(rc, LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE,
                 LOY_EDOMAIN);
    FZ_CHECK(rc == LOY_OK ? isfinite(out) && out >= 0.0 : isnan(out));
    out = 5.0;
    rc = loy_clv_viral(&out, m, arg(f));
    FZ_STATUS_IN(rc, LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_EDOMAIN);
    FZ_CHECK(rc == LOY_OK ? isfinite(out) : isnan(out));
}

/* ------------------------------------------------------------------ */
/* stats.h and the discount rate: out untouched on error                */
/* ------------------------------------------------------------------ */

static void
fuzz_stats(fz *f)
{
    double x = fz_double(f), p = fz_bool(f) ? arg(f) : fz_double(f);
    double out = 5.0, q = 5.0, back = 5.0;
    int rc = loy_normal_cdf(&out, x);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE);
    FZ_CHECK(rc == LOY_OK ? out >= 0.0 && out <= 1.0 : out == 5.0);
    rc = loy_normal_quantile(&q, p);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_EDOMAIN);
    if (rc != LOY_OK) {
        FZ_CHECK(q == 5.0);
    } else {
        FZ_CHECK(isfinite(q) && (p < 0.5 ? q <= 0.0 : q >= 0.0));
        FZ_STATUS(loy_normal_cdf(&back, q), LOY_OK);
        /* the round trip, where the CDF keeps relative accuracy */
        if (p > 1e-300 && p < 0.5)
            FZ_CHECK(fz_close(back, p, 1e-12, 0.0));
        if (p >= 0.5 && p < 1.0 - 1e-10)
            FZ_CHECK(fz_close(back, p, 1e-12, 0.0));
    }
    out = 5.0;
    rc = loy_bgnbd_discount_rate(&out, arg(f), fz_double(f));
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_EDOMAIN);
    FZ_CHECK(rc == LOY_OK ? isfinite(out) : out == 5.0);
}

/* ------------------------------------------------------------------ */
/* churn.h                                                             */
/* ------------------------------------------------------------------ */

#define BYTES_AFTER_SIZE(p) ((char *)(p) + sizeof(size_t))

static int
all_fields_finite(const double *first, size_t n)
{
    return fz_all_finite(first, n);
}

static void
fuzz_churn_cost(fz *f)
{
    loy_churn_cost c;
    double params[2];
    double n = arg(f), ch = arg(f), m = arg(f), d = arg(f);
    int rc;
    fz_poison(&c, sizeof c);
    c.struct_size = sizeof c;
    rc = loy_churn_cost_simple(&c, n, ch, m, d);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
                 LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&c),
                              sizeof c - sizeof(size_t)));
    } else {
        FZ_CHECK(all_fields_finite(&c.customers_lost, 6));
        FZ_CHECK(c.customers_lost >= 0.0 && c.value_lost >= 0.0
                 && c.clv_existing >= 0.0 && c.flags == 0);
    }
    params[0] = arg(f);
    params[1] = arg(f);
    fz_poison(&c, sizeof c);
    c.struct_size = sizeof c;
    rc = loy_churn_cost_sbg(&c, params, n, fz_u32(f) % 100000u, m, d);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
                 LOY_ENOCONV, LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&c),
                              sizeof c - sizeof(size_t)));
        return;
    }
    FZ_CHECK(isfinite(c.customers_lost) && isfinite(c.margin_lost)
             && isfinite(c.value_lost) && isfinite(c.value_per_lost)
             && isfinite(c.clv_existing));
    /* documented: +inf only with LOY_CHURN_INFINITE */
    FZ_CHECK(isfinite(c.value_lost_undiscounted)
             || (c.value_lost_undiscounted == INFINITY
                 && (c.flags & LOY_CHURN_INFINITE)));
    FZ_CHECK(!isnan(c.value_lost_undiscounted));
}

static void
fuzz_silent(fz *f)
{
    static double p[300], v[300], pn[300];
    loy_silent_churn s;
    size_t n = (size_t)fz_range(f, 0, 300), i, err = 7;
    int next = fz_bool(f), rc;
    for (i = 0; i < n; i++) {
        p[i] = arg(f);
        v[i] = arg(f);
        pn[i] = p[i] * arg(f);
    }
    fz_poison(&s, sizeof s);
    s.struct_size = sizeof s;
    rc = loy_churn_silent(&s, p, v, next ? pn : NULL, n, arg(f), &err);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_ENONFINITE, LOY_ESCALE,
                 LOY_EINCONSISTENT, LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&s),
                              sizeof s - sizeof(size_t)));
        FZ_CHECK(err == LOY_NO_INDEX || err < n);
        return;
    }
    FZ_CHECK(err == LOY_NO_INDEX);
    FZ_CHECK(all_fields_finite(&s.customers, 6));
    FZ_CHECK(s.expected_lost >= 0.0 && s.expected_lost <= (double)n * 1.0001
             && s.likely_lost <= (double)n && s.value_lost >= 0.0
             && s.value_alive >= 0.0 && s.value_at_risk_next >= 0.0);
}

static void
fuzz_wom(fz *f)
{
    loy_wom_params p;
    loy_wom_value w;
    int rc;
    p.struct_size = sizeof p;
    p.referred_customers = arg(f);
    p.customer_value = arg(f);
    p.positive_comments = arg(f);
    p.comments_per_promoter = arg(f);
    p.deterred_customers = fz_bool(f) ? 0.0 : arg(f);
    p.negative_comments = arg(f);
    p.comments_per_detractor = arg(f);
    fz_poison(&w, sizeof w);
    w.struct_size = sizeof w;
    rc = loy_churn_wom(&w, &p);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
                 LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&w),
                              sizeof w - sizeof(size_t)));
        return;
    }
    FZ_CHECK(all_fields_finite(&w.referral_value, 6));
    FZ_CHECK(w.promoter_value >= 0.0 && w.detractor_cost >= 0.0);
}

static void
fuzz_class_value(fz *f)
{
    static double v[300];
    static int8_t c[300];
    loy_class_value cv;
    double gain = 5.0, lo = 5.0, hi = 5.0, level = fz_bool(f) ? 0.95 : arg(f);
    size_t n = (size_t)fz_range(f, 0, 300), i, err = 7;
    int rc, k;
    for (i = 0; i < n; i++) {
        v[i] = fz_bool(f) ? (double)fz_u16(f) : fz_double(f);
        c[i] = (int8_t)((int)(fz_u8(f) % 5) - 1);
    }
    fz_poison(&cv, sizeof cv);
    cv.struct_size = sizeof cv;
    rc = loy_churn_class_value(&cv, v, c, n, level, &err);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_ENONFINITE, LOY_ESCALE,
                 LOY_EDOMAIN, LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&cv),
                              sizeof cv - sizeof(size_t)));
        return;
    }
    for (k = 0; k < 3; k++) {
        /* documented: NaN mean when n = 0, NaN spread when n < 2 */
        FZ_CHECK(cv.n[k] == 0 ? isnan(cv.mean[k]) : isfinite(cv.mean[k]));
        if (cv.n[k] >= 2)
            FZ_CHECK(isfinite(cv.sd[k]) && isfinite(cv.se[k])
                     && isfinite(cv.lower[k]) && isfinite(cv.upper[k])
                     && cv.lower[k] <= cv.mean[k] && cv.mean[k] <= cv.upper[k]);
        else
            FZ_CHECK(isnan(cv.sd[k]) && isnan(cv.lower[k]));
    }
    rc = loy_churn_move_value(&gain, &lo, &hi, &cv, arg(f),
                              (int32_t)(fz_u8(f) % 4),
                              (int32_t)(fz_u8(f) % 4));
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDEGENERATE,
                 LOY_EOVERFLOW);
    if (rc != LOY_OK)
        FZ_CHECK(gain == 5.0 && lo == 5.0 && hi == 5.0);
    else
        FZ_CHECK(isfinite(gain) && isfinite(lo) && isfinite(hi)
                 && lo <= gain && gain <= hi);
    /* a caller's struct with anything in it */
    for (k = 0; k < 3; k++) {
        cv.mean[k] = fz_double(f);
        cv.se[k] = fz_double(f);
        cv.n[k] = fz_count(f);
    }
    cv.level = fz_bool(f) ? 0.95 : fz_double(f);
    gain = lo = hi = 5.0;
    rc = loy_churn_move_value(&gain, &lo, &hi, &cv, arg(f), 0, 2);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDEGENERATE,
                 LOY_EDOMAIN, LOY_EOVERFLOW);
    if (rc != LOY_OK)
        FZ_CHECK(gain == 5.0 && lo == 5.0 && hi == 5.0);
    else
        FZ_CHECK(isfinite(gain) && isfinite(lo) && isfinite(hi)
                 && lo <= gain && gain <= hi);
}

static void
fuzz_base(fz *f)
{
    loy_base_params p;
    loy_base_value v;
    double mc = 5.0, vc = 5.0;
    int rc;
    p.struct_size = sizeof p;
    p.customers = arg(f);
    p.margin = arg(f);
    p.retention = arg(f);
    p.discount = arg(f);
    p.growth = fz_bool(f) ? 0.0 : arg(f) - 0.5;
    p.new_customers = arg(f);
    p.acquisition_cost = arg(f);
    p.cohorts = fz_bool(f) ? 0u : fz_u32(f);
    fz_poison(&v, sizeof v);
    v.struct_size = sizeof v;
    rc = loy_churn_base_value(&v, &p);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
                 LOY_EDEGENERATE, LOY_EOVERFLOW);
    if (rc == LOY_OK || rc == LOY_EDEGENERATE) {
        /* documented: written on EDEGENERATE too, elasticities 0 */
        FZ_CHECK(all_fields_finite(&v.clv_existing, 9));
        if (rc == LOY_EDEGENERATE)
            FZ_CHECK(v.total == 0.0 && v.elasticity_retention == 0.0);
    } else {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&v),
                              sizeof v - sizeof(size_t)));
    }
    rc = loy_churn_retention_margin_equivalent(&mc, &vc, &p,
                                               fz_bool(f) ? 0.01 : arg(f));
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
                 LOY_EDEGENERATE, LOY_EOVERFLOW);
    if (rc == LOY_OK)
        FZ_CHECK(isfinite(mc) && isfinite(vc));
    else
        FZ_CHECK(mc == 5.0 && vc == 5.0);
}

static void
fuzz_egr(fz *f)
{
    static double prev[300], now[300];
    static uint8_t origin[300];
    loy_egr e;
    size_t n = (size_t)fz_range(f, 0, 300), i, err = 7;
    int rc;
    for (i = 0; i < n; i++) {
        origin[i] = (uint8_t)(fz_u8(f) % 4);
        prev[i] = origin[i] == 0 ? arg(f) : (fz_u8(f) == 7 ? 1.0 : 0.0);
        now[i] = arg(f);
    }
    fz_poison(&e, sizeof e);
    e.struct_size = sizeof e;
    rc = loy_churn_egr(&e, prev, now, origin, n, &err);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_ENONFINITE, LOY_ESCALE,
                 LOY_EINCONSISTENT, LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(BYTES_AFTER_SIZE(&e),
                              sizeof e - sizeof(size_t)));
        return;
    }
    FZ_CHECK(all_fields_finite(&e.revenue_prev, 10));
    FZ_CHECK(e.revenue_prev > 0.0 && e.nrr >= 0.0 && e.enc >= 0.0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = fz_init(data, size);
    switch (fz_u8(&f) % 8) {
    case 0: fuzz_clv(&f); break;
    case 1: fuzz_stats(&f); break;
    case 2: fuzz_churn_cost(&f); break;
    case 3: fuzz_silent(&f); break;
    case 4: fuzz_wom(&f); break;
    case 5: fuzz_class_value(&f); break;
    case 6: fuzz_base(&f); break;
    default: fuzz_egr(&f); break;
    }
    return 0;
}
