/* SPDX-License-Identifier: MIT */
/* test_patterns.c - the mergeable pattern table of the lifetime models:
 * building, reading back, merging split data (byte-identical to one pass),
 * the byte form and its malformed cases, and fits (BG/NBD, MBG/NBD,
 * Pareto/NBD, Gamma-Gamma) against the array fits and CDNOW. */
#include "testutil.h"
#include "pnbd_testutil.h"

#include <stddef.h>
#include <string.h>

typedef struct sim {
    double *x, *tx, *T, *m;
    size_t n;
} sim;

/*
 * Simulated BG/NBD customers (r = 1, alpha = 4, a = 1, b = 3), times
 * floored to whole weeks so that patterns repeat, and whole-dollar spends
 * (a few zero).
 */
static sim
simulate(size_t n, uint64_t seed)
{
    sim s;
    loy_test_rng r = {seed};
    size_t i;
    s.n = n;
    s.x = malloc(n * sizeof *s.x);
    s.tx = malloc(n * sizeof *s.tx);
    s.T = malloc(n * sizeof *s.T);
    s.m = malloc(n * sizeof *s.m);
    for (i = 0; i < n; i++) {
        double T = (double)(20 + loy_test_rng_next(&r) % 20), t = 0.0;
        double lambda = -log(loy_test_rng_uniform(&r)) / 4.0;
        double p = 1.0 - pow(loy_test_rng_uniform(&r), 1.0 / 3.0);
        double x = 0.0, tx = 0.0;
        for (;;) {
            t += -log(loy_test_rng_uniform(&r)) / lambda;
            if (t > T)
                break;
            x += 1.0;
            tx = floor(t);
            if (loy_test_rng_uniform(&r) < p)
                break;
        }
        s.x[i] = x;
        s.tx[i] = tx;
        s.T[i] = T;
        s.m[i] = x > 0 ? (double)(loy_test_rng_next(&r) % 40) : 0.0;
    }
    return s;
}

static void
sim_free(sim *s)
{
    free(s->x);
    free(s->tx);
    free(s->T);
    free(s->m);
}

static uint8_t *
table_bytes(const loy_patterns *p, size_t *len)
{
    uint8_t *b;
    assert_ok(loy_patterns_serialize(NULL, 0, len, p));
    b = malloc(*len);
    assert_ok(loy_patterns_serialize(b, *len, len, p));
    return b;
}

static loy_patterns *
table_of(const sim *s, size_t lo, size_t hi, uint32_t flags)
{
    loy_patterns *p = NULL;
    assert_ok(loy_patterns_new(&p, flags));
    assert_ok(loy_patterns_add(p, s->x + lo, s->tx + lo, s->T + lo,
                               (flags & LOY_PATTERNS_MONETARY) ? s->m + lo
                                                               : NULL,
                               NULL, hi - lo, NULL));
    return p;
}

static void
test_build_and_rows(void **state)
{
    sim s = simulate(2000, 1);
    loy_patterns *p = table_of(&s, 0, s.n, 0);
    loy_patterns_info info = LOY_PATTERNS_INFO_INIT;
    double *x, *tx, *T, *w, tot = 0.0;
    size_t i, j, n;
    (void)state;
    assert_ok(loy_patterns_get_info(&info, p));
    n = (size_t)info.n_patterns;
    assert_true(n > 10 && n < s.n);
    assert_true(info.n_rows == s.n && info.customers == (double)s.n);
    assert_true(info.n_spend_patterns == 0 && info.flags == 0);
    x = malloc(n * sizeof *x);
    tx = malloc(n * sizeof *tx);
    T = malloc(n * sizeof *T);
    w = malloc(n * sizeof *w);
    assert_status(loy_patterns_rows(x, tx, T, w, n - 1, p), LOY_EBUFSIZE);
    assert_ok(loy_patterns_rows(x, tx, T, w, n, p));
    for (i = 0; i < n; i++) {
        size_t count = 0;
        tot += w[i];
        if (i > 0)
            assert_true(x[i - 1] < x[i]
                        || (x[i - 1] == x[i] && (tx[i - 1] < tx[i]
                            || (tx[i - 1] == tx[i] && T[i - 1] < T[i]))));
        /* the weight is the number of customers with this pattern */
        for (j = 0; j < s.n; j++)
            count += s.x[j] == x[i] && s.tx[j] == tx[i] && s.T[j] == T[i];
        assert_true((double)count == w[i]);
    }
    assert_true(tot == (double)s.n);
    free(x);
    free(tx);
    free(T);
    free(w);
    loy_patterns_free(p);
    loy_patterns_free(NULL);
    sim_free(&s);
}

