/* SPDX-License-Identifier: MIT */
/*
 * moments_add.c - adding rows to a moment tally: reading any layout,
 * validating values and weights, applying the missing-value policy, then
 * handing blocks of rows to the kernels (main state and every bootstrap
 * replicate).
 *
 * Rows are gathered into a column-major block of at most a few hundred
 * rows, so the kernels run over contiguous columns whatever the caller's
 * layout. A call is atomic: on error the tally is restored from a copy
 * taken before the first block that could leave it half updated.
 */
#include "drivers/moments_internal.h"

#include "numeric/vecdot.h"

#include <stdlib.h>

/* Classification of one value. */
#define V_OK 0
#define V_MISSING 1

/* Stable Poisson(1) draw: 53-bit integer thresholds of the CDF,
 * T[k] = floor(2^53 F(k)), F(k) = e^-1 sum_{j<=k} 1/j!, computed with
 * mpmath at 50 digits (F(17) rounds to 1 at 53 bits, so k <= 17). A draw
 * u (53 bits) gives the first k with u < T[k]. */
static const uint64_t poisson_t53[] = {
    3313563428353947u, 6627126856707895u, 8283908570884869u,
    8836169142277194u, 8974234285125275u, 9001847313694891u,
    9006449485123161u, 9007106938184342u, 9007189119816990u,
    9007198251109506u, 9007199164238758u, 9007199247250508u,
    9007199254168154u, 9007199254700280u, 9007199254738289u,
    9007199254740823u, 9007199254740982u,
};

static uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t
loy__poisson_row_key(uint64_t id)
{
    return mix64(id + 0x9E3779B97F4A7C15ull);
}

uint64_t
loy__poisson_rep_key(uint64_t seed, uint32_t b)
{
    return mix64(seed + ((uint64_t)b + 1u) * 0xD1B54A32D192ED03ull);
}

uint32_t
loy__poisson_k(uint64_t row_key, uint64_t rep_key)
{
    uint64_t u = mix64(row_key ^ rep_key) >> 11;
    uint32_t k = 0;
    const uint32_t last = (uint32_t)(sizeof poisson_t53 / sizeof *poisson_t53);
    while (k < last && u >= poisson_t53[k])
        k++;
    return k;
}

int
loy_moments_poisson_weight(uint32_t *k, uint64_t seed, uint64_t id,
                           uint32_t b)
{
    LOY__REQUIRE(k != NULL, LOY_EINVAL);
    *k = loy__poisson_k(loy__poisson_row_key(id),
                        loy__poisson_rep_key(seed, b));
    return LOY_OK;
}

/* ------------------------------------------------------------------ */

typedef struct add_ctx {
    loy_moments *t;
    const loy__msrc *src;
    const loy__prca_src *prca;
    const double *w;
    const uint64_t *ids;
    size_t k, ld;
    int integer, pairwise, skip_invalid, listwise;
    /* block buffers */
    double *X;
    int32_t *Xi;
    double *wb;      /* block weights */
    double *wr;      /* replicate weights */
    uint64_t *rkey;  /* row keys of the block */
    uint64_t *repkey;/* B replicate keys */
    double *work;
    size_t nb;
    int unit;        /* every weight in the block is 1 */
    int small;       /* integer mode: every value in 0..254 */
    /* counters of this call */
    uint64_t miss, inval, zero;
} add_ctx;

/* Value (i, j) of the source as a double; u8 missing -> NaN with
 * *u8miss = 1 (so the strict error can be LOY_ESCALE). */
