/*
 * longops.c: the int operations whose allocations tracemalloc can see,
 * done as CPython 3.11's Objects/longobject.c does them (longops.h).
 *
 * Why. tracemalloc traces every block an int operation asks for, the
 * temporaries it frees again included (they move the peak), and the size a
 * block is asked with, which is often more digits than the result keeps
 * (CPython normalizes the digit count in place and never shrinks the
 * block; sys.getsizeof counts only the digits kept). So each operation
 * here makes, in CPython's order, every int object CPython makes, with the
 * size CPython asks for, and frees the temporaries where CPython drops
 * them. The values are computed by bigint.c in inspector memory; only the
 * heap blocks are CPython's.
 *
 * The model, per operation (names are longobject.c's):
 *   - medium operands (at most one digit each) take the fast paths: one
 *     exact-size result (_PyLong_FromSTwoDigits: small ints shared, one
 *     digit a 32-byte PyLongObject, else exact digits);
 *   - x_add asks for size_a + 1 digits, x_sub for size_a after dropping
 *     equal top digits (nothing when all are equal: zero), and its result
 *     goes through maybe_small_long (a small result is allocated, freed,
 *     and the shared one returned);
 *   - x_mul asks for size_a + size_b; k_mul (both operands over 70 digits,
 *     140 for a square) splits, recurses and adds with the temporaries
 *     kmul_split, x_add and k_lopsided_mul make (kmul_block below);
 *   - long_divrem: |a| < |b| gives 0 and a itself; a one-digit divisor
 *     divrem1 (size_a digits) and a remainder from PyLong_FromLong; else
 *     x_divrem: v (size_a + 1), w (size_b, the remainder), the quotient
 *     (size_v - size_b, size_v counting the digit normalization may add),
 *     then v freed. l_divmod then fixes the signs (_PyLong_Negate: in place
 *     on a fresh object, a new one for a shared small int) and, for a
 *     remainder of the wrong sign, long_add(mod, b) and long_sub(div, 1).
 *     long_rem (% alone) skips divrem1's quotient and frees x_divrem's at
 *     once; long_div (// alone) makes both and frees the remainder.
 *   - long_pow: e <= 3 by one or two products (e == 1 is a * 1, a new
 *     object of size_a + 1 digits for a multi-digit a); exponents of one or
 *     two digits left to right binary from a itself, each step a product
 *     and the old value freed; longer ones the 5-bit sliding window over a
 *     table of a's odd powers. With a modulus every product is reduced by
 *     l_mod, a negative modulus is copied and negated (the result shifted
 *     back at the end), a negative exponent takes long_invmod's inverse,
 *     and a base that is negative or longer than the modulus is reduced
 *     first. (Without a modulus only bases -1, 0 and 1 survive exponents
 *     of 2**60 and more: the caller gives those their value, which
 *     allocates nothing.)
 *   - long_rshift1: medium a exact; else size_a - wordshift digits (after
 *     moving a whole digit into the bit shift for a negative a), through
 *     maybe_small_long.
 */
#include <math.h>
#include <string.h>

#include "bigint.h"
#include "longops.h"

#define SHIFT         30
#define MASK          ((1u << SHIFT) - 1)
#define KARATSUBA     70
#define KARATSUBA_SQR (2 * KARATSUBA)

/* ---- int objects as longobject.c sees them ---- */

static size_t ndig(const hd_obj_t *o)
{
    int64_t s = ((const hd_int_obj_t *)o)->size;
    return (size_t)(s < 0 ? -s : s);
}

static bool negative(const hd_obj_t *o)
{
    return ((const hd_int_obj_t *)o)->size < 0;
}

static int64_t medium_value(const hd_obj_t *o)
{
    const hd_int_obj_t *io = (const hd_int_obj_t *)o;
    return io->size == 0 ? 0 : io->size * (int64_t)io->digits[0];
}

static hd_obj_t *small(hd_heap_t *h, int64_t v)
{
    hd_obj_t *s = hd__int_small(h, v);
    hd__incref(s);
    return s;
}

/* long_new: _PyLong_New(alloc) holding v (normalized; it fits), with no
 * small-int substitution. New reference. */
static int long_new(hd_heap_t *h, const sc_big_t *v, size_t alloc, hd_obj_t **out)
{
    if (v->n > SC_BIG_MAX_DIGITS || alloc > 2 * (size_t)SC_BIG_MAX_DIGITS + 2)
        return SC_BIG_TOO_LARGE;
    assert(alloc >= v->n);
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_INT, HD_INT_HEADER + 4 * (alloc ? alloc : 1), 0, &o);
    if (rc)
        return rc;
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    io->size = (int64_t)v->n * (v->sign < 0 ? -1 : 1);
    if (v->n)
        memcpy(io->digits, v->d, v->n * 4);
    *out = o;
    return 0;
}

