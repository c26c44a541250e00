/* SPDX-License-Identifier: MIT */
/*
 * pg_patterns.c - lifetime models in SQL: the pattern_table state (the
 * library's mergeable loy_patterns), fit aggregates over customers
 * (x, t_x, T [, monetary]) for BG/NBD, MBG/NBD, Pareto/NBD and
 * Gamma-Gamma, the lifetime_fit result, and per-customer P(alive),
 * expected purchases, CLV and expected spend from a fit.
 */
#include "loyalty_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

static int
pt_serialize(uint8_t *buf, size_t cap, size_t *len, const void *obj)
{
    return loy_patterns_serialize(buf, cap, len, (const loy_patterns *) obj);
}

static int
pt_deserialize(void **out, const uint8_t *buf, size_t len)
{
    loy_patterns *p = NULL;
    int rc = loy_patterns_deserialize(&p, buf, len);
    *out = p;
    return rc;
}

static int
pt_merge(void *acc, const void *add)
{
    return loy_patterns_merge((loy_patterns *) acc, (const loy_patterns *) add);
}

static void
pt_free(void *obj)
{
    loy_patterns_free((loy_patterns *) obj);
}

static const LoyKind pattern_kind = {"pattern_table", pt_serialize,
                                     pt_deserialize, pt_merge, pt_free, NULL};

static const LoyItem pattern_items[] = {
    {LOY_ITEM_FIELD, "flags", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_ZERO, NULL, 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "rows", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_COUNT, NULL, 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_COUNT, NULL, 1, {LOY_F_U64}, 1, 0},
    {LOY_ITEM_FIELD, "zero_spend", 1, {LOY_F_F64}, 0, 0},
    {LOY_ITEM_ARRAY, "patterns", 4, {LOY_F_F64, LOY_F_F64, LOY_F_F64, LOY_F_F64},
     0, 0},
    {LOY_ITEM_ARRAY, "spend", 3, {LOY_F_F64, LOY_F_F64, LOY_F_F64}, 1, 0},
};
static const LoySchema pattern_schema = {"pattern_table", 4, 1, 8,
                                         pattern_items, NULL};

/* ------------------------------------------------------------------ */
/* type I/O                                                            */
/* ------------------------------------------------------------------ */

static const LoyType pattern_table_type = {&pattern_schema, &pattern_kind, NULL};

LOY_PG_TYPE_IO(pattern_table, pattern_table_type)

/* ------------------------------------------------------------------ */
/* aggregates                                                          */
/* ------------------------------------------------------------------ */

/* What is wrong with a customer row the library refused. */
static const char *
row_problem(int rc, double x, double tx, double T, double m, double w)
{
    switch (rc) {
    case LOY_ENONFINITE: return "a value is NaN or infinite";
    case LOY_EINCONSISTENT:
        return tx > T ? "t_x is after T" : "t_x must be 0 when x = 0";
    case LOY_ESCALE:
        if (x < 0 || x != floor(x)) return "x must be a whole number >= 0";
        if (tx < 0) return "t_x must be >= 0";
        if (!(T > 0)) return "T must be > 0 (a first purchase at the end "
                             "of observation)";
        if (m < 0) return "monetary must be >= 0";
        if (w < 0) return "weight must be >= 0";
        return loy_strerror(rc);
    default: return loy_strerror(rc);
    }
}

/*
 * Transition (state, x, t_x, T [, monetary [, weight]]). A customer with a
 * NULL x, t_x or T is skipped (as aggregates skip NULLs); with 5
 * arguments a NULL monetary on the group's first row makes a table
 * without spend patterns, and every row must then agree.
 */
