/*
 * value.c: heapctl's value syntax (the rules are in value.h and heapctl(1)).
 *
 * A small recursive-descent parser over one command-line word. It builds
 * the protocol's JSON directly: literals become JSON scalars, `@a` and `#17`
 * references, displays become {"new": TYPE, "items": [...]} objects that the
 * server creates in place. Nesting is bounded (HC_VALUE_MAX_DEPTH) so a
 * pathological word cannot exhaust the stack. Every error message names the
 * offending text and its position, since the user typed it a second ago.
 */
#include "value.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC_VALUE_MAX_DEPTH 64

typedef struct parser {
    const char *s; /* borrowed: the word */
    size_t i;      /* position */
    int depth;
    char *err; /* borrowed: the caller's message buffer */
    size_t errlen;
} parser_t;

static json_t *parse_value(parser_t *p);

static json_t *fail(parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *fail(parser_t *p, const char *fmt, ...)
{
    if (p->err[0])
        return NULL; /* keep the first, innermost message */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return NULL;
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

int hc_ident_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255 || !is_ident_start(s[0]))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!is_ident_char(s[i]))
            return 0;
    return 1;
}

static void skip_ws(parser_t *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n')
        p->i++;
}

/* ---- strings ---- */

/* Append code point cp as UTF-8; 0 or -1 for a surrogate or beyond U+10FFFF. */
static int put_utf8(char *out, size_t *n, uint32_t cp)
{
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return -1;
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
    return 0;
}

