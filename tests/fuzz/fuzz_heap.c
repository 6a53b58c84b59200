/*
 * fuzz_heap.c: libFuzzer target for the heap runtime. The input is read as
 * a program of heap operations (create objects of every type, link them,
 * bind and delete names, weakrefs with callbacks, finalizers that resurrect,
 * collections, exports and imports, quotas, an injected allocation failure);
 * after it runs, every invariant must hold (hd_heap_validate) and deleting
 * every name plus a full collection must free every object. Any violation
 * traps, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "graph.h"
#include "heap.h"

#define NVARS 8

typedef struct prog {
    const uint8_t *p, *end;
    hd_heap_t *h;
    int resurrect; /* finalizers resurrect into "phoenix" while > 0 */
} prog_t;

static unsigned byte(prog_t *g)
{
    return g->p < g->end ? *g->p++ : 0;
}

static void name_of(prog_t *g, char *buf)
{
    snprintf(buf, 8, "v%u", byte(g) % NVARS);
}

static hd_obj_t *var(prog_t *g)
{
    char n[8];
    hd_obj_t *o;
    name_of(g, n);
    return hd_ns_get(g->h, n, &o) == 0 ? o : NULL;
}

static void bind_new(prog_t *g, int rc, hd_obj_t *o)
{
    if (rc != 0)
        return;
    char n[8];
    name_of(g, n);
    hd_ns_bind(g->h, n, o);
    hd_obj_decref(g->h, o);
}

static void on_finalizer(hd_heap_t *h, hd_obj_t *o, void *ctx)
{
    prog_t *g = ctx;
    if (g->resurrect > 0 && hd_ns_bind(h, "phoenix", o) == 0)
        g->resurrect--;
}

static void on_weakref(hd_heap_t *h, hd_obj_t *wr, hd_obj_t *cb, void *ctx)
{
    (void)cb;
    (void)ctx;
    hd_obj_t *l;
    /* a callback that allocates and binds: re-entry during a collection */
    if (hd_list_new(h, 1, &wr, &l) == 0) {
        hd_ns_bind(h, "v0", l);
        hd_obj_decref(h, l);
    }
}

static void make(prog_t *g, hd_obj_t *cls[2])
{
    hd_heap_t *h = g->h;
    hd_obj_t *o = NULL, *a = var(g);
    unsigned k = byte(g);
    char text[8] = "key";
    int rc;
    switch (k % 10) {
    case 0:
        rc = hd_int_from_i64(h, (int64_t)((uint64_t)byte(g) << (byte(g) % 56)), &o);
        break;
    case 1:
        text[0] = (char)('a' + byte(g) % 26);
        rc = hd_str_new(h, text, 1 + byte(g) % 3, &o);
        break;
    case 2:
        rc = hd_float_new(h, byte(g) / 7.0, &o);
        break;
    case 3:
        rc = a ? hd_list_new(h, 1, &a, &o) : hd_list_new(h, 0, NULL, &o);
        break;
    case 4:
        rc = hd_dict_new(h, 0, NULL, NULL, &o);
        break;
    case 5:
        rc = hd_set_new(h, 0, NULL, &o);
        break;
    case 6:
        rc = a ? hd_tuple_new(h, 1, &a, &o) : hd_tuple_new(h, 0, NULL, &o);
        break;
    case 7:
        rc = a ? hd_weakref_new(h, a, NULL, byte(g) & 1, &o) : -1;
        break;
    case 8:
        rc = hd_bytes_new(h, "xyz", byte(g) % 4, &o);
        break;
    default:
        rc = hd_instance_new(h, cls[byte(g) & 1], byte(g) % 5 == 0, &o);
    }
    bind_new(g, rc, o);
}

static void link(prog_t *g)
{
    hd_heap_t *h = g->h;
    hd_obj_t *a = var(g), *b = var(g), *out;
    unsigned k = byte(g);
    if (!a || !b)
        return;
    switch (hd_obj_type(a)) {
    case HD_T_LIST:
        if (k % 5 == 0)
            hd_list_clear(h, a);
        else if (k % 5 == 1 && hd_list_pop(h, a, (int64_t)(k % 3) - 1, &out) == 0)
            hd_obj_decref(h, out);
        else if (k % 5 == 2)
            hd_list_extend(h, a, b);
        else
            hd_list_append(h, a, b);
        break;
    case HD_T_DICT:
        if (k & 1)
            hd_dict_setitem(h, a, b, b);
        else
            hd_dict_delitem(h, a, b);
        break;
    case HD_T_SET:
        if (k & 1)
            hd_set_add(h, a, b);
        else if (hd_set_pop(h, a, &out) == 0)
            hd_obj_decref(h, out);
        break;
    case HD_T_INSTANCE:
        if (k % 3)
            hd_obj_setattr(h, a, k & 4 ? "x" : "y", b);
        else
            hd_obj_delattr(h, a, "x");
        break;
    }
}

