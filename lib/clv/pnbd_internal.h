/* SPDX-License-Identifier: MIT */
/*
 * pnbd_internal.h - internals of the Pareto/NBD and MBG/NBD modules
 * (pnbd.c, mbgnbd.c), exposed for the tests. Never installed.
 */
#ifndef LOY_PNBD_INTERNAL_H
#define LOY_PNBD_INTERNAL_H

#include "core/internal.h"
#include "numeric/fitcore.h"

/*
 * Argument check of the per-customer functions of both models: out and
 * params present (LOY_EINVAL), then loy__btyd_check() with 4 parameters.
 */
int loy__pnbd_check(const void *out, const double *params, const double *x,
                    const double *t_x, const double *T, const double *w,
                    size_t n, size_t *err_index);

/*
 * The arguments of loy_pnbd_score() and loy_mbgnbd_score(): at least one
 * output, the options (*threads), the customers as loy__pnbd_check, and a
 * finite t >= 0 when CET is asked for.
 */
int loy__pnbd_score_check(const double *palive, const double *cet,
                          const double *params, const double *x,
                          const double *t_x, const double *T, size_t n,
                          double t, const loy_predict_options *opts,
                          uint32_t *threads, size_t *err_index);

/*
 * Per-customer ln L of the Pareto/NBD model at params (r, alpha, s, beta)
 * and, when grad is not NULL, d lnL / d(r, alpha, s, beta) (natural, not
 * log, parameters). Inputs must be validated.
 */
int loy__pnbd_loglik1(const double *params, double x, double t_x, double T,
                      double *ll, double *grad);

/* The same for MBG/NBD at (r, alpha, a, b). */
int loy__mbgnbd_loglik1(const double *params, double x, double t_x, double T,
                        double *ll, double *grad);

/*
 * S = 2F1(1, b; c; z) for 0 < b < c, 0 <= z < 1 by its positive series,
 * with d S/db, d S/dc, d S/dz in d[0..2] when d is not NULL. Returns
 * LOY_OK, or LOY_ENOCONV when the cap of 8000 terms is reached (the
 * likelihood uses it only for z <= 0.9 and integrates directly beyond).
 */
int loy__pnbd_hyp1(double b, double c, double z, double *S, double *d);

/* Relative tolerance of the series S (a term below it times the sum, as
 * pnbd.c's stopping rule), shared with the lanes of pnbd_rows.c. */
#define LOY__PNBD_SERIES_TOL 1e-16

/* Rows per call of loy__pnbd_score_rows, and the largest z(t_x) of the
 * series its lanes take (about 60 terms; beyond, the scalar form). */
#define LOY__PNBD_ROWS 16u
#define LOY__PNBD_LANE_ZMAX 0.5

/* The parameters the lanes of loy__pnbd_score_rows need. */
typedef struct loy__pnbd_lanes {
    double r, alpha, s, beta;
    double ls;    /* ln s, as pnbd.c has it */
    int alpha_ge; /* alpha >= beta: the series in (alpha-beta)/(alpha+t) */
    int cet;      /* also CET over (T, T + t] */
    double t;
    /* S at x = 0, t = 0 (every x = 0 row's first series), if have_S0 */
    double S0;
    int have_S0;
} loy__pnbd_lanes;

/*
 * P(alive) of LOY__PNBD_ROWS validated rows into pa and, when p->cet, CET
 * into cet, as pnbd.c's pnbd_row_eval and its CET (within a few ulp of
 * the exact values; pnbd_rows.c). bad[k] nonzero: lane k is not covered
 * (its outputs are unset), the caller computes it with the scalar form;
 * else, when p->cet, bad_cet[k] nonzero: only its CET is unset (the
 * caller computes it from pa[k]). Callers use it only when ln s > -40
 * (below, V may be negligible: the scalar form's shortcut).
 */
void loy__pnbd_score_rows(const loy__pnbd_lanes *p, const double *x,
                          const double *t_x, const double *T, double *pa,
                          double *cet, int64_t *bad, int64_t *bad_cet);

/* The same on one vector path (core/internal.h's LOY__VPATH_*): 1, or 0
 * without writing when the build or the CPU lacks it (for tests, which
 * compare the paths' bits; loy__pnbd_score_rows takes the widest). */
int loy__pnbd_rows_lanes(int path, const loy__pnbd_lanes *p, const double *x,
                         const double *t_x, const double *T, double *pa,
                         double *cet, int64_t *bad, int64_t *bad_cet);

#ifdef LOY__PALIVE_AVX512
/* The same on groups of eight lanes (pnbd_rows_avx512.c): only on a CPU
 * with AVX-512 F and DQ. */
