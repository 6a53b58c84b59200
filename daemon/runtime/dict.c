/*
 * dict.c: CPython 3.11's dict (Objects/dictobject.c): combined tables, and
 * the split dicts an instance's __dict__ becomes (see split_t), with its
 * exact sizes, growth, free lists and GC tracking.
 *
 * One algorithm, one file (about 1,600 lines, as dictobject.c is one file): the
 * lookup, insertion, resize, merge and split-dict code all work on the
 * private table layout below (keys_t, its index widths, the free lists,
 * split_t) through static helpers; a second file would need that layout and
 * those helpers published in a header only to shorten this one.
 *
 * Layout. A dict is a 64-byte block (16 GC header + 48 PyDictObject: header,
 * ma_used, ma_version_tag, ma_keys, ma_values). Its table is a separate
 * block, PyDictKeysObject:
 *
 *     header 32: dk_refcnt 8, dk_log2_size 1, dk_log2_index_bytes 1,
 *                dk_kind 1, pad 1, dk_version 4, dk_usable 8, dk_nentries 8
 *     indices:   2**log2_size slots of 1, 2, 4 or 8 signed bytes (by size),
 *                each an entry index, DKIX_EMPTY (-1) or DKIX_DUMMY (-2)
 *     entries:   USABLE_FRACTION(size) = size * 2 / 3 of them, in insertion
 *                order: (key, value) = 16 bytes in a unicode table (all keys
 *                exact str; the hash is read from the str), (hash, key,
 *                value) = 24 bytes in a general one.
 *
 * The empty dict points at the heap's shared empty keys (Py_EMPTY_KEYS:
 * static memory, log2 size 0, usable 0), so getsizeof({}) = 64. The first
 * insertion makes an 8-slot table (unicode if the key is a str).
 *
 * Invariants: used <= nentries <= USABLE_FRACTION(size); usable =
 * USABLE_FRACTION(size) - nentries; a deleted entry has key and value NULL
 * and its index slot holds DKIX_DUMMY (tables never shrink on deletion);
 * a unicode table holds only exact str keys whose hash is cached; tables
 * are never shared between dicts (a split dict's private table stands for
 * the class's shared keys; the shared empty keys is never freed).
 *
 * Growth (insertion_resize): when an insertion finds dk_usable exhausted,
 * the table is rebuilt compactly at calculate_log2_keysize(used * 3), which
 * may also shrink it after many deletions. Inserting a non-str key into a
 * unicode table first converts it with the same resize (3.11's insertdict
 * calls insertion_resize(mp, 0)). Presizing: BUILD_MAP uses
 * estimate_log2_keysize(n) (dict_new_presized); dict.update presizes when
 * the other dict would not fit (dict_merge).
 *
 * Free lists (3.11): 80 dict objects and 80 keys blocks of 8 slots with
 * unicode kind. A dict taken from the free list does not go through
 * hd__obj_alloc, so the gen-0 count does not move; one put on it does not
 * decrement the count either (hd__obj_retire / hd__obj_revive).
 *
 * GC tracking (MAINTAIN_TRACKING): a dict is created untracked and becomes
 * tracked when a key or value that may be tracked (any GC object except a
 * tuple that is currently untracked) is stored; it is never untracked here:
 * full collections ask hd__dict_contents_untracked.
 *
 * Atomicity: every mutator allocates what it needs before it changes the
 * dict, so HD_ENOMEM and HD_ELIMIT leave it as it was. A single insertion
 * needs at most one new table. dict.update plans the whole merge first (it
 * only reads), allocates every table the merge will need, then runs it; the
 * values it replaces are released at the end, in CPython's order, so no
 * finalizer can re-enter the dict half-way. A replaced value of a single
 * setitem is released right after the new one is stored, as in CPython.
 *
 * The file is long because it is one algorithm (3.11's dictobject.c) in
 * sections: the keys table, allocation, lookup and resize, insertion and
 * deletion, the public API, merging (update, copy, BUILD_MAP), and the type
 * table functions.
 */
#include "heap_int.h"

#include "script/persist.h"

#include "strbuf.h"

#define DK_GENERAL         0
#define DK_UNICODE         1
#define DKIX_EMPTY         (-1)
#define DKIX_DUMMY         (-2)
#define LOG_MINSIZE        3
#define MINSIZE            8
#define PERTURB_SHIFT      5
#define LOG2_MAX_PRESIZE   17
#define LOG2_MAX           40 /* refuse larger tables: HD_ENOMEM */
#define DICT_BLOCK         (sizeof(hd_gc_t) + sizeof(hd_dict_obj_t))
#define KEYS_HEADER        32
#define USABLE_FRACTION(n) (((n) << 1) / 3)
#define STACK_GUIDELINE    30 /* the compiler's STACK_USE_GUIDELINE */
#define RESERVE_MAX        64
#define SMALL_BATCH        32

#define KEYS_PRIVATE     1 /* keys_t.pad: a split dict's private table */
#define SPLIT_LOG2       6 /* its size: room for the 30 shared keys */
#define VALUES_PREFIX(n) ((((n) + 2) + 7) & ~(size_t)7)

/* A split dict (ma_values != NULL: an instance's __dict__ made from its
 * values) keeps its entries in a private table of inspector memory (for
 * lookups; CPython's are the class's shared keys, which the class pays
 * for) and owns the instance's values block, which tracemalloc still sees;
 * `meta` is the class's metadata (the shared keys: dk_nentries, dk_usable),
 * of which it holds a reference. */
typedef struct hd_dict_split {
    void *block; /* owned: the values block (its contents unused) */
    hd_class_meta_t *meta;
    hd_dict_obj_t *dict;               /* the owner */
    struct hd_dict_split *prev, *next; /* h->splits (for hd_heap_free) */
} split_t;

typedef struct hd_dict_keys {
    int64_t refcnt;
    uint8_t log2_size;
    uint8_t log2_index_bytes;
    uint8_t kind; /* DK_GENERAL or DK_UNICODE */
    uint8_t pad;
    uint32_t version;
    int64_t usable;
    int64_t nentries;
    int8_t indices[]; /* then the entries */
} keys_t;

_Static_assert(sizeof(keys_t) == KEYS_HEADER, "PyDictKeysObject header is 32 bytes");
_Static_assert(sizeof(hd_dict_obj_t) == 48, "PyDictObject is 48 bytes");

typedef struct uentry {
    hd_obj_t *key;   /* owned; exact str */
    hd_obj_t *value; /* owned */
} uentry_t;

typedef struct gentry {
    int64_t hash;
    hd_obj_t *key;   /* owned */
    hd_obj_t *value; /* owned */
} gentry_t;

/* ---- the keys table ---- */

static size_t ksize(const keys_t *k)
{
    return (size_t)1 << k->log2_size;
}

static size_t entry_size(bool unicode)
{
    return unicode ? sizeof(uentry_t) : sizeof(gentry_t);
}

static void *entries(const keys_t *k)
{
    return (char *)k->indices + ((size_t)1 << k->log2_index_bytes);
}

static size_t keys_bytes(const keys_t *k)
{
    return KEYS_HEADER + ((size_t)1 << k->log2_index_bytes) +
           (size_t)USABLE_FRACTION((int64_t)ksize(k)) * entry_size(k->kind == DK_UNICODE);
}

static int64_t ix_get(const keys_t *k, size_t i)
{
    switch (k->log2_index_bytes - k->log2_size) {
    case 0:
        return k->indices[i];
    case 1:
        return ((const int16_t *)(const void *)k->indices)[i];
    case 2:
        return ((const int32_t *)(const void *)k->indices)[i];
    default:
        return ((const int64_t *)(const void *)k->indices)[i];
    }
}

