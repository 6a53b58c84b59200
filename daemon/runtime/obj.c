/*
 * obj.c: the life of an object: the type table, allocation (with 3.11's
 * gen-0 counting and automatic collection), deallocation at refcount zero
 * with CPython's trashcan, and the generic object facts of heap.h.
 *
 * Deallocation never recurses without bound. Container types are torn down
 * inside a nesting counter (CPython's Py_TRASHCAN_BEGIN/END): when a chain of
 * decrefs reaches HD_TRASH_UNWIND_LEVEL nested container deallocations, the
 * next dying container is not torn down but pushed on heap->delete_later,
 * linked through its GC header's prev word (it is untracked by then, so the
 * header is free but for the FINALIZED bit, which is kept). When the outermost deallocation
 * returns, the chain is drained in a loop. A 1,000,000-deep nested list therefore frees with at
 * most ~50 dealloc frames on the C stack. GC types that CPython deallocates
 * outside the trashcan (weakrefs, classes) nest under a counter of their own
 * (plain_dealloc), so chains of them are bounded too.
 */
#include "heap_int.h"
#include "trace.h"

const hd_type_info_t hd__types[HD_TYPE_COUNT] = {
    [HD_T_NONE] = {"NoneType", 0, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_BOOL] = {"bool", 0, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_INT] = {"int", 0, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_FLOAT] = {"float", HD_TF_SMALL, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_STR] = {"str", 0, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_BYTES] = {"bytes", 0, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_TUPLE] = {"tuple", HD_TF_GC | HD_TF_CONTAINER, hd__tuple_traverse, NULL,
                    hd__tuple_dealloc, hd__tuple_sizeof},
    [HD_T_LIST] = {"list", HD_TF_GC | HD_TF_CONTAINER | HD_TF_SMALL, hd__list_traverse,
                   hd__list_clear, hd__list_dealloc, hd__list_sizeof},
    [HD_T_DICT] = {"dict", HD_TF_GC | HD_TF_CONTAINER | HD_TF_SMALL, hd__dict_traverse,
                   hd__dict_clear, hd__dict_dealloc, hd__dict_sizeof},
    [HD_T_SET] = {"set", HD_TF_GC | HD_TF_CONTAINER | HD_TF_WEAKREFABLE | HD_TF_SMALL,
                  hd__set_traverse, hd__set_clear, hd__set_dealloc, hd__set_sizeof},
    [HD_T_OBJECT] = {"object", HD_TF_SMALL, NULL, NULL, hd__atom_dealloc, hd__atom_sizeof},
    [HD_T_INSTANCE] = {"instance", HD_TF_GC | HD_TF_CONTAINER | HD_TF_WEAKREFABLE,
                       hd__instance_traverse, hd__instance_clear, hd__instance_dealloc,
                       hd__instance_sizeof},
    [HD_T_WEAKREF] = {"weakref", HD_TF_GC | HD_TF_SMALL, hd__weakref_traverse, hd__weakref_clear,
                      hd__weakref_dealloc, hd__weakref_sizeof},
    /* type_dealloc has no trashcan bracket: a class is no CONTAINER here */
    [HD_T_CLASS] = {"type", HD_TF_GC | HD_TF_WEAKREFABLE, hd__class_traverse, hd__class_clear,
                    hd__class_dealloc, hd__class_sizeof},
    /* the script language's types (func.c, iter.c); every GC one tears down
     * inside the trashcan, so no chain of them can exhaust the C stack */
    [HD_T_CODE] = {"code", 0, hd__code_traverse, NULL, hd__code_dealloc, hd__code_sizeof},
    [HD_T_FUNCTION] = {"function", HD_TF_GC | HD_TF_CONTAINER | HD_TF_WEAKREFABLE,
                       hd__func_traverse, hd__func_clear, hd__func_dealloc, hd__func_sizeof},
    [HD_T_METHOD] = {"method", HD_TF_GC | HD_TF_CONTAINER | HD_TF_WEAKREFABLE, hd__method_traverse,
                     NULL, hd__method_dealloc, hd__method_sizeof},
    [HD_T_CELL] = {"cell", HD_TF_GC | HD_TF_CONTAINER, hd__cell_traverse, hd__cell_clear,
                   hd__cell_dealloc, hd__cell_sizeof},
    [HD_T_BUILTIN] = {"builtin", 0, NULL, NULL, hd__builtin_dealloc, hd__builtin_sizeof},
    [HD_T_CMETHOD] = {"builtin_function_or_method", HD_TF_GC | HD_TF_CONTAINER,
                      hd__cmethod_traverse, NULL, hd__cmethod_dealloc, hd__cmethod_sizeof},
    [HD_T_DESCR] = {"descriptor", HD_TF_GC | HD_TF_CONTAINER, hd__descr_traverse, NULL,
                    hd__descr_dealloc, hd__descr_sizeof},
    [HD_T_RANGE] = {"range", 0, NULL, NULL, hd__range_dealloc, hd__range_sizeof},
    [HD_T_SEQITER] = {"iterator", HD_TF_GC | HD_TF_CONTAINER, hd__seqiter_traverse, NULL,
                      hd__seqiter_dealloc, hd__seqiter_sizeof},
    [HD_T_RANGEITER] = {"range_iterator", 0, NULL, NULL, hd__rangeiter_dealloc,
                        hd__rangeiter_sizeof},
    [HD_T_DICTITER] = {"dict_iterator", HD_TF_GC | HD_TF_CONTAINER, hd__dictiter_traverse, NULL,
                       hd__dictiter_dealloc, hd__dictiter_sizeof},
    [HD_T_SETITER] = {"set_iterator", HD_TF_GC | HD_TF_CONTAINER, hd__setiter_traverse, NULL,
                      hd__setiter_dealloc, hd__setiter_sizeof},
    [HD_T_DICTVIEW] = {"dict_view", HD_TF_GC | HD_TF_CONTAINER, hd__dictview_traverse, NULL,
                       hd__dictview_dealloc, hd__dictview_sizeof},
    [HD_T_SLICE] = {"slice", HD_TF_GC | HD_TF_CONTAINER, hd__slice_traverse, NULL,
                    hd__slice_dealloc, hd__slice_sizeof},
    [HD_T_ENUMERATE] = {"enumerate", HD_TF_GC | HD_TF_CONTAINER, hd__enum_traverse, NULL,
                        hd__enum_dealloc, hd__enum_sizeof},
    [HD_T_ZIP] = {"zip", HD_TF_GC | HD_TF_CONTAINER, hd__zip_traverse, NULL, hd__zip_dealloc,
                  hd__zip_sizeof},
    [HD_T_REVITER] = {"reversed", HD_TF_GC | HD_TF_CONTAINER, hd__reviter_traverse, NULL,
                      hd__reviter_dealloc, hd__reviter_sizeof},
    [HD_T_MAP] = {"map", HD_TF_GC | HD_TF_CONTAINER, hd__map_traverse, NULL, hd__map_dealloc,
                  hd__map_sizeof},
    [HD_T_FILTER] = {"filter", HD_TF_GC | HD_TF_CONTAINER, hd__filter_traverse, NULL,
                     hd__filter_dealloc, hd__filter_sizeof},
    [HD_T_FROZENSET] = {"frozenset", HD_TF_GC | HD_TF_CONTAINER | HD_TF_WEAKREFABLE | HD_TF_SMALL,
                        hd__set_traverse, hd__set_clear, hd__set_dealloc, hd__set_sizeof},
};

