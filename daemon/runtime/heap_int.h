/*
 * heap_int.h: the runtime's internal layout, shared by its .c files only.
 *
 * Objects live in blocks of the heap's pool allocator (pool.h), laid out the
 * way CPython 3.11 lays them out on 64-bit Linux, so that every block has
 * exactly CPython's size:
 *
 *     [managed pre-header 16]  instances of classes with a __dict__ only
 *     [GC header 16]           GC types only (hd_gc_t: next, prev)
 *     [object header 16]       every object (hd_obj_t)
 *     [payload]                per type, below
 *
 * An hd_obj_t * points at the object header, as a PyObject * does, so the GC
 * header sits just before it. The object header packs what CPython keeps in
 * ob_refcnt and ob_type into the first word (a 32-bit refcount, the type tag,
 * flags and a 16-bit class index) and uses the second word for the object's
 * heap-wide id (0 until a client first looks at the object). Ids are given
 * out lazily from a 64-bit counter and never reused; addresses (hd_pool_addr)
 * are reused as CPython reuses id() values.
 *
 * GC header bits, much as in CPython 3.11's gcmodule.c (gc.c has the detail):
 *   next: 0 = untracked; else the next object's GC header
 *   prev: the previous GC header, with FINALIZED in bit 0 and COLLECTING in
 *         bit 1; outside a collection bits 2-3 hold the generation; during
 *         one bits 3.. hold gc_refs, or bit 2 (UNREACHABLE) marks a member
 *         of the tentatively unreachable list (CPython marks bit 0 of next).
 *
 * The inspector's own memory (ids, names, class metadata, traces) comes from
 * hd_mem_malloc and is counted in inspector_bytes, never in the pools.
 */
#ifndef HD_HEAP_INT_H
#define HD_HEAP_INT_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "gc.h"
#include "heap.h"
#include "mem.h"
#include "pool.h"

#define HD_LIKELY(x)   __builtin_expect(!!(x), 1)
#define HD_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- the object header ---- */

struct hd_obj {
    uint32_t refcnt;
    uint8_t type;  /* enum hd_type */
    uint8_t flags; /* HD_OF_* */
    uint16_t aux;  /* instances and classes: class index; str: kind bits */
    uint64_t id;   /* 0 until observed; then unique for the heap's life */
};

enum {
    HD_OF_STATIC = 1 << 0,    /* a shared singleton: never freed before the heap */
    HD_OF_WR_NOTIFY = 1 << 1, /* weakref: callback = notify the embedder */
    HD_OF_DEL = 1 << 2,       /* instance: has __del__ of its own (protocol) */
    HD_OF_INDEXED = 1 << 3,   /* has an id in the heap's id index */
    HD_OF_MANAGED = 1 << 4,   /* instance: has the managed-dict pre-header */
    HD_OF_INTERNED = 1 << 5,  /* str: in the heap's interned set (atoms.c) */
    HD_OF_TYPEDICT = 1 << 6   /* dict: a class's, read by the script's attribute caches:
                                 a change drops them (sc_typedict_changed) */
};

typedef struct hd_gc {
    _Alignas(16) uintptr_t next; /* 16-aligned everywhere: prev keeps 4 flag bits */
    uintptr_t prev;
} hd_gc_t;

#define HD_GC(o)               ((hd_gc_t *)(o)-1)
#define HD_FROM_GC(g)          ((hd_obj_t *)((hd_gc_t *)(g) + 1))
#define HD_GC_PREV_FINALIZED   ((uintptr_t)1)
#define HD_GC_PREV_COLLECTING  ((uintptr_t)2)
#define HD_GC_PREV_UNREACHABLE ((uintptr_t)4)   /* during a collection (gc.c) */
#define HD_GC_PREV_SHIFT       3                /* during a collection: gc_refs */
#define HD_GC_PREV_MASK        (~(uintptr_t)15) /* the pointer in prev */
#define HD_GC_GEN_SHIFT        2                /* outside a collection: bits 2-3 = generation */
#define HD_GC_GEN_MASK         ((uintptr_t)12)
#define HD_GC_NEXT_UNREACHABLE ((uintptr_t)1) /* never set: a GC list's next is clean */

/* ---- payloads (offsets from the object header) ---- */

typedef struct hd_int_obj {
    hd_obj_t h;
    int64_t size;       /* ob_size: sign * number of 30-bit digits */
    uint32_t digits[1]; /* at least one */
} hd_int_obj_t;
#define HD_INT_HEADER 24
#define HD_INT_SHIFT  30
#define HD_INT_MASK   ((1u << HD_INT_SHIFT) - 1)

typedef struct hd_float_obj {
    hd_obj_t h;
    union {
        double value;
        hd_obj_t *next_free; /* on the float free list */
    };
} hd_float_obj_t;

/* str: 3.11's compact layouts. ASCII: 48-byte header then data; other kinds:
 * 72-byte header (PyCompactUnicodeObject) then data. Data is NUL-terminated
 * in code units of `kind` bytes (1 Latin-1, 2 UCS-2, 4 UCS-4). */
typedef struct hd_str_obj {
    hd_obj_t h;
    int64_t length; /* code points */
    int64_t hash;   /* -1 until computed */
    uint32_t state; /* kind (1,2,4) | HD_STR_ASCII */
    uint32_t pad;
    uint64_t wstr;
} hd_str_obj_t;
#define HD_STR_ASCII_HEADER   48
#define HD_STR_COMPACT_HEADER 72
#define HD_STR_ASCII          0x100u
#define HD_STR_KIND(s)        ((s)->state & 0xffu)

typedef struct hd_bytes_obj {
    hd_obj_t h;
    int64_t size;
    int64_t hash;
    char data[1]; /* size + 1 bytes, NUL-terminated */
} hd_bytes_obj_t;
#define HD_BYTES_HEADER 32

typedef struct hd_tuple_obj {
    hd_obj_t h;
    int64_t size;
    hd_obj_t *items[]; /* owned references */
} hd_tuple_obj_t;

typedef struct hd_list_obj {
    hd_obj_t h;
    int64_t size;
    hd_obj_t **items; /* owned block (pool); owned references */
    int64_t allocated;
} hd_list_obj_t;

/* dict: 3.11's PyDictObject. The keys block (dict.c) holds indices and
 * entries; values is used only by split tables (never by us: see dict.c). */
typedef struct hd_dict_obj {
    hd_obj_t h;
    int64_t used;
    uint64_t version;
    struct hd_dict_keys *keys; /* owned block, or the heap's shared empty keys */
    void *values;              /* NULL, or a split dict's (dict.c's split_t) */
} hd_dict_obj_t;

typedef struct hd_set_entry {
    hd_obj_t *key; /* owned reference, NULL (empty) or the heap's dummy */
    int64_t hash;
} hd_set_entry_t;

#define HD_SET_MINSIZE 8
typedef struct hd_set_obj {
    hd_obj_t h;
    int64_t fill;
    int64_t used;
    int64_t mask;
    hd_set_entry_t *table; /* smalltable or an owned block */
    int64_t hash;
    int64_t finger;
    hd_set_entry_t smalltable[HD_SET_MINSIZE];
    struct hd_weakref_obj *weakreflist; /* weak; head of the referent's weakref list */
} hd_set_obj_t;

/* An instance of a class. With a managed __dict__ (no __slots__), the
 * pre-header before the GC header holds the materialized dict (if any) and
 * the values array; after the object header comes the weakref list. With
 * __slots__, the slots follow the header (then the weakref slot when
 * "__weakref__" is among the slots). */
typedef struct hd_preheader {
    hd_obj_t *dict;           /* owned: a materialized __dict__, or NULL */
    struct hd_values *values; /* owned block: attribute values, or NULL */
} hd_preheader_t;
#define HD_PREHEADER(o) ((hd_preheader_t *)((char *)(o) - sizeof(hd_gc_t)) - 1)

typedef struct hd_instance_obj {
    hd_obj_t h;
    struct hd_weakref_obj *weakreflist; /* weak; cleared by hd__weakref_clear_all */
} hd_instance_obj_t;

