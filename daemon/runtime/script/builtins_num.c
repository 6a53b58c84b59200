/*
 * builtins_num.c: the numeric builtins of the heap script language that
 * need more than a line -- round() (float and int, any ndigits, as 3.11's
 * float_round / long_round), divmod() and pow() (with a modulus, as
 * long_pow) -- with CPython 3.11's results, objects and messages. The rest
 * of the builtins are in builtins.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "bigint.h"
#include "impl.h"
#include "longops.h"
#include "vm.h"

#define ARGS SC_ARGS

/* big_fail: a bigint.c failure as a raised exception */
static int big_fail(sc_vm_t *vm, int rc)
{
    if (rc == SC_BIG_TOO_LARGE)
        return sc_raise(vm, EXC_MEMORYERROR, "int too large for the heap script language");
    return sc_nomem(vm, rc);
}

/* int_from_double: PyLong_FromDouble of an integral, finite double (the
 * digits of a big one are exactly its normalized ones) */
int sc_int_from_double(sc_vm_t *vm, double r, hd_obj_t **out)
{
    if (fabs(r) < 9223372036854775808.0)
        return sc_int_new(vm, (int64_t)r, out);
    int expo;
    double frac = frexp(r, &expo); /* r = frac * 2**expo, 2**63 <= |r| */
    sc_big_t m, v;
    int rc = sc_big_from_i64(vm->h, (int64_t)ldexp(frac, 53), &m);
    if (rc)
        return big_fail(vm, rc);
    rc = sc_big_shift(vm->h, &m, expo - 53, &v);
    sc_big_free(vm->h, &m);
    if (!rc) {
        rc = sc_big_to_obj(vm->h, &v, out);
        sc_big_free(vm->h, &v);
    }
    return rc ? big_fail(vm, rc) : 0;
}

/* float_round_digits: float.__round__(x, ndigits) for a finite x, as
 * 3.11's double_round: x's exact decimal expansion rounded half-even at
 * 10**-ndigits, then read back (correctly rounded); OverflowError when that
 * is past the largest float */
