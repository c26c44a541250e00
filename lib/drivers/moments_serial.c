/* SPDX-License-Identifier: MIT */
/*
 * moments_serial.c - the portable byte format of a moment tally
 * (kind LOY__SER_KIND_MOMENTS, version 1; header in core/serial.h).
 *
 * Payload, little-endian:
 *   u32 flags, u32 k, u32 B (replicates), u32 reserved (0), u64 seed,
 *   u64 rows_missing, u64 rows_invalid, u64 rows_zero,
 *   f64 lo[k], f64 hi[k],
 *   then for each of the 1 + B states: u64 cnt[clen], then f64 d[dlen]
 *   (double mode) or i64 iv[ilen] (integer mode).
 * clen, dlen and ilen follow from k and the flags (moments_internal.h).
 * The reader recomputes the expected length from k, B and the flags before
 * allocating anything, then checks the contents (finite values,
 * non-negative weights and variances, counts consistent with weights).
 */
#include "core/serial.h"
#include "drivers/moments_internal.h"

#include <stdlib.h>

#define MOM_SER_VERSION 1u

static void
write_all(loy__wbuf *w, const loy_moments *t, uint64_t plen)
{
    size_t j, s, i, ns = loy__mom_nstates(t);
    loy__wr_header(w, LOY__SER_KIND_MOMENTS, MOM_SER_VERSION, plen);
    loy__wr_u32(w, t->flags);
    loy__wr_u32(w, (uint32_t)t->k);
    loy__wr_u32(w, t->B);
    loy__wr_u32(w, 0u);
    loy__wr_u64(w, t->seed);
    loy__wr_u64(w, t->rows_missing);
    loy__wr_u64(w, t->rows_invalid);
    loy__wr_u64(w, t->rows_zero);
    for (j = 0; j < t->k; j++)
        loy__wr_f64(w, t->lo[j]);
    for (j = 0; j < t->k; j++)
        loy__wr_f64(w, t->hi[j]);
    for (s = 0; s < ns; s++) {
        for (i = 0; i < t->clen; i++)
            loy__wr_u64(w, t->cnt[s * t->clen + i]);
        for (i = 0; i < t->dlen; i++)
            loy__wr_f64(w, t->d[s * t->dlen + i]);
        for (i = 0; i < t->ilen; i++)
            loy__wr_i64(w, t->iv[s * t->ilen + i]);
    }
}

/* Payload bytes for the given shape, or 0 on overflow. */
static uint64_t
payload_len(uint64_t k, uint64_t B, uint32_t flags)
{
    uint64_t np = k * (k + 1u) / 2u;
    int pw = (flags & LOY_MOMENTS_PAIRWISE) != 0u;
    uint64_t clen = pw ? 1u + np : 1u;
    uint64_t vlen = pw ? 6u * np : 1u + k + np;
    uint64_t per = 8u * (clen + vlen);
    return 48u + 16u * k + (1u + B) * per; /* small enough: k, B bounded */
}

int
loy_moments_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                      const loy_moments *t)
{
    loy__wbuf w;
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    loy__wbuf_init(&w, buf, cap);
    write_all(&w, t, payload_len(t->k, t->B, t->flags));
    if (buf == NULL && cap == 0u) {
        if (len_out != NULL)
            *len_out = w.len;
        return LOY_OK;
    }
    return loy__wbuf_finish(&w, len_out);
}

/* Contents check of one complete double state. */
static int
check_f64(const loy_moments *t, const double *d, uint64_t n)
{
    size_t i, j, k = t->k;
    for (i = 0; i < t->dlen; i++)
        LOY__REQUIRE(loy__finite(d[i]), LOY_EFORMAT);
    LOY__REQUIRE(d[0] >= 0.0 && ((n == 0u) == (d[0] == 0.0)), LOY_EFORMAT);
    for (j = 0; j < k; j++)
        LOY__REQUIRE(d[1 + k + loy__pidx(k, j, j)] >= 0.0, LOY_EFORMAT);
    return LOY_OK;
}

/* |c12| <= sqrt(c11 c22), with room for rounding; the bound is taken as
 * sqrt(c11) sqrt(c22), since c11 c22 underflows for co-moments near 1e-160
 * (a column's tally with itself, c11 = c22 = c12 = 4e-183, failed). */
static int
cauchy_ok(double c11, double c22, double c12)
{
    return c11 >= 0.0 && c22 >= 0.0
           && fabs(c12) <= sqrt(c11) * sqrt(c22) * (1.0 + 1e-9) + 1e-300;
}

static int
check_pair_f64(const loy_moments *t, const double *d, const uint64_t *cnt)
{
    size_t i, j, np = t->np;
    for (i = 0; i < t->dlen; i++)
        LOY__REQUIRE(loy__finite(d[i]), LOY_EFORMAT);
    for (i = 0; i < np; i++) {
        LOY__REQUIRE(cnt[1 + i] <= cnt[0], LOY_EFORMAT);
        LOY__REQUIRE(d[i] >= 0.0 && ((cnt[1 + i] == 0u) == (d[i] == 0.0)),
                     LOY_EFORMAT);
        LOY__REQUIRE(cauchy_ok(d[3 * np + i], d[4 * np + i], d[5 * np + i]),
                     LOY_EFORMAT);
    }
    /* a diagonal pair describes one column twice, identically */
    for (j = 0; j < t->k; j++) {
        size_t q = loy__pidx(t->k, j, j);
        LOY__REQUIRE(d[np + q] == d[2 * np + q]
                         && d[3 * np + q] == d[4 * np + q]
                         && d[3 * np + q] == d[5 * np + q],
                     LOY_EFORMAT);
    }
    return LOY_OK;
}

/* Integer states: weights >= rows (every counted row has w >= 1), and
 * non-negative variances. */
