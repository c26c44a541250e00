/* SPDX-License-Identifier: MIT */
/*
 * ddb_lifetime.c - purchase-log summaries, pattern tables, lifetime-model
 * fits and per-customer predictions for DuckDB.
 *
 * States hold library handles (freed by the destroy callback); each update
 * call adds the rows of each group in one library call.
 */
#include "ddb_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* pattern tables and fits                                             */
/* ------------------------------------------------------------------ */

static int
pt_ser(uint8_t *buf, size_t cap, size_t *len, const void *p)
{
    return loy_patterns_serialize(buf, cap, len, (const loy_patterns *) p);
}

static int
pt_de(void **out, const uint8_t *buf, size_t len)
{
    return loy_patterns_deserialize((loy_patterns **) out, buf, len);
}

static int
pt_merge(void *acc, const void *add)
{
    return loy_patterns_merge((loy_patterns *) acc, (const loy_patterns *) add);
}

static void
pt_free(void *p)
{
    loy_patterns_free((loy_patterns *) p);
}

static const DdbKind pattern_kind = {"pattern_table", pt_ser, pt_de, pt_merge,
                                     pt_free};

static _Thread_local double c_x[4096], c_tx[4096], c_T[4096], c_m[4096];

static const char *
row_problem(int rc, double x, double tx, double T)
{
    if (rc == LOY_ENONFINITE)
        return "a value is NaN or infinite";
    if (rc == LOY_EINCONSISTENT)
        return tx > T ? "t_x is after T" : "t_x must be 0 when x = 0";
    if (x < 0 || x != floor(x))
        return "x must be a whole number >= 0";
    if (!(T > 0))
        return "T must be > 0";
    return "t_x and monetary must be >= 0";
}

static void
p_update_cols(duckdb_function_info info, duckdb_data_chunk in,
              duckdb_aggregate_state *states, int monetary)
{
    const double *x = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    const double *tx = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    const double *T = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    const double *m = monetary ? (const double *) duckdb_vector_get_data(
                                     duckdb_data_chunk_get_vector(in, 3)) : NULL;
    DdbGroups g;
    idx_t k, j;
    if (ddb_group(&g, states, in, monetary ? 0xFu : 0x7u) != 0)
        return;
    for (k = 0; k < g.n_groups; k++) {
        DdbHState *s = (DdbHState *) g.state[k];
        size_t n = 0, bad = 0;
        int rc;
        for (j = g.start[k]; j < g.start[k + 1]; j++) {
            uint32_t r = g.row[j];
            c_x[n] = x[r];
            c_tx[n] = tx[r];
            c_T[n] = T[r];
            if (m != NULL)
                c_m[n] = m[r];
            n++;
        }
        if (s->h == NULL
            && loy_patterns_new((loy_patterns **) &s->h,
                                monetary ? LOY_PATTERNS_MONETARY : 0u) != LOY_OK) {
            ddb_agg_error(info, LOY_ENOMEM, "pattern_table", "out of memory");
            return;
        }
        rc = loy_patterns_add(s->h, c_x, c_tx, c_T, m ? c_m : NULL, NULL, n, &bad);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "pattern_table", "customer (x %g, t_x %g, T %g): %s",
                          c_x[bad], c_tx[bad], c_T[bad],
                          row_problem(rc, c_x[bad], c_tx[bad], c_T[bad]));
            return;
        }
    }
}

static void
p_update3(duckdb_function_info info, duckdb_data_chunk in,
          duckdb_aggregate_state *states)
{
    p_update_cols(info, in, states, 0);
}

static void
p_update4(duckdb_function_info info, duckdb_data_chunk in,
          duckdb_aggregate_state *states)
{
    p_update_cols(info, in, states, 1);
}

typedef enum { M_BGNBD, M_MBGNBD, M_PNBD, M_GGAMMA, M_COUNT } Model;
static const char *const model_name[M_COUNT] = {"bgnbd", "mbgnbd", "pnbd",
                                                "ggamma"};
static const int model_k[M_COUNT] = {4, 4, 4, 3};