const char *hd_type_name(int type)
{
    return (type >= 0 && type < HD_TYPE_COUNT) ? hd__types[type].name : "?";
}

int hd_type_from_name(const char *name)
{
    for (int t = 0; t < HD_TYPE_COUNT; t++)
        if (strcmp(hd__types[t].name, name) == 0)
            return t;
    return -1;
}

/* ---- allocation ---- */

/* hd__obj_alloc, hd__obj_retire, hd__obj_revive and hd__obj_free_managed
 * are inline (heap_int.h, at its end). */

void hd__obj_revive_traced(hd_heap_t *h, hd_obj_t *o)
{
    /* _Py_NewReference -> _PyTraceMalloc_NewReference: a traced block
     * reused from a free list takes the current site (same size) */
    void *start = hd__block_start(o);
    size_t requested;
    uint32_t kind;
    if (hd_trace_get(h->trace, start, &requested, NULL, &kind) == 0)
        (void)hd_trace_add(h->trace, start, requested, h->site, kind);
}

void hd__obj_free_block(hd_heap_t *h, hd_obj_t *o)
{
    unsigned tflags = hd__types[o->type].flags;
    /* a managed instance is a 56-byte block; the HD_TF_SMALL types' blocks
     * are 16..216 bytes: always from a pool */
    bool managed = (o->flags & HD_OF_MANAGED) != 0;
    bool small = managed || (tflags & HD_TF_SMALL);
    size_t presize = !(tflags & HD_TF_GC) ? 0
                     : managed            ? sizeof(hd_gc_t) + sizeof(hd_preheader_t)
                                          : sizeof(hd_gc_t);
    void *start = (char *)o - presize;
    hd__obj_retire(h, o);
    if ((tflags & HD_TF_GC) && h->gens[0].count > 0)
        h->gens[0].count--; /* PyObject_GC_Del */
    if (small) {
        hd__block_free_small(h, start);
    } else {
        if (HD_UNLIKELY(*h->tracing))
            hd_trace_remove(h->trace, start);
        hd_pool_block_free(h->pool, start);
    }
}