/* Pieces built apart, sent as bytes, merged in another order = one pass. */
static void
test_split_merge_bytes(void **state)
{
    sim s = simulate(3000, 2);
    uint32_t flags[2] = {0, LOY_PATTERNS_MONETARY};
    int f;
    (void)state;
    for (f = 0; f < 2; f++) {
        loy_patterns *all = table_of(&s, 0, s.n, flags[f]), *acc = NULL;
        size_t cuts[4] = {0, 1000, 1001, 3000}, len, l2, k;
        uint8_t *one = table_bytes(all, &len), *two;
        assert_ok(loy_patterns_new(&acc, flags[f]));
        for (k = 3; k > 0; k--) {
            loy_patterns *piece = table_of(&s, cuts[k - 1], cuts[k], flags[f]);
            loy_patterns *back = NULL;
            size_t pl;
            uint8_t *pb = table_bytes(piece, &pl);
            assert_ok(loy_patterns_deserialize(&back, pb, pl));
            assert_ok(loy_patterns_merge(acc, back));
            loy_patterns_free(back);
            loy_patterns_free(piece);
            free(pb);
        }
        two = table_bytes(acc, &l2);
        assert_int_equal(l2, len);
        assert_memory_equal(one, two, len);
        free(two);
        /* a round trip is exact, and merging with itself doubles weights */
        {
            loy_patterns *back = NULL;
            loy_patterns_info a = LOY_PATTERNS_INFO_INIT;
            loy_patterns_info b = LOY_PATTERNS_INFO_INIT;
            assert_ok(loy_patterns_deserialize(&back, one, len));
            two = table_bytes(back, &l2);
            assert_memory_equal(one, two, len);
            free(two);
            assert_ok(loy_patterns_merge(back, back));
            assert_ok(loy_patterns_get_info(&a, all));
            assert_ok(loy_patterns_get_info(&b, back));
            assert_true(b.customers == 2 * a.customers);
            assert_true(b.n_patterns == a.n_patterns && b.n_rows == 2 * a.n_rows);
            assert_true(b.zero_spend_customers == 2 * a.zero_spend_customers);
            loy_patterns_free(back);
        }
        loy_patterns_free(acc);
        loy_patterns_free(all);
        free(one);
    }
    sim_free(&s);
}

static void
test_monetary(void **state)
{
    sim s = simulate(3000, 3);
    loy_patterns *p = table_of(&s, 0, s.n, LOY_PATTERNS_MONETARY);
    loy_patterns_info info = LOY_PATTERNS_INFO_INIT;
    double *x, *m, *w, zero = 0.0, spend = 0.0;
    size_t i, n;
    (void)state;
    for (i = 0; i < s.n; i++) {
        if (s.x[i] >= 1 && s.m[i] == 0.0)
            zero += 1.0;
        else if (s.x[i] >= 1)
            spend += 1.0;
    }
    assert_ok(loy_patterns_get_info(&info, p));
    assert_true(info.zero_spend_customers == zero && zero > 0);
    assert_true(info.spend_customers == spend);
    n = (size_t)info.n_spend_patterns;
    x = malloc(n * sizeof *x);
    m = malloc(n * sizeof *m);
    w = malloc(n * sizeof *w);
    assert_ok(loy_patterns_spend_rows(x, m, w, n, p));
    for (i = 0; i < n; i++) {
        assert_true(x[i] >= 1 && m[i] > 0 && w[i] >= 1);
        if (i > 0)
            assert_true(x[i - 1] < x[i] || (x[i - 1] == x[i] && m[i - 1] < m[i]));
    }
    free(x);
    free(m);
    free(w);
    loy_patterns_free(p);
    sim_free(&s);
}