/* The attribute values of an instance with a managed dict: 3.11's
 * PyDictValues with its prefix. The block is prefix + size * 8 bytes, where
 * prefix = round_up(size + 2, 8); the prefix's bytes hold the insertion order
 * of the attributes (its last byte: the prefix size; the one before: how many
 * are in order). We keep `size` in the prefix's first bytes' place too. */
typedef struct hd_values {
    uint8_t prefix[8]; /* [0..] order, [prefix-2] count, [prefix-1] prefix size */
} hd_values_t;

typedef struct hd_weakref_obj {
    hd_obj_t h;
    hd_obj_t *object;   /* weak; the referent or NULL once cleared */
    hd_obj_t *callback; /* owned; NULL when none (see HD_OF_WR_NOTIFY) */
    int64_t hash;
    struct hd_weakref_obj *prev; /* weak; list of refs to `object` */
    struct hd_weakref_obj *next;
    uint64_t vectorcall;
} hd_weakref_obj_t;

/* A class (a heap type). The block has CPython's size for a heap type
 * object (904 bytes + GC header: a large block); the model keeps its own
 * fields at the start of the payload and leaves the rest unused. The type
 * slots below are what CPython keeps outside tp_dict: traverse visits
 * attrs, mro, bases, base (type_traverse's order), not subclasses or slots
 * (a dict of weakrefs and a tuple of strs, which cannot be in a cycle). A
 * class made by hd_class_new alone (obj.new, graph import) has none. */
typedef struct hd_class_obj {
    hd_obj_t h;
    struct hd_class_meta *meta;         /* owned, inspector memory */
    hd_obj_t *attrs;                    /* owned dict of class attributes (tp_dict), or NULL */
    struct hd_weakref_obj *weakreflist; /* weak */
    struct hd_dict_keys *cached_keys;   /* owned block: the shared keys of 3.11 */
    hd_obj_t *mro;                      /* owned tuple (tp_mro), or NULL */
    hd_obj_t *bases;                    /* owned tuple (tp_bases), or NULL */
    hd_obj_t *base;                     /* owned (tp_base): a class or `object`, or NULL */
    hd_obj_t *subclasses;               /* owned dict {int: weakref} (tp_subclasses), or NULL */
    hd_obj_t *slots;                    /* owned tuple of str (ht_slots), or NULL */
    int64_t subclass_key; /* its key in its bases' tp_subclasses (CPython: its address) */
} hd_class_obj_t;
#define HD_TYPE_BASICSIZE 904

#define HD_CLASS_NAME_MAX  128
#define HD_SHARED_KEYS_MAX 30
typedef struct hd_class_meta {
    char name[HD_CLASS_NAME_MAX + 1];
    uint16_t index;    /* slot in heap->classes */
    bool has_del;      /* the class defines __del__ */
    bool weakrefable;  /* instances have a weakref slot */
    bool managed_dict; /* instances have a __dict__ (no __slots__) */
    uint32_t nslots;   /* __slots__ entries (excluding __weakref__) */
    char **slot_names; /* owned */
    /* the shared keys: attribute names in insertion order */
    uint32_t kind;                  /* trace kind (the class name) */
    uint32_t nkeys;                 /* dk_nentries */
    int32_t usable;                 /* dk_usable */
    char *keys[HD_SHARED_KEYS_MAX]; /* owned strings */
    /* the keys as str objects for split dicts (owned; made on first need,
     * untraced: CPython's are the code's interned names) */
    hd_obj_t *key_objs[HD_SHARED_KEYS_MAX];
    uint32_t refs; /* the class and its split dicts (dk_refcnt) */
} hd_class_meta_t;

/* ---- the script language's types (func.c, iter.c), CPython 3.11's sizes ----
 *
 * Each payload below has the size of the CPython struct it stands for, so
 * blocks and sys.getsizeof match: fields the model does not need are kept as
 * padding. GC types are tracked at creation, as CPython tracks them. */

/* A code object (not GC). The block holds this header, then the compiler's
 * data (script/code.h): `refs` points into the block at the references the
 * code owns (constants, names, nested code), released when it dies. */
typedef struct hd_code_obj {
    hd_obj_t h;
    uint32_t nrefs;       /* owned references in refs[0..nrefs) */
    uint32_t firstline;   /* co_firstlineno */
    size_t len;           /* the block's size */
    hd_obj_t **refs;      /* inside the block */
    const char *name;     /* inside the block: co_name */
    const char *filename; /* inside the block: co_filename */
} hd_code_obj_t;

typedef struct hd_func_obj { /* PyFunctionObject: 136 bytes */
    hd_obj_t h;
    hd_obj_t *code;                     /* owned */
    hd_obj_t *name;                     /* owned str */
    hd_obj_t *qualname;                 /* owned str */
    hd_obj_t *defaults;                 /* owned tuple, or NULL */
    hd_obj_t *closure;                  /* owned tuple of cells, or NULL */
    hd_obj_t *module;                   /* owned str, or NULL */
    hd_obj_t *doc;                      /* owned, or NULL */
    hd_obj_t *dict;                     /* owned dict (function attributes), or NULL */
    struct hd_weakref_obj *weakreflist; /* weak: weakrefs to it (hd__weakref_list) */
    uint64_t unused[6];                 /* globals, builtins, kwdefaults, annotations, ... */
} hd_func_obj_t;

typedef struct hd_method_obj { /* PyMethodObject: 48 bytes */
    hd_obj_t h;
    hd_obj_t *func;                     /* owned */
    hd_obj_t *self;                     /* owned */
    struct hd_weakref_obj *weakreflist; /* weak: weakrefs to it */
    uint64_t vectorcall;
} hd_method_obj_t;

typedef struct hd_cell_obj { /* PyCellObject: 24 bytes */
    hd_obj_t h;
    hd_obj_t *ref; /* owned, or NULL (empty) */
} hd_cell_obj_t;

enum { HD_BUILTIN_FUNCTION, HD_BUILTIN_TYPE, HD_BUILTIN_MODULE, HD_BUILTIN_METHOD };

/* A builtin: a shared singleton (HD_OF_STATIC) the script language creates
 * once per heap in a block of its own; never freed before the heap. */
typedef struct hd_builtin_obj {
    hd_obj_t h;
    const char *name;      /* static string: "print", "list", "gc", "append" */
    const char *type_name; /* static: "builtin_function_or_method", "type", ... */
    const char *owner;     /* static: a method's type ("list"), a module's file or NULL */
    uint32_t size;         /* sys.getsizeof */
    uint16_t kind;         /* HD_BUILTIN_* */
    uint16_t index;        /* the script language's builtin number */
} hd_builtin_obj_t;

typedef struct hd_cmethod_obj { /* PyCFunctionObject: 56 bytes */
    hd_obj_t h;
    hd_obj_t *builtin;                  /* owned: the HD_T_BUILTIN method */
    hd_obj_t *self;                     /* owned */
    hd_obj_t *module;                   /* unused (NULL) */
    struct hd_weakref_obj *weakreflist; /* weak; unused */
    uint64_t vectorcall;
} hd_cmethod_obj_t;

enum { HD_DESCR_GETSET, HD_DESCR_MEMBER };
typedef struct hd_descr_obj { /* PyGetSetDescrObject / PyMemberDescrObject: 48 bytes */
    hd_obj_t h;
    hd_obj_t *type;     /* owned: the class */
    hd_obj_t *name;     /* owned str */
    hd_obj_t *qualname; /* unused (NULL) */
    uint64_t slot;      /* member: the slot's index */
} hd_descr_obj_t;

typedef struct hd_range_obj { /* rangeobject: 48 bytes */
    hd_obj_t h;
    int64_t start, stop, step, length;
} hd_range_obj_t;

enum { HD_ITER_LIST, HD_ITER_TUPLE, HD_ITER_STR, HD_ITER_STR_ASCII };
typedef struct hd_seqiter_obj { /* listiterobject: 32 bytes; aux = HD_ITER_* */
    hd_obj_t h;
    int64_t index;
    hd_obj_t *seq; /* owned; NULL once exhausted */
} hd_seqiter_obj_t;

