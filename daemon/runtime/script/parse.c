/*
 * parse.c: the recursive-descent parser of the heap script language, a
 * subset of Python 3.11's grammar (docs/script.md lists it), producing the
 * tree of ast.h. Three files around parse_int.h (the parser's state and
 * the functions they share, ps_*):
 *
 *   parse.c       token helpers, nodes, errors; parameters and statements;
 *                 sc_parse
 *   parse_expr.c  expressions, one function per grammar rule, in the
 *                 grammar's order (lambda, disjunction ... atom)
 *   parse_lit.c   literals: numbers, strings, bytes and f-strings
 *
 * Recursion is bounded: every nested expression, block and f-string field
 * counts one level of `depth`, and past SC_PARSE_MAX_DEPTH the parser stops
 * with CPython's "too many nested parentheses" (the tokenizer bounds
 * brackets the same way), so no source can exhaust the C stack.
 */
#include "parse_int.h"

/* ---- helpers ---- */

const sc_token_t *ps_peek(parser_t *P)
{
    return &P->t[P->pos];
}

const sc_token_t *ps_peek2(parser_t *P)
{
    return &P->t[P->pos + 1 < P->n ? P->pos + 1 : P->pos];
}

const sc_token_t *ps_next(parser_t *P)
{
    const sc_token_t *t = &P->t[P->pos];
    if (P->pos + 1 < P->n)
        P->pos++;
    return t;
}

bool ps_is_op(const sc_token_t *t, int op)
{
    return t->kind == TK_OP && t->op == op;
}

bool ps_at_op(parser_t *P, int op)
{
    return ps_is_op(ps_peek(P), op);
}

bool ps_at_kw(parser_t *P, int kw)
{
    return ps_peek(P)->kind == kw;
}

void *ps_fail_at(parser_t *P, const sc_token_t *t, const char *type, const char *msg)
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

void *ps_fail(parser_t *P, const char *msg)
{
    return ps_fail_at(P, ps_peek(P), "SyntaxError", msg);
}

void *ps_oom(parser_t *P, int rc)
{
    if (!P->failed) {
        P->failed = true;
        P->err->rc = rc ? rc : HD_ENOMEM;
        P->err->type = "MemoryError";
        P->err->msg[0] = '\0';
        P->err->line = (int)ps_peek(P)->line;
        P->err->col = ps_peek(P)->col;
    }
    return NULL;
}

bool ps_expect_op(parser_t *P, int op, const char *what)
{
    if (ps_at_op(P, op)) {
        ps_next(P);
        return true;
    }
    char msg[64];
    if (what)
        snprintf(msg, sizeof(msg), "expected '%s'", what);
    ps_fail(P, what ? msg : "invalid syntax");
    return false;
}

bool ps_enter(parser_t *P)
{
    if (++P->depth > SC_PARSE_MAX_DEPTH) {
        ps_fail(P, "too many nested parentheses");
        return false;
    }
    return true;
}

void ps_leave(parser_t *P)
{
    P->depth--;
}

sc_node_t *ps_node_at(parser_t *P, int kind, const sc_token_t *t)
{
    sc_node_t *n = sc_arena_alloc(P->a, sizeof(*n));
    if (!n)
        return ps_oom(P, 0);
    n->kind = (uint8_t)kind;
    n->line = t->line;
    n->col = t->col;
    n->end_line = t->end_line;
    n->end_col = t->end_col;
    return n;
}

sc_node_t *ps_node_like(parser_t *P, int kind, const sc_node_t *from)
{
    sc_node_t *n = sc_arena_alloc(P->a, sizeof(*n));
    if (!n)
        return ps_oom(P, 0);
    n->kind = (uint8_t)kind;
    n->line = from->line;
    n->col = from->col;
    n->end_line = from->end_line;
    n->end_col = from->end_col;
    return n;
}

void ps_set_end(sc_node_t *n, const sc_token_t *t)
{
    n->end_line = t->end_line;
    n->end_col = t->end_col;
}

void ps_set_end_node(sc_node_t *n, const sc_node_t *last)
{
    n->end_line = last->end_line;
    n->end_col = last->end_col;
}

