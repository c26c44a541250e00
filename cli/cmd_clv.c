/* SPDX-License-Identifier: MIT */
/*
 * cmd_clv.c - `loyalty clv`: choose and fit a lifetime model on a purchase
 * log or a per-customer summary and value each customer (the computations
 * are in lifetime.c; this file prints them and reads summary files).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

/* ---- printing ------------------------------------------------------------ */

/* What a limit of the model family means for a manager. */
static const char *
limit_text(uint32_t limit)
{
#ifdef LOY_FIT_REPORT_LIMIT
    int nodrop = (limit & LOY_LIMIT_NO_DROPOUT) != 0;
    int rate = (limit & LOY_LIMIT_FIXED_RATE) != 0;
    int drop = (limit & LOY_LIMIT_FIXED_DROPOUT) != 0;
    if (nodrop && rate)
        return "nobody seems to drop out and everyone buys at the same rate "
               "(P(alive) near 1 for all; expect a Poisson forecast)";
    if (nodrop)
        return "nobody seems to drop out (P(alive) near 1 for all)";
    if (rate && drop)
        return "everyone buys at the same rate and drops out with the same "
               "probability";
    if (rate)
        return "everyone seems to buy at the same rate";
    if (drop)
        return "everyone seems to drop out with the same probability";
#endif
    (void)limit;
    return "a reduced model";
}

/* A fit at the no-dropout limit: everyone's P(alive) is 1 anyway. */
static int
no_dropout(const model_fit *f)
{
#ifdef LOY_LIMIT_NO_DROPOUT
    return (f->warn & FITW_LIMIT) && (f->limit & LOY_LIMIT_NO_DROPOUT);
#else
    (void)f;
    return 0;
#endif
}

/* Warnings about the chosen model, to standard error and the output. */
void
clv_warnings_text(const clv_data *d, char *buf, size_t size)
{
    const model_fit *f = &d->fits[d->chosen];
    const model_fit *h = d->split_auto ? &d->cal_fits[d->chosen] : f;
    size_t n = 0;
    int k;
    buf[0] = '\0';
#define ADD(...) (n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__), \
                  n = n < size ? n : size)
    if (f->warn & FITW_NOCONV)
        ADD("%sthe fit did not converge (results use the best point found)",
            n ? "; " : "");
    if (f->warn & FITW_LIMIT)
        ADD("%sthe data sit at a limit of the model, which was fitted there: %s",
            n ? "; " : "", limit_text(f->limit));
    if (f->warn & FITW_BOUNDARY) {
        for (k = 0; k < 4 && (f->params[k] > 1e-4 && f->params[k] < 1e5); k++)
            ;
        ADD("%sa parameter is at the edge of its range%s%s%s%g%s: the data sit at "
            "a limit of the model (such as no visible dropout); read P(alive) "
            "with care", n ? "; " : "", k < 4 ? " (" : "",
            k < 4 ? d->param_names[k] : "", k < 4 ? " = " : "",
            k < 4 ? f->params[k] : 0.0, k < 4 ? ")" : "");
    }
    if (f->warn & FITW_NO_SE)
        ADD("%sno standard errors (the information matrix is singular: some "
            "parameters are not identified by these data)", n ? "; " : "");
    if ((h->warn & FITW_HOLDOUT) && h->ho_actual > 0)
        ADD("%spoor holdout fit: %.0f purchases predicted, %.0f observed (%+.0f%%)",
            n ? "; " : "", h->ho_predicted, h->ho_actual,
            100.0 * (h->ho_predicted - h->ho_actual) / h->ho_actual);
    if (isfinite(h->ho_rmse) && isfinite(d->naive_rmse) && h->ho_rmse >= d->naive_rmse)
        ADD("%sthe holdout forecast is no better than the naive rate x/T", n ? "; " : "");
    if (d->chosen == 0 && d->one_time_buyers > 0 && !no_dropout(f))
        ADD("%sit gives the %zu customers without a repeat purchase P(alive) = 1 "
            "(BG/NBD lets customers leave only right after a purchase)",
            n ? "; " : "", d->one_time_buyers);
#undef ADD
}

static const char *
fit_status_text(const model_fit *f, int fitted)
{
    if (!fitted)
        return "holdout only";
    if (f->status == LOY_OK)
        return "converged";
    if (f->status == LOY_ENOCONV)
        return "not converged";
    return loy_error_name(f->status);
}