typedef struct hd_rangeiter_obj { /* rangeiterobject: 48 bytes */
    hd_obj_t h;
    int64_t index, start, step, len;
} hd_rangeiter_obj_t;

/* HD_DICT_PROXY: a dict view object that is a mappingproxy (a class's
 * __dict__): mappingproxyobject has the same 24 bytes, one reference */
enum { HD_DICT_KEYS, HD_DICT_VALUES, HD_DICT_ITEMS, HD_DICT_PROXY };
typedef struct hd_dictiter_obj { /* dictiterobject: 56 bytes; aux = HD_DICT_* */
    hd_obj_t h;
    hd_obj_t *dict; /* owned; NULL once exhausted */
    int64_t used;
    int64_t pos;
    hd_obj_t *result; /* owned: the reused item tuple, or NULL */
    int64_t len;
} hd_dictiter_obj_t;

typedef struct hd_setiter_obj { /* setiterobject: 48 bytes */
    hd_obj_t h;
    hd_obj_t *set; /* owned; NULL once exhausted */
    int64_t used;
    int64_t pos;
    int64_t len;
} hd_setiter_obj_t;

typedef struct hd_enum_obj { /* enumobject: 56 bytes */
    hd_obj_t h;
    int64_t index;
    hd_obj_t *sit;       /* owned: the iterator */
    hd_obj_t *result;    /* owned: the reused (index, item) tuple, or NULL */
    hd_obj_t *longindex; /* unused (indexes past 2**63) */
    hd_obj_t *one;       /* unused */
} hd_enum_obj_t;

typedef struct hd_zip_obj { /* zipobject: 48 bytes */
    hd_obj_t h;
    int64_t tuplesize;
    hd_obj_t *ittuple; /* owned: the tuple of iterators */
    hd_obj_t *result;  /* owned: the reused result tuple, or NULL */
    int64_t strict;
} hd_zip_obj_t;

enum { HD_REV_LIST, HD_REV_SEQ };
typedef struct hd_reviter_obj { /* listreviterobject, reversedobject: 32 bytes; aux = HD_REV_* */
    hd_obj_t h;
    int64_t index; /* the next item's index; -1 when exhausted */
    hd_obj_t *seq; /* owned; NULL once exhausted */
} hd_reviter_obj_t;

typedef struct hd_map_obj { /* mapobject: 32 bytes */
    hd_obj_t h;
    hd_obj_t *iters; /* owned: the tuple of iterators */
    hd_obj_t *func;  /* owned */
} hd_map_obj_t;

typedef struct hd_filter_obj { /* filterobject: 32 bytes */
    hd_obj_t h;
    hd_obj_t *func; /* owned */
    hd_obj_t *it;   /* owned: the iterator */
} hd_filter_obj_t;

typedef struct hd_dictview_obj { /* _PyDictViewObject: 24 bytes; aux = HD_DICT_* */
    hd_obj_t h;
    hd_obj_t *dict; /* owned */
} hd_dictview_obj_t;

typedef struct hd_slice_obj { /* PySliceObject: 40 bytes */
    hd_obj_t h;
    hd_obj_t *start, *stop, *step; /* owned */
} hd_slice_obj_t;

/* ---- the heap ---- */

typedef struct hd_gen {
    hd_gc_t head; /* circular list of GC headers */
    int threshold;
    int count;
} hd_gen_t;

typedef struct hd_idindex {
    uint32_t *slots; /* owned; 0 = empty, else a pool handle */
    uint64_t mask;   /* capacity - 1 (capacity a power of two) or 0 */
    uint64_t used;   /* live entries */
    uint64_t tombs;  /* deleted entries (HD_IDX_TOMB) */
} hd_idindex_t;

typedef struct hd_ns_entry {
    char *name;    /* owned */
    hd_obj_t *obj; /* owned reference */
} hd_ns_entry_t;

typedef struct hd_namespace {
    hd_ns_entry_t *slots; /* owned; open addressing, name NULL = empty */
    uint64_t mask;
    uint64_t used;
    uint64_t tombs;
} hd_namespace_t;

#define HD_NSMALLNEG           5
#define HD_NSMALLPOS           257
#define HD_LIST_MAXFREELIST    80
#define HD_DICT_MAXFREELIST    80
#define HD_FLOAT_MAXFREELIST   100
#define HD_TUPLE_MAXSAVESIZE   20
#define HD_TUPLE_MAXFREELIST   2000
#define HD_TRASH_UNWIND_LEVEL  50
#define HD_PLAIN_UNWIND_LEVEL  50 /* nested deallocations of GC non-containers (obj.c) */
#define HD_MAX_CLASSES         65535
#define HD_STACK_USE_GUIDELINE 30 /* the compiler's limit for BUILD_LIST n and friends */
#define HD_REPR_MAX_DEPTH      64

struct hd_heap {
    hd_mem_t *mem;          /* borrowed from the embedder */
    hd_pool_t *pool;        /* owned */
    struct hd_trace *trace; /* owned */
    const int *tracing;     /* borrowed from trace: nonzero while tracing */
    hd_heap_hooks_t hooks;
    uint32_t site; /* current allocation site (trace) */

    /* shared singletons (statics), created lazily; owned */
    hd_obj_t *none, *true_, *false_, *empty_tuple, *empty_str, *empty_bytes;
    hd_obj_t *small_ints[HD_NSMALLNEG + HD_NSMALLPOS];
    hd_obj_t *latin1[256];           /* one-character str */
    hd_obj_t *bytes1[256];           /* one-byte bytes */
    hd_obj_t *dummy;                 /* set/dict dummy key; never exposed */
    struct hd_dict_keys *empty_keys; /* Py_EMPTY_KEYS; static memory */
    struct hd_dict_split *splits;    /* the live split dicts' inspector memory (dict.c) */
    uint64_t static_bytes;           /* memory of statics (not in the pools) */

    /* free lists, as CPython 3.11 keeps them (blocks stay allocated) */
    hd_obj_t *list_free[HD_LIST_MAXFREELIST];
    int list_nfree;
    hd_obj_t *dict_free[HD_DICT_MAXFREELIST];
    int dict_nfree;
    struct hd_dict_keys *keys_free[HD_DICT_MAXFREELIST];
    int keys_nfree;
    hd_obj_t *float_free; /* chained through the value field */
    int float_nfree;
    hd_obj_t *tuple_free[HD_TUPLE_MAXSAVESIZE + 1]; /* chained through items[0] */
    int tuple_nfree[HD_TUPLE_MAXSAVESIZE + 1];
    hd_obj_t *slice_cache; /* 3.11's one-slice cache (iter.c), or NULL */

    /* objects */
    uint64_t next_id;  /* last id given out */
    uint64_t nobjects; /* live objects, statics excluded */
    uint64_t max_objects;
    uint64_t objects_refused; /* allocations the object cap refused */
    uint64_t ext_refs;        /* references held by the embedder (hd_obj_incref) */
    hd_idindex_t ids;
    hd_obj_t **static_ids; /* owned array: singletons that have an id */
    size_t nstatic_ids, static_ids_cap;
    hd_namespace_t ns;
    hd_class_obj_t **classes; /* owned array; borrowed entries (weak) */
    uint32_t nclasses, classes_cap;
    uint64_t counts_by_type[HD_TYPE_COUNT];

    /* deallocation */
    int delete_nesting;
    int plain_nesting;      /* nested deallocations of GC types outside the trashcan */
    hd_obj_t *delete_later; /* chained through the GC header's prev word */

    /* the collector (gc.c) */
    hd_gen_t gens[3];
    hd_gen_t permanent;
    uint64_t ntracked; /* objects in the generation lists, permanent included */
    bool gc_enabled;
    bool gc_collecting;
    unsigned gc_debug;
    int64_t long_lived_total;
    int64_t long_lived_pending;
    /* what an interpreter's startup objects add to long_lived_total: the
     * script language sets it (script/modules.c), 0 for a heap without one */
    int64_t long_lived_startup;
    hd_gc_gen_stats_t gc_stats[3];
    hd_obj_t *garbage; /* owned list: gc.garbage, created lazily */
    uint64_t gc_pause_ns_total;

