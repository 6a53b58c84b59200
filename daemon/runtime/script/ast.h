/*
 * ast.h: the front end of the heap script language (internal): tokens, the
 * syntax tree, the arena that holds both, and the entry points of the
 * tokenizer (lex.c), the parser (parse.c) and the constant folder (fold.c).
 *
 * Memory: every token, node, name and string of one compilation lives in
 * an sc_arena_t (chunks from the heap's hd_mem_t, inspector memory) freed
 * in one go when the compilation ends. Constants are the exception: each
 * literal the parser meets becomes a heap object at once (as CPython's
 * parser makes PyObjects), and the arena holds a reference to each in
 * `objs` until the program has finished running, which is what CPython's
 * AST arena does (it is freed after run_mod returns). That reference is why
 * python3 prints sys.getrefcount(x) == 4 after `x = 1000` at module level.
 *
 * Positions: lines from 1, columns from 1 (CPython's col_offset + 1).
 */
#ifndef SC_AST_H
#define SC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

/* ---- arena ---- */

typedef struct sc_chunk sc_chunk_t;

typedef struct sc_arena {
    hd_mem_t *mem;      /* borrowed */
    sc_chunk_t *chunks; /* owned list */
    char *cur;          /* free space in the first chunk */
    size_t left;
    hd_obj_t *list; /* owned list (a_objects): every constant made, or NULL */
} sc_arena_t;

void sc_arena_init(sc_arena_t *a, hd_mem_t *mem);
/* sc_arena_alloc: zeroed memory for the arena's life, or NULL. */
void *sc_arena_alloc(sc_arena_t *a, size_t len);
char *sc_arena_strndup(sc_arena_t *a, const char *s, size_t len);
/* sc_arena_keep: the arena takes a reference to o (steals it), 0 or HD_ENOMEM
 * (then the reference is dropped). */
int sc_arena_keep(sc_arena_t *a, hd_heap_t *h, hd_obj_t *o);
/* sc_arena_release: drops the constants' list (may free objects). */
void sc_arena_release(sc_arena_t *a, hd_heap_t *h);
void sc_arena_free(sc_arena_t *a);

/* ---- errors of the front end ---- */

typedef struct sc_syntax_error {
    int line, col;
    const char *type; /* "SyntaxError", "IndentationError" */
    char msg[160];
    int rc; /* HD_ENOMEM / HD_ELIMIT when it is not a syntax error */
} sc_syntax_error_t;

/* ---- tokens ---- */

enum sc_tok {
    TK_END,
    TK_NEWLINE,
    TK_INDENT,
    TK_DEDENT,
    TK_NAME,
    TK_NUMBER,
    TK_STRING,
    TK_OP,
    /* keywords */
    KW_FALSE,
    KW_NONE,
    KW_TRUE,
    KW_AND,
    KW_AS,
    KW_ASSERT,
    KW_ASYNC,
    KW_AWAIT,
    KW_BREAK,
    KW_CLASS,
    KW_CONTINUE,
    KW_DEF,
    KW_DEL,
    KW_ELIF,
    KW_ELSE,
    KW_EXCEPT,
    KW_FINALLY,
    KW_FOR,
    KW_FROM,
    KW_GLOBAL,
    KW_IF,
    KW_IMPORT,
    KW_IN,
    KW_IS,
    KW_LAMBDA,
    KW_NONLOCAL,
    KW_NOT,
    KW_OR,
    KW_PASS,
    KW_RAISE,
    KW_RETURN,
    KW_TRY,
    KW_WHILE,
    KW_WITH,
    KW_YIELD,
};

/* operators and delimiters, longest first within a prefix */
enum sc_op {
    OP_LPAR,
    OP_RPAR,
    OP_LSQB,
    OP_RSQB,
    OP_LBRACE,
    OP_RBRACE,
    OP_COLON,
    OP_COMMA,
    OP_SEMI,
    OP_DOT,
    OP_ELLIPSIS,
    OP_ARROW,
    OP_WALRUS,
    /* binary operators (in the order of enum sc_binop) */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_MATMUL,
    OP_TRUEDIV,
    OP_FLOORDIV,
    OP_MOD,
    OP_POW,
    OP_LSHIFT,
    OP_RSHIFT,
    OP_AND,
    OP_OR,
    OP_XOR,
    /* augmented assignments, same order */
    OP_IADD,
    OP_ISUB,
    OP_IMUL,
    OP_IMATMUL,
    OP_ITRUEDIV,
    OP_IFLOORDIV,
    OP_IMOD,
    OP_IPOW,
    OP_ILSHIFT,
    OP_IRSHIFT,
    OP_IAND,
    OP_IOR,
    OP_IXOR,
    OP_INVERT,
    OP_ASSIGN,
    /* comparisons */
    OP_LT,
    OP_GT,
    OP_LE,
    OP_GE,
    OP_EQ,
    OP_NE,
    OP_COUNT
};

typedef struct sc_token {
    uint8_t kind; /* enum sc_tok */
    uint8_t op;   /* TK_OP: enum sc_op */
    uint16_t col; /* 1-based, saturating */
    uint32_t line;
    uint16_t end_col;
    uint32_t end_line;
    const char *start; /* into the source (or the f-string's text) */
    uint32_t len;
} sc_token_t;

typedef struct sc_tokens {
    sc_token_t *v; /* owned by the arena */
    size_t n;
} sc_tokens_t;

/* sc_lex: tokenizes src. line0/col0 shift positions (f-string fields).
 * Returns 0, or -1 with *err filled. */
