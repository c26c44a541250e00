/* SPDX-License-Identifier: MIT */
/*
 * pg_arl.c - chart design in SQL: ewma_arl(), cusum_arl(), ewma_limit(),
 * cusum_limit() (average run lengths and the limits for a target ARL0),
 * by loy_arl_ewma() and friends. sides: 'two' (default), 'upper', 'lower'.
 */
#include "pg_grid.h"

#include "utils/builtins.h"

static uint32_t
sides_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
    char *s = text_to_cstring(PG_GETARG_TEXT_PP(argno));
    if (pg_strcasecmp(s, "two") == 0 || pg_strcasecmp(s, "two_sided") == 0)
        return LOY_ARL_TWO_SIDED;
    if (pg_strcasecmp(s, "upper") == 0)
        return LOY_ARL_UPPER;
    if (pg_strcasecmp(s, "lower") == 0)
        return LOY_ARL_LOWER;
    loy_pg_error(LOY_EINVAL, what, "unknown sides \"%s\" (two, upper, lower)", s);
}

static double
num(FunctionCallInfo fcinfo, int argno, const char *what, const char *name)
{
    return loy_pg_opt_f8(fcinfo, argno, what, name);
}

/* rc and v are separate calls' results: the caller evaluates the library
 * call first (argument evaluation order is unspecified in C). */
static Datum
arl_result(int rc, double v, const char *what, const char *params)
{
    if (rc == LOY_EDEGENERATE)
        loy_pg_error(rc, what, "the run length of %s is beyond double "
                     "precision (above about 1e13)", params);
    if (rc == LOY_EDOMAIN)
        loy_pg_error(rc, what, "%s: the head start or barrier is outside the "
                     "continuation region, or the chart needs more than 2000 "
                     "nodes", params);
    if (rc != LOY_OK)
        loy_pg_error(rc, what, "%s: %s", params, loy_strerror(rc));
    PG_RETURN_FLOAT8(v);
}

/* ewma_arl(lambda, ewma_limit, shift, sides, head_start, reflect) */
PG_FUNCTION_INFO_V1(loyalty_ewma_arl);
Datum
loyalty_ewma_arl(PG_FUNCTION_ARGS)
{
    const char *what = "ewma_arl";
    loy_arl_options o;
    double lambda = num(fcinfo, 0, what, "lambda");
    double limit = num(fcinfo, 1, what, "ewma_limit");
    double shift = num(fcinfo, 2, what, "shift");
    uint32_t sides = sides_arg(fcinfo, 3, what);
    double arl = 0.0;
    int rc;
    loy_arl_options_init(&o);
    o.head_start = num(fcinfo, 4, what, "head_start");
    o.reflect = num(fcinfo, 5, what, "reflect");
    loy_pg_opt_range(lambda, 0.0, 1.0, true, false, what, "lambda");
    loy_pg_opt_range(limit, 0.0, INFINITY, true, true, what, "ewma_limit");
    rc = loy_arl_ewma(&arl, lambda, limit, shift, sides, &o);
    return arl_result(rc, arl, what, psprintf("EWMA(lambda %s, L %s, head start %s, "
                                     "reflect %s)", loy_pg_f64_text(lambda),
                                     loy_pg_f64_text(limit),
                                     loy_pg_f64_text(o.head_start),
                                     loy_pg_f64_text(o.reflect)));
}

/* cusum_arl(k, h, shift, sides, head_start) */
PG_FUNCTION_INFO_V1(loyalty_cusum_arl);
Datum
loyalty_cusum_arl(PG_FUNCTION_ARGS)
{
    const char *what = "cusum_arl";
    loy_arl_options o;
    double k = num(fcinfo, 0, what, "k");
    double h = num(fcinfo, 1, what, "h");
    double shift = num(fcinfo, 2, what, "shift");
    uint32_t sides = sides_arg(fcinfo, 3, what);
    double arl = 0.0;
    int rc;
    loy_arl_options_init(&o);
    o.head_start = num(fcinfo, 4, what, "head_start");
    loy_pg_opt_range(k, 0.0, INFINITY, false, true, what, "k");
    loy_pg_opt_range(h, 0.0, INFINITY, true, true, what, "h");
    loy_pg_opt_range(o.head_start, 0.0, h, false, true, what, "head_start");
    rc = loy_arl_cusum(&arl, k, h, shift, sides, &o);
    return arl_result(rc, arl, what,
                      psprintf("CUSUM(k %s, h %s)", loy_pg_f64_text(k),
                               loy_pg_f64_text(h)));
}

/* ewma_limit(lambda, arl0, sides): L */
PG_FUNCTION_INFO_V1(loyalty_ewma_limit);
Datum
loyalty_ewma_limit(PG_FUNCTION_ARGS)
{
    const char *what = "ewma_limit";
    double lambda = num(fcinfo, 0, what, "lambda");
    double arl0 = num(fcinfo, 1, what, "arl0");
    uint32_t sides = sides_arg(fcinfo, 2, what);
    double limit = 0.0;
    int rc;
    loy_pg_opt_range(lambda, 0.0, 1.0, true, false, what, "lambda");
    loy_pg_opt_range(arl0, 1.0, 1e9, true, false, what, "arl0");
    rc = loy_arl_ewma_limit(&limit, lambda, arl0, sides, NULL);
    return arl_result(rc, limit, what, psprintf("EWMA(lambda %s) for ARL0 %s",
                                            loy_pg_f64_text(lambda),
                                            loy_pg_f64_text(arl0)));
}

/* cusum_limit(k, arl0, sides): h */
PG_FUNCTION_INFO_V1(loyalty_cusum_limit);
Datum
loyalty_cusum_limit(PG_FUNCTION_ARGS)
{
    const char *what = "cusum_limit";
    double k = num(fcinfo, 0, what, "k");
    double arl0 = num(fcinfo, 1, what, "arl0");
    uint32_t sides = sides_arg(fcinfo, 2, what);
    double h = 0.0;
    int rc;
    loy_pg_opt_range(k, 0.0, INFINITY, false, true, what, "k");
    loy_pg_opt_range(arl0, 1.0, 1e9, true, false, what, "arl0");
    rc = loy_arl_cusum_limit(&h, k, arl0, sides, NULL);
    return arl_result(rc, h, what,
                      psprintf("CUSUM(k %s) for ARL0 %s", loy_pg_f64_text(k),
                               loy_pg_f64_text(arl0)));
}
