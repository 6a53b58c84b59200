/*
 * (Length: one recursive-descent grammar, one function per rule, kept in
 * one file so the rules read in grammar order; splitting statements from
 * expressions is listed for a later session.)
 *
 * parse.c: the recursive-descent parser of the heap script language, a
 * subset of Python 3.11's grammar (docs/script.md lists it), producing the
 * tree of ast.h.
 *
 * Recursion is bounded: every nested expression, block and f-string field
 * counts one level of `depth`, and past SC_PARSE_MAX_DEPTH the parser stops
 * with CPython's "too many nested parentheses" (the tokenizer bounds
 * brackets the same way), so no source can exhaust the C stack.
 *
 * Literals become heap objects here, as CPython's parser makes PyObjects:
 * each occurrence its own object (the compiler later merges equal
 * constants into the first one), held by the arena. Adjacent string
 * literals are concatenated into one constant, f-strings into an
 * E_JOINEDSTR whose fields are parsed from their text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "err.h"
#include "mem.h"

#define SC_PARSE_MAX_DEPTH 150
#define NODE_LIST_INIT     8

typedef struct parser {
    sc_arena_t *a;
    hd_heap_t *h;
    sc_token_t *t;
    size_t n, pos;
    int depth;
    sc_syntax_error_t *err;
    bool failed;
} parser_t;

/* ---- helpers ---- */

static const sc_token_t *peek(parser_t *P)
{
    return &P->t[P->pos];
}

static const sc_token_t *peek2(parser_t *P)
{
    return &P->t[P->pos + 1 < P->n ? P->pos + 1 : P->pos];
}

static const sc_token_t *next(parser_t *P)
{
    const sc_token_t *t = &P->t[P->pos];
    if (P->pos + 1 < P->n)
        P->pos++;
    return t;
}

static bool is_op(const sc_token_t *t, int op)
{
    return t->kind == TK_OP && t->op == op;
}

static bool at_op(parser_t *P, int op)
{
    return is_op(peek(P), op);
}

static bool at_kw(parser_t *P, int kw)
{
    return peek(P)->kind == kw;
}

static void *fail_at(parser_t *P, const sc_token_t *t, const char *type, const char *msg)
{
    if (!P->failed) {
        P->failed = true;
        P->err->line = (int)t->line;
        P->err->col = t->col;
        P->err->type = type;
        P->err->rc = 0;
        snprintf(P->err->msg, sizeof(P->err->msg), "%.159s", msg);
    }
    return NULL;
}

static void *fail(parser_t *P, const char *msg)
{
    return fail_at(P, peek(P), "SyntaxError", msg);
}

static void *oom(parser_t *P, int rc)
{
    if (!P->failed) {
        P->failed = true;
        P->err->rc = rc ? rc : HD_ENOMEM;
        P->err->type = "MemoryError";
        P->err->msg[0] = '\0';
        P->err->line = (int)peek(P)->line;
        P->err->col = peek(P)->col;
    }
    return NULL;
}

static bool expect_op(parser_t *P, int op, const char *what)
{
    if (at_op(P, op)) {
        next(P);
        return true;
    }
    char msg[64];
    if (what)
        snprintf(msg, sizeof(msg), "expected '%s'", what);
    fail(P, what ? msg : "invalid syntax");
    return false;
}

static bool enter(parser_t *P)
{
    if (++P->depth > SC_PARSE_MAX_DEPTH) {
        fail(P, "too many nested parentheses");
        return false;
    }
    return true;
}

static void leave(parser_t *P)
{
    P->depth--;
}

static sc_node_t *node_at(parser_t *P, int kind, const sc_token_t *t)
{
    sc_node_t *n = sc_arena_alloc(P->a, sizeof(*n));
    if (!n)
        return oom(P, 0);
    n->kind = (uint8_t)kind;
    n->line = t->line;
    n->col = t->col;
    n->end_line = t->end_line;
    n->end_col = t->end_col;
    return n;
}

static sc_node_t *node_like(parser_t *P, int kind, const sc_node_t *from)
{
    sc_node_t *n = sc_arena_alloc(P->a, sizeof(*n));
    if (!n)
        return oom(P, 0);
    n->kind = (uint8_t)kind;
    n->line = from->line;
    n->col = from->col;
    n->end_line = from->end_line;
    n->end_col = from->end_col;
    return n;
}

static void set_end(sc_node_t *n, const sc_token_t *t)
{
    n->end_line = t->end_line;
    n->end_col = t->end_col;
}

static void set_end_node(sc_node_t *n, const sc_node_t *last)
{
    n->end_line = last->end_line;
    n->end_col = last->end_col;
}

/* growable node lists in the arena */
typedef struct nlist {
    sc_node_t **v;
    int n, cap;
} nlist_t;

static bool nl_push(parser_t *P, nlist_t *l, sc_node_t *x)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : NODE_LIST_INIT;
        sc_node_t **v = sc_arena_alloc(P->a, (size_t)cap * sizeof(*v));
        if (!v) {
            oom(P, 0);
            return false;
        }
        if (l->n)
            memcpy(v, l->v, (size_t)l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
    return true;
}

static char *tok_str(parser_t *P, const sc_token_t *t)
{
    char *s = sc_arena_strndup(P->a, t->start, t->len);
    if (!s)
        oom(P, 0);
    return s;
}

static bool keep(parser_t *P, hd_obj_t *o)
{
    int rc = sc_arena_keep(P->a, P->h, o);
    if (rc)
        oom(P, rc);
    return rc == 0;
}

static sc_node_t *const_node(parser_t *P, const sc_token_t *t, hd_obj_t *value)
{
    if (!keep(P, value))
        return NULL;
    sc_node_t *n = node_at(P, E_CONST, t);
    if (n)
        n->value = value;
    return n;
}

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

static sc_node_t *number(parser_t *P)
{
    const sc_token_t *t = next(P);
    char buf[512];
    size_t n = 0;
    bool is_float = false;
    for (uint32_t i = 0; i < t->len; i++) {
        char c = t->start[i];
        if (c == '_')
            continue;
        if (n + 1 >= sizeof(buf))
            return fail_at(P, t, "SyntaxError", "number literal too long");
        buf[n++] = c;
    }
    buf[n] = '\0';
    if (n && (buf[n - 1] == 'j' || buf[n - 1] == 'J'))
        return fail_at(P, t, "SyntaxError", "complex numbers are not supported");
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
            return fail_at(P, t, "SyntaxError", "invalid digit in number literal");
        rc = radix_int(P->h, buf + 2, n - 2, base, &o);
    } else {
        if (!valid_digits(buf, n, 10))
            return fail_at(P, t, "SyntaxError", "invalid decimal literal");
        if (n > 1 && buf[0] == '0')
            for (size_t i = 0; i < n; i++)
                if (buf[i] != '0')
                    return fail_at(P, t, "SyntaxError",
                                   "leading zeros in decimal integer literals are not permitted; "
                                   "use an 0o prefix for octal integers");
        rc = n <= 18 ? hd_int_from_i64(P->h, strtoll(buf, NULL, 10), &o)
                     : big_decimal(P->h, buf, n, &o);
    }
    if (rc == HD_ERANGE)
        return fail_at(P, t, "SyntaxError", "integer literal too large");
    if (rc)
        return oom(P, rc);
    return const_node(P, t, o);
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
                oom(P, 0);
                return false;
            }
            if (k < 0) {
                char m[128];
                snprintf(m, sizeof(m), "(%s-escape) %s", bytes ? "value" : "unicode", msg);
                fail_at(P, t, "SyntaxError", m);
                return false;
            }
            s += 1 + k;
            continue;
        }
        if (bytes && (unsigned char)*s >= 0x80) {
            fail_at(P, t, "SyntaxError", "bytes can only contain ASCII literal characters");
            return false;
        }
        if (!sb_put(b, s, 1)) {
            oom(P, 0);
            return false;
        }
        s++;
    }
    return true;
}

