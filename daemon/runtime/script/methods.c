/*
 * methods.c: the methods of the builtin types list, tuple, dict and set
 * with CPython 3.11's results and messages (str, int, float and bytes:
 * methods_str.c). Each
 * is a shared method descriptor (builtins_list.h): a call through
 * LOAD_METHOD passes self without making a bound method.
 *
 * Lists copied by copy() or slicing get exactly as many slots as items
 * (list_new_prealloc); list.sort is a stable merge sort that compares
 * with `<` only, as CPython's does, and refuses a list changed while it
 * sorts ("list modified during sort").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "impl.h"
#include "vm.h"

static int ret(hd_obj_t *v, hd_obj_t **out)
{
    hd__incref(v);
    *out = v;
    return 0;
}

static int none(sc_vm_t *vm, hd_obj_t **out)
{
    return ret(vm->h->none, out);
}

int sc_nargs_ok(sc_vm_t *vm, const char *name, int nargs, hd_obj_t *kwnames, int min, int max)
{
    if (kwnames && hd_len(kwnames))
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes no keyword arguments", name);
    if (nargs >= min && nargs <= max)
        return 0;
    if (min == max && min == 0)
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes no arguments (%d given)", name, nargs);
    if (min == max && min == 1)
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes exactly one argument (%d given)", name,
                        nargs);
    if (nargs < min)
        return sc_raise(vm, EXC_TYPEERROR, "%s expected at least %d argument%s, got %d", name, min,
                        min == 1 ? "" : "s", nargs);
    return sc_raise(vm, EXC_TYPEERROR, "%s expected at most %d argument%s, got %d", name, max,
                    max == 1 ? "" : "s", nargs);
}

static int hdrc(sc_vm_t *vm, int rc)
{
    return rc ? sc_nomem(vm, rc) : 0;
}

#define ANYSET(o) ((o)->type == HD_T_SET || (o)->type == HD_T_FROZENSET)

static int ret_bool(sc_vm_t *vm, bool v, hd_obj_t **out)
{
    hd_bool(vm->h, v, out);
    return 0;
}

static int index_of(sc_vm_t *vm, hd_obj_t *o, int64_t *v)
{
    if (o->type != HD_T_INT && o->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                        sc_tname(vm, o));
    if (hd_int_to_i64(o, v))
        return sc_raise(vm, EXC_OVERFLOWERROR, "Python int too large to convert to C ssize_t");
    return 0;
}

/* ---- list ---- */

int m_list_append(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "list.append", nargs, kwnames, 1, 1) ||
        hdrc(vm, hd_list_append(vm->h, self, args[0])))
        return -1;
    return none(vm, out);
}

int m_list_extend(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "list.extend", nargs, kwnames, 1, 1) || sc_list_extend(vm, self, args[0]))
        return -1;
    return none(vm, out);
}

int m_list_insert(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t i;
    if (sc_nargs_ok(vm, "insert", nargs, kwnames, 2, 2) || index_of(vm, args[0], &i) ||
        hdrc(vm, hd_list_insert(vm->h, self, i, args[1])))
        return -1;
    return none(vm, out);
}

int m_list_pop(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t i = -1;
    if (sc_nargs_ok(vm, "pop", nargs, kwnames, 0, 1) || (nargs && index_of(vm, args[0], &i)))
        return -1;
    if (hd_len(self) == 0)
        return sc_raise(vm, EXC_INDEXERROR, "pop from empty list");
    int rc = hd_list_pop(vm->h, self, i, out);
    if (rc == HD_EKEY)
        return sc_raise(vm, EXC_INDEXERROR, "pop index out of range");
    return hdrc(vm, rc);
}

/* find: the index of value in a list or tuple (== with identity first),
 * or -1; -2 on error */
static int64_t find(sc_vm_t *vm, hd_obj_t *seq, hd_obj_t *value, int64_t start, int64_t stop)
{
    for (int64_t i = start; i < stop && i < hd_len(seq); i++) {
        hd_obj_t *item;
        hd_seq_getitem(seq, i, &item);
        if (item == value)
            return i;
        sc_err_t err;
        int eq = sc_compare_bool(vm->h, CO_EQ, item, value, &err);
        if (eq < 0) {
            sc_raise_rc(vm, eq, &err);
            return -2;
        }
        if (eq)
            return i;
    }
    return -1;
}

