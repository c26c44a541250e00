/* SPDX-License-Identifier: MIT */
/*
 * test_parallel.c - the thread option of fits and predictions: every
 * thread count gives the same bytes as one thread (fixed blocks, ordered
 * reduction), errors report the lowest failing row, and the batched
 * predictions (loy_*_score) equal the 1.0 per-quantity functions bit for
 * bit.
 */
#include "testutil.h"

#include "numeric/parallel.h"

/* 4 threads need 4 x 4096 rows to start; small enough for valgrind */
#define N_CUST 17000
#define N_SCORE 17000

static double cx[N_SCORE], ctx_[N_SCORE], cT[N_SCORE];

static uint64_t
splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double
unit(uint64_t *s)
{
    return ((double)(splitmix(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* Gamma(shape k) for k < 1 by Ahrens-Dieter-free boosting: G(k+1) U^(1/k) */
static double
gamma_draw(uint64_t *s, double k)
{
    double d, c, x, v, u;
    double boost = 1.0;
    if (k < 1.0) {
        boost = pow(unit(s), 1.0 / k);
        k += 1.0;
    }
    d = k - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z = sqrt(-2.0 * log(unit(s))) * cos(6.283185307179586 * unit(s));
        x = z;
        v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        u = unit(s);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return boost * d * v;
    }
}

/* BG/NBD customers: lambda ~ Gamma(0.6, 4), p ~ Beta(1, 3) (via gammas). */
static void
simulate(void)
{
    uint64_t s = 20261205u;
    size_t i;
    for (i = 0; i < N_SCORE; i++) {
        double lam = gamma_draw(&s, 0.6) / 4.0;
        double g1 = gamma_draw(&s, 1.0), g2 = gamma_draw(&s, 3.0);
        double p = g1 / (g1 + g2), T = 20.0 + 20.0 * unit(&s), t = 0.0;
        double x = 0.0, tx = 0.0;
        for (;;) {
            t += -log(unit(&s)) / lam;
            if (t > T)
                break;
            x += 1.0;
            tx = t;
            if (unit(&s) < p)
                break;
        }
        cx[i] = x;
        ctx_[i] = tx;
        cT[i] = T;
    }
}

static int
setup(void **state)
{
    (void)state;
    simulate();
    return 0;
}

/* ------------------------------------------------------------------ */
/* the helpers                                                         */
/* ------------------------------------------------------------------ */

static int
sum_fn(void *ctx, size_t i0, size_t i1, double *acc)
{
    const size_t *bad = ctx;
    size_t i;
    for (i = i0; i < i1; i++) {
        if (bad != NULL && i == *bad)
            return LOY_ENOCONV;
        acc[0] += 1.0 / (1.0 + (double)i);
        acc[1] += sin((double)i);
    }
    return LOY_OK;
}

static int
rows_fn(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const size_t *fail = ctx;
    size_t i;
    for (i = i0; i < i1; i++)
        if (fail[i] != 0) {
            *bad = i;
            return fail[i] == 1 ? LOY_ENOCONV : LOY_EOVERFLOW;
        }
    return LOY_OK;
}

/* rows at[0] and at[1] fail with different statuses */
static int
sum_fail2_fn(void *ctx, size_t i0, size_t i1, double *acc)
{
    const size_t *at = ctx;
    size_t i;
    for (i = i0; i < i1; i++) {
        if (i == at[0])
            return LOY_ENOCONV;
        if (i == at[1])
            return LOY_EOVERFLOW;
        acc[0] += 1.0;
    }
    return LOY_OK;
}

/*
 * Blocks are dealt to the threads in turn: with failing blocks on
 * different threads, the sum reports the lowest failing block's status
 * for every thread count (each order of the two).
 */
static void
test_par_sum_lowest_failure(void **state)
{
    size_t at[2];
    double out[2];
    uint32_t t;
    (void)state;
    for (t = 0; t <= 8; t++) {
        at[0] = 5000, at[1] = 90000;
        assert_status(loy__par_sum(t, 100000, 256, 1, sum_fail2_fn, at, out),
                      LOY_ENOCONV);
        at[0] = 90000, at[1] = 5000;
        assert_status(loy__par_sum(t, 100000, 256, 1, sum_fail2_fn, at, out),
                      LOY_EOVERFLOW);
        /* neighbouring blocks, which different threads take */
        at[0] = 256 * 9 + 3, at[1] = 256 * 8 + 200;
        assert_status(loy__par_sum(t, 100000, 256, 1, sum_fail2_fn, at, out),
                      LOY_EOVERFLOW);
    }
}

/* Each task of loy__par_tasks runs once, whatever the thread count
 * (more threads than tasks included), and none for zero tasks. */
static void
task_count_fn(void *ctx, size_t task)
{
    ((int *)ctx)[task]++;
}

static void
test_par_tasks_each_once(void **state)
{
    int runs[70];
    size_t n, k;
    uint32_t t;
    (void)state;
    for (t = 0; t <= 9; t++)
        for (n = 0; n <= 69; n += 23) {
            memset(runs, 0, sizeof runs);
            loy__par_tasks(t, n, task_count_fn, runs);
            for (k = 0; k < 70; k++)
                assert_int_equal(runs[k], k < n ? 1 : 0);
        }
}

static void
test_par_sum_identical(void **state)
{
    double ref[2], out[2];
    size_t bad = 70000, n = 100000;
    uint32_t t;
    (void)state;
    assert_ok(loy__par_sum(1u, n, 256, 2, sum_fn, NULL, ref));
    assert_close(ref[0], log((double)n) + 0.5772156649, 1e-4, 0.0);
    for (t = 0; t <= 8; t++) {
        assert_ok(loy__par_sum(t, n, 256, 2, sum_fn, NULL, out));
        assert_memory_equal(out, ref, sizeof ref);
        assert_status(loy__par_sum(t, n, 256, 2, sum_fn, &bad, out),
                      LOY_ENOCONV);
    }
    /* no rows: zero sums; a bad width */
    assert_ok(loy__par_sum(4u, 0, 256, 2, sum_fn, NULL, out));
    assert_true(out[0] == 0.0 && out[1] == 0.0);
    assert_status(loy__par_sum(4u, 10, 256, 9, sum_fn, NULL, out),
                  LOY_EINVAL);
}

static void
test_par_rows_lowest_error(void **state)
{
    static size_t fail[40000];
    size_t err = 0;
    uint32_t t;
    (void)state;
    memset(fail, 0, sizeof fail);
    for (t = 0; t <= 8; t++)
        assert_ok(loy__par_rows(t, 40000, rows_fn, fail, NULL));
    fail[39000] = 2; /* in the last thread's range */
    fail[21000] = 1;
    for (t = 0; t <= 8; t++) {
        err = 0;
        assert_status(loy__par_rows(t, 40000, rows_fn, fail, &err),
                      LOY_ENOCONV);
        assert_int_equal(err, 21000);
    }
}

/* ------------------------------------------------------------------ */
/* fits                                                                */
/* ------------------------------------------------------------------ */

/*
 * Under valgrind (.ci/run sets LOY_TEST_QUICK) the predictions run on
 * 2 x 4096 + 8 customers with 0 and 2 threads and the fits stop after 3
 * iterations with 2 threads only: enough to start the threads, at a
 * fraction of the instrumented time; the full sizes and
 * thread counts run in the normal suite and under ThreadSanitizer.
 */
static int
quick(void)
{
    const char *q = getenv("LOY_TEST_QUICK");
    return q != NULL && q[0] != '\0' && q[0] != '0';
}

typedef int (*fit4_fn)(double *, const double *, const double *,
                       const double *, const double *, size_t,
                       const loy_fit_options *, loy_fit_report *, size_t *);

static void
check_fit_threads(fit4_fn fit, uint32_t flags)
{
    double ref[4], est[4];
    loy_fit_report rref = LOY_FIT_REPORT_INIT, rep = LOY_FIT_REPORT_INIT;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    int rc0, rc;
    uint32_t t;
    /* a capped fit compares as well as a converged one (ENOCONV reports
     * the last point) and keeps the suite fast under valgrind */
    o.flags = flags | LOY_FIT_NO_LIMITS;
    o.max_iter = quick() ? 3 : 25;
    rc0 = fit(ref, cx, ctx_, cT, NULL, N_CUST, &o, &rref, NULL);
    assert_true(rc0 == LOY_OK || rc0 == LOY_ENOCONV);
    assert_true(rref.evaluations > 0);
    for (t = 2; t <= (quick() ? 2u : 4u); t += 2) {
        o.threads = t;
        memset(&rep, 0, sizeof rep);
        rep.struct_size = sizeof rep;
        rc = fit(est, cx, ctx_, cT, NULL, N_CUST, &o, &rep, NULL);
        assert_int_equal(rc, rc0);
        assert_memory_equal(est, ref, sizeof ref);
        assert_memory_equal(&rep, &rref, sizeof rep);
    }
}

static void
test_fit_threads_bgnbd(void **state)
{
    (void)state;
    check_fit_threads(loy_bgnbd_fit, LOY_FIT_NO_COMPRESS);
    check_fit_threads(loy_bgnbd_fit, 0u);
}

static void
test_fit_threads_pnbd(void **state)
{
    (void)state;
    check_fit_threads(loy_pnbd_fit, LOY_FIT_NO_COMPRESS);
}

static void
test_fit_threads_mbgnbd(void **state)
{
    (void)state;
    check_fit_threads(loy_mbgnbd_fit, LOY_FIT_NO_COMPRESS);
}

/* BG/BB on discrete histories (x, t_x, n) and Gamma-Gamma on (x, m). */
static void
test_fit_threads_bgbb_ggamma(void **state)
{
    static double x[N_CUST], tx[N_CUST], nn[N_CUST], m[N_CUST];
    double ref[4], est[4];
    loy_fit_report rref = LOY_FIT_REPORT_INIT, rep = LOY_FIT_REPORT_INIT;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    uint64_t s = 7u;
    size_t i, k = 0;
    uint32_t t;
    int rc0, rc;
    (void)state;
    for (i = 0; i < N_CUST; i++) {
        double p = 0.2 + 0.6 * unit(&s), xi = 0.0, last = 0.0, j;
        double n = (double)(4 + (int)(8.0 * unit(&s)));
        for (j = 1.0; j <= n; j += 1.0)
            if (unit(&s) < p) {
                xi += 1.0;
                last = j;
            }
        x[i] = xi;
        tx[i] = last;
        nn[i] = n;
    }
    o.flags = LOY_FIT_NO_COMPRESS | LOY_FIT_NO_LIMITS;
    o.max_iter = quick() ? 3 : 25;
    rc0 = loy_bgbb_fit(ref, x, tx, nn, NULL, N_CUST, &o, &rref, NULL);
    for (t = 2; t <= (quick() ? 2u : 4u); t++) {
        o.threads = t;
        rc = loy_bgbb_fit(est, x, tx, nn, NULL, N_CUST, &o, &rep, NULL);
        assert_int_equal(rc, rc0);
        assert_memory_equal(est, ref, sizeof ref);
        assert_memory_equal(&rep, &rref, sizeof rep);
    }
    for (i = 0; i < N_CUST; i++)
        if (x[i] >= 1.0) {
            x[k] = x[i];
            m[k] = 10.0 * gamma_draw(&s, 3.0) / gamma_draw(&s, 2.0) + 1.0;
            k++;
        }
    o.threads = 1;
    rc0 = loy_ggamma_fit(ref, x, m, NULL, k, &o, &rref, NULL);
    assert_true(rc0 == LOY_OK || rc0 == LOY_ENOCONV);
    for (t = 2; t <= (quick() ? 2u : 4u); t++) {
        o.threads = t;
        rc = loy_ggamma_fit(est, x, m, NULL, k, &o, &rep, NULL);
        assert_int_equal(rc, rc0);
        assert_memory_equal(est, ref, 3 * sizeof ref[0]);
        assert_memory_equal(&rep, &rref, sizeof rep);
    }
}

/* Options of the 1.0 layout and of the first 1.1 layout (before threads)
 * are still accepted and mean one thread. */
static void
test_fit_options_sizes(void **state)
{
    double ref[4], est[4];
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    (void)state;
    assert_int_equal(offsetof(loy_fit_options, threads),
                     offsetof(loy_fit_options, max_evals) + 4);
    assert_ok(loy_bgnbd_fit(ref, cx, ctx_, cT, NULL, 5000, NULL, NULL, NULL));
    o.threads = 3;
    o.struct_size = offsetof(loy_fit_options, max_evals); /* 1.0 */
    assert_ok(loy_bgnbd_fit(est, cx, ctx_, cT, NULL, 5000, &o, NULL, NULL));
    assert_memory_equal(est, ref, sizeof ref);
    o.struct_size = sizeof o;
    o.threads = 4000000000u; /* clamped to LOY_MAX_THREADS */
    assert_ok(loy_bgnbd_fit(est, cx, ctx_, cT, NULL, 5000, &o, NULL, NULL));
    assert_memory_equal(est, ref, sizeof ref);
}

/* ------------------------------------------------------------------ */
/* predictions                                                         */
/* ------------------------------------------------------------------ */

typedef int (*score_fn)(double *, double *, const double *, const double *,
                        const double *, const double *, size_t, double,
                        const loy_predict_options *, size_t *);
typedef int (*one_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t, size_t *);
typedef int (*cet_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t, double,
                      size_t *);

static void
check_score(score_fn score, one_fn palive_fn, cet_fn cet_fn_,
            const double *p, double t)
{
    static double pa0[N_SCORE], cet0[N_SCORE], pa[N_SCORE], cet[N_SCORE];
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    size_t n = quick() ? 2 * 4096 + 8 : N_SCORE, bytes = n * sizeof(double);
    uint32_t th, th_max = quick() ? 2u : 4u;
    assert_ok(palive_fn(pa0, p, cx, ctx_, cT, n, NULL));
    assert_ok(cet_fn_(cet0, p, cx, ctx_, cT, n, t, NULL));
    for (th = 0; th <= th_max; th += 2) {
        o.threads = th;
        memset(pa, 0, bytes);
        memset(cet, 0, bytes);
        assert_ok(score(pa, cet, p, cx, ctx_, cT, n, t,
                        th == 0 ? NULL : &o, NULL));
        assert_memory_equal(pa, pa0, bytes);
        assert_memory_equal(cet, cet0, bytes);
        /* one output only */
        memset(pa, 0, bytes);
        assert_ok(score(pa, NULL, p, cx, ctx_, cT, n, t, &o, NULL));
        assert_memory_equal(pa, pa0, bytes);
        memset(cet, 0, bytes);
        assert_ok(score(NULL, cet, p, cx, ctx_, cT, n, t, &o, NULL));
        assert_memory_equal(cet, cet0, bytes);
    }
}

/* loy_bgnbd_predict's P(alive) is that of loy_bgnbd_palive. */
static int
bg_cet(double *out, const double *p, const double *x, const double *tx,
       const double *T, size_t n, double t, size_t *err)
{
    return loy_bgnbd_expected(out, p, x, tx, T, n, t, err);
}

static void
test_score_bgnbd(void **state)
{
    /* CDNOW-like, a = 1 exactly (the removable singularity), and the
     * large shapes of the limit cases (#20) */
    const double p1[4] = {0.243, 4.414, 0.793, 2.426};
    const double p2[4] = {0.5, 3.0, 1.0, 2.0};
    const double p3[4] = {100.0, 100.0, 2.0, 5.0};
    const double p4[4] = {1e30, 4e30, 0.5, 1e6};
    const double p5[4] = {80.0, 1.0, 2.0, 0.1};
    static double pa[N_SCORE], cet[N_SCORE];
    (void)state;
    check_score(loy_bgnbd_score, loy_bgnbd_palive, bg_cet, p1, 39.0);
    check_score(loy_bgnbd_score, loy_bgnbd_palive, bg_cet, p2, 10.0);
    if (quick())
        return; /* the large shapes take long under valgrind */
    check_score(loy_bgnbd_score, loy_bgnbd_palive, bg_cet, p3, 5.0);
    check_score(loy_bgnbd_score, loy_bgnbd_palive, bg_cet, p4, 20.0);
    check_score(loy_bgnbd_score, loy_bgnbd_palive, bg_cet, p5, 100.0);
    /* and the 1.0 combined call */
    assert_ok(loy_bgnbd_predict(pa, cet, p1, cx, ctx_, cT, N_SCORE, 39.0,
                                NULL));
    {
        static double pa2[N_SCORE], cet2[N_SCORE];
        loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
        o.threads = 3;
        assert_ok(loy_bgnbd_score(pa2, cet2, p1, cx, ctx_, cT, N_SCORE, 39.0,
                                  &o, NULL));
        assert_memory_equal(pa, pa2, sizeof pa);
        assert_memory_equal(cet, cet2, sizeof cet);
    }
}

static void
test_score_pnbd(void **state)
{
    const double p1[4] = {0.553, 10.578, 0.606, 11.669};
    const double p2[4] = {0.5, 5.0, 1.0, 10.0}; /* s = 1 */
    const double p3[4] = {1e30, 4e30, 1e-100, 1.0}; /* no-dropout limit */
    (void)state;
    check_score(loy_pnbd_score, loy_pnbd_palive, loy_pnbd_expected, p1, 39.0);
    if (quick())
        return;
    check_score(loy_pnbd_score, loy_pnbd_palive, loy_pnbd_expected, p2, 5.0);
    check_score(loy_pnbd_score, loy_pnbd_palive, loy_pnbd_expected, p3, 5.0);
}

static void
test_score_mbgnbd(void **state)
{
    const double p1[4] = {0.525, 6.183, 0.891, 1.614};
    const double p2[4] = {80.0, 1.0, 2.0, 0.1};
    (void)state;
    check_score(loy_mbgnbd_score, loy_mbgnbd_palive, loy_mbgnbd_expected, p1,
                39.0);
    check_score(loy_mbgnbd_score, loy_mbgnbd_palive, loy_mbgnbd_expected, p2,
                10.0);
}

static void
test_score_errors(void **state)
{
    const double p[4] = {0.243, 4.414, 0.793, 2.426};
    double x[3] = {1, 2, 3}, tx[3] = {1, 2, 3}, T[3] = {4, 5, 6};
    double pa[3] = {7, 7, 7}, cet[3] = {7, 7, 7};
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    size_t err = 0;
    score_fn fns[3] = {loy_bgnbd_score, loy_pnbd_score, loy_mbgnbd_score};
    size_t k;
    (void)state;
    for (k = 0; k < 3; k++) {
        assert_status(fns[k](NULL, NULL, p, x, tx, T, 3, 1.0, NULL, NULL),
                      LOY_EINVAL);
        o.flags = 1u;
        assert_status(fns[k](pa, cet, p, x, tx, T, 3, 1.0, &o, NULL),
                      LOY_EINVAL);
        o.flags = 0u;
        o.struct_size = sizeof(size_t);
        assert_status(fns[k](pa, cet, p, x, tx, T, 3, 1.0, &o, NULL),
                      LOY_EINVAL);
        o.struct_size = sizeof o;
        assert_status(fns[k](pa, cet, p, x, tx, T, 3, -1.0, &o, NULL),
                      LOY_EDOMAIN);
        assert_status(fns[k](pa, cet, p, x, tx, T, 3, NAN, &o, NULL),
                      LOY_ENONFINITE);
        tx[1] = 9.0; /* t_x > T */
        assert_status(fns[k](pa, cet, p, x, tx, T, 3, 1.0, &o, &err),
                      LOY_EINCONSISTENT);
        assert_int_equal(err, 1);
        tx[1] = 2.0;
        assert_true(pa[0] == 7.0 && cet[0] == 7.0); /* untouched */
        /* the horizon is not looked at without cet */
        assert_ok(fns[k](pa, NULL, p, x, tx, T, 3, NAN, &o, NULL));
        assert_true(pa[0] > 0.0 && pa[0] <= 1.0 && cet[0] == 7.0);
        pa[0] = 7.0;
    }
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_par_sum_identical),
        cmocka_unit_test(test_par_sum_lowest_failure),
        cmocka_unit_test(test_par_tasks_each_once),
        cmocka_unit_test(test_par_rows_lowest_error),
        cmocka_unit_test_setup(test_fit_threads_bgnbd, setup),
        cmocka_unit_test_setup(test_fit_threads_pnbd, setup),
        cmocka_unit_test_setup(test_fit_threads_mbgnbd, setup),
        cmocka_unit_test(test_fit_threads_bgbb_ggamma),
        cmocka_unit_test_setup(test_fit_options_sizes, setup),
        cmocka_unit_test_setup(test_score_bgnbd, setup),
        cmocka_unit_test_setup(test_score_pnbd, setup),
        cmocka_unit_test_setup(test_score_mbgnbd, setup),
        cmocka_unit_test(test_score_errors),
    };
    return loy_run_tests(tests);
}