    /* repr recursion guard (repr.c) */
    hd_obj_t *repr_stack[HD_REPR_MAX_DEPTH];
    int repr_depth;

    /* tracing: the trace kind of each type (classes have their own) */
    uint32_t type_kinds[HD_TYPE_COUNT];

    /* the script language's per-heap state (script/): a block of the heap's
     * own pool, created by the first run and freed with the pool; NULL until
     * then. Owned. */
    struct sc_state *script;
    /* the interned strings (PyUnicode_InternInPlace; atoms.c): an open
     * addressing set of borrowed str objects flagged HD_OF_INTERNED, which
     * leave it when they die, as 3.11's mortal interned strings leave
     * its interned dict; host memory (CPython's table is startup state). */
    hd_obj_t **interned;
    uint64_t interned_mask, interned_used, interned_fill;
};

/* ---- block allocation (heap.c): the pool plus tracing and quota ---- */

/* hd__block_alloc: a block of `len` bytes for an object of trace kind `kind`
 * (h->type_kinds[type], or a class's kind). 0, HD_ELIMIT or HD_ENOMEM. The
 * caller owns the block until hd__block_free. */
/* hd__block_traced: hd__block_alloc's tracing half, out of line: records
 * the new block `p` (frees it when the trace cannot take it). 0 or
 * HD_ENOMEM. */
int hd__block_traced(hd_heap_t *h, void *p, size_t len, uint32_t kind);
/* hd__block_untrace: forgets a traced block that is being freed. */
void hd__block_untrace(hd_heap_t *h, void *p);

/* Inline: every object allocation comes through here, and the pool call is
 * all there is to it unless tracemalloc traces. */
static inline int hd__block_alloc(hd_heap_t *h, size_t len, uint32_t kind, void **out)
{
    int rc = hd_pool_block_alloc(h->pool, len, out);
    if (HD_UNLIKELY(rc))
        return rc;
    if (HD_UNLIKELY(*h->tracing))
        return hd__block_traced(h, *out, len, kind);
    return 0;
}
int hd__block_realloc(hd_heap_t *h, void *p, size_t len, uint32_t kind, void **out);
void hd__block_free(hd_heap_t *h, void *p);
/* hd__block_free_small: hd__block_free of a block known to come from a pool
 * (allocated with 1..512 bytes and never reallocated). */
static inline void hd__block_free_small(hd_heap_t *h, void *p)
{
    if (HD_UNLIKELY(*h->tracing))
        hd__block_untrace(h, p);
    hd_pool_block_free_small(h->pool, p);
}
/* hd__block_free_small2: hd__block_free_small(p1), then (p2), with one
 * look-up of the pool's arena map for both when it can. */
static inline void hd__block_free_small2(hd_heap_t *h, void *p1, void *p2)
{
    if (HD_UNLIKELY(*h->tracing)) {
        hd__block_free_small(h, p1);
        hd__block_free_small(h, p2);
        return;
    }
    hd_pool_block_free_small2(h->pool, p1, p2);
}

/* ---- object allocation and deallocation (obj.c) ---- */

/* hd__obj_alloc: allocates and initializes the header of an object of
 * `type` whose block is `len` bytes (presize included), refcount 1, counted
 * in nobjects. For GC types: links the GC header (untracked), counts it in
 * gen 0 and may run an automatic collection first (3.11's _PyObject_GC_Link).
 * `presize` is 0, 16 (GC) or 32 (GC + managed pre-header).
 * Returns 0, HD_ELIMIT or HD_ENOMEM. New reference. */
static inline int hd__obj_alloc(hd_heap_t *h, int type, size_t len, size_t presize,
                                hd_obj_t **out); /* inline: at the end of this file */

/* hd__obj_free_block: releases the block of a dead object, undoing the
 * accounting of hd__obj_alloc (nobjects, gen-0 count for GC types, id). */
void hd__obj_free_block(hd_heap_t *h, hd_obj_t *o);
/* hd__obj_free_managed: hd__obj_free_block of an instance with a managed
 * dict, which frees its values block first (`values`: the instance's values
 * array, whose block starts values[-1] bytes before it (instance.c), or NULL
 * for none): the same, without the type table. Inline: at the end of this
 * file. */
static inline void hd__obj_free_managed(hd_heap_t *h, hd_obj_t *o, hd_obj_t **values);

/* hd__dealloc: the object's refcount reached zero: finalize, clear weakrefs,
 * tear down (bounded nesting: the trashcan). */
void hd__dealloc(hd_heap_t *h, hd_obj_t *o);
/* hd__destroy_chain: empties the trashcan's delete_later list (obj.c). */
void hd__destroy_chain(hd_heap_t *h);
/* hd__instance_dealloc_nested: hd__dealloc of an instance below the
 * trashcan's limit (instance.c). */
void hd__instance_dealloc_nested(hd_heap_t *h, hd_obj_t *o);

static inline void hd__incref(hd_obj_t *o)
{
    o->refcnt++;
}

static inline void hd__decref(hd_heap_t *h, hd_obj_t *o)
{
    assert(o->refcnt > 0);
    if (--o->refcnt == 0)
        hd__dealloc(h, o);
}

static inline void hd__xdecref(hd_heap_t *h, hd_obj_t *o)
{
    if (o)
        hd__decref(h, o);
}

/* hd__decref_inst: hd__decref with hd__dealloc's first case (an instance
 * below the trashcan's limit) taken in place, one call less: for the
 * references an instance's teardown and the collector drop, which are
 * often instances. */
static inline void hd__decref_inst(hd_heap_t *h, hd_obj_t *o)
{
    assert(o->refcnt > 0);
    if (--o->refcnt != 0)
        return;
    if (HD_LIKELY(o->type == HD_T_INSTANCE && h->delete_nesting < HD_TRASH_UNWIND_LEVEL))
        hd__instance_dealloc_nested(h, o);
    else
        hd__dealloc(h, o);
}

/* ---- type table (obj.c) ---- */

typedef int (*hd_visit_fn)(hd_obj_t *o, void *arg);

typedef struct hd_type_info {
    const char *name;
    unsigned flags;                                             /* HD_TF_* */
    int (*traverse)(hd_obj_t *o, hd_visit_fn visit, void *arg); /* tp_traverse */
    void (*clear)(hd_heap_t *h, hd_obj_t *o);                   /* tp_clear, or NULL */
    void (*dealloc)(hd_heap_t *h, hd_obj_t *o);                 /* drop refs, free blocks */
    size_t (*getsizeof)(const hd_obj_t *o);                     /* sys.getsizeof */
} hd_type_info_t;

enum {
    HD_TF_GC = 1 << 0,          /* has a GC header */
    HD_TF_WEAKREFABLE = 1 << 1, /* may be the referent of a weakref */
    HD_TF_CONTAINER = 1 << 2,   /* deallocation nests (trashcan) */
    HD_TF_SMALL = 1 << 3        /* the block is 16..512 bytes: always a pool block */
};

extern const hd_type_info_t hd__types[HD_TYPE_COUNT];

static inline bool hd__is_gc(const hd_obj_t *o)
{
    return (hd__types[o->type].flags & HD_TF_GC) != 0;
}

static inline hd_class_obj_t *hd__class_of(const hd_heap_t *h, const hd_obj_t *o)
{
    return h->classes[o->aux];
}

static inline size_t hd__presize(const hd_obj_t *o)
{
    if (!(hd__types[o->type].flags & HD_TF_GC))
        return 0;
    return (o->flags & HD_OF_MANAGED) ? sizeof(hd_gc_t) + sizeof(hd_preheader_t) : sizeof(hd_gc_t);
}

/* hd__block_start: the start of the object's block (before GC and managed
 * pre-headers). */
