/*
 * persist.c: the script language's part of export and import (graph.c).
 *
 * A code object is exported as its block: the block is already one piece
 * (compile_layout.c), so the copy only has its pointers into itself made
 * offsets from its start, and what belongs to the running heap cleared:
 * the references (they come as the node's references, by id), the inline
 * caches (they remember addresses) and the interned tracemalloc sites. The
 * import checks the copy before it uses it: the layout tag, every offset
 * and count against the block, every string's end, and every instruction's
 * operation, jump target, cache, constant, name and local index, so a
 * damaged document gets HD_EINVAL rather than a code object the VM would
 * misread. The blob is this build's layout (64-bit, little-endian, this
 * sc_code_t): graph.c tags it (SC_CODE_LAYOUT) and a mismatch is refused.
 *
 * Builtins (functions, types, modules such as gc, sys, weakref,
 * tracemalloc) are shared singletons: they are never copied, an import
 * re-links them by number, checking the name.
 */
#include "persist.h"

#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "vm.h"

#define REL(base, p) ((p) ? (uintptr_t)((const char *)(p) - (const char *)(base)) : 0)

int sc_code_export(hd_heap_t *h, hd_obj_t *o, char **blob, size_t *len)
{
    const sc_code_t *co = (const sc_code_t *)o;
    size_t n = co->base.len;
    sc_code_t *b = hd_mem_malloc(h->mem, n);
    if (!b)
        return HD_ENOMEM;
    memcpy(b, co, n);
    memset(&b->base.h, 0, sizeof(b->base.h));
    char *raw = (char *)b;
    /* the arrays, as offsets */
    const char **cn = (const char **)(raw + REL(co, co->cnames));
    const char **vn = (const char **)(raw + REL(co, co->varnames));
    for (uint32_t i = 0; i < co->nnames; i++)
        cn[i] = (const char *)REL(co, co->cnames[i]);
    for (uint32_t i = 0; i < co->nlocals; i++)
        vn[i] = (const char *)REL(co, co->varnames[i]);
    memset(raw + REL(co, co->base.refs), 0, co->base.nrefs * sizeof(hd_obj_t *));
    memset(raw + REL(co, co->cache), 0, (co->ncache + 1) * sizeof(sc_cache_t));
    memset(raw + REL(co, co->sites), 0, co->nlines * sizeof(uint32_t));
    b->base.refs = (hd_obj_t **)REL(co, co->base.refs);
    b->base.name = (const char *)REL(co, co->base.name);
    b->base.filename = (const char *)REL(co, co->base.filename);
    b->instr = (sc_instr_t *)REL(co, co->instr);
    b->consts = (hd_obj_t **)REL(co, co->consts);
    b->names = (hd_obj_t **)REL(co, co->names);
    b->cnames = (const char **)REL(co, co->cnames);
    b->varnames = (const char **)REL(co, co->varnames);
    b->kinds = (uint8_t *)REL(co, co->kinds);
    b->cell2arg = (int32_t *)REL(co, co->cell2arg);
    b->cache = (sc_cache_t *)REL(co, co->cache);
    b->sites = (uint32_t *)REL(co, co->sites);
    b->qualname = (const char *)REL(co, co->qualname);
    b->co_name = b->co_qualname = NULL;
    b->serial = 0;
    *blob = raw;
    *len = n;
    return 0;
}

/* ---- import: check, then relocate ---- */

/* an array of n items of `size` at offset off, aligned to `align` */
static bool array_ok(uintptr_t off, uint64_t n, size_t size, size_t align, size_t len)
{
    return off >= sizeof(sc_code_t) && off % align == 0 && off <= len && n <= (len - off) / size;
}

/* a NUL-terminated string at offset off */
static bool str_ok(const char *blob, uintptr_t off, size_t len)
{
    return off >= sizeof(sc_code_t) && off < len && memchr(blob + off, 0, len - off) != NULL;
}