int m_list_remove(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "list.remove", nargs, kwnames, 1, 1))
        return -1;
    int64_t i = find(vm, self, args[0], 0, INT64_MAX);
    if (i == -2)
        return -1;
    if (i < 0)
        return sc_raise(vm, EXC_VALUEERROR, "list.remove(x): x not in list");
    if (hdrc(vm, hd_list_delitem(vm->h, self, i)))
        return -1;
    return none(vm, out);
}

int m_list_clear(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "list.clear", nargs, kwnames, 0, 0) || hdrc(vm, hd_list_clear(vm->h, self)))
        return -1;
    return none(vm, out);
}

static void clamp(int64_t *i, int64_t n)
{
    if (*i < 0) {
        *i += n;
        if (*i < 0)
            *i = 0;
    }
}

int m_seq_index(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t start = 0, stop = INT64_MAX, n = hd_len(self);
    if (sc_nargs_ok(vm, "index", nargs, kwnames, 1, 3) ||
        (nargs > 1 && index_of(vm, args[1], &start)) || (nargs > 2 && index_of(vm, args[2], &stop)))
        return -1;
    clamp(&start, n);
    clamp(&stop, n);
    int64_t i = find(vm, self, args[0], start, stop);
    if (i == -2)
        return -1;
    if (i < 0) {
        if (self->type == HD_T_TUPLE)
            return sc_raise(vm, EXC_VALUEERROR, "tuple.index(x): x not in tuple");
        sc_buf_t b = {0};
        if (sc_repr_buf(vm, args[0], &b) == 0)
            sc_raise(vm, EXC_VALUEERROR, "%s is not in list", b.v);
        hd_mem_free(vm->h->mem, b.v);
        return -1;
    }
    return sc_int_ssize(vm, i, out);
}

int m_seq_count(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "count", nargs, kwnames, 1, 1))
        return -1;
    int64_t c = 0;
    for (int64_t i = 0; i < hd_len(self);) {
        int64_t j = find(vm, self, args[0], i, INT64_MAX);
        if (j == -2)
            return -1;
        if (j < 0)
            break;
        c++;
        i = j + 1;
    }
    return sc_int_ssize(vm, c, out);
}

int m_list_copy(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "list.copy", nargs, kwnames, 0, 0))
        return -1;
    /* list_slice(self, 0, len) */
    hd_list_obj_t *src = (hd_list_obj_t *)self;
    int rc = sc_list_prealloc(vm->h, src->size, out);
    if (rc)
        return sc_nomem(vm, rc);
    hd_list_obj_t *dst = (hd_list_obj_t *)*out;
    for (int64_t i = 0; i < src->size; i++)
        hd__incref(dst->items[i] = src->items[i]);
    dst->size = src->size;
    return 0;
}

int m_list_reverse(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "list.reverse", nargs, kwnames, 0, 0))
        return -1;
    hd_list_obj_t *l = (hd_list_obj_t *)self;
    for (int64_t i = 0, j = l->size - 1; i < j; i++, j--) {
        hd_obj_t *t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
    }
    return none(vm, out);
}

/* ---- sort ---- */

typedef struct sort_item {
    hd_obj_t *key, *value;
} sort_item_t;

/* less: PyObject_RichCompareBool(a, b, Py_LT), __lt__ and friends
 * included: 1, 0, or -1 with the error raised */
static int less(sc_vm_t *vm, hd_obj_t *a, hd_obj_t *b)
{
    hd_obj_t *res;
    if (sc_compare_op(vm, CO_LT, a, b, &res))
        return -1;
    int r = res == vm->h->true_ ? 1 : res == vm->h->false_ ? 0 : sc_truth(vm, res);
    hd__decref(vm->h, res);
    return r;
}

