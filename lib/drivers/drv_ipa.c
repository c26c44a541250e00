/* SPDX-License-Identifier: MIT */
/*
 * drv_ipa.c - importance-performance analysis (Martilla and James 1977):
 * the priority matrix that crosses each attribute's importance with how
 * well it performs today, from mergeable rating histograms.
 *
 *   importance_j  = imp_j / sum(imp)
 *   performance_j = 100 (mean_j - lo)/(hi - lo)   (or the Kano rule:
 *                   100 (1 - bottom-box share) for basic factors,
 *                   100 x top-box share for excitement factors)
 *   quadrant by the cut lines (high = value >= cut); opportunity_j =
 *   importance_j (100 - performance_j)/100.
 */
#include "drivers/drivers_internal.h"

#include <stdlib.h>

#define IPA_MAX_LEVELS 1001

int
loy_drivers_hist_add(double *hist, size_t p, int32_t lo, int32_t hi,
                     const double *x, size_t n, size_t row_stride,
                     size_t col_stride, const double *w, int32_t skip_invalid,
                     size_t *err_index)
{
    size_t i, j, L, pass;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(hist != NULL && p >= 1u && (x != NULL || n == 0u),
                 LOY_EINVAL);
    LOY__REQUIRE(skip_invalid == 0 || skip_invalid == 1, LOY_EINVAL);
    LOY__REQUIRE(hi > lo && (int64_t)hi - lo < IPA_MAX_LEVELS, LOY_EDOMAIN);
    L = (size_t)((int64_t)hi - lo + 1);
    /* pass 0 validates everything, pass 1 counts: all or nothing */
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < n; i++) {
            double wi = w != NULL ? w[i] : 1.0;
            if (!loy__finite(wi) || wi < 0.0) {
                if (skip_invalid)
                    continue;
                loy__set_index(err_index, i * (p + 1u) + p);
                return loy__finite(wi) ? LOY_ESCALE : LOY_ENONFINITE;
            }
            for (j = 0; j < p; j++) {
                double v = x[i * row_stride + j * col_stride];
                int bad;
                if (v != v)
                    continue; /* missing */
                bad = !loy__finite(v) ? LOY_ENONFINITE
                      : (v != floor(v) || v < lo || v > hi) ? LOY_ESCALE
                                                            : LOY_OK;
                if (bad != LOY_OK) {
                    if (skip_invalid)
                        continue;
                    loy__set_index(err_index, i * (p + 1u) + j);
                    return bad;
                }
                if (pass == 1)
                    hist[j * L + (size_t)((int64_t)v - lo)] += wi;
            }
        }
    return LOY_OK;
}

int
loy_drivers_ipa_options_init(loy_drivers_ipa_options *opts)
{
    static const loy_drivers_ipa_options def = LOY_DRIVERS_IPA_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = def;
    return LOY_OK;
}

typedef struct ipa_cfg {
    loy_drivers_ipa_options o;
    int32_t top, bottom;
    size_t L;
} ipa_cfg;

static int
ipa_config(ipa_cfg *c, const loy_drivers_ipa_options *opts, int32_t lo,
           int32_t hi, const int32_t *kano)
{
    loy_drivers_ipa_options def = LOY_DRIVERS_IPA_OPTIONS_INIT;
    c->o = def;
    if (opts != NULL) {
        LOY__REQUIRE(LOY__STRUCT_OK(opts, sizeof(loy_drivers_ipa_options)),
                     LOY_EINVAL);
        loy__struct_copy_in(&c->o, opts, sizeof c->o);
    }
    LOY__REQUIRE(hi > lo && (int64_t)hi - lo < IPA_MAX_LEVELS, LOY_EDOMAIN);
    LOY__REQUIRE(c->o.perf_cut <= LOY_IPA_CUT_FIXED, LOY_EINVAL);
    LOY__REQUIRE((c->o.flags & ~LOY_IPA_KANO_PERFORMANCE) == 0u, LOY_EINVAL);
    LOY__REQUIRE(!(c->o.flags & LOY_IPA_KANO_PERFORMANCE) || kano != NULL,
                 LOY_EINVAL);
    LOY__REQUIRE(c->o.perf_cut != LOY_IPA_CUT_FIXED
                     || (c->o.perf_fixed >= 0.0 && c->o.perf_fixed <= 100.0),
                 LOY_EDOMAIN);
    LOY__REQUIRE(c->o.importance_cut >= 0.0 && c->o.importance_cut < 1.0,
                 LOY_EDOMAIN);
    c->top = c->o.top_box_min != INT32_MIN ? c->o.top_box_min : hi - 1;
    c->bottom = c->o.bottom_box_max != INT32_MIN
                    ? c->o.bottom_box_max
                    : (lo == 0 && hi == 10 ? 6 : lo + (hi - lo) / 4);
    LOY__REQUIRE(c->top >= lo && c->top <= hi && c->bottom >= lo
                     && c->bottom <= hi, LOY_EDOMAIN);
    c->L = (size_t)((int64_t)hi - lo + 1);
    return LOY_OK;
}

