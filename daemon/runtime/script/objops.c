/*
 * objops.c: the VM's operations on objects where program code or
 * program-visible state can take part: binary operators (list += any
 * iterable), truth (__bool__, __len__), comparisons (__eq__, __lt__ ... of
 * classes), subscripts (__getitem__ of classes), iteration, len(), hash()
 * (__hash__ of classes), and list(x) / list.extend(x) with CPython 3.11's
 * allocation rules. Everything without program code is in ops.c.
 */
#include <string.h>

#include "ast.h"
#include "impl.h"
#include "vm.h"

static int hdrc(sc_vm_t *vm, int rc)
{
    return rc ? sc_nomem(vm, rc) : 0;
}

/* dunder: calls cls.name(self, *args) when the class defines it: 1 with
 * the result, 0 when it does not, -1 on error */
static int dunder(sc_vm_t *vm, hd_obj_t *self, const char *name, hd_obj_t *const *args, int nargs,
                  hd_obj_t **out)
{
    if (self->type != HD_T_INSTANCE)
        return 0;
    hd_obj_t *fn = sc_class_lookup(vm, hd_obj_class(vm->h, self), name);
    if (!fn || fn->type != HD_T_FUNCTION)
        return 0;
    hd_obj_t *argv[4] = {self};
    for (int i = 0; i < nargs && i < 3; i++)
        argv[i + 1] = args[i];
    return sc_call(vm, fn, argv, nargs + 1, NULL, out) ? -1 : 1;
}

static const char *const binop_names[] = {
    "__add__", "__sub__",    "__mul__",    "__matmul__", "__truediv__", "__floordiv__", "__mod__",
    "__pow__", "__lshift__", "__rshift__", "__and__",    "__or__",      "__xor__"};

int sc_binary_op(sc_vm_t *vm, int op, bool inplace, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    if (a->type == HD_T_INSTANCE) {
        int r = dunder(vm, a, binop_names[op], &b, 1, out);
        if (r)
            return r < 0 ? -1 : 0;
    }
    if (op == BO_MOD && a->type == HD_T_STR)
        return sc_percent_format(vm, a, b, out);
    sc_err_t err;
    int rc = sc_binary(vm->h, op, a, b, inplace, out, &err);
    if (rc == 1) { /* list += an iterable that is not a list or tuple */
        if (sc_list_extend(vm, a, b))
            return -1;
        hd__incref(a);
        *out = a;
        return 0;
    }
    if (rc)
        return sc_raise_rc(vm, rc, &err);
    return 0;
}

int sc_truth(sc_vm_t *vm, hd_obj_t *o)
{
    if (o->type == HD_T_INSTANCE) {
        hd_obj_t *r;
        int d = dunder(vm, o, "__bool__", NULL, 0, &r);
        if (d == 0)
            d = dunder(vm, o, "__len__", NULL, 0, &r);
        if (d < 0)
            return -1;
        if (d > 0) {
            int t = sc_truthy(vm->h, r);
            bool ok = r->type == HD_T_BOOL || r->type == HD_T_INT;
            hd__decref(vm->h, r);
            if (!ok)
                return sc_raise(vm, EXC_TYPEERROR, "__bool__ should return bool, returned %s",
                                "object");
            return t;
        }
    }
    return sc_truthy(vm->h, o);
}

int sc_compare_op(sc_vm_t *vm, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    static const char *const names[] = {"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"};
    static const int swapped[] = {CO_GT, CO_GE, CO_EQ, CO_NE, CO_LT, CO_LE};
    if (a->type == HD_T_INSTANCE || b->type == HD_T_INSTANCE) {
        int r = dunder(vm, a, names[op], &b, 1, out);
        if (r == 0 && b->type == HD_T_INSTANCE)
            r = dunder(vm, b, names[swapped[op]], &a, 1, out);
        if (r == 0 && op == CO_NE) {
            hd_obj_t *eq;
            r = dunder(vm, a, "__eq__", &b, 1, &eq);
            if (r > 0) {
                int t = sc_truth(vm, eq);
                hd__decref(vm->h, eq);
                if (t < 0)
                    return -1;
                hd_bool(vm->h, !t, out);
                return 0;
            }
        }
        if (r)
            return r < 0 ? -1 : 0;
    }
    sc_err_t err;
    int rc = sc_compare(vm->h, op, a, b, out, &err);
    return rc ? sc_raise_rc(vm, rc, &err) : 0;
}

