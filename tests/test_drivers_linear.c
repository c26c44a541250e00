/* SPDX-License-Identifier: MIT */
/* test_drivers_linear.c - linear driver analysis: the relaimpo reference
 * values of MODELS.md 12.12 (R's swiss data), lm() coefficients, groups,
 * covariates, dominance against a brute-force refit per subset, shards,
 * sampling above the exact limit, the jackknife, the Poisson bootstrap,
 * pairwise deletion and every bad-input class. */
#include "testutil.h"

#include <string.h>

/* R `swiss` (datasets package, public data): Fertility, Agriculture,
 * Examination, Education, Catholic, Infant.Mortality; 47 provinces. */
static const double swiss[47][6] = {
    {80.2, 17, 15, 12, 9.96, 22.2},
    {83.1, 45.1, 6, 9, 84.84, 22.2},
    {92.5, 39.7, 5, 5, 93.4, 20.2},
    {85.8, 36.5, 12, 7, 33.77, 20.3},
    {76.9, 43.5, 17, 15, 5.16, 20.6},
    {76.1, 35.3, 9, 7, 90.57, 26.6},
    {83.8, 70.2, 16, 7, 92.85, 23.6},
    {92.4, 67.8, 14, 8, 97.16, 24.9},
    {82.4, 53.3, 12, 7, 97.67, 21},
    {82.9, 45.2, 16, 13, 91.38, 24.4},
    {87.1, 64.5, 14, 6, 98.61, 24.5},
    {64.1, 62, 21, 12, 8.52, 16.5},
    {66.9, 67.5, 14, 7, 2.27, 19.1},
    {68.9, 60.7, 19, 12, 4.43, 22.7},
    {61.7, 69.3, 22, 5, 2.82, 18.7},
    {68.3, 72.6, 18, 2, 24.2, 21.2},
    {71.7, 34, 17, 8, 3.3, 20},
    {55.7, 19.4, 26, 28, 12.11, 20.2},
    {54.3, 15.2, 31, 20, 2.15, 10.8},
    {65.1, 73, 19, 9, 2.84, 20},
    {65.5, 59.8, 22, 10, 5.23, 18},
    {65, 55.1, 14, 3, 4.52, 22.4},
    {56.6, 50.9, 22, 12, 15.14, 16.7},
    {57.4, 54.1, 20, 6, 4.2, 15.3},
    {72.5, 71.2, 12, 1, 2.4, 21},
    {74.2, 58.1, 14, 8, 5.23, 23.8},
    {72, 63.5, 6, 3, 2.56, 18},
    {60.5, 60.8, 16, 10, 7.72, 16.3},
    {58.3, 26.8, 25, 19, 18.46, 20.9},
    {65.4, 49.5, 15, 8, 6.1, 22.5},
    {75.5, 85.9, 3, 2, 99.71, 15.1},
    {69.3, 84.9, 7, 6, 99.68, 19.8},
    {77.3, 89.7, 5, 2, 100, 18.3},
    {70.5, 78.2, 12, 6, 98.96, 19.4},
    {79.4, 64.9, 7, 3, 98.22, 20.2},
    {65, 75.9, 9, 9, 99.06, 17.8},
    {92.2, 84.6, 3, 3, 99.46, 16.3},
    {79.3, 63.1, 13, 13, 96.83, 18.1},
    {70.4, 38.4, 26, 12, 5.62, 20.3},
    {65.7, 7.7, 29, 11, 13.79, 20.5},
    {72.7, 16.7, 22, 13, 11.22, 18.9},
    {64.4, 17.6, 35, 32, 16.92, 23},
    {77.6, 37.6, 15, 7, 4.97, 20},
    {67.6, 18.7, 25, 7, 8.65, 19.5},
    {35, 1.2, 37, 53, 42.34, 18},
    {44.7, 46.6, 16, 29, 50.43, 18.2},
    {42.8, 27.7, 22, 29, 58.33, 19.3},
};

static const size_t all5[5] = {1, 2, 3, 4, 5};

static loy_moments *
swiss_tally(const double *w)
{
    loy_moments *t;
    assert_ok(loy_moments_new(&t, 6, 0));
    assert_ok(loy_moments_add(t, &swiss[0][0], 47, 6, 1, w, NULL, NULL));
    return t;
}

static void
get_vec(double *out, size_t want_len, const loy_drivers_result *r,
        uint32_t metric, uint32_t stat)
{
    size_t len = 0;
    assert_ok(loy_drivers_result_get(out, want_len, &len, r, metric, stat));
    assert_int_equal(len, want_len);
}

static void
assert_vec(const loy_drivers_result *r, uint32_t metric, const double *want,
           size_t n, double tol)
{
    double v[64];
    size_t i;
    get_vec(v, n, r, metric, LOY_DRIVERS_ESTIMATE);
    for (i = 0; i < n; i++)
        assert_close(v[i], want[i], 0, tol);
}

static loy_drivers_spec
spec_of(const size_t *drivers, size_t p)
{
    loy_drivers_spec s = LOY_DRIVERS_SPEC_INIT;
    s.outcome = 0;
    s.drivers = drivers;
    s.n_drivers = p;
    return s;
}

