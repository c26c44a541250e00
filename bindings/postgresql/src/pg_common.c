/* SPDX-License-Identifier: MIT */
/*
 * pg_common.c - errors, aggregate contexts, flat and expanded states,
 * argument helpers (see loyalty_pg.h).
 */
#include "loyalty_pg.h"

#include <stdarg.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "nodes/plannodes.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

/* ------------------------------------------------------------------ */
/* errors                                                              */
/* ------------------------------------------------------------------ */

int
loy_pg_sqlstate(int rc)
{
    switch (rc) {
    case LOY_EINVAL:
    case LOY_EDOMAIN:
        return ERRCODE_INVALID_PARAMETER_VALUE;       /* 22023 */
    case LOY_ESCALE:
    case LOY_EOVERFLOW:
        return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;    /* 22003 */
    case LOY_ENONFINITE:
        return ERRCODE_FLOATING_POINT_EXCEPTION;      /* 22P01 */
    case LOY_EDEGENERATE:
        return ERRCODE_DIVISION_BY_ZERO;              /* 22012 */
    case LOY_EFORMAT:
        return ERRCODE_INVALID_BINARY_REPRESENTATION; /* 22P03 */
    case LOY_ENOMEM:
        return ERRCODE_OUT_OF_MEMORY;                 /* 53200 */
    case LOY_EEMPTY:
    case LOY_EINCONSISTENT:
    case LOY_EORDER:
    case LOY_ENOCONV:
        return ERRCODE_DATA_EXCEPTION;                /* 22000 */
    default:
        return ERRCODE_INTERNAL_ERROR;                /* XX000 */
    }
}

void
loy_pg_error(int rc, const char *what, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    ereport(ERROR, (errcode(loy_pg_sqlstate(rc)),
                    errmsg("%s: %s (%s)", what, detail, loy_error_name(rc))));
}

/* ------------------------------------------------------------------ */
/* aggregate context and constant arguments                            */
/* ------------------------------------------------------------------ */

MemoryContext
loy_pg_aggcontext(FunctionCallInfo fcinfo)
{
    MemoryContext cxt;
    if (!AggCheckCallContext(fcinfo, &cxt))
        return NULL;
    return cxt;
}

/*
 * In a Finalize Aggregate (parallel or partitionwise plans) the Aggref's
 * arguments are replaced by the partial state, so its constants are read
 * from the matching Aggref (same aggregate, same aggno) of the Partial
 * Aggregate below, found by walking the plan.
 */
typedef struct FindAggref {
    Oid fnoid;
    int aggno;
    int nargs;
    Aggref *found;
} FindAggref;

static bool
find_aggref_walker(Node *node, FindAggref *ctx)
{
    if (node == NULL)
        return false;
    if (IsA(node, Aggref)) {
        Aggref *a = (Aggref *) node;
        if (a->aggfnoid == ctx->fnoid && a->aggno == ctx->aggno
            && list_length(a->args) == ctx->nargs) {
            ctx->found = a;
            return true;
        }
        return false;
    }
    return expression_tree_walker(node, find_aggref_walker, (void *) ctx);
}

static bool
find_in_plan(Plan *plan, FindAggref *ctx)
{
    ListCell *lc;
    if (plan == NULL)
        return false;
    if (IsA(plan, Agg)
        && (find_aggref_walker((Node *) plan->targetlist, ctx)
            || find_aggref_walker((Node *) plan->qual, ctx)))
        return true;
    if (IsA(plan, Append)) {
        foreach (lc, ((Append *) plan)->appendplans)
            if (find_in_plan((Plan *) lfirst(lc), ctx))
                return true;
    } else if (IsA(plan, MergeAppend)) {
        foreach (lc, ((MergeAppend *) plan)->mergeplans)
            if (find_in_plan((Plan *) lfirst(lc), ctx))
                return true;
    } else if (IsA(plan, SubqueryScan)) {
        if (find_in_plan(((SubqueryScan *) plan)->subplan, ctx))
            return true;
    }
    return find_in_plan(plan->lefttree, ctx) || find_in_plan(plan->righttree, ctx);
}

