/* SPDX-License-Identifier: MIT */
/*
 * btyd.c - input validation shared by BG/NBD, MBG/NBD and Pareto/NBD: one
 * definition of a valid (x, t_x, T) customer row for every model.
 */
#include "clv/btyd.h"

int
loy__btyd_check_params(const double *params, size_t k, size_t *err_index)
{
    size_t j;
    for (j = 0; j < k; j++) {
        if (!loy__finite(params[j])) {
            loy__set_index(err_index, j);
            return LOY_ENONFINITE;
        }
        if (!(params[j] > 0.0)) {
            loy__set_index(err_index, j);
            return LOY_EDOMAIN;
        }
    }
    loy__set_index(err_index, LOY_NO_INDEX);
    return LOY_OK;
}

/* x is whole: every double from 2^53 up is; below, an integer cast is
 * exact (cheaper than a floor() call in the validation pass). */
static int
is_whole(double x)
{
    return x >= 9007199254740992.0 || x == (double)(int64_t)x;
}

static int
check_row(double x, double tx, double T, double w)
{
    if (!loy__finite(x) || !loy__finite(tx) || !loy__finite(T)
        || !loy__finite(w))
        return LOY_ENONFINITE;
    if (x < 0.0 || !is_whole(x) || tx < 0.0 || !(T > 0.0) || w < 0.0)
        return LOY_ESCALE;
    if (tx > T || (x == 0.0 && tx > 0.0))
        return LOY_EINCONSISTENT;
    return LOY_OK;
}

int
loy__btyd_check_rows(const double *x, const double *t_x, const double *T,
                     const double *w, size_t n, size_t *err_index)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int rc = check_row(x[i], t_x[i], T[i], w != NULL ? w[i] : 1.0);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    loy__set_index(err_index, LOY_NO_INDEX);
    return LOY_OK;
}

int
loy__btyd_check(const double *params, size_t k, const double *x,
                const double *t_x, const double *T, const double *w,
                size_t n, size_t *err_index)
{
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__REQUIRE(x != NULL && t_x != NULL && T != NULL, LOY_EINVAL);
    if (params != NULL)
        LOY__TRY(loy__btyd_check_params(params, k, err_index));
    return loy__btyd_check_rows(x, t_x, T, w, n, err_index);
}

int
loy__predict_threads(const loy_predict_options *opts, uint32_t *threads)
{
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    if (opts != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(opts->struct_size, sizeof o),
                     LOY_EINVAL);
        loy__struct_copy_in(&o, opts, sizeof o);
        LOY__REQUIRE(o.flags == 0u, LOY_EINVAL);
    }
    *threads = o.threads < LOY_MAX_THREADS ? o.threads : LOY_MAX_THREADS;
    return LOY_OK;
}
