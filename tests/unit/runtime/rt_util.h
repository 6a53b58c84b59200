/*
 * rt_util.h: helpers shared by the runtime's unit tests: a heap whose hooks
 * record what happened (finalizers, weakref callbacks, collections) in order,
 * the end-of-test check (everything freed, invariants hold), and running
 * /usr/bin/python3 to get the oracle's answers at test time.
 */
#ifndef HD_RT_UTIL_H
#define HD_RT_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"
#include "heap.h"
#include "rt_oracle.h"
#include "test.h"

#define RT_MAX_EVENTS 4096

typedef struct rt_event {
    char kind; /* 'F' finalizer, 'W' weakref callback, 'S' gc start, 'E' gc stop, 'R' resurrected */
    hd_obj_t *obj; /* finalizer/resurrected: the object; W: the weakref */
    long tag;      /* F: the object's "tag" attribute if an int; W: the callback's int */
    int gen;
    long long collected;
} rt_event_t;

typedef struct rt {
    hd_mem_t mem;
    hd_heap_t *h;
    rt_event_t ev[RT_MAX_EVENTS];
    int nev;
    /* finalizer behaviour: resurrect into this name when set */
    const char *resurrect_as;
    int resurrect_times;
} rt_t;

static long rt_tag(hd_heap_t *h, hd_obj_t *o)
{
    hd_obj_t *t;
    int64_t v;
    if (hd_obj_type(o) == HD_T_INSTANCE && hd_obj_getattr(h, o, "tag", &t) == 0 &&
        hd_int_to_i64(t, &v) == 0)
        return (long)v;
    return -1;
}

static void rt_push(rt_t *r, char kind, hd_obj_t *o, long tag, int gen, long long collected)
{
    if (r->nev < RT_MAX_EVENTS)
        r->ev[r->nev++] = (rt_event_t){kind, o, tag, gen, collected};
}

static void rt_on_finalizer(hd_heap_t *h, hd_obj_t *o, void *ctx)
{
    rt_t *r = ctx;
    rt_push(r, 'F', o, rt_tag(h, o), 0, 0);
    if (r->resurrect_as && r->resurrect_times > 0) {
        /* under injected allocation failures the binding may fail: then the
         * object simply is not resurrected */
        int rc = hd_ns_bind(h, r->resurrect_as, o);
        if (rc != 0 && rc != HD_ENOMEM)
            hd_test_fail(__FILE__, __LINE__, "resurrecting bind: %d", rc);
        if (rc == 0)
            r->resurrect_times--;
    }
}

static void rt_on_weakref(hd_heap_t *h, hd_obj_t *wr, hd_obj_t *cb, void *ctx)
{
    int64_t v = -1;
    if (cb)
        hd_int_to_i64(cb, &v);
    (void)h;
    rt_push(ctx, 'W', wr, (long)v, 0, 0);
}

static void rt_on_gc(hd_heap_t *h, int phase, const hd_gc_info_t *info, void *ctx)
{
    (void)h;
    rt_push(ctx, phase ? 'E' : 'S', NULL, 0, info->generation,
            (long long)(info->collected + info->uncollectable));
}

static void rt_on_resurrected(hd_heap_t *h, hd_obj_t *o, void *ctx)
{
    (void)h;
    rt_push(ctx, 'R', o, 0, 0, 0);
}

static inline rt_t *rt_new(void)
{
    rt_t *r = calloc(1, sizeof(*r));
    hd_mem_init_default(&r->mem);
    CHECK_OK(hd_heap_new(&r->mem, NULL, &r->h));
    hd_heap_hooks_t hooks = {0};
    hooks.finalizer = rt_on_finalizer;
    hooks.weakref_callback = rt_on_weakref;
    hooks.gc_phase = rt_on_gc;
    hooks.resurrected = rt_on_resurrected;
    hooks.ctx = r;
    hd_heap_set_hooks(r->h, &hooks);
    return r;
}

