/* SPDX-License-Identifier: MIT */
/*
 * cmd_cohort.c - `loyalty cohort`: contractual (subscription) retention
 * with the shifted-beta-geometric model (MODELS.md 6.7): fit per cohort,
 * the retention curve observed and fitted, the expected lifetime, the
 * discounted expected lifetime (DEL, the CLV multiple of a new customer)
 * and the discounted expected residual lifetime (DERL) of customers who
 * have renewed so far.
 *
 * Input, either
 *   - a survival table: a period column and one column per cohort with the
 *     customers (or the percentage) still active at periods 0, 1, 2, ...;
 *   - or one row per customer (--tenure-column, with --active-column 1 for
 *     a customer still active, who is censored, 0 for one who left), with
 *     an optional --group-column for several cohorts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

#define MAX_PERIODS 1000
#define MAX_COHORTS 64

typedef struct cohort {
    const char *name;
    double *surv;           /* survivors per period (table input) */
    size_t len;             /* periods observed (0..len-1) */
    double *tenure;         /* per customer (tenure input) */
    int *cens;
    size_t n, cap;
    double params[2];
    loy_fit_report report;
    int status;
} cohort;

typedef struct cohort_opts {
    cli_common c;
    const char *period_col, *cohort_cols, *tenure_col, *active_col, *group_col;
    double discount, margin;
    unsigned fit_periods, periods, renewals;
    int have_margin, have_fit_periods;
} cohort_opts;

static void
cohorts_free(cohort *co, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(co[i].surv);
        free(co[i].tenure);
        free(co[i].cens);
    }
}

/* ---- survival tables --------------------------------------------------------- */

static int
is_cohort_column(const cohort_opts *ro, const char *name)
{
    const char *s = ro->cohort_cols;
    size_t len = strlen(name);
    if (s == NULL)
        return 1;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (n == len && strncmp(s, name, n) == 0)
            return 1;
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    return 0;
}

static int
read_table(const char *path, csv_reader *r, const cohort_opts *ro, cohort *co,
           size_t *nco, idmap *names)
{
    long pcol = ro->period_col ? cli_column("cohort", r, ro->period_col,
                                            "period-column") : 0;
    long cols[MAX_COHORTS];
    size_t k, i;
    badrows b;
    int rc;
    if (pcol < 0)
        return EXIT_DATA;
    *nco = 0;
    for (i = 0; i < csv_ncolumns(r) && *nco < MAX_COHORTS; i++) {
        uint64_t idx;
        const char *nm = csv_column_name(r, i);
        if ((long)i == pcol || !is_cohort_column(ro, nm))
            continue;
        if (idmap_intern(names, nm, strlen(nm), &idx, NULL) != 0)
            return EXIT_DATA;
        cols[*nco] = (long)i;
        memset(&co[*nco], 0, sizeof co[*nco]);
        co[*nco].name = idmap_name(names, idx);
        co[*nco].surv = malloc(MAX_PERIODS * sizeof *co[*nco].surv);
        if (co[*nco].surv == NULL)
            return EXIT_DATA;
        (*nco)++;
    }
    if (*nco == 0) {
        cli_error("cohort", "%s: no cohort column (the first column is the period; "
                  "--cohort-columns names others)", path);
        return EXIT_DATA;
    }
    badrows_init(&b, path, 0);
    while ((rc = csv_next(r)) == 1) {
        double p;
        if (cli_field_number(r, &b, pcol, csv_column_name(r, (size_t)pcol), &p) != 0
            || p != (double)co[0].len) {
            if (b.count == 0)
                badrow(&b, csv_line(r), "periods must run 0, 1, 2, ... (expected %zu)",
                       co[0].len);
            break;
        }
        if (co[0].len >= MAX_PERIODS) {
            badrow(&b, csv_line(r), "more than %d periods", MAX_PERIODS);
            break;
        }
        for (k = 0; k < *nco; k++) {
            double v;
            int frc = cli_field_number(r, &b, cols[k], co[k].name, &v);
            if (frc == -2) {
                badrow(&b, csv_line(r), "blank value in column '%s'", co[k].name);
                frc = -1;
            }
            if (frc != 0)
                break;
            co[k].surv[co[k].len] = v;
        }
        if (k < *nco)
            break;
        for (k = 0; k < *nco; k++)
            co[k].len++;
    }
    if (rc < 0)
        cli_error("cohort", "%s:%llu: %s", path, (unsigned long long)csv_line(r),
                  csv_error(r));
    return rc < 0 || badrows_finish(&b, "cohort") != 0 ? EXIT_DATA : 0;
}