static Datum
patterns_add(FunctionCallInfo fcinfo)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    LoyEState *s = loy_pg_estate_arg(fcinfo, 0, aggctx, &pattern_kind);
    int nargs = PG_NARGS();
    double x, tx, T, m = 0.0, w = 1.0;
    bool has_m = nargs > 4 && !PG_ARGISNULL(4);
    loy_patterns_info info = LOY_PATTERNS_INFO_INIT;
    size_t bad;
    int rc;
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3)
        || (nargs > 5 && PG_ARGISNULL(5)))
        return s ? loy_pg_estate_return(s, aggctx) : (Datum) 0;
    if (s == NULL) {
        loy_patterns *p = NULL;
        s = loy_pg_estate_new(cxt, &pattern_kind, NULL);
        rc = loy_patterns_new(&p, has_m ? LOY_PATTERNS_MONETARY : 0u);
        LOY_PG_CHECK(rc, "pattern_table");
        s->obj = p;
    }
    if (s->extra == NULL) {
        /* the table's flags, kept beside it: reading them through
         * loy_patterns_get_info() sums every weight */
        LOY_PG_CHECK(loy_patterns_get_info(&info, s->obj), "pattern_table");
        s->extra = MemoryContextAlloc(s->hdr.eoh_context, sizeof(bool));
        *(bool *) s->extra = (info.flags & LOY_PATTERNS_MONETARY) != 0;
    }
    x = PG_GETARG_FLOAT8(1);
    tx = PG_GETARG_FLOAT8(2);
    T = PG_GETARG_FLOAT8(3);
    if (has_m)
        m = PG_GETARG_FLOAT8(4);
    if (nargs > 5)
        w = PG_GETARG_FLOAT8(5);
    if (has_m != *(bool *) s->extra)
        loy_pg_error(LOY_EINVAL, "pattern_table",
                     "monetary is %s on this row but %s on the group's first",
                     has_m ? "given" : "NULL", has_m ? "NULL" : "given");
    rc = loy_patterns_add(s->obj, &x, &tx, &T, has_m ? &m : NULL, &w, 1, &bad);
    if (rc != LOY_OK)
        loy_pg_error(rc, "pattern_table",
                     "customer (x %s, t_x %s, T %s%s%s, weight %s): %s",
                     loy_pg_f64_text(x), loy_pg_f64_text(tx), loy_pg_f64_text(T),
                     has_m ? ", monetary " : "", has_m ? loy_pg_f64_text(m) : "",
                     loy_pg_f64_text(w), row_problem(rc, x, tx, T, m, w));
    PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
}

PG_FUNCTION_INFO_V1(loyalty_patterns_add);
Datum
loyalty_patterns_add(PG_FUNCTION_ARGS)
{
    Datum d = patterns_add(fcinfo);
    if (d == (Datum) 0)
        PG_RETURN_NULL();
    return d;
}

PG_FUNCTION_INFO_V1(loyalty_patterns_combine);
Datum
loyalty_patterns_combine(PG_FUNCTION_ARGS)
{
    return loy_pg_estate_combine(fcinfo, &pattern_kind);
}

PG_FUNCTION_INFO_V1(loyalty_patterns_final);
Datum
loyalty_patterns_final(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    PG_RETURN_BYTEA_P(loy_pg_estate_flatten(PG_GETARG_DATUM(0), &pattern_kind));
}

/* pattern_info: (patterns, spend_patterns, rows, customers,
 * spend_customers, zero_spend_customers, monetary) */
