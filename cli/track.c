/* SPDX-License-Identifier: MIT */
/*
 * track.c - the computations of `loyalty track` (see track.h): the survey
 * is read once into (unit, period, class) rows, the rows become a
 * units x periods array of NPS tallies with the whole company as row 0,
 * and the library's consistency functions run on that array.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "track.h"

#define ALL_NAME "(all)"

void
track_input_defaults(track_input *in)
{
    loy_chart_options co = LOY_CHART_OPTIONS_INIT;
    in->score_col = "score";
    in->date_col = "date";
    in->period = TRACK_MONTH;
    in->levels[0] = 0.95;
    in->levels[1] = 0.998;
    in->level = 0.95;
    in->overdispersion = LOY_FUNNEL_OD_NONE;
    in->charts = TRACK_ALL_CHARTS;
    in->chart = co;
}

static int
parse_charts(const char *s, unsigned *mask)
{
    static const char *const names[5] = {"shewhart", "laney", "ewma", "cusum",
                                         "runs"};
    *mask = 0;
    if (strcmp(s, "all") == 0) {
        *mask = TRACK_ALL_CHARTS;
        return 0;
    }
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s), k;
        for (k = 0; k < 5; k++)
            if (strlen(names[k]) == len && strncmp(s, names[k], len) == 0)
                break;
        if (k == 5)
            return -1;
        *mask |= 1u << k;
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    return *mask ? 0 : -1;
}

int
track_parse_options(const char *cmd, track_input *in, const char *period,
                    const char *charts, const char *levels,
                    const char *overdispersion)
{
    if (period != NULL) {
        if (strcmp(period, "week") == 0)
            in->period = TRACK_WEEK;
        else if (strcmp(period, "month") == 0)
            in->period = TRACK_MONTH;
        else if (strcmp(period, "quarter") == 0)
            in->period = TRACK_QUARTER;
        else {
            cli_error(cmd, "unknown --period '%s' (week, month or quarter)", period);
            return EXIT_USAGE;
        }
    }
    if (charts != NULL && parse_charts(charts, &in->charts) != 0) {
        cli_error(cmd, "bad --charts '%s': a list of shewhart, laney, ewma, cusum "
                  "and runs, or all", charts);
        return EXIT_USAGE;
    }
    if (levels != NULL) {
        const char *comma = strchr(levels, ',');
        if (comma == NULL || parse_double(levels, (size_t)(comma - levels),
                                          &in->levels[0]) != 0
            || parse_double(comma + 1, strlen(comma + 1), &in->levels[1]) != 0) {
            cli_error(cmd, "bad --levels '%s': give two levels, inner and outer, "
                      "e.g. 0.95,0.998", levels);
            return EXIT_USAGE;
        }
        if (cli_check_level(cmd, "levels", in->levels[0]) != 0
            || cli_check_level(cmd, "levels", in->levels[1]) != 0)
            return EXIT_USAGE;
        if (!(in->levels[0] < in->levels[1])) {
            cli_error(cmd, "bad --levels '%s': the inner level must be below the "
                      "outer one (e.g. 0.95,0.998)", levels);
            return EXIT_USAGE;
        }
    }
    if (overdispersion != NULL) {
        if (strcmp(overdispersion, "none") == 0)
            in->overdispersion = LOY_FUNNEL_OD_NONE;
        else if (strcmp(overdispersion, "additive") == 0)
            in->overdispersion = LOY_FUNNEL_OD_ADDITIVE;
        else if (strcmp(overdispersion, "multiplicative") == 0)
            in->overdispersion = LOY_FUNNEL_OD_MULTIPLICATIVE;
        else {
            cli_error(cmd, "unknown --overdispersion '%s' (none, additive or "
                      "multiplicative)", overdispersion);
            return EXIT_USAGE;
        }
    }
    if (cli_check_level(cmd, "level", in->level) != 0)
        return EXIT_USAGE;
    if (!(in->chart.ewma_lambda > 0.0 && in->chart.ewma_lambda <= 1.0)) {
        cli_error(cmd, "--lambda %g: the EWMA weight must be in (0, 1] (e.g. 0.2)",
                  in->chart.ewma_lambda);
        return EXIT_USAGE;
    }
    if (!(in->chart.limit > 0.0) || !(in->chart.ewma_limit > 0.0)
        || !(in->chart.cusum_h > 0.0) || !(in->chart.cusum_k >= 0.0)) {
        cli_error(cmd, "%s: limits must be positive (--limit, --ewma-limit, "
                  "--cusum-h) and --cusum-k not negative",
                  !(in->chart.limit > 0.0) ? "--limit"
                  : !(in->chart.ewma_limit > 0.0) ? "--ewma-limit"
                  : !(in->chart.cusum_h > 0.0) ? "--cusum-h" : "--cusum-k");
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- columns -------------------------------------------------------------- */

