/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_internal.h - internals of the BG/NBD, Gamma-Gamma and per-customer
 * CLV modules (bgnbd.c, ggamma.c, clvpred.c), shared with their tests.
 * Never installed.
 */
#ifndef LOY_BGNBD_INTERNAL_H
#define LOY_BGNBD_INTERNAL_H

#include "core/internal.h"

/*
 * Validate params (4 values finite and > 0) and rows (x, t_x, T, w) as the
 * bgnbd section of loyalty.h documents; err_index gets the culprit.
 */
int loy__bgnbd_check(const double *params, const double *x, const double *t_x,
                     const double *T, const double *w, size_t n,
                     size_t *err_index);

/*
 * E[X(t)] of a new customer with parameters (r, alpha, a, b): the
 * conditional expectation uses it with (r+x, alpha+T, a, b+x). Returns
 * LOY_OK or LOY_ENOCONV.
 */
int loy__bgnbd_enew(double r, double alpha, double a, double b, double t,
                    double *out);

/* E[f(p)] over p ~ Beta(a, b) by tanh-sinh quadrature; f gets p, 1 - p. */
typedef double (*loy__beta_fn)(void *ctx, double p, double q);
int loy__beta_expect(double a, double b, loy__beta_fn f, void *ctx,
                     double *out);

/* The same by tanh-sinh quadrature over p (oracle and fallback). */
int loy__bgnbd_enew_quad(double r, double alpha, double a, double b, double t,
                         double *out);

/*
 * ln P(alive) of one customer (validated input): 0 when x = 0, else
 * -ln(1 + e^u), u as in MODELS.md 6.1.
 */
double loy__bgnbd_log_palive(const double *params, double x, double t_x,
                             double T);

/*
 * The per-x terms of the likelihood (bgnbd.c): D1 = lnG(r+x) - lnG(r)
 * - x ln r + lnG(b+x) - lnG(b) - lnG(a+b+x) + lnG(a+b); ln(b+x-1) and
 * 1/(b+x-1) (0 for x = 0); the digamma differences of d lnL/dr, da, db.
 */
enum {
    LOY__BG_XT_D1,
    LOY__BG_XT_LB1,
    LOY__BG_XT_IB1,
    LOY__BG_XT_DR,
    LOY__BG_XT_DA,
    LOY__BG_XT_DB,
    LOY__BG_XT_STRIDE
};

/*
 * The fit's rows LOY__BG_ROWS at a time by vector kernels (bgnbd_rows.c;
 * each value within a few ulp of the scalar form, the same bits for a row
 * wherever it sits). bad[k] != 0: row k is not covered (its output is
 * garbage) and the caller computes it by the scalar form.
 *   zero_rows: out[k] = log1p(T[k]/alpha) (x = 0 rows).
 *   pos_rows: ll[k] and, when grad != NULL, grad[4k..4k+3] of an x > 0
 *   row (bg_row_pos), xt[k] its per-x terms, lrr = ln r - ln alpha,
 *   la = ln a.
 */
#define LOY__BG_ROWS 16u

/* ln L of one validated customer (and d lnL/d(r, alpha, a, b) into g when
 * not NULL) by libm: the scalar form the vector rows are checked against. */
double loy__bgnbd_loglik1(const double *params, double x, double t_x,
                          double T, double *g);
void loy__bgnbd_zero_rows(double alpha, const double *T, double *out,
                          int64_t *bad);
void loy__bgnbd_pos_rows(const double *params, double lrr, double la,
                         const double *const *xt, const double *x,
                         const double *tx, const double *T, double *ll,
                         double *grad, int64_t *bad);
/* The same on one vector path (core/internal.h's LOY__VPATH_*): 1, or 0
 * without writing when the build or the CPU lacks it (for tests, which
 * compare the paths' bits; the functions above take the widest). */
int loy__bgnbd_zero_rows_lanes(int path, double alpha, const double *T,
                               double *out, int64_t *bad);
int loy__bgnbd_pos_rows_lanes(int path, const double *params, double lrr,
                              double la, const double *const *xt,
                              const double *x, const double *tx,
                              const double *T, double *ll, double *grad,
                              int64_t *bad);
#ifdef LOY__PALIVE_AVX512
/* The two on groups of eight lanes (bgnbd_rows_avx512.c): only on a CPU
 * with AVX-512 F and DQ. */
