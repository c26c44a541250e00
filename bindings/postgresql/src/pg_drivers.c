/* SPDX-License-Identifier: MIT */
/*
 * pg_drivers.c - key-driver analysis in SQL: the moments state type (the
 * library's mergeable loy_moments tally), the moments() and prca_tally()
 * aggregates, moments accessors, and the drivers(), drivers_fit(),
 * drivers_jackknife() and prca() functions over a tally.
 *
 * Rows are buffered in the expanded state (row-major doubles) and handed
 * to the library a block at a time, so its column kernels see whole
 * blocks; an error found in a block still names the offending row's
 * value, read back from the buffer.
 */
#include "loyalty_pg.h"

#include "moments_options.h"

#include <math.h>
#include <string.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

/* Rows per block handed to the library (fewer for wide rows). */
#define MOM_BLOCK_BYTES 65536

/* ------------------------------------------------------------------ */
/* the state kind                                                      */
/* ------------------------------------------------------------------ */

/* Rows not yet in the tally, and what the aggregate's rows must repeat. */
typedef struct MomBuf {
    int k;            /* values per row (PRCA: the p ratings) */
    int cap, n;       /* rows held, rows buffered */
    bool weighted;    /* w holds the rows' weights */
    bool with_ids;
    double *x;        /* cap x k, row-major */
    double *y;        /* PRCA: the outcomes */
    double *w;
    uint64_t *ids;
    bool prca;
    double low_max, high_min;
    text *options;    /* moments(): the options text of the first row */
} MomBuf;

static void mom_flush(LoyEState *s);

static int
mom_serialize(uint8_t *buf, size_t cap, size_t *len, const void *obj)
{
    return loy_moments_serialize(buf, cap, len, (const loy_moments *) obj);
}

static int
mom_deserialize(void **out, const uint8_t *buf, size_t len)
{
    loy_moments *t = NULL;
    int rc = loy_moments_deserialize(&t, buf, len);
    *out = t;
    return rc;
}

static int
mom_merge(void *acc, const void *add)
{
    return loy_moments_merge((loy_moments *) acc, (const loy_moments *) add);
}

static void
mom_free(void *obj)
{
    loy_moments_free((loy_moments *) obj);
}

static const LoyKind moments_kind = {"moments", mom_serialize, mom_deserialize,
                                     mom_merge, mom_free, mom_flush};

/* ------------------------------------------------------------------ */
/* text form                                                           */
/* ------------------------------------------------------------------ */

/* Item indexes of the fields the block shape depends on. */
enum { F_FLAGS = 0, F_K = 1, F_REPLICATES = 2 };

/*
 * Each of the 1 + B states (the tally, then its bootstrap replicates) is
 * a block of counts and sums, whose lengths follow from k and the flags
 * as in lib/drivers/moments.c.
 */
static void
mom_blocks(const uint64_t *f, LoyBlocks *b)
{
    uint64_t k = f[F_K], np = k * (k + 1) / 2;
    bool pw = (f[F_FLAGS] & LOY_MOMENTS_PAIRWISE) != 0;
    b->name[0] = "counts";
    b->name[1] = "sums";
    b->type[0] = LOY_F_U64;
    b->type[1] = (f[F_FLAGS] & LOY_MOMENTS_INTEGER) ? LOY_F_I64 : LOY_F_F64;
    if (k == 0 || k > LOY_MOMENTS_MAX_COLUMNS
        || f[F_REPLICATES] > LOY_MOMENTS_MAX_REPLICATES) {
        b->n = PG_UINT64_MAX;
        return;
    }
    b->n = 1 + f[F_REPLICATES];
    b->len[0] = pw ? 1 + np : 1;
    b->len[1] = pw ? 6 * np : 1 + k + np;
}

static const LoyItem moments_items[] = {
    {LOY_ITEM_FIELD, "flags", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_COUNT, NULL, 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "replicates", 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_ZERO, NULL, 1, {LOY_F_U32}, 0, 0},
    {LOY_ITEM_FIELD, "seed", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "rows_missing", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "rows_invalid", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_FIELD, "rows_zero_weight", 1, {LOY_F_U64}, 0, 0},
    {LOY_ITEM_ARRAY, "lo", 1, {LOY_F_F64}, 0, 0},
    {LOY_ITEM_ARRAY, "hi", 1, {LOY_F_F64}, 0, 0},
    {LOY_ITEM_BLOCKS, "states", 1, {LOY_F_U64}, 0, 0},
};
static const LoySchema moments_schema = {"moments", 3, 1, 11, moments_items,
                                         mom_blocks};

static const LoyType moments_type = {&moments_schema, &moments_kind, NULL};

LOY_PG_TYPE_IO(moments, moments_type)

/* ------------------------------------------------------------------ */
/* options                                                             */
/* ------------------------------------------------------------------ */

