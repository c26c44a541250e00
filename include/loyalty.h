/**
 * @file loyalty.h
 * @brief libloyalty: customer-loyalty analytics with a stable C ABI.
 *
 * This is the one public header of libloyalty. Anything not declared here is
 * not part of the API, whatever the shared object happens to contain.
 *
 * @section conventions API conventions
 *
 * These rules hold for every function in this header; individual comments
 * only mention deviations.
 *
 * - **Names.** Functions are `loy_<module>_<verb>`, types `loy_<name>`,
 *   macros and enumerators `LOY_<NAME>`.
 * - **Status codes.** Every function that can fail returns an `int`:
 *   #LOY_OK (0) on success or a negative `LOY_E*` code. Values are fixed
 *   forever and never reused. loy_strerror() and loy_error_name() name any
 *   value, including unknown ones. Results are never signalled through NaN:
 *   when a function fails, its documented outputs are either left untouched
 *   or, where stated, set to NaN *in addition to* the error code.
 * - **Outputs** come back through pointer parameters, which come first.
 *   Nothing a caller passes in is modified unless documented.
 * - **Arrays** are caller-owned: a pointer plus a `size_t` count. Output
 *   arrays are caller-allocated with a documented length. Where a function
 *   rejects one bad element of an array it reports the element's position
 *   through an optional `size_t *err_index` (pass NULL if not needed); on
 *   success and for errors not tied to an element it is set to #LOY_NO_INDEX.
 * - **Flags** are `uint32_t` bit sets; unknown bits are rejected with
 *   #LOY_EINVAL so that future versions can give them a meaning.
 * - **Types across the ABI** are fixed-width integers, `size_t` for counts,
 *   `double` for values, `int` for status codes and 0/1 truth values.
 *   There is no `bool`, `long`, `time_t`, varargs, callback, enum-typed
 *   parameter or struct passed by value. Enumerations document their values
 *   and are passed as `int` or `uint32_t`.
 * - **Growable structs.** Every public struct begins with
 *   `size_t struct_size`, which the caller sets to `sizeof` the struct it
 *   was compiled with (use the matching `LOY_*_INIT` macro or
 *   `loy_*_init()` function). The library reads and writes only the first
 *   `struct_size` bytes: a caller built against an older, shorter struct
 *   keeps working, and fields added later take their documented defaults.
 *   Fields are only ever appended; a `struct_size` smaller than the first
 *   released size is #LOY_EINVAL. Option structs are always optional: NULL
 *   means "all defaults".
 * - **State.** The library has no global or static mutable state, does no
 *   I/O, never calls `setlocale` and does not depend on the locale. Every
 *   function is reentrant; distinct objects can be used from distinct
 *   threads without locking, and const inputs can be shared by any number
 *   of threads. Opaque handles (where state is needed) are created by
 *   `_new` and released by `_free`, which accepts NULL.
 * - **Scales.** Shares and scores are fractions: NPS is in [-1, 1], CSAT in
 *   [0, 1]. Multiplying by 100 is for display only (variances then scale by
 *   10^4 and standard errors by 100).
 * - **Time.** Rates and model parameters refer to one period of the time
 *   unit the caller chose; the unit is never guessed.
 *
 * @section abi ABI policy
 *
 * The package version (LOY_VERSION_*) follows semantic versioning; the ABI
 * version (#LOY_ABI_VERSION, the SONAME `libloyalty.so.<ABI>`) is separate.
 * A minor release may add functions, enumerators at new values, flag bits
 * and fields at the end of structs; it gets a new symbol-version node. The
 * SONAME changes only when something released is removed or changes its
 * meaning, signature, size or layout.
 */
#ifndef LOYALTY_H_7A41C2
#define LOYALTY_H_7A41C2

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

/* ---------------------------------------------------------------------
 * Version. These macros are the single source of truth: CMake parses
 * them. LOY_ABI_VERSION is the SONAME major and moves independently.
 * ------------------------------------------------------------------- */
/** Major version of the package. @since 1.0 */
#define LOY_VERSION_MAJOR 1
/** Minor version of the package. @since 1.0 */
#define LOY_VERSION_MINOR 0
/** Patch version of the package. @since 1.0 */
#define LOY_VERSION_PATCH 0
/** Version as a string. @since 1.0 */
#define LOY_VERSION_STRING "1.0.0"
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

/* ===== BEGIN MODULE: stats (normal distribution) ===== */
/* ===== END MODULE: stats ===== */

/* ===== BEGIN MODULE: nps (NPS, CSAT, CES) ===== */
/* ===== END MODULE: nps ===== */

/* ===== BEGIN MODULE: clv (retention CLV, purchase-log summary) ===== */
/* ===== END MODULE: clv ===== */

/* ===== BEGIN MODULE: btyd (lifetime models: shared types) ===== */
/*
 * Shared by every fitted lifetime model (BG/NBD, Pareto/NBD, MBG/NBD, BG/BB,
 * Gamma-Gamma, sBG). Parameters travel as plain `double` arrays in the order
 * each model documents (e.g. BG/NBD: r, alpha, a, b). Customer data are
 * parallel arrays (x, t_x, T) in the caller's time unit, with optional
 * weights (how many customers share a row; NULL means 1 each).
 */

