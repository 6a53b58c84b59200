/*
 * heap.h: the public API of the heap runtime (library hd_runtime).
 *
 * A heap (hd_heap_t) is a byte-accurate model of one CPython 3.11
 * interpreter's object memory: a pymalloc pool allocator, objects with
 * CPython's sizes, reference counting, the generational cycle collector,
 * weak references, finalizers and allocation tracing. Everything hangs off
 * the heap: there is no global state, so heaps are independent.
 *
 * References follow the CPython C API. A function that returns an object
 * says whether the caller receives a *new reference* (it must call
 * hd_obj_decref once done) or a *borrowed* one (valid until the next call
 * that may free objects). Arguments are borrowed unless a comment says the
 * function steals them.
 *
 * Re-entrancy: finalizers (__del__), weakref callbacks and GC callbacks run
 * through hooks the embedder registers, synchronously, in the middle of a
 * decref or an allocation (as CPython runs them). A hook may call back into
 * the heap (to resurrect an object, say), but must not free the heap.
 */
#ifndef HD_HEAP_H
#define HD_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

typedef struct hd_heap hd_heap_t;
typedef struct hd_obj hd_obj_t;
struct hd_trace;
struct hd_pool;

enum hd_type {
    HD_T_NONE = 0,
    HD_T_BOOL,
    HD_T_INT,
    HD_T_FLOAT,
    HD_T_STR,
    HD_T_BYTES,
    HD_T_TUPLE,
    HD_T_LIST,
    HD_T_DICT,
    HD_T_SET,
    HD_T_OBJECT,   /* object() */
    HD_T_INSTANCE, /* an instance of a class */
    HD_T_WEAKREF,
    HD_T_CLASS,     /* a class (a heap type) */
    HD_T_FROZENSET, /* frozenset: a set's layout (set.c), with the core types so
                       that LOAD_METHOD finds its methods as a set's */
    /* the heap script language's types (script.h; func.c, iter.c) */
    HD_T_CODE,      /* a code object (not GC) */
    HD_T_FUNCTION,  /* a function (def, lambda) */
    HD_T_METHOD,    /* a bound method */
    HD_T_CELL,      /* a closure cell */
    HD_T_BUILTIN,   /* a builtin function, type, module or method: a shared singleton */
    HD_T_CMETHOD,   /* a builtin method bound to an object ([].append) */
    HD_T_DESCR,     /* a class's __dict__, __weakref__ or slot descriptor */
    HD_T_RANGE,     /* range() (not GC) */
    HD_T_SEQITER,   /* list, tuple and str iterators */
    HD_T_RANGEITER, /* range_iterator (not GC) */
    HD_T_DICTITER,  /* dict key, value and item iterators */
    HD_T_SETITER,   /* set_iterator */
    HD_T_DICTVIEW,  /* dict_keys, dict_values, dict_items */
    HD_T_SLICE,     /* slice */
    HD_T_ENUMERATE, /* enumerate */
    HD_T_ZIP,       /* zip */
    HD_T_REVITER,   /* list_reverseiterator, reversed */
    HD_T_MAP,       /* map */
    HD_T_FILTER,    /* filter */
    HD_TYPE_COUNT
};

/* hd_type_name: "list", "dict", ... ("type" for classes); static string. */
const char *hd_type_name(int type);

/* hd_type_from_name: the type with that name, or -1. */
int hd_type_from_name(const char *name);

/* ---- heaps ---- */

typedef struct hd_heap_config {
    uint64_t max_bytes;   /* 0 = no cap: bytes in allocated blocks + large */
    uint64_t max_objects; /* 0 = no cap: live objects */
    bool gc_enabled;      /* default true */
    int thresholds[3];    /* default 700, 10, 10; any int (gc.set_threshold) */
} hd_heap_config_t;

/* hd_heap_config_default: CPython's defaults, no caps. */
void hd_heap_config_default(hd_heap_config_t *cfg);

