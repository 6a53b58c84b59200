/*
 * builtins.c: the builtin functions and types of the heap script language
 * (print, len, id, type, isinstance, range, list, dict, ...), with
 * CPython 3.11's results, objects and messages.
 *
 * Allocation follows CPython where the gen-0 count can see it: list() and
 * dict() allocate their object with PyType_GenericAlloc, never from the
 * free lists that [] and {} use; list(x) of a sized x preallocates exactly
 * (rounded up to even); tuple(x) returns x itself when it is a tuple.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "impl.h"
#include "vm.h"

#define ARGS hd_obj_t *const *args, int nargs, hd_obj_t *kwnames, hd_obj_t **out

/* ---- argument helpers ---- */

int sc_arg_count(sc_vm_t *vm, const char *fname, int nargs, int min, int max)
{
    if (nargs >= min && nargs <= max)
        return 0;
    if (min == 1 && max == 1)
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes exactly one argument (%d given)", fname,
                        nargs);
    if (min == max)
        return sc_raise(vm, EXC_TYPEERROR, "%s expected %d argument%s, got %d", fname, min,
                        min == 1 ? "" : "s", nargs);
    if (nargs < min)
        return sc_raise(vm, EXC_TYPEERROR, "%s expected at least %d argument%s, got %d", fname, min,
                        min == 1 ? "" : "s", nargs);
    return sc_raise(vm, EXC_TYPEERROR, "%s expected at most %d argument%s, got %d", fname, max,
                    max == 1 ? "" : "s", nargs);
}

int sc_no_kwargs(sc_vm_t *vm, const char *fname, hd_obj_t *kwnames)
{
    if (!kwnames || hd_len(kwnames) == 0)
        return 0;
    return sc_raise(vm, EXC_TYPEERROR, "%s() takes no keyword arguments", fname);
}

/* kwarg: the keyword argument named `name` (borrowed) or NULL; *npos the
 * number of positional arguments */
static hd_obj_t *kwarg(hd_obj_t *const *args, int nargs, hd_obj_t *kwnames, const char *name)
{
    if (!kwnames)
        return NULL;
    int nkw = (int)hd_len(kwnames);
    for (int i = 0; i < nkw; i++) {
        char buf[64];
        hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[i], buf, sizeof(buf));
        if (strcmp(buf, name) == 0)
            return args[nargs - nkw + i];
    }
    return NULL;
}

int sc_check_kwargs(sc_vm_t *vm, const char *fname, hd_obj_t *kwnames, const char *const *allowed)
{
    int nkw = kwnames ? (int)hd_len(kwnames) : 0;
    for (int i = 0; i < nkw; i++) {
        char buf[64];
        hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[i], buf, sizeof(buf));
        bool ok = false;
        for (int k = 0; allowed[k]; k++)
            ok |= strcmp(allowed[k], buf) == 0;
        if (!ok)
            return sc_raise(vm, EXC_TYPEERROR, "%s() got an unexpected keyword argument '%s'",
                            fname, buf);
    }
    return 0;
}

int sc_npos_of(int nargs, hd_obj_t *kwnames)
{
    return nargs - (kwnames ? (int)hd_len(kwnames) : 0);
}

static int ret(hd_obj_t *v, hd_obj_t **out)
{
    hd__incref(v);
    *out = v;
    return 0;
}

static int ret_bool(sc_vm_t *vm, bool v, hd_obj_t **out)
{
    hd_bool(vm->h, v, out);
    return 0;
}

static int sc_int_rc(sc_vm_t *vm, int rc)
{
    return rc ? sc_nomem(vm, rc) : 0;
}

int sc_int_new(sc_vm_t *vm, int64_t v, hd_obj_t **out)
{
    int rc = hd__int_from_long(vm->h, v, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

int sc_index_arg(sc_vm_t *vm, hd_obj_t *o, int64_t *v)
{
    if (o->type != HD_T_INT && o->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                        sc_tname(vm, o));
    if (hd_int_to_i64(o, v))
        return sc_raise(vm, EXC_OVERFLOWERROR, "Python int too large to convert to C ssize_t");
    return 0;
}

/* ---- print ---- */

static int print_sep(sc_vm_t *vm, hd_obj_t *v, const char *what, const char *dflt)
{
    if (v && v != vm->h->none) {
        if (v->type != HD_T_STR)
            return sc_raise(vm, EXC_TYPEERROR, "%s must be None or a string, not %s", what,
                            sc_tname(vm, v));
        return sc_write_str(vm, v);
    }
    hd_obj_t *s;
    if (sc_str_new(vm, dflt, strlen(dflt), &s))
        return -1;
    int rc = sc_write_str(vm, s);
    hd__decref(vm->h, s);
    return rc;
}

static int bi_print(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    static const char *const allowed[] = {"sep", "end", "file", "flush", NULL};
    (void)self;
    if (sc_kwtuple(vm, SC_BI_PRINT, allowed) || sc_check_kwargs(vm, "print", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    hd_obj_t *sep = kwarg(args, nargs, kwnames, "sep"), *end = kwarg(args, nargs, kwnames, "end");
    hd_obj_t *file = kwarg(args, nargs, kwnames, "file");
    if (file && file != vm->h->none)
        return sc_raise(vm, EXC_TYPEERROR,
                        "print(file=...) is not supported by the heap script "
                        "language");
    if (sep && sep != vm->h->none && sep->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "sep must be None or a string, not %s",
                        sc_tname(vm, sep));
    if (end && end != vm->h->none && end->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "end must be None or a string, not %s",
                        sc_tname(vm, end));
    for (int i = 0; i < npos; i++) {
        if (i && print_sep(vm, sep, "sep", " "))
            return -1;
        if (sc_write_obj(vm, args[i]))
            return -1;
    }
    if (print_sep(vm, end, "end", "\n"))
        return -1;
    return ret(vm->h->none, out);
}

/* ---- small functions ---- */

static int bi_len(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    int64_t n;
    if (sc_no_kwargs(vm, "len", kwnames) || sc_arg_count(vm, "len", nargs, 1, 1) ||
        sc_len(vm, args[0], &n))
        return -1;
    return sc_int_ssize(vm, n, out);
}

static int bi_id(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "id", kwnames) || sc_arg_count(vm, "id", nargs, 1, 1))
        return -1;
    return sc_int_new(vm, (int64_t)hd_obj_addr(vm->h, args[0]), out);
}

static int bi_repr(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "repr", kwnames) || sc_arg_count(vm, "repr", nargs, 1, 1))
        return -1;
    return sc_repr(vm, args[0], out);
}

