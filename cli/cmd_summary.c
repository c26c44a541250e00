/* SPDX-License-Identifier: MIT */
/*
 * cmd_summary.c - `loyalty summary`: purchase log -> per-customer summary.
 *
 * The log streams through the library's loy_rfm_builder in chunks of
 * CHUNK rows; the tool keeps only the chunk, the id table and one revenue
 * total per customer. When no observation end is given it must be the
 * latest date in the log, which is known only at the end: the builder then
 * runs with an end far in the future (no row is dropped, and x, t_x and
 * monetary do not depend on the end), and T is recomputed from each
 * customer's first purchase with the library's period rule,
 * T = (period(end) - period(first)) / freq_multiplier.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"
#include "progress.h"

#define CHUNK 65536
#define FAR_END_DAYS 2932896   /* 9999-12-31 */

/* Month starts (days since 1970-01-01) of recently seen months: most logs
 * cover a few years, so almost every date hits; a miss or anything but a
 * plain YYYY-MM-DD takes the general parser. */
typedef struct date_cache {
    int32_t key[64];        /* year * 12 + month - 1, 0 = empty */
    int64_t start[64];
} date_cache;

static int
two_digits(const char *s, unsigned *v)
{
    unsigned a = (unsigned)(s[0] - '0'), b = (unsigned)(s[1] - '0');
    *v = a * 10u + b;
    return a < 10 && b < 10;
}

#define ID_INLINE 24     /* ids up to this length wait for the batch */
#define ID_DONE ((size_t)-1)

/* Rows waiting for the library. Customer ids are copied here and interned
 * in one batch per chunk (see idmap_intern_batch); longer ids are interned
 * at once (idlen ID_DONE). */
typedef struct chunk {
    uint64_t id[CHUNK];
    int64_t time[CHUNK];
    double amount[CHUNK];
    uint64_t line[CHUNK];
    char idtext[CHUNK][ID_INLINE];
    size_t idlen[CHUNK];
    const char *ptr[CHUNK];
    size_t plen[CHUNK];
    uint64_t pidx[CHUNK];
    size_t n;
    date_cache dates;
} chunk;

typedef struct log_cols {
    long id, date, amount;
    int iso_dates;      /* no --date-format: the fast ISO path applies */
} log_cols;

