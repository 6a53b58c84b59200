/*
 * format.c: str(), repr() and format() of every object, with CPython
 * 3.11's text, and the model of sys.stdout that print() writes through.
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
 * sys.stdout: when stdout is a pipe, TextIOWrapper.write keeps the text it
 * has not yet passed on in `pending_bytes`: the first str itself, then a
 * list of them, flushed (and freed) once 8192 bytes are pending. print()
 * therefore allocates a list now and then and keeps its strs alive for a
 * while; PyFile_WriteObject also looks up `write` each time, making and
 * dropping a bound method. sc_write_str does all of that with real objects
 * (state->pending), so the generation-0 count and tracemalloc see what
 * python3 does; the text itself goes straight into the run's output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigint.h"
#include "impl.h"
#include "strbuf.h"
#include "vm.h"

#define CHUNK_SIZE 8192 /* TextIOWrapper's chunk_size */
/* widths and precisions past this would make strings of hundreds of MiB:
 * MemoryError (CPython tries the allocation) */
#define FMT_MAX_WIDTH (1 << 27)

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

static int buf_puts(sc_vm_t *vm, sc_buf_t *b, const char *s)
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

/* str_text: a str's UTF-8 into the buffer */
static int put_str(sc_vm_t *vm, sc_buf_t *b, hd_obj_t *s)
{
    long n = hd_str_utf8(s, NULL, 0);
    if (b->n + (size_t)n + 1 > b->cap && sc_buf_put(vm, b, "", 0) == 0) {
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
static int fresh_str(sc_vm_t *vm, const char *s, size_t n, hd_obj_t **out)
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

static int repr_enter(sc_vm_t *vm, hd_obj_t *o, bool *recursive)
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

static void repr_leave(sc_vm_t *vm, hd_obj_t *o)
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
        int rc = (i ? buf_puts(vm, b, ", ") : 0) || sc_repr_buf(vm, item, b);
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
        int rc = (!first && buf_puts(vm, b, ", ")) || sc_repr_buf(vm, k, b) ||
                 buf_puts(vm, b, ": ") || sc_repr_buf(vm, v, b);
        hd__decref(vm->h, k);
        hd__decref(vm->h, v);
        if (rc)
            return -1;
        first = false;
    }
    return 0;
}

static int repr_set(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    int64_t pos = 0;
    hd_obj_t *k;
    bool first = true;
    while (hd_set_next(o, &pos, &k)) {
        hd__incref(k);
        int rc = (!first && buf_puts(vm, b, ", ")) || sc_repr_buf(vm, k, b);
        hd__decref(vm->h, k);
        if (rc)
            return -1;
        first = false;
    }
    return 0;
}

static int repr_container(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    static const char *const open[] = {"[", "(", "{", "{"}, *const close[] = {"]", ")", "}", "}"};
    int k = o->type == HD_T_LIST ? 0 : o->type == HD_T_TUPLE ? 1 : o->type == HD_T_DICT ? 2 : 3;
    int64_t n = hd_len(o);
    if (n == 0)
        return buf_puts(vm, b, k == 0 ? "[]" : k == 1 ? "()" : k == 2 ? "{}" : "set()");
    bool rec;
    if (repr_enter(vm, o, &rec))
        return -1;
    if (rec)
        return buf_puts(vm, b, k == 0 ? "[...]" : k == 1 ? "(...)" : k == 2 ? "{...}" : "set(...)");
    int rc = buf_puts(vm, b, open[k]);
    if (!rc)
        rc = k < 2 ? repr_items(vm, o, b) : k == 2 ? repr_dict(vm, o, b) : repr_set(vm, o, b);
    if (!rc && k == 1 && n == 1)
        rc = buf_puts(vm, b, ",");
    if (!rc)
        rc = buf_puts(vm, b, close[k]);
    repr_leave(vm, o);
    return rc;
}

static int repr_view(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    hd_obj_t *d = ((hd_dictview_obj_t *)o)->dict;
    bool rec;
    if (buf_printf(vm, b, "%s(", sc_tname(vm, o)))
        return -1;
    if (o->aux == HD_DICT_PROXY) /* mappingproxy_repr: the mapping's repr */
        return sc_repr_buf(vm, d, b) || buf_puts(vm, b, ")") ? -1 : 0;
    if (repr_enter(vm, o, &rec))
        return -1;
    if (rec)
        return buf_puts(vm, b, "...)");
    int rc = buf_puts(vm, b, "[");
    int64_t pos = 0;
    hd_obj_t *k, *v;
    for (bool first = true; !rc && hd_dict_next(d, &pos, &k, &v); first = false) {
        if (!first)
            rc = buf_puts(vm, b, ", ");
        if (!rc && o->aux == HD_DICT_ITEMS)
            rc = buf_puts(vm, b, "(") || sc_repr_buf(vm, k, b) || buf_puts(vm, b, ", ") ||
                 sc_repr_buf(vm, v, b) || buf_puts(vm, b, ")");
        else if (!rc)
            rc = sc_repr_buf(vm, o->aux == HD_DICT_VALUES ? v : k, b);
    }
    if (!rc)
        rc = buf_puts(vm, b, "])");
    repr_leave(vm, o);
    return rc ? -1 : 0;
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
    int rc = put_str(vm, b, res);
    hd__decref(vm->h, res);
    return rc;
}

