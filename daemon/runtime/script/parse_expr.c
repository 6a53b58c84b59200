/*
 * parse_expr.c: expressions (parse.c), one function per rule of 3.11's
 * grammar from `expression` (lambda, conditional) down through
 * disjunction, conjunction, inversion, comparison, the binary levels
 * (binary_level, a table per precedence), factor, power, primary (calls,
 * subscripts, slices, attributes) and atom (displays, comprehensions,
 * parenthesized forms); plus star_expressions and the target lists of for
 * and comprehensions.
 */
#include "parse_int.h"

/* ---- expressions ---- */

static sc_node_t *disjunction(parser_t *P);
static sc_node_t *bitwise_or(parser_t *P);
static sc_node_t *comprehension_tail(parser_t *P, int kind, sc_node_t *elt, sc_node_t *value,
                                     const sc_token_t *open);

static sc_node_t *singleton(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    hd_obj_t *o;
    if (t->kind == KW_NONE)
        hd_none(P->h, &o);
    else
        hd_bool(P->h, t->kind == KW_TRUE, &o);
    return ps_const_node(P, t, o);
}

/* star_or_expr: an ps_expression, or *expr in a display */
static sc_node_t *star_or_expr(parser_t *P)
{
    if (ps_at_op(P, OP_MUL)) {
        const sc_token_t *t = ps_next(P);
        sc_node_t *v = bitwise_or(P);
        sc_node_t *s = v ? ps_node_at(P, E_STARRED, t) : NULL;
        if (s) {
            s->a = v;
            ps_set_end_node(s, v);
        }
        return s;
    }
    return ps_expression(P);
}

/* seq_items: items up to `close`, after `first` (already parsed). *comma
 * tells whether a comma was seen. */
static bool seq_items(parser_t *P, sc_node_t *first, int close, nlist_t *items, bool *comma)
{
    *comma = false;
    if (first && !ps_nl_push(P, items, first))
        return false;
    while (ps_at_op(P, OP_COMMA)) {
        ps_next(P);
        *comma = true;
        if (ps_at_op(P, close))
            break;
        sc_node_t *x = star_or_expr(P);
        if (!x || !ps_nl_push(P, items, x))
            return false;
    }
    return true;
}

static sc_node_t *paren_atom(parser_t *P)
{
    const sc_token_t *open = ps_next(P);
    if (ps_at_op(P, OP_RPAR)) {
        sc_node_t *t = ps_node_at(P, E_TUPLE, open);
        if (t)
            ps_set_end(t, ps_next(P));
        return t;
    }
    if (ps_at_kw(P, KW_YIELD))
        return ps_fail(P, "'yield' is not supported by the heap script language");
    sc_node_t *first = star_or_expr(P);
    if (!first)
        return NULL;
    if (ps_at_kw(P, KW_FOR))
        return ps_fail(P, "generator expressions are not supported by the heap script language");
    nlist_t items = {0};
    bool comma;
    if (!seq_items(P, first, OP_RPAR, &items, &comma))
        return NULL;
    const sc_token_t *close = ps_peek(P);
    if (!ps_expect_op(P, OP_RPAR, NULL))
        return NULL;
    if (!comma && first->kind != E_STARRED)
        return first; /* a parenthesized expression keeps its own position */
    sc_node_t *t = ps_node_at(P, E_TUPLE, open);
    if (t) {
        t->list = items.v;
        t->nlist = items.n;
        ps_set_end(t, close);
    }
    return t;
}

static sc_node_t *list_atom(parser_t *P)
{
    const sc_token_t *open = ps_next(P);
    nlist_t items = {0};
    if (!ps_at_op(P, OP_RSQB)) {
        sc_node_t *first = star_or_expr(P);
        if (!first)
            return NULL;
        if (ps_at_kw(P, KW_FOR))
            return comprehension_tail(P, E_LISTCOMP, first, NULL, open);
        bool comma;
        if (!seq_items(P, first, OP_RSQB, &items, &comma))
            return NULL;
    }
    const sc_token_t *close = ps_peek(P);
    if (!ps_expect_op(P, OP_RSQB, NULL))
        return NULL;
    sc_node_t *l = ps_node_at(P, E_LIST, open);
    if (l) {
        l->list = items.v;
        l->nlist = items.n;
        ps_set_end(l, close);
    }
    return l;
}

/* double_starred: `**expr` in a dict display: a NULL key, as CPython's
 * Dict node has for it */
