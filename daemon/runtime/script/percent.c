/*
 * percent.c: printf-style formatting, str % args (PyUnicode_Format):
 * conversions, flags, width, precision and mapping keys with CPython
 * 3.11's text and errors, and, while tracemalloc traces, what its writer
 * and _PyUnicode_FormatLong allocate. The int and float formatters are
 * format.c's (format_int.h).
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

/* ---- printf-style % ---- */

/* percent_int: d, i, u, o, x, X of an int with a precision: the digits
 * zero-extended to it (_PyUnicode_FormatLong), then the sign and 0x/0o,
 * then the width ('0' between them and the digits) */
static int percent_int(sc_vm_t *vm, char conv, spec_t *p, int prec, hd_obj_t *arg, sc_buf_t *b)
{
    int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    char *d = sc_fmt_int_digits(vm, arg, base, conv == 'X');
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
    int rc = sc_fmt_pad(vm, p, sign, z, '>', b);
    hd_mem_free(vm->h->mem, d);
    hd_mem_free(vm->h->mem, z);
    return rc;
}

/* percent_float_int: PyNumber_Long of a float for %d, %i, %u: a new
 * reference, or -1 with float_as_integer_ratio's errors for inf and nan */
static int percent_float_int(sc_vm_t *vm, hd_obj_t *arg, hd_obj_t **iv)
{
    double d = ((hd_float_obj_t *)arg)->value;
    if (isnan(d))
        return sc_raise(vm, EXC_VALUEERROR, "cannot convert float NaN to integer");
    if (isinf(d))
        return sc_raise(vm, EXC_OVERFLOWERROR, "cannot convert float infinity to integer");
    return sc_int_from_double(vm, d, iv);
}

/* percent_one: one conversion's text to b; pre, when not NULL, is the str
 * of a %s or %r already made */
static int percent_one(sc_vm_t *vm, char conv, const char *flags, int width, int prec,
                       hd_obj_t *arg, hd_obj_t *pre, sc_buf_t *b)
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
        int rc = pre           ? sc_buf_put_str(vm, &s, pre)
                 : conv == 's' ? sc_str_buf(vm, arg, &s)
                               : sc_repr_buf(vm, arg, &s);
        if (!rc && prec >= 0 && (size_t)prec < s.n)
            sc_fmt_utf8_cut(s.v, (size_t)prec); /* precision counts characters */
        p.fill = ' ';
        if (p.align == '=')
            p.align = '>';
        if (!rc)
            rc = sc_fmt_pad(vm, &p, "", s.v ? s.v : "", '>', b);
        hd_mem_free(vm->h->mem, s.v);
        return rc;
    }
    if (conv == 'c') {
        p.type = 'c';
        if (arg->type == HD_T_STR)
            return sc_fmt_pad(vm, &p, "", "", '>', b) || sc_buf_put_str(vm, b, arg);
        return sc_fmt_format_int(vm, arg, &p, b);
    }
    if (arg->type != HD_T_INT && arg->type != HD_T_BOOL && arg->type != HD_T_FLOAT)
        return sc_raise(vm, EXC_TYPEERROR, "%%%c format: a real number is required, not %s", conv,
                        sc_tname(vm, arg));
    if (arg->type == HD_T_BOOL) { /* its number: 0 or 1, shared small ints */
        hd_obj_t *i;
        if (hd_int_from_i64(vm->h, arg == vm->h->true_, &i))
            return sc_nomem(vm, HD_ENOMEM);
        int rc = percent_one(vm, conv, flags, width, prec, i, pre, b);
        hd__decref(vm->h, i);
        return rc;
    }
    if (strchr("diu", conv)) {
        if (arg->type == HD_T_FLOAT) { /* PyNumber_Long, then as an int */
            hd_obj_t *iv;
            if (percent_float_int(vm, arg, &iv))
                return -1;
            int rc = percent_one(vm, conv, flags, width, prec, iv, pre, b);
            hd__decref(vm->h, iv);
            return rc;
        }
        p.precision = -1;
        if (prec > 0 && arg->type == HD_T_INT)
            return percent_int(vm, conv, &p, prec, arg, b);
        return sc_fmt_format_int(vm, arg, &p, b);
    }
    if (strchr("xXo", conv)) {
        p.type = conv;
        if (arg->type == HD_T_FLOAT)
            return sc_raise(vm, EXC_TYPEERROR, "%%%c format: an integer is required, not float",
                            conv);
        if (prec > 0 && arg->type == HD_T_INT)
            return percent_int(vm, conv, &p, prec, arg, b);
        return sc_fmt_format_int(vm, arg, &p, b);
    }
    p.type = conv;
    double d;
    sc_float_of(arg, &d);
    return sc_fmt_format_float(vm, d, &p, b);
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

