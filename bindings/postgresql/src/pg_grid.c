/* SPDX-License-Identifier: MIT */
/*
 * pg_grid.c - parallel SQL arrays of (unit, period, tally) rows into the
 * dense units x periods tally array of the consistency module, plus the
 * option and flag helpers its SQL functions share (see pg_grid.h).
 *
 * Units are grouped by sorting row indices on the unit's bytes (equal
 * names are equal units, whatever the collation), periods by sorting on
 * the period type's sort support, so both cost O(rows log rows) and no
 * hashing of arbitrary types is needed.
 */
#include "pg_grid.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/typcache.h"

/* ------------------------------------------------------------------ */
/* grouping                                                             */
/* ------------------------------------------------------------------ */

static bool
same_bytes(Datum a, Datum b)
{
    const struct varlena *va = (const struct varlena *) DatumGetPointer(a);
    const struct varlena *vb = (const struct varlena *) DatumGetPointer(b);
    return VARSIZE_ANY_EXHDR(va) == VARSIZE_ANY_EXHDR(vb)
        && memcmp(VARDATA_ANY(va), VARDATA_ANY(vb), VARSIZE_ANY_EXHDR(va)) == 0;
}

static int
cmp_unit(const void *a, const void *b, void *arg)
{
    const Datum *d = (const Datum *) arg;
    int ia = *(const int *) a, ib = *(const int *) b;
    const struct varlena *va = (const struct varlena *) DatumGetPointer(d[ia]);
    const struct varlena *vb = (const struct varlena *) DatumGetPointer(d[ib]);
    size_t la = VARSIZE_ANY_EXHDR(va), lb = VARSIZE_ANY_EXHDR(vb);
    int c = memcmp(VARDATA_ANY(va), VARDATA_ANY(vb), Min(la, lb));
    if (c != 0)
        return c;
    if (la != lb)
        return la < lb ? -1 : 1;
    return ia < ib ? -1 : ia > ib; /* stable: the first row leads its run */
}

typedef struct PeriodSort {
    const Datum *d;
    SortSupport ssup;
} PeriodSort;

static int
cmp_period(const void *a, const void *b, void *arg)
{
    const PeriodSort *ps = (const PeriodSort *) arg;
    int ia = *(const int *) a, ib = *(const int *) b;
    return ApplySortComparator(ps->d[ia], false, ps->d[ib], false, ps->ssup);
}

static int
cmp_int(const void *a, const void *b, void *arg)
{
    const int *first = (const int *) arg;
    int fa = first[*(const int *) a], fb = first[*(const int *) b];
    return fa < fb ? -1 : fa > fb;
}

/* Unit ids in order of first appearance: uid[row], names[unit]. */
static int
group_units(const Datum *ud, int n, int *uid, Datum **names)
{
    int *ix = palloc(sizeof(int) * (size_t) n);
    int *first = palloc(sizeof(int) * (size_t) n);
    int *order, *rank;
    int i, k = 0;
    for (i = 0; i < n; i++)
        ix[i] = i;
    qsort_arg(ix, (size_t) n, sizeof(int), cmp_unit, (void *) ud);
    for (i = 0; i < n; i++) {
        if (i == 0 || !same_bytes(ud[ix[i - 1]], ud[ix[i]]))
            first[k++] = ix[i]; /* the first row of a run: ties sort by index */
        uid[ix[i]] = k - 1;
    }
    /* renumber by first appearance */
    order = palloc(sizeof(int) * (size_t) k);
    rank = palloc(sizeof(int) * (size_t) k);
    for (i = 0; i < k; i++)
        order[i] = i;
    qsort_arg(order, (size_t) k, sizeof(int), cmp_int, first);
    *names = palloc(sizeof(Datum) * (size_t) k);
    for (i = 0; i < k; i++) {
        rank[order[i]] = i;
        (*names)[i] = ud[first[order[i]]];
    }
    for (i = 0; i < n; i++)
        uid[i] = rank[uid[i]];
    pfree(ix);
    pfree(first);
    pfree(order);
    pfree(rank);
    return k;
}