bool ps_nl_push(parser_t *P, nlist_t *l, sc_node_t *x)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : NODE_LIST_INIT;
        sc_node_t **v = sc_arena_alloc(P->a, (size_t)cap * sizeof(*v));
        if (!v) {
            ps_oom(P, 0);
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

char *ps_tok_str(parser_t *P, const sc_token_t *t)
{
    char *s = sc_arena_strndup(P->a, t->start, t->len);
    if (!s)
        ps_oom(P, 0);
    return s;
}

static bool keep(parser_t *P, hd_obj_t *o)
{
    int rc = sc_arena_keep(P->a, P->h, o);
    if (rc)
        ps_oom(P, rc);
    return rc == 0;
}

sc_node_t *ps_const_node(parser_t *P, const sc_token_t *t, hd_obj_t *value)
{
    if (!keep(P, value))
        return NULL;
    sc_node_t *n = ps_node_at(P, E_CONST, t);
    if (n)
        n->value = value;
    return n;
}

/* ---- parameters ---- */

sc_args_t *ps_parameters(parser_t *P, int close)
{
    sc_args_t *args = sc_arena_alloc(P->a, sizeof(*args));
    if (!args)
        return ps_oom(P, 0);
    const char *names[256];
    sc_node_t *defaults[256];
    int n = 0, nd = 0;
    while (!ps_at_op(P, close) && !P->failed) {
        const sc_token_t *t = ps_peek(P);
        if (ps_is_op(t, OP_MUL) || ps_is_op(t, OP_POW) || ps_is_op(t, OP_TRUEDIV))
            return ps_fail(P, "*args, **kwargs and / in parameters are not supported by the heap "
                              "script language");
        if (t->kind != TK_NAME)
            return ps_fail(P, "invalid syntax");
        if (n == 255)
            return ps_fail(P, "too many parameters");
        ps_next(P);
        if (!(names[n] = ps_tok_str(P, t)))
            return NULL;
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], names[n]) == 0) {
                char msg[300];
                snprintf(msg, sizeof(msg), "duplicate argument '%.100s' in function definition",
                         names[n]);
                return ps_fail_at(P, t, "SyntaxError", msg);
            }
        if (ps_at_op(P, OP_COLON) && close == OP_RPAR)
            return ps_fail(P, "annotations are not supported by the heap script language");
        if (ps_at_op(P, OP_ASSIGN)) {
            ps_next(P);
            if (!(defaults[nd++] = ps_expression(P)))
                return NULL;
        } else if (nd) {
            return ps_fail_at(P, t, "SyntaxError", "non-default argument follows default argument");
        }
        n++;
        if (!ps_at_op(P, OP_COMMA))
            break;
        ps_next(P);
    }
    args->nargs = n;
    args->ndefaults = nd;
    args->names = sc_arena_alloc(P->a, (size_t)(n ? n : 1) * sizeof(char *));
    args->defaults = sc_arena_alloc(P->a, (size_t)(nd ? nd : 1) * sizeof(sc_node_t *));
    if (!args->names || !args->defaults)
        return ps_oom(P, 0);
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
    if (!ps_expect_op(P, OP_COLON, ":"))
        return false;
    if (!ps_enter(P))
        return false;
    bool ok = true;
    if (ps_peek(P)->kind != TK_NEWLINE) {
        ok = statement(P, body);
    } else {
        ps_next(P);
        if (ps_peek(P)->kind != TK_INDENT) {
            char msg[128];
            snprintf(msg, sizeof(msg), "expected an indented block after %s on line %u",
                     block_name(kind), head->line);
            ps_fail_at(P, ps_peek(P), "IndentationError", msg);
            ps_leave(P);
            return false;
        }
        ps_next(P);
        while (ok && ps_peek(P)->kind != TK_DEDENT && ps_peek(P)->kind != TK_END)
            ok = statement(P, body);
        if (ok)
            ps_next(P);
    }
    ps_leave(P);
    return ok && !P->failed;
}

static sc_node_t *if_stmt(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, S_IF, t);
    if (!n || !(n->a = ps_expression(P)))
        return NULL;
    nlist_t body = {0}, orelse = {0};
    if (!block(P, S_IF, t, &body))
        return NULL;
    if (ps_at_kw(P, KW_ELIF)) {
        sc_node_t *e = if_stmt(P);
        if (!e || !ps_nl_push(P, &orelse, e))
            return NULL;
    } else if (ps_at_kw(P, KW_ELSE)) {
        const sc_token_t *et = ps_next(P);
        if (!block(P, S_IF, et, &orelse))
            return NULL;
    }
    n->list = body.v, n->nlist = body.n;
    n->list2 = orelse.v, n->nlist2 = orelse.n;
    return n;
}