/* ---- deallocation and the trashcan ---- */

void hd__destroy_chain(hd_heap_t *h)
{
    while (h->delete_later) {
        hd_obj_t *o = h->delete_later;
        h->delete_later = (hd_obj_t *)(HD_GC(o)->prev & HD_GC_PREV_MASK);
        HD_GC(o)->prev &= HD_GC_PREV_FINALIZED;
        /* CPython drains at nesting 1 and the dealloc's own trashcan
         * bracket adds one more */
        h->delete_nesting += 2;
        hd__types[o->type].dealloc(h, o);
        h->delete_nesting -= 2;
    }
}

/* plain_dealloc: a GC type outside the trashcan (weakref, class), as
 * CPython's. Their deallocations can still nest without bound (a weakref
 * whose callback object is a weakref whose callback...), so they have a
 * counter of their own: past HD_PLAIN_UNWIND_LEVEL the object waits on
 * delete_later like a container (an order CPython never reaches: its C stack
 * overflows first). */
static void plain_dealloc(hd_heap_t *h, hd_obj_t *o, const hd_type_info_t *t)
{
    if (h->plain_nesting >= HD_PLAIN_UNWIND_LEVEL) {
        HD_GC(o)->prev = (HD_GC(o)->prev & HD_GC_PREV_FINALIZED) | (uintptr_t)h->delete_later;
        h->delete_later = o;
        return;
    }
    h->plain_nesting++;
    t->dealloc(h, o);
    h->plain_nesting--;
    if (h->plain_nesting == 0 && h->delete_nesting == 0 && h->delete_later)
        hd__destroy_chain(h);
}

void hd__dealloc(hd_heap_t *h, hd_obj_t *o)
{
    assert(o->refcnt == 0);
    /* the common container first, without the type table (instances are
     * never static; they untrack themselves: a finalizer may re-track them) */
    if (HD_LIKELY(o->type == HD_T_INSTANCE && h->delete_nesting < HD_TRASH_UNWIND_LEVEL)) {
        h->delete_nesting++;
        hd__instance_dealloc(h, o);
        if (--h->delete_nesting == 0 && h->delete_later)
            hd__destroy_chain(h);
        return;
    }
    if (HD_UNLIKELY(o->flags & HD_OF_STATIC)) {
        o->refcnt = 1; /* shared singletons are never freed before the heap */
        return;
    }
    /* the common atom, without the type table: hd__atom_dealloc of an int
     * is hd__obj_free_block (ints have no free list in 3.11), which for a
     * non-GC object without HD_TF_SMALL (a big int's block may be large)
     * comes to this */
    if (o->type == HD_T_INT) {
        hd__obj_retire(h, o);
        hd__block_free(h, o);
        return;
    }
    const hd_type_info_t *t = &hd__types[o->type];
    if (!(t->flags & HD_TF_CONTAINER)) {
        if (!(t->flags & HD_TF_GC)) {
            t->dealloc(h, o);
            return;
        }
        if (hd__gc_is_tracked(o))
            hd__gc_untrack(h, o);
        plain_dealloc(h, o, t);
        return;
    }
    /* Instances untrack themselves: a finalizer may re-track them. */
    if (o->type != HD_T_INSTANCE && hd__gc_is_tracked(o))
        hd__gc_untrack(h, o);
    if (h->delete_nesting >= HD_TRASH_UNWIND_LEVEL) {
        if (o->type == HD_T_INSTANCE && hd__gc_is_tracked(o))
            hd__gc_untrack(h, o);
        /* keep FINALIZED: a resurrected instance must not run __del__ twice */
        HD_GC(o)->prev = (HD_GC(o)->prev & HD_GC_PREV_FINALIZED) | (uintptr_t)h->delete_later;
        h->delete_later = o;
        return;
    }
    h->delete_nesting++;
    t->dealloc(h, o);
    h->delete_nesting--;
    if (h->delete_nesting == 0 && h->delete_later)
        hd__destroy_chain(h);
}

