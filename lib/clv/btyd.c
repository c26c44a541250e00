/* SPDX-License-Identifier: MIT */
/*
 * btyd.c - input validation shared by BG/NBD, MBG/NBD and Pareto/NBD: one
 * definition of a valid (x, t_x, T) customer row for every model.
 */
#include "clv/btyd.h"

#include "numeric/parallel.h"

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

/* Rows per block of the quick pass. */
#define CHECK_BLOCK 512u

/*
 * 1 when rows [0, n) are all valid, as check_row() defines it: W rows at
 * a time with lane comparisons and arithmetic only (no calls, no
 * branches). NaN fails every comparison, T <= DBL_MAX bounds t_x too,
 * and x below 2^52 is whole exactly when (x + 2^52) - 2^52 gives it back
 * (the sum rounds to an integer); doubles from 2^52 up are all whole. A
 * block that fails is checked again row by row, which finds the first
 * bad row and its status. The test is exact, so every width gives the
 * same answer: two lanes on the baseline (SSE2, NEON; wider vectors would
 * be split into scalar comparisons there), four where AVX2 is there at
 * run time (x86), which halves the time of the validation pass.
 */
#if defined(__GNUC__) || defined(__clang__)
typedef double check_v2d __attribute__((vector_size(16)));
typedef int64_t check_v2l __attribute__((vector_size(16)));
typedef double check_v4d __attribute__((vector_size(32)));
typedef int64_t check_v4l __attribute__((vector_size(32)));

/* The body for vectors of type VD (mask type VL) of W lanes. */
#define CHECK_ROWS_BODY(VD, VL, W)                                           \
    {                                                                        \
        VD big, zero, top;                                                   \
        VL ok;                                                               \
        size_t i, l;                                                         \
        for (l = 0; l < (W); l++) {                                          \
            big[l] = 4503599627370496.0;                                     \
            zero[l] = 0.0;                                                   \
            top[l] = DBL_MAX;                                                \
            ok[l] = -1;                                                      \
        }                                                                    \
        for (i = 0; i + (W) <= n; i += (W)) {                                \
            VD xi, ti, Ti;                                                   \
            memcpy(&xi, x + i, sizeof xi);                                   \
            memcpy(&ti, t_x + i, sizeof ti);                                 \
            memcpy(&Ti, T + i, sizeof Ti);                                   \
            ok &= (Ti > zero) & (Ti <= top) & (ti >= zero) & (ti <= Ti)      \
                  & (xi >= zero) & (xi <= top)                               \
                  & ((xi >= big) | ((xi + big) - big == xi))                 \
                  & ((xi > zero) | (ti == zero));                            \
            if (w != NULL) {                                                 \
                VD wi;                                                       \
                memcpy(&wi, w + i, sizeof wi);                               \
                ok &= (wi >= zero) & (wi <= top);                            \
            }                                                                \
        }                                                                    \
        for (; i < n; i++)                                                   \
            if (check_row(x[i], t_x[i], T[i], w != NULL ? w[i] : 1.0)        \
                != LOY_OK)                                                   \
                return 0;                                                    \
        for (l = 0; l < (W); l++)                                            \
            if (ok[l] == 0)                                                  \
                return 0;                                                    \
        return 1;                                                            \
    }

static int
rows_ok2(const double *x, const double *t_x, const double *T, const double *w,
         size_t n)
CHECK_ROWS_BODY(check_v2d, check_v2l, 2)

#if defined(__x86_64__) || defined(__i386__)
#define CHECK_X86 1
__attribute__((target("avx2"))) static int
rows_ok4(const double *x, const double *t_x, const double *T, const double *w,
         size_t n)
CHECK_ROWS_BODY(check_v4d, check_v4l, 4)
#endif

int
loy__btyd_rows_ok_lanes(int path, const double *x, const double *t_x,
                        const double *T, const double *w, size_t n, int *ok)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef CHECK_X86
    case LOY__VPATH_AVX2:
        *ok = rows_ok4(x, t_x, T, w, n);
        return 1;
#endif
    case LOY__VPATH_BASE:
        *ok = rows_ok2(x, t_x, T, w, n);
        return 1;
    default:
        return 0;
    }
}
#else
int
loy__btyd_rows_ok_lanes(int path, const double *x, const double *t_x,
                        const double *T, const double *w, size_t n, int *ok)
{
    (void)x, (void)t_x, (void)T, (void)w, (void)n;
    if (path != LOY__VPATH_BASE)
        return 0;
    *ok = 0; /* every block row by row */
    return 1;
}
#endif

/* The widest path the CPU has. */
static int
rows_ok(const double *x, const double *t_x, const double *T, const double *w,
        size_t n)
{
    int ok = 0;
    if (!loy__btyd_rows_ok_lanes(LOY__VPATH_AVX2, x, t_x, T, w, n, &ok))
        (void)loy__btyd_rows_ok_lanes(LOY__VPATH_BASE, x, t_x, T, w, n, &ok);
    return ok;
}

typedef struct check_ctx {
    const double *x, *t_x, *T, *w;
} check_ctx;

/* Rows [i0, i1): the first bad row to *bad with its status. */
static int
check_range(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const check_ctx *c = ctx;
    const double *w = c->w;
    size_t b0, i, m;
    for (b0 = i0; b0 < i1; b0 += m) {
        m = i1 - b0 < CHECK_BLOCK ? i1 - b0 : CHECK_BLOCK;
        if (rows_ok(c->x + b0, c->t_x + b0, c->T + b0,
                    w != NULL ? w + b0 : NULL, m))
            continue;
        for (i = b0; i < b0 + m; i++) {
            int rc = check_row(c->x[i], c->t_x[i], c->T[i],
                               w != NULL ? w[i] : 1.0);
            if (rc != LOY_OK) {
                *bad = i;
                return rc;
            }
        }
    }
    return LOY_OK;
}

int
loy__btyd_check_rows_par(const double *x, const double *t_x, const double *T,
                         const double *w, size_t n, uint32_t threads,
                         size_t *err_index)
{
    check_ctx c;
    int rc;
    c.x = x, c.t_x = t_x, c.T = T, c.w = w;
    /* the lowest failing range holds the first bad row */
    rc = loy__par_rows(threads, n, check_range, &c, err_index);
    if (rc == LOY_OK)
        loy__set_index(err_index, LOY_NO_INDEX);
    return rc;
}

int
loy__btyd_check_rows(const double *x, const double *t_x, const double *T,
                     const double *w, size_t n, size_t *err_index)
{
    return loy__btyd_check_rows_par(x, t_x, T, w, n, 1u, err_index);
}

int
loy__btyd_check_par(const double *params, size_t k, const double *x,
                    const double *t_x, const double *T, const double *w,
                    size_t n, uint32_t threads, size_t *err_index)
{
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__REQUIRE(x != NULL && t_x != NULL && T != NULL, LOY_EINVAL);
    if (params != NULL)
        LOY__TRY(loy__btyd_check_params(params, k, err_index));
    return loy__btyd_check_rows_par(x, t_x, T, w, n, threads, err_index);
}

int
loy__btyd_check(const double *params, size_t k, const double *x,
                const double *t_x, const double *T, const double *w,
                size_t n, size_t *err_index)
{
    return loy__btyd_check_par(params, k, x, t_x, T, w, n, 1u, err_index);
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
