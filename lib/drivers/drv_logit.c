/* SPDX-License-Identifier: MIT */
/*
 * drv_logit.c - logistic regression by Newton's method (IRLS) and the
 * logistic relative weights.
 *
 *   eta = a'b, mu = expit(eta), v = mu (1 - mu)
 *   g = sum w (y - mu) a,  H = sum w v a a',  b <- b + inv(H) g
 *   l(b) = sum w [y eta - softplus(eta)]
 * Stop when |dl| < 1e-10 (1 + |l|) and max |db| < 1e-8, at most 50 steps;
 * a step that lowers l is halved. Separation shows as no convergence, or
 * as fitted probabilities within 1e-15 of 0 or 1 (|eta| > 34.5): both are
 * LOY_ENOCONV with the best point kept.
 */
#include "drivers/drivers_internal.h"

#include "numeric/linalg.h"
#include "numeric/vecdot.h"
#include "numeric/vmath.h"

#include <stdlib.h>

#define MAX_STEPS 50
#define MAX_HALVINGS 30
#define SEPARATED_ETA 34.5

/* eta = theta[0] + sum_c theta[1 + c] X_cols[c] */
static void
linpred(const loy__glm *d, const size_t *cols, size_t m, double b0,
        const double *b, double *eta)
{
    size_t i, c, n = d->n;
    for (i = 0; i < n; i++)
        eta[i] = b0;
    for (c = 0; c < m; c++) {
        const double *x = d->X + cols[c] * n;
        double bc = b[c];
        for (i = 0; i < n; i++)
            eta[i] += bc * x[i];
    }
}

/*
 * One pass: l, residual weights r = w (y - mu), working weights wv = w v;
 * returns the largest |eta|. With e = exp(-|eta|) and q = 1/(1 + e):
 * mu = q (eta >= 0) or e q, v = mu (1 - mu) = e q^2, softplus(eta) =
 * max(eta, 0) + log1p(e): one exp, one log1p and one division per row.
 */
#ifdef LOY__VMATH_VEC
#if defined(__x86_64__) || defined(__i386__)
#define LOGIT_X86 1
#endif

/* The baseline: two lanes, one SSE2 or NEON register. */
#define LOY__W 2
#include "drivers/drv_logit_kern.h"
#undef LOY__W

/* AVX2: four lanes, one register. */
#define LOY__W 4
#include "drivers/drv_logit_kern.h"

static double
pass_generic(const loy__glm *d, double *ll)
{
    return pass_body_2(d, ll);
}

#ifdef LOGIT_X86
__attribute__((target("avx2"))) static double
pass_avx2(const loy__glm *d, double *ll)
{
    return pass_body_4(d, ll);
}
#endif

int
loy__glm_logit_pass_lanes(int path, const loy__glm *d, double *ll,
                          double *big)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef LOGIT_X86
    case LOY__VPATH_AVX2:
        *big = pass_avx2(d, ll);
        return 1;
#endif
    case LOY__VPATH_BASE:
        *big = pass_generic(d, ll);
        return 1;
    default:
        return 0;
    }
}

/* The widest path the CPU has. */
static double
pass(const loy__glm *d, double *ll)
{
    double big = 0.0;
    if (!loy__glm_logit_pass_lanes(LOY__VPATH_AVX2, d, ll, &big))
        (void)loy__glm_logit_pass_lanes(LOY__VPATH_BASE, d, ll, &big);
    return big;
}

#else /* no vector extensions: libm */

static double
pass(const loy__glm *d, double *ll);

int
loy__glm_logit_pass_lanes(int path, const loy__glm *d, double *ll,
                          double *big)
{
    if (path != LOY__VPATH_BASE)
        return 0;
    *big = pass(d, ll);
    return 1;
}

static double
pass(const loy__glm *d, double *ll)
{
    size_t i, n = d->n;
    double l = 0.0, big = 0.0;
    for (i = 0; i < n; i++) {
        double eta = d->eta[i], a = fabs(eta), e = exp(-a);
        double q = 1.0 / (1.0 + e), mu = eta >= 0.0 ? q : e * q;
        double sp = (eta > 0.0 ? eta : 0.0) + log1p(e), w = d->w[i];
        l += w * (d->y[i] * eta - sp);
        d->r[i] = w * (d->y[i] - mu);
        d->wv[i] = w * (e * q * q);
        big = a > big ? a : big;
    }
    *ll = l;
    return big;
}
#endif

/* Gradient g (np) and information H (np x np, full) at the last pass;
 * ptr[m] are the column pointers, dots m scratch values. */