void
log_input_defaults(log_input *li)
{
    memset(li, 0, sizeof *li);
    li->id_col = "customer_id";
    li->date_col = "date";
    li->amount_col = "amount";
    li->period = "day";
    li->unit = "week";
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
period_of(const log_data *d, int64_t t)
{
    return floor_div(t - d->period_origin, d->period_length);
}

/* Period and unit options -> period length, origin and freq_multiplier. */
static int
setup_periods(const char *cmd, const log_input *in, log_data *d)
{
    int pweek = strcmp(in->period, "week") == 0;
    int uweek = strcmp(in->unit, "week") == 0;
    if ((!pweek && strcmp(in->period, "day") != 0)
        || (!uweek && strcmp(in->unit, "day") != 0) || (pweek && !uweek)) {
        cli_error(cmd, "--period and --unit take day or week (a unit shorter "
                  "than the period is not possible)");
        return EXIT_USAGE;
    }
    d->period_length = pweek ? 7 : 1;
    d->period_origin = pweek ? -3 : 0;   /* 1969-12-29 was a Monday */
    d->freq_multiplier = uweek && !pweek ? 7.0 : 1.0;
    if (in->have_obs_end && in->have_cal_end && in->cal_end >= in->obs_end) {
        cli_error(cmd, "--calibration-end must be before --observation-end");
        return EXIT_USAGE;
    }
    return 0;
}

static int
new_builder(const char *cmd, const log_input *in, const log_data *d,
            loy_rfm_builder **b)
{
    loy_rfm_options opts = LOY_RFM_OPTIONS_INIT;
    int rc;
    opts.period_length = d->period_length;
    opts.period_origin = d->period_origin;
    opts.freq_multiplier = d->freq_multiplier;
    if (in->have_cal_end) {
        opts.flags |= LOY_RFM_CALIBRATION;
        opts.calibration_end = in->cal_end;
    }
    rc = loy_rfm_builder_new(b, in->have_obs_end ? in->obs_end : FAR_END_DAYS,
                             &opts);
    if (rc != LOY_OK)
        cli_lib_error(cmd, "summary options", rc);
    return rc == LOY_OK ? 0 : EXIT_DATA;
}

/* Add the chunk's amounts to the per-customer revenue totals. */
static int
add_revenue(log_data *d, const chunk *c, const log_input *in)
{
    size_t i, need = (size_t)idmap_count(d->ids);
    if (need > d->revenue_cap) {
        size_t cap = need > 2 * d->revenue_cap ? need : 2 * d->revenue_cap;
        double *nr = realloc(d->revenue, cap * sizeof *nr);
        if (nr == NULL)
            return -1;
        memset(nr + d->revenue_cap, 0, (cap - d->revenue_cap) * sizeof *nr);
        d->revenue = nr;
        d->revenue_cap = cap;
    }
    for (i = 0; i < c->n; i++)
        if (!in->have_obs_end || c->time[i] <= in->obs_end)
            d->revenue[c->id[i]] += c->amount[i];
    return 0;
}

/* Keep (customer, day) of the chunk's rows for a later calibration split. */
static int
keep_rows(log_data *d, const chunk *c)
{
    size_t i;
    if (d->n_rows + c->n > d->rows_cap) {
        size_t cap = d->rows_cap ? 2 * d->rows_cap : 65536;
        uint32_t *ni;
        int32_t *nd;
        while (cap < d->n_rows + c->n)
            cap *= 2;
        if ((ni = realloc(d->row_id, cap * sizeof *ni)) == NULL)
            return -1;
        d->row_id = ni;
        if ((nd = realloc(d->row_day, cap * sizeof *nd)) == NULL)
            return -1;
        d->row_day = nd;
        d->rows_cap = cap;
    }
    for (i = 0; i < c->n; i++) {
        d->row_id[d->n_rows] = (uint32_t)c->id[i];
        d->row_day[d->n_rows++] = (int32_t)c->time[i];
    }
    return 0;
}

/* Intern the chunk's waiting ids in one prefetching batch. */
static int
intern_chunk(log_data *d, chunk *c)
{
    size_t i, k = 0;
    for (i = 0; i < c->n; i++)
        if (c->idlen[i] != ID_DONE) {
            c->ptr[k] = c->idtext[i];
            c->plen[k++] = c->idlen[i];
        }
    if (idmap_intern_batch(d->ids, c->ptr, c->plen, k, c->pidx) != 0)
        return -1;
    for (i = 0, k = 0; i < c->n; i++)
        if (c->idlen[i] != ID_DONE)
            c->id[i] = c->pidx[k++];
    return 0;
}

static int
flush_chunk(const char *cmd, const log_input *in, log_data *d,
            loy_rfm_builder *b, chunk *c, int has_amount)
{
    size_t bad = LOY_NO_INDEX;
    int rc;
    if (c->n == 0)
        return 0;
    if (intern_chunk(d, c) != 0 || add_revenue(d, c, in) != 0
        || (in->keep_rows && keep_rows(d, c) != 0)) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    rc = loy_rfm_builder_add(b, c->id, c->time, has_amount ? c->amount : NULL,
                             c->n, &bad);
    if (rc != LOY_OK) {
        if (bad != LOY_NO_INDEX && bad < c->n)
            cli_error(cmd, "%s:%llu: %s", in->path,
                      (unsigned long long)c->line[bad], loy_strerror(rc));
        else
            cli_lib_error(cmd, "summary", rc);
        return EXIT_DATA;
    }
    c->n = 0;
    return 0;
}

/* Fast path of cli_field_date for "YYYY-MM-DD": 1 when it applied. */
static int
fast_date(date_cache *dc, const char *s, size_t len, int64_t *days)
{
    unsigned y1, y2, m, d;
    int32_t key;
    size_t slot;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !two_digits(s, &y1)
        || !two_digits(s + 2, &y2) || !two_digits(s + 5, &m)
        || !two_digits(s + 8, &d) || m < 1 || m > 12 || d < 1 || d > 28)
        return 0;   /* days 29-31 need the calendar: general parser */
    key = (int32_t)((y1 * 100u + y2) * 12u + m - 1u) + 1;
    slot = (size_t)key & 63u;
    if (dc->key[slot] != key) {
        dc->key[slot] = key;
        dc->start[slot] = days_from_civil(y1 * 100u + y2, m, 1);
    }
    *days = dc->start[slot] + (int64_t)d - 1;
    return 1;
}