static int
model_of(const char *s, size_t len)
{
    int m;
    for (m = 0; m < M_COUNT; m++)
        if (strlen(model_name[m]) == len && memcmp(model_name[m], s, len) == 0)
            return m;
    return -1;
}

/* lifetime_fit: STRUCT(model, params DOUBLE[], se DOUBLE[], loglik,
 * customers, patterns, converged) */
static duckdb_logical_type
fit_type(void)
{
    static const char *const names[7] = {"model", "params", "se", "loglik",
                                         "customers", "patterns", "converged"};
    duckdb_logical_type t[7];
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_list_of(DUCKDB_TYPE_DOUBLE);
    t[2] = ddb_list_of(DUCKDB_TYPE_DOUBLE);
    t[3] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[4] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[5] = ddb_type(DUCKDB_TYPE_BIGINT);
    t[6] = ddb_type(DUCKDB_TYPE_BOOLEAN);
    return ddb_struct(7, names, t);
}

/* Fit model m to p into row `row` of out; 0, or the status (message in
 * msg). */
static int
fit_row(duckdb_vector out, idx_t row, const loy_patterns *p, Model m,
        char *msg, size_t msg_len)
{
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double params[4] = {0, 0, 0, 0};
    int rc, k = model_k[m], j, se_ok = 1;
    switch (m) {
    case M_BGNBD: rc = loy_bgnbd_fit_patterns(params, p, NULL, &rep); break;
    case M_MBGNBD: rc = loy_mbgnbd_fit_patterns(params, p, NULL, &rep); break;
    case M_PNBD: rc = loy_pnbd_fit_patterns(params, p, NULL, &rep); break;
    default: rc = loy_ggamma_fit_patterns(params, p, NULL, &rep); break;
    }
    if (rc != LOY_OK && rc != LOY_ENOCONV) {
        ddb_msg(msg, msg_len, rc, model_name[m], "%s",
                rc == LOY_EEMPTY ? "no customer to fit" : loy_strerror(rc));
        return rc;
    }
    ddb_put_str(out, 0, row, model_name[m]);
    ddb_put_list_f64(out, 1, row, params, (idx_t) k);
    for (j = 0; j < k; j++)
        se_ok &= !isnan(rep.se[j]);
    if (se_ok) {
        ddb_put_list_f64(out, 2, row, rep.se, (idx_t) k);
    } else {
        duckdb_vector c = ddb_child(out, 2);
        ((duckdb_list_entry *) duckdb_vector_get_data(c))[row].length = 0;
        ddb_set_null(c, row);
    }
    ddb_put_f64(out, 3, row, rep.loglik);
    ddb_put_f64(out, 4, row, rep.n_customers);
    ddb_put_i64(out, 5, row, (int64_t) rep.n_rows);
    ddb_put_bool(out, 6, row, rc == LOY_OK);
    return LOY_OK;
}

static void
fit_final(duckdb_function_info info, duckdb_aggregate_state *src,
          duckdb_vector out, idx_t count, idx_t offset, Model m)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        const DdbHState *s = (const DdbHState *) src[i];
        char msg[512];
        if (s->h == NULL) {
            ddb_set_null(out, offset + i);
            continue;
        }
        if (fit_row(out, offset + i, s->h, m, msg, sizeof msg) != LOY_OK) {
            duckdb_aggregate_function_set_error(info, msg);
            return;
        }
    }
}

static void
bgnbd_final(duckdb_function_info i, duckdb_aggregate_state *s, duckdb_vector o,
            idx_t c, idx_t off)
{
    fit_final(i, s, o, c, off, M_BGNBD);
}

static void
mbgnbd_final(duckdb_function_info i, duckdb_aggregate_state *s, duckdb_vector o,
             idx_t c, idx_t off)
{
    fit_final(i, s, o, c, off, M_MBGNBD);
}

static void
pnbd_final(duckdb_function_info i, duckdb_aggregate_state *s, duckdb_vector o,
           idx_t c, idx_t off)
{
    fit_final(i, s, o, c, off, M_PNBD);
}

static void
ggamma_final(duckdb_function_info i, duckdb_aggregate_state *s, duckdb_vector o,
             idx_t c, idx_t off)
{
    fit_final(i, s, o, c, off, M_GGAMMA);
}

