/*
 * heaps.h: the server's heaps, by name.
 *
 * An hd_sheap_t wraps one runtime heap (hd_heap_t) with what the server
 * keeps beside it: its name and serial, the memory hooks it allocates
 * through, the classes created by name through the protocol (the server holds
 * one reference to each, so `Node` means the same class on every call), and
 * the runtime hooks that turn collections, finalizers, weakref callbacks and
 * resurrections into stream notifications.
 */
#ifndef HD_SRV_HEAPS_H
#define HD_SRV_HEAPS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>

#include "err.h"
#include "heap.h"
#include "server.h"

#define HD_HEAP_NAME_MAX 64

typedef struct hd_class_ent {
    char *name;    /* owned */
    hd_obj_t *cls; /* owned reference */
} hd_class_ent_t;

/* A weakref made with callback: true, and what its referent was, so that
 * the callback's event can name the object that died (the runtime hands
 * the hook only the cleared weakref). */
typedef struct hd_wr_watch {
    uint64_t weakref;  /* the weakref's id */
    uint64_t referent; /* the referent's id */
    char type[64];     /* the referent's type name (class name for instances) */
} hd_wr_watch_t;

#define HD_SNAPSHOTS_MAX 16 /* the runtime keeps at most this many */

typedef struct hd_sheap {
    hd_server_t *srv; /* borrowed */
    char name[HD_HEAP_NAME_MAX + 1];
    uint64_t serial;         /* 1, 2, ... never reused */
    hd_mem_t mem;            /* the heap's allocator hooks; outlives heap */
    hd_heap_t *heap;         /* owned */
    hd_class_ent_t *classes; /* owned array */
    size_t nclasses, classes_cap;
    uint64_t created_ms;
    uint64_t max_bytes, max_objects; /* the heap's own caps */
    bool manual_gc;                  /* inside gc.collect: collections are not automatic */
    bool garbage_used;               /* gc.garbage may exist (see hd_sheap_garbage) */
    hd_wr_watch_t *watches;          /* owned array */
    size_t nwatches, watches_cap;
    uint64_t snapshots[HD_SNAPSHOTS_MAX]; /* kept snapshot ids, oldest first */
    size_t nsnapshots;
    bool dirty;       /* changed since its state file was written (persist.c) */
    bool save_failed; /* the last save failed (logged once until one succeeds) */
} hd_sheap_t;

/* hd_grow: make room for one more element in the array *arr of *cap
 * elements of `size` bytes holding n (doubling; `first` elements at
 * first). Returns 0 or HD_ENOMEM (the array unchanged).
 * Ownership: *arr is realloc'ed in place. */
static inline int hd_grow(void *arr, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return 0;
    size_t want = *cap ? *cap * 2 : first;
    void *grown = realloc(*(void **)arr, want * size);
    if (!grown)
        return HD_ENOMEM;
    *(void **)arr = grown;
    *cap = want;
    return 0;
}

/* hd_json_set: obj[key] = v for results built on the hot path (json_pack
 * parses its format on every call): keeps going after a failure and sets
 * *failed, so a builder checks once at the end (a NULL v counts as a
 * failure). key must be a valid UTF-8 literal. Ownership: steals v, even
 * on failure. */
static inline void hd_json_set(json_t *obj, const char *key, json_t *v, int *failed)
{
    if (json_object_set_new_nocheck(obj, key, v) != 0)
        *failed = 1;
}

/* hd_heaps_create: a new empty heap. Returns 0, HD_EEXIST, HD_ELIMIT (the
 * server's heap count), HD_EINVAL (bad thresholds) or HD_ENOMEM.
 * Ownership: the server owns *out; borrowed until hd_heaps_drop. */
int hd_heaps_create(hd_server_t *srv, const char *name, const hd_heap_config_t *hc,
                    hd_sheap_t **out);

/* hd_heaps_create_quiet / hd_heaps_announce: as hd_heaps_create, but the
 * heap's `created` notification waits for hd_heaps_announce (heap.import
 * fills the heap first and may still drop it with hd_heaps_drop_quiet).
 * Ownership: the server owns *out. */
int hd_heaps_create_quiet(hd_server_t *srv, const char *name, const hd_heap_config_t *hc,
                          hd_sheap_t **out);
void hd_heaps_announce(hd_server_t *srv, hd_sheap_t *sh);
void hd_heaps_drop_quiet(hd_server_t *srv, hd_sheap_t *sh);

/* hd_heaps_find: the heap named name (len bytes) or NULL. Borrowed.
 * Ownership: borrowed until hd_heaps_drop. */
hd_sheap_t *hd_heaps_find(hd_server_t *srv, const char *name, size_t len);

/* hd_heaps_drop: frees the heap (no finalizer runs) and tells subscribers.
 * Ownership: frees sh. */
void hd_heaps_drop(hd_server_t *srv, hd_sheap_t *sh);

/* hd_heaps_free_all: at exit, without notifications. Ownership: frees every heap. */
void hd_heaps_free_all(hd_server_t *srv);

/* hd_sheap_class: the class named name, created on first use (*created
 * says so; with has_del the new class defines __del__). Returns 0,
 * HD_EINVAL, HD_ELIMIT or HD_ENOMEM.
 * Ownership: *out borrowed while the heap lives. */
int hd_sheap_class(hd_sheap_t *sh, const char *name, bool has_del, hd_obj_t **out, bool *created);

/* hd_sheap_hold_class: make cls the server's class `name` (a class that
 * came back from a state file). Returns 0 or HD_ENOMEM.
 * Ownership: steals the reference cls, even on failure. */
int hd_sheap_hold_class(hd_sheap_t *sh, const char *name, hd_obj_t *cls);

/* hd_sheap_class_forget: undo a creation by hd_sheap_class (drops the
 * server's reference). Ownership: drops the server's reference to the class. */
void hd_sheap_class_forget(hd_sheap_t *sh, const char *name);

/* hd_sheap_find_class: an existing class by name, or NULL. Borrowed.
 * Ownership: borrowed while the heap lives. */
hd_obj_t *hd_sheap_find_class(hd_sheap_t *sh, const char *name);

/* hd_sheap_info: the heap info object of PROTOCOL.md (heap.info, heap.list,
 * heap.create). NULL on out of memory. Ownership: new reference. */
json_t *hd_sheap_info(hd_sheap_t *sh);

/* hd_sheap_watch: remember weakref wr's referent for its callback event.
 * Returns 0 or HD_ENOMEM. Ownership: none (arguments borrowed for the call). */
int hd_sheap_watch(hd_sheap_t *sh, hd_obj_t *wr, hd_obj_t *referent);

/* hd_sheap_alloc_json: alloc.stats' object (also in stream.alloc). NULL on
 * out of memory. New reference. Ownership: new reference. */
json_t *hd_sheap_alloc_json(hd_sheap_t *sh);

/* hd_sheap_garbage: the heap's gc.garbage list (borrowed), created on
 * first use. The runtime creates the list lazily, and creating it is an
 * allocation that shows in the heap's counts; so the server asks for it
 * only once a client has (gc.garbage, gc.garbage_clear) or once DEBUG_SAVEALL
 * could have filled it, and otherwise reports len(gc.garbage) as 0 without
 * touching the heap. Returns 0 or HD_ENOMEM. Ownership: *out borrowed from the heap. */
int hd_sheap_garbage(hd_sheap_t *sh, hd_obj_t **out);

/* hd_sheap_gc_json: gc.get's object. NULL on out of memory. New reference.
 * Ownership: new reference. */
json_t *hd_sheap_gc_json(hd_sheap_t *sh);

#endif