static bool else_clause(parser_t *P, nlist_t *orelse)
{
    if (!ps_at_kw(P, KW_ELSE))
        return true;
    const sc_token_t *et = ps_next(P);
    return block(P, S_IF, et, orelse);
}

static sc_node_t *while_stmt(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, S_WHILE, t);
    if (!n || !(n->a = ps_expression(P)))
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
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, S_FOR, t);
    if (!n || !(n->a = ps_target_list(P, true)))
        return NULL;
    if (!ps_at_kw(P, KW_IN))
        return ps_fail(P, "invalid syntax");
    ps_next(P);
    if (!(n->b = ps_star_expressions(P)))
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
    const sc_token_t *t = ps_next(P);
    const sc_token_t *name = ps_peek(P);
    if (name->kind != TK_NAME)
        return ps_fail(P, "invalid syntax");
    ps_next(P);
    sc_node_t *n = ps_node_at(P, S_DEF, t);
    if (!n || !(n->name = ps_tok_str(P, name)) || !ps_expect_op(P, OP_LPAR, "("))
        return NULL;
    if (!(n->args = ps_parameters(P, OP_RPAR)) || !ps_expect_op(P, OP_RPAR, ")"))
        return NULL;
    if (ps_at_op(P, OP_ARROW))
        return ps_fail(P, "annotations are not supported by the heap script language");
    nlist_t body = {0};
    if (!block(P, S_DEF, t, &body))
        return NULL;
    n->list = body.v, n->nlist = body.n;
    return n;
}

static sc_node_t *class_stmt(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    const sc_token_t *name = ps_peek(P);
    if (name->kind != TK_NAME)
        return ps_fail(P, "invalid syntax");
    ps_next(P);
    sc_node_t *n = ps_node_at(P, S_CLASS, t);
    if (!n || !(n->name = ps_tok_str(P, name)))
        return NULL;
    if (ps_at_op(P, OP_LPAR)) {
        sc_node_t *fake = ps_node_at(P, E_NAME, name);
        sc_node_t *c = fake ? ps_call(P, fake) : NULL;
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
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, S_TRY, t);
    nlist_t body = {0}, handlers = {0}, orelse = {0}, fin = {0};
    if (!n || !block(P, S_TRY, t, &body))
        return NULL;
    while (ps_at_kw(P, KW_EXCEPT)) {
        const sc_token_t *et = ps_next(P);
        sc_node_t *hd = ps_node_at(P, S_HANDLER, et);
        if (!hd)
            return NULL;
        if (!ps_at_op(P, OP_COLON)) {
            if (!(hd->a = ps_expression(P)))
                return NULL;
            if (ps_at_kw(P, KW_AS)) {
                ps_next(P);
                const sc_token_t *nt = ps_peek(P);
                if (nt->kind != TK_NAME)
                    return ps_fail(P, "invalid syntax");
                ps_next(P);
                if (!(hd->name = ps_tok_str(P, nt)))
                    return NULL;
            }
        }
        nlist_t hb = {0};
        if (!block(P, S_TRY, et, &hb) || !ps_nl_push(P, &handlers, hd))
            return NULL;
        hd->list = hb.v, hd->nlist = hb.n;
    }
    if (handlers.n && !else_clause(P, &orelse))
        return NULL;
    if (ps_at_kw(P, KW_FINALLY)) {
        const sc_token_t *ft = ps_next(P);
        if (!block(P, S_TRY, ft, &fin))
            return NULL;
    }
    if (!handlers.n && !fin.n)
        return ps_fail(P, "expected 'except' or 'finally' block");
    n->list = body.v, n->nlist = body.n;
    n->list2 = handlers.v, n->nlist2 = handlers.n;
    n->list3 = orelse.v, n->nlist3 = orelse.n;
    n->list4 = fin.v, n->nlist4 = fin.n;
    return n;
}

static bool dotted_name(parser_t *P, char **out)
{
    const sc_token_t *t = ps_peek(P);
    if (t->kind != TK_NAME) {
        ps_fail(P, "invalid syntax");
        return false;
    }
    const char *start = t->start;
    const sc_token_t *last = ps_next(P);
    while (ps_at_op(P, OP_DOT) && ps_peek2(P)->kind == TK_NAME) {
        ps_next(P);
        last = ps_next(P);
    }
    *out = sc_arena_strndup(P->a, start, (size_t)(last->start + last->len - start));
    if (!*out)
        ps_oom(P, 0);
    return *out != NULL;
}

