/*
 * set.c: CPython 3.11's set (Objects/setobject.c) with its exact sizes and
 * table order.
 *
 * Layout. A set is a 216-byte block: the 16-byte GC header and the 200-byte
 * PySetObject (header, fill, used, mask, table, hash, finger, an inline
 * smalltable of 8 entries, weakreflist). A table of more than 8 slots is a
 * separate block of 16 bytes per entry (hash, key), from the pool like
 * PyMem_Malloc. getsizeof = 216, plus 16 * (mask + 1) when the table is not
 * the smalltable.
 *
 * Entries: key NULL and hash 0 = never used; key = the heap's dummy and hash
 * -1 = deleted; otherwise an owned reference and its hash. Invariants: used
 * <= fill <= mask; fill counts live and dummy entries; the table of mask + 1
 * slots is the smalltable exactly when mask + 1 == 8.
 *
 * Probing (set_add_entry / set_lookkey): start at hash & mask, look at up to
 * LINEAR_PROBES (9) following slots when they do not wrap, then jump with
 * perturb (PERTURB_SHIFT 5): i = (i * 5 + 1 + perturb) & mask. An addition
 * reuses the last dummy seen on the way if the key is absent. After an
 * addition that takes a fresh slot, fill * 5 >= mask * 3 resizes the table
 * to the smallest power of two above used * 4 (used * 2 past 50,000 items),
 * at least 8: a rebuild that drops the dummies, and may land back in the
 * smalltable. Deletion leaves a dummy; nothing shrinks except clear(),
 * which returns to the empty smalltable. pop() scans from a finger.
 *
 * Algebra (set_merge, set_copy, set_intersection, set_difference,
 * set_symmetric_difference and their in-place forms, set_swap_bodies) is
 * setobject.c's, with its up-front resizes, so results have python3's sizes
 * and table orders.
 *
 * GC: sets are created tracked (PyType_GenericAlloc), whatever they hold,
 * as python3's gc.is_tracked(set()) shows; they are never untracked. The
 * traverse and iteration orders are the table order.
 *
 * Atomicity: an addition that will resize allocates the new table before it
 * stores the key, so HD_ENOMEM and HD_ELIMIT leave the set unchanged (3.11
 * itself stores the key, then fails in the resize). Hashing and comparing
 * run no embedder code, so nothing mutates a table while it is probed.
 */
#include "heap_int.h"

#include "strbuf.h"

#define LINEAR_PROBES  9
#define PERTURB_SHIFT  5
#define SET_BLOCK      (sizeof(hd_gc_t) + sizeof(hd_set_obj_t))
#define SET_LARGE_USED 50000

_Static_assert(sizeof(hd_set_obj_t) == 200, "PySetObject is 200 bytes");
_Static_assert(sizeof(hd_set_entry_t) == 16, "setentry is 16 bytes");

/* as_set: o as a set, or NULL when it is not one. Borrowed. */
static hd_set_obj_t *as_set(hd_obj_t *o)
{
    return (o && (o->type == HD_T_SET || o->type == HD_T_FROZENSET)) ? (hd_set_obj_t *)o : NULL;
}

/* is_live: the entry holds a key (neither never used nor a dummy). */
static bool is_live(const hd_heap_t *h, const hd_set_entry_t *e)
{
    return e->key && e->key != h->dummy;
}

/* empty_to_minsize: set_empty_to_minsize: an empty smalltable. */
static void empty_to_minsize(hd_set_obj_t *s)
{
    memset(s->smalltable, 0, sizeof(s->smalltable));
    s->fill = 0;
    s->used = 0;
    s->mask = HD_SET_MINSIZE - 1;
    s->table = s->smalltable;
    s->hash = -1;
}

/* ---- probing ---- */

/* probe: walks key's probe sequence. Returns 0 with *found the live entry
 * equal to key, or NULL and *slot the first never-used entry and *freeslot
 * the last dummy before it (NULL if none). Errors come from ==. Reads
 * only; key borrowed. */