static void
gradient_info(loy__glm *d, const double *const *ptr, size_t m, double *g,
              double *H, double *dots)
{
    size_t n = d->n, np = m + 1u, a, b;
    g[0] = loy__vsum(d->r, n);
    loy__dots(g + 1, d->r, ptr, m, n);
    H[0] = loy__vsum(d->wv, n);
    loy__dots(dots, d->wv, ptr, m, n);
    for (a = 0; a < m; a++)
        H[(a + 1) * np] = H[a + 1] = dots[a];
    for (a = 0; a < m; a++) {
        loy__vmul(d->tmp, d->wv, ptr[a], n);
        loy__dots(dots, d->tmp, ptr, a + 1u, n);
        for (b = 0; b <= a; b++)
            H[(a + 1) * np + b + 1] = H[(b + 1) * np + a + 1] = dots[b];
    }
}

/* Newton step: H delta = g (H copied, Cholesky). */
static int
newton_step(const double *H, const double *g, size_t np, double *delta,
            double *L)
{
    size_t i;
    memcpy(L, H, np * np * sizeof *L);
    for (i = 0; i < np; i++)
        delta[i] = g[i];
    LOY__REQUIRE(loy__chol(L, np, 0.0, NULL) == LOY_OK, LOY_ENOCONV);
    loy__chol_solve(L, np, delta);
    return LOY_OK;
}

typedef struct logit_ws {
    double *g, *H, *L, *delta, *prev, *best, *dots;
    const double **ptr;
} logit_ws;

static int
ws_new(logit_ws *w, const loy__glm *d, const size_t *cols, size_t m)
{
    size_t np = m + 1u, c;
    w->ptr = malloc((m + 1u) * sizeof *w->ptr);
    w->dots = malloc((m + 1u) * sizeof *w->dots);
    w->g = malloc(np * sizeof(double));
    w->H = malloc(np * np * sizeof(double));
    w->L = malloc(np * np * sizeof(double));
    w->delta = malloc(np * sizeof(double));
    w->prev = malloc(np * sizeof(double));
    w->best = malloc(np * sizeof(double));
    if (!w->g || !w->H || !w->L || !w->delta || !w->prev || !w->best
        || !w->ptr || !w->dots) {
        free(w->g), free(w->H), free(w->L), free(w->ptr), free(w->dots);
        free(w->delta), free(w->prev), free(w->best);
        return LOY_ENOMEM;
    }
    for (c = 0; c < m; c++)
        w->ptr[c] = d->X + cols[c] * d->n;
    return LOY_OK;
}

static void
ws_free(logit_ws *w)
{
    free(w->g), free(w->H), free(w->L), free(w->ptr), free(w->dots);
    free(w->delta), free(w->prev), free(w->best);
}

/* Newton iterations; returns LOY_OK or LOY_ENOCONV, theta = best point.
 * Every pass is remembered in d->last_* (the point it was taken at). */
static int
iterate(loy__glm *d, const size_t *cols, size_t m, double *theta,
        double *ll, uint32_t *iter, logit_ws *w, const loy__glm_warm *warm)
{
    size_t np = m + 1u, i;
    double l = 0.0, lprev = -DBL_MAX, lbest = -DBL_MAX, big = 0.0;
    int halvings = 0, steps = 0, rc = LOY_ENOCONV;
    while (steps < MAX_STEPS) {
        if (warm != NULL && steps == 0 && halvings == 0) {
            /* the parent's last pass is this point's pass */
            memcpy(d->r, warm->r, d->n * sizeof *d->r);
            memcpy(d->wv, warm->wv, d->n * sizeof *d->wv);
            l = warm->l;
            big = warm->big;
        } else {
            linpred(d, cols, m, theta[0], theta + 1, d->eta);
            big = pass(d, &l);
        }
        memcpy(d->last_theta, theta, np * sizeof *theta);
        d->last_l = l;
        d->last_big = big;
        if (l < lprev - 1e-12 * fabs(lprev) && halvings < MAX_HALVINGS) {
            for (i = 0; i < np; i++) /* overshoot: halve the step */
                theta[i] = 0.5 * (theta[i] + w->prev[i]);
            halvings++;
            continue;
        }
        if (l > lbest) {
            lbest = l;
            memcpy(w->best, theta, np * sizeof *theta);
        }
        gradient_info(d, w->ptr, m, w->g, w->H, w->dots);
        if (newton_step(w->H, w->g, np, w->delta, w->L) != LOY_OK)
            break;
        {
            double maxstep = 0.0;
            for (i = 0; i < np; i++)
                maxstep = fabs(w->delta[i]) > maxstep ? fabs(w->delta[i])
                                                      : maxstep;
            memcpy(w->prev, theta, np * sizeof *theta);
            for (i = 0; i < np; i++)
                theta[i] += w->delta[i];
            steps++;
            if (fabs(l - lprev) < 1e-10 * (1.0 + fabs(l)) && maxstep < 1e-8) {
                rc = LOY_OK;
                break;
            }
        }
        lprev = l;
        halvings = 0;
    }
    *iter = (uint32_t)steps;
    if (rc == LOY_OK && big > SEPARATED_ETA)
        rc = LOY_ENOCONV; /* fitted probabilities numerically 0 or 1 */
    if (rc != LOY_OK) {
        memcpy(theta, w->best, np * sizeof *theta);
        l = lbest;
    }
    d->last_ok = rc == LOY_OK;
    *ll = l;
    return rc;
}

