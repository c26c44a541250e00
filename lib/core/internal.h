/* SPDX-License-Identifier: MIT */
/*
 * internal.h - helpers shared by the library's translation units.
 *
 * Never installed. Functions shared across files are named loy__<name>
 * (double underscore) and have hidden visibility like everything not marked
 * LOY_API.
 */
#ifndef LOY_INTERNAL_H
#define LOY_INTERNAL_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "loyalty.h"

/* Return `code` from the enclosing function when `cond` is false. */
#define LOY__REQUIRE(cond, code)                                            \
    do {                                                                    \
        if (!(cond))                                                        \
            return (code);                                                  \
    } while (0)

/* Return `rc` from the enclosing function when it is an error. */
#define LOY__TRY(expr)                                                      \
    do {                                                                    \
        int loy__rc_ = (expr);                                              \
        if (loy__rc_ != LOY_OK)                                             \
            return loy__rc_;                                                \
    } while (0)

static inline int
loy__finite(double v)
{
    return isfinite(v) != 0;
}

/* A value that must be finite (else LOY_ENONFINITE) and within [lo, hi]
 * (else LOY_ESCALE). */
static inline int
loy__check_range(double v, double lo, double hi)
{
    if (!loy__finite(v))
        return LOY_ENONFINITE;
    return (v >= lo && v <= hi) ? LOY_OK : LOY_ESCALE;
}

/*
 * A customer's value or revenue: finite and >= 0, or, when clamp is set,
 * finite and negative, which is then counted as 0 (*v set to 0, and
 * *n_clamped counted when not NULL). Returns LOY_OK, LOY_ENONFINITE or
 * LOY_ESCALE. The common case costs one pair of comparisons (-0.0 passes
 * as it is).
 */
static inline int
loy__value_or_clamp(double *v, int clamp, uint64_t *n_clamped)
{
    if (*v >= 0.0 && *v <= DBL_MAX)
        return LOY_OK;
    if (!loy__finite(*v))
        return LOY_ENONFINITE;
    if (!clamp)
        return LOY_ESCALE;
    *v = 0.0;
    if (n_clamped != NULL)
        ++*n_clamped;
    return LOY_OK;
}

/* Write an optional err_index output. */
static inline void
loy__set_index(size_t *err_index, size_t i)
{
    if (err_index != NULL)
        *err_index = i;
}

/*
 * Growable-struct support (see "Growable structs" in loyalty.h).
 *
 * loy__struct_size_ok: a caller's struct_size is acceptable when it covers at
 * least the first released layout (v1_size). A larger size than we know is
 * fine too: it comes from a newer header, and we touch only what we know.
 */
static inline int
loy__struct_size_ok(size_t struct_size, size_t v1_size)
{
    return struct_size >= v1_size;
}

/* Check a growable struct argument: non-NULL and struct_size >= v1. */
#define LOY__STRUCT_OK(p, v1)                                               \
    ((p) != NULL && loy__struct_size_ok((p)->struct_size, (v1)))

/*
 * Copy a fully filled result `src` (of our size `ours`) into the caller's
 * struct `dst`, whose first member is its size_t struct_size. Only the bytes
 * the caller knows about are written, and struct_size is preserved.
 */
static inline void
loy__struct_copy_out(void *dst, const void *src, size_t ours)
{
    size_t theirs;
    memcpy(&theirs, dst, sizeof theirs);
    memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
           (theirs < ours ? theirs : ours) - sizeof(size_t));
}

/*
 * Read a caller's option struct into a default-initialised full copy `dst`
 * (of our size `ours`): fields beyond the caller's struct_size keep their
 * defaults.
 */
static inline void
loy__struct_copy_in(void *dst, const void *src, size_t ours)
{
    size_t theirs;
    memcpy(&theirs, src, sizeof theirs);
    memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
           (theirs < ours ? theirs : ours) - sizeof(size_t));
}

/* Neumaier compensated summation: exact-enough totals for large arrays. */
typedef struct loy__ksum {
    double sum;
    double c;
} loy__ksum;

static inline void
loy__ksum_add(loy__ksum *k, double v)
{
    double t = k->sum + v;
    if (fabs(k->sum) >= fabs(v))
        k->c += (k->sum - t) + v;
    else
        k->c += (v - t) + k->sum;
    k->sum = t;
}

static inline double
loy__ksum_value(const loy__ksum *k)
{
    return k->sum + k->c;
}

/*
 * The vector paths of the row kernels that have several (the baseline
 * build, AVX2 and AVX-512, chosen at run time by the CPU). Each such
 * kernel has a loy__*_lanes function that runs one path by name, so that
 * tests can compare the paths' results on any CPU that has them.
 */
#define LOY__VPATH_BASE 0
#define LOY__VPATH_AVX2 1
#define LOY__VPATH_AVX512 2

/* Whether this CPU runs vector path `path`: AVX2, or AVX-512 F and DQ, on
 * x86 with GCC or Clang; the baseline everywhere. */
static inline int
loy__vpath_cpu(int path)
{
#if (defined(__GNUC__) || defined(__clang__))                              \
    && (defined(__x86_64__) || defined(__i386__))
    if (path == LOY__VPATH_AVX512)
        return __builtin_cpu_supports("avx512f")
               && __builtin_cpu_supports("avx512dq");
    if (path == LOY__VPATH_AVX2)
        return __builtin_cpu_supports("avx2");
#endif
    return path == LOY__VPATH_BASE;
}

#endif /* LOY_INTERNAL_H */