/* fit_patterns(table BLOB, model VARCHAR): a fit from a stored table */
static void
fit_patterns_fn(duckdb_function_info info, duckdb_data_chunk in,
                duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    duckdb_string_t *mv = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    for (i = 0; i < n; i++) {
        loy_patterns *p = NULL;
        size_t len, mlen;
        const uint8_t *bytes = ddb_blob(&b[i], &len);
        const char *ms = (const char *) ddb_blob(&mv[i], &mlen);
        int m = model_of(ms, mlen), rc;
        char msg[512];
        if (m < 0) {
            ddb_scalar_error(info, LOY_EINVAL, "fit_patterns", "unknown model "
                             "\"%.*s\" (bgnbd, mbgnbd, pnbd, ggamma)", (int) mlen, ms);
            return;
        }
        rc = loy_patterns_deserialize(&p, bytes, len);
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, "fit_patterns", "malformed pattern_table");
            return;
        }
        rc = fit_row(out, i, p, (Model) m, msg, sizeof msg);
        loy_patterns_free(p);
        if (rc != LOY_OK) {
            duckdb_scalar_function_set_error(info, msg);
            return;
        }
    }
}

/* palive(model, params, x, t_x, T) and expected_purchases(..., t) */
static void
predict_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out,
           int expected)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_string_t *mv = (duckdb_string_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    duckdb_vector pv = duckdb_data_chunk_get_vector(in, 1);
    duckdb_list_entry *pe = (duckdb_list_entry *) duckdb_vector_get_data(pv);
    const double *pd = (const double *) duckdb_vector_get_data(duckdb_list_vector_get_child(pv));
    const double *x = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    const double *tx = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 3));
    const double *T = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 4));
    const double *h = expected ? (const double *) duckdb_vector_get_data(
                                     duckdb_data_chunk_get_vector(in, 5)) : NULL;
    double *res = (double *) duckdb_vector_get_data(out);
    const char *what = expected ? "expected_purchases" : "palive";
    for (i = 0; i < n; i++) {
        size_t mlen;
        const char *ms = (const char *) ddb_blob(&mv[i], &mlen);
        int m = model_of(ms, mlen), rc;
        double p[4];
        if (m < 0 || m == M_GGAMMA || pe[i].length != 4) {
            ddb_scalar_error(info, LOY_EINVAL, what, "model \"%.*s\" with %llu "
                             "parameters (bgnbd, mbgnbd or pnbd with 4)",
                             (int) mlen, ms, (unsigned long long) pe[i].length);
            return;
        }
        memcpy(p, pd + pe[i].offset, sizeof p);
        if (!expected) {
            rc = m == M_BGNBD ? loy_bgnbd_palive(&res[i], p, &x[i], &tx[i], &T[i], 1, NULL)
                 : m == M_MBGNBD ? loy_mbgnbd_palive(&res[i], p, &x[i], &tx[i], &T[i], 1, NULL)
                 : loy_pnbd_palive(&res[i], p, &x[i], &tx[i], &T[i], 1, NULL);
        } else {
            rc = m == M_BGNBD ? loy_bgnbd_expected(&res[i], p, &x[i], &tx[i], &T[i], 1, h[i], NULL)
                 : m == M_MBGNBD ? loy_mbgnbd_expected(&res[i], p, &x[i], &tx[i], &T[i], 1, h[i], NULL)
                 : loy_pnbd_expected(&res[i], p, &x[i], &tx[i], &T[i], 1, h[i], NULL);
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "customer (x %g, t_x %g, T %g): %s",
                             x[i], tx[i], T[i],
                             rc == LOY_EDOMAIN ? "a parameter or the horizon is "
                                                 "out of range"
                                               : row_problem(rc, x[i], tx[i], T[i]));
            return;
        }
    }
}

static void
palive_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    predict_fn(info, in, out, 0);
}

static void
expected_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    predict_fn(info, in, out, 1);
}

/* ------------------------------------------------------------------ */
/* purchase-log summary per customer                                   */
/* ------------------------------------------------------------------ */

