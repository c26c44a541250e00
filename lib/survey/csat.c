/* SPDX-License-Identifier: MIT */
/*
 * csat.c - Customer Satisfaction (top-box share, Wilson interval) and
 * Customer Effort Score (mean rating, agree/disagree shares).
 *
 * Both work from a histogram of valid scores; the int32_t entry points
 * validate each response and build the summary in one pass (no
 * allocation, whatever the width of the scale: sums, not bins).
 */
#include "core/internal.h"
#include "survey/nps_internal.h"

static const int32_t csat_default_scale[3] = {1, 4, 5};
static const int32_t ces_default_scale[4] = {1, 3, 5, 7};

/* Running summary of valid responses. The spread is summed in a second
 * pass around the mean: the one-pass sum of squares minus n mean^2
 * cancels to garbage for tight answers on a wide scale. */
typedef struct resp_sum {
    uint64_t n, top, low, rejected;
    loy__ksum sum; /* sum of (score - lo), exact enough for the mean */
    double ss;     /* sum of (score - lo - mean)^2 (CES only) */
} resp_sum;

static void
resp_add(resp_sum *s, int64_t v, uint64_t count, int64_t lo,
         int64_t top_min, int64_t low_max)
{
    double x = (double)(v - lo);
    s->n += count;
    if (v >= top_min)
        s->top += count;
    if (v <= low_max)
        s->low += count;
    loy__ksum_add(&s->sum, x * (double)count);
}

static double
resp_mean(const resp_sum *s)
{
    return loy__ksum_value(&s->sum) / (double)s->n;
}

/* Second pass of a histogram: the sum of squared deviations. */
static void
spread_counts(resp_sum *s, const uint64_t *counts, size_t n_bins)
{
    double m = resp_mean(s);
    loy__ksum ss = {0.0, 0.0};
    size_t k;
    for (k = 0; k < n_bins; k++)
        if (counts[k] > 0)
            loy__ksum_add(&ss, (double)counts[k] * ((double)k - m)
                                   * ((double)k - m));
    s->ss = loy__ksum_value(&ss);
}

/* Second pass of the responses (valid ones only, as in the first). */
static void
spread_scores(resp_sum *s, const int32_t *scores, size_t n, int64_t lo,
              int64_t hi)
{
    double m = resp_mean(s);
    loy__ksum ss = {0.0, 0.0};
    size_t i;
    for (i = 0; i < n; i++)
        if (scores[i] >= lo && scores[i] <= hi) {
            double d = (double)(scores[i] - lo) - m;
            loy__ksum_add(&ss, d * d);
        }
    s->ss = loy__ksum_value(&ss);
}

/* Histogram of n_bins bins for the scale lo..hi into a summary. */
static int
resp_from_counts(resp_sum *s, const uint64_t *counts, size_t n_bins,
                 int64_t lo, int64_t hi, int64_t top_min, int64_t low_max)
{
    size_t k;
    memset(s, 0, sizeof *s);
    LOY__REQUIRE(counts != NULL, LOY_EINVAL);
    LOY__REQUIRE((uint64_t)n_bins == (uint64_t)(hi - lo) + 1u, LOY_EINVAL);
    for (k = 0; k < n_bins; k++) {
        LOY__REQUIRE(s->n + counts[k] >= s->n, LOY_EDOMAIN);
        if (counts[k] > 0)
            resp_add(s, lo + (int64_t)k, counts[k], lo, top_min, low_max);
    }
    LOY__REQUIRE(s->n > 0, LOY_EEMPTY);
    return LOY_OK;
}

/* Responses one by one, strict or skip mode. */
static int
resp_from_scores(resp_sum *s, const int32_t *scores, size_t n, int64_t lo,
                 int64_t hi, int64_t top_min, int64_t low_max,
                 uint32_t flags, size_t *err_index)
{
    size_t i;
    memset(s, 0, sizeof *s);
    LOY__REQUIRE(scores != NULL, LOY_EINVAL);
    LOY__REQUIRE((flags & ~LOY_NPS_SKIP_INVALID) == 0, LOY_EINVAL);
    for (i = 0; i < n; i++) {
        if (scores[i] < lo || scores[i] > hi) {
            if (!(flags & LOY_NPS_SKIP_INVALID)) {
                loy__set_index(err_index, i);
                return LOY_ESCALE;
            }
            s->rejected++;
            continue;
        }
        resp_add(s, scores[i], 1u, lo, top_min, low_max);
    }
    LOY__REQUIRE(s->n > 0, LOY_EEMPTY);
    return LOY_OK;
}

static int
csat_scale(int64_t sc[3], const int32_t *scale)
{
    const int32_t *src = scale != NULL ? scale : csat_default_scale;
    LOY__REQUIRE(src[0] < src[1] && src[1] <= src[2], LOY_EDOMAIN);
    sc[0] = src[0], sc[1] = src[1], sc[2] = src[2];
    return LOY_OK;
}

