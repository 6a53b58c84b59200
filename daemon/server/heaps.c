/*
 * heaps.c: the server's heaps by name, their classes, and the runtime hooks
 * that feed the gc and event streams.
 *
 * Heaps live in an array of pointers searched linearly: there are at most
 * limits.heaps of them (64 by default), and a lookup is a few string
 * compares next to a request's JSON work. Each heap gets its own hd_mem_t
 * (the system allocator) so that its memory could be counted or failed on its
 * own.
 *
 * Hooks run synchronously inside runtime calls (a decref, an allocation that
 * triggers a collection). They only build a small JSON object and hand it to
 * hd_streams_emit, which encodes and queues; they never call back into the
 * heap beyond reading ids and type names, and never send or close anything.
 */
#include "heaps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"
#include "pool.h"
#include "streams.h"
#include "trace.h"

/* ---- hooks ---- */

static json_t *event_params(hd_sheap_t *sh, const char *kind, hd_obj_t *obj)
{
    json_t *p = json_object();
    if (!p)
        return NULL;
    json_object_set_new(p, "event", json_string(kind));
    if (obj) {
        json_object_set_new(p, "object", json_integer((json_int_t)hd_obj_id(sh->heap, obj)));
        json_object_set_new(p, "type", json_string(hd_obj_type_name(sh->heap, obj)));
    }
    return p;
}

static void hook_finalizer(hd_heap_t *h, hd_obj_t *obj, void *ctx)
{
    hd_sheap_t *sh = ctx;
    json_t *p = event_params(sh, "finalizer", obj);
    if (p)
        hd_streams_emit(sh->srv, sh->name, HD_TOPIC_EVENT, p);
    json_decref(p);
}

static void hook_resurrected(hd_heap_t *h, hd_obj_t *obj, void *ctx)
{
    hd_sheap_t *sh = ctx;
    json_t *p = event_params(sh, "resurrected", obj);
    if (p)
        hd_streams_emit(sh->srv, sh->name, HD_TOPIC_EVENT, p);
    json_decref(p);
}

static void hook_weakref(hd_heap_t *h, hd_obj_t *wr, hd_obj_t *callback, void *ctx)
{
    hd_sheap_t *sh = ctx;
    uint64_t wid = hd_obj_id(h, wr);
    for (size_t i = 0; i < sh->nwatches; i++) {
        if (sh->watches[i].weakref != wid)
            continue;
        hd_wr_watch_t w = sh->watches[i];
        sh->watches[i] = sh->watches[--sh->nwatches];
        json_t *p = json_pack("{s:s, s:I, s:s, s:I}", "event", "weakref_callback", "object",
                              (json_int_t)w.referent, "type", w.type, "weakref", (json_int_t)wid);
        if (p)
            hd_streams_emit(sh->srv, sh->name, HD_TOPIC_EVENT, p);
        json_decref(p);
        return;
    }
}

int hd_sheap_watch(hd_sheap_t *sh, hd_obj_t *wr, hd_obj_t *referent)
{
    uint64_t wid = hd_obj_id(sh->heap, wr), rid = hd_obj_id(sh->heap, referent);
    if (!wid || !rid)
        return HD_ENOMEM;
    for (size_t i = 0; i < sh->nwatches; i++)
        if (sh->watches[i].weakref == wid)
            return 0;
    if (hd_grow(&sh->watches, &sh->watches_cap, sh->nwatches, sizeof *sh->watches, 8) != 0)
        return HD_ENOMEM;
    hd_wr_watch_t *w = &sh->watches[sh->nwatches++];
    w->weakref = wid;
    w->referent = rid;
    snprintf(w->type, sizeof w->type, "%s", hd_obj_type_name(sh->heap, referent));
    return 0;
}

static void hook_gc(hd_heap_t *h, int phase, const hd_gc_info_t *info, void *ctx)
{
    hd_sheap_t *sh = ctx;
    json_t *p =
        json_pack("{s:s, s:i, s:I, s:I, s:b}", "phase", phase ? "stop" : "start", "generation",
                  info->generation, "collected", (json_int_t)info->collected, "uncollectable",
                  (json_int_t)info->uncollectable, "automatic", !sh->manual_gc);
    if (p && phase)
        json_object_set_new(p, "duration_us", json_integer((json_int_t)(info->duration_ns / 1000)));
    if (p)
        hd_streams_emit(sh->srv, sh->name, HD_TOPIC_GC, p);
    json_decref(p);
}

