/* SPDX-License-Identifier: MIT */
/*
 * pg_nps.c - NPS tallies (plain and weighted) as SQL types, their
 * aggregates, and the estimates and comparisons on them.
 *
 * Both tallies have a fixed size (48 and 96 bytes), so the transition
 * value stays a flat varlena that the transition function updates in
 * place: the bytes are always the library's serialize format, read and
 * written through loy_nps_tally_deserialize/serialize.
 */
#include "loyalty_pg.h"

#include <math.h>

#include "utils/builtins.h"

#define TALLY_LEN 48u
#define WTALLY_LEN 96u

/* ------------------------------------------------------------------ */
/* plain tally                                                         */
/* ------------------------------------------------------------------ */

static const LoyItem tally_items[] = {
    {LOY_ITEM_FIELD, "detractors", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "passives", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "promoters", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "rejected", 1, {LOY_F_U64}, 0, 0},
};
static const LoySchema tally_schema = {"nps_tally", 1, 1, 4, tally_items, NULL};

static const LoyItem wtally_items[] = {
    {LOY_ITEM_ARRAY, "count", 1, {LOY_F_U64}, -1, 3},
    {LOY_ITEM_ARRAY, "sum_w", 1, {LOY_F_F64}, -1, 3},
    {LOY_ITEM_ARRAY, "sum_w2", 1, {LOY_F_F64}, -1, 3},
    {LOY_ITEM_FIELD, "rejected", 1, {LOY_F_U64}, 0, 0},
};
static const LoySchema wtally_schema = {"nps_wtally", 2, 1, 4, wtally_items, NULL};

/* The tally of a datum of any form (validated). */
void
loy_pg_tally_of(loy_nps_tally *t, Datum d)
{
    struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
    int rc;
    t->struct_size = sizeof *t;
    rc = loy_nps_tally_deserialize(t, (uint8_t *) VARDATA_ANY(v),
                                   VARSIZE_ANY_EXHDR(v));
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_tally", "malformed nps_tally value of %zu bytes",
                     (size_t) VARSIZE_ANY_EXHDR(v));
}

static void
tally_store(bytea *st, const loy_nps_tally *t)
{
    size_t len;
    LOY_PG_CHECK(loy_nps_tally_serialize((uint8_t *) VARDATA(st), TALLY_LEN,
                                         &len, t), "nps_tally");
}

static bytea *
tally_datum(const loy_nps_tally *t)
{
    bytea *b = loy_pg_flat_new(CurrentMemoryContext, TALLY_LEN);
    tally_store(b, t);
    return b;
}

/* The checks of the flat types: a tally that deserializes. */
static void
tally_check(const uint8_t *buf, size_t len)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    int rc = loy_nps_tally_deserialize(&t, buf, len);
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_tally", "malformed nps_tally value of %zu bytes",
                     len);
}

static void
wtally_check(const uint8_t *buf, size_t len)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    int rc = loy_nps_wtally_deserialize(&t, buf, len);
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_wtally", "malformed nps_wtally value of %zu bytes",
                     len);
}

static const LoyType nps_tally_type = {&tally_schema, NULL, tally_check};
static const LoyType nps_wtally_type = {&wtally_schema, NULL, wtally_check};

LOY_PG_TYPE_IO(nps_tally, nps_tally_type)
LOY_PG_TYPE_IO(nps_wtally, nps_wtally_type)

PG_FUNCTION_INFO_V1(loyalty_make_nps_tally);
Datum
loyalty_make_nps_tally(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    int64 d = PG_GETARG_INT64(0), a = PG_GETARG_INT64(1),
          p = PG_GETARG_INT64(2);
    if (d < 0 || a < 0 || p < 0)
        loy_pg_error(LOY_ESCALE, "make_nps_tally",
                     "counts must be >= 0 (got " INT64_FORMAT ", " INT64_FORMAT
                     ", " INT64_FORMAT ")", d, a, p);
    t.detractors = (uint64_t) d;
    t.passives = (uint64_t) a;
    t.promoters = (uint64_t) p;
    PG_RETURN_BYTEA_P(tally_datum(&t));
}

