/* SPDX-License-Identifier: MIT */
/*
 * drv_prca.c - penalty-reward contrast analysis (Brandt 1987; Matzler and
 * Sauerwein 2002): does an attribute act asymmetrically, as the Kano model
 * says basic and excitement factors do?
 *
 * Each rating becomes two indicators, L = 1{x <= low_max} and H = 1{x >=
 * high_min} (middle ratings are the reference), tallied with y in a moment
 * tally of 2p + 1 columns [y, L_1..L_p, H_1..H_p], so PRCA merges across
 * shards like every linear analysis. Then OLS
 *   y = b0 + sum_j (bL_j L_j + bH_j H_j)
 * penalty_j = -bL_j, reward_j = bH_j, D_j = penalty_j - reward_j,
 * Var(D_j) = Var(bL_j) + Var(bH_j) + 2 Cov(bL_j, bH_j), t tests with
 * n - 2p - 1 degrees of freedom. Classes at level alpha: basic (D > 0
 * significantly: failures punished more than excellence is rewarded),
 * excitement (D < 0 significantly), performance (otherwise, with the
 * penalty or the reward significant), low impact (neither).
 */
#include "drivers/drivers_internal.h"
#include "drivers/moments_internal.h"

#include "numeric/linalg.h"

#include <stdlib.h>

/* Tally error index i*(k+1) + j (j = k: the weight) -> PRCA's
 * i*(p+2) + attribute, + p for y, + p + 1 for the weight. */
static size_t
prca_index(size_t e, size_t p)
{
    size_t k = 2u * p + 1u, i, j;
    if (e == LOY_NO_INDEX)
        return e;
    i = e / (k + 1u);
    j = e % (k + 1u);
    if (j == k)
        return i * (p + 2u) + p + 1u;
    if (j == 0u)
        return i * (p + 2u) + p;
    return i * (p + 2u) + (j - 1u) % p;
}

int
loy_drivers_prca_add(loy_moments *t, const double *y, const double *x,
                     size_t n, size_t p, size_t row_stride, size_t col_stride,
                     const double *w, const uint64_t *ids, double low_max,
                     double high_min, size_t *err_index)
{
    loy__msrc s;
    loy__prca_src ps;
    size_t err = LOY_NO_INDEX;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL && p >= 1u, LOY_EINVAL);
    LOY__REQUIRE(t->k == 2u * p + 1u, LOY_EINVAL);
    LOY__REQUIRE(n == 0u || (y != NULL && x != NULL), LOY_EINVAL);
    LOY__REQUIRE(loy__finite(low_max) && loy__finite(high_min)
                     && low_max < high_min, LOY_EDOMAIN);
    memset(&s, 0, sizeof s);
    s.kind = LOY__SRC_PRCA;
    ps.y = y;
    ps.x = x;
    ps.p = p;
    ps.rs = row_stride;
    ps.cs = col_stride;
    ps.low_max = low_max;
    ps.high_min = high_min;
    rc = loy__mom_add(t, &s, &ps, n, w, ids, &err);
    if (rc != LOY_OK)
        loy__set_index(err_index, prca_index(err, p));
    return rc;
}

typedef struct prca_fit {
    double *b, *cov; /* 2p raw coefficients, their covariance (2p x 2p) */
    double df, r2, r2_adj, f_stat, f_p;
    uint64_t n;
    double W;
} prca_fit;

/* OLS of y on the 2p indicators from the prepared problem. */
static int
prca_ols(const loy__drv_prob *pr, prca_fit *f)
{
    size_t m = pr->p, q = pr->q, i, j;
    double *L = malloc(m * m * sizeof *L), *Inv = malloc(m * m * sizeof *Inv);
    double *bs = malloc(m * sizeof *bs), r2 = 0.0, resid;
    if (L == NULL || Inv == NULL || bs == NULL) {
        free(L), free(Inv), free(bs);
        return LOY_ENOMEM;
    }
    for (i = 0; i < m; i++) {
        for (j = 0; j < m; j++)
            L[i * m + j] = pr->R[(1 + i) * q + 1 + j];
        bs[i] = pr->R[(1 + i) * q];
    }
    (void)loy__chol(L, m, 0.0, NULL); /* checked by the problem set-up */
    loy__chol_solve(L, m, bs);
    loy__chol_inverse(L, m, Inv);
    for (i = 0; i < m; i++)
        r2 += bs[i] * pr->R[(1 + i) * q];
    f->r2 = r2;
    f->n = pr->n;
    f->df = (double)pr->n - (double)m - 1.0;
    f->r2_adj = 1.0 - (1.0 - r2) * ((double)pr->n - 1.0) / f->df;
    f->f_stat = (r2 / (double)m) / ((1.0 - r2) / f->df);
    f->f_p = loy__f_upper(f->f_stat, (double)m, f->df);
    resid = pr->sd0[0] * pr->sd0[0] * (1.0 - r2) / f->df;
    for (i = 0; i < m; i++) {
        f->b[i] = bs[i] * pr->sd[0] / pr->sd[1 + i];
        for (j = 0; j < m; j++)
            f->cov[i * m + j] = resid * Inv[i * m + j]
                                / (pr->sd[1 + i] * pr->sd[1 + j]);
    }
    free(L), free(Inv), free(bs);
    return LOY_OK;
}

static int32_t
kano_class(double D, double pD, double pPen, double pRew, double alpha)
{
    if (pD < alpha && D > 0.0)
        return LOY_KANO_BASIC;
    if (pD < alpha && D < 0.0)
        return LOY_KANO_EXCITEMENT;
    if (pPen < alpha || pRew < alpha)
        return LOY_KANO_PERFORMANCE;
    return LOY_KANO_LOW_IMPACT;
}