static void ix_set(keys_t *k, size_t i, int64_t ix)
{
    switch (k->log2_index_bytes - k->log2_size) {
    case 0:
        k->indices[i] = (int8_t)ix;
        break;
    case 1:
        ((int16_t *)(void *)k->indices)[i] = (int16_t)ix;
        break;
    case 2:
        ((int32_t *)(void *)k->indices)[i] = (int32_t)ix;
        break;
    default:
        ((int64_t *)(void *)k->indices)[i] = ix;
    }
}

static hd_obj_t *ent_key(const keys_t *k, int64_t i)
{
    return k->kind == DK_UNICODE ? ((uentry_t *)entries(k))[i].key
                                 : ((gentry_t *)entries(k))[i].key;
}

static hd_obj_t *ent_value(const keys_t *k, int64_t i)
{
    return k->kind == DK_UNICODE ? ((uentry_t *)entries(k))[i].value
                                 : ((gentry_t *)entries(k))[i].value;
}

/* ent_hash: a unicode table reads the hash cached in the str. */
static int64_t ent_hash(const keys_t *k, int64_t i)
{
    if (k->kind == DK_UNICODE)
        return ((const hd_str_obj_t *)((uentry_t *)entries(k))[i].key)->hash;
    return ((gentry_t *)entries(k))[i].hash;
}

static void ent_set(keys_t *k, int64_t i, hd_obj_t *key, int64_t hash, hd_obj_t *value)
{
    if (k->kind == DK_UNICODE) {
        uentry_t *e = &((uentry_t *)entries(k))[i];
        e->key = key;
        e->value = value;
    } else {
        gentry_t *e = &((gentry_t *)entries(k))[i];
        e->hash = hash;
        e->key = key;
        e->value = value;
    }
}

static void ent_set_value(keys_t *k, int64_t i, hd_obj_t *value)
{
    if (k->kind == DK_UNICODE)
        ((uentry_t *)entries(k))[i].value = value;
    else
        ((gentry_t *)entries(k))[i].value = value;
}

/* calc_log2: calculate_log2_keysize, bit trick included (3 -> 16 slots). */
static uint8_t calc_log2(int64_t minsize)
{
    uint64_t m = (((uint64_t)minsize | MINSIZE) - 1) | (MINSIZE - 1);
    return (uint8_t)(64 - __builtin_clzll(m));
}

static uint8_t estimate_log2(int64_t n)
{
    return calc_log2((n * 3 + 1) / 2);
}

static uint8_t log2_index_bytes(uint8_t log2)
{
    return log2 < 8 ? log2 : log2 < 16 ? log2 + 1 : log2 < 32 ? log2 + 2 : log2 + 3;
}

static void keys_init(keys_t *k, uint8_t log2, bool unicode)
{
    int64_t usable = USABLE_FRACTION((int64_t)1 << log2);
    k->refcnt = 1;
    k->log2_size = log2;
    k->log2_index_bytes = log2_index_bytes(log2);
    k->kind = unicode ? DK_UNICODE : DK_GENERAL;
    k->pad = 0;
    k->version = 0;
    k->usable = usable;
    k->nentries = 0;
    memset(k->indices, 0xff, (size_t)1 << k->log2_index_bytes);
    memset(entries(k), 0, (size_t)usable * entry_size(unicode));
}

/* keys_new: new_keys_object: from the keys free list for 8-slot unicode
 * tables, else a new block. 0, HD_ENOMEM or HD_ELIMIT. The caller owns *out. */
static int keys_new(hd_heap_t *h, uint8_t log2, bool unicode, keys_t **out)
{
    keys_t *k;
    if (log2 >= LOG2_MAX)
        return HD_ENOMEM;
    if (log2 == LOG_MINSIZE && unicode && h->keys_nfree > 0) {
        k = h->keys_free[--h->keys_nfree];
    } else {
        size_t len = KEYS_HEADER + ((size_t)1 << log2_index_bytes(log2)) +
                     (size_t)USABLE_FRACTION((int64_t)1 << log2) * entry_size(unicode);
        int rc = hd__block_alloc(h, len, hd__type_kind(h, HD_T_DICT), (void **)&k);
        if (rc)
            return rc;
    }
    keys_init(k, log2, unicode);
    *out = k;
    return 0;
}

/* keys_free_block: the block of a table whose references are gone (moved or
 * released): onto the keys free list, or back to the pool. Takes k. */
static void keys_free_block(hd_heap_t *h, keys_t *k)
{
    if (k == h->empty_keys)
        return;
    if (k->pad == KEYS_PRIVATE) {
        hd_mem_free(h->mem, k);
        return;
    }
    if (k->log2_size == LOG_MINSIZE && k->kind == DK_UNICODE &&
        h->keys_nfree < HD_DICT_MAXFREELIST) {
        h->keys_free[h->keys_nfree++] = k;
        return;
    }
    hd__block_free(h, k);
}

/* keys_new_private: a split dict's private table (unicode, inspector
 * memory: neither the pool nor tracemalloc sees it) */
static int keys_new_private(hd_heap_t *h, keys_t **out)
{
    size_t len = KEYS_HEADER + ((size_t)1 << log2_index_bytes(SPLIT_LOG2)) +
                 (size_t)USABLE_FRACTION((int64_t)1 << SPLIT_LOG2) * entry_size(true);
    keys_t *k = hd_mem_malloc(h->mem, len);
    if (!k)
        return HD_ENOMEM;
    keys_init(k, SPLIT_LOG2, true);
    k->pad = KEYS_PRIVATE;
    *out = k;
    return 0;
}

/* split_free: the end of a split dict's values (dict_dealloc, PyDict_Clear,
 * dictresize): the values block, then the reference to the shared keys */
static void split_free(hd_heap_t *h, split_t *sp)
{
    if (!sp)
        return;
    if (sp->prev)
        sp->prev->next = sp->next;
    else
        h->splits = sp->next;
    if (sp->next)
        sp->next->prev = sp->prev;
    hd__block_free(h, sp->block);
    hd__class_meta_release(h, sp->meta);
    hd_mem_free(h->mem, sp);
}

/* shared_size: shared_keys_usable_size: dk_nentries + dk_usable */
static size_t shared_size(const hd_class_meta_t *m)
{
    return m->nkeys + (size_t)(m->usable > 0 ? m->usable : 0);
}

/* shared_index: the index of key (a str) in the class's shared keys, or -1 */
static int shared_index(const hd_class_meta_t *m, hd_obj_t *key, char *name, size_t cap)
{
    if (key->type != HD_T_STR || hd_str_utf8(key, name, cap) >= (long)cap ||
        strlen(name) != (size_t)hd_len(key))
        return -2; /* not a name the shared keys can hold */
    for (uint32_t i = 0; i < m->nkeys; i++)
        if (strcmp(m->keys[i], name) == 0)
            return (int)i;
    return -1;
}

/* shared_key: the str of a shared key, made once per class, untraced (the
 * code's interned name in CPython) */
static int shared_key(hd_heap_t *h, hd_class_meta_t *m, int ix, hd_obj_t **out)
{
    if (!m->key_objs[ix]) {
        static const int off = 0;
        const int *saved = h->tracing;
        h->tracing = &off;
        int rc = hd_str_new(h, m->keys[ix], strlen(m->keys[ix]), &m->key_objs[ix]);
        h->tracing = saved;
        if (rc)
            return rc;
    }
    *out = m->key_objs[ix];
    return 0;
}

/* split_release_values: a dying or cleared split dict's values, released
 * in the shared keys' order (3.11 walks ma_values by key index), from its
 * detached private table; keys_release then drops the rest */