static inline double
fetch(const add_ctx *c, size_t i, size_t j, int *u8miss)
{
    const loy__msrc *s = c->src;
    uint8_t u;
    switch (s->kind) {
    case LOY__SRC_F64:
        return s->xd[i * s->rs + j * s->cs];
    case LOY__SRC_U8:
        u = s->xu[i * s->rs + j * s->cs];
        break;
    case LOY__SRC_COLS_F64:
        return s->cd[j][i];
    case LOY__SRC_COLS_U8:
        u = s->cu[j][i];
        break;
    default: {
        const loy__prca_src *p = c->prca;
        double x;
        if (j == 0u)
            return p->y[i];
        x = p->x[i * p->rs + ((j - 1u) % p->p) * p->cs];
        if (x != x || !loy__finite(x))
            return x; /* NaN stays missing, +-inf is invalid */
        return (j <= p->p) ? (x <= p->low_max ? 1.0 : 0.0)
                           : (x >= p->high_min ? 1.0 : 0.0);
    }
    }
    if (u == LOY_MOMENTS_U8_MISSING) {
        *u8miss = 1;
        return (double)NAN;
    }
    return (double)u;
}

/* V_OK, V_MISSING or a (negative) error code for value v of column j. */
static inline int
classify(const add_ctx *c, size_t j, double v)
{
    if (v != v)
        return V_MISSING;
    if (!loy__finite(v))
        return LOY_ENONFINITE;
    if (v < c->t->lo[j] || v > c->t->hi[j])
        return LOY_ESCALE;
    if (c->integer) {
        if (v != floor(v))
            return LOY_ESCALE;
        if (fabs(v) > LOY_MOMENTS_INT_MAX)
            return LOY_EOVERFLOW;
    }
    return V_OK;
}

static int
classify_weight(const add_ctx *c, double w)
{
    if (w != w || !loy__finite(w))
        return LOY_ENONFINITE;
    if (w < 0.0)
        return LOY_ESCALE;
    if (c->integer) {
        if (w != floor(w))
            return LOY_ESCALE;
        if (w > LOY_MOMENTS_INT_MAX)
            return LOY_EOVERFLOW;
    }
    return V_OK;
}

/* Store value v (column j, block row r); NaN marks a missing cell. */
static inline void
store(add_ctx *c, size_t j, size_t r, double v)
{
    if (c->integer) {
        c->Xi[j * c->ld + r] = (v != v) ? LOY__MISSING_I32 : (int32_t)v;
        if (!(v >= 0.0 && v <= 254.0))
            c->small = 0;
    } else {
        c->X[j * c->ld + r] = v;
    }
}

/*
 * Read row i into block row c->nb, applying the policies. Returns LOY_OK
 * (row taken or skipped) or an error with *err set.
 */
static int
take_row(add_ctx *c, size_t i, size_t *err)
{
    size_t j, k = c->k, r = c->nb;
    double w = c->w != NULL ? c->w[i] : 1.0;
    int bad = V_OK, missing = 0, present = 0;
    int wcode = c->w != NULL ? classify_weight(c, w) : V_OK;
    for (j = 0; j < k; j++) {
        int m8 = 0;
        double v = fetch(c, i, j, &m8);
        int code = classify(c, j, v);
        if (code == V_MISSING) {
            missing = 1;
            if (!c->pairwise && !c->listwise) {
                *err = i * (k + 1u) + j;
                return m8 ? LOY_ESCALE : LOY_ENONFINITE;
            }
            store(c, j, r, (double)NAN);
        } else if (code < 0) {
            if (!c->skip_invalid) {
                *err = i * (k + 1u) + j;
                return code;
            }
            if (bad == V_OK)
                bad = code;
            store(c, j, r, (double)NAN);
        } else {
            present = 1;
            store(c, j, r, v);
        }
    }
    if (wcode < 0) {
        if (!c->skip_invalid) {
            *err = i * (k + 1u) + k;
            return wcode;
        }
        c->inval++;
        return LOY_OK;
    }
    if (bad < 0) {
        c->inval++;
        if (!c->pairwise)
            return LOY_OK; /* row skipped whole */
    }
    if (missing) {
        c->miss++;
        if (!c->pairwise)
            return LOY_OK;
    }
    if (!present)
        return LOY_OK; /* pairwise row with nothing left */
    if (w == 0.0) {
        c->zero++;
        return LOY_OK;
    }
    c->wb[r] = w;
    if (w != 1.0)
        c->unit = 0;
    if (c->t->B > 0u)
        c->rkey[r] = loy__poisson_row_key(c->ids[i]);
    c->nb++;
    return LOY_OK;
}