static sc_node_t *expression(parser_t *P);
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
        oom(P, rc);
        return false;
    }
    lit->n = 0;
    sc_node_t *c = const_node(P, t, o);
    return c && nl_push(P, parts, c);
}

/* fstring_field: parses {expr[!c][:spec]} at s (after the '{'); returns the
 * position after the closing '}' or NULL. */
static const char *fstring_field(parser_t *P, const sc_token_t *t, const char *s, const char *end,
                                 bool raw, nlist_t *parts)
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
        } else if (nest == 0 && (c == '!' || c == ':') &&
                   !(c == '!' && e + 1 < end && e[1] == '=')) {
            break;
        }
        e++;
    }
    if (e >= end)
        return fail_at(P, t, "SyntaxError", "f-string: expecting '}'");
    sc_tokens_t toks;
    size_t expr_len = (size_t)(e - s);
    while (expr_len && (s[expr_len - 1] == ' ' || s[expr_len - 1] == '\t'))
        expr_len--;
    if (expr_len && s[expr_len - 1] == '=' && !(expr_len > 1 && strchr("=!<>", s[expr_len - 2])))
        return fail_at(P, t, "SyntaxError",
                       "f-string '=' specifiers are not supported by the heap script language");
    if (expr_len == 0 || strspn(s, " \t") >= expr_len)
        return fail_at(P, t, "SyntaxError", "f-string: empty expression not allowed");
    char *text = sc_arena_alloc(P->a, expr_len + 3);
    if (!text)
        return oom(P, 0);
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
    sc_node_t *value = expression(&sub);
    if (!value || sub.failed) {
        P->failed = true;
        return NULL;
    }
    if (peek(&sub)->kind != TK_NEWLINE)
        return fail_at(P, t, "SyntaxError", "f-string: invalid syntax");
    sc_node_t *f = node_at(P, E_FORMATTED, t);
    if (!f)
        return NULL;
    f->a = value;
    f->op = 0;
    if (*e == '!') {
        if (e + 1 >= end || !strchr("rsa", e[1]))
            return fail_at(P, t, "SyntaxError",
                           "f-string: invalid conversion character: expected 's', 'r', or 'a'");
        f->op = (uint8_t)e[1];
        e += 2;
    }
    if (e < end && *e == ':') {
        nlist_t spec = {0};
        sbuf_t lit = {NULL, 0, 0, P->a->mem};
        const char *se = e + 1;
        int depth = 0;
        while (se < end && (depth || *se != '}')) {
            depth += *se == '{' ? 1 : *se == '}' ? -1 : 0;
            se++;
        }
        sc_node_t *js = fstring_parts(P, t, e + 1, (size_t)(se - e - 1), raw, &spec, &lit);
        hd_mem_free(P->a->mem, lit.v);
        if (!js)
            return NULL;
        f->b = js;
        e = se;
    }
    if (e >= end || *e != '}')
        return fail_at(P, t, "SyntaxError", "f-string: expecting '}'");
    return nl_push(P, parts, f) ? e + 1 : NULL;
}

/* fstring_parts: literal text and fields of one f-string body into parts;
 * returns an E_JOINEDSTR of them (for format specs) or NULL. */
static sc_node_t *fstring_parts(parser_t *P, const sc_token_t *t, const char *s, size_t len,
                                bool raw, nlist_t *parts, sbuf_t *lit)
{
    const char *end = s + len;
    if (!enter(P))
        return NULL;
    while (s < end && !P->failed) {
        if (*s == '{' && s + 1 < end && s[1] == '{') {
            if (!sb_put(lit, "{", 1))
                return oom(P, 0);
            s += 2;
        } else if (*s == '}' && s + 1 < end && s[1] == '}') {
            if (!sb_put(lit, "}", 1))
                return oom(P, 0);
            s += 2;
        } else if (*s == '{') {
            if (!flush_lit(P, t, lit, parts))
                return NULL;
            s = fstring_field(P, t, s + 1, end, raw, parts);
            if (!s)
                return NULL;
        } else if (*s == '}') {
            return fail_at(P, t, "SyntaxError", "f-string: single '}' is not allowed");
        } else {
            const char *e = s;
            while (e < end && *e != '{' && *e != '}')
                e++;
            if (!decode(P, t, s, (size_t)(e - s), raw, false, lit))
                return NULL;
            s = e;
        }
    }
    leave(P);
    if (P->failed || !flush_lit(P, t, lit, parts))
        return NULL;
    sc_node_t *j = node_at(P, E_JOINEDSTR, t);
    if (j) {
        j->list = parts->v;
        j->nlist = parts->n;
    }
    return j;
}

/* strings: one or more adjacent literals. */
static sc_node_t *strings(parser_t *P)
{
    const sc_token_t *first = peek(P);
    sbuf_t lit = {NULL, 0, 0, P->a->mem};
    nlist_t parts = {0};
    bool any_f = false, bytes = false, first_tok = true;
    const sc_token_t *last = first;
    while (peek(P)->kind == TK_STRING && !P->failed) {
        const sc_token_t *t = next(P);
        strlit_t s;
        split_literal(t, &s);
        if (!first_tok && s.bytes != bytes) {
            fail_at(P, t, "SyntaxError", "cannot mix bytes and nonbytes literals");
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
            if (flush_lit(P, first, &lit, &parts) && (res = node_at(P, E_JOINEDSTR, first))) {
                res->list = parts.v;
                res->nlist = parts.n;
            }
        } else {
            hd_obj_t *o;
            int rc = bytes ? hd_bytes_new(P->h, lit.v ? lit.v : "", lit.n, &o)
                           : hd_str_new(P->h, lit.v ? lit.v : "", lit.n, &o);
            if (rc == HD_EINVAL)
                fail_at(P, first, "SyntaxError", "invalid UTF-8 in string literal");
            else if (rc)
                oom(P, rc);
            else
                res = const_node(P, first, o);
        }
    }
    hd_mem_free(P->a->mem, lit.v);
    if (res)
        set_end(res, last);
    return res;
}

/* ---- expressions ---- */

static sc_node_t *disjunction(parser_t *P);
static sc_node_t *bitwise_or(parser_t *P);
static sc_node_t *star_expressions(parser_t *P);
static sc_node_t *comprehension_tail(parser_t *P, int kind, sc_node_t *elt, sc_node_t *value,
                                     const sc_token_t *open);