/* Parse one row into the chunk; 0 (added or reported bad), -1 on OOM. */
static int
log_row(log_data *d, const csv_reader *r, badrows *b, const log_input *in,
        const log_cols *lc, chunk *c)
{
    size_t idlen, dlen;
    char idbuf[256];
    const char *id = cli_field_text(r, b, lc->id, in->id_col, &idlen);
    const char *ds = csv_field(r, (size_t)lc->date, &dlen);
    int64_t day;
    double amount = 0.0;
    int rc;
    if (id == NULL)
        return 0;
    idlen = idnorm_apply(in->id_norm, id, idlen, idbuf, sizeof idbuf, &id);
    if (field_blank(id, idlen)) {
        badrow(b, csv_line(r), "blank customer id in column '%s'", in->id_col);
        return 0;
    }
    if ((size_t)lc->date < csv_nfields(r) && lc->iso_dates
        && fast_date(&c->dates, ds, dlen, &day))
        rc = 0;
    else
        rc = cli_field_date(r, b, lc->date, in->date_col, &day);
    if (rc == -2)
        badrow(b, csv_line(r), "blank date in column '%s'", in->date_col);
    if (rc != 0)
        return 0;
    if (lc->amount >= 0) {
        rc = cli_field_number(r, b, lc->amount, in->amount_col, &amount);
        if (rc == -2)
            badrow(b, csv_line(r), "blank amount in column '%s'", in->amount_col);
        else if (rc == 0 && amount < 0.0)
            badrow(b, csv_line(r), "negative amount %s in column '%s' (net "
                   "returns out before)", csv_field(r, (size_t)lc->amount, NULL),
                   in->amount_col);
        if (rc != 0 || amount < 0.0)
            return 0;
    }
    if (idlen <= ID_INLINE) {
        memcpy(c->idtext[c->n], id, idlen);
        c->idlen[c->n] = idlen;
    } else {
        if (idmap_intern(d->ids, id, idlen, &c->id[c->n], NULL) != 0)
            return -1;
        c->idlen[c->n] = ID_DONE;
    }
    c->time[c->n] = day;
    c->amount[c->n] = amount;
    c->line[c->n] = csv_line(r);
    c->n++;
    d->rows++;
    if (day > d->max_date || d->rows == 1)
        d->max_date = day;
    if (day < d->min_date || d->rows == 1)
        d->min_date = day;
    return 0;
}

static int
log_columns(const char *cmd, const csv_reader *r, const log_input *in,
            log_cols *lc)
{
    lc->amount = -1;
    lc->iso_dates = csv_get_dialect(r)->date_fmt == NULL;
    if ((lc->id = cli_column(cmd, r, in->id_col, "id-column")) < 0
        || (lc->date = cli_column(cmd, r, in->date_col, "date-column")) < 0)
        return -1;
    if (strcmp(in->amount_col, "none") != 0
        && (lc->amount = cli_column(cmd, r, in->amount_col, "amount-column")) < 0)
        return -1;
    return 0;
}

