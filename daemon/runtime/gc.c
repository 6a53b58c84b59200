/*
 * gc.c: the cycle collector, CPython 3.11's Modules/gcmodule.c algorithm.
 *
 * State: three generations (circular doubly-linked lists of GC headers, a
 * count and a threshold each), the permanent generation (gc.freeze), the
 * long-lived counters, per-generation statistics, the debug flags and
 * gc.garbage.
 *
 * GC header: `next` is 0 for an untracked object. `prev` keeps FINALIZED in
 * bit 0 and COLLECTING in bit 1; outside a collection bits 2-3 hold the
 * object's generation (3 = permanent) and the rest the pointer (GC headers
 * are 16-byte aligned); during a collection its bits from 3 up hold gc_refs
 * and the list is singly linked through `next` until move_unreachable
 * rebuilds the prev pointers of what is reachable. A member of the
 * tentatively unreachable list has the pointer back and bit 2 (UNREACHABLE)
 * set: CPython marks them in `next` instead, which then has to be cleared by
 * one more walk of the garbage; the mark in `prev` goes away by itself,
 * when the object is freed or gets its generation bits back.
 *
 * Knowing each object's generation lets steps 2 and 3 below run as one pass
 * (update_and_subtract): a referent that belongs to the collected
 * generations but has not been reached yet by the walk gets its gc_refs
 * initialized on the spot. The counts come out exactly as CPython's two
 * passes compute them; the heap is read once less.
 *
 * A collection of generation g (collect()):
 *   1. count[g+1]++, count[0..g] = 0; merge the younger lists into g.
 *   2. update_refs: gc_refs = refcount, COLLECTING set.
 *   3. subtract_refs: for every reference between members, gc_refs--.
 *      What remains counts references from outside the generation.
 *   4. move_unreachable: gc_refs > 0 objects are reachable and so is all
 *      they reach; the rest goes to `unreachable` (counted, and noted if
 *      any of it is a weakref, has weakrefs or a __del__ to run).
 *   5. untrack_tuples; survivors merge into g+1 (g = 1 adds to
 *      long_lived_pending); a full collection untracks dicts and resets the
 *      long-lived counters.
 *   6. handle_weakrefs: clear every weakref to the garbage; queue callbacks
 *      of weakrefs that are not garbage themselves; run them. Skipped, with
 *      7 and 8, when step 4 noted nothing (and no debug hook ran): then the
 *      garbage is walked once more only, by step 9.
 *   7. finalize_garbage: __del__ once per object (FINALIZED bit). Skipped
 *      when step 6 counted no pending __del__ and ran no callback (one can
 *      add a __del__ to the garbage's class).
 *   8. handle_resurrected_objects: steps 2-4 again on the garbage; what a
 *      finalizer made reachable survives.
 *   9. delete_garbage: tp_clear each (or append to gc.garbage with
 *      DEBUG_SAVEALL), which breaks the cycles and lets refcounting free.
 *  10. a full collection empties the free lists; statistics; callbacks.
 * Legacy finalizers (tp_del) exist only in C types, so `uncollectable` is 0.
 */
#include "heap_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define NGEN           3
#define GEN_HEAD(h, g) (&(h)->gens[g].head)
#define PERM_HEAD(h)   (&(h)->permanent.head)
#define NEXT(g)        ((hd_gc_t *)((g)->next))
#define PREV(g)        ((hd_gc_t *)((g)->prev & HD_GC_PREV_MASK))
#define FLAGS_MASK     (HD_GC_PREV_FINALIZED | HD_GC_PREV_COLLECTING | HD_GC_GEN_MASK)

/* ---- lists ---- */

static void list_init(hd_gc_t *head)
{
    head->next = head->prev = (uintptr_t)head;
}

static bool list_is_empty(const hd_gc_t *head)
{
    return head->next == (uintptr_t)head;
}

static void set_prev(hd_gc_t *g, hd_gc_t *p)
{
    g->prev = (g->prev & FLAGS_MASK) | (uintptr_t)p;
}

static void list_append(hd_gc_t *node, hd_gc_t *list)
{
    hd_gc_t *last = (hd_gc_t *)list->prev;
    set_prev(node, last);
    last->next = (uintptr_t)node;
    node->next = (uintptr_t)list;
    list->prev = (uintptr_t)node;
}

static void list_move(hd_gc_t *node, hd_gc_t *list)
{
    hd_gc_t *from_prev = PREV(node), *from_next = NEXT(node);
    from_prev->next = (uintptr_t)from_next;
    set_prev(from_next, from_prev);
    hd_gc_t *to_prev = (hd_gc_t *)list->prev;
    set_prev(node, to_prev);
    to_prev->next = (uintptr_t)node;
    list->prev = (uintptr_t)node;
    node->next = (uintptr_t)list;
}

/* list_merge: append every node of `from` to `to`; `from` becomes empty. */
static void list_merge(hd_gc_t *from, hd_gc_t *to)
{
    if (list_is_empty(from))
        return;
    hd_gc_t *to_tail = (hd_gc_t *)to->prev;
    hd_gc_t *from_head = NEXT(from), *from_tail = (hd_gc_t *)from->prev;
    to_tail->next = (uintptr_t)from_head;
    set_prev(from_head, to_tail);
    from_tail->next = (uintptr_t)to;
    to->prev = (uintptr_t)from_tail;
    list_init(from);
}

