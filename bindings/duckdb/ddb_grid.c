/* SPDX-License-Identifier: MIT */
/*
 * ddb_grid.c - the machinery of the DuckDB consistency functions (see
 * ddb_grid.h): LISTs of (unit, period, tally) rows into the dense tally
 * grid, key=value options, list-of-struct results and the per-row driver.
 *
 * Units and periods are grouped by sorting keys (no hashing): units on
 * their bytes, then renumbered by first appearance; periods on their value
 * (integers, days) or bytes (VARCHAR).
 */
#include "ddb_grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* the grid of (unit, period) tallies                                   */
/* ------------------------------------------------------------------ */

void
ddb_grid_free(DdbGrid *g)
{
    free(g->unit);
    free(g->period);
    free(g->counts);
    memset(g, 0, sizeof *g);
}

static int
cmp_bytes(const DdbKey *a, const DdbKey *b)
{
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, m);
    if (c != 0)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int
cmp_unit(const void *pa, const void *pb)
{
    const DdbKey *a = pa, *b = pb;
    int c = cmp_bytes(a, b);
    return c != 0 ? c : (a->row < b->row ? -1 : a->row > b->row);
}

static int
cmp_pstr(const void *pa, const void *pb)
{
    const DdbKey *a = pa, *b = pb;
    int c = cmp_bytes(a, b);
    return c != 0 ? c : (a->row < b->row ? -1 : a->row > b->row);
}

