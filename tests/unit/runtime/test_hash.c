/*
 * test_hash.c: hash() and == (hash.c) against python3.
 *
 * Expected values are never typed in by hand: each case writes the same
 * Python literals to a program that python3 (Debian's 3.11, the oracle) runs
 * under PYTHONHASHSEED=0, and compares what it prints with what the heap
 * computes for objects built from those literals by a small parser below
 * (ints of any size, floats, inf, nan, str, bytes, tuples, lists, dicts,
 * sets, None, True, False).
 */
#define _POSIX_C_SOURCE 200809L
#include "test.h"

#include "heap_int.h"
#include "rt_oracle.h"
#include "rt_util.h"

#define MAX_VALS 256

/* ---- python3 ---- */

/* py_over_literals: runs a program that defines L (the literals, evaluated)
 * and then runs `body`, which must print `nwant` integers. Literals must
 * not contain '"' or '\\'. Returns the integers, a new malloc'd array that
 * the caller frees. */
static int64_t *py_over_literals(const char *const *lits, size_t n, const char *body, size_t nwant)
{
    rt_text_t prog = {0};
    rt_text_add(&prog, "inf = float('inf'); nan = float('nan')\nL = [\n");
    for (size_t i = 0; i < n; i++)
        rt_text_add(&prog, "  %s,\n", lits[i]);
    rt_text_add(&prog, "]\n%s\n", body);
    int64_t *want;
    CHECK_EQ(rt_py_int_list(prog.buf, &want), nwant);
    rt_text_free(&prog);
    return want;
}

/* ---- a parser for the Python literals ---- */

typedef struct parser {
    hd_heap_t *h;
    const char *p;
} parser_t;

static hd_obj_t *parse(parser_t *ps);

static void skip_ws(parser_t *ps)
{
    while (*ps->p == ' ')
        ps->p++;
}

/* parse_int: a decimal int of any size, into 30-bit digits. */
static hd_obj_t *parse_int(parser_t *ps, int sign)
{
    uint32_t digits[64] = {0};
    size_t n = 1;
    while (*ps->p >= '0' && *ps->p <= '9') {
        uint64_t carry = (uint64_t)(*ps->p++ - '0');
        for (size_t i = 0; i < n; i++) {
            uint64_t x = (uint64_t)digits[i] * 10 + carry;
            digits[i] = (uint32_t)(x & HD_INT_MASK);
            carry = x >> HD_INT_SHIFT;
        }
        if (carry) {
            CHECK(n < 64);
            digits[n++] = (uint32_t)carry;
        }
    }
    hd_obj_t *o;
    CHECK_OK(hd_int_from_digits(ps->h, sign, digits, n, &o));
    return o;
}

static hd_obj_t *parse_number(parser_t *ps)
{
    const char *start = ps->p;
    int sign = 1;
    if (*ps->p == '-') {
        sign = -1;
        ps->p++;
    }
    const char *q = ps->p;
    while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'n' || *q == 'i' ||
           *q == 'f' || *q == 'a' || ((*q == '-' || *q == '+') && q[-1] == 'e'))
        q++;
    bool is_float = false;
    for (const char *r = ps->p; r < q; r++)
        is_float |= *r == '.' || *r == 'e' || *r == 'n' || *r == 'i';
    if (!is_float)
        return parse_int(ps, sign);
    char buf[64];
    CHECK((size_t)(q - start) < sizeof(buf));
    memcpy(buf, start, (size_t)(q - start));
    buf[q - start] = '\0';
    ps->p = q;
    hd_obj_t *o;
    CHECK_OK(hd_float_new(ps->h, strtod(buf, NULL), &o));
    return o;
}

/* parse_items: values up to `close`; *trailing_comma tells (x,) from (x). */
static size_t parse_items(parser_t *ps, char close, hd_obj_t **items, hd_obj_t **values,
                          bool *trailing_comma)
{
    size_t n = 0;
    *trailing_comma = false;
    for (;;) {
        skip_ws(ps);
        if (*ps->p == close) {
            ps->p++;
            return n;
        }
        CHECK(n < MAX_VALS);
        items[n] = parse(ps);
        skip_ws(ps);
        if (values && *ps->p == ':') {
            ps->p++;
            skip_ws(ps);
            values[n] = parse(ps);
            skip_ws(ps);
        }
        n++;
        *trailing_comma = *ps->p == ',';
        if (*ps->p == ',')
            ps->p++;
    }
}

