/*
 * parse_lit.c: literals (parse.c). Literals become heap objects here, as
 * CPython's parser makes PyObjects: each occurrence its own object (the
 * compiler later merges equal constants into the first one), held by the
 * arena. Numbers: ints of any size and base, floats (complex literals
 * are refused with a SyntaxError). Adjacent string
 * literals are concatenated into one constant (escapes decoded as
 * CPython's), f-strings into an E_JOINEDSTR whose fields are parsed from
 * their text with the expression parser.
 */
#include <math.h>

#include "parse_int.h"

/* ---- numbers ---- */

/* big_decimal: a decimal digit string (no underscores) as an int object. */
static int big_decimal(hd_heap_t *h, const char *s, size_t len, hd_obj_t **out)
{
    size_t cap = len / 9 + 2;
    uint32_t stack[64], *d = cap <= 64 ? stack : malloc(cap * sizeof(uint32_t));
    if (!d)
        return HD_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint64_t carry = (uint64_t)(s[i] - '0');
        for (size_t k = 0; k < n; k++) {
            uint64_t v = (uint64_t)d[k] * 10 + carry;
            d[k] = (uint32_t)(v & ((1u << 30) - 1));
            carry = v >> 30;
        }
        if (carry)
            d[n++] = (uint32_t)carry;
    }
    int rc = hd_int_from_digits(h, 1, d, n, out);
    if (d != stack)
        free(d);
    return rc;
}

static int radix_int(hd_heap_t *h, const char *s, size_t len, int base, hd_obj_t **out)
{
    /* up to 64 bits directly; longer literals in this base are rare */
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int c = s[i], dv = c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
        if (v > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base)
            return HD_ERANGE;
        v = v * (uint64_t)base + (uint64_t)dv;
    }
    if (v <= INT64_MAX)
        return hd_int_from_i64(h, (int64_t)v, out);
    uint32_t d[3] = {(uint32_t)(v & 0x3fffffff), (uint32_t)((v >> 30) & 0x3fffffff),
                     (uint32_t)(v >> 60)};
    return hd_int_from_digits(h, 1, d, 3, out);
}

static bool valid_digits(const char *s, size_t len, int base)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        int c = s[i];
        int dv = (c >= '0' && c <= '9')   ? c - '0'
                 : (c >= 'a' && c <= 'z') ? c - 'a' + 10
                 : (c >= 'A' && c <= 'Z') ? c - 'A' + 10
                                          : 99;
        if (dv >= base)
            return false;
    }
    return true;
}

sc_node_t *ps_number(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    char buf[512];
    size_t n = 0;
    bool is_float = false;
    for (uint32_t i = 0; i < t->len; i++) {
        char c = t->start[i];
        if (c == '_')
            continue;
        if (n + 1 >= sizeof(buf))
            return ps_fail_at(P, t, "SyntaxError", "number literal too long");
        buf[n++] = c;
    }
    buf[n] = '\0';
    if (n && (buf[n - 1] == 'j' || buf[n - 1] == 'J'))
        return ps_fail_at(P, t, "SyntaxError", "complex numbers are not supported");
    bool radix = n > 1 && buf[0] == '0' && strchr("xXoObB", buf[1]);
    if (!radix)
        for (size_t i = 0; i < n; i++)
            if (buf[i] == '.' || buf[i] == 'e' || buf[i] == 'E')
                is_float = true;
    hd_obj_t *o;
    int rc;
    if (is_float) {
        rc = hd_float_new(P->h, strtod(buf, NULL), &o);
    } else if (radix) {
        int base = strchr("xX", buf[1]) ? 16 : strchr("oO", buf[1]) ? 8 : 2;
        if (!valid_digits(buf + 2, n - 2, base))
            return ps_fail_at(P, t, "SyntaxError", "invalid digit in number literal");
        rc = radix_int(P->h, buf + 2, n - 2, base, &o);
    } else {
        if (!valid_digits(buf, n, 10))
            return ps_fail_at(P, t, "SyntaxError", "invalid decimal literal");
        if (n > 1 && buf[0] == '0')
            for (size_t i = 0; i < n; i++)
                if (buf[i] != '0')
                    return ps_fail_at(
                        P, t, "SyntaxError",
                        "leading zeros in decimal integer literals are not permitted; "
                        "use an 0o prefix for octal integers");
        rc = n <= 18 ? hd_int_from_i64(P->h, strtoll(buf, NULL, 10), &o)
                     : big_decimal(P->h, buf, n, &o);
    }
    if (rc == HD_ERANGE)
        return ps_fail_at(P, t, "SyntaxError", "integer literal too large");
    if (rc)
        return ps_oom(P, rc);
    return ps_const_node(P, t, o);
}

