/* SPDX-License-Identifier: MIT */
/*
 * drivers_quickstart.c - which attributes drive the likelihood to
 * recommend, and where to act first (docs/guide/drivers.md walks through
 * it). The data are the first 60 complete answers of
 * examples/data/survey.csv: the 0-10 score, then seven 0-10 ratings.
 */
#include <loyalty.h>
#include <stdio.h>

#define N 60
#define P 7

static const char *const names[P] = {
    "taste", "freshness", "delivery_on_time", "order_accuracy",
    "value_for_money", "personal_touch", "app_ease"};

static const double survey[N][1 + P] = {
    { 6,  7,  8, 10, 10,  4,  6,  5}, {10, 10,  8, 10,  8,  7, 10,  5}, { 5,  3,  3,  2, 10,  3,  8,  4},
    { 8, 10,  7,  8, 10,  7,  3,  8}, { 8,  8,  7,  9, 10,  7,  7,  7}, { 6,  7,  4,  9,  8,  6,  4,  8},
    {10,  9,  7,  9,  8,  9,  4,  8}, { 7,  7,  8, 10, 10,  6,  3, 10}, {10, 10,  7, 10,  9,  7, 10,  9},
    {10,  9,  8, 10,  8,  8, 10,  7}, { 6,  7,  9,  9, 10,  6,  7,  6}, { 8,  7,  9,  8,  9, 10,  9,  8},
    { 8,  7,  7, 10, 10,  8,  6,  6}, { 4,  6,  5,  1, 10,  2,  7,  8}, { 7,  5,  7,  9,  8,  7,  5,  8},
    { 4,  3,  5, 10,  8,  3,  9, 10}, { 7,  8,  8,  8, 10,  6,  4,  9}, {10,  9, 10, 10, 10,  8,  6,  7},
    { 8,  9,  9,  8, 10,  6,  4,  4}, { 7,  7,  7,  0, 10,  7,  5,  4}, { 9,  7,  8,  8,  8,  9,  7,  7},
    { 9,  8,  8, 10,  9,  7, 10,  6}, { 7,  8,  5,  9,  9,  5,  8,  6}, { 8,  8,  7,  9,  8,  7,  2,  3},
    { 7,  6,  8, 10,  9,  5,  5, 10}, { 7,  6,  6,  9,  9,  6,  5,  8}, {10,  9,  6,  9,  8,  8, 10,  8},
    { 7,  5,  6,  2, 10,  6,  6,  7}, { 5,  7,  5, 10,  9,  8,  5,  8}, {10,  8,  9,  9,  8,  8,  9,  2},
    { 7,  5,  6,  9,  8,  6,  3,  6}, { 8,  8,  9,  9, 10,  8,  3,  8}, { 7,  8,  7,  8,  9,  7,  6,  4},
    { 8,  9,  9, 10,  8, 10,  6,  5}, { 1,  4,  3,  9,  5,  1,  8,  5}, {10, 10,  9,  9,  9,  8,  5,  6},
    { 4,  5,  9, 10,  3,  4,  8,  6}, { 7,  8,  7,  9,  5,  6,  7,  9}, { 7,  9,  6, 10, 10,  8,  7,  8},
    { 8, 10,  5,  8,  9,  6,  6,  7}, { 9, 10, 10,  9, 10,  9,  4,  7}, { 4,  5,  7,  5,  3,  6,  3,  7},
    { 8,  8,  8, 10, 10,  8,  5,  9}, { 6,  7,  6,  8,  9,  5,  8,  7}, { 7,  7,  9,  9, 10,  7,  7,  4},
    { 7,  5,  6,  9, 10,  2, 10, 10}, { 9, 10,  9,  9,  8,  6,  5,  5}, { 9, 10,  7, 10, 10,  7,  6,  4},
    { 8,  8,  8,  9,  9,  7,  7,  5}, { 6,  6,  9,  9, 10,  5,  5,  8}, { 9,  9,  9,  8,  8,  9,  6,  8},
    { 9,  7,  7,  9,  8,  7,  9,  8}, { 5,  5,  7,  1,  5,  7,  5, 10}, { 7,  9,  7, 10,  9,  4,  6,  7},
    { 9,  8, 10,  9,  8,  6,  9,  5}, { 8,  9,  7, 10, 10,  9,  9,  9}, {10, 10,  8,  8,  9,  9,  9,  9},
    { 8,  9,  8,  8, 10, 10,  7,  9}, { 2,  3,  5,  2, 10,  1,  4,  8}, { 8, 10,  8,  9,  8,  7,  4,  8},
};

