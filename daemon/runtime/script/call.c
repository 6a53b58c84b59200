/*
 * call.c: calls, as CPython 3.11 makes them.
 *
 * CALL n sees [X, Y, arg1..argn] on the stack: X is NULL and Y the
 * callable, or X the function and Y self (LOAD_METHOD's pair, or a bound
 * method that CALL unpacks, releasing the method object first).
 *
 *   - Python functions: the arguments move from the caller's stack into
 *     the new frame's locals (the frame steals the references, with the
 *     function's), and the loop continues in the callee.
 *   - Classes (type_call): the positional arguments become a tuple (a real
 *     one: it may come from the tuple free list or move the gen-0 count),
 *     the instance is allocated, and __init__ runs in a frame that holds
 *     its own references to self and the arguments, while the caller's
 *     stack keeps its own until __init__ returns; then the instance
 *     replaces the class and the arguments, released callable first.
 *   - Builtins get the arguments borrowed from the stack; afterwards the
 *     callable, then each argument, is released.
 *
 * sc_call does the same from C (finalizers, callbacks, sorted(key=...)) by
 * running a nested loop.
 */
#include <stdio.h>
#include <string.h>

#include "impl.h"
#include "vm.h"

/* ---- argument binding for Python functions ---- */

static void quote_names(char *buf, size_t len, const char **names, int n)
{
    size_t w = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && w < len; i++) {
        const char *sep = i == 0 ? "" : (n == 2 ? " and " : (i == n - 1 ? ", and " : ", "));
        w += (size_t)snprintf(buf + w, len - w, "%s'%s'", sep, names[i]);
    }
}

/* plan_args: where each argument goes (slot[i] for args[i]), checking
 * CPython's errors first so that nothing moves when binding fails. */
static int plan_args(sc_vm_t *vm, hd_func_obj_t *fn, sc_code_t *co, int nargs, hd_obj_t *kwnames,
                     int *slot, hd_obj_t **filled)
{
    int argc = (int)co->argcount;
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw;
    int ndef = fn->defaults ? (int)hd_len(fn->defaults) : 0;
    const char *qn = co->qualname;
    if (npos > argc) {
        char sig[48];
        if (ndef)
            snprintf(sig, sizeof(sig), "from %d to %d", argc - ndef, argc);
        else
            snprintf(sig, sizeof(sig), "%d", argc);
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes %s positional argument%s but %d %s given",
                        qn, sig, (ndef || argc != 1) ? "s" : "", npos,
                        npos == 1 && nkw == 0 ? "was" : "were");
    }
    for (int i = 0; i < argc; i++)
        filled[i] = NULL;
    for (int i = 0; i < npos; i++) {
        slot[i] = i;
        filled[i] = (hd_obj_t *)1;
    }
    hd_tuple_obj_t *kw = (hd_tuple_obj_t *)kwnames;
    for (int k = 0; k < nkw; k++) {
        char name[256];
        hd_str_utf8(kw->items[k], name, sizeof(name));
        int j = 0;
        while (j < argc && strcmp(co->varnames[j], name) != 0)
            j++;
        if (j == argc)
            return sc_raise(vm, EXC_TYPEERROR, "%s() got an unexpected keyword argument '%s'", qn,
                            name);
        if (filled[j])
            return sc_raise(vm, EXC_TYPEERROR, "%s() got multiple values for argument '%s'", qn,
                            name);
        filled[j] = (hd_obj_t *)1;
        slot[npos + k] = j;
    }
    const char *missing[256];
    int nmissing = 0;
    for (int i = 0; i < argc - ndef; i++)
        if (!filled[i])
            missing[nmissing++] = co->varnames[i];
    if (nmissing) {
        char list[600];
        quote_names(list, sizeof(list), missing, nmissing);
        return sc_raise(vm, EXC_TYPEERROR, "%s() missing %d required positional argument%s: %s", qn,
                        nmissing, nmissing == 1 ? "" : "s", list);
    }
    return 0;
}

