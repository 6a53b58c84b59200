/*
 * test_dict.c: dict.c against python3 (Debian's 3.11, the oracle).
 *
 * Expected values are never typed in by hand. A scenario is a list of dict
 * operations; the test writes them as a Python program (run with
 * PYTHONHASHSEED=0 and the GC disabled) that prints sys.getsizeof(d) after
 * every operation and the final iteration order, performs the same
 * operations on a heap, and compares. Keys are 'k<n>' strs and ints; the
 * order is printed as n for 'k<n>' and 10**9 + n for the int n.
 *
 * Other cases compare BUILD_MAP literals, copies and merges, PyDict_Keys,
 * GC tracking, traverse order and repr with python3, and check the free
 * lists, re-entrant finalizers, refcounts (hd_heap_validate) and failure
 * atomicity (fault injection and caps).
 */
#define _POSIX_C_SOURCE 200809L
#include "test.h"

#include "heap_int.h"
#include "rt_oracle.h"
#include "rt_util.h"

#define INT_TAG 1000000000LL

/* ---- heaps and objects ---- */

static hd_mem_t test_mem;

/* A key: 'k<n>' when str, else the int n. */
typedef struct key {
    bool str;
    int64_t n;
} dkey_t;

static dkey_t S(int64_t n)
{
    return (dkey_t){true, n};
}

static dkey_t I(int64_t n)
{
    return (dkey_t){false, n};
}

static hd_obj_t *mk_int(hd_heap_t *h, int64_t v)
{
    hd_obj_t *o;
    CHECK_OK(hd_int_from_i64(h, v, &o));
    return o;
}

static hd_obj_t *mk_str(hd_heap_t *h, const char *s)
{
    hd_obj_t *o;
    CHECK_OK(hd_str_new(h, s, strlen(s), &o));
    return o;
}

static hd_obj_t *mk_key(hd_heap_t *h, dkey_t k)
{
    if (!k.str)
        return mk_int(h, k.n);
    char buf[32];
    snprintf(buf, sizeof(buf), "k%lld", (long long)k.n);
    return mk_str(h, buf);
}

static void py_key(rt_text_t *t, dkey_t k)
{
    rt_text_add(t, k.str ? "'k%lld'" : "%lld", (long long)k.n);
}

/* key_code: the number the order lines print for a key object. */
static int64_t key_code(const hd_obj_t *o)
{
    int64_t v;
    if (o->type == HD_T_STR) {
        char buf[32];
        hd_str_utf8(o, buf, sizeof(buf));
        return strtoll(buf + 1, NULL, 10);
    }
    CHECK_OK(hd_int_to_i64(o, &v));
    return INT_TAG + v;
}

static const char PY_PRELUDE[] = "import sys, gc\n"
                                 "gc.disable()\n"
                                 "def K(k): return int(k[1:]) if isinstance(k, str) else "
                                 "1000000000 + k\n"
                                 "def S(): print(sys.getsizeof(d))\n"
                                 "def O(): print(*[K(k) for k in d])\n";

/* ---- scenarios: the same operations on python3 and on a heap ---- */

typedef struct scen {
    rt_text_t py;
    hd_heap_t *h;
    hd_obj_t *d;
    hd_obj_t *zero;  /* the value stored */
    rt_ints_t sizes; /* sys.getsizeof(d) after each operation */
} scen_t;

static void scen_init(scen_t *s)
{
    memset(s, 0, sizeof(*s));
    s->h = rt_heap_new(&test_mem, false);
    CHECK_OK(hd_dict_new(s->h, 0, NULL, NULL, &s->d));
    s->zero = mk_int(s->h, 0);
    rt_text_add(&s->py, "%sd = {}\nS()\n", PY_PRELUDE);
    rt_ints_push(&s->sizes, (int64_t)hd_obj_sizeof(s->h, s->d));
}

static void scen_size(scen_t *s)
{
    rt_ints_push(&s->sizes, (int64_t)hd_obj_sizeof(s->h, s->d));
    rt_text_add(&s->py, "S()\n");
}

/* op: 's' d[k] = 0, 'd' del d[k], 'p' d.pop(k), 'D' d.setdefault(k, 0),
 * 'c' d.clear() (k ignored). */
static void op(scen_t *s, char what, dkey_t k)
{
    hd_obj_t *key = what == 'c' ? NULL : mk_key(s->h, k), *out;
    switch (what) {
    case 's':
        CHECK_OK(hd_dict_setitem(s->h, s->d, key, s->zero));
        rt_text_add(&s->py, "d[");
        py_key(&s->py, k);
        rt_text_add(&s->py, "] = 0\n");
        break;
    case 'd':
        CHECK_OK(hd_dict_delitem(s->h, s->d, key));
        rt_text_add(&s->py, "del d[");
        py_key(&s->py, k);
        rt_text_add(&s->py, "]\n");
        break;
    case 'p':
        CHECK_OK(hd_dict_pop(s->h, s->d, key, &out));
        hd_obj_decref(s->h, out);
        rt_text_add(&s->py, "d.pop(");
        py_key(&s->py, k);
        rt_text_add(&s->py, ")\n");
        break;
    case 'D':
        CHECK_OK(hd_dict_setdefault(s->h, s->d, key, s->zero, &out));
        rt_text_add(&s->py, "d.setdefault(");
        py_key(&s->py, k);
        rt_text_add(&s->py, ", 0)\n");
        break;
    default:
        CHECK_OK(hd_dict_clear(s->h, s->d));
        rt_text_add(&s->py, "d.clear()\n");
    }
    if (key)
        hd_obj_decref(s->h, key);
    scen_size(s);
}