int sc_repr_buf(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    switch (o->type) {
    case HD_T_LIST:
    case HD_T_TUPLE:
    case HD_T_DICT:
    case HD_T_SET:
        return repr_container(vm, o, b);
    case HD_T_DICTVIEW:
        return repr_view(vm, o, b);
    case HD_T_INSTANCE: {
        int rc = call_dunder(vm, o, "__repr__", b);
        if (rc <= 0)
            return rc;
        rc = sc_special_repr(vm, o, b);
        if (rc <= 0)
            return rc;
        return buf_printf(vm, b, "<__main__.%s object at 0x%llx>", hd_obj_type_name(vm->h, o),
                          (unsigned long long)hd_obj_addr(vm->h, o));
    }
    case HD_T_METHOD: {
        hd_method_obj_t *m = (hd_method_obj_t *)o;
        hd_obj_t *qn = m->func->type == HD_T_FUNCTION ? ((hd_func_obj_t *)m->func)->qualname : NULL;
        int rc = buf_puts(vm, b, "<bound method ") ||
                 (qn ? put_str(vm, b, qn) : buf_puts(vm, b, "?")) || buf_puts(vm, b, " of ") ||
                 sc_repr_buf(vm, m->self, b) || buf_puts(vm, b, ">");
        return rc ? -1 : 0;
    }
    }
    return atom_repr(vm, o, b);
}

int sc_str_buf(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    if (o->type == HD_T_STR)
        return put_str(vm, b, o);
    if (o->type == HD_T_INSTANCE) {
        int rc = call_dunder(vm, o, "__str__", b);
        if (rc <= 0)
            return rc;
    }
    if (o->type == HD_T_DICTVIEW && o->aux == HD_DICT_PROXY) /* mappingproxy_str */
        return sc_str_buf(vm, ((hd_dictview_obj_t *)o)->dict, b);
    return sc_repr_buf(vm, o, b);
}

/* scratch_new: long_to_decimal_string's scratch int of 1 + size + size /
 * 99 digits (the digits in base 10**9), which lives while the text is
 * made and so moves tracemalloc's peak */
static int scratch_new(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    int64_t size = ((hd_int_obj_t *)o)->size;
    size_t n = (size_t)(size < 0 ? -size : size), digits = 1 + n + n / 99;
    int rc = hd__obj_alloc(vm->h, HD_T_INT, HD_INT_HEADER + 4 * digits, 0, out);
    if (rc)
        return sc_nomem(vm, rc);
    ((hd_int_obj_t *)*out)->size = 0;
    return 0;
}

/* int_text_str: the str of an int's decimal text, as long_to_decimal_string
 * makes it: the scratch int first, freed once the str is made */
static int int_text_str(sc_vm_t *vm, hd_obj_t *o, const sc_buf_t *b, hd_obj_t **out)
{
    hd_obj_t *scratch = NULL;
    if (o->type == HD_T_INT && scratch_new(vm, o, &scratch))
        return -1;
    int rc = fresh_str(vm, b->v ? b->v : "", b->n, out);
    if (scratch)
        hd__decref(vm->h, scratch);
    return rc;
}

