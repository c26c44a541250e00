/* SPDX-License-Identifier: MIT */
/*
 * ddb_common.c - types, vectors, errors and registration shared by the
 * DuckDB functions.
 */
#include "ddb_internal.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "loyalty_duckdb.h"

duckdb_logical_type
ddb_type(duckdb_type t)
{
    return duckdb_create_logical_type(t);
}

duckdb_logical_type
ddb_list_of(duckdb_type t)
{
    duckdb_logical_type c = ddb_type(t), l = duckdb_create_list_type(c);
    duckdb_destroy_logical_type(&c);
    return l;
}

duckdb_logical_type
ddb_struct(idx_t n, const char *const *names, duckdb_logical_type *types)
{
    duckdb_logical_type s = duckdb_create_struct_type(types, (const char **) names, n);
    idx_t k;
    for (k = 0; k < n; k++)
        duckdb_destroy_logical_type(&types[k]);
    return s;
}

void
ddb_set_null(duckdb_vector v, idx_t row)
{
    uint64_t *val;
    duckdb_vector_ensure_validity_writable(v);
    val = duckdb_vector_get_validity(v);
    duckdb_validity_set_row_invalid(val, row);
}

void
ddb_set_blob(duckdb_vector v, idx_t row, const uint8_t *buf, size_t len)
{
    duckdb_vector_assign_string_element_len(v, row, (const char *) buf, len);
}

const uint8_t *
ddb_blob(duckdb_string_t *s, size_t *len)
{
    *len = duckdb_string_t_length(*s);
    return (const uint8_t *) duckdb_string_t_data(s);
}

duckdb_vector
ddb_child(duckdb_vector v, idx_t k)
{
    return duckdb_struct_vector_get_child(v, k);
}

void
ddb_put_f64(duckdb_vector v, idx_t k, idx_t row, double x)
{
    ((double *) duckdb_vector_get_data(ddb_child(v, k)))[row] = x;
}

void
ddb_put_i64(duckdb_vector v, idx_t k, idx_t row, int64_t x)
{
    ((int64_t *) duckdb_vector_get_data(ddb_child(v, k)))[row] = x;
}

void
ddb_put_i32(duckdb_vector v, idx_t k, idx_t row, int32_t x)
{
    ((int32_t *) duckdb_vector_get_data(ddb_child(v, k)))[row] = x;
}

void
ddb_put_bool(duckdb_vector v, idx_t k, idx_t row, int x)
{
    ((bool *) duckdb_vector_get_data(ddb_child(v, k)))[row] = x != 0;
}

void
ddb_put_str(duckdb_vector v, idx_t k, idx_t row, const char *s)
{
    duckdb_vector_assign_string_element(ddb_child(v, k), row, s);
}

void
ddb_put_list_f64(duckdb_vector v, idx_t k, idx_t row, const double *x, idx_t n)
{
    duckdb_vector lv = k == (idx_t) -1 ? v : ddb_child(v, k), child;
    duckdb_list_entry *e = (duckdb_list_entry *) duckdb_vector_get_data(lv);
    idx_t off = duckdb_list_vector_get_size(lv), j;
    duckdb_list_vector_reserve(lv, off + n);
    child = duckdb_list_vector_get_child(lv);
    for (j = 0; j < n; j++)
        ((double *) duckdb_vector_get_data(child))[off + j] = x[j];
    duckdb_list_vector_set_size(lv, off + n);
    e[row].offset = off;
    e[row].length = n;
}

static void
vmsg(char *buf, size_t len, int rc, const char *what, const char *fmt,
     va_list ap)
{
    char detail[400];
    vsnprintf(detail, sizeof detail, fmt, ap);
    if (rc == LOY_OK)
        snprintf(buf, len, "%s: %s", what, detail);
    else
        snprintf(buf, len, "%s: %s (%s)", what, detail, loy_error_name(rc));
}

void
ddb_msg(char *buf, size_t len, int rc, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(buf, len, rc, what, fmt, ap);
    va_end(ap);
}

void
ddb_agg_error(duckdb_function_info info, int rc, const char *what,
              const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vmsg(buf, sizeof buf, rc, what, fmt, ap);
    va_end(ap);
    duckdb_aggregate_function_set_error(info, buf);
}

