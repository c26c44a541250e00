/* SPDX-License-Identifier: MIT */
/*
 * ddb_consistency.c - funnels, control charts, change and chart design for
 * DuckDB, as in the PostgreSQL extension: scalar functions over LISTs of
 * rows (units VARCHAR[], periods BIGINT[] | DATE[] | TIMESTAMP[] |
 * VARCHAR[], tallies BLOB[]) returning a LIST of STRUCTs (unnest it), and
 * the ARL scalars.
 *
 * Rows of one unit (and period) merge (tallies add); a NULL tally is a row
 * without answers. Units keep their order of first appearance; the period
 * axis is every distinct period, ascending. Options come as one VARCHAR of
 * key=value words named like the PostgreSQL parameters, e.g.
 * 'overdispersion=additive alpha=0.1 exact' or 'baseline_length=8'.
 */
#include "ddb_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* the grid of (unit, period) tallies                                   */
/* ------------------------------------------------------------------ */

enum { PER_NONE, PER_I64, PER_DATE, PER_STR };

typedef struct Key {
    const char *s;  /* unit or VARCHAR period bytes */
    size_t len;
    int64_t k;      /* integer period */
    uint32_t row;
} Key;

typedef struct Grid {
    size_t n_units, n_periods, n_rows;
    Key *unit;      /* first row of unit u (bytes) */
    Key *period;    /* a row of period t (value) */
    uint64_t *counts;
} Grid;

static void
grid_free(Grid *g)
{
    free(g->unit);
    free(g->period);
    free(g->counts);
    memset(g, 0, sizeof *g);
}

static int
cmp_bytes(const Key *a, const Key *b)
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
    const Key *a = pa, *b = pb;
    int c = cmp_bytes(a, b);
    return c != 0 ? c : (a->row < b->row ? -1 : a->row > b->row);
}

static int
cmp_pstr(const void *pa, const void *pb)
{
    const Key *a = pa, *b = pb;
    int c = cmp_bytes(a, b);
    return c != 0 ? c : (a->row < b->row ? -1 : a->row > b->row);
}

