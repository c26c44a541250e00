/* SPDX-License-Identifier: MIT */
/*
 * ddb_nps.c - NPS tallies (plain, weighted), CSAT, CES and score tallies
 * for DuckDB.
 *
 * nps_tally(score) feeds each input vector to the library at once: one
 * loy_nps_tally_i32() call when every row belongs to the same state (an
 * ungrouped aggregate), else one loy_nps_tally_grouped_u8() call over all
 * the groups of the vector, whose counts are then added to the states.
 */
#include "ddb_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* plain tally                                                         */
/* ------------------------------------------------------------------ */

typedef struct NpsState {
    DdbScratch s;
    loy_nps_tally t;
} NpsState;

static void
nps_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    NpsState *s = (NpsState *) state;
    (void) info;
    memset(s, 0, sizeof *s);
    s->t.struct_size = sizeof s->t;
}

static int
tally_add(duckdb_function_info info, loy_nps_tally *acc, const loy_nps_tally *add)
{
    if (loy_nps_tally_merge(acc, add) != LOY_OK) {
        ddb_agg_error(info, LOY_EOVERFLOW, "nps_tally", "counts exceed 2^64 - 1");
        return -1;
    }
    return 0;
}

static _Thread_local int32_t t_i32[4096];
static _Thread_local uint8_t t_u8[4096];
static _Thread_local uint32_t t_grp[4096];
static _Thread_local uint64_t t_counts[4 * 4096];

static void
score_error(duckdb_function_info info, int rc, int32_t score)
{
    ddb_agg_error(info, rc, "nps_tally", "score %d is outside the scale 0..10",
                  score);
}

static void
nps_update(duckdb_function_info info, duckdb_data_chunk in,
           duckdb_aggregate_state *states)
{
    idx_t n = duckdb_data_chunk_get_size(in), i, m = 0;
    duckdb_vector v = duckdb_data_chunk_get_vector(in, 0);
    const int32_t *sc = (const int32_t *) duckdb_vector_get_data(v);
    const uint64_t *val = duckdb_vector_get_validity(v);
    uint64_t stamp;
    idx_t ng = 0, g;
    NpsState *gs[4096];
    size_t bad = 0;
    int rc;
    if (n == 0 || n > 4096)
        return;
    for (i = 1; i < n && states[i] == states[0]; i++)
        ;
    if (i == n) {
        /* one state: the whole vector in one call */
        loy_nps_tally t = LOY_NPS_TALLY_INIT;
        const int32_t *p = sc;
        if (val != NULL) {
            for (i = 0; i < n; i++)
                if (ddb_valid(val, i))
                    t_i32[m++] = sc[i];
            p = t_i32;
        } else {
            m = n;
        }
        rc = loy_nps_tally_i32(&t, p, m, NULL, 0, &bad);
        if (rc != LOY_OK) {
            score_error(info, rc, p[bad]);
            return;
        }
        tally_add(info, &((NpsState *) states[0])->t, &t);
        return;
    }
    /* many states: dense local groups through the states' scratch fields */
    stamp = ddb_next_stamp();
    for (i = 0; i < n; i++) {
        NpsState *s = (NpsState *) states[i];
        uint32_t x = (uint32_t) sc[i];
        if (val != NULL && !ddb_valid(val, i))
            continue;
        if (x > 255u) { /* negative scores wrap to large values */
            score_error(info, LOY_ESCALE, sc[i]);
            return;
        }
        if (s->s.stamp != stamp) {
            s->s.stamp = stamp;
            s->s.local = (uint32_t) ng;
            gs[ng++] = s;
        }
        t_u8[m] = (uint8_t) x;
        t_grp[m++] = s->s.local;
    }
    if (ng == 0)
        return;
    rc = loy_nps_tally_grouped_u8(t_counts, ng, t_u8, t_grp, m, NULL, 0, &bad);
    if (rc != LOY_OK) {
        score_error(info, rc, t_u8[bad]);
        return;
    }
    /* counts into the states: a checked add in place (the merge call,
     * with its struct-size handling, cost a third of the query) */
    for (g = 0; g < ng; g++) {
        loy_nps_tally *t = &gs[g]->t;
        const uint64_t *c = &t_counts[4 * g];
        if (t->detractors + c[0] < c[0] || t->passives + c[1] < c[1]
            || t->promoters + c[2] < c[2]) {
            ddb_agg_error(info, LOY_EOVERFLOW, "nps_tally", "counts exceed 2^64 - 1");
            return;
        }
        t->detractors += c[0];
        t->passives += c[1];
        t->promoters += c[2];
    }
}

