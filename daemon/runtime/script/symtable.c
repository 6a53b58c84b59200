/*
 * symtable.c: scopes of the heap script language, as CPython 3.11's
 * Python/symtable.c computes them: which names of a function are local,
 * global, free (from an enclosing function) or cells (captured by an inner
 * function), with the class-scope rules (class bodies use the namespace
 * dict; their names are not visible to methods) and 3.11's comprehensions,
 * which are function scopes of their own whose first iterable is evaluated
 * outside.
 *
 * The tree of scopes mirrors the tree of defs, lambdas, classes and
 * comprehensions; the compiler finds a node's scope by walking the same
 * tree in the same order (sc_scope_child). Everything lives in the arena.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "symtable.h"

typedef struct builder {
    sc_arena_t *a;
    sc_syntax_error_t *err;
    bool failed;
} builder_t;

static bool st_fail(builder_t *B, const sc_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool st_fail(builder_t *B, const sc_node_t *n, const char *fmt, ...)
{
    if (!B->failed) {
        va_list ap;
        va_start(ap, fmt);
        B->failed = true;
        B->err->line = (int)n->line;
        B->err->col = n->col;
        B->err->type = "SyntaxError";
        B->err->rc = 0;
        vsnprintf(B->err->msg, sizeof(B->err->msg), fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool st_oom(builder_t *B)
{
    if (!B->failed) {
        B->failed = true;
        B->err->rc = HD_ENOMEM;
    }
    return false;
}

sc_symbol_t *sc_scope_lookup(sc_scope_t *s, const char *name)
{
    for (int i = 0; i < s->nsyms; i++)
        if (strcmp(s->syms[i].name, name) == 0)
            return &s->syms[i];
    return NULL;
}

static sc_symbol_t *add_sym(builder_t *B, sc_scope_t *s, const char *name, unsigned flags)
{
    sc_symbol_t *sym = sc_scope_lookup(s, name);
    if (sym) {
        sym->flags |= flags;
        return sym;
    }
    if (s->nsyms == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        sc_symbol_t *v = sc_arena_alloc(B->a, (size_t)cap * sizeof(*v));
        if (!v) {
            st_oom(B);
            return NULL;
        }
        if (s->nsyms)
            memcpy(v, s->syms, (size_t)s->nsyms * sizeof(*v));
        s->syms = v;
        s->cap = cap;
    }
    sym = &s->syms[s->nsyms++];
    sym->name = name;
    sym->flags = flags;
    sym->scope = 0;
    return sym;
}

static sc_scope_t *new_scope(builder_t *B, sc_scope_t *parent, int kind, const char *name,
                             const sc_node_t *node)
{
    sc_scope_t *s = sc_arena_alloc(B->a, sizeof(*s));
    if (!s) {
        st_oom(B);
        return NULL;
    }
    s->kind = kind;
    s->name = name;
    s->parent = parent;
    s->node = node;
    if (parent) {
        if (parent->nchildren == parent->children_cap) {
            int cap = parent->children_cap ? parent->children_cap * 2 : 8;
            sc_scope_t **v = sc_arena_alloc(B->a, (size_t)cap * sizeof(*v));
            if (!v) {
                st_oom(B);
                return NULL;
            }
            if (parent->nchildren)
                memcpy(v, parent->children, (size_t)parent->nchildren * sizeof(*v));
            parent->children = v;
            parent->children_cap = cap;
        }
        parent->children[parent->nchildren++] = s;
    }
    return s;
}

/* ---- pass 1: collect definitions and uses ---- */

static bool visit_expr(builder_t *B, sc_scope_t *s, sc_node_t *e);
static bool visit_stmts(builder_t *B, sc_scope_t *s, sc_node_t **v, int n);

static bool def_name(builder_t *B, sc_scope_t *s, const sc_node_t *at, const char *name,
                     unsigned flags)
{
    sc_symbol_t *sym = sc_scope_lookup(s, name);
    if (sym && (sym->flags & DEF_GLOBAL) && (flags & DEF_PARAM))
        return st_fail(B, at, "name '%s' is parameter and global", name);
    return add_sym(B, s, name, flags) != NULL;
}