static int
cmp_pint(const void *pa, const void *pb)
{
    const Key *a = pa, *b = pb;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

static int
cmp_first(const void *pa, const void *pb)
{
    const Key *a = pa, *b = pb;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* The input lists of row i of a chunk. */
typedef struct Lists {
    duckdb_vector uv, pv, tv;
    int ptype;
} Lists;

static const duckdb_list_entry *
entry(duckdb_vector v, idx_t i)
{
    return &((const duckdb_list_entry *) duckdb_vector_get_data(v))[i];
}

/*
 * Build the grid of row i; 0, or -1 with the error set. uid/pid of every
 * list element are computed by sorting keys (no hashing).
 */
static int
grid_build(duckdb_function_info info, const Lists *L, idx_t i, Grid *g,
           const char *what)
{
    const duckdb_list_entry *ue = entry(L->uv, i), *te = entry(L->tv, i);
    const duckdb_list_entry *pe = L->ptype != PER_NONE ? entry(L->pv, i) : NULL;
    duckdb_vector uc = duckdb_list_vector_get_child(L->uv);
    duckdb_vector tc = duckdb_list_vector_get_child(L->tv);
    duckdb_vector pc = pe ? duckdb_list_vector_get_child(L->pv) : NULL;
    const uint64_t *uval = duckdb_vector_get_validity(uc);
    const uint64_t *tval = duckdb_vector_get_validity(tc);
    const uint64_t *pval = pc ? duckdb_vector_get_validity(pc) : NULL;
    duckdb_string_t *us = duckdb_vector_get_data(uc);
    duckdb_string_t *ts = duckdb_vector_get_data(tc);
    size_t n = (size_t) ue->length, j, k;
    Key *keys = NULL, *pk = NULL;
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
        Key *byfirst = malloc(sizeof *byfirst * k);
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
            if (L->ptype == PER_STR)
                pk[j].s = (const char *) ddb_blob(
                    &((duckdb_string_t *) duckdb_vector_get_data(pc))[at], &pk[j].len);
            else if (L->ptype == PER_DATE)
                pk[j].k = ((const int32_t *) duckdb_vector_get_data(pc))[at];
            else
                pk[j].k = ((const int64_t *) duckdb_vector_get_data(pc))[at];
        }
        qsort(pk, n, sizeof *pk, L->ptype == PER_STR ? cmp_pstr : cmp_pint);
        for (j = 0, k = 0; j < n; j++) {
            if (j == 0 || (L->ptype == PER_STR ? cmp_bytes(&pk[j - 1], &pk[j]) != 0
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
    grid_free(g);
    return -1;
}

static uint64_t
grid_n(const Grid *g, size_t i)
{
    const uint64_t *c = g->counts + 3 * i;
    return c[0] + c[1] + c[2];
}

/* ------------------------------------------------------------------ */
/* options                                                              */
/* ------------------------------------------------------------------ */

typedef struct Opt {
    const char *name;
    double v;
    int set;
} Opt;

/*
 * Parse "key=value key flag ..." (spaces or commas) into opts (numbers),
 * `words` (the value of a word option such as overdispersion, copied) and
 * flags (keys without a value listed in `flags`). 0, or -1 with the error.
 */
static int
parse_options(duckdb_function_info info, const char *s, size_t len, Opt *opts,
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
static int
in_range(duckdb_function_info info, const char *what, const char *name,
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
static const char *
options_of(duckdb_data_chunk in, idx_t argno, idx_t i, size_t *len)
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
static int
target_opts(duckdb_function_info info, const Opt *p, const Opt *d, int *fixed,
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
    if (in_range(info, what, "target_promoters", p->v, 0, 1, 0, 0)
        || in_range(info, what, "target_detractors", d->v, 0, 1, 0, 0))
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

typedef struct Flag {
    uint32_t bit;
    const char *name;
} Flag;

/* The names of the set bits as a VARCHAR[] element of child k. */
static void
put_flags(duckdb_vector sv, idx_t k, idx_t row, uint32_t flags,
          const Flag *names, int n)
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
static void
put_f64n(duckdb_vector sv, idx_t k, idx_t row, double x)
{
    if (isnan(x))
        ddb_set_null(ddb_child(sv, k), row);
    else
        ddb_put_f64(sv, k, row, x);
}

static void
put_period(duckdb_vector sv, idx_t k, idx_t row, const Key *p, int ptype)
{
    duckdb_vector c = ddb_child(sv, k);
    if (ptype == PER_STR)
        duckdb_vector_assign_string_element_len(c, row, p->s, p->len);
    else if (ptype == PER_DATE)
        ((int32_t *) duckdb_vector_get_data(c))[row] = (int32_t) p->k;
    else
        ((int64_t *) duckdb_vector_get_data(c))[row] = p->k;
}

static double *
nan_block(size_t n)
{
    double *v = malloc(sizeof *v * (n > 0 ? n : 1));
    size_t i;
    if (v != NULL)
        for (i = 0; i < n; i++)
            v[i] = NAN;
    return v;
}

static duckdb_logical_type
list_of_struct(idx_t n, const char *const *names, duckdb_logical_type *types)
{
    duckdb_logical_type s = ddb_struct(n, names, types), l;
    l = duckdb_create_list_type(s);
    duckdb_destroy_logical_type(&s);
    return l;
}

/* ------------------------------------------------------------------ */
/* funnel                                                               */
/* ------------------------------------------------------------------ */

static const Flag funnel_flags[] = {
    {LOY_FUNNEL_EMPTY, "empty"}, {LOY_FUNNEL_DEGENERATE, "degenerate"},
    {LOY_FUNNEL_BELOW, "below"}, {LOY_FUNNEL_ABOVE, "above"},
    {LOY_FUNNEL_OUTSIDE_INNER, "outside_inner"},
    {LOY_FUNNEL_OUTSIDE_OUTER, "outside_outer"},
    {LOY_FUNNEL_BONFERRONI, "bonferroni"}, {LOY_FUNNEL_FDR, "fdr"},
    {LOY_FUNNEL_EXACT_INNER, "exact_inner"},
    {LOY_FUNNEL_EXACT_OUTER, "exact_outer"},
};

static const Flag fit_flags[] = {
    {LOY_FUNNEL_NO_HETEROGENEITY, "no_heterogeneity"},
    {LOY_FUNNEL_NO_OVERDISPERSION, "no_overdispersion"},
    {LOY_FUNNEL_OD_APPLIED, "overdispersion_applied"},
    {LOY_FUNNEL_NO_DISCOVERY, "no_discovery"},
};

#define FU_VALS 13 /* nps .. p_upper */
static const char *const fu_names[] = {
    "unit", "n", "nps", "se", "z", "z_adjusted", "p_value", "lower_inner",
    "upper_inner", "lower_outer", "upper_outer", "shrunk", "shrunk_se",
    "p_lower", "p_upper", "flags"};
#define FU_FIELDS 16

static duckdb_logical_type
funnel_type(void)
{
    duckdb_logical_type t[FU_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(DUCKDB_TYPE_BIGINT);
    for (k = 2; k < 2 + FU_VALS; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[FU_FIELDS - 1] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return list_of_struct(FU_FIELDS, fu_names, t);
}

typedef struct FunnelRun {
    Grid g;
    loy_funnel_result fit;
    double *v;       /* FU_VALS blocks of n_units */
    uint32_t *flags;
    int exact;
} FunnelRun;

static void
funnel_free(FunnelRun *r)
{
    grid_free(&r->g);
    free(r->v);
    free(r->flags);
}

/* The funnel of row i; 0, or -1 with the error set (r freed). */
static int
funnel_run(duckdb_function_info info, duckdb_data_chunk in, idx_t i,
           FunnelRun *r, const char *what)
{
    enum { O_TP, O_TD, O_IN, O_OUT, O_WIN, O_ALPHA, O_N };
    Opt o[O_N] = {{"target_promoters", 0, 0}, {"target_detractors", 0, 0},
                  {"inner_level", 0.95, 0}, {"outer_level", 0.998, 0},
                  {"winsor", 0.1, 0}, {"alpha", 0.05, 0}};
    char od[32] = "none";
    loy_funnel_options opts;
    loy_funnel_units u = LOY_FUNNEL_UNITS_INIT;
    Lists L;
    size_t len, nu, j, m, bad = LOY_NO_INDEX;
    const char *os = options_of(in, 2, i, &len);
    uint64_t *sizes;
    size_t *which;
    double *lo, *hi;
    int fixed, lv, rc;
    memset(r, 0, sizeof *r);
    if (parse_options(info, os, len, o, O_N, "overdispersion", od, sizeof od,
                      "exact", &r->exact, what) != 0
        || target_opts(info, &o[O_TP], &o[O_TD], &fixed, what) != 0
        || in_range(info, what, "inner_level", o[O_IN].v, 0, 1, 1, 1)
        || in_range(info, what, "outer_level", o[O_OUT].v, 0, 1, 1, 1)
        || in_range(info, what, "winsor", o[O_WIN].v, 0, 0.5, 0, 1)
        || in_range(info, what, "alpha", o[O_ALPHA].v, 0, 1, 1, 1))
        return -1;
    loy_funnel_options_init(&opts);
    if (fixed) {
        opts.target = LOY_FUNNEL_TARGET_FIXED;
        opts.target_promoters = o[O_TP].v;
        opts.target_detractors = o[O_TD].v;
    }
    opts.levels[0] = o[O_IN].v;
    opts.levels[1] = o[O_OUT].v;
    opts.winsor = o[O_WIN].v;
    opts.alpha = o[O_ALPHA].v;
    if (strcmp(od, "none") == 0)
        opts.overdispersion = LOY_FUNNEL_OD_NONE;
    else if (strcmp(od, "additive") == 0)
        opts.overdispersion = LOY_FUNNEL_OD_ADDITIVE;
    else if (strcmp(od, "multiplicative") == 0)
        opts.overdispersion = LOY_FUNNEL_OD_MULTIPLICATIVE;
    else {
        ddb_scalar_error(info, LOY_EINVAL, what, "unknown overdispersion \"%s\" "
                         "(none, additive, multiplicative)", od);
        return -1;
    }
    if (r->exact)
        opts.flags |= LOY_FUNNEL_EXACT;
    L.uv = duckdb_data_chunk_get_vector(in, 0);
    L.tv = duckdb_data_chunk_get_vector(in, 1);
    L.pv = NULL;
    L.ptype = PER_NONE;
    if (grid_build(info, &L, i, &r->g, what) != 0)
        return -1;
    nu = r->g.n_units;
    r->v = nan_block(nu * FU_VALS);
    r->flags = calloc(nu, sizeof *r->flags);
    sizes = malloc(sizeof *sizes * nu);
    which = malloc(sizeof *which * nu);
    lo = malloc(sizeof *lo * nu);
    hi = malloc(sizeof *hi * nu);
    if (r->v == NULL || r->flags == NULL || sizes == NULL || which == NULL
        || lo == NULL || hi == NULL) {
        rc = LOY_ENOMEM;
        goto out;
    }
    u.nps = r->v;
    u.se = r->v + nu;
    u.z = r->v + 2 * nu;
    u.z_adjusted = r->v + 3 * nu;
    u.p_value = r->v + 4 * nu;
    u.shrunk = r->v + 9 * nu;
    u.shrunk_se = r->v + 10 * nu;
    if (r->exact) {
        u.p_lower = r->v + 11 * nu;
        u.p_upper = r->v + 12 * nu;
    }
    u.flags = r->flags;
    memset(&r->fit, 0, sizeof r->fit);
    r->fit.struct_size = sizeof r->fit;
    rc = loy_funnel_compute(&r->fit, &u, r->g.counts, nu, 3, &opts, &bad);
    if (rc != LOY_OK)
        goto out;
    for (j = 0, m = 0; j < nu; j++)
        if (grid_n(&r->g, j) > 0) {
            sizes[m] = grid_n(&r->g, j);
            which[m++] = j;
        }
    for (lv = 0; lv < 2 && rc == LOY_OK; lv++) {
        rc = loy_funnel_limits(lo, hi, &r->fit, sizes, m, r->fit.levels[lv],
                               LOY_FUNNEL_LIMITS_ADJUSTED, NULL);
        for (j = 0; j < m && rc == LOY_OK; j++) {
            r->v[(size_t) (5 + 2 * lv) * nu + which[j]] = lo[j];
            r->v[(size_t) (6 + 2 * lv) * nu + which[j]] = hi[j];
        }
    }
out:
    free(sizes);
    free(which);
    free(lo);
    free(hi);
    if (rc == LOY_OK)
        return 0;
    if (rc == LOY_EEMPTY)
        ddb_scalar_error(info, rc, what, "none of the %zu units has answers", nu);
    else if (rc == LOY_EDEGENERATE)
        ddb_scalar_error(info, rc, what, "every answer of the %zu units is in "
                         "one class: the pooled target has zero variance", nu);
    else if (rc == LOY_EOVERFLOW)
        ddb_scalar_error(info, rc, what, "the answers of all units together "
                         "exceed 2^64 - 1");
    else
        ddb_scalar_error(info, rc, what, "%s", loy_strerror(rc));
    funnel_free(r);
    return -1;
}

static int
lists_null(duckdb_data_chunk in, idx_t i, idx_t nlists)
{
    idx_t k;
    for (k = 0; k < nlists; k++)
        if (!ddb_valid(duckdb_vector_get_validity(duckdb_data_chunk_get_vector(in, k)), i))
            return 1;
    return 0;
}

/* nps_funnel(units VARCHAR[], tallies BLOB[] [, options VARCHAR]) */
static void
funnel_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    for (i = 0; i < n; i++) {
        FunnelRun r;
        idx_t off, u, nu;
        duckdb_vector sv;
        int c;
        if (lists_null(in, i, 2)) {
            ddb_set_null(out, i);
            continue;
        }
        if (funnel_run(info, in, i, &r, "nps_funnel") != 0)
            return;
        nu = (idx_t) r.g.n_units;
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + nu);
        sv = duckdb_list_vector_get_child(out);
        for (u = 0; u < nu; u++) {
            idx_t row = off + u;
            duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                    r.g.unit[u].s, r.g.unit[u].len);
            ddb_put_i64(sv, 1, row, (int64_t) grid_n(&r.g, (size_t) u));
            for (c = 0; c < FU_VALS; c++)
                put_f64n(sv, (idx_t) (2 + c), row, r.v[(size_t) c * nu + u]);
            put_flags(sv, FU_FIELDS - 1, row, r.flags[u], funnel_flags,
                      (int) (sizeof funnel_flags / sizeof funnel_flags[0]));
        }
        duckdb_list_vector_set_size(out, off + nu);
        oe[i].offset = off;
        oe[i].length = nu;
        funnel_free(&r);
    }
}

static const char *const fs_names[] = {
    "units", "used", "n", "target", "target_variance", "z_inner", "z_outer",
    "phi", "tau2_od", "outside_inner", "outside_outer", "bonferroni", "fdr",
    "fdr_p", "fdr_z", "q", "tau2", "tau", "i2", "mu", "mu_se", "flags"};
#define FS_FIELDS 22

static duckdb_logical_type
summary_type(void)
{
    static const char kinds[] = "IIBDDDDDDIIIIDDDDDDDDL";
    duckdb_logical_type t[FS_FIELDS];
    int k;
    for (k = 0; k < FS_FIELDS; k++)
        t[k] = kinds[k] == 'I'   ? ddb_type(DUCKDB_TYPE_INTEGER)
               : kinds[k] == 'B' ? ddb_type(DUCKDB_TYPE_BIGINT)
               : kinds[k] == 'D' ? ddb_type(DUCKDB_TYPE_DOUBLE)
                                 : ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_struct(FS_FIELDS, fs_names, t);
}

/* nps_funnel_summary(units VARCHAR[], tallies BLOB[] [, options]) */
static void
summary_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    idx_t n = duckdb_data_chunk_get_size(in), i;
    for (i = 0; i < n; i++) {
        FunnelRun r;
        const loy_funnel_result *f = &r.fit;
        double d[14];
        int k;
        if (lists_null(in, i, 2)) {
            ddb_set_null(out, i);
            continue;
        }
        if (funnel_run(info, in, i, &r, "nps_funnel_summary") != 0)
            return;
        d[0] = f->target;
        d[1] = f->target_variance;
        d[2] = f->z_levels[0];
        d[3] = f->z_levels[1];
        d[4] = f->phi;
        d[5] = f->tau2_od;
        d[6] = f->fdr_p;
        d[7] = f->fdr_z;
        d[8] = f->q_stat;
        d[9] = f->tau2;
        d[10] = f->tau;
        d[11] = f->i2;
        d[12] = f->mu;
        d[13] = f->mu_se;
        ddb_put_i32(out, 0, i, (int32_t) f->n_units);
        ddb_put_i32(out, 1, i, (int32_t) f->n_used);
        ddb_put_i64(out, 2, i, (int64_t) f->n_total);
        for (k = 0; k < 6; k++)
            ddb_put_f64(out, (idx_t) (3 + k), i, d[k]);
        ddb_put_i32(out, 9, i, (int32_t) f->n_outside[0]);
        ddb_put_i32(out, 10, i, (int32_t) f->n_outside[1]);
        ddb_put_i32(out, 11, i, (int32_t) f->n_bonferroni);
        ddb_put_i32(out, 12, i, (int32_t) f->n_fdr);
        for (k = 6; k < 14; k++)
            ddb_put_f64(out, (idx_t) (7 + k), i, d[k]);
        put_flags(out, FS_FIELDS - 1, i, f->flags, fit_flags,
                  (int) (sizeof fit_flags / sizeof fit_flags[0]));
        funnel_free(&r);
    }
}

/* ------------------------------------------------------------------ */
/* control charts and change                                            */
/* ------------------------------------------------------------------ */

static const Flag signal_flags[] = {
    {LOY_SIGNAL_SHEWHART_HIGH, "shewhart_high"},
    {LOY_SIGNAL_SHEWHART_LOW, "shewhart_low"},
    {LOY_SIGNAL_LANEY_HIGH, "laney_high"}, {LOY_SIGNAL_LANEY_LOW, "laney_low"},
    {LOY_SIGNAL_EWMA_HIGH, "ewma_high"}, {LOY_SIGNAL_EWMA_LOW, "ewma_low"},
    {LOY_SIGNAL_CUSUM_HIGH, "cusum_high"}, {LOY_SIGNAL_CUSUM_LOW, "cusum_low"},
    {LOY_SIGNAL_LONG_RUN, "long_run"},
};

static const Flag change_flags[] = {
    {LOY_CHANGE_NONE, "none"}, {LOY_NPS_CLIPPED, "clipped"},
    {LOY_NPS_SMALL_SAMPLE, "small_sample"}, {LOY_NPS_DEGENERATE, "degenerate"},
};

static duckdb_type
period_duck_type(int ptype)
{
    return ptype == PER_STR ? DUCKDB_TYPE_VARCHAR
           : ptype == PER_DATE ? DUCKDB_TYPE_DATE
                               : DUCKDB_TYPE_BIGINT;
}

#define CH_VALS 11 /* nps, centre, shewhart_lower .. cusum_lower */
static const char *const ch_names[] = {
    "unit", "period", "n", "nps", "centre", "shewhart_lower", "shewhart_upper",
    "laney_lower", "laney_upper", "ewma", "ewma_lower", "ewma_upper",
    "cusum_upper", "cusum_lower", "baseline", "signals"};
#define CH_FIELDS 16

static duckdb_logical_type
chart_type(int ptype)
{
    duckdb_logical_type t[CH_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(period_duck_type(ptype));
    t[2] = ddb_type(DUCKDB_TYPE_BIGINT);
    for (k = 3; k < 3 + CH_VALS; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[14] = ddb_type(DUCKDB_TYPE_BOOLEAN);
    t[15] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return list_of_struct(CH_FIELDS, ch_names, t);
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
    return t == DUCKDB_TYPE_VARCHAR ? PER_STR
           : t == DUCKDB_TYPE_DATE  ? PER_DATE
                                    : PER_I64;
}

static int
chart_options(duckdb_function_info info, duckdb_data_chunk in, idx_t i,
              const Grid *g, loy_chart_options *co, const char *what)
{
    enum { O_TP, O_TD, O_BS, O_BL, O_LIM, O_LAM, O_EL, O_K, O_H, O_N };
    Opt o[O_N] = {{"target_promoters", 0, 0}, {"target_detractors", 0, 0},
                  {"baseline_start", 1, 0}, {"baseline_length", 0, 0},
                  {"shewhart_limit", 3, 0}, {"ewma_lambda", 0.2, 0},
                  {"ewma_limit", 3, 0}, {"cusum_k", 0.5, 0}, {"cusum_h", 5, 0}};
    size_t len;
    const char *os = options_of(in, 3, i, &len);
    double np = (double) g->n_periods;
    int fixed;
    if (parse_options(info, os, len, o, O_N, NULL, NULL, 0, NULL, NULL, what) != 0
        || target_opts(info, &o[O_TP], &o[O_TD], &fixed, what) != 0)
        return -1;
    if (!o[O_BL].set)
        o[O_BL].v = np - o[O_BS].v + 1;
    if (in_range(info, what, "baseline_start", o[O_BS].v, 1, np, 0, 0)
        || in_range(info, what, "baseline_length", o[O_BL].v, 1,
                    np - o[O_BS].v + 1, 0, 0)
        || in_range(info, what, "shewhart_limit", o[O_LIM].v, 0, INFINITY, 1, 1)
        || in_range(info, what, "ewma_lambda", o[O_LAM].v, 0, 1, 1, 0)
        || in_range(info, what, "ewma_limit", o[O_EL].v, 0, INFINITY, 1, 1)
        || in_range(info, what, "cusum_k", o[O_K].v, 0, INFINITY, 0, 1)
        || in_range(info, what, "cusum_h", o[O_H].v, 0, INFINITY, 1, 1))
        return -1;
    loy_chart_options_init(co);
    if (fixed) {
        co->target = LOY_CHART_TARGET_FIXED;
        co->target_promoters = o[O_TP].v;
        co->target_detractors = o[O_TD].v;
    }
    co->baseline_start = (size_t) o[O_BS].v - 1;
    co->baseline_length = (size_t) o[O_BL].v;
    co->limit = o[O_LIM].v;
    co->ewma_lambda = o[O_LAM].v;
    co->ewma_limit = o[O_EL].v;
    co->cusum_k = o[O_K].v;
    co->cusum_h = o[O_H].v;
    return 0;
}

static int
lists_of(duckdb_data_chunk in, Lists *L)
{
    L->uv = duckdb_data_chunk_get_vector(in, 0);
    L->pv = duckdb_data_chunk_get_vector(in, 1);
    L->tv = duckdb_data_chunk_get_vector(in, 2);
    L->ptype = period_type_of(in);
    return 0;
}

/* nps_chart(units VARCHAR[], periods T[], tallies BLOB[] [, options]) */
static void
chart_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    const char *what = "nps_chart";
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    Lists L;
    lists_of(in, &L);
    for (i = 0; i < n; i++) {
        Grid g;
        loy_chart_options co;
        loy_chart_units cu = LOY_CHART_UNITS_INIT;
        loy_chart_points cp = LOY_CHART_POINTS_INIT;
        double *v, *centre;
        uint32_t *codes;
        size_t cells, u, t, bad = LOY_NO_INDEX;
        idx_t off;
        duckdb_vector sv;
        int rc, c;
        if (lists_null(in, i, 3)) {
            ddb_set_null(out, i);
            continue;
        }
        if (grid_build(info, &L, i, &g, what) != 0)
            return;
        if (chart_options(info, in, i, &g, &co, what) != 0) {
            grid_free(&g);
            return;
        }
        cells = g.n_units * g.n_periods;
        v = nan_block(cells * 10);
        centre = nan_block(g.n_units);
        codes = malloc(sizeof *codes * cells);
        if (v == NULL || centre == NULL || codes == NULL) {
            rc = LOY_ENOMEM;
        } else {
            cu.centre = centre;
            cp.nps = v;
            cp.shewhart_lower = v + cells;
            cp.shewhart_upper = v + 2 * cells;
            cp.laney_lower = v + 3 * cells;
            cp.laney_upper = v + 4 * cells;
            cp.ewma = v + 5 * cells;
            cp.ewma_lower = v + 6 * cells;
            cp.ewma_upper = v + 7 * cells;
            cp.cusum_upper = v + 8 * cells;
            cp.cusum_lower = v + 9 * cells;
            cp.codes = codes;
            rc = loy_chart_compute(&cu, &cp, g.counts, g.n_units, g.n_periods,
                                   3, &co, &bad);
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "%s", loy_strerror(rc));
            free(v);
            free(centre);
            free(codes);
            grid_free(&g);
            return;
        }
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + cells);
        sv = duckdb_list_vector_get_child(out);
        for (u = 0; u < g.n_units; u++)
            for (t = 0; t < g.n_periods; t++) {
                size_t k = u * g.n_periods + t;
                idx_t row = off + k;
                duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                        g.unit[u].s, g.unit[u].len);
                put_period(sv, 1, row, &g.period[t], L.ptype);
                ddb_put_i64(sv, 2, row, (int64_t) grid_n(&g, k));
                put_f64n(sv, 3, row, v[k]);
                put_f64n(sv, 4, row, centre[u]);
                for (c = 1; c < 10; c++)
                    put_f64n(sv, (idx_t) (4 + c), row, v[(size_t) c * cells + k]);
                ddb_put_bool(sv, 14, row, (codes[k] & LOY_SIGNAL_BASELINE) != 0);
                put_flags(sv, 15, row, codes[k], signal_flags,
                          (int) (sizeof signal_flags / sizeof signal_flags[0]));
            }
        duckdb_list_vector_set_size(out, off + cells);
        oe[i].offset = off;
        oe[i].length = cells;
        free(v);
        free(centre);
        free(codes);
        grid_free(&g);
    }
}

static const char *const cg_names[] = {
    "unit", "period", "previous", "diff", "se", "z", "p_value", "lower",
    "upper", "flags"};
#define CG_FIELDS 10

static duckdb_logical_type
change_type(int ptype)
{
    duckdb_logical_type t[CG_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(period_duck_type(ptype));
    t[2] = ddb_type(period_duck_type(ptype));
    for (k = 3; k < 9; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[9] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return list_of_struct(CG_FIELDS, cg_names, t);
}

/* nps_change(units, periods, tallies, lag BIGINT [, method VARCHAR [,
 * level DOUBLE]]) */
static void
change_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    const char *what = "nps_change";
    idx_t n = duckdb_data_chunk_get_size(in), i;
    idx_t ncol = duckdb_data_chunk_get_column_count(in);
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    Lists L;
    lists_of(in, &L);
    for (i = 0; i < n; i++) {
        Grid g;
        loy_change_points cp = LOY_CHANGE_POINTS_INIT;
        double *v, level = 0.95;
        uint32_t *flags, method = LOY_NPS_WALD;
        int64_t lag;
        size_t cells, u, t, bad = LOY_NO_INDEX;
        idx_t off;
        duckdb_vector sv;
        int rc, c;
        if (lists_null(in, i, 4)) {
            ddb_set_null(out, i);
            continue;
        }
        lag = ((const int64_t *) duckdb_vector_get_data(duckdb_data_chunk_get_vector(in, 3)))[i];
        if (lag < 1) {
            ddb_scalar_error(info, LOY_EINVAL, what, "lag %lld is not at least 1 "
                             "period", (long long) lag);
            return;
        }
        if (ncol > 4) {
            size_t len;
            const char *m = options_of(in, 4, i, &len);
            int mm = m != NULL ? ddb_method(m, len) : (int) LOY_NPS_WALD;
            if (mm < 0 || mm == (int) LOY_NPS_SCORE) {
                ddb_scalar_error(info, LOY_EINVAL, what, "unknown or one-sample "
                                 "method \"%.*s\" (wald, adjusted)", (int) len, m);
                return;
            }
            method = (uint32_t) mm;
        }
        if (ncol > 5) {
            duckdb_vector lv = duckdb_data_chunk_get_vector(in, 5);
            if (ddb_valid(duckdb_vector_get_validity(lv), i))
                level = ((const double *) duckdb_vector_get_data(lv))[i];
            if (in_range(info, what, "level", level, 0, 1, 1, 1) != 0)
                return;
        }
        if (grid_build(info, &L, i, &g, what) != 0)
            return;
        cells = g.n_units * g.n_periods;
        v = nan_block(cells * 6);
        flags = malloc(sizeof *flags * cells);
        if (v == NULL || flags == NULL) {
            rc = LOY_ENOMEM;
        } else {
            cp.diff = v;
            cp.se = v + cells;
            cp.z = v + 2 * cells;
            cp.p_value = v + 3 * cells;
            cp.lower = v + 4 * cells;
            cp.upper = v + 5 * cells;
            cp.flags = flags;
            rc = loy_change_compute(&cp, g.counts, g.n_units, g.n_periods, 3,
                                    (size_t) lag, method, level, NULL, &bad);
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "%s", loy_strerror(rc));
            free(v);
            free(flags);
            grid_free(&g);
            return;
        }
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + cells);
        sv = duckdb_list_vector_get_child(out);
        for (u = 0; u < g.n_units; u++)
            for (t = 0; t < g.n_periods; t++) {
                size_t k = u * g.n_periods + t;
                idx_t row = off + k;
                duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                        g.unit[u].s, g.unit[u].len);
                put_period(sv, 1, row, &g.period[t], L.ptype);
                if (t >= (size_t) lag)
                    put_period(sv, 2, row, &g.period[t - (size_t) lag], L.ptype);
                else
                    ddb_set_null(ddb_child(sv, 2), row);
                for (c = 0; c < 6; c++)
                    put_f64n(sv, (idx_t) (3 + c), row, v[(size_t) c * cells + k]);
                put_flags(sv, 9, row, flags[k], change_flags,
                          (int) (sizeof change_flags / sizeof change_flags[0]));
            }
        duckdb_list_vector_set_size(out, off + cells);
        oe[i].offset = off;
        oe[i].length = cells;
        free(v);
        free(flags);
        grid_free(&g);
    }
}


/* DOUBLE argument argno of row i (dflt when the call has fewer, or it is
 * NULL: a NULL option means the default). */
static double
dbl(duckdb_data_chunk in, idx_t argno, idx_t i, double dflt)
{
    duckdb_vector v;
    if (duckdb_data_chunk_get_column_count(in) <= argno)
        return dflt;
    v = duckdb_data_chunk_get_vector(in, argno);
    if (!ddb_valid(duckdb_vector_get_validity(v), i))
        return dflt;
    return ((const double *) duckdb_vector_get_data(v))[i];
}

static const Flag chart_unit_flags[] = {
    {LOY_CHART_NO_BASELINE, "no_baseline"}, {LOY_CHART_DEGENERATE, "degenerate"},
    {LOY_CHART_NO_LANEY, "no_laney"}, {LOY_CHART_LONG_RUN, "long_run"},
    {LOY_CHART_FEW_CROSSINGS, "few_crossings"},
};

static const char *const cs_names[] = {
    "unit", "centre", "sigma", "sigma_z", "n_points", "n_useful",
    "longest_run", "longest_run_limit", "crossings", "crossings_limit",
    "first_shewhart", "first_laney", "first_ewma", "first_cusum", "flags"};
#define CS_FIELDS 15

static duckdb_logical_type
chart_summary_type(int ptype)
{
    duckdb_logical_type t[CS_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    for (k = 1; k < 4; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    for (k = 4; k < 10; k++)
        t[k] = ddb_type(DUCKDB_TYPE_INTEGER);
    for (k = 10; k < 14; k++)
        t[k] = ddb_type(period_duck_type(ptype));
    t[14] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return list_of_struct(CS_FIELDS, cs_names, t);
}

/* nps_chart_summary(units, periods, tallies [, options]): one per unit */
static void
chart_summary_fn(duckdb_function_info info, duckdb_data_chunk in,
                 duckdb_vector out)
{
    const char *what = "nps_chart_summary";
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    Lists L;
    lists_of(in, &L);
    for (i = 0; i < n; i++) {
        Grid g;
        loy_chart_options co;
        loy_chart_units cu = LOY_CHART_UNITS_INIT;
        double *dv;
        size_t *sv10, nu, u, k, bad = LOY_NO_INDEX;
        uint32_t *flags;
        idx_t off;
        duckdb_vector sv;
        int rc;
        if (lists_null(in, i, 3)) {
            ddb_set_null(out, i);
            continue;
        }
        if (grid_build(info, &L, i, &g, what) != 0)
            return;
        if (chart_options(info, in, i, &g, &co, what) != 0) {
            grid_free(&g);
            return;
        }
        nu = g.n_units;
        dv = nan_block(nu * 3);
        sv10 = malloc(sizeof *sv10 * nu * 10);
        flags = calloc(nu, sizeof *flags);
        if (dv == NULL || sv10 == NULL || flags == NULL) {
            rc = LOY_ENOMEM;
        } else {
            for (k = 0; k < nu * 10; k++)
                sv10[k] = LOY_NO_INDEX;
            cu.centre = dv;
            cu.sigma = dv + nu;
            cu.sigma_z = dv + 2 * nu;
            cu.n_points = sv10;
            cu.n_useful = sv10 + nu;
            cu.longest_run = sv10 + 2 * nu;
            cu.longest_run_limit = sv10 + 3 * nu;
            cu.crossings = sv10 + 4 * nu;
            cu.crossings_limit = sv10 + 5 * nu;
            cu.first_shewhart = sv10 + 6 * nu;
            cu.first_laney = sv10 + 7 * nu;
            cu.first_ewma = sv10 + 8 * nu;
            cu.first_cusum = sv10 + 9 * nu;
            cu.flags = flags;
            rc = loy_chart_compute(&cu, NULL, g.counts, nu, g.n_periods, 3, &co,
                                   &bad);
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "%s", loy_strerror(rc));
            free(dv);
            free(sv10);
            free(flags);
            grid_free(&g);
            return;
        }
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + nu);
        sv = duckdb_list_vector_get_child(out);
        for (u = 0; u < nu; u++) {
            idx_t row = off + u;
            duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                    g.unit[u].s, g.unit[u].len);
            for (k = 0; k < 3; k++)
                put_f64n(sv, (idx_t) (1 + k), row, dv[k * nu + u]);
            for (k = 0; k < 10; k++) {
                size_t x = sv10[k * nu + u];
                if (x == LOY_NO_INDEX)
                    ddb_set_null(ddb_child(sv, (idx_t) (4 + k)), row);
                else if (k < 6)
                    ddb_put_i32(sv, (idx_t) (4 + k), row, (int32_t) x);
                else
                    put_period(sv, (idx_t) (4 + k), row, &g.period[x], L.ptype);
            }
            put_flags(sv, 14, row, flags[u], chart_unit_flags,
                      (int) (sizeof chart_unit_flags / sizeof chart_unit_flags[0]));
        }
        duckdb_list_vector_set_size(out, off + nu);
        oe[i].offset = off;
        oe[i].length = nu;
        free(dv);
        free(sv10);
        free(flags);
        grid_free(&g);
    }
}

