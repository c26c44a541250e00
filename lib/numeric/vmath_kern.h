/* SPDX-License-Identifier: MIT */
/*
 * vmath_kern.h - the kernels of numeric/vmath.h for one vector width.
 * No include guard: vmath.h includes it once per width LOY__W, and the
 * LOY__W* names (vmath.h) give that width's types and functions. The
 * arithmetic of a lane does not depend on the width, so neither do its
 * bits.
 */
/* y[g] = e^x[g] for x <= 700 (x >= -700 accurate, below: 0; above 700
 * or NaN: garbage, callers route such lanes to libm). */
LOY__VMATH_INLINE void
LOY__WF(exp_n)(LOY__WD *y, const LOY__WD *xp, int n)
{
    const LOY__WD magic = LOY__WB(0x1.8p52);
    LOY__WD x[8], t[8], r[8], p[8];
    LOY__WL small[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        small[g] = xp[g] < LOY__WB(-700.0);
        x[g] = LOY__WSEL(small[g], LOY__WB(0.0), xp[g]);
        t[g] = x[g] * LOY__WB(1.4426950408889634) + magic; /* x/ln2 */
    }
    LOY__VMATH_EACH(g, n) {
        LOY__WD kd = t[g] - magic;
        r[g] = x[g] - kd * LOY__WB(0.6931471803691238); /* ln2 high */
        r[g] = r[g] - kd * LOY__WB(1.9082149292705877e-10); /* low */
        p[g] = LOY__WB(1.0 / 6227020800.0); /* 1/13! */
    }
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 479001600.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 39916800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 3628800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 362880.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 40320.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 5040.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 720.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 120.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 24.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0 / 6.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(0.5);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * r[g] + LOY__WB(1.0);
    LOY__VMATH_EACH(g, n) {
        LOY__WL bits = (((LOY__WL)t[g] - (LOY__WL)magic) + 1023) << 52;
        y[g] = LOY__WSEL(small[g], LOY__WB(0.0), p[g] * (LOY__WD)bits);
    }
}

/* y[g] = e^x[g] for x <= 0: the callers that only need that range. */
LOY__VMATH_INLINE void
LOY__WF(exp_neg_n)(LOY__WD *y, const LOY__WD *xp, int n)
{
    LOY__WF(exp_n)(y, xp, n);
}

/* e[g] = e^x[g] and y[g] = e^x[g] - 1 for x <= 700 (file comment;
 * above: garbage): callers that need both. */
LOY__VMATH_INLINE void
LOY__WF(exp_expm1_n)(LOY__WD *e, LOY__WD *y, const LOY__WD *x, int n)
{
    LOY__WD p[8];
    int g;
    LOY__WF(exp_n)(e, x, n);
    LOY__VMATH_EACH(g, n) p[g] = LOY__WB(1.0 / 20922789888000.0); /* 1/16! */
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 1307674368000.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 87178291200.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 6227020800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 479001600.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 39916800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 3628800.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 362880.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 40320.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 5040.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 720.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 120.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 24.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0 / 6.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(0.5);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * x[g] + LOY__WB(1.0);
    LOY__VMATH_EACH(g, n) {
        LOY__WL small = (x[g] < LOY__WB(0.5)) & (x[g] > LOY__WB(-0.5));
        y[g] = LOY__WSEL(small, x[g] * p[g], e[g] - LOY__WB(1.0));
    }
}

/* y[g] = e^x[g] - 1 for x <= 700 (file comment; above: garbage). */
LOY__VMATH_INLINE void
LOY__WF(expm1_n)(LOY__WD *y, const LOY__WD *x, int n)
{
    LOY__WD e[8];
    LOY__WF(exp_expm1_n)(e, y, x, n);
}

/* y[g] = 2 atanh(s[g]) = ln((1 + s)/(1 - s)) for |s| <= 0.1716: the odd
 * series to s^23 (truncation below 1e-18). */
LOY__VMATH_INLINE void
LOY__WF(two_atanh_n)(LOY__WD *y, const LOY__WD *s, int n)
{
    LOY__WD s2[8], p[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        s2[g] = s[g] * s[g];
        p[g] = LOY__WB(1.0 / 23.0);
    }
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 21.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 19.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 17.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 15.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 13.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 11.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 9.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 7.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 5.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0 / 3.0);
    LOY__VMATH_EACH(g, n) p[g] = p[g] * s2[g] + LOY__WB(1.0);
    LOY__VMATH_EACH(g, n) y[g] = LOY__WB(2.0) * s[g] * p[g];
}