static int probe(hd_heap_t *h, hd_set_obj_t *s, hd_obj_t *key, int64_t hash, int depth,
                 hd_set_entry_t **found, hd_set_entry_t **slot, hd_set_entry_t **freeslot)
{
    size_t mask = (size_t)s->mask, perturb = (size_t)hash, i = (size_t)hash & mask;
    *found = *freeslot = NULL;
    for (;;) {
        hd_set_entry_t *e = &s->table[i];
        int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
        do {
            if (e->hash == 0 && e->key == NULL) {
                *slot = e;
                return 0;
            }
            if (e->hash == hash) {
                int cmp = e->key == key ? 1 : hd__obj_eq_depth(h, e->key, key, depth);
                if (cmp < 0)
                    return cmp;
                if (cmp) {
                    *found = e;
                    return 0;
                }
            } else if (e->hash == -1) {
                *freeslot = e; /* the last dummy seen, as 3.11 does */
            }
            e++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

/* insert_clean: set_insert_clean: into a table without dummies or key.
 * The reference moves with the entry (the caller counts fill and used). */
static void insert_clean(hd_set_entry_t *table, size_t mask, hd_obj_t *key, int64_t hash)
{
    size_t perturb = (size_t)hash, i = (size_t)hash & mask;
    for (;;) {
        hd_set_entry_t *e = &table[i];
        if (e->key == NULL)
            goto found;
        if (i + LINEAR_PROBES <= mask) {
            for (int j = 0; j < LINEAR_PROBES; j++) {
                e++;
                if (e->key == NULL)
                    goto found;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
        continue;
    found:
        e->key = key;
        e->hash = hash;
        return;
    }
}

/* ---- resizing ---- */

/* table_size: set_table_resize's size: the smallest power of two above
 * minused, at least 8. */
static size_t table_size(int64_t minused)
{
    size_t n = HD_SET_MINSIZE;
    while (n <= (size_t)minused)
        n <<= 1;
    return n;
}

/* table_new: a new table block of n entries (n > 8). The caller owns it. */
static int table_new(hd_heap_t *h, size_t n, hd_set_entry_t **out)
{
    if (n > ((size_t)1 << 40))
        return HD_ENOMEM;
    return hd__block_alloc(h, n * sizeof(hd_set_entry_t), hd__type_kind(h, HD_T_SET), (void **)out);
}

/* table_rebuild: set_table_resize once the new table exists: `nt` is an
 * allocated block of n entries, or NULL for the smalltable (n == 8). Drops
 * the dummies, frees the old block. Takes nt. */
static void table_rebuild(hd_heap_t *h, hd_set_obj_t *s, hd_set_entry_t *nt, size_t n)
{
    hd_set_entry_t small_copy[HD_SET_MINSIZE];
    hd_set_entry_t *old = s->table;
    size_t oldmask = (size_t)s->mask;
    bool old_malloced = old != s->smalltable;
    if (!nt) {
        nt = s->smalltable;
        if (!old_malloced) {
            if (s->fill == s->used)
                return; /* no dummies: nothing to do */
            memcpy(small_copy, old, sizeof(small_copy));
            old = small_copy;
        }
    }
    memset(nt, 0, n * sizeof(*nt));
    s->mask = (int64_t)n - 1;
    s->table = nt;
    bool dummies = s->fill != s->used;
    s->fill = s->used;
    for (size_t i = 0; i <= oldmask; i++)
        if (old[i].key && (!dummies || old[i].key != h->dummy))
            insert_clean(nt, n - 1, old[i].key, old[i].hash);
    if (old_malloced)
        hd__block_free(h, old);
}

/* ---- adding, discarding ---- */

/* add_entry: set_add_entry, atomic: a new table is allocated before the key
 * is stored. 0, HD_ENOMEM, HD_ELIMIT or an error of ==. key borrowed; the
 * set takes its own reference when it stores it. */
static int add_entry(hd_heap_t *h, hd_set_obj_t *s, hd_obj_t *key, int64_t hash)
{
    hd_set_entry_t *found, *slot, *freeslot, *nt = NULL;
    int rc = probe(h, s, key, hash, 0, &found, &slot, &freeslot);
    if (rc || found)
        return rc;
    if (freeslot) {
        hd__incref(key);
        freeslot->key = key;
        freeslot->hash = hash;
        s->used++;
        return 0;
    }
    size_t n = 0;
    if ((size_t)(s->fill + 1) * 5 >= (size_t)s->mask * 3) {
        int64_t used = s->used + 1;
        n = table_size(used > SET_LARGE_USED ? used * 2 : used * 4);
        if (n > HD_SET_MINSIZE && (rc = table_new(h, n, &nt)) != 0)
            return rc;
    }
    hd__incref(key);
    slot->key = key;
    slot->hash = hash;
    s->fill++;
    s->used++;
    if (n)
        table_rebuild(h, s, nt, n);
    return 0;
}

/* add_key: set_add_key: hash (HD_ETYPE when unhashable), then add_entry.
 * key borrowed. */
static int add_key(hd_heap_t *h, hd_set_obj_t *s, hd_obj_t *key)
{
    int64_t hash;
    int rc = hd__obj_hash(h, key, &hash);
    return rc ? rc : add_entry(h, s, key, hash);
}

/* clear_internal: set_clear_internal: the set is emptied first, then its
 * references to the old keys are released (a release may re-enter the set,
 * which is consistent by then). */
static void clear_internal(hd_heap_t *h, hd_set_obj_t *s)
{
    hd_set_entry_t small_copy[HD_SET_MINSIZE];
    hd_set_entry_t *table = s->table;
    int64_t used = s->used;
    bool malloced = table != s->smalltable;
    if (malloced) {
        empty_to_minsize(s);
    } else if (s->fill > 0) {
        memcpy(small_copy, table, sizeof(small_copy));
        table = small_copy;
        empty_to_minsize(s);
    }
    for (hd_set_entry_t *e = table; used > 0; e++) {
        if (is_live(h, e)) {
            used--;
            hd__decref(h, e->key);
        }
    }
    if (malloced)
        hd__block_free(h, table);
}

/* ---- the public API ---- */

int hd_set_new(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out)
{
    return hd__set_new_type(h, HD_T_SET, n, items, out);
}

int hd__set_new_type(hd_heap_t *h, int type, size_t n, hd_obj_t *const *items, hd_obj_t **out)
{
    /* BUILD_SET: PySet_New(NULL), then PySet_Add of each item in order */
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, type, SET_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_set_obj_t *s = (hd_set_obj_t *)o;
    empty_to_minsize(s);
    s->finger = 0;
    s->weakreflist = NULL;
    hd__gc_track(h, o);
    for (size_t i = 0; i < n; i++) {
        if ((rc = add_key(h, s, items[i])) != 0) {
            hd__decref(h, o);
            return rc;
        }
    }
    *out = o;
    return 0;
}

int hd_set_add(hd_heap_t *h, hd_obj_t *set, hd_obj_t *key)
{
    hd_set_obj_t *s = as_set(set);
    return s ? add_key(h, s, key) : HD_ETYPE;
}

int hd_set_discard(hd_heap_t *h, hd_obj_t *set, hd_obj_t *key, bool *found)
{
    hd_set_obj_t *s = as_set(set);
    hd_set_entry_t *e, *slot, *freeslot;
    int64_t hash;
    if (!s)
        return HD_ETYPE;
    int rc = hd__obj_hash(h, key, &hash);
    if (rc || (rc = probe(h, s, key, hash, 0, &e, &slot, &freeslot)) != 0)
        return rc;
    if (found)
        *found = e != NULL;
    if (!e)
        return 0;
    hd_obj_t *old = e->key;
    e->key = h->dummy;
    e->hash = -1;
    s->used--;
    hd__decref(h, old);
    return 0;
}

int hd_set_pop(hd_heap_t *h, hd_obj_t *set, hd_obj_t **out)
{
    hd_set_obj_t *s = as_set(set);
    if (!s)
        return HD_ETYPE;
    if (s->used == 0)
        return HD_EKEY; /* "pop from an empty set" */
    hd_set_entry_t *e = s->table + (s->finger & s->mask), *limit = s->table + s->mask;
    while (!is_live(h, e)) {
        if (++e > limit)
            e = s->table;
    }
    *out = e->key; /* the set's reference passes to the caller */
    e->key = h->dummy;
    e->hash = -1;
    s->used--;
    s->finger = (e - s->table) + 1;
    return 0;
}

int hd_set_clear(hd_heap_t *h, hd_obj_t *set)
{
    hd_set_obj_t *s = as_set(set);
    if (!s)
        return HD_ETYPE;
    clear_internal(h, s);
    return 0;
}

int hd_set_contains(hd_heap_t *h, hd_obj_t *set, hd_obj_t *key, bool *out)
{
    hd_set_obj_t *s = as_set(set);
    hd_set_entry_t *e, *slot, *freeslot;
    int64_t hash;
    if (!s)
        return HD_ETYPE;
    int rc = hd__obj_hash(h, key, &hash);
    if (rc || (rc = probe(h, s, key, hash, 0, &e, &slot, &freeslot)) != 0)
        return rc;
    *out = e != NULL;
    return 0;
}

bool hd_set_next(hd_obj_t *set, int64_t *pos, hd_obj_t **key)
{
    hd_set_obj_t *s = as_set(set);
    if (!s || *pos < 0)
        return false;
    /* the dummy is the only key that is a static object() */
    for (int64_t i = *pos; i <= s->mask; i++) {
        hd_obj_t *k = s->table[i].key;
        if (k && s->table[i].hash != -1) {
            *pos = i + 1;
            *key = k;
            return true;
        }
    }
    *pos = s->mask + 1;
    return false;
}

/* ---- set algebra (set_merge, set_copy, set_intersection, ...) ---- */

/* table_resize: set_table_resize(so, minused) */
static int table_resize(hd_heap_t *h, hd_set_obj_t *s, int64_t minused)
{
    size_t n = table_size(minused);
    hd_set_entry_t *nt = NULL;
    int rc;
    if (n > HD_SET_MINSIZE && (rc = table_new(h, n, &nt)) != 0)
        return rc;
    table_rebuild(h, s, nt, n);
    return 0;
}

/* merge: set_merge: one resize up front for (used + other's used) * 2
 * when the other's keys would pass 3/5 of the table, then a copy of the
 * entries (the same mask and no dummies), clean inserts (an empty table),
 * or ordinary additions */
static int merge(hd_heap_t *h, hd_set_obj_t *so, hd_set_obj_t *other)
{
    if (other == so || other->used == 0)
        return 0;
    int rc;
    if ((so->fill + other->used) * 5 >= so->mask * 3 &&
        (rc = table_resize(h, so, (so->used + other->used) * 2)) != 0)
        return rc;
    if (so->fill == 0 && so->mask == other->mask && other->fill == other->used) {
        for (int64_t i = 0; i <= other->mask; i++) {
            if (other->table[i].key) {
                hd__incref(other->table[i].key);
                so->table[i] = other->table[i];
            }
        }
        so->fill = so->used = other->used;
        return 0;
    }
    if (so->fill == 0) {
        so->fill = so->used = other->used;
        for (int64_t i = 0; i <= other->mask; i++) {
            hd_set_entry_t *e = &other->table[i];
            if (is_live(h, e)) {
                hd__incref(e->key);
                insert_clean(so->table, (size_t)so->mask, e->key, e->hash);
            }
        }
        return 0;
    }
    for (int64_t i = 0; i <= other->mask; i++) {
        hd_set_entry_t *e = &other->table[i];
        if (is_live(h, e) && (rc = add_entry(h, so, e->key, e->hash)) != 0)
            return rc;
    }
    return 0;
}

/* contains_entry: set_contains_entry with the entry's cached hash */
static int contains_entry(hd_heap_t *h, hd_set_obj_t *s, hd_obj_t *key, int64_t hash, bool *in)
{
    hd_set_entry_t *found, *slot, *freeslot;
    int rc = probe(h, s, key, hash, 0, &found, &slot, &freeslot);
    *in = found != NULL;
    return rc;
}

/* discard_entry: set_discard_entry: a found key leaves a dummy */
static int discard_entry(hd_heap_t *h, hd_set_obj_t *s, hd_obj_t *key, int64_t hash, bool *found)
{
    hd_set_entry_t *e, *slot, *freeslot;
    int rc = probe(h, s, key, hash, 0, &e, &slot, &freeslot);
    *found = e != NULL;
    if (rc || !e)
        return rc;
    hd_obj_t *old = e->key;
    e->key = h->dummy;
    e->hash = -1;
    s->used--;
    hd__decref(h, old);
    return 0;
}

/* new_set: an empty set of like's type (make_new_set_basetype) */
static int new_set(hd_heap_t *h, const hd_set_obj_t *like, hd_set_obj_t **out)
{
    return hd__set_new_type(h, like->h.type, 0, NULL, (hd_obj_t **)out);
}

int hd__set_update(hd_heap_t *h, hd_obj_t *set, hd_obj_t *other)
{
    hd_set_obj_t *s = as_set(set), *o = as_set(other);
    return s && o ? merge(h, s, o) : HD_ETYPE;
}

int hd__set_update_dict(hd_heap_t *h, hd_obj_t *set, hd_obj_t *dict)
{
    hd_set_obj_t *s = as_set(set);
    if (!s || dict->type != HD_T_DICT)
        return HD_ETYPE;
    int64_t n = hd_len(dict), pos = 0, hash;
    int rc;
    if ((s->fill + n) * 5 >= s->mask * 3 && (rc = table_resize(h, s, (s->used + n) * 2)) != 0)
        return rc;
    hd_obj_t *key, *value;
    while (hd_dict_next(dict, &pos, &key, &value))
        if ((rc = hd__obj_hash(h, key, &hash)) != 0 || (rc = add_entry(h, s, key, hash)) != 0)
            return rc;
    return 0;
}

int hd__set_copy(hd_heap_t *h, hd_obj_t *set, hd_obj_t **out)
{
    hd_set_obj_t *r, *s = as_set(set);
    if (!s)
        return HD_ETYPE;
    int rc = new_set(h, s, &r);
    if (rc)
        return rc;
    if ((rc = merge(h, r, s)) != 0) {
        hd__decref(h, &r->h);
        return rc;
    }
    *out = &r->h;
    return 0;
}

static int intersection(hd_heap_t *h, hd_set_obj_t *so, hd_set_obj_t *other, hd_set_obj_t **out)
{
    if (so == other)
        return hd__set_copy(h, &so->h, (hd_obj_t **)out);
    hd_set_obj_t *r;
    int rc = new_set(h, so, &r);
    if (rc)
        return rc;
    if (other->used > so->used) { /* iterate over the smaller */
        hd_set_obj_t *t = so;
        so = other;
        other = t;
    }
    for (int64_t i = 0; !rc && i <= other->mask; i++) {
        hd_set_entry_t *e = &other->table[i];
        bool in;
        if (is_live(h, e) && !(rc = contains_entry(h, so, e->key, e->hash, &in)) && in)
            rc = add_entry(h, r, e->key, e->hash);
    }
    if (rc) {
        hd__decref(h, &r->h);
        return rc;
    }
    *out = r;
    return 0;
}

int hd__set_intersection(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    hd_set_obj_t *sa = as_set(a), *sb = as_set(b);
    return sa && sb ? intersection(h, sa, sb, (hd_set_obj_t **)out) : HD_ETYPE;
}

/* difference_update: set_difference_update_internal: against a set over
 * 8 times larger, its intersection with so is what is discarded; more than
 * a quarter of dummies afterwards resizes them away */
static int difference_update(hd_heap_t *h, hd_set_obj_t *so, hd_set_obj_t *other)
{
    if (so == other) {
        clear_internal(h, so);
        return 0;
    }
    hd_set_obj_t *tmp = NULL;
    int rc = 0;
    if ((other->used >> 3) > so->used) {
        if ((rc = intersection(h, so, other, &tmp)) != 0)
            return rc;
        other = tmp;
    }
    for (int64_t i = 0; !rc && i <= other->mask; i++) {
        hd_set_entry_t *e = &other->table[i];
        bool found;
        if (is_live(h, e))
            rc = discard_entry(h, so, e->key, e->hash, &found);
    }
    if (tmp)
        hd__decref(h, &tmp->h);
    return rc ? rc : hd__set_difference_done(h, &so->h);
}

int hd__set_difference_done(hd_heap_t *h, hd_obj_t *set)
{
    hd_set_obj_t *so = (hd_set_obj_t *)set;
    if ((size_t)(so->fill - so->used) <= (size_t)so->mask / 4)
        return 0;
    return table_resize(h, so, so->used > SET_LARGE_USED ? so->used * 2 : so->used * 4);
}

int hd__set_difference_update(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b)
{
    hd_set_obj_t *sa = as_set(a), *sb = as_set(b);
    return sa && sb ? difference_update(h, sa, sb) : HD_ETYPE;
}

int hd__set_difference(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    hd_set_obj_t *so = as_set(a), *other = as_set(b), *r;
    if (!so || !other)
        return HD_ETYPE;
    int rc;
    if ((so->used >> 2) > other->used) { /* set_copy_and_difference */
        if ((rc = hd__set_copy(h, a, out)) != 0)
            return rc;
        if ((rc = difference_update(h, (hd_set_obj_t *)*out, other)) != 0)
            hd__decref(h, *out);
        return rc;
    }
    if ((rc = new_set(h, so, &r)) != 0)
        return rc;
    for (int64_t i = 0; !rc && i <= so->mask; i++) {
        hd_set_entry_t *e = &so->table[i];
        bool in;
        if (is_live(h, e) && !(rc = contains_entry(h, other, e->key, e->hash, &in)) && !in)
            rc = add_entry(h, r, e->key, e->hash);
    }
    if (rc) {
        hd__decref(h, &r->h);
        return rc;
    }
    *out = &r->h;
    return 0;
}

/* symdiff_update: set_symmetric_difference_update: each key of other is
 * discarded from so, or added when it was not there; no resize after */
static int symdiff_update(hd_heap_t *h, hd_set_obj_t *so, hd_set_obj_t *other)
{
    if (so == other) {
        clear_internal(h, so);
        return 0;
    }
    int rc = 0;
    for (int64_t i = 0; !rc && i <= other->mask; i++) {
        hd_set_entry_t *e = &other->table[i];
        bool found;
        if (is_live(h, e) && !(rc = discard_entry(h, so, e->key, e->hash, &found)) && !found)
            rc = add_entry(h, so, e->key, e->hash);
    }
    return rc;
}

int hd__set_symdiff_update(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b)
{
    hd_set_obj_t *sa = as_set(a), *sb = as_set(b);
    return sa && sb ? symdiff_update(h, sa, sb) : HD_ETYPE;
}

int hd__set_symdiff(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    hd_set_obj_t *sa = as_set(a), *sb = as_set(b), *r;
    if (!sa || !sb)
        return HD_ETYPE;
    int rc = new_set(h, sa, &r);
    if (rc)
        return rc;
    /* a copy of the other, then the update from so (even when the other
     * is so: 3.11 has no shortcut there) */
    if ((rc = merge(h, r, sb)) != 0 || (rc = symdiff_update(h, r, sa)) != 0) {
        hd__decref(h, &r->h);
        return rc;
    }
    *out = &r->h;
    return 0;
}

/* swap_bodies: set_swap_bodies (tables, counts; a smalltable's entries
 * are copied; the finger stays) */
static void swap_bodies(hd_set_obj_t *a, hd_set_obj_t *b)
{
    int64_t t;
    t = a->fill, a->fill = b->fill, b->fill = t;
    t = a->used, a->used = b->used, b->used = t;
    t = a->mask, a->mask = b->mask, b->mask = t;
    hd_set_entry_t *u = a->table == a->smalltable ? b->smalltable : a->table;
    a->table = b->table == b->smalltable ? a->smalltable : b->table;
    b->table = u;
    if (a->table == a->smalltable || b->table == b->smalltable) {
        hd_set_entry_t tab[HD_SET_MINSIZE];
        memcpy(tab, a->smalltable, sizeof(tab));
        memcpy(a->smalltable, b->smalltable, sizeof(tab));
        memcpy(b->smalltable, tab, sizeof(tab));
    }
    a->hash = b->hash = -1;
}

void hd__set_swap_bodies(hd_obj_t *a, hd_obj_t *b)
{
    swap_bodies((hd_set_obj_t *)a, (hd_set_obj_t *)b);
}

int hd__set_intersection_update(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b)
{
    hd_set_obj_t *sa = as_set(a), *sb = as_set(b), *tmp;
    if (!sa || !sb)
        return HD_ETYPE;
    int rc = intersection(h, sa, sb, &tmp);
    if (rc)
        return rc;
    swap_bodies(sa, tmp);
    hd__decref(h, &tmp->h);
    return 0;
}

/* ---- equality (hash.c's ==) ---- */

int hd__set_equal(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth)
{
    hd_set_obj_t *sa = (hd_set_obj_t *)a, *sb = (hd_set_obj_t *)b;
    if (sa->used != sb->used)
        return 0;
    for (int64_t i = 0; i <= sa->mask; i++) {
        hd_set_entry_t *e = &sa->table[i], *found, *slot, *freeslot;
        if (!is_live(h, e))
            continue;
        int rc = probe(h, sb, e->key, e->hash, depth + 1, &found, &slot, &freeslot);
        if (rc)
            return rc;
        if (!found)
            return 0;
    }
    return 1;
}

/* ---- the type table ---- */

int hd__set_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_obj_t *key;
    for (int64_t pos = 0; hd_set_next(o, &pos, &key);) {
        int rc = visit(key, arg);
        if (rc)
            return rc;
    }
    return 0;
}

void hd__set_clear(hd_heap_t *h, hd_obj_t *o)
{
    clear_internal(h, (hd_set_obj_t *)o);
}

void hd__set_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    /* set_dealloc: untracked by hd__dealloc; weakrefs first, then the keys
     * in table order, the table, the object */
    hd_set_obj_t *s = (hd_set_obj_t *)o;
    if (s->weakreflist)
        hd__weakref_clear_all(h, o);
    int64_t used = s->used;
    for (hd_set_entry_t *e = s->table; used > 0; e++) {
        if (is_live(h, e)) {
            used--;
            hd__decref(h, e->key);
        }
    }
    if (s->table != s->smalltable)
        hd__block_free(h, s->table);
    hd__obj_free_block(h, o);
}

size_t hd__set_sizeof(const hd_obj_t *o)
{
    const hd_set_obj_t *s = (const hd_set_obj_t *)o;
    size_t n = SET_BLOCK;
    if (s->table != s->smalltable)
        n += (size_t)(s->mask + 1) * sizeof(hd_set_entry_t);
    return n;
}

size_t hd__set_table_block(const hd_obj_t *o)
{
    const hd_set_obj_t *s = (const hd_set_obj_t *)o;
    return s->table != s->smalltable ? (size_t)(s->mask + 1) * sizeof(hd_set_entry_t) : 0;
}

void hd__set_repr(hd_heap_t *h, hd_obj_t *o, struct hd_strbuf *sb, int depth)
{
    hd_set_obj_t *s = (hd_set_obj_t *)o;
    bool frozen = o->type == HD_T_FROZENSET;
    if (hd__repr_enter(h, o)) {
        hd__sb_puts(sb, frozen ? "frozenset(...)" : "set(...)");
        return;
    }
    if (s->used == 0) {
        hd__sb_puts(sb, frozen ? "frozenset()" : "set()");
    } else {
        hd_obj_t *key;
        bool first = true;
        hd__sb_puts(sb, frozen ? "frozenset({" : "{");
        for (int64_t pos = 0; !hd__sb_full(sb) && hd_set_next(o, &pos, &key); first = false) {
            if (!first)
                hd__sb_puts(sb, ", ");
            hd__repr(h, key, sb, depth + 1);
        }
        hd__sb_puts(sb, frozen ? "})" : "}");
    }
    hd__repr_leave(h);
}

/* ---- frozenset's hash (frozenset_hash) ---- */

static uint64_t shuffle_bits(uint64_t h)
{
    return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL;
}

int64_t hd__frozenset_hash(const hd_heap_t *h, const hd_obj_t *o)
{
    const hd_set_obj_t *so = (const hd_set_obj_t *)o;
    uint64_t hash = 0;
    /* every entry's shuffled hash, the NULL and dummy ones' effect
     * removed: the same as the live entries' alone */
    for (int64_t i = 0; i <= so->mask; i++) {
        const hd_set_entry_t *e = &so->table[i];
        if (is_live(h, e))
            hash ^= shuffle_bits((uint64_t)e->hash);
    }
    hash ^= ((uint64_t)so->used + 1) * 1927868237ULL;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069U + 907133923ULL;
    if (hash == UINT64_MAX)
        hash = 590923713ULL;
    return (int64_t)hash;
}