/* temp_block: _PyLong_New(alloc) for a temporary whose digits nobody
 * reads (it holds zero) */
static int temp_block(hd_heap_t *h, size_t alloc, hd_obj_t **out)
{
    sc_big_t zero = {0};
    return long_new(h, &zero, alloc, out);
}

static void drop(hd_heap_t *h, hd_obj_t *o)
{
    if (o)
        hd__decref(h, o);
}

/* set_value: puts v (normalized) into the block of a fresh int */
static void set_value(hd_obj_t *o, const sc_big_t *v)
{
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    io->size = (int64_t)v->n * (v->sign < 0 ? -1 : 1);
    if (v->n)
        memcpy(io->digits, v->d, v->n * 4);
}

/* maybe_small_long: a fresh one-digit result that is a small int is freed
 * for the shared one */
static void maybe_small(hd_heap_t *h, hd_obj_t **z)
{
    if (ndig(*z) > 1)
        return;
    hd_obj_t *s = hd__int_small(h, medium_value(*z));
    if (s && s != *z) {
        hd__decref(h, *z);
        hd__incref(s);
        *z = s;
    }
}

/* _PyLong_Negate: in place on an object only we hold, else a new one */
static int negate(hd_heap_t *h, hd_obj_t **z)
{
    hd_obj_t *o = *z;
    if (o->refcnt == 1 && o->type == HD_T_INT && !(o->flags & HD_OF_STATIC)) {
        ((hd_int_obj_t *)o)->size = -((hd_int_obj_t *)o)->size;
        return 0;
    }
    assert(ndig(o) <= 1);
    hd_obj_t *n;
    int rc = hd__int_from_long(h, -medium_value(o), &n);
    if (rc)
        return rc;
    hd__decref(h, o);
    *z = n;
    return 0;
}

/* long_long: an exact int itself; a bool's value as an int */
static hd_obj_t *long_long(hd_heap_t *h, hd_obj_t *a)
{
    if (a->type == HD_T_INT) {
        hd__incref(a);
        return a;
    }
    return small(h, medium_value(a));
}

/* magnitude: |o| as a bigint (caller frees) */
static int magnitude(hd_heap_t *h, hd_obj_t *o, sc_big_t *b)
{
    int rc = sc_big_from_obj(h, o, b);
    if (!rc && b->sign < 0)
        b->sign = 1;
    return rc;
}

/* bigs_of: both operands as sc_big_t (nothing to free on failure) */
static int bigs_of(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, sc_big_t *x, sc_big_t *y)
{
    int rc = sc_big_from_obj(h, a, x);
    if (rc)
        return rc;
    if ((rc = sc_big_from_obj(h, b, y)))
        sc_big_free(h, x);
    return rc;
}

/* ---- + and - ---- */

int sc_long_add(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int sign, hd_obj_t **out)
{
    if (ndig(a) <= 1 && ndig(b) <= 1)
        return hd__int_from_long(h, medium_value(a) + sign * medium_value(b), out);
    sc_big_t x, y, r;
    int rc = bigs_of(h, a, b, &x, &y);
    if (rc)
        return rc;
    if ((rc = sc_big_add(h, &x, &y, sign, &r))) {
        sc_big_free(h, &x);
        sc_big_free(h, &y);
        return rc;
    }
    /* x_add when the signs (b's as added) agree, zero counting as
     * non-negative; else x_sub */
    bool sub = negative(a) != (negative(b) != (sign < 0));
    size_t na = x.n, nb = y.n, alloc = (na > nb ? na : nb) + (sub ? 0 : 1);
    if (sub && na == nb) {
        size_t i = na;
        while (i > 0 && x.d[i - 1] == y.d[i - 1])
            i--;
        alloc = i;
    }
    if (sub && alloc == 0) { /* equal magnitudes: PyLong_FromLong(0) */
        *out = small(h, 0);
    } else if (!(rc = long_new(h, &r, alloc, out)) && sub) {
        maybe_small(h, out);
    }
    sc_big_free(h, &x);
    sc_big_free(h, &y);
    sc_big_free(h, &r);
    return rc;
}

int sc_long_invert(hd_heap_t *h, hd_obj_t *a, hd_obj_t **out)
{
    int rc = sc_long_add(h, a, hd__int_small(h, 1), 1, out);
    if (!rc && (rc = negate(h, out)))
        hd__decref(h, *out);
    return rc;
}

/* ---- * ---- */

static int kmul_block(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, bool same,
                      hd_obj_t **out);

