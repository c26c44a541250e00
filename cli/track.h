/* SPDX-License-Identifier: MIT */
/*
 * track.h - `loyalty track` and the "Consistency" section of the report:
 * NPS per unit (branch, agent, touchpoint) and per period from a survey
 * with dates, and the library's consistency module on top: a funnel of
 * units, control charts of periods, the change against a year before and
 * the top-box trend.
 */
#ifndef LOYCLI_TRACK_H
#define LOYCLI_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

enum { TRACK_WEEK, TRACK_MONTH, TRACK_QUARTER };

/* Charts whose signals count (--charts). */
#define TRACK_SHEWHART 0x1u
#define TRACK_LANEY 0x2u
#define TRACK_EWMA 0x4u
#define TRACK_CUSUM 0x8u
#define TRACK_RUNS 0x10u
#define TRACK_ALL_CHARTS 0x1Fu

/* Longest series accepted: a typo in a date (0205 for 2025) would
 * otherwise make millions of empty periods. */
#define TRACK_MAX_PERIODS 5000

typedef struct track_input {
    const char *path;
    const char *score_col, *date_col, *unit_col;   /* unit_col may be NULL */
    const score_scale *scale;
    const csv_dialect *dialect;
    int skip_bad;
    int period;             /* TRACK_WEEK, ... */
    const char *baseline;   /* --baseline N or FROM:TO, NULL: default */
    const char *target;     /* --target: NULL (pooled), NPS points or P,D */
    double levels[2];       /* funnel limit levels */
    double level;           /* change and trend intervals */
    uint32_t overdispersion;/* LOY_FUNNEL_OD_* */
    int exact;              /* exact trinomial tails and limits */
    unsigned charts;        /* TRACK_* */
    unsigned lag;           /* 0: a year */
    loy_chart_options chart;/* limit, lambda, L, k, h (baseline set later) */
} track_input;

/* Defaults of everything above except the path and columns. */
void track_input_defaults(track_input *in);
/* Parse --period, --charts, --levels, --overdispersion values; 0 or
 * EXIT_USAGE (message names the option). Any argument may be NULL. */
int track_parse_options(const char *cmd, track_input *in, const char *period,
                        const char *charts, const char *levels,
                        const char *overdispersion);

typedef struct track_data {
    size_t n_units;         /* units, without the company row */
    size_t n_rows;          /* n_units + 1: row 0 is the whole company */
    size_t n_periods;
    const char **names;     /* n_rows: "(all)", then units by name */
    int64_t first_key;      /* period key of period 0 */
    int period;             /* TRACK_* */
    uint64_t *counts;       /* n_rows x n_periods x 3 (D, A, P) */
    uint64_t *totals;       /* n_rows x 3 */
    uint64_t answers, blank, undated, bad_rows;
    size_t base_start, base_len, lag;
    unsigned charts;
    /* the funnel (units only; status != 0 when there is none) */
    int funnel_status;
    loy_funnel_result fit;
    uint32_t limits_method; /* LOY_FUNNEL_LIMITS_* of the limits shown */
    double *f_nps, *f_z, *f_p, *f_shrunk, *f_lim[4]; /* inner lo/hi, outer */
    uint32_t *f_flags;
    /* charts, per row */
    int chart_status;
    double *c_centre, *c_sigma_z;
    size_t *c_points, *c_run, *c_run_limit, *c_cross, *c_cross_limit;
    size_t *c_first[5];     /* first signal after the baseline of each chart:
                               Shewhart, Laney, EWMA, CUSUM, runs */
    size_t *first_signal;   /* first chosen signal (period) or LOY_NO_INDEX */
    uint32_t *c_flags;
    /* charts, per point (n_rows x n_periods) */
    double *p_nps, *p_lo, *p_hi, *p_llo, *p_lhi, *p_ewma, *p_elo, *p_ehi,
        *p_cup, *p_clo;
    uint32_t *p_codes;
    /* change of the last period against `lag` periods before, per point */
    int change_status;
    double *g_diff, *g_lo, *g_hi, *g_p;
    uint32_t *g_flags;
    /* top-box trend, per row */
    int trend_status;
    double *t_slope, *t_lo, *t_hi, *t_p, *t_first, *t_last;
    size_t *t_periods;
    uint32_t *t_flags;
    idmap *units;
} track_data;

/* 1 when the survey at path (a file, not standard input) has the date
 * column and, if unit_col is not NULL, the unit column. */
int track_columns_present(const char *path, const csv_dialect *d,
                          const char *date_col, const char *unit_col);
/* The first of branch, unit, store, location, team, agent that is a column
 * of the file at path, or NULL. */
const char *track_default_unit(const char *path, const csv_dialect *d);

/* Read and compute; 0 or an exit code (errors printed). */
int track_run(const char *cmd, const track_input *in, track_data *d);
void track_data_free(track_data *d);

/* Period t as text ("2025-06", "2025-W23", "2025-Q2") and its first day. */
const char *track_period_label(const track_data *d, size_t t, char *buf,
                               size_t size);
int64_t track_period_start(const track_data *d, size_t t);
/* The chosen signals of a point code as words ("Shewhart low, CUSUM
 * low"); "" when none. */
const char *track_signal_text(const track_data *d, uint32_t code, char *buf,
                              size_t size);
/* A unit's funnel flags as words ("below, outside 99.8%, FDR"). */
const char *track_funnel_text(const track_data *d, uint32_t flags, char *buf,
                              size_t size);
/* Which chart gave row u's first signal ("CUSUM", ...; "" if none). */
const char *track_first_chart(const track_data *d, size_t u);
/* Units outside the inner / outer funnel limits. */
size_t track_outside(const track_data *d, int outer);

/* Print everything; by_unit: per-period rows for every unit too; table:
 * the csv table ("units" or "periods"; NULL: none), key: json name of the
 * input section. */
void track_print(out_w *o, const track_data *d, const track_input *in,
                 int by_unit, const char *table, const char *key);

#endif
