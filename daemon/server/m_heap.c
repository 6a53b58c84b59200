/*
 * m_heap.c: the methods on whole heaps: heap.create, heap.list, heap.info,
 * heap.drop, heap.names and heap.objects. (heap.export and heap.import are
 * in m_graph.c.)
 */
#include "dispatch.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "persist.h"

#define HD_OBJECTS_PAGE_MAX 10000 /* heap.objects: largest page */

static int parse_thresholds(hd_call_t *c, const char *param, int th[3])
{
    json_t *arr = NULL;
    if (hd_param_array(c, param, false, &arr) != 0)
        return -1;
    if (!arr)
        return 0;
    size_t n = json_array_size(arr);
    if (n < 1 || n > 3)
        return hd_call_bad(c, param, "one to three integers (gc.set_threshold's arguments)");
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) < INT_MIN ||
            json_integer_value(v) > INT_MAX)
            return hd_call_bad(c, param, "thresholds[%zu]: an integer from %d to %d", i, INT_MIN,
                               INT_MAX);
        th[i] = (int)json_integer_value(v);
    }
    return 0;
}

int hd_m_heap_create(hd_call_t *c)
{
    const hd_limits_t *lim = &c->srv->cfg.limits;
    hd_heap_config_t hc;
    hd_heap_config_default(&hc);
    hc.max_bytes = lim->heap_bytes;
    hc.max_objects = lim->heap_objects;
    int64_t max_bytes = (int64_t)lim->heap_bytes, max_objects = (int64_t)lim->heap_objects;
    const char *name;
    if (hd_param_str(c, "heap", true, &name) != 0 ||
        hd_param_bool(c, "gc_enabled", &hc.gc_enabled) != 0 ||
        parse_thresholds(c, "thresholds", hc.thresholds) != 0 ||
        hd_param_int(c, "max_bytes", false, 1, INT64_MAX, &max_bytes) != 0 ||
        hd_param_int(c, "max_objects", false, 1, INT64_MAX, &max_objects) != 0)
        return -1;
    if ((uint64_t)max_bytes > lim->heap_bytes)
        return hd_call_limit(c, "heap_bytes", lim->heap_bytes);
    if ((uint64_t)max_objects > lim->heap_objects)
        return hd_call_limit(c, "heap_objects", lim->heap_objects);
    if (c->srv->nheaps >= lim->heaps)
        return hd_call_limit(c, "heaps", lim->heaps);
    hc.max_bytes = (uint64_t)max_bytes;
    hc.max_objects = (uint64_t)max_objects;
    hd_sheap_t *sh;
    int rc = hd_heaps_create(c->srv, name, &hc, &sh);
    if (rc == HD_ELIMIT)
        return hd_call_limit(c, "heaps", lim->heaps);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    hd_persist_heap_created(c->srv, sh);
    c->result = hd_sheap_info(sh);
    hd_server_status(c->srv);
    return 0;
}

int hd_m_heap_list(hd_call_t *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < c->srv->nheaps; i++)
        if (json_array_append_new(arr, hd_sheap_info(c->srv->heaps[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    c->result = arr ? json_pack("{s:o}", "heaps", arr) : NULL;
    return 0;
}

int hd_m_heap_info(hd_call_t *c)
{
    c->result = hd_sheap_info(c->sh);
    return 0;
}

int hd_m_heap_drop(hd_call_t *c)
{
    char name[HD_HEAP_NAME_MAX + 1];
    memcpy(name, c->sh->name, sizeof name);
    hd_heaps_drop(c->srv, c->sh);
    hd_persist_heap_dropped(c->srv, name);
    c->sh = NULL;
    c->h = NULL;
    c->result = json_object();
    hd_server_status(c->srv);
    return 0;
}

typedef struct names_walk {
    hd_heap_t *h;
    json_t *arr;
} names_walk_t;

static int add_name(const char *name, hd_obj_t *o, void *arg)
{
    names_walk_t *w = arg;
    json_t *s = hd_summary(w->h, o, false);
    if (!s || json_object_set_new(s, "name", json_string(name)) != 0 ||
        json_array_append_new(w->arr, s) != 0)
        return HD_ENOMEM;
    return 0;
}

int hd_m_heap_names(hd_call_t *c)
{
    names_walk_t w = {c->h, json_array()};
    if (!w.arr || hd_ns_each(c->h, add_name, &w) != 0) {
        json_decref(w.arr);
        return hd_call_errno(c, HD_ENOMEM, NULL);
    }
    c->result = json_pack("{s:o}", "names", w.arr);
    return 0;
}

typedef struct found {
    uint64_t id;
    hd_obj_t *obj; /* borrowed for the call */
    int generation;
} found_t;

typedef struct objects_walk {
    hd_heap_t *h;
    int type;          /* -1: every type */
    const char *klass; /* or: instances of this class (the `type` param) */
    found_t *v;        /* owned */
    size_t n, cap;
} objects_walk_t;

static int add_object(hd_obj_t *o, int generation, void *arg)
{
    objects_walk_t *w = arg;
    if (w->type >= 0 && hd_obj_type(o) != w->type)
        return 0;
    if (w->klass &&
        (hd_obj_type(o) != HD_T_INSTANCE || strcmp(hd_obj_type_name(w->h, o), w->klass) != 0))
        return 0;
    if (hd_grow(&w->v, &w->cap, w->n, sizeof *w->v, 256) != 0)
        return HD_ENOMEM;
    uint64_t id = hd_obj_id(w->h, o);
    if (!id)
        return HD_ENOMEM;
    w->v[w->n++] = (found_t){id, o, generation};
    return 0;
}

static int by_id(const void *a, const void *b)
{
    uint64_t x = ((const found_t *)a)->id, y = ((const found_t *)b)->id;
    return x < y ? -1 : x > y;
}

int hd_m_heap_objects(hd_call_t *c)
{
    objects_walk_t w = {c->h, -1, NULL, NULL, 0, 0};
    const char *type = NULL;
    int64_t offset = 0, limit = 1000;
    if (hd_param_str(c, "type", false, &type) != 0 ||
        hd_param_int(c, "offset", false, 0, INT64_MAX, &offset) != 0 ||
        hd_param_int(c, "limit", false, 1, HD_OBJECTS_PAGE_MAX, &limit) != 0)
        return -1;
    if (type && (w.type = hd_type_from_name(type)) < 0)
        w.klass = type; /* not a type name: a class name */
    hd_heap_totals_t t;
    hd_heap_totals(c->h, &t);
    /* each object is found, numbered and sorted: about four times the cost
     * of a collection's visit, so it counts four times against the bound */
    if (hd_call_busy(c, 4 * t.objects) != 0)
        return -1;
    int rc = hd_heap_objects(c->h, add_object, &w);
    if (rc) {
        free(w.v);
        return hd_call_errno(c, rc, NULL);
    }
    if (w.n)
        qsort(w.v, w.n, sizeof *w.v, by_id);
    json_t *arr = json_array();
    for (size_t i = (size_t)offset; arr && i < w.n && i < (size_t)offset + (size_t)limit; i++) {
        json_t *s = hd_summary(c->h, w.v[i].obj, false);
        if (s && w.v[i].generation >= 0)
            json_object_set_new(s, "generation", json_integer(w.v[i].generation));
        if (json_array_append_new(arr, s) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    free(w.v);
    c->result = arr ? json_pack("{s:I, s:o}", "total", (json_int_t)w.n, "objects", arr) : NULL;
    return 0;
}
