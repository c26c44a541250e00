/* SPDX-License-Identifier: MIT */
/*
 * nps_estimate.c - NPS point estimate, variance and confidence intervals
 * (Wald, adjusted Wald, Tango score), the two-sample comparison and
 * sample-size planning.
 *
 * Each response is x in {-1, 0, +1}; NPS is the mean of x and the
 * per-response variance is the trinomial p + d - (p - d)^2 =
 * p(1-p) + d(1-d) + 2pd: the covariance term 2pd is what the common
 * "two independent proportions" shortcut drops, understating the SE.
 */
#include "core/internal.h"
#include "survey/nps_internal.h"

/* Shares and moments of (possibly pseudo-count adjusted) counts. */
typedef struct nps_moments {
    double n;   /* total */
    double nps; /* (P - D)/n */
    double var; /* per-response variance */
} nps_moments;

static nps_moments
moments(double d, double a, double p)
{
    nps_moments m;
    double pd, pp;
    m.n = d + a + p;
    pd = d / m.n;
    pp = p / m.n;
    m.nps = pp - pd;
    /* Rounding can push an exact 0 slightly negative. */
    m.var = fmax(0.0, pp + pd - m.nps * m.nps);
    return m;
}

int
loy_nps_options_init(loy_nps_options *opts)
{
    static const loy_nps_options defaults = LOY_NPS_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = defaults;
    return LOY_OK;
}

/* Caller options (or defaults) read and validated into k[3]. */
static int
read_pseudo(double k[3], const loy_nps_options *opts)
{
    loy_nps_options o = LOY_NPS_OPTIONS_INIT;
    int i;
    if (opts != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(opts->struct_size, sizeof o),
                     LOY_EINVAL);
        loy__struct_copy_in(&o, opts, sizeof o);
    }
    for (i = 0; i < 3; i++) {
        LOY__REQUIRE(loy__finite(o.pseudo[i]), LOY_ENONFINITE);
        LOY__REQUIRE(o.pseudo[i] >= 0.0, LOY_EDOMAIN);
        k[i] = o.pseudo[i];
    }
    return LOY_OK;
}

/* Counts of a caller tally (D, A, P) with n > 0 checked. */
static int
read_tally(uint64_t c[3], const loy_nps_tally *tally)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    LOY__REQUIRE(LOY__STRUCT_OK(tally, sizeof t), LOY_EINVAL);
    loy__struct_copy_in(&t, tally, sizeof t);
    c[0] = t.detractors;
    c[1] = t.passives;
    c[2] = t.promoters;
    LOY__REQUIRE(c[0] + c[1] >= c[0] && c[0] + c[1] + c[2] >= c[2],
                 LOY_EDOMAIN);
    LOY__REQUIRE(c[0] + c[1] + c[2] > 0, LOY_EEMPTY);
    return LOY_OK;
}

/*
 * Tango's score statistic at delta for the paired-difference view of NPS
 * (discordant cells P and D): q is the restricted MLE of the discordant
 * share under H0: NPS = delta, the larger root of 2q^2 + bq + c = 0 in
 * shares (MODELS.md 1.5), and T(delta) = n(nps - delta)/sqrt(n den) with
 * den = 2q + delta(1 - delta). Decreasing in delta.
 *
 * The textbook evaluation cancels where the limits of a large sample lie,
 * next to -1 or +1 (D = 1e13, A = 1 put both limits above the estimate),
 * so both the discriminant and den are written in forms whose terms share
 * a sign there (identities checked symbolically): with s = d - p, a the
 * passive share and e = delta - nps,
 *   disc = (d(1 + delta) + p(1 - delta))^2 + 4 a delta e,
 *   den  = (sqrt(disc) - g)/2,   g = (1 + delta)(delta - p)
 *                                    - (1 - delta)(delta + d),
 * and where g > 0, den = 2 delta e (1 - delta^2)/(sqrt(disc) + g).
 * n(nps - delta) = P - D - n delta is one fused multiply-add.
 */