/* Period ranks on the sorted axis of distinct periods: pid[row]. */
static int
group_periods(LoyGrid *g, const Datum *pd, int n, int *pid, Oid collation,
              const char *what)
{
    TypeCacheEntry *tc = lookup_type_cache(g->period_type, TYPECACHE_LT_OPR);
    SortSupportData ssup;
    PeriodSort ps;
    int *ix = palloc(sizeof(int) * (size_t) n);
    int i, k = 0;
    if (!OidIsValid(tc->lt_opr))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                        errmsg("%s: periods of type %s have no ordering", what,
                               format_type_be(g->period_type))));
    memset(&ssup, 0, sizeof ssup);
    ssup.ssup_cxt = CurrentMemoryContext;
    ssup.ssup_collation = OidIsValid(collation) ? collation : DEFAULT_COLLATION_OID;
    ssup.ssup_nulls_first = false;
    PrepareSortSupportFromOrderingOp(tc->lt_opr, &ssup);
    ps.d = pd;
    ps.ssup = &ssup;
    for (i = 0; i < n; i++)
        ix[i] = i;
    qsort_arg(ix, (size_t) n, sizeof(int), cmp_period, &ps);
    g->periods = palloc(sizeof(Datum) * (size_t) n);
    for (i = 0; i < n; i++) {
        if (i == 0 || cmp_period(&ix[i - 1], &ix[i], &ps) != 0)
            g->periods[k++] = pd[ix[i]];
        pid[ix[i]] = k - 1;
    }
    pfree(ix);
    return k;
}

/* ------------------------------------------------------------------ */
/* the grid                                                             */
/* ------------------------------------------------------------------ */

static Datum *
elements(ArrayType *arr, int *n, bool **nulls)
{
    Datum *d;
    int16 typlen;
    bool typbyval;
    char typalign;
    get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
    deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &d,
                      nulls, n);
    return d;
}

static void
null_element(const char *what, const char *name, int i)
{
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                    errmsg("%s: %s[%d] is NULL", what, name, i + 1)));
}

void
loy_grid_build(LoyGrid *g, ArrayType *units, ArrayType *periods,
               ArrayType *tallies, Oid collation, const char *what)
{
    bool *un, *pn = NULL, *tn;
    Datum *ud, *pd = NULL, *td;
    int nu, np = 0, nt, i;
    int *uid, *pid;
    size_t cells;
    char typalign;

    memset(g, 0, sizeof *g);
    ud = elements(units, &nu, &un);
    td = elements(tallies, &nt, &tn);
    if (periods != NULL)
        pd = elements(periods, &np, &pn);
    if (nt != nu || (periods != NULL && np != nu))
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s: the arrays differ in length: %d units, "
                               "%s%d tallies", what, nu,
                               periods != NULL ? psprintf("%d periods, ", np) : "",
                               nt)));
    if (nu == 0)
        loy_pg_error(LOY_EEMPTY, what, "no rows: the arrays are empty");
    for (i = 0; i < nu; i++) {
        if (un[i])
            null_element(what, "units", i);
        if (pn != NULL && pn[i])
            null_element(what, "periods", i);
    }

    uid = palloc(sizeof(int) * (size_t) nu);
    pid = palloc0(sizeof(int) * (size_t) nu);
    g->n_units = group_units(ud, nu, uid, &g->units);
    g->n_periods = 1;
    if (periods != NULL) {
        g->period_type = ARR_ELEMTYPE(periods);
        get_typlenbyvalalign(g->period_type, &g->period_len, &g->period_byval,
                             &typalign);
        g->n_periods = group_periods(g, pd, nu, pid, collation, what);
    }

    /* units x periods x 3 counts; a sparse grid can be far larger than
     * the rows, so its size is checked before it is allocated */
    cells = (size_t) g->n_units * (size_t) g->n_periods;
    if (cells > MaxAllocHugeSize / (3 * sizeof(uint64_t) + 16 * sizeof(double)))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("%s: %d units x %d periods is too large a grid",
                               what, g->n_units, g->n_periods)));
    g->counts = palloc_extended(cells * 3 * sizeof(uint64_t),
                                MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
    for (i = 0; i < nu; i++) {
        loy_nps_tally t = LOY_NPS_TALLY_INIT;
        size_t cell = (size_t) uid[i] * (size_t) g->n_periods + (size_t) pid[i];
        uint64_t *c = g->counts + 3 * cell;
        if (tn[i])
            continue; /* a row without answers: a gap unless merged */
        loy_pg_tally_of(&t, td[i]);
        if (c[0] + t.detractors < c[0] || c[1] + t.passives < c[1]
            || c[2] + t.promoters < c[2])
            goto overflow;
        c[0] += t.detractors;
        c[1] += t.passives;
        c[2] += t.promoters;
        if (c[0] + c[1] < c[0] || c[0] + c[1] + c[2] < c[2])
            goto overflow;
        continue;
overflow:
        loy_pg_error(LOY_EOVERFLOW, what, "the answers of unit \"%s\"%s%s "
                     "exceed 2^64 - 1", loy_grid_unit_text(g, uid[i]),
                     periods != NULL ? " in period " : "",
                     periods != NULL ? loy_grid_period_text(g, pid[i]) : "");
    }
    pfree(uid);
    pfree(pid);
}