static int check_class_arg(sc_vm_t *vm, hd_obj_t *c, const char *fname)
{
    if (c->type == HD_T_CLASS ||
        (c->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)c)->kind == HD_BUILTIN_TYPE))
        return 0;
    return sc_raise(vm, EXC_TYPEERROR, "%s() arg 2 must be a type, a tuple of types, or a union",
                    fname);
}

static int bi_isinstance(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "isinstance", kwnames) || sc_arg_count(vm, "isinstance", nargs, 2, 2))
        return -1;
    hd_obj_t *c = args[1];
    if (c->type == HD_T_TUPLE) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)c;
        for (int64_t i = 0; i < t->size; i++) {
            if (check_class_arg(vm, t->items[i], "isinstance"))
                return -1;
            if (sc_isinstance(vm, args[0], t->items[i]))
                return ret_bool(vm, true, out);
        }
        return ret_bool(vm, false, out);
    }
    if (check_class_arg(vm, c, "isinstance"))
        return -1;
    return ret_bool(vm, sc_isinstance(vm, args[0], c), out);
}

static int bi_issubclass(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "issubclass", kwnames) || sc_arg_count(vm, "issubclass", nargs, 2, 2) ||
        check_class_arg(vm, args[1], "issubclass"))
        return -1;
    hd_obj_t *a = args[0], *b = args[1];
    if (a == b || (b->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)b)->index == SC_BI_T_OBJECT))
        return ret_bool(vm, true, out);
    if (a->type != HD_T_CLASS)
        return ret_bool(vm, false, out);
    hd_obj_t *mro = sc_class_mro(a);
    bool found = false;
    for (int64_t i = 0; mro && mro->type == HD_T_TUPLE && i < hd_len(mro); i++)
        found |= ((hd_tuple_obj_t *)mro)->items[i] == b;
    return ret_bool(vm, found, out);
}

static int radix(sc_vm_t *vm, const char *fname, char type, ARGS)
{
    if (sc_no_kwargs(vm, fname, kwnames) || sc_arg_count(vm, fname, nargs, 1, 1))
        return -1;
    if (args[0]->type != HD_T_INT && args[0]->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                        sc_tname(vm, args[0]));
    char spec[3] = {'#', type, 0};
    sc_buf_t b = {0};
    int rc = sc_format_buf(vm, args[0], spec, &b);
    if (!rc)
        rc = sc_str_new(vm, b.v, b.n, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

static int bi_hex(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return radix(vm, "hex", 'x', args, nargs, kwnames, out);
}

static int bi_oct(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return radix(vm, "oct", 'o', args, nargs, kwnames, out);
}

static int bi_bin(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return radix(vm, "bin", 'b', args, nargs, kwnames, out);
}

static int bi_abs(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "abs", kwnames) || sc_arg_count(vm, "abs", nargs, 1, 1))
        return -1;
    hd_obj_t *o = args[0];
    bool neg = (o->type == HD_T_INT && ((hd_int_obj_t *)o)->size < 0) ||
               (o->type == HD_T_FLOAT && signbit(((hd_float_obj_t *)o)->value));
    if (o->type != HD_T_INT && o->type != HD_T_FLOAT && o->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR, "bad operand type for abs(): '%s'", sc_tname(vm, o));
    if (!neg && o->type != HD_T_BOOL)
        return ret(o, out);
    sc_err_t err;
    int rc = sc_num_unary(vm->h, neg ? UO_NEG : UO_POS, o, out, &err);
    if (!rc && o->type == HD_T_BOOL) { /* abs(True) is 1 */
        hd__decref(vm->h, *out);
        return sc_int_new(vm, ((hd_int_obj_t *)o)->size != 0, out);
    }
    return rc ? sc_raise_rc(vm, rc, &err) : 0;
}

/* iterate: calls fn for each item of an iterable (borrowed in the call);
 * fn returns 0 to go on, 1 to stop, -1 on error */
static int iterate(sc_vm_t *vm, hd_obj_t *iterable, int (*fn)(sc_vm_t *, hd_obj_t *, void *),
                   void *arg)
{
    hd_obj_t *it, *item;
    if (sc_iter(vm, iterable, &it))
        return -1;
    int rc = 0, r;
    while ((r = sc_next(vm, it, &item)) > 0) {
        rc = fn(vm, item, arg);
        hd__decref(vm->h, item);
        if (rc)
            break;
        if (--vm->tick <= 0 && sc_check_budget(vm)) {
            rc = -1;
            break;
        }
    }
    hd__decref(vm->h, it);
    if (r < 0)
        return -1;
    return rc < 0 ? -1 : 0;
}

typedef struct minmax {
    hd_obj_t *best, *best_key, *key;
    int op;
} minmax_t;

