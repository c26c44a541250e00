/* SPDX-License-Identifier: MIT */
/*
 * drv_polr.c - proportional-odds (cumulative logit) regression by
 * Newton's method on (zeta, beta), MASS::polr's parameterisation:
 *
 *   logit P(Y <= k | x) = zeta_k - x'beta,  k = 1..K-1
 *   P(Y = k) = F(zeta_k - eta) - F(zeta_{k-1} - eta),  F = expit
 *
 * For a row in category k with a = zeta_k - eta, b = zeta_{k-1} - eta,
 * P = F(a) - F(b), f = F(1 - F), f' = f(1 - 2F):
 *   d lnP / d zeta_k = f(a)/P,  d lnP / d zeta_{k-1} = -f(b)/P,
 *   d lnP / d beta = -x (f(a) - f(b))/P
 * and the second derivatives follow by the quotient rule (the negative
 * Hessian J is positive definite: the likelihood is log-concave). P is
 * computed from the upper tails when both limits are positive, so middle
 * categories far in a tail do not cancel. A step that lowers l or
 * unorders the thresholds is halved.
 */
#include "drivers/drivers_internal.h"

#include "numeric/linalg.h"
#include "numeric/vecdot.h"

#include <stdlib.h>

#define MAX_STEPS 50
#define MAX_HALVINGS 40

typedef struct cdf {
    double F, Fc, f, fd;
} cdf;

static cdf
cdf_at(double x, int inf)
{
    cdf c;
    double e;
    if (inf != 0) {
        c.F = inf > 0 ? 1.0 : 0.0;
        c.Fc = 1.0 - c.F;
        c.f = c.fd = 0.0;
        return c;
    }
    e = exp(-fabs(x));
    c.F = x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    c.Fc = x >= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
    c.f = c.F * c.Fc;
    c.fd = c.f * (c.Fc - c.F);
    return c;
}

typedef struct polr_ws {
    double *g, *J, *L, *delta, *prev, *best, *dots, *s, *r, *zb;
    const double **ptr;
} polr_ws;

static void
ws_free(polr_ws *w)
{
    free(w->g), free(w->J), free(w->L), free(w->delta), free(w->prev);
    free(w->best), free(w->dots), free(w->s), free(w->r), free(w->zb);
    free((void *)w->ptr);
}

static int
ws_new(polr_ws *w, const loy__glm *d, const size_t *cols, size_t m)
{
    size_t np = d->K - 1u + m, c, n = d->n;
    memset(w, 0, sizeof *w);
    w->g = malloc(np * sizeof(double));
    w->J = malloc(np * np * sizeof(double));
    w->L = malloc(np * np * sizeof(double));
    w->delta = malloc(np * sizeof(double));
    w->prev = malloc(np * sizeof(double));
    w->best = malloc(np * sizeof(double));
    w->dots = malloc((m + 1u) * sizeof(double));
    w->s = malloc(n * sizeof(double));
    w->r = malloc(n * sizeof(double));
    w->zb = malloc(((d->K - 1u) * (m + 1u) + 1u) * sizeof(double));
    w->ptr = malloc((m + 1u) * sizeof *w->ptr);
    if (!w->g || !w->J || !w->L || !w->delta || !w->prev || !w->best
        || !w->dots || !w->s || !w->r || !w->zb || !w->ptr) {
        ws_free(w);
        return LOY_ENOMEM;
    }
    for (c = 0; c < m; c++)
        w->ptr[c] = d->X + cols[c] * n;
    return LOY_OK;
}

/* Thresholds strictly increasing. */
static int
ordered(const double *z, size_t k1)
{
    size_t j;
    for (j = 1; j < k1; j++)
        if (!(z[j] > z[j - 1]))
            return 0;
    return 1;
}

/*
 * One pass at theta: l, gradient g and information J (np x np). Returns
 * 0 when some P underflows (the caller halves the step).
 */