static void reverse_items(sort_item_t *v, int64_t n)
{
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
        sort_item_t t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

/* count_run: listsort's: the length of the run at the start of v (at most
 * n), and whether it is strictly descending; -1 on an error */
static int64_t count_run(sc_vm_t *vm, sort_item_t *v, int64_t n, bool *descending)
{
    *descending = false;
    if (n == 1)
        return 1;
    int lt = less(vm, v[1].key, v[0].key);
    if (lt < 0)
        return -1;
    int64_t k = 2;
    *descending = lt == 1;
    for (; k < n; k++) {
        lt = less(vm, v[k].key, v[k - 1].key);
        if (lt < 0)
            return -1;
        if (lt != (*descending ? 1 : 0))
            break;
    }
    return k;
}

/* binarysort: listsort's, on v[0..n) of which v[0..start) is sorted */
static int binarysort(sc_vm_t *vm, sort_item_t *v, int64_t n, int64_t start)
{
    if (start == 0)
        start++;
    for (; start < n; start++) {
        int64_t l = 0, r = start;
        sort_item_t pivot = v[start];
        do {
            int64_t p = l + ((r - l) >> 1);
            int lt = less(vm, pivot.key, v[p].key);
            if (lt < 0)
                return -1;
            if (lt)
                r = p;
            else
                l = p + 1;
        } while (l < r);
        memmove(&v[l + 1], &v[l], (size_t)(start - l) * sizeof(*v));
        v[l] = pivot;
        if (--vm->tick <= 0 && sc_check_budget(vm))
            return -1;
    }
    return 0;
}

/* small_sort: listsort for fewer than 64 items (one run, extended by
 * binary insertion): the very comparisons CPython makes, in its order,
 * which decides which pair an error names and what __lt__ prints */
static int small_sort(sc_vm_t *vm, sort_item_t *v, int64_t n, bool reverse)
{
    if (reverse)
        reverse_items(v, n);
    bool descending;
    int64_t k = count_run(vm, v, n, &descending);
    if (k < 0)
        return -1;
    if (descending)
        reverse_items(v, k);
    if (k < n && binarysort(vm, v, n, k))
        return -1;
    if (reverse)
        reverse_items(v, n);
    return 0;
}

static int merge_sort(sc_vm_t *vm, sort_item_t *v, sort_item_t *tmp, int64_t n, bool reverse)
{
    if (n < 2)
        return 0;
    int64_t m = n / 2;
    if (merge_sort(vm, v, tmp, m, reverse) || merge_sort(vm, v + m, tmp, n - m, reverse))
        return -1;
    int64_t i = 0, j = m, k = 0;
    while (i < m && j < n) {
        /* stable; reverse keeps equal items in order (CPython reverses twice) */
        int lt = reverse ? less(vm, v[i].key, v[j].key) : less(vm, v[j].key, v[i].key);
        if (lt < 0)
            return -1;
        tmp[k++] = lt ? v[j++] : v[i++];
        if (--vm->tick <= 0 && sc_check_budget(vm))
            return -1;
    }
    while (i < m)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, (size_t)n * sizeof(*v));
    return 0;
}

int sc_list_sort(sc_vm_t *vm, hd_obj_t *list, hd_obj_t *key, bool reverse)
{
    hd_list_obj_t *l = (hd_list_obj_t *)list;
    int64_t n = l->size;
    if (n < 2)
        return 0;
    sort_item_t *v = hd_mem_malloc(vm->h->mem, (size_t)n * 2 * sizeof(*v));
    if (!v)
        return sc_nomem(vm, HD_ENOMEM);
    /* CPython empties the list while it sorts */
    hd_obj_t **items = l->items;
    int64_t allocated = l->allocated;
    l->items = NULL;
    l->size = 0;
    l->allocated = 0;
    int rc = 0;
    int64_t made = 0;
    for (; made < n && !rc; made++) {
        v[made].value = items[made];
        v[made].key = items[made];
        if (key && (rc = sc_call(vm, key, &items[made], 1, NULL, &v[made].key)))
            break;
    }
    if (!rc)
        rc = n < 64 ? small_sort(vm, v, n, reverse) : merge_sort(vm, v, v + n, n, reverse);
    if (key)
        for (int64_t i = 0; i < made; i++)
            hd__decref(vm->h, v[i].key);
    bool modified = l->items != NULL || l->size != 0;
    /* the values go back in their new order unless a key failed (then
     * nothing moved; a failed comparison leaves a partial order, as
     * CPython's in-place merge does) */
    if (made == n && (!rc || !modified))
        for (int64_t i = 0; i < n; i++)
            items[i] = v[i].value;
    hd_obj_t **junk = l->items;
    int64_t junkn = l->size;
    l->items = items;
    l->size = n;
    l->allocated = allocated;
    for (int64_t i = junkn; i-- > 0;)
        hd__decref(vm->h, junk[i]);
    hd__block_free(vm->h, junk);
    hd_mem_free(vm->h->mem, v);
    if (!rc && modified)
        return sc_raise(vm, EXC_VALUEERROR, "list modified during sort");
    return rc ? -1 : 0;
}

