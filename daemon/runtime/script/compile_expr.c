/*
 * compile_expr.c: expressions, as CPython 3.11's compiler_visit_expr and
 * its helpers emit them: displays (BUILD_LIST 0 + LIST_EXTEND of constant
 * items, dict displays in 17-pair chunks, BUILD_CONST_KEY_MAP), calls
 * (LOAD_METHOD/CALL, KW_NAMES, CALL_FUNCTION_EX for star arguments),
 * comparisons chained with SWAP/COPY, f-strings, conditional jumps
 * (jump_if), and the code objects made inside an expression or a def:
 * function bodies, lambdas and comprehensions (a function each).
 */
#include "compile_int.h"

/* ---- expressions ---- */

bool cg_exprs(compiler_t *C, sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (!cg_expr(C, v[i]))
            return false;
    return true;
}

sc_scope_t *cg_child_scope(compiler_t *C, const sc_node_t *node)
{
    sc_scope_t *s = C->u->scope;
    for (int i = 0; i < s->nchildren; i++)
        if (s->children[i]->node == node)
            return s->children[i];
    cg_cfail_node(C, node, "internal error: no scope");
    return NULL;
}

char *cg_make_qualname(compiler_t *C, const char *name)
{
    unit_t *u = C->u;
    if (u->flags & CO_MODULE)
        return sc_arena_strndup(C->a, name, strlen(name));
    const char *base = u->qualname;
    bool fn = u->flags & (CO_FUNCTION | CO_LAMBDA | CO_COMPREHENSION);
    size_t len = strlen(base) + strlen(name) + 12;
    char *q = sc_arena_alloc(C->a, len);
    if (q)
        snprintf(q, len, fn ? "%s.<locals>.%s" : "%s.%s", base, name);
    else
        cg_coom(C, HD_ENOMEM);
    return q;
}

/* make_closure: pushes the function made from `code` (steals code) with
 * the given defaults already on the stack (flags MF_DEFAULTS). */
bool cg_make_closure(compiler_t *C, hd_obj_t *code, int flags)
{
    sc_code_t *co = (sc_code_t *)code;
    if (co->nfree) {
        for (uint32_t i = 0; i < co->nfree; i++) {
            const char *name = co->varnames[co->nlocals - co->nfree + i];
            int idx = cg_deref_index(C, name);
            if (idx < 0) {
                hd__decref(C->h, code);
                return cg_cfail(C, (int)C->u->line, C->u->col, "SyntaxError",
                                "internal error: free variable '%s'", name);
            }
            if (cg_emit(C, OP_LOAD_CLOSURE, idx) < 0) {
                hd__decref(C->h, code);
                return false;
            }
        }
        if (cg_emit(C, OP_BUILD_TUPLE, (int)co->nfree) < 0) {
            hd__decref(C->h, code);
            return false;
        }
        flags |= MF_CLOSURE;
    }
    int i = cg_add_new_const(C, code);
    return i >= 0 && cg_emit(C, OP_LOAD_CONST, i) >= 0 && cg_emit(C, OP_MAKE_FUNCTION, flags) >= 0;
}

/* defaults: pushes the defaults tuple; constant defaults become one
 * constant tuple, as the peephole optimizer folds them. Returns the
 * MAKE_FUNCTION flags. */
static int defaults(compiler_t *C, const sc_args_t *args)
{
    if (!args->ndefaults)
        return 0;
    bool all_const = true;
    for (int i = 0; i < args->ndefaults; i++)
        all_const &= args->defaults[i]->kind == E_CONST;
    if (all_const) {
        hd_obj_t *vals[256], *t;
        for (int i = 0; i < args->ndefaults; i++)
            vals[i] = args->defaults[i]->value;
        int rc = hd_tuple_new(C->h, (size_t)args->ndefaults, vals, &t);
        if (rc)
            return cg_coom(C, rc) ? -1 : -1;
        int idx = cg_add_new_const(C, t);
        return idx >= 0 && cg_emit(C, OP_LOAD_CONST, idx) >= 0 ? MF_DEFAULTS : -1;
    }
    if (!cg_exprs(C, args->defaults, args->ndefaults) ||
        cg_emit(C, OP_BUILD_TUPLE, args->ndefaults) < 0)
        return -1;
    return MF_DEFAULTS;
}

