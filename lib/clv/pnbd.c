/* SPDX-License-Identifier: MIT */
/*
 * pnbd.c - the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987):
 * log-likelihood with analytic gradient, ML fit, P(alive), expectations
 * and DERT. Formulas: MODELS.md 6.3.
 *
 * The likelihood is
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       * [ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) * A0 ],
 * and after the Euler transform of its 2F1(Aa, Bp; Aa+1; z) the piece A0 is
 * a difference of one function G at t_x and at T:
 *   A0 = e^G(t_x) - e^G(T),
 *   G(t) = -(r+x) ln(alpha+t) - s ln(beta+t) + ln S(z)            alpha >= beta
 *        = -(r+x-1) ln(alpha+t) - (s+1) ln(beta+t) + ln S(z)      alpha <  beta
 * with S = 2F1(1, b; r+s+x+1; z), b = r+x (resp. s+1), and
 * z = |alpha-beta| / (max(alpha,beta) + t). S is a series of positive,
 * decreasing terms whose parameters never make it overflow (heavy buyers
 * only make c - b larger), and it can be differentiated term by term, which
 * gives the analytic gradient used by the fit. alpha = beta is simply
 * z = 0 (S = 1) and t_x = T drops the A0 branch.
 *
 * The per-customer predictions (P(alive), CET, and the P(alive) behind
 * palive_at and DERT) run sixteen customers at a time in pnbd_rows.c; the
 * rows its lanes do not cover take pnbd_row_eval here, one at a time.
 */
#include "clv/pnbd_internal.h"
#include "numeric/parallel.h"
#include "numeric/fitcore.h"
#include "numeric/optim.h"
#include "clv/patterns.h"
#include "numeric/specfun.h"
#include "clv/btyd.h"
#include "clv/limits.h"

#include <stdlib.h>
#include <string.h>

/* Series cap: z = 0.995 needs up to ~7,400 terms. The likelihood uses
 * the series up to z = PNBD_SERIES_ZMAX (~370 terms) and integrates the
 * dropout term directly beyond (pnbd_v_quad), whose cost does not grow
 * as the parameters run to a limit of the family. */
#define PNBD_SERIES_CAP 8000.0
#define PNBD_SERIES_ZMAX 0.9
#define PNBD_SERIES_TOL LOY__PNBD_SERIES_TOL
/* Panels of the direct integration (10 Gauss-Legendre nodes each). */
#define PNBD_QUAD_PANELS 160
/* ln s at most this: the dropout term V may be negligible (see
 * pnbd_v_negligible); the rows then take the scalar form. */
#define PNBD_LS_TINY (-40.0)

int
loy__pnbd_check(const void *out, const double *params, const double *x,
                const double *t_x, const double *T, const double *w,
                size_t n, size_t *err_index)
{
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    return loy__btyd_check(params, 4, x, t_x, T, w, n, err_index);
}

int
loy__pnbd_score_check(const double *palive, const double *cet,
                      const double *params, const double *x,
                      const double *t_x, const double *T, size_t n, double t,
                      const loy_predict_options *opts, uint32_t *threads,
                      size_t *err_index)
{
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(palive != NULL || cet != NULL, LOY_EINVAL);
    LOY__TRY(loy__predict_threads(opts, threads));
    LOY__REQUIRE(params != NULL, LOY_EINVAL);
    LOY__TRY(loy__btyd_check_par(params, 4, x, t_x, T, NULL, n, *threads,
                                 err_index));
    if (cet != NULL) {
        LOY__REQUIRE(loy__finite(t), LOY_ENONFINITE);
        LOY__REQUIRE(t >= 0.0, LOY_EDOMAIN);
    }
    return LOY_OK;
}

/*
 * S = sum_k t_k, t_0 = 1, t_{k+1} = t_k (b+k)/(c+k) z. Because b < c and
 * z < 1 the terms decrease geometrically (ratio < z), so the tail after
 * t_{k+1} is below t_{k+1} z/(1-z); the factor k+2 in the stopping rule
 * covers the extra factors k and ln k of the derivative sums
 *   dS/db = sum_k t_k sum_{j<k} 1/(b+j),  dS/dc = -sum_k t_k sum_{j<k}
 *   1/(c+j),  dS/dz = sum_k (k+1) t_{k+1}/z (no division by z: z = 0 works).
 * This is 2F1(1, b; c; z) of specfun.h with the parameter derivatives the
 * analytic gradient needs (tests compare the two).
 */
/* Ratios (b + k)/(c + k) of the series tabulated per x for x < PNBD_QX
 * and k < PNBD_QK (b and c depend on x only): a batch's rows take them
 * from the table, not a division per term. */
#define PNBD_QX 64u
#define PNBD_QK 64u

/* S alone; q (or NULL): the ratios for the first PNBD_QK terms. */
static int
pnbd_hyp1_q(const double *q, double b, double c, double z, double *S)
{
    double t = 1.0, sum = 1.0, k;
    double tol = PNBD_SERIES_TOL * (1.0 - z);
    size_t j;
    for (j = 0, k = 0.0; k < PNBD_SERIES_CAP; j++, k += 1.0) {
        t *= (q != NULL && j < PNBD_QK ? q[j] : (b + k) / (c + k)) * z;
        sum += t;
        if (t * (k + 2.0) <= tol * sum) {
            *S = sum;
            return LOY_OK;
        }
    }
    return LOY_ENOCONV;
}

/*
 * The gradient series' terms that depend on b and c only (so, in a fit,
 * on x): for k < LOY__PNBD_DK, dq[k] = q_k = (b+k)^2/((b+k)(c+k)), and
 * dq[DK + k], dq[2 DK + k] the running sums hb, hc after term k, computed
 * as the series computes them (the same bits), so that a fit's rows skip
 * the division per term.
 */
void
loy__pnbd_dq_fill(double b, double c, double *dq)
{
    double hb = 0.0, hc = 0.0, k;
    size_t j;
    for (j = 0, k = 0.0; j < LOY__PNBD_DK; j++, k += 1.0) {
        double inv = 1.0 / ((b + k) * (c + k));
        dq[j] = (b + k) * (b + k) * inv;
        hb += (c + k) * inv;
        hc += (b + k) * inv;
        dq[LOY__PNBD_DK + j] = hb;
        dq[2 * LOY__PNBD_DK + j] = hc;
    }
}

/* The running sums of the gradient series (loy__pnbd_hyp1_dq). */
typedef struct pnbd_dsum {
    double t, sum, sb, sc, sz;
} pnbd_dsum;

/*
 * Term k + 1 from the ratio q and the sums hb, hc through term k: 1 when
 * the series stops there. Only one multiplication sits on the
 * loop-carried chain of t (the rest is independent work).
 */
static inline int
pnbd_dterm(pnbd_dsum *a, double q, double hb, double hc, double k, double z,
           double tol)
{
    double u = a->t * q; /* t_{k+1} / z */
    a->t *= q * z;
    a->sz += (k + 1.0) * u;
    a->sb += a->t * hb;
    a->sc += a->t * hc;
    a->sum += a->t;
    return a->t * (k + 2.0) <= tol * a->sum;
}

int
loy__pnbd_hyp1_dq(const double *dq, double b, double c, double z, double *S,
                  double *d)
{
    pnbd_dsum a = {1.0, 1.0, 0.0, 0.0, 0.0};
    double hb = 0.0, hc = 0.0, k = 0.0;
    double tol = PNBD_SERIES_TOL * (1.0 - z);
    size_t j;
    /* the tabulated terms: no division */
    for (j = 0; dq != NULL && j < LOY__PNBD_DK; j++, k += 1.0)
        if (pnbd_dterm(&a, dq[j], dq[LOY__PNBD_DK + j],
                       dq[2 * LOY__PNBD_DK + j], k, z, tol))
            goto done;
    if (dq != NULL) { /* the sums through the table's last term */
        hb = dq[2 * LOY__PNBD_DK - 1];
        hc = dq[3 * LOY__PNBD_DK - 1];
    }
    for (; k < PNBD_SERIES_CAP; k += 1.0) {
        /* one division per term */
        double inv = 1.0 / ((b + k) * (c + k));
        hb += (c + k) * inv;
        hc += (b + k) * inv;
        if (pnbd_dterm(&a, (b + k) * (b + k) * inv, hb, hc, k, z, tol))
            goto done;
    }
    return LOY_ENOCONV;
done:
    *S = a.sum;
    d[0] = a.sb;
    d[1] = -a.sc;
    d[2] = a.sz;
    return LOY_OK;
}