static bool is_jump(int op)
{
    return op == OP_JUMP || op == OP_POP_JUMP_IF_FALSE || op == OP_POP_JUMP_IF_TRUE ||
           op == OP_JUMP_IF_FALSE_OR_POP || op == OP_JUMP_IF_TRUE_OR_POP ||
           op == OP_POP_JUMP_IF_NONE || op == OP_POP_JUMP_IF_NOT_NONE || op == OP_FOR_ITER ||
           op == OP_SETUP_FINALLY;
}

static bool instr_ok(const sc_code_t *b, const sc_instr_t *in)
{
    int64_t a = in->arg;
    if (in->op >= SC_NOPCODES || in->cache > b->ncache)
        return false;
    if (is_jump(in->op))
        return a >= 0 && a <= (int64_t)b->ninstr;
    switch (in->op) {
    case OP_LOAD_CONST:
    case OP_KW_NAMES:
        return a >= 0 && a < (int64_t)b->nconsts;
    case OP_LOAD_NAME:
    case OP_STORE_NAME:
    case OP_DELETE_NAME:
    case OP_STORE_GLOBAL:
    case OP_DELETE_GLOBAL:
    case OP_LOAD_ATTR:
    case OP_STORE_ATTR:
    case OP_DELETE_ATTR:
    case OP_LOAD_METHOD:
    case OP_IMPORT_NAME:
    case OP_IMPORT_FROM:
        return a >= 0 && a < (int64_t)b->nnames;
    case OP_LOAD_GLOBAL:
        return a >= 0 && (a >> 1) < (int64_t)b->nnames;
    case OP_LOAD_FAST:
    case OP_STORE_FAST:
    case OP_DELETE_FAST:
    case OP_MAKE_CELL:
    case OP_LOAD_CLOSURE:
    case OP_LOAD_DEREF:
    case OP_STORE_DEREF:
    case OP_DELETE_DEREF:
    case OP_LOAD_CLASSDEREF:
        return a >= 0 && a < (int64_t)b->nlocals;
    case OP_COPY_FREE_VARS:
        return a >= 0 && a <= (int64_t)b->nfree;
    }
    return true;
}

static bool code_ok(const char *blob, size_t len, size_t nrefs)
{
    const sc_code_t *b = (const sc_code_t *)blob;
    if (len < sizeof(sc_code_t) || b->base.len != len || b->base.nrefs != nrefs ||
        (uint64_t)b->nconsts + b->nnames + 2 != nrefs ||
        (uint64_t)b->ncells + b->nfree > b->nlocals || b->argcount > b->nlocals || b->nlines == 0 ||
        b->ncache == UINT32_MAX || b->stacksize == 0 ||
        (b->flags & ~(uint32_t)(CO_MODULE | CO_FUNCTION | CO_CLASS | CO_LAMBDA | CO_COMPREHENSION)))
        return false;
    uintptr_t refs = (uintptr_t)b->base.refs;
    if (!array_ok(refs, nrefs, sizeof(hd_obj_t *), 8, len) || (uintptr_t)b->consts != refs ||
        (uintptr_t)b->names != refs + b->nconsts * sizeof(hd_obj_t *) ||
        !array_ok((uintptr_t)b->instr, b->ninstr, sizeof(sc_instr_t), 8, len) ||
        !array_ok((uintptr_t)b->cnames, b->nnames, sizeof(char *), 8, len) ||
        !array_ok((uintptr_t)b->varnames, b->nlocals, sizeof(char *), 8, len) ||
        !array_ok((uintptr_t)b->kinds, b->nlocals, 1, 1, len) ||
        !array_ok((uintptr_t)b->cell2arg, b->ncells, sizeof(int32_t), 4, len) ||
        !array_ok((uintptr_t)b->cache, (uint64_t)b->ncache + 1, sizeof(sc_cache_t), 8, len) ||
        !array_ok((uintptr_t)b->sites, b->nlines, sizeof(uint32_t), 4, len) ||
        !str_ok(blob, (uintptr_t)b->base.name, len) ||
        !str_ok(blob, (uintptr_t)b->base.filename, len) ||
        !str_ok(blob, (uintptr_t)b->qualname, len))
        return false;
    const char *const *cn = (const char *const *)(blob + (uintptr_t)b->cnames);
    const char *const *vn = (const char *const *)(blob + (uintptr_t)b->varnames);
    const uint8_t *kinds = (const uint8_t *)(blob + (uintptr_t)b->kinds);
    const int32_t *c2a = (const int32_t *)(blob + (uintptr_t)b->cell2arg);
    for (uint32_t i = 0; i < b->nnames; i++)
        if (!str_ok(blob, (uintptr_t)cn[i], len))
            return false;
    for (uint32_t i = 0; i < b->nlocals; i++)
        if (!str_ok(blob, (uintptr_t)vn[i], len) || kinds[i] > LK_FREE)
            return false;
    for (uint32_t i = 0; i < b->ncells; i++)
        if (c2a[i] >= (int32_t)b->nlocals || c2a[i] < -(int32_t)b->nlocals)
            return false;
    const sc_instr_t *in = (const sc_instr_t *)(blob + (uintptr_t)b->instr);
    for (uint32_t i = 0; i < b->ninstr; i++)
        if (!instr_ok(b, &in[i]))
            return false;
    /* the last instruction never falls off the end */
    return b->ninstr > 0 &&
           (in[b->ninstr - 1].op == OP_RETURN_VALUE || in[b->ninstr - 1].op == OP_JUMP ||
            in[b->ninstr - 1].op == OP_RAISE_VARARGS || in[b->ninstr - 1].op == OP_RERAISE);
}