/* roll-up: nps_tally(BLOB) */
static void
nps_update_blob(duckdb_function_info info, duckdb_data_chunk in,
                duckdb_aggregate_state *states)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_vector v = duckdb_data_chunk_get_vector(in, 0);
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(v);
    const uint64_t *val = duckdb_vector_get_validity(v);
    for (i = 0; i < n; i++) {
        loy_nps_tally t = LOY_NPS_TALLY_INIT;
        size_t len;
        const uint8_t *p;
        int rc;
        if (!ddb_valid(val, i))
            continue;
        p = ddb_blob(&b[i], &len);
        rc = loy_nps_tally_deserialize(&t, p, len);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "nps_tally", "malformed nps_tally of %zu bytes",
                          len);
            return;
        }
        if (tally_add(info, &((NpsState *) states[i])->t, &t) != 0)
            return;
    }
}

static void
nps_combine(duckdb_function_info info, duckdb_aggregate_state *src,
            duckdb_aggregate_state *dst, idx_t count)
{
    idx_t i;
    for (i = 0; i < count; i++)
        if (tally_add(info, &((NpsState *) dst[i])->t,
                      &((NpsState *) src[i])->t) != 0)
            return;
}

static void
nps_final_blob(duckdb_function_info info, duckdb_aggregate_state *src,
               duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    (void) info;
    for (i = 0; i < count; i++) {
        uint8_t buf[48];
        size_t len = 0;
        loy_nps_tally_serialize(buf, sizeof buf, &len, &((NpsState *) src[i])->t);
        ddb_set_blob(out, offset + i, buf, len);
    }
}

static uint64_t
tally_n(const loy_nps_tally *t)
{
    return t->detractors + t->passives + t->promoters;
}

static void
nps_final_point(duckdb_function_info info, duckdb_aggregate_state *src,
                duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    double *d = (double *) duckdb_vector_get_data(out);
    for (i = 0; i < count; i++) {
        const loy_nps_tally *t = &((NpsState *) src[i])->t;
        loy_nps_result r;
        if (tally_n(t) == 0) {
            ddb_set_null(out, offset + i);
            continue;
        }
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        if (loy_nps_estimate(&r, t, LOY_NPS_WALD, 0.95, NULL) != LOY_OK) {
            ddb_agg_error(info, LOY_EEMPTY, "nps", "no response");
            return;
        }
        d[offset + i] = r.nps;
    }
}

/* nps_interval: STRUCT(nps, lower, upper, se, n, flags) */
static duckdb_logical_type
interval_type(void)
{
    static const char *const names[6] = {"nps", "lower", "upper", "se", "n",
                                         "flags"};
    duckdb_logical_type t[6];
    t[0] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[1] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[2] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[3] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[4] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[5] = ddb_type(DUCKDB_TYPE_INTEGER);
    return ddb_struct(6, names, t);
}

static void
put_interval(duckdb_vector out, idx_t row, const loy_nps_result *r)
{
    ddb_put_f64(out, 0, row, r->nps);
    ddb_put_f64(out, 1, row, r->lower);
    ddb_put_f64(out, 2, row, r->upper);
    ddb_put_f64(out, 3, row, r->se);
    ddb_put_i64(out, 4, row, (int64_t) r->n);
    ddb_put_i32(out, 5, row, (int32_t) r->flags);
}

