/*
 * compile.c: the code generator of the heap script language: syntax tree
 * (after fold.c and symtable.c) to code objects (code.h), emitting what
 * CPython 3.11's Python/compile.c emits for the same source, because what
 * a program observes depends on it: which objects are allocated
 * (BUILD_LIST n versus BUILD_LIST 0 + LIST_EXTEND of a constant tuple,
 * BUILD_CONST_KEY_MAP, the 17-pair chunks of big dict displays, a
 * comprehension's function object), which references the stack holds
 * (LOAD_METHOD's method and self; the iterator a for loop keeps), and in
 * which order things are released (SWAP/POP_TOP of iterators on return,
 * locals numbered in order of first use).
 *
 * The compiler is four files around compile_int.h (its state: the
 * compiler, one unit per code object being built):
 *
 *   compile.c         errors, constants, emission, locals, units, sc_compile
 *   compile_expr.c    expressions (and function bodies, comprehensions)
 *   compile_stmt.c    assignment targets and statements
 *   compile_layout.c  the end of a unit: jumps resolved, the stack depth
 *                     computed by a flow pass, the code object laid out
 *
 * Constants: the compiler merges equal constants across the whole module
 * into the first object of that value (3.11's c_const_cache), items of
 * constant tuples included, and folds `LOAD_CONST ... BUILD_TUPLE n` of
 * default values into one constant tuple as the peephole optimizer does.
 *
 * Each code unit (module, function, lambda, class body, comprehension)
 * collects instructions with symbolic labels; when it ends, labels are
 * resolved, the stack depth is computed and one block is built with
 * everything the code object needs (compile_layout.c).
 *
 * Recursion follows the syntax tree, whose depth the parser bounded.
 */
#include "compile_int.h"

/* ---- errors ---- */

