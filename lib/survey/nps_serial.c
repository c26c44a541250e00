/* SPDX-License-Identifier: MIT */
/*
 * nps_serial.c - the byte form of NPS tallies and weighted tallies
 * (core/serial.h): what threads, shards and database aggregates exchange.
 *
 * Payloads, version 1 (little-endian):
 *   tally   u64 detractors, u64 passives, u64 promoters, u64 rejected
 *   wtally  u64 count[3], f64 sum_w[3], f64 sum_w2[3], u64 rejected
 *
 * A reader trusts nothing: a total that overflows, a NaN, a negative sum of
 * weights or a weight sum without responses is LOY_EFORMAT, so a decoded
 * tally is always one that loy_nps_*_merge() could have produced.
 */
#include "core/internal.h"
#include "core/serial.h"

#define TALLY_PAYLOAD 32u
#define WTALLY_PAYLOAD 80u

int
loy_nps_tally_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                        const loy_nps_tally *tally)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    loy__wbuf w;
    LOY__REQUIRE(len_out != NULL, LOY_EINVAL);
    LOY__REQUIRE(LOY__STRUCT_OK(tally, sizeof t), LOY_EINVAL);
    loy__struct_copy_in(&t, tally, sizeof t);
    loy__wbuf_init(&w, buf, cap);
    loy__wr_header(&w, LOY__SER_KIND_NPS_TALLY, 1u, TALLY_PAYLOAD);
    loy__wr_u64(&w, t.detractors);
    loy__wr_u64(&w, t.passives);
    loy__wr_u64(&w, t.promoters);
    loy__wr_u64(&w, t.rejected);
    return loy__wbuf_finish(&w, len_out);
}

int
loy_nps_tally_deserialize(loy_nps_tally *out, const uint8_t *buf, size_t len)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    loy__rbuf r;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof t), LOY_EINVAL);
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_NPS_TALLY, 1u, NULL));
    t.detractors = loy__rd_u64(&r);
    t.passives = loy__rd_u64(&r);
    t.promoters = loy__rd_u64(&r);
    t.rejected = loy__rd_u64(&r);
    LOY__TRY(loy__rbuf_finish(&r));
    /* n = D + A + P must be representable */
    LOY__REQUIRE(t.passives <= UINT64_MAX - t.detractors, LOY_EFORMAT);
    LOY__REQUIRE(t.promoters <= UINT64_MAX - t.detractors - t.passives,
                 LOY_EFORMAT);
    loy__struct_copy_out(out, &t, sizeof t);
    return LOY_OK;
}

int
loy_nps_wtally_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                         const loy_nps_wtally *tally)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy__wbuf w;
    int k;
    LOY__REQUIRE(len_out != NULL, LOY_EINVAL);
    LOY__REQUIRE(LOY__STRUCT_OK(tally, sizeof t), LOY_EINVAL);
    loy__struct_copy_in(&t, tally, sizeof t);
    loy__wbuf_init(&w, buf, cap);
    loy__wr_header(&w, LOY__SER_KIND_NPS_WTALLY, 1u, WTALLY_PAYLOAD);
    for (k = 0; k < 3; k++)
        loy__wr_u64(&w, t.count[k]);
    for (k = 0; k < 3; k++)
        loy__wr_f64(&w, t.sum_w[k]);
    for (k = 0; k < 3; k++)
        loy__wr_f64(&w, t.sum_w2[k]);
    loy__wr_u64(&w, t.rejected);
    return loy__wbuf_finish(&w, len_out);
}

/* A class's sums: finite, >= 0, and 0 when the class has no response. */
static int
wclass_ok(uint64_t count, double sw, double sw2)
{
    if (!loy__finite(sw) || !loy__finite(sw2) || sw < 0.0 || sw2 < 0.0)
        return 0;
    return count > 0 || (sw == 0.0 && sw2 == 0.0);
}

int
loy_nps_wtally_deserialize(loy_nps_wtally *out, const uint8_t *buf,
                           size_t len)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy__rbuf r;
    int k;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof t), LOY_EINVAL);
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_NPS_WTALLY, 1u, NULL));
    for (k = 0; k < 3; k++)
        t.count[k] = loy__rd_u64(&r);
    for (k = 0; k < 3; k++)
        t.sum_w[k] = loy__rd_f64(&r);
    for (k = 0; k < 3; k++)
        t.sum_w2[k] = loy__rd_f64(&r);
    t.rejected = loy__rd_u64(&r);
    LOY__TRY(loy__rbuf_finish(&r));
    LOY__REQUIRE(t.count[1] <= UINT64_MAX - t.count[0], LOY_EFORMAT);
    LOY__REQUIRE(t.count[2] <= UINT64_MAX - t.count[0] - t.count[1],
                 LOY_EFORMAT);
    for (k = 0; k < 3; k++)
        LOY__REQUIRE(wclass_ok(t.count[k], t.sum_w[k], t.sum_w2[k]),
                     LOY_EFORMAT);
    loy__struct_copy_out(out, &t, sizeof t);
    return LOY_OK;
}
