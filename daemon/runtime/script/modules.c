/*
 * modules.c: the modules a program can import (sys, gc, weakref,
 * tracemalloc), weakref.finalize, and the tracemalloc result objects.
 *
 * gc is the runtime's collector (gc.h) with CPython's API; gc.garbage and
 * gc.callbacks are real lists. Changing the collector's configuration
 * (enable, disable, set_threshold, set_debug) needs the caller's
 * permission (hd_script_limits_t.allow_gc_config): without it the program
 * stops there with HD_SCRIPT_DENIED.
 *
 * The tracemalloc module and its result objects are in tracemalloc.c
 * (modules.h is what the two share).
 *
 * weakref.finalize and tracemalloc's Snapshot, Statistic, StatisticDiff,
 * Traceback and Filter are pure-Python classes in CPython; here they are
 * classes of the heap made once per heap (held by the script state), with
 * the slots or attributes CPython's have, so their instances have
 * CPython's sizes and are ordinary heap objects. Their behaviour is C.
 * Objects that CPython's tracemalloc.py allocates are recorded at that
 * file's lines, as tracemalloc itself records them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "gc.h"
#include "impl.h"
#include "modules.h"
#include "trace.h"
#include "vm.h"

static int tuple3(sc_vm_t *vm, int64_t a, int64_t b, int64_t c, hd_obj_t **out)
{
    hd_obj_t *v[3];
    int rc = hd__int_from_long(vm->h, a, &v[0]);
    if (!rc && (rc = hd__int_from_long(vm->h, b, &v[1])))
        hd__decref(vm->h, v[0]);
    if (!rc && (rc = hd__int_from_long(vm->h, c, &v[2]))) {
        hd__decref(vm->h, v[0]);
        hd__decref(vm->h, v[1]);
    }
    if (rc)
        return sc_nomem(vm, rc);
    rc = hd_tuple_new(vm->h, 3, v, out);
    for (int i = 0; i < 3; i++)
        hd__decref(vm->h, v[i]);
    return hdrc(vm, rc);
}

static int denied(sc_vm_t *vm, const char *what)
{
    if (vm->lim && vm->lim->allow_gc_config)
        return 0;
    return sc_fatal(vm, SC_FATAL_DENIED, what);
}

/* ---- import ---- */

/* long_lived_startup: python3's objects in generation 2 after a program's
 * gc.collect(), before any of its own (`import gc[, weakref][, tracemalloc];
 * gc.collect(); len(gc.get_objects(2))`, Debian's 3.11): the 25% rule of a
 * full collection weighs the program's survivors against them too, so a
 * heap that runs programs counts them in long_lived_total */
void sc_long_lived_startup(hd_heap_t *h, const sc_state_t *st)
{
    static const int64_t counts[2][2] = {{4786, 6971}, {5194, 7154}}; /* [weakref][tracemalloc] */
    bool wr = st->builtins[SC_BI_MOD_WEAKREF] != NULL;
    bool tm = st->builtins[SC_BI_MOD_TRACEMALLOC] != NULL;
    h->long_lived_startup = counts[wr][tm];
}

int sc_import(sc_vm_t *vm, const char *name, hd_obj_t **out)
{
    static const struct {
        const char *name;
        int id;
    } mods[] = {{"sys", SC_BI_MOD_SYS},
                {"gc", SC_BI_MOD_GC},
                {"weakref", SC_BI_MOD_WEAKREF},
                {"tracemalloc", SC_BI_MOD_TRACEMALLOC}};
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        if (strcmp(name, mods[i].name) == 0) {
            hd_obj_t *m = sc_builtin(vm, mods[i].id);
            if (!m || sc_mod_module_classes(vm, mods[i].id))
                return sc_nomem(vm, HD_ENOMEM);
            sc_long_lived_startup(vm->h, vm->st);
            return ret(m, out);
        }
    }
    const char *dot = strchr(name, '.');
    return sc_raise(vm, EXC_MODULENOTFOUNDERROR, "No module named '%.*s'",
                    dot ? (int)(dot - name) : (int)strlen(name), name);
}

int sc_mod_int_attr(sc_vm_t *vm, int64_t v, hd_obj_t **out)
{
    return sc_int_new(vm, v, out);
}

static int str_attr(sc_vm_t *vm, const char *s, hd_obj_t **out)
{
    return sc_str_new(vm, s, strlen(s), out);
}

static int gc_attr(sc_vm_t *vm, const char *name, hd_obj_t **out)
{
    static const struct {
        const char *name;
        int v;
    } flags[] = {{"DEBUG_STATS", HD_GC_DEBUG_STATS},
                 {"DEBUG_COLLECTABLE", HD_GC_DEBUG_COLLECTABLE},
                 {"DEBUG_UNCOLLECTABLE", HD_GC_DEBUG_UNCOLLECTABLE},
                 {"DEBUG_SAVEALL", HD_GC_DEBUG_SAVEALL},
                 {"DEBUG_LEAK", HD_GC_DEBUG_LEAK}};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (strcmp(name, flags[i].name) == 0)
            return sc_mod_int_attr(vm, flags[i].v, out);
    if (strcmp(name, "garbage") == 0) {
        hd_obj_t *g;
        return hd_gc_garbage(vm->h, &g) ? sc_nomem(vm, HD_ENOMEM) : ret(g, out);
    }
    if (strcmp(name, "callbacks") == 0)
        return ret(vm->st->gc_callbacks, out);
    return 1;
}