/* Options text (NULL: defaults); errors name the offending word. */
static void
parse_options(LoyMomOpts *o, text *t, const char *what)
{
    const char *bad = NULL;
    size_t bad_len = 0;
    int rc = t == NULL ? loy_mom_parse(o, NULL, 0, &bad, &bad_len)
                       : loy_mom_parse(o, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
                                       &bad, &bad_len);
    if (rc == -1)
        loy_pg_error(LOY_EINVAL, what, "unknown option \"%.*s\" (%s)",
                     (int) bad_len, bad, LOY_MOM_OPTIONS_HELP);
    if (rc == -2)
        loy_pg_error(LOY_EINVAL, what, "options \"%s\": choose one of "
                     "listwise, pairwise and strict", text_to_cstring(t));
}

static bool
same_text(const text *a, const text *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b)
           && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* ------------------------------------------------------------------ */
/* rows                                                                */
/* ------------------------------------------------------------------ */

static int
array_length1(ArrayType *a)
{
    if (ARR_NDIM(a) == 0)
        return 0;
    if (ARR_NDIM(a) != 1)
        return -1;
    return ARR_DIMS(a)[0];
}

/* The k elements of a float8[] into dst, NULL elements as NaN (missing). */
static void
copy_row(double *dst, ArrayType *a, int k)
{
    const double *src = (const double *) ARR_DATA_PTR(a);
    bits8 *bitmap = ARR_NULLBITMAP(a);
    int i;
    if (bitmap == NULL) {
        memcpy(dst, src, sizeof(double) * (size_t) k);
        return;
    }
    for (i = 0; i < k; i++)
        dst[i] = (bitmap[i / 8] & (1 << (i % 8))) ? *src++ : NAN;
}

static MomBuf *
buffer_new(LoyEState *s, int k, bool prca)
{
    MemoryContext cxt = s->hdr.eoh_context;
    MomBuf *b = MemoryContextAllocZero(cxt, sizeof(MomBuf));
    b->k = k;
    b->prca = prca;
    b->cap = Max(16, MOM_BLOCK_BYTES / (int) (sizeof(double) * (size_t) k));
    b->x = MemoryContextAlloc(cxt, sizeof(double) * (size_t) b->cap * k);
    b->w = MemoryContextAlloc(cxt, sizeof(double) * (size_t) b->cap);
    b->ids = MemoryContextAlloc(cxt, sizeof(uint64_t) * (size_t) b->cap);
    if (prca)
        b->y = MemoryContextAlloc(cxt, sizeof(double) * (size_t) b->cap);
    s->extra = b;
    return b;
}

static uint32_t
moments_flags(const loy_moments *t)
{
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    (void) loy_moments_info_get(&info, t);
    return info.flags;
}

static void
mom_flush(LoyEState *s)
{
    MomBuf *b = (MomBuf *) s->extra;
    size_t bad = LOY_NO_INDEX;
    int rc, n, k;
    if (b == NULL || b->n == 0)
        return;
    n = b->n;
    k = b->k;
    b->n = 0; /* an error below ends the aggregate: never flush twice */
    if (b->prca)
        rc = loy_drivers_prca_add(s->obj, b->y, b->x, (size_t) n, (size_t) k,
                                  (size_t) k, 1, b->weighted ? b->w : NULL,
                                  b->with_ids ? b->ids : NULL, b->low_max,
                                  b->high_min, &bad);
    else
        rc = loy_moments_add(s->obj, b->x, (size_t) n, (size_t) k, 1,
                             b->weighted ? b->w : NULL,
                             b->with_ids ? b->ids : NULL, &bad);
    if (rc == LOY_OK)
        return;
    if (bad != LOY_NO_INDEX) {
        /* row i, column j: stride k + 1 (moments), p + 2 (PRCA: then y,
         * then the weight) */
        size_t stride = (size_t) k + (b->prca ? 2 : 1);
        size_t i = bad / stride, j = bad % stride;
        bool is_w = j == stride - 1, is_y = b->prca && j == (size_t) k;
        double v = is_w ? b->w[i] : is_y ? b->y[i] : b->x[i * k + j];
        const char *where = is_w ? "weight" : is_y ? "outcome y"
                            : psprintf("element %d of %s", (int) j + 1,
                                       b->prca ? "ratings" : "x");
        loy_pg_error(rc, b->prca ? "prca_tally" : "moments", "%s %s%s: %s",
                     where, isnan(v) ? "is NULL or NaN" : "= ",
                     isnan(v) ? "" : loy_pg_f64_text(v),
                     loy_mom_value_problem(rc, v, is_w, moments_flags(s->obj)));
    }
    LOY_PG_CHECK(rc, b->prca ? "prca_tally" : "moments");
}