static long
header_column(const char *path, const csv_dialect *d, const char *name)
{
    char err[200];
    csv_reader *cr;
    long col;
    if (path == NULL || strcmp(path, "-") == 0 || name == NULL)
        return -1;
    cr = csv_open_dialect(path, d, err, sizeof err);
    col = cr != NULL ? cli_find_column(cr, name) : -1;
    csv_close(cr);
    return col;
}

int
track_columns_present(const char *path, const csv_dialect *d,
                      const char *date_col, const char *unit_col)
{
    return header_column(path, d, date_col) >= 0
           && (unit_col == NULL || header_column(path, d, unit_col) >= 0);
}

static const char *const unit_names[] = {"branch", "unit", "store", "location",
                                         "team", "agent", NULL};

const char *
track_default_unit(const char *path, const csv_dialect *d)
{
    char err[200];
    const char *found = NULL;
    csv_reader *cr;
    if (path == NULL || strcmp(path, "-") == 0)
        return NULL;
    cr = csv_open_dialect(path, d, err, sizeof err);
    if (cr != NULL && cli_column_any(cr, unit_names, &found) < 0)
        found = NULL;
    csv_close(cr);
    return found;
}

/* ---- periods -------------------------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Period key of a day: weeks start on Monday (1970-01-01 was a Thursday). */
static int64_t
period_key(int period, int64_t days)
{
    int64_t y;
    unsigned m, dd;
    if (period == TRACK_WEEK)
        return floor_div(days + 3, 7);
    civil_from_days(days, &y, &m, &dd);
    return period == TRACK_MONTH ? y * 12 + (m - 1) : y * 4 + (m - 1) / 3;
}

static int64_t
key_start(int period, int64_t key)
{
    if (period == TRACK_WEEK)
        return key * 7 - 3;
    if (period == TRACK_MONTH)
        return days_from_civil(floor_div(key, 12), (unsigned)(key - 12 * floor_div(key, 12)) + 1, 1);
    return days_from_civil(floor_div(key, 4), 3 * (unsigned)(key - 4 * floor_div(key, 4)) + 1, 1);
}

int64_t
track_period_start(const track_data *d, size_t t)
{
    return key_start(d->period, d->first_key + (int64_t)t);
}

const char *
track_period_label(const track_data *d, size_t t, char *buf, size_t size)
{
    int64_t key = d->first_key + (int64_t)t, start = key_start(d->period, key), y;
    unsigned m, dd;
    if (d->period == TRACK_WEEK) {
        /* ISO 8601: the week belongs to the year of its Thursday */
        int64_t thu = start + 3;
        civil_from_days(thu, &y, &m, &dd);
        snprintf(buf, size, "%04lld-W%02lld", (long long)y,
                 (long long)((thu - days_from_civil(y, 1, 1)) / 7 + 1));
    } else if (d->period == TRACK_MONTH) {
        civil_from_days(start, &y, &m, &dd);
        snprintf(buf, size, "%04lld-%02u", (long long)y, m);
    } else {
        civil_from_days(start, &y, &m, &dd);
        snprintf(buf, size, "%04lld-Q%u", (long long)y, (m - 1) / 3 + 1);
    }
    return buf;
}

/* ---- reading -------------------------------------------------------------- */

typedef struct track_rows {
    uint32_t *unit;
    int64_t *key;
    uint8_t *cls;       /* LOY_CLASS_*, or 3: blank score (unit still seen) */
    size_t n, cap;
} track_rows;

static int
rows_push(track_rows *r, uint32_t unit, int64_t key, uint8_t cls)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4096;
        uint32_t *u = realloc(r->unit, cap * sizeof *u);
        int64_t *k;
        uint8_t *c;
        if (u == NULL)
            return -1;
        r->unit = u;
        if ((k = realloc(r->key, cap * sizeof *k)) == NULL)
            return -1;
        r->key = k;
        if ((c = realloc(r->cls, cap)) == NULL)
            return -1;
        r->cls = c;
        r->cap = cap;
    }
    r->unit[r->n] = unit;
    r->key[r->n] = key;
    r->cls[r->n] = cls;
    r->n++;
    return 0;
}

typedef struct track_cols {
    long score, date, unit;
} track_cols;

