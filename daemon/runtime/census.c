/*
 * census.c: finding every live object, referrers, and hd_heap_validate.
 *
 * Only GC objects are on lists; atoms and untracked containers are known
 * only through the references to them. The census therefore walks from the
 * roots (the namespace, the embedder's roots, gc.garbage, the classes) and
 * from every object on the GC lists, following every reference (dict keys
 * included, which tp_traverse skips), with a temporary visited set. An
 * object held only by the embedder and by nothing the census can see is not
 * found; hd_heap_validate reports that as external references.
 */
#include "heap_int.h"

#include <stdlib.h>

typedef struct census {
    hd_heap_t *h;
    hd_obj_t **set; /* open addressing, NULL = empty */
    uint32_t *incoming;
    int8_t *gen;    /* generation (0..2, 3 = permanent) or -1 */
    int8_t seeding; /* generation of the list being seeded, or -1 */
    uint64_t mask, used;
    hd_obj_t **stack;
    uint64_t nstack, stack_cap;
    int err;
} census_t;

static uint64_t ptr_hash(const void *p)
{
    return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull;
}

static int census_grow(census_t *c)
{
    uint64_t cap = (c->mask + 1) * 2;
    hd_obj_t **set = hd_mem_calloc(c->h->mem, cap, sizeof(*set));
    uint32_t *inc = hd_mem_calloc(c->h->mem, cap, sizeof(*inc));
    int8_t *gen = hd_mem_calloc(c->h->mem, cap, sizeof(*gen));
    if (!set || !inc || !gen) {
        hd_mem_free(c->h->mem, set);
        hd_mem_free(c->h->mem, inc);
        hd_mem_free(c->h->mem, gen);
        return HD_ENOMEM;
    }
    for (uint64_t i = 0; i <= c->mask; i++) {
        if (!c->set[i])
            continue;
        uint64_t j = ptr_hash(c->set[i]) & (cap - 1);
        while (set[j])
            j = (j + 1) & (cap - 1);
        set[j] = c->set[i];
        inc[j] = c->incoming[i];
        gen[j] = c->gen[i];
    }
    hd_mem_free(c->h->mem, c->set);
    hd_mem_free(c->h->mem, c->incoming);
    hd_mem_free(c->h->mem, c->gen);
    c->set = set;
    c->incoming = inc;
    c->gen = gen;
    c->mask = cap - 1;
    return 0;
}

/* census_add: records one reference to o; new objects go on the stack. */
static int census_ref(hd_obj_t *o, void *arg)
{
    census_t *c = arg;
    if (c->err)
        return c->err;
    if ((c->used + 1) * 2 > c->mask + 1 && (c->err = census_grow(c)))
        return c->err;
    uint64_t j = ptr_hash(o) & c->mask;
    while (c->set[j] && c->set[j] != o)
        j = (j + 1) & c->mask;
    if (c->set[j]) {
        c->incoming[j]++;
        return 0;
    }
    c->set[j] = o;
    c->incoming[j] = 1;
    c->gen[j] = c->seeding;
    c->used++;
    if (c->nstack == c->stack_cap) {
        uint64_t cap = c->stack_cap ? c->stack_cap * 2 : 256;
        void *p = hd_mem_realloc(c->h->mem, c->stack, cap * sizeof(*c->stack));
        if (!p)
            return c->err = HD_ENOMEM;
        c->stack = p;
        c->stack_cap = cap;
    }
    c->stack[c->nstack++] = o;
    return 0;
}

/* every reference o holds: traverse, plus the str keys that a unicode
 * dict's traverse skips and a class's tp_subclasses and ht_slots */
static void refs_of(census_t *c, hd_obj_t *o)
{
    if (o->type == HD_T_CLASS) {
        hd_class_obj_t *cls = (hd_class_obj_t *)o;
        if (cls->subclasses)
            census_ref(cls->subclasses, c);
        if (cls->slots)
            census_ref(cls->slots, c);
    }
    if (o->type == HD_T_DICT) {
        int64_t pos = 0;
        hd_obj_t *k, *v;
        while (hd_dict_next(o, &pos, &k, &v)) {
            census_ref(k, c);
            census_ref(v, c);
        }
        return;
    }
    hd__traverse(c->h, o, census_ref, c);
}

static int root_name(const char *name, hd_obj_t *o, void *arg)
{
    (void)name;
    return census_ref(o, arg);
}

/* census_seed: an object found on a GC list or in the class table: not a
 * reference, so it joins the set with no incoming count. */