static void split_release_values(hd_heap_t *h, keys_t *k, const hd_class_meta_t *m)
{
    for (uint32_t i = 0; i < m->nkeys; i++) {
        for (int64_t e = 0; m->key_objs[i] && e < k->nentries; e++) {
            hd_obj_t *v = ent_value(k, e);
            if (v && ent_key(k, e) == m->key_objs[i]) {
                ent_set_value(k, e, NULL);
                hd__decref(h, v);
                break;
            }
        }
    }
}

/* keys_release: free_keys_object: drops every key and value (key, then
 * value, in entry order), then the block. k must already be detached from
 * its dict: the drops may run finalizers. Takes k. */
static void keys_release(hd_heap_t *h, keys_t *k)
{
    if (k == h->empty_keys)
        return;
    for (int64_t i = 0; i < k->nentries; i++) {
        hd__xdecref(h, ent_key(k, i));
        hd__xdecref(h, ent_value(k, i));
    }
    keys_free_block(h, k);
}

/* ---- dict objects ---- */

/* as_dict: o as a dict, or NULL when it is not one. Borrowed. */
static hd_dict_obj_t *as_dict(hd_obj_t *o)
{
    return (o && o->type == HD_T_DICT) ? (hd_dict_obj_t *)o : NULL;
}

/* dict_init_empty: a new dict object's fields: empty, on the shared empty
 * keys */
static hd_dict_obj_t *dict_init_empty(hd_heap_t *h, hd_obj_t *o)
{
    hd_dict_obj_t *d = (hd_dict_obj_t *)o;
    d->used = 0;
    d->version = 0;
    d->keys = h->empty_keys;
    d->values = NULL;
    return d;
}

/* dict_alloc: new_dict: from the free list (no gen-0 count) or a new GC
 * block (which may run an automatic collection). Untracked, empty keys.
 * 0, HD_ELIMIT or HD_ENOMEM. New reference. */
static int dict_alloc(hd_heap_t *h, hd_dict_obj_t **out)
{
    hd_obj_t *o;
    int rc;
    if (h->dict_nfree > 0) {
        if ((rc = hd__objects_limit(h)) != 0)
            return rc;
        o = h->dict_free[--h->dict_nfree];
        hd__obj_revive(h, o, HD_T_DICT);
        memset(HD_GC(o), 0, sizeof(hd_gc_t));
    } else if ((rc = hd__obj_alloc(h, HD_T_DICT, DICT_BLOCK, sizeof(hd_gc_t), &o)) != 0) {
        return rc;
    }
    *out = dict_init_empty(h, o);
    return 0;
}

/* dict_free_object: the end of dict_dealloc: onto the free list or freed.
 * Takes the (dead) object. */
static void dict_free_object(hd_heap_t *h, hd_obj_t *o)
{
    if (h->dict_nfree < HD_DICT_MAXFREELIST) {
        hd__obj_retire(h, o);
        h->dict_free[h->dict_nfree++] = o;
        return;
    }
    hd__obj_free_block(h, o);
}

/* maintain_tracking: MAINTAIN_TRACKING: track d when key or value may be
 * tracked (hd__may_be_tracked). No references move. */
static void maintain_tracking(hd_heap_t *h, hd_dict_obj_t *d, hd_obj_t *key, hd_obj_t *value)
{
    if (!hd__gc_is_tracked(&d->h) && (hd__may_be_tracked(key) || hd__may_be_tracked(value)))
        hd__gc_track(h, &d->h);
}

/* ---- lookup and resize ---- */

/* lookup: _Py_dict_lookup: the entry index of key in k (*ix >= 0) or
 * DKIX_EMPTY. Returns 0 or an error of == (HD_ELIMIT: too deep). Reads
 * only; key borrowed. */
