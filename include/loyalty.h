/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty.h
 * @brief libloyalty: customer-loyalty analytics with a stable C ABI.
 *
 * This is the one header users include. It includes one header per module
 * (include/loyalty/<module>.h); anything not declared in them is not part
 * of the API, whatever the shared object happens to contain.
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

#endif /* LOYALTY_H_7A41C2 */