static uint64_t list_size(const hd_gc_t *head)
{
    uint64_t n = 0;
    for (const hd_gc_t *g = NEXT(head); g != head; g = NEXT(g))
        n++;
    return n;
}

/* ---- gc_refs in prev ---- */

static int64_t get_refs(const hd_gc_t *g)
{
    return (int64_t)(g->prev >> HD_GC_PREV_SHIFT);
}

static void set_refs(hd_gc_t *g, int64_t refs)
{
    g->prev = (g->prev & 3) | ((uintptr_t)refs << HD_GC_PREV_SHIFT);
}

/* set_gen: outside the collecting state only. */
static void set_gen(hd_gc_t *g, int gen)
{
    g->prev = (g->prev & ~HD_GC_GEN_MASK) | ((uintptr_t)gen << HD_GC_GEN_SHIFT);
}

static int gen_bits(const hd_gc_t *g)
{
    return (int)((g->prev & HD_GC_GEN_MASK) >> HD_GC_GEN_SHIFT);
}

static void reset_refs(hd_gc_t *g, int64_t refs)
{
    g->prev = (g->prev & HD_GC_PREV_FINALIZED) | HD_GC_PREV_COLLECTING |
              ((uintptr_t)refs << HD_GC_PREV_SHIFT);
}

static bool is_collecting(const hd_gc_t *g)
{
    return (g->prev & HD_GC_PREV_COLLECTING) != 0;
}

/* ---- setup (tracking is inline: heap_int.h) ---- */

void hd__gc_init(hd_heap_t *h)
{
    for (int i = 0; i < NGEN; i++)
        list_init(GEN_HEAD(h, i));
    list_init(PERM_HEAD(h));
    h->gc_enabled = true;
}

void hd__gc_fini(hd_heap_t *h)
{
    (void)h;
}

/* ---- the collection's traversals ---- */

typedef struct visit_ctx {
    hd_heap_t *h;
    hd_gc_t *reachable;
    uint64_t moved_back; /* move_unreachable: taken back from `unreachable` */
} visit_ctx_t;

static int visit_decref(hd_obj_t *r, void *arg)
{
    (void)arg;
    if (hd__is_gc(r)) {
        hd_gc_t *g = HD_GC(r);
        if (is_collecting(g))
            g->prev -= (uintptr_t)1 << HD_GC_PREV_SHIFT;
    }
    return 0;
}

static void traverse(hd_heap_t *h, hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd__traverse_inline(h, o, visit, arg);
}

static void update_refs(hd_gc_t *containers)
{
    for (hd_gc_t *g = NEXT(containers); g != containers; g = NEXT(g))
        reset_refs(g, HD_FROM_GC(g)->refcnt);
}

static void subtract_refs(hd_heap_t *h, hd_gc_t *containers)
{
    for (hd_gc_t *g = NEXT(containers); g != containers; g = NEXT(g))
        traverse(h, HD_FROM_GC(g), visit_decref, NULL);
}

/* update_and_subtract: update_refs and subtract_refs in one walk of
 * `young`, which holds generations 0..gen. Its visitor, like
 * visit_reachable, is forced inline into the traversal (GCC keeps them
 * as calls otherwise): once per reference of every collected object. */
static inline __attribute__((always_inline)) int visit_init_decref(hd_obj_t *r, void *arg)
{
    if (!hd__is_gc(r))
        return 0;
    hd_gc_t *g = HD_GC(r);
    if (!is_collecting(g)) {
        if (g->next == 0 || gen_bits(g) > *(const int *)arg)
            return 0; /* untracked, or in an older generation */
        reset_refs(g, HD_FROM_GC(g)->refcnt);
    }
    g->prev -= (uintptr_t)1 << HD_GC_PREV_SHIFT;
    return 0;
}

/* subtract_class: visit_init_decref of the class `cls`, n times. */
static void subtract_class(hd_obj_t *cls, uint64_t n, int gen)
{
    hd_gc_t *g = HD_GC(cls);
    if (!is_collecting(g)) {
        if (g->next == 0 || gen_bits(g) > gen)
            return; /* untracked, or in an older generation */
        reset_refs(g, cls->refcnt);
    }
    g->prev -= (uintptr_t)n << HD_GC_PREV_SHIFT;
}

/* An instance's reference to its class is counted per run of instances of
 * one class (subtract_class) rather than visited one by one: the counts
 * are sums, which the order of the visits does not change, and nothing
 * reads them before the walk ends.
 *
 * Returns whether any object of `young` may need handle_weakrefs (see
 * needs_weakref_work, of which this is a superset read at the class runs
 * and the instances' flags, which the walk reads anyway): when none may,
 * move_unreachable does not ask for each of the garbage. */
