/* SPDX-License-Identifier: MIT */
/*
 * pg_segment.c - ABC classes and the ABC x loyalty crossing in SQL.
 *
 * ABC thresholds need every value (the thresholds are exact order
 * statistics of the cumulative value curve), so their state is a plain
 * float8[] of the values, appended in place as an expanded array and
 * concatenated by the combine function; the final function calls
 * loy_abc_classify(). No library state is involved: the values are the
 * state.
 *
 * The crossing's state is the library's mergeable segment tally (per-cell
 * sums). Rows are validated one by one (so an error names the customer's
 * values) and buffered, then fed to the library in blocks.
 */
#include "loyalty_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* ------------------------------------------------------------------ */
/* ABC thresholds                                                      */
/* ------------------------------------------------------------------ */

static void
check_value(double v, const char *what)
{
    if (!isfinite(v))
        loy_pg_error(LOY_ENONFINITE, what, "value %s is not finite",
                     loy_pg_f64_text(v));
    if (v < 0.0)
        loy_pg_error(LOY_ESCALE, what, "value %s is negative",
                     loy_pg_f64_text(v));
}

/* Our writable expanded float8[] (argument argno), or a new/copied one. */
static ExpandedArrayHeader *
values_arg(FunctionCallInfo fcinfo, int argno, MemoryContext aggctx)
{
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    Datum d;
    if (PG_ARGISNULL(argno)) {
        MemoryContext old = MemoryContextSwitchTo(cxt);
        ArrayType *a = construct_empty_array(FLOAT8OID);
        MemoryContextSwitchTo(old);
        d = expand_array(PointerGetDatum(a), cxt, NULL);
        return (ExpandedArrayHeader *) DatumGetEOHP(d);
    }
    d = PG_GETARG_DATUM(argno);
    if (aggctx != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d))) {
        ExpandedArrayHeader *eah = (ExpandedArrayHeader *) DatumGetEOHP(d);
        if (MemoryContextGetParent(eah->hdr.eoh_context) == aggctx)
            return eah;
    }
    return (ExpandedArrayHeader *) DatumGetEOHP(expand_array(d, cxt, NULL));
}

static Datum
append_value(ExpandedArrayHeader *eah, double v)
{
    int idx = eah->ndims == 0 ? 1 : eah->lbound[0] + eah->dims[0];
    return array_set_element(EOHPGetRWDatum(&eah->hdr), 1, &idx,
                             Float8GetDatum(v), false, -1, sizeof(float8),
                             FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* Transition of abc_thresholds(value [, cut_a, cut_b]): NULLs skipped. */
PG_FUNCTION_INFO_V1(loyalty_values_add);
Datum
loyalty_values_add(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    double v;
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0))
            PG_RETURN_NULL();
        PG_RETURN_DATUM(PG_GETARG_DATUM(0));
    }
    v = PG_GETARG_FLOAT8(1);
    check_value(v, "abc_thresholds");
    PG_RETURN_DATUM(append_value(values_arg(fcinfo, 0, aggctx), v));
}

PG_FUNCTION_INFO_V1(loyalty_values_combine);
Datum
loyalty_values_combine(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    ExpandedArrayHeader *acc;
    ArrayType *add;
    double *vals;
    int n, i;
    Datum r;
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0))
            PG_RETURN_NULL();
        PG_RETURN_DATUM(PG_GETARG_DATUM(0));
    }
    acc = values_arg(fcinfo, 0, aggctx);
    add = DatumGetArrayTypeP(PG_GETARG_DATUM(1));
    vals = loy_pg_float8_values(add, &n, "abc_thresholds", "the state");
    r = EOHPGetRWDatum(&acc->hdr);
    for (i = 0; i < n; i++)
        r = append_value(acc, vals[i]);
    PG_RETURN_DATUM(r);
}

/* abc_summary: (threshold_ab, threshold_bc, customers, count_a, count_b,
 * count_c, value_a, value_b, value_c, total_value, cut_a, cut_b) */
