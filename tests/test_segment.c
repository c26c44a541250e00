/* SPDX-License-Identifier: MIT */
/* test_segment.c - ABC x loyalty crossing, actions, value at risk. */
#include "testutil.h"

#include <string.h>

#define D LOY_CLASS_DETRACTOR
#define A LOY_CLASS_PASSIVE
#define P LOY_CLASS_PROMOTER
#define X LOY_SEGMENT_NO_ANSWER

static loy_segment_input
make_input(size_t n, const double *v, const uint8_t *vc, const int32_t *loy)
{
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    in.n = n;
    in.value = v;
    in.value_class = vc;
    in.loyalty = loy;
    return in;
}

static loy_segment_result
fresh_result(void)
{
    loy_segment_result r;
    memset(&r, 0x5A, sizeof r); /* garbage: everything must be written */
    assert_ok(loy_segment_result_init(&r));
    assert_int_equal(r.struct_size, sizeof r);
    assert_int_equal(r.count[5], 0);
    return r;
}

/* Hand example: 10 customers, values 1..9 and 10 after loy_abc_classify. */
static void
test_small_example(void **state)
{
    const double v[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    const int32_t loy[10] = {P, D, A, P, X, D, P, A, X, D};
    const double churn[10] = {0, 0, 0.5, 0, 0, 0, 0, 0.25, 0, 0};
    uint8_t vc[10], cells[10];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    loy_segment_result r = fresh_result();
    loy_segment_input in;
    size_t idx = 0;
    double z = 1.959963984540054, nps, var;
    (void)state;
    /* total 55: A = {10, 9, 8, 7, 6, 5} (cum 45 <= 44? no) - check below */
    assert_ok(loy_abc_classify(vc, &s, v, 10, 0.8, 0.95, 0, NULL));
    /* cum after: 10 19 27 34 40 45 49 52 54 55; 0.8*55 = 44, 0.95*55 = 52.25 */
    {
        static const uint8_t want[10] = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
        assert_memory_equal(vc, want, 10);
    }
    in = make_input(10, v, vc, loy);
    in.churn_prob = churn;
    assert_ok(loy_segment_cross(&r, cells, &in, &idx));
    assert_true(idx == LOY_NO_INDEX);
    assert_int_equal(r.n, 10);
    assert_int_equal(r.with_potential, 0);
    assert_close(r.total_value, 55, 0, 0);
    /* A row: 10 P, 9 D, 8 A, 7 P, 6 X */
    assert_int_equal(r.count[LOY_SEGMENT_CELL(0, 0, 0)], 2);
    assert_close(r.value[LOY_SEGMENT_CELL(0, 0, 0)], 17, 0, 0);
    assert_close(r.value_share[LOY_SEGMENT_CELL(0, 0, 0)], 17.0 / 55, 1e-15, 0);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(0, 1, 0)], 1);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(0, 2, 0)], 1);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(0, 3, 0)], 1);
    /* B row: 5 D, 4 P, 3 A; C row: 2 X, 1 D */
    assert_int_equal(r.count[LOY_SEGMENT_CELL(1, 2, 0)], 1);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(1, 0, 0)], 1);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(1, 1, 0)], 1);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(2, 3, 0)], 1);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(2, 2, 0)], 1);
    assert_int_equal(cells[0], 0);
    assert_int_equal(cells[1], 2);
    assert_int_equal(cells[4], 3);
    assert_int_equal(cells[5], 6);
    assert_int_equal(cells[8], 11);
    assert_int_equal(cells[9], 10);
    assert_int_equal(r.small[0], 1);
    assert_int_equal(r.small_n, 30);
    assert_int_equal(r.class_count[0], 5);
    assert_close(r.class_value[0], 40, 0, 0);
    assert_int_equal(r.class_respondents[0], 4);
    assert_int_equal(r.class_respondents[2], 1);
    /* A: P=2, A=1, D=1 of 4 -> NPS 0.25; Wald interval by hand */
    nps = 0.25;
    var = 0.5 + 0.25 - nps * nps;
    assert_int_equal(r.class_nps_defined[0], 1);
    assert_close(r.class_nps[0], nps, 1e-15, 0);
    assert_close(r.class_nps_lower[0], nps - z * sqrt(var / 4), 1e-12, 0);
    assert_close(r.class_nps_upper[0], fmin(1.0, nps + z * sqrt(var / 4)),
                 1e-12, 0); /* clipped to 1 */
    /* revenue-weighted: (17 - 9)/(17 + 8 + 9) */
    assert_int_equal(r.class_rw_nps_defined[0], 1);
    assert_close(r.class_rw_nps[0], 8.0 / 34, 1e-15, 0);
    assert_close(r.class_rw_nps[1], (4.0 - 5.0) / 12, 1e-15, 0);
    assert_close(r.class_rw_nps[2], -1.0, 1e-15, 0);
    assert_close(r.total_rw_nps, (21.0 - 15.0) / (21 + 11 + 15), 1e-15, 0);
    assert_close(r.rw_nps[0], 1, 0, 0);
    assert_close(r.rw_nps[2], -1, 0, 0);
    assert_close(r.rw_nps[1], 0, 0, 0);
    /* value at risk: detractors 9 + 5 + 1, passives 8 x 0.5 + 3 x 0.25 */
    assert_close(r.value_at_risk, 15 + 4 + 0.75, 1e-15, 0);
    assert_close(r.class_value_at_risk[0], 9 + 4, 1e-15, 0);
    assert_close(r.class_value_at_risk[1], 5 + 0.75, 1e-15, 0);
    assert_close(r.class_value_at_risk[2], 1, 1e-15, 0);
    /* actions of the plain grid */
    assert_int_equal(r.action[0], LOY_ACTION_PROTECT_LEVERAGE);
    assert_int_equal(r.action[2], LOY_ACTION_RESCUE);
    assert_int_equal(r.action[10], LOY_ACTION_LET_GO);
    assert_int_equal(r.action[12], LOY_ACTION_NONE);
    assert_close(r.mean_ltv[0], 0, 0, 0);
    /* without churn probabilities: detractors only */
    in.churn_prob = NULL;
    assert_ok(loy_segment_cross(&r, NULL, &in, NULL));
    assert_close(r.value_at_risk, 15, 1e-15, 0);
}