/* scen_finish: runs python3, compares sizes and the final order, frees. */
static void scen_finish(scen_t *s)
{
    rt_text_add(&s->py, "O()\n");
    int64_t *want;
    size_t n = rt_py_int_list(s->py.buf, &want);
    CHECK(n >= s->sizes.n);
    for (size_t i = 0; i < s->sizes.n; i++) {
        if (s->sizes.v[i] != want[i])
            fprintf(stderr, "size after operation %zu: %lld, python %lld\n", i,
                    (long long)s->sizes.v[i], (long long)want[i]);
        CHECK_EQ(s->sizes.v[i], want[i]);
    }
    int64_t pos = 0;
    size_t j = s->sizes.n;
    hd_obj_t *key;
    while (hd_dict_next(s->d, &pos, &key, NULL)) {
        CHECK(j < n);
        CHECK_EQ(key_code(key), want[j]);
        j++;
    }
    CHECK_EQ(j, n);
    CHECK_EQ(hd_len(s->d), (int64_t)(n - s->sizes.n));
    rt_validate(s->h);
    free(want);
    free(s->py.buf);
    rt_ints_free(&s->sizes);
    hd_obj_decref(s->h, s->d);
    hd_obj_decref(s->h, s->zero);
    rt_heap_done(s->h);
}

TEST(str_keys_grow_like_python)
{
    scen_t s;
    scen_init(&s);
    for (int i = 0; i < 100; i++)
        op(&s, 's', S(i));
    scen_finish(&s);
}

TEST(int_keys_grow_like_python)
{
    scen_t s;
    scen_init(&s);
    for (int i = -50; i < 150; i++)
        op(&s, 's', I(i * 7919 % 100003));
    for (int i = 0; i < 40; i++)
        op(&s, 's', I(((int64_t)1 << 40) + i)); /* large ints */
    scen_finish(&s);
}

TEST(mixed_keys_convert_like_python)
{
    /* for every size of a unicode table, a non-str key converts it */
    for (int n = 0; n <= 23; n++) {
        scen_t s;
        scen_init(&s);
        for (int i = 0; i < n; i++)
            op(&s, 's', S(i));
        if (n > 2)
            op(&s, 'd', S(1)); /* a dummy before the conversion */
        op(&s, 's', I(7));
        for (int i = 0; i < 12; i++)
            op(&s, 's', i % 3 ? S(100 + i) : I(100 + i));
        scen_finish(&s);
    }
}

TEST(deletions_and_reinsertion_like_python)
{
    scen_t s;
    scen_init(&s);
    for (int i = 0; i < 30; i++)
        op(&s, 's', S(i));
    for (int i = 0; i < 25; i++)
        op(&s, 'd', S(i));
    for (int i = 100; i < 140; i++)
        op(&s, 's', S(i)); /* resizes by used * 3: the table shrinks */
    for (int i = 100; i < 140; i++)
        op(&s, i % 2 ? 'd' : 'p', S(i));
    for (int i = 25; i < 30; i++)
        op(&s, 'd', S(i));
    for (int i = 0; i < 8; i++)
        op(&s, 's', S(i)); /* from an empty 64-slot table */
    for (int i = 0; i < 60; i++)
        op(&s, 's', I(i));
    for (int i = 0; i < 60; i += 2)
        op(&s, 'd', I(i));
    for (int i = 0; i < 60; i++)
        op(&s, 'D', I(i * 3));
    op(&s, 'c', I(0));
    op(&s, 'c', I(0));
    for (int i = 0; i < 10; i++)
        op(&s, 'D', S(i % 4));
    scen_finish(&s);
}

TEST(churn_like_python)
{
    /* a deterministic mix of every operation, keys from a small range */
    scen_t s;
    scen_init(&s);
    uint64_t x = 88172645463325252ull;
    bool present[64] = {false};
    for (int step = 0; step < 1500; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int k = (int)(x % 64);
        dkey_t key = k % 2 ? S(k) : I(k);
        int what = (int)((x >> 8) % 10);
        if (what == 0 && step % 500 == 499) {
            op(&s, 'c', key);
            memset(present, 0, sizeof(present));
        } else if (present[k] && what < 4) {
            op(&s, what < 2 ? 'd' : 'p', key);
            present[k] = false;
        } else {
            op(&s, what < 7 ? 's' : 'D', key);
            present[k] = true;
        }
    }
    scen_finish(&s);
}

/* ---- BUILD_MAP literals ---- */

/* literal_case: {k0: 0, ..., k(n-1): n-1} for n = 0..max with keys from
 * kind(i); compares getsizeof and the order for each n. */
static void literal_case(int max, dkey_t (*kind)(int i))
{
    rt_text_t py = {0};
    rt_text_add(&py, "%s", PY_PRELUDE);
    for (int n = 0; n <= max; n++) {
        rt_text_add(&py, "d = {");
        for (int i = 0; i < n; i++) {
            py_key(&py, kind(i));
            rt_text_add(&py, ": %d, ", i);
        }
        rt_text_add(&py, "}\nS(); O()\n");
    }
    int64_t *want;
    size_t nwant = rt_py_int_list(py.buf, &want), w = 0;
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    for (int n = 0; n <= max; n++) {
        hd_obj_t *keys[64], *values[64], *d, *key;
        for (int i = 0; i < n; i++) {
            keys[i] = mk_key(h, kind(i));
            values[i] = mk_int(h, i);
        }
        CHECK_OK(hd_dict_new(h, (size_t)n, keys, values, &d));
        CHECK(w < nwant);
        if ((int64_t)hd_obj_sizeof(h, d) != want[w])
            fprintf(stderr, "literal of %d: %zu, python %lld\n", n, hd_obj_sizeof(h, d),
                    (long long)want[w]);
        CHECK_EQ(hd_obj_sizeof(h, d), want[w++]);
        for (int64_t pos = 0; hd_dict_next(d, &pos, &key, NULL);)
            CHECK_EQ(key_code(key), want[w++]);
        for (int i = 0; i < n; i++) {
            hd_obj_decref(h, keys[i]);
            hd_obj_decref(h, values[i]);
        }
        hd_obj_decref(h, d);
    }
    CHECK_EQ(w, nwant);
    free(want);
    free(py.buf);
    rt_heap_done(h);
}

static dkey_t lit_str(int i)
{
    return S(i);
}

static dkey_t lit_int(int i)
{
    return I(i * 31);
}

static dkey_t lit_mixed(int i)
{
    return i % 5 == 3 ? I(i) : S(i);
}

