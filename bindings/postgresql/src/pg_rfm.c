/* SPDX-License-Identifier: MIT */
/*
 * pg_rfm.c - the purchase-log summary per customer: the rfm_customer
 * state (library loy_rfm_customer), its aggregates over (time, amount)
 * rows with an observation end, and the summary row (x, t_x, T, monetary
 * [, holdout]) consistent with the C summary.
 *
 * Dates are days since 1970-01-01 for the library (PostgreSQL counts from
 * 2000-01-01); 'week' periods are Monday-Sunday weeks (length 7, origin
 * -3: 1969-12-29 was a Monday), as the library documents.
 */
#include "loyalty_pg.h"

#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"

#define UNIX_EPOCH_DAYS (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)

static int
rc_serialize(uint8_t *buf, size_t cap, size_t *len, const void *obj)
{
    return loy_rfm_customer_serialize(buf, cap, len,
                                      (const loy_rfm_customer *) obj);
}

static int
rc_deserialize(void **out, const uint8_t *buf, size_t len)
{
    loy_rfm_customer *c = NULL;
    int rc = loy_rfm_customer_deserialize(&c, buf, len);
    *out = c;
    return rc;
}

static int
rc_merge(void *acc, const void *add)
{
    return loy_rfm_customer_merge((loy_rfm_customer *) acc,
                                  (const loy_rfm_customer *) add);
}

static void
rc_free(void *obj)
{
    loy_rfm_customer_free((loy_rfm_customer *) obj);
}

static const LoyKind rfm_kind = {"rfm_customer", rc_serialize, rc_deserialize,
                                 rc_merge, rc_free, NULL};

static const LoyItem rfm_items[] = {
    {LOY_ITEM_FIELD, "period_length", 1, {LOY_F_I64}, 0, 0},
    {LOY_ITEM_FIELD, "period_origin", 1, {LOY_F_I64}, 0, 0},
    {LOY_ITEM_FIELD, "freq_multiplier", 1, {LOY_F_F64}, 0, 0},
    {LOY_ITEM_FIELD, "calibration_end", 1, {LOY_F_I64}, 0, 0},
    {LOY_ITEM_FIELD, "flags", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_ZERO, NULL, 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "observation_end", 1, {LOY_F_I64}, 0, 0},
    {LOY_ITEM_FIELD, "rows", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "rows_dropped", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "has_calibration", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "holdout_rows", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "first_time", 1, {LOY_F_I64}, 0, 0},
    {LOY_ITEM_FIELD, "first_sum", 1, {LOY_F_F64}, 0, 0},
    {LOY_ITEM_ARRAY, "repeat_sum", 1, {LOY_F_F64}, -1, 2},
    {LOY_ITEM_ARRAY, "holdout_sum", 1, {LOY_F_F64}, -1, 2},
    {LOY_ITEM_COUNT, NULL, 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_COUNT, NULL, 1, {LOY_F_U64}, 1, 0},
    {LOY_ITEM_ARRAY, "periods", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_ARRAY, "holdout_periods", 1, {LOY_F_U32}, 1, 0},
};
static const LoySchema rfm_schema = {"rfm_customer", 6, 1, 19, rfm_items, NULL};

/* ------------------------------------------------------------------ */
/* type I/O                                                            */
/* ------------------------------------------------------------------ */

static const LoyType rfm_customer_type = {&rfm_schema, &rfm_kind, NULL};

LOY_PG_TYPE_IO(rfm_customer, rfm_customer_type)

/* ------------------------------------------------------------------ */
/* aggregates                                                          */
/* ------------------------------------------------------------------ */

/* What a group's first row fixed: later rows must agree. */
typedef struct RfmSetup {
    int64 observation_end;
    loy_rfm_options opts;
} RfmSetup;

static int64
date_days(DateADT d, const char *what)
{
    if (DATE_NOT_FINITE(d))
        loy_pg_error(LOY_ENONFINITE, what, "date is infinite");
    return (int64) d + UNIX_EPOCH_DAYS;
}

static void
period_named(loy_rfm_options *o, text *name)
{
    char *s = text_to_cstring(name);
    if (pg_strcasecmp(s, "day") == 0) {
        o->period_length = 1;
        o->period_origin = 0;
    } else if (pg_strcasecmp(s, "week") == 0) {
        o->period_length = 7;
        o->period_origin = -3;
    } else {
        loy_pg_error(LOY_EINVAL, "rfm_summary",
                     "unknown period \"%s\" (day, week)", s);
    }
    pfree(s);
}

