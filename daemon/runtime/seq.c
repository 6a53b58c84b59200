/*
 * seq.c: tuple and list, with CPython 3.11's allocation rules.
 *
 * tuple: one block of 40 + 8n bytes (GC header, header, ob_size, items);
 * tracked at creation; the empty tuple is shared; free lists of up to 2000
 * tuples per length 1..20 (tuples on a free list keep their block and are
 * chained through items[0]).
 *
 * list: a 56-byte block (GC header + PyListObject) and a separate item array
 * of 8 * allocated bytes obtained with realloc (hd__block_realloc follows
 * PyObject_Realloc: it may move between a pool and the system allocator).
 * list_resize over-allocates by 1/8 + 6 rounded to 4 and shrinks only below
 * half; extending an empty list allocates exactly (rounded up to even),
 * from a set or dict through a tracked iterator as list_extend's generic
 * path does; deleting the last item clears the list (list_ass_slice), where
 * popping it keeps the array (list_resize). 80 list objects are kept on a
 * free list (without their item arrays).
 *
 * Every mutator allocates before it changes anything, so HD_ENOMEM and
 * HD_ELIMIT leave the list as it was; references are dropped last, because a
 * decref can run a finalizer that looks at the list again.
 */
#include "heap_int.h"

/* ---- tuple ---- */

static inline int tuple_alloc(hd_heap_t *h, size_t n, hd_obj_t **out);

int hd_tuple_new(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out)
{
    if (n == 0) {
        hd__incref(h->empty_tuple);
        *out = h->empty_tuple;
        return 0;
    }
    hd_obj_t *o;
    int rc = tuple_alloc(h, n, &o);
    if (rc)
        return rc;
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
    for (size_t i = 0; i < n; i++) {
        hd__incref(items[i]);
        t->items[i] = items[i];
    }
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__tuple_new_filled(hd_heap_t *h, size_t n, hd_obj_t *fill, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = tuple_alloc(h, n, &o);
    if (rc)
        return rc;
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
    for (size_t i = 0; i < n; i++) {
        hd__incref(fill);
        t->items[i] = fill;
    }
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

/* tuple_block: tuple_alloc's new block, when the free list has none (out
 * of line: the free list is the common case) */
static __attribute__((noinline)) int tuple_block(hd_heap_t *h, size_t n, hd_obj_t **out)
{
    int rc = hd__obj_alloc(h, HD_T_TUPLE, sizeof(hd_gc_t) + sizeof(hd_tuple_obj_t) + 8 * n,
                           sizeof(hd_gc_t), out);
    if (rc)
        return rc;
    ((hd_tuple_obj_t *)*out)->size = (int64_t)n;
    return 0;
}

/* tuple_alloc: PyTuple_New's allocation of n >= 1 items (items and tracking
 * left to the caller). */
static inline int tuple_alloc(hd_heap_t *h, size_t n, hd_obj_t **out)
{
    /* 3.11 takes from the free lists only below PyTuple_MAXSAVESIZE (20),
     * though it pushes tuples of 20 too */
    if (n >= HD_TUPLE_MAXSAVESIZE || !h->tuple_free[n])
        return tuple_block(h, n, out);
    int rc = hd__objects_limit(h);
    if (rc)
        return rc;
    hd_obj_t *o = h->tuple_free[n];
    h->tuple_free[n] = ((hd_tuple_obj_t *)o)->items[0];
    h->tuple_nfree[n]--;
    hd__obj_revive(h, o, HD_T_TUPLE);
    ((hd_tuple_obj_t *)o)->size = (int64_t)n;
    *out = o;
    return 0;
}

/* visit_items: tupletraverse and list_traverse, from the last item down */
static int visit_items(hd_obj_t *const *items, int64_t n, hd_visit_fn visit, void *arg)
{
    for (int64_t i = n; --i >= 0;) {
        int rc = visit(items[i], arg);
        if (rc)
            return rc;
    }
    return 0;
}

int hd__tuple_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
    return visit_items(t->items, t->size, visit, arg);
}

size_t hd__tuple_sizeof(const hd_obj_t *o)
{
    return sizeof(hd_gc_t) + sizeof(hd_tuple_obj_t) + 8 * (size_t)((hd_tuple_obj_t *)o)->size;
}

void hd__tuple_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
    int64_t n = t->size;
    for (int64_t i = n; --i >= 0;)
        hd__decref(h, t->items[i]);
    if (n <= HD_TUPLE_MAXSAVESIZE && h->tuple_nfree[n] < HD_TUPLE_MAXFREELIST) {
        hd__obj_retire(h, o);
        t->items[0] = h->tuple_free[n];
        h->tuple_free[n] = o;
        h->tuple_nfree[n]++;
        return;
    }
    hd__obj_free_block(h, o);
}