static hd_obj_t *kwarg(hd_obj_t *const *args, int nargs, hd_obj_t *kwnames, const char *name,
                       int *nkw_seen)
{
    if (!kwnames)
        return NULL;
    int nkw = (int)hd_len(kwnames);
    for (int i = 0; i < nkw; i++) {
        char buf[64];
        hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[i], buf, sizeof(buf));
        if (strcmp(buf, name) == 0) {
            (*nkw_seen)++;
            return args[nargs - nkw + i];
        }
    }
    return NULL;
}

int m_list_sort(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int seen = 0, nkw = kwnames ? (int)hd_len(kwnames) : 0;
    hd_obj_t *key = kwarg(args, nargs, kwnames, "key", &seen);
    hd_obj_t *rev = kwarg(args, nargs, kwnames, "reverse", &seen);
    if (nargs > nkw)
        return sc_raise(vm, EXC_TYPEERROR, "sort() takes no positional arguments");
    if (seen != nkw)
        return sc_raise(vm, EXC_TYPEERROR, "sort() got an unexpected keyword argument");
    static const char *const names[] = {"key", "reverse", NULL};
    if (nkw && sc_kwtuple(vm, SC_BI_L_SORT, names))
        return -1;
    int r = rev ? sc_truth(vm, rev) : 0;
    if (r < 0 || sc_list_sort(vm, self, key && key != vm->h->none ? key : NULL, r == 1))
        return -1;
    return none(vm, out);
}

/* ---- dict ---- */

static int check_key(sc_vm_t *vm, hd_obj_t *k)
{
    int64_t hash;
    return sc_hash_of(vm, k, &hash);
}

int m_dict_get(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    hd_obj_t *v;
    if (sc_nargs_ok(vm, "get", nargs, kwnames, 1, 2) || check_key(vm, args[0]))
        return -1;
    int rc = hd_dict_getitem(vm->h, self, args[0], &v);
    if (rc == HD_EKEY)
        return ret(nargs == 2 ? args[1] : vm->h->none, out);
    return rc ? sc_nomem(vm, rc) : ret(v, out);
}

static int view(sc_vm_t *vm, hd_obj_t *self, int which, const char *name, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, name, nargs, kwnames, 0, 0))
        return -1;
    return hdrc(vm, hd__dictview_new(vm->h, self, which, out));
}

int m_dict_keys(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return view(vm, self, HD_DICT_KEYS, "dict.keys", args, nargs, kwnames, out);
}

int m_dict_values(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return view(vm, self, HD_DICT_VALUES, "dict.values", args, nargs, kwnames, out);
}

int m_dict_items(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return view(vm, self, HD_DICT_ITEMS, "dict.items", args, nargs, kwnames, out);
}

static int key_error(sc_vm_t *vm, hd_obj_t *k)
{
    sc_buf_t b = {0};
    if (sc_repr_buf(vm, k, &b) == 0)
        sc_raise(vm, EXC_KEYERROR, "%s", b.v);
    hd_mem_free(vm->h->mem, b.v);
    return -1;
}

int m_dict_pop(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "pop", nargs, kwnames, 1, 2) || check_key(vm, args[0]))
        return -1;
    int rc = hd_dict_pop(vm->h, self, args[0], out);
    if (rc == HD_EKEY)
        return nargs == 2 ? ret(args[1], out) : key_error(vm, args[0]);
    return hdrc(vm, rc);
}

int m_dict_popitem(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "popitem", nargs, kwnames, 0, 0))
        return -1;
    if (hd_len(self) == 0)
        return sc_raise(vm, EXC_KEYERROR, "'popitem(): dictionary is empty'");
    int64_t pos = 0, lastpos = 0;
    hd_obj_t *k, *v, *lk = NULL;
    while (hd_dict_next(self, &pos, &k, &v)) {
        lk = k;
        lastpos = pos;
    }
    (void)lastpos;
    hd__incref(lk);
    hd_obj_t *val;
    int rc = hd_dict_pop(vm->h, self, lk, &val);
    if (rc) {
        hd__decref(vm->h, lk);
        return hdrc(vm, rc);
    }
    hd_obj_t *pair[2] = {lk, val};
    rc = hd_tuple_new(vm->h, 2, pair, out);
    hd__decref(vm->h, lk);
    hd__decref(vm->h, val);
    return hdrc(vm, rc);
}

