/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/common.h
 * @brief Export macro, version macros and functions, status codes.
 *
 * Included by every module header. Users include <loyalty.h>.
 */
#ifndef LOYALTY_COMMON_H
#define LOYALTY_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Export macro. Hand-written, not generated: the ABI must not depend on
 * how the library was configured.
 * ------------------------------------------------------------------- */
#ifndef LOY_API
#  if defined(_WIN32) && !defined(LOY_STATIC)
#    ifdef LOY_BUILDING_DLL
#      define LOY_API __declspec(dllexport)
#    else
#      define LOY_API __declspec(dllimport)
#    endif
#  elif defined(__GNUC__) && __GNUC__ >= 4 && !defined(LOY_STATIC)
#    define LOY_API __attribute__((visibility("default")))
#  else
#    define LOY_API
#  endif
#endif

/**
 * @defgroup common Status codes and versions
 * @brief Version macros and functions, status codes and their names.
 *
 * Every fallible function returns one of the status codes below (see
 * @ref conventions). The version macros describe the header a program was
 * compiled with; loy_version_number() and loy_abi_version() describe the
 * library it loaded (see @ref abi_policy).
 * @{
 */

/* ---------------------------------------------------------------------
 * Version. These macros are the single source of truth: CMake parses
 * them. LOY_ABI_VERSION is the SONAME major and moves independently.
 * ------------------------------------------------------------------- */
/** Major version of the package. @since 1.0 */
#define LOY_VERSION_MAJOR 1
/** Minor version of the package. @since 1.0 */
#define LOY_VERSION_MINOR 1
/** Patch version of the package. @since 1.0 */
#define LOY_VERSION_PATCH 0
/** Version as a string. @since 1.0 */
#define LOY_VERSION_STRING "1.1.0"
/** Version as MAJOR*10000 + MINOR*100 + PATCH. @since 1.0 */
#define LOY_VERSION_NUMBER                                                  \
    (LOY_VERSION_MAJOR * 10000 + LOY_VERSION_MINOR * 100 + LOY_VERSION_PATCH)
/** True when the header is at least version a.b.c. @since 1.0 */
#define LOY_VERSION_CHECK(a, b, c)                                          \
    (LOY_VERSION_NUMBER >= ((a) * 10000 + (b) * 100 + (c)))
/** ABI version: the N of the SONAME libloyalty.so.N. @since 1.0 */
#define LOY_ABI_VERSION 1

/**
 * @brief Version number of the loaded library (LOY_VERSION_NUMBER).
 *
 * Compare with #LOY_VERSION_NUMBER to detect a header/library mismatch.
 * @return the version number, e.g. 10000 for 1.0.0.
 * @since 1.0
 */
LOY_API uint32_t loy_version_number(void);

/**
 * @brief Version string of the loaded library, e.g. "1.0.0".
 * @return a static, NUL-terminated string; never NULL.
 * @since 1.0
 */
LOY_API const char *loy_version_string(void);

/**
 * @brief ABI version of the loaded library (the SONAME major).
 *
 * Bindings check this at load time: a different value means the library is
 * incompatible with what they were written for.
 * @return #LOY_ABI_VERSION of the library as built.
 * @since 1.0
 */
LOY_API uint32_t loy_abi_version(void);

/* ---------------------------------------------------------------------
 * Status codes. Explicit values, never reused, never renumbered.
 * ------------------------------------------------------------------- */
/** Success. @since 1.0 */
#define LOY_OK 0
/** Invalid argument: NULL pointer, unknown flag, inconsistent lengths or
 *  options. @since 1.0 */
#define LOY_EINVAL (-1)
/** A value lies outside the allowed scale (e.g. a score of 11 on 0-10, a
 *  non-integer score, a negative amount or count). @since 1.0 */
#define LOY_ESCALE (-2)
/** NaN or infinite input. @since 1.0 */
#define LOY_ENONFINITE (-3)
/** Empty input: n = 0, zero total weight, no customers, zero total
 *  value. @since 1.0 */
#define LOY_EEMPTY (-4)
/** A parameter lies outside its domain (e.g. a level outside (0, 1), a
 *  retention rate with r >= 1 + i, q <= 1 for a population mean).
 *  @since 1.0 */
#define LOY_EDOMAIN (-5)
/** An iterative computation did not converge; outputs hold the best point
 *  found. @since 1.0 */
#define LOY_ENOCONV (-6)
/** Out of memory. @since 1.0 */
#define LOY_ENOMEM (-7)
/** A caller-supplied buffer is too small; the needed size is reported
 *  where the function documents it. @since 1.0 */
#define LOY_EBUFSIZE (-8)
/** Records out of order or duplicated where the function requires sorted
 *  or unique keys. @since 1.0 */
#define LOY_EORDER (-9)
/** The statistic is undefined for this data (e.g. zero variance where a
 *  test statistic needs a positive one). @since 1.0 */
#define LOY_EDEGENERATE (-10)
/** Records are inconsistent with each other (e.g. recency t_x > T, or
 *  t_x > 0 with x = 0). @since 1.0 */
#define LOY_EINCONSISTENT (-11)
/** A sum or count would overflow its type (e.g. more than 2^64 answers,
 *  or amounts whose total exceeds the largest double). @since 1.1 */
#define LOY_EOVERFLOW (-12)
/** Serialized bytes are malformed: wrong magic or object kind, an unknown
 *  format version, a truncated buffer or inconsistent contents.
 *  @since 1.1 */
#define LOY_EFORMAT (-13)

/** Value of an `err_index` output when no element is to blame. @since 1.0 */
#define LOY_NO_INDEX ((size_t)-1)

/**
 * @brief Human-readable description of a status code.
 * @param code any integer; unknown values are answered too.
 * @return a static, NUL-terminated English string; never NULL.
 * @since 1.0
 */
LOY_API const char *loy_strerror(int code);

/**
 * @brief Symbolic name of a status code, e.g. "LOY_EINVAL".
 * @param code any integer.
 * @return a static string; "LOY_EUNKNOWN" for values not defined here.
 * @since 1.0
 */
LOY_API const char *loy_error_name(int code);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_COMMON_H */