static dkey_t lit_dups(int i)
{
    return i % 3 ? S(i % 7) : I(i % 5);
}

TEST(literals_str_keys_like_python)
{
    literal_case(50, lit_str);
}

TEST(literals_int_keys_like_python)
{
    literal_case(50, lit_int);
}

TEST(literals_mixed_and_duplicate_keys_like_python)
{
    literal_case(50, lit_mixed);
    literal_case(50, lit_dups);
}

TEST(literals_gc_allocations_like_python)
{
    /* The compiler's chunks of 17 pairs are separate dicts merged with
     * DICT_UPDATE: the gen-0 count shows how many GC allocations a literal
     * makes once a full collection has emptied the free lists (python3's
     * first get_count() tuple adds 1 and is reused by the second). */
    rt_text_t py = {0};
    rt_text_add(&py, "import gc\ngc.disable()\n");
    for (int n = 0; n <= 60; n++) {
        rt_text_add(&py, "gc.collect(); a = gc.get_count()[0]; d = {");
        for (int i = 0; i < n; i++)
            rt_text_add(&py, "'k%d': %d, ", i, i);
        rt_text_add(&py, "}; b = gc.get_count()[0]; print(b - a - 1); del d\n");
    }
    int64_t *want;
    CHECK_EQ(rt_py_int_list(py.buf, &want), 61);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *keys[64], *values[64], *d;
    for (int i = 0; i < 60; i++) {
        keys[i] = mk_key(h, S(i));
        values[i] = mk_int(h, i);
    }
    for (int n = 0; n <= 60; n++) {
        hd_gc_result_t res;
        int before[3], after[3];
        CHECK_OK(hd_gc_collect(h, 2, &res));
        hd_gc_get_count(h, before);
        CHECK_OK(hd_dict_new(h, (size_t)n, keys, values, &d));
        hd_gc_get_count(h, after);
        CHECK_EQ(after[0] - before[0], want[n]);
        hd_obj_decref(h, d);
    }
    for (int i = 0; i < 60; i++) {
        hd_obj_decref(h, keys[i]);
        hd_obj_decref(h, values[i]);
    }
    free(want);
    free(py.buf);
    rt_heap_done(h);
}

/* ---- copies and merges ---- */

/* build: a dict made by inserting 'k0'..: n str keys, `ints` int keys
 * after the first, then `dels` of them deleted from the front. Python
 * code for the same is appended to py as `name = ...`. */
static hd_obj_t *build(hd_heap_t *h, rt_text_t *py, const char *name, int n, int ints, int dels)
{
    hd_obj_t *d, *v = mk_int(h, 1);
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &d));
    rt_text_add(py, "%s = {}\n", name);
    for (int i = 0; i < n + ints; i++) {
        dkey_t k = (i >= 1 && i <= ints) ? I(i) : S(i);
        hd_obj_t *key = mk_key(h, k);
        CHECK_OK(hd_dict_setitem(h, d, key, v));
        hd_obj_decref(h, key);
        rt_text_add(py, "%s[", name);
        py_key(py, k);
        rt_text_add(py, "] = 1\n");
    }
    for (int i = 0; i < dels; i++) {
        dkey_t k = (i >= 1 && i <= ints) ? I(i) : S(i);
        hd_obj_t *key = mk_key(h, k);
        CHECK_OK(hd_dict_delitem(h, d, key));
        hd_obj_decref(h, key);
        rt_text_add(py, "del %s[", name);
        py_key(py, k);
        rt_text_add(py, "]\n");
    }
    hd_obj_decref(h, v);
    return d;
}

TEST(copies_and_merges_like_python)
{
    rt_text_t py = {0};
    rt_text_add(&py, "%s", PY_PRELUDE);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    rt_ints_t got = {0};
    static const int shapes[][3] = {{0, 0, 0},  {1, 0, 0},  {2, 0, 0},  {5, 0, 0},  {6, 0, 0},
                                    {9, 0, 0},  {10, 0, 0}, {11, 0, 0}, {21, 0, 0}, {22, 0, 0},
                                    {40, 0, 0}, {4, 1, 0},  {2, 1, 0},  {12, 3, 0}, {30, 0, 20},
                                    {30, 0, 5}, {8, 0, 7},  {43, 0, 1}, {6, 2, 3},  {90, 0, 40}};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        hd_obj_t *src = build(h, &py, "src", shapes[i][0], shapes[i][1], shapes[i][2]);
        hd_obj_t *a, *b, *c = build(h, &py, "c", 3, 1, 0), *e = build(h, &py, "e", 4, 0, 3);
        CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &a));
        CHECK_OK(hd_dict_update(h, a, src)); /* dict(src) */
        CHECK_OK(hd__dict_copy(h, src, &b));
        CHECK_OK(hd_dict_update(h, c, src));
        CHECK_OK(hd_dict_update(h, e, src));
        CHECK_OK(hd_dict_update(h, src, src));
        rt_text_add(&py, "a = dict(src); b = src.copy(); c.update(src); e.update(src)\n"
                         "src.update(src)\n"
                         "for d in (src, a, b, c, e): S(); O()\n");
        hd_obj_t *all[] = {src, a, b, c, e};
        for (int j = 0; j < 5; j++) {
            hd_obj_t *key;
            rt_ints_push(&got, (int64_t)hd_obj_sizeof(h, all[j]));
            for (int64_t pos = 0; hd_dict_next(all[j], &pos, &key, NULL);)
                rt_ints_push(&got, key_code(key));
            CHECK(j >= 3 || hd_obj_equal(h, all[j], src));
        }
        for (int j = 0; j < 5; j++)
            hd_obj_decref(h, all[j]);
    }
    rt_py_check_ints(py.buf, &got);
    rt_ints_free(&got);
    free(py.buf);
    rt_heap_done(h);
}

