/* SPDX-License-Identifier: MIT */
/*
 * test_threads.c - the library from several threads at once.
 *
 * The library keeps no global state, so threads that share read-only
 * inputs and write distinct outputs must neither race nor disturb each
 * other's results. Each of THREADS threads runs the same battery on the
 * same const inputs (NPS tallies and estimates, the purchase-log summary
 * in one call and streamed, BG/NBD, Pareto/NBD, BG/BB, sBG and
 * Gamma-Gamma fits, log-likelihoods and predictions, ABC and the ABC x
 * loyalty crossing, and fits and predictions that start threads of their
 * own through the threads options), each into its own result block, several rounds in a
 * row; every block must equal the one computed first on the main thread,
 * bit for bit. Built with -fsanitize=thread (.ci/run, LOY_SANITIZE_THREAD)
 * the same program checks that no two threads touch shared memory
 * without synchronisation; in the other builds it checks determinism.
 */
#include "testutil.h"

#include <pthread.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 2
#define N_SCORES 20000
#define N_ROWS 3000
#define N_SEG 6000
#define N_PAR 8200 /* customers of the library's own threads (>= 2 x 4096) */

/* ------------------------------------------------------------------ */
/* shared read-only inputs                                             */
/* ------------------------------------------------------------------ */

static uint8_t scores_u8[N_SCORES];
static double scores_f64[N_SCORES], weights[N_SCORES];
static uint32_t groups[N_SCORES];
static uint64_t row_id[N_ROWS];
static int64_t row_time[N_ROWS];
static double row_amount[N_ROWS];
static double seg_value[N_SEG], seg_ltv[N_SEG], seg_pot[N_SEG];
static double seg_churn[N_SEG];
static int32_t seg_loyalty[N_SEG];
static double par_x[N_PAR], par_tx[N_PAR], par_T[N_PAR];
/* BG/BB: the donation data's shape (x, t_x, n opportunities, count) */
static const double bgbb_x[] = {0, 1, 1, 2, 2, 3, 3, 4, 5, 6};
static const double bgbb_tx[] = {0, 1, 5, 3, 6, 4, 6, 5, 6, 6};
static const double bgbb_n[] = {6, 6, 6, 6, 6, 6, 6, 6, 6, 6};
static const double bgbb_w[] = {3464, 1091, 277, 593, 411, 669, 348, 591,
                                633, 1203};
/* sBG: the "regular" cohort of Fader and Hardie (2007) */
static const double sbg_surv[] = {1000, 631, 468, 382, 326, 289, 262, 241};

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
    return (double)(splitmix(s) >> 11) / 9007199254740992.0;
}

static void
make_inputs(void)
{
    uint64_t s = 20;
    size_t i;
    for (i = 0; i < N_SCORES; i++) {
        scores_u8[i] = (uint8_t)(splitmix(&s) % 11);
        scores_f64[i] = scores_u8[i];
        weights[i] = 0.5 + unit(&s);
        groups[i] = (uint32_t)(splitmix(&s) % 7);
    }
    for (i = 0; i < N_ROWS; i++) {
        row_id[i] = splitmix(&s) % 400;
        row_time[i] = (int64_t)(splitmix(&s) % 365);
        row_amount[i] = 5.0 + 100.0 * unit(&s);
    }
    for (i = 0; i < N_SEG; i++) {
        seg_value[i] = 1000.0 * unit(&s) * unit(&s);
        seg_ltv[i] = 3.0 * seg_value[i] - 50.0;
        seg_pot[i] = unit(&s);
        seg_churn[i] = unit(&s);
        seg_loyalty[i] = (int32_t)(splitmix(&s) % 4) - 1;
    }
    for (i = 0; i < N_PAR; i++) {
        par_T[i] = 10.0 + 30.0 * unit(&s);
        par_x[i] = (double)(splitmix(&s) % 6);
        par_tx[i] = par_x[i] > 0.0 ? par_T[i] * (0.2 + 0.8 * unit(&s)) : 0.0;
    }
}