static int
fail(int rc, const char *what)
{
    fprintf(stderr, "%s: %s (%s)\n", what, loy_strerror(rc), loy_error_name(rc));
    return 1;
}

int main(void)
{
    static const size_t drivers[P] = {1, 2, 3, 4, 5, 6, 7};
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_summary sum = LOY_DRIVERS_SUMMARY_INIT;
    loy_moments *tally = NULL;
    loy_drivers_result *res = NULL;
    double share[P], sign[P], rank[P], hist[P * 11] = {0}, perf[P], cuts[2];
    int32_t quadrant[P];
    size_t j, bad;
    int rc;

    /* 1. Tally the rows (exact integer sums: shards would merge to the
     *    same bytes). Column 0 is the score, 1..7 the attributes. */
    rc = loy_moments_new(&tally, 1 + P, LOY_MOMENTS_INTEGER);
    if (rc == LOY_OK)
        rc = loy_moments_set_scale(tally, LOY_MOMENTS_ALL_COLUMNS, 0, 10);
    if (rc == LOY_OK)
        rc = loy_moments_add(tally, &survey[0][0], N, 1 + P, 1, NULL, NULL, &bad);
    if (rc != LOY_OK)
        return fail(rc, "tally");

    /* 2. Split R² among the attributes (LMG = Shapley value, exact). */
    spec.outcome = 0;
    spec.drivers = drivers;
    spec.n_drivers = P;
    rc = loy_drivers_linear(&res, tally, &spec, NULL, &bad);
    if (rc != LOY_OK)
        return fail(rc, "analysis");
    loy_drivers_result_summary(&sum, res);
    loy_drivers_result_get(share, P, NULL, res, LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_ESTIMATE);
    loy_drivers_result_get(sign, P, NULL, res, LOY_DRIVERS_SIGN, LOY_DRIVERS_ESTIMATE);
    loy_drivers_result_get(rank, P, NULL, res, LOY_DRIVERS_RANK, LOY_DRIVERS_ESTIMATE);

    /* 3. Cross importance with performance: the priority matrix. */
    rc = loy_drivers_hist_add(hist, P, 0, 10, &survey[0][1], N, 1 + P, 1, NULL, 0, &bad);
    if (rc == LOY_OK)
        rc = loy_drivers_ipa(perf, NULL, NULL, quadrant, NULL, cuts, share, hist,
                             P, 0, 10, NULL, NULL);
    if (rc != LOY_OK)
        return fail(rc, "importance-performance");

    printf("Drivers of the likelihood to recommend: n = %llu, R2 = %.2f\n",
           (unsigned long long)sum.n, sum.r2);
    printf("%-17s %6s %4s %4s %6s  %s\n", "attribute", "share", "sign", "rank",
           "perf", "quadrant");
    for (j = 0; j < P; j++)
        printf("%-17s %5.1f%% %4s %4.0f %6.1f  %s\n", names[j], 100 * share[j],
               sign[j] > 0 ? "+" : "-", rank[j], perf[j],
               loy_drivers_quadrant_name(quadrant[j]));
    printf("cut lines: importance %.1f%%, performance %.1f\n", 100 * cuts[0], cuts[1]);

    loy_drivers_result_free(res);
    loy_moments_free(tally);
    return 0;
}