#define AT(co, off) ((char *)(co) + (uintptr_t)(off))

int sc_code_import(hd_heap_t *h, const char *blob, size_t len, hd_obj_t *const *refs, size_t nrefs,
                   hd_obj_t **out)
{
    if (!blob || (uintptr_t)blob % 8 || !code_ok(blob, len, nrefs))
        return HD_EINVAL;
    for (size_t i = 0; i < nrefs; i++)
        if (i >= nrefs - 2 && refs[i]->type != HD_T_STR)
            return HD_EINVAL; /* co_name, co_qualname */
    const sc_code_t *b = (const sc_code_t *)blob;
    /* the value stack the VM allocates must hold what the code pushes */
    if (b->ninstr > INT32_MAX)
        return HD_EINVAL;
    int depth =
        sc_code_max_depth(h->mem, (const sc_instr_t *)(blob + (uintptr_t)b->instr), (int)b->ninstr);
    if (depth < 0)
        return HD_ENOMEM;
    if ((int64_t)depth + 1 > (int64_t)b->stacksize)
        return HD_EINVAL;
    sc_state_t *st;
    int rc = sc_state_get(h, &st);
    if (rc)
        return rc;
    hd_obj_t *o;
    if ((rc = hd__code_new(h, len, (uintptr_t)b->base.refs, (uint32_t)nrefs, &o)))
        return rc;
    sc_code_t *co = (sc_code_t *)o;
    memcpy((char *)o + sizeof(hd_obj_t), blob + sizeof(hd_obj_t), len - sizeof(hd_obj_t));
    co->base.refs = (hd_obj_t **)AT(co, b->base.refs);
    for (size_t i = 0; i < nrefs; i++) {
        hd__incref(refs[i]);
        co->base.refs[i] = refs[i];
    }
    co->base.name = AT(co, b->base.name);
    co->base.filename = AT(co, b->base.filename);
    co->instr = (sc_instr_t *)AT(co, b->instr);
    co->consts = co->base.refs;
    co->names = co->base.refs + co->nconsts;
    co->cnames = (const char **)AT(co, b->cnames);
    co->varnames = (const char **)AT(co, b->varnames);
    co->kinds = (uint8_t *)AT(co, b->kinds);
    co->cell2arg = (int32_t *)AT(co, b->cell2arg);
    co->cache = (sc_cache_t *)AT(co, b->cache);
    co->sites = (uint32_t *)AT(co, b->sites);
    co->qualname = AT(co, b->qualname);
    for (uint32_t i = 0; i < co->nnames; i++)
        co->cnames[i] = AT(co, co->cnames[i]);
    for (uint32_t i = 0; i < co->nlocals; i++)
        co->varnames[i] = AT(co, co->varnames[i]);
    co->co_name = co->base.refs[nrefs - 2];
    co->co_qualname = co->base.refs[nrefs - 1];
    co->serial = ++st->code_serial;
    *out = o;
    return 0;
}