static inline void *hd__block_start(const hd_obj_t *o)
{
    return (char *)o - hd__presize(o);
}

static inline bool hd__gc_is_tracked(const hd_obj_t *o)
{
    return HD_GC(o)->next != 0;
}

/* ---- GC (gc.c) ---- */
/* hd__gc_track: links an untracked object at the end of generation 0
 * (inline: every container's creation calls it) */
static inline void hd__gc_track(hd_heap_t *h, hd_obj_t *o)
{
    hd_gc_t *g = HD_GC(o);
    assert(g->next == 0);
    hd_gc_t *gen0 = &h->gens[0].head;
    hd_gc_t *last = (hd_gc_t *)gen0->prev;
    h->ntracked++;
    last->next = (uintptr_t)g;
    g->prev = (g->prev & HD_GC_PREV_FINALIZED) | (uintptr_t)last;
    g->next = (uintptr_t)gen0;
    gen0->prev = (uintptr_t)g;
}
/* hd__gc_untrack: unlinks a tracked object (inline: every dealloc calls it) */
static inline void hd__gc_untrack(hd_heap_t *h, hd_obj_t *o)
{
    hd_gc_t *g = HD_GC(o);
    hd_gc_t *prev = (hd_gc_t *)(g->prev & HD_GC_PREV_MASK), *next = (hd_gc_t *)g->next;
    h->ntracked--;
    prev->next = (uintptr_t)next;
    next->prev = (next->prev & ~HD_GC_PREV_MASK) | (uintptr_t)prev;
    g->next = 0;
    g->prev &= HD_GC_PREV_FINALIZED;
}
/* hd__gc_link_collect: hd__gc_link's collection, out of line: gen 0 is
 * over its threshold (runs it when enabled and none is running). */
void hd__gc_link_collect(hd_heap_t *h);
/* hd__gc_link: a new GC object was allocated: count it, maybe collect
 * (3.11's _PyObject_GC_Link). */
static inline void hd__gc_link(hd_heap_t *h)
{
    h->gens[0].count++;
    if (HD_UNLIKELY(h->gens[0].count > h->gens[0].threshold))
        hd__gc_link_collect(h);
}
void hd__gc_init(hd_heap_t *h);
void hd__gc_fini(hd_heap_t *h);
static inline bool hd__gc_finalized(const hd_obj_t *o)
{
    return (HD_GC(o)->prev & HD_GC_PREV_FINALIZED) != 0;
}
static inline void hd__gc_set_finalized(hd_obj_t *o)
{
    HD_GC(o)->prev |= HD_GC_PREV_FINALIZED;
}

/* ---- weak references (weakref.c) ---- */
/* hd__weakref_list: the head-of-list slot of a weakrefable object, or NULL. */
hd_weakref_obj_t **hd__weakref_list(hd_heap_t *h, hd_obj_t *o);
/* hd__weakref_clear_all: PyObject_ClearWeakRefs on a dying object: clears
 * every weakref to it, then runs the callbacks (newest first). */
void hd__weakref_clear_all(hd_heap_t *h, hd_obj_t *o);
/* hd__weakref_unlink: detach one weakref from its referent's list. */
void hd__weakref_unlink(hd_heap_t *h, hd_weakref_obj_t *wr);
void hd__weakref_call(hd_heap_t *h, hd_weakref_obj_t *wr);
/* hd__weakref_new_dead: a weakref whose referent is gone (import of an
 * export that holds one). New reference. */
int hd__weakref_new_dead(hd_heap_t *h, hd_obj_t *callback, bool notify, hd_obj_t **out);

/* ---- per-type internals ---- */
hd_obj_t *hd__int_small(hd_heap_t *h, int64_t v); /* borrowed or NULL */
int hd__str_hash(hd_obj_t *o, int64_t *out);
/* hd__str_intern: PyUnicode_InternInPlace: the interned str equal to s (s
 * itself, now interned, when there is none); a new reference. 0 or
 * HD_ENOMEM. hd__str_unintern: a dying interned str leaves the set.
 * hd__interned_fini: frees the set (hd_heap_free). (atoms.c) */
int hd__str_intern(hd_heap_t *h, hd_obj_t *s, hd_obj_t **out);
void hd__str_unintern(hd_heap_t *h, hd_obj_t *s);
void hd__interned_fini(hd_heap_t *h);
int hd__obj_hash(hd_heap_t *h, hd_obj_t *o, int64_t *out); /* HD_ETYPE if unhashable */
int hd__obj_eq(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b);    /* 1 equal, 0 not */
void hd__list_free_items(hd_heap_t *h, hd_list_obj_t *l);
int hd__dict_init_heap(hd_heap_t *h);
void hd__dict_fini_heap(hd_heap_t *h);
bool hd__dict_contents_untracked(hd_obj_t *d); /* for untrack_dicts */
void hd__freelists_clear(hd_heap_t *h);
void hd__dict_freelist_clear(hd_heap_t *h); /* dict.c */
void hd__instance_finalize_and_free(hd_heap_t *h, hd_obj_t *o);

/* ---- per-type functions of the type table ---- */
struct hd_strbuf;
#define HD_TYPE_FUNCS(t)                                                                           \
    int hd__##t##_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg);                             \
    void hd__##t##_dealloc(hd_heap_t *h, hd_obj_t *o);                                             \
    size_t hd__##t##_sizeof(const hd_obj_t *o);
HD_TYPE_FUNCS(tuple)
HD_TYPE_FUNCS(list)
HD_TYPE_FUNCS(dict)
HD_TYPE_FUNCS(set)
HD_TYPE_FUNCS(instance)
HD_TYPE_FUNCS(weakref)
HD_TYPE_FUNCS(class)
HD_TYPE_FUNCS(code)
HD_TYPE_FUNCS(func)
HD_TYPE_FUNCS(method)
HD_TYPE_FUNCS(cell)
HD_TYPE_FUNCS(builtin)
HD_TYPE_FUNCS(cmethod)
HD_TYPE_FUNCS(descr)
HD_TYPE_FUNCS(range)
HD_TYPE_FUNCS(seqiter)
HD_TYPE_FUNCS(rangeiter)
HD_TYPE_FUNCS(dictiter)
HD_TYPE_FUNCS(setiter)
HD_TYPE_FUNCS(dictview)
HD_TYPE_FUNCS(slice)
HD_TYPE_FUNCS(enum)
HD_TYPE_FUNCS(zip)
HD_TYPE_FUNCS(reviter)
HD_TYPE_FUNCS(map)
HD_TYPE_FUNCS(filter)
#undef HD_TYPE_FUNCS
void hd__atom_dealloc(hd_heap_t *h, hd_obj_t *o);
size_t hd__atom_sizeof(const hd_obj_t *o);
void hd__list_clear(hd_heap_t *h, hd_obj_t *o);
void hd__dict_clear(hd_heap_t *h, hd_obj_t *o);
void hd__set_clear(hd_heap_t *h, hd_obj_t *o);
void hd__instance_clear(hd_heap_t *h, hd_obj_t *o);
void hd__weakref_clear(hd_heap_t *h, hd_obj_t *o);
void hd__class_clear(hd_heap_t *h, hd_obj_t *o);
void hd__func_clear(hd_heap_t *h, hd_obj_t *o);
void hd__cell_clear(hd_heap_t *h, hd_obj_t *o);

/* repr (repr.c): appends CPython's repr of o; depth = nesting so far.
 * Recursion ("[...]") is detected with the heap's repr stack. */
void hd__repr(hd_heap_t *h, hd_obj_t *o, struct hd_strbuf *sb, int depth);
/* hd__repr_enter: pushes o on the repr stack; 1 if it is already being
 * printed (print "[...]" and do not call hd__repr_leave), 0 otherwise. */
int hd__repr_enter(hd_heap_t *h, hd_obj_t *o);
void hd__repr_leave(hd_heap_t *h);
void hd__dict_repr(hd_heap_t *h, hd_obj_t *o, struct hd_strbuf *sb, int depth);
void hd__set_repr(hd_heap_t *h, hd_obj_t *o, struct hd_strbuf *sb, int depth);
void hd__float_repr(double v, struct hd_strbuf *sb);