static bool update_and_subtract(hd_heap_t *h, hd_gc_t *young, int gen)
{
    hd_obj_t *cls = NULL; /* the class of the current run, and its length */
    uint64_t ncls = 0;
    unsigned flags = 0;     /* the instances' flags, or-ed */
    bool class_del = false; /* a class of theirs has a __del__ */
    for (hd_gc_t *g = NEXT(young); g != young; g = NEXT(g)) {
        hd_obj_t *o = HD_FROM_GC(g);
        if (!is_collecting(g))
            reset_refs(g, o->refcnt);
        if (o->type != HD_T_INSTANCE) {
            traverse(h, o, visit_init_decref, &gen);
            continue;
        }
        hd__instance_traverse_attrs(h, o, visit_init_decref, &gen);
        flags |= o->flags;
        hd_class_obj_t *c = h->classes[o->aux];
        if (&c->h != cls) {
            if (ncls)
                subtract_class(cls, ncls, gen);
            cls = &c->h;
            ncls = 0;
            class_del = class_del || c->meta->has_del;
        }
        ncls++;
    }
    if (ncls)
        subtract_class(cls, ncls, gen);
    /* without a weakref object, no object has weakrefs or is one */
    return h->counts_by_type[HD_T_WEAKREF] != 0 || class_del || (flags & HD_OF_DEL);
}

static inline __attribute__((always_inline)) int visit_reachable(hd_obj_t *r, void *arg)
{
    if (!hd__is_gc(r))
        return 0;
    hd_gc_t *g = HD_GC(r);
    if (!is_collecting(g))
        return 0;
    if (g->prev & HD_GC_PREV_UNREACHABLE) {
        /* tentatively unreachable, but reachable after all: back to young */
        visit_ctx_t *ctx = arg;
        hd_gc_t *prev = PREV(g), *next = NEXT(g);
        prev->next = (uintptr_t)next;
        set_prev(next, prev);
        list_append(g, ctx->reachable);
        set_refs(g, 1);
        ctx->moved_back++;
    } else if (get_refs(g) == 0) {
        set_refs(g, 1);
    }
    return 0;
}

/* The survivors of move_unreachable: how many, and (full collections) the
 * dicts among them, for untrack_dicts; and what it learnt of the garbage. */
typedef struct survivors {
    uint64_t n;
    hd_obj_t **dicts; /* owned, or NULL when not collected */
    uint64_t ndicts, cap;
    bool collect_dicts;
    bool dicts_failed; /* the array could not grow: walk the list instead */
    uint64_t ngarbage; /* objects left in `unreachable` */
    bool weakref_work; /* one of them may need handle_weakrefs (needs_weakref_work) */
} survivors_t;

static bool tuple_untrackable(const hd_obj_t *o)
{
    const hd_tuple_obj_t *t = (const hd_tuple_obj_t *)o;
    for (int64_t i = 0; i < t->size; i++)
        if (hd__may_be_tracked(t->items[i]))
            return false;
    return true;
}

static void note_dict(hd_heap_t *h, survivors_t *sv, hd_obj_t *o)
{
    if (sv->dicts_failed)
        return;
    if (sv->ndicts == sv->cap) {
        uint64_t cap = sv->cap ? sv->cap * 2 : 64;
        hd_obj_t **p = hd_mem_realloc(h->mem, sv->dicts, cap * sizeof(*p));
        if (!p) {
            sv->dicts_failed = true;
            return;
        }
        sv->dicts = p;
        sv->cap = cap;
    }
    sv->dicts[sv->ndicts++] = o;
}

/* needs_weakref_work: whether handle_weakrefs has anything to do for `o`
 * when it is garbage: it is a weakref, has weakrefs, or is an instance whose
 * __del__ has not run. Read where move_unreachable touches the object
 * anyway, so that a collection whose garbage has none of these (the common
 * case) skips handle_weakrefs' walk of it. `weakrefs`: the heap has a
 * weakref object at all (without one, no weakref list can be non-empty). */
static bool needs_weakref_work(hd_heap_t *h, const hd_gc_t *g, hd_obj_t *o, bool weakrefs)
{
    if (o->type == HD_T_INSTANCE) {
        hd_class_meta_t *m = h->classes[o->aux]->meta;
        if (!(g->prev & HD_GC_PREV_FINALIZED) && (m->has_del || (o->flags & HD_OF_DEL)))
            return true;
        return weakrefs && m->weakrefable && *hd__instance_weakref_slot_m(o, m);
    }
    if (!weakrefs || !(hd__types[o->type].flags & HD_TF_WEAKREFABLE))
        return o->type == HD_T_WEAKREF;
    hd_weakref_obj_t **list = hd__weakref_list(h, o);
    return list && *list;
}

/* move_unreachable: gc_refs > 0 objects are reachable, and so is what they
 * reach; the rest moves to `unreachable`. With `sv`, it also does
 * untrack_tuples on the survivors as it goes: the scan visits them in their
 * final list order, so each tuple sees the same tracking state of its items
 * as CPython's separate pass would (earlier tuples decided, later ones not
 * yet), and counts the survivors; and it counts the garbage and notes
 * whether any of it needs handle_weakrefs (an object taken back from
 * `unreachable` may have set that note: it only costs the walk). */
