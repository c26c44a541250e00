/* SPDX-License-Identifier: MIT */
/*
 * funnel.c - funnel analysis of units (MODELS.md 13.2): the target, each
 * unit's z-score under it, flags at two levels, overdispersion,
 * Bonferroni and Benjamini-Hochberg, heterogeneity and shrinkage.
 *
 * Spiegelhalter (2005, Stat Med 24:1185) compares every unit with one
 * target using the variance the target implies, sigma0^2 = p0 + d0 -
 * theta0^2 for NPS (the trinomial variance of one answer), so the limits
 * depend on n alone and draw a funnel. The heterogeneity figures, by
 * contrast, use each unit's own variance (meta-analysis convention).
 *
 * The work is a few streaming passes over the counts (re-reading counts
 * is as cheap as reading a scratch array) plus one scratch block for the
 * z-scores (order statistics of phi) and the p-values (Benjamini-
 * Hochberg); nothing is written to the caller until every check passed.
 */
#include <stdlib.h>

#include "consistency/consistency_internal.h"
#include "numeric/normal.h"

#define EXACT_MAX_N 9007199254740992.0 /* 2^53: exact tails walk n steps */

int
loy_funnel_options_init(loy_funnel_options *opts)
{
    static const loy_funnel_options defaults = LOY_FUNNEL_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = defaults;
    return LOY_OK;
}

static int
read_options(loy_funnel_options *o, const loy_funnel_options *opts)
{
    static const loy_funnel_options defaults = LOY_FUNNEL_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(opts->struct_size, sizeof *o),
                     LOY_EINVAL);
        loy__struct_copy_in(o, opts, sizeof *o);
    }
    LOY__REQUIRE(o->target <= LOY_FUNNEL_TARGET_FIXED, LOY_EINVAL);
    LOY__REQUIRE(o->overdispersion <= LOY_FUNNEL_OD_MULTIPLICATIVE,
                 LOY_EINVAL);
    LOY__REQUIRE((o->flags & ~LOY_FUNNEL_EXACT) == 0, LOY_EINVAL);
    LOY__REQUIRE(!isnan(o->levels[0]) && !isnan(o->levels[1])
                     && !isnan(o->winsor) && !isnan(o->alpha),
                 LOY_ENONFINITE);
    LOY__REQUIRE(o->levels[0] > 0.0 && o->levels[0] <= o->levels[1]
                     && o->levels[1] < 1.0,
                 LOY_EDOMAIN);
    LOY__REQUIRE(o->winsor >= 0.0 && o->winsor < 0.5, LOY_EDOMAIN);
    LOY__REQUIRE(o->alpha > 0.0 && o->alpha < 1.0, LOY_EDOMAIN);
    if (o->target == LOY_FUNNEL_TARGET_FIXED)
        LOY__TRY(loy__target_check(o->target_promoters,
                                   o->target_detractors));
    return LOY_OK;
}

/* Totals over the units, with overflow checks. */
typedef struct totals {
    uint64_t n, p, d;
    size_t used, degenerate;
    int too_big_for_exact;
} totals;

static int
sum_units(totals *t, const uint64_t *counts, size_t n_units, size_t stride,
          size_t *err_index)
{
    size_t i;
    memset(t, 0, sizeof *t);
    for (i = 0; i < n_units; i++) {
        loy__tri u;
        int rc = loy__tri_read(&u, counts, stride, i);
        if (rc == LOY_OK)
            rc = loy__add_u64(&t->n, u.n);
        if (rc == LOY_OK)
            rc = loy__add_u64(&t->p, u.p);
        if (rc == LOY_OK)
            rc = loy__add_u64(&t->d, u.d);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        if (u.n == 0)
            continue;
        t->used++;
        if (u.d == u.n || u.a == u.n || u.p == u.n)
            t->degenerate++;
        if ((double)u.n > EXACT_MAX_N)
            t->too_big_for_exact = 1;
    }
    return LOY_OK;
}