static int lookup(hd_heap_t *h, const keys_t *k, hd_obj_t *key, int64_t hash, int depth,
                  int64_t *ix)
{
    size_t mask = ksize(k) - 1, perturb = (size_t)hash, i = (size_t)hash & mask;
    for (;;) {
        int64_t e = ix_get(k, i);
        if (e == DKIX_EMPTY)
            break;
        if (e >= 0) {
            hd_obj_t *ek = ent_key(k, e);
            if (ek == key) {
                *ix = e;
                return 0;
            }
            if (ent_hash(k, e) == hash) {
                int cmp = hd__obj_eq_depth(h, ek, key, depth);
                if (cmp < 0)
                    return cmp;
                if (cmp) {
                    *ix = e;
                    return 0;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = mask & (i * 5 + perturb + 1);
    }
    *ix = DKIX_EMPTY;
    return 0;
}

/* find_empty_slot: the first EMPTY or DUMMY slot on hash's probe path.
 * Reads only. */
static size_t find_empty_slot(const keys_t *k, int64_t hash)
{
    size_t mask = ksize(k) - 1, perturb = (size_t)hash, i = (size_t)hash & mask;
    while (ix_get(k, i) >= 0) {
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
    return i;
}

/* build_indices: the index slots of entries [0, n) of a fresh table. */
static void build_indices(keys_t *k, int64_t n)
{
    size_t mask = ksize(k) - 1;
    for (int64_t ix = 0; ix < n; ix++) {
        int64_t hash = ent_hash(k, ix);
        size_t i = (size_t)hash & mask, perturb = (size_t)hash;
        while (ix_get(k, i) != DKIX_EMPTY) {
            perturb >>= PERTURB_SHIFT;
            i = mask & (i * 5 + perturb + 1);
        }
        ix_set(k, i, ix);
    }
}

/* resize_into: dictresize with the new table `nk` already allocated: moves
 * the live entries (compacted, converted to nk's kind) and frees the old
 * block. Never fails. Takes nk. */
static void resize_into(hd_heap_t *h, hd_dict_obj_t *d, keys_t *nk)
{
    keys_t *old = d->keys;
    int64_t n = d->used, j = 0;
    assert(nk->usable >= n);
    assert(nk->kind == DK_GENERAL || old->kind == DK_UNICODE);
    for (int64_t i = 0; i < old->nentries && j < n; i++) {
        hd_obj_t *v = ent_value(old, i);
        if (v)
            ent_set(nk, j++, ent_key(old, i), ent_hash(old, i), v);
    }
    build_indices(nk, n);
    nk->usable -= n;
    nk->nentries = n;
    d->keys = nk;
    keys_free_block(h, old);
}

/* A reserve holds the tables a merge was planned to need, in order. */
typedef struct reserve {
    keys_t *blocks[RESERVE_MAX]; /* owned until taken */
    uint8_t log2[RESERVE_MAX];
    bool unicode[RESERVE_MAX];
    int n, next;
} reserve_t;

/* reserve_plan: notes one more table the merge will need (no memory yet). */
static int reserve_plan(reserve_t *rv, uint8_t log2, bool unicode)
{
    if (rv->n == RESERVE_MAX)
        return HD_ENOMEM;
    rv->log2[rv->n] = log2;
    rv->unicode[rv->n] = unicode;
    rv->blocks[rv->n++] = NULL;
    return 0;
}

/* reserve_fill: allocates the planned tables; on failure gives back those
 * already taken (in reverse, so the keys free list is as it was). The
 * reserve owns the blocks until new_table hands them out. */
static int reserve_fill(hd_heap_t *h, reserve_t *rv)
{
    for (int i = 0; i < rv->n; i++) {
        int rc = keys_new(h, rv->log2[i], rv->unicode[i], &rv->blocks[i]);
        if (rc) {
            while (i-- > 0)
                keys_free_block(h, rv->blocks[i]);
            return rc;
        }
    }
    return 0;
}

/* new_table: the table for a resize: the next one of the reserve (which
 * the plan made exactly this one), or a new one. The caller owns *out. */
static int new_table(hd_heap_t *h, reserve_t *rv, uint8_t log2, bool unicode, keys_t **out)
{
    if (!rv)
        return keys_new(h, log2, unicode, out);
    assert(rv->next < rv->n && rv->log2[rv->next] == log2 && rv->unicode[rv->next] == unicode);
    *out = rv->blocks[rv->next];
    rv->blocks[rv->next++] = NULL;
    return 0;
}

/* ---- insertion and deletion ---- */

/* resize_need: whether inserting key (present or not) needs a new table
 * first: the unicode -> general conversion, or a full table; its log2 size
 * and kind come back in *log2 and *unicode. Reads only. */
static bool resize_need(const keys_t *k, int64_t used, const hd_obj_t *key, bool present,
                        uint8_t *log2, bool *unicode)
{
    if (k->kind == DK_UNICODE && key->type != HD_T_STR) {
        *log2 = calc_log2(used * 3);
        *unicode = false;
        return true;
    }
    if (!present && k->usable <= 0) {
        *log2 = calc_log2(used * 3);
        *unicode = k->kind == DK_UNICODE;
        return true;
    }
    return false;
}

/* insert_entry: appends a new entry; the table has room and the right kind.
 * The dict takes new references to key and value. */
/* changed: a change of d's entries moves its version, and drops the script's
 * attribute caches when it is a class's dict they read */
static inline void changed(hd_heap_t *h, hd_dict_obj_t *d)
{
    d->version++;
    if (HD_UNLIKELY(d->h.flags & HD_OF_TYPEDICT))
        sc_typedict_changed(h);
}

static void insert_entry(hd_dict_obj_t *d, hd_obj_t *key, int64_t hash, hd_obj_t *value)
{
    keys_t *k = d->keys;
    assert(k->usable > 0 && (k->kind == DK_GENERAL || key->type == HD_T_STR));
    ix_set(k, find_empty_slot(k, hash), k->nentries);
    hd__incref(key);
    hd__incref(value);
    ent_set(k, k->nentries, key, hash, value);
    d->used++;
    d->version++;
    k->usable--;
    k->nentries++;
}

/* split_insert: a new key for a split dict: a str the shared keys hold, or
 * can take while their dk_usable lasts (then they do), keeps it split;
 * anything else makes it combined first (insertion_resize: GROWTH_RATE,
 * a general table for a non-str key), freeing the values block */
static int split_insert(hd_heap_t *h, hd_dict_obj_t *d, hd_obj_t **keyp)
{
    split_t *sp = d->values;
    hd_class_meta_t *m = sp->meta;
    hd_obj_t *key = *keyp;
    char name[256];
    int six = shared_index(m, key, name, sizeof(name));
    bool add = six == -1 && m->usable > 0 && m->nkeys < HD_SHARED_KEYS_MAX;
    int rc;
    keys_t *nk;
    /* the entry's key is the shared key's str (which a split dict stores) */
    if (six >= 0 && (rc = shared_key(h, m, six, keyp)) != 0)
        return rc;
    if (six >= 0 || add) {
        if (d->keys->usable <= 0) { /* the private table is full of dummies */
            if ((rc = keys_new_private(h, &nk)) != 0)
                return rc;
            resize_into(h, d, nk);
        }
        if (add) {
            char *copy = hd_mem_malloc(h->mem, strlen(name) + 1);
            if (!copy)
                return HD_ENOMEM;
            strcpy(copy, name);
            hd__incref(key);
            m->key_objs[m->nkeys] = key;
            m->keys[m->nkeys++] = copy;
            m->usable--;
        }
        return 0;
    }
    if ((rc = keys_new(h, calc_log2(d->used * 3), key->type == HD_T_STR, &nk)) != 0)
        return rc;
    resize_into(h, d, nk);
    d->values = NULL;
    split_free(h, sp);
    return 0;
}

/* insert: insertdict (and insert_to_emptydict, which it equals here). A new
 * table comes from rv (a planned merge) or is allocated now. Nothing
 * changes on error. key and value borrowed (the dict takes its own
 * references); the dict's reference to a replaced value passes to the
 * caller through *old, to release once the dict is consistent. */
static int insert(hd_heap_t *h, hd_dict_obj_t *d, hd_obj_t *key, int64_t hash, hd_obj_t *value,
                  reserve_t *rv, hd_obj_t **old)
{
    int64_t ix;
    uint8_t log2;
    bool unicode;
    *old = NULL;
    int rc = lookup(h, d->keys, key, hash, 0, &ix);
    if (rc)
        return rc;
    if (d->values && ix < 0 && (rc = split_insert(h, d, &key)) != 0)
        return rc;
    if (resize_need(d->keys, d->used, key, ix >= 0, &log2, &unicode)) {
        keys_t *nk;
        if ((rc = new_table(h, rv, log2, unicode, &nk)) != 0)
            return rc;
        assert(ix < 0);
        resize_into(h, d, nk);
    }
    maintain_tracking(h, d, key, value);
    if (ix < 0) {
        insert_entry(d, key, hash, value);
        if (HD_UNLIKELY(d->h.flags & HD_OF_TYPEDICT))
            sc_typedict_changed(h);
        return 0;
    }
    hd_obj_t *prev = ent_value(d->keys, ix);
    if (prev != value) {
        hd__incref(value);
        ent_set_value(d->keys, ix, value);
        changed(h, d);
        *old = prev;
    }
    return 0;
}

/* setitem: PyDict_SetItem with the key's hash known. key and value
 * borrowed. */
static int setitem(hd_heap_t *h, hd_dict_obj_t *d, hd_obj_t *key, int64_t hash, hd_obj_t *value)
{
    hd_obj_t *old;
    int rc = insert(h, d, key, hash, value, NULL, &old);
    if (old)
        hd__decref(h, old); /* may re-enter the dict: it is consistent */
    return rc;
}

/* delitem: delitem_common: DKIX_DUMMY in the slot, entry cleared, then the
 * dict's references to the key and the value released (in that order). */
static void delitem(hd_heap_t *h, hd_dict_obj_t *d, int64_t hash, int64_t ix)
{
    keys_t *k = d->keys;
    size_t mask = ksize(k) - 1, perturb = (size_t)hash, i = (size_t)hash & mask;
    while (ix_get(k, i) != ix) {
        perturb >>= PERTURB_SHIFT;
        i = mask & (i * 5 + perturb + 1);
    }
    hd_obj_t *key = ent_key(k, ix), *value = ent_value(k, ix);
    ix_set(k, i, DKIX_DUMMY);
    ent_set(k, ix, NULL, 0, NULL);
    d->used--;
    changed(h, d);
    hd__decref(h, key);
    hd__decref(h, value);
}

/* ---- the public API ---- */

int hd_dict_setitem(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t *value)
{
    hd_dict_obj_t *d = as_dict(dict);
    int64_t hash;
    if (!d)
        return HD_ETYPE;
    int rc = hd__obj_hash(h, key, &hash);
    return rc ? rc : setitem(h, d, key, hash, value);
}

/* find: hash + lookup. 0 with *hash and *ix (maybe DKIX_EMPTY), or an
 * error (HD_ETYPE: unhashable). Reads only; key borrowed. */
static int find(hd_heap_t *h, hd_dict_obj_t *d, hd_obj_t *key, int64_t *hash, int64_t *ix)
{
    int rc = hd__obj_hash(h, key, hash);
    return rc ? rc : lookup(h, d->keys, key, *hash, 0, ix);
}

int hd_dict_getitem(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t **out)
{
    hd_dict_obj_t *d = as_dict(dict);
    int64_t hash, ix;
    if (!d)
        return HD_ETYPE;
    int rc = find(h, d, key, &hash, &ix);
    if (rc)
        return rc;
    if (ix < 0)
        return HD_EKEY;
    *out = ent_value(d->keys, ix);
    return 0;
}

int hd_dict_delitem(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key)
{
    hd_dict_obj_t *d = as_dict(dict);
    int64_t hash, ix;
    if (!d)
        return HD_ETYPE;
    int rc = find(h, d, key, &hash, &ix);
    if (rc)
        return rc;
    if (ix < 0)
        return HD_EKEY;
    delitem(h, d, hash, ix);
    return 0;
}

int hd_dict_pop(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t **out)
{
    hd_dict_obj_t *d = as_dict(dict);
    int64_t hash, ix;
    if (!d)
        return HD_ETYPE;
    if (d->used == 0)
        return HD_EKEY; /* _PyDict_Pop: KeyError before hashing */
    int rc = find(h, d, key, &hash, &ix);
    if (rc)
        return rc;
    if (ix < 0)
        return HD_EKEY;
    hd_obj_t *value = ent_value(d->keys, ix);
    hd__incref(value);
    delitem(h, d, hash, ix);
    *out = value;
    return 0;
}

int hd_dict_setdefault(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t *dflt, hd_obj_t **out)
{
    hd_dict_obj_t *d = as_dict(dict);
    int64_t hash, ix;
    if (!d)
        return HD_ETYPE;
    int rc = find(h, d, key, &hash, &ix);
    if (rc)
        return rc;
    if (ix >= 0) {
        *out = ent_value(d->keys, ix);
        return 0;
    }
    hd_obj_t *old;
    if ((rc = insert(h, d, key, hash, dflt, NULL, &old)) != 0)
        return rc;
    assert(!old);
    *out = dflt;
    return 0;
}

/* dict_clear: PyDict_Clear: back to the shared empty keys, then the old
 * table's references are released (which may re-enter the dict: it is
 * already empty). Tracking does not change. */
static void dict_clear(hd_heap_t *h, hd_dict_obj_t *d)
{
    keys_t *old = d->keys;
    split_t *sp = d->values;
    if (old == h->empty_keys)
        return;
    d->keys = h->empty_keys;
    d->values = NULL;
    d->used = 0;
    changed(h, d);
    if (sp)
        split_release_values(h, old, sp->meta);
    keys_release(h, old);
    split_free(h, sp);
}

int64_t hd__dict_capacity(const hd_obj_t *dict)
{
    const hd_dict_obj_t *d = (const hd_dict_obj_t *)dict;
    return d->values || !d->keys->log2_size ? 0 : (int64_t)ksize(d->keys);
}

int hd__dict_set_capacity(hd_heap_t *h, hd_obj_t *dict, int64_t capacity, bool unicode)
{
    hd_dict_obj_t *d = (hd_dict_obj_t *)dict;
    uint8_t log2 = 0;
    while (log2 < LOG2_MAX_PRESIZE && ((int64_t)1 << log2) < capacity)
        log2++;
    if (d->keys != h->empty_keys || d->values || log2 <= LOG_MINSIZE ||
        ((int64_t)1 << log2) != capacity)
        return 0;
    keys_t *k;
    int rc = keys_new(h, log2, unicode, &k);
    if (!rc)
        d->keys = k;
    return rc;
}

int hd_dict_clear(hd_heap_t *h, hd_obj_t *dict)
{
    hd_dict_obj_t *d = as_dict(dict);
    if (!d)
        return HD_ETYPE;
    dict_clear(h, d);
    return 0;
}

bool hd_dict_next(hd_obj_t *dict, int64_t *pos, hd_obj_t **key, hd_obj_t **value)
{
    hd_dict_obj_t *d = as_dict(dict);
    if (!d || *pos < 0)
        return false;
    const keys_t *k = d->keys;
    int64_t i = *pos;
    while (i < k->nentries && !ent_value(k, i))
        i++;
    if (i >= k->nentries)
        return false;
    *pos = i + 1;
    if (key)
        *key = ent_key(k, i);
    if (value)
        *value = ent_value(k, i);
    return true;
}

int hd_dict_keys(hd_heap_t *h, hd_obj_t *dict, hd_obj_t **out)
{
    hd_dict_obj_t *d = as_dict(dict);
    hd_obj_t *stack[SMALL_BATCH], **items = stack, *key;
    if (!d)
        return HD_ETYPE;
    size_t n = (size_t)d->used, j = 0;
    if (n > SMALL_BATCH && !(items = hd_mem_malloc(h->mem, n * sizeof(*items))))
        return HD_ENOMEM;
    for (int64_t pos = 0; hd_dict_next(dict, &pos, &key, NULL);) {
        hd__incref(key); /* the allocation below may run a finalizer that empties the dict */
        items[j++] = key;
    }
    assert(j == n);
    int rc = hd_list_new(h, n, items, out); /* PyList_New(n): exactly n slots */
    for (size_t i = 0; i < j; i++)
        hd__decref(h, items[i]);
    if (items != stack)
        hd_mem_free(h->mem, items);
    return rc;
}

/* ---- merging: dict.update, dict.copy, BUILD_MAP ---- */

/* plan_state: the counters of a table while a merge is simulated. */
typedef struct plan_state {
    bool unicode;
    int64_t usable, used;
} plan_state_t;

/* plan_resize: a simulated resize: the counters of the new table. */
static int plan_resize(reserve_t *rv, plan_state_t *s, uint8_t log2, bool unicode)
{
    s->unicode = unicode;
    s->usable = USABLE_FRACTION((int64_t)1 << log2) - s->used;
    return reserve_plan(rv, log2, unicode);
}

/* merge_plan: simulates dict_merge(d, o) to list the tables it will create
 * and to count the values it will replace. Reads only. */
static int merge_plan(hd_heap_t *h, hd_dict_obj_t *d, hd_dict_obj_t *o, reserve_t *rv,
                      int64_t *nreplace)
{
    const keys_t *k = d->keys;
    plan_state_t s = {k->kind == DK_UNICODE, k->usable, d->used};
    int rc = 0;
    if (USABLE_FRACTION((int64_t)ksize(k)) < o->used)
        rc = plan_resize(rv, &s, estimate_log2(d->used + o->used),
                         s.unicode && o->keys->kind == DK_UNICODE);
    hd_obj_t *key;
    *nreplace = 0;
    for (int64_t pos = 0; !rc && hd_dict_next(&o->h, &pos, &key, NULL);) {
        int64_t ix;
        if ((rc = lookup(h, k, key, ent_hash(o->keys, pos - 1), 0, &ix)) != 0)
            break;
        if (s.unicode && key->type != HD_T_STR)
            rc = plan_resize(rv, &s, calc_log2(s.used * 3), false);
        if (!rc && ix >= 0) {
            (*nreplace)++;
        } else if (!rc) {
            if (s.usable <= 0)
                rc = plan_resize(rv, &s, calc_log2(s.used * 3), s.unicode);
            s.used++;
            s.usable--;
        }
    }
    return rc;
}

/* merge_run: the insertions of dict_merge with every table reserved; the
 * replaced values are collected in olds[] (released by the caller), their
 * number in *nold. The plan's lookups succeeded, so these do too, unless
 * two keys of o with equal hashes compare too deep (HD_ELIMIT): then the
 * merge stops there, with the dict consistent but partly updated. */
static int merge_run(hd_heap_t *h, hd_dict_obj_t *d, hd_dict_obj_t *o, reserve_t *rv,
                     hd_obj_t **olds, int64_t *nold)
{
    if (USABLE_FRACTION((int64_t)ksize(d->keys)) < o->used) {
        keys_t *nk;
        (void)new_table(h, rv, estimate_log2(d->used + o->used),
                        d->keys->kind == DK_UNICODE && o->keys->kind == DK_UNICODE, &nk);
        resize_into(h, d, nk);
    }
    hd_obj_t *key, *value, *old;
    int rc = 0;
    *nold = 0;
    for (int64_t pos = 0; !rc && hd_dict_next(&o->h, &pos, &key, &value);) {
        rc = insert(h, d, key, ent_hash(o->keys, pos - 1), value, rv, &old);
        if (old)
            olds[(*nold)++] = old;
    }
    while (rv->next < rv->n) /* only after an error */
        keys_free_block(h, rv->blocks[rv->next++]);
    return rc;
}

/* clone_keys: clone_combined_dict_keys: a copy of o's table (a new block,
 * never from the free list) owning new references. The caller owns *out. */
static int clone_keys(hd_heap_t *h, const hd_dict_obj_t *o, keys_t **out)
{
    const keys_t *k = o->keys;
    keys_t *c;
    int rc = hd__block_alloc(h, keys_bytes(k), hd__type_kind(h, HD_T_DICT), (void **)&c);
    if (rc)
        return rc;
    memcpy(c, k, keys_bytes(k));
    for (int64_t i = 0; i < c->nentries; i++) {
        if (ent_value(c, i)) {
            hd__incref(ent_value(c, i));
            hd__incref(ent_key(c, i));
        }
    }
    *out = c;
    return 0;
}

/* merge_clone: dict_merge's fast path into an empty dict: the clone of a
 * clean table that is small or at least half full. 1 if taken, 0 if not,
 * or an error (nothing changed). o borrowed. */
static int merge_clone(hd_heap_t *h, hd_dict_obj_t *d, hd_dict_obj_t *o)
{
    const keys_t *ok = o->keys;
    if (d->used != 0 || o->values || ok->nentries != o->used ||
        !(ok->log2_size == LOG_MINSIZE || USABLE_FRACTION((int64_t)ksize(ok) / 2) < o->used))
        return 0;
    keys_t *c;
    int rc = clone_keys(h, o, &c);
    if (rc)
        return rc;
    keys_t *old = d->keys;
    d->keys = c;
    d->used = o->used;
    changed(h, d);
    keys_release(h, old); /* no live entries: only the block goes */
    if (hd__gc_is_tracked(&o->h) && !hd__gc_is_tracked(&d->h))
        hd__gc_track(h, &d->h);
    return 1;
}

/* dict_merge: dict_merge(d, o, override=1) of 3.11. Atomic (see the file
 * comment). 0, HD_ENOMEM, HD_ELIMIT. o borrowed; d takes its own
 * references to what it stores. */
static int dict_merge(hd_heap_t *h, hd_dict_obj_t *d, hd_dict_obj_t *o)
{
    if (o == d || o->used == 0)
        return 0;
    if (d->values) { /* into a split dict: insertdict one by one */
        hd_obj_t *key, *value;
        int rc = 0;
        for (int64_t pos = 0; !rc && hd_dict_next(&o->h, &pos, &key, &value);)
            rc = setitem(h, d, key, ent_hash(o->keys, pos - 1), value);
        return rc;
    }
    int rc = merge_clone(h, d, o);
    if (rc)
        return rc < 0 ? rc : 0;
    reserve_t rv = {.n = 0, .next = 0};
    int64_t nreplace;
    if ((rc = merge_plan(h, d, o, &rv, &nreplace)) != 0)
        return rc;
    hd_obj_t *stack[SMALL_BATCH], **olds = stack;
    if (nreplace > SMALL_BATCH && !(olds = hd_mem_malloc(h->mem, (size_t)nreplace * sizeof(*olds))))
        return HD_ENOMEM;
    if ((rc = reserve_fill(h, &rv)) != 0) {
        if (olds != stack)
            hd_mem_free(h->mem, olds);
        return rc;
    }
    int64_t nold;
    rc = merge_run(h, d, o, &rv, olds, &nold);
    for (int64_t i = 0; i < nold; i++)
        hd__decref(h, olds[i]);
    if (olds != stack)
        hd_mem_free(h->mem, olds);
    return rc;
}

int hd__dict_presize(hd_heap_t *h, hd_obj_t *dict, int64_t n, bool unicode)
{
    hd_dict_obj_t *d = as_dict(dict);
    keys_t *nk;
    if (!d || d->used || d->values)
        return HD_EINVAL;
    int rc = keys_new(h, estimate_log2(n), unicode, &nk);
    if (!rc)
        resize_into(h, d, nk);
    return rc;
}

bool hd__dict_unicode_keys(const hd_obj_t *dict)
{
    return ((const hd_dict_obj_t *)dict)->keys->kind == DK_UNICODE;
}

int hd_dict_update(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *other)
{
    hd_dict_obj_t *d = as_dict(dict), *o = as_dict(other);
    if (!d || !o)
        return HD_ETYPE;
    return dict_merge(h, d, o);
}

/* split_fill: d (new, empty) becomes a split dict of the n pairs (keys
 * borrowed: shared keys), owning block. Nothing changes on error. */
static int split_fill(hd_heap_t *h, hd_dict_obj_t *d, hd_class_meta_t *m, void *block, size_t n,
                      hd_obj_t *const *keys, hd_obj_t *const *values)
{
    split_t *sp = hd_mem_malloc(h->mem, sizeof(*sp));
    keys_t *k;
    if (!sp)
        return HD_ENOMEM;
    int rc = keys_new_private(h, &k);
    if (rc) {
        hd_mem_free(h->mem, sp);
        return rc;
    }
    keys_t *old = d->keys;
    d->keys = k;
    for (size_t i = 0; i < n; i++) {
        int64_t hash;
        (void)hd__obj_hash(h, keys[i], &hash); /* a str: never fails */
        maintain_tracking(h, d, keys[i], values[i]);
        insert_entry(d, keys[i], hash, values[i]);
    }
    keys_free_block(h, old);
    sp->block = block;
    sp->meta = m;
    sp->dict = d;
    sp->prev = NULL;
    sp->next = h->splits;
    if (sp->next)
        sp->next->prev = sp;
    h->splits = sp;
    m->refs++;
    d->values = sp;
    return 0;
}

int hd__dict_grown_from_values(hd_heap_t *h, hd_class_meta_t *m, size_t n, const int *ix,
                               hd_obj_t *const *values, hd_obj_t **out)
{
    hd_obj_t *keys[HD_SHARED_KEYS_MAX];
    hd_dict_obj_t *d;
    keys_t *k;
    if (n > HD_SHARED_KEYS_MAX)
        return HD_EINVAL;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = shared_key(h, m, ix[i], &keys[i]);
    if (rc || (rc = dict_alloc(h, &d)) != 0)
        return rc;
    if ((rc = keys_new(h, calc_log2((int64_t)n * 3), true, &k)) != 0) {
        hd__decref(h, &d->h);
        return rc;
    }
    d->keys = k;
    for (size_t i = 0; i < n; i++) {
        int64_t hash;
        (void)hd__obj_hash(h, keys[i], &hash); /* a str: never fails */
        maintain_tracking(h, d, keys[i], values[i]);
        insert_entry(d, keys[i], hash, values[i]);
    }
    *out = &d->h;
    return 0;
}

int hd__dict_split_fill(hd_heap_t *h, hd_obj_t *dict, hd_class_meta_t *m, void *block, size_t n,
                        const int *ix, hd_obj_t *const *values)
{
    hd_dict_obj_t *d = as_dict(dict);
    hd_obj_t *keys[HD_SHARED_KEYS_MAX];
    if (!d || d->used || d->values || n > HD_SHARED_KEYS_MAX)
        return HD_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int rc = shared_key(h, m, ix[i], &keys[i]);
        if (rc)
            return rc;
    }
    return split_fill(h, d, m, block, n, keys, values);
}

/* split_copy: PyDict_Copy of a split dict: a new values block of the
 * shared keys' usable size, then a dict object (PyObject_GC_New: not from
 * the free list) sharing the keys, tracked as the original */
static int split_copy(hd_heap_t *h, hd_dict_obj_t *o, hd_obj_t **out)
{
    hd_class_meta_t *m = ((split_t *)o->values)->meta;
    size_t size = shared_size(m), n = 0;
    if (size == 0)
        size = 1;
    hd_obj_t *keys[HD_SHARED_KEYS_MAX], *values[HD_SHARED_KEYS_MAX], *key, *value, *c;
    for (int64_t pos = 0; n < HD_SHARED_KEYS_MAX && hd_dict_next(&o->h, &pos, &key, &value); n++) {
        keys[n] = key;
        values[n] = value;
    }
    void *block;
    int rc = hd__block_alloc(h, VALUES_PREFIX(size) + 8 * size, m->kind, &block);
    if (rc)
        return rc;
    memset(block, 0, VALUES_PREFIX(size) + 8 * size);
    if ((rc = hd__obj_alloc(h, HD_T_DICT, DICT_BLOCK, sizeof(hd_gc_t), &c)) != 0) {
        hd__block_free(h, block);
        return rc;
    }
    hd_dict_obj_t *d = dict_init_empty(h, c);
    if (!o->values || o->used != (int64_t)n) { /* a collection changed o meanwhile */
        hd__block_free(h, block);
        rc = dict_merge(h, d, o);
    } else if ((rc = split_fill(h, d, m, block, n, keys, values)) != 0) {
        hd__block_free(h, block);
    }
    if (rc) {
        hd__decref(h, c);
        return rc;
    }
    if (hd__gc_is_tracked(&o->h) && !hd__gc_is_tracked(c))
        hd__gc_track(h, c);
    *out = c;
    return 0;
}

int hd__dict_copy(hd_heap_t *h, hd_obj_t *dict, hd_obj_t **out)
{
    hd_dict_obj_t *o = as_dict(dict), *d;
    keys_t *c = NULL;
    int rc;
    if (!o)
        return HD_ETYPE;
    if (o->values)
        return split_copy(h, o, out);
    if (o->used > 0 && o->used >= (o->keys->nentries * 2) / 3) {
        /* PyDict_Copy's fast copy: the table first, then the object */
        if ((rc = clone_keys(h, o, &c)) != 0)
            return rc;
        if ((rc = dict_alloc(h, &d)) != 0) {
            keys_release(h, c);
            return rc;
        }
        d->keys = c;
        d->used = o->used;
        if (hd__gc_is_tracked(&o->h))
            hd__gc_track(h, &d->h);
    } else {
        if ((rc = dict_alloc(h, &d)) != 0)
            return rc;
        if ((rc = dict_merge(h, d, o)) != 0) {
            hd__decref(h, &d->h);
            return rc;
        }
    }
    *out = &d->h;
    return 0;
}

/* set_items: PyDict_SetItem of n pairs in order (the key hashed first).
 * On error the dict is left as far as it got: the callers drop it. Pairs
 * borrowed. */
static int set_items(hd_heap_t *h, hd_dict_obj_t *d, size_t n, hd_obj_t *const *keys,
                     hd_obj_t *const *values)
{
    for (size_t i = 0; i < n; i++) {
        int64_t hash;
        int rc = hd__obj_hash(h, keys[i], &hash);
        if (rc || (rc = setitem(h, d, keys[i], hash, values[i])) != 0)
            return rc;
    }
    return 0;
}

/* from_items: _PyDict_FromItems: dict_new_presized(n, all keys str), then
 * the items in order. Pairs borrowed. New reference. */
static int from_items(hd_heap_t *h, size_t n, hd_obj_t *const *keys, hd_obj_t *const *values,
                      hd_dict_obj_t **out)
{
    bool unicode = true;
    keys_t *k = NULL;
    int rc;
    for (size_t i = 0; i < n && unicode; i++)
        unicode = keys[i]->type == HD_T_STR;
    if ((int64_t)n > USABLE_FRACTION(MINSIZE)) {
        uint8_t log2 = (int64_t)n > USABLE_FRACTION((int64_t)1 << LOG2_MAX_PRESIZE)
                           ? LOG2_MAX_PRESIZE
                           : estimate_log2((int64_t)n);
        if ((rc = keys_new(h, log2, unicode, &k)) != 0)
            return rc;
    }
    hd_dict_obj_t *d;
    if ((rc = dict_alloc(h, &d)) != 0) {
        if (k)
            keys_free_block(h, k);
        return rc;
    }
    if (k)
        d->keys = k;
    if ((rc = set_items(h, d, n, keys, values)) != 0) {
        hd__decref(h, &d->h);
        return rc;
    }
    *out = d;
    return 0;
}

/* build_chunk: one piece of a dict display as 3.11's compiler_subdict emits
 * it: BUILD_MAP / BUILD_CONST_KEY_MAP (from_items) up to 15 pairs, else
 * BUILD_MAP 0 and one MAP_ADD per pair. New reference. */
static int build_chunk(hd_heap_t *h, size_t n, hd_obj_t *const *keys, hd_obj_t *const *values,
                       hd_dict_obj_t **out)
{
    if (n * 2 <= STACK_GUIDELINE)
        return from_items(h, n, keys, values, out);
    hd_dict_obj_t *d;
    int rc = dict_alloc(h, &d);
    if (rc)
        return rc;
    if ((rc = set_items(h, d, n, keys, values)) != 0) {
        hd__decref(h, &d->h);
        return rc;
    }
    *out = d;
    return 0;
}

/* add_chunk: builds pairs [begin, end) and merges them into *acc
 * (DICT_UPDATE), or makes them *acc when it is the first chunk (then *acc
 * is a new reference; the chunk dict of a merge is released). */
static int add_chunk(hd_heap_t *h, hd_dict_obj_t **acc, size_t begin, size_t end,
                     hd_obj_t *const *keys, hd_obj_t *const *values)
{
    hd_dict_obj_t *c;
    /* (an empty literal comes with NULL arrays: no pointer arithmetic then) */
    int rc = begin == end ? build_chunk(h, 0, NULL, NULL, &c)
                          : build_chunk(h, end - begin, keys + begin, values + begin, &c);
    if (rc || !*acc) {
        *acc = rc ? *acc : c;
        return rc;
    }
    rc = dict_merge(h, *acc, c);
    hd__decref(h, &c->h);
    return rc;
}

int hd_dict_new(hd_heap_t *h, size_t n, hd_obj_t *const *keys, hd_obj_t *const *values,
                hd_obj_t **out)
{
    /* compiler_dict of 3.11: pairs are emitted in chunks of 17 once more
     * than 16 are pending (elements * 2 > STACK_USE_GUIDELINE) */
    hd_dict_obj_t *acc = NULL;
    size_t elements = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (elements * 2 > STACK_GUIDELINE) {
            rc = add_chunk(h, &acc, i - elements, i + 1, keys, values);
            elements = 0;
        } else {
            elements++;
        }
    }
    if (!rc && (elements || !acc))
        rc = add_chunk(h, &acc, n - elements, n, keys, values);
    if (rc) {
        if (acc)
            hd__decref(h, &acc->h);
        return rc;
    }
    *out = &acc->h;
    return 0;
}

int hd__dict_from_pairs(hd_heap_t *h, size_t n, const char *const *names, hd_obj_t *const *values,
                        hd_obj_t **out)
{
    hd_obj_t *stack[SMALL_BATCH] = {NULL}, **keys = stack;
    size_t made = 0;
    int rc = 0;
    if (n > SMALL_BATCH && !(keys = hd_mem_malloc(h->mem, n * sizeof(*keys))))
        return HD_ENOMEM;
    for (; made < n && !rc; made++)
        rc = hd_str_new(h, names[made], strlen(names[made]), &keys[made]);
    if (rc)
        made--;
    hd_dict_obj_t *d;
    if (!rc && (rc = from_items(h, n, keys, values, &d)) == 0)
        *out = &d->h;
    for (size_t i = 0; i < made; i++)
        hd__decref(h, keys[i]);
    if (keys != stack)
        hd_mem_free(h->mem, keys);
    return rc;
}

/* ---- equality (hash.c's ==) ---- */

int hd__dict_equal(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth)
{
    hd_dict_obj_t *da = (hd_dict_obj_t *)a, *db = (hd_dict_obj_t *)b;
    if (da->used != db->used)
        return 0;
    const keys_t *k = da->keys;
    for (int64_t i = 0; i < k->nentries; i++) {
        hd_obj_t *key = ent_key(k, i), *aval = ent_value(k, i);
        int64_t ix;
        if (!aval)
            continue;
        int rc = lookup(h, db->keys, key, ent_hash(k, i), depth + 1, &ix);
        if (rc)
            return rc;
        if (ix < 0)
            return 0;
        int cmp = hd__obj_eq_depth(h, aval, ent_value(db->keys, ix), depth + 1);
        if (cmp <= 0)
            return cmp;
    }
    return 1;
}

/* ---- the type table ---- */

int hd__dict_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    const keys_t *k = ((hd_dict_obj_t *)o)->keys;
    for (int64_t i = 0; i < k->nentries; i++) {
        hd_obj_t *v = ent_value(k, i);
        int rc;
        if (!v)
            continue;
        if ((rc = visit(v, arg)) != 0)
            return rc;
        if (k->kind == DK_GENERAL && (rc = visit(ent_key(k, i), arg)) != 0)
            return rc; /* 3.11 visits the value, then the key */
    }
    return 0;
}

int hd__dict_visit_all(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    const keys_t *k = ((hd_dict_obj_t *)o)->keys;
    for (int64_t i = 0; i < k->nentries; i++) {
        hd_obj_t *v = ent_value(k, i);
        int rc;
        if (v && ((rc = visit(ent_key(k, i), arg)) != 0 || (rc = visit(v, arg)) != 0))
            return rc;
    }
    return 0;
}

void hd__dict_clear(hd_heap_t *h, hd_obj_t *o)
{
    dict_clear(h, (hd_dict_obj_t *)o);
}

void hd__dict_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    /* untracked by hd__dealloc; the references go first, then the table
     * (maybe to its free list), then the object (maybe to its own) */
    hd_dict_obj_t *d = (hd_dict_obj_t *)o;
    if (d->values)
        split_release_values(h, d->keys, ((split_t *)d->values)->meta);
    keys_release(h, d->keys);
    split_free(h, d->values);
    d->values = NULL;
    dict_free_object(h, o);
}

