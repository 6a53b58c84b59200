/*
 * compile_int.h: the code generator's shared state (compile.c,
 * compile_expr.c, compile_stmt.c, compile_layout.c): a compiler per
 * sc_compile call, a unit per code object being built (its instructions
 * with symbolic labels, constants, names, local and cell variables, loop
 * labels), and the functions the files call in one another (cg_*).
 */
#ifndef SC_COMPILE_INT_H
#define SC_COMPILE_INT_H

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
    bool interactive; /* 'single' mode: the module's expression statements display */
} compiler_t;

/* compile.c: errors (cg_cfail*, cg_coom record the first error and return
 * false), constants (indexes into the unit's constants; -1 on failure),
 * emission (cg_emit: the instruction's index, -1 on failure), labels,
 * locals, and units (cg_enter_unit makes u the current unit) */
bool cg_cfail(compiler_t *C, int line, int col, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
bool cg_cfail_node(compiler_t *C, const sc_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool cg_coom(compiler_t *C, int rc);
int cg_add_new_const(compiler_t *C, hd_obj_t *o);
int cg_add_name(compiler_t *C, const char *name);
hd_obj_t *cg_name_str(compiler_t *C, const char *name);
int cg_emit(compiler_t *C, int op, int arg);
int cg_new_label(compiler_t *C);
void cg_bind_label(compiler_t *C, int label);
void cg_set_loc(compiler_t *C, const sc_node_t *n);
bool cg_emit_const(compiler_t *C, hd_obj_t *o);
bool cg_emit_none(compiler_t *C);
bool cg_emit_name_op(compiler_t *C, int op, const char *name);
int cg_var_index(compiler_t *C, const char *name);
int cg_deref_index(compiler_t *C, const char *name);
bool cg_nameop(compiler_t *C, const char *name, int ctx); /* ctx: 0 load, 1 store, 2 del */
bool cg_enter_unit(compiler_t *C, unit_t *u, sc_scope_t *scope, uint32_t flags, const char *name,
                   const char *qualname, int firstline);

/* compile_layout.c: cg_leave_unit ends the current unit and returns its
 * code object (new reference, NULL on failure); cg_prologue emits
 * MAKE_CELL / COPY_FREE_VARS */
hd_obj_t *cg_leave_unit(compiler_t *C);
bool cg_prologue(compiler_t *C);

/* compile_expr.c: each returns false after recording an error */
bool cg_exprs(compiler_t *C, sc_node_t **v, int n);
sc_scope_t *cg_child_scope(compiler_t *C, const sc_node_t *node);
char *cg_make_qualname(compiler_t *C, const char *name);
bool cg_make_closure(compiler_t *C, hd_obj_t *code, int flags);
bool cg_function_body(compiler_t *C, const sc_node_t *node, const sc_args_t *args, sc_node_t **body,
                      int nbody, sc_node_t *lambda_body, const char *name, int flags);
bool cg_has_starred(sc_node_t **v, int n);
bool cg_call_helper(compiler_t *C, sc_node_t *call, int pushed);
bool cg_expr(compiler_t *C, sc_node_t *e);
bool cg_jump_if(compiler_t *C, sc_node_t *e, bool cond, int label);

/* compile_stmt.c: each returns false after recording an error */
bool cg_store_target(compiler_t *C, sc_node_t *t);
bool cg_stmts(compiler_t *C, sc_node_t **v, int n);

#endif
