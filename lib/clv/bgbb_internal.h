/* SPDX-License-Identifier: MIT */
/*
 * bgbb_internal.h - helpers shared by the BG/BB (bgbb.c) and sBG (sbg.c)
 * models (internal, never installed).
 *
 * Both models mix a geometric "still alive after k more periods" factor
 * over a beta distribution, so their discounted sums have the same shape.
 */
#ifndef LOY_BGBB_INTERNAL_H
#define LOY_BGBB_INTERNAL_H

#include "core/internal.h"

/* Largest number of terms summed by loy__beta_geom_sum before giving up. */
#define LOY__BETA_GEOM_MAX_TERMS 100000000.0

/*
 * F = sum_{j>=0} (b)_j / (a+b)_j * v^j = 2F1(1, b; a + b; v) for a, b > 0
 * and v in (0, 1], summed directly with the term recursion
 *   tau_{j+1} = tau_j * (b + j) / (a + b + j) * v
 * and stopped with a tail bound (terms after j sum to at most
 * tau_j * min(v / (1 - v), v (b + j) / (a - 1)), the second for a > 1).
 * v = 1 with a > 1 gives the closed form (a + b - 1) / (a - 1); with
 * a <= 1 (a positive d below 1.1e-16 rounds v to 1; callers reject
 * d = 0 there) LOY_ENOCONV with the t = 0 term in *out. The cost is about min(34.5 / d, 10^(16/(a-1)))
 * terms for v = 1/(1+d); LOY_ENOCONV (best partial sum in *out) after
 * LOY__BETA_GEOM_MAX_TERMS terms, i.e. for d below about 3e-7 when a is
 * near or below 1.
 */
int loy__beta_geom_sum(double a, double b, double v, double *out);

#endif /* LOY_BGBB_INTERNAL_H */
