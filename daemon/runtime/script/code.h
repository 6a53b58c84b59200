/*
 * code.h: the compiled form of the heap script language (internal): the
 * instruction set and the layout of a code object's block.
 *
 * The instruction set is CPython 3.11's, reduced to what the language
 * needs, with the same stack effects: every value on the evaluation stack
 * is an owned reference, exactly where CPython's is, so that
 * sys.getrefcount() sees the references CPython's stack holds (the
 * argument being counted is one of them). Calls are PUSH_NULL / callable /
 * args... / CALL n, or LOAD_METHOD's (method, self) pair in place of
 * (NULL, callable), so a method call makes no bound method, as in 3.11.
 *
 * A code object is one block of the heap's pool (hd__code_new): the
 * runtime's hd_code_obj_t header, then this file's sc_code_t fields, then
 * the arrays the fields point to (instructions, references, names, caches,
 * line sites), all inside the block. `base.refs` are the references the
 * code owns: constants, then the names as str objects, then co_name and
 * co_qualname. Code objects are immutable once built except for the
 * inline caches and the lazily interned tracemalloc sites.
 */
#ifndef SC_CODE_H
#define SC_CODE_H

#include <stdint.h>

#include "heap_int.h"

/* ---- instructions ---- */

#define SC_OPCODES(X)                                                                              \
    X(NOP)                                                                                         \
    X(POP_TOP)                                                                                     \
    X(PUSH_NULL)                                                                                   \
    X(COPY)                                                                                        \
    X(SWAP)                                                                                        \
    X(LOAD_CONST)                                                                                  \
    X(LOAD_NAME)                                                                                   \
    X(STORE_NAME)                                                                                  \
    X(DELETE_NAME)                                                                                 \
    X(LOAD_GLOBAL)                                                                                 \
    X(STORE_GLOBAL)                                                                                \
    X(DELETE_GLOBAL)                                                                               \
    X(LOAD_FAST)                                                                                   \
    X(STORE_FAST)                                                                                  \
    X(DELETE_FAST)                                                                                 \
    X(MAKE_CELL)                                                                                   \
    X(COPY_FREE_VARS)                                                                              \
    X(LOAD_CLOSURE)                                                                                \
    X(LOAD_DEREF)                                                                                  \
    X(STORE_DEREF)                                                                                 \
    X(DELETE_DEREF)                                                                                \
    X(LOAD_CLASSDEREF)                                                                             \
    X(LOAD_ATTR)                                                                                   \
    X(STORE_ATTR)                                                                                  \
    X(DELETE_ATTR)                                                                                 \
    X(LOAD_METHOD)                                                                                 \
    X(BINARY_SUBSCR)                                                                               \
    X(STORE_SUBSCR)                                                                                \
    X(DELETE_SUBSCR)                                                                               \
    X(BUILD_SLICE)                                                                                 \
    X(BINARY_OP)                                                                                   \
    X(UNARY_NEGATIVE)                                                                              \
    X(UNARY_POSITIVE)                                                                              \
    X(UNARY_INVERT)                                                                                \
    X(UNARY_NOT)                                                                                   \
    X(COMPARE_OP)                                                                                  \
    X(IS_OP)                                                                                       \
    X(CONTAINS_OP)                                                                                 \
    X(BUILD_TUPLE)                                                                                 \
    X(BUILD_LIST)                                                                                  \
    X(BUILD_SET)                                                                                   \
    X(BUILD_MAP)                                                                                   \
    X(BUILD_CONST_KEY_MAP)                                                                         \
    X(LIST_APPEND)                                                                                 \
    X(SET_ADD)                                                                                     \
    X(MAP_ADD)                                                                                     \
    X(LIST_EXTEND)                                                                                 \
    X(SET_UPDATE)                                                                                  \
    X(DICT_UPDATE)                                                                                 \
    X(LIST_TO_TUPLE)                                                                               \
    X(BUILD_STRING)                                                                                \
    X(FORMAT_VALUE)                                                                                \
    X(UNPACK_SEQUENCE)                                                                             \
    X(GET_ITER)                                                                                    \
    X(FOR_ITER)                                                                                    \
    X(JUMP)                                                                                        \
    X(POP_JUMP_IF_FALSE)                                                                           \
    X(POP_JUMP_IF_TRUE)                                                                            \
    X(JUMP_IF_FALSE_OR_POP)                                                                        \
    X(JUMP_IF_TRUE_OR_POP)                                                                         \
    X(POP_JUMP_IF_NONE)                                                                            \
    X(POP_JUMP_IF_NOT_NONE)                                                                        \
    X(KW_NAMES)                                                                                    \
    X(CALL)                                                                                        \
    X(CALL_FUNCTION_EX)                                                                            \
    X(MAKE_FUNCTION)                                                                               \
    X(RETURN_VALUE)                                                                                \
    X(LOAD_BUILD_CLASS)                                                                            \
    X(IMPORT_NAME)                                                                                 \
    X(IMPORT_FROM)                                                                                 \
    X(LOAD_ASSERTION_ERROR)                                                                        \
    X(RAISE_VARARGS)                                                                               \
    X(PUSH_EXC_INFO)                                                                               \
    X(POP_EXCEPT)                                                                                  \
    X(CHECK_EXC_MATCH)                                                                             \
    X(RERAISE)                                                                                     \
    X(SETUP_FINALLY)                                                                               \
    X(POP_BLOCK)                                                                                   \
    X(PRINT_EXPR)