static inline __attribute__((always_inline)) void move_unreachable(hd_heap_t *h, hd_gc_t *young,
                                                                   hd_gc_t *unreachable,
                                                                   survivors_t *sv, int target_gen,
                                                                   bool maybe_work)
{
    uintptr_t gen_bits_of_target = (uintptr_t)target_gen << HD_GC_GEN_SHIFT;
    hd_gc_t *prev = young;
    hd_gc_t *g = NEXT(young);
    visit_ctx_t ctx = {h, young, 0};
    uint64_t ngarbage = 0;
    bool weakref_work = false;
    bool ask = sv && maybe_work; /* whether to ask the garbage, until one says yes */
    bool weakrefs = h->counts_by_type[HD_T_WEAKREF] != 0; /* else no object has any */
    while (g != young) {
        if (get_refs(g)) {
            hd_obj_t *o = HD_FROM_GC(g);
            traverse(h, o, visit_reachable, &ctx);
            /* relink prev; leave the collecting state for the target's */
            g->prev = (g->prev & HD_GC_PREV_FINALIZED) | (uintptr_t)prev | gen_bits_of_target;
            if (sv && o->type == HD_T_TUPLE && tuple_untrackable(o)) {
                prev->next = g->next; /* untrack: the next one links back when scanned */
                g->next = 0;
                h->ntracked--;
                g->prev &= HD_GC_PREV_FINALIZED;
            } else {
                if (sv) {
                    sv->n++;
                    if (sv->collect_dicts && o->type == HD_T_DICT)
                        note_dict(h, sv, o);
                }
                prev = g;
            }
        } else {
            prev->next = g->next;
            hd_gc_t *last = (hd_gc_t *)unreachable->prev;
            last->next = (uintptr_t)g;
            g->prev = (g->prev & (HD_GC_PREV_FINALIZED | HD_GC_PREV_COLLECTING)) |
                      HD_GC_PREV_UNREACHABLE | (uintptr_t)last;
            g->next = (uintptr_t)unreachable;
            unreachable->prev = (uintptr_t)g;
            ngarbage++;
            if (HD_UNLIKELY(ask) && needs_weakref_work(h, g, HD_FROM_GC(g), weakrefs)) {
                weakref_work = true;
                ask = false;
            }
        }
        g = (hd_gc_t *)prev->next;
    }
    young->prev = (uintptr_t)prev;
    if (sv) {
        sv->ngarbage = ngarbage - ctx.moved_back;
        sv->weakref_work = weakref_work;
    }
}

/* deduce_unreachable: steps 2-4 on `base`. With gen >= 0, base holds the
 * generations 0..gen and the fused pass is used; with gen < 0 it is any
 * list (the garbage, re-scanned after finalizers) and membership is marked
 * first, as CPython does. Survivors get target_gen. */
static inline __attribute__((always_inline)) void deduce_unreachable(hd_heap_t *h, hd_gc_t *base,
                                                                     hd_gc_t *unreachable,
                                                                     survivors_t *sv, int gen,
                                                                     int target_gen)
{
    bool maybe_work = true; /* the re-scan (no sv) notes nothing */
    if (gen >= 0) {
        maybe_work = update_and_subtract(h, base, gen);
    } else {
        update_refs(base);
        subtract_refs(h, base);
    }
    list_init(unreachable);
    move_unreachable(h, base, unreachable, sv, target_gen, maybe_work);
}

/* untrack_dicts: full collections only (bpo-14775): dicts whose contents
 * cannot be tracked leave the lists. Returns how many were untracked. */
static uint64_t untrack_dicts(hd_heap_t *h, hd_gc_t *head, survivors_t *sv)
{
    uint64_t n = 0;
    if (!sv->dicts_failed) {
        for (uint64_t i = 0; i < sv->ndicts; i++)
            if (hd__dict_contents_untracked(sv->dicts[i])) {
                hd__gc_untrack(h, sv->dicts[i]);
                n++;
            }
    } else {
        hd_gc_t *next;
        for (hd_gc_t *g = NEXT(head); g != head; g = next) {
            next = NEXT(g);
            hd_obj_t *o = HD_FROM_GC(g);
            if (o->type == HD_T_DICT && hd__dict_contents_untracked(o)) {
                hd__gc_untrack(h, o);
                n++;
            }
        }
    }
    hd_mem_free(h->mem, sv->dicts);
    sv->dicts = NULL;
    return n;
}

/* ---- weakrefs, finalizers, resurrection, deletion ---- */

/* handle_weakrefs: clears every weakref to the garbage and runs the
 * callbacks of those that are not garbage themselves. Returns how many such
 * weakrefs died after their callback; *nfinalizers counts the objects whose
 * __del__ is still to run (the same pass, so that finalize_garbage can be
 * skipped when there are none); *called says whether any callback ran. */