static bool double_starred(parser_t *P, nlist_t *keys, nlist_t *values)
{
    ps_next(P);
    sc_node_t *v = bitwise_or(P);
    return v && ps_nl_push(P, keys, NULL) && ps_nl_push(P, values, v);
}

static sc_node_t *dict_or_set_atom(parser_t *P)
{
    const sc_token_t *open = ps_next(P);
    nlist_t keys = {0}, values = {0};
    int kind = E_DICT;
    if (!ps_at_op(P, OP_RBRACE)) {
        sc_node_t *first = NULL;
        if (ps_at_op(P, OP_POW)) {
            if (!double_starred(P, &keys, &values))
                return NULL;
            if (ps_at_kw(P, KW_FOR))
                return ps_fail(P, "dict unpacking cannot be used in dict comprehension");
        } else if (!(first = star_or_expr(P))) {
            return NULL;
        }
        if (!first || ps_at_op(P, OP_COLON)) {
            if (first) {
                ps_next(P);
                sc_node_t *v = ps_expression(P);
                if (!v)
                    return NULL;
                if (ps_at_kw(P, KW_FOR))
                    return comprehension_tail(P, E_DICTCOMP, first, v, open);
                if (!ps_nl_push(P, &keys, first) || !ps_nl_push(P, &values, v))
                    return NULL;
            }
            while (ps_at_op(P, OP_COMMA)) {
                ps_next(P);
                if (ps_at_op(P, OP_RBRACE))
                    break;
                if (ps_at_op(P, OP_POW)) {
                    if (!double_starred(P, &keys, &values))
                        return NULL;
                    continue;
                }
                sc_node_t *k = ps_expression(P);
                if (!k || !ps_expect_op(P, OP_COLON, ":"))
                    return NULL;
                sc_node_t *val = ps_expression(P);
                if (!val || !ps_nl_push(P, &keys, k) || !ps_nl_push(P, &values, val))
                    return NULL;
            }
        } else {
            kind = E_SET;
            if (ps_at_kw(P, KW_FOR))
                return comprehension_tail(P, E_SETCOMP, first, NULL, open);
            bool comma;
            if (!seq_items(P, first, OP_RBRACE, &keys, &comma))
                return NULL;
        }
    }
    const sc_token_t *close = ps_peek(P);
    if (!ps_expect_op(P, OP_RBRACE, NULL))
        return NULL;
    sc_node_t *d = ps_node_at(P, kind, open);
    if (d) {
        d->list = keys.v;
        d->nlist = keys.n;
        d->list2 = values.v;
        d->nlist2 = values.n;
        ps_set_end(d, close);
    }
    return d;
}

static sc_node_t *atom(parser_t *P)
{
    const sc_token_t *t = ps_peek(P);
    switch (t->kind) {
    case TK_NAME: {
        ps_next(P);
        sc_node_t *n = ps_node_at(P, E_NAME, t);
        if (n && !(n->name = ps_tok_str(P, t)))
            return NULL;
        return n;
    }
    case TK_NUMBER:
        return ps_number(P);
    case TK_STRING:
        return ps_strings(P);
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
            return ps_fail(P, "'...' is not supported by the heap script language");
        break;
    case KW_LAMBDA:
    case KW_YIELD:
    case KW_AWAIT:
        return ps_fail(P, "invalid syntax");
    }
    if (t->kind == TK_NEWLINE || t->kind == TK_END)
        return ps_fail(P, "invalid syntax");
    return ps_fail(P, "invalid syntax");
}

static sc_node_t *slice_item(parser_t *P)
{
    const sc_token_t *t = ps_peek(P);
    sc_node_t *lower = NULL;
    if (!ps_at_op(P, OP_COLON)) {
        lower = ps_expression(P);
        if (!lower || !ps_at_op(P, OP_COLON))
            return lower;
    }
    sc_node_t *s = ps_node_at(P, E_SLICE, t);
    if (!s)
        return NULL;
    s->a = lower;
    ps_next(P); /* ':' */
    if (!ps_at_op(P, OP_COLON) && !ps_at_op(P, OP_RSQB) && !ps_at_op(P, OP_COMMA) &&
        !(s->b = ps_expression(P)))
        return NULL;
    if (ps_at_op(P, OP_COLON)) {
        ps_next(P);
        if (!ps_at_op(P, OP_RSQB) && !ps_at_op(P, OP_COMMA) && !(s->c = ps_expression(P)))
            return NULL;
    }
    ps_set_end(s, &P->t[P->pos ? P->pos - 1 : 0]);
    return s;
}