static hd_obj_t *parse_container(parser_t *ps, char open)
{
    hd_obj_t *items[MAX_VALS], *values[MAX_VALS] = {NULL}, *o;
    bool comma;
    ps->p++;
    size_t n = parse_items(ps,
                           open == '('   ? ')'
                           : open == '[' ? ']'
                                         : '}',
                           items, open == '{' ? values : NULL, &comma);
    if (open == '(')
        CHECK_OK(hd_tuple_new(ps->h, n, items, &o));
    else if (open == '[')
        CHECK_OK(hd_list_new(ps->h, n, items, &o));
    else if (n == 0 || values[0])
        CHECK_OK(hd_dict_new(ps->h, n, items, values, &o));
    else
        CHECK_OK(hd_set_new(ps->h, n, items, &o));
    for (size_t i = 0; i < n; i++) {
        hd_obj_decref(ps->h, items[i]);
        if (values[i])
            hd_obj_decref(ps->h, values[i]);
    }
    return o;
}

static hd_obj_t *parse_quoted(parser_t *ps, bool bytes)
{
    const char *s = ++ps->p;
    while (*ps->p != '\'')
        ps->p++;
    size_t len = (size_t)(ps->p++ - s);
    hd_obj_t *o;
    CHECK_OK(bytes ? hd_bytes_new(ps->h, s, len, &o) : hd_str_new(ps->h, s, len, &o));
    return o;
}

static hd_obj_t *parse(parser_t *ps)
{
    hd_obj_t *o;
    skip_ws(ps);
    char c = *ps->p;
    if (c == '(' || c == '[' || c == '{')
        return parse_container(ps, c);
    if (c == '\'')
        return parse_quoted(ps, false);
    if (c == 'b' && ps->p[1] == '\'') {
        ps->p++;
        return parse_quoted(ps, true);
    }
    if (strncmp(ps->p, "None", 4) == 0) {
        ps->p += 4;
        hd_none(ps->h, &o);
        return o;
    }
    if (strncmp(ps->p, "True", 4) == 0 || strncmp(ps->p, "False", 5) == 0) {
        hd_bool(ps->h, c == 'T', &o);
        ps->p += c == 'T' ? 4 : 5;
        return o;
    }
    return parse_number(ps);
}

static hd_obj_t *lit(hd_heap_t *h, const char *text)
{
    parser_t ps = {h, text};
    hd_obj_t *o = parse(&ps);
    skip_ws(&ps);
    CHECK(*ps.p == '\0');
    return o;
}

/* ---- heaps ---- */

static hd_mem_t test_mem;

/* ---- cases ---- */

static const char *const hashable[] = {
    "0",
    "1",
    "-1",
    "-2",
    "2",
    "255",
    "256",
    "257",
    "-5",
    "-6",
    "1073741823",
    "1073741824",
    "2147483648",
    "1152921504606846976",
    "2305843009213693950",
    "2305843009213693951",
    "2305843009213693952",
    "-2305843009213693951",
    "-2305843009213693952",
    "4611686018427387904",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1267650600228229401496703205369",
    "-170141183460469231731687303715884105728",
    "1606938044258990275541962092341162602522202993782792835313721",
    "-2037035976334486086268445688409378161051468393665936250636140449354381299763336706183397376",
    "True",
    "False",
    "0.0",
    "-0.0",
    "1.0",
    "-1.0",
    "1.5",
    "-2.5",
    "0.1",
    "1e16",
    "1e22",
    "1e300",
    "-1e300",
    "5e-324",
    "2.2250738585072014e-308",
    "123456789.123",
    "9007199254740993.0",
    "3.141592653589793",
    "4503599627370496.5",
    "2305843009213693951.0",
    "1e-05",
    "1.7976931348623157e+308",
    "inf",
    "-inf",
    "''",
    "'a'",
    "'abc'",
    "'hello'",
    "'12345678'",
    "'123456789abcdefg'",
    "'hello world, this is longer than sixteen'",
    "'é'",
    "'café'",
    "'€'",
    "'h€llo'",
    "'😀'",
    "'a😀b'",
    "'ÿ'",
    "'Ā'",
    "'ab€😀'",
    "b''",
    "b'a'",
    "b'abc'",
    "b'12345678'",
    "b'hello world'",
    "()",
    "(1,)",
    "(1, 2, 3)",
    "('a', 1.5, b'x')",
    "((1, 2), (3,))",
    "((), ((),))",
    "(True, False)",
    "(-1,)",
    "(-2,)",
    "(1267650600228229401496703205369, 'x')",
    "(1.0, 1, True)",
    "('a', ('b', ('c', ())))",
};