void
ddb_scalar_error(duckdb_function_info info, int rc, const char *what,
                 const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vmsg(buf, sizeof buf, rc, what, fmt, ap);
    va_end(ap);
    duckdb_scalar_function_set_error(info, buf);
}

/* A stamp unique to one update call (across threads). */
uint64_t
ddb_next_stamp(void)
{
    static _Atomic uint64_t counter = 1;
    return atomic_fetch_add(&counter, 1);
}

/* Thread-local buffers of one update call (at most one vector of rows). */
#define DDB_MAX_ROWS 4096
static _Thread_local void *g_state[DDB_MAX_ROWS];
static _Thread_local uint32_t g_start[DDB_MAX_ROWS + 1];
static _Thread_local uint32_t g_row[DDB_MAX_ROWS];
static _Thread_local uint32_t g_of[DDB_MAX_ROWS];

int
ddb_group(DdbGroups *g, duckdb_aggregate_state *states, duckdb_data_chunk in,
          uint32_t required)
{
    idx_t n = duckdb_data_chunk_get_size(in), i, k, ng = 0;
    idx_t ncols = duckdb_data_chunk_get_column_count(in);
    const uint64_t *val[8];
    uint64_t stamp = ddb_next_stamp();
    uint32_t pos;
    if (n > DDB_MAX_ROWS || ncols > 8)
        return -1;
    for (k = 0; k < ncols; k++)
        val[k] = (required >> k) & 1u
                     ? duckdb_vector_get_validity(duckdb_data_chunk_get_vector(in, k))
                     : NULL;
    for (i = 0; i < n; i++) {
        DdbScratch *s = (DdbScratch *) states[i];
        int ok = 1;
        for (k = 0; k < ncols; k++)
            ok &= ddb_valid(val[k], i);
        if (!ok) {
            g_of[i] = UINT32_MAX;
            continue;
        }
        if (s->stamp != stamp) {
            s->stamp = stamp;
            s->local = (uint32_t) ng;
            g_state[ng] = s;
            g_start[ng] = 0;
            ng++;
        }
        g_of[i] = s->local;
        g_start[s->local]++;
    }
    /* counting sort of the valid rows by group */
    pos = 0;
    for (k = 0; k < ng; k++) {
        uint32_t c = g_start[k];
        g_start[k] = pos;
        pos += c;
    }
    g_start[ng] = pos;
    for (i = 0; i < n; i++)
        if (g_of[i] != UINT32_MAX)
            g_row[g_start[g_of[i]]++] = (uint32_t) i;
    for (k = ng; k > 0; k--)
        g_start[k] = g_start[k - 1];
    g_start[0] = 0;
    g->n_groups = ng;
    g->n_rows = pos;
    g->state = g_state;
    g->start = g_start;
    g->row = g_row;
    return 0;
}

int
ddb_method(const char *s, size_t len)
{
    if (len == 4 && strncasecmp(s, "wald", 4) == 0)
        return LOY_NPS_WALD;
    if ((len == 8 && strncasecmp(s, "adjusted", 8) == 0)
        || (len == 13 && strncasecmp(s, "adjusted_wald", 13) == 0))
        return LOY_NPS_ADJUSTED_WALD;
    if ((len == 5 && strncasecmp(s, "score", 5) == 0)
        || (len == 5 && strncasecmp(s, "tango", 5) == 0))
        return LOY_NPS_SCORE;
    return -1;
}

/* ------------------------------------------------------------------ */
/* states holding a library handle                                     */
/* ------------------------------------------------------------------ */

void
ddb_h_init(duckdb_function_info info, duckdb_aggregate_state state)
{
    DdbHState *s = (DdbHState *) state;
    memset(s, 0, sizeof *s);
    s->kind = (const DdbKind *) duckdb_aggregate_function_get_extra_info(info);
}

void
ddb_h_destroy(duckdb_aggregate_state *states, idx_t count)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        DdbHState *s = (DdbHState *) states[i];
        if (s->h != NULL)
            s->kind->free(s->h);
        s->h = NULL;
    }
}

