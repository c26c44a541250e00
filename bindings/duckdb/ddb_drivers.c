/* SPDX-License-Identifier: MIT */
/*
 * ddb_drivers.c - key-driver analysis for DuckDB: the moments() aggregate
 * (libloyalty's mergeable moment tally over a DOUBLE[] of the outcome and
 * the drivers, BLOB state = the serialize format), drivers(m, names) as a
 * list of structs (one per driver) and drivers_fit(m).
 *
 * Each update call copies the rows of a group into one row-major block
 * and adds it in one library call.
 */
#include "ddb_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moments_options.h"

static int
mo_ser(uint8_t *buf, size_t cap, size_t *len, const void *t)
{
    return loy_moments_serialize(buf, cap, len, (const loy_moments *) t);
}

static int
mo_de(void **out, const uint8_t *buf, size_t len)
{
    return loy_moments_deserialize((loy_moments **) out, buf, len);
}

static int
mo_merge(void *acc, const void *add)
{
    return loy_moments_merge((loy_moments *) acc, (const loy_moments *) add);
}

static void
mo_free(void *t)
{
    loy_moments_free((loy_moments *) t);
}

static const DdbKind moments_kind = {"moments", mo_ser, mo_de, mo_merge,
                                     mo_free};

/* Thread-local block of one group's rows (grown on demand). */
static _Thread_local double *blk_x;
static _Thread_local size_t blk_cap;
static _Thread_local double blk_w[4096];
static _Thread_local uint64_t blk_id[4096];

static double *
block(size_t n)
{
    if (n > blk_cap) {
        double *p = realloc(blk_x, n * sizeof *p);
        if (p == NULL)
            return NULL;
        blk_x = p;
        blk_cap = n;
    }
    return blk_x;
}

/* The options of row r (NULL vector or NULL value: defaults). */
static int
row_options(duckdb_function_info info, LoyMomOpts *o, duckdb_vector ov,
            idx_t r)
{
    const char *s = NULL, *bad = NULL;
    size_t len = 0, bad_len = 0;
    int rc;
    if (ov != NULL && ddb_valid(duckdb_vector_get_validity(ov), r))
        s = (const char *) ddb_blob(&((duckdb_string_t *) duckdb_vector_get_data(ov))[r],
                                    &len);
    rc = loy_mom_parse(o, s, len, &bad, &bad_len);
    if (rc == -1)
        ddb_agg_error(info, LOY_EINVAL, "moments", "unknown option \"%.*s\" (%s)",
                      (int) bad_len, bad, LOY_MOM_OPTIONS_HELP);
    else if (rc == -2)
        ddb_agg_error(info, LOY_EINVAL, "moments", "options \"%.*s\": choose "
                      "one of listwise, pairwise and strict", (int) len, s);
    return rc;
}

/* A new tally of k columns with options o. */
static int
new_tally(duckdb_function_info info, DdbHState *s, idx_t k, const LoyMomOpts *o)
{
    loy_moments *t = NULL;
    int rc = loy_moments_new(&t, (size_t) k, o->flags);
    if (rc == LOY_OK && o->scale)
        rc = loy_moments_set_scale(t, LOY_MOMENTS_ALL_COLUMNS, o->lo, o->hi);
    if (rc == LOY_OK && o->replicates > 0)
        rc = loy_moments_set_bootstrap(t, o->replicates, o->seed);
    if (rc != LOY_OK) {
        loy_moments_free(t);
        ddb_agg_error(info, rc, "moments", "%llu columns (1..%u)",
                      (unsigned long long) k, (unsigned) LOY_MOMENTS_MAX_COLUMNS);
        return -1;
    }
    s->h = t;
    return 0;
}

/* Are the options of rows a and b the same text (or both NULL)? */
static int
same_text(duckdb_vector ov, idx_t a, idx_t b)
{
    const uint64_t *val = duckdb_vector_get_validity(ov);
    duckdb_string_t *sv = (duckdb_string_t *) duckdb_vector_get_data(ov);
    size_t la, lb;
    const uint8_t *pa, *pb;
    if (!ddb_valid(val, a) || !ddb_valid(val, b))
        return ddb_valid(val, a) == ddb_valid(val, b);
    pa = ddb_blob(&sv[a], &la);
    pb = ddb_blob(&sv[b], &lb);
    return la == lb && memcmp(pa, pb, la) == 0;
}