/* sc_percent_format: PyUnicode_Format. The arguments are a tuple's items,
 * else the one object (a mapping too, when it is one: then "%(key)s"
 * takes its item, and no argument is left unconverted) */
/* percent_temps: what PyUnicode_Format makes for one conversion before it
 * writes it (while tracing): the str of a %s or %r (not for a str's %s);
 * for an int (%d, %i, %u, %x, %X, %o) with a width, precision, sign flag
 * or %X (else _PyLong_FormatWriter writes it, with its scratch int for base
 * 10) the text PyNumber_ToBase makes; for a float (%e, %f, %g) dtoa's
 * block, and its text as a str when a width, precision or sign flag is
 * given. Released by the caller once the text is written. */

/* long_text_temp: _PyUnicode_FormatLong(iv, alt, prec, conv) as t->str:
 * long_to_decimal_string's str (with its scratch int) or PyNumber_ToBase's
 * with 0o/0x; a precision past the digits zero-extends them through a
 * bytes object (PyBytes_FromStringAndSize, then _PyUnicode_FromASCII while
 * it lives), else a dropped base marker is a new str (_PyUnicode_FromASCII:
 * one character is the shared str); %X upper-cases the text in place */
static int long_text_temp(sc_vm_t *vm, char conv, bool alt, int prec, hd_obj_t *iv, sc_temps_t *t)
{
    int base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' ? 16 : 10;
    bool neg = ((hd_int_obj_t *)iv)->size < 0;
    char *digits = sc_fmt_int_digits(vm, iv, base, false);
    if (!digits)
        return sc_nomem(vm, HD_ENOMEM);
    size_t nd = strlen(digits), non = neg + (base != 10 ? 2 : 0);
    size_t ext = prec > 0 && (size_t)prec > nd ? (size_t)prec - nd : 0;
    char *text = hd_mem_malloc(vm->h->mem, non + nd + ext + 1);
    if (!text) {
        hd_mem_free(vm->h->mem, digits);
        return sc_nomem(vm, HD_ENOMEM);
    }
    snprintf(text, non + nd + 1, "%s%s%s", neg ? "-" : "",
             base == 8    ? "0o"
             : base == 16 ? "0x"
                          : "",
             digits);
    hd_mem_free(vm->h->mem, digits);
    for (size_t i = 0; conv == 'X' && i < non + nd; i++) /* in place, 0x too */
        text[i] = text[i] >= 'a' && text[i] <= 'x' ? (char)(text[i] - 'a' + 'A') : text[i];
    sc_buf_t tb = {text, non + nd, non + nd + ext + 1};
    int rc = base == 10 ? sc_fmt_int_text_str(vm, iv, &tb, &t->str)
                        : sc_fmt_fresh_str(vm, text, non + nd, &t->str);
    char *at = text;
    if (!rc && base != 10 && !alt) { /* the base marker dropped, the sign moved up */
        at += 2;
        non -= 2;
        if (neg)
            at[0] = '-';
    }
    if (!rc && ext) { /* zeros between the sign and the digits */
        memmove(at + non + ext, at + non, nd);
        memset(at + non, '0', ext);
    }
    size_t len = non + nd + ext;
    hd_obj_t *r1 = NULL, *res = NULL;
    if (!rc && ext && (rc = hd_bytes_new(vm->h, at, len, &r1)))
        rc = sc_nomem(vm, rc);
    if (!rc && (ext || at != text)) { /* the zeros' str once the old one went, else before */
        if (ext) {
            hd__decref(vm->h, t->str);
            t->str = NULL;
        }
        if (!(rc = sc_str_new(vm, at, len, &res))) {
            hd__xdecref(vm->h, t->str);
            t->str = res;
        }
    }
    hd__xdecref(vm->h, r1);
    hd_mem_free(vm->h->mem, text);
    return rc;
}

