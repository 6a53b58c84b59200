/*
 * repr.c: CPython's repr() of every object type, into a bounded buffer.
 *
 * Floats use the shortest digits that round-trip (repr style 'r'), ints
 * are converted from their 30-bit digits at any size, strs and bytes pick
 * their quote and escape as unicode_repr/bytes_repr do, containers recurse
 * with Py_ReprEnter's "[...]" for a container already being printed (the
 * heap's repr stack), and instances print as <__main__.Name object at 0x..>
 * with the heap's simulated address.
 */
#include "heap_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

int hd__repr_enter(hd_heap_t *h, hd_obj_t *o)
{
    for (int i = 0; i < h->repr_depth; i++)
        if (h->repr_stack[i] == o)
            return 1;
    if (h->repr_depth == HD_REPR_MAX_DEPTH)
        return 1; /* too deep to show: print as recursive */
    h->repr_stack[h->repr_depth++] = o;
    return 0;
}

void hd__repr_leave(hd_heap_t *h)
{
    h->repr_depth--;
}

/* ---- int ---- */

static void int_repr(const hd_obj_t *o, hd_strbuf_t *sb)
{
    const hd_int_obj_t *io = (const hd_int_obj_t *)o;
    int64_t n = io->size < 0 ? -io->size : io->size;
    if (n <= 2) {
        uint64_t mag = n == 0 ? 0 : io->digits[0];
        if (n == 2)
            mag |= (uint64_t)io->digits[1] << HD_INT_SHIFT;
        hd__sb_printf(sb, "%s%llu", io->size < 0 ? "-" : "", (unsigned long long)mag);
        return;
    }
    /* repeated division by 10^9 of a copy of the digits */
    uint32_t stack[64], *d = n <= 64 ? stack : malloc((size_t)n * 4);
    char *out = malloc((size_t)n * 10 + 2);
    if (!d || !out) {
        if (d != stack)
            free(d);
        free(out);
        hd__sb_puts(sb, "<int>");
        return;
    }
    memcpy(d, io->digits, (size_t)n * 4);
    size_t len = 0;
    int64_t top = n;
    while (top > 0) {
        uint64_t rem = 0;
        for (int64_t i = top - 1; i >= 0; i--) {
            uint64_t cur = (rem << HD_INT_SHIFT) | d[i];
            d[i] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        while (top > 0 && d[top - 1] == 0)
            top--;
        for (int k = 0; k < 9 && (top > 0 || rem); k++) {
            out[len++] = (char)('0' + rem % 10);
            rem /= 10;
        }
    }
    if (io->size < 0)
        hd__sb_putc(sb, '-');
    while (len > 0)
        hd__sb_putc(sb, out[--len]);
    if (d != stack)
        free(d);
    free(out);
}

int hd_int_str_check(const hd_obj_t *o, int max_digits)
{
    if (o->type != HD_T_INT && o->type != HD_T_BOOL)
        return HD_ETYPE;
    const hd_int_obj_t *io = (const hd_int_obj_t *)o;
    uint64_t n = (uint64_t)(io->size < 0 ? -io->size : io->size);
    /* n 30-bit digits make at most 30 n log10(2) + 1 < 9.031 n + 1 decimal
     * digits: only a number that may be over the limit is converted */
    if (max_digits <= 0 || n * 9031 / 1000 + 1 <= (uint64_t)max_digits)
        return 0;
    size_t len = (size_t)n * 10 + 2;
    char *buf = malloc(len);
    if (!buf)
        return HD_ENOMEM;
    hd_strbuf_t sb;
    hd__sb_init(&sb, buf, len);
    int_repr(o, &sb);
    size_t digits = sb.len - (io->size < 0 ? 1 : 0);
    free(buf);
    return digits > (size_t)max_digits ? HD_EVALUE : 0;
}

/* ---- float: repr style 'r' ---- */

/* neighbour: the prec-digit decimal next to the correctly rounded one in
 * buf ("[-]d.ddde[+-]X", from %.*e) on v's side of it, when that one reads
 * back as v: at a power of two the gap below v is half the gap above, so
 * the shortest string that reads back may be the one after the nearest
 * (what CPython's shortest repr, dtoa mode 0, finds). Rewrites buf. */
static bool neighbour(char *buf, size_t cap, double v)
{
    char digits[24];
    int nd = 0;
    const char *p = buf + (buf[0] == '-');
    for (; *p && *p != 'e' && nd < 20; p++)
        if (*p != '.')
            digits[nd++] = *p;
    int exp = atoi(p + 1);
    bool up = fabs(strtod(buf, NULL)) < fabs(v);
    int i = nd - 1;
    if (up) {
        while (i >= 0 && digits[i] == '9')
            digits[i--] = '0';
        if (i < 0) { /* 9.99 -> 1.00 of the next decade */
            digits[0] = '1';
            exp++;
        } else {
            digits[i]++;
        }
    } else {
        while (i >= 0 && digits[i] == '0')
            digits[i--] = '9';
        if (i < 0) /* zero has no neighbour below */
            return false;
        digits[i]--;
        if (digits[0] == '0') { /* 1.00 -> 9.99 of the decade below */
            for (int k = 0; k < nd; k++)
                digits[k] = '9';
            exp--;
        }
    }
    char out[40];
    snprintf(out, sizeof(out), "%s%c%s%.*se%+03d", v < 0 ? "-" : "", digits[0], nd > 1 ? "." : "",
             nd - 1, digits + 1, exp);
    if (strtod(out, NULL) != v)
        return false;
    snprintf(buf, cap, "%s", out);
    return true;
}

void hd__float_repr(double v, hd_strbuf_t *sb)
{
    if (isnan(v)) {
        hd__sb_puts(sb, "nan");
        return;
    }
    if (isinf(v)) {
        hd__sb_puts(sb, v < 0 ? "-inf" : "inf");
        return;
    }
    char buf[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v || neighbour(buf, sizeof(buf), v))
            break;
    }
    /* buf = [-]d.ddde[+-]XX: split into digits and a decimal exponent */
    char digits[24];
    size_t nd = 0;
    const char *p = buf;
    bool neg = *p == '-';
    if (neg)
        p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    if (neg)
        hd__sb_putc(sb, '-');
    if (exp < -4 || exp >= 16) {
        hd__sb_putc(sb, digits[0]);
        if (nd > 1) {
            hd__sb_putc(sb, '.');
            hd__sb_puts(sb, digits + 1);
        }
        hd__sb_printf(sb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp < 0) {
        hd__sb_puts(sb, "0.");
        for (int i = -1; i > exp; i--)
            hd__sb_putc(sb, '0');
        hd__sb_puts(sb, digits);
    } else if ((size_t)exp + 1 >= nd) {
        hd__sb_puts(sb, digits);
        for (size_t i = nd; i < (size_t)exp + 1; i++)
            hd__sb_putc(sb, '0');
        hd__sb_puts(sb, ".0");
    } else {
        hd__sb_putn(sb, digits, (size_t)exp + 1);
        hd__sb_putc(sb, '.');
        hd__sb_puts(sb, digits + exp + 1);
    }
}

/* ---- str and bytes ---- */

static bool printable(uint32_t c)
{
    return c >= 0x20 && c < 0x7f ? true : hd__unicode_printable(c);
}

static void put_cp(hd_strbuf_t *sb, uint32_t c)
{
    char tmp[4];
    hd__sb_putn(sb, tmp, hd__utf8_put(tmp, c));
}

static void escape_cp(hd_strbuf_t *sb, uint32_t c, char quote, bool is_bytes)
{
    if (c == (uint32_t)quote || c == '\\') {
        hd__sb_putc(sb, '\\');
        hd__sb_putc(sb, (char)c);
    } else if (c == '\t') {
        hd__sb_puts(sb, "\\t");
    } else if (c == '\n') {
        hd__sb_puts(sb, "\\n");
    } else if (c == '\r') {
        hd__sb_puts(sb, "\\r");
    } else if (is_bytes ? (c < 0x20 || c >= 0x7f) : !printable(c)) {
        if (c < 0x100)
            hd__sb_printf(sb, "\\x%02x", c);
        else if (c < 0x10000)
            hd__sb_printf(sb, "\\u%04x", c);
        else
            hd__sb_printf(sb, "\\U%08x", c);
    } else {
        put_cp(sb, c);
    }
}

static void str_repr(const hd_obj_t *o, hd_strbuf_t *sb)
{
    int64_t n = ((const hd_str_obj_t *)o)->length;
    bool has_sq = false, has_dq = false;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = hd__str_char(o, i);
        has_sq |= c == '\'';
        has_dq |= c == '"';
    }
    char quote = (has_sq && !has_dq) ? '"' : '\'';
    hd__sb_putc(sb, quote);
    for (int64_t i = 0; i < n && !hd__sb_full(sb); i++)
        escape_cp(sb, hd__str_char(o, i), quote, false);
    hd__sb_putc(sb, quote);
}