/* ---- strings ---- */

typedef struct sbuf {
    char *v;
    size_t n, cap;
    hd_mem_t *mem;
} sbuf_t;

static bool sb_put(sbuf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *v = hd_mem_realloc(b->mem, b->v, cap);
        if (!v)
            return false;
        b->v = v;
        b->cap = cap;
    }
    memcpy(b->v + b->n, s, n);
    b->n += n;
    b->v[b->n] = '\0';
    return true;
}

static bool sb_cp(sbuf_t *b, uint32_t c, bool bytes)
{
    char tmp[4];
    size_t k;
    if (bytes || c < 0x80) {
        tmp[0] = (char)c, k = 1;
    } else if (c < 0x800) {
        tmp[0] = (char)(0xc0 | (c >> 6)), tmp[1] = (char)(0x80 | (c & 0x3f)), k = 2;
    } else if (c < 0x10000) {
        tmp[0] = (char)(0xe0 | (c >> 12)), tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (c & 0x3f)), k = 3;
    } else {
        tmp[0] = (char)(0xf0 | (c >> 18)), tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f)), tmp[3] = (char)(0x80 | (c & 0x3f)), k = 4;
    }
    return sb_put(b, tmp, k);
}

static int hexval(int c)
{
    return (c >= '0' && c <= '9')   ? c - '0'
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                    : -1;
}

/* escape: decodes one escape at s (after the backslash); returns chars
 * consumed, or -1 with *msg set. */
static int escape(const char *s, const char *end, bool bytes, sbuf_t *b, const char **msg)
{
    static const char simple[] = "\n\\'\"abfnrtv";
    static const char values[] = "\0\\'\"\a\b\f\n\r\t\v";
    char c = *s;
    const char *q = memchr(simple, c, sizeof(simple) - 1);
    if (q && c != '\0') {
        if (c == '\n')
            return 1; /* line continuation inside the literal */
        char v = values[q - simple];
        return sb_put(b, &v, 1) ? 1 : -2;
    }
    if (c >= '0' && c <= '7') {
        uint32_t v = 0;
        int k = 0;
        while (k < 3 && s + k < end && s[k] >= '0' && s[k] <= '7')
            v = v * 8 + (uint32_t)(s[k++] - '0');
        return sb_cp(b, bytes ? (v & 0xff) : v, bytes) ? k : -2;
    }
    int digits = c == 'x' ? 2 : (!bytes && c == 'u') ? 4 : (!bytes && c == 'U') ? 8 : 0;
    if (digits) {
        uint32_t v = 0;
        for (int k = 1; k <= digits; k++) {
            int d = s + k < end ? hexval(s[k]) : -1;
            if (d < 0) {
                *msg = c == 'x'   ? "truncated \\xXX escape"
                       : c == 'u' ? "truncated \\uXXXX escape"
                                  : "truncated \\UXXXXXXXX escape";
                return -1;
            }
            v = v * 16 + (uint32_t)d;
        }
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff && !bytes)) {
            *msg = "illegal Unicode character";
            return -1;
        }
        return sb_cp(b, v, bytes) ? digits + 1 : -2;
    }
    if (!bytes && c == 'N') {
        *msg = "\\N{...} escapes are not supported";
        return -1;
    }
    /* unknown escape: kept as is (a DeprecationWarning in CPython) */
    char two[2] = {'\\', c};
    return sb_put(b, two, 2) ? 1 : -2;
}

typedef struct strlit {
    bool raw, bytes, fstr;
    const char *body; /* between the quotes */
    size_t len;
} strlit_t;

static void split_literal(const sc_token_t *t, strlit_t *s)
{
    const char *p = t->start;
    memset(s, 0, sizeof(*s));
    while (*p != '\'' && *p != '"') {
        char c = (char)(*p | 0x20);
        s->raw |= c == 'r';
        s->bytes |= c == 'b';
        s->fstr |= c == 'f';
        p++;
    }
    size_t q = (p + 2 < t->start + t->len && p[1] == p[0] && p[2] == p[0] &&
                (size_t)(t->start + t->len - p) >= 6)
                   ? 3
                   : 1;
    s->body = p + q;
    s->len = (size_t)(t->start + t->len - p) - 2 * q;
}

