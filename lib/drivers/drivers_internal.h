/* SPDX-License-Identifier: MIT */
/*
 * drivers_internal.h - shared pieces of the key-driver analyses
 * (lib/drivers only): the result object, the problem set-up from a spec,
 * the subset enumeration and the dominance accumulators.
 */
#ifndef LOY_DRIVERS_INTERNAL_H
#define LOY_DRIVERS_INTERNAL_H

#include "core/internal.h"

#define LOY__DRV_NMETRICS 35u   /* metric codes 1..34 */
#define LOY__DRV_TOL 1e-12      /* residual-variance fraction = collinear */
#define LOY__DRV_MAX_EXACT 40u

/* One metric of a result: a vector (or matrix) with optional resampling
 * statistics. status: LOY_OK available, LOY_EDOMAIN not computed,
 * LOY_EDEGENERATE undefined for the data. */
typedef struct loy__metric {
    int status;
    size_t len;
    double *est;
    double *se, *lo, *hi; /* NULL unless resampled (se alone: model SE) */
    double *reps;         /* nrep * len */
    size_t nrep;
} loy__metric;

struct loy_drivers_result {
    loy_drivers_summary sum;
    loy__metric m[LOY__DRV_NMETRICS];
    int32_t *kano;        /* PRCA classes (p) or NULL */
};

/* Options with their defaults filled in. */
typedef struct loy__drv_opts {
    uint32_t flags, max_exact, index;
    uint64_t orders, seed;
    double level;
} loy__drv_opts;

/* Read and check options (NULL: defaults); default_max is the exact
 * limit when the caller leaves it 0 (24 linear, 16 GLMs). */
int loy__drv_read_options(loy__drv_opts *o, const loy_drivers_options *opts,
                          uint32_t default_max);

/* Result life cycle and metric slots (drv_result.c). */
int loy__drv_result_new(loy_drivers_result **out, uint32_t model);
/* Allocate metric `code` with len values (zeroed), status LOY_OK. */
double *loy__drv_metric(loy_drivers_result *r, uint32_t code, size_t len);
/* Mark a metric undefined for the data (shares at R² = 0). */
void loy__drv_metric_undefined(loy_drivers_result *r, uint32_t code);
/* Model-based standard errors of a metric (len values), or NULL. */
double *loy__drv_metric_se(loy_drivers_result *r, uint32_t code);

/* Dominance codes from per-player values, ranks (drv_result.c). */
void loy__drv_general_codes(double *D, const double *lmg, size_t g);
void loy__drv_conditional_codes(double *D, const double *cond, size_t g);
void loy__drv_ranks(double *rank, const double *v, size_t g);

/*
 * A linear problem prepared from a covariance matrix: the correlation
 * matrix of [y, drivers] given the covariates (drivers ordered by player),
 * the scale factor f = 1 - R²(covariates), and what the coefficients need.
 */
typedef struct loy__drv_prob {
    size_t p, g, a, q;   /* drivers, players, covariates, columns 1 + p */
    size_t *order;       /* p: position -> index into spec->drivers */
    size_t *off;         /* g + 1: player c owns positions off[c]..off[c+1]-1 */
    double *R;           /* q x q correlation of [y, drivers] given A */
    double *sd;          /* q: sqrt of the partial variances */
    double *sd0;         /* q: sqrt of the total variances (y, drivers) */
    double f;            /* 1 - R²(A) */
    double r2_always;
    uint64_t n;
    double W;
    int pairwise;
} loy__drv_prob;

typedef struct loy__drv_cols {
    size_t *cols;        /* 1 + p + a tally columns: y, drivers by player,
                            covariates */
    size_t *order;       /* p */
    size_t *off;         /* g + 1 */
    size_t p, g, a;
} loy__drv_cols;

/* Check a spec against k columns and order the drivers by player. */
int loy__drv_cols_new(loy__drv_cols *c, const loy_drivers_spec *spec,
                      size_t k, size_t *err_index);
void loy__drv_cols_free(loy__drv_cols *c);

/*
 * Prepare the problem from a covariance matrix S of the columns c->cols
 * (size 1 + p + a) and their means, with n rows. Checks constant and collinear columns
 * (LOY_EDEGENERATE, err = tally column), too few rows, and, for pairwise
 * tallies, positive definiteness (LOY_EINCONSISTENT).
 */
int loy__drv_prob_init(loy__drv_prob *pr, const loy__drv_cols *c,
                       const double *S, const double *means, uint64_t n,
                       double W, int pairwise, size_t *err_index);
void loy__drv_prob_free(loy__drv_prob *pr);

/*
 * Dominance accumulators fed by a depth-first subset enumeration: nv
 * values per subset (1 for linear R², 4 pseudo-R² for GLMs). A[v][i][t]
 * sums the values of the subsets of size t holding player i, T[v][t] of
 * all subsets of size t; the enumeration adds subtree sums so that each
 * subset costs O(1) (drv_enum.c).
 */
typedef struct loy__dom {
    size_t g, nv;
    double *A;     /* nv * g * (g + 1) */
    double *T;     /* nv * (g + 1) */
    double *loc;   /* (g + 1) levels * nv * (g + 1) */
    double *table; /* 2^g values of index 0, or NULL */
} loy__dom;