int sc_hash_of(sc_vm_t *vm, hd_obj_t *o, int64_t *out)
{
    if (o->type == HD_T_INSTANCE) {
        hd_obj_t *cls = hd_obj_class(vm->h, o);
        hd_obj_t *eq = sc_class_lookup(vm, cls, "__eq__"),
                 *hf = sc_class_lookup(vm, cls, "__hash__");
        if (eq && (!hf || hf == vm->h->none))
            return sc_raise(vm, EXC_TYPEERROR, "unhashable type: '%s'", sc_tname(vm, o));
    }
    sc_err_t err;
    int rc = sc_hash(vm->h, o, out, &err);
    return rc ? sc_raise_rc(vm, rc, &err) : 0;
}

int sc_getitem(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *key, hd_obj_t **out)
{
    if (o->type == HD_T_DICTVIEW && o->aux == HD_DICT_PROXY) /* mappingproxy_getitem */
        o = ((hd_dictview_obj_t *)o)->dict;
    if (o->type == HD_T_INSTANCE) {
        int r = dunder(vm, o, "__getitem__", &key, 1, out);
        if (r)
            return r < 0 ? -1 : 0;
    }
    if (o->type == HD_T_DICT) {
        int64_t hash;
        if (sc_hash_of(vm, key, &hash))
            return -1;
    }
    sc_err_t err;
    int rc = sc_const_subscript(vm->h, o, key, out, &err);
    if (rc == SC_EXC && err.type == EXC_TYPEERROR && o->type == HD_T_CLASS)
        return sc_raise(vm, EXC_TYPEERROR, "type '%s' is not subscriptable", hd_class_name(o));
    return rc ? sc_raise_rc(vm, rc, &err) : 0;
}

static int list_resize(sc_vm_t *vm, hd_list_obj_t *l, int64_t newsize);

/* list_del_ext: del a[i:j:k] (k != 1) as list_ass_subscript does it: the
 * removed items go to a PyMem block, the others move down, the list
 * resizes, then the removed ones are released in order */
static int list_del_ext(sc_vm_t *vm, hd_list_obj_t *a, int64_t start, int64_t stop, int64_t step,
                        int64_t n)
{
    if (n <= 0)
        return 0;
    if (step < 0) {
        stop = start + 1;
        start = stop + step * (n - 1) - 1;
        step = -step;
    }
    hd_obj_t **garbage;
    if (hdrc(vm, hd__block_alloc(vm->h, (size_t)n * 8, hd__type_kind(vm->h, HD_T_LIST),
                                 (void **)&garbage)))
        return -1;
    int64_t cur = start, i = 0;
    for (; cur < stop; cur += step, i++) {
        int64_t lim = step - 1;
        garbage[i] = a->items[cur];
        if (cur + step >= a->size)
            lim = a->size - cur - 1;
        memmove(&a->items[cur - i], &a->items[cur + 1], (size_t)lim * 8);
    }
    cur = start + n * step;
    if (cur < a->size)
        memmove(&a->items[cur - n], &a->items[cur], (size_t)(a->size - cur) * 8);
    a->size -= n;
    int rc = list_resize(vm, a, a->size);
    for (i = 0; i < n; i++)
        hd__decref(vm->h, garbage[i]);
    hd__block_free(vm->h, garbage);
    return rc;
}

/* list_ass_ext: a[i:j:k] = value (k != 1), or its deletion, as
 * list_ass_subscript does it: PySequence_Fast of the value (an iterator,
 * then a list of it, unless it is a list or tuple; a copy of the list
 * itself), the lengths must agree, the old items go to a PyMem block while
 * the new ones are stored, then they are released in order */
