/* SPDX-License-Identifier: MIT */
/*
 * drv_problem.c - from a spec and a covariance matrix to the correlation
 * matrix every linear metric is computed from.
 *
 * Covariates kept in every model ("always") are partialled out with the
 * Schur complement C_O.A = C_OO - C_OA inv(C_AA) C_AO over O = [y,
 * drivers]; the metrics then come from the correlation matrix of C_O.A
 * and are multiplied by f = c_yy.A / c_yy = 1 - R²(A), so that they are
 * shares of the outcome's total variance (relaimpo's `always`).
 *
 * Every failure names the column to blame: a constant column, a column
 * explained by the covariates, a driver that is a linear combination of
 * others (found by a Cholesky factorisation in player order, then by the
 * diagonal of the inverse, which bounds the residual variance of every
 * driver given any subset of the others).
 */
#include "drivers/drivers_internal.h"

#include "numeric/linalg.h"

#include <stdlib.h>

void
loy__drv_cols_free(loy__drv_cols *c)
{
    free(c->cols);
    free(c->order);
    free(c->off);
    memset(c, 0, sizeof *c);
}

/* Spec checks that need no allocation. */
static int
spec_check(const loy_drivers_spec *spec, size_t k, size_t *g_out)
{
    size_t p, j, l, g = 0;
    LOY__REQUIRE(LOY__STRUCT_OK(spec, sizeof(loy_drivers_spec)), LOY_EINVAL);
    p = spec->n_drivers;
    LOY__REQUIRE(p >= 1u && spec->drivers != NULL, LOY_EINVAL);
    LOY__REQUIRE(spec->n_always == 0u || spec->always != NULL, LOY_EINVAL);
    LOY__REQUIRE(spec->outcome < k && p < k && spec->n_always < k - p,
                 LOY_EINVAL);
    for (j = 0; j < p; j++) {
        LOY__REQUIRE(spec->drivers[j] < k && spec->drivers[j] != spec->outcome,
                     LOY_EINVAL);
        for (l = 0; l < j; l++)
            LOY__REQUIRE(spec->drivers[l] != spec->drivers[j], LOY_EINVAL);
    }
    for (j = 0; j < spec->n_always; j++) {
        size_t c = spec->always[j];
        LOY__REQUIRE(c < k && c != spec->outcome, LOY_EINVAL);
        for (l = 0; l < p; l++)
            LOY__REQUIRE(spec->drivers[l] != c, LOY_EINVAL);
        for (l = 0; l < j; l++)
            LOY__REQUIRE(spec->always[l] != c, LOY_EINVAL);
    }
    if (spec->groups == NULL) {
        *g_out = p;
        return LOY_OK;
    }
    for (j = 0; j < p; j++) {
        LOY__REQUIRE(spec->groups[j] < p, LOY_EINVAL);
        g = spec->groups[j] + 1u > g ? spec->groups[j] + 1u : g;
    }
    for (l = 0; l < g; l++) { /* every id used */
        int used = 0;
        for (j = 0; j < p; j++)
            used |= spec->groups[j] == l;
        LOY__REQUIRE(used, LOY_EINVAL);
    }
    *g_out = g;
    return LOY_OK;
}

int
loy__drv_cols_new(loy__drv_cols *c, const loy_drivers_spec *spec, size_t k,
                  size_t *err_index)
{
    size_t p, g, a, j, pos = 0, player;
    loy__set_index(err_index, LOY_NO_INDEX);
    memset(c, 0, sizeof *c);
    LOY__TRY(spec_check(spec, k, &g));
    p = spec->n_drivers;
    a = spec->n_always;
    c->p = p;
    c->g = g;
    c->a = a;
    c->cols = malloc((1u + p + a) * sizeof *c->cols);
    c->order = malloc(p * sizeof *c->order);
    c->off = malloc((g + 1u) * sizeof *c->off);
    if (c->cols == NULL || c->order == NULL || c->off == NULL) {
        loy__drv_cols_free(c);
        return LOY_ENOMEM;
    }
    /* drivers by player, in spec order within a player */
    for (player = 0; player < g; player++) {
        c->off[player] = pos;
        for (j = 0; j < p; j++)
            if ((spec->groups == NULL ? j : spec->groups[j]) == player)
                c->order[pos++] = j;
    }
    c->off[g] = p;
    c->cols[0] = spec->outcome;
    for (j = 0; j < p; j++)
        c->cols[1 + j] = spec->drivers[c->order[j]];
    for (j = 0; j < a; j++)
        c->cols[1 + p + j] = spec->always[j];
    return LOY_OK;
}

