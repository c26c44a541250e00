/* SPDX-License-Identifier: MIT */
/*
 * pg_types.c - the five I/O functions every state type has (text in and
 * out, binary receive and send, the checked cast from bytea), written once
 * for all of them (loyalty_pg.h, LOY_PG_TYPE_IO).
 *
 * Binary forms are the serialized bytes themselves; every way in (text,
 * binary, bytea) ends in the library's own check of those bytes.
 */
#include "loyalty_pg.h"

#include "libpq/pqformat.h"

static void
check_bytes(const LoyType *t, bytea *b)
{
    const uint8_t *p = (const uint8_t *) VARDATA(b);
    size_t len = VARSIZE(b) - VARHDRSZ;
    if (t->kind != NULL)
        (void) loy_pg_deserialize_owned(t->kind, p, len);
    else
        t->check(p, len);
}

/* The flat bytes of a datum of the type (expanded or not), palloc'd. */
static bytea *
flat_of(const LoyType *t, Datum d)
{
    struct varlena *v;
    bytea *out;
    if (t->kind != NULL)
        return loy_pg_estate_flatten(d, t->kind);
    v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
    out = loy_pg_flat_new(CurrentMemoryContext, VARSIZE_ANY_EXHDR(v));
    memcpy(VARDATA(out), VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
    return out;
}

Datum
loy_pg_type_in(FunctionCallInfo fcinfo, const LoyType *t)
{
    bytea *b = loy_pg_json_to_bytes(t->schema, PG_GETARG_CSTRING(0));
    check_bytes(t, b);
    PG_RETURN_BYTEA_P(b);
}

Datum
loy_pg_type_out(FunctionCallInfo fcinfo, const LoyType *t)
{
    bytea *b = flat_of(t, PG_GETARG_DATUM(0));
    PG_RETURN_CSTRING(loy_pg_bytes_to_json(t->schema, (uint8_t *) VARDATA(b),
                                           VARSIZE(b) - VARHDRSZ));
}

Datum
loy_pg_type_recv(FunctionCallInfo fcinfo, const LoyType *t)
{
    StringInfo buf = (StringInfo) PG_GETARG_POINTER(0);
    int len = buf->len - buf->cursor;
    bytea *b = loy_pg_flat_new(CurrentMemoryContext, (size_t) len);
    pq_copymsgbytes(buf, VARDATA(b), len);
    check_bytes(t, b);
    PG_RETURN_BYTEA_P(b);
}

Datum
loy_pg_type_send(FunctionCallInfo fcinfo, const LoyType *t)
{
    PG_RETURN_BYTEA_P(flat_of(t, PG_GETARG_DATUM(0)));
}

Datum
loy_pg_type_from_bytea(FunctionCallInfo fcinfo, const LoyType *t)
{
    bytea *b = flat_of(t, PG_GETARG_DATUM(0));
    check_bytes(t, b);
    PG_RETURN_BYTEA_P(b);
}
