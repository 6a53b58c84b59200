/*
 * fold.c: CPython 3.11's AST optimizer (Python/ast_opt.c), the parts that
 * decide which objects a program creates and when:
 *
 *   - unary and binary operators on constants are computed at compile time
 *     (within ast_opt.c's safety limits: results of at most 128 bits for
 *     ints, 4096 characters for strs, 256 items for tuples), so `-1000`
 *     and `2 ** 10` are constants, not objects made at run time;
 *   - a tuple display of constants becomes a constant tuple;
 *   - a constant subscripted by a constant is folded ("abc"[1]);
 *   - the iterable of a `for` or a comprehension and the right operand of
 *     `in` / `not in`: a list display becomes a tuple (a constant one when
 *     every item is constant) and a set display of constants a constant
 *     set (CPython's frozenset: the model uses a set the program never sees
 *     as such);
 *   - `not` over a single is / is not / in / not in comparison flips it.
 *
 * Each folded constant is a new object held by the arena, as make_const()
 * adds it to the AST arena. Errors while computing (ZeroDivisionError and
 * the like) simply leave the expression unfolded. Recursion follows the
 * tree, whose depth the parser bounded.
 */
#include <string.h>

#include "ast.h"
#include "err.h"
#include "heap_int.h"
#include "ops.h"

#define MAX_INT_SIZE        128
#define MAX_COLLECTION_SIZE 256
#define MAX_STR_SIZE        4096
#define MAX_TOTAL_ITEMS     1024

typedef struct folder {
    sc_arena_t *a;
    hd_heap_t *h;
    int rc;
} folder_t;

static void fold_expr(folder_t *F, sc_node_t *e);
static void fold_stmts(folder_t *F, sc_node_t **v, int n);

static bool is_const(const sc_node_t *e)
{
    return e && e->kind == E_CONST;
}

/* make_const: e becomes the constant `val` (a new reference, kept by the
 * arena). A NULL val leaves e as it was. */
static void make_const(folder_t *F, sc_node_t *e, hd_obj_t *val)
{
    if (!val)
        return;
    int rc = sc_arena_keep(F->a, F->h, val);
    if (rc) {
        F->rc = rc;
        return;
    }
    e->kind = E_CONST;
    e->value = val;
    e->a = e->b = e->c = NULL;
    e->list = NULL;
    e->nlist = 0;
}

static size_t num_bits(hd_obj_t *o)
{
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    int64_t n = io->size < 0 ? -io->size : io->size;
    if (n == 0)
        return 0;
    uint32_t top = io->digits[n - 1];
    size_t bits = (size_t)(n - 1) * 30;
    while (top) {
        bits++;
        top >>= 1;
    }
    return bits;
}

static bool is_int(const hd_obj_t *o)
{
    return o->type == HD_T_INT || o->type == HD_T_BOOL;
}

static int64_t int_size(const hd_obj_t *o)
{
    return ((const hd_int_obj_t *)o)->size;
}

/* check_complexity: the total number of items in nested tuples stays under
 * limit (ast_opt.c's check_complexity); returns the remaining budget or -1 */
static int64_t check_complexity(hd_obj_t *o, int64_t limit)
{
    if (o->type == HD_T_TUPLE) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
        limit -= t->size;
        for (int64_t i = 0; limit >= 0 && i < t->size; i++)
            limit = check_complexity(t->items[i], limit);
    }
    return limit;
}

static bool safe_multiply(hd_obj_t *v, hd_obj_t *w)
{
    if (is_int(v) && is_int(w) && int_size(v) && int_size(w))
        return num_bits(v) + num_bits(w) <= MAX_INT_SIZE;
    if (is_int(v) && (w->type == HD_T_TUPLE || w->type == HD_T_SET)) {
        int64_t size = hd_len(w), n;
        if (!size)
            return true;
        if (hd_int_to_i64(v, &n) || n < 0 || n > MAX_COLLECTION_SIZE / size)
            return false;
        return n == 0 || check_complexity(w, MAX_TOTAL_ITEMS / n) >= 0;
    }
    if (is_int(v) && (w->type == HD_T_STR || w->type == HD_T_BYTES)) {
        int64_t size = hd_len(w), n;
        if (!size)
            return true;
        return !hd_int_to_i64(v, &n) && n >= 0 && n <= MAX_STR_SIZE / size;
    }
    if (is_int(w) && (v->type == HD_T_TUPLE || v->type == HD_T_SET || v->type == HD_T_STR ||
                      v->type == HD_T_BYTES))
        return safe_multiply(w, v);
    return true;
}

static bool safe_power(hd_obj_t *v, hd_obj_t *w)
{
    if (is_int(v) && is_int(w) && int_size(v) && int_size(w) > 0) {
        int64_t wbits;
        if (hd_int_to_i64(w, &wbits))
            return false;
        return num_bits(v) <= (size_t)(MAX_INT_SIZE / wbits);
    }
    return true;
}