PG_FUNCTION_INFO_V1(loyalty_pattern_info);
Datum
loyalty_pattern_info(PG_FUNCTION_ARGS)
{
    const loy_patterns *p = loy_pg_estate_read(PG_GETARG_DATUM(0),
                                               &pattern_kind);
    loy_patterns_info info = LOY_PATTERNS_INFO_INIT;
    Datum v[7];
    bool nulls[7] = {false, false, false, false, false, false, false};
    LOY_PG_CHECK(loy_patterns_get_info(&info, p), "pattern_info");
    v[0] = Int64GetDatum((int64) info.n_patterns);
    v[1] = Int64GetDatum((int64) info.n_spend_patterns);
    v[2] = Int64GetDatum((int64) (info.n_rows > PG_INT64_MAX ? PG_INT64_MAX
                                                             : info.n_rows));
    v[3] = Float8GetDatum(info.customers);
    v[4] = Float8GetDatum(info.spend_customers);
    v[5] = Float8GetDatum(info.zero_spend_customers);
    v[6] = BoolGetDatum((info.flags & LOY_PATTERNS_MONETARY) != 0);
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* ------------------------------------------------------------------ */
/* fits                                                                */
/* ------------------------------------------------------------------ */

typedef enum { M_BGNBD, M_MBGNBD, M_PNBD, M_GGAMMA, M_COUNT } Model;

static const char *const model_name[M_COUNT] = {"bgnbd", "mbgnbd", "pnbd",
                                                 "ggamma"};
static const int model_k[M_COUNT] = {4, 4, 4, 3};

/* lifetime_fit: (model, params, se, loglik, customers, patterns,
 * iterations, converged) */
static Datum
fit_tuple(FunctionCallInfo fcinfo, const loy_patterns *p, Model m)
{
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double params[4] = {0, 0, 0, 0};
    Datum v[8];
    bool nulls[8] = {false, false, false, false, false, false, false, false};
    int rc, k = model_k[m], j;
    switch (m) {
    case M_BGNBD: rc = loy_bgnbd_fit_patterns(params, p, NULL, &rep); break;
    case M_MBGNBD: rc = loy_mbgnbd_fit_patterns(params, p, NULL, &rep); break;
    case M_PNBD: rc = loy_pnbd_fit_patterns(params, p, NULL, &rep); break;
    default: rc = loy_ggamma_fit_patterns(params, p, NULL, &rep); break;
    }
    if (rc == LOY_EEMPTY)
        loy_pg_error(rc, model_name[m], "%s", m == M_GGAMMA
                     ? "no customer with x >= 1 and monetary > 0"
                     : "no customer to fit");
    if (rc == LOY_EINVAL && m == M_GGAMMA)
        loy_pg_error(rc, model_name[m], "the pattern table has no monetary "
                     "values");
    if (rc != LOY_OK && rc != LOY_ENOCONV)
        loy_pg_error(rc, model_name[m], "the fit failed: %s", loy_strerror(rc));
    v[0] = CStringGetTextDatum(model_name[m]);
    v[1] = loy_pg_float8_array(params, k);
    for (j = 0; j < k; j++)
        if (isnan(rep.se[j]))
            break;
    if (j < k)
        nulls[2] = true; /* no standard errors (singular information) */
    else
        v[2] = loy_pg_float8_array(rep.se, k);
    v[3] = Float8GetDatum(rep.loglik);
    v[4] = Float8GetDatum(rep.n_customers);
    v[5] = Int64GetDatum((int64) rep.n_rows);
    v[6] = Int32GetDatum((int32) rep.iterations);
    v[7] = BoolGetDatum(rc == LOY_OK);
    return loy_pg_tuple(fcinfo, v, nulls);
}

static Datum
fit_final(FunctionCallInfo fcinfo, Model m)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    return fit_tuple(fcinfo, loy_pg_estate_read(PG_GETARG_DATUM(0),
                                                &pattern_kind), m);
}

PG_FUNCTION_INFO_V1(loyalty_bgnbd_final);
Datum loyalty_bgnbd_final(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_BGNBD); }
PG_FUNCTION_INFO_V1(loyalty_mbgnbd_final);
Datum loyalty_mbgnbd_final(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_MBGNBD); }
PG_FUNCTION_INFO_V1(loyalty_pnbd_final);
Datum loyalty_pnbd_final(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_PNBD); }
PG_FUNCTION_INFO_V1(loyalty_ggamma_final);
Datum loyalty_ggamma_final(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_GGAMMA); }

/* The same from a stored pattern table (scalar). */
PG_FUNCTION_INFO_V1(loyalty_bgnbd_fit_table);
Datum loyalty_bgnbd_fit_table(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_BGNBD); }
PG_FUNCTION_INFO_V1(loyalty_mbgnbd_fit_table);
Datum loyalty_mbgnbd_fit_table(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_MBGNBD); }
PG_FUNCTION_INFO_V1(loyalty_pnbd_fit_table);
Datum loyalty_pnbd_fit_table(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_PNBD); }
PG_FUNCTION_INFO_V1(loyalty_ggamma_fit_table);
Datum loyalty_ggamma_fit_table(PG_FUNCTION_ARGS) { return fit_final(fcinfo, M_GGAMMA); }

/* ------------------------------------------------------------------ */
/* per-customer predictions from a lifetime_fit                         */
/* ------------------------------------------------------------------ */

typedef struct FitArg {
    Model model;
    double params[4];
} FitArg;

/* Model and parameters of a lifetime_fit record (fields 1 and 2). */
static void
fit_arg(FitArg *f, HeapTupleHeader rec, const char *what)
{
    bool isnull;
    Datum d;
    char *name;
    double *p;
    int n, m;
    d = GetAttributeByNum(rec, 1, &isnull);
    if (isnull)
        loy_pg_error(LOY_EINVAL, what, "the fit has no model");
    name = TextDatumGetCString(d);
    for (m = 0; m < M_COUNT; m++)
        if (strcmp(name, model_name[m]) == 0)
            break;
    if (m == M_COUNT)
        loy_pg_error(LOY_EINVAL, what, "unknown model \"%s\" (bgnbd, mbgnbd, "
                     "pnbd, ggamma)", name);
    d = GetAttributeByNum(rec, 2, &isnull);
    if (isnull)
        loy_pg_error(LOY_EINVAL, what, "the fit has no parameters");
    p = loy_pg_float8_values(DatumGetArrayTypeP(d), &n, what, "params");
    if (n != model_k[m])
        loy_pg_error(LOY_EINVAL, what, "%s takes %d parameters, not %d",
                     model_name[m], model_k[m], n);
    f->model = (Model) m;
    memcpy(f->params, p, (size_t) n * sizeof(double));
}