int
loy__pnbd_hyp1(double b, double c, double z, double *S, double *d)
{
    if (d == NULL)
        return pnbd_hyp1_q(NULL, b, c, z, S);
    return loy__pnbd_hyp1_dq(NULL, b, c, z, S, d);
}

typedef struct pnbd_par {
    double r, alpha, s, beta;
    double lalpha, lbeta, ls;
    int alpha_ge; /* alpha >= beta: series in (alpha-beta)/(alpha+t) */
} pnbd_par;

static void
pnbd_par_set(pnbd_par *p, const double *params)
{
    p->r = params[0];
    p->alpha = params[1];
    p->s = params[2];
    p->beta = params[3];
    p->lalpha = log(p->alpha);
    p->lbeta = log(p->beta);
    p->ls = log(p->s);
    p->alpha_ge = p->alpha >= p->beta;
}

/*
 * G(t) of the file comment, given la = ln(alpha+t), lb = ln(beta+t), split
 * as G = *Gp + ln *S so that callers can merge logarithms; with dG != NULL
 * also dG/d(r, alpha, s, beta) (of the whole G); q: the series ratios of
 * this x (pnbd_qtab_fill), or NULL; dq: the gradient series' table of
 * this x (loy__pnbd_dq_fill), or NULL.
 */
static int
pnbd_G(const pnbd_par *p, const double *q, const double *dq, double x,
       double t, double la, double lb, double *Gp, double *Sout, double *dG)
{
    double rx = p->r + x, c = rx + p->s + 1.0, S, d[3];
    double *dp = dG != NULL ? d : NULL;
    if (fabs(p->alpha - p->beta) > PNBD_SERIES_ZMAX * (fmax(p->alpha, p->beta) + t))
        return LOY_ENOCONV; /* series too slow: the caller integrates */
    if (p->alpha_ge) {
        double ia = 1.0 / (p->alpha + t);
        double z = (p->alpha - p->beta) * ia;
        LOY__TRY(dp != NULL ? loy__pnbd_hyp1_dq(dq, rx, c, z, &S, dp)
                            : pnbd_hyp1_q(q, rx, c, z, &S));
        *Gp = -rx * la - p->s * lb;
        if (dG != NULL) {
            double iS = 1.0 / S;
            dG[0] = -la + (d[0] + d[1]) * iS;
            dG[1] = -rx * ia + d[2] * iS * (p->beta + t) * ia * ia;
            dG[2] = -lb + d[1] * iS;
            dG[3] = -p->s / (p->beta + t) - d[2] * iS * ia;
        }
    } else {
        double ib = 1.0 / (p->beta + t);
        double z = (p->beta - p->alpha) * ib;
        LOY__TRY(dp != NULL
                     ? loy__pnbd_hyp1_dq(dq, p->s + 1.0, c, z, &S, dp)
                     : pnbd_hyp1_q(q, p->s + 1.0, c, z, &S));
        *Gp = -(rx - 1.0) * la - (p->s + 1.0) * lb;
        if (dG != NULL) {
            double iS = 1.0 / S;
            dG[0] = -la + d[1] * iS;
            dG[1] = -(rx - 1.0) / (p->alpha + t) - d[2] * iS * ib;
            dG[2] = -lb + (d[0] + d[1]) * iS;
            dG[3] = -(p->s + 1.0) * ib + d[2] * iS * (p->alpha + t) * ib * ib;
        }
    }
    *Sout = S;
    return LOY_OK;
}

/*
 * Per-evaluation cache. The gamma terms depend on x only: in a fit they
 * come from a table over the distinct x values (loy__pnbd_data.xtab), else
 * from a one-entry cache (rows sorted by x, as patterns are, repeat them).
 * G(t_x) depends on (x, t_x) only; every x = 0 customer has t_x = 0, so
 * their G(0) has a slot of its own and is computed once per evaluation.
 */
enum { XT_LG, XT_DG, XT_LAA }; /* lnG(r+x)-lnG(r)-x ln r, psi(r+x)-psi(r), ln(r+s+x) */

typedef struct pnbd_g1 {
    double x, t;     /* key; NaN when empty */
    int grad;        /* dG valid */
    double Gp, S, dG[4]; /* G(t_x) = Gp + ln S */
} pnbd_g1;

typedef struct pnbd_cache {
    const loy__pnbd_data *tab; /* x table, or NULL */
    const double *qtab;        /* series ratios (pnbd_qtab_fill), or NULL */
    int pa_only;               /* P(alive) only: no log-likelihood */
    double x;                  /* key of own[]; NaN when empty */
    int own_grad;
    double own[3];
    pnbd_g1 g1, g0;            /* last (x, t_x) and the x = 0 slot */
} pnbd_cache;

static void
pnbd_cache_init(pnbd_cache *c, const loy__pnbd_data *tab)
{
    c->tab = tab != NULL && tab->xtab != NULL ? tab : NULL;
    c->qtab = NULL;
    c->pa_only = 0;
    c->x = c->g1.x = c->g1.t = c->g0.x = c->g0.t = (double)NAN;
    c->own_grad = c->g1.grad = c->g0.grad = 0;
}

/* The series ratios of x from the cache's table, or NULL. */
static const double *
pnbd_q(const pnbd_cache *c, double x)
{
    return c->qtab != NULL && x < (double)PNBD_QX
               ? c->qtab + (size_t)x * PNBD_QK
               : NULL;
}

/* The gradient series' table of x from the fit's data, or NULL. */
static const double *
pnbd_dq(const pnbd_cache *c, double x)
{
    return c->tab != NULL && c->tab->dtab != NULL
                   && x < (double)LOY__PNBD_DX && x <= (double)c->tab->xmax
               ? c->tab->dtab + (size_t)x * 3 * LOY__PNBD_DK
               : NULL;
}

/* ln(r + s + x) from the cache's table, or computed (as xterms_fill). */
static double
pnbd_laa(const pnbd_par *p, const pnbd_cache *c, double x)
{
    return c->qtab != NULL && x < (double)PNBD_QX
               ? c->qtab[PNBD_QX * PNBD_QK + (size_t)x]
               : log(p->r + p->s + x);
}

/* Doubles of a batch table: the ratios, then ln(r + s + x). */
#define PNBD_QTAB_N (PNBD_QX * PNBD_QK + PNBD_QX)

/* q[x][k] = (b + k)/(c + k) of pnbd_G's series and ln(r + s + x) for
 * x < PNBD_QX, computed as pnbd_hyp1_q and xterms_fill do (same bits). */
static void
pnbd_qtab_fill(const pnbd_par *p, double *q)
{
    size_t xi, j;
    for (xi = 0; xi < PNBD_QX; xi++) {
        double rx = p->r + (double)xi, c = rx + p->s + 1.0;
        double b = p->alpha_ge ? rx : p->s + 1.0, k;
        for (j = 0, k = 0.0; j < PNBD_QK; j++, k += 1.0)
            q[xi * PNBD_QK + j] = (b + k) / (c + k);
        q[PNBD_QX * PNBD_QK + xi] = log(p->r + p->s + (double)xi);
    }
}

/* Fewest rows worth a batch table (its 4096 divisions). */
#define PNBD_QTAB_MIN_N 2048u