/* The fitted quantities every pass needs. */
typedef struct fit {
    loy_funnel_result r;
    loy__hetero het;
    double *z;      /* m z-scores of the used units, in unit order */
    double *p;      /* m p-values */
    size_t *work;   /* m + 1 counters */
    double bonf;    /* Bonferroni threshold alpha / m */
    size_t kstar;
    int exact;
} fit;

static double
unit_theta(const loy__tri *u)
{
    return ((double)u->p - (double)u->d) / (double)u->n;
}

static void
set_target(loy_funnel_result *r, const totals *t,
           const loy_funnel_options *o)
{
    if (o->target == LOY_FUNNEL_TARGET_FIXED) {
        r->target_promoters = o->target_promoters;
        r->target_detractors = o->target_detractors;
    } else {
        r->target_promoters = (double)t->p / (double)t->n;
        r->target_detractors = (double)t->d / (double)t->n;
    }
    r->target = r->target_promoters - r->target_detractors;
    r->target_variance =
        loy__answer_var(r->target_promoters, r->target_detractors);
}

/* z-scores of the used units into f->z; sums of w = n/sigma0^2. */
static void
z_scores(fit *f, const uint64_t *counts, size_t n_units, size_t stride,
         double *sum_w, double *sum_w2)
{
    const double s2 = f->r.target_variance;
    loy__ksum sw = {0, 0}, sw2 = {0, 0};
    size_t i, m = 0;
    for (i = 0; i < n_units; i++) {
        loy__tri u;
        double n;
        (void)loy__tri_read(&u, counts, stride, i);
        if (u.n == 0)
            continue;
        n = (double)u.n;
        f->z[m++] = (unit_theta(&u) - f->r.target) * sqrt(n / s2);
        loy__ksum_add(&sw, n / s2);
        loy__ksum_add(&sw2, (n / s2) * (n / s2));
    }
    *sum_w = loy__ksum_value(&sw);
    *sum_w2 = loy__ksum_value(&sw2);
}

/* phi and the additive tau^2; which adjustment applies. */
static void
overdispersion(fit *f, double sum_w, double sum_w2, uint32_t mode,
               double winsor)
{
    loy_funnel_result *r = &f->r;
    size_t m = r->n_used;
    /* The selection reorders the scratch copy; z is rebuilt afterwards. */
    r->phi = loy__od_phi(f->p, m, winsor);
    if (m < 2) {
        r->flags |= LOY_FUNNEL_NO_OVERDISPERSION;
        r->tau2_od = 0.0;
        r->overdispersion = LOY_FUNNEL_OD_NONE;
        return;
    }
    r->tau2_od = loy__od_tau2(r->phi, m, sum_w, sum_w2);
    r->overdispersion = mode;
    if ((mode == LOY_FUNNEL_OD_ADDITIVE && r->tau2_od > 0.0)
        || (mode == LOY_FUNNEL_OD_MULTIPLICATIVE && r->phi > 1.0))
        r->flags |= LOY_FUNNEL_OD_APPLIED;
}

/* z after the overdispersion adjustment, from z and the unit's size. */
static double
adjusted_z(const loy_funnel_result *r, double z, double n)
{
    if (!(r->flags & LOY_FUNNEL_OD_APPLIED))
        return z;
    if (r->overdispersion == LOY_FUNNEL_OD_MULTIPLICATIVE)
        return z / sqrt(r->phi);
    /* additive: (theta - theta0)/sqrt(s^2 + tau^2), s^2 = sigma0^2/n */
    return z * sqrt((r->target_variance / n)
                    / (r->target_variance / n + r->tau2_od));
}