typedef struct tango_data {
    double n, d, a, p; /* n and the three shares */
    double pmd;        /* P - D */
} tango_data;

static double
tango_t(const tango_data *t, double delta)
{
    double num = fma(-t->n, delta, t->pmd); /* n (nps - delta) */
    double e = -num / t->n;
    double lin = t->d * (1.0 + delta) + t->p * (1.0 - delta);
    double disc = fmax(0.0, lin * lin + 4.0 * t->a * delta * e);
    double g = (1.0 + delta) * (delta - t->p) - (1.0 - delta) * (delta + t->d);
    double root = sqrt(disc), den;
    if (g > 0.0)
        den = 2.0 * delta * e * ((1.0 - delta) * (1.0 + delta)) / (root + g);
    else
        den = 0.5 * (root - g);
    if (!(den > 0.0))
        return num > 0.0 ? HUGE_VAL : num < 0.0 ? -HUGE_VAL : 0.0;
    return num / sqrt(t->n * den);
}

/*
 * Bisection for T(delta) = target on [lo, hi], T decreasing, down to
 * adjacent doubles (at most 200 halvings: a width below 2^-199).
 */
static double
tango_solve(const tango_data *t, double target, double lo, double hi)
{
    int it;
    if (tango_t(t, lo) <= target)
        return lo;
    if (tango_t(t, hi) >= target)
        return hi;
    for (it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (tango_t(t, mid) > target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The limits bracket the estimate by construction: [-1, nps], [nps, 1]. */
static void
interval_score(loy_nps_result *r, const uint64_t c[3], double z)
{
    tango_data t;
    t.n = (double)r->n;
    t.d = (double)c[0] / t.n;
    t.a = (double)c[1] / t.n;
    t.p = (double)c[2] / t.n;
    t.pmd = (double)c[2] - (double)c[0];
    r->centre = r->nps;
    r->interval_se = r->se;
    r->lower = c[0] == r->n ? -1.0 : tango_solve(&t, z, -1.0, r->nps);
    r->upper = c[2] == r->n ? 1.0 : tango_solve(&t, -z, r->nps, 1.0);
}

static void
interval_wald(loy_nps_result *r, double centre, double se, double z)
{
    r->centre = centre;
    r->interval_se = se;
    r->lower = centre - z * se;
    r->upper = centre + z * se;
}

int
loy_nps_estimate(loy_nps_result *out, const loy_nps_tally *tally,
                 uint32_t method, double level, const loy_nps_options *opts)
{
    loy_nps_result r;
    uint64_t c[3];
    double k[3], z;
    nps_moments m, ma;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__REQUIRE(method <= LOY_NPS_SCORE, LOY_EINVAL);
    LOY__TRY(read_tally(c, tally));
    LOY__TRY(read_pseudo(k, opts));
    LOY__TRY(loy__normal_crit(&z, level));
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    m = moments((double)c[0], (double)c[1], (double)c[2]);
    r.n = c[0] + c[1] + c[2];
    r.nps = m.nps;
    r.variance = m.var;
    r.se = sqrt(m.var / m.n);
    r.level = level;
    r.z = z;
    r.method = method;
    if (method == LOY_NPS_WALD) {
        interval_wald(&r, m.nps, r.se, z);
    } else if (method == LOY_NPS_ADJUSTED_WALD) {
        ma = moments((double)c[0] + k[0], (double)c[1] + k[1],
                     (double)c[2] + k[2]);
        interval_wald(&r, ma.nps, sqrt(ma.var / ma.n), z);
    } else {
        interval_score(&r, c, z);
    }
    loy__nps_clip(&r.lower, &r.upper, 1.0, &r.flags);
    if (r.n < 30)
        r.flags |= LOY_NPS_SMALL_SAMPLE;
    if (c[0] == r.n || c[1] == r.n || c[2] == r.n)
        r.flags |= LOY_NPS_DEGENERATE;
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

/* Moments of one sample for the comparison (adjusted when asked). */
static nps_moments
sample_moments(const uint64_t c[3], const double k[3], uint32_t method)
{
    if (method == LOY_NPS_ADJUSTED_WALD)
        return moments((double)c[0] + k[0], (double)c[1] + k[1],
                       (double)c[2] + k[2]);
    return moments((double)c[0], (double)c[1], (double)c[2]);
}

int
loy_nps_compare(loy_nps_diff *out, const loy_nps_tally *a,
                const loy_nps_tally *b, uint32_t method, double level,
                const loy_nps_options *opts)
{
    loy_nps_diff r;
    uint64_t ca[3], cb[3];
    double k[3], z;
    nps_moments ma, mb;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof r), LOY_EINVAL);
    LOY__REQUIRE(method <= LOY_NPS_ADJUSTED_WALD, LOY_EINVAL);
    LOY__TRY(read_tally(ca, a));
    LOY__TRY(read_tally(cb, b));
    LOY__TRY(read_pseudo(k, opts));
    LOY__TRY(loy__normal_crit(&z, level));
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    ma = sample_moments(ca, k, method);
    mb = sample_moments(cb, k, method);
    r.diff = ma.nps - mb.nps;
    r.se = sqrt(ma.var / ma.n + mb.var / mb.n);
    r.level = level;
    r.method = method;
    if (ca[0] + ca[1] + ca[2] < 30 || cb[0] + cb[1] + cb[2] < 30)
        r.flags |= LOY_NPS_SMALL_SAMPLE;
    if (!(r.se > 0.0)) {
        /* Both samples degenerate: no test, no interval. */
        r.z_stat = r.p_value = r.lower = r.upper = (double)NAN;
        r.flags |= LOY_NPS_DEGENERATE;
        loy__struct_copy_out(out, &r, sizeof r);
        return LOY_EDEGENERATE;
    }
    r.z_stat = r.diff / r.se;
    r.p_value = 2.0 * loy__normal_sf(fabs(r.z_stat));
    r.lower = r.diff - z * r.se;
    r.upper = r.diff + z * r.se;
    loy__nps_clip(&r.lower, &r.upper, 2.0, &r.flags);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

/* Shared checks of the planning functions; sigma^2 and z out. */
static int
plan_args(double *var, double *z, double level, double p, double d)
{
    LOY__REQUIRE(!isnan(p) && !isnan(d), LOY_ENONFINITE);
    LOY__REQUIRE(p >= 0.0 && d >= 0.0 && p <= 1.0 && d <= 1.0 &&
                 p + d <= 1.0, LOY_EDOMAIN);
    LOY__TRY(loy__normal_crit(z, level));
    *var = fmax(0.0, p + d - (p - d) * (p - d));
    return LOY_OK;
}

int
loy_nps_sample_size(uint64_t *n_out, double margin, double level,
                    double promoters, double detractors)
{
    double var, z, n;
    LOY__REQUIRE(n_out != NULL, LOY_EINVAL);
    LOY__REQUIRE(!isnan(margin), LOY_ENONFINITE);
    LOY__REQUIRE(margin > 0.0 && loy__finite(margin), LOY_EDOMAIN);
    LOY__TRY(plan_args(&var, &z, level, promoters, detractors));
    n = ceil(z * z * var / (margin * margin));
    LOY__REQUIRE(n <= 9007199254740992.0, LOY_EDOMAIN);
    *n_out = n < 1.0 ? 1u : (uint64_t)n;
    return LOY_OK;
}

int
loy_nps_margin(double *out, uint64_t n, double level, double promoters,
               double detractors)
{
    double var, z;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(plan_args(&var, &z, level, promoters, detractors));
    *out = z * sqrt(var / (double)n);
    return LOY_OK;
}
