/*
 * methods_str.c: the methods of str, int, float and bytes with CPython
 * 3.11's results and messages (the other builtin types': methods.c). Each
 * is a shared method descriptor (builtins_list.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "impl.h"
#include "vm.h"

#define SC_ARGS_IN hd_obj_t *const *args, int nargs, hd_obj_t *kwnames

static int ret(hd_obj_t *v, hd_obj_t **out)
{
    hd__incref(v);
    *out = v;
    return 0;
}

static int hdrc(sc_vm_t *vm, int rc)
{
    return rc ? sc_nomem(vm, rc) : 0;
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
    if (sc_nargs_ok(vm, "str.join", nargs, kwnames, 1, 1))
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
    if (sc_nargs_ok(vm, upper ? "str.upper" : "str.lower", nargs, kwnames, 0, 0) ||
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

/* is_space: Py_UNICODE_ISSPACE (the bidirectional types WS, B and S and
 * the category Zs: Unicode 14's list) */
static bool is_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85 ||
           c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000;
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
    if (sc_nargs_ok(vm, name, nargs, kwnames, 0, 1))
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

/* rfind_cps: the last occurrence of n inside h[lo, hi), or -1 */
static int64_t rfind_cps(const cps_t *h, const cps_t *n, int64_t lo, int64_t hi)
{
    for (int64_t i = hi - n->n; i >= lo; i--) {
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

/* split_args: split()/rsplit()'s (sep=None, maxsplit=-1), positional or
 * by keyword, with Argument Clinic's messages; *sep NULL for None */
static int split_args(sc_vm_t *vm, const char *name, SC_ARGS_IN, hd_obj_t **sep, int64_t *maxsplit)
{
    static const char *const names[] = {"sep", "maxsplit"};
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw;
    hd_obj_t *v[2] = {NULL, NULL};
    if (nargs > 2)
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes at most 2 arguments (%d given)", name,
                        nargs);
    for (int i = 0; i < npos; i++)
        v[i] = args[i];
    for (int i = 0; i < nkw; i++) {
        char buf[64];
        hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[i], buf, sizeof(buf));
        int k = strcmp(buf, names[0]) == 0 ? 0 : strcmp(buf, names[1]) == 0 ? 1 : -1;
        if (k < 0)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' is an invalid keyword argument for %s()", buf,
                            name);
        if (v[k])
            return sc_raise(vm, EXC_TYPEERROR,
                            "argument for %s() given by name ('%s') and position (%d)", name,
                            names[k], k + 1);
        v[k] = args[npos + i];
    }
    *sep = v[0] && v[0] != vm->h->none ? v[0] : NULL;
    *maxsplit = -1;
    if (v[1]) {
        if (v[1]->type != HD_T_INT && v[1]->type != HD_T_BOOL)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                            sc_tname(vm, v[1]));
        if (hd_int_to_i64(v[1], maxsplit))
            return sc_raise(vm, EXC_OVERFLOWERROR, "Python int too large to convert to C ssize_t");
    }
    if (*sep && (*sep)->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "must be str or None, not %s", sc_tname(vm, *sep));
    if (*maxsplit < 0)
        *maxsplit = INT64_MAX;
    return 0;
}

/* split_add: SPLIT_ADD of c[a:b] */
static int split_add(sc_vm_t *vm, hd_obj_t *list, const cps_t *c, int64_t a, int64_t b,
                     int64_t *count)
{
    (*count)++;
    return split_push(vm, list, c->v + a, b - a);
}

/* the list of one item, self: PyList_New(1) (a separator longer than the
 * text) or a preallocated list whose first slot takes self (no split) */
static int list_of_self(sc_vm_t *vm, hd_obj_t *self, int64_t slots, hd_obj_t **out)
{
    if (hdrc(vm, sc_list_prealloc(vm->h, slots, out)))
        return -1;
    hd_list_obj_t *l = (hd_list_obj_t *)*out;
    hd__incref(l->items[0] = self);
    l->size = 1;
    return 0;
}