bool cg_function_body(compiler_t *C, const sc_node_t *node, const sc_args_t *args, sc_node_t **body,
                      int nbody, sc_node_t *lambda_body, const char *name, int flags)
{
    sc_scope_t *scope = cg_child_scope(C, node);
    if (!scope)
        return false;
    int mf = defaults(C, args);
    if (mf < 0)
        return false;
    char *qualname = cg_make_qualname(C, name);
    if (!qualname)
        return false;
    unit_t u;
    if (!cg_enter_unit(C, &u, scope, CO_FUNCTION | (uint32_t)flags, name, qualname,
                       (int)node->line))
        return false;
    u.argcount = args->nargs;
    for (int i = 0; i < args->nargs; i++)
        cg_var_index(C, args->names[i]);
    bool ok = cg_prologue(C);
    if (ok && lambda_body) {
        cg_set_loc(C, lambda_body);
        ok = cg_expr(C, lambda_body) && cg_emit(C, OP_RETURN_VALUE, 0) >= 0;
    } else if (ok) {
        ok = cg_stmts(C, body, nbody);
        if (ok && (nbody == 0 || body[nbody - 1]->kind != S_RETURN))
            ok = cg_emit_none(C) && cg_emit(C, OP_RETURN_VALUE, 0) >= 0;
    }
    hd_obj_t *code = cg_leave_unit(C);
    cg_set_loc(C, node);
    return ok && code && cg_make_closure(C, code, mf);
}

static bool comprehension_gen(compiler_t *C, sc_node_t *e, int gen, int elt_depth);

static bool comprehension(compiler_t *C, sc_node_t *e)
{
    static const char *const names[] = {"<listcomp>", "<setcomp>", "<dictcomp>"};
    int which = e->kind == E_LISTCOMP ? 0 : e->kind == E_SETCOMP ? 1 : 2;
    sc_scope_t *scope = cg_child_scope(C, e);
    if (!scope)
        return false;
    char *qualname = cg_make_qualname(C, names[which]);
    if (!qualname)
        return false;
    unit_t u;
    if (!cg_enter_unit(C, &u, scope, CO_FUNCTION | CO_COMPREHENSION, names[which], qualname,
                       (int)e->line))
        return false;
    cg_set_loc(C, e);
    u.argcount = 1;
    cg_var_index(C, ".0");
    static const int build[] = {OP_BUILD_LIST, OP_BUILD_SET, OP_BUILD_MAP};
    bool ok = cg_prologue(C) && cg_emit(C, build[which], 0) >= 0 && comprehension_gen(C, e, 0, 1) &&
              cg_emit(C, OP_RETURN_VALUE, 0) >= 0;
    hd_obj_t *code = cg_leave_unit(C);
    cg_set_loc(C, e);
    if (!ok || !code)
        return false;
    if (!cg_make_closure(C, code, 0))
        return false;
    sc_node_t *outer = e->list[0]->b;
    cg_set_loc(C, outer);
    ok = cg_expr(C, outer) && cg_emit(C, OP_GET_ITER, 0) >= 0;
    cg_set_loc(C, e);
    return ok && cg_emit(C, OP_CALL, 0) >= 0;
}