size_t hd__dict_sizeof(const hd_obj_t *o)
{
    const split_t *sp = ((const hd_dict_obj_t *)o)->values;
    if (sp) /* _PyDict_SizeOf of a split dict: its values, not the shared keys */
        return DICT_BLOCK + 8 * shared_size(sp->meta);
    const keys_t *k = ((const hd_dict_obj_t *)o)->keys;
    /* only the shared empty keys has log2 size 0; it is not counted */
    return DICT_BLOCK + (k->log2_size ? keys_bytes(k) : 0);
}

size_t hd__dict_keys_block(const hd_obj_t *o)
{
    if (((const hd_dict_obj_t *)o)->values)
        return 0; /* the shared keys (the class's) */
    const keys_t *k = ((const hd_dict_obj_t *)o)->keys;
    return k->log2_size ? keys_bytes(k) : 0;
}

void hd__dict_repr(hd_heap_t *h, hd_obj_t *o, struct hd_strbuf *sb, int depth)
{
    if (hd__repr_enter(h, o)) {
        hd__sb_puts(sb, "{...}");
        return;
    }
    hd__sb_putc(sb, '{');
    hd_obj_t *key, *value;
    bool first = true;
    for (int64_t pos = 0; !hd__sb_full(sb) && hd_dict_next(o, &pos, &key, &value);) {
        if (!first)
            hd__sb_puts(sb, ", ");
        first = false;
        hd__repr(h, key, sb, depth + 1);
        hd__sb_puts(sb, ": ");
        hd__repr(h, value, sb, depth + 1);
    }
    hd__sb_putc(sb, '}');
    hd__repr_leave(h);
}

