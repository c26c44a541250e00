/* SPDX-License-Identifier: MIT */
/*
 * analysis.h - the computations behind the subcommands, reusable by
 * `loyalty report`: each reads its file(s), calls the library and returns
 * plain results that the printers and the HTML report both use.
 */
#ifndef LOYCLI_ANALYSIS_H
#define LOYCLI_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include <loyalty.h>

#include "cli.h"
#include "idmap.h"

/* ---- NPS ---------------------------------------------------------------- */
typedef struct nps_input {
    const char *path;
    const char *score_col, *group_col, *weight_col;
    uint32_t method;        /* LOY_NPS_* */
    double level;
    char delim;
    int skip_bad;
} nps_input;

typedef struct nps_group {
    const char *name;       /* "(all)" for the overall row */
    uint64_t hist[11];      /* responses per score 0..10 */
    uint64_t blank;         /* rows without an answer */
    loy_nps_wtally wtally;  /* weighted tally (with a weight column) */
    loy_nps_tally tally;
    loy_nps_result res;
    loy_nps_wresult wres;
    int status;             /* of the estimate */
} nps_group;

typedef struct nps_data {
    nps_group *groups;      /* [0] overall, then groups by name */
    size_t n_groups;        /* including the overall row */
    int weighted;
    uint64_t bad_rows;
    idmap *names;
} nps_data;

/* Read and estimate; returns 0 or an exit code (errors already printed). */
int nps_run(const char *cmd, const nps_input *in, nps_data *d);
/* key: json name of the input section ("input", or "survey" in reports). */
void nps_print(out_w *o, const nps_data *d, const nps_input *in,
               const char *key);
void nps_data_free(nps_data *d);
/* Flags of a result as "small|clipped|degenerate" (empty if none). */
const char *nps_flags_text(uint32_t flags, char *buf, size_t size);
/* Parse wald|adjusted|score; -1 if unknown. */
int nps_parse_method(const char *s, uint32_t *method);
const char *nps_method_name(uint32_t method);

/* ---- purchase log -> summary -------------------------------------------- */
typedef struct log_input {
    const char *path;
    const char *id_col, *date_col, *amount_col;
    const char *period, *unit;  /* "day" or "week" */
    int have_obs_end, have_cal_end;
    int64_t obs_end, cal_end;   /* days since 1970-01-01 */
    char delim;
    int skip_bad;
} log_input;

typedef struct log_data {
    loy_rfm_summary *sum;
    loy_rfm_info info;
    idmap *ids;             /* customer id text by index (= summary id) */
    size_t n;               /* customers in the summary */
    const uint64_t *id;     /* summary ids, ascending */
    const double *x, *t_x, *T, *monetary, *x_holdout, *monetary_holdout;
    double *T_own;          /* T recomputed when observation end defaulted */
    double *revenue;        /* total amount per id (idmap index), rows up
                               to the observation end */
    size_t revenue_cap;
    uint64_t rows, bad_rows;
    int64_t obs_end, cal_end, min_date, max_date;
    int64_t period_length, period_origin;
    double freq_multiplier;
    int calibration;
} log_data;

/* Options of the summary commands in an option table (log_input li). */
#define LOG_INPUT_SPECS(li)                                                   \
    {"id-column", OPT_STR, &(li).id_col, NULL, "NAME",                        \
     "customer id column (default 'customer_id')"},                          \
    {"date-column", OPT_STR, &(li).date_col, NULL, "NAME",                    \
     "purchase date column, YYYY-MM-DD or YYYYMMDD (default 'date')"},       \
    {"amount-column", OPT_STR, &(li).amount_col, NULL, "NAME",                \
     "purchase amount column (default 'amount'; 'none' for none)"},          \
    {"period", OPT_STR, &(li).period, NULL, "day|week",                       \
     "purchase period: same-period purchases merge (default day)"},          \
    {"unit", OPT_STR, &(li).unit, NULL, "day|week",                           \
     "time unit of t_x and T (default week)"},                               \
    {"observation-end", OPT_DATE, &(li).obs_end, &(li).have_obs_end, "DATE",  \
     "last day observed (default: the latest date in the log)"},             \
    {"calibration-end", OPT_DATE, &(li).cal_end, &(li).have_cal_end, "DATE",  \
     "split into calibration (<= DATE) and holdout periods"}

