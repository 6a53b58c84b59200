/*
 * weakref.c: weak references, as CPython 3.11's Objects/weakrefobject.c.
 *
 * A weakref is a tracked 80-byte object (GC header + PyWeakReference). The
 * weakrefs to one object form a doubly-linked list whose head lives in the
 * object (instances, sets and classes have the slot). A callback-less ref is
 * kept at the head and shared by later requests; refs with callbacks are
 * always new and inserted right after it, so callbacks run newest first.
 *
 * On refcount death (hd__weakref_clear_all, PyObject_ClearWeakRefs) every ref
 * is cleared first (each callback then sees a dead ref), and only then are
 * the callbacks called, in list order. A ref whose own refcount is already 0
 * gets no call. With two or more refs left after the callback-less one, the
 * refs and callbacks go into CPython's temporary tuple first (which moves the
 * generation-0 count as python3's does); with one, or when that tuple cannot
 * be allocated, the refs that will be called are chained through their (now
 * unused) `next` field and held by a reference each, so clearing never
 * fails.
 */
#include "heap_int.h"

#include <stdio.h>

#define WEAKREF_BLOCK (sizeof(hd_gc_t) + sizeof(hd_weakref_obj_t))

static bool has_callback(const hd_weakref_obj_t *wr)
{
    return wr->callback != NULL || (wr->h.flags & HD_OF_WR_NOTIFY);
}

hd_weakref_obj_t **hd__weakref_list(hd_heap_t *h, hd_obj_t *o)
{
    switch (o->type) {
    case HD_T_INSTANCE:
        return hd__instance_weakref_slot(h, o);
    case HD_T_SET:
    case HD_T_FROZENSET:
        return &((hd_set_obj_t *)o)->weakreflist;
    case HD_T_CLASS:
        return &((hd_class_obj_t *)o)->weakreflist;
    case HD_T_FUNCTION:
        return &((hd_func_obj_t *)o)->weakreflist;
    case HD_T_METHOD:
        return &((hd_method_obj_t *)o)->weakreflist;
    }
    return NULL;
}

void hd_weakref_error(hd_heap_t *h, const hd_obj_t *target, char *buf, size_t len)
{
    snprintf(buf, len, "cannot create weak reference to '%s' object", hd_obj_type_name(h, target));
}

/* ---- the list ---- */

static void insert_head(hd_weakref_obj_t *wr, hd_weakref_obj_t **list)
{
    hd_weakref_obj_t *next = *list;
    wr->prev = NULL;
    wr->next = next;
    if (next)
        next->prev = wr;
    *list = wr;
}

static void insert_after(hd_weakref_obj_t *wr, hd_weakref_obj_t *prev)
{
    wr->prev = prev;
    wr->next = prev->next;
    if (prev->next)
        prev->next->prev = wr;
    prev->next = wr;
}

void hd__weakref_unlink(hd_heap_t *h, hd_weakref_obj_t *wr)
{
    if (!wr->object)
        return;
    hd_weakref_obj_t **list = hd__weakref_list(h, wr->object);
    if (*list == wr)
        *list = wr->next;
    if (wr->prev)
        wr->prev->next = wr->next;
    if (wr->next)
        wr->next->prev = wr->prev;
    wr->prev = wr->next = NULL;
    wr->object = NULL;
}

/* clear_weakref: unlink from the referent and drop the callback. */
static void clear_weakref(hd_heap_t *h, hd_weakref_obj_t *wr)
{
    hd__weakref_unlink(h, wr);
    hd_obj_t *cb = wr->callback;
    wr->callback = NULL;
    wr->h.flags &= (uint8_t)~HD_OF_WR_NOTIFY;
    hd__xdecref(h, cb);
}

/* ---- creation ---- */

static hd_weakref_obj_t *basic_ref(hd_weakref_obj_t **list)
{
    hd_weakref_obj_t *head = *list;
    return head && !has_callback(head) ? head : NULL;
}

/* init_ref: a new weakref's fields, but its place in the referent's list */
static hd_weakref_obj_t *init_ref(hd_obj_t *o, hd_obj_t *target, hd_obj_t *callback, bool notify)
{
    hd_weakref_obj_t *wr = (hd_weakref_obj_t *)o;
    wr->object = target;
    wr->callback = callback;
    if (callback)
        hd__incref(callback);
    if (notify)
        o->flags |= HD_OF_WR_NOTIFY;
    wr->hash = -1;
    wr->vectorcall = 0;
    return wr;
}