/* y[g] = log(1 + e[g]) for e in [0, 1]. */
LOY__VMATH_INLINE void
LOY__WF(log1p_unit_n)(LOY__WD *y, const LOY__WD *e, int n)
{
    const LOY__WD one = LOY__WB(1.0);
    LOY__WD s[8], t[8];
    LOY__WL big[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        LOY__WD num, den;
        big[g] = e[g] > LOY__WB(0.41421356237309503);
        num = LOY__WSEL(big[g], e[g] - one, e[g]);
        den = LOY__WSEL(big[g], e[g] + LOY__WB(3.0), e[g] + LOY__WB(2.0));
        s[g] = num / den;
    }
    LOY__WF(two_atanh_n)(t, s, n);
    LOY__VMATH_EACH(g, n)
        y[g] = LOY__WSEL(big[g], LOY__WB(0.6931471805599453),
                              LOY__WB(0.0))
               + t[g];
}

/* y[g] = log(x[g]) for x positive, normal and finite (file comment). */
LOY__VMATH_INLINE void
LOY__WF(log_n)(LOY__WD *y, const LOY__WD *xp, int n)
{
    const LOY__WL mant = LOY__WBL(0x000fffffffffffffLL);
    const LOY__WL one_bits = LOY__WBL(0x3ff0000000000000LL);
    const LOY__WD magic = LOY__WB(0x1.0p52), one = LOY__WB(1.0);
    LOY__WD s[8], t[8], kd[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        LOY__WL bits = (LOY__WL)xp[g], e, big;
        LOY__WD m;
        /* biased exponent: x > 0 has no sign bit, so a logical shift
         * (one instruction in AVX2, which has no 64-bit arithmetic one) */
        e = (LOY__WL)((LOY__WU)bits >> 52);
        m = (LOY__WD)((bits & mant) | one_bits); /* [1, 2) */
        big = m > LOY__WB(1.4142135623730951);
        m = LOY__WSEL(big, m * LOY__WB(0.5), m);
        e = e + (big & LOY__WBL(1));
        /* e (0..2047) as a double through the bits of 2^52 + e */
        kd[g] = (LOY__WD)((LOY__WL)magic | e) - magic - LOY__WB(1023.0);
        s[g] = (m - one) / (m + one);
    }
    LOY__WF(two_atanh_n)(t, s, n);
    /* ln2_hi has 32 significant bits: kd ln2_hi is exact for |k| < 2^21 */
    LOY__VMATH_EACH(g, n)
        y[g] = kd[g] * LOY__WB(0.6931471803691238)
               + (t[g] + kd[g] * LOY__WB(1.9082149292705877e-10));
}

/*
 * y[g] = log1p(u[g]) for u >= 0 as log(1 + u) + (u - ((1 + u) - 1))/(1 + u)
 * (the correction restores what rounding 1 + u loses, so small u keep
 * their digits). Lanes with u past 1e300 or NaN get bad[g] set (callers
 * route them to libm) and a harmless argument.
 */
LOY__VMATH_INLINE void
LOY__WF(log1p_pos_n)(LOY__WD *y, const LOY__WD *u, LOY__WL *bad, int n)
{
    const LOY__WD one = LOY__WB(1.0);
    LOY__WD ep[8];
    int g;
    LOY__VMATH_EACH(g, n) {
        ep[g] = one + u[g];
        bad[g] |= ~(u[g] <= LOY__WB(1e300));
        ep[g] = LOY__WSEL(bad[g], one, ep[g]);
    }
    LOY__WF(log_n)(y, ep, n);
    LOY__VMATH_EACH(g, n)
        y[g] = y[g] + (u[g] - (ep[g] - one)) / ep[g];
}

/* One group of lanes. */
LOY__VMATH_INLINE void
LOY__WF(exp_neg)(LOY__WD *y, const LOY__WD *x)
{
    LOY__WF(exp_neg_n)(y, x, 1);
}

LOY__VMATH_INLINE void
LOY__WF(log1p_unit)(LOY__WD *y, const LOY__WD *e)
{
    LOY__WF(log1p_unit_n)(y, e, 1);
}

LOY__VMATH_INLINE void
LOY__WF(log)(LOY__WD *y, const LOY__WD *x)
{
    LOY__WF(log_n)(y, x, 1);
}