TEST(hash_values_match_python)
{
    size_t n = sizeof(hashable) / sizeof(hashable[0]);
    int64_t *want = py_over_literals(hashable, n, "for v in L: print(hash(v))", n);
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    for (size_t i = 0; i < n; i++) {
        hd_obj_t *o = lit(h, hashable[i]);
        int64_t got;
        CHECK_OK(hd_obj_hash(h, o, &got));
        if (got != want[i])
            fprintf(stderr, "hash(%s): %lld, python %lld\n", hashable[i], (long long)got,
                    (long long)want[i]);
        CHECK_EQ(got, want[i]);
        hd_obj_decref(h, o);
    }
    free(want);
    rt_heap_done(h);
}

static const char *const unhashable[] = {
    "[]", "[1]", "{}", "{1: 2}", "{1, 2}", "([],)", "(1, (2, [3]))", "(1, {})",
};

TEST(unhashable_match_python)
{
    size_t n = sizeof(unhashable) / sizeof(unhashable[0]);
    int64_t *want = py_over_literals(unhashable, n,
                                     "for v in L:\n"
                                     "    try:\n"
                                     "        hash(v); print(0)\n"
                                     "    except TypeError:\n"
                                     "        print(1)",
                                     n);
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    for (size_t i = 0; i < n; i++) {
        hd_obj_t *o = lit(h, unhashable[i]);
        int64_t got;
        CHECK_EQ(hd_obj_hash(h, o, &got) == HD_ETYPE, want[i]);
        hd_obj_decref(h, o);
    }
    free(want);
    rt_heap_done(h);
}

/* pairs a == b, one literal each */
static const char *const pairs[][2] = {
    {"1", "1.0"},
    {"True", "1"},
    {"True", "1.0"},
    {"False", "0.0"},
    {"False", "-0.0"},
    {"0", "-0.0"},
    {"9007199254740992", "9007199254740992.0"},
    {"9007199254740993", "9007199254740993.0"},
    {"9007199254740993", "9007199254740992.0"},
    {"1606938044258990275541962092341162602522202993782792835313721", "1.6069380442589903e+60"},
    {"1606938044258990275541962092341162602522202993782792835313664", "1.6069380442589903e+60"},
    {"-1267650600228229401496703205376", "-1.2676506002282294e+30"},
    {"1267650600228229401496703205376", "-1.2676506002282294e+30"},
    {"0.5", "0"},
    {"1", "2"},
    {"-1", "1"},
    {"inf", "inf"},
    {"inf", "179769313486231570000000000000"},
    {"'a'", "'a'"},
    {"'a'", "b'a'"},
    {"'é'", "'é'"},
    {"'é'", "'e'"},
    {"'€'", "'€'"},
    {"b'ab'", "b'ab'"},
    {"b'ab'", "b'abc'"},
    {"(1, 2)", "(1, 2.0)"},
    {"(1, 2)", "(1, 2, 3)"},
    {"()", "()"},
    {"[1, 2]", "[1, 2]"},
    {"[1, 2]", "[1, 3]"},
    {"[1]", "(1,)"},
    {"[]", "[]"},
    {"{1: 2}", "{1: 2.0}"},
    {"{'a': 1}", "{'a': 2}"},
    {"{'a': 1}", "{'b': 1}"},
    {"{'a': 1, 1: 'a'}", "{1: 'a', 'a': 1}"},
    {"{1, 2}", "{2, 1}"},
    {"{1, 2}", "{1, 3}"},
    {"{1, 2}", "{1.0, 2.0}"},
    {"{(1, 'x'), 2}", "{2, (1, 'x')}"},
    {"None", "None"},
    {"None", "0"},
    {"[[1, [2, (3,)]], {'k': [4]}]", "[[1, [2, (3.0,)]], {'k': [4]}]"},
    {"[[1, [2, (3,)]], {'k': [4]}]", "[[1, [2, (3.5,)]], {'k': [4]}]"},
    {"nan", "nan"},
};