void loy__bgnbd_zero_rows_avx512(double alpha, const double *T, double *out,
                                 int64_t *bad);
void loy__bgnbd_pos_rows_avx512(const double *params, double lrr, double la,
                                const double *const *xt, const double *x,
                                const double *tx, const double *T,
                                double *ll, double *grad, int64_t *bad);
#endif

/*
 * Gamma-Gamma rows LOY__GG_ROWS at a time (ggamma_rows.c): in holds each
 * row's x and m and its per-x terms (ggamma.c: a, ln px or ln q, the
 * digamma differences d0, d1, and big = all ones when px >= q). ll[k],
 * and grad[3k..3k+2] when grad != NULL, within a few ulp of ggamma.c's
 * scalar form; bad[k] != 0: row k not covered (the caller's scalar form).
 */
#define LOY__GG_ROWS 16u
typedef struct loy__gg_rowin {
    double x[LOY__GG_ROWS], m[LOY__GG_ROWS];
    double a[LOY__GG_ROWS], lpq[LOY__GG_ROWS];
    double d0[LOY__GG_ROWS], d1[LOY__GG_ROWS];
    int64_t big[LOY__GG_ROWS];
} loy__gg_rowin;
void loy__ggamma_rows(const double *params, const loy__gg_rowin *in,
                      double *ll, double *grad, int64_t *bad);
/* The same on one vector path (core/internal.h's LOY__VPATH_*): 1, or 0
 * without writing when the build or the CPU lacks it (for tests). */
int loy__ggamma_rows_lanes(int path, const double *params,
                           const loy__gg_rowin *in, double *ll, double *grad,
                           int64_t *bad);
/* ln f(m | x) of one validated row (and d/d(p, q, gamma) into g when not
 * NULL) by libm: the scalar form the vector rows are checked against. */
double loy__ggamma_loglik1(const double *params, double x, double m,
                           double *g);

/* ln a - ln(b + x - 1) is tabulated for x < LOY__BG_LAB_N (lab[0] = 0). */
#define LOY__BG_LAB_N 64u
void loy__bgnbd_lab_fill(const double *params, double *lab);

/*
 * P(alive) of one validated customer by libm (lab from
 * loy__bgnbd_lab_fill, or NULL), and of n customers on vector lanes
 * (bgnbd_palive.c; within a few ulp of the former, and the same bits for
 * a row wherever it sits in the batch).
 */
double loy__bgnbd_log_ratio(double alpha, double t_x, double T);
double loy__bgnbd_palive_row(const double *params, const double *lab,
                             double x, double t_x, double T);
void loy__bgnbd_palive_rows(const double *params, const double *lab,
                            const double *x, const double *t_x,
                            const double *T, size_t n, double *out);

/*
 * The same for MBG/NBD (params (r, alpha, a, b) of MBG/NBD): lab from
 * loy__mbgnbd_lab_fill (ln a - ln(b + x) for x < LOY__BG_LAB_N).
 */
void loy__mbgnbd_lab_fill(const double *params, double *lab);
double loy__mbgnbd_palive_row(const double *params, const double *lab,
                              double x, double t_x, double T);
void loy__mbgnbd_palive_rows(const double *params, const double *lab,
                             const double *x, const double *t_x,
                             const double *T, size_t n, double *out);

/* c_x of either model (mbg: MBG/NBD), from lab below LOY__BG_LAB_N. */
double loy__bgnbd_palive_c(const double *params, const double *lab,
                           double x, int mbg);

/*
 * The rows of either model (mbg: MBG/NBD) on one vector path, path one
 * of core/internal.h's LOY__VPATH_*: the baseline (two lanes), AVX2 or
 * AVX-512. Returns 1, or 0 without writing when the build or the CPU
 * lacks the path. The _rows functions above take the widest; tests run
 * each to compare their bits.
 */
int loy__bgnbd_palive_lanes(int path, const double *params,
                            const double *lab, const double *x,
                            const double *t_x, const double *T, size_t n,
                            double *out, int mbg);

#ifdef LOY__PALIVE_AVX512
/* The rows of either model in groups of eight lanes
 * (bgnbd_palive_avx512.c): only on a CPU with AVX-512 F and DQ. */
void loy__bgnbd_palive_avx512(const double *params, const double *lab,
                              const double *x, const double *t_x,
                              const double *T, size_t n, double *out,
                              int mbg);