static int to_str(sc_vm_t *vm, hd_obj_t *o, bool repr, hd_obj_t **out)
{
    sc_buf_t b = {0};
    int rc = repr ? sc_repr_buf(vm, o, &b) : sc_str_buf(vm, o, &b);
    if (!rc)
        rc = o->type == HD_T_INT ? int_text_str(vm, o, &b, out)
                                 : fresh_str(vm, b.v ? b.v : "", b.n, out);
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
    if (o->type == HD_T_FLOAT || o->type == HD_T_BOOL || o->type == HD_T_NONE) {
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

typedef struct spec {
    char fill, align, sign, type, grouping;
    bool alt, zero;
    int width, precision;
} spec_t;

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
static int pad(sc_vm_t *vm, const spec_t *p, const char *sign, const char *body, char def_align,
               sc_buf_t *b)
{
    size_t len = strlen(sign) + strlen(body);
    int fill = p->width > (int)len ? p->width - (int)len : 0;
    char align = p->align ? p->align : p->zero && def_align == '>' ? '=' : def_align;
    int left = align == '>' ? fill : align == '^' ? fill / 2 : 0;
    int right = align == '<' ? fill : align == '^' ? fill - fill / 2 : 0;
    int mid = align == '=' ? fill : 0;
    int rc = 0;
    for (int i = 0; i < left && !rc; i++)
        rc = sc_buf_put(vm, b, &p->fill, 1);
    if (!rc)
        rc = buf_puts(vm, b, sign);
    for (int i = 0; i < mid && !rc; i++)
        rc = sc_buf_put(vm, b, &p->fill, 1);
    if (!rc)
        rc = buf_puts(vm, b, body);
    for (int i = 0; i < right && !rc; i++)
        rc = sc_buf_put(vm, b, &p->fill, 1);
    return rc;
}

/* int_digits: |v| in base 2, 8, 10 or 16 into a new buffer */
static char *int_digits(sc_vm_t *vm, hd_obj_t *o, int base, bool upper)
{
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    int64_t nd = io->size < 0 ? -io->size : io->size;
    size_t cap = (size_t)(nd ? nd : 1) * 31 + 4;
    char *s = hd_mem_malloc(vm->h->mem, cap);
    if (!s)
        return NULL;
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

static int format_int(sc_vm_t *vm, hd_obj_t *o, const spec_t *p, sc_buf_t *b)
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
        int rc = put_str(vm, b, s);
        hd__decref(vm->h, s);
        return rc;
    }
    int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
    if (!strchr("dnbxXo", type))
        return sc_raise(vm, EXC_VALUEERROR, "Unknown format code '%c' for object of type 'int'",
                        type);
    if (base == 10 && int_str_limit(vm, o))
        return -1;
    bool neg = ((hd_int_obj_t *)o)->size < 0;
    char *digits = int_digits(vm, o, base, type == 'X');
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
    int rc = pad(vm, p, sign, grouped, '>', b);
    hd_mem_free(vm->h->mem, digits);
    hd_mem_free(vm->h->mem, grouped);
    return rc;
}

static void float_body(double v, const spec_t *p, char *out, size_t len)
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

static int format_float(sc_vm_t *vm, double v, const spec_t *p, sc_buf_t *b)
{
    if (p->type && !strchr("eEfFgGn%", p->type))
        return sc_raise(vm, EXC_VALUEERROR, "Unknown format code '%c' for object of type 'float'",
                        p->type);
    char body[512], sign[2] = "";
    float_body(v, p, body, sizeof(body));
    if (signbit(v) && !isnan(v))
        sign[0] = '-';
    else if (p->sign == '+' || p->sign == ' ')
        sign[0] = p->sign;
    if (!p->grouping)
        return pad(vm, p, sign, body, '>', b);
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
    int rc = pad(vm, p, sign, grouped, '>', b);
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
    case HD_T_BOOL: /* int.__format__: a non-empty spec formats the number */
    case HD_T_INT:
        if (p.type && strchr("eEfFgG%", p.type)) {
            double d;
            sc_float_of(o, &d);
            return format_float(vm, d, &p, b);
        }
        if (o->type == HD_T_BOOL) { /* 0 or 1: shared small ints */
            hd_obj_t *i;
            if (hd_int_from_i64(vm->h, o == vm->h->true_, &i))
                return sc_nomem(vm, HD_ENOMEM);
            int rc = format_int(vm, i, &p, b);
            hd__decref(vm->h, i);
            return rc;
        }
        return format_int(vm, o, &p, b);
    case HD_T_FLOAT: {
        double d = ((hd_float_obj_t *)o)->value;
        return format_float(vm, d, &p, b);
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
        if (p.precision >= 0 && (size_t)p.precision < len)
            t[p.precision] = '\0'; /* ASCII-accurate truncation */
        int rc = pad(vm, &p, "", t, '<', b);
        hd_mem_free(vm->h->mem, t);
        return rc;
    }
    }
    return sc_raise(vm, EXC_TYPEERROR, "unsupported format string passed to %s.__format__",
                    sc_tname(vm, o));
}

/* ---- what CPython's formatters allocate ----
 *
 * The text is made in untraced buffers; around it, the blocks CPython's
 * formatters allocate are made and freed in their order (plain pool
 * blocks where no object is visible), so tracemalloc's peak is python3's:
 * a str block is a compact ASCII str's (48 + n + 1 bytes). */

#define str_block(n) (HD_STR_ASCII_HEADER + (size_t)(n) + 1)

/* tblock: a transient block of len bytes (NULL on failure, raised) */
static void *tblock(sc_vm_t *vm, size_t len)
{
    void *p;
    int rc = hd__block_alloc(vm->h, len, HD_TRACE_UNKNOWN, &p);
    return rc ? (sc_nomem(vm, rc), NULL) : p;
}

/* int_ndigits: the number of digits of |o| in base (2, 8, 10, 16) */
static int int_ndigits(sc_vm_t *vm, hd_obj_t *o, int base, size_t *n)
{
    char *d = int_digits(vm, o, base, false);
    if (!d)
        return sc_nomem(vm, HD_ENOMEM);
    *n = strlen(d);
    hd_mem_free(vm->h->mem, d);
    return 0;
}

/* int_tmp: _PyLong_Format(value, base)'s str, as a block (the text with
 * its sign, and 0x/0o/0b for the binary bases): for base 10 made while
 * long_to_decimal_string's scratch int lives */
static void *int_tmp(sc_vm_t *vm, hd_obj_t *o, int base)
{
    size_t nd = 0, neg = ((hd_int_obj_t *)o)->size < 0;
    hd_obj_t *scratch = NULL;
    if (int_ndigits(vm, o, base, &nd) || (base == 10 && scratch_new(vm, o, &scratch)))
        return NULL;
    void *t = tblock(vm, str_block(neg + nd + (base == 10 ? 0 : 2)));
    hd__xdecref(vm->h, scratch);
    return t;
}

/* writer_result: _PyUnicodeWriter_Finish's str of the text b: a fresh
 * one, or for one character (made in a buffer) the shared one */
static int writer_result(sc_vm_t *vm, const sc_buf_t *b, hd_obj_t **out)
{
    if (b->n != 1 || (unsigned char)b->v[0] >= 0x80)
        return fresh_str(vm, b->v ? b->v : "", b->n, out);
    void *buf = tblock(vm, str_block(1));
    if (!buf)
        return -1;
    hd__block_free(vm->h, buf);
    return sc_str_new(vm, b->v, 1, out);
}