/* ---- one row per customer ------------------------------------------------------ */

static int
push_customer(cohort *c, double tenure, int cens)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        double *nt = realloc(c->tenure, cap * sizeof *nt);
        int *nc;
        if (nt == NULL)
            return -1;
        c->tenure = nt;
        if ((nc = realloc(c->cens, cap * sizeof *nc)) == NULL)
            return -1;
        c->cens = nc;
        c->cap = cap;
    }
    c->tenure[c->n] = tenure;
    c->cens[c->n++] = cens;
    return 0;
}

static int
tenure_row(const csv_reader *r, badrows *b, const cohort_opts *ro, const long *col,
           cohort *co, size_t *nco, idmap *names)
{
    double t, a = 1.0;
    size_t gi = 0;
    int rc = cli_field_number(r, b, col[0], ro->tenure_col, &t);
    if (rc == -2)
        badrow(b, csv_line(r), "blank tenure in column '%s'", ro->tenure_col);
    if (rc != 0)
        return 0;
    if (col[1] >= 0 && (rc = cli_field_number(r, b, col[1], ro->active_col, &a)) != 0) {
        if (rc == -2)
            badrow(b, csv_line(r), "blank value in column '%s'", ro->active_col);
        return 0;
    }
    if (t < 0 || t != floor(t) || t > 1e6 || (a != 0 && a != 1) || (a == 0 && t < 1)) {
        badrow(b, csv_line(r), "tenure must be a whole number of periods (>= 1 for a "
               "customer who left) and '%s' 0 or 1", ro->active_col);
        return 0;
    }
    if (col[2] >= 0) {
        size_t len;
        uint64_t idx;
        int is_new;
        const char *g = cli_field_text(r, b, col[2], ro->group_col, &len);
        if (g == NULL)
            return 0;
        if (idmap_intern(names, g, len, &idx, &is_new) != 0)
            return -1;
        if (idx >= MAX_COHORTS) {
            badrow(b, csv_line(r), "more than %d cohorts", MAX_COHORTS);
            return 0;
        }
        gi = (size_t)idx;
        if (is_new) {
            memset(&co[gi], 0, sizeof co[gi]);
            co[gi].name = idmap_name(names, idx);
            *nco = gi + 1;
        }
    }
    return push_customer(&co[gi], t, a != 0);
}