static int
rc_ser(uint8_t *buf, size_t cap, size_t *len, const void *c)
{
    return loy_rfm_customer_serialize(buf, cap, len, (const loy_rfm_customer *) c);
}

static int
rc_de(void **out, const uint8_t *buf, size_t len)
{
    return loy_rfm_customer_deserialize((loy_rfm_customer **) out, buf, len);
}

static int
rc_merge(void *acc, const void *add)
{
    return loy_rfm_customer_merge((loy_rfm_customer *) acc,
                                  (const loy_rfm_customer *) add);
}

static void
rc_free(void *c)
{
    loy_rfm_customer_free((loy_rfm_customer *) c);
}

static const DdbKind rfm_kind = {"rfm_summary", rc_ser, rc_de, rc_merge,
                                 rc_free};

/* The handle state, and the options its first row fixed (checked on every
 * later row of the group). */
typedef struct RState {
    DdbHState h;
    int64_t obs_end;
    int64_t period_length;
    double freq;
    int known; /* the fields above hold the group's options */
} RState;

static void
r_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    memset(state, 0, sizeof(RState));
    ddb_h_init(info, state);
}

static _Thread_local int64_t r_t[4096];

/* rfm_summary(day DATE, amount DOUBLE, observation_end DATE
 * [, period VARCHAR, freq_multiplier DOUBLE]); DATE = days since 1970 */
static void
r_update(duckdb_function_info info, duckdb_data_chunk in,
         duckdb_aggregate_state *states)
{
    idx_t ncol = duckdb_data_chunk_get_column_count(in), k, j;
    const int32_t *day = (const int32_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 0));
    const double *amt = (const double *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 1));
    const int32_t *end = (const int32_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 2));
    duckdb_string_t *per = ncol > 3 ? (duckdb_string_t *) duckdb_vector_get_data(
                                          duckdb_data_chunk_get_vector(in, 3)) : NULL;
    const double *fm = ncol > 4 ? (const double *) duckdb_vector_get_data(
                                      duckdb_data_chunk_get_vector(in, 4)) : NULL;
    DdbGroups g;
    if (ddb_group(&g, states, in, (1u << ncol) - 1u) != 0)
        return;
    for (k = 0; k < g.n_groups; k++) {
        RState *s = (RState *) g.state[k];
        size_t n = 0, bad = 0;
        int rc;
        for (j = g.start[k]; j < g.start[k + 1]; j++) {
            uint32_t r = g.row[j];
            loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
            if (per != NULL) {
                size_t len;
                const char *p = (const char *) ddb_blob(&per[r], &len);
                if (len == 4 && memcmp(p, "week", 4) == 0) {
                    o.period_length = 7;
                    o.period_origin = -3;
                } else if (!(len == 3 && memcmp(p, "day", 3) == 0)) {
                    ddb_agg_error(info, LOY_EINVAL, "rfm_summary", "unknown "
                                  "period \"%.*s\" (day, week)", (int) len, p);
                    return;
                }
            }
            if (fm != NULL)
                o.freq_multiplier = fm[r];
            if (s->h.h == NULL) {
                rc = loy_rfm_customer_new((loy_rfm_customer **) &s->h.h, end[r], &o);
                if (rc != LOY_OK) {
                    ddb_agg_error(info, rc, "rfm_summary", "invalid options");
                    return;
                }
            }
            if (!s->known) {
                s->known = 1;
                s->obs_end = end[r];
                s->period_length = o.period_length;
                s->freq = o.freq_multiplier;
            } else if (s->obs_end != end[r] || s->period_length != o.period_length
                       || s->freq != o.freq_multiplier) {
                ddb_agg_error(info, LOY_EINVAL, "rfm_summary", "observation end "
                              "and options must be the same on every row of a "
                              "customer");
                return;
            }
            r_t[n] = day[r];
            c_m[n++] = amt[r];
        }
        rc = loy_rfm_customer_add(s->h.h, r_t, c_m, n, &bad);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, "rfm_summary", "purchase (day %lld, amount "
                          "%g) is invalid", (long long) r_t[bad], c_m[bad]);
            return;
        }
    }
}