/* Adjusted p-values into f->p (unit order); multiplicity thresholds. */
static void
multiplicity(fit *f, const uint64_t *counts, size_t n_units, size_t stride)
{
    loy_funnel_result *r = &f->r;
    size_t i, m = 0;
    for (i = 0; i < n_units; i++) {
        loy__tri u;
        double za;
        (void)loy__tri_read(&u, counts, stride, i);
        if (u.n == 0)
            continue;
        za = adjusted_z(r, f->z[m], (double)u.n);
        f->p[m++] = 2.0 * loy__normal_sf(fabs(za));
    }
    f->bonf = r->alpha / (double)r->n_used;
    f->kstar = loy__bh_kstar(f->p, r->n_used, r->alpha, &r->fdr_p, f->work);
    r->n_fdr = f->kstar;
    if (f->kstar == 0) {
        /* No discovery: the line the most extreme unit had to cross. */
        r->flags |= LOY_FUNNEL_NO_DISCOVERY;
        r->fdr_p = r->alpha / (double)r->n_used;
        r->fdr_z = -loy__normal_quantile(0.5 * r->fdr_p);
        return;
    }
    /* z* = Phi^-1(1 - p(k*)/2) is the smallest |z| among the discoveries;
     * taking it from the z-scores keeps it exact when p(k*) underflows. */
    r->fdr_z = HUGE_VAL;
    m = 0;
    for (i = 0; i < n_units; i++) {
        loy__tri u;
        (void)loy__tri_read(&u, counts, stride, i);
        if (u.n == 0)
            continue;
        if (f->p[m] <= r->fdr_p)
            r->fdr_z = fmin(r->fdr_z, fabs(adjusted_z(r, f->z[m], (double)u.n)));
        m++;
    }
}

/* Flags of one used unit (index m among the used ones). */
static uint32_t
unit_flags(fit *f, const loy__tri *u, double theta, double za, double pv,
           const double exact[2])
{
    loy_funnel_result *r = &f->r;
    uint32_t fl = 0;
    int lv;
    if (u->d == u->n || u->a == u->n || u->p == u->n)
        fl |= LOY_FUNNEL_DEGENERATE;
    if (theta < r->target)
        fl |= LOY_FUNNEL_BELOW;
    else if (theta > r->target)
        fl |= LOY_FUNNEL_ABOVE;
    for (lv = 0; lv < 2; lv++) {
        if (fabs(za) > r->z_levels[lv]) {
            fl |= lv == 0 ? LOY_FUNNEL_OUTSIDE_INNER : LOY_FUNNEL_OUTSIDE_OUTER;
            r->n_outside[lv]++;
        }
        if (f->exact
            && fmin(exact[0], exact[1]) <= 0.5 * (1.0 - r->levels[lv])) {
            fl |= lv == 0 ? LOY_FUNNEL_EXACT_INNER : LOY_FUNNEL_EXACT_OUTER;
            r->n_exact[lv]++;
        }
    }
    if (pv < f->bonf) {
        fl |= LOY_FUNNEL_BONFERRONI;
        r->n_bonferroni++;
    }
    if (f->kstar > 0 && pv <= r->fdr_p)
        fl |= LOY_FUNNEL_FDR;
    return fl;
}

/* The output pass: per-unit values and flags. */
static void
write_units(fit *f, const loy_funnel_units *out, const uint64_t *counts,
            size_t n_units, size_t stride)
{
    loy_funnel_result *r = &f->r;
    size_t i, m = 0;
    for (i = 0; i < n_units; i++) {
        loy__tri u;
        double n, theta, var, za, ex[2] = {1.0, 1.0}, est, se;
        uint32_t fl;
        (void)loy__tri_read(&u, counts, stride, i);
        if (u.n == 0) {
            if (out != NULL)
                LOY__PUT(out->flags, i, LOY_FUNNEL_EMPTY);
            continue;
        }
        n = (double)u.n;
        theta = unit_theta(&u);
        var = loy__answer_var((double)u.p / n, (double)u.d / n);
        za = adjusted_z(r, f->z[m], n);
        if (f->exact)
            loy__trinomial_tails(&ex[0], &ex[1], u.n,
                                 (int64_t)u.p - (int64_t)u.d,
                                 r->target_promoters, r->target_detractors);
        fl = unit_flags(f, &u, theta, za, f->p[m], ex);
        loy__shrink(&est, &se, &f->het, theta,
                    (fl & LOY_FUNNEL_DEGENERATE ? r->target_variance : var)
                        / n);
        if (out != NULL) {
            LOY__PUT(out->nps, i, theta);
            LOY__PUT(out->variance, i, var);
            LOY__PUT(out->se, i, sqrt(r->target_variance / n));
            LOY__PUT(out->z, i, f->z[m]);
            LOY__PUT(out->z_adjusted, i, za);
            LOY__PUT(out->p_value, i, f->p[m]);
            if (f->exact) {
                LOY__PUT(out->p_lower, i, ex[0]);
                LOY__PUT(out->p_upper, i, ex[1]);
            }
            LOY__PUT(out->shrunk, i, est);
            LOY__PUT(out->shrunk_se, i, se);
            LOY__PUT(out->flags, i, fl);
        }
        m++;
    }
}