static bool visit_target(builder_t *B, sc_scope_t *s, sc_node_t *t)
{
    switch (t->kind) {
    case E_NAME:
        return def_name(B, s, t, t->name, DEF_LOCAL);
    case E_TUPLE:
    case E_LIST:
        for (int i = 0; i < t->nlist; i++)
            if (!visit_target(B, s, t->list[i]))
                return false;
        return true;
    case E_STARRED:
        return visit_target(B, s, t->a);
    default:
        return visit_expr(B, s, t);
    }
}

static bool visit_list(builder_t *B, sc_scope_t *s, sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] && !visit_expr(B, s, v[i]))
            return false;
    return true;
}

static bool visit_args(builder_t *B, sc_scope_t *fs, const sc_args_t *args)
{
    for (int i = 0; i < args->nargs; i++)
        if (!def_name(B, fs, fs->node, args->names[i], DEF_PARAM))
            return false;
    return true;
}

static bool visit_comprehension(builder_t *B, sc_scope_t *s, sc_node_t *e)
{
    /* the outermost iterable belongs to the enclosing scope */
    if (!visit_expr(B, s, e->list[0]->b))
        return false;
    const char *name = e->kind == E_LISTCOMP  ? "<listcomp>"
                       : e->kind == E_SETCOMP ? "<setcomp>"
                                              : "<dictcomp>";
    sc_scope_t *cs = new_scope(B, s, SCOPE_FUNCTION, name, e);
    if (!cs || !def_name(B, cs, e, ".0", DEF_PARAM))
        return false;
    cs->is_comprehension = true;
    for (int i = 0; i < e->nlist; i++) {
        sc_node_t *g = e->list[i];
        if (i > 0 && !visit_expr(B, cs, g->b))
            return false;
        if (!visit_target(B, cs, g->a) || !visit_list(B, cs, g->list, g->nlist))
            return false;
    }
    return visit_expr(B, cs, e->a) && (!e->b || visit_expr(B, cs, e->b));
}

static bool visit_expr(builder_t *B, sc_scope_t *s, sc_node_t *e)
{
    if (!e)
        return true;
    switch (e->kind) {
    case E_NAME:
        return add_sym(B, s, e->name, USE) != NULL;
    case E_CONST:
        return true;
    case E_LAMBDA: {
        if (!visit_list(B, s, e->args->defaults, e->args->ndefaults))
            return false;
        sc_scope_t *ls = new_scope(B, s, SCOPE_FUNCTION, "<lambda>", e);
        return ls && visit_args(B, ls, e->args) && visit_expr(B, ls, e->a);
    }
    case E_LISTCOMP:
    case E_SETCOMP:
    case E_DICTCOMP:
        return visit_comprehension(B, s, e);
    case E_KEYWORD:
    case E_STARRED:
        return visit_expr(B, s, e->a);
    default:
        break;
    }
    return visit_expr(B, s, e->a) && visit_expr(B, s, e->b) && visit_expr(B, s, e->c) &&
           visit_list(B, s, e->list, e->nlist) && visit_list(B, s, e->list2, e->nlist2);
}

static bool declare(builder_t *B, sc_scope_t *s, sc_node_t *st, unsigned flag)
{
    for (int i = 0; i < st->nnames; i++) {
        const char *name = st->names[i];
        sc_symbol_t *sym = sc_scope_lookup(s, name);
        const char *what = flag == DEF_GLOBAL ? "global" : "nonlocal";
        if (sym && (sym->flags & DEF_PARAM))
            return st_fail(B, st, "name '%s' is parameter and %s", name, what);
        if (sym && (sym->flags & (USE | DEF_LOCAL)))
            return st_fail(B, st, "name '%s' is %s prior to %s declaration", name,
                           (sym->flags & DEF_LOCAL) ? "assigned to" : "used", what);
        if (flag == DEF_NONLOCAL && s->kind == SCOPE_MODULE)
            return st_fail(B, st, "nonlocal declaration not allowed at module level");
        if (!add_sym(B, s, name, flag))
            return false;
    }
    return true;
}