/* do_split: stringlib's split, split_whitespace, rsplit and
 * rsplit_whitespace: PyList_New(PREALLOC_SIZE(maxcount)) (at most 12
 * slots, filled, then appended to), self itself when nothing splits, and
 * rsplit's list reversed at the end */
static int do_split(sc_vm_t *vm, hd_obj_t *self, bool right, SC_ARGS)
{
    hd_obj_t *sepo = NULL;
    int64_t maxcount = -1;
    cps_t c = {NULL, 0}, sep = {NULL, 0};
    if (split_args(vm, right ? "rsplit" : "split", args, nargs, kwnames, &sepo, &maxcount))
        return -1;
    int64_t len1 = hd_len(self), prealloc = maxcount >= 12 ? 12 : maxcount + 1;
    if (sepo && hd_len(sepo) > len1)
        return list_of_self(vm, self, 1, out);
    if (sepo && hd_len(sepo) == 0)
        return sc_raise(vm, EXC_VALUEERROR, "empty separator");
    if (cps_of(vm, self, &c) || (sepo && cps_of(vm, sepo, &sep))) {
        hd_mem_free(vm->h->mem, c.v);
        return -1;
    }
    *out = NULL;
    int rc = hdrc(vm, sc_list_prealloc(vm->h, prealloc, out));
    int64_t n = c.n, count = 0, i = 0, j = 0;
    bool whole = false;
    if (rc) {
        /* nothing */
    } else if (sepo && !right) {
        for (i = 0; maxcount-- > 0; i = j + sep.n) {
            if ((j = find_cps(&c, &sep, i)) < 0 || (rc = split_add(vm, *out, &c, i, j, &count)))
                break;
        }
        if (!rc) {
            if (count == 0)
                whole = true;
            else
                rc = split_add(vm, *out, &c, i, n, &count);
        }
    } else if (sepo) {
        for (j = n; maxcount-- > 0; j = i) {
            if ((i = rfind_cps(&c, &sep, 0, j)) < 0 ||
                (rc = split_add(vm, *out, &c, i + sep.n, j, &count)))
                break;
        }
        if (!rc) {
            if (count == 0)
                whole = true;
            else
                rc = split_add(vm, *out, &c, 0, j, &count);
        }
    } else if (!right) {
        for (i = 0; maxcount-- > 0;) {
            while (i < n && is_space(c.v[i]))
                i++;
            if (i == n)
                break;
            j = i++;
            while (i < n && !is_space(c.v[i]))
                i++;
            if (j == 0 && i == n) {
                whole = true;
                break;
            }
            if ((rc = split_add(vm, *out, &c, j, i, &count)))
                break;
        }
        if (!rc && !whole && i < n) {
            while (i < n && is_space(c.v[i]))
                i++;
            if (i != n)
                rc = split_add(vm, *out, &c, i, n, &count);
        }
    } else {
        for (i = n - 1; maxcount-- > 0;) {
            while (i >= 0 && is_space(c.v[i]))
                i--;
            if (i < 0)
                break;
            j = i--;
            while (i >= 0 && !is_space(c.v[i]))
                i--;
            if (j == n - 1 && i < 0) {
                whole = true;
                break;
            }
            if ((rc = split_add(vm, *out, &c, i + 1, j + 1, &count)))
                break;
        }
        if (!rc && !whole && i >= 0) {
            while (i >= 0 && is_space(c.v[i]))
                i--;
            if (i >= 0)
                rc = split_add(vm, *out, &c, 0, i + 1, &count);
        }
    }
    hd_mem_free(vm->h->mem, c.v);
    hd_mem_free(vm->h->mem, sep.v);
    if (rc) {
        if (*out)
            hd__decref(vm->h, *out);
        return -1;
    }
    hd_list_obj_t *l = (hd_list_obj_t *)*out;
    if (whole) {
        hd__incref(l->items[0] = self);
        l->size = 1;
    }
    for (int64_t a = 0, b = l->size - 1; right && a < b; a++, b--) {
        hd_obj_t *t = l->items[a];
        l->items[a] = l->items[b];
        l->items[b] = t;
    }
    return 0;
}