typedef struct hd_gc_info {
    int generation;
    int64_t collected;     /* 0 at "start" */
    int64_t uncollectable; /* 0 at "start" */
    uint64_t duration_ns;  /* 0 at "start" */
} hd_gc_info_t;

typedef struct hd_heap_hooks {
    /* __del__ of `obj` runs now (refcount death or a collection). obj is
     * borrowed; binding it somewhere resurrects it. */
    void (*finalizer)(hd_heap_t *h, hd_obj_t *obj, void *ctx);
    /* a weakref's callback runs now: `wr` is the (cleared) weakref, borrowed;
     * `callback` the callback object (borrowed), or NULL for a weakref made
     * with notify = true. */
    void (*weakref_callback)(hd_heap_t *h, hd_obj_t *wr, hd_obj_t *callback, void *ctx);
    /* a collection starts (phase 0) or stops (phase 1): gc.callbacks. */
    void (*gc_phase)(hd_heap_t *h, int phase, const hd_gc_info_t *info, void *ctx);
    /* a line of the collector's debug output (DEBUG_STATS, DEBUG_COLLECTABLE,
     * DEBUG_UNCOLLECTABLE), without its newline: what CPython writes to
     * stderr. */
    void (*gc_message)(hd_heap_t *h, const char *line, void *ctx);
    /* a finalizer resurrected `obj` (borrowed). */
    void (*resurrected)(hd_heap_t *h, hd_obj_t *obj, void *ctx);
    /* visit the embedder's own references (frames, temporaries) for the
     * census in hd_heap_objects / hd_heap_validate; may be NULL. */
    void (*visit_roots)(hd_heap_t *h, int (*visit)(hd_obj_t *o, void *arg), void *arg, void *ctx);
    void *ctx; /* borrowed */
} hd_heap_hooks_t;

/* hd_heap_new: an empty heap. `mem` is borrowed and must outlive the heap;
 * cfg may be NULL (defaults); thresholds are any C int, as
 * gc.set_threshold takes them. Returns 0 or HD_ENOMEM. The caller owns *out and frees it with
 * hd_heap_free. */
int hd_heap_new(hd_mem_t *mem, const hd_heap_config_t *cfg, hd_heap_t **out);

/* hd_heap_free: frees every object (no finalizer or callback runs, as at
 * interpreter teardown of a heap that is simply dropped) and the heap. */
void hd_heap_free(hd_heap_t *h);

/* hd_heap_set_hooks: copies *hooks (NULL clears them). */
void hd_heap_set_hooks(hd_heap_t *h, const hd_heap_hooks_t *hooks);

/* hd_heap_set_limits: change the caps (0 = none). Lowering a cap below
 * current use only refuses later allocations. */
void hd_heap_set_limits(hd_heap_t *h, uint64_t max_bytes, uint64_t max_objects);

/* hd_heap_objects_refused: how many allocations the object cap has refused
 * so far. An HD_ELIMIT comes from the object cap when this count moved
 * during the call, else from the byte cap (or another limit). */
uint64_t hd_heap_objects_refused(const hd_heap_t *h);

/* hd_heap_set_site: the allocation site recorded for blocks allocated from
 * now on while tracing ("app.py:12"; NULL or "" = unknown).
 * Returns 0, HD_ENOMEM or HD_ELIMIT (too many distinct sites). */
int hd_heap_set_site(hd_heap_t *h, const char *site);

/* hd_heap_trace: the heap's tracer (trace.h), borrowed for the heap's life. */
struct hd_trace *hd_heap_trace(hd_heap_t *h);

typedef struct hd_heap_totals {
    uint64_t objects;     /* live objects (shared singletons excluded) */
    uint64_t tracked;     /* objects tracked by the GC, frozen included */
    uint64_t bytes;       /* bytes in allocated blocks + large bytes */
    uint64_t arena_bytes; /* arenas * 1 MiB */
    uint64_t arenas;
    uint64_t inspector_bytes; /* the inspector's own memory, outside the arenas */
    uint64_t names;
    uint64_t by_type[HD_TYPE_COUNT]; /* live objects per type */
} hd_heap_totals_t;