/* lopsided: k_lopsided_mul's blocks (a the shorter, 2 * |a| <= |b|): the
 * result, a slice of b's width, and one product per slice */
static int lopsided(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, hd_obj_t **out)
{
    hd_obj_t *ret = NULL, *slice = NULL;
    int rc = temp_block(h, a->n + b->n, &ret);
    if (!rc)
        rc = temp_block(h, a->n, &slice);
    for (size_t done = 0; !rc && done < b->n;) {
        size_t use = b->n - done < a->n ? b->n - done : a->n;
        sc_big_t part;
        hd_obj_t *product;
        /* the slice keeps its width: Py_SET_SIZE without normalizing */
        if ((rc = sc_big_slice(h, b, done, use, false, &part)))
            break;
        rc = kmul_block(h, a, &part, false, &product);
        sc_big_free(h, &part);
        if (!rc)
            drop(h, product);
        done += use;
    }
    drop(h, slice);
    if (rc) {
        drop(h, ret);
        return rc;
    }
    *out = ret;
    return 0;
}

/* split: kmul_split's hi and lo (blocks asked with their unnormalized
 * sizes, values normalized) */
static int split(hd_heap_t *h, const sc_big_t *n, size_t at, sc_big_t *hi, sc_big_t *lo,
                 hd_obj_t **bhi, hd_obj_t **blo)
{
    size_t nlo = n->n < at ? n->n : at, nhi = n->n - nlo;
    int rc = sc_big_slice(h, n, nlo, nhi, true, hi);
    if (rc)
        return rc;
    if ((rc = sc_big_slice(h, n, 0, nlo, true, lo))) {
        sc_big_free(h, hi);
        return rc;
    }
    if ((rc = temp_block(h, nhi, bhi))) {
        sc_big_free(h, hi);
        sc_big_free(h, lo);
        return rc;
    }
    if ((rc = temp_block(h, nlo, blo))) {
        drop(h, *bhi);
        sc_big_free(h, hi);
        sc_big_free(h, lo);
        return rc;
    }
    return 0;
}

/* karatsuba: k_mul's balanced case (a the shorter, both over the cutoff) */
static int karatsuba(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, bool same, hd_obj_t **out)
{
    size_t shift = b->n >> 1;
    sc_big_t ah, al, bh, bl, s1 = {0}, s2 = {0};
    hd_obj_t *oah, *oal, *obh = NULL, *obl = NULL, *ret = NULL, *t1 = NULL, *t2 = NULL, *t3 = NULL;
    int rc = split(h, a, shift, &ah, &al, &oah, &oal);
    if (rc)
        return rc;
    if (!same && (rc = split(h, b, shift, &bh, &bl, &obh, &obl))) {
        drop(h, oah);
        drop(h, oal);
        sc_big_free(h, &ah);
        sc_big_free(h, &al);
        return rc;
    }
    const sc_big_t *pbh = same ? &ah : &bh, *pbl = same ? &al : &bl;
    if (!(rc = temp_block(h, a->n + b->n, &ret)) && !(rc = kmul_block(h, &ah, pbh, same, &t1)) &&
        !(rc = kmul_block(h, &al, pbl, same, &t2))) {
        drop(h, t2);
        drop(h, t1);
        t1 = t2 = NULL;
        /* t1 = ah + al (x_add); a square shares it as t2 */
        size_t m = ah.n > al.n ? ah.n : al.n;
        if (!(rc = sc_big_add(h, &ah, &al, 1, &s1)) && !(rc = temp_block(h, m + 1, &t1))) {
            if (!same) {
                drop(h, oah);
                drop(h, oal);
                oah = oal = NULL;
                m = bh.n > bl.n ? bh.n : bl.n;
                if (!(rc = sc_big_add(h, &bh, &bl, 1, &s2)))
                    rc = temp_block(h, m + 1, &t2);
            }
            if (!rc) {
                drop(h, same ? oah : obh);
                drop(h, same ? oal : obl);
                if (same)
                    oah = oal = NULL;
                else
                    obh = obl = NULL;
                rc = kmul_block(h, &s1, same ? &s1 : &s2, same, &t3);
            }
        }
    }
    drop(h, t1); /* t1 and t2 go before t3, as in k_mul */
    drop(h, t2);
    drop(h, t3);
    drop(h, oah);
    drop(h, oal);
    drop(h, obh);
    drop(h, obl);
    sc_big_free(h, &ah);
    sc_big_free(h, &al);
    if (!same) {
        sc_big_free(h, &bh);
        sc_big_free(h, &bl);
    }
    sc_big_free(h, &s1);
    sc_big_free(h, &s2);
    if (rc) {
        drop(h, ret);
        return rc;
    }
    *out = ret;
    return 0;
}