/* The tally of a moments() aggregate, created on its first row. */
static LoyEState *
moments_state(MemoryContext aggctx, int k, const LoyMomOpts *o, const char *what)
{
    MemoryContext cxt = aggctx ? aggctx : CurrentMemoryContext;
    LoyEState *s = loy_pg_estate_new(cxt, &moments_kind, NULL);
    loy_moments *t = NULL;
    int rc = loy_moments_new(&t, (size_t) k, o->flags);
    if (rc != LOY_OK)
        loy_pg_error(rc, what, "%d columns (1..%u)", k,
                     (unsigned) LOY_MOMENTS_MAX_COLUMNS);
    s->obj = t;
    if (o->scale)
        LOY_PG_CHECK(loy_moments_set_scale(t, LOY_MOMENTS_ALL_COLUMNS, o->lo,
                                           o->hi), what);
    if (o->replicates > 0)
        LOY_PG_CHECK(loy_moments_set_bootstrap(t, o->replicates, o->seed),
                     what);
    return s;
}

/* Do the options of this row describe the tally they are added to? */
static void
check_same_options(const loy_moments *t, const LoyMomOpts *o, const char *what)
{
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    LOY_PG_CHECK(loy_moments_info_get(&info, t), what);
    if (info.flags != o->flags || info.replicates != o->replicates
        || (o->replicates > 0 && info.seed != o->seed))
        loy_pg_error(LOY_EINVAL, what, "the options differ from the tally's "
                     "(flags %u, %u replicates): every row of a tally must "
                     "give the same options", (unsigned) info.flags,
                     (unsigned) info.replicates);
}

/*
 * moments(x float8[] [, weight float8 [, options text [, id int8]]]).
 * A NULL x array or weight skips the row; NULL elements are missing
 * values (listwise: the row is counted in rows_missing).
 */
PG_FUNCTION_INFO_V1(loyalty_moments_add);
Datum
loyalty_moments_add(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    LoyEState *s = loy_pg_estate_arg(fcinfo, 0, aggctx, &moments_kind);
    int nargs = PG_NARGS();
    text *opt = nargs > 3 && !PG_ARGISNULL(3) ? PG_GETARG_TEXT_PP(3) : NULL;
    ArrayType *a;
    MomBuf *b;
    int k;
    if (PG_ARGISNULL(1) || (nargs > 2 && PG_ARGISNULL(2))) {
        if (s == NULL)
            PG_RETURN_NULL();
        PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
    }
    a = PG_GETARG_ARRAYTYPE_P(1);
    k = array_length1(a);
    if (s == NULL || s->extra == NULL) {
        LoyMomOpts o;
        parse_options(&o, opt, "moments");
        if (o.replicates > 0 && nargs < 5)
            loy_pg_error(LOY_EINVAL, "moments", "bootstrap=%u needs row ids: "
                         "moments(x, weight, options, id)",
                         (unsigned) o.replicates);
        if (s == NULL)
            s = moments_state(aggctx, k, &o, "moments");
        else
            check_same_options(s->obj, &o, "moments");
        b = buffer_new(s, k, false);
        b->options = opt ? (text *) MemoryContextAlloc(s->hdr.eoh_context,
                                                       VARSIZE_ANY(opt))
                         : NULL;
        if (opt)
            memcpy(b->options, opt, VARSIZE_ANY(opt));
        {
            loy_moments_info info = LOY_MOMENTS_INFO_INIT;
            LOY_PG_CHECK(loy_moments_info_get(&info, s->obj), "moments");
            if ((int64) info.k != k)
                goto bad_length;
            b->with_ids = info.replicates > 0;
        }
    }
    b = (MomBuf *) s->extra;
    if (k != b->k)
        goto bad_length;
    if (!same_text(opt, b->options))
        loy_pg_error(LOY_EINVAL, "moments", "options \"%s\" differ from the "
                     "first row's: every row of a tally must give the same "
                     "options", opt ? text_to_cstring(opt) : "NULL");
    if (b->with_ids && (nargs < 5 || PG_ARGISNULL(4)))
        loy_pg_error(LOY_EINVAL, "moments", "a row has a NULL id: the "
                     "bootstrap replicates need every row's id");
    if (b->n == b->cap)
        mom_flush(s);
    copy_row(b->x + (size_t) b->n * (size_t) k, a, k);
    if (nargs > 2) {
        b->w[b->n] = PG_GETARG_FLOAT8(2);
        b->weighted = true;
    } else
        b->w[b->n] = 1.0;
    if (b->with_ids)
        b->ids[b->n] = (uint64_t) PG_GETARG_INT64(4);
    b->n++;
    PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));

bad_length:
    {
        loy_moments_info info = LOY_MOMENTS_INFO_INIT;
        (void) loy_moments_info_get(&info, s->obj);
        loy_pg_error(LOY_EINVAL, "moments", "x has %d elements, the "
                     "tally has %d columns: every row gives the same columns",
                     k, (int) info.k);
    }
}

/*
 * prca_tally(y float8, ratings float8[] [, low_max, high_min [, weight]]):
 * the PRCA tally of 2p + 1 columns [y, L_1..L_p, H_1..H_p]. Missing
 * values (NULL y or rating) make listwise-skipped rows; a NULL weight
 * skips the row.
 */
