/*
 * heap.c: a heap's lifecycle, its block allocation (pool + tracing + caps),
 * the id index and the namespace.
 *
 * Id index: object ids are given out lazily (hd_obj_id) from a 64-bit
 * counter. The index maps id -> object with open addressing over 32-bit
 * pool handles (hd_pool_handle): the key is not stored, it is read from the
 * object the handle names, so an entry costs 4 bytes and the index stays
 * under 16 bytes per indexed object even just after it doubles. Shared
 * singletons live outside the pools and are indexed in a small side array.
 *
 * Namespace: the heap's module globals, a hash table of owned name strings
 * to owned references (inspector memory: CPython keeps them in the module's
 * dict, which the model does not simulate).
 */
#include "heap_int.h"

#include <stdlib.h>

#include "trace.h"

#define IDX_TOMB 0xffffffffu
#define NS_TOMB  ((char *)1)

void hd_heap_config_default(hd_heap_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->gc_enabled = true;
    cfg->thresholds[0] = 700;
    cfg->thresholds[1] = 10;
    cfg->thresholds[2] = 10;
}

static int intern_type_kinds(hd_heap_t *h)
{
    for (int t = 0; t < HD_TYPE_COUNT; t++) {
        int rc = hd_trace_intern_kind(h->trace, hd_type_name(t), &h->type_kinds[t]);
        if (rc)
            return rc;
    }
    return 0;
}

int hd_heap_new(hd_mem_t *mem, const hd_heap_config_t *cfg, hd_heap_t **out)
{
    hd_heap_config_t dflt;
    if (!cfg) {
        hd_heap_config_default(&dflt);
        cfg = &dflt;
    }
    hd_heap_t *h = hd_mem_calloc(mem, 1, sizeof(*h));
    if (!h)
        return HD_ENOMEM;
    h->mem = mem;
    int rc = hd_pool_new(mem, &h->pool);
    if (!rc)
        rc = hd_trace_new(mem, &h->trace);
    if (!rc) {
        h->tracing = hd_trace_flag(h->trace);
        rc = intern_type_kinds(h);
    }
    if (!rc)
        rc = hd__statics_init(h);
    if (!rc)
        rc = hd__dict_init_heap(h);
    if (rc) {
        hd_heap_free(h);
        return rc;
    }
    hd__gc_init(h);
    h->gc_enabled = cfg->gc_enabled;
    for (int i = 0; i < 3; i++)
        h->gens[i].threshold = cfg->thresholds[i];
    hd_heap_set_limits(h, cfg->max_bytes, cfg->max_objects);
    *out = h;
    return 0;
}

static void ns_free(hd_heap_t *h)
{
    for (uint64_t i = 0; h->ns.slots && i <= h->ns.mask; i++)
        if (h->ns.slots[i].name && h->ns.slots[i].name != NS_TOMB)
            hd_mem_free(h->mem, h->ns.slots[i].name);
    hd_mem_free(h->mem, h->ns.slots);
}

void hd_heap_free(hd_heap_t *h)
{
    if (!h)
        return;
    /* Every block goes with the pool; only the inspector's memory that hangs
     * off objects (split dicts, class metadata) needs a walk. No finalizer
     * runs. */
    hd__dict_splits_fini(h);
    hd__interned_fini(h);
    for (uint32_t i = 0; i < h->nclasses; i++) {
        hd_class_obj_t *c = h->classes[i];
        if (!c)
            continue;
        hd_class_meta_t *m = c->meta;
        for (uint32_t k = 0; k < m->nslots; k++)
            hd_mem_free(h->mem, m->slot_names[k]);
        hd_mem_free(h->mem, m->slot_names);
        for (uint32_t k = 0; k < m->nkeys; k++)
            hd_mem_free(h->mem, m->keys[k]);
        hd_mem_free(h->mem, m);
    }
    hd_mem_free(h->mem, h->classes);
    ns_free(h);
    hd_mem_free(h->mem, h->ids.slots);
    hd_mem_free(h->mem, h->static_ids);
    hd__dict_fini_heap(h);
    hd__statics_fini(h);
    hd_trace_free(h->trace);
    hd_pool_free(h->pool);
    hd_mem_free(h->mem, h);
}

