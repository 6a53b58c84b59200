/*
 * bigint.h: arbitrary-precision ints for the heap script language
 * (internal; bigint.c). Digits are CPython's: 30 bits, least significant
 * first. Every function returns 0, HD_ENOMEM, or SC_BIG_TOO_LARGE when the
 * result would pass SC_BIG_MAX_DIGITS; results are owned by the caller
 * (sc_big_free).
 */
#ifndef SC_BIGINT_H
#define SC_BIGINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap_int.h"

#define SC_BIG_MAX_DIGITS 6700 /* about 200,000 bits */
#define SC_BIG_TOO_LARGE  (-101)

typedef struct sc_big {
    int sign;    /* -1, 0, 1 */
    size_t n;    /* digits in use */
    uint32_t *d; /* small, or owned memory */
    uint32_t small[4];
} sc_big_t;

int sc_big_from_obj(hd_heap_t *h, hd_obj_t *o, sc_big_t *b);
int sc_big_from_i64(hd_heap_t *h, int64_t v, sc_big_t *b);
int sc_big_copy(hd_heap_t *h, const sc_big_t *a, sc_big_t *r);
/* sc_big_to_obj: a new int object (small ints are the shared ones). */
int sc_big_to_obj(hd_heap_t *h, sc_big_t *b, hd_obj_t **out);
/* sc_big_to_obj_alloc: the int object of r in a block of alloc digits (at
 * least r's); small results are the shared ones */
int sc_big_to_obj_alloc(hd_heap_t *h, sc_big_t *r, size_t alloc, hd_obj_t **out);
void sc_big_free(hd_heap_t *h, sc_big_t *b);
/* sc_big_slice: r = the n digits of |a| from `start` on, normalized when
 * norm, else keeping n as its size (leading zero digits included) */
int sc_big_slice(hd_heap_t *h, const sc_big_t *a, size_t start, size_t n, bool norm, sc_big_t *r);
int sc_big_cmp(const sc_big_t *a, const sc_big_t *b);
/* r = a + bsign * b (bsign 1 or -1) */
int sc_big_add(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, int bsign, sc_big_t *r);
int sc_big_mul(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *r);
/* floor division and modulo, b nonzero */
int sc_big_divmod(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *q, sc_big_t *r);
int sc_big_pow(hd_heap_t *h, const sc_big_t *a, uint64_t e, sc_big_t *r);
/* r = a << bits (bits < 0: floored right shift) */
int sc_big_shift(hd_heap_t *h, const sc_big_t *a, int64_t bits, sc_big_t *r);
double sc_big_to_double(const sc_big_t *a);
bool sc_big_to_i64(const sc_big_t *a, int64_t *out);

#endif