/* Run one kernel on state s with weights w (NULL: unit). */
static int
kernel(add_ctx *c, size_t s, const double *w)
{
    loy_moments *t = c->t;
    loy__mblock b;
    b.k = c->k;
    b.ld = c->ld;
    b.nb = c->nb;
    b.X = c->X;
    b.Xi = c->Xi;
    b.w = w;
    b.small = c->small && w == NULL;
    b.work = c->work;
    if (c->integer) {
        int64_t *st = t->iv + s * t->ilen;
        uint64_t *cn = t->cnt + s * t->clen;
        return c->pairwise ? loy__mk_pair_int(st, cn, &b)
                           : loy__mk_int(st, cn, &b);
    }
    if (c->pairwise)
        loy__mk_pair_f64(t->d + s * t->dlen, t->cnt + s * t->clen, &b);
    else
        loy__mk_f64(t->d + s * t->dlen, t->cnt + s * t->clen, &b);
    return LOY_OK;
}

/* Accumulate the gathered block into the main state and the replicates. */
static int
flush(add_ctx *c)
{
    size_t b, r;
    if (c->nb == 0u)
        return LOY_OK;
    LOY__TRY(kernel(c, 0, c->unit ? NULL : c->wb));
    for (b = 0; b < c->t->B; b++) {
        int any = 0;
        for (r = 0; r < c->nb; r++) {
            uint32_t m = loy__poisson_k(c->rkey[r], c->repkey[b]);
            c->wr[r] = c->wb[r] * (double)m;
            any |= m != 0u;
        }
        if (any)
            LOY__TRY(kernel(c, 1u + b, c->wr));
    }
    c->nb = 0;
    c->unit = 1;
    c->small = 1;
    return LOY_OK;
}

/* Copy of the state arrays for rollback. */
typedef struct snapshot {
    double *d;
    int64_t *iv;
    uint64_t *cnt;
} snapshot;

static int
snap_take(snapshot *s, const loy_moments *t)
{
    size_t ns = loy__mom_nstates(t);
    s->d = NULL;
    s->iv = NULL;
    s->cnt = malloc(ns * t->clen * sizeof *s->cnt);
    if (t->dlen > 0u)
        s->d = malloc(ns * t->dlen * sizeof *s->d);
    if (t->ilen > 0u)
        s->iv = malloc(ns * t->ilen * sizeof *s->iv);
    if (s->cnt == NULL || (t->dlen > 0u && s->d == NULL)
        || (t->ilen > 0u && s->iv == NULL)) {
        free(s->d);
        free(s->iv);
        free(s->cnt);
        return LOY_ENOMEM;
    }
    memcpy(s->cnt, t->cnt, ns * t->clen * sizeof *s->cnt);
    if (s->d != NULL)
        memcpy(s->d, t->d, ns * t->dlen * sizeof *s->d);
    if (s->iv != NULL)
        memcpy(s->iv, t->iv, ns * t->ilen * sizeof *s->iv);
    return LOY_OK;
}

static void
snap_restore(const snapshot *s, loy_moments *t)
{
    size_t ns = loy__mom_nstates(t);
    memcpy(t->cnt, s->cnt, ns * t->clen * sizeof *s->cnt);
    if (s->d != NULL)
        memcpy(t->d, s->d, ns * t->dlen * sizeof *s->d);
    if (s->iv != NULL)
        memcpy(t->iv, s->iv, ns * t->ilen * sizeof *s->iv);
}

static void
snap_free(snapshot *s)
{
    free(s->d);
    free(s->iv);
    free(s->cnt);
}

