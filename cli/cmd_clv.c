/* SPDX-License-Identifier: MIT */
/*
 * cmd_clv.c - `loyalty clv`: fit a lifetime model to the purchase-log
 * summary and value each customer.
 *
 * Per customer: P(alive), expected purchases over the horizon and the CLV
 * by monthly discounted cash flow (MODELS.md 6.6):
 *   CLV = sum_{i=1..H} margin * spend * [CET(i f) - CET((i-1) f)] / (1+d)^i
 * with f model time units per month, CET the model's conditional expected
 * purchases. Spend per purchase: the Gamma-Gamma model fitted on the
 * repeat buyers (E[Z | x, m], the population mean for x = 0); if that fit
 * fails or its population mean is infinite (q <= 1), the customer's
 * observed mean repeat-purchase value instead, and the output says so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

typedef int (*fit_fn)(double *, const double *, const double *, const double *,
                      const double *, size_t, const loy_fit_options *,
                      loy_fit_report *, size_t *);
typedef int (*palive_fn)(double *, const double *, const double *,
                         const double *, const double *, size_t, size_t *);
typedef int (*expected_fn)(double *, const double *, const double *,
                           const double *, const double *, size_t, double,
                           size_t *);

typedef struct model {
    const char *name;
    const char *title;
    const char *params[4];
    fit_fn fit;
    palive_fn palive;
    expected_fn expected;
} model;

static const model models[] = {
    {"bgnbd", "BG/NBD", {"r", "alpha", "a", "b"}, loy_bgnbd_fit,
     loy_bgnbd_palive, loy_bgnbd_expected},
    {"pnbd", "Pareto/NBD", {"r", "alpha", "s", "beta"}, loy_pnbd_fit,
     loy_pnbd_palive, loy_pnbd_expected},
    {"mbgnbd", "MBG/NBD", {"r", "alpha", "a", "b"}, loy_mbgnbd_fit,
     loy_mbgnbd_palive, loy_mbgnbd_expected},
};

static const model *
find_model(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof models / sizeof *models; i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}

static int
clv_alloc(clv_data *d, size_t n)
{
    size_t m = n ? n : 1;
    d->x = malloc(m * sizeof *d->x);
    d->t_x = malloc(m * sizeof *d->t_x);
    d->T = malloc(m * sizeof *d->T);
    d->row = malloc(m * sizeof *d->row);
    d->p_alive = malloc(m * sizeof *d->p_alive);
    d->expected = malloc(m * sizeof *d->expected);
    d->spend = malloc(m * sizeof *d->spend);
    d->clv = malloc(m * sizeof *d->clv);
    return d->x && d->t_x && d->T && d->row && d->p_alive && d->expected
                   && d->spend && d->clv ? 0 : -1;
}

/* Customers first seen at the very end (T = 0) cannot be fitted. */
static void
compact(clv_data *d, const log_data *log)
{
    size_t i;
    double sum = 0.0;
    uint64_t cnt = 0;
    for (i = 0; i < log->n; i++) {
        d->p_alive[i] = d->expected[i] = d->clv[i] = CLI_NAN;
        if (log->x[i] > 0) {
            sum += log->monetary[i];
            cnt++;
        }
        if (!(log->T[i] > 0))
            continue;
        d->x[d->n_fit] = log->x[i];
        d->t_x[d->n_fit] = log->t_x[i];
        d->T[d->n_fit] = log->T[i];
        d->row[d->n_fit++] = i;
    }
    d->spend_mean = cnt ? sum / (double)cnt : CLI_NAN;
    for (i = 0; i < log->n; i++)
        d->spend[i] = log->x[i] > 0 ? log->monetary[i] : d->spend_mean;
}