static int
check_int(const loy_moments *t, const int64_t *iv, const uint64_t *cnt)
{
    size_t j, i, k = t->k, np = t->np;
    if (!loy__mom_pairwise(t)) {
        LOY__REQUIRE(iv[0] >= 0 && (uint64_t)iv[0] >= cnt[0]
                         && ((cnt[0] == 0u) == (iv[0] == 0)), LOY_EFORMAT);
        for (j = 0; j < k; j++) {
            size_t q = 1u + k + loy__pidx(k, j, j);
            LOY__REQUIRE(loy__int_comoment(iv[0], iv[q], iv[1 + j],
                                           iv[1 + j]) >= 0.0, LOY_EFORMAT);
        }
        return LOY_OK;
    }
    for (i = 0; i < np; i++) {
        LOY__REQUIRE(cnt[1 + i] <= cnt[0], LOY_EFORMAT);
        LOY__REQUIRE(iv[i] >= 0 && (uint64_t)iv[i] >= cnt[1 + i]
                         && ((cnt[1 + i] == 0u) == (iv[i] == 0)),
                     LOY_EFORMAT);
        LOY__REQUIRE(cauchy_ok(loy__int_comoment(iv[i], iv[3 * np + i],
                                                 iv[np + i], iv[np + i]),
                               loy__int_comoment(iv[i], iv[4 * np + i],
                                                 iv[2 * np + i],
                                                 iv[2 * np + i]),
                               loy__int_comoment(iv[i], iv[5 * np + i],
                                                 iv[np + i], iv[2 * np + i])),
                     LOY_EFORMAT);
    }
    for (j = 0; j < k; j++) {
        size_t q = loy__pidx(k, j, j);
        LOY__REQUIRE(iv[np + q] == iv[2 * np + q]
                         && iv[3 * np + q] == iv[4 * np + q]
                         && iv[3 * np + q] == iv[5 * np + q],
                     LOY_EFORMAT);
    }
    return LOY_OK;
}

static int
read_states(loy__rbuf *r, loy_moments *t)
{
    size_t s, i, ns = loy__mom_nstates(t);
    for (s = 0; s < ns; s++) {
        uint64_t *cnt = t->cnt + s * t->clen;
        for (i = 0; i < t->clen; i++)
            cnt[i] = loy__rd_u64(r);
        for (i = 0; i < t->dlen; i++)
            t->d[s * t->dlen + i] = loy__rd_f64(r);
        for (i = 0; i < t->ilen; i++)
            t->iv[s * t->ilen + i] = loy__rd_i64(r);
        LOY__REQUIRE(!r->bad, LOY_EFORMAT);
        if (loy__mom_integer(t))
            LOY__TRY(check_int(t, t->iv + s * t->ilen, cnt));
        else if (loy__mom_pairwise(t))
            LOY__TRY(check_pair_f64(t, t->d + s * t->dlen, cnt));
        else
            LOY__TRY(check_f64(t, t->d + s * t->dlen, cnt[0]));
    }
    return LOY_OK;
}

static int
read_body(loy__rbuf *r, loy_moments *t)
{
    size_t j;
    t->rows_missing = loy__rd_u64(r);
    t->rows_invalid = loy__rd_u64(r);
    t->rows_zero = loy__rd_u64(r);
    for (j = 0; j < t->k; j++)
        t->lo[j] = loy__rd_f64(r);
    for (j = 0; j < t->k; j++)
        t->hi[j] = loy__rd_f64(r);
    for (j = 0; j < t->k; j++)
        LOY__REQUIRE(loy__finite(t->lo[j]) && loy__finite(t->hi[j])
                         && t->lo[j] <= t->hi[j], LOY_EFORMAT);
    LOY__TRY(read_states(r, t));
    return loy__rbuf_finish(r);
}

int
loy_moments_deserialize(loy_moments **out, const uint8_t *buf, size_t len)
{
    loy__rbuf r;
    loy_moments *t = NULL;
    uint32_t flags, k, B, reserved;
    uint64_t seed;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(buf != NULL, LOY_EINVAL);
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_MOMENTS,
                            MOM_SER_VERSION, NULL));
    flags = loy__rd_u32(&r);
    k = loy__rd_u32(&r);
    B = loy__rd_u32(&r);
    reserved = loy__rd_u32(&r);
    seed = loy__rd_u64(&r);
    LOY__REQUIRE(!r.bad, LOY_EFORMAT);
    LOY__REQUIRE((flags & ~LOY__MOM_FLAGS) == 0u && reserved == 0u,
                 LOY_EFORMAT);
    LOY__REQUIRE(!((flags & LOY_MOMENTS_LISTWISE)
                   && (flags & LOY_MOMENTS_PAIRWISE)), LOY_EFORMAT);
    LOY__REQUIRE(k >= 1u && k <= LOY_MOMENTS_MAX_COLUMNS, LOY_EFORMAT);
    LOY__REQUIRE(B <= LOY_MOMENTS_MAX_REPLICATES, LOY_EFORMAT);
    /* the length must match before anything is allocated */
    LOY__REQUIRE(payload_len(k, B, flags) == (uint64_t)(len - LOY__SER_HEADER),
                 LOY_EFORMAT);
    LOY__TRY(loy_moments_new(&t, k, flags));
    t->seed = seed;
    if (B > 0u) {
        rc = loy_moments_set_bootstrap(t, B, seed);
        if (rc != LOY_OK) {
            loy_moments_free(t);
            return rc;
        }
    }
    rc = read_body(&r, t);
    if (rc != LOY_OK) {
        loy_moments_free(t);
        return rc == LOY_ENOMEM ? rc : LOY_EFORMAT;
    }
    *out = t;
    return LOY_OK;
}