static void
warn_flags(unsigned w, char *buf, size_t size)
{
    buf[0] = '\0';
    if (w & FITW_NOCONV)
        snprintf(buf + strlen(buf), size - strlen(buf), "noconv ");
    if (w & FITW_BOUNDARY)
        snprintf(buf + strlen(buf), size - strlen(buf), "boundary ");
    if (w & FITW_NO_SE)
        snprintf(buf + strlen(buf), size - strlen(buf), "no-se ");
    if (w & FITW_HOLDOUT)
        snprintf(buf + strlen(buf), size - strlen(buf), "poor-holdout ");
    if (w & FITW_PREDICT)
        snprintf(buf + strlen(buf), size - strlen(buf), "predict-failed ");
    if (w & FITW_LIMIT)
        snprintf(buf + strlen(buf), size - strlen(buf), "limit ");
    if (buf[0] != '\0')
        buf[strlen(buf) - 1] = '\0';
}

static void
print_comparison(out_w *o, const clv_data *d)
{
    static const out_col cols[] = {
        {"model", 10, 0, 0}, {"chosen", 6, 0, 0}, {"status", 13, 0, 0},
        {"loglik", 11, 1, 0}, {"bic", 10, 1, 0}, {"holdout_rmse", 0, 3, 0},
        {"holdout_mae", 0, 3, 0}, {"holdout_predicted", 0, 1, 0},
        {"holdout_actual", 0, 0, 0}, {"warnings", 0, 0, 0}};
    char buf[300];
    int k;
    out_section(o, "model_choice", "Model choice");
    out_str(o, "rule", "rule", d->choice == CHOICE_NAMED ? "named (--model)"
            : d->choice == CHOICE_HOLDOUT ? "lowest holdout RMSE per customer"
            : "lowest BIC");
    out_str(o, "chosen", "chosen", model_title(d->chosen));
    out_str(o, "why", "why", clv_choice_text(d, buf, sizeof buf));
    if (d->choice == CHOICE_HOLDOUT || isfinite(d->naive_rmse)) {
        char date[32];
        format_date(d->split_end, date, sizeof date);
        out_str(o, "calibration_end", "holdout after", date);
        out_num(o, "holdout_length", "holdout length (time units)", d->ho_duration, 2);
        out_int(o, "holdout_customers", "customers compared", (int64_t)d->ho_customers);
        if (d->ho_sampled > 0)
            out_int(o, "holdout_sampled_from", "(a sample, every k-th of)",
                    (int64_t)d->ho_sampled);
        out_num(o, "naive_rmse", "naive forecast RMSE (x/T rate)", d->naive_rmse, 3);
        out_str(o, "holdout_split", "split", d->split_auto
                ? "automatic: last third of the log held out, models refitted "
                  "on the whole log for the predictions"
                : "--calibration-end: predictions from the calibration fit");
    }
    out_section_end(o);
    out_table(o, "models", "Models compared", 0, cols, 10);
    for (k = 0; k < N_MODELS; k++) {
        const model_fit *f = &d->fits[k];
        const model_fit *h = d->split_auto ? &d->cal_fits[k] : f;
        if (!d->tried[k])
            continue;
        warn_flags(f->warn | h->warn, buf, sizeof buf);
        out_cell_str(o, model_title(k));
        out_cell_str(o, k == d->chosen ? "yes" : "");
        out_cell_str(o, fit_status_text(f, d->fitted[k]));
        out_cell_num(o, d->fitted[k] && (f->status == LOY_OK || f->status == LOY_ENOCONV)
                            ? f->report.loglik : CLI_NAN);
        out_cell_num(o, f->bic);
        out_cell_num(o, h->ho_rmse);
        out_cell_num(o, h->ho_mae);
        out_cell_num(o, h->ho_predicted);
        out_cell_num(o, h->ho_actual);
        out_cell_str(o, buf);
    }
    out_table_end(o);
}

