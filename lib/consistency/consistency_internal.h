/* SPDX-License-Identifier: MIT */
/*
 * consistency_internal.h - internals shared by the lib/consistency files:
 * tally reading, the run-length integral equation, the exact trinomial
 * distribution, order statistics and multiplicity. Never installed.
 */
#ifndef LOY_CONSISTENCY_INTERNAL_H
#define LOY_CONSISTENCY_INTERNAL_H

#include "core/internal.h"

/* ---- Tallies ---------------------------------------------------------- */

/* Counts of one tally in a strided array, with n = D + A + P checked for
 * overflow. */
typedef struct loy__tri {
    uint64_t d, a, p, n;
} loy__tri;

/* Read tally i; LOY_EOVERFLOW if D + A + P overflows uint64_t. */
static inline int
loy__tri_read(loy__tri *t, const uint64_t *counts, size_t stride, size_t i)
{
    const uint64_t *c = counts + i * stride;
    t->d = c[0];
    t->a = c[1];
    t->p = c[2];
    t->n = t->d + t->a;
    if (t->n < t->d)
        return LOY_EOVERFLOW;
    t->n += t->p;
    if (t->n < t->p)
        return LOY_EOVERFLOW;
    return LOY_OK;
}

/* acc += v, LOY_EOVERFLOW on wrap (acc untouched then). */
static inline int
loy__add_u64(uint64_t *acc, uint64_t v)
{
    if (*acc + v < v)
        return LOY_EOVERFLOW;
    *acc += v;
    return LOY_OK;
}

/* Variance of one answer, p + d - (p - d)^2, for promoter and detractor
 * shares p and d, written p(1-p) + d(1-d) + 2pd: a sum of non-negative
 * terms, so it cannot cancel to a negative. */
static inline double
loy__answer_var(double p, double d)
{
    return p * (1.0 - p) + d * (1.0 - d) + 2.0 * p * d;
}

/* Write v to an optional output array (NULL: not asked for). */
#define LOY__PUT(arr, i, v)                                                 \
    do {                                                                    \
        if ((arr) != NULL)                                                  \
            (arr)[i] = (v);                                                 \
    } while (0)

/* Validate a strided units (x periods) array: non-NULL, stride >= 3, the
 * product of the sizes representable. Returns the number of tallies. */
int loy__tally_array_check(size_t *n_tallies, const uint64_t *counts,
                           size_t n_units, size_t n_periods, size_t stride);

/* A target (p0, d0): finite (LOY_ENONFINITE), in the simplex with a
 * positive variance p0 + d0 - (p0 - d0)^2 (LOY_EDOMAIN). */
int loy__target_check(double p0, double d0);

/* ---- Run-length integral equation ------------------------------------- */

/*
 * A Markov chain on the real line: from state z the next state is
 * a z + c0 + b X with X ~ N(mu, 1). The chart continues while the state
 * stays in [lo, hi]; with `atom` set, a state below lo is reset to lo
 * (reflecting barrier or CUSUM floor), otherwise leaving on either side
 * is a signal.
 */
typedef struct loy__arl_chain {
    double a, b, c0, mu;
    double lo, hi;
    int atom;
} loy__arl_chain;

#define LOY__ARL_MAX_NODES 2000

/* ARL from the start state s0 by Nystroem with `nodes` Gauss-Legendre
 * nodes on [lo, hi] (plus the atom as its own unknown). LOY_ENOMEM,
 * LOY_EDEGENERATE when the system is singular or the ARL exceeds ~1e13. */
int loy__arl_solve(double *arl, const loy__arl_chain *ch, double s0,
                   size_t nodes);

/* Nodes giving about 1e-12 relative for a chain whose continuation region
 * spans `width` kernel widths; 0 when more than LOY__ARL_MAX_NODES would
 * be needed. */
size_t loy__arl_auto_nodes(double width);

/* Options read into a default-initialised copy and checked
 * (LOY_EINVAL, LOY_ENONFINITE, LOY_EDOMAIN for nodes). */
int loy__arl_read_options(loy_arl_options *o, const loy_arl_options *opts);

/* The public ARL functions after their argument checks (the design
 * searches call these directly). */
int loy__arl_ewma_checked(double *arl, double lambda, double limit,
                          double shift, uint32_t sides,
                          const loy_arl_options *o);
int loy__arl_cusum_checked(double *arl, double k, double h, double shift,
                           uint32_t sides, const loy_arl_options *o);

/* ---- Exact distribution of X = P - D ---------------------------------- */

/* P(X <= x) and P(X >= x) for X = P - D, (D, A, P) ~ Mult(n; d0, a0, p0),
 * x in [-n, n]. Shares are valid (checked by the caller). */
void loy__trinomial_tails(double *lower, double *upper, uint64_t n,
                          int64_t x, double p0, double d0);

/* Interpolated q-quantile of X / n (Spiegelhalter 2005): r_q the smallest
 * x with P(X <= x) >= q, limit (r_q - alpha step)/n. q in (0, 1). */
double loy__trinomial_limit(uint64_t n, double q, double p0, double d0);

/* ---- Funnel pieces ---------------------------------------------------- */

/* Winsorised phi = (1/m) sum z_w^2 of z[0..m-1] (m >= 1; z reordered). */
double loy__od_phi(double *z, size_t m, double winsor);

/* Additive overdispersion tau^2 = (m phi - (m - 1)) / (sum w - sum w^2 /
 * sum w), 0 when m phi < m - 1 or the denominator is not positive. */
double loy__od_tau2(double phi, size_t m, double sum_w, double sum_w2);

/* Between-unit heterogeneity and shrinkage of a funnel. */
typedef struct loy__hetero {
    size_t n_units;        /* units with a positive own variance */
    double fixed_mean, q, tau2, i2, mu, mu_var;
} loy__hetero;

/* DerSimonian-Laird tau^2, I^2 and the random-effects mean from the units
 * with n > 0 and a positive own variance. With fewer than two such units
 * tau2 = i2 = 0 (and mu falls back to the pooled `fallback_mu`,
 * `fallback_var` when there is none). LOY_EOVERFLOW never happens here:
 * the counts were checked. */
void loy__heterogeneity(loy__hetero *h, const uint64_t *counts,
                        size_t n_units, size_t stride, double fallback_mu,
                        double fallback_var);

/* Empirical-Bayes estimate and its standard error of a unit with NPS theta
 * and sampling variance v. */
void loy__shrink(double *est, double *se, const loy__hetero *h,
                 double theta, double v);

/* ---- Multiplicity ----------------------------------------------------- */

/* Benjamini-Hochberg step-up at rate q over p[0..n-1]: returns k* (0 when
 * nothing passes) and the largest discovered p-value in *p_star. Uses
 * `work` (n + 1 size_t). */
size_t loy__bh_kstar(const double *p, size_t n, double q, double *p_star,
                     size_t *work);

#endif /* LOY_CONSISTENCY_INTERNAL_H */
