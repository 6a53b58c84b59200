/*
 * compile.h: source to code object (internal; compile.c).
 */
#ifndef SC_COMPILE_H
#define SC_COMPILE_H

#include "ast.h"

#define SC_SYNTAX (-102) /* a syntax error, described in the sc_syntax_error_t */

/* sc_compile: parses, folds and compiles a module. Returns 0 with the
 * module's code object in *out (new reference); SC_SYNTAX with *err
 * filled; HD_ENOMEM or HD_ELIMIT. The constants the parser made stay held
 * by `arena` (the caller releases them once the program has run, as
 * CPython frees its AST arena after run_mod). `serial` numbers code
 * objects uniquely per heap. `interactive`: compile(..., 'single')'s rule,
 * the module's expression statements display their value (PRINT_EXPR). */
int sc_compile(hd_heap_t *h, sc_arena_t *arena, const char *src, size_t len, const char *filename,
               bool interactive, uint64_t *serial, sc_syntax_error_t *err, hd_obj_t **out);

#endif