/** Largest number of parameters of any model; sizes loy_fit_report. @since 1.0 */
#define LOY_FIT_MAX_PARAMS 4

/** Fit flag: never compress identical rows into weighted patterns. @since 1.0 */
#define LOY_FIT_NO_COMPRESS 0x1u
/** Fit flag: always compress identical rows into weighted patterns
 *  (the default compresses when it pays). @since 1.0 */
#define LOY_FIT_COMPRESS 0x2u
/** Fit flag: skip the standard errors (saves one Hessian). @since 1.0 */
#define LOY_FIT_NO_SE 0x4u

/**
 * @brief Options of a maximum-likelihood fit. NULL means all defaults.
 *
 * The objective minimised is -(sum w_i ln L_i)/(sum w_i)
 * + penalty * sum(theta_k^2) over the natural parameters theta (the L2
 * penalty of the lifetimes package), by quasi-Newton (BFGS) on
 * log-parameters with an analytic or exact-derivative gradient.
 * @since 1.0
 */
typedef struct loy_fit_options {
    size_t struct_size;   /**< sizeof(loy_fit_options), see the conventions. */
    const double *start;  /**< Start point (natural parameters, model order)
                               or NULL for the model's default start. */
    double penalty;       /**< L2 penalty coefficient, >= 0; default 0. */
    double gtol;          /**< Convergence: max |gradient| of the objective
                               w.r.t. log-parameters; 0 means 1e-9. */
    uint32_t max_iter;    /**< Iteration cap; 0 means 500. */
    uint32_t flags;       /**< LOY_FIT_* flags. */
} loy_fit_options;

/** Static initialiser for loy_fit_options (all defaults). @since 1.0 */
#define LOY_FIT_OPTIONS_INIT {sizeof(loy_fit_options), NULL, 0.0, 0.0, 0u, 0u}

/**
 * @brief Convergence report and estimates of a fit.
 *
 * Set struct_size before the call (LOY_FIT_REPORT_INIT). On
 * #LOY_ENOCONV the report holds the best point found.
 * @since 1.0
 */
typedef struct loy_fit_report {
    size_t struct_size;   /**< sizeof(loy_fit_report), set by the caller. */
    int32_t status;       /**< LOY_OK or LOY_ENOCONV (same as returned). */
    uint32_t n_params;    /**< Number of parameters of the model. */
    double params[LOY_FIT_MAX_PARAMS]; /**< Estimates, model order. */
    double se[LOY_FIT_MAX_PARAMS];     /**< Standard errors from the observed
                               information (NaN if skipped or singular). */
    double cov[LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS]; /**< Covariance of
                               the natural parameters, row-major, n_params
                               wide; NaN if not available. */
    double loglik;        /**< Sample log-likelihood sum w_i ln L_i at the
                               estimate (without the penalty). */
    double grad_norm;     /**< Max |gradient| of the objective w.r.t.
                               log-parameters at the estimate. */
    double n_customers;   /**< Sum of weights used in the fit. */
    uint64_t n_rows;      /**< Rows (patterns) the likelihood ran over. */
    uint32_t iterations;  /**< Quasi-Newton iterations used. */
    uint32_t evaluations; /**< Objective evaluations used. */
} loy_fit_report;

/** Static initialiser for loy_fit_report. @since 1.0 */
#define LOY_FIT_REPORT_INIT {sizeof(loy_fit_report), 0, 0u, {0}, {0}, {0}, \
    0.0, 0.0, 0.0, 0u, 0u, 0u}

/**
 * @brief Initialise fit options to the defaults.
 * @param[out] opts options to fill; struct_size is set to sizeof.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.0
 */
LOY_API int loy_fit_options_init(loy_fit_options *opts);

/**
 * @brief Initialise a fit report (struct_size set, numbers zero/NaN).
 * @param[out] report report to fill.
 * @return LOY_OK, or LOY_EINVAL if report is NULL.
 * @since 1.0
 */
LOY_API int loy_fit_report_init(loy_fit_report *report);
/* ===== END MODULE: btyd ===== */

/* ===== BEGIN MODULE: bgnbd (BG/NBD, Gamma-Gamma, CLV per customer) ===== */
/* ===== END MODULE: bgnbd ===== */

/* ===== BEGIN MODULE: pnbd (Pareto/NBD, MBG/NBD) ===== */
/* ===== END MODULE: pnbd ===== */

/* ===== BEGIN MODULE: bgbb (BG/BB, sBG) ===== */
/* ===== END MODULE: bgbb ===== */

/* ===== BEGIN MODULE: abc (ABC and ABC x loyalty segmentation) ===== */
/* ===== END MODULE: abc ===== */

/* ===== BEGIN MODULE: churn (churn cost and loyalty economics) ===== */
/* ===== END MODULE: churn ===== */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_H_7A41C2 */