TEST(equality_matches_python)
{
    size_t n = sizeof(pairs) / sizeof(pairs[0]);
    const char *flat[2 * 64];
    CHECK(n <= 64);
    for (size_t i = 0; i < n; i++) {
        flat[2 * i] = pairs[i][0];
        flat[2 * i + 1] = pairs[i][1];
    }
    int64_t *want = py_over_literals(
        flat, 2 * n, "for i in range(0, len(L), 2): print(int(L[i] == L[i + 1]))", n);
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    for (size_t i = 0; i < n; i++) {
        hd_obj_t *a = lit(h, pairs[i][0]), *b = lit(h, pairs[i][1]);
        if (hd_obj_equal(h, a, b) != (want[i] != 0))
            fprintf(stderr, "%s == %s: python says %lld\n", pairs[i][0], pairs[i][1],
                    (long long)want[i]);
        CHECK_EQ(hd_obj_equal(h, a, b), want[i]);
        CHECK_EQ(hd_obj_equal(h, b, a), want[i]);
        hd_obj_decref(h, a);
        hd_obj_decref(h, b);
    }
    free(want);
    rt_heap_done(h);
}

TEST(nan_identity)
{
    /* x == x is False for a nan, but containers compare identity first */
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    hd_obj_t *nan = lit(h, "nan"), *l1, *l2;
    CHECK(!hd_obj_equal(h, nan, nan));
    CHECK_EQ(hd__obj_eq(h, nan, nan), 1);
    CHECK_OK(hd_list_new(h, 1, &nan, &l1));
    CHECK_OK(hd_list_new(h, 1, &nan, &l2));
    CHECK(hd_obj_equal(h, l1, l2));
    int64_t x;
    CHECK_OK(hd_obj_hash(h, nan, &x));
    CHECK_EQ(x, hd__hash_pointer(hd_obj_addr(h, nan)));
    hd_obj_decref(h, l1);
    hd_obj_decref(h, l2);
    hd_obj_decref(h, nan);
    rt_heap_done(h);
}

TEST(pointer_hash_rule)
{
    /* python3 checks the rule on its own objects (None, object(), a class,
     * an instance, nan); the heap applies it to simulated addresses */
    int64_t *ok;
    CHECK_EQ(rt_py_int_list("M = (1 << 64) - 1\n"
                            "def rot(a): return ((a >> 4) | (a << 60)) & M\n"
                            "def signed(x): return x - (1 << 64) if x >= 1 << 63 else x\n"
                            "class C: pass\n"
                            "for o in (None, object(), C, C(), float('nan')):\n"
                            "    print(int(hash(o) == signed(rot(id(o)))))\n",
                            &ok),
             5);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(ok[i], 1);
    free(ok);
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    hd_obj_t *objs[4], *cls;
    hd_none(h, &objs[0]);
    CHECK_OK(hd_object_new(h, &objs[1]));
    CHECK_OK(hd_class_new(h, "C", NULL, &cls));
    objs[2] = cls;
    CHECK_OK(hd_instance_new(h, cls, false, &objs[3]));
    for (int i = 0; i < 4; i++) {
        int64_t x;
        uint64_t a = hd_obj_addr(h, objs[i]);
        CHECK_OK(hd_obj_hash(h, objs[i], &x));
        CHECK_EQ((uint64_t)x, (a >> 4) | (a << 60));
    }
    for (int i = 3; i >= 0; i--)
        hd_obj_decref(h, objs[i]);
    rt_heap_done(h);
}