bool hd__dict_contents_untracked(hd_obj_t *o)
{
    const keys_t *k = ((hd_dict_obj_t *)o)->keys;
    for (int64_t i = 0; i < k->nentries; i++) {
        hd_obj_t *v = ent_value(k, i);
        if (v &&
            (hd__may_be_tracked(v) || (k->kind == DK_GENERAL && hd__may_be_tracked(ent_key(k, i)))))
            return false;
    }
    return true;
}

/* ---- the heap's dict state ---- */

int hd__dict_init_heap(hd_heap_t *h)
{
    /* Py_EMPTY_KEYS: 32-byte header and 8 index bytes, static memory */
    size_t len = KEYS_HEADER + MINSIZE;
    keys_t *k = hd_mem_malloc(h->mem, len);
    if (!k)
        return HD_ENOMEM;
    k->refcnt = 1;
    k->log2_size = 0;
    k->log2_index_bytes = 0;
    k->kind = DK_UNICODE;
    k->pad = 0;
    k->version = 1;
    k->usable = 0;
    k->nentries = 0;
    memset(k->indices, 0xff, MINSIZE);
    h->empty_keys = k;
    h->static_bytes += len;
    return 0;
}

/* meta_orphan: whether m is the metadata of no live class (only split
 * dicts hold it: hd_heap_free has not freed it) */
