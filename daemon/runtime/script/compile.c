/*
 * (Length: one algorithm, a visitor over every node kind of ast.h whose
 * cases must stay side by side to be checked against CPython's compile.c;
 * splitting it by node kind is listed for a later session.)
 *
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
 * Constants: the compiler merges equal constants across the whole module
 * into the first object of that value (3.11's c_const_cache), items of
 * constant tuples included, and folds `LOAD_CONST ... BUILD_TUPLE n` of
 * default values into one constant tuple as the peephole optimizer does.
 *
 * Each code unit (module, function, lambda, class body, comprehension)
 * collects instructions with symbolic labels; when it ends, labels are
 * resolved, the stack depth is computed by a flow pass, and one block is
 * built with everything the code object needs (code.h).
 *
 * Recursion follows the syntax tree, whose depth the parser bounded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "code.h"
#include "compile.h"
#include "err.h"
#include "ops.h"
#include "symtable.h"

#define STACK_USE_GUIDELINE 30
#define MAX_LOOPS           64

enum { LOOP_FOR, LOOP_WHILE };

typedef struct loop {
    int kind;
    int continue_label;
    int break_label;
} loop_t;

typedef struct unit unit_t;
struct unit {
    unit_t *parent;
    sc_scope_t *scope;
    uint32_t flags; /* CO_* */
    sc_instr_t *code;
    int ncode, capcode;
    int *labels;
    int nlabels, caplabels;
    hd_obj_t **consts; /* borrowed: held by the const cache */
    int nconsts, capconsts;
    const char **names;
    int nnames, capnames;
    const char **varnames; /* plain locals (parameters first) */
    int nvar, capvar;
    const char **cellvars; /* cells that are not parameters, sorted */
    int ncell;
    const char **freevars; /* sorted */
    int nfree;
    const char **argcells; /* parameters that are cells */
    int nargcells;
    int argcount;
    const char *name;
    const char *qualname;
    int firstline;
    loop_t loops[MAX_LOOPS];
    int nloops;
    uint32_t line;
    uint16_t col;
    int ncache;
};

typedef struct compiler {
    hd_heap_t *h;
    sc_arena_t *a;
    const char *filename;
    sc_syntax_error_t *err;
    bool failed;
    unit_t *u;
    hd_obj_t **cache; /* const cache: owned references */
    int ncache, capcache;
    const char **strnames; /* name -> str object cache */
    hd_obj_t **strobjs;    /* owned references */
    int nstr, capstr;
    uint64_t *serial;
} compiler_t;

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

static bool cfail(compiler_t *C, int line, int col, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static bool cfail(compiler_t *C, int line, int col, const char *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfail_v(C, line, col, type, fmt, ap);
    va_end(ap);
    return false;
}

static bool cfail_node(compiler_t *C, const sc_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool cfail_node(compiler_t *C, const sc_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfail_v(C, (int)n->line, n->col, "SyntaxError", fmt, ap);
    va_end(ap);
    return false;
}

static bool coom(compiler_t *C, int rc)
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
        return coom(C, HD_ENOMEM);
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
    hd__incref(o);
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
static int add_new_const(compiler_t *C, hd_obj_t *o)
{
    int i = add_const(C, o);
    hd__decref(C->h, o);
    return i;
}

static int add_name(compiler_t *C, const char *name)
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

static hd_obj_t *name_str(compiler_t *C, const char *name)
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
        coom(C, rc);
        return NULL;
    }
    C->strnames[C->nstr] = name;
    C->strobjs[C->nstr++] = s;
    return s;
}

/* ---- emission ---- */

static int emit(compiler_t *C, int op, int arg)
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

static int new_label(compiler_t *C)
{
    unit_t *u = C->u;
    if (!grow(C, (void **)&u->labels, &u->caplabels, u->nlabels, sizeof(int)))
        return -1;
    u->labels[u->nlabels] = -1;
    return u->nlabels++;
}

static void bind_label(compiler_t *C, int label)
{
    if (label >= 0)
        C->u->labels[label] = C->u->ncode;
}

static void set_loc(compiler_t *C, const sc_node_t *n)
{
    C->u->line = n->line;
    C->u->col = n->col;
}

static bool emit_const(compiler_t *C, hd_obj_t *o)
{
    int i = add_const(C, o);
    return i >= 0 && emit(C, OP_LOAD_CONST, i) >= 0;
}

static bool emit_none(compiler_t *C)
{
    hd_obj_t *none;
    hd_none(C->h, &none);
    int i = add_new_const(C, none);
    return i >= 0 && emit(C, OP_LOAD_CONST, i) >= 0;
}

static bool emit_name_op(compiler_t *C, int op, const char *name)
{
    int i = add_name(C, name);
    return i >= 0 && emit(C, op, i) >= 0;
}

/* ---- locals ---- */

static int var_index(compiler_t *C, const char *name)
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
static int deref_index(compiler_t *C, const char *name)
{
    unit_t *u = C->u;
    for (int i = 0; i < u->nargcells; i++)
        if (strcmp(u->argcells[i], name) == 0)
            return var_index(C, name);
    for (int i = 0; i < u->ncell; i++)
        if (strcmp(u->cellvars[i], name) == 0)
            return 0x100000 | i;
    for (int i = 0; i < u->nfree; i++)
        if (strcmp(u->freevars[i], name) == 0)
            return 0x200000 | i;
    return -1;
}

static bool nameop(compiler_t *C, const char *name, int ctx) /* ctx: 0 load, 1 store, 2 del */
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
            int i = deref_index(C, name);
            return i >= 0 && emit(C, OP_LOAD_CLASSDEREF, i) >= 0;
        }
        int i = deref_index(C, name);
        return i >= 0 && emit(C, deref_ops[ctx], i) >= 0;
    }
    if (scope == SYM_GLOBAL_EXPLICIT || (scope == SYM_GLOBAL_IMPLICIT && kind == SCOPE_FUNCTION)) {
        int i = add_name(C, name);
        return i >= 0 && emit(C, global_ops[ctx], ctx == 0 ? i << 1 : i) >= 0;
    }
    if (kind == SCOPE_FUNCTION) {
        int i = var_index(C, name);
        return i >= 0 && emit(C, fast_ops[ctx], i) >= 0;
    }
    return emit_name_op(C, name_ops[ctx], name);
}

/* ---- units ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool enter_unit(compiler_t *C, unit_t *u, sc_scope_t *scope, uint32_t flags,
                       const char *name, const char *qualname, int firstline)
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
        return coom(C, HD_ENOMEM);
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

/* stack_effect: the depth change of an instruction (jump: when taken);
 * one case per opcode, a table written as a switch */
