/*
 * writer.c: what CPython's reprs and formatting allocate, as tracemalloc
 * and the collector see it.
 *
 * CPython builds a container's repr in a _PyUnicodeWriter: a str object
 * allocated at the first write (the length so far plus a quarter, at least
 * min_length), grown by resize_compact (the same rule), widened by a new
 * str when a wider character comes, and shrunk to its text at the end; and
 * each item's repr is a str of its own, freed once copied. Only tracemalloc
 * sees those blocks (strs are not tracked by the collector), so they are
 * modelled only while it traces: a traced block stands for the buffer
 * (freed before the caller makes the result str, which is what the shrink
 * costs), the item reprs are made as real strs.
 *
 * Set and dict view reprs make a list of their items (PySequence_List, a
 * tracked object) and go through PyUnicode_FromFormat, whose writer starts
 * at the format's length + 100; those run whether or not tracemalloc
 * traces, the buffers only while it does. str.format's writer
 * (sc_writer_sync) and its fields of other types than str, int and float
 * (render_field's PyObject_Format) are here too, and the size of
 * PyOS_double_to_string's block for a float's digits (sc_dtoa_size), which
 * format.c's float and formatter temporaries allocate.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "vm.h"

/* sc_dtoa_digits: what _Py_dg_dtoa gives for a decimal text (sign, digits,
 * point, exponent): its digits without leading and trailing zeros ("0"
 * for zero) as their count, and where the decimal point falls (decpt);
 * false for inf and nan */
bool sc_dtoa_digits(const char *text, int64_t *decpt_out, int64_t *nd_out)
{
    const char *p = text + (text[0] == '-');
    if (!isdigit((unsigned char)p[0]))
        return false;
    int64_t decpt = 0, ndigits = 0, zeros = 0;
    bool point = false, lead = true;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            point = true;
            continue;
        }
        if (!point)
            decpt++;
        if (*p == '0' && lead) {
            decpt--;
            continue;
        }
        lead = false;
        zeros = *p == '0' ? zeros + 1 : 0;
        ndigits++;
    }
    ndigits -= zeros;
    if (ndigits == 0) /* zero: the digits "0", the point after them */
        ndigits = 1, decpt = 1;
    else if (*p)
        decpt += strtoll(p + 1, NULL, 10);
    *decpt_out = decpt;
    *nd_out = ndigits;
    return true;
}

/* sc_dtoa_size: the block format_float_short allocates for those digits in
 * format code type ('r', 'e', 'f', 'g', after PyOS_double_to_string's
 * adjustments of the precision) with Py_DTSF_ALT and Py_DTSF_ADD_DOT_0:
 * 3 + vdigits_end - vdigits_start, and 5 for an exponent */
size_t sc_dtoa_size(int64_t decpt, int64_t nd, char type, int prec, bool alt, bool dot0)
{
    bool use_exp = false;
    int64_t vend = nd;
    if (type == 'e')
        use_exp = true, vend = prec;
    else if (type == 'f')
        vend = decpt + prec;
    else if (type == 'g')
        use_exp = decpt <= -4 || decpt > (dot0 ? prec - 1 : prec), vend = alt ? prec : nd;
    else
        use_exp = decpt <= -4 || decpt > 16;
    if (use_exp)
        decpt = 1;
    int64_t vstart = decpt <= 0 ? decpt - 1 : 0;
    if (!use_exp && dot0)
        vend = vend > decpt ? vend : decpt + 1;
    else
        vend = vend > decpt ? vend : decpt;
    return (size_t)(3 + (vend - vstart) + (use_exp ? 5 : 0));
}

/* str_bytes: PyUnicode_New(n, maxchar)'s block */
static size_t str_bytes(int64_t n, uint32_t maxchar)
{
    if (maxchar < 128)
        return HD_STR_ASCII_HEADER + (size_t)n + 1;
    int width = maxchar < 256 ? 1 : maxchar < 65536 ? 2 : 4;
    return HD_STR_COMPACT_HEADER + ((size_t)n + 1) * (size_t)width;
}

static uint32_t kind_max(uint32_t maxchar)
{
    return maxchar < 128 ? 127 : maxchar < 256 ? 255 : maxchar < 65536 ? 65535 : 0x10ffff;
}

static uint32_t str_maxchar(hd_obj_t *s)
{
    const hd_str_obj_t *so = (const hd_str_obj_t *)s;
    return so->state & HD_STR_ASCII ? 127
                                    : kind_max(HD_STR_KIND(so) == 1   ? 255
                                               : HD_STR_KIND(so) == 2 ? 65535
                                                                      : 0x10ffff);
}