static int list_ass_ext(sc_vm_t *vm, hd_list_obj_t *a, int64_t start, int64_t stop, int64_t step,
                        int64_t n, hd_obj_t *value)
{
    if (!value)
        return list_del_ext(vm, a, start, stop, step, n);
    hd_obj_t *seq, *it;
    if (value == &a->h) { /* a[::-1] = a: list_slice(a, 0, len) */
        if (hdrc(vm, sc_list_prealloc(vm->h, a->size, &seq)))
            return -1;
        hd_list_obj_t *c = (hd_list_obj_t *)seq;
        for (int64_t i = 0; i < a->size; i++)
            hd__incref(c->items[i] = a->items[i]);
        c->size = a->size;
    } else if (value->type == HD_T_LIST || value->type == HD_T_TUPLE) {
        hd__incref(seq = value);
    } else {
        if (sc_iter(vm, value, &it)) {
            if (vm->exc != EXC_TYPEERROR)
                return -1;
            sc_clear_exc(vm);
            return sc_raise(vm, EXC_TYPEERROR, "must assign iterable to extended slice");
        }
        int rc = sc_list_from(vm, it, &seq);
        hd__decref(vm->h, it);
        if (rc)
            return -1;
    }
    int64_t m = hd_len(seq);
    if (m != n) {
        hd__decref(vm->h, seq);
        return sc_raise(vm, EXC_VALUEERROR,
                        "attempt to assign sequence of size %lld to extended slice of size %lld",
                        (long long)m, (long long)n);
    }
    if (!n) {
        hd__decref(vm->h, seq);
        return 0;
    }
    hd_obj_t **garbage;
    if (hdrc(vm, hd__block_alloc(vm->h, (size_t)n * 8, hd__type_kind(vm->h, HD_T_LIST),
                                 (void **)&garbage))) {
        hd__decref(vm->h, seq);
        return -1;
    }
    hd_obj_t **items =
        seq->type == HD_T_LIST ? ((hd_list_obj_t *)seq)->items : ((hd_tuple_obj_t *)seq)->items;
    int64_t cur = start;
    for (int64_t i = 0; i < n; cur += step, i++) {
        garbage[i] = a->items[cur];
        hd__incref(a->items[cur] = items[i]);
    }
    for (int64_t i = 0; i < n; i++)
        hd__decref(vm->h, garbage[i]);
    hd__block_free(vm->h, garbage);
    hd__decref(vm->h, seq);
    return 0;
}

/* list_ass_slice: 3.11's: the removed items are kept aside (in a temporary
 * block past 8 of them), the tail moves, the list resizes, the new items go
 * in, and the removed ones are released last, from the end */
static int list_ass_slice(sc_vm_t *vm, hd_obj_t *list, hd_obj_t *slice, hd_obj_t *value)
{
    int64_t ilow, ihigh, step, n = 0;
    sc_err_t err;
    hd_list_obj_t *a = (hd_list_obj_t *)list;
    if (sc_slice_indices(vm->h, slice, a->size, &ilow, &ihigh, &step, &n, &err))
        return sc_raise_rc(vm, SC_EXC, &err);
    if (step != 1)
        return list_ass_ext(vm, a, ilow, ihigh, step, n, value);
    hd_obj_t *sf = NULL, **vitem = NULL;
    n = 0;
    if (value) {
        /* PySequence_Fast (a[i:j] = a copies a first) */
        if ((value->type == HD_T_LIST && value != list) || value->type == HD_T_TUPLE)
            hd__incref(sf = value);
        else if (sc_list_from(vm, value, &sf))
            return -1;
        n = hd_len(sf);
        vitem =
            sf->type == HD_T_LIST ? ((hd_list_obj_t *)sf)->items : ((hd_tuple_obj_t *)sf)->items;
    }
    if (ihigh < ilow)
        ihigh = ilow;
    int64_t norig = ihigh - ilow, d = n - norig;
    if (a->size + d == 0) {
        hd__xdecref(vm->h, sf);
        return hdrc(vm, hd_list_clear(vm->h, list));
    }
    hd_obj_t *stack[8], **recycle = stack;
    if (norig > 8 &&
        hdrc(vm, hd__block_alloc(vm->h, (size_t)norig * 8, hd__type_kind(vm->h, HD_T_LIST),
                                 (void **)&recycle))) {
        hd__xdecref(vm->h, sf);
        return -1;
    }
    if (norig)
        memcpy(recycle, &a->items[ilow], (size_t)norig * 8);
    int rc = 0;
    if (d < 0) {
        memmove(&a->items[ihigh + d], &a->items[ihigh], (size_t)(a->size - ihigh) * 8);
        rc = list_resize(vm, a, a->size + d);
    } else if (d > 0) {
        int64_t k = a->size;
        if (!(rc = list_resize(vm, a, k + d)))
            memmove(&a->items[ihigh + d], &a->items[ihigh], (size_t)(k - ihigh) * 8);
    }
    if (!rc) {
        for (int64_t k = 0; k < n; k++, ilow++)
            hd__incref(a->items[ilow] = vitem[k]);
        for (int64_t k = norig - 1; k >= 0; --k)
            hd__decref(vm->h, recycle[k]);
    }
    if (recycle != stack)
        hd__block_free(vm->h, recycle);
    hd__xdecref(vm->h, sf);
    return rc;
}