/* ------------------------------------------------------------------ */
/* one battery, results in a block compared bit for bit                */
/* ------------------------------------------------------------------ */

#define N_CUST_MAX 400

typedef struct results {
    int status[32];
    loy_nps_tally tu8, ti32;
    loy_nps_wtally tw;
    uint64_t grouped[4 * 7];
    loy_nps_result est[3];
    loy_nps_diff diff;
    loy_nps_wresult west;
    size_t n_cust;
    double x[N_CUST_MAX], tx[N_CUST_MAX], T[N_CUST_MAX], m[N_CUST_MAX];
    double x2[N_CUST_MAX], m2[N_CUST_MAX];
    double bgnbd[4], pnbd_ll, palive[N_CUST_MAX], cet[N_CUST_MAX];
    double pnbd_palive[N_CUST_MAX], ggamma[3], spend[N_CUST_MAX];
    double bgbb[4], bgbb_palive[10], sbg[2], sbg_ret[8];
    uint8_t abc[N_SEG], cells[N_SEG];
    loy_abc_summary abc_sum;
    loy_abc_computed_result abc_comp;
    loy_segment_result seg;
    /* the library's own threads (threads option), nested in these */
    double par_fit[4], par_fit1[4], par_pnbd[4];
    double par_pa[N_PAR], par_cet[N_PAR], par_pa1[N_PAR], par_cet1[N_PAR];
    double par_pnpa[N_PAR], par_pncet[N_PAR];
    int par_same;
} results;

static void
summary_columns(results *r, int *st, int streamed)
{
    loy_rfm_summary *s = NULL;
    const double *c;
    size_t i;
    if (!streamed) {
        *st = loy_rfm_summarize(&s, row_id, row_time, row_amount, N_ROWS,
                                364, NULL, NULL);
    } else {
        loy_rfm_builder *b = NULL;
        *st = loy_rfm_builder_new(&b, 364, NULL);
        for (i = 0; *st == LOY_OK && i < N_ROWS; i += 700) {
            size_t m = N_ROWS - i < 700 ? N_ROWS - i : 700;
            *st = loy_rfm_builder_add(b, row_id + i, row_time + i,
                                      row_amount + i, m, NULL);
        }
        if (*st == LOY_OK)
            *st = loy_rfm_builder_finish(&s, b);
        loy_rfm_builder_free(b);
    }
    if (*st != LOY_OK)
        return;
    r->n_cust = loy_rfm_summary_count(s);
    if (r->n_cust > N_CUST_MAX)
        r->n_cust = N_CUST_MAX;
    if (!streamed) {
        (void)loy_rfm_summary_column(&c, s, LOY_RFM_COL_X);
        memcpy(r->x, c, r->n_cust * sizeof *c);
        (void)loy_rfm_summary_column(&c, s, LOY_RFM_COL_T_X);
        memcpy(r->tx, c, r->n_cust * sizeof *c);
        (void)loy_rfm_summary_column(&c, s, LOY_RFM_COL_T);
        memcpy(r->T, c, r->n_cust * sizeof *c);
        (void)loy_rfm_summary_column(&c, s, LOY_RFM_COL_MONETARY);
        memcpy(r->m, c, r->n_cust * sizeof *c);
    } else {
        (void)loy_rfm_summary_column(&c, s, LOY_RFM_COL_X);
        memcpy(r->x2, c, r->n_cust * sizeof *c);
        (void)loy_rfm_summary_column(&c, s, LOY_RFM_COL_MONETARY);
        memcpy(r->m2, c, r->n_cust * sizeof *c);
    }
    loy_rfm_summary_free(s);
}

