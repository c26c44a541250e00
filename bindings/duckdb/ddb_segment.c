/* SPDX-License-Identifier: MIT */
/*
 * ddb_segment.c - ABC thresholds and classes, and the ABC x loyalty
 * crossing, for DuckDB.
 *
 * ABC thresholds need every value: the state is the list of values. The
 * crossing's state is the library's segment tally; each update call adds
 * each group's rows in one loy_segment_tally_add() call.
 */
#include "ddb_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* ABC thresholds                                                      */
/* ------------------------------------------------------------------ */

typedef struct VState {
    DdbScratch s;
    double *v;
    size_t n, cap;
} VState;

static void
v_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    (void) info;
    memset(state, 0, sizeof(VState));
}

static void
v_destroy(duckdb_aggregate_state *states, idx_t count)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        free(((VState *) states[i])->v);
        ((VState *) states[i])->v = NULL;
    }
}

static int
v_reserve(VState *s, size_t more)
{
    size_t cap;
    double *p;
    if (s->n + more <= s->cap)
        return 0;
    cap = s->cap ? 2 * s->cap : 256;
    while (cap < s->n + more)
        cap *= 2;
    p = realloc(s->v, cap * sizeof *p);
    if (p == NULL)
        return -1;
    s->v = p;
    s->cap = cap;
    return 0;
}

static void
v_update(duckdb_function_info info, duckdb_data_chunk in,
         duckdb_aggregate_state *states)
{
    const double *x = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    DdbGroups g;
    idx_t k, j;
    if (ddb_group(&g, states, in, 0x1u) != 0)
        return;
    for (k = 0; k < g.n_groups; k++) {
        VState *s = (VState *) g.state[k];
        if (v_reserve(s, g.start[k + 1] - g.start[k]) != 0) {
            ddb_agg_error(info, LOY_ENOMEM, "abc_thresholds", "out of memory");
            return;
        }
        for (j = g.start[k]; j < g.start[k + 1]; j++) {
            double v = x[g.row[j]];
            if (!isfinite(v) || v < 0.0) {
                ddb_agg_error(info, isfinite(v) ? LOY_ESCALE : LOY_ENONFINITE,
                              "abc_thresholds", "value %g is %s", v,
                              isfinite(v) ? "negative" : "not finite");
                return;
            }
            s->v[s->n++] = v;
        }
    }
}

static void
v_combine(duckdb_function_info info, duckdb_aggregate_state *src,
          duckdb_aggregate_state *dst, idx_t count)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        VState *a = (VState *) dst[i], *b = (VState *) src[i];
        if (b->n == 0)
            continue;
        if (v_reserve(a, b->n) != 0) {
            ddb_agg_error(info, LOY_ENOMEM, "abc_thresholds", "out of memory");
            return;
        }
        memcpy(a->v + a->n, b->v, b->n * sizeof *b->v);
        a->n += b->n;
    }
}

static duckdb_logical_type
abc_type(void)
{
    static const char *const names[8] = {"threshold_ab", "threshold_bc",
                                         "customers", "count_a", "count_b",
                                         "count_c", "total_value", "value_a"};
    duckdb_logical_type t[8];
    t[0] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[1] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[2] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[3] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[4] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[5] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[6] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[7] = ddb_type(DUCKDB_TYPE_DOUBLE);
    return ddb_struct(8, names, t);
}

static void
v_final(duckdb_function_info info, duckdb_aggregate_state *src,
        duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        VState *s = (VState *) src[i];
        loy_abc_summary sum = LOY_ABC_SUMMARY_INIT;
        size_t bad = 0;
        int rc;
        if (s->n == 0) {
            ddb_set_null(out, offset + i);
            continue;
        }
        rc = loy_abc_classify(NULL, &sum, s->v, s->n, LOY_ABC_DEFAULT_CUT_A,
                              LOY_ABC_DEFAULT_CUT_B, 0, &bad);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "abc_thresholds", "%s", rc == LOY_EEMPTY
                          ? "the values add up to 0" : loy_strerror(rc));
            return;
        }
        ddb_put_f64(out, 0, offset + i, sum.threshold_ab);
        ddb_put_f64(out, 1, offset + i, sum.threshold_bc);
        ddb_put_i64(out, 2, offset + i, (int64_t) sum.n);
        ddb_put_i64(out, 3, offset + i, (int64_t) sum.count[0]);
        ddb_put_i64(out, 4, offset + i, (int64_t) sum.count[1]);
        ddb_put_i64(out, 5, offset + i, (int64_t) sum.count[2]);
        ddb_put_f64(out, 6, offset + i, sum.total_value);
        ddb_put_f64(out, 7, offset + i, sum.value[0]);
    }
}

