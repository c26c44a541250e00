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

/* ---- score scales --------------------------------------------------------- */
/* Widest score scale the tools accept: hi - lo < SCALE_MAX_BINS. */
#define SCALE_MAX_BINS 101

/* --breaks LO,DET_MAX,PAS_MAX,HI of the commands that classify scores. */
typedef struct score_scale {
    const char *text;       /* the option's value or NULL: 0-10 */
    int32_t breaks[4];
    const int32_t *b;       /* breaks, or NULL for 0-10 */
} score_scale;

#define SCALE_SPEC(sc)                                                       \
    {"breaks", OPT_STR, &(sc).text, NULL, "LO,DMAX,PMAX,HI",                 \
     "score scale and classes: detractors LO..DMAX, passives ..PMAX, "      \
     "promoters ..HI (default 0,6,8,10)"}

/* Parse --breaks; 0 or EXIT_USAGE (message printed). */
int scale_finish(const char *cmd, score_scale *sc);
/* Loyalty class of a score field: LOY_CLASS_*, -1 for blank; -2 after
 * reporting a bad row. *score gets the score. */
int scale_classify(const score_scale *sc, const csv_reader *r, badrows *b,
                   long col, const char *colname, int32_t *score);
/* Parse up to max integers "a,b,c" into v; returns how many, or -1. */
int parse_int_list(const char *s, int32_t *v, int max);

/* ---- ids -------------------------------------------------------------------- */
#define IDNORM_SPEC(v)                                                       \
    {"id-normalize", OPT_STR, &(v), NULL, "LIST",                            \
     "compare customer ids after: trim (blanks), case, zeros (leading "     \
     "zeros of numbers: 0042 = 42, C007 = C7), all, or none (default)"}

/* Parse a --id-normalize list into IDN_* flags; 0 or EXIT_USAGE. */
int idnorm_parse(const char *cmd, const char *text, unsigned *flags);

/* ---- NPS ---------------------------------------------------------------- */
typedef struct nps_input {
    const char *path;
    const char *score_col, *group_col, *weight_col;
    const char *id_col;     /* collect each respondent's latest score (joins) */
    unsigned id_norm;       /* IDN_* applied to those ids */
    uint32_t method;        /* LOY_NPS_* */
    double level;
    const score_scale *scale;
    const csv_dialect *dialect;
    int skip_bad;
    /* With drivers: the rows of a key-driver analysis are kept on the way
     * (struct drivers_input / drivers_data of keydrivers.h). */
    const struct drivers_input *drivers_in;
    struct drivers_data *drivers;
} nps_input;

typedef struct nps_group {
    const char *name;       /* "(all)" for the overall row */
    uint64_t hist[SCALE_MAX_BINS]; /* responses per score lo..hi */
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
    int32_t lo, hi;         /* the scale */
    /* With id_col: respondents (normalised ids) and their latest answer. */
    idmap *resp;
    int32_t *resp_score;    /* INT32_MIN: blank answer */
    size_t resp_cap;
    uint64_t resp_blank_id; /* answers without a customer id */
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
    const csv_dialect *dialect;
    int skip_bad;
    unsigned id_norm;           /* IDN_* */
    csv_reader *reader;         /* already open (borrowed), or NULL */
    int keep_rows;              /* keep (customer, day) of every row, for a
                                   calibration split made later */
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
    /* With keep_rows: every row kept, as (customer index, day). */
    uint32_t *row_id;
    int32_t *row_day;
    size_t n_rows, rows_cap;
    int borrowed_ids;       /* ids belong to another log_data */
} log_data;