/* the classes the server holds are the embedder's references */
static void hook_roots(hd_heap_t *h, int (*visit)(hd_obj_t *o, void *arg), void *arg, void *ctx)
{
    hd_sheap_t *sh = ctx;
    for (size_t i = 0; i < sh->nclasses; i++)
        if (visit(sh->classes[i].cls, arg))
            return;
}

/* ---- the registry ---- */

hd_sheap_t *hd_heaps_find(hd_server_t *srv, const char *name, size_t len)
{
    for (size_t i = 0; i < srv->nheaps; i++)
        if (strlen(srv->heaps[i]->name) == len && memcmp(srv->heaps[i]->name, name, len) == 0)
            return srv->heaps[i];
    return NULL;
}

static int registry_add(hd_server_t *srv, hd_sheap_t *sh)
{
    if (srv->nheaps == srv->heaps_cap) {
        size_t cap = srv->heaps_cap ? srv->heaps_cap * 2 : 8;
        hd_sheap_t **grown = realloc(srv->heaps, cap * sizeof *grown);
        if (!grown)
            return HD_ENOMEM;
        srv->heaps = grown;
        srv->heaps_cap = cap;
    }
    size_t i = srv->nheaps; /* kept sorted by name: heap.list's order */
    while (i > 0 && strcmp(srv->heaps[i - 1]->name, sh->name) > 0) {
        srv->heaps[i] = srv->heaps[i - 1];
        i--;
    }
    srv->heaps[i] = sh;
    srv->nheaps++;
    return 0;
}

int hd_heaps_create(hd_server_t *srv, const char *name, const hd_heap_config_t *hc,
                    hd_sheap_t **out)
{
    int rc = hd_heaps_create_quiet(srv, name, hc, out);
    if (rc == 0)
        hd_heaps_announce(srv, *out);
    return rc;
}

void hd_heaps_announce(hd_server_t *srv, hd_sheap_t *sh)
{
    json_t *p = json_pack("{s:s}", "event", "created");
    if (p)
        hd_streams_emit(srv, sh->name, HD_TOPIC_HEAP, p);
    json_decref(p);
}

int hd_heaps_create_quiet(hd_server_t *srv, const char *name, const hd_heap_config_t *hc,
                          hd_sheap_t **out)
{
    size_t len = strlen(name);
    if (len == 0 || len > HD_HEAP_NAME_MAX)
        return HD_EINVAL;
    if (hd_heaps_find(srv, name, len))
        return HD_EEXIST;
    if (srv->nheaps >= srv->cfg.limits.heaps)
        return HD_ELIMIT;
    hd_sheap_t *sh = calloc(1, sizeof *sh);
    if (!sh)
        return HD_ENOMEM;
    sh->srv = srv;
    memcpy(sh->name, name, len + 1);
    hd_mem_init_default(&sh->mem);
    int rc = hd_heap_new(&sh->mem, hc, &sh->heap);
    if (rc == 0 && (rc = registry_add(srv, sh)) != 0)
        hd_heap_free(sh->heap);
    if (rc) {
        free(sh);
        return rc;
    }
    sh->serial = ++srv->heap_serial;
    sh->created_ms = hd_server_now_ms(srv);
    sh->max_bytes = hc->max_bytes;
    sh->max_objects = hc->max_objects;
    hd_heap_hooks_t hooks = {hook_finalizer,   hook_weakref, hook_gc, NULL,
                             hook_resurrected, hook_roots,   sh};
    hd_heap_set_hooks(sh->heap, &hooks);
    *out = sh;
    return 0;
}

static void sheap_free(hd_sheap_t *sh)
{
    hd_heap_set_hooks(sh->heap, NULL);
    for (size_t i = 0; i < sh->nclasses; i++)
        free(sh->classes[i].name);
    /* hd_heap_free frees every object, classes included: our references
     * die with the heap */
    hd_heap_free(sh->heap);
    free(sh->classes);
    free(sh->watches);
    free(sh);
}

static void unlink_heap(hd_server_t *srv, hd_sheap_t *sh)
{
    for (size_t i = 0; i < srv->nheaps; i++) {
        if (srv->heaps[i] != sh)
            continue;
        memmove(&srv->heaps[i], &srv->heaps[i + 1], (srv->nheaps - i - 1) * sizeof sh);
        srv->nheaps--;
        break;
    }
}

void hd_heaps_drop_quiet(hd_server_t *srv, hd_sheap_t *sh)
{
    unlink_heap(srv, sh);
    sheap_free(sh);
}