static int minmax_item(sc_vm_t *vm, hd_obj_t *item, void *arg)
{
    minmax_t *m = arg;
    hd_obj_t *k = item;
    if (m->key && sc_call(vm, m->key, &item, 1, NULL, &k))
        return -1;
    if (!m->key)
        hd__incref(k);
    if (m->best) {
        sc_err_t err;
        int better = sc_compare_bool(vm->h, m->op, k, m->best_key, &err);
        if (better < 0) {
            hd__decref(vm->h, k);
            return sc_raise_rc(vm, better, &err);
        }
        if (!better) {
            hd__decref(vm->h, k);
            return 0;
        }
        hd__decref(vm->h, m->best);
        hd__decref(vm->h, m->best_key);
    }
    hd__incref(item);
    m->best = item;
    m->best_key = k;
    return 0;
}

static int minmax(sc_vm_t *vm, const char *fname, int op, ARGS)
{
    static const char *const allowed[] = {"key", "default", NULL};
    if (sc_check_kwargs(vm, fname, kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    hd_obj_t *key = kwarg(args, nargs, kwnames, "key");
    hd_obj_t *dflt = kwarg(args, nargs, kwnames, "default");
    minmax_t m = {NULL, NULL, key && key != vm->h->none ? key : NULL, op};
    if (npos == 0)
        return sc_raise(vm, EXC_TYPEERROR, "%s expected at least 1 argument, got 0", fname);
    int rc = 0;
    if (npos == 1) {
        rc = iterate(vm, args[0], minmax_item, &m);
    } else {
        if (dflt)
            return sc_raise(vm, EXC_TYPEERROR,
                            "Cannot specify a default for %s() with multiple positional arguments",
                            fname);
        for (int i = 0; i < npos && !rc; i++)
            rc = minmax_item(vm, args[i], &m);
    }
    if (m.best_key)
        hd__decref(vm->h, m.best_key);
    if (rc) {
        hd__xdecref(vm->h, m.best);
        return -1;
    }
    if (!m.best) {
        if (dflt)
            return ret(dflt, out);
        return sc_raise(vm, EXC_VALUEERROR, "%s() arg is an empty sequence", fname);
    }
    *out = m.best;
    return 0;
}

static int bi_min(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return minmax(vm, "min", CO_LT, args, nargs, kwnames, out);
}

static int bi_max(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return minmax(vm, "max", CO_GT, args, nargs, kwnames, out);
}

static int sum_item(sc_vm_t *vm, hd_obj_t *item, void *arg)
{
    hd_obj_t **acc = arg, *r;
    if (sc_binary_op(vm, BO_ADD, false, *acc, item, &r))
        return -1;
    hd__decref(vm->h, *acc);
    *acc = r;
    return 0;
}

static int bi_sum(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    static const char *const allowed[] = {"start", NULL};
    (void)self;
    if ((kwnames && sc_kwtuple(vm, SC_BI_SUM, allowed)) ||
        sc_check_kwargs(vm, "sum", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    if (npos < 1 || npos > 2)
        return sc_arg_count(vm, "sum", npos, 1, 2);
    hd_obj_t *start = npos == 2 ? args[1] : kwarg(args, nargs, kwnames, "start"), *acc;
    if (start && start->type == HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "sum() can't sum strings [use ''.join(seq) instead]");
    if (start)
        hd__incref(acc = start);
    else if (sc_int_new(vm, 0, &acc))
        return -1;
    if (iterate(vm, args[0], sum_item, &acc)) {
        hd__decref(vm->h, acc);
        return -1;
    }
    *out = acc;
    return 0;
}

static int bi_sorted(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    static const char *const allowed[] = {"key", "reverse", NULL};
    (void)self;
    if ((kwnames && sc_kwtuple(vm, SC_BI_L_SORT, allowed)) ||
        sc_check_kwargs(vm, "sorted", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    if (npos != 1)
        return sc_raise(vm, EXC_TYPEERROR, "sorted expected 1 argument, got %d", npos);
    hd_obj_t *key = kwarg(args, nargs, kwnames, "key"),
             *rev = kwarg(args, nargs, kwnames, "reverse");
    hd_obj_t *l, *m;
    /* PySequence_List: a list from the free list, then list.extend */
    int rc = hd_list_new(vm->h, 0, NULL, &l);
    if (rc)
        return sc_nomem(vm, rc);
    if (sc_list_extend(vm, l, args[0])) {
        hd__decref(vm->h, l);
        return -1;
    }
    /* newlist.sort, looked up as an attribute: a bound method */
    if ((rc = hd__cmethod_new(vm->h, sc_builtin(vm, SC_BI_L_SORT), l, &m))) {
        hd__decref(vm->h, l);
        return sc_nomem(vm, rc);
    }
    hd__decref(vm->h, m);
    int r = rev ? sc_truth(vm, rev) : 0;
    if (r < 0 || sc_list_sort(vm, l, key && key != vm->h->none ? key : NULL, r == 1)) {
        hd__decref(vm->h, l);
        return -1;
    }
    *out = l;
    return 0;
}

static int bi_iter(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "iter", kwnames) || sc_arg_count(vm, "iter", nargs, 1, 1))
        return -1;
    return sc_iter(vm, args[0], out);
}

static int bi_next(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "next", kwnames) || sc_arg_count(vm, "next", nargs, 1, 2))
        return -1;
    int t = args[0]->type;
    if (t != HD_T_SEQITER && t != HD_T_RANGEITER && t != HD_T_DICTITER && t != HD_T_SETITER &&
        t != HD_T_ENUMERATE && t != HD_T_ZIP && t != HD_T_REVITER && t != HD_T_MAP &&
        t != HD_T_FILTER)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object is not an iterator", sc_tname(vm, args[0]));
    int r = sc_next(vm, args[0], out);
    if (r > 0)
        return 0;
    if (r < 0)
        return -1;
    if (nargs == 2)
        return ret(args[1], out);
    return sc_raise(vm, EXC_STOPITERATION, "%s", "");
}

static int attr_name(sc_vm_t *vm, hd_obj_t *n, char *buf, size_t len, const char *fname)
{
    if (n->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "%s(): attribute name must be string, not '%s'", fname,
                        sc_tname(vm, n));
    if ((size_t)hd_str_utf8(n, buf, len) >= len)
        return sc_raise(vm, EXC_ATTRIBUTEERROR, "attribute name too long");
    return 0;
}

static int bi_hasattr(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    char name[256];
    hd_obj_t *v;
    (void)self;
    if (sc_no_kwargs(vm, "hasattr", kwnames) || sc_arg_count(vm, "hasattr", nargs, 2, 2) ||
        attr_name(vm, args[1], name, sizeof(name), "hasattr"))
        return -1;
    if (sc_getattr(vm, args[0], name, NULL, &v) == 0) {
        hd__decref(vm->h, v);
        return ret_bool(vm, true, out);
    }
    if (vm->exc != EXC_ATTRIBUTEERROR)
        return -1;
    sc_clear_exc(vm);
    return ret_bool(vm, false, out);
}

static int bi_getattr(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    char name[256];
    (void)self;
    if (sc_no_kwargs(vm, "getattr", kwnames) || sc_arg_count(vm, "getattr", nargs, 2, 3) ||
        attr_name(vm, args[1], name, sizeof(name), "getattr"))
        return -1;
    if (sc_getattr(vm, args[0], name, NULL, out) == 0)
        return 0;
    if (nargs == 3 && vm->exc == EXC_ATTRIBUTEERROR) {
        sc_clear_exc(vm);
        return ret(args[2], out);
    }
    return -1;
}

static int bi_setattr(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    char name[256];
    (void)self;
    if (sc_no_kwargs(vm, "setattr", kwnames) || sc_arg_count(vm, "setattr", nargs, 3, 3) ||
        attr_name(vm, args[1], name, sizeof(name), "setattr") ||
        sc_setattr(vm, args[0], name, NULL, args[2]))
        return -1;
    return ret(vm->h->none, out);
}

static int bi_delattr(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    char name[256];
    (void)self;
    if (sc_no_kwargs(vm, "delattr", kwnames) || sc_arg_count(vm, "delattr", nargs, 2, 2) ||
        attr_name(vm, args[1], name, sizeof(name), "delattr") ||
        sc_setattr(vm, args[0], name, NULL, NULL))
        return -1;
    return ret(vm->h->none, out);
}

static int bi_callable(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "callable", kwnames) || sc_arg_count(vm, "callable", nargs, 1, 1))
        return -1;
    bool c = sc_callable(args[0]);
    if (!c && args[0]->type == HD_T_INSTANCE)
        c = sc_class_lookup(vm, hd_obj_class(vm->h, args[0]), "__call__") != NULL;
    return ret_bool(vm, c, out);
}

