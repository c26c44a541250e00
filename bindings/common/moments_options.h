/* SPDX-License-Identifier: MIT */
/*
 * moments_options.h - the options text of the SQL moments() aggregate,
 * shared by the PostgreSQL and DuckDB bindings (header only: each binding
 * compiles it with its own build).
 *
 * Words separated by spaces or commas:
 *   listwise (default) | pairwise | strict   missing values
 *   integer                                  exact integer sums
 *   skip_invalid                             count and skip invalid rows
 *   scale=LO:HI                              every column's scale
 *   bootstrap=N, seed=S                      Poisson bootstrap replicates
 */
#ifndef LOYALTY_SQL_MOMENTS_OPTIONS_H
#define LOYALTY_SQL_MOMENTS_OPTIONS_H

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <loyalty.h>

typedef struct LoyMomOpts {
    uint32_t flags;
    uint32_t replicates;
    uint64_t seed;
    int scale;
    double lo, hi;
} LoyMomOpts;

#define LOY_MOM_OPTIONS_HELP \
    "listwise, pairwise, strict, integer, skip_invalid, bootstrap=N, " \
    "seed=N, scale=LO:HI"

/* A whole decimal number <= max. */
static inline int
loy_mom_uint(const char *v, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t x = 0;
    size_t i;
    if (n == 0 || n > 20)
        return -1;
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned) (v[i] - '0');
        if (d > 9 || x > (UINT64_MAX - d) / 10)
            return -1;
        x = 10 * x + d;
    }
    if (x > max)
        return -1;
    *out = x;
    return 0;
}

/* LO:HI, both finite, LO <= HI. */
static inline int
loy_mom_scale(const char *v, size_t n, double *lo, double *hi)
{
    char buf[64], *end, *colon;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    if ((colon = strchr(buf, ':')) == NULL)
        return -1;
    *colon = '\0';
    errno = 0;
    *lo = strtod(buf, &end);
    if (end == buf || *end != '\0')
        return -1;
    *hi = strtod(colon + 1, &end);
    if (end == colon + 1 || *end != '\0' || errno == ERANGE)
        return -1;
    return isfinite(*lo) && isfinite(*hi) && *lo <= *hi ? 0 : -1;
}

static inline int
loy_mom_word(const char *w, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(w, name, n) == 0;
}

/*
 * Parse n bytes of options text (NULL: defaults). 0 on success; -1 with
 * bad_word and bad_len set to an unknown or malformed word, or -2 when two
 * of listwise/pairwise/strict are given.
 */
static inline int
loy_mom_parse(LoyMomOpts *o, const char *s, size_t n, const char **bad_word,
              size_t *bad_len)
{
    size_t i = 0;
    int missing_set = 0;
    memset(o, 0, sizeof *o);
    o->flags = LOY_MOMENTS_LISTWISE;
    while (s != NULL && i < n) {
        const char *w;
        size_t len = 0;
        uint32_t missing = UINT32_MAX;
        uint64_t u = 0;
        int ok = 1;
        while (i < n && (s[i] == ' ' || s[i] == ','))
            i++;
        if (i == n)
            break;
        w = s + i;
        while (i + len < n && s[i + len] != ' ' && s[i + len] != ',')
            len++;
        i += len;
        if (loy_mom_word(w, len, "listwise"))
            missing = LOY_MOMENTS_LISTWISE;
        else if (loy_mom_word(w, len, "pairwise"))
            missing = LOY_MOMENTS_PAIRWISE;
        else if (loy_mom_word(w, len, "strict"))
            missing = 0;
        else if (loy_mom_word(w, len, "integer"))
            o->flags |= LOY_MOMENTS_INTEGER;
        else if (loy_mom_word(w, len, "skip_invalid"))
            o->flags |= LOY_MOMENTS_SKIP_INVALID;
        else if (len > 10 && memcmp(w, "bootstrap=", 10) == 0) {
            ok = loy_mom_uint(w + 10, len - 10, LOY_MOMENTS_MAX_REPLICATES,
                              &u) == 0;
            o->replicates = (uint32_t) u;
        } else if (len > 5 && memcmp(w, "seed=", 5) == 0)
            ok = loy_mom_uint(w + 5, len - 5, UINT64_MAX, &o->seed) == 0;
        else if (len > 6 && memcmp(w, "scale=", 6) == 0) {
            ok = loy_mom_scale(w + 6, len - 6, &o->lo, &o->hi) == 0;
            o->scale = 1;
        } else
            ok = 0;
        if (!ok) {
            *bad_word = w;
            *bad_len = len;
            return -1;
        }
        if (missing != UINT32_MAX) {
            if (missing_set)
                return -2;
            o->flags = (o->flags & ~(uint32_t) (LOY_MOMENTS_LISTWISE
                                                | LOY_MOMENTS_PAIRWISE))
                       | missing;
            missing_set = 1;
        }
    }
    return 0;
}

/* Why loy_moments_add() refused value v (a weight when `weight`). */
static inline const char *
loy_mom_value_problem(int rc, double v, int weight, uint32_t flags)
{
    switch (rc) {
    case LOY_ENONFINITE:
        return isnan(v) ? "the tally is strict (no missing values)"
                        : "not finite";
    case LOY_ESCALE:
        if (weight && v < 0)
            return "a negative weight";
        if ((flags & LOY_MOMENTS_INTEGER)
            && (v != floor(v) || fabs(v) > LOY_MOMENTS_INT_MAX))
            return "not a whole number of magnitude at most 2^20 "
                   "(integer tally)";
        return "outside the tally's scale";
    case LOY_EOVERFLOW:
        return "the integer sums would overflow";
    default:
        return loy_strerror(rc);
    }
}

#endif /* LOYALTY_SQL_MOMENTS_OPTIONS_H */