PG_FUNCTION_INFO_V1(loyalty_prca_add);
Datum
loyalty_prca_add(PG_FUNCTION_ARGS)
{
    MemoryContext aggctx = loy_pg_aggcontext(fcinfo);
    LoyEState *s = loy_pg_estate_arg(fcinfo, 0, aggctx, &moments_kind);
    int nargs = PG_NARGS();
    double lo = 6.0, hi = 9.0;
    ArrayType *a;
    MomBuf *b;
    int p;
    if (PG_ARGISNULL(2) || (nargs > 5 && PG_ARGISNULL(5))) {
        if (s == NULL)
            PG_RETURN_NULL();
        PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
    }
    if (nargs > 3) {
        if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
            loy_pg_error(LOY_EINVAL, "prca_tally", "low_max and high_min must "
                         "not be NULL");
        lo = PG_GETARG_FLOAT8(3);
        hi = PG_GETARG_FLOAT8(4);
    }
    a = PG_GETARG_ARRAYTYPE_P(2);
    p = array_length1(a);
    if (p < 1 || 2 * (int64) p + 1 > (int64) LOY_MOMENTS_MAX_COLUMNS)
        loy_pg_error(LOY_EINVAL, "prca_tally", "ratings has %d elements "
                     "(1..%u)", p, (unsigned) (LOY_MOMENTS_MAX_COLUMNS - 1) / 2);
    if (!(lo < hi) || isinf(lo) || isinf(hi))
        loy_pg_error(LOY_EDOMAIN, "prca_tally", "low_max %s must be below "
                     "high_min %s", loy_pg_f64_text(lo), loy_pg_f64_text(hi));
    if (s == NULL || s->extra == NULL) {
        loy_moments_info info = LOY_MOMENTS_INFO_INIT;
        if (s == NULL) {
            LoyMomOpts o;
            parse_options(&o, NULL, "prca_tally");
            s = moments_state(aggctx, 2 * p + 1, &o, "prca_tally");
        }
        LOY_PG_CHECK(loy_moments_info_get(&info, s->obj), "prca_tally");
        if ((int64) info.k != 2 * (int64) p + 1)
            loy_pg_error(LOY_EINVAL, "prca_tally", "ratings has %d elements, "
                         "the tally has %d ratings", p, (int) (info.k - 1) / 2);
        b = buffer_new(s, p, true);
        b->low_max = lo;
        b->high_min = hi;
    }
    b = (MomBuf *) s->extra;
    if (p != b->k)
        loy_pg_error(LOY_EINVAL, "prca_tally", "ratings has %d elements, the "
                     "tally has %d: every row gives the same ratings", p, b->k);
    if (lo != b->low_max || hi != b->high_min)
        loy_pg_error(LOY_EINVAL, "prca_tally", "low_max %s and high_min %s "
                     "differ from the first row's %s and %s",
                     loy_pg_f64_text(lo), loy_pg_f64_text(hi),
                     loy_pg_f64_text(b->low_max), loy_pg_f64_text(b->high_min));
    if (b->n == b->cap)
        mom_flush(s);
    copy_row(b->x + (size_t) b->n * (size_t) p, a, p);
    b->y[b->n] = PG_ARGISNULL(1) ? NAN : PG_GETARG_FLOAT8(1);
    if (nargs > 5) {
        b->w[b->n] = PG_GETARG_FLOAT8(5);
        b->weighted = true;
    } else
        b->w[b->n] = 1.0;
    b->n++;
    PG_RETURN_DATUM(loy_pg_estate_return(s, aggctx));
}

PG_FUNCTION_INFO_V1(loyalty_moments_combine);
Datum
loyalty_moments_combine(PG_FUNCTION_ARGS)
{
    return loy_pg_estate_combine(fcinfo, &moments_kind);
}