int loy__dom_init(loy__dom *d, size_t g, size_t nv, int complete);
void loy__dom_free(loy__dom *d);
/* Node bookkeeping: the subset at depth `depth` (its size) with last
 * player c and values v[nv]; loy__dom_open before its children,
 * loy__dom_close after them. A subset without children (c = g - 1) may
 * call loy__dom_leaf instead of both. The root is opened by init. */
void loy__dom_open(loy__dom *d, size_t depth, size_t c, const double *v);
void loy__dom_close(loy__dom *d, size_t depth, size_t c);
void loy__dom_leaf(loy__dom *d, size_t depth, size_t c, const double *v);
/* Conditional statistics cond[i*g + s] and LMG of value v. */
void loy__dom_finish(const loy__dom *d, size_t v, double *cond, double *lmg);
/* Complete dominance codes and shares from the table. */
int loy__dom_complete(const loy__dom *d, double *codes, double *share);

/*
 * Linear enumeration over the players of a prepared problem: fills the
 * accumulators with R²(S) * f for every non-empty subset (drv_enum.c).
 */
int loy__drv_enumerate(const loy__drv_prob *pr, loy__dom *d);

/* Permutation-sampled LMG (drv_sample.c): lmg[g], se[g]. */
int loy__drv_sample(const loy__drv_prob *pr, uint64_t pairs, uint64_t seed,
                    double *lmg, double *se);

/* Values of one linear analysis (drv_full.c + drv_linear.c). */
typedef struct loy__drv_vals {
    double r2, r2_adj, r2p, df, f_stat, f_p, intercept;
    double *lmg, *first, *last;                      /* g */
    double *betasq, *pratt, *rw, *car;               /* p, spec order */
    double *beta, *beta_std, *se, *t, *pval;         /* p */
} loy__drv_vals;

/* Full-model metrics (everything but LMG and dominance). */
int loy__drv_full(const loy__drv_prob *pr, const double *means,
                  const double *S, size_t m, loy__drv_vals *v);

/* Sweep of one column `c` out of a lower-triangular symmetric matrix M
 * (m x m), restricted to the index list idx[0..ni). */
void loy__drv_sweep(double *M, size_t m, size_t c, const size_t *idx,
                    size_t ni);

/*
 * Data of a logistic or ordinal analysis: the used columns, standardized
 * (weighted mean 0, SD 1 with divisor W - 1), drivers in player order then
 * the covariates; weights rescaled to mean 1 (drv_glm.c).
 */
typedef struct loy__glm {
    size_t n, q, p, a, g;
    const size_t *off;    /* player offsets into the driver positions */
    double *X;            /* q * n, column c at X + c * n */
    double *y;            /* logistic: 0/1; ordinal: category 0..K-1 */
    double *w;            /* mean 1 */
    double *mean, *sd;    /* q, of the raw columns */
    double *levels;       /* ordinal: the K outcome values, sorted */
    uint32_t K;           /* categories (2 for logistic) */
    double *cut;          /* ordinal: null-model thresholds (K - 1) */
    double l0;            /* null log-likelihood */
    double *eta, *r, *wv, *tmp; /* n scratch each */
    double *work;         /* Hessian scratch */
    /* The last pass of the last fit (logistic): r and wv above hold it,
     * taken at last_theta; a submodel that adds columns to this model can
     * start from it (its first Newton step needs no pass). */
    double *last_theta;
    double last_l, last_big;
    int last_ok;
} loy__glm;

/* A first pass handed to a fit: working vectors at the start point. */
typedef struct loy__glm_warm {
    const double *r, *wv;
    double l, big;
} loy__glm_warm;

/*
 * Maximum-likelihood fit of the model on the columns cols[0..m) of d->X.
 * theta holds the start and receives the estimate: logistic [b0, b...],
 * ordinal [zeta_1..zeta_{K-1}, b...]. *ll gets the log-likelihood, *iter
 * the Newton steps; cov (np x np, or NULL) the inverse information. warm
 * (or NULL) is the pass at theta when theta extends a fitted parent with
 * zeros (logistic only; the ordinal fit ignores it and sets last_ok 0).
 * LOY_OK, or LOY_ENOCONV (no convergence in 50 steps or separation: the
 * best point is kept).
 */
int loy__glm_fit_logit(loy__glm *d, const size_t *cols, size_t m,
                       double *theta, double *ll, uint32_t *iter, double *cov,
                       const loy__glm_warm *warm);
int loy__glm_fit_polr(loy__glm *d, const size_t *cols, size_t m,
                      double *theta, double *ll, uint32_t *iter, double *cov,
                      const loy__glm_warm *warm);

/*
 * One logistic pass over d's rows at d->eta (drv_logit.c): d->r and d->wv
 * written, *ll the log-likelihood and *big the largest |eta|, on one
 * vector path (core/internal.h's LOY__VPATH_*: two lanes on the
 * baseline, four with AVX2). Returns 1, or 0 without writing when the
 * build or the CPU lacks the path (for tests, which compare the paths'
 * bits; the fits take the widest).
 */
int loy__glm_logit_pass_lanes(int path, const loy__glm *d, double *ll,
                              double *big);

/* Logistic relative weights (Tonidandel and LeBreton) from the full-model
 * fit on the standardized drivers: eps[p] in player order. */
int loy__glm_logit_rw(const loy__glm *d, const double *theta, double *eps);

/* Percentile (R type 7) of sorted values. */
double loy__drv_quantile(const double *sorted, size_t n, double prob);

#endif /* LOY_DRIVERS_INTERNAL_H */