TEST(keys_list_is_exact_like_python)
{
    /* PyDict_Keys: python3 calls it through ctypes */
    rt_text_t py = {0};
    rt_text_add(&py,
                "%simport ctypes\nctypes.pythonapi.PyDict_Keys.restype = ctypes.py_object\n"
                "ctypes.pythonapi.PyDict_Keys.argtypes = [ctypes.py_object]\n",
                PY_PRELUDE);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    rt_ints_t got = {0};
    for (int n = 0; n < 30; n += 3) {
        hd_obj_t *d = build(h, &py, "d", n, 0, n / 3), *l;
        CHECK_OK(hd_dict_keys(h, d, &l));
        CHECK_EQ(hd_len(l), hd_len(d));
        rt_ints_push(&got, (int64_t)hd_obj_sizeof(h, l));
        rt_text_add(&py, "print(sys.getsizeof(ctypes.pythonapi.PyDict_Keys(d)))\n");
        hd_obj_decref(h, l);
        hd_obj_decref(h, d);
    }
    rt_py_check_ints(py.buf, &got);
    rt_ints_free(&got);
    free(py.buf);
    rt_heap_done(h);
}

/* ---- semantics ---- */

TEST(lookup_errors_like_python)
{
    int64_t *want;
    CHECK_EQ(rt_py_int_list("def E(f):\n"
                            "    try: f(); print(0)\n"
                            "    except KeyError: print(1)\n"
                            "    except TypeError: print(2)\n"
                            "E(lambda: {}.pop([]))\n"
                            "E(lambda: {1: 2}.pop([]))\n"
                            "E(lambda: {1: 2}.pop(3))\n"
                            "E(lambda: {}[[]])\n"
                            "E(lambda: {1: 2}[2])\n"
                            "E(lambda: {}.setdefault([], 1))\n"
                            "E(lambda: {1: 2}.__delitem__(2))\n"
                            "E(lambda: {1.0: 2}[True])\n",
                            &want),
             8);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *empty, *d, *lst, *one = mk_int(h, 1), *two = mk_int(h, 2), *three = mk_int(h, 3);
    hd_obj_t *fone, *tru, *out;
    CHECK_OK(hd_float_new(h, 1.0, &fone));
    hd_bool(h, true, &tru);
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &empty));
    CHECK_OK(hd_dict_new(h, 1, &one, &two, &d));
    CHECK_OK(hd_list_new(h, 0, NULL, &lst));
    int code[] = {HD_OK, HD_EKEY, HD_ETYPE};
    CHECK_EQ(hd_dict_pop(h, empty, lst, &out), code[want[0]]);
    CHECK_EQ(hd_dict_pop(h, d, lst, &out), code[want[1]]);
    CHECK_EQ(hd_dict_pop(h, d, three, &out), code[want[2]]);
    CHECK_EQ(hd_dict_getitem(h, empty, lst, &out), code[want[3]]);
    CHECK_EQ(hd_dict_getitem(h, d, two, &out), code[want[4]]);
    CHECK_EQ(hd_dict_setdefault(h, empty, lst, one, &out), code[want[5]]);
    CHECK_EQ(hd_dict_delitem(h, d, two), code[want[6]]);
    hd_obj_t *d2;
    CHECK_OK(hd_dict_new(h, 1, &fone, &two, &d2));
    CHECK_EQ(hd_dict_getitem(h, d2, tru, &out), code[want[7]]);
    CHECK(out == two);
    CHECK_EQ(hd_dict_setitem(h, lst, one, two), HD_ETYPE);
    CHECK_EQ(hd_dict_update(h, d, lst), HD_ETYPE);
    hd_obj_t *all[] = {empty, d, d2, lst, one, two, three, fone, tru};
    for (int i = 0; i < 9; i++)
        hd_obj_decref(h, all[i]);
    free(want);
    rt_heap_done(h);
}

TEST(refcounts_follow_ownership)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *d, *k = mk_str(h, "key"), *v = mk_str(h, "value"), *w = mk_str(h, "other"), *out;
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &d));
    CHECK_OK(hd_dict_setitem(h, d, k, v));
    CHECK_EQ(hd_obj_refcount(k), 2);
    CHECK_EQ(hd_obj_refcount(v), 2);
    CHECK_OK(hd_dict_setitem(h, d, k, v)); /* same value: nothing moves */
    CHECK_EQ(hd_obj_refcount(v), 2);
    CHECK_OK(hd_dict_setitem(h, d, k, w));
    CHECK_EQ(hd_obj_refcount(v), 1);
    CHECK_EQ(hd_obj_refcount(w), 2);
    CHECK_EQ(hd_obj_refcount(k), 2);
    CHECK_OK(hd_dict_getitem(h, d, k, &out)); /* borrowed */
    CHECK(out == w);
    CHECK_EQ(hd_obj_refcount(w), 2);
    CHECK_OK(hd_dict_setdefault(h, d, k, v, &out));
    CHECK(out == w);
    CHECK_OK(hd_dict_pop(h, d, k, &out)); /* new reference */
    CHECK(out == w);
    CHECK_EQ(hd_obj_refcount(w), 2);
    CHECK_EQ(hd_obj_refcount(k), 1);
    hd_obj_decref(h, out);
    CHECK_OK(hd_dict_setdefault(h, d, k, v, &out));
    CHECK(out == v);
    CHECK_EQ(hd_obj_refcount(v), 2);
    rt_validate(h);
    hd_obj_decref(h, d); /* releases k and v */
    CHECK_EQ(hd_obj_refcount(k), 1);
    CHECK_EQ(hd_obj_refcount(v), 1);
    hd_obj_decref(h, k);
    hd_obj_decref(h, v);
    hd_obj_decref(h, w);
    rt_heap_done(h);
}

/* check_tracked: compares our gc.is_tracked answers with python3's. */
static void check_tracked(const bool *got, int n, const int64_t *want, size_t nwant)
{
    CHECK_EQ(n, (int)nwant);
    for (int i = 0; i < n; i++) {
        if (got[i] != (want[i] != 0))
            fprintf(stderr, "tracking check %d: %d, python %lld\n", i, got[i], (long long)want[i]);
        CHECK_EQ(got[i], want[i]);
    }
}

static void decref_all(hd_heap_t *h, hd_obj_t **objs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hd_obj_decref(h, objs[i]);
}