/* One data row; -1 on out of memory. */
static int
track_row(track_data *d, track_rows *rows, const csv_reader *r, badrows *b,
          const track_input *in, const track_cols *c)
{
    int32_t score;
    int64_t days = 0;
    uint64_t unit = 0;
    int cls = scale_classify(in->scale, r, b, c->score, in->score_col, &score);
    int drc;
    if (cls == -2)
        return 0;
    if (c->unit >= 0) {
        size_t len;
        const char *name = cli_field_text(r, b, c->unit, in->unit_col, &len);
        int is_new;
        if (name == NULL)
            return 0;
        if (field_blank(name, len))
            name = "(blank)", len = strlen(name);
        if (idmap_intern(d->units, name, len, &unit, &is_new) != 0)
            return -1;
        unit++;
    }
    drc = cli_field_date(r, b, c->date, in->date_col, &days);
    if (drc == -1)
        return 0;
    if (cls == -1) {
        d->blank++;
        /* the unit exists even when none of its rows has an answer */
        return drc == 0 ? rows_push(rows, (uint32_t)unit, period_key(in->period, days), 3)
                        : 0;
    }
    if (drc == -2) {
        d->undated++;
        return 0;
    }
    d->answers++;
    return rows_push(rows, (uint32_t)unit, period_key(in->period, days), (uint8_t)cls);
}

