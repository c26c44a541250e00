/* SPDX-License-Identifier: MIT */
/*
 * pg_score.c - score tallies (the histogram of ratings behind CSAT and
 * CES) as an SQL type, their aggregates, and CSAT and CES on them.
 */
#include "loyalty_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

/* ------------------------------------------------------------------ */
/* the state kind                                                      */
/* ------------------------------------------------------------------ */

static int
st_serialize(uint8_t *buf, size_t cap, size_t *len, const void *obj)
{
    return loy_score_tally_serialize(buf, cap, len, (const loy_score_tally *) obj);
}

static int
st_deserialize(void **out, const uint8_t *buf, size_t len)
{
    loy_score_tally *t = NULL;
    int rc = loy_score_tally_deserialize(&t, buf, len);
    *out = t;
    return rc;
}

static int
st_merge(void *acc, const void *add)
{
    return loy_score_tally_merge((loy_score_tally *) acc,
                                 (const loy_score_tally *) add);
}

static void
st_free(void *obj)
{
    loy_score_tally_free((loy_score_tally *) obj);
}

static const LoyKind score_kind = {"score_tally", st_serialize,
                                   st_deserialize, st_merge, st_free, NULL};

static const LoyItem score_items[] = {
    {LOY_ITEM_FIELD, "lo", 1, {LOY_F_I32}, 0, 0},
    {LOY_ITEM_FIELD, "hi", 1, {LOY_F_I32}, 0, 0},
    {LOY_ITEM_FIELD, "rejected", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_ARRAY, "counts", 1, {LOY_F_U64}, -2, 0},
};
static const LoySchema score_schema = {"score_tally", 5, 1, 4, score_items, NULL};

/* ------------------------------------------------------------------ */
/* type I/O                                                            */
/* ------------------------------------------------------------------ */

static const LoyType score_tally_type = {&score_schema, &score_kind, NULL};

LOY_PG_TYPE_IO(score_tally, score_tally_type)

/* ------------------------------------------------------------------ */
/* aggregates                                                          */
/* ------------------------------------------------------------------ */

/*
 * Transition: (state, score, lo, ..., hi) with the scale in argument 2 and
 * the last argument (csat(score, lo, top_min, hi), ces(score, lo,
 * disagree_max, agree_min, hi), score_tally(score, lo, hi)), or a fixed
 * scale for csat(score) and ces(score).
 */
static Datum
add_score(FunctionCallInfo fcinfo, int32 lo, int32 hi)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    LoyEState *s = loy_pg_estate_arg(fcinfo, 0, aggctx, &score_kind);
    int32_t score, slo, shi;
    size_t bad;
    int rc;
    if (s == NULL) {
        loy_score_tally *t = NULL;
        s = loy_pg_estate_new(cxt, &score_kind, NULL);
        rc = loy_score_tally_new(&t, lo, hi);
        if (rc != LOY_OK)
            loy_pg_error(rc, "score_tally", "scale %d..%d is empty or wider "
                         "than %d scores", lo, hi, LOY_SCORE_TALLY_MAX_BINS);
        s->obj = t;
    }
    LOY_PG_CHECK(loy_score_tally_scale(&slo, &shi, s->obj), "score_tally");
    if (slo != lo || shi != hi)
        loy_pg_error(LOY_EINVAL, "score_tally",
                     "scale %d..%d differs from the group's scale %d..%d", lo,
                     hi, slo, shi);
    if (!PG_ARGISNULL(1)) {
        score = PG_GETARG_INT32(1);
        rc = loy_score_tally_add_i32(s->obj, &score, 1, 0, &bad);
        if (rc != LOY_OK)
            loy_pg_error(rc, "score_tally", "score %d is outside the scale "
                         "%d..%d", score, lo, hi);
    }
    PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
}

static int32
scale_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
    if (PG_ARGISNULL(argno))
        loy_pg_error(LOY_EINVAL, "score_tally", "%s is NULL", name);
    return PG_GETARG_INT32(argno);
}

PG_FUNCTION_INFO_V1(loyalty_score_tally_add);
Datum
loyalty_score_tally_add(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, scale_arg(fcinfo, 2, "lo"),
                     scale_arg(fcinfo, PG_NARGS() - 1, "hi"));
}

PG_FUNCTION_INFO_V1(loyalty_csat_add);
Datum
loyalty_csat_add(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, 1, 5);
}

PG_FUNCTION_INFO_V1(loyalty_ces_add);
Datum
loyalty_ces_add(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, 1, 7);
}

PG_FUNCTION_INFO_V1(loyalty_score_tally_combine);
Datum
loyalty_score_tally_combine(PG_FUNCTION_ARGS)
{
    return loy_pg_estate_combine(fcinfo, &score_kind);
}