int m_dict_setdefault(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    hd_obj_t *v;
    if (sc_nargs_ok(vm, "setdefault", nargs, kwnames, 1, 2) || check_key(vm, args[0]))
        return -1;
    int rc = hd_dict_setdefault(vm->h, self, args[0], nargs == 2 ? args[1] : vm->h->none, &v);
    return rc ? sc_nomem(vm, rc) : ret(v, out);
}

int m_dict_update(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw;
    if (npos > 1)
        return sc_raise(vm, EXC_TYPEERROR, "update expected at most 1 argument, got %d", npos);
    if (npos == 1) {
        if (args[0]->type != HD_T_DICT)
            return sc_raise(vm, EXC_TYPEERROR,
                            "dict.update() of non-dicts is not supported by the heap script "
                            "language");
        if (hdrc(vm, hd_dict_update(vm->h, self, args[0])))
            return -1;
    }
    for (int i = 0; i < nkw; i++)
        if (sc_setitem(vm, self, ((hd_tuple_obj_t *)kwnames)->items[i], args[npos + i]))
            return -1;
    return none(vm, out);
}

int m_dict_clear(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "dict.clear", nargs, kwnames, 0, 0) || hdrc(vm, hd_dict_clear(vm->h, self)))
        return -1;
    return none(vm, out);
}

int m_dict_copy(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "dict.copy", nargs, kwnames, 0, 0))
        return -1;
    return hdrc(vm, hd__dict_copy(vm->h, self, out));
}

/* dict.fromkeys(iterable, value=None, /): a classmethod, so the attribute
 * load makes a bound builtin method of the dict type (72 bytes, tracked),
 * released after the call: made here, when the call starts, unless it was
 * bound already (f = {}.fromkeys). _PyDict_FromKeys: dict() (generic
 * allocation), then a dict's or a set's keys into one dictresize to
 * estimate_log2_keysize(len) (unicode only for a dict's unicode table), or
 * anything else iterated into PyDict_SetItem */
int m_dict_fromkeys(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (kwnames && hd_len(kwnames))
        return sc_raise(vm, EXC_TYPEERROR, "dict.fromkeys() takes no keyword arguments");
    if (nargs < 1 || nargs > 2)
        return sc_raise(vm, EXC_TYPEERROR, "fromkeys expected at %s %d argument%s, got %d",
                        nargs < 1 ? "least" : "most", nargs < 1 ? 1 : 2, nargs < 1 ? "" : "s",
                        nargs);
    hd_obj_t *bound = NULL, *src = args[0], *value = nargs > 1 ? args[1] : vm->h->none, *d = NULL;
    if (!self) {
        hd_obj_t *descr = sc_builtin(vm, SC_BI_D_FROMKEYS), *type = sc_builtin(vm, SC_BI_T_DICT);
        if (!descr || !type || hdrc(vm, hd__cmethod_new(vm->h, descr, type, &bound)))
            return descr && type ? -1 : sc_nomem(vm, HD_ENOMEM);
    }
    hd_obj_t *it;
    int rc = sc_dict_new_generic(vm, &d);
    if (!rc && (src->type == HD_T_DICT || ANYSET(src))) {
        bool dict = src->type == HD_T_DICT;
        rc = hdrc(vm, hd__dict_presize(vm->h, d, hd_len(src), dict && hd__dict_unicode_keys(src)));
        int64_t pos = 0;
        hd_obj_t *key, *v;
        while (!rc && (dict ? hd_dict_next(src, &pos, &key, &v) : hd_set_next(src, &pos, &key)))
            rc = hdrc(vm, hd_dict_setitem(vm->h, d, key, value));
    } else if (!rc && !(rc = sc_iter(vm, src, &it))) {
        hd_obj_t *key;
        int r = 0;
        while (!rc && (r = sc_next(vm, it, &key)) > 0) {
            rc = check_key(vm, key) || hdrc(vm, hd_dict_setitem(vm->h, d, key, value));
            hd__decref(vm->h, key);
        }
        hd__decref(vm->h, it);
        if (!rc && r < 0)
            rc = -1;
    }
    hd__xdecref(vm->h, bound);
    if (rc) {
        hd__xdecref(vm->h, d);
        return -1;
    }
    *out = d;
    return 0;
}

/* ---- set ---- */

int m_set_add(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "set.add", nargs, kwnames, 1, 1) || check_key(vm, args[0]) ||
        hdrc(vm, hd_set_add(vm->h, self, args[0])))
        return -1;
    return none(vm, out);
}

static int set_discard(sc_vm_t *vm, hd_obj_t *self, hd_obj_t *key, bool *found)
{
    if (check_key(vm, key))
        return -1;
    return hdrc(vm, hd_set_discard(vm->h, self, key, found));
}