/* MODELS.md 12.12: relaimpo 2.2-7, rela = FALSE. */
static void
test_swiss_reference(void **state)
{
    static const double lmg[5] = {0.0570912208, 0.1711730289, 0.2601346786,
                                  0.1055701504, 0.1127659229};
    static const double share[5] = {0.0807816517, 0.2422025632, 0.3680795178,
                                    0.1493772774, 0.1595589898};
    static const double first[5] = {0.1246649099, 0.4171644705, 0.4406156467,
                                    0.2150035016, 0.1735189273};
    static const double last[5] = {0.0428696071, 0.0073874185, 0.1619626931,
                                   0.0623726258, 0.0569452587};
    static const double betasq[5] = {0.0979197290, 0.0271518626, 0.4494372060,
                                     0.1208257796, 0.0630692786};
    static const double pratt[5] = {-0.1104859910, 0.1064274043, 0.4450045676,
                                    0.1611768150, 0.1046122056};
    static const double genizi[5] = {0.0484168958, 0.1547082498, 0.2719641046,
                                     0.1146800299, 0.1169657214};
    static const double car[5] = {0.0005674742, 0.1511339908, 0.3232680710,
                                  0.1150731842, 0.1166922814};
    loy_moments *t = swiss_tally(NULL);
    loy_drivers_spec spec = spec_of(all5, 5);
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    (void)state;
    assert_ok(loy_drivers_linear(&r, t, &spec, NULL, NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_close(s.r2, 0.7067350016, 0, 1e-10);
    assert_close(s.r2_decomp, 0.7067350016, 0, 1e-10);
    assert_int_equal(s.n, 47);
    assert_int_equal(s.n_players, 5);
    /* the table is printed to 10 decimals: agreement to 1e-10 */
    assert_vec(r, LOY_DRIVERS_LMG, lmg, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_LMG_SHARE, share, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_FIRST, first, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_LAST, last, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_BETASQ, betasq, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_PRATT, pratt, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_RW, genizi, 5, 1e-10);
    assert_vec(r, LOY_DRIVERS_CAR, car, 5, 1e-10);
    loy_drivers_result_free(r);
    loy_moments_free(t);
}

/* R: summary(lm(Fertility ~ ., data = swiss)), printed with 15 digits. */
static void
test_swiss_lm(void **state)
{
    static const double beta[5] = {-0.172113970941455, -0.258008239834724,
                                   -0.870940062939424, 0.104115330743767,
                                   1.077048140690988};
    static const double se[5] = {0.0703039231786481, 0.2538782008920986,
                                 0.1830286015712589, 0.0352578525361689,
                                 0.3817196508580713};
    static const double tv[5] = {-2.44814177018400, -1.01626779663679,
                                 -4.75849159892280, 2.95296858017548,
                                 2.82156849475756};
    static const double pv[5] = {1.87271543851755e-02, 3.15461723143726e-01,
                                 2.43060459073792e-05, 5.19007854516596e-03,
                                 7.33571532060147e-03};
    static const double sign[5] = {-1, -1, -1, 1, 1};
    double v[5];
    size_t i;
    loy_moments *t = swiss_tally(NULL);
    loy_drivers_spec spec = spec_of(all5, 5);
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    (void)state;
    assert_ok(loy_drivers_linear(&r, t, &spec, NULL, NULL));
    get_vec(v, 5, r, LOY_DRIVERS_BETA, LOY_DRIVERS_ESTIMATE);
    for (i = 0; i < 5; i++)
        assert_close(v[i], beta[i], 1e-10, 0);
    get_vec(v, 5, r, LOY_DRIVERS_BETA, LOY_DRIVERS_STDERR);
    for (i = 0; i < 5; i++)
        assert_close(v[i], se[i], 1e-10, 0);
    get_vec(v, 5, r, LOY_DRIVERS_T, LOY_DRIVERS_ESTIMATE);
    for (i = 0; i < 5; i++)
        assert_close(v[i], tv[i], 1e-10, 0);
    get_vec(v, 5, r, LOY_DRIVERS_P, LOY_DRIVERS_ESTIMATE);
    for (i = 0; i < 5; i++)
        assert_close(v[i], pv[i], 1e-9, 0);
    assert_vec(r, LOY_DRIVERS_SIGN, sign, 5, 0);
    get_vec(v, 1, r, LOY_DRIVERS_INTERCEPT, LOY_DRIVERS_ESTIMATE);
    assert_close(v[0], 66.915181678968693, 1e-11, 0);
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_close(s.r2, 0.706735001592726, 1e-12, 0);
    assert_close(s.r2_adj, 0.670970977396716, 1e-12, 0);
    assert_close(s.f_stat, 19.761059262217760, 1e-11, 0);
    assert_close(s.df_resid, 41, 0, 0);
    assert_true(s.f_p > 0 && s.f_p < 1e-8);
    /* standardized coefficients: beta * sd(x) / sd(y); their squares are
     * betasq without covariates */
    get_vec(v, 5, r, LOY_DRIVERS_BETA_STD, LOY_DRIVERS_ESTIMATE);
    assert_close(v[2] * v[2], 0.4494372060, 0, 1e-10);
    loy_drivers_result_free(r);
    loy_moments_free(t);
}

/* MODELS.md 12.12 and relaimpo 2.2-7 (built from its CRAN source):
 * calc.relimp(Fertility ~ ., swiss, always = "Education",
 * type = c("lmg", "first", "last", "betasq", "pratt")). */
static void
test_swiss_always(void **state)
{
    static const size_t drv[4] = {1, 2, 4, 5}, alw[1] = {3};
    static const double lmg[4] = {0.0343275794, 0.0388469579, 0.1016585431,
                                  0.0912862744};
    static const double first[4] = {0.0086327751994, 0.0648688719134,
                                    0.133891475929, 0.124164361546};
    static const double last[4] = {0.0428696071255, 0.0073874185151,
                                   0.062372625827, 0.056945258732};
    static const double betasq[4] = {0.0578716318650, 0.0139076204722,
                                     0.117965523280, 0.062447110939};
    static const double pratt[4] = {0.0223515723902, 0.0300361723765,
                                    0.125676481573, 0.088055128529};
    double v[4], sum = 0;
    size_t i;
    loy_moments *t = swiss_tally(NULL);
    loy_drivers_spec spec = spec_of(drv, 4);
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    (void)state;
    spec.always = alw;
    spec.n_always = 1;
    assert_ok(loy_drivers_linear(&r, t, &spec, NULL, NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_close(s.r2, 0.7067350016, 0, 1e-10);
    assert_close(s.r2_decomp, 0.2661193549, 0, 1e-10);
    assert_close(s.r2_always, 0.7067350016 - 0.2661193549, 0, 1e-10);
    assert_vec(r, LOY_DRIVERS_LMG, lmg, 4, 1e-10);
    assert_vec(r, LOY_DRIVERS_FIRST, first, 4, 1e-11);
    assert_vec(r, LOY_DRIVERS_LAST, last, 4, 1e-11);
    assert_vec(r, LOY_DRIVERS_BETASQ, betasq, 4, 1e-11);
    assert_vec(r, LOY_DRIVERS_PRATT, pratt, 4, 1e-11);
    /* RW and CAR: from the partial correlations times 1 - R²(A), so they
     * add up to R2.decomp (derived; relaimpo refuses them here) */
    get_vec(v, 4, r, LOY_DRIVERS_RW, LOY_DRIVERS_ESTIMATE);
    for (i = 0; i < 4; i++)
        sum += v[i];
    assert_close(sum, 0.2661193549, 0, 1e-10);
    loy_drivers_result_free(r);
    loy_moments_free(t);
}

/* MODELS.md 12.12: groups = c("Education", "Examination") with weights =
 * abs(-23:23) (row 24 has weight 0), relaimpo 2.2-7. */
static void
test_swiss_groups_weights(void **state)
{
    static const uint32_t groups[5] = {1, 0, 0, 2, 3};
    static const double lmg[4] = {0.4995375125, 0.0763685862, 0.0561428604,
                                  0.1080137059};
    static const double first[4] = {0.630791932239, 0.149772039913,
                                    0.136308214941, 0.169077595394};
    static const double last[4] = {0.3922418187783, 0.0215352789637,
                                   0.0177643409774, 0.0382781693236};
    /* lm(Fertility ~ ., swiss, weights = abs(-23:23)) */
    static const double beta[5] = {-0.1378380865133232, -0.2572764705416901,
                                   -0.9378151514400098, 0.0719334532817681,
                                   1.1950367128455557};
    static const double se[5] = {0.0757178580549231, 0.2670329719667213,
                                 0.1781868552031047, 0.0435071559797468,
                                 0.4923908832056021};
    double w[47], v[16];
    size_t i;
    loy_moments *t;
    loy_drivers_spec spec = spec_of(all5, 5);
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    (void)state;
    for (i = 0; i < 47; i++)
        w[i] = fabs((double)i - 23.0);
    t = swiss_tally(w);
    spec.groups = groups;
    assert_ok(loy_drivers_linear(&r, t, &spec, NULL, NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_close(s.r2, 0.7400626650, 0, 1e-10);
    assert_int_equal(s.n, 46);
    assert_int_equal(s.n_players, 4);
    assert_vec(r, LOY_DRIVERS_LMG, lmg, 4, 1e-10);
    assert_vec(r, LOY_DRIVERS_FIRST, first, 4, 1e-11);
    assert_vec(r, LOY_DRIVERS_LAST, last, 4, 1e-11);
    get_vec(v, 5, r, LOY_DRIVERS_BETA, LOY_DRIVERS_ESTIMATE);
    for (i = 0; i < 5; i++)
        assert_close(v[i], beta[i], 1e-10, 0);
    get_vec(v, 5, r, LOY_DRIVERS_BETA, LOY_DRIVERS_STDERR);
    for (i = 0; i < 5; i++)
        assert_close(v[i], se[i], 1e-10, 0);
    /* betasq and pratt have no group version (relaimpo refuses them) */
    assert_status(loy_drivers_result_get(v, 16, NULL, r, LOY_DRIVERS_BETASQ,
                                         0),
                  LOY_EDOMAIN);
    /* the conditional matrix is g x g */
    get_vec(v, 16, r, LOY_DRIVERS_CONDITIONAL, LOY_DRIVERS_ESTIMATE);
    loy_drivers_result_free(r);
    loy_moments_free(t);
}

/* ------------------------------------------------------------------ */
/* Brute force: R² of every subset by Gaussian elimination with partial
 * pivoting on the covariance of the subset (independent of the library's
 * sweeps), then Shapley weights, conditional and complete dominance. */

#define BP 8
#define BN 400

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

static double
gauss(uint64_t *s)
{
    return sqrt(-2.0 * log(unif(s))) * cos(6.283185307179586 * unif(s));
}

/* Survey-like data: y and BP ratings 0-10 driven by two factors. */
static void
make_survey(double *z, size_t n, size_t p, uint64_t seed)
{
    size_t i, j;
    uint64_t s = seed;
    for (i = 0; i < n; i++) {
        double f1 = gauss(&s), f2 = gauss(&s), y = 0.0;
        for (j = 0; j < p; j++) {
            double v = 6.0 + 1.5 * (j % 2 ? f1 : f2) * (0.5 + 0.1 * (double)j)
                       + 1.3 * gauss(&s);
            v = floor(v + 0.5);
            v = v < 0 ? 0 : (v > 10 ? 10 : v);
            z[i * (p + 1) + 1 + j] = v;
            y += (0.05 + 0.07 * (double)j) * v;
        }
        y += 1.2 * gauss(&s);
        z[i * (p + 1)] = floor(y + 0.5);
    }
}

static void
brute_cov(double *S, const double *z, size_t n, size_t k)
{
    size_t i, j, l;
    double m[16] = {0};
    for (i = 0; i < n; i++)
        for (j = 0; j < k; j++)
            m[j] += z[i * k + j] / (double)n;
    for (j = 0; j < k; j++)
        for (l = 0; l < k; l++) {
            double s = 0;
            for (i = 0; i < n; i++)
                s += (z[i * k + j] - m[j]) * (z[i * k + l] - m[l]);
            S[j * k + l] = s / (double)n;
        }
}

/* R² of y (column 0) on the columns listed (1-based in S). */
static double
brute_r2(const double *S, size_t k, const size_t *cols, size_t m)
{
    double A[16][17];
    size_t i, j, c, piv;
    double fit = 0.0;
    if (m == 0)
        return 0.0;
    for (i = 0; i < m; i++) {
        for (j = 0; j < m; j++)
            A[i][j] = S[cols[i] * k + cols[j]];
        A[i][m] = S[cols[i] * k];
    }
    for (c = 0; c < m; c++) {
        piv = c;
        for (i = c + 1; i < m; i++)
            if (fabs(A[i][c]) > fabs(A[piv][c]))
                piv = i;
        for (j = 0; j <= m; j++) {
            double t = A[c][j];
            A[c][j] = A[piv][j];
            A[piv][j] = t;
        }
        for (i = 0; i < m; i++)
            if (i != c) {
                double f = A[i][c] / A[c][c];
                for (j = c; j <= m; j++)
                    A[i][j] -= f * A[c][j];
            }
    }
    for (i = 0; i < m; i++)
        fit += (A[i][m] / A[i][i]) * S[cols[i] * k];
    return fit / S[0];
}

/* R² of the union of the players in mask (players -> column lists). */
static double
mask_r2(const double *S, size_t k, uint32_t mask, const uint32_t *grp,
        size_t p)
{
    size_t cols[16], m = 0, j;
    for (j = 0; j < p; j++)
        if (mask >> grp[j] & 1u)
            cols[m++] = 1 + j;
    return brute_r2(S, k, cols, m);
}

static double
binom(size_t n, size_t k)
{
    double b = 1;
    size_t i;
    for (i = 0; i < k; i++)
        b = b * (double)(n - i) / (double)(i + 1);
    return b;
}

static int
popcount(uint32_t m)
{
    int c = 0;
    while (m) {
        c += (int)(m & 1u);
        m >>= 1;
    }
    return c;
}

static void
test_dominance_bruteforce(void **state)
{
    static double z[BN * (BP + 1)];
    static const uint32_t grp[BP] = {0, 1, 2, 2, 3, 4, 5, 6}; /* a pair */
    static const size_t drv[BP] = {1, 2, 3, 4, 5, 6, 7, 8};
    const size_t g = 7, k = BP + 1;
    double S[81], r2[128], lmg[7] = {0}, cond[49] = {0}, v[64], codes[49];
    double share[49];
    uint32_t m, i, j;
    loy_moments *t;
    loy_drivers_spec spec = spec_of(drv, BP);
    loy_drivers_options o = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    double sum_lmg = 0, sum_rw = 0, sum_car = 0;
    (void)state;
    make_survey(z, BN, BP, 11);
    brute_cov(S, z, BN, k);
    for (m = 0; m < (1u << g); m++)
        r2[m] = mask_r2(S, k, m, grp, BP);
    for (i = 0; i < g; i++)
        for (m = 0; m < (1u << g); m++) {
            int sz = popcount(m);
            double gain;
            if (m >> i & 1u)
                continue;
            gain = r2[m | 1u << i] - r2[m];
            cond[i * g + (size_t)sz] += gain / binom(g - 1, (size_t)sz);
        }
    for (i = 0; i < g; i++) {
        for (j = 0; j < g; j++)
            lmg[i] += cond[i * g + j] / (double)g;
    }
    for (i = 0; i < g; i++)
        for (j = 0; j < g; j++) {
            uint32_t wins = 0, loses = 0, tot = 0;
            if (i == j) {
                codes[i * g + j] = share[i * g + j] = 0.5;
                continue;
            }
            for (m = 0; m < (1u << g); m++) {
                if ((m >> i & 1u) || (m >> j & 1u))
                    continue;
                tot++;
                wins += r2[m | 1u << i] > r2[m | 1u << j];
                loses += r2[m | 1u << i] < r2[m | 1u << j];
            }
            share[i * g + j] = (double)wins / tot;
            codes[i * g + j] = wins == tot ? 1.0 : (loses == tot ? 0.0 : 0.5);
        }

    assert_ok(loy_moments_new(&t, k, LOY_MOMENTS_INTEGER));
    assert_ok(loy_moments_add(t, z, BN, k, 1, NULL, NULL, NULL));
    spec.groups = grp;
    o.flags = LOY_DRIVERS_COMPLETE;
    assert_ok(loy_drivers_linear(&r, t, &spec, &o, NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_close(s.r2, r2[(1u << g) - 1], 1e-12, 0);
    assert_vec(r, LOY_DRIVERS_LMG, lmg, g, 1e-13);
    assert_vec(r, LOY_DRIVERS_CONDITIONAL, cond, g * g, 1e-13);
    assert_vec(r, LOY_DRIVERS_DOM_COMPLETE, codes, g * g, 0);
    assert_vec(r, LOY_DRIVERS_COMPLETE_SHARE, share, g * g, 0);
    /* identities: C^(0) = first, C^(g-1) = last; sums equal R² */
    get_vec(v, g * g, r, LOY_DRIVERS_CONDITIONAL, 0);
    {
        double first[7], last[7];
        get_vec(first, g, r, LOY_DRIVERS_FIRST, 0);
        get_vec(last, g, r, LOY_DRIVERS_LAST, 0);
        for (i = 0; i < g; i++) {
            assert_close(v[i * g], first[i], 0, 1e-14);
            assert_close(v[i * g + g - 1], last[i], 0, 1e-14);
        }
    }
    get_vec(v, g, r, LOY_DRIVERS_LMG, 0);
    for (i = 0; i < g; i++)
        sum_lmg += v[i];
    get_vec(v, BP, r, LOY_DRIVERS_RW, 0);
    for (i = 0; i < BP; i++)
        sum_rw += v[i];
    get_vec(v, BP, r, LOY_DRIVERS_CAR, 0);
    for (i = 0; i < BP; i++)
        sum_car += v[i];
    assert_close(sum_lmg, s.r2, 0, 1e-14);
    assert_close(sum_rw, s.r2, 0, 1e-14);
    assert_close(sum_car, s.r2, 0, 1e-14);
    /* conditional and general codes agree with the statistics */
    get_vec(v, g * g, r, LOY_DRIVERS_DOM_GENERAL, 0);
    for (i = 0; i < g; i++)
        for (j = 0; j < g; j++)
            if (i != j)
                assert_close(v[i * g + j], lmg[i] > lmg[j] ? 1.0 : 0.0, 0, 0);
    loy_drivers_result_free(r);
    loy_moments_free(t);
}

/* LMG of a tally built on uneven shards and merged equals one pass: to
 * 1e-12 with doubles, bit for bit with integer ratings. */
static void
test_shards(void **state)
{
    enum { NN = 3001 };
    static double z[NN * (BP + 1)];
    static const size_t drv[BP] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const size_t cuts[] = {0, 5, 6, 900, 2000, 2999, NN};
    const size_t k = BP + 1;
    uint32_t modes[2] = {0u, LOY_MOMENTS_INTEGER};
    int md;
    (void)state;
    make_survey(z, NN, BP, 12);
    for (md = 0; md < 2; md++) {
        loy_moments *one, *merged;
        loy_drivers_result *r1, *r2;
        loy_drivers_spec spec = spec_of(drv, BP);
        double a[64], b[64];
        size_t s, i, la = 0;
        static const uint32_t metrics[] = {LOY_DRIVERS_LMG, LOY_DRIVERS_RW,
                                           LOY_DRIVERS_CONDITIONAL,
                                           LOY_DRIVERS_BETA, LOY_DRIVERS_P};
        assert_ok(loy_moments_new(&one, k, modes[md]));
        assert_ok(loy_moments_add(one, z, NN, k, 1, NULL, NULL, NULL));
        assert_ok(loy_moments_new(&merged, k, modes[md]));
        for (s = 6; s-- > 0;) { /* shards merged last to first */
            loy_moments *part;
            assert_ok(loy_moments_new(&part, k, modes[md]));
            assert_ok(loy_moments_add(part, z + cuts[s] * k,
                                      cuts[s + 1] - cuts[s], k, 1, NULL,
                                      NULL, NULL));
            assert_ok(loy_moments_merge(merged, part));
            loy_moments_free(part);
        }
        assert_ok(loy_drivers_linear(&r1, one, &spec, NULL, NULL));
        assert_ok(loy_drivers_linear(&r2, merged, &spec, NULL, NULL));
        for (i = 0; i < sizeof metrics / sizeof *metrics; i++) {
            size_t j;
            assert_ok(loy_drivers_result_get(a, 64, &la, r1, metrics[i], 0));
            assert_ok(loy_drivers_result_get(b, 64, NULL, r2, metrics[i], 0));
            if (modes[md] == LOY_MOMENTS_INTEGER)
                assert_memory_equal(a, b, la * sizeof *a);
            else
                for (j = 0; j < la; j++)
                    assert_close(b[j], a[j], 1e-12, 1e-14);
        }
        loy_drivers_result_free(r1);
        loy_drivers_result_free(r2);
        loy_moments_free(one);
        loy_moments_free(merged);
    }
}

static loy_moments *
tally_of(const double *z, size_t n, size_t k, uint32_t flags)
{
    loy_moments *t;
    assert_ok(loy_moments_new(&t, k, flags));
    assert_ok(loy_moments_add(t, z, n, k, 1, NULL, NULL, NULL));
    return t;
}

static void
test_bad_input(void **state)
{
    static double z[BN * (BP + 1)];
    static const size_t drv[BP] = {1, 2, 3, 4, 5, 6, 7, 8};
    const size_t k = BP + 1;
    loy_moments *t;
    loy_drivers_spec spec = spec_of(drv, BP);
    loy_drivers_options o = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r = NULL;
    size_t i, err = 0;
    double v[8];
    (void)state;
    make_survey(z, BN, BP, 13);

    /* a constant driver, named */
    for (i = 0; i < BN; i++)
        z[i * k + 4] = 7.0;
    t = tally_of(z, BN, k, 0);
    assert_status(loy_drivers_linear(&r, t, &spec, NULL, &err),
                  LOY_EDEGENERATE);
    assert_null(r);
    assert_int_equal(err, 4);
    loy_moments_free(t);
    t = tally_of(z, BN, k, LOY_MOMENTS_INTEGER);
    assert_status(loy_drivers_linear(&r, t, &spec, NULL, &err),
                  LOY_EDEGENERATE);
    assert_int_equal(err, 4);
    loy_moments_free(t);

    /* collinear drivers: x4 = x1 + x2, the later one is named */
    make_survey(z, BN, BP, 13);
    for (i = 0; i < BN; i++)
        z[i * k + 4] = z[i * k + 1] + z[i * k + 2];
    t = tally_of(z, BN, k, 0);
    assert_status(loy_drivers_linear(&r, t, &spec, NULL, &err),
                  LOY_EDEGENERATE);
    assert_int_equal(err, 4);
    loy_moments_free(t);

    /* fewer rows than regressors + 2 */
    make_survey(z, BN, BP, 13);
    t = tally_of(z, BP + 1, k, 0);
    assert_status(loy_drivers_linear(&r, t, &spec, NULL, &err),
                  LOY_EDEGENERATE);
    assert_int_equal(err, LOY_NO_INDEX);
    loy_moments_free(t);
    t = tally_of(z, 0, k, 0);
    assert_status(loy_drivers_linear(&r, t, &spec, NULL, &err), LOY_EEMPTY);
    loy_moments_free(t);

    /* R² = 0: the analysis stands, shares are undefined */
    {
        /* y = x1 * x2 pattern orthogonal to x1, x2 (centred, symmetric) */
        static const double d[8 * 3] = {
            1, 1, 1, -1, 1, -1, -1, -1, 1, 1, -1, -1,
            1, 2, 2, -1, 2, -2, -1, -2, 2, 1, -2, -2};
        static const size_t d2[2] = {1, 2};
        loy_drivers_spec sp = spec_of(d2, 2);
        loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
        t = tally_of(d, 8, 3, 0);
        assert_ok(loy_drivers_linear(&r, t, &sp, NULL, &err));
        assert_ok(loy_drivers_result_summary(&s, r));
        assert_true(s.flags & LOY_DRIVERS_ZERO_R2);
        assert_close(s.r2, 0.0, 0, 1e-15);
        assert_ok(loy_drivers_result_get(v, 8, NULL, r, LOY_DRIVERS_LMG, 0));
        assert_status(loy_drivers_result_get(v, 8, NULL, r,
                                             LOY_DRIVERS_LMG_SHARE, 0),
                      LOY_EDEGENERATE);
        assert_status(loy_drivers_result_get(v, 8, NULL, r,
                                             LOY_DRIVERS_RW_SHARE, 0),
                      LOY_EDEGENERATE);
        loy_drivers_result_free(r);
        loy_moments_free(t);
    }

    /* more players than the exact limit, without sampling */
    t = tally_of(z, BN, k, 0);
    o.max_exact = 4;
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EDOMAIN);
    o.flags = LOY_DRIVERS_SAMPLE | LOY_DRIVERS_COMPLETE;
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EDOMAIN);
    o.flags = LOY_DRIVERS_FULL_ONLY; /* no subsets: fine */
    assert_ok(loy_drivers_linear(&r, t, &spec, &o, &err));
    assert_status(loy_drivers_result_get(v, 8, NULL, r, LOY_DRIVERS_LMG, 0),
                  LOY_EDOMAIN);
    assert_ok(loy_drivers_result_get(v, 8, NULL, r, LOY_DRIVERS_RW, 0));
    loy_drivers_result_free(r);

    /* bad options */
    o = (loy_drivers_options)LOY_DRIVERS_OPTIONS_INIT;
    o.flags = 0x1000;
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EINVAL);
    o.flags = 0;
    o.max_exact = 41;
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EINVAL);
    o.max_exact = 0;
    o.level = 1.5;
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EDOMAIN);
    o.level = 0;
    o.struct_size = 4;
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EINVAL);
    o = (loy_drivers_options)LOY_DRIVERS_OPTIONS_INIT;
    o.flags = LOY_DRIVERS_BOOTSTRAP; /* the tally has no replicates */
    assert_status(loy_drivers_linear(&r, t, &spec, &o, &err), LOY_EINVAL);

    /* bad specs */
    {
        static const size_t dup[3] = {1, 2, 1}, withy[2] = {0, 1};
        static const size_t big[2] = {1, 99};
        static const uint32_t gap[BP] = {0, 0, 2, 2, 3, 3, 4, 4};
        static const size_t alw[1] = {1};
        loy_drivers_spec sp = spec_of(dup, 3);
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        sp = spec_of(withy, 2);
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        sp = spec_of(big, 2);
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        sp = spec_of(drv, 0);
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        sp = spec_of(drv, BP);
        sp.groups = gap;
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        sp = spec_of(drv, BP);
        sp.always = alw; /* a driver cannot be a covariate too */
        sp.n_always = 1;
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        sp.always = NULL;
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err), LOY_EINVAL);
        assert_status(loy_drivers_linear(&r, t, NULL, NULL, &err), LOY_EINVAL);
        assert_status(loy_drivers_linear(NULL, t, &spec, NULL, &err),
                      LOY_EINVAL);
        assert_status(loy_drivers_linear(&r, NULL, &spec, NULL, &err),
                      LOY_EINVAL);
    }
    loy_moments_free(t);

    /* a covariate that explains a driver completely */
    {
        static const size_t drv3[3] = {1, 2, 3}, alw[1] = {5};
        loy_drivers_spec sp = spec_of(drv3, 3);
        make_survey(z, BN, BP, 13);
        for (i = 0; i < BN; i++)
            z[i * k + 5] = 2.0 * z[i * k + 3] - 1.0;
        sp.always = alw;
        sp.n_always = 1;
        t = tally_of(z, BN, k, 0);
        assert_status(loy_drivers_linear(&r, t, &sp, NULL, &err),
                      LOY_EDEGENERATE);
        assert_int_equal(err, 3);
        loy_moments_free(t);
    }

    /* result accessors */
    make_survey(z, BN, BP, 13);
    t = tally_of(z, BN, k, 0);
    assert_ok(loy_drivers_linear(&r, t, &spec, NULL, &err));
    {
        size_t len = 0;
        assert_ok(loy_drivers_result_get(NULL, 0, &len, r, LOY_DRIVERS_LMG, 0));
        assert_int_equal(len, BP);
        assert_status(loy_drivers_result_get(v, 3, &len, r, LOY_DRIVERS_LMG,
                                             0),
                      LOY_EBUFSIZE);
        assert_int_equal(len, BP);
        assert_status(loy_drivers_result_get(v, 8, &len, r, 0, 0), LOY_EINVAL);
        assert_status(loy_drivers_result_get(v, 8, &len, r, 99, 0),
                      LOY_EINVAL);
        assert_status(loy_drivers_result_get(v, 8, &len, r, LOY_DRIVERS_LMG,
                                             9),
                      LOY_EINVAL);
        /* no resampling: no intervals; no complete dominance asked */
        assert_status(loy_drivers_result_get(v, 8, &len, r, LOY_DRIVERS_LMG,
                                             LOY_DRIVERS_LOWER),
                      LOY_EDOMAIN);
        assert_status(loy_drivers_result_get(NULL, 0, &len, r,
                                             LOY_DRIVERS_DOM_COMPLETE, 0),
                      LOY_EDOMAIN);
        assert_status(loy_drivers_result_get(NULL, 0, &len, r,
                                             LOY_DRIVERS_TOPK, 0),
                      LOY_EDOMAIN);
        assert_status(loy_drivers_result_kano(NULL, 0, &len, r), LOY_EDOMAIN);
        assert_status(loy_drivers_result_summary(NULL, r), LOY_EINVAL);
    }
    loy_drivers_result_free(r);
    loy_drivers_result_free(NULL);
    loy_moments_free(t);
}