/* ---- list: allocation ---- */

static int list_resize(hd_heap_t *h, hd_list_obj_t *l, int64_t newsize);

static int list_alloc(hd_heap_t *h, hd_obj_t **out)
{
    hd_obj_t *o;
    if (h->list_nfree) {
        int rc = hd__objects_limit(h);
        if (rc)
            return rc;
        o = h->list_free[--h->list_nfree];
        hd__obj_revive(h, o, HD_T_LIST);
    } else {
        int rc = hd__obj_alloc(h, HD_T_LIST, sizeof(hd_gc_t) + sizeof(hd_list_obj_t),
                               sizeof(hd_gc_t), &o);
        if (rc)
            return rc;
    }
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    l->size = 0;
    l->items = NULL;
    l->allocated = 0;
    *out = o;
    return 0;
}

/* list_dispose: the end of a list object: free list or block. */
static void list_dispose(hd_heap_t *h, hd_obj_t *o)
{
    if (h->list_nfree < HD_LIST_MAXFREELIST) {
        hd__obj_retire(h, o);
        h->list_free[h->list_nfree++] = o;
        return;
    }
    hd__obj_free_block(h, o);
}

int hd_list_new(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = list_alloc(h, &o);
    if (rc)
        return rc;
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    if (n > HD_STACK_USE_GUIDELINE) {
        /* the compiler builds long displays with BUILD_LIST 0 + LIST_APPEND */
        for (size_t i = 0; i < n; i++) {
            if ((rc = list_resize(h, l, (int64_t)i + 1)) != 0) {
                hd__list_dealloc(h, o);
                return rc;
            }
            hd__incref(items[i]);
            l->items[i] = items[i];
        }
    } else if (n > 0) {
        void *arr;
        rc = hd__block_alloc(h, 8 * n, h->type_kinds[HD_T_LIST], &arr);
        if (rc) {
            list_dispose(h, o);
            return rc;
        }
        l->items = arr;
        l->allocated = (int64_t)n;
        for (size_t i = 0; i < n; i++) {
            hd__incref(items[i]);
            l->items[i] = items[i];
        }
        l->size = (int64_t)n;
    }
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

/* list_resize: 3.11's list_resize; HD_ENOMEM/HD_ELIMIT leave it unchanged. */
static int list_resize(hd_heap_t *h, hd_list_obj_t *l, int64_t newsize)
{
    int64_t allocated = l->allocated;
    if (allocated >= newsize && newsize >= (allocated >> 1)) {
        l->size = newsize;
        return 0;
    }
    uint64_t new_allocated = ((uint64_t)newsize + ((uint64_t)newsize >> 3) + 6) & ~(uint64_t)3;
    if (newsize - l->size > (int64_t)new_allocated - newsize)
        new_allocated = ((uint64_t)newsize + 3) & ~(uint64_t)3;
    if (newsize == 0)
        new_allocated = 0;
    void *items;
    int rc = hd__block_realloc(h, l->items, new_allocated * 8, h->type_kinds[HD_T_LIST], &items);
    if (rc)
        return rc;
    l->items = items;
    l->size = newsize;
    l->allocated = (int64_t)new_allocated;
    return 0;
}

static hd_list_obj_t *as_list(hd_obj_t *o)
{
    return o->type == HD_T_LIST ? (hd_list_obj_t *)o : NULL;
}

static bool fix_index(int64_t *index, int64_t size)
{
    if (*index < 0)
        *index += size;
    return *index >= 0 && *index < size;
}

/* ---- list: methods ---- */

int hd_list_append(hd_heap_t *h, hd_obj_t *list, hd_obj_t *item)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    int64_t n = l->size;
    int rc = list_resize(h, l, n + 1);
    if (rc)
        return rc;
    hd__incref(item);
    l->items[n] = item;
    return 0;
}

int hd_list_insert(hd_heap_t *h, hd_obj_t *list, int64_t where, hd_obj_t *item)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    int64_t n = l->size;
    int rc = list_resize(h, l, n + 1);
    if (rc)
        return rc;
    if (where < 0) {
        where += n;
        if (where < 0)
            where = 0;
    }
    if (where > n)
        where = n;
    memmove(&l->items[where + 1], &l->items[where], (size_t)(n - where) * 8);
    hd__incref(item);
    l->items[where] = item;
    return 0;
}

/* extend_exact: list_extend from a list or tuple (3.11): exact
 * pre-allocation (rounded up to even) when the list has no item array. */