Datum
loy_pg_agg_const(FunctionCallInfo fcinfo, int argno, bool *isnull,
                 const char *what, const char *name)
{
    Aggref *ref = AggGetAggref(fcinfo);
    TargetEntry *te;
    Node *expr;
    if (ref != NULL && DO_AGGSPLIT_COMBINE(ref->aggsplit) && fcinfo->context != NULL
        && IsA(fcinfo->context, AggState)) {
        FindAggref ctx;
        ctx.fnoid = ref->aggfnoid;
        ctx.aggno = ref->aggno;
        ctx.nargs = list_length(ref->aggargtypes);
        ctx.found = NULL;
        if (find_in_plan(((PlanState *) fcinfo->context)->plan->lefttree, &ctx))
            ref = ctx.found;
        else
            ref = NULL;
    }
    if (ref == NULL || argno >= list_length(ref->args))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s: cannot read the %s argument in this plan",
                               what, name),
                        errhint("Aggregate the tally and call the scalar "
                                "function on it (nps_estimate, csat, ces, ...).")));
    te = (TargetEntry *) list_nth(ref->args, argno);
    expr = (Node *) te->expr;
    /* implicit casts of constants are folded by the planner already */
    if (!IsA(expr, Const))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s: the %s argument must be a constant", what,
                               name),
                        errhint("Aggregate the tally first and call the "
                                "scalar function on it to vary it per row.")));
    *isnull = ((Const *) expr)->constisnull;
    return ((Const *) expr)->constvalue;
}

/* ------------------------------------------------------------------ */
/* flat states                                                          */
/* ------------------------------------------------------------------ */

bytea *
loy_pg_flat_new(MemoryContext cxt, size_t len)
{
    bytea *b = (bytea *) MemoryContextAllocZero(cxt, VARHDRSZ + len);
    SET_VARSIZE(b, VARHDRSZ + len);
    return b;
}

bytea *
loy_pg_flat_own(FunctionCallInfo fcinfo, int argno, MemoryContext aggctx,
                size_t len)
{
    struct varlena *v;
    bytea *copy;
    if (PG_ARGISNULL(argno))
        return NULL;
    v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
    /*
     * Argument 0 of a transition or combine function is the aggregate's
     * own transition value, which nodeAgg keeps in aggctx: writable when it
     * is a plain 4-byte-header datum of the right size (a copied worker
     * value may carry a 1-byte header: copy it once).
     */
    if (aggctx != NULL && argno == 0 && VARATT_IS_4B_U(v)
        && VARSIZE(v) == VARHDRSZ + len)
        return (bytea *) v;
    if (aggctx == NULL)
        aggctx = CurrentMemoryContext;
    v = pg_detoast_datum_packed(v);
    if (VARSIZE_ANY_EXHDR(v) != len)
        ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                        errmsg("state of %zu bytes where %zu are expected",
                               (size_t) VARSIZE_ANY_EXHDR(v), len)));
    copy = loy_pg_flat_new(aggctx, len);
    memcpy(VARDATA(copy), VARDATA_ANY(v), len);
    return copy;
}

/* ------------------------------------------------------------------ */
/* ownership of library handles                                        */
/* ------------------------------------------------------------------ */

typedef struct OwnedHandle {
    MemoryContextCallback cb;
    void *obj;
    void (*free_fn)(void *);
} OwnedHandle;

static void
owned_free(void *arg)
{
    OwnedHandle *h = (OwnedHandle *) arg;
    if (h->obj != NULL)
        h->free_fn(h->obj);
    h->obj = NULL;
}

void
loy_pg_own(void *obj, void (*free_fn)(void *))
{
    OwnedHandle *h = (OwnedHandle *) palloc(sizeof *h);
    h->obj = obj;
    h->free_fn = free_fn;
    h->cb.func = owned_free;
    h->cb.arg = h;
    MemoryContextRegisterResetCallback(CurrentMemoryContext, &h->cb);
}

void *
loy_pg_deserialize_owned(const LoyKind *kind, const uint8_t *buf, size_t len)
{
    void *obj = NULL;
    int rc = kind->deserialize(&obj, buf, len);
    if (rc != LOY_OK)
        loy_pg_error(rc, kind->name, "malformed %s value of %zu bytes",
                     kind->name, len);
    loy_pg_own(obj, kind->free);
    return obj;
}

/* ------------------------------------------------------------------ */
/* expanded states                                                     */
/* ------------------------------------------------------------------ */

static Size estate_flat_size(ExpandedObjectHeader *eohptr);
static void estate_flatten(ExpandedObjectHeader *eohptr, void *result,
                           Size allocated_size);

static const ExpandedObjectMethods estate_methods = {
    estate_flat_size,
    estate_flatten
};

static void
estate_release(void *arg)
{
    LoyEState *s = (LoyEState *) arg;
    if (s->obj != NULL)
        s->kind->free(s->obj);
    s->obj = NULL;
}

