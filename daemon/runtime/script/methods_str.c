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
    if (sc_nargs_ok(vm, "split", nargs, kwnames, 0, 2) ||
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

static int find_count(sc_vm_t *vm, hd_obj_t *self, bool count, SC_ARGS)
{
    cps_t c, n;
    if (sc_nargs_ok(vm, count ? "count" : "find", nargs, kwnames, 1, 1) ||
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
    return sc_int_new(vm, r, out);
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

/* str.format: fields {index|name[.attr|[key]]...[!c][:spec]} */
static int format_field(sc_vm_t *vm, const char *f, size_t len, hd_obj_t *const *args, int npos,
                        hd_obj_t *const *kwvals, hd_obj_t *kwnames, int *autonum, sc_buf_t *b)
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
    rc = sc_format_buf(vm, v, spec, b);
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
    int rc = 0;
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
            rc = format_field(vm, f + i + 1, j - i - 1, args, npos, args + npos, kwnames, &autonum,
                              &b);
            i = j + 1;
        } else if (f[i] == '}') {
            rc = sc_raise(vm, EXC_VALUEERROR, "Single '}' encountered in format string");
        } else {
            rc = sc_buf_put(vm, &b, &f[i], 1);
            i++;
        }
    }
    hd_mem_free(vm->h->mem, f);
    if (!rc)
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
