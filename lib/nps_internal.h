/*
 * nps_internal.h - internals shared by normal.c and the nps*.c / csat.c
 * files. Never installed.
 */
#ifndef LOY_NPS_INTERNAL_H
#define LOY_NPS_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Phi^-1(p) for p in (0, 1), unchecked (AS241). */
double loy__normal_quantile(double p);
/* Phi(x) and its complement 1 - Phi(x) without cancellation. */
double loy__normal_cdf(double x);
double loy__normal_sf(double x);
/* Two-sided critical value Phi^-1((1 + level)/2); checks the level:
 * NaN -> LOY_ENONFINITE, outside (0, 1) -> LOY_EDOMAIN. */
int loy__normal_crit(double *z, double level);

/* Breaks resolved to {lo, det_max, pas_max, hi}: NULL -> {0, 6, 8, 10};
 * inconsistent breaks -> LOY_EDOMAIN. */
int loy__nps_breaks(int32_t b[4], const int32_t *breaks);

/* Class code (0..2) of a valid score, or 3 for a score outside [lo, hi]. */
static inline int
loy__nps_class(int64_t s, const int32_t b[4])
{
    if (s < b[0] || s > b[3])
        return 3;
    return (s > b[1]) + (s > b[2]);
}

/*
 * Class of a double score: 0..2, 3 for out-of-scale or non-integer, 4 for
 * NaN or infinity. The range test comes before the conversion, so the cast
 * is always defined.
 */
static inline int
loy__nps_class_f64(double s, const int32_t b[4])
{
    if (!isfinite(s))
        return 4;
    if (!(s >= (double)b[0] && s <= (double)b[3]) || s != floor(s))
        return 3;
    return loy__nps_class((int64_t)s, b);
}

/* Clip an interval to [-bound, bound], flagging LOY_NPS_CLIPPED if it
 * reached outside. */
static inline void
loy__nps_clip(double *lower, double *upper, double bound, uint32_t *flags)
{
    if (*lower < -bound || *upper > bound)
        *flags |= LOY_NPS_CLIPPED;
    *lower = fmax(*lower, -bound);
    *upper = fmin(*upper, bound);
}

/* Check a growable struct argument: non-NULL and struct_size >= v1. */
#define LOY__STRUCT_OK(p, v1)                                               \
    ((p) != NULL && loy__struct_size_ok((p)->struct_size, (v1)))

#endif /* LOY_NPS_INTERNAL_H */