static int percent_temps(sc_vm_t *vm, char conv, const char *flags, int width, int prec,
                         hd_obj_t *arg, sc_temps_t *t)
{
    bool plain = width == 0 && prec < 0 && !strchr(flags, '+') && !strchr(flags, ' ');
    if ((conv == 's' || conv == 'r') && arg->type == HD_T_INT && width == 0 && prec < 0)
        return sc_fmt_int_scratch(vm, arg, &t->scratch); /* written by _PyLong_FormatWriter */
    if (conv == 's' || conv == 'r')
        return conv == 's' && arg->type == HD_T_STR ? 0
               : conv == 's'                        ? sc_str(vm, arg, &t->str)
                                                    : sc_repr(vm, arg, &t->str);
    if (strchr("diu", conv) && arg->type == HD_T_FLOAT) { /* the int of it, not exact */
        hd_obj_t *iv;
        if (percent_float_int(vm, arg, &iv))
            return -1;
        int rc = long_text_temp(vm, conv, false, prec, iv, t);
        hd__decref(vm->h, iv);
        return rc;
    }
    if (strchr("diuxXo", conv) && (arg->type == HD_T_INT || arg->type == HD_T_BOOL)) {
        if (plain && conv != 'X' && arg->type == HD_T_INT) /* _PyLong_FormatWriter */
            return conv == 'o' || conv == 'x' ? 0 : sc_fmt_int_scratch(vm, arg, &t->scratch);
        hd_obj_t *iv = arg; /* a bool is not exact: _PyUnicode_FormatLong of its number */
        if (arg->type == HD_T_BOOL && hd_int_from_i64(vm->h, arg == vm->h->true_, &iv))
            return sc_nomem(vm, HD_ENOMEM);
        int rc = long_text_temp(vm, conv, strchr(flags, '#') != NULL, prec, iv, t);
        if (iv != arg)
            hd__decref(vm->h, iv);
        return rc;
    }
    if (!strchr("eEfFgG", conv) ||
        (arg->type != HD_T_FLOAT && arg->type != HD_T_INT && arg->type != HD_T_BOOL))
        return 0;
    double v;
    if (arg->type != HD_T_FLOAT) { /* PyFloat_AsDouble: a float made and dropped */
        hd_obj_t *fl;
        sc_float_of(arg, &v);
        int frc = hd_float_new(vm->h, v, &fl);
        if (frc)
            return sc_nomem(vm, frc);
        hd__decref(vm->h, fl);
    } else {
        v = ((hd_float_obj_t *)arg)->value;
    }
    char type = (char)tolower((unsigned char)conv), text[96];
    int pr = prec < 0 ? 6 : type == 'g' && prec == 0 ? 1 : prec;
    int64_t decpt = 1, nd = 1;
    if (pr > 60 || fabs(v) >= 1e60)
        return 0; /* not modelled: a long text */
    if (isfinite(v)) {
        snprintf(text, sizeof(text), type == 'f' ? "%.*f" : "%.*e", type == 'g' ? pr - 1 : pr,
                 fabs(v));
        (void)sc_dtoa_digits(text, &decpt, &nd);
    }
    size_t size = isfinite(v) ? sc_dtoa_size(decpt, nd, type, type == 'e' ? pr + 1 : pr,
                                             strchr(flags, '#') != NULL, false)
                              : 5;
    int rc = hd__block_alloc(vm->h, size, hd__type_kind(vm->h, HD_T_FLOAT), &t->block);
    if (rc)
        return sc_nomem(vm, rc);
    if (width == 0 && prec < 0 && !strchr(flags, '+') && !strchr(flags, ' ')) {
        t->fast = true; /* written from the block */
        return 0;
    }
    spec_t p = {.type = conv, .precision = prec < 0 ? 6 : prec};
    char body[600];
    sc_fmt_float_body(v, &p, body, sizeof(body));
    char ftext[608]; /* formatfloat's text: the sign only for a negative */
    snprintf(ftext, sizeof(ftext), "%s%s", signbit(v) && !isnan(v) ? "-" : "", body);
    rc = sc_str_new(vm, ftext, strlen(ftext), &t->str); /* _PyUnicode_FromASCII */
    hd__block_free(vm->h, t->block);
    t->block = NULL;
    return rc;
}

