/* SPDX-License-Identifier: MIT */
/*
 * r_cdnow_ref.c - the C library's answers on CDNOW, for the R binding's
 * check (check-r.sh): the purchase-log summary of the raw log, the fits of
 * BG/NBD, Pareto/NBD, MBG/NBD and Gamma-Gamma, P(alive) and expected
 * purchases, printed as "name value" lines with 17 significant digits. The
 * R script fits the same data through the package and compares.
 *
 * usage: r_cdnow_ref DATA_DIR   (the folder holding cdnow/CDNOW_sample.txt)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <loyalty.h>

#define MAX_ROWS 10000
#define N_CUST 2357

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
put(const char *name, double v)
{
    printf("%s %.17g\n", name, v);
}

static void
put_fit(const char *model, const char *const *names, const double *p, int k,
        const loy_fit_report *r)
{
    char buf[64];
    for (int i = 0; i < k; i++) {
        snprintf(buf, sizeof buf, "%s.%s", model, names[i]);
        put(buf, p[i]);
    }
    snprintf(buf, sizeof buf, "%s.loglik", model);
    put(buf, r->loglik);
}

static int
fail(const char *what, int st)
{
    fprintf(stderr, "r_cdnow_ref: %s: %s\n", what, loy_strerror(st));
    return 1;
}

int
main(int argc, char **argv)
{
    static uint64_t id[MAX_ROWS];
    static int64_t t[MAX_ROWS];
    static double v[MAX_ROWS], gx[N_CUST], gm[N_CUST], out[N_CUST], out2[N_CUST];
    static const char *const bg_names[] = {"r", "alpha", "a", "b"};
    static const char *const pn_names[] = {"r", "alpha", "s", "beta"};
    static const char *const gg_names[] = {"p", "q", "gamma"};
    char path[4096], line[256];
    size_t n = 0, nc, k = 0;
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    const double *x, *tx, *T, *mon;
    double p[4], sx = 0, stx = 0, sT = 0, sm = 0, spa = 0, sce = 0;
    int st;
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: r_cdnow_ref DATA_DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/cdnow/CDNOW_sample.txt", argv[1]);
    f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "r_cdnow_ref: cannot open %s\n", path);
        return 77;
    }
    while (n < MAX_ROWS && fgets(line, sizeof line, f) != NULL) {
        long master, cust, date, cds;
        double amount;
        if (sscanf(line, "%ld %ld %ld %ld %lf", &master, &cust, &date, &cds,
                   &amount) != 5)
            continue;
        id[n] = (uint64_t)cust;
        t[n] = days_from_civil(date / 10000, date / 100 % 100, date % 100);
        v[n] = amount;
        n++;
    }
    fclose(f);

    /* BTYD's weeks: daily periods reported in units of 7 days. */
    o.freq_multiplier = 7.0;
    o.calibration_end = days_from_civil(1997, 9, 30);
    o.flags = LOY_RFM_CALIBRATION;
    st = loy_rfm_summarize(&s, id, t, v, n, days_from_civil(1998, 6, 30), &o,
                           NULL);
    if (st != LOY_OK)
        return fail("summary", st);
    nc = loy_rfm_summary_count(s);
    if (nc != N_CUST)
        return fail("summary size", LOY_EINVAL);
    (void)loy_rfm_summary_column(&x, s, LOY_RFM_COL_X);
    (void)loy_rfm_summary_column(&tx, s, LOY_RFM_COL_T_X);
    (void)loy_rfm_summary_column(&T, s, LOY_RFM_COL_T);
    (void)loy_rfm_summary_column(&mon, s, LOY_RFM_COL_MONETARY);
    for (size_t i = 0; i < nc; i++) {
        sx += x[i];
        stx += tx[i];
        sT += T[i];
        sm += mon[i];
    }
    put("summary.x", sx);
    put("summary.t_x", stx);
    put("summary.T", sT);
    put("summary.m", sm);

    {
        loy_fit_report r = LOY_FIT_REPORT_INIT;
        if ((st = loy_bgnbd_fit(p, x, tx, T, NULL, nc, NULL, &r, NULL)) != LOY_OK)
            return fail("bgnbd", st);
        put_fit("bgnbd", bg_names, p, 4, &r);
        for (int i = 0; i < 4; i++) {
            snprintf(line, sizeof line, "bgnbd.se.%s", bg_names[i]);
            put(line, r.se[i]);
        }
        if ((st = loy_bgnbd_palive(out, p, x, tx, T, nc, NULL)) != LOY_OK)
            return fail("bgnbd palive", st);
        if ((st = loy_bgnbd_expected(out2, p, x, tx, T, nc, 39.0, NULL)) != LOY_OK)
            return fail("bgnbd expected", st);
        for (size_t i = 0; i < nc; i++) {
            spa += out[i];
            sce += out2[i];
        }
        put("bgnbd.palive_sum", spa);
        put("bgnbd.expected39_sum", sce);
        put("bgnbd.palive_1", out[0]);
        put("bgnbd.expected39_1", out2[0]);
    }
    {
        loy_fit_report r = LOY_FIT_REPORT_INIT;
        if ((st = loy_pnbd_fit(p, x, tx, T, NULL, nc, NULL, &r, NULL)) != LOY_OK)
            return fail("pnbd", st);
        put_fit("pnbd", pn_names, p, 4, &r);
        if ((st = loy_pnbd_palive(out, p, x, tx, T, nc, NULL)) != LOY_OK)
            return fail("pnbd palive", st);
        spa = 0;
        for (size_t i = 0; i < nc; i++)
            spa += out[i];
        put("pnbd.palive_sum", spa);
    }
    {
        loy_fit_report r = LOY_FIT_REPORT_INIT;
        if ((st = loy_mbgnbd_fit(p, x, tx, T, NULL, nc, NULL, &r, NULL)) != LOY_OK)
            return fail("mbgnbd", st);
        put_fit("mbgnbd", bg_names, p, 4, &r);
    }
    {
        loy_fit_report r = LOY_FIT_REPORT_INIT;
        for (size_t i = 0; i < nc; i++)
            if (x[i] > 0) {
                gx[k] = x[i];
                gm[k] = mon[i];
                k++;
            }
        if ((st = loy_ggamma_fit(p, gx, gm, NULL, k, NULL, &r, NULL)) != LOY_OK)
            return fail("ggamma", st);
        put_fit("ggamma", gg_names, p, 3, &r);
    }
    loy_rfm_summary_free(s);
    return 0;
}
