/* SPDX-License-Identifier: MIT */
/*
 * ddb_grid.h - shared machinery of the DuckDB consistency functions
 * (ddb_consistency.c): the units x periods tally grid built from LIST
 * arguments, key=value options, list-of-struct results, and a per-row
 * driver whose scratch blocks are freed together (also on error).
 *
 * Rows of one unit (and period) merge (tallies add); a NULL tally is a row
 * without answers. Units keep their order of first appearance; the period
 * axis is every distinct period, ascending.
 */
#ifndef LOYALTY_DDB_GRID_H
#define LOYALTY_DDB_GRID_H

#include "ddb_internal.h"

/* Period types: none (funnels), BIGINT, DATE, VARCHAR. */
enum { DDB_PER_NONE, DDB_PER_I64, DDB_PER_DATE, DDB_PER_STR };

typedef struct DdbKey {
    const char *s;  /* unit or VARCHAR period bytes (not owned) */
    size_t len;
    int64_t k;      /* integer period (days for DATE) */
    uint32_t row;   /* list position */
} DdbKey;

typedef struct DdbGrid {
    size_t n_units, n_periods, n_rows;
    DdbKey *unit;     /* a row of unit u (its first) */
    DdbKey *period;   /* a row of period t */
    uint64_t *counts; /* (D, A, P) of unit u, period t at (u*T + t)*3 */
} DdbGrid;

/* The LIST vectors of a call: units, periods (or NULL), tallies. */
typedef struct DdbLists {
    duckdb_vector uv, pv, tv;
    int ptype;
} DdbLists;

void ddb_lists_of(duckdb_data_chunk in, DdbLists *L, int periods);
/* 1 when one of the first nlists arguments of row i is NULL */
int ddb_lists_null(duckdb_data_chunk in, idx_t i, idx_t nlists);

/* The grid of row i; 0, or -1 with the error set (nothing to free). */
int ddb_grid_build(duckdb_function_info info, const DdbLists *L, idx_t i,
                   DdbGrid *g, const char *what);
void ddb_grid_free(DdbGrid *g);
uint64_t ddb_grid_n(const DdbGrid *g, size_t i);

/* ---- options: one VARCHAR of key=value words ---- */
typedef struct DdbOpt {
    const char *name;
    double v;
    int set;
} DdbOpt;

/* Parse into numeric options, one word option (word_key=value copied
 * into word) and one flag (a bare key); 0, or -1 with the error set. */
int ddb_parse_options(duckdb_function_info info, const char *s, size_t len,
                      DdbOpt *opts, int nopt, const char *word_key,
                      char *word, size_t word_cap, const char *flag_key,
                      int *flag, const char *what);
/* 0 when v lies in the range, else -1 with an error naming it */
int ddb_in_range(duckdb_function_info info, const char *what,
                 const char *name, double v, double lo, double hi,
                 int lo_open, int hi_open);
/* the VARCHAR argument argno of row i (NULL when absent or NULL) */
const char *ddb_options_of(duckdb_data_chunk in, idx_t argno, idx_t i,
                           size_t *len);
/* the DOUBLE argument argno of row i (dflt when absent or NULL) */
double ddb_dbl(duckdb_data_chunk in, idx_t argno, idx_t i, double dflt);
/* a fixed target from both shares (or none); 0 or -1 */
int ddb_target_opts(duckdb_function_info info, const DdbOpt *p,
                    const DdbOpt *d, int *fixed, const char *what);

/* ---- results ---- */
typedef struct DdbFlag {
    uint32_t bit;
    const char *name;
} DdbFlag;

void ddb_put_flags(duckdb_vector sv, idx_t k, idx_t row, uint32_t flags,
                   const DdbFlag *names, int n);
/* a DOUBLE field, NULL for NaN (what the library did not write) */
void ddb_put_f64n(duckdb_vector sv, idx_t k, idx_t row, double x);
void ddb_put_period(duckdb_vector sv, idx_t k, idx_t row, const DdbKey *p,
                    int ptype);
duckdb_type ddb_period_type(int ptype);
duckdb_logical_type ddb_list_of_struct(idx_t n, const char *const *names,
                                       duckdb_logical_type *types);
double *ddb_nan_block(size_t n);

/* ---- per-row driver ---- */
#define DDB_JOB_BLOCKS 8

typedef struct DdbJob {
    duckdb_function_info info;
    duckdb_data_chunk in;
    idx_t row;
    const char *what;
    DdbLists L;
    DdbGrid g;
    void *blk[DDB_JOB_BLOCKS];
    int nblk;
    /* results of the function's computation */
    double *v, *uv;
    uint32_t *codes;
    size_t *idx;
    size_t lag;
    loy_funnel_result fit;
} DdbJob;

/* Scratch freed after the row (NULL with the error set). */
void *ddb_job_alloc(DdbJob *j, size_t bytes);
double *ddb_job_nan(DdbJob *j, size_t n);
size_t *ddb_job_index(DdbJob *j, size_t n);

/* Compute on j->g: the number of result rows, or -1 with the error set. */
typedef long long (*DdbCompute)(DdbJob *j);
/* Write the result rows at off.. of the struct vector sv. */
typedef void (*DdbEmit)(DdbJob *j, duckdb_vector sv, idx_t off);
/* Write the STRUCT result of row i. */
typedef void (*DdbPut)(DdbJob *j, duckdb_vector out, idx_t i);

/* Scalar functions over LISTs: NULL for a NULL list among the first
 * nlists arguments, else the grid, compute, a LIST of STRUCTs (or one
 * STRUCT). */
void ddb_list_rows(duckdb_function_info info, duckdb_data_chunk in,
                   duckdb_vector out, idx_t nlists, int periods,
                   const char *what, DdbCompute compute, DdbEmit emit);
void ddb_struct_rows(duckdb_function_info info, duckdb_data_chunk in,
                     duckdb_vector out, idx_t nlists, int periods,
                     const char *what, DdbCompute compute, DdbPut put);

#endif