/* A copy of a handle through its bytes. */
static int
copy_handle(const DdbKind *k, void **out, const void *src)
{
    uint8_t *buf;
    size_t len = 0;
    int rc = k->serialize(NULL, 0, &len, src);
    if (rc != LOY_OK)
        return rc;
    if ((buf = malloc(len)) == NULL)
        return LOY_ENOMEM;
    rc = k->serialize(buf, len, &len, src);
    if (rc == LOY_OK)
        rc = k->deserialize(out, buf, len);
    free(buf);
    return rc;
}

int
ddb_h_merge(duckdb_function_info info, DdbHState *dst, const void *add)
{
    int rc = dst->h == NULL ? copy_handle(dst->kind, &dst->h, add)
                            : dst->kind->merge(dst->h, add);
    if (rc != LOY_OK) {
        ddb_agg_error(info, rc, dst->kind->name, "%s", rc == LOY_EINVAL
                      ? "these states cannot be merged (different scales, "
                        "options or shapes)" : loy_strerror(rc));
        return -1;
    }
    return 0;
}

void
ddb_h_combine(duckdb_function_info info, duckdb_aggregate_state *src,
              duckdb_aggregate_state *dst, idx_t count)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        const DdbHState *b = (const DdbHState *) src[i];
        if (b->h != NULL && ddb_h_merge(info, (DdbHState *) dst[i], b->h) != 0)
            return;
    }
}

/* The roll-up aggregate: state += each BLOB. */
void
ddb_h_update_blob(duckdb_function_info info, duckdb_data_chunk in,
                  duckdb_aggregate_state *states)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_vector v = duckdb_data_chunk_get_vector(in, 0);
    duckdb_string_t *b = (duckdb_string_t *) duckdb_vector_get_data(v);
    const uint64_t *val = duckdb_vector_get_validity(v);
    for (i = 0; i < n; i++) {
        DdbHState *s = (DdbHState *) states[i];
        void *h = NULL;
        size_t len;
        const uint8_t *bytes;
        int rc;
        if (!ddb_valid(val, i))
            continue;
        bytes = ddb_blob(&b[i], &len);
        rc = s->kind->deserialize(&h, bytes, len);
        if (rc != LOY_OK) {
            ddb_agg_error(info, rc, s->kind->name, "malformed %s of %zu bytes",
                          s->kind->name, len);
            return;
        }
        rc = ddb_h_merge(info, s, h);
        s->kind->free(h);
        if (rc != 0)
            return;
    }
}

void
ddb_h_final_blob(duckdb_function_info info, duckdb_aggregate_state *src,
                 duckdb_vector out, idx_t count, idx_t offset)
{
    idx_t i;
    for (i = 0; i < count; i++) {
        const DdbHState *s = (const DdbHState *) src[i];
        uint8_t *buf;
        size_t len = 0;
        if (s->h == NULL) {
            ddb_set_null(out, offset + i);
            continue;
        }
        s->kind->serialize(NULL, 0, &len, s->h);
        if ((buf = malloc(len)) == NULL) {
            ddb_agg_error(info, LOY_ENOMEM, s->kind->name, "out of memory");
            return;
        }
        s->kind->serialize(buf, len, &len, s->h);
        ddb_set_blob(out, offset + i, buf, len);
        free(buf);
    }
}

/* ------------------------------------------------------------------ */
/* registration                                                        */
/* ------------------------------------------------------------------ */

static duckdb_aggregate_function
make_agg(const DdbAgg *a)
{
    duckdb_aggregate_function f = duckdb_create_aggregate_function();
    int k;
    duckdb_aggregate_function_set_name(f, a->name);
    for (k = 0; k < a->nparams; k++) {
        /* the one list parameter type used: DOUBLE[] */
        duckdb_logical_type t = a->params[k] == DUCKDB_TYPE_LIST
                                    ? ddb_list_of(DUCKDB_TYPE_DOUBLE)
                                    : ddb_type(a->params[k]);
        duckdb_aggregate_function_add_parameter(f, t);
        duckdb_destroy_logical_type(&t);
    }
    duckdb_aggregate_function_set_return_type(f, a->ret);
    if (a->kind != NULL)
        duckdb_aggregate_function_set_extra_info(f, (void *) a->kind, NULL);
    if (a->destroy != NULL)
        duckdb_aggregate_function_set_destructor(f, a->destroy);
    return f;
}