int sc_builtin_relink(hd_heap_t *h, int64_t index, const char *name, hd_obj_t **out)
{
    if (index < 0 || index >= SC_NBUILTINS || !name ||
        strcmp(sc_builtin_defs[index].name, name) != 0)
        return HD_EINVAL;
    sc_state_t *st;
    int rc = sc_state_get(h, &st);
    if (rc)
        return rc;
    sc_vm_t vm;
    memset(&vm, 0, sizeof(vm));
    vm.h = h;
    vm.st = st;
    hd_obj_t *o = sc_builtin(&vm, (int)index);
    if (!o)
        return HD_ENOMEM;
    *out = o;
    return 0;
}

uint64_t sc_code_layout(void)
{
    return (uint64_t)sizeof(sc_code_t) | (uint64_t)sizeof(sc_instr_t) << 16 |
           (uint64_t)SC_OPCODES_V1 << 32 | (uint64_t)sizeof(void *) << 48;
}

/* ---- the state: its objects and counters ---- */

#include <stddef.h>
#include <stdio.h>

#define OBJ_SLOT(f, t, borrowed)                                                                   \
    {                                                                                              \
#f, offsetof(sc_state_t, f), t, borrowed                                                   \
    }
static const struct {
    const char *name;
    size_t off;
    int type; /* required type, or -1 */
    bool borrowed;
} obj_slots[] = {
    OBJ_SLOT(gc_callbacks, HD_T_LIST, false),  OBJ_SLOT(pending, -1, false),
    OBJ_SLOT(subclasses, HD_T_DICT, false),    OBJ_SLOT(finalizers, HD_T_DICT, false),
    OBJ_SLOT(atexit_module, -1, false),        OBJ_SLOT(main_str, HD_T_STR, false),
    OBJ_SLOT(globals, HD_T_DICT, false),       OBJ_SLOT(repr_list_owner, HD_T_DICT, false),
    OBJ_SLOT(repr_list, HD_T_LIST, true),      OBJ_SLOT(cls_finalize, HD_T_CLASS, false),
    OBJ_SLOT(cls_info, HD_T_CLASS, false),     OBJ_SLOT(cls_snapshot, HD_T_CLASS, false),
    OBJ_SLOT(cls_traces, HD_T_CLASS, false),   OBJ_SLOT(cls_stat, HD_T_CLASS, false),
    OBJ_SLOT(cls_statdiff, HD_T_CLASS, false), OBJ_SLOT(cls_traceback, HD_T_CLASS, false),
    OBJ_SLOT(last_value, -1, false),
};

#define NUM_SLOT(f)                                                                                \
    {                                                                                              \
#f, offsetof(sc_state_t, f), sizeof(((sc_state_t *)0)->f)                                  \
    }
static const struct {
    const char *name;
    size_t off, size;
} num_slots[] = {
    NUM_SLOT(code_serial),     NUM_SLOT(pending_bytes),   NUM_SLOT(finalize_counter),
    NUM_SLOT(atexit_done),     NUM_SLOT(subclass_serial), NUM_SLOT(repr_dict_made),
    NUM_SLOT(recursion_limit), NUM_SLOT(traceback_limit),
};

#define NKW (sizeof(((sc_state_t *)0)->kwstrs) / sizeof(hd_obj_t *))

static int64_t num_get(const sc_state_t *st, size_t k)
{
    const char *p = (const char *)st + num_slots[k].off;
    switch (num_slots[k].size) {
    case 1:
        return *(const bool *)p;
    case 4:
        return *(const int *)p;
    default:
        return *(const int64_t *)p;
    }
}

