/*
 * ops.c: arithmetic, comparison, truth and containment on the builtin
 * types, with CPython 3.11's results, result objects and error messages
 * (ops.h). Nothing here runs program code, so the compiler's constant
 * folder can use it as well as the virtual machine.
 *
 * Ints of one digit take CPython's medium fast paths in 64 bits; the rest
 * go to longops.c, which allocates as longobject.c does (the values come
 * from bigint.c). Which object a result is matters as much as its value: as in
 * CPython, `s + ""` and `t * 1` return the operand itself when it is an
 * exact str or tuple, small ints are the shared ones, and a new list from
 * + or * or a slice has exactly as many slots as items
 * (list_new_prealloc).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "bigint.h"
#include "heap_int.h"
#include "longops.h"
#include "ops.h"
#include "strbuf.h"

#define MAX_SEQ_ITEMS ((int64_t)1 << 27) /* refuse larger sequence results (MemoryError) */

static const char *const exc_names[EXC_COUNT] = {
    [EXC_NONE] = "",
    [EXC_BASEEXCEPTION] = "BaseException",
    [EXC_EXCEPTION] = "Exception",
    [EXC_TYPEERROR] = "TypeError",
    [EXC_NAMEERROR] = "NameError",
    [EXC_UNBOUNDLOCALERROR] = "UnboundLocalError",
    [EXC_ATTRIBUTEERROR] = "AttributeError",
    [EXC_KEYERROR] = "KeyError",
    [EXC_INDEXERROR] = "IndexError",
    [EXC_VALUEERROR] = "ValueError",
    [EXC_ZERODIVISIONERROR] = "ZeroDivisionError",
    [EXC_OVERFLOWERROR] = "OverflowError",
    [EXC_RECURSIONERROR] = "RecursionError",
    [EXC_RUNTIMEERROR] = "RuntimeError",
    [EXC_MEMORYERROR] = "MemoryError",
    [EXC_ASSERTIONERROR] = "AssertionError",
    [EXC_REFERENCEERROR] = "ReferenceError",
    [EXC_STOPITERATION] = "StopIteration",
    [EXC_NOTIMPLEMENTEDERROR] = "NotImplementedError",
    [EXC_MODULENOTFOUNDERROR] = "ModuleNotFoundError",
    [EXC_IMPORTERROR] = "ImportError",
    [EXC_LOOKUPERROR] = "LookupError",
    [EXC_ARITHMETICERROR] = "ArithmeticError",
    [EXC_SYNTAXERROR] = "SyntaxError",
    [EXC_INDENTATIONERROR] = "IndentationError",
    [EXC_UNICODEERROR] = "UnicodeError",
    [EXC_UNICODEENCODEERROR] = "UnicodeEncodeError",
};

/* each exception's base class (Exception's subclasses in CPython's tree) */
static const uint8_t exc_base[EXC_COUNT] = {
    [EXC_BASEEXCEPTION] = EXC_NONE,
    [EXC_EXCEPTION] = EXC_BASEEXCEPTION,
    [EXC_TYPEERROR] = EXC_EXCEPTION,
    [EXC_NAMEERROR] = EXC_EXCEPTION,
    [EXC_UNBOUNDLOCALERROR] = EXC_NAMEERROR,
    [EXC_ATTRIBUTEERROR] = EXC_EXCEPTION,
    [EXC_KEYERROR] = EXC_LOOKUPERROR,
    [EXC_INDEXERROR] = EXC_LOOKUPERROR,
    [EXC_VALUEERROR] = EXC_EXCEPTION,
    [EXC_ZERODIVISIONERROR] = EXC_ARITHMETICERROR,
    [EXC_OVERFLOWERROR] = EXC_ARITHMETICERROR,
    [EXC_RECURSIONERROR] = EXC_RUNTIMEERROR,
    [EXC_RUNTIMEERROR] = EXC_EXCEPTION,
    [EXC_MEMORYERROR] = EXC_EXCEPTION,
    [EXC_ASSERTIONERROR] = EXC_EXCEPTION,
    [EXC_REFERENCEERROR] = EXC_EXCEPTION,
    [EXC_STOPITERATION] = EXC_EXCEPTION,
    [EXC_NOTIMPLEMENTEDERROR] = EXC_RUNTIMEERROR,
    [EXC_MODULENOTFOUNDERROR] = EXC_IMPORTERROR,
    [EXC_IMPORTERROR] = EXC_EXCEPTION,
    [EXC_LOOKUPERROR] = EXC_EXCEPTION,
    [EXC_ARITHMETICERROR] = EXC_EXCEPTION,
    [EXC_SYNTAXERROR] = EXC_EXCEPTION,
    [EXC_INDENTATIONERROR] = EXC_SYNTAXERROR,
    [EXC_UNICODEERROR] = EXC_VALUEERROR,
    [EXC_UNICODEENCODEERROR] = EXC_UNICODEERROR,
};

const char *sc_exc_name(int exc)
{
    return exc > 0 && exc < EXC_COUNT ? exc_names[exc] : "Exception";
}

bool sc_exc_is(int exc, int base)
{
    for (int e = exc; e > 0 && e < EXC_COUNT; e = exc_base[e])
        if (e == base)
            return true;
    return false;
}

int sc_err_set(sc_err_t *err, int type, const char *fmt, ...)
{
    if (!err)
        return SC_EXC;
    va_list ap;
    va_start(ap, fmt);
    err->type = type;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return SC_EXC;
}

const char *sc_type_name(hd_heap_t *h, hd_obj_t *o)
{
    return hd__obj_type_name_ex(h, o);
}

int sc_str_from(hd_heap_t *h, const char *utf8, size_t len, hd_obj_t **out)
{
    return hd_str_new(h, utf8, len, out);
}

/* big_rc: a bigint.c failure as an ops result */
static int big_rc(int rc, sc_err_t *err)
{
    if (rc == SC_BIG_TOO_LARGE)
        return sc_err_set(err, EXC_MEMORYERROR, "int too large for the heap script language");
    return rc;
}

/* ---- ints ---- */

static bool is_int(const hd_obj_t *o)
{
    return o->type == HD_T_INT || o->type == HD_T_BOOL;
}

static bool is_num(const hd_obj_t *o)
{
    return is_int(o) || o->type == HD_T_FLOAT;
}

int sc_int_value(hd_obj_t *o, int64_t *out, sc_err_t *err)
{
    if (hd_int_to_i64(o, out) == 0)
        return 0;
    return sc_err_set(err, EXC_OVERFLOWERROR, "Python int too large to convert to C ssize_t");
}

bool sc_float_of(hd_obj_t *o, double *out)
{
    *out = 0; /* set on every path: callers that checked the types ignore the result */
    if (o->type == HD_T_FLOAT) {
        *out = ((hd_float_obj_t *)o)->value;
        return true;
    }
    if (!is_int(o))
        return false;
    int64_t v;
    if (hd_int_to_i64(o, &v) == 0) {
        *out = (double)v;
        return true;
    }
    const hd_int_obj_t *io = (const hd_int_obj_t *)o;
    int64_t n = io->size < 0 ? -io->size : io->size;
    double x = 0;
    for (int64_t i = n; i-- > 0;)
        x = x * 1073741824.0 + io->digits[i];
    *out = io->size < 0 ? -x : x;
    return true;
}

