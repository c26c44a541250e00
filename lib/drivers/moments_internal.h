/* SPDX-License-Identifier: MIT */
/*
 * moments_internal.h - layout of the moment tally (lib/drivers only).
 *
 * A tally holds 1 + B "states": the main one and B bootstrap replicates.
 * Every state has the same layout, chosen by the mode:
 *
 *   complete, double:  d  = [W, mean[k], C[np]]          C = co-moments
 *   complete, integer: iv = [S0, S1[k], S2[np]]          exact sums
 *   pairwise, double:  d  = [W | m1 | m2 | c11 | c22 | c12], np each
 *   pairwise, integer: iv = [S0 | S1a | S1b | S2aa | S2bb | S2ab], np each
 *   counts:            cnt = [n] (complete) or [n, n_pair[np]] (pairwise)
 *
 * np = k(k+1)/2 pairs j <= l, packed row by row (loy__pidx). "Complete"
 * covers strict and listwise modes (both tally complete rows only).
 * Pairwise entries (j, l) describe the rows where both columns are
 * present: m1, c11 are column j's mean and co-moment over those rows, m2,
 * c22 column l's, c12 the cross co-moment.
 */
#ifndef LOY_MOMENTS_INTERNAL_H
#define LOY_MOMENTS_INTERNAL_H

#include "core/internal.h"

#define LOY__MOM_FLAGS                                                      \
    (LOY_MOMENTS_INTEGER | LOY_MOMENTS_LISTWISE | LOY_MOMENTS_PAIRWISE      \
     | LOY_MOMENTS_SKIP_INVALID)

struct loy_moments {
    size_t k;          /* columns */
    size_t np;         /* k(k+1)/2 */
    uint32_t flags;
    uint32_t B;        /* bootstrap replicates */
    uint64_t seed;
    uint64_t rows_missing, rows_invalid, rows_zero;
    double *lo, *hi;   /* per-column scale (-DBL_MAX, DBL_MAX by default) */
    size_t dlen, ilen, clen; /* per-state lengths of d, iv, cnt */
    double *d;         /* (1 + B) * dlen */
    int64_t *iv;       /* (1 + B) * ilen */
    uint64_t *cnt;     /* (1 + B) * clen */
};

static inline size_t
loy__pidx(size_t k, size_t j, size_t l)
{
    /* row j of the packed upper triangle starts after j rows of lengths
     * k, k-1, ..., k-j+1 */
    return j * k - j * (j - 1u) / 2u + (l - j);
}

static inline int
loy__mom_integer(const loy_moments *t)
{
    return (t->flags & LOY_MOMENTS_INTEGER) != 0;
}

static inline int
loy__mom_pairwise(const loy_moments *t)
{
    return (t->flags & LOY_MOMENTS_PAIRWISE) != 0;
}

/* Number of states (main + replicates). */
static inline size_t
loy__mom_nstates(const loy_moments *t)
{
    return 1u + (size_t)t->B;
}

/*
 * 1 if the n values of a double state are all finite. Co-moments of values
 * near the limits of the double range (1e308 among small ones) overflow
 * where the values do not; adds and merges check their result with this
 * and refuse it (LOY_EOVERFLOW) rather than keep an infinity, which the
 * byte format would not read back.
 */
static inline int
loy__mom_finite(const double *d, size_t n)
{
    size_t i;
    int ok = 1;
    for (i = 0; i < n; i++)
        ok &= d[i] - d[i] == 0.0; /* false for NaN and infinities */
    return ok;
}

/*
 * Rounding repairs of a double state after an add or a merge, so that it
 * keeps the invariants the byte format checks (and a tally's own bytes
 * read back): variances (diagonal co-moments) >= 0, where a tiny negative
 * is rounding (weights of 1e-12 gave -3e-47), and, pairwise, |c12| <=
 * sqrt(c11) sqrt(c22), which sums of products break only by rounding or
 * underflow (a value of 1e-300 gives c12 ~ 1e-300 while c11 ~ 1e-600
 * underflows to 0). Complete state: W, mean[k], C[np]; pairwise: per pair
 * W, m1, m2, c11, c22, c12 (np each).
 */
static inline void
loy__mom_tidy(double *d, size_t k, size_t np, int pairwise)
{
    size_t j, l;
    if (!pairwise) {
        for (j = 0; j < k; j++) {
            double *c = &d[1 + k + loy__pidx(k, j, j)];
            *c = *c < 0.0 ? 0.0 : *c;
        }
        return;
    }
    for (j = 0; j < np; j++) {
        d[3 * np + j] = d[3 * np + j] < 0.0 ? 0.0 : d[3 * np + j];
        d[4 * np + j] = d[4 * np + j] < 0.0 ? 0.0 : d[4 * np + j];
    }
    for (j = 0; j < k; j++) {
        size_t q = loy__pidx(k, j, j); /* a column with itself: c12 = c11 */
        d[5 * np + q] = d[3 * np + q];
        for (l = j + 1; l < k; l++) {
            double lim, *c12;
            q = loy__pidx(k, j, l);
            lim = sqrt(d[3 * np + q]) * sqrt(d[4 * np + q]);
            c12 = &d[5 * np + q];
            if (fabs(*c12) > lim)
                *c12 = *c12 < 0.0 ? -lim : lim;
        }
    }
}

