/* SPDX-License-Identifier: MIT */
/*
 * patterns.h - compression of customer rows into weighted patterns
 * (internal). Lifetime-model likelihoods depend on a customer only through
 * a short tuple such as (x, t_x, T) or (x, t_x, n); summing the weights of
 * identical tuples makes fitting cost O(patterns) instead of O(customers).
 */
#ifndef LOY_PATTERNS_H
#define LOY_PATTERNS_H

#include "core/internal.h"

typedef struct loy__patterns {
    size_t n;   /* number of distinct patterns */
    double *x;  /* each array has n entries, sorted by (x, tx, T) */
    double *tx;
    double *T;
    double *w;  /* summed weights */
} loy__patterns;

/*
 * Build the distinct patterns of rows (x[i], tx[i], T[i]) with weights w[i]
 * (w may be NULL: weight 1 each). Rows with weight 0 are dropped. Inputs
 * must already be validated. Allocates; release with loy__patterns_free.
 * Returns LOY_OK or LOY_ENOMEM.
 */
int loy__patterns_build(loy__patterns *out, const double *x, const double *tx,
                        const double *T, const double *w, size_t n);

/*
 * Decide whether compressing n rows pays: samples the rows and estimates
 * the number of distinct patterns. Returns 1 to compress, 0 otherwise.
 */
int loy__patterns_worth_it(const double *x, const double *tx, const double *T,
                           size_t n);

void loy__patterns_free(loy__patterns *p);

#endif /* LOY_PATTERNS_H */