/* decode: the body of a (non-f) literal into b. */
static bool decode(parser_t *P, const sc_token_t *t, const char *s, size_t len, bool raw,
                   bool bytes, sbuf_t *b)
{
    const char *end = s + len;
    while (s < end) {
        if (*s == '\\' && !raw && s + 1 < end) {
            const char *msg = NULL;
            int k = escape(s + 1, end, bytes, b, &msg);
            if (k == -2) {
                ps_oom(P, 0);
                return false;
            }
            if (k < 0) {
                char m[128];
                snprintf(m, sizeof(m), "(%s-escape) %s", bytes ? "value" : "unicode", msg);
                ps_fail_at(P, t, "SyntaxError", m);
                return false;
            }
            s += 1 + k;
            continue;
        }
        if (bytes && (unsigned char)*s >= 0x80) {
            ps_fail_at(P, t, "SyntaxError", "bytes can only contain ASCII literal characters");
            return false;
        }
        if (!sb_put(b, s, 1)) {
            ps_oom(P, 0);
            return false;
        }
        s++;
    }
    return true;
}

static sc_node_t *fstring_parts(parser_t *P, const sc_token_t *t, const char *s, size_t len,
                                bool raw, nlist_t *parts, sbuf_t *lit);

/* flush_lit: the pending literal text as a str constant part. */
static bool flush_lit(parser_t *P, const sc_token_t *t, sbuf_t *lit, nlist_t *parts)
{
    if (lit->n == 0)
        return true;
    hd_obj_t *o;
    int rc = hd_str_new(P->h, lit->v, lit->n, &o);
    if (rc) {
        ps_oom(P, rc);
        return false;
    }
    lit->n = 0;
    sc_node_t *c = ps_const_node(P, t, o);
    return c && ps_nl_push(P, parts, c);
}

/* fstring_field: parses {expr[=][!c][:spec]} at s (after the '{') into
 * parts, after the pending literal text `lit` (to which `expr=`, as
 * written, is added first: 3.11's expr_text); returns the position after
 * the closing '}' or NULL. */
static const char *fstring_field(parser_t *P, const sc_token_t *t, const char *s, const char *end,
                                 bool raw, nlist_t *parts, sbuf_t *lit)
{
    const char *e = s;
    int nest = 0;
    char quote = 0;
    while (e < end) {
        char c = *e;
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            nest++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (nest == 0)
                break;
            nest--;
        } else if (nest == 0 && c && strchr("!:=<>", c)) {
            /* fstring_find_expr: !=, ==, <= and >= belong to the
             * expression, and so do < and > alone */
            if (c != ':' && e + 1 < end && e[1] == '=') {
                e += 2;
                continue;
            }
            if (c != '<' && c != '>')
                break;
        }
        e++;
    }
    if (e >= end)
        return ps_fail_at(P, t, "SyntaxError", "f-string: expecting '}'");
    sc_tokens_t toks;
    size_t expr_len = (size_t)(e - s);
    while (expr_len && (s[expr_len - 1] == ' ' || s[expr_len - 1] == '\t'))
        expr_len--;
    if (expr_len == 0 || strspn(s, " \t") >= expr_len)
        return ps_fail_at(P, t, "SyntaxError", "f-string: empty expression not allowed");
    char *text = sc_arena_alloc(P->a, expr_len + 3);
    if (!text)
        return ps_oom(P, 0);
    text[0] = '(';
    memcpy(text + 1, s, expr_len);
    text[expr_len + 1] = ')';
    if (sc_lex(P->a, text, expr_len + 2, (int)t->line, t->col, &toks, P->err)) {
        P->failed = true;
        return NULL;
    }
    parser_t sub = *P;
    sub.t = toks.v;
    sub.n = toks.n;
    sub.pos = 0;
    sc_node_t *value = ps_expression(&sub);
    if (!value || sub.failed) {
        P->failed = true;
        return NULL;
    }
    if (ps_peek(&sub)->kind != TK_NEWLINE)
        return ps_fail_at(P, t, "SyntaxError", "f-string: invalid syntax");
    sc_node_t *f = ps_node_at(P, E_FORMATTED, t);
    if (!f)
        return NULL;
    f->a = value;
    f->op = 0;
    bool eq = *e == '=';
    if (eq) { /* the text up to and with '=' and the spaces after it */
        const char *q = e + 1;
        while (q < end && *q && strchr(" \t\n\r\f\v", *q))
            q++;
        if (!sb_put(lit, s, (size_t)(q - s)))
            return ps_oom(P, 0);
        e = q;
    }
    if (!flush_lit(P, t, lit, parts))
        return NULL;
    if (e < end && *e == '!') {
        if (e + 1 >= end || !strchr("rsa", e[1]))
            return ps_fail_at(P, t, "SyntaxError",
                              "f-string: invalid conversion character: expected 's', 'r', or 'a'");
        f->op = (uint8_t)e[1];
        e += 2;
    }
    if (e < end && *e == ':') {
        nlist_t spec = {0};
        sbuf_t slit = {NULL, 0, 0, P->a->mem};
        const char *se = e + 1;
        int depth = 0;
        while (se < end && (depth || *se != '}')) {
            depth += *se == '{' ? 1 : *se == '}' ? -1 : 0;
            se++;
        }
        sc_node_t *js = fstring_parts(P, t, e + 1, (size_t)(se - e - 1), raw, &spec, &slit);
        hd_mem_free(P->a->mem, slit.v);
        if (!js)
            return NULL;
        f->b = js;
        e = se;
    }
    if (e >= end || *e != '}')
        return ps_fail_at(P, t, "SyntaxError", "f-string: expecting '}'");
    if (eq && !f->b && f->op == 0)
        f->op = 'r'; /* '=' without a conversion or a spec shows the repr */
    return ps_nl_push(P, parts, f) ? e + 1 : NULL;
}