static const Flag trend_flags[] = {
    {LOY_TREND_EMPTY, "empty"}, {LOY_TREND_SEPARATED, "separated"},
    {LOY_TREND_OVERDISPERSED, "overdispersed"},
};

static const char *const tr_names[] = {
    "unit", "slope", "se", "lower", "upper", "p_value", "dispersion",
    "share_first", "share_last", "n_periods", "flags"};
#define TR_FIELDS 11

static duckdb_logical_type
trend_type(void)
{
    duckdb_logical_type t[TR_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    for (k = 1; k < 9; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[9] = ddb_type(DUCKDB_TYPE_INTEGER);
    t[10] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return list_of_struct(TR_FIELDS, tr_names, t);
}

/* nps_topbox_trend(units, periods, tallies [, level DOUBLE]) */
static void
trend_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    const char *what = "nps_topbox_trend";
    idx_t n = duckdb_data_chunk_get_size(in), i;
    duckdb_list_entry *oe = (duckdb_list_entry *) duckdb_vector_get_data(out);
    Lists L;
    lists_of(in, &L);
    for (i = 0; i < n; i++) {
        Grid g;
        loy_trend_units tu = LOY_TREND_UNITS_INIT;
        double *dv, level = dbl(in, 3, i, 0.95);
        size_t *np, nu, u, k, bad = LOY_NO_INDEX;
        uint32_t *flags;
        idx_t off;
        duckdb_vector sv;
        int rc;
        if (lists_null(in, i, 3)) {
            ddb_set_null(out, i);
            continue;
        }
        if (in_range(info, what, "level", level, 0, 1, 1, 1) != 0
            || grid_build(info, &L, i, &g, what) != 0)
            return;
        nu = g.n_units;
        dv = nan_block(nu * 8);
        np = malloc(sizeof *np * nu);
        flags = calloc(nu, sizeof *flags);
        if (dv == NULL || np == NULL || flags == NULL) {
            rc = LOY_ENOMEM;
        } else {
            for (k = 0; k < nu; k++)
                np[k] = LOY_NO_INDEX;
            tu.slope = dv;
            tu.se = dv + nu;
            tu.lower = dv + 2 * nu;
            tu.upper = dv + 3 * nu;
            tu.p_value = dv + 4 * nu;
            tu.dispersion = dv + 5 * nu;
            tu.share_first = dv + 6 * nu;
            tu.share_last = dv + 7 * nu;
            tu.n_periods = np;
            tu.flags = flags;
            rc = loy_topbox_trend(&tu, g.counts, nu, g.n_periods, 3, level, &bad);
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "%s", loy_strerror(rc));
            free(dv);
            free(np);
            free(flags);
            grid_free(&g);
            return;
        }
        off = duckdb_list_vector_get_size(out);
        duckdb_list_vector_reserve(out, off + nu);
        sv = duckdb_list_vector_get_child(out);
        for (u = 0; u < nu; u++) {
            idx_t row = off + u;
            duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                    g.unit[u].s, g.unit[u].len);
            for (k = 0; k < 8; k++)
                put_f64n(sv, (idx_t) (1 + k), row, dv[k * nu + u]);
            if (np[u] == LOY_NO_INDEX)
                ddb_set_null(ddb_child(sv, 9), row);
            else
                ddb_put_i32(sv, 9, row, (int32_t) np[u]);
            put_flags(sv, 10, row, flags[u], trend_flags,
                      (int) (sizeof trend_flags / sizeof trend_flags[0]));
        }
        duckdb_list_vector_set_size(out, off + nu);
        oe[i].offset = off;
        oe[i].length = nu;
        free(dv);
        free(np);
        free(flags);
        grid_free(&g);
    }
}