int sc_module_getattr(sc_vm_t *vm, hd_obj_t *mod, const char *name, hd_obj_t **out)
{
    hd_builtin_obj_t *m = (hd_builtin_obj_t *)mod;
    static const int modules[] = {[SC_BI_MOD_SYS] = BM_SYS,
                                  [SC_BI_MOD_GC] = BM_GC,
                                  [SC_BI_MOD_WEAKREF] = BM_WEAKREF,
                                  [SC_BI_MOD_TRACEMALLOC] = BM_TRACEMALLOC};
    int module = m->index <= SC_BI_MOD_TRACEMALLOC ? modules[m->index] : BM_NONE;
    int b = sc_builtin_lookup(vm, module, -1, name);
    if (b >= 0) {
        hd_obj_t *o = sc_builtin(vm, b);
        return o ? ret(o, out) : sc_nomem(vm, HD_ENOMEM);
    }
    if (strcmp(name, "__name__") == 0)
        return str_attr(vm, m->name, out);
    int rc = 1;
    if (module == BM_GC)
        rc = gc_attr(vm, name, out);
    else if (module == BM_SYS && strcmp(name, "maxsize") == 0)
        rc = sc_mod_int_attr(vm, INT64_MAX, out);
    else if (module == BM_SYS && strcmp(name, "platform") == 0)
        rc = str_attr(vm, "linux", out);
    else if (module == BM_SYS && strcmp(name, "byteorder") == 0)
        rc = str_attr(vm, "little", out);
    else if (module == BM_WEAKREF && strcmp(name, "ReferenceType") == 0)
        rc = ret(sc_builtin(vm, SC_BI_WR_REF), out);
    if (rc <= 0)
        return rc;
    return sc_raise(vm, EXC_ATTRIBUTEERROR, "module '%s' has no attribute '%s'", m->name, name);
}

/* ---- sys ---- */

int sys_getrefcount(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "getrefcount", kwnames) || sc_arg_count(vm, "getrefcount", nargs, 1, 1))
        return -1;
    return sc_int_ssize(vm, (int64_t)args[0]->refcnt, out);
}

int sys_getsizeof(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "getsizeof", kwnames) || sc_arg_count(vm, "getsizeof", nargs, 1, 2))
        return -1;
    /* _PySys_GetSizeOf: the bound __sizeof__ (a tracked 72-byte object)
     * returns the size without the GC header as an int, which goes before
     * the result is made */
    hd_obj_t *o = args[0], *meth, *res, *fn = sc_builtin(vm, SC_BI_SYS_GETSIZEOF);
    int64_t size = (int64_t)hd_obj_sizeof(vm->h, o);
    int rc = fn ? hd__cmethod_new(vm->h, fn, o, &meth) : HD_ENOMEM;
    if (rc)
        return sc_nomem(vm, rc);
    rc = sc_int_ssize(vm, size - (hd_obj_is_gc(o) ? 16 : 0), &res); /* less sizeof(PyGC_Head) */
    hd__decref(vm->h, meth);
    if (rc)
        return -1;
    hd__decref(vm->h, res);
    return sc_int_ssize(vm, size, out);
}

int sys_getrecursionlimit(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "getrecursionlimit", kwnames) ||
        sc_arg_count(vm, "getrecursionlimit", nargs, 0, 0))
        return -1;
    return sc_mod_int_attr(vm, vm->st->recursion_limit, out);
}

/* int_arg: an int argument as Argument Clinic converts it (_PyLong_AsInt
 * and friends): TypeError for anything else, OverflowError when too big */
int sc_mod_int_arg(sc_vm_t *vm, hd_obj_t *o, int64_t *v)
{
    if (o->type != HD_T_INT && o->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                        sc_tname(vm, o));
    if (hd_int_to_i64(o, v) || *v < INT32_MIN || *v > INT32_MAX)
        return sc_raise(vm, EXC_OVERFLOWERROR, "Python int too large to convert to C int");
    return 0;
}

int sys_setrecursionlimit(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t n;
    (void)self;
    if (nokw(vm, "setrecursionlimit", kwnames) ||
        sc_arg_count(vm, "setrecursionlimit", nargs, 1, 1) || sc_mod_int_arg(vm, args[0], &n))
        return -1;
    if (n < 1)
        return sc_raise(vm, EXC_VALUEERROR, "recursion limit must be greater or equal than 1");
    if (n <= vm->depth)
        return sc_raise(vm, EXC_RECURSIONERROR,
                        "cannot set the recursion limit to %lld at the recursion depth %d: the "
                        "limit is too low",
                        (long long)n, vm->depth);
    int cap = vm->lim && vm->lim->max_depth ? vm->lim->max_depth : 1000;
    vm->st->recursion_limit = (int)n;
    vm->limit = n > cap ? cap : (int)n;
    return none(vm, out);
}

