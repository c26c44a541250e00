/* SPDX-License-Identifier: MIT */
/*
 * fuzz_btyd.c - BG/NBD, MBG/NBD and Pareto/NBD likelihoods and
 * predictions (and the BG/NBD CLV) on arbitrary parameters, customers and
 * horizons: every call must return a known status, only finite values
 * with LOY_OK, and leave its outputs untouched on an input error; the
 * batch scorers (one or two threads) the same, and for Pareto/NBD the
 * same bytes as its single-quantity functions; BG/NBD and MBG/NBD
 * batches past 2048 rows (the tables) the same CET as small ones.
 */
#include "fuzz_models.h"

#define NMAX 8

typedef int (*ll_fn)(double *, const double *, const double *,
                     const double *, const double *, const double *, size_t,
                     size_t *);
typedef int (*each_fn)(double *, const double *, const double *,
                       const double *, const double *, size_t, double *,
                       size_t *);
typedef int (*pa_fn)(double *, const double *, const double *,
                     const double *, const double *, size_t, size_t *);
typedef int (*cet_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t, double,
                      size_t *);
typedef int (*new_fn)(double *, const double *, const double *, size_t,
                      size_t *);
typedef int (*score_fn)(double *, double *, const double *, const double *,
                        const double *, const double *, size_t, double,
                        const loy_predict_options *, size_t *);

static const struct model {
    ll_fn ll;
    each_fn each;
    pa_fn palive;
    cet_fn cet;
    new_fn enew;
    score_fn score;
} MODELS[3] = {
    {loy_bgnbd_loglik, loy_bgnbd_loglik_each, loy_bgnbd_palive,
     loy_bgnbd_expected, loy_bgnbd_expected_new, loy_bgnbd_score},
    {loy_mbgnbd_loglik, loy_mbgnbd_loglik_each, loy_mbgnbd_palive,
     loy_mbgnbd_expected, loy_mbgnbd_expected_new, loy_mbgnbd_score},
    {loy_pnbd_loglik, loy_pnbd_loglik_each, loy_pnbd_palive,
     loy_pnbd_expected, loy_pnbd_expected_new, loy_pnbd_score},
};

/*
 * The batch scorer on the same rows, one or two threads: the contract,
 * and for Pareto/NBD (whose functions share one path) the same bytes as
 * loy_pnbd_palive and loy_pnbd_expected when all three succeed.
 */
static void
check_score(const struct model *m, fz *f, const double *p, const double *x,
            const double *tx, const double *T, size_t n, double t,
            const double *pa_ref, int rc_pa, const double *cet_ref,
            int rc_cet)
{
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    double pa[NMAX], cet[NMAX];
    size_t i;
    int rc;
    o.threads = 1u + (fz_byte(f) & 1u);
    fz_fill(pa, n);
    fz_fill(cet, n);
    rc = m->score(pa, cet, p, x, tx, T, n, t, &o, NULL);
    fz_check(rc, pa, n);
    fz_check(rc, cet, n);
    for (i = 0; rc == LOY_OK && i < n; i++)
        if (!(pa[i] >= 0.0 && pa[i] <= 1.0) || cet[i] < 0.0)
            abort();
    if (m != &MODELS[2] || rc != LOY_OK)
        return;
    if ((rc_pa == LOY_OK && memcmp(pa, pa_ref, n * sizeof *pa) != 0)
        || (rc_cet == LOY_OK && memcmp(cet, cet_ref, n * sizeof *cet) != 0))
        abort();
}

/*
 * BG/NBD and MBG/NBD batches of 2048 rows and more take the per-x tables
 * and Taylor buckets (bgnbd_batch.c), which small batches never reach:
 * the rows repeated past 2048 (one input in eight: the tables cost a
 * millisecond) must keep the contract and, where the small batch
 * succeeded, succeed too with the same CET to 1e-9 relative.
 */
#define TILE_MIN 2048u