/* Random customers: every output against a direct loop. */
static void
test_against_direct_loop(void **state)
{
    enum { N = 9000 }; /* more than one internal block of 4096 */
    static double v[N], pot[N], ltv[N], churn[N];
    static uint8_t vc[N], cells[N];
    static int32_t loy[N];
    loy_test_rng rng = {2024};
    int split;
    (void)state;
    for (size_t i = 0; i < N; i++) {
        v[i] = floor(200.0 * loy_test_rng_uniform(&rng) *
                     loy_test_rng_uniform(&rng));
        vc[i] = (uint8_t)(loy_test_rng_next(&rng) % 3);
        loy[i] = (int32_t)(loy_test_rng_next(&rng) % 4) - 1;
        pot[i] = loy_test_rng_uniform(&rng);
        ltv[i] = 1000.0 * loy_test_rng_uniform(&rng) - 100.0;
        churn[i] = loy_test_rng_uniform(&rng);
    }
    for (split = 0; split < 3; split++) {
        loy_segment_input in = make_input(N, v, vc, loy);
        loy_segment_result r;
        uint64_t cnt[24] = {0};
        double val[24] = {0}, lsum[24] = {0}, risk = 0, total = 0;
        double pv[3] = {0}, dv[3] = {0}, av[3] = {0};
        assert_ok(loy_segment_result_init(&r));
        in.lifetime_value = ltv;
        in.churn_prob = churn;
        in.small_n = 50;
        in.nps_method = LOY_NPS_ADJUSTED_WALD;
        in.nps_level = 0.9;
        if (split) {
            in.potential = pot;
            in.potential_threshold = 0.3;
            in.flags = split == 2 ? LOY_SEGMENT_SOW : 0;
        }
        assert_ok(loy_segment_cross(&r, cells, &in, NULL));
        for (size_t i = 0; i < N; i++) {
            int col = loy[i] == P ? 0 : loy[i] == A ? 1 : loy[i] == D ? 2 : 3;
            int lv = split == 0 ? 0 : split == 1 ? pot[i] >= 0.3 : pot[i] < 0.3;
            int c = 12 * lv + 4 * vc[i] + col;
            assert_int_equal(cells[i], c);
            cnt[c]++;
            val[c] += v[i];
            lsum[c] += ltv[i];
            total += v[i];
            if (col == 2)
                risk += v[i];
            if (col == 1)
                risk += v[i] * churn[i];
            if (col == 0) pv[vc[i]] += v[i];
            if (col == 1) av[vc[i]] += v[i];
            if (col == 2) dv[vc[i]] += v[i];
        }
        assert_int_equal(r.with_potential, split != 0);
        assert_close(r.total_value, total, 1e-14, 0);
        for (int c = 0; c < 24; c++) {
            assert_int_equal(r.count[c], cnt[c]);
            assert_close(r.value[c], val[c], 1e-13, 0);
            assert_close(r.value_share[c], val[c] / total, 1e-13, 0);
            assert_int_equal(r.small[c], cnt[c] < 50);
            if (cnt[c])
                assert_close(r.mean_ltv[c], lsum[c] / (double)cnt[c], 1e-12,
                             1e-12);
            if (split == 0 && c >= 12)
                assert_int_equal(r.action[c], LOY_ACTION_NONE);
            else
                assert_true(r.action[c] != LOY_ACTION_NONE);
        }
        assert_close(r.value_at_risk, risk, 1e-13, 0);
        for (int k = 0; k < 3; k++) {
            loy_nps_tally t = LOY_NPS_TALLY_INIT;
            loy_nps_result e;
            memset(&e, 0, sizeof e);
            e.struct_size = sizeof e;
            for (int lv = 0; lv < 2; lv++) {
                t.promoters += cnt[12 * lv + 4 * k];
                t.passives += cnt[12 * lv + 4 * k + 1];
                t.detractors += cnt[12 * lv + 4 * k + 2];
            }
            assert_ok(loy_nps_estimate(&e, &t, LOY_NPS_ADJUSTED_WALD, 0.9,
                                       NULL));
            assert_close(r.class_nps[k], e.nps, 1e-15, 0);
            assert_close(r.class_nps_lower[k], e.lower, 1e-15, 0);
            assert_close(r.class_nps_upper[k], e.upper, 1e-15, 0);
            assert_close(r.class_rw_nps[k], (pv[k] - dv[k]) /
                         (pv[k] + av[k] + dv[k]), 1e-13, 1e-15);
        }
    }
}

