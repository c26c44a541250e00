/* SPDX-License-Identifier: MIT */
/*
 * fuzz_util.h - shared helpers of the libFuzzer harnesses (fuzz/fuzz_*.c).
 *
 * A harness turns the fuzzer's bytes into arguments with the fz_* readers
 * (which never fail: an exhausted input reads as zeros), calls the library
 * and checks the contract with FZ_CHECK, which aborts with a message so
 * that libFuzzer records the input as a finding. Not only "no crash": a
 * harness checks the status against the documented set, that no NaN or
 * infinity comes back with LOY_OK, that outputs are untouched where the
 * documentation says so (fz_poison / fz_untouched), and the invariants of
 * the function against a direct computation.
 */
#ifndef LOY_FUZZ_UTIL_H
#define LOY_FUZZ_UTIL_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty.h"

/* The entry point libFuzzer calls (declared for -Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when a contract check fails. */
#define FZ_CHECK(cond)                                                      \
    do {                                                                    \
        if (!(cond))                                                        \
            fz_fail(#cond, __FILE__, __LINE__);                             \
    } while (0)

/* The status must be `want`. */
#define FZ_STATUS(got, want)                                                \
    do {                                                                    \
        int fz_got_ = (got), fz_want_ = (want);                             \
        if (fz_got_ != fz_want_) {                                          \
            fprintf(stderr, "status %d (%s), expected %d (%s)\n", fz_got_,  \
                    loy_error_name(fz_got_), fz_want_,                      \
                    loy_error_name(fz_want_));                              \
            fz_fail(#got, __FILE__, __LINE__);                              \
        }                                                                   \
    } while (0)

static inline void
fz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: contract violated: %s\n", file, line, what);
    abort();
}

/* The bytes of one input, read front to back. */
typedef struct fz {
    const uint8_t *p;
    size_t n;
} fz;

static inline fz
fz_init(const uint8_t *data, size_t size)
{
    fz f;
    f.p = data;
    f.n = size;
    return f;
}

static inline size_t
fz_left(const fz *f)
{
    return f->n;
}

static inline uint8_t
fz_u8(fz *f)
{
    uint8_t v = 0;
    if (f->n > 0) {
        v = *f->p++;
        f->n--;
    }
    return v;
}

static inline uint16_t
fz_u16(fz *f)
{
    uint16_t lo = fz_u8(f);
    return (uint16_t)(lo | (uint16_t)(fz_u8(f) << 8));
}

static inline uint32_t
fz_u32(fz *f)
{
    uint32_t lo = fz_u16(f);
    return lo | ((uint32_t)fz_u16(f) << 16);
}

static inline uint64_t
fz_u64(fz *f)
{
    uint64_t lo = fz_u32(f);
    return lo | ((uint64_t)fz_u32(f) << 32);
}

/* A value in [lo, hi] (hi >= lo). */
static inline uint64_t
fz_range(fz *f, uint64_t lo, uint64_t hi)
{
    uint64_t span = hi - lo, v;
    if (span == 0)
        return lo;
    v = span < 256 ? fz_u8(f) : span < 65536 ? fz_u16(f)
        : span <= UINT32_MAX ? fz_u32(f) : fz_u64(f);
    return span == UINT64_MAX ? v : lo + v % (span + 1);
}

static inline int
fz_bool(fz *f)
{
    return fz_u8(f) & 1;
}

/*
 * A double, biased towards what breaks numerical code: one selector byte
 * picks a special value (zeros, NaN, infinities, denormals, the extremes,
 * values next to 0 and 1), a small integer, a short decimal fraction, or
 * eight raw bytes.
 */
static inline double
fz_double(fz *f)
{
    static const double special[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 10.0, 100.0,
        NAN, -NAN, INFINITY, -INFINITY,
        DBL_MIN, -DBL_MIN, 4.9406564584124654e-324, -4.9406564584124654e-324,
        DBL_MAX, -DBL_MAX, 1e308, 1e-308, 1e300, 1e-300, 1e200, 1e-200,
        1e13, 1e-13, 9007199254740992.0, 1.8446744073709552e19,
        1.0 - DBL_EPSILON, 1.0 + DBL_EPSILON, 1e-320, 0.99999999999999,
    };
    uint8_t sel = fz_u8(f);
    if (sel < 64)
        return special[sel % (sizeof special / sizeof special[0])];
    if (sel < 128)
        return (double)(int16_t)fz_u16(f);
    if (sel < 176)
        return (double)fz_u16(f) / 1000.0;
    {
        uint64_t bits = fz_u64(f);
        double v;
        memcpy(&v, &bits, sizeof v);
        return v;
    }
}

/* A double that is finite (specials and raw bits mapped to finite ones). */
static inline double
fz_finite(fz *f)
{
    double v = fz_double(f);
    return isfinite(v) ? v : 0.0;
}

/* A count, biased towards 0, small values and the edges of uint64. */
static inline uint64_t
fz_count(fz *f)
{
    uint8_t sel = fz_u8(f);
    switch (sel >> 5) {
    case 0: return sel & 31u;
    case 1: return fz_u8(f);
    case 2: return fz_u16(f);
    case 3: return fz_u32(f);
    case 4: return UINT64_MAX - (sel & 31u);
    case 5: return ((uint64_t)1 << (sel & 63u)) + (uint64_t)(int8_t)fz_u8(f);
    default: return fz_u64(f);
    }
}

/* True if every value is finite. */
static inline int
fz_all_finite(const double *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Fill an output with a recognisable pattern before a call ... */
#define FZ_POISON 0xA5

static inline void
fz_poison(void *p, size_t n)
{
    memset(p, FZ_POISON, n);
}

/* ... and check afterwards that nothing was written. */
static inline int
fz_untouched(const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (b[i] != FZ_POISON)
            return 0;
    return 1;
}

/* Relative closeness with an absolute floor; NaN never passes. */
static inline int
fz_close(double a, double b, double rel, double abs_tol)
{
    return fabs(a - b) <= abs_tol + rel * fmax(fabs(a), fabs(b));
}

/* The status is one of the n codes listed. */
static inline int
fz_status_in(int rc, const int *codes, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (rc == codes[i])
            return 1;
    return 0;
}

#define FZ_STATUS_IN(rc, ...)                                               \
    do {                                                                    \
        static const int fz_codes_[] = {__VA_ARGS__};                       \
        if (!fz_status_in((rc), fz_codes_,                                  \
                          sizeof fz_codes_ / sizeof fz_codes_[0])) {        \
            fprintf(stderr, "unexpected status %d (%s)\n", (rc),            \
                    loy_error_name(rc));                                    \
            fz_fail(#rc " in {" #__VA_ARGS__ "}", __FILE__, __LINE__);      \
        }                                                                   \
    } while (0)

#endif /* LOY_FUZZ_UTIL_H */
