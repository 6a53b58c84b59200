/*
 * lex.c: the tokenizer of the heap script language (Python 3.11's lexical
 * rules, ASCII identifiers) and the arena of the front end.
 *
 * The whole source is tokenized up front into an array (sources are
 * bounded by the caller's budget). INDENT/DEDENT come from a stack of
 * indentation widths (a tab advances to the next multiple of 8, as in
 * CPython); newlines inside brackets and after a backslash join lines;
 * blank and comment-only lines produce nothing. A string token keeps its
 * raw text, prefix and quotes included: the parser decodes escapes and
 * parses f-strings. Numbers keep their text too.
 *
 * Errors are CPython's where a program is likely to meet them ("unexpected
 * indent", "unindent does not match any outer indentation level",
 * "unterminated string literal (detected at line N)", "'(' was never
 * closed", "unmatched ')'").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "err.h"
#include "mem.h"

#define CHUNK_SIZE  (64 * 1024)
#define MAX_INDENTS 100
#define MAX_PARENS  200

/* ---- arena ---- */

struct sc_chunk {
    sc_chunk_t *next;
    size_t len;
};

void sc_arena_init(sc_arena_t *a, hd_mem_t *mem)
{
    memset(a, 0, sizeof(*a));
    a->mem = mem;
}

void *sc_arena_alloc(sc_arena_t *a, size_t len)
{
    len = (len + 15) & ~(size_t)15;
    if (len > a->left) {
        size_t size =
            len + sizeof(sc_chunk_t) + 16 > CHUNK_SIZE ? len + sizeof(sc_chunk_t) + 16 : CHUNK_SIZE;
        sc_chunk_t *c = hd_mem_malloc(a->mem, size);
        if (!c)
            return NULL;
        c->next = a->chunks;
        c->len = size;
        a->chunks = c;
        a->cur = (char *)c + ((sizeof(sc_chunk_t) + 15) & ~(size_t)15);
        a->left = size - (size_t)(a->cur - (char *)c);
    }
    void *p = a->cur;
    a->cur += len;
    a->left -= len;
    memset(p, 0, len);
    return p;
}