static bool visit_stmt(builder_t *B, sc_scope_t *s, sc_node_t *st)
{
    switch (st->kind) {
    case S_DEF: {
        if (!def_name(B, s, st, st->name, DEF_LOCAL) ||
            !visit_list(B, s, st->args->defaults, st->args->ndefaults))
            return false;
        sc_scope_t *fs = new_scope(B, s, SCOPE_FUNCTION, st->name, st);
        return fs && visit_args(B, fs, st->args) && visit_stmts(B, fs, st->list, st->nlist);
    }
    case S_CLASS: {
        if (!def_name(B, s, st, st->name, DEF_LOCAL) || !visit_list(B, s, st->list2, st->nlist2) ||
            !visit_list(B, s, st->list3, st->nlist3))
            return false;
        sc_scope_t *cs = new_scope(B, s, SCOPE_CLASS, st->name, st);
        return cs && visit_stmts(B, cs, st->list, st->nlist);
    }
    case S_ASSIGN:
        for (int i = 0; i < st->nlist; i++)
            if (!visit_target(B, s, st->list[i]))
                return false;
        return visit_expr(B, s, st->a);
    case S_AUGASSIGN:
        if (st->a->kind == E_NAME && !add_sym(B, s, st->a->name, USE))
            return false;
        return visit_target(B, s, st->a) && visit_expr(B, s, st->b);
    case S_DEL:
        for (int i = 0; i < st->nlist; i++)
            if (!visit_target(B, s, st->list[i]))
                return false;
        return true;
    case S_FOR:
        return visit_target(B, s, st->a) && visit_expr(B, s, st->b) &&
               visit_stmts(B, s, st->list, st->nlist) && visit_stmts(B, s, st->list2, st->nlist2);
    case S_IF:
    case S_WHILE:
        return visit_expr(B, s, st->a) && visit_stmts(B, s, st->list, st->nlist) &&
               visit_stmts(B, s, st->list2, st->nlist2);
    case S_GLOBAL:
        return declare(B, s, st, DEF_GLOBAL);
    case S_NONLOCAL:
        return declare(B, s, st, DEF_NONLOCAL);
    case S_IMPORT:
        for (int i = 0; i < st->nnames; i++) {
            const char *bound = st->asnames[i];
            char *first = NULL;
            if (!bound) {
                const char *dot = strchr(st->names[i], '.');
                first = sc_arena_strndup(B->a, st->names[i],
                                         dot ? (size_t)(dot - st->names[i]) : strlen(st->names[i]));
                if (!first)
                    return st_oom(B);
                bound = first;
            }
            if (!def_name(B, s, st, bound, DEF_LOCAL))
                return false;
        }
        return true;
    case S_IMPORTFROM:
        for (int i = 0; i < st->nnames; i++)
            if (!def_name(B, s, st, st->asnames[i] ? st->asnames[i] : st->names[i], DEF_LOCAL))
                return false;
        return true;
    case S_TRY:
        if (!visit_stmts(B, s, st->list, st->nlist))
            return false;
        for (int i = 0; i < st->nlist2; i++) {
            sc_node_t *hd = st->list2[i];
            if (!visit_expr(B, s, hd->a) ||
                (hd->name && !def_name(B, s, hd, hd->name, DEF_LOCAL)) ||
                !visit_stmts(B, s, hd->list, hd->nlist))
                return false;
        }
        return visit_stmts(B, s, st->list3, st->nlist3) && visit_stmts(B, s, st->list4, st->nlist4);
    default:
        return visit_expr(B, s, st->a) && visit_expr(B, s, st->b);
    }
}

static bool visit_stmts(builder_t *B, sc_scope_t *s, sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (!visit_stmt(B, s, v[i]))
            return false;
    return true;
}

/* ---- pass 2: resolve ---- */

typedef struct nameset {
    const char **v;
    int n, cap;
} nameset_t;