/* A batch table for n rows, or NULL (few rows, or no memory: the rows
 * then compute the same values themselves). */
static double *
pnbd_qtab_new(const pnbd_par *p, size_t n)
{
    double *q = n >= PNBD_QTAB_MIN_N ? malloc(PNBD_QTAB_N * sizeof *q) : NULL;
    if (q != NULL)
        pnbd_qtab_fill(p, q);
    return q;
}

static void
xterms_fill(const pnbd_par *p, double x, int want, double *xt)
{
    xt[XT_LG] = loy__lgamma_diff_scaled(p->r, x);
    xt[XT_DG] = want ? loy__digamma(p->r + x) - loy__digamma(p->r)
                     : (double)NAN;
    xt[XT_LAA] = log(p->r + p->s + x);
}

static const double *
xterms(const pnbd_par *p, pnbd_cache *c, double x, int want)
{
    if (c->tab != NULL && x <= (double)c->tab->xmax)
        return c->tab->xtab + LOY__PNBD_XSTRIDE * (size_t)x;
    if (c->x != x || (want && !c->own_grad)) {
        xterms_fill(p, x, want, c->own);
        c->x = x;
        c->own_grad = want;
    }
    return c->own;
}

/* Fill the x table of a fit for the distinct x values of the data. */
static void
xtab_fill(const pnbd_par *p, const loy__pnbd_data *d, int want)
{
    size_t i;
    for (i = 0; i < d->nxs; i++) {
        double x = d->xs[i], rx = p->r + x;
        xterms_fill(p, x, want, d->xtab + LOY__PNBD_XSTRIDE * (size_t)x);
        if (want && d->dtab != NULL && x < (double)LOY__PNBD_DX)
            loy__pnbd_dq_fill(p->alpha_ge ? rx : p->s + 1.0, rx + p->s + 1.0,
                         d->dtab + (size_t)x * 3 * LOY__PNBD_DK);
    }
}

static int
cache_g1(const pnbd_par *p, pnbd_cache *c, double x, double tx, int want,
         const pnbd_g1 **out)
{
    pnbd_g1 *g = x == 0.0 && tx == 0.0 ? &c->g0 : &c->g1;
    *out = g;
    if (g->x == x && g->t == tx && (!want || g->grad))
        return LOY_OK;
    g->x = g->t = (double)NAN;
    LOY__TRY(pnbd_G(p, pnbd_q(c, x), pnbd_dq(c, x), x, tx,
                    log(p->alpha + tx),
                    log(p->beta + tx), &g->Gp, &g->S, want ? g->dG : NULL));
    g->x = x;
    g->t = tx;
    g->grad = want;
    return LOY_OK;
}

/*
 * ln L = head + LSE(p1, p2): head = r ln alpha + s ln beta + lnG(r+x) -
 * lnG(r), p1 = -(r+x) ln(alpha+T) - s ln(beta+T) (alive at T), p2 = ln s -
 * ln(r+s+x) + ln A0 (died in (t_x, T)). Evaluated as
 *   ln L = head + p1 + ln(1 + V),  V = e^(p2-p1),  P(alive) = 1/(1+V),
 * with V = e^a * m assembled from a log part a and a linear part m, which
 * needs fewer logarithms than the LSE form (this loop is the whole cost
 * of a fit); when e^a would overflow the LSE form is used instead. With
 * grad != NULL also d lnL/d(r, alpha, s, beta).
 */
typedef struct pnbd_row {
    double ll, pa;
    double lat, lbt; /* ln(alpha+T), ln(beta+T), reused by the predictions */
} pnbd_row;

/*
 * p2 - p1 = a + ln m with a = ln s - ln(r+s+x) + Gp1 - p1 and
 * m = S1 (1 - e^dlt) > 0, dlt = G(T) - G(t_x) < 0 (m = 0: A0 = 0).
 */
static int
pnbd_p2(const pnbd_par *p, pnbd_cache *c, double x, double tx, double laa,
        const pnbd_row *row, double T, double p1, double *a, double *m,
        double *dp2)
{
    const pnbd_g1 *g1;
    double Gp2, S2, dG2[4], dlt, em;
    int want = dp2 != NULL, j;
    LOY__TRY(cache_g1(p, c, x, tx, want, &g1));
    LOY__TRY(pnbd_G(p, pnbd_q(c, x), pnbd_dq(c, x), x, T, row->lat,
                    row->lbt, &Gp2, &S2, want ? dG2 : NULL));
    dlt = (Gp2 - g1->Gp) + log(S2 / g1->S);
    *a = p->ls - laa + g1->Gp - p1;
    if (!(dlt < 0.0)) { /* T - t_x below resolution: A0 = 0 */
        *m = 0.0;
        return LOY_OK;
    }
    /* expm1 only where 1 - e^dlt would cancel (it is slower than exp) */
    em = dlt > -0.5 ? expm1(dlt) : exp(dlt) - 1.0;
    *m = -g1->S * em;
    if (want) {
        double w = 1.0 + em, om = -em;
        double iaa = 1.0 / (p->r + p->s + x);
        for (j = 0; j < 4; j++)
            dp2[j] = (g1->dG[j] - w * dG2[j]) / om;
        dp2[0] -= iaa;
        dp2[2] += 1.0 / p->s - iaa;
    }
    return LOY_OK;
}

/*
 * The dropout term directly, for when the series is slow (shapes running
 * to infinity, z next to 1): V = e^(p2 - p1) is
 *   V = s integral_{t_x}^{T} e^(h(u)) du,
 *   h(u) = (r+x) ln(1 + (T-u)/(alpha+u)) + s ln(1 + (T-u)/(beta+u))
 *          - ln(beta+u),
 * the rate of dying at u times the odds of the purchase history. h falls
 * and is convex; the integral runs on 10-point Gauss-Legendre panels from
 * t_x on, each short enough that h falls by at most 3 and the nearest
 * singularity (u = -alpha, -beta) is at least 2 panel lengths away, until
 * h has fallen by 40 or u = T (at most PNBD_QUAD_PANELS panels). The nodes
 * do not move with the parameters, so the gradient is the same rule over
 * dh/dtheta. *lv = ln V, dlv = d ln V / d(r, alpha, s, beta) if not NULL.
 * A panel's ten nodes go through pnbd_rows.c's vector kernels (libm for
 * nodes outside their domain): fits whose rows end up here spent most of
 * their time in these logarithms and exponentials.
 */
#define PQ_N 10 /* nodes per panel: +-PQ_X[i] */
static const double PQ_X[5] = {
    0.1488743389816312, 0.4333953941292472, 0.6794095682990244,
    0.8650633666889845, 0.9739065285171717};
static const double PQ_W[5] = {
    0.2955242247147529, 0.2692667193099963, 0.2190863625159820,
    0.1494513491505806, 0.0666713443086881};

static double
pq_h(const pnbd_par *p, double rx, double T, double u, double *dh)
{
    double ia = 1.0 / (p->alpha + u), ib = 1.0 / (p->beta + u), D = T - u;
    double la = log1p(D * ia), lb = log1p(D * ib);
    if (dh != NULL) {
        dh[0] = la;
        dh[1] = -rx * D * ia / (p->alpha + T);
        dh[2] = lb;
        dh[3] = -p->s * D * ib / (p->beta + T) - ib;
    }
    return rx * la + p->s * lb - log(p->beta + u);
}

/*
 * One panel (centre mid, half-width half) added to *sum and sd[] (NULL:
 * no gradient): its nodes through pnbd_rows.c's lanes, or through libm
 * when a node is outside their domain. Padding nodes have weight 0.
 */