/* kmul_block: the blocks k_mul(a, b) allocates and frees, returning its
 * result block (a->n and b->n are the operands' sizes as k_mul reads
 * them; `same`: both are one object, which squares). The caller fills the
 * block in; only the top call's value matters to anyone. */
static int kmul_block(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, bool same, hd_obj_t **out)
{
    if (a->n > b->n) {
        const sc_big_t *t = a;
        a = b;
        b = t;
    }
    if (a->n <= (same ? KARATSUBA_SQR : KARATSUBA)) {
        if (a->n == 0) {
            *out = small(h, 0);
            return 0;
        }
        return temp_block(h, a->n + b->n, out); /* x_mul */
    }
    if (2 * a->n <= b->n)
        return lopsided(h, a, b, out);
    return karatsuba(h, a, b, same, out);
}

int sc_long_mul(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    if (ndig(a) <= 1 && ndig(b) <= 1)
        return hd__int_from_long(h, medium_value(a) * medium_value(b), out);
    if (ndig(a) == 0 || ndig(b) == 0) {
        *out = small(h, 0);
        return 0;
    }
    sc_big_t x, y, r;
    int rc = bigs_of(h, a, b, &x, &y);
    if (rc)
        return rc;
    if (!(rc = sc_big_mul(h, &x, &y, &r))) {
        if (!(rc = kmul_block(h, &x, &y, a == b, out)))
            set_value(*out, &r); /* the sign too: _PyLong_Negate in place */
        sc_big_free(h, &r);
    }
    sc_big_free(h, &x);
    sc_big_free(h, &y);
    return rc;
}

/* ---- //, %, divmod ---- */

/* xdivrem_k: the quotient size x_divrem allocates for |a| / |b| (both at
 * least two digits, |a| >= |b| by the top digit): size_a - size_b, plus one
 * when shifting the divisor's top bit up carries out of a or leaves a's
 * top digit not below b's */
static size_t xdivrem_k(const sc_big_t *a, const sc_big_t *b)
{
    uint32_t btop = b->d[b->n - 1], atop = a->d[a->n - 1];
    int d = __builtin_clz(btop) - (32 - SHIFT); /* SHIFT - bit_length(btop) */
    uint32_t carry = 0, vtop = atop, wtop = btop;
    if (d) {
        carry = atop >> (SHIFT - d);
        vtop = ((atop << d) & MASK) | (a->d[a->n - 2] >> (SHIFT - d));
        wtop = ((btop << d) & MASK) | (b->d[b->n - 2] >> (SHIFT - d));
    }
    return a->n - b->n + (carry != 0 || vtop >= wtop ? 1 : 0);
}

/* divrem: long_divrem (want_div) or long_rem: truncated quotient (only
 * with want_div) and remainder, b nonzero */
static int divrem(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, bool want_div, hd_obj_t **pdiv,
                  hd_obj_t **prem)
{
    size_t sa = ndig(a), sb = ndig(b);
    const uint32_t *ad = ((hd_int_obj_t *)a)->digits, *bd = ((hd_int_obj_t *)b)->digits;
    if (sa < sb || (sa == sb && ad[sa - 1] < bd[sb - 1])) {
        *prem = long_long(h, a);
        if (want_div)
            *pdiv = small(h, 0);
        return 0;
    }
    sc_big_t x, y, q, r;
    int rc = magnitude(h, a, &x);
    if (rc)
        return rc;
    if ((rc = magnitude(h, b, &y))) {
        sc_big_free(h, &x);
        return rc;
    }
    if ((rc = sc_big_divmod(h, &x, &y, &q, &r))) {
        sc_big_free(h, &x);
        sc_big_free(h, &y);
        return rc;
    }
    hd_obj_t *z = NULL, *rem = NULL, *v = NULL;
    if (sb == 1) { /* divrem1 (long_rem's rem1 makes no quotient) */
        if (!want_div || !(rc = long_new(h, &q, sa, &z)))
            rc = hd__int_from_long(h, r.n ? (int64_t)r.d[0] : 0, &rem);
    } else { /* x_divrem: v, w (the remainder), the quotient; v freed */
        if (!(rc = temp_block(h, sa + 1, &v)) && !(rc = temp_block(h, sb, &rem)) &&
            !(rc = long_new(h, &q, xdivrem_k(&x, &y), &z))) {
            drop(h, v);
            v = NULL;
            set_value(rem, &r);
            if (!want_div) { /* long_rem drops the quotient at once */
                drop(h, z);
                z = NULL;
            }
            maybe_small(h, &rem);
        }
    }
    drop(h, v);
    sc_big_free(h, &x);
    sc_big_free(h, &y);
    sc_big_free(h, &q);
    sc_big_free(h, &r);
    if (!rc && want_div && negative(a) != negative(b))
        rc = negate(h, &z);
    if (!rc && negative(a) && ndig(rem))
        rc = negate(h, &rem);
    if (rc) {
        drop(h, z);
        drop(h, rem);
        return rc;
    }
    if (want_div) {
        maybe_small(h, &z);
        *pdiv = z;
    }
    *prem = rem;
    return 0;
}