static int
read_tenures(const char *path, csv_reader *r, const cohort_opts *ro, cohort *co,
             size_t *nco, idmap *names)
{
    long col[3] = {-1, -1, -1};
    badrows b;
    int rc;
    if ((col[0] = cli_column("cohort", r, ro->tenure_col, "tenure-column")) < 0
        || (ro->active_col != NULL
            && (col[1] = cli_column("cohort", r, ro->active_col, "active-column")) < 0)
        || (ro->group_col != NULL
            && (col[2] = cli_column("cohort", r, ro->group_col, "group-column")) < 0))
        return EXIT_DATA;
    if (col[2] < 0) {
        memset(&co[0], 0, sizeof co[0]);
        co[0].name = "(all)";
        *nco = 1;
    }
    badrows_init(&b, path, ro->c.skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (tenure_row(r, &b, ro, col, co, nco, names) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error("cohort", "%s:%llu: %s", path, (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    return rc < 0 ? EXIT_DATA : badrows_finish(&b, "cohort");
}

/* Survival curve of individual tenures (Kaplan-Meier), for the table. */
static void
km_curve(const cohort *c, double *out, size_t len)
{
    size_t t, i;
    double s = 1.0;
    out[0] = 1.0;
    for (t = 1; t < len; t++) {
        uint64_t at = 0, ev = 0;
        for (i = 0; i < c->n; i++) {
            at += c->tenure[i] >= (double)t;
            ev += !c->cens[i] && c->tenure[i] == (double)t;
        }
        if (at == 0) {
            out[t] = CLI_NAN;
            continue;
        }
        s *= 1.0 - (double)ev / (double)at;
        out[t] = s;
    }
}

/* ---- fitting and output ------------------------------------------------------- */

static void
fit_cohort(cohort *c, const cohort_opts *ro)
{
    size_t bad;
    c->report.struct_size = sizeof c->report;
    if (c->surv != NULL) {
        size_t len = ro->have_fit_periods && ro->fit_periods + 1 < c->len
                     ? ro->fit_periods + 1 : c->len;
        c->status = loy_sbg_fit_cohort(c->params, c->surv, len, NULL, &c->report, &bad);
    } else {
        c->status = loy_sbg_fit_tenures(c->params, c->tenure, c->cens, NULL, c->n,
                                        NULL, &c->report, &bad);
    }
}

static void
print_params(out_w *o, cohort *co, size_t nco, const cohort_opts *ro)
{
    static const out_col cols[] = {
        {"cohort", 12, 0, 0}, {"status", 10, 0, 0}, {"alpha", 8, 4, 0},
        {"alpha_se", 8, 4, 0}, {"beta", 8, 4, 0}, {"beta_se", 8, 4, 0},
        {"loglik", 10, 2, 0}, {"mean_churn", 6, 1, 1}, {"expected_lifetime", 0, 2, 0},
        {"del", 8, 3, 0}, {"derl", 8, 3, 0}, {"clv_new", 10, 2, 0}};
    size_t i;
    out_table(o, "cohorts", "sBG per cohort (mean churn in %; DEL = discounted "
              "expected lifetime of a new customer, DERL of one who has renewed "
              "--renewals times, in periods)", 0, cols, 12);
    for (i = 0; i < nco; i++) {
        cohort *c = &co[i];
        int ok = c->status == LOY_OK || c->status == LOY_ENOCONV;
        double del = CLI_NAN, derl = CLI_NAN;
        double a = c->params[0], bt = c->params[1];
        if (ok && loy_sbg_del(&del, c->params, ro->discount) != LOY_OK)
            del = CLI_NAN;
        if (ok && loy_sbg_derl(&derl, c->params, ro->discount, ro->renewals + 1) != LOY_OK)
            derl = CLI_NAN;
        out_cell_str(o, c->name);
        out_cell_str(o, c->status == LOY_OK ? "converged"
                        : c->status == LOY_ENOCONV ? "not conv." : loy_error_name(c->status));
        out_cell_num(o, ok ? a : CLI_NAN);
        out_cell_num(o, ok ? c->report.se[0] : CLI_NAN);
        out_cell_num(o, ok ? bt : CLI_NAN);
        out_cell_num(o, ok ? c->report.se[1] : CLI_NAN);
        out_cell_num(o, ok ? c->report.loglik : CLI_NAN);
        out_cell_num(o, ok ? a / (a + bt) : CLI_NAN);
        out_cell_num(o, ok && a > 1 ? (a + bt - 1) / (a - 1) : CLI_NAN);
        out_cell_num(o, del);
        out_cell_num(o, derl);
        out_cell_num(o, ro->have_margin ? ro->margin * del : CLI_NAN);
    }
    out_table_end(o);
}

static void
print_curves(out_w *o, cohort *co, size_t nco, const cohort_opts *ro)
{
    static const out_col cols[] = {
        {"cohort", 12, 0, 0}, {"period", 6, 0, 0}, {"observed", 8, 1, 1},
        {"fitted", 8, 1, 1}, {"retention_observed", 0, 1, 1},
        {"retention_fitted", 0, 1, 1}, {"in_fit", 6, 0, 0}};
    size_t i, t;
    out_table(o, "curve", "Retention curve: share still active (%), observed and "
              "fitted, and the period-to-period retention rate", 1, cols, 7);
    for (i = 0; i < nco; i++) {
        cohort *c = &co[i];
        size_t obs = c->surv ? c->len : 0, len;
        double *fit, *obsv;
        int ok = c->status == LOY_OK || c->status == LOY_ENOCONV;
        if (c->surv == NULL) {
            for (t = 0; t < c->n; t++)
                if (c->tenure[t] + 1 > (double)obs)
                    obs = (size_t)c->tenure[t] + 1;
        }
        len = ro->periods > obs ? ro->periods : obs;
        if (len > MAX_PERIODS)
            len = MAX_PERIODS;
        fit = malloc(len * sizeof *fit);
        obsv = malloc(len * sizeof *obsv);
        if (fit == NULL || obsv == NULL || !ok
            || loy_sbg_survival(fit, len, c->params) != LOY_OK) {
            free(fit);
            free(obsv);
            continue;
        }
        for (t = 0; t < len; t++)
            obsv[t] = CLI_NAN;
        if (c->surv != NULL) {
            for (t = 0; t < c->len; t++)
                obsv[t] = c->surv[0] > 0 ? c->surv[t] / c->surv[0] : CLI_NAN;
        } else {
            km_curve(c, obsv, obs);
        }
        for (t = 0; t < len; t++) {
            int in_fit = c->surv == NULL ? t < obs
                         : (!ro->have_fit_periods || t <= ro->fit_periods) && t < c->len;
            out_cell_str(o, c->name);
            out_cell_int(o, (int64_t)t);
            out_cell_num(o, obsv[t]);
            out_cell_num(o, fit[t]);
            out_cell_num(o, t > 0 && obsv[t - 1] > 0 ? obsv[t] / obsv[t - 1] : CLI_NAN);
            out_cell_num(o, t > 0 ? fit[t] / fit[t - 1] : CLI_NAN);
            out_cell_str(o, in_fit ? "yes" : "no");
        }
        free(fit);
        free(obsv);
    }
    out_table_end(o);
}

static const cmd_help cohort_help = {
    "cohort", "loyalty cohort [OPTIONS] FILE",
    "Retention of subscription cohorts with the shifted-beta-geometric (sBG)\n"
    "model: each customer cancels at each renewal with a probability that\n"
    "varies between customers as Beta(alpha, beta). Per cohort: the fit, the\n"
    "mean churn, the expected lifetime, DEL (the discounted expected lifetime\n"
    "of a new customer: CLV = margin x DEL) and DERL (of a customer who has\n"
    "renewed --renewals times: the value lost when one cancels is margin x\n"
    "DERL); and the retention curve observed and fitted, period by period.",
    "FILE is a survival table (first column the period 0, 1, 2, ...; every\n"
    "other column, or those named by --cohort-columns, a cohort with the\n"
    "customers or percent still active), or one row per customer with\n"
    "--tenure-column (periods stayed), --active-column (1 = still active,\n"
    "censored; 0 = left; default all left) and an optional --group-column.\n"
    "Retention rates rise with tenure because the loyal customers remain,\n"
    "not because anyone's churn probability changes.\n"
    "Example: loyalty cohort --fit-periods 7 --periods 13 sbg_survival.csv\n"
    "Exit status: 0 success, 1 bad data or failed fit, 2 usage."};

int
cmd_cohort(int argc, char **argv)
{
    cohort_opts ro;
    cohort *co = calloc(MAX_COHORTS, sizeof *co);
    idmap *names = idmap_new();
    const char *pos[1];
    size_t npos, nco = 0, i;
    int rc;
    csv_reader *r = NULL;
    out_w o;
    memset(&ro, 0, sizeof ro);
    ro.discount = 0.1;
    ro.renewals = 1;
    ro.periods = 0;
    {
        opt_spec specs[] = {
            {"period-column", OPT_STR, &ro.period_col, NULL, "NAME|N", "period column of a survival table (default: the first)"},
            {"cohort-columns", OPT_STR, &ro.cohort_cols, NULL, "A,B", "cohort columns of a survival table (default: all others)"},
            {"tenure-column", OPT_STR, &ro.tenure_col, NULL, "NAME|N", "one row per customer: periods stayed"},
            {"active-column", OPT_STR, &ro.active_col, NULL, "NAME|N", "1 = still active (censored), 0 = left"},
            {"group-column", OPT_STR, &ro.group_col, NULL, "NAME|N", "cohort of each customer"},
            {"fit-periods", OPT_UINT, &ro.fit_periods, &ro.have_fit_periods, "K", "fit on periods 0..K only (the rest is a holdout)"},
            {"periods", OPT_UINT, &ro.periods, NULL, "N", "periods of the curve shown (default: those observed)"},
            {"discount", OPT_NUM, &ro.discount, NULL, "D", "discount rate per period (default 0.1)"},
            {"margin", OPT_NUM, &ro.margin, &ro.have_margin, "M", "margin per customer per period: CLV of a new customer"},
            {"renewals", OPT_UINT, &ro.renewals, NULL, "N", "DERL of a customer who has renewed N times (default 1)"},
            CLI_COMMON_SPECS(ro.c)};
        rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &cohort_help,
                        pos, 1, &npos);
    }
    if (rc != 0)
        rc = rc == 1 ? -1 : EXIT_USAGE;     /* -1: help printed */
    else if ((rc = cli_common_finish(&ro.c, "cohort")) == 0
             && (rc = cli_check_rate("cohort", "discount", ro.discount, "period")) == 0
             && npos != 1) {
        cli_error("cohort", "need one FILE (see loyalty cohort --help)");
        rc = EXIT_USAGE;
    }
    if (rc == 0 && (co == NULL || names == NULL))
        rc = EXIT_DATA;
    if (rc == 0 && (r = cli_open_csv("cohort", pos[0], &ro.c.dialect)) == NULL)
        rc = EXIT_DATA;
    if (rc == 0)
        rc = ro.tenure_col != NULL ? read_tenures(pos[0], r, &ro, co, &nco, names)
                                   : read_table(pos[0], r, &ro, co, &nco, names);
    csv_close(r);
    for (i = 0; rc == 0 && i < nco; i++)
        fit_cohort(&co[i], &ro);
    if (rc == 0) {
        out_init(&o, stdout, ro.c.format);
        out_begin(&o, "cohort");
        out_section(&o, "input", "Cohorts");
        out_str(&o, "file", "file", pos[0]);
        out_int(&o, "cohorts", "cohorts", (int64_t)nco);
        out_num(&o, "discount", "discount rate per period", ro.discount, 4);
        out_int(&o, "renewals", "DERL after renewals", (int64_t)ro.renewals);
        out_section_end(&o);
        print_params(&o, co, nco, &ro);
        print_curves(&o, co, nco, &ro);
        out_end(&o);
        for (i = 0; i < nco; i++)
            if (co[i].status != LOY_OK && co[i].status != LOY_ENOCONV) {
                cli_lib_error("cohort", co[i].name, co[i].status);
                rc = EXIT_DATA;
            }
    }
    if (co != NULL)
        cohorts_free(co, nco);
    free(co);
    idmap_free(names);
    return rc < 0 ? 0 : rc;
}
