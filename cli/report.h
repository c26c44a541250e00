/* SPDX-License-Identifier: MIT */
/*
 * report.h - `loyalty report`: the combined analysis and its HTML page.
 */
#ifndef LOYCLI_REPORT_H
#define LOYCLI_REPORT_H

#include <stdio.h>

#include "analysis.h"

#define RETENTION_MAX 60

typedef struct report_data {
    const char *survey_path, *purchases_path;
    nps_input nps_in;
    nps_data nps;
    log_input log_in;
    log_data log;
    seg_input seg_in;
    seg_data seg;
    int8_t *loyalty;        /* per log customer (idmap index), -1 none */
    uint64_t matched;       /* log customers with a survey score */
    loy_class_value class_value;
    int class_value_status;
    /* Retention: share of customers still buying m months after their
     * first purchase, among those observed for m months. */
    double ret_month[RETENTION_MAX + 1], ret_share[RETENTION_MAX + 1];
    uint64_t ret_base[RETENTION_MAX + 1];
    size_t ret_n;
    double total_revenue;
    /* Lifetime model (Pareto/NBD) and CLV; clv_status != 0 if it failed. */
    clv_input clv_in;
    clv_data clv;
    int clv_status;
    loy_silent_churn silent;
    int silent_status;
    /* sBG fitted to monthly tenures (lapsed after 3 months without a
     * purchase) and its survival curve next to the observed one. */
    double sbg[2];
    int sbg_status;
    double sbg_curve[RETENTION_MAX + 1];
    uint64_t sbg_churned, sbg_active;
} report_data;

/* Write the self-contained HTML page. Returns 0 or -1 (write error). */
int html_report(FILE *fp, const report_data *r);

#endif
