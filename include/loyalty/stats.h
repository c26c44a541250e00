/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/stats.h
 * @brief The standard normal distribution.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_STATS_H
#define LOYALTY_STATS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup stats The standard normal distribution
 * @brief The standard normal distribution.
 *
 * The standard normal distribution, computed (not tabulated) for any
 * argument: the CDF from erfc, the quantile by Wichura's algorithm AS241
 * (PPND16). Both are accurate to about 1e-15 relative (1e-12 promised;
 * for the CDF while the result is a normal double, i.e. x > -37.5).
 * @{
 */

/**
 * @brief Standard normal distribution function Phi(x) = P(Z <= x).
 *
 * Computed as erfc(-x/sqrt(2))/2, so the lower tail keeps full relative
 * accuracy far out (Phi(-30) is about 4.9e-198, not 0).
 * @param[out] out Phi(x), in [0, 1].
 * @param x any finite value.
 * @return LOY_OK; LOY_EINVAL if out is NULL; LOY_ENONFINITE if x is NaN or
 *         infinite.
 * @since 1.0
 */
LOY_API int loy_normal_cdf(double *out, double x);

/**
 * @brief Standard normal quantile Phi^-1(p).
 *
 * Wichura's AS241 (PPND16), relative accuracy about 1e-16. For a two-sided
 * interval at level L use p = (1 + L)/2, e.g. 0.975 gives 1.959963984540054.
 * @param[out] out the x with Phi(x) = p.
 * @param p probability, strictly inside (0, 1).
 * @return LOY_OK; LOY_EINVAL if out is NULL; LOY_ENONFINITE if p is NaN;
 *         LOY_EDOMAIN if p <= 0 or p >= 1.
 * @since 1.0
 */
LOY_API int loy_normal_quantile(double *out, double p);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_STATS_H */