/* ------------------------------------------------------------------ */
/* chart design                                                          */
/* ------------------------------------------------------------------ */

static int
sides_of(duckdb_function_info info, duckdb_data_chunk in, idx_t argno,
         idx_t i, uint32_t *sides, const char *what)
{
    size_t len;
    const char *s = options_of(in, argno, i, &len);
    *sides = LOY_ARL_TWO_SIDED;
    if (s == NULL || (len == 3 && memcmp(s, "two", 3) == 0))
        return 0;
    if (len == 5 && memcmp(s, "upper", 5) == 0)
        *sides = LOY_ARL_UPPER;
    else if (len == 5 && memcmp(s, "lower", 5) == 0)
        *sides = LOY_ARL_LOWER;
    else {
        ddb_scalar_error(info, LOY_EINVAL, what, "unknown sides \"%.*s\" (two, "
                         "upper, lower)", (int) len, s);
        return -1;
    }
    return 0;
}


enum { ARL_EWMA, ARL_CUSUM, LIM_EWMA, LIM_CUSUM };

static void
arl_common(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out,
           int kind)
{
    static const char *const what_of[] = {"ewma_arl", "cusum_arl", "ewma_limit",
                                          "cusum_limit"};
    const char *what = what_of[kind];
    idx_t n = duckdb_data_chunk_get_size(in), ncol, i, k;
    double *o = (double *) duckdb_vector_get_data(out);
    ncol = duckdb_data_chunk_get_column_count(in);
    for (i = 0; i < n; i++) {
        double a, b, shift = 0.0, r = 0.0;
        uint32_t sides;
        int rc, isnull = 0;
        for (k = 0; k < ncol; k++)
            if (!ddb_valid(duckdb_vector_get_validity(duckdb_data_chunk_get_vector(in, k)), i))
                isnull = 1;
        if (isnull) {
            ddb_set_null(out, i);
            continue;
        }
        a = dbl(in, 0, i, 0.0);
        b = dbl(in, 1, i, 0.0);
        if (kind == ARL_EWMA || kind == ARL_CUSUM) {
            shift = dbl(in, 2, i, 0.0);
            if (sides_of(info, in, 3, i, &sides, what) != 0
                || in_range(info, what, "shift", shift, -INFINITY, INFINITY, 1, 1))
                return;
        } else if (sides_of(info, in, 2, i, &sides, what) != 0) {
            return;
        }
        switch (kind) {
        case ARL_EWMA:
            if (in_range(info, what, "lambda", a, 0, 1, 1, 0)
                || in_range(info, what, "ewma_limit", b, 0, INFINITY, 1, 1))
                return;
            rc = loy_arl_ewma(&r, a, b, shift, sides, NULL);
            break;
        case ARL_CUSUM:
            if (in_range(info, what, "k", a, 0, INFINITY, 0, 1)
                || in_range(info, what, "h", b, 0, INFINITY, 1, 1))
                return;
            rc = loy_arl_cusum(&r, a, b, shift, sides, NULL);
            break;
        case LIM_EWMA:
            if (in_range(info, what, "lambda", a, 0, 1, 1, 0)
                || in_range(info, what, "arl0", b, 1, 1e9, 1, 0))
                return;
            rc = loy_arl_ewma_limit(&r, a, b, sides, NULL);
            break;
        default:
            if (in_range(info, what, "k", a, 0, INFINITY, 0, 1)
                || in_range(info, what, "arl0", b, 1, 1e9, 1, 0))
                return;
            rc = loy_arl_cusum_limit(&r, a, b, sides, NULL);
            break;
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "%s", rc == LOY_EDEGENERATE
                ? "the run length is beyond double precision (above about 1e13)"
                : loy_strerror(rc));
            return;
        }
        o[i] = r;
    }
}