static int int_obj(hd_heap_t *h, int64_t v, hd_obj_t **out)
{
    return hd__int_from_long(h, v, out);
}

static int64_t floordiv64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t mod64(int64_t a, int64_t b)
{
    int64_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0)))
        m += b;
    return m;
}

static int float_obj(hd_heap_t *h, double v, hd_obj_t **out)
{
    return hd_float_new(h, v, out);
}

static int int_truediv(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out, sc_err_t *err)
{
    if (((hd_int_obj_t *)b)->size == 0)
        return sc_err_set(err, EXC_ZERODIVISIONERROR, "division by zero");
    double r;
    int rc = sc_long_truediv(h, a, b, &r);
    if (rc == HD_ERANGE)
        return sc_err_set(err, EXC_OVERFLOWERROR, "integer division result too large for a float");
    return rc ? big_rc(rc, err) : float_obj(h, r, out);
}

static int int_pow(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out, sc_err_t *err)
{
    int64_t x, e;
    const hd_int_obj_t *bi = (const hd_int_obj_t *)b;
    if (bi->size < 0) {
        double fx, fe;
        sc_float_of(a, &fx);
        sc_float_of(b, &fe);
        if (fx == 0)
            return sc_err_set(err, EXC_ZERODIVISIONERROR,
                              "0.0 cannot be raised to a negative power");
        return float_obj(h, pow(fx, fe), out);
    }
    /* bases -1, 0 and 1 take any exponent and allocate nothing */
    if (hd_int_to_i64(a, &x) == 0 && x >= -1 && x <= 1) {
        bool odd = bi->size != 0 && (bi->digits[0] & 1);
        return int_obj(h, bi->size == 0 ? 1 : x == -1 ? (odd ? -1 : 1) : x, out);
    }
    if (hd_int_to_i64(b, &e) != 0 || e >= ((int64_t)1 << 60))
        return sc_err_set(err, EXC_MEMORYERROR, "int too large for the heap script language");
    return big_rc(sc_long_pow(h, a, b, NULL, out), err);
}

static int int_bitwise(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out,
                       sc_err_t *err)
{
    if (a->type == HD_T_BOOL && b->type == HD_T_BOOL) {
        bool x = ((hd_int_obj_t *)a)->size != 0, y = ((hd_int_obj_t *)b)->size != 0;
        hd_bool(h, op == BO_AND ? (x & y) : op == BO_OR ? (x | y) : (x ^ y), out);
        return 0;
    }
    int rc = sc_long_bitwise(h, op == BO_AND ? '&' : op == BO_OR ? '|' : '^', a, b, out);
    if (rc == HD_ERANGE)
        return sc_err_set(err, EXC_OVERFLOWERROR,
                          "bitwise operations on ints beyond 64 bits are not supported");
    return big_rc(rc, err);
}

static int int_shift(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out, sc_err_t *err)
{
    int64_t x, s;
    if (((hd_int_obj_t *)b)->size < 0)
        return sc_err_set(err, EXC_VALUEERROR, "negative shift count");
    bool huge = hd_int_to_i64(b, &s) != 0;
    if (huge)
        s = INT64_MAX;
    if (op == BO_RSHIFT) { /* divmod_shift, long_rshift1 (longops.c) */
        int rc = huge && ((hd_int_obj_t *)a)->size ? sc_long_divmod_shift(h, b) : 0;
        return big_rc(rc ? rc : sc_long_rshift(h, a, s, out), err);
    }
    int64_t asz = ((hd_int_obj_t *)a)->size;
    if (hd_int_to_i64(a, &x) == 0) {
        if (x == 0)
            return int_obj(h, 0, out);
        /* long_lshift1's fast path: a one-digit int shifted by under a digit */
        if (s < 30 && asz >= -1 && asz <= 1)
            return int_obj(h, x < 0 ? -(-x << s) : x << s, out);
    }
    if (s > INT64_MAX / 2)
        return big_rc(SC_BIG_TOO_LARGE, err);
    /* long_lshift1: |size| + wordshift (+1 for a remshift) digits */
    sc_big_t xb, r = {0};
    int rc = sc_big_from_obj(h, a, &xb);
    if (rc)
        return big_rc(rc, err);
    size_t alloc = (size_t)(asz < 0 ? -asz : asz) + (size_t)(s / 30) + (s % 30 ? 1 : 0);
    if (!(rc = sc_big_shift(h, &xb, s, &r)))
        rc = sc_big_to_obj_alloc(h, &r, alloc, out);
    sc_big_free(h, &xb);
    sc_big_free(h, &r);
    return big_rc(rc, err);
}

static bool is_medium(const hd_obj_t *o)
{
    int64_t size = ((const hd_int_obj_t *)o)->size;
    return size >= -1 && size <= 1;
}

/* int_binary: CPython's medium fast paths (one digit each: exact-size
 * results) in 64 bits; everything else as longobject.c allocates it
 * (longops.c) */
static int int_binary(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out, sc_err_t *err)
{
    int64_t x, y;
    bool medium = is_medium(a) && is_medium(b);
    if (medium) {
        hd_int_to_i64(a, &x);
        hd_int_to_i64(b, &y);
    }
    switch (op) {
    case BO_ADD:
    case BO_SUB:
        if (medium)
            return int_obj(h, op == BO_ADD ? x + y : x - y, out);
        return big_rc(sc_long_add(h, a, b, op == BO_ADD ? 1 : -1, out), err);
    case BO_MUL:
        if (medium)
            return int_obj(h, x * y, out);
        return big_rc(sc_long_mul(h, a, b, out), err);
    case BO_DIV:
        return int_truediv(h, a, b, out, err);
    case BO_FLOORDIV:
    case BO_MOD:
        if (((hd_int_obj_t *)b)->size == 0)
            return sc_err_set(err, EXC_ZERODIVISIONERROR,
                              op == BO_MOD ? "integer modulo by zero"
                                           : "integer division or modulo by zero");
        if (medium)
            return int_obj(h, op == BO_MOD ? mod64(x, y) : floordiv64(x, y), out);
        return big_rc(op == BO_MOD ? sc_long_divmod(h, a, b, NULL, out)
                                   : sc_long_divmod(h, a, b, out, NULL),
                      err);
    case BO_POW:
        return int_pow(h, a, b, out, err);
    case BO_LSHIFT:
    case BO_RSHIFT:
        return int_shift(h, op, a, b, out, err);
    case BO_AND:
    case BO_OR:
    case BO_XOR:
        return int_bitwise(h, op, a, b, out, err);
    default:
        return 1; /* not handled */
    }
}

int sc_int_divmod(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **q, hd_obj_t **r, sc_err_t *err)
{
    if (((hd_int_obj_t *)b)->size == 0)
        return sc_err_set(err, EXC_ZERODIVISIONERROR, "integer division or modulo by zero");
    if (is_medium(a) && is_medium(b)) {
        int64_t x, y;
        hd_int_to_i64(a, &x);
        hd_int_to_i64(b, &y);
        int rc = int_obj(h, floordiv64(x, y), q);
        if (!rc && (rc = int_obj(h, mod64(x, y), r)))
            hd__decref(h, *q);
        return rc;
    }
    return big_rc(sc_long_divmod(h, a, b, q, r), err);
}

