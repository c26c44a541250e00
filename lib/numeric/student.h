/* SPDX-License-Identifier: MIT */
/*
 * student.h - Student's t distribution (internal), for tests whose scale
 * is estimated (the quasi-binomial trend of the consistency module).
 */
#ifndef LOY_STUDENT_H
#define LOY_STUDENT_H

#include "core/internal.h"

/* Upper tail P(T > t) for df > 0 degrees of freedom, any real t. */
double loy__t_sf(double t, double df);

/* Two-sided critical value: P(|T| <= c) = level, level in (0, 1). */
double loy__t_crit(double level, double df);

#endif /* LOY_STUDENT_H */
