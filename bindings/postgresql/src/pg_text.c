/* SPDX-License-Identifier: MIT */
/*
 * pg_text.c - the readable text form of the state types: JSON whose
 * fields are the payload fields of the library's serialize format, driven
 * by a small schema per type.
 *
 * Output reads the bytes field by field; input writes bytes from the JSON
 * and leaves every check to the library's deserialize, so text and binary
 * input accept exactly the same values. Doubles are printed shortest-exact
 * (they read back bit for bit), integers in full; element counts are not
 * printed but implied by the arrays' lengths.
 */
#include "loyalty_pg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#define MAX_SLOTS 4

static const int type_size[] = {4, 4, 8, 8, 8};

/* ------------------------------------------------------------------ */
/* little-endian fields                                                */
/* ------------------------------------------------------------------ */

static uint64_t
get_le(const uint8_t *p, int size)
{
    uint64_t v = 0;
    int i;
    for (i = size - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void
put_le(StringInfo b, uint64_t v, int size)
{
    int i;
    for (i = 0; i < size; i++)
        appendStringInfoChar(b, (char) (uint8_t) (v >> (8 * i)));
}

char *
loy_pg_f64_text(double v)
{
    char *buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);
    double_to_shortest_decimal_buf(v, buf);
    return buf;
}

static void
append_value(StringInfo out, LoyFieldType t, uint64_t raw)
{
    double d;
    switch (t) {
    case LOY_F_U32:
    case LOY_F_U64:
        appendStringInfo(out, UINT64_FORMAT, raw);
        break;
    case LOY_F_I32:
        appendStringInfo(out, "%d", (int32) (uint32) raw);
        break;
    case LOY_F_I64:
        appendStringInfo(out, INT64_FORMAT, (int64) raw);
        break;
    case LOY_F_F64:
        memcpy(&d, &raw, sizeof d);
        if (isnan(d) || isinf(d))
            appendStringInfoString(out, "null"); /* never in a valid state */
        else
            appendStringInfoString(out, loy_pg_f64_text(d));
        break;
    }
}

/* ------------------------------------------------------------------ */
/* bytes -> JSON                                                       */
/* ------------------------------------------------------------------ */

static void
malformed(const LoySchema *s)
{
    loy_pg_error(LOY_EFORMAT, s->type_name, "malformed %s value",
                 s->type_name);
}

/* n values of type t from buf + *pos, as a JSON array. */
static void
append_values(StringInfo out, const uint8_t *buf, size_t *pos, uint64_t n,
              LoyFieldType t)
{
    uint64_t k;
    appendStringInfoChar(out, '[');
    for (k = 0; k < n; k++) {
        appendStringInfoString(out, k ? ", " : "");
        append_value(out, t, get_le(buf + *pos, type_size[t]));
        *pos += (size_t) type_size[t];
    }
    appendStringInfoChar(out, ']');
}

/* The blocks of a LOY_ITEM_BLOCKS item, which end the payload. */
static void
append_blocks(StringInfo out, const LoySchema *s, const LoyItem *it,
              const uint64_t *fields, const uint8_t *buf, size_t *pos,
              size_t len)
{
    LoyBlocks b;
    uint64_t k, rest = (uint64_t) (len - *pos), block;
    s->blocks(fields, &b);
    if (b.n == PG_UINT64_MAX || b.len[0] > rest / 8 || b.len[1] > rest / 8)
        malformed(s);
    block = (uint64_t) type_size[b.type[0]] * b.len[0]
            + (uint64_t) type_size[b.type[1]] * b.len[1];
    if (block == 0 || b.n != rest / block || rest % block != 0)
        malformed(s);
    appendStringInfo(out, ", \"%s\": [", it->name);
    for (k = 0; k < b.n; k++) {
        appendStringInfo(out, "%s{\"%s\": ", k ? ", " : "", b.name[0]);
        append_values(out, buf, pos, b.len[0], b.type[0]);
        appendStringInfo(out, ", \"%s\": ", b.name[1]);
        append_values(out, buf, pos, b.len[1], b.type[1]);
        appendStringInfoChar(out, '}');
    }
    appendStringInfoChar(out, ']');
}

char *
loy_pg_bytes_to_json(const LoySchema *s, const uint8_t *buf, size_t len)
{
    StringInfoData out;
    uint64_t counts[MAX_SLOTS] = {0, 0, 0, 0};
    uint64_t fields[LOY_MAX_ITEMS];
    size_t pos = 16;
    int i, j;
    Assert(s->nitems <= LOY_MAX_ITEMS);
    if (len < 16 || get_le(buf + 4, 2) != s->kind)
        malformed(s);
    initStringInfo(&out);
    appendStringInfo(&out, "{\"version\": %u", (unsigned) get_le(buf + 6, 2));
    for (i = 0; i < s->nitems; i++) {
        const LoyItem *it = &s->items[i];
        uint64_t n, k, tuple = 0;
        if (it->kind == LOY_ITEM_BLOCKS) {
            append_blocks(&out, s, it, fields, buf, &pos, len);
            continue;
        }
        if (it->kind != LOY_ITEM_ARRAY) {
            int sz = type_size[it->types[0]];
            uint64_t v;
            if (pos + sz > len)
                malformed(s);
            v = get_le(buf + pos, sz);
            pos += sz;
            fields[i] = v;
            if (it->kind == LOY_ITEM_COUNT)
                counts[it->count_slot] = v;
            if (it->kind == LOY_ITEM_FIELD) {
                appendStringInfo(&out, ", \"%s\": ", it->name);
                append_value(&out, it->types[0], v);
            }
            continue;
        }
        for (j = 0; j < it->ntypes; j++)
            tuple += type_size[it->types[j]];
        if (it->count_slot >= 0)
            n = counts[it->count_slot];
        else if (it->count_slot == -1)
            n = (uint64_t) it->fixed_len;
        else
            n = (len - pos) / tuple;
        if (n > (len - pos) / tuple)
            malformed(s);
        appendStringInfo(&out, ", \"%s\": [", it->name);
        for (k = 0; k < n; k++) {
            appendStringInfoString(&out, k ? ", " : "");
            if (it->ntypes > 1)
                appendStringInfoChar(&out, '[');
            for (j = 0; j < it->ntypes; j++) {
                int sz = type_size[it->types[j]];
                if (j)
                    appendStringInfoString(&out, ", ");
                append_value(&out, it->types[j], get_le(buf + pos, sz));
                pos += sz;
            }
            if (it->ntypes > 1)
                appendStringInfoChar(&out, ']');
        }
        appendStringInfoChar(&out, ']');
    }
    if (pos != len)
        malformed(s);
    appendStringInfoChar(&out, '}');
    return out.data;
}

/* ------------------------------------------------------------------ */
/* JSON -> bytes                                                       */
/* ------------------------------------------------------------------ */

pg_attribute_noreturn() static void
bad_text(const LoySchema *s, const char *json, const char *why)
{
    ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                    errmsg("invalid input syntax for type %s: \"%s\"",
                           s->type_name, json),
                    errdetail("%s", why)));
}