void hd_heap_set_hooks(hd_heap_t *h, const hd_heap_hooks_t *hooks)
{
    if (hooks)
        h->hooks = *hooks;
    else
        memset(&h->hooks, 0, sizeof(h->hooks));
}

void hd_heap_set_limits(hd_heap_t *h, uint64_t max_bytes, uint64_t max_objects)
{
    hd_pool_set_limit(h->pool, max_bytes);
    h->max_objects = max_objects;
}

uint64_t hd_heap_objects_refused(const hd_heap_t *h)
{
    return h->objects_refused;
}

int hd_heap_set_site(hd_heap_t *h, const char *site)
{
    if (!site || !site[0]) {
        h->site = 0;
        return 0;
    }
    return hd_trace_intern_site(h->trace, site, &h->site);
}

const struct hd_pool *hd_heap_pool(const hd_heap_t *h)
{
    return h->pool;
}

struct hd_trace *hd_heap_trace(hd_heap_t *h)
{
    return h->trace;
}

void hd_heap_totals(const hd_heap_t *h, hd_heap_totals_t *out)
{
    memset(out, 0, sizeof(*out));
    out->objects = h->nobjects;
    out->tracked = h->ntracked;
    out->bytes = hd_pool_bytes_used(h->pool);
    out->arenas = hd_pool_arena_count(h->pool);
    out->arena_bytes = out->arenas * HD_ARENA_SIZE;
    out->names = h->ns.used;
    out->inspector_bytes =
        sizeof(*h) + (h->ids.mask ? (h->ids.mask + 1) * 4 : 0) +
        (h->ns.mask ? (h->ns.mask + 1) * sizeof(hd_ns_entry_t) : 0) +
        hd_trace_inspector_bytes(h->trace) + h->classes_cap * sizeof(*h->classes) +
        h->nclasses * sizeof(hd_class_meta_t) + h->static_ids_cap * sizeof(*h->static_ids);
    out->inspector_bytes += hd_pool_inspector_bytes(h->pool);
    memcpy(out->by_type, h->counts_by_type, sizeof(out->by_type));
}

/* ---- blocks: the pool, the tracer and the caps ---- */

int hd__block_traced(hd_heap_t *h, void *p, size_t len, uint32_t kind)
{
    int rc = hd_trace_add(h->trace, p, len, h->site, kind);
    if (rc)
        hd_pool_block_free(h->pool, p);
    return rc;
}

void hd__block_untrace(hd_heap_t *h, void *p)
{
    hd_trace_remove(h->trace, p);
}

int hd__block_realloc(hd_heap_t *h, void *p, size_t len, uint32_t kind, void **out)
{
    bool tracing = *h->tracing != 0;
    if (tracing && hd_trace_reserve(h->trace, 1) != 0)
        return HD_ENOMEM;
    int rc = hd_pool_block_realloc(h->pool, p, len, out);
    if (rc)
        return rc;
    if (tracing)
        (void)hd_trace_realloc(h->trace, p, *out, len, h->site, kind); /* reserved */
    return 0;
}

void hd__block_free(hd_heap_t *h, void *p)
{
    if (!p)
        return;
    if (HD_UNLIKELY(*h->tracing))
        hd_trace_remove(h->trace, p);
    hd_pool_block_free(h->pool, p);
}

/* ---- the id index ---- */

static uint64_t id_hash(uint64_t id)
{
    return id * 0x9e3779b97f4a7c15ull;
}

static hd_obj_t *idx_obj(const hd_heap_t *h, uint32_t handle)
{
    return (hd_obj_t *)hd_pool_deref(h->pool, handle);
}

static int idx_grow(hd_heap_t *h)
{
    uint64_t cap = h->ids.mask ? (h->ids.mask + 1) : 0;
    uint64_t want = cap ? cap : 1024;
    if ((h->ids.used + 1) * 4 > want * 3)
        want *= 2;
    uint32_t *slots = hd_mem_calloc(h->mem, want, sizeof(uint32_t));
    if (!slots)
        return HD_ENOMEM;
    uint64_t mask = want - 1;
    for (uint64_t i = 0; i < cap; i++) {
        uint32_t hd = h->ids.slots[i];
        if (hd == 0 || hd == IDX_TOMB)
            continue;
        uint64_t j = id_hash(idx_obj(h, hd)->id) & mask;
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = hd;
    }
    hd_mem_free(h->mem, h->ids.slots);
    h->ids.slots = slots;
    h->ids.mask = mask;
    h->ids.tombs = 0;
    return 0;
}