/* rt_check: invariants hold and nothing is held from outside the heap. */
static inline void rt_check(rt_t *r)
{
    const char *why = NULL;
    hd_census_t c;
    int rc = hd_heap_validate(r->h, &why, &c);
    if (rc)
        hd_test_fail(__FILE__, __LINE__, "validate: %s", why ? why : "error");
    if (c.external_refs != 0)
        hd_test_fail(__FILE__, __LINE__, "%llu external references left",
                     (unsigned long long)c.external_refs);
}

typedef struct rt_names {
    char **names;
    size_t n, cap;
} rt_names_t;

static int rt_collect_name(const char *name, hd_obj_t *o, void *arg)
{
    rt_names_t *rn = arg;
    (void)o;
    if (rn->n == rn->cap) {
        rn->cap = rn->cap ? rn->cap * 2 : 16;
        rn->names = realloc(rn->names, rn->cap * sizeof(char *));
    }
    rn->names[rn->n++] = strdup(name);
    return 0;
}

/* rt_del_all: del every name of the heap. */
static inline void rt_del_all(rt_t *r)
{
    rt_names_t rn = {0};
    CHECK_OK(hd_ns_each(r->h, rt_collect_name, &rn));
    for (size_t i = 0; i < rn.n; i++) {
        hd_ns_del(r->h, rn.names[i]); /* a finalizer may have deleted it already */
        free(rn.names[i]);
    }
    free(rn.names);
}

/* rt_free: deletes every name, empties gc.garbage, collects, and checks that
 * every count is back to zero (only the gc.garbage list itself may remain)
 * and that the invariants hold, before freeing the heap. */
static inline void rt_free(rt_t *r)
{
    hd_heap_t *h = r->h;
    r->resurrect_as = NULL;
    rt_del_all(r);
    hd_obj_t *garbage;
    CHECK_OK(hd_gc_garbage(h, &garbage));
    CHECK_OK(hd_list_clear(h, garbage));
    hd_gc_set_debug(h, 0);
    CHECK_OK(hd_gc_collect(h, 2, NULL));
    rt_check(r);
    hd_heap_totals_t t;
    hd_heap_totals(h, &t);
    if (t.objects != 1)
        hd_test_fail(__FILE__, __LINE__, "%llu objects left (expected only gc.garbage)",
                     (unsigned long long)t.objects);
    hd_heap_free(h);
    free(r);
}

/* ---- a plain heap, for the tests of one object type ---- */

/* rt_heap_new: a heap without hooks that allocates through *mem, which is
 * initialised here to the default allocator (a test may then inject
 * failures with hd_mem_fail_after). With auto_gc false no allocation starts
 * a collection, as in the python programs that call gc.disable().
 * Returns a new heap; end it with rt_heap_done. */
static inline hd_heap_t *rt_heap_new(hd_mem_t *mem, bool auto_gc)
{
    hd_heap_t *h = NULL;
    hd_mem_init_default(mem);
    CHECK_OK(hd_heap_new(mem, NULL, &h));
    if (!auto_gc)
        hd_gc_enable(h, false);
    return h;
}

/* rt_validate: hd_heap_validate passes (its reason is printed when not). */
static inline void rt_validate(hd_heap_t *h)
{
    const char *why = "";
    int rc = hd_heap_validate(h, &why, NULL);
    if (rc)
        fprintf(stderr, "validate: %s\n", why);
    CHECK_OK(rc);
}

/* rt_heap_done: every invariant holds and every object is gone; frees the
 * heap. */
static inline void rt_heap_done(hd_heap_t *h)
{
    rt_validate(h);
    hd_heap_totals_t t;
    hd_heap_totals(h, &t);
    CHECK_EQ(t.objects, 0);
    hd_heap_free(h);
}

/* py_ints: the integers a Python program prints (rt_py_int_list), at
 * most max of them into out; returns how many were stored. */
static inline size_t py_ints(const char *program, long long *out, size_t max)
{
    int64_t *v;
    size_t n = rt_py_int_list(program, &v);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = (long long)v[i];
    free(v);
    return n;
}

#endif
