/* SPDX-License-Identifier: MIT */
/*
 * vmath.h - exp(x) and expm1(x) for x <= 700, log1p(e) for e in [0, 1]
 * and log(x) on groups of two, four or eight lanes (internal; GCC/Clang
 * vector extensions, scalar fallback).
 *
 * Why: the logistic fits evaluate exp and log1p once per row per Newton
 * step, 2^p submodels over, and the BTYD predictions and likelihoods a
 * log and an exp per customer; libm's scalar calls were half the time or
 * more. These are branch-free, so the compiler keeps them in vector
 * registers, and give the same bits on every path (lanes are independent;
 * tails are padded by the callers). The _n forms take several groups in
 * lockstep, so that their polynomial chains overlap.
 *
 *   exp:   x = k ln2 + r (Cody-Waite, |r| <= ln2/2), e^r by its Taylor
 *          polynomial of degree 13 (truncation below 5e-18), 2^k put in
 *          the exponent bits (k <= 1010 for x <= 700: 2^k stays
 *          finite). Inputs below -700 give exactly 0 (callers only need
 *          e^-|eta| with |eta| < 700 to be accurate).
 *   expm1: |x| < 1/2: x p(x), p the Taylor polynomial of (e^x - 1)/x of
 *          degree 15 (truncation below 1e-19 relative); otherwise
 *          e^x - 1 from the exp above, which loses nothing there.
 *   log1p: e <= sqrt(2) - 1: s = e/(2 + e); otherwise log1p(e) = ln 2 +
 *          log((1 + e)/2) with s = (e - 1)/(e + 3); then 2 atanh(s) by its
 *          odd series to s^23 (|s| <= 0.1716, truncation below 1e-18).
 *   log:   x normal, positive and finite: x = m 2^k with m in
 *          [sqrt(1/2), sqrt(2)) from the bits, log m = 2 atanh(s),
 *          s = (m - 1)/(m + 1), by the same series, plus k ln 2 in two
 *          parts (k ln2_hi is exact). Other inputs: garbage (callers
 *          route them to libm).
 * Measured against libm on a grid (tests/test_drivers_glm.c): exp within
 * 1 ulp, log1p within 2 ulp, expm1 within 2 ulp.
 */
#ifndef LOY_VMATH_H
#define LOY_VMATH_H

#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define LOY__VMATH_VEC 1
#define LOY__VMATH_INLINE static inline __attribute__((always_inline))
/* Two lanes: the baseline's native width (SSE2, NEON), where wider
 * vectors are split and GCC turns their comparisons into scalar code. */
typedef double loy__v2d __attribute__((vector_size(16)));
typedef int64_t loy__v2l __attribute__((vector_size(16)));
typedef uint64_t loy__v2u __attribute__((vector_size(16)));
typedef double loy__v4d __attribute__((vector_size(32)));
typedef int64_t loy__v4l __attribute__((vector_size(32)));
typedef uint64_t loy__v4u __attribute__((vector_size(32)));
/* Eight lanes: one AVX-512 register, two AVX2 ones, four SSE2 ones (the
 * compiler splits what the target lacks; the lanes' bits are the same). */
typedef double loy__v8d __attribute__((vector_size(64)));
typedef int64_t loy__v8l __attribute__((vector_size(64)));
typedef uint64_t loy__v8u __attribute__((vector_size(64)));

/* Broadcast and lane select (m lanes all-ones or zero). Macros rather
 * than functions: vectors passed by value would change the calling
 * convention between the baseline and AVX2 builds (GCC -Wpsabi). */
#define LOY__V2(x) ((loy__v2d){(x), (x)})
#define LOY__V2L(x) ((loy__v2l){(x), (x)})
#define LOY__V2_SELECT(m, a, b)                                             \
    ((loy__v2d)(((loy__v2l)(a) & (m)) | ((loy__v2l)(b) & ~(m))))
#define LOY__V4(x) ((loy__v4d){(x), (x), (x), (x)})
#define LOY__V4L(x) ((loy__v4l){(x), (x), (x), (x)})
#define LOY__V4_SELECT(m, a, b)                                             \
    ((loy__v4d)(((loy__v4l)(a) & (m)) | ((loy__v4l)(b) & ~(m))))
#define LOY__V8(x) ((loy__v8d){(x), (x), (x), (x), (x), (x), (x), (x)})
#define LOY__V8L(x) ((loy__v8l){(x), (x), (x), (x), (x), (x), (x), (x)})
#define LOY__V8_SELECT(m, a, b)                                             \
    ((loy__v8d)(((loy__v8l)(a) & (m)) | ((loy__v8l)(b) & ~(m))))

/*
 * Each kernel works on n groups of lanes in lockstep: every step
 * runs over the groups before the next, so a caller with several groups
 * gets their polynomial chains (latency-bound one at a time) in flight
 * together. n is a constant at each call (the loops unroll); the
 * operations of a lane are the same for any n, and so are its bits.
 */
#if defined(__clang__)
#define LOY__VMATH_EACH(g, n) _Pragma("clang loop unroll(full)") \
    for ((g) = 0; (g) < (n); (g)++)
#else
#define LOY__VMATH_EACH(g, n) _Pragma("GCC unroll 8") \
    for ((g) = 0; (g) < (n); (g)++)
#endif


/*
 * The names of the width LOY__W (2, 4 or 8, defined by whoever includes a
 * kernel written once for every width: numeric/vmath_kern.h below, the
 * row kernels of clv/ and drivers/): its vector types, broadcasts, lane
 * select, numeric/vmath.h's kernels (LOY__WF(exp_n) is loy__v4_exp_n at
 * width 4) and the width's names of a kernel's own functions
 * (LOY__WNAME(f) is f_4).
 */
#define LOY__VCAT_(a, b, c, d) a##b##c##d
#define LOY__VCAT(a, b, c, d) LOY__VCAT_(a, b, c, d)
#define LOY__WD LOY__VCAT(loy__v, LOY__W, d, )
#define LOY__WL LOY__VCAT(loy__v, LOY__W, l, )
#define LOY__WU LOY__VCAT(loy__v, LOY__W, u, )
#define LOY__WB LOY__VCAT(LOY__V, LOY__W, , )
#define LOY__WBL LOY__VCAT(LOY__V, LOY__W, L, )
#define LOY__WSEL LOY__VCAT(LOY__V, LOY__W, _SELECT, )
#define LOY__WF(name) LOY__VCAT(loy__v, LOY__W, _, name)
#define LOY__WNAME(name) LOY__VCAT(name, _, LOY__W, )

/* The kernels, once per width: loy__v2_*, loy__v4_* and loy__v8_* on
 * groups of two, four and eight lanes (numeric/vmath_kern.h). */
#define LOY__W 2
#include "numeric/vmath_kern.h"
#undef LOY__W
#define LOY__W 4
#include "numeric/vmath_kern.h"
#undef LOY__W
#define LOY__W 8
#include "numeric/vmath_kern.h"
#undef LOY__W
#endif /* vector extensions */

#endif /* LOY_VMATH_H */
