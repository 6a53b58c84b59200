/*
 * methods.c: the methods of the builtin types (list, tuple, dict, set,
 * str, int, float, bytes) with CPython 3.11's results and messages. Each
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

static int nargs_ok(sc_vm_t *vm, const char *name, int nargs, hd_obj_t *kwnames, int min, int max)
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
    if (nargs_ok(vm, "list.append", nargs, kwnames, 1, 1) ||
        hdrc(vm, hd_list_append(vm->h, self, args[0])))
        return -1;
    return none(vm, out);
}

int m_list_extend(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (nargs_ok(vm, "list.extend", nargs, kwnames, 1, 1) || sc_list_extend(vm, self, args[0]))
        return -1;
    return none(vm, out);
}

int m_list_insert(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t i;
    if (nargs_ok(vm, "insert", nargs, kwnames, 2, 2) || index_of(vm, args[0], &i) ||
        hdrc(vm, hd_list_insert(vm->h, self, i, args[1])))
        return -1;
    return none(vm, out);
}

int m_list_pop(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t i = -1;
    if (nargs_ok(vm, "pop", nargs, kwnames, 0, 1) || (nargs && index_of(vm, args[0], &i)))
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
    if (nargs_ok(vm, "list.remove", nargs, kwnames, 1, 1))
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
    if (nargs_ok(vm, "list.clear", nargs, kwnames, 0, 0) || hdrc(vm, hd_list_clear(vm->h, self)))
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
    if (nargs_ok(vm, "index", nargs, kwnames, 1, 3) ||
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
    if (nargs_ok(vm, "count", nargs, kwnames, 1, 1))
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
    if (nargs_ok(vm, "list.copy", nargs, kwnames, 0, 0))
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
    if (nargs_ok(vm, "list.reverse", nargs, kwnames, 0, 0))
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
    if (nargs_ok(vm, "get", nargs, kwnames, 1, 2) || check_key(vm, args[0]))
        return -1;
    int rc = hd_dict_getitem(vm->h, self, args[0], &v);
    if (rc == HD_EKEY)
        return ret(nargs == 2 ? args[1] : vm->h->none, out);
    return rc ? sc_nomem(vm, rc) : ret(v, out);
}

static int view(sc_vm_t *vm, hd_obj_t *self, int which, const char *name, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, name, nargs, kwnames, 0, 0))
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
    if (nargs_ok(vm, "pop", nargs, kwnames, 1, 2) || check_key(vm, args[0]))
        return -1;
    int rc = hd_dict_pop(vm->h, self, args[0], out);
    if (rc == HD_EKEY)
        return nargs == 2 ? ret(args[1], out) : key_error(vm, args[0]);
    return hdrc(vm, rc);
}

int m_dict_popitem(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "popitem", nargs, kwnames, 0, 0))
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
    if (nargs_ok(vm, "setdefault", nargs, kwnames, 1, 2) || check_key(vm, args[0]))
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
    if (nargs_ok(vm, "dict.clear", nargs, kwnames, 0, 0) || hdrc(vm, hd_dict_clear(vm->h, self)))
        return -1;
    return none(vm, out);
}

int m_dict_copy(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "dict.copy", nargs, kwnames, 0, 0))
        return -1;
    return hdrc(vm, hd__dict_copy(vm->h, self, out));
}

/* ---- set ---- */

int m_set_add(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    if (nargs_ok(vm, "set.add", nargs, kwnames, 1, 1) || check_key(vm, args[0]) ||
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
    if (nargs_ok(vm, "set.discard", nargs, kwnames, 1, 1) || set_discard(vm, self, args[0], &found))
        return -1;
    return none(vm, out);
}

int m_set_remove(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    bool found;
    if (nargs_ok(vm, "set.remove", nargs, kwnames, 1, 1) || set_discard(vm, self, args[0], &found))
        return -1;
    if (!found)
        return key_error(vm, args[0]);
    return none(vm, out);
}

int m_set_pop(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "set.pop", nargs, kwnames, 0, 0))
        return -1;
    int rc = hd_set_pop(vm->h, self, out);
    if (rc == HD_EKEY)
        return sc_raise(vm, EXC_KEYERROR, "'pop from an empty set'");
    return hdrc(vm, rc);
}

