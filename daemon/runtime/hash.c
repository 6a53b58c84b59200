/*
 * hash.c: hash() and == for the model's types, with CPython 3.11's exact
 * values, so that dict and set tables fill exactly as python3's do.
 *
 * Hashes (Python/pyhash.c, Objects/longobject.c, floatobject.c,
 * tupleobject.c, 3.11):
 *   - int, bool: the value modulo P = 2**61 - 1, with the sign; -1 -> -2.
 *   - float: _Py_HashDouble: integral floats hash as the equal int, inf is
 *     +-314159, nan hashes by the object's (simulated) address.
 *   - str, bytes: SipHash-1-3 (3.11's default Py_HASH_ALGORITHM) with an
 *     all-zero key, which is what python3 uses under PYTHONHASHSEED=0, over
 *     the raw code units of the str's kind; the empty string hashes to 0.
 *     Both cache their hash in the object (-1 = not computed yet).
 *   - tuple: the xxHash-based tuplehash (not cached in 3.11).
 *   - None, object(), instances, classes: _Py_HashPointer of the simulated
 *     address (rotated right by 4 bits). 3.11 has no constant hash for None.
 *   - weakref: the referent's hash, cached in the weakref on first use; a
 *     dead weakref that was never hashed is a TypeError (HD_ETYPE).
 *   - list, dict, set: unhashable (HD_ETYPE).
 *
 * Equality is PyObject_RichCompareBool(a, b, Py_EQ) as the containers use
 * it: identity first, then value comparison for numbers (exact between int
 * and float), str, bytes, tuples and lists (elementwise), dicts and sets (by
 * content, in dict.c and set.c), weakrefs (the referents while both are
 * alive); everything else compares by identity. Nested comparisons count a
 * depth, like CPython's recursion check: past HD_EQ_MAX_DEPTH they fail with
 * HD_ELIMIT (RecursionError) instead of overflowing the C stack. Hashing of
 * nested tuples is bounded the same way by HD_HASH_MAX_DEPTH.
 *
 * No function here allocates or runs embedder code: hashing and comparing
 * never change the heap (apart from the caches), so callers need not fear
 * re-entrancy.
 */
#include "heap_int.h"

#define HASH_BITS    61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)
#define HASH_INF     314159
#define XXPRIME_1    11400714785074694791ULL
#define XXPRIME_2    14029467366897019727ULL
#define XXPRIME_5    2870177450012600261ULL
#define FLOAT_DIGITS 40 /* 30-bit digits of the largest finite double */

/* ---- SipHash-1-3, key (0, 0) ---- */

/* rotl64: rotate left by b (0 < b < 64). */
static uint64_t rotl64(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIP_ROUND(v0, v1, v2, v3)                                                                  \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = rotl64(v1, 13) ^ v0;                                                                  \
        v0 = rotl64(v0, 32);                                                                       \
        v2 += v3;                                                                                  \
        v3 = rotl64(v3, 16) ^ v2;                                                                  \
        v0 += v3;                                                                                  \
        v3 = rotl64(v3, 21) ^ v0;                                                                  \
        v2 += v1;                                                                                  \
        v1 = rotl64(v1, 17) ^ v2;                                                                  \
        v2 = rotl64(v2, 32);                                                                       \
    } while (0)

