/* SPDX-License-Identifier: MIT */
/*
 * ddb_internal.h - helpers shared by the DuckDB function files: types,
 * BLOB and struct vectors, errors, registration.
 */
#ifndef LOYALTY_DDB_INTERNAL_H
#define LOYALTY_DDB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <duckdb.h>
#include <loyalty.h>

/* ---- types ---- */
duckdb_logical_type ddb_type(duckdb_type t);
duckdb_logical_type ddb_list_of(duckdb_type t);

/* A STRUCT type from n (name, type) pairs (types are taken over). */
duckdb_logical_type ddb_struct(idx_t n, const char *const *names,
                               duckdb_logical_type *types);

/* ---- vectors ---- */
static inline int
ddb_valid(const uint64_t *validity, idx_t row)
{
    return validity == NULL || ((validity[row / 64] >> (row % 64)) & 1u);
}

void ddb_set_null(duckdb_vector v, idx_t row);
void ddb_set_blob(duckdb_vector v, idx_t row, const uint8_t *buf, size_t len);
/* The bytes of a BLOB/VARCHAR element (not owned). */
const uint8_t *ddb_blob(duckdb_string_t *s, size_t *len);

/* Struct result rows: child vectors of a STRUCT result. */
duckdb_vector ddb_child(duckdb_vector v, idx_t k);
void ddb_put_f64(duckdb_vector v, idx_t k, idx_t row, double x);
void ddb_put_i64(duckdb_vector v, idx_t k, idx_t row, int64_t x);
void ddb_put_i32(duckdb_vector v, idx_t k, idx_t row, int32_t x);
void ddb_put_bool(duckdb_vector v, idx_t k, idx_t row, int x);
void ddb_put_str(duckdb_vector v, idx_t k, idx_t row, const char *s);
/* A DOUBLE[] element of child k of a struct vector (or of v itself when
 * k is (idx_t)-1). */
void ddb_put_list_f64(duckdb_vector v, idx_t k, idx_t row, const double *x,
                      idx_t n);

/* ---- errors ---- */
/* "<what>: <detail> (<LOY_ENAME>)" into buf. */
void ddb_msg(char *buf, size_t len, int rc, const char *what,
             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
void ddb_agg_error(duckdb_function_info info, int rc, const char *what,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void ddb_scalar_error(duckdb_function_info info, int rc, const char *what,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ---- grouping ---- */
/*
 * The states of one update call as dense local groups: groups[i] is the
 * local index of states[i]; group_state[g] the state of group g. Uses the
 * `stamp`/`local` scratch fields that every state struct starts with
 * (each thread updates its own states, so scratch writes do not race).
 */
typedef struct DdbScratch {
    uint64_t stamp;
    uint32_t local;
    uint32_t pad;
} DdbScratch;

uint64_t ddb_next_stamp(void);

typedef struct DdbGroups {
    idx_t n_groups, n_rows;
    void **state;        /* state of group g */
    const uint32_t *start; /* rows of group g: row[start[g] .. start[g+1]) */
    const uint32_t *row;   /* row indices, by group */
} DdbGroups;

/* Group the rows of an update call that are not NULL in the inputs of
 * the `required` bit mask (bit k: input k), in thread-local buffers valid
 * until the next call. -1 for a vector of more than 4096 rows. */
int ddb_group(DdbGroups *g, duckdb_aggregate_state *states,
              duckdb_data_chunk in, uint32_t required);

/* ---- states holding a library handle ---- */
typedef struct DdbKind {
    const char *name; /* for messages */
    int (*serialize)(uint8_t *buf, size_t cap, size_t *len, const void *obj);
    int (*deserialize)(void **out, const uint8_t *buf, size_t len);
    int (*merge)(void *acc, const void *add);
    void (*free)(void *obj);
} DdbKind;

/* Every such state starts with this; `kind` comes from the aggregate's
 * extra info at init, so destroy, combine, roll-up and the BLOB final
 * function are written once. */
typedef struct DdbHState {
    DdbScratch s;
    void *h;
    const DdbKind *kind;
} DdbHState;

void ddb_h_init(duckdb_function_info info, duckdb_aggregate_state state);
void ddb_h_destroy(duckdb_aggregate_state *states, idx_t count);
void ddb_h_combine(duckdb_function_info info, duckdb_aggregate_state *src,
                   duckdb_aggregate_state *dst, idx_t count);
void ddb_h_update_blob(duckdb_function_info info, duckdb_data_chunk in,
                       duckdb_aggregate_state *states);
void ddb_h_final_blob(duckdb_function_info info, duckdb_aggregate_state *src,
                      duckdb_vector out, idx_t count, idx_t offset);
/* dst += add (a copy of add when dst is empty); 0 or -1 (error set) */
int ddb_h_merge(duckdb_function_info info, DdbHState *dst, const void *add);

/* ---- registration ---- */
typedef struct DdbAgg {
    const char *name;
    int nparams;
    duckdb_type params[8];      /* DUCKDB_TYPE_LIST means DOUBLE[] */
    duckdb_logical_type ret;    /* taken over */
    idx_t state_size;
    duckdb_aggregate_init_t init;
    duckdb_aggregate_update_t update;
    duckdb_aggregate_combine_t combine;
    duckdb_aggregate_finalize_t finalize;
    duckdb_aggregate_destroy_t destroy;
    const DdbKind *kind; /* handle states: passed to init as extra info */
} DdbAgg;

int ddb_register_agg(duckdb_connection con, const DdbAgg *a, char *err,
                     size_t err_len);

typedef struct DdbScalar {
    const char *name;
    int nparams;
    duckdb_logical_type params[8]; /* taken over */
    duckdb_logical_type ret;       /* taken over */
    duckdb_scalar_function_t fn;
} DdbScalar;

int ddb_register_scalar(duckdb_connection con, const DdbScalar *s, char *err,
                        size_t err_len);

/* Both NULL-name-terminated tables (overload sets: consecutive entries of
 * one name); 0 or -1 with the message in err. */
int ddb_register_all(duckdb_connection con, const DdbAgg *aggs,
                     const DdbScalar *fns, char *err, size_t err_len);

/* per-file registration */
int ddb_register_nps(duckdb_connection con, char *err, size_t err_len);
int ddb_register_lifetime(duckdb_connection con, char *err, size_t err_len);
int ddb_register_segment(duckdb_connection con, char *err, size_t err_len);
int ddb_register_drivers(duckdb_connection con, char *err, size_t err_len);
int ddb_register_consistency(duckdb_connection con, char *err,
                             size_t err_len);

/* the interval method from its SQL name; -1 if unknown */
int ddb_method(const char *s, size_t len);

#endif