static void
ctx_free(add_ctx *c)
{
    free(c->X);
    free(c->Xi);
    free(c->wb);
    free(c->wr);
    free(c->rkey);
    free(c->repkey);
    free(c->work);
}

/* Block size: a few hundred rows, fewer for very wide tallies so that a
 * block stays within the caches. */
static size_t
block_rows(size_t k, size_t n)
{
    size_t ld = 32768u / k;
    ld = ld > 512u ? 512u : ld;
    ld = ld < 8u ? 8u : ld & ~(size_t)7u;
    if (n < ld)
        ld = (n + 7u) & ~(size_t)7u;
    return ld < 8u ? 8u : ld;
}

static int
ctx_init(add_ctx *c, loy_moments *t, size_t n)
{
    size_t k = t->k, b;
    memset(c, 0, sizeof *c);
    c->t = t;
    c->k = k;
    c->integer = loy__mom_integer(t);
    c->pairwise = loy__mom_pairwise(t);
    c->listwise = (t->flags & LOY_MOMENTS_LISTWISE) != 0u;
    c->skip_invalid = (t->flags & LOY_MOMENTS_SKIP_INVALID) != 0u;
    c->ld = block_rows(k, n);
    c->unit = 1;
    c->small = 1;
    if (c->integer)
        c->Xi = malloc(k * c->ld * sizeof *c->Xi);
    else
        c->X = malloc(k * c->ld * sizeof *c->X);
    c->wb = malloc(c->ld * sizeof *c->wb);
    c->work = malloc(LOY__MK_WORK(k, c->ld) * sizeof *c->work);
    if (t->B > 0u) {
        c->wr = malloc(c->ld * sizeof *c->wr);
        c->rkey = malloc(c->ld * sizeof *c->rkey);
        c->repkey = malloc(t->B * sizeof *c->repkey);
    }
    if ((c->integer ? (void *)c->Xi : (void *)c->X) == NULL || c->wb == NULL
        || c->work == NULL
        || (t->B > 0u && (c->wr == NULL || c->rkey == NULL
                          || c->repkey == NULL))) {
        ctx_free(c);
        return LOY_ENOMEM;
    }
    for (b = 0; b < t->B; b++)
        c->repkey[b] = loy__poisson_rep_key(t->seed, (uint32_t)b);
    return LOY_OK;
}

/*
 * Fast path: read a whole block column by column when every value and
 * weight in it is valid (no missing value, nothing out of scale, weights
 * > 0). Returns 1 when the block was taken, 0 to let take_row() handle
 * it row by row (with its error reporting and counts).
 */
static int
fast_u8(add_ctx *c, size_t i0, size_t nr)
{
    const loy__msrc *s = c->src;
    size_t j, r, k = c->k, ld = c->ld;
    for (j = 0; j < k; j++) {
        double lo = c->t->lo[j] > 0.0 ? ceil(c->t->lo[j]) : 0.0;
        double hi = c->t->hi[j] < 254.0 ? floor(c->t->hi[j]) : 254.0;
        int32_t mn, mx, *out = c->integer ? c->Xi + j * ld
                                          : (int32_t *)(void *)c->work;
        const uint8_t *p;
        size_t st;
        if (lo > hi)
            return 0;
        p = s->kind == LOY__SRC_U8 ? s->xu + i0 * s->rs + j * s->cs
                                   : s->cu[j] + i0;
        st = s->kind == LOY__SRC_U8 ? s->rs : 1u;
        /* copy first (a tight strided loop), check the copy after */
        for (r = 0; r < nr; r++)
            out[r] = p[r * st];
        loy__minmax_i32(out, nr, &mn, &mx);
        if ((double)mn < lo || (double)mx > hi) /* 255 is never valid */
            return 0;
        if (!c->integer)
            for (r = 0; r < nr; r++)
                c->X[j * ld + r] = (double)out[r];
    }
    return 1;
}

