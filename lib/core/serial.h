/* SPDX-License-Identifier: MIT */
/*
 * serial.h - the portable byte format of every serialized libloyalty
 * object (tallies, moment tallies, pattern tables, ...). Internal.
 *
 * Why one format: the same bytes travel between threads, processes, shards
 * and database aggregates (PostgreSQL stores them in a varlena, DuckDB in a
 * blob), so they must not depend on the machine's byte order, padding or
 * struct layout, and a reader must reject what it does not understand
 * instead of guessing.
 *
 * Layout (all integers little-endian, doubles as IEEE-754 binary64 bit
 * patterns, little-endian):
 *
 *   offset 0   4 bytes  magic "LOYS"
 *   offset 4   uint16   kind: which object (LOY__SER_KIND_*)
 *   offset 6   uint16   version of that kind's payload (starts at 1)
 *   offset 8   uint64   payload length in bytes
 *   offset 16  payload
 *
 * A reader accepts exactly one kind, versions up to the newest it knows,
 * and a buffer whose length is exactly 16 + payload length; anything else
 * is LOY_EFORMAT. Payload versions are only ever added: a new version may
 * append fields, and old readers reject it rather than misread it.
 */
#ifndef LOY_SERIAL_H
#define LOY_SERIAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"

#define LOY__SER_HEADER 16u

/* Object kinds. Values are part of the format: never reuse or renumber. */
#define LOY__SER_KIND_NPS_TALLY 1u
#define LOY__SER_KIND_NPS_WTALLY 2u
#define LOY__SER_KIND_MOMENTS 3u
#define LOY__SER_KIND_PATTERNS 4u
#define LOY__SER_KIND_SCORE_TALLY 5u
#define LOY__SER_KIND_RFM_CUSTOMER 6u
#define LOY__SER_KIND_SEGMENT_TALLY 7u

/*
 * Writer. It counts every byte it is asked to write, but stores only what
 * fits in the caller's capacity, so one pass both sizes and fills: when
 * `len` ends above `cap`, the caller reports LOY_EBUFSIZE with `len` as the
 * size needed. `buf` may be NULL with `cap` 0 (a size query).
 */
typedef struct loy__wbuf {
    uint8_t *buf;
    size_t cap;
    size_t len;
    int query; /* buf NULL and cap 0: the caller only asks for the size */
} loy__wbuf;

static inline void
loy__wbuf_init(loy__wbuf *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf != NULL ? cap : 0u;
    w->len = 0u;
    w->query = buf == NULL && cap == 0u;
}

static inline void
loy__wr_bytes(loy__wbuf *w, const void *src, size_t n)
{
    if (w->len <= w->cap && n <= w->cap - w->len)
        memcpy(w->buf + w->len, src, n);
    w->len = (n > SIZE_MAX - w->len) ? SIZE_MAX : w->len + n;
}

/* On little-endian hosts the bytes of an integer are already in order:
 * one 8-byte copy instead of eight byte stores (which also defeat
 * store-to-load forwarding when the bytes are read back at once). */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LOY__SER_LE 1
#endif
#endif