/* comprehension_gen: the loops of a comprehension (inside its code) */
static bool comprehension_gen(compiler_t *C, sc_node_t *e, int gen, int depth)
{
    sc_node_t *g = e->list[gen];
    int start = cg_new_label(C), end = cg_new_label(C), skip = cg_new_label(C);
    if (start < 0 || end < 0 || skip < 0)
        return false;
    cg_set_loc(C, g);
    if (gen == 0) {
        if (cg_emit(C, OP_LOAD_FAST, 0) < 0)
            return false;
    } else if (!cg_expr(C, g->b) || cg_emit(C, OP_GET_ITER, 0) < 0) {
        return false;
    }
    cg_bind_label(C, start);
    if (cg_emit(C, OP_FOR_ITER, end) < 0 || !cg_store_target(C, g->a))
        return false;
    for (int i = 0; i < g->nlist; i++)
        if (!cg_jump_if(C, g->list[i], false, skip))
            return false;
    if (gen + 1 < e->nlist) {
        if (!comprehension_gen(C, e, gen + 1, depth + 1))
            return false;
    } else {
        cg_set_loc(C, e->a);
        if (e->kind == E_DICTCOMP) {
            if (!cg_expr(C, e->a) || !cg_expr(C, e->b) || cg_emit(C, OP_MAP_ADD, depth + 1) < 0)
                return false;
        } else if (!cg_expr(C, e->a) ||
                   cg_emit(C, e->kind == E_LISTCOMP ? OP_LIST_APPEND : OP_SET_ADD, depth + 1) < 0) {
            return false;
        }
    }
    cg_bind_label(C, skip);
    if (cg_emit(C, OP_JUMP, start) < 0)
        return false;
    cg_bind_label(C, end);
    return true;
}

static bool all_const(sc_node_t **v, int begin, int end)
{
    for (int i = begin; i < end; i++)
        if (!v[i] || v[i]->kind != E_CONST)
            return false;
    return true;
}

bool cg_has_starred(sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i]->kind == E_STARRED)
            return true;
    return false;
}

/* starunpack: list, tuple and set displays (starunpack_helper) */
static bool starunpack(compiler_t *C, sc_node_t *e, int build, int add, int extend, bool tuple)
{
    int n = e->nlist;
    if (n > 2 && all_const(e->list, 0, n)) {
        hd_obj_t *folded;
        hd_obj_t **vals = hd_mem_malloc(C->h->mem, (size_t)n * sizeof(hd_obj_t *));
        if (!vals)
            return cg_coom(C, HD_ENOMEM);
        for (int i = 0; i < n; i++)
            vals[i] = e->list[i]->value;
        int rc = build == OP_BUILD_SET ? hd_set_new(C->h, (size_t)n, vals, &folded)
                                       : hd_tuple_new(C->h, (size_t)n, vals, &folded);
        hd_mem_free(C->h->mem, vals);
        if (rc == HD_ETYPE)
            goto general; /* an unhashable constant: let it fail at run time */
        if (rc)
            return cg_coom(C, rc);
        int idx = cg_add_new_const(C, folded);
        return idx >= 0 && cg_emit(C, build, 0) >= 0 && cg_emit(C, OP_LOAD_CONST, idx) >= 0 &&
               cg_emit(C, extend, 1) >= 0 && (!tuple || cg_emit(C, OP_LIST_TO_TUPLE, 0) >= 0);
    }
general:;
    bool big = n > STACK_USE_GUIDELINE, star = cg_has_starred(e->list, n);
    if (!star && !big) {
        if (!cg_exprs(C, e->list, n))
            return false;
        return cg_emit(C, tuple ? OP_BUILD_TUPLE : build, n) >= 0;
    }
    bool built = false;
    if (big) {
        if (cg_emit(C, build, 0) < 0)
            return false;
        built = true;
    }
    for (int i = 0; i < n; i++) {
        sc_node_t *x = e->list[i];
        if (x->kind == E_STARRED) {
            if (!built) {
                if (cg_emit(C, build, i) < 0)
                    return false;
                built = true;
            }
            if (!cg_expr(C, x->a) || cg_emit(C, extend, 1) < 0)
                return false;
        } else {
            if (!cg_expr(C, x))
                return false;
            if (built && cg_emit(C, add, 1) < 0)
                return false;
        }
    }
    return !tuple || cg_emit(C, OP_LIST_TO_TUPLE, 0) >= 0;
}