/* ---- floats ---- */

static int float_binary(hd_heap_t *h, int op, double x, double y, hd_obj_t **out, sc_err_t *err)
{
    double r;
    switch (op) {
    case BO_ADD:
        r = x + y;
        break;
    case BO_SUB:
        r = x - y;
        break;
    case BO_MUL:
        r = x * y;
        break;
    case BO_DIV:
        if (y == 0)
            return sc_err_set(err, EXC_ZERODIVISIONERROR, "float division by zero");
        r = x / y;
        break;
    case BO_FLOORDIV:
    case BO_MOD: {
        if (y == 0)
            return sc_err_set(err, EXC_ZERODIVISIONERROR,
                              op == BO_MOD ? "float modulo" : "float floor division by zero");
        double mod = fmod(x, y), div = (x - mod) / y;
        if (mod) {
            if ((y < 0) != (mod < 0)) {
                mod += y;
                div -= 1.0;
            }
        } else {
            mod = copysign(0.0, y);
        }
        double floordiv;
        if (div) {
            floordiv = floor(div);
            if (div - floordiv > 0.5)
                floordiv += 1.0;
        } else {
            floordiv = copysign(0.0, x / y);
        }
        r = op == BO_MOD ? mod : floordiv;
        break;
    }
    case BO_POW:
        if (x == 0 && y < 0)
            return sc_err_set(err, EXC_ZERODIVISIONERROR,
                              "0.0 cannot be raised to a negative power");
        if (x < 0 && y != floor(y))
            return sc_err_set(err, EXC_VALUEERROR,
                              "complex results are not supported by the heap script language");
        r = pow(x, y);
        if (isinf(r) && !isinf(x) && !isinf(y))
            return sc_err_set(err, EXC_OVERFLOWERROR, "(34, 'Numerical result out of range')");
        break;
    default:
        return 1;
    }
    return float_obj(h, r, out);
}

/* ---- sequences ---- */

/* list_prealloc: an empty list with exactly n slots (list_new_prealloc);
 * the caller stores n new references and sets the size. */
int sc_list_prealloc(hd_heap_t *h, int64_t n, hd_obj_t **out)
{
    hd_obj_t *l;
    int rc = hd_list_new(h, 0, NULL, &l);
    if (rc || n == 0) {
        *out = l;
        return rc;
    }
    void *items;
    if ((rc = hd__block_alloc(h, (size_t)n * 8, hd__type_kind(h, HD_T_LIST), &items))) {
        hd__decref(h, l);
        return rc;
    }
    hd_list_obj_t *lo = (hd_list_obj_t *)l;
    lo->items = items;
    lo->allocated = n;
    *out = l;
    return 0;
}

static hd_obj_t **seq_items(hd_obj_t *o, int64_t *n)
{
    if (o->type == HD_T_LIST) {
        *n = ((hd_list_obj_t *)o)->size;
        return ((hd_list_obj_t *)o)->items;
    }
    *n = ((hd_tuple_obj_t *)o)->size;
    return ((hd_tuple_obj_t *)o)->items;
}

/* seq_concat: list + list, tuple + tuple */
static int seq_concat(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    int64_t na, nb;
    hd_obj_t **ia = seq_items(a, &na), **ib = seq_items(b, &nb);
    if (a->type == HD_T_TUPLE) {
        if (na == 0 || nb == 0) {
            *out = na == 0 ? b : a;
            hd__incref(*out);
            return 0;
        }
        hd_obj_t *stack[32],
            **v = na + nb <= 32 ? stack : hd_mem_malloc(h->mem, (size_t)(na + nb) * 8);
        if (!v)
            return HD_ENOMEM;
        memcpy(v, ia, (size_t)na * 8);
        memcpy(v + na, ib, (size_t)nb * 8);
        int rc = hd_tuple_new(h, (size_t)(na + nb), v, out);
        if (v != stack)
            hd_mem_free(h->mem, v);
        return rc;
    }
    hd_obj_t *l;
    int rc = sc_list_prealloc(h, na + nb, &l);
    if (rc)
        return rc;
    hd_list_obj_t *lo = (hd_list_obj_t *)l;
    ia = seq_items(a, &na);
    ib = seq_items(b, &nb);
    for (int64_t i = 0; i < na; i++)
        hd__incref(lo->items[i] = ia[i]);
    for (int64_t i = 0; i < nb; i++)
        hd__incref(lo->items[na + i] = ib[i]);
    lo->size = na + nb;
    *out = l;
    return 0;
}

static int seq_repeat(hd_heap_t *h, hd_obj_t *a, int64_t n, hd_obj_t **out, sc_err_t *err)
{
    int64_t len;
    hd_obj_t **items = seq_items(a, &len);
    if (n < 0)
        n = 0;
    if (a->type == HD_T_TUPLE && (len == 0 || n == 1)) {
        hd__incref(a);
        *out = a;
        return 0;
    }
    if (len && n > MAX_SEQ_ITEMS / len)
        return sc_err_set(err, EXC_MEMORYERROR, "%s", "");
    int64_t total = len * n;
    if (a->type == HD_T_TUPLE) {
        if (total == 0)
            return hd_tuple_new(h, 0, NULL, out);
        hd_obj_t **v = hd_mem_malloc(h->mem, (size_t)total * 8);
        if (!v)
            return HD_ENOMEM;
        for (int64_t i = 0; i < total; i++)
            v[i] = items[i % len];
        int rc = hd_tuple_new(h, (size_t)total, v, out);
        hd_mem_free(h->mem, v);
        return rc;
    }
    hd_obj_t *l;
    int rc = sc_list_prealloc(h, total, &l);
    if (rc)
        return rc;
    hd_list_obj_t *lo = (hd_list_obj_t *)l;
    items = seq_items(a, &len);
    for (int64_t i = 0; i < total; i++)
        hd__incref(lo->items[i] = items[i % len]);
    lo->size = total;
    *out = l;
    return 0;
}

/* ---- str and bytes ---- */

static uint32_t *str_cps(hd_heap_t *h, hd_obj_t *s, int64_t extra, int64_t *n)
{
    *n = ((hd_str_obj_t *)s)->length;
    uint32_t *cps = hd_mem_malloc(h->mem, (size_t)(*n + extra + 1) * 4);
    if (cps)
        for (int64_t i = 0; i < *n; i++)
            cps[i] = hd__str_char(s, i);
    return cps;
}

static int str_concat(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    int64_t na = hd_len(a), nb = hd_len(b);
    if (na == 0 || nb == 0) {
        *out = na == 0 ? b : a;
        hd__incref(*out);
        return 0;
    }
    if (na + nb > MAX_SEQ_ITEMS * 4)
        return HD_ENOMEM;
    int64_t n;
    uint32_t *cps = str_cps(h, a, nb, &n);
    if (!cps)
        return HD_ENOMEM;
    for (int64_t i = 0; i < nb; i++)
        cps[na + i] = hd__str_char(b, i);
    int rc = hd__str_from_cps(h, cps, na + nb, out);
    hd_mem_free(h->mem, cps);
    return rc;
}