static void bytes_repr(const hd_obj_t *o, hd_strbuf_t *sb)
{
    const hd_bytes_obj_t *b = (const hd_bytes_obj_t *)o;
    bool has_sq = memchr(b->data, '\'', (size_t)b->size) != NULL;
    bool has_dq = memchr(b->data, '"', (size_t)b->size) != NULL;
    char quote = (has_sq && !has_dq) ? '"' : '\'';
    hd__sb_putc(sb, 'b');
    hd__sb_putc(sb, quote);
    for (int64_t i = 0; i < b->size && !hd__sb_full(sb); i++)
        escape_cp(sb, (unsigned char)b->data[i], quote, true);
    hd__sb_putc(sb, quote);
}

/* ---- containers ---- */

static void seq_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb, int depth)
{
    bool is_list = o->type == HD_T_LIST;
    int64_t n = is_list ? ((hd_list_obj_t *)o)->size : ((hd_tuple_obj_t *)o)->size;
    if (n == 0) {
        hd__sb_puts(sb, is_list ? "[]" : "()");
        return;
    }
    if (hd__repr_enter(h, o)) {
        hd__sb_puts(sb, is_list ? "[...]" : "(...)");
        return;
    }
    hd__sb_putc(sb, is_list ? '[' : '(');
    for (int64_t i = 0; i < n && !hd__sb_full(sb); i++) {
        /* re-read: an item's repr cannot change the list, but be safe */
        int64_t cur = is_list ? ((hd_list_obj_t *)o)->size : n;
        if (i >= cur)
            break;
        hd_obj_t *item = is_list ? ((hd_list_obj_t *)o)->items[i] : ((hd_tuple_obj_t *)o)->items[i];
        if (i)
            hd__sb_puts(sb, ", ");
        hd__repr(h, item, sb, depth + 1);
    }
    if (!is_list && n == 1)
        hd__sb_putc(sb, ',');
    hd__sb_putc(sb, is_list ? ']' : ')');
    hd__repr_leave(h);
}

