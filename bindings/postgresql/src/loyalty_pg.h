/* SPDX-License-Identifier: MIT */
/*
 * loyalty_pg.h - shared machinery of the PostgreSQL extension: status
 * codes to SQL errors, aggregate states, the text (JSON) form of the
 * serialized states, and argument helpers.
 *
 * States. Every aggregate state type is a varlena whose bytes are the
 * library's serialize format (a 16-byte "LOYS" header, then the payload):
 * what is stored in a table, sent between parallel workers or Citus
 * shards, and cast to bytea. Two in-memory forms are used while
 * aggregating:
 *
 *  - fixed-size states (NPS tallies) stay flat and are updated in place
 *    (the aggregate owns its transition value, see AggCheckCallContext);
 *  - growing states (pattern tables, score tallies, crossings) are
 *    PostgreSQL "expanded objects" holding the library handle: rows go
 *    straight into the handle, and the flat bytes are produced only when
 *    the executor needs them (a worker's result, a stored value). The
 *    handle's malloc'd memory is released by a reset callback on the
 *    object's memory context, so an ERROR (which resets it) leaks nothing.
 *
 * Library calls never longjmp: their status is turned into ereport() only
 * after the library has returned.
 */
#ifndef LOYALTY_PG_H
#define LOYALTY_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"
#include "utils/expandeddatum.h"

#include <loyalty.h>

/* ------------------------------------------------------------------ */
/* errors                                                              */
/* ------------------------------------------------------------------ */

/* The SQLSTATE of a library status code. */
int loy_pg_sqlstate(int rc);

/*
 * Report a library error: "<what>: <detail> (<LOY_ENAME>)", with the
 * status's SQLSTATE. `detail` is printf-like and names the offending value.
 */
void loy_pg_error(int rc, const char *what, const char *fmt, ...)
    pg_attribute_printf(3, 4) pg_attribute_noreturn();

/* ereport when rc is an error, naming only the function. */
#define LOY_PG_CHECK(rc, what)                                              \
    do {                                                                    \
        int loy_pg_rc_ = (rc);                                              \
        if (loy_pg_rc_ != LOY_OK)                                           \
            loy_pg_error(loy_pg_rc_, (what), "%s", loy_strerror(loy_pg_rc_)); \
    } while (0)

/* ------------------------------------------------------------------ */
/* aggregate context                                                   */
/* ------------------------------------------------------------------ */

/*
 * The aggregate's memory context, or NULL when a transition or combine
 * function is called directly (as in SELECT nps_tally_combine(a, b)): then
 * nothing is modified in place and the result is a new flat value.
 */
MemoryContext loy_pg_aggcontext(FunctionCallInfo fcinfo);

/*
 * A constant argument of the aggregate call (method, level, cut-offs),
 * read from the Aggref in a final function: these parameters are not part
 * of the state. Errors when the argument is not a constant.
 */
Datum loy_pg_agg_const(FunctionCallInfo fcinfo, int argno, bool *isnull,
                       const char *what, const char *name);

/* ------------------------------------------------------------------ */
/* flat states                                                          */
/* ------------------------------------------------------------------ */

/* A palloc'd varlena holding `len` serialized bytes (4-byte header). */
bytea *loy_pg_flat_new(MemoryContext cxt, size_t len);

/*
 * The state argument of a transition/combine function as a writable flat
 * varlena owned by the aggregate: the argument itself when it is ours (a
 * plain 4-byte-header datum of the right size), else a copy in aggctx (in
 * the current context, always a copy, when aggctx is NULL). NULL when the
 * argument is NULL.
 */
bytea *loy_pg_flat_own(FunctionCallInfo fcinfo, int argno,
                       MemoryContext aggctx, size_t len);

/* ------------------------------------------------------------------ */
/* expanded states                                                     */
/* ------------------------------------------------------------------ */

typedef struct LoyEState LoyEState;

typedef struct LoyKind {
    const char *name; /* SQL type name, for messages */
    int (*serialize)(uint8_t *buf, size_t cap, size_t *len, const void *obj);
    int (*deserialize)(void **out, const uint8_t *buf, size_t len);
    int (*merge)(void *acc, const void *add);
    void (*free)(void *obj);
    /* optional: push rows buffered in `extra` into the object */
    void (*flush)(LoyEState *s);
} LoyKind;

