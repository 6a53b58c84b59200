/*
 * compile_stmt.c: assignment targets (store_target, delete_target) and
 * statements: assignments (a, b = b, a as SWAP), augmented assignment,
 * if/while/for with their loop labels, return, break/continue, import,
 * class bodies (a unit run by __build_class__), assert, and the module
 * body (stmts).
 */
#include "compile_int.h"

/* ---- stores ---- */

bool cg_store_target(compiler_t *C, sc_node_t *t)
{
    uint32_t line = C->u->line;
    uint16_t col = C->u->col;
    cg_set_loc(C, t);
    bool ok;
    switch (t->kind) {
    case E_NAME:
        ok = cg_nameop(C, t->name, 1);
        break;
    case E_ATTR:
        ok = cg_expr(C, t->a);
        cg_set_loc(C, t);
        ok = ok && cg_emit_name_op(C, OP_STORE_ATTR, t->name);
        break;
    case E_SUBSCRIPT:
        ok = cg_expr(C, t->a) && cg_expr(C, t->b);
        cg_set_loc(C, t);
        ok = ok && cg_emit(C, OP_STORE_SUBSCR, 0) >= 0;
        break;
    case E_TUPLE:
    case E_LIST:
        if (cg_has_starred(t->list, t->nlist))
            return cg_cfail_node(C, t,
                                 "starred assignment is not supported by the heap script "
                                 "language");
        ok = cg_emit(C, OP_UNPACK_SEQUENCE, t->nlist) >= 0;
        for (int i = 0; ok && i < t->nlist; i++)
            ok = cg_store_target(C, t->list[i]);
        break;
    default:
        ok = cg_cfail_node(C, t, "cannot assign to expression");
    }
    C->u->line = line;
    C->u->col = col;
    return ok;
}

static bool delete_target(compiler_t *C, sc_node_t *t)
{
    cg_set_loc(C, t);
    switch (t->kind) {
    case E_NAME:
        return cg_nameop(C, t->name, 2);
    case E_ATTR:
        if (!cg_expr(C, t->a))
            return false;
        cg_set_loc(C, t);
        return cg_emit_name_op(C, OP_DELETE_ATTR, t->name);
    case E_SUBSCRIPT:
        if (!cg_expr(C, t->a) || !cg_expr(C, t->b))
            return false;
        cg_set_loc(C, t);
        return cg_emit(C, OP_DELETE_SUBSCR, 0) >= 0;
    case E_TUPLE:
    case E_LIST:
        for (int i = 0; i < t->nlist; i++)
            if (!delete_target(C, t->list[i]))
                return false;
        return true;
    }
    return cg_cfail_node(C, t, "cannot delete expression");
}

/* ---- statements ---- */

static bool assign(compiler_t *C, sc_node_t *s)
{
    sc_node_t *v = s->a;
    /* `a, b = x, y` with 2 or 3 names: the peephole's SWAP instead of a
     * tuple (BUILD_TUPLE n + UNPACK_SEQUENCE n) */
    if (s->nlist == 1 && v->kind == E_TUPLE &&
        (s->list[0]->kind == E_TUPLE || s->list[0]->kind == E_LIST) &&
        s->list[0]->nlist == v->nlist && v->nlist >= 1 && v->nlist <= 3 &&
        !cg_has_starred(v->list, v->nlist) && !cg_has_starred(s->list[0]->list, v->nlist)) {
        if (!cg_exprs(C, v->list, v->nlist))
            return false;
        cg_set_loc(C, s->list[0]);
        if (v->nlist > 1 && cg_emit(C, OP_SWAP, v->nlist) < 0)
            return false;
        sc_node_t *t = s->list[0];
        if (v->nlist == 3) { /* SWAP 3 reversed the ends: store in stack order */
            for (int i = 0; i < 3; i++)
                if (!cg_store_target(C, t->list[i]))
                    return false;
            return true;
        }
        for (int i = 0; i < t->nlist; i++)
            if (!cg_store_target(C, t->list[i]))
                return false;
        return true;
    }
    if (!cg_expr(C, v))
        return false;
    for (int i = 0; i < s->nlist; i++) {
        if (i < s->nlist - 1 && cg_emit(C, OP_COPY, 1) < 0)
            return false;
        if (!cg_store_target(C, s->list[i]))
            return false;
    }
    return true;
}