int m_str_split(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return do_split(vm, self, false, args, nargs, kwnames, out);
}

int m_str_rsplit(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return do_split(vm, self, true, args, nargs, kwnames, out);
}

int m_str_replace(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    cps_t c, a, b;
    int64_t count = -1;
    if (sc_nargs_ok(vm, "replace", nargs, kwnames, 2, 3) ||
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
    if (sc_nargs_ok(vm, name, nargs, kwnames, 1, 1))
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

/* slice_index: _PyEval_SliceIndex: None keeps *v, an int is clamped to
 * the ssize_t range */
static int slice_index(sc_vm_t *vm, hd_obj_t *o, int64_t *v)
{
    if (o == vm->h->none)
        return 0;
    if (o->type != HD_T_INT && o->type != HD_T_BOOL)
        return sc_raise(vm, EXC_TYPEERROR,
                        "slice indices must be integers or None or have an __index__ method");
    if (hd_int_to_i64(o, v)) {
        hd_obj_t *zero;
        sc_err_t err;
        if (sc_int_new(vm, 0, &zero))
            return -1;
        int neg = sc_compare_bool(vm->h, CO_LT, o, zero, &err);
        hd__decref(vm->h, zero);
        *v = neg > 0 ? INT64_MIN : INT64_MAX;
    }
    return 0;
}

enum { F_FIND, F_RFIND, F_INDEX, F_RINDEX, F_COUNT };

/* finds: find, rfind, index, rindex and count (METH_VARARGS, "O|OO"):
 * sub[, start[, end]] with ADJUST_INDICES, as any_find_slice and
 * unicode_count do it */
static int finds(sc_vm_t *vm, hd_obj_t *self, int mode, SC_ARGS)
{
    static const char *const names[] = {"find", "rfind", "index", "rindex", "count"};
    const char *name = names[mode];
    if (kwnames && hd_len(kwnames))
        return sc_raise(vm, EXC_TYPEERROR, "str.%s() takes no keyword arguments", name);
    if (nargs < 1 || nargs > 3)
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes at %s %d argument%s (%d given)", name,
                        nargs < 1 ? "least" : "most", nargs < 1 ? 1 : 3, nargs < 1 ? "" : "s",
                        nargs);
    int64_t len = hd_len(self), start = 0, end = INT64_MAX, r = -1;
    if ((nargs > 1 && slice_index(vm, args[1], &start)) ||
        (nargs > 2 && slice_index(vm, args[2], &end)) || need_str(vm, args[0], "must be str, not"))
        return -1;
    if (end > len)
        end = len;
    else if (end < 0 && (end += len) < 0)
        end = 0;
    if (start < 0 && (start += len) < 0)
        start = 0;
    int64_t sublen = hd_len(args[0]);
    if (end - start >= sublen) {
        cps_t c, n;
        if (cps_of(vm, self, &c))
            return -1;
        if (cps_of(vm, args[0], &n)) {
            hd_mem_free(vm->h->mem, c.v);
            return -1;
        }
        c.n = end; /* the text up to end */
        if (mode == F_COUNT) {
            r = 0;
            if (sublen == 0)
                r = end - start + 1;
            for (int64_t i = start; sublen && (i = find_cps(&c, &n, i)) >= 0; i += sublen)
                r++;
        } else if (mode == F_FIND || mode == F_INDEX) {
            r = find_cps(&c, &n, start);
        } else {
            r = rfind_cps(&c, &n, start, end);
        }
        hd_mem_free(vm->h->mem, c.v);
        hd_mem_free(vm->h->mem, n.v);
    } else if (mode == F_COUNT) {
        r = 0;
    }
    if (r < 0 && (mode == F_INDEX || mode == F_RINDEX))
        return sc_raise(vm, EXC_VALUEERROR, "substring not found");
    return sc_int_ssize(vm, r, out);
}

int m_str_find(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return finds(vm, self, F_FIND, args, nargs, kwnames, out);
}

int m_str_rfind(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return finds(vm, self, F_RFIND, args, nargs, kwnames, out);
}

int m_str_index(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return finds(vm, self, F_INDEX, args, nargs, kwnames, out);
}

int m_str_rindex(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return finds(vm, self, F_RINDEX, args, nargs, kwnames, out);
}

int m_str_count(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return finds(vm, self, F_COUNT, args, nargs, kwnames, out);
}

/* ---- partition, splitlines, removeprefix ---- */

/* do_partition: PyUnicode_Partition / RPartition: a separator longer than
 * the text gives PyTuple_Pack(3, ...) of self and two empty strings; else
 * stringlib's: PyTuple_New(3), then the head, the separator itself and the
 * tail (self and the empty strings when it is not found) */
static int do_partition(sc_vm_t *vm, hd_obj_t *self, bool right, SC_ARGS)
{
    if (sc_nargs_ok(vm, right ? "str.rpartition" : "str.partition", nargs, kwnames, 1, 1) ||
        need_str(vm, args[0], "must be str, not"))
        return -1;
    hd_obj_t *sepo = args[0], *empty, *t;
    if (hdrc(vm, hd__str_from_cps(vm->h, NULL, 0, &empty)))
        return -1;
    int64_t len = hd_len(self), seplen = hd_len(sepo);
    if (seplen == 0 && len >= seplen) {
        hd__decref(vm->h, empty);
        return sc_raise(vm, EXC_VALUEERROR, "empty separator");
    }
    if (hdrc(vm, hd__tuple_new_filled(vm->h, 3, vm->h->none, &t))) {
        hd__decref(vm->h, empty);
        return -1;
    }
    hd_obj_t **items = ((hd_tuple_obj_t *)t)->items;
    cps_t c = {NULL, 0}, sep = {NULL, 0};
    int64_t pos = -1;
    int rc = 0;
    if (seplen <= len) {
        rc = cps_of(vm, self, &c) || cps_of(vm, sepo, &sep);
        if (!rc)
            pos = right ? rfind_cps(&c, &sep, 0, c.n) : find_cps(&c, &sep, 0);
    }
    hd_obj_t *v[3] = {NULL, NULL, NULL};
    if (rc) {
        /* nothing */
    } else if (pos < 0) {
        hd__incref(v[right ? 2 : 0] = self);
        hd__incref(v[1] = empty);
        hd__incref(v[right ? 0 : 2] = empty);
    } else if (!str_of(vm, c.v, pos, &v[0])) {
        hd__incref(v[1] = sepo);
        rc = str_of(vm, c.v + pos + seplen, c.n - pos - seplen, &v[2]);
    } else {
        rc = -1;
    }
    for (int k = 0; k < 3; k++) {
        if (v[k]) {
            items[k] = v[k];
            hd__decref(vm->h, vm->h->none);
        }
    }
    hd_mem_free(vm->h->mem, c.v);
    hd_mem_free(vm->h->mem, sep.v);
    hd__decref(vm->h, empty);
    if (rc) {
        hd__decref(vm->h, t);
        return -1;
    }
    *out = t;
    return 0;
}

int m_str_partition(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return do_partition(vm, self, false, args, nargs, kwnames, out);
}

int m_str_rpartition(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return do_partition(vm, self, true, args, nargs, kwnames, out);
}

static bool is_linebreak(uint32_t c)
{
    return (c >= '\n' && c <= '\r') || (c >= 0x1c && c <= 0x1e) || c == 0x85 || c == 0x2028 ||
           c == 0x2029;
}

/* splitlines(keepends=False): PyList_New(0) and one append per line
 * (\r\n is one break); a text without a break is the list of itself */
int m_str_splitlines(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw;
    hd_obj_t *keep = npos ? args[0] : NULL;
    if (nargs > 1)
        return sc_raise(vm, EXC_TYPEERROR, "splitlines() takes at most 1 %sargument (%d given)",
                        npos ? "" : "keyword ", nargs);
    if (nkw) {
        char buf[64];
        hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[0], buf, sizeof(buf));
        if (strcmp(buf, "keepends") != 0)
            return sc_raise(vm, EXC_TYPEERROR,
                            "'%s' is an invalid keyword argument for splitlines()", buf);
        keep = args[0];
    }
    int64_t keepends = 0;
    if (keep) {
        if (keep->type != HD_T_INT && keep->type != HD_T_BOOL)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                            sc_tname(vm, keep));
        if (hd_int_to_i64(keep, &keepends))
            keepends = 1;
    }
    cps_t c;
    if (cps_of(vm, self, &c))
        return -1;
    int rc = hdrc(vm, hd_list_new(vm->h, 0, NULL, out));
    for (int64_t i = 0, j = 0; !rc && i < c.n; j = i) {
        while (i < c.n && !is_linebreak(c.v[i]))
            i++;
        int64_t eol = i;
        if (i < c.n) {
            i += (c.v[i] == '\r' && i + 1 < c.n && c.v[i + 1] == '\n') ? 2 : 1;
            if (keepends)
                eol = i;
        }
        if (j == 0 && eol == c.n) {
            rc = hdrc(vm, hd_list_append(vm->h, *out, self));
            break;
        }
        hd_obj_t *line;
        if (!(rc = str_of(vm, c.v + j, eol - j, &line))) {
            rc = hdrc(vm, hd_list_append(vm->h, *out, line));
            hd__decref(vm->h, line);
        }
    }
    hd_mem_free(vm->h->mem, c.v);
    if (rc && *out)
        hd__decref(vm->h, *out);
    return rc ? -1 : 0;
}

