/*
 * format.c: str(), repr() and format() of every object, with CPython
 * 3.11's text.
 *
 * repr of containers follows Py_ReprEnter: an object already being
 * printed shows as [...], (...) or {...}. Nesting counts against the
 * recursion limit (RecursionError "while getting the repr of an object"),
 * so a deeply nested list cannot exhaust the C stack. The first container
 * repr of a heap makes what CPython makes on the first one of a process:
 * the thread state's dict and its "Py_Repr" list (a generation-0 count of
 * one, and two objects that stay), and every container repr appends itself
 * to that list and removes itself after, as Py_ReprEnter/Leave do.
 *
 * Classes may define __repr__ and __str__; format() calls __format__ only
 * through object.__format__'s rules (an empty spec means str()).
 *
 * The model of sys.stdout that print() writes through is stdout.c;
 * printf-style % is percent.c (format_int.h is what the two share).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigint.h"
#include "format_int.h"
#include "impl.h"
#include "strbuf.h"
#include "vm.h"

/* ---- buffers ---- */

int sc_buf_put(sc_vm_t *vm, sc_buf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *v = hd_mem_realloc(vm->h->mem, b->v, cap);
        if (!v)
            return sc_nomem(vm, HD_ENOMEM);
        b->v = v;
        b->cap = cap;
    }
    memcpy(b->v + b->n, s, n);
    b->n += n;
    b->v[b->n] = '\0';
    return 0;
}

int sc_buf_puts(sc_vm_t *vm, sc_buf_t *b, const char *s)
{
    return sc_buf_put(vm, b, s, strlen(s));
}