/* bind: fills the frame's locals; steal: the references in args move */
static void bind(sc_vm_t *vm, hd_func_obj_t *fn, sc_code_t *co, hd_obj_t *const *args, int nargs,
                 const int *slot, hd_obj_t **locals, bool steal)
{
    (void)vm;
    for (int i = 0; i < nargs; i++) {
        if (!steal)
            hd__incref(args[i]);
        locals[slot[i]] = args[i];
    }
    int argc = (int)co->argcount;
    int ndef = fn->defaults ? (int)hd_len(fn->defaults) : 0;
    for (int i = argc - ndef; i < argc; i++) {
        if (!locals[i]) {
            hd_obj_t *d = ((hd_tuple_obj_t *)fn->defaults)->items[i - (argc - ndef)];
            hd__incref(d);
            locals[i] = d;
        }
    }
}

static int recursion_error(sc_vm_t *vm, const char *where)
{
    return sc_raise(vm, EXC_RECURSIONERROR, "maximum recursion depth exceeded%s", where);
}

/* push_function: a frame for fn with args bound (stolen or borrowed) */
static sc_frame_t *push_function(sc_vm_t *vm, hd_obj_t *func, hd_obj_t *const *args, int nargs,
                                 hd_obj_t *kwnames, bool steal)
{
    hd_func_obj_t *fn = (hd_func_obj_t *)func;
    sc_code_t *co = (sc_code_t *)fn->code;
    if (!kwnames && nargs == (int)co->argcount && vm->depth < vm->limit) {
        /* the common call: exactly the positional arguments */
        sc_frame_t *f = sc_frame_push(vm, co, func);
        if (!f)
            return NULL;
        for (int i = 0; i < nargs; i++) {
            if (!steal)
                hd__incref(args[i]);
            f->locals[i] = args[i];
        }
        return f;
    }
    int slot[260];
    hd_obj_t *filled[260];
    if (nargs > 256) {
        sc_raise(vm, EXC_TYPEERROR, "too many arguments");
        return NULL;
    }
    if (plan_args(vm, fn, co, nargs, kwnames, slot, filled))
        return NULL;
    if (vm->depth >= vm->limit) {
        recursion_error(vm, "");
        return NULL;
    }
    sc_frame_t *f = sc_frame_push(vm, co, func);
    if (!f)
        return NULL;
    bind(vm, fn, co, args, nargs, slot, f->locals, steal);
    return f;
}

/* ---- builtins ---- */

static int call_builtin_def(sc_vm_t *vm, hd_obj_t *callable, hd_obj_t *const *args, int nargs,
                            hd_obj_t *kwnames, hd_obj_t **out);

static const sc_builtin_def_t *def_of(hd_obj_t *callable)
{
    hd_obj_t *b =
        callable->type == HD_T_CMETHOD ? ((hd_cmethod_obj_t *)callable)->builtin : callable;
    return &sc_builtin_defs[((hd_builtin_obj_t *)b)->index];
}

/* call_builtin: METH_VARARGS functions get their arguments as a tuple
 * (and keywords as a dict), which CPython allocates for the call */