static int str_repeat(hd_heap_t *h, hd_obj_t *s, int64_t n, hd_obj_t **out, sc_err_t *err)
{
    int64_t len = hd_len(s);
    if (n == 1 || len == 0 || n <= 0) {
        if (n <= 0)
            return hd_str_new(h, "", 0, out);
        hd__incref(s);
        *out = s;
        return 0;
    }
    if (n > MAX_SEQ_ITEMS * 4 / len)
        return sc_err_set(err, EXC_MEMORYERROR, "%s", "");
    uint32_t *cps = hd_mem_malloc(h->mem, (size_t)(len * n + 1) * 4);
    if (!cps)
        return HD_ENOMEM;
    for (int64_t i = 0; i < len * n; i++)
        cps[i] = hd__str_char(s, i % len);
    int rc = hd__str_from_cps(h, cps, len * n, out);
    hd_mem_free(h->mem, cps);
    return rc;
}

static int bytes_concat(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    hd_bytes_obj_t *x = (hd_bytes_obj_t *)a, *y = (hd_bytes_obj_t *)b;
    if (y->size == 0 || x->size == 0) {
        *out = y->size == 0 ? a : b;
        hd__incref(*out);
        return 0;
    }
    char *buf = hd_mem_malloc(h->mem, (size_t)(x->size + y->size) + 1);
    if (!buf)
        return HD_ENOMEM;
    memcpy(buf, x->data, (size_t)x->size);
    memcpy(buf + x->size, y->data, (size_t)y->size);
    int rc = hd_bytes_new(h, buf, (size_t)(x->size + y->size), out);
    hd_mem_free(h->mem, buf);
    return rc;
}

static int bytes_repeat(hd_heap_t *h, hd_obj_t *a, int64_t n, hd_obj_t **out, sc_err_t *err)
{
    hd_bytes_obj_t *x = (hd_bytes_obj_t *)a;
    if (n == 1 || (n > 0 && x->size == 0)) {
        hd__incref(a);
        *out = a;
        return 0;
    }
    if (n <= 0)
        return hd_bytes_new(h, "", 0, out);
    if (n > MAX_SEQ_ITEMS * 4 / x->size)
        return sc_err_set(err, EXC_MEMORYERROR, "%s", "");
    char *buf = hd_mem_malloc(h->mem, (size_t)(x->size * n) + 1);
    if (!buf)
        return HD_ENOMEM;
    for (int64_t i = 0; i < n; i++)
        memcpy(buf + i * x->size, x->data, (size_t)x->size);
    int rc = hd_bytes_new(h, buf, (size_t)(x->size * n), out);
    hd_mem_free(h->mem, buf);
    return rc;
}

/* ---- sets ---- */

/* set_algebra: set_or (a copy of a, then set_update_internal), set_and,
 * set_sub, set_xor; in place: set_ior, set_iand, set_isub, set_ixor, which
 * return a itself */
static int set_algebra(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, bool inplace, hd_obj_t **out)
{
    int rc;
    if (inplace && a->type == HD_T_SET) { /* a frozenset has no in-place forms */
        rc = op == BO_OR    ? hd__set_update(h, a, b)
             : op == BO_AND ? hd__set_intersection_update(h, a, b)
             : op == BO_SUB ? hd__set_difference_update(h, a, b)
                            : hd__set_symdiff_update(h, a, b);
        if (!rc) {
            hd__incref(a);
            *out = a;
        }
        return rc;
    }
    switch (op) {
    case BO_OR:
        if ((rc = hd__set_copy(h, a, out)) == 0 && a != b && (rc = hd__set_update(h, *out, b)))
            hd__decref(h, *out);
        return rc;
    case BO_AND:
        return hd__set_intersection(h, a, b, out);
    case BO_SUB:
        return hd__set_difference(h, a, b, out);
    default:
        return hd__set_symdiff(h, a, b, out);
    }
}

/* ---- binary operators ---- */

static const char *const binop_sym[BO_COUNT] = {"+",  "-",  "*",  "@", "/", "//", "%",
                                                "**", "<<", ">>", "&", "|", "^"};

static int unsupported(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, bool inplace, sc_err_t *err)
{
    if (op == BO_POW && !inplace)
        return sc_err_set(err, EXC_TYPEERROR,
                          "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
                          sc_type_name(h, a), sc_type_name(h, b));
    return sc_err_set(err, EXC_TYPEERROR, "unsupported operand type(s) for %s%s: '%s' and '%s'",
                      binop_sym[op], inplace ? "=" : "", sc_type_name(h, a), sc_type_name(h, b));
}

static bool is_seq(const hd_obj_t *o)
{
    return o->type == HD_T_LIST || o->type == HD_T_TUPLE || o->type == HD_T_STR ||
           o->type == HD_T_BYTES;
}

/* list_inplace_repeat: list *= n as 3.11's: nothing for an empty list or
 * n == 1, _list_clear for n < 1, else list_resize to size * n (its
 * over-allocation, in place) and the items copied after themselves */
static int list_inplace_repeat(hd_heap_t *h, hd_obj_t *a, int64_t n, sc_err_t *err)
{
    hd_list_obj_t *l = (hd_list_obj_t *)a;
    int64_t size = l->size;
    if (size == 0 || n == 1)
        return 0;
    if (n < 1) {
        hd__list_clear(h, a);
        return 0;
    }
    if (n > MAX_SEQ_ITEMS / size)
        return sc_err_set(err, EXC_MEMORYERROR, "%s", "");
    int64_t newsize = size * n;
    if (newsize > l->allocated) { /* list_resize: it only grows here */
        uint64_t na = ((uint64_t)newsize + ((uint64_t)newsize >> 3) + 6) & ~(uint64_t)3;
        if (newsize - size > (int64_t)na - newsize)
            na = ((uint64_t)newsize + 3) & ~(uint64_t)3;
        void *items;
        int rc = hd__block_realloc(h, l->items, na * 8, hd__type_kind(h, HD_T_LIST), &items);
        if (rc)
            return rc;
        l->items = items;
        l->allocated = (int64_t)na;
    }
    for (int64_t p = size; p < newsize; p++)
        hd__incref(l->items[p] = l->items[p - size]);
    l->size = newsize;
    return 0;
}