static bool augassign(compiler_t *C, sc_node_t *s)
{
    sc_node_t *t = s->a;
    cg_set_loc(C, t);
    switch (t->kind) {
    case E_ATTR:
        if (!cg_expr(C, t->a) || cg_emit(C, OP_COPY, 1) < 0 ||
            !cg_emit_name_op(C, OP_LOAD_ATTR, t->name))
            return false;
        break;
    case E_SUBSCRIPT:
        if (!cg_expr(C, t->a) || !cg_expr(C, t->b) || cg_emit(C, OP_COPY, 2) < 0 ||
            cg_emit(C, OP_COPY, 2) < 0 || cg_emit(C, OP_BINARY_SUBSCR, 0) < 0)
            return false;
        break;
    case E_NAME:
        if (!cg_nameop(C, t->name, 0))
            return false;
        break;
    default: /* the parser lets only the three kinds through */
        return cg_cfail_node(C, t, "illegal expression for augmented assignment");
    }
    if (!cg_expr(C, s->b))
        return false;
    cg_set_loc(C, s);
    if (cg_emit(C, OP_BINARY_OP, s->op | 0x100) < 0)
        return false;
    cg_set_loc(C, t);
    switch (t->kind) {
    case E_ATTR:
        return cg_emit(C, OP_SWAP, 2) >= 0 && cg_emit_name_op(C, OP_STORE_ATTR, t->name);
    case E_SUBSCRIPT:
        return cg_emit(C, OP_SWAP, 3) >= 0 && cg_emit(C, OP_SWAP, 2) >= 0 &&
               cg_emit(C, OP_STORE_SUBSCR, 0) >= 0;
    default:
        return cg_nameop(C, t->name, 1);
    }
}

static bool if_stmt(compiler_t *C, sc_node_t *s)
{
    int end = cg_new_label(C), orelse = s->nlist2 ? cg_new_label(C) : end;
    if (!cg_jump_if(C, s->a, false, orelse) || !cg_stmts(C, s->list, s->nlist))
        return false;
    if (s->nlist2) {
        if (cg_emit(C, OP_JUMP, end) < 0)
            return false;
        cg_bind_label(C, orelse);
        if (!cg_stmts(C, s->list2, s->nlist2))
            return false;
    }
    cg_bind_label(C, end);
    return true;
}

static bool push_loop(compiler_t *C, const sc_node_t *s, int kind, int cont, int brk)
{
    unit_t *u = C->u;
    if (u->nloops == MAX_LOOPS)
        return cg_cfail(C, (int)s->line, s->col, "SyntaxError",
                        "too many statically nested blocks");
    u->loops[u->nloops++] = (loop_t){kind, cont, brk};
    return true;
}

/* loop_rest: the rest of a while or for loop once its loop entry is
 * pushed: the body, the jump back to start, then the else clause at
 * orelse (where the loop ends without a break) and the end label */
static bool loop_rest(compiler_t *C, sc_node_t *s, int start, int orelse, int end)
{
    bool ok = cg_stmts(C, s->list, s->nlist);
    C->u->nloops--;
    if (!ok || cg_emit(C, OP_JUMP, start) < 0)
        return false;
    cg_bind_label(C, orelse);
    if (!cg_stmts(C, s->list2, s->nlist2))
        return false;
    cg_bind_label(C, end);
    return true;
}

static bool while_stmt(compiler_t *C, sc_node_t *s)
{
    int start = cg_new_label(C), orelse = cg_new_label(C), end = cg_new_label(C);
    cg_bind_label(C, start);
    if (!cg_jump_if(C, s->a, false, orelse) || !push_loop(C, s, LOOP_WHILE, start, end))
        return false;
    return loop_rest(C, s, start, orelse, end);
}

static bool for_stmt(compiler_t *C, sc_node_t *s)
{
    int start = cg_new_label(C), cleanup = cg_new_label(C), end = cg_new_label(C);
    if (!cg_expr(C, s->b))
        return false;
    cg_set_loc(C, s->b);
    if (cg_emit(C, OP_GET_ITER, 0) < 0)
        return false;
    cg_bind_label(C, start);
    cg_set_loc(C, s);
    if (cg_emit(C, OP_FOR_ITER, cleanup) < 0 || !cg_store_target(C, s->a) ||
        !push_loop(C, s, LOOP_FOR, start, end))
        return false;
    return loop_rest(C, s, start, cleanup, end);
}