static bool safe_lshift(hd_obj_t *v, hd_obj_t *w)
{
    if (is_int(v) && is_int(w) && int_size(v) && int_size(w)) {
        int64_t wbits;
        if (hd_int_to_i64(w, &wbits) || wbits < 0)
            return false;
        size_t vbits = num_bits(v);
        return wbits <= MAX_INT_SIZE && vbits <= (size_t)(MAX_INT_SIZE - wbits);
    }
    return true;
}

static void fold_binop(folder_t *F, sc_node_t *e)
{
    if (!is_const(e->a) || !is_const(e->b) || e->op == BO_MATMUL)
        return;
    hd_obj_t *v = e->a->value, *w = e->b->value;
    if ((e->op == BO_MUL && !safe_multiply(v, w)) || (e->op == BO_POW && !safe_power(v, w)) ||
        (e->op == BO_LSHIFT && !safe_lshift(v, w)) ||
        (e->op == BO_MOD && (v->type == HD_T_STR || v->type == HD_T_BYTES)))
        return;
    hd_obj_t *res = NULL;
    sc_err_t err;
    int rc = sc_num_binary(F->h, e->op, v, w, &res, &err);
    if (rc == HD_ENOMEM || rc == HD_ELIMIT)
        F->rc = rc;
    make_const(F, e, rc ? NULL : res);
}

static void fold_unary(folder_t *F, sc_node_t *e)
{
    sc_node_t *arg = e->a;
    if (!is_const(arg)) {
        if (e->op == UO_NOT && arg->kind == E_COMPARE && arg->nlist == 1) {
            int op = arg->ops[0];
            int flipped = op == CO_IS      ? CO_ISNOT
                          : op == CO_ISNOT ? CO_IS
                          : op == CO_IN    ? CO_NOTIN
                          : op == CO_NOTIN ? CO_IN
                                           : -1;
            if (flipped >= 0) {
                arg->ops[0] = (uint8_t)flipped;
                uint32_t line = e->line, end_line = e->end_line;
                uint16_t col = e->col, end_col = e->end_col;
                *e = *arg;
                /* COPY_NODE keeps the comparison's own position */
                (void)line, (void)end_line, (void)col, (void)end_col;
            }
        }
        return;
    }
    hd_obj_t *res = NULL;
    sc_err_t err;
    int rc = sc_num_unary(F->h, e->op, arg->value, &res, &err);
    if (rc == HD_ENOMEM || rc == HD_ELIMIT)
        F->rc = rc;
    make_const(F, e, rc ? NULL : res);
}

/* const_items: a tuple or a set (make) of the constants of items, or
 * NULL when one is not constant (or a starred item). A set of unhashable
 * constants (HD_ETYPE) is left to run time. */
typedef int (*make_fn)(hd_heap_t *h, size_t n, hd_obj_t *const *vals, hd_obj_t **out);

static hd_obj_t *const_items(folder_t *F, sc_node_t **items, int n, make_fn make)
{
    hd_obj_t *stack[64] = {NULL}, **vals = stack;
    for (int i = 0; i < n; i++)
        if (!is_const(items[i]))
            return NULL;
    if (n > 64 && !(vals = hd_mem_malloc(F->a->mem, (size_t)n * sizeof(*vals)))) {
        F->rc = HD_ENOMEM;
        return NULL;
    }
    for (int i = 0; i < n; i++)
        vals[i] = items[i]->value;
    hd_obj_t *o = NULL;
    int rc = make(F->h, (size_t)n, vals, &o);
    if (vals != stack)
        hd_mem_free(F->a->mem, vals);
    if (rc && rc != HD_ETYPE)
        F->rc = rc;
    return rc ? NULL : o;
}

static hd_obj_t *const_tuple(folder_t *F, sc_node_t **items, int n)
{
    return const_items(F, items, n, hd_tuple_new);
}

static bool has_starred(sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i]->kind == E_STARRED)
            return true;
    return false;
}

/* fold_iter: the iterable of a for loop or comprehension, the right side
 * of in / not in. */
static void fold_iter(folder_t *F, sc_node_t *e)
{
    if (e->kind == E_LIST) {
        if (has_starred(e->list, e->nlist))
            return;
        e->kind = E_TUPLE;
        make_const(F, e, const_tuple(F, e->list, e->nlist));
    } else if (e->kind == E_SET) {
        make_const(F, e, const_items(F, e->list, e->nlist, hd_set_new));
    }
}

static void fold_subscript(folder_t *F, sc_node_t *e)
{
    if (!is_const(e->a) || !is_const(e->b))
        return;
    hd_obj_t *res = NULL;
    sc_err_t err;
    int rc = sc_const_subscript(F->h, e->a->value, e->b->value, &res, &err);
    if (rc == HD_ENOMEM || rc == HD_ELIMIT)
        F->rc = rc;
    make_const(F, e, rc ? NULL : res);
}

static void fold_list(folder_t *F, sc_node_t **v, int n)
{
    for (int i = 0; i < n && !F->rc; i++)
        if (v[i])
            fold_expr(F, v[i]);
}