int sc_lex(sc_arena_t *a, const char *src, size_t len, int line0, int col0, sc_tokens_t *out,
           sc_syntax_error_t *err);

/* ---- the syntax tree ---- */

enum sc_binop {
    BO_ADD,
    BO_SUB,
    BO_MUL,
    BO_MATMUL,
    BO_DIV,
    BO_FLOORDIV,
    BO_MOD,
    BO_POW,
    BO_LSHIFT,
    BO_RSHIFT,
    BO_AND,
    BO_OR,
    BO_XOR,
    BO_COUNT
};
enum sc_unop { UO_NEG, UO_POS, UO_INVERT, UO_NOT };
enum sc_cmpop { CO_LT, CO_LE, CO_EQ, CO_NE, CO_GT, CO_GE, CO_IS, CO_ISNOT, CO_IN, CO_NOTIN };

enum sc_kind {
    /* expressions */
    E_NAME,
    E_CONST,
    E_JOINEDSTR, /* list: parts (E_CONST str or E_FORMATTED) */
    E_FORMATTED, /* a: value; b: format spec (E_JOINEDSTR) or NULL; op: conversion char */
    E_LIST,
    E_TUPLE,
    E_SET,
    E_DICT,     /* list: keys (NULL for **), list2: values */
    E_LISTCOMP, /* a: element; list: comprehensions */
    E_SETCOMP,
    E_DICTCOMP,      /* a: key; b: value; list: comprehensions */
    E_COMPREHENSION, /* a: target; b: iterable; list: conditions */
    E_ATTR,          /* a: value; name */
    E_SUBSCRIPT,     /* a: value; b: index */
    E_SLICE,         /* a, b, c: lower, upper, step (each may be NULL) */
    E_CALL,          /* a: function; list: args; list2: keywords */
    E_KEYWORD,       /* name (NULL for **); a: value */
    E_STARRED,       /* a: value */
    E_BINOP,         /* a op b */
    E_UNARY,         /* op a */
    E_BOOLOP,        /* op: 0 and, 1 or; list: values */
    E_COMPARE,       /* a: left; list: comparators; ops */
    E_IFEXP,         /* a: test; b: body; c: orelse */
    E_LAMBDA,        /* args; a: body */
    /* statements */
    S_EXPR,      /* a */
    S_ASSIGN,    /* list: targets; a: value */
    S_AUGASSIGN, /* a: target; op; b: value */
    S_DEL,       /* list: targets */
    S_PASS,
    S_BREAK,
    S_CONTINUE,
    S_RETURN, /* a or NULL */
    S_GLOBAL, /* names */
    S_NONLOCAL,
    S_IMPORT,     /* names (dotted), asnames */
    S_IMPORTFROM, /* name: module; names, asnames */
    S_IF,         /* a: test; list: body; list2: orelse */
    S_WHILE,      /* a: test; list: body; list2: orelse */
    S_FOR,        /* a: target; b: iterable; list: body; list2: orelse */
    S_DEF,        /* name; args; list: body; list2: decorators */
    S_CLASS,      /* name; list: body; list2: bases; list3: keywords */
    S_ASSERT,     /* a: test; b: message or NULL */
    S_RAISE,      /* a: exception or NULL; b: cause */
    S_TRY,        /* list: body; list2: handlers; list3: orelse; list4: finally */
    S_HANDLER,    /* a: type or NULL; name or NULL; list: body */
    S_MODULE,     /* list: body */
    SC_KIND_COUNT
};

typedef struct sc_node sc_node_t;

typedef struct sc_args {
    int nargs;            /* positional parameters */
    const char **names;   /* arena strings */
    sc_node_t **defaults; /* the last ndefaults parameters have defaults */
    int ndefaults;
    int name_line, name_col; /* unused */
} sc_args_t;

struct sc_node {
    uint8_t kind; /* enum sc_kind */
    uint8_t op;   /* binop/unop/boolop/augassign op, conversion char, ctx */
    uint16_t col;
    uint32_t line;
    uint16_t end_col;
    uint32_t end_line;
    sc_node_t *a, *b, *c;
    sc_node_t **list, **list2, **list3, **list4;
    int nlist, nlist2, nlist3, nlist4;
    hd_obj_t *value;    /* E_CONST: borrowed from the arena's references */
    const char *name;   /* arena string */
    const char **names; /* S_GLOBAL, S_IMPORT(FROM) */
    const char **asnames;
    int nnames;
    uint8_t *ops;    /* E_COMPARE: nlist operators (enum sc_cmpop) */
    sc_args_t *args; /* S_DEF, E_LAMBDA */
    int level;       /* S_IMPORTFROM */
};

typedef struct sc_parser_limits {
    int max_depth; /* nesting of expressions and blocks */
} sc_parser_limits_t;

/* sc_parse: the module's tree (S_MODULE), or NULL with *err filled.
 * Constants are made in h (new references held by the arena). */
sc_node_t *sc_parse(sc_arena_t *a, hd_heap_t *h, const char *src, size_t len,
                    sc_syntax_error_t *err);

/* sc_fold: CPython 3.11's AST optimizer (ast_opt.c) on the parts that
 * change what a program can observe: constant folding of unary and binary
 * operators and of tuples, lists and sets of constants in `for` and `in`.
 * Folded constants are new objects held by the arena. 0 or HD_ENOMEM /
 * HD_ELIMIT. */
int sc_fold(sc_arena_t *a, hd_heap_t *h, sc_node_t *mod, int max_depth);

const char *sc_kind_name(int kind);

#endif