/* hd_heap_totals: O(1) figures, from running counters (tracked objects are
 * counted as they are tracked and untracked; arena figures from the pool's
 * counters). */
void hd_heap_totals(const hd_heap_t *h, hd_heap_totals_t *out);

/* ---- references ---- */

void hd_obj_incref(hd_obj_t *o);
/* hd_obj_decref: drops a reference; at zero the object dies (finalizer,
 * weakref callbacks, teardown). */
void hd_obj_decref(hd_heap_t *h, hd_obj_t *o);

/* ---- atoms (every constructor returns a new reference) ---- */

void hd_none(hd_heap_t *h, hd_obj_t **out);
void hd_bool(hd_heap_t *h, bool v, hd_obj_t **out);
/* 0, HD_ELIMIT or HD_ENOMEM (for all constructors below). */
int hd_int_from_i64(hd_heap_t *h, int64_t v, hd_obj_t **out);
/* an int from 30-bit digits, least significant first; sign -1, 0 or 1. */
int hd_int_from_digits(hd_heap_t *h, int sign, const uint32_t *digits, size_t n, hd_obj_t **out);
int hd_float_new(hd_heap_t *h, double v, hd_obj_t **out);
/* hd_str_new: from UTF-8 (HD_EINVAL when not valid UTF-8). */
int hd_str_new(hd_heap_t *h, const char *utf8, size_t len, hd_obj_t **out);
int hd_bytes_new(hd_heap_t *h, const void *data, size_t len, hd_obj_t **out);
int hd_object_new(hd_heap_t *h, hd_obj_t **out); /* object() */

/* hd_int_to_i64: HD_ETYPE if not an int or bool, HD_ERANGE if it does not
 * fit. */
int hd_int_to_i64(const hd_obj_t *o, int64_t *out);
/* CPython 3.11's default sys.get_int_max_str_digits(), and the message of
 * the ValueError that str() and repr() of a longer int raise (%d: the limit). */
#define HD_INT_MAX_STR_DIGITS 4300
#define HD_INT_MAX_STR_DIGITS_MSG                                                                  \
    "Exceeds the limit (%d digits) for integer string conversion; use "                            \
    "sys.set_int_max_str_digits() to increase the limit"
/* hd_int_str_check: may str(o) be made under a limit of max_digits decimal
 * digits (the sign not counted; 0 = no limit)? 0 if so, HD_EVALUE when
 * CPython raises the ValueError above, HD_ETYPE for a non-int, HD_ENOMEM.
 * hd_obj_repr itself prints any int in full. */
int hd_int_str_check(const hd_obj_t *o, int max_digits);
int hd_float_value(const hd_obj_t *o, double *out);
/* hd_str_utf8: the text of a str as UTF-8 into buf (NUL-terminated,
 * truncated to len); returns the full UTF-8 length, or -1 if not a str. */
long hd_str_utf8(const hd_obj_t *o, char *buf, size_t len);

/* ---- containers (items borrowed; the container takes its own references) ---- */

/* hd_tuple_new: a tuple of n items (the empty tuple is shared). */
int hd_tuple_new(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out);
/* hd_list_new: `[a, b, c]` as the 3.11 compiler builds a display of names:
 * BUILD_LIST n (exactly n slots) up to 30 items, BUILD_LIST 0 and one
 * LIST_APPEND per item beyond that. */
int hd_list_new(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out);
/* hd_dict_new: `{k: v, ...}` as BUILD_MAP compiles it (presized). Equal keys:
 * the last value wins. HD_ETYPE when a key is unhashable. */
int hd_dict_new(hd_heap_t *h, size_t n, hd_obj_t *const *keys, hd_obj_t *const *values,
                hd_obj_t **out);
/* hd_set_new: `{a, b}` as BUILD_SET compiles it. HD_ETYPE when unhashable. */
int hd_set_new(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out);