static int sequence_binary(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, bool inplace,
                           hd_obj_t **out, sc_err_t *err)
{
    if (op == BO_MUL) {
        hd_obj_t *seq = is_seq(a) ? a : b, *num = seq == a ? b : a;
        if (!is_int(num))
            return sc_err_set(err, EXC_TYPEERROR, "can't multiply sequence by non-int of type '%s'",
                              sc_type_name(h, num));
        int64_t n;
        if (hd_int_to_i64(num, &n))
            return sc_err_set(err, EXC_OVERFLOWERROR,
                              "cannot fit 'int' into an index-sized integer");
        if (seq->type == HD_T_STR)
            return str_repeat(h, seq, n, out, err);
        if (seq->type == HD_T_BYTES)
            return bytes_repeat(h, seq, n, out, err);
        if (inplace && seq == a && a->type == HD_T_LIST) {
            int rc = list_inplace_repeat(h, a, n, err);
            if (rc)
                return rc;
            hd__incref(a);
            *out = a;
            return 0;
        }
        return seq_repeat(h, seq, n, out, err);
    }
    if (op != BO_ADD || !is_seq(a))
        return unsupported(h, op, a, b, inplace, err);
    if (a->type == HD_T_LIST && inplace) {
        int rc = b->type == HD_T_LIST || b->type == HD_T_TUPLE || b->type == HD_T_SET ||
                         b->type == HD_T_FROZENSET || b->type == HD_T_DICT
                     ? hd_list_extend(h, a, b)
                     : 1;
        if (rc == 1)
            return 1; /* other iterables: the VM extends */
        if (rc)
            return rc;
        hd__incref(a);
        *out = a;
        return 0;
    }
    if (a->type != b->type) {
        if (a->type == HD_T_BYTES)
            return sc_err_set(err, EXC_TYPEERROR, "can't concat %s to bytes", sc_type_name(h, b));
        return sc_err_set(err, EXC_TYPEERROR, "can only concatenate %s (not \"%s\") to %s",
                          sc_type_name(h, a), sc_type_name(h, b), sc_type_name(h, a));
    }
    if (a->type == HD_T_STR)
        return str_concat(h, a, b, out);
    if (a->type == HD_T_BYTES)
        return bytes_concat(h, a, b, out);
    return seq_concat(h, a, b, out);
}

int sc_binary(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, bool inplace, hd_obj_t **out,
              sc_err_t *err)
{
    if (is_int(a) && is_int(b)) {
        int rc = int_binary(h, op, a, b, out, err);
        if (rc != 1)
            return rc;
    } else if (is_num(a) && is_num(b)) {
        double x, y;
        sc_float_of(a, &x);
        sc_float_of(b, &y);
        if ((is_int(a) && !isfinite(x)) || (is_int(b) && !isfinite(y)))
            return sc_err_set(err, EXC_OVERFLOWERROR, "int too large to convert to float");
        int rc = float_binary(h, op, x, y, out, err);
        if (rc != 1)
            return rc;
    } else if ((is_seq(a) || is_seq(b)) && (op == BO_ADD || op == BO_MUL) &&
               !(op == BO_ADD && !is_seq(a))) {
        return sequence_binary(h, op, a, b, inplace, out, err);
    } else if ((a->type == HD_T_SET || a->type == HD_T_FROZENSET) &&
               (b->type == HD_T_SET || b->type == HD_T_FROZENSET) &&
               (op == BO_OR || op == BO_AND || op == BO_SUB || op == BO_XOR)) {
        return set_algebra(h, op, a, b, inplace, out);
    } else if (a->type == HD_T_DICT && b->type == HD_T_DICT && op == BO_OR) {
        int rc = hd__dict_copy(h, a, out);
        if (!rc && (rc = hd_dict_update(h, *out, b)))
            hd__decref(h, *out);
        return rc;
    }
    return unsupported(h, op, a, b, inplace, err);
}

int sc_num_unary(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t **out, sc_err_t *err)
{
    static const char *const sym[] = {"-", "+", "~", "not"};
    if (op == UO_NOT) {
        hd_bool(h, !sc_truthy(h, a), out);
        return 0;
    }
    if (is_int(a)) {
        int64_t v;
        if (op == UO_POS && a->type == HD_T_INT) {
            hd__incref(a);
            *out = a;
            return 0;
        }
        /* long_invert's fast path is for one-digit ints only: else
         * long_add(v, 1) allocates as x_add / x_sub do */
        int64_t isz = ((hd_int_obj_t *)a)->size;
        if (hd_int_to_i64(a, &v) == 0 && v != INT64_MIN &&
            (op != UO_INVERT || (isz >= -1 && isz <= 1)))
            return int_obj(h, op == UO_NEG ? -v : op == UO_POS ? v : ~v, out);
        if (op == UO_INVERT) /* ~x = -(x + 1) */
            return big_rc(sc_long_invert(h, a, out), err);
        sc_big_t x;
        int rc = sc_big_from_obj(h, a, &x);
        if (rc)
            return big_rc(rc, err);
        if (op == UO_NEG) /* _PyLong_Copy, negated */
            x.sign = -x.sign;
        rc = sc_big_to_obj(h, &x, out);
        sc_big_free(h, &x);
        return big_rc(rc, err);
    }
    if (a->type == HD_T_FLOAT && op != UO_INVERT) {
        double v = ((hd_float_obj_t *)a)->value;
        if (op == UO_POS) {
            hd__incref(a);
            *out = a;
            return 0;
        }
        return float_obj(h, -v, out);
    }
    return sc_err_set(err, EXC_TYPEERROR, "bad operand type for unary %s: '%s'", sym[op],
                      sc_type_name(h, a));
}

/* ---- truth ---- */

int sc_truthy(hd_heap_t *h, hd_obj_t *o)
{
    (void)h;
    switch (o->type) {
    case HD_T_NONE:
        return 0;
    case HD_T_BOOL:
    case HD_T_INT:
        return ((hd_int_obj_t *)o)->size != 0;
    case HD_T_FLOAT:
        return ((hd_float_obj_t *)o)->value != 0;
    case HD_T_STR:
    case HD_T_BYTES:
    case HD_T_TUPLE:
    case HD_T_LIST:
    case HD_T_DICT:
    case HD_T_SET:
    case HD_T_FROZENSET:
        return hd_len(o) != 0;
    case HD_T_RANGE:
        return ((hd_range_obj_t *)o)->length != 0;
    case HD_T_DICTVIEW:
        return hd_len(((hd_dictview_obj_t *)o)->dict) != 0;
    }
    return 1;
}

/* ---- comparisons ---- */

static int num_cmp(hd_heap_t *h, hd_obj_t *a, hd_obj_t *b, int *out)
{
    /* *out = -1, 0, 1, or 2 when unordered (NaN) */
    if (is_int(a) && is_int(b)) {
        int64_t x, y;
        if (hd_int_to_i64(a, &x) == 0 && hd_int_to_i64(b, &y) == 0) {
            *out = (x > y) - (x < y);
            return 0;
        }
        sc_big_t p, q;
        int rc = sc_big_from_obj(h, a, &p);
        if (rc)
            return rc;
        if ((rc = sc_big_from_obj(h, b, &q))) {
            sc_big_free(h, &p);
            return rc;
        }
        *out = sc_big_cmp(&p, &q);
        sc_big_free(h, &p);
        sc_big_free(h, &q);
        return 0;
    }
    double x, y;
    sc_float_of(a, &x);
    sc_float_of(b, &y);
    if (isnan(x) || isnan(y)) {
        *out = 2;
        return 0;
    }
    long double lx = x, ly = y;
    int64_t v;
    if (is_int(a) && hd_int_to_i64(a, &v) == 0)
        lx = (long double)v; /* exact: 64-bit mantissa */
    if (is_int(b) && hd_int_to_i64(b, &v) == 0)
        ly = (long double)v;
    *out = (lx > ly) - (lx < ly);
    return 0;
}

