/*
 * bigint.c: arbitrary-precision int arithmetic for the heap script language
 * on CPython's representation (30-bit digits, least significant first, a
 * sign): the values behind longops.c, whose heap blocks are CPython's.
 *
 * Operations: add, subtract, multiply (schoolbook), floor division and
 * modulo (Knuth's algorithm D on 30-bit digits, then floored as Python
 * floors), power by squaring, shifts. Results are bounded: an int of more
 * than SC_BIG_MAX_DIGITS digits (about 60,000 decimal digits) is refused
 * with MemoryError, so no single operation can run for long; CPython has
 * no such bound, but a program of the kind heapd runs never comes near it.
 *
 * Temporaries come from the heap's hd_mem_t (inspector memory), never from
 * the simulated pools.
 */
#include <string.h>

#include "bigint.h"
#include "err.h"

#define SHIFT 30
#define MASK  ((1u << SHIFT) - 1)

void sc_big_free(hd_heap_t *h, sc_big_t *b)
{
    if (b->d && b->d != b->small)
        hd_mem_free(h->mem, b->d);
    b->d = NULL;
    b->n = 0;
}

static int big_alloc(hd_heap_t *h, sc_big_t *b, size_t n)
{
    b->sign = 0;
    b->n = 0;
    if (n > SC_BIG_MAX_DIGITS + 2)
        return SC_BIG_TOO_LARGE;
    if (n <= sizeof(b->small) / sizeof(b->small[0])) {
        b->d = b->small;
    } else if (!(b->d = hd_mem_malloc(h->mem, n * sizeof(uint32_t)))) {
        return HD_ENOMEM;
    }
    memset(b->d, 0, n * sizeof(uint32_t));
    return 0;
}

static void normalize(sc_big_t *b)
{
    while (b->n && b->d[b->n - 1] == 0)
        b->n--;
    if (b->n == 0)
        b->sign = 0;
}

int sc_big_from_obj(hd_heap_t *h, hd_obj_t *o, sc_big_t *b)
{
    const hd_int_obj_t *io = (const hd_int_obj_t *)o;
    size_t n = (size_t)(io->size < 0 ? -io->size : io->size);
    int rc = big_alloc(h, b, n ? n : 1);
    if (rc)
        return rc;
    memcpy(b->d, io->digits, n * sizeof(uint32_t));
    b->n = n;
    b->sign = io->size < 0 ? -1 : io->size > 0;
    return 0;
}

int sc_big_from_i64(hd_heap_t *h, int64_t v, sc_big_t *b)
{
    int rc = big_alloc(h, b, 3);
    if (rc)
        return rc;
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    while (mag) {
        b->d[b->n++] = (uint32_t)(mag & MASK);
        mag >>= SHIFT;
    }
    b->sign = v < 0 ? -1 : v > 0;
    return 0;
}

int sc_big_copy(hd_heap_t *h, const sc_big_t *a, sc_big_t *r)
{
    int rc = big_alloc(h, r, a->n ? a->n : 1);
    if (rc)
        return rc;
    memcpy(r->d, a->d, a->n * sizeof(uint32_t));
    r->n = a->n;
    r->sign = a->sign;
    return 0;
}

int sc_big_to_obj(hd_heap_t *h, sc_big_t *b, hd_obj_t **out)
{
    normalize(b);
    if (b->n > SC_BIG_MAX_DIGITS)
        return SC_BIG_TOO_LARGE;
    return hd_int_from_digits(h, b->sign, b->d, b->n, out);
}

int sc_big_to_obj_alloc(hd_heap_t *h, sc_big_t *r, size_t alloc, hd_obj_t **out)
{
    normalize(r);
    if (r->n <= 1) {
        int64_t v = r->n ? (int64_t)r->d[0] * (r->sign < 0 ? -1 : 1) : 0;
        hd_obj_t *small = hd__int_small(h, v);
        if (small) {
            hd__incref(small);
            *out = small;
            return 0;
        }
    }
    if (r->n > SC_BIG_MAX_DIGITS)
        return SC_BIG_TOO_LARGE;
    if (alloc < r->n)
        alloc = r->n;
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_INT, HD_INT_HEADER + 4 * (alloc ? alloc : 1), 0, &o);
    if (rc)
        return rc;
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    io->size = (int64_t)r->n * (r->sign < 0 ? -1 : 1);
    memcpy(io->digits, r->d, r->n * 4);
    *out = o;
    return 0;
}

int sc_big_slice(hd_heap_t *h, const sc_big_t *a, size_t start, size_t n, bool norm, sc_big_t *r)
{
    assert(start + n <= a->n);
    int rc = big_alloc(h, r, n ? n : 1);
    if (rc)
        return rc;
    memcpy(r->d, a->d + start, n * sizeof(uint32_t));
    r->n = n;
    r->sign = 1;
    normalize(r);
    if (!norm) /* the digits above stay zero in the buffer */
        r->n = n;
    return 0;
}

