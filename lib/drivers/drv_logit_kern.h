/* SPDX-License-Identifier: MIT */
/*
 * drv_logit_kern.h - the logistic pass of drv_logit.c for one vector width
 * (internal; no include guard: once per width). drv_logit.c includes it
 * with two lanes for the baseline (SSE2, NEON: GCC turns the comparisons
 * of wider, split vectors into scalar code) and four for AVX2. Either way
 * the rows go four at a time into four lane-wise accumulators (two groups
 * of two, or one of four), so the sums are added in the same order and
 * the bits are the same. The includer defines LOY__W, 2 or 4
 * (numeric/vmath.h's LOY__W* names then give the width's types and
 * kernels, and the names of the functions below).
 */
#define LG_NA (4 / LOY__W) /* vectors per four rows */

/* LOY__W rows; l and the largest |eta| accumulate lane-wise. */
LOY__VMATH_INLINE void
LOY__WNAME(pass_rows)(const double *eta_p, const double *y_p,
                      const double *w_p, double *r_p, double *wv_p,
                      LOY__WD *lacc, LOY__WD *big)
{
    LOY__WD eta, y, w, a, na, e, q, mu, sp, lg, zero = LOY__WB(0.0);
    LOY__WL neg, gt;
    memcpy(&eta, eta_p, sizeof eta);
    memcpy(&y, y_p, sizeof y);
    memcpy(&w, w_p, sizeof w);
    neg = eta < zero;
    a = LOY__WSEL(neg, -eta, eta);
    na = -a;
    LOY__WF(exp_neg)(&e, &na);
    q = LOY__WB(1.0) / (LOY__WB(1.0) + e);
    mu = LOY__WSEL(neg, e * q, q);
    LOY__WF(log1p_unit)(&lg, &e);
    sp = LOY__WSEL(neg, zero, eta) + lg;
    *lacc += w * (y * eta - sp);
    gt = a > *big;
    *big = LOY__WSEL(gt, a, *big);
    mu = w * (y - mu);
    memcpy(r_p, &mu, sizeof mu);
    q = w * (e * q * q);
    memcpy(wv_p, &q, sizeof q);
}

/* Four rows through the LG_NA vectors of accumulators. */
LOY__VMATH_INLINE void
LOY__WNAME(pass4)(const double *eta, const double *y, const double *w,
                  double *r, double *wv, LOY__WD *lacc, LOY__WD *big)
{
    int h;
    for (h = 0; h < LG_NA; h++)
        LOY__WNAME(pass_rows)(eta + LOY__W * h, y + LOY__W * h,
                              w + LOY__W * h, r + LOY__W * h,
                              wv + LOY__W * h, &lacc[h], &big[h]);
}

LOY__VMATH_INLINE double
LOY__WNAME(pass_body)(const loy__glm *d, double *ll)
{
    size_t i, n = d->n, n4 = n & ~(size_t)3;
    LOY__WD lacc[LG_NA], big[LG_NA];
    double l[4], b[4], te[4] = {0, 0, 0, 0}, ty[4] = {0, 0, 0, 0};
    double tw[4] = {0, 0, 0, 0}, tr[4], twv[4];
    int h;
    for (h = 0; h < LG_NA; h++)
        lacc[h] = big[h] = LOY__WB(0.0);
    for (i = 0; i < n4; i += 4)
        LOY__WNAME(pass4)(d->eta + i, d->y + i, d->w + i, d->r + i, d->wv + i,
                          lacc, big);
    if (i < n) { /* the tail through the same lanes, padded with w = 0 */
        size_t t;
        for (t = 0; i + t < n; t++) {
            te[t] = d->eta[i + t];
            ty[t] = d->y[i + t];
            tw[t] = d->w[i + t];
        }
        LOY__WNAME(pass4)(te, ty, tw, tr, twv, lacc, big);
        for (t = 0; i + t < n; t++) {
            d->r[i + t] = tr[t];
            d->wv[i + t] = twv[t];
        }
    }
    memcpy(l, lacc, sizeof l);
    memcpy(b, big, sizeof b);
    *ll = (l[0] + l[1]) + (l[2] + l[3]);
    b[0] = b[0] > b[1] ? b[0] : b[1];
    b[2] = b[2] > b[3] ? b[2] : b[3];
    return b[0] > b[2] ? b[0] : b[2];
}

#undef LG_NA
