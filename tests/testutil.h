/* SPDX-License-Identifier: MIT */
/*
 * testutil.h - helpers shared by the cmocka suites.
 *
 * cmocka 1.1.5 (Debian) has no assert_double_equal and prints negative
 * status codes as huge unsigned numbers, hence these wrappers.
 */
#ifndef LOY_TESTUTIL_H
#define LOY_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "loyalty.h"

/* |a - b| <= abs_tol + rel_tol * |b|; NaN never passes. */
#define assert_close(a, b, rel_tol, abs_tol)                                \
    loy_test_assert_close((a), (b), (rel_tol), (abs_tol), #a, __FILE__, __LINE__)

static inline void
loy_test_assert_close(double a, double b, double rel, double abs_tol,
                      const char *expr, const char *file, int line)
{
    if (!(fabs(a - b) <= abs_tol + rel * fabs(b))) {
        print_error("%s = %.17g, expected %.17g (rel %.3g, abs %.3g)\n",
                    expr, a, b, rel, abs_tol);
        _fail(file, line);
    }
}

/* Status codes compared and printed as signed ints with their names. */
#define assert_status(got, want)                                            \
    loy_test_assert_status((got), (want), #got, __FILE__, __LINE__)

static inline void
loy_test_assert_status(int got, int want, const char *expr,
                       const char *file, int line)
{
    if (got != want) {
        print_error("%s returned %d (%s), expected %d (%s)\n", expr, got,
                    loy_error_name(got), want, loy_error_name(want));
        _fail(file, line);
    }
}

#define assert_ok(expr) assert_status((expr), LOY_OK)

/*
 * Path of a reference data file under ../shared/data, or NULL when the
 * folder is absent (tests then call skip()).
 */
static inline const char *
loy_test_data_path(const char *rel, char *buf, size_t len)
{
    FILE *f;
    snprintf(buf, len, "%s/%s", LOY_SHARED_DATA_DIR, rel);
    f = fopen(buf, "rb");
    if (f == NULL)
        return NULL;
    fclose(f);
    return buf;
}

/* Deterministic generator for simulations (splitmix64). */
typedef struct loy_test_rng {
    uint64_t s;
} loy_test_rng;

static inline uint64_t
loy_test_rng_next(loy_test_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static inline double
loy_test_rng_uniform(loy_test_rng *r)
{
    return ((double)(loy_test_rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

#endif /* LOY_TESTUTIL_H */