static void
pq_panel(const pnbd_par *p, double rx, double T, double h0, double mid,
         double half, double *sum, double *sd)
{
    const double prm[4] = {p->r, p->alpha, p->s, p->beta};
    double v[LOY__PNBD_QNODES], w[LOY__PNBD_QNODES], ps, psd[4], dh[4];
    size_t i, k = 0;
    int sgn, j;
    for (i = 0; i < 5; i++)
        for (sgn = -1; sgn <= 1; sgn += 2, k++) {
            v[k] = mid + sgn * half * PQ_X[i];
            w[k] = PQ_W[i] * half;
        }
    for (; k < LOY__PNBD_QNODES; k++) {
        v[k] = mid;
        w[k] = 0.0;
    }
    if (loy__pnbd_quad_panel(prm, rx, T, h0, v, w, &ps,
                             sd != NULL ? psd : NULL)
        == 0) {
        *sum += ps;
        for (j = 0; sd != NULL && j < 4; j++)
            sd[j] += psd[j];
        return;
    }
    for (k = 0; k < PQ_N; k++) {
        double e = w[k] * exp(pq_h(p, rx, T, v[k], sd != NULL ? dh : NULL)
                              - h0);
        *sum += e;
        for (j = 0; sd != NULL && j < 4; j++)
            sd[j] += e * dh[j];
    }
}

static int
pnbd_v_quad(const pnbd_par *p, double x, double tx, double T, double *lv,
            double *dlv)
{
    double rx = p->r + x, h0 = pq_h(p, rx, T, tx, NULL), u = tx;
    double sum = 0.0, sd[4] = {0.0, 0.0, 0.0, 0.0};
    int panel, j;
    for (panel = 0; panel < PNBD_QUAD_PANELS && u < T; panel++) {
        /* -h'(u): the fall rate at the panel's start (the largest on it) */
        double rate = rx / (p->alpha + u) + (p->s + 1.0) / (p->beta + u);
        double len = fmin(3.0 / rate,
                          0.5 * fmin(p->alpha + u, p->beta + u));
        double half, mid;
        len = fmin(len, T - u);
        half = 0.5 * len;
        mid = u + half;
        pq_panel(p, rx, T, h0, mid, half, &sum, dlv != NULL ? sd : NULL);
        u += len;
        if (pq_h(p, rx, T, u, NULL) < h0 - 40.0)
            break;
    }
    if (!(sum > 0.0) || (u < T && panel == PNBD_QUAD_PANELS))
        return LOY_ENOCONV;
    *lv = p->ls + h0 + log(sum);
    for (j = 0; dlv != NULL && j < 4; j++)
        dlv[j] = sd[j] / sum;
    if (dlv != NULL)
        dlv[2] += 1.0 / p->s;
    return LOY_OK;
}

/*
 * V <= s (T - t_x) e^h(t_x) (h falls): below e^-45 it changes ln L by
 * less than 3e-20 and P(alive) not at all (s tiny: nobody drops out).
 */
static int
pnbd_v_negligible(const pnbd_par *p, double x, double tx, double T)
{
    if (p->ls > PNBD_LS_TINY)
        return 0; /* cheap exit: only a tiny s can make V negligible */
    return p->ls + log(T - tx) + pq_h(p, p->r + x, T, tx, NULL) < -45.0;
}

/* ln(1 + V) into *l1v and the branch weights 1/(1+V), V/(1+V). */
static void
pnbd_mix(double a, double m, double *l1v, double *pi1, double *pi2)
{
    if (m == 0.0) {
        *l1v = 0.0;
        *pi1 = 1.0;
        *pi2 = 0.0;
    } else if (a < 600.0) {
        double V = exp(a) * m;
        *pi1 = 1.0 / (1.0 + V);
        *pi2 = V * *pi1;
        *l1v = log(1.0 + V); /* absolute error <= 1.2e-16 */
    } else { /* e^a would overflow: LSE form with u = ln V */
        double u = a + log(m), e = exp(-fabs(u));
        *l1v = fmax(u, 0.0) + log1p(e);
        *pi1 = (u > 0.0 ? e : 1.0) / (1.0 + e);
        *pi2 = (u > 0.0 ? 1.0 : e) / (1.0 + e);
    }
}

/*
 * ln L = head + ln(1 + V) with the alive part
 *   head = lnG(r+x) - lnG(r) + r ln alpha + s ln beta - (r+x) ln(alpha+T)
 *          - s ln(beta+T)
 *        = [lnG(r+x) - lnG(r) - x ln r] + x (ln(r/alpha) - l_a) - r l_a
 *          - s l_b,   l_a = ln(1 + T/alpha), l_b = ln(1 + T/beta),
 * which has no term of the size of r (or s) when the shapes and rates
 * run to infinity together (the Poisson and fixed-dropout limits).
 */
static int
pnbd_row_eval(const pnbd_par *p, pnbd_cache *c, double x, double tx,
              double T, pnbd_row *row, double *grad)
{
    double p1, a = 0.0, m = 0.0, dp2[4] = {0.0, 0.0, 0.0, 0.0};
    double l1v, pi1, pi2, l_a, l_b, head;
    int want = grad != NULL, rc = LOY_OK;
    const double *xt = c->pa_only ? NULL : xterms(p, c, x, want);
    double laa = xt != NULL ? xt[XT_LAA] : pnbd_laa(p, c, x);
    row->lat = log(p->alpha + T);
    row->lbt = log(p->beta + T);
    p1 = -(p->r + x) * row->lat - p->s * row->lbt;
    if (tx < T && pnbd_v_negligible(p, x, tx, T)) {
        m = 0.0; /* nobody dies: V below 1e-19 (the no-dropout limit) */
    } else if (tx < T) {
        rc = pnbd_p2(p, c, x, tx, laa, row, T, p1, &a, &m,
                     want ? dp2 : NULL);
        if (rc == LOY_ENOCONV) {
            /* series too long: ln V directly; dp2 = dp1 + d ln V */
            LOY__TRY(pnbd_v_quad(p, x, tx, T, &a, want ? dp2 : NULL));
            m = 1.0;
            if (want) {
                dp2[0] -= row->lat;
                dp2[1] -= (p->r + x) / (p->alpha + T);
                dp2[2] -= row->lbt;
                dp2[3] -= p->s / (p->beta + T);
            }
        } else if (rc != LOY_OK) {
            return rc;
        }
    }
    pnbd_mix(a, m, &l1v, &pi1, &pi2);
    row->pa = pi1;
    if (c->pa_only) { /* predictions: the likelihood's head is not needed */
        row->ll = 0.0;
        return LOY_OK;
    }
    l_a = log1p(T / p->alpha);
    l_b = log1p(T / p->beta);
    head = xt[XT_LG] + x * (log(p->r) - p->lalpha - l_a)
           - p->r * l_a - p->s * l_b;
    row->ll = head + l1v;
    if (want) {
        grad[0] = p->lalpha + xt[XT_DG] - pi1 * row->lat + pi2 * dp2[0];
        grad[1] = p->r / p->alpha - pi1 * (p->r + x) / (p->alpha + T)
                  + pi2 * dp2[1];
        grad[2] = p->lbeta - pi1 * row->lbt + pi2 * dp2[2];
        grad[3] = p->s / p->beta - pi1 * p->s / (p->beta + T) + pi2 * dp2[3];
    }
    return LOY_OK;
}

int
loy__pnbd_loglik1(const double *params, double x, double t_x, double T,
                  double *ll, double *grad)
{
    pnbd_par p;
    pnbd_cache c;
    pnbd_row row;
    pnbd_par_set(&p, params);
    pnbd_cache_init(&c, NULL);
    LOY__TRY(pnbd_row_eval(&p, &c, x, t_x, T, &row, grad));
    *ll = row.ll;
    return loy__finite(row.ll) ? LOY_OK : LOY_ENOCONV;
}

/* ------------------------------------------------------------------ */
/* Public evaluation API                                               */
/* ------------------------------------------------------------------ */

