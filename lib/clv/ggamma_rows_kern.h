/* SPDX-License-Identifier: MIT */
/*
 * ggamma_rows_kern.h - the Gamma-Gamma rows of ggamma_rows.c (which says
 * what they compute) for one vector width (internal; no include guard:
 * once per width): two lanes to a group for the baseline (SSE2, NEON),
 * four for AVX2. The includer defines LOY__W, the lanes per group
 * (numeric/vmath.h's LOY__W* names then give the width's types and
 * kernels, and the name of the function below). A lane's operations are
 * the same at every width, so are its bits.
 */
#include <float.h>
#include <string.h>

#include "clv/bgnbd_internal.h"
#include "numeric/vmath.h"

#define GR_NG ((int)LOY__GG_ROWS / LOY__W)

LOY__VMATH_INLINE void
LOY__WNAME(rows_body)(const double *prm, const loy__gg_rowin *in, double *ll,
                      double *grad, int64_t *bad_out)
{
    const LOY__WD p = LOY__WB(prm[0]), q = LOY__WB(prm[1]);
    const LOY__WD gm = LOY__WB(prm[2]);
    LOY__WD x[GR_NG], m[GR_NG], a[GR_NG], lpq[GR_NG], px[GR_NG], xm[GR_NG];
    LOY__WD u1[GR_NG], u2[GR_NG], l_gm[GR_NG], l_xm[GR_NG], lm[GR_NG];
    LOY__WD v[GR_NG];
    LOY__WL big[GR_NG], bad[GR_NG];
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
        bad[g] = ~(m[g] >= LOY__WB(DBL_MIN));
        /* flagged lanes get a harmless argument */
        m[g] = LOY__WSEL(bad[g], LOY__WB(1.0), m[g]);
    }
    LOY__WF(log1p_pos_n)(l_gm, u1, bad, GR_NG);
    LOY__WF(log1p_pos_n)(l_xm, u2, bad, GR_NG);
    LOY__WF(log_n)(lm, m, GR_NG);
    LOY__VMATH_EACH(g, GR_NG) {
        LOY__WD lb = a[g] + q * (lpq[g] - l_xm[g]) - px[g] * l_gm[g];
        LOY__WD ls = a[g] + px[g] * (lpq[g] - l_gm[g]) - q * l_xm[g];
        v[g] = LOY__WSEL(big[g], lb, ls) - lm[g];
    }
    memcpy(ll, v, sizeof v);
    memcpy(bad_out, bad, sizeof bad);
    if (grad == NULL)
        return;
    {
        LOY__WD d[GR_NG];
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