static int census_seed(hd_obj_t *o, void *arg)
{
    census_t *c = arg;
    uint64_t before = c->used;
    if (census_ref(o, c))
        return c->err;
    uint64_t j = ptr_hash(o) & c->mask;
    while (c->set[j] != o)
        j = (j + 1) & c->mask;
    c->incoming[j] -= 1;
    (void)before;
    return 0;
}

static int census_run(hd_heap_t *h, census_t *c)
{
    memset(c, 0, sizeof(*c));
    c->h = h;
    c->mask = 255;
    c->set = hd_mem_calloc(h->mem, 256, sizeof(*c->set));
    c->incoming = hd_mem_calloc(h->mem, 256, sizeof(*c->incoming));
    c->gen = hd_mem_calloc(h->mem, 256, sizeof(*c->gen));
    if (!c->set || !c->incoming || !c->gen)
        return c->err = HD_ENOMEM;
    /* the GC lists first, so that each tracked object gets its generation */
    for (int g = 0; g < 3; g++) {
        c->seeding = (int8_t)g;
        hd_gc_get_objects(h, g, census_seed, c);
    }
    c->seeding = 3;
    for (hd_gc_t *x = (hd_gc_t *)h->permanent.head.next; x != &h->permanent.head;
         x = (hd_gc_t *)x->next)
        census_seed(HD_FROM_GC(x), c);
    c->seeding = -1;
    for (uint32_t i = 0; i < h->nclasses; i++)
        if (h->classes[i] && !hd__gc_is_tracked(&h->classes[i]->h))
            census_seed(&h->classes[i]->h, c);
    int rc = hd_ns_each(h, root_name, c);
    if (rc && !c->err)
        c->err = rc;
    if (h->hooks.visit_roots)
        h->hooks.visit_roots(h, census_ref, c, h->hooks.ctx);
    if (h->garbage)
        census_ref(h->garbage, c);
    while (c->nstack && !c->err)
        refs_of(c, c->stack[--c->nstack]);
    return c->err;
}

static void census_free(census_t *c)
{
    hd_mem_free(c->h->mem, c->set);
    hd_mem_free(c->h->mem, c->incoming);
    hd_mem_free(c->h->mem, c->gen);
    hd_mem_free(c->h->mem, c->stack);
}

typedef struct addr_obj {
    uint64_t addr;
    hd_obj_t *obj;
    int gen;
} addr_obj_t;

static int cmp_addr(const void *a, const void *b)
{
    uint64_t x = ((const addr_obj_t *)a)->addr, y = ((const addr_obj_t *)b)->addr;
    return x < y ? -1 : x > y;
}

int hd_heap_objects(hd_heap_t *h, int (*fn)(hd_obj_t *o, int generation, void *arg), void *arg)
{
    census_t c;
    int rc = census_run(h, &c);
    addr_obj_t *list = rc ? NULL : hd_mem_malloc(h->mem, (c.used + 1) * sizeof(*list));
    if (!rc && !list)
        rc = HD_ENOMEM;
    size_t n = 0;
    for (uint64_t i = 0; !rc && i <= c.mask; i++) {
        hd_obj_t *o = c.set[i];
        if (o && !(o->flags & HD_OF_STATIC))
            list[n++] = (addr_obj_t){hd_obj_addr(h, o), o, c.gen[i]};
    }
    census_free(&c);
    if (rc)
        return rc;
    qsort(list, n, sizeof(*list), cmp_addr);
    for (size_t i = 0; i < n && !rc; i++)
        rc = fn(list[i].obj, list[i].gen, arg);
    hd_mem_free(h->mem, list);
    return rc;
}

typedef struct referrers_ctx {
    hd_obj_t *target;
    int found;
} referrers_ctx_t;

static int refers(hd_obj_t *r, void *arg)
{
    referrers_ctx_t *rc = arg;
    if (r == rc->target)
        rc->found = 1;
    return rc->found;
}

typedef struct referrers_walk {
    hd_heap_t *h;
    hd_obj_t *target;
    int (*fn)(hd_obj_t *r, void *arg);
    void *arg;
} referrers_walk_t;

static int check_referrer(hd_obj_t *o, int generation, void *arg)
{
    (void)generation;
    referrers_walk_t *w = arg;
    referrers_ctx_t rc = {w->target, 0};
    if (o->type == HD_T_DICT) {
        int64_t pos = 0;
        hd_obj_t *k, *v;
        while (!rc.found && hd_dict_next(o, &pos, &k, &v))
            rc.found = k == w->target || v == w->target;
    } else {
        hd__traverse(w->h, o, refers, &rc);
    }
    return rc.found ? w->fn(o, w->arg) : 0;
}