static int stack_effect(const sc_instr_t *in, bool jump)
{
    int a = in->arg;
    switch (in->op) {
    case OP_NOP:
    case OP_SWAP:
    case OP_DELETE_NAME:
    case OP_DELETE_GLOBAL:
    case OP_DELETE_FAST:
    case OP_DELETE_DEREF:
    case OP_MAKE_CELL:
    case OP_COPY_FREE_VARS:
    case OP_LOAD_ATTR:
    case OP_UNARY_NEGATIVE:
    case OP_UNARY_POSITIVE:
    case OP_UNARY_INVERT:
    case OP_UNARY_NOT:
    case OP_LIST_TO_TUPLE:
    case OP_GET_ITER:
    case OP_JUMP:
    case OP_KW_NAMES:
    case OP_SETUP_FINALLY:
    case OP_POP_BLOCK:
        return 0;
    case OP_POP_TOP:
    case OP_STORE_NAME:
    case OP_STORE_GLOBAL:
    case OP_STORE_FAST:
    case OP_STORE_DEREF:
    case OP_DELETE_ATTR:
    case OP_BINARY_SUBSCR:
    case OP_BINARY_OP:
    case OP_COMPARE_OP:
    case OP_IS_OP:
    case OP_CONTAINS_OP:
    case OP_LIST_APPEND:
    case OP_SET_ADD:
    case OP_LIST_EXTEND:
    case OP_SET_UPDATE:
    case OP_DICT_UPDATE:
    case OP_POP_JUMP_IF_FALSE:
    case OP_POP_JUMP_IF_TRUE:
    case OP_POP_JUMP_IF_NONE:
    case OP_POP_JUMP_IF_NOT_NONE:
    case OP_RETURN_VALUE:
    case OP_IMPORT_NAME:
        return -1;
    case OP_PUSH_NULL:
    case OP_COPY:
    case OP_LOAD_CONST:
    case OP_LOAD_NAME:
    case OP_LOAD_FAST:
    case OP_LOAD_CLOSURE:
    case OP_LOAD_DEREF:
    case OP_LOAD_CLASSDEREF:
    case OP_LOAD_METHOD:
    case OP_LOAD_BUILD_CLASS:
    case OP_IMPORT_FROM:
    case OP_LOAD_ASSERTION_ERROR:
        return 1;
    case OP_LOAD_GLOBAL:
        return 1 + (a & 1);
    case OP_STORE_ATTR:
    case OP_DELETE_SUBSCR:
    case OP_MAP_ADD:
        return -2;
    case OP_STORE_SUBSCR:
        return -3;
    case OP_BUILD_SLICE:
        return 1 - a;
    case OP_BUILD_TUPLE:
    case OP_BUILD_LIST:
    case OP_BUILD_SET:
    case OP_BUILD_STRING:
        return 1 - a;
    case OP_BUILD_MAP:
        return 1 - 2 * a;
    case OP_BUILD_CONST_KEY_MAP:
        return -a;
    case OP_FORMAT_VALUE:
        return (a & 4) ? -1 : 0;
    case OP_UNPACK_SEQUENCE:
        return a - 1;
    case OP_FOR_ITER:
        return jump ? -1 : 1;
    case OP_JUMP_IF_FALSE_OR_POP:
    case OP_JUMP_IF_TRUE_OR_POP:
        return jump ? 0 : -1;
    case OP_CALL:
        return -(a + 1);
    case OP_CALL_FUNCTION_EX:
        return -(2 + (a & 1));
    case OP_MAKE_FUNCTION:
        return -(((a & MF_DEFAULTS) != 0) + ((a & MF_CLOSURE) != 0));
    case OP_RAISE_VARARGS:
        return -a;
    }
    return 0;
}

static bool is_jump(int op)
{
    return op == OP_JUMP || op == OP_POP_JUMP_IF_FALSE || op == OP_POP_JUMP_IF_TRUE ||
           op == OP_JUMP_IF_FALSE_OR_POP || op == OP_JUMP_IF_TRUE_OR_POP ||
           op == OP_POP_JUMP_IF_NONE || op == OP_POP_JUMP_IF_NOT_NONE || op == OP_FOR_ITER;
}