/* removeprefix / removesuffix: PyUnicode_Substring of the rest, or self */
static int remove_affix(sc_vm_t *vm, hd_obj_t *self, bool prefix, SC_ARGS)
{
    const char *name = prefix ? "removeprefix" : "removesuffix";
    char qual[32];
    snprintf(qual, sizeof(qual), "str.%s", name);
    if (sc_nargs_ok(vm, qual, nargs, kwnames, 1, 1))
        return -1;
    hd_obj_t *a = args[0];
    if (a->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "%s() argument must be str, not %s", name,
                        sc_tname(vm, a));
    int64_t n = hd_len(self), k = hd_len(a), off = prefix ? 0 : n - k, i = 0;
    if (k == 0 || k > n)
        return ret(self, out);
    while (i < k && hd__str_char(self, off + i) == hd__str_char(a, i))
        i++;
    if (i < k)
        return ret(self, out);
    cps_t c;
    if (cps_of(vm, self, &c))
        return -1;
    int rc = str_of(vm, c.v + (prefix ? k : 0), n - k, out);
    hd_mem_free(vm->h->mem, c.v);
    return rc;
}

int m_str_removeprefix(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return remove_affix(vm, self, true, args, nargs, kwnames, out);
}

int m_str_removesuffix(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return remove_affix(vm, self, false, args, nargs, kwnames, out);
}

