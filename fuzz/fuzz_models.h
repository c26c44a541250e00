/* SPDX-License-Identifier: MIT */
/*
 * fuzz_models.h - shared by the lifetime-model harnesses (fuzz_btyd*.c,
 * fuzz_bgbb.c, fuzz_spend.c): a reader of doubles from the fuzzer's bytes
 * and the contract checks every model function must pass.
 *
 * Doubles come in two flavours chosen by a tag byte: raw 8-byte patterns
 * (NaN, infinities, denormals, anything) or "plausible" values
 * +-2^(e/8) * m, so that the fuzzer also spends time inside the domain,
 * where the numerical edge cases live.
 */
#ifndef LOY_FUZZ_MODELS_H
#define LOY_FUZZ_MODELS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty.h"

typedef struct fz {
    const uint8_t *p;
    size_t n;
} fz;

static inline uint8_t
fz_byte(fz *f)
{
    uint8_t b = 0;
    if (f->n > 0) {
        b = *f->p++;
        f->n--;
    }
    return b;
}

static inline double
fz_double(fz *f)
{
    uint8_t tag = fz_byte(f);
    if (tag < 48) { /* raw bits */
        uint64_t u = 0;
        double d;
        size_t i;
        for (i = 0; i < 8; i++)
            u = (u << 8) | fz_byte(f);
        memcpy(&d, &u, sizeof d);
        return d;
    }
    if (tag < 64) /* small whole numbers (counts, horizons) */
        return (double)fz_byte(f);
    {
        /* plausible: 2^((e - 128)/4) * (1 + m/256), sign from the tag */
        int e = fz_byte(f), m = fz_byte(f);
        double v = ldexp(1.0 + m / 256.0, 0) * exp2((e - 128) / 4.0);
        return (tag & 1) ? -v : v;
    }
}

/* A whole number in [0, max] (counts), sometimes raw. */
static inline double
fz_count(fz *f, double max)
{
    uint8_t tag = fz_byte(f);
    if (tag < 16)
        return fz_double(f);
    return fmod((double)(fz_byte(f) | (fz_byte(f) << 8)), max + 1.0);
}

/* The status codes a model function may return. */
static inline int
fz_known_status(int rc)
{
    return rc <= 0 && rc >= LOY_EFORMAT;
}

/* Errors reported before anything is computed: outputs untouched. */
static inline int
fz_input_error(int rc)
{
    return rc == LOY_EINVAL || rc == LOY_ESCALE || rc == LOY_ENONFINITE
           || rc == LOY_EEMPTY || rc == LOY_EDOMAIN
           || rc == LOY_EINCONSISTENT;
}

#define FZ_SENTINEL (-12345.678)

static inline void
fz_fill(double *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        v[i] = FZ_SENTINEL;
}

/*
 * The contract on an output array of n values after a call that returned
 * rc: a known status; LOY_OK means every value finite; an input error
 * means none was written. (A computational error may leave a prefix
 * written, as documented.)
 */
static inline void
fz_check(int rc, const double *v, size_t n)
{
    size_t i;
    if (!fz_known_status(rc))
        abort();
    for (i = 0; i < n; i++) {
        if (rc == LOY_OK && !isfinite(v[i]))
            abort();
        if (fz_input_error(rc) && v[i] != FZ_SENTINEL)
            abort();
    }
}

#endif /* LOY_FUZZ_MODELS_H */