PG_FUNCTION_INFO_V1(loyalty_moments_final);
Datum
loyalty_moments_final(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    PG_RETURN_BYTEA_P(loy_pg_estate_flatten(PG_GETARG_DATUM(0), &moments_kind));
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */
/* ------------------------------------------------------------------ */

static const loy_moments *
moments_arg(FunctionCallInfo fcinfo, int argno, loy_moments_info *info,
            const char *what)
{
    const loy_moments *t = loy_pg_estate_read(PG_GETARG_DATUM(argno),
                                              &moments_kind);
    LOY_PG_CHECK(loy_moments_info_get(info, t), what);
    return t;
}

/* moments_info: (columns, n, sum_w, n_min, rows_missing, rows_invalid,
 * rows_zero_weight, replicates, seed, integer_sums, missing) */
PG_FUNCTION_INFO_V1(loyalty_moments_info);
Datum
loyalty_moments_info(PG_FUNCTION_ARGS)
{
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    Datum v[11];
    bool nulls[11];
    memset(nulls, 0, sizeof nulls);
    (void) moments_arg(fcinfo, 0, &info, "moments_info");
    v[0] = Int32GetDatum((int32) info.k);
    v[1] = Int64GetDatum((int64) info.n);
    v[2] = Float8GetDatum(info.sum_w);
    v[3] = Int64GetDatum((int64) info.n_min);
    v[4] = Int64GetDatum((int64) info.rows_missing);
    v[5] = Int64GetDatum((int64) info.rows_invalid);
    v[6] = Int64GetDatum((int64) info.rows_zero_weight);
    v[7] = Int32GetDatum((int32) info.replicates);
    v[8] = Int64GetDatum((int64) info.seed);
    v[9] = BoolGetDatum((info.flags & LOY_MOMENTS_INTEGER) != 0);
    v[10] = CStringGetTextDatum((info.flags & LOY_MOMENTS_PAIRWISE) ? "pairwise"
                                : (info.flags & LOY_MOMENTS_LISTWISE)
                                    ? "listwise" : "strict");
    return loy_pg_tuple(fcinfo, v, nulls);
}

PG_FUNCTION_INFO_V1(loyalty_moments_mean);
Datum
loyalty_moments_mean(PG_FUNCTION_ARGS)
{
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    const loy_moments *t = moments_arg(fcinfo, 0, &info, "moments_mean");
    double *m = palloc(sizeof(double) * info.k);
    int rc = loy_moments_mean(m, (size_t) info.k, t);
    if (rc == LOY_EEMPTY)
        PG_RETURN_NULL();
    LOY_PG_CHECK(rc, "moments_mean");
    PG_RETURN_DATUM(loy_pg_float8_array(m, (int) info.k));
}

/* A k x k float8[][] of m. */
static Datum
matrix_datum(const double *m, int k)
{
    Datum *d = palloc(sizeof(Datum) * (size_t) k * (size_t) k);
    int dims[2], lbs[2] = {1, 1}, i;
    dims[0] = dims[1] = k;
    for (i = 0; i < k * k; i++)
        d[i] = Float8GetDatum(m[i]);
    return PointerGetDatum(construct_md_array(d, NULL, 2, dims, lbs, FLOAT8OID,
                                              sizeof(float8), FLOAT8PASSBYVAL,
                                              TYPALIGN_DOUBLE));
}

/* moments_cov(m), moments_cor(m): population (weighted) covariances and
 * correlations; NULL for an empty tally. */
static Datum
moments_matrix(FunctionCallInfo fcinfo, bool cor)
{
    const char *what = cor ? "moments_cor" : "moments_cov";
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    const loy_moments *t = moments_arg(fcinfo, 0, &info, what);
    size_t k = (size_t) info.k, bad = LOY_NO_INDEX;
    double *m = palloc(sizeof(double) * k * k);
    int rc = cor ? loy_moments_cor(m, k, t, &bad) : loy_moments_cov(m, k, t);
    if (rc == LOY_EEMPTY)
        PG_RETURN_NULL();
    if (rc != LOY_OK && bad != LOY_NO_INDEX)
        loy_pg_error(rc, what, "column %d has no variance", (int) bad + 1);
    LOY_PG_CHECK(rc, what);
    PG_RETURN_DATUM(matrix_datum(m, (int) k));
}

PG_FUNCTION_INFO_V1(loyalty_moments_cov);
Datum
loyalty_moments_cov(PG_FUNCTION_ARGS)
{
    return moments_matrix(fcinfo, false);
}

PG_FUNCTION_INFO_V1(loyalty_moments_cor);
Datum
loyalty_moments_cor(PG_FUNCTION_ARGS)
{
    return moments_matrix(fcinfo, true);
}

/* ------------------------------------------------------------------ */
/* analyses                                                            */
/* ------------------------------------------------------------------ */

/* The n names of a text[] (errors naming the expected count). */
static char **
names_arg(ArrayType *arr, int n, const char *what, const char *expect)
{
    Datum *d;
    bool *nulls;
    int count, i;
    char **out;
    if (ARR_NDIM(arr) > 1)
        loy_pg_error(LOY_EINVAL, what, "names must be a one-dimensional text[]");
    deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &d, &nulls,
                      &count);
    if (count != n)
        loy_pg_error(LOY_EINVAL, what, "names has %d elements, expected %d "
                     "(%s)", count, n, expect);
    out = palloc(sizeof(char *) * (size_t) n);
    for (i = 0; i < n; i++) {
        if (nulls[i])
            loy_pg_error(LOY_EINVAL, what, "names[%d] is NULL", i + 1);
        out[i] = TextDatumGetCString(d[i]);
    }
    return out;
}

static double
level_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
    double level = PG_ARGISNULL(argno) ? 0.95 : PG_GETARG_FLOAT8(argno);
    if (!(level > 0.0 && level < 1.0))
        loy_pg_error(LOY_EDOMAIN, what, "level %s is not in (0, 1)",
                     loy_pg_f64_text(level));
    return level;
}