/* A JSON number as the raw 64 bits of a field of type t. */
static uint64_t
number_bits(const LoySchema *s, const char *json, const JsonbValue *v,
            LoyFieldType t, const char *name)
{
    char *str, *end;
    uint64_t u = 0;
    if (v == NULL || v->type != jbvNumeric)
        bad_text(s, json, psprintf("\"%s\" must be a number", name));
    str = DatumGetCString(DirectFunctionCall1(numeric_out,
                                              NumericGetDatum(v->val.numeric)));
    errno = 0;
    if (t == LOY_F_F64) {
        double d = strtod(str, &end);
        if (*end != '\0' || errno == ERANGE)
            bad_text(s, json, psprintf("\"%s\" is not a double", name));
        memcpy(&u, &d, sizeof d);
        return u;
    }
    if (t == LOY_F_U32 || t == LOY_F_U64) {
        unsigned long long x = strtoull(str, &end, 10);
        if (*end != '\0' || errno == ERANGE || str[0] == '-'
            || (t == LOY_F_U32 && x > PG_UINT32_MAX))
            bad_text(s, json, psprintf("\"%s\" is not a count", name));
        return (uint64_t) x;
    } else {
        long long x = strtoll(str, &end, 10);
        if (*end != '\0' || errno == ERANGE
            || (t == LOY_F_I32 && (x < PG_INT32_MIN || x > PG_INT32_MAX)))
            bad_text(s, json, psprintf("\"%s\" is not an integer", name));
        return (uint64_t) x;
    }
}

static JsonbValue *
member(Jsonb *jb, const char *name)
{
    return getKeyJsonValueFromContainer(&jb->root, name, strlen(name), NULL);
}

/* Element i of an array value, or NULL. */
static JsonbValue *
element(const JsonbValue *arr, uint32 i)
{
    if (arr == NULL || arr->type != jbvBinary
        || !JsonContainerIsArray(arr->val.binary.data))
        return NULL;
    return getIthJsonbValueFromContainer(arr->val.binary.data, i);
}

static uint32
array_len(const LoySchema *s, const char *json, const JsonbValue *arr,
          const char *name)
{
    if (arr == NULL || arr->type != jbvBinary
        || !JsonContainerIsArray(arr->val.binary.data))
        bad_text(s, json, psprintf("\"%s\" must be an array", name));
    return JsonContainerSize(arr->val.binary.data);
}

/* The numbers of JSON array arr as values of type t. */
static void
write_values(StringInfo b, const LoySchema *s, const char *json,
             const JsonbValue *arr, LoyFieldType t, const char *name)
{
    uint32 k, n = array_len(s, json, arr, name);
    for (k = 0; k < n; k++)
        put_le(b, number_bits(s, json, element(arr, k), t, name),
               type_size[t]);
}