int
loy_pnbd_loglik(double *out, const double params[4], const double *x,
                const double *t_x, const double *T, const double *weights,
                size_t n, size_t *err_index)
{
    pnbd_par p;
    pnbd_cache c;
    pnbd_row row;
    loy__ksum acc = {0.0, 0.0};
    size_t i;
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, weights, n, err_index));
    pnbd_par_set(&p, params);
    pnbd_cache_init(&c, NULL);
    for (i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;
        int rc = pnbd_row_eval(&p, &c, x[i], t_x[i], T[i], &row, NULL);
        if (rc == LOY_OK && !loy__finite(row.ll))
            rc = LOY_ENOCONV;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        if (w != 0.0)
            loy__ksum_add(&acc, w * row.ll);
    }
    LOY__REQUIRE(loy__finite(loy__ksum_value(&acc)), LOY_EOVERFLOW);
    *out = loy__ksum_value(&acc);
    return LOY_OK;
}

int
loy_pnbd_loglik_each(double *out, const double params[4], const double *x,
                     const double *t_x, const double *T, size_t n,
                     double *grad, size_t *err_index)
{
    pnbd_par p;
    pnbd_cache c;
    pnbd_row row;
    size_t i;
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, NULL, n, err_index));
    pnbd_par_set(&p, params);
    pnbd_cache_init(&c, NULL);
    for (i = 0; i < n; i++) {
        int rc = pnbd_row_eval(&p, &c, x[i], t_x[i], T[i], &row,
                               grad != NULL ? grad + 4 * i : NULL);
        if (rc == LOY_OK
            && (!loy__finite(row.ll)
                || (grad != NULL
                    && !loy__finite(grad[4 * i] + grad[4 * i + 1]
                                    + grad[4 * i + 2] + grad[4 * i + 3]))))
            rc = LOY_ENOCONV;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        out[i] = row.ll;
    }
    return LOY_OK;
}

/*
 * Which per-customer quantity to compute. All of them start from the same
 * likelihood pieces.
 */
enum { PNBD_PALIVE, PNBD_PALIVE_AT, PNBD_CET, PNBD_DERT };

/* [1 - (B/(B+t))^e] / e, with its limit ln(1 + t/B) at e = 0. */
static double
pnbd_hfun(double e, double t, double B)
{
    double l = log1p(t / B);
    return e == 0.0 ? l : -expm1(-e * l) / e;
}

/*
 * E[1/(mu + delta)], mu ~ Gamma(s, rate B), in logs:
 *   B^s delta^(s-1) e^z Gamma(1-s, z) = B * (e^z z^(s-1) Gamma(1-s, z)),
 * z = delta B: the scaled incomplete gamma, which neither overflows nor
 * cancels however large z is.
 */
static int
pnbd_log_inv_mu(double s, double B, double delta, double *out)
{
    double scaled = 0.0;
    LOY__TRY(loy__gamma_upper_scaled(1.0 - s, delta * B, &scaled));
    LOY__REQUIRE(scaled > 0.0 && loy__finite(scaled), LOY_ENOCONV);
    *out = log(B) + log(scaled);
    return LOY_OK;
}

/* The quantity `what` of a row from its P(alive) pa. */
static int
pnbd_finish(const pnbd_par *p, int what, double x, double T, double arg,
            double pa, double *out)
{
    double B = p->beta + T, v, lm;
    switch (what) {
    case PNBD_PALIVE:
        v = pa;
        break;
    case PNBD_PALIVE_AT:
        v = pa * exp(-p->s * log1p(arg / B));
        break;
    case PNBD_CET:
        v = pa * (p->r + x) / (p->alpha + T) * B
            * pnbd_hfun(p->s - 1.0, arg, B);
        break;
    default:
        /* a special function's domain error here comes from an
         * intermediate (delta * (beta + T) past the double range for a
         * valid row, found by fuzz_btyd): a computational failure of this
         * row, not bad input */
        if (pnbd_log_inv_mu(p->s, B, arg, &lm) != LOY_OK)
            return LOY_ENOCONV;
        v = pa * (p->r + x) / (p->alpha + T) * exp(lm);
        break;
    }
    LOY__REQUIRE(loy__finite(v) && loy__finite(pa), LOY_ENOCONV);
    *out = v;
    return LOY_OK;
}

/* One row in the scalar form. */
static int
pnbd_predict1(const pnbd_par *p, pnbd_cache *c, int what, double x,
              double tx, double T, double arg, double *out)
{
    pnbd_row row;
    LOY__TRY(pnbd_row_eval(p, c, x, tx, T, &row, NULL));
    return pnbd_finish(p, what, x, T, arg, row.pa, out);
}

/* A batch's lanes (pnbd_rows.c): P(alive), and CET over t if cet. */
typedef struct pnbd_lanes {
    loy__pnbd_lanes lp;
    int on; /* 0: every row in the scalar form (V may be negligible) */
} pnbd_lanes;

static void
pnbd_lanes_set(pnbd_lanes *l, const pnbd_par *p, const double *q, int cet,
               double t)
{
    double dab, z0;
    l->lp.r = p->r;
    l->lp.alpha = p->alpha;
    l->lp.s = p->s;
    l->lp.beta = p->beta;
    l->lp.ls = p->ls;
    l->lp.alpha_ge = p->alpha_ge;
    l->lp.cet = cet;
    l->lp.t = t;
    /* S at x = 0, t = 0, with the lanes' operations (the same bits) */
    dab = p->alpha_ge ? p->alpha - p->beta : p->beta - p->alpha;
    z0 = dab * (1.0 / (p->alpha_ge ? p->alpha : p->beta));
    l->lp.have_S0 = z0 <= LOY__PNBD_LANE_ZMAX
                    && pnbd_hyp1_q(q, p->alpha_ge ? p->r : p->s + 1.0,
                                   p->r + p->s + 1.0, z0, &l->lp.S0)
                           == LOY_OK;
    l->on = p->ls > PNBD_LS_TINY;
}

/*
 * Rows [0, m) of x, tx, T (m <= LOY__PNBD_ROWS) through the lanes, the
 * tail padded with a harmless row: bad[k] nonzero where row k needs the
 * scalar form (every row when the lanes are off), bad_cet[k] where only
 * its CET does (loy__pnbd_score_rows).
 */
static void
pnbd_lanes_run(const pnbd_lanes *l, const double *x, const double *tx,
               const double *T, size_t m, double *pa, double *cet,
               int64_t *bad, int64_t *bad_cet)
{
    double bx[LOY__PNBD_ROWS], btx[LOY__PNBD_ROWS], bT[LOY__PNBD_ROWS];
    size_t k;
    if (!l->on) {
        for (k = 0; k < LOY__PNBD_ROWS; k++)
            bad[k] = 1;
        return;
    }
    if (m < LOY__PNBD_ROWS) {
        for (k = 0; k < LOY__PNBD_ROWS; k++) {
            bx[k] = k < m ? x[k] : 0.0;
            btx[k] = k < m ? tx[k] : 0.0;
            bT[k] = k < m ? T[k] : 1.0;
        }
        x = bx, tx = btx, T = bT;
    }
    loy__pnbd_score_rows(&l->lp, x, tx, T, pa, cet, bad, bad_cet);
}

