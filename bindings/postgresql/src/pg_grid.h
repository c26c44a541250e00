/* SPDX-License-Identifier: MIT */
/*
 * pg_grid.h - the units x periods tally grid of the consistency functions
 * (funnel, charts, change, top-box trend), built from parallel SQL arrays
 * of rows: units text[], periods anyarray (optional), tallies nps_tally[].
 *
 * Rows may come in any order. Units are numbered in order of first
 * appearance, periods by their type's default ordering (every distinct
 * period of any unit is a point of the time axis); rows of the same unit
 * and period are merged (tallies add), and a NULL tally is a row with no
 * answers, so a unit without a row in some period, or with a NULL tally,
 * has a gap there.
 */
#ifndef LOYALTY_PG_GRID_H
#define LOYALTY_PG_GRID_H

#include "loyalty_pg.h"

#include <math.h>

typedef struct LoyGrid {
    int n_units;
    int n_periods;     /* 1 when no periods were given */
    Datum *units;      /* text datum of unit u */
    Datum *periods;    /* datum of period t (NULL without periods) */
    Oid period_type;
    int16 period_len;
    bool period_byval;
    uint64_t *counts;  /* (D, A, P) of unit u, period t at (u*T + t)*3 */
} LoyGrid;

/*
 * Build the grid; periods may be NULL (one period). Errors (SQL): arrays
 * of different lengths, empty arrays, NULL units or periods, a period type
 * without an ordering, merged counts beyond 2^64 - 1, a grid too large.
 */
void loy_grid_build(LoyGrid *g, ArrayType *units, ArrayType *periods,
                    ArrayType *tallies, Oid collation, const char *what);

/* n = D + A + P of a tally of the grid (checked by the builder). */
static inline uint64_t
loy_grid_n(const LoyGrid *g, size_t i)
{
    const uint64_t *c = g->counts + 3 * i;
    return c[0] + c[1] + c[2];
}

/* The text of unit u and of period t, for messages (palloc'd). */
char *loy_grid_unit_text(const LoyGrid *g, int u);
char *loy_grid_period_text(const LoyGrid *g, int t);

/* Bit names of a flag word. */
typedef struct LoyFlagName {
    uint32_t bit;
    const char *name;
} LoyFlagName;

/* The names of the set bits of `flags` as a text[] (an empty array when
 * none is set). */
Datum loy_pg_flag_names(uint32_t flags, const LoyFlagName *names, int n);

/* A float8 column value: NULL for the NaN the caller pre-filled for
 * values the library does not write. */
static inline Datum
loy_pg_f8_or_null(double v, bool *isnull)
{
    *isnull = isnan(v);
    return Float8GetDatum(v);
}

/* Option helpers: an ERROR naming the option (22004 for NULL, the
 * library's SQLSTATE for NaN and domain errors). */
double loy_pg_opt_f8(FunctionCallInfo fcinfo, int argno, const char *what,
                     const char *name);
/* lo < v < hi (open) or lo <= v (hi_inf) checks as the library's */
void loy_pg_opt_range(double v, double lo, double hi, bool lo_open,
                      bool hi_open, const char *what, const char *name);

/* Fixed target shares from two optional arguments: false when both are
 * NULL (pooled/baseline target), an error when only one is given. */
bool loy_pg_target_shares(FunctionCallInfo fcinfo, int argno, double *p0,
                          double *d0, const char *what);

#endif /* LOYALTY_PG_GRID_H */