struct LoyEState {
    ExpandedObjectHeader hdr;
    const LoyKind *kind;
    void *obj;        /* the library handle */
    void *extra;      /* per-kind buffers, palloc'd in hdr.eoh_context */
    Size flat_size;   /* set by get_flat_size */
};

/*
 * A new expanded state in a child context of `parent`, taking ownership
 * of `obj` (freed with the context; obj may be NULL and set later, as
 * long as it is set before anything can fail with it unowned).
 */
LoyEState *loy_pg_estate_new(MemoryContext parent, const LoyKind *kind,
                             void *obj);

/* The datum of a state (read-write pointer). */
#define LOY_PG_ESTATE_DATUM(s) EOHPGetRWDatum(&(s)->hdr)

/* What a transition/combine function returns: the read-write state in an
 * aggregate, its flat bytes when called directly. */
Datum loy_pg_estate_return(LoyEState *s, MemoryContext aggctx);

/*
 * The state argument of a transition function: the read-write expanded
 * object when it is ours, else (a flat value, a read-only pointer) a new
 * expanded copy in aggctx (the current context when aggctx is NULL). NULL
 * when the argument is NULL.
 */
LoyEState *loy_pg_estate_arg(FunctionCallInfo fcinfo, int argno,
                             MemoryContext aggctx, const LoyKind *kind);

/*
 * Read-only access to a state datum of any form: the object of an
 * expanded state (buffers flushed), or a temporary object deserialized
 * from flat bytes and freed with the current memory context.
 */
void *loy_pg_estate_read(Datum d, const LoyKind *kind);

/*
 * Combine function body: acc (argument 0, may be NULL) += argument 1 (may
 * be NULL); returns the datum to return (or sets isnull).
 */
Datum loy_pg_estate_combine(FunctionCallInfo fcinfo, const LoyKind *kind);

/* Flat bytes of a state datum of any form, palloc'd (4-byte header). */
bytea *loy_pg_estate_flatten(Datum d, const LoyKind *kind);

/* Deserialize bytes into a handle owned by the current memory context,
 * reporting malformed bytes as invalid_binary_representation. */
void *loy_pg_deserialize_owned(const LoyKind *kind, const uint8_t *buf,
                               size_t len);

/* Register obj to be freed with the current memory context. */
void loy_pg_own(void *obj, void (*free_fn)(void *));

/* ------------------------------------------------------------------ */
/* text form (JSON) of serialized states                               */
/* ------------------------------------------------------------------ */

/* Field types of a payload schema. */
typedef enum LoyFieldType {
    LOY_F_U32, LOY_F_I32, LOY_F_U64, LOY_F_I64, LOY_F_F64
} LoyFieldType;

typedef enum LoyItemKind {
    LOY_ITEM_FIELD,  /* a named scalar */
    LOY_ITEM_ZERO,   /* a reserved scalar, always 0, not printed */
    LOY_ITEM_COUNT,  /* an element count, implied by an array's length */
    LOY_ITEM_ARRAY,  /* a named array of tuples */
    LOY_ITEM_BLOCKS  /* the rest of the payload: an array of blocks, each
                        two arrays whose shape the schema's `blocks`
                        callback derives from the items before it */
} LoyItemKind;

#define LOY_MAX_TUPLE 5

typedef struct LoyItem {
    LoyItemKind kind;
    const char *name;
    int ntypes;                       /* tuple arity (1: plain numbers) */
    LoyFieldType types[LOY_MAX_TUPLE];
    int count_slot;                   /* COUNT: its slot; ARRAY: the slot
                                         of its count, -1 = fixed_len,
                                         -2 = the rest of the payload */
    int fixed_len;
} LoyItem;

/* The shape of a LOY_ITEM_BLOCKS item. */
typedef struct LoyBlocks {
    uint64_t n;              /* blocks (UINT64_MAX: the fields are invalid) */
    uint64_t len[2];         /* elements of each array of a block */
    LoyFieldType type[2];
    const char *name[2];     /* their JSON names */
} LoyBlocks;

#define LOY_MAX_ITEMS 32