static duckdb_logical_type
rfm_type(void)
{
    static const char *const names[4] = {"x", "t_x", "t", "monetary"};
    duckdb_logical_type t[4];
    int k;
    for (k = 0; k < 4; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    return ddb_struct(4, names, t);
}

static void
r_final(duckdb_function_info info, duckdb_aggregate_state *src,
        duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    (void) info;
    for (i = 0; i < count; i++) {
        const DdbHState *s = (const DdbHState *) src[i];
        double row[6];
        int k;
        if (s->h == NULL || loy_rfm_customer_row(row, 6, NULL, s->h) != LOY_OK) {
            ddb_set_null(out, offset + i);
            continue;
        }
        for (k = 0; k < 4; k++)
            ddb_put_f64(out, (idx_t) k, offset + i, row[k]);
    }
}

/* ------------------------------------------------------------------ */
/* registration                                                        */
/* ------------------------------------------------------------------ */

#define DBL DUCKDB_TYPE_DOUBLE
#define BLB DUCKDB_TYPE_BLOB
#define DAT DUCKDB_TYPE_DATE
#define VCH DUCKDB_TYPE_VARCHAR

int
ddb_register_lifetime(duckdb_connection con, char *err, size_t err_len)
{
    DdbAgg aggs[] = {
#define HS sizeof(DdbHState), ddb_h_init
        {"pattern_table", 3, {DBL, DBL, DBL}, ddb_type(BLB), HS, p_update3,
         ddb_h_combine, ddb_h_final_blob, ddb_h_destroy, &pattern_kind},
        {"pattern_table", 4, {DBL, DBL, DBL, DBL}, ddb_type(BLB), HS, p_update4,
         ddb_h_combine, ddb_h_final_blob, ddb_h_destroy, &pattern_kind},
        {"pattern_table", 1, {BLB}, ddb_type(BLB), HS, ddb_h_update_blob,
         ddb_h_combine, ddb_h_final_blob, ddb_h_destroy, &pattern_kind},
        {"bgnbd_fit", 3, {DBL, DBL, DBL}, fit_type(), HS, p_update3,
         ddb_h_combine, bgnbd_final, ddb_h_destroy, &pattern_kind},
        {"mbgnbd_fit", 3, {DBL, DBL, DBL}, fit_type(), HS, p_update3,
         ddb_h_combine, mbgnbd_final, ddb_h_destroy, &pattern_kind},
        {"pnbd_fit", 3, {DBL, DBL, DBL}, fit_type(), HS, p_update3,
         ddb_h_combine, pnbd_final, ddb_h_destroy, &pattern_kind},
        {"ggamma_fit", 4, {DBL, DBL, DBL, DBL}, fit_type(), HS, p_update4,
         ddb_h_combine, ggamma_final, ddb_h_destroy, &pattern_kind},
#undef HS
        {"rfm_summary", 3, {DAT, DBL, DAT}, rfm_type(), sizeof(RState),
         r_init, r_update, ddb_h_combine, r_final, ddb_h_destroy, &rfm_kind},
        {"rfm_summary", 5, {DAT, DBL, DAT, VCH, DBL}, rfm_type(), sizeof(RState),
         r_init, r_update, ddb_h_combine, r_final, ddb_h_destroy, &rfm_kind},
        {NULL, 0, {0}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
    };
    DdbScalar fns[] = {
        {"fit_patterns", 2, {ddb_type(BLB), ddb_type(VCH)}, fit_type(),
         fit_patterns_fn},
        {"palive", 5, {ddb_type(VCH), ddb_list_of(DBL), ddb_type(DBL),
                       ddb_type(DBL), ddb_type(DBL)}, ddb_type(DBL), palive_fn},
        {"expected_purchases", 6, {ddb_type(VCH), ddb_list_of(DBL), ddb_type(DBL),
                                   ddb_type(DBL), ddb_type(DBL), ddb_type(DBL)},
         ddb_type(DBL), expected_fn},
        {NULL, 0, {NULL}, NULL, NULL},
    };
    return ddb_register_all(con, aggs, fns, err, err_len);
}