static void
test_raw_scores(void **state)
{
    const int32_t scores[8] = {10, 0, 7, -1, 9, 6, 8, -1};
    const int32_t codes[8] = {P, D, A, X, P, D, A, X};
    const int32_t five[4] = {1, 3, 4, 5};
    const int32_t five_scores[5] = {1, 3, 4, 5, -1};
    const int32_t bad_breaks[4] = {-5, 0, 3, 5};
    const double v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const uint8_t vc[8] = {0, 0, 1, 1, 2, 2, 0, 1};
    uint8_t c1[8], c2[8];
    loy_segment_result r1 = fresh_result();
    loy_segment_input in = make_input(8, v, vc, scores);
    int32_t bad[8];
    size_t idx;
    (void)state;
    in.flags = LOY_SEGMENT_RAW_SCORES;
    assert_ok(loy_segment_cross(&r1, c1, &in, NULL));
    in = make_input(8, v, vc, codes);
    assert_ok(loy_segment_cross(&r1, c2, &in, NULL));
    assert_memory_equal(c1, c2, 8);
    /* a 1-5 scale */
    in = make_input(5, v, vc, five_scores);
    in.flags = LOY_SEGMENT_RAW_SCORES;
    in.breaks = five;
    assert_ok(loy_segment_cross(&r1, c1, &in, NULL));
    assert_int_equal(c1[0], 2);      /* 1: detractor, class A */
    assert_int_equal(c1[1], 2);      /* 3: detractor */
    assert_int_equal(c1[2], 4 + 1);  /* 4: passive, class B */
    assert_int_equal(c1[3], 4 + 0);  /* 5: promoter, class B */
    assert_int_equal(c1[4], 8 + 3);  /* no answer, class C */
    /* off the scale */
    memcpy(bad, scores, sizeof bad);
    bad[5] = 11;
    in = make_input(8, v, vc, bad);
    in.flags = LOY_SEGMENT_RAW_SCORES;
    assert_status(loy_segment_cross(&r1, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 5);
    bad[5] = -2;
    assert_status(loy_segment_cross(&r1, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 5);
    /* a scale containing -1 cannot tell "no answer" apart */
    in.breaks = bad_breaks;
    assert_status(loy_segment_cross(&r1, NULL, &in, &idx), LOY_EDOMAIN);
    in.breaks = five_scores; /* 1, 3, 4, 5 then -1: not used beyond 4 */
    in.breaks = (const int32_t[4]){5, 3, 4, 1};
    assert_status(loy_segment_cross(&r1, NULL, &in, NULL), LOY_EDOMAIN);
    /* a huge scale is classified one by one */
    {
        const int32_t wide[4] = {0, 60000, 80000, 100000};
        const int32_t ws[3] = {100000, 70000, -1};
        in = make_input(3, v, vc, ws);
        in.flags = LOY_SEGMENT_RAW_SCORES;
        in.breaks = wide;
        assert_ok(loy_segment_cross(&r1, c1, &in, NULL));
        assert_int_equal(c1[0], 0);
        assert_int_equal(c1[1], 1); /* 70000: passive */
        assert_int_equal(c1[2], 4 + 3);
    }
}

static void
test_actions(void **state)
{
    int32_t act;
    uint32_t cell;
    int split;
    (void)state;
    /* pinned values */
    assert_int_equal(LOY_ACTION_PROTECT_LEVERAGE, 1);
    assert_int_equal(LOY_ACTION_REACH_OUT, 12);
    assert_string_equal(loy_segment_action_name(LOY_ACTION_NONE), "none");
    assert_string_equal(loy_segment_action_name(LOY_ACTION_LET_GO), "let_go");
    assert_string_equal(loy_segment_action_name(13), "unknown");
    assert_string_equal(loy_segment_action_name(-1), "unknown");
    assert_string_equal(loy_segment_action_name(INT32_MIN), "unknown");
    for (split = 0; split < 2; split++)
        for (cell = 0; cell < (split ? 24u : 12u); cell++) {
            const char *name;
            assert_ok(loy_segment_cell_action(&act, cell, split));
            name = loy_segment_action_name(act);
            assert_true(act != LOY_ACTION_NONE);
            assert_string_not_equal(name, "unknown");
            assert_string_not_equal(name, "none");
        }
    /* MODELS.md 8 matrix, no potential */
    {
        static const int32_t want[12] = {
            LOY_ACTION_PROTECT_LEVERAGE, LOY_ACTION_SECURE, LOY_ACTION_RESCUE,
            LOY_ACTION_REACH_OUT, LOY_ACTION_GROW_WALLET, LOY_ACTION_NURTURE,
            LOY_ACTION_RECOVER, LOY_ACTION_REACH_OUT,
            LOY_ACTION_CHEAP_LEVERAGE, LOY_ACTION_MAINTAIN, LOY_ACTION_LET_GO,
            LOY_ACTION_MAINTAIN};
        for (cell = 0; cell < 12; cell++) {
            assert_ok(loy_segment_cell_action(&act, cell, 0));
            assert_int_equal(act, want[cell]);
        }
    }
    /* split: C promoters grow with a large wallet, else cheap leverage */
    assert_ok(loy_segment_cell_action(&act, LOY_SEGMENT_CELL(2, 0, 1), 1));
    assert_int_equal(act, LOY_ACTION_GROW_WALLET);
    assert_ok(loy_segment_cell_action(&act, LOY_SEGMENT_CELL(2, 0, 0), 1));
    assert_int_equal(act, LOY_ACTION_CHEAP_LEVERAGE);
    assert_ok(loy_segment_cell_action(&act, LOY_SEGMENT_CELL(1, 1, 1), 1));
    assert_int_equal(act, LOY_ACTION_DEVELOP);
    assert_ok(loy_segment_cell_action(&act, LOY_SEGMENT_CELL(1, 1, 0), 1));
    assert_int_equal(act, LOY_ACTION_HARVEST);
    assert_ok(loy_segment_cell_action(&act, LOY_SEGMENT_CELL(0, 2, 0), 1));
    assert_int_equal(act, LOY_ACTION_RESCUE);
    /* bad arguments */
    assert_status(loy_segment_cell_action(NULL, 0, 0), LOY_EINVAL);
    assert_status(loy_segment_cell_action(&act, 12, 0), LOY_EINVAL);
    assert_status(loy_segment_cell_action(&act, 24, 1), LOY_EINVAL);
    assert_status(loy_segment_cell_action(&act, 0, 2), LOY_EINVAL);
}

static void
test_bad_input(void **state)
{
    double v[4] = {1, 2, 3, 4}, pot[4] = {0, 1, 2, 3};
    double churn[4] = {0, 0.5, 1, 0}, ltv[4] = {1, 1, 1, 1};
    uint8_t vc[4] = {0, 1, 2, 0};
    int32_t loy[4] = {P, A, D, X};
    loy_segment_result r = fresh_result();
    loy_segment_input in = make_input(4, v, vc, loy);
    size_t idx = 0;
    (void)state;
    assert_ok(loy_segment_cross(&r, NULL, &in, &idx));
    assert_status(loy_segment_cross(NULL, NULL, &in, &idx), LOY_EINVAL);
    assert_true(idx == LOY_NO_INDEX);
    assert_status(loy_segment_cross(&r, NULL, NULL, NULL), LOY_EINVAL);
    in.value = NULL;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EINVAL);
    in = make_input(4, v, vc, NULL);
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EINVAL);
    in = make_input(0, v, vc, loy);
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EEMPTY);
    in = make_input(4, v, vc, loy);
    in.flags = 0x100u;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EINVAL);
    in.flags = 0;
    in.nps_method = 7;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EINVAL);
    in.nps_method = 0;
    in.nps_level = 1.5;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EDOMAIN);
    in.nps_level = NAN;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_ENONFINITE);
    in.nps_level = 0;
    in.potential = pot;
    in.potential_threshold = NAN;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_ENONFINITE);
    in.potential_threshold = 1;
    pot[2] = INFINITY;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ENONFINITE);
    assert_int_equal(idx, 2);
    in.potential = NULL;
    v[1] = NAN;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ENONFINITE);
    assert_int_equal(idx, 1);
    v[1] = -2;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 1);
    in.flags = LOY_SEGMENT_CLAMP_NEGATIVE;
    assert_ok(loy_segment_cross(&r, NULL, &in, &idx));
    assert_close(r.value[LOY_SEGMENT_CELL(1, 1, 0)], 0, 0, 0);
    assert_int_equal(r.count[LOY_SEGMENT_CELL(1, 1, 0)], 1);
    in.flags = 0;
    v[1] = 2;
    vc[3] = 3;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 3);
    vc[3] = 0;
    loy[2] = 3;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 2);
    loy[2] = -2;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ESCALE);
    loy[2] = D;
    in.churn_prob = churn;
    churn[3] = 1.5;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 3);
    churn[3] = NAN;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ENONFINITE);
    churn[3] = INFINITY;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ENONFINITE);
    assert_int_equal(idx, 3);
    churn[3] = 0;
    in.lifetime_value = ltv;
    ltv[0] = -INFINITY;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ENONFINITE);
    assert_int_equal(idx, 0);
    ltv[0] = -5; /* negative lifetime values are allowed */
    assert_ok(loy_segment_cross(&r, NULL, &in, &idx));
    assert_close(r.mean_ltv[0], -5, 0, 0);
    v[0] = v[1] = v[2] = v[3] = 0;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_EEMPTY);
    assert_true(idx == LOY_NO_INDEX);
    v[0] = 1;
    in.struct_size = 8;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EINVAL);
    in.struct_size = sizeof in;
    r.struct_size = 8;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EINVAL);
    assert_status(loy_segment_result_init(NULL), LOY_EINVAL);
    assert_ok(loy_segment_result_init(&r));
    assert_ok(loy_segment_cross(&r, NULL, &in, NULL));
    /* no respondents in a class: flagged, not NaN */
    assert_int_equal(r.class_nps_defined[2], 1);
    loy[2] = X;
    assert_ok(loy_segment_cross(&r, NULL, &in, NULL));
    assert_int_equal(r.class_nps_defined[2], 0);
    assert_int_equal(r.class_rw_nps_defined[2], 0);
    assert_close(r.class_nps[2], 0, 0, 0);
}