/* ---- gc ---- */

int gc_collect(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    int64_t gen = 2;
    int nkw = kwnames ? (int)hd_len(kwnames) : 0;
    if (nargs - nkw > 1)
        return sc_raise(vm, EXC_TYPEERROR, "collect() takes at most 1 argument (%d given)", nargs);
    if (nargs && sc_mod_int_arg(vm, args[0], &gen))
        return -1;
    if (gen < 0 || gen > 2)
        return sc_raise(vm, EXC_VALUEERROR, "invalid generation");
    hd_gc_result_t res;
    int rc = hd_gc_collect(vm->h, (int)gen, &res);
    if (vm->fatal)
        return -1;
    if (rc == HD_EBUSY)
        return sc_mod_int_attr(vm, 0, out);
    if (rc)
        return sc_nomem(vm, rc);
    return sc_int_ssize(vm, res.collected + res.uncollectable, out);
}

int gc_enable(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "enable", kwnames) || sc_arg_count(vm, "enable", nargs, 0, 0) ||
        denied(vm, "gc.enable"))
        return -1;
    hd_gc_enable(vm->h, true);
    return none(vm, out);
}

int gc_disable(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "disable", kwnames) || sc_arg_count(vm, "disable", nargs, 0, 0) ||
        denied(vm, "gc.disable"))
        return -1;
    hd_gc_enable(vm->h, false);
    return none(vm, out);
}

int gc_isenabled(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "isenabled", kwnames) || sc_arg_count(vm, "isenabled", nargs, 0, 0))
        return -1;
    hd_bool(vm->h, hd_gc_is_enabled(vm->h), out);
    return 0;
}

int gc_get_count(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    int c[3];
    if (nokw(vm, "get_count", kwnames) || sc_arg_count(vm, "get_count", nargs, 0, 0))
        return -1;
    hd_gc_get_count(vm->h, c);
    return tuple3(vm, c[0], c[1], c[2], out);
}

int gc_get_threshold(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    int t[3];
    if (nokw(vm, "get_threshold", kwnames) || sc_arg_count(vm, "get_threshold", nargs, 0, 0))
        return -1;
    hd_gc_get_threshold(vm->h, t);
    return tuple3(vm, t[0], t[1], t[2], out);
}

int gc_set_threshold(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    int t[3];
    int64_t v[3];
    if (nokw(vm, "set_threshold", kwnames))
        return -1;
    if (nargs < 1 || nargs > 3)
        return sc_raise(vm, EXC_TYPEERROR,
                        nargs < 1 ? "set_threshold() takes at least 1 argument (0 "
                                    "given)"
                                  : "set_threshold() takes at most 3 arguments (%d "
                                    "given)",
                        nargs);
    hd_gc_get_threshold(vm->h, t);
    for (int i = 0; i < nargs; i++) {
        if (args[i]->type != HD_T_INT && args[i]->type != HD_T_BOOL)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                            sc_tname(vm, args[i]));
        /* the 'i' format: PyLong_AsLong, then the C int range */
        if (sc_int_value(args[i], &v[i], NULL))
            return sc_raise(vm, EXC_OVERFLOWERROR, "Python int too large to convert to C long");
        if (v[i] < INT32_MIN || v[i] > INT32_MAX)
            return sc_raise(vm, EXC_OVERFLOWERROR,
                            v[i] < 0 ? "signed integer is less than minimum"
                                     : "signed integer is greater than maximum");
        t[i] = (int)v[i];
    }
    if (denied(vm, "gc.set_threshold"))
        return -1;
    hd_gc_set_threshold(vm->h, t[0], t[1], t[2]);
    return none(vm, out);
}

static int stats_dict(sc_vm_t *vm, const hd_gc_gen_stats_t *s, hd_obj_t **out)
{
    static const char *const keys[3] = {"collections", "collected", "uncollectable"};
    const uint64_t vals[3] = {s->collections, s->collected, s->uncollectable};
    int rc = hd_dict_new(vm->h, 0, NULL, NULL, out);
    if (rc)
        return sc_nomem(vm, rc);
    for (int i = 0; i < 3 && !rc; i++) {
        hd_obj_t *k, *v;
        if (str_attr(vm, keys[i], &k)) {
            rc = -1;
            break;
        }
        if (sc_mod_int_attr(vm, (int64_t)vals[i], &v)) {
            hd__decref(vm->h, k);
            rc = -1;
            break;
        }
        rc = hdrc(vm, hd_dict_setitem(vm->h, *out, k, v));
        hd__decref(vm->h, k);
        hd__decref(vm->h, v);
    }
    if (rc)
        hd__decref(vm->h, *out);
    return rc;
}

int gc_get_stats(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    hd_gc_gen_stats_t st[3];
    if (nokw(vm, "get_stats", kwnames) || sc_arg_count(vm, "get_stats", nargs, 0, 0))
        return -1;
    hd_gc_get_stats(vm->h, st);
    int rc = hd_list_new(vm->h, 0, NULL, out);
    if (rc)
        return sc_nomem(vm, rc);
    for (int i = 0; i < 3 && !rc; i++) {
        hd_obj_t *d;
        if ((rc = stats_dict(vm, &st[i], &d)))
            break;
        rc = hdrc(vm, hd_list_append(vm->h, *out, d));
        hd__decref(vm->h, d);
    }
    if (rc)
        hd__decref(vm->h, *out);
    return rc;
}

