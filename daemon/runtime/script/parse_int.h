/*
 * parse_int.h: the parser's shared state (parse.c, parse_expr.c,
 * parse_lit.c): the token cursor, the nesting depth, the first error; and
 * the functions the files call in one another (ps_*).
 */
#ifndef SC_PARSE_INT_H
#define SC_PARSE_INT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "err.h"
#include "mem.h"

#define SC_PARSE_MAX_DEPTH 150
#define NODE_LIST_INIT     8

typedef struct parser {
    sc_arena_t *a;
    hd_heap_t *h;
    sc_token_t *t;
    size_t n, pos;
    int depth;
    sc_syntax_error_t *err;
    bool failed;
} parser_t;

/* growable node lists in the arena */
typedef struct nlist {
    sc_node_t **v;
    int n, cap;
} nlist_t;

/* parse.c: the token cursor; errors (ps_fail*, ps_oom record the first
 * error and return NULL, ps_expect_op/ps_enter false); nodes and lists
 * allocated in the arena (NULL/false when it is out of memory) */
const sc_token_t *ps_peek(parser_t *P);
const sc_token_t *ps_peek2(parser_t *P);
const sc_token_t *ps_next(parser_t *P);
bool ps_is_op(const sc_token_t *t, int op);
bool ps_at_op(parser_t *P, int op);
bool ps_at_kw(parser_t *P, int kw);
void *ps_fail_at(parser_t *P, const sc_token_t *t, const char *type, const char *msg);
void *ps_fail(parser_t *P, const char *msg);
void *ps_oom(parser_t *P, int rc);
bool ps_expect_op(parser_t *P, int op, const char *what);
bool ps_enter(parser_t *P);
void ps_leave(parser_t *P);
sc_node_t *ps_node_at(parser_t *P, int kind, const sc_token_t *t);
sc_node_t *ps_node_like(parser_t *P, int kind, const sc_node_t *from);
void ps_set_end(sc_node_t *n, const sc_token_t *t);
void ps_set_end_node(sc_node_t *n, const sc_node_t *last);
bool ps_nl_push(parser_t *P, nlist_t *l, sc_node_t *x);
char *ps_tok_str(parser_t *P, const sc_token_t *t);
sc_node_t *ps_const_node(parser_t *P, const sc_token_t *t, hd_obj_t *value);
sc_args_t *ps_parameters(parser_t *P, int close);

/* parse_lit.c: a number token, or a run of adjacent string tokens, as an
 * E_CONST (or E_JOINEDSTR) node; NULL after an error */
sc_node_t *ps_number(parser_t *P);
sc_node_t *ps_strings(parser_t *P);

/* parse_expr.c: the grammar rules the statements start from; NULL after
 * an error */
sc_node_t *ps_call(parser_t *P, sc_node_t *func);
sc_node_t *ps_expression(parser_t *P);
sc_node_t *ps_target_list(parser_t *P, bool stop_at_in);
sc_node_t *ps_star_expressions(parser_t *P);

#endif