static int
fast_f64(add_ctx *c, size_t i0, size_t nr)
{
    const loy__msrc *s = c->src;
    size_t j, r, k = c->k, ld = c->ld;
    for (j = 0; j < k; j++) {
        double lo = c->t->lo[j], hi = c->t->hi[j];
        const double *p = s->kind == LOY__SRC_F64 ? s->xd + i0 * s->rs
                                                        + j * s->cs
                                                  : s->cd[j] + i0;
        size_t st = s->kind == LOY__SRC_F64 ? s->rs : 1u;
        double *col = c->integer ? c->work : c->X + j * ld;
        if (st == 1u) {
            col = (double *)(uintptr_t)p; /* contiguous: check in place */
        } else {
            for (r = 0; r < nr; r++)
                col[r] = p[r * st];
        }
        if (c->integer) {
            int32_t *out = c->Xi + j * ld;
            int bad = 0;
            if (lo < -LOY_MOMENTS_INT_MAX)
                lo = -LOY_MOMENTS_INT_MAX;
            if (hi > LOY_MOMENTS_INT_MAX)
                hi = LOY_MOMENTS_INT_MAX;
            if (!loy__inrange_f64(col, nr, lo, hi))
                return 0;
            for (r = 0; r < nr; r++) {
                int32_t iv = (int32_t)col[r]; /* in range: defined */
                bad |= (double)iv != col[r];
                out[r] = iv;
            }
            if (bad)
                return 0;
            if (c->small) {
                int32_t mn, mx;
                loy__minmax_i32(out, nr, &mn, &mx);
                c->small = mn >= 0 && mx <= 254;
            }
        } else {
            if (!loy__inrange_f64(col, nr, lo, hi))
                return 0;
            if (st == 1u)
                memcpy(c->X + j * ld, p, nr * sizeof *p);
        }
    }
    return 1;
}

static int
fast_block(add_ctx *c, size_t i0, size_t nr)
{
    size_t r;
    int kind = c->src->kind, ok;
    if (kind == LOY__SRC_PRCA)
        return 0;
    c->small = 1;
    ok = (kind == LOY__SRC_U8 || kind == LOY__SRC_COLS_U8) ? fast_u8(c, i0, nr)
                                                           : fast_f64(c, i0, nr);
    if (!ok)
        return 0;
    c->unit = 1;
    for (r = 0; r < nr; r++) {
        double w = c->w != NULL ? c->w[i0 + r] : 1.0;
        if (!(w > 0.0 && w <= DBL_MAX))
            return 0;
        if (c->integer && (w != floor(w) || w > LOY_MOMENTS_INT_MAX))
            return 0;
        c->wb[r] = w;
        c->unit &= w == 1.0;
    }
    if (c->t->B > 0u)
        for (r = 0; r < nr; r++)
            c->rkey[r] = loy__poisson_row_key(c->ids[i0 + r]);
    c->nb = nr;
    return 1;
}

static int
add_rows(add_ctx *c, size_t n, size_t *err)
{
    size_t i = 0, r;
    while (i < n) {
        size_t nr = n - i < c->ld ? n - i : c->ld;
        if (c->nb == 0u && fast_block(c, i, nr)) {
            LOY__TRY(flush(c));
            i += nr;
            continue;
        }
        c->nb = 0; /* a failed fast block left nothing behind */
        c->unit = 1;
        c->small = 1;
        for (r = 0; r < nr; r++, i++) {
            LOY__TRY(take_row(c, i, err));
            if (c->nb == c->ld)
                LOY__TRY(flush(c));
        }
        LOY__TRY(flush(c));
    }
    return flush(c);
}