/* dtoa_bufsize: format_float_short's buffer for the text b of an int
 * formatted with e, E, f, F or %: sign, point and NUL, the digits from the
 * first (or the point) to the precision, and "e+100"; 0 for g and G */
static size_t dtoa_bufsize(char type, int prec, const sc_buf_t *b)
{
    if (type == 'e' || type == 'E')
        return 3 + (size_t)prec + 1 + 5;
    if (type == 'g' || type == 'G')
        return 0;
    size_t decpt = 0; /* the integer part's digits (the value is whole) */
    for (size_t i = 0; i < b->n && b->v[i] != '.' && b->v[i] != '%'; i++)
        decpt += b->v[i] >= '1' && b->v[i] <= '9' ? 1 : b->v[i] == '0' && decpt ? 1 : 0;
    return 3 + (decpt ? decpt : 1) + (size_t)prec;
}

/* int_format_str: the str of int.__format__(o, spec) (format_long_internal
 * and the float types' PyNumber_Float), whose text is b: the fast path
 * (no sign, width or grouping, not X or n) writes the digits at once, for
 * base 10 while the scratch int lives; else the text of _PyLong_Format
 * lives until the result is made (with 'n', the locale's separator too) */
static int int_format_str(sc_vm_t *vm, hd_obj_t *o, const char *spec_text, const sc_buf_t *b,
                          hd_obj_t **out)
{
    spec_t p;
    if (parse_spec(vm, spec_text, &p))
        return -1;
    char type = p.type ? p.type : 'd';
    if (strchr("eEfFgG%", type)) { /* a float, left in the free list */
        hd_obj_t *f;
        double d;
        sc_float_of(o, &d);
        if (hd_float_new(vm->h, d, &f))
            return sc_nomem(vm, HD_ENOMEM);
        hd__decref(vm->h, f);
        void *buf = NULL; /* PyOS_double_to_string's buffer ('g' not modelled) */
        size_t len = dtoa_bufsize(type, p.precision < 0 ? 6 : p.precision, b);
        if (len && !(buf = tblock(vm, len)))
            return -1;
        int rc = writer_result(vm, b, out);
        hd__block_free(vm->h, buf);
        return rc;
    }
    int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
    if (type == 'c')
        return writer_result(vm, b, out);
    if (p.sign != '+' && p.sign != ' ' && !p.width && type != 'X' && type != 'n' && !p.grouping) {
        hd_obj_t *scratch = NULL;
        if (base == 10 && scratch_new(vm, o, &scratch))
            return -1;
        int rc = writer_result(vm, b, out);
        hd__xdecref(vm->h, scratch);
        return rc;
    }
    void *tmp = int_tmp(vm, o, base), *sep = NULL;
    if (!tmp || (type == 'n' && !(sep = tblock(vm, 1)))) {
        hd__block_free(vm->h, tmp);
        return -1;
    }
    int rc = writer_result(vm, b, out);
    hd__block_free(vm->h, tmp);
    hd__block_free(vm->h, sep);
    return rc;
}