static void
nps_final_ci(duckdb_function_info info, duckdb_aggregate_state *src,
             duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        const loy_nps_tally *t = &((NpsState *) src[i])->t;
        loy_nps_result r;
        if (tally_n(t) == 0) {
            ddb_set_null(out, offset + i);
            continue;
        }
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        if (loy_nps_estimate(&r, t, LOY_NPS_WALD, 0.95, NULL) != LOY_OK) {
            ddb_agg_error(info, LOY_EEMPTY, "nps_ci", "no response");
            return;
        }
        put_interval(out, offset + i, &r);
    }
}

/* ------------------------------------------------------------------ */
/* scalar estimates on stored tallies                                  */
/* ------------------------------------------------------------------ */

static int
blob_tally(duckdb_function_info info, duckdb_string_t *b, loy_nps_tally *t,
           const char *what)
{
    size_t len;
    const uint8_t *p = ddb_blob(b, &len);
    int rc;
    t->struct_size = sizeof *t;
    rc = loy_nps_tally_deserialize(t, p, len);
    if (rc != LOY_OK)
        ddb_scalar_error(info, rc, what, "malformed nps_tally of %zu bytes", len);
    return rc;
}

/* nps_estimate(tally [, method, level]) */
static void
estimate_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), ncol = duckdb_data_chunk_get_column_count(in), i;
    duckdb_vector v0 = duckdb_data_chunk_get_vector(in, 0);
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(v0);
    duckdb_string_t *m = ncol > 1 ? (duckdb_string_t *) duckdb_vector_get_data(
                                        duckdb_data_chunk_get_vector(in, 1)) : NULL;
    const double *lv = ncol > 2 ? (const double *) duckdb_vector_get_data(
                                      duckdb_data_chunk_get_vector(in, 2)) : NULL;
    const uint64_t *val = duckdb_vector_get_validity(v0);
    for (i = 0; i < n; i++) {
        loy_nps_tally t;
        loy_nps_result r;
        int method = LOY_NPS_WALD, rc;
        double level = lv ? lv[i] : 0.95;
        if (!ddb_valid(val, i)) {
            ddb_set_null(out, i);
            continue;
        }
        if (blob_tally(info, &b[i], &t, "nps_estimate") != LOY_OK)
            return;
        if (m != NULL) {
            size_t len;
            const char *s = (const char *) ddb_blob(&m[i], &len);
            method = ddb_method(s, len);
            if (method < 0) {
                ddb_scalar_error(info, LOY_EINVAL, "nps_estimate",
                                 "unknown interval method \"%.*s\" (wald, "
                                 "adjusted, score)", (int) len, s);
                return;
            }
        }
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        rc = loy_nps_estimate(&r, &t, (uint32_t) method, level, NULL);
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, "nps_estimate", "cannot estimate NPS of "
                             "%llu responses at level %g",
                             (unsigned long long) tally_n(&t), level);
            return;
        }
        put_interval(out, i, &r);
    }
}

/* nps_compare(a, b, method, level) */
static void
compare_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_string_t *a = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    duckdb_string_t *m = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    const double *lv = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 3));
    for (i = 0; i < n; i++) {
        loy_nps_tally ta, tb;
        loy_nps_diff d;
        size_t len;
        const char *s = (const char *) ddb_blob(&m[i], &len);
        int method = ddb_method(s, len), rc;
        if (blob_tally(info, &a[i], &ta, "nps_compare") != LOY_OK
            || blob_tally(info, &b[i], &tb, "nps_compare") != LOY_OK)
            return;
        if (method < 0 || method == LOY_NPS_SCORE) {
            ddb_scalar_error(info, LOY_EINVAL, "nps_compare",
                             "interval method \"%.*s\" (wald, adjusted)",
                             (int) len, s);
            return;
        }
        memset(&d, 0, sizeof d);
        d.struct_size = sizeof d;
        rc = loy_nps_compare(&d, &ta, &tb, (uint32_t) method, lv[i], NULL);
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, "nps_compare", "%s",
                             rc == LOY_EDEGENERATE
                                 ? "both samples have zero variance"
                                 : loy_strerror(rc));
            return;
        }
        ddb_put_f64(out, 0, i, d.diff);
        ddb_put_f64(out, 1, i, d.lower);
        ddb_put_f64(out, 2, i, d.upper);
        ddb_put_f64(out, 3, i, d.se);
        ddb_put_f64(out, 4, i, d.z_stat);
        ddb_put_f64(out, 5, i, d.p_value);
        ddb_put_i32(out, 6, i, (int32_t) d.flags);
    }
}

