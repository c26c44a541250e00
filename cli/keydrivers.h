/* SPDX-License-Identifier: MIT */
/*
 * keydrivers.h - key-driver analysis of a survey (`loyalty drivers` and
 * the report's section).
 */
#ifndef LOYCLI_KEYDRIVERS_H
#define LOYCLI_KEYDRIVERS_H

#include "analysis.h"

typedef struct drivers_input {
    const char *drivers;    /* --drivers A,B,C */
    const char *outcome;    /* outcome column */
    const char *weight_col;
    uint32_t model;         /* LOY_DRIVERS_MODEL_* */
    const int32_t *breaks;  /* NPS classes of the outcome, or NULL */
    int32_t scale_lo, scale_hi; /* the drivers' scale (lo < hi), else guessed */
    int pairwise, prca;
    unsigned bootstrap;
    double level;
} drivers_input;

typedef struct drivers_data {
    size_t p;               /* drivers */
    long *col;              /* [0] outcome, [1..p] drivers (file columns) */
    long wcol;              /* weight column or -1 */
    char **names;           /* driver names (copies) */
    double *z, *w;          /* rows: outcome, drivers (row-major); weights */
    size_t n, cap;
    int32_t lo, hi;         /* rating scale of the drivers */
    uint32_t model;
    loy_drivers_result *res, *prca;
    loy_drivers_summary summary;
    double *share, *rw_share, *beta_std, *pvalue, *lower, *upper;
    double *performance, *top_box, *opportunity;
    int32_t *quadrant, *kano;
    int have_ci, prca_failed;
} drivers_data;

/* Find the columns of the analysis in r; 0 or -1 (reported). */
int drivers_columns(const char *cmd, const csv_reader *r, const drivers_input *in,
                    drivers_data *d);
/* Keep the current row; 0 (kept or reported bad) or -1 (memory). */
int drivers_row(const csv_reader *r, badrows *b, drivers_data *d);
/* Run the analysis on the rows kept; 0 or an exit code (reported). */
int drivers_analyse(const char *cmd, drivers_data *d, const drivers_input *in);
void drivers_print(out_w *o, const drivers_data *d, const drivers_input *in);
void drivers_order(const drivers_data *d, size_t *order);
const char *drivers_model_name(uint32_t model);
int drivers_parse_model(const char *cmd, const char *s, uint32_t *model);
void drivers_data_free(drivers_data *d);

#endif