static void
test_add_errors(void **state)
{
    double x[3] = {1, 2, 0}, tx[3] = {1, 3, 0}, T[3] = {5, 5, 5};
    double m[3] = {3, 4, 0}, w[3] = {1, 1, 1};
    loy_patterns *p = NULL, *q = NULL;
    loy_patterns_info info = LOY_PATTERNS_INFO_INIT;
    size_t bad = 0;
    (void)state;
    assert_status(loy_patterns_new(&p, 0x10u), LOY_EINVAL);
    assert_null(p);
    assert_status(loy_patterns_new(NULL, 0), LOY_EINVAL);
    assert_ok(loy_patterns_new(&p, 0));
    /* t_x > T in the middle: nothing of the chunk is added */
    tx[1] = 6;
    assert_status(loy_patterns_add(p, x, tx, T, NULL, NULL, 3, &bad),
                  LOY_EINCONSISTENT);
    assert_int_equal(bad, 1);
    assert_ok(loy_patterns_get_info(&info, p));
    assert_true(info.n_patterns == 0 && info.n_rows == 0);
    tx[1] = 3;
    x[2] = 0.5;
    assert_status(loy_patterns_add(p, x, tx, T, NULL, NULL, 3, &bad),
                  LOY_ESCALE);
    assert_int_equal(bad, 2);
    x[2] = NAN;
    assert_status(loy_patterns_add(p, x, tx, T, NULL, NULL, 3, &bad),
                  LOY_ENONFINITE);
    x[2] = 0;
    w[0] = -1;
    assert_status(loy_patterns_add(p, x, tx, T, NULL, w, 3, &bad), LOY_ESCALE);
    assert_int_equal(bad, 0);
    w[0] = 0; /* counted as a row, adds no pattern */
    assert_ok(loy_patterns_add(p, x, tx, T, NULL, w, 3, &bad));
    assert_ok(loy_patterns_get_info(&info, p));
    assert_true(info.n_patterns == 2 && info.n_rows == 3 && info.customers == 2);
    /* monetary must match the table's flags */
    assert_status(loy_patterns_add(p, x, tx, T, m, NULL, 3, NULL), LOY_EINVAL);
    assert_ok(loy_patterns_new(&q, LOY_PATTERNS_MONETARY));
    assert_status(loy_patterns_add(q, x, tx, T, NULL, NULL, 3, NULL),
                  LOY_EINVAL);
    m[1] = -2;
    assert_status(loy_patterns_add(q, x, tx, T, m, NULL, 3, &bad), LOY_ESCALE);
    assert_int_equal(bad, 1);
    m[1] = INFINITY;
    assert_status(loy_patterns_add(q, x, tx, T, m, NULL, 3, &bad),
                  LOY_ENONFINITE);
    assert_status(loy_patterns_merge(p, q), LOY_EINVAL);
    assert_status(loy_patterns_add(p, NULL, tx, T, NULL, NULL, 3, NULL),
                  LOY_EINVAL);
    assert_ok(loy_patterns_add(p, NULL, NULL, NULL, NULL, NULL, 0, NULL));
    /* -0.0 and +0.0 are one pattern */
    {
        double z = -0.0, one = 1.0, zero = 0.0, Tz = 5;
        loy_patterns *r = NULL;
        assert_ok(loy_patterns_new(&r, 0));
        assert_ok(loy_patterns_add(r, &z, &z, &Tz, NULL, NULL, 1, NULL));
        assert_ok(loy_patterns_add(r, &zero, &zero, &Tz, NULL, &one, 1, NULL));
        assert_ok(loy_patterns_get_info(&info, r));
        assert_true(info.n_patterns == 1 && info.customers == 2);
        loy_patterns_free(r);
    }
    /* fits of empty or unsuitable tables */
    {
        double par[4];
        loy_patterns *e = NULL;
        assert_ok(loy_patterns_new(&e, 0));
        assert_status(loy_bgnbd_fit_patterns(par, e, NULL, NULL), LOY_EEMPTY);
        assert_status(loy_ggamma_fit_patterns(par, e, NULL, NULL), LOY_EINVAL);
        assert_status(loy_bgnbd_fit_patterns(NULL, e, NULL, NULL), LOY_EINVAL);
        assert_status(loy_pnbd_fit_patterns(par, NULL, NULL, NULL), LOY_EINVAL);
        loy_patterns_free(e);
        assert_status(loy_ggamma_fit_patterns(par, q, NULL, NULL), LOY_EEMPTY);
    }
    loy_patterns_free(p);
    loy_patterns_free(q);
}

/* Write a little-endian u64 / f64 at p. */
static void
put_u64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_f64(uint8_t *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put_u64(p, u);
}