static int extend_from_array(hd_heap_t *h, hd_list_obj_t *l, hd_obj_t *src, int64_t n)
{
    int64_t m = l->size;
    int rc;
    if (l->items == NULL) {
        uint64_t cap = ((uint64_t)n + 1) & ~(uint64_t)1;
        void *arr;
        rc = hd__block_alloc(h, cap * 8, h->type_kinds[HD_T_LIST], &arr);
        if (rc)
            return rc;
        l->items = arr;
        l->allocated = (int64_t)cap;
        l->size = n;
    } else if ((rc = list_resize(h, l, m + n)) != 0) {
        return rc;
    }
    /* the source may be the list itself: read its items after the resize */
    hd_obj_t **from =
        src->type == HD_T_LIST ? ((hd_list_obj_t *)src)->items : ((hd_tuple_obj_t *)src)->items;
    for (int64_t i = 0; i < n; i++) {
        hd__incref(from[i]);
        l->items[m + i] = from[i];
    }
    return 0;
}

/* extend_from_iter: list_extend's generic path (sets, dicts) as 3.11 runs
 * it: the iterator first (a tracked object: it moves the generation-0 count
 * and may start a collection), then room for the length hint (exact, rounded
 * up to even, when the list has no item array; list_resize otherwise), the
 * items, the cut back to the size, and last the iterator's release. */
static int extend_from_iter(hd_heap_t *h, hd_list_obj_t *l, hd_obj_t *src)
{
    hd_obj_t *it;
    int rc = hd__iter_new(h, src, &it);
    if (rc)
        return rc;
    /* read after the iterator's allocation: a collection in it may have run
     * finalizers that changed the list or the source */
    int64_t m = l->size, n = hd_len(src);
    if (l->items == NULL) {
        if (n > 0) {
            uint64_t cap = ((uint64_t)n + 1) & ~(uint64_t)1;
            void *arr;
            if ((rc = hd__block_alloc(h, cap * 8, h->type_kinds[HD_T_LIST], &arr)) == 0) {
                l->items = arr;
                l->allocated = (int64_t)cap;
            }
        }
    } else if ((rc = list_resize(h, l, m + n)) == 0) {
        l->size = m;
    }
    if (rc) {
        hd__decref(h, it);
        return rc;
    }
    hd_obj_t *key;
    /* nothing runs during the walk that could change the source: the hint
     * is exact and no item needs a further resize */
    while (hd__iter_next(h, it, &key) == 1)
        l->items[l->size++] = key;
    if (l->size < l->allocated)
        (void)list_resize(h, l, l->size); /* a shrink within the rules never fails */
    hd__decref(h, it);
    return 0;
}

int hd_list_extend(hd_heap_t *h, hd_obj_t *list, hd_obj_t *iterable)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    int64_t n = hd_len(iterable);
    switch (iterable->type) {
    case HD_T_LIST:
    case HD_T_TUPLE:
        return n == 0 ? 0 : extend_from_array(h, l, iterable, n);
    case HD_T_SET:
    case HD_T_FROZENSET:
    case HD_T_DICT:
        return extend_from_iter(h, l, iterable);
    }
    return HD_ETYPE;
}

/* list_del: del l[i] (list_ass_slice with one item): returns the removed
 * reference for the caller to drop or keep. */
static int list_del(hd_heap_t *h, hd_list_obj_t *l, int64_t i, hd_obj_t **removed)
{
    hd_obj_t *item = l->items[i];
    int64_t n = l->size;
    int64_t tail = n - i - 1;
    memmove(&l->items[i], &l->items[i + 1], (size_t)tail * 8);
    int rc = list_resize(h, l, n - 1);
    if (rc) { /* undo: the shrink's realloc failed */
        memmove(&l->items[i + 1], &l->items[i], (size_t)tail * 8);
        l->items[i] = item;
        return rc;
    }
    *removed = item;
    return 0;
}

int hd_list_pop(hd_heap_t *h, hd_obj_t *list, int64_t index, hd_obj_t **out)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    if (l->size == 0 || !fix_index(&index, l->size))
        return HD_EKEY;
    if (index == l->size - 1) {
        hd_obj_t *v = l->items[index];
        int rc = list_resize(h, l, l->size - 1);
        if (rc)
            return rc;
        *out = v;
        return 0;
    }
    return list_del(h, l, index, out);
}

int hd_list_delitem(hd_heap_t *h, hd_obj_t *list, int64_t index)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    if (!fix_index(&index, l->size))
        return HD_EKEY;
    if (l->size == 1) {
        /* list_ass_slice: a deletion that leaves nothing is _list_clear (the
         * item array is freed after the item is dropped), not a resize */
        hd__list_clear(h, list);
        return 0;
    }
    hd_obj_t *removed;
    int rc = list_del(h, l, index, &removed);
    if (rc == 0)
        hd__decref(h, removed);
    return rc;
}