/* A LOY_ITEM_BLOCKS item: an array of objects holding the two arrays. */
static void
write_blocks(StringInfo b, const LoySchema *s, const char *json,
             const LoyItem *it, const JsonbValue *arr, const uint64_t *fields)
{
    LoyBlocks shape;
    uint32 k, n = array_len(s, json, arr, it->name);
    s->blocks(fields, &shape);
    if (shape.n == PG_UINT64_MAX)
        bad_text(s, json, "the fields before the blocks are invalid");
    for (k = 0; k < n; k++) {
        JsonbValue *e = element(arr, k);
        int a;
        if (e == NULL || e->type != jbvBinary
            || !JsonContainerIsObject(e->val.binary.data))
            bad_text(s, json, psprintf("elements of \"%s\" must be objects",
                                       it->name));
        for (a = 0; a < 2; a++)
            write_values(b, s, json,
                         getKeyJsonValueFromContainer(e->val.binary.data,
                                                      shape.name[a],
                                                      strlen(shape.name[a]),
                                                      NULL),
                         shape.type[a], shape.name[a]);
    }
}

static void
write_array(StringInfo b, const LoySchema *s, const char *json,
            const LoyItem *it, const JsonbValue *arr, uint32 n)
{
    uint32 k;
    int j;
    for (k = 0; k < n; k++) {
        JsonbValue *e = element(arr, k);
        for (j = 0; j < it->ntypes; j++) {
            JsonbValue *x = it->ntypes > 1 ? element(e, (uint32) j) : e;
            if (it->ntypes > 1 && e != NULL
                && array_len(s, json, e, it->name) != (uint32) it->ntypes)
                bad_text(s, json, psprintf("elements of \"%s\" have %d numbers",
                                           it->name, it->ntypes));
            put_le(b, number_bits(s, json, x, it->types[j], it->name),
                   type_size[it->types[j]]);
        }
    }
}

bytea *
loy_pg_json_to_bytes(const LoySchema *s, const char *json)
{
    Jsonb *jb;
    StringInfoData b;
    uint32 counts[MAX_SLOTS] = {0, 0, 0, 0};
    uint64_t fields[LOY_MAX_ITEMS];
    bytea *out;
    int i;
    uint64_t payload;
    JsonbValue *ver;
    jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
    if (!JB_ROOT_IS_OBJECT(jb))
        bad_text(s, json, "a JSON object is expected");
    ver = member(jb, "version");
    /* array lengths first: counts precede their arrays in the bytes */
    for (i = 0; i < s->nitems; i++) {
        const LoyItem *it = &s->items[i];
        if (it->kind == LOY_ITEM_ARRAY && it->count_slot >= 0)
            counts[it->count_slot] =
                array_len(s, json, member(jb, it->name), it->name);
    }
    initStringInfo(&b);
    appendBinaryStringInfo(&b, "LOYS", 4);
    put_le(&b, s->kind, 2);
    put_le(&b, ver != NULL ? number_bits(s, json, ver, LOY_F_U32, "version")
                           : s->version, 2);
    put_le(&b, 0, 8); /* payload length, patched below */
    for (i = 0; i < s->nitems; i++) {
        const LoyItem *it = &s->items[i];
        int sz = type_size[it->types[0]];
        JsonbValue *v;
        switch (it->kind) {
        case LOY_ITEM_ZERO:
            fields[i] = 0;
            put_le(&b, 0, sz);
            break;
        case LOY_ITEM_COUNT:
            fields[i] = counts[it->count_slot];
            put_le(&b, counts[it->count_slot], sz);
            break;
        case LOY_ITEM_FIELD:
            v = member(jb, it->name);
            if (v == NULL)
                bad_text(s, json, psprintf("\"%s\" is missing", it->name));
            fields[i] = number_bits(s, json, v, it->types[0], it->name);
            put_le(&b, fields[i], sz);
            break;
        case LOY_ITEM_BLOCKS:
            write_blocks(&b, s, json, it, member(jb, it->name), fields);
            break;
        case LOY_ITEM_ARRAY:
            v = member(jb, it->name);
            if (it->count_slot == -1
                && array_len(s, json, v, it->name) != (uint32) it->fixed_len)
                bad_text(s, json, psprintf("\"%s\" must have %d elements",
                                           it->name, it->fixed_len));
            write_array(&b, s, json, it, v, array_len(s, json, v, it->name));
            break;
        }
    }
    payload = (uint64_t) b.len - 16;
    for (i = 0; i < 8; i++)
        b.data[8 + i] = (char) (uint8_t) (payload >> (8 * i));
    out = loy_pg_flat_new(CurrentMemoryContext, (size_t) b.len);
    memcpy(VARDATA(out), b.data, b.len);
    pfree(b.data);
    return out;
}