static int64_t handle_weakrefs(hd_heap_t *h, hd_gc_t *unreachable, hd_gc_t *old, int old_gen,
                               uint64_t *nfinalizers, bool *called)
{
    uint64_t nfin = 0;
    hd_gc_t to_call;
    list_init(&to_call);
    hd_gc_t *next;
    for (hd_gc_t *g = NEXT(unreachable); g != unreachable; g = next) {
        hd_obj_t *o = HD_FROM_GC(g);
        next = NEXT(g);
        hd_weakref_obj_t **list;
        if (o->type == HD_T_INSTANCE) { /* the common case, without calls */
            hd_class_meta_t *m = h->classes[o->aux]->meta;
            if (!(g->prev & HD_GC_PREV_FINALIZED) && (m->has_del || (o->flags & HD_OF_DEL)))
                nfin++;
            if (!m->weakrefable)
                continue;
            list = hd__instance_weakref_slot_m(o, m);
        } else {
            if (o->type == HD_T_WEAKREF)
                hd__weakref_unlink(h, (hd_weakref_obj_t *)o);
            if (!(hd__types[o->type].flags & HD_TF_WEAKREFABLE))
                continue;
            list = hd__weakref_list(h, o);
        }
        if (!list)
            continue;
        while (*list) {
            hd_weakref_obj_t *wr = *list;
            hd__weakref_unlink(h, wr);
            if (!wr->callback && !(wr->h.flags & HD_OF_WR_NOTIFY))
                continue;
            hd_gc_t *wg = HD_GC(&wr->h);
            if (is_collecting(wg) || wg->next == 0)
                continue; /* itself garbage (or untracked): no call */
            hd__incref(&wr->h);
            list_move(wg, &to_call);
        }
    }
    *nfinalizers = nfin;
    *called = !list_is_empty(&to_call);
    int64_t freed = 0;
    while (!list_is_empty(&to_call)) {
        hd_gc_t *g = NEXT(&to_call);
        hd_weakref_obj_t *wr = (hd_weakref_obj_t *)HD_FROM_GC(g);
        hd__weakref_call(h, wr);
        hd__decref(h, &wr->h);
        if (NEXT(&to_call) == g) {
            list_move(g, old);
            set_gen(g, old_gen);
        } else {
            freed++;
        }
    }
    return freed;
}

/* finalize_garbage: __del__ of every object that has one and has not run
 * it yet. Returns how many ran. */
static uint64_t finalize_garbage(hd_heap_t *h, hd_gc_t *collectable)
{
    uint64_t ran = 0;
    hd_gc_t seen;
    list_init(&seen);
    while (!list_is_empty(collectable)) {
        hd_gc_t *g = NEXT(collectable);
        hd_obj_t *o = HD_FROM_GC(g);
        list_move(g, &seen);
        if (!(g->prev & HD_GC_PREV_FINALIZED) && hd_obj_has_del(h, o)) {
            g->prev |= HD_GC_PREV_FINALIZED;
            ran++;
            hd__incref(o);
            if (h->hooks.finalizer)
                h->hooks.finalizer(h, o, h->hooks.ctx);
            hd__decref(h, o);
        }
    }
    list_merge(&seen, collectable);
    return ran;
}

static void clear_collecting(hd_gc_t *head)
{
    for (hd_gc_t *g = NEXT(head); g != head; g = NEXT(g))
        g->prev &= ~HD_GC_PREV_COLLECTING;
}

static void handle_resurrected(hd_heap_t *h, hd_gc_t *unreachable, hd_gc_t *still, hd_gc_t *old,
                               int old_gen)
{
    clear_collecting(unreachable);
    deduce_unreachable(h, unreachable, still, NULL, -1, old_gen);
    if (h->hooks.resurrected) {
        for (hd_gc_t *g = NEXT(unreachable); g != unreachable; g = NEXT(g))
            if (hd_obj_has_del(h, HD_FROM_GC(g)))
                h->hooks.resurrected(h, HD_FROM_GC(g), h->hooks.ctx);
    }
    list_merge(unreachable, old);
}

static void delete_garbage(hd_heap_t *h, hd_gc_t *collectable, hd_gc_t *old, int old_gen)
{
    while (!list_is_empty(collectable)) {
        hd_gc_t *g = NEXT(collectable);
        hd_obj_t *o = HD_FROM_GC(g);
        hd_obj_t *garbage = NULL;
        if (HD_LIKELY(!(h->gc_debug & HD_GC_DEBUG_SAVEALL))) {
            hd__incref(o);
            if (o->type == HD_T_INSTANCE) /* the common case, without the table */
                hd__instance_clear_m(h, o, h->classes[o->aux]->meta);
            else
                hd__clear(h, o);
            hd__decref_inst(h, o);
        } else if (hd_gc_garbage(h, &garbage) == 0) {
            (void)hd_list_append(h, garbage, o); /* on failure it just survives */
        }
        if (NEXT(collectable) == g) { /* still alive: it may die later */
            g->prev &= ~HD_GC_PREV_COLLECTING;
            list_move(g, old);
            set_gen(g, old_gen);
        }
    }
}