static int
fit(const char *cmd, const model *m, const clv_input *in, clv_data *d)
{
    loy_fit_options opts = LOY_FIT_OPTIONS_INIT;
    size_t bad = LOY_NO_INDEX;
    opts.penalty = in->penalty;
    d->report.struct_size = sizeof d->report;
    d->fit_status = m->fit(d->params, d->x, d->t_x, d->T, NULL, d->n_fit, &opts,
                           &d->report, &bad);
    if (d->fit_status != LOY_OK && d->fit_status != LOY_ENOCONV) {
        cli_lib_error(cmd, m->title, d->fit_status);
        return EXIT_DATA;
    }
    if (d->fit_status == LOY_ENOCONV)
        cli_error(cmd, "warning: the %s fit did not converge; results use the "
                  "best point found", m->title);
    return 0;
}

/* Gamma-Gamma on the repeat buyers; the spend per purchase of every
 * customer from it when it fits (else the observed means stay). */
static void
spend_model(const log_data *log, clv_data *d)
{
    double *x = malloc((log->n ? log->n : 1) * sizeof *x);
    double *m = malloc((log->n ? log->n : 1) * sizeof *m);
    double *zeros = calloc(log->n ? log->n : 1, sizeof *zeros);
    double *out = malloc((log->n ? log->n : 1) * sizeof *out);
    size_t i, k = 0;
    d->gg_status = LOY_ENOMEM;
    d->gg_report.struct_size = sizeof d->gg_report;
    d->spend_corr = CLI_NAN;
    if (x != NULL && m != NULL && zeros != NULL && out != NULL) {
        for (i = 0; i < log->n; i++)
            if (log->x[i] > 0 && log->monetary[i] > 0) {
                x[k] = log->x[i];
                m[k++] = log->monetary[i];
            }
        d->n_gg = k;
        d->gg_status = loy_ggamma_fit(d->gg, x, m, NULL, k, NULL, &d->gg_report,
                                      NULL);
        if (loy_ggamma_correlation(&d->spend_corr, x, m, k, NULL) != LOY_OK)
            d->spend_corr = CLI_NAN;
    }
    if (d->gg_status == LOY_OK)
        d->gg_status = loy_ggamma_population_mean(&d->gg_mean, d->gg);
    if (d->gg_status == LOY_OK) {
        for (i = 0; i < log->n; i++)
            zeros[i] = log->x[i] > 0 ? log->monetary[i] : 0.0;
        d->gg_status = loy_ggamma_expected_spend(out, d->gg, log->x, zeros, log->n,
                                                 NULL);
    }
    for (i = 0; d->gg_status == LOY_OK && i < log->n; i++)
        d->spend[i] = out[i];
    free(x);
    free(m);
    free(zeros);
    free(out);
}

/* P(alive), expected purchases and discounted CLV of the fitted rows. */
static int
predict(const char *cmd, const model *m, const clv_input *in, clv_data *d)
{
    size_t k, i, months = (size_t)ceil(in->horizon);
    double *prev = calloc(d->n_fit ? d->n_fit : 1, sizeof *prev);
    double *cur = malloc((d->n_fit ? d->n_fit : 1) * sizeof *cur);
    double *value = calloc(d->n_fit ? d->n_fit : 1, sizeof *value);
    int rc = prev && cur && value ? LOY_OK : LOY_ENOMEM;
    if (rc == LOY_OK)
        rc = m->palive(cur, d->params, d->x, d->t_x, d->T, d->n_fit, NULL);
    for (k = 0; rc == LOY_OK && k < d->n_fit; k++)
        d->p_alive[d->row[k]] = cur[k];
    for (i = 1; rc == LOY_OK && i <= months; i++) {
        double t = (i < months ? (double)i : in->horizon) * in->per_month;
        double disc = pow(1.0 + in->discount, (double)i);
        rc = m->expected(cur, d->params, d->x, d->t_x, d->T, d->n_fit, t, NULL);
        for (k = 0; rc == LOY_OK && k < d->n_fit; k++) {
            value[k] += (cur[k] - prev[k]) / disc;
            prev[k] = cur[k];
        }
    }
    for (k = 0; rc == LOY_OK && k < d->n_fit; k++) {
        size_t r = d->row[k];
        d->expected[r] = prev[k];
        d->clv[r] = in->margin * d->spend[r] * value[k];
    }
    free(prev);
    free(cur);
    free(value);
    if (rc != LOY_OK)
        cli_lib_error(cmd, "prediction", rc);
    return rc == LOY_OK ? 0 : EXIT_DATA;
}

