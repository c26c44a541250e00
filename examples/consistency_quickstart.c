/* SPDX-License-Identifier: MIT */
/*
 * consistency_quickstart.c - which branches differ for real, and when did
 * the NPS move? (docs/guide/consistency.md walks through it). The tallies
 * are those of examples/data/survey.csv: (detractors, passives, promoters)
 * per branch, and per month for the whole company.
 */
#include <loyalty.h>
#include <stdio.h>

#define BRANCHES 8
#define MONTHS 23

static const char *const branch[BRANCHES] = {
    "Hamburg", "Berlin", "Bremen", "Hannover",
    "Kiel", "Luebeck", "Rostock", "Flensburg"};

static const uint64_t by_branch[BRANCHES][3] = {
    {100, 130, 115}, {79, 92, 113}, {110, 71, 61}, {51, 76, 87},
    {45, 46, 60}, {32, 53, 52}, {19, 40, 38}, {23, 40, 35}};

/* February 2024 to December 2025. */
static const uint64_t by_month[MONTHS][3] = {
    {2, 3, 1}, {3, 5, 7}, {6, 7, 8}, {8, 6, 9}, {4, 11, 10}, {11, 23, 18},
    {7, 18, 20}, {11, 21, 26}, {16, 31, 30}, {22, 25, 21}, {27, 37, 48},
    {23, 40, 47}, {18, 39, 35}, {28, 45, 30}, {22, 30, 47}, {25, 38, 38},
    {32, 17, 25}, {35, 19, 13}, {30, 27, 29}, {31, 24, 30}, {29, 23, 22},
    {32, 34, 28}, {37, 25, 19}};

static const char *
month_name(size_t t, char *buf, size_t len)
{
    size_t m = t + 1; /* months since January 2024 */
    snprintf(buf, len, "%04u-%02u", (unsigned)(2024 + m / 12),
             (unsigned)(m % 12 + 1));
    return buf;
}

static int
fail(int rc, const char *what)
{
    fprintf(stderr, "%s: %s (%s)\n", what, loy_strerror(rc), loy_error_name(rc));
    return 1;
}

/* 1. Funnel: every branch against the pooled NPS, with FDR control and
 *    the between-branch spread (tau) as the consistency figure. */
static int
funnel(void)
{
    double nps[BRANCHES], z[BRANCHES], shrunk[BRANCHES];
    uint32_t flags[BRANCHES];
    loy_funnel_units units = LOY_FUNNEL_UNITS_INIT;
    loy_funnel_result fit;
    size_t i;
    int rc;
    fit.struct_size = sizeof fit; /* see "Growable structs" */
    units.nps = nps;
    units.z = z;
    units.shrunk = shrunk;
    units.flags = flags;
    rc = loy_funnel_compute(&fit, &units, &by_branch[0][0], BRANCHES, 3, NULL,
                            NULL);
    if (rc != LOY_OK)
        return fail(rc, "funnel");
    printf("Funnel: target NPS %+.1f, tau %.1f points, I^2 %.0f%%\n",
           100 * fit.target, 100 * fit.tau, 100 * fit.i2);
    for (i = 0; i < BRANCHES; i++)
        printf("  %-9s NPS %+6.1f  z %+5.2f  shrunk %+6.1f  %s%s\n", branch[i],
               100 * nps[i], z[i], 100 * shrunk[i],
               flags[i] & LOY_FUNNEL_OUTSIDE_OUTER   ? "outside 99.8%"
               : flags[i] & LOY_FUNNEL_OUTSIDE_INNER ? "outside 95%"
                                                     : "",
               flags[i] & LOY_FUNNEL_FDR ? ", FDR" : "");
    return 0;
}

