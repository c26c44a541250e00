/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `loyalty report` and `loyalty customers`: NPS, the
 * purchase-log summary, retention, the ABC x loyalty segmentation, the
 * lifetime model (chosen as `loyalty clv` chooses it) and CLV, and the
 * per-customer action list, from a survey export and a purchase log; as
 * text (or json), an HTML page and a CSV of the action list.
 *
 * Each file is read once (so either may be standard input): the survey
 * for the NPS, collecting each respondent's latest score on the way, and
 * the log. Survey and log are joined by customer id, optionally after
 * --id-normalize; the counts of matched and unmatched ids are printed and
 * a join that matches no one is an error, never a silent "no answer".
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "report.h"

#define LAPSE_MONTHS 3.0
#define LOW_MATCH 0.5       /* warn when fewer respondents are found */

void
report_warn(report_data *r, const char *cmd, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cli_warn(cmd, "%s", buf);
    if (r->n_warnings < REPORT_MAX_WARNINGS) {
        char *copy = malloc(strlen(buf) + 1);
        if (copy != NULL) {
            strcpy(copy, buf);
            r->warnings[r->n_warnings++] = copy;
        }
    }
}

/* ---- the join ------------------------------------------------------------- */

/* Up to three ids of a table, quoted, for messages. */
static void
sample_ids(const idmap *m, char *buf, size_t size)
{
    uint64_t i, n = idmap_count(m);
    size_t len = 0;
    buf[0] = '\0';
    for (i = 0; i < n && i < 3 && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s'%.20s'", i ? ", " : "",
                                idmap_name(m, i));
}

static int
join_scores(const char *cmd, report_data *r)
{
    const nps_data *s = &r->nps;
    uint64_t j, n = s->resp != NULL ? idmap_count(s->resp) : 0;
    for (j = 0; j < n; j++) {
        const char *id = idmap_name(s->resp, j);
        uint64_t idx;
        int32_t cls;
        if (s->resp_score[j] == INT32_MIN)
            continue;
        r->respondents++;
        if (idmap_find(r->log.ids, id, strlen(id), &idx) != 0) {
            r->unmatched++;
            continue;
        }
        if (loy_nps_classify(&cls, s->resp_score[j], r->scale.b) != LOY_OK)
            continue;   /* checked when read */
        r->matched++;
        r->loyalty[idx] = (int8_t)cls;
        r->score[idx] = s->resp_score[j];
    }
    r->customers_no_answer = idmap_count(r->log.ids) - r->matched;
    if (r->respondents > 0 && r->matched == 0) {
        char a[100], b[100];
        sample_ids(s->resp, a, sizeof a);
        sample_ids(r->log.ids, b, sizeof b);
        cli_error(cmd, "no survey customer id matches a purchase-log id (survey "
                  "%s: %s ...; log %s: %s ...): check --survey-id-column and "
                  "--id-column, or compare ids with --id-normalize (e.g. "
                  "zeros: 0042 = 42; all)", cli_basename(r->survey_path), a,
                  cli_basename(r->purchases_path), b);
        return EXIT_DATA;
    }
    if (r->respondents > 0 && (double)r->matched < LOW_MATCH * (double)r->respondents)
        report_warn(r, cmd, "only %llu of %llu survey customers (%.0f%%) were found "
                    "in the purchase log; check the ids (--id-normalize)",
                    (unsigned long long)r->matched,
                    (unsigned long long)r->respondents,
                    100.0 * (double)r->matched / (double)r->respondents);
    return 0;
}

/* ---- retention -------------------------------------------------------------- */

/* Months a customer is known to have stayed, and whether they lapsed
 * (no purchase in the LAPSE_MONTHS months before the observation end):
 * a lapsed customer was active in the month of the last purchase and gone
 * the month after; any other is known to be active up to that month and
 * censored there (whether they lapse is not known yet). */
static void
tenure_of(const log_data *log, size_t i, double month, double *tenure, int *lapsed)
{
    double last = floor(log->t_x[i] / month);
    *lapsed = log->T[i] - log->t_x[i] >= LAPSE_MONTHS * month;
    *tenure = *lapsed ? last + 1.0 : last;
}

