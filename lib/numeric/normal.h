/* SPDX-License-Identifier: MIT */
/*
 * normal.h - the standard normal distribution, shared by every module that
 * builds intervals or tests. Internal, never installed.
 */
#ifndef LOY_NORMAL_H
#define LOY_NORMAL_H

#include "core/internal.h"

/* Phi^-1(p) for p in (0, 1), unchecked (AS241). */
double loy__normal_quantile(double p);
/* Phi(x) and its complement 1 - Phi(x) without cancellation. */
double loy__normal_cdf(double x);
double loy__normal_sf(double x);
/* Two-sided critical value Phi^-1((1 + level)/2); checks the level:
 * NaN -> LOY_ENONFINITE, outside (0, 1) -> LOY_EDOMAIN. */
int loy__normal_crit(double *z, double level);

#endif /* LOY_NORMAL_H */
