/* SPDX-License-Identifier: MIT */
/*
 * nps_weighted.c - survey-weighted tallies and the weighted NPS with its
 * Kish and linearised (Taylor) standard errors.
 *
 * Per class the tally keeps the count, sum w and sum w^2. That is enough
 * for everything: NPS_w = (W_P - W_D)/W, n_eff = W^2/sum w^2, and the
 * linearised variance sum w_i^2 (x_i - NPS_w)^2 splits by class because
 * x_i is constant within a class.
 */
#include "core/internal.h"
#include "survey/nps_internal.h"

/* Class of one weighted row: 0..2, or a status code for a bad row. */
static int
wrow_class(double s, double w, const int32_t b[4])
{
    int c = loy__nps_class_f64(s, b);
    if (c == 4 || !loy__finite(w))
        return LOY_ENONFINITE;
    if (c == 3 || w < 0.0)
        return LOY_ESCALE;
    return c;
}

int
loy_nps_wtally_f64(loy_nps_wtally *out, const double *scores,
                   const double *weights, size_t n, const int32_t *breaks,
                   uint32_t flags, size_t *err_index)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy__ksum sw[3], sw2[3];
    int32_t b[4];
    size_t i;
    int k;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof t), LOY_EINVAL);
    LOY__REQUIRE(scores != NULL && weights != NULL, LOY_EINVAL);
    LOY__REQUIRE((flags & ~LOY_NPS_SKIP_INVALID) == 0, LOY_EINVAL);
    LOY__TRY(loy__nps_breaks(b, breaks));
    memset(sw, 0, sizeof sw);
    memset(sw2, 0, sizeof sw2);
    for (i = 0; i < n; i++) {
        int c = wrow_class(scores[i], weights[i], b);
        if (c < 0) {
            if (!(flags & LOY_NPS_SKIP_INVALID)) {
                loy__set_index(err_index, i);
                return c;
            }
            t.rejected++;
            continue;
        }
        t.count[c]++;
        loy__ksum_add(&sw[c], weights[i]);
        loy__ksum_add(&sw2[c], weights[i] * weights[i]);
    }
    for (k = 0; k < 3; k++) {
        t.sum_w[k] = loy__ksum_value(&sw[k]);
        t.sum_w2[k] = loy__ksum_value(&sw2[k]);
    }
    /* Squares of huge weights can overflow even when the weights do not. */
    for (k = 0; k < 3; k++)
        LOY__REQUIRE(loy__finite(t.sum_w[k]) && loy__finite(t.sum_w2[k]),
                     LOY_EOVERFLOW);
    loy__struct_copy_out(out, &t, sizeof t);
    return LOY_OK;
}

/* Sums of a caller's tally: NaN is LOY_ENONFINITE, an infinite or
 * negative sum LOY_EDOMAIN (no tally of valid rows holds one). */
static int
wtally_sums_ok(const loy_nps_wtally *t)
{
    int k;
    for (k = 0; k < 3; k++) {
        LOY__REQUIRE(!isnan(t->sum_w[k]) && !isnan(t->sum_w2[k]),
                     LOY_ENONFINITE);
        LOY__REQUIRE(loy__finite(t->sum_w[k]) && t->sum_w[k] >= 0.0 &&
                     loy__finite(t->sum_w2[k]) && t->sum_w2[k] >= 0.0,
                     LOY_EDOMAIN);
    }
    return LOY_OK;
}

int
loy_nps_wtally_merge(loy_nps_wtally *acc, const loy_nps_wtally *add)
{
    loy_nps_wtally a = LOY_NPS_WTALLY_INIT, b = LOY_NPS_WTALLY_INIT;
    int k;
    LOY__REQUIRE(LOY__STRUCT_OK(acc, sizeof a), LOY_EINVAL);
    LOY__REQUIRE(LOY__STRUCT_OK(add, sizeof b), LOY_EINVAL);
    loy__struct_copy_in(&a, acc, sizeof a);
    loy__struct_copy_in(&b, add, sizeof b);
    LOY__TRY(wtally_sums_ok(&a));
    LOY__TRY(wtally_sums_ok(&b));
    for (k = 0; k < 3; k++)
        LOY__REQUIRE(a.count[k] + b.count[k] >= a.count[k], LOY_EDOMAIN);
    LOY__REQUIRE(a.rejected + b.rejected >= a.rejected, LOY_EDOMAIN);
    for (k = 0; k < 3; k++) {
        a.count[k] += b.count[k];
        a.sum_w[k] += b.sum_w[k];
        a.sum_w2[k] += b.sum_w2[k];
        /* finite non-negative sums become infinite only by overflow */
        LOY__REQUIRE(a.sum_w[k] <= DBL_MAX && a.sum_w2[k] <= DBL_MAX,
                     LOY_EOVERFLOW);
    }
    a.rejected += b.rejected;
    loy__struct_copy_out(acc, &a, sizeof a);
    return LOY_OK;
}