static int cmp_mag(const sc_big_t *a, const sc_big_t *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

int sc_big_cmp(const sc_big_t *a, const sc_big_t *b)
{
    if (a->sign != b->sign)
        return a->sign < b->sign ? -1 : 1;
    int m = cmp_mag(a, b);
    return a->sign < 0 ? -m : m;
}

/* |a| + |b| */
static int add_mag(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *r)
{
    if (a->n < b->n) {
        const sc_big_t *t = a;
        a = b;
        b = t;
    }
    int rc = big_alloc(h, r, a->n + 1);
    if (rc)
        return rc;
    uint32_t carry = 0;
    size_t i = 0;
    for (; i < b->n; i++) {
        carry += a->d[i] + b->d[i];
        r->d[i] = carry & MASK;
        carry >>= SHIFT;
    }
    for (; i < a->n; i++) {
        carry += a->d[i];
        r->d[i] = carry & MASK;
        carry >>= SHIFT;
    }
    r->d[i] = carry;
    r->n = a->n + 1;
    r->sign = 1;
    normalize(r);
    return 0;
}

/* |a| - |b| with |a| >= |b| */
static int sub_mag(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *r)
{
    int rc = big_alloc(h, r, a->n ? a->n : 1);
    if (rc)
        return rc;
    int32_t borrow = 0;
    size_t i = 0;
    for (; i < b->n; i++) {
        int64_t v = (int64_t)a->d[i] - b->d[i] - borrow;
        borrow = v < 0;
        r->d[i] = (uint32_t)(v & MASK);
    }
    for (; i < a->n; i++) {
        int64_t v = (int64_t)a->d[i] - borrow;
        borrow = v < 0;
        r->d[i] = (uint32_t)(v & MASK);
    }
    r->n = a->n;
    r->sign = 1;
    normalize(r);
    return 0;
}

int sc_big_add(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, int bsign, sc_big_t *r)
{
    int sa = a->sign, sb = b->sign * bsign;
    if (sa == 0 || sb == 0) {
        const sc_big_t *x = sa ? a : b;
        int sx = sa ? sa : sb;
        int rc = big_alloc(h, r, x->n ? x->n : 1);
        if (rc)
            return rc;
        memcpy(r->d, x->d, x->n * sizeof(uint32_t));
        r->n = x->n;
        r->sign = sx;
        normalize(r);
        return 0;
    }
    int rc;
    if (sa == sb) {
        rc = add_mag(h, a, b, r);
        r->sign = r->n ? sa : 0;
        return rc;
    }
    int m = cmp_mag(a, b);
    if (m >= 0) {
        rc = sub_mag(h, a, b, r);
        r->sign = r->n ? sa : 0;
    } else {
        rc = sub_mag(h, b, a, r);
        r->sign = r->n ? sb : 0;
    }
    return rc;
}

int sc_big_mul(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *r)
{
    if (a->n + b->n > SC_BIG_MAX_DIGITS + 1)
        return SC_BIG_TOO_LARGE;
    int rc = big_alloc(h, r, a->n + b->n + 1);
    if (rc)
        return rc;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t carry = 0, x = a->d[i];
        for (size_t j = 0; j < b->n; j++) {
            carry += r->d[i + j] + x * b->d[j];
            r->d[i + j] = (uint32_t)(carry & MASK);
            carry >>= SHIFT;
        }
        for (size_t k = i + b->n; carry; k++) {
            carry += r->d[k];
            r->d[k] = (uint32_t)(carry & MASK);
            carry >>= SHIFT;
        }
    }
    r->n = a->n + b->n + 1;
    r->sign = a->sign * b->sign;
    normalize(r);
    return 0;
}

static int floor_fix(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *q, sc_big_t *r);