static bool subdict(compiler_t *C, sc_node_t *e, int begin, int end)
{
    int n = end - begin;
    bool big = n * 2 > STACK_USE_GUIDELINE;
    if (n > 1 && !big && all_const(e->list, begin, end)) {
        if (!cg_exprs(C, e->list2 + begin, n))
            return false;
        hd_obj_t *vals[16], *keys;
        for (int i = 0; i < n; i++)
            vals[i] = e->list[begin + i]->value;
        int rc = hd_tuple_new(C->h, (size_t)n, vals, &keys);
        if (rc)
            return cg_coom(C, rc);
        int idx = cg_add_new_const(C, keys);
        return idx >= 0 && cg_emit(C, OP_LOAD_CONST, idx) >= 0 &&
               cg_emit(C, OP_BUILD_CONST_KEY_MAP, n) >= 0;
    }
    if (big && cg_emit(C, OP_BUILD_MAP, 0) < 0)
        return false;
    for (int i = begin; i < end; i++) {
        if (!cg_expr(C, e->list[i]) || !cg_expr(C, e->list2[i]))
            return false;
        if (big && cg_emit(C, OP_MAP_ADD, 1) < 0)
            return false;
    }
    return big || cg_emit(C, OP_BUILD_MAP, n) >= 0;
}

static bool dict_display(compiler_t *C, sc_node_t *e)
{
    int n = e->nlist, elements = 0;
    bool have = false;
    for (int i = 0; i < n; i++) {
        if (!e->list[i]) { /* **value: compiler_dict's unpacking */
            if (elements) {
                if (!subdict(C, e, i - elements, i))
                    return false;
                if (have && cg_emit(C, OP_DICT_UPDATE, 1) < 0)
                    return false;
                have = true;
                elements = 0;
            }
            if (!have && cg_emit(C, OP_BUILD_MAP, 0) < 0)
                return false;
            have = true;
            if (!cg_expr(C, e->list2[i]) || cg_emit(C, OP_DICT_UPDATE, 1) < 0)
                return false;
        } else if (elements * 2 > STACK_USE_GUIDELINE) {
            if (!subdict(C, e, i - elements, i + 1))
                return false;
            if (have && cg_emit(C, OP_DICT_UPDATE, 1) < 0)
                return false;
            have = true;
            elements = 0;
        } else {
            elements++;
        }
    }
    if (elements) {
        if (!subdict(C, e, n - elements, n))
            return false;
        if (have && cg_emit(C, OP_DICT_UPDATE, 1) < 0)
            return false;
        have = true;
    }
    return have || cg_emit(C, OP_BUILD_MAP, 0) >= 0;
}

static bool joined_str(compiler_t *C, sc_node_t *e)
{
    int n = e->nlist;
    if (n == 0) {
        hd_obj_t *empty;
        int rc = hd_str_new(C->h, "", 0, &empty);
        if (rc)
            return cg_coom(C, rc);
        int idx = cg_add_new_const(C, empty);
        return idx >= 0 && cg_emit(C, OP_LOAD_CONST, idx) >= 0;
    }
    if (n > STACK_USE_GUIDELINE) {
        hd_obj_t *empty;
        int rc = hd_str_new(C->h, "", 0, &empty);
        if (rc)
            return cg_coom(C, rc);
        int idx = cg_add_new_const(C, empty);
        if (idx < 0 || cg_emit(C, OP_LOAD_CONST, idx) < 0 ||
            !cg_emit_name_op(C, OP_LOAD_METHOD, "join") || cg_emit(C, OP_BUILD_LIST, 0) < 0)
            return false;
        for (int i = 0; i < n; i++)
            if (!cg_expr(C, e->list[i]) || cg_emit(C, OP_LIST_APPEND, 1) < 0)
                return false;
        return cg_emit(C, OP_CALL, 1) >= 0;
    }
    if (!cg_exprs(C, e->list, n))
        return false;
    return n == 1 || cg_emit(C, OP_BUILD_STRING, n) >= 0;
}

static bool formatted(compiler_t *C, sc_node_t *e)
{
    if (!cg_expr(C, e->a))
        return false;
    int flags = e->op == 's' ? 1 : e->op == 'r' ? 2 : e->op == 'a' ? 3 : 0;
    if (e->b) {
        if (!cg_expr(C, e->b))
            return false;
        flags |= 4;
    }
    cg_set_loc(C, e);
    return cg_emit(C, OP_FORMAT_VALUE, flags) >= 0;
}

