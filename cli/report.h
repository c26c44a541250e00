/* SPDX-License-Identifier: MIT */
/*
 * report.h - `loyalty report` and `loyalty customers`: the combined
 * analysis of a survey and a purchase log, the per-customer action list
 * and the HTML page.
 */
#ifndef LOYCLI_REPORT_H
#define LOYCLI_REPORT_H

#include <stdio.h>

#include "analysis.h"
#include "keydrivers.h"
#include "track.h"

#define RETENTION_MAX 60
#define RETENTION_MIN_AT_RISK 30    /* months shown need this many observed */
#define REPORT_MAX_WARNINGS 16

/* One row of the action list (one customer of the log). */
typedef struct cust_row {
    uint64_t idx;           /* id index in the log */
    int abc;                /* 0..2 = A..C */
    int loyalty;            /* LOY_CLASS_* or -1 (no answer) */
    int32_t score;          /* last score, INT32_MIN if none */
    double revenue;         /* revenue in the observation window */
    double p_alive, expected, clv;  /* NaN without a lifetime model */
    double value_alive;     /* value over the horizon if still active */
    double value_at_risk;   /* see customers.c */
    double priority;        /* value at risk a call can still save */
    int32_t action;         /* LOY_ACTION_* of the ABC x loyalty cell */
} cust_row;

typedef struct report_data {
    const char *survey_path, *purchases_path;
    const char *title, *currency;
    const char *customers_csv;      /* --customers-csv OUT */
    score_scale scale;
    nps_input nps_in;
    nps_data nps;
    int have_survey;
    log_input log_in;
    log_data log;
    seg_input seg_in;
    seg_data seg;
    int8_t *loyalty;        /* per log customer (idmap index), -1 none */
    int32_t *score;         /* per log customer, INT32_MIN none */
    /* the join */
    uint64_t respondents;           /* survey customers with an answer */
    uint64_t matched;               /* ... found in the log */
    uint64_t unmatched;             /* ... not found */
    uint64_t customers_no_answer;   /* log customers without an answer */
    loy_class_value class_value;
    int class_value_status;
    /* Retention: Kaplan-Meier estimate of the share of customers still
     * buying m months after their first purchase (lapsed = no purchase in
     * the last LAPSE_MONTHS months; the others are censored when their
     * observation ends), shown while RETENTION_MIN_AT_RISK are observed. */
    double ret_month[RETENTION_MAX + 1], ret_share[RETENTION_MAX + 1];
    uint64_t ret_base[RETENTION_MAX + 1];
    size_t ret_n;
    double total_revenue;
    /* Lifetime model and CLV; clv_status != 0 if it failed. */
    clv_input clv_in;
    clv_data clv;
    int clv_status;
    char clv_error[200];
    loy_silent_churn silent;
    int silent_status;
    /* sBG fitted to monthly tenures (lapsed after 3 months without a
     * purchase) and its survival curve next to the observed one. */
    double sbg[2];
    int sbg_status;
    double sbg_curve[RETENTION_MAX + 1];
    uint64_t sbg_churned, sbg_active;
    /* the action list, by priority */
    cust_row *cust;
    size_t n_cust;
    double clv_total, var_total;    /* sums over the action list */
    uint64_t at_risk_customers;     /* value at risk > 0 */
    /* key drivers (--drivers): rows kept while the survey is read */
    drivers_input drv_in;
    drivers_data drv;
    const char *drv_model;
    int have_drivers, drivers_status;
    /* consistency over units and time (on when the survey has a date and a
     * unit column, or with --track; the survey file is read again) */
    track_input trk_in;
    track_data trk;
    int have_track, track_forced, track_status;
    /* warnings for the reader, also printed on standard error */
    char *warnings[REPORT_MAX_WARNINGS];
    size_t n_warnings;
} report_data;

/* Add a warning (printf style); it goes to standard error at once. */
void report_warn(report_data *r, const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Build the action list (r->cust) from the analysis; 0 or -1 (memory). */
int customers_build(report_data *r);
/* Print it: the first `shown` rows (primary: in csv output too). */
void customers_print(out_w *o, const report_data *r, size_t shown, int primary);
/* Write it as CSV to path; 0 or an exit code. */
int customers_write_csv(const char *cmd, const char *path, const report_data *r);
/* Action text of a row (cell action, or a win-back when lapsing). */
const char *customer_action(const cust_row *c);

/* Write the self-contained HTML page. Returns 0 or -1 (write error). */
int html_report(FILE *fp, const report_data *r);

#endif