void log_input_defaults(log_input *li);
/* Read the log and summarise it; 0 or an exit code (errors printed). */
int log_run(const char *cmd, const log_input *in, log_data *d);
void log_data_free(log_data *d);
const char *log_customer(const log_data *d, size_t row);
void log_print_header(out_w *o, const log_input *in, const log_data *d,
                      const char *key);

/* ---- segmentation -------------------------------------------------------- */
#define SEG_NO_RESPONSE 3   /* loyalty column of customers without a score */

typedef struct seg_input {
    const char *method;     /* "fixed" or "computed" */
    double cut_a, cut_b;
    uint32_t flags;         /* LOY_ABC_BEFORE, LOY_ABC_COUNT */
    double level;
} seg_input;

typedef struct seg_cell {
    uint64_t count;
    double revenue, revenue_share;
} seg_cell;

typedef struct seg_data {
    size_t n;
    const double *value;    /* caller's arrays, n each */
    const int8_t *loyalty;  /* LOY_CLASS_* or -1 (no response) */
    uint8_t *abc;           /* class per customer (owned) */
    uint8_t *cells;         /* library cell number per customer (owned) */
    int32_t *loy32;         /* loyalty as int32 for the library (owned) */
    double *sow;            /* share of wallet, clamped to [0, 1] (owned) */
    int computed, with_potential;
    loy_abc_summary fixed;
    loy_abc_computed_result comp;
    loy_segment_result res; /* the library's ABC x loyalty matrix */
    seg_cell cell[3][4];    /* [ABC][detractor, passive, promoter, none],
                               summed over potential levels */
    double revenue_at_risk; /* the library's value at risk */
    double *curve_x, *curve_y; /* ABC curve points (n + 1), owned */
} seg_data;

/* Classify; 0 or an exit code (errors printed). */
int seg_run(const char *cmd, const seg_input *in, const double *value,
            const int8_t *loyalty, const double *potential, size_t n,
            seg_data *d);
void seg_data_free(seg_data *d);
const char *seg_label(int abc, int loyalty);
/* Action of the (no potential / harvest level) cell: library name and a
 * description for people. */
const char *seg_action(const seg_data *d, int abc, int loyalty);
const char *seg_action_text(int32_t action);
const char *seg_loyalty_name(int loyalty);
void seg_print(out_w *o, const seg_data *d, const seg_input *in);

/* ---- lifetime models and CLV ----------------------------------------------- */
typedef struct clv_input {
    const char *model;      /* "bgnbd", "pnbd" or "mbgnbd" */
    double horizon;         /* months */
    double discount;        /* per month */
    double margin;          /* fraction of revenue kept as margin */
    double per_month;       /* model time units per month (0: from --unit) */
    double penalty;         /* L2 penalty of the fit */
} clv_input;

typedef struct clv_data {
    size_t n;               /* customers of the summary */
    size_t n_fit;           /* customers with T > 0 (the rest: n/a) */
    double *x, *t_x, *T;    /* compacted fit arrays (n_fit) */
    size_t *row;            /* summary row of each fit customer */
    double params[4];
    const char *param_names[4];
    loy_fit_report report;
    int fit_status;
    double *p_alive, *expected, *spend, *clv;   /* per summary row (NaN if
                                                   not predicted) */
    double spend_mean;      /* mean repeat-purchase value (observed) */
    double gg[3];           /* Gamma-Gamma {p, q, gamma} */
    loy_fit_report gg_report;
    int gg_status;          /* LOY_OK when the spend model is in use */
    double gg_mean;         /* population mean spend p gamma/(q-1) */
    double spend_corr;      /* corr(x, m) over repeat buyers */
    size_t n_gg;            /* repeat buyers the spend model was fitted on */
    double holdout_predicted, holdout_actual; /* with a calibration split */
} clv_data;

int clv_run(const char *cmd, const clv_input *in, const log_data *log,
            clv_data *d);
void clv_data_free(clv_data *d);
void clv_print(out_w *o, const clv_data *d, const clv_input *in,
               const log_data *log, int customers);

#endif