int sc_percent_format(sc_vm_t *vm, hd_obj_t *fmt, hd_obj_t *args, hd_obj_t **out)
{
    /* "%s" % x: the writer's only write is str(x), which it returns as it is
     * (readonly): x itself for a str, the static "True" for True */
    hd_obj_t *only = args->type == HD_T_TUPLE && hd_len(args) == 1
                         ? ((hd_tuple_obj_t *)args)->items[0]
                     : args->type != HD_T_TUPLE ? args
                                                : NULL;
    if (hd_len(fmt) == 2 && hd__str_char(fmt, 0) == '%' && hd__str_char(fmt, 1) == 's' && only &&
        only->type != HD_T_INT) /* (an int goes through the writer) */
        return sc_str(vm, only, out);
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
    int rc = 0;
    /* PyUnicode_Format's writer (while tracing): min_length the format's
     * length + 100, over-allocating until the last piece; b's text past lit
     * is not yet written to it */
    sc_writer_t w = {.overallocate = true, .min_length = (int64_t)hd_len(fmt) + 100};
    size_t lit = 0;
    hd_obj_t *ro = NULL; /* owned: the readonly result, or NULL */
    for (size_t i = 0; i < len && !rc; i++) {
        if (f[i] != '%') {
            rc = sc_buf_put(vm, &b, &f[i], 1);
            if (!rc && i + 1 == len && b.n == len && !memchr(f, '%', len)) {
                hd__incref(ro = fmt); /* the whole format: WriteSubstring's WriteStr, readonly */
                lit = b.n;
            } else if (!rc && i + 1 == len) {
                w.overallocate = false;
                rc = sc_writer_sync(vm, &w, &b, &lit);
            }
            continue;
        }
        char flags[8] = "";
        int nf = 0, width = 0, prec = -1;
        i++;
        if (i < len && f[i] == '%') { /* "%%" only: after a key, flags or a
                                          width '%' is a conversion */
            rc = sc_buf_put(vm, &b, "%", 1);
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
        sc_temps_t t = {0};
        w.overallocate = i + 1 < len;
        if (*vm->h->tracing) {
            rc = sc_writer_sync(vm, &w, &b, &lit); /* the literal before it */
            if (!rc)
                rc = percent_temps(vm, f[i], flags, width, prec, arg, &t);
        }
        /* written first and last (no buffer yet, no over-allocation), a str
         * no wider than the width and precision, without a sign flag, or a
         * float from its block, is the writer's result as it is (readonly):
         * no buffer. Untraced, only a str argument's (its identity); the
         * length check at the end refuses it after other text. */
        hd_obj_t *one = t.str ? t.str : f[i] == 's' && arg->type == HD_T_STR ? arg : NULL;
        int64_t n1 = one ? hd_len(one) : 0;
        bool readonly = /* unicode_format_arg_output's fast path: WriteStr */
            !w.block && !w.overallocate &&
            ((one && width <= n1 && (prec < 0 || prec >= n1) && !strchr(flags, '+') &&
              !strchr(flags, ' ')) ||
             t.fast);
        if (!rc)
            rc = percent_one(vm, f[i], flags, width, prec, arg, t.str, &b);
        if (!rc && readonly) {
            lit = b.n;
            if (t.fast) /* _PyUnicode_FromASCII while the block lives */
                rc = sc_str_new(vm, b.v, b.n, &ro);
            else if (t.str)
                ro = t.str, t.str = NULL;
            else
                hd__incref(ro = arg);
        } else if (!rc) {
            rc = sc_writer_sync(vm, &w, &b, &lit);
        }
        sc_temps_close(vm, &t);
    }
    if (!rc && used < nargs && !dict)
        rc = sc_raise(vm, EXC_TYPEERROR, "not all arguments converted during string formatting");
    hd__xdecref(vm->h, cur);
    hd_mem_free(vm->h->mem, f);
    sc_writer_close(vm, &w);
    if (!rc && ro && b.n == (size_t)hd_str_utf8(ro, NULL, 0))
        *out = ro, ro = NULL;
    else if (!rc) /* _PyUnicodeWriter_Finish: one ASCII character is the shared str */
        rc = b.n == 1 ? sc_fmt_writer_result(vm, &b, out)
                      : sc_fmt_fresh_str(vm, b.v ? b.v : "", b.n, out);
    hd__xdecref(vm->h, ro);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}