/* ---- one collection ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void message(hd_heap_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void message(hd_heap_t *h, const char *fmt, ...)
{
    if (!h->hooks.gc_message)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    h->hooks.gc_message(h, line, h->hooks.ctx);
}

static void debug_objects(hd_heap_t *h, const char *what, hd_gc_t *list)
{
    for (hd_gc_t *g = NEXT(list); g != list; g = NEXT(g)) {
        hd_obj_t *o = HD_FROM_GC(g);
        /* CPython prints tp_name: "weakref.ReferenceType" for a weakref */
        message(h, "gc: %s <%s 0x%llx>", what,
                o->type == HD_T_WEAKREF ? "weakref.ReferenceType" : hd_obj_type_name(h, o),
                (unsigned long long)hd_obj_addr(h, o));
    }
}

static void collect_main(hd_heap_t *h, int gen, hd_gc_result_t *res)
{
    assert(gen >= 0 && gen < NGEN);
    gen = gen < 0 ? 0 : gen; /* never taken; tells the compiler gens[gen] is in bounds */
    uint64_t t0 = now_ns();
    if (h->gc_debug & HD_GC_DEBUG_STATS) {
        message(h, "gc: collecting generation %d...", gen);
        message(h, "gc: objects in each generation: %llu %llu %llu",
                (unsigned long long)list_size(GEN_HEAD(h, 0)),
                (unsigned long long)list_size(GEN_HEAD(h, 1)),
                (unsigned long long)list_size(GEN_HEAD(h, 2)));
        message(h, "gc: objects in permanent generation: %llu",
                (unsigned long long)list_size(PERM_HEAD(h)));
    }
    if (gen + 1 < NGEN)
        h->gens[gen + 1].count += 1;
    for (int i = 0; i <= gen; i++)
        h->gens[i].count = 0;
    for (int i = 0; i < gen; i++)
        list_merge(GEN_HEAD(h, i), GEN_HEAD(h, gen));
    hd_gc_t *young = GEN_HEAD(h, gen);
    int old_gen = gen + 1 < NGEN ? gen + 1 : gen;
    hd_gc_t *old = GEN_HEAD(h, old_gen);

    hd_gc_t unreachable;
    survivors_t sv = {0};
    sv.collect_dicts = young == old;
    deduce_unreachable(h, young, &unreachable, &sv, gen, old_gen);
    if (young != old) {
        if (gen == NGEN - 2)
            h->long_lived_pending += (int64_t)sv.n;
        list_merge(young, old);
    } else {
        uint64_t untracked = untrack_dicts(h, young, &sv);
        h->long_lived_pending = 0;
        h->long_lived_total = (int64_t)(sv.n - untracked) + h->long_lived_startup;
    }
    /* the embedder's code runs from here on (the message hook, weakref
     * callbacks, finalizers): what move_unreachable learnt holds only
     * until it does */
    bool embedder = false;
    if (h->gc_debug & HD_GC_DEBUG_COLLECTABLE) {
        debug_objects(h, "collectable", &unreachable);
        embedder = true;
    }

    /* without weakrefs or finalizers in the garbage, handle_weakrefs would
     * walk it for nothing */
    uint64_t nfinalizers = 0;
    bool called = false;
    int64_t m = 0;
    if (sv.weakref_work || embedder)
        m = handle_weakrefs(h, &unreachable, old, old_gen, &nfinalizers, &called);
    hd_gc_t final_unreachable;
    /* a callback may have given the garbage's class a __del__ (C.__del__ =
     * f): CPython's finalize_garbage reads tp_finalize after the callbacks,
     * so nfinalizers, counted before them, only holds if none ran */
    if ((nfinalizers > 0 || called) && finalize_garbage(h, &unreachable) > 0) {
        handle_resurrected(h, &unreachable, &final_unreachable, old, old_gen);
    } else {
        /* no finalizer ran, so nothing can have been resurrected: the
         * re-scan of CPython's handle_resurrected_objects would find the
         * same set */
        list_init(&final_unreachable);
        list_merge(&unreachable, &final_unreachable);
    }
    /* the embedder's code may have freed some */
    embedder = embedder || called || nfinalizers > 0;
    m += (int64_t)(embedder ? list_size(&final_unreachable) : sv.ngarbage);
    delete_garbage(h, &final_unreachable, old, old_gen);

    if (gen == NGEN - 1)
        hd__freelists_clear(h);
    res->collected = m;
    res->uncollectable = 0;
    res->duration_ns = now_ns() - t0;
    if (h->gc_debug & HD_GC_DEBUG_STATS)
        message(h, "gc: done, %lld unreachable, %lld uncollectable, %.4fs elapsed", (long long)m,
                0LL, (double)res->duration_ns / 1e9);
    h->gc_stats[gen].collections++;
    h->gc_stats[gen].collected += (uint64_t)m;
    h->gc_pause_ns_total += res->duration_ns;
}

static void collect_with_callback(hd_heap_t *h, int gen, hd_gc_result_t *res)
{
    hd_gc_info_t info = {gen, 0, 0, 0};
    if (h->hooks.gc_phase)
        h->hooks.gc_phase(h, 0, &info, h->hooks.ctx);
    collect_main(h, gen, res);
    info.collected = res->collected;
    info.uncollectable = res->uncollectable;
    info.duration_ns = res->duration_ns;
    if (h->hooks.gc_phase)
        h->hooks.gc_phase(h, 1, &info, h->hooks.ctx);
}