/* The state size comes from a callback: one per size class we use. */
static idx_t sz_32(duckdb_function_info i) { (void) i; return 32; }
static idx_t sz_64(duckdb_function_info i) { (void) i; return 64; }
static idx_t sz_128(duckdb_function_info i) { (void) i; return 128; }

static duckdb_aggregate_state_size
size_fn(idx_t size)
{
    if (size <= 32)
        return sz_32;
    if (size <= 64)
        return sz_64;
    return size <= 128 ? sz_128 : NULL;
}

int
ddb_register_agg(duckdb_connection con, const DdbAgg *a, char *err,
                 size_t err_len)
{
    /* consecutive entries with the same name form one overload set */
    duckdb_aggregate_function_set set = duckdb_create_aggregate_function_set(a->name);
    const DdbAgg *p;
    int rc = 0;
    for (p = a; p->name != NULL && strcmp(p->name, a->name) == 0; p++) {
        duckdb_aggregate_function f = make_agg(p);
        duckdb_aggregate_state_size sz = size_fn(p->state_size);
        duckdb_logical_type r = p->ret;
        if (sz == NULL) {
            rc = -1;
        } else {
            duckdb_aggregate_function_set_functions(f, sz, p->init, p->update,
                                                    p->combine, p->finalize);
            if (duckdb_add_aggregate_function_to_set(set, f) != DuckDBSuccess)
                rc = -1;
        }
        duckdb_destroy_logical_type(&r);
        duckdb_destroy_aggregate_function(&f);
    }
    if (rc == 0 && duckdb_register_aggregate_function_set(con, set) != DuckDBSuccess)
        rc = -1;
    duckdb_destroy_aggregate_function_set(&set);
    if (rc != 0 && err != NULL)
        snprintf(err, err_len, "loyalty: cannot register aggregate %s", a->name);
    return rc != 0 ? -1 : (int) (p - a);
}

int
ddb_register_scalar(duckdb_connection con, const DdbScalar *s, char *err,
                    size_t err_len)
{
    duckdb_scalar_function_set set = duckdb_create_scalar_function_set(s->name);
    const DdbScalar *p;
    int rc = 0, k;
    for (p = s; p->name != NULL && strcmp(p->name, s->name) == 0; p++) {
        duckdb_scalar_function f = duckdb_create_scalar_function();
        duckdb_logical_type r = p->ret;
        duckdb_scalar_function_set_name(f, p->name);
        for (k = 0; k < p->nparams; k++) {
            duckdb_logical_type t = p->params[k];
            duckdb_scalar_function_add_parameter(f, t);
            duckdb_destroy_logical_type(&t);
        }
        duckdb_scalar_function_set_return_type(f, r);
        duckdb_destroy_logical_type(&r);
        duckdb_scalar_function_set_function(f, p->fn);
        if (duckdb_add_scalar_function_to_set(set, f) != DuckDBSuccess)
            rc = -1;
        duckdb_destroy_scalar_function(&f);
    }
    if (rc == 0 && duckdb_register_scalar_function_set(con, set) != DuckDBSuccess)
        rc = -1;
    duckdb_destroy_scalar_function_set(&set);
    if (rc != 0 && err != NULL)
        snprintf(err, err_len, "loyalty: cannot register function %s", s->name);
    return rc != 0 ? -1 : (int) (p - s);
}

int
ddb_register_all(duckdb_connection con, const DdbAgg *aggs,
                 const DdbScalar *fns, char *err, size_t err_len)
{
    int i = 0, r;
    while (aggs[i].name != NULL) {
        if ((r = ddb_register_agg(con, &aggs[i], err, err_len)) < 0)
            return -1;
        i += r;
    }
    i = 0;
    while (fns[i].name != NULL) {
        if ((r = ddb_register_scalar(con, &fns[i], err, err_len)) < 0)
            return -1;
        i += r;
    }
    return 0;
}

int
loyalty_duckdb_register(duckdb_connection con, char *err, size_t err_len)
{
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (ddb_register_nps(con, err, err_len) != 0
        || ddb_register_lifetime(con, err, err_len) != 0
        || ddb_register_segment(con, err, err_len) != 0
        || ddb_register_drivers(con, err, err_len) != 0
        || ddb_register_consistency(con, err, err_len) != 0)
        return -1;
    return 0;
}