static bool meta_orphan(const hd_heap_t *h, const hd_class_meta_t *m)
{
    for (uint32_t i = 0; i < h->nclasses; i++)
        if (h->classes[i] && h->classes[i]->meta == m)
            return false;
    return true;
}

void hd__dict_splits_fini(hd_heap_t *h)
{
    /* split dicts: their private tables and records (their blocks go with
     * the pool), and the metadata of dead classes that only they kept (the
     * live classes' is freed by hd_heap_free next; str objects go with the
     * pool) */
    while (h->splits) {
        split_t *sp = h->splits;
        h->splits = sp->next;
        if (sp->dict->keys->pad == KEYS_PRIVATE)
            hd_mem_free(h->mem, sp->dict->keys);
        hd_class_meta_t *m = sp->meta;
        if (meta_orphan(h, m) && --m->refs == 0) {
            for (uint32_t k = 0; k < m->nslots; k++)
                hd_mem_free(h->mem, m->slot_names[k]);
            hd_mem_free(h->mem, m->slot_names);
            for (uint32_t k = 0; k < m->nkeys; k++)
                hd_mem_free(h->mem, m->keys[k]);
            hd_mem_free(h->mem, m);
        }
        hd_mem_free(h->mem, sp);
    }
}

void hd__dict_fini_heap(hd_heap_t *h)
{
    /* free-listed blocks go with the pool */
    h->dict_nfree = 0;
    h->keys_nfree = 0;
    if (h->empty_keys) {
        hd_mem_free(h->mem, h->empty_keys);
        h->empty_keys = NULL;
    }
}

void hd__dict_freelist_clear(hd_heap_t *h)
{
    /* _PyDict_ClearFreeList: PyObject_GC_Del of each dict (the gen-0 count
     * goes down, floored at 0), then PyObject_Free of each table */
    while (h->dict_nfree > 0) {
        hd_obj_t *o = h->dict_free[--h->dict_nfree];
        if (h->gens[0].count > 0)
            h->gens[0].count--;
        hd__block_free(h, hd__block_start(o));
    }
    while (h->keys_nfree > 0)
        hd__block_free(h, h->keys_free[--h->keys_nfree]);
}
