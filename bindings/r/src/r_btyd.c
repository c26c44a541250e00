/* SPDX-License-Identifier: MIT */
/*
 * r_btyd.c - the lifetime models that share the (x, t_x, T) shape:
 * BG/NBD, Pareto/NBD, MBG/NBD and BG/BB (whose third column is the number
 * of opportunities n). One table of library functions per model, so every
 * .Call entry point below serves all four: fit, sample log-likelihood,
 * per-customer log-likelihood, per-customer predictions and the
 * new-customer expectation. Also the fit options and the fit value shared
 * with Gamma-Gamma and sBG.
 */
#include "loyr.h"

#include <math.h>
#include <string.h>

typedef int (*loyr_fit_fn)(double *, const double *, const double *,
                           const double *, const double *, size_t,
                           const loy_fit_options *, loy_fit_report *,
                           size_t *);
typedef int (*loyr_ll_fn)(double *, const double *, const double *,
                          const double *, const double *, const double *,
                          size_t, size_t *);
typedef int (*loyr_each_fn)(double *, const double *, const double *,
                            const double *, const double *, size_t,
                            size_t *);
typedef int (*loyr_each_t_fn)(double *, const double *, const double *,
                              const double *, const double *, size_t, double,
                              size_t *);
typedef int (*loyr_new_fn)(double *, const double *, const double *, size_t,
                           size_t *);
typedef int (*loyr_lleach_fn)(double *, const double *, const double *,
                              const double *, const double *, size_t,
                              double *, size_t *);

typedef struct loyr_btyd_model {
    loyr_fit_fn fit;
    loyr_ll_fn loglik;
    loyr_lleach_fn loglik_each;   /* NULL: not available */
    loyr_each_fn palive;          /* P(alive) at T (BG/BB: see palive_at) */
    loyr_each_t_fn expected;      /* CET over a horizon */
    loyr_each_t_fn palive_at;     /* P(alive) t ahead (BG/BB: m ahead) */
    loyr_each_t_fn dert;          /* discounted expected residual trans. */
    loyr_new_fn expected_new;     /* E[X(t)] of a new customer */
} loyr_btyd_model;

/* Model codes of the R layer: 1 BG/NBD, 2 Pareto/NBD, 3 MBG/NBD, 4 BG/BB. */
static const loyr_btyd_model models[] = {
    {loy_bgnbd_fit, loy_bgnbd_loglik, loy_bgnbd_loglik_each, loy_bgnbd_palive,
     loy_bgnbd_expected, NULL, NULL, loy_bgnbd_expected_new},
    {loy_pnbd_fit, loy_pnbd_loglik, loy_pnbd_loglik_each, loy_pnbd_palive,
     loy_pnbd_expected, loy_pnbd_palive_at, loy_pnbd_dert,
     loy_pnbd_expected_new},
    {loy_mbgnbd_fit, loy_mbgnbd_loglik, loy_mbgnbd_loglik_each,
     loy_mbgnbd_palive, loy_mbgnbd_expected, NULL, NULL,
     loy_mbgnbd_expected_new},
    {loy_bgbb_fit, loy_bgbb_loglik, NULL, NULL, loy_bgbb_expected,
     loy_bgbb_palive, loy_bgbb_dert, loy_bgbb_expected_new},
};

#define N_MODELS ((int)(sizeof(models) / sizeof(models[0])))
#define N_PARAMS 4

static const loyr_btyd_model *
model_of(SEXP code)
{
    int m;
    if (!loyr_int1(code, &m) || m < 1 || m > N_MODELS)
        return NULL;
    return &models[m - 1];
}

/* The three customer columns, all doubles of one length. */
static int
columns(SEXP x, SEXP t_x, SEXP T, R_xlen_t *n)
{
    if (!loyr_is_real(x, -1))
        return 0;
    *n = XLENGTH(x);
    return loyr_is_real(t_x, *n) && loyr_is_real(T, *n);
}

int
loyr_fit_options(loy_fit_options *opts, double *start_buf, SEXP start,
                 SEXP control, int n_params)
{
    loy_fit_options init = LOY_FIT_OPTIONS_INIT;
    const double *c;

    *opts = init;
    if (!loyr_is_real(control, 5))
        return LOY_EINVAL;
    c = REAL(control);
    for (int k = 2; k < 5; k++)
        if (!(c[k] >= 0.0 && c[k] <= 4294967295.0))
            return LOY_EINVAL;
    opts->penalty = c[0];
    opts->gtol = c[1];
    opts->max_iter = (uint32_t)c[2];
    opts->flags = (uint32_t)c[3];
#ifdef LOY_FIT_NO_LIMITS
    opts->max_evals = (uint32_t)c[4];
#else
    if (c[4] != 0.0)
        return LOY_EINVAL; /* the library has no evaluation cap */
#endif
    if (!Rf_isNull(start)) {
        if (!loyr_is_real(start, n_params))
            return LOY_EINVAL;
        memcpy(start_buf, REAL(start), (size_t)n_params * sizeof(double));
        opts->start = start_buf;
    }
    return LOY_OK;
}