enum sc_opcode {
#define SC_OP_ENUM(name) OP_##name,
    SC_OPCODES(SC_OP_ENUM)
#undef SC_OP_ENUM
        SC_NOPCODES
};

/* The opcodes of the first exported code layout (heapd-graph/1): exported
 * code names this count, and keeps loading while opcodes are only added
 * after it (PRINT_EXPR came later; old code never uses it). */
#define SC_OPCODES_V1 (OP_POP_BLOCK + 1)

/* MAKE_FUNCTION flags (3.11's) */
#define MF_DEFAULTS 0x01
#define MF_CLOSURE  0x08

/* LOAD_GLOBAL: arg = (name << 1) | push_null */

typedef struct sc_instr {
    uint8_t op;
    uint8_t pad;
    uint16_t col;   /* 1-based column of the node that made it */
    uint32_t line;  /* its line */
    int32_t arg;    /* oparg; jumps: absolute instruction index */
    uint32_t cache; /* index into the code's caches, 0 = none */
} sc_instr_t;

/* An inline cache: globals lookups remember a namespace slot, attribute and
 * method lookups the type they saw. */
typedef struct sc_cache {
    uint64_t key;   /* the namespace version, or a class (its address) */
    uint64_t value; /* the namespace entry or builtin; the class attribute found */
    uint64_t aux;   /* the classes' generation the class entry is valid for */
} sc_cache_t;

/* code flags */
enum {
    CO_MODULE = 1 << 0,
    CO_FUNCTION = 1 << 1,
    CO_CLASS = 1 << 2,
    CO_LAMBDA = 1 << 3,
    CO_COMPREHENSION = 1 << 4,
};

/* the kind of each local slot */
enum { LK_LOCAL = 0, LK_CELL = 1, LK_FREE = 2 };

typedef struct sc_code {
    hd_code_obj_t base;
    uint32_t flags;
    uint32_t ninstr;
    uint32_t nconsts;
    uint32_t nnames;
    uint32_t nlocals; /* localsplus: plain locals, then cells, then free variables */
    uint32_t ncells;
    uint32_t nfree;
    uint32_t argcount;
    uint32_t stacksize;
    uint32_t ncache;
    uint32_t nlines; /* lines firstline .. firstline + nlines - 1 */
    sc_instr_t *instr;
    hd_obj_t **consts;     /* = base.refs */
    hd_obj_t **names;      /* str objects, after the constants in base.refs */
    const char **cnames;   /* the same names as C strings */
    const char **varnames; /* localsplus names */
    uint8_t *kinds;        /* localsplus kinds (LK_*) */
    int32_t *cell2arg;     /* per cell: the argument it starts from, or -1 */
    sc_cache_t *cache;     /* ncache + 1 entries (0 unused) */
    uint32_t *sites;       /* per line: tracemalloc site id + 1 (0 = not interned) */
    hd_obj_t *co_name;     /* str (a reference in base.refs) */
    hd_obj_t *co_qualname; /* str (a reference in base.refs) */
    const char *qualname;  /* C string */
    uint64_t serial;       /* unique per heap: identifies the code in caches */
} sc_code_t;

const char *sc_opname(int op);

#endif