static int bi_hash(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    int64_t v;
    (void)self;
    if (sc_no_kwargs(vm, "hash", kwnames) || sc_arg_count(vm, "hash", nargs, 1, 1) ||
        sc_hash_of(vm, args[0], &v))
        return -1;
    return sc_int_ssize(vm, v, out);
}

static int bi_chr(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    int64_t v;
    (void)self;
    if (sc_no_kwargs(vm, "chr", kwnames) || sc_arg_count(vm, "chr", nargs, 1, 1) ||
        sc_index_arg(vm, args[0], &v))
        return -1;
    if (v < 0 || v > 0x10ffff)
        return sc_raise(vm, EXC_VALUEERROR, "chr() arg not in range(0x110000)");
    uint32_t c = (uint32_t)v;
    int rc = hd__str_from_cps(vm->h, &c, 1, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int bi_ord(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "ord", kwnames) || sc_arg_count(vm, "ord", nargs, 1, 1))
        return -1;
    hd_obj_t *s = args[0];
    if (s->type == HD_T_STR && hd_len(s) == 1)
        return sc_int_new(vm, hd__str_char(s, 0), out);
    if (s->type == HD_T_BYTES && hd_len(s) == 1)
        return sc_int_new(vm, (unsigned char)((hd_bytes_obj_t *)s)->data[0], out);
    if (s->type == HD_T_STR || s->type == HD_T_BYTES)
        return sc_raise(vm, EXC_TYPEERROR,
                        "ord() expected a character, but string of length %lld "
                        "found",
                        (long long)hd_len(s));
    return sc_raise(vm, EXC_TYPEERROR, "ord() expected string of length 1, but %s found",
                    sc_tname(vm, s));
}

static int allany_item(sc_vm_t *vm, hd_obj_t *item, void *arg)
{
    int *want = arg; /* want[0]: the truth that stops; want[1]: found */
    int t = sc_truth(vm, item);
    if (t < 0)
        return -1;
    if (t == want[0]) {
        want[1] = 1;
        return 1;
    }
    return 0;
}

static int allany(sc_vm_t *vm, const char *fname, int stop, ARGS)
{
    int want[2] = {stop, 0};
    if (sc_no_kwargs(vm, fname, kwnames) || sc_arg_count(vm, fname, nargs, 1, 1) ||
        iterate(vm, args[0], allany_item, want))
        return -1;
    return ret_bool(vm, stop ? want[1] : !want[1], out);
}

static int bi_all(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return allany(vm, "all", 0, args, nargs, kwnames, out);
}

static int bi_any(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return allany(vm, "any", 1, args, nargs, kwnames, out);
}

static int bi_format(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "format", kwnames) || sc_arg_count(vm, "format", nargs, 1, 2))
        return -1;
    if (nargs == 2 && args[1]->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "format() argument 2 must be str, not %s",
                        sc_tname(vm, args[1]));
    return sc_format(vm, args[0], nargs == 2 ? args[1] : NULL, out);
}

static int bi_build_class(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (kwnames && hd_len(kwnames))
        return sc_raise(vm, EXC_TYPEERROR,
                        "class keywords (metaclass=...) are not supported by the heap script "
                        "language");
    if (nargs < 2)
        return sc_raise(vm, EXC_TYPEERROR, "__build_class__: not enough arguments");
    return sc_build_class(vm, args[0], args[1], args + 2, nargs - 2, out);
}