int sc_writer_write(sc_vm_t *vm, sc_writer_t *w, int64_t len, uint32_t maxchar)
{
    hd_heap_t *h = vm->h;
    uint32_t kind = hd__type_kind(h, HD_T_STR);
    if (maxchar <= w->maxchar && len <= w->size - w->pos) {
        w->pos += len;
        return 0;
    }
    if (len == 0)
        return 0;
    int64_t newlen = w->pos + len;
    int rc = 0;
    if (!w->block || newlen > w->size) {
        if (w->overallocate)
            newlen += newlen / 4;
        if (newlen < w->min_length)
            newlen = w->min_length;
    } else {
        newlen = w->size; /* only wider */
    }
    uint32_t mc = kind_max(maxchar > w->maxchar ? maxchar : w->maxchar);
    void *nb;
    if (w->block && mc == w->maxchar) {
        rc = hd__block_realloc(h, w->block, str_bytes(newlen, mc), kind, &nb);
    } else if (!(rc = hd__block_alloc(h, str_bytes(newlen, mc), kind, &nb))) {
        hd__block_free(h, w->block); /* the narrower buffer, copied */
    }
    if (rc)
        return sc_nomem(vm, rc);
    w->block = nb;
    w->size = newlen;
    w->maxchar = mc;
    w->pos += len;
    return 0;
}

void sc_writer_close(sc_vm_t *vm, sc_writer_t *w)
{
    hd__block_free(vm->h, w->block);
    w->block = NULL;
}

int sc_writer_text(sc_vm_t *vm, sc_writer_t *w, const char *utf8, size_t n)
{
    int64_t len = 0;
    uint32_t maxchar = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)utf8[i];
        int k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        uint32_t cp = k == 1 ? c : c & (0x3fu >> (k - 1));
        for (int j = 1; j < k && i + (size_t)j < n; j++)
            cp = cp << 6 | ((unsigned char)utf8[i + (size_t)j] & 0x3fu);
        maxchar = cp > maxchar ? cp : maxchar;
        len++;
        i += (size_t)k;
    }
    return sc_writer_write(vm, w, len, maxchar);
}

/* writer_put: writes ASCII text to both the model and the text */
static int writer_put(sc_vm_t *vm, sc_writer_t *w, sc_buf_t *b, const char *s)
{
    return sc_writer_write(vm, w, (int64_t)strlen(s), 127) || sc_buf_puts(vm, b, s) ? -1 : 0;
}

/* writer_repr: PyObject_Repr(o) as a str of its own, then written */
static int writer_repr(sc_vm_t *vm, sc_writer_t *w, sc_buf_t *b, hd_obj_t *o)
{
    hd_obj_t *s;
    if (sc_repr(vm, o, &s))
        return -1;
    int rc = sc_writer_write(vm, w, hd_len(s), str_maxchar(s)) || sc_buf_put_str(vm, b, s) ? -1 : 0;
    hd__decref(vm->h, s);
    return rc;
}

/* traced_repr: list_repr, tuplerepr and dict_repr with their writer; the
 * text goes to b (the caller makes the result str once the buffer is
 * freed) */
int sc_traced_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    int k = o->type == HD_T_LIST ? 0 : o->type == HD_T_TUPLE ? 1 : 2;
    int64_t n = hd_len(o);
    if (n == 0 && k < 2) /* before Py_ReprEnter */
        return sc_buf_puts(vm, b, k == 0 ? "[]" : "()");
    bool rec;
    if (sc_repr_enter(vm, o, &rec))
        return -1;
    if (rec)
        return sc_buf_puts(vm, b, k == 0 ? "[...]" : k == 1 ? "(...)" : "{...}");
    if (n == 0) {
        sc_repr_leave(vm, o);
        return sc_buf_puts(vm, b, "{}");
    }
    sc_writer_t w = {.overallocate = true};
    w.min_length = k == 2 ? 1 + 4 + 6 * (n - 1) + 1 : k == 1 && n == 1 ? 4 : 2 + 3 * (n - 1) + 1;
    int rc = writer_put(vm, &w, b, k == 0 ? "[" : k == 1 ? "(" : "{");
    if (k < 2) {
        for (int64_t i = 0; !rc && i < hd_len(o); i++) {
            hd_obj_t *item =
                k == 0 ? ((hd_list_obj_t *)o)->items[i] : ((hd_tuple_obj_t *)o)->items[i];
            hd__incref(item);
            rc = (i > 0 && writer_put(vm, &w, b, ", ")) || writer_repr(vm, &w, b, item) ? -1 : 0;
            hd__decref(vm->h, item);
        }
    } else {
        int64_t pos = 0;
        hd_obj_t *key, *v;
        for (bool first = true; !rc && hd_dict_next(o, &pos, &key, &v); first = false) {
            hd__incref(key);
            hd__incref(v);
            rc = (!first && writer_put(vm, &w, b, ", ")) || writer_repr(vm, &w, b, key) ||
                         writer_put(vm, &w, b, ": ") || writer_repr(vm, &w, b, v)
                     ? -1
                     : 0;
            hd__decref(vm->h, key);
            hd__decref(vm->h, v);
        }
    }
    w.overallocate = false;
    if (!rc)
        rc = writer_put(vm, &w, b, k == 0 ? "]" : k == 2 ? "}" : n == 1 ? ",)" : ")");
    sc_repr_leave(vm, o);
    sc_writer_close(vm, &w);
    return rc;
}