static void num_set(sc_state_t *st, size_t k, int64_t v)
{
    char *p = (char *)st + num_slots[k].off;
    switch (num_slots[k].size) {
    case 1:
        *(bool *)p = v != 0;
        break;
    case 4:
        *(int *)p = (int)v;
        break;
    default:
        *(int64_t *)p = v;
        break;
    }
}

int sc_state_export(hd_heap_t *h,
                    int (*fn)(const char *slot, hd_obj_t *o, int64_t value, void *arg), void *arg)
{
    const sc_state_t *st = h->script;
    if (!st)
        return 0;
    int rc = 0;
    char name[32];
    for (size_t k = 0; k < sizeof(obj_slots) / sizeof(obj_slots[0]) && !rc; k++) {
        hd_obj_t *o = *(hd_obj_t *const *)((const char *)st + obj_slots[k].off);
        if (o)
            rc = fn(obj_slots[k].name, o, 0, arg);
    }
    for (size_t k = 0; k < NKW && !rc; k++)
        if (st->kwstrs[k]) {
            snprintf(name, sizeof(name), "kwstrs.%zu", k);
            rc = fn(name, st->kwstrs[k], 0, arg);
        }
    for (size_t k = 0; k < SC_NBUILTINS && !rc; k++)
        if (st->kwtuples[k]) {
            snprintf(name, sizeof(name), "kwtuples.%zu", k);
            rc = fn(name, st->kwtuples[k], 0, arg);
        }
    for (size_t k = 0; k < sizeof(num_slots) / sizeof(num_slots[0]) && !rc; k++)
        rc = fn(num_slots[k].name, NULL, num_get(st, k), arg);
    return rc;
}

int sc_state_begin_import(hd_heap_t *h)
{
    sc_state_t *st;
    return sc_state_bare(h, &st);
}

/* index: "PREFIX.N" with N < limit */
static bool indexed(const char *slot, const char *prefix, size_t limit, size_t *k)
{
    size_t n = strlen(prefix);
    if (strncmp(slot, prefix, n) != 0 || slot[n] < '0' || slot[n] > '9')
        return false;
    char *end;
    unsigned long v = strtoul(slot + n, &end, 10);
    if (*end || v >= limit)
        return false;
    *k = v;
    return true;
}

int sc_state_import(hd_heap_t *h, const char *slot, hd_obj_t *o, int64_t value)
{
    sc_state_t *st = h->script;
    size_t k;
    if (!st || !slot)
        return HD_EINVAL;
    hd_obj_t **at = NULL;
    bool borrowed = false;
    int type = -1;
    if (indexed(slot, "kwstrs.", NKW, &k))
        at = &st->kwstrs[k], type = HD_T_STR;
    else if (indexed(slot, "kwtuples.", SC_NBUILTINS, &k))
        at = &st->kwtuples[k], type = HD_T_TUPLE;
    for (k = 0; !at && k < sizeof(obj_slots) / sizeof(obj_slots[0]); k++)
        if (strcmp(slot, obj_slots[k].name) == 0) {
            at = (hd_obj_t **)((char *)st + obj_slots[k].off);
            type = obj_slots[k].type;
            borrowed = obj_slots[k].borrowed;
        }
    if (at) {
        if (!o || *at || (type >= 0 && o->type != type))
            return HD_EINVAL;
        if (!borrowed)
            hd__incref(o);
        *at = o;
        return 0;
    }
    for (k = 0; k < sizeof(num_slots) / sizeof(num_slots[0]); k++)
        if (strcmp(slot, num_slots[k].name) == 0) {
            if (o || value < 0 || (num_slots[k].size == 4 && value > INT32_MAX))
                return HD_EINVAL;
            num_set(st, k, value);
            return 0;
        }
    return HD_EINVAL;
}

int sc_state_end_import(hd_heap_t *h)
{
    sc_state_t *st = h->script;
    if (!st)
        return HD_EINVAL;
    int rc = sc_state_fill_static(h, st);
    if (rc)
        return rc;
    if (!sc_state_ok(st))
        return HD_EINVAL;
    if (st->repr_list && (!st->repr_list_owner || !st->repr_dict_made))
        return HD_EINVAL;
    return 0;
}