/*
 * One more response of class cls (3: rejected) in a flat state. The hot
 * path of every NPS aggregate: instead of decoding and re-encoding the
 * tally for each row, the count is incremented where the serialize format
 * (version 1, see tally_items) keeps it: u64 little-endian at byte
 * 16 + 8 * cls. The header was checked when the state was made or taken
 * over (loy_pg_flat_own, tally_state).
 */
static void
tally_bump(bytea *st, int cls)
{
    uint8_t *p = (uint8_t *) VARDATA(st) + 16 + 8 * cls;
    uint64_t v = 0;
#ifdef WORDS_BIGENDIAN
    int i;
    for (i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
#else
    memcpy(&v, p, sizeof v);
#endif
    if (v == PG_UINT64_MAX)
        loy_pg_error(LOY_EOVERFLOW, "nps_tally", "a count exceeds 2^64 - 1");
    v++;
#ifdef WORDS_BIGENDIAN
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
#else
    memcpy(p, &v, sizeof v);
#endif
}

static int
classify_int(int32 score, const int32_t *breaks, const char *what)
{
    int32_t cls;
    int rc = loy_nps_classify(&cls, score, breaks);
    if (rc != LOY_OK)
        loy_pg_error(rc, what, "score %d is outside the scale %d..%d", score,
                     breaks ? breaks[0] : 0, breaks ? breaks[3] : 10);
    return cls;
}

static int
classify_f64(double score, const int32_t *breaks, const char *what)
{
    int32_t lo = breaks ? breaks[0] : 0, hi = breaks ? breaks[3] : 10;
    if (!isfinite(score))
        loy_pg_error(LOY_ENONFINITE, what, "score %s is not finite",
                     loy_pg_f64_text(score));
    if (score != floor(score) || score < lo || score > hi)
        loy_pg_error(LOY_ESCALE, what,
                     "score %s is not a whole number in %d..%d",
                     loy_pg_f64_text(score), lo, hi);
    return classify_int((int32) score, breaks, what);
}

/* The flat state argument 0 of a transition function (an initial
 * condition gives every group a state). */
static bytea *
tally_state(FunctionCallInfo fcinfo, const char *what)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    bytea *st = loy_pg_flat_own(fcinfo, 0, aggctx, TALLY_LEN);
    if (st != NULL && st != (bytea *) PG_GETARG_POINTER(0)) {
        /* taken over (an initial value): check it once */
        loy_nps_tally t;
        loy_pg_tally_of(&t, PointerGetDatum(st));
    }
    if (st == NULL) {
        loy_nps_tally t = LOY_NPS_TALLY_INIT;
        st = loy_pg_flat_new(aggctx ? aggctx : CurrentMemoryContext, TALLY_LEN);
        tally_store(st, &t);
    }
    return st;
}

static const int32_t *
breaks_arg(FunctionCallInfo fcinfo, int argno, int32_t b[4], const char *what)
{
    if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
        return NULL;
    return loy_pg_breaks(PG_GETARG_ARRAYTYPE_P(argno), b, what);
}

/*
 * nps_tally(state, score [, breaks]). The *_extra variants are the
 * transition of nps_ci(score, method, level) and the like, whose further
 * arguments belong to the final function.
 */
static Datum
add_score(FunctionCallInfo fcinfo, int is_f64, int with_breaks)
{
    bytea *st = tally_state(fcinfo, "nps_tally");
    int32_t b[4];
    const int32_t *breaks = NULL;
    if (PG_ARGISNULL(1))
        PG_RETURN_BYTEA_P(st);
    if (with_breaks)
        breaks = breaks_arg(fcinfo, 2, b, "nps_tally");
    tally_bump(st, is_f64 ? classify_f64(PG_GETARG_FLOAT8(1), breaks, "nps_tally")
                          : classify_int(PG_GETARG_INT32(1), breaks, "nps_tally"));
    PG_RETURN_BYTEA_P(st);
}

PG_FUNCTION_INFO_V1(loyalty_nps_tally_add_int);
Datum
loyalty_nps_tally_add_int(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, 0, 1);
}

