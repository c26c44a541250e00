/* SPDX-License-Identifier: MIT */
/*
 * idmap.h - customer ids (strings) to dense indices 0, 1, 2, ...
 *
 * The library works with numeric customer indices; the files carry ids like
 * "C00042". An open-addressing hash table interns each id once, keeping the
 * text in an arena so that memory grows with the number of customers, not
 * with the number of rows.
 */
#ifndef LOYCLI_IDMAP_H
#define LOYCLI_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct idmap idmap;

idmap *idmap_new(void);
void idmap_free(idmap *m);

/* Index of id (len bytes), inserting it if new. Returns 0 on success, -1 on
 * out of memory. *is_new tells whether it was inserted (may be NULL). */
int idmap_intern(idmap *m, const char *id, size_t len, uint64_t *index,
                 int *is_new);

/* Intern n ids at once (ids[i] of lens[i] bytes): the hash slots of later
 * ids are prefetched while earlier ones are looked up, which hides most
 * cache misses of a large table. Returns 0, or -1 on out of memory. */
int idmap_intern_batch(idmap *m, const char *const *ids, const size_t *lens,
                       size_t n, uint64_t *index);

/* Index of id if present: 0 and *index, or -1. */
int idmap_find(const idmap *m, const char *id, size_t len, uint64_t *index);

/* Number of ids and the text of id number i. */
uint64_t idmap_count(const idmap *m);
const char *idmap_name(const idmap *m, uint64_t index);

#endif