TEST(weakref_hash)
{
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    hd_obj_t *cls, *inst, *wr, *wr2;
    int64_t a, b;
    CHECK_OK(hd_class_new(h, "C", NULL, &cls));
    CHECK_OK(hd_instance_new(h, cls, false, &inst));
    CHECK_OK(hd_weakref_new(h, inst, NULL, true, &wr));
    CHECK_OK(hd_weakref_new(h, inst, NULL, true, &wr2));
    CHECK_OK(hd_obj_hash(h, wr, &a));
    CHECK_OK(hd_obj_hash(h, inst, &b));
    CHECK_EQ(a, b);
    CHECK(hd_obj_equal(h, wr, wr2)); /* both alive: the referents compare */
    hd_obj_decref(h, inst);
    CHECK_OK(hd_obj_hash(h, wr, &b)); /* cached */
    CHECK_EQ(a, b);
    CHECK_EQ(hd_obj_hash(h, wr2, &b), HD_ETYPE); /* dead, never hashed */
    CHECK(!hd_obj_equal(h, wr, wr2));            /* dead: identity */
    CHECK(hd_obj_equal(h, wr, wr));
    hd_obj_decref(h, wr);
    hd_obj_decref(h, wr2);
    hd_obj_decref(h, cls);
    rt_heap_done(h);
}

TEST(str_and_bytes_cache_their_hash)
{
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    hd_obj_t *s = lit(h, "'cached str'"), *b = lit(h, "b'cached bytes'");
    int64_t x;
    CHECK_EQ(((hd_str_obj_t *)s)->hash, -1);
    CHECK_OK(hd_obj_hash(h, s, &x));
    CHECK_EQ(((hd_str_obj_t *)s)->hash, x);
    CHECK_EQ(((hd_bytes_obj_t *)b)->hash, -1);
    CHECK_OK(hd_obj_hash(h, b, &x));
    CHECK_EQ(((hd_bytes_obj_t *)b)->hash, x);
    CHECK_EQ(hd__hash_bytes("", 0), 0);
    hd_obj_decref(h, s);
    hd_obj_decref(h, b);
    rt_heap_done(h);
}

/* nest: a chain of 1-tuples (or 1-lists) `depth` deep around a 0. */
static hd_obj_t *nest(hd_heap_t *h, int depth, bool list)
{
    hd_obj_t *o;
    CHECK_OK(hd_int_from_i64(h, 0, &o));
    for (int i = 0; i < depth; i++) {
        hd_obj_t *outer;
        CHECK_OK(list ? hd_list_new(h, 1, &o, &outer) : hd_tuple_new(h, 1, &o, &outer));
        hd_obj_decref(h, o);
        o = outer;
    }
    return o;
}

TEST(deep_nesting_is_bounded)
{
    hd_heap_t *h = rt_heap_new(&test_mem, true);
    hd_obj_t *deep = nest(h, HD_HASH_MAX_DEPTH + 10, false), *ok = nest(h, 500, false);
    int64_t x;
    CHECK_EQ(hd_obj_hash(h, deep, &x), HD_ELIMIT);
    CHECK_OK(hd_obj_hash(h, ok, &x));
    hd_obj_t *l1 = nest(h, HD_EQ_MAX_DEPTH + 10, true), *l2 = nest(h, HD_EQ_MAX_DEPTH + 10, true);
    CHECK_EQ(hd__obj_eq(h, l1, l2), HD_ELIMIT);
    CHECK(!hd_obj_equal(h, l1, l2));
    hd_obj_t *s1 = nest(h, 100, true), *s2 = nest(h, 100, true);
    CHECK_EQ(hd__obj_eq(h, s1, s2), 1);
    hd_obj_t *all[] = {deep, ok, l1, l2, s1, s2};
    for (int i = 0; i < 6; i++)
        hd_obj_decref(h, all[i]);
    rt_heap_done(h);
}