static int static_ids_add(hd_heap_t *h, hd_obj_t *o)
{
    if (h->nstatic_ids == h->static_ids_cap) {
        size_t cap = h->static_ids_cap ? h->static_ids_cap * 2 : 16;
        void *p = hd_mem_realloc(h->mem, h->static_ids, cap * sizeof(*h->static_ids));
        if (!p)
            return HD_ENOMEM;
        h->static_ids = p;
        h->static_ids_cap = cap;
    }
    h->static_ids[h->nstatic_ids++] = o;
    return 0;
}

int hd__ids_assign(hd_heap_t *h, hd_obj_t *o)
{
    if (o->flags & HD_OF_STATIC) {
        if (static_ids_add(h, o))
            return HD_ENOMEM;
    } else {
        uint64_t cap = h->ids.mask ? h->ids.mask + 1 : 0;
        if ((h->ids.used + h->ids.tombs + 1) * 4 > cap * 3 && idx_grow(h))
            return HD_ENOMEM;
        uint32_t handle = hd_pool_handle(h->pool, o);
        o->id = h->next_id + 1; /* key for the probe below */
        uint64_t j = id_hash(o->id) & h->ids.mask;
        while (h->ids.slots[j] && h->ids.slots[j] != IDX_TOMB)
            j = (j + 1) & h->ids.mask;
        if (h->ids.slots[j] == IDX_TOMB)
            h->ids.tombs--;
        h->ids.slots[j] = handle;
        h->ids.used++;
    }
    o->id = ++h->next_id;
    o->flags |= HD_OF_INDEXED;
    return 0;
}

static uint64_t idx_find_slot(const hd_heap_t *h, uint64_t id, bool *found)
{
    uint64_t j = id_hash(id) & h->ids.mask;
    for (;;) {
        uint32_t hd = h->ids.slots[j];
        if (hd == 0) {
            *found = false;
            return j;
        }
        if (hd != IDX_TOMB && idx_obj(h, hd)->id == id) {
            *found = true;
            return j;
        }
        j = (j + 1) & h->ids.mask;
    }
}

void hd__ids_remove(hd_heap_t *h, hd_obj_t *o)
{
    if (o->flags & HD_OF_STATIC)
        return; /* statics live as long as the heap */
    bool found;
    uint64_t j = idx_find_slot(h, o->id, &found);
    assert(found);
    if (!found)
        return;
    h->ids.slots[j] = IDX_TOMB;
    h->ids.used--;
    h->ids.tombs++;
}

int hd_heap_find(hd_heap_t *h, uint64_t id, hd_obj_t **out)
{
    if (id == 0 || id > h->next_id)
        return HD_ENOTFOUND;
    if (h->ids.mask) {
        bool found;
        uint64_t j = idx_find_slot(h, id, &found);
        if (found) {
            *out = idx_obj(h, h->ids.slots[j]);
            return 0;
        }
    }
    for (size_t i = 0; i < h->nstatic_ids; i++) {
        if (h->static_ids[i]->id == id) {
            *out = h->static_ids[i];
            return 0;
        }
    }
    return HD_ENOTFOUND;
}

/* ---- the namespace ---- */

static uint64_t name_hash(const char *s)
{
    uint64_t x = 0xcbf29ce484222325ull;
    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 0x100000001b3ull;
    return x;
}

static hd_ns_entry_t *ns_lookup(const hd_heap_t *h, const char *name, hd_ns_entry_t **free_slot)
{
    *free_slot = NULL;
    if (!h->ns.mask)
        return NULL;
    uint64_t j = name_hash(name) & h->ns.mask;
    for (;;) {
        hd_ns_entry_t *e = &h->ns.slots[j];
        if (!e->name) {
            if (!*free_slot)
                *free_slot = e;
            return NULL;
        }
        if (e->name == NS_TOMB) {
            if (!*free_slot)
                *free_slot = e;
        } else if (strcmp(e->name, name) == 0) {
            return e;
        }
        j = (j + 1) & h->ns.mask;
    }
}