/* ---- types ---- */

/* sc_list_new_generic: list() allocates with PyType_GenericAlloc (never
 * from the free list), tracked */
int sc_list_new_generic(sc_vm_t *vm, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(vm->h, HD_T_LIST, sizeof(hd_gc_t) + sizeof(hd_list_obj_t),
                           sizeof(hd_gc_t), &o);
    if (rc)
        return sc_nomem(vm, rc);
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    l->size = 0;
    l->items = NULL;
    l->allocated = 0;
    hd__gc_track(vm->h, o);
    *out = o;
    return 0;
}

int sc_dict_new_generic(sc_vm_t *vm, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(vm->h, HD_T_DICT, sizeof(hd_gc_t) + sizeof(hd_dict_obj_t),
                           sizeof(hd_gc_t), &o);
    if (rc)
        return sc_nomem(vm, rc);
    memset(HD_GC(o), 0, sizeof(hd_gc_t));
    hd_dict_obj_t *d = (hd_dict_obj_t *)o;
    d->used = 0;
    d->version = 0;
    d->keys = vm->h->empty_keys;
    d->values = NULL;
    *out = o;
    return 0;
}

static int int_from_str(sc_vm_t *vm, hd_obj_t *s, int base, hd_obj_t **out)
{
    size_t len;
    char *t = sc_str_utf8(vm, s, &len);
    if (!t)
        return sc_nomem(vm, HD_ENOMEM);
    char *p = t, *e = t + len;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
        e--;
    bool neg = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+'))
        p++;
    if (base == 0 || base == 16 || base == 8 || base == 2) {
        if (e - p > 2 && p[0] == '0' && strchr("xXoObB", p[1])) {
            int b = strchr("xX", p[1]) ? 16 : strchr("oO", p[1]) ? 8 : 2;
            if (base == 0 || base == b) {
                base = b;
                p += 2;
            }
        }
        if (base == 0)
            base = 10;
    }
    __int128 v = 0;
    bool ok = p < e, big = false;
    int64_t ndigits = 0;
    for (char *q = p; q < e && ok; q++) {
        if (*q == '_' && q > p && q + 1 < e && q[1] != '_')
            continue;
        int d = (*q >= '0' && *q <= '9')                   ? *q - '0'
                : (*q | 0x20) >= 'a' && (*q | 0x20) <= 'z' ? (*q | 0x20) - 'a' + 10
                                                           : 99;
        ok = d < base;
        ndigits++;
        if (!big)
            v = v * base + d;
        big |= v > (__int128)INT64_MAX;
    }
    int rc;
    /* 3.11's int max str digits (bases that are not powers of two) */
    if (ok && (base & (base - 1)) && ndigits > HD_INT_MAX_STR_DIGITS) {
        hd_mem_free(vm->h->mem, t);
        return sc_raise(vm, EXC_VALUEERROR,
                        "Exceeds the limit (%d digits) for integer string conversion: value has "
                        "%lld digits; use sys.set_int_max_str_digits() to increase the limit",
                        HD_INT_MAX_STR_DIGITS, (long long)ndigits);
    }
    if (!ok) {
        char shown[220];
        snprintf(shown, sizeof(shown), "%.200s", t);
        hd_mem_free(vm->h->mem, t);
        hd_obj_t *r;
        if (sc_str_new(vm, shown, strlen(shown), &r))
            return -1;
        sc_buf_t b = {0};
        rc = sc_repr_buf(vm, r, &b);
        hd__decref(vm->h, r);
        if (!rc)
            sc_raise(vm, EXC_VALUEERROR, "invalid literal for int() with base %d: %s", base, b.v);
        hd_mem_free(vm->h->mem, b.v);
        return -1;
    }
    hd_mem_free(vm->h->mem, t);
    if (big)
        return sc_raise(
            vm, EXC_OVERFLOWERROR,
            "int() of more than 18 digits is not supported by the heap script language");
    /* PyLong_FromString: _PyLong_New(ndigits), header + 4 per digit */
    return sc_int_rc(vm, hd_int_from_i64(vm->h, neg ? -(int64_t)v : (int64_t)v, out));
}