int gc_is_tracked(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "is_tracked", kwnames) || sc_arg_count(vm, "is_tracked", nargs, 1, 1))
        return -1;
    hd_obj_t *o = args[0];
    bool tracked = hd_obj_is_tracked(o) && !hd_obj_is_static(o);
    /* builtin functions, modules and method descriptors are GC objects in
     * CPython (static types are not) */
    if (o->type == HD_T_BUILTIN)
        tracked = ((hd_builtin_obj_t *)o)->kind != HD_BUILTIN_TYPE;
    hd_bool(vm->h, tracked, out);
    return 0;
}

int gc_is_finalized(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "is_finalized", kwnames) || sc_arg_count(vm, "is_finalized", nargs, 1, 1))
        return -1;
    hd_bool(vm->h, hd_obj_is_finalized(args[0]), out);
    return 0;
}

typedef struct collect_ctx {
    sc_vm_t *vm;
    hd_obj_t *list;
    hd_obj_t *const *targets;
    int ntargets;
    int rc;
} collect_ctx_t;

static int is_target(hd_obj_t *r, void *arg)
{
    collect_ctx_t *c = arg;
    for (int i = 0; i < c->ntargets; i++)
        if (r == c->targets[i])
            return 1;
    return 0;
}

static int referrer_visit(hd_obj_t *o, void *arg)
{
    collect_ctx_t *c = arg;
    if (o == c->list || o == c->vm->varargs) /* the result and the call's own arguments */
        return 0;
    if (hd__traverse(c->vm->h, o, is_target, c) && (c->rc = hd_list_append(c->vm->h, c->list, o)))
        return c->rc;
    return 0;
}

/* bound_to: hd_ns_each's callback: 1 (stop) when the name is bound to arg */
static int bound_to(const char *name, hd_obj_t *o, void *arg)
{
    (void)name;
    return o == arg ? 1 : 0;
}

int gc_get_referrers(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "get_referrers", kwnames))
        return -1;
    collect_ctx_t c = {vm, NULL, args, nargs, 0};
    int rc = hd_list_new(vm->h, 0, NULL, &c.list);
    if (rc)
        return sc_nomem(vm, rc);
    hd_gc_get_objects(vm->h, -1, referrer_visit, &c);
    /* the module's dict refers to every global: it is one of the referrers
     * CPython reports (the stand-in has the same keys) */
    for (int i = 0; !c.rc && i < nargs; i++)
        if (hd_ns_each(vm->h, bound_to, args[i]) == 1) {
            c.rc = vm->st->globals ? hd_list_append(vm->h, c.list, vm->st->globals) : 0;
            break;
        }
    if (c.rc) {
        hd__decref(vm->h, c.list);
        return sc_nomem(vm, c.rc);
    }
    *out = c.list;
    return 0;
}

static int referent_visit(hd_obj_t *r, void *arg)
{
    collect_ctx_t *c = arg;
    return c->rc = hd_list_append(c->vm->h, c->list, r);
}

int gc_get_referents(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "get_referents", kwnames))
        return -1;
    collect_ctx_t c = {vm, NULL, NULL, 0, 0};
    int rc = hd_list_new(vm->h, 0, NULL, &c.list);
    if (rc)
        return sc_nomem(vm, rc);
    for (int i = 0; i < nargs && !c.rc; i++)
        if (hd_obj_is_gc(args[i]) && !hd_obj_is_static(args[i]))
            hd__traverse(vm->h, args[i], referent_visit, &c);
    if (c.rc) {
        hd__decref(vm->h, c.list);
        return sc_nomem(vm, c.rc);
    }
    *out = c.list;
    return 0;
}

static int objects_visit(hd_obj_t *o, void *arg)
{
    collect_ctx_t *c = arg;
    if (o == c->list)
        return 0;
    return c->rc = hd_list_append(c->vm->h, c->list, o);
}

int gc_get_objects(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    int64_t gen = -1;
    int nkw = kwnames ? (int)hd_len(kwnames) : 0;
    if (nargs - nkw > 1)
        return sc_raise(vm, EXC_TYPEERROR, "get_objects() takes at most 1 argument (%d given)",
                        nargs);
    if (nargs && args[0] != vm->h->none && sc_mod_int_arg(vm, args[0], &gen))
        return -1;
    if (gen >= 3)
        return sc_raise(vm, EXC_VALUEERROR,
                        "generation parameter must be less than the number of "
                        "available generations (3)");
    /* -1 is Argument Clinic's default for None: gc.get_objects(-1) is all */
    if (gen < -1)
        return sc_raise(vm, EXC_VALUEERROR, "generation parameter cannot be negative");
    collect_ctx_t c = {vm, NULL, NULL, 0, 0};
    int rc = hd_list_new(vm->h, 0, NULL, &c.list);
    if (rc)
        return sc_nomem(vm, rc);
    hd_gc_get_objects(vm->h, (int)gen, objects_visit, &c);
    if (c.rc) {
        hd__decref(vm->h, c.list);
        return sc_nomem(vm, c.rc);
    }
    *out = c.list;
    return 0;
}

