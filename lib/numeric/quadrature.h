/* SPDX-License-Identifier: MIT */
/*
 * quadrature.h - Gauss-Legendre nodes and weights (internal).
 */
#ifndef LOY_QUADRATURE_H
#define LOY_QUADRATURE_H

#include "core/internal.h"

/*
 * The n-point Gauss-Legendre rule on [a, b]: nodes x[0..n-1] in increasing
 * order and weights w[0..n-1], so that sum w_j f(x_j) integrates
 * polynomials of degree < 2n exactly. n >= 1, a < b (not checked).
 * Nodes by Newton's method on the three-term recurrence of P_n, started
 * from Tricomi's approximation; accurate to a few ulps for n <= 2000.
 */
void loy__gauss_legendre(double *x, double *w, size_t n, double a, double b);

#endif /* LOY_QUADRATURE_H */