static void addr_repr(hd_heap_t *h, hd_obj_t *o, const char *what, hd_strbuf_t *sb)
{
    hd__sb_printf(sb, "<%s at 0x%llx>", what, (unsigned long long)hd_obj_addr(h, o));
}

static void str_plain(hd_obj_t *s, hd_strbuf_t *sb);

/* weakref_repr: 3.11's weakref_repr: the referent's __name__, looked up on
 * its type (_PyObject_LookupSpecial), follows when it is a str: a class's
 * own name, or an instance's class attribute __name__. */
static void weakref_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb)
{
    hd_obj_t *target = hd_weakref_get(o);
    unsigned long long a = (unsigned long long)hd_obj_addr(h, o);
    if (!target) {
        hd__sb_printf(sb, "<weakref at 0x%llx; dead>", a);
        return;
    }
    hd__sb_printf(sb, "<weakref at 0x%llx; to '%s' at 0x%llx", a,
                  target->type == HD_T_INSTANCE ? hd_obj_type_name(h, target)
                                                : hd_type_name(target->type),
                  (unsigned long long)hd_obj_addr(h, target));
    hd_obj_t *name = NULL;
    if (target->type == HD_T_FUNCTION || target->type == HD_T_METHOD) {
        /* weakref_repr looks up __name__: a function's, a bound method's
         * (its function's) */
        hd_obj_t *fn = target->type == HD_T_METHOD ? ((hd_method_obj_t *)target)->func : target;
        name = fn && fn->type == HD_T_FUNCTION ? ((hd_func_obj_t *)fn)->name : NULL;
        if (name && name->type == HD_T_STR) {
            hd__sb_puts(sb, " (");
            str_plain(name, sb);
            hd__sb_putc(sb, ')');
        }
    } else if (target->type == HD_T_CLASS)
        hd__sb_printf(sb, " (%s)", hd_class_name(target));
    else if (target->type == HD_T_INSTANCE &&
             hd_obj_getattr(h, hd_obj_class(h, target), "__name__", &name) == 0 &&
             name->type == HD_T_STR) {
        hd__sb_puts(sb, " (");
        str_plain(name, sb);
        hd__sb_putc(sb, ')');
    }
    hd__sb_putc(sb, '>');
}