static int key_error(sc_vm_t *vm, hd_obj_t *key)
{
    sc_buf_t b = {0};
    if (sc_repr_buf(vm, key, &b) == 0)
        sc_raise(vm, EXC_KEYERROR, "%s", b.v);
    hd_mem_free(vm->h->mem, b.v);
    return -1;
}

int sc_setitem(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *key, hd_obj_t *value)
{
    switch (o->type) {
    case HD_T_LIST: {
        if (key->type == HD_T_SLICE)
            return list_ass_slice(vm, o, key, value);
        int64_t i;
        sc_err_t err;
        if (sc_index(vm->h, key, "list", &i, &err))
            return sc_raise_rc(vm, SC_EXC, &err);
        int rc = value ? hd_list_setitem(vm->h, o, i, value) : hd_list_delitem(vm->h, o, i);
        if (rc == HD_EKEY)
            return sc_raise(vm, EXC_INDEXERROR,
                            value ? "list assignment index out of range"
                                  : "list assignment index out of range");
        return hdrc(vm, rc);
    }
    case HD_T_DICT: {
        int64_t hash;
        if (sc_hash_of(vm, key, &hash))
            return -1;
        int rc = value ? hd_dict_setitem(vm->h, o, key, value) : hd_dict_delitem(vm->h, o, key);
        if (rc == HD_EKEY)
            return key_error(vm, key);
        return hdrc(vm, rc);
    }
    case HD_T_INSTANCE: {
        hd_obj_t *r, *argv[2] = {key, value};
        int d = value ? dunder(vm, o, "__setitem__", argv, 2, &r)
                      : dunder(vm, o, "__delitem__", argv, 1, &r);
        if (d > 0)
            hd__decref(vm->h, r);
        if (d)
            return d < 0 ? -1 : 0;
        break;
    }
    }
    if (!value) {
        /* PyObject_DelItem: a type with sequence methods given an index
         * goes to PySequence_DelItem, which says "doesn't"; any other
         * refusal (a mappingproxy given a str key) says "does not" */
        bool seq = o->type == HD_T_STR || o->type == HD_T_BYTES || o->type == HD_T_TUPLE ||
                   o->type == HD_T_SET || o->type == HD_T_RANGE || o->type == HD_T_DICTVIEW ||
                   o->type == HD_T_INSTANCE;
        bool index = key->type == HD_T_INT || key->type == HD_T_BOOL;
        return sc_raise(vm, EXC_TYPEERROR,
                        seq && index ? "'%s' object doesn't support item deletion"
                                     : "'%s' object does not support item deletion",
                        sc_tname(vm, o));
    }
    return sc_raise(vm, EXC_TYPEERROR, "'%s' object does not support item assignment",
                    sc_tname(vm, o));
}

int sc_iter(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    if (o->type == HD_T_ENUMERATE || o->type == HD_T_ZIP || o->type == HD_T_REVITER ||
        o->type == HD_T_MAP || o->type == HD_T_FILTER) {
        hd__incref(o); /* an iterator is its own iterator */
        *out = o;
        return 0;
    }
    int rc = hd__iter_new(vm->h, o, out);
    if (rc == HD_ETYPE)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object is not iterable", sc_tname(vm, o));
    return hdrc(vm, rc);
}