/* load_le64: n <= 8 bytes as a little-endian integer (_le64toh). */
static uint64_t load_le64(const uint8_t *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

/* siphash13: pyhash.c's siphash13 with k0 = k1 = 0 (PYTHONHASHSEED=0). */
static uint64_t siphash13(const void *src, size_t len)
{
    const uint8_t *in = src;
    uint64_t b = (uint64_t)len << 56;
    uint64_t v0 = 0x736f6d6570736575ULL, v1 = 0x646f72616e646f6dULL;
    uint64_t v2 = 0x6c7967656e657261ULL, v3 = 0x7465646279746573ULL;
    for (; len >= 8; len -= 8, in += 8) {
        uint64_t mi = load_le64(in, 8);
        v3 ^= mi;
        SIP_ROUND(v0, v1, v2, v3);
        v0 ^= mi;
    }
    b |= load_le64(in, len);
    v3 ^= b;
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    return (v0 ^ v1) ^ (v2 ^ v3);
}

int64_t hd__hash_bytes(const void *data, size_t len)
{
    if (len == 0)
        return 0;
    int64_t x = (int64_t)siphash13(data, len);
    return x == -1 ? -2 : x;
}

/* ---- numbers ---- */

int64_t hd__hash_pointer(uint64_t addr)
{
    uint64_t y = (addr >> 4) | (addr << 60);
    return (int64_t)y == -1 ? -2 : (int64_t)y;
}

/* hash_int: long_hash over the 30-bit digits. */
static int64_t hash_int(const hd_int_obj_t *io)
{
    int64_t n = io->size;
    if (n == -1)
        return io->digits[0] == 1 ? -2 : -(int64_t)io->digits[0];
    if (n == 0)
        return 0;
    if (n == 1)
        return io->digits[0];
    int sign = n < 0 ? -1 : 1;
    uint64_t x = 0;
    for (int64_t i = (n < 0 ? -n : n) - 1; i >= 0; i--) {
        x = ((x << HD_INT_SHIFT) & HASH_MODULUS) | (x >> (HASH_BITS - HD_INT_SHIFT));
        x += io->digits[i];
        if (x >= HASH_MODULUS)
            x -= HASH_MODULUS;
    }
    x = sign < 0 ? (uint64_t)0 - x : x;
    return (int64_t)x == -1 ? -2 : (int64_t)x;
}

/* split_double: frexp() without libm: v = m * 2**e with 0.5 <= |m| < 1 for
 * finite nonzero v; m = 0, e = 0 for zeros. */
static double split_double(double v, int *e)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int ex = (int)((bits >> 52) & 0x7ff);
    int adjust = 0;
    if (ex == 0) {
        if ((bits << 1) == 0) {
            *e = 0;
            return v;
        }
        v *= 18014398509481984.0; /* 2**54: normalize a subnormal */
        memcpy(&bits, &v, sizeof(bits));
        ex = (int)((bits >> 52) & 0x7ff);
        adjust = 54;
    }
    *e = ex - 1022 - adjust;
    bits = (bits & ~((uint64_t)0x7ff << 52)) | ((uint64_t)1022 << 52);
    memcpy(&v, &bits, sizeof(v));
    return v;
}

/* is_finite: neither inf nor nan (without libm). */
static bool is_finite(double v)
{
    return v - v == 0.0;
}

/* hash_double: _Py_HashDouble; `o` is the float object (for nan). */
static int64_t hash_double(const hd_heap_t *h, const hd_obj_t *o, double v)
{
    if (!is_finite(v)) {
        if (v == v)
            return v > 0 ? HASH_INF : -HASH_INF;
        return hd__hash_pointer(hd_obj_addr(h, o));
    }
    int e;
    double m = split_double(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m != 0.0) {
        x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
        m *= 268435456.0; /* 2**28 */
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MODULUS)
            x -= HASH_MODULUS;
    }
    e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
    x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
    x = sign < 0 ? (uint64_t)0 - x : x;
    return (int64_t)x == -1 ? -2 : (int64_t)x;
}

/* ---- str and bytes ---- */

int hd__str_hash(hd_obj_t *o, int64_t *out)
{
    hd_str_obj_t *s = (hd_str_obj_t *)o;
    if (o->type != HD_T_STR)
        return HD_ETYPE;
    if (s->hash == -1)
        s->hash = hd__hash_bytes(hd__str_data(o), (size_t)s->length * HD_STR_KIND(s));
    *out = s->hash;
    return 0;
}

/* bytes_hash: bytes_hash with the cache in the object. */
static int64_t bytes_hash(hd_bytes_obj_t *b)
{
    if (b->hash == -1)
        b->hash = hd__hash_bytes(b->data, (size_t)b->size);
    return b->hash;
}