static SEXP
real_vec(const double *v, int n)
{
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (n > 0)
        memcpy(REAL(out), v, (size_t)n * sizeof(double));
    UNPROTECT(1);
    return out;
}

SEXP
loyr_fit_value(int status, const double *params, const loy_fit_report *r)
{
    static const char *const names[] = {
        "params", "se", "cov", "loglik", "grad_norm", "n_customers",
        "n_rows", "iterations", "evaluations", "status", "flags", "limit",
        "reduced", "reduced_se"};
    int np = (int)r->n_params;
    SEXP out = PROTECT(loyr_named_list(names, 14));
    SEXP cov = PROTECT(Rf_allocMatrix(REALSXP, np, np));

    /* The report's covariance is row-major n_params wide; R is
     * column-major, and the matrix is symmetric, but copy it exactly. */
    for (int i = 0; i < np; i++)
        for (int j = 0; j < np; j++)
            REAL(cov)[i + j * np] = r->cov[i * np + j];
    SET_VECTOR_ELT(out, 0, real_vec(params, np));
    SET_VECTOR_ELT(out, 1, real_vec(r->se, np));
    SET_VECTOR_ELT(out, 2, cov);
    SET_VECTOR_ELT(out, 3, Rf_ScalarReal(r->loglik));
    SET_VECTOR_ELT(out, 4, Rf_ScalarReal(r->grad_norm));
    SET_VECTOR_ELT(out, 5, Rf_ScalarReal(r->n_customers));
    SET_VECTOR_ELT(out, 6, Rf_ScalarReal((double)r->n_rows));
    SET_VECTOR_ELT(out, 7, Rf_ScalarInteger((int)r->iterations));
    SET_VECTOR_ELT(out, 8, Rf_ScalarInteger((int)r->evaluations));
    SET_VECTOR_ELT(out, 9, Rf_ScalarInteger(status));
#ifdef LOY_FIT_REPORT_LIMIT
    {
        int nr = (int)r->n_reduced;
        if (nr > LOY_FIT_MAX_PARAMS)
            nr = LOY_FIT_MAX_PARAMS;
        SET_VECTOR_ELT(out, 10, Rf_ScalarInteger((int)r->flags));
        SET_VECTOR_ELT(out, 11, Rf_ScalarInteger((int)r->limit));
        SET_VECTOR_ELT(out, 12, real_vec(r->reduced, nr));
        SET_VECTOR_ELT(out, 13, real_vec(r->reduced_se, nr));
    }
#else
    /* A 1.0 library reports neither flags nor limits: NA, not "none". */
    SET_VECTOR_ELT(out, 10, Rf_ScalarInteger(NA_INTEGER));
    SET_VECTOR_ELT(out, 11, Rf_ScalarInteger(NA_INTEGER));
    SET_VECTOR_ELT(out, 12, Rf_allocVector(REALSXP, 0));
    SET_VECTOR_ELT(out, 13, Rf_allocVector(REALSXP, 0));
#endif
    UNPROTECT(2);
    return out;
}

/* .Call: fit a model to (x, t_x, T) with optional weights. */
SEXP
loyr_btyd_fit(SEXP model, SEXP x, SEXP t_x, SEXP T, SEXP w, SEXP start,
              SEXP control)
{
    const loyr_btyd_model *m = model_of(model);
    loy_fit_options opts;
    loy_fit_report report = LOY_FIT_REPORT_INIT;
    double start_buf[N_PARAMS], params[N_PARAMS];
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int ok = 1, st;
    const double *wp;

    if (m == NULL || !columns(x, t_x, T, &n))
        return loyr_einval();
    wp = loyr_opt_real(w, n, &ok);
    if (!ok || loyr_fit_options(&opts, start_buf, start, control, N_PARAMS) != LOY_OK)
        return loyr_einval();
    st = m->fit(params, REAL(x), REAL(t_x), REAL(T), wp, (size_t)n, &opts,
                &report, &err);
    if (st != LOY_OK && st != LOY_ENOCONV)
        return loyr_status(st, err);
    return loyr_fit_value(st, params, &report);
}