int64_t hd_len(const hd_obj_t *o); /* len(); -1 when the type has no length */

/* list methods: as list.append etc. Indexes may be negative (from the end).
 * HD_EKEY for an index out of range or a missing value. */
int hd_list_append(hd_heap_t *h, hd_obj_t *list, hd_obj_t *item);
int hd_list_insert(hd_heap_t *h, hd_obj_t *list, int64_t index, hd_obj_t *item);
int hd_list_extend(hd_heap_t *h, hd_obj_t *list, hd_obj_t *iterable); /* list/tuple/set/dict */
/* hd_list_pop: removes and returns item `index` (new reference). */
int hd_list_pop(hd_heap_t *h, hd_obj_t *list, int64_t index, hd_obj_t **out);
int hd_list_remove(hd_heap_t *h, hd_obj_t *list, hd_obj_t *value);
int hd_list_clear(hd_heap_t *h, hd_obj_t *list);
int hd_list_index(hd_heap_t *h, hd_obj_t *list, hd_obj_t *value, int64_t *out);
int hd_list_setitem(hd_heap_t *h, hd_obj_t *list, int64_t index, hd_obj_t *item);
int hd_list_delitem(hd_heap_t *h, hd_obj_t *list, int64_t index);
/* hd_seq_getitem: item `index` of a list or tuple (borrowed). */
int hd_seq_getitem(hd_obj_t *seq, int64_t index, hd_obj_t **out);

/* dict methods. HD_EKEY for a missing key, HD_ETYPE for an unhashable one. */
int hd_dict_setitem(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t *value);
int hd_dict_getitem(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t **out); /* borrowed */
int hd_dict_delitem(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key);
int hd_dict_pop(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t **out); /* new ref */
int hd_dict_setdefault(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *key, hd_obj_t *dflt,
                       hd_obj_t **out); /* borrowed */
int hd_dict_update(hd_heap_t *h, hd_obj_t *dict, hd_obj_t *other);
int hd_dict_clear(hd_heap_t *h, hd_obj_t *dict);
int hd_dict_keys(hd_heap_t *h, hd_obj_t *dict, hd_obj_t **out); /* list(d), new ref */
/* hd_dict_next: iterate (key, value) pairs in order: *pos starts at 0;
 * returns false at the end. Borrowed references. */
bool hd_dict_next(hd_obj_t *dict, int64_t *pos, hd_obj_t **key, hd_obj_t **value);

/* set methods */
int hd_set_add(hd_heap_t *h, hd_obj_t *set, hd_obj_t *key);
int hd_set_discard(hd_heap_t *h, hd_obj_t *set, hd_obj_t *key, bool *found);
int hd_set_pop(hd_heap_t *h, hd_obj_t *set, hd_obj_t **out); /* new ref; HD_EKEY if empty */
int hd_set_clear(hd_heap_t *h, hd_obj_t *set);
int hd_set_contains(hd_heap_t *h, hd_obj_t *set, hd_obj_t *key, bool *out);
/* hd_set_next: iterate in table order; *pos starts at 0. Borrowed. */
bool hd_set_next(hd_obj_t *set, int64_t *pos, hd_obj_t **key);

/* ---- classes and instances ---- */

typedef struct hd_class_spec {
    bool has_del;             /* defines __del__ */
    bool use_slots;           /* defines __slots__ */
    size_t nslots;            /* with use_slots: the slot names */
    const char *const *slots; /* "__weakref__" among them makes instances weakrefable */
} hd_class_spec_t;

/* hd_class_new: a new class (a heap type object, tracked). `name` is 1..128
 * bytes. spec may be NULL (a plain class). Returns 0, HD_EINVAL, HD_ELIMIT or
 * HD_ENOMEM. New reference. */