/* fstring_parts: literal text and fields of one f-string body into parts;
 * returns an E_JOINEDSTR of them (for format specs) or NULL. */
static sc_node_t *fstring_parts(parser_t *P, const sc_token_t *t, const char *s, size_t len,
                                bool raw, nlist_t *parts, sbuf_t *lit)
{
    const char *end = s + len;
    if (!ps_enter(P))
        return NULL;
    while (s < end && !P->failed) {
        if (*s == '{' && s + 1 < end && s[1] == '{') {
            if (!sb_put(lit, "{", 1))
                return ps_oom(P, 0);
            s += 2;
        } else if (*s == '}' && s + 1 < end && s[1] == '}') {
            if (!sb_put(lit, "}", 1))
                return ps_oom(P, 0);
            s += 2;
        } else if (*s == '{') {
            s = fstring_field(P, t, s + 1, end, raw, parts, lit);
            if (!s)
                return NULL;
        } else if (*s == '}') {
            return ps_fail_at(P, t, "SyntaxError", "f-string: single '}' is not allowed");
        } else {
            const char *e = s;
            while (e < end && *e != '{' && *e != '}')
                e++;
            if (!decode(P, t, s, (size_t)(e - s), raw, false, lit))
                return NULL;
            s = e;
        }
    }
    ps_leave(P);
    if (P->failed || !flush_lit(P, t, lit, parts))
        return NULL;
    sc_node_t *j = ps_node_at(P, E_JOINEDSTR, t);
    if (j) {
        j->list = parts->v;
        j->nlist = parts->n;
    }
    return j;
}

/* strings: one or more adjacent literals. */
sc_node_t *ps_strings(parser_t *P)
{
    const sc_token_t *first = ps_peek(P);
    sbuf_t lit = {NULL, 0, 0, P->a->mem};
    nlist_t parts = {0};
    bool any_f = false, bytes = false, first_tok = true;
    const sc_token_t *last = first;
    while (ps_peek(P)->kind == TK_STRING && !P->failed) {
        const sc_token_t *t = ps_next(P);
        strlit_t s;
        split_literal(t, &s);
        if (!first_tok && s.bytes != bytes) {
            ps_fail_at(P, t, "SyntaxError", "cannot mix bytes and nonbytes literals");
            break;
        }
        bytes = s.bytes;
        first_tok = false;
        last = t;
        if (s.fstr) {
            any_f = true;
            if (!fstring_parts(P, t, s.body, s.len, s.raw, &parts, &lit))
                break;
        } else if (!decode(P, t, s.body, s.len, s.raw, s.bytes, &lit)) {
            break;
        }
    }
    sc_node_t *res = NULL;
    if (!P->failed) {
        if (any_f) {
            if (flush_lit(P, first, &lit, &parts) && (res = ps_node_at(P, E_JOINEDSTR, first))) {
                res->list = parts.v;
                res->nlist = parts.n;
            }
        } else {
            hd_obj_t *o;
            int rc = bytes ? hd_bytes_new(P->h, lit.v ? lit.v : "", lit.n, &o)
                           : hd_str_new(P->h, lit.v ? lit.v : "", lit.n, &o);
            if (rc == HD_EINVAL)
                ps_fail_at(P, first, "SyntaxError", "invalid UTF-8 in string literal");
            else if (rc)
                ps_oom(P, rc);
            else
                res = ps_const_node(P, first, o);
        }
    }
    hd_mem_free(P->a->mem, lit.v);
    if (res)
        ps_set_end(res, last);
    return res;
}