/* traced_object_repr: object_repr's PyUnicode_FromFormat("<%U.%U object at
 * %p>"): a writer of min_length strlen(format) + 100, written piece by
 * piece, the last literal without over-allocation */
int sc_traced_object_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    char addr[32];
    snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)hd_obj_addr(vm->h, o));
    const char *name = hd_obj_type_name(vm->h, o);
    sc_writer_t w = {.overallocate = true, .min_length = 20 + 100};
    int rc = writer_put(vm, &w, b, "<") || writer_put(vm, &w, b, "__main__") ||
             writer_put(vm, &w, b, ".") || writer_put(vm, &w, b, name) ||
             writer_put(vm, &w, b, " object at ") || writer_put(vm, &w, b, addr);
    w.overallocate = false;
    if (!rc)
        rc = writer_put(vm, &w, b, ">");
    sc_writer_close(vm, &w);
    return rc ? -1 : 0;
}

/* from_format: PyUnicode_FromFormat's writer (while tracing): min_length
 * strlen(format) + 100, the pieces written in turn, the last literal
 * without over-allocation; the text goes to b. A piece is a literal ('l'),
 * a %s C string (decoded to a str of its own first: 's'), a %U str ('u'),
 * or a %R object (its repr made first: 'r'). */
typedef struct fmt_piece {
    char kind;
    const char *text; /* 'l', 's' */
    hd_obj_t *obj;    /* 'u', 'r' (borrowed) */
} fmt_piece_t;

/* int_text_temp: %R of an int: long_to_decimal_string's scratch int
 * (1 + size + size / 99 digits, freed at once) and its str of the text,
 * made as PyUnicode_New makes it (never the shared one-character str:
 * a block of that size stands for it) */
static int int_text_temp(sc_vm_t *vm, const char *text, hd_obj_t **out)
{
    long long v = strtoll(text, NULL, 10);
    unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    size_t n = 0;
    for (; m; m >>= 30)
        n++;
    hd_obj_t *scratch;
    int rc = hd__obj_alloc(vm->h, HD_T_INT, HD_INT_HEADER + 4 * (1 + n + n / 99), 0, &scratch);
    if (rc)
        return sc_nomem(vm, rc);
    ((hd_int_obj_t *)scratch)->size = 0;
    size_t len = strlen(text);
    if (len > 1) {
        rc = sc_str_new(vm, text, len, out);
    } else { /* a one-character text: a str object's block, released with t */
        hd_obj_t *o;
        rc = hd__obj_alloc(vm->h, HD_T_STR, HD_STR_ASCII_HEADER + 2, 0, &o);
        if (!rc) {
            hd_str_obj_t *so = (hd_str_obj_t *)o;
            so->length = 1, so->hash = -1, so->state = 1 | HD_STR_ASCII, so->pad = 0, so->wstr = 0;
            memcpy((char *)o + HD_STR_ASCII_HEADER, text, 2);
            *out = o;
        } else {
            rc = sc_nomem(vm, rc);
        }
    }
    hd__decref(vm->h, scratch);
    return rc;
}

#define FP_INT(s)                                                                                  \
    {                                                                                              \
        'i', (s), NULL                                                                             \
    }
#define FP_LIT(s)                                                                                  \
    {                                                                                              \
        'l', (s), NULL                                                                             \
    }
#define FP_CSTR(s)                                                                                 \
    {                                                                                              \
        's', (s), NULL                                                                             \
    }
#define FP_STR(o)                                                                                  \
    {                                                                                              \
        'u', NULL, (o)                                                                             \
    }
#define FP_REPR(o)                                                                                 \
    {                                                                                              \
        'r', NULL, (o)                                                                             \
    }

