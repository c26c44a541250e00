/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `loyalty report`: NPS, purchase-log summary, retention,
 * ABC x loyalty segmentation and the value of loyalty classes from a survey
 * export and a purchase log, as text (or json) and as an HTML page.
 *
 * The survey is read twice: once for the NPS (which reports bad rows), once
 * to join each customer's latest score to the purchase log by customer id.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "report.h"

/* Second pass over the survey: latest valid score per log customer. */
static int
join_scores(report_data *r, const char *id_col, char delim)
{
    long cid, cs;
    int rc;
    csv_reader *cr = cli_open_csv("report", r->survey_path, delim);
    if (cr == NULL)
        return EXIT_DATA;
    if ((cid = cli_column("report", cr, id_col, "survey-id-column")) < 0
        || (cs = csv_column(cr, r->nps_in.score_col)) < 0) {
        csv_close(cr);
        return EXIT_DATA;
    }
    while ((rc = csv_next(cr)) == 1) {
        size_t len, slen;
        const char *id = csv_field(cr, (size_t)cid, &len);
        const char *s = csv_field(cr, (size_t)cs, &slen);
        uint64_t idx;
        double v;
        int32_t cls;
        if ((size_t)cs >= csv_nfields(cr) || parse_double(s, slen, &v) != 0
            || v != floor(v) || fabs(v) > 1e6
            || loy_nps_classify(&cls, (int32_t)v, NULL) != LOY_OK
            || idmap_find(r->log.ids, id, len, &idx) != 0)
            continue;
        if (r->loyalty[idx] < 0)
            r->matched++;
        r->loyalty[idx] = (int8_t)cls;
    }
    csv_close(cr);
    return rc == 0 ? 0 : EXIT_DATA;
}

/* Observed retention by month since the first purchase. */
static void
retention_curve(report_data *r)
{
    double month = strcmp(r->log_in.unit, "week") == 0 ? 30.4375 / 7.0 : 30.4375;
    size_t m, i;
    for (m = 0; m <= RETENTION_MAX; m++) {
        uint64_t base = 0, alive = 0;
        double t = (double)m * month;
        for (i = 0; i < r->log.n; i++) {
            if (r->log.T[i] < t)
                continue;
            base++;
            alive += r->log.t_x[i] >= t;
        }
        if (base < 30)
            break;
        r->ret_month[m] = (double)m;
        r->ret_share[m] = (double)alive / (double)base;
        r->ret_base[m] = base;
        r->ret_n = m + 1;
    }
}

/* Silent churn: value already lost and still held, from P(alive) and CLV
 * of the fitted customers. */
static void
silent_churn(report_data *r)
{
    const clv_data *c = &r->clv;
    double *pa = malloc((c->n_fit ? c->n_fit : 1) * sizeof *pa);
    double *val = malloc((c->n_fit ? c->n_fit : 1) * sizeof *val);
    size_t k;
    r->silent_status = LOY_ENOMEM;
    if (pa != NULL && val != NULL) {
        for (k = 0; k < c->n_fit; k++) {
            pa[k] = c->p_alive[c->row[k]];
            val[k] = c->clv[c->row[k]] > 0 ? c->clv[c->row[k]] : 0.0;
        }
        r->silent.struct_size = sizeof r->silent;
        r->silent_status = loy_churn_silent(&r->silent, pa, val, NULL, c->n_fit,
                                            0.5, NULL);
    }
    free(pa);
    free(val);
}

/* sBG on monthly tenures: a customer without a purchase in the last three
 * months has lapsed after the month of the last purchase; the others are
 * still active (censored) after the months observed. */
static void
retention_model(report_data *r, double month)
{
    size_t n = r->log.n, i;
    double *tenure = malloc((n ? n : 1) * sizeof *tenure);
    int *cens = malloc((n ? n : 1) * sizeof *cens);
    r->sbg_status = LOY_ENOMEM;
    if (tenure != NULL && cens != NULL) {
        for (i = 0; i < n; i++) {
            cens[i] = r->log.T[i] - r->log.t_x[i] < 3.0 * month;
            tenure[i] = cens[i] ? floor(r->log.T[i] / month)
                                : floor(r->log.t_x[i] / month) + 1.0;
            r->sbg_churned += !cens[i];
        }
        r->sbg_active = n - r->sbg_churned;
        r->sbg_status = loy_sbg_fit_tenures(r->sbg, tenure, cens, NULL, n, NULL,
                                            NULL, NULL);
        if ((r->sbg_status == LOY_OK || r->sbg_status == LOY_ENOCONV) && r->ret_n > 0)
            r->sbg_status = loy_sbg_survival(r->sbg_curve, r->ret_n, r->sbg);
    }
    free(tenure);
    free(cens);
}