static void
customer_error(int rc, const char *what, double x, double tx, double T)
{
    loy_pg_error(rc, what, "customer (x %s, t_x %s, T %s): %s",
                 loy_pg_f64_text(x), loy_pg_f64_text(tx), loy_pg_f64_text(T),
                 rc == LOY_EDOMAIN ? "a parameter is not > 0"
                                   : row_problem(rc, x, tx, T, 0.0, 1.0));
}

PG_FUNCTION_INFO_V1(loyalty_palive);
Datum
loyalty_palive(PG_FUNCTION_ARGS)
{
    FitArg f;
    double x = PG_GETARG_FLOAT8(1), tx = PG_GETARG_FLOAT8(2),
           T = PG_GETARG_FLOAT8(3), out = 0.0;
    int rc;
    fit_arg(&f, PG_GETARG_HEAPTUPLEHEADER(0), "palive");
    switch (f.model) {
    case M_BGNBD: rc = loy_bgnbd_palive(&out, f.params, &x, &tx, &T, 1, NULL); break;
    case M_MBGNBD: rc = loy_mbgnbd_palive(&out, f.params, &x, &tx, &T, 1, NULL); break;
    case M_PNBD: rc = loy_pnbd_palive(&out, f.params, &x, &tx, &T, 1, NULL); break;
    default:
        loy_pg_error(LOY_EINVAL, "palive", "ggamma is a spend model");
    }
    if (rc != LOY_OK)
        customer_error(rc, "palive", x, tx, T);
    PG_RETURN_FLOAT8(out);
}

PG_FUNCTION_INFO_V1(loyalty_expected_purchases);
Datum
loyalty_expected_purchases(PG_FUNCTION_ARGS)
{
    FitArg f;
    double x = PG_GETARG_FLOAT8(1), tx = PG_GETARG_FLOAT8(2),
           T = PG_GETARG_FLOAT8(3), t = PG_GETARG_FLOAT8(4), out = 0.0;
    int rc;
    fit_arg(&f, PG_GETARG_HEAPTUPLEHEADER(0), "expected_purchases");
    if (!(t >= 0.0 && isfinite(t)))
        loy_pg_error(isfinite(t) || isnan(t) ? (isnan(t) ? LOY_ENONFINITE
                                                         : LOY_EDOMAIN)
                                             : LOY_ENONFINITE,
                     "expected_purchases", "horizon %s must be finite and >= 0",
                     loy_pg_f64_text(t));
    switch (f.model) {
    case M_BGNBD: rc = loy_bgnbd_expected(&out, f.params, &x, &tx, &T, 1, t, NULL); break;
    case M_MBGNBD: rc = loy_mbgnbd_expected(&out, f.params, &x, &tx, &T, 1, t, NULL); break;
    case M_PNBD: rc = loy_pnbd_expected(&out, f.params, &x, &tx, &T, 1, t, NULL); break;
    default:
        loy_pg_error(LOY_EINVAL, "expected_purchases", "ggamma is a spend model");
    }
    if (rc != LOY_OK)
        customer_error(rc, "expected_purchases", x, tx, T);
    PG_RETURN_FLOAT8(out);
}

/*
 * clv(fit, x, t_x, T, margin, discount, horizon): margin x discounted
 * expected purchases with a continuous discount rate per time unit;
 * horizon 0 is infinite. BG/NBD any horizon, Pareto/NBD infinite only
 * (DERT); MBG/NBD has no CLV in the library.
 */