void loy__pnbd_rows_avx512(const loy__pnbd_lanes *p, const double *x,
                           const double *t_x, const double *T, double *pa,
                           double *cet, int64_t *bad, int64_t *bad_cet);
#endif

/* Nodes per call of loy__pnbd_quad_panel (a 10-point Gauss-Legendre
 * panel, padded with weight-0 nodes). */
#define LOY__PNBD_QNODES 12u

/*
 * One panel of pnbd.c's direct integration of the dropout term: with
 * prm = (r, alpha, s, beta) and h(u) = (r+x) log1p((T-u)/(alpha+u)) +
 * s log1p((T-u)/(beta+u)) - ln(beta+u), *sum = sum of w[k] e^(h(v[k]) -
 * h0) and, when sd is not NULL, sd[j] = the same sums weighted by
 * dh/d(r, alpha, s, beta) at v[k] (as pnbd.c's pq_h). Returns nonzero
 * (outputs unset) when a node is outside the vector kernels' domain: the
 * caller then sums the panel with libm.
 */
int loy__pnbd_quad_panel(const double *prm, double rx, double T, double h0,
                         const double *v, const double *w, double *sum,
                         double *sd);
/* The same on one vector path (core/internal.h's LOY__VPATH_*), its
 * return value in *rc: 1, or 0 without writing when the build or the CPU
 * lacks the path (for tests, which compare the paths' bits). */
int loy__pnbd_quad_panel_lanes(int path, const double *prm, double rx,
                               double T, double h0, const double *v,
                               const double *w, double *sum, double *sd,
                               int *rc);

/* Doubles per x value in loy__pnbd_data.xtab. */
#define LOY__PNBD_XSTRIDE 8
/* The gradient's series terms tabulated per x (pnbd.c): x below
 * LOY__PNBD_DX, the first LOY__PNBD_DK terms. */
#define LOY__PNBD_DX 256u
#define LOY__PNBD_DK 256u

/*
 * S = 2F1(1, b; c; z) and d = (dS/db, dS/dc, dS/dz) as loy__pnbd_hyp1,
 * with the terms that depend on b and c only from dq (3 LOY__PNBD_DK
 * doubles filled by loy__pnbd_dq_fill for the same b and c; NULL: none):
 * the same bits either way.
 */
void loy__pnbd_dq_fill(double b, double c, double *dq);
int loy__pnbd_hyp1_dq(const double *dq, double b, double c, double z,
                      double *S, double *d);

/*
 * Rows a fit likelihood runs over (possibly compressed patterns), plus a
 * scratch table of per-x terms that the model refreshes once per
 * evaluation for the distinct x values xs[0..nxs-1] (xtab NULL: none).
 */
typedef struct loy__pnbd_data {
    const double *x, *tx, *T, *w; /* w may be NULL */
    size_t n;
    double *xtab;                  /* LOY__PNBD_XSTRIDE * (xmax + 1) */
    double *dtab;                  /* pnbd.c's derivative-series table for
                                      x < LOY__PNBD_DX, or NULL */
    size_t xmax;
    double *xs;
    size_t nxs;
    uint32_t threads;              /* loy_fit_options::threads */
} loy__pnbd_data;

/* Rows per block of the likelihood sums (loy__par_sum): fixed, so that
   the sums do not depend on the thread count. */
#define LOY__PNBD_SUM_BLOCK 256u

/* Warm start of large fits (see pnbd.c): at least this many rows, and
   about this many in the subsample. */
#define LOY__PNBD_WARM_MIN 200000u
#define LOY__PNBD_WARM_ROWS 20000u

/*
 * Validate the rows, compress them when it pays, pick the default start
 * (r = 0.5, alpha from the purchase rate, then tail[0], tail[1]; tail[1]
 * < 0 means the mean T), warm-start when there are at least warm[0] rows
 * (subsample of ~warm[1] rows; warm[1] = 0 disables it) and run
 * loy__fit_ml with `fn`, whose ctx is a loy__pnbd_data, and the limits of
 * a family whose dropout side is dropout_kind (LOY__MIX_*).
 */
int loy__pnbd_fit_driver(loy__loglik_fn fn, const double tail[2],
                         const size_t warm[2], int dropout_kind,
                         double params_out[4],
                         const double *x, const double *t_x,
                         const double *T, const double *weights, size_t n,
                         const loy_fit_options *opts, loy_fit_report *report,
                         size_t *err_index);

/* Pareto/NBD sample log-likelihood and gradient of a fit (loy__loglik_fn;
   ctx is a loy__pnbd_data). */
int loy__pnbd_fit_loglik(void *ctx, const double *p, size_t k, double *ll,
                         double *g);

#endif /* LOY_PNBD_INTERNAL_H */