TEST(tracking_on_insertion_like_python)
{
    int64_t *want;
    size_t n = rt_py_int_list("import gc\n"
                              "gc.disable()\n"
                              "def T(o): print(int(gc.is_tracked(o)))\n"
                              "d = {}; T(d)\n"
                              "d['a'] = 1; T(d)\n"
                              "d['b'] = 'x'; d[2] = 2.5; T(d)\n"
                              "t = tuple([1, 2]); d['t'] = t; T(d)\n"
                              "del d['t']; T(d)\n"
                              "gc.collect(); T(d); T(t)\n"
                              "e = {'t': t}; T(e)\n"
                              "e[t] = 1; T(e)\n"
                              "e['l'] = []; T(e)\n"
                              "f = {}; f[1] = {}; T(f)\n"
                              "gc.collect(); T(e); T(f)\n",
                              &want);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    bool got[16];
    int ng = 0;
    hd_obj_t *one = mk_int(h, 1), *two = mk_int(h, 2), *ka = mk_str(h, "a"), *kb = mk_str(h, "b");
    hd_obj_t *kt = mk_str(h, "t"), *kl = mk_str(h, "l"), *x = mk_str(h, "x"), *fl, *t, *d, *e, *f;
    hd_obj_t *tmp, *lst;
    hd_gc_result_t res;
    CHECK_OK(hd_float_new(h, 2.5, &fl));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &d));
    got[ng++] = hd_obj_is_tracked(d);
    CHECK_OK(hd_dict_setitem(h, d, ka, one));
    got[ng++] = hd_obj_is_tracked(d);
    CHECK_OK(hd_dict_setitem(h, d, kb, x));
    CHECK_OK(hd_dict_setitem(h, d, two, fl));
    got[ng++] = hd_obj_is_tracked(d);
    hd_obj_t *items[] = {one, two};
    CHECK_OK(hd_tuple_new(h, 2, items, &t));
    CHECK_OK(hd_dict_setitem(h, d, kt, t));
    got[ng++] = hd_obj_is_tracked(d);
    CHECK_OK(hd_dict_delitem(h, d, kt));
    got[ng++] = hd_obj_is_tracked(d);
    CHECK_OK(hd_gc_collect(h, 2, &res));
    got[ng++] = hd_obj_is_tracked(d);
    got[ng++] = hd_obj_is_tracked(t);
    CHECK_OK(hd_dict_new(h, 1, &kt, &t, &e));
    got[ng++] = hd_obj_is_tracked(e);
    CHECK_OK(hd_dict_setitem(h, e, t, one));
    got[ng++] = hd_obj_is_tracked(e);
    CHECK_OK(hd_list_new(h, 0, NULL, &lst));
    CHECK_OK(hd_dict_setitem(h, e, kl, lst));
    got[ng++] = hd_obj_is_tracked(e);
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &f));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &tmp));
    CHECK_OK(hd_dict_setitem(h, f, one, tmp)); /* an untracked dict may be tracked */
    hd_obj_decref(h, tmp);
    got[ng++] = hd_obj_is_tracked(f);
    CHECK_OK(hd_gc_collect(h, 2, &res));
    got[ng++] = hd_obj_is_tracked(e);
    got[ng++] = hd_obj_is_tracked(f);
    check_tracked(got, ng, want, n);
    hd_obj_t *all[] = {one, two, ka, kb, kt, kl, x, fl, t, d, e, f, lst};
    decref_all(h, all, sizeof(all) / sizeof(all[0]));
    free(want);
    rt_heap_done(h);
}

TEST(tracking_on_merge_and_copy_like_python)
{
    int64_t *want;
    size_t n = rt_py_int_list("import gc\n"
                              "gc.disable()\n"
                              "def T(o): print(int(gc.is_tracked(o)))\n"
                              "g = {}; g.update({'x': []}); T(g)\n"
                              "g2 = {}; g2.update({'x': 1}); T(g2)\n"
                              "g3 = {'x': [1]}.copy(); T(g3)\n"
                              "g4 = {'y': 1}; g4.update({'x': []}); T(g4)\n"
                              "s = {'s': set()}; T(s)\n"
                              "gc.collect(); T(g); T(g2)\n",
                              &want);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    bool got[16];
    int ng = 0;
    hd_obj_t *one = mk_int(h, 1), *kx = mk_str(h, "x"), *ky = mk_str(h, "y"), *ks = mk_str(h, "s");
    hd_obj_t *g, *g2, *g3, *g4, *tmp, *lst, *lst1, *set, *s;
    hd_gc_result_t res;
    CHECK_OK(hd_list_new(h, 0, NULL, &lst));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &g));
    CHECK_OK(hd_dict_new(h, 1, &kx, &lst, &tmp));
    CHECK_OK(hd_dict_update(h, g, tmp)); /* the clone path keeps tracking */
    hd_obj_decref(h, tmp);
    got[ng++] = hd_obj_is_tracked(g);
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &g2));
    CHECK_OK(hd_dict_new(h, 1, &kx, &one, &tmp));
    CHECK_OK(hd_dict_update(h, g2, tmp));
    hd_obj_decref(h, tmp);
    got[ng++] = hd_obj_is_tracked(g2);
    CHECK_OK(hd_list_new(h, 1, &one, &lst1));
    CHECK_OK(hd_dict_new(h, 1, &kx, &lst1, &tmp));
    CHECK_OK(hd__dict_copy(h, tmp, &g3));
    hd_obj_decref(h, tmp);
    got[ng++] = hd_obj_is_tracked(g3);
    CHECK_OK(hd_dict_new(h, 1, &ky, &one, &g4));
    CHECK_OK(hd_dict_new(h, 1, &kx, &lst, &tmp));
    CHECK_OK(hd_dict_update(h, g4, tmp)); /* insertdict: MAINTAIN_TRACKING */
    hd_obj_decref(h, tmp);
    got[ng++] = hd_obj_is_tracked(g4);
    CHECK_OK(hd_set_new(h, 0, NULL, &set));
    CHECK_OK(hd_dict_new(h, 1, &ks, &set, &s));
    got[ng++] = hd_obj_is_tracked(s);
    CHECK_OK(hd_gc_collect(h, 2, &res));
    got[ng++] = hd_obj_is_tracked(g);
    got[ng++] = hd_obj_is_tracked(g2);
    check_tracked(got, ng, want, n);
    hd_obj_t *all[] = {one, kx, ky, ks, g, g2, g3, g4, lst, lst1, set, s};
    decref_all(h, all, sizeof(all) / sizeof(all[0]));
    free(want);
    rt_heap_done(h);
}