PG_FUNCTION_INFO_V1(loyalty_nps_tally_add_f64);
Datum
loyalty_nps_tally_add_f64(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, 1, 1);
}

PG_FUNCTION_INFO_V1(loyalty_nps_tally_add_int_extra);
Datum
loyalty_nps_tally_add_int_extra(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, 0, 0);
}

PG_FUNCTION_INFO_V1(loyalty_nps_tally_add_f64_extra);
Datum
loyalty_nps_tally_add_f64_extra(PG_FUNCTION_ARGS)
{
    return add_score(fcinfo, 1, 0);
}

/* Combine, and the roll-up nps_tally(nps_tally): acc += arg 1. */
PG_FUNCTION_INFO_V1(loyalty_nps_tally_combine);
Datum
loyalty_nps_tally_combine(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    loy_nps_tally acc, add;
    bytea *st;
    int rc;
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0))
            PG_RETURN_NULL();
        PG_RETURN_BYTEA_P(loy_pg_flat_own(fcinfo, 0, aggctx, TALLY_LEN));
    }
    loy_pg_tally_of(&add, PG_GETARG_DATUM(1));
    if (PG_ARGISNULL(0)) {
        st = loy_pg_flat_new(cxt, TALLY_LEN);
        tally_store(st, &add);
        PG_RETURN_BYTEA_P(st);
    }
    st = loy_pg_flat_own(fcinfo, 0, aggctx, TALLY_LEN);
    loy_pg_tally_of(&acc, PointerGetDatum(st));
    rc = loy_nps_tally_merge(&acc, &add);
    if (rc != LOY_OK)
        loy_pg_error(LOY_EOVERFLOW, "nps_tally", "merged counts exceed 2^64 - 1");
    tally_store(st, &acc);
    PG_RETURN_BYTEA_P(st);
}

/* Final function of nps_tally(): the state, or an empty tally. */
PG_FUNCTION_INFO_V1(loyalty_nps_tally_final);
Datum
loyalty_nps_tally_final(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    if (!PG_ARGISNULL(0))
        loy_pg_tally_of(&t, PG_GETARG_DATUM(0));
    PG_RETURN_BYTEA_P(tally_datum(&t));
}

/* ------------------------------------------------------------------ */
/* estimates                                                           */
/* ------------------------------------------------------------------ */

static uint64_t
tally_n(const loy_nps_tally *t)
{
    return t->detractors + t->passives + t->promoters;
}

/* nps_interval: (nps, lower, upper, se, n, flags) */
static Datum
interval_tuple(FunctionCallInfo fcinfo, const loy_nps_tally *t,
               uint32_t method, double level, const char *what)
{
    loy_nps_result r;
    Datum v[6];
    bool nulls[6] = {false, false, false, false, false, false};
    int rc;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_estimate(&r, t, method, level, NULL);
    if (rc != LOY_OK)
        loy_pg_error(rc, what, "cannot estimate NPS of %s responses at level %s",
                     psprintf(UINT64_FORMAT, tally_n(t)), loy_pg_f64_text(level));
    v[0] = Float8GetDatum(r.nps);
    v[1] = Float8GetDatum(r.lower);
    v[2] = Float8GetDatum(r.upper);
    v[3] = Float8GetDatum(r.se);
    v[4] = Int64GetDatum((int64) r.n);
    v[5] = Int32GetDatum((int32) r.flags);
    return loy_pg_tuple(fcinfo, v, nulls);
}

static double
level_arg(Datum d, bool isnull, const char *what)
{
    double level = isnull ? 0.95 : DatumGetFloat8(d);
    if (isnan(level))
        loy_pg_error(LOY_ENONFINITE, what, "level is NaN");
    if (!(level > 0.0 && level < 1.0))
        loy_pg_error(LOY_EDOMAIN, what, "level %s is outside (0, 1)",
                     loy_pg_f64_text(level));
    return level;
}