int hd_weakref_new(hd_heap_t *h, hd_obj_t *target, hd_obj_t *callback, bool notify, hd_obj_t **out)
{
    if (!hd__weakref_list(h, target))
        return HD_ETYPE;
    bool shared = !callback && !notify;
    hd_weakref_obj_t *basic = basic_ref(hd__weakref_list(h, target));
    if (shared && basic) {
        hd__incref(&basic->h);
        *out = &basic->h;
        return 0;
    }
    hd_obj_t *o;
    /* the allocation may run a collection: the target (perhaps named only by
     * id, as CPython's argument would be held by the call) must outlive it */
    hd__incref(target);
    int rc = hd__obj_alloc(h, HD_T_WEAKREF, WEAKREF_BLOCK, sizeof(hd_gc_t), &o);
    if (rc) {
        hd__decref(h, target);
        return rc;
    }
    /* look at the list again: the collection may have changed it */
    hd_weakref_obj_t **list = hd__weakref_list(h, target);
    basic = basic_ref(list);
    if (shared && basic) {
        hd__obj_free_block(h, o);
        hd__incref(&basic->h);
        *out = &basic->h;
        hd__decref(h, target);
        return 0;
    }
    hd_weakref_obj_t *wr = init_ref(o, target, callback, notify);
    if (shared || !basic)
        insert_head(wr, list);
    else
        insert_after(wr, basic);
    hd__gc_track(h, o);
    *out = o;
    hd__decref(h, target); /* the weakref keeps nothing alive; the caller still holds it */
    return 0;
}

