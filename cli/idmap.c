/* SPDX-License-Identifier: MIT */
/*
 * idmap.c - string interning with open addressing (see idmap.h).
 */
#define _DEFAULT_SOURCE 1   /* madvise(MADV_HUGEPAGE) where available */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK ((size_t)1 << 16)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    char data[];
} arena_block;

/* A slot holds the first 8 bytes of its id, so ids of up to 8 bytes (the
 * common case) are matched without touching the key array: one cache line
 * per lookup, which the batch prefetches. idx1 = index + 1, 0 = empty;
 * tag = 16 bits of the hash. */
typedef struct slot {
    uint64_t head8;
    uint32_t idx1;
    uint16_t len16;     /* min(len, 65535) */
    uint16_t tag;
} slot;

typedef struct key_rec {
    const char *name;   /* full text (arena) */
    uint64_t len;
} key_rec;

struct idmap {
    slot *slots;
    size_t nslots;
    key_rec *keys;      /* by index */
    uint64_t count, keys_cap;
    arena_block *arena;
    uint64_t last;      /* index found by the previous lookup + 1 */
};

static uint64_t
hash_bytes(const char *s, size_t len)
{
    /* FNV-1a, then a final mix so that similar ids spread. */
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

static char *
arena_copy(idmap *m, const char *s, size_t len)
{
    arena_block *b = m->arena;
    char *p;
    if (b == NULL || b->size - b->used < len + 1) {
        size_t size = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->next = m->arena;
        b->used = 0;
        b->size = size;
        m->arena = b;
    }
    p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

/* Zeroed table memory; large tables ask for huge pages, because random
 * probes into many megabytes otherwise pay a TLB miss each. */
static void *
table_alloc(size_t bytes)
{
    void *p = NULL;
    if (bytes < ((size_t)2 << 20))
        return calloc(1, bytes);
    if (posix_memalign(&p, (size_t)2 << 20, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

static uint64_t
head_of(const char *id, size_t len)
{
    uint64_t h = 0;
    memcpy(&h, id, len < 8 ? len : 8);
    return h;
}

idmap *
idmap_new(void)
{
    idmap *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->nslots = 1024;
    m->slots = table_alloc(m->nslots * sizeof *m->slots);
    if (m->slots == NULL) {
        idmap_free(m);
        return NULL;
    }
    return m;
}

void
idmap_free(idmap *m)
{
    arena_block *b, *next;
    if (m == NULL)
        return;
    for (b = m->arena; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(m->slots);
    free(m->keys);
    free(m);
}

static int
slot_match(const idmap *m, const slot *sl, const char *id, size_t len,
           uint64_t head, uint16_t tag)
{
    const key_rec *k;
    if (sl->tag != tag || sl->head8 != head
        || sl->len16 != (uint16_t)(len < 65535 ? len : 65535))
        return 0;
    if (len <= 8)
        return 1;
    k = &m->keys[sl->idx1 - 1];
    return k->len == len && memcmp(k->name, id, len) == 0;
}

/* Slot holding id, or the empty slot where it would go. */
static size_t
probe(const idmap *m, const char *id, size_t len, uint64_t h)
{
    size_t mask = m->nslots - 1, i = (size_t)h & mask;
    uint64_t head = head_of(id, len);
    uint16_t tag = (uint16_t)(h >> 48);
    for (;; i = (i + 1) & mask) {
        const slot *sl = &m->slots[i];
        if (sl->idx1 == 0 || slot_match(m, sl, id, len, head, tag))
            return i;
    }
}

static int
grow(idmap *m)
{
    size_t n = m->nslots * 2, i, mask = n - 1;
    slot *slots = table_alloc(n * sizeof *slots);
    if (slots == NULL)
        return -1;
    for (i = 0; i < m->nslots; i++) {
        const key_rec *k;
        size_t j;
        if (m->slots[i].idx1 == 0)
            continue;
        k = &m->keys[m->slots[i].idx1 - 1];
        for (j = (size_t)hash_bytes(k->name, (size_t)k->len) & mask;
             slots[j].idx1 != 0; j = (j + 1) & mask)
            ;
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = n;
    return 0;
}

static int
append_key(idmap *m, const char *name, size_t len)
{
    key_rec *k;
    if (m->count == m->keys_cap) {
        uint64_t nc = m->keys_cap ? 2 * m->keys_cap : 1024;
        key_rec *nk = realloc(m->keys, (size_t)nc * sizeof *nk);
        if (nk == NULL)
            return -1;
        m->keys = nk;
        m->keys_cap = nc;
    }
    k = &m->keys[m->count++];
    k->name = name;
    k->len = len;
    return 0;
}

static int
intern_hashed(idmap *m, const char *id, size_t len, uint64_t h,
              uint64_t *index, int *is_new)
{
    size_t i = probe(m, id, len, h);
    slot *sl = &m->slots[i];
    char *copy;
    if (is_new != NULL)
        *is_new = sl->idx1 == 0;
    if (sl->idx1 != 0) {
        *index = sl->idx1 - 1;
        m->last = *index + 1;
        return 0;
    }
    if (m->count >= UINT32_MAX - 1 || (copy = arena_copy(m, id, len)) == NULL
        || append_key(m, copy, len) != 0)
        return -1;
    sl->head8 = head_of(id, len);
    sl->idx1 = (uint32_t)m->count;
    sl->len16 = (uint16_t)(len < 65535 ? len : 65535);
    sl->tag = (uint16_t)(h >> 48);
    *index = m->count - 1;
    m->last = m->count;
    if (2 * m->count > m->nslots)
        return grow(m);
    return 0;
}

int
idmap_intern(idmap *m, const char *id, size_t len, uint64_t *index,
             int *is_new)
{
    /* Logs often list a customer's rows together: check the last id. */
    if (m->last != 0 && m->keys[m->last - 1].len == len
        && memcmp(m->keys[m->last - 1].name, id, len) == 0) {
        *index = m->last - 1;
        if (is_new != NULL)
            *is_new = 0;
        return 0;
    }
    return intern_hashed(m, id, len, hash_bytes(id, len), index, is_new);
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

#define AHEAD 16          /* rows between prefetch and lookup */

int
idmap_intern_batch(idmap *m, const char *const *ids, const size_t *lens,
                   size_t n, uint64_t *index)
{
    uint64_t hashes[AHEAD];
    size_t i;
    /* Row i is hashed and its slot prefetched; row i - AHEAD, whose slot
     * has arrived by then, is looked up. Ring entry i % AHEAD is reused
     * only after row i - AHEAD is done. */
    for (i = 0; i < n + AHEAD; i++) {
        if (i >= AHEAD) {
            size_t j = i - AHEAD;
            if (intern_hashed(m, ids[j], lens[j], hashes[j % AHEAD], &index[j],
                              NULL) != 0)
                return -1;
        }
        if (i < n) {
            uint64_t h = hash_bytes(ids[i], lens[i]);
            hashes[i % AHEAD] = h;
            PREFETCH(&m->slots[(size_t)h & (m->nslots - 1)]);
        }
    }
    return 0;
}

int
idmap_find(const idmap *m, const char *id, size_t len, uint64_t *index)
{
    size_t i = probe(m, id, len, hash_bytes(id, len));
    if (m->slots[i].idx1 == 0)
        return -1;
    *index = m->slots[i].idx1 - 1;
    return 0;
}

uint64_t
idmap_count(const idmap *m)
{
    return m->count;
}

const char *
idmap_name(const idmap *m, uint64_t index)
{
    return index < m->count ? m->keys[index].name : "";
}