/* A bad customer in a later block is reported with its own index. */
static void
test_bad_input_late(void **state)
{
    enum { N = 10000 };
    static double v[N];
    static uint8_t vc[N];
    static int32_t loy[N];
    loy_segment_result r = fresh_result();
    loy_segment_input in = make_input(N, v, vc, loy);
    size_t i, idx = 0;
    (void)state;
    for (i = 0; i < N; i++) {
        v[i] = (double)(i % 7);
        vc[i] = (uint8_t)(i % 3);
        loy[i] = (int32_t)(i % 4) - 1;
    }
    assert_ok(loy_segment_cross(&r, NULL, &in, &idx));
    {
        uint64_t total = 0;
        double value = 0;
        for (i = 0; i < LOY_SEGMENT_CELLS; i++)
            total += r.count[i];
        for (i = 0; i < N; i++)
            value += v[i];
        assert_int_equal(total, N);
        assert_close(r.total_value, value, 0, 0);
    }
    vc[8500] = 7;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ESCALE);
    assert_int_equal(idx, 8500);
    vc[8500] = 0;
    v[9999] = -INFINITY;
    assert_status(loy_segment_cross(&r, NULL, &in, &idx), LOY_ENONFINITE);
    assert_int_equal(idx, 9999);
}


/*
 * The crossing has a vectorised pass that takes whole blocks of 4096
 * customers and declines any block holding something it cannot judge
 * alone (a bad customer, a negative value to clamp, a -0.0), which the
 * careful pass then redoes. These tests hold both passes, and the hand-off
 * between them, to a direct loop.
 */