/* fast_floor_div / fast_mod of one-digit operands */
static int fast_divmod(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **q, hd_obj_t **r)
{
    int64_t x = medium_value(a), y = medium_value(b);
    int64_t fq = x / y, fr = x % y;
    if (fr && ((fr < 0) != (y < 0))) {
        fq--;
        fr += y;
    }
    hd_obj_t *div = NULL;
    int rc = q ? hd__int_from_long(h, fq, &div) : 0;
    if (!rc && r && (rc = hd__int_from_long(h, fr, r)))
        drop(h, div);
    if (!rc && q)
        *q = div;
    return rc;
}

int sc_long_divmod(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **q, hd_obj_t **r)
{
    assert(ndig(b) > 0 && (q || r));
    if (ndig(a) == 1 && ndig(b) == 1)
        return fast_divmod(h, a, b, q, r);
    hd_obj_t *div = NULL, *mod, *t;
    int rc = divrem(h, a, b, q != NULL, &div, &mod);
    if (rc)
        return rc;
    /* a remainder of the other sign than b: mod + b, div - 1 */
    if (ndig(mod) && negative(mod) != negative(b)) {
        rc = sc_long_add(h, mod, b, 1, &t);
        drop(h, mod);
        mod = rc ? NULL : t;
        if (!rc && div) {
            rc = sc_long_add(h, div, hd__int_small(h, 1), -1, &t);
            drop(h, div);
            div = rc ? NULL : t;
        }
    }
    if (rc) {
        drop(h, div);
        drop(h, mod);
        return rc;
    }
    if (q)
        *q = div;
    if (r)
        *r = mod;
    else
        drop(h, mod);
    return 0;
}

/* ---- ** ---- */

/* long_copy: _PyLong_Copy: a small value is the shared int, else a new
 * object of exactly its digits */
static int long_copy(hd_heap_t *h, hd_obj_t *o, hd_obj_t **out)
{
    if (ndig(o) <= 1 && hd__int_small(h, medium_value(o))) {
        *out = small(h, medium_value(o));
        return 0;
    }
    sc_big_t v;
    int rc = sc_big_from_obj(h, o, &v);
    if (rc)
        return rc;
    rc = long_new(h, &v, v.n, out);
    sc_big_free(h, &v);
    return rc;
}

/* mult: MULT(x, y, z) of long_pow: z = x * y (reduced mod c when c), the
 * old z dropped */
static int mult(hd_heap_t *h, hd_obj_t *x, hd_obj_t *y, hd_obj_t *c, hd_obj_t **z)
{
    hd_obj_t *t, *m;
    int rc = sc_long_mul(h, x, y, &t);
    if (rc)
        return rc;
    drop(h, *z);
    *z = t;
    if (!c)
        return 0;
    if ((rc = sc_long_divmod(h, *z, c, NULL, &m)))
        return rc;
    drop(h, *z);
    *z = m;
    return 0;
}

/* invmod: long_invmod(a, n) for n > 0: the extended Euclidean algorithm
 * on ints, as CPython runs it; SC_LONG_NOT_INVERTIBLE when gcd != 1 */
static int invmod(hd_heap_t *h, hd_obj_t *a, hd_obj_t *n, hd_obj_t **out)
{
    hd_obj_t *b = small(h, 1), *c = small(h, 0), *q, *r, *t, *s;
    hd__incref(a);
    hd__incref(n);
    int rc = 0;
    while (ndig(n) != 0) {
        if ((rc = sc_long_divmod(h, a, n, &q, &r)))
            break;
        drop(h, a);
        a = n;
        n = r;
        rc = sc_long_mul(h, q, c, &t);
        drop(h, q);
        if (rc)
            break;
        rc = sc_long_add(h, b, t, -1, &s);
        drop(h, t);
        if (rc)
            break;
        drop(h, b);
        b = c;
        c = s;
    }
    if (rc) {
        drop(h, a);
        drop(h, b);
        drop(h, c);
        drop(h, n);
        return rc;
    }
    drop(h, c);
    drop(h, n);
    bool one = ndig(a) == 1 && !negative(a) && ((hd_int_obj_t *)a)->digits[0] == 1;
    drop(h, a);
    if (!one) {
        drop(h, b);
        return SC_LONG_NOT_INVERTIBLE;
    }
    *out = b;
    return 0;
}