static int
ces_scale(int64_t sc[4], const int32_t *scale)
{
    const int32_t *src = scale != NULL ? scale : ces_default_scale;
    LOY__REQUIRE(src[0] <= src[1] && src[1] < src[2] && src[2] <= src[3],
                 LOY_EDOMAIN);
    sc[0] = src[0], sc[1] = src[1], sc[2] = src[2], sc[3] = src[3];
    return LOY_OK;
}

/* Wilson score interval of top/n, written into r. */
static void
csat_finish(loy_csat_result *r, const resp_sum *s, double level, double z)
{
    double n = (double)s->n, ph = (double)s->top / n, z2n = z * z / n;
    double centre = (ph + 0.5 * z2n) / (1.0 + z2n);
    double half = z * sqrt(ph * (1.0 - ph) / n + 0.25 * z2n / n)
                  / (1.0 + z2n);
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    r->n = s->n;
    r->top = s->top;
    r->rejected = s->rejected;
    r->csat = ph;
    r->se = sqrt(ph * (1.0 - ph) / n);
    r->level = level;
    /* The Wilson interval contains the share (the score statistic is 0
     * there); at 0 or 1 rounding could leave it just outside. */
    r->lower = fmax(0.0, fmin(centre - half, ph));
    r->upper = fmin(1.0, fmax(centre + half, ph));
    if (s->n < 30)
        r->flags |= LOY_NPS_SMALL_SAMPLE;
}

static void
ces_finish(loy_ces_result *r, const resp_sum *s, const int64_t sc[4],
           double level, double z)
{
    double n = (double)s->n, m = resp_mean(s), ss = s->ss;
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    r->n = s->n;
    r->rejected = s->rejected;
    /* rounding must not take the mean of scores off their scale */
    r->mean = fmin(fmax((double)sc[0] + m, (double)sc[0]), (double)sc[3]);
    r->sd = s->n > 1 ? sqrt(ss / (n - 1.0)) : 0.0;
    r->se = r->sd / sqrt(n);
    r->level = level;
    r->lower = r->mean - z * r->se;
    r->upper = r->mean + z * r->se;
    r->agree = (double)s->top / n;
    r->disagree = (double)s->low / n;
    if (s->n < 30)
        r->flags |= LOY_NPS_SMALL_SAMPLE;
}

int
loy_csat_from_counts(loy_csat_result *out, const uint64_t *counts,
                     size_t n_bins, const int32_t *scale, double level)
{
    loy_csat_result r;
    resp_sum s;
    int64_t sc[3];
    double z;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__TRY(csat_scale(sc, scale));
    LOY__TRY(loy__normal_crit(&z, level));
    LOY__TRY(resp_from_counts(&s, counts, n_bins, sc[0], sc[2], sc[1],
                              INT64_MIN));
    csat_finish(&r, &s, level, z);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

int
loy_csat_i32(loy_csat_result *out, const int32_t *scores, size_t n,
             const int32_t *scale, double level, uint32_t flags,
             size_t *err_index)
{
    loy_csat_result r;
    resp_sum s;
    int64_t sc[3];
    double z;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__TRY(csat_scale(sc, scale));
    LOY__TRY(loy__normal_crit(&z, level));
    LOY__TRY(resp_from_scores(&s, scores, n, sc[0], sc[2], sc[1], INT64_MIN,
                              flags, err_index));
    csat_finish(&r, &s, level, z);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

int
loy_ces_from_counts(loy_ces_result *out, const uint64_t *counts,
                    size_t n_bins, const int32_t *scale, double level)
{
    loy_ces_result r;
    resp_sum s;
    int64_t sc[4];
    double z;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__TRY(ces_scale(sc, scale));
    LOY__TRY(loy__normal_crit(&z, level));
    LOY__TRY(resp_from_counts(&s, counts, n_bins, sc[0], sc[3], sc[2],
                              sc[1]));
    spread_counts(&s, counts, n_bins);
    ces_finish(&r, &s, sc, level, z);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

int
loy_ces_i32(loy_ces_result *out, const int32_t *scores, size_t n,
            const int32_t *scale, double level, uint32_t flags,
            size_t *err_index)
{
    loy_ces_result r;
    resp_sum s;
    int64_t sc[4];
    double z;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__TRY(ces_scale(sc, scale));
    LOY__TRY(loy__normal_crit(&z, level));
    LOY__TRY(resp_from_scores(&s, scores, n, sc[0], sc[3], sc[2], sc[1],
                              flags, err_index));
    spread_scores(&s, scores, n, sc[0], sc[3]);
    ces_finish(&r, &s, sc, level, z);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}