static int
read_rows(const char *cmd, const track_input *in, track_data *d, track_rows *rows)
{
    track_cols c = {-1, -1, -1};
    badrows b;
    int rc;
    csv_reader *r = cli_open_csv(cmd, in->path, in->dialect);
    if (r == NULL)
        return EXIT_DATA;
    if ((c.score = cli_column(cmd, r, in->score_col, "score-column")) < 0
        || (c.date = cli_column(cmd, r, in->date_col, "date-column")) < 0
        || (in->unit_col != NULL
            && (c.unit = cli_column(cmd, r, in->unit_col, "unit-column")) < 0)) {
        csv_close(r);
        return EXIT_DATA;
    }
    badrows_init(&b, in->path, in->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (track_row(d, rows, r, &b, in, &c) != 0) {
            rc = -2;
            break;
        }
    if (rc == -1)
        cli_error(cmd, "%s:%llu: %s", in->path, (unsigned long long)csv_line(r),
                  csv_error(r));
    else if (rc == -2)
        cli_error(cmd, "out of memory");
    csv_close(r);
    d->bad_rows = b.count;
    if (rc != 0)
        return EXIT_DATA;
    return badrows_finish(&b, cmd);
}

/* ---- the tallies ------------------------------------------------------------- */

static int
by_unit_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Units sorted by name: names[1..] and the map from idmap order. */
static int
order_units(track_data *d, size_t **rank_out)
{
    size_t u, n = d->n_units;
    size_t *rank = malloc((n + 1) * sizeof *rank);
    const char **sorted = malloc((n + 1) * sizeof *sorted);
    d->names = malloc((n + 1) * sizeof *d->names);
    if (rank == NULL || sorted == NULL || d->names == NULL) {
        free(rank);
        free(sorted);
        return -1;
    }
    for (u = 0; u < n; u++)
        sorted[u] = idmap_name(d->units, u);
    qsort(sorted, n, sizeof *sorted, by_unit_name);
    d->names[0] = ALL_NAME;
    for (u = 0; u < n; u++) {
        uint64_t idx;
        d->names[u + 1] = sorted[u];
        idmap_find(d->units, sorted[u], strlen(sorted[u]), &idx);
        rank[idx] = u + 1;
    }
    free(sorted);
    *rank_out = rank;
    return 0;
}

static int
build_tallies(const char *cmd, const track_input *in, track_data *d,
              const track_rows *rows)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    size_t i, *rank = NULL;
    char a[32], b[32];
    for (i = 0; i < rows->n; i++) {
        lo = rows->key[i] < lo ? rows->key[i] : lo;
        hi = rows->key[i] > hi ? rows->key[i] : hi;
    }
    d->n_units = d->units != NULL ? (size_t)idmap_count(d->units) : 0;
    d->n_rows = d->n_units + 1;
    if (d->answers == 0) {
        cli_error(cmd, "%s: no dated scores in the file (column '%s' blank in "
                  "every row with a date in '%s')", in->path, in->score_col,
                  in->date_col);
        return EXIT_DATA;
    }
    d->first_key = lo;
    if (hi - lo >= TRACK_MAX_PERIODS) {
        d->n_periods = 1;
        track_period_label(d, 0, a, sizeof a);
        d->first_key = hi;
        track_period_label(d, 0, b, sizeof b);
        cli_error(cmd, "%s: the dates run from %s to %s, %lld periods (at most "
                  "%d): check column '%s' for a mistyped year, or use a longer "
                  "--period", in->path, a, b, (long long)(hi - lo + 1),
                  TRACK_MAX_PERIODS, in->date_col);
        return EXIT_DATA;
    }
    d->n_periods = (size_t)(hi - lo + 1);
    d->counts = calloc(d->n_rows * d->n_periods * 3, sizeof *d->counts);
    d->totals = calloc(d->n_rows * 3, sizeof *d->totals);
    if (d->counts == NULL || d->totals == NULL || order_units(d, &rank) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    for (i = 0; i < rows->n; i++) {
        size_t t = (size_t)(rows->key[i] - lo), u;
        int cls = rows->cls[i];
        if (cls > 2)
            continue;
        u = rows->unit[i] ? rank[rows->unit[i] - 1] : 0;
        /* classes: LOY_CLASS_DETRACTOR 0, PASSIVE 1, PROMOTER 2 */
        d->counts[(0 * d->n_periods + t) * 3 + (size_t)cls]++;
        d->totals[(size_t)cls]++;
        if (u) {
            d->counts[(u * d->n_periods + t) * 3 + (size_t)cls]++;
            d->totals[u * 3 + (size_t)cls]++;
        }
    }
    free(rank);
    return 0;
}

/* ---- options that need the series ----------------------------------------------- */

static size_t
periods_per_year(int period)
{
    return period == TRACK_WEEK ? 52 : period == TRACK_MONTH ? 12 : 4;
}

static int
date_to_period(const track_data *d, int64_t days, size_t *t)
{
    int64_t k = period_key(d->period, days) - d->first_key;
    if (k < 0 || k >= (int64_t)d->n_periods)
        return -1;
    *t = (size_t)k;
    return 0;
}

static int
set_baseline(const char *cmd, const track_input *in, track_data *d)
{
    const char *s = in->baseline, *sep;
    char a[32], b[32];
    size_t T = d->n_periods;
    if (s == NULL) {
        /* the first year, but no more than half of the series */
        size_t half = (T + 1) / 2, year = periods_per_year(in->period);
        d->base_start = 0;
        d->base_len = half < year ? half : year;
        return 0;
    }
    sep = strchr(s, ':');
    if (sep == NULL) {
        long long n;
        if (parse_int_range(s, strlen(s), 1, 1000000, &n) != 0) {
            cli_error(cmd, "bad --baseline '%s': give a number of periods (e.g. 12) "
                      "or a date range FROM:TO (e.g. 2024-01-01:2024-12-31)", s);
            return EXIT_USAGE;
        }
        if ((size_t)n > T) {
            cli_error(cmd, "--baseline %lld: the series has only %zu periods "
                      "(%s to %s)", n, T, track_period_label(d, 0, a, sizeof a),
                      track_period_label(d, T - 1, b, sizeof b));
            return EXIT_DATA;
        }
        d->base_start = 0;
        d->base_len = (size_t)n;
        return 0;
    }
    {
        int64_t from, to;
        double frac;
        size_t t0, t1;
        if (parse_date(s, (size_t)(sep - s), &from, &frac) != 0
            || parse_date(sep + 1, strlen(sep + 1), &to, &frac) != 0 || to < from) {
            cli_error(cmd, "bad --baseline '%s': give FROM:TO as ISO dates, FROM "
                      "<= TO (e.g. 2024-01-01:2024-12-31)", s);
            return EXIT_USAGE;
        }
        /* clip to the series; a window wholly outside it is an error */
        if (period_key(d->period, to) < d->first_key
            || period_key(d->period, from) >= d->first_key + (int64_t)T) {
            cli_error(cmd, "--baseline %s lies outside the series (%s to %s)", s,
                      track_period_label(d, 0, a, sizeof a),
                      track_period_label(d, T - 1, b, sizeof b));
            return EXIT_DATA;
        }
        if (date_to_period(d, from, &t0) != 0)
            t0 = 0;
        if (date_to_period(d, to, &t1) != 0)
            t1 = T - 1;
        d->base_start = t0;
        d->base_len = t1 - t0 + 1;
    }
    return 0;
}

/* --target: NPS points (the passive share of the data kept) or P,D. */
static int
parse_target(const char *cmd, const track_input *in, const track_data *d,
             double *p0, double *d0)
{
    const char *comma = strchr(in->target, ',');
    if (comma != NULL) {
        if (parse_double(in->target, (size_t)(comma - in->target), p0) != 0
            || parse_double(comma + 1, strlen(comma + 1), d0) != 0
            || !(*p0 >= 0 && *d0 >= 0 && *p0 + *d0 <= 1 && *p0 + *d0 > 0)) {
            cli_error(cmd, "bad --target '%s': P,D are the promoter and detractor "
                      "shares, each in [0, 1] with P + D <= 1 (e.g. 0.45,0.15)",
                      in->target);
            return EXIT_USAGE;
        }
        return 0;
    }
    {
        double nps, n = (double)(d->totals[0] + d->totals[1] + d->totals[2]);
        double pas = (double)d->totals[1] / n;
        if (parse_double(in->target, strlen(in->target), &nps) != 0
            || !(nps >= -100 && nps <= 100)) {
            cli_error(cmd, "bad --target '%s': give an NPS in points (-100..100, "
                      "e.g. 30), P,D shares (0.45,0.15) or leave it out for the "
                      "pooled NPS", in->target);
            return EXIT_USAGE;
        }
        *p0 = (1.0 - pas + nps / 100.0) / 2.0;
        *d0 = (1.0 - pas - nps / 100.0) / 2.0;
        if (*p0 < 0 || *d0 < 0) {
            cli_error(cmd, "--target %s: with the data's %.0f%% passives an NPS of "
                      "%s is impossible; give P,D shares instead", in->target,
                      100 * pas, in->target);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* ---- the analyses ------------------------------------------------------------------ */

static void *
alloc0(size_t n, size_t size, int *fail)
{
    void *p = calloc(n ? n : 1, size);
    if (p == NULL)
        *fail = 1;
    return p;
}

static int
funnel(const char *cmd, const track_input *in, track_data *d, double p0, double d0)
{
    loy_funnel_options fo = LOY_FUNNEL_OPTIONS_INIT;
    loy_funnel_units fu = LOY_FUNNEL_UNITS_INIT;
    size_t n = d->n_units, u, m = 0, k;
    uint64_t *sizes;
    double *lo, *hi;
    int fail = 0, rc;
    d->funnel_status = LOY_EEMPTY;
    if (n == 0)
        return 0;
    d->f_nps = alloc0(n, sizeof(double), &fail);
    d->f_z = alloc0(n, sizeof(double), &fail);
    d->f_p = alloc0(n, sizeof(double), &fail);
    d->f_shrunk = alloc0(n, sizeof(double), &fail);
    for (k = 0; k < 4; k++)
        d->f_lim[k] = alloc0(n, sizeof(double), &fail);
    d->f_flags = alloc0(n, sizeof(uint32_t), &fail);
    sizes = alloc0(n, sizeof *sizes, &fail);
    lo = alloc0(n, sizeof *lo, &fail);
    hi = alloc0(n, sizeof *hi, &fail);
    if (fail) {
        free(sizes), free(lo), free(hi);
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    for (u = 0; u < n; u++)
        d->f_nps[u] = d->f_z[u] = d->f_p[u] = d->f_shrunk[u] = CLI_NAN;
    fo.levels[0] = in->levels[0];
    fo.levels[1] = in->levels[1];
    fo.overdispersion = in->overdispersion;
    fo.flags = in->exact ? LOY_FUNNEL_EXACT : 0u;
    if (in->target != NULL) {
        fo.target = LOY_FUNNEL_TARGET_FIXED;
        fo.target_promoters = p0;
        fo.target_detractors = d0;
    }
    fu.nps = d->f_nps;
    fu.z_adjusted = d->f_z;
    fu.p_value = d->f_p;
    fu.shrunk = d->f_shrunk;
    fu.flags = d->f_flags;
    d->fit.struct_size = sizeof d->fit;
    rc = loy_funnel_compute(&d->fit, &fu, d->totals + 3, n, 3, &fo, NULL);
    d->funnel_status = rc;
    if (rc != LOY_OK) {
        /* one unit with answers, or all answers in one class: no funnel */
        if (rc == LOY_EDEGENERATE || rc == LOY_EEMPTY)
            return 0;
        cli_lib_error(cmd, "funnel", rc);
        free(sizes), free(lo), free(hi);
        return EXIT_DATA;
    }
    for (u = 0; u < n; u++) {
        const uint64_t *t = d->totals + 3 * (u + 1);
        if (t[0] + t[1] + t[2] > 0)
            sizes[m++] = t[0] + t[1] + t[2];
    }
    d->limits_method = in->exact ? LOY_FUNNEL_LIMITS_EXACT
                       : in->overdispersion != LOY_FUNNEL_OD_NONE
                           ? LOY_FUNNEL_LIMITS_ADJUSTED : LOY_FUNNEL_LIMITS_NORMAL;
    for (k = 0; k < 2 && m > 0; k++) {
        size_t j = 0;
        rc = loy_funnel_limits(lo, hi, &d->fit, sizes, m, in->levels[k],
                               d->limits_method, NULL);
        if (rc != LOY_OK) {
            cli_lib_error(cmd, "funnel limits", rc);
            free(sizes), free(lo), free(hi);
            return EXIT_DATA;
        }
        for (u = 0; u < n; u++) {
            const uint64_t *t = d->totals + 3 * (u + 1);
            if (t[0] + t[1] + t[2] > 0) {
                d->f_lim[2 * k][u] = lo[j];
                d->f_lim[2 * k + 1][u] = hi[j++];
            } else {
                d->f_lim[2 * k][u] = d->f_lim[2 * k + 1][u] = CLI_NAN;
            }
        }
    }
    free(sizes), free(lo), free(hi);
    return 0;
}

/* Periods of the baseline window are the chart's own reference (phase I):
 * a signal counts from the first period after it, or before it when the
 * window was set later in the series. */
static int
monitored(const track_data *d, size_t t)
{
    return t < d->base_start || t >= d->base_start + d->base_len;
}

static size_t
first_code(const track_data *d, size_t u, uint32_t bits)
{
    size_t t;
    for (t = 0; t < d->n_periods; t++)
        if (monitored(d, t) && (d->p_codes[u * d->n_periods + t] & bits))
            return t;
    return LOY_NO_INDEX;
}

/* The period at which a long run became a signal: its (limit + 1)-th point
 * (the code marks every point of such a run, from its start). */
static size_t
first_run(const track_data *d, size_t u)
{
    const uint32_t *c = d->p_codes + u * d->n_periods;
    size_t t, count = 0;
    uint32_t side = 0;
    for (t = 0; t < d->n_periods; t++) {
        uint32_t s = c[t] & (LOY_SIGNAL_ABOVE | LOY_SIGNAL_BELOW);
        if (c[t] & LOY_SIGNAL_GAP || s == 0)
            continue;   /* gaps and points on the centre line do not count */
        if (!(c[t] & LOY_SIGNAL_LONG_RUN) || s != side)
            count = 0;
        side = s;
        if (c[t] & LOY_SIGNAL_LONG_RUN)
            count++;
        if (count > d->c_run_limit[u] && monitored(d, t))
            return t;
    }
    return LOY_NO_INDEX;
}

static const uint32_t chart_bits[4] = {
    LOY_SIGNAL_SHEWHART_LOW | LOY_SIGNAL_SHEWHART_HIGH,
    LOY_SIGNAL_LANEY_LOW | LOY_SIGNAL_LANEY_HIGH,
    LOY_SIGNAL_EWMA_LOW | LOY_SIGNAL_EWMA_HIGH,
    LOY_SIGNAL_CUSUM_LOW | LOY_SIGNAL_CUSUM_HIGH};
static const unsigned chart_mask[4] = {TRACK_SHEWHART, TRACK_LANEY, TRACK_EWMA,
                                       TRACK_CUSUM};

static void
first_signals(track_data *d, size_t u)
{
    size_t best = LOY_NO_INDEX, k, r;
    for (k = 0; k < 4; k++) {
        d->c_first[k][u] = first_code(d, u, chart_bits[k]);
        if ((d->charts & chart_mask[k]) && d->c_first[k][u] < best)
            best = d->c_first[k][u];
    }
    d->c_first[4][u] = r = first_run(d, u);
    if ((d->charts & TRACK_RUNS) && r < best)
        best = r;
    d->first_signal[u] = best;
}

const char *
track_first_chart(const track_data *d, size_t u)
{
    static const char *const names[4] = {"Shewhart", "Laney", "EWMA", "CUSUM"};
    size_t f = d->first_signal[u], k;
    if (f == LOY_NO_INDEX)
        return "";
    for (k = 0; k < 4; k++)
        if ((d->charts & chart_mask[k]) && d->c_first[k][u] == f)
            return names[k];
    return "runs";
}

static int
charts(const char *cmd, const track_input *in, track_data *d, double p0, double d0)
{
    loy_chart_units cu = LOY_CHART_UNITS_INIT;
    loy_chart_points cp = LOY_CHART_POINTS_INIT;
    loy_chart_options co = in->chart;
    size_t R = d->n_rows, N = d->n_rows * d->n_periods, k, u;
    int fail = 0, rc;
    d->c_centre = alloc0(R, sizeof(double), &fail);
    d->c_sigma_z = alloc0(R, sizeof(double), &fail);
    d->c_points = alloc0(R, sizeof(size_t), &fail);
    d->c_run = alloc0(R, sizeof(size_t), &fail);
    d->c_run_limit = alloc0(R, sizeof(size_t), &fail);
    d->c_cross = alloc0(R, sizeof(size_t), &fail);
    d->c_cross_limit = alloc0(R, sizeof(size_t), &fail);
    for (k = 0; k < 5; k++)
        d->c_first[k] = alloc0(R, sizeof(size_t), &fail);
    d->first_signal = alloc0(R, sizeof(size_t), &fail);
    d->c_flags = alloc0(R, sizeof(uint32_t), &fail);
    d->p_nps = alloc0(N, sizeof(double), &fail);
    d->p_lo = alloc0(N, sizeof(double), &fail);
    d->p_hi = alloc0(N, sizeof(double), &fail);
    d->p_llo = alloc0(N, sizeof(double), &fail);
    d->p_lhi = alloc0(N, sizeof(double), &fail);
    d->p_ewma = alloc0(N, sizeof(double), &fail);
    d->p_elo = alloc0(N, sizeof(double), &fail);
    d->p_ehi = alloc0(N, sizeof(double), &fail);
    d->p_cup = alloc0(N, sizeof(double), &fail);
    d->p_clo = alloc0(N, sizeof(double), &fail);
    d->p_codes = alloc0(N, sizeof(uint32_t), &fail);
    if (fail) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    /* NaN marks what the library leaves unwritten (gaps, uncharted units) */
    for (u = 0; u < R; u++)
        d->c_centre[u] = d->c_sigma_z[u] = CLI_NAN;
    for (k = 0; k < N; k++)
        d->p_nps[k] = d->p_lo[k] = d->p_hi[k] = d->p_llo[k] = d->p_lhi[k]
            = d->p_ewma[k] = d->p_elo[k] = d->p_ehi[k] = d->p_cup[k] = d->p_clo[k]
            = CLI_NAN;
    cu.centre = d->c_centre;
    cu.sigma_z = d->c_sigma_z;
    cu.n_points = d->c_points;
    cu.longest_run = d->c_run;
    cu.longest_run_limit = d->c_run_limit;
    cu.crossings = d->c_cross;
    cu.crossings_limit = d->c_cross_limit;
    cu.first_shewhart = d->c_first[0];
    cu.first_laney = d->c_first[1];
    cu.first_ewma = d->c_first[2];
    cu.first_cusum = d->c_first[3];
    cu.flags = d->c_flags;
    cp.nps = d->p_nps;
    cp.shewhart_lower = d->p_lo;
    cp.shewhart_upper = d->p_hi;
    cp.laney_lower = d->p_llo;
    cp.laney_upper = d->p_lhi;
    cp.ewma = d->p_ewma;
    cp.ewma_lower = d->p_elo;
    cp.ewma_upper = d->p_ehi;
    cp.cusum_upper = d->p_cup;
    cp.cusum_lower = d->p_clo;
    cp.codes = d->p_codes;
    co.baseline_start = d->base_start;
    co.baseline_length = d->base_len;
    if (in->target != NULL) {
        co.target = LOY_CHART_TARGET_FIXED;
        co.target_promoters = p0;
        co.target_detractors = d0;
    }
    rc = loy_chart_compute(&cu, &cp, d->counts, R, d->n_periods, 3, &co, NULL);
    d->chart_status = rc;
    if (rc != LOY_OK) {
        cli_lib_error(cmd, "control charts", rc);
        return EXIT_DATA;
    }
    for (u = 0; u < R; u++)
        first_signals(d, u);
    return 0;
}

static int
change_and_trend(const char *cmd, const track_input *in, track_data *d)
{
    loy_change_points cp = LOY_CHANGE_POINTS_INIT;
    loy_trend_units tu = LOY_TREND_UNITS_INIT;
    size_t R = d->n_rows, N = R * d->n_periods, k;
    int fail = 0;
    d->g_diff = alloc0(N, sizeof(double), &fail);
    d->g_lo = alloc0(N, sizeof(double), &fail);
    d->g_hi = alloc0(N, sizeof(double), &fail);
    d->g_p = alloc0(N, sizeof(double), &fail);
    d->g_flags = alloc0(N, sizeof(uint32_t), &fail);
    d->t_slope = alloc0(R, sizeof(double), &fail);
    d->t_lo = alloc0(R, sizeof(double), &fail);
    d->t_hi = alloc0(R, sizeof(double), &fail);
    d->t_p = alloc0(R, sizeof(double), &fail);
    d->t_first = alloc0(R, sizeof(double), &fail);
    d->t_last = alloc0(R, sizeof(double), &fail);
    d->t_periods = alloc0(R, sizeof(size_t), &fail);
    d->t_flags = alloc0(R, sizeof(uint32_t), &fail);
    if (fail) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    for (k = 0; k < N; k++)
        d->g_diff[k] = d->g_lo[k] = d->g_hi[k] = d->g_p[k] = CLI_NAN;
    for (k = 0; k < R; k++)
        d->t_slope[k] = d->t_lo[k] = d->t_hi[k] = d->t_p[k] = d->t_first[k]
            = d->t_last[k] = CLI_NAN;
    cp.diff = d->g_diff;
    cp.lower = d->g_lo;
    cp.upper = d->g_hi;
    cp.p_value = d->g_p;
    cp.flags = d->g_flags;
    d->change_status = loy_change_compute(&cp, d->counts, R, d->n_periods, 3, d->lag,
                                          LOY_NPS_WALD, in->level, NULL, NULL);
    if (d->change_status != LOY_OK) {
        cli_lib_error(cmd, "change", d->change_status);
        return EXIT_DATA;
    }
    tu.slope = d->t_slope;
    tu.lower = d->t_lo;
    tu.upper = d->t_hi;
    tu.p_value = d->t_p;
    tu.share_first = d->t_first;
    tu.share_last = d->t_last;
    tu.n_periods = d->t_periods;
    tu.flags = d->t_flags;
    d->trend_status = loy_topbox_trend(&tu, d->counts, R, d->n_periods, 3,
                                       in->level, NULL);
    if (d->trend_status != LOY_OK) {
        cli_lib_error(cmd, "top-box trend", d->trend_status);
        return EXIT_DATA;
    }
    return 0;
}

int
track_run(const char *cmd, const track_input *in, track_data *d)
{
    track_rows rows = {0};
    double p0 = 0.0, d0 = 0.0;
    int rc;
    memset(d, 0, sizeof *d);
    d->period = in->period;
    d->charts = in->charts;
    d->funnel_status = LOY_EEMPTY;
    if (in->unit_col != NULL && (d->units = idmap_new()) == NULL) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    rc = read_rows(cmd, in, d, &rows);
    if (rc == 0)
        rc = build_tallies(cmd, in, d, &rows);
    free(rows.unit);
    free(rows.key);
    free(rows.cls);
    if (rc != 0)
        return rc;
    if ((rc = set_baseline(cmd, in, d)) != 0
        || (in->target != NULL && (rc = parse_target(cmd, in, d, &p0, &d0)) != 0))
        return rc;
    d->lag = in->lag ? in->lag : periods_per_year(in->period);
    if ((rc = funnel(cmd, in, d, p0, d0)) != 0
        || (rc = charts(cmd, in, d, p0, d0)) != 0
        || (rc = change_and_trend(cmd, in, d)) != 0)
        return rc;
    return 0;
}

size_t
track_outside(const track_data *d, int outer)
{
    return d->funnel_status == LOY_OK ? d->fit.n_outside[outer ? 1 : 0] : 0;
}

void
track_data_free(track_data *d)
{
    size_t k;
    free(d->names);
    free(d->counts);
    free(d->totals);
    free(d->f_nps), free(d->f_z), free(d->f_p), free(d->f_shrunk), free(d->f_flags);
    for (k = 0; k < 4; k++)
        free(d->f_lim[k]);
    for (k = 0; k < 5; k++)
        free(d->c_first[k]);
    free(d->c_centre), free(d->c_sigma_z), free(d->c_points), free(d->c_run);
    free(d->c_run_limit), free(d->c_cross), free(d->c_cross_limit);
    free(d->first_signal), free(d->c_flags);
    free(d->p_nps), free(d->p_lo), free(d->p_hi), free(d->p_llo), free(d->p_lhi);
    free(d->p_ewma), free(d->p_elo), free(d->p_ehi), free(d->p_cup), free(d->p_clo);
    free(d->p_codes);
    free(d->g_diff), free(d->g_lo), free(d->g_hi), free(d->g_p), free(d->g_flags);
    free(d->t_slope), free(d->t_lo), free(d->t_hi), free(d->t_p), free(d->t_first);
    free(d->t_last), free(d->t_periods), free(d->t_flags);
    idmap_free(d->units);
    memset(d, 0, sizeof *d);
}