void hd__repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb, int depth)
{
    char what[HD_CLASS_NAME_MAX + 32];
    switch (o->type) {
    case HD_T_NONE:
        hd__sb_puts(sb, "None");
        return;
    case HD_T_BOOL:
        hd__sb_puts(sb, ((hd_int_obj_t *)o)->size ? "True" : "False");
        return;
    case HD_T_INT:
        int_repr(o, sb);
        return;
    case HD_T_FLOAT:
        hd__float_repr(((hd_float_obj_t *)o)->value, sb);
        return;
    case HD_T_STR:
        str_repr(o, sb);
        return;
    case HD_T_BYTES:
        bytes_repr(o, sb);
        return;
    case HD_T_TUPLE:
    case HD_T_LIST:
        seq_repr(h, o, sb, depth);
        return;
    case HD_T_DICT:
        hd__dict_repr(h, o, sb, depth);
        return;
    case HD_T_SET:
    case HD_T_FROZENSET:
        hd__set_repr(h, o, sb, depth);
        return;
    case HD_T_OBJECT:
        addr_repr(h, o, "object object", sb);
        return;
    case HD_T_INSTANCE:
        snprintf(what, sizeof(what), "__main__.%s object", hd_obj_type_name(h, o));
        addr_repr(h, o, what, sb);
        return;
    case HD_T_WEAKREF:
        weakref_repr(h, o, sb);
        return;
    case HD_T_CLASS:
        hd__sb_printf(sb, "<class '__main__.%s'>", hd_class_name(o));
        return;
    default:
        hd__script_repr(h, o, sb, depth);
        return;
    }
}

/* ---- the script language's types ---- */

const char *hd__obj_type_name_ex(hd_heap_t *h, const hd_obj_t *o)
{
    static const char *const seqiters[] = {"list_iterator", "tuple_iterator", "str_iterator",
                                           "str_ascii_iterator"};
    static const char *const dictiters[] = {"dict_keyiterator", "dict_valueiterator",
                                            "dict_itemiterator"};
    static const char *const views[] = {"dict_keys", "dict_values", "dict_items", "mappingproxy"};
    switch (o->type) {
    case HD_T_INSTANCE:
        return hd__class_of(h, o)->meta->name;
    case HD_T_BUILTIN:
        return ((const hd_builtin_obj_t *)o)->type_name;
    case HD_T_DESCR:
        return o->aux == HD_DESCR_MEMBER ? "member_descriptor" : "getset_descriptor";
    case HD_T_SEQITER:
        return seqiters[o->aux & 3];
    case HD_T_DICTITER:
        return dictiters[o->aux % 3];
    case HD_T_DICTVIEW:
        return views[o->aux & 3];
    case HD_T_REVITER:
        return o->aux == HD_REV_LIST ? "list_reverseiterator" : "reversed";
    }
    return hd__types[o->type].name;
}

static void str_plain(hd_obj_t *s, hd_strbuf_t *sb)
{
    int64_t n = s && s->type == HD_T_STR ? ((hd_str_obj_t *)s)->length : 0;
    for (int64_t i = 0; i < n && !hd__sb_full(sb); i++)
        put_cp(sb, hd__str_char(s, i));
}

static void builtin_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb)
{
    const hd_builtin_obj_t *b = (const hd_builtin_obj_t *)o;
    switch (b->kind) {
    case HD_BUILTIN_TYPE: /* owner: a qualified name (weakref.ReferenceType) */
        hd__sb_printf(sb, "<class '%s'>", b->owner ? b->owner : b->name);
        return;
    case HD_BUILTIN_MODULE:
        if (b->owner)
            hd__sb_printf(sb, "<module '%s' from '%s'>", b->name, b->owner);
        else
            hd__sb_printf(sb, "<module '%s' (built-in)>", b->name);
        return;
    case HD_BUILTIN_METHOD:
        hd__sb_printf(sb, "<method '%s' of '%s' objects>", b->name, b->owner);
        return;
    }
    (void)h;
    hd__sb_printf(sb, "<built-in function %s>", b->name);
}

static void dictview_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb, int depth)
{
    hd_obj_t *d = ((hd_dictview_obj_t *)o)->dict;
    hd__sb_printf(sb, "%s(", hd__obj_type_name_ex(h, o));
    if (o->aux == HD_DICT_PROXY) { /* mappingproxy_repr: the mapping's repr */
        hd__repr(h, d, sb, depth + 1);
        hd__sb_putc(sb, ')');
        return;
    }
    if (hd__repr_enter(h, o)) {
        hd__sb_puts(sb, "...)");
        return;
    }
    hd__sb_putc(sb, '[');
    int64_t pos = 0;
    hd_obj_t *k, *v;
    for (bool first = true; !hd__sb_full(sb) && hd_dict_next(d, &pos, &k, &v); first = false) {
        if (!first)
            hd__sb_puts(sb, ", ");
        if (o->aux == HD_DICT_ITEMS) {
            hd__sb_putc(sb, '(');
            hd__repr(h, k, sb, depth + 1);
            hd__sb_puts(sb, ", ");
            hd__repr(h, v, sb, depth + 1);
            hd__sb_putc(sb, ')');
        } else {
            hd__repr(h, o->aux == HD_DICT_VALUES ? v : k, sb, depth + 1);
        }
    }
    hd__sb_puts(sb, "])");
    hd__repr_leave(h);
}