static sc_node_t *singleton(parser_t *P)
{
    const sc_token_t *t = next(P);
    hd_obj_t *o;
    if (t->kind == KW_NONE)
        hd_none(P->h, &o);
    else
        hd_bool(P->h, t->kind == KW_TRUE, &o);
    return const_node(P, t, o);
}

/* star_or_expr: an expression, or *expr in a display */
static sc_node_t *star_or_expr(parser_t *P)
{
    if (at_op(P, OP_MUL)) {
        const sc_token_t *t = next(P);
        sc_node_t *v = bitwise_or(P);
        sc_node_t *s = v ? node_at(P, E_STARRED, t) : NULL;
        if (s) {
            s->a = v;
            set_end_node(s, v);
        }
        return s;
    }
    return expression(P);
}

/* seq_items: items up to `close`, after `first` (already parsed). *comma
 * tells whether a comma was seen. */
static bool seq_items(parser_t *P, sc_node_t *first, int close, nlist_t *items, bool *comma)
{
    *comma = false;
    if (first && !nl_push(P, items, first))
        return false;
    while (at_op(P, OP_COMMA)) {
        next(P);
        *comma = true;
        if (at_op(P, close))
            break;
        sc_node_t *x = star_or_expr(P);
        if (!x || !nl_push(P, items, x))
            return false;
    }
    return true;
}

static sc_node_t *paren_atom(parser_t *P)
{
    const sc_token_t *open = next(P);
    if (at_op(P, OP_RPAR)) {
        sc_node_t *t = node_at(P, E_TUPLE, open);
        if (t)
            set_end(t, next(P));
        return t;
    }
    if (at_kw(P, KW_YIELD))
        return fail(P, "'yield' is not supported by the heap script language");
    sc_node_t *first = star_or_expr(P);
    if (!first)
        return NULL;
    if (at_kw(P, KW_FOR))
        return fail(P, "generator expressions are not supported by the heap script language");
    nlist_t items = {0};
    bool comma;
    if (!seq_items(P, first, OP_RPAR, &items, &comma))
        return NULL;
    const sc_token_t *close = peek(P);
    if (!expect_op(P, OP_RPAR, NULL))
        return NULL;
    if (!comma && first->kind != E_STARRED)
        return first; /* a parenthesized expression keeps its own position */
    sc_node_t *t = node_at(P, E_TUPLE, open);
    if (t) {
        t->list = items.v;
        t->nlist = items.n;
        set_end(t, close);
    }
    return t;
}

static sc_node_t *list_atom(parser_t *P)
{
    const sc_token_t *open = next(P);
    nlist_t items = {0};
    if (!at_op(P, OP_RSQB)) {
        sc_node_t *first = star_or_expr(P);
        if (!first)
            return NULL;
        if (at_kw(P, KW_FOR))
            return comprehension_tail(P, E_LISTCOMP, first, NULL, open);
        bool comma;
        if (!seq_items(P, first, OP_RSQB, &items, &comma))
            return NULL;
    }
    const sc_token_t *close = peek(P);
    if (!expect_op(P, OP_RSQB, NULL))
        return NULL;
    sc_node_t *l = node_at(P, E_LIST, open);
    if (l) {
        l->list = items.v;
        l->nlist = items.n;
        set_end(l, close);
    }
    return l;
}

static sc_node_t *dict_or_set_atom(parser_t *P)
{
    const sc_token_t *open = next(P);
    nlist_t keys = {0}, values = {0};
    int kind = E_DICT;
    if (!at_op(P, OP_RBRACE)) {
        if (at_op(P, OP_POW))
            return fail(P, "'**' in dict displays is not supported by the heap script language");
        sc_node_t *first = star_or_expr(P);
        if (!first)
            return NULL;
        if (at_op(P, OP_COLON)) {
            next(P);
            sc_node_t *v = expression(P);
            if (!v)
                return NULL;
            if (at_kw(P, KW_FOR))
                return comprehension_tail(P, E_DICTCOMP, first, v, open);
            if (!nl_push(P, &keys, first) || !nl_push(P, &values, v))
                return NULL;
            while (at_op(P, OP_COMMA)) {
                next(P);
                if (at_op(P, OP_RBRACE))
                    break;
                sc_node_t *k = expression(P);
                if (!k || !expect_op(P, OP_COLON, ":"))
                    return NULL;
                sc_node_t *val = expression(P);
                if (!val || !nl_push(P, &keys, k) || !nl_push(P, &values, val))
                    return NULL;
            }
        } else {
            kind = E_SET;
            if (at_kw(P, KW_FOR))
                return comprehension_tail(P, E_SETCOMP, first, NULL, open);
            bool comma;
            if (!seq_items(P, first, OP_RBRACE, &keys, &comma))
                return NULL;
        }
    }
    const sc_token_t *close = peek(P);
    if (!expect_op(P, OP_RBRACE, NULL))
        return NULL;
    sc_node_t *d = node_at(P, kind, open);
    if (d) {
        d->list = keys.v;
        d->nlist = keys.n;
        d->list2 = values.v;
        d->nlist2 = values.n;
        set_end(d, close);
    }
    return d;
}

static sc_node_t *atom(parser_t *P)
{
    const sc_token_t *t = peek(P);
    switch (t->kind) {
    case TK_NAME: {
        next(P);
        sc_node_t *n = node_at(P, E_NAME, t);
        if (n && !(n->name = tok_str(P, t)))
            return NULL;
        return n;
    }
    case TK_NUMBER:
        return number(P);
    case TK_STRING:
        return strings(P);
    case KW_NONE:
    case KW_TRUE:
    case KW_FALSE:
        return singleton(P);
    case TK_OP:
        if (t->op == OP_LPAR)
            return paren_atom(P);
        if (t->op == OP_LSQB)
            return list_atom(P);
        if (t->op == OP_LBRACE)
            return dict_or_set_atom(P);
        if (t->op == OP_ELLIPSIS)
            return fail(P, "'...' is not supported by the heap script language");
        break;
    case KW_LAMBDA:
    case KW_YIELD:
    case KW_AWAIT:
        return fail(P, "invalid syntax");
    }
    if (t->kind == TK_NEWLINE || t->kind == TK_END)
        return fail(P, "invalid syntax");
    return fail(P, "invalid syntax");
}

static sc_node_t *slice_item(parser_t *P)
{
    const sc_token_t *t = peek(P);
    sc_node_t *lower = NULL;
    if (!at_op(P, OP_COLON)) {
        lower = expression(P);
        if (!lower || !at_op(P, OP_COLON))
            return lower;
    }
    sc_node_t *s = node_at(P, E_SLICE, t);
    if (!s)
        return NULL;
    s->a = lower;
    next(P); /* ':' */
    if (!at_op(P, OP_COLON) && !at_op(P, OP_RSQB) && !at_op(P, OP_COMMA) && !(s->b = expression(P)))
        return NULL;
    if (at_op(P, OP_COLON)) {
        next(P);
        if (!at_op(P, OP_RSQB) && !at_op(P, OP_COMMA) && !(s->c = expression(P)))
            return NULL;
    }
    set_end(s, &P->t[P->pos ? P->pos - 1 : 0]);
    return s;
}