static void
test_malformed(void **state)
{
    double x[3] = {0, 1, 2}, tx[3] = {0, 2, 4}, T[3] = {6, 6, 6};
    double m[3] = {0, 5, 7};
    loy_patterns *p = NULL, *back = NULL;
    uint8_t *buf, bad[512];
    size_t len, k;
    (void)state;
    assert_ok(loy_patterns_new(&p, LOY_PATTERNS_MONETARY));
    assert_ok(loy_patterns_add(p, x, tx, T, m, NULL, 3, NULL));
    buf = table_bytes(p, &len);
    /* 16 header + 40 fixed + 3 x 32 + 2 x 24 */
    assert_int_equal(len, 16 + 40 + 96 + 48);
    assert_int_equal(buf[4], 4); /* kind: patterns */
    for (k = 0; k < len; k++) {
        assert_status(loy_patterns_deserialize(&back, buf, k), LOY_EFORMAT);
        assert_null(back);
    }
    for (k = 0; k < 14; k++) {
        memcpy(bad, buf, len);
        switch (k) {
        case 0: bad[16] = 0x3; break;          /* unknown flag */
        case 1: bad[20] = 1; break;            /* reserved */
        case 2: put_u64(bad + 32, 4); break;   /* n_freq vs length */
        case 3: put_u64(bad + 32, (uint64_t)1 << 61); break;
        case 4: put_u64(bad + 40, UINT64_MAX); break; /* n_spend */
        case 5: put_f64(bad + 48, -1.0); break;/* zero-spend weight */
        case 6: /* rows out of order: swap the first two */
            memcpy(bad + 56, buf + 88, 32);
            memcpy(bad + 88, buf + 56, 32);
            break;
        case 7: /* a duplicate row */
            memcpy(bad + 88, buf + 56, 32);
            break;
        case 8: put_f64(bad + 88 + 8, 9.0); break;   /* t_x > T */
        case 9: put_f64(bad + 88 + 24, 0.0); break;  /* weight 0 */
        case 10: put_f64(bad + 56 + 8, -0.0); break; /* non-canonical key */
        case 11: put_f64(bad + 152 + 8, 0.0); break; /* spend m = 0 */
        case 12: put_f64(bad + 56, NAN); break;
        default: bad[16] = 0; break; /* spend rows without the flag */
        }
        assert_status(loy_patterns_deserialize(&back, bad, len), LOY_EFORMAT);
        assert_null(back);
    }
    assert_status(loy_patterns_deserialize(&back, NULL, len), LOY_EINVAL);
    assert_status(loy_patterns_deserialize(NULL, buf, len), LOY_EINVAL);
    assert_ok(loy_patterns_deserialize(&back, buf, len));
    loy_patterns_free(back);
    {
        uint8_t small[20];
        size_t need = 0;
        assert_status(loy_patterns_serialize(small, sizeof small, &need, p),
                      LOY_EBUFSIZE);
        assert_int_equal(need, len);
        assert_status(loy_patterns_serialize(NULL, 0, NULL, p), LOY_EINVAL);
    }
    free(buf);
    loy_patterns_free(p);
}