/* ---- hash() ---- */

static int hash_obj(hd_heap_t *h, hd_obj_t *o, int64_t *out, int depth);

/* hash_tuple: 3.11's tuplehash (xxHash lanes). HD_ETYPE when an item is
 * unhashable, HD_ELIMIT past HD_HASH_MAX_DEPTH. */
static int hash_tuple(hd_heap_t *h, hd_obj_t *o, int64_t *out, int depth)
{
    const hd_tuple_obj_t *t = (const hd_tuple_obj_t *)o;
    if (depth >= HD_HASH_MAX_DEPTH)
        return HD_ELIMIT;
    uint64_t acc = XXPRIME_5;
    for (int64_t i = 0; i < t->size; i++) {
        int64_t lane;
        int rc = hash_obj(h, t->items[i], &lane, depth + 1);
        if (rc)
            return rc;
        acc += (uint64_t)lane * XXPRIME_2;
        acc = (acc << 31) | (acc >> 33);
        acc *= XXPRIME_1;
    }
    acc += (uint64_t)t->size ^ (XXPRIME_5 ^ 3527539UL);
    *out = acc == (uint64_t)-1 ? 1546275796 : (int64_t)acc;
    return 0;
}

/* hash_weakref: weakref_hash: the referent's, cached on first use. */
static int hash_weakref(hd_heap_t *h, hd_obj_t *o, int64_t *out, int depth)
{
    hd_weakref_obj_t *wr = (hd_weakref_obj_t *)o;
    if (wr->hash == -1) {
        if (!wr->object)
            return HD_ETYPE; /* "weak object has gone away" */
        int64_t x;
        int rc = hash_obj(h, wr->object, &x, depth + 1);
        if (rc)
            return rc;
        wr->hash = x;
    }
    *out = wr->hash;
    return 0;
}

/* hash_obj: PyObject_Hash. Changes nothing but the hash caches. */
static int hash_obj(hd_heap_t *h, hd_obj_t *o, int64_t *out, int depth)
{
    switch (o->type) {
    case HD_T_INT:
    case HD_T_BOOL:
        *out = hash_int((const hd_int_obj_t *)o);
        return 0;
    case HD_T_FLOAT:
        *out = hash_double(h, o, ((const hd_float_obj_t *)o)->value);
        return 0;
    case HD_T_STR:
        return hd__str_hash(o, out);
    case HD_T_BYTES:
        *out = bytes_hash((hd_bytes_obj_t *)o);
        return 0;
    case HD_T_TUPLE:
        return hash_tuple(h, o, out, depth);
    case HD_T_WEAKREF:
        return hash_weakref(h, o, out, depth);
    case HD_T_LIST:
    case HD_T_DICT:
    case HD_T_SET:
        return HD_ETYPE;
    case HD_T_FROZENSET:
        *out = hd__frozenset_hash(h, o);
        return 0;
    case HD_T_DICTVIEW: /* dict_keys, dict_items and 3.11's mappingproxy
                           compare without a hash; dict_values hashes by
                           identity */
        if (o->aux != HD_DICT_VALUES)
            return HD_ETYPE;
        *out = hd__hash_pointer(hd_obj_addr(h, o));
        return 0;
    case HD_T_METHOD: { /* method_hash: self's identity ^ hash(__func__) */
        const hd_method_obj_t *m = (const hd_method_obj_t *)o;
        int64_t y;
        int rc = hash_obj(h, m->func, &y, depth + 1);
        if (rc)
            return rc;
        int64_t x = hd__hash_pointer(hd_obj_addr(h, m->self)) ^ y;
        *out = x == -1 ? -2 : x;
        return 0;
    }
    case HD_T_CMETHOD: { /* meth_hash: self's identity ^ the C function's
                            (here the builtin's) */
        const hd_cmethod_obj_t *m = (const hd_cmethod_obj_t *)o;
        int64_t x = hd__hash_pointer(hd_obj_addr(h, m->self)) ^
                    hd__hash_pointer(hd_obj_addr(h, m->builtin));
        *out = x == -1 ? -2 : x;
        return 0;
    }
    default: /* None, object(), instances, classes */
        *out = hd__hash_pointer(hd_obj_addr(h, o));
        return 0;
    }
}