/* abc_class(value, threshold_ab, threshold_bc): 'A', 'B' or 'C' */
static void
class_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    const double *v = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    const double *ab = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    const double *bc = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    for (i = 0; i < n; i++) {
        if (!isfinite(v[i]) || v[i] < 0.0) {
            ddb_scalar_error(info, isfinite(v[i]) ? LOY_ESCALE : LOY_ENONFINITE,
                             "abc_class", "value %g is %s", v[i],
                             isfinite(v[i]) ? "negative" : "not finite");
            return;
        }
        duckdb_vector_assign_string_element(out, i, v[i] >= ab[i] ? "A"
                                                    : v[i] >= bc[i] ? "B" : "C");
    }
}

/* ------------------------------------------------------------------ */
/* the crossing                                                        */
/* ------------------------------------------------------------------ */

static int
sg_ser(uint8_t *buf, size_t cap, size_t *len, const void *t)
{
    return loy_segment_tally_serialize(buf, cap, len, (const loy_segment_tally *) t);
}

static int
sg_de(void **out, const uint8_t *buf, size_t len)
{
    return loy_segment_tally_deserialize((loy_segment_tally **) out, buf, len);
}

static int
sg_merge(void *acc, const void *add)
{
    return loy_segment_tally_merge((loy_segment_tally *) acc,
                                   (const loy_segment_tally *) add);
}

static void
sg_free(void *t)
{
    loy_segment_tally_free((loy_segment_tally *) t);
}

static const DdbKind segment_kind = {"abc_loyalty", sg_ser, sg_de, sg_merge,
                                     sg_free};

static _Thread_local double x_val[4096];
static _Thread_local uint8_t x_cls[4096];
static _Thread_local int32_t x_loy[4096];

/* abc_loyalty(value_class VARCHAR, score INTEGER, value DOUBLE): a NULL
 * score is a customer without an answer; rows with a NULL class or value
 * are skipped. */
static void
x_update(duckdb_function_info info, duckdb_data_chunk in,
         duckdb_aggregate_state *states)
{
    duckdb_string_t *cls = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    duckdb_vector sv = duckdb_data_chunk_get_vector(in, 1);
    const int32_t *sc = (const int32_t *) duckdb_vector_get_data(sv);
    const uint64_t *sval = duckdb_vector_get_validity(sv);
    const double *val = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    DdbGroups g;
    idx_t k, j;
    if (ddb_group(&g, states, in, 0x5u) != 0)
        return;
    for (k = 0; k < g.n_groups; k++) {
        DdbHState *s = (DdbHState *) g.state[k];
        loy_segment_input inp = LOY_SEGMENT_INPUT_INIT;
        size_t n = 0, bad = 0;
        int rc;
        for (j = g.start[k]; j < g.start[k + 1]; j++) {
            uint32_t r = g.row[j];
            size_t len;
            const char *c = (const char *) ddb_blob(&cls[r], &len);
            if (len != 1 || (c[0] != 'A' && c[0] != 'B' && c[0] != 'C')) {
                ddb_agg_error(info, LOY_ESCALE, "abc_loyalty", "value class "
                              "\"%.*s\" is not A, B or C", (int) len, c);
                return;
            }
            x_cls[n] = (uint8_t) (c[0] - 'A');
            x_loy[n] = ddb_valid(sval, r) ? sc[r] : LOY_SEGMENT_NO_ANSWER;
            x_val[n++] = val[r];
        }
        if (s->h == NULL && loy_segment_tally_new((loy_segment_tally **) &s->h) != LOY_OK) {
            ddb_agg_error(info, LOY_ENOMEM, "abc_loyalty", "out of memory");
            return;
        }
        inp.n = n;
        inp.value = x_val;
        inp.value_class = x_cls;
        inp.loyalty = x_loy;
        inp.flags = LOY_SEGMENT_RAW_SCORES;
        rc = loy_segment_tally_add(s->h, &inp, &bad);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "abc_loyalty", "customer (score %d, value "
                          "%g): a score outside 0..10 or a negative or "
                          "non-finite value", x_loy[bad], x_val[bad]);
            return;
        }
    }
}