static int
pass(loy__glm *d, polr_ws *w, size_t m, const double *theta, double *ll)
{
    size_t n = d->n, k1 = d->K - 1u, np = k1 + m, i, c, a, b;
    const double *zeta = theta, *beta = theta + k1;
    double l = 0.0;
    for (i = 0; i < n; i++)
        d->eta[i] = 0.0;
    for (c = 0; c < m; c++)
        for (i = 0; i < n; i++)
            d->eta[i] += beta[c] * w->ptr[c][i];
    memset(w->g, 0, np * sizeof *w->g);
    memset(w->J, 0, np * np * sizeof *w->J);
    memset(w->zb, 0, k1 * (m + 1u) * sizeof *w->zb);
    for (i = 0; i < n; i++) {
        size_t k = (size_t)d->y[i];
        double wi = d->w[i], eta = d->eta[i], P, A, Bf, Ad, Bd, ta, tb;
        cdf ca = cdf_at(k < k1 ? zeta[k] - eta : 0.0, k < k1 ? 0 : 1);
        cdf cb = cdf_at(k > 0 ? zeta[k - 1] - eta : 0.0, k > 0 ? 0 : -1);
        P = (k > 0 && zeta[k - 1] - eta >= 0.0) ? cb.Fc - ca.Fc : ca.F - cb.F;
        if (!(P > 1e-300))
            return 0;
        A = ca.f, Bf = cb.f, Ad = ca.fd, Bd = cb.fd;
        l += wi * log(P);
        w->r[i] = -wi * (A - Bf) / P;
        w->s[i] = -wi * ((Ad - Bd) / P - (A - Bf) * (A - Bf) / (P * P));
        ta = wi * (Ad / P - A * (A - Bf) / (P * P));
        tb = wi * (-Bd / P + Bf * (A - Bf) / (P * P));
        if (k < k1) {
            w->g[k] += wi * A / P;
            w->J[k * np + k] -= wi * (Ad / P - A * A / (P * P));
            for (c = 0; c < m; c++)
                w->zb[k * (m + 1u) + c] += ta * w->ptr[c][i];
        }
        if (k > 0) {
            w->g[k - 1] -= wi * Bf / P;
            w->J[(k - 1) * np + k - 1] -= wi * (-Bd / P - Bf * Bf / (P * P));
            for (c = 0; c < m; c++)
                w->zb[(k - 1) * (m + 1u) + c] += tb * w->ptr[c][i];
        }
        if (k > 0 && k < k1) {
            double h = -wi * A * Bf / (P * P);
            w->J[k * np + k - 1] += h;
            w->J[(k - 1) * np + k] += h;
        }
    }
    loy__dots(w->g + k1, w->r, w->ptr, m, n);
    for (a = 0; a < k1; a++)
        for (c = 0; c < m; c++)
            w->J[a * np + k1 + c] = w->J[(k1 + c) * np + a]
                = w->zb[a * (m + 1u) + c];
    for (a = 0; a < m; a++) {
        for (i = 0; i < n; i++)
            d->tmp[i] = w->s[i] * w->ptr[a][i];
        loy__dots(w->dots, d->tmp, w->ptr, a + 1u, n);
        for (b = 0; b <= a; b++)
            w->J[(k1 + a) * np + k1 + b] = w->J[(k1 + b) * np + k1 + a]
                = w->dots[b];
    }
    *ll = l;
    return 1;
}

static int
iterate(loy__glm *d, polr_ws *w, size_t m, double *theta, double *ll,
        uint32_t *iter)
{
    size_t k1 = d->K - 1u, np = k1 + m, i;
    double l = 0.0, lprev = -DBL_MAX, lbest = -DBL_MAX;
    int halvings = 0, steps = 0, rc = LOY_ENOCONV, have_best = 0;
    memcpy(w->prev, theta, np * sizeof *theta);
    while (steps < MAX_STEPS) {
        int ok = pass(d, w, m, theta, &l);
        if ((!ok || l < lprev - 1e-12 * fabs(lprev))
            && halvings < MAX_HALVINGS && steps > 0) {
            for (i = 0; i < np; i++)
                theta[i] = 0.5 * (theta[i] + w->prev[i]);
            halvings++;
            continue;
        }
        if (!ok)
            break;
        if (l > lbest) {
            lbest = l;
            have_best = 1;
            memcpy(w->best, theta, np * sizeof *theta);
        }
        memcpy(w->L, w->J, np * np * sizeof *w->L);
        memcpy(w->delta, w->g, np * sizeof *w->g);
        if (loy__chol(w->L, np, 0.0, NULL) != LOY_OK)
            break;
        loy__chol_solve(w->L, np, w->delta);
        {
            double maxstep = 0.0, f = 1.0;
            int h;
            for (i = 0; i < np; i++)
                maxstep = fabs(w->delta[i]) > maxstep ? fabs(w->delta[i])
                                                      : maxstep;
            memcpy(w->prev, theta, np * sizeof *theta);
            for (h = 0; h < MAX_HALVINGS; h++, f *= 0.5) {
                for (i = 0; i < np; i++)
                    theta[i] = w->prev[i] + f * w->delta[i];
                if (ordered(theta, k1))
                    break;
            }
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
    if (rc != LOY_OK && have_best) {
        memcpy(theta, w->best, np * sizeof *theta);
        l = lbest;
    }
    *ll = l;
    return rc;
}

int
loy__glm_fit_polr(loy__glm *d, const size_t *cols, size_t m, double *theta,
                  double *ll, uint32_t *iter, double *cov,
                  const loy__glm_warm *warm)
{
    polr_ws w;
    size_t np = d->K - 1u + m;
    int rc;
    (void)warm;
    d->last_ok = 0;
    LOY__TRY(ws_new(&w, d, cols, m));
    rc = iterate(d, &w, m, theta, ll, iter);
    if (cov != NULL) {
        if (pass(d, &w, m, theta, ll)) {
            memcpy(w.L, w.J, np * np * sizeof *w.L);
            if (loy__chol(w.L, np, 0.0, NULL) == LOY_OK)
                loy__chol_inverse(w.L, np, cov);
            else
                rc = LOY_ENOCONV;
        } else {
            rc = LOY_ENOCONV;
        }
    }
    ws_free(&w);
    return rc;
}