static int ns_grow(hd_heap_t *h)
{
    uint64_t cap = h->ns.mask ? h->ns.mask + 1 : 0;
    uint64_t want = cap ? cap * 2 : 16;
    while (h->ns.used * 2 >= want)
        want *= 2;
    hd_ns_entry_t *slots = hd_mem_calloc(h->mem, want, sizeof(*slots));
    if (!slots)
        return HD_ENOMEM;
    for (uint64_t i = 0; i < cap; i++) {
        hd_ns_entry_t *e = &h->ns.slots[i];
        if (!e->name || e->name == NS_TOMB)
            continue;
        uint64_t j = name_hash(e->name) & (want - 1);
        while (slots[j].name)
            j = (j + 1) & (want - 1);
        slots[j] = *e;
    }
    hd_mem_free(h->mem, h->ns.slots);
    h->ns.slots = slots;
    h->ns.mask = want - 1;
    h->ns.tombs = 0;
    return 0;
}

static bool valid_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    return len > 0 && len <= 255;
}

int hd_ns_bind(hd_heap_t *h, const char *name, hd_obj_t *value)
{
    if (!valid_name(name))
        return HD_EINVAL;
    hd_ns_entry_t *slot;
    hd_ns_entry_t *e = ns_lookup(h, name, &slot);
    if (e) {
        hd_obj_t *old = e->obj;
        hd__incref(value);
        e->obj = value;
        hd__decref(h, old);
        return 0;
    }
    uint64_t cap = h->ns.mask ? h->ns.mask + 1 : 0;
    char *copy = hd_mem_malloc(h->mem, strlen(name) + 1);
    if (!copy)
        return HD_ENOMEM;
    strcpy(copy, name);
    if ((h->ns.used + h->ns.tombs + 1) * 4 > cap * 3) {
        if (ns_grow(h)) {
            hd_mem_free(h->mem, copy);
            return HD_ENOMEM;
        }
        ns_lookup(h, name, &slot);
    }
    if (slot->name == NS_TOMB)
        h->ns.tombs--;
    slot->name = copy;
    hd__incref(value);
    slot->obj = value;
    h->ns.used++;
    return 0;
}

int hd_ns_get(hd_heap_t *h, const char *name, hd_obj_t **out)
{
    hd_ns_entry_t *slot;
    hd_ns_entry_t *e = valid_name(name) ? ns_lookup(h, name, &slot) : NULL;
    if (!e)
        return HD_ENAME;
    *out = e->obj;
    return 0;
}

int hd_ns_del(hd_heap_t *h, const char *name)
{
    return hd_ns_del_many(h, 1, &name, NULL);
}

int hd_ns_del_many(hd_heap_t *h, size_t n, const char *const *names, size_t *missing)
{
    hd_ns_entry_t *slot;
    for (size_t i = 0; i < n; i++) {
        if (!valid_name(names[i]) || !ns_lookup(h, names[i], &slot)) {
            if (missing)
                *missing = i;
            return HD_ENAME;
        }
    }
    for (size_t i = 0; i < n; i++) {
        hd_ns_entry_t *e = ns_lookup(h, names[i], &slot);
        if (!e)
            continue; /* `del a, a`: Python fails on the second; we ignore it */
        hd_obj_t *old = e->obj;
        hd_mem_free(h->mem, e->name);
        e->name = NS_TOMB;
        e->obj = NULL;
        h->ns.used--;
        h->ns.tombs++;
        hd__decref(h, old); /* may run finalizers that rebind names */
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp((*(hd_ns_entry_t *const *)a)->name, (*(hd_ns_entry_t *const *)b)->name);
}

int hd_ns_each(hd_heap_t *h, int (*fn)(const char *name, hd_obj_t *o, void *arg), void *arg)
{
    if (h->ns.used == 0)
        return 0;
    hd_ns_entry_t **list = hd_mem_malloc(h->mem, h->ns.used * sizeof(*list));
    if (!list)
        return HD_ENOMEM;
    size_t n = 0;
    for (uint64_t i = 0; i <= h->ns.mask; i++)
        if (h->ns.slots[i].name && h->ns.slots[i].name != NS_TOMB)
            list[n++] = &h->ns.slots[i];
    qsort(list, n, sizeof(*list), cmp_entry);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = fn(list[i]->name, list[i]->obj, arg);
    hd_mem_free(h->mem, list);
    return rc;
}

uint64_t hd_ns_count(const hd_heap_t *h)
{
    return h->ns.used;
}