static int
segment_customers(report_data *r)
{
    size_t n = (size_t)idmap_count(r->log.ids), i;
    int rc;
    for (i = 0; i < n; i++)
        r->total_revenue += r->log.revenue[i];
    rc = seg_run("report", &r->seg_in, r->log.revenue, r->loyalty, NULL, n,
                 &r->seg);
    if (rc != 0)
        return rc;
    r->class_value.struct_size = sizeof r->class_value;
    r->class_value_status = loy_churn_class_value(&r->class_value, r->log.revenue,
                                                  r->loyalty, n, 0.95, NULL);
    return 0;
}

static void
print_retention(out_w *o, const report_data *r)
{
    static const out_col cols[] = {
        {"month", 5, 0, 0}, {"customers_observed", 0, 0, 0}, {"still_buying", 0, 1, 1}};
    size_t m;
    out_table(o, "retention", "Retention: share still buying m months after the "
              "first purchase (%)", 0, cols, 3);
    for (m = 0; m < r->ret_n; m += (m < 12 ? 1 : 6)) {
        out_cell_int(o, (int64_t)m);
        out_cell_int(o, (int64_t)r->ret_base[m]);
        out_cell_num(o, r->ret_share[m]);
    }
    out_table_end(o);
}

static void
print_class_value(out_w *o, const report_data *r)
{
    static const out_col cols[] = {
        {"loyalty", 10, 0, 0}, {"customers", 0, 0, 0}, {"mean_revenue", 0, 2, 0},
        {"lower", 10, 2, 0}, {"upper", 10, 2, 0}};
    int k;
    if (r->class_value_status != LOY_OK)
        return;
    out_table(o, "value_by_loyalty", "Revenue per customer by loyalty class", 0,
              cols, 5);
    for (k = 0; k < 3; k++) {
        out_cell_str(o, seg_loyalty_name(k));
        out_cell_int(o, (int64_t)r->class_value.n[k]);
        out_cell_num(o, r->class_value.mean[k]);
        out_cell_num(o, r->class_value.lower[k]);
        out_cell_num(o, r->class_value.upper[k]);
    }
    out_table_end(o);
}

static void
print_sbg(out_w *o, const report_data *r)
{
    out_section(o, "retention_model", "Retention model (sBG on monthly tenures; "
                "lapsed = no purchase in the last 3 months)");
    out_int(o, "lapsed", "customers lapsed", (int64_t)r->sbg_churned);
    out_int(o, "active", "customers active", (int64_t)r->sbg_active);
    if (r->sbg_status == LOY_OK) {
        out_num(o, "alpha", "alpha", r->sbg[0], 4);
        out_num(o, "beta", "beta", r->sbg[1], 4);
        if (r->ret_n > 12)
            out_pts(o, "survival_12", "model: still active after 12 months (%)",
                    r->sbg_curve[12]);
    } else {
        out_str(o, "status", "fit", loy_strerror(r->sbg_status));
    }
    out_section_end(o);
}

static void
print_silent(out_w *o, const report_data *r)
{
    if (r->silent_status != LOY_OK)
        return;
    out_section(o, "silent_churn", "Silent churn (BG/NBD P(alive) x CLV)");
    out_num(o, "expected_lost", "customers already gone (expected)",
            r->silent.expected_lost, 1);
    out_num(o, "likely_lost", "customers with P(alive) < 0.5", r->silent.likely_lost, 0);
    out_num(o, "value_lost", "CLV lost", r->silent.value_lost, 2);
    out_num(o, "value_alive", "CLV still held", r->silent.value_alive, 2);
    out_section_end(o);
}

static void
print_report(out_w *o, const report_data *r)
{
    out_begin(o, "report");
    nps_print(o, &r->nps, &r->nps_in, "survey");
    log_print_header(o, &r->log_in, &r->log, "purchases");
    print_retention(o, r);
    out_section(o, "join", "Survey joined to the purchase log");
    out_int(o, "customers_with_score", "customers with a score", (int64_t)r->matched);
    out_num(o, "total_revenue", "total revenue", r->total_revenue, 2);
    out_section_end(o);
    seg_print(o, &r->seg, &r->seg_in);
    print_class_value(o, r);
    print_sbg(o, r);
    if (r->clv_status == 0) {
        clv_print(o, &r->clv, &r->clv_in, &r->log, 0);
        print_silent(o, r);
    }
    out_end(o);
}

static int
write_html(const char *path, const report_data *r)
{
    FILE *fp = fopen(path, "w");
    int rc;
    if (fp == NULL) {
        cli_error("report", "%s: cannot write: %s", path, strerror(errno));
        return EXIT_DATA;
    }
    rc = html_report(fp, r);
    if (fclose(fp) != 0 || rc != 0) {
        cli_error("report", "%s: write error", path);
        return EXIT_DATA;
    }
    return 0;
}