int hd_class_new(hd_heap_t *h, const char *name, const hd_class_spec_t *spec, hd_obj_t **out);
const char *hd_class_name(const hd_obj_t *cls); /* borrowed for the class's life */
bool hd_class_has_del(const hd_obj_t *cls);
/* hd_obj_class: the class of an instance (borrowed), else NULL. */
hd_obj_t *hd_obj_class(hd_heap_t *h, const hd_obj_t *o);

/* hd_instance_new: cls() without __init__. With `del`, this instance has a
 * __del__ even if its class does not (the protocol's finalizer flag).
 * New reference. */
int hd_instance_new(hd_heap_t *h, hd_obj_t *cls, bool del, hd_obj_t **out);
/* attributes of instances (and classes). HD_ETYPE for other types; HD_EKEY
 * when missing (AttributeError); HD_EINVAL for a name not in __slots__. */
int hd_obj_setattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value);
int hd_obj_getattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t **out); /* borrowed */
int hd_obj_delattr(hd_heap_t *h, hd_obj_t *o, const char *name);
/* hd_obj_attr_next: iterate an instance's attributes in order (slots first).
 * Borrowed name and value. */
bool hd_obj_attr_next(hd_heap_t *h, hd_obj_t *o, int64_t *pos, const char **name, hd_obj_t **value);
bool hd_obj_has_del(hd_heap_t *h, const hd_obj_t *o);

/* ---- weak references ---- */

/* hd_weakref_new: weakref.ref(target[, callback]). Without a callback (and
 * without notify) an existing callback-less ref is shared. `callback` is an
 * object to hand to the weakref_callback hook, or NULL; `notify` asks for the
 * hook without an object. HD_ETYPE with CPython's message (see
 * hd_weakref_error) when the type cannot be weakly referenced.
 * New reference. */
int hd_weakref_new(hd_heap_t *h, hd_obj_t *target, hd_obj_t *callback, bool notify, hd_obj_t **out);
/* hd_weakref_get: the referent (borrowed) or NULL once dead. */
hd_obj_t *hd_weakref_get(const hd_obj_t *wr);
/* weakref.getweakrefcount(o) */
int64_t hd_weakref_count(hd_heap_t *h, hd_obj_t *o);
/* hd_weakref_error: CPython's message for a target that cannot be weakly
 * referenced ("cannot create weak reference to 'list' object"; the class
 * name for an instance of a __slots__ class without __weakref__), into buf. */
void hd_weakref_error(hd_heap_t *h, const hd_obj_t *target, char *buf, size_t len);

/* ---- object facts ---- */

int hd_obj_type(const hd_obj_t *o);
/* the name shown for its type: the class name for instances. Borrowed. */
const char *hd_obj_type_name(hd_heap_t *h, const hd_obj_t *o);
/* references to it (CPython's sys.getrefcount minus one). */
uint64_t hd_obj_refcount(const hd_obj_t *o);
size_t hd_obj_sizeof(const hd_heap_t *h, const hd_obj_t *o); /* sys.getsizeof */
uint64_t hd_obj_addr(const hd_heap_t *h, const hd_obj_t *o); /* id() */
/* hd_obj_id: the object's id, given out on first call. 0 only on HD_ENOMEM. */
uint64_t hd_obj_id(hd_heap_t *h, hd_obj_t *o);
/* hd_heap_find: the live object with that id (borrowed) or HD_ENOTFOUND. */
int hd_heap_find(hd_heap_t *h, uint64_t id, hd_obj_t **out);
bool hd_obj_is_static(const hd_obj_t *o);
bool hd_obj_is_gc(const hd_obj_t *o);
bool hd_obj_is_tracked(const hd_obj_t *o);   /* gc.is_tracked */
bool hd_obj_is_finalized(const hd_obj_t *o); /* gc.is_finalized */
/* hd_obj_generation: 0..2, 3 = permanent (frozen), -1 = untracked. O(n) in
 * the generation sizes: for inspection, not for hot paths. */
int hd_obj_generation(const hd_heap_t *h, const hd_obj_t *o);
/* hd_obj_repr: CPython's repr into buf (NUL-terminated, truncated with
 * "..." past len); containers nest at most `depth` levels. */