static int buf_printf(sc_vm_t *vm, sc_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int buf_printf(sc_vm_t *vm, sc_buf_t *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    return sc_buf_put(vm, b, tmp, (size_t)(n < (int)sizeof(tmp) ? n : (int)sizeof(tmp) - 1));
}

/* sc_buf_put_str: a str's UTF-8 into the buffer */
int sc_buf_put_str(sc_vm_t *vm, sc_buf_t *b, hd_obj_t *s)
{
    long n = hd_str_utf8(s, NULL, 0);
    if (b->n + (size_t)n + 1 > b->cap) {
        if (sc_buf_put(vm, b, "", 0)) /* the first block; failing, nothing to write into */
            return -1;
        size_t cap = b->cap;
        while (cap < b->n + (size_t)n + 1)
            cap *= 2;
        char *v = hd_mem_realloc(vm->h->mem, b->v, cap);
        if (!v)
            return sc_nomem(vm, HD_ENOMEM);
        b->v = v;
        b->cap = cap;
    }
    hd_str_utf8(s, b->v + b->n, (size_t)n + 1);
    b->n += (size_t)n;
    return 0;
}

char *sc_str_utf8(sc_vm_t *vm, hd_obj_t *s, size_t *len)
{
    long n = hd_str_utf8(s, NULL, 0);
    char *p = hd_mem_malloc(vm->h->mem, (size_t)n + 1);
    if (p)
        hd_str_utf8(s, p, (size_t)n + 1);
    if (len)
        *len = (size_t)n;
    return p;
}

int sc_str_new(sc_vm_t *vm, const char *s, size_t n, hd_obj_t **out)
{
    int rc = hd_str_new(vm->h, s, n, out);
    if (rc == HD_EINVAL)
        return sc_raise(vm, EXC_UNICODEERROR, "invalid UTF-8");
    return rc ? sc_nomem(vm, rc) : 0;
}

/* fresh_str: a new str object even for one ASCII character (what
 * PyUnicode_New + a copy gives, e.g. str(5)): never the shared one. */
int sc_fmt_fresh_str(sc_vm_t *vm, const char *s, size_t n, hd_obj_t **out)
{
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (n != 1 || !ascii)
        return sc_str_new(vm, s, n, out);
    hd_obj_t *o;
    int rc = hd__obj_alloc(vm->h, HD_T_STR, HD_STR_ASCII_HEADER + 2, 0, &o);
    if (rc)
        return sc_nomem(vm, rc);
    hd_str_obj_t *so = (hd_str_obj_t *)o;
    so->length = 1;
    so->hash = -1;
    so->state = 1 | HD_STR_ASCII;
    so->pad = 0;
    so->wstr = 0;
    char *d = (char *)o + HD_STR_ASCII_HEADER;
    d[0] = s[0];
    d[1] = '\0';
    *out = o;
    return 0;
}

/* int_str_limit: CPython 3.11's int max str digits: an int of more than
 * HD_INT_MAX_STR_DIGITS decimal digits raises ValueError instead of becoming
 * decimal text (str, repr, print, f-strings, format, %d); 0 if allowed */
static int int_str_limit(sc_vm_t *vm, hd_obj_t *o)
{
    int rc = hd_int_str_check(o, HD_INT_MAX_STR_DIGITS);
    if (rc == HD_EVALUE)
        return sc_raise(vm, EXC_VALUEERROR, HD_INT_MAX_STR_DIGITS_MSG, HD_INT_MAX_STR_DIGITS);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* ---- repr of atoms (through repr.c) ---- */

static int atom_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    size_t need = 64;
    if (o->type == HD_T_STR)
        need = (size_t)hd_len(o) * 10 + 8;
    else if (o->type == HD_T_BYTES)
        need = (size_t)hd_len(o) * 4 + 8;
    else if (o->type == HD_T_INT) {
        if (int_str_limit(vm, o))
            return -1;
        int64_t nd = ((hd_int_obj_t *)o)->size;
        need = (size_t)(nd < 0 ? -nd : nd) * 10 + 8;
    }
    char stack[256], *tmp = need <= sizeof(stack) ? stack : hd_mem_malloc(vm->h->mem, need);
    if (!tmp)
        return sc_nomem(vm, HD_ENOMEM);
    hd_strbuf_t sb;
    hd__sb_init(&sb, tmp, need);
    hd__repr(vm->h, o, &sb, 0);
    while (sb.truncated) { /* a long name (a weakref's target): again, in more room (the
                              writers stop early once full, so sb.need can fall short) */
        if (tmp != stack)
            hd_mem_free(vm->h->mem, tmp);
        need = sb.need + 1 > 2 * need ? sb.need + 1 : 2 * need;
        if (!(tmp = hd_mem_malloc(vm->h->mem, need)))
            return sc_nomem(vm, HD_ENOMEM);
        hd__sb_init(&sb, tmp, need);
        hd__repr(vm->h, o, &sb, 0);
    }
    int rc = sc_buf_put(vm, b, tmp, sb.len);
    if (tmp != stack)
        hd_mem_free(vm->h->mem, tmp);
    return rc;
}

/* ---- the Py_Repr list ---- */

int sc_repr_enter(sc_vm_t *vm, hd_obj_t *o, bool *recursive)
{
    sc_state_t *st = vm->st;
    hd_heap_t *h = vm->h;
    *recursive = false;
    if (vm->depth + 1 >= vm->limit)
        return sc_raise(vm, EXC_RECURSIONERROR,
                        "maximum recursion depth exceeded while getting the repr of an object");
    if (!st->repr_dict_made) {
        hd_obj_t *d, *l, *k;
        int rc = hd_dict_new(h, 0, NULL, NULL, &d);
        if (rc)
            return sc_nomem(vm, rc);
        if ((rc = hd_list_new(h, 0, NULL, &l))) {
            hd__decref(h, d);
            return sc_nomem(vm, rc);
        }
        if ((k = sc_static_str(vm, "Py_Repr")))
            rc = hd_dict_setitem(h, d, k, l);
        hd__decref(h, l);
        if (rc) {
            hd__decref(h, d);
            return sc_nomem(vm, rc);
        }
        st->repr_list_owner = d;
        st->repr_list = l;
        st->repr_dict_made = true;
    }
    hd_list_obj_t *l = (hd_list_obj_t *)st->repr_list;
    for (int64_t i = l->size; i-- > 0;)
        if (l->items[i] == o) {
            *recursive = true;
            return 0;
        }
    int rc = hd_list_append(h, st->repr_list, o);
    if (rc)
        return sc_nomem(vm, rc);
    vm->depth++;
    return 0;
}

void sc_repr_leave(sc_vm_t *vm, hd_obj_t *o)
{
    hd_list_obj_t *l = (hd_list_obj_t *)vm->st->repr_list;
    vm->depth--;
    for (int64_t i = l->size; i-- > 0;) {
        if (l->items[i] == o) {
            /* PyList_SetSlice(list, i, i + 1, NULL): emptied, it is cleared */
            hd_obj_t *x;
            if (l->size == 1)
                (void)hd_list_clear(vm->h, vm->st->repr_list);
            else if (hd_list_pop(vm->h, vm->st->repr_list, i, &x) == 0)
                hd__decref(vm->h, x);
            return;
        }
    }
}

/* ---- repr ---- */

static int repr_items(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    int64_t n = hd_len(o);
    for (int64_t i = 0; i < n && i < hd_len(o); i++) {
        hd_obj_t *item;
        hd_seq_getitem(o, i, &item);
        hd__incref(item);
        int rc = (i ? sc_buf_puts(vm, b, ", ") : 0) || sc_repr_buf(vm, item, b);
        hd__decref(vm->h, item);
        if (rc)
            return -1;
    }
    return 0;
}

static int repr_dict(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    int64_t pos = 0;
    hd_obj_t *k, *v;
    bool first = true;
    while (hd_dict_next(o, &pos, &k, &v)) {
        hd__incref(k);
        hd__incref(v);
        int rc = (!first && sc_buf_puts(vm, b, ", ")) || sc_repr_buf(vm, k, b) ||
                 sc_buf_puts(vm, b, ": ") || sc_repr_buf(vm, v, b);
        hd__decref(vm->h, k);
        hd__decref(vm->h, v);
        if (rc)
            return -1;
        first = false;
    }
    return 0;
}

static int repr_container(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    static const char *const open[] = {"[", "(", "{"}, *const close[] = {"]", ")", "}"};
    int k = o->type == HD_T_LIST ? 0 : o->type == HD_T_TUPLE ? 1 : 2;
    int64_t n = hd_len(o);
    if (n == 0)
        return sc_buf_puts(vm, b, k == 0 ? "[]" : k == 1 ? "()" : "{}");
    bool rec;
    if (sc_repr_enter(vm, o, &rec))
        return -1;
    if (rec)
        return sc_buf_puts(vm, b, k == 0 ? "[...]" : k == 1 ? "(...)" : "{...}");
    int rc = sc_buf_puts(vm, b, open[k]);
    if (!rc)
        rc = k < 2 ? repr_items(vm, o, b) : repr_dict(vm, o, b);
    if (!rc && k == 1 && n == 1)
        rc = sc_buf_puts(vm, b, ",");
    if (!rc)
        rc = sc_buf_puts(vm, b, close[k]);
    sc_repr_leave(vm, o);
    return rc;
}

/* call_dunder: o.__repr__() / __str__() of a class; 1 when the class has
 * none */
static int call_dunder(sc_vm_t *vm, hd_obj_t *o, const char *name, sc_buf_t *b)
{
    hd_obj_t *fn = sc_class_lookup(vm, hd_obj_class(vm->h, o), name), *res;
    if (!fn || fn->type != HD_T_FUNCTION)
        return 1;
    if (vm->depth + 1 >= vm->limit)
        return sc_raise(vm, EXC_RECURSIONERROR,
                        "maximum recursion depth exceeded while calling a "
                        "Python object");
    if (sc_call(vm, fn, &o, 1, NULL, &res))
        return -1;
    if (res->type != HD_T_STR) {
        sc_raise(vm, EXC_TYPEERROR, "%s returned non-string (type %s)", name, sc_tname(vm, res));
        hd__decref(vm->h, res);
        return -1;
    }
    int rc = sc_buf_put_str(vm, b, res);
    hd__decref(vm->h, res);
    return rc;
}

int sc_repr_buf(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    switch (o->type) {
    case HD_T_LIST:
    case HD_T_TUPLE:
    case HD_T_DICT:
        if (*vm->h->tracing)
            return sc_traced_repr(vm, o, b);
        return repr_container(vm, o, b);
    case HD_T_SET:
    case HD_T_FROZENSET:
        return sc_repr_set(vm, o, b);
    case HD_T_DICTVIEW:
        return sc_repr_view(vm, o, b);
    case HD_T_INSTANCE: {
        int rc = call_dunder(vm, o, "__repr__", b);
        if (rc <= 0)
            return rc;
        rc = sc_special_repr(vm, o, b);
        if (rc <= 0)
            return rc;
        if (*vm->h->tracing)
            return sc_traced_object_repr(vm, o, b);
        return buf_printf(vm, b, "<__main__.%s object at 0x%llx>", hd_obj_type_name(vm->h, o),
                          (unsigned long long)hd_obj_addr(vm->h, o));
    }
    case HD_T_METHOD: {
        hd_method_obj_t *m = (hd_method_obj_t *)o;
        hd_obj_t *qn = m->func->type == HD_T_FUNCTION ? ((hd_func_obj_t *)m->func)->qualname : NULL;
        int rc = sc_buf_puts(vm, b, "<bound method ") ||
                 (qn ? sc_buf_put_str(vm, b, qn) : sc_buf_puts(vm, b, "?")) ||
                 sc_buf_puts(vm, b, " of ") || sc_repr_buf(vm, m->self, b) ||
                 sc_buf_puts(vm, b, ">");
        return rc ? -1 : 0;
    }
    }
    if (*vm->h->tracing && (o->type == HD_T_RANGE || o->type == HD_T_FUNCTION ||
                            o->type == HD_T_BUILTIN || o->type == HD_T_CMETHOD)) {
        int rc = sc_traced_atom_repr(vm, o, b);
        if (rc <= 0)
            return rc;
    }
    return atom_repr(vm, o, b);
}

int sc_str_buf(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    if (o->type == HD_T_STR)
        return sc_buf_put_str(vm, b, o);
    if (o->type == HD_T_INSTANCE) {
        int rc = call_dunder(vm, o, "__str__", b);
        if (rc <= 0)
            return rc;
    }
    if (o->type == HD_T_DICTVIEW && o->aux == HD_DICT_PROXY) /* mappingproxy_str */
        return sc_str_buf(vm, ((hd_dictview_obj_t *)o)->dict, b);
    return sc_repr_buf(vm, o, b);
}

/* int_text_str: the str of an int's decimal text, as long_to_decimal_string
 * makes it: its scratch int of 1 + size + size / 99 digits (the digits in
 * base 10**9) is allocated first and freed once the str is made, so it
 * moves tracemalloc's peak */
int sc_fmt_int_scratch(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **scratch)
{
    int64_t size = ((hd_int_obj_t *)o)->size;
    size_t n = (size_t)(size < 0 ? -size : size), digits = 1 + n + n / 99;
    int rc = hd__obj_alloc(vm->h, HD_T_INT, HD_INT_HEADER + 4 * digits, 0, scratch);
    if (rc)
        return sc_nomem(vm, rc);
    ((hd_int_obj_t *)*scratch)->size = 0;
    return 0;
}

int sc_fmt_int_text_str(sc_vm_t *vm, hd_obj_t *o, const sc_buf_t *b, hd_obj_t **out)
{
    hd_obj_t *scratch = NULL;
    if (o->type == HD_T_INT && sc_fmt_int_scratch(vm, o, &scratch))
        return -1;
    int rc = sc_fmt_fresh_str(vm, b->v ? b->v : "", b->n, out);
    if (scratch)
        hd__decref(vm->h, scratch);
    return rc;
}

/* dtoa_bufsize: that block for a float's repr (mode 'r', Py_DTSF_ADD_DOT_0) */
static size_t dtoa_bufsize(const char *text)
{
    int64_t decpt, nd;
    return sc_dtoa_digits(text, &decpt, &nd) ? sc_dtoa_size(decpt, nd, 'r', 0, false, true) : 5;
}

/* float_str: float_repr: the text in a PyMem block, the str made from it,
 * the block freed (the block only while tracemalloc traces: nothing else
 * sees it) */
static int float_str(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    sc_buf_t b = {0};
    void *block = NULL;
    int rc = atom_repr(vm, o, &b);
    if (!rc && *vm->h->tracing) {
        int r = hd__block_alloc(vm->h, dtoa_bufsize(b.v), hd__type_kind(vm->h, HD_T_FLOAT), &block);
        rc = r ? sc_nomem(vm, r) : 0;
    }
    if (!rc)
        rc = sc_str_new(vm, b.v, b.n, out);
    hd__block_free(vm->h, block);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

/* bool_str: bool_repr's result, the static "True" or "False" (a new
 * reference); str(), repr(), format(b, '') and f-strings return it */
static int bool_str(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    hd_obj_t *s = sc_static_str(vm, ((hd_int_obj_t *)o)->size ? "True" : "False");
    if (!s)
        return sc_nomem(vm, HD_ENOMEM);
    hd__incref(s);
    *out = s;
    return 0;
}

static int to_str(sc_vm_t *vm, hd_obj_t *o, bool repr, hd_obj_t **out)
{
    if (o->type == HD_T_BOOL)
        return bool_str(vm, o, out);
    if (o->type == HD_T_FLOAT)
        return float_str(vm, o, out);
    sc_buf_t b = {0};
    int rc = repr ? sc_repr_buf(vm, o, &b) : sc_str_buf(vm, o, &b);
    if (!rc)
        rc = o->type == HD_T_INT ? sc_fmt_int_text_str(vm, o, &b, out)
                                 : sc_fmt_fresh_str(vm, b.v ? b.v : "", b.n, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

int sc_repr(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    return to_str(vm, o, true, out);
}

int sc_str(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    if (o->type == HD_T_STR) {
        hd__incref(o);
        *out = o;
        return 0;
    }
    if (o->type == HD_T_BOOL)
        return bool_str(vm, o, out);
    if (o->type == HD_T_FLOAT)
        return float_str(vm, o, out);
    if (o->type == HD_T_NONE) {
        sc_buf_t b = {0};
        int rc = atom_repr(vm, o, &b);
        if (!rc)
            rc = sc_str_new(vm, b.v, b.n, out);
        hd_mem_free(vm->h->mem, b.v);
        return rc;
    }
    return to_str(vm, o, false, out);
}

/* ---- format specs ---- */

static int parse_spec(sc_vm_t *vm, const char *s, spec_t *p)
{
    memset(p, 0, sizeof(*p));
    p->fill = ' ';
    p->precision = -1;
    size_t n = strlen(s);
    bool fill_given = n >= 2 && strchr("<>=^", s[1]);
    if (fill_given) {
        p->fill = s[0];
        p->align = s[1];
        s += 2;
    } else if (n >= 1 && strchr("<>=^", s[0])) {
        p->align = s[0];
        s++;
    }
    if (*s == '+' || *s == '-' || *s == ' ')
        p->sign = *s++;
    if (*s == '#') {
        p->alt = true;
        s++;
    }
    if (*s == '0') {
        p->zero = true;
        s++;
    }
    while (*s >= '0' && *s <= '9')
        if ((p->width = p->width * 10 + (*s++ - '0')) > FMT_MAX_WIDTH)
            return sc_nomem(vm, HD_ENOMEM); /* CPython would try to allocate it */
    if (*s == ',' || *s == '_')
        p->grouping = *s++;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return sc_raise(vm, EXC_VALUEERROR, "Format specifier missing precision");
        p->precision = 0;
        while (*s >= '0' && *s <= '9')
            if ((p->precision = p->precision * 10 + (*s++ - '0')) > FMT_MAX_WIDTH)
                return sc_nomem(vm, HD_ENOMEM);
    }
    if (*s)
        p->type = *s++;
    if (*s)
        return sc_raise(vm, EXC_VALUEERROR, "Invalid format specifier");
    if (p->zero && !fill_given) /* '=' only where numbers align right by default (pad) */
        p->fill = '0';
    return 0;
}

/* group: the digits with sep every `every` from the right, zero-extended
 * to min_width characters (a '0' fill aligned with '='), as
 * _PyUnicode_InsertThousandsGrouping: out has room for strlen(digits) * 2
 * + min_width + 4 */
static void group(char *out, const char *digits, char sep, int every, long min_width)
{
    long remaining = (long)strlen(digits), di = remaining, w = 0;
    bool use_sep = false;
    char c;
    for (;;) {
        long len = every, most = remaining > min_width ? remaining : min_width;
        len = len < (most > 1 ? most : 1) ? len : (most > 1 ? most : 1);
        long zeros = len > remaining ? len - remaining : 0;
        long chars = remaining < len ? remaining : len;
        if (use_sep)
            out[w++] = sep;
        for (long i = 0; i < chars; i++)
            out[w++] = digits[--di];
        for (long i = 0; i < zeros; i++)
            out[w++] = '0';
        use_sep = true;
        remaining -= chars;
        min_width -= len;
        if (remaining <= 0 && min_width <= 0)
            break;
        min_width--;
    }
    for (long i = 0; i < w / 2; i++) /* built from the right */
        c = out[i], out[i] = out[w - 1 - i], out[w - 1 - i] = c;
    out[w] = '\0';
}

/* pad: sign + body aligned in the spec's width */
/* utf8_chars: the characters of UTF-8 text (its bytes but continuations) */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* utf8_cut: cuts UTF-8 text after its first n characters */
void sc_fmt_utf8_cut(char *s, size_t n)
{
    for (size_t i = 0; s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80 && n-- == 0) {
            s[i] = '\0';
            return;
        }
}

int sc_fmt_pad(sc_vm_t *vm, const spec_t *p, const char *sign, const char *body, char def_align,
               sc_buf_t *b)
{
    size_t len = utf8_chars(sign) + utf8_chars(body); /* widths count characters */
    int fill = p->width > (int)len ? p->width - (int)len : 0;
    char align = p->align ? p->align : p->zero && def_align == '>' ? '=' : def_align;
    int left = align == '>' ? fill : align == '^' ? fill / 2 : 0;
    int right = align == '<' ? fill : align == '^' ? fill - fill / 2 : 0;
    int mid = align == '=' ? fill : 0;
    int rc = 0;
    for (int i = 0; i < left && !rc; i++)
        rc = sc_buf_put(vm, b, &p->fill, 1);
    if (!rc)
        rc = sc_buf_puts(vm, b, sign);
    for (int i = 0; i < mid && !rc; i++)
        rc = sc_buf_put(vm, b, &p->fill, 1);
    if (!rc)
        rc = sc_buf_puts(vm, b, body);
    for (int i = 0; i < right && !rc; i++)
        rc = sc_buf_put(vm, b, &p->fill, 1);
    return rc;
}

/* int_digits: |v| in base 2, 8, 10 or 16 into a new buffer */
char *sc_fmt_int_digits(sc_vm_t *vm, hd_obj_t *o, int base, bool upper)
{
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    int64_t nd = io->size < 0 ? -io->size : io->size;
    size_t cap = (size_t)(nd ? nd : 1) * 31 + 4;
    char *s = hd_mem_malloc(vm->h->mem, cap);
    if (!s)
        return NULL;
    if (base == 10 && o->type == HD_T_BOOL) { /* its value, not its repr */
        strcpy(s, nd ? "1" : "0");
        return s;
    }
    if (base == 10) {
        hd_strbuf_t sb;
        hd__sb_init(&sb, s, cap);
        hd__repr(vm->h, o, &sb, 0);
        if (s[0] == '-')
            memmove(s, s + 1, strlen(s));
        return s;
    }
    int bits = base == 2 ? 1 : base == 8 ? 3 : 4;
    size_t total = (size_t)nd * 30, w = 0;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *rev = hd_mem_malloc(vm->h->mem, total / (size_t)bits + 3);
    if (!rev) {
        hd_mem_free(vm->h->mem, s);
        return NULL;
    }
    for (size_t bit = 0; bit < total; bit += (size_t)bits) {
        unsigned v = 0;
        for (int k = 0; k < bits; k++) {
            size_t at = bit + (size_t)k;
            if (at < total && (io->digits[at / 30] >> (at % 30)) & 1)
                v |= 1u << k;
        }
        rev[w++] = dig[v];
    }
    while (w > 1 && rev[w - 1] == '0')
        w--;
    if (w == 0)
        rev[w++] = '0';
    for (size_t i = 0; i < w; i++)
        s[i] = rev[w - 1 - i];
    s[w] = '\0';
    hd_mem_free(vm->h->mem, rev);
    return s;
}

int sc_fmt_format_int(sc_vm_t *vm, hd_obj_t *o, const spec_t *p, sc_buf_t *b)
{
    char type = p->type ? p->type : 'd';
    if (type == 'c') {
        int64_t v;
        if (hd_int_to_i64(o, &v) || v < 0 || v > 0x10ffff)
            return sc_raise(vm, EXC_OVERFLOWERROR, "%%c arg not in range(0x110000)");
        hd_obj_t *s;
        uint32_t cp = (uint32_t)v;
        if (hd__str_from_cps(vm->h, &cp, 1, &s))
            return sc_nomem(vm, HD_ENOMEM);
        int rc = sc_buf_put_str(vm, b, s);
        hd__decref(vm->h, s);
        return rc;
    }
    int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
    if (!strchr("dnbxXo", type))
        return sc_raise(vm, EXC_VALUEERROR, "Unknown format code '%c' for object of type '%s'",
                        type, sc_tname(vm, o));
    if (base == 10 && int_str_limit(vm, o))
        return -1;
    bool neg = ((hd_int_obj_t *)o)->size < 0;
    char *digits = sc_fmt_int_digits(vm, o, base, type == 'X');
    if (!digits)
        return sc_nomem(vm, HD_ENOMEM);
    char sign[8] = "";
    size_t k = 0;
    if (neg)
        sign[k++] = '-';
    else if (p->sign == '+' || p->sign == ' ')
        sign[k++] = p->sign;
    if (p->alt && base != 10) {
        sign[k++] = '0';
        sign[k++] = type == 'b' ? 'b' : type == 'o' ? 'o' : type;
    }
    sign[k] = '\0';
    /* a '0' fill aligned with '=' is grouped with the digits */
    char align = p->align ? p->align : p->zero ? '=' : '>';
    long min_width = p->fill == '0' && align == '=' ? (long)p->width - (long)k : 0;
    char *grouped = hd_mem_malloc(vm->h->mem, strlen(digits) * 2 + (size_t)p->width + 4);
    if (!grouped) {
        hd_mem_free(vm->h->mem, digits);
        return sc_nomem(vm, HD_ENOMEM);
    }
    if (p->grouping)
        group(grouped, digits, p->grouping, base == 10 ? 3 : 4, min_width);
    else
        strcpy(grouped, digits);
    int rc = sc_fmt_pad(vm, p, sign, grouped, '>', b);
    hd_mem_free(vm->h->mem, digits);
    hd_mem_free(vm->h->mem, grouped);
    return rc;
}

void sc_fmt_float_body(double v, const spec_t *p, char *out, size_t len)
{
    char type = p->type;
    int prec = p->precision;
    double a = fabs(v);
    if (isinf(v) || isnan(v)) {
        snprintf(out, len, "%s", isnan(v) ? "nan" : "inf");
        if (type == 'E' || type == 'F' || type == 'G')
            for (char *c = out; *c; c++)
                *c = (char)(*c - 32);
        return;
    }
    if (!type && prec < 0) {
        hd_strbuf_t sb;
        hd__sb_init(&sb, out, len);
        hd__float_repr(a, &sb);
        return;
    }
    if (type == '%') {
        snprintf(out, len, "%.*f%%", prec < 0 ? 6 : prec, a * 100);
        return;
    }
    if (type == 'f' || type == 'F' || type == 'e' || type == 'E') {
        int pr = prec < 0 ? 6 : prec;
        if (type == 'f' || type == 'F')
            snprintf(out, len, "%.*f", pr, a);
        else if (type == 'e')
            snprintf(out, len, "%.*e", pr, a);
        else
            snprintf(out, len, "%.*E", pr, a);
        return;
    }
    /* g, G, n, or none with a precision */
    int pg = prec < 0 ? 6 : prec == 0 ? 1 : prec;
    snprintf(out, len, type == 'G' ? "%.*G" : "%.*g", pg, a);
    if (!type && !strpbrk(out, ".eEn"))
        strcat(out, ".0");
}

int sc_fmt_format_float(sc_vm_t *vm, double v, const spec_t *p, sc_buf_t *b)
{
    if (p->type && !strchr("eEfFgGn%", p->type))
        return sc_raise(vm, EXC_VALUEERROR, "Unknown format code '%c' for object of type 'float'",
                        p->type);
    char body[512], sign[2] = "";
    sc_fmt_float_body(v, p, body, sizeof(body));
    if (signbit(v) && !isnan(v))
        sign[0] = '-';
    else if (p->sign == '+' || p->sign == ' ')
        sign[0] = p->sign;
    if (!p->grouping)
        return sc_fmt_pad(vm, p, sign, body, '>', b);
    char *dot = strpbrk(body, ".eE%"), tail[512] = "";
    if (dot) {
        strcpy(tail, dot);
        *dot = '\0';
    }
    /* a '0' fill aligned with '=' is grouped with the integer digits */
    char align = p->align ? p->align : p->zero ? '=' : '>';
    long min_width = p->fill == '0' && align == '=' && isfinite(v)
                         ? (long)p->width - (long)strlen(sign) - (long)strlen(tail)
                         : 0;
    char *grouped = hd_mem_malloc(vm->h->mem, sizeof(body) * 2 + (size_t)p->width + 4);
    if (!grouped)
        return sc_nomem(vm, HD_ENOMEM);
    group(grouped, body, p->grouping, 3, min_width);
    strcat(grouped, tail);
    int rc = sc_fmt_pad(vm, p, sign, grouped, '>', b);
    hd_mem_free(vm->h->mem, grouped);
    return rc;
}

static int format_to(sc_vm_t *vm, hd_obj_t *o, const char *spec_text, sc_buf_t *b)
{
    spec_t p;
    if (o->type == HD_T_INSTANCE || (!spec_text[0] && o->type != HD_T_FLOAT))
        return sc_str_buf(vm, o, b)
                   ? -1
                   : (spec_text[0] ? sc_raise(vm, EXC_TYPEERROR,
                                              "unsupported format string passed to %s.__format__",
                                              sc_tname(vm, o))
                                   : 0);
    if (parse_spec(vm, spec_text, &p))
        return -1;
    switch (o->type) {
    case HD_T_BOOL: /* int.__format__: a non-empty spec formats the int value */
    case HD_T_INT:
        if (p.type && strchr("eEfFgG%", p.type)) {
            double d;
            sc_float_of(o, &d);
            return sc_fmt_format_float(vm, d, &p, b);
        }
        return sc_fmt_format_int(vm, o, &p, b);
    case HD_T_FLOAT: {
        double d = ((hd_float_obj_t *)o)->value;
        return sc_fmt_format_float(vm, d, &p, b);
    }
    case HD_T_STR: {
        if (p.type && p.type != 's')
            return sc_raise(vm, EXC_VALUEERROR, "Unknown format code '%c' for object of type 'str'",
                            p.type);
        if (p.sign)
            return sc_raise(vm, EXC_VALUEERROR, "Sign not allowed in string format specifier");
        size_t len;
        char *t = sc_str_utf8(vm, o, &len);
        if (!t)
            return sc_nomem(vm, HD_ENOMEM);
        if (p.precision >= 0)
            sc_fmt_utf8_cut(t, (size_t)p.precision); /* precision counts characters */
        int rc = sc_fmt_pad(vm, &p, "", t, '<', b);
        hd_mem_free(vm->h->mem, t);
        return rc;
    }
    }
    return sc_raise(vm, EXC_TYPEERROR, "unsupported format string passed to %s.__format__",
                    sc_tname(vm, o));
}

/* ---- what a spec's formatter allocates (while tracemalloc traces) ----
 *
 * format_long_internal makes the int's text first (_PyLong_Format: for
 * base 10 long_to_decimal_string, with its scratch int), or for e, f, g
 * and % a float of it; format_float_internal has PyOS_double_to_string's
 * block, written as it is (the fast path: no sign, width, 'n' or grouping)
 * or first made a str of its own. Then the writer makes the result, and
 * the temporaries go. The text is known already: the blocks are made in
 * CPython's order around the result. */

/* writer_result: _PyUnicodeWriter_Finish of a buffer of exactly the text:
 * a new str, which unicode_result_ready trades for the shared one when it
 * is one ASCII character */
int sc_fmt_writer_result(sc_vm_t *vm, const sc_buf_t *b, hd_obj_t **out)
{
    hd_obj_t *r;
    if (b->n == 2 && ((unsigned char)b->v[0] & 0xfe) == 0xc2) { /* one Latin-1 character */
        void *buf;
        int arc =
            hd__block_alloc(vm->h, HD_STR_COMPACT_HEADER + 2, hd__type_kind(vm->h, HD_T_STR), &buf);
        if (arc)
            return sc_nomem(vm, arc);
        hd__block_free(vm->h, buf);
        return sc_str_new(vm, b->v, 2, out);
    }
    if (sc_fmt_fresh_str(vm, b->v ? b->v : "", b->n, &r))
        return -1;
    if (b->n == 1 && (unsigned char)b->v[0] < 0x80) {
        hd__decref(vm->h, r);
        return sc_str_new(vm, b->v, 1, out);
    }
    *out = r;
    return 0;
}

/* float_temps: format_float_internal's: dtoa's block, kept while the
 * text is written (the fast path), or made into a str first */
static int float_temps(sc_vm_t *vm, hd_obj_t *o, double v, const spec_t *p, sc_temps_t *t)
{
    char c = p->type, digits[96];
    int prec = p->precision;
    bool dot0 = !c;
    if (c == '%')
        v *= 100;
    c = !c ? 'r' : c == 'n' ? 'g' : c == '%' ? 'f' : (char)tolower((unsigned char)c);
    if (prec < 0)
        prec = p->type ? 6 : 0;
    else if (c == 'r')
        c = 'g';
    if (c == 'g' && prec == 0)
        prec = 1;
    int64_t decpt = 1, nd = 1;
    bool finite = isfinite(v);
    if (finite && c == 'r') {
        sc_buf_t rb = {0};
        if (atom_repr(vm, o, &rb))
            return -1;
        (void)sc_dtoa_digits(rb.v, &decpt, &nd);
        hd_mem_free(vm->h->mem, rb.v);
    } else if (finite && prec <= 60 && fabs(v) < 1e60) {
        snprintf(digits, sizeof(digits), c == 'f' ? "%.*f" : "%.*e", c == 'g' ? prec - 1 : prec,
                 fabs(v));
        (void)sc_dtoa_digits(digits, &decpt, &nd);
    } else if (finite) { /* not modelled: a long text */
        return 0;
    }
    size_t size = finite ? sc_dtoa_size(decpt, nd, c, c == 'e' ? prec + 1 : prec, p->alt, dot0) : 5;
    int rc = hd__block_alloc(vm->h, size, hd__type_kind(vm->h, HD_T_FLOAT), &t->block);
    if (rc)
        return sc_nomem(vm, rc);
    if (!(p->sign == '+' || p->sign == ' ' || p->width > 0 || p->type == 'n' || p->grouping))
        return 0;
    char body[600];
    sc_fmt_float_body(v / (p->type == '%' ? 100 : 1), p, body, sizeof(body));
    size_t n = strlen(body) + (signbit(v) && !isnan(v) ? 1 : 0);
    char *z = hd_mem_malloc(vm->h->mem, n + 1);
    if (!z)
        return sc_nomem(vm, HD_ENOMEM);
    memset(z, '0', n);
    rc = sc_str_new(vm, z, n, &t->str); /* _PyUnicode_FromASCII: one character is shared */
    hd_mem_free(vm->h->mem, z);
    hd__block_free(vm->h, t->block);
    t->block = NULL;
    return rc;
}

/* num_temps: format_long_internal's and format_float_internal's, for a
 * non-empty spec (not 'c', which has none) */
static int num_temps(sc_vm_t *vm, hd_obj_t *o, const spec_t *p, sc_temps_t *t)
{
    if (o->type == HD_T_FLOAT)
        return float_temps(vm, o, ((hd_float_obj_t *)o)->value, p, t);
    int rc;
    if (p->type && strchr("eEfFgG%", p->type)) { /* PyNumber_Float(value) */
        double d;
        sc_float_of(o, &d);
        if ((rc = hd_float_new(vm->h, d, &t->num)))
            return sc_nomem(vm, rc);
        return float_temps(vm, t->num, d, p, t);
    }
    int base = p->type == 'b' ? 2 : p->type == 'o' ? 8 : p->type == 'x' || p->type == 'X' ? 16 : 10;
    if (p->sign != '+' && p->sign != ' ' && p->width <= 0 && p->type != 'X' && p->type != 'n' &&
        !p->grouping && o->type == HD_T_INT) /* the fast path: _PyLong_FormatWriter */
        return base == 10 ? sc_fmt_int_scratch(vm, o, &t->scratch) : 0;
    char *digits = sc_fmt_int_digits(vm, o, base, false);
    if (!digits)
        return sc_nomem(vm, HD_ENOMEM);
    sc_buf_t tb = {0}; /* _PyLong_Format: the sign, base 2, 8 and 16 with their prefix */
    rc = (((hd_int_obj_t *)o)->size < 0 && sc_buf_put(vm, &tb, "-", 1)) ||
         (base != 10 && sc_buf_put(vm, &tb,
                                   base == 2   ? "0b"
                                   : base == 8 ? "0o"
                                               : "0x",
                                   2)) ||
         sc_buf_put(vm, &tb, digits, strlen(digits));
    hd_mem_free(vm->h->mem, digits);
    if (!rc)
        rc = base == 10 ? sc_fmt_int_text_str(vm, o, &tb, &t->str)
                        : sc_fmt_fresh_str(vm, tb.v, tb.n, &t->str);
    hd_mem_free(vm->h->mem, tb.v);
    return rc;
}

/* spec_temps: num_temps, then for 'n' get_locale_info's copy of the
 * locale's grouping (_PyMem_Strdup of "" in the C locale: one byte), which
 * lives until the result is made */
static int spec_temps(sc_vm_t *vm, hd_obj_t *o, const spec_t *p, sc_temps_t *t)
{
    int rc = num_temps(vm, o, p, t);
    if (!rc && p->type == 'n' && (rc = hd__block_alloc(vm->h, 1, HD_TRACE_UNKNOWN, &t->locale)))
        rc = sc_nomem(vm, rc);
    return rc;
}

void sc_temps_close(sc_vm_t *vm, sc_temps_t *t)
{
    hd__block_free(vm->h, t->block);
    hd__block_free(vm->h, t->locale);
    hd__xdecref(vm->h, t->scratch);
    hd__xdecref(vm->h, t->str);
    hd__xdecref(vm->h, t->num);
    memset(t, 0, sizeof(*t));
}

int sc_field_temps(sc_vm_t *vm, hd_obj_t *o, const char *spec, sc_temps_t *t)
{
    spec_t p;
    if (!*vm->h->tracing || (o->type != HD_T_INT && o->type != HD_T_FLOAT))
        return 0;
    if (!spec[0] && o->type == HD_T_INT) /* _PyLong_FormatWriter */
        return sc_fmt_int_scratch(vm, o, &t->scratch);
    if (!spec[0]) { /* format_obj: the float's str(), written as it is */
        t->fast = true;
        return float_str(vm, o, &t->str);
    }
    if (parse_spec(vm, spec, &p))
        return -1;
    int rc = p.type == 'c' ? 0 : spec_temps(vm, o, &p, t);
    t->fast = t->block != NULL; /* a float's text written from dtoa's block */
    return rc;
}

static int spec_result(sc_vm_t *vm, hd_obj_t *o, const char *text, const sc_buf_t *b,
                       hd_obj_t **out)
{
    spec_t p;
    if (!*vm->h->tracing ||
        (o->type != HD_T_INT && o->type != HD_T_BOOL && o->type != HD_T_FLOAT) ||
        parse_spec(vm, text, &p))
        return sc_str_new(vm, b->v ? b->v : "", b->n, out);
    sc_temps_t t = {0};
    int64_t cp = 0;
    int rc = 0;
    if (p.type != 'c')
        rc = spec_temps(vm, o, &p, &t);
    else if (o->type == HD_T_INT && !hd_int_to_i64(o, &cp) && cp >= 256) { /* FromOrdinal's str */
        uint32_t c = (uint32_t)cp; /* (below 256 the shared one) */
        if (hd__str_from_cps(vm->h, &c, 1, &t.str))
            rc = sc_nomem(vm, HD_ENOMEM);
    }
    if (!rc && t.block) /* a float's fast path: _PyUnicode_FromASCII of dtoa's text */
        rc = sc_str_new(vm, b->v ? b->v : "", b->n, out);
    else if (!rc)
        rc = sc_fmt_writer_result(vm, b, out);
    sc_temps_close(vm, &t);
    return rc;
}

static int format_with(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *spec, bool empty, hd_obj_t **out);

int sc_format(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *spec, hd_obj_t **out)
{
    bool empty = !spec || hd_len(spec) == 0;
    if (empty && (o->type == HD_T_STR || o->type == HD_T_INT)) /* PyObject_Format's fast path */
        return o->type == HD_T_STR ? (hd__incref(o), *out = o, 0) : sc_int_str(vm, o, out);
    /* else _PyObject_LookupSpecial(o, "__format__"): a bound builtin method
     * (72 bytes, tracked) that lives until the result is made */
    hd_obj_t *meth, *fn = sc_builtin(vm, SC_BI_FORMAT);
    int mrc = fn ? hd__cmethod_new(vm->h, fn, o, &meth) : HD_ENOMEM;
    if (mrc)
        return sc_nomem(vm, mrc);
    int rc = format_with(vm, o, spec, empty, out);
    hd__decref(vm->h, meth);
    return rc;
}

/* format_with: o.__format__(spec) */
static int format_with(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *spec, bool empty, hd_obj_t **out)
{
    if (empty && o->type == HD_T_BOOL)
        return bool_str(vm, o, out); /* int.__format__: str() for an empty spec */
    if (empty && o->type == HD_T_FLOAT)
        return float_str(vm, o, out); /* float.__format__: str() too */
    char *text = spec ? sc_str_utf8(vm, spec, NULL) : NULL;
    if (spec && !text)
        return sc_nomem(vm, HD_ENOMEM);
    sc_buf_t b = {0};
    int rc = format_to(vm, o, text ? text : "", &b);
    bool plain = !text || !*text; /* an empty spec is str() */
    spec_t p;
    if (!rc && !plain && o->type == HD_T_STR && !parse_spec(vm, text, &p) && p.width <= hd_len(o) &&
        (p.precision < 0 || p.precision >= hd_len(o))) {
        /* format_string_internal's fast path: WriteStr, readonly */
        hd_mem_free(vm->h->mem, text);
        hd_mem_free(vm->h->mem, b.v);
        hd__incref(o);
        *out = o;
        return 0;
    }
    /* a spec's result comes from a _PyUnicodeWriter, whose one Latin-1
     * character is the shared str (unicode_result_ready) */
    if (!rc && plain)
        rc = o->type == HD_T_INT ? sc_fmt_int_text_str(vm, o, &b, out)
                                 : sc_fmt_fresh_str(vm, b.v ? b.v : "", b.n, out);
    else if (!rc)
        rc = spec_result(vm, o, text, &b, out);
    hd_mem_free(vm->h->mem, text);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

int sc_format_buf(sc_vm_t *vm, hd_obj_t *o, const char *spec, sc_buf_t *b)
{
    return format_to(vm, o, spec, b);
}

int sc_int_str(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    sc_buf_t b = {0};
    int rc = atom_repr(vm, o, &b);
    if (!rc)
        rc = sc_fmt_int_text_str(vm, o, &b, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}