PG_FUNCTION_INFO_V1(loyalty_abc_final);
Datum
loyalty_abc_final(PG_FUNCTION_ARGS)
{
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    double cut_a = LOY_ABC_DEFAULT_CUT_A, cut_b = LOY_ABC_DEFAULT_CUT_B;
    ArrayType *arr;
    double *vals;
    Datum v[12];
    bool nulls[12];
    size_t bad = 0;
    int n, rc, k;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    if (PG_NARGS() > 2) {
        bool isnull;
        Datum d = loy_pg_agg_const(fcinfo, 1, &isnull, "abc_thresholds", "cut_a");
        cut_a = isnull ? cut_a : DatumGetFloat8(d);
        d = loy_pg_agg_const(fcinfo, 2, &isnull, "abc_thresholds", "cut_b");
        cut_b = isnull ? cut_b : DatumGetFloat8(d);
    }
    arr = DatumGetArrayTypeP(PG_GETARG_DATUM(0));
    vals = loy_pg_float8_values(arr, &n, "abc_thresholds", "the state");
    rc = loy_abc_classify(NULL, &s, vals, (size_t) n, cut_a, cut_b, 0, &bad);
    if (rc == LOY_EDOMAIN || (rc == LOY_ENONFINITE && bad == LOY_NO_INDEX))
        loy_pg_error(rc, "abc_thresholds", "cut-offs %s and %s are not "
                     "0 < cut_a < cut_b < 1", loy_pg_f64_text(cut_a),
                     loy_pg_f64_text(cut_b));
    if (rc == LOY_EEMPTY)
        loy_pg_error(rc, "abc_thresholds", "the %d values add up to 0", n);
    if (rc != LOY_OK)
        loy_pg_error(rc, "abc_thresholds", "value %s is invalid",
                     bad < (size_t) n ? loy_pg_f64_text(vals[bad]) : "?");
    memset(nulls, 0, sizeof nulls);
    v[0] = Float8GetDatum(s.threshold_ab);
    v[1] = Float8GetDatum(s.threshold_bc);
    v[2] = Int64GetDatum((int64) s.n);
    for (k = 0; k < 3; k++) {
        v[3 + k] = Int64GetDatum((int64) s.count[k]);
        v[6 + k] = Float8GetDatum(s.value[k]);
    }
    v[9] = Float8GetDatum(s.total_value);
    v[10] = Float8GetDatum(s.cut_a);
    v[11] = Float8GetDatum(s.cut_b);
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* abc_class(value, abc_summary): 'A', 'B' or 'C' (the summary's classes
 * are value ranges: A from threshold_ab, A or B from threshold_bc). */
PG_FUNCTION_INFO_V1(loyalty_abc_class);
Datum
loyalty_abc_class(PG_FUNCTION_ARGS)
{
    double v = PG_GETARG_FLOAT8(0), ab, bc;
    HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(1);
    bool n1, n2;
    ab = DatumGetFloat8(GetAttributeByNum(rec, 1, &n1));
    bc = DatumGetFloat8(GetAttributeByNum(rec, 2, &n2));
    if (n1 || n2)
        loy_pg_error(LOY_EINVAL, "abc_class", "the thresholds are NULL");
    check_value(v, "abc_class");
    PG_RETURN_TEXT_P(cstring_to_text(v >= ab ? "A" : v >= bc ? "B" : "C"));
}

/* ------------------------------------------------------------------ */
/* the crossing state                                                  */
/* ------------------------------------------------------------------ */

#define SEG_BUF 256

typedef struct SegBuf {
    int n;
    int full; /* lifetime value and churn supplied */
    double value[SEG_BUF];
    double ltv[SEG_BUF];
    double churn[SEG_BUF];
    int32_t loyalty[SEG_BUF];
    uint8_t vclass[SEG_BUF];
} SegBuf;

static void seg_flush(LoyEState *s);

static int
sg_serialize(uint8_t *buf, size_t cap, size_t *len, const void *obj)
{
    return loy_segment_tally_serialize(buf, cap, len,
                                       (const loy_segment_tally *) obj);
}

static int
sg_deserialize(void **out, const uint8_t *buf, size_t len)
{
    loy_segment_tally *t = NULL;
    int rc = loy_segment_tally_deserialize(&t, buf, len);
    *out = t;
    return rc;
}

static int
sg_merge(void *acc, const void *add)
{
    return loy_segment_tally_merge((loy_segment_tally *) acc,
                                   (const loy_segment_tally *) add);
}

static void
sg_free(void *obj)
{
    loy_segment_tally_free((loy_segment_tally *) obj);
}

static const LoyKind segment_kind = {"segment_tally", sg_serialize,
                                     sg_deserialize, sg_merge, sg_free,
                                     seg_flush};

static void
seg_flush(LoyEState *s)
{
    SegBuf *b = (SegBuf *) s->extra;
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    size_t bad = 0;
    int rc;
    if (b == NULL || b->n == 0)
        return;
    in.n = (size_t) b->n;
    in.value = b->value;
    in.value_class = b->vclass;
    in.loyalty = b->loyalty;
    in.flags = LOY_SEGMENT_RAW_SCORES;
    if (b->full) {
        in.lifetime_value = b->ltv;
        in.churn_prob = b->churn;
    }
    rc = loy_segment_tally_add(s->obj, &in, &bad);
    b->n = 0;
    if (rc != LOY_OK)
        loy_pg_error(rc, "abc_loyalty", "%s", rc == LOY_EINVAL
                     ? "rows with and without lifetime value and churn "
                       "probability cannot be combined"
                     : loy_strerror(rc));
}

static const LoyItem segment_items[] = {
    {LOY_ITEM_FIELD, "shape", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_ZERO, NULL, 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "customers", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_ARRAY, "cells", 5,
     {LOY_F_U64, LOY_F_F64, LOY_F_F64, LOY_F_F64, LOY_F_F64}, -1, 24},
    {LOY_ITEM_ARRAY, "risk", 2, {LOY_F_F64, LOY_F_F64}, -1, 3},
};
static const LoySchema segment_schema = {"segment_tally", 7, 1, 5,
                                         segment_items, NULL};

static const LoyType segment_tally_type = {&segment_schema, &segment_kind, NULL};

LOY_PG_TYPE_IO(segment_tally, segment_tally_type)

/* Value class code of 'A', 'B' or 'C'. */
static uint8_t
class_code(text *t)
{
    char *s = text_to_cstring(t);
    uint8_t c;
    if (pg_strcasecmp(s, "A") == 0)
        c = LOY_ABC_A;
    else if (pg_strcasecmp(s, "B") == 0)
        c = LOY_ABC_B;
    else if (pg_strcasecmp(s, "C") == 0)
        c = LOY_ABC_C;
    else
        loy_pg_error(LOY_ESCALE, "abc_loyalty",
                     "value class \"%s\" is not A, B or C", s);
    pfree(s);
    return c;
}

/*
 * Transition of abc_loyalty(value_class, score, value [, lifetime_value,
 * churn_prob]). A NULL score is a customer without an answer; a NULL class
 * or value skips the row.
 */
PG_FUNCTION_INFO_V1(loyalty_segment_add);
Datum
loyalty_segment_add(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    LoyEState *s = loy_pg_estate_arg(fcinfo, 0, aggctx, &segment_kind);
    int full = PG_NARGS() > 4;
    SegBuf *b;
    double v;
    int32 score = LOY_SEGMENT_NO_ANSWER;
    int k;
    if (PG_ARGISNULL(1) || PG_ARGISNULL(3)) {
        if (s == NULL)
            PG_RETURN_NULL();
        PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
    }
    if (s == NULL) {
        loy_segment_tally *t = NULL;
        s = loy_pg_estate_new(cxt, &segment_kind, NULL);
        LOY_PG_CHECK(loy_segment_tally_new(&t), "abc_loyalty");
        s->obj = t;
    }
    if (s->extra == NULL)
        s->extra = MemoryContextAllocZero(s->hdr.eoh_context, sizeof(SegBuf));
    b = (SegBuf *) s->extra;
    if (b->n == SEG_BUF || (b->n > 0 && b->full != full))
        seg_flush(s);
    k = b->n;
    b->full = full;
    b->vclass[k] = class_code(PG_GETARG_TEXT_PP(1));
    if (!PG_ARGISNULL(2)) {
        int32_t cls;
        score = PG_GETARG_INT32(2);
        if (loy_nps_classify(&cls, score, NULL) != LOY_OK)
            loy_pg_error(LOY_ESCALE, "abc_loyalty",
                         "score %d is outside the scale 0..10", score);
    }
    b->loyalty[k] = score;
    v = PG_GETARG_FLOAT8(3);
    check_value(v, "abc_loyalty");
    b->value[k] = v;
    if (full) {
        double ltv, churn;
        if (PG_ARGISNULL(4) || PG_ARGISNULL(5))
            loy_pg_error(LOY_EINVAL, "abc_loyalty",
                         "lifetime value and churn probability are NULL for a "
                         "customer of value %s", loy_pg_f64_text(v));
        ltv = PG_GETARG_FLOAT8(4);
        churn = PG_GETARG_FLOAT8(5);
        if (!isfinite(ltv) || !isfinite(churn))
            loy_pg_error(LOY_ENONFINITE, "abc_loyalty",
                         "lifetime value %s or churn probability %s is not "
                         "finite", loy_pg_f64_text(ltv),
                         loy_pg_f64_text(churn));
        if (churn < 0.0 || churn > 1.0)
            loy_pg_error(LOY_ESCALE, "abc_loyalty",
                         "churn probability %s is outside [0, 1]",
                         loy_pg_f64_text(churn));
        b->ltv[k] = ltv;
        b->churn[k] = churn;
    }
    b->n++;
    PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
}

PG_FUNCTION_INFO_V1(loyalty_segment_combine);
Datum
loyalty_segment_combine(PG_FUNCTION_ARGS)
{
    return loy_pg_estate_combine(fcinfo, &segment_kind);
}

PG_FUNCTION_INFO_V1(loyalty_segment_final);
Datum
loyalty_segment_final(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    PG_RETURN_BYTEA_P(loy_pg_estate_flatten(PG_GETARG_DATUM(0), &segment_kind));
}

/* ------------------------------------------------------------------ */
/* results                                                             */
/* ------------------------------------------------------------------ */

static void
segment_result(loy_segment_result *r, FunctionCallInfo fcinfo)
{
    const loy_segment_tally *t = loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                    &segment_kind);
    uint32_t method = loy_pg_nps_method(PG_GETARG_TEXT_PP(1), "abc_loyalty");
    double level = PG_GETARG_FLOAT8(2);
    int32 small = PG_NARGS() > 3 ? PG_GETARG_INT32(3) : 30;
    int rc;
    if (small < 0)
        loy_pg_error(LOY_EINVAL, "abc_loyalty", "small_n %d is negative", small);
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    rc = loy_segment_tally_result(r, t, method, level, (uint32_t) small);
    if (rc == LOY_EDOMAIN || rc == LOY_ENONFINITE)
        loy_pg_error(rc, "abc_loyalty", "level %s is outside (0, 1)",
                     loy_pg_f64_text(level));
    if (rc == LOY_EEMPTY)
        loy_pg_error(rc, "abc_loyalty", "no customer, or a total value of 0");
    LOY_PG_CHECK(rc, "abc_loyalty");
}