static int float_round_digits(sc_vm_t *vm, double x, int64_t ndigits, hd_obj_t **out)
{
    enum { NDIGITS_MAX = 323, NDIGITS_MIN = -308, FRAC = 1100 };
    double r;
    if (ndigits > NDIGITS_MAX)
        r = x;
    else if (ndigits < NDIGITS_MIN)
        r = 0.0 * x;
    else {
        /* every double's expansion ends within 1074 decimals */
        char exact[310 + 2 + FRAC], digits[310 + FRAC + 2], num[310 + FRAC + 40];
        snprintf(exact, sizeof(exact), "%.*f", (int)FRAC, fabs(x));
        char *dot = strchr(exact, '.');
        int64_t p = dot - exact, nd = 0;
        memcpy(digits, exact, (size_t)p);
        memcpy(digits + p, dot + 1, FRAC);
        nd = p + FRAC;
        int64_t keep = p + ndigits; /* digits kept: 10**-ndigits is the last */
        bool up = false;
        if (keep >= 0) {
            int first = digits[keep] - '0';
            bool rest = false;
            for (int64_t i = keep + 1; i < nd && !rest; i++)
                rest = digits[i] != '0';
            int last = keep ? digits[keep - 1] - '0' : 0;
            up = first > 5 || (first == 5 && (rest || last % 2));
        }
        if (keep <= 0) {
            digits[0] = up ? '1' : '0';
            keep = 1;
            up = false;
        } else {
            for (int64_t i = keep - 1; up && i >= 0; i--) {
                up = digits[i] == '9';
                digits[i] = up ? '0' : (char)(digits[i] + 1);
            }
        }
        digits[keep] = '\0';
        snprintf(num, sizeof(num), "%s%s%se%lld", signbit(x) ? "-" : "", up ? "1" : "", digits,
                 (long long)-ndigits);
        errno = 0;
        r = strtod(num, NULL);
        if (errno == ERANGE && fabs(r) >= 1.)
            return sc_raise(vm, EXC_OVERFLOWERROR, "rounded value too large to represent");
    }
    int rc = hd_float_new(vm->h, r, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* int_round_digits: int.__round__(x, ndigits < 0) as 3.11's long_round:
 * x - r where r is the remainder of _PyLong_DivmodNear(x, 10**-ndigits)
 * (half to even), in long_sub's block */
static int int_round_digits(sc_vm_t *vm, hd_obj_t *x, int64_t ndigits, hd_obj_t **out)
{
    hd_heap_t *h = vm->h;
    sc_big_t a, ten, b, q, r, r2;
    int rc = sc_big_from_obj(h, x, &a);
    if (rc)
        return big_fail(vm, rc);
    /* past a's own digits the result is 0 (10**k > 2|a|) */
    uint64_t k = 0 - (uint64_t)ndigits;
    if (k > a.n * 10 + 1) {
        sc_big_free(h, &a);
        return sc_int_new(vm, 0, out);
    }
    rc = sc_big_from_i64(h, 10, &ten);
    if (rc) {
        sc_big_free(h, &a);
        return big_fail(vm, rc);
    }
    rc = sc_big_pow(h, &ten, k, &b);
    sc_big_free(h, &ten);
    if (rc) {
        sc_big_free(h, &a);
        return big_fail(vm, rc);
    }
    rc = sc_big_divmod(h, &a, &b, &q, &r);
    if (!rc) {
        /* b > 0, so 0 <= r < b: round up (r - b) when 2r > b, or 2r == b
         * and q odd */
        sc_big_t t, *rr = &r;
        bool have_t = false;
        rc = sc_big_add(h, &r, &r, 1, &r2);
        if (!rc) {
            int c = sc_big_cmp(&r2, &b);
            sc_big_free(h, &r2);
            if (c > 0 || (c == 0 && q.n && (q.d[0] & 1))) {
                rc = sc_big_add(h, &r, &b, -1, &t);
                have_t = !rc;
                rr = &t;
            }
        }
        /* long_sub(x, rem): the remainder is an object, as in CPython */
        hd_obj_t *rem = NULL;
        if (!rc && !(rc = sc_big_to_obj(h, rr, &rem))) {
            rc = sc_long_add(h, x, rem, -1, out);
            hd__decref(h, rem);
        }
        if (have_t)
            sc_big_free(h, &t);
        sc_big_free(h, &q);
        sc_big_free(h, &r);
    }
    sc_big_free(h, &a);
    sc_big_free(h, &b);
    return rc ? big_fail(vm, rc) : 0;
}

int bi_round(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    static const char *const allowed[] = {"number", "ndigits", NULL};
    (void)self;
    if (sc_check_kwargs(vm, "round", kwnames, allowed))
        return -1;
    int npos = sc_npos_of(nargs, kwnames);
    if (npos < 1 || npos > 2)
        return sc_arg_count(vm, "round", npos, 1, 2);
    hd_obj_t *x = args[0], *nd = npos == 2 ? args[1] : NULL;
    if (nd == vm->h->none)
        nd = NULL;
    if (x->type != HD_T_INT && x->type != HD_T_BOOL && x->type != HD_T_FLOAT)
        return sc_raise(vm, EXC_TYPEERROR, "type %s doesn't define __round__ method",
                        sc_tname(vm, x));
    /* ndigits as PyNumber_AsSsize_t(o, NULL): an index, clamped */
    int64_t n = 0;
    if (nd) {
        if (nd->type != HD_T_INT && nd->type != HD_T_BOOL)
            return sc_raise(vm, EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                            sc_tname(vm, nd));
        if (hd_int_to_i64(nd, &n))
            n = ((hd_int_obj_t *)nd)->size < 0 ? INT64_MIN : INT64_MAX;
    }
    if (x->type != HD_T_FLOAT) {
        /* long_round: int(x) unless ndigits < 0 */
        if (!nd || n >= 0)
            return x->type == HD_T_BOOL ? sc_int_new(vm, ((hd_int_obj_t *)x)->size != 0, out)
                                        : (hd__incref(x), *out = x, 0);
        return int_round_digits(vm, x, n, out);
    }
    double v = ((hd_float_obj_t *)x)->value;
    if (!nd) {
        if (isnan(v))
            return sc_raise(vm, EXC_VALUEERROR, "cannot convert float NaN to integer");
        if (isinf(v))
            return sc_raise(vm, EXC_OVERFLOWERROR, "cannot convert float infinity to integer");
        return sc_int_from_double(vm, nearbyint(v), out); /* round half to even */
    }
    if (!isfinite(v)) { /* nans and infinities round to themselves */
        int rc = hd_float_new(vm->h, v, out);
        return rc ? sc_nomem(vm, rc) : 0;
    }
    return float_round_digits(vm, v, n, out);
}

int bi_divmod(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "divmod", kwnames) || sc_arg_count(vm, "divmod", nargs, 2, 2))
        return -1;
    hd_obj_t *q, *r;
    if ((args[0]->type == HD_T_INT || args[0]->type == HD_T_BOOL) &&
        (args[1]->type == HD_T_INT || args[1]->type == HD_T_BOOL)) {
        sc_err_t err;
        int rc = sc_int_divmod(vm->h, args[0], args[1], &q, &r, &err);
        if (rc)
            return sc_raise_rc(vm, rc, &err);
    } else if (sc_binary_op(vm, BO_FLOORDIV, false, args[0], args[1], &q)) {
        if (vm->exc == EXC_ZERODIVISIONERROR && args[0]->type != HD_T_FLOAT &&
            args[1]->type != HD_T_FLOAT) {
            sc_clear_exc(vm);
            return sc_raise(vm, EXC_ZERODIVISIONERROR, "integer division or modulo by zero");
        }
        if (vm->exc == EXC_TYPEERROR) {
            sc_clear_exc(vm);
            return sc_raise(vm, EXC_TYPEERROR,
                            "unsupported operand type(s) for divmod(): '%s' and '%s'",
                            sc_tname(vm, args[0]), sc_tname(vm, args[1]));
        }
        return -1;
    } else if (sc_binary_op(vm, BO_MOD, false, args[0], args[1], &r)) {
        hd__decref(vm->h, q);
        return -1;
    }
    hd_obj_t *pair[2] = {q, r};
    int rc = hd_tuple_new(vm->h, 2, pair, out);
    hd__decref(vm->h, q);
    hd__decref(vm->h, r);
    return rc ? sc_nomem(vm, rc) : 0;
}

int bi_pow(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "pow", kwnames) || sc_arg_count(vm, "pow", nargs, 2, 3))
        return -1;
    if (nargs == 3 && args[2] != vm->h->none) {
        for (int i = 0; i < 3; i++)
            if (args[i]->type != HD_T_INT && args[i]->type != HD_T_BOOL)
                return sc_raise(vm, EXC_TYPEERROR,
                                "pow() 3rd argument not allowed unless all arguments are integers");
        if (((hd_int_obj_t *)args[2])->size == 0)
            return sc_raise(vm, EXC_VALUEERROR, "pow() 3rd argument cannot be 0");
        int rc = sc_long_pow(vm->h, args[0], args[1], args[2], out);
        if (rc == SC_LONG_NOT_INVERTIBLE)
            return sc_raise(vm, EXC_VALUEERROR, "base is not invertible for the given modulus");
        return rc ? big_fail(vm, rc) : 0;
    }
    return sc_binary_op(vm, BO_POW, false, args[0], args[1], out);
}