static bool in_set(const nameset_t *s, const char *name)
{
    for (int i = 0; s && i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return true;
    return false;
}

static bool set_add(builder_t *B, nameset_t *s, const char *name)
{
    if (in_set(s, name))
        return true;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        const char **v = sc_arena_alloc(B->a, (size_t)cap * sizeof(char *));
        if (!v)
            return st_oom(B);
        if (s->n)
            memcpy(v, s->v, (size_t)s->n * sizeof(char *));
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = name;
    return true;
}

/* analyze: resolves s's symbols given the names bound by enclosing
 * functions; collects s's free variables (for the parent) into *free. */
static bool analyze(builder_t *B, sc_scope_t *s, const nameset_t *bound, nameset_t *free)
{
    nameset_t newbound = {0}, childfree = {0};
    for (int i = 0; i < s->nsyms; i++) {
        sc_symbol_t *sym = &s->syms[i];
        if (sym->flags & DEF_GLOBAL) {
            sym->scope = SYM_GLOBAL_EXPLICIT;
        } else if (sym->flags & DEF_NONLOCAL) {
            if (!in_set(bound, sym->name))
                return st_fail(B, s->node, "no binding for nonlocal '%s' found", sym->name);
            sym->scope = SYM_FREE;
        } else if (sym->flags & (DEF_LOCAL | DEF_PARAM)) {
            sym->scope = SYM_LOCAL;
        } else if (s->kind != SCOPE_MODULE && in_set(bound, sym->name)) {
            sym->scope = SYM_FREE;
        } else {
            sym->scope = SYM_GLOBAL_IMPLICIT;
        }
    }
    /* what children may close over */
    if (s->kind == SCOPE_FUNCTION) {
        for (int i = 0; bound && i < bound->n; i++)
            if (!set_add(B, &newbound, bound->v[i]))
                return false;
        for (int i = 0; i < s->nsyms; i++)
            if ((s->syms[i].scope == SYM_LOCAL || s->syms[i].scope == SYM_FREE) &&
                !set_add(B, &newbound, s->syms[i].name))
                return false;
    } else if (s->kind == SCOPE_CLASS) {
        for (int i = 0; bound && i < bound->n; i++)
            if (!set_add(B, &newbound, bound->v[i]))
                return false;
    }
    for (int i = 0; i < s->nchildren; i++)
        if (!analyze(B, s->children[i], &newbound, &childfree))
            return false;
    /* children's free variables: cells here, or free here too */
    for (int i = 0; i < childfree.n; i++) {
        const char *name = childfree.v[i];
        sc_symbol_t *sym = sc_scope_lookup(s, name);
        if (s->kind == SCOPE_FUNCTION && sym && sym->scope == SYM_LOCAL) {
            sym->scope = SYM_CELL;
            continue;
        }
        if (sym && sym->scope == SYM_FREE)
            continue;
        if (s->kind == SCOPE_MODULE)
            continue;
        if (!sym && !(sym = add_sym(B, s, name, 0)))
            return false;
        if (s->kind == SCOPE_CLASS && sym->scope == SYM_LOCAL) {
            sym->free_class = true; /* a class local shadows it only for the body */
        } else {
            sym->scope = SYM_FREE;
        }
        if (!set_add(B, free, name))
            return false;
    }
    for (int i = 0; i < s->nsyms; i++)
        if ((s->syms[i].scope == SYM_FREE || s->syms[i].free_class) &&
            !set_add(B, free, s->syms[i].name))
            return false;
    return true;
}

sc_scope_t *sc_symtable_build(sc_arena_t *a, sc_node_t *mod, sc_syntax_error_t *err)
{
    builder_t B = {a, err, false};
    sc_scope_t *top = new_scope(&B, NULL, SCOPE_MODULE, "<module>", mod);
    if (!top || !visit_stmts(&B, top, mod->list, mod->nlist))
        return NULL;
    nameset_t free = {0};
    if (!analyze(&B, top, NULL, &free))
        return NULL;
    return top;
}