static void
print_fit(out_w *o, const clv_data *d)
{
    static const out_col cols[] = {
        {"parameter", 9, 0, 0}, {"estimate", 12, 6, 0}, {"se", 12, 6, 0}};
    char warn[1200];
    int k;
    clv_warnings_text(d, warn, sizeof warn);
    out_section(o, "fit", "Lifetime model");
    out_str(o, "model", "model", model_title(d->chosen));
    out_str(o, "status", "status", d->fit_status == LOY_OK ? "converged"
                                                          : "NOT converged");
    out_str(o, "warnings", "warnings", warn[0] ? warn : "none");
    out_int(o, "customers", "customers fitted", (int64_t)d->n_fit);
    out_int(o, "customers_not_fitted", "customers with T = 0 (not fitted)",
            (int64_t)(d->n - d->n_fit));
    out_int(o, "one_time_buyers", "customers with no repeat purchase",
            (int64_t)d->one_time_buyers);
    out_num(o, "loglik", "log-likelihood", d->report.loglik, 3);
    out_num(o, "loglik_per_customer", "log-likelihood per customer",
            d->report.loglik / (double)d->n_fit, 5);
    out_num(o, "bic", "BIC", d->fits[d->chosen].bic, 2);
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
    out_num(o, "margin", in->margin_absolute ? "margin per purchase"
            : "margin (share of revenue)", in->margin, 3);
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
print_customers(out_w *o, const clv_data *d, const log_data *log,
                const cli_common *c)
{
    static const out_col cols[] = {
        {"customer_id", 12, 0, 0}, {"x", 4, 0, 0}, {"t_x", 8, 2, 0},
        {"T", 8, 2, 0}, {"p_alive", 7, 3, 0}, {"expected_purchases", 0, 2, 0},
        {"expected_spend", 0, 2, 0}, {"clv", 10, 2, 0}};
    size_t i, shown = cli_rows_shown(c, d->n);
    out_table(o, "customers", "Customers", 1, cols, 8);
    for (i = 0; i < shown; i++) {
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
    cli_rows_note(o, shown, d->n);
}

void
clv_print(out_w *o, const clv_data *d, const clv_input *in, const log_data *log,
          const cli_common *c, int customers)
{
    print_comparison(o, d);
    print_fit(o, d);
    print_totals(o, d, in, log);
    if (customers)
        print_customers(o, d, log, c);
}

/* The warnings once more on standard error, where scripts see them. */
void
clv_warn(const char *cmd, const clv_data *d)
{
    char warn[1200];
    clv_warnings_text(d, warn, sizeof warn);
    if (warn[0] != '\0')
        cli_warn(cmd, "%s: %s", model_title(d->chosen), warn);
}

/* ---- a per-customer summary as input ------------------------------------- */

/* Owned columns of a summary file, which log_data then points into. */
typedef struct summary_file {
    double *col[4];     /* x, t_x, T, monetary */
    uint64_t *id;
    size_t n, cap;
} summary_file;

static const char *const summary_cols[4] = {"x", "t_x", "T", "monetary"};

/* Column names accepted for x, t_x, T and monetary: ours (as `loyalty
 * summary --format csv` writes them) and the lifetimes package's. */
static const char *const names_x[] = {"x", "frequency", NULL};
static const char *const names_t_x[] = {"t_x", "recency", NULL};
static const char *const names_T[] = {"T", NULL};
static const char *const names_m[] = {"monetary", "monetary_value", NULL};
static const char *const *const summary_names[4] = {names_x, names_t_x, names_T,
                                                    names_m};
static const char *const names_id[] = {"customer_id", "id", "customer", NULL};

/* A file with the columns x, t_x and T (or frequency, recency and T) is a
 * summary; anything else is a purchase log. */
static int
is_summary(const csv_reader *r)
{
    int k;
    for (k = 0; k < 3; k++)
        if (cli_column_any(r, summary_names[k], NULL) < 0)
            return 0;
    return 1;
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
 * that a bad row is reported with its line rather than by the fit. Without
 * an id column the row number is the id. */
static int
summary_row(summary_file *f, idmap *ids, const csv_reader *r, badrows *b,
            const long *col, const char *const *colname)
{
    double v[4] = {0.0, 0.0, 0.0, 0.0};
    char rowid[32];
    size_t len;
    uint64_t idx;
    int k, is_new;
    const char *id;
    if (col[4] >= 0) {
        if ((id = cli_field_text(r, b, col[4], colname[4], &len)) == NULL)
            return 0;
    } else {
        snprintf(rowid, sizeof rowid, "%zu", f->n + 1);
        id = rowid;
        len = strlen(rowid);
    }
    for (k = 0; k < 4; k++) {
        int rc = col[k] < 0 ? 0 : cli_field_number(r, b, col[k], colname[k], &v[k]);
        if (rc == -2)
            badrow(b, csv_line(r), "blank value in column '%s'", colname[k]);
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
summary_columns(const log_input *in, csv_reader *r, long *col,
                const char **colname)
{
    int k;
    for (k = 0; k < 4; k++) {
        colname[k] = summary_cols[k];
        col[k] = cli_column_any(r, summary_names[k], &colname[k]);
    }
    colname[4] = in->id_col;
    if (strcmp(in->id_col, "customer_id") != 0) {
        /* named by the user: it must be there */
        col[4] = cli_column("clv", r, in->id_col, "id-column");
        return col[4] < 0 ? -1 : 0;
    }
    col[4] = cli_column_any(r, names_id, &colname[4]);
    if (col[4] < 0)
        col[4] = csv_column(r, "ID");
    return 0;
}

static int
read_summary(const log_input *in, csv_reader *r, summary_file *f, log_data *d)
{
    long col[5];
    const char *colname[5];
    badrows b;
    int rc;
    if ((d->ids = idmap_new()) == NULL || summary_columns(in, r, col, colname) != 0)
        return EXIT_DATA;
    badrows_init(&b, in->path, in->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (summary_row(f, d->ids, r, &b, col, colname) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error("clv", "%s:%llu: %s", in->path, (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    d->bad_rows = b.count;
    return rc < 0 ? EXIT_DATA : badrows_finish(&b, "clv");
}

/* Read a summary file into log_data (columns owned by f). */
static int
summary_run(const log_input *in, csv_reader *r, summary_file *f, log_data *d)
{
    int rc;
    memset(d, 0, sizeof *d);
    if ((rc = read_summary(in, r, f, d)) != 0)
        return rc;
    if (f->n == 0) {
        cli_error("clv", "%s: no customers", in->path);
        return EXIT_DATA;
    }
    d->n = f->n;
    d->rows = f->n;
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
    "Choose a lifetime model, fit it with the Gamma-Gamma spend model to the\n"
    "per-customer summary of a purchase log, and print the model comparison,\n"
    "the parameters with standard errors and the fit quality; then, per\n"
    "customer, P(alive), the expected purchases over the horizon, the\n"
    "expected spend per purchase and the CLV (monthly discounted cash flow).",
    "Model choice (--model auto, the default): BG/NBD, MBG/NBD and Pareto/NBD\n"
    "are fitted and compared. When the log spans 13 weeks or more, its last\n"
    "third is held out: each model is fitted to the first two thirds and\n"
    "predicts every customer's purchases in the holdout; the lowest root mean\n"
    "squared error per customer wins, and the chosen model is refitted to the\n"
    "whole log. With --calibration-end the holdout is the one given and the\n"
    "calibration fits are used. Otherwise (a summary file, a short log) the\n"
    "lowest BIC wins. A model that failed is out; one that did not converge\n"
    "is chosen only if no converged one is left. Warnings name parameters at\n"
    "the edge of their range, missing standard errors and a poor holdout fit\n"
    "(aggregate error above 20%, or no better than the naive rate x/T).\n"
    "\n"
    "FILE is a purchase log as for `loyalty summary` (its options apply), or\n"
    "a per-customer summary with columns x, t_x, T (or the lifetimes names\n"
    "frequency, recency, T), optional monetary (or monetary_value) and an\n"
    "optional id column (customer_id, id or --id-column; else the row\n"
    "number). '-' reads standard input.\n"
    "Times are in --unit (default weeks); a month is 4.345 weeks or 30 days\n"
    "(--per-month to change). The spend per purchase is the Gamma-Gamma\n"
    "expectation (the population mean for customers without repeat\n"
    "purchases); --margin (a share of revenue in (0, 1]) turns it into\n"
    "margin, or --margin-absolute makes --margin the margin per purchase.\n"
    "Text output lists the first --top customers (default 20; --all).\n"
    "Exit status: 0 success, 1 bad data or failed fit, 2 usage."};

/* Plausibility of the valuation options (shared with report, customers). */
int
clv_check_options(const char *cmd, const clv_input *in)
{
    int rc;
    if (!(in->horizon > 0) || in->horizon > 1200) {
        cli_error(cmd, "--horizon %g: give the CLV horizon in months, in (0, 1200]",
                  in->horizon);
        return EXIT_USAGE;
    }
    if ((rc = cli_check_rate(cmd, "discount", in->discount, "month")) != 0)
        return rc;
    if (in->margin_absolute) {
        if (!(in->margin > 0)) {
            cli_error(cmd, "--margin %g: the margin per purchase must be > 0",
                      in->margin);
            return EXIT_USAGE;
        }
    } else if ((rc = cli_check_share(cmd, "margin", in->margin,
                                     "a margin per purchase in money needs "
                                     "--margin-absolute")) != 0) {
        return rc;
    }
    if (in->penalty < 0 || in->per_month < 0) {
        cli_error(cmd, "--penalty and --per-month must be >= 0");
        return EXIT_USAGE;
    }
    return 0;
}

int
cmd_clv(int argc, char **argv)
{
    cli_common c = {0};
    log_input li;
    log_data ld;
    clv_data d;
    summary_file sf = {{NULL, NULL, NULL, NULL}, NULL, 0, 0};
    clv_input in = {"auto", 12.0, 0.01, 1.0, 0, 0.0, 0.0, NULL, 1u};
    csv_reader *r = NULL;
    const char *pos[1];
    size_t npos;
    int rc;
    out_w o;
    opt_spec specs[] = {
        {"model", OPT_STR, &in.model, NULL, "M", "auto (default), bgnbd, mbgnbd or pnbd"},
        {"horizon", OPT_NUM, &in.horizon, NULL, "MONTHS", "CLV horizon in months (default 12)"},
        {"discount", OPT_NUM, &in.discount, NULL, "D", "discount rate per month (default 0.01)"},
        {"margin", OPT_NUM, &in.margin, NULL, "F", "margin as a share of revenue, in (0, 1] (default 1)"},
        {"margin-absolute", OPT_FLAG, &in.margin_absolute, NULL, NULL, "--margin is money per purchase"},
        {"per-month", OPT_NUM, &in.per_month, NULL, "F", "time units per month (default 4.345 weeks / 30 days)"},
        {"penalty", OPT_NUM, &in.penalty, NULL, "P", "L2 penalty of the fit (default 0)"},
        {"threads", OPT_UINT, &in.threads, NULL, "N", "threads for the fits and predictions (default 1; same results)"},
        LOG_INPUT_SPECS(li), CLI_LIST_SPECS(c), CLI_COMMON_SPECS(c)};
    log_input_defaults(&li);
    memset(&d, 0, sizeof d);
    memset(&ld, 0, sizeof ld);
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &clv_help,
                    pos, 1, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "clv")) != 0
        || (rc = clv_check_options("clv", &in)) != 0)
        return rc;
    if (!model_known(in.model)) {
        cli_error("clv", "unknown --model '%s' (auto, bgnbd, mbgnbd or pnbd)", in.model);
        return EXIT_USAGE;
    }
    if (npos != 1) {
        cli_error("clv", "need one FILE (see loyalty clv --help)");
        return EXIT_USAGE;
    }
    if (in.per_month == 0)
        in.per_month = strcmp(li.unit, "day") == 0 ? 30.0 : 4.345;
    li.path = pos[0];
    li.dialect = &c.dialect;
    li.skip_bad = c.skip_bad;
    li.keep_rows = strcmp(in.model, "auto") == 0 && !li.have_cal_end;
    in.log_in = &li;
    /* one reader for both kinds of input, so that '-' works */
    if ((r = cli_open_csv("clv", li.path, li.dialect)) == NULL)
        return EXIT_DATA;
    if (is_summary(r)) {
        rc = summary_run(&li, r, &sf, &ld);
    } else {
        li.reader = r;
        rc = log_run("clv", &li, &ld);
    }
    csv_close(r);
    if (rc == 0 && (rc = clv_run("clv", &in, &ld, &d)) == 0) {
        clv_warn("clv", &d);
        out_init(&o, stdout, c.format);
        out_begin(&o, "clv");
        clv_print(&o, &d, &in, &ld, &c, 1);
        out_end(&o);
    }
    clv_data_free(&d);      /* also after a failed run: nothing leaks */
    if (sf.id != NULL) {
        ld.id = NULL;       /* owned by sf, not by a library summary */
        ld.x = ld.t_x = ld.T = ld.monetary = NULL;
    }
    log_data_free(&ld);
    summary_free(&sf);
    return rc;
}