static void
survey(results *r, int *st)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    uint32_t k;
    st[0] = loy_nps_tally_u8(&r->tu8, scores_u8, N_SCORES, NULL, 0, NULL);
    st[1] = loy_nps_tally_f64(&r->ti32, scores_f64, N_SCORES, NULL, 0, NULL);
    st[2] = loy_nps_wtally_f64(&r->tw, scores_f64, weights, N_SCORES, NULL,
                               0, NULL);
    st[3] = loy_nps_tally_grouped_u8(r->grouped, 7, scores_u8, groups,
                                     N_SCORES, NULL, 0, NULL);
    for (k = 0; k < 3; k++)
        st[4 + k] = loy_nps_estimate(&r->est[k], &r->tu8, k, 0.95, NULL);
    st[7] = loy_nps_tally_u8(&t, scores_u8, N_SCORES / 3, NULL, 0, NULL);
    st[8] = loy_nps_compare(&r->diff, &r->tu8, &t, LOY_NPS_ADJUSTED_WALD,
                            0.9, NULL);
    st[9] = loy_nps_westimate(&r->west, &r->tw, 0.95);
}

static void
models(results *r, int *st)
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    size_t n = r->n_cust, i, k = 0;
    o.max_iter = 200;
    st[0] = loy_bgnbd_fit(r->bgnbd, r->x, r->tx, r->T, NULL, n, &o, NULL,
                          NULL);
    st[1] = loy_bgnbd_predict(r->palive, r->cet, r->bgnbd, r->x, r->tx, r->T,
                              n, 52.0, NULL);
    st[2] = loy_pnbd_loglik(&r->pnbd_ll, r->bgnbd, r->x, r->tx, r->T, NULL,
                            n, NULL);
    st[3] = loy_pnbd_palive(r->pnbd_palive, r->bgnbd, r->x, r->tx, r->T, n,
                            NULL);
    /* Gamma-Gamma on the customers with repeat purchases */
    for (i = 0; i < n; i++)
        if (r->x[i] > 0) {
            r->x2[k] = r->x[i];
            r->m2[k++] = r->m[i];
        }
    st[4] = loy_ggamma_fit(r->ggamma, r->x2, r->m2, NULL, k, &o, NULL, NULL);
    st[5] = loy_ggamma_expected_spend(r->spend, r->ggamma, r->x2, r->m2, k,
                                      NULL);
    st[6] = loy_bgbb_fit(r->bgbb, bgbb_x, bgbb_tx, bgbb_n, bgbb_w, 10, &o,
                         NULL, NULL);
    st[7] = loy_bgbb_palive(r->bgbb_palive, r->bgbb, bgbb_x, bgbb_tx, bgbb_n,
                            10, 0, NULL);
    st[8] = loy_sbg_fit_cohort(r->sbg, sbg_surv, 8, &o, NULL, NULL);
    st[9] = loy_sbg_retention(r->sbg_ret, 8, r->sbg);
}

static void
segments(results *r, int *st)
{
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    r->abc_sum.struct_size = sizeof r->abc_sum;
    r->abc_comp.struct_size = sizeof r->abc_comp;
    r->seg.struct_size = sizeof r->seg;
    st[0] = loy_abc_classify(r->abc, &r->abc_sum, seg_value, N_SEG, 0.8,
                             0.95, 0, NULL);
    st[1] = loy_abc_computed_classify(NULL, &r->abc_comp, seg_value, N_SEG,
                                      0, NULL);
    in.n = N_SEG;
    in.value = seg_value;
    in.value_class = r->abc;
    in.loyalty = seg_loyalty;
    in.potential = seg_pot;
    in.potential_threshold = 0.5;
    in.lifetime_value = seg_ltv;
    in.churn_prob = seg_churn;
    st[2] = loy_segment_cross(&r->seg, r->cells, &in, NULL);
}

/*
 * Fits and predictions on the library's own threads (loy_fit_options::
 * threads, loy_predict_options::threads): under ThreadSanitizer this checks
 * the library's threads; everywhere it checks that 1 and 2 threads give
 * the same bytes.
 */