/* With a calibration split: predicted vs actual holdout purchases. */
static int
holdout(const model *m, const log_data *log, clv_data *d)
{
    double *cet;
    size_t k;
    int rc;
    if (!log->calibration)
        return 0;
    cet = malloc((d->n_fit ? d->n_fit : 1) * sizeof *cet);
    if (cet == NULL)
        return -1;
    rc = m->expected(cet, d->params, d->x, d->t_x, d->T, d->n_fit,
                     log->info.duration_holdout, NULL);
    for (k = 0; rc == LOY_OK && k < d->n_fit; k++) {
        d->holdout_predicted += cet[k];
        d->holdout_actual += log->x_holdout[d->row[k]];
    }
    free(cet);
    return rc == LOY_OK ? 0 : -1;
}

int
clv_run(const char *cmd, const clv_input *in, const log_data *log, clv_data *d)
{
    const model *m = find_model(in->model);
    int rc;
    memset(d, 0, sizeof *d);
    if (m == NULL) {
        cli_error(cmd, "unknown --model '%s' (bgnbd, pnbd or mbgnbd)", in->model);
        return EXIT_USAGE;
    }
    memcpy(d->param_names, m->params, sizeof d->param_names);
    d->n = log->n;
    if (clv_alloc(d, log->n) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    compact(d, log);
    if (d->n_fit == 0) {
        cli_error(cmd, "no customer with T > 0 to fit");
        return EXIT_DATA;
    }
    if ((rc = fit(cmd, m, in, d)) != 0)
        return rc;
    spend_model(log, d);
    if (d->gg_status != LOY_OK)
        cli_error(cmd, "warning: Gamma-Gamma spend model unavailable (%s); "
                  "using observed mean spend", loy_strerror(d->gg_status));
    if ((rc = predict(cmd, m, in, d)) != 0)
        return rc;
    if (holdout(m, log, d) != 0) {
        cli_error(cmd, "holdout prediction failed");
        return EXIT_DATA;
    }
    return 0;
}

void
clv_data_free(clv_data *d)
{
    free(d->x);
    free(d->t_x);
    free(d->T);
    free(d->row);
    free(d->p_alive);
    free(d->expected);
    free(d->spend);
    free(d->clv);
    memset(d, 0, sizeof *d);
}

/* ---- printing ------------------------------------------------------------ */

static void
print_fit(out_w *o, const clv_data *d, const clv_input *in)
{
    static const out_col cols[] = {
        {"parameter", 9, 0, 0}, {"estimate", 12, 6, 0}, {"se", 12, 6, 0}};
    const model *m = find_model(in->model);
    int k;
    out_section(o, "fit", "Lifetime model");
    out_str(o, "model", "model", m->title);
    out_str(o, "status", "status", d->fit_status == LOY_OK ? "converged"
                                                          : "NOT converged");
    out_int(o, "customers", "customers fitted", (int64_t)d->n_fit);
    out_int(o, "customers_not_fitted", "customers with T = 0 (not fitted)",
            (int64_t)(d->n - d->n_fit));
    out_num(o, "loglik", "log-likelihood", d->report.loglik, 3);
    out_num(o, "loglik_per_customer", "log-likelihood per customer",
            d->report.loglik / (double)d->n_fit, 5);
    out_num(o, "grad_norm", "gradient norm", d->report.grad_norm, -1);
    out_int(o, "iterations", "iterations", (int64_t)d->report.iterations);
    out_str(o, "spend_model", "spend per purchase", d->gg_status == LOY_OK
            ? "Gamma-Gamma" : "observed mean (Gamma-Gamma failed)");
    out_num(o, "spend_mean", "mean repeat-purchase value", d->spend_mean, 2);
    out_int(o, "spend_customers", "repeat buyers (spend model)", (int64_t)d->n_gg);
    out_num(o, "spend_corr", "corr(x, spend) (should be ~0)", d->spend_corr, 3);
    if (d->gg_status == LOY_OK) {
        out_num(o, "spend_loglik", "spend model log-likelihood", d->gg_report.loglik, 3);
        out_num(o, "spend_population_mean", "population mean spend", d->gg_mean, 2);
    }
    out_section_end(o);
    out_table(o, "parameters", "Parameters (time unit of the summary)", 0, cols, 3);
    for (k = 0; k < 4; k++) {
        out_cell_str(o, d->param_names[k]);
        out_cell_num(o, d->params[k]);
        out_cell_num(o, d->report.se[k]);
    }
    out_table_end(o);
    if (d->gg_status != LOY_OK)
        return;
    out_table(o, "spend_parameters", "Gamma-Gamma spend model", 0, cols, 3);
    for (k = 0; k < 3; k++) {
        static const char *const gg_names[3] = {"p", "q", "gamma"};
        out_cell_str(o, gg_names[k]);
        out_cell_num(o, d->gg[k]);
        out_cell_num(o, d->gg_report.se[k]);
    }
    out_table_end(o);
}

static void
print_totals(out_w *o, const clv_data *d, const clv_input *in, const log_data *log)
{
    double sum_clv = 0.0, sum_alive = 0.0, sum_exp = 0.0;
    size_t i;
    for (i = 0; i < d->n; i++)
        if (d->clv[i] == d->clv[i]) {
            sum_clv += d->clv[i];
            sum_alive += d->p_alive[i];
            sum_exp += d->expected[i];
        }
    out_section(o, "totals", "Customer base");
    out_num(o, "horizon_months", "horizon (months)", in->horizon, 1);
    out_num(o, "discount_monthly", "discount rate per month", in->discount, 4);
    out_num(o, "margin", "margin (share of revenue)", in->margin, 3);
    out_num(o, "expected_alive", "expected customers alive", sum_alive, 1);
    out_num(o, "expected_purchases", "expected purchases in horizon", sum_exp, 1);
    out_num(o, "clv_total", "total CLV", sum_clv, 2);
    out_num(o, "clv_mean", "mean CLV per customer", sum_clv / (double)d->n_fit, 2);
    if (log->calibration) {
        out_num(o, "holdout_predicted", "holdout purchases predicted",
                d->holdout_predicted, 1);
        out_num(o, "holdout_actual", "holdout purchases actual",
                d->holdout_actual, 0);
    }
    out_section_end(o);
}

static void
print_customers(out_w *o, const clv_data *d, const log_data *log)
{
    static const out_col cols[] = {
        {"customer_id", 12, 0, 0}, {"x", 4, 0, 0}, {"t_x", 8, 2, 0},
        {"T", 8, 2, 0}, {"p_alive", 7, 3, 0}, {"expected_purchases", 0, 2, 0},
        {"expected_spend", 0, 2, 0}, {"clv", 10, 2, 0}};
    size_t i;
    out_table(o, "customers", "Customers", 1, cols, 8);
    for (i = 0; i < d->n; i++) {
        out_cell_str(o, log_customer(log, i));
        out_cell_num(o, log->x[i]);
        out_cell_num(o, log->t_x[i]);
        out_cell_num(o, log->T[i]);
        out_cell_num(o, d->p_alive[i]);
        out_cell_num(o, d->expected[i]);
        out_cell_num(o, d->spend[i]);
        out_cell_num(o, d->clv[i]);
    }
    out_table_end(o);
}

void
clv_print(out_w *o, const clv_data *d, const clv_input *in, const log_data *log,
          int customers)
{
    print_fit(o, d, in);
    print_totals(o, d, in, log);
    if (customers)
        print_customers(o, d, log);
}

/* ---- a per-customer summary as input ------------------------------------- */

/* Owned columns of a summary file, which log_data then points into. */
typedef struct summary_file {
    double *col[4];     /* x, t_x, T, monetary */
    uint64_t *id;
    size_t n, cap;
} summary_file;

static const char *const summary_cols[4] = {"x", "t_x", "T", "monetary"};

/* A file with columns x, t_x and T is a summary (e.g. from loyalty
 * summary --format csv); anything else is a purchase log. */
static int
is_summary_file(const char *path, char delim)
{
    char err[200];
    csv_reader *r = csv_open(path, delim, err, sizeof err);
    int yes = r != NULL && csv_column(r, "x") >= 0 && csv_column(r, "t_x") >= 0
              && csv_column(r, "T") >= 0;
    csv_close(r);
    return yes;
}

static int
summary_push(summary_file *f, const double *v, uint64_t id)
{
    int k;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 1024;
        uint64_t *ni = realloc(f->id, cap * sizeof *ni);
        if (ni == NULL)
            return -1;
        f->id = ni;
        for (k = 0; k < 4; k++) {
            double *nc = realloc(f->col[k], cap * sizeof *nc);
            if (nc == NULL)
                return -1;
            f->col[k] = nc;
        }
        f->cap = cap;
    }
    for (k = 0; k < 4; k++)
        f->col[k][f->n] = v[k];
    f->id[f->n++] = id;
    return 0;
}