static int call_builtin(sc_vm_t *vm, hd_obj_t *callable, hd_obj_t *const *args, int nargs,
                        hd_obj_t *kwnames, hd_obj_t **out)
{
    if (!(def_of(callable)->flags & SC_BF_VARARGS))
        return call_builtin_def(vm, callable, args, nargs, kwnames, out);
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, skip = 0;
    if (callable->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)callable)->kind == HD_BUILTIN_METHOD)
        skip = 1; /* an unbound method's self is not in the tuple */
    hd_obj_t *t = NULL, *d = NULL;
    int rc = hd_tuple_new(vm->h, (size_t)(nargs - nkw - skip > 0 ? nargs - nkw - skip : 0),
                          args + skip, &t);
    /* print: Argument Clinic's *args makes the tuple, keywords need no dict */
    bool clinic =
        callable->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)callable)->index == SC_BI_PRINT;
    if (!rc && nkw && !clinic)
        rc = hd_dict_new(vm->h, (size_t)nkw, ((hd_tuple_obj_t *)kwnames)->items, args + nargs - nkw,
                         &d);
    if (rc) {
        hd__xdecref(vm->h, t);
        return sc_nomem(vm, rc);
    }
    hd_obj_t *outer = vm->varargs;
    vm->varargs = t;
    rc = call_builtin_def(vm, callable, args, nargs, kwnames, out);
    vm->varargs = outer;
    hd__xdecref(vm->h, d);
    hd__decref(vm->h, t);
    return rc;
}

