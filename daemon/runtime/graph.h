/*
 * graph.h: a heap as a graph of nodes, for export and import.
 *
 * hd_graph_export describes every live object as an hd_graph_node_t (its
 * type, its value for atoms, its references by id, in CPython's order) and
 * every name; hd_graph_import rebuilds a heap from such a description. The
 * round trip gives the same objects, names, edges and reference counts (ids
 * and addresses are new). Encoding the nodes (JSON, say) is the embedder's
 * business; the runtime stays free of I/O.
 */
#ifndef HD_GRAPH_H
#define HD_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

typedef struct hd_graph_node {
    uint64_t id; /* unique within one export; references use it */
    int type;    /* enum hd_type */

    /* int and bool: the value; ints beyond 64 bits also come as digits */
    int64_t i64;
    int sign;               /* -1, 0, 1 (ints) */
    const uint32_t *digits; /* 30-bit digits, least significant first */
    size_t ndigits;
    double f;         /* float */
    const char *data; /* str: UTF-8; bytes: raw bytes */
    size_t len;

    /* references, by id, in CPython's order: tuple/list/set items; dict:
     * key0, value0, key1, value1, ...; instance: attribute values (names in
     * attr_names), materialized dict last if any; weakref: its referent
     * (absent when dead) then its callback object if any. */
    size_t nrefs;
    const uint64_t *refs;
    const char *const *attr_names; /* instance attributes, nrefs of them */
    int64_t capacity;              /* list: allocated slots; dict: table size (dk_size) */

    /* classes and instances */
    const char *class_name; /* class: its name */
    uint64_t class_id;      /* instance: the id of its class's node */
    bool has_del;           /* class: defines __del__; instance: a __del__ of its own */
    bool use_slots;         /* class */
    size_t nslots;
    const char *const *slots;
    bool finalized;        /* GC objects: __del__ already ran */
    bool notify;           /* weakref: callback without an object */
    bool has_callback_obj; /* weakref: refs[1] is its callback object */

    /* the script language's types (docs/script.md, "Export and import"):
     * code: data/len is its block (script/persist.c), aux[0] the layout
     * tag; function: refs are code, name, qualname, defaults, closure,
     * module, doc, dict, those whose bit (1 << k) is set in `present`;
     * method, builtin method: func/builtin then self; cell: its value if
     * any; descriptor: class then name, aux = kind, slot; range: aux =
     * start, stop, step; builtin: class_name = its name, aux[0] its number
     * (re-linked, never copied); class: refs are its dict, MRO, bases,
     * base, subclasses and slots, those whose bit (1 << k) is set in
     * `present` (none set and one reference: the first format, its dict
     * holding them as hidden entries), aux[0] its subclass key; dict
     * view: its dict, aux[0] its kind (HD_DICT_*), which import rebuilds
     * for a mappingproxy (a class's __dict__) only. Iterators, the other
     * views, slices, enumerate and zip are exported but refused by
     * import. */
    uint32_t present;
    int64_t aux[3];
    /* tuples and dicts: whether the collector tracks it (CPython untracks
     * them lazily): HD_GRAPH_TRACKED, HD_GRAPH_UNTRACKED, or 0 for
     * whatever the import's making leaves */
    uint8_t gc_state;
} hd_graph_node_t;
enum { HD_GRAPH_TRACKED = 1, HD_GRAPH_UNTRACKED = 2 };

/* the layout tag of an exported code block: a blob made by a build with
 * another layout is refused */
uint64_t hd_graph_code_layout(void);

typedef struct hd_graph_name {
    const char *name;
    uint64_t id;
} hd_graph_name_t;

/* hd_graph_export: calls node_fn for every live object (the census of
 * hd_heap_objects, classes first) and name_fn for every name. The node and
 * the memory it points to are valid during the call only. Objects get ids
 * (hd_obj_id). Returns 0, HD_ENOMEM, or the first nonzero callback value. */
int hd_graph_export(hd_heap_t *h, int (*node_fn)(const hd_graph_node_t *node, void *arg),
                    int (*name_fn)(const char *name, uint64_t id, void *arg), void *arg);

/* hd_graph_import: creates the described objects in h and binds the names.
 * Every reference must name a node of the array (HD_EINVAL otherwise, with
 * the index of the bad node in *bad when non-NULL). Meant for an empty heap:
 * on error, some objects may already exist, so drop the heap. Automatic
 * collection is held off while it runs. Returns 0, HD_EINVAL, HD_ELIMIT or
 * HD_ENOMEM. */
int hd_graph_import(hd_heap_t *h, const hd_graph_node_t *nodes, size_t n,
                    const hd_graph_name_t *names, size_t nnames, size_t *bad);

/* hd_graph_import_keep: hd_graph_import that also hands back a new
 * reference to the object of each node id in keep_ids (kept[k], NULL for an
 * id no node has, and all NULL on error), taken before the import lets go
 * of its own references: an object that only the embedder held in the
 * exported heap (a class the server keeps) stays alive. Returns as
 * hd_graph_import. Ownership: the caller owns each non-NULL kept[k]. */
int hd_graph_import_keep(hd_heap_t *h, const hd_graph_node_t *nodes, size_t n,
                         const hd_graph_name_t *names, size_t nnames, const uint64_t *keep_ids,
                         size_t nkeep, hd_obj_t **kept, size_t *bad);

/* The script language's state (what heap.exec keeps between runs: its
 * module dict, the registry of classes, counters, ...): slots by name, each
 * either an object (id) or a counter (value, id 0). hd_graph_export_roots
 * reports them (none for a heap where no script ran), after hd_graph_export
 * gave the objects their ids. */
typedef struct hd_graph_root {
    const char *slot;
    uint64_t id;
    int64_t value;
} hd_graph_root_t;

int hd_graph_export_roots(hd_heap_t *h,
                          int (*root_fn)(const char *slot, uint64_t id, int64_t value, void *arg),
                          void *arg);

/* hd_graph_import_ex: hd_graph_import_keep that also installs the script
 * state's roots (none: the heap gets a fresh state on its first script).
 * A bad root gives HD_EINVAL with *bad = n + its index. */
int hd_graph_import_ex(hd_heap_t *h, const hd_graph_node_t *nodes, size_t n,
                       const hd_graph_name_t *names, size_t nnames, const hd_graph_root_t *roots,
                       size_t nroots, const uint64_t *keep_ids, size_t nkeep, hd_obj_t **kept,
                       size_t *bad);

#endif