void hd_heaps_drop(hd_server_t *srv, hd_sheap_t *sh)
{
    unlink_heap(srv, sh);
    char name[HD_HEAP_NAME_MAX + 1];
    memcpy(name, sh->name, sizeof name);
    sheap_free(sh);
    json_t *p = json_pack("{s:s}", "event", "dropped");
    if (p)
        hd_streams_emit(srv, name, HD_TOPIC_HEAP, p);
    json_decref(p);
    hd_streams_heap_gone(srv, name);
}

void hd_heaps_free_all(hd_server_t *srv)
{
    for (size_t i = 0; i < srv->nheaps; i++)
        sheap_free(srv->heaps[i]);
    free(srv->heaps);
    srv->heaps = NULL;
    srv->nheaps = srv->heaps_cap = 0;
}

/* ---- classes by name ---- */

hd_obj_t *hd_sheap_find_class(hd_sheap_t *sh, const char *name)
{
    for (size_t i = 0; i < sh->nclasses; i++)
        if (strcmp(sh->classes[i].name, name) == 0)
            return sh->classes[i].cls;
    return NULL;
}

static int classes_room(hd_sheap_t *sh)
{
    return hd_grow(&sh->classes, &sh->classes_cap, sh->nclasses, sizeof *sh->classes, 8);
}

int hd_sheap_hold_class(hd_sheap_t *sh, const char *name, hd_obj_t *cls)
{
    char *copy = classes_room(sh) == 0 ? strdup(name) : NULL;
    if (!copy || hd_sheap_find_class(sh, name)) {
        free(copy);
        hd_obj_decref(sh->heap, cls);
        return copy ? 0 : HD_ENOMEM;
    }
    sh->classes[sh->nclasses++] = (hd_class_ent_t){copy, cls};
    return 0;
}

int hd_sheap_class(hd_sheap_t *sh, const char *name, bool has_del, hd_obj_t **out, bool *created)
{
    *created = false;
    if ((*out = hd_sheap_find_class(sh, name)) != NULL)
        return 0;
    if (classes_room(sh) != 0)
        return HD_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return HD_ENOMEM;
    hd_obj_t *cls;
    hd_class_spec_t spec = {has_del, false, 0, NULL};
    int rc = hd_class_new(sh->heap, name, &spec, &cls);
    if (rc) {
        free(copy);
        return rc;
    }
    sh->classes[sh->nclasses++] = (hd_class_ent_t){copy, cls};
    *out = cls;
    *created = true;
    return 0;
}

void hd_sheap_class_forget(hd_sheap_t *sh, const char *name)
{
    for (size_t i = 0; i < sh->nclasses; i++) {
        if (strcmp(sh->classes[i].name, name) != 0)
            continue;
        hd_class_ent_t e = sh->classes[i];
        sh->classes[i] = sh->classes[--sh->nclasses];
        free(e.name);
        hd_obj_decref(sh->heap, e.cls);
        return;
    }
}

/* ---- descriptions ---- */

int hd_sheap_garbage(hd_sheap_t *sh, hd_obj_t **out)
{
    sh->garbage_used = true;
    return hd_gc_garbage(sh->heap, out);
}

/* Built member by member (hd_json_set) rather than with json_pack: gc.get
 * is answered often, and parsing the pack format was a sixth of its cost. */