PG_FUNCTION_INFO_V1(loyalty_clv);
Datum
loyalty_clv(PG_FUNCTION_ARGS)
{
    FitArg f;
    double x = PG_GETARG_FLOAT8(1), tx = PG_GETARG_FLOAT8(2),
           T = PG_GETARG_FLOAT8(3), margin = PG_GETARG_FLOAT8(4),
           delta = PG_GETARG_FLOAT8(5), horizon = PG_GETARG_FLOAT8(6),
           out = 0.0;
    int rc;
    fit_arg(&f, PG_GETARG_HEAPTUPLEHEADER(0), "clv");
    if (f.model == M_BGNBD) {
        rc = loy_bgnbd_clv(&out, f.params, &x, &tx, &T, &margin, 1, delta,
                           horizon, NULL);
    } else if (f.model == M_PNBD) {
        if (horizon != 0.0 && !isinf(horizon))
            loy_pg_error(LOY_EINVAL, "clv", "Pareto/NBD CLV is for an infinite "
                         "horizon only (horizon 0)");
        if (!isfinite(margin) || margin < 0.0)
            loy_pg_error(isfinite(margin) ? LOY_ESCALE : LOY_ENONFINITE, "clv",
                         "margin %s must be finite and >= 0",
                         loy_pg_f64_text(margin));
        rc = loy_pnbd_dert(&out, f.params, &x, &tx, &T, 1, delta, NULL);
        out *= margin;
    } else {
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("clv: not available for %s (bgnbd, pnbd)",
                               model_name[f.model])));
    }
    if (rc == LOY_EDOMAIN || rc == LOY_EINVAL)
        loy_pg_error(rc, "clv", "discount rate %s, horizon %s: the rate must "
                     "be >= 0, and > 0 for an infinite horizon",
                     loy_pg_f64_text(delta), loy_pg_f64_text(horizon));
    if (rc != LOY_OK)
        customer_error(rc, "clv", x, tx, T);
    PG_RETURN_FLOAT8(out);
}

PG_FUNCTION_INFO_V1(loyalty_expected_spend);
Datum
loyalty_expected_spend(PG_FUNCTION_ARGS)
{
    FitArg f;
    double x = PG_GETARG_FLOAT8(1), m = PG_GETARG_FLOAT8(2), out = 0.0;
    int rc;
    fit_arg(&f, PG_GETARG_HEAPTUPLEHEADER(0), "expected_spend");
    if (f.model != M_GGAMMA)
        loy_pg_error(LOY_EINVAL, "expected_spend", "needs a ggamma fit, not %s",
                     model_name[f.model]);
    rc = loy_ggamma_expected_spend(&out, f.params, &x, &m, 1, NULL);
    if (rc != LOY_OK)
        loy_pg_error(rc, "expected_spend", "customer (x %s, monetary %s): %s",
                     loy_pg_f64_text(x), loy_pg_f64_text(m),
                     rc == LOY_EDOMAIN ? "p x + q <= 1: infinite mean"
                                       : rc == LOY_ESCALE
                                         ? "x must be a whole number >= 0 and "
                                           "monetary > 0 when x >= 1"
                                         : loy_strerror(rc));
    PG_RETURN_FLOAT8(out);
}

/* lifetime_fit(model, params): a fit from known parameters. */
PG_FUNCTION_INFO_V1(loyalty_make_fit);
Datum
loyalty_make_fit(PG_FUNCTION_ARGS)
{
    Datum v[8];
    bool nulls[8] = {false, true, true, true, true, true, true, false};
    char *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
    double *p;
    int n, m;
    for (m = 0; m < M_COUNT; m++)
        if (strcmp(name, model_name[m]) == 0)
            break;
    if (m == M_COUNT)
        loy_pg_error(LOY_EINVAL, "lifetime_fit", "unknown model \"%s\" (bgnbd, "
                     "mbgnbd, pnbd, ggamma)", name);
    p = loy_pg_float8_values(PG_GETARG_ARRAYTYPE_P(1), &n, "lifetime_fit",
                             "params");
    if (n != model_k[m])
        loy_pg_error(LOY_EINVAL, "lifetime_fit", "%s takes %d parameters, not %d",
                     name, model_k[m], n);
    for (n = 0; n < model_k[m]; n++)
        if (!(p[n] > 0.0) || !isfinite(p[n]))
            loy_pg_error(isfinite(p[n]) ? LOY_EDOMAIN : LOY_ENONFINITE,
                         "lifetime_fit", "parameter %d is %s, not > 0", n + 1,
                         loy_pg_f64_text(p[n]));
    v[0] = CStringGetTextDatum(model_name[m]);
    v[1] = loy_pg_float8_array(p, model_k[m]);
    nulls[1] = false;
    v[7] = BoolGetDatum(true);
    return loy_pg_tuple(fcinfo, v, nulls);
}