/* Report an analysis error, naming the column the library blamed. */
static void
analysis_error(int rc, size_t bad, char **names, int k, const char *what)
{
    if (rc == LOY_OK)
        return;
    if (bad != LOY_NO_INDEX && bad < (size_t) k) {
        const char *why = rc == LOY_EDEGENERATE
                              ? "is constant, or collinear with the others"
                          : rc == LOY_EINCONSISTENT
                              ? "makes the pairwise correlation matrix "
                                "indefinite"
                              : loy_strerror(rc);
        loy_pg_error(rc, what, "column \"%s\" %s", names[bad], why);
    }
    if (rc == LOY_EDOMAIN)
        loy_pg_error(rc, what, "%d drivers: exact LMG enumerates 2^p subsets "
                     "for at most 24 drivers", k - 1);
    if (rc == LOY_EDEGENERATE)
        loy_pg_error(rc, what, "too few rows for %d columns, or a constant "
                     "outcome", k);
    LOY_PG_CHECK(rc, what);
}

/* Metric values of a result; false when the library says they are not
 * defined for this data or not computed (then SQL NULLs). */
static bool
metric(double *out, int n, const loy_drivers_result *r, uint32_t m,
       uint32_t stat, const char *what)
{
    int rc = loy_drivers_result_get(out, (size_t) n, NULL, r, m, stat);
    if (rc == LOY_EDOMAIN || rc == LOY_EDEGENERATE)
        return false;
    LOY_PG_CHECK(rc, what);
    return true;
}

static void
result_own(loy_drivers_result *r)
{
    loy_pg_own(r, (void (*)(void *)) loy_drivers_result_free);
}

/* Columns of the driver_importance row type. */
enum {
    DI_DRIVER, DI_LMG, DI_SHARE, DI_SHARE_SE, DI_SHARE_LO, DI_SHARE_HI,
    DI_RANK, DI_FIRST, DI_LAST, DI_BETA, DI_BETA_SE, DI_BETA_STD, DI_T, DI_P,
    DI_RW_SHARE, DI_PRATT, DI_NCOLS
};

/* One row per driver of a linear result. */
static void
emit_drivers(FunctionCallInfo fcinfo, const loy_drivers_result *r,
             char **names, int p, const char *what)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    static const struct {
        int col;
        uint32_t metric, stat;
    } cols[] = {
        {DI_LMG, LOY_DRIVERS_LMG, LOY_DRIVERS_ESTIMATE},
        {DI_SHARE, LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_ESTIMATE},
        {DI_SHARE_SE, LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_STDERR},
        {DI_SHARE_LO, LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_LOWER},
        {DI_SHARE_HI, LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_UPPER},
        {DI_RANK, LOY_DRIVERS_RANK, LOY_DRIVERS_ESTIMATE},
        {DI_FIRST, LOY_DRIVERS_FIRST, LOY_DRIVERS_ESTIMATE},
        {DI_LAST, LOY_DRIVERS_LAST, LOY_DRIVERS_ESTIMATE},
        {DI_BETA, LOY_DRIVERS_BETA, LOY_DRIVERS_ESTIMATE},
        {DI_BETA_SE, LOY_DRIVERS_BETA, LOY_DRIVERS_STDERR},
        {DI_BETA_STD, LOY_DRIVERS_BETA_STD, LOY_DRIVERS_ESTIMATE},
        {DI_T, LOY_DRIVERS_T, LOY_DRIVERS_ESTIMATE},
        {DI_P, LOY_DRIVERS_P, LOY_DRIVERS_ESTIMATE},
        {DI_RW_SHARE, LOY_DRIVERS_RW_SHARE, LOY_DRIVERS_ESTIMATE},
        {DI_PRATT, LOY_DRIVERS_PRATT, LOY_DRIVERS_ESTIMATE},
    };
    const int nc = (int) lengthof(cols);
    double *val = palloc(sizeof(double) * (size_t) p * (size_t) nc);
    bool *have = palloc(sizeof(bool) * (size_t) nc);
    int c, j;
    for (c = 0; c < nc; c++)
        have[c] = metric(val + (size_t) c * p, p, r, cols[c].metric,
                         cols[c].stat, what);
    InitMaterializedSRF(fcinfo, 0);
    for (j = 0; j < p; j++) {
        Datum v[DI_NCOLS];
        bool nulls[DI_NCOLS];
        memset(nulls, 0, sizeof nulls);
        v[DI_DRIVER] = CStringGetTextDatum(names[j]);
        for (c = 0; c < nc; c++) {
            double x = val[(size_t) c * p + j];
            int col = cols[c].col;
            nulls[col] = !have[c];
            v[col] = col == DI_RANK ? Int32GetDatum((int32) x)
                                    : Float8GetDatum(x);
        }
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
}