enum { BIG = 3 * 4096 + 777 }; /* three full blocks and a ragged one */

typedef struct big_data {
    double v[BIG], pot[BIG], ltv[BIG], churn[BIG];
    uint8_t vc[BIG], cells[BIG];
    int32_t loy[BIG], raw[BIG];
} big_data;

static big_data *
make_big(void)
{
    big_data *d = malloc(sizeof *d);
    loy_test_rng rng = {77};
    size_t i;
    assert_non_null(d);
    for (i = 0; i < BIG; i++) {
        static const int32_t raw_of[4] = {3, 7, 10, -1}; /* D, A, P, none */
        uint64_t u = loy_test_rng_next(&rng);
        d->v[i] = floor(1000.0 * loy_test_rng_uniform(&rng)) / 8.0;
        d->vc[i] = (uint8_t)(u % 3);
        d->loy[i] = (int32_t)((u >> 8) % 4) - 1;
        d->raw[i] = d->loy[i] < 0 ? -1 : raw_of[d->loy[i]];
        d->pot[i] = loy_test_rng_uniform(&rng);
        d->ltv[i] = 500.0 * loy_test_rng_uniform(&rng) - 50.0;
        d->churn[i] = loy_test_rng_uniform(&rng);
    }
    return d;
}

/* Everything loy_segment_cross reports, by a direct loop. */
static void
check_big(const big_data *d, const loy_segment_input *in)
{
    loy_segment_result r = fresh_result();
    uint64_t cnt[24] = {0};
    double val[24] = {0}, lsum[24] = {0}, risk = 0, total = 0;
    size_t i;
    int c;
    uint8_t *cells = malloc(BIG);
    assert_non_null(cells);
    assert_ok(loy_segment_cross(&r, cells, in, NULL));
    for (i = 0; i < BIG; i++) {
        double v = in->value[i] < 0 ? 0.0 : in->value[i];
        int32_t code = in->loyalty == d->raw
                           ? (d->raw[i] < 0 ? -1 : d->raw[i] >= 9 ? P
                              : d->raw[i] >= 7 ? A : D)
                           : in->loyalty[i];
        int col = code == P ? 0 : code == A ? 1 : code == D ? 2 : 3;
        int lv = 0;
        if (in->potential != NULL)
            lv = (in->flags & LOY_SEGMENT_SOW) ? in->potential[i] < 0.4
                                               : in->potential[i] >= 0.4;
        c = 12 * lv + 4 * in->value_class[i] + col;
        assert_int_equal(cells[i], c);
        cnt[c]++;
        val[c] += v;
        total += v;
        if (in->lifetime_value != NULL)
            lsum[c] += in->lifetime_value[i];
        if (col == 2)
            risk += v;
        if (col == 1 && in->churn_prob != NULL)
            risk += v * in->churn_prob[i];
    }
    assert_close(r.total_value, total, 1e-14, 0);
    assert_close(r.value_at_risk, risk, 1e-13, 0);
    for (c = 0; c < 24; c++) {
        assert_int_equal(r.count[c], cnt[c]);
        assert_close(r.value[c], val[c], 1e-13, 1e-12);
        if (cnt[c] == 0 || in->lifetime_value == NULL)
            assert_close(r.mean_ltv[c], 0, 0, 0);
        else
            assert_close(r.mean_ltv[c], lsum[c] / (double)cnt[c], 1e-12,
                         1e-12);
    }
    free(cells);
}