/* Stream the file through the builder. */
static int
read_log(const char *cmd, const log_input *in, log_data *d, loy_rfm_builder *bld)
{
    log_cols lc;
    badrows b;
    progress pg;
    uint64_t seen = 0;
    int rc = 0, crc;
    chunk *c = malloc(sizeof *c);
    csv_reader *r = in->reader ? in->reader : cli_open_csv(cmd, in->path, in->dialect);
    if (c == NULL || r == NULL || log_columns(cmd, r, in, &lc) != 0) {
        free(c);
        if (r != in->reader)
            csv_close(r);
        return EXIT_DATA;
    }
    c->n = 0;
    memset(&c->dates, 0, sizeof c->dates);
    badrows_init(&b, in->path, in->skip_bad);
    progress_init(&pg, cmd);
    while (rc == 0 && (crc = csv_next(r)) == 1) {
        if ((++seen & 0xFFFF) == 0)
            progress_rows(&pg, cli_basename(in->path), seen);
        if (log_row(d, r, &b, in, &lc, c) != 0) {
            cli_error(cmd, "out of memory");
            rc = EXIT_DATA;
        } else if (c->n == CHUNK) {
            rc = flush_chunk(cmd, in, d, bld, c, lc.amount >= 0);
        }
    }
    if (rc == 0 && crc < 0) {
        cli_error(cmd, "%s:%llu: %s", in->path, (unsigned long long)csv_line(r),
                  csv_error(r));
        rc = EXIT_DATA;
    }
    if (rc == 0)
        rc = flush_chunk(cmd, in, d, bld, c, lc.amount >= 0);
    progress_clear(&pg);
    if (r != in->reader)
        csv_close(r);
    free(c);
    d->bad_rows = b.count;
    return rc != 0 ? rc : badrows_finish(&b, cmd);
}

/* With the end defaulted to the latest date: T from the first purchases. */
static int
fix_T(log_data *d)
{
    const int64_t *first;
    int64_t pend = period_of(d, d->obs_end);
    size_t i;
    if (d->calibration)
        return 0;
    d->T_own = malloc((d->n ? d->n : 1) * sizeof *d->T_own);
    if (d->T_own == NULL || loy_rfm_summary_first_times(&first, d->sum) != LOY_OK)
        return -1;
    for (i = 0; i < d->n; i++)
        d->T_own[i] = (double)(pend - period_of(d, first[i])) / d->freq_multiplier;
    d->T = d->T_own;
    return 0;
}

static int
fetch_columns(log_data *d)
{
    int rc = loy_rfm_summary_ids(&d->id, d->sum);
    d->n = loy_rfm_summary_count(d->sum);
    d->info.struct_size = sizeof d->info;
    if (rc == LOY_OK)
        rc = loy_rfm_summary_info(&d->info, d->sum);
    if (rc == LOY_OK)
        rc = loy_rfm_summary_column(&d->x, d->sum, LOY_RFM_COL_X);
    if (rc == LOY_OK)
        rc = loy_rfm_summary_column(&d->t_x, d->sum, LOY_RFM_COL_T_X);
    if (rc == LOY_OK)
        rc = loy_rfm_summary_column(&d->T, d->sum, LOY_RFM_COL_T);
    if (rc == LOY_OK)
        rc = loy_rfm_summary_column(&d->monetary, d->sum, LOY_RFM_COL_MONETARY);
    if (rc == LOY_OK && d->calibration)
        rc = loy_rfm_summary_column(&d->x_holdout, d->sum, LOY_RFM_COL_X_HOLDOUT);
    if (rc == LOY_OK && d->calibration)
        rc = loy_rfm_summary_column(&d->monetary_holdout, d->sum,
                                    LOY_RFM_COL_MONETARY_HOLDOUT);
    return rc;
}