/* enum_next: enumerate's next, reusing its result tuple while no one else
 * holds it (and tracking it again if a collection untracked it) */
static int enum_next(sc_vm_t *vm, hd_enum_obj_t *e, hd_obj_t **out)
{
    hd_obj_t *item, *index, *res = e->result;
    int rc = sc_next(vm, e->sit, &item);
    if (rc <= 0)
        return rc;
    if (hd__int_from_long(vm->h, e->index, &index)) {
        hd__decref(vm->h, item);
        return sc_nomem(vm, HD_ENOMEM);
    }
    e->index++;
    if (res && res->refcnt == 1) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)res;
        hd_obj_t *old_index = t->items[0], *old_item = t->items[1];
        hd__incref(res);
        t->items[0] = index;
        t->items[1] = item;
        hd__decref(vm->h, old_index);
        hd__decref(vm->h, old_item);
        if (!hd_obj_is_tracked(res))
            hd__gc_track(vm->h, res);
        *out = res;
        return 1;
    }
    hd_obj_t *pair[2] = {index, item};
    rc = hd_tuple_new(vm->h, 2, pair, out);
    hd__decref(vm->h, index);
    hd__decref(vm->h, item);
    return rc ? sc_nomem(vm, rc) : 1;
}

/* zip_next: zip's next, as zip_next (a strict zip checks the lengths) */
static int zip_next(sc_vm_t *vm, hd_zip_obj_t *z, hd_obj_t **out)
{
    int64_t n = z->tuplesize;
    if (n == 0)
        return 0;
    hd_tuple_obj_t *its = (hd_tuple_obj_t *)z->ittuple;
    hd_obj_t *res = z->result, *none[64] = {NULL};
    bool reuse = res && res->refcnt == 1;
    if (reuse) {
        hd__incref(res);
    } else {
        for (int64_t i = 0; i < n && i < 64; i++)
            none[i] = vm->h->none;
        if (hd_tuple_new(vm->h, (size_t)n, none, &res))
            return sc_nomem(vm, HD_ENOMEM);
    }
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)res;
    for (int64_t i = 0; i < n; i++) {
        hd_obj_t *item;
        int rc = sc_next(vm, its->items[i], &item);
        if (rc <= 0) {
            hd__decref(vm->h, res);
            if (rc == 0 && z->strict && i > 0)
                return sc_raise(vm, EXC_VALUEERROR,
                                "zip() argument %lld is shorter than argument%s%lld",
                                (long long)i + 1, i == 1 ? " " : "s 1-", (long long)i);
            return rc;
        }
        hd_obj_t *old = t->items[i];
        t->items[i] = item;
        hd__decref(vm->h, old);
    }
    if (reuse && !hd_obj_is_tracked(res))
        hd__gc_track(vm->h, res);
    *out = res;
    return 1;
}

static int reviter_next(sc_vm_t *vm, hd_reviter_obj_t *r, hd_obj_t **out)
{
    hd_obj_t *seq = r->seq;
    if (seq && r->index >= 0 && r->index < hd_len(seq)) {
        int rc;
        if (seq->type == HD_T_STR) {
            uint32_t c = hd__str_char(seq, r->index);
            rc = hd__str_from_cps(vm->h, &c, 1, out);
        } else if (!(rc = hd_seq_getitem(seq, r->index, out))) {
            hd__incref(*out); /* list and tuple items are borrowed */
        }
        if (rc)
            return sc_nomem(vm, rc);
        r->index--;
        return 1;
    }
    r->index = -1;
    r->seq = NULL;
    hd__xdecref(vm->h, seq);
    return 0;
}

/* map_next: one item of each iterator, then func(*items); more than five
 * iterators take their argument array from PyMem_Malloc (a block) instead
 * of the C stack, as map_next does */
