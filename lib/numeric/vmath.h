/* SPDX-License-Identifier: MIT */
/*
 * vmath.h - exp(x) and expm1(x) for x <= 700, log1p(e) for e in [0, 1]
 * and log(x) on groups of four lanes (internal; GCC/Clang vector
 * extensions, scalar fallback).
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
typedef double loy__v4d __attribute__((vector_size(32)));
typedef int64_t loy__v4l __attribute__((vector_size(32)));
typedef uint64_t loy__v4u __attribute__((vector_size(32)));

/* Broadcast and lane select (m lanes all-ones or zero). Macros rather
 * than functions: vectors passed by value would change the calling
 * convention between the baseline and AVX2 builds (GCC -Wpsabi). */
#define LOY__V4(x) ((loy__v4d){(x), (x), (x), (x)})
#define LOY__V4L(x) ((loy__v4l){(x), (x), (x), (x)})
#define LOY__V4_SELECT(m, a, b)                                             \
    ((loy__v4d)(((loy__v4l)(a) & (m)) | ((loy__v4l)(b) & ~(m))))

/*
 * Each kernel works on n groups of four lanes in lockstep: every step
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

/* y[g] = e^x[g] for x <= 700 (x >= -700 accurate, below: 0; above 700
 * or NaN: garbage, callers route such lanes to libm). */
LOY__VMATH_INLINE void
loy__v4_exp_n(loy__v4d *y, const loy__v4d *xp, int n)
{
    const loy__v4d magic = LOY__V4(0x1.8p52);
    loy__v4d x[8], t[8], r[8], p[8];
    loy__v4l small[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        small[g] = xp[g] < LOY__V4(-700.0);
        x[g] = LOY__V4_SELECT(small[g], LOY__V4(0.0), xp[g]);
        t[g] = x[g] * LOY__V4(1.4426950408889634) + magic; /* x/ln2 */
    }
    LOY__VMATH_EACH(g, n) {
        loy__v4d kd = t[g] - magic;
        r[g] = x[g] - kd * LOY__V4(0.6931471803691238); /* ln2 high */
        r[g] = r[g] - kd * LOY__V4(1.9082149292705877e-10); /* low */
        p[g] = LOY__V4(1.0 / 6227020800.0); /* 1/13! */
    }
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 479001600.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 39916800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 3628800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 362880.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 40320.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 5040.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 720.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 120.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 24.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0 / 6.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(0.5);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__V4(1.0);
    LOY__VMATH_EACH(g, n) {
        loy__v4l bits = (((loy__v4l)t[g] - (loy__v4l)magic) + 1023) << 52;
        y[g] = LOY__V4_SELECT(small[g], LOY__V4(0.0), p[g] * (loy__v4d)bits);
    }
}

/* y[g] = e^x[g] for x <= 0: the callers that only need that range. */
LOY__VMATH_INLINE void
loy__v4_exp_neg_n(loy__v4d *y, const loy__v4d *xp, int n)
{
    loy__v4_exp_n(y, xp, n);
}

/* e[g] = e^x[g] and y[g] = e^x[g] - 1 for x <= 700 (file comment;
 * above: garbage): callers that need both. */
LOY__VMATH_INLINE void
loy__v4_exp_expm1_n(loy__v4d *e, loy__v4d *y, const loy__v4d *x, int n)
{
    loy__v4d p[8];
    int g;
    loy__v4_exp_n(e, x, n);
    LOY__VMATH_EACH(g, n) p[g] = LOY__V4(1.0 / 20922789888000.0); /* 1/16! */
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 1307674368000.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 87178291200.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 6227020800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 479001600.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 39916800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 3628800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 362880.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 40320.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 5040.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 720.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 120.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 24.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0 / 6.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(0.5);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__V4(1.0);
    LOY__VMATH_EACH(g, n) {
        loy__v4l small = (x[g] < LOY__V4(0.5)) & (x[g] > LOY__V4(-0.5));
        y[g] = LOY__V4_SELECT(small, x[g] * p[g], e[g] - LOY__V4(1.0));
    }
}

/* y[g] = e^x[g] - 1 for x <= 700 (file comment; above: garbage). */
LOY__VMATH_INLINE void
loy__v4_expm1_n(loy__v4d *y, const loy__v4d *x, int n)
{
    loy__v4d e[8];
    loy__v4_exp_expm1_n(e, y, x, n);
}

/* y[g] = 2 atanh(s[g]) = ln((1 + s)/(1 - s)) for |s| <= 0.1716: the odd
 * series to s^23 (truncation below 1e-18). */