static int
pnbd_predict(double *out, const double *params, const double *x,
             const double *t_x, const double *T, size_t n, int what,
             double arg, size_t *err_index)
{
    pnbd_par p;
    pnbd_cache c;
    pnbd_lanes l;
    double *q, pa[LOY__PNBD_ROWS], cet[LOY__PNBD_ROWS];
    int64_t bad[LOY__PNBD_ROWS], bad_cet[LOY__PNBD_ROWS];
    size_t i, k, m;
    int rc = LOY_OK;
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, NULL, n, err_index));
    if (what != PNBD_PALIVE) {
        LOY__REQUIRE(loy__finite(arg), LOY_ENONFINITE);
        LOY__REQUIRE(what == PNBD_DERT ? arg > 0.0 : arg >= 0.0,
                     LOY_EDOMAIN);
    }
    pnbd_par_set(&p, params);
    pnbd_cache_init(&c, NULL);
    c.pa_only = 1;
    c.qtab = q = pnbd_qtab_new(&p, n);
    pnbd_lanes_set(&l, &p, q, what == PNBD_CET, arg);
    for (i = 0; i < n && rc == LOY_OK; i += m) {
        m = n - i < LOY__PNBD_ROWS ? n - i : LOY__PNBD_ROWS;
        pnbd_lanes_run(&l, x + i, t_x + i, T + i, m, pa, cet, bad, bad_cet);
        for (k = 0; k < m && rc == LOY_OK; k++) {
            size_t j = i + k;
            if (bad[k] != 0)
                rc = pnbd_predict1(&p, &c, what, x[j], t_x[j], T[j], arg,
                                   &out[j]);
            else if (what == PNBD_CET && bad_cet[k] == 0)
                out[j] = cet[k];
            else
                rc = pnbd_finish(&p, what, x[j], T[j], arg, pa[k], &out[j]);
            if (rc != LOY_OK)
                loy__set_index(err_index, j);
        }
    }
    free(q);
    return rc;
}

int
loy_pnbd_palive(double *out, const double params[4], const double *x,
                const double *t_x, const double *T, size_t n,
                size_t *err_index)
{
    return pnbd_predict(out, params, x, t_x, T, n, PNBD_PALIVE, 0.0,
                        err_index);
}

int
loy_pnbd_palive_at(double *out, const double params[4], const double *x,
                   const double *t_x, const double *T, size_t n, double t,
                   size_t *err_index)
{
    return pnbd_predict(out, params, x, t_x, T, n, PNBD_PALIVE_AT, t,
                        err_index);
}

int
loy_pnbd_expected(double *out, const double params[4], const double *x,
                  const double *t_x, const double *T, size_t n, double t,
                  size_t *err_index)
{
    return pnbd_predict(out, params, x, t_x, T, n, PNBD_CET, t, err_index);
}

int
loy_pnbd_dert(double *out, const double params[4], const double *x,
              const double *t_x, const double *T, size_t n, double delta,
              size_t *err_index)
{
    return pnbd_predict(out, params, x, t_x, T, n, PNBD_DERT, delta,
                        err_index);
}

/* One batch of loy_pnbd_score (validated rows). */
typedef struct pnbd_batch {
    double *palive, *cet;
    const pnbd_par *p;
    const pnbd_lanes *lanes;
    const double *qtab;
    const double *x, *t_x, *T;
    double t;
} pnbd_batch;

/* Rows [i0, i1): the lanes, and the scalar form (with its own one-entry
 * caches) for the rows they do not cover. */
static int
pnbd_score_range(void *ctx, size_t i0, size_t i1, size_t *bad_row)
{
    const pnbd_batch *b = ctx;
    pnbd_cache c;
    double pa[LOY__PNBD_ROWS], cet[LOY__PNBD_ROWS];
    int64_t bad[LOY__PNBD_ROWS], bad_cet[LOY__PNBD_ROWS];
    size_t i, k, m;
    pnbd_cache_init(&c, NULL);
    c.qtab = b->qtab;
    c.pa_only = 1;
    memset(bad_cet, 0, sizeof bad_cet); /* the lanes set it with CET only */
    for (i = i0; i < i1; i += m) {
        int64_t any = 0;
        m = i1 - i < LOY__PNBD_ROWS ? i1 - i : LOY__PNBD_ROWS;
        pnbd_lanes_run(b->lanes, b->x + i, b->t_x + i, b->T + i, m, pa, cet,
                       bad, bad_cet);
        /* most blocks have no flagged row: copied whole (a short block,
         * the last, goes row by row) */
        for (k = 0; k < LOY__PNBD_ROWS; k++)
            any |= bad[k] | bad_cet[k];
        if (any == 0 && m == LOY__PNBD_ROWS) {
            if (b->palive != NULL)
                memcpy(b->palive + i, pa, sizeof pa);
            if (b->cet != NULL)
                memcpy(b->cet + i, cet, sizeof cet);
            continue;
        }
        for (k = 0; k < m; k++) {
            size_t j = i + k;
            int rc = LOY_OK;
            if (bad[k] != 0)
                rc = pnbd_predict1(b->p, &c, PNBD_PALIVE, b->x[j], b->t_x[j],
                                   b->T[j], 0.0, &pa[k]);
            /* CET from P(alive) where the lanes did not give it */
            if (rc == LOY_OK && b->cet != NULL
                && (bad[k] != 0 || bad_cet[k] != 0))
                rc = pnbd_finish(b->p, PNBD_CET, b->x[j], b->T[j], b->t,
                                 pa[k], &cet[k]);
            if (rc != LOY_OK) {
                *bad_row = j;
                return rc;
            }
            if (b->palive != NULL)
                b->palive[j] = pa[k];
            if (b->cet != NULL)
                b->cet[j] = cet[k];
        }
    }
    return LOY_OK;
}

int
loy_pnbd_score(double *palive, double *cet, const double params[4],
               const double *x, const double *t_x, const double *T,
               size_t n, double t, const loy_predict_options *opts,
               size_t *err_index)
{
    pnbd_par p;
    pnbd_batch b;
    pnbd_lanes l;
    uint32_t threads;
    double *q;
    int rc;
    LOY__TRY(loy__pnbd_score_check(palive, cet, params, x, t_x, T, n, t,
                                   opts, &threads, err_index));
    pnbd_par_set(&p, params);
    b.palive = palive;
    b.cet = cet;
    b.p = &p;
    b.x = x;
    b.t_x = t_x;
    b.T = T;
    b.t = t;
    b.qtab = q = pnbd_qtab_new(&p, n);
    pnbd_lanes_set(&l, &p, q, cet != NULL, t);
    b.lanes = &l;
    rc = loy__par_rows(threads, n, pnbd_score_range, &b, err_index);
    free(q);
    return rc;
}