static const char *const class_name[3] = {"A", "B", "C"};
static const char *const column_name[4] = {"promoter", "passive", "detractor",
                                           "no answer"};

/* abc_loyalty_cells(tally, method, level, small_n): one row per cell. */
PG_FUNCTION_INFO_V1(loyalty_abc_loyalty_cells);
Datum
loyalty_abc_loyalty_cells(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    loy_segment_result r;
    int c, ncells;
    segment_result(&r, fcinfo);
    InitMaterializedSRF(fcinfo, 0);
    ncells = r.with_potential ? LOY_SEGMENT_CELLS : 12;
    for (c = 0; c < ncells; c++) {
        Datum v[9];
        bool nulls[9];
        memset(nulls, 0, sizeof nulls);
        v[0] = CStringGetTextDatum(class_name[(c / 4) % 3]);
        v[1] = CStringGetTextDatum(column_name[c % 4]);
        if (r.with_potential)
            v[2] = CStringGetTextDatum(c >= 12 ? "develop" : "harvest");
        else
            nulls[2] = true;
        v[3] = Int64GetDatum((int64) r.count[c]);
        v[4] = Float8GetDatum(r.value[c]);
        v[5] = Float8GetDatum(r.value_share[c]);
        v[6] = BoolGetDatum(r.small[c] != 0);
        v[7] = CStringGetTextDatum(loy_segment_action_name(r.action[c]));
        v[8] = Float8GetDatum(r.mean_ltv[c]);
        if (r.count[c] == 0)
            nulls[8] = true;
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
    return (Datum) 0;
}

/* abc_loyalty_classes(tally, method, level): one row per value class. */
PG_FUNCTION_INFO_V1(loyalty_abc_loyalty_classes);
Datum
loyalty_abc_loyalty_classes(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    loy_segment_result r;
    int k;
    segment_result(&r, fcinfo);
    InitMaterializedSRF(fcinfo, 0);
    for (k = 0; k < 3; k++) {
        Datum v[9];
        bool nulls[9];
        memset(nulls, 0, sizeof nulls);
        v[0] = CStringGetTextDatum(class_name[k]);
        v[1] = Int64GetDatum((int64) r.class_count[k]);
        v[2] = Float8GetDatum(r.class_value[k]);
        v[3] = Int64GetDatum((int64) r.class_respondents[k]);
        v[4] = Float8GetDatum(r.class_nps[k]);
        v[5] = Float8GetDatum(r.class_nps_lower[k]);
        v[6] = Float8GetDatum(r.class_nps_upper[k]);
        nulls[4] = nulls[5] = nulls[6] = !r.class_nps_defined[k];
        v[7] = Float8GetDatum(r.class_rw_nps[k]);
        nulls[7] = !r.class_rw_nps_defined[k];
        v[8] = Float8GetDatum(r.class_value_at_risk[k]);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
    return (Datum) 0;
}
