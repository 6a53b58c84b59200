/*
 * gc.h: the cycle collector of a heap, CPython 3.11's generational design
 * (Modules/gcmodule.c): three generations with counts and thresholds
 * (700, 10, 10), automatic collection inside the allocation that pushes
 * count 0 over its threshold, the long-lived rule for generation 2, weakref
 * and finalizer handling, resurrection, DEBUG_SAVEALL and gc.garbage, and a
 * permanent generation for gc.freeze().
 */
#ifndef HD_GC_H
#define HD_GC_H

#include <stdbool.h>
#include <stdint.h>

#include "heap.h"

enum {
    HD_GC_DEBUG_STATS = 1,
    HD_GC_DEBUG_COLLECTABLE = 2,
    HD_GC_DEBUG_UNCOLLECTABLE = 4,
    HD_GC_DEBUG_SAVEALL = 32,
    HD_GC_DEBUG_LEAK = 38
};

#define HD_GC_PERMANENT 3 /* hd_obj_generation of a frozen object */

typedef struct hd_gc_gen_stats {
    uint64_t collections;
    uint64_t collected;
    uint64_t uncollectable;
} hd_gc_gen_stats_t;

typedef struct hd_gc_result {
    int64_t collected;     /* objects freed (weakrefs that died after their callbacks included) */
    int64_t uncollectable; /* objects moved to gc.garbage by legacy finalizers (0 for us) */
    uint64_t duration_ns;
} hd_gc_result_t;

/* hd_gc_collect: gc.collect(generation): collected + uncollectable is what
 * Python returns. Ignores thresholds and gc.disable(). Returns 0, HD_EINVAL
 * (generation not 0..2) or HD_EBUSY (a collection is running: Python returns
 * 0 then). Runs the gc_phase, finalizer and weakref_callback hooks. */
int hd_gc_collect(hd_heap_t *h, int generation, hd_gc_result_t *out);

void hd_gc_enable(hd_heap_t *h, bool enabled);
bool hd_gc_is_enabled(const hd_heap_t *h);
/* hd_gc_set_threshold: gc.set_threshold: any C int, stored as given (as
 * CPython's 'i' format does); t0 = 0 disables automatic collection, and a
 * negative t0 collects at every GC allocation (count > t0 always holds). */
int hd_gc_set_threshold(hd_heap_t *h, int t0, int t1, int t2);
void hd_gc_get_threshold(const hd_heap_t *h, int out[3]);
void hd_gc_get_count(const hd_heap_t *h, int out[3]);
void hd_gc_get_stats(const hd_heap_t *h, hd_gc_gen_stats_t out[3]);
void hd_gc_set_debug(hd_heap_t *h, unsigned flags);
unsigned hd_gc_get_debug(const hd_heap_t *h);
/* total nanoseconds spent collecting, over the heap's life */
uint64_t hd_gc_pause_total_ns(const hd_heap_t *h);

/* gc.freeze(): every tracked object moves to the permanent generation and
 * the counts are zeroed; gc.unfreeze() moves them back into generation 2. */
void hd_gc_freeze(hd_heap_t *h);
void hd_gc_unfreeze(hd_heap_t *h);
uint64_t hd_gc_freeze_count(const hd_heap_t *h);

/* hd_gc_garbage: the gc.garbage list (borrowed; created on first use, as if
 * at startup: its creation moves no count and starts no collection).
 * Returns 0 or HD_ENOMEM. */
int hd_gc_garbage(hd_heap_t *h, hd_obj_t **out);

/* hd_gc_get_objects: gc.get_objects(generation) (-1 = all three), borrowed. */
int hd_gc_get_objects(hd_heap_t *h, int generation, int (*fn)(hd_obj_t *o, void *arg), void *arg);
/* hd_gc_get_referrers: gc.get_referrers(o): scans the three generations only. */
int hd_gc_get_referrers(hd_heap_t *h, hd_obj_t *o, int (*fn)(hd_obj_t *r, void *arg), void *arg);
/* hd_gc_generation_size: objects in generation g (0..2, 3 = permanent). */
uint64_t hd_gc_generation_size(const hd_heap_t *h, int g);

/* hd_gc_dry_run: what hd_gc_collect(generation) would find unreachable now,
 * without changing anything (not even counts): fn receives each unreachable
 * object (borrowed) in collection order; *collected and *uncollectable are
 * what the collection would report if no finalizer resurrected anything.
 * Returns 0, HD_EINVAL or HD_EBUSY. */
int hd_gc_dry_run(hd_heap_t *h, int generation, int (*fn)(hd_obj_t *o, void *arg), void *arg,
                  int64_t *collected, int64_t *uncollectable);

#endif