int m_set_discard(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    bool found;
    if (sc_nargs_ok(vm, "set.discard", nargs, kwnames, 1, 1) ||
        set_discard(vm, self, args[0], &found))
        return -1;
    return none(vm, out);
}

int m_set_remove(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    bool found;
    if (sc_nargs_ok(vm, "set.remove", nargs, kwnames, 1, 1) ||
        set_discard(vm, self, args[0], &found))
        return -1;
    if (!found)
        return key_error(vm, args[0]);
    return none(vm, out);
}

int m_set_pop(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "set.pop", nargs, kwnames, 0, 0))
        return -1;
    int rc = hd_set_pop(vm->h, self, out);
    if (rc == HD_EKEY)
        return sc_raise(vm, EXC_KEYERROR, "'pop from an empty set'");
    return hdrc(vm, rc);
}

int m_set_clear(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "set.clear", nargs, kwnames, 0, 0) || hdrc(vm, hd_set_clear(vm->h, self)))
        return -1;
    return none(vm, out);
}

static int set_add_all(sc_vm_t *vm, hd_obj_t *set, hd_obj_t *iterable)
{
    hd_obj_t *it, *item;
    if (sc_iter(vm, iterable, &it))
        return -1;
    int r, rc = 0;
    while (!rc && (r = sc_next(vm, it, &item)) > 0) {
        rc = check_key(vm, item) || hdrc(vm, hd_set_add(vm->h, set, item));
        hd__decref(vm->h, item);
    }
    hd__decref(vm->h, it);
    return rc || r < 0 ? -1 : 0;
}

int m_set_copy(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "set.copy", nargs, kwnames, 0, 0))
        return -1;
    return hdrc(vm, hd__set_copy(vm->h, self, out));
}

/* frozenset_copy: the frozenset itself */
int m_frozenset_copy(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "frozenset.copy", nargs, kwnames, 0, 0))
        return -1;
    return ret(self, out);
}

/* set_update_internal: a set merges, a dict presizes, anything else is
 * iterated */
static int set_update_internal(sc_vm_t *vm, hd_obj_t *set, hd_obj_t *other)
{
    if (ANYSET(other))
        return hdrc(vm, hd__set_update(vm->h, set, other));
    if (other->type == HD_T_DICT)
        return hdrc(vm, hd__set_update_dict(vm->h, set, other));
    return set_add_all(vm, set, other);
}

static int no_kwargs(sc_vm_t *vm, const char *name, hd_obj_t *kwnames)
{
    if (kwnames && hd_len(kwnames))
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes no keyword arguments", name);
    return 0;
}

int m_set_update(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (no_kwargs(vm, "set.update", kwnames))
        return -1;
    for (int i = 0; i < nargs; i++)
        if (set_update_internal(vm, self, args[i]))
            return -1;
    return none(vm, out);
}

/* set_union: a copy, then set_update_internal of each other (but self) */
int m_set_union(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (no_kwargs(vm, "union", kwnames) || hdrc(vm, hd__set_copy(vm->h, self, out)))
        return -1;
    for (int i = 0; i < nargs; i++) {
        if (args[i] != self && set_update_internal(vm, *out, args[i])) {
            hd__decref(vm->h, *out);
            return -1;
        }
    }
    return 0;
}

/* set_intersection with an iterable: each of its keys that so holds is
 * added, in the iterable's order */
static int intersection_iter(sc_vm_t *vm, hd_obj_t *so, hd_obj_t *other, hd_obj_t **out)
{
    hd_obj_t *it, *key;
    if (hdrc(vm, hd__set_new_type(vm->h, so->type, 0, NULL, out)))
        return -1;
    if (sc_iter(vm, other, &it)) {
        hd__decref(vm->h, *out);
        return -1;
    }
    int r, rc = 0;
    while (!rc && (r = sc_next(vm, it, &key)) > 0) {
        bool in = false;
        rc = check_key(vm, key) || hdrc(vm, hd_set_contains(vm->h, so, key, &in)) ||
             (in && hdrc(vm, hd_set_add(vm->h, *out, key)));
        hd__decref(vm->h, key);
    }
    hd__decref(vm->h, it);
    if (rc || r < 0) {
        hd__decref(vm->h, *out);
        return -1;
    }
    return 0;
}

/* set_intersection_multi: a copy without others, else each other
 * intersected with the result so far */