void hd_obj_repr(hd_heap_t *h, hd_obj_t *o, char *buf, size_t len);
/* hd_obj_hash: hash(o); HD_ETYPE if unhashable. */
int hd_obj_hash(hd_heap_t *h, hd_obj_t *o, int64_t *out);
/* hd_obj_equal: o1 == o2 (values for atoms, identity otherwise, elementwise
 * for tuples and lists). */
bool hd_obj_equal(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b);

/* hd_obj_referents: gc.get_referents(o): calls fn for each referent in
 * CPython's traverse order (borrowed); fn returning nonzero stops the walk,
 * and that value is returned. */
int hd_obj_referents(hd_heap_t *h, hd_obj_t *o, int (*fn)(hd_obj_t *r, void *arg), void *arg);

/* ---- the namespace: the heap's module globals ---- */

/* hd_ns_bind: name = value (takes its own reference; rebinding drops the
 * old one). Names are 1..255 bytes of UTF-8. 0, HD_EINVAL or HD_ENOMEM. */
int hd_ns_bind(hd_heap_t *h, const char *name, hd_obj_t *value);
/* hd_ns_get: borrowed, or HD_ENAME. */
int hd_ns_get(hd_heap_t *h, const char *name, hd_obj_t **out);
/* hd_ns_del: del name; HD_ENAME if not bound. */
int hd_ns_del(hd_heap_t *h, const char *name);
/* hd_ns_del_many: del a, b, ...: all or nothing (HD_ENAME names the first
 * missing one through *missing). */
int hd_ns_del_many(hd_heap_t *h, size_t n, const char *const *names, size_t *missing);
/* hd_ns_each: every binding in name order (borrowed); fn nonzero stops. */
int hd_ns_each(hd_heap_t *h, int (*fn)(const char *name, hd_obj_t *o, void *arg), void *arg);
uint64_t hd_ns_count(const hd_heap_t *h);

/* ---- census and invariants ---- */

/* hd_heap_objects: every live object (shared singletons excluded) found from
 * the roots (names, embedder roots, classes, gc.garbage) and the GC lists,
 * in a stable order (by address), each with its generation (0..2, 3 =
 * permanent, -1 = untracked); fn nonzero stops and its value is returned.
 * O(objects) time and a temporary visited set (HD_ENOMEM possible).
 * fn must not change the heap. */
int hd_heap_objects(hd_heap_t *h, int (*fn)(hd_obj_t *o, int generation, void *arg), void *arg);

/* hd_heap_pool: the heap's allocator (pool.h), borrowed for the heap's
 * life: statistics, dump and memory map. */
const struct hd_pool *hd_heap_pool(const hd_heap_t *h);

/* hd_class_lookup: the most recently created live class named `name`
 * (borrowed), or HD_ENOTFOUND. */
int hd_class_lookup(hd_heap_t *h, const char *name, hd_obj_t **out);

/* hd_obj_referrers: every live object that refers to o (the census above,
 * not only tracked objects: see hd_gc_get_referrers for CPython's view). */
int hd_obj_referrers(hd_heap_t *h, hd_obj_t *o, int (*fn)(hd_obj_t *r, void *arg), void *arg);

typedef struct hd_census {
    uint64_t found;         /* objects found from the roots and GC lists */
    uint64_t external_refs; /* references not explained by the heap's own edges */
} hd_census_t;

/* hd_heap_validate: checks every invariant: each object's refcount is at
 * least its incoming references (names, containers, attributes, weakref
 * callbacks, gc.garbage, classes) and no object is found more often than it
 * is counted; generation lists are well-formed and their counts right; pool
 * and arena lists (hd_pool_validate). Returns 0 or HD_EINVAL with a static
 * description in *why; fills *census when non-NULL. */
int hd_heap_validate(hd_heap_t *h, const char **why, hd_census_t *census);

#endif