/* object accounting (obj.c) */
/* hd__obj_retire: the object leaves the live set (id, counts) but its block
 * stays allocated: it goes on a free list. Inline: at the end of this file. */
static inline void hd__obj_retire(hd_heap_t *h, hd_obj_t *o);
/* hd__obj_revive: an object taken off a free list becomes live again
 * (refcount 1, counted; the gen-0 count does not move, as in CPython). */
static inline void hd__obj_revive(hd_heap_t *h, hd_obj_t *o, int type);
/* hd__obj_revive_traced: hd__obj_revive's tracing half, out of line (obj.c):
 * a traced block reused from a free list takes the current site. */
void hd__obj_revive_traced(hd_heap_t *h, hd_obj_t *o);
/* hd__may_be_tracked: CPython's _PyObject_GC_MAY_BE_TRACKED: a GC object,
 * and if it is a tuple, a tracked one (an untracked dict may still become
 * tracked, so it counts). A builtin is not a GC object here (a shared
 * singleton, in no list) but CPython's builtin functions, modules and
 * method descriptors are; only its static types (int, object) are not. */
static inline bool hd__may_be_tracked(const hd_obj_t *o)
{
    if (o->type == HD_T_BUILTIN)
        return ((const hd_builtin_obj_t *)o)->kind != HD_BUILTIN_TYPE;
    return hd__is_gc(o) && (o->type != HD_T_TUPLE || hd__gc_is_tracked(o));
}
uint32_t hd__kind(hd_heap_t *h, const hd_obj_t *o); /* trace kind of an object */
uint32_t hd__type_kind(hd_heap_t *h, int type);
/* hd__objects_limit: HD_ELIMIT when one more object would pass the cap
 * (counted in objects_refused, so that the embedder can name the cap). */
static inline int hd__objects_limit(hd_heap_t *h)
{
    if (HD_LIKELY(!h->max_objects || h->nobjects < h->max_objects))
        return 0;
    h->objects_refused++;
    return HD_ELIMIT;
}

/* hd__traverse: tp_traverse of any object (instances need the heap). */
int hd__traverse(hd_heap_t *h, hd_obj_t *o, hd_visit_fn visit, void *arg);

/* hd__instance_traverse_attrs: hd__instance_traverse_h without the class:
 * slots, then the values in index order, then a materialized dict. */
static inline int hd__instance_traverse_attrs(hd_heap_t *h, hd_obj_t *o, hd_visit_fn visit,
                                              void *arg)
{
    hd_class_meta_t *m = h->classes[o->aux]->meta;
    int rc;
    if (!(o->flags & HD_OF_MANAGED)) {
        hd_obj_t **slots = (hd_obj_t **)(o + 1);
        for (uint32_t i = 0; i < m->nslots; i++)
            if (slots[i] && (rc = visit(slots[i], arg)))
                return rc;
    } else {
        hd_preheader_t *pre = HD_PREHEADER(o);
        if (pre->values) {
            hd_obj_t **values = (hd_obj_t **)pre->values;
            for (uint32_t i = 0; i < m->nkeys; i++)
                if (values[i] && (rc = visit(values[i], arg)))
                    return rc;
        }
        if (pre->dict && (rc = visit(pre->dict, arg)))
            return rc;
    }
    return 0;
}

/* hd__instance_traverse_h: subtype_traverse: slots, then the values in
 * index order, then a materialized dict, then the class. Inline so that the
 * collector's calls, with a constant visitor, compile to straight loops. */
static inline int hd__instance_traverse_h(hd_heap_t *h, hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    int rc = hd__instance_traverse_attrs(h, o, visit, arg);
    if (rc)
        return rc;
    return visit((hd_obj_t *)h->classes[o->aux], arg);
}

/* hd__traverse_inline: hd__traverse with the common container types
 * expanded in place (lists and tuples from the end, as CPython's). */
static inline int hd__traverse_inline(hd_heap_t *h, hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    int rc;
    switch (o->type) {
    case HD_T_LIST: {
        hd_list_obj_t *l = (hd_list_obj_t *)o;
        for (int64_t i = l->size; --i >= 0;)
            if ((rc = visit(l->items[i], arg)))
                return rc;
        return 0;
    }
    case HD_T_TUPLE: {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
        for (int64_t i = t->size; --i >= 0;)
            if ((rc = visit(t->items[i], arg)))
                return rc;
        return 0;
    }
    case HD_T_INSTANCE:
        return hd__instance_traverse_h(h, o, visit, arg);
    default:
        return hd__types[o->type].traverse ? hd__types[o->type].traverse(o, visit, arg) : 0;
    }
}
/* hd__clear: tp_clear of any object (no-op for types without one). */
void hd__clear(hd_heap_t *h, hd_obj_t *o);

/* atoms.c */
int hd__statics_init(hd_heap_t *h);
void hd__statics_fini(hd_heap_t *h);
void *hd__str_data(const hd_obj_t *o);
uint32_t hd__str_char(const hd_obj_t *o, int64_t i);
int hd__str_from_cps(hd_heap_t *h, const uint32_t *cps, int64_t n, hd_obj_t **out);
/* hd__utf8_put: code point c as UTF-8 into p (room for 4); returns the length */
size_t hd__utf8_put(char *p, uint32_t c);

/* instance.c */
size_t hd__instance_sizeof_h(const hd_heap_t *h, const hd_obj_t *o);
hd_weakref_obj_t **hd__instance_weakref_slot(hd_heap_t *h, hd_obj_t *o);
/* hd__instance_weakref_slot_m: the same for an instance of a weakrefable
 * class whose metadata the caller holds. */
static inline hd_weakref_obj_t **hd__instance_weakref_slot_m(hd_obj_t *o, const hd_class_meta_t *m)
{
    if (o->flags & HD_OF_MANAGED)
        return &((hd_instance_obj_t *)o)->weakreflist;
    return (hd_weakref_obj_t **)((hd_obj_t **)(o + 1) + m->nslots);
}
/* hd__instance_clear_slots and hd__instance_clear_managed: tp_clear
 * (subtype_clear) of an instance with __slots__ / with a managed dict, whose
 * class metadata the caller holds: drop attributes, keep the class. Inline:
 * the collector clears every instance it collects. hd__instance_clear_m:
 * either, by the instance's layout. */
static inline void hd__instance_clear_slots(hd_heap_t *h, hd_obj_t *o, const hd_class_meta_t *m)
{
    hd_obj_t **slots = (hd_obj_t **)(o + 1);
    for (uint32_t i = 0; i < m->nslots; i++) {
        hd_obj_t *v = slots[i];
        slots[i] = NULL;
        if (v)
            hd__decref_inst(h, v);
    }
}

static inline void hd__instance_clear_managed(hd_heap_t *h, hd_obj_t *o, const hd_class_meta_t *m)
{
    hd_preheader_t *pre = HD_PREHEADER(o);
    hd_obj_t **values = (hd_obj_t **)pre->values;
    if (values && ((uint8_t *)values)[-2]) {
        /* empty the insertion order first: a decref below may run code
         * that looks at this instance, and must find it consistent */
        ((uint8_t *)values)[-2] = 0;
        for (uint32_t i = 0; i < m->nkeys; i++) {
            hd_obj_t *v = values[i];
            values[i] = NULL;
            if (v)
                hd__decref_inst(h, v);
        }
    }
    hd_obj_t *dict = pre->dict;
    pre->dict = NULL;
    hd__xdecref(h, dict);
}

static inline void hd__instance_clear_m(hd_heap_t *h, hd_obj_t *o, const hd_class_meta_t *m)
{
    if (o->flags & HD_OF_MANAGED)
        hd__instance_clear_managed(h, o, m);
    else
        hd__instance_clear_slots(h, o, m);
}

/* hd__instance_adopt_dict: o (with no attributes yet) takes `dict` as its
 * materialized __dict__ (import). */