int m_set_intersection(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (no_kwargs(vm, "intersection", kwnames))
        return -1;
    if (nargs == 0)
        return hdrc(vm, hd__set_copy(vm->h, self, out));
    hd_obj_t *acc = self;
    hd__incref(acc);
    for (int i = 0; i < nargs; i++) {
        hd_obj_t *r;
        int rc = ANYSET(args[i]) ? hdrc(vm, hd__set_intersection(vm->h, acc, args[i], &r))
                                 : intersection_iter(vm, acc, args[i], &r);
        hd__decref(vm->h, acc);
        if (rc)
            return -1;
        acc = r;
    }
    *out = acc;
    return 0;
}

/* set_difference_update_internal of a non-set: its keys discarded */
static int difference_update_iter(sc_vm_t *vm, hd_obj_t *so, hd_obj_t *other)
{
    hd_obj_t *it, *key;
    if (sc_iter(vm, other, &it))
        return -1;
    int r, rc = 0;
    while (!rc && (r = sc_next(vm, it, &key)) > 0) {
        rc = set_discard(vm, so, key, &(bool){false});
        hd__decref(vm->h, key);
    }
    hd__decref(vm->h, it);
    if (rc || r < 0)
        return -1;
    return hdrc(vm, hd__set_difference_done(vm->h, so));
}

static int difference_update_internal(sc_vm_t *vm, hd_obj_t *so, hd_obj_t *other)
{
    if (ANYSET(other))
        return hdrc(vm, hd__set_difference_update(vm->h, so, other));
    return difference_update_iter(vm, so, other);
}

/* set_difference: with a set, set.c's; with a dict, so's keys it lacks
 * (or a copy less its keys when so is over 4 times larger); with anything
 * else a copy less its keys */
static int set_difference(sc_vm_t *vm, hd_obj_t *so, hd_obj_t *other, hd_obj_t **out)
{
    if (ANYSET(other))
        return hdrc(vm, hd__set_difference(vm->h, so, other, out));
    if (other->type != HD_T_DICT || (hd_len(so) >> 2) > hd_len(other)) {
        if (hdrc(vm, hd__set_copy(vm->h, so, out)))
            return -1;
        if (difference_update_iter(vm, *out, other)) {
            hd__decref(vm->h, *out);
            return -1;
        }
        return 0;
    }
    if (hdrc(vm, hd__set_new_type(vm->h, so->type, 0, NULL, out)))
        return -1;
    int64_t pos = 0;
    hd_obj_t *key, *v;
    while (hd_set_next(so, &pos, &key)) {
        int rc = hd_dict_getitem(vm->h, other, key, &v);
        if (rc == HD_EKEY)
            rc = hd_set_add(vm->h, *out, key);
        if (rc) {
            hd__decref(vm->h, *out);
            return hdrc(vm, rc);
        }
    }
    return 0;
}

/* set_difference_multi: a copy without others, else the difference with
 * the first, then set_difference_update_internal of the rest */
int m_set_difference(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (no_kwargs(vm, "difference", kwnames))
        return -1;
    if (nargs == 0)
        return hdrc(vm, hd__set_copy(vm->h, self, out));
    if (set_difference(vm, self, args[0], out))
        return -1;
    for (int i = 1; i < nargs; i++) {
        if (difference_update_internal(vm, *out, args[i])) {
            hd__decref(vm->h, *out);
            return -1;
        }
    }
    return 0;
}

/* set_difference_update: set_difference_update_internal of each other */
int m_set_difference_update(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (no_kwargs(vm, "set.difference_update", kwnames))
        return -1;
    for (int i = 0; i < nargs; i++)
        if (difference_update_internal(vm, self, args[i]))
            return -1;
    return none(vm, out);
}

/* set_intersection_update_multi: set_intersection_multi, then the bodies
 * swapped and the old one released with the temporary set */
int m_set_intersection_update(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    hd_obj_t *tmp;
    if (no_kwargs(vm, "set.intersection_update", kwnames) ||
        m_set_intersection(vm, self, args, nargs, NULL, &tmp))
        return -1;
    hd__set_swap_bodies(self, tmp);
    hd__decref(vm->h, tmp);
    return none(vm, out);
}

/* make_new_set(type, other): a new set of like's type, then
 * set_update_internal */