/* absorb: ABSORB_PENDING: the pending window's squarings, its table
 * product, then the squarings of its trailing zeros */
static int absorb(hd_heap_t *h, hd_obj_t **table, hd_obj_t *c, int *pending, int *blen,
                  hd_obj_t **z)
{
    int ntz = 0, rc = 0;
    while ((*pending & 1) == 0) {
        ntz++;
        *pending >>= 1;
    }
    *blen -= ntz;
    do
        rc = mult(h, *z, *z, c, z);
    while (!rc && --*blen);
    if (!rc)
        rc = mult(h, *z, table[*pending >> 1], c, z);
    while (!rc && ntz-- > 0)
        rc = mult(h, *z, *z, c, z);
    *pending = 0;
    *blen = 0;
    return rc;
}

/* window: the k-ary sliding window of long_pow for an exponent of more
 * than two digits (5-bit windows over a table of a**1, a**3, ..., a**31) */
static int window(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t *c, hd_obj_t **z)
{
    hd_obj_t *table[16] = {NULL}, *a2 = NULL;
    int n = 1, rc;
    hd__incref(a);
    table[0] = a;
    rc = mult(h, a, a, c, &a2);
    for (; n < 16 && !rc; n++)
        rc = mult(h, table[n - 1], a2, c, &table[n]);
    drop(h, a2);
    const hd_int_obj_t *e = (const hd_int_obj_t *)b;
    int pending = 0, blen = 0;
    for (size_t i = ndig(b); i-- > 0 && !rc;) {
        for (int j = SHIFT - 1; j >= 0 && !rc; j--) {
            pending = (pending << 1) | (int)((e->digits[i] >> j) & 1);
            if (!pending) {
                rc = mult(h, *z, *z, c, z);
            } else if (++blen == 5) {
                rc = absorb(h, table, c, &pending, &blen, z);
            }
        }
    }
    if (!rc && pending)
        rc = absorb(h, table, c, &pending, &blen, z);
    for (int i = 0; i < 16; i++)
        drop(h, table[i]);
    return rc;
}

int sc_long_pow(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t *c, hd_obj_t **out)
{
    bool neg_out = false;
    int rc = 0;
    hd__incref(a);
    hd__incref(b);
    if (c)
        hd__incref(c);
    hd_obj_t *z = NULL, *t;
    if (c && negative(c)) { /* negativeOutput: c = -c */
        neg_out = true;
        if (!(rc = long_copy(h, c, &t))) {
            drop(h, c);
            c = t;
            rc = negate(h, &c);
        }
    }
    if (!rc && c && ndig(c) == 1 && ((hd_int_obj_t *)c)->digits[0] == 1) {
        z = small(h, 0);
        goto done;
    }
    if (!rc && c && negative(b)) { /* the inverse, to the negated power */
        if (!(rc = long_copy(h, b, &t))) {
            drop(h, b);
            b = t;
            if (!(rc = negate(h, &b)) && !(rc = invmod(h, a, c, &t))) {
                drop(h, a);
                a = t;
            }
        }
    }
    if (!rc && c && (negative(a) || ndig(a) > ndig(c))) {
        if (!(rc = sc_long_divmod(h, a, c, NULL, &t))) {
            drop(h, a);
            a = t;
        }
    }
    if (rc)
        goto done;
    z = small(h, 1);
    size_t nb = ndig(b);
    uint32_t top = nb ? ((hd_int_obj_t *)b)->digits[nb - 1] : 0;
    if (nb <= 1 && top <= 3) {
        if (top >= 2) {
            if (!(rc = mult(h, a, a, c, &z)) && top == 3)
                rc = mult(h, z, a, c, &z);
        } else if (top == 1) {
            rc = mult(h, a, z, c, &z);
        }
    } else if (nb <= 2) { /* left to right binary, from a itself */
        drop(h, z);
        hd__incref(a);
        z = a;
        const uint32_t *d = ((hd_int_obj_t *)b)->digits;
        int bit = 31 - __builtin_clz(top);
        for (size_t i = nb; i-- > 0 && !rc;) {
            for (bit = i == nb - 1 ? bit - 1 : SHIFT - 1; bit >= 0 && !rc; bit--) {
                rc = mult(h, z, z, c, &z);
                if (!rc && ((d[i] >> bit) & 1))
                    rc = mult(h, z, a, c, &z);
            }
        }
    } else {
        rc = window(h, a, b, c, &z);
    }
    if (!rc && neg_out && ndig(z) != 0) {
        if (!(rc = sc_long_add(h, z, c, -1, &t))) {
            drop(h, z);
            z = t;
        }
    }
done:
    drop(h, a);
    drop(h, b);
    drop(h, c);
    if (rc) {
        drop(h, z);
        return rc;
    }
    *out = z;
    return 0;
}