static int ty_int(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    static const char *const allowed[] = {"base", NULL};
    if (sc_check_kwargs(vm, "int", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    if (npos > 2)
        return sc_raise(vm, EXC_TYPEERROR, "int() takes at most 2 arguments (%d given)", npos);
    hd_obj_t *basearg = npos == 2 ? args[1] : kwarg(args, nargs, kwnames, "base");
    if (npos == 0)
        return sc_int_new(vm, 0, out);
    hd_obj_t *x = args[0];
    int64_t base = 10;
    if (basearg) {
        if (sc_index_arg(vm, basearg, &base))
            return -1;
        if (x->type != HD_T_STR)
            return sc_raise(vm, EXC_TYPEERROR, "int() can't convert non-string with explicit base");
        if (base != 0 && (base < 2 || base > 36))
            return sc_raise(vm, EXC_VALUEERROR, "int() base must be >= 2 and <= 36, or 0");
    }
    switch (x->type) {
    case HD_T_INT:
        return ret(x, out);
    case HD_T_BOOL:
        return sc_int_new(vm, ((hd_int_obj_t *)x)->size != 0, out);
    case HD_T_FLOAT: {
        double v = ((hd_float_obj_t *)x)->value;
        if (isnan(v))
            return sc_raise(vm, EXC_VALUEERROR, "cannot convert float NaN to integer");
        if (isinf(v))
            return sc_raise(vm, EXC_OVERFLOWERROR, "cannot convert float infinity to integer");
        return sc_int_from_double(vm, trunc(v), out);
    }
    case HD_T_STR:
        return int_from_str(vm, x, (int)base, out);
    }
    return sc_raise(vm, EXC_TYPEERROR,
                    "int() argument must be a string, a bytes-like object or a real number, not "
                    "'%s'",
                    sc_tname(vm, x));
}

static int ty_float(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "float", kwnames))
        return -1;
    if (nargs > 1)
        return sc_raise(vm, EXC_TYPEERROR, "float expected at most 1 argument, got %d", nargs);
    double v = 0;
    if (nargs == 1) {
        hd_obj_t *x = args[0];
        if (x->type == HD_T_FLOAT)
            return ret(x, out);
        if (x->type == HD_T_INT || x->type == HD_T_BOOL) {
            sc_float_of(x, &v);
            if (isinf(v))
                return sc_raise(vm, EXC_OVERFLOWERROR, "int too large to convert to float");
        } else if (x->type == HD_T_STR) {
            size_t len;
            char *t = sc_str_utf8(vm, x, &len), *end;
            if (!t)
                return sc_nomem(vm, HD_ENOMEM);
            v = strtod(t, &end);
            while (*end == ' ' || *end == '\n' || *end == '\t')
                end++;
            bool bad = end == t || *end;
            if (bad) {
                hd_obj_t *r;
                sc_buf_t b = {0};
                int rc = sc_repr(vm, x, &r);
                if (!rc) {
                    rc = sc_str_buf(vm, r, &b);
                    hd__decref(vm->h, r);
                }
                if (!rc)
                    sc_raise(vm, EXC_VALUEERROR, "could not convert string to float: %s", b.v);
                hd_mem_free(vm->h->mem, b.v);
                hd_mem_free(vm->h->mem, t);
                return -1;
            }
            hd_mem_free(vm->h->mem, t);
        } else {
            return sc_raise(vm, EXC_TYPEERROR,
                            "float() argument must be a string or a real number, not '%s'",
                            sc_tname(vm, x));
        }
    }
    int rc = hd_float_new(vm->h, v, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int ty_str(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "str", kwnames))
        return -1;
    if (nargs == 0)
        return sc_str_new(vm, "", 0, out);
    if (nargs == 2 && args[0]->type == HD_T_BYTES) {
        hd_bytes_obj_t *b = (hd_bytes_obj_t *)args[0];
        return sc_str_new(vm, b->data, (size_t)b->size, out);
    }
    if (nargs > 1)
        return sc_raise(vm, EXC_TYPEERROR, "str() takes at most 1 argument (%d given)", nargs);
    if (args[0]->type == HD_T_INT)
        return sc_int_str(vm, args[0], out);
    return sc_str(vm, args[0], out);
}

static int ty_bool(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "bool", kwnames) || (nargs > 1 && sc_arg_count(vm, "bool", nargs, 0, 1)))
        return -1;
    int t = nargs ? sc_truth(vm, args[0]) : 0;
    if (t < 0)
        return -1;
    return ret_bool(vm, t, out);
}

static int bytes_item(sc_vm_t *vm, hd_obj_t *item, void *arg)
{
    sc_buf_t *b = arg;
    int64_t v;
    if (sc_index_arg(vm, item, &v))
        return -1;
    if (v < 0 || v > 255)
        return sc_raise(vm, EXC_VALUEERROR, "bytes must be in range(0, 256)");
    char c = (char)v;
    return sc_buf_put(vm, b, &c, 1);
}

static int ty_bytes(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "bytes", kwnames))
        return -1;
    sc_buf_t b = {0};
    int rc = 0;
    if (nargs >= 1) {
        hd_obj_t *x = args[0];
        if (x->type == HD_T_STR) {
            if (nargs < 2) {
                return sc_raise(vm, EXC_TYPEERROR, "string argument without an encoding");
            }
            size_t len;
            char *t = sc_str_utf8(vm, x, &len);
            if (!t)
                return sc_nomem(vm, HD_ENOMEM);
            rc = sc_buf_put(vm, &b, t, len);
            hd_mem_free(vm->h->mem, t);
        } else if (x->type == HD_T_INT) {
            int64_t n;
            if (sc_index_arg(vm, x, &n))
                return -1;
            if (n < 0)
                return sc_raise(vm, EXC_VALUEERROR, "negative count");
            if (n > (1 << 28))
                return sc_raise(vm, EXC_MEMORYERROR, "%s", "");
            char *z = hd_mem_calloc(vm->h->mem, (size_t)n + 1, 1);
            if (!z)
                return sc_nomem(vm, HD_ENOMEM);
            rc = sc_buf_put(vm, &b, z, (size_t)n);
            hd_mem_free(vm->h->mem, z);
        } else if (x->type == HD_T_BYTES) {
            return ret(x, out);
        } else {
            rc = iterate(vm, x, bytes_item, &b);
        }
    }
    if (!rc) {
        int r = hd_bytes_new(vm->h, b.v ? b.v : "", b.n, out);
        rc = r ? sc_nomem(vm, r) : 0;
    }
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

static int ty_list(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "list", kwnames))
        return -1;
    if (nargs > 1)
        return sc_raise(vm, EXC_TYPEERROR, "list expected at most 1 argument, got %d", nargs);
    if (nargs == 0)
        return sc_list_new_generic(vm, out);
    return sc_list_from(vm, args[0], out);
}