/* Above the exact limit: permutation sampling, close to the exact value
 * within its Monte Carlo error, credits summing to R² exactly. */
static void
test_sampling(void **state)
{
    static double z[BN * (BP + 1)];
    static const size_t drv[BP] = {1, 2, 3, 4, 5, 6, 7, 8};
    const size_t k = BP + 1;
    loy_moments *t;
    loy_drivers_spec spec = spec_of(drv, BP);
    loy_drivers_options o = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *ex, *sa, *sb;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    double a[BP], b[BP], se[BP], c[BP], sum = 0;
    size_t i;
    (void)state;
    make_survey(z, BN, BP, 14);
    t = tally_of(z, BN, k, 0);
    assert_ok(loy_drivers_linear(&ex, t, &spec, NULL, NULL));
    o.max_exact = 5;
    o.flags = LOY_DRIVERS_SAMPLE;
    o.orders = 400;
    o.seed = 2024;
    assert_ok(loy_drivers_linear(&sa, t, &spec, &o, NULL));
    assert_ok(loy_drivers_linear(&sb, t, &spec, &o, NULL));
    assert_ok(loy_drivers_result_summary(&s, sa));
    assert_true(s.flags & LOY_DRIVERS_SAMPLED);
    assert_int_equal(s.orders, 800);
    assert_int_equal(s.seed, 2024);
    get_vec(a, BP, ex, LOY_DRIVERS_LMG, 0);
    get_vec(b, BP, sa, LOY_DRIVERS_LMG, 0);
    get_vec(c, BP, sb, LOY_DRIVERS_LMG, 0);
    get_vec(se, BP, sa, LOY_DRIVERS_LMG_MCSE, 0);
    assert_memory_equal(b, c, sizeof b); /* the seed fixes the draws */
    for (i = 0; i < BP; i++) {
        assert_true(se[i] > 0 && se[i] <= s.mc_se_max);
        assert_true(fabs(b[i] - a[i]) < 5.0 * se[i] + 1e-12);
        sum += b[i];
    }
    assert_close(sum, s.r2, 0, 1e-13);
    assert_status(loy_drivers_result_get(a, BP * BP, NULL, sa,
                                         LOY_DRIVERS_CONDITIONAL, 0),
                  LOY_EDOMAIN);
    /* first and last come from the full model whatever the method */
    get_vec(a, BP, ex, LOY_DRIVERS_LAST, 0);
    get_vec(b, BP, sa, LOY_DRIVERS_LAST, 0);
    assert_memory_equal(a, b, sizeof a);
    loy_drivers_result_free(ex);
    loy_drivers_result_free(sa);
    loy_drivers_result_free(sb);
    loy_moments_free(t);
}