/* ---- >> ---- */

/* sc_long_divmod_shift: divmod_shift's temporaries for a count b of 2**63
 * or more: PyLong_AsSsize_t's OverflowError (the message str that
 * PyErr_SetString makes, 93 bytes, cleared at once), b // 30 from
 * divrem1 (b's size), and when that does not fit a Py_ssize_t either (b
 * of 4 digits or more, or a top digit of 240 or more) the error again,
 * cleared after the quotient is dropped */
int sc_long_divmod_shift(hd_heap_t *h, hd_obj_t *b)
{
    const size_t msg = HD_STR_ASCII_HEADER + 44 + 1; /* "Python int too large ... ssize_t" */
    void *m1, *m2 = NULL;
    hd_obj_t *q;
    int rc = hd__block_alloc(h, msg, 0, &m1);
    if (rc)
        return rc;
    hd__block_free(h, m1);
    size_t nb = ndig(b);
    if ((rc = temp_block(h, nb, &q)))
        return rc;
    if ((nb > 3 || ((hd_int_obj_t *)b)->digits[2] >= 240) && (rc = hd__block_alloc(h, msg, 0, &m2)))
        m2 = NULL;
    drop(h, q);
    hd__block_free(h, m2);
    return rc;
}

int sc_long_rshift(hd_heap_t *h, hd_obj_t *a, int64_t s, hd_obj_t **out)
{
    size_t sa = ndig(a);
    if (sa == 0) {
        *out = small(h, 0);
        return 0;
    }
    int64_t wordshift = s / SHIFT, remshift = s % SHIFT;
    if (sa == 1) {
        int64_t m = medium_value(a), shift = wordshift == 0 ? remshift : SHIFT;
        return hd__int_from_long(h, m < 0 ? ~(~m >> shift) : m >> shift, out);
    }
    bool neg = negative(a);
    if (neg && remshift == 0) {
        if (wordshift == 0) {
            *out = long_long(h, a);
            return 0;
        }
        wordshift--;
    }
    if (wordshift >= (int64_t)sa) { /* every bit shifted out */
        *out = small(h, neg ? -1 : 0);
        return 0;
    }
    sc_big_t x, r;
    int rc = sc_big_from_obj(h, a, &x);
    if (rc)
        return rc;
    if (!(rc = sc_big_shift(h, &x, -s, &r))) {
        if (!(rc = long_new(h, &r, sa - (size_t)wordshift, out)))
            maybe_small(h, out);
        sc_big_free(h, &r);
    }
    sc_big_free(h, &x);
    return rc;
}

/* ---- & | ^ ---- */

int sc_long_bitwise(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    int64_t x, y;
    if (hd_int_to_i64(a, &x) || hd_int_to_i64(b, &y))
        return HD_ERANGE;
    int64_t v = op == '&' ? (x & y) : op == '|' ? (x | y) : (x ^ y);
    if (ndig(a) <= 1 && ndig(b) <= 1)
        return hd__int_from_long(h, v, out);
    /* long_bitwise: a negative operand's two's complement first */
    size_t sa = ndig(a), sb = ndig(b);
    bool na = negative(a), nb = negative(b);
    hd_obj_t *ta = NULL, *tb = NULL;
    int rc = na ? temp_block(h, sa, &ta) : 0;
    if (!rc && nb && (rc = temp_block(h, sb, &tb)))
        drop(h, ta);
    if (rc)
        return rc;
    if (sa < sb) { /* the longer first; its temporary is dropped first */
        size_t s = sa;
        sa = sb;
        sb = s;
        bool n = na;
        na = nb;
        nb = n;
        hd_obj_t *t = ta;
        ta = tb;
        tb = t;
    }
    bool nz = op == '^' ? na != nb : op == '&' ? na && nb : na || nb;
    size_t size_z = op == '^' ? sa : op == '&' ? (nb ? sa : sb) : (nb ? sb : sa);
    sc_big_t r;
    if (!(rc = sc_big_from_i64(h, v, &r))) {
        rc = long_new(h, &r, size_z + (nz ? 1 : 0), out);
        sc_big_free(h, &r);
    }
    drop(h, ta);
    drop(h, tb);
    if (!rc)
        maybe_small(h, out);
    return rc;
}

/* ---- / ---- */

static int bit_length(uint32_t d)
{
    return d ? 32 - __builtin_clz(d) : 0;
}

/* fits_double: long_true_divide's "small" operand (under 2**53) */
static bool fits_double(const hd_obj_t *o)
{
    size_t n = ndig(o);
    return n <= 1 || (n == 2 && (((const hd_int_obj_t *)o)->digits[1] >> (53 - SHIFT)) == 0);
}