static int new_set_of(sc_vm_t *vm, hd_obj_t *like, hd_obj_t *other, hd_obj_t **out)
{
    if (hdrc(vm, hd__set_new_type(vm->h, like->type, 0, NULL, out)))
        return -1;
    if (set_update_internal(vm, *out, other)) {
        hd__decref(vm->h, *out);
        return -1;
    }
    return 0;
}

/* set_symmetric_difference_update: itself clears; a dict's keys are
 * discarded or added in its order; a set's likewise in its table order;
 * anything else is made a set first */
static int symdiff_update(sc_vm_t *vm, hd_obj_t *so, hd_obj_t *other)
{
    if (ANYSET(other))
        return hdrc(vm, hd__set_symdiff_update(vm->h, so, other));
    if (other->type == HD_T_DICT) {
        int64_t pos = 0;
        hd_obj_t *key, *value;
        while (hd_dict_next(other, &pos, &key, &value)) {
            bool found;
            hd__incref(key);
            int rc = hd_set_discard(vm->h, so, key, &found);
            if (!rc && !found)
                rc = hd_set_add(vm->h, so, key);
            hd__decref(vm->h, key);
            if (rc)
                return hdrc(vm, rc);
        }
        return 0;
    }
    hd_obj_t *tmp;
    if (new_set_of(vm, so, other, &tmp))
        return -1;
    int rc = hdrc(vm, hd__set_symdiff_update(vm->h, so, tmp));
    hd__decref(vm->h, tmp);
    return rc;
}

int m_set_symmetric_difference_update(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "set.symmetric_difference_update", nargs, kwnames, 1, 1) ||
        symdiff_update(vm, self, args[0]))
        return -1;
    return none(vm, out);
}

/* set_symmetric_difference: a new set of the other, then its
 * symmetric_difference_update with self (for a set, set.c's `^`) */
int m_set_symmetric_difference(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "set.symmetric_difference", nargs, kwnames, 1, 1))
        return -1;
    if (ANYSET(args[0]))
        return hdrc(vm, hd__set_symdiff(vm->h, self, args[0], out));
    if (new_set_of(vm, self, args[0], out))
        return -1;
    if (hdrc(vm, hd__set_symdiff_update(vm->h, *out, self))) {
        hd__decref(vm->h, *out);
        return -1;
    }
    return 0;
}

/* set_isdisjoint: with a set, the smaller one's keys looked up in the
 * larger; anything else is iterated (its items must be hashable) */
int m_set_isdisjoint(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (sc_nargs_ok(vm, "set.isdisjoint", nargs, kwnames, 1, 1))
        return -1;
    hd_obj_t *other = args[0], *key, *it;
    bool in = false;
    if (other == self)
        return ret_bool(vm, hd_len(self) == 0, out);
    if (ANYSET(other)) {
        hd_obj_t *big = self, *small = other;
        if (hd_len(other) > hd_len(self))
            big = other, small = self;
        int64_t pos = 0;
        while (!in && hd_set_next(small, &pos, &key))
            if (hdrc(vm, hd_set_contains(vm->h, big, key, &in)))
                return -1;
        return ret_bool(vm, !in, out);
    }
    if (sc_iter(vm, other, &it))
        return -1;
    int r = 0, rc = 0;
    while (!rc && !in && (r = sc_next(vm, it, &key)) > 0) {
        rc = check_key(vm, key) || hdrc(vm, hd_set_contains(vm->h, self, key, &in));
        hd__decref(vm->h, key);
    }
    hd__decref(vm->h, it);
    if (rc || (!in && r < 0))
        return -1;
    return ret_bool(vm, !in, out);
}

static int set_rel(sc_vm_t *vm, hd_obj_t *self, int op, const char *name, SC_ARGS)
{
    hd_obj_t *other, *tmp = NULL;
    if (sc_nargs_ok(vm, name, nargs, kwnames, 1, 1))
        return -1;
    other = args[0];
    if (!ANYSET(other)) {
        if (hdrc(vm, hd_set_new(vm->h, 0, NULL, &tmp)) || set_add_all(vm, tmp, other)) {
            hd__xdecref(vm->h, tmp);
            return -1;
        }
        other = tmp;
    }
    int rc = sc_compare_op(vm, op, self, other, out);
    hd__xdecref(vm->h, tmp);
    return rc;
}

int m_set_issubset(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return set_rel(vm, self, CO_LE, "issubset", args, nargs, kwnames, out);
}

int m_set_issuperset(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return set_rel(vm, self, CO_GE, "issuperset", args, nargs, kwnames, out);
}
