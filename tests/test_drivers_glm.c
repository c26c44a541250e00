/* SPDX-License-Identifier: MIT */
/* test_drivers_glm.c - logistic and ordinal driver analyses against R:
 * glm(binomial), the four pseudo-R², a glm-per-subset dominance loop,
 * logistic relative weights (rwa_logit's algorithm), MASS::polr; the
 * Nagelkerke index at large n; separation; bad input.
 *
 * Reference values: tests/ref/drivers_glm_reference.py regenerates the
 * data of glm_data() below and runs R 4.2 (glm with epsilon 1e-15, polr
 * with reltol 1e-15); the numbers are its printed output. */
#include "testutil.h"

#include <float.h>
#include <string.h>

#include "drivers/drivers_internal.h"
#include "numeric/vmath.h"

#define N 500
#define KZ 6 /* y, cls, x1..x4 */

static uint64_t
splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Integer arithmetic only, mirrored by the reference script. */
static void
glm_data(double *z)
{
    uint64_t s = 20240611u;
    size_t i, j;
    for (i = 0; i < N; i++) {
        uint64_t common = (splitmix(&s) >> 40) % 7, score;
        uint64_t x[4];
        for (j = 0; j < 4; j++) {
            uint64_t v = common + (splitmix(&s) >> 40) % 6;
            x[j] = v > 10 ? 10 : v;
        }
        score = 3 * x[0] + 2 * x[1] + x[2] + (splitmix(&s) >> 40) % 25;
        z[i * KZ] = score > 36 ? 1.0 : 0.0;
        z[i * KZ + 1] = score < 30 ? 0.0 : (score < 40 ? 1.0 : 2.0);
        for (j = 0; j < 4; j++)
            z[i * KZ + 2 + j] = (double)x[j];
    }
}

static const size_t drv4[4] = {2, 3, 4, 5};

static loy_drivers_spec
spec_y(size_t outcome)
{
    loy_drivers_spec s = LOY_DRIVERS_SPEC_INIT;
    s.outcome = outcome;
    s.drivers = drv4;
    s.n_drivers = 4;
    return s;
}

static void
assert_metric(const loy_drivers_result *r, uint32_t metric, uint32_t stat,
              const double *want, size_t n, double rel, double abs_tol)
{
    double v[16];
    size_t len = 0, i;
    assert_ok(loy_drivers_result_get(v, 16, &len, r, metric, stat));
    assert_int_equal(len, n);
    for (i = 0; i < n; i++)
        assert_close(v[i], want[i], rel, abs_tol);
}