static sc_node_t *subscript(parser_t *P, sc_node_t *value)
{
    const sc_token_t *open = next(P);
    sc_node_t *idx = slice_item(P);
    if (!idx)
        return NULL;
    if (at_op(P, OP_COMMA)) {
        nlist_t items = {0};
        if (!nl_push(P, &items, idx))
            return NULL;
        while (at_op(P, OP_COMMA)) {
            next(P);
            if (at_op(P, OP_RSQB))
                break;
            sc_node_t *x = slice_item(P);
            if (!x || !nl_push(P, &items, x))
                return NULL;
        }
        sc_node_t *t = node_like(P, E_TUPLE, idx);
        if (!t)
            return NULL;
        t->list = items.v;
        t->nlist = items.n;
        idx = t;
    }
    (void)open;
    const sc_token_t *close = peek(P);
    if (!expect_op(P, OP_RSQB, NULL))
        return NULL;
    sc_node_t *s = node_like(P, E_SUBSCRIPT, value);
    if (s) {
        s->a = value;
        s->b = idx;
        set_end(s, close);
    }
    return s;
}

static sc_node_t *call(parser_t *P, sc_node_t *func)
{
    next(P); /* '(' */
    nlist_t args = {0}, kws = {0};
    while (!at_op(P, OP_RPAR) && !P->failed) {
        const sc_token_t *t = peek(P);
        sc_node_t *x;
        if (t->kind == TK_NAME && is_op(peek2(P), OP_ASSIGN)) {
            next(P);
            next(P);
            sc_node_t *v = expression(P);
            x = v ? node_at(P, E_KEYWORD, t) : NULL;
            if (!x || !(x->name = tok_str(P, t)))
                return NULL;
            x->a = v;
            if (!nl_push(P, &kws, x))
                return NULL;
        } else if (is_op(t, OP_POW)) {
            return fail(P, "'**' arguments are not supported by the heap script language");
        } else {
            x = star_or_expr(P);
            if (!x)
                return NULL;
            if (kws.n && x->kind != E_STARRED)
                return fail_at(P, t, "SyntaxError", "positional argument follows keyword argument");
            if (at_kw(P, KW_FOR))
                return fail(P,
                            "generator expressions are not supported by the heap script language");
            if (!nl_push(P, &args, x))
                return NULL;
        }
        if (!at_op(P, OP_COMMA))
            break;
        next(P);
    }
    const sc_token_t *close = peek(P);
    if (!expect_op(P, OP_RPAR, NULL))
        return NULL;
    sc_node_t *c = node_like(P, E_CALL, func);
    if (c) {
        c->a = func;
        c->list = args.v;
        c->nlist = args.n;
        c->list2 = kws.v;
        c->nlist2 = kws.n;
        set_end(c, close);
    }
    return c;
}

static sc_node_t *primary(parser_t *P)
{
    sc_node_t *e = atom(P);
    while (e && !P->failed) {
        if (at_op(P, OP_DOT)) {
            next(P);
            const sc_token_t *t = peek(P);
            if (t->kind != TK_NAME)
                return fail(P, "invalid syntax");
            next(P);
            sc_node_t *a = node_like(P, E_ATTR, e);
            if (!a || !(a->name = tok_str(P, t)))
                return NULL;
            a->a = e;
            set_end(a, t);
            e = a;
        } else if (at_op(P, OP_LPAR)) {
            e = call(P, e);
        } else if (at_op(P, OP_LSQB)) {
            e = subscript(P, e);
        } else {
            break;
        }
    }
    return e;
}

static sc_node_t *binop(parser_t *P, sc_node_t *l, int op, sc_node_t *r)
{
    sc_node_t *n = node_like(P, E_BINOP, l);
    if (n) {
        n->a = l;
        n->b = r;
        n->op = (uint8_t)op;
        set_end_node(n, r);
    }
    return n;
}

static sc_node_t *factor(parser_t *P);

static sc_node_t *power(parser_t *P)
{
    if (at_kw(P, KW_AWAIT))
        return fail(P, "'await' is not supported by the heap script language");
    sc_node_t *l = primary(P);
    if (l && at_op(P, OP_POW)) {
        next(P);
        sc_node_t *r = factor(P);
        return r ? binop(P, l, BO_POW, r) : NULL;
    }
    return l;
}

static sc_node_t *factor(parser_t *P)
{
    const sc_token_t *t = peek(P);
    int op = is_op(t, OP_SUB)      ? UO_NEG
             : is_op(t, OP_ADD)    ? UO_POS
             : is_op(t, OP_INVERT) ? UO_INVERT
                                   : -1;
    if (op < 0)
        return power(P);
    next(P);
    if (!enter(P))
        return NULL;
    sc_node_t *v = factor(P);
    leave(P);
    sc_node_t *n = v ? node_at(P, E_UNARY, t) : NULL;
    if (n) {
        n->a = v;
        n->op = (uint8_t)op;
        set_end_node(n, v);
    }
    return n;
}

typedef sc_node_t *(*level_fn)(parser_t *P);

/* binary_level: left-associative operators ops[] (token ops) -> binops. */
static sc_node_t *binary_level(parser_t *P, level_fn sub, const int *ops, const int *bops, int n)
{
    sc_node_t *l = sub(P);
    while (l && !P->failed) {
        int k = 0;
        while (k < n && !at_op(P, ops[k]))
            k++;
        if (k == n)
            break;
        next(P);
        sc_node_t *r = sub(P);
        l = r ? binop(P, l, bops[k], r) : NULL;
    }
    return l;
}

static sc_node_t *term(parser_t *P)
{
    static const int ops[] = {OP_MUL, OP_TRUEDIV, OP_FLOORDIV, OP_MOD, OP_MATMUL};
    static const int bops[] = {BO_MUL, BO_DIV, BO_FLOORDIV, BO_MOD, BO_MATMUL};
    return binary_level(P, factor, ops, bops, 5);
}

static sc_node_t *sum(parser_t *P)
{
    static const int ops[] = {OP_ADD, OP_SUB}, bops[] = {BO_ADD, BO_SUB};
    return binary_level(P, term, ops, bops, 2);
}

static sc_node_t *shift(parser_t *P)
{
    static const int ops[] = {OP_LSHIFT, OP_RSHIFT}, bops[] = {BO_LSHIFT, BO_RSHIFT};
    return binary_level(P, sum, ops, bops, 2);
}

static sc_node_t *bitwise_and(parser_t *P)
{
    static const int ops[] = {OP_AND}, bops[] = {BO_AND};
    return binary_level(P, shift, ops, bops, 1);
}

static sc_node_t *bitwise_xor(parser_t *P)
{
    static const int ops[] = {OP_XOR}, bops[] = {BO_XOR};
    return binary_level(P, bitwise_and, ops, bops, 1);
}

static sc_node_t *bitwise_or(parser_t *P)
{
    static const int ops[] = {OP_OR}, bops[] = {BO_OR};
    if (!enter(P))
        return NULL;
    sc_node_t *n = binary_level(P, bitwise_xor, ops, bops, 1);
    leave(P);
    return n;
}