/* ---- free lists ---- */

TEST(free_list_is_lifo_like_python)
{
    int64_t *want;
    CHECK_EQ(rt_py_int_list("a = {}; b = {}; ia, ib = id(a), id(b)\n"
                            "del b; del a\n"
                            "c = {}; d = {}\n"
                            "print(int(id(c) == ia), int(id(d) == ib))\n",
                            &want),
             2);
    CHECK(want[0] == 1 && want[1] == 1);
    free(want);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *a, *b, *c, *d;
    int count[3], before;
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &a));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &b));
    uint64_t ia = hd_obj_addr(h, a), ib = hd_obj_addr(h, b);
    hd_gc_get_count(h, count);
    before = count[0];
    hd_obj_decref(h, b);
    hd_obj_decref(h, a);
    hd_gc_get_count(h, count);
    CHECK_EQ(count[0], before); /* free-listed: no PyObject_GC_Del */
    CHECK_EQ(h->dict_nfree, 2);
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &c));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &d));
    CHECK_EQ(hd_obj_addr(h, c), ia);
    CHECK_EQ(hd_obj_addr(h, d), ib);
    hd_gc_get_count(h, count);
    CHECK_EQ(count[0], before); /* taken from the free list: no count */
    CHECK(hd_obj_id(h, c) != 0);
    hd_obj_decref(h, c);
    hd_obj_decref(h, d);
    hd__dict_freelist_clear(h);
    hd_gc_get_count(h, count);
    CHECK_EQ(count[0], before - 2);
    CHECK_EQ(h->dict_nfree, 0);
    rt_heap_done(h);
}

TEST(free_lists_are_bounded_and_cleared)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *ds[100], *k = mk_str(h, "k"), *ik = mk_int(h, 1000);
    for (int i = 0; i < 100; i++) {
        CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &ds[i]));
        CHECK_OK(hd_dict_setitem(h, ds[i], i % 2 ? k : ik, k));
    }
    for (int i = 0; i < 100; i++)
        hd_obj_decref(h, ds[i]);
    CHECK_EQ(h->dict_nfree, HD_DICT_MAXFREELIST);
    CHECK_EQ(h->keys_nfree, 50); /* only the 8-slot unicode tables */
    /* the next str insertion reuses the last freed unicode table */
    void *last = h->keys_free[h->keys_nfree - 1];
    hd_obj_t *d;
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &d));
    CHECK_OK(hd_dict_setitem(h, d, k, k));
    CHECK(((hd_dict_obj_t *)d)->keys == last);
    CHECK_EQ(h->keys_nfree, 49);
    hd_obj_decref(h, d);
    hd_gc_result_t res;
    CHECK_OK(hd_gc_collect(h, 2, &res)); /* a full collection clears them */
    CHECK_EQ(h->dict_nfree, 0);
    CHECK_EQ(h->keys_nfree, 0);
    hd_obj_decref(h, k);
    hd_obj_decref(h, ik);
    rt_heap_done(h);
}

/* ---- re-entrancy ---- */

typedef struct reenter {
    hd_obj_t *dict;
    int calls;
} reenter_t;

/* on_del: a __del__ that mutates the dict that is dropping the instance. */
static void on_del(hd_heap_t *h, hd_obj_t *obj, void *ctx)
{
    reenter_t *r = ctx;
    (void)obj;
    r->calls++;
    for (int i = 0; i < 40; i++) {
        hd_obj_t *k, *v;
        CHECK_OK(hd_int_from_i64(h, 5000 + 40 * r->calls + i, &k));
        CHECK_OK(hd_float_new(h, i, &v));
        CHECK_OK(hd_dict_setitem(h, r->dict, k, v));
        if (i % 3 == 0)
            CHECK_OK(hd_dict_delitem(h, r->dict, k));
        hd_obj_decref(h, k);
        hd_obj_decref(h, v);
    }
}

TEST(finalizers_may_reenter)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    reenter_t r = {NULL, 0};
    hd_heap_hooks_t hooks = {0};
    hooks.finalizer = on_del;
    hooks.ctx = &r;
    hd_heap_set_hooks(h, &hooks);
    hd_obj_t *cls, *key = mk_str(h, "victim"), *one = mk_int(h, 1);
    hd_class_spec_t spec = {.has_del = true};
    CHECK_OK(hd_class_new(h, "D", &spec, &cls));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &r.dict));
    for (int round = 0; round < 3; round++) {
        hd_obj_t *inst, *src;
        CHECK_OK(hd_instance_new(h, cls, false, &inst));
        CHECK_OK(hd_dict_setitem(h, r.dict, key, inst));
        hd_obj_decref(h, inst);
        if (round == 0) {
            CHECK_OK(hd_dict_setitem(h, r.dict, key, one)); /* replace */
        } else if (round == 1) {
            CHECK_OK(hd_dict_new(h, 1, &key, &one, &src));
            CHECK_OK(hd_dict_update(h, r.dict, src)); /* replace in a merge */
            hd_obj_decref(h, src);
        } else {
            CHECK_OK(hd_dict_clear(h, r.dict)); /* clear */
        }
        CHECK_EQ(r.calls, round + 1);
        rt_validate(h);
    }
    CHECK(hd_len(r.dict) > 0);
    hd_obj_decref(h, r.dict);
    hd_obj_decref(h, key);
    hd_obj_decref(h, one);
    hd_obj_decref(h, cls);
    rt_heap_done(h);
}

/* ---- repr, traverse, from_pairs ---- */

static void check_text(const char *got, const char *want)
{
    CHECK_STR(got, want);
}

typedef struct collect {
    hd_obj_t **refs;
    hd_obj_t *skip;
    size_t n;
} collect_t;