LOY__VMATH_INLINE void
loy__v4_two_atanh_n(loy__v4d *y, const loy__v4d *s, int n)
{
    loy__v4d s2[8], p[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        s2[g] = s[g] * s[g];
        p[g] = LOY__V4(1.0 / 23.0);
    }
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 21.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 19.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 17.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 15.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 13.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 11.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 9.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 7.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 5.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0 / 3.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__V4(1.0);
    LOY__VMATH_EACH(g, n) y[g] = LOY__V4(2.0) * s[g] * p[g];
}

/* y[g] = log(1 + e[g]) for e in [0, 1]. */
LOY__VMATH_INLINE void
loy__v4_log1p_unit_n(loy__v4d *y, const loy__v4d *e, int n)
{
    const loy__v4d one = LOY__V4(1.0);
    loy__v4d s[8], t[8];
    loy__v4l big[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        loy__v4d num, den;
        big[g] = e[g] > LOY__V4(0.41421356237309503);
        num = LOY__V4_SELECT(big[g], e[g] - one, e[g]);
        den = LOY__V4_SELECT(big[g], e[g] + LOY__V4(3.0), e[g] + LOY__V4(2.0));
        s[g] = num / den;
    }
    loy__v4_two_atanh_n(t, s, n);
    LOY__VMATH_EACH(g, n)
        y[g] = LOY__V4_SELECT(big[g], LOY__V4(0.6931471805599453),
                              LOY__V4(0.0))
               + t[g];
}

/* y[g] = log(x[g]) for x positive, normal and finite (file comment). */
LOY__VMATH_INLINE void
loy__v4_log_n(loy__v4d *y, const loy__v4d *xp, int n)
{
    const loy__v4l mant = LOY__V4L(0x000fffffffffffffLL);
    const loy__v4l one_bits = LOY__V4L(0x3ff0000000000000LL);
    const loy__v4d magic = LOY__V4(0x1.0p52), one = LOY__V4(1.0);
    loy__v4d s[8], t[8], kd[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        loy__v4l bits = (loy__v4l)xp[g], e, big;
        loy__v4d m;
        /* biased exponent: x > 0 has no sign bit, so a logical shift
         * (one instruction in AVX2, which has no 64-bit arithmetic one) */
        e = (loy__v4l)((loy__v4u)bits >> 52);
        m = (loy__v4d)((bits & mant) | one_bits); /* [1, 2) */
        big = m > LOY__V4(1.4142135623730951);
        m = LOY__V4_SELECT(big, m * LOY__V4(0.5), m);
        e = e + (big & LOY__V4L(1));
        /* e (0..2047) as a double through the bits of 2^52 + e */
        kd[g] = (loy__v4d)((loy__v4l)magic | e) - magic - LOY__V4(1023.0);
        s[g] = (m - one) / (m + one);
    }
    loy__v4_two_atanh_n(t, s, n);
    /* ln2_hi has 32 significant bits: kd ln2_hi is exact for |k| < 2^21 */
    LOY__VMATH_EACH(g, n)
        y[g] = kd[g] * LOY__V4(0.6931471803691238)
               + (t[g] + kd[g] * LOY__V4(1.9082149292705877e-10));
}

/*
 * y[g] = log1p(u[g]) for u >= 0 as log(1 + u) + (u - ((1 + u) - 1))/(1 + u)
 * (the correction restores what rounding 1 + u loses, so small u keep
 * their digits). Lanes with u past 1e300 or NaN get bad[g] set (callers
 * route them to libm) and a harmless argument.
 */
LOY__VMATH_INLINE void
loy__v4_log1p_pos_n(loy__v4d *y, const loy__v4d *u, loy__v4l *bad, int n)
{
    const loy__v4d one = LOY__V4(1.0);
    loy__v4d ep[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        ep[g] = one + u[g];
        bad[g] |= ~(u[g] <= LOY__V4(1e300));
        ep[g] = LOY__V4_SELECT(bad[g], one, ep[g]);
    }
    loy__v4_log_n(y, ep, n);
    LOY__VMATH_EACH(g, n)
        y[g] = y[g] + (u[g] - (ep[g] - one)) / ep[g];
}

/* One group of four lanes. */
LOY__VMATH_INLINE void
loy__v4_exp_neg(loy__v4d *y, const loy__v4d *x)
{
    loy__v4_exp_neg_n(y, x, 1);
}

LOY__VMATH_INLINE void
loy__v4_log1p_unit(loy__v4d *y, const loy__v4d *e)
{
    loy__v4_log1p_unit_n(y, e, 1);
}

LOY__VMATH_INLINE void
loy__v4_log(loy__v4d *y, const loy__v4d *x)
{
    loy__v4_log_n(y, x, 1);
}
#endif /* vector extensions */

#endif /* LOY_VMATH_H */