static bool cfail_v(compiler_t *C, int line, int col, const char *type, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
static bool cfail_v(compiler_t *C, int line, int col, const char *type, const char *fmt, va_list ap)
{
    if (!C->failed) {
        C->failed = true;
        C->err->line = line;
        C->err->col = col;
        C->err->type = type;
        C->err->rc = 0;
        vsnprintf(C->err->msg, sizeof(C->err->msg), fmt, ap);
    }
    return false;
}

bool cg_cfail(compiler_t *C, int line, int col, const char *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfail_v(C, line, col, type, fmt, ap);
    va_end(ap);
    return false;
}

bool cg_cfail_node(compiler_t *C, const sc_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfail_v(C, (int)n->line, n->col, "SyntaxError", fmt, ap);
    va_end(ap);
    return false;
}

bool cg_coom(compiler_t *C, int rc)
{
    if (!C->failed) {
        C->failed = true;
        C->err->rc = rc ? rc : HD_ENOMEM;
    }
    return false;
}

static bool grow(compiler_t *C, void **v, int *cap, int n, size_t elem)
{
    if (n < *cap)
        return true;
    int ncap = *cap ? *cap * 2 : 16;
    void *p = hd_mem_realloc(C->h->mem, *v, (size_t)ncap * elem);
    if (!p)
        return cg_coom(C, HD_ENOMEM);
    *v = p;
    *cap = ncap;
    return true;
}

/* ---- constants ---- */

static bool const_equal(hd_heap_t *h, hd_obj_t *x, hd_obj_t *y)
{
    if (x == y)
        return true;
    if (x->type != y->type)
        return false;
    switch (x->type) {
    case HD_T_INT:
        return hd__obj_eq(h, x, y) == 1;
    case HD_T_FLOAT:
        return memcmp(&((hd_float_obj_t *)x)->value, &((hd_float_obj_t *)y)->value,
                      sizeof(double)) == 0;
    case HD_T_STR:
    case HD_T_BYTES:
        return hd__obj_eq(h, x, y) == 1;
    case HD_T_TUPLE: {
        hd_tuple_obj_t *a = (hd_tuple_obj_t *)x, *b = (hd_tuple_obj_t *)y;
        if (a->size != b->size)
            return false;
        for (int64_t i = 0; i < a->size; i++)
            if (!const_equal(h, a->items[i], b->items[i]))
                return false;
        return true;
    }
    }
    return false; /* sets, code: never merged */
}

/* all_name_chars: an ASCII str of letters, digits and '_' only (the
 * constants 3.11's compiler interns) */
static bool all_name_chars(hd_obj_t *s)
{
    int64_t n = hd_len(s);
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = hd__str_char(s, i);
        if (!((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_'))
            return false;
    }
    return true;
}

/* merge_const: the cached object equal to o (o itself when new). Tuples
 * have their items merged first, in place (merge_consts_recursive). Returns
 * a borrowed reference (the cache holds one), or NULL on HD_ENOMEM. */
static hd_obj_t *merge_const(compiler_t *C, hd_obj_t *o)
{
    if (o->type == HD_T_TUPLE && ((hd_tuple_obj_t *)o)->size) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
        for (int64_t i = 0; i < t->size; i++) {
            hd_obj_t *m = merge_const(C, t->items[i]);
            if (!m)
                return NULL;
            if (m != t->items[i]) {
                hd_obj_t *old = t->items[i];
                hd__incref(m);
                t->items[i] = m;
                hd__decref(C->h, old);
            }
        }
    }
    if (o->type != HD_T_CODE && o->type != HD_T_SET)
        for (int i = 0; i < C->ncache; i++)
            if (const_equal(C->h, C->cache[i], o))
                return C->cache[i];
    if (!grow(C, (void **)&C->cache, &C->capcache, C->ncache, sizeof(hd_obj_t *)))
        return NULL;
    if (o->type == HD_T_STR && all_name_chars(o)) { /* intern_string_constants */
        int rc = hd__str_intern(C->h, o, &o);       /* the cache takes this reference */
        if (rc) {
            cg_coom(C, rc);
            return NULL;
        }
    } else {
        hd__incref(o);
    }
    C->cache[C->ncache++] = o;
    return o;
}

/* add_const: the index of o in the unit's constants (merged first). */
static int add_const(compiler_t *C, hd_obj_t *o)
{
    hd_obj_t *m = merge_const(C, o);
    if (!m)
        return -1;
    unit_t *u = C->u;
    for (int i = 0; i < u->nconsts; i++)
        if (u->consts[i] == m)
            return i;
    if (!grow(C, (void **)&u->consts, &u->capconsts, u->nconsts, sizeof(hd_obj_t *)))
        return -1;
    u->consts[u->nconsts] = m;
    return u->nconsts++;
}

/* add_new_const: a constant the compiler made (a new reference, given to
 * the cache). */
int cg_add_new_const(compiler_t *C, hd_obj_t *o)
{
    int i = add_const(C, o);
    hd__decref(C->h, o);
    return i;
}

int cg_add_name(compiler_t *C, const char *name)
{
    unit_t *u = C->u;
    for (int i = 0; i < u->nnames; i++)
        if (strcmp(u->names[i], name) == 0)
            return i;
    if (!grow(C, (void **)&u->names, &u->capnames, u->nnames, sizeof(char *)))
        return -1;
    u->names[u->nnames] = name;
    return u->nnames++;
}

hd_obj_t *cg_name_str(compiler_t *C, const char *name)
{
    for (int i = 0; i < C->nstr; i++)
        if (strcmp(C->strnames[i], name) == 0)
            return C->strobjs[i];
    int cap = C->capstr;
    if (!grow(C, (void **)&C->strnames, &cap, C->nstr, sizeof(char *)))
        return NULL;
    if (!grow(C, (void **)&C->strobjs, &C->capstr, C->nstr, sizeof(hd_obj_t *)))
        return NULL;
    hd_obj_t *s;
    int rc = hd_str_new(C->h, name, strlen(name), &s);
    if (rc) {
        cg_coom(C, rc);
        return NULL;
    }
    C->strnames[C->nstr] = name;
    C->strobjs[C->nstr++] = s;
    return s;
}

/* ---- emission ---- */

int cg_emit(compiler_t *C, int op, int arg)
{
    unit_t *u = C->u;
    if (C->failed || !grow(C, (void **)&u->code, &u->capcode, u->ncode, sizeof(sc_instr_t)))
        return -1;
    sc_instr_t *in = &u->code[u->ncode];
    memset(in, 0, sizeof(*in));
    in->op = (uint8_t)op;
    in->arg = arg;
    in->line = u->line;
    in->col = u->col;
    if (op == OP_LOAD_NAME || op == OP_STORE_NAME || op == OP_DELETE_NAME || op == OP_LOAD_GLOBAL ||
        op == OP_STORE_GLOBAL || op == OP_LOAD_ATTR || op == OP_LOAD_METHOD ||
        op == OP_STORE_ATTR || op == OP_CALL || op == OP_BINARY_SUBSCR)
        in->cache = (uint32_t)++u->ncache;
    return u->ncode++;
}

int cg_new_label(compiler_t *C)
{
    unit_t *u = C->u;
    if (!grow(C, (void **)&u->labels, &u->caplabels, u->nlabels, sizeof(int)))
        return -1;
    u->labels[u->nlabels] = -1;
    return u->nlabels++;
}

void cg_bind_label(compiler_t *C, int label)
{
    if (label >= 0)
        C->u->labels[label] = C->u->ncode;
}

void cg_set_loc(compiler_t *C, const sc_node_t *n)
{
    C->u->line = n->line;
    C->u->col = n->col;
}

bool cg_emit_const(compiler_t *C, hd_obj_t *o)
{
    int i = add_const(C, o);
    return i >= 0 && cg_emit(C, OP_LOAD_CONST, i) >= 0;
}

bool cg_emit_none(compiler_t *C)
{
    hd_obj_t *none;
    hd_none(C->h, &none);
    int i = cg_add_new_const(C, none);
    return i >= 0 && cg_emit(C, OP_LOAD_CONST, i) >= 0;
}

bool cg_emit_name_op(compiler_t *C, int op, const char *name)
{
    int i = cg_add_name(C, name);
    return i >= 0 && cg_emit(C, op, i) >= 0;
}

/* ---- locals ---- */

int cg_var_index(compiler_t *C, const char *name)
{
    unit_t *u = C->u;
    for (int i = 0; i < u->nvar; i++)
        if (strcmp(u->varnames[i], name) == 0)
            return i;
    if (!grow(C, (void **)&u->varnames, &u->capvar, u->nvar, sizeof(char *)))
        return -1;
    u->varnames[u->nvar] = name;
    return u->nvar++;
}

/* deref_index: the localsplus slot of a cell or free variable; cells that
 * are parameters use the parameter's own slot. Only valid once the unit
 * knows its final number of plain locals: resolved at the end, so here we
 * return an encoded value (see finish_unit). */
int cg_deref_index(compiler_t *C, const char *name)
{
    unit_t *u = C->u;
    for (int i = 0; i < u->nargcells; i++)
        if (strcmp(u->argcells[i], name) == 0)
            return cg_var_index(C, name);
    for (int i = 0; i < u->ncell; i++)
        if (strcmp(u->cellvars[i], name) == 0)
            return 0x100000 | i;
    for (int i = 0; i < u->nfree; i++)
        if (strcmp(u->freevars[i], name) == 0)
            return 0x200000 | i;
    return -1;
}

bool cg_nameop(compiler_t *C, const char *name, int ctx) /* ctx: 0 load, 1 store, 2 del */
{
    unit_t *u = C->u;
    sc_symbol_t *sym = sc_scope_lookup(u->scope, name);
    int scope = sym ? sym->scope : SYM_GLOBAL_IMPLICIT;
    int kind = u->scope->kind;
    static const int name_ops[] = {OP_LOAD_NAME, OP_STORE_NAME, OP_DELETE_NAME};
    static const int global_ops[] = {OP_LOAD_GLOBAL, OP_STORE_GLOBAL, OP_DELETE_GLOBAL};
    static const int fast_ops[] = {OP_LOAD_FAST, OP_STORE_FAST, OP_DELETE_FAST};
    static const int deref_ops[] = {OP_LOAD_DEREF, OP_STORE_DEREF, OP_DELETE_DEREF};
    if (scope == SYM_FREE || scope == SYM_CELL) {
        if (kind == SCOPE_CLASS && scope == SYM_FREE && ctx == 0) {
            int i = cg_deref_index(C, name);
            return i >= 0 && cg_emit(C, OP_LOAD_CLASSDEREF, i) >= 0;
        }
        int i = cg_deref_index(C, name);
        return i >= 0 && cg_emit(C, deref_ops[ctx], i) >= 0;
    }
    if (scope == SYM_GLOBAL_EXPLICIT || (scope == SYM_GLOBAL_IMPLICIT && kind == SCOPE_FUNCTION)) {
        int i = cg_add_name(C, name);
        return i >= 0 && cg_emit(C, global_ops[ctx], ctx == 0 ? i << 1 : i) >= 0;
    }
    if (kind == SCOPE_FUNCTION) {
        int i = cg_var_index(C, name);
        return i >= 0 && cg_emit(C, fast_ops[ctx], i) >= 0;
    }
    return cg_emit_name_op(C, name_ops[ctx], name);
}

/* ---- units ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool cg_enter_unit(compiler_t *C, unit_t *u, sc_scope_t *scope, uint32_t flags, const char *name,
                   const char *qualname, int firstline)
{
    memset(u, 0, sizeof(*u));
    u->parent = C->u;
    u->scope = scope;
    u->flags = flags;
    u->name = name;
    u->qualname = qualname;
    u->firstline = firstline;
    u->line = (uint32_t)firstline;
    C->u = u;
    int ncells = 0, nfree = 0;
    for (int i = 0; i < scope->nsyms; i++) {
        ncells += scope->syms[i].scope == SYM_CELL;
        nfree += scope->syms[i].scope == SYM_FREE || scope->syms[i].free_class;
    }
    u->cellvars = sc_arena_alloc(C->a, (size_t)(ncells + 1) * sizeof(char *));
    u->argcells = sc_arena_alloc(C->a, (size_t)(ncells + 1) * sizeof(char *));
    u->freevars = sc_arena_alloc(C->a, (size_t)(nfree + 1) * sizeof(char *));
    if (!u->cellvars || !u->argcells || !u->freevars)
        return cg_coom(C, HD_ENOMEM);
    for (int i = 0; i < scope->nsyms; i++) {
        sc_symbol_t *s = &scope->syms[i];
        if (s->scope == SYM_CELL) {
            if (s->flags & DEF_PARAM)
                u->argcells[u->nargcells++] = s->name;
            else
                u->cellvars[u->ncell++] = s->name;
        } else if (s->scope == SYM_FREE || s->free_class) {
            u->freevars[u->nfree++] = s->name;
        }
    }
    qsort(u->cellvars, (size_t)u->ncell, sizeof(char *), cmp_str);
    qsort(u->freevars, (size_t)u->nfree, sizeof(char *), cmp_str);
    return true;
}

static void compiler_free(compiler_t *C)
{
    for (int i = 0; i < C->ncache; i++)
        hd__decref(C->h, C->cache[i]);
    for (int i = 0; i < C->nstr; i++)
        hd__decref(C->h, C->strobjs[i]);
    hd_mem_free(C->h->mem, C->cache);
    hd_mem_free(C->h->mem, C->strnames);
    hd_mem_free(C->h->mem, C->strobjs);
}

int sc_compile(hd_heap_t *h, sc_arena_t *arena, const char *src, size_t len, const char *filename,
               bool interactive, uint64_t *serial, sc_syntax_error_t *err, hd_obj_t **out)
{
    sc_node_t *mod = sc_parse(arena, h, src, len, err);
    if (!mod)
        return err->rc ? err->rc : SC_SYNTAX;
    int rc = sc_fold(arena, h, mod, 0);
    if (rc)
        return rc;
    sc_scope_t *top = sc_symtable_build(arena, mod, err);
    if (!top)
        return err->rc ? err->rc : SC_SYNTAX;
    compiler_t C;
    memset(&C, 0, sizeof(C));
    C.h = h;
    C.a = arena;
    C.filename = filename;
    C.err = err;
    C.serial = serial;
    C.interactive = interactive;
    unit_t u;
    C.u = NULL;
    hd_obj_t *code = NULL;
    if (cg_enter_unit(&C, &u, top, CO_MODULE, "<module>", "<module>", 1)) {
        if (cg_stmts(&C, mod->list, mod->nlist) && cg_emit_none(&C))
            cg_emit(&C, OP_RETURN_VALUE, 0);
        code = cg_leave_unit(&C);
    }
    compiler_free(&C);
    if (C.failed || !code) {
        if (code)
            hd__decref(h, code);
        return err->rc ? err->rc : SC_SYNTAX;
    }
    *out = code;
    return 0;
}