int hd__weakref_new_dead(hd_heap_t *h, hd_obj_t *callback, bool notify, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_WEAKREF, WEAKREF_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_weakref_obj_t *wr = init_ref(o, NULL, callback, notify);
    wr->prev = wr->next = NULL;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

hd_obj_t *hd_weakref_get(const hd_obj_t *wr)
{
    if (wr->type != HD_T_WEAKREF)
        return NULL;
    hd_obj_t *o = ((const hd_weakref_obj_t *)wr)->object;
    return o && o->refcnt > 0 ? o : NULL;
}

int64_t hd_weakref_count(hd_heap_t *h, hd_obj_t *o)
{
    hd_weakref_obj_t **list = hd__weakref_list(h, o);
    int64_t n = 0;
    for (hd_weakref_obj_t *wr = list ? *list : NULL; wr; wr = wr->next)
        n++;
    return n;
}

/* ---- callbacks ---- */

void hd__weakref_call(hd_heap_t *h, hd_weakref_obj_t *wr)
{
    if (h->hooks.weakref_callback)
        h->hooks.weakref_callback(h, &wr->h, wr->callback, h->hooks.ctx);
}

/* clear_all_chained: clears every ref of *list, then calls the callbacks of
 * those alive, holding each called ref by a reference and chaining them
 * through `next`: no allocation. */
static void clear_all_chained(hd_heap_t *h, hd_weakref_obj_t **list)
{
    hd_weakref_obj_t *chain = NULL, **tail = &chain;
    while (*list) {
        hd_weakref_obj_t *wr = *list;
        bool call = has_callback(wr) && wr->h.refcnt > 0;
        hd_obj_t *cb = wr->callback;
        uint8_t notify = wr->h.flags & HD_OF_WR_NOTIFY;
        wr->callback = NULL;
        hd__weakref_unlink(h, wr);
        if (!call) {
            hd__xdecref(h, cb);
            continue;
        }
        /* keep the callback for the call, and the ref alive until then */
        hd__incref(&wr->h);
        wr->callback = cb;
        wr->h.flags |= notify;
        *tail = wr;
        tail = &wr->next;
    }
    /* call every callback first; then drop them (callback, then weakref)
     * from the last to the first, as CPython releases its tuple */
    hd_weakref_obj_t *reversed = NULL;
    for (hd_weakref_obj_t *wr = chain, *next; wr; wr = next) {
        next = wr->next;
        hd__weakref_call(h, wr);
        wr->next = reversed;
        reversed = wr;
    }
    while (reversed) {
        hd_weakref_obj_t *wr = reversed;
        reversed = wr->next;
        wr->next = NULL;
        hd_obj_t *cb = wr->callback;
        wr->callback = NULL;
        wr->h.flags &= (uint8_t)~HD_OF_WR_NOTIFY;
        hd__xdecref(h, cb);
        hd__decref(h, &wr->h);
    }
}

/* call_from_tuple: the called refs and their callbacks are the pairs of
 * `tuple` (None for a ref not called); runs the callbacks in order. */
static void call_from_tuple(hd_heap_t *h, hd_tuple_obj_t *t)
{
    for (int64_t i = 0; i + 1 < t->size; i += 2) {
        if (t->items[i] == h->none)
            continue;
        hd_weakref_obj_t *wr = (hd_weakref_obj_t *)t->items[i];
        hd_obj_t *cb = t->items[i + 1];
        if (cb == h->none && (wr->h.flags & HD_OF_WR_NOTIFY))
            cb = NULL;
        /* the hook finds the callback on the ref, for the call only */
        wr->callback = cb;
        if (cb)
            hd__incref(cb);
        hd__weakref_call(h, wr);
        wr->callback = NULL;
        wr->h.flags &= (uint8_t)~HD_OF_WR_NOTIFY;
        hd__xdecref(h, cb);
    }
}

/* hd__weakref_clear_all: PyObject_ClearWeakRefs. The callback-less ref goes
 * first; one ref left is called directly; two or more are gathered, as 3.11
 * does, in a tuple of 2 * count items allocated before any is cleared (a
 * tracked object: it moves count 0 and may start a collection), called in
 * order, and released with the tuple (from the last item). When that tuple
 * cannot be had (out of memory, a cap, or a collection in its allocation
 * changed the list), the refs are chained instead: CPython would leave them
 * uncleared, pointing at a dead object. */
void hd__weakref_clear_all(hd_heap_t *h, hd_obj_t *o)
{
    hd_weakref_obj_t **list = hd__weakref_list(h, o);
    if (*list && !has_callback(*list))
        clear_weakref(h, *list);
    int64_t count = 0;
    for (hd_weakref_obj_t *wr = *list; wr; wr = wr->next)
        count++;
    if (count < 2) {
        clear_all_chained(h, list);
        return;
    }
    hd_obj_t *tuple;
    if (hd__tuple_new_filled(h, (size_t)count * 2, h->none, &tuple) != 0) {
        clear_all_chained(h, list);
        return;
    }
    int64_t now = 0;
    for (hd_weakref_obj_t *wr = *list; wr; wr = wr->next)
        now++;
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)tuple;
    for (int64_t i = 0; now == count && i < count; i++) {
        hd_weakref_obj_t *wr = *list;
        hd_obj_t *cb = wr->callback;
        uint8_t notify = wr->h.flags & HD_OF_WR_NOTIFY;
        wr->callback = NULL;
        hd__weakref_unlink(h, wr);
        if (wr->h.refcnt == 0) {
            hd__xdecref(h, cb);
            continue;
        }
        hd__incref(&wr->h);
        hd__decref(h, t->items[2 * i]); /* None */
        t->items[2 * i] = &wr->h;
        if (cb) {
            hd__decref(h, t->items[2 * i + 1]); /* None */
            t->items[2 * i + 1] = cb;           /* the ref's reference moves here */
        }
        wr->h.flags |= notify;
    }
    call_from_tuple(h, t);
    hd__decref(h, tuple);
    if (*list) /* the list changed during the tuple's allocation */
        clear_all_chained(h, list);
}

/* ---- type-table functions ---- */

int hd__weakref_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_weakref_obj_t *wr = (hd_weakref_obj_t *)o;
    return wr->callback ? visit(wr->callback, arg) : 0;
}

void hd__weakref_clear(hd_heap_t *h, hd_obj_t *o)
{
    clear_weakref(h, (hd_weakref_obj_t *)o);
}

size_t hd__weakref_sizeof(const hd_obj_t *o)
{
    (void)o;
    return WEAKREF_BLOCK;
}

void hd__weakref_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    clear_weakref(h, (hd_weakref_obj_t *)o);
    hd__obj_free_block(h, o);
}