int hd__obj_hash(hd_heap_t *h, hd_obj_t *o, int64_t *out)
{
    return hash_obj(h, o, out, 0);
}

int hd_obj_hash(hd_heap_t *h, hd_obj_t *o, int64_t *out)
{
    return hash_obj(h, o, out, 0);
}

/* ---- == ---- */

/* is_int: int or bool (a bool is an int with one digit). */
static bool is_int(const hd_obj_t *o)
{
    return o->type == HD_T_INT || o->type == HD_T_BOOL;
}

/* int_eq: same sign, size and digits. */
static bool int_eq(const hd_int_obj_t *a, const hd_int_obj_t *b)
{
    if (a->size != b->size)
        return false;
    int64_t n = a->size < 0 ? -a->size : a->size;
    return memcmp(a->digits, b->digits, (size_t)n * sizeof(uint32_t)) == 0;
}

/* float_int_eq: v == i exactly (floatobject.c's float_richcompare for
 * EQ): v must be finite and integral, and its integer equal i. */
static bool float_int_eq(double v, const hd_int_obj_t *io)
{
    if (!is_finite(v))
        return false;
    if (v == 0.0)
        return io->size == 0;
    if ((v < 0) != (io->size < 0) || io->size == 0)
        return false;
    int e;
    double m = split_double(v < 0 ? -v : v, &e);
    /* |v| = mant * 2**(e - 53) with mant a 53-bit integer */
    uint64_t mant = (uint64_t)(m * 9007199254740992.0);
    int shift = e - 53;
    if (shift < 0) {
        if (-shift >= 64 || (mant & (((uint64_t)1 << -shift) - 1)) != 0)
            return false; /* not integral (|v| >= 1 here, so -shift < 53) */
        mant >>= -shift;
        shift = 0;
    }
    uint32_t digits[FLOAT_DIGITS] = {0};
    int ndigits = 0;
    for (int b = 0; b < 64; b++) {
        if (!((mant >> b) & 1))
            continue;
        int pos = b + shift;
        digits[pos / HD_INT_SHIFT] |= (uint32_t)1 << (pos % HD_INT_SHIFT);
        if (pos / HD_INT_SHIFT + 1 > ndigits)
            ndigits = pos / HD_INT_SHIFT + 1;
    }
    int64_t n = io->size < 0 ? -io->size : io->size;
    return n == ndigits && memcmp(io->digits, digits, (size_t)n * sizeof(uint32_t)) == 0;
}

/* num_eq: == between ints, bools and floats, exact. */
static int num_eq(const hd_obj_t *a, const hd_obj_t *b)
{
    if (is_int(a) && is_int(b))
        return int_eq((const hd_int_obj_t *)a, (const hd_int_obj_t *)b);
    if (a->type == HD_T_FLOAT && b->type == HD_T_FLOAT)
        return ((const hd_float_obj_t *)a)->value == ((const hd_float_obj_t *)b)->value;
    if (a->type == HD_T_FLOAT)
        return float_int_eq(((const hd_float_obj_t *)a)->value, (const hd_int_obj_t *)b);
    return float_int_eq(((const hd_float_obj_t *)b)->value, (const hd_int_obj_t *)a);
}

/* str_eq: unicode_eq: same length and kind, same code units (the kind of a
 * str is fixed by its largest character, so equal strs share it). */
static bool str_eq(const hd_str_obj_t *a, const hd_str_obj_t *b)
{
    if (a->length != b->length || HD_STR_KIND(a) != HD_STR_KIND(b))
        return false;
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash)
        return false;
    return memcmp(hd__str_data(&a->h), hd__str_data(&b->h), (size_t)a->length * HD_STR_KIND(a)) ==
           0;
}

