/* SPDX-License-Identifier: MIT */
/*
 * drv_full.c - metrics of the full linear model from the prepared
 * correlation matrix: coefficients with t tests, R², adjusted R², the F
 * test, first and last per player, betasq, pratt, Johnson's relative
 * weights (Genizi) and CAR scores per driver.
 *
 * With covariates, b* are the coefficients on the partial-correlation
 * scale and every importance is multiplied by f = 1 - R²(A):
 *   betasq_j = f b*_j^2,  pratt_j = f b*_j r_jy,
 *   RW_j = f sum_k Lam_jk^2 (inv(Lam) r)_k^2,  CAR_j = f (inv(Lam) r)_j^2
 * with Lam = R_xx^(1/2) (symmetric square root), as relaimpo's genizi and
 * car; first and last are R² of the player alone and the R² lost when it
 * leaves the full model, on the same scale.
 */
#include "drivers/drivers_internal.h"

#include "numeric/linalg.h"

#include <stdlib.h>

typedef struct full_ws {
    double *L, *Inv, *bstar, *lam, *V, *work, *Lam, *bb, *tmp;
} full_ws;

static void
ws_free(full_ws *w)
{
    free(w->L);
    free(w->Inv);
    free(w->bstar);
    free(w->lam);
    free(w->V);
    free(w->work);
    free(w->Lam);
    free(w->bb);
    free(w->tmp);
}