/* Mean, top-box and bottom-box shares of attribute j's histogram. */
static int
hist_stats(const double *h, const ipa_cfg *c, int32_t lo, double out[3])
{
    size_t v;
    double tot = 0.0, s = 0.0, top = 0.0, bot = 0.0;
    for (v = 0; v < c->L; v++) {
        double x = h[v], r = (double)lo + (double)v;
        LOY__REQUIRE(loy__finite(x), LOY_ENONFINITE);
        LOY__REQUIRE(x >= 0.0, LOY_ESCALE);
        tot += x;
        s += x * r;
        if (r >= (double)c->top)
            top += x;
        if (r <= (double)c->bottom)
            bot += x;
    }
    LOY__REQUIRE(tot > 0.0, LOY_EEMPTY);
    out[0] = s / tot;
    out[1] = top / tot;
    out[2] = bot / tot;
    return LOY_OK;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
perf_cut(const ipa_cfg *c, const double *perf, size_t p, double *scratch)
{
    size_t j;
    double s = 0.0;
    if (c->o.perf_cut == LOY_IPA_CUT_FIXED)
        return c->o.perf_fixed;
    if (c->o.perf_cut == LOY_IPA_CUT_MEDIAN) {
        memcpy(scratch, perf, p * sizeof *scratch);
        qsort(scratch, p, sizeof *scratch, cmp_double);
        return p % 2u ? scratch[p / 2u]
                      : 0.5 * (scratch[p / 2u - 1u] + scratch[p / 2u]);
    }
    for (j = 0; j < p; j++)
        s += perf[j];
    return s / (double)p;
}

/* Everything into the scratch arrays (5p doubles); outputs copied after. */
static int
ipa_compute(double *buf, double cuts[2], const double *importance,
            const double *hist, size_t p, int32_t lo, int32_t hi,
            const int32_t *kano, const ipa_cfg *c)
{
    double *perf = buf, *top = buf + p, *bot = buf + 2 * p, *imp = buf + 3 * p;
    double *scratch = buf + 4 * p, sum = 0.0;
    size_t j;
    for (j = 0; j < p; j++) {
        LOY__REQUIRE(loy__finite(importance[j]), LOY_ENONFINITE);
        LOY__REQUIRE(importance[j] >= 0.0, LOY_ESCALE);
        sum += importance[j];
    }
    LOY__REQUIRE(sum > 0.0, LOY_EDEGENERATE);
    for (j = 0; j < p; j++) {
        double st[3];
        LOY__TRY(hist_stats(hist + j * c->L, c, lo, st));
        imp[j] = importance[j] / sum;
        top[j] = st[1];
        bot[j] = st[2];
        perf[j] = 100.0 * (st[0] - (double)lo) / (double)(hi - lo);
        if (c->o.flags & LOY_IPA_KANO_PERFORMANCE) {
            if (kano[j] == LOY_KANO_BASIC)
                perf[j] = 100.0 * (1.0 - st[2]);
            else if (kano[j] == LOY_KANO_EXCITEMENT)
                perf[j] = 100.0 * st[1];
        }
    }
    cuts[0] = c->o.importance_cut > 0.0 ? c->o.importance_cut
                                        : 1.0 / (double)p;
    cuts[1] = perf_cut(c, perf, p, scratch);
    return LOY_OK;
}

int
loy_drivers_ipa(double *performance, double *top_box, double *bottom_box,
                int32_t *quadrant, double *opportunity, double *cuts,
                const double *importance, const double *hist, size_t p,
                int32_t lo, int32_t hi, const int32_t *kano,
                const loy_drivers_ipa_options *opts)
{
    ipa_cfg c;
    double *buf, cut[2];
    size_t j;
    int rc;
    LOY__REQUIRE(importance != NULL && hist != NULL && p >= 1u, LOY_EINVAL);
    LOY__TRY(ipa_config(&c, opts, lo, hi, kano));
    buf = malloc(5u * p * sizeof *buf);
    LOY__REQUIRE(buf != NULL, LOY_ENOMEM);
    rc = ipa_compute(buf, cut, importance, hist, p, lo, hi, kano, &c);
    if (rc == LOY_OK)
        for (j = 0; j < p; j++) {
            double perf = buf[j], imp = buf[3 * p + j];
            int hi_i = imp >= cut[0], hi_p = perf >= cut[1];
            if (performance != NULL)
                performance[j] = perf;
            if (top_box != NULL)
                top_box[j] = buf[p + j];
            if (bottom_box != NULL)
                bottom_box[j] = buf[2 * p + j];
            if (opportunity != NULL)
                opportunity[j] = imp * (100.0 - perf) / 100.0;
            if (quadrant != NULL)
                quadrant[j] = hi_i ? (hi_p ? LOY_IPA_KEY_STRENGTH
                                           : LOY_IPA_PRIORITY_FIX)
                                   : (hi_p ? LOY_IPA_SECONDARY_STRENGTH
                                           : LOY_IPA_LOW_PRIORITY);
        }
    if (rc == LOY_OK && cuts != NULL) {
        cuts[0] = cut[0];
        cuts[1] = cut[1];
    }
    free(buf);
    return rc;
}
