/* SPDX-License-Identifier: MIT */
/*
 * dense.h - small dense linear systems (internal).
 */
#ifndef LOY_DENSE_H
#define LOY_DENSE_H

#include "core/internal.h"

/*
 * Solve A x = b in place by LU decomposition with partial pivoting.
 * a: n*n row-major, overwritten by its factors; b: n, overwritten by x.
 * Returns LOY_OK, or LOY_EDEGENERATE when a pivot is zero or the solution
 * is not finite (A singular to working precision).
 */
int loy__lu_solve(double *a, double *b, size_t n);

#endif /* LOY_DENSE_H */
