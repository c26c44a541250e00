/* SPDX-License-Identifier: MIT */
/*
 * vecdot.h - dot products of one vector with several others (internal).
 *
 * Four-lane accumulators summed in a fixed order, compiled for the
 * baseline and for AVX2 (chosen at run time): the same bits on either
 * path, and about four times the scalar loop's speed.
 */
#ifndef LOY_VECDOT_H
#define LOY_VECDOT_H

#include <stddef.h>

/* out[c] = sum_i a[i] * b[c][i] for c < nb, i < n. */
void loy__dots(double *out, const double *a, const double *const *b,
               size_t nb, size_t n);

/* sum_i a[i] */
double loy__vsum(const double *a, size_t n);

#endif /* LOY_VECDOT_H */