/* One summary row: id, x, t_x, T and (optional) monetary, checked here so
 * that a bad row is reported with its line rather than by the fit. */
static int
summary_row(summary_file *f, idmap *ids, const csv_reader *r, badrows *b,
            const long *col, const char *id_col)
{
    double v[4] = {0.0, 0.0, 0.0, 0.0};
    size_t len;
    uint64_t idx;
    int k, is_new;
    const char *id = cli_field_text(r, b, col[4], id_col, &len);
    if (id == NULL)
        return 0;
    for (k = 0; k < 4; k++) {
        int rc = col[k] < 0 ? 0 : cli_field_number(r, b, col[k], summary_cols[k], &v[k]);
        if (rc == -2)
            badrow(b, csv_line(r), "blank value in column '%s'", summary_cols[k]);
        if (rc != 0)
            return 0;
    }
    if (v[0] < 0 || v[0] != floor(v[0]) || v[1] < 0 || v[1] > v[2] || v[3] < 0
        || (v[0] == 0 && v[1] > 0)) {
        badrow(b, csv_line(r), "inconsistent summary (x a whole number >= 0, "
               "0 <= t_x <= T, t_x = 0 when x = 0, monetary >= 0)");
        return 0;
    }
    if (idmap_intern(ids, id, len, &idx, &is_new) != 0)
        return -1;
    if (!is_new) {
        badrow(b, csv_line(r), "customer '%s' appears twice", id);
        return 0;
    }
    return summary_push(f, v, idx);
}