int sc_format(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *spec, hd_obj_t **out)
{
    char *text = spec ? sc_str_utf8(vm, spec, NULL) : NULL;
    if (spec && !text)
        return sc_nomem(vm, HD_ENOMEM);
    bool plain = !text || !*text; /* an empty spec is str() */
    /* PyObject_Format: int.__format__ looked up, a bound method */
    hd_obj_t *meth = NULL;
    if (!plain && o->type == HD_T_INT) {
        int r = hd__cmethod_new(vm->h, sc_builtin(vm, SC_BI_T_OBJECT), o, &meth);
        if (r) {
            hd_mem_free(vm->h->mem, text);
            return sc_nomem(vm, r);
        }
    }
    sc_buf_t b = {0};
    int rc = format_to(vm, o, text ? text : "", &b);
    if (!rc)
        rc = plain && o->type == HD_T_INT ? int_text_str(vm, o, &b, out)
             : meth                       ? int_format_str(vm, o, text, &b, out)
                                          : fresh_str(vm, b.v ? b.v : "", b.n, out);
    hd_mem_free(vm->h->mem, text);
    hd_mem_free(vm->h->mem, b.v);
    hd__xdecref(vm->h, meth);
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
        rc = int_text_str(vm, o, &b, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

/* ---- printf-style % ---- */

/* percent_int: d, i, u, o, x, X of an int with a precision: the digits
 * zero-extended to it (_PyUnicode_FormatLong), then the sign and 0x/0o,
 * then the width ('0' between them and the digits) */
static int percent_int(sc_vm_t *vm, char conv, spec_t *p, int prec, hd_obj_t *arg, sc_buf_t *b)
{
    int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    char *d = int_digits(vm, arg, base, conv == 'X');
    size_t nd = d ? strlen(d) : 0, n = (size_t)prec > nd ? (size_t)prec : nd;
    char *z = d ? hd_mem_malloc(vm->h->mem, n + 1) : NULL;
    if (!z) {
        hd_mem_free(vm->h->mem, d);
        return sc_nomem(vm, HD_ENOMEM);
    }
    memset(z, '0', n - nd);
    memcpy(z + n - nd, d, nd + 1);
    char sign[4] = {((hd_int_obj_t *)arg)->size < 0 ? '-' : p->sign}, *alt = sign + !!sign[0];
    if (p->alt && base != 10)
        alt[0] = '0', alt[1] = conv;
    int rc = pad(vm, p, sign, z, '>', b);
    hd_mem_free(vm->h->mem, d);
    hd_mem_free(vm->h->mem, z);
    return rc;
}

static int percent_one(sc_vm_t *vm, char conv, const char *flags, int width, int prec,
                       hd_obj_t *arg, sc_buf_t *b, size_t *tlen)
{
    spec_t p;
    memset(&p, 0, sizeof(p));
    p.fill = ' ';
    p.align = strchr(flags, '-') ? '<' : '>';
    p.width = width;
    p.precision = prec;
    if (strchr(flags, '+'))
        p.sign = '+';
    else if (strchr(flags, ' '))
        p.sign = ' ';
    p.alt = strchr(flags, '#') != NULL;
    if (strchr(flags, '0') && p.align == '>') {
        p.fill = '0';
        p.align = '=';
    }
    if (conv == 's' || conv == 'r' || conv == 'a') {
        sc_buf_t s = {0};
        int rc = conv == 's' ? sc_str_buf(vm, arg, &s) : sc_repr_buf(vm, arg, &s);
        *tlen = s.n;
        if (!rc && prec >= 0 && (size_t)prec < s.n)
            s.v[prec] = '\0';
        p.fill = ' ';
        if (p.align == '=')
            p.align = '>';
        if (!rc)
            rc = pad(vm, &p, "", s.v ? s.v : "", '>', b);
        hd_mem_free(vm->h->mem, s.v);
        return rc;
    }
    if (conv == 'c') {
        p.type = 'c';
        if (arg->type == HD_T_STR)
            return pad(vm, &p, "", "", '>', b) || put_str(vm, b, arg);
        return format_int(vm, arg, &p, b);
    }
    if (arg->type != HD_T_INT && arg->type != HD_T_BOOL && arg->type != HD_T_FLOAT)
        return sc_raise(vm, EXC_TYPEERROR, "%%%c format: a real number is required, not %s", conv,
                        sc_tname(vm, arg));
    if (arg->type == HD_T_BOOL) { /* its number: 0 or 1, shared small ints */
        hd_obj_t *i;
        if (hd_int_from_i64(vm->h, arg == vm->h->true_, &i))
            return sc_nomem(vm, HD_ENOMEM);
        int rc = percent_one(vm, conv, flags, width, prec, i, b, tlen);
        hd__decref(vm->h, i);
        return rc;
    }
    if (strchr("diu", conv)) {
        if (arg->type == HD_T_FLOAT) {
            double d = ((hd_float_obj_t *)arg)->value;
            hd_obj_t *iv;
            if (hd__int_from_long(vm->h, (int64_t)d, &iv))
                return sc_nomem(vm, HD_ENOMEM);
            int rc = format_int(vm, iv, &p, b);
            hd__decref(vm->h, iv);
            return rc;
        }
        p.precision = -1;
        if (prec > 0 && arg->type == HD_T_INT)
            return percent_int(vm, conv, &p, prec, arg, b);
        return format_int(vm, arg, &p, b);
    }
    if (strchr("xXo", conv)) {
        p.type = conv;
        if (arg->type == HD_T_FLOAT)
            return sc_raise(vm, EXC_TYPEERROR, "%%%c format: an integer is required, not float",
                            conv);
        if (prec > 0 && arg->type == HD_T_INT)
            return percent_int(vm, conv, &p, prec, arg, b);
        return format_int(vm, arg, &p, b);
    }
    p.type = conv;
    double d;
    sc_float_of(arg, &d);
    return format_float(vm, d, &p, b);
}

/* percent_mapping: PyUnicode_Format's dict: PyMapping_Check(args) (an
 * mp_subscript: dict, list, bytes, range, an instance with __getitem__)
 * when args is neither a tuple nor a str */
static bool percent_mapping(sc_vm_t *vm, hd_obj_t *a)
{
    switch (a->type) {
    case HD_T_DICT:
    case HD_T_LIST:
    case HD_T_BYTES:
    case HD_T_RANGE:
        return true;
    case HD_T_INSTANCE:
        return sc_class_lookup(vm, hd_obj_class(vm->h, a), "__getitem__") != NULL;
    }
    return false;
}

/* percent_key: a "%(key)" at f[*i] == '(' (balanced parentheses): the
 * mapping's item for it becomes the only argument (owned in *cur) */
static int percent_key(sc_vm_t *vm, const char *f, size_t len, size_t *i, hd_obj_t *dict,
                       hd_obj_t **cur)
{
    if (!dict)
        return sc_raise(vm, EXC_TYPEERROR, "format requires a mapping");
    size_t start = ++*i;
    int depth = 1;
    for (; *i < len; ++*i) {
        depth += f[*i] == '(' ? 1 : f[*i] == ')' ? -1 : 0;
        if (depth == 0)
            break;
    }
    if (depth > 0)
        return sc_raise(vm, EXC_VALUEERROR, "incomplete format key");
    hd_obj_t *key, *v;
    if (sc_str_new(vm, f + start, *i - start, &key))
        return -1;
    int rc = sc_getitem(vm, dict, key, &v);
    hd__decref(vm->h, key);
    if (rc)
        return -1;
    ++*i;
    hd__xdecref(vm->h, *cur);
    *cur = v;
    return 0;
}

/* pw: PyUnicode_Format's _PyUnicodeWriter, as blocks: at least the
 * format's length + 100 characters, a quarter more until the last piece,
 * a str written whole into an empty writer past that is taken as it is,
 * and the end shrinks the buffer to the text */
typedef struct pw {
    void *blk;       /* the buffer, or a str block taken whole; NULL when none */
    hd_obj_t *taken; /* the str object taken whole (borrowed from the caller) */
    size_t size, pos, min_length;
    bool overallocate, readonly;
} pw_t;

/* pw_prepare: _PyUnicodeWriter_Prepare for n more characters */
static int pw_prepare(sc_vm_t *vm, pw_t *w, size_t n)
{
    size_t newlen = w->pos + n;
    if (n == 0 || (w->blk && !w->readonly && newlen <= w->size)) {
        w->pos = newlen;
        return 0;
    }
    if (w->overallocate)
        newlen += newlen / 4;
    if (newlen < w->min_length)
        newlen = w->min_length;
    void *nb = NULL;
    if (!w->blk || w->readonly) { /* a new buffer (the str taken is let go of) */
        if (!(nb = tblock(vm, str_block(newlen))))
            return -1;
        if (!w->taken)
            hd__block_free(vm->h, w->blk);
    } else {
        int rc = hd__block_realloc(vm->h, w->blk, str_block(newlen), HD_TRACE_UNKNOWN, &nb);
        if (rc)
            return sc_nomem(vm, rc);
    }
    w->blk = nb;
    w->taken = NULL;
    w->readonly = false;
    w->size = newlen;
    w->pos += n;
    return 0;
}

/* pw_output: a str of tlen characters (the block *tmp, the object obj, or
 * neither for a shared one) written whole (fast) or as a piece of `piece`
 * characters; the str is let go of unless the writer took it */
static int pw_output(sc_vm_t *vm, pw_t *w, bool fast, size_t tlen, size_t piece, void **tmp,
                     hd_obj_t *obj)
{
    int rc = 0;
    if (fast && tlen && !w->blk && !w->overallocate) {
        w->blk = *tmp;
        w->taken = obj;
        w->readonly = true;
        w->size = w->pos = tlen;
        *tmp = NULL;
    } else {
        rc = pw_prepare(vm, w, fast ? tlen : piece);
    }
    hd__block_free(vm->h, *tmp);
    *tmp = NULL;
    return rc;
}

/* pw_int: an int argument of d, i, u, o, x, X (or s, r, a: base 10):
 * written at once by _PyLong_FormatWriter when nothing but the digits is
 * asked for, else _PyUnicode_FormatLong's str (a bytes object for the
 * zeros of a precision, a copy without 0x/0o) then output */
static int pw_int(sc_vm_t *vm, pw_t *w, char conv, const char *flags, int width, int prec,
                  hd_obj_t *arg, size_t piece, bool exact)
{
    int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    bool signflag = strchr(flags, '+') || strchr(flags, ' '), alt = strchr(flags, '#');
    if (!width && prec < 0 && !signflag && conv != 'X' && exact) {
        hd_obj_t *scratch = NULL;
        if (base == 10 && scratch_new(vm, arg, &scratch))
            return -1;
        int rc = pw_prepare(vm, w, piece);
        hd__xdecref(vm->h, scratch);
        return rc;
    }
    size_t nd = 0, neg = ((hd_int_obj_t *)arg)->size < 0, non = neg + (base == 10 ? 0 : 2);
    void *tmp = int_ndigits(vm, arg, base, &nd) ? NULL : int_tmp(vm, arg, base), *t2 = NULL;
    if (!tmp)
        return -1;
    if (!alt && base != 10)
        non -= 2;
    if (prec > 0 && (size_t)prec > nd) {
        void *r1 = tblock(vm, 33 + non + (size_t)prec);
        hd__block_free(vm->h, tmp);
        t2 = r1 && non + (size_t)prec > 1 ? tblock(vm, str_block(non + (size_t)prec)) : NULL;
        hd__block_free(vm->h, r1);
        if (!r1 || (!t2 && non + (size_t)prec > 1))
            return -1;
        tmp = t2; /* _PyUnicode_FromASCII: one character is the shared str */
        nd = (size_t)prec;
    } else if (!alt && base != 10) {
        t2 = non + nd > 1 ? tblock(vm, str_block(non + nd)) : NULL;
        hd__block_free(vm->h, tmp);
        if (!t2 && non + nd > 1)
            return -1;
        tmp = t2;
    }
    size_t tlen = non + nd;
    bool fast = (size_t)width <= tlen && (prec < 0 || (size_t)prec >= tlen) && !signflag;
    return pw_output(vm, w, fast, tlen, piece, &tmp, NULL);
}

/* pw_arg: what formatting arg with conv allocates, its piece of the text
 * being `piece` characters (tlen: the length of its str for s, r, a) */
static int pw_arg(sc_vm_t *vm, pw_t *w, char conv, const char *flags, int width, int prec,
                  hd_obj_t *arg, size_t piece, size_t tlen)
{
    bool signflag = strchr(flags, '+') || strchr(flags, ' ');
    void *tmp = NULL;
    if (strchr("diuoxX", conv) && (arg->type == HD_T_INT || arg->type == HD_T_BOOL)) {
        hd_obj_t *i = arg;
        if (arg->type == HD_T_BOOL && hd_int_from_i64(vm->h, arg == vm->h->true_, &i))
            return sc_nomem(vm, HD_ENOMEM);
        int rc = pw_int(vm, w, conv, flags, width, prec, i, piece, i == arg);
        if (i != arg)
            hd__decref(vm->h, i);
        return rc;
    }
    if (strchr("sra", conv) && arg->type == HD_T_INT && !width && prec < 0)
        return pw_int(vm, w, 'd', "", 0, -1, arg, piece, true);
    if (conv == 'c')
        return !width && prec < 0 ? pw_prepare(vm, w, 1)
                                  : pw_output(vm, w, width <= 1, 1, piece, &tmp, NULL);
    bool fast = (size_t)width <= tlen && (prec < 0 || (size_t)prec >= tlen) && !signflag;
    if (strchr("sra", conv) && arg->type == HD_T_STR && conv == 's')
        return pw_output(vm, w, fast, tlen, piece, &tmp, arg);
    if (!strchr("sra", conv) || arg->type == HD_T_BOOL || arg->type == HD_T_NONE)
        return pw_prepare(vm, w, piece); /* floats (not modelled), shared strs */
    if (!(tmp = tblock(vm, str_block(tlen))))
        return -1;
    return pw_output(vm, w, fast, tlen, piece, &tmp, NULL);
}

/* pw_finish: _PyUnicodeWriter_Finish: the str taken whole as it is, or
 * the buffer shrunk to the text (one character: the shared str) */
static int pw_finish(sc_vm_t *vm, pw_t *w, const sc_buf_t *b, hd_obj_t **out)
{
    if (w->taken) {
        hd__incref(*out = w->taken);
        return 0;
    }
    bool fresh = w->blk && w->readonly; /* a str block taken: the result */
    hd__block_free(vm->h, w->blk);
    w->blk = NULL;
    if (!fresh && b->n <= 1 && (!b->n || (unsigned char)b->v[0] < 0x80))
        return sc_str_new(vm, b->v ? b->v : "", b->n, out);
    return fresh_str(vm, b->v ? b->v : "", b->n, out);
}

/* sc_percent_format: PyUnicode_Format. The arguments are a tuple's items,
 * else the one object (a mapping too, when it is one: then "%(key)s"
 * takes its item, and no argument is left unconverted) */
int sc_percent_format(sc_vm_t *vm, hd_obj_t *fmt, hd_obj_t *args, hd_obj_t **out)
{
    size_t len;
    char *f = sc_str_utf8(vm, fmt, &len);
    if (!f)
        return sc_nomem(vm, HD_ENOMEM);
    hd_obj_t *cur = NULL; /* owned: the item of the last %(key) */
    hd_obj_t **items = &args;
    int64_t nargs = -1, used = -2; /* ctx.arglen, ctx.argidx */
    if (args->type == HD_T_TUPLE) {
        items = ((hd_tuple_obj_t *)args)->items;
        nargs = ((hd_tuple_obj_t *)args)->size;
        used = 0;
    }
    hd_obj_t *dict = args->type != HD_T_TUPLE && args->type != HD_T_STR && percent_mapping(vm, args)
                         ? args
                         : NULL;
    sc_buf_t b = {0};
    pw_t w = {.min_length = len + 100, .overallocate = true};
    int rc = 0;
    for (size_t i = 0; i < len && !rc; i++) {
        if (f[i] != '%') { /* a run of text: the whole format is taken as it is */
            size_t j = i;
            while (j < len && f[j] != '%')
                j++;
            w.overallocate &= j < len;
            void *none = NULL;
            rc = i == 0 && j == len ? pw_output(vm, &w, true, len, len, &none, fmt)
                                    : pw_prepare(vm, &w, j - i);
            if (!rc)
                rc = sc_buf_put(vm, &b, f + i, j - i);
            i = j - 1;
            continue;
        }
        char flags[8] = "";
        int nf = 0, width = 0, prec = -1;
        i++;
        if (i < len && f[i] == '%') { /* "%%" only: after a key, flags or a
                                          width '%' is a conversion */
            w.overallocate &= i + 1 < len;
            rc = pw_prepare(vm, &w, 1) || sc_buf_put(vm, &b, "%", 1);
            continue;
        }
        if (i < len && f[i] == '(') {
            if ((rc = percent_key(vm, f, len, &i, dict, &cur)) != 0)
                break;
            items = &cur;
            nargs = -1;
            used = -2;
        }
        while (i < len && strchr("-+ #0", f[i]) && nf < 7)
            flags[nf++] = f[i++];
        while (i < len && f[i] >= '0' && f[i] <= '9' && width <= FMT_MAX_WIDTH)
            width = width * 10 + (f[i++] - '0');
        if (i < len && f[i] == '.') {
            prec = 0;
            for (i++; i < len && f[i] >= '0' && f[i] <= '9' && prec <= FMT_MAX_WIDTH; i++)
                prec = prec * 10 + (f[i] - '0');
        }
        if (width > FMT_MAX_WIDTH || prec > FMT_MAX_WIDTH) {
            rc = sc_nomem(vm, HD_ENOMEM);
            break;
        }
        if (i >= len) {
            rc = sc_raise(vm, EXC_VALUEERROR, "incomplete format");
            break;
        }
        /* unicode_format_getnextarg (the one object when arglen is -1),
         * then the conversion character */
        if (used >= nargs) {
            rc = sc_raise(vm, EXC_TYPEERROR, "not enough arguments for format string");
            break;
        }
        hd_obj_t *arg = nargs < 0 ? items[0] : items[used];
        used++;
        if (!strchr("sradiuxXoeEfFgGc", f[i])) {
            rc = sc_raise(vm, EXC_VALUEERROR,
                          "unsupported format character '%c' (0x%x) at index %zu", f[i],
                          (unsigned char)f[i], i);
            break;
        }
        size_t at = b.n, tlen = 0;
        w.overallocate &= i + 1 < len;
        rc = percent_one(vm, f[i], flags, width, prec, arg, &b, &tlen);
        if (!rc)
            rc = pw_arg(vm, &w, f[i], flags, width, prec, arg, b.n - at, tlen);
    }
    if (!rc && used < nargs && !dict)
        rc = sc_raise(vm, EXC_TYPEERROR, "not all arguments converted during string formatting");
    hd__xdecref(vm->h, cur);
    hd_mem_free(vm->h->mem, f);
    if (!rc)
        rc = pw_finish(vm, &w, &b, out);
    else if (!w.taken)
        hd__block_free(vm->h, w.blk);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

/* ---- sys.stdout ---- */

static bool is_ascii(hd_obj_t *s)
{
    return (((hd_str_obj_t *)s)->state & HD_STR_ASCII) != 0;
}

/* writeflush: _textiowrapper_writeflush: the pending text becomes one
 * bytes object handed to the buffer, and the pending objects go */
static int writeflush(sc_vm_t *vm)
{
    sc_state_t *st = vm->st;
    hd_obj_t *pending = st->pending, *bytes = NULL;
    if (!pending)
        return 0;
    if (pending->type != HD_T_BYTES) {
        char *tmp = hd_mem_malloc(vm->h->mem, (size_t)st->pending_bytes + 1);
        if (!tmp)
            return sc_nomem(vm, HD_ENOMEM);
        memset(tmp, ' ', (size_t)st->pending_bytes);
        int rc = hd_bytes_new(vm->h, tmp, (size_t)st->pending_bytes, &bytes);
        hd_mem_free(vm->h->mem, tmp);
        if (rc)
            return sc_nomem(vm, rc);
    } else {
        hd__incref(pending);
        bytes = pending;
    }
    st->pending_bytes = 0;
    st->pending = NULL;
    hd__decref(vm->h, pending);
    hd_obj_t *n;
    if (hd__int_from_long(vm->h, hd_len(bytes), &n) == 0) /* buffer.write's result */
        hd__decref(vm->h, n);
    hd__decref(vm->h, bytes);
    return 0;
}

static int pending_add(sc_vm_t *vm, hd_obj_t *b, int64_t blen)
{
    sc_state_t *st = vm->st;
    int rc = 0;
    if (!st->pending) {
        st->pending_bytes = 0;
        hd__incref(b);
        st->pending = b;
    } else if (st->pending_bytes + blen > CHUNK_SIZE) {
        if (writeflush(vm))
            return -1;
        hd__incref(b);
        st->pending = b;
    } else if (st->pending->type != HD_T_LIST) {
        hd_obj_t *items[2] = {st->pending, b}, *l;
        if ((rc = hd_list_new(vm->h, 2, items, &l)))
            return sc_nomem(vm, rc);
        hd__decref(vm->h, st->pending);
        st->pending = l;
    } else if ((rc = hd_list_append(vm->h, st->pending, b))) {
        return sc_nomem(vm, rc);
    }
    st->pending_bytes += blen;
    if (st->pending_bytes >= CHUNK_SIZE)
        return writeflush(vm);
    return 0;
}

int sc_write_str(sc_vm_t *vm, hd_obj_t *s)
{
    hd_obj_t *writer, *b = s;
    /* PyFile_WriteObject: getattr(file, 'write'), a bound method */
    hd_obj_t *wfn = sc_builtin(vm, SC_BI_PRINT);
    int rc = wfn ? hd__cmethod_new(vm->h, wfn, vm->h->none, &writer) : HD_ENOMEM;
    if (rc)
        return sc_nomem(vm, rc);
    size_t len;
    char *text = sc_str_utf8(vm, s, &len);
    if (!text) {
        hd__decref(vm->h, writer);
        return sc_nomem(vm, HD_ENOMEM);
    }
    rc = 0;
    if (!vm->out_closed) {
        if (vm->lim && vm->lim->max_output && vm->out.n + len > vm->lim->max_output)
            rc = sc_fatal(vm, SC_FATAL_BUDGET, "script_output");
        else
            rc = sc_buf_put(vm, &vm->out, text, len);
    }
    if (!rc && !is_ascii(s)) {
        int r = hd_bytes_new(vm->h, text, len, &b);
        rc = r ? sc_nomem(vm, r) : 0;
    }
    hd_mem_free(vm->h->mem, text);
    if (!rc) {
        rc = pending_add(vm, b, (int64_t)len);
        if (b != s)
            hd__decref(vm->h, b);
    }
    if (!rc) {
        hd_obj_t *ret; /* write() returns the length */
        if (hd__int_from_long(vm->h, hd_len(s), &ret) == 0)
            hd__decref(vm->h, ret);
    }
    hd__decref(vm->h, writer);
    return rc;
}

void sc_flush_stdout(sc_vm_t *vm)
{
    (void)writeflush(vm);
}