int m_set_clear(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "set.clear", nargs, kwnames, 0, 0) || hdrc(vm, hd_set_clear(vm->h, self)))
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
    if (nargs_ok(vm, "set.copy", nargs, kwnames, 0, 0))
        return -1;
    return hdrc(vm, hd__set_copy(vm->h, self, out));
}

/* set_update_internal: a set merges, a dict presizes, anything else is
 * iterated */
static int set_update_internal(sc_vm_t *vm, hd_obj_t *set, hd_obj_t *other)
{
    if (other->type == HD_T_SET)
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
    if (hdrc(vm, hd_set_new(vm->h, 0, NULL, out)))
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
        int rc = args[i]->type == HD_T_SET ? hdrc(vm, hd__set_intersection(vm->h, acc, args[i], &r))
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
    if (other->type == HD_T_SET)
        return hdrc(vm, hd__set_difference_update(vm->h, so, other));
    return difference_update_iter(vm, so, other);
}

/* set_difference: with a set, set.c's; with a dict, so's keys it lacks
 * (or a copy less its keys when so is over 4 times larger); with anything
 * else a copy less its keys */
static int set_difference(sc_vm_t *vm, hd_obj_t *so, hd_obj_t *other, hd_obj_t **out)
{
    if (other->type == HD_T_SET)
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
    if (hdrc(vm, hd_set_new(vm->h, 0, NULL, out)))
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

static int set_rel(sc_vm_t *vm, hd_obj_t *self, int op, const char *name, SC_ARGS)
{
    hd_obj_t *other, *tmp = NULL;
    if (nargs_ok(vm, name, nargs, kwnames, 1, 1))
        return -1;
    other = args[0];
    if (other->type != HD_T_SET) {
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

/* ---- str ---- */

typedef struct cps {
    uint32_t *v;
    int64_t n;
} cps_t;

static int cps_of(sc_vm_t *vm, hd_obj_t *s, cps_t *c)
{
    c->n = hd_len(s);
    c->v = hd_mem_malloc(vm->h->mem, (size_t)(c->n + 1) * 4);
    if (!c->v)
        return sc_nomem(vm, HD_ENOMEM);
    for (int64_t i = 0; i < c->n; i++)
        c->v[i] = hd__str_char(s, i);
    return 0;
}

static int str_of(sc_vm_t *vm, const uint32_t *v, int64_t n, hd_obj_t **out)
{
    return hdrc(vm, hd__str_from_cps(vm->h, v, n, out));
}

static int need_str(sc_vm_t *vm, hd_obj_t *o, const char *what)
{
    if (o->type == HD_T_STR)
        return 0;
    return sc_raise(vm, EXC_TYPEERROR, "%s must be str, not %s", what, sc_tname(vm, o));
}

int m_str_join(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    hd_obj_t *l;
    if (nargs_ok(vm, "str.join", nargs, kwnames, 1, 1))
        return -1;
    /* PySequence_Fast: a list or tuple itself, anything else made a list */
    if (args[0]->type == HD_T_LIST || args[0]->type == HD_T_TUPLE)
        hd__incref(l = args[0]);
    else if (sc_list_from(vm, args[0], &l))
        return -1;
    int64_t size = hd_len(l);
    hd_obj_t **items =
        l->type == HD_T_LIST ? ((hd_list_obj_t *)l)->items : ((hd_tuple_obj_t *)l)->items;
    if (size == 1 && items[0]->type == HD_T_STR) {
        ret(items[0], out);
        hd__decref(vm->h, l);
        return 0;
    }
    sc_buf_t b = {0};
    int rc = 0;
    for (int64_t i = 0; i < size && !rc; i++) {
        if (items[i]->type != HD_T_STR) {
            rc = sc_raise(vm, EXC_TYPEERROR, "sequence item %lld: expected str instance, %s found",
                          (long long)i, sc_tname(vm, items[i]));
            break;
        }
        if (i)
            rc = sc_str_buf(vm, self, &b);
        if (!rc)
            rc = sc_str_buf(vm, items[i], &b);
    }
    hd__decref(vm->h, l);
    if (!rc)
        rc = sc_str_new(vm, b.v ? b.v : "", b.n, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

static int case_map(sc_vm_t *vm, hd_obj_t *self, bool upper, SC_ARGS)
{
    (void)args;
    cps_t c;
    if (nargs_ok(vm, upper ? "str.upper" : "str.lower", nargs, kwnames, 0, 0) ||
        cps_of(vm, self, &c))
        return -1;
    for (int64_t i = 0; i < c.n; i++) {
        uint32_t x = c.v[i];
        if (upper && x >= 'a' && x <= 'z')
            c.v[i] = x - 32;
        else if (!upper && x >= 'A' && x <= 'Z')
            c.v[i] = x + 32;
    }
    int rc = str_of(vm, c.v, c.n, out);
    hd_mem_free(vm->h->mem, c.v);
    return rc;
}

int m_str_upper(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return case_map(vm, self, true, args, nargs, kwnames, out);
}

int m_str_lower(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return case_map(vm, self, false, args, nargs, kwnames, out);
}

static bool is_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x1c || c == 0x1d || c == 0x1e ||
           c == 0x1f || c == 0x85 || c == 0xa0;
}

static bool memchr_u32(const uint32_t *v, int64_t n, uint32_t x)
{
    for (int64_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static int strip(sc_vm_t *vm, hd_obj_t *self, int which, const char *name, SC_ARGS)
{
    cps_t c, chars = {NULL, 0};
    if (nargs_ok(vm, name, nargs, kwnames, 0, 1))
        return -1;
    if (nargs && args[0] != vm->h->none &&
        (need_str(vm, args[0], "strip arg") || cps_of(vm, args[0], &chars)))
        return -1;
    if (cps_of(vm, self, &c)) {
        hd_mem_free(vm->h->mem, chars.v);
        return -1;
    }
    int64_t i = 0, j = c.n;
#define STRIPPED(x) (chars.v ? memchr_u32(chars.v, chars.n, (x)) : is_space(x))
    while ((which & 1) && i < j && STRIPPED(c.v[i]))
        i++;
    while ((which & 2) && j > i && STRIPPED(c.v[j - 1]))
        j--;
#undef STRIPPED
    int rc = (i == 0 && j == c.n) ? ret(self, out) : str_of(vm, c.v + i, j - i, out);
    hd_mem_free(vm->h->mem, c.v);
    hd_mem_free(vm->h->mem, chars.v);
    return rc;
}

int m_str_strip(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return strip(vm, self, 3, "strip", args, nargs, kwnames, out);
}

int m_str_lstrip(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return strip(vm, self, 1, "lstrip", args, nargs, kwnames, out);
}

int m_str_rstrip(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return strip(vm, self, 2, "rstrip", args, nargs, kwnames, out);
}

static int64_t find_cps(const cps_t *h, const cps_t *n, int64_t from)
{
    for (int64_t i = from; i + n->n <= h->n; i++) {
        int64_t k = 0;
        while (k < n->n && h->v[i + k] == n->v[k])
            k++;
        if (k == n->n)
            return i;
    }
    return -1;
}

static int split_push(sc_vm_t *vm, hd_obj_t *list, const uint32_t *v, int64_t n)
{
    hd_obj_t *s;
    if (str_of(vm, v, n, &s))
        return -1;
    /* SPLIT_ADD: into the preallocated slots, then appended */
    hd_list_obj_t *l = (hd_list_obj_t *)list;
    if (l->size < l->allocated) {
        l->items[l->size++] = s;
        return 0;
    }
    int rc = hdrc(vm, hd_list_append(vm->h, list, s));
    hd__decref(vm->h, s);
    return rc;
}

int m_str_split(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    cps_t c, sep = {NULL, 0};
    int64_t maxsplit = -1;
    if (nargs_ok(vm, "split", nargs, kwnames, 0, 2) ||
        (nargs > 1 && (args[1]->type != HD_T_INT || hd_int_to_i64(args[1], &maxsplit))))
        return -1;
    if (nargs && args[0] != vm->h->none) {
        if (need_str(vm, args[0], "must be str or None, not") || cps_of(vm, args[0], &sep))
            return -1;
        if (sep.n == 0) {
            hd_mem_free(vm->h->mem, sep.v);
            return sc_raise(vm, EXC_VALUEERROR, "empty separator");
        }
    }
    /* PyList_New(PREALLOC_SIZE(maxsplit)): at most 12 slots */
    if (cps_of(vm, self, &c) ||
        hdrc(vm,
             sc_list_prealloc(vm->h, maxsplit >= 0 && maxsplit < 12 ? maxsplit + 1 : 12, out))) {
        hd_mem_free(vm->h->mem, sep.v);
        return -1;
    }
    int rc = 0;
    int64_t i = 0, splits = 0;
    if (sep.v) {
        for (;;) {
            int64_t j = (maxsplit < 0 || splits < maxsplit) ? find_cps(&c, &sep, i) : -1;
            if (j < 0) {
                rc = split_push(vm, *out, c.v + i, c.n - i);
                break;
            }
            if ((rc = split_push(vm, *out, c.v + i, j - i)))
                break;
            i = j + sep.n;
            splits++;
        }
    } else {
        while (!rc) {
            while (i < c.n && is_space(c.v[i]))
                i++;
            if (i >= c.n)
                break;
            int64_t j = i;
            if (maxsplit >= 0 && splits >= maxsplit) {
                int64_t e = c.n;
                while (e > i && is_space(c.v[e - 1]))
                    e--;
                rc = split_push(vm, *out, c.v + i, e - i);
                break;
            }
            while (j < c.n && !is_space(c.v[j]))
                j++;
            rc = split_push(vm, *out, c.v + i, j - i);
            i = j;
            splits++;
        }
    }
    hd_mem_free(vm->h->mem, c.v);
    hd_mem_free(vm->h->mem, sep.v);
    if (rc)
        hd__decref(vm->h, *out);
    return rc;
}

int m_str_replace(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    cps_t c, a, b;
    int64_t count = -1;
    if (nargs_ok(vm, "replace", nargs, kwnames, 2, 3) ||
        need_str(vm, args[0], "replace() argument 1") ||
        need_str(vm, args[1], "replace() argument 2") ||
        (nargs == 3 && hd_int_to_i64(args[2], &count)))
        return -1;
    if (cps_of(vm, self, &c))
        return -1;
    if (cps_of(vm, args[0], &a) || cps_of(vm, args[1], &b)) {
        hd_mem_free(vm->h->mem, c.v);
        return -1;
    }
    uint32_t *o = hd_mem_malloc(vm->h->mem, (size_t)(c.n * (b.n + 1) + b.n + 1) * 4);
    int64_t n = 0, i = 0, done = 0;
    while (o && i <= c.n) {
        int64_t j =
            (count < 0 || done < count) ? (a.n ? find_cps(&c, &a, i) : (i <= c.n ? i : -1)) : -1;
        if (j < 0 || (a.n == 0 && i > c.n)) {
            memcpy(o + n, c.v + i, (size_t)(c.n - i) * 4);
            n += c.n - i;
            break;
        }
        memcpy(o + n, c.v + i, (size_t)(j - i) * 4);
        n += j - i;
        memcpy(o + n, b.v, (size_t)b.n * 4);
        n += b.n;
        done++;
        if (a.n == 0) {
            if (j < c.n)
                o[n++] = c.v[j];
            i = j + 1;
            if (i > c.n)
                break;
        } else {
            i = j + a.n;
        }
    }
    int rc = o ? (done == 0 ? ret(self, out) : str_of(vm, o, n, out)) : sc_nomem(vm, HD_ENOMEM);
    hd_mem_free(vm->h->mem, o);
    hd_mem_free(vm->h->mem, c.v);
    hd_mem_free(vm->h->mem, a.v);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

static int affix(sc_vm_t *vm, hd_obj_t *self, bool start, SC_ARGS)
{
    const char *name = start ? "startswith" : "endswith";
    if (nargs_ok(vm, name, nargs, kwnames, 1, 1))
        return -1;
    hd_obj_t *one[1] = {args[0]}, **cands = one;
    int64_t n = 1;
    if (args[0]->type == HD_T_TUPLE) {
        cands = ((hd_tuple_obj_t *)args[0])->items;
        n = hd_len(args[0]);
    }
    int64_t sl = hd_len(self);
    for (int64_t k = 0; k < n; k++) {
        hd_obj_t *p = cands[k];
        if (p->type != HD_T_STR)
            return sc_raise(vm, EXC_TYPEERROR, "%s first arg must be str or a tuple of str, not %s",
                            name, sc_tname(vm, p));
        int64_t pl = hd_len(p);
        if (pl > sl)
            continue;
        int64_t off = start ? 0 : sl - pl, i = 0;
        while (i < pl && hd__str_char(self, off + i) == hd__str_char(p, i))
            i++;
        if (i == pl) {
            hd_bool(vm->h, true, out);
            return 0;
        }
    }
    hd_bool(vm->h, false, out);
    return 0;
}

int m_str_startswith(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return affix(vm, self, true, args, nargs, kwnames, out);
}

int m_str_endswith(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return affix(vm, self, false, args, nargs, kwnames, out);
}

static int find_count(sc_vm_t *vm, hd_obj_t *self, bool count, SC_ARGS)
{
    cps_t c, n;
    if (nargs_ok(vm, count ? "count" : "find", nargs, kwnames, 1, 1) ||
        need_str(vm, args[0], "must be str, not"))
        return -1;
    if (cps_of(vm, self, &c))
        return -1;
    if (cps_of(vm, args[0], &n)) {
        hd_mem_free(vm->h->mem, c.v);
        return -1;
    }
    int64_t r = find_cps(&c, &n, 0);
    if (count) {
        int64_t k = 0;
        for (int64_t i = 0; (r = find_cps(&c, &n, i)) >= 0 && i <= c.n; k++)
            i = r + (n.n ? n.n : 1);
        r = k;
    }
    hd_mem_free(vm->h->mem, c.v);
    hd_mem_free(vm->h->mem, n.v);
    return sc_int_ssize(vm, r, out);
}

int m_str_find(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return find_count(vm, self, false, args, nargs, kwnames, out);
}

int m_str_count(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return find_count(vm, self, true, args, nargs, kwnames, out);
}

static int classify(sc_vm_t *vm, hd_obj_t *self, bool digits, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, digits ? "str.isdigit" : "str.isalpha", nargs, kwnames, 0, 0))
        return -1;
    int64_t n = hd_len(self);
    bool ok = n > 0;
    for (int64_t i = 0; i < n && ok; i++) {
        uint32_t c = hd__str_char(self, i);
        ok = digits ? (c >= '0' && c <= '9') : ((c | 32) >= 'a' && (c | 32) <= 'z');
    }
    hd_bool(vm->h, ok, out);
    return 0;
}

int m_str_isdigit(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return classify(vm, self, true, args, nargs, kwnames, out);
}

int m_str_isalpha(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return classify(vm, self, false, args, nargs, kwnames, out);
}

static int justify(sc_vm_t *vm, hd_obj_t *self, char align, const char *name, SC_ARGS)
{
    int64_t width;
    uint32_t fill = ' ';
    if (nargs_ok(vm, name, nargs, kwnames, 1, 2) || hd_int_to_i64(args[0], &width))
        return -1;
    if (nargs == 2) {
        if (args[1]->type != HD_T_STR || hd_len(args[1]) != 1)
            return sc_raise(vm, EXC_TYPEERROR,
                            "The fill character must be exactly one character long");
        fill = hd__str_char(args[1], 0);
    }
    int64_t n = hd_len(self);
    if (width <= n)
        return ret(self, out);
    if (width > (1 << 26))
        return sc_raise(vm, EXC_MEMORYERROR, "%s", "");
    uint32_t *v = hd_mem_malloc(vm->h->mem, (size_t)(width + 1) * 4);
    if (!v)
        return sc_nomem(vm, HD_ENOMEM);
    int64_t pad = width - n;
    int64_t left = align == '<' ? 0 : align == '>' ? pad : pad / 2 + (pad & width & 1);
    for (int64_t i = 0; i < width; i++)
        v[i] = fill;
    for (int64_t i = 0; i < n; i++)
        v[left + i] = hd__str_char(self, i);
    int rc = str_of(vm, v, width, out);
    hd_mem_free(vm->h->mem, v);
    return rc;
}

int m_str_ljust(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return justify(vm, self, '<', "ljust", args, nargs, kwnames, out);
}

int m_str_rjust(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return justify(vm, self, '>', "rjust", args, nargs, kwnames, out);
}

int m_str_center(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return justify(vm, self, '^', "center", args, nargs, kwnames, out);
}

int m_str_zfill(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int64_t width;
    if (nargs_ok(vm, "zfill", nargs, kwnames, 1, 1) || hd_int_to_i64(args[0], &width))
        return -1;
    int64_t n = hd_len(self);
    if (width <= n)
        return ret(self, out);
    if (width > (1 << 26))
        return sc_raise(vm, EXC_MEMORYERROR, "%s", "");
    uint32_t *v = hd_mem_malloc(vm->h->mem, (size_t)(width + 1) * 4);
    if (!v)
        return sc_nomem(vm, HD_ENOMEM);
    int64_t pad = width - n, k = 0;
    uint32_t first = n ? hd__str_char(self, 0) : 0;
    bool sign = first == '+' || first == '-';
    if (sign)
        v[k++] = first;
    for (int64_t i = 0; i < pad; i++)
        v[k++] = '0';
    for (int64_t i = sign ? 1 : 0; i < n; i++)
        v[k++] = hd__str_char(self, i);
    int rc = str_of(vm, v, width, out);
    hd_mem_free(vm->h->mem, v);
    return rc;
}

/* str.format: fields {index|name[.attr|[key]]...[!c][:spec]}. `whole` (not
 * NULL when the field is the whole template) receives a str CPython's
 * writer returns as it is (readonly): the str itself for an empty spec, or
 * what PyObject_Format made (a bool's static str for an empty spec). */
static int format_field(sc_vm_t *vm, const char *f, size_t len, hd_obj_t *const *args, int npos,
                        hd_obj_t *const *kwvals, hd_obj_t *kwnames, int *autonum, sc_buf_t *b,
                        hd_obj_t **whole, sc_temps_t *temps)
{
    size_t i = 0;
    char name[128];
    size_t nl = 0;
    while (i < len && f[i] != '.' && f[i] != '[' && f[i] != '!' && f[i] != ':' && nl < 127)
        name[nl++] = f[i++];
    name[nl] = '\0';
    hd_obj_t *v = NULL;
    if (nl == 0 || (name[0] >= '0' && name[0] <= '9')) {
        int idx = nl ? atoi(name) : (*autonum)++;
        if (idx >= npos)
            return sc_raise(vm, EXC_INDEXERROR,
                            "Replacement index %d out of range for positional "
                            "args tuple",
                            idx);
        v = args[idx];
    } else {
        int nkw = kwnames ? (int)hd_len(kwnames) : 0;
        for (int k = 0; k < nkw && !v; k++) {
            char kb[128];
            hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[k], kb, sizeof(kb));
            if (strcmp(kb, name) == 0)
                v = kwvals[k];
        }
        if (!v)
            return sc_raise(vm, EXC_KEYERROR, "'%s'", name);
    }
    hd__incref(v);
    while (i < len && (f[i] == '.' || f[i] == '[')) {
        char part[128];
        size_t pl = 0;
        bool attr = f[i++] == '.';
        while (i < len && f[i] != '.' && f[i] != '[' && f[i] != ']' && f[i] != '!' && f[i] != ':' &&
               pl < 127)
            part[pl++] = f[i++];
        part[pl] = '\0';
        if (!attr)
            i++; /* ']' */
        hd_obj_t *nv;
        int rc;
        if (attr) {
            rc = sc_getattr(vm, v, part, NULL, &nv);
        } else {
            hd_obj_t *key;
            bool digits = pl && strspn(part, "0123456789") == pl;
            rc = digits ? sc_int_new(vm, atoll(part), &key) : sc_str_new(vm, part, pl, &key);
            if (!rc) {
                rc = sc_getitem(vm, v, key, &nv);
                hd__decref(vm->h, key);
            }
        }
        hd__decref(vm->h, v);
        if (rc)
            return -1;
        v = nv;
    }
    char conv = 0;
    if (i + 1 < len && f[i] == '!') {
        conv = f[i + 1];
        i += 2;
    }
    char spec[128] = "";
    if (i < len && f[i] == ':') {
        size_t sl = len - i - 1 < 127 ? len - i - 1 : 127;
        memcpy(spec, f + i + 1, sl);
        spec[sl] = '\0';
    }
    int rc;
    if (conv == 'r' || conv == 's' || conv == 'a') {
        hd_obj_t *c;
        rc = conv == 's' ? sc_str(vm, v, &c) : sc_repr(vm, v, &c);
        hd__decref(vm->h, v);
        if (rc)
            return -1;
        v = c;
    }
    if (v->type != HD_T_STR && v->type != HD_T_INT && v->type != HD_T_FLOAT)
        return sc_format_field_obj(vm, v, spec, b, whole); /* render_field's PyObject_Format */
    if (whole && !spec[0] && v->type == HD_T_STR) {        /* the str itself */
        *whole = v;
        return 0;
    }
    rc = sc_field_temps(vm, v, spec, temps) ? -1 : sc_format_buf(vm, v, spec, b);
    hd__decref(vm->h, v);
    return rc;
}

int m_str_format(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw, autonum = 0;
    size_t len;
    char *f = sc_str_utf8(vm, self, &len);
    if (!f)
        return sc_nomem(vm, HD_ENOMEM);
    sc_buf_t b = {0};
    hd_obj_t *whole = NULL;
    int rc = 0;
    /* build_string's writer (while tracing): min_length the template's
     * length + 100, over-allocating until the last piece; b's text past lit
     * is not yet written to it */
    sc_writer_t w = {.overallocate = true, .min_length = hd_len(self) + 100};
    size_t lit = 0;
    for (size_t i = 0; i < len && !rc;) {
        if (f[i] == '{' && i + 1 < len && f[i + 1] == '{') {
            rc = sc_buf_put(vm, &b, "{", 1);
            i += 2;
        } else if (f[i] == '}' && i + 1 < len && f[i + 1] == '}') {
            rc = sc_buf_put(vm, &b, "}", 1);
            i += 2;
        } else if (f[i] == '{') {
            size_t j = i + 1;
            int depth = 1;
            while (j < len && depth) {
                depth += f[j] == '{' ? 1 : f[j] == '}' ? -1 : 0;
                if (depth)
                    j++;
            }
            if (j >= len) {
                rc = sc_raise(vm, EXC_VALUEERROR, "expected '}' before end of string");
                break;
            }
            rc = sc_writer_sync(vm, &w, &b, &lit);
            w.overallocate = j + 1 < len;
            sc_temps_t t = {0}; /* an int's or a float's, until it is written */
            if (!rc)
                rc = format_field(vm, f + i + 1, j - i - 1, args, npos, args + npos, kwnames,
                                  &autonum, &b, i == 0 && j + 1 == len ? &whole : NULL, &t);
            if (!rc && t.fast && i == 0 && j + 1 == len) { /* the writer's readonly result */
                rc = t.str ? (whole = t.str, t.str = NULL, 0) : sc_str_new(vm, b.v, b.n, &whole);
                lit = b.n;
            } else if (!rc)
                rc = sc_writer_sync(vm, &w, &b, &lit);
            sc_temps_close(vm, &t);
            i = j + 1;
        } else if (f[i] == '}') {
            rc = sc_raise(vm, EXC_VALUEERROR, "Single '}' encountered in format string");
        } else {
            rc = sc_buf_put(vm, &b, &f[i], 1);
            i++;
        }
    }
    hd_mem_free(vm->h->mem, f);
    w.overallocate = false;
    if (!rc)
        rc = sc_writer_sync(vm, &w, &b, &lit);
    sc_writer_close(vm, &w);
    if (!rc && whole)
        *out = whole;
    else if (!rc)
        rc = sc_str_new(vm, b.v ? b.v : "", b.n, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

/* ---- int, float, bytes ---- */

int m_int_bit_length(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "int.bit_length", nargs, kwnames, 0, 0))
        return -1;
    hd_int_obj_t *io = (hd_int_obj_t *)self;
    int64_t nd = io->size < 0 ? -io->size : io->size, bits = 0;
    if (nd) {
        bits = (nd - 1) * 30;
        for (uint32_t top = io->digits[nd - 1]; top; top >>= 1)
            bits++;
    }
    return sc_int_new(vm, bits, out);
}

int m_float_is_integer(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "float.is_integer", nargs, kwnames, 0, 0))
        return -1;
    double v = ((hd_float_obj_t *)self)->value;
    hd_bool(vm->h, v == (double)(int64_t)v, out);
    return 0;
}

int m_bytes_decode(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nargs_ok(vm, "decode", nargs, kwnames, 0, 2))
        return -1;
    hd_bytes_obj_t *b = (hd_bytes_obj_t *)self;
    return sc_str_new(vm, b->data, (size_t)b->size, out);
}