static int
read_summary(const log_input *in, summary_file *f, log_data *d)
{
    long col[5];
    badrows b;
    int k, rc;
    csv_reader *r = cli_open_csv("clv", in->path, in->delim);
    if (r == NULL || (d->ids = idmap_new()) == NULL) {
        csv_close(r);
        return EXIT_DATA;
    }
    for (k = 0; k < 4; k++)
        col[k] = csv_column(r, summary_cols[k]);
    if ((col[4] = cli_column("clv", r, in->id_col, "id-column")) < 0) {
        csv_close(r);
        return EXIT_DATA;
    }
    badrows_init(&b, in->path, in->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (summary_row(f, d->ids, r, &b, col, in->id_col) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error("clv", "%s:%llu: %s", in->path, (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    csv_close(r);
    return rc < 0 ? EXIT_DATA : badrows_finish(&b, "clv");
}

/* Read a summary file into log_data (columns owned by f). */
static int
summary_run(const log_input *in, summary_file *f, log_data *d)
{
    int rc;
    memset(d, 0, sizeof *d);
    if ((rc = read_summary(in, f, d)) != 0)
        return rc;
    if (f->n == 0) {
        cli_error("clv", "%s: no customers", in->path);
        return EXIT_DATA;
    }
    d->n = f->n;
    d->id = f->id;
    d->x = f->col[0];
    d->t_x = f->col[1];
    d->T = f->col[2];
    d->monetary = f->col[3];
    return 0;
}

static void
summary_free(summary_file *f)
{
    int k;
    for (k = 0; k < 4; k++)
        free(f->col[k]);
    free(f->id);
}

static const cmd_help clv_help = {
    "clv", "loyalty clv [OPTIONS] FILE",
    "Fit a lifetime model (--model bgnbd: BG/NBD, default; pnbd:\n"
    "Pareto/NBD; mbgnbd: MBG/NBD) and the Gamma-Gamma spend model to the\n"
    "per-customer summary of a purchase log and print the parameters with\n"
    "standard errors and the fit quality; then, per customer, P(alive), the\n"
    "expected purchases over the horizon, the expected spend per purchase\n"
    "and the CLV (monthly discounted cash flow).",
    "FILE is a purchase log as for `loyalty summary` (its options apply), or\n"
    "a per-customer summary with columns customer_id, x, t_x, T and\n"
    "monetary (as `loyalty summary --format csv` writes it).\n"
    "Times are in --unit (default weeks); a month is 4.345 weeks or 30 days\n"
    "(--per-month to change). The spend per purchase is the Gamma-Gamma\n"
    "expectation (the population mean for customers without repeat\n"
    "purchases); --margin turns it into margin. With --calibration-end, the\n"
    "holdout purchases predicted and observed are compared.\n"
    "Exit status: 0 success, 1 bad data or failed fit, 2 usage."};

int
cmd_clv(int argc, char **argv)
{
    cli_common c = {0};
    log_input li;
    log_data ld;
    clv_data d;
    summary_file sf = {{NULL, NULL, NULL, NULL}, NULL, 0, 0};
    clv_input in = {"bgnbd", 12.0, 0.01, 1.0, 0.0, 0.0};
    const char *pos[1];
    size_t npos;
    int rc;
    out_w o;
    opt_spec specs[] = {
        {"model", OPT_STR, &in.model, NULL, "M", "bgnbd (default), pnbd or mbgnbd"},
        {"horizon", OPT_NUM, &in.horizon, NULL, "MONTHS", "CLV horizon in months (default 12)"},
        {"discount", OPT_NUM, &in.discount, NULL, "D", "discount rate per month (default 0.01)"},
        {"margin", OPT_NUM, &in.margin, NULL, "F", "margin as a share of revenue (default 1)"},
        {"per-month", OPT_NUM, &in.per_month, NULL, "F", "time units per month (default 4.345 weeks / 30 days)"},
        {"penalty", OPT_NUM, &in.penalty, NULL, "P", "L2 penalty of the fit (default 0)"},
        LOG_INPUT_SPECS(li), CLI_COMMON_SPECS(c)};
    log_input_defaults(&li);
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &clv_help,
                    pos, 1, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "clv")) != 0)
        return rc;
    if (npos != 1 || !(in.horizon > 0) || in.horizon > 1200 || !(in.discount >= 0)
        || in.penalty < 0 || in.per_month < 0) {
        cli_error("clv", npos != 1 ? "need one FILE (see loyalty clv --help)"
                  : "--horizon must be in (0, 1200], --discount, --penalty and "
                    "--per-month >= 0");
        return EXIT_USAGE;
    }
    if (in.per_month == 0)
        in.per_month = strcmp(li.unit, "week") == 0 ? 4.345 : 30.0;
    li.path = pos[0];
    li.delim = c.delim;
    li.skip_bad = c.skip_bad;
    if (is_summary_file(li.path, li.delim))
        rc = summary_run(&li, &sf, &ld);
    else
        rc = log_run("clv", &li, &ld);
    if (rc == 0 && (rc = clv_run("clv", &in, &ld, &d)) == 0) {
        out_init(&o, stdout, c.format);
        out_begin(&o, "clv");
        clv_print(&o, &d, &in, &ld, 1);
        out_end(&o);
    }
    if (rc == 0)
        clv_data_free(&d);
    if (sf.id != NULL) {
        ld.id = NULL;       /* owned by sf, not by a library summary */
        ld.x = ld.t_x = ld.T = ld.monetary = NULL;
    }
    log_data_free(&ld);
    summary_free(&sf);
    return rc;
}