/* Summarise what the builder holds and settle the observation end. */
static int
finish_summary(const char *cmd, const log_input *in, log_data *d,
               loy_rfm_builder *bld)
{
    int rc;
    d->obs_end = in->have_obs_end ? in->obs_end : d->max_date;
    if (in->have_cal_end && in->cal_end >= d->obs_end) {
        cli_error(cmd, "--calibration-end must be before the observation end");
        return EXIT_DATA;
    }
    rc = loy_rfm_builder_finish(&d->sum, bld);
    if (rc == LOY_OK)
        rc = fetch_columns(d);
    if (rc != LOY_OK) {
        cli_lib_error(cmd, rc == LOY_EEMPTY ? "summary (no customers, or an "
                      "empty holdout)" : "summary", rc);
        return EXIT_DATA;
    }
    if (!in->have_obs_end) {
        d->info.duration_holdout = (double)(period_of(d, d->obs_end)
                                            - period_of(d, d->cal_end))
                                   / d->freq_multiplier;
        if (fix_T(d) != 0) {
            cli_error(cmd, "out of memory");
            return EXIT_DATA;
        }
    }
    return 0;
}

int
log_run(const char *cmd, const log_input *in, log_data *d)
{
    loy_rfm_builder *bld = NULL;
    int rc;
    memset(d, 0, sizeof *d);
    d->calibration = in->have_cal_end;
    d->cal_end = in->cal_end;
    if ((rc = setup_periods(cmd, in, d)) != 0)
        return rc;
    d->ids = idmap_new();
    if (d->ids == NULL) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    if ((rc = new_builder(cmd, in, d, &bld)) != 0)
        return rc;
    rc = read_log(cmd, in, d, bld);
    if (rc == 0 && d->rows == 0) {
        cli_error(cmd, "%s: no purchase rows", in->path);
        rc = EXIT_DATA;
    }
    if (rc == 0)
        rc = finish_summary(cmd, in, d, bld);
    loy_rfm_builder_free(bld);
    return rc;
}

int
log_calibrate(const char *cmd, const log_data *full, int64_t cal_end,
              log_data *cal)
{
    loy_rfm_options opts = LOY_RFM_OPTIONS_INIT;
    loy_rfm_builder *b = NULL;
    uint64_t id[4096];
    int64_t t[4096];
    size_t i, k;
    int rc;
    memset(cal, 0, sizeof *cal);
    cal->ids = full->ids;
    cal->borrowed_ids = 1;
    cal->calibration = 1;
    cal->cal_end = cal_end;
    cal->obs_end = full->obs_end;
    cal->period_length = full->period_length;
    cal->period_origin = full->period_origin;
    cal->freq_multiplier = full->freq_multiplier;
    cal->revenue = NULL;
    opts.period_length = full->period_length;
    opts.period_origin = full->period_origin;
    opts.freq_multiplier = full->freq_multiplier;
    opts.flags |= LOY_RFM_CALIBRATION;
    opts.calibration_end = cal_end;
    rc = loy_rfm_builder_new(&b, full->obs_end, &opts);
    for (i = 0; rc == LOY_OK && i < full->n_rows; i += k) {
        for (k = 0; k < 4096 && i + k < full->n_rows; k++) {
            id[k] = full->row_id[i + k];
            t[k] = full->row_day[i + k];
        }
        rc = loy_rfm_builder_add(b, id, t, NULL, k, NULL);
    }
    if (rc == LOY_OK)
        rc = loy_rfm_builder_finish(&cal->sum, b);
    loy_rfm_builder_free(b);
    if (rc == LOY_OK)
        rc = fetch_columns(cal);
    if (rc != LOY_OK) {
        cli_lib_error(cmd, "calibration summary", rc);
        return EXIT_DATA;
    }
    cal->rows = full->rows;
    return 0;
}

void
log_data_free(log_data *d)
{
    loy_rfm_summary_free(d->sum);
    if (!d->borrowed_ids)
        idmap_free(d->ids);
    free(d->T_own);
    free(d->revenue);
    free(d->row_id);
    free(d->row_day);
    memset(d, 0, sizeof *d);
}

const char *
log_customer(const log_data *d, size_t row)
{
    return idmap_name(d->ids, d->id[row]);
}

/* ---- printing ------------------------------------------------------------ */