/* nps_counts(tally): STRUCT(detractors, passives, promoters, rejected, n) */
static void
counts_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    for (i = 0; i < n; i++) {
        loy_nps_tally t;
        if (blob_tally(info, &b[i], &t, "nps_counts") != LOY_OK)
            return;
        ddb_put_i64(out, 0, i, (int64_t) t.detractors);
        ddb_put_i64(out, 1, i, (int64_t) t.passives);
        ddb_put_i64(out, 2, i, (int64_t) t.promoters);
        ddb_put_i64(out, 3, i, (int64_t) t.rejected);
        ddb_put_i64(out, 4, i, (int64_t) tally_n(&t));
    }
}

/* ------------------------------------------------------------------ */
/* weighted tally                                                      */
/* ------------------------------------------------------------------ */

typedef struct WState {
    DdbScratch s;
    loy_nps_wtally t;
} WState;

static void
w_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    WState *s = (WState *) state;
    (void) info;
    memset(s, 0, sizeof *s);
    s->t.struct_size = sizeof s->t;
}

static _Thread_local double t_f64a[4096], t_f64b[4096];

static void
w_update(duckdb_function_info info, duckdb_data_chunk in,
         duckdb_aggregate_state *states)
{
    const double *sc = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    const double *w = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    DdbGroups g;
    idx_t k, j;
    if (ddb_group(&g, states, in, 0x3u) != 0)
        return;
    for (k = 0; k < g.n_groups; k++) {
        loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
        size_t m = 0, bad = 0;
        int rc;
        for (j = g.start[k]; j < g.start[k + 1]; j++) {
            t_f64a[m] = sc[g.row[j]];
            t_f64b[m++] = w[g.row[j]];
        }
        rc = loy_nps_wtally_f64(&t, t_f64a, t_f64b, m, NULL, 0, &bad);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "nps_wtally", "row (score %g, weight %g) is "
                          "not a whole 0-10 score with a weight >= 0",
                          t_f64a[bad], t_f64b[bad]);
            return;
        }
        if (loy_nps_wtally_merge(&((WState *) g.state[k])->t, &t) != LOY_OK) {
            ddb_agg_error(info, LOY_EOVERFLOW, "nps_wtally", "counts exceed 2^64 - 1");
            return;
        }
    }
}

static void
w_combine(duckdb_function_info info, duckdb_aggregate_state *src,
          duckdb_aggregate_state *dst, idx_t count)
{
    idx_t i;
    for (i = 0; i < count; i++)
        if (loy_nps_wtally_merge(&((WState *) dst[i])->t,
                                 &((WState *) src[i])->t) != LOY_OK) {
            ddb_agg_error(info, LOY_EOVERFLOW, "nps_wtally", "counts exceed 2^64 - 1");
            return;
        }
}

static void
w_final(duckdb_function_info info, duckdb_aggregate_state *src,
        duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    (void) info;
    for (i = 0; i < count; i++) {
        uint8_t buf[96];
        size_t len = 0;
        loy_nps_wtally_serialize(buf, sizeof buf, &len, &((WState *) src[i])->t);
        ddb_set_blob(out, offset + i, buf, len);
    }
}

/* ------------------------------------------------------------------ */
/* score tallies: CSAT and CES                                         */
/* ------------------------------------------------------------------ */

