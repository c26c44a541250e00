/* SPDX-License-Identifier: MIT */
/*
 * segment_internal.h - internals shared by segment.c (the crossing's API,
 * checks and summaries) and segment_fast.c (its vectorised pass). Never
 * installed.
 */
#ifndef LOY_SEGMENT_INTERNAL_H
#define LOY_SEGMENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"

#define LOY__SEG_CELLS LOY_SEGMENT_CELLS
/* Raw-score scales up to this many points are classified by table. */
#define LOY__SEG_TABLE_MAX 4096
#define LOY__SEG_BAD_COLUMN 255u
/*
 * Customers per block: short enough for plain addition inside a block to
 * be exact to a few ulp (blocks are then combined with compensation), and
 * the unit in which a block the fast pass declines is redone carefully.
 */
#define LOY__SEG_BLOCK 4096

/* Loyalty code or raw score -> column, by table when the scale allows. */
typedef struct loy__seg_map {
    int64_t base;          /* code of table[0] */
    uint64_t size;         /* table entries; 0: classify one by one */
    const int32_t *breaks; /* raw scores on a huge scale */
    int codes;             /* loyalty codes, not raw scores */
    uint8_t table[LOY__SEG_TABLE_MAX];
} loy__seg_map;

/* Column of a code through the map's table (size > 0); BAD if off it. */
static inline uint8_t
loy__seg_table_column(const loy__seg_map *m, int32_t code)
{
    uint64_t u = (uint64_t)((int64_t)code - m->base);
    return u < m->size ? m->table[u] : (uint8_t)LOY__SEG_BAD_COLUMN;
}

/* Potential level 0/1 of a finite potential: the upper level is
 * potential >= threshold, or share of wallet < threshold. */
static inline unsigned
loy__seg_level(double p, double threshold, int sow)
{
    return sow ? (unsigned)(p < threshold) : (unsigned)(p >= threshold);
}

/*
 * The per-customer arrays and options of one crossing, copied into a local
 * by each pass: a store to the uint8_t cells array may alias any object,
 * so fields reached through pointers would be reloaded after every store.
 */
typedef struct loy__seg_arrays {
    const double *value, *potential, *ltv, *churn;
    const uint8_t *vclass;
    const int32_t *loyalty;
    double threshold;
    int sow, clamp;
} loy__seg_arrays;

/* Plain sums of one block, by cell. risk: value x churn probability. */
typedef struct loy__seg_sums {
    uint64_t count[LOY__SEG_CELLS];
    double value[LOY__SEG_CELLS];
    double ltv[LOY__SEG_CELLS];
    double risk[LOY__SEG_CELLS];
} loy__seg_sums;

/*
 * The fast pass over customers [lo, hi) (at most one block): returns 1 and
 * fills *out (and cells[lo..hi) when cells is not NULL) if every customer
 * of the block is valid and needs no clamping; returns 0 otherwise, having
 * written nothing, and the block must be redone by the careful pass, which
 * also finds and names the first bad customer. Also returns 0 where no
 * vector unit is available, or for raw scores on a scale too wide for a
 * table.
 */
/* The sums of a crossing (compensated across blocks): all its results
 * follow from them. risk: passives' value x churn probability, by value
 * class. */
typedef struct loy__seg_acc {
    uint64_t count[LOY__SEG_CELLS];
    loy__ksum value[LOY__SEG_CELLS];
    loy__ksum ltv[LOY__SEG_CELLS];
    loy__ksum risk[3];
} loy__seg_acc;

/* What the summary needs besides the sums. */
typedef struct loy__seg_opts {
    uint64_t n;         /* customers */
    int with_potential; /* the grid is split by potential */
    int has_ltv;        /* lifetime values were supplied */
    uint32_t small_n;   /* 0: 30 */
    uint32_t nps_method;
    double nps_level;   /* in (0, 1) */
} loy__seg_opts;

/*
 * Check a crossing's input (nps_level already defaulted) and accumulate
 * its sums into *acc (zeroed first); cells as loy_segment_cross().
 */
int loy__seg_cross(loy__seg_acc *acc, uint8_t *cells,
                   const loy_segment_input *in, size_t *err_index);

/* The result from the sums (LOY_EEMPTY for a zero total value). */
int loy__seg_summarise(loy_segment_result *out, const loy__seg_acc *acc,
                       const loy__seg_opts *o);

int loy__seg_fast_block(loy__seg_sums *out, uint8_t *cells,
                        const loy__seg_arrays *a, const loy__seg_map *map,
                        size_t lo, size_t hi);

#endif
