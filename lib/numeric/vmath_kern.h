/* SPDX-License-Identifier: MIT */
/*
 * vmath_kern.h - the kernels of numeric/vmath.h for one vector width.
 * No include guard: vmath.h includes it once per width, with LOY__VT
 * (the double vector), LOY__VTL and LOY__VTU (its int64 and uint64
 * twins), LOY__VB and LOY__VBL (broadcasts), LOY__VSEL (lane select) and
 * LOY__VF(name) (the width's function name) defined. The arithmetic of
 * a lane does not depend on the width, so neither do its bits.
 */
/* y[g] = e^x[g] for x <= 700 (x >= -700 accurate, below: 0; above 700
 * or NaN: garbage, callers route such lanes to libm). */
LOY__VMATH_INLINE void
LOY__VF(exp_n)(LOY__VT *y, const LOY__VT *xp, int n)
{
    const LOY__VT magic = LOY__VB(0x1.8p52);
    LOY__VT x[8], t[8], r[8], p[8];
    LOY__VTL small[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        small[g] = xp[g] < LOY__VB(-700.0);
        x[g] = LOY__VSEL(small[g], LOY__VB(0.0), xp[g]);
        t[g] = x[g] * LOY__VB(1.4426950408889634) + magic; /* x/ln2 */
    }
    LOY__VMATH_EACH(g, n) {
        LOY__VT kd = t[g] - magic;
        r[g] = x[g] - kd * LOY__VB(0.6931471803691238); /* ln2 high */
        r[g] = r[g] - kd * LOY__VB(1.9082149292705877e-10); /* low */
        p[g] = LOY__VB(1.0 / 6227020800.0); /* 1/13! */
    }
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 479001600.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 39916800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 3628800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 362880.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 40320.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 5040.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 720.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 120.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 24.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0 / 6.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(0.5);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__VB(1.0);
    LOY__VMATH_EACH(g, n) {
        LOY__VTL bits = (((LOY__VTL)t[g] - (LOY__VTL)magic) + 1023) << 52;
        y[g] = LOY__VSEL(small[g], LOY__VB(0.0), p[g] * (LOY__VT)bits);
    }
}

/* y[g] = e^x[g] for x <= 0: the callers that only need that range. */
LOY__VMATH_INLINE void
LOY__VF(exp_neg_n)(LOY__VT *y, const LOY__VT *xp, int n)
{
    LOY__VF(exp_n)(y, xp, n);
}

/* e[g] = e^x[g] and y[g] = e^x[g] - 1 for x <= 700 (file comment;
 * above: garbage): callers that need both. */
LOY__VMATH_INLINE void
LOY__VF(exp_expm1_n)(LOY__VT *e, LOY__VT *y, const LOY__VT *x, int n)
{
    LOY__VT p[8];
    int g;
    LOY__VF(exp_n)(e, x, n);
    LOY__VMATH_EACH(g, n) p[g] = LOY__VB(1.0 / 20922789888000.0); /* 1/16! */
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 1307674368000.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 87178291200.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 6227020800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 479001600.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 39916800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 3628800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 362880.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 40320.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 5040.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 720.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 120.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 24.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0 / 6.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(0.5);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__VB(1.0);
    LOY__VMATH_EACH(g, n) {
        LOY__VTL small = (x[g] < LOY__VB(0.5)) & (x[g] > LOY__VB(-0.5));
        y[g] = LOY__VSEL(small, x[g] * p[g], e[g] - LOY__VB(1.0));
    }
}

/* y[g] = e^x[g] - 1 for x <= 700 (file comment; above: garbage). */
LOY__VMATH_INLINE void
LOY__VF(expm1_n)(LOY__VT *y, const LOY__VT *x, int n)
{
    LOY__VT e[8];
    LOY__VF(exp_expm1_n)(e, y, x, n);
}

/* y[g] = 2 atanh(s[g]) = ln((1 + s)/(1 - s)) for |s| <= 0.1716: the odd
 * series to s^23 (truncation below 1e-18). */
LOY__VMATH_INLINE void
LOY__VF(two_atanh_n)(LOY__VT *y, const LOY__VT *s, int n)
{
    LOY__VT s2[8], p[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        s2[g] = s[g] * s[g];
        p[g] = LOY__VB(1.0 / 23.0);
    }
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 21.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 19.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 17.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 15.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 13.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 11.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 9.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 7.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 5.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0 / 3.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__VB(1.0);
    LOY__VMATH_EACH(g, n) y[g] = LOY__VB(2.0) * s[g] * p[g];
}