/* Do options o describe tally t? */
static int
same_options(const loy_moments *t, const LoyMomOpts *o)
{
    loy_moments_info mi = LOY_MOMENTS_INFO_INIT;
    return loy_moments_info_get(&mi, t) == LOY_OK && mi.flags == o->flags
           && mi.replicates == o->replicates
           && (o->replicates == 0 || mi.seed == o->seed);
}

/*
 * moments(x DOUBLE[] [, weight DOUBLE [, options VARCHAR [, id BIGINT]]]):
 * NULL x or weight skips the row, NULL elements are missing values.
 */
static void
m_update(duckdb_function_info info, duckdb_data_chunk in,
         duckdb_aggregate_state *states)
{
    idx_t ncols = duckdb_data_chunk_get_column_count(in), g;
    duckdb_vector xv = duckdb_data_chunk_get_vector(in, 0);
    const duckdb_list_entry *e = (const duckdb_list_entry *) duckdb_vector_get_data(xv);
    duckdb_vector cv = duckdb_list_vector_get_child(xv);
    const double *cx = (const double *) duckdb_vector_get_data(cv);
    const uint64_t *cval = duckdb_vector_get_validity(cv);
    const double *w = ncols > 1 ? (const double *) duckdb_vector_get_data(
                                      duckdb_data_chunk_get_vector(in, 1)) : NULL;
    duckdb_vector ov = ncols > 2 ? duckdb_data_chunk_get_vector(in, 2) : NULL;
    duckdb_vector idv = ncols > 3 ? duckdb_data_chunk_get_vector(in, 3) : NULL;
    const int64_t *ids = idv ? (const int64_t *) duckdb_vector_get_data(idv) : NULL;
    const uint64_t *idval = idv ? duckdb_vector_get_validity(idv) : NULL;
    DdbGroups gr;
    if (ddb_group(&gr, states, in, ncols > 1 ? 0x3u : 0x1u) != 0) {
        ddb_agg_error(info, LOY_EINVAL, "moments", "vector too large");
        return;
    }
    for (g = 0; g < gr.n_groups; g++) {
        DdbHState *s = (DdbHState *) gr.state[g];
        uint32_t r0 = gr.row[gr.start[g]];
        idx_t k = e[r0].length, n = gr.start[g + 1] - gr.start[g], i;
        loy_moments_info mi = LOY_MOMENTS_INFO_INIT;
        LoyMomOpts o;
        size_t bad = LOY_NO_INDEX;
        double *x;
        int rc;
        if (row_options(info, &o, ov, r0) != 0)
            return;
        if (o.replicates > 0 && ids == NULL) {
            ddb_agg_error(info, LOY_EINVAL, "moments", "bootstrap=%u needs row "
                          "ids: moments(x, weight, options, id)",
                          (unsigned) o.replicates);
            return;
        }
        if (s->h == NULL && new_tally(info, s, k, &o) != 0)
            return;
        if (!same_options(s->h, &o)) {
            ddb_agg_error(info, LOY_EINVAL, "moments", "the options differ from "
                          "the tally's: every row of a tally must give the "
                          "same options");
            return;
        }
        loy_moments_info_get(&mi, s->h);
        if ((x = block((size_t) (n * mi.k))) == NULL) {
            ddb_agg_error(info, LOY_ENOMEM, "moments", "out of memory");
            return;
        }
        for (i = 0; i < n; i++) {
            uint32_t r = gr.row[gr.start[g] + i];
            idx_t c;
            if (ov != NULL && !same_text(ov, r0, r)) {
                ddb_agg_error(info, LOY_EINVAL, "moments", "the options differ "
                              "between rows: every row of a tally must give "
                              "the same options");
                return;
            }
            if (e[r].length != mi.k) {
                ddb_agg_error(info, LOY_EINVAL, "moments", "x has %llu elements, "
                              "the tally has %llu columns: every row gives the "
                              "same columns", (unsigned long long) e[r].length,
                              (unsigned long long) mi.k);
                return;
            }
            for (c = 0; c < mi.k; c++) {
                idx_t at = e[r].offset + c;
                x[i * mi.k + c] = ddb_valid(cval, at) ? cx[at] : NAN;
            }
            blk_w[i] = w != NULL ? w[r] : 1.0;
            if (mi.replicates > 0) {
                if (!ddb_valid(idval, r)) {
                    ddb_agg_error(info, LOY_EINVAL, "moments", "a row has a NULL "
                                  "id: the bootstrap replicates need every "
                                  "row's id");
                    return;
                }
                blk_id[i] = (uint64_t) ids[r];
            }
        }
        rc = loy_moments_add(s->h, x, (size_t) n, (size_t) mi.k, 1,
                             w != NULL ? blk_w : NULL,
                             mi.replicates > 0 ? blk_id : NULL, &bad);
        if (rc != LOY_OK) {
            size_t stride = (size_t) mi.k + 1;
            if (bad != LOY_NO_INDEX) {
                size_t row = bad / stride, col = bad % stride;
                int is_w = col == stride - 1;
                double v = is_w ? blk_w[row] : x[row * mi.k + col];
                char where[48];
                if (is_w)
                    snprintf(where, sizeof where, "weight");
                else
                    snprintf(where, sizeof where, "element %zu of x", col + 1);
                if (isnan(v))
                    ddb_agg_error(info, rc, "moments", "%s is NULL or NaN: %s",
                                  where, loy_mom_value_problem(rc, v, is_w, mi.flags));
                else
                    ddb_agg_error(info, rc, "moments", "%s = %g: %s", where, v,
                                  loy_mom_value_problem(rc, v, is_w, mi.flags));
            } else
                ddb_agg_error(info, rc, "moments", "%s", loy_strerror(rc));
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* analyses                                                            */
/* ------------------------------------------------------------------ */

#define DR_FIELDS 12
static const char *const dr_names[DR_FIELDS] = {
    "driver", "lmg", "lmg_share", "lmg_share_se", "lmg_share_lower",
    "lmg_share_upper", "rank", "first", "last", "beta", "t", "p"};

/* drivers(): LIST(STRUCT(driver, lmg, ..., p)) */
static duckdb_logical_type
drivers_type(void)
{
    duckdb_logical_type t[DR_FIELDS], s, l;
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    for (k = 1; k < DR_FIELDS; k++)
        t[k] = ddb_type(k == 6 ? DUCKDB_TYPE_INTEGER : DUCKDB_TYPE_DOUBLE);
    s = ddb_struct(DR_FIELDS, dr_names, t);
    l = duckdb_create_list_type(s);
    duckdb_destroy_logical_type(&s);
    return l;
}

static const struct {
    uint32_t metric, stat;
} dr_metric[DR_FIELDS] = {
    {0, 0},
    {LOY_DRIVERS_LMG, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_STDERR},
    {LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_LOWER},
    {LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_UPPER},
    {LOY_DRIVERS_RANK, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_FIRST, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_LAST, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_BETA, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_T, LOY_DRIVERS_ESTIMATE},
    {LOY_DRIVERS_P, LOY_DRIVERS_ESTIMATE},
};

/* The linear analysis of tally bytes: column 0 the outcome. */
static int
analyse(duckdb_function_info info, const uint8_t *bytes, size_t len,
        uint32_t flags, loy_drivers_result **r, loy_moments_info *mi,
        const char *what)
{
    loy_moments *t = NULL;
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_options opts = LOY_DRIVERS_OPTIONS_INIT;
    size_t *d, j, bad = LOY_NO_INDEX;
    int rc = loy_moments_deserialize(&t, bytes, len);
    if (rc != LOY_OK) {
        ddb_scalar_error(info, rc, what, "malformed moments state");
        return -1;
    }
    loy_moments_info_get(mi, t);
    if (mi->k < 2 || (d = malloc(sizeof *d * (size_t) mi->k)) == NULL) {
        loy_moments_free(t);
        ddb_scalar_error(info, LOY_EINVAL, what, "the tally needs an outcome "
                         "and at least one driver");
        return -1;
    }
    for (j = 1; j < mi->k; j++)
        d[j - 1] = j;
    spec.outcome = 0;
    spec.drivers = d;
    spec.n_drivers = (size_t) mi->k - 1;
    opts.flags = flags | (mi->replicates > 0 && !(flags & LOY_DRIVERS_FULL_ONLY)
                              ? LOY_DRIVERS_BOOTSTRAP : 0u);
    rc = loy_drivers_linear(r, t, &spec, &opts, &bad);
    free(d);
    loy_moments_free(t);
    if (rc != LOY_OK) {
        if (bad != LOY_NO_INDEX)
            ddb_scalar_error(info, rc, what, "column %zu %s", bad + 1,
                             rc == LOY_EDEGENERATE
                                 ? "is constant, or collinear with the others"
                                 : loy_strerror(rc));
        else
            ddb_scalar_error(info, rc, what, "%s", loy_strerror(rc));
        return -1;
    }
    return 0;
}

/* drivers(m BLOB, names VARCHAR[]) */
static void
drivers_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_vector mv = duckdb_data_chunk_get_vector(in, 0);
    duckdb_vector nv = duckdb_data_chunk_get_vector(in, 1);
    duckdb_string_t *m = (duckdb_string_t *) duckdb_vector_get_data(mv);
    const duckdb_list_entry *ne = (const duckdb_list_entry *) duckdb_vector_get_data(nv);
    duckdb_vector nc = duckdb_list_vector_get_child(nv);
    duckdb_string_t *names = (duckdb_string_t *) duckdb_vector_get_data(nc);
    const uint64_t *nval = duckdb_vector_get_validity(nc);
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    for (i = 0; i < n; i++) {
        loy_drivers_result *r = NULL;
        loy_moments_info mi = LOY_MOMENTS_INFO_INIT;
        size_t len, p, j, off;
        const uint8_t *bytes;
        double *val;
        int have[DR_FIELDS], c;
        duckdb_vector sv;
        if (!ddb_valid(duckdb_vector_get_validity(mv), i)
            || !ddb_valid(duckdb_vector_get_validity(nv), i)) {
            ddb_set_null(out, i);
            continue;
        }
        bytes = ddb_blob(&m[i], &len);
        if (analyse(info, bytes, len, 0u, &r, &mi, "drivers") != 0)
            return;
        p = (size_t) mi.k - 1;
        if (ne[i].length != mi.k) {
            loy_drivers_result_free(r);
            ddb_scalar_error(info, LOY_EINVAL, "drivers", "names has %llu "
                             "elements, expected %llu (the outcome's name, then "
                             "one per driver)", (unsigned long long) ne[i].length,
                             (unsigned long long) mi.k);
            return;
        }
        if ((val = malloc(sizeof *val * p * DR_FIELDS)) == NULL) {
            loy_drivers_result_free(r);
            ddb_scalar_error(info, LOY_ENOMEM, "drivers", "out of memory");
            return;
        }
        for (c = 1; c < DR_FIELDS; c++) {
            int rc = loy_drivers_result_get(val + (size_t) c * p, p, NULL, r,
                                            dr_metric[c].metric, dr_metric[c].stat);
            have[c] = rc == LOY_OK;
        }
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + p);
        sv = duckdb_list_vector_get_child(out);
        for (j = 0; j < p; j++) {
            idx_t row = off + j, at = ne[i].offset + 1 + j;
            size_t nlen;
            const char *nm = (const char *) ddb_blob(&names[at], &nlen);
            if (ddb_valid(nval, at))
                duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row, nm, nlen);
            else
                ddb_set_null(ddb_child(sv, 0), row);
            for (c = 1; c < DR_FIELDS; c++) {
                double x = val[(size_t) c * p + j];
                if (!have[c])
                    ddb_set_null(ddb_child(sv, (idx_t) c), row);
                else if (c == 6)
                    ddb_put_i32(sv, (idx_t) c, row, (int32_t) x);
                else
                    ddb_put_f64(sv, (idx_t) c, row, x);
            }
        }
        duckdb_list_vector_set_size(out, off + p);
        oe[i].offset = off;
        oe[i].length = p;
        free(val);
        loy_drivers_result_free(r);
    }
}

