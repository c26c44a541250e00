/* SPDX-License-Identifier: MIT */
/*
 * linalg.h - small dense linear algebra on symmetric matrices (internal).
 *
 * Matrices are row-major n x n with leading dimension n unless stated.
 * Sizes are small (the number of regressors, at most a few hundred), so the
 * routines are plain O(n^3) loops chosen for accuracy and predictability,
 * not blocked for cache.
 */
#ifndef LOY_LINALG_H
#define LOY_LINALG_H

#include "core/internal.h"

/*
 * In-place Cholesky A = L L' of a symmetric matrix (lower triangle read,
 * L written there; the strict upper triangle is left alone). A pivot is
 * rejected when the residual variance of column j given the earlier ones,
 * relative to A_jj, is <= rel_tol (or A_jj <= 0): then *fail (if not NULL)
 * gets j and LOY_EDEGENERATE is returned.
 */
int loy__chol(double *A, size_t n, double rel_tol, size_t *fail);

/* Solve L L' x = b in place (b has n entries), L from loy__chol. */
void loy__chol_solve(const double *L, size_t n, double *b);

/* Forward solve L y = b in place. */
void loy__chol_forward(const double *L, size_t n, double *b);

/* Inverse of A = L L' into Ainv (full symmetric, n x n). */
void loy__chol_inverse(const double *L, size_t n, double *Ainv);

/*
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations:
 * A = V diag(lambda) V', V row-major with the eigenvectors as columns,
 * eigenvalues in descending order. A is not modified. Work space: 2 n^2
 * doubles from the caller (`work`). Returns LOY_ENOCONV if 100 sweeps do
 * not reduce the off-diagonal mass below rounding level (never seen).
 */
int loy__sym_eigen(const double *A, size_t n, double *lambda, double *V,
                   double *work);

/* Student t: two-sided p-value P(|T| >= |t|) with df > 0 degrees. */
double loy__t_two_sided(double t, double df);

/* F distribution: upper tail P(F >= f) with (d1, d2) degrees. */
double loy__f_upper(double f, double d1, double d2);

#endif /* LOY_LINALG_H */