/* The point NPS as the library computes it (p - d). */
static double
point_nps(const loy_nps_tally *t, const char *what)
{
    loy_nps_result r;
    int rc;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_estimate(&r, t, LOY_NPS_WALD, 0.95, NULL);
    if (rc != LOY_OK)
        loy_pg_error(rc, what, "the tally holds no response");
    return r.nps;
}

/* nps(state): the point NPS; NULL for no responses (like avg()). */
PG_FUNCTION_INFO_V1(loyalty_nps_final);
Datum
loyalty_nps_final(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    loy_pg_tally_of(&t, PG_GETARG_DATUM(0));
    if (tally_n(&t) == 0)
        PG_RETURN_NULL();
    PG_RETURN_FLOAT8(point_nps(&t, "nps"));
}

/* nps(nps_tally): the same as a scalar, an error for an empty tally. */
PG_FUNCTION_INFO_V1(loyalty_nps_of_tally);
Datum
loyalty_nps_of_tally(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    loy_pg_tally_of(&t, PG_GETARG_DATUM(0));
    PG_RETURN_FLOAT8(point_nps(&t, "nps"));
}

/* nps_ci(score [, method [, level]]): method and level are constants of
 * the call, read from the Aggref. NULL for no responses. */
PG_FUNCTION_INFO_V1(loyalty_nps_ci_final);
Datum
loyalty_nps_ci_final(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    uint32_t method = LOY_NPS_WALD;
    double level = 0.95;
    bool isnull;
    Datum d;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    loy_pg_tally_of(&t, PG_GETARG_DATUM(0));
    if (PG_NARGS() > 2) {
        d = loy_pg_agg_const(fcinfo, 1, &isnull, "nps_ci", "method");
        if (!isnull)
            method = loy_pg_nps_method(DatumGetTextPP(d), "nps_ci");
    }
    if (PG_NARGS() > 3) {
        d = loy_pg_agg_const(fcinfo, 2, &isnull, "nps_ci", "level");
        level = level_arg(d, isnull, "nps_ci");
    }
    if (tally_n(&t) == 0)
        PG_RETURN_NULL();
    return interval_tuple(fcinfo, &t, method, level, "nps_ci");
}

PG_FUNCTION_INFO_V1(loyalty_nps_estimate);
Datum
loyalty_nps_estimate(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    uint32_t method = loy_pg_nps_method(PG_GETARG_TEXT_PP(1), "nps_estimate");
    double level = level_arg(PG_GETARG_DATUM(2), false, "nps_estimate");
    loy_pg_tally_of(&t, PG_GETARG_DATUM(0));
    return interval_tuple(fcinfo, &t, method, level, "nps_estimate");
}

/* nps_difference: (diff, lower, upper, se, z, p_value, flags) */
PG_FUNCTION_INFO_V1(loyalty_nps_compare);
Datum
loyalty_nps_compare(PG_FUNCTION_ARGS)
{
    loy_nps_tally a = LOY_NPS_TALLY_INIT, b = LOY_NPS_TALLY_INIT;
    uint32_t method = loy_pg_nps_method(PG_GETARG_TEXT_PP(2), "nps_compare");
    double level = level_arg(PG_GETARG_DATUM(3), false, "nps_compare");
    loy_nps_diff r;
    Datum v[7];
    bool nulls[7] = {false, false, false, false, false, false, false};
    int rc;
    loy_pg_tally_of(&a, PG_GETARG_DATUM(0));
    loy_pg_tally_of(&b, PG_GETARG_DATUM(1));
    if (method == LOY_NPS_SCORE)
        loy_pg_error(LOY_EINVAL, "nps_compare",
                     "the score method is one-sample only (wald, adjusted)");
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_compare(&r, &a, &b, method, level, NULL);
    if (rc == LOY_EDEGENERATE)
        loy_pg_error(rc, "nps_compare",
                     "both samples have zero variance (every answer in one "
                     "class): the difference %s has no standard error",
                     loy_pg_f64_text(r.diff));
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_compare", "cannot compare samples of %s and %s "
                     "responses", psprintf(UINT64_FORMAT, tally_n(&a)),
                     psprintf(UINT64_FORMAT, tally_n(&b)));
    v[0] = Float8GetDatum(r.diff);
    v[1] = Float8GetDatum(r.lower);
    v[2] = Float8GetDatum(r.upper);
    v[3] = Float8GetDatum(r.se);
    v[4] = Float8GetDatum(r.z_stat);
    v[5] = Float8GetDatum(r.p_value);
    v[6] = Int32GetDatum((int32) r.flags);
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* nps_counts: (detractors, passives, promoters, rejected, n) */
PG_FUNCTION_INFO_V1(loyalty_nps_counts);
Datum
loyalty_nps_counts(PG_FUNCTION_ARGS)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    Datum v[5];
    bool nulls[5] = {false, false, false, false, false};
    loy_pg_tally_of(&t, PG_GETARG_DATUM(0));
    if (t.rejected > PG_INT64_MAX || tally_n(&t) > PG_INT64_MAX)
        loy_pg_error(LOY_EOVERFLOW, "nps_counts", "counts exceed bigint");
    v[0] = Int64GetDatum((int64) t.detractors);
    v[1] = Int64GetDatum((int64) t.passives);
    v[2] = Int64GetDatum((int64) t.promoters);
    v[3] = Int64GetDatum((int64) t.rejected);
    v[4] = Int64GetDatum((int64) tally_n(&t));
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* ------------------------------------------------------------------ */
/* weighted tally                                                      */
/* ------------------------------------------------------------------ */