static sc_node_t *subscript(parser_t *P, sc_node_t *value)
{
    const sc_token_t *open = ps_next(P);
    sc_node_t *idx = slice_item(P);
    if (!idx)
        return NULL;
    if (ps_at_op(P, OP_COMMA)) {
        nlist_t items = {0};
        if (!ps_nl_push(P, &items, idx))
            return NULL;
        while (ps_at_op(P, OP_COMMA)) {
            ps_next(P);
            if (ps_at_op(P, OP_RSQB))
                break;
            sc_node_t *x = slice_item(P);
            if (!x || !ps_nl_push(P, &items, x))
                return NULL;
        }
        sc_node_t *t = ps_node_like(P, E_TUPLE, idx);
        if (!t)
            return NULL;
        t->list = items.v;
        t->nlist = items.n;
        idx = t;
    }
    (void)open;
    const sc_token_t *close = ps_peek(P);
    if (!ps_expect_op(P, OP_RSQB, NULL))
        return NULL;
    sc_node_t *s = ps_node_like(P, E_SUBSCRIPT, value);
    if (s) {
        s->a = value;
        s->b = idx;
        ps_set_end(s, close);
    }
    return s;
}

sc_node_t *ps_call(parser_t *P, sc_node_t *func)
{
    ps_next(P); /* '(' */
    nlist_t args = {0}, kws = {0};
    while (!ps_at_op(P, OP_RPAR) && !P->failed) {
        const sc_token_t *t = ps_peek(P);
        sc_node_t *x;
        if (t->kind == TK_NAME && ps_is_op(ps_peek2(P), OP_ASSIGN)) {
            ps_next(P);
            ps_next(P);
            sc_node_t *v = ps_expression(P);
            x = v ? ps_node_at(P, E_KEYWORD, t) : NULL;
            if (!x || !(x->name = ps_tok_str(P, t)))
                return NULL;
            x->a = v;
            if (!ps_nl_push(P, &kws, x))
                return NULL;
        } else if (ps_is_op(t, OP_POW)) {
            return ps_fail(P, "'**' arguments are not supported by the heap script language");
        } else {
            x = star_or_expr(P);
            if (!x)
                return NULL;
            if (kws.n && x->kind != E_STARRED)
                return ps_fail_at(P, t, "SyntaxError",
                                  "positional argument follows keyword argument");
            if (ps_at_kw(P, KW_FOR))
                return ps_fail(
                    P, "generator expressions are not supported by the heap script language");
            if (!ps_nl_push(P, &args, x))
                return NULL;
        }
        if (!ps_at_op(P, OP_COMMA))
            break;
        ps_next(P);
    }
    const sc_token_t *close = ps_peek(P);
    if (!ps_expect_op(P, OP_RPAR, NULL))
        return NULL;
    sc_node_t *c = ps_node_like(P, E_CALL, func);
    if (c) {
        c->a = func;
        c->list = args.v;
        c->nlist = args.n;
        c->list2 = kws.v;
        c->nlist2 = kws.n;
        ps_set_end(c, close);
    }
    return c;
}

static sc_node_t *primary(parser_t *P)
{
    sc_node_t *e = atom(P);
    while (e && !P->failed) {
        if (ps_at_op(P, OP_DOT)) {
            ps_next(P);
            const sc_token_t *t = ps_peek(P);
            if (t->kind != TK_NAME)
                return ps_fail(P, "invalid syntax");
            ps_next(P);
            sc_node_t *a = ps_node_like(P, E_ATTR, e);
            if (!a || !(a->name = ps_tok_str(P, t)))
                return NULL;
            a->a = e;
            ps_set_end(a, t);
            e = a;
        } else if (ps_at_op(P, OP_LPAR)) {
            e = ps_call(P, e);
        } else if (ps_at_op(P, OP_LSQB)) {
            e = subscript(P, e);
        } else {
            break;
        }
    }
    return e;
}

static sc_node_t *binop(parser_t *P, sc_node_t *l, int op, sc_node_t *r)
{
    sc_node_t *n = ps_node_like(P, E_BINOP, l);
    if (n) {
        n->a = l;
        n->b = r;
        n->op = (uint8_t)op;
        ps_set_end_node(n, r);
    }
    return n;
}

static sc_node_t *factor(parser_t *P);

static sc_node_t *power(parser_t *P)
{
    if (ps_at_kw(P, KW_AWAIT))
        return ps_fail(P, "'await' is not supported by the heap script language");
    sc_node_t *l = primary(P);
    if (l && ps_at_op(P, OP_POW)) {
        ps_next(P);
        sc_node_t *r = factor(P);
        return r ? binop(P, l, BO_POW, r) : NULL;
    }
    return l;
}