static int call_builtin_def(sc_vm_t *vm, hd_obj_t *callable, hd_obj_t *const *args, int nargs,
                            hd_obj_t *kwnames, hd_obj_t **out)
{
    if (callable->type == HD_T_CMETHOD) {
        hd_cmethod_obj_t *m = (hd_cmethod_obj_t *)callable;
        const sc_builtin_def_t *d = &sc_builtin_defs[((hd_builtin_obj_t *)m->builtin)->index];
        return d->fn(vm, m->self, args, nargs, kwnames, out);
    }
    hd_builtin_obj_t *b = (hd_builtin_obj_t *)callable;
    const sc_builtin_def_t *d = &sc_builtin_defs[b->index];
    switch (d->kind) {
    case HD_BUILTIN_FUNCTION:
        return d->fn(vm, NULL, args, nargs, kwnames, out);
    case HD_BUILTIN_TYPE:
        if (!d->fn)
            return sc_raise(vm, EXC_TYPEERROR, "cannot create '%s' instances", d->name);
        return d->fn(vm, callable, args, nargs, kwnames, out);
    case HD_BUILTIN_METHOD: {
        if (d->flags & SC_BF_CLASSMETHOD)
            return d->fn(vm, NULL, args, nargs, kwnames, out);
        int nkw = kwnames ? (int)hd_len(kwnames) : 0;
        if (nargs - nkw < 1)
            return sc_raise(vm, EXC_TYPEERROR, "unbound method %s.%s() needs an argument", b->owner,
                            b->name);
        if (d->owner_type != HD_TYPE_COUNT && args[0]->type != d->owner_type &&
            !(d->owner_type == HD_T_INT && args[0]->type == HD_T_BOOL))
            return sc_raise(vm, EXC_TYPEERROR,
                            "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                            b->name, b->owner, sc_tname(vm, args[0]));
        return d->fn(vm, args[0], args + 1, nargs - 1, kwnames, out);
    }
    }
    return sc_raise(vm, EXC_TYPEERROR, "'module' object is not callable");
}

/* ---- instances ---- */

/* new_instance: the instance of a class (object_new); NULL on error */
static int new_instance(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t **out)
{
    int rc = hd_instance_new(vm->h, cls, false, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static hd_obj_t *find_init(sc_vm_t *vm, hd_obj_t *cls)
{
    hd_obj_t *init = sc_class_lookup(vm, cls, "__init__");
    return init && init->type == HD_T_FUNCTION ? init : NULL;
}

/* args_tuple: type_call's positional argument tuple (the empty tuple is
 * shared) and keyword dict */
static int args_tuple(sc_vm_t *vm, hd_obj_t *const *args, int npos, hd_obj_t **out)
{
    int rc = hd_tuple_new(vm->h, (size_t)npos, args, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int kwargs_dict(sc_vm_t *vm, hd_obj_t *const *values, hd_obj_t *kwnames)
{
    if (!kwnames)
        return 0;
    hd_obj_t *d;
    int rc =
        hd_dict_new(vm->h, (size_t)hd_len(kwnames), ((hd_tuple_obj_t *)kwnames)->items, values, &d);
    if (rc)
        return sc_nomem(vm, rc);
    hd__decref(vm->h, d); /* _PyStack_AsDict's dict: held while type_call runs */
    return 0;
}

static int no_init_args(sc_vm_t *vm, hd_obj_t *cls, int nargs)
{
    if (nargs == 0)
        return 0;
    return sc_raise(vm, EXC_TYPEERROR, "%s() takes no arguments", hd_class_name(cls));
}

/* __init__'s return (type_call's end) is vm.c's init_return, where it pops
 * the frame without a call */

/* cached_init: __init__ through the CALL's inline cache */
static hd_obj_t *cached_init(sc_vm_t *vm, sc_frame_t *f, hd_obj_t *cls)
{
    sc_cache_t *c = f->cur && f->cur->cache ? &f->code->cache[f->cur->cache] : NULL;
    if (c && c->key == (uint64_t)(uintptr_t)cls && c->aux == vm->st->class_gen)
        return (hd_obj_t *)(uintptr_t)c->value;
    hd_obj_t *init = find_init(vm, cls);
    if (c) {
        c->key = (uint64_t)(uintptr_t)cls;
        c->aux = vm->st->class_gen;
        c->value = (uint64_t)(uintptr_t)init;
    }
    return init;
}

/* push_init: the __init__ frame when the call binds keywords, defaults or
 * a wrong count (push_function does the binding and the errors) */
static __attribute__((noinline)) int push_init(sc_vm_t *vm, sc_frame_t *f, hd_obj_t ***spp, int n,
                                               hd_obj_t *init, hd_obj_t *obj, hd_obj_t *tuple,
                                               hd_obj_t *const *args, int nargs, hd_obj_t *kwnames,
                                               sc_frame_t **callee)
{
    hd_obj_t *stack_args[258];
    stack_args[0] = obj;
    memcpy(stack_args + 1, args, (size_t)nargs * sizeof(hd_obj_t *));
    hd__incref(init);
    sc_frame_t *nf = push_function(vm, init, stack_args, nargs + 1, kwnames, false);
    if (!nf) {
        hd__decref(vm->h, init);
        hd__decref(vm->h, tuple);
        hd__decref(vm->h, obj);
        return -1;
    }
    nf->init_self = obj;
    nf->init_args = tuple;
    nf->init_pop = n + 2;
    f->sp = *spp; /* the caller keeps the class and the arguments */
    *callee = nf;
    return 0;
}

static int call_class(sc_vm_t *vm, sc_frame_t *f, hd_obj_t ***spp, int n, hd_obj_t *cls,
                      hd_obj_t *const *args, int nargs, hd_obj_t *kwnames, sc_frame_t **callee)
{
    hd_obj_t *init = cached_init(vm, f, cls);
    int nkw = kwnames ? (int)hd_len(kwnames) : 0;
    if (!init) {
        hd_obj_t *obj;
        if (no_init_args(vm, cls, nargs) || new_instance(vm, cls, &obj))
            return -1;
        hd_obj_t **sp = *spp, **base = sp - n - 2;
        hd__xdecref(vm->h, base[1]);
        hd__xdecref(vm->h, base[0]);
        base[0] = obj;
        *spp = base + 1;
        return 0;
    }
    hd_obj_t *tuple, *obj;
    if (args_tuple(vm, args, nargs - nkw, &tuple))
        return -1;
    if ((kwnames && kwargs_dict(vm, args + nargs - nkw, kwnames)) || new_instance(vm, cls, &obj)) {
        hd__decref(vm->h, tuple);
        return -1;
    }
    sc_code_t *co = (sc_code_t *)((hd_func_obj_t *)init)->code;
    if (!kwnames && nargs + 1 == (int)co->argcount && vm->depth < vm->limit) {
        /* the common case, push_function's fast path without the copy */
        sc_frame_t *nf = sc_frame_push_set(vm, co, init, (uint32_t)nargs + 1);
        if (nf) {
            hd__incref(init);
            nf->locals[0] = obj; /* the frame's reference; init_self has its own */
            hd__incref(obj);
            for (int i = 0; i < nargs; i++) {
                hd__incref(args[i]);
                nf->locals[i + 1] = args[i];
            }
            nf->init_self = obj;
            nf->init_args = tuple;
            nf->init_pop = n + 2;
            f->sp = *spp;
            *callee = nf;
            return 0;
        }
        hd__decref(vm->h, tuple);
        hd__decref(vm->h, obj);
        return -1;
    }
    return push_init(vm, f, spp, n, init, obj, tuple, args, nargs, kwnames, callee);
}

/* ---- CALL ---- */

static void drop_call(sc_vm_t *vm, hd_obj_t ***spp, int n, hd_obj_t *res)
{
    hd_obj_t **sp = *spp, **base = sp - n - 2;
    hd_heap_t *h = vm->h;
    /* the callable, then the arguments (self first) */
    hd_obj_t *callable = base[0] ? base[0] : base[1];
    hd__decref(h, callable);
    if (base[0])
        hd__decref(h, base[1]);
    for (int i = 0; i < n; i++)
        hd__decref(h, base[2 + i]);
    base[0] = res;
    *spp = res ? base + 1 : base;
}

int sc_call_op(sc_vm_t *vm, sc_frame_t *f, hd_obj_t ***spp, int n, sc_frame_t **callee)
{
    hd_obj_t **sp = *spp, **base = sp - n - 2;
    hd_obj_t *kwnames = vm->kwnames;
    vm->kwnames = NULL;
    if (!base[0] && base[1]->type == HD_T_METHOD) {
        hd_method_obj_t *m = (hd_method_obj_t *)base[1];
        hd_obj_t *meth = base[1];
        hd__incref(m->func);
        hd__incref(m->self);
        base[0] = m->func;
        base[1] = m->self;
        hd__decref(vm->h, meth);
    }
    hd_obj_t *callable = base[0] ? base[0] : base[1];
    hd_obj_t *const *args = base[0] ? base + 1 : base + 2;
    int nargs = base[0] ? n + 1 : n;
    if (base[0] && base[0]->type == HD_T_BUILTIN &&
        (sc_builtin_defs[((hd_builtin_obj_t *)base[0])->index].flags & SC_BF_CLASSMETHOD))
        args = base + 2, nargs = n; /* {}.fromkeys(...): the instance is no argument */
    /* a mappingproxy's method (LOAD_METHOD gave the dict's descriptor, the
     * proxy as self) runs on its mapping, the proxy staying on the stack
     * until the call ends; called unbound, dict.get(proxy) is refused */
    if (base[0] && callable->type == HD_T_BUILTIN &&
        ((hd_builtin_obj_t *)callable)->kind == HD_BUILTIN_METHOD &&
        !(def_of(callable)->flags & SC_BF_VARARGS)) {
        int index = ((hd_builtin_obj_t *)callable)->index;
        hd_obj_t *self = sc_proxy_self(base[1], index);
        const char *mname = ((hd_builtin_obj_t *)callable)->name;
        if (self != base[1]) {
            hd_obj_t *res = NULL;
            int rc =
                kwnames && hd_len(kwnames) /* mappingproxy's own parsing first */
                    ? sc_raise(vm, EXC_TYPEERROR, "mappingproxy.%s() takes no keyword arguments",
                               mname)
                    : index != SC_BI_D_GET && n
                          ? sc_raise(vm, EXC_TYPEERROR,
                                     "mappingproxy.%s() takes no arguments (%d given)", mname, n)
                          : sc_builtin_defs[index].fn(vm, self, base + 2, n, kwnames, &res);
            drop_call(vm, spp, n, rc ? NULL : res);
            return rc ? -1 : 0;
        }
    }
    switch (callable->type) {
    case HD_T_FUNCTION: {
        sc_frame_t *nf = push_function(vm, callable, args, nargs, kwnames, true);
        if (!nf)
            return -1;
        *spp = base;
        *callee = nf;
        return 0;
    }
    case HD_T_CLASS:
        return call_class(vm, f, spp, n, callable, args, nargs, kwnames, callee);
    case HD_T_BUILTIN:
    case HD_T_CMETHOD: {
        hd_obj_t *res = NULL;
        int rc = call_builtin(vm, callable, args, nargs, kwnames, &res);
        drop_call(vm, spp, n, rc ? NULL : res);
        return rc ? -1 : 0;
    }
    default: {
        hd_obj_t *res = NULL;
        int rc = sc_call(vm, callable, args, nargs, kwnames, &res);
        drop_call(vm, spp, n, rc ? NULL : res);
        return rc ? -1 : 0;
    }
    }
}

int sc_call_ex(sc_vm_t *vm, hd_obj_t ***spp, int flags)
{
    hd_obj_t **sp = *spp;
    hd_obj_t *kw = (flags & 1) ? sp[-1] : NULL;
    hd_obj_t *posargs = sp[(flags & 1) ? -2 : -1];
    hd_obj_t **base = sp - ((flags & 1) ? 2 : 1) - 2;
    hd_obj_t *callable = base[1];
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)posargs;
    int np = (int)t->size, nk = kw ? (int)hd_len(kw) : 0;
    hd_obj_t *argv[300], *names = NULL, *res = NULL;
    if (np + nk > 256)
        return sc_raise(vm, EXC_TYPEERROR, "too many arguments");
    memcpy(argv, t->items, (size_t)np * sizeof(hd_obj_t *));
    if (nk) {
        hd_obj_t *keys[256];
        int64_t pos = 0;
        hd_obj_t *k, *v;
        int i = 0;
        while (hd_dict_next(kw, &pos, &k, &v)) {
            keys[i] = k;
            argv[np + i++] = v;
        }
        int rc = hd_tuple_new(vm->h, (size_t)nk, keys, &names);
        if (rc)
            return sc_nomem(vm, rc);
    }
    int rc = sc_call(vm, callable, argv, np + nk, names, &res);
    hd__xdecref(vm->h, names);
    hd_heap_t *h = vm->h;
    hd__decref(h, callable);
    hd__decref(h, posargs);
    hd__xdecref(h, kw);
    base[0] = rc ? NULL : res;
    *spp = rc ? base : base + 1;
    return rc ? -1 : 0;
}

/* ---- calls from C ---- */

/* eval_nested: runs a frame for C code; back in C, allocations belong to
 * the caller's line again (tracemalloc reads the innermost frame) */
static int eval_nested(sc_vm_t *vm, sc_frame_t *f, hd_obj_t **out)
{
    int rc = sc_eval(vm, f, out);
    if (vm->frame && vm->frame->cur)
        sc_set_site(vm, vm->frame->code, vm->frame->cur->line);
    return rc;
}

static int call_function(sc_vm_t *vm, hd_obj_t *func, hd_obj_t *const *args, int nargs,
                         hd_obj_t *kwnames, hd_obj_t **out)
{
    hd__incref(func);
    sc_frame_t *f = push_function(vm, func, args, nargs, kwnames, false);
    if (!f) {
        hd__decref(vm->h, func);
        return -1;
    }
    return eval_nested(vm, f, out);
}

static int call_with_self(sc_vm_t *vm, hd_obj_t *func, hd_obj_t *self, hd_obj_t *const *args,
                          int nargs, hd_obj_t *kwnames, hd_obj_t **out)
{
    hd_obj_t *argv[258];
    if (nargs > 256)
        return sc_raise(vm, EXC_TYPEERROR, "too many arguments");
    argv[0] = self;
    memcpy(argv + 1, args, (size_t)nargs * sizeof(hd_obj_t *));
    return sc_call(vm, func, argv, nargs + 1, kwnames, out);
}

static int instantiate(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t *const *args, int nargs,
                       hd_obj_t *kwnames, hd_obj_t **out)
{
    hd_obj_t *init = find_init(vm, cls), *obj, *tuple = NULL, *res;
    int nkw = kwnames ? (int)hd_len(kwnames) : 0;
    if (!init) {
        if (no_init_args(vm, cls, nargs))
            return -1;
        return new_instance(vm, cls, out);
    }
    if (args_tuple(vm, args, nargs - nkw, &tuple))
        return -1;
    if (kwargs_dict(vm, args + nargs - nkw, kwnames) || new_instance(vm, cls, &obj)) {
        hd__decref(vm->h, tuple);
        return -1;
    }
    int rc = call_with_self(vm, init, obj, args, nargs, kwnames, &res);
    hd__decref(vm->h, tuple);
    if (rc) {
        hd__decref(vm->h, obj);
        return -1;
    }
    if (res != vm->h->none) {
        sc_raise(vm, EXC_TYPEERROR, "__init__() should return None, not '%s'", sc_tname(vm, res));
        hd__decref(vm->h, res);
        hd__decref(vm->h, obj);
        return -1;
    }
    hd__decref(vm->h, res);
    *out = obj;
    return 0;
}

int sc_call(sc_vm_t *vm, hd_obj_t *callable, hd_obj_t *const *args, int nargs, hd_obj_t *kwnames,
            hd_obj_t **out)
{
    if (vm->fatal)
        return -1;
    switch (callable->type) {
    case HD_T_FUNCTION:
        return call_function(vm, callable, args, nargs, kwnames, out);
    case HD_T_METHOD: {
        hd_method_obj_t *m = (hd_method_obj_t *)callable;
        return call_with_self(vm, m->func, m->self, args, nargs, kwnames, out);
    }
    case HD_T_CLASS:
        return instantiate(vm, callable, args, nargs, kwnames, out);
    case HD_T_BUILTIN:
    case HD_T_CMETHOD:
        return call_builtin(vm, callable, args, nargs, kwnames, out);
    case HD_T_WEAKREF: {
        if (nargs)
            return sc_raise(vm, EXC_TYPEERROR, "weakref() takes no arguments");
        hd_obj_t *o = hd_weakref_get(callable);
        *out = o ? o : vm->h->none;
        hd__incref(*out);
        return 0;
    }
    case HD_T_INSTANCE: {
        if (sc_is_finalize(vm, callable))
            return sc_finalize_call(vm, callable, args,
                                    nargs - (kwnames ? (int)hd_len(kwnames) : 0), out);
        hd_obj_t *call = sc_class_lookup(vm, hd_obj_class(vm->h, callable), "__call__");
        if (call && call->type == HD_T_FUNCTION)
            return call_with_self(vm, call, callable, args, nargs, kwnames, out);
        break;
    }
    }
    return sc_raise(vm, EXC_TYPEERROR, "'%s' object is not callable", sc_tname(vm, callable));
}

bool sc_callable(hd_obj_t *o)
{
    switch (o->type) {
    case HD_T_FUNCTION:
    case HD_T_METHOD:
    case HD_T_CLASS:
    case HD_T_CMETHOD:
    case HD_T_WEAKREF:
        return true;
    case HD_T_BUILTIN:
        return ((hd_builtin_obj_t *)o)->kind != HD_BUILTIN_MODULE;
    }
    return false;
}

int sc_run_frame_code(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func, hd_obj_t *ns, hd_obj_t **out)
{
    if (vm->depth >= vm->limit)
        return recursion_error(vm, "");
    sc_frame_t *f = sc_frame_push(vm, code, func);
    if (!f) {
        hd__xdecref(vm->h, func);
        return -1;
    }
    if (ns) {
        hd__incref(ns);
        f->ns = ns;
    }
    return eval_nested(vm, f, out);
}