int hd_list_index(hd_heap_t *h, hd_obj_t *list, hd_obj_t *value, int64_t *out)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    for (int64_t i = 0; i < l->size; i++) {
        if (l->items[i] == value || hd__obj_eq(h, l->items[i], value) == 1) {
            *out = i;
            return 0;
        }
    }
    return HD_EKEY;
}

int hd_list_remove(hd_heap_t *h, hd_obj_t *list, hd_obj_t *value)
{
    int64_t i;
    int rc = hd_list_index(h, list, value, &i);
    return rc ? rc : hd_list_delitem(h, list, i);
}

int hd_list_clear(hd_heap_t *h, hd_obj_t *list)
{
    if (!as_list(list))
        return HD_ETYPE;
    hd__list_clear(h, list);
    return 0;
}

int hd_list_setitem(hd_heap_t *h, hd_obj_t *list, int64_t index, hd_obj_t *item)
{
    hd_list_obj_t *l = as_list(list);
    if (!l)
        return HD_ETYPE;
    if (!fix_index(&index, l->size))
        return HD_EKEY;
    hd_obj_t *old = l->items[index];
    hd__incref(item);
    l->items[index] = item;
    hd__decref(h, old);
    return 0;
}

int hd_seq_getitem(hd_obj_t *seq, int64_t index, hd_obj_t **out)
{
    int64_t n;
    hd_obj_t **items;
    if (seq->type == HD_T_LIST) {
        n = ((hd_list_obj_t *)seq)->size;
        items = ((hd_list_obj_t *)seq)->items;
    } else if (seq->type == HD_T_TUPLE) {
        n = ((hd_tuple_obj_t *)seq)->size;
        items = ((hd_tuple_obj_t *)seq)->items;
    } else {
        return HD_ETYPE;
    }
    if (!fix_index(&index, n))
        return HD_EKEY;
    *out = items[index];
    return 0;
}

/* ---- list: type-table functions ---- */

int hd__list_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    return visit_items(l->items, l->size, visit, arg);
}

size_t hd__list_sizeof(const hd_obj_t *o)
{
    return sizeof(hd_gc_t) + sizeof(hd_list_obj_t) + 8 * (size_t)((hd_list_obj_t *)o)->allocated;
}

/* hd__list_clear: _list_clear: empty the list first, then drop the items
 * from the end, then free the array. */
void hd__list_clear(hd_heap_t *h, hd_obj_t *o)
{
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    hd_obj_t **items = l->items;
    if (!items)
        return;
    int64_t i = l->size;
    l->size = 0;
    l->items = NULL;
    l->allocated = 0;
    while (--i >= 0)
        hd__decref(h, items[i]);
    hd__block_free(h, items);
}

void hd__list_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    if (l->items) {
        for (int64_t i = l->size; --i >= 0;)
            hd__decref(h, l->items[i]);
        hd__block_free(h, l->items);
    }
    list_dispose(h, o);
}

int64_t hd_len(const hd_obj_t *o)
{
    switch (o->type) {
    case HD_T_STR:
        return ((const hd_str_obj_t *)o)->length;
    case HD_T_BYTES:
        return ((const hd_bytes_obj_t *)o)->size;
    case HD_T_TUPLE:
        return ((const hd_tuple_obj_t *)o)->size;
    case HD_T_LIST:
        return ((const hd_list_obj_t *)o)->size;
    case HD_T_DICT:
        return ((const hd_dict_obj_t *)o)->used;
    case HD_T_SET:
    case HD_T_FROZENSET:
        return ((const hd_set_obj_t *)o)->used;
    }
    return -1;
}

/* hd__freelists_clear: a full collection empties the free lists (3.11's
 * clear_freelists): their blocks go back to the pool. */
void hd__freelists_clear(hd_heap_t *h)
{
    /* 3.11's clear_freelists order: tuples, floats, lists, dicts */
    for (int n = 1; n <= HD_TUPLE_MAXSAVESIZE; n++) {
        while (h->tuple_free[n]) {
            hd_obj_t *o = h->tuple_free[n];
            h->tuple_free[n] = ((hd_tuple_obj_t *)o)->items[0];
            if (h->gens[0].count > 0)
                h->gens[0].count--; /* PyObject_GC_Del */
            hd__block_free(h, (char *)o - sizeof(hd_gc_t));
        }
        h->tuple_nfree[n] = 0;
    }
    while (h->float_free) {
        hd_obj_t *o = h->float_free;
        h->float_free = ((hd_float_obj_t *)o)->next_free;
        hd__block_free(h, o);
    }
    h->float_nfree = 0;
    while (h->list_nfree) {
        hd_obj_t *o = h->list_free[--h->list_nfree];
        if (h->gens[0].count > 0)
            h->gens[0].count--;
        hd__block_free(h, hd__block_start(o));
    }
    hd__dict_freelist_clear(h);
}
