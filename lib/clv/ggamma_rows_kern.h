/* SPDX-License-Identifier: MIT */
/*
 * ggamma_rows_kern.h - the Gamma-Gamma rows of ggamma_rows.c (which says
 * what they compute) for one vector width (internal; no include guard:
 * once per width): two lanes to a group for the baseline (SSE2, NEON),
 * four for AVX2. The includer defines GR_NAME(name) (the width's
 * function name), GR_W (lanes per group), GR_VD and GR_VL (the double and
 * int64 vector types), GR_B(x) and GR_BL(x) (broadcasts), GR_SEL (lane
 * select) and GR_F(name) (numeric/vmath.h's kernel of that width). A
 * lane's operations are the same at every width, so are its bits.
 */
#include <float.h>
#include <string.h>

#include "clv/bgnbd_internal.h"
#include "numeric/vmath.h"

#define GR_NG ((int)LOY__GG_ROWS / GR_W)

LOY__VMATH_INLINE void
GR_NAME(rows_body)(const double *prm, const loy__gg_rowin *in, double *ll,
                   double *grad, int64_t *bad_out)
{
    const GR_VD p = GR_B(prm[0]), q = GR_B(prm[1]);
    const GR_VD gm = GR_B(prm[2]);
    GR_VD x[GR_NG], m[GR_NG], a[GR_NG], lpq[GR_NG], px[GR_NG], xm[GR_NG];
    GR_VD u1[GR_NG], u2[GR_NG], l_gm[GR_NG], l_xm[GR_NG], lm[GR_NG];
    GR_VD v[GR_NG];
    GR_VL big[GR_NG], bad[GR_NG];
    int g;
    memcpy(x, in->x, sizeof x);
    memcpy(m, in->m, sizeof m);
    memcpy(a, in->a, sizeof a);
    memcpy(lpq, in->lpq, sizeof lpq);
    memcpy(big, in->big, sizeof big);
    LOY__VMATH_EACH(g, GR_NG) {
        px[g] = p * x[g];
        xm[g] = x[g] * m[g];
        u1[g] = gm / xm[g];
        u2[g] = xm[g] / gm;
        bad[g] = ~(m[g] >= GR_B(DBL_MIN));
        /* flagged lanes get a harmless argument */
        m[g] = GR_SEL(bad[g], GR_B(1.0), m[g]);
    }
    GR_F(log1p_pos_n)(l_gm, u1, bad, GR_NG);
    GR_F(log1p_pos_n)(l_xm, u2, bad, GR_NG);
    GR_F(log_n)(lm, m, GR_NG);
    LOY__VMATH_EACH(g, GR_NG) {
        GR_VD lb = a[g] + q * (lpq[g] - l_xm[g]) - px[g] * l_gm[g];
        GR_VD ls = a[g] + px[g] * (lpq[g] - l_gm[g]) - q * l_xm[g];
        v[g] = GR_SEL(big[g], lb, ls) - lm[g];
    }
    memcpy(ll, v, sizeof v);
    memcpy(bad_out, bad, sizeof bad);
    if (grad == NULL)
        return;
    {
        GR_VD d[GR_NG];
        double out[LOY__GG_ROWS];
        size_t k;
        memcpy(d, in->d0, sizeof d);
        LOY__VMATH_EACH(g, GR_NG)
            v[g] = x[g] * (d[g] - l_gm[g]);
        memcpy(out, v, sizeof out);
        for (k = 0; k < LOY__GG_ROWS; k++)
            grad[3 * k] = out[k];
        memcpy(d, in->d1, sizeof d);
        LOY__VMATH_EACH(g, GR_NG)
            v[g] = d[g] - l_xm[g];
        memcpy(out, v, sizeof out);
        for (k = 0; k < LOY__GG_ROWS; k++)
            grad[3 * k + 1] = out[k];
        LOY__VMATH_EACH(g, GR_NG)
            v[g] = ((q / gm) * xm[g] - px[g]) / (gm + xm[g]);
        memcpy(out, v, sizeof out);
        for (k = 0; k < LOY__GG_ROWS; k++)
            grad[3 * k + 2] = out[k];
    }
}

#undef GR_NG
