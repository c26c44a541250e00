/* SPDX-License-Identifier: MIT */
/*
 * nps_internal.h - internals shared by the nps*.c and csat.c files.
 * Never installed.
 */
#ifndef LOY_NPS_INTERNAL_H
#define LOY_NPS_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include "numeric/normal.h"

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

/*
 * le[k] += #(s[i] <= t[k]) over n bytes (n a multiple of 64, t[k] in
 * 0..254) on one vector path (core/internal.h's LOY__VPATH_*: generic
 * vectors on the baseline, or AVX2): 1, or 0 without counting when the
 * build or the CPU lacks the path (for tests, which compare the paths;
 * the tally takes the widest).
 */
int loy__nps_count_le_lanes(int path, uint64_t le[4], const uint8_t *s,
                            size_t n, const int t[4]);

#endif /* LOY_NPS_INTERNAL_H */