/* .Call: sample log-likelihood sum w_i ln L_i at params. */
SEXP
loyr_btyd_loglik(SEXP model, SEXP params, SEXP x, SEXP t_x, SEXP T, SEXP w)
{
    const loyr_btyd_model *m = model_of(model);
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int ok = 1, st;
    double ll;
    const double *wp;

    if (m == NULL || !loyr_is_real(params, N_PARAMS) || !columns(x, t_x, T, &n))
        return loyr_einval();
    wp = loyr_opt_real(w, n, &ok);
    if (!ok)
        return loyr_einval();
    st = m->loglik(&ll, REAL(params), REAL(x), REAL(t_x), REAL(T), wp,
                   (size_t)n, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return Rf_ScalarReal(ll);
}

/* .Call: ln L_i per customer; with grad TRUE a list(loglik, gradient) where
 * the gradient is an n x 4 matrix. */
SEXP
loyr_btyd_loglik_each(SEXP model, SEXP params, SEXP x, SEXP t_x, SEXP T,
                      SEXP grad)
{
    const loyr_btyd_model *m = model_of(model);
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int want_grad, st;
    double *g = NULL;

    if (m == NULL || m->loglik_each == NULL || !loyr_is_real(params, N_PARAMS)
        || !columns(x, t_x, T, &n) || TYPEOF(grad) != LGLSXP
        || XLENGTH(grad) != 1)
        return loyr_einval();
    want_grad = LOGICAL(grad)[0] == TRUE;
    if (want_grad && (size_t)n > SIZE_MAX / (N_PARAMS * sizeof(double)))
        return loyr_status(LOY_ENOMEM, LOY_NO_INDEX);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (want_grad)
        g = (double *)R_alloc((size_t)n * N_PARAMS, sizeof(double));
    st = m->loglik_each(REAL(out), REAL(params), REAL(x), REAL(t_x), REAL(T),
                        (size_t)n, g, &err);
    if (st != LOY_OK) {
        UNPROTECT(1);
        return loyr_status(st, err);
    }
    if (!want_grad) {
        UNPROTECT(1);
        return out;
    }
    /* Library layout: customer-major rows of 4; R matrix: column-major. */
    SEXP gm = PROTECT(Rf_allocMatrix(REALSXP, (int)n, N_PARAMS));
    for (R_xlen_t i = 0; i < n; i++)
        for (int k = 0; k < N_PARAMS; k++)
            REAL(gm)[i + k * n] = g[(size_t)i * N_PARAMS + (size_t)k];
    static const char *const names[] = {"loglik", "gradient"};
    SEXP res = PROTECT(loyr_named_list(names, 2));
    SET_VECTOR_ELT(res, 0, out);
    SET_VECTOR_ELT(res, 1, gm);
    UNPROTECT(3);
    return res;
}

/* .Call: per-customer quantity. what: 1 P(alive), 2 expected purchases
 * over t, 3 P(alive) t ahead, 4 DERT at discount rate t. */
SEXP
loyr_btyd_each(SEXP model, SEXP what, SEXP params, SEXP x, SEXP t_x, SEXP T,
               SEXP t)
{
    const loyr_btyd_model *m = model_of(model);
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int w, st;
    double tv = 0.0;
    loyr_each_t_fn f_t = NULL;

    if (m == NULL || !loyr_int1(what, &w) || !loyr_is_real(params, N_PARAMS)
        || !columns(x, t_x, T, &n))
        return loyr_einval();
    if (w == 1) {
        if (m->palive == NULL)
            return loyr_einval();
    } else {
        f_t = w == 2 ? m->expected : w == 3 ? m->palive_at : w == 4 ? m->dert : NULL;
        if (f_t == NULL || !loyr_real1(t, &tv))
            return loyr_einval();
    }
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (w == 1)
        st = m->palive(REAL(out), REAL(params), REAL(x), REAL(t_x), REAL(T),
                       (size_t)n, &err);
    else
        st = f_t(REAL(out), REAL(params), REAL(x), REAL(t_x), REAL(T),
                 (size_t)n, tv, &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: E[X(t)] of a new customer for each horizon (BG/BB: each number
 * of opportunities). */
SEXP
loyr_btyd_new(SEXP model, SEXP params, SEXP t)
{
    const loyr_btyd_model *m = model_of(model);
    size_t err = LOY_NO_INDEX;
    int st;

    if (m == NULL || !loyr_is_real(params, N_PARAMS) || !loyr_is_real(t, -1))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, XLENGTH(t)));
    st = XLENGTH(t) == 0 ? LOY_OK
                         : m->expected_new(REAL(out), REAL(params), REAL(t),
                                           loyr_len(t), &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}