static bool return_stmt(compiler_t *C, sc_node_t *s)
{
    unit_t *u = C->u;
    if (!(u->flags & (CO_FUNCTION)) || (u->flags & CO_CLASS))
        return cg_cfail_node(C, s, "'return' outside function");
    if (s->a ? !cg_expr(C, s->a) : !cg_emit_none(C))
        return false;
    cg_set_loc(C, s);
    for (int i = u->nloops; i-- > 0;)
        if (u->loops[i].kind == LOOP_FOR &&
            (cg_emit(C, OP_SWAP, 2) < 0 || cg_emit(C, OP_POP_TOP, 0) < 0))
            return false;
    return cg_emit(C, OP_RETURN_VALUE, 0) >= 0;
}

static bool break_continue(compiler_t *C, sc_node_t *s)
{
    unit_t *u = C->u;
    if (!u->nloops)
        return cg_cfail_node(
            C, s, s->kind == S_BREAK ? "'break' outside loop" : "'continue' not properly in loop");
    loop_t *l = &u->loops[u->nloops - 1];
    if (s->kind == S_CONTINUE)
        return cg_emit(C, OP_JUMP, l->continue_label) >= 0;
    if (l->kind == LOOP_FOR && cg_emit(C, OP_POP_TOP, 0) < 0)
        return false;
    return cg_emit(C, OP_JUMP, l->break_label) >= 0;
}

static bool import_stmt(compiler_t *C, sc_node_t *s)
{
    for (int i = 0; i < s->nnames; i++) {
        hd_obj_t *zero;
        int rc = hd_int_from_i64(C->h, 0, &zero);
        if (rc)
            return cg_coom(C, rc);
        int idx = cg_add_new_const(C, zero);
        if (idx < 0 || cg_emit(C, OP_LOAD_CONST, idx) < 0 || !cg_emit_none(C) ||
            !cg_emit_name_op(C, OP_IMPORT_NAME, s->names[i]))
            return false;
        const char *name = s->names[i];
        const char *dot = strchr(name, '.');
        if (s->asnames[i]) {
            /* import a.b as c: walk down with IMPORT_FROM */
            while (dot) {
                const char *next = strchr(dot + 1, '.');
                size_t len = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
                char *part = sc_arena_strndup(C->a, dot + 1, len);
                if (!part || !cg_emit_name_op(C, OP_IMPORT_FROM, part) ||
                    cg_emit(C, OP_SWAP, 2) < 0 || cg_emit(C, OP_POP_TOP, 0) < 0)
                    return part ? false : cg_coom(C, HD_ENOMEM);
                dot = next;
            }
            if (!cg_nameop(C, s->asnames[i], 1))
                return false;
        } else {
            char *first = sc_arena_strndup(C->a, name, dot ? (size_t)(dot - name) : strlen(name));
            if (!first)
                return cg_coom(C, HD_ENOMEM);
            if (!cg_nameop(C, first, 1))
                return false;
        }
    }
    return true;
}

static bool importfrom_stmt(compiler_t *C, sc_node_t *s)
{
    if (s->level)
        return cg_cfail_node(C, s, "attempted relative import with no known parent package");
    hd_obj_t *level, *names[64], *t;
    int rc = hd_int_from_i64(C->h, 0, &level);
    if (rc)
        return cg_coom(C, rc);
    int idx = cg_add_new_const(C, level);
    if (idx < 0 || cg_emit(C, OP_LOAD_CONST, idx) < 0)
        return false;
    for (int i = 0; i < s->nnames; i++)
        if ((rc = hd_str_new(C->h, s->names[i], strlen(s->names[i]), &names[i]))) {
            while (i-- > 0)
                hd__decref(C->h, names[i]);
            return cg_coom(C, rc);
        }
    rc = hd_tuple_new(C->h, (size_t)s->nnames, names, &t);
    for (int i = 0; i < s->nnames; i++)
        hd__decref(C->h, names[i]);
    if (rc)
        return cg_coom(C, rc);
    idx = cg_add_new_const(C, t);
    if (idx < 0 || cg_emit(C, OP_LOAD_CONST, idx) < 0 ||
        !cg_emit_name_op(C, OP_IMPORT_NAME, s->name))
        return false;
    for (int i = 0; i < s->nnames; i++)
        if (!cg_emit_name_op(C, OP_IMPORT_FROM, s->names[i]) ||
            !cg_nameop(C, s->asnames[i] ? s->asnames[i] : s->names[i], 1))
            return false;
    return cg_emit(C, OP_POP_TOP, 0) >= 0;
}