/* Kaplan-Meier estimate of the share still active m months after the
 * first purchase, while at least RETENTION_MIN_AT_RISK are observed. */
static void
retention_curve(report_data *r, double month)
{
    uint64_t event[RETENTION_MAX + 2] = {0}, at[RETENTION_MAX + 2] = {0};
    double s = 1.0;
    size_t i, m;
    for (i = 0; i < r->log.n; i++) {
        double t;
        int lapsed;
        size_t k;
        tenure_of(&r->log, i, month, &t, &lapsed);
        k = t > RETENTION_MAX ? RETENTION_MAX + 1 : (size_t)t;
        at[k]++;        /* observed (at risk) up to month k */
        if (lapsed && k <= RETENTION_MAX)
            event[k]++;
    }
    /* at[m] becomes the number at risk at month m: observed for >= m */
    for (m = RETENTION_MAX + 1; m > 0; m--)
        at[m - 1] += at[m];
    r->ret_n = 0;
    for (m = 0; m <= RETENTION_MAX; m++) {
        if (at[m] < RETENTION_MIN_AT_RISK)
            break;
        if (m > 0)
            s *= 1.0 - (double)event[m] / (double)at[m];
        r->ret_month[m] = (double)m;
        r->ret_share[m] = s;
        r->ret_base[m] = at[m];
        r->ret_n = m + 1;
    }
}