static bool
same_setup(const RfmSetup *a, const RfmSetup *b)
{
    return a->observation_end == b->observation_end
           && a->opts.period_length == b->opts.period_length
           && a->opts.period_origin == b->opts.period_origin
           && a->opts.freq_multiplier == b->opts.freq_multiplier
           && a->opts.calibration_end == b->opts.calibration_end
           && a->opts.flags == b->opts.flags;
}

static void
not_null(FunctionCallInfo fcinfo, int argno, const char *name)
{
    if (PG_ARGISNULL(argno))
        loy_pg_error(LOY_EINVAL, "rfm_summary", "%s is NULL", name);
}

/*
 * Add one row. Layouts (after the state):
 *  DATE: time date, amount, observation_end date [, period text,
 *        freq_multiplier float8]
 *  CAL:  time date, amount, calibration_end date, observation_end date
 *        [, period, freq_multiplier]
 *  RAW:  time int8, amount, observation_end int8, period_length int8,
 *        period_origin int8, freq_multiplier float8, include_first bool
 */
typedef enum { ROW_DATE, ROW_CAL, ROW_RAW } RowLayout;

static void
read_setup(FunctionCallInfo fcinfo, RowLayout layout, RfmSetup *st,
           int64 *time)
{
    int nargs = PG_NARGS(), opt = 4;
    loy_rfm_options def = LOY_RFM_OPTIONS_INIT;
    st->opts = def;
    if (layout == ROW_RAW) {
        int k;
        for (k = 3; k < 8; k++)
            not_null(fcinfo, k, "an option");
        *time = PG_GETARG_INT64(1);
        st->observation_end = PG_GETARG_INT64(3);
        st->opts.period_length = PG_GETARG_INT64(4);
        st->opts.period_origin = PG_GETARG_INT64(5);
        st->opts.freq_multiplier = PG_GETARG_FLOAT8(6);
        st->opts.flags = PG_GETARG_BOOL(7) ? LOY_RFM_INCLUDE_FIRST : 0u;
        return;
    }
    *time = date_days(PG_GETARG_DATEADT(1), "rfm_summary");
    not_null(fcinfo, 3, layout == ROW_CAL ? "calibration_end" : "observation_end");
    if (layout == ROW_CAL) {
        not_null(fcinfo, 4, "observation_end");
        st->opts.flags = LOY_RFM_CALIBRATION;
        st->opts.calibration_end = date_days(PG_GETARG_DATEADT(3), "rfm_summary");
        st->observation_end = date_days(PG_GETARG_DATEADT(4), "rfm_summary");
        opt = 5;
    } else {
        st->observation_end = date_days(PG_GETARG_DATEADT(3), "rfm_summary");
    }
    if (nargs > opt) {
        not_null(fcinfo, opt, "period");
        period_named(&st->opts, PG_GETARG_TEXT_PP(opt));
    }
    if (nargs > opt + 1) {
        not_null(fcinfo, opt + 1, "freq_multiplier");
        st->opts.freq_multiplier = PG_GETARG_FLOAT8(opt + 1);
    }
}