LoyEState *
loy_pg_estate_new(MemoryContext parent, const LoyKind *kind, void *obj)
{
    MemoryContext cxt = AllocSetContextCreate(parent, "loyalty state",
                                              ALLOCSET_SMALL_SIZES);
    LoyEState *s = (LoyEState *) MemoryContextAllocZero(cxt, sizeof *s);
    MemoryContextCallback *cb;
    EOH_init_header(&s->hdr, &estate_methods, cxt);
    s->kind = kind;
    s->obj = obj;
    cb = (MemoryContextCallback *) MemoryContextAlloc(cxt, sizeof *cb);
    cb->func = estate_release;
    cb->arg = s;
    MemoryContextRegisterResetCallback(cxt, cb);
    return s;
}

static void
estate_flush(LoyEState *s)
{
    if (s->kind->flush != NULL)
        s->kind->flush(s);
}

static Size
estate_flat_size(ExpandedObjectHeader *eohptr)
{
    LoyEState *s = (LoyEState *) eohptr;
    size_t len = 0;
    int rc;
    estate_flush(s);
    rc = s->kind->serialize(NULL, 0, &len, s->obj);
    LOY_PG_CHECK(rc, s->kind->name);
    if (len > MaxAllocSize - VARHDRSZ)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("%s value of %zu bytes is too large",
                               s->kind->name, len)));
    s->flat_size = VARHDRSZ + len;
    return s->flat_size;
}

static void
estate_flatten(ExpandedObjectHeader *eohptr, void *result,
               Size allocated_size)
{
    LoyEState *s = (LoyEState *) eohptr;
    size_t len = 0;
    int rc;
    Assert(allocated_size == s->flat_size);
    rc = s->kind->serialize((uint8_t *) VARDATA(result),
                            allocated_size - VARHDRSZ, &len, s->obj);
    LOY_PG_CHECK(rc, s->kind->name);
    SET_VARSIZE(result, VARHDRSZ + len);
}

/* Our expanded object of this kind, or NULL. */
static LoyEState *
estate_of(Datum d, const LoyKind *kind)
{
    struct varlena *v = (struct varlena *) DatumGetPointer(d);
    LoyEState *s;
    if (!VARATT_IS_EXTERNAL_EXPANDED(v))
        return NULL;
    s = (LoyEState *) DatumGetEOHP(d);
    if (s->hdr.eoh_methods != &estate_methods || s->kind != kind)
        return NULL;
    return s;
}

/* A new expanded state in aggctx holding a copy of datum d's data. */
static LoyEState *
estate_copy(Datum d, MemoryContext aggctx, const LoyKind *kind)
{
    LoyEState *src = estate_of(d, kind), *s;
    void *obj = NULL;
    int rc;
    s = loy_pg_estate_new(aggctx, kind, NULL);
    if (src != NULL) {
        /* an object of another aggregate (read-only): serialize it */
        bytea *flat = loy_pg_estate_flatten(d, kind);
        rc = kind->deserialize(&obj, (uint8_t *) VARDATA(flat),
                               VARSIZE(flat) - VARHDRSZ);
        pfree(flat);
    } else {
        struct varlena *v = pg_detoast_datum_packed(
            (struct varlena *) DatumGetPointer(d));
        rc = kind->deserialize(&obj, (uint8_t *) VARDATA_ANY(v),
                               VARSIZE_ANY_EXHDR(v));
    }
    if (rc != LOY_OK)
        loy_pg_error(rc, kind->name, "malformed %s value", kind->name);
    s->obj = obj;
    return s;
}

LoyEState *
loy_pg_estate_arg(FunctionCallInfo fcinfo, int argno, MemoryContext aggctx,
                  const LoyKind *kind)
{
    Datum d;
    LoyEState *s;
    if (PG_ARGISNULL(argno))
        return NULL;
    d = PG_GETARG_DATUM(argno);
    s = estate_of(d, kind);
    if (aggctx == NULL)
        return estate_copy(d, CurrentMemoryContext, kind);
    if (s != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d))
        && MemoryContextGetParent(s->hdr.eoh_context) == aggctx)
        return s;
    return estate_copy(d, aggctx, kind);
}

Datum
loy_pg_estate_return(LoyEState *s, MemoryContext aggctx)
{
    if (aggctx != NULL)
        return LOY_PG_ESTATE_DATUM(s);
    return PointerGetDatum(loy_pg_estate_flatten(LOY_PG_ESTATE_DATUM(s),
                                                 s->kind));
}

void *
loy_pg_estate_read(Datum d, const LoyKind *kind)
{
    LoyEState *s = estate_of(d, kind);
    struct varlena *v;
    if (s != NULL) {
        estate_flush(s);
        return s->obj;
    }
    v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
    return loy_pg_deserialize_owned(kind, (uint8_t *) VARDATA_ANY(v),
                                    VARSIZE_ANY_EXHDR(v));
}

