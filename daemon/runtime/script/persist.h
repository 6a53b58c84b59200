/*
 * persist.h: what export and import (graph.c) need from the script
 * language: a code object as a position-independent blob, and a builtin
 * re-linked by its number and name (internal).
 */
#ifndef SC_PERSIST_H
#define SC_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "heap_int.h"

/* sc_code_export: a copy of code object o's block (*len bytes, inspector
 * memory the caller frees with hd_mem_free) with every pointer into the
 * block made an offset from its start, the references, inline caches and
 * tracemalloc sites zeroed. The references come apart, in base.refs order
 * (hd__code_traverse). Returns 0 or HD_ENOMEM. */
int sc_code_export(hd_heap_t *h, hd_obj_t *o, char **blob, size_t *len);

/* sc_code_import: a new code object from such a blob and its nrefs
 * references (borrowed). HD_EINVAL if the blob is not a valid code block
 * (sizes, offsets, instruction arguments out of range). */
int sc_code_import(hd_heap_t *h, const char *blob, size_t len, hd_obj_t *const *refs, size_t nrefs,
                   hd_obj_t **out);

/* sc_code_max_depth: the compiler's flow pass (compile_layout.c): the
 * largest stack depth any path of the n instructions reaches, or -1 when
 * out of memory. */
struct sc_instr;
int sc_code_max_depth(hd_mem_t *mem, const struct sc_instr *code, int n);

/* sc_code_layout: the tag of this build's code block layout. */
uint64_t sc_code_layout(void);

/* sc_builtin_relink: this heap's builtin number `index`, made if need be;
 * HD_EINVAL unless `name` is that builtin's name. Borrowed reference
 * (builtins are never freed before the heap). */
int sc_builtin_relink(hd_heap_t *h, int64_t index, const char *name, hd_obj_t **out);

/* The state the script language keeps in a heap (vm.h's sc_state_t): its
 * objects and counters, by slot name ("globals", "kwstrs.3", "code_serial",
 * ...). sc_state_export calls fn once per slot in use (o NULL for a
 * counter). An import calls sc_state_begin_import before it makes any
 * object (the heap gets a state without objects), sc_state_import for each
 * slot once the objects exist, then sc_state_end_import, which refuses a
 * state that lacks any of the objects a run needs. HD_EINVAL for an unknown
 * slot, a slot given twice, or an object of the wrong type. */
int sc_state_export(hd_heap_t *h,
                    int (*fn)(const char *slot, hd_obj_t *o, int64_t value, void *arg), void *arg);
int sc_state_begin_import(hd_heap_t *h);
int sc_state_import(hd_heap_t *h, const char *slot, hd_obj_t *o, int64_t value);
int sc_state_end_import(hd_heap_t *h);

/* sc_object_subclasses: `object`'s tp_subclasses (the state's dict,
 * borrowed), or NULL when the heap has no script state: a dying class
 * leaves it as it leaves its other bases' (instance.c). */
hd_obj_t *sc_object_subclasses(hd_heap_t *h);

/* sc_typedict_changed: a class's dict that the attribute caches read
 * (HD_OF_TYPEDICT) changed, maybe not through the class (a dict reached by
 * gc.get_referents): every cached lookup goes, as PyType_Modified would
 * make it go (dict.c). */
void sc_typedict_changed(hd_heap_t *h);

#endif
