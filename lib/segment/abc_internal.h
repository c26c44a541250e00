/* SPDX-License-Identifier: MIT */
/*
 * abc_internal.h - internals shared by abc.c, abc_select.c, abc_computed.c
 * and segment.c. Never installed.
 */
#ifndef LOY_ABC_INTERNAL_H
#define LOY_ABC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Sort key of a non-negative finite double: its IEEE bits. For such values
 * the unsigned integer order of the bits is the numeric order, so value
 * ranges become key ranges and histogram buckets on the high bits are
 * value intervals. Adding +0.0 turns -0.0 into +0.0.
 */
static inline uint64_t
loy__abc_key(double v)
{
    uint64_t k;
    v += 0.0;
    memcpy(&k, &v, sizeof k);
    return k;
}

static inline double
loy__abc_value(uint64_t k)
{
    double v;
    memcpy(&v, &k, sizeof v);
    return v;
}

/* Key one past the largest finite double: no value maps to it. */
#define LOY__ABC_KEY_INF UINT64_C(0x7FF0000000000000)

/*
 * What one threshold search looks for: the smallest value whose "rank
 * statistic" passes, where the statistic of a run of equal values v is
 * U (the weight ranked above the run) plus, under rule AFTER, the weight of
 * one customer of the run (v, or 1 under COUNT). It passes when
 * statistic <= limit (AFTER) or < limit (BEFORE).
 */
typedef struct loy__abc_target {
    double limit;   /* cut * total, moved by the equality tolerance */
    int before;     /* rule BEFORE */
    int count;      /* COUNT basis: every customer weighs 1 */
} loy__abc_target;

/* Level-1 histogram of the whole input: 2^16 buckets on the top key bits. */
#define LOY__ABC_TOP_SHIFT 48
#define LOY__ABC_TOP_BUCKETS ((size_t)1 << 16)

typedef struct loy__abc_hist {
    size_t *count;  /* customers per bucket */
    double *sum;    /* weight per bucket (compensated: sum + comp) */
    double *comp;
} loy__abc_hist;

int loy__abc_hist_alloc(loy__abc_hist *h);
void loy__abc_hist_free(loy__abc_hist *h);

/*
 * Smallest key passing `t` among `values` (n of them, already validated;
 * negatives are read as 0), given the level-1 histogram `h` of their keys
 * (weights per `t->count`). Returns LOY_OK and *tkey, where every key >= *tkey
 * passes and no smaller one does (*tkey = LOY__ABC_KEY_INF: none passes),
 * or LOY_ENOMEM.
 */
int loy__abc_select(uint64_t *tkey, const double *values, size_t n,
                    const loy__abc_hist *h, const loy__abc_target *t);

/*
 * Both thresholds of a small input (already validated) by sorting its keys:
 * below LOY__ABC_SMALL_N customers this beats the 2^16-bucket histogram.
 */
#define LOY__ABC_SMALL_N 2048
int loy__abc_select_small(uint64_t *ta, uint64_t *tb, const double *values,
                          size_t n, const loy__abc_target *a,
                          const loy__abc_target *b);

#endif /* LOY_ABC_INTERNAL_H */
