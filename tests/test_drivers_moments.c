/* SPDX-License-Identifier: MIT */
/* test_drivers_moments.c - the mergeable moment tally: layouts, weights,
 * missing values, scales, integer-exact sums, merge/un-merge,
 * serialization, bootstrap replicates, and every bad-input class. */
#include "testutil.h"

#include <string.h>

#include "core/serial.h"

#define K 4
#define N 301

static uint64_t
rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double
unif(uint64_t *s)
{
    return ((double)(rng(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* Correlated ratings 0..10 (row-major N x K) and weights. */
static void
make_data(double *x, uint8_t *u, double *w, size_t n, uint64_t seed)
{
    size_t i, j;
    uint64_t s = seed;
    for (i = 0; i < n; i++) {
        double common = 10.0 * unif(&s);
        for (j = 0; j < K; j++) {
            double v = floor(0.5 * common + 6.0 * unif(&s));
            v = v > 10.0 ? 10.0 : v;
            x[i * K + j] = v;
            if (u != NULL)
                u[i * K + j] = (uint8_t)v;
        }
        if (w != NULL)
            w[i] = 0.5 + 2.0 * unif(&s);
    }
}

/* Two-pass weighted covariance (divisor W - 1) of row-major data. */
static void
brute_cov(double *cov, const double *x, const double *w, size_t n)
{
    double W = 0.0, m[K] = {0};
    size_t i, j, l;
    for (i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        W += wi;
        for (j = 0; j < K; j++)
            m[j] += wi * x[i * K + j];
    }
    for (j = 0; j < K; j++)
        m[j] /= W;
    for (j = 0; j < K; j++)
        for (l = 0; l < K; l++) {
            double s = 0.0;
            for (i = 0; i < n; i++)
                s += (w != NULL ? w[i] : 1.0) * (x[i * K + j] - m[j])
                     * (x[i * K + l] - m[l]);
            cov[j * K + l] = s / (W - 1.0);
        }
}

static void
assert_cov(const loy_moments *t, const double *want, double tol)
{
    double cov[K * K];
    size_t i;
    assert_ok(loy_moments_cov(cov, K, t));
    for (i = 0; i < K * K; i++)
        assert_close(cov[i], want[i], tol, tol);
}

static void
test_layouts(void **state)
{
    double x[N * K], cm[K * N], want[K * K];
    uint8_t u[N * K], ucm[K * N];
    const double *cols[K];
    const uint8_t *ucols[K];
    loy_moments *t;
    size_t i, j;
    uint32_t flags[2] = {0u, LOY_MOMENTS_INTEGER};
    int f;
    (void)state;
    make_data(x, u, NULL, N, 1);
    for (i = 0; i < N; i++)
        for (j = 0; j < K; j++) {
            cm[j * N + i] = x[i * K + j];
            ucm[j * N + i] = u[i * K + j];
        }
    for (j = 0; j < K; j++) {
        cols[j] = cm + j * N;
        ucols[j] = ucm + j * N;
    }
    brute_cov(want, x, NULL, N);
    for (f = 0; f < 2; f++) {
        assert_ok(loy_moments_new(&t, K, flags[f]));
        assert_ok(loy_moments_add(t, x, N, K, 1, NULL, NULL, NULL));
        assert_cov(t, want, 1e-13);
        loy_moments_free(t);
        assert_ok(loy_moments_new(&t, K, flags[f]));
        assert_ok(loy_moments_add(t, cm, N, 1, N, NULL, NULL, NULL));
        assert_cov(t, want, 1e-13);
        loy_moments_free(t);
        assert_ok(loy_moments_new(&t, K, flags[f]));
        assert_ok(loy_moments_add_u8(t, u, N, K, 1, NULL, NULL, NULL));
        assert_cov(t, want, 1e-13);
        loy_moments_free(t);
        assert_ok(loy_moments_new(&t, K, flags[f]));
        assert_ok(loy_moments_add_cols(t, cols, N, NULL, NULL, NULL));
        assert_cov(t, want, 1e-13);
        loy_moments_free(t);
        assert_ok(loy_moments_new(&t, K, flags[f]));
        assert_ok(loy_moments_add_cols_u8(t, ucols, N, NULL, NULL, NULL));
        assert_cov(t, want, 1e-13);
        loy_moments_free(t);
    }
}

static void
test_weights_mean_cor(void **state)
{
    double x[N * K], w[N], want[K * K], mean[K], cor[K * K], wsum = 0;
    double m0 = 0.0;
    loy_moments *t;
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    size_t i, j;
    (void)state;
    make_data(x, NULL, w, N, 2);
    w[5] = 0.0; /* a zero weight: not counted */
    brute_cov(want, x, w, N);
    assert_ok(loy_moments_new(&t, K, 0));
    assert_ok(loy_moments_add(t, x, N, K, 1, w, NULL, NULL));
    assert_cov(t, want, 1e-12);
    assert_ok(loy_moments_mean(mean, K, t));
    for (i = 0; i < N; i++) {
        wsum += w[i];
        m0 += w[i] * x[i * K];
    }
    assert_close(mean[0], m0 / wsum, 1e-14, 0);
    assert_ok(loy_moments_cor(cor, K, t, NULL));
    for (j = 0; j < K; j++) {
        assert_close(cor[j * K + j], 1.0, 0, 0);
        assert_close(cor[1 * K + j], want[1 * K + j]
                                         / sqrt(want[K + 1] * want[j * K + j]),
                     1e-12, 1e-14);
    }
    assert_ok(loy_moments_info_get(&info, t));
    assert_int_equal(info.n, N - 1);
    assert_int_equal(info.rows_zero_weight, 1);
    assert_close(info.sum_w, wsum, 1e-14, 0);
    loy_moments_free(t);
}

/* Shards of uneven sizes merged in two orders equal one pass. */
static void
test_merge_orders(void **state)
{
    double x[N * K], w[N];
    static const size_t cuts[] = {0, 1, 17, 40, 41, 200, N};
    loy_moments *one, *fwd, *rev, *part[6];
    double a[K * K], b[K * K], c[K * K];
    size_t i, s;
    (void)state;
    make_data(x, NULL, w, N, 3);
    assert_ok(loy_moments_new(&one, K, 0));
    assert_ok(loy_moments_add(one, x, N, K, 1, w, NULL, NULL));
    assert_ok(loy_moments_new(&fwd, K, 0));
    assert_ok(loy_moments_new(&rev, K, 0));
    for (s = 0; s < 6; s++) {
        size_t lo = cuts[s], hi = cuts[s + 1];
        assert_ok(loy_moments_new(&part[s], K, 0));
        assert_ok(loy_moments_add(part[s], x + lo * K, hi - lo, K, 1, w + lo,
                                  NULL, NULL));
    }
    for (s = 0; s < 6; s++) {
        assert_ok(loy_moments_merge(fwd, part[s]));
        assert_ok(loy_moments_merge(rev, part[5 - s]));
    }
    assert_ok(loy_moments_cov(a, K, one));
    assert_ok(loy_moments_cov(b, K, fwd));
    assert_ok(loy_moments_cov(c, K, rev));
    for (i = 0; i < K * K; i++) {
        assert_close(b[i], a[i], 1e-12, 0);
        assert_close(c[i], a[i], 1e-12, 0);
    }
    /* un-merge a part: equals the tally of the other rows */
    assert_ok(loy_moments_unmerge(fwd, part[4]));
    loy_moments_free(one);
    assert_ok(loy_moments_new(&one, K, 0));
    assert_ok(loy_moments_add(one, x, cuts[4], K, 1, w, NULL, NULL));
    assert_ok(loy_moments_add(one, x + cuts[5] * K, N - cuts[5], K, 1,
                              w + cuts[5], NULL, NULL));
    assert_ok(loy_moments_cov(a, K, one));
    assert_ok(loy_moments_cov(b, K, fwd));
    for (i = 0; i < K * K; i++)
        assert_close(b[i], a[i], 1e-11, 0);
    /* un-merging everything gives the empty tally */
    assert_ok(loy_moments_unmerge(rev, rev));
    assert_status(loy_moments_cov(a, K, rev), LOY_EEMPTY);
    /* a part that is not a sub-tally */
    assert_status(loy_moments_unmerge(part[0], part[4]), LOY_EINCONSISTENT);
    for (s = 0; s < 6; s++)
        loy_moments_free(part[s]);
    loy_moments_free(one);
    loy_moments_free(fwd);
    loy_moments_free(rev);
}

static size_t
ser(uint8_t *buf, size_t cap, const loy_moments *t)
{
    size_t len = 0;
    assert_ok(loy_moments_serialize(buf, cap, &len, t));
    return len;
}

/* Integer ratings, unit weights: any split and order give the same bytes. */
static void
test_integer_bytes(void **state)
{
    enum { NN = 5000 };
    static double x[NN * K];
    static uint8_t u[NN * K];
    static uint8_t b1[4096], b2[4096], b3[4096];
    loy_moments *one, *fwd, *rev, *part[5];
    static const size_t cuts[] = {0, 3, 1000, 1001, 4000, NN};
    size_t l1, l2, l3, s;
    (void)state;
    make_data(x, u, NULL, NN, 4);
    assert_ok(loy_moments_new(&one, K, LOY_MOMENTS_INTEGER));
    assert_ok(loy_moments_add_u8(one, u, NN, K, 1, NULL, NULL, NULL));
    assert_ok(loy_moments_new(&fwd, K, LOY_MOMENTS_INTEGER));
    assert_ok(loy_moments_new(&rev, K, LOY_MOMENTS_INTEGER));
    for (s = 0; s < 5; s++) {
        size_t lo = cuts[s], hi = cuts[s + 1];
        assert_ok(loy_moments_new(&part[s], K, LOY_MOMENTS_INTEGER));
        /* doubles for some shards, bytes for others: same sums */
        if (s % 2)
            assert_ok(loy_moments_add(part[s], x + lo * K, hi - lo, K, 1,
                                      NULL, NULL, NULL));
        else
            assert_ok(loy_moments_add_u8(part[s], u + lo * K, hi - lo, K, 1,
                                         NULL, NULL, NULL));
    }
    for (s = 0; s < 5; s++) {
        assert_ok(loy_moments_merge(fwd, part[s]));
        assert_ok(loy_moments_merge(rev, part[4 - s]));
    }
    l1 = ser(b1, sizeof b1, one);
    l2 = ser(b2, sizeof b2, fwd);
    l3 = ser(b3, sizeof b3, rev);
    assert_int_equal(l1, l2);
    assert_int_equal(l1, l3);
    assert_memory_equal(b1, b2, l1);
    assert_memory_equal(b1, b3, l1);
    /* un-merge is exact too */
    assert_ok(loy_moments_unmerge(fwd, part[2]));
    assert_ok(loy_moments_merge(fwd, part[2]));
    l2 = ser(b2, sizeof b2, fwd);
    assert_memory_equal(b1, b2, l1);
    for (s = 0; s < 5; s++)
        loy_moments_free(part[s]);
    loy_moments_free(one);
    loy_moments_free(fwd);
    loy_moments_free(rev);
}

static void
test_serialize(void **state)
{
    double x[N * K], w[N];
    uint8_t buf[8192], bad[8192];
    size_t len = 0, len2 = 0, i;
    loy_moments *t, *r = NULL;
    uint32_t modes[4] = {0u, LOY_MOMENTS_INTEGER, LOY_MOMENTS_PAIRWISE,
                         LOY_MOMENTS_PAIRWISE | LOY_MOMENTS_INTEGER};
    int m;
    (void)state;
    make_data(x, NULL, w, N, 5);
    for (i = 0; i < N; i += 7)
        x[i * K + (i % K)] = (double)NAN;
    for (m = 0; m < 4; m++) {
        assert_ok(loy_moments_new(&t, K, modes[m] | LOY_MOMENTS_LISTWISE
                                             * !(modes[m] & LOY_MOMENTS_PAIRWISE)));
        assert_ok(loy_moments_set_scale(t, LOY_MOMENTS_ALL_COLUMNS, 0, 10));
        assert_ok(loy_moments_set_bootstrap(t, 3, 77));
        {
            uint64_t ids[N];
            for (i = 0; i < N; i++)
                ids[i] = 1000 + i;
            assert_ok(loy_moments_add(t, x, N, K, 1, NULL, ids, NULL));
        }
        /* size query, too small, exact */
        assert_ok(loy_moments_serialize(NULL, 0, &len, t));
        assert_true(len > 16 && len <= sizeof buf);
        assert_status(loy_moments_serialize(buf, len - 1, &len2, t),
                      LOY_EBUFSIZE);
        assert_int_equal(len2, len);
        assert_ok(loy_moments_serialize(buf, sizeof buf, &len2, t));
        assert_ok(loy_moments_deserialize(&r, buf, len));
        assert_ok(loy_moments_serialize(bad, sizeof bad, &len2, r));
        assert_int_equal(len2, len);
        assert_memory_equal(buf, bad, len);
        /* merging the copy works: same settings */
        assert_ok(loy_moments_merge(r, t));
        loy_moments_free(r);
        /* malformed inputs */
        assert_status(loy_moments_deserialize(&r, buf, len - 1), LOY_EFORMAT);
        assert_null(r);
        assert_status(loy_moments_deserialize(&r, buf, 10), LOY_EFORMAT);
        memcpy(bad, buf, len);
        bad[0] = 'X';
        assert_status(loy_moments_deserialize(&r, bad, len), LOY_EFORMAT);
        memcpy(bad, buf, len);
        bad[4] = 1; /* another kind */
        assert_status(loy_moments_deserialize(&r, bad, len), LOY_EFORMAT);
        memcpy(bad, buf, len);
        bad[6] = 2; /* a newer version */
        assert_status(loy_moments_deserialize(&r, bad, len), LOY_EFORMAT);
        memcpy(bad, buf, len);
        bad[20] = 9; /* k changed: lengths disagree */
        assert_status(loy_moments_deserialize(&r, bad, len), LOY_EFORMAT);
        memcpy(bad, buf, len);
        bad[16] = 0x40; /* unknown flag */
        assert_status(loy_moments_deserialize(&r, bad, len), LOY_EFORMAT);
        memcpy(bad, buf, len);
        memset(bad + len - 8, 0xff, 8); /* NaN or a negative sum */
        assert_status(loy_moments_deserialize(&r, bad, len), LOY_EFORMAT);
        assert_status(loy_moments_deserialize(NULL, buf, len), LOY_EINVAL);
        assert_status(loy_moments_deserialize(&r, NULL, len), LOY_EINVAL);
        loy_moments_free(t);
    }
}

/* NaN handling: strict error, listwise skip, pairwise like R's
 * cor(use = "pairwise.complete.obs"). */
static void
test_missing(void **state)
{
    double x[N * K], cor[K * K];
    loy_moments *t;
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    size_t i, j, l, err = 0;
    (void)state;
    make_data(x, NULL, NULL, N, 6);
    for (i = 3; i < N; i += 5)
        x[i * K + (i / 5) % K] = (double)NAN;
    assert_ok(loy_moments_new(&t, K, 0));
    assert_status(loy_moments_add(t, x, N, K, 1, NULL, NULL, &err),
                  LOY_ENONFINITE);
    assert_int_equal(err, 3 * (K + 1) + 0);
    assert_status(loy_moments_cov(cor, K, t), LOY_EEMPTY); /* untouched */
    loy_moments_free(t);

    assert_ok(loy_moments_new(&t, K, LOY_MOMENTS_LISTWISE));
    assert_ok(loy_moments_add(t, x, N, K, 1, NULL, NULL, NULL));
    assert_ok(loy_moments_info_get(&info, t));
    assert_int_equal(info.rows_missing, (N - 3 + 4) / 5);
    assert_int_equal(info.n, N - info.rows_missing);
    loy_moments_free(t);

    assert_ok(loy_moments_new(&t, K, LOY_MOMENTS_PAIRWISE));
    assert_ok(loy_moments_add(t, x, N, K, 1, NULL, NULL, NULL));
    assert_ok(loy_moments_cor(cor, K, t, NULL));
    for (j = 0; j < K; j++)
        for (l = 0; l < K; l++) {
            double n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, r;
            for (i = 0; i < N; i++) {
                double a = x[i * K + j], b = x[i * K + l];
                if (a != a || b != b)
                    continue;
                n++;
                sa += a;
                sb += b;
            }
            sa /= n;
            sb /= n;
            for (i = 0; i < N; i++) {
                double a = x[i * K + j], b = x[i * K + l];
                if (a != a || b != b)
                    continue;
                saa += (a - sa) * (a - sa);
                sbb += (b - sb) * (b - sb);
                sab += (a - sa) * (b - sb);
            }
            r = j == l ? 1.0 : sab / sqrt(saa * sbb);
            assert_close(cor[j * K + l], r, 1e-12, 1e-14);
        }
    assert_ok(loy_moments_info_get(&info, t));
    assert_true(info.n_min < info.n);
    loy_moments_free(t);
}

/* Scales, integer mode, invalid weights: strict errors and skip counts. */
static void
test_invalid(void **state)
{
    double x[3 * 2] = {1, 2, 3, 11, 5, 6}, w[3] = {1, 1, 1};
    uint8_t u[3 * 2] = {1, 2, 3, 255, 5, 6};
    loy_moments *t;
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    size_t err = 0;
    (void)state;
    assert_ok(loy_moments_new(&t, 2, 0));
    assert_ok(loy_moments_set_scale(t, 1, 0, 10));
    assert_status(loy_moments_add(t, x, 3, 2, 1, NULL, NULL, &err),
                  LOY_ESCALE);
    assert_int_equal(err, 1 * 3 + 1); /* row 1, column 1 (stride k + 1) */
    assert_status(loy_moments_add_u8(t, u, 3, 2, 1, NULL, NULL, &err),
                  LOY_ESCALE); /* the missing code in strict mode */
    assert_int_equal(err, 1 * 3 + 1);
    x[3] = (double)INFINITY;
    assert_status(loy_moments_add(t, x, 3, 2, 1, NULL, NULL, &err),
                  LOY_ENONFINITE);
    x[3] = 4;
    w[2] = -1;
    assert_status(loy_moments_add(t, x, 3, 2, 1, w, NULL, &err), LOY_ESCALE);
    assert_int_equal(err, 2 * 3 + 2); /* row 2's weight */
    w[2] = (double)NAN;
    assert_status(loy_moments_add(t, x, 3, 2, 1, w, NULL, &err),
                  LOY_ENONFINITE);
    loy_moments_free(t);

    /* skip mode: counted, not fatal */
    assert_ok(loy_moments_new(&t, 2, LOY_MOMENTS_SKIP_INVALID));
    assert_ok(loy_moments_set_scale(t, LOY_MOMENTS_ALL_COLUMNS, 0, 10));
    x[3] = 11;
    assert_ok(loy_moments_add(t, x, 3, 2, 1, w, NULL, &err));
    assert_ok(loy_moments_info_get(&info, t));
    assert_int_equal(info.rows_invalid, 2);
    assert_int_equal(info.n, 1);
    loy_moments_free(t);

    /* integer mode: non-integers, too large values */
    assert_ok(loy_moments_new(&t, 2, LOY_MOMENTS_INTEGER));
    x[3] = 2.5;
    assert_status(loy_moments_add(t, x, 3, 2, 1, NULL, NULL, &err),
                  LOY_ESCALE);
    x[3] = 4e6;
    assert_status(loy_moments_add(t, x, 3, 2, 1, NULL, NULL, &err),
                  LOY_EOVERFLOW);
    w[2] = 0.5;
    x[3] = 4;
    assert_status(loy_moments_add(t, x, 3, 2, 1, w, NULL, &err), LOY_ESCALE);
    loy_moments_free(t);

    /* arguments */
    assert_status(loy_moments_new(&t, 0, 0), LOY_EINVAL);
    assert_null(t);
    assert_status(loy_moments_new(&t, LOY_MOMENTS_MAX_COLUMNS + 1, 0),
                  LOY_EINVAL);
    assert_status(loy_moments_new(&t, 2, 0x100), LOY_EINVAL);
    assert_status(loy_moments_new(&t, 2, LOY_MOMENTS_LISTWISE
                                             | LOY_MOMENTS_PAIRWISE),
                  LOY_EINVAL);
    assert_status(loy_moments_new(NULL, 2, 0), LOY_EINVAL);
    assert_ok(loy_moments_new(&t, 2, 0));
    assert_status(loy_moments_add(t, NULL, 3, 2, 1, NULL, NULL, NULL),
                  LOY_EINVAL);
    assert_ok(loy_moments_add(t, NULL, 0, 2, 1, NULL, NULL, NULL));
    assert_status(loy_moments_set_scale(t, 2, 0, 1), LOY_EINVAL);
    assert_status(loy_moments_set_scale(t, 0, 1, 0), LOY_EDOMAIN);
    assert_status(loy_moments_set_scale(t, 0, 0, (double)INFINITY),
                  LOY_EDOMAIN);
    assert_status(loy_moments_set_bootstrap(t, LOY_MOMENTS_MAX_REPLICATES + 1,
                                            0),
                  LOY_EINVAL);
    x[3] = 4;
    assert_ok(loy_moments_add(t, x, 3, 2, 1, NULL, NULL, NULL));
    assert_status(loy_moments_set_scale(t, 0, 0, 1), LOY_EINVAL); /* not empty */
    assert_status(loy_moments_set_bootstrap(t, 2, 0), LOY_EINVAL);
    {
        loy_moments *o;
        double m[3];
        assert_ok(loy_moments_new(&o, 3, 0));
        assert_status(loy_moments_merge(t, o), LOY_EINVAL); /* other k */
        assert_status(loy_moments_mean(m, 3, t), LOY_EINVAL);
        loy_moments_free(o);
        assert_ok(loy_moments_new(&o, 2, LOY_MOMENTS_INTEGER));
        assert_status(loy_moments_merge(t, o), LOY_EINVAL); /* other mode */
        loy_moments_free(o);
        assert_ok(loy_moments_new(&o, 2, 0));
        assert_ok(loy_moments_set_scale(o, 0, 0, 10));
        assert_status(loy_moments_merge(t, o), LOY_EINVAL); /* other scale */
        loy_moments_free(o);
    }
    loy_moments_free(t);
    loy_moments_free(NULL);
}

/* Integer sums that would overflow int64 are refused, tally untouched. */
static void
test_overflow(void **state)
{
    double x[2] = {1048576.0, 1048576.0}, w[1] = {1048576.0};
    loy_moments *t;
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    int i, rc = LOY_OK;
    (void)state;
    assert_ok(loy_moments_new(&t, 2, LOY_MOMENTS_INTEGER));
    /* each row adds 2^60 to S2: the 8th such row overflows int64 */
    for (i = 0; i < 10 && rc == LOY_OK; i++)
        rc = loy_moments_add(t, x, 1, 2, 1, w, NULL, NULL);
    assert_status(rc, LOY_EOVERFLOW);
    assert_ok(loy_moments_info_get(&info, t));
    assert_int_equal(info.n, 7);
    loy_moments_free(t);
}

/* The tally's bytes read back into a tally with the same bytes. */
static void
assert_roundtrip(const loy_moments *t)
{
    uint8_t a[4096], b[4096];
    size_t na, nb;
    loy_moments *u = NULL;
    assert_ok(loy_moments_serialize(a, sizeof a, &na, t));
    assert_ok(loy_moments_deserialize(&u, a, na));
    assert_ok(loy_moments_serialize(b, sizeof b, &nb, u));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    loy_moments_free(u);
}

/*
 * Double mode at the ends of the double range (the fuzz_moments findings):
 * co-moments beyond DBL_MAX are LOY_EOVERFLOW with the tally untouched
 * (add and merge), never an infinity that the byte format refuses;
 * rounding and underflow never leave a state whose bytes do not read back
 * (a negative variance, |c12| above sqrt(c11 c22)); correlations of
 * co-moments beyond 1e154 are not 0.
 */
static void
test_double_range(void **state)
{
    const double big[4] = {1e308, 0.0, -1e308, 0.0};
    const double ok[4] = {1.0, 2.0, 3.0, 5.0};
    const double hundred[6] = {1e100, 2e100, 2e100, 4e100, 4e100, 8e100};
    const double under[4] = {0.0, 0.0, 1e-200, 1e100};
    /* constant values with weights near 1e-10 (found by a random search:
     * the variance came out -1e-30-ish, which the byte format refuses) */
    const double a = 4.7547358268068747e-10;
    const double tiny[20] = {a, a, a, 5.6430352097082546e-11,
        4.5558750238648681e-11, 2.2333158317849194e-10,
        1.4081011614530068e-10, a, a, 2.0501679535274729e-10, a, a,
        1.1812282421769934e-10, a, a, a, a, a, 4.268823274337705e-10, a};
    double cor[4], cov[4], tv[20];
    size_t i;
    uint8_t before[4096], after[4096];
    size_t nb, na, err = 0;
    loy_moments *t, *u;
    uint32_t f;
    (void)state;
    for (f = 0; f <= LOY_MOMENTS_PAIRWISE; f += LOY_MOMENTS_PAIRWISE) {
        /* add: (1e308 - -1e308)^2 overflows; the tally keeps its rows */
        assert_ok(loy_moments_new(&t, 2, f));
        assert_ok(loy_moments_add(t, ok, 2, 2, 1, NULL, NULL, NULL));
        assert_ok(loy_moments_serialize(before, sizeof before, &nb, t));
        assert_status(loy_moments_add(t, big, 2, 2, 1, NULL, NULL, &err),
                      LOY_EOVERFLOW);
        assert_ok(loy_moments_serialize(after, sizeof after, &na, t));
        assert_int_equal(na, nb);
        assert_memory_equal(before, after, nb);
        /* merge: each half is finite, their union is not */
        assert_ok(loy_moments_new(&u, 2, f));
        assert_ok(loy_moments_add(u, big, 1, 2, 1, NULL, NULL, NULL));
        loy_moments_free(t);
        assert_ok(loy_moments_new(&t, 2, f));
        assert_ok(loy_moments_add(t, big + 2, 1, 2, 1, NULL, NULL, NULL));
        assert_ok(loy_moments_serialize(before, sizeof before, &nb, t));
        assert_status(loy_moments_merge(t, u), LOY_EOVERFLOW);
        assert_ok(loy_moments_serialize(after, sizeof after, &na, t));
        assert_int_equal(na, nb);
        assert_memory_equal(before, after, nb);
        loy_moments_free(u);
        loy_moments_free(t);
        /* co-moments of 1e200: their product overflows, r does not */
        assert_ok(loy_moments_new(&t, 2, f));
        assert_ok(loy_moments_add(t, hundred, 3, 2, 1, NULL, NULL, NULL));
        assert_ok(loy_moments_cor(cor, 2, t, NULL));
        assert_close(cor[1], 1.0, 1e-12, 0);
        assert_ok(loy_moments_cov(cov, 2, t));
        assert_true(isfinite(cov[1]) && cov[1] > 0.0);
        assert_roundtrip(t);
        loy_moments_free(t);
        /* 1e-200 beside 1e100: c11 underflows to 0 while c12 ~ 1e-100 */
        assert_ok(loy_moments_new(&t, 2, f));
        assert_ok(loy_moments_add(t, under, 2, 2, 1, NULL, NULL, NULL));
        assert_roundtrip(t);
        loy_moments_free(t);
        /* tiny weights on equal values */
        for (i = 0; i < 20; i++)
            tv[i] = 8.0;
        assert_ok(loy_moments_new(&t, 1, f));
        assert_ok(loy_moments_add(t, tv, 20, 1, 1, tiny, NULL, NULL));
        assert_roundtrip(t);
        loy_moments_free(t);
    }
}

/* Poisson weights: the documented CDF, and replicates that merge across
 * shards into the one-pass replicates, bit for bit on the integer path. */
static void
test_bootstrap_tally(void **state)
{
    enum { NN = 2000, B = 50 };
    static double x[NN * K];
    static uint64_t ids[NN];
    static uint8_t b1[200000], b2[200000];
    uint64_t hist[8] = {0};
    loy_moments *one, *sh[3], *rep;
    size_t i, l1, l2;
    uint32_t k, b;
    double mean = 0.0;
    (void)state;
    for (i = 0; i < 200000; i++) {
        assert_ok(loy_moments_poisson_weight(&k, 42, i, 0));
        mean += k;
        hist[k < 7 ? k : 7]++;
    }
    assert_close(mean / 200000.0, 1.0, 0.01, 0);
    assert_close((double)hist[0] / 200000.0, 0.3678794, 0.02, 0);
    assert_close((double)hist[2] / 200000.0, 0.1839397, 0.02, 0);
    assert_status(loy_moments_poisson_weight(NULL, 1, 1, 1), LOY_EINVAL);

    make_data(x, NULL, NULL, NN, 7);
    for (i = 0; i < NN; i++)
        ids[i] = 7919u * i + 13u;
    assert_ok(loy_moments_new(&one, K, LOY_MOMENTS_INTEGER));
    assert_ok(loy_moments_set_bootstrap(one, B, 99));
    assert_status(loy_moments_add(one, x, NN, K, 1, NULL, NULL, NULL),
                  LOY_EINVAL); /* ids required */
    assert_ok(loy_moments_add(one, x, NN, K, 1, NULL, ids, NULL));
    for (i = 0; i < 3; i++) {
        assert_ok(loy_moments_new(&sh[i], K, LOY_MOMENTS_INTEGER));
        assert_ok(loy_moments_set_bootstrap(sh[i], B, 99));
    }
    /* rows dealt to shards out of order */
    for (i = 0; i < NN; i++)
        assert_ok(loy_moments_add(sh[(i * 7) % 3], x + i * K, 1, K, 1, NULL,
                                  ids + i, NULL));
    assert_ok(loy_moments_merge(sh[2], sh[0]));
    assert_ok(loy_moments_merge(sh[2], sh[1]));
    l1 = ser(b1, sizeof b1, one);
    l2 = ser(b2, sizeof b2, sh[2]);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    /* a replicate is the tally weighted by its Poisson draws */
    for (b = 0; b < 3; b++) {
        loy_moments *ref;
        double w[NN], c1[K * K], c2[K * K];
        for (i = 0; i < NN; i++) {
            assert_ok(loy_moments_poisson_weight(&k, 99, ids[i], b));
            w[i] = k;
        }
        assert_ok(loy_moments_new(&ref, K, LOY_MOMENTS_INTEGER));
        assert_ok(loy_moments_add(ref, x, NN, K, 1, w, NULL, NULL));
        assert_ok(loy_moments_replicate(&rep, one, b));
        assert_ok(loy_moments_cov(c1, K, ref));
        assert_ok(loy_moments_cov(c2, K, rep));
        assert_memory_equal(c1, c2, sizeof c1);
        loy_moments_free(ref);
        loy_moments_free(rep);
    }
    assert_status(loy_moments_replicate(&rep, one, B), LOY_EINVAL);
    for (i = 0; i < 3; i++)
        loy_moments_free(sh[i]);
    loy_moments_free(one);
}

/* Empty tallies merge as the identity; clone is deep. */
static void
test_identity_clone(void **state)
{
    double x[N * K], a[K * K], b[K * K];
    loy_moments *t, *e, *c;
    (void)state;
    make_data(x, NULL, NULL, N, 8);
    assert_ok(loy_moments_new(&t, K, 0));
    assert_ok(loy_moments_new(&e, K, 0));
    assert_ok(loy_moments_add(t, x, N, K, 1, NULL, NULL, NULL));
    assert_ok(loy_moments_cov(a, K, t));
    assert_ok(loy_moments_merge(t, e));
    assert_ok(loy_moments_merge(e, t));
    assert_ok(loy_moments_cov(b, K, e));
    assert_memory_equal(a, b, sizeof a);
    assert_ok(loy_moments_clone(&c, t));
    assert_ok(loy_moments_add(t, x, 10, K, 1, NULL, NULL, NULL));
    assert_ok(loy_moments_cov(b, K, c));
    assert_memory_equal(a, b, sizeof a);
    loy_moments_free(t);
    loy_moments_free(e);
    loy_moments_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_weights_mean_cor),
        cmocka_unit_test(test_merge_orders),
        cmocka_unit_test(test_integer_bytes),
        cmocka_unit_test(test_serialize),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_double_range),
        cmocka_unit_test(test_bootstrap_tally),
        cmocka_unit_test(test_identity_clone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