static int map_next(sc_vm_t *vm, hd_map_obj_t *m, hd_obj_t **out)
{
    hd_tuple_obj_t *its = (hd_tuple_obj_t *)m->iters;
    int64_t n = its->h.type == HD_T_TUPLE ? hd_len(m->iters) : 0, got = 0;
    hd_obj_t *small[5], **stack = small;
    void *big = NULL;
    if (n > 5) {
        int rc = hd__block_alloc(vm->h, (size_t)n * sizeof(hd_obj_t *),
                                 hd__type_kind(vm->h, HD_T_MAP), &big);
        if (rc)
            return sc_nomem(vm, rc);
        stack = big;
    }
    int r = 1;
    for (; got < n; got++)
        if ((r = sc_next(vm, its->items[got], &stack[got])) <= 0)
            break;
    if (r > 0)
        r = sc_call(vm, m->func, stack, (int)n, NULL, out) ? -1 : 1;
    for (int64_t i = 0; i < got; i++)
        hd__decref(vm->h, stack[i]);
    if (big)
        hd__block_free(vm->h, big);
    return r;
}

/* filter_next: the next item for which func(item) is true (the item's own
 * truth when func is None or bool) */
static int filter_next(sc_vm_t *vm, hd_filter_obj_t *f, hd_obj_t **out)
{
    bool checktrue =
        f->func == vm->h->none ||
        (f->func->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)f->func)->index == SC_BI_T_BOOL);
    for (;;) {
        hd_obj_t *item, *good;
        int ok, r = sc_next(vm, f->it, &item);
        if (r <= 0)
            return r;
        if (checktrue) {
            ok = sc_truth(vm, item);
        } else {
            if (sc_call(vm, f->func, &item, 1, NULL, &good)) {
                hd__decref(vm->h, item);
                return -1;
            }
            ok = sc_truth(vm, good);
            hd__decref(vm->h, good);
        }
        if (ok > 0) {
            *out = item;
            return 1;
        }
        hd__decref(vm->h, item);
        if (ok < 0 || (--vm->tick <= 0 && sc_check_budget(vm)))
            return -1;
    }
}

int sc_next(sc_vm_t *vm, hd_obj_t *it, hd_obj_t **out)
{
    /* the runtime's iterators (list, range, dict, ...) come first: one
     * comparison, as before map and filter were added */
    if (HD_UNLIKELY(it->type >= HD_T_ENUMERATE)) {
        switch (it->type) {
        case HD_T_ENUMERATE:
            return enum_next(vm, (hd_enum_obj_t *)it, out);
        case HD_T_ZIP:
            return zip_next(vm, (hd_zip_obj_t *)it, out);
        case HD_T_REVITER:
            return reviter_next(vm, (hd_reviter_obj_t *)it, out);
        case HD_T_MAP:
            return map_next(vm, (hd_map_obj_t *)it, out);
        case HD_T_FILTER:
            return filter_next(vm, (hd_filter_obj_t *)it, out);
        }
    }
    int rc = hd__iter_next(vm->h, it, out);
    if (rc >= 0)
        return rc;
    if (rc == HD_EVALUE)
        return sc_raise(vm, EXC_RUNTIMEERROR,
                        it->type == HD_T_SETITER ? "Set changed size during iteration"
                                                 : "dictionary changed size during iteration");
    if (rc == HD_ETYPE)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object is not an iterator", sc_tname(vm, it));
    return sc_nomem(vm, rc);
}

int sc_len(sc_vm_t *vm, hd_obj_t *o, int64_t *out)
{
    int64_t n = hd_len(o);
    if (n >= 0) {
        *out = n;
        return 0;
    }
    if (o->type == HD_T_RANGE) {
        *out = ((hd_range_obj_t *)o)->length;
        return 0;
    }
    if (o->type == HD_T_DICTVIEW) {
        *out = hd_len(((hd_dictview_obj_t *)o)->dict);
        return 0;
    }
    hd_obj_t *r;
    int d = dunder(vm, o, "__len__", NULL, 0, &r);
    if (d < 0)
        return -1;
    if (d > 0) {
        int64_t v;
        bool ok = (r->type == HD_T_INT || r->type == HD_T_BOOL) && hd_int_to_i64(r, &v) == 0;
        hd__decref(vm->h, r);
        if (!ok)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                            "object");
        if (v < 0)
            return sc_raise(vm, EXC_VALUEERROR, "__len__() should return >= 0");
        *out = v;
        return 0;
    }
    return sc_raise(vm, EXC_TYPEERROR, "object of type '%s' has no len()", sc_tname(vm, o));
}

/* ---- list(x) and list.extend(x) ---- */