static void
test_logistic_vs_glm(void **state)
{
    static double z[N * KZ];
    static const double coef[5] = {-6.15529290353364, 0.742157934257442,
                                   0.421024032013, 0.258266957386693,
                                   0.0422389672509602};
    static const double se[4] = {0.104708155134107, 0.0854800142054583,
                                 0.0791030745968368, 0.0772610047710486};
    static const double zv[4] = {7.08787136309402, 4.92540900848512,
                                 3.26494208604403, 0.546704865878059};
    static const double pv[4] = {1.36190468677457e-12, 8.41840783228657e-07,
                                 0.00109486459933887, 0.584581510725326};
    static const double lmg[4][4] = {
        {0.224293689990184, 0.137210919945477, 0.106774735348355,
         0.0780116414417176},
        {0.191963846961293, 0.127042622414267, 0.103718073979448,
         0.0808807094346888},
        {0.265679966666783, 0.175828314667444, 0.143546896323446,
         0.111939745565355},
        {0.255665538582276, 0.160178870986217, 0.126599757877801,
         0.0945076373852885}};
    static const uint32_t lmg_codes[4] = {
        LOY_DRIVERS_LMG_MCFADDEN, LOY_DRIVERS_LMG_COX_SNELL,
        LOY_DRIVERS_LMG_NAGELKERKE, LOY_DRIVERS_LMG_ESTRELLA};
    static const double rw[4] = {0.22029094003685, 0.148671142620582,
                                 0.115078793485107, 0.0814637695735984};
    static const double rws[4] = {0.389547533703955, 0.262899949181336,
                                  0.203497520943218, 0.144054996171491};
    loy_drivers_spec spec = spec_y(0);
    loy_drivers_options o = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    double v[4], sum = 0;
    int k;
    (void)state;
    glm_data(z);
    o.index = LOY_DRIVERS_NAGELKERKE;
    o.flags = LOY_DRIVERS_COMPLETE;
    assert_ok(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, NULL, &spec, &o,
                                   NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_int_equal(s.model, LOY_DRIVERS_MODEL_LOGISTIC);
    assert_close(s.loglik, -145.421787071629, 1e-12, 0);
    assert_close(s.loglik_null, -320.517738940578, 1e-13, 0);
    assert_close(s.mcfadden, 0.546290986725733, 1e-12, 0);
    assert_close(s.cox_snell, 0.503605252789697, 1e-12, 0);
    assert_close(s.nagelkerke, 0.696994923223027, 1e-12, 0);
    assert_close(s.estrella, 0.636951804831582, 1e-12, 0);
    assert_close(s.r2, s.nagelkerke, 0, 0);
    assert_true(s.iterations >= 3 && s.iterations < 20);
    assert_metric(r, LOY_DRIVERS_BETA, LOY_DRIVERS_ESTIMATE, coef + 1, 4,
                  1e-9, 0);
    assert_metric(r, LOY_DRIVERS_INTERCEPT, LOY_DRIVERS_ESTIMATE, coef, 1,
                  1e-9, 0);
    assert_metric(r, LOY_DRIVERS_BETA, LOY_DRIVERS_STDERR, se, 4, 1e-8, 0);
    assert_metric(r, LOY_DRIVERS_T, LOY_DRIVERS_ESTIMATE, zv, 4, 1e-8, 0);
    /* R's vcov() comes from the weights of its last-but-one iteration:
     * its SEs differ from the SEs at the optimum by ~3e-9 relative, which
     * moves a p-value of 1e-12 by ~2e-7 relative. */
    assert_metric(r, LOY_DRIVERS_P, LOY_DRIVERS_ESTIMATE, pv, 4, 1e-6, 0);
    for (k = 0; k < 4; k++) {
        double col[4];
        size_t i;
        for (i = 0; i < 4; i++)
            col[i] = lmg[k][i];
        assert_metric(r, lmg_codes[k], LOY_DRIVERS_ESTIMATE, col, 4, 1e-9,
                      1e-12);
    }
    /* LMG follows the chosen index (Nagelkerke) and sums to it */
    assert_ok(loy_drivers_result_get(v, 4, NULL, r, LOY_DRIVERS_LMG, 0));
    for (k = 0; k < 4; k++) {
        assert_close(v[k], lmg[2][k], 1e-9, 1e-12);
        sum += v[k];
    }
    assert_close(sum, s.nagelkerke, 1e-12, 0);
    /* Nagelkerke is Cox-Snell over a constant: same shares */
    {
        double cs[4], ng[4], t = 0, u = 0;
        assert_ok(loy_drivers_result_get(cs, 4, NULL, r,
                                         LOY_DRIVERS_LMG_COX_SNELL, 0));
        assert_ok(loy_drivers_result_get(ng, 4, NULL, r,
                                         LOY_DRIVERS_LMG_NAGELKERKE, 0));
        for (k = 0; k < 4; k++)
            t += cs[k], u += ng[k];
        for (k = 0; k < 4; k++)
            assert_close(cs[k] / t, ng[k] / u, 1e-12, 0);
    }
    assert_metric(r, LOY_DRIVERS_RW, LOY_DRIVERS_ESTIMATE, rw, 4, 1e-8, 0);
    assert_metric(r, LOY_DRIVERS_RW_SHARE, LOY_DRIVERS_ESTIMATE, rws, 4, 1e-8,
                  0);
    {
        double dc[16];
        assert_ok(loy_drivers_result_get(dc, 16, NULL, r,
                                         LOY_DRIVERS_DOM_COMPLETE, 0));
        for (k = 0; k < 4; k++)
            assert_close(dc[k * 4 + k], 0.5, 0, 0);
    }
    loy_drivers_result_free(r);
}

/* MASS::polr on the ordered NPS class. polr stops by BFGS: 1e-6. */
static void
test_ordinal_vs_polr(void **state)
{
    static double z[N * KZ];
    static const double coef[4] = {0.73501212191412, 0.466949625626983,
                                   0.295704579101457, 0.0569710802613807};
    static const double zeta[2] = {4.9344047794497, 7.26058361851244};
    static const double se[4] = {0.0832034561071275, 0.0725792931885552,
                                 0.0672647940604916, 0.0641347001491893};
    static const double lmg[4] = {0.199271535007886, 0.130200149688064,
                                  0.097168296759568, 0.0643237908893717};
    loy_drivers_spec spec = spec_y(1);
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    (void)state;
    glm_data(z);
    assert_ok(loy_drivers_ordinal(&r, z, N, KZ, KZ, 1, NULL, &spec, NULL,
                                  NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_int_equal(s.model, LOY_DRIVERS_MODEL_ORDINAL);
    assert_int_equal(s.categories, 3);
    assert_close(s.loglik, -241.267734571169, 1e-10, 0);
    /* the null model in closed form: sum n_k ln(n_k/n), counts 102, 97,
     * 301; polr's BFGS stops at -473.969673401392 */
    assert_close(s.loglik_null, 102 * log(102 / 500.0) + 97 * log(97 / 500.0)
                                    + 301 * log(301 / 500.0),
                 1e-14, 0);
    assert_close(s.loglik_null, -473.969673401392, 1e-7, 0);
    assert_close(s.r2, s.mcfadden, 0, 0);
    assert_metric(r, LOY_DRIVERS_BETA, LOY_DRIVERS_ESTIMATE, coef, 4, 1e-6, 0);
    assert_metric(r, LOY_DRIVERS_INTERCEPT, LOY_DRIVERS_ESTIMATE, zeta, 2,
                  1e-6, 0);
    assert_metric(r, LOY_DRIVERS_BETA, LOY_DRIVERS_STDERR, se, 4, 1e-5, 0);
    assert_metric(r, LOY_DRIVERS_LMG, LOY_DRIVERS_ESTIMATE, lmg, 4, 1e-6, 0);
    loy_drivers_result_free(r);
}

/* A balanced outcome at n = 2000: l0 = -2000 ln 2, exp(l0) underflows,
 * yet max Cox-Snell = 1 - exp(-2 ln 2) = 3/4, so Nagelkerke = 4/3 CS. */
static void
test_nagelkerke_large_n(void **state)
{
    enum { NB = 2000 };
    static double z[NB * 3];
    static const size_t d2[2] = {1, 2};
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    uint64_t st = 5;
    size_t i;
    (void)state;
    for (i = 0; i < NB; i++) {
        double a = (double)((splitmix(&st) >> 40) % 11);
        double b = (double)((splitmix(&st) >> 40) % 11);
        z[i * 3] = (double)(i % 2); /* exactly balanced */
        z[i * 3 + 1] = (i % 2) ? (a > 2 ? a : a + 3) : a;
        z[i * 3 + 2] = b;
    }
    spec.outcome = 0;
    spec.drivers = d2;
    spec.n_drivers = 2;
    assert_ok(loy_drivers_logistic(&r, z, NB, 3, 3, 1, NULL, &spec, NULL,
                                   NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_close(s.loglik_null, -NB * log(2.0), 1e-14, 0);
    assert_true(s.cox_snell > 0.01);
    assert_close(s.nagelkerke, s.cox_snell * 4.0 / 3.0, 1e-12, 0);
    loy_drivers_result_free(r);
}

/* Complete separation: LOY_ENOCONV with the result and the best point. */
static void
test_separation(void **state)
{
    enum { NS = 60 };
    double z[NS * 3];
    static const size_t d2[2] = {1, 2};
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_result *r = NULL;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    double v[2];
    size_t i;
    (void)state;
    for (i = 0; i < NS; i++) {
        z[i * 3 + 1] = (double)(i % 11);
        z[i * 3 + 2] = (double)((i * 7) % 5);
        z[i * 3] = z[i * 3 + 1] > 5 ? 1.0 : 0.0; /* x1 separates y */
    }
    spec.drivers = d2;
    spec.n_drivers = 2;
    assert_status(loy_drivers_logistic(&r, z, NS, 3, 3, 1, NULL, &spec, NULL,
                                       NULL),
                  LOY_ENOCONV);
    assert_non_null(r);
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_true(s.flags & LOY_DRIVERS_NOCONV);
    assert_true(s.noconv >= 1);
    assert_true(s.mcfadden > 0.9 && s.mcfadden <= 1.0);
    assert_ok(loy_drivers_result_get(v, 2, NULL, r, LOY_DRIVERS_BETA, 0));
    assert_true(v[0] > 1.0 && isfinite(v[0]));
    loy_drivers_result_free(r);
}

static void
test_glm_bad_input(void **state)
{
    static double z[N * KZ];
    loy_drivers_spec spec = spec_y(0);
    loy_drivers_options o = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r = NULL;
    double w[N];
    size_t err = 0, i;
    (void)state;
    glm_data(z);
    /* outcome not 0/1 */
    z[7 * KZ] = 2.0;
    assert_status(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, NULL, &spec, NULL,
                                       &err),
                  LOY_ESCALE);
    assert_int_equal(err, 7 * (KZ + 1));
    assert_null(r);
    /* NaN: an error, or skipped with LISTWISE */
    z[7 * KZ] = 1.0;
    z[9 * KZ + 3] = (double)NAN;
    assert_status(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, NULL, &spec, NULL,
                                       &err),
                  LOY_ENONFINITE);
    assert_int_equal(err, 9 * (KZ + 1) + 3);
    o.flags = LOY_DRIVERS_LISTWISE;
    assert_ok(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, NULL, &spec, &o,
                                   &err));
    {
        loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
        assert_ok(loy_drivers_result_summary(&s, r));
        assert_int_equal(s.rows_skipped, 1);
        assert_int_equal(s.n, N - 1);
    }
    loy_drivers_result_free(r);
    glm_data(z);
    /* negative weight */
    for (i = 0; i < N; i++)
        w[i] = 1.0;
    w[3] = -1.0;
    assert_status(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, w, &spec, NULL,
                                       &err),
                  LOY_ESCALE);
    assert_int_equal(err, 3 * (KZ + 1) + KZ);
    /* constant outcome */
    for (i = 0; i < N; i++)
        w[i] = z[i * KZ] > 0 ? 1.0 : 0.0;
    assert_status(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, w, &spec, NULL,
                                       &err),
                  LOY_EDEGENERATE);
    assert_int_equal(err, 0);
    /* constant driver, collinear drivers */
    for (i = 0; i < N; i++)
        z[i * KZ + 4] = 5.0;
    assert_status(loy_drivers_logistic(&r, z, N, KZ, KZ, 1, NULL, &spec, NULL,
                                       &err),
                  LOY_EDEGENERATE);
    assert_int_equal(err, 4);
    for (i = 0; i < N; i++)
        z[i * KZ + 4] = z[i * KZ + 2] - z[i * KZ + 3];
    assert_status(loy_drivers_ordinal(&r, z, N, KZ, KZ, 1, NULL, &spec, NULL,
                                      &err),
                  LOY_EDEGENERATE);
    assert_int_equal(err, 4);
    glm_data(z);
    /* too few rows, no row, a single category, above the exact limit */
    assert_status(loy_drivers_logistic(&r, z, 5, KZ, KZ, 1, NULL, &spec, NULL,
                                       &err),
                  LOY_EDEGENERATE);
    assert_status(loy_drivers_logistic(&r, z, 0, KZ, KZ, 1, NULL, &spec, NULL,
                                       &err),
                  LOY_EEMPTY);
    for (i = 0; i < N; i++)
        z[i * KZ + 1] = 2.0;
    spec = spec_y(1);
    assert_status(loy_drivers_ordinal(&r, z, N, KZ, KZ, 1, NULL, &spec, NULL,
                                      &err),
                  LOY_EDEGENERATE);
    glm_data(z);
    o = (loy_drivers_options)LOY_DRIVERS_OPTIONS_INIT;
    o.max_exact = 3;
    assert_status(loy_drivers_ordinal(&r, z, N, KZ, KZ, 1, NULL, &spec, &o,
                                      &err),
                  LOY_EDOMAIN);
    o.flags = LOY_DRIVERS_FULL_ONLY;
    assert_ok(loy_drivers_ordinal(&r, z, N, KZ, KZ, 1, NULL, &spec, &o,
                                  &err));
    assert_status(loy_drivers_result_get(w, N, NULL, r, LOY_DRIVERS_LMG, 0),
                  LOY_EDOMAIN);
    loy_drivers_result_free(r);
    o.flags = LOY_DRIVERS_BOOTSTRAP;
    assert_status(loy_drivers_ordinal(&r, z, N, KZ, KZ, 1, NULL, &spec, &o,
                                      &err),
                  LOY_EINVAL);
    assert_status(loy_drivers_logistic(NULL, z, N, KZ, KZ, 1, NULL, &spec,
                                       NULL, &err),
                  LOY_EINVAL);
    assert_status(loy_drivers_logistic(&r, NULL, N, KZ, KZ, 1, NULL, &spec,
                                       NULL, &err),
                  LOY_EINVAL);
}