static void
test_passes_agree(void **state)
{
    big_data *d = make_big();
    int cfg;
    (void)state;
    /* benign reasons for the careful pass: -0.0 value and churn, a value
     * to clamp; each in a different block, the last in the ragged one */
    d->v[4100] = -0.0;
    d->churn[2 * 4096 + 5] = -0.0;
    d->v[3 * 4096 + 776] = -12.5;
    for (cfg = 0; cfg < 32; cfg++) {
        loy_segment_input in = make_input(BIG, d->v, d->vc, d->loy);
        in.flags = LOY_SEGMENT_CLAMP_NEGATIVE;
        if (cfg & 1) { /* raw scores through the table */
            in.flags |= LOY_SEGMENT_RAW_SCORES;
            in.loyalty = d->raw;
        }
        if (cfg & 2) {
            in.potential = d->pot;
            in.potential_threshold = 0.4;
            if (cfg & 4)
                in.flags |= LOY_SEGMENT_SOW;
        }
        if (cfg & 8)
            in.lifetime_value = d->ltv;
        if (cfg & 16)
            in.churn_prob = d->churn;
        check_big(d, &in);
    }
    free(d);
}

/* Which field is made bad, and the status it must give. */
typedef struct bad_case {
    int field;
    double x;
    int want;
} bad_case;