static bool has_len(const hd_obj_t *o)
{
    return o->type == HD_T_LIST || o->type == HD_T_TUPLE || o->type == HD_T_STR ||
           o->type == HD_T_BYTES || o->type == HD_T_DICT || o->type == HD_T_SET ||
           o->type == HD_T_FROZENSET || o->type == HD_T_RANGE || o->type == HD_T_DICTVIEW;
}

/* list_resize: seq.c's (3.11's) list_resize, for list_extend's presizing */
static int list_resize(sc_vm_t *vm, hd_list_obj_t *l, int64_t newsize)
{
    int64_t allocated = l->allocated;
    if (allocated >= newsize && newsize >= (allocated >> 1)) {
        l->size = newsize;
        return 0;
    }
    uint64_t na = ((uint64_t)newsize + ((uint64_t)newsize >> 3) + 6) & ~(uint64_t)3;
    if (newsize - l->size > (int64_t)na - newsize)
        na = ((uint64_t)newsize + 3) & ~(uint64_t)3;
    if (newsize == 0)
        na = 0;
    void *items;
    int rc = hd__block_realloc(vm->h, l->items, na * 8, hd__type_kind(vm->h, HD_T_LIST), &items);
    if (rc)
        return sc_nomem(vm, rc);
    l->items = items;
    l->size = newsize;
    l->allocated = (int64_t)na;
    return 0;
}

/* length_hint: PyObject_LengthHint(o, 8): len() of a sized object, an
 * iterator's __length_hint__ (enumerate, zip, map, filter and generators
 * have none: 8) */
static int64_t length_hint(sc_vm_t *vm, hd_obj_t *o)
{
    int64_t n;
    switch (o->type) {
    case HD_T_SEQITER: {
        hd_seqiter_obj_t *it = (hd_seqiter_obj_t *)o;
        if (!it->seq)
            return 0;
        n = it->seq->type == HD_T_STR ? hd_len(it->seq) : hd_len(it->seq);
        return n > it->index ? n - it->index : 0;
    }
    case HD_T_RANGEITER: {
        hd_rangeiter_obj_t *it = (hd_rangeiter_obj_t *)o;
        return it->len - it->index;
    }
    case HD_T_DICTITER: { /* dictiter_len: 0 once the dict changed size */
        hd_dictiter_obj_t *it = (hd_dictiter_obj_t *)o;
        return it->dict && it->used == hd_len(it->dict) ? it->len : 0;
    }
    case HD_T_SETITER: {
        hd_setiter_obj_t *it = (hd_setiter_obj_t *)o;
        return it->set && it->used == hd_len(it->set) ? it->len : 0;
    }
    case HD_T_REVITER: { /* listreviter_len, reversed_len: index + 1 while
                            the sequence is that long */
        hd_reviter_obj_t *it = (hd_reviter_obj_t *)o;
        return it->seq && hd_len(it->seq) >= it->index + 1 ? it->index + 1 : 0;
    }
    }
    if (has_len(o) && sc_len(vm, o, &n) == 0)
        return n;
    sc_clear_exc(vm);
    return 8;
}