/* fold_target: a target of an assignment, augmented assignment, del or
 * for. ast_opt.c folds only Load contexts: a store target is never itself
 * made a constant (`(1, 2)[0] += 1` must raise TypeError when it runs), but
 * the expressions inside it are loads (the tuple in `(1, 2)[0]`). */
static void fold_target(folder_t *F, sc_node_t *t)
{
    if (!t || F->rc)
        return;
    switch (t->kind) {
    case E_SUBSCRIPT:
        fold_expr(F, t->a);
        fold_expr(F, t->b);
        return;
    case E_ATTR:
    case E_STARRED:
        fold_expr(F, t->a);
        return;
    case E_TUPLE:
    case E_LIST:
        for (int i = 0; i < t->nlist && !F->rc; i++)
            fold_target(F, t->list[i]);
        return;
    default: /* a name, or what the compiler refuses */
        return;
    }
}

static void fold_targets(folder_t *F, sc_node_t **v, int n)
{
    for (int i = 0; i < n && !F->rc; i++)
        fold_target(F, v[i]);
}

static void fold_comprehensions(folder_t *F, sc_node_t *e)
{
    for (int i = 0; i < e->nlist; i++) {
        sc_node_t *g = e->list[i];
        fold_target(F, g->a);
        fold_expr(F, g->b);
        fold_iter(F, g->b);
        fold_list(F, g->list, g->nlist);
    }
}

static void fold_expr(folder_t *F, sc_node_t *e)
{
    if (!e || F->rc)
        return;
    switch (e->kind) {
    case E_BINOP:
        fold_expr(F, e->a);
        fold_expr(F, e->b);
        fold_binop(F, e);
        return;
    case E_UNARY:
        fold_expr(F, e->a);
        fold_unary(F, e);
        return;
    case E_TUPLE:
        fold_list(F, e->list, e->nlist);
        if (!has_starred(e->list, e->nlist))
            make_const(F, e, const_tuple(F, e->list, e->nlist));
        return;
    case E_SUBSCRIPT:
        fold_expr(F, e->a);
        fold_expr(F, e->b);
        fold_subscript(F, e);
        return;
    case E_COMPARE:
        fold_expr(F, e->a);
        fold_list(F, e->list, e->nlist);
        if (e->ops[e->nlist - 1] == CO_IN || e->ops[e->nlist - 1] == CO_NOTIN)
            fold_iter(F, e->list[e->nlist - 1]);
        return;
    case E_LISTCOMP:
    case E_SETCOMP:
    case E_DICTCOMP:
        fold_expr(F, e->a);
        fold_expr(F, e->b);
        fold_comprehensions(F, e);
        return;
    case E_LAMBDA:
        fold_list(F, e->args->defaults, e->args->ndefaults);
        fold_expr(F, e->a);
        return;
    default:
        break;
    }
    fold_expr(F, e->a);
    fold_expr(F, e->b);
    fold_expr(F, e->c);
    fold_list(F, e->list, e->nlist);
    fold_list(F, e->list2, e->nlist2);
}

static void fold_stmt(folder_t *F, sc_node_t *s)
{
    switch (s->kind) {
    case S_FOR:
        fold_target(F, s->a);
        fold_expr(F, s->b);
        fold_iter(F, s->b);
        fold_stmts(F, s->list, s->nlist);
        fold_stmts(F, s->list2, s->nlist2);
        return;
    case S_IF:
    case S_WHILE:
        fold_expr(F, s->a);
        fold_stmts(F, s->list, s->nlist);
        fold_stmts(F, s->list2, s->nlist2);
        return;
    case S_DEF:
        fold_list(F, s->args->defaults, s->args->ndefaults);
        fold_stmts(F, s->list, s->nlist);
        return;
    case S_CLASS:
        fold_list(F, s->list2, s->nlist2);
        fold_stmts(F, s->list, s->nlist);
        return;
    case S_TRY:
        fold_stmts(F, s->list, s->nlist);
        for (int i = 0; i < s->nlist2; i++) {
            fold_expr(F, s->list2[i]->a);
            fold_stmts(F, s->list2[i]->list, s->list2[i]->nlist);
        }
        fold_stmts(F, s->list3, s->nlist3);
        fold_stmts(F, s->list4, s->nlist4);
        return;
    case S_ASSIGN:
    case S_DEL:
        fold_targets(F, s->list, s->nlist);
        fold_expr(F, s->a);
        return;
    case S_AUGASSIGN:
        fold_target(F, s->a);
        fold_expr(F, s->b);
        return;
    default:
        fold_expr(F, s->a);
        fold_expr(F, s->b);
        return;
    }
}

static void fold_stmts(folder_t *F, sc_node_t **v, int n)
{
    for (int i = 0; i < n && !F->rc; i++)
        fold_stmt(F, v[i]);
}

int sc_fold(sc_arena_t *a, hd_heap_t *h, sc_node_t *mod, int max_depth)
{
    (void)max_depth;
    folder_t F = {a, h, 0};
    fold_stmts(&F, mod->list, mod->nlist);
    return F.rc;
}