int hd__instance_adopt_dict(hd_heap_t *h, hd_obj_t *o, hd_obj_t *dict);
/* hd__instance_get_dict: PyObject_GenericGetDict of a managed-dict
 * instance: the values become a split dict (make_dict_from_instance_
 * attributes), kept as the instance's __dict__. New reference. */
int hd__instance_get_dict(hd_heap_t *h, hd_obj_t *o, hd_obj_t **out);
/* hd__dict_split_fill: makes the new empty `dict` a split dict over the
 * class's shared keys holding the n values (key indexes ix[], in insertion
 * order), owning the values block `block` (given up on success). Runs no
 * collection; on error the dict is unchanged. */
int hd__dict_split_fill(hd_heap_t *h, hd_obj_t *dict, hd_class_meta_t *m, void *block, size_t n,
                        const int *ix, hd_obj_t *const *values);
/* hd__dict_grown_from_values: the combined dict 3.11 ends with when a set
 * meets full shared keys: the split dict of the n values (key indexes ix[])
 * resized at GROWTH_RATE (used * 3). New reference. */
int hd__dict_grown_from_values(hd_heap_t *h, hd_class_meta_t *m, size_t n, const int *ix,
                               hd_obj_t *const *values, hd_obj_t **out);
/* hd__class_meta_release: drops a reference to a class's metadata (the
 * class's own at its death, or a split dict's) */
void hd__class_meta_release(hd_heap_t *h, hd_class_meta_t *m);
/* hd__dict_splits_fini: hd_heap_free's first step: the inspector memory of
 * the split dicts still alive (and of dead classes only they kept) */
void hd__dict_splits_fini(hd_heap_t *h);
/* dict.c: a combined dict of str keys (an instance's materialized __dict__).
 * Values borrowed. New reference. */
int hd__dict_from_pairs(hd_heap_t *h, size_t n, const char *const *names, hd_obj_t *const *values,
                        hd_obj_t **out);

/* ---- dict.c, set.c, hash.c ---- */
#define HD_HASH_MAX_DEPTH 10000 /* tuple nesting hash() follows (HD_ELIMIT past it) */
#define HD_EQ_MAX_DEPTH   1000  /* nested == depth, like Python's recursion limit */
/* hd__hash_bytes: _Py_HashBytes (SipHash-1-3, zero key; 0 for len 0). */
int64_t hd__hash_bytes(const void *data, size_t len);
/* hd__hash_pointer: _Py_HashPointer of a (simulated) address. */
int64_t hd__hash_pointer(uint64_t addr);
/* hd__obj_eq_depth: PyObject_RichCompareBool(a, b, Py_EQ) at nesting depth:
 * 1 equal, 0 not, HD_ELIMIT past HD_EQ_MAX_DEPTH. hd__obj_eq is depth 0 and
 * returns the same (it may fail with HD_ELIMIT too). */
int hd__obj_eq_depth(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth);
/* dict == dict, set == set (both of that type): as hd__obj_eq_depth. */
int hd__dict_equal(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth);
int hd__set_equal(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth);
/* hd__dict_capacity: the size of a combined dict's table (dk_size), 0 for
 * the shared empty table or a split dict */
int64_t hd__dict_capacity(const hd_obj_t *dict);
/* hd__dict_set_capacity: gives an empty dict a table of `capacity` slots
 * (a power of two from 16 to 2**17; anything else leaves it as it is), of
 * str keys only when `unicode`: graph import's copy of an exported size.
 * 0 or HD_ENOMEM. */
int hd__dict_set_capacity(hd_heap_t *h, hd_obj_t *dict, int64_t capacity, bool unicode);
/* hd__dict_presize: dictresize(d, estimate_log2_keysize(n), unicode) of an
 * empty combined dict (dict.fromkeys of a dict or set); HD_EINVAL for
 * another. hd__dict_unicode_keys: DK_IS_UNICODE of its table. (dict.c) */
int hd__dict_presize(hd_heap_t *h, hd_obj_t *dict, int64_t n, bool unicode);
bool hd__dict_unicode_keys(const hd_obj_t *dict);
/* hd__dict_copy: dict.copy() (PyDict_Copy). New reference. */
int hd__dict_copy(hd_heap_t *h, hd_obj_t *dict, hd_obj_t **out);
/* hd__dict_freelist_clear: empties the dict and keys free lists (what a
 * full collection does: _PyDict_ClearFreeList); hd__freelists_clear calls it. */
void hd__dict_freelist_clear(hd_heap_t *h);
/* hd__dict_visit_all: every key and value, in entry order (key, then value):
 * unlike tp_traverse it includes the str keys of unicode tables. */
int hd__dict_visit_all(hd_obj_t *o, hd_visit_fn visit, void *arg);
/* the separate table block of a dict / set: its size, 0 when there is none
 * (the shared empty keys, the inline smalltable). */
size_t hd__dict_keys_block(const hd_obj_t *o);
size_t hd__set_table_block(const hd_obj_t *o);
/* set algebra as 3.11's setobject.c does it (the same resizes, so the
 * same sizes and table orders); a and b sets (else HD_ETYPE), new
 * references in *out. hd__set_update: set_merge; hd__set_update_dict:
 * set_update_internal's dict path (presized); hd__set_copy: set_copy;
 * hd__set_intersection / _difference / _symdiff: set &, -, ^; the _update
 * forms: &=, -=, ^= in place. Errors of == may leave an in-place operation
 * half done, as in CPython. */