char *sc_arena_strndup(sc_arena_t *a, const char *s, size_t len)
{
    char *p = sc_arena_alloc(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* sc_arena_keep: CPython's arena keeps the objects the parser and the AST
 * optimizer make in a list (a_objects), a real tracked list that lives while
 * the module runs: gc.get_referrers(a_constant) finds it, and the constant
 * has its reference */
int sc_arena_keep(sc_arena_t *a, hd_heap_t *h, hd_obj_t *o)
{
    int rc = a->list ? 0 : hd_list_new(h, 0, NULL, &a->list);
    if (!rc)
        rc = hd_list_append(h, a->list, o);
    hd_obj_decref(h, o);
    return rc;
}

void sc_arena_release(sc_arena_t *a, hd_heap_t *h)
{
    /* _PyArena_Free: Py_DECREF(a_objects) (the list releases its items from
     * the end) */
    if (a->list) {
        hd_obj_t *l = a->list;
        a->list = NULL;
        hd_obj_decref(h, l);
    }
}

void sc_arena_free(sc_arena_t *a)
{
    while (a->chunks) {
        sc_chunk_t *c = a->chunks;
        a->chunks = c->next;
        hd_mem_free(a->mem, c);
    }
}

/* ---- the tokenizer ---- */

typedef struct lexer {
    sc_arena_t *a;
    const char *src, *p, *end;
    int line;
    const char *line_start;
    int col0; /* added to columns of the first line (f-string fields) */
    int line0;
    sc_token_t *v;
    size_t n, cap;
    int indents[MAX_INDENTS];
    int nindents;
    char parens[MAX_PARENS];
    int paren_line[MAX_PARENS], paren_col[MAX_PARENS];
    int nparens;
    sc_syntax_error_t *err;
} lexer_t;

static const char *const op_text[OP_COUNT] = {
    [OP_LPAR] = "(",    [OP_RPAR] = ")",     [OP_LSQB] = "[",       [OP_RSQB] = "]",
    [OP_LBRACE] = "{",  [OP_RBRACE] = "}",   [OP_COLON] = ":",      [OP_COMMA] = ",",
    [OP_SEMI] = ";",    [OP_DOT] = ".",      [OP_ELLIPSIS] = "...", [OP_ARROW] = "->",
    [OP_WALRUS] = ":=", [OP_ADD] = "+",      [OP_SUB] = "-",        [OP_MUL] = "*",
    [OP_MATMUL] = "@",  [OP_TRUEDIV] = "/",  [OP_FLOORDIV] = "//",  [OP_MOD] = "%",
    [OP_POW] = "**",    [OP_LSHIFT] = "<<",  [OP_RSHIFT] = ">>",    [OP_AND] = "&",
    [OP_OR] = "|",      [OP_XOR] = "^",      [OP_IADD] = "+=",      [OP_ISUB] = "-=",
    [OP_IMUL] = "*=",   [OP_IMATMUL] = "@=", [OP_ITRUEDIV] = "/=",  [OP_IFLOORDIV] = "//=",
    [OP_IMOD] = "%=",   [OP_IPOW] = "**=",   [OP_ILSHIFT] = "<<=",  [OP_IRSHIFT] = ">>=",
    [OP_IAND] = "&=",   [OP_IOR] = "|=",     [OP_IXOR] = "^=",      [OP_INVERT] = "~",
    [OP_ASSIGN] = "=",  [OP_LT] = "<",       [OP_GT] = ">",         [OP_LE] = "<=",
    [OP_GE] = ">=",     [OP_EQ] = "==",      [OP_NE] = "!=",
};

static const struct {
    const char *word;
    int kind;
} keywords[] = {
    {"False", KW_FALSE},
    {"None", KW_NONE},
    {"True", KW_TRUE},
    {"and", KW_AND},
    {"as", KW_AS},
    {"assert", KW_ASSERT},
    {"async", KW_ASYNC},
    {"await", KW_AWAIT},
    {"break", KW_BREAK},
    {"class", KW_CLASS},
    {"continue", KW_CONTINUE},
    {"def", KW_DEF},
    {"del", KW_DEL},
    {"elif", KW_ELIF},
    {"else", KW_ELSE},
    {"except", KW_EXCEPT},
    {"finally", KW_FINALLY},
    {"for", KW_FOR},
    {"from", KW_FROM},
    {"global", KW_GLOBAL},
    {"if", KW_IF},
    {"import", KW_IMPORT},
    {"in", KW_IN},
    {"is", KW_IS},
    {"lambda", KW_LAMBDA},
    {"nonlocal", KW_NONLOCAL},
    {"not", KW_NOT},
    {"or", KW_OR},
    {"pass", KW_PASS},
    {"raise", KW_RAISE},
    {"return", KW_RETURN},
    {"try", KW_TRY},
    {"while", KW_WHILE},
    {"with", KW_WITH},
    {"yield", KW_YIELD},
};

static int lex_error(lexer_t *L, const char *type, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int lex_error(lexer_t *L, const char *type, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    L->err->line = line;
    L->err->col = col;
    L->err->type = type;
    L->err->rc = 0;
    vsnprintf(L->err->msg, sizeof(L->err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

static int col_of(const lexer_t *L, const char *p)
{
    int c = (int)(p - L->line_start) + 1;
    if (L->line == L->line0)
        c += L->col0;
    return c > 65535 ? 65535 : c;
}

static int push(lexer_t *L, int kind, int op, const char *start, const char *end, int line, int col)
{
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 256;
        sc_token_t *v = sc_arena_alloc(L->a, cap * sizeof(*v));
        if (!v) {
            L->err->rc = HD_ENOMEM;
            return -1;
        }
        if (L->n)
            memcpy(v, L->v, L->n * sizeof(*v));
        L->v = v;
        L->cap = cap;
    }
    sc_token_t *t = &L->v[L->n++];
    t->kind = (uint8_t)kind;
    t->op = (uint8_t)op;
    t->line = (uint32_t)line;
    t->col = (uint16_t)col;
    t->end_line = (uint32_t)L->line;
    t->end_col = (uint16_t)col_of(L, end);
    t->start = start;
    t->len = (uint32_t)(end - start);
    return 0;
}

static bool is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static void newline(lexer_t *L, const char *after)
{
    L->line++;
    L->line_start = after;
}

/* string: a literal starting at p (prefix already skipped to the quote q).
 * Returns the end, or NULL (error set). */
static const char *scan_string(lexer_t *L, const char *start, const char *q)
{
    char quote = *q;
    bool triple = q + 2 < L->end && q[1] == quote && q[2] == quote;
    int line = L->line, col = col_of(L, start);
    const char *p = q + (triple ? 3 : 1);
    while (p < L->end) {
        if (*p == '\\' && p + 1 < L->end) {
            if (p[1] == '\n')
                newline(L, p + 2);
            p += 2;
            continue;
        }
        if (*p == '\n') {
            if (!triple)
                break;
            newline(L, p + 1);
        } else if (*p == quote) {
            if (!triple)
                return p + 1;
            if (p + 2 < L->end && p[1] == quote && p[2] == quote)
                return p + 3;
        }
        p++;
    }
    char at[16];
    snprintf(at, sizeof(at), "%d", L->line);
    lex_error(L, "SyntaxError", line, col,
              triple ? "unterminated triple-quoted string literal (detected at line %s)"
                     : "unterminated string literal (detected at line %s)",
              at);
    return NULL;
}

static const char *scan_number(const char *p, const char *end)
{
    if (p + 1 < end && p[0] == '0' && strchr("xXoObB", p[1])) {
        p += 2;
        while (p < end && (is_name_char(*p)))
            p++;
        return p;
    }
    while (p < end && ((*p >= '0' && *p <= '9') || *p == '_'))
        p++;
    if (p < end && *p == '.') {
        p++;
        while (p < end && ((*p >= '0' && *p <= '9') || *p == '_'))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (q < end && *q >= '0' && *q <= '9') {
            p = q;
            while (p < end && ((*p >= '0' && *p <= '9') || *p == '_'))
                p++;
        }
    }
    if (p < end && (*p == 'j' || *p == 'J'))
        p++;
    return p;
}

static int match_op(const char *p, const char *end)
{
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < OP_COUNT; i++) {
        size_t n = strlen(op_text[i]);
        if (n > best_len && (size_t)(end - p) >= n && memcmp(p, op_text[i], n) == 0) {
            best = i;
            best_len = n;
        }
    }
    return best;
}

static int op_len(int op)
{
    return (int)strlen(op_text[op]);
}

/* indentation at the start of a logical line; p at the first non-blank */
static int do_indent(lexer_t *L, int width, const char *p)
{
    int top = L->indents[L->nindents - 1];
    if (width == top)
        return 0;
    if (width > top) {
        if (L->nindents == MAX_INDENTS)
            return lex_error(L, "IndentationError", L->line, col_of(L, p),
                             "too many levels of indentation");
        L->indents[L->nindents++] = width;
        return push(L, TK_INDENT, 0, p, p, L->line, col_of(L, p));
    }
    while (L->nindents > 1 && width < L->indents[L->nindents - 1]) {
        L->nindents--;
        if (push(L, TK_DEDENT, 0, p, p, L->line, col_of(L, p)))
            return -1;
    }
    if (width != L->indents[L->nindents - 1])
        return lex_error(L, "IndentationError", L->line, col_of(L, p),
                         "unindent does not match any outer indentation level");
    return 0;
}

/* line_start: measures indentation; skips blank/comment lines. Returns 1
 * when the line holds tokens (and p is at the first), 0 at the end. */
static int line_begin(lexer_t *L, const char **pp)
{
    const char *p = *pp;
    for (;;) {
        int width = 0;
        while (p < L->end && (*p == ' ' || *p == '\t' || *p == '\f')) {
            width = *p == '\t' ? (width / 8 + 1) * 8 : *p == ' ' ? width + 1 : 0;
            p++;
        }
        if (p < L->end && *p == '\r')
            p++;
        if (p >= L->end) {
            *pp = p;
            return 0;
        }
        if (*p == '#') {
            while (p < L->end && *p != '\n')
                p++;
        }
        if (p < L->end && (*p == '\n' || *p == '\r')) {
            if (*p == '\r' && p + 1 < L->end && p[1] == '\n')
                p++;
            p++;
            newline(L, p);
            continue;
        }
        if (p >= L->end) {
            *pp = p;
            return 0;
        }
        if (L->nparens == 0 && do_indent(L, width, p))
            return -1;
        *pp = p;
        return 1;
    }
}

static int string_prefix_len(const char *p, const char *end)
{
    int n = 0;
    while (n < 2 && p + n < end && strchr("rRbBfFuU", p[n]))
        n++;
    if (p + n < end && (p[n] == '\'' || p[n] == '"'))
        return n;
    return -1;
}

static int lex_name(lexer_t *L, const char **pp)
{
    const char *s = *pp, *p = s;
    int line = L->line, col = col_of(L, s);
    int pre = string_prefix_len(p, L->end);
    if (pre >= 0) {
        const char *e = scan_string(L, s, p + pre);
        if (!e)
            return -1;
        *pp = e;
        return push(L, TK_STRING, 0, s, e, line, col);
    }
    while (p < L->end && is_name_char(*p))
        p++;
    int kind = TK_NAME;
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strlen(keywords[i].word) == (size_t)(p - s) &&
            memcmp(keywords[i].word, s, (size_t)(p - s)) == 0)
            kind = keywords[i].kind;
    *pp = p;
    return push(L, kind, 0, s, p, line, col);
}

static int bracket(lexer_t *L, int op, const char *p)
{
    static const char open[] = "([{", close[] = ")]}";
    int col = col_of(L, p);
    if (op == OP_LPAR || op == OP_LSQB || op == OP_LBRACE) {
        if (L->nparens == MAX_PARENS)
            return lex_error(L, "SyntaxError", L->line, col, "too many nested parentheses");
        L->paren_line[L->nparens] = L->line;
        L->paren_col[L->nparens] = col;
        L->parens[L->nparens++] = open[op == OP_LPAR ? 0 : op == OP_LSQB ? 1 : 2];
        return 0;
    }
    char c = close[op == OP_RPAR ? 0 : op == OP_RSQB ? 1 : 2];
    char want = c == ')' ? '(' : c == ']' ? '[' : '{';
    char s[2] = {c, 0};
    if (L->nparens == 0)
        return lex_error(L, "SyntaxError", L->line, col, "unmatched '%s'", s);
    if (L->parens[L->nparens - 1] != want) {
        char msg[80];
        snprintf(msg, sizeof(msg),
                 "closing parenthesis '%c' does not match opening parenthesis '%c'", c,
                 L->parens[L->nparens - 1]);
        return lex_error(L, "SyntaxError", L->line, col, "%s", msg);
    }
    L->nparens--;
    return 0;
}

static int lex_other(lexer_t *L, const char **pp)
{
    const char *p = *pp;
    int line = L->line, col = col_of(L, p);
    if ((*p >= '0' && *p <= '9') || (*p == '.' && p + 1 < L->end && p[1] >= '0' && p[1] <= '9')) {
        const char *e = scan_number(p, L->end);
        *pp = e;
        return push(L, TK_NUMBER, 0, p, e, line, col);
    }
    int op = match_op(p, L->end);
    if (op < 0) {
        char msg[48];
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80)
            snprintf(msg, sizeof(msg), "invalid non-printable character U+%04X", c);
        else if (c == '!' || c == '$' || c == '?' || c == '`')
            snprintf(msg, sizeof(msg), "invalid syntax");
        else
            snprintf(msg, sizeof(msg), "invalid character '%c' (U+%04X)", c, c);
        return lex_error(L, "SyntaxError", line, col, "%s", msg);
    }
    if ((op >= OP_LPAR && op <= OP_RBRACE) && bracket(L, op, p))
        return -1;
    *pp = p + op_len(op);
    return push(L, TK_OP, op, p, *pp, line, col);
}

static int lex_line(lexer_t *L, const char **pp)
{
    const char *p = *pp;
    while (p < L->end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            p++;
        } else if (c == '#') {
            while (p < L->end && *p != '\n')
                p++;
        } else if (c == '\\' && p + 1 < L->end && (p[1] == '\n' || p[1] == '\r')) {
            p += p[1] == '\r' && p + 2 < L->end && p[2] == '\n' ? 3 : 2;
            newline(L, p);
        } else if (c == '\n') {
            p++;
            if (L->nparens == 0) {
                if (push(L, TK_NEWLINE, 0, p - 1, p - 1, L->line, col_of(L, p - 1)))
                    return -1;
                newline(L, p);
                *pp = p;
                return 0;
            }
            newline(L, p);
        } else if (c == '\'' || c == '"') {
            int line = L->line, col = col_of(L, p);
            const char *e = scan_string(L, p, p);
            if (!e || push(L, TK_STRING, 0, p, e, line, col))
                return -1;
            p = e;
        } else if (is_name_start((unsigned char)c)) {
            if (lex_name(L, &p))
                return -1;
        } else if ((unsigned char)c >= 0x80) {
            return lex_error(L, "SyntaxError", L->line, col_of(L, p),
                             "invalid character in identifier");
        } else if (lex_other(L, &p)) {
            return -1;
        }
    }
    *pp = p;
    return 0;
}

int sc_lex(sc_arena_t *a, const char *src, size_t len, int line0, int col0, sc_tokens_t *out,
           sc_syntax_error_t *err)
{
    lexer_t L;
    memset(&L, 0, sizeof(L));
    L.a = a;
    L.src = L.p = L.line_start = src;
    L.end = src + len;
    L.line = line0;
    L.line0 = line0;
    L.col0 = col0;
    L.err = err;
    L.indents[0] = 0;
    L.nindents = 1;
    const char *p = src;
    for (;;) {
        int r = line_begin(&L, &p);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        if (L.n && L.v[L.n - 1].kind != TK_NEWLINE && L.v[L.n - 1].kind != TK_INDENT &&
            L.v[L.n - 1].kind != TK_DEDENT) {
            /* unreachable: every line ends with NEWLINE */
        }
        if (lex_line(&L, &p))
            return -1;
    }
    if (L.nparens) {
        char s[2] = {L.parens[L.nparens - 1], 0};
        return lex_error(&L, "SyntaxError", L.paren_line[L.nparens - 1], L.paren_col[L.nparens - 1],
                         "'%s' was never closed", s);
    }
    if (L.n && L.v[L.n - 1].kind != TK_NEWLINE && push(&L, TK_NEWLINE, 0, p, p, L.line, 1))
        return -1;
    while (L.nindents > 1) {
        L.nindents--;
        if (push(&L, TK_DEDENT, 0, p, p, L.line, 1))
            return -1;
    }
    if (push(&L, TK_END, 0, p, p, L.line, 1))
        return -1;
    out->v = L.v;
    out->n = L.n;
    return 0;
}