int hd_obj_referrers(hd_heap_t *h, hd_obj_t *o, int (*fn)(hd_obj_t *r, void *arg), void *arg)
{
    referrers_walk_t w = {h, o, fn, arg};
    return hd_heap_objects(h, check_referrer, &w);
}

/* ---- validate ---- */

static const char *check_gen_lists(hd_heap_t *h)
{
    uint64_t n = 0;
    for (int g = 0; g < 4; g++) {
        hd_gc_t *head = g == 3 ? &h->permanent.head : &h->gens[g].head;
        hd_gc_t *prev = head;
        for (hd_gc_t *x = (hd_gc_t *)head->next; x != head; x = (hd_gc_t *)x->next) {
            if ((x->prev & HD_GC_PREV_MASK) != (uintptr_t)prev)
                return "generation list: prev pointer broken";
            if (x->prev & HD_GC_PREV_COLLECTING || x->next & HD_GC_NEXT_UNREACHABLE)
                return "generation list: collection flags left set";
            if (!hd__is_gc(HD_FROM_GC(x)))
                return "generation list: holds a non-GC object";
            if ((int)((x->prev & HD_GC_GEN_MASK) >> HD_GC_GEN_SHIFT) != g)
                return "generation list: an object's generation bits are wrong";
            prev = x;
            n++;
        }
        if ((hd_gc_t *)head->prev != prev)
            return "generation list: tail pointer broken";
        if (g < 3 && h->gens[g].count < 0)
            return "generation count negative";
    }
    if (n != h->ntracked)
        return "the count of tracked objects is wrong";
    return NULL;
}

/* check_class: a class's type slots have their types; its MRO starts
 * with it */
static const char *check_class(const hd_class_obj_t *c)
{
    if ((c->attrs && c->attrs->type != HD_T_DICT) ||
        (c->subclasses && c->subclasses->type != HD_T_DICT))
        return "a class's dict or subclasses is not a dict";
    if ((c->bases && c->bases->type != HD_T_TUPLE) || (c->slots && c->slots->type != HD_T_TUPLE))
        return "a class's bases or slots is not a tuple";
    if (c->base && c->base->type != HD_T_CLASS && c->base->type != HD_T_BUILTIN)
        return "a class's base is not a type";
    if (c->mro && (c->mro->type != HD_T_TUPLE || hd_len(c->mro) == 0 ||
                   ((hd_tuple_obj_t *)c->mro)->items[0] != &c->h))
        return "a class's MRO does not start with it";
    return NULL;
}

static const char *check_census(hd_heap_t *h, census_t *c, hd_census_t *out)
{
    uint64_t found = 0, external = 0, by_type[HD_TYPE_COUNT] = {0};
    for (uint64_t i = 0; i <= c->mask; i++) {
        hd_obj_t *o = c->set[i];
        if (!o)
            continue;
        uint64_t refs = hd_obj_refcount(o);
        if (refs < c->incoming[i])
            return "an object has fewer references than point at it";
        external += refs - c->incoming[i];
        if (o->flags & HD_OF_STATIC)
            continue;
        if (o->refcnt == 0)
            return "a live object has refcount 0";
        if (hd__is_gc(o) && o->type != HD_T_DICT && o->type != HD_T_TUPLE &&
            !hd__gc_is_tracked(o) && o != h->garbage)
            return "a container that must be tracked is not";
        const char *bad = o->type == HD_T_CLASS ? check_class((hd_class_obj_t *)o) : NULL;
        if (bad)
            return bad;
        found++;
        by_type[o->type]++;
    }
    if (found > h->nobjects)
        return "the census found more objects than are counted";
    uint64_t sum = 0;
    for (int t = 0; t < HD_TYPE_COUNT; t++)
        sum += h->counts_by_type[t];
    if (sum != h->nobjects)
        return "per-type counts do not add up";
    if (out) {
        out->found = found;
        out->external_refs = external;
    }
    return NULL;
}

int hd_heap_validate(hd_heap_t *h, const char **why, hd_census_t *census)
{
    const char *bad = NULL;
    if (hd_pool_validate(h->pool, &bad) != 0) {
        if (why)
            *why = bad ? bad : "pool invalid";
        return HD_EINVAL;
    }
    if ((bad = check_gen_lists(h)) != NULL) {
        if (why)
            *why = bad;
        return HD_EINVAL;
    }
    census_t c;
    int rc = census_run(h, &c);
    if (!rc)
        bad = check_census(h, &c, census);
    census_free(&c);
    if (rc)
        return rc;
    if (bad) {
        if (why)
            *why = bad;
        return HD_EINVAL;
    }
    return 0;
}