static void
wtally_of(loy_nps_wtally *t, Datum d)
{
    struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
    int rc;
    t->struct_size = sizeof *t;
    rc = loy_nps_wtally_deserialize(t, (uint8_t *) VARDATA_ANY(v),
                                    VARSIZE_ANY_EXHDR(v));
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_wtally", "malformed nps_wtally value of %zu bytes",
                     (size_t) VARSIZE_ANY_EXHDR(v));
}

static void
wtally_store(bytea *st, const loy_nps_wtally *t)
{
    size_t len;
    LOY_PG_CHECK(loy_nps_wtally_serialize((uint8_t *) VARDATA(st), WTALLY_LEN,
                                          &len, t), "nps_wtally");
}

/* nps_wtally(state, score float8, weight float8 [, breaks]); the _extra
 * variant ignores further arguments (nps_weighted(score, weight, level)). */
static Datum wtally_add(FunctionCallInfo fcinfo, int with_breaks);

PG_FUNCTION_INFO_V1(loyalty_nps_wtally_add);
Datum
loyalty_nps_wtally_add(PG_FUNCTION_ARGS)
{
    return wtally_add(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(loyalty_nps_wtally_add_extra);
Datum
loyalty_nps_wtally_add_extra(PG_FUNCTION_ARGS)
{
    return wtally_add(fcinfo, 0);
}

static Datum
wtally_add(FunctionCallInfo fcinfo, int with_breaks)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    bytea *st = loy_pg_flat_own(fcinfo, 0, aggctx, WTALLY_LEN);
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT, one = LOY_NPS_WTALLY_INIT;
    int32_t b[4];
    const int32_t *breaks;
    double s, w;
    size_t bad;
    int rc;
    if (st == NULL) {
        st = loy_pg_flat_new(cxt, WTALLY_LEN);
        wtally_store(st, &t);
    }
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
        PG_RETURN_BYTEA_P(st);
    breaks = with_breaks ? breaks_arg(fcinfo, 3, b, "nps_wtally") : NULL;
    s = PG_GETARG_FLOAT8(1);
    w = PG_GETARG_FLOAT8(2);
    rc = loy_nps_wtally_f64(&one, &s, &w, 1, breaks, 0, &bad);
    if (rc != LOY_OK)
        loy_pg_error(rc, "nps_wtally",
                     "row (score %s, weight %s) is not a whole score on the "
                     "scale with a finite weight >= 0",
                     loy_pg_f64_text(s), loy_pg_f64_text(w));
    wtally_of(&t, PointerGetDatum(st));
    rc = loy_nps_wtally_merge(&t, &one);
    if (rc != LOY_OK)
        loy_pg_error(LOY_EOVERFLOW, "nps_wtally", "a count exceeds 2^64 - 1");
    wtally_store(st, &t);
    PG_RETURN_BYTEA_P(st);
}

PG_FUNCTION_INFO_V1(loyalty_nps_wtally_combine);
Datum
loyalty_nps_wtally_combine(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    loy_nps_wtally acc, add;
    bytea *st;
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0))
            PG_RETURN_NULL();
        PG_RETURN_BYTEA_P(loy_pg_flat_own(fcinfo, 0, aggctx, WTALLY_LEN));
    }
    wtally_of(&add, PG_GETARG_DATUM(1));
    if (PG_ARGISNULL(0)) {
        st = loy_pg_flat_new(cxt, WTALLY_LEN);
        wtally_store(st, &add);
        PG_RETURN_BYTEA_P(st);
    }
    st = loy_pg_flat_own(fcinfo, 0, aggctx, WTALLY_LEN);
    wtally_of(&acc, PointerGetDatum(st));
    if (loy_nps_wtally_merge(&acc, &add) != LOY_OK)
        loy_pg_error(LOY_EOVERFLOW, "nps_wtally", "merged counts exceed 2^64 - 1");
    wtally_store(st, &acc);
    PG_RETURN_BYTEA_P(st);
}