static int
cmp_pint(const void *pa, const void *pb)
{
    const DdbKey *a = pa, *b = pb;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

static int
cmp_first(const void *pa, const void *pb)
{
    const DdbKey *a = pa, *b = pb;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* The input lists of row i of a chunk. */
static const duckdb_list_entry *
entry(duckdb_vector v, idx_t i)
{
    return &((const duckdb_list_entry *) duckdb_vector_get_data(v))[i];
}

/*
 * Build the grid of row i; 0, or -1 with the error set. uid/pid of every
 * list element are computed by sorting keys (no hashing).
 */
int
ddb_grid_build(duckdb_function_info info, const DdbLists *L, idx_t i, DdbGrid *g,
           const char *what)
{
    const duckdb_list_entry *ue = entry(L->uv, i), *te = entry(L->tv, i);
    const duckdb_list_entry *pe = L->ptype != DDB_PER_NONE ? entry(L->pv, i) : NULL;
    duckdb_vector uc = duckdb_list_vector_get_child(L->uv);
    duckdb_vector tc = duckdb_list_vector_get_child(L->tv);
    duckdb_vector pc = pe ? duckdb_list_vector_get_child(L->pv) : NULL;
    const uint64_t *uval = duckdb_vector_get_validity(uc);
    const uint64_t *tval = duckdb_vector_get_validity(tc);
    const uint64_t *pval = pc ? duckdb_vector_get_validity(pc) : NULL;
    duckdb_string_t *us = duckdb_vector_get_data(uc);
    duckdb_string_t *ts = duckdb_vector_get_data(tc);
    size_t n = (size_t) ue->length, j, k;
    DdbKey *keys = NULL, *pk = NULL;
    uint32_t *uid = NULL, *pid = NULL;
    memset(g, 0, sizeof *g);
    if (te->length != ue->length || (pe != NULL && pe->length != ue->length)) {
        ddb_scalar_error(info, LOY_EINVAL, what, "the lists differ in length: "
                         "%llu units, %s%llu tallies",
                         (unsigned long long) ue->length,
                         pe != NULL ? "some periods, " : "",
                         (unsigned long long) te->length);
        return -1;
    }
    if (n == 0) {
        ddb_scalar_error(info, LOY_EEMPTY, what, "no rows: the lists are empty");
        return -1;
    }
    if (n > UINT32_MAX)
        goto nomem;
    keys = malloc(sizeof *keys * n);
    uid = malloc(sizeof *uid * n);
    pid = calloc(n, sizeof *pid);
    if (keys == NULL || uid == NULL || pid == NULL)
        goto nomem;
    for (j = 0; j < n; j++) {
        idx_t at = ue->offset + j;
        if (!ddb_valid(uval, at)) {
            ddb_scalar_error(info, LOY_EINVAL, what, "units[%zu] is NULL", j + 1);
            goto fail;
        }
        keys[j].s = (const char *) ddb_blob(&us[at], &keys[j].len);
        keys[j].row = (uint32_t) j;
    }
    qsort(keys, n, sizeof *keys, cmp_unit);
    g->unit = malloc(sizeof *g->unit * n);
    if (g->unit == NULL)
        goto nomem;
    for (j = 0, k = 0; j < n; j++) {
        if (j == 0 || cmp_bytes(&keys[j - 1], &keys[j]) != 0)
            g->unit[k++] = keys[j];
        uid[keys[j].row] = (uint32_t) (k - 1);
    }
    g->n_units = k;
    /* renumber units by first appearance */
    {
        uint32_t *rank = malloc(sizeof *rank * k);
        DdbKey *byfirst = malloc(sizeof *byfirst * k);
        if (rank == NULL || byfirst == NULL) {
            free(rank);
            free(byfirst);
            goto nomem;
        }
        for (j = 0; j < k; j++) {
            byfirst[j] = g->unit[j];
            byfirst[j].k = (int64_t) j; /* the provisional id */
        }
        qsort(byfirst, k, sizeof *byfirst, cmp_first);
        for (j = 0; j < k; j++) {
            rank[byfirst[j].k] = (uint32_t) j;
            g->unit[j] = byfirst[j];
        }
        for (j = 0; j < n; j++)
            uid[j] = rank[uid[j]];
        free(rank);
        free(byfirst);
    }
    g->n_periods = 1;
    if (pe != NULL) {
        pk = malloc(sizeof *pk * n);
        g->period = malloc(sizeof *g->period * n);
        if (pk == NULL || g->period == NULL)
            goto nomem;
        for (j = 0; j < n; j++) {
            idx_t at = pe->offset + j;
            if (!ddb_valid(pval, at)) {
                ddb_scalar_error(info, LOY_EINVAL, what, "periods[%zu] is NULL",
                                 j + 1);
                goto fail;
            }
            pk[j].row = (uint32_t) j;
            pk[j].s = NULL;
            pk[j].len = 0;
            if (L->ptype == DDB_PER_STR)
                pk[j].s = (const char *) ddb_blob(
                    &((duckdb_string_t *) duckdb_vector_get_data(pc))[at], &pk[j].len);
            else if (L->ptype == DDB_PER_DATE)
                pk[j].k = ((const int32_t *) duckdb_vector_get_data(pc))[at];
            else
                pk[j].k = ((const int64_t *) duckdb_vector_get_data(pc))[at];
        }
        qsort(pk, n, sizeof *pk, L->ptype == DDB_PER_STR ? cmp_pstr : cmp_pint);
        for (j = 0, k = 0; j < n; j++) {
            if (j == 0 || (L->ptype == DDB_PER_STR ? cmp_bytes(&pk[j - 1], &pk[j]) != 0
                                               : pk[j - 1].k != pk[j].k))
                g->period[k++] = pk[j];
            pid[pk[j].row] = (uint32_t) (k - 1);
        }
        g->n_periods = k;
        free(pk);
        pk = NULL;
    }
    if (g->n_periods > SIZE_MAX / 64 / g->n_units)
        goto nomem;
    g->counts = calloc(g->n_units * g->n_periods * 3, sizeof *g->counts);
    if (g->counts == NULL)
        goto nomem;
    for (j = 0; j < n; j++) {
        idx_t at = te->offset + j;
        loy_nps_tally t = LOY_NPS_TALLY_INIT;
        uint64_t *c;
        size_t len;
        const uint8_t *b;
        int rc;
        if (!ddb_valid(tval, at))
            continue; /* a row without answers */
        b = ddb_blob(&ts[at], &len);
        if ((rc = loy_nps_tally_deserialize(&t, b, len)) != LOY_OK) {
            ddb_scalar_error(info, rc, what, "tallies[%zu] is not an nps_tally",
                             j + 1);
            goto fail;
        }
        c = g->counts + 3 * ((size_t) uid[j] * g->n_periods + pid[j]);
        if (c[0] + t.detractors < c[0] || c[1] + t.passives < c[1]
            || c[2] + t.promoters < c[2]
            || c[0] + t.detractors + c[1] + t.passives < c[0] + t.detractors
            || c[0] + t.detractors + c[1] + t.passives + c[2] + t.promoters
                   < c[2] + t.promoters) {
            ddb_scalar_error(info, LOY_EOVERFLOW, what, "the answers of unit "
                             "\"%.*s\" exceed 2^64 - 1",
                             (int) g->unit[uid[j]].len, g->unit[uid[j]].s);
            goto fail;
        }
        c[0] += t.detractors;
        c[1] += t.passives;
        c[2] += t.promoters;
    }
    g->n_rows = n;
    free(keys);
    free(uid);
    free(pid);
    return 0;
nomem:
    ddb_scalar_error(info, LOY_ENOMEM, what, "out of memory");
fail:
    free(keys);
    free(uid);
    free(pid);
    free(pk);
    ddb_grid_free(g);
    return -1;
}

uint64_t
ddb_grid_n(const DdbGrid *g, size_t i)
{
    const uint64_t *c = g->counts + 3 * i;
    return c[0] + c[1] + c[2];
}

/* ------------------------------------------------------------------ */
/* options                                                              */
/* ------------------------------------------------------------------ */

/*
 * Parse "key=value key flag ..." (spaces or commas) into opts (numbers),
 * `words` (the value of a word option such as overdispersion, copied) and
 * flags (keys without a value listed in `flags`). 0, or -1 with the error.
 */
int
ddb_parse_options(duckdb_function_info info, const char *s, size_t len, DdbOpt *opts,
              int nopt, const char *word_key, char *word, size_t word_cap,
              const char *flag_key, int *flag, const char *what)
{
    size_t i = 0;
    while (i < len) {
        size_t k0, k1, v0, v1;
        int j;
        while (i < len && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
            i++;
        if (i >= len)
            break;
        k0 = i;
        while (i < len && s[i] != '=' && s[i] != ' ' && s[i] != ',')
            i++;
        k1 = i;
        v0 = v1 = i;
        if (i < len && s[i] == '=') {
            v0 = ++i;
            while (i < len && s[i] != ' ' && s[i] != ',')
                i++;
            v1 = i;
        }
        if (flag_key != NULL && v0 == v1 && k1 - k0 == strlen(flag_key)
            && memcmp(s + k0, flag_key, k1 - k0) == 0) {
            *flag = 1;
            continue;
        }
        if (word_key != NULL && k1 - k0 == strlen(word_key)
            && memcmp(s + k0, word_key, k1 - k0) == 0 && v1 > v0
            && v1 - v0 < word_cap) {
            memcpy(word, s + v0, v1 - v0);
            word[v1 - v0] = '\0';
            continue;
        }
        for (j = 0; j < nopt; j++)
            if (k1 - k0 == strlen(opts[j].name)
                && memcmp(s + k0, opts[j].name, k1 - k0) == 0)
                break;
        if (j < nopt && v1 > v0) {
            char buf[64], *end;
            if (v1 - v0 >= sizeof buf)
                goto bad;
            memcpy(buf, s + v0, v1 - v0);
            buf[v1 - v0] = '\0';
            opts[j].v = strtod(buf, &end);
            if (*end != '\0')
                goto bad;
            opts[j].set = 1;
            continue;
        }
bad:
        ddb_scalar_error(info, LOY_EINVAL, what, "unknown or malformed option "
                         "\"%.*s\"", (int) (v1 > k1 ? v1 - k0 : k1 - k0), s + k0);
        return -1;
    }
    return 0;
}

/* v in the range, or an error naming it (the library's status). */
int
ddb_in_range(duckdb_function_info info, const char *what, const char *name,
         double v, double lo, double hi, int lo_open, int hi_open)
{
    if (isnan(v) || isinf(v)) {
        ddb_scalar_error(info, LOY_ENONFINITE, what, "%s is %g", name, v);
        return -1;
    }
    if ((lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi))
        return 0;
    ddb_scalar_error(info, LOY_EDOMAIN, what, "%s %g is outside %c%g, %g%c",
                     name, v, lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']');
    return -1;
}

/* The options VARCHAR of row i (argument argno; absent or NULL: none). */
const char *
ddb_options_of(duckdb_data_chunk in, idx_t argno, idx_t i, size_t *len)
{
    duckdb_vector ov;
    *len = 0;
    if (duckdb_data_chunk_get_column_count(in) <= argno)
        return NULL;
    ov = duckdb_data_chunk_get_vector(in, argno);
    if (!ddb_valid(duckdb_vector_get_validity(ov), i))
        return NULL;
    return (const char *) ddb_blob(&((duckdb_string_t *) duckdb_vector_get_data(ov))[i], len);
}

/* Fixed target from target_promoters / target_detractors (both or none). */
int
ddb_target_opts(duckdb_function_info info, const DdbOpt *p, const DdbOpt *d, int *fixed,
            const char *what)
{
    *fixed = 0;
    if (!p->set && !d->set)
        return 0;
    if (!p->set || !d->set) {
        ddb_scalar_error(info, LOY_EINVAL, what, "a fixed target needs both "
                         "target_promoters and target_detractors");
        return -1;
    }
    if (ddb_in_range(info, what, "target_promoters", p->v, 0, 1, 0, 0)
        || ddb_in_range(info, what, "target_detractors", d->v, 0, 1, 0, 0))
        return -1;
    if (p->v + d->v > 1.0) {
        ddb_scalar_error(info, LOY_EDOMAIN, what, "target shares %g + %g exceed 1",
                         p->v, d->v);
        return -1;
    }
    *fixed = 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* output helpers                                                       */
/* ------------------------------------------------------------------ */

/* The names of the set bits as a VARCHAR[] element of child k. */
void
ddb_put_flags(duckdb_vector sv, idx_t k, idx_t row, uint32_t flags,
          const DdbFlag *names, int n)
{
    duckdb_vector lv = ddb_child(sv, k), child;
    duckdb_list_entry *e = (duckdb_list_entry *) duckdb_vector_get_data(lv);
    idx_t off = duckdb_list_vector_get_size(lv), m = 0;
    int j;
    duckdb_list_vector_reserve(lv, off + (idx_t) n);
    child = duckdb_list_vector_get_child(lv);
    for (j = 0; j < n; j++)
        if (flags & names[j].bit)
            duckdb_vector_assign_string_element(child, off + m++, names[j].name);
    duckdb_list_vector_set_size(lv, off + m);
    e[row].offset = off;
    e[row].length = m;
}

/* A DOUBLE field, NULL for the NaN pre-filled where nothing was written. */
void
ddb_put_f64n(duckdb_vector sv, idx_t k, idx_t row, double x)
{
    if (isnan(x))
        ddb_set_null(ddb_child(sv, k), row);
    else
        ddb_put_f64(sv, k, row, x);
}

void
ddb_put_period(duckdb_vector sv, idx_t k, idx_t row, const DdbKey *p, int ptype)
{
    duckdb_vector c = ddb_child(sv, k);
    if (ptype == DDB_PER_STR)
        duckdb_vector_assign_string_element_len(c, row, p->s, p->len);
    else if (ptype == DDB_PER_DATE)
        ((int32_t *) duckdb_vector_get_data(c))[row] = (int32_t) p->k;
    else
        ((int64_t *) duckdb_vector_get_data(c))[row] = p->k;
}

double *
ddb_nan_block(size_t n)
{
    double *v = malloc(sizeof *v * (n > 0 ? n : 1));
    size_t i;
    if (v != NULL)
        for (i = 0; i < n; i++)
            v[i] = NAN;
    return v;
}

duckdb_logical_type
ddb_list_of_struct(idx_t n, const char *const *names, duckdb_logical_type *types)
{
    duckdb_logical_type s = ddb_struct(n, names, types), l;
    l = duckdb_create_list_type(s);
    duckdb_destroy_logical_type(&s);
    return l;
}

int
ddb_lists_null(duckdb_data_chunk in, idx_t i, idx_t nlists)
{
    idx_t k;
    for (k = 0; k < nlists; k++)
        if (!ddb_valid(duckdb_vector_get_validity(duckdb_data_chunk_get_vector(in, k)), i))
            return 1;
    return 0;
}

duckdb_type
ddb_period_type(int ptype)
{
    return ptype == DDB_PER_STR ? DUCKDB_TYPE_VARCHAR
           : ptype == DDB_PER_DATE ? DUCKDB_TYPE_DATE
                               : DUCKDB_TYPE_BIGINT;
}

static int
period_type_of(duckdb_data_chunk in)
{
    duckdb_logical_type lt = duckdb_vector_get_column_type(
        duckdb_data_chunk_get_vector(in, 1));
    duckdb_logical_type ct = duckdb_list_type_child_type(lt);
    duckdb_type t = duckdb_get_type_id(ct);
    duckdb_destroy_logical_type(&ct);
    duckdb_destroy_logical_type(&lt);
    return t == DUCKDB_TYPE_VARCHAR ? DDB_PER_STR
           : t == DUCKDB_TYPE_DATE  ? DDB_PER_DATE
                                    : DDB_PER_I64;
}

double
ddb_dbl(duckdb_data_chunk in, idx_t argno, idx_t i, double dflt)
{
    duckdb_vector v;
    if (duckdb_data_chunk_get_column_count(in) <= argno)
        return dflt;
    v = duckdb_data_chunk_get_vector(in, argno);
    if (!ddb_valid(duckdb_vector_get_validity(v), i))
        return dflt;
    return ((const double *) duckdb_vector_get_data(v))[i];
}

void
ddb_lists_of(duckdb_data_chunk in, DdbLists *L, int periods)
{
    L->uv = duckdb_data_chunk_get_vector(in, 0);
    L->pv = periods ? duckdb_data_chunk_get_vector(in, 1) : NULL;
    L->tv = duckdb_data_chunk_get_vector(in, periods ? 2 : 1);
    L->ptype = periods ? period_type_of(in) : DDB_PER_NONE;
}

/* ------------------------------------------------------------------ */
/* per-row jobs                                                         */
/* ------------------------------------------------------------------ */

void *
ddb_job_alloc(DdbJob *j, size_t bytes)
{
    void *p = j->nblk < DDB_JOB_BLOCKS ? malloc(bytes > 0 ? bytes : 1) : NULL;
    if (p == NULL) {
        ddb_scalar_error(j->info, LOY_ENOMEM, j->what, "out of memory");
        return NULL;
    }
    j->blk[j->nblk++] = p;
    return p;
}

double *
ddb_job_nan(DdbJob *j, size_t n)
{
    double *v = ddb_job_alloc(j, sizeof *v * n);
    size_t k;
    if (v != NULL)
        for (k = 0; k < n; k++)
            v[k] = NAN;
    return v;
}

size_t *
ddb_job_index(DdbJob *j, size_t n)
{
    size_t *v = ddb_job_alloc(j, sizeof *v * n);
    size_t k;
    if (v != NULL)
        for (k = 0; k < n; k++)
            v[k] = LOY_NO_INDEX;
    return v;
}

static void
job_release(DdbJob *j)
{
    int k;
    for (k = 0; k < j->nblk; k++)
        free(j->blk[k]);
    j->nblk = 0;
    ddb_grid_free(&j->g);
}

/* The grid of row i and the function's computation; 0 or -1. */
static long long
job_run(DdbJob *j, idx_t i, DdbCompute compute)
{
    long long m;
    j->row = i;
    if (ddb_grid_build(j->info, &j->L, i, &j->g, j->what) != 0)
        return -1;
    m = compute(j);
    if (m < 0)
        job_release(j);
    return m;
}

static void
job_init(DdbJob *j, duckdb_function_info info, duckdb_data_chunk in,
         int periods, const char *what)
{
    memset(j, 0, sizeof *j);
    j->info = info;
    j->in = in;
    j->what = what;
    ddb_lists_of(in, &j->L, periods);
}

void
ddb_list_rows(duckdb_function_info info, duckdb_data_chunk in,
              duckdb_vector out, idx_t nlists, int periods, const char *what,
              DdbCompute compute, DdbEmit emit)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    DdbJob j;
    job_init(&j, info, in, periods, what);
    for (i = 0; i < n; i++) {
        long long m;
        idx_t off;
        if (ddb_lists_null(in, i, nlists)) {
            ddb_set_null(out, i);
            continue;
        }
        if ((m = job_run(&j, i, compute)) < 0)
            return;
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + (idx_t) m);
        emit(&j, duckdb_list_vector_get_child(out), off);
        duckdb_list_vector_set_size(out, off + (idx_t) m);
        oe[i].offset = off;
        oe[i].length = (idx_t) m;
        job_release(&j);
    }
}

void
ddb_struct_rows(duckdb_function_info info, duckdb_data_chunk in,
                duckdb_vector out, idx_t nlists, int periods, const char *what,
                DdbCompute compute, DdbPut put)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    DdbJob j;
    job_init(&j, info, in, periods, what);
    for (i = 0; i < n; i++) {
        if (ddb_lists_null(in, i, nlists)) {
            ddb_set_null(out, i);
            continue;
        }
        if (job_run(&j, i, compute) < 0)
            return;
        put(&j, out, i);
        job_release(&j);
    }
}