/* divmod_mag: |a| = q * |b| + rem (truncated), b nonzero (algorithm D). */
static int divmod_mag(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *q,
                      sc_big_t *rem)
{
    int rc;
    if (cmp_mag(a, b) < 0) {
        if ((rc = big_alloc(h, q, 1)) || (rc = big_alloc(h, rem, a->n ? a->n : 1)))
            return rc;
        memcpy(rem->d, a->d, a->n * sizeof(uint32_t));
        rem->n = a->n;
        rem->sign = a->n ? 1 : 0;
        return 0;
    }
    if (b->n == 1) {
        if ((rc = big_alloc(h, q, a->n)) || (rc = big_alloc(h, rem, 1)))
            return rc;
        uint64_t r = 0, dv = b->d[0];
        for (size_t i = a->n; i-- > 0;) {
            r = (r << SHIFT) | a->d[i];
            q->d[i] = (uint32_t)(r / dv);
            r %= dv;
        }
        q->n = a->n;
        q->sign = 1;
        normalize(q);
        rem->d[0] = (uint32_t)r;
        rem->n = 1;
        rem->sign = 1;
        normalize(rem);
        return 0;
    }
    /* normalize so the divisor's top digit has its high bit (bit 29) set */
    int s = 0;
    for (uint32_t top = b->d[b->n - 1]; !(top & (1u << (SHIFT - 1))); top <<= 1)
        s++;
    size_t n = b->n, m = a->n - b->n;
    sc_big_t u, v;
    if ((rc = big_alloc(h, &u, a->n + 1)))
        return rc;
    if ((rc = big_alloc(h, &v, n))) {
        sc_big_free(h, &u);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t x = ((uint64_t)b->d[i] << s) | (i ? (uint64_t)b->d[i - 1] >> (SHIFT - s) : 0);
        v.d[i] = (uint32_t)(x & MASK);
    }
    for (size_t i = 0; i <= a->n; i++) {
        uint64_t lo = i < a->n ? (uint64_t)a->d[i] << s : 0;
        uint64_t hi = i ? (uint64_t)a->d[i - 1] >> (SHIFT - s) : 0;
        u.d[i] = (uint32_t)((lo | hi) & MASK);
    }
    if ((rc = big_alloc(h, q, m + 1))) {
        sc_big_free(h, &u);
        sc_big_free(h, &v);
        return rc;
    }
    uint64_t vtop = v.d[n - 1], vnext = v.d[n - 2];
    for (size_t j = m + 1; j-- > 0;) {
        uint64_t num = ((uint64_t)u.d[j + n] << SHIFT) | u.d[j + n - 1];
        uint64_t qhat = num / vtop, rhat = num % vtop;
        while (qhat > MASK || qhat * vnext > ((rhat << SHIFT) | u.d[j + n - 2])) {
            qhat--;
            rhat += vtop;
            if (rhat > MASK)
                break;
        }
        int64_t borrow = 0;
        uint64_t carry = 0;
        for (size_t i = 0; i < n; i++) {
            carry += qhat * v.d[i];
            int64_t t = (int64_t)u.d[i + j] - (int64_t)(carry & MASK) - borrow;
            carry >>= SHIFT;
            borrow = t < 0;
            u.d[i + j] = (uint32_t)(t & MASK);
        }
        int64_t t = (int64_t)u.d[j + n] - (int64_t)carry - borrow;
        u.d[j + n] = (uint32_t)(t & MASK);
        if (t < 0) { /* added back: qhat was one too big */
            qhat--;
            uint32_t c = 0;
            for (size_t i = 0; i < n; i++) {
                c += u.d[i + j] + v.d[i];
                u.d[i + j] = c & MASK;
                c >>= SHIFT;
            }
            u.d[j + n] = (u.d[j + n] + c) & MASK;
        }
        q->d[j] = (uint32_t)qhat;
    }
    q->n = m + 1;
    q->sign = 1;
    normalize(q);
    /* remainder: u >> s */
    if ((rc = big_alloc(h, rem, n))) {
        sc_big_free(h, &u);
        sc_big_free(h, &v);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t x = ((uint64_t)u.d[i] >> s) | (((uint64_t)u.d[i + 1] << (SHIFT - s)) & MASK);
        rem->d[i] = (uint32_t)(x & MASK);
    }
    rem->n = n;
    rem->sign = 1;
    normalize(rem);
    sc_big_free(h, &u);
    sc_big_free(h, &v);
    return 0;
}

int sc_big_divmod(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *q, sc_big_t *r)
{
    memset(q, 0, sizeof(*q)); /* no digits: sc_big_free is a no-op */
    memset(r, 0, sizeof(*r));
    int rc = divmod_mag(h, a, b, q, r);
    if (!rc)
        rc = floor_fix(h, a, b, q, r);
    if (rc) { /* nothing is left allocated */
        sc_big_free(h, q);
        sc_big_free(h, r);
    }
    return rc;
}

/* floor_fix: truncated q, r (signs set here) made floored */
static int floor_fix(hd_heap_t *h, const sc_big_t *a, const sc_big_t *b, sc_big_t *q, sc_big_t *r)
{
    int rc;
    if (q->n)
        q->sign = a->sign * b->sign;
    if (r->n)
        r->sign = a->sign;
    /* floor: when the signs differ and the remainder is not zero */
    if (r->n && a->sign != b->sign) {
        sc_big_t one, q2, r2;
        if ((rc = sc_big_from_i64(h, 1, &one)))
            return rc;
        rc = sc_big_add(h, q, &one, -1, &q2);
        sc_big_free(h, &one);
        if (rc)
            return rc;
        if ((rc = sc_big_add(h, r, b, 1, &r2))) {
            sc_big_free(h, &q2);
            return rc;
        }
        sc_big_free(h, q);
        sc_big_free(h, r);
        *q = q2;
        *r = r2;
        if (q->d == q2.small)
            q->d = q->small;
        if (r->d == r2.small)
            r->d = r->small;
    }
    return 0;
}