#endif

/* The series tolerance of E_new's hypergeometric series (relative to the
 * sum, times 1 - z): bgnbd.c's per-customer series and bgnbd_batch.c's
 * tables. */
#define LOY__BG_SERIES_TOL 1e-17
/* ... and the largest rounding it accepts, as a fraction of E_new (sum of
 * |terms| times the roundoff); past it, quadrature over p. */
#define LOY__BG_SERIES_COND 1e-12

/*
 * CET(t) of n validated customers into out and, when pa_out is not NULL,
 * P(alive) into pa_out (bgnbd_batch.c: per-x tables and Taylor buckets
 * for batches of 2048 and more), on up to threads threads (_cet_batch:
 * one). LOY_OK, or LOY_ENOCONV with err_index the customer whose series
 * failed. loy__bgnbd_palive_par: P(alive) alone, the same way.
 */
int loy__bgnbd_cet_run(double *out, double *pa_out, const double *p,
                       const double *x, const double *t_x, const double *T,
                       size_t n, double t, uint32_t threads,
                       size_t *err_index);
int loy__bgnbd_cet_batch(double *out, double *pa_out, const double *p,
                         const double *x, const double *t_x, const double *T,
                         size_t n, double t, size_t *err_index);
void loy__bgnbd_palive_par(double *out, const double *p, const double *x,
                           const double *t_x, const double *T, size_t n,
                           uint32_t threads);

/*
 * loy__bgnbd_cet_batch with the Taylor rows on one vector path
 * (core/internal.h's LOY__VPATH_*: the scalar loop for the baseline, AVX2
 * or AVX-512 lanes), its status into *rc. Returns 1, or 0 without writing
 * when the build or the CPU lacks the path. Tests run each to compare
 * their bits.
 */
int loy__bgnbd_cet_lanes(int path, double *out, double *pa_out,
                         const double *p, const double *x, const double *t_x,
                         const double *T, size_t n, double t,
                         size_t *err_index, int *rc);

/*
 * E_new(t; r+x, alpha+T, a, b+x) of n validated rows (params (r, alpha,
 * a, b)) into out, through the batch tables of the CET, on up to threads
 * threads: the CET divided by P(alive). MBG/NBD's CET is its own P(alive)
 * times this with b + 1. LOY_OK, or LOY_ENOCONV naming the first row
 * that failed (rows before it written).
 */
int loy__bgnbd_enew_rows(double *out, const double *params, const double *x,
                         const double *T, size_t n, double t,
                         uint32_t threads, size_t *err_index);

/*
 * The CET bracket about a point z0 far from 0, for the batch tables'
 * Taylor buckets (bgnbd_hode.c). With A = a + b - 1 - r > -1 and
 * C = a + b + x - 1 >= 1 (the tables' domain) and G[1..K] the series
 * coefficients of H (bgnbd.c):
 *   loy__bg_h_direct: H(z) and H'(z) by the power series, past the K
 *   tabulated terms as far as needed (LOY_ENOCONV when too far);
 *   loy__bg_h_taylor: h[0..n-1], the Taylor coefficients of H about z0
 *   from H(z0) and H'(z0), by H's ODE;
 *   loy__bg_bracket_at: b[0..m-1] (m <= 64), those of B = phi -
 *   (1-z)^(a-1) H; returns (|phi| + (1-z0)^(a-1) |H|)/|B| at z0, the
 *   factor by which the subtraction can magnify H's rounding.
 */
int loy__bg_h_direct(double A, double a, double C, double z, const double *G,
                     size_t K, double *H, double *dH);
void loy__bg_h_taylor(double A, double a, double C, double z0, double H,
                      double dH, size_t n, double *h);
double loy__bg_bracket_at(double a, double z0, const double *h, size_t m,
                          double *b);

/*
 * dCET/dt at t for one customer: P(alive) (r+x)/(alpha+T) (1-z)^a
 * 2F1(a, a+b-r-1; a+b+x; z), z = t/(alpha+T+t) (Pfaff form of
 * E_p[(1 + p t/(alpha+T))^-(r+x+1)], p ~ Beta(a, b+x)).
 */
int loy__bgnbd_cet_rate(const double *p, double x, double t_x, double T,
                        double t, double *out);

#endif /* LOY_BGNBD_INTERNAL_H */