static int
st_ser(uint8_t *buf, size_t cap, size_t *len, const void *t)
{
    return loy_score_tally_serialize(buf, cap, len, (const loy_score_tally *) t);
}

static int
st_de(void **out, const uint8_t *buf, size_t len)
{
    return loy_score_tally_deserialize((loy_score_tally **) out, buf, len);
}

static int
st_merge(void *acc, const void *add)
{
    return loy_score_tally_merge((loy_score_tally *) acc,
                                 (const loy_score_tally *) add);
}

static void
st_free(void *t)
{
    loy_score_tally_free((loy_score_tally *) t);
}

static const DdbKind score_kind = {"score_tally", st_ser, st_de, st_merge,
                                   st_free};

/* Add the rows of each group: scale fixed (lo, hi) or from columns. */
static void
s_update_scale(duckdb_function_info info, duckdb_data_chunk in,
               duckdb_aggregate_state *states, int32_t lo, int32_t hi,
               int scale_cols)
{
    const int32_t *sc = (const int32_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    const int32_t *clo = NULL, *chi = NULL;
    DdbGroups g;
    idx_t k, j;
    if (scale_cols) {
        clo = (const int32_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
        chi = (const int32_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    }
    if (ddb_group(&g, states, in, scale_cols ? 0x7u : 0x1u) != 0)
        return;
    for (k = 0; k < g.n_groups; k++) {
        DdbHState *s = (DdbHState *) g.state[k];
        size_t m = 0, bad = 0;
        int32_t slo, shi;
        int rc;
        for (j = g.start[k]; j < g.start[k + 1]; j++) {
            uint32_t r = g.row[j];
            int32_t l = scale_cols ? clo[r] : lo, h = scale_cols ? chi[r] : hi;
            if (s->h == NULL) {
                rc = loy_score_tally_new((loy_score_tally **) &s->h, l, h);
                if (rc != LOY_OK) {
                    ddb_agg_error(info, rc, "score_tally", "scale %d..%d is empty "
                                  "or too wide", l, h);
                    return;
                }
            }
            loy_score_tally_scale(&slo, &shi, s->h);
            if (l != slo || h != shi) {
                ddb_agg_error(info, LOY_EINVAL, "score_tally", "scale %d..%d "
                              "differs from the group's %d..%d", l, h, slo, shi);
                return;
            }
            t_i32[m++] = sc[r];
        }
        rc = loy_score_tally_add_i32(s->h, t_i32, m, 0, &bad);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "score_tally", "score %d is outside the "
                          "scale %d..%d", t_i32[bad], slo, shi);
            return;
        }
    }
}

static void
csat_update(duckdb_function_info info, duckdb_data_chunk in,
            duckdb_aggregate_state *states)
{
    s_update_scale(info, in, states, 1, 5, 0);
}

static void
ces_update(duckdb_function_info info, duckdb_data_chunk in,
           duckdb_aggregate_state *states)
{
    s_update_scale(info, in, states, 1, 7, 0);
}

static void
score_update(duckdb_function_info info, duckdb_data_chunk in,
             duckdb_aggregate_state *states)
{
    s_update_scale(info, in, states, 0, 0, 1);
}

static uint64_t t_hist[LOY_SCORE_TALLY_MAX_BINS];

static int
hist_of(const loy_score_tally *t, int32_t *lo, int32_t *hi, uint64_t *h)
{
    uint64_t tot = 0;
    size_t k, n;
    loy_score_tally_scale(lo, hi, t);
    n = (size_t) (*hi - *lo + 1);
    loy_score_tally_counts(h, n, NULL, t);
    for (k = 0; k < n; k++)
        tot += h[k];
    return tot > 0;
}

static void
csat_final(duckdb_function_info info, duckdb_aggregate_state *src,
           duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        const DdbHState *s = (const DdbHState *) src[i];
        uint64_t h[5];
        int32_t lo, hi, scale[3] = {1, 4, 5};
        loy_csat_result r;
        if (s->h == NULL || !hist_of(s->h, &lo, &hi, h)) {
            ddb_set_null(out, offset + i);
            continue;
        }
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        if (loy_csat_from_counts(&r, h, 5, scale, 0.95) != LOY_OK) {
            ddb_agg_error(info, LOY_EEMPTY, "csat", "no response");
            return;
        }
        ddb_put_f64(out, 0, offset + i, r.csat);
        ddb_put_f64(out, 1, offset + i, r.lower);
        ddb_put_f64(out, 2, offset + i, r.upper);
        ddb_put_f64(out, 3, offset + i, r.se);
        ddb_put_i64(out, 4, offset + i, (int64_t) r.n);
        ddb_put_i64(out, 5, offset + i, (int64_t) r.top);
        ddb_put_i32(out, 6, offset + i, (int32_t) r.flags);
    }
}