static void range_repr(const hd_range_obj_t *r, hd_strbuf_t *sb)
{
    if (r->step == 1)
        hd__sb_printf(sb, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    else
        hd__sb_printf(sb, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                      (long long)r->step);
}

static void cell_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb)
{
    hd_obj_t *v = ((hd_cell_obj_t *)o)->ref;
    hd__sb_printf(sb, "<cell at 0x%llx: ", (unsigned long long)hd_obj_addr(h, o));
    if (v)
        hd__sb_printf(sb, "%s object at 0x%llx>", hd__obj_type_name_ex(h, v),
                      (unsigned long long)hd_obj_addr(h, v));
    else
        hd__sb_puts(sb, "empty>");
}

static void callable_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb, int depth)
{
    unsigned long long a = (unsigned long long)hd_obj_addr(h, o);
    if (o->type == HD_T_FUNCTION) {
        hd__sb_puts(sb, "<function ");
        str_plain(((hd_func_obj_t *)o)->qualname, sb);
        hd__sb_printf(sb, " at 0x%llx>", a);
    } else if (o->type == HD_T_METHOD) {
        hd_method_obj_t *m = (hd_method_obj_t *)o;
        hd__sb_puts(sb, "<bound method ");
        if (m->func->type == HD_T_FUNCTION)
            str_plain(((hd_func_obj_t *)m->func)->qualname, sb);
        else
            hd__sb_puts(sb, "?");
        hd__sb_puts(sb, " of ");
        hd__repr(h, m->self, sb, depth + 1);
        hd__sb_putc(sb, '>');
    } else if (o->type == HD_T_CMETHOD) {
        hd_cmethod_obj_t *m = (hd_cmethod_obj_t *)o;
        hd__sb_printf(sb, "<built-in method %s of %s object at 0x%llx>",
                      ((hd_builtin_obj_t *)m->builtin)->name, hd__obj_type_name_ex(h, m->self),
                      (unsigned long long)hd_obj_addr(h, m->self));
    } else { /* code */
        hd_code_obj_t *c = (hd_code_obj_t *)o;
        hd__sb_printf(sb, "<code object %s at 0x%llx, file \"%s\", line %u>",
                      c->name ? c->name : "?", a, c->filename ? c->filename : "?", c->firstline);
    }
}

void hd__script_repr(hd_heap_t *h, hd_obj_t *o, hd_strbuf_t *sb, int depth)
{
    switch (o->type) {
    case HD_T_BUILTIN:
        builtin_repr(h, o, sb);
        return;
    case HD_T_RANGE:
        range_repr((const hd_range_obj_t *)o, sb);
        return;
    case HD_T_CELL:
        cell_repr(h, o, sb);
        return;
    case HD_T_DICTVIEW:
        dictview_repr(h, o, sb, depth);
        return;
    case HD_T_CODE:
    case HD_T_FUNCTION:
    case HD_T_METHOD:
    case HD_T_CMETHOD:
        callable_repr(h, o, sb, depth);
        return;
    case HD_T_DESCR: {
        hd_descr_obj_t *d = (hd_descr_obj_t *)o;
        hd__sb_puts(sb, o->aux == HD_DESCR_MEMBER ? "<member '" : "<attribute '");
        str_plain(d->name, sb);
        hd__sb_printf(sb, "' of '%s' objects>", hd_class_name(d->type));
        return;
    }
    case HD_T_SLICE: {
        hd_slice_obj_t *s = (hd_slice_obj_t *)o;
        hd__sb_puts(sb, "slice(");
        hd__repr(h, s->start, sb, depth + 1);
        hd__sb_puts(sb, ", ");
        hd__repr(h, s->stop, sb, depth + 1);
        hd__sb_puts(sb, ", ");
        hd__repr(h, s->step, sb, depth + 1);
        hd__sb_putc(sb, ')');
        return;
    }
    }
    hd__sb_printf(sb, "<%s object at 0x%llx>", hd__obj_type_name_ex(h, o),
                  (unsigned long long)hd_obj_addr(h, o));
}

void hd_obj_repr(hd_heap_t *h, hd_obj_t *o, char *buf, size_t len)
{
    hd_strbuf_t sb;
    hd__sb_init(&sb, buf, len);
    int saved = h->repr_depth;
    hd__repr(h, o, &sb, 0);
    h->repr_depth = saved;
    if (sb.truncated && len >= 4)
        memcpy(buf + len - 4, "...", 4);
}