/* call_helper: positional args then keywords, KW_NAMES, CALL */
bool cg_call_helper(compiler_t *C, sc_node_t *call, int pushed)
{
    int nargs = call->nlist, nkw = call->nlist2;
    bool star = cg_has_starred(call->list, nargs);
    for (int i = 0; i < nkw; i++)
        if (!call->list2[i]->name)
            star = true;
    if (star) {
        /* CALL_FUNCTION_EX: the positional arguments as one tuple */
        sc_node_t fake = *call;
        fake.kind = E_TUPLE;
        if (pushed) {
            return cg_cfail_node(C, call, "'*' in class bases is not supported");
        }
        if (!starunpack(C, &fake, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND, true))
            return false;
        if (nkw) {
            for (int i = 0; i < nkw; i++) {
                hd_obj_t *k;
                int rc = hd_str_new(C->h, call->list2[i]->name, strlen(call->list2[i]->name), &k);
                if (rc)
                    return cg_coom(C, rc);
                int idx = cg_add_new_const(C, k);
                if (idx < 0 || cg_emit(C, OP_LOAD_CONST, idx) < 0 || !cg_expr(C, call->list2[i]->a))
                    return false;
            }
            if (cg_emit(C, OP_BUILD_MAP, nkw) < 0)
                return false;
        }
        cg_set_loc(C, call);
        return cg_emit(C, OP_CALL_FUNCTION_EX, nkw ? 1 : 0) >= 0;
    }
    if (!cg_exprs(C, call->list, nargs))
        return false;
    for (int i = 0; i < nkw; i++)
        if (!cg_expr(C, call->list2[i]->a))
            return false;
    cg_set_loc(C, call);
    if (nkw) {
        hd_obj_t *names[256], *t;
        for (int i = 0; i < nkw; i++) {
            int rc =
                hd_str_new(C->h, call->list2[i]->name, strlen(call->list2[i]->name), &names[i]);
            if (rc) {
                while (i-- > 0)
                    hd__decref(C->h, names[i]);
                return cg_coom(C, rc);
            }
        }
        int rc = hd_tuple_new(C->h, (size_t)nkw, names, &t);
        for (int i = 0; i < nkw; i++)
            hd__decref(C->h, names[i]);
        if (rc)
            return cg_coom(C, rc);
        int idx = cg_add_new_const(C, t);
        if (idx < 0 || cg_emit(C, OP_KW_NAMES, idx) < 0)
            return false;
    }
    return cg_emit(C, OP_CALL, pushed + nargs + nkw) >= 0;
}

static bool call(compiler_t *C, sc_node_t *e)
{
    sc_node_t *f = e->a;
    if (e->nlist + e->nlist2 > 255)
        return cg_cfail_node(C, e, "too many arguments");
    bool star = cg_has_starred(e->list, e->nlist);
    if (f->kind == E_ATTR && !star) {
        bool kwstar = false;
        for (int i = 0; i < e->nlist2; i++)
            kwstar |= !e->list2[i]->name;
        if (!kwstar) {
            if (!cg_expr(C, f->a))
                return false;
            cg_set_loc(C, f);
            if (!cg_emit_name_op(C, OP_LOAD_METHOD, f->name))
                return false;
            return cg_call_helper(C, e, 0);
        }
    }
    cg_set_loc(C, e);
    if (f->kind == E_NAME) {
        sc_symbol_t *sym = sc_scope_lookup(C->u->scope, f->name);
        int scope = sym ? sym->scope : SYM_GLOBAL_IMPLICIT;
        if (scope == SYM_GLOBAL_EXPLICIT ||
            (scope == SYM_GLOBAL_IMPLICIT && C->u->scope->kind == SCOPE_FUNCTION)) {
            int i = cg_add_name(C, f->name);
            cg_set_loc(C, f);
            if (i < 0 || cg_emit(C, OP_LOAD_GLOBAL, (i << 1) | 1) < 0)
                return false;
            return cg_call_helper(C, e, 0);
        }
    }
    if (cg_emit(C, OP_PUSH_NULL, 0) < 0 || !cg_expr(C, f))
        return false;
    return cg_call_helper(C, e, 0);
}