static const cmd_help report_help = {
    "report", "loyalty report --survey FILE --purchases FILE [--html OUT] [OPTIONS]",
    "Everything on one survey export and one purchase log: NPS with\n"
    "intervals per group, the purchase-log summary and retention, the ABC\n"
    "analysis of revenue and the ABC x loyalty matrix with actions (scores\n"
    "joined to the log by customer id, latest answer wins), and the revenue\n"
    "of detractors, passives and promoters. With --html, also a\n"
    "self-contained HTML page with SVG charts.",
    "The survey needs a customer id and a score column; the log customer id,\n"
    "date and amount (see loyalty nps/summary --help for the column options).\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

/* Group the NPS by a "segment" column when the survey has one. */
static const char *
default_group(const char *path, char delim)
{
    char err[200];
    csv_reader *cr = csv_open(path, delim, err, sizeof err);
    long col = cr != NULL ? csv_column(cr, "segment") : -1;
    csv_close(cr);
    return col >= 0 ? "segment" : NULL;
}

static int
report_run(report_data *r, const cli_common *c, const char *survey_id,
           const char *html)
{
    int rc;
    r->nps_in.delim = r->log_in.delim = c->delim;
    r->nps_in.skip_bad = r->log_in.skip_bad = c->skip_bad;
    r->nps_in.path = r->survey_path;
    r->log_in.path = r->purchases_path;
    if ((rc = nps_run("report", &r->nps_in, &r->nps)) != 0
        || (rc = log_run("report", &r->log_in, &r->log)) != 0)
        return rc;
    r->loyalty = malloc((size_t)idmap_count(r->log.ids) + 1);
    if (r->loyalty == NULL)
        return EXIT_DATA;
    memset(r->loyalty, -1, (size_t)idmap_count(r->log.ids) + 1);
    if ((rc = join_scores(r, survey_id, c->delim)) != 0
        || (rc = segment_customers(r)) != 0)
        return rc;
    retention_curve(r);
    retention_model(r, strcmp(r->log_in.unit, "week") == 0 ? 30.4375 / 7.0 : 30.4375);
    r->clv_in = (clv_input){"bgnbd", 12.0, 0.01, 1.0, 0.0, 0.0};
    r->clv_in.per_month = strcmp(r->log_in.unit, "week") == 0 ? 4.345 : 30.0;
    r->clv_status = clv_run("report", &r->clv_in, &r->log, &r->clv);
    if (r->clv_status == 0)
        silent_churn(r);
    else
        cli_error("report", "warning: no CLV section (the lifetime model failed)");
    return html != NULL ? write_html(html, r) : 0;
}

static void
report_free(report_data *r)
{
    nps_data_free(&r->nps);
    log_data_free(&r->log);
    seg_data_free(&r->seg);
    clv_data_free(&r->clv);
    free(r->loyalty);
}

int
cmd_report(int argc, char **argv)
{
    cli_common c = {0};
    report_data *r = calloc(1, sizeof *r);
    const char *html = NULL, *survey_id = "customer_id", *pos[1], *method = "adjusted";
    size_t npos;
    int rc;
    out_w o;
    opt_spec specs[] = {
        {"survey", OPT_STR, NULL, NULL, "FILE", "survey export (customer id, score, group)"},
        {"purchases", OPT_STR, NULL, NULL, "FILE", "purchase log (customer id, date, amount)"},
        {"html", OPT_STR, &html, NULL, "OUT", "also write the HTML report to OUT"},
        {"score-column", OPT_STR, NULL, NULL, "NAME", "survey score column (default 'score')"},
        {"group-column", OPT_STR, NULL, NULL, "NAME", "survey group column (default 'segment' if present)"},
        {"survey-id-column", OPT_STR, &survey_id, NULL, "NAME", "survey customer id column (default 'customer_id')"},
        {"method", OPT_STR, &method, NULL, "M", "NPS interval: wald, adjusted or score"},
        LOG_INPUT_SPECS(r->log_in),
        CLI_COMMON_SPECS(c)};
    if (r == NULL)
        return EXIT_DATA;
    specs[0].dest = &r->survey_path;
    specs[1].dest = &r->purchases_path;
    specs[3].dest = &r->nps_in.score_col;
    specs[4].dest = &r->nps_in.group_col;
    log_input_defaults(&r->log_in);
    r->nps_in.score_col = "score";
    r->nps_in.group_col = NULL;
    r->nps_in.level = 0.95;
    r->seg_in = (seg_input){"fixed", LOY_ABC_DEFAULT_CUT_A, LOY_ABC_DEFAULT_CUT_B, 0, 0.95};
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &report_help,
                    pos, 0, &npos);
    if (rc != 0) {
        free(r);
        return rc == 1 ? 0 : EXIT_USAGE;
    }
    if ((rc = cli_common_finish(&c, "report")) == 0
        && (r->survey_path == NULL || r->purchases_path == NULL
            || nps_parse_method(method, &r->nps_in.method) != 0)) {
        cli_error("report", "need --survey FILE and --purchases FILE and a known "
                  "--method (see loyalty report --help)");
        rc = EXIT_USAGE;
    }
    if (rc == 0 && r->nps_in.group_col == NULL)
        r->nps_in.group_col = default_group(r->survey_path, c.delim);
    if (rc == 0 && (rc = report_run(r, &c, survey_id, html)) == 0) {
        out_init(&o, stdout, c.format);
        print_report(&o, r);
    }
    report_free(r);
    free(r);
    return rc;
}