static bool as_name(parser_t *P, char **out)
{
    *out = NULL;
    if (!ps_at_kw(P, KW_AS))
        return true;
    ps_next(P);
    const sc_token_t *t = ps_peek(P);
    if (t->kind != TK_NAME) {
        ps_fail(P, "invalid syntax");
        return false;
    }
    ps_next(P);
    return (*out = ps_tok_str(P, t)) != NULL;
}

static sc_node_t *import_stmt(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, S_IMPORT, t);
    char *names[64], *as[64];
    int k = 0;
    do {
        if (k && !ps_at_op(P, OP_COMMA))
            break;
        if (k)
            ps_next(P);
        if (k == 64)
            return ps_fail(P, "too many names in one import");
        if (!dotted_name(P, &names[k]) || !as_name(P, &as[k]))
            return NULL;
        k++;
    } while (ps_at_op(P, OP_COMMA));
    if (!n || !(n->names = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))) ||
        !(n->asnames = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))))
        return ps_oom(P, 0);
    memcpy(n->names, names, (size_t)k * sizeof(char *));
    memcpy(n->asnames, as, (size_t)k * sizeof(char *));
    n->nnames = k;
    return n;
}

static sc_node_t *from_stmt(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, S_IMPORTFROM, t);
    char *mod;
    if (!n)
        return NULL;
    while (ps_at_op(P, OP_DOT)) {
        ps_next(P);
        n->level++;
    }
    if (!dotted_name(P, &mod))
        return NULL;
    n->name = mod;
    if (!ps_at_kw(P, KW_IMPORT))
        return ps_fail(P, "invalid syntax");
    ps_next(P);
    if (ps_at_op(P, OP_MUL))
        return ps_fail(P, "'from ... import *' is not supported by the heap script language");
    bool paren = ps_at_op(P, OP_LPAR);
    if (paren)
        ps_next(P);
    char *names[64], *as[64];
    int k = 0;
    for (;;) {
        const sc_token_t *nt = ps_peek(P);
        if (nt->kind != TK_NAME)
            return ps_fail(P, "invalid syntax");
        if (k == 64)
            return ps_fail(P, "too many names in one import");
        ps_next(P);
        if (!(names[k] = ps_tok_str(P, nt)) || !as_name(P, &as[k]))
            return NULL;
        k++;
        if (!ps_at_op(P, OP_COMMA))
            break;
        ps_next(P);
        if (paren && ps_at_op(P, OP_RPAR))
            break;
    }
    if (paren && !ps_expect_op(P, OP_RPAR, ")"))
        return NULL;
    if (!(n->names = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))) ||
        !(n->asnames = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))))
        return ps_oom(P, 0);
    memcpy(n->names, names, (size_t)k * sizeof(char *));
    memcpy(n->asnames, as, (size_t)k * sizeof(char *));
    n->nnames = k;
    return n;
}

static sc_node_t *names_stmt(parser_t *P, int kind)
{
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, kind, t);
    char *names[256];
    int k = 0;
    for (;;) {
        const sc_token_t *nt = ps_peek(P);
        if (nt->kind != TK_NAME)
            return ps_fail(P, "invalid syntax");
        if (k == 256)
            return ps_fail(P, "too many names");
        ps_next(P);
        if (!(names[k++] = ps_tok_str(P, nt)))
            return NULL;
        if (!ps_at_op(P, OP_COMMA))
            break;
        ps_next(P);
    }
    if (!n || !(n->names = sc_arena_alloc(P->a, (size_t)k * sizeof(char *))))
        return ps_oom(P, 0);
    memcpy(n->names, names, (size_t)k * sizeof(char *));
    n->nnames = k;
    return n;
}

static sc_node_t *simple_kw(parser_t *P, int kind)
{
    return ps_node_at(P, kind, ps_next(P));
}