/* Final function of score_tally(): the state as it is (NULL: no rows). */
PG_FUNCTION_INFO_V1(loyalty_score_tally_final);
Datum
loyalty_score_tally_final(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    PG_RETURN_BYTEA_P(loy_pg_estate_flatten(PG_GETARG_DATUM(0), &score_kind));
}

/* ------------------------------------------------------------------ */
/* CSAT and CES                                                        */
/* ------------------------------------------------------------------ */

static uint64_t *
counts_of(const loy_score_tally *t, int32_t *lo, int32_t *hi, size_t *n)
{
    uint64_t *c;
    LOY_PG_CHECK(loy_score_tally_scale(lo, hi, t), "score_tally");
    *n = (size_t) ((int64) *hi - *lo + 1);
    c = (uint64_t *) palloc(*n * sizeof *c);
    LOY_PG_CHECK(loy_score_tally_counts(c, *n, NULL, t), "score_tally");
    return c;
}

static double
level_of(double level, const char *what)
{
    if (isnan(level))
        loy_pg_error(LOY_ENONFINITE, what, "level is NaN");
    if (!(level > 0.0 && level < 1.0))
        loy_pg_error(LOY_EDOMAIN, what, "level %s is outside (0, 1)",
                     loy_pg_f64_text(level));
    return level;
}

/* csat_result: (csat, lower, upper, se, n, top, flags) */
static Datum
csat_tuple(FunctionCallInfo fcinfo, const loy_score_tally *t, int32 top_min,
           double level)
{
    int32_t lo, hi, scale[3];
    size_t n;
    uint64_t *c = counts_of(t, &lo, &hi, &n);
    loy_csat_result r;
    Datum v[7];
    bool nulls[7] = {false, false, false, false, false, false, false};
    int rc;
    scale[0] = lo;
    scale[1] = top_min;
    scale[2] = hi;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_csat_from_counts(&r, c, n, scale, level_of(level, "csat"));
    if (rc == LOY_EDOMAIN)
        loy_pg_error(rc, "csat", "top box from %d is not inside %d..%d",
                     top_min, lo + 1, hi);
    if (rc != LOY_OK)
        loy_pg_error(rc, "csat", "no valid response on %d..%d", lo, hi);
    v[0] = Float8GetDatum(r.csat);
    v[1] = Float8GetDatum(r.lower);
    v[2] = Float8GetDatum(r.upper);
    v[3] = Float8GetDatum(r.se);
    v[4] = Int64GetDatum((int64) r.n);
    v[5] = Int64GetDatum((int64) r.top);
    v[6] = Int32GetDatum((int32) r.flags);
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* ces_result: (mean, lower, upper, sd, se, agree, disagree, n, flags) */
static Datum
ces_tuple(FunctionCallInfo fcinfo, const loy_score_tally *t,
          int32 disagree_max, int32 agree_min, double level)
{
    int32_t lo, hi, scale[4];
    size_t n;
    uint64_t *c = counts_of(t, &lo, &hi, &n);
    loy_ces_result r;
    Datum v[9];
    bool nulls[9];
    int rc;
    memset(nulls, 0, sizeof nulls);
    scale[0] = lo;
    scale[1] = disagree_max;
    scale[2] = agree_min;
    scale[3] = hi;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_ces_from_counts(&r, c, n, scale, level_of(level, "ces"));
    if (rc == LOY_EDOMAIN)
        loy_pg_error(rc, "ces", "disagree up to %d and agree from %d do not "
                     "split %d..%d", disagree_max, agree_min, lo, hi);
    if (rc != LOY_OK)
        loy_pg_error(rc, "ces", "no valid response on %d..%d", lo, hi);
    v[0] = Float8GetDatum(r.mean);
    v[1] = Float8GetDatum(r.lower);
    v[2] = Float8GetDatum(r.upper);
    v[3] = Float8GetDatum(r.sd);
    v[4] = Float8GetDatum(r.se);
    v[5] = Float8GetDatum(r.agree);
    v[6] = Float8GetDatum(r.disagree);
    v[7] = Int64GetDatum((int64) r.n);
    v[8] = Int32GetDatum((int32) r.flags);
    return loy_pg_tuple(fcinfo, v, nulls);
}

static bool
tally_empty(const loy_score_tally *t)
{
    int32_t lo, hi;
    size_t n, k;
    uint64_t *c = counts_of(t, &lo, &hi, &n);
    for (k = 0; k < n; k++)
        if (c[k] > 0)
            return false;
    return true;
}

static int32
const_int(FunctionCallInfo fcinfo, int argno, const char *what,
          const char *name)
{
    bool isnull;
    Datum d = loy_pg_agg_const(fcinfo, argno, &isnull, what, name);
    if (isnull)
        loy_pg_error(LOY_EINVAL, what, "%s is NULL", name);
    return DatumGetInt32(d);
}

/* csat(score) on 1..5 (top 2 box), or csat(score, lo, top_min, hi). */
PG_FUNCTION_INFO_V1(loyalty_csat_final);
Datum
loyalty_csat_final(PG_FUNCTION_ARGS)
{
    const loy_score_tally *t;
    int32 top_min = 4;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    t = loy_pg_estate_read(PG_GETARG_DATUM(0), &score_kind);
    if (PG_NARGS() > 2)
        top_min = const_int(fcinfo, 2, "csat", "top_min");
    if (tally_empty(t))
        PG_RETURN_NULL();
    return csat_tuple(fcinfo, t, top_min, 0.95);
}

/* ces(score) on 1..7 (disagree 1-3, agree 5-7), or
 * ces(score, lo, disagree_max, agree_min, hi). */
PG_FUNCTION_INFO_V1(loyalty_ces_final);
Datum
loyalty_ces_final(PG_FUNCTION_ARGS)
{
    const loy_score_tally *t;
    int32 dis = 3, agr = 5;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    t = loy_pg_estate_read(PG_GETARG_DATUM(0), &score_kind);
    if (PG_NARGS() > 2) {
        dis = const_int(fcinfo, 2, "ces", "disagree_max");
        agr = const_int(fcinfo, 3, "ces", "agree_min");
    }
    if (tally_empty(t))
        PG_RETURN_NULL();
    return ces_tuple(fcinfo, t, dis, agr, 0.95);
}

PG_FUNCTION_INFO_V1(loyalty_csat_of_tally);
Datum
loyalty_csat_of_tally(PG_FUNCTION_ARGS)
{
    const loy_score_tally *t = loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                  &score_kind);
    return csat_tuple(fcinfo, t, PG_GETARG_INT32(1), PG_GETARG_FLOAT8(2));
}