int
loy__mom_add(loy_moments *t, const loy__msrc *src, const loy__prca_src *prca,
             size_t n, const double *w, const uint64_t *ids, size_t *err_index)
{
    add_ctx c;
    snapshot snap;
    size_t err = LOY_NO_INDEX;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__REQUIRE(t->B == 0u || ids != NULL || n == 0u, LOY_EINVAL);
    if (n == 0u)
        return LOY_OK;
    LOY__TRY(ctx_init(&c, t, n));
    c.src = src;
    c.prca = prca;
    c.w = w;
    c.ids = ids;
    /* Every call keeps a copy to roll back to: integer sums and blocks
     * after the first can fail half way, and in double mode the
     * co-moments of values near the limits of the double range overflow
     * only once the rows are in (see loy__mom_finite). */
    if (snap_take(&snap, t) != LOY_OK) {
        ctx_free(&c);
        return LOY_ENOMEM;
    }
    rc = add_rows(&c, n, &err);
    if (rc == LOY_OK && !c.integer
        && !loy__mom_finite(t->d, loy__mom_nstates(t) * t->dlen))
        rc = LOY_EOVERFLOW;
    if (rc == LOY_OK && !c.integer) {
        size_t s;
        for (s = 0; s < loy__mom_nstates(t); s++)
            loy__mom_tidy(t->d + s * t->dlen, t->k, t->np, c.pairwise);
    }
    if (rc == LOY_OK) {
        t->rows_missing += c.miss;
        t->rows_invalid += c.inval;
        t->rows_zero += c.zero;
    } else {
        snap_restore(&snap, t);
        loy__set_index(err_index, err);
    }
    snap_free(&snap);
    ctx_free(&c);
    return rc;
}

int
loy_moments_add(loy_moments *t, const double *x, size_t n, size_t row_stride,
                size_t col_stride, const double *w, const uint64_t *ids,
                size_t *err_index)
{
    loy__msrc s;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL && (x != NULL || n == 0u), LOY_EINVAL);
    memset(&s, 0, sizeof s);
    s.kind = LOY__SRC_F64;
    s.xd = x;
    s.rs = row_stride;
    s.cs = col_stride;
    return loy__mom_add(t, &s, NULL, n, w, ids, err_index);
}

int
loy_moments_add_u8(loy_moments *t, const uint8_t *x, size_t n,
                   size_t row_stride, size_t col_stride, const double *w,
                   const uint64_t *ids, size_t *err_index)
{
    loy__msrc s;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL && (x != NULL || n == 0u), LOY_EINVAL);
    memset(&s, 0, sizeof s);
    s.kind = LOY__SRC_U8;
    s.xu = x;
    s.rs = row_stride;
    s.cs = col_stride;
    return loy__mom_add(t, &s, NULL, n, w, ids, err_index);
}

/* Column pointers: the array and, when rows are added, every column. */
static int
cols_ok(const void *const *cols, size_t k, size_t n)
{
    size_t j;
    if (n == 0u)
        return 1;
    if (cols == NULL)
        return 0;
    for (j = 0; j < k; j++)
        if (cols[j] == NULL)
            return 0;
    return 1;
}

int
loy_moments_add_cols(loy_moments *t, const double *const *cols, size_t n,
                     const double *w, const uint64_t *ids, size_t *err_index)
{
    loy__msrc s;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__REQUIRE(cols_ok((const void *const *)cols, t->k, n), LOY_EINVAL);
    memset(&s, 0, sizeof s);
    s.kind = LOY__SRC_COLS_F64;
    s.cd = cols;
    return loy__mom_add(t, &s, NULL, n, w, ids, err_index);
}

int
loy_moments_add_cols_u8(loy_moments *t, const uint8_t *const *cols, size_t n,
                        const double *w, const uint64_t *ids,
                        size_t *err_index)
{
    loy__msrc s;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__REQUIRE(cols_ok((const void *const *)cols, t->k, n), LOY_EINVAL);
    memset(&s, 0, sizeof s);
    s.kind = LOY__SRC_COLS_U8;
    s.cu = cols;
    return loy__mom_add(t, &s, NULL, n, w, ids, err_index);
}