/* The spec of "column 1 is the outcome, 2..k the drivers". */
static void
outcome_first(loy_drivers_spec *spec, int k)
{
    size_t *d = palloc(sizeof(size_t) * (size_t) (k - 1));
    int j;
    for (j = 1; j < k; j++)
        d[j - 1] = (size_t) j;
    spec->outcome = 0;
    spec->drivers = d;
    spec->n_drivers = (size_t) (k - 1);
}

static const char *const names_expect =
    "the outcome's name, then one per driver";

/* drivers(m moments, names text[], level float8): one row per driver. */
PG_FUNCTION_INFO_V1(loyalty_drivers);
Datum
loyalty_drivers(PG_FUNCTION_ARGS)
{
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    const loy_moments *t = moments_arg(fcinfo, 0, &info, "drivers");
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_options opts = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r = NULL;
    int k = (int) info.k;
    char **names = names_arg(PG_GETARG_ARRAYTYPE_P(1), k, "drivers",
                             names_expect);
    size_t bad = LOY_NO_INDEX;
    int rc;
    opts.level = level_arg(fcinfo, 2, "drivers");
    if (info.replicates > 0)
        opts.flags |= LOY_DRIVERS_BOOTSTRAP;
    if (k < 2)
        loy_pg_error(LOY_EINVAL, "drivers", "the tally has one column: an "
                     "outcome and at least one driver are needed");
    outcome_first(&spec, k);
    rc = loy_drivers_linear(&r, t, &spec, &opts, &bad);
    if (r != NULL)
        result_own(r);
    analysis_error(rc, bad, names, k, "drivers");
    emit_drivers(fcinfo, r, names + 1, k - 1, "drivers");
    return (Datum) 0;
}

/* The tallies of a moments[] (parts of a jackknife). */
static const loy_moments **
parts_arg(ArrayType *arr, int *n, const char *what)
{
    Datum *d;
    bool *nulls;
    int16 typlen;
    bool typbyval;
    char typalign;
    const loy_moments **out;
    int i;
    get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
    deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &d,
                      &nulls, n);
    out = palloc(sizeof(*out) * (size_t) Max(*n, 1));
    for (i = 0; i < *n; i++) {
        if (nulls[i])
            loy_pg_error(LOY_EINVAL, what, "parts[%d] is NULL", i + 1);
        out[i] = loy_pg_estate_read(d[i], &moments_kind);
    }
    return out;
}

/* drivers_jackknife(parts moments[], names text[], level float8). */
PG_FUNCTION_INFO_V1(loyalty_drivers_jackknife);
Datum
loyalty_drivers_jackknife(PG_FUNCTION_ARGS)
{
    const char *what = "drivers_jackknife";
    int g, i, k;
    const loy_moments **parts = parts_arg(PG_GETARG_ARRAYTYPE_P(0), &g, what);
    loy_moments *total = NULL;
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_options opts = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_result *r = NULL;
    char **names;
    size_t bad = LOY_NO_INDEX;
    int rc;
    if (g < 2)
        loy_pg_error(LOY_EINVAL, what, "%d part%s: the jackknife needs at "
                     "least 2", g, g == 1 ? "" : "s");
    LOY_PG_CHECK(loy_moments_clone(&total, parts[0]), what);
    loy_pg_own(total, mom_free);
    for (i = 1; i < g; i++) {
        rc = loy_moments_merge(total, parts[i]);
        if (rc != LOY_OK)
            loy_pg_error(rc, what, "parts[%d] cannot be merged with parts[1] "
                         "(different columns or options)", i + 1);
    }
    LOY_PG_CHECK(loy_moments_info_get(&info, total), what);
    k = (int) info.k;
    names = names_arg(PG_GETARG_ARRAYTYPE_P(1), k, what, names_expect);
    if (k < 2)
        loy_pg_error(LOY_EINVAL, what, "the tallies have one column: an "
                     "outcome and at least one driver are needed");
    opts.level = level_arg(fcinfo, 2, what);
    outcome_first(&spec, k);
    rc = loy_drivers_jackknife(&r, total, (const loy_moments *const *) parts,
                               (size_t) g, &spec, &opts, &bad);
    if (r != NULL)
        result_own(r);
    analysis_error(rc, bad, names, k, what);
    emit_drivers(fcinfo, r, names + 1, k - 1, what);
    return (Datum) 0;
}

/* drivers_fit(m moments): the full model (n, sum_w, r2, r2_adj, f, f_p,
 * df_resid, intercept). */