/* Options of the summary commands in an option table (log_input li). */
#define LOG_INPUT_SPECS(li)                                                   \
    {"id-column", OPT_STR, &(li).id_col, NULL, "NAME|N",                      \
     "customer id column, by name or number (default 'customer_id')"},       \
    {"date-column", OPT_STR, &(li).date_col, NULL, "NAME|N",                  \
     "purchase date column (default 'date'; layout: --date-format)"},        \
    {"amount-column", OPT_STR, &(li).amount_col, NULL, "NAME|N",              \
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
/* The calibration/holdout summary of a log read with keep_rows, split at
 * cal_end (the ids stay with `full`, which must outlive `cal`). */
int log_calibrate(const char *cmd, const log_data *full, int64_t cal_end,
                  log_data *cal);
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
int32_t seg_action_code(const seg_data *d, int abc, int loyalty);
const char *seg_action_text(int32_t action);
const char *seg_loyalty_name(int loyalty);
void seg_print(out_w *o, const seg_data *d, const seg_input *in);

/* ---- lifetime models and CLV ----------------------------------------------- */
#define N_MODELS 3          /* BG/NBD, MBG/NBD, Pareto/NBD */

/* Warnings about a fit (model_fit.warn). */
#define FITW_NOCONV 0x1u    /* the optimiser stopped before converging */
#define FITW_BOUNDARY 0x2u  /* a parameter at the edge of its range */
#define FITW_NO_SE 0x4u     /* standard errors missing (singular Hessian) */
#define FITW_HOLDOUT 0x8u   /* poor holdout fit */
#define FITW_PREDICT 0x10u  /* predictions failed */
#define FITW_LIMIT 0x20u    /* the fit is a limit of the family (1.1) */

/* How the model was chosen. */
enum { CHOICE_NAMED, CHOICE_HOLDOUT, CHOICE_BIC };

typedef struct model_fit {
    int status;             /* fit status: LOY_OK, LOY_ENOCONV or an error */
    double params[4];
    loy_fit_report report;
    double bic;
    /* holdout comparison (NaN without one) */
    double ho_rmse, ho_mae, ho_predicted, ho_actual;
    unsigned warn;          /* FITW_* */
    uint32_t limit;         /* LOY_LIMIT_* of the library's report (1.1) */
} model_fit;

typedef struct clv_input {
    const char *model;      /* "auto", "bgnbd", "pnbd" or "mbgnbd" */
    double horizon;         /* months */
    double discount;        /* per month */
    double margin;          /* share of revenue, or money per purchase */
    int margin_absolute;    /* margin is money per purchase */
    double per_month;       /* model time units per month (0: from --unit) */
    double penalty;         /* L2 penalty of the fit */
    const log_input *log_in;
    unsigned threads;       /* --threads: fits and predictions (0, 1: one) */
} clv_input;

typedef struct clv_data {
    size_t n;               /* customers of the summary */
    size_t n_fit;           /* customers with T > 0 (the rest: n/a) */
    double *x, *t_x, *T;    /* compacted fit arrays (n_fit) */
    size_t *row;            /* summary row of each fit customer */
    /* the model comparison */
    int choice;             /* CHOICE_* */
    int chosen;             /* index into the model table */
    int tried[N_MODELS];    /* candidates (all for auto, one if named) */
    int fitted[N_MODELS];   /* fits[k] holds a fit to the whole data */
    model_fit fits[N_MODELS];      /* on the data the predictions use */
    model_fit cal_fits[N_MODELS];  /* on the calibration part (auto split) */
    int split_auto;         /* the holdout was split off here */
    int64_t split_end;      /* calibration end of the comparison */
    double ho_duration;     /* holdout length (model time units) */
    size_t ho_customers;    /* customers compared */
    size_t ho_sampled;      /* of how many (0: all were compared) */
    double naive_rmse;      /* x/T * holdout length, as a benchmark */
    char why_bic[160];      /* why no holdout comparison was possible */
    size_t n_fallback;      /* better-ranked models whose predictions failed */
    /* the chosen model */
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
    size_t one_time_buyers; /* fitted customers with x = 0 */
} clv_data;

/* Names of model k of the table: "bgnbd", ... and "BG/NBD", ... */
const char *model_key(int k);
/* 1 when name is "auto" or a model of the table. */
int model_known(const char *name);
const char *model_title(int k);

/* Check --horizon, --discount, --margin, --penalty; 0 or EXIT_USAGE. */
int clv_check_options(const char *cmd, const clv_input *in);
int clv_run(const char *cmd, const clv_input *in, const log_data *log,
            clv_data *d);
void clv_data_free(clv_data *d);
void clv_print(out_w *o, const clv_data *d, const clv_input *in,
               const log_data *log, const cli_common *c, int customers);
/* The chosen model's warnings as one text ("" if none). */
void clv_warnings_text(const clv_data *d, char *buf, size_t size);
/* The chosen model's warnings on standard error. */
void clv_warn(const char *cmd, const clv_data *d);
/* The comparison of the models as a sentence ("Pareto/NBD: lowest holdout
 * error (RMSE 0.83 vs ...)"). */
const char *clv_choice_text(const clv_data *d, char *buf, size_t size);

#endif