/* cmp_op: the comparison at the current token (consumed), or -1 */
static int cmp_op(parser_t *P)
{
    const sc_token_t *t = peek(P);
    int op = -1;
    if (t->kind == TK_OP) {
        static const int ops[] = {OP_LT, OP_GT, OP_LE, OP_GE, OP_EQ, OP_NE};
        static const int cops[] = {CO_LT, CO_GT, CO_LE, CO_GE, CO_EQ, CO_NE};
        for (int i = 0; i < 6; i++)
            if (t->op == ops[i])
                op = cops[i];
    } else if (t->kind == KW_IN) {
        op = CO_IN;
    } else if (t->kind == KW_IS) {
        next(P);
        if (at_kw(P, KW_NOT)) {
            next(P);
            return CO_ISNOT;
        }
        return CO_IS;
    } else if (t->kind == KW_NOT && peek2(P)->kind == KW_IN) {
        next(P);
        next(P);
        return CO_NOTIN;
    }
    if (op >= 0)
        next(P);
    return op;
}

static sc_node_t *comparison(parser_t *P)
{
    sc_node_t *l = bitwise_or(P);
    if (!l)
        return NULL;
    nlist_t comps = {0};
    uint8_t ops[64];
    int op;
    while ((op = cmp_op(P)) >= 0) {
        if (comps.n == 64)
            return fail(P, "too many chained comparisons");
        ops[comps.n] = (uint8_t)op;
        sc_node_t *r = bitwise_or(P);
        if (!r || !nl_push(P, &comps, r))
            return NULL;
    }
    if (comps.n == 0)
        return l;
    sc_node_t *c = node_like(P, E_COMPARE, l);
    if (!c || !(c->ops = sc_arena_alloc(P->a, (size_t)comps.n)))
        return c ? oom(P, 0) : NULL;
    memcpy(c->ops, ops, (size_t)comps.n);
    c->a = l;
    c->list = comps.v;
    c->nlist = comps.n;
    set_end_node(c, comps.v[comps.n - 1]);
    return c;
}

static sc_node_t *inversion(parser_t *P)
{
    if (at_kw(P, KW_NOT)) {
        const sc_token_t *t = next(P);
        if (!enter(P))
            return NULL;
        sc_node_t *v = inversion(P);
        leave(P);
        sc_node_t *n = v ? node_at(P, E_UNARY, t) : NULL;
        if (n) {
            n->a = v;
            n->op = UO_NOT;
            set_end_node(n, v);
        }
        return n;
    }
    return comparison(P);
}

static sc_node_t *boolop(parser_t *P, level_fn sub, int kw, int op)
{
    sc_node_t *first = sub(P);
    if (!first || !at_kw(P, kw))
        return first;
    nlist_t values = {0};
    if (!nl_push(P, &values, first))
        return NULL;
    while (at_kw(P, kw)) {
        next(P);
        sc_node_t *v = sub(P);
        if (!v || !nl_push(P, &values, v))
            return NULL;
    }
    sc_node_t *b = node_like(P, E_BOOLOP, first);
    if (b) {
        b->op = (uint8_t)op;
        b->list = values.v;
        b->nlist = values.n;
        set_end_node(b, values.v[values.n - 1]);
    }
    return b;
}

static sc_node_t *conjunction(parser_t *P)
{
    return boolop(P, inversion, KW_AND, 0);
}

static sc_node_t *disjunction(parser_t *P)
{
    return boolop(P, conjunction, KW_OR, 1);
}

static sc_args_t *parameters(parser_t *P, int close);

static sc_node_t *lambda(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_args_t *args = parameters(P, OP_COLON);
    if (!args || !expect_op(P, OP_COLON, ":"))
        return NULL;
    sc_node_t *body = expression(P);
    sc_node_t *l = body ? node_at(P, E_LAMBDA, t) : NULL;
    if (l) {
        l->args = args;
        l->a = body;
        set_end_node(l, body);
    }
    return l;
}

static sc_node_t *expression(parser_t *P)
{
    if (!enter(P))
        return NULL;
    sc_node_t *res;
    if (at_kw(P, KW_LAMBDA)) {
        res = lambda(P);
    } else {
        res = disjunction(P);
        if (res && at_kw(P, KW_IF)) {
            next(P);
            sc_node_t *test = disjunction(P);
            if (test && !at_kw(P, KW_ELSE))
                res = fail(P, "expected 'else' after 'if' expression");
            else if (test) {
                next(P);
                sc_node_t *orelse = expression(P);
                sc_node_t *n = orelse ? node_like(P, E_IFEXP, res) : NULL;
                if (n) {
                    n->a = test;
                    n->b = res;
                    n->c = orelse;
                    set_end_node(n, orelse);
                }
                res = n;
            } else {
                res = NULL;
            }
        }
    }
    leave(P);
    return res;
}

/* star_targets: targets of `for` (a tuple when there is a comma) */
static sc_node_t *target_list(parser_t *P, bool stop_at_in)
{
    const sc_token_t *t0 = peek(P);
    nlist_t items = {0};
    bool comma = false;
    for (;;) {
        sc_node_t *x = at_op(P, OP_MUL) ? star_or_expr(P) : bitwise_or(P);
        if (!x || !nl_push(P, &items, x))
            return NULL;
        if (!at_op(P, OP_COMMA))
            break;
        comma = true;
        next(P);
        if (stop_at_in && at_kw(P, KW_IN))
            break;
    }
    if (!comma)
        return items.v[0];
    sc_node_t *t = node_at(P, E_TUPLE, t0);
    if (t) {
        t->list = items.v;
        t->nlist = items.n;
        set_end_node(t, items.v[items.n - 1]);
    }
    return t;
}

static sc_node_t *comprehension_tail(parser_t *P, int kind, sc_node_t *elt, sc_node_t *value,
                                     const sc_token_t *open)
{
    nlist_t gens = {0};
    while (at_kw(P, KW_FOR)) {
        const sc_token_t *t = next(P);
        sc_node_t *target = target_list(P, true);
        if (!target)
            return NULL;
        if (!at_kw(P, KW_IN))
            return fail(P, "invalid syntax");
        next(P);
        sc_node_t *iter = disjunction(P);
        if (!iter)
            return NULL;
        sc_node_t *g = node_at(P, E_COMPREHENSION, t);
        if (!g)
            return NULL;
        g->a = target;
        g->b = iter;
        nlist_t ifs = {0};
        while (at_kw(P, KW_IF)) {
            next(P);
            sc_node_t *c = disjunction(P);
            if (!c || !nl_push(P, &ifs, c))
                return NULL;
        }
        g->list = ifs.v;
        g->nlist = ifs.n;
        if (!nl_push(P, &gens, g))
            return NULL;
    }
    int close = kind == E_LISTCOMP ? OP_RSQB : OP_RBRACE;
    const sc_token_t *ct = peek(P);
    if (!expect_op(P, close, NULL))
        return NULL;
    sc_node_t *c = node_at(P, kind, open);
    if (c) {
        c->a = elt;
        c->b = value;
        c->list = gens.v;
        c->nlist = gens.n;
        set_end(c, ct);
    }
    return c;
}