/* max_depth: the largest stack depth any path reaches (a flow pass) */
static int max_depth(compiler_t *C, const sc_instr_t *code, int n)
{
    int *depth = hd_mem_malloc(C->h->mem, (size_t)(n + 1) * sizeof(int));
    int *work = hd_mem_malloc(C->h->mem, (size_t)(n + 1) * sizeof(int));
    if (!depth || !work) {
        hd_mem_free(C->h->mem, depth);
        hd_mem_free(C->h->mem, work);
        coom(C, HD_ENOMEM);
        return -1;
    }
    for (int i = 0; i <= n; i++)
        depth[i] = -1;
    int nwork = 0, best = 0;
    depth[0] = 0;
    work[nwork++] = 0;
    while (nwork) {
        int i = work[--nwork], d = depth[i];
        for (; i < n; i++) {
            const sc_instr_t *in = &code[i];
            if (is_jump(in->op)) {
                int t = in->arg, dt = d + stack_effect(in, true);
                if (dt > best)
                    best = dt;
                if (t >= 0 && t <= n && depth[t] < dt) {
                    depth[t] = dt;
                    work[nwork++] = t;
                }
            }
            d += stack_effect(in, false);
            if (d > best)
                best = d;
            if (in->op == OP_JUMP || in->op == OP_RETURN_VALUE || in->op == OP_RAISE_VARARGS)
                break;
            if (depth[i + 1] >= d)
                break;
            depth[i + 1] = d;
        }
    }
    hd_mem_free(C->h->mem, depth);
    hd_mem_free(C->h->mem, work);
    return best;
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* resolve_args: jump targets to instruction indexes, cell and free
 * variable numbers to localsplus slots */
static void resolve_args(unit_t *u)
{
    int nloc = u->nvar;
    for (int i = 0; i < u->ncode; i++) {
        sc_instr_t *in = &u->code[i];
        if (is_jump(in->op))
            in->arg = u->labels[in->arg];
        if (in->op >= OP_MAKE_CELL && in->op <= OP_LOAD_CLASSDEREF && in->op != OP_COPY_FREE_VARS) {
            if (in->arg & 0x100000)
                in->arg = nloc + (in->arg & 0xfffff);
            else if (in->arg & 0x200000)
                in->arg = nloc + u->ncell + (in->arg & 0xfffff);
        }
    }
}

/* the code object's one block: its struct, then each array (code.h) */
typedef struct layout {
    size_t instr, refs, cnames, vars, kinds, cell2arg, cache, sites, str, total;
    uint32_t nrefs, nlines;
} layout_t;

static void plan_layout(const unit_t *u, int nlocalsplus, size_t strbytes, layout_t *L)
{
    uint32_t lastline = (uint32_t)u->firstline;
    for (int i = 0; i < u->ncode; i++)
        if (u->code[i].line > lastline)
            lastline = u->code[i].line;
    L->nlines = lastline - (uint32_t)u->firstline + 1;
    L->nrefs = (uint32_t)(u->nconsts + u->nnames + 2);
    size_t off = align8(sizeof(sc_code_t));
    L->instr = off;
    off += align8((size_t)u->ncode * sizeof(sc_instr_t));
    L->refs = off;
    off += align8(L->nrefs * sizeof(hd_obj_t *));
    L->cnames = off;
    off += align8((size_t)u->nnames * sizeof(char *));
    L->vars = off;
    off += align8((size_t)nlocalsplus * sizeof(char *));
    L->kinds = off;
    off += align8((size_t)nlocalsplus);
    L->cell2arg = off;
    off += align8((size_t)(u->ncell + u->nargcells) * sizeof(int32_t));
    L->cache = off;
    off += align8((size_t)(u->ncache + 1) * sizeof(sc_cache_t));
    L->sites = off;
    off += align8((size_t)L->nlines * sizeof(uint32_t));
    L->str = off;
    L->total = off + align8(strbytes);
}

static char *put_str(char **sp, const char *s)
{
    size_t len = strlen(s) + 1;
    char *at = *sp;
    memcpy(at, s, len);
    *sp += len;
    return at;
}

/* fill_names: constants and names (C strings and str objects) */
static bool fill_names(compiler_t *C, unit_t *u, sc_code_t *co, char **sp)
{
    for (int i = 0; i < u->nconsts; i++) {
        hd__incref(u->consts[i]);
        co->consts[i] = u->consts[i];
    }
    for (int i = 0; i < u->nnames; i++) {
        co->cnames[i] = put_str(sp, u->names[i]);
        hd_obj_t *s = name_str(C, u->names[i]);
        if (!s)
            return false;
        hd__incref(s);
        co->names[i] = s;
    }
    return true;
}

/* fill_locals: localsplus names and kinds; cells: the parameters that are
 * cells (in their own slots), then the others; cell2arg says where each
 * starts */
static void fill_locals(const unit_t *u, sc_code_t *co, const char **lp, int nlocalsplus, char **sp)
{
    for (int i = 0; i < nlocalsplus; i++) {
        co->varnames[i] = put_str(sp, lp[i]);
        co->kinds[i] = i < u->nvar ? LK_LOCAL : i < u->nvar + u->ncell ? LK_CELL : LK_FREE;
    }
    int k = 0;
    for (int i = 0; i < u->nargcells; i++) {
        int slot = 0;
        while (slot < u->nvar && strcmp(u->varnames[slot], u->argcells[i]) != 0)
            slot++;
        co->cell2arg[k++] = slot;
    }
    for (int i = 0; i < u->ncell; i++)
        co->cell2arg[k++] = -1 - (u->nvar + i);
}

/* localsplus: the unit's local, cell and free variable names in one array
 * (owned by the caller), or NULL */
static const char **localsplus(compiler_t *C, const unit_t *u, int n)
{
    const char **lp = hd_mem_malloc(C->h->mem, (size_t)(n + 1) * sizeof(char *));
    if (!lp) {
        coom(C, HD_ENOMEM);
        return NULL;
    }
    /* (the arrays are NULL when empty: memcpy must not see them then) */
    if (u->nvar)
        memcpy(lp, u->varnames, (size_t)u->nvar * sizeof(char *));
    if (u->ncell)
        memcpy(lp + u->nvar, u->cellvars, (size_t)u->ncell * sizeof(char *));
    if (u->nfree)
        memcpy(lp + u->nvar + u->ncell, u->freevars, (size_t)u->nfree * sizeof(char *));
    return lp;
}

static void set_header(sc_code_t *co, const unit_t *u, const layout_t *L, int nlocalsplus,
                       int stack)
{
    char *base = (char *)co;
    co->flags = u->flags;
    co->ninstr = (uint32_t)u->ncode;
    co->nconsts = (uint32_t)u->nconsts;
    co->nnames = (uint32_t)u->nnames;
    co->nlocals = (uint32_t)nlocalsplus;
    co->ncells = (uint32_t)(u->ncell + u->nargcells);
    co->nfree = (uint32_t)u->nfree;
    co->argcount = (uint32_t)u->argcount;
    co->stacksize = (uint32_t)stack + 1;
    co->ncache = (uint32_t)u->ncache;
    co->nlines = L->nlines;
    co->base.firstline = (uint32_t)u->firstline;
    co->instr = (sc_instr_t *)(base + L->instr);
    memcpy(co->instr, u->code, (size_t)u->ncode * sizeof(sc_instr_t));
    co->consts = co->base.refs;
    co->names = co->base.refs + u->nconsts;
    co->cnames = (const char **)(base + L->cnames);
    co->varnames = (const char **)(base + L->vars);
    co->kinds = (uint8_t *)(base + L->kinds);
    co->cell2arg = (int32_t *)(base + L->cell2arg);
    co->cache = (sc_cache_t *)(base + L->cache);
    co->sites = (uint32_t *)(base + L->sites);
}

/* build_code: the unit's code object. New reference, or NULL on error. */
static hd_obj_t *build_code(compiler_t *C, unit_t *u)
{
    int nlocalsplus = u->nvar + u->ncell + u->nfree;
    resolve_args(u);
    int stack = max_depth(C, u->code, u->ncode);
    const char **lp = stack < 0 ? NULL : localsplus(C, u, nlocalsplus);
    if (!lp)
        return NULL;
    size_t strbytes = strlen(u->qualname) + strlen(u->name) + strlen(C->filename) + 3;
    for (int i = 0; i < u->nnames; i++)
        strbytes += strlen(u->names[i]) + 1;
    for (int i = 0; i < nlocalsplus; i++)
        strbytes += strlen(lp[i]) + 1;
    layout_t L;
    plan_layout(u, nlocalsplus, strbytes, &L);
    hd_obj_t *o;
    int rc = hd__code_new(C->h, L.total, L.refs, L.nrefs, &o);
    if (rc) {
        hd_mem_free(C->h->mem, lp);
        coom(C, rc);
        return NULL;
    }
    sc_code_t *co = (sc_code_t *)o;
    char *sp = (char *)o + L.str;
    set_header(co, u, &L, nlocalsplus, stack);
    bool ok = fill_names(C, u, co, &sp);
    if (ok)
        fill_locals(u, co, lp, nlocalsplus, &sp);
    hd_mem_free(C->h->mem, lp);
    hd_obj_t *sn = ok ? name_str(C, u->name) : NULL, *sq = NULL;
    int rq = sn ? hd_str_new(C->h, u->qualname, strlen(u->qualname), &sq) : 0;
    if (!sn || rq) {
        if (ok)
            coom(C, rq ? rq : HD_ENOMEM);
        hd__decref(C->h, o);
        return NULL;
    }
    co->qualname = put_str(&sp, u->qualname);
    co->base.name = put_str(&sp, u->name);
    co->base.filename = put_str(&sp, C->filename);
    hd__incref(sn);
    co->co_name = co->base.refs[L.nrefs - 2] = sn;
    co->co_qualname = co->base.refs[L.nrefs - 1] = sq;
    co->serial = ++*C->serial;
    return o;
}

static void free_unit(compiler_t *C, unit_t *u)
{
    hd_mem_free(C->h->mem, u->code);
    hd_mem_free(C->h->mem, u->labels);
    hd_mem_free(C->h->mem, u->consts);
    hd_mem_free(C->h->mem, u->names);
    hd_mem_free(C->h->mem, u->varnames);
}

static hd_obj_t *leave_unit(compiler_t *C)
{
    unit_t *u = C->u;
    hd_obj_t *code = C->failed ? NULL : build_code(C, u);
    free_unit(C, u);
    C->u = u->parent;
    return code;
}

/* prologue: MAKE_CELL for each cell, then COPY_FREE_VARS */
static bool prologue(compiler_t *C)
{
    unit_t *u = C->u;
    for (int i = 0; i < u->nargcells; i++)
        if (emit(C, OP_MAKE_CELL, var_index(C, u->argcells[i])) < 0)
            return false;
    for (int i = 0; i < u->ncell; i++)
        if (emit(C, OP_MAKE_CELL, 0x100000 | i) < 0)
            return false;
    if (u->nfree && emit(C, OP_COPY_FREE_VARS, u->nfree) < 0)
        return false;
    return true;
}

/* ---- expressions ---- */

static bool expr(compiler_t *C, sc_node_t *e);
static bool stmts(compiler_t *C, sc_node_t **v, int n);

static bool exprs(compiler_t *C, sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (!expr(C, v[i]))
            return false;
    return true;
}

static sc_scope_t *child_scope(compiler_t *C, const sc_node_t *node)
{
    sc_scope_t *s = C->u->scope;
    for (int i = 0; i < s->nchildren; i++)
        if (s->children[i]->node == node)
            return s->children[i];
    cfail_node(C, node, "internal error: no scope");
    return NULL;
}

static char *make_qualname(compiler_t *C, const char *name)
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
        coom(C, HD_ENOMEM);
    return q;
}