static void
ces_final(duckdb_function_info info, duckdb_aggregate_state *src,
          duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        const DdbHState *s = (const DdbHState *) src[i];
        uint64_t h[7];
        int32_t lo, hi, scale[4] = {1, 3, 5, 7};
        loy_ces_result r;
        if (s->h == NULL || !hist_of(s->h, &lo, &hi, h)) {
            ddb_set_null(out, offset + i);
            continue;
        }
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        if (loy_ces_from_counts(&r, h, 7, scale, 0.95) != LOY_OK) {
            ddb_agg_error(info, LOY_EEMPTY, "ces", "no response");
            return;
        }
        ddb_put_f64(out, 0, offset + i, r.mean);
        ddb_put_f64(out, 1, offset + i, r.lower);
        ddb_put_f64(out, 2, offset + i, r.upper);
        ddb_put_f64(out, 3, offset + i, r.sd);
        ddb_put_f64(out, 4, offset + i, r.agree);
        ddb_put_f64(out, 5, offset + i, r.disagree);
        ddb_put_i64(out, 6, offset + i, (int64_t) r.n);
        ddb_put_i32(out, 7, offset + i, (int32_t) r.flags);
    }
}

/* csat_estimate(tally, top_min, level) on a stored score tally */
static void
csat_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    const int32_t *top = (const int32_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    const double *lv = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    for (i = 0; i < n; i++) {
        loy_score_tally *t = NULL;
        size_t len;
        const uint8_t *p = ddb_blob(&b[i], &len);
        int32_t lo, hi, scale[3];
        loy_csat_result r;
        int rc = loy_score_tally_deserialize(&t, p, len);
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, "csat", "malformed score_tally");
            return;
        }
        hist_of(t, &lo, &hi, t_hist);
        loy_score_tally_free(t);
        scale[0] = lo;
        scale[1] = top[i];
        scale[2] = hi;
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        rc = loy_csat_from_counts(&r, t_hist, (size_t) (hi - lo + 1), scale, lv[i]);
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, "csat", "top box from %d on %d..%d at "
                             "level %g", top[i], lo, hi, lv[i]);
            return;
        }
        ddb_put_f64(out, 0, i, r.csat);
        ddb_put_f64(out, 1, i, r.lower);
        ddb_put_f64(out, 2, i, r.upper);
        ddb_put_f64(out, 3, i, r.se);
        ddb_put_i64(out, 4, i, (int64_t) r.n);
        ddb_put_i64(out, 5, i, (int64_t) r.top);
        ddb_put_i32(out, 6, i, (int32_t) r.flags);
    }
}

/* ------------------------------------------------------------------ */
/* registration                                                        */
/* ------------------------------------------------------------------ */