/* star_expressions: expr (',' expr)* [','] -> a tuple when there is a comma */
static sc_node_t *star_expressions(parser_t *P)
{
    const sc_token_t *t0 = peek(P);
    sc_node_t *first = star_or_expr(P);
    if (!first || !at_op(P, OP_COMMA))
        return first;
    nlist_t items = {0};
    if (!nl_push(P, &items, first))
        return NULL;
    while (at_op(P, OP_COMMA)) {
        next(P);
        const sc_token_t *t = peek(P);
        if (t->kind == TK_NEWLINE || is_op(t, OP_ASSIGN) || is_op(t, OP_SEMI) ||
            is_op(t, OP_RPAR) || (t->kind == TK_OP && t->op >= OP_IADD && t->op <= OP_IXOR) ||
            is_op(t, OP_COLON))
            break;
        sc_node_t *x = star_or_expr(P);
        if (!x || !nl_push(P, &items, x))
            return NULL;
    }
    sc_node_t *tu = node_at(P, E_TUPLE, t0);
    if (tu) {
        tu->list = items.v;
        tu->nlist = items.n;
        set_end_node(tu, items.v[items.n - 1]);
    }
    return tu;
}

/* ---- parameters ---- */

static sc_args_t *parameters(parser_t *P, int close)
{
    sc_args_t *args = sc_arena_alloc(P->a, sizeof(*args));
    if (!args)
        return oom(P, 0);
    const char *names[256];
    sc_node_t *defaults[256];
    int n = 0, nd = 0;
    while (!at_op(P, close) && !P->failed) {
        const sc_token_t *t = peek(P);
        if (is_op(t, OP_MUL) || is_op(t, OP_POW) || is_op(t, OP_TRUEDIV))
            return fail(P, "*args, **kwargs and / in parameters are not supported by the heap "
                           "script language");
        if (t->kind != TK_NAME)
            return fail(P, "invalid syntax");
        if (n == 255)
            return fail(P, "too many parameters");
        next(P);
        if (!(names[n] = tok_str(P, t)))
            return NULL;
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], names[n]) == 0) {
                char msg[300];
                snprintf(msg, sizeof(msg), "duplicate argument '%.100s' in function definition",
                         names[n]);
                return fail_at(P, t, "SyntaxError", msg);
            }
        if (at_op(P, OP_COLON) && close == OP_RPAR)
            return fail(P, "annotations are not supported by the heap script language");
        if (at_op(P, OP_ASSIGN)) {
            next(P);
            if (!(defaults[nd++] = expression(P)))
                return NULL;
        } else if (nd) {
            return fail_at(P, t, "SyntaxError", "non-default argument follows default argument");
        }
        n++;
        if (!at_op(P, OP_COMMA))
            break;
        next(P);
    }
    args->nargs = n;
    args->ndefaults = nd;
    args->names = sc_arena_alloc(P->a, (size_t)(n ? n : 1) * sizeof(char *));
    args->defaults = sc_arena_alloc(P->a, (size_t)(nd ? nd : 1) * sizeof(sc_node_t *));
    if (!args->names || !args->defaults)
        return oom(P, 0);
    memcpy(args->names, names, (size_t)n * sizeof(char *));
    memcpy(args->defaults, defaults, (size_t)nd * sizeof(sc_node_t *));
    return P->failed ? NULL : args;
}

/* ---- statements ---- */

static bool statement(parser_t *P, nlist_t *out);

static const char *block_name(int kind)
{
    switch (kind) {
    case S_IF:
        return "'if' statement";
    case S_WHILE:
        return "'while' statement";
    case S_FOR:
        return "'for' statement";
    case S_DEF:
        return "function definition";
    case S_CLASS:
        return "class definition";
    case S_TRY:
        return "'try' statement";
    }
    return "'else' statement";
}

/* block: ':' then a simple statement line or an indented suite. */
static bool block(parser_t *P, int kind, const sc_token_t *head, nlist_t *body)
{
    if (!expect_op(P, OP_COLON, ":"))
        return false;
    if (!enter(P))
        return false;
    bool ok = true;
    if (peek(P)->kind != TK_NEWLINE) {
        ok = statement(P, body);
    } else {
        next(P);
        if (peek(P)->kind != TK_INDENT) {
            char msg[128];
            snprintf(msg, sizeof(msg), "expected an indented block after %s on line %u",
                     block_name(kind), head->line);
            fail_at(P, peek(P), "IndentationError", msg);
            leave(P);
            return false;
        }
        next(P);
        while (ok && peek(P)->kind != TK_DEDENT && peek(P)->kind != TK_END)
            ok = statement(P, body);
        if (ok)
            next(P);
    }
    leave(P);
    return ok && !P->failed;
}

static sc_node_t *if_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, S_IF, t);
    if (!n || !(n->a = expression(P)))
        return NULL;
    nlist_t body = {0}, orelse = {0};
    if (!block(P, S_IF, t, &body))
        return NULL;
    if (at_kw(P, KW_ELIF)) {
        sc_node_t *e = if_stmt(P);
        if (!e || !nl_push(P, &orelse, e))
            return NULL;
    } else if (at_kw(P, KW_ELSE)) {
        const sc_token_t *et = next(P);
        if (!block(P, S_IF, et, &orelse))
            return NULL;
    }
    n->list = body.v, n->nlist = body.n;
    n->list2 = orelse.v, n->nlist2 = orelse.n;
    return n;
}

static bool else_clause(parser_t *P, nlist_t *orelse)
{
    if (!at_kw(P, KW_ELSE))
        return true;
    const sc_token_t *et = next(P);
    return block(P, S_IF, et, orelse);
}

static sc_node_t *while_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, S_WHILE, t);
    if (!n || !(n->a = expression(P)))
        return NULL;
    nlist_t body = {0}, orelse = {0};
    if (!block(P, S_WHILE, t, &body) || !else_clause(P, &orelse))
        return NULL;
    n->list = body.v, n->nlist = body.n;
    n->list2 = orelse.v, n->nlist2 = orelse.n;
    return n;
}

static sc_node_t *for_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, S_FOR, t);
    if (!n || !(n->a = target_list(P, true)))
        return NULL;
    if (!at_kw(P, KW_IN))
        return fail(P, "invalid syntax");
    next(P);
    if (!(n->b = star_expressions(P)))
        return NULL;
    nlist_t body = {0}, orelse = {0};
    if (!block(P, S_FOR, t, &body) || !else_clause(P, &orelse))
        return NULL;
    n->list = body.v, n->nlist = body.n;
    n->list2 = orelse.v, n->nlist2 = orelse.n;
    return n;
}

static sc_node_t *def_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    const sc_token_t *name = peek(P);
    if (name->kind != TK_NAME)
        return fail(P, "invalid syntax");
    next(P);
    sc_node_t *n = node_at(P, S_DEF, t);
    if (!n || !(n->name = tok_str(P, name)) || !expect_op(P, OP_LPAR, "("))
        return NULL;
    if (!(n->args = parameters(P, OP_RPAR)) || !expect_op(P, OP_RPAR, ")"))
        return NULL;
    if (at_op(P, OP_ARROW))
        return fail(P, "annotations are not supported by the heap script language");
    nlist_t body = {0};
    if (!block(P, S_DEF, t, &body))
        return NULL;
    n->list = body.v, n->nlist = body.n;
    return n;
}

