/*
 * modules.h: what modules.c (sys, gc, weakref, the heap's stand-in classes)
 * and tracemalloc.c (the tracemalloc module and its result objects) share.
 * Private to those two files.
 */
#ifndef SC_MODULES_H
#define SC_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impl.h"
#include "vm.h"

#define TM_FILE "/usr/lib/python3.11/tracemalloc.py"

static inline int ret(hd_obj_t *v, hd_obj_t **out)
{
    hd__incref(v);
    *out = v;
    return 0;
}

static inline int none(sc_vm_t *vm, hd_obj_t **out)
{
    return ret(vm->h->none, out);
}

static inline int hdrc(sc_vm_t *vm, int rc)
{
    return rc ? sc_nomem(vm, rc) : 0;
}

static inline int nokw(sc_vm_t *vm, const char *name, hd_obj_t *kwnames)
{
    return sc_no_kwargs(vm, name, kwnames);
}

/* the heap's classes that stand for CPython's Python classes (modules.c) */
int sc_mod_finalize_attr(sc_vm_t *vm, hd_obj_t *fin, const char *name, hd_obj_t **out);
hd_obj_t *sc_mod_get_slot(sc_vm_t *vm, hd_obj_t *o, const char *name);
hd_obj_t *sc_mod_info_class(sc_vm_t *vm);
int sc_mod_int_arg(sc_vm_t *vm, hd_obj_t *o, int64_t *v);
int sc_mod_int_attr(sc_vm_t *vm, int64_t v, hd_obj_t **out);
int sc_mod_module_classes(sc_vm_t *vm, int id);
hd_obj_t *sc_mod_support_class(sc_vm_t *vm, hd_obj_t **slot, const char *name,
                               const char *const *slots, size_t nslots, bool use_slots,
                               bool has_del, bool create);

#endif