int
loy_pnbd_expected_new(double *out, const double params[4], const double *t,
                      size_t n, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__TRY(loy__btyd_check_params(params, 4, err_index));
    for (i = 0; i < n; i++) {
        int rc = LOY_OK;
        if (!loy__finite(t[i]))
            rc = LOY_ENONFINITE;
        else if (t[i] < 0.0)
            rc = LOY_EDOMAIN;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    for (i = 0; i < n; i++) {
        /* in logs: r/alpha alone overflows for alpha near DBL_MIN */
        double h = pnbd_hfun(params[2] - 1.0, t[i], params[3]), v = 0.0;
        if (h > 0.0)
            v = exp(log(params[0]) - log(params[1]) + log(params[3])
                    + log(h));
        if (!loy__finite(v)) {
            loy__set_index(err_index, i);
            return LOY_EOVERFLOW;
        }
        out[i] = v;
    }
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* Fit                                                                 */
/* ------------------------------------------------------------------ */

/* One evaluation's shared inputs (the x table filled before the split). */
typedef struct pnbd_eval {
    const loy__pnbd_data *d;
    const pnbd_par *p;
    int grad;
} pnbd_eval;

/* Sums over rows [i0, i1): one block of loy__par_sum, with its own
 * one-entry caches (which give the values they would compute). */
static int
pnbd_sum_range(void *ctx, size_t i0, size_t i1, double *acc)
{
    const pnbd_eval *e = ctx;
    const loy__pnbd_data *d = e->d;
    pnbd_cache c;
    pnbd_row row;
    double gr[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i, j;
    pnbd_cache_init(&c, d);
    for (i = i0; i < i1; i++) {
        double w = d->w != NULL ? d->w[i] : 1.0;
        LOY__TRY(pnbd_row_eval(e->p, &c, d->x[i], d->tx[i], d->T[i], &row,
                               e->grad ? gr : NULL));
        acc[0] += w * row.ll;
        for (j = 0; j < 4; j++)
            acc[j + 1] += w * gr[j];
    }
    return LOY_OK;
}

/* plain sums over blocks of rows, compensated sums of the blocks: as
   accurate as compensating every row, and cheaper */
int
loy__pnbd_fit_loglik(void *ctx, const double *prm, size_t k, double *ll,
                     double *g)
{
    const loy__pnbd_data *d = ctx;
    pnbd_par p;
    pnbd_eval e;
    double sum[5];
    size_t j;
    (void)k;
    pnbd_par_set(&p, prm);
    if (d->xtab != NULL)
        xtab_fill(&p, d, g != NULL);
    e.d = d;
    e.p = &p;
    e.grad = g != NULL;
    LOY__TRY(loy__par_sum(d->threads, d->n, LOY__PNBD_SUM_BLOCK, 5,
                          pnbd_sum_range, &e, sum));
    *ll = sum[0];
    if (g != NULL)
        for (j = 0; j < 4; j++)
            g[j] = prm[j] * sum[j + 1];
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

/*
 * Default start: r = 0.5 (CLVTools), alpha from the observed purchase rate
 * (r/alpha ~ sum x / sum T) kept within a sane band around the time scale
 * of the data, then the model's two others (tail[1] < 0: mean T).
 */
static void
default_start(const loy__pnbd_data *d, const double tail[2],
              double start[4])
{
    loy__ksum sx = {0.0, 0.0}, sT = {0.0, 0.0}, sw = {0.0, 0.0};
    double mT, rate;
    size_t i;
    for (i = 0; i < d->n; i++) {
        double w = d->w != NULL ? d->w[i] : 1.0;
        loy__ksum_add(&sx, w * d->x[i]);
        loy__ksum_add(&sT, w * d->T[i]);
        loy__ksum_add(&sw, w);
    }
    mT = loy__ksum_value(&sT) / loy__ksum_value(&sw);
    rate = loy__ksum_value(&sx) / loy__ksum_value(&sT);
    start[0] = 0.5;
    start[1] = 0.5 / fmax(rate, 0.01 / mT);
    start[1] = fmin(start[1], 100.0 * mT);
    start[2] = tail[0];
    start[3] = tail[1] < 0.0 ? mT : tail[1];
}

/* Weighted total and check that something is left to fit. */
static int
total_weight(const double *w, size_t n, double *out)
{
    loy__ksum s = {0.0, 0.0};
    size_t i;
    if (w == NULL) {
        *out = (double)n;
        return LOY_OK;
    }
    for (i = 0; i < n; i++)
        loy__ksum_add(&s, w[i]);
    *out = loy__ksum_value(&s);
    return *out > 0.0 ? LOY_OK : LOY_EEMPTY;
}

static int
want_patterns(const loy_fit_options *opts, const double *x, const double *tx,
              const double *T, size_t n)
{
    loy_fit_options o;
    uint32_t flags;
    /* a bad struct_size is reported by loy__fit_ml */
    loy__fit_options_read(opts, &o);
    flags = o.flags;
    if (flags & LOY_FIT_NO_COMPRESS)
        return 0;
    if (flags & LOY_FIT_COMPRESS)
        return 1;
    return loy__patterns_worth_it(x, tx, T, n);
}

/* Largest x given a per-x table (8 doubles each: 4 MiB at most). */
#define PNBD_XTAB_MAX 65535.0

/* Distinct x values and the scratch table, when x is small enough. */
static int
xtab_build(loy__pnbd_data *d)
{
    double xmax = 0.0;
    unsigned char *seen;
    size_t i, k;
    d->xtab = d->xs = d->dtab = NULL;
    d->xmax = d->nxs = 0;
    for (i = 0; i < d->n; i++)
        xmax = fmax(xmax, d->x[i]);
    if (xmax > PNBD_XTAB_MAX)
        return LOY_OK; /* the per-row cache serves instead */
    d->xmax = (size_t)xmax;
    seen = calloc(d->xmax + 1, 1);
    d->xs = malloc((d->xmax + 1) * sizeof(double));
    d->xtab = malloc(LOY__PNBD_XSTRIDE * (d->xmax + 1) * sizeof(double));
    if (seen == NULL || d->xs == NULL || d->xtab == NULL) {
        free(seen);
        return LOY_ENOMEM;
    }
    for (i = 0; i < d->n; i++)
        seen[(size_t)d->x[i]] = 1;
    for (k = 0; k <= d->xmax; k++)
        if (seen[k])
            d->xs[d->nxs++] = (double)k;
    free(seen);
    /* Optional (without it the gradient's series divide per term), and
     * only where it pays: each gradient evaluation fills nxs x DK terms,
     * so at least four rows per term. (1M customers: the fit takes 29%
     * less time.) */
    if (d->n / 4 >= d->nxs * LOY__PNBD_DK) {
        k = d->xmax + 1 < LOY__PNBD_DX ? d->xmax + 1 : LOY__PNBD_DX;
        d->dtab = malloc(k * 3 * LOY__PNBD_DK * sizeof(double));
    }
    return LOY_OK;
}

/*
 * Large samples. BFGS needs 20-30 evaluations of the full likelihood even
 * from a good start (it has to learn the curvature, and the Pareto/NBD
 * surface is flat along s and beta). Instead:
 *  1. fit a systematic subsample (every k-th row, ~warm[1] rows,
 *     no standard errors) with loy__fit_ml;
 *  2. take the Hessian of the subsample objective there (cheap) and run
 *     a few quasi-Newton steps theta -= H^-1 g_full on the full data, H
 *     starting from the subsample's Hessian and updated by BFGS, each
 *     accepted only if it does not raise the full objective;
 *  3. start loy__fit_ml on the full data from that point: it checks the
 *     gradient, usually stops at once, and computes the standard errors.
 * The estimate is the full-data MLE either way; only the start changes.
 */
#define PNBD_POLISH_STEPS 8

/* The driver's objective: -ll(e^theta)/W + penalty * sum e^(2 theta). */
typedef struct polish_ctx {
    const loy__fit_problem *prob;
    double penalty;
} polish_ctx;

static int
polish_obj(void *ctx, const double *th, size_t k, double *f, double *g)
{
    const polish_ctx *c = ctx;
    double p[4], ll, pen = 0.0;
    size_t j;
    for (j = 0; j < k; j++) {
        p[j] = exp(th[j]);
        pen += p[j] * p[j];
    }
    LOY__TRY(c->prob->loglik(c->prob->ctx, p, k, &ll, g));
    *f = -ll / c->prob->total_weight + c->penalty * pen;
    if (g != NULL)
        for (j = 0; j < k; j++)
            g[j] = -g[j] / c->prob->total_weight
                   + 2.0 * c->penalty * p[j] * p[j];
    return loy__finite(*f) ? LOY_OK : LOY_ENOCONV;
}

/*
 * BFGS update of the inverse Hessian Hi (4x4) with s = th2 - th,
 * y = g2 - g: Hi <- (I - rho s y') Hi (I - rho y s') + rho s s'; skipped
 * unless y's > 0.
 */
static void
bfgs_update(double *Hi, const double *th, const double *th2, const double *g,
            const double *g2)
{
    double sv[4], y[4], Hy[4], ys = 0.0, yHy = 0.0;
    size_t i, j;
    for (i = 0; i < 4; i++) {
        sv[i] = th2[i] - th[i];
        y[i] = g2[i] - g[i];
        ys += y[i] * sv[i];
    }
    if (!(ys > 0.0))
        return;
    for (i = 0; i < 4; i++) {
        Hy[i] = 0.0;
        for (j = 0; j < 4; j++)
            Hy[i] += Hi[i * 4 + j] * y[j];
        yHy += y[i] * Hy[i];
    }
    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++)
            Hi[i * 4 + j] += (ys + yHy) * sv[i] * sv[j] / (ys * ys)
                             - (Hy[i] * sv[j] + sv[i] * Hy[j]) / ys;
}

/*
 * Accept a step that lowers f, or one that lowers the gradient while f
 * stays within rounding noise: near the optimum f is flat to ~1e-16 and
 * a strict decrease test would stop the steps early.
 */
static int
polish_accept(double f, double gmax, double f2, const double *g2)
{
    double g2max = 0.0;
    size_t i;
    for (i = 0; i < 4; i++)
        g2max = fmax(g2max, fabs(g2[i]));
    return f2 <= f || (f2 <= f + 1e-13 * fabs(f) && g2max < gmax);
}

/* Step 2: quasi-Newton steps on the full data, started from the
   subsample's Hessian. */
static void
polish(const polish_ctx *full, const polish_ctx *sub, double gtol,
       double th[4])
{
    double H[16], Hi[16], g[4], f, th2[4], g2[4], f2;
    int it;
    size_t i, j;
    if (loy__hessian(polish_obj, (void *)sub, th, 4, H) != LOY_OK
        || loy__spd_inverse(H, 4, Hi) != LOY_OK
        || polish_obj((void *)full, th, 4, &f, g) != LOY_OK)
        return;
    for (it = 0; it < PNBD_POLISH_STEPS; it++) {
        double gmax = 0.0;
        for (i = 0; i < 4; i++)
            gmax = fmax(gmax, fabs(g[i]));
        if (gmax <= 0.25 * gtol)
            return;
        for (i = 0; i < 4; i++) {
            th2[i] = th[i];
            for (j = 0; j < 4; j++)
                th2[i] -= Hi[i * 4 + j] * g[j];
        }
        if (polish_obj((void *)full, th2, 4, &f2, g2) != LOY_OK
            || !polish_accept(f, gmax, f2, g2))
            return;
        bfgs_update(Hi, th, th2, g, g2);
        memcpy(th, th2, sizeof th2);
        memcpy(g, g2, sizeof g2);
        f = f2;
    }
}

/* Steps 1 and 2; returns 1 with start[] set, or 0 (plain fit). */
static int
warm_start(const loy__fit_problem *full, const loy__pnbd_data *d,
           const loy_fit_options *opts, const size_t warm[2],
           double start[4])
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy__fit_problem prob = *full;
    loy__pnbd_data sub = *d;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    polish_ctx pf, ps;
    double *buf, est[4], th[4];
    size_t step, i, m;
    int rc;
    if (d->n < warm[0] || warm[1] == 0
        || (opts != NULL
            && opts->struct_size < LOY__FIT_OPTIONS_V1_SIZE))
        return 0;
    loy__fit_options_read(opts, &o);
    step = d->n / warm[1] > 1 ? d->n / warm[1] : 1;
    m = d->n / step;
    buf = malloc(4 * m * sizeof(double));
    if (buf == NULL)
        return 0;
    prob.total_weight = 0.0;
    for (i = 0; i < m; i++) {
        buf[i] = d->x[i * step];
        buf[m + i] = d->tx[i * step];
        buf[2 * m + i] = d->T[i * step];
        buf[3 * m + i] = d->w != NULL ? d->w[i * step] : 1.0;
        prob.total_weight += buf[3 * m + i];
    }
    sub.x = buf;
    sub.tx = buf + m;
    sub.T = buf + 2 * m;
    sub.w = buf + 3 * m;
    sub.n = m;
    prob.ctx = &sub;
    prob.n_rows = (uint64_t)m;
    o.flags |= LOY_FIT_NO_SE;
    rc = prob.total_weight > 0.0 ? loy__fit_ml(&prob, &o, est, &rep)
                                 : LOY_EEMPTY;
    /* a subsample fit stopped on its way to a limit is a start too: the
     * full-data fit then gets there in a few evaluations */
    if (rc == LOY_ENOCONV && isfinite(est[0]) && isfinite(est[1])
        && isfinite(est[2]) && isfinite(est[3]))
        rc = LOY_OK;
    if (rc == LOY_OK
        && (rep.flags & (LOY_FIT_REPORT_LIMIT | LOY_FIT_REPORT_BOUNDARY))) {
        /* at (or on the way to) a limit: the full fit stops there at once
         * and fits the limits on the full data; quasi-Newton steps from a
         * shape of 1e30 would only cost full evaluations */
        memcpy(start, est, sizeof est);
    } else if (rc == LOY_OK) {
        pf.prob = full;
        ps.prob = &prob;
        pf.penalty = ps.penalty = o.penalty;
        for (i = 0; i < 4; i++)
            th[i] = log(est[i]);
        polish(&pf, &ps, o.gtol > 0.0 ? o.gtol : 1e-9, th);
        for (i = 0; i < 4; i++)
            start[i] = exp(th[i]);
    }
    free(buf);
    return rc == LOY_OK;
}

int
loy__pnbd_fit_driver(loy__loglik_fn fn, const double tail[2],
                     const size_t warm[2], int dropout_kind,
                     double params_out[4],
                     const double *x,
                     const double *t_x, const double *T,
                     const double *weights, size_t n,
                     const loy_fit_options *opts, loy_fit_report *report,
                     size_t *err_index)
{
    loy__patterns pat;
    loy__fit_problem prob;
    loy__pnbd_data d;
    loy_fit_options o2;
    loy__fit_limit lims[LOY__MAX_LIMITS];
    double start[4], ws[4];
    int rc, compress;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(params_out != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__REQUIRE(x != NULL && t_x != NULL && T != NULL, LOY_EINVAL);
    LOY__TRY(loy__btyd_check_rows(x, t_x, T, weights, n, err_index));
    memset(&prob, 0, sizeof prob);
    memset(&d, 0, sizeof d);
    LOY__TRY(total_weight(weights, n, &prob.total_weight));
    compress = want_patterns(opts, x, t_x, T, n);
    memset(&pat, 0, sizeof pat);
    d.x = x;
    d.tx = t_x;
    d.T = T;
    d.w = weights;
    d.n = n;
    d.threads = loy__fit_threads(opts);
    if (compress) {
        LOY__TRY(loy__patterns_build(&pat, x, t_x, T, weights, n));
        d.x = pat.x;
        d.tx = pat.tx;
        d.T = pat.T;
        d.w = pat.w;
        d.n = pat.n;
    }
    rc = xtab_build(&d);
    if (rc == LOY_OK) {
        default_start(&d, tail, start);
        prob.loglik = fn;
        prob.ctx = &d;
        prob.k = 4;
        prob.n_rows = (uint64_t)d.n;
        prob.default_start = start;
        /* the limits first: the subsample fit needs them as much */
        prob.limits = lims;
        prob.n_limits = loy__limits_two(lims, LOY__MIX_GAMMA, dropout_kind);
        if (warm_start(&prob, &d, opts, warm, ws)) {
            loy__fit_options_read(opts, &o2);
            o2.start = ws;
            opts = &o2;
        }
        rc = loy__fit_ml(&prob, opts, params_out, report);
    }
    free(d.xtab);
    free(d.xs);
    free(d.dtab);
    if (compress)
        loy__patterns_free(&pat);
    return rc;
}

int
loy_pnbd_fit(double params_out[4], const double *x, const double *t_x,
             const double *T, const double *weights, size_t n,
             const loy_fit_options *opts, loy_fit_report *report,
             size_t *err_index)
{
    static const double tail[2] = {0.5, -1.0}; /* s = 0.5, beta = mean T */
    static const size_t warm[2] = {LOY__PNBD_WARM_MIN, LOY__PNBD_WARM_ROWS};
    return loy__pnbd_fit_driver(loy__pnbd_fit_loglik, tail, warm,
                                LOY__MIX_GAMMA, params_out, x, t_x, T,
                                weights, n, opts, report, err_index);
}