/* bytes_eq: same size, same bytes. */
static bool bytes_eq(const hd_bytes_obj_t *a, const hd_bytes_obj_t *b)
{
    return a->size == b->size && memcmp(a->data, b->data, (size_t)a->size) == 0;
}

/* items_eq: tuplerichcompare / list_richcompare for EQ. Lists compare sizes
 * first; tuples compare the common prefix first, then the sizes. */
static int items_eq(hd_heap_t *h, hd_obj_t *const *x, int64_t nx, hd_obj_t *const *y, int64_t ny,
                    int depth)
{
    for (int64_t i = 0; i < nx && i < ny; i++) {
        int k = hd__obj_eq_depth(h, x[i], y[i], depth + 1);
        if (k <= 0)
            return k;
    }
    return nx == ny;
}

/* rich_eq: a == b without the identity shortcut (the operator itself). */
static int rich_eq(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth)
{
    if (depth >= HD_EQ_MAX_DEPTH)
        return HD_ELIMIT;
    bool numa = is_int(a) || a->type == HD_T_FLOAT, numb = is_int(b) || b->type == HD_T_FLOAT;
    if (numa && numb)
        return num_eq(a, b);
    if ((a->type == HD_T_SET || a->type == HD_T_FROZENSET) &&
        (b->type == HD_T_SET || b->type == HD_T_FROZENSET)) /* set_richcompare */
        return hd__set_equal(h, a, b, depth);
    if (a->type != b->type)
        return a == b;
    switch (a->type) {
    case HD_T_STR:
        return str_eq((const hd_str_obj_t *)a, (const hd_str_obj_t *)b);
    case HD_T_BYTES:
        return bytes_eq((const hd_bytes_obj_t *)a, (const hd_bytes_obj_t *)b);
    case HD_T_TUPLE: {
        const hd_tuple_obj_t *ta = (const hd_tuple_obj_t *)a, *tb = (const hd_tuple_obj_t *)b;
        return items_eq(h, ta->items, ta->size, tb->items, tb->size, depth);
    }
    case HD_T_LIST: {
        const hd_list_obj_t *la = (const hd_list_obj_t *)a, *lb = (const hd_list_obj_t *)b;
        if (la->size != lb->size)
            return 0;
        return items_eq(h, la->items, la->size, lb->items, lb->size, depth);
    }
    case HD_T_DICT:
        return hd__dict_equal(h, a, b, depth);
    case HD_T_SET:
        return hd__set_equal(h, a, b, depth);
    case HD_T_WEAKREF: {
        hd_obj_t *ra = ((hd_weakref_obj_t *)a)->object, *rb = ((hd_weakref_obj_t *)b)->object;
        if (!ra || !rb)
            return a == b;
        return rich_eq(h, ra, rb, depth + 1);
    }
    case HD_T_METHOD: { /* method_richcompare: __func__ equal, __self__ the same */
        const hd_method_obj_t *ma = (const hd_method_obj_t *)a, *mb = (const hd_method_obj_t *)b;
        int eq = hd__obj_eq_depth(h, ma->func, mb->func, depth + 1);
        return eq == 1 ? ma->self == mb->self : eq;
    }
    case HD_T_CMETHOD: { /* meth_richcompare: the same self and C function */
        const hd_cmethod_obj_t *ma = (const hd_cmethod_obj_t *)a, *mb = (const hd_cmethod_obj_t *)b;
        return ma->self == mb->self && ma->builtin == mb->builtin;
    }
    default:
        return a == b;
    }
}

int hd__obj_eq_depth(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int depth)
{
    if (a == b)
        return 1;
    return rich_eq(h, a, b, depth);
}

int hd__obj_eq(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b)
{
    return hd__obj_eq_depth(h, a, b, 0);
}

bool hd_obj_equal(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b)
{
    return rich_eq(h, a, b, 0) > 0;
}
