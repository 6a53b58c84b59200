/*
 * ops.h: operations on the builtin types that run no program code
 * (internal): arithmetic, comparisons, truth, hashing helpers, subscripts
 * and conversions, with CPython 3.11's results and error messages. The
 * compiler's constant folder and the virtual machine share them.
 *
 * Errors: a function that fails returns SC_EXC with *err describing the
 * Python exception (type and CPython's message), or HD_ENOMEM / HD_ELIMIT
 * when the heap could not allocate (the VM turns those into MemoryError).
 * Results are new references.
 */
#ifndef SC_OPS_H
#define SC_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "heap.h"

#define SC_EXC (-100) /* a Python exception, described in an sc_err_t */

/* The exceptions a program can raise. Keep in step with sc_exc_name(). */
enum sc_exc {
    EXC_NONE,
    EXC_BASEEXCEPTION,
    EXC_EXCEPTION,
    EXC_TYPEERROR,
    EXC_NAMEERROR,
    EXC_UNBOUNDLOCALERROR,
    EXC_ATTRIBUTEERROR,
    EXC_KEYERROR,
    EXC_INDEXERROR,
    EXC_VALUEERROR,
    EXC_ZERODIVISIONERROR,
    EXC_OVERFLOWERROR,
    EXC_RECURSIONERROR,
    EXC_RUNTIMEERROR,
    EXC_MEMORYERROR,
    EXC_ASSERTIONERROR,
    EXC_REFERENCEERROR,
    EXC_STOPITERATION,
    EXC_NOTIMPLEMENTEDERROR,
    EXC_MODULENOTFOUNDERROR,
    EXC_IMPORTERROR,
    EXC_LOOKUPERROR,
    EXC_ARITHMETICERROR,
    EXC_SYNTAXERROR,
    EXC_INDENTATIONERROR,
    EXC_UNICODEERROR,
    EXC_UNICODEENCODEERROR,
    EXC_COUNT
};

const char *sc_exc_name(int exc);
/* sc_exc_is: exception type `exc` is `base` or a subclass of it. */
bool sc_exc_is(int exc, int base);

typedef struct sc_err {
    int type;      /* enum sc_exc */
    char msg[512]; /* CPython's message (the traceback's last line after ": ") */
} sc_err_t;

/* sc_err_set: fills *err (printf style); returns SC_EXC. */
int sc_err_set(sc_err_t *err, int type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- numbers and sequences ---- */

/* sc_num_binary: a op b (enum sc_binop) for ints, floats, bools, strs,
 * bytes, lists and tuples (+ and *), sets (| & ^ -). TypeError with
 * CPython's "unsupported operand type(s)" message otherwise. inplace: the
 * list += / |= forms that mutate a (a is returned with a new reference). */
int sc_binary(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, bool inplace, hd_obj_t **out,
              sc_err_t *err);
#define sc_num_binary(h, op, a, b, out, err) sc_binary(h, op, a, b, false, out, err)
/* sc_int_divmod: divmod(a, b) of two ints (or bools): the floor quotient
 * and modulo as l_divmod makes them, new references in *q and *r.
 * ZeroDivisionError, MemoryError. */
int sc_int_divmod(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **q, hd_obj_t **r,
                  sc_err_t *err);
/* sc_num_unary: -a, +a, ~a, not a (enum sc_unop). */
int sc_num_unary(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t **out, sc_err_t *err);
/* sc_const_subscript: container[index] for str, bytes, tuple, list, range,
 * dict (int and slice indexes). */
int sc_const_subscript(hd_heap_t *h, hd_obj_t *o, hd_obj_t *index, hd_obj_t **out, sc_err_t *err);

/* sc_compare: a op b (enum sc_cmpop, LT..GE): *out a new bool. Equality of
 * objects of other types is identity; ordering them is a TypeError. */
int sc_compare(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out, sc_err_t *err);
/* sc_compare_bool: the same as a C truth value (1/0) or an error (<0). */
int sc_compare_bool(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, sc_err_t *err);
/* sc_contains: b in a: 1, 0, or an error. */
int sc_contains(hd_heap_t *h, hd_obj_t *container, hd_obj_t *item, sc_err_t *err);
/* sc_truthy: bool(o) for builtin types (instances are true): 1/0. */
int sc_truthy(hd_heap_t *h, hd_obj_t *o);

/* sc_int_value: an int/bool as int64 (SC_EXC OverflowError beyond) */
int sc_int_value(hd_obj_t *o, int64_t *out, sc_err_t *err);
/* sc_index: o as a sequence index (an int or bool), TypeError otherwise:
 * "<what> indices must be integers or slices, not <type>". */
int sc_index(hd_heap_t *h, hd_obj_t *o, const char *what, int64_t *out, sc_err_t *err);
/* sc_float_of: an int, bool or float as a double. */
bool sc_float_of(hd_obj_t *o, double *out);

/* sc_type_name: the type name used in messages ("int", "A", "function"). */
const char *sc_type_name(hd_heap_t *h, hd_obj_t *o);

/* sc_hash: hash(o) with TypeError "unhashable type: 'list'". */
int sc_hash(hd_heap_t *h, hd_obj_t *o, int64_t *out, sc_err_t *err);

/* sc_str_from: a str from UTF-8 (new reference) */
int sc_str_from(hd_heap_t *h, const char *utf8, size_t len, hd_obj_t **out);

/* sc_slice_indices: PySlice_GetIndicesEx for a sequence of length len. */
int sc_slice_indices(hd_heap_t *h, hd_obj_t *slice, int64_t len, int64_t *start, int64_t *stop,
                     int64_t *step, int64_t *count, sc_err_t *err);
/* sc_list_prealloc: list_new_prealloc: an empty list from the free list
 * with room for n items (the caller fills items[0..] and sets size). */
int sc_list_prealloc(hd_heap_t *h, int64_t n, hd_obj_t **out);
/* sc_seq_slice: o[slice] for list, tuple, str, bytes, range. */
int sc_seq_slice(hd_heap_t *h, hd_obj_t *o, hd_obj_t *slice, hd_obj_t **out, sc_err_t *err);

/* sc_int_pow etc. are internal to ops.c; big ints work for + - * // % **
 * << >> & | ^ and comparisons. */

#endif