void
loy__drv_prob_free(loy__drv_prob *pr)
{
    free(pr->R);
    free(pr->sd);
    free(pr->sd0);
    memset(pr, 0, sizeof *pr);
}

/* A column whose variance is below rounding level of its mean. */
static int
is_constant(double var, double mean)
{
    double s = 1e-13 * fabs(mean);
    return !(var > s * s) || !(var > 0.0);
}

/* Pairwise tallies: the full correlation matrix must be positive
 * definite (never repaired). */
static int
check_definite(const double *S, size_t m, const size_t *cols,
               size_t *err_index)
{
    double *R = malloc(m * m * sizeof *R);
    size_t i, j, fail = 0;
    int rc;
    LOY__REQUIRE(R != NULL, LOY_ENOMEM);
    for (i = 0; i < m; i++)
        for (j = 0; j < m; j++)
            R[i * m + j] = S[i * m + j]
                           / (sqrt(S[i * m + i]) * sqrt(S[j * m + j]));
    rc = loy__chol(R, m, LOY__DRV_TOL, &fail);
    free(R);
    if (rc != LOY_OK) {
        loy__set_index(err_index, cols[fail]);
        return LOY_EINCONSISTENT;
    }
    return LOY_OK;
}

/*
 * S_OO.A into P (q x q) for O = the first q columns, A = the rest (a).
 * Covariates that are collinear among themselves are named.
 */
static int
partial_out(double *P, const double *S, size_t m, size_t q, const size_t *cols,
            size_t *err_index)
{
    size_t a = m - q, i, j, l, fail = 0;
    double *L, *Z;
    for (i = 0; i < q; i++)
        for (j = 0; j < q; j++)
            P[i * q + j] = S[i * m + j];
    if (a == 0u)
        return LOY_OK;
    L = malloc(a * a * sizeof *L);
    Z = malloc(a * q * sizeof *Z);
    if (L == NULL || Z == NULL) {
        free(L);
        free(Z);
        return LOY_ENOMEM;
    }
    for (i = 0; i < a; i++)
        for (j = 0; j < a; j++)
            L[i * a + j] = S[(q + i) * m + q + j];
    if (loy__chol(L, a, LOY__DRV_TOL, &fail) != LOY_OK) {
        free(L);
        free(Z);
        loy__set_index(err_index, cols[q + fail]);
        return LOY_EDEGENERATE;
    }
    /* Z = inv(L) S_AO, column by column; then P -= Z'Z */
    for (j = 0; j < q; j++) {
        double col[LOY_MOMENTS_MAX_COLUMNS];
        for (i = 0; i < a; i++)
            col[i] = S[(q + i) * m + j];
        loy__chol_forward(L, a, col);
        for (i = 0; i < a; i++)
            Z[i * q + j] = col[i];
    }
    for (i = 0; i < q; i++)
        for (j = 0; j < q; j++) {
            double s = 0.0;
            for (l = 0; l < a; l++)
                s += Z[l * q + i] * Z[l * q + j];
            P[i * q + j] -= s;
        }
    free(L);
    free(Z);
    return LOY_OK;
}

/* Collinear drivers: Cholesky in player order, then the diagonal of the
 * inverse (residual variance of each driver given all the others). */