/* sBG on the same monthly tenures. */
static void
retention_model(report_data *r, double month)
{
    size_t n = r->log.n, i;
    double *tenure = malloc((n ? n : 1) * sizeof *tenure);
    int *cens = malloc((n ? n : 1) * sizeof *cens);
    r->sbg_status = LOY_ENOMEM;
    if (tenure != NULL && cens != NULL) {
        for (i = 0; i < n; i++) {
            int lapsed;
            tenure_of(&r->log, i, month, &tenure[i], &lapsed);
            cens[i] = !lapsed;
            r->sbg_churned += (uint64_t)lapsed;
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

/* ---- the rest of the analysis ------------------------------------------------ */

static int
segment_customers(const char *cmd, report_data *r)
{
    size_t n = (size_t)idmap_count(r->log.ids), i;
    int rc;
    for (i = 0; i < n; i++)
        r->total_revenue += r->log.revenue[i];
    rc = seg_run(cmd, &r->seg_in, r->log.revenue, r->loyalty, NULL, n, &r->seg);
    if (rc != 0)
        return rc;
    r->class_value.struct_size = sizeof r->class_value;
    r->class_value_status = loy_churn_class_value(&r->class_value, r->log.revenue,
                                                  r->loyalty, n, 0.95, NULL);
    return 0;
}

/* Silent churn: P(alive) against the value if still active. */
static void
silent_churn(report_data *r)
{
    const clv_data *c = &r->clv;
    size_t m = c->n_fit ? c->n_fit : 1, k;
    double *pa = malloc(m * sizeof *pa), *val = malloc(m * sizeof *val);
    r->silent_status = LOY_ENOMEM;
    if (pa != NULL && val != NULL) {
        for (k = 0; k < c->n_fit; k++) {
            double p = c->p_alive[c->row[k]], v = c->clv[c->row[k]];
            pa[k] = p;
            val[k] = p > 1e-9 && v > 0 ? v / p : 0.0;
        }
        r->silent.struct_size = sizeof r->silent;
        r->silent_status = loy_churn_silent(&r->silent, pa, val, NULL, c->n_fit,
                                            0.5, NULL);
    }
    free(pa);
    free(val);
}

static void
lifetime_model(const char *cmd, report_data *r)
{
    char warn[1200];
    r->clv_status = clv_run(cmd, &r->clv_in, &r->log, &r->clv);
    if (r->clv_status != 0) {
        report_warn(r, cmd, "no lifetime model could be fitted: CLV, P(alive) "
                    "and silent churn are missing; value at risk is the revenue "
                    "of detractors");
        return;
    }
    silent_churn(r);
    clv_warnings_text(&r->clv, warn, sizeof warn);
    if (warn[0] != '\0')
        report_warn(r, cmd, "%s: %s", model_title(r->clv.chosen), warn);
}

/* Everything `report` and `customers` compute. */
static int
report_run(const char *cmd, report_data *r)
{
    size_t n, i;
    int rc;
    double month = strcmp(r->log_in.unit, "day") == 0 ? 30.4375 : 30.4375 / 7.0;
    if (r->have_survey && (rc = nps_run(cmd, &r->nps_in, &r->nps)) != 0)
        return rc;
    if (r->have_drivers) {
        r->drivers_status = drivers_analyse(cmd, &r->drv, &r->drv_in);
        if (r->drivers_status != 0)
            report_warn(r, cmd, "no key-driver section: the analysis failed "
                        "(see above)");
    }
    if (r->have_track) {
        r->track_status = track_run(cmd, &r->trk_in, &r->trk);
        if (r->track_status != 0 && r->track_forced)
            return r->track_status;
        if (r->track_status != 0)
            report_warn(r, cmd, "no consistency section: the survey's dates or "
                        "units could not be analysed (see above; --no-track)");
    }
    if ((rc = log_run(cmd, &r->log_in, &r->log)) != 0)
        return rc;
    n = (size_t)idmap_count(r->log.ids);
    r->loyalty = malloc(n + 1);
    r->score = malloc((n + 1) * sizeof *r->score);
    if (r->loyalty == NULL || r->score == NULL) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    memset(r->loyalty, -1, n + 1);
    for (i = 0; i <= n; i++)
        r->score[i] = INT32_MIN;
    if ((r->have_survey && (rc = join_scores(cmd, r)) != 0)
        || (rc = segment_customers(cmd, r)) != 0)
        return rc;
    retention_curve(r, month);
    retention_model(r, month);
    lifetime_model(cmd, r);
    if (customers_build(r) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    return 0;
}

/* ---- text and json output ------------------------------------------------------ */

static void
print_retention(out_w *o, const report_data *r)
{
    static const out_col cols[] = {
        {"month", 5, 0, 0}, {"customers_observed", 0, 0, 0},
        {"still_active", 0, 1, 1}, {"sbg_model", 0, 1, 1}};
    size_t m;
    out_table(o, "retention", "Retention: share still active m months after the "
              "first purchase (%; Kaplan-Meier, lapsed = 3 months without a "
              "purchase)", 0, cols, 4);
    for (m = 0; m < r->ret_n; m += (m < 12 ? 1 : 6)) {
        out_cell_int(o, (int64_t)m);
        out_cell_int(o, (int64_t)r->ret_base[m]);
        out_cell_num(o, r->ret_share[m]);
        out_cell_num(o, r->sbg_status == LOY_OK ? r->sbg_curve[m] : CLI_NAN);
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
print_join(out_w *o, const report_data *r)
{
    out_section(o, "join", "Survey joined to the purchase log");
    out_int(o, "survey_customers", "survey customers with a score",
            (int64_t)r->respondents);
    out_int(o, "matched", "found in the purchase log", (int64_t)r->matched);
    out_int(o, "unmatched", "not found in the purchase log", (int64_t)r->unmatched);
    out_int(o, "customers_with_score", "log customers with a score",
            (int64_t)r->matched);
    out_int(o, "customers_without_score", "log customers without a score",
            (int64_t)r->customers_no_answer);
    out_num(o, "total_revenue", "total revenue", r->total_revenue, 2);
    out_section_end(o);
}

static void
print_value(out_w *o, const report_data *r)
{
    out_section(o, "value", "Value and value at risk");
    out_num(o, "clv_total", "total CLV (all customers)", r->clv_status == 0
            ? r->clv_total : CLI_NAN, 2);
    out_num(o, "value_at_risk", "value at risk (all customers)", r->var_total, 2);
    out_int(o, "customers_at_risk", "customers with value at risk",
            (int64_t)r->at_risk_customers);
    out_str(o, "definition", "definition", r->clv_status == 0
            ? "value if still active x (1 - P(alive)); detractors: all of it"
            : "revenue of detractors (no lifetime model)");
    if (r->silent_status == LOY_OK && r->clv_status == 0) {
        out_num(o, "expected_lost", "customers already gone (expected)",
                r->silent.expected_lost, 1);
        out_num(o, "likely_lost", "customers with P(alive) < 0.5",
                r->silent.likely_lost, 0);
        out_num(o, "silent_churn_value_lost", "value lost to silent churn",
                r->silent.value_lost, 2);
        out_num(o, "value_alive", "value still held", r->silent.value_alive, 2);
    }
    out_section_end(o);
}

static void
print_report(out_w *o, const report_data *r, const cli_common *c)
{
    size_t shown = c->format == OUT_TEXT && !c->all ? c->top : r->n_cust;
    out_begin(o, "report");
    if (r->have_survey)
        nps_print(o, &r->nps, &r->nps_in, "survey");
    log_print_header(o, &r->log_in, &r->log, "purchases");
    print_retention(o, r);
    if (r->have_survey)
        print_join(o, r);
    if (r->have_drivers && r->drivers_status == 0)
        drivers_print(o, &r->drv, &r->drv_in);
    if (r->have_track && r->track_status == 0)
        track_print(o, &r->trk, &r->trk_in, 0, NULL, "track");
    seg_print(o, &r->seg, &r->seg_in);
    print_class_value(o, r);
    print_sbg(o, r);
    if (r->clv_status == 0)
        clv_print(o, &r->clv, &r->clv_in, &r->log, c, 0);
    print_value(o, r);
    if (shown > r->n_cust)
        shown = r->n_cust;
    customers_print(o, r, shown, 0);    /* the csv is --customers-csv */
    cli_rows_note(o, shown, r->n_cust);
    out_end(o);
}

static void
print_customer_list(out_w *o, const report_data *r, const cli_common *c)
{
    size_t shown = cli_rows_shown(c, r->n_cust);
    char buf[300];
    out_begin(o, "customers");
    out_section(o, "totals", "Customers");
    out_int(o, "customers", "customers", (int64_t)r->n_cust);
    if (r->have_survey)
        out_int(o, "with_score", "with a survey score", (int64_t)r->matched);
    if (r->clv_status == 0) {
        out_str(o, "model", "lifetime model", clv_choice_text(&r->clv, buf, sizeof buf));
        out_num(o, "horizon_months", "horizon (months)", r->clv_in.horizon, 1);
        out_num(o, "clv_total", "total CLV", r->clv_total, 2);
    }
    out_num(o, "value_at_risk", "total value at risk", r->var_total, 2);
    out_int(o, "customers_at_risk", "customers with value at risk",
            (int64_t)r->at_risk_customers);
    out_section_end(o);
    customers_print(o, r, shown, 1);
    cli_rows_note(o, shown, r->n_cust);
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

static void
report_free(report_data *r)
{
    size_t i;
    nps_data_free(&r->nps);
    clv_data_free(&r->clv);
    log_data_free(&r->log);
    seg_data_free(&r->seg);
    free(r->loyalty);
    free(r->score);
    free(r->cust);
    drivers_data_free(&r->drv);
    track_data_free(&r->trk);
    for (i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]);
}

/* ---- the two commands ------------------------------------------------------------ */

typedef struct report_opts {
    cli_common c;
    const char *html, *method, *id_norm, *survey_id;
    const char *track_period, *survey_date;
    int is_customers, no_track;
} report_opts;

/* Group the NPS by a "segment" column when the survey has one: decided
 * from the header, which needs the file itself (not standard input). */
static const char *
default_group(const char *path, const csv_dialect *d)
{
    char err[200];
    csv_reader *cr;
    long col;
    if (strcmp(path, "-") == 0)
        return NULL;
    cr = csv_open_dialect(path, d, err, sizeof err);
    col = cr != NULL ? csv_column(cr, "segment") : -1;
    csv_close(cr);
    return col >= 0 ? "segment" : NULL;
}

/* The consistency section: on with --track, off with --no-track, else on
 * when the survey file has the date and a unit column. */
static int
track_options(const char *cmd, report_data *r, const report_opts *ro)
{
    track_input *ti = &r->trk_in;
    int rc;
    if (r->track_forced && ro->no_track) {
        cli_error(cmd, "--track and --no-track exclude each other");
        return EXIT_USAGE;
    }
    if ((rc = track_parse_options(cmd, ti, ro->track_period, NULL, NULL, NULL)) != 0)
        return rc;
    ti->path = r->survey_path;
    ti->score_col = r->nps_in.score_col;
    ti->scale = &r->scale;
    ti->dialect = &ro->c.dialect;
    ti->skip_bad = ro->c.skip_bad;
    if (ro->survey_date != NULL)
        ti->date_col = ro->survey_date;
    if (ro->no_track)
        return 0;
    if (strcmp(r->survey_path, "-") == 0) {
        if (r->track_forced) {
            cli_error(cmd, "--track reads the survey a second time: give it as a "
                      "file, not standard input");
            return EXIT_USAGE;
        }
        return 0;
    }
    if (ti->unit_col == NULL)
        ti->unit_col = track_default_unit(r->survey_path, &ro->c.dialect);
    r->have_track = r->track_forced
                    || (ti->unit_col != NULL
                        && track_columns_present(r->survey_path, &ro->c.dialect,
                                                 ti->date_col, ti->unit_col));
    return 0;
}

static int
finish_options(const char *cmd, report_data *r, report_opts *ro)
{
    int rc;
    if ((rc = cli_common_finish(&ro->c, cmd)) != 0
        || (rc = scale_finish(cmd, &r->scale)) != 0
        || (rc = clv_check_options(cmd, &r->clv_in)) != 0
        || (rc = idnorm_parse(cmd, ro->id_norm, &r->log_in.id_norm)) != 0)
        return rc;
    if (r->purchases_path == NULL || (!ro->is_customers && r->survey_path == NULL)) {
        cli_error(cmd, ro->is_customers ? "need --purchases FILE (see loyalty "
                  "customers --help)" : "need --survey FILE and --purchases FILE "
                  "(see loyalty report --help)");
        return EXIT_USAGE;
    }
    if (!model_known(r->clv_in.model)) {
        cli_error(cmd, "unknown --model '%s' (auto, bgnbd, mbgnbd or pnbd)",
                  r->clv_in.model);
        return EXIT_USAGE;
    }
    if (r->drv_in.drivers != NULL
        && ((rc = drivers_parse_model(cmd, r->drv_model, &r->drv_in.model)) != 0))
        return rc;
    if (r->drv_in.drivers != NULL && r->survey_path == NULL) {
        cli_error(cmd, "--drivers needs --survey (the ratings are in the survey)");
        return EXIT_USAGE;
    }
    if (nps_parse_method(ro->method, &r->nps_in.method) != 0) {
        cli_error(cmd, "unknown --method '%s' (wald, adjusted or score)", ro->method);
        return EXIT_USAGE;
    }
    if (r->survey_path != NULL && strcmp(r->survey_path, "-") == 0
        && strcmp(r->purchases_path, "-") == 0) {
        cli_error(cmd, "--survey and --purchases cannot both be standard input");
        return EXIT_USAGE;
    }
    r->have_survey = r->survey_path != NULL;
    r->nps_in.dialect = r->log_in.dialect = &ro->c.dialect;
    r->nps_in.skip_bad = r->log_in.skip_bad = ro->c.skip_bad;
    r->nps_in.path = r->survey_path;
    r->nps_in.scale = &r->scale;
    r->nps_in.id_col = ro->survey_id;
    r->nps_in.id_norm = r->log_in.id_norm;
    r->log_in.path = r->purchases_path;
    r->log_in.keep_rows = strcmp(r->clv_in.model, "auto") == 0
                          && !r->log_in.have_cal_end;
    if (r->clv_in.per_month == 0)
        r->clv_in.per_month = strcmp(r->log_in.unit, "day") == 0 ? 30.0 : 4.345;
    r->clv_in.log_in = &r->log_in;
    if (r->have_survey && r->nps_in.group_col == NULL)
        r->nps_in.group_col = default_group(r->survey_path, &ro->c.dialect);
    if (!ro->is_customers && r->survey_path != NULL
        && (rc = track_options(cmd, r, ro)) != 0)
        return rc;
    if (r->drv_in.drivers != NULL) {
        r->have_drivers = 1;
        r->drv_in.outcome = r->nps_in.score_col;
        r->drv_in.breaks = r->scale.b;
        r->drv_in.level = 0.95;
        r->nps_in.drivers_in = &r->drv_in;
        r->nps_in.drivers = &r->drv;
    }
    return 0;
}

static const cmd_help report_help = {
    "report", "loyalty report --survey FILE --purchases FILE [--html OUT] [OPTIONS]",
    "Everything on one survey export and one purchase log: NPS with\n"
    "intervals per group and the score distribution, the purchase-log\n"
    "summary and retention, the join of both by customer id (matched and\n"
    "unmatched counts), the ABC x loyalty matrix with actions, the lifetime\n"
    "model (chosen as `loyalty clv` chooses it) with CLV, silent churn and\n"
    "value at risk, and the customers to call first. With --html, also one\n"
    "self-contained HTML page with charts; with --customers-csv, the whole\n"
    "action list as CSV (see loyalty customers).",
    "The survey needs a customer id and a score column; the log a customer\n"
    "id, a date and an amount (see loyalty nps/summary --help). Scores join\n"
    "the log by id, the latest answer winning; --id-normalize compares ids\n"
    "without blanks (trim), case (case) or leading zeros (zeros: 0042 = 42).\n"
    "A join that matches no one is an error. --currency sets the symbol or\n"
    "code of money amounts on the page (e.g. '$', 'EUR'), --title its title.\n"
    "Text output lists the first --top customers (default 20; --all).\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

static const cmd_help customers_help = {
    "customers", "loyalty customers --purchases FILE [--survey FILE] [OPTIONS]",
    "Who to call: one row per customer of the purchase log with the value\n"
    "class (ABC of revenue), the loyalty class and last score (with a\n"
    "survey), P(alive), expected purchases and CLV over the horizon (the\n"
    "lifetime model chosen as in `loyalty clv`), the ABC x loyalty segment,\n"
    "the action and the value at risk, sorted by priority: the value at\n"
    "risk that a call can still save (value at risk x P(alive)). Text\n"
    "output shows the first --top rows (default 20), --all every row; csv\n"
    "and json always every row.",
    "Value at risk = the customer's value over the horizon if still active\n"
    "(CLV / P(alive)) x the chance of losing it: 1 - P(alive), or all of it\n"
    "for a detractor. Its sum over non-detractors is the silent-churn value\n"
    "lost of `loyalty report`; totals match the report's. Action: the\n"
    "segment's action, or 'win back' when P(alive) < 0.5.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

static int
run_command(int argc, char **argv, int is_customers)
{
    const char *cmd = is_customers ? "customers" : "report";
    report_opts ro;
    report_data *r = calloc(1, sizeof *r);
    const char *pos[1];
    size_t npos;
    int rc;
    out_w o;
    memset(&ro, 0, sizeof ro);
    ro.method = "adjusted";
    ro.survey_id = "customer_id";
    ro.is_customers = is_customers;
    if (r == NULL)
        return EXIT_DATA;
    log_input_defaults(&r->log_in);
    r->nps_in.score_col = "score";
    r->nps_in.level = 0.95;
    r->seg_in = (seg_input){"fixed", LOY_ABC_DEFAULT_CUT_A, LOY_ABC_DEFAULT_CUT_B, 0, 0.95};
    r->clv_in = (clv_input){"auto", 12.0, 0.01, 1.0, 0, 0.0, 0.0, NULL, 1u};
    r->title = "Loyalty report";
    r->drv_model = "linear";
    track_input_defaults(&r->trk_in);
    {
        opt_spec specs[] = {
            {"survey", OPT_STR, &r->survey_path, NULL, "FILE", "survey export (customer id, score, group)"},
            {"purchases", OPT_STR, &r->purchases_path, NULL, "FILE", "purchase log (customer id, date, amount)"},
            {"html", OPT_STR, &ro.html, NULL, "OUT", "also write the HTML report to OUT"},
            {"customers-csv", OPT_STR, &r->customers_csv, NULL, "OUT", "also write the action list (every customer) as CSV"},
            {"title", OPT_STR, &r->title, NULL, "TEXT", "title of the HTML page (default 'Loyalty report')"},
            {"currency", OPT_STR, &r->currency, NULL, "SYM", "currency of amounts on the page, e.g. '$', 'EUR'"},
            {"drivers", OPT_STR, &r->drv_in.drivers, NULL, "A,B,C", "key drivers: survey columns of rated attributes"},
            {"drivers-model", OPT_STR, &r->drv_model, NULL, "M", "key drivers of the score: linear (default), logistic or ordinal"},
            {"track", OPT_FLAG, &r->track_forced, NULL, NULL, "consistency section (default: when the survey has a date and a unit column)"},
            {"no-track", OPT_FLAG, &ro.no_track, NULL, NULL, "no consistency section"},
            {"unit-column", OPT_STR, &r->trk_in.unit_col, NULL, "NAME|N", "survey unit column (default: branch, unit, store, location, team or agent)"},
            {"survey-date-column", OPT_STR, &ro.survey_date, NULL, "NAME|N", "survey answer date column (default 'date')"},
            {"track-period", OPT_STR, &ro.track_period, NULL, "P", "consistency periods: week, month (default) or quarter"},
            {"model", OPT_STR, &r->clv_in.model, NULL, "M", "lifetime model: auto (default), bgnbd, mbgnbd or pnbd"},
            {"horizon", OPT_NUM, &r->clv_in.horizon, NULL, "MONTHS", "CLV horizon in months (default 12)"},
            {"discount", OPT_NUM, &r->clv_in.discount, NULL, "D", "discount rate per month (default 0.01)"},
            {"margin", OPT_NUM, &r->clv_in.margin, NULL, "F", "margin as a share of revenue, in (0, 1] (default 1)"},
            {"margin-absolute", OPT_FLAG, &r->clv_in.margin_absolute, NULL, NULL, "--margin is money per purchase"},
            {"threads", OPT_UINT, &r->clv_in.threads, NULL, "N", "threads for the lifetime fits and predictions (default 1; same results)"},
            {"score-column", OPT_STR, &r->nps_in.score_col, NULL, "NAME|N", "survey score column (default 'score')"},
            {"group-column", OPT_STR, &r->nps_in.group_col, NULL, "NAME|N", "survey group column (default 'segment' if present)"},
            {"survey-id-column", OPT_STR, &ro.survey_id, NULL, "NAME|N", "survey customer id column (default 'customer_id')"},
            {"method", OPT_STR, &ro.method, NULL, "M", "NPS interval: wald, adjusted or score"},
            SCALE_SPEC(r->scale),
            IDNORM_SPEC(ro.id_norm),
            LOG_INPUT_SPECS(r->log_in),
            CLI_LIST_SPECS(ro.c),
            CLI_COMMON_SPECS(ro.c)};
        size_t nspecs = sizeof specs / sizeof *specs;
        if (is_customers) {
            /* no page: drop --html, --customers-csv, --title, --currency,
             * --drivers, --drivers-model and the consistency options */
            memmove(&specs[2], &specs[13], (nspecs - 13) * sizeof *specs);
            nspecs -= 11;
        }
        rc = args_parse(argc, argv, specs, nspecs,
                        is_customers ? &customers_help : &report_help, pos, 0, &npos);
    }
    if (rc != 0) {
        free(r);
        return rc == 1 ? 0 : EXIT_USAGE;
    }
    if ((rc = finish_options(cmd, r, &ro)) == 0)
        rc = report_run(cmd, r);
    if (rc == 0 && !is_customers && ro.html != NULL)
        rc = write_html(ro.html, r);
    if (rc == 0 && r->customers_csv != NULL)
        rc = customers_write_csv(cmd, r->customers_csv, r);
    if (rc == 0) {
        out_init(&o, stdout, ro.c.format);
        if (is_customers)
            print_customer_list(&o, r, &ro.c);
        else
            print_report(&o, r, &ro.c);
    }
    report_free(r);
    free(r);
    return rc;
}

int
cmd_report(int argc, char **argv)
{
    return run_command(argc, argv, 0);
}

int
cmd_customers(int argc, char **argv)
{
    return run_command(argc, argv, 1);
}