static double digits_double(const uint32_t *d, size_t n)
{
    double x = 0;
    while (n > 0)
        x = x * (double)(1u << SHIFT) + d[--n];
    return x;
}

/* quotient: x // |b| of the shifted dividend x (its block xb, freed here as
 * long_true_divide drops it), with x_divrem's blocks for a divisor of two
 * digits or more; *inexact gets a nonzero remainder. The quotient's block
 * (or x's, divided in place) comes back in *qb, its value in *q. */
static int quotient(hd_heap_t *h, sc_big_t *x, hd_obj_t *xb, const sc_big_t *y, sc_big_t *q,
                    hd_obj_t **qb, bool *inexact)
{
    sc_big_t r;
    int rc = sc_big_divmod(h, x, y, q, &r);
    if (rc) {
        drop(h, xb);
        return rc;
    }
    *inexact |= r.n != 0;
    sc_big_free(h, &r);
    if (y->n == 1) { /* inplace_divrem1: x's own block */
        *qb = xb;
        return 0;
    }
    hd_obj_t *v = NULL, *w = NULL;
    if (!(rc = temp_block(h, x->n + 1, &v)) && !(rc = temp_block(h, y->n, &w)) &&
        !(rc = temp_block(h, xdivrem_k(x, y), qb))) {
        drop(h, v);
        v = NULL;
    }
    drop(h, v);
    drop(h, xb); /* Py_DECREF(x), then the remainder */
    drop(h, w);
    if (rc)
        sc_big_free(h, q);
    return rc;
}

int sc_long_truediv(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, double *out)
{
    size_t sa = ndig(a), sb = ndig(b);
    bool neg = negative(a) != negative(b);
    const uint32_t *ad = ((hd_int_obj_t *)a)->digits, *bd = ((hd_int_obj_t *)b)->digits;
    if (sa == 0) {
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
    if (fits_double(a) && fits_double(b)) {
        double r = digits_double(ad, sa) / digits_double(bd, sb);
        *out = neg ? -r : r;
        return 0;
    }
    int64_t diff =
        ((int64_t)sa - (int64_t)sb) * SHIFT + bit_length(ad[sa - 1]) - bit_length(bd[sb - 1]);
    if (diff > 1024) /* DBL_MAX_EXP */
        return HD_ERANGE;
    if (diff < -1021 - 53 - 1) { /* DBL_MIN_EXP - DBL_MANT_DIG - 1 */
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
    int64_t shift = (diff > -1021 ? diff : -1021) - 53 - 2;
    sc_big_t x, y, q, t;
    int rc = magnitude(h, a, &x);
    if (rc)
        return rc;
    if ((rc = magnitude(h, b, &y))) {
        sc_big_free(h, &x);
        return rc;
    }
    bool inexact = false;
    size_t alloc = shift <= 0 ? sa + (size_t)(-shift / SHIFT) + 1 : sa - (size_t)(shift / SHIFT);
    hd_obj_t *xb = NULL, *qb = NULL;
    if (!(rc = sc_big_shift(h, &x, -shift, &t))) {
        if (shift > 0) { /* bits shifted out make the result inexact */
            sc_big_t back;
            if (!(rc = sc_big_shift(h, &t, shift, &back))) {
                inexact = sc_big_cmp(&back, &x) != 0;
                sc_big_free(h, &back);
            }
        }
        if (!rc && !(rc = temp_block(h, alloc, &xb)))
            rc = quotient(h, &t, xb, &y, &q, &qb, &inexact);
        sc_big_free(h, &t);
    }
    sc_big_free(h, &x);
    sc_big_free(h, &y);
    if (rc)
        return rc;
    /* round to 53 bits by the low digit (it may pass MASK: digits hold it) */
    int64_t xbits = (int64_t)(q.n - 1) * SHIFT + bit_length(q.d[q.n - 1]);
    int64_t extra = (xbits > -1021 - shift ? xbits : -1021 - shift) - 53;
    uint32_t mask = 1u << (extra - 1), low = q.d[0] | (inexact ? 1u : 0u);
    if ((low & mask) && (low & (3u * mask - 1u)))
        low += mask;
    q.d[0] = low & ~(2u * mask - 1u);
    double dx = digits_double(q.d, q.n);
    sc_big_free(h, &q);
    drop(h, qb);
    if (shift + xbits >= 1024 && (shift + xbits > 1024 || dx == ldexp(1.0, (int)xbits)))
        return HD_ERANGE;
    double r = ldexp(dx, (int)shift);
    *out = neg ? -r : r;
    return 0;
}