int gc_freeze(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "freeze", kwnames) || sc_arg_count(vm, "freeze", nargs, 0, 0))
        return -1;
    hd_gc_freeze(vm->h);
    return none(vm, out);
}

int gc_unfreeze(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "unfreeze", kwnames) || sc_arg_count(vm, "unfreeze", nargs, 0, 0))
        return -1;
    hd_gc_unfreeze(vm->h);
    return none(vm, out);
}

int gc_get_freeze_count(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "get_freeze_count", kwnames) || sc_arg_count(vm, "get_freeze_count", nargs, 0, 0))
        return -1;
    return sc_int_ssize(vm, (int64_t)hd_gc_freeze_count(vm->h), out);
}

int gc_set_debug(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    int64_t flags;
    if (nokw(vm, "set_debug", kwnames) || sc_arg_count(vm, "set_debug", nargs, 1, 1))
        return -1;
    if (args[0]->type != HD_T_INT && args[0]->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                        sc_tname(vm, args[0]));
    if (sc_mod_int_arg(vm, args[0], &flags) || denied(vm, "gc.set_debug"))
        return -1;
    hd_gc_set_debug(vm->h, (unsigned)flags);
    return none(vm, out);
}

int gc_get_debug(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "get_debug", kwnames) || sc_arg_count(vm, "get_debug", nargs, 0, 0))
        return -1;
    /* CPython keeps the flags in an int: set_debug(-1) reads back -1 */
    return sc_mod_int_attr(vm, (int)hd_gc_get_debug(vm->h), out);
}

/* ---- weakref ---- */

static int weakref_error(sc_vm_t *vm, hd_obj_t *o)
{
    return sc_raise(vm, EXC_TYPEERROR, "cannot create weak reference to '%s' object",
                    sc_tname(vm, o));
}

int wr_ref(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "ref", kwnames))
        return -1;
    if (nargs < 1 || nargs > 2)
        return sc_raise(vm, EXC_TYPEERROR, "__new__ expected at most 2 arguments, got %d", nargs);
    hd_obj_t *cb = nargs == 2 && args[1] != vm->h->none ? args[1] : NULL;
    int rc = hd_weakref_new(vm->h, args[0], cb, false, out);
    if (rc == HD_ETYPE)
        return weakref_error(vm, args[0]);
    return hdrc(vm, rc);
}

int wr_getweakrefcount(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "getweakrefcount", kwnames) || sc_arg_count(vm, "getweakrefcount", nargs, 1, 1))
        return -1;
    return sc_int_ssize(vm, hd__weakref_list(vm->h, args[0]) ? hd_weakref_count(vm->h, args[0]) : 0,
                        out);
}

int wr_getweakrefs(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    if (nokw(vm, "getweakrefs", kwnames) || sc_arg_count(vm, "getweakrefs", nargs, 1, 1))
        return -1;
    int rc = hd_list_new(vm->h, 0, NULL, out);
    if (rc)
        return sc_nomem(vm, rc);
    hd_weakref_obj_t **list = hd__weakref_list(vm->h, args[0]);
    for (hd_weakref_obj_t *w = list ? *list : NULL; w && !rc; w = w->next)
        rc = hd_list_append(vm->h, *out, &w->h);
    if (rc) {
        hd__decref(vm->h, *out);
        return sc_nomem(vm, rc);
    }
    return 0;
}

/* ---- classes of the heap that stand for CPython's Python classes ---- */

hd_obj_t *sc_mod_support_class(sc_vm_t *vm, hd_obj_t **slot, const char *name,
                               const char *const *slots, size_t nslots, bool use_slots,
                               bool has_del, bool create)
{
    if (*slot || !create)
        return *slot;
    hd_class_spec_t spec = {has_del, use_slots, nslots, slots};
    sc_classes_changed(vm);
    if (hd_class_new(vm->h, name, &spec, slot))
        return NULL;
    return *slot;
}

hd_obj_t *sc_finalize_class(sc_vm_t *vm, bool create)
{
    return sc_mod_support_class(vm, &vm->st->cls_finalize, "finalize", NULL, 0, true, false,
                                create);
}

hd_obj_t *sc_mod_info_class(sc_vm_t *vm)
{
    static const char *const slots[] = {"args", "atexit", "func", "index", "kwargs", "weakref"};
    return sc_mod_support_class(vm, &vm->st->cls_info, "_Info", slots, 6, true, false, true);
}

bool sc_is_finalize(sc_vm_t *vm, hd_obj_t *o)
{
    hd_obj_t *cls = vm->st->cls_finalize;
    return cls && o->type == HD_T_INSTANCE && hd_obj_class(vm->h, o) == cls;
}

hd_obj_t *sc_mod_get_slot(sc_vm_t *vm, hd_obj_t *o, const char *name)
{
    hd_obj_t *v;
    return hd_obj_getattr(vm->h, o, name, &v) == 0 ? v : NULL;
}