/* Delete-a-group jackknife: each replicate equals the analysis of the
 * other groups' rows; SE by the (G-1)/G formula. */
static void
test_jackknife(void **state)
{
    enum { G = 5 };
    static double z[BN * (BP + 1)];
    static const size_t drv[BP] = {1, 2, 3, 4, 5, 6, 7, 8};
    const size_t k = BP + 1;
    loy_moments *total, *parts[G];
    loy_drivers_spec spec = spec_of(drv, BP);
    loy_drivers_result *jk, *ref;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    double reps[G * BP], se[BP], want[BP], mean[BP] = {0}, est[BP], lo[BP];
    size_t g, i, r;
    (void)state;
    make_survey(z, BN, BP, 15);
    total = tally_of(z, BN, k, 0);
    for (g = 0; g < G; g++) {
        assert_ok(loy_moments_new(&parts[g], k, 0));
        for (r = g; r < BN; r += G)
            assert_ok(loy_moments_add(parts[g], z + r * k, 1, k, 1, NULL,
                                      NULL, NULL));
    }
    assert_ok(loy_drivers_jackknife(&jk, total,
                                    (const loy_moments *const *)parts, G,
                                    &spec, NULL, NULL));
    assert_ok(loy_drivers_result_summary(&s, jk));
    assert_true(s.flags & LOY_DRIVERS_JACKKNIFED);
    assert_int_equal(s.replicates, G);
    get_vec(reps, G * BP, jk, LOY_DRIVERS_LMG, LOY_DRIVERS_REPLICATES);
    for (g = 0; g < G; g++) {
        loy_moments *rest;
        assert_ok(loy_moments_new(&rest, k, 0));
        for (r = 0; r < BN; r++)
            if (r % G != g)
                assert_ok(loy_moments_add(rest, z + r * k, 1, k, 1, NULL,
                                          NULL, NULL));
        assert_ok(loy_drivers_linear(&ref, rest, &spec, NULL, NULL));
        get_vec(want, BP, ref, LOY_DRIVERS_LMG, 0);
        for (i = 0; i < BP; i++) {
            assert_close(reps[g * BP + i], want[i], 1e-11, 1e-14);
            mean[i] += want[i] / G;
        }
        loy_drivers_result_free(ref);
        loy_moments_free(rest);
    }
    get_vec(se, BP, jk, LOY_DRIVERS_LMG, LOY_DRIVERS_STDERR);
    get_vec(est, BP, jk, LOY_DRIVERS_LMG, LOY_DRIVERS_ESTIMATE);
    get_vec(lo, BP, jk, LOY_DRIVERS_LMG, LOY_DRIVERS_LOWER);
    for (i = 0; i < BP; i++) {
        double ss = 0;
        for (g = 0; g < G; g++)
            ss += (reps[g * BP + i] - mean[i]) * (reps[g * BP + i] - mean[i]);
        assert_close(se[i], sqrt(ss * (G - 1.0) / G), 1e-9, 1e-15);
        assert_close(lo[i], est[i] - 1.959963984540054 * se[i], 1e-12, 1e-15);
    }
    loy_drivers_result_free(jk);
    /* parts that do not add up to the total */
    assert_status(loy_drivers_jackknife(&jk, total,
                                        (const loy_moments *const *)parts,
                                        G - 1, &spec, NULL, NULL),
                  LOY_EINCONSISTENT);
    assert_status(loy_drivers_jackknife(&jk, total,
                                        (const loy_moments *const *)parts, 1,
                                        &spec, NULL, NULL),
                  LOY_EINVAL);
    for (g = 0; g < G; g++)
        loy_moments_free(parts[g]);
    loy_moments_free(total);
}

