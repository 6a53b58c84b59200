/*
 * compile_layout.c: the end of a code unit (compile.c). Labels become
 * instruction indexes, cell and free variable numbers become localsplus
 * slots, the stack depth is computed by a flow pass over the instructions
 * (stack_effect: one case per opcode, as CPython's stack_effect), and the
 * code object is built as one block: its struct, then each array, in the
 * order of layout_t (code.h describes the fields).
 */
#include "compile_int.h"
#include "persist.h"

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
    case OP_PRINT_EXPR:
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

/* sc_code_max_depth: the largest stack depth any path reaches (a flow
 * pass), or -1 when out of memory (also script/persist.c's check of an
 * imported code block) */
int sc_code_max_depth(hd_mem_t *mem, const sc_instr_t *code, int n)
{
    int *depth = hd_mem_malloc(mem, (size_t)(n + 1) * sizeof(int));
    int *work = hd_mem_malloc(mem, (size_t)(n + 1) * sizeof(int));
    if (!depth || !work) {
        hd_mem_free(mem, depth);
        hd_mem_free(mem, work);
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
    hd_mem_free(mem, depth);
    hd_mem_free(mem, work);
    return best;
}

static int max_depth(compiler_t *C, const sc_instr_t *code, int n)
{
    int best = sc_code_max_depth(C->h->mem, code, n);
    if (best < 0)
        cg_coom(C, HD_ENOMEM);
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
        hd_obj_t *s = cg_name_str(C, u->names[i]);
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
        cg_coom(C, HD_ENOMEM);
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
        cg_coom(C, rc);
        return NULL;
    }
    sc_code_t *co = (sc_code_t *)o;
    char *sp = (char *)o + L.str;
    set_header(co, u, &L, nlocalsplus, stack);
    bool ok = fill_names(C, u, co, &sp);
    if (ok)
        fill_locals(u, co, lp, nlocalsplus, &sp);
    hd_mem_free(C->h->mem, lp);
    hd_obj_t *sn = ok ? cg_name_str(C, u->name) : NULL, *sq = NULL;
    int rq = sn ? hd_str_new(C->h, u->qualname, strlen(u->qualname), &sq) : 0;
    if (!sn || rq) {
        if (ok)
            cg_coom(C, rq ? rq : HD_ENOMEM);
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

hd_obj_t *cg_leave_unit(compiler_t *C)
{
    unit_t *u = C->u;
    hd_obj_t *code = C->failed ? NULL : build_code(C, u);
    free_unit(C, u);
    C->u = u->parent;
    return code;
}

/* prologue: MAKE_CELL for each cell, then COPY_FREE_VARS */
bool cg_prologue(compiler_t *C)
{
    unit_t *u = C->u;
    for (int i = 0; i < u->nargcells; i++)
        if (cg_emit(C, OP_MAKE_CELL, cg_var_index(C, u->argcells[i])) < 0)
            return false;
    for (int i = 0; i < u->ncell; i++)
        if (cg_emit(C, OP_MAKE_CELL, 0x100000 | i) < 0)
            return false;
    if (u->nfree && cg_emit(C, OP_COPY_FREE_VARS, u->nfree) < 0)
        return false;
    return true;
}