static int collect_fn(hd_obj_t *r, void *arg)
{
    collect_t *c = arg;
    if (r != c->skip)
        c->refs[c->n++] = r;
    return 0;
}

TEST(repr_and_referents_like_python)
{
    char *want =
        rt_py_output("import gc\n"
                     "d = {'a': 1, 2: [3], 'q': (4.5, None)}\n"
                     "print(repr(d)); print(gc.get_referents(d))\n"
                     "e = {'x': 'y', 'z': [1]}; e['self'] = e\n"
                     "print(repr(e)); print([r for r in gc.get_referents(e) if r is not e])\n"
                     "print(repr({}))\n",
                     NULL);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *one = mk_int(h, 1), *two = mk_int(h, 2), *three = mk_int(h, 3), *fl, *none, *l;
    hd_obj_t *tup, *d, *e, *l2, *empty;
    CHECK_OK(hd_float_new(h, 4.5, &fl));
    hd_none(h, &none);
    CHECK_OK(hd_list_new(h, 1, &three, &l));
    hd_obj_t *titems[] = {fl, none};
    CHECK_OK(hd_tuple_new(h, 2, titems, &tup));
    hd_obj_t *dk[] = {mk_str(h, "a"), two, mk_str(h, "q")}, *dv[] = {one, l, tup};
    CHECK_OK(hd_dict_new(h, 3, dk, dv, &d));
    hd_obj_t *ek[] = {mk_str(h, "x"), mk_str(h, "z"), mk_str(h, "self")},
             *ev[] = {mk_str(h, "y"), NULL};
    CHECK_OK(hd_list_new(h, 1, &one, &l2));
    ev[1] = l2;
    CHECK_OK(hd_dict_new(h, 2, ek, ev, &e));
    CHECK_OK(hd_dict_setitem(h, e, ek[2], e));
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &empty));
    rt_text_t got = {0};
    char buf[512];
    hd_obj_t *refs[16];
    hd_obj_t *objs[] = {d, e, empty};
    for (int i = 0; i < 3; i++) {
        hd_obj_repr(h, objs[i], buf, sizeof(buf));
        rt_text_add(&got, "%s\n", buf);
        if (i == 2)
            break;
        collect_t c = {refs, objs[i], 0};
        CHECK_OK(hd_obj_referents(h, objs[i], collect_fn, &c));
        hd_obj_t *rl;
        CHECK_OK(hd_list_new(h, c.n, refs, &rl));
        hd_obj_repr(h, rl, buf, sizeof(buf));
        rt_text_add(&got, "%s\n", buf);
        hd_obj_decref(h, rl);
    }
    check_text(got.buf, want);
    free(got.buf);
    free(want);
    CHECK_OK(hd_dict_delitem(h, e, ek[2])); /* break the cycle */
    hd_obj_t *all[] = {one, two,   three, fl,    none,  l,     tup,   d,    e,
                       l2,  empty, dk[0], dk[2], ek[0], ek[1], ek[2], ev[0]};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        hd_obj_decref(h, all[i]);
    rt_heap_done(h);
}

TEST(from_pairs_builds_a_str_dict)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    const char *names[40];
    char bufs[40][8];
    hd_obj_t *values[40], *d, *v;
    for (int i = 0; i < 40; i++) {
        snprintf(bufs[i], sizeof(bufs[i]), "a%d", i);
        names[i] = bufs[i];
        values[i] = mk_int(h, i * 1000);
    }
    for (size_t n = 0; n <= 40; n += 5) {
        CHECK_OK(hd__dict_from_pairs(h, n, names, values, &d));
        CHECK_EQ(hd_len(d), (int64_t)n);
        CHECK(!hd_obj_is_tracked(d));
        for (size_t i = 0; i < n; i++) {
            hd_obj_t *k = mk_str(h, names[i]);
            CHECK_OK(hd_dict_getitem(h, d, k, &v));
            CHECK(v == values[i]);
            hd_obj_decref(h, k);
        }
        hd_obj_decref(h, d);
    }
    hd_obj_t *lst;
    CHECK_OK(hd_list_new(h, 0, NULL, &lst));
    hd_obj_t *vals2[] = {values[0], lst};
    CHECK_OK(hd__dict_from_pairs(h, 2, names, vals2, &d));
    CHECK(hd_obj_is_tracked(d));
    hd_obj_decref(h, d);
    hd_obj_decref(h, lst);
    for (int i = 0; i < 40; i++)
        hd_obj_decref(h, values[i]);
    rt_heap_done(h);
}

/* ---- failures leave the dict unchanged ---- */

typedef struct snap {
    int64_t len;
    size_t size;
    void *keys;
    hd_obj_t *pairs[2 * 512];
    bool tracked;
} snap_t;

static void snap_take(hd_obj_t *d, snap_t *s)
{
    hd_obj_t *k, *v;
    size_t n = 0;
    s->len = hd_len(d);
    s->size = hd__dict_sizeof(d);
    s->keys = ((hd_dict_obj_t *)d)->keys;
    s->tracked = hd_obj_is_tracked(d);
    for (int64_t pos = 0; hd_dict_next(d, &pos, &k, &v);) {
        CHECK(n + 2 <= sizeof(s->pairs) / sizeof(s->pairs[0]));
        s->pairs[n++] = k;
        s->pairs[n++] = v;
    }
}

static void snap_check(hd_obj_t *d, const snap_t *s)
{
    snap_t now;
    snap_take(d, &now);
    CHECK_EQ(now.len, s->len);
    CHECK_EQ(now.size, s->size);
    CHECK(now.keys == s->keys);
    CHECK_EQ(now.tracked, s->tracked);
    CHECK(memcmp(now.pairs, s->pairs, 2 * (size_t)s->len * sizeof(hd_obj_t *)) == 0);
}

/* The fault scenario: 120 steps on a general dict whose tables pass 512
 * bytes (system allocations): setitems, with dict.update at step 60 and
 * dict.copy at step 61. Every object is made before failures start. */
#define FAULT_STEPS 120