static int ty_tuple(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "tuple", kwnames))
        return -1;
    if (nargs > 1)
        return sc_raise(vm, EXC_TYPEERROR, "tuple expected at most 1 argument, got %d", nargs);
    if (nargs == 0)
        return ret(vm->h->empty_tuple, out);
    if (args[0]->type == HD_T_TUPLE)
        return ret(args[0], out);
    int rc = sc_tuple_from_sized(vm, args[0], out); /* no list in between */
    if (rc <= 0)
        return rc;
    hd_obj_t *l;
    if (args[0]->type == HD_T_LIST) {
        l = args[0];
        hd__incref(l);
    } else if (sc_list_from(vm, args[0], &l)) {
        return -1;
    }
    hd_list_obj_t *lo = (hd_list_obj_t *)l;
    rc = hd_tuple_new(vm->h, (size_t)lo->size, lo->items, out);
    hd__decref(vm->h, l);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int dict_pair(sc_vm_t *vm, hd_obj_t *item, void *arg)
{
    hd_obj_t *d = arg, *kv[2];
    hd_obj_t *seq = item;
    if ((seq->type != HD_T_TUPLE && seq->type != HD_T_LIST) || hd_len(seq) != 2) {
        if (seq->type == HD_T_TUPLE || seq->type == HD_T_LIST)
            return sc_raise(vm, EXC_VALUEERROR,
                            "dictionary update sequence element #0 has length %lld; 2 is required",
                            (long long)hd_len(seq));
        return sc_raise(vm, EXC_TYPEERROR,
                        "cannot convert dictionary update sequence element #0 to a sequence");
    }
    hd_seq_getitem(seq, 0, &kv[0]);
    hd_seq_getitem(seq, 1, &kv[1]);
    return sc_setitem(vm, d, kv[0], kv[1]);
}

static int ty_dict(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    int npos = sc_npos_of(nargs, kwnames), nkw = nargs - npos;
    if (npos > 1)
        return sc_raise(vm, EXC_TYPEERROR, "dict expected at most 1 argument, got %d", npos);
    hd_obj_t *d = NULL;
    if (sc_dict_new_generic(vm, &d))
        return -1;
    int rc = 0;
    if (npos == 1) {
        hd_obj_t *src = sc_proxy_mapping(args[0]); /* dict(mappingproxy): its mapping's */
        if (src->type == HD_T_DICT) {
            int r = hd_dict_update(vm->h, d, src);
            rc = r == HD_ETYPE ? sc_raise(vm, EXC_TYPEERROR, "unhashable type")
                 : r           ? sc_nomem(vm, r)
                               : 0;
        } else {
            rc = iterate(vm, src, dict_pair, d);
        }
    }
    for (int i = 0; i < nkw && !rc; i++)
        rc = sc_setitem(vm, d, ((hd_tuple_obj_t *)kwnames)->items[i], args[npos + i]);
    if (rc) {
        hd__decref(vm->h, d);
        return -1;
    }
    *out = d;
    return 0;
}