static void
poke(big_data *d, const bad_case *b, size_t at)
{
    switch (b->field) {
    case 0: d->v[at] = b->x; break;
    case 1: d->vc[at] = (uint8_t)b->x; break;
    case 2: d->loy[at] = (int32_t)b->x; break;
    case 3: d->pot[at] = b->x; break;
    case 4: d->ltv[at] = b->x; break;
    default: d->churn[at] = b->x; break;
    }
}

static void
test_bad_customer_positions(void **state)
{
    static const bad_case cases[] = {
        {0, NAN, LOY_ENONFINITE},  {0, INFINITY, LOY_ENONFINITE},
        {0, -1.0, LOY_ESCALE},     {1, 3, LOY_ESCALE},
        {1, 255, LOY_ESCALE},      {2, 3, LOY_ESCALE},
        {2, -2, LOY_ESCALE},       {2, 40000, LOY_ESCALE},
        {2, -2147483647.0 - 1.0, LOY_ESCALE},
        {3, NAN, LOY_ENONFINITE},  {3, -INFINITY, LOY_ENONFINITE},
        {4, NAN, LOY_ENONFINITE},  {4, INFINITY, LOY_ENONFINITE},
        {5, 1.5, LOY_ESCALE},      {5, -0.25, LOY_ESCALE},
        {5, NAN, LOY_ENONFINITE},  {5, INFINITY, LOY_ENONFINITE},
    };
    /* first customer, inside a 16-wide step, a chunk's end, a block's
     * start, the very last customer (a scalar tail) */
    static const size_t where[] = {0, 21, 255, 4096, BIG - 1};
    big_data *d = make_big();
    big_data *keep = malloc(sizeof *keep);
    size_t k, w, i;
    (void)state;
    assert_non_null(keep);
    memcpy(keep, d, sizeof *d);
    for (k = 0; k < sizeof cases / sizeof *cases; k++)
        for (w = 0; w < sizeof where / sizeof *where; w++) {
            loy_segment_input in = make_input(BIG, d->v, d->vc, d->loy);
            loy_segment_result r = fresh_result();
            size_t idx = 0, at = where[w];
            in.potential = d->pot;
            in.potential_threshold = 0.4;
            in.lifetime_value = d->ltv;
            in.churn_prob = d->churn;
            poke(d, &cases[k], at);
            memset(d->cells, 0xEE, BIG);
            assert_status(loy_segment_cross(&r, d->cells, &in, &idx),
                          cases[k].want);
            assert_int_equal(idx, at);
            /* documented: only cells before the bad customer written */
            for (i = at; i < BIG; i++)
                assert_int_equal(d->cells[i], 0xEE);
            for (i = 0; i < at; i++)
                assert_true(d->cells[i] < 24);
            memcpy(d, keep, sizeof *d);
        }
    free(keep);
    free(d);
}