/* drivers_fit(m BLOB): STRUCT(n, sum_w, r2, r2_adj, f, f_p, df_resid,
 * intercept) */
static duckdb_logical_type
fit_type(void)
{
    static const char *const names[8] = {"n", "sum_w", "r2", "r2_adj", "f",
                                         "f_p", "df_resid", "intercept"};
    duckdb_logical_type t[8];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_BIGINT);
    for (k = 1; k < 8; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    return ddb_struct(8, names, t);
}

static void
fit_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_vector mv = duckdb_data_chunk_get_vector(in, 0);
    duckdb_string_t *m = (duckdb_string_t *) duckdb_vector_get_data(mv);
    for (i = 0; i < n; i++) {
        loy_drivers_result *r = NULL;
        loy_moments_info mi = LOY_MOMENTS_INFO_INIT;
        loy_drivers_summary sum = LOY_DRIVERS_SUMMARY_INIT;
        size_t len;
        double icpt = 0.0;
        const uint8_t *bytes;
        if (!ddb_valid(duckdb_vector_get_validity(mv), i)) {
            ddb_set_null(out, i);
            continue;
        }
        bytes = ddb_blob(&m[i], &len);
        if (analyse(info, bytes, len, LOY_DRIVERS_FULL_ONLY, &r, &mi,
                    "drivers_fit") != 0)
            return;
        loy_drivers_result_summary(&sum, r);
        ddb_put_i64(out, 0, i, (int64_t) sum.n);
        ddb_put_f64(out, 1, i, sum.sum_w);
        ddb_put_f64(out, 2, i, sum.r2);
        ddb_put_f64(out, 3, i, sum.r2_adj);
        ddb_put_f64(out, 4, i, sum.f_stat);
        ddb_put_f64(out, 5, i, sum.f_p);
        ddb_put_f64(out, 6, i, sum.df_resid);
        if (loy_drivers_result_get(&icpt, 1, NULL, r, LOY_DRIVERS_INTERCEPT,
                                   LOY_DRIVERS_ESTIMATE) == LOY_OK)
            ddb_put_f64(out, 7, i, icpt);
        else
            ddb_set_null(ddb_child(out, 7), i);
        loy_drivers_result_free(r);
    }
}