char *
loy_grid_unit_text(const LoyGrid *g, int u)
{
    return TextDatumGetCString(g->units[u]);
}

char *
loy_grid_period_text(const LoyGrid *g, int t)
{
    Oid out;
    bool varlena;
    if (g->periods == NULL)
        return pstrdup("");
    getTypeOutputInfo(g->period_type, &out, &varlena);
    return OidOutputFunctionCall(out, g->periods[t]);
}

/* ------------------------------------------------------------------ */
/* flags and options                                                    */
/* ------------------------------------------------------------------ */

Datum
loy_pg_flag_names(uint32_t flags, const LoyFlagName *names, int n)
{
    Datum d[32];
    int i, k = 0;
    for (i = 0; i < n && k < 32; i++)
        if (flags & names[i].bit)
            d[k++] = CStringGetTextDatum(names[i].name);
    return PointerGetDatum(construct_array(d, k, TEXTOID, -1, false,
                                           TYPALIGN_INT));
}

double
loy_pg_opt_f8(FunctionCallInfo fcinfo, int argno, const char *what,
              const char *name)
{
    double v;
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: %s must not be NULL", what, name)));
    v = PG_GETARG_FLOAT8(argno);
    if (!isfinite(v))
        loy_pg_error(LOY_ENONFINITE, what, "%s is %s", name,
                     loy_pg_f64_text(v));
    return v;
}

void
loy_pg_opt_range(double v, double lo, double hi, bool lo_open, bool hi_open,
                 const char *what, const char *name)
{
    bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok)
        loy_pg_error(LOY_EDOMAIN, what, "%s %s is outside %c%s, %s%c", name,
                     loy_pg_f64_text(v), lo_open ? '(' : '[',
                     loy_pg_f64_text(lo),
                     isinf(hi) ? "infinity" : loy_pg_f64_text(hi),
                     hi_open ? ')' : ']');
}

bool
loy_pg_target_shares(FunctionCallInfo fcinfo, int argno, double *p0,
                     double *d0, const char *what)
{
    bool np = PG_ARGISNULL(argno), nd = PG_ARGISNULL(argno + 1);
    if (np && nd)
        return false;
    if (np || nd)
        loy_pg_error(LOY_EINVAL, what, "a fixed target needs both "
                     "target_promoters and target_detractors (got only %s)",
                     np ? "target_detractors" : "target_promoters");
    *p0 = loy_pg_opt_f8(fcinfo, argno, what, "target_promoters");
    *d0 = loy_pg_opt_f8(fcinfo, argno + 1, what, "target_detractors");
    loy_pg_opt_range(*p0, 0.0, 1.0, false, false, what, "target_promoters");
    loy_pg_opt_range(*d0, 0.0, 1.0, false, false, what, "target_detractors");
    if (*p0 + *d0 > 1.0)
        loy_pg_error(LOY_EDOMAIN, what, "target shares %s + %s exceed 1",
                     loy_pg_f64_text(*p0), loy_pg_f64_text(*d0));
    if (*p0 + *d0 - (*p0 - *d0) * (*p0 - *d0) <= 0.0)
        loy_pg_error(LOY_EDOMAIN, what, "the target (promoters %s, "
                     "detractors %s) has zero variance",
                     loy_pg_f64_text(*p0), loy_pg_f64_text(*d0));
    return true;
}