static json_t *int3(const int v[3])
{
    json_t *a = json_array();
    for (int i = 0; a && i < 3; i++)
        if (json_array_append_new(a, json_integer(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *gen_stats(const hd_gc_gen_stats_t *st)
{
    json_t *o = json_object();
    int failed = !o;
    if (o) {
        hd_json_set(o, "collections", json_integer((json_int_t)st->collections), &failed);
        hd_json_set(o, "collected", json_integer((json_int_t)st->collected), &failed);
        hd_json_set(o, "uncollectable", json_integer((json_int_t)st->uncollectable), &failed);
    }
    if (failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *hd_sheap_gc_json(hd_sheap_t *sh)
{
    hd_heap_t *h = sh->heap;
    int th[3], cnt[3];
    hd_gc_gen_stats_t st[3];
    hd_gc_get_threshold(h, th);
    hd_gc_get_count(h, cnt);
    hd_gc_get_stats(h, st);
    json_t *stats = json_array();
    for (int g = 0; g < 3 && stats; g++)
        if (json_array_append_new(stats, gen_stats(&st[g])) != 0) {
            json_decref(stats);
            stats = NULL;
        }
    static const struct {
        unsigned bit;
        const char *name;
    } flags[] = {{HD_GC_DEBUG_STATS, "stats"},
                 {HD_GC_DEBUG_COLLECTABLE, "collectable"},
                 {HD_GC_DEBUG_UNCOLLECTABLE, "uncollectable"},
                 {HD_GC_DEBUG_SAVEALL, "saveall"}};
    unsigned dbg = hd_gc_get_debug(h);
    json_t *debug = json_array();
    for (size_t i = 0; i < 4 && debug; i++)
        if ((dbg & flags[i].bit) && json_array_append_new(debug, json_string(flags[i].name)) != 0) {
            json_decref(debug);
            debug = NULL;
        }
    hd_obj_t *garbage = NULL;
    if (dbg & HD_GC_DEBUG_SAVEALL)
        sh->garbage_used = true;
    int64_t ngarbage = sh->garbage_used && hd_gc_garbage(h, &garbage) == 0 ? hd_len(garbage) : 0;
    json_t *o = json_object();
    int failed = !o;
    if (o) {
        hd_json_set(o, "enabled", json_boolean(hd_gc_is_enabled(h)), &failed);
        hd_json_set(o, "thresholds", int3(th), &failed);
        hd_json_set(o, "counts", int3(cnt), &failed);
        hd_json_set(o, "stats", stats, &failed);
        stats = NULL;
        hd_json_set(o, "garbage", json_integer((json_int_t)ngarbage), &failed);
        hd_json_set(o, "debug", debug, &failed);
        debug = NULL;
        hd_json_set(o, "frozen", json_integer((json_int_t)hd_gc_freeze_count(h)), &failed);
    }
    json_decref(stats);
    json_decref(debug);
    if (failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *hd_sheap_info(hd_sheap_t *sh)
{
    hd_heap_totals_t t;
    hd_heap_totals(sh->heap, &t);
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:o*, s:I, s:I, s:I, s:b}", "heap", sh->name,
                     "objects", (json_int_t)t.objects, "tracked", (json_int_t)t.tracked, "bytes",
                     (json_int_t)t.bytes, "arena_bytes", (json_int_t)t.arena_bytes, "names",
                     (json_int_t)t.names, "gc", hd_sheap_gc_json(sh), "max_bytes",
                     (json_int_t)sh->max_bytes, "max_objects", (json_int_t)sh->max_objects,
                     "inspector_bytes", (json_int_t)t.inspector_bytes, "tracing",
                     hd_trace_is_tracing(hd_heap_trace(sh->heap)) != 0);
}

static json_t *class_table(const hd_pool_stats_t *ps)
{
    json_t *arr = json_array();
    for (int i = 0; arr && i < HD_POOL_NCLASSES; i++) {
        const hd_pool_class_stats_t *k = &ps->classes[i];
        if (json_array_append_new(arr,
                                  json_pack("{s:i, s:i, s:i, s:I, s:I}", "index", i, "size",
                                            (i + 1) * HD_POOL_ALIGNMENT, "pools", (int)k->pools,
                                            "blocks_used", (json_int_t)k->blocks_used,
                                            "blocks_free", (json_int_t)k->blocks_free))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *hd_sheap_alloc_json(hd_sheap_t *sh)
{
    hd_pool_stats_t ps;
    hd_pool_stats(hd_heap_pool(sh->heap), &ps);
    double arena = (double)ps.arenas_current * HD_ARENA_SIZE;
    double frag = arena > 0 ? 1.0 - (double)ps.bytes_in_used_blocks / arena : 0.0;
    if (frag < 0)
        frag = 0;
    json_t *classes = class_table(&ps);
    if (!classes)
        return NULL;
    return json_pack(
        "{s:o, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, "
        "s:{s:I, s:I}, s:f}",
        "size_classes", classes, "arenas", "current", (json_int_t)ps.arenas_current, "highwater",
        (json_int_t)ps.arenas_highwater, "allocated_total", (json_int_t)ps.arenas_allocated_total,
        "reclaimed_total", (json_int_t)ps.arenas_reclaimed, "pools", "used",
        (json_int_t)ps.pools_used, "free", (json_int_t)ps.pools_unused, "bytes", "in_used_blocks",
        (json_int_t)ps.bytes_in_used_blocks, "in_free_blocks", (json_int_t)ps.bytes_in_free_blocks,
        "pool_overhead", (json_int_t)ps.bytes_pool_headers, "arena_unused",
        (json_int_t)(ps.pools_unused * HD_POOL_SIZE), "large", (json_int_t)ps.large_bytes,
        "quantization", (json_int_t)ps.bytes_quantization, "arena_alignment",
        (json_int_t)ps.bytes_arena_alignment, "large", "count", (json_int_t)ps.large_count, "bytes",
        (json_int_t)ps.large_bytes, "fragmentation", frag);
}
