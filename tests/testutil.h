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
#include <string.h>

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

/* ------------------------------------------------------------------
 * Tests that read the reference data in ../shared/data.
 *
 * A suite lists them with loy_data_test(f) instead of cmocka_unit_test(f)
 * and ends main with `return loy_run_tests(tests);`. CTest then runs the
 * suite twice (tests/CMakeLists.txt sees the loy_data_test entries):
 * `test_x --no-data` runs the tests that need nothing, `test_x --data`
 * the data tests, and returns LOY_TEST_SKIPPED (CTest's SKIP_RETURN_CODE)
 * when a file they asked for is absent, so CTest's summary lists them as
 * "Skipped" while the other tests of the suite still run and pass or
 * fail on their own. Run by hand without an argument, a suite runs
 * everything (data tests that miss their files report cmocka's SKIPPED).
 * ------------------------------------------------------------------ */

/* Return code of a data run that missed some of its files. */
#define LOY_TEST_SKIPPED 77

/* Prefix that marks a data test's name. */
#define LOY_DATA_TEST_PREFIX "data:"

#define loy_data_test(f) {LOY_DATA_TEST_PREFIX #f, f, NULL, NULL, NULL}
#define loy_data_test_setup_teardown(f, setup, teardown)                    \
    {LOY_DATA_TEST_PREFIX #f, f, setup, teardown, NULL}

/* Reference files asked for and not found since the program started. */
static unsigned loy_test_data_missing;

/*
 * Path of a reference data file under ../shared/data, or NULL when it is
 * absent (the test then calls skip(); the miss is counted for the
 * suite's return code).
 */
static inline const char *
loy_test_data_path(const char *rel, char *buf, size_t len)
{
    FILE *f;
    snprintf(buf, len, "%s/%s", LOY_SHARED_DATA_DIR, rel);
    f = fopen(buf, "rb");
    if (f == NULL) {
        loy_test_data_missing++;
        return NULL;
    }
    fclose(f);
    return buf;
}

#define loy_run_tests(tests)                                                \
    loy_test_main(argc, argv, (tests), sizeof(tests) / sizeof((tests)[0]))

/*
 * Runs all tests (no argument), the tests that need no reference data
 * (--no-data) or only the data tests (--data). Returns the number of
 * failed tests, 2 on a bad argument, or LOY_TEST_SKIPPED when a --data
 * run passed but missed reference files.
 */
static inline int
loy_test_main(int argc, char **argv, const struct CMUnitTest *tests, size_t n)
{
    enum { ALL, UNIT, DATA } mode = ALL;
    struct CMUnitTest *run;
    const char *group = "all tests";
    size_t i, k = 0;
    int failed;

    if (argc == 2 && strcmp(argv[1], "--data") == 0) {
        mode = DATA;
        group = "data tests";
    } else if (argc == 2 && strcmp(argv[1], "--no-data") == 0) {
        mode = UNIT;
        group = "tests without reference data";
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--data | --no-data]\n", argv[0]);
        return 2;
    }
    run = malloc((n > 0 ? n : 1) * sizeof *run);
    if (run == NULL)
        return 1;
    for (i = 0; i < n; i++) {
        int is_data = strncmp(tests[i].name, LOY_DATA_TEST_PREFIX,
                              sizeof LOY_DATA_TEST_PREFIX - 1) == 0;
        if (mode == ALL || is_data == (mode == DATA))
            run[k++] = tests[i];
    }
    failed = _cmocka_run_group_tests(group, run, k, NULL, NULL);
    free(run);
    if (failed == 0 && mode == DATA && loy_test_data_missing > 0) {
        printf("reference data absent (%u file(s) under %s): "
               "reported as skipped\n", loy_test_data_missing,
               LOY_SHARED_DATA_DIR);
        return LOY_TEST_SKIPPED;
    }
    return failed;
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