/* make_closure: pushes the function made from `code` (steals code) with
 * the given defaults already on the stack (flags MF_DEFAULTS). */
static bool make_closure(compiler_t *C, hd_obj_t *code, int flags)
{
    sc_code_t *co = (sc_code_t *)code;
    if (co->nfree) {
        for (uint32_t i = 0; i < co->nfree; i++) {
            const char *name = co->varnames[co->nlocals - co->nfree + i];
            int idx = deref_index(C, name);
            if (idx < 0) {
                hd__decref(C->h, code);
                return cfail(C, (int)C->u->line, C->u->col, "SyntaxError",
                             "internal error: free variable '%s'", name);
            }
            if (emit(C, OP_LOAD_CLOSURE, idx) < 0) {
                hd__decref(C->h, code);
                return false;
            }
        }
        if (emit(C, OP_BUILD_TUPLE, (int)co->nfree) < 0) {
            hd__decref(C->h, code);
            return false;
        }
        flags |= MF_CLOSURE;
    }
    int i = add_new_const(C, code);
    return i >= 0 && emit(C, OP_LOAD_CONST, i) >= 0 && emit(C, OP_MAKE_FUNCTION, flags) >= 0;
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
            return coom(C, rc) ? -1 : -1;
        int idx = add_new_const(C, t);
        return idx >= 0 && emit(C, OP_LOAD_CONST, idx) >= 0 ? MF_DEFAULTS : -1;
    }
    if (!exprs(C, args->defaults, args->ndefaults) || emit(C, OP_BUILD_TUPLE, args->ndefaults) < 0)
        return -1;
    return MF_DEFAULTS;
}

static bool function_body(compiler_t *C, const sc_node_t *node, const sc_args_t *args,
                          sc_node_t **body, int nbody, sc_node_t *lambda_body, const char *name,
                          int flags)
{
    sc_scope_t *scope = child_scope(C, node);
    if (!scope)
        return false;
    int mf = defaults(C, args);
    if (mf < 0)
        return false;
    char *qualname = make_qualname(C, name);
    if (!qualname)
        return false;
    unit_t u;
    if (!enter_unit(C, &u, scope, CO_FUNCTION | (uint32_t)flags, name, qualname, (int)node->line))
        return false;
    u.argcount = args->nargs;
    for (int i = 0; i < args->nargs; i++)
        var_index(C, args->names[i]);
    bool ok = prologue(C);
    if (ok && lambda_body) {
        set_loc(C, lambda_body);
        ok = expr(C, lambda_body) && emit(C, OP_RETURN_VALUE, 0) >= 0;
    } else if (ok) {
        ok = stmts(C, body, nbody);
        if (ok && (nbody == 0 || body[nbody - 1]->kind != S_RETURN))
            ok = emit_none(C) && emit(C, OP_RETURN_VALUE, 0) >= 0;
    }
    hd_obj_t *code = leave_unit(C);
    set_loc(C, node);
    return ok && code && make_closure(C, code, mf);
}

static bool comprehension_gen(compiler_t *C, sc_node_t *e, int gen, int elt_depth);

static bool comprehension(compiler_t *C, sc_node_t *e)
{
    static const char *const names[] = {"<listcomp>", "<setcomp>", "<dictcomp>"};
    int which = e->kind == E_LISTCOMP ? 0 : e->kind == E_SETCOMP ? 1 : 2;
    sc_scope_t *scope = child_scope(C, e);
    if (!scope)
        return false;
    char *qualname = make_qualname(C, names[which]);
    if (!qualname)
        return false;
    unit_t u;
    if (!enter_unit(C, &u, scope, CO_FUNCTION | CO_COMPREHENSION, names[which], qualname,
                    (int)e->line))
        return false;
    set_loc(C, e);
    u.argcount = 1;
    var_index(C, ".0");
    static const int build[] = {OP_BUILD_LIST, OP_BUILD_SET, OP_BUILD_MAP};
    bool ok = prologue(C) && emit(C, build[which], 0) >= 0 && comprehension_gen(C, e, 0, 1) &&
              emit(C, OP_RETURN_VALUE, 0) >= 0;
    hd_obj_t *code = leave_unit(C);
    set_loc(C, e);
    if (!ok || !code)
        return false;
    if (!make_closure(C, code, 0))
        return false;
    sc_node_t *outer = e->list[0]->b;
    set_loc(C, outer);
    ok = expr(C, outer) && emit(C, OP_GET_ITER, 0) >= 0;
    set_loc(C, e);
    return ok && emit(C, OP_CALL, 0) >= 0;
}

static bool store_target(compiler_t *C, sc_node_t *t);
static bool jump_if(compiler_t *C, sc_node_t *e, bool cond, int label);

/* comprehension_gen: the loops of a comprehension (inside its code) */
static bool comprehension_gen(compiler_t *C, sc_node_t *e, int gen, int depth)
{
    sc_node_t *g = e->list[gen];
    int start = new_label(C), end = new_label(C), skip = new_label(C);
    if (start < 0 || end < 0 || skip < 0)
        return false;
    set_loc(C, g);
    if (gen == 0) {
        if (emit(C, OP_LOAD_FAST, 0) < 0)
            return false;
    } else if (!expr(C, g->b) || emit(C, OP_GET_ITER, 0) < 0) {
        return false;
    }
    bind_label(C, start);
    if (emit(C, OP_FOR_ITER, end) < 0 || !store_target(C, g->a))
        return false;
    for (int i = 0; i < g->nlist; i++)
        if (!jump_if(C, g->list[i], false, skip))
            return false;
    if (gen + 1 < e->nlist) {
        if (!comprehension_gen(C, e, gen + 1, depth + 1))
            return false;
    } else {
        set_loc(C, e->a);
        if (e->kind == E_DICTCOMP) {
            if (!expr(C, e->a) || !expr(C, e->b) || emit(C, OP_MAP_ADD, depth + 1) < 0)
                return false;
        } else if (!expr(C, e->a) ||
                   emit(C, e->kind == E_LISTCOMP ? OP_LIST_APPEND : OP_SET_ADD, depth + 1) < 0) {
            return false;
        }
    }
    bind_label(C, skip);
    if (emit(C, OP_JUMP, start) < 0)
        return false;
    bind_label(C, end);
    return true;
}

static bool all_const(sc_node_t **v, int begin, int end)
{
    for (int i = begin; i < end; i++)
        if (!v[i] || v[i]->kind != E_CONST)
            return false;
    return true;
}