static duckdb_logical_type
csat_type(void)
{
    static const char *const names[7] = {"csat", "lower", "upper", "se", "n",
                                         "top", "flags"};
    duckdb_logical_type t[7];
    int k;
    for (k = 0; k < 4; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[4] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[5] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[6] = ddb_type(DUCKDB_TYPE_INTEGER);
    return ddb_struct(7, names, t);
}

static duckdb_logical_type
ces_type(void)
{
    static const char *const names[8] = {"mean", "lower", "upper", "sd",
                                         "agree", "disagree", "n", "flags"};
    duckdb_logical_type t[8];
    int k;
    for (k = 0; k < 6; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[6] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[7] = ddb_type(DUCKDB_TYPE_INTEGER);
    return ddb_struct(8, names, t);
}

static duckdb_logical_type
difference_type(void)
{
    static const char *const names[7] = {"diff", "lower", "upper", "se", "z",
                                         "p_value", "flags"};
    duckdb_logical_type t[7];
    int k;
    for (k = 0; k < 6; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[6] = ddb_type(DUCKDB_TYPE_INTEGER);
    return ddb_struct(7, names, t);
}

static duckdb_logical_type
counts_type(void)
{
    static const char *const names[5] = {"detractors", "passives", "promoters",
                                         "rejected", "n"};
    duckdb_logical_type t[5];
    int k;
    for (k = 0; k < 5; k++)
        t[k] = ddb_type(DUCKDB_TYPE_BIGINT);
    return ddb_struct(5, names, t);
}

#define INT DUCKDB_TYPE_INTEGER
#define DBL DUCKDB_TYPE_DOUBLE
#define BLB DUCKDB_TYPE_BLOB

int
ddb_register_nps(duckdb_connection con, char *err, size_t err_len)
{
    DdbAgg aggs[] = {
        {"nps_tally", 1, {INT}, ddb_type(BLB), sizeof(NpsState), nps_init,
         nps_update, nps_combine, nps_final_blob, NULL, NULL},
        {"nps_tally", 1, {BLB}, ddb_type(BLB), sizeof(NpsState), nps_init,
         nps_update_blob, nps_combine, nps_final_blob, NULL, NULL},
        {"nps", 1, {INT}, ddb_type(DBL), sizeof(NpsState), nps_init,
         nps_update, nps_combine, nps_final_point, NULL, NULL},
        {"nps_ci", 1, {INT}, interval_type(), sizeof(NpsState), nps_init,
         nps_update, nps_combine, nps_final_ci, NULL, NULL},
        {"nps_wtally", 2, {DBL, DBL}, ddb_type(BLB), sizeof(WState), w_init,
         w_update, w_combine, w_final, NULL, NULL},
        {"csat", 1, {INT}, csat_type(), sizeof(DdbHState), ddb_h_init,
         csat_update, ddb_h_combine, csat_final, ddb_h_destroy, &score_kind},
        {"ces", 1, {INT}, ces_type(), sizeof(DdbHState), ddb_h_init,
         ces_update, ddb_h_combine, ces_final, ddb_h_destroy, &score_kind},
        {"score_tally", 3, {INT, INT, INT}, ddb_type(BLB), sizeof(DdbHState),
         ddb_h_init, score_update, ddb_h_combine, ddb_h_final_blob,
         ddb_h_destroy, &score_kind},
        {NULL, 0, {0}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
    };
    DdbScalar fns[] = {
        {"nps_estimate", 1, {ddb_type(BLB)}, interval_type(), estimate_fn},
        {"nps_estimate", 3, {ddb_type(BLB), ddb_type(DUCKDB_TYPE_VARCHAR),
                             ddb_type(DBL)}, interval_type(), estimate_fn},
        {"nps_compare", 4, {ddb_type(BLB), ddb_type(BLB),
                            ddb_type(DUCKDB_TYPE_VARCHAR), ddb_type(DBL)},
         difference_type(), compare_fn},
        {"nps_counts", 1, {ddb_type(BLB)}, counts_type(), counts_fn},
        {"csat_estimate", 3, {ddb_type(BLB), ddb_type(INT), ddb_type(DBL)}, csat_type(),
         csat_fn},
        {NULL, 0, {NULL}, NULL, NULL},
    };
    return ddb_register_all(con, aggs, fns, err, err_len);
}