static int hex_digits(parser_t *p, int count, uint32_t *cp)
{
    *cp = 0;
    for (int k = 0; k < count; k++) {
        char c = p->s[p->i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        *cp = *cp * 16 + (uint32_t)d;
        p->i++;
    }
    return 0;
}

/* One escape after the backslash: the code point in *cp. */
static int escape(parser_t *p, int bytes, uint32_t *cp)
{
    char c = p->s[p->i++];
    static const char simple[] = "\\\\''\"\"n\nt\tr\ra\ab\bf\fv\v";
    for (const char *q = simple; *q; q += 2)
        if (c == q[0]) {
            *cp = (unsigned char)q[1];
            return 0;
        }
    if (c >= '0' && c <= '7') {
        *cp = (uint32_t)(c - '0');
        for (int k = 0; k < 2 && p->s[p->i] >= '0' && p->s[p->i] <= '7'; k++)
            *cp = *cp * 8 + (uint32_t)(p->s[p->i++] - '0');
        return 0;
    }
    if (c == 'x')
        return hex_digits(p, 2, cp);
    if (!bytes && c == 'u')
        return hex_digits(p, 4, cp);
    if (!bytes && c == 'U')
        return hex_digits(p, 8, cp);
    return -1;
}

/* A quoted literal starting at the quote; bytes: b'..' (characters < 256). */
static json_t *parse_string(parser_t *p, int bytes)
{
    size_t start = p->i;
    char q = p->s[p->i++];
    size_t cap = strlen(p->s + p->i) * 4 + 1;
    char *buf = malloc(cap);
    if (!buf)
        return fail(p, "out of memory");
    size_t n = 0;
    for (;;) {
        unsigned char c = (unsigned char)p->s[p->i];
        uint32_t cp;
        if (c == 0) {
            free(buf);
            return fail(p, "unterminated string starting at column %zu", start + 1);
        }
        p->i++;
        if (c == (unsigned char)q)
            break;
        if (c == '\\') {
            if (escape(p, bytes, &cp) != 0 || put_utf8(buf, &n, cp) != 0) {
                free(buf);
                return fail(p, "bad escape in string at column %zu", p->i);
            }
            continue;
        }
        if (bytes && c >= 0x80) {
            free(buf);
            return fail(p, "bytes literals hold ASCII characters only (use \\xHH)");
        }
        buf[n++] = (char)c;
    }
    json_t *s = json_stringn(buf, n);
    free(buf);
    if (!s)
        return fail(p, "string is not valid UTF-8");
    if (!bytes)
        return s;
    return json_pack("{s:s,s:o}", "new", "bytes", "value", s);
}

/* ---- numbers ---- */

static json_t *parse_number(parser_t *p)
{
    size_t start = p->i;
    char buf[128];
    size_t n = 0;
    int is_float = 0, base = 10;
    if (p->s[p->i] == '+' || p->s[p->i] == '-')
        buf[n++] = p->s[p->i++];
    if (p->s[p->i] == '0' && p->s[p->i + 1] && strchr("xXoObB", p->s[p->i + 1])) {
        char b = p->s[p->i + 1];
        base = (b == 'x' || b == 'X') ? 16 : (b == 'o' || b == 'O') ? 8 : 2;
        p->i += 2;
    }
    for (;;) {
        char c = p->s[p->i];
        int digit = (c >= '0' && c <= '9') || (base == 16 && c && strchr("abcdefABCDEF", c));
        if (c == '_') {
            p->i++;
            continue;
        }
        if (base == 10 && (c == '.' || c == 'e' || c == 'E'))
            is_float = 1;
        else if (base == 10 && (c == '+' || c == '-') && n &&
                 (buf[n - 1] == 'e' || buf[n - 1] == 'E'))
            ;
        else if (!digit)
            break;
        if (n + 1 >= sizeof buf)
            return fail(p, "number too long at column %zu", start + 1);
        buf[n++] = c;
        p->i++;
    }
    buf[n] = 0;
    if (is_ident_char(p->s[p->i]) || p->s[p->i] == '.')
        return fail(p, "not a number: '%s' (quote it for a str)", p->s + start);
    char *end;
    errno = 0;
    if (is_float) {
        double d = strtod(buf, &end);
        if (*end || end == buf || n == 0)
            return fail(p, "not a number: '%s'", buf);
        if (!isfinite(d))
            return fail(p, "float out of range: '%s'", buf);
        return json_real(d);
    }
    long long v = strtoll(buf, &end, base);
    if (*end || end == buf || (buf[0] == '+' || buf[0] == '-' ? n < 2 : n < 1))
        return fail(p, "not a number: '%s'", p->s + start);
    if (errno == ERANGE)
        return fail(p, "integer out of range: heapd's ints are 64-bit ('%s')", buf);
    return json_integer((json_int_t)v);
}

/* ---- references and words ---- */

static json_t *parse_ref(parser_t *p)
{
    char sigil = p->s[p->i++];
    size_t start = p->i;
    if (sigil == '@') {
        while (is_ident_char(p->s[p->i]))
            p->i++;
        size_t len = p->i - start;
        if (len == 0 || len > 255 || !is_ident_start(p->s[start]))
            return fail(p, "'@' must be followed by a name ([A-Za-z_][A-Za-z0-9_]*)");
        json_t *name = json_stringn(p->s + start, len);
        return json_pack("{s:o}", "name", name);
    }
    while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    if (p->i == start || p->i - start > 18)
        return fail(p, "'#' must be followed by an object id (digits)");
    json_int_t id = (json_int_t)strtoll(p->s + start, NULL, 10);
    if (id < 1)
        return fail(p, "object ids start at 1");
    return json_pack("{s:I}", "id", id);
}

static json_t *parse_word(parser_t *p)
{
    size_t start = p->i;
    while (is_ident_char(p->s[p->i]))
        p->i++;
    size_t len = p->i - start;
    const char *w = p->s + start;
    if (len == 4 && memcmp(w, "None", 4) == 0)
        return json_null();
    if (len == 4 && memcmp(w, "True", 4) == 0)
        return json_true();
    if (len == 5 && memcmp(w, "False", 5) == 0)
        return json_false();
    if ((len == 3 && (memcmp(w, "inf", 3) == 0 || memcmp(w, "nan", 3) == 0)))
        return fail(p, "'%.*s' cannot be sent: JSON has no infinity or NaN", (int)len, w);
    return json_stringn(w, len);
}

/* ---- displays ---- */

static json_t *display(const char *type, json_t *items)
{
    if (!items)
        return NULL;
    return json_pack("{s:s,s:o}", "new", type, "items", items);
}

/* Items up to the closing bracket; dict: "k: v" pairs (as [k, v] arrays). */
static json_t *parse_items(parser_t *p, char close, int *is_dict, int *n_commas)
{
    json_t *items = json_array();
    for (;;) {
        skip_ws(p);
        if (p->s[p->i] == close) {
            p->i++;
            return items;
        }
        json_t *v = parse_value(p);
        if (!v)
            break;
        skip_ws(p);
        if (is_dict && (*is_dict == 1 || (*is_dict == -1 && p->s[p->i] == ':'))) {
            if (p->s[p->i] != ':') {
                json_decref(v);
                fail(p, "expected ':' in a dict display at column %zu", p->i + 1);
                break;
            }
            p->i++;
            json_t *val = parse_value(p);
            if (!val) {
                json_decref(v);
                break;
            }
            *is_dict = 1;
            v = json_pack("[o,o]", v, val);
        } else if (is_dict) {
            *is_dict = 0;
        }
        json_array_append_new(items, v);
        skip_ws(p);
        if (p->s[p->i] == ',') {
            p->i++;
            (*n_commas)++;
        } else if (p->s[p->i] != close) {
            fail(p, "expected ',' or '%c' at column %zu", close, p->i + 1);
            break;
        }
    }
    json_decref(items);
    return NULL;
}

static json_t *parse_display(parser_t *p)
{
    char open = p->s[p->i++];
    int commas = 0;
    if (++p->depth > HC_VALUE_MAX_DEPTH)
        return fail(p, "displays nested deeper than %d", HC_VALUE_MAX_DEPTH);
    json_t *r;
    if (open == '[') {
        r = display("list", parse_items(p, ']', NULL, &commas));
    } else if (open == '{') {
        int is_dict = -1;
        json_t *items = parse_items(p, '}', &is_dict, &commas);
        r = display(is_dict == 0 ? "set" : "dict", items);
    } else {
        json_t *items = parse_items(p, ')', NULL, &commas);
        if (items && json_array_size(items) == 1 && commas == 0) {
            r = json_incref(json_array_get(items, 0)); /* (x) is x */
            json_decref(items);
        } else {
            r = display("tuple", items);
        }
    }
    p->depth--;
    return r;
}

static json_t *parse_value(parser_t *p)
{
    skip_ws(p);
    char c = p->s[p->i];
    if (c == '@' || c == '#')
        return parse_ref(p);
    if (c == '\'' || c == '"')
        return parse_string(p, 0);
    if ((c == 'b' || c == 'B') && (p->s[p->i + 1] == '\'' || p->s[p->i + 1] == '"')) {
        p->i++;
        return parse_string(p, 1);
    }
    if (c == '[' || c == '(' || c == '{')
        return parse_display(p);
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')
        return parse_number(p);
    if (is_ident_start(c))
        return parse_word(p);
    if (c == 0)
        return fail(p, "missing value");
    return fail(p, "unexpected '%c' at column %zu (quote text to make a str)", c, p->i + 1);
}

static void parser_init(parser_t *p, const char *s, char *err, size_t errlen)
{
    *p = (parser_t){.s = s, .err = err, .errlen = errlen};
    err[0] = 0;
}

int hc_value_parse(const char *s, json_t **out, char *err, size_t errlen)
{
    parser_t p;
    parser_init(&p, s, err, errlen);
    json_t *v = parse_value(&p);
    if (v) {
        skip_ws(&p);
        if (p.s[p.i]) {
            json_decref(v);
            v = fail(&p, "unexpected text '%s' after the value", p.s + p.i);
        }
    }
    if (!v && !err[0])
        snprintf(err, errlen, "out of memory");
    *out = v;
    return v ? 0 : -1;
}

int hc_target_parse(const char *s, json_t **out, char *err, size_t errlen)
{
    const char *t = s[0] == '@' ? s + 1 : s;
    *out = NULL;
    if (hc_ident_valid(t)) {
        *out = json_string(t);
    } else {
        const char *d = s[0] == '#' ? s + 1 : s;
        size_t n = strspn(d, "0123456789");
        if (n > 0 && n <= 18 && d[n] == 0 && strtoll(d, NULL, 10) > 0)
            *out = json_integer((json_int_t)strtoll(d, NULL, 10));
    }
    if (!*out)
        snprintf(err, errlen, "'%s' is not a target: give a bound name (a or @a) or an id (#17)",
                 s);
    return *out ? 0 : -1;
}

int hc_pair_parse(const char *s, json_t **key, json_t **value, char *err, size_t errlen)
{
    parser_t p;
    parser_init(&p, s, err, errlen);
    *key = *value = NULL;
    json_t *k = parse_value(&p);
    if (k) {
        skip_ws(&p);
        if (p.s[p.i] != ':') {
            fail(&p, "'%s' is not a dict item: write KEY:VALUE", s);
        } else {
            p.i++;
            json_t *v = parse_value(&p);
            skip_ws(&p);
            if (v && !p.s[p.i]) {
                *key = k;
                *value = v;
                return 0;
            }
            if (v)
                fail(&p, "unexpected text '%s' after the value", p.s + p.i);
            json_decref(v);
        }
    }
    json_decref(k);
    return -1;
}

int hc_attr_parse(const char *s, char *name, size_t namelen, json_t **value, char *err,
                  size_t errlen)
{
    const char *eq = strchr(s, '=');
    size_t n = eq ? (size_t)(eq - s) : 0;
    *value = NULL;
    if (!eq || n == 0 || n >= namelen) {
        snprintf(err, errlen, "'%s' is not an attribute: write NAME=VALUE", s);
        return -1;
    }
    memcpy(name, s, n);
    name[n] = 0;
    if (!hc_ident_valid(name)) {
        snprintf(err, errlen, "'%s' is not a valid attribute name", name);
        return -1;
    }
    return hc_value_parse(eq + 1, value, err, errlen);
}