int
loy__glm_fit_logit(loy__glm *d, const size_t *cols, size_t m, double *theta,
                   double *ll, uint32_t *iter, double *cov,
                   const loy__glm_warm *warm)
{
    logit_ws w;
    size_t np = m + 1u;
    int rc;
    LOY__TRY(ws_new(&w, d, cols, m));
    rc = iterate(d, cols, m, theta, ll, iter, &w, warm);
    if (cov != NULL) {
        d->last_ok = 0; /* the pass below is at the estimate, not last */
        /* information at the estimate */
        linpred(d, cols, m, theta[0], theta + 1, d->eta);
        (void)pass(d, ll);
        gradient_info(d, w.ptr, m, w.g, w.H, w.dots);
        memcpy(w.L, w.H, np * np * sizeof *w.L);
        if (loy__chol(w.L, np, 0.0, NULL) == LOY_OK)
            loy__chol_inverse(w.L, np, cov);
        else
            rc = LOY_ENOCONV;
    }
    ws_free(&w);
    return rc;
}

/*
 * Tonidandel and LeBreton (2010), as rwa::rwa_logit: Z = X_s inv(Lam),
 * Lam = R_xx^(1/2); the fit on Z has the same mu and eta as the fit on X,
 * with slopes b = Lam b_s (b_s: slopes on the standardized drivers);
 * beta_j = b_j sqrt(R²_O) / sd(eta), R²_O = cor(mu, y)^2;
 * eps_j = sum_k Lam_jk^2 beta_k^2.
 */
int
loy__glm_logit_rw(const loy__glm *d, const double *theta, double *eps)
{
    size_t p = d->p, n = d->n, i, j, l;
    double *R = calloc(p * p, sizeof *R), *V = malloc(p * p * sizeof *V);
    double *lam = malloc(p * sizeof *lam), *wk = malloc(2 * p * p * sizeof *wk);
    double *Lam = malloc(p * p * sizeof *Lam), *b = malloc(p * sizeof *b);
    double W = 0, my = 0, mmu = 0, me = 0, syy = 0, smm = 0, sym = 0, see = 0;
    int rc = LOY_OK;
    if (!R || !V || !lam || !wk || !Lam || !b) {
        rc = LOY_ENOMEM;
        goto done;
    }
    for (i = 0; i < n; i++)
        W += d->w[i];
    for (j = 0; j < p; j++) /* correlations of the standardized drivers */
        for (l = 0; l <= j; l++) {
            double s = 0.0;
            for (i = 0; i < n; i++)
                s += d->w[i] * d->X[j * n + i] * d->X[l * n + i];
            R[j * p + l] = R[l * p + j] = j == l ? 1.0 : s / (W - 1.0);
        }
    (void)loy__sym_eigen(R, p, lam, V, wk);
    if (!(lam[p - 1] > LOY__DRV_TOL * lam[0])) {
        rc = LOY_EDEGENERATE;
        goto done;
    }
    for (i = 0; i < p; i++)
        for (j = 0; j < p; j++) {
            double s = 0.0;
            for (l = 0; l < p; l++)
                s += V[i * p + l] * sqrt(lam[l]) * V[j * p + l];
            Lam[i * p + j] = s;
        }
    for (i = 0; i < p; i++) {
        double s = 0.0;
        for (j = 0; j < p; j++)
            s += Lam[i * p + j] * theta[1 + j];
        b[i] = s;
    }
    /* R²_O and sd(eta) from the fitted values */
    for (i = 0; i < n; i++) {
        double eta = d->eta[i], mu = 1.0 / (1.0 + exp(-eta));
        my += d->w[i] * d->y[i];
        mmu += d->w[i] * mu;
        me += d->w[i] * eta;
    }
    my /= W, mmu /= W, me /= W;
    for (i = 0; i < n; i++) {
        double eta = d->eta[i], mu = 1.0 / (1.0 + exp(-eta));
        syy += d->w[i] * (d->y[i] - my) * (d->y[i] - my);
        smm += d->w[i] * (mu - mmu) * (mu - mmu);
        sym += d->w[i] * (d->y[i] - my) * (mu - mmu);
        see += d->w[i] * (eta - me) * (eta - me);
    }
    {
        double r2o = sym * sym / (syy * smm), sde = sqrt(see / (W - 1.0));
        for (j = 0; j < p; j++) {
            double s = 0.0;
            for (l = 0; l < p; l++) {
                double beta = b[l] * sqrt(r2o) / sde;
                s += Lam[j * p + l] * Lam[j * p + l] * beta * beta;
            }
            eps[j] = s;
        }
    }
done:
    free(R), free(V), free(lam), free(wk), free(Lam), free(b);
    return rc;
}
