/*
 * symtable.h: scopes and name resolution of the heap script language
 * (internal; symtable.c).
 */
#ifndef SC_SYMTABLE_H
#define SC_SYMTABLE_H

#include <stdbool.h>

#include "ast.h"

enum { SCOPE_MODULE, SCOPE_FUNCTION, SCOPE_CLASS };

/* definition flags (pass 1) */
enum { DEF_GLOBAL = 1, DEF_NONLOCAL = 2, DEF_LOCAL = 4, DEF_PARAM = 8, USE = 16 };

/* resolution (pass 2) */
enum { SYM_LOCAL = 1, SYM_GLOBAL_EXPLICIT, SYM_GLOBAL_IMPLICIT, SYM_FREE, SYM_CELL };

typedef struct sc_symbol {
    const char *name; /* arena string */
    unsigned flags;
    int scope;
    bool free_class; /* a class local that methods also close over */
} sc_symbol_t;

typedef struct sc_scope sc_scope_t;
struct sc_scope {
    int kind;
    const char *name;
    sc_scope_t *parent;
    const sc_node_t *node; /* the def, lambda, class or comprehension */
    sc_symbol_t *syms;
    int nsyms, cap;
    sc_scope_t **children; /* in source order */
    int nchildren, children_cap;
    int next_child; /* the compiler's cursor */
    bool is_comprehension;
};

/* sc_symtable_build: the module's scope tree, or NULL with *err filled. */
sc_scope_t *sc_symtable_build(sc_arena_t *a, sc_node_t *mod, sc_syntax_error_t *err);
sc_symbol_t *sc_scope_lookup(sc_scope_t *s, const char *name);

#endif