int hd__set_update(hd_heap_t *h, hd_obj_t *set, hd_obj_t *other);
int hd__set_update_dict(hd_heap_t *h, hd_obj_t *set, hd_obj_t *dict);
int hd__set_copy(hd_heap_t *h, hd_obj_t *set, hd_obj_t **out);
int hd__set_intersection(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
int hd__set_intersection_update(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b);
int hd__set_difference(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
int hd__set_difference_update(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b);
/* hd__set_difference_done: the end of set_difference_update_internal
 * (after discarding an iterable's keys): over a quarter of dummies resizes */
int hd__set_difference_done(hd_heap_t *h, hd_obj_t *set);
int hd__set_symdiff(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
int hd__set_symdiff_update(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b);
/* hd__set_new_type: hd_set_new of a set or a frozenset (`type`);
 * hd__frozenset_hash: frozenset_hash (hash.c). The algebra above makes
 * its result of a's type (make_new_set_basetype). */
int hd__set_new_type(hd_heap_t *h, int type, size_t n, hd_obj_t *const *items, hd_obj_t **out);
int64_t hd__frozenset_hash(const hd_heap_t *h, const hd_obj_t *o);
/* hd__set_swap_bodies: set_swap_bodies of two sets (set.intersection_update) */
void hd__set_swap_bodies(hd_obj_t *a, hd_obj_t *b);
/* ---- end of dict.c, set.c, hash.c ---- */

/* ---- the script language's types (func.c, iter.c): constructors ----
 * Each returns 0, HD_ELIMIT or HD_ENOMEM and a new reference; arguments
 * are borrowed (the new object takes its own references). GC types are
 * allocated through hd__obj_alloc, so they count in generation 0 and may
 * run an automatic collection before they exist. */
/* hd__code_new: a code object of `len` bytes (header included) whose
 * first `nrefs` pointers at refs_offset are references the code will own
 * (the caller fills them, with new references, before anything can free
 * the code). */
int hd__code_new(hd_heap_t *h, size_t len, size_t refs_offset, uint32_t nrefs, hd_obj_t **out);
int hd__func_new(hd_heap_t *h, hd_obj_t *code, hd_obj_t *name, hd_obj_t *qualname,
                 hd_obj_t *defaults, hd_obj_t *closure, hd_obj_t *module, hd_obj_t **out);
int hd__method_new(hd_heap_t *h, hd_obj_t *func, hd_obj_t *self, hd_obj_t **out);
int hd__cell_new(hd_heap_t *h, hd_obj_t *value, hd_obj_t **out); /* value may be NULL */
/* hd__builtin_init: makes `mem` (at least sizeof(hd_builtin_obj_t) bytes,
 * caller's memory that outlives every reference) a shared singleton. */
void hd__builtin_init(void *mem, const char *name, const char *type_name, const char *owner,
                      uint32_t size, int kind, int index);
int hd__cmethod_new(hd_heap_t *h, hd_obj_t *builtin, hd_obj_t *self, hd_obj_t **out);
int hd__descr_new(hd_heap_t *h, int kind, hd_obj_t *type, hd_obj_t *name, uint64_t slot,
                  hd_obj_t **out);
int hd__range_new(hd_heap_t *h, int64_t start, int64_t stop, int64_t step, hd_obj_t **out);
/* hd__int_from_long: PyLong_FromLongLong as 3.11 makes it: a one-digit
 * value takes a whole PyLongObject (32 bytes, _PyLong_FromMedium), unlike
 * hd_int_from_i64 (_PyLong_New: 28 bytes, as parsing makes them). (iter.c) */
int hd__int_from_long(hd_heap_t *h, int64_t v, hd_obj_t **out);
/* hd__enum_alloc / hd__enum_init: enumerate(it, start) in enum_new_impl's
 * order: the object is allocated and tracked first (a new reference, with
 * None for its iterator until then), then the caller makes
 * the iterator and hd__enum_init takes a reference to it and makes the
 * result tuple (on failure the caller drops the object).
 * hd__zip_new / hd__reviter_new: zip(*its) over iterators already made (the
 * tuple of them is taken, a reference stolen) and reversed(seq) of a list,
 * tuple or str (range gives a range_iterator, hd__range_new). New
 * references. (iter.c) */
int hd__enum_alloc(hd_heap_t *h, int64_t start, hd_obj_t **out);
int hd__enum_init(hd_heap_t *h, hd_obj_t *o, hd_obj_t *sit);
int hd__zip_new(hd_heap_t *h, hd_obj_t *ittuple, bool strict, hd_obj_t **out);
int hd__reviter_new(hd_heap_t *h, hd_obj_t *seq, hd_obj_t **out);
/* hd__map_new / hd__filter_new: map(func, *its) over the tuple of
 * iterators already made (a reference stolen, also on failure) and
 * filter(func, it) over an iterator already made (stolen likewise), as
 * map_vectorcall and filter_vectorcall make them: the object is allocated
 * (and tracked) after its iterators. New references. (iter.c) */
int hd__map_new(hd_heap_t *h, hd_obj_t *func, hd_obj_t *iters, hd_obj_t **out);
int hd__filter_new(hd_heap_t *h, hd_obj_t *func, hd_obj_t *it, hd_obj_t **out);
/* hd__unicode_printable: str.isprintable() of one code point (uniprint.c). */
bool hd__unicode_printable(uint32_t c);
/* hd__tuple_new_filled: a tracked tuple of n >= 1 references to `fill`
 * (PyTuple_New's allocation, for a caller that sets the items itself).
 * New reference. */
int hd__tuple_new_filled(hd_heap_t *h, size_t n, hd_obj_t *fill, hd_obj_t **out);
/* hd__iter_new: iter(o) for list, tuple, str, range, dict (keys), set,
 * dict views; HD_ETYPE for anything else. */
int hd__iter_new(hd_heap_t *h, hd_obj_t *o, hd_obj_t **out);
/* hd__iter_next: next(it): 1 with a new reference in *out, 0 when
 * exhausted (the iterator then drops its sequence, as CPython's do),
 * HD_EVALUE when a dict or set changed size during iteration, HD_ENOMEM or
 * HD_ELIMIT. HD_ETYPE if `it` is not an iterator. */
int hd__iter_next(hd_heap_t *h, hd_obj_t *it, hd_obj_t **out);
int hd__dictview_new(hd_heap_t *h, hd_obj_t *dict, int which, hd_obj_t **out);
int hd__slice_new(hd_heap_t *h, hd_obj_t *start, hd_obj_t *stop, hd_obj_t *step, hd_obj_t **out);
/* hd__obj_type_name_ex: the CPython type name of any object ("list_iterator",
 * "builtin_function_or_method", ...); static or borrowed. */
const char *hd__obj_type_name_ex(hd_heap_t *h, const hd_obj_t *o);
void hd__script_repr(hd_heap_t *h, hd_obj_t *o, struct hd_strbuf *sb, int depth);

/* id index (heap.c) */
int hd__ids_assign(hd_heap_t *h, hd_obj_t *o);
void hd__ids_remove(hd_heap_t *h, hd_obj_t *o);

/* ---- the object life cycle's hot paths (obj.c's, inline) ----
 *
 * Every object's allocation and every instance's and free-listed object's
 * death come through these; inline, the common case is the pool call and
 * a few stores, with the rare parts (tracing, an id, a collection) out of
 * line. */

static inline int hd__obj_alloc(hd_heap_t *h, int type, size_t len, size_t presize, hd_obj_t **out)
{
    assert(presize == 0 || presize == sizeof(hd_gc_t) ||
           presize == sizeof(hd_gc_t) + sizeof(hd_preheader_t));
    int rc = hd__objects_limit(h);
    if (HD_UNLIKELY(rc))
        return rc;
    void *mem;
    rc = hd__block_alloc(h, len, h->type_kinds[type], &mem);
    if (HD_UNLIKELY(rc))
        return rc;
    /* the pre-headers and the header zeroed, stored field by field (no
     * memset call: presize is a constant in most callers) */
    hd_obj_t *o = (hd_obj_t *)((char *)mem + presize);
    if (presize > sizeof(hd_gc_t)) {
        HD_PREHEADER(o)->dict = NULL;
        HD_PREHEADER(o)->values = NULL;
    }
    if (presize) {
        HD_GC(o)->next = 0;
        HD_GC(o)->prev = 0;
    }
    o->refcnt = 1;
    o->type = (uint8_t)type;
    o->flags = 0;
    o->aux = 0;
    o->id = 0;
    h->nobjects++;
    h->counts_by_type[type]++;
    if (hd__types[type].flags & HD_TF_GC)
        hd__gc_link(h);
    *out = o;
    return 0;
}

/* hd__obj_retire_type: hd__obj_retire of an object whose type the caller
 * knows (a constant: one load less). */
static inline void hd__obj_retire_type(hd_heap_t *h, hd_obj_t *o, int type)
{
    assert(o->type == type);
    if (HD_UNLIKELY(o->flags & HD_OF_INDEXED))
        hd__ids_remove(h, o);
    o->id = 0;
    o->flags = 0;
    h->nobjects--;
    h->counts_by_type[type]--;
}

static inline void hd__obj_retire(hd_heap_t *h, hd_obj_t *o)
{
    if (HD_UNLIKELY(o->flags & HD_OF_INDEXED))
        hd__ids_remove(h, o);
    o->id = 0;
    o->flags = 0;
    h->nobjects--;
    h->counts_by_type[o->type]--;
}

static inline void hd__obj_revive(hd_heap_t *h, hd_obj_t *o, int type)
{
    o->refcnt = 1;
    o->type = (uint8_t)type;
    o->flags = 0;
    o->aux = 0;
    o->id = 0;
    h->nobjects++;
    h->counts_by_type[type]++;
    if (HD_UNLIKELY(*h->tracing))
        hd__obj_revive_traced(h, o);
}

static inline void hd__obj_free_managed(hd_heap_t *h, hd_obj_t *o, hd_obj_t **values)
{
    assert(o->type == HD_T_INSTANCE && (o->flags & HD_OF_MANAGED));
    void *start = (char *)o - (sizeof(hd_gc_t) + sizeof(hd_preheader_t));
    hd__obj_retire_type(h, o, HD_T_INSTANCE);
    if (h->gens[0].count > 0)
        h->gens[0].count--; /* PyObject_GC_Del */
    /* the values block first, as subtype_dealloc frees it before the object */
    if (HD_LIKELY(values != NULL))
        hd__block_free_small2(h, (uint8_t *)values - ((uint8_t *)values)[-1], start);
    else
        hd__block_free_small(h, start);
}

#endif