static inline void
loy__wr_u64(loy__wbuf *w, uint64_t v)
{
#ifdef LOY__SER_LE
    loy__wr_bytes(w, &v, 8u);
#else
    uint8_t b[8];
    int i;
    for (i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    loy__wr_bytes(w, b, 8u);
#endif
}

static inline void
loy__wr_u32(loy__wbuf *w, uint32_t v)
{
#ifdef LOY__SER_LE
    loy__wr_bytes(w, &v, 4u);
#else
    uint8_t b[4];
    int i;
    for (i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    loy__wr_bytes(w, b, 4u);
#endif
}

static inline void
loy__wr_u16(loy__wbuf *w, uint16_t v)
{
    uint8_t b[2];
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    loy__wr_bytes(w, b, 2u);
}

static inline void
loy__wr_i64(loy__wbuf *w, int64_t v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    loy__wr_u64(w, u);
}

static inline void
loy__wr_f64(loy__wbuf *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    loy__wr_u64(w, u);
}

/* The 16-byte header; payload_len must be known in advance. */
static inline void
loy__wr_header(loy__wbuf *w, uint16_t kind, uint16_t version, uint64_t payload_len)
{
    loy__wr_bytes(w, "LOYS", 4u);
    loy__wr_u16(w, kind);
    loy__wr_u16(w, version);
    loy__wr_u64(w, payload_len);
}

/*
 * Finish a write: *len_out (optional) gets the bytes needed; LOY_EBUFSIZE
 * when they did not fit (then the buffer's contents are unspecified),
 * except for a size query (buf NULL, cap 0), which is LOY_OK: the public
 * two-call pattern of every loy_*_serialize().
 */
static inline int
loy__wbuf_finish(const loy__wbuf *w, size_t *len_out)
{
    if (len_out != NULL)
        *len_out = w->len;
    return (w->len <= w->cap || w->query) ? LOY_OK : LOY_EBUFSIZE;
}

/*
 * Reader. Reads past the end return zeros and set `bad`, so a decoder can
 * read a whole record and check once; loy__rbuf_finish() then also demands
 * that every byte was consumed.
 */
typedef struct loy__rbuf {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    int bad;
} loy__rbuf;

static inline void
loy__rd_bytes(loy__rbuf *r, void *dst, size_t n)
{
    if (r->bad || r->pos > r->len || n > r->len - r->pos) {
        r->bad = 1;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, r->buf + r->pos, n);
    r->pos += n;
}

static inline uint64_t
loy__rd_u64(loy__rbuf *r)
{
#ifdef LOY__SER_LE
    uint64_t v;
    loy__rd_bytes(r, &v, 8u);
    return v;
#else
    uint8_t b[8];
    uint64_t v = 0u;
    int i;
    loy__rd_bytes(r, b, 8u);
    for (i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
#endif
}

static inline uint32_t
loy__rd_u32(loy__rbuf *r)
{
#ifdef LOY__SER_LE
    uint32_t v;
    loy__rd_bytes(r, &v, 4u);
    return v;
#else
    uint8_t b[4];
    uint32_t v = 0u;
    int i;
    loy__rd_bytes(r, b, 4u);
    for (i = 3; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
#endif
}

static inline uint16_t
loy__rd_u16(loy__rbuf *r)
{
    uint8_t b[2];
    loy__rd_bytes(r, b, 2u);
    return (uint16_t)(b[0] | (b[1] << 8));
}

static inline int64_t
loy__rd_i64(loy__rbuf *r)
{
    uint64_t u = loy__rd_u64(r);
    int64_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static inline double
loy__rd_f64(loy__rbuf *r)
{
    uint64_t u = loy__rd_u64(r);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/*
 * Open a buffer: check the magic, the kind, a version in [1, max_version]
 * and that the payload length matches the buffer exactly. On success the
 * reader sits at the payload and *version holds its version.
 */
static inline int
loy__rbuf_open(loy__rbuf *r, const uint8_t *buf, size_t len, uint16_t kind,
               uint16_t max_version, uint16_t *version)
{
    uint8_t magic[4];
    uint16_t k, v;
    uint64_t plen;
    LOY__REQUIRE(buf != NULL, LOY_EINVAL);
    r->buf = buf;
    r->len = len;
    r->pos = 0u;
    r->bad = 0;
    LOY__REQUIRE(len >= LOY__SER_HEADER, LOY_EFORMAT);
    loy__rd_bytes(r, magic, 4u);
    k = loy__rd_u16(r);
    v = loy__rd_u16(r);
    plen = loy__rd_u64(r);
    LOY__REQUIRE(memcmp(magic, "LOYS", 4u) == 0, LOY_EFORMAT);
    LOY__REQUIRE(k == kind && v >= 1u && v <= max_version, LOY_EFORMAT);
    LOY__REQUIRE(plen == (uint64_t)(len - LOY__SER_HEADER), LOY_EFORMAT);
    if (version != NULL)
        *version = v;
    return LOY_OK;
}

/* LOY_OK when every read was in bounds and the whole buffer was read. */
static inline int
loy__rbuf_finish(const loy__rbuf *r)
{
    return (!r->bad && r->pos == r->len) ? LOY_OK : LOY_EFORMAT;
}

#endif /* LOY_SERIAL_H */