static int copy_count(const hd_graph_node_t *n, void *arg)
{
    (void)n;
    (*(size_t *)arg)++;
    return 0;
}

static int name_count(const char *name, uint64_t id, void *arg)
{
    (void)name;
    (void)id;
    (void)arg;
    return 0;
}

static void check(hd_heap_t *h, int want_empty)
{
    const char *why = NULL;
    hd_census_t c;
    if (hd_heap_validate(h, &why, &c) != 0 && why) {
        fprintf(stderr, "invariant broken: %s\n", why);
        __builtin_trap();
    }
    if (c.external_refs != 0) {
        fprintf(stderr, "%llu external references\n", (unsigned long long)c.external_refs);
        __builtin_trap();
    }
    hd_heap_totals_t t;
    hd_heap_totals(h, &t);
    if (want_empty && t.objects > 1) {
        fprintf(stderr, "%llu objects left after deleting every name\n",
                (unsigned long long)t.objects);
        __builtin_trap();
    }
}

static int collect_names(const char *name, hd_obj_t *o, void *arg)
{
    (void)o;
    char **names = arg;
    for (int i = 0; i < 64; i++)
        if (!names[i]) {
            names[i] = strdup(name);
            break;
        }
    return 0;
}

static void run(prog_t *g, hd_mem_t *mem)
{
    hd_heap_t *h = g->h;
    hd_obj_t *cls[2];
    hd_class_spec_t del = {true, false, 0, NULL};
    if (hd_class_new(h, "A", NULL, &cls[0]) || hd_class_new(h, "D", &del, &cls[1]))
        __builtin_trap();
    hd_ns_bind(h, "A", cls[0]);
    hd_ns_bind(h, "D", cls[1]);
    hd_obj_decref(h, cls[0]);
    hd_obj_decref(h, cls[1]);
    unsigned fail_at = byte(g);
    if (fail_at & 1)
        hd_mem_fail_after(mem, fail_at >> 1, fail_at & 2);
    while (g->p < g->end) {
        char n[8];
        switch (byte(g) % 8) {
        case 0:
        case 1:
            make(g, cls);
            break;
        case 2:
        case 3:
            link(g);
            break;
        case 4:
            name_of(g, n);
            hd_ns_del(h, n);
            break;
        case 5:
            hd_gc_collect(h, (int)(byte(g) % 3), NULL);
            break;
        case 6:
            g->resurrect = byte(g) % 3;
            hd_gc_set_debug(h, byte(g) % 7 == 0 ? HD_GC_DEBUG_SAVEALL : 0);
            break;
        default: {
            size_t count = 0;
            hd_graph_export(h, copy_count, name_count, &count);
            hd_gc_dry_run(h, 2, NULL, NULL, NULL, NULL);
        }
        }
    }
    hd_mem_fail_after(mem, 0, 0);
    check(h, 0);
    /* every count back to zero */
    g->resurrect = 0;
    hd_gc_set_debug(h, 0);
    /* weakref callbacks of this last collection may bind names again: repeat
     * until a round leaves no name (each round frees what the last bound) */
    for (int round = 0; round < 8 && hd_ns_count(h) > 0; round++) {
        char *names[64] = {0};
        hd_ns_each(h, collect_names, names);
        for (int i = 0; i < 64 && names[i]; i++) {
            hd_ns_del(h, names[i]);
            free(names[i]);
        }
        hd_obj_t *garbage;
        if (hd_gc_garbage(h, &garbage) == 0)
            hd_list_clear(h, garbage);
        hd_gc_collect(h, 2, NULL);
    }
    check(h, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hd_mem_t mem;
    hd_mem_init_default(&mem);
    hd_heap_config_t cfg;
    hd_heap_config_default(&cfg);
    cfg.max_objects = 20000;
    cfg.max_bytes = 16u << 20;
    cfg.thresholds[0] = 20; /* automatic collections in the middle of things */
    hd_heap_t *h;
    if (hd_heap_new(&mem, &cfg, &h) != 0)
        return 0;
    prog_t g = {data, data + size, h, 0};
    hd_heap_hooks_t hooks = {0};
    hooks.finalizer = on_finalizer;
    hooks.weakref_callback = on_weakref;
    hooks.ctx = &g;
    hd_heap_set_hooks(h, &hooks);
    run(&g, &mem);
    hd_heap_free(h);
    return 0;
}