/* 2. Monthly charts against the first twelve months. */
static int
charts(void)
{
    uint32_t codes[MONTHS];
    size_t first_cusum, first_ewma;
    uint32_t uflags;
    double centre;
    loy_chart_units units = LOY_CHART_UNITS_INIT;
    loy_chart_points points = LOY_CHART_POINTS_INIT;
    loy_chart_options opts = LOY_CHART_OPTIONS_INIT;
    char m[16];
    size_t t;
    int rc;
    units.centre = &centre;
    units.first_cusum = &first_cusum;
    units.first_ewma = &first_ewma;
    units.flags = &uflags;
    points.codes = codes;
    opts.baseline_length = 12;
    rc = loy_chart_compute(&units, &points, &by_month[0][0], 1, MONTHS, 3,
                           &opts, NULL);
    if (rc != LOY_OK)
        return fail(rc, "charts");
    printf("Charts: centre line %+.1f from the first 12 months\n", 100 * centre);
    for (t = 0; t < MONTHS; t++)
        if (codes[t] & LOY_SIGNAL_ANY)
            printf("  %s%s%s%s%s%s\n", month_name(t, m, sizeof m),
                   codes[t] & LOY_SIGNAL_SHEWHART_LOW ? "  Shewhart low" : "",
                   codes[t] & LOY_SIGNAL_LANEY_LOW ? "  Laney low" : "",
                   codes[t] & LOY_SIGNAL_EWMA_LOW ? "  EWMA low" : "",
                   codes[t] & LOY_SIGNAL_CUSUM_LOW ? "  CUSUM low" : "",
                   codes[t] & LOY_SIGNAL_LONG_RUN ? "  long run" : "");
    if (first_cusum != LOY_NO_INDEX)
        printf("  first CUSUM signal: %s\n", month_name(first_cusum, m, sizeof m));
    return 0;
}

/* 3. Change over twelve months, and are 9-10s gaining on 7-8s? */
static int
change_and_trend(void)
{
    double diff[MONTHS], lower[MONTHS], upper[MONTHS], slope, p;
    uint32_t cflags[MONTHS], tflags;
    loy_change_points ch = LOY_CHANGE_POINTS_INIT;
    loy_trend_units tr = LOY_TREND_UNITS_INIT;
    char m[16];
    int rc;
    ch.diff = diff;
    ch.lower = lower;
    ch.upper = upper;
    ch.flags = cflags;
    rc = loy_change_compute(&ch, &by_month[0][0], 1, MONTHS, 3, 12,
                            LOY_NPS_WALD, 0.95, NULL, NULL);
    if (rc != LOY_OK)
        return fail(rc, "change");
    printf("Change %s vs a year before: %+.1f points [%+.1f, %+.1f]\n",
           month_name(MONTHS - 1, m, sizeof m), 100 * diff[MONTHS - 1],
           100 * lower[MONTHS - 1], 100 * upper[MONTHS - 1]);
    tr.slope = &slope;
    tr.p_value = &p;
    tr.flags = &tflags;
    rc = loy_topbox_trend(&tr, &by_month[0][0], 1, MONTHS, 3, 0.95, NULL);
    if (rc != LOY_OK)
        return fail(rc, "trend");
    printf("Top-box vs 7-8 trend: %+.3f log-odds per month (p = %.2g)\n",
           slope, p);
    return 0;
}

/* 4. Chart design: an EWMA with one false alarm in 370 months on average,
 *    and how fast a CUSUM sees a one-sigma drop. */
static int
design(void)
{
    double L, arl0, arl1;
    int rc = loy_arl_ewma_limit(&L, 0.2, 370.0, LOY_ARL_TWO_SIDED, NULL);
    if (rc == LOY_OK)
        rc = loy_arl_cusum(&arl0, 0.5, 5.0, 0.0, LOY_ARL_TWO_SIDED, NULL);
    if (rc == LOY_OK)
        rc = loy_arl_cusum(&arl1, 0.5, 5.0, -1.0, LOY_ARL_TWO_SIDED, NULL);
    if (rc != LOY_OK)
        return fail(rc, "design");
    printf("Design: EWMA(0.2) L = %.4f for ARL0 370; CUSUM(0.5, 5) ARL %.0f "
           "in control, %.1f after a 1-sigma drop\n", L, arl0, arl1);
    return 0;
}

int main(void)
{
    return funnel() || charts() || change_and_trend() || design();
}