/* atexit_import: the first finalize of a process runs `import atexit;
 * atexit.register(self._exitfunc)`, importing the builtin module through
 * importlib: python3 3.11.2 comes out of it with 9 more GC objects alive
 * (the module, its dict and functions, its spec, the bound method), more
 * containers in the free lists, 2,205 more bytes traced (at importlib's
 * and the distutils hook's lines) and a peak 492 bytes over what __init__
 * ends with (measured with tracemalloc and an allocator hook). Stand-ins,
 * made once per heap, move the count, the free lists and tracemalloc's
 * figures as it does: GC containers, and plain blocks of the pool that no
 * object owns (like the import's memory, they live as long as the heap). */
#define BOOTSTRAP   "<frozen importlib._bootstrap>:"
#define WEAKREF_PY  "/usr/lib/python3.11/weakref.py:"
#define ATEXIT_PEAK 964

/* at_site: tracemalloc's site for what follows (only while tracing) */
static int at_site(sc_vm_t *vm, const char *site)
{
    return hd_trace_is_tracing(vm->h->trace) ? hdrc(vm, hd_heap_set_site(vm->h, site)) : 0;
}

/* raw_blocks: n blocks of `total` bytes together at `site`, kept */
static int raw_blocks(sc_vm_t *vm, const char *site, int n, size_t total)
{
    if (at_site(vm, site))
        return -1;
    for (int i = 0; i < n; i++) {
        void *p;
        size_t len = total / (size_t)n + ((size_t)i < total % (size_t)n);
        int rc = hd__block_alloc(vm->h, len, HD_TRACE_UNKNOWN, &p);
        if (rc)
            return sc_nomem(vm, rc);
    }
    return 0;
}

/* keep_append: o joins the stand-ins of the atexit module (whose item
 * array is importlib's memory) */
static int keep_append(sc_vm_t *vm, hd_obj_t *o)
{
    if (at_site(vm, BOOTSTRAP "241"))
        return -1;
    int rc = vm->st->atexit_module ? hd_list_append(vm->h, vm->st->atexit_module, o) : 0;
    return rc ? sc_nomem(vm, rc) : 0;
}

/* the import's containers that end in the free lists, one 3-tuple kept
 * (python3 then has two in the free list, and counts the first 3-tuple
 * made past them: found by gen_random.py's classes, whose MRO and
 * type_call tuples have three items) */
static int atexit_transients(sc_vm_t *vm)
{
    static const int sizes[] = {3, 3, 3, 2, 2, 1, 1, 0, 0}; /* 0: a dict */
    static const char *const sites[] = {BOOTSTRAP "241", BOOTSTRAP "1175", BOOTSTRAP "127",
                                        BOOTSTRAP "448", BOOTSTRAP "448",  BOOTSTRAP "783",
                                        BOOTSTRAP "783", BOOTSTRAP "1175", BOOTSTRAP "241"};
    hd_obj_t *items[3] = {vm->h->none, vm->h->none, vm->h->none}, *made[9];
    int n = 0, rc = 0;
    for (; n < 9 && !rc; n++)
        rc = at_site(vm, sites[n]) ? -1
             : sizes[n] ? hdrc(vm, hd_tuple_new(vm->h, (size_t)sizes[n], items, &made[n]))
                        : hdrc(vm, hd_dict_new(vm->h, 0, NULL, NULL, &made[n]));
    if (rc)
        n--;
    void *peak; /* the import's frames, exceptions and messages at its peak */
    if (!rc && (rc = hdrc(vm, hd__block_alloc(vm->h, ATEXIT_PEAK, HD_TRACE_UNKNOWN, &peak))) == 0)
        hd__block_free(vm->h, peak);
    if (!rc)
        rc = keep_append(vm, made[0]);
    while (n > 0)
        hd__decref(vm->h, made[--n]);
    return rc;
}

/* the module's stand-ins (7 GC lists, held by a list), the rest of what
 * the import keeps and its peak, then the containers it lets go of */
static int atexit_import(sc_vm_t *vm)
{
    sc_state_t *st = vm->st;
    st->atexit_done = true;
    hd_obj_t *keep = NULL, *o; /* stays NULL when the list cannot be made */
    int rc = at_site(vm, BOOTSTRAP "241") ? -1 : hdrc(vm, hd_list_new(vm->h, 0, NULL, &keep));
    for (int i = 0; i < 7 && !rc; i++) /* the module's dict first: from the free list */
        if (!(rc = i ? sc_list_new_generic(vm, &o) : hdrc(vm, hd_dict_new(vm->h, 0, 0, 0, &o)))) {
            rc = hdrc(vm, hd_list_append(vm->h, keep, o));
            hd__decref(vm->h, o);
        }
    if (rc) {
        hd__xdecref(vm->h, keep);
        return -1;
    }
    st->atexit_module = keep;
    /* what importlib keeps besides, where tracemalloc has it (with the
     * containers below; the free lists' order is python3's, as the sites
     * the blocks are taken from show): 1,261 bytes in 16 blocks at line 241
     * with the list, its items, the 7 lists, a 3-tuple and a dict; 304 in
     * 3 in the distutils hook's find_spec; 208 in 3 at line 448 with a
     * 2-tuple; 56 at line 364 */
    if (raw_blocks(vm, BOOTSTRAP "241", 5, 549) ||
        raw_blocks(vm, "/usr/lib/python3/dist-packages/_distutils_hack/__init__.py:95", 3, 304) ||
        raw_blocks(vm, BOOTSTRAP "448", 2, 152) || raw_blocks(vm, BOOTSTRAP "364", 1, 56))
        return -1;
    return atexit_transients(vm);
}