PG_FUNCTION_INFO_V1(loyalty_drivers_fit);
Datum
loyalty_drivers_fit(PG_FUNCTION_ARGS)
{
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    const loy_moments *t = moments_arg(fcinfo, 0, &info, "drivers_fit");
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_options opts = LOY_DRIVERS_OPTIONS_INIT;
    loy_drivers_summary sum = LOY_DRIVERS_SUMMARY_INIT;
    loy_drivers_result *r = NULL;
    int k = (int) info.k;
    size_t bad = LOY_NO_INDEX;
    double icpt;
    Datum v[8];
    bool nulls[8];
    char **names;
    int rc, j;
    memset(nulls, 0, sizeof nulls);
    if (k < 2)
        loy_pg_error(LOY_EINVAL, "drivers_fit", "the tally has one column: an "
                     "outcome and at least one driver are needed");
    names = palloc(sizeof(char *) * (size_t) k);
    for (j = 0; j < k; j++)
        names[j] = psprintf("%d", j + 1);
    opts.flags = LOY_DRIVERS_FULL_ONLY;
    outcome_first(&spec, k);
    rc = loy_drivers_linear(&r, t, &spec, &opts, &bad);
    if (r != NULL)
        result_own(r);
    analysis_error(rc, bad, names, k, "drivers_fit");
    LOY_PG_CHECK(loy_drivers_result_summary(&sum, r), "drivers_fit");
    v[0] = Int64GetDatum((int64) sum.n);
    v[1] = Float8GetDatum(sum.sum_w);
    v[2] = Float8GetDatum(sum.r2);
    v[3] = Float8GetDatum(sum.r2_adj);
    v[4] = Float8GetDatum(sum.f_stat);
    v[5] = Float8GetDatum(sum.f_p);
    v[6] = Float8GetDatum(sum.df_resid);
    nulls[7] = !metric(&icpt, 1, r, LOY_DRIVERS_INTERCEPT,
                       LOY_DRIVERS_ESTIMATE, "drivers_fit");
    v[7] = Float8GetDatum(icpt);
    return loy_pg_tuple(fcinfo, v, nulls);
}

/* prca(m moments, names text[], alpha float8): one row per attribute. */
PG_FUNCTION_INFO_V1(loyalty_prca);
Datum
loyalty_prca(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    static const uint32_t ms[6] = {LOY_DRIVERS_PENALTY, LOY_DRIVERS_REWARD,
                                   LOY_DRIVERS_ASYMMETRY, LOY_DRIVERS_PENALTY_P,
                                   LOY_DRIVERS_REWARD_P,
                                   LOY_DRIVERS_ASYMMETRY_P};
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    const loy_moments *t = moments_arg(fcinfo, 0, &info, "prca");
    loy_drivers_result *r = NULL;
    double alpha = PG_ARGISNULL(2) ? 0.05 : PG_GETARG_FLOAT8(2);
    int k = (int) info.k, p = (k - 1) / 2, c, j, rc;
    char **names;
    double *val;
    int32_t *kano;
    size_t bad = LOY_NO_INDEX;
    if (k < 3 || k % 2 == 0)
        loy_pg_error(LOY_EINVAL, "prca", "a tally of %d columns is not a "
                     "prca_tally (2p + 1 columns)", k);
    names = names_arg(PG_GETARG_ARRAYTYPE_P(1), p, "prca",
                      "one per rating");
    if (!(alpha > 0.0 && alpha < 1.0))
        loy_pg_error(LOY_EDOMAIN, "prca", "alpha %s is not in (0, 1)",
                     loy_pg_f64_text(alpha));
    rc = loy_drivers_prca(&r, t, (size_t) p, alpha, &bad);
    if (r != NULL)
        result_own(r);
    if (rc != LOY_OK && bad != LOY_NO_INDEX && bad < (size_t) p)
        loy_pg_error(rc, "prca", "attribute \"%s\" %s", names[bad],
                     rc == LOY_EDEGENERATE
                         ? "has no low or no high ratings, or its indicators "
                           "are collinear with the others'"
                         : loy_strerror(rc));
    if (rc == LOY_EDEGENERATE)
        loy_pg_error(rc, "prca", "too few rows for %d attributes, or a "
                     "constant outcome", p);
    LOY_PG_CHECK(rc, "prca");
    val = palloc(sizeof(double) * 6 * (size_t) p);
    for (c = 0; c < 6; c++)
        LOY_PG_CHECK(loy_drivers_result_get(val + (size_t) c * p, (size_t) p,
                                            NULL, r, ms[c],
                                            LOY_DRIVERS_ESTIMATE), "prca");
    kano = palloc(sizeof(int32_t) * (size_t) p);
    LOY_PG_CHECK(loy_drivers_result_kano(kano, (size_t) p, NULL, r), "prca");
    InitMaterializedSRF(fcinfo, 0);
    for (j = 0; j < p; j++) {
        Datum v[8];
        bool nulls[8];
        memset(nulls, 0, sizeof nulls);
        v[0] = CStringGetTextDatum(names[j]);
        for (c = 0; c < 6; c++)
            v[1 + c] = Float8GetDatum(val[(size_t) c * p + j]);
        v[7] = CStringGetTextDatum(loy_drivers_kano_name(kano[j]));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
    return (Datum) 0;
}