PG_FUNCTION_INFO_V1(loyalty_ces_of_tally);
Datum
loyalty_ces_of_tally(PG_FUNCTION_ARGS)
{
    const loy_score_tally *t = loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                  &score_kind);
    return ces_tuple(fcinfo, t, PG_GETARG_INT32(1), PG_GETARG_INT32(2),
                     PG_GETARG_FLOAT8(3));
}

/* score_counts: (lo, hi, counts int8[], rejected) */
PG_FUNCTION_INFO_V1(loyalty_score_counts);
Datum
loyalty_score_counts(PG_FUNCTION_ARGS)
{
    const loy_score_tally *t = loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                  &score_kind);
    int32_t lo, hi;
    size_t n, k;
    uint64_t *c = counts_of(t, &lo, &hi, &n), rej = 0;
    Datum *d = (Datum *) palloc(n * sizeof(Datum)), v[4];
    bool nulls[4] = {false, false, false, false};
    LOY_PG_CHECK(loy_score_tally_counts(c, n, &rej, t), "score_counts");
    for (k = 0; k < n; k++) {
        if (c[k] > PG_INT64_MAX)
            loy_pg_error(LOY_EOVERFLOW, "score_counts", "a count exceeds bigint");
        d[k] = Int64GetDatum((int64) c[k]);
    }
    v[0] = Int32GetDatum(lo);
    v[1] = Int32GetDatum(hi);
    v[2] = PointerGetDatum(construct_array(d, (int) n, INT8OID, 8,
                                           FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
    v[3] = Int64GetDatum((int64) (rej > PG_INT64_MAX ? PG_INT64_MAX : rej));
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* nps_tally of a score tally (its scale must be the breaks' scale). */
PG_FUNCTION_INFO_V1(loyalty_score_tally_nps);
Datum
loyalty_score_tally_nps(PG_FUNCTION_ARGS)
{
    const loy_score_tally *t = loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                  &score_kind);
    int32_t lo, hi, b[4];
    const int32_t *breaks = PG_ARGISNULL(1) ? NULL
        : loy_pg_breaks(PG_GETARG_ARRAYTYPE_P(1), b, "nps_tally");
    size_t n, len;
    uint64_t *c = counts_of(t, &lo, &hi, &n);
    loy_nps_tally nt = LOY_NPS_TALLY_INIT;
    bytea *out;
    int rc = loy_nps_tally_hist(&nt, c, n, breaks);
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_tally", "the score tally's scale %d..%d is not "
                     "the scale of the breaks", lo, hi);
    out = loy_pg_flat_new(CurrentMemoryContext, 48);
    LOY_PG_CHECK(loy_nps_tally_serialize((uint8_t *) VARDATA(out), 48, &len,
                                         &nt), "nps_tally");
    PG_RETURN_BYTEA_P(out);
}