static Datum
add_row(FunctionCallInfo fcinfo, RowLayout layout)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    LoyEState *s = loy_pg_estate_arg(fcinfo, 0, aggctx, &rfm_kind);
    RfmSetup setup;
    int64 t;
    double amount;
    size_t bad;
    int rc;
    if (PG_ARGISNULL(1)) /* no purchase time: not a purchase */
        return s ? loy_pg_estate_return(s, aggctx) : (Datum) 0;
    read_setup(fcinfo, layout, &setup, &t);
    if (s == NULL || s->extra == NULL) {
        loy_rfm_customer *c = NULL;
        if (s == NULL)
            s = loy_pg_estate_new(cxt, &rfm_kind, NULL);
        if (s->obj == NULL) {
            rc = loy_rfm_customer_new(&c, setup.observation_end, &setup.opts);
            if (rc != LOY_OK)
                loy_pg_error(rc, "rfm_summary",
                             "invalid options (period length " INT64_FORMAT
                             ", freq_multiplier %s, observation end "
                             INT64_FORMAT ")", setup.opts.period_length,
                             loy_pg_f64_text(setup.opts.freq_multiplier),
                             setup.observation_end);
            s->obj = c;
        }
        s->extra = MemoryContextAlloc(s->hdr.eoh_context, sizeof(RfmSetup));
        *(RfmSetup *) s->extra = setup;
    } else if (!same_setup((RfmSetup *) s->extra, &setup)) {
        loy_pg_error(LOY_EINVAL, "rfm_summary",
                     "observation end and options must be the same on every "
                     "row of a customer");
    }
    if (PG_ARGISNULL(2))
        loy_pg_error(LOY_EINVAL, "rfm_summary",
                     "amount is NULL (use 0 for purchases without a value)");
    amount = PG_GETARG_FLOAT8(2);
    rc = loy_rfm_customer_add(s->obj, &t, &amount, 1, &bad);
    if (rc != LOY_OK)
        loy_pg_error(rc, "rfm_summary", "purchase (time " INT64_FORMAT
                     ", amount %s) is invalid: %s", t,
                     loy_pg_f64_text(amount),
                     rc == LOY_ESCALE ? (amount < 0 ? "negative amount"
                                         : "time too far from the end")
                                      : loy_strerror(rc));
    PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
}

PG_FUNCTION_INFO_V1(loyalty_rfm_add_date);
Datum
loyalty_rfm_add_date(PG_FUNCTION_ARGS)
{
    Datum d = add_row(fcinfo, ROW_DATE);
    if (d == (Datum) 0)
        PG_RETURN_NULL();
    return d;
}

PG_FUNCTION_INFO_V1(loyalty_rfm_add_cal);
Datum
loyalty_rfm_add_cal(PG_FUNCTION_ARGS)
{
    Datum d = add_row(fcinfo, ROW_CAL);
    if (d == (Datum) 0)
        PG_RETURN_NULL();
    return d;
}

PG_FUNCTION_INFO_V1(loyalty_rfm_add_raw);
Datum
loyalty_rfm_add_raw(PG_FUNCTION_ARGS)
{
    Datum d = add_row(fcinfo, ROW_RAW);
    if (d == (Datum) 0)
        PG_RETURN_NULL();
    return d;
}

PG_FUNCTION_INFO_V1(loyalty_rfm_combine);
Datum
loyalty_rfm_combine(PG_FUNCTION_ARGS)
{
    return loy_pg_estate_combine(fcinfo, &rfm_kind);
}

PG_FUNCTION_INFO_V1(loyalty_rfm_state_final);
Datum
loyalty_rfm_state_final(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    PG_RETURN_BYTEA_P(loy_pg_estate_flatten(PG_GETARG_DATUM(0), &rfm_kind));
}

/* rfm: (x, t_x, t, monetary, x_holdout, monetary_holdout, first_time);
 * holdout columns NULL without a calibration split. NULL when the
 * customer has no purchase in the (calibration) window. */
static Datum
rfm_tuple(FunctionCallInfo fcinfo, const loy_rfm_customer *c)
{
    double row[6];
    Datum v[6];
    bool nulls[6] = {false, false, false, false, false, false};
    int rc = loy_rfm_customer_row(row, 6, NULL, c), k;
    if (rc == LOY_EEMPTY)
        return (Datum) 0;
    LOY_PG_CHECK(rc, "rfm_summary");
    for (k = 0; k < 6; k++)
        v[k] = Float8GetDatum(row[k]);
    {
        /* 6 columns only with a calibration split */
        double probe[6];
        if (loy_rfm_customer_row(probe, 4, NULL, c) == LOY_OK)
            nulls[4] = nulls[5] = true;
    }
    return loy_pg_tuple(fcinfo, v, nulls);
}

PG_FUNCTION_INFO_V1(loyalty_rfm_final);
Datum
loyalty_rfm_final(PG_FUNCTION_ARGS)
{
    Datum d;
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    d = rfm_tuple(fcinfo, loy_pg_estate_read(PG_GETARG_DATUM(0), &rfm_kind));
    if (d == (Datum) 0)
        PG_RETURN_NULL();
    return d;
}

PG_FUNCTION_INFO_V1(loyalty_rfm_row);
Datum
loyalty_rfm_row(PG_FUNCTION_ARGS)
{
    Datum d = rfm_tuple(fcinfo, loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                   &rfm_kind));
    if (d == (Datum) 0)
        PG_RETURN_NULL();
    return d;
}