static int from_format(sc_vm_t *vm, size_t fmtlen, const fmt_piece_t *pieces, int n, sc_buf_t *b)
{
    sc_writer_t w = {.overallocate = true, .min_length = (int64_t)fmtlen + 100};
    bool model = *vm->h->tracing != 0;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const fmt_piece_t *p = &pieces[i];
        if (p->kind == 'l' && i + 1 == n)
            w.overallocate = false;
        hd_obj_t *t = NULL;
        if (p->kind == 'r')
            rc = sc_repr(vm, p->obj, &t);
        else if ((p->kind == 's' || p->kind == 'i') && model)
            rc = p->kind == 's' ? sc_str_new(vm, p->text, strlen(p->text), &t)
                                : int_text_temp(vm, p->text, &t);
        if (rc)
            break;
        if (p->kind == 'l' || p->kind == 's' || p->kind == 'i')
            rc = model ? writer_put(vm, &w, b, p->text) : sc_buf_puts(vm, b, p->text);
        else {
            hd_obj_t *so = t ? t : p->obj;
            rc = (model && sc_writer_write(vm, &w, hd_len(so), str_maxchar(so))) ||
                         sc_buf_put_str(vm, b, so)
                     ? -1
                     : 0;
        }
        hd__xdecref(vm->h, t);
    }
    sc_writer_close(vm, &w);
    return rc ? -1 : 0;
}

/* repr_set: set_repr for a set or a frozenset: "%s(...)" for a recursive
 * one and "%s()" for an empty one with the type's name (PyUnicode_FromFormat);
 * else the repr of a list of its items (PySequence_List: a tracked list, gone
 * once its repr is made), cut to its inside (PyUnicode_Substring, a str of
 * its own) and put in braces by PyUnicode_FromFormat("{%U}"), or for a
 * frozenset "%s({%U})" */
int sc_repr_set(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    const char *name = o->type == HD_T_SET ? "set" : "frozenset";
    bool rec;
    if (sc_repr_enter(vm, o, &rec))
        return -1;
    if (rec)
        return from_format(vm, 7, (const fmt_piece_t[]){FP_CSTR(name), FP_LIT("(...)")}, 2, b);
    if (hd_len(o) == 0) {
        sc_repr_leave(vm, o);
        return from_format(vm, 4, (const fmt_piece_t[]){FP_CSTR(name), FP_LIT("()")}, 2, b);
    }
    hd_obj_t *keys, *lr = NULL, *tmp = NULL;
    int rc = hd_list_new(vm->h, 0, NULL, &keys); /* PyList_New(0): the free list */
    if (rc)
        rc = sc_nomem(vm, rc);
    else {
        rc = sc_list_extend(vm, keys, o);
        if (!rc)
            rc = sc_repr(vm, keys, &lr);
        hd__decref(vm->h, keys);
    }
    char *text = NULL;
    size_t len = 0;
    if (!rc && !(text = sc_str_utf8(vm, lr, &len)))
        rc = sc_nomem(vm, HD_ENOMEM);
    if (!rc) {
        text[len - 1] = '\0';
        rc = sc_str_new(vm, text + 1, len - 2, &tmp);
    }
    hd__xdecref(vm->h, lr);
    if (!rc && o->type == HD_T_SET)
        rc = from_format(vm, 4, (const fmt_piece_t[]){FP_LIT("{"), FP_STR(tmp), FP_LIT("}")}, 3, b);
    else if (!rc)
        rc = from_format(
            vm, 8, (const fmt_piece_t[]){FP_CSTR(name), FP_LIT("({"), FP_STR(tmp), FP_LIT("})")}, 4,
            b);
    hd__xdecref(vm->h, tmp);
    hd_mem_free(vm->h->mem, text);
    sc_repr_leave(vm, o);
    return rc ? -1 : 0;
}

/* repr_view: dictview_repr: "..." when recursive, else
 * PyUnicode_FromFormat("%s(%R)", its type's name, PySequence_List(view)):
 * the list (a tracked object) lives while the text is made; a mappingproxy
 * is mappingproxy_repr's PyUnicode_FromFormat("mappingproxy(%R)", mapping) */