static void
library_threads(results *r, int *st)
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_predict_options po = LOY_PREDICT_OPTIONS_INIT;
    /* a few iterations are enough to check the threads (ENOCONV is a
     * result too) and keep the ThreadSanitizer run short */
    o.max_iter = 6;
    o.flags = LOY_FIT_NO_COMPRESS | LOY_FIT_NO_SE | LOY_FIT_NO_LIMITS;
    o.threads = 2;
    st[0] = loy_bgnbd_fit(r->par_fit, par_x, par_tx, par_T, NULL, N_PAR, &o,
                          NULL, NULL);
    o.threads = 1;
    (void)loy_bgnbd_fit(r->par_fit1, par_x, par_tx, par_T, NULL, N_PAR, &o,
                        NULL, NULL);
    o.max_iter = 3;
    o.threads = 2;
    st[1] = loy_pnbd_fit(r->par_pnbd, par_x, par_tx, par_T, NULL, N_PAR, &o,
                         NULL, NULL);
    po.threads = 2;
    st[2] = loy_bgnbd_score(r->par_pa, r->par_cet, r->par_fit, par_x, par_tx,
                            par_T, N_PAR, 39.0, &po, NULL);
    st[3] = loy_pnbd_score(r->par_pnpa, r->par_pncet, r->par_fit, par_x,
                           par_tx, par_T, N_PAR, 39.0, &po, NULL);
    po.threads = 1;
    (void)loy_bgnbd_score(r->par_pa1, r->par_cet1, r->par_fit, par_x, par_tx,
                          par_T, N_PAR, 39.0, &po, NULL);
    r->par_same = memcmp(r->par_fit, r->par_fit1, sizeof r->par_fit) == 0
                  && memcmp(r->par_pa, r->par_pa1, sizeof r->par_pa) == 0
                  && memcmp(r->par_cet, r->par_cet1, sizeof r->par_cet) == 0;
}

static void
battery(results *r)
{
    memset(r, 0, sizeof *r);
    r->tu8.struct_size = r->ti32.struct_size = sizeof r->tu8;
    r->tw.struct_size = sizeof r->tw;
    r->est[0].struct_size = r->est[1].struct_size = r->est[2].struct_size =
        sizeof r->est[0];
    r->diff.struct_size = sizeof r->diff;
    r->west.struct_size = sizeof r->west;
    survey(r, r->status);
    summary_columns(r, &r->status[10], 0);
    summary_columns(r, &r->status[11], 1);
    if (r->status[10] == LOY_OK)
        models(r, &r->status[12]);
    segments(r, &r->status[22]);
    library_threads(r, &r->status[25]);
}

/* ------------------------------------------------------------------ */
/* threads                                                             */
/* ------------------------------------------------------------------ */

static results reference;
static results *per_thread[THREADS];
static int mismatches[THREADS];

static void *
worker(void *arg)
{
    size_t t = (size_t)arg;
    int round;
    for (round = 0; round < ROUNDS; round++) {
        battery(per_thread[t]);
        /* bit for bit: the block was zeroed first, padding included */
        if (memcmp(per_thread[t], &reference, sizeof reference) != 0)
            mismatches[t]++;
    }
    return NULL;
}

static void
test_threads_agree(void **state)
{
    pthread_t th[THREADS];
    size_t t;
    int k;
    (void)state;
    make_inputs();
    battery(&reference);
    /* the battery itself must have worked */
    for (k = 0; k < 29; k++)
        if (reference.status[k] != LOY_OK && reference.status[k] != LOY_ENOCONV)
            fail_msg("step %d returned %s", k,
                     loy_error_name(reference.status[k]));
    assert_true(reference.n_cust > 300);
    assert_true(reference.tu8.detractors + reference.tu8.passives
                + reference.tu8.promoters == N_SCORES);
    assert_true(reference.seg.n == N_SEG);
    assert_true(reference.par_same); /* 1 and 2 library threads agree */
    for (t = 0; t < THREADS; t++) {
        per_thread[t] = malloc(sizeof(results));
        assert_non_null(per_thread[t]);
        assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)t), 0);
    }
    for (t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(mismatches[t], 0);
        free(per_thread[t]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_agree),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