static sc_node_t *class_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    const sc_token_t *name = peek(P);
    if (name->kind != TK_NAME)
        return fail(P, "invalid syntax");
    next(P);
    sc_node_t *n = node_at(P, S_CLASS, t);
    if (!n || !(n->name = tok_str(P, name)))
        return NULL;
    if (at_op(P, OP_LPAR)) {
        sc_node_t *fake = node_at(P, E_NAME, name);
        sc_node_t *c = fake ? call(P, fake) : NULL;
        if (!c)
            return NULL;
        n->list2 = c->list, n->nlist2 = c->nlist;
        n->list3 = c->list2, n->nlist3 = c->nlist2;
    }
    nlist_t body = {0};
    if (!block(P, S_CLASS, t, &body))
        return NULL;
    n->list = body.v, n->nlist = body.n;
    return n;
}

static sc_node_t *try_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, S_TRY, t);
    nlist_t body = {0}, handlers = {0}, orelse = {0}, fin = {0};
    if (!n || !block(P, S_TRY, t, &body))
        return NULL;
    while (at_kw(P, KW_EXCEPT)) {
        const sc_token_t *et = next(P);
        sc_node_t *hd = node_at(P, S_HANDLER, et);
        if (!hd)
            return NULL;
        if (!at_op(P, OP_COLON)) {
            if (!(hd->a = expression(P)))
                return NULL;
            if (at_kw(P, KW_AS)) {
                next(P);
                const sc_token_t *nt = peek(P);
                if (nt->kind != TK_NAME)
                    return fail(P, "invalid syntax");
                next(P);
                if (!(hd->name = tok_str(P, nt)))
                    return NULL;
            }
        }
        nlist_t hb = {0};
        if (!block(P, S_TRY, et, &hb) || !nl_push(P, &handlers, hd))
            return NULL;
        hd->list = hb.v, hd->nlist = hb.n;
    }
    if (handlers.n && !else_clause(P, &orelse))
        return NULL;
    if (at_kw(P, KW_FINALLY)) {
        const sc_token_t *ft = next(P);
        if (!block(P, S_TRY, ft, &fin))
            return NULL;
    }
    if (!handlers.n && !fin.n)
        return fail(P, "expected 'except' or 'finally' block");
    n->list = body.v, n->nlist = body.n;
    n->list2 = handlers.v, n->nlist2 = handlers.n;
    n->list3 = orelse.v, n->nlist3 = orelse.n;
    n->list4 = fin.v, n->nlist4 = fin.n;
    return n;
}

static bool dotted_name(parser_t *P, char **out)
{
    const sc_token_t *t = peek(P);
    if (t->kind != TK_NAME) {
        fail(P, "invalid syntax");
        return false;
    }
    const char *start = t->start;
    const sc_token_t *last = next(P);
    while (at_op(P, OP_DOT) && peek2(P)->kind == TK_NAME) {
        next(P);
        last = next(P);
    }
    *out = sc_arena_strndup(P->a, start, (size_t)(last->start + last->len - start));
    if (!*out)
        oom(P, 0);
    return *out != NULL;
}

static bool as_name(parser_t *P, char **out)
{
    *out = NULL;
    if (!at_kw(P, KW_AS))
        return true;
    next(P);
    const sc_token_t *t = peek(P);
    if (t->kind != TK_NAME) {
        fail(P, "invalid syntax");
        return false;
    }
    next(P);
    return (*out = tok_str(P, t)) != NULL;
}

static sc_node_t *import_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, S_IMPORT, t);
    char *names[64], *as[64];
    int k = 0;
    do {
        if (k && !at_op(P, OP_COMMA))
            break;
        if (k)
            next(P);
        if (k == 64)
            return fail(P, "too many names in one import");
        if (!dotted_name(P, &names[k]) || !as_name(P, &as[k]))
            return NULL;
        k++;
    } while (at_op(P, OP_COMMA));
    if (!n || !(n->names = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))) ||
        !(n->asnames = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))))
        return oom(P, 0);
    memcpy(n->names, names, (size_t)k * sizeof(char *));
    memcpy(n->asnames, as, (size_t)k * sizeof(char *));
    n->nnames = k;
    return n;
}

static sc_node_t *from_stmt(parser_t *P)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, S_IMPORTFROM, t);
    char *mod;
    if (!n)
        return NULL;
    while (at_op(P, OP_DOT)) {
        next(P);
        n->level++;
    }
    if (!dotted_name(P, &mod))
        return NULL;
    n->name = mod;
    if (!at_kw(P, KW_IMPORT))
        return fail(P, "invalid syntax");
    next(P);
    if (at_op(P, OP_MUL))
        return fail(P, "'from ... import *' is not supported by the heap script language");
    bool paren = at_op(P, OP_LPAR);
    if (paren)
        next(P);
    char *names[64], *as[64];
    int k = 0;
    for (;;) {
        const sc_token_t *nt = peek(P);
        if (nt->kind != TK_NAME)
            return fail(P, "invalid syntax");
        if (k == 64)
            return fail(P, "too many names in one import");
        next(P);
        if (!(names[k] = tok_str(P, nt)) || !as_name(P, &as[k]))
            return NULL;
        k++;
        if (!at_op(P, OP_COMMA))
            break;
        next(P);
        if (paren && at_op(P, OP_RPAR))
            break;
    }
    if (paren && !expect_op(P, OP_RPAR, ")"))
        return NULL;
    if (!(n->names = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))) ||
        !(n->asnames = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))))
        return oom(P, 0);
    memcpy(n->names, names, (size_t)k * sizeof(char *));
    memcpy(n->asnames, as, (size_t)k * sizeof(char *));
    n->nnames = k;
    return n;
}

static sc_node_t *names_stmt(parser_t *P, int kind)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, kind, t);
    char *names[256];
    int k = 0;
    for (;;) {
        const sc_token_t *nt = peek(P);
        if (nt->kind != TK_NAME)
            return fail(P, "invalid syntax");
        if (k == 256)
            return fail(P, "too many names");
        next(P);
        if (!(names[k++] = tok_str(P, nt)))
            return NULL;
        if (!at_op(P, OP_COMMA))
            break;
        next(P);
    }
    if (!n || !(n->names = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))))
        return oom(P, 0);
    memcpy(n->names, names, (size_t)k * sizeof(char *));
    n->nnames = k;
    return n;
}

static sc_node_t *simple_kw(parser_t *P, int kind)
{
    return node_at(P, kind, next(P));
}

static sc_node_t *value_stmt(parser_t *P, int kind)
{
    const sc_token_t *t = next(P);
    sc_node_t *n = node_at(P, kind, t);
    if (!n)
        return NULL;
    const sc_token_t *p = peek(P);
    if (p->kind == TK_NEWLINE || is_op(p, OP_SEMI)) {
        if (kind == S_ASSERT || kind == S_DEL) /* `assert` and `del` need an operand */
            return fail(P, "invalid syntax");
        return n;
    }
    if (kind == S_DEL) {
        sc_node_t *targets = target_list(P, false);
        if (!targets)
            return NULL;
        if (targets->kind == E_TUPLE) {
            n->list = targets->list;
            n->nlist = targets->nlist;
        } else {
            n->list = sc_arena_alloc(P->a, sizeof(sc_node_t *));
            if (!n->list)
                return oom(P, 0);
            n->list[0] = targets;
            n->nlist = 1;
        }
        return n;
    }
    if (!(n->a = kind == S_RETURN ? star_expressions(P) : expression(P)))
        return NULL;
    if (kind == S_ASSERT && at_op(P, OP_COMMA)) {
        next(P);
        if (!(n->b = expression(P)))
            return NULL;
    }
    if (kind == S_RAISE && at_kw(P, KW_FROM))
        return fail(P, "'raise ... from' is not supported by the heap script language");
    return n;
}

