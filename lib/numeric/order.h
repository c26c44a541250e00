/* SPDX-License-Identifier: MIT */
/*
 * order.h - order statistics without a full sort (internal).
 */
#ifndef LOY_ORDER_H
#define LOY_ORDER_H

#include "core/internal.h"

/* Reorder v[0..n-1] so that v[k] holds the k-th smallest value, smaller
 * or equal values before it and larger or equal after. k < n; values must
 * not be NaN. Expected O(n). */
void loy__select(double *v, size_t n, size_t k);

/* R's type-7 sample quantile at probability q in [0, 1] of v[0..n-1]
 * (n >= 1): h = (n - 1) q, v_(floor h) + (h - floor h)(v_(floor h + 1) -
 * v_(floor h)) on the sorted values. v is reordered. */
double loy__quantile7(double *v, size_t n, double q);

#endif /* LOY_ORDER_H */