static bool compare(compiler_t *C, sc_node_t *e)
{
    static const int kinds[] = {
        [CO_LT] = OP_COMPARE_OP,    [CO_LE] = OP_COMPARE_OP, [CO_EQ] = OP_COMPARE_OP,
        [CO_NE] = OP_COMPARE_OP,    [CO_GT] = OP_COMPARE_OP, [CO_GE] = OP_COMPARE_OP,
        [CO_IS] = OP_IS_OP,         [CO_ISNOT] = OP_IS_OP,   [CO_IN] = OP_CONTAINS_OP,
        [CO_NOTIN] = OP_CONTAINS_OP};
    static const int args[] = {
        [CO_LT] = CO_LT, [CO_LE] = CO_LE, [CO_EQ] = CO_EQ, [CO_NE] = CO_NE, [CO_GT] = CO_GT,
        [CO_GE] = CO_GE, [CO_IS] = 0,     [CO_ISNOT] = 1,  [CO_IN] = 0,     [CO_NOTIN] = 1};
    int n = e->nlist;
    if (!cg_expr(C, e->a))
        return false;
    if (n == 1) {
        if (!cg_expr(C, e->list[0]))
            return false;
        cg_set_loc(C, e);
        return cg_emit(C, kinds[e->ops[0]], args[e->ops[0]]) >= 0;
    }
    int cleanup = cg_new_label(C), end = cg_new_label(C);
    for (int i = 0; i < n - 1; i++) {
        if (!cg_expr(C, e->list[i]))
            return false;
        cg_set_loc(C, e);
        if (cg_emit(C, OP_SWAP, 2) < 0 || cg_emit(C, OP_COPY, 2) < 0 ||
            cg_emit(C, kinds[e->ops[i]], args[e->ops[i]]) < 0 ||
            cg_emit(C, OP_JUMP_IF_FALSE_OR_POP, cleanup) < 0)
            return false;
    }
    if (!cg_expr(C, e->list[n - 1]))
        return false;
    cg_set_loc(C, e);
    if (cg_emit(C, kinds[e->ops[n - 1]], args[e->ops[n - 1]]) < 0 || cg_emit(C, OP_JUMP, end) < 0)
        return false;
    cg_bind_label(C, cleanup);
    if (cg_emit(C, OP_SWAP, 2) < 0 || cg_emit(C, OP_POP_TOP, 0) < 0)
        return false;
    cg_bind_label(C, end);
    return true;
}

static bool boolop(compiler_t *C, sc_node_t *e)
{
    int end = cg_new_label(C);
    int op = e->op ? OP_JUMP_IF_TRUE_OR_POP : OP_JUMP_IF_FALSE_OR_POP;
    for (int i = 0; i < e->nlist; i++) {
        if (!cg_expr(C, e->list[i]))
            return false;
        if (i + 1 < e->nlist && cg_emit(C, op, end) < 0)
            return false;
    }
    cg_bind_label(C, end);
    return true;
}

static bool subscript(compiler_t *C, sc_node_t *e)
{
    if (!cg_expr(C, e->a))
        return false;
    if (!cg_expr(C, e->b))
        return false;
    cg_set_loc(C, e);
    return cg_emit(C, OP_BINARY_SUBSCR, 0) >= 0;
}

static bool slice(compiler_t *C, sc_node_t *e)
{
    int n = 2;
    if (e->a ? !cg_expr(C, e->a) : !cg_emit_none(C))
        return false;
    if (e->b ? !cg_expr(C, e->b) : !cg_emit_none(C))
        return false;
    if (e->c) {
        if (!cg_expr(C, e->c))
            return false;
        n = 3;
    }
    cg_set_loc(C, e);
    return cg_emit(C, OP_BUILD_SLICE, n) >= 0;
}

static bool ifexp(compiler_t *C, sc_node_t *e)
{
    int orelse = cg_new_label(C), end = cg_new_label(C);
    if (!cg_jump_if(C, e->a, false, orelse) || !cg_expr(C, e->b) || cg_emit(C, OP_JUMP, end) < 0)
        return false;
    cg_bind_label(C, orelse);
    if (!cg_expr(C, e->c))
        return false;
    cg_bind_label(C, end);
    return true;
}

/* expr: one case per kind of expression node (the larger ones are
 * functions of their own) */
