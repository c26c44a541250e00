/* SPDX-License-Identifier: MIT */
/* test_core.c - version queries, status codes, shared fit structs. */
#include "testutil.h"
#include "core/internal.h"

#include <string.h>

static void
test_version(void **state)
{
    char buf[32];
    (void)state;
    assert_int_equal(loy_version_number(), LOY_VERSION_NUMBER);
    assert_string_equal(loy_version_string(), LOY_VERSION_STRING);
    assert_int_equal(loy_abi_version(), LOY_ABI_VERSION);
    snprintf(buf, sizeof buf, "%d.%d.%d", LOY_VERSION_MAJOR,
             LOY_VERSION_MINOR, LOY_VERSION_PATCH);
    assert_string_equal(loy_version_string(), buf);
    assert_true(LOY_VERSION_CHECK(1, 0, 0));
    assert_false(LOY_VERSION_CHECK(LOY_VERSION_MAJOR + 1, 0, 0));
}

static void
test_error_codes_are_pinned(void **state)
{
    (void)state;
    /* Released values: never change them. */
    assert_int_equal(LOY_OK, 0);
    assert_int_equal(LOY_EINVAL, -1);
    assert_int_equal(LOY_ESCALE, -2);
    assert_int_equal(LOY_ENONFINITE, -3);
    assert_int_equal(LOY_EEMPTY, -4);
    assert_int_equal(LOY_EDOMAIN, -5);
    assert_int_equal(LOY_ENOCONV, -6);
    assert_int_equal(LOY_ENOMEM, -7);
    assert_int_equal(LOY_EBUFSIZE, -8);
    assert_int_equal(LOY_EORDER, -9);
    assert_int_equal(LOY_EDEGENERATE, -10);
    assert_int_equal(LOY_EINCONSISTENT, -11);
    assert_int_equal(LOY_EOVERFLOW, -12);
    assert_int_equal(LOY_EFORMAT, -13);
}

static void
test_strerror_names_every_code(void **state)
{
    int code;
    (void)state;
    for (code = LOY_EFORMAT; code <= LOY_OK; code++) {
        const char *msg = loy_strerror(code);
        const char *name = loy_error_name(code);
        assert_non_null(msg);
        assert_non_null(name);
        assert_string_not_equal(msg, "unknown error");
        assert_int_equal(strncmp(name, "LOY_", 4), 0);
        assert_string_not_equal(name, "LOY_EUNKNOWN");
    }
    assert_string_equal(loy_strerror(LOY_EINVAL), "invalid argument");
    assert_string_equal(loy_error_name(LOY_EDOMAIN), "LOY_EDOMAIN");
    /* unknown values, including extremes, are answered */
    assert_string_equal(loy_strerror(-12345), "unknown error");
    assert_string_equal(loy_strerror(7), "unknown error");
    assert_string_equal(loy_strerror(INT32_MIN), "unknown error");
    assert_string_equal(loy_error_name(INT32_MAX), "LOY_EUNKNOWN");
}

static void
test_fit_structs(void **state)
{
    loy_fit_options o;
    loy_fit_report r;
    (void)state;
    memset(&o, 0x5a, sizeof o);
    memset(&r, 0x5a, sizeof r);
    /* the 1.0 functions write the 1.0 layout only: a caller built with
     * the 1.0 header has no room for more */
    assert_ok(loy_fit_options_init(&o));
    assert_int_equal(o.struct_size, offsetof(loy_fit_options, max_evals));
    assert_null(o.start);
    assert_true(o.penalty == 0.0 && o.max_iter == 0 && o.flags == 0);
    assert_int_equal(o.max_evals, 0x5a5a5a5au);
    assert_ok(loy_fit_report_init(&r));
    assert_int_equal(r.struct_size, offsetof(loy_fit_report, flags));
    assert_true(isnan(r.params[0]) && isnan(r.loglik));
    assert_int_equal(r.flags, 0x5a5a5a5au);
    assert_status(loy_fit_options_init(NULL), LOY_EINVAL);
    assert_status(loy_fit_report_init(NULL), LOY_EINVAL);
}

/* The growable-struct helpers write only what the caller's size covers. */
static void
test_struct_copy_out_respects_size(void **state)
{
    loy_fit_report full, shorter;
    (void)state;
    loy_fit_report_init(&full);
    full.loglik = -1.5;
    full.iterations = 7;
    memset(&shorter, 0x11, sizeof shorter);
    shorter.struct_size = offsetof(loy_fit_report, loglik);
    loy__struct_copy_out(&shorter, &full, sizeof full);
    assert_int_equal(shorter.struct_size, offsetof(loy_fit_report, loglik));
    assert_true(isnan(shorter.params[0]));
    /* bytes past the caller's size are untouched */
    assert_int_equal(shorter.iterations, 0x11111111u);
    assert_true(loy__struct_size_ok(sizeof full, sizeof full));
    assert_false(loy__struct_size_ok(sizeof full - 1, sizeof full));
}

static void
test_compensated_sum(void **state)
{
    loy__ksum k = {0.0, 0.0};
    int i;
    (void)state;
    loy__ksum_add(&k, 1e16);
    for (i = 0; i < 1000; i++)
        loy__ksum_add(&k, 1.0);
    loy__ksum_add(&k, -1e16);
    assert_close(loy__ksum_value(&k), 1000.0, 0.0, 0.0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_error_codes_are_pinned),
        cmocka_unit_test(test_strerror_names_every_code),
        cmocka_unit_test(test_fit_structs),
        cmocka_unit_test(test_struct_copy_out_respects_size),
        cmocka_unit_test(test_compensated_sum),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
