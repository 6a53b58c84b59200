/*
 * longops.h: int +, -, *, //, %, divmod, ** and >> with the allocations of
 * CPython 3.11's Objects/longobject.c (internal; longops.c). Operands are
 * int or bool objects; results are new references (small ints are the
 * shared ones). Every function returns 0, HD_ENOMEM, HD_ELIMIT or
 * SC_BIG_TOO_LARGE (bigint.h); on failure nothing is left allocated. The
 * callers check for a zero divisor and a negative exponent or shift.
 */
#ifndef SC_LONGOPS_H
#define SC_LONGOPS_H

#include <stdint.h>

#include "bigint.h"
#include "heap_int.h"

/* sc_long_add: a + b (sign -1: a - b), as _PyLong_Add / _PyLong_Subtract */
int sc_long_add(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int sign, hd_obj_t **out);
/* sc_long_mul: a * b, as _PyLong_Multiply (x_mul, k_mul's temporaries) */
int sc_long_mul(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
/* sc_long_divmod: floor quotient and modulo, b nonzero, as l_divmod (and
 * long_div's and long_mod's fast paths): q or r may be NULL for a result
 * not wanted (// drops the modulo as long_div does; % alone is l_mod) */
int sc_long_divmod(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **q, hd_obj_t **r);
/* sc_long_pow: pow(a, b, c) as long_pow (c NULL: a ** b), b >= 0 without
 * a modulus, c nonzero. Without a modulus the caller keeps b under 2**60
 * unless |a| <= 1. A negative b with a modulus takes the modular inverse:
 * SC_LONG_NOT_INVERTIBLE when there is none. */
#define SC_LONG_NOT_INVERTIBLE (-102)
int sc_long_pow(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t *c, hd_obj_t **out);
/* sc_long_divmod_shift: the temporaries of divmod_shift for a shift count
 * b of 2**63 or more (b of 3 digits or more); 0 or HD_ENOMEM/HD_ELIMIT */
int sc_long_divmod_shift(hd_heap_t *h, hd_obj_t *b);
/* sc_long_rshift: a >> s for s >= 0 (INT64_MAX: any larger count), as
 * long_rshift1 */
int sc_long_rshift(hd_heap_t *h, hd_obj_t *a, int64_t s, hd_obj_t **out);
/* sc_long_invert: ~a of an int of more than one digit (long_add(a, 1),
 * negated in place) */
int sc_long_invert(hd_heap_t *h, hd_obj_t *a, hd_obj_t **out);

/* sc_long_bitwise: a & b, a | b, a ^ b (op the character) of ints that fit
 * 64 bits (HD_ERANGE otherwise), as long_and / long_or / long_xor:
 * medium operands exact, else long_bitwise's complemented copies of
 * negative operands and its result of the longer or shorter operand's
 * size (one digit more for a negative result) */
int sc_long_bitwise(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
/* sc_long_truediv: a / b (b nonzero) as long_true_divide: correctly
 * rounded, with its shifted dividend and x_divrem's blocks; HD_ERANGE when
 * the result overflows a float */
int sc_long_truediv(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, double *out);

#endif