/* atexit_register: atexit.register(self._exitfunc) (weakref.py:573): its
 * argument tuple (from the free list, let go of), the bound method, kept,
 * and the callback's 24-byte record */
static int atexit_register(sc_vm_t *vm)
{
    hd_obj_t *t, *m, *cls = sc_finalize_class(vm, false);
    if (at_site(vm, WEAKREF_PY "573") || hdrc(vm, hd_tuple_new(vm->h, 1, &cls, &t)))
        return -1;
    int rc = hdrc(vm, hd__method_new(vm->h, vm->h->none, cls, &m));
    hd__decref(vm->h, t);
    if (rc)
        return -1;
    rc = raw_blocks(vm, WEAKREF_PY "573", 1, 24) || keep_append(vm, m) ? -1 : 0;
    hd__decref(vm->h, m);
    return rc;
}

/* fin_locals: finalize.__init__'s *args tuple and **kwargs dict, as
 * initialize_locals makes them (the keywords by name) */
static int fin_locals(sc_vm_t *vm, hd_obj_t *const *args, int npos, int nkw, hd_obj_t *kwnames,
                      hd_obj_t **rest, hd_obj_t **kwdict)
{
    int rc = hd_tuple_new(vm->h, (size_t)(npos - 2), args + 2, rest);
    if (!rc)
        rc = hd_dict_new(vm->h, 0, NULL, NULL, kwdict);
    for (int i = 0; i < nkw && !rc; i++)
        rc = hd_dict_setitem(vm->h, *kwdict, ((hd_tuple_obj_t *)kwnames)->items[i], args[npos + i]);
    return rc;
}

/* fin_body: the body of finalize.__init__ (weakref.py 569-582), each
 * allocation at its line for tracemalloc */
static int fin_body(sc_vm_t *vm, hd_obj_t *fin, hd_obj_t *const *args, hd_obj_t *rest,
                    hd_obj_t *kwdict)
{
    hd_obj_t *info = NULL, *wr = NULL, *t2 = NULL, *idx = NULL, *targs[2] = {args[0], fin};
    uint32_t saved = vm->h->site;
    int rc = !vm->st->atexit_done && (atexit_import(vm) || atexit_register(vm)) ? -1 : 0;
    if (!rc && !(rc = at_site(vm, WEAKREF_PY "575")))
        rc = hdrc(vm, hd_instance_new(vm->h, sc_mod_info_class(vm), false, &info));
    if (!rc && !(rc = at_site(vm, WEAKREF_PY "576")) &&
        !(rc = hdrc(vm, hd_tuple_new(vm->h, 2, targs, &t2)))) { /* ref(obj, self) */
        int r = hd_weakref_new(vm->h, args[0], fin, false, &wr);
        hd__decref(vm->h, t2);
        rc = r == HD_ETYPE ? weakref_error(vm, args[0]) : hdrc(vm, r);
    }
    if (!rc && !(rc = at_site(vm, WEAKREF_PY "581")))
        rc = hdrc(vm, hd__int_from_long(vm->h, vm->st->finalize_counter++, &idx));
    if (!rc && (hd_obj_setattr(vm->h, info, "weakref", wr) ||
                hd_obj_setattr(vm->h, info, "func", args[1]) ||
                hd_obj_setattr(vm->h, info, "args", rest) ||
                hd_obj_setattr(vm->h, info, "kwargs", hd_len(kwdict) ? kwdict : vm->h->none) ||
                hd_obj_setattr(vm->h, info, "atexit", vm->h->true_) ||
                hd_obj_setattr(vm->h, info, "index", idx)))
        rc = sc_nomem(vm, HD_ENOMEM);
    if (!rc && !(rc = at_site(vm, WEAKREF_PY "582")))
        rc = hdrc(vm, hd_dict_setitem(vm->h, vm->st->finalizers, fin, info));
    vm->h->site = saved;
    hd__xdecref(vm->h, idx);
    hd__xdecref(vm->h, wr);
    hd__xdecref(vm->h, info);
    return rc;
}

/* wr_finalize: finalize(obj, func, /, *args, **kwargs), as type_call runs
 * it: the argument tuple (and keyword dict) of the call, the instance, then
 * __init__ (its *args and **kwargs first); the call's containers go back to
 * the free lists last */