/* ---- title, capitalize, swapcase: case_operation ----
 * Its PyMem block of 3 code points per character lives while the result
 * is made. Letters are mapped in ASCII only (as str.upper here). */

enum { C_TITLE, C_CAPITALIZE, C_SWAPCASE };

static bool is_lower_ascii(uint32_t c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_upper_ascii(uint32_t c)
{
    return c >= 'A' && c <= 'Z';
}

static int case_operation(sc_vm_t *vm, hd_obj_t *self, int op, SC_ARGS)
{
    static const char *const names[] = {"str.title", "str.capitalize", "str.swapcase"};
    (void)args;
    if (sc_nargs_ok(vm, names[op], nargs, kwnames, 0, 0))
        return -1;
    cps_t c;
    int64_t n = hd_len(self);
    if (op == C_CAPITALIZE && n == 0)
        return ret(self, out);
    if (cps_of(vm, self, &c))
        return -1;
    void *tmp = NULL;
    if (n &&
        hdrc(vm, hd__block_alloc(vm->h, (size_t)n * 12, hd__type_kind(vm->h, HD_T_STR), &tmp))) {
        hd_mem_free(vm->h->mem, c.v);
        return -1;
    }
    bool prev_cased = false;
    for (int64_t i = 0; i < n; i++) {
        uint32_t x = c.v[i];
        bool up = is_upper_ascii(x), low = is_lower_ascii(x);
        if (op == C_SWAPCASE)
            c.v[i] = up ? x + 32 : low ? x - 32 : x;
        else if (op == C_CAPITALIZE)
            c.v[i] = i == 0 ? (low ? x - 32 : x) : (up ? x + 32 : x);
        else
            c.v[i] = prev_cased ? (up ? x + 32 : x) : (low ? x - 32 : x);
        prev_cased = up || low;
    }
    int rc = str_of(vm, c.v, n, out);
    if (tmp)
        hd__block_free(vm->h, tmp);
    hd_mem_free(vm->h->mem, c.v);
    return rc;
}

int m_str_title(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return case_operation(vm, self, C_TITLE, args, nargs, kwnames, out);
}

int m_str_capitalize(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return case_operation(vm, self, C_CAPITALIZE, args, nargs, kwnames, out);
}

int m_str_swapcase(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    return case_operation(vm, self, C_SWAPCASE, args, nargs, kwnames, out);
}

/* ---- encode ---- */

/* normalize_encoding: _Py_normalize_encoding: lower case, and every run of
 * characters other than letters, digits and '.' one '_' */
static void normalize_encoding(const char *e, char *out, size_t cap)
{
    size_t n = 0;
    bool punct = false;
    for (; *e && n + 2 < cap; e++) {
        unsigned char c = (unsigned char)*e;
        if ((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '.') {
            if (punct && n)
                out[n++] = '_';
            out[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            punct = false;
        } else {
            punct = true;
        }
    }
    out[n] = 0;
}

enum { ENC_UTF8, ENC_ASCII, ENC_LATIN1 };

/* encode_error: the strict handler's UnicodeEncodeError, for the run of
 * characters at pos that the codec cannot take */
static int encode_error(sc_vm_t *vm, hd_obj_t *self, int enc, int64_t pos, const char *errors)
{
    static const char *const names[] = {"utf-8", "ascii", "latin-1"};
    int64_t n = hd_len(self), end = pos + 1;
    uint32_t limit = enc == ENC_ASCII ? 0x80 : 0x100, c = hd__str_char(self, pos);
    if (strcmp(errors, "strict") != 0)
        return sc_raise(vm, EXC_VALUEERROR,
                        "the '%s' error handler is not supported by the heap script language",
                        errors);
    if (enc == ENC_UTF8) {
        while (end < n && hd__str_char(self, end) >= 0xd800 && hd__str_char(self, end) < 0xe000)
            end++;
    } else {
        while (end < n && hd__str_char(self, end) >= limit)
            end++;
    }
    const char *why = enc == ENC_UTF8    ? "surrogates not allowed"
                      : enc == ENC_ASCII ? "ordinal not in range(128)"
                                         : "ordinal not in range(256)";
    if (end - pos == 1) {
        char esc[16];
        snprintf(esc, sizeof(esc), c < 0x100 ? "\\x%02x" : c < 0x10000 ? "\\u%04x" : "\\U%08x", c);
        return sc_raise(vm, EXC_UNICODEENCODEERROR,
                        "'%s' codec can't encode character '%s' in position %lld: %s", names[enc],
                        esc, (long long)pos, why);
    }
    return sc_raise(vm, EXC_UNICODEENCODEERROR,
                    "'%s' codec can't encode characters in position %lld-%lld: %s", names[enc],
                    (long long)pos, (long long)end - 1, why);
}

/* str.encode(encoding='utf-8', errors='strict'): PyUnicode_AsEncodedString's
 * fast paths (utf-8, ascii, latin-1 and their aliases). An ASCII text (or a
 * one-byte one in latin-1) is copied into a bytes object at once; a UTF-8
 * encoding of other text goes through a _PyBytesWriter of size * 2, 3 or 4
 * bytes (the text's character width), a bytes object past its 512-byte
 * stack buffer, resized to the result */
int m_str_encode(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    static const char *const names[] = {"encoding", "errors"};
    int nkw = kwnames ? (int)hd_len(kwnames) : 0, npos = nargs - nkw;
    hd_obj_t *v[2] = {NULL, NULL};
    if (nargs > 2)
        return sc_raise(vm, EXC_TYPEERROR, "encode() takes at most 2 arguments (%d given)", nargs);
    for (int i = 0; i < npos; i++)
        v[i] = args[i];
    for (int i = 0; i < nkw; i++) {
        char buf[64];
        hd_str_utf8(((hd_tuple_obj_t *)kwnames)->items[i], buf, sizeof(buf));
        int k = strcmp(buf, names[0]) == 0 ? 0 : strcmp(buf, names[1]) == 0 ? 1 : -1;
        if (k < 0)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' is an invalid keyword argument for encode()",
                            buf);
        if (v[k])
            return sc_raise(vm, EXC_TYPEERROR,
                            "argument for encode() given by name ('%s') and position (%d)",
                            names[k], k + 1);
        v[k] = args[npos + i];
    }
    char encoding[64] = "utf-8", errors[64] = "strict", norm[64];
    for (int k = 0; k < 2; k++) {
        if (!v[k])
            continue;
        if (v[k]->type != HD_T_STR)
            return k < npos
                       ? sc_raise(vm, EXC_TYPEERROR, "encode() argument %d must be str, not %s",
                                  k + 1, sc_tname(vm, v[k]))
                       : sc_raise(vm, EXC_TYPEERROR, "encode() argument '%s' must be str, not %s",
                                  names[k], sc_tname(vm, v[k]));
        hd_str_utf8(v[k], k ? errors : encoding, sizeof(encoding));
    }
    normalize_encoding(encoding, norm, sizeof(norm));
    int enc = -1;
    if (strcmp(norm, "utf_8") == 0 || strcmp(norm, "utf8") == 0)
        enc = ENC_UTF8;
    else if (strcmp(norm, "ascii") == 0 || strcmp(norm, "us_ascii") == 0)
        enc = ENC_ASCII;
    else if (strcmp(norm, "latin1") == 0 || strcmp(norm, "latin_1") == 0 ||
             strcmp(norm, "iso_8859_1") == 0 || strcmp(norm, "iso8859_1") == 0)
        enc = ENC_LATIN1;
    if (enc < 0)
        return sc_raise(vm, EXC_VALUEERROR,
                        "the encoding '%s' is not supported by the heap script language (utf-8, "
                        "ascii, latin-1)",
                        encoding);
    int64_t n = hd_len(self);
    uint32_t maxc = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = hd__str_char(self, i);
        if (enc == ENC_UTF8 && c >= 0xd800 && c < 0xe000)
            return encode_error(vm, self, enc, i, errors);
        if ((enc == ENC_ASCII && c >= 0x80) || (enc == ENC_LATIN1 && c >= 0x100))
            return encode_error(vm, self, enc, i, errors);
        if (c > maxc)
            maxc = c;
    }
    if (enc != ENC_UTF8) {
        char *buf = hd_mem_malloc(vm->h->mem, (size_t)n + 1);
        if (!buf)
            return sc_nomem(vm, HD_ENOMEM);
        for (int64_t i = 0; i < n; i++)
            buf[i] = (char)hd__str_char(self, i);
        int rc = hdrc(vm, hd_bytes_new(vm->h, buf, (size_t)n, out));
        hd_mem_free(vm->h->mem, buf);
        return rc;
    }
    size_t cap = (size_t)n * 4 + 1;
    char *buf = hd_mem_malloc(vm->h->mem, cap);
    if (!buf)
        return sc_nomem(vm, HD_ENOMEM);
    long len = hd_str_utf8(self, buf, cap);
    void *writer = NULL;
    int64_t reserve = n * (maxc < 0x100 ? 2 : maxc < 0x10000 ? 3 : 4);
    int rc = 0;
    if (maxc >= 0x80 && reserve > 512) /* the writer's bytes object */
        rc = hdrc(vm, hd__block_alloc(vm->h, (size_t)(HD_BYTES_HEADER + 1 + reserve),
                                      hd__type_kind(vm->h, HD_T_BYTES), &writer));
    if (writer) /* _PyBytes_Resize: the old trace goes, then the new one */
        hd__block_free(vm->h, writer);
    if (!rc)
        rc = hdrc(vm, hd_bytes_new(vm->h, buf, (size_t)(len < 0 ? 0 : len), out));
    hd_mem_free(vm->h->mem, buf);
    return rc;
}

/* ---- predicates ---- */

enum { P_SPACE, P_UPPER, P_LOWER, P_ALNUM, P_ASCII, P_DECIMAL, P_NUMERIC };

/* predicate: isspace (Unicode's list), isascii, and isupper, islower,
 * isalnum, isdecimal, isnumeric classified in ASCII (as isalpha and
 * isdigit here): an empty text is false, but for isascii */
static int predicate(sc_vm_t *vm, hd_obj_t *self, int p, SC_ARGS)
{
    static const char *const names[] = {"str.isspace",  "str.isupper", "str.islower",
                                        "str.isalnum",  "str.isascii", "str.isdecimal",
                                        "str.isnumeric"};
    (void)args;
    if (sc_nargs_ok(vm, names[p], nargs, kwnames, 0, 0))
        return -1;
    int64_t n = hd_len(self);
    bool ok = n > 0 || p == P_ASCII, cased = false;
    for (int64_t i = 0; i < n && ok; i++) {
        uint32_t c = hd__str_char(self, i);
        bool digit = c >= '0' && c <= '9';
        switch (p) {
        case P_SPACE:
            ok = is_space(c);
            break;
        case P_UPPER: /* no lower-case letter, and at least one cased */
        case P_LOWER:
            ok = !(p == P_UPPER ? is_lower_ascii(c) : is_upper_ascii(c));
            cased |= is_lower_ascii(c) || is_upper_ascii(c);
            break;
        case P_ALNUM:
            ok = digit || is_lower_ascii(c) || is_upper_ascii(c);
            break;
        case P_ASCII:
            ok = c < 0x80;
            break;
        default:
            ok = digit;
        }
    }
    if (p == P_UPPER || p == P_LOWER)
        ok = ok && cased;
    hd_bool(vm->h, ok, out);
    return 0;
}

#define PREDICATE(name, p)                                                                         \
    int m_str_##name(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)                                         \
    {                                                                                              \
        return predicate(vm, self, p, args, nargs, kwnames, out);                                  \
    }
PREDICATE(isspace, P_SPACE)
PREDICATE(isupper, P_UPPER)
PREDICATE(islower, P_LOWER)
PREDICATE(isalnum, P_ALNUM)
PREDICATE(isascii, P_ASCII)
PREDICATE(isdecimal, P_DECIMAL)
PREDICATE(isnumeric, P_NUMERIC)
#undef PREDICATE

static int classify(sc_vm_t *vm, hd_obj_t *self, bool digits, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, digits ? "str.isdigit" : "str.isalpha", nargs, kwnames, 0, 0))
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
    if (sc_nargs_ok(vm, name, nargs, kwnames, 1, 2) || hd_int_to_i64(args[0], &width))
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
    if (sc_nargs_ok(vm, "zfill", nargs, kwnames, 1, 1) || hd_int_to_i64(args[0], &width))
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
    if (sc_nargs_ok(vm, "int.bit_length", nargs, kwnames, 0, 0))
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
    if (sc_nargs_ok(vm, "float.is_integer", nargs, kwnames, 0, 0))
        return -1;
    double v = ((hd_float_obj_t *)self)->value;
    hd_bool(vm->h, v == (double)(int64_t)v, out);
    return 0;
}

int m_bytes_decode(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (sc_nargs_ok(vm, "decode", nargs, kwnames, 0, 2))
        return -1;
    hd_bytes_obj_t *b = (hd_bytes_obj_t *)self;
    return sc_str_new(vm, b->data, (size_t)b->size, out);
}