static int
prca_result(loy_drivers_result *res, const prca_fit *f, size_t p,
            double alpha)
{
    double *pen = loy__drv_metric(res, LOY_DRIVERS_PENALTY, p);
    double *pen_se = loy__drv_metric_se(res, LOY_DRIVERS_PENALTY);
    double *rew = loy__drv_metric(res, LOY_DRIVERS_REWARD, p);
    double *rew_se = loy__drv_metric_se(res, LOY_DRIVERS_REWARD);
    double *asy = loy__drv_metric(res, LOY_DRIVERS_ASYMMETRY, p);
    double *asy_se = loy__drv_metric_se(res, LOY_DRIVERS_ASYMMETRY);
    double *pp = loy__drv_metric(res, LOY_DRIVERS_PENALTY_P, p);
    double *rp = loy__drv_metric(res, LOY_DRIVERS_REWARD_P, p);
    double *ap = loy__drv_metric(res, LOY_DRIVERS_ASYMMETRY_P, p);
    size_t j, m = 2u * p;
    res->kano = malloc(p * sizeof *res->kano);
    LOY__REQUIRE(pen && pen_se && rew && rew_se && asy && asy_se && pp && rp
                     && ap && res->kano, LOY_ENOMEM);
    for (j = 0; j < p; j++) {
        double bl = f->b[j], bh = f->b[p + j];
        double vl = f->cov[j * m + j], vh = f->cov[(p + j) * m + p + j];
        double c = f->cov[j * m + p + j], vd = vl + vh + 2.0 * c;
        pen[j] = -bl;
        pen_se[j] = sqrt(vl);
        rew[j] = bh;
        rew_se[j] = sqrt(vh);
        asy[j] = -bl - bh;
        asy_se[j] = sqrt(vd > 0.0 ? vd : 0.0);
        pp[j] = loy__t_two_sided(bl / pen_se[j], f->df);
        rp[j] = loy__t_two_sided(bh / rew_se[j], f->df);
        ap[j] = asy_se[j] > 0.0 ? loy__t_two_sided(asy[j] / asy_se[j], f->df)
                                : 1.0;
        res->kano[j] = kano_class(asy[j], ap[j], pp[j], rp[j], alpha);
    }
    return LOY_OK;
}

static int
prca_run(loy_drivers_result **res, const loy_moments *t, size_t p,
         double alpha, size_t *err)
{
    size_t m = 2u * p, k = m + 1u, j;
    size_t *drv = malloc(m * sizeof *drv);
    double *S = malloc(k * k * sizeof *S), *means = malloc(k * sizeof *means);
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy__drv_cols cols;
    loy__drv_prob pr;
    prca_fit f;
    uint64_t n;
    double W;
    int rc;
    memset(&cols, 0, sizeof cols);
    f.b = malloc(m * sizeof *f.b);
    f.cov = malloc(m * m * sizeof *f.cov);
    rc = (drv && S && means && f.b && f.cov) ? LOY_OK : LOY_ENOMEM;
    for (j = 0; rc == LOY_OK && j < m; j++)
        drv[j] = 1u + j;
    spec.drivers = drv;
    spec.n_drivers = m;
    if (rc == LOY_OK)
        rc = loy__drv_cols_new(&cols, &spec, k, err);
    if (rc == LOY_OK)
        rc = loy__mom_cov_sub(t, 0, cols.cols, k, S, &n, &W);
    if (rc == LOY_OK)
        rc = loy__mom_means_sub(t, 0, cols.cols, k, means);
    if (rc == LOY_OK)
        rc = loy__drv_prob_init(&pr, &cols, S, means, n, W,
                                loy__mom_pairwise(t), err);
    if (rc == LOY_OK) {
        rc = prca_ols(&pr, &f);
        loy__drv_prob_free(&pr);
    }
    if (rc == LOY_OK)
        rc = loy__drv_result_new(res, LOY_DRIVERS_MODEL_PRCA);
    if (rc == LOY_OK) {
        loy_drivers_summary *s = &(*res)->sum;
        s->n_drivers = p;
        s->n_players = p;
        s->n = f.n;
        s->sum_w = W;
        s->r2 = s->r2_decomp = f.r2;
        s->r2_adj = f.r2_adj;
        s->f_stat = f.f_stat;
        s->f_p = f.f_p;
        s->df_resid = f.df;
        s->level = 1.0 - alpha;
        rc = prca_result(*res, &f, p, alpha);
    }
    loy__drv_cols_free(&cols);
    free(drv), free(S), free(means), free(f.b), free(f.cov);
    return rc;
}

int
loy_drivers_prca(loy_drivers_result **out, const loy_moments *t, size_t p,
                 double alpha, size_t *err_index)
{
    loy_drivers_result *res = NULL;
    size_t err = LOY_NO_INDEX;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(t != NULL && p >= 1u && t->k == 2u * p + 1u, LOY_EINVAL);
    LOY__REQUIRE(alpha > 0.0 && alpha < 1.0, LOY_EDOMAIN);
    rc = prca_run(&res, t, p, alpha, &err);
    if (rc != LOY_OK) {
        loy_drivers_result_free(res);
        /* tally column -> attribute (0: the outcome itself) */
        if (err != LOY_NO_INDEX)
            loy__set_index(err_index, err == 0u ? LOY_NO_INDEX
                                                : (err - 1u) % p);
        return rc;
    }
    *out = res;
    return LOY_OK;
}