static bool has_starred(sc_node_t **v, int n)
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
            return coom(C, HD_ENOMEM);
        for (int i = 0; i < n; i++)
            vals[i] = e->list[i]->value;
        int rc = build == OP_BUILD_SET ? hd_set_new(C->h, (size_t)n, vals, &folded)
                                       : hd_tuple_new(C->h, (size_t)n, vals, &folded);
        hd_mem_free(C->h->mem, vals);
        if (rc == HD_ETYPE)
            goto general; /* an unhashable constant: let it fail at run time */
        if (rc)
            return coom(C, rc);
        int idx = add_new_const(C, folded);
        return idx >= 0 && emit(C, build, 0) >= 0 && emit(C, OP_LOAD_CONST, idx) >= 0 &&
               emit(C, extend, 1) >= 0 && (!tuple || emit(C, OP_LIST_TO_TUPLE, 0) >= 0);
    }
general:;
    bool big = n > STACK_USE_GUIDELINE, star = has_starred(e->list, n);
    if (!star && !big) {
        if (!exprs(C, e->list, n))
            return false;
        return emit(C, tuple ? OP_BUILD_TUPLE : build, n) >= 0;
    }
    bool built = false;
    if (big) {
        if (emit(C, build, 0) < 0)
            return false;
        built = true;
    }
    for (int i = 0; i < n; i++) {
        sc_node_t *x = e->list[i];
        if (x->kind == E_STARRED) {
            if (!built) {
                if (emit(C, build, i) < 0)
                    return false;
                built = true;
            }
            if (!expr(C, x->a) || emit(C, extend, 1) < 0)
                return false;
        } else {
            if (!expr(C, x))
                return false;
            if (built && emit(C, add, 1) < 0)
                return false;
        }
    }
    return !tuple || emit(C, OP_LIST_TO_TUPLE, 0) >= 0;
}

static bool subdict(compiler_t *C, sc_node_t *e, int begin, int end)
{
    int n = end - begin;
    bool big = n * 2 > STACK_USE_GUIDELINE;
    if (n > 1 && !big && all_const(e->list, begin, end)) {
        if (!exprs(C, e->list2 + begin, n))
            return false;
        hd_obj_t *vals[16], *keys;
        for (int i = 0; i < n; i++)
            vals[i] = e->list[begin + i]->value;
        int rc = hd_tuple_new(C->h, (size_t)n, vals, &keys);
        if (rc)
            return coom(C, rc);
        int idx = add_new_const(C, keys);
        return idx >= 0 && emit(C, OP_LOAD_CONST, idx) >= 0 &&
               emit(C, OP_BUILD_CONST_KEY_MAP, n) >= 0;
    }
    if (big && emit(C, OP_BUILD_MAP, 0) < 0)
        return false;
    for (int i = begin; i < end; i++) {
        if (!expr(C, e->list[i]) || !expr(C, e->list2[i]))
            return false;
        if (big && emit(C, OP_MAP_ADD, 1) < 0)
            return false;
    }
    return big || emit(C, OP_BUILD_MAP, n) >= 0;
}