void
log_print_header(out_w *o, const log_input *in, const log_data *d,
                 const char *key)
{
    char buf[32];
    out_section(o, key, "Purchase-log summary");
    out_str(o, "file", "file", in->path);
    out_int(o, "rows", "rows read", (int64_t)d->rows);
    out_int(o, "bad_rows_skipped", "bad rows skipped", (int64_t)d->bad_rows);
    out_int(o, "rows_dropped", "rows after the observation end",
            (int64_t)d->info.n_rows_dropped);
    out_int(o, "customers", "customers", (int64_t)d->n);
    out_str(o, "period", "period", in->period);
    out_str(o, "unit", "unit of t_x and T", in->unit);
    format_date(d->obs_end, buf, sizeof buf);
    out_str(o, "observation_end", "observation end", buf);
    if (d->calibration) {
        format_date(d->cal_end, buf, sizeof buf);
        out_str(o, "calibration_end", "calibration end", buf);
        out_int(o, "rows_holdout", "holdout rows", (int64_t)d->info.n_rows_holdout);
        out_int(o, "customers_dropped", "customers first seen in the holdout",
                (int64_t)d->info.n_customers_dropped);
        out_num(o, "duration_holdout", "holdout length", d->info.duration_holdout, 2);
    }
    out_section_end(o);
}

static const out_col summary_cols[] = {
    {"customer_id", 12, 0, 0}, {"x", 5, 0, 0}, {"t_x", 9, 2, 0},
    {"T", 9, 2, 0}, {"monetary", 10, 2, 0}, {"x_holdout", 0, 0, 0},
    {"monetary_holdout", 0, 2, 0}};

static void
print_summary_table(out_w *o, const log_data *d, const cli_common *c)
{
    size_t i, shown = cli_rows_shown(c, d->n);
    out_table(o, "customers", "Customers", 1, summary_cols,
              d->calibration ? 7 : 5);
    for (i = 0; i < shown; i++) {
        out_cell_str(o, log_customer(d, i));
        out_cell_num(o, d->x[i]);
        out_cell_num(o, d->t_x[i]);
        out_cell_num(o, d->T[i]);
        out_cell_num(o, d->monetary[i]);
        if (d->calibration) {
            out_cell_num(o, d->x_holdout[i]);
            out_cell_num(o, d->monetary_holdout[i]);
        }
    }
    out_table_end(o);
    cli_rows_note(o, shown, d->n);
}

static const cmd_help summary_help = {
    "summary", "loyalty summary [OPTIONS] FILE",
    "Per-customer summary of a purchase log (customer, date, amount), as the\n"
    "lifetime models need it: x = repeat purchases (distinct periods after the\n"
    "first), t_x = time from the first to the last purchase, T = time from the\n"
    "first purchase to the observation end, monetary = mean value of the\n"
    "repeat purchases (purchases in the same period merge). With\n"
    "--calibration-end, x_holdout and monetary_holdout describe the holdout.",
    "Rows with a bad id, date or amount are reported as FILE:LINE and make\n"
    "the command fail unless --skip-bad-rows is given. The log is streamed;\n"
    "memory grows with the customers, not the rows.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

int
cmd_summary(int argc, char **argv)
{
    cli_common c = {0};
    log_input in;
    log_data d;
    const char *pos[1];
    size_t npos;
    int rc;
    out_w o;
    opt_spec specs[] = {LOG_INPUT_SPECS(in), CLI_LIST_SPECS(c), CLI_COMMON_SPECS(c)};
    log_input_defaults(&in);
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs,
                    &summary_help, pos, 1, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "summary")) != 0)
        return rc;
    if (npos != 1) {
        cli_error("summary", "need one FILE (see loyalty summary --help)");
        return EXIT_USAGE;
    }
    in.path = pos[0];
    in.dialect = &c.dialect;
    in.skip_bad = c.skip_bad;
    if ((rc = log_run("summary", &in, &d)) == 0) {
        out_init(&o, stdout, c.format);
        out_begin(&o, "summary");
        log_print_header(&o, &in, &d, "input");
        print_summary_table(&o, &d, &c);
        out_end(&o);
    }
    log_data_free(&d);
    return rc;
}