PG_FUNCTION_INFO_V1(loyalty_nps_wtally_final);
Datum
loyalty_nps_wtally_final(PG_FUNCTION_ARGS)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    bytea *b = loy_pg_flat_new(CurrentMemoryContext, WTALLY_LEN);
    if (!PG_ARGISNULL(0))
        wtally_of(&t, PG_GETARG_DATUM(0));
    wtally_store(b, &t);
    PG_RETURN_BYTEA_P(b);
}

/* nps_weighted_interval: (nps, lower, upper, se, se_kish, n_eff, deff, n,
 * sum_w, flags); the interval is on the linearised SE. */
static Datum
westimate_tuple(FunctionCallInfo fcinfo, const loy_nps_wtally *t,
                double level, const char *what)
{
    loy_nps_wresult r;
    Datum v[10];
    bool nulls[10];
    int rc;
    memset(nulls, 0, sizeof nulls);
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_westimate(&r, t, level);
    if (rc != LOY_OK)
        loy_pg_error(rc, what, "cannot estimate a weighted NPS of %s responses",
                     psprintf(UINT64_FORMAT, t->count[0] + t->count[1]
                              + t->count[2]));
    v[0] = Float8GetDatum(r.nps);
    v[1] = Float8GetDatum(r.lower);
    v[2] = Float8GetDatum(r.upper);
    v[3] = Float8GetDatum(r.se_lin);
    v[4] = Float8GetDatum(r.se_kish);
    v[5] = Float8GetDatum(r.n_eff);
    v[6] = Float8GetDatum(r.deff);
    v[7] = Int64GetDatum((int64) r.n);
    v[8] = Float8GetDatum(r.sum_w);
    v[9] = Int32GetDatum((int32) r.flags);
    return loy_pg_tuple(fcinfo, v, nulls);
}

PG_FUNCTION_INFO_V1(loyalty_nps_weighted_final);
Datum
loyalty_nps_weighted_final(PG_FUNCTION_ARGS)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    double level = 0.95;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    wtally_of(&t, PG_GETARG_DATUM(0));
    if (PG_NARGS() > 3) {
        bool isnull;
        Datum d = loy_pg_agg_const(fcinfo, 2, &isnull, "nps_weighted", "level");
        level = level_arg(d, isnull, "nps_weighted");
    }
    if (t.count[0] + t.count[1] + t.count[2] == 0)
        PG_RETURN_NULL();
    return westimate_tuple(fcinfo, &t, level, "nps_weighted");
}

PG_FUNCTION_INFO_V1(loyalty_nps_westimate);
Datum
loyalty_nps_westimate(PG_FUNCTION_ARGS)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    double level = level_arg(PG_GETARG_DATUM(1), false, "nps_westimate");
    wtally_of(&t, PG_GETARG_DATUM(0));
    return westimate_tuple(fcinfo, &t, level, "nps_westimate");
}