/* ---- public reference and fact functions ---- */

void hd_obj_incref(hd_obj_t *o)
{
    hd__incref(o);
}

void hd_obj_decref(hd_heap_t *h, hd_obj_t *o)
{
    hd__decref(h, o);
}

int hd_obj_type(const hd_obj_t *o)
{
    return o->type;
}

const char *hd_obj_type_name(hd_heap_t *h, const hd_obj_t *o)
{
    if (o->type == HD_T_INSTANCE)
        return hd__class_of(h, o)->meta->name;
    if (o->type >= HD_T_CODE)
        return hd__obj_type_name_ex(h, o);
    return hd__types[o->type].name;
}

uint64_t hd_obj_refcount(const hd_obj_t *o)
{
    /* a shared singleton holds one reference of the heap's own */
    return (o->flags & HD_OF_STATIC) ? o->refcnt - 1 : o->refcnt;
}

size_t hd_obj_sizeof(const hd_heap_t *h, const hd_obj_t *o)
{
    if (o->type == HD_T_INSTANCE)
        return hd__instance_sizeof_h(h, o);
    return hd__types[o->type].getsizeof(o);
}

int hd__traverse(hd_heap_t *h, hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    return hd__traverse_inline(h, o, visit, arg);
}

void hd__clear(hd_heap_t *h, hd_obj_t *o)
{
    const hd_type_info_t *t = &hd__types[o->type];
    if (t->clear)
        t->clear(h, o);
}

uint64_t hd_obj_addr(const hd_heap_t *h, const hd_obj_t *o)
{
    if (o->flags & HD_OF_STATIC)
        return 0x7f0000100000ull + (uint64_t)((uintptr_t)o & 0xfffff);
    return hd_pool_addr(h->pool, o);
}

uint64_t hd_obj_id(hd_heap_t *h, hd_obj_t *o)
{
    if (!(o->flags & HD_OF_INDEXED) && hd__ids_assign(h, o) != 0)
        return 0;
    return o->id;
}

bool hd_obj_is_static(const hd_obj_t *o)
{
    return (o->flags & HD_OF_STATIC) != 0;
}

bool hd_obj_is_gc(const hd_obj_t *o)
{
    return hd__is_gc(o);
}

bool hd_obj_is_tracked(const hd_obj_t *o)
{
    return hd__is_gc(o) && hd__gc_is_tracked(o);
}

bool hd_obj_is_finalized(const hd_obj_t *o)
{
    return hd__is_gc(o) && hd__gc_finalized(o);
}

int hd_obj_referents(hd_heap_t *h, hd_obj_t *o, int (*fn)(hd_obj_t *r, void *arg), void *arg)
{
    return hd__traverse(h, o, fn, arg);
}

uint32_t hd__type_kind(hd_heap_t *h, int type)
{
    return h->type_kinds[type];
}

uint32_t hd__kind(hd_heap_t *h, const hd_obj_t *o)
{
    if (o->type == HD_T_INSTANCE)
        return hd__class_of(h, o)->meta->kind;
    return h->type_kinds[o->type];
}