/* Poisson bootstrap from the tally's replicates: replicate values equal
 * the analysis of each replicate tally; shards give the same intervals;
 * rank probabilities are coherent. */
static void
test_bootstrap(void **state)
{
    enum { B = 40, NN = 600 };
    static double z[NN * (BP + 1)];
    static uint64_t ids[NN];
    static const size_t drv[BP] = {1, 2, 3, 4, 5, 6, 7, 8};
    const size_t k = BP + 1;
    loy_moments *t, *sh[2], *rep;
    loy_drivers_spec spec = spec_of(drv, BP);
    loy_drivers_options o = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r, *r2, *rr;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    static double reps[B * BP], topk[BP * BP];
    double lo[BP], hi[BP], est[BP], want[BP], lo2[BP];
    size_t i, b, j;
    (void)state;
    make_survey(z, NN, BP, 16);
    for (i = 0; i < NN; i++)
        ids[i] = 5000 + 3 * i;
    assert_ok(loy_moments_new(&t, k, LOY_MOMENTS_INTEGER));
    assert_ok(loy_moments_set_bootstrap(t, B, 8));
    assert_ok(loy_moments_add(t, z, NN, k, 1, NULL, ids, NULL));
    o.flags = LOY_DRIVERS_BOOTSTRAP;
    o.level = 0.9;
    assert_ok(loy_drivers_linear(&r, t, &spec, &o, NULL));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_true(s.flags & LOY_DRIVERS_BOOTSTRAPPED);
    assert_int_equal(s.replicates + s.replicates_failed, B);
    assert_int_equal(s.replicates, B);
    get_vec(reps, B * BP, r, LOY_DRIVERS_LMG, LOY_DRIVERS_REPLICATES);
    for (b = 0; b < 3; b++) {
        assert_ok(loy_moments_replicate(&rep, t, (uint32_t)b));
        assert_ok(loy_drivers_linear(&rr, rep, &spec, NULL, NULL));
        get_vec(want, BP, rr, LOY_DRIVERS_LMG, 0);
        assert_memory_equal(want, reps + b * BP, sizeof want);
        loy_drivers_result_free(rr);
        loy_moments_free(rep);
    }
    get_vec(est, BP, r, LOY_DRIVERS_LMG, LOY_DRIVERS_ESTIMATE);
    get_vec(lo, BP, r, LOY_DRIVERS_LMG, LOY_DRIVERS_LOWER);
    get_vec(hi, BP, r, LOY_DRIVERS_LMG, LOY_DRIVERS_UPPER);
    for (i = 0; i < BP; i++)
        assert_true(lo[i] <= hi[i] && lo[i] < est[i] + 0.05
                    && hi[i] > est[i] - 0.05);
    get_vec(topk, BP * BP, r, LOY_DRIVERS_TOPK, LOY_DRIVERS_ESTIMATE);
    for (j = 0; j < BP; j++) {
        double col = 0;
        for (i = 0; i < BP; i++) {
            col += topk[i * BP + j];
            if (j > 0)
                assert_true(topk[i * BP + j] >= topk[i * BP + j - 1]);
        }
        /* at each k, k drivers are in the top k (no ties here) */
        assert_close(col, (double)(j + 1), 0, 1e-12);
    }
    for (i = 0; i < BP; i++)
        assert_close(topk[i * BP + BP - 1], 1.0, 0, 0);
    /* shards: same replicates, same intervals */
    for (i = 0; i < 2; i++) {
        assert_ok(loy_moments_new(&sh[i], k, LOY_MOMENTS_INTEGER));
        assert_ok(loy_moments_set_bootstrap(sh[i], B, 8));
    }
    assert_ok(loy_moments_add(sh[0], z + 100 * k, NN - 100, k, 1, NULL,
                              ids + 100, NULL));
    assert_ok(loy_moments_add(sh[1], z, 100, k, 1, NULL, ids, NULL));
    assert_ok(loy_moments_merge(sh[1], sh[0]));
    assert_ok(loy_drivers_linear(&r2, sh[1], &spec, &o, NULL));
    get_vec(lo2, BP, r2, LOY_DRIVERS_LMG, LOY_DRIVERS_LOWER);
    assert_memory_equal(lo, lo2, sizeof lo);
    loy_drivers_result_free(r);
    loy_drivers_result_free(r2);
    for (i = 0; i < 2; i++)
        loy_moments_free(sh[i]);
    loy_moments_free(t);
}