/*
 * Issue 20: the mean lifetime value of a cell was NaN with LOY_OK when its
 * sum overflowed (three customers of 1e308 in one cell); a total value
 * past DBL_MAX was reported as LOY_ENONFINITE, as if an input were NaN.
 */
static void
test_sums_past_dbl_max(void **state)
{
    const double v[3] = {1, 2, 3}, big[3] = {1e308, 1e308, 1e308};
    const double ltv[3] = {1e308, 1e308, 1e308}, ltv2[3] = {1e308, -1e308, 5};
    const uint8_t vc[3] = {0, 0, 0};
    const int32_t loy[3] = {P, P, P};
    loy_segment_result r = fresh_result(), save;
    loy_segment_input in = make_input(3, v, vc, loy);
    (void)state;
    in.lifetime_value = ltv;
    save = r;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EOVERFLOW);
    assert_memory_equal(&r, &save, sizeof r);
    in.lifetime_value = ltv2;
    assert_ok(loy_segment_cross(&r, NULL, &in, NULL));
    assert_close(r.mean_ltv[LOY_SEGMENT_CELL(0, LOY_SEGMENT_COL_PROMOTER, 0)],
                 5.0 / 3.0, 1e-15, 0);
    in.lifetime_value = NULL;
    in.value = big;
    assert_status(loy_segment_cross(&r, NULL, &in, NULL), LOY_EOVERFLOW);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums_past_dbl_max),
        cmocka_unit_test(test_small_example),
        cmocka_unit_test(test_against_direct_loop),
        cmocka_unit_test(test_raw_scores),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_bad_input_late),
        cmocka_unit_test(test_passes_agree),
        cmocka_unit_test(test_bad_customer_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