/* ------------------------------------------------------------------ */
/* registration                                                        */
/* ------------------------------------------------------------------ */

#define LST DUCKDB_TYPE_LIST /* DOUBLE[] (make_agg) */
#define DBL DUCKDB_TYPE_DOUBLE
#define BLB DUCKDB_TYPE_BLOB
#define VCH DUCKDB_TYPE_VARCHAR
#define I64 DUCKDB_TYPE_BIGINT

int
ddb_register_drivers(duckdb_connection con, char *err, size_t err_len)
{
    DdbAgg aggs[] = {
#define HS sizeof(DdbHState), ddb_h_init
        {"moments", 1, {LST}, ddb_type(BLB), HS, m_update, ddb_h_combine,
         ddb_h_final_blob, ddb_h_destroy, &moments_kind},
        {"moments", 2, {LST, DBL}, ddb_type(BLB), HS, m_update, ddb_h_combine,
         ddb_h_final_blob, ddb_h_destroy, &moments_kind},
        {"moments", 3, {LST, DBL, VCH}, ddb_type(BLB), HS, m_update,
         ddb_h_combine, ddb_h_final_blob, ddb_h_destroy, &moments_kind},
        {"moments", 4, {LST, DBL, VCH, I64}, ddb_type(BLB), HS, m_update,
         ddb_h_combine, ddb_h_final_blob, ddb_h_destroy, &moments_kind},
        {"moments", 1, {BLB}, ddb_type(BLB), HS, ddb_h_update_blob,
         ddb_h_combine, ddb_h_final_blob, ddb_h_destroy, &moments_kind},
#undef HS
        {NULL, 0, {0}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
    };
    DdbScalar fns[] = {
        {"drivers", 2, {ddb_type(BLB), ddb_list_of(VCH)}, drivers_type(),
         drivers_fn},
        {"drivers_fit", 1, {ddb_type(BLB)}, fit_type(), fit_fn},
        {NULL, 0, {NULL}, NULL, NULL},
    };
    return ddb_register_all(con, aggs, fns, err, err_len);
}
