/* SPDX-License-Identifier: MIT */
/*
 * limits.h - the limits of the lifetime-model families (internal): which
 * reduced models a fit tries when its maximum lies at the edge of the
 * parameter space, and how each embeds into its family (numeric/fitcore.h,
 * loyalty/btyd.h).
 */
#ifndef LOY_LIMITS_H
#define LOY_LIMITS_H

#include "numeric/fitcore.h"

/* Kind of a two-parameter mixing distribution. */
enum {
    LOY__MIX_GAMMA, /* (shape, rate): point mass at shape/rate, or at 0 */
    LOY__MIX_BETA   /* (a, b): point mass at a/(a+b), or at 0 */
};

/* Most limits of one family. */
#define LOY__MAX_LIMITS 5

/*
 * The limits of a model with two mixing distributions over params (0, 1)
 * (the purchase side, kind0) and (2, 3) (the dropout side, kind1): the
 * purchase side fixed, the dropout side fixed or absent, and their
 * combinations. Returns the number written to out (5).
 */
size_t loy__limits_two(loy__fit_limit *out, int kind0, int kind1);

/* The single limit of a one-distribution beta model (sBG): fixed dropout. */
size_t loy__limits_sbg(loy__fit_limit *out);

/* Gamma-Gamma (p, q, gamma): fixed spend scale (q, gamma -> inf) and fixed
 * spend per customer (p, gamma -> inf). Returns 2. */
size_t loy__limits_ggamma(loy__fit_limit *out);

#endif /* LOY_LIMITS_H */