/* collect_generations: the automatic choice (gc_collect_generations). */
static void collect_generations(hd_heap_t *h)
{
    for (int i = NGEN - 1; i >= 0; i--) {
        if (h->gens[i].count > h->gens[i].threshold) {
            if (i == NGEN - 1 && h->long_lived_pending < h->long_lived_total / 4)
                continue;
            hd_gc_result_t res;
            collect_with_callback(h, i, &res);
            break;
        }
    }
}

void hd__gc_link_collect(hd_heap_t *h)
{
    if (h->gc_enabled && h->gens[0].threshold && !h->gc_collecting) {
        h->gc_collecting = true;
        collect_generations(h);
        h->gc_collecting = false;
    }
}

/* ---- the gc module ---- */

int hd_gc_collect(hd_heap_t *h, int generation, hd_gc_result_t *out)
{
    hd_gc_result_t res = {0, 0, 0};
    if (generation < 0 || generation > 2)
        return HD_EINVAL;
    if (h->gc_collecting) {
        if (out)
            *out = res;
        return HD_EBUSY;
    }
    h->gc_collecting = true;
    collect_with_callback(h, generation, &res);
    h->gc_collecting = false;
    if (out)
        *out = res;
    return 0;
}

void hd_gc_enable(hd_heap_t *h, bool enabled)
{
    h->gc_enabled = enabled;
}

bool hd_gc_is_enabled(const hd_heap_t *h)
{
    return h->gc_enabled;
}

int hd_gc_set_threshold(hd_heap_t *h, int t0, int t1, int t2)
{
    h->gens[0].threshold = t0;
    h->gens[1].threshold = t1;
    h->gens[2].threshold = t2;
    return 0;
}

void hd_gc_get_threshold(const hd_heap_t *h, int out[3])
{
    for (int i = 0; i < NGEN; i++)
        out[i] = h->gens[i].threshold;
}

void hd_gc_get_count(const hd_heap_t *h, int out[3])
{
    for (int i = 0; i < NGEN; i++)
        out[i] = h->gens[i].count;
}

void hd_gc_get_stats(const hd_heap_t *h, hd_gc_gen_stats_t out[3])
{
    memcpy(out, h->gc_stats, sizeof(h->gc_stats));
}

void hd_gc_set_debug(hd_heap_t *h, unsigned flags)
{
    h->gc_debug = flags;
}

unsigned hd_gc_get_debug(const hd_heap_t *h)
{
    return h->gc_debug;
}

uint64_t hd_gc_pause_total_ns(const hd_heap_t *h)
{
    return h->gc_pause_ns_total;
}

static void set_gen_all(hd_gc_t *head, int gen)
{
    for (hd_gc_t *g = NEXT(head); g != head; g = NEXT(g))
        set_gen(g, gen);
}

void hd_gc_freeze(hd_heap_t *h)
{
    for (int i = 0; i < NGEN; i++) {
        set_gen_all(GEN_HEAD(h, i), HD_GC_PERMANENT);
        list_merge(GEN_HEAD(h, i), PERM_HEAD(h));
        h->gens[0].count = 0; /* as 3.11 does: only count 0 */
    }
}

void hd_gc_unfreeze(hd_heap_t *h)
{
    set_gen_all(PERM_HEAD(h), NGEN - 1);
    list_merge(PERM_HEAD(h), GEN_HEAD(h, NGEN - 1));
}

uint64_t hd_gc_freeze_count(const hd_heap_t *h)
{
    return list_size(PERM_HEAD(h));
}

uint64_t hd_gc_generation_size(const hd_heap_t *h, int g)
{
    if (g < 0 || g > 3)
        return 0;
    return list_size(g == 3 ? &h->permanent.head : &h->gens[g].head);
}

int hd_gc_garbage(hd_heap_t *h, hd_obj_t **out)
{
    if (!h->garbage) {
        /* CPython makes gc.garbage at startup (_PyGC_Init): made late, it
         * must neither move count 0 nor start a collection */
        int count = h->gens[0].count;
        bool collecting = h->gc_collecting;
        h->gc_collecting = true;
        int rc = hd_list_new(h, 0, NULL, &h->garbage);
        h->gc_collecting = collecting;
        h->gens[0].count = count;
        if (rc)
            return rc;
    }
    *out = h->garbage;
    return 0;
}

int hd_obj_generation(const hd_heap_t *h, const hd_obj_t *o)
{
    if (!hd__is_gc(o) || !hd__gc_is_tracked(o))
        return -1;
    const hd_gc_t *target = HD_GC(o);
    if (!is_collecting(target))
        return gen_bits(target);
    /* asked from a hook during a collection: find its list */
    for (int g = 0; g < 4; g++) {
        const hd_gc_t *head = g == 3 ? &h->permanent.head : &h->gens[g].head;
        for (const hd_gc_t *x = NEXT(head); x != head; x = NEXT(x))
            if (x == target)
                return g;
    }
    return -1;
}