/* y[g] = log(1 + e[g]) for e in [0, 1]. */
LOY__VMATH_INLINE void
LOY__VF(log1p_unit_n)(LOY__VT *y, const LOY__VT *e, int n)
{
    const LOY__VT one = LOY__VB(1.0);
    LOY__VT s[8], t[8];
    LOY__VTL big[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        LOY__VT num, den;
        big[g] = e[g] > LOY__VB(0.41421356237309503);
        num = LOY__VSEL(big[g], e[g] - one, e[g]);
        den = LOY__VSEL(big[g], e[g] + LOY__VB(3.0), e[g] + LOY__VB(2.0));
        s[g] = num / den;
    }
    LOY__VF(two_atanh_n)(t, s, n);
    LOY__VMATH_EACH(g, n)
        y[g] = LOY__VSEL(big[g], LOY__VB(0.6931471805599453),
                              LOY__VB(0.0))
               + t[g];
}

/* y[g] = log(x[g]) for x positive, normal and finite (file comment). */
LOY__VMATH_INLINE void
LOY__VF(log_n)(LOY__VT *y, const LOY__VT *xp, int n)
{
    const LOY__VTL mant = LOY__VBL(0x000fffffffffffffLL);
    const LOY__VTL one_bits = LOY__VBL(0x3ff0000000000000LL);
    const LOY__VT magic = LOY__VB(0x1.0p52), one = LOY__VB(1.0);
    LOY__VT s[8], t[8], kd[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        LOY__VTL bits = (LOY__VTL)xp[g], e, big;
        LOY__VT m;
        /* biased exponent: x > 0 has no sign bit, so a logical shift
         * (one instruction in AVX2, which has no 64-bit arithmetic one) */
        e = (LOY__VTL)((LOY__VTU)bits >> 52);
        m = (LOY__VT)((bits & mant) | one_bits); /* [1, 2) */
        big = m > LOY__VB(1.4142135623730951);
        m = LOY__VSEL(big, m * LOY__VB(0.5), m);
        e = e + (big & LOY__VBL(1));
        /* e (0..2047) as a double through the bits of 2^52 + e */
        kd[g] = (LOY__VT)((LOY__VTL)magic | e) - magic - LOY__VB(1023.0);
        s[g] = (m - one) / (m + one);
    }
    LOY__VF(two_atanh_n)(t, s, n);
    /* ln2_hi has 32 significant bits: kd ln2_hi is exact for |k| < 2^21 */
    LOY__VMATH_EACH(g, n)
        y[g] = kd[g] * LOY__VB(0.6931471803691238)
               + (t[g] + kd[g] * LOY__VB(1.9082149292705877e-10));
}

/*
 * y[g] = log1p(u[g]) for u >= 0 as log(1 + u) + (u - ((1 + u) - 1))/(1 + u)
 * (the correction restores what rounding 1 + u loses, so small u keep
 * their digits). Lanes with u past 1e300 or NaN get bad[g] set (callers
 * route them to libm) and a harmless argument.
 */
LOY__VMATH_INLINE void
LOY__VF(log1p_pos_n)(LOY__VT *y, const LOY__VT *u, LOY__VTL *bad, int n)
{
    const LOY__VT one = LOY__VB(1.0);
    LOY__VT ep[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        ep[g] = one + u[g];
        bad[g] |= ~(u[g] <= LOY__VB(1e300));
        ep[g] = LOY__VSEL(bad[g], one, ep[g]);
    }
    LOY__VF(log_n)(y, ep, n);
    LOY__VMATH_EACH(g, n)
        y[g] = y[g] + (u[g] - (ep[g] - one)) / ep[g];
}

/* One group of lanes. */
LOY__VMATH_INLINE void
LOY__VF(exp_neg)(LOY__VT *y, const LOY__VT *x)
{
    LOY__VF(exp_neg_n)(y, x, 1);
}

LOY__VMATH_INLINE void
LOY__VF(log1p_unit)(LOY__VT *y, const LOY__VT *e)
{
    LOY__VF(log1p_unit_n)(y, e, 1);
}

LOY__VMATH_INLINE void
LOY__VF(log)(LOY__VT *y, const LOY__VT *x)
{
    LOY__VF(log_n)(y, x, 1);
}