/* Allocate the state arrays of a tally whose k, flags and B are set
 * (zeroed). Returns LOY_OK or LOY_ENOMEM. */
int loy__mom_alloc(loy_moments *t);

/* Compatible for merging: same k, flags, scales and bootstrap settings. */
int loy__mom_compatible(const loy_moments *a, const loy_moments *b);

/*
 * Covariance matrix (divisor W, the "population" form; every analysis is
 * scale free) of the m columns cols[] in state s (0 = main, 1 + b =
 * replicate b) into S (m x m, row-major). *n gets the rows behind it (the
 * smallest pair count in pairwise mode) and *W the total weight (of the
 * smallest pair). Returns LOY_OK or LOY_EEMPTY (no weight on some entry).
 */
int loy__mom_cov_sub(const loy_moments *t, size_t s, const size_t *cols,
                     size_t m, double *S, uint64_t *n, double *W);

/* Means of the m columns cols[] in state s (pairwise: each column over
 * the rows where it is present). LOY_OK or LOY_EEMPTY. */
int loy__mom_means_sub(const loy_moments *t, size_t s, const size_t *cols,
                       size_t m, double *means);

/* Merge state s of src into state s of dst (same layout); sign +1 adds,
 * -1 subtracts (un-merge). Integer: overflow -> LOY_EOVERFLOW; un-merge
 * beyond the total -> LOY_EINCONSISTENT. The destination may be partly
 * written on error (callers work on copies). */
int loy__mom_state_merge(loy_moments *dst, size_t sd, const loy_moments *src,
                         size_t ss, int sign);

/* Row source of the add functions. */
typedef struct loy__msrc {
    int kind;                  /* LOY__SRC_* */
    const double *xd;
    const uint8_t *xu;
    const double *const *cd;
    const uint8_t *const *cu;
    size_t rs, cs;             /* strides (strided kinds) */
    size_t ncols;              /* columns of the source */
} loy__msrc;

#define LOY__SRC_F64 0
#define LOY__SRC_U8 1
#define LOY__SRC_COLS_F64 2
#define LOY__SRC_COLS_U8 3
#define LOY__SRC_PRCA 4        /* y + p ratings expanded to 2p + 1 columns */

/* Extra description of the PRCA source (kind LOY__SRC_PRCA). */
typedef struct loy__prca_src {
    const double *y;
    const double *x;
    size_t p, rs, cs;
    double low_max, high_min;
} loy__prca_src;

/* The shared add driver (moments_add.c). `prca` is used with
 * LOY__SRC_PRCA only. */
int loy__mom_add(loy_moments *t, const loy__msrc *src,
                 const loy__prca_src *prca, size_t n, const double *w,
                 const uint64_t *ids, size_t *err_index);

/* Poisson(1) multiplier (stable definition, see the header). */
uint32_t loy__poisson_k(uint64_t row_key, uint64_t rep_key);
uint64_t loy__poisson_row_key(uint64_t id);
uint64_t loy__poisson_rep_key(uint64_t seed, uint32_t b);

/*
 * Block kernels (moments_kernel.c). X is column-major with leading
 * dimension ld (a multiple of 8), nb rows, padding rows beyond nb are
 * scratch. They accumulate one block into one state.
 */
typedef struct loy__mblock {
    size_t k, ld, nb;
    double *X;        /* double mode: k * ld values (complete: no NaN;
                         pairwise: NaN = missing) */
    int32_t *Xi;      /* integer mode: k * ld values (pairwise:
                         LOY__MISSING_I32 = missing) */
    const double *w;  /* nb weights (NULL: unit) */
    int small;        /* integer mode: every value in 0..254 (fast path) */
    double *work;     /* scratch: LOY__MK_WORK(k, ld) doubles */
} loy__mblock;

#define LOY__MISSING_I32 INT32_MIN
#define LOY__MK_WORK(k, ld)                                                 \
    ((2u * (k) + 2u) * (ld) + 4u * (k) * (k) + 8u * (k) + 8u)

/* Complete rows, double mode; cnt[0] counts the rows with weight > 0. */
void loy__mk_f64(double *state, uint64_t *cnt, const loy__mblock *b);
/* Complete rows, integer mode: values and weights whole numbers within
 * LOY_MOMENTS_INT_MAX (weights times a bootstrap multiplier). Returns
 * LOY_EOVERFLOW if a sum would overflow (state then partly updated). */
int loy__mk_int(int64_t *state, uint64_t *cnt, const loy__mblock *b);
/* Pairwise, double and integer: cnt = [n, n_pair[np]]. */
void loy__mk_pair_f64(double *state, uint64_t *cnt, const loy__mblock *b);
int loy__mk_pair_int(int64_t *state, uint64_t *cnt, const loy__mblock *b);

/* Exact integer helpers: N = S0 * S2 - S1a * S1b as a double (the 128-bit
 * difference, rounded once). */
double loy__int_comoment(int64_t S0, int64_t S2, int64_t S1a, int64_t S1b);

#endif /* LOY_MOMENTS_INTERNAL_H */