int hd_gc_get_objects(hd_heap_t *h, int generation, int (*fn)(hd_obj_t *o, void *arg), void *arg)
{
    if (generation < -1 || generation > 2)
        return HD_EINVAL;
    for (int g = 0; g < NGEN; g++) {
        if (generation >= 0 && g != generation)
            continue;
        hd_gc_t *head = GEN_HEAD(h, g);
        for (hd_gc_t *x = NEXT(head); x != head; x = NEXT(x)) {
            int rc = fn(HD_FROM_GC(x), arg);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int is_target(hd_obj_t *r, void *arg)
{
    return r == (hd_obj_t *)arg;
}

int hd_gc_get_referrers(hd_heap_t *h, hd_obj_t *o, int (*fn)(hd_obj_t *r, void *arg), void *arg)
{
    for (int g = 0; g < NGEN; g++) {
        hd_gc_t *head = GEN_HEAD(h, g);
        for (hd_gc_t *x = NEXT(head); x != head; x = NEXT(x)) {
            hd_obj_t *candidate = HD_FROM_GC(x);
            if (hd__traverse(h, candidate, is_target, o)) {
                int rc = fn(candidate, arg);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
}

/* ---- the dry run ----
 *
 * The same reachability computation as steps 2-4, on a side table instead
 * of the GC headers, so that nothing in the heap changes: an open-addressing
 * map from object to (gc_refs, reachable) for the members of generations
 * 0..g. */

typedef struct dry_entry {
    hd_obj_t *obj;
    int64_t refs;
    bool reachable;
} dry_entry_t;

typedef struct dry_map {
    dry_entry_t *slots;
    uint64_t mask;
    hd_obj_t **stack; /* worklist of reachable objects to traverse */
    uint64_t nstack;
} dry_map_t;

static dry_entry_t *dry_find(dry_map_t *m, const hd_obj_t *o)
{
    uint64_t j = (((uintptr_t)o >> 4) * 0x9e3779b97f4a7c15ull) & m->mask;
    while (m->slots[j].obj && m->slots[j].obj != o)
        j = (j + 1) & m->mask;
    return &m->slots[j];
}

static int dry_decref(hd_obj_t *r, void *arg)
{
    dry_entry_t *e = dry_find(arg, r);
    if (e->obj)
        e->refs--;
    return 0;
}

static int dry_mark(hd_obj_t *r, void *arg)
{
    dry_map_t *m = arg;
    dry_entry_t *e = dry_find(m, r);
    if (e->obj && !e->reachable) {
        e->reachable = true;
        m->stack[m->nstack++] = r;
    }
    return 0;
}

int hd_gc_dry_run(hd_heap_t *h, int generation, int (*fn)(hd_obj_t *o, void *arg), void *arg,
                  int64_t *collected, int64_t *uncollectable)
{
    if (generation < 0 || generation > 2)
        return HD_EINVAL;
    if (h->gc_collecting)
        return HD_EBUSY;
    uint64_t n = 0;
    for (int g = 0; g <= generation; g++)
        n += list_size(GEN_HEAD(h, g));
    uint64_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    dry_map_t m = {hd_mem_calloc(h->mem, cap, sizeof(dry_entry_t)), cap - 1,
                   hd_mem_malloc(h->mem, (n ? n : 1) * sizeof(hd_obj_t *)), 0};
    if (!m.slots || !m.stack) {
        hd_mem_free(h->mem, m.slots);
        hd_mem_free(h->mem, m.stack);
        return HD_ENOMEM;
    }
    for (int g = 0; g <= generation; g++)
        for (hd_gc_t *x = NEXT(GEN_HEAD(h, g)); x != GEN_HEAD(h, g); x = NEXT(x)) {
            dry_entry_t *e = dry_find(&m, HD_FROM_GC(x));
            e->obj = HD_FROM_GC(x);
            e->refs = e->obj->refcnt;
        }
    for (uint64_t i = 0; i < cap; i++)
        if (m.slots[i].obj)
            hd__traverse(h, m.slots[i].obj, dry_decref, &m);
    for (uint64_t i = 0; i < cap; i++)
        if (m.slots[i].obj && m.slots[i].refs > 0 && !m.slots[i].reachable) {
            m.slots[i].reachable = true;
            m.stack[m.nstack++] = m.slots[i].obj;
        }
    while (m.nstack)
        hd__traverse(h, m.stack[--m.nstack], dry_mark, &m);
    int64_t count = 0;
    int rc = 0;
    for (int g = 0; g <= generation && !rc; g++)
        for (hd_gc_t *x = NEXT(GEN_HEAD(h, g)); x != GEN_HEAD(h, g) && !rc; x = NEXT(x)) {
            if (dry_find(&m, HD_FROM_GC(x))->reachable)
                continue;
            count++;
            if (fn)
                rc = fn(HD_FROM_GC(x), arg);
        }
    hd_mem_free(h->mem, m.slots);
    hd_mem_free(h->mem, m.stack);
    if (collected)
        *collected = count;
    if (uncollectable)
        *uncollectable = 0;
    return rc;
}