int wr_finalize(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw;
    if (npos < 2)
        return sc_raise(vm, EXC_TYPEERROR,
                        "finalize.__init__() missing %d required positional argument%s", 2 - npos,
                        npos == 1 ? "" : "s");
    hd_obj_t *cls = sc_finalize_class(vm, true);
    if (!cls || !sc_mod_info_class(vm))
        return sc_nomem(vm, HD_ENOMEM);
    hd_obj_t *calltuple = NULL, *calldict = NULL, *names = NULL, *fin = NULL, *rest = NULL;
    hd_obj_t *kwdict = NULL;
    int rc = hd_tuple_new(vm->h, (size_t)npos, args, &calltuple);
    if (!rc && nkw)
        rc = hd_dict_new(vm->h, (size_t)nkw, ((hd_tuple_obj_t *)kwnames)->items, args + npos,
                         &calldict);
    if (!rc)
        rc = hd_instance_new(vm->h, cls, false, &fin);
    void *stack = NULL; /* _PyStack_UnpackDict: a stack with self, then the dict back to names */
    if (!rc && nkw && (rc = hd__block_alloc(vm->h, (size_t)(npos + nkw + 2) * 8, 0, &stack)))
        stack = NULL; /* (a block the trace could not take is freed) */
    if (!rc && nkw)
        rc = hd_tuple_new(vm->h, (size_t)nkw, ((hd_tuple_obj_t *)kwnames)->items, &names);
    if (!rc)
        rc = fin_locals(vm, args, npos, nkw, kwnames, &rest, &kwdict);
    rc = rc ? sc_nomem(vm, rc) : fin_body(vm, fin, args, rest, kwdict);
    if (stack)
        hd__block_free(vm->h, stack);
    hd__xdecref(vm->h, rest);
    hd__xdecref(vm->h, kwdict);
    hd__xdecref(vm->h, names);
    hd__xdecref(vm->h, calltuple);
    hd__xdecref(vm->h, calldict);
    if (rc) {
        hd__xdecref(vm->h, fin);
        return -1;
    }
    *out = fin;
    return 0;
}

/* sc_finalize_call: finalize.__call__ (slot_tp_call: an argument tuple of
 * nargs, the weakref when the referent died): pops the registry entry and
 * calls info.func(*info.args, **(info.kwargs or {})), as CALL_FUNCTION_EX
 * does (a new dict merged with the kwargs) */
int sc_finalize_call(sc_vm_t *vm, hd_obj_t *fin, hd_obj_t *const *args, int nargs, hd_obj_t **out)
{
    hd_obj_t *calltuple = NULL, *info = NULL;
    int rc = hd_tuple_new(vm->h, (size_t)nargs, args, &calltuple);
    if (!rc && (rc = hd_dict_pop(vm->h, vm->st->finalizers, fin, &info)) == HD_EKEY) {
        hd__decref(vm->h, calltuple);
        return none(vm, out);
    }
    if (rc) {
        hd__xdecref(vm->h, calltuple);
        return sc_nomem(vm, rc);
    }
    hd_obj_t *func = sc_mod_get_slot(vm, info, "func"), *a = sc_mod_get_slot(vm, info, "args");
    hd_obj_t *kw = sc_mod_get_slot(vm, info, "kwargs"), *names = NULL, *argv[260], *calldict = NULL;
    int n = a ? (int)hd_len(a) : 0, nk = kw && kw->type == HD_T_DICT ? (int)hd_len(kw) : 0;
    rc = func && n + nk <= 256 ? hd_dict_new(vm->h, 0, NULL, NULL, &calldict) : HD_EINVAL;
    if (!rc && !nk) { /* `info.kwargs or {}` merged into the call's dict */
        hd_obj_t *empty;
        if (!(rc = hd_dict_new(vm->h, 0, NULL, NULL, &empty)))
            hd__decref(vm->h, empty);
    }
    for (int i = 0; !rc && i < n; i++)
        argv[i] = ((hd_tuple_obj_t *)a)->items[i];
    if (!rc && nk) {
        hd_obj_t *keys[256], *k, *v;
        int64_t pos = 0;
        int i = 0;
        while (hd_dict_next(kw, &pos, &k, &v)) {
            keys[i] = k;
            argv[n + i++] = v;
            rc = rc ? rc : hd_dict_setitem(vm->h, calldict, k, v);
        }
        if (!rc)
            rc = hd_tuple_new(vm->h, (size_t)nk, keys, &names);
    }
    if (!rc)
        rc = sc_call(vm, func, argv, n + nk, names, out);
    else if (rc == HD_EINVAL)
        rc = none(vm, out);
    else
        rc = sc_nomem(vm, rc);
    hd__xdecref(vm->h, names);
    hd__xdecref(vm->h, calldict);
    hd__decref(vm->h, info);
    hd__decref(vm->h, calltuple);
    return rc;
}

int sc_mod_finalize_attr(sc_vm_t *vm, hd_obj_t *fin, const char *name, hd_obj_t **out)
{
    hd_obj_t *info;
    int rc = hd_dict_getitem(vm->h, vm->st->finalizers, fin, &info);
    if (strcmp(name, "alive") == 0) {
        hd_bool(vm->h, rc == 0, out);
        return 0;
    }
    if (strcmp(name, "atexit") == 0)
        return ret(rc == 0 ? sc_mod_get_slot(vm, info, "atexit") : vm->h->false_, out);
    return 1;
}