static bool dict_display(compiler_t *C, sc_node_t *e)
{
    int n = e->nlist, elements = 0;
    bool have = false;
    for (int i = 0; i < n; i++) {
        if (elements * 2 > STACK_USE_GUIDELINE) {
            if (!subdict(C, e, i - elements, i + 1))
                return false;
            if (have && emit(C, OP_DICT_UPDATE, 1) < 0)
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
        if (have && emit(C, OP_DICT_UPDATE, 1) < 0)
            return false;
        have = true;
    }
    return have || emit(C, OP_BUILD_MAP, 0) >= 0;
}

static bool joined_str(compiler_t *C, sc_node_t *e)
{
    int n = e->nlist;
    if (n == 0) {
        hd_obj_t *empty;
        int rc = hd_str_new(C->h, "", 0, &empty);
        if (rc)
            return coom(C, rc);
        int idx = add_new_const(C, empty);
        return idx >= 0 && emit(C, OP_LOAD_CONST, idx) >= 0;
    }
    if (n > STACK_USE_GUIDELINE) {
        hd_obj_t *empty;
        int rc = hd_str_new(C->h, "", 0, &empty);
        if (rc)
            return coom(C, rc);
        int idx = add_new_const(C, empty);
        if (idx < 0 || emit(C, OP_LOAD_CONST, idx) < 0 ||
            !emit_name_op(C, OP_LOAD_METHOD, "join") || emit(C, OP_BUILD_LIST, 0) < 0)
            return false;
        for (int i = 0; i < n; i++)
            if (!expr(C, e->list[i]) || emit(C, OP_LIST_APPEND, 1) < 0)
                return false;
        return emit(C, OP_CALL, 1) >= 0;
    }
    if (!exprs(C, e->list, n))
        return false;
    return n == 1 || emit(C, OP_BUILD_STRING, n) >= 0;
}

static bool formatted(compiler_t *C, sc_node_t *e)
{
    if (!expr(C, e->a))
        return false;
    int flags = e->op == 's' ? 1 : e->op == 'r' ? 2 : e->op == 'a' ? 3 : 0;
    if (e->b) {
        if (!expr(C, e->b))
            return false;
        flags |= 4;
    }
    set_loc(C, e);
    return emit(C, OP_FORMAT_VALUE, flags) >= 0;
}

/* call_helper: positional args then keywords, KW_NAMES, CALL */
static bool call_helper(compiler_t *C, sc_node_t *call, int pushed)
{
    int nargs = call->nlist, nkw = call->nlist2;
    bool star = has_starred(call->list, nargs);
    for (int i = 0; i < nkw; i++)
        if (!call->list2[i]->name)
            star = true;
    if (star) {
        /* CALL_FUNCTION_EX: the positional arguments as one tuple */
        sc_node_t fake = *call;
        fake.kind = E_TUPLE;
        if (pushed) {
            return cfail_node(C, call, "'*' in class bases is not supported");
        }
        if (!starunpack(C, &fake, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND, true))
            return false;
        if (nkw) {
            for (int i = 0; i < nkw; i++) {
                hd_obj_t *k;
                int rc = hd_str_new(C->h, call->list2[i]->name, strlen(call->list2[i]->name), &k);
                if (rc)
                    return coom(C, rc);
                int idx = add_new_const(C, k);
                if (idx < 0 || emit(C, OP_LOAD_CONST, idx) < 0 || !expr(C, call->list2[i]->a))
                    return false;
            }
            if (emit(C, OP_BUILD_MAP, nkw) < 0)
                return false;
        }
        set_loc(C, call);
        return emit(C, OP_CALL_FUNCTION_EX, nkw ? 1 : 0) >= 0;
    }
    if (!exprs(C, call->list, nargs))
        return false;
    for (int i = 0; i < nkw; i++)
        if (!expr(C, call->list2[i]->a))
            return false;
    set_loc(C, call);
    if (nkw) {
        hd_obj_t *names[256], *t;
        for (int i = 0; i < nkw; i++) {
            int rc =
                hd_str_new(C->h, call->list2[i]->name, strlen(call->list2[i]->name), &names[i]);
            if (rc) {
                while (i-- > 0)
                    hd__decref(C->h, names[i]);
                return coom(C, rc);
            }
        }
        int rc = hd_tuple_new(C->h, (size_t)nkw, names, &t);
        for (int i = 0; i < nkw; i++)
            hd__decref(C->h, names[i]);
        if (rc)
            return coom(C, rc);
        int idx = add_new_const(C, t);
        if (idx < 0 || emit(C, OP_KW_NAMES, idx) < 0)
            return false;
    }
    return emit(C, OP_CALL, pushed + nargs + nkw) >= 0;
}

static bool call(compiler_t *C, sc_node_t *e)
{
    sc_node_t *f = e->a;
    if (e->nlist + e->nlist2 > 255)
        return cfail_node(C, e, "too many arguments");
    bool star = has_starred(e->list, e->nlist);
    if (f->kind == E_ATTR && !star) {
        bool kwstar = false;
        for (int i = 0; i < e->nlist2; i++)
            kwstar |= !e->list2[i]->name;
        if (!kwstar) {
            if (!expr(C, f->a))
                return false;
            set_loc(C, f);
            if (!emit_name_op(C, OP_LOAD_METHOD, f->name))
                return false;
            return call_helper(C, e, 0);
        }
    }
    set_loc(C, e);
    if (f->kind == E_NAME) {
        sc_symbol_t *sym = sc_scope_lookup(C->u->scope, f->name);
        int scope = sym ? sym->scope : SYM_GLOBAL_IMPLICIT;
        if (scope == SYM_GLOBAL_EXPLICIT ||
            (scope == SYM_GLOBAL_IMPLICIT && C->u->scope->kind == SCOPE_FUNCTION)) {
            int i = add_name(C, f->name);
            set_loc(C, f);
            if (i < 0 || emit(C, OP_LOAD_GLOBAL, (i << 1) | 1) < 0)
                return false;
            return call_helper(C, e, 0);
        }
    }
    if (emit(C, OP_PUSH_NULL, 0) < 0 || !expr(C, f))
        return false;
    return call_helper(C, e, 0);
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
    if (!expr(C, e->a))
        return false;
    if (n == 1) {
        if (!expr(C, e->list[0]))
            return false;
        set_loc(C, e);
        return emit(C, kinds[e->ops[0]], args[e->ops[0]]) >= 0;
    }
    int cleanup = new_label(C), end = new_label(C);
    for (int i = 0; i < n - 1; i++) {
        if (!expr(C, e->list[i]))
            return false;
        set_loc(C, e);
        if (emit(C, OP_SWAP, 2) < 0 || emit(C, OP_COPY, 2) < 0 ||
            emit(C, kinds[e->ops[i]], args[e->ops[i]]) < 0 ||
            emit(C, OP_JUMP_IF_FALSE_OR_POP, cleanup) < 0)
            return false;
    }
    if (!expr(C, e->list[n - 1]))
        return false;
    set_loc(C, e);
    if (emit(C, kinds[e->ops[n - 1]], args[e->ops[n - 1]]) < 0 || emit(C, OP_JUMP, end) < 0)
        return false;
    bind_label(C, cleanup);
    if (emit(C, OP_SWAP, 2) < 0 || emit(C, OP_POP_TOP, 0) < 0)
        return false;
    bind_label(C, end);
    return true;
}

static bool boolop(compiler_t *C, sc_node_t *e)
{
    int end = new_label(C);
    int op = e->op ? OP_JUMP_IF_TRUE_OR_POP : OP_JUMP_IF_FALSE_OR_POP;
    for (int i = 0; i < e->nlist; i++) {
        if (!expr(C, e->list[i]))
            return false;
        if (i + 1 < e->nlist && emit(C, op, end) < 0)
            return false;
    }
    bind_label(C, end);
    return true;
}

static bool subscript(compiler_t *C, sc_node_t *e)
{
    if (!expr(C, e->a))
        return false;
    if (!expr(C, e->b))
        return false;
    set_loc(C, e);
    return emit(C, OP_BINARY_SUBSCR, 0) >= 0;
}

static bool slice(compiler_t *C, sc_node_t *e)
{
    int n = 2;
    if (e->a ? !expr(C, e->a) : !emit_none(C))
        return false;
    if (e->b ? !expr(C, e->b) : !emit_none(C))
        return false;
    if (e->c) {
        if (!expr(C, e->c))
            return false;
        n = 3;
    }
    set_loc(C, e);
    return emit(C, OP_BUILD_SLICE, n) >= 0;
}

static bool ifexp(compiler_t *C, sc_node_t *e)
{
    int orelse = new_label(C), end = new_label(C);
    if (!jump_if(C, e->a, false, orelse) || !expr(C, e->b) || emit(C, OP_JUMP, end) < 0)
        return false;
    bind_label(C, orelse);
    if (!expr(C, e->c))
        return false;
    bind_label(C, end);
    return true;
}

/* expr: one case per kind of expression node (the larger ones are
 * functions of their own) */
static bool expr(compiler_t *C, sc_node_t *e)
{
    if (C->failed)
        return false;
    uint32_t line = C->u->line;
    uint16_t col = C->u->col;
    set_loc(C, e);
    bool ok;
    switch (e->kind) {
    case E_NAME:
        ok = nameop(C, e->name, 0);
        break;
    case E_CONST:
        ok = emit_const(C, e->value);
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
        ok = expr(C, e->a);
        set_loc(C, e);
        ok = ok && emit_name_op(C, OP_LOAD_ATTR, e->name);
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
        ok = expr(C, e->a) && expr(C, e->b);
        set_loc(C, e);
        ok = ok && emit(C, OP_BINARY_OP, e->op) >= 0;
        break;
    case E_UNARY: {
        static const int ops[] = {OP_UNARY_NEGATIVE, OP_UNARY_POSITIVE, OP_UNARY_INVERT,
                                  OP_UNARY_NOT};
        ok = expr(C, e->a);
        set_loc(C, e);
        ok = ok && emit(C, ops[e->op], 0) >= 0;
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
        ok = function_body(C, e, e->args, NULL, 0, e->a, "<lambda>", CO_LAMBDA);
        break;
    case E_STARRED:
        ok = cfail_node(C, e, "can't use starred expression here");
        break;
    default:
        ok = cfail_node(C, e, "invalid syntax");
        break;
    }
    C->u->line = line;
    C->u->col = col;
    return ok && !C->failed;
}

/* jump_if: jumps to label when e's truth is `cond` (compiler_jump_if) */
static bool jump_if(compiler_t *C, sc_node_t *e, bool cond, int label)
{
    if (e->kind == E_UNARY && e->op == UO_NOT)
        return jump_if(C, e->a, !cond, label);
    if (e->kind == E_BOOLOP) {
        bool is_or = e->op == 1;
        int next = label;
        int end = -1;
        if (is_or != cond) {
            end = new_label(C);
            next = end;
        }
        for (int i = 0; i < e->nlist - 1; i++)
            if (!jump_if(C, e->list[i], is_or, next))
                return false;
        if (!jump_if(C, e->list[e->nlist - 1], cond, label))
            return false;
        if (end >= 0)
            bind_label(C, end);
        return true;
    }
    if (e->kind == E_IFEXP) {
        int end = new_label(C), next2 = new_label(C);
        if (!jump_if(C, e->a, false, next2) || !jump_if(C, e->b, cond, label) ||
            emit(C, OP_JUMP, end) < 0)
            return false;
        bind_label(C, next2);
        if (!jump_if(C, e->c, cond, label))
            return false;
        bind_label(C, end);
        return true;
    }
    if (!expr(C, e))
        return false;
    set_loc(C, e);
    return emit(C, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE, label) >= 0;
}

/* ---- stores ---- */

static bool store_target(compiler_t *C, sc_node_t *t)
{
    uint32_t line = C->u->line;
    uint16_t col = C->u->col;
    set_loc(C, t);
    bool ok;
    switch (t->kind) {
    case E_NAME:
        ok = nameop(C, t->name, 1);
        break;
    case E_ATTR:
        ok = expr(C, t->a);
        set_loc(C, t);
        ok = ok && emit_name_op(C, OP_STORE_ATTR, t->name);
        break;
    case E_SUBSCRIPT:
        ok = expr(C, t->a) && expr(C, t->b);
        set_loc(C, t);
        ok = ok && emit(C, OP_STORE_SUBSCR, 0) >= 0;
        break;
    case E_TUPLE:
    case E_LIST:
        if (has_starred(t->list, t->nlist))
            return cfail_node(C, t,
                              "starred assignment is not supported by the heap script "
                              "language");
        ok = emit(C, OP_UNPACK_SEQUENCE, t->nlist) >= 0;
        for (int i = 0; ok && i < t->nlist; i++)
            ok = store_target(C, t->list[i]);
        break;
    default:
        ok = cfail_node(C, t, "cannot assign to expression");
    }
    C->u->line = line;
    C->u->col = col;
    return ok;
}

static bool delete_target(compiler_t *C, sc_node_t *t)
{
    set_loc(C, t);
    switch (t->kind) {
    case E_NAME:
        return nameop(C, t->name, 2);
    case E_ATTR:
        if (!expr(C, t->a))
            return false;
        set_loc(C, t);
        return emit_name_op(C, OP_DELETE_ATTR, t->name);
    case E_SUBSCRIPT:
        if (!expr(C, t->a) || !expr(C, t->b))
            return false;
        set_loc(C, t);
        return emit(C, OP_DELETE_SUBSCR, 0) >= 0;
    case E_TUPLE:
    case E_LIST:
        for (int i = 0; i < t->nlist; i++)
            if (!delete_target(C, t->list[i]))
                return false;
        return true;
    }
    return cfail_node(C, t, "cannot delete expression");
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
        !has_starred(v->list, v->nlist) && !has_starred(s->list[0]->list, v->nlist)) {
        if (!exprs(C, v->list, v->nlist))
            return false;
        set_loc(C, s->list[0]);
        if (v->nlist > 1 && emit(C, OP_SWAP, v->nlist) < 0)
            return false;
        sc_node_t *t = s->list[0];
        if (v->nlist == 3) { /* SWAP 3 reversed the ends: store in stack order */
            for (int i = 0; i < 3; i++)
                if (!store_target(C, t->list[i]))
                    return false;
            return true;
        }
        for (int i = 0; i < t->nlist; i++)
            if (!store_target(C, t->list[i]))
                return false;
        return true;
    }
    if (!expr(C, v))
        return false;
    for (int i = 0; i < s->nlist; i++) {
        if (i < s->nlist - 1 && emit(C, OP_COPY, 1) < 0)
            return false;
        if (!store_target(C, s->list[i]))
            return false;
    }
    return true;
}

static bool augassign(compiler_t *C, sc_node_t *s)
{
    sc_node_t *t = s->a;
    set_loc(C, t);
    switch (t->kind) {
    case E_ATTR:
        if (!expr(C, t->a) || emit(C, OP_COPY, 1) < 0 || !emit_name_op(C, OP_LOAD_ATTR, t->name))
            return false;
        break;
    case E_SUBSCRIPT:
        if (!expr(C, t->a) || !expr(C, t->b) || emit(C, OP_COPY, 2) < 0 ||
            emit(C, OP_COPY, 2) < 0 || emit(C, OP_BINARY_SUBSCR, 0) < 0)
            return false;
        break;
    default:
        if (!nameop(C, t->name, 0))
            return false;
    }
    if (!expr(C, s->b))
        return false;
    set_loc(C, s);
    if (emit(C, OP_BINARY_OP, s->op | 0x100) < 0)
        return false;
    set_loc(C, t);
    switch (t->kind) {
    case E_ATTR:
        return emit(C, OP_SWAP, 2) >= 0 && emit_name_op(C, OP_STORE_ATTR, t->name);
    case E_SUBSCRIPT:
        return emit(C, OP_SWAP, 3) >= 0 && emit(C, OP_SWAP, 2) >= 0 &&
               emit(C, OP_STORE_SUBSCR, 0) >= 0;
    default:
        return nameop(C, t->name, 1);
    }
}

static bool if_stmt(compiler_t *C, sc_node_t *s)
{
    int end = new_label(C), orelse = s->nlist2 ? new_label(C) : end;
    if (!jump_if(C, s->a, false, orelse) || !stmts(C, s->list, s->nlist))
        return false;
    if (s->nlist2) {
        if (emit(C, OP_JUMP, end) < 0)
            return false;
        bind_label(C, orelse);
        if (!stmts(C, s->list2, s->nlist2))
            return false;
    }
    bind_label(C, end);
    return true;
}

static bool push_loop(compiler_t *C, const sc_node_t *s, int kind, int cont, int brk)
{
    unit_t *u = C->u;
    if (u->nloops == MAX_LOOPS)
        return cfail(C, (int)s->line, s->col, "SyntaxError", "too many statically nested blocks");
    u->loops[u->nloops++] = (loop_t){kind, cont, brk};
    return true;
}

static bool while_stmt(compiler_t *C, sc_node_t *s)
{
    int start = new_label(C), orelse = new_label(C), end = new_label(C);
    bind_label(C, start);
    if (!jump_if(C, s->a, false, orelse) || !push_loop(C, s, LOOP_WHILE, start, end))
        return false;
    bool ok = stmts(C, s->list, s->nlist);
    C->u->nloops--;
    if (!ok || emit(C, OP_JUMP, start) < 0)
        return false;
    bind_label(C, orelse);
    if (!stmts(C, s->list2, s->nlist2))
        return false;
    bind_label(C, end);
    return true;
}

static bool for_stmt(compiler_t *C, sc_node_t *s)
{
    int start = new_label(C), cleanup = new_label(C), end = new_label(C);
    if (!expr(C, s->b))
        return false;
    set_loc(C, s->b);
    if (emit(C, OP_GET_ITER, 0) < 0)
        return false;
    bind_label(C, start);
    set_loc(C, s);
    if (emit(C, OP_FOR_ITER, cleanup) < 0 || !store_target(C, s->a) ||
        !push_loop(C, s, LOOP_FOR, start, end))
        return false;
    bool ok = stmts(C, s->list, s->nlist);
    C->u->nloops--;
    if (!ok || emit(C, OP_JUMP, start) < 0)
        return false;
    bind_label(C, cleanup);
    if (!stmts(C, s->list2, s->nlist2))
        return false;
    bind_label(C, end);
    return true;
}

static bool return_stmt(compiler_t *C, sc_node_t *s)
{
    unit_t *u = C->u;
    if (!(u->flags & (CO_FUNCTION)) || (u->flags & CO_CLASS))
        return cfail_node(C, s, "'return' outside function");
    if (s->a ? !expr(C, s->a) : !emit_none(C))
        return false;
    set_loc(C, s);
    for (int i = u->nloops; i-- > 0;)
        if (u->loops[i].kind == LOOP_FOR && (emit(C, OP_SWAP, 2) < 0 || emit(C, OP_POP_TOP, 0) < 0))
            return false;
    return emit(C, OP_RETURN_VALUE, 0) >= 0;
}

static bool break_continue(compiler_t *C, sc_node_t *s)
{
    unit_t *u = C->u;
    if (!u->nloops)
        return cfail_node(
            C, s, s->kind == S_BREAK ? "'break' outside loop" : "'continue' not properly in loop");
    loop_t *l = &u->loops[u->nloops - 1];
    if (s->kind == S_CONTINUE)
        return emit(C, OP_JUMP, l->continue_label) >= 0;
    if (l->kind == LOOP_FOR && emit(C, OP_POP_TOP, 0) < 0)
        return false;
    return emit(C, OP_JUMP, l->break_label) >= 0;
}

static bool import_stmt(compiler_t *C, sc_node_t *s)
{
    for (int i = 0; i < s->nnames; i++) {
        hd_obj_t *zero;
        int rc = hd_int_from_i64(C->h, 0, &zero);
        if (rc)
            return coom(C, rc);
        int idx = add_new_const(C, zero);
        if (idx < 0 || emit(C, OP_LOAD_CONST, idx) < 0 || !emit_none(C) ||
            !emit_name_op(C, OP_IMPORT_NAME, s->names[i]))
            return false;
        const char *name = s->names[i];
        const char *dot = strchr(name, '.');
        if (s->asnames[i]) {
            /* import a.b as c: walk down with IMPORT_FROM */
            while (dot) {
                const char *next = strchr(dot + 1, '.');
                size_t len = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
                char *part = sc_arena_strndup(C->a, dot + 1, len);
                if (!part || !emit_name_op(C, OP_IMPORT_FROM, part) || emit(C, OP_SWAP, 2) < 0 ||
                    emit(C, OP_POP_TOP, 0) < 0)
                    return part ? false : coom(C, HD_ENOMEM);
                dot = next;
            }
            if (!nameop(C, s->asnames[i], 1))
                return false;
        } else {
            char *first = sc_arena_strndup(C->a, name, dot ? (size_t)(dot - name) : strlen(name));
            if (!first)
                return coom(C, HD_ENOMEM);
            if (!nameop(C, first, 1))
                return false;
        }
    }
    return true;
}

static bool importfrom_stmt(compiler_t *C, sc_node_t *s)
{
    if (s->level)
        return cfail_node(C, s, "attempted relative import with no known parent package");
    hd_obj_t *level, *names[64], *t;
    int rc = hd_int_from_i64(C->h, 0, &level);
    if (rc)
        return coom(C, rc);
    int idx = add_new_const(C, level);
    if (idx < 0 || emit(C, OP_LOAD_CONST, idx) < 0)
        return false;
    for (int i = 0; i < s->nnames; i++)
        if ((rc = hd_str_new(C->h, s->names[i], strlen(s->names[i]), &names[i]))) {
            while (i-- > 0)
                hd__decref(C->h, names[i]);
            return coom(C, rc);
        }
    rc = hd_tuple_new(C->h, (size_t)s->nnames, names, &t);
    for (int i = 0; i < s->nnames; i++)
        hd__decref(C->h, names[i]);
    if (rc)
        return coom(C, rc);
    idx = add_new_const(C, t);
    if (idx < 0 || emit(C, OP_LOAD_CONST, idx) < 0 || !emit_name_op(C, OP_IMPORT_NAME, s->name))
        return false;
    for (int i = 0; i < s->nnames; i++)
        if (!emit_name_op(C, OP_IMPORT_FROM, s->names[i]) ||
            !nameop(C, s->asnames[i] ? s->asnames[i] : s->names[i], 1))
            return false;
    return emit(C, OP_POP_TOP, 0) >= 0;
}

static bool class_stmt(compiler_t *C, sc_node_t *s)
{
    sc_scope_t *scope = child_scope(C, s);
    if (!scope)
        return false;
    char *qualname = make_qualname(C, s->name);
    if (!qualname)
        return false;
    if (emit(C, OP_PUSH_NULL, 0) < 0 || emit(C, OP_LOAD_BUILD_CLASS, 0) < 0)
        return false;
    unit_t u;
    if (!enter_unit(C, &u, scope, CO_CLASS, s->name, qualname, (int)s->line))
        return false;
    hd_obj_t *qn;
    bool ok = prologue(C) && nameop(C, "__name__", 0) && nameop(C, "__module__", 1);
    if (ok) {
        int rc = hd_str_new(C->h, qualname, strlen(qualname), &qn);
        int idx = rc ? (coom(C, rc), -1) : add_new_const(C, qn);
        ok = idx >= 0 && emit(C, OP_LOAD_CONST, idx) >= 0 && nameop(C, "__qualname__", 1);
    }
    ok = ok && stmts(C, s->list, s->nlist) && emit_none(C) && emit(C, OP_RETURN_VALUE, 0) >= 0;
    hd_obj_t *code = leave_unit(C);
    set_loc(C, s);
    if (!ok || !code || !make_closure(C, code, 0))
        return false;
    hd_obj_t *name;
    int rc = hd_str_new(C->h, s->name, strlen(s->name), &name);
    if (rc)
        return coom(C, rc);
    int idx = add_new_const(C, name);
    if (idx < 0 || emit(C, OP_LOAD_CONST, idx) < 0)
        return false;
    sc_node_t fake = *s;
    fake.list = s->list2, fake.nlist = s->nlist2;
    fake.list2 = s->list3, fake.nlist2 = s->nlist3;
    if (!call_helper(C, &fake, 2))
        return false;
    return nameop(C, s->name, 1);
}

static bool assert_stmt(compiler_t *C, sc_node_t *s)
{
    int end = new_label(C);
    if (!jump_if(C, s->a, true, end))
        return false;
    set_loc(C, s);
    if (emit(C, OP_LOAD_ASSERTION_ERROR, 0) < 0)
        return false;
    if (s->b && (!expr(C, s->b) || emit(C, OP_CALL, 0) < 0))
        return false;
    if (emit(C, OP_RAISE_VARARGS, 1) < 0)
        return false;
    bind_label(C, end);
    return true;
}

static bool stmt(compiler_t *C, sc_node_t *s)
{
    set_loc(C, s);
    switch (s->kind) {
    case S_EXPR:
        return expr(C, s->a) && emit(C, OP_POP_TOP, 0) >= 0;
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
        return function_body(C, s, s->args, s->list, s->nlist, NULL, s->name, 0) &&
               (set_loc(C, s), nameop(C, s->name, 1));
    case S_CLASS:
        return class_stmt(C, s);
    case S_ASSERT:
        return assert_stmt(C, s);
    case S_RAISE:
        return cfail_node(C, s, "'raise' is not supported by the heap script language");
    case S_TRY:
        return cfail_node(C, s, "'try' is not supported by the heap script language");
    }
    return cfail_node(C, s, "invalid syntax");
}

static bool stmts(compiler_t *C, sc_node_t **v, int n)
{
    for (int i = 0; i < n; i++)
        if (!stmt(C, v[i]))
            return false;
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
               uint64_t *serial, sc_syntax_error_t *err, hd_obj_t **out)
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
    unit_t u;
    C.u = NULL;
    hd_obj_t *code = NULL;
    if (enter_unit(&C, &u, top, CO_MODULE, "<module>", "<module>", 1)) {
        if (stmts(&C, mod->list, mod->nlist) && emit_none(&C))
            emit(&C, OP_RETURN_VALUE, 0);
        code = leave_unit(&C);
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