static int set_item(sc_vm_t *vm, hd_obj_t *item, void *arg)
{
    int64_t hash;
    if (sc_hash_of(vm, item, &hash))
        return -1;
    int rc = hd_set_add(vm->h, arg, item);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* make_new_set: set(x) and frozenset(x) (set_vectorcall,
 * frozenset_vectorcall: no argument tuple); frozenset(fs) is fs */
static int new_set(sc_vm_t *vm, int type, ARGS)
{
    const char *name = type == HD_T_SET ? "set" : "frozenset";
    if (sc_no_kwargs(vm, name, kwnames))
        return -1;
    if (nargs > 1)
        return sc_raise(vm, EXC_TYPEERROR, "%s expected at most 1 argument, got %d", name, nargs);
    if (nargs && type == HD_T_FROZENSET && args[0]->type == HD_T_FROZENSET) {
        hd__incref(*out = args[0]);
        return 0;
    }
    hd_obj_t *s;
    int rc = hd__set_new_type(vm->h, type, 0, NULL, &s);
    if (rc)
        return sc_nomem(vm, rc);
    bool anyset = nargs && (args[0]->type == HD_T_SET || args[0]->type == HD_T_FROZENSET);
    /* set_update_internal: a set merges, a dict presizes, else iterated */
    if (anyset)
        rc = hd__set_update(vm->h, s, args[0]);
    else if (nargs && args[0]->type == HD_T_DICT)
        rc = hd__set_update_dict(vm->h, s, args[0]);
    if (rc) {
        hd__decref(vm->h, s);
        return sc_nomem(vm, rc);
    }
    if (nargs && !anyset && args[0]->type != HD_T_DICT && iterate(vm, args[0], set_item, s)) {
        hd__decref(vm->h, s);
        return -1;
    }
    *out = s;
    return 0;
}

static int ty_set(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return new_set(vm, HD_T_SET, args, nargs, kwnames, out);
}

static int ty_frozenset(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    return new_set(vm, HD_T_FROZENSET, args, nargs, kwnames, out);
}

static int ty_object(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self, (void)args;
    if (nargs || (kwnames && hd_len(kwnames)))
        return sc_raise(vm, EXC_TYPEERROR, "object() takes no arguments");
    int rc = hd_object_new(vm->h, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int ty_type(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "type", kwnames))
        return -1;
    if (nargs == 3)
        return sc_raise(vm, EXC_TYPEERROR,
                        "type(name, bases, dict) is not supported by the heap script language");
    if (nargs != 1)
        return sc_raise(vm, EXC_TYPEERROR, "type() takes 1 or 3 arguments");
    return ret(sc_type_of(vm, args[0]), out);
}

static int ty_range(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "range", kwnames))
        return -1;
    if (nargs < 1 || nargs > 3)
        return sc_raise(vm, EXC_TYPEERROR,
                        nargs < 1 ? "range expected at least 1 argument, got %d"
                                  : "range expected at most 3 arguments, got %d",
                        nargs);
    int64_t v[3] = {0, 0, 1};
    for (int i = 0; i < nargs; i++)
        if (sc_index_arg(vm, args[i], &v[nargs == 1 ? 1 : i]))
            return -1;
    if (v[2] == 0)
        return sc_raise(vm, EXC_VALUEERROR, "range() arg 3 must not be zero");
    int rc = hd__range_new(vm->h, v[0], v[1], v[2], out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int ty_slice(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "slice", kwnames) || sc_arg_count(vm, "slice", nargs, 1, 3))
        return -1;
    hd_obj_t *a = nargs == 1 ? NULL : args[0], *b = nargs == 1 ? args[0] : args[1];
    int rc = hd__slice_new(vm->h, a, b, nargs == 3 ? args[2] : NULL, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* enumerate(iterable, start=0) */
static int ty_enumerate(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    static const char *const allowed[] = {"iterable", "start", NULL};
    (void)self;
    if (sc_check_kwargs(vm, "enumerate", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    hd_obj_t *it = npos ? args[0] : kwarg(args, nargs, kwnames, "iterable");
    hd_obj_t *st = npos > 1 ? args[1] : kwarg(args, nargs, kwnames, "start");
    if (!it || npos > 2)
        return sc_raise(vm, EXC_TYPEERROR,
                        npos > 2 ? "enumerate() takes at most 2 arguments (%d given)"
                                 : "enumerate() missing required argument 'iterable' (pos 1)",
                        npos);
    int64_t start = 0;
    if (st && sc_index_arg(vm, st, &start))
        return -1;
    /* enum_new_impl: tp_alloc (tracked at once), then the iterator, then
     * the result tuple: the order of generation 0 and of the garbage */
    hd_obj_t *en, *sit;
    int rc = hd__enum_alloc(vm->h, start, &en);
    if (rc)
        return sc_nomem(vm, rc);
    if (sc_iter(vm, it, &sit)) {
        hd__decref(vm->h, en);
        return -1;
    }
    rc = hd__enum_init(vm->h, en, sit);
    hd__decref(vm->h, sit);
    if (rc) {
        hd__decref(vm->h, en);
        return sc_nomem(vm, rc);
    }
    *out = en;
    return 0;
}

/* zip(*iterables, strict=False): 3.11 calls it through tp_call (an
 * argument tuple), and zip_new makes the tuple of iterators before them */
static int ty_zip(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    static const char *const allowed[] = {"strict", NULL};
    (void)self;
    if (sc_check_kwargs(vm, "zip", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    hd_obj_t *strict = kwarg(args, nargs, kwnames, "strict"), *none[64], *t, *calltuple;
    if (npos > 64)
        return sc_raise(vm, EXC_TYPEERROR, "zip() of more than 64 iterables is not supported");
    int s = strict ? sc_truth(vm, strict) : 0;
    if (s < 0)
        return -1;
    for (int i = 0; i < npos; i++)
        none[i] = vm->h->none;
    int rc = hd_tuple_new(vm->h, (size_t)npos, args, &calltuple);
    if (rc)
        return sc_nomem(vm, rc);
    if ((rc = hd_tuple_new(vm->h, (size_t)npos, none, &t))) {
        hd__decref(vm->h, calltuple);
        return sc_nomem(vm, rc);
    }
    for (int i = 0; i < npos; i++) {
        hd_obj_t *it;
        if (sc_iter(vm, args[i], &it)) {
            hd__decref(vm->h, t);
            hd__decref(vm->h, calltuple);
            return -1;
        }
        ((hd_tuple_obj_t *)t)->items[i] = it; /* in place of None */
        hd__decref(vm->h, vm->h->none);
    }
    rc = hd__zip_new(vm->h, t, s == 1, out);
    hd__decref(vm->h, calltuple);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* reversed(sequence) */
static int ty_reversed(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "reversed", kwnames) || sc_arg_count(vm, "reversed", nargs, 1, 1))
        return -1;
    hd_obj_t *seq = args[0];
    if (seq->type == HD_T_RANGE) { /* range.__reversed__: a range_iterator */
        hd_range_obj_t *r = (hd_range_obj_t *)seq;
        int64_t last = r->start + (r->length - 1) * r->step;
        hd_obj_t *rr, *it;
        int rc = hd__range_new(vm->h, last, last - r->length * r->step, -r->step, &rr);
        if (rc)
            return sc_nomem(vm, rc);
        rc = hd__iter_new(vm->h, rr, &it);
        hd__decref(vm->h, rr);
        if (rc)
            return sc_nomem(vm, rc);
        *out = it;
        return 0;
    }
    if (seq->type != HD_T_LIST && seq->type != HD_T_TUPLE && seq->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object is not reversible", sc_tname(vm, seq));
    int rc = hd__reviter_new(vm->h, seq, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* map(func, *iterables): map_vectorcall (no argument tuple): the tuple of
 * iterators, each iterator, then the object */
static int ty_map(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "map", kwnames))
        return -1;
    if (nargs < 2)
        return sc_raise(vm, EXC_TYPEERROR, "map() must have at least two arguments.");
    hd_obj_t *t;
    int rc = hd__tuple_new_filled(vm->h, (size_t)nargs - 1, vm->h->none, &t);
    if (rc)
        return sc_nomem(vm, rc);
    for (int i = 1; i < nargs; i++) {
        hd_obj_t *it;
        if (sc_iter(vm, args[i], &it)) {
            hd__decref(vm->h, t);
            return -1;
        }
        ((hd_tuple_obj_t *)t)->items[i - 1] = it; /* in place of None */
        hd__decref(vm->h, vm->h->none);
    }
    rc = hd__map_new(vm->h, args[0], t, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* filter(function or None, iterable): filter_vectorcall: the iterator,
 * then the object */
static int ty_filter(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "filter", kwnames) || sc_arg_count(vm, "filter", nargs, 2, 2))
        return -1;
    hd_obj_t *it;
    if (sc_iter(vm, args[1], &it))
        return -1;
    int rc = hd__filter_new(vm->h, args[0], it, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* ---- the table ---- */

const sc_builtin_def_t sc_builtin_defs[SC_NBUILTINS] = {
#define SC_BI_DEF(id, name, kind, module, owner, flags, fn)                                        \
    [SC_BI_##id] = {name, kind, module, owner, flags, fn},
    SC_BUILTINS(SC_BI_DEF)
#undef SC_BI_DEF
};