static sc_node_t *factor(parser_t *P)
{
    const sc_token_t *t = ps_peek(P);
    int op = ps_is_op(t, OP_SUB)      ? UO_NEG
             : ps_is_op(t, OP_ADD)    ? UO_POS
             : ps_is_op(t, OP_INVERT) ? UO_INVERT
                                      : -1;
    if (op < 0)
        return power(P);
    ps_next(P);
    if (!ps_enter(P))
        return NULL;
    sc_node_t *v = factor(P);
    ps_leave(P);
    sc_node_t *n = v ? ps_node_at(P, E_UNARY, t) : NULL;
    if (n) {
        n->a = v;
        n->op = (uint8_t)op;
        ps_set_end_node(n, v);
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
        while (k < n && !ps_at_op(P, ops[k]))
            k++;
        if (k == n)
            break;
        ps_next(P);
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
    if (!ps_enter(P))
        return NULL;
    sc_node_t *n = binary_level(P, bitwise_xor, ops, bops, 1);
    ps_leave(P);
    return n;
}

/* cmp_op: the comparison at the current token (consumed), or -1 */
static int cmp_op(parser_t *P)
{
    const sc_token_t *t = ps_peek(P);
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
        ps_next(P);
        if (ps_at_kw(P, KW_NOT)) {
            ps_next(P);
            return CO_ISNOT;
        }
        return CO_IS;
    } else if (t->kind == KW_NOT && ps_peek2(P)->kind == KW_IN) {
        ps_next(P);
        ps_next(P);
        return CO_NOTIN;
    }
    if (op >= 0)
        ps_next(P);
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
            return ps_fail(P, "too many chained comparisons");
        ops[comps.n] = (uint8_t)op;
        sc_node_t *r = bitwise_or(P);
        if (!r || !ps_nl_push(P, &comps, r))
            return NULL;
    }
    if (comps.n == 0)
        return l;
    sc_node_t *c = ps_node_like(P, E_COMPARE, l);
    if (!c || !(c->ops = sc_arena_alloc(P->a, (size_t)comps.n)))
        return c ? ps_oom(P, 0) : NULL;
    memcpy(c->ops, ops, (size_t)comps.n);
    c->a = l;
    c->list = comps.v;
    c->nlist = comps.n;
    ps_set_end_node(c, comps.v[comps.n - 1]);
    return c;
}

static sc_node_t *inversion(parser_t *P)
{
    if (ps_at_kw(P, KW_NOT)) {
        const sc_token_t *t = ps_next(P);
        if (!ps_enter(P))
            return NULL;
        sc_node_t *v = inversion(P);
        ps_leave(P);
        sc_node_t *n = v ? ps_node_at(P, E_UNARY, t) : NULL;
        if (n) {
            n->a = v;
            n->op = UO_NOT;
            ps_set_end_node(n, v);
        }
        return n;
    }
    return comparison(P);
}