static void
check_tables(const struct model *m, fz *f, const double *p, const double *x,
             const double *tx, const double *T, size_t n, double t,
             const double *cet_ref, int rc_cet)
{
    static double bx[TILE_MIN + NMAX], btx[TILE_MIN + NMAX];
    static double bT[TILE_MIN + NMAX], pa[TILE_MIN + NMAX];
    static double cet[TILE_MIN + NMAX];
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    size_t N = (TILE_MIN / n + 1) * n, i;
    int rc;
    if (m == &MODELS[2] || (fz_byte(f) & 7u) != 0)
        return;
    for (i = 0; i < N; i++) {
        bx[i] = x[i % n];
        btx[i] = tx[i % n];
        bT[i] = T[i % n];
    }
    o.threads = 1u + (fz_byte(f) & 1u);
    fz_fill(pa, N);
    fz_fill(cet, N);
    rc = m->score(pa, cet, p, bx, btx, bT, N, t, &o, NULL);
    fz_check(rc, pa, N);
    fz_check(rc, cet, N);
    if (rc_cet != LOY_OK)
        return;
    if (rc != LOY_OK)
        abort();
    for (i = 0; rc == LOY_OK && i < N; i++) {
        double r = cet_ref[i % n], d = fabs(cet[i] - r);
        if (!(pa[i] >= 0.0 && pa[i] <= 1.0)
            || !(d <= 1e-9 * fabs(r) || d <= 1e-300))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    const struct model *m = &MODELS[fz_byte(&f) % 3];
    double p[4], x[NMAX], tx[NMAX], T[NMAX], w[NMAX], t, out[4 * NMAX];
    double g[4 * NMAX], one, pa[NMAX];
    size_t n = 1 + fz_byte(&f) % NMAX, i;
    int rc, rc_pa;
    for (i = 0; i < 4; i++)
        p[i] = fz_double(&f);
    for (i = 0; i < n; i++) {
        x[i] = fz_count(&f, 300.0);
        T[i] = fz_double(&f);
        tx[i] = fz_byte(&f) & 1 ? T[i] * (fz_byte(&f) / 255.0)
                                : fz_double(&f);
        if (x[i] == 0.0 && (fz_byte(&f) & 1))
            tx[i] = 0.0;
        w[i] = fz_byte(&f) < 200 ? 1.0 : fz_double(&f);
    }
    t = fz_double(&f);

    fz_fill(&one, 1);
    rc = m->ll(&one, p, x, tx, T, w, n, NULL);
    fz_check(rc, &one, 1);
    fz_fill(out, n);
    fz_fill(g, 4 * n);
    rc = m->each(out, p, x, tx, T, n, g, NULL);
    fz_check(rc, out, n);
    fz_check(rc, g, 4 * n);
    fz_fill(pa, n);
    rc_pa = m->palive(pa, p, x, tx, T, n, NULL);
    fz_check(rc_pa, pa, n);
    for (i = 0; rc_pa == LOY_OK && i < n; i++)
        if (!(pa[i] >= 0.0 && pa[i] <= 1.0))
            abort();
    fz_fill(out, n);
    rc = m->cet(out, p, x, tx, T, n, t, NULL);
    fz_check(rc, out, n);
    for (i = 0; rc == LOY_OK && i < n; i++)
        if (out[i] < 0.0)
            abort();
    check_score(m, &f, p, x, tx, T, n, t, pa, rc_pa, out, rc);
    check_tables(m, &f, p, x, tx, T, n, t, out, rc);
    fz_fill(out, n);
    rc = m->enew(out, p, T, n, NULL);
    fz_check(rc, out, n);
    if (m == &MODELS[0]) {
        double d = fz_double(&f), h = fz_double(&f);
        fz_fill(out, n);
        fz_fill(pa, n);
        rc = loy_bgnbd_predict(pa, out, p, x, tx, T, n, t, NULL);
        fz_check(rc, out, n);
        fz_check(rc, pa, n);
        fz_fill(out, n);
        rc = loy_bgnbd_pmf(out, p, t, n, NULL);
        fz_check(rc, out, n);
        /* the CLV only on a few customers: its quadratures are the cost */
        fz_fill(out, 2);
        rc = loy_bgnbd_clv(out, p, x, tx, T, w, n < 2 ? n : 2, d, h, NULL);
        fz_check(rc, out, n < 2 ? n : 2);
        fz_fill(&one, 1);
        rc = loy_bgnbd_discount_rate(&one, d, h);
        fz_check(rc, &one, 1);
    }
    if (m == &MODELS[2]) {
        double d = fz_double(&f);
        fz_fill(out, n);
        rc = loy_pnbd_dert(out, p, x, tx, T, n, d, NULL);
        fz_check(rc, out, n);
        fz_fill(out, n);
        rc = loy_pnbd_palive_at(out, p, x, tx, T, n, t, NULL);
        fz_check(rc, out, n);
    }
    return 0;
}