/* Pairwise deletion: the analysis of R's pairwise correlation matrix;
 * an indefinite matrix is LOY_EINCONSISTENT, never repaired. */
static void
test_pairwise(void **state)
{
    enum { NN = 300 };
    static double z[NN * 4];
    static const size_t drv[3] = {1, 2, 3};
    loy_moments *t;
    loy_drivers_spec spec = spec_of(drv, 3);
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    size_t i, err = 0;
    uint64_t st = 17;
    (void)state;
    /* consistent data with holes */
    for (i = 0; i < NN; i++) {
        double f = gauss(&st);
        z[i * 4 + 1] = f + gauss(&st);
        z[i * 4 + 2] = f + gauss(&st);
        z[i * 4 + 3] = gauss(&st);
        z[i * 4] = z[i * 4 + 1] + 0.5 * z[i * 4 + 3] + gauss(&st);
        if (i % 7 == 0)
            z[i * 4 + 1 + i % 3] = (double)NAN;
    }
    assert_ok(loy_moments_new(&t, 4, LOY_MOMENTS_PAIRWISE));
    assert_ok(loy_moments_add(t, z, NN, 4, 1, NULL, NULL, NULL));
    assert_ok(loy_drivers_linear(&r, t, &spec, NULL, &err));
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_true(s.n < NN && s.n >= NN - NN / 7 - 1);
    {
        /* R² and first from the pairwise correlation matrix (checked
         * against R's definition in test_drivers_moments) */
        double C[16], first[3];
        static const size_t c3[3] = {1, 2, 3};
        assert_ok(loy_moments_cor(C, 4, t, NULL));
        assert_close(s.r2, brute_r2(C, 4, c3, 3), 1e-12, 0);
        get_vec(first, 3, r, LOY_DRIVERS_FIRST, 0);
        for (i = 0; i < 3; i++)
            assert_close(first[i], C[1 + i] * C[1 + i], 1e-12, 0);
    }
    loy_drivers_result_free(r);
    loy_moments_free(t);
    /* inconsistent pairs: x1~x2 and x2~x3 strongly positive, x1~x3
     * strongly negative, never observed all together */
    for (i = 0; i < NN; i++) {
        double a = gauss(&st), e1 = 0.1 * gauss(&st), e2 = 0.1 * gauss(&st);
        z[i * 4] = gauss(&st);
        switch (i % 3) {
        case 0:
            z[i * 4 + 1] = a, z[i * 4 + 2] = a + e1, z[i * 4 + 3] = (double)NAN;
            break;
        case 1:
            z[i * 4 + 1] = (double)NAN, z[i * 4 + 2] = a, z[i * 4 + 3] = a + e2;
            break;
        default:
            z[i * 4 + 1] = a, z[i * 4 + 2] = (double)NAN, z[i * 4 + 3] = e1 - a;
        }
    }
    assert_ok(loy_moments_new(&t, 4, LOY_MOMENTS_PAIRWISE));
    assert_ok(loy_moments_add(t, z, NN, 4, 1, NULL, NULL, NULL));
    assert_status(loy_drivers_linear(&r, t, &spec, NULL, &err),
                  LOY_EINCONSISTENT);
    assert_int_equal(err, 3);
    loy_moments_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swiss_reference),
        cmocka_unit_test(test_swiss_lm),
        cmocka_unit_test(test_swiss_always),
        cmocka_unit_test(test_swiss_groups_weights),
        cmocka_unit_test(test_dominance_bruteforce),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_sampling),
        cmocka_unit_test(test_jackknife),
        cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_pairwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
