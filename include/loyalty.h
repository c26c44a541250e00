/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty.h
 * @brief libloyalty: customer-loyalty analytics with a stable C ABI.
 *
 * This is the one header users include. It includes one header per module
 * (`include/loyalty/<module>.h`); anything not declared in them is not part
 * of the API, whatever the shared object happens to contain. The rules
 * every function follows are on the @ref conventions page; what a release
 * may change is on the @ref abi_policy page.
 */

/**
 * @page conventions API conventions
 *
 * These rules hold for every function of the library; individual comments
 * only mention deviations.
 *
 * - **Names.** Functions are `loy_<module>_<verb>`, types `loy_<name>`,
 *   macros and enumerators `LOY_<NAME>`.
 * - **Status codes.** Every function that can fail returns an `int`:
 *   #LOY_OK (0) on success or a negative `LOY_E*` code. Values are fixed
 *   forever and never reused. loy_strerror() and loy_error_name() name any
 *   value, including unknown ones. Results are never signalled through NaN:
 *   when a function fails, its documented outputs are either left untouched
 *   or, where stated, set to NaN *in addition to* the error code, and a
 *   function that returns #LOY_OK never returns NaN or an infinity unless
 *   its documentation says so.
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
 * - **Opaque handles** (where state is needed, e.g. the purchase-log
 *   builder) are created by a `_new` function that writes the handle
 *   through its first argument and released by `_free`, which accepts NULL.
 * - **Scales.** Shares and scores are fractions: NPS is in [-1, 1], CSAT in
 *   [0, 1]. Multiplying by 100 is for display only (variances then scale by
 *   10^4 and standard errors by 100).
 * - **Time.** Rates and model parameters refer to one period of the time
 *   unit the caller chose; the unit is never guessed.
 *
 * @section threading Threads, state and memory
 *
 * - The library has no global or static mutable state, does no I/O, never
 *   calls `setlocale`, reads no environment variable and does not depend
 *   on the locale.
 * - Every function is reentrant. Distinct objects can be used from
 *   distinct threads without locking, and const inputs (arrays, finished
 *   summaries, parameters) can be shared by any number of threads at once.
 * - An object that a call modifies (a tally being merged into, a builder
 *   being fed) must not be used by another thread during that call; the
 *   library takes no locks, so the caller serialises such calls.
 * - Working memory comes from `malloc` and is released before the call
 *   returns; there are no caches or pools. Objects handed to the caller
 *   (opaque handles) are released by their `_free` function. A function
 *   that cannot get the memory it needs returns #LOY_ENOMEM.
 */

/**
 * @page abi_policy ABI and versioning policy
 *
 * - The package version (#LOY_VERSION_MAJOR, #LOY_VERSION_MINOR,
 *   #LOY_VERSION_PATCH) follows semantic versioning; the ABI version
 *   (#LOY_ABI_VERSION, the SONAME `libloyalty.so.<ABI>`) is separate.
 *   loy_version_number(), loy_version_string() and loy_abi_version()
 *   report the library actually loaded.
 * - A minor release may add functions, constants, enumerators at new
 *   values, flag bits and fields at the end of growable structs (see
 *   @ref conventions). Each release that adds functions gets a new
 *   symbol-version node (`LOYALTY_1.1`, ...); released nodes are never
 *   edited. Every declaration says in `@since` which release added it.
 * - The SONAME changes only when something released is removed or changes
 *   its meaning, signature, size or layout, which this project avoids by
 *   adding new functions instead.
 * - Only the functions declared in these headers are exported (hidden
 *   visibility and a linker version script). The project's tests check
 *   that the headers, the version script and the exported symbols agree,
 *   and compare the ABI with the baseline of the last release (libabigail).
 * - Status codes are never renumbered or reused; a new code may be added
 *   in a minor release (#LOY_EOVERFLOW and #LOY_EFORMAT came with 1.1), so
 *   callers should treat any negative value as an error and name it with
 *   loy_error_name().
 */
#ifndef LOYALTY_H_7A41C2
#define LOYALTY_H_7A41C2

#include "loyalty/common.h"
#include "loyalty/stats.h"
#include "loyalty/nps.h"
#include "loyalty/clv.h"
#include "loyalty/btyd.h"
#include "loyalty/bgnbd.h"
#include "loyalty/pnbd.h"
#include "loyalty/bgbb.h"
#include "loyalty/segment.h"
#include "loyalty/churn.h"
#include "loyalty/drivers.h"
#include "loyalty/consistency.h"

#endif /* LOYALTY_H_7A41C2 */