bytea *
loy_pg_estate_flatten(Datum d, const LoyKind *kind)
{
    LoyEState *s = estate_of(d, kind);
    struct varlena *v;
    bytea *out;
    if (s != NULL) {
        Size sz = EOH_get_flat_size(&s->hdr);
        out = (bytea *) palloc(sz);
        EOH_flatten_into(&s->hdr, out, sz);
        return out;
    }
    v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
    out = loy_pg_flat_new(CurrentMemoryContext, VARSIZE_ANY_EXHDR(v));
    memcpy(VARDATA(out), VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
    return out;
}

Datum
loy_pg_estate_combine(FunctionCallInfo fcinfo, const LoyKind *kind)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    LoyEState *acc;
    void *add;
    int rc;
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0))
            PG_RETURN_NULL();
        acc = loy_pg_estate_arg(fcinfo, 0, aggctx, kind);
        PG_RETURN_DATUM(loy_pg_estate_return(acc, aggctx));
    }
    acc = loy_pg_estate_arg(fcinfo, 0, aggctx, kind);
    if (acc == NULL) {
        /* copy argument 2 into the aggregate's context */
        acc = estate_copy(PG_GETARG_DATUM(1),
                          aggctx ? aggctx : CurrentMemoryContext, kind);
        PG_RETURN_DATUM(loy_pg_estate_return(acc, aggctx));
    }
    estate_flush(acc);
    add = loy_pg_estate_read(PG_GETARG_DATUM(1), kind);
    rc = kind->merge(acc->obj, add);
    if (rc != LOY_OK)
        loy_pg_error(rc, kind->name, "cannot merge these %s values (%s)",
                     kind->name, loy_strerror(rc));
    PG_RETURN_DATUM(loy_pg_estate_return(acc, aggctx));
}

/* ------------------------------------------------------------------ */
/* arguments                                                           */
/* ------------------------------------------------------------------ */

uint32_t
loy_pg_nps_method(text *name, const char *what)
{
    char *s = text_to_cstring(name);
    uint32_t m;
    if (pg_strcasecmp(s, "wald") == 0)
        m = LOY_NPS_WALD;
    else if (pg_strcasecmp(s, "adjusted") == 0
             || pg_strcasecmp(s, "adjusted_wald") == 0)
        m = LOY_NPS_ADJUSTED_WALD;
    else if (pg_strcasecmp(s, "score") == 0 || pg_strcasecmp(s, "tango") == 0)
        m = LOY_NPS_SCORE;
    else
        loy_pg_error(LOY_EINVAL, what,
                     "unknown interval method \"%s\" (wald, adjusted, score)",
                     s);
    pfree(s);
    return m;
}

const int32_t *
loy_pg_breaks(ArrayType *arr, int32_t out[4], const char *what)
{
    int rc;
    if (arr == NULL)
        return NULL;
    if (ARR_ELEMTYPE(arr) != INT4OID || ARR_NDIM(arr) != 1
        || ARR_DIMS(arr)[0] != 4 || ARR_HASNULL(arr))
        loy_pg_error(LOY_EINVAL, what,
                     "breaks must be 4 non-null integers "
                     "{lo, det_max, pas_max, hi}");
    memcpy(out, ARR_DATA_PTR(arr), 4 * sizeof(int32_t));
    rc = loy_nps_breaks_check(out);
    if (rc != LOY_OK)
        loy_pg_error(rc, what,
                     "breaks {%d,%d,%d,%d} are not lo <= det_max <= pas_max < hi",
                     out[0], out[1], out[2], out[3]);
    return out;
}

Datum
loy_pg_tuple(FunctionCallInfo fcinfo, const Datum *values, const bool *nulls)
{
    TupleDesc desc;
    if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("function returning a record called in a "
                               "context that cannot accept it")));
    desc = BlessTupleDesc(desc);
    return HeapTupleGetDatum(heap_form_tuple(desc, (Datum *) values,
                                             (bool *) nulls));
}

Datum
loy_pg_float8_array(const double *v, int n)
{
    Datum *d = (Datum *) palloc(sizeof(Datum) * (n > 0 ? n : 1));
    int i;
    for (i = 0; i < n; i++)
        d[i] = Float8GetDatum(v[i]);
    return PointerGetDatum(construct_array(d, n, FLOAT8OID, sizeof(float8),
                                           FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

double *
loy_pg_float8_values(ArrayType *arr, int *n, const char *what,
                     const char *name)
{
    if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) > 1
        || ARR_HASNULL(arr))
        loy_pg_error(LOY_EINVAL, what, "%s must be a float8[] without NULLs",
                     name);
    *n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
    return (double *) ARR_DATA_PTR(arr);
}