typedef struct fault {
    hd_heap_t *h;
    hd_obj_t *d, *src, *copy;
    hd_obj_t *keys[FAULT_STEPS], *values[FAULT_STEPS];
    hd_obj_t *sk[100], *sv[100];
} fault_t;

static void fault_init(fault_t *f)
{
    memset(f, 0, sizeof(*f));
    f->h = rt_heap_new(&test_mem, false);
    CHECK_OK(hd_dict_new(f->h, 0, NULL, NULL, &f->d));
    for (int i = 0; i < 100; i++) {
        f->sk[i] = mk_int(f->h, i * 1009 + (i % 2));
        f->sv[i] = mk_int(f->h, -i);
    }
    CHECK_OK(hd_dict_new(f->h, 100, f->sk, f->sv, &f->src));
    for (int i = 0; i < FAULT_STEPS; i++) {
        f->keys[i] = mk_int(f->h, i * 1009);
        f->values[i] = mk_int(f->h, i);
    }
}

static int fault_step(fault_t *f, int i)
{
    if (i == 60)
        return hd_dict_update(f->h, f->d, f->src);
    if (i == 61)
        return hd__dict_copy(f->h, f->d, &f->copy);
    return hd_dict_setitem(f->h, f->d, f->keys[i], f->values[i]);
}

static void fault_done(fault_t *f)
{
    for (int i = 0; i < 100; i++) {
        hd_obj_decref(f->h, f->sk[i]);
        hd_obj_decref(f->h, f->sv[i]);
    }
    for (int i = 0; i < FAULT_STEPS; i++) {
        hd_obj_decref(f->h, f->keys[i]);
        hd_obj_decref(f->h, f->values[i]);
    }
    hd_obj_decref(f->h, f->src);
    hd_obj_decref(f->h, f->d);
    if (f->copy)
        hd_obj_decref(f->h, f->copy);
    rt_heap_done(f->h);
}

TEST(fault_injection_leaves_dict_unchanged)
{
    fault_t f;
    fault_init(&f);
    for (int i = 0; i < FAULT_STEPS; i++)
        CHECK_OK(fault_step(&f, i));
    int64_t want_len = hd_len(f.d);
    size_t want_size = hd_obj_sizeof(f.h, f.d);
    fault_done(&f);
    int runs_with_failure = 0;
    for (uint64_t nth = 1; nth < 400; nth++) {
        fault_init(&f);
        hd_mem_fail_after(&test_mem, nth, 1);
        bool failed = false;
        for (int i = 0; i < FAULT_STEPS; i++) {
            snap_t before;
            snap_take(f.d, &before);
            int rc = fault_step(&f, i);
            if (rc) {
                CHECK_EQ(rc, HD_ENOMEM);
                snap_check(f.d, &before);
                hd_mem_fail_after(&test_mem, 0, 0);
                rt_validate(f.h);
                CHECK_OK(fault_step(&f, i)); /* and it works again */
                failed = true;
            }
        }
        hd_mem_fail_after(&test_mem, 0, 0);
        CHECK_EQ(hd_len(f.d), want_len);
        CHECK_EQ(hd_obj_sizeof(f.h, f.d), want_size);
        fault_done(&f);
        if (!failed)
            break;
        runs_with_failure++;
    }
    CHECK(runs_with_failure > 3);
}

TEST(caps_leave_dict_unchanged)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *d, *src, *out, *keys[200];
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &d));
    hd_obj_t *sk[30], *sv[30];
    for (int i = 0; i < 30; i++) {
        sk[i] = mk_key(h, S(1000 + i));
        sv[i] = mk_int(h, i);
    }
    CHECK_OK(hd_dict_new(h, 30, sk, sv, &src));
    for (int i = 0; i < 200; i++)
        keys[i] = mk_key(h, i % 3 ? S(i) : I(i));
    hd_heap_totals_t t;
    int limited = 0;
    bool merged = false;
    for (int i = 0; i < 200; i++) {
        snap_t before;
        hd_heap_totals(h, &t);
        hd_heap_set_limits(h, t.bytes, 0); /* no new block of any size */
        snap_take(d, &before);
        int rc = hd_dict_setitem(h, d, keys[i], keys[i]);
        if (rc) {
            CHECK_EQ(rc, HD_ELIMIT);
            snap_check(d, &before);
            limited++;
            hd_heap_set_limits(h, 0, 0);
            CHECK_OK(hd_dict_setitem(h, d, keys[i], keys[i]));
            hd_heap_totals(h, &t);
            hd_heap_set_limits(h, t.bytes, 0);
        }
        if (i % 40 == 20) {
            snap_take(d, &before);
            rc = hd_dict_update(h, d, src); /* fails if it needs a new table */
            if (rc) {
                CHECK_EQ(rc, HD_ELIMIT);
                snap_check(d, &before);
                limited++;
            } else {
                merged = true;
            }
        }
        hd_heap_set_limits(h, 0, 0);
    }
    CHECK(limited > 5);
    CHECK_EQ(hd_len(d), merged ? 230 : 200);
    /* the object cap stops a new dict, from the free list too */
    hd_obj_t *tmp;
    CHECK_OK(hd_dict_new(h, 0, NULL, NULL, &tmp));
    hd_obj_decref(h, tmp);
    CHECK(h->dict_nfree > 0);
    hd_heap_totals(h, &t);
    hd_heap_set_limits(h, 0, t.objects);
    CHECK_EQ(hd_dict_new(h, 0, NULL, NULL, &tmp), HD_ELIMIT);
    CHECK_EQ(hd__dict_copy(h, d, &tmp), HD_ELIMIT);
    CHECK_EQ(hd_dict_keys(h, d, &out), HD_ELIMIT);
    hd_heap_set_limits(h, 0, 0);
    for (int i = 0; i < 30; i++) {
        hd_obj_decref(h, sk[i]);
        hd_obj_decref(h, sv[i]);
    }
    for (int i = 0; i < 200; i++)
        hd_obj_decref(h, keys[i]);
    hd_obj_decref(h, src);
    hd_obj_decref(h, d);
    rt_heap_done(h);
}