/* abc_loyalty_cells(tally): LIST(STRUCT(value_class, loyalty, customers,
 * value, value_share, action)) of the 12 cells */
static duckdb_logical_type
cell_type(void)
{
    static const char *const names[6] = {"value_class", "loyalty", "customers",
                                         "value", "value_share", "action"};
    duckdb_logical_type t[6], s, l;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[2] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[3] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[4] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[5] = ddb_type(DUCKDB_TYPE_VARCHAR);
    s = ddb_struct(6, names, t);
    l = duckdb_create_list_type(s);
    duckdb_destroy_logical_type(&s);
    return l;
}

static void
cells_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    static const char *const cls[3] = {"A", "B", "C"};
    static const char *const col[4] = {"promoter", "passive", "detractor",
                                       "no answer"};
    idx_t n = duckdb_data_chunk_get_size(in), i, c;
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    duckdb_list_entry *e = (duckdb_list_entry *) duckdb_vector_get_data(out);
    for (i = 0; i < n; i++) {
        loy_segment_tally *t = NULL;
        loy_segment_result r;
        size_t len;
        const uint8_t *bytes = ddb_blob(&b[i], &len);
        idx_t off = duckdb_list_vector_get_size(out);
        duckdb_vector child;
        int rc = loy_segment_tally_deserialize(&t, bytes, len);
        if (rc == LOY_OK) {
            memset(&r, 0, sizeof r);
            r.struct_size = sizeof r;
            rc = loy_segment_tally_result(&r, t, LOY_NPS_WALD, 0.95, 0);
        }
        loy_segment_tally_free(t);
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, "abc_loyalty_cells", "%s",
                             rc == LOY_EEMPTY ? "no customer, or a total value of 0"
                                              : "malformed segment_tally");
            return;
        }
        duckdb_list_vector_reserve(out, off + 12);
        child = duckdb_list_vector_get_child(out);
        for (c = 0; c < 12; c++) {
            ddb_put_str(child, 0, off + c, cls[c / 4]);
            ddb_put_str(child, 1, off + c, col[c % 4]);
            ddb_put_i64(child, 2, off + c, (int64_t) r.count[c]);
            ddb_put_f64(child, 3, off + c, r.value[c]);
            ddb_put_f64(child, 4, off + c, r.value_share[c]);
            ddb_put_str(child, 5, off + c, loy_segment_action_name(r.action[c]));
        }
        duckdb_list_vector_set_size(out, off + 12);
        e[i].offset = off;
        e[i].length = 12;
    }
}

#define DBL DUCKDB_TYPE_DOUBLE
#define BLB DUCKDB_TYPE_BLOB
#define INT DUCKDB_TYPE_INTEGER
#define VCH DUCKDB_TYPE_VARCHAR

int
ddb_register_segment(duckdb_connection con, char *err, size_t err_len)
{
    DdbAgg aggs[] = {
        {"abc_thresholds", 1, {DBL}, abc_type(), sizeof(VState), v_init,
         v_update, v_combine, v_final, v_destroy, NULL},
        {"abc_loyalty", 3, {VCH, INT, DBL}, ddb_type(BLB), sizeof(DdbHState),
         ddb_h_init, x_update, ddb_h_combine, ddb_h_final_blob, ddb_h_destroy,
         &segment_kind},
        {"abc_loyalty", 1, {BLB}, ddb_type(BLB), sizeof(DdbHState),
         ddb_h_init, ddb_h_update_blob, ddb_h_combine, ddb_h_final_blob,
         ddb_h_destroy, &segment_kind},
        {NULL, 0, {0}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
    };
    DdbScalar fns[] = {
        {"abc_class", 3, {ddb_type(DBL), ddb_type(DBL), ddb_type(DBL)},
         ddb_type(VCH), class_fn},
        {"abc_loyalty_cells", 1, {ddb_type(BLB)}, cell_type(), cells_fn},
        {NULL, 0, {NULL}, NULL, NULL},
    };
    return ddb_register_all(con, aggs, fns, err, err_len);
}