int sc_repr_view(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    if (o->aux == HD_DICT_PROXY)
        return from_format(vm, 16,
                           (const fmt_piece_t[]){FP_LIT("mappingproxy("),
                                                 FP_REPR(((hd_dictview_obj_t *)o)->dict),
                                                 FP_LIT(")")},
                           3, b);
    bool rec;
    if (sc_repr_enter(vm, o, &rec))
        return -1;
    if (rec)
        return sc_buf_puts(vm, b, "...");
    hd_obj_t *seq;
    int rc = hd_list_new(vm->h, 0, NULL, &seq);
    if (rc) {
        sc_repr_leave(vm, o);
        return sc_nomem(vm, rc);
    }
    rc = sc_list_extend(vm, seq, o);
    if (!rc)
        rc = from_format(
            vm, 6,
            (const fmt_piece_t[]){FP_CSTR(sc_tname(vm, o)), FP_LIT("("), FP_REPR(seq), FP_LIT(")")},
            4, b);
    hd__decref(vm->h, seq);
    sc_repr_leave(vm, o);
    return rc ? -1 : 0;
}

/* sc_traced_atom_repr: range_repr ("range(%R, %R)" or with the step),
 * func_repr ("<function %U at %p>") and meth_repr for builtins ("<built-in
 * function %s>", "<built-in method %s of %s object at %p>") through
 * PyUnicode_FromFormat; 1 for other objects (not modelled) */
int sc_traced_atom_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    char n1[24], n2[24], n3[24], addr[32];
    switch (o->type) {
    case HD_T_RANGE: {
        const hd_range_obj_t *r = (const hd_range_obj_t *)o;
        snprintf(n1, sizeof(n1), "%lld", (long long)r->start);
        snprintf(n2, sizeof(n2), "%lld", (long long)r->stop);
        snprintf(n3, sizeof(n3), "%lld", (long long)r->step);
        if (r->step == 1)
            return from_format(vm, 13,
                               (const fmt_piece_t[]){FP_LIT("range("), FP_INT(n1), FP_LIT(", "),
                                                     FP_INT(n2), FP_LIT(")")},
                               5, b);
        return from_format(vm, 17,
                           (const fmt_piece_t[]){FP_LIT("range("), FP_INT(n1), FP_LIT(", "),
                                                 FP_INT(n2), FP_LIT(", "), FP_INT(n3), FP_LIT(")")},
                           7, b);
    }
    case HD_T_FUNCTION: {
        hd_obj_t *qn = ((hd_func_obj_t *)o)->qualname;
        if (!qn || qn->type != HD_T_STR)
            return 1;
        snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)hd_obj_addr(vm->h, o));
        return from_format(vm, 19,
                           (const fmt_piece_t[]){FP_LIT("<function "), FP_STR(qn), FP_LIT(" at "),
                                                 FP_LIT(addr), FP_LIT(">")},
                           5, b);
    }
    case HD_T_BUILTIN: {
        const hd_builtin_obj_t *bi = (const hd_builtin_obj_t *)o;
        if (bi->kind != HD_BUILTIN_FUNCTION)
            return 1;
        return from_format(
            vm, 22,
            (const fmt_piece_t[]){FP_LIT("<built-in function "), FP_CSTR(bi->name), FP_LIT(">")}, 3,
            b);
    }
    case HD_T_CMETHOD: {
        const hd_cmethod_obj_t *m = (const hd_cmethod_obj_t *)o;
        if (!m->builtin || !m->self)
            return 1;
        snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)hd_obj_addr(vm->h, m->self));
        return from_format(vm, 39,
                           (const fmt_piece_t[]){FP_LIT("<built-in method "),
                                                 FP_CSTR(((hd_builtin_obj_t *)m->builtin)->name),
                                                 FP_LIT(" of "), FP_CSTR(sc_tname(vm, m->self)),
                                                 FP_LIT(" object at "), FP_LIT(addr), FP_LIT(">")},
                           7, b);
    }
    }
    return 1;
}

/* ---- str.format ---- */

int sc_writer_sync(sc_vm_t *vm, sc_writer_t *w, const sc_buf_t *b, size_t *from)
{
    int rc =
        *vm->h->tracing && b->n > *from ? sc_writer_text(vm, w, b->v + *from, b->n - *from) : 0;
    *from = b->n;
    return rc;
}

int sc_format_field_obj(sc_vm_t *vm, hd_obj_t *v, const char *spec, sc_buf_t *b, hd_obj_t **whole)
{
    hd_obj_t *so = NULL, *res = NULL;
    int rc = spec[0] ? sc_str_new(vm, spec, strlen(spec), &so) : 0;
    if (!rc)
        rc = sc_format(vm, v, so, &res);
    hd__xdecref(vm->h, so);
    hd__decref(vm->h, v);
    if (rc)
        return -1;
    if (whole) {
        *whole = res;
        return 0;
    }
    rc = sc_buf_put_str(vm, b, res);
    hd__decref(vm->h, res);
    return rc;
}