static sc_node_t *boolop(parser_t *P, level_fn sub, int kw, int op)
{
    sc_node_t *first = sub(P);
    if (!first || !ps_at_kw(P, kw))
        return first;
    nlist_t values = {0};
    if (!ps_nl_push(P, &values, first))
        return NULL;
    while (ps_at_kw(P, kw)) {
        ps_next(P);
        sc_node_t *v = sub(P);
        if (!v || !ps_nl_push(P, &values, v))
            return NULL;
    }
    sc_node_t *b = ps_node_like(P, E_BOOLOP, first);
    if (b) {
        b->op = (uint8_t)op;
        b->list = values.v;
        b->nlist = values.n;
        ps_set_end_node(b, values.v[values.n - 1]);
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

static sc_node_t *lambda(parser_t *P)
{
    const sc_token_t *t = ps_next(P);
    sc_args_t *args = ps_parameters(P, OP_COLON);
    if (!args || !ps_expect_op(P, OP_COLON, ":"))
        return NULL;
    sc_node_t *body = ps_expression(P);
    sc_node_t *l = body ? ps_node_at(P, E_LAMBDA, t) : NULL;
    if (l) {
        l->args = args;
        l->a = body;
        ps_set_end_node(l, body);
    }
    return l;
}

sc_node_t *ps_expression(parser_t *P)
{
    if (!ps_enter(P))
        return NULL;
    sc_node_t *res;
    if (ps_at_kw(P, KW_LAMBDA)) {
        res = lambda(P);
    } else {
        res = disjunction(P);
        if (res && ps_at_kw(P, KW_IF)) {
            ps_next(P);
            sc_node_t *test = disjunction(P);
            if (test && !ps_at_kw(P, KW_ELSE))
                res = ps_fail(P, "expected 'else' after 'if' expression");
            else if (test) {
                ps_next(P);
                sc_node_t *orelse = ps_expression(P);
                sc_node_t *n = orelse ? ps_node_like(P, E_IFEXP, res) : NULL;
                if (n) {
                    n->a = test;
                    n->b = res;
                    n->c = orelse;
                    ps_set_end_node(n, orelse);
                }
                res = n;
            } else {
                res = NULL;
            }
        }
    }
    ps_leave(P);
    return res;
}

/* star_targets: targets of `for` (a tuple when there is a comma) */
sc_node_t *ps_target_list(parser_t *P, bool stop_at_in)
{
    const sc_token_t *t0 = ps_peek(P);
    nlist_t items = {0};
    bool comma = false;
    for (;;) {
        sc_node_t *x = ps_at_op(P, OP_MUL) ? star_or_expr(P) : bitwise_or(P);
        if (!x || !ps_nl_push(P, &items, x))
            return NULL;
        if (!ps_at_op(P, OP_COMMA))
            break;
        comma = true;
        ps_next(P);
        if (stop_at_in && ps_at_kw(P, KW_IN))
            break;
    }
    if (!comma)
        return items.v[0];
    sc_node_t *t = ps_node_at(P, E_TUPLE, t0);
    if (t) {
        t->list = items.v;
        t->nlist = items.n;
        ps_set_end_node(t, items.v[items.n - 1]);
    }
    return t;
}

static sc_node_t *comprehension_tail(parser_t *P, int kind, sc_node_t *elt, sc_node_t *value,
                                     const sc_token_t *open)
{
    nlist_t gens = {0};
    while (ps_at_kw(P, KW_FOR)) {
        const sc_token_t *t = ps_next(P);
        sc_node_t *target = ps_target_list(P, true);
        if (!target)
            return NULL;
        if (!ps_at_kw(P, KW_IN))
            return ps_fail(P, "invalid syntax");
        ps_next(P);
        sc_node_t *iter = disjunction(P);
        if (!iter)
            return NULL;
        sc_node_t *g = ps_node_at(P, E_COMPREHENSION, t);
        if (!g)
            return NULL;
        g->a = target;
        g->b = iter;
        nlist_t ifs = {0};
        while (ps_at_kw(P, KW_IF)) {
            ps_next(P);
            sc_node_t *c = disjunction(P);
            if (!c || !ps_nl_push(P, &ifs, c))
                return NULL;
        }
        g->list = ifs.v;
        g->nlist = ifs.n;
        if (!ps_nl_push(P, &gens, g))
            return NULL;
    }
    int close = kind == E_LISTCOMP ? OP_RSQB : OP_RBRACE;
    const sc_token_t *ct = ps_peek(P);
    if (!ps_expect_op(P, close, NULL))
        return NULL;
    sc_node_t *c = ps_node_at(P, kind, open);
    if (c) {
        c->a = elt;
        c->b = value;
        c->list = gens.v;
        c->nlist = gens.n;
        ps_set_end(c, ct);
    }
    return c;
}

/* star_expressions: expr (',' expr)* [','] -> a tuple when there is a comma */
sc_node_t *ps_star_expressions(parser_t *P)
{
    const sc_token_t *t0 = ps_peek(P);
    sc_node_t *first = star_or_expr(P);
    if (!first || !ps_at_op(P, OP_COMMA))
        return first;
    nlist_t items = {0};
    if (!ps_nl_push(P, &items, first))
        return NULL;
    while (ps_at_op(P, OP_COMMA)) {
        ps_next(P);
        const sc_token_t *t = ps_peek(P);
        if (t->kind == TK_NEWLINE || ps_is_op(t, OP_ASSIGN) || ps_is_op(t, OP_SEMI) ||
            ps_is_op(t, OP_RPAR) || (t->kind == TK_OP && t->op >= OP_IADD && t->op <= OP_IXOR) ||
            ps_is_op(t, OP_COLON))
            break;
        sc_node_t *x = star_or_expr(P);
        if (!x || !ps_nl_push(P, &items, x))
            return NULL;
    }
    sc_node_t *tu = ps_node_at(P, E_TUPLE, t0);
    if (tu) {
        tu->list = items.v;
        tu->nlist = items.n;
        ps_set_end_node(tu, items.v[items.n - 1]);
    }
    return tu;
}