/* Weights: frequency-style integer weights give the same fit as repeated
 * rows (up to the mean-1 rescaling, which only moves n). */
static void
test_weights_columns(void **state)
{
    static double z[N * KZ], zc[KZ * N], zz[2 * N * KZ];
    loy_drivers_spec spec = spec_y(0);
    loy_drivers_result *a, *b, *c;
    double w[N], va[4], vb[4], vc[4];
    size_t i, j;
    (void)state;
    glm_data(z);
    for (i = 0; i < N; i++) {
        w[i] = 2.0;
        for (j = 0; j < KZ; j++) {
            zc[j * N + i] = z[i * KZ + j];
            zz[i * KZ + j] = zz[(N + i) * KZ + j] = z[i * KZ + j];
        }
    }
    assert_ok(loy_drivers_logistic(&a, z, N, KZ, KZ, 1, w, &spec, NULL, NULL));
    assert_ok(loy_drivers_logistic(&b, zc, N, KZ, 1, N, NULL, &spec, NULL,
                                   NULL));
    assert_ok(loy_drivers_logistic(&c, zz, 2 * N, KZ, KZ, 1, NULL, &spec,
                                   NULL, NULL));
    assert_ok(loy_drivers_result_get(va, 4, NULL, a, LOY_DRIVERS_BETA, 0));
    assert_ok(loy_drivers_result_get(vb, 4, NULL, b, LOY_DRIVERS_BETA, 0));
    assert_ok(loy_drivers_result_get(vc, 4, NULL, c, LOY_DRIVERS_BETA, 0));
    for (i = 0; i < 4; i++) {
        assert_close(va[i], vb[i], 1e-12, 0);
        assert_close(vc[i], vb[i], 1e-10, 0);
    }
    loy_drivers_result_free(a);
    loy_drivers_result_free(b);
    loy_drivers_result_free(c);
}