/* Every step after the checks, on the scratch block. */
static void
run(fit *f, const loy_funnel_units *units, const uint64_t *counts,
    size_t n_units, size_t stride, const loy_funnel_options *o)
{
    double sum_w, sum_w2;
    size_t m = f->r.n_used;
    z_scores(f, counts, n_units, stride, &sum_w, &sum_w2);
    memcpy(f->p, f->z, m * sizeof *f->p);
    overdispersion(f, sum_w, sum_w2, o->overdispersion, o->winsor);
    multiplicity(f, counts, n_units, stride);
    loy__heterogeneity(&f->het, counts, n_units, stride, f->r.target,
                       f->r.target_variance / (double)f->r.n_total);
    f->r.fixed_mean = f->het.fixed_mean;
    f->r.q_stat = f->het.q;
    f->r.tau2 = f->het.tau2;
    f->r.tau = sqrt(f->het.tau2);
    f->r.i2 = f->het.i2;
    f->r.mu = f->het.mu;
    f->r.mu_se = sqrt(f->het.mu_var);
    if (f->het.n_units < 2)
        f->r.flags |= LOY_FUNNEL_NO_HETEROGENEITY;
    write_units(f, units, counts, n_units, stride);
}

int
loy_funnel_compute(loy_funnel_result *out, const loy_funnel_units *units,
                   const uint64_t *counts, size_t n_units, size_t stride,
                   const loy_funnel_options *opts, size_t *err_index)
{
    loy_funnel_options o;
    totals t;
    fit f;
    size_t dummy, m;
    void *block;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof f.r), LOY_EINVAL);
    LOY__REQUIRE(units == NULL || LOY__STRUCT_OK(units, sizeof *units),
                 LOY_EINVAL);
    LOY__TRY(loy__tally_array_check(&dummy, counts, n_units, 1, stride));
    LOY__TRY(read_options(&o, opts));
    LOY__TRY(sum_units(&t, counts, n_units, stride, err_index));
    LOY__REQUIRE(t.used > 0, LOY_EEMPTY);
    f.exact = (o.flags & LOY_FUNNEL_EXACT) != 0;
    LOY__REQUIRE(!(f.exact && t.too_big_for_exact), LOY_EDOMAIN);
    memset(&f.r, 0, sizeof f.r);
    f.r.struct_size = sizeof f.r;
    f.r.n_units = n_units;
    f.r.n_used = m = t.used;
    f.r.n_degenerate = t.degenerate;
    f.r.n_total = t.n;
    f.r.alpha = o.alpha;
    set_target(&f.r, &t, &o);
    LOY__REQUIRE(f.r.target_variance > 0.0, LOY_EDEGENERATE);
    f.r.levels[0] = o.levels[0];
    f.r.levels[1] = o.levels[1];
    LOY__TRY(loy__normal_crit(&f.r.z_levels[0], o.levels[0]));
    LOY__TRY(loy__normal_crit(&f.r.z_levels[1], o.levels[1]));
    /* One scratch block: z (m), p (m), counters (m + 1). */
    block = malloc(2 * m * sizeof(double) + (m + 1) * sizeof(size_t));
    LOY__REQUIRE(block != NULL, LOY_ENOMEM);
    f.z = block;
    f.p = f.z + m;
    f.work = (size_t *)(void *)(f.p + m);
    run(&f, units, counts, n_units, stride, &o);
    free(block);
    loy__struct_copy_out(out, &f.r, sizeof f.r);
    return LOY_OK;
}