static int
ws_alloc(full_ws *w, size_t p)
{
    w->L = malloc(p * p * sizeof *w->L);
    w->Inv = malloc(p * p * sizeof *w->Inv);
    w->bstar = malloc(p * sizeof *w->bstar);
    w->lam = malloc(p * sizeof *w->lam);
    w->V = malloc(p * p * sizeof *w->V);
    w->work = malloc(2u * p * p * sizeof *w->work);
    w->Lam = malloc(p * p * sizeof *w->Lam);
    w->bb = malloc(p * sizeof *w->bb);
    w->tmp = malloc((p * p + p) * sizeof *w->tmp);
    if (!w->L || !w->Inv || !w->bstar || !w->lam || !w->V || !w->work
        || !w->Lam || !w->bb || !w->tmp) {
        ws_free(w);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

/* R² (partial scale) of the drivers at positions [lo, hi) alone. */
static double
r2_block(const loy__drv_prob *pr, size_t lo, size_t hi, double *tmp)
{
    size_t q = pr->q, k = hi - lo, i, j;
    double *A = tmp, *b = tmp + k * k, r2 = 0.0;
    for (i = 0; i < k; i++) {
        for (j = 0; j < k; j++)
            A[i * k + j] = pr->R[(1 + lo + i) * q + 1 + lo + j];
        b[i] = pr->R[(1 + lo + i) * q];
    }
    if (loy__chol(A, k, 0.0, NULL) != LOY_OK)
        return 0.0; /* cannot happen after the collinearity check */
    loy__chol_forward(A, k, b);
    for (i = 0; i < k; i++)
        r2 += b[i] * b[i];
    return r2;
}

/* R² lost when the drivers [lo, hi) leave: b*_G' inv(Inv_GG) b*_G. */
static double
drop_block(const full_ws *w, size_t p, size_t lo, size_t hi, double *tmp)
{
    size_t k = hi - lo, i, j;
    double *A = tmp, *b = tmp + k * k, s = 0.0;
    for (i = 0; i < k; i++) {
        for (j = 0; j < k; j++)
            A[i * k + j] = w->Inv[(lo + i) * p + lo + j];
        b[i] = w->bstar[lo + i];
    }
    if (loy__chol(A, k, 0.0, NULL) != LOY_OK)
        return 0.0;
    loy__chol_forward(A, k, b);
    for (i = 0; i < k; i++)
        s += b[i] * b[i];
    return s;
}

/* Relative weights and CAR scores (partial scale, times f). */
static int
relweights(const loy__drv_prob *pr, full_ws *w, loy__drv_vals *v)
{
    size_t p = pr->p, q = pr->q, i, j, l;
    for (i = 0; i < p; i++)
        for (j = 0; j < p; j++)
            w->tmp[i * p + j] = pr->R[(1 + i) * q + 1 + j];
    (void)loy__sym_eigen(w->tmp, p, w->lam, w->V, w->work);
    if (!(w->lam[p - 1u] > LOY__DRV_TOL * w->lam[0]))
        return LOY_EDEGENERATE;
    /* Lam = V diag(sqrt lam) V';  bb = V diag(1/sqrt lam) V' r */
    for (i = 0; i < p; i++)
        for (j = 0; j < p; j++) {
            double s = 0.0;
            for (l = 0; l < p; l++)
                s += w->V[i * p + l] * sqrt(w->lam[l]) * w->V[j * p + l];
            w->Lam[i * p + j] = s;
        }
    for (l = 0; l < p; l++) { /* tmp = diag(1/sqrt lam) V' r */
        double s = 0.0;
        for (j = 0; j < p; j++)
            s += w->V[j * p + l] * pr->R[(1 + j) * q];
        w->tmp[l] = s / sqrt(w->lam[l]);
    }
    for (i = 0; i < p; i++) {
        double s = 0.0;
        for (l = 0; l < p; l++)
            s += w->V[i * p + l] * w->tmp[l];
        w->bb[i] = s;
    }
    for (i = 0; i < p; i++) {
        double rw = 0.0;
        for (l = 0; l < p; l++)
            rw += w->Lam[i * p + l] * w->Lam[i * p + l] * w->bb[l] * w->bb[l];
        v->rw[pr->order[i]] = pr->f * rw;
        v->car[pr->order[i]] = pr->f * w->bb[i] * w->bb[i];
    }
    return LOY_OK;
}

/* Intercept: mean(y) - b'mean(x) - bA'mean(A), bA from the original
 * covariance: bA = inv(S_AA) (S_Ay - S_Ax b). */
static double
intercept(const loy__drv_prob *pr, const double *means, const double *S,
          size_t m, const double *braw)
{
    size_t p = pr->p, a = pr->a, i, j;
    double b0 = means[0], *L, *r;
    for (j = 0; j < p; j++)
        b0 -= braw[j] * means[1 + j];
    if (a == 0u)
        return b0;
    L = malloc(a * a * sizeof *L);
    r = malloc(a * sizeof *r);
    if (L == NULL || r == NULL) {
        free(L);
        free(r);
        return b0;
    }
    for (i = 0; i < a; i++) {
        double s = S[(1 + p + i) * m];
        for (j = 0; j < p; j++)
            s -= S[(1 + p + i) * m + 1 + j] * braw[j];
        r[i] = s;
        for (j = 0; j < a; j++)
            L[i * a + j] = S[(1 + p + i) * m + 1 + p + j];
    }
    if (loy__chol(L, a, 0.0, NULL) == LOY_OK) {
        loy__chol_solve(L, a, r);
        for (i = 0; i < a; i++)
            b0 -= r[i] * means[1 + p + i];
    }
    free(L);
    free(r);
    return b0;
}

static void
coefficients(const loy__drv_prob *pr, const full_ws *w, loy__drv_vals *v,
             double *braw)
{
    size_t p = pr->p, q = pr->q, j;
    double resid = pr->sd0[0] * pr->sd0[0] * (1.0 - v->r2) / v->df;
    for (j = 0; j < p; j++) {
        size_t o = pr->order[j];
        double b = w->bstar[j] * pr->sd[0] / pr->sd[1 + j];
        double se = sqrt(resid * w->Inv[j * p + j]) / pr->sd[1 + j];
        braw[j] = b;
        v->beta[o] = b;
        v->se[o] = se;
        v->t[o] = b / se;
        v->pval[o] = loy__t_two_sided(b / se, v->df);
        v->beta_std[o] = b * pr->sd0[1 + j] / pr->sd0[0];
        v->betasq[o] = pr->f * w->bstar[j] * w->bstar[j];
        v->pratt[o] = pr->f * w->bstar[j] * pr->R[(1 + j) * q];
    }
}

static int
full_fill(const loy__drv_prob *pr, const double *means, const double *S,
          size_t m, loy__drv_vals *v, full_ws *w)
{
    size_t p = pr->p, q = pr->q, i, j, c, nreg = pr->p + pr->a;
    double r2p = 0.0;
    for (i = 0; i < p; i++) {
        for (j = 0; j < p; j++)
            w->L[i * p + j] = pr->R[(1 + i) * q + 1 + j];
        w->bstar[i] = pr->R[(1 + i) * q];
    }
    LOY__REQUIRE(loy__chol(w->L, p, 0.0, NULL) == LOY_OK, LOY_EDEGENERATE);
    loy__chol_solve(w->L, p, w->bstar);
    loy__chol_inverse(w->L, p, w->Inv);
    for (i = 0; i < p; i++)
        r2p += w->bstar[i] * pr->R[(1 + i) * q];
    /* an exact fit leaves no residual variance: t tests undefined */
    LOY__REQUIRE(1.0 - r2p > LOY__DRV_TOL, LOY_EDEGENERATE);
    v->r2p = r2p < 0.0 ? 0.0 : r2p;
    v->r2 = pr->r2_always + pr->f * v->r2p;
    v->df = (double)pr->n - (double)nreg - 1.0;
    v->r2_adj = 1.0 - (1.0 - v->r2) * ((double)pr->n - 1.0) / v->df;
    v->f_stat = (v->r2 / (double)nreg) / ((1.0 - v->r2) / v->df);
    v->f_p = loy__f_upper(v->f_stat, (double)nreg, v->df);
    coefficients(pr, w, v, w->tmp);
    v->intercept = intercept(pr, means, S, m, w->tmp);
    for (c = 0; c < pr->g; c++) {
        size_t lo = pr->off[c], hi = pr->off[c + 1u];
        v->first[c] = pr->f * r2_block(pr, lo, hi, w->work);
        v->last[c] = pr->f * drop_block(w, p, lo, hi, w->work);
    }
    return relweights(pr, w, v);
}

int
loy__drv_full(const loy__drv_prob *pr, const double *means, const double *S,
              size_t m, loy__drv_vals *v)
{
    full_ws w;
    int rc;
    LOY__TRY(ws_alloc(&w, pr->p));
    rc = full_fill(pr, means, S, m, v, &w);
    ws_free(&w);
    return rc;
}