/* The vector exp and log1p of the logistic passes, lane by lane, against
 * libm (itself within 1 ulp): 2 and 3 ulp at most, on a grid that crosses
 * the range-reduction and branch points. */
static void
test_vmath(void **state)
{
#ifdef LOY__VMATH_VEC
    double worst_e = 0.0, worst_l = 0.0;
    int i;
    (void)state;
    for (i = 0; i <= 40000; i++) {
        double x = -699.9 * (double)i / 40000.0 - 1e-3 * (i % 7);
        double e = (double)i / 40000.0, v[4], w[4], re, rl;
        loy__v4d vx = {x, x * 0.5, x * 1e-3, -x * x * 1e-9};
        loy__v4d ve = {e, e * e, 1.0 - e, e * 1e-7}, out;
        loy__v4_exp_neg(&out, &vx);
        memcpy(v, &out, sizeof v);
        loy__v4_log1p_unit(&out, &ve);
        memcpy(w, &out, sizeof w);
        re = fabs(v[0] - exp(x)) / exp(x);
        re = fmax(re, fabs(v[1] - exp(x * 0.5)) / exp(x * 0.5));
        re = fmax(re, fabs(v[2] - exp(x * 1e-3)) / exp(x * 1e-3));
        re = fmax(re, fabs(v[3] - exp(-x * x * 1e-9)) / exp(-x * x * 1e-9));
        rl = e > 0 ? fabs(w[0] - log1p(e)) / log1p(e) : fabs(w[0]);
        rl = fmax(rl, e > 0 ? fabs(w[1] - log1p(e * e)) / log1p(e * e) : 0);
        rl = fmax(rl, e < 1 ? fabs(w[2] - log1p(1 - e)) / log1p(1 - e) : 0);
        rl = fmax(rl, e > 0 ? fabs(w[3] - log1p(e * 1e-7)) / log1p(e * 1e-7)
                            : 0);
        worst_e = fmax(worst_e, re);
        worst_l = fmax(worst_l, rl);
    }
    /* measured: 1.0 and 2.0 ulp */
    assert_true(worst_e < 2 * DBL_EPSILON);
    assert_true(worst_l < 3 * DBL_EPSILON);
    /* exp up to 700 and expm1 (both sides of its switch at |x| = 1/2) */
    worst_e = worst_l = 0.0;
    for (i = 0; i <= 40000; i++) {
        double x = 700.0 * (double)i / 40000.0, v[4], w[4];
        double a[4] = {x, -x * 1e-3, x * 1e-3, 1e-9 * x - 0.5};
        loy__v4d vx, out;
        int k;
        memcpy(&vx, a, sizeof a);
        loy__v4_exp_n(&out, &vx, 1);
        memcpy(v, &out, sizeof v);
        loy__v4_expm1_n(&out, &vx, 1);
        memcpy(w, &out, sizeof w);
        worst_e = fmax(worst_e, fabs(v[0] - exp(x)) / exp(x));
        for (k = 1; k < 4; k++)
            if (a[k] != 0.0)
                worst_l = fmax(worst_l, fabs(w[k] - expm1(a[k]))
                                            / fabs(expm1(a[k])));
            else
                assert_true(w[k] == 0.0);
    }
    /* measured: 1.0 and 1.5 ulp */
    assert_true(worst_e < 2 * DBL_EPSILON);
    assert_true(worst_l < 3 * DBL_EPSILON);
    {
        loy__v4d vx = {-701.0, -1e300, 0.0, -0.0}, out;
        double v[4];
        loy__v4_exp_neg(&out, &vx);
        memcpy(v, &out, sizeof v);
        assert_true(v[0] == 0.0 && v[1] == 0.0 && v[2] == 1.0 && v[3] == 1.0);
    }
#else
    (void)state;
    skip();
#endif
}