static sc_node_t *value_stmt(parser_t *P, int kind)
{
    const sc_token_t *t = ps_next(P);
    sc_node_t *n = ps_node_at(P, kind, t);
    if (!n)
        return NULL;
    const sc_token_t *p = ps_peek(P);
    if (p->kind == TK_NEWLINE || ps_is_op(p, OP_SEMI)) {
        if (kind == S_ASSERT || kind == S_DEL) /* `assert` and `del` need an operand */
            return ps_fail(P, "invalid syntax");
        return n;
    }
    if (kind == S_DEL) {
        sc_node_t *targets = ps_target_list(P, false);
        if (!targets)
            return NULL;
        if (targets->kind == E_TUPLE) {
            n->list = targets->list;
            n->nlist = targets->nlist;
        } else {
            n->list = sc_arena_alloc(P->a, sizeof(sc_node_t *));
            if (!n->list)
                return ps_oom(P, 0);
            n->list[0] = targets;
            n->nlist = 1;
        }
        return n;
    }
    if (!(n->a = kind == S_RETURN ? ps_star_expressions(P) : ps_expression(P)))
        return NULL;
    if (kind == S_ASSERT && ps_at_op(P, OP_COMMA)) {
        ps_next(P);
        if (!(n->b = ps_expression(P)))
            return NULL;
    }
    if (kind == S_RAISE && ps_at_kw(P, KW_FROM))
        return ps_fail(P, "'raise ... from' is not supported by the heap script language");
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
    return ps_fail_at(P, &t, "SyntaxError", msg);
}

static sc_node_t *expr_stmt(parser_t *P)
{
    const sc_token_t *t0 = ps_peek(P);
    sc_node_t *e = ps_star_expressions(P);
    if (!e)
        return NULL;
    const sc_token_t *t = ps_peek(P);
    if (t->kind == TK_OP && t->op >= OP_IADD && t->op <= OP_IXOR) {
        if (!valid_target(e, true))
            return bad_target(P, e, true);
        ps_next(P);
        sc_node_t *v = ps_star_expressions(P);
        sc_node_t *n = v ? ps_node_at(P, S_AUGASSIGN, t0) : NULL;
        if (n) {
            n->a = e;
            n->b = v;
            n->op = (uint8_t)(t->op - OP_IADD);
        }
        return n;
    }
    if (ps_is_op(t, OP_COLON))
        return ps_fail(P, "annotations are not supported by the heap script language");
    if (!ps_is_op(t, OP_ASSIGN)) {
        sc_node_t *n = ps_node_at(P, S_EXPR, t0);
        if (n)
            n->a = e;
        return n;
    }
    nlist_t targets = {0};
    sc_node_t *value = e;
    while (ps_at_op(P, OP_ASSIGN)) {
        if (!valid_target(value, false))
            return bad_target(P, value, false);
        if (!ps_nl_push(P, &targets, value))
            return NULL;
        ps_next(P);
        if (ps_at_kw(P, KW_YIELD))
            return ps_fail(P, "'yield' is not supported by the heap script language");
        if (!(value = ps_star_expressions(P)))
            return NULL;
    }
    sc_node_t *n = ps_node_at(P, S_ASSIGN, t0);
    if (n) {
        n->list = targets.v;
        n->nlist = targets.n;
        n->a = value;
    }
    return n;
}

static sc_node_t *small_stmt(parser_t *P)
{
    switch (ps_peek(P)->kind) {
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
        return ps_fail(P, "this statement is not supported by the heap script language");
    }
    return expr_stmt(P);
}

static bool simple_stmts(parser_t *P, nlist_t *out)
{
    for (;;) {
        sc_node_t *s = small_stmt(P);
        if (!s || !ps_nl_push(P, out, s))
            return false;
        if (!ps_at_op(P, OP_SEMI))
            break;
        ps_next(P);
        if (ps_peek(P)->kind == TK_NEWLINE)
            break;
    }
    if (ps_peek(P)->kind != TK_NEWLINE) {
        ps_fail(P, "invalid syntax");
        return false;
    }
    ps_next(P);
    return true;
}

static bool statement(parser_t *P, nlist_t *out)
{
    sc_node_t *s = NULL;
    const sc_token_t *t = ps_peek(P);
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
        ps_fail(P, "invalid syntax");
        return false;
    case TK_INDENT:
        ps_fail_at(P, t, "IndentationError", "unexpected indent");
        return false;
    default:
        if (ps_is_op(t, OP_MATMUL)) {
            ps_fail(P, "decorators are not supported by the heap script language");
            return false;
        }
        return simple_stmts(P, out);
    }
    return s && ps_nl_push(P, out, s);
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
    while (ps_peek(&P)->kind != TK_END && !P.failed)
        if (!statement(&P, &body))
            break;
    if (P.failed)
        return NULL;
    sc_node_t *m = ps_node_at(&P, S_MODULE, &toks.v[0]);
    if (m) {
        m->list = body.v;
        m->nlist = body.n;
    }
    return m;
}