static void
ewma_arl_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, ARL_EWMA);
}

static void
cusum_arl_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, ARL_CUSUM);
}

static void
ewma_limit_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, LIM_EWMA);
}

static void
cusum_limit_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, LIM_CUSUM);
}

/* ------------------------------------------------------------------ */
/* registration                                                         */
/* ------------------------------------------------------------------ */

#define T(x) ddb_type(DUCKDB_TYPE_##x)
#define LT(x) ddb_list_of(DUCKDB_TYPE_##x)

int
ddb_register_consistency(duckdb_connection con, char *err, size_t err_len)
{
    static const int ptypes[] = {PER_I64, PER_DATE, PER_STR};
    DdbAgg none[] = {{NULL, 0, {0}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL}};
    DdbScalar fns[48];
    int k = 0, p;
    fns[k++] = (DdbScalar){"nps_funnel", 2, {LT(VARCHAR), LT(BLOB)}, funnel_type(), funnel_fn};
    fns[k++] = (DdbScalar){"nps_funnel", 3, {LT(VARCHAR), LT(BLOB), T(VARCHAR)},
                           funnel_type(), funnel_fn};
    fns[k++] = (DdbScalar){"nps_funnel_summary", 2, {LT(VARCHAR), LT(BLOB)},
                           summary_type(), summary_fn};
    fns[k++] = (DdbScalar){"nps_funnel_summary", 3, {LT(VARCHAR), LT(BLOB), T(VARCHAR)},
                           summary_type(), summary_fn};
    for (p = 0; p < 3; p++) {
        duckdb_type pt = period_duck_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_chart", 3, {LT(VARCHAR), ddb_list_of(pt), LT(BLOB)},
                               chart_type(ptypes[p]), chart_fn};
        fns[k++] = (DdbScalar){"nps_chart", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(VARCHAR)},
                               chart_type(ptypes[p]), chart_fn};
    }
    for (p = 0; p < 3; p++) {
        duckdb_type pt = period_duck_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_chart_summary", 3,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB)},
                               chart_summary_type(ptypes[p]), chart_summary_fn};
        fns[k++] = (DdbScalar){"nps_chart_summary", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(VARCHAR)},
                               chart_summary_type(ptypes[p]), chart_summary_fn};
    }
    for (p = 0; p < 3; p++) {
        duckdb_type pt = period_duck_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_topbox_trend", 3,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB)},
                               trend_type(), trend_fn};
        fns[k++] = (DdbScalar){"nps_topbox_trend", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(DOUBLE)},
                               trend_type(), trend_fn};
    }
    for (p = 0; p < 3; p++) {
        duckdb_type pt = period_duck_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_change", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(BIGINT)},
                               change_type(ptypes[p]), change_fn};
        fns[k++] = (DdbScalar){"nps_change", 6,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(BIGINT),
                                T(VARCHAR), T(DOUBLE)},
                               change_type(ptypes[p]), change_fn};
    }
    fns[k++] = (DdbScalar){"ewma_arl", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE), ewma_arl_fn};
    fns[k++] = (DdbScalar){"ewma_arl", 3, {T(DOUBLE), T(DOUBLE), T(DOUBLE)}, T(DOUBLE),
                           ewma_arl_fn};
    fns[k++] = (DdbScalar){"ewma_arl", 4, {T(DOUBLE), T(DOUBLE), T(DOUBLE), T(VARCHAR)},
                           T(DOUBLE), ewma_arl_fn};
    fns[k++] = (DdbScalar){"cusum_arl", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE), cusum_arl_fn};
    fns[k++] = (DdbScalar){"cusum_arl", 3, {T(DOUBLE), T(DOUBLE), T(DOUBLE)}, T(DOUBLE),
                           cusum_arl_fn};
    fns[k++] = (DdbScalar){"cusum_arl", 4, {T(DOUBLE), T(DOUBLE), T(DOUBLE), T(VARCHAR)},
                           T(DOUBLE), cusum_arl_fn};
    fns[k++] = (DdbScalar){"ewma_limit", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE), ewma_limit_fn};
    fns[k++] = (DdbScalar){"ewma_limit", 3, {T(DOUBLE), T(DOUBLE), T(VARCHAR)}, T(DOUBLE),
                           ewma_limit_fn};
    fns[k++] = (DdbScalar){"cusum_limit", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE),
                           cusum_limit_fn};
    fns[k++] = (DdbScalar){"cusum_limit", 3, {T(DOUBLE), T(DOUBLE), T(VARCHAR)}, T(DOUBLE),
                           cusum_limit_fn};
    fns[k] = (DdbScalar){NULL, 0, {NULL}, NULL, NULL};
    return ddb_register_all(con, none, fns, err, err_len);
}
