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
#include <stdint.h>

/* out[c] = sum_i a[i] * b[c][i] for c < nb, i < n. */
void loy__dots(double *out, const double *a, const double *const *b,
               size_t nb, size_t n);

/* sum_i a[i] */
double loy__vsum(const double *a, size_t n);

#endif /* LOY_VECDOT_H */

/* out[i] = in[i] - m for i < n, 0 for n <= i < n8 (n8 >= n). */
void loy__vcenter(double *out, const double *in, double m, size_t n,
                  size_t n8);

/* out[i] = a[i] * b[i] for i < n. */
void loy__vmul(double *out, const double *a, const double *b, size_t n);

/* Smallest and largest of x[0..n), n >= 1. */
void loy__minmax_i32(const int32_t *x, size_t n, int32_t *mn, int32_t *mx);

/* 1 when lo <= x[i] <= hi for every i < n (NaN fails), else 0. */
int loy__inrange_f64(const double *x, size_t n, double lo, double hi);