/* The fit from a table equals the array fit; merged = one pass exactly. */
static void
test_fits(void **state)
{
    sim s = simulate(1500, 5);
    loy_patterns *all = table_of(&s, 0, s.n, LOY_PATTERNS_MONETARY);
    loy_patterns *a = table_of(&s, 0, 777, LOY_PATTERNS_MONETARY);
    loy_patterns *b = table_of(&s, 777, s.n, LOY_PATTERNS_MONETARY);
    loy_fit_report r1 = LOY_FIT_REPORT_INIT, r2 = LOY_FIT_REPORT_INIT;
    double p1[4], p2[4], p3[4];
    int k;
    (void)state;
    assert_ok(loy_patterns_merge(b, a));
    assert_ok(loy_bgnbd_fit_patterns(p1, all, NULL, &r1));
    assert_ok(loy_bgnbd_fit_patterns(p2, b, NULL, &r2));
    assert_memory_equal(p1, p2, sizeof p1);
    assert_true(r1.loglik == r2.loglik && r1.n_customers == (double)s.n);
    assert_ok(loy_bgnbd_fit(p3, s.x, s.tx, s.T, NULL, s.n, NULL, NULL, NULL));
    for (k = 0; k < 4; k++)
        assert_close(p1[k], p3[k], 1e-5, 0);
    assert_ok(loy_mbgnbd_fit_patterns(p1, all, NULL, NULL));
    assert_ok(loy_mbgnbd_fit(p3, s.x, s.tx, s.T, NULL, s.n, NULL, NULL, NULL));
    for (k = 0; k < 4; k++)
        assert_close(p1[k], p3[k], 1e-5, 0);
    assert_ok(loy_pnbd_fit_patterns(p1, all, NULL, NULL));
    assert_ok(loy_pnbd_fit_patterns(p2, b, NULL, NULL));
    assert_memory_equal(p1, p2, sizeof p1);
    assert_ok(loy_pnbd_fit(p3, s.x, s.tx, s.T, NULL, s.n, NULL, NULL, NULL));
    for (k = 0; k < 4; k++)
        assert_close(p1[k], p3[k], 1e-4, 0);
    /* Gamma-Gamma on the customers with x >= 1 and m > 0 */
    {
        double *gx = malloc(s.n * sizeof *gx), *gm = malloc(s.n * sizeof *gm);
        size_t i, n = 0;
        for (i = 0; i < s.n; i++)
            if (s.x[i] >= 1 && s.m[i] > 0) {
                gx[n] = s.x[i];
                gm[n++] = s.m[i];
            }
        assert_ok(loy_ggamma_fit_patterns(p1, all, NULL, &r1));
        assert_ok(loy_ggamma_fit_patterns(p2, b, NULL, NULL));
        assert_memory_equal(p1, p2, 3 * sizeof p1[0]);
        assert_ok(loy_ggamma_fit(p3, gx, gm, NULL, n, NULL, NULL, NULL));
        for (k = 0; k < 3; k++)
            assert_close(p1[k], p3[k], 1e-5, 0);
        assert_true(r1.n_customers == (double)n);
        free(gx);
        free(gm);
    }
    /* options reach the fit: a bad start is reported by the model */
    {
        loy_fit_options o = LOY_FIT_OPTIONS_INIT;
        double start[4] = {-1, 1, 1, 1};
        o.start = start;
        assert_true(loy_bgnbd_fit_patterns(p1, all, &o, NULL) != LOY_OK);
        o.struct_size = 4;
        assert_status(loy_bgnbd_fit_patterns(p1, all, &o, NULL), LOY_EINVAL);
        /* the 1.0 layout (without max_evals) is honoured: the Python
         * binding's mirror and programs built against 1.0 headers pass it */
        o.start = NULL;
        o.struct_size = offsetof(loy_fit_options, max_evals);
        assert_ok(loy_bgnbd_fit_patterns(p1, all, &o, NULL));
        assert_ok(loy_bgnbd_fit_patterns(p2, all, NULL, NULL));
        assert_memory_equal(p1, p2, sizeof p1);
        assert_ok(loy_ggamma_fit_patterns(p1, all, &o, NULL));
    }
    loy_patterns_free(all);
    loy_patterns_free(a);
    loy_patterns_free(b);
    sim_free(&s);
}

/* CDNOW (FHL 2005): the published BG/NBD estimates from a table built in
 * pieces. */
static void
test_cdnow(void **state)
{
    cdnow_data d;
    loy_patterns *p = NULL, *q = NULL;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double par[4];
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_ok(loy_patterns_new(&p, 0));
    assert_ok(loy_patterns_new(&q, 0));
    assert_ok(loy_patterns_add(p, d.x, d.tx, d.T, NULL, NULL, 1000, NULL));
    assert_ok(loy_patterns_add(q, d.x + 1000, d.tx + 1000, d.T + 1000, NULL,
                               NULL, d.n - 1000, NULL));
    assert_ok(loy_patterns_merge(q, p));
    assert_ok(loy_bgnbd_fit_patterns(par, q, NULL, &rep));
    assert_close(par[0], 0.243, 0, 0.0005);
    assert_close(par[1], 4.414, 0, 0.0005);
    assert_close(par[2], 0.793, 0, 0.0005);
    assert_close(par[3], 2.426, 0, 0.0005);
    assert_close(rep.loglik, -9582.4, 0, 0.05);
    assert_true(rep.n_customers == 2357.0 && rep.n_rows < 2357);
    loy_patterns_free(p);
    loy_patterns_free(q);
    cdnow_free(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_rows),
        cmocka_unit_test(test_split_merge_bytes),
        cmocka_unit_test(test_monetary),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_cdnow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