static int
check_collinear(const loy__drv_prob *pr, const size_t *cols,
                size_t *err_index)
{
    size_t p = pr->p, q = pr->q, i, j, fail = 0, worst = 0;
    double *L = malloc(p * p * sizeof *L), *Inv = malloc(p * p * sizeof *Inv);
    double best = DBL_MAX;
    int rc = LOY_OK;
    if (L == NULL || Inv == NULL) {
        free(L);
        free(Inv);
        return LOY_ENOMEM;
    }
    for (i = 0; i < p; i++)
        for (j = 0; j < p; j++)
            L[i * p + j] = pr->R[(1 + i) * q + 1 + j];
    if (loy__chol(L, p, LOY__DRV_TOL, &fail) != LOY_OK) {
        loy__set_index(err_index, cols[1 + fail]);
        rc = LOY_EDEGENERATE;
    } else {
        loy__chol_inverse(L, p, Inv);
        for (i = 0; i < p; i++) {
            double res = 1.0 / Inv[i * p + i];
            if (res < best) {
                best = res;
                worst = i;
            }
        }
        if (!(best > LOY__DRV_TOL)) {
            loy__set_index(err_index, cols[1 + worst]);
            rc = LOY_EDEGENERATE;
        }
    }
    free(L);
    free(Inv);
    return rc;
}

static int
prob_alloc(loy__drv_prob *pr, const loy__drv_cols *c)
{
    memset(pr, 0, sizeof *pr);
    pr->p = c->p;
    pr->g = c->g;
    pr->a = c->a;
    pr->q = 1u + c->p;
    pr->order = c->order;
    pr->off = c->off;
    pr->R = malloc(pr->q * pr->q * sizeof *pr->R);
    pr->sd = malloc(pr->q * sizeof *pr->sd);
    pr->sd0 = malloc(pr->q * sizeof *pr->sd0);
    if (pr->R == NULL || pr->sd == NULL || pr->sd0 == NULL) {
        loy__drv_prob_free(pr);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

static int
prob_fill(loy__drv_prob *pr, const loy__drv_cols *c, const double *S,
          const double *means, size_t *err_index)
{
    size_t m = 1u + c->p + c->a, q = pr->q, i, j;
    for (i = 0; i < m; i++)
        if (is_constant(S[i * m + i], means[i])) {
            loy__set_index(err_index, c->cols[i]);
            return LOY_EDEGENERATE;
        }
    if (pr->pairwise)
        LOY__TRY(check_definite(S, m, c->cols, err_index));
    LOY__TRY(partial_out(pr->R, S, m, q, c->cols, err_index));
    for (i = 0; i < q; i++) {
        double v0 = S[i * m + i], v = pr->R[i * q + i];
        if (!(v > LOY__DRV_TOL * v0)) { /* explained by the covariates */
            loy__set_index(err_index, c->cols[i]);
            return LOY_EDEGENERATE;
        }
        pr->sd[i] = sqrt(v);
        pr->sd0[i] = sqrt(v0);
    }
    pr->f = pr->R[0] / S[0];
    pr->r2_always = c->a > 0u ? 1.0 - pr->f : 0.0;
    for (i = 0; i < q; i++)
        for (j = 0; j < q; j++)
            pr->R[i * q + j] = (i == j) ? 1.0
                                        : pr->R[i * q + j]
                                              / (pr->sd[i] * pr->sd[j]);
    return check_collinear(pr, c->cols, err_index);
}

int
loy__drv_prob_init(loy__drv_prob *pr, const loy__drv_cols *c, const double *S,
                   const double *means, uint64_t n, double W, int pairwise,
                   size_t *err_index)
{
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(n > 0u && W > 0.0, LOY_EEMPTY);
    LOY__REQUIRE(n > (uint64_t)(c->p + c->a + 1u), LOY_EDEGENERATE);
    LOY__TRY(prob_alloc(pr, c));
    pr->n = n;
    pr->W = W;
    pr->pairwise = pairwise;
    rc = prob_fill(pr, c, S, means, err_index);
    if (rc != LOY_OK)
        loy__drv_prob_free(pr);
    return rc;
}