static const char *const cmp_sym[] = {"<", "<=", "==", "!=", ">", ">="};

static int cmp_result(int op, int c)
{
    if (c == 2) /* unordered */
        return op == CO_NE;
    switch (op) {
    case CO_LT:
        return c < 0;
    case CO_LE:
        return c <= 0;
    case CO_EQ:
        return c == 0;
    case CO_NE:
        return c != 0;
    case CO_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

static int str_cmp(hd_obj_t *a, hd_obj_t *b)
{
    int64_t na = hd_len(a), nb = hd_len(b);
    for (int64_t i = 0; i < na && i < nb; i++) {
        uint32_t x = hd__str_char(a, i), y = hd__str_char(b, i);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (na > nb) - (na < nb);
}

static int bytes_cmp(hd_obj_t *a, hd_obj_t *b)
{
    hd_bytes_obj_t *x = (hd_bytes_obj_t *)a, *y = (hd_bytes_obj_t *)b;
    int64_t n = x->size < y->size ? x->size : y->size;
    int c = memcmp(x->data, y->data, (size_t)n);
    if (c)
        return c < 0 ? -1 : 1;
    return (x->size > y->size) - (x->size < y->size);
}

static int compare_depth(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, sc_err_t *err, int depth);

/* seq_order: lists or tuples of the same type, lexicographically */
static int seq_order(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, sc_err_t *err, int depth)
{
    int64_t na, nb;
    hd_obj_t **ia = seq_items(a, &na), **ib = seq_items(b, &nb);
    int64_t i = 0;
    for (; i < na && i < nb; i++) {
        if (ia[i] == ib[i])
            continue;
        int eq = compare_depth(h, CO_EQ, ia[i], ib[i], err, depth + 1);
        if (eq < 0)
            return eq;
        ia = seq_items(a, &na);
        ib = seq_items(b, &nb);
        if (!eq)
            break;
    }
    if (i >= na || i >= nb)
        return cmp_result(op, (na > nb) - (na < nb));
    if (op == CO_EQ)
        return 0;
    if (op == CO_NE)
        return 1;
    return compare_depth(h, op, ia[i], ib[i], err, depth + 1);
}

static int set_order(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b)
{
    /* subset tests: a <= b iff every key of a is in b */
    hd_obj_t *small = op == CO_GT || op == CO_GE ? b : a, *big = small == a ? b : a;
    int64_t ns = hd_len(small), nb = hd_len(big);
    if ((op == CO_LT || op == CO_GT) && ns >= nb)
        return 0;
    if (ns > nb)
        return 0;
    int64_t pos = 0;
    hd_obj_t *k;
    bool in;
    while (hd_set_next(small, &pos, &k)) {
        if (hd_set_contains(h, big, k, &in) || !in)
            return 0;
    }
    return 1;
}

static int compare_depth(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, sc_err_t *err, int depth)
{
    if (depth > HD_EQ_MAX_DEPTH)
        return sc_err_set(err, EXC_RECURSIONERROR,
                          "maximum recursion depth exceeded in comparison");
    /* mappingproxy_richcompare: its mapping's comparison, for every op; a
     * proxy on the right is reached by the reflected op (the left operand
     * refused), so an order names the reflected op and the mapping */
    if (a->type == HD_T_DICTVIEW && a->aux == HD_DICT_PROXY)
        return compare_depth(h, op, ((hd_dictview_obj_t *)a)->dict, b, err, depth);
    if ((op == CO_EQ || op == CO_NE) && b->type == HD_T_DICTVIEW && b->aux == HD_DICT_PROXY)
        return compare_depth(h, op, a, ((hd_dictview_obj_t *)b)->dict, err, depth);
    if (op <= CO_GE && b->type == HD_T_DICTVIEW && b->aux == HD_DICT_PROXY) {
        static const int reflected[] = {
            [CO_LT] = CO_GT, [CO_LE] = CO_GE, [CO_GT] = CO_LT, [CO_GE] = CO_LE};
        return compare_depth(h, reflected[op], ((hd_dictview_obj_t *)b)->dict, a, err, depth);
    }
    if (is_num(a) && is_num(b)) {
        int c;
        int rc = num_cmp(h, a, b, &c);
        return rc ? rc : cmp_result(op, c);
    }
    bool sets = (a->type == HD_T_SET || a->type == HD_T_FROZENSET) &&
                (b->type == HD_T_SET || b->type == HD_T_FROZENSET);
    if (a->type == b->type || sets) {
        switch (sets ? HD_T_SET : a->type) {
        case HD_T_STR:
            return cmp_result(op, a == b ? 0 : str_cmp(a, b));
        case HD_T_BYTES:
            return cmp_result(op, bytes_cmp(a, b));
        case HD_T_LIST:
        case HD_T_TUPLE:
            return seq_order(h, op, a, b, err, depth);
        case HD_T_SET:
            if (op == CO_EQ || op == CO_NE) {
                int eq = hd__obj_eq_depth(h, a, b, depth);
                return eq < 0 ? eq : (op == CO_EQ) == (eq == 1);
            }
            return set_order(h, op, a, b);
        }
    }
    if (op == CO_EQ || op == CO_NE) {
        int eq = a == b ? 1 : hd__obj_eq_depth(h, a, b, depth);
        if (eq == HD_ELIMIT)
            return sc_err_set(err, EXC_RECURSIONERROR,
                              "maximum recursion depth exceeded in comparison");
        if (eq < 0)
            return eq;
        return (op == CO_EQ) == (eq == 1);
    }
    return sc_err_set(err, EXC_TYPEERROR, "'%s' not supported between instances of '%s' and '%s'",
                      cmp_sym[op], sc_type_name(h, a), sc_type_name(h, b));
}

int sc_compare_bool(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, sc_err_t *err)
{
    return compare_depth(h, op, a, b, err, 0);
}

int sc_compare(hd_heap_t *h, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out, sc_err_t *err)
{
    int r = compare_depth(h, op, a, b, err, 0);
    if (r < 0)
        return r;
    hd_bool(h, r != 0, out);
    return 0;
}

/* ---- hashing and containment ---- */

int sc_hash(hd_heap_t *h, hd_obj_t *o, int64_t *out, sc_err_t *err)
{
    int rc = hd_obj_hash(h, o, out);
    if (rc == HD_ETYPE) {
        if (o->type == HD_T_WEAKREF)
            return sc_err_set(err, EXC_TYPEERROR, "weak object has gone away");
        if (o->type == HD_T_TUPLE) { /* a tuple holding an unhashable item */
            hd_tuple_obj_t *t = (hd_tuple_obj_t *)o;
            for (int64_t i = 0; i < t->size; i++)
                if (sc_hash(h, t->items[i], out, err))
                    return SC_EXC;
        }
        return sc_err_set(err, EXC_TYPEERROR, "unhashable type: '%s'", sc_type_name(h, o));
    }
    if (rc == HD_ELIMIT)
        return sc_err_set(err, EXC_RECURSIONERROR, "maximum recursion depth exceeded");
    return rc;
}

static int str_find(hd_obj_t *hay, hd_obj_t *needle)
{
    int64_t n = hd_len(hay), m = hd_len(needle);
    for (int64_t i = 0; i + m <= n; i++) {
        int64_t k = 0;
        while (k < m && hd__str_char(hay, i + k) == hd__str_char(needle, k))
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

/* dictitems_contains: anything but a pair is not in; the pair's key is
 * looked up (an unhashable key raises) and the value found is compared
 * with the pair's (identity first, as PyObject_RichCompareBool) */
static int items_contains(hd_heap_t *h, hd_obj_t *d, hd_obj_t *item, sc_err_t *err)
{
    if (item->type != HD_T_TUPLE || hd_len(item) != 2)
        return 0;
    hd_obj_t *key = ((hd_tuple_obj_t *)item)->items[0], *value = ((hd_tuple_obj_t *)item)->items[1];
    int64_t hash;
    if (sc_hash(h, key, &hash, err))
        return SC_EXC;
    hd_obj_t *found;
    int rc = hd_dict_getitem(h, d, key, &found);
    if (rc == HD_EKEY)
        return 0;
    if (rc)
        return rc;
    if (found == value)
        return 1;
    hd__incref(found);
    rc = compare_depth(h, CO_EQ, found, value, err, 0);
    hd__decref(h, found);
    return rc;
}

/* dict_values has no sq_contains: 'in' is _PySequence_IterSearch over a
 * fresh dict_valueiterator (allocated and freed here, as python3 does),
 * comparing each value with the item, identity first */
static int values_contains(hd_heap_t *h, hd_obj_t *view, hd_obj_t *item, sc_err_t *err)
{
    hd_obj_t *it, *v;
    int rc = hd__iter_new(h, view, &it);
    if (rc)
        return rc;
    while ((rc = hd__iter_next(h, it, &v)) == 1) {
        rc = v == item ? 1 : compare_depth(h, CO_EQ, v, item, err, 0);
        hd__decref(h, v);
        if (rc)
            break;
    }
    hd__decref(h, it);
    return rc;
}

int sc_contains(hd_heap_t *h, hd_obj_t *c, hd_obj_t *item, sc_err_t *err)
{
    switch (c->type) {
    case HD_T_LIST:
    case HD_T_TUPLE: {
        int64_t n;
        for (int64_t i = 0;; i++) {
            hd_obj_t **items = seq_items(c, &n);
            if (i >= n)
                return 0;
            if (items[i] == item)
                return 1;
            int eq = compare_depth(h, CO_EQ, items[i], item, err, 0);
            if (eq)
                return eq;
        }
    }
    case HD_T_DICTVIEW:
        if (c->aux == HD_DICT_VALUES)
            return values_contains(h, c, item, err);
        if (c->aux == HD_DICT_ITEMS)
            return items_contains(h, ((hd_dictview_obj_t *)c)->dict, item, err);
        /* dict_keys: the dict's own test */
        __attribute__((fallthrough));
    case HD_T_DICT:
    case HD_T_SET:
    case HD_T_FROZENSET: {
        int64_t hash;
        bool set = c->type == HD_T_SET || c->type == HD_T_FROZENSET;
        if (set && item->type == HD_T_SET) { /* set_contains: a set key is
                                                 looked up as a frozenset copy */
            hd_obj_t *tmp;
            bool in;
            int rc = hd__set_new_type(h, HD_T_FROZENSET, 0, NULL, &tmp);
            if (rc)
                return rc;
            if (!(rc = hd__set_update(h, tmp, item)))
                rc = hd_set_contains(h, c, tmp, &in);
            hd__decref(h, tmp);
            return rc ? rc : in;
        }
        if (sc_hash(h, item, &hash, err))
            return SC_EXC;
        hd_obj_t *d = c->type == HD_T_DICTVIEW ? ((hd_dictview_obj_t *)c)->dict : c, *v;
        if (set) {
            bool in;
            int rc = hd_set_contains(h, c, item, &in);
            return rc ? rc : in;
        }
        int rc = hd_dict_getitem(h, d, item, &v);
        return rc == HD_EKEY ? 0 : rc ? rc : 1;
    }
    case HD_T_STR:
        if (item->type != HD_T_STR)
            return sc_err_set(err, EXC_TYPEERROR,
                              "'in <string>' requires string as left operand, not %s",
                              sc_type_name(h, item));
        return str_find(c, item);
    case HD_T_RANGE: {
        hd_range_obj_t *r = (hd_range_obj_t *)c;
        int64_t v;
        if (!is_int(item) || hd_int_to_i64(item, &v))
            return 0;
        if (r->step > 0 ? (v < r->start || v >= r->stop) : (v > r->start || v <= r->stop))
            return 0;
        return ((v - r->start) % r->step) == 0;
    }
    case HD_T_BYTES: {
        hd_bytes_obj_t *b = (hd_bytes_obj_t *)c;
        int64_t v;
        if (is_int(item)) {
            if (hd_int_to_i64(item, &v) || v < 0 || v > 255)
                return sc_err_set(err, EXC_VALUEERROR, "byte must be in range(0, 256)");
            return memchr(b->data, (int)v, (size_t)b->size) != NULL;
        }
        if (item->type != HD_T_BYTES)
            return sc_err_set(err, EXC_TYPEERROR, "a bytes-like object is required, not '%s'",
                              sc_type_name(h, item));
        hd_bytes_obj_t *n = (hd_bytes_obj_t *)item;
        for (int64_t i = 0; i + n->size <= b->size; i++)
            if (memcmp(b->data + i, n->data, (size_t)n->size) == 0)
                return 1;
        return 0;
    }
    }
    return sc_err_set(err, EXC_TYPEERROR, "argument of type '%s' is not iterable",
                      sc_type_name(h, c));
}

/* ---- subscripts and slices ---- */

int sc_index(hd_heap_t *h, hd_obj_t *o, const char *what, int64_t *out, sc_err_t *err)
{
    if (!is_int(o))
        return sc_err_set(err, EXC_TYPEERROR, "%s indices must be integers or slices, not %s", what,
                          sc_type_name(h, o));
    if (hd_int_to_i64(o, out))
        return sc_err_set(err, EXC_INDEXERROR, "cannot fit 'int' into an index-sized integer");
    return 0;
}

static int slice_value(hd_obj_t *o, int64_t *out, bool *none, sc_err_t *err)
{
    *none = o->type == HD_T_NONE;
    if (*none)
        return 0;
    if (!is_int(o))
        return sc_err_set(err, EXC_TYPEERROR,
                          "slice indices must be integers or None or have an __index__ method");
    if (hd_int_to_i64(o, out))
        *out = ((hd_int_obj_t *)o)->size < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
    return 0;
}

int sc_slice_indices(hd_heap_t *h, hd_obj_t *slice, int64_t len, int64_t *start, int64_t *stop,
                     int64_t *step, int64_t *count, sc_err_t *err)
{
    (void)h;
    hd_slice_obj_t *s = (hd_slice_obj_t *)slice;
    bool none;
    int64_t st = 1;
    if (slice_value(s->step, &st, &none, err))
        return SC_EXC;
    if (none)
        st = 1;
    if (st == 0)
        return sc_err_set(err, EXC_VALUEERROR, "slice step cannot be zero");
    int64_t lo, hi;
    if (slice_value(s->start, &lo, &none, err))
        return SC_EXC;
    if (none)
        lo = st < 0 ? INT64_MAX / 2 : 0;
    bool hnone;
    if (slice_value(s->stop, &hi, &hnone, err))
        return SC_EXC;
    if (hnone)
        hi = st < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
    /* PySlice_AdjustIndices */
    if (lo < 0) {
        lo += len;
        if (lo < 0)
            lo = st < 0 ? -1 : 0;
    } else if (lo >= len) {
        lo = st < 0 ? len - 1 : len;
    }
    if (hi < 0) {
        hi += len;
        if (hi < 0)
            hi = st < 0 ? -1 : 0;
    } else if (hi >= len) {
        hi = st < 0 ? len - 1 : len;
    }
    int64_t n = 0;
    if (st < 0) {
        if (hi < lo)
            n = (lo - hi - 1) / (-st) + 1;
    } else if (lo < hi) {
        n = (hi - lo - 1) / st + 1;
    }
    *start = lo, *stop = hi, *step = st, *count = n;
    return 0;
}

int sc_seq_slice(hd_heap_t *h, hd_obj_t *o, hd_obj_t *slice, hd_obj_t **out, sc_err_t *err)
{
    int64_t len = o->type == HD_T_RANGE ? ((hd_range_obj_t *)o)->length : hd_len(o);
    int64_t start, stop, step, n;
    if (sc_slice_indices(h, slice, len, &start, &stop, &step, &n, err))
        return SC_EXC;
    if (o->type == HD_T_RANGE) {
        hd_range_obj_t *r = (hd_range_obj_t *)o;
        int64_t b = r->start + start * r->step, s = r->step * step;
        return hd__range_new(h, b, b + n * s, s, out);
    }
    if ((o->type == HD_T_TUPLE || o->type == HD_T_STR || o->type == HD_T_BYTES) && step == 1 &&
        start == 0 && n == len) {
        hd__incref(o);
        *out = o;
        return 0;
    }
    if (o->type == HD_T_STR) {
        uint32_t *cps = hd_mem_malloc(h->mem, (size_t)(n + 1) * 4);
        if (!cps)
            return HD_ENOMEM;
        for (int64_t i = 0; i < n; i++)
            cps[i] = hd__str_char(o, start + i * step);
        int rc = hd__str_from_cps(h, cps, n, out);
        hd_mem_free(h->mem, cps);
        return rc;
    }
    if (o->type == HD_T_BYTES) {
        char *buf = hd_mem_malloc(h->mem, (size_t)n + 1);
        if (!buf)
            return HD_ENOMEM;
        for (int64_t i = 0; i < n; i++)
            buf[i] = ((hd_bytes_obj_t *)o)->data[start + i * step];
        int rc = hd_bytes_new(h, buf, (size_t)n, out);
        hd_mem_free(h->mem, buf);
        return rc;
    }
    int64_t total;
    hd_obj_t **items = seq_items(o, &total);
    if (o->type == HD_T_TUPLE) {
        hd_obj_t **v = hd_mem_malloc(h->mem, (size_t)(n ? n : 1) * 8);
        if (!v)
            return HD_ENOMEM;
        for (int64_t i = 0; i < n; i++)
            v[i] = items[start + i * step];
        int rc = hd_tuple_new(h, (size_t)n, v, out);
        hd_mem_free(h->mem, v);
        return rc;
    }
    hd_obj_t *l;
    int rc = sc_list_prealloc(h, n, &l);
    if (rc)
        return rc;
    hd_list_obj_t *lo = (hd_list_obj_t *)l;
    items = seq_items(o, &total);
    for (int64_t i = 0; i < n; i++)
        hd__incref(lo->items[i] = items[start + i * step]);
    lo->size = n;
    *out = l;
    return 0;
}

static int index_of(hd_heap_t *h, hd_obj_t *o, hd_obj_t *index, int64_t len, const char *what,
                    const char *range_msg, int64_t *out, sc_err_t *err)
{
    int64_t i;
    if (sc_index(h, index, what, &i, err))
        return SC_EXC;
    if (i < 0)
        i += len;
    if (i < 0 || i >= len)
        return sc_err_set(err, EXC_INDEXERROR, "%s", range_msg);
    (void)o;
    *out = i;
    return 0;
}

static int key_error(hd_heap_t *h, hd_obj_t *key, sc_err_t *err)
{
    char buf[sizeof(err->msg)];
    hd_obj_repr(h, key, buf, sizeof(buf));
    return sc_err_set(err, EXC_KEYERROR, "%s", buf);
}

int sc_const_subscript(hd_heap_t *h, hd_obj_t *o, hd_obj_t *index, hd_obj_t **out, sc_err_t *err)
{
    int64_t i;
    if (index->type == HD_T_SLICE && o->type != HD_T_DICT) {
        if (o->type == HD_T_LIST || o->type == HD_T_TUPLE || o->type == HD_T_STR ||
            o->type == HD_T_BYTES || o->type == HD_T_RANGE)
            return sc_seq_slice(h, o, index, out, err);
    }
    switch (o->type) {
    case HD_T_LIST:
    case HD_T_TUPLE: {
        bool list = o->type == HD_T_LIST;
        if (index_of(h, o, index, hd_len(o), list ? "list" : "tuple",
                     list ? "list index out of range" : "tuple index out of range", &i, err))
            return SC_EXC;
        hd_seq_getitem(o, i, out);
        hd__incref(*out);
        return 0;
    }
    case HD_T_STR:
        if (!is_int(index))
            return sc_err_set(err, EXC_TYPEERROR, "string indices must be integers, not '%s'",
                              sc_type_name(h, index));
        if (index_of(h, o, index, hd_len(o), "string", "string index out of range", &i, err))
            return SC_EXC;
        {
            uint32_t c = hd__str_char(o, i);
            return hd__str_from_cps(h, &c, 1, out);
        }
    case HD_T_BYTES:
        if (index_of(h, o, index, hd_len(o), "byte", "index out of range", &i, err))
            return SC_EXC;
        return hd__int_from_long(h, (unsigned char)((hd_bytes_obj_t *)o)->data[i], out);
    case HD_T_RANGE: {
        hd_range_obj_t *r = (hd_range_obj_t *)o;
        if (index_of(h, o, index, r->length, "range", "range object index out of range", &i, err))
            return SC_EXC;
        return hd__int_from_long(h, r->start + i * r->step, out);
    }
    case HD_T_DICT: {
        int64_t hash;
        if (sc_hash(h, index, &hash, err))
            return SC_EXC;
        int rc = hd_dict_getitem(h, o, index, out);
        if (rc == HD_EKEY)
            return key_error(h, index, err);
        if (rc)
            return rc;
        hd__incref(*out);
        return 0;
    }
    }
    return sc_err_set(err, EXC_TYPEERROR, "'%s' object is not subscriptable", sc_type_name(h, o));
}