static bool class_stmt(compiler_t *C, sc_node_t *s)
{
    sc_scope_t *scope = cg_child_scope(C, s);
    if (!scope)
        return false;
    char *qualname = cg_make_qualname(C, s->name);
    if (!qualname)
        return false;
    if (cg_emit(C, OP_PUSH_NULL, 0) < 0 || cg_emit(C, OP_LOAD_BUILD_CLASS, 0) < 0)
        return false;
    unit_t u;
    if (!cg_enter_unit(C, &u, scope, CO_CLASS, s->name, qualname, (int)s->line))
        return false;
    hd_obj_t *qn;
    bool ok = cg_prologue(C) && cg_nameop(C, "__name__", 0) && cg_nameop(C, "__module__", 1);
    if (ok) {
        int rc = hd_str_new(C->h, qualname, strlen(qualname), &qn);
        int idx = rc ? (cg_coom(C, rc), -1) : cg_add_new_const(C, qn);
        ok = idx >= 0 && cg_emit(C, OP_LOAD_CONST, idx) >= 0 && cg_nameop(C, "__qualname__", 1);
    }
    ok = ok && cg_stmts(C, s->list, s->nlist) && cg_emit_none(C) &&
         cg_emit(C, OP_RETURN_VALUE, 0) >= 0;
    hd_obj_t *code = cg_leave_unit(C);
    cg_set_loc(C, s);
    if (!ok || !code || !cg_make_closure(C, code, 0))
        return false;
    hd_obj_t *name;
    int rc = hd_str_new(C->h, s->name, strlen(s->name), &name);
    if (rc)
        return cg_coom(C, rc);
    int idx = cg_add_new_const(C, name);
    if (idx < 0 || cg_emit(C, OP_LOAD_CONST, idx) < 0)
        return false;
    sc_node_t fake = *s;
    fake.list = s->list2, fake.nlist = s->nlist2;
    fake.list2 = s->list3, fake.nlist2 = s->nlist3;
    if (!cg_call_helper(C, &fake, 2))
        return false;
    return cg_nameop(C, s->name, 1);
}

static bool assert_stmt(compiler_t *C, sc_node_t *s)
{
    int end = cg_new_label(C);
    if (!cg_jump_if(C, s->a, true, end))
        return false;
    cg_set_loc(C, s);
    /* CPython: LOAD_ASSERTION_ERROR [msg CALL] RAISE_VARARGS 1. The VM
     * raises AssertionError itself from RAISE_VARARGS with the message (arg
     * 1) or without (arg 0): no exception object is modelled */
    if (s->b && !cg_expr(C, s->b))
        return false;
    if (cg_emit(C, OP_RAISE_VARARGS, s->b ? 1 : 0) < 0)
        return false;
    cg_bind_label(C, end);
    return true;
}

static bool stmt(compiler_t *C, sc_node_t *s)
{
    cg_set_loc(C, s);
    switch (s->kind) {
    case S_EXPR: /* interactive, at module level (loops included): sys.displayhook */
        return cg_expr(C, s->a) &&
               cg_emit(C, C->interactive && (C->u->flags & CO_MODULE) ? OP_PRINT_EXPR : OP_POP_TOP,
                       0) >= 0;
    case S_ASSIGN:
        return assign(C, s);
    case S_AUGASSIGN:
        return augassign(C, s);
    case S_DEL:
        for (int i = 0; i < s->nlist; i++)
            if (!delete_target(C, s->list[i]))
                return false;
        return true;
    case S_PASS:
    case S_GLOBAL:
    case S_NONLOCAL:
        return true;
    case S_BREAK:
    case S_CONTINUE:
        return break_continue(C, s);
    case S_RETURN:
        return return_stmt(C, s);
    case S_IMPORT:
        return import_stmt(C, s);
    case S_IMPORTFROM:
        return importfrom_stmt(C, s);
    case S_IF:
        return if_stmt(C, s);
    case S_WHILE:
        return while_stmt(C, s);
    case S_FOR:
        return for_stmt(C, s);
    case S_DEF:
        return cg_function_body(C, s, s->args, s->list, s->nlist, NULL, s->name, 0) &&
               (cg_set_loc(C, s), cg_nameop(C, s->name, 1));
    case S_CLASS:
        return class_stmt(C, s);
    case S_ASSERT:
        return assert_stmt(C, s);
    case S_RAISE:
        return cg_cfail_node(C, s, "'raise' is not supported by the heap script language");
    case S_TRY:
        return cg_cfail_node(C, s, "'try' is not supported by the heap script language");
    }
    return cg_cfail_node(C, s, "invalid syntax");
}

bool cg_stmts(compiler_t *C, sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (!stmt(C, v[i]))
            return false;
    return true;
}