int sc_int_ssize(sc_vm_t *vm, int64_t v, hd_obj_t **out)
{
    int rc = hd_int_from_i64(vm->h, v, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

int sc_list_extend(sc_vm_t *vm, hd_obj_t *list, hd_obj_t *iterable)
{
    int t = iterable->type;
    if (t == HD_T_LIST || t == HD_T_TUPLE || t == HD_T_SET || t == HD_T_FROZENSET || t == HD_T_DICT)
        return hdrc(vm, hd_list_extend(vm->h, list, iterable));
    hd_obj_t *it, *item;
    if (sc_iter(vm, iterable, &it))
        return -1;
    hd_list_obj_t *l = (hd_list_obj_t *)list;
    int64_t m = l->size, n = length_hint(vm, iterable);
    if (!l->items) {
        /* 3.11: a list with no item vector gets exactly the hint, rounded
         * up to even (list_preallocate_exact), not list_resize's growth */
        if (n > 0) {
            void *items;
            int arc = hd__block_alloc(vm->h, (size_t)((n + 1) & ~1) * 8,
                                      hd__type_kind(vm->h, HD_T_LIST), &items);
            if (arc) {
                hd__decref(vm->h, it);
                return sc_nomem(vm, arc);
            }
            l->items = items;
            l->allocated = (n + 1) & ~1;
        }
    } else {
        if (list_resize(vm, l, m + n)) {
            hd__decref(vm->h, it);
            return -1;
        }
        l->size = m;
    }
    int r, rc = 0;
    while (!rc && (r = sc_next(vm, it, &item)) > 0) {
        if (l->size < l->allocated) {
            l->items[l->size++] = item;
        } else {
            rc = hdrc(vm, hd_list_append(vm->h, list, item));
            hd__decref(vm->h, item);
        }
        if (!rc && --vm->tick <= 0)
            rc = sc_check_budget(vm);
    }
    hd__decref(vm->h, it);
    if (rc || r < 0)
        return -1;
    if (l->size < l->allocated && list_resize(vm, l, l->size))
        return -1;
    return 0;
}

int sc_tuple_from_sized(sc_vm_t *vm, hd_obj_t *iterable, hd_obj_t **out)
{
    hd_obj_t *it, *t = NULL, *item;
    int64_t n;
    int ty = iterable->type, rc = 0;
    bool hinted = ty == HD_T_SEQITER || ty == HD_T_RANGEITER || ty == HD_T_DICTITER ||
                  ty == HD_T_SETITER || ty == HD_T_REVITER; /* an exact __length_hint__ */
    if ((!has_len(iterable) && !hinted) || ty == HD_T_LIST || ty == HD_T_TUPLE || ty == HD_T_BYTES)
        return 1;
    if (sc_iter(vm, iterable, &it))
        return -1;
    if (hinted)
        n = length_hint(vm, iterable);
    else
        rc = sc_len(vm, iterable, &n);
    if (!rc && n == 0) {
        hd__incref(t = vm->h->empty_tuple);
    } else if (!rc) {
        int arc = hd__tuple_new_filled(vm->h, (size_t)n, vm->h->none, &t);
        rc = arc ? sc_nomem(vm, arc) : 0;
    }
    hd_tuple_obj_t *to = (hd_tuple_obj_t *)t;
    int64_t j = 0;
    int r = 0;
    while (!rc && (r = sc_next(vm, it, &item)) > 0) {
        if (j >= n) { /* the size changed under it: not modelled further */
            hd__decref(vm->h, item);
            continue;
        }
        hd_obj_t *old = to->items[j];
        to->items[j++] = item;
        hd__decref(vm->h, old);
    }
    hd__decref(vm->h, it);
    if (!rc && r >= 0 && j < n) { /* fewer than the hint said: _PyTuple_Resize, as a copy */
        hd_obj_t *cut;
        int arc = hd_tuple_new(vm->h, (size_t)j, to->items, &cut);
        rc = arc ? sc_nomem(vm, arc) : 0;
        hd__decref(vm->h, t);
        t = rc ? NULL : cut;
    }
    if (rc || r < 0) {
        hd__xdecref(vm->h, t);
        return -1;
    }
    *out = t;
    return 0;
}

int sc_list_from(sc_vm_t *vm, hd_obj_t *iterable, hd_obj_t **out)
{
    hd_obj_t *l;
    if (sc_list_new_generic(vm, &l))
        return -1;
    if (has_len(iterable)) {
        /* list_preallocate_exact: the length rounded up to even */
        int64_t n;
        if (sc_len(vm, iterable, &n)) {
            hd__decref(vm->h, l);
            return -1;
        }
        if (n > 0) {
            void *items;
            int rc = hd__block_alloc(vm->h, (size_t)((n + 1) & ~1) * 8,
                                     hd__type_kind(vm->h, HD_T_LIST), &items);
            if (rc) {
                hd__decref(vm->h, l);
                return sc_nomem(vm, rc);
            }
            ((hd_list_obj_t *)l)->items = items;
            ((hd_list_obj_t *)l)->allocated = (n + 1) & ~1;
        }
    }
    if (sc_list_extend(vm, l, iterable)) {
        hd__decref(vm->h, l);
        return -1;
    }
    *out = l;
    return 0;
}