/* Validate a weighted tally read from the caller; totals out. */
static int
wtally_totals(const loy_nps_wtally *t, uint64_t *n, double *w, double *w2)
{
    int k;
    *n = 0;
    *w = *w2 = 0.0;
    LOY__TRY(wtally_sums_ok(t));
    for (k = 0; k < 3; k++) {
        LOY__REQUIRE(*n + t->count[k] >= *n, LOY_EDOMAIN);
        *n += t->count[k];
        *w += t->sum_w[k];
        *w2 += t->sum_w2[k];
    }
    LOY__REQUIRE(*n > 0 && *w > 0.0, LOY_EEMPTY);
    /* three finite class sums can still add up past DBL_MAX */
    LOY__REQUIRE(*w <= DBL_MAX && *w2 <= DBL_MAX, LOY_EOVERFLOW);
    LOY__REQUIRE(*w2 > 0.0, LOY_EDOMAIN);
    return LOY_OK;
}

/*
 * Kish's n_eff = W^2 / sum w^2 lies in [1, n] for any set of n weights
 * (Cauchy-Schwarz), so sums outside that range come from no data: they
 * are refused rather than turned into an infinite or meaningless n_eff.
 * The tolerance covers the rounding of the sums.
 */
static int
kish_size(double *n_eff, uint64_t n, double w, double w2)
{
    double ne = (w / w2) * w;
    LOY__REQUIRE(ne >= 1.0 - 1e-9 && ne <= (double)n * (1.0 + 1e-9),
                 LOY_EINCONSISTENT);
    *n_eff = ne;
    return LOY_OK;
}

/* Linearised SE: sqrt(n/(n-1) sum_c W2_c (x_c - nps)^2) / W, with each
 * W2_c scaled by W^2 first (W2_c <= W^2), so no term can overflow. */
static double
se_linearised(const loy_nps_wtally *t, uint64_t n, double w, double nps)
{
    static const double x[3] = {-1.0, 0.0, 1.0};
    double s = 0.0;
    int k;
    if (n < 2)
        return 0.0; /* the one residual is exactly 0 */
    for (k = 0; k < 3; k++)
        s += (t->sum_w2[k] / w / w) * (x[k] - nps) * (x[k] - nps);
    return sqrt(s * ((double)n / (double)(n - 1)));
}

static int
nonzero_classes(const uint64_t count[3])
{
    return (count[0] > 0) + (count[1] > 0) + (count[2] > 0);
}

int
loy_nps_westimate(loy_nps_wresult *out, const loy_nps_wtally *tally,
                  double level)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy_nps_wresult r;
    double w, w2, z, pw, dw;
    uint64_t n;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__REQUIRE(LOY__STRUCT_OK(tally, sizeof t), LOY_EINVAL);
    loy__struct_copy_in(&t, tally, sizeof t);
    LOY__TRY(wtally_totals(&t, &n, &w, &w2));
    LOY__TRY(loy__normal_crit(&z, level));
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    pw = t.sum_w[LOY_CLASS_PROMOTER] / w;
    dw = t.sum_w[LOY_CLASS_DETRACTOR] / w;
    r.n = n;
    r.sum_w = w;
    r.nps = pw - dw;
    LOY__TRY(kish_size(&r.n_eff, n, w, w2));
    r.deff = (double)n / r.n_eff;
    r.se_kish = sqrt(fmax(0.0, pw + dw - r.nps * r.nps) / r.n_eff);
    r.se_lin = se_linearised(&t, n, w, r.nps);
    r.level = level;
    r.lower = r.nps - z * r.se_lin;
    r.upper = r.nps + z * r.se_lin;
    loy__nps_clip(&r.lower, &r.upper, 1.0, &r.flags);
    if (r.n_eff < 30.0)
        r.flags |= LOY_NPS_SMALL_SAMPLE;
    if (nonzero_classes(t.count) == 1)
        r.flags |= LOY_NPS_DEGENERATE;
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}