typedef struct LoySchema {
    const char *type_name;
    uint16_t kind;      /* LOYS object kind */
    uint16_t version;
    int nitems;         /* at most LOY_MAX_ITEMS */
    const LoyItem *items;
    /* LOY_ITEM_BLOCKS only: the shape from fields[i], the raw value of
     * scalar item i (fields, counts and zeros); NULL otherwise */
    void (*blocks)(const uint64_t *fields, LoyBlocks *out);
} LoySchema;

/* One SQL state type: its text schema and how its bytes are checked. */
typedef struct LoyType {
    const LoySchema *schema;
    const LoyKind *kind;  /* expanded states; NULL for flat ones */
    void (*check)(const uint8_t *buf, size_t len); /* flat ones: ereport */
} LoyType;

Datum loy_pg_type_in(FunctionCallInfo fcinfo, const LoyType *t);
Datum loy_pg_type_out(FunctionCallInfo fcinfo, const LoyType *t);
Datum loy_pg_type_recv(FunctionCallInfo fcinfo, const LoyType *t);
Datum loy_pg_type_send(FunctionCallInfo fcinfo, const LoyType *t);
Datum loy_pg_type_from_bytea(FunctionCallInfo fcinfo, const LoyType *t);

/* The entry points loyalty_<name>_{in,out,recv,send,from_bytea}. */
#define LOY_PG_TYPE_IO(name, type)                                          \
    PG_FUNCTION_INFO_V1(loyalty_##name##_in);                               \
    Datum loyalty_##name##_in(PG_FUNCTION_ARGS)                             \
    {                                                                       \
        return loy_pg_type_in(fcinfo, &(type));                             \
    }                                                                       \
    PG_FUNCTION_INFO_V1(loyalty_##name##_out);                              \
    Datum loyalty_##name##_out(PG_FUNCTION_ARGS)                            \
    {                                                                       \
        return loy_pg_type_out(fcinfo, &(type));                            \
    }                                                                       \
    PG_FUNCTION_INFO_V1(loyalty_##name##_recv);                             \
    Datum loyalty_##name##_recv(PG_FUNCTION_ARGS)                           \
    {                                                                       \
        return loy_pg_type_recv(fcinfo, &(type));                           \
    }                                                                       \
    PG_FUNCTION_INFO_V1(loyalty_##name##_send);                             \
    Datum loyalty_##name##_send(PG_FUNCTION_ARGS)                           \
    {                                                                       \
        return loy_pg_type_send(fcinfo, &(type));                           \
    }                                                                       \
    PG_FUNCTION_INFO_V1(loyalty_##name##_from_bytea);                       \
    Datum loyalty_##name##_from_bytea(PG_FUNCTION_ARGS)                     \
    {                                                                       \
        return loy_pg_type_from_bytea(fcinfo, &(type));                     \
    }

/* JSON text of serialized bytes (palloc'd). */
char *loy_pg_bytes_to_json(const LoySchema *s, const uint8_t *buf, size_t len);

/* Serialized bytes from JSON text (not validated: the library's
 * deserialize does that); palloc'd varlena. */
bytea *loy_pg_json_to_bytes(const LoySchema *s, const char *json);

/* Shortest text that reads back as the same double. */
char *loy_pg_f64_text(double v);

/* ------------------------------------------------------------------ */
/* arguments                                                           */
/* ------------------------------------------------------------------ */

/* The NPS tally of an nps_tally datum of any form (validated: a malformed
 * value is an invalid_binary_representation error). */
void loy_pg_tally_of(loy_nps_tally *t, Datum d);

/* NPS interval method from its SQL name: wald, adjusted (adjusted_wald),
 * score (tango). */
uint32_t loy_pg_nps_method(text *name, const char *what);

/* Four breaks from an int4[] (NULL array: the 0-10 scale). */
const int32_t *loy_pg_breaks(ArrayType *arr, int32_t out[4],
                             const char *what);

/* A composite result of the function's declared row type. */
Datum loy_pg_tuple(FunctionCallInfo fcinfo, const Datum *values,
                   const bool *nulls);

/* A float8[] of n values. */
Datum loy_pg_float8_array(const double *v, int n);

/* The doubles of a float8[] without NULLs (n out). */
double *loy_pg_float8_values(ArrayType *arr, int *n, const char *what,
                             const char *name);

#endif /* LOYALTY_PG_H */