bool cg_expr(compiler_t *C, sc_node_t *e)
{
    if (C->failed)
        return false;
    uint32_t line = C->u->line;
    uint16_t col = C->u->col;
    cg_set_loc(C, e);
    bool ok;
    switch (e->kind) {
    case E_NAME:
        ok = cg_nameop(C, e->name, 0);
        break;
    case E_CONST:
        ok = cg_emit_const(C, e->value);
        break;
    case E_JOINEDSTR:
        ok = joined_str(C, e);
        break;
    case E_FORMATTED:
        ok = formatted(C, e);
        break;
    case E_LIST:
        ok = starunpack(C, e, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND, false);
        break;
    case E_TUPLE:
        ok = starunpack(C, e, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND, true);
        break;
    case E_SET:
        ok = starunpack(C, e, OP_BUILD_SET, OP_SET_ADD, OP_SET_UPDATE, false);
        break;
    case E_DICT:
        ok = dict_display(C, e);
        break;
    case E_LISTCOMP:
    case E_SETCOMP:
    case E_DICTCOMP:
        ok = comprehension(C, e);
        break;
    case E_ATTR:
        ok = cg_expr(C, e->a);
        cg_set_loc(C, e);
        ok = ok && cg_emit_name_op(C, OP_LOAD_ATTR, e->name);
        break;
    case E_SUBSCRIPT:
        ok = subscript(C, e);
        break;
    case E_SLICE:
        ok = slice(C, e);
        break;
    case E_CALL:
        ok = call(C, e);
        break;
    case E_BINOP:
        ok = cg_expr(C, e->a) && cg_expr(C, e->b);
        cg_set_loc(C, e);
        ok = ok && cg_emit(C, OP_BINARY_OP, e->op) >= 0;
        break;
    case E_UNARY: {
        static const int ops[] = {OP_UNARY_NEGATIVE, OP_UNARY_POSITIVE, OP_UNARY_INVERT,
                                  OP_UNARY_NOT};
        ok = cg_expr(C, e->a);
        cg_set_loc(C, e);
        ok = ok && cg_emit(C, ops[e->op], 0) >= 0;
        break;
    }
    case E_BOOLOP:
        ok = boolop(C, e);
        break;
    case E_COMPARE:
        ok = compare(C, e);
        break;
    case E_IFEXP:
        ok = ifexp(C, e);
        break;
    case E_LAMBDA:
        ok = cg_function_body(C, e, e->args, NULL, 0, e->a, "<lambda>", CO_LAMBDA);
        break;
    case E_STARRED:
        ok = cg_cfail_node(C, e, "can't use starred expression here");
        break;
    default:
        ok = cg_cfail_node(C, e, "invalid syntax");
        break;
    }
    C->u->line = line;
    C->u->col = col;
    return ok && !C->failed;
}

/* jump_if: jumps to label when e's truth is `cond` (compiler_jump_if) */
bool cg_jump_if(compiler_t *C, sc_node_t *e, bool cond, int label)
{
    if (e->kind == E_UNARY && e->op == UO_NOT)
        return cg_jump_if(C, e->a, !cond, label);
    if (e->kind == E_BOOLOP) {
        bool is_or = e->op == 1;
        int next = label;
        int end = -1;
        if (is_or != cond) {
            end = cg_new_label(C);
            next = end;
        }
        for (int i = 0; i < e->nlist - 1; i++)
            if (!cg_jump_if(C, e->list[i], is_or, next))
                return false;
        if (!cg_jump_if(C, e->list[e->nlist - 1], cond, label))
            return false;
        if (end >= 0)
            cg_bind_label(C, end);
        return true;
    }
    if (e->kind == E_IFEXP) {
        int end = cg_new_label(C), next2 = cg_new_label(C);
        if (!cg_jump_if(C, e->a, false, next2) || !cg_jump_if(C, e->b, cond, label) ||
            cg_emit(C, OP_JUMP, end) < 0)
            return false;
        cg_bind_label(C, next2);
        if (!cg_jump_if(C, e->c, cond, label))
            return false;
        cg_bind_label(C, end);
        return true;
    }
    if (!cg_expr(C, e))
        return false;
    cg_set_loc(C, e);
    return cg_emit(C, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE, label) >= 0;
}