/* The eight-lane kernels (the AVX-512 paths') against the four-lane
 * ones on the grids above and their edges: the same bits, lane for lane. */
static void
test_vmath_widths(void **state)
{
#ifdef LOY__VMATH_VEC
    enum { NW = 4096 };
    static double in[4][NW], o4[6][NW], o8[6][NW];
    size_t i, k;
    (void)state;
    for (i = 0; i < NW; i++) {
        double u = (double)i / (double)NW;
        in[0][i] = -720.0 * u;                    /* exp: below -700 too */
        in[1][i] = 700.0 * u - 0.7 * (double)(i % 3);  /* exp, expm1 */
        in[2][i] = u + (double)(i % 5) * 0.25;          /* log1p_unit */
        in[3][i] = ldexp(1.0 + u, (int)(i % 2000) - 1000); /* log */
    }
    for (i = 0; i < NW; i += 8) {
        loy__v4d x4[2], y4[2];
        loy__v8d x8, y8;
        loy__v4l bad4[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
        loy__v8l bad8 = {0, 0, 0, 0, 0, 0, 0, 0};
#define W_RUN(slot, src, f4, f8)                                           \
    memcpy(x4, &in[src][i], sizeof x4);                                    \
    memcpy(&x8, &in[src][i], sizeof x8);                                   \
    f4;                                                                    \
    f8;                                                                    \
    memcpy(&o4[slot][i], y4, sizeof y4);                                   \
    memcpy(&o8[slot][i], &y8, sizeof y8)
        W_RUN(0, 0, loy__v4_exp_neg_n(y4, x4, 2), loy__v8_exp_neg_n(&y8, &x8, 1));
        W_RUN(1, 1, loy__v4_exp_n(y4, x4, 2), loy__v8_exp_n(&y8, &x8, 1));
        W_RUN(2, 1, loy__v4_expm1_n(y4, x4, 2), loy__v8_expm1_n(&y8, &x8, 1));
        W_RUN(3, 2, loy__v4_log1p_unit_n(y4, x4, 2),
              loy__v8_log1p_unit_n(&y8, &x8, 1));
        W_RUN(4, 3, loy__v4_log_n(y4, x4, 2), loy__v8_log_n(&y8, &x8, 1));
        W_RUN(5, 3, loy__v4_log1p_pos_n(y4, x4, bad4, 2),
              loy__v8_log1p_pos_n(&y8, &x8, &bad8, 1));
#undef W_RUN
    }
    for (k = 0; k < 6; k++)
        assert_memory_equal(o4[k], o8[k], sizeof o4[k]);
#else
    (void)state;
    skip();
#endif
}

/*
 * The logistic pass on each vector path the CPU has (two lanes on the
 * baseline, four with AVX2): the same log-likelihood, largest |eta| and
 * working vectors, byte for byte, for lengths around the four-row steps
 * and etas from 0 to past the exp kernel's range; and the
 * log-likelihood within 1e-14 of the terms' sizes from a libm sum.
 */
static void
test_logit_pass_paths(void **state)
{
    enum { NMAX = 1003 };
    static const size_t lens[] = {1, 3, 4, 5, 8, 1003};
    static double eta[NMAX], y[NMAX], w[NMAX], r[2][NMAX], wv[2][NMAX];
    uint64_t s = 11;
    unsigned paths = 0;
    size_t li, i;
    int path;
    (void)state;
    for (i = 0; i < NMAX; i++) {
        double u = (double)(splitmix(&s) >> 11) * 0x1.0p-53;
        eta[i] = i % 97 == 0 ? 800.0 * (u - 0.5)
                 : i % 13 == 0 ? 0.0 : 40.0 * (u - 0.5);
        y[i] = (double)(splitmix(&s) >> 63);
        w[i] = i % 11 == 0 ? 0.0 : 0.5 + u;
    }
    for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        double ll[2] = {0.0, 0.0}, big[2] = {0.0, 0.0}, ref = 0.0, mag = 0.0;
        int have = 0;
        for (i = 0; i < lens[li]; i++) {
            double a = fabs(eta[i]);
            double t = w[i] * (y[i] * eta[i]
                               - ((eta[i] > 0.0 ? eta[i] : 0.0)
                                  + log1p(exp(-a))));
            ref += t;
            mag += fabs(t) + w[i] * a;
        }
        for (path = 0; path < 3; path++) {
            loy__glm d;
            int k = have > 0;
            memset(&d, 0, sizeof d);
            d.n = lens[li];
            d.eta = eta;
            d.y = y;
            d.w = w;
            d.r = r[k];
            d.wv = wv[k];
            if (!loy__glm_logit_pass_lanes(path, &d, &ll[k], &big[k]))
                continue;
            paths |= 1u << path;
            /* a few ulp per term (the kernels, the sum's order) */
            assert_true(fabs(ll[k] - ref) <= 1e-14 * mag);
            if (have++ == 0)
                continue;
            assert_memory_equal(&ll[1], &ll[0], sizeof ll[0]);
            assert_memory_equal(&big[1], &big[0], sizeof big[0]);
            assert_memory_equal(r[1], r[0], lens[li] * sizeof r[0][0]);
            assert_memory_equal(wv[1], wv[0], lens[li] * sizeof wv[0][0]);
        }
    }
    print_message("logistic pass paths compared (baseline, AVX2): %u %u\n",
                  paths & 1u, (paths >> 1) & 1u);
    assert_true((paths & 1u) != 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logistic_vs_glm),
        cmocka_unit_test(test_ordinal_vs_polr),
        cmocka_unit_test(test_nagelkerke_large_n),
        cmocka_unit_test(test_separation),
        cmocka_unit_test(test_glm_bad_input),
        cmocka_unit_test(test_weights_columns),
        cmocka_unit_test(test_vmath),
        cmocka_unit_test(test_vmath_widths),
        cmocka_unit_test(test_logit_pass_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