int sc_big_pow(hd_heap_t *h, const sc_big_t *a, uint64_t e, sc_big_t *r)
{
    sc_big_t base, acc;
    int rc = sc_big_from_i64(h, 1, &acc);
    if (rc)
        return rc;
    if ((rc = sc_big_copy(h, a, &base))) {
        sc_big_free(h, &acc);
        return rc;
    }
    while (e && !rc) {
        if (e & 1) {
            sc_big_t t;
            if (!(rc = sc_big_mul(h, &acc, &base, &t))) {
                sc_big_free(h, &acc);
                acc = t;
                if (acc.d == t.small)
                    acc.d = acc.small;
            }
        }
        e >>= 1;
        if (e && !rc) {
            sc_big_t t;
            if (!(rc = sc_big_mul(h, &base, &base, &t))) {
                sc_big_free(h, &base);
                base = t;
                if (base.d == t.small)
                    base.d = base.small;
            }
        }
    }
    sc_big_free(h, &base);
    if (rc) {
        sc_big_free(h, &acc);
        return rc;
    }
    *r = acc;
    if (r->d == acc.small)
        r->d = r->small;
    return 0;
}

int sc_big_shift(hd_heap_t *h, const sc_big_t *a, int64_t bits, sc_big_t *r)
{
    if (bits >= 0) {
        size_t whole = (size_t)bits / SHIFT, part = (size_t)bits % SHIFT;
        if (a->n + whole + 1 > SC_BIG_MAX_DIGITS + 1)
            return SC_BIG_TOO_LARGE;
        int rc = big_alloc(h, r, a->n + whole + 1);
        if (rc)
            return rc;
        for (size_t i = 0; i < a->n; i++) {
            uint64_t x = (uint64_t)a->d[i] << part;
            r->d[i + whole] |= (uint32_t)(x & MASK);
            r->d[i + whole + 1] |= (uint32_t)(x >> SHIFT);
        }
        r->n = a->n + whole + 1;
        r->sign = a->sign;
        normalize(r);
        return 0;
    }
    /* right shift, floored: for negatives, -((-a - 1) >> k) - 1 */
    uint64_t k = (uint64_t)(-bits);
    sc_big_t t, one;
    int rc = 0;
    bool neg = a->sign < 0;
    if (neg) {
        if ((rc = sc_big_from_i64(h, -1, &one)))
            return rc;
        rc = sc_big_add(h, a, &one, -1, &t); /* a + 1 */
        sc_big_free(h, &one);
        if (rc)
            return rc;
        t.sign = t.n ? 1 : 0; /* -(a + 1) = -a - 1 */
    } else if ((rc = sc_big_copy(h, a, &t))) {
        return rc;
    }
    size_t whole = (size_t)(k / SHIFT), part = (size_t)(k % SHIFT);
    size_t n = t.n > whole ? t.n - whole : 0;
    if ((rc = big_alloc(h, r, n ? n : 1))) {
        sc_big_free(h, &t);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t x = t.d[i + whole] >> part;
        if (i + whole + 1 < t.n)
            x |= ((uint64_t)t.d[i + whole + 1] << (SHIFT - part)) & MASK;
        r->d[i] = (uint32_t)(x & MASK);
    }
    r->n = n;
    r->sign = 1;
    normalize(r);
    sc_big_free(h, &t);
    if (neg) {
        sc_big_t r2;
        if ((rc = sc_big_from_i64(h, 1, &one)))
            return rc;
        rc = sc_big_add(h, r, &one, 1, &r2);
        sc_big_free(h, &one);
        sc_big_free(h, r);
        if (rc)
            return rc;
        *r = r2;
        if (r->d == r2.small)
            r->d = r->small;
        r->sign = r->n ? -1 : 0;
    }
    return 0;
}

double sc_big_to_double(const sc_big_t *a)
{
    double x = 0;
    for (size_t i = a->n; i-- > 0;)
        x = x * (double)(1u << SHIFT) + a->d[i];
    return a->sign < 0 ? -x : x;
}

bool sc_big_to_i64(const sc_big_t *a, int64_t *out)
{
    if (a->n > 3)
        return false;
    unsigned __int128 mag = 0;
    for (size_t i = a->n; i-- > 0;)
        mag = (mag << SHIFT) | a->d[i];
    if (a->sign >= 0) {
        if (mag > (unsigned __int128)INT64_MAX)
            return false;
        *out = (int64_t)mag;
    } else {
        if (mag > (unsigned __int128)INT64_MAX + 1)
            return false;
        *out = (int64_t)(0 - (uint64_t)mag);
    }
    return true;
}