static bool valid_target(const sc_node_t *e, bool aug)
{
    switch (e->kind) {
    case E_NAME:
    case E_ATTR:
    case E_SUBSCRIPT:
        return true;
    case E_TUPLE:
    case E_LIST:
        if (aug)
            return false;
        for (int i = 0; i < e->nlist; i++)
            if (!valid_target(e->list[i]->kind == E_STARRED ? e->list[i]->a : e->list[i], false))
                return false;
        return true;
    }
    return false;
}

static const char *target_desc(const sc_node_t *e)
{
    switch (e->kind) {
    case E_CALL:
        return "function call";
    case E_CONST:
        return "literal";
    case E_BINOP:
    case E_UNARY:
        return "expression";
    case E_COMPARE:
        return "comparison";
    case E_LAMBDA:
        return "lambda";
    case E_BOOLOP:
        return "expression";
    case E_IFEXP:
        return "conditional expression";
    case E_JOINEDSTR:
        return "f-string expression";
    }
    return "expression";
}

static sc_node_t *bad_target(parser_t *P, const sc_node_t *e, bool aug)
{
    char msg[128];
    const sc_node_t *x = e;
    if (!aug && (e->kind == E_TUPLE || e->kind == E_LIST))
        for (int i = 0; i < e->nlist; i++)
            if (!valid_target(e->list[i], false))
                x = e->list[i];
    if (aug)
        snprintf(msg, sizeof(msg), "'%s' is an illegal expression for augmented assignment",
                 target_desc(x));
    else
        snprintf(msg, sizeof(msg), "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                 target_desc(x));
    sc_token_t t = {0};
    t.line = x->line;
    t.col = x->col;
    return fail_at(P, &t, "SyntaxError", msg);
}

static sc_node_t *expr_stmt(parser_t *P)
{
    const sc_token_t *t0 = peek(P);
    sc_node_t *e = star_expressions(P);
    if (!e)
        return NULL;
    const sc_token_t *t = peek(P);
    if (t->kind == TK_OP && t->op >= OP_IADD && t->op <= OP_IXOR) {
        if (!valid_target(e, true))
            return bad_target(P, e, true);
        next(P);
        sc_node_t *v = star_expressions(P);
        sc_node_t *n = v ? node_at(P, S_AUGASSIGN, t0) : NULL;
        if (n) {
            n->a = e;
            n->b = v;
            n->op = (uint8_t)(t->op - OP_IADD);
        }
        return n;
    }
    if (is_op(t, OP_COLON))
        return fail(P, "annotations are not supported by the heap script language");
    if (!is_op(t, OP_ASSIGN)) {
        sc_node_t *n = node_at(P, S_EXPR, t0);
        if (n)
            n->a = e;
        return n;
    }
    nlist_t targets = {0};
    sc_node_t *value = e;
    while (at_op(P, OP_ASSIGN)) {
        if (!valid_target(value, false))
            return bad_target(P, value, false);
        if (!nl_push(P, &targets, value))
            return NULL;
        next(P);
        if (at_kw(P, KW_YIELD))
            return fail(P, "'yield' is not supported by the heap script language");
        if (!(value = star_expressions(P)))
            return NULL;
    }
    sc_node_t *n = node_at(P, S_ASSIGN, t0);
    if (n) {
        n->list = targets.v;
        n->nlist = targets.n;
        n->a = value;
    }
    return n;
}

static sc_node_t *small_stmt(parser_t *P)
{
    switch (peek(P)->kind) {
    case KW_PASS:
        return simple_kw(P, S_PASS);
    case KW_BREAK:
        return simple_kw(P, S_BREAK);
    case KW_CONTINUE:
        return simple_kw(P, S_CONTINUE);
    case KW_RETURN:
        return value_stmt(P, S_RETURN);
    case KW_DEL:
        return value_stmt(P, S_DEL);
    case KW_ASSERT:
        return value_stmt(P, S_ASSERT);
    case KW_RAISE:
        return value_stmt(P, S_RAISE);
    case KW_GLOBAL:
        return names_stmt(P, S_GLOBAL);
    case KW_NONLOCAL:
        return names_stmt(P, S_NONLOCAL);
    case KW_IMPORT:
        return import_stmt(P);
    case KW_FROM:
        return from_stmt(P);
    case KW_YIELD:
    case KW_ASYNC:
    case KW_AWAIT:
    case KW_WITH:
        return fail(P, "this statement is not supported by the heap script language");
    }
    return expr_stmt(P);
}

static bool simple_stmts(parser_t *P, nlist_t *out)
{
    for (;;) {
        sc_node_t *s = small_stmt(P);
        if (!s || !nl_push(P, out, s))
            return false;
        if (!at_op(P, OP_SEMI))
            break;
        next(P);
        if (peek(P)->kind == TK_NEWLINE)
            break;
    }
    if (peek(P)->kind != TK_NEWLINE) {
        fail(P, "invalid syntax");
        return false;
    }
    next(P);
    return true;
}

static bool statement(parser_t *P, nlist_t *out)
{
    sc_node_t *s = NULL;
    const sc_token_t *t = peek(P);
    switch (t->kind) {
    case KW_IF:
        s = if_stmt(P);
        break;
    case KW_WHILE:
        s = while_stmt(P);
        break;
    case KW_FOR:
        s = for_stmt(P);
        break;
    case KW_DEF:
        s = def_stmt(P);
        break;
    case KW_CLASS:
        s = class_stmt(P);
        break;
    case KW_TRY:
        s = try_stmt(P);
        break;
    case KW_ELSE:
    case KW_ELIF:
    case KW_EXCEPT:
    case KW_FINALLY:
        fail(P, "invalid syntax");
        return false;
    case TK_INDENT:
        fail_at(P, t, "IndentationError", "unexpected indent");
        return false;
    default:
        if (is_op(t, OP_MATMUL)) {
            fail(P, "decorators are not supported by the heap script language");
            return false;
        }
        return simple_stmts(P, out);
    }
    return s && nl_push(P, out, s);
}

sc_node_t *sc_parse(sc_arena_t *a, hd_heap_t *h, const char *src, size_t len,
                    sc_syntax_error_t *err)
{
    sc_tokens_t toks;
    memset(err, 0, sizeof(*err));
    if (sc_lex(a, src, len, 1, 0, &toks, err))
        return NULL;
    parser_t P = {a, h, toks.v, toks.n, 0, 0, err, false};
    nlist_t body = {0};
    while (peek(&P)->kind != TK_END && !P.failed)
        if (!statement(&P, &body))
            break;
    if (P.failed)
        return NULL;
    sc_node_t *m = node_at(&P, S_MODULE, &toks.v[0]);
    if (m) {
        m->list = body.v;
        m->nlist = body.n;
    }
    return m;
}
