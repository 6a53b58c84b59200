/*
 * test_set.c: set.c against python3 (Debian's 3.11, the oracle).
 *
 * Expected values are never typed in by hand. A scenario is a list of set
 * operations; the test writes them as a Python program (run with
 * PYTHONHASHSEED=0, so str hashes and thus table order are fixed) that
 * prints sys.getsizeof(s) after every operation, what pop() returns, and
 * the final iteration order; it performs the same operations on a heap and
 * compares. Keys are ints n, strs 'k<n>' and tuples (n, 'k<n>'); they print
 * as n, 10**9 + n and 2 * 10**9 + n.
 *
 * Other cases cover set displays (BUILD_SET), tracking, weak references,
 * repr, refcounts (hd_heap_validate) and failure atomicity (fault injection
 * and caps).
 */
#define _POSIX_C_SOURCE 200809L
#include "test.h"

#include "heap_int.h"
#include "rt_oracle.h"
#include "rt_util.h"

#define STR_TAG 1000000000LL
#define TUP_TAG 2000000000LL

/* ---- heaps and keys ---- */

static hd_mem_t test_mem;

/* A key: kind 'i' the int n, 's' 'k<n>', 't' (n, 'k<n>'). */
typedef struct skey {
    char kind;
    int64_t n;
} skey_t;

static skey_t I(int64_t n)
{
    return (skey_t){'i', n};
}

static skey_t S(int64_t n)
{
    return (skey_t){'s', n};
}

static skey_t T(int64_t n)
{
    return (skey_t){'t', n};
}

static hd_obj_t *mk_key(hd_heap_t *h, skey_t k)
{
    hd_obj_t *o, *items[2];
    char buf[32];
    snprintf(buf, sizeof(buf), "k%lld", (long long)k.n);
    if (k.kind == 'i') {
        CHECK_OK(hd_int_from_i64(h, k.n, &o));
        return o;
    }
    CHECK_OK(hd_str_new(h, buf, strlen(buf), &items[1]));
    if (k.kind == 's')
        return items[1];
    CHECK_OK(hd_int_from_i64(h, k.n, &items[0]));
    CHECK_OK(hd_tuple_new(h, 2, items, &o));
    hd_obj_decref(h, items[0]);
    hd_obj_decref(h, items[1]);
    return o;
}

static void py_key(rt_text_t *t, skey_t k)
{
    if (k.kind == 'i')
        rt_text_add(t, "%lld", (long long)k.n);
    else if (k.kind == 's')
        rt_text_add(t, "'k%lld'", (long long)k.n);
    else
        rt_text_add(t, "(%lld, 'k%lld')", (long long)k.n, (long long)k.n);
}

static int64_t key_code(const hd_obj_t *o)
{
    int64_t v;
    char buf[32];
    if (o->type == HD_T_TUPLE) {
        CHECK_OK(hd_int_to_i64(((const hd_tuple_obj_t *)o)->items[0], &v));
        return TUP_TAG + v;
    }
    if (o->type == HD_T_STR) {
        hd_str_utf8(o, buf, sizeof(buf));
        return STR_TAG + strtoll(buf + 1, NULL, 10);
    }
    CHECK_OK(hd_int_to_i64(o, &v));
    return v;
}

static const char PY_PRELUDE[] = "import sys, gc\n"
                                 "gc.disable()\n"
                                 "def K(k):\n"
                                 "    if isinstance(k, tuple): return 2000000000 + k[0]\n"
                                 "    return 1000000000 + int(k[1:]) if isinstance(k, str) else k\n"
                                 "def S(): print(sys.getsizeof(s))\n"
                                 "def O(): print(*[K(k) for k in s])\n";

/* ---- scenarios ---- */

typedef struct scen {
    rt_text_t py;
    hd_heap_t *h;
    hd_obj_t *s;
    rt_ints_t got;
} scen_t;

static void scen_init(scen_t *sc)
{
    memset(sc, 0, sizeof(*sc));
    sc->h = rt_heap_new(&test_mem, false);
    CHECK_OK(hd_set_new(sc->h, 0, NULL, &sc->s));
    rt_text_add(&sc->py, "%ss = set()\nS()\n", PY_PRELUDE);
    rt_ints_push(&sc->got, (int64_t)hd_obj_sizeof(sc->h, sc->s));
}

/* op: 'a' s.add(k), 'd' s.discard(k), 'p' print(K(s.pop())), 'c' s.clear(). */
static void op(scen_t *sc, char what, skey_t k)
{
    hd_heap_t *h = sc->h;
    hd_obj_t *key = (what == 'a' || what == 'd') ? mk_key(h, k) : NULL, *out;
    bool found;
    switch (what) {
    case 'a':
        CHECK_OK(hd_set_add(h, sc->s, key));
        rt_text_add(&sc->py, "s.add(");
        py_key(&sc->py, k);
        rt_text_add(&sc->py, ")\n");
        break;
    case 'd':
        CHECK_OK(hd_set_discard(h, sc->s, key, &found));
        rt_text_add(&sc->py, "s.discard(");
        py_key(&sc->py, k);
        rt_text_add(&sc->py, ")\n");
        break;
    case 'p':
        CHECK_OK(hd_set_pop(h, sc->s, &out));
        rt_ints_push(&sc->got, key_code(out));
        hd_obj_decref(h, out);
        rt_text_add(&sc->py, "print(K(s.pop()))\n");
        break;
    default:
        CHECK_OK(hd_set_clear(h, sc->s));
        rt_text_add(&sc->py, "s.clear()\n");
    }
    if (key)
        hd_obj_decref(h, key);
    rt_ints_push(&sc->got, (int64_t)hd_obj_sizeof(h, sc->s));
    rt_text_add(&sc->py, "S()\n");
}

static void scen_finish(scen_t *sc)
{
    hd_obj_t *key;
    rt_text_add(&sc->py, "O()\n");
    for (int64_t pos = 0; hd_set_next(sc->s, &pos, &key);)
        rt_ints_push(&sc->got, key_code(key));
    rt_py_check_ints(sc->py.buf, &sc->got);
    rt_validate(sc->h);
    free(sc->py.buf);
    rt_ints_free(&sc->got);
    hd_obj_decref(sc->h, sc->s);
    rt_heap_done(sc->h);
}

TEST(int_adds_like_python)
{
    scen_t sc;
    scen_init(&sc);
    for (int i = 1; i <= 200; i++)
        op(&sc, 'a', I(i));
    scen_finish(&sc);
}

TEST(scattered_int_adds_like_python)
{
    scen_t sc;
    scen_init(&sc);
    for (int i = 0; i < 300; i++)
        op(&sc, 'a', I((int64_t)i * 7919 % 100003 - 500));
    for (int i = 0; i < 20; i++)
        op(&sc, 'a', I(((int64_t)1 << 61) - 3 + i)); /* hashes wrap modulo 2**61 - 1 */
    scen_finish(&sc);
}

TEST(str_adds_like_python)
{
    scen_t sc;
    scen_init(&sc);
    for (int i = 0; i < 200; i++)
        op(&sc, 'a', S(i));
    scen_finish(&sc);
}

TEST(mixed_keys_like_python)
{
    scen_t sc;
    scen_init(&sc);
    for (int i = 0; i < 90; i++)
        op(&sc, 'a', i % 3 == 0 ? I(i) : i % 3 == 1 ? S(i) : T(i));
    scen_finish(&sc);
}

TEST(discard_readd_pop_clear_like_python)
{
    scen_t sc;
    scen_init(&sc);
    for (int i = 1; i <= 4; i++)
        op(&sc, 'a', I(i));
    op(&sc, 'd', I(1));
    op(&sc, 'a', I(9)); /* reuses the dummy slot on its probe path */
    for (int i = 0; i < 3; i++)
        op(&sc, 'd', I(i + 2));
    op(&sc, 'a', I(17));
    op(&sc, 'a', I(25)); /* fill reaches 5 with 2 live keys: rebuilt in the smalltable */
    for (int i = 0; i < 60; i++)
        op(&sc, 'a', S(i));
    for (int i = 0; i < 60; i += 2)
        op(&sc, 'd', S(i));
    for (int i = 0; i < 10; i++)
        op(&sc, 'p', I(0));
    for (int i = 100; i < 160; i++)
        op(&sc, 'a', S(i));
    op(&sc, 'd', S(12345)); /* absent */
    op(&sc, 'c', I(0));
    op(&sc, 'c', I(0));
    for (int i = 0; i < 30; i++)
        op(&sc, 'a', T(i));
    for (int i = 0; i < 25; i++)
        op(&sc, 'p', I(0));
    for (int i = 0; i < 30; i++)
        op(&sc, 'a', I(i * 8)); /* colliding low bits */
    scen_finish(&sc);
}

TEST(churn_like_python)
{
    scen_t sc;
    scen_init(&sc);
    uint64_t x = 88172645463325252ull;
    bool present[128] = {false};
    int live = 0;
    for (int step = 0; step < 2000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int k = (int)(x % 128), what = (int)((x >> 9) % 10);
        skey_t key = k % 3 == 0 ? I(k * 8) : k % 3 == 1 ? S(k) : T(k);
        if (what == 0 && live > 0) {
            op(&sc, 'p', key); /* which key goes is read back from the set */
            memset(present, 0, sizeof(present));
            live = 0;
            hd_obj_t *o;
            for (int64_t pos = 0; hd_set_next(sc.s, &pos, &o); live++) {
                int64_t c = key_code(o);
                int j = (int)(c >= TUP_TAG ? c - TUP_TAG : c >= STR_TAG ? c - STR_TAG : c / 8);
                present[j] = true;
            }
        } else if (what < 4 && present[k]) {
            op(&sc, 'd', key);
            present[k] = false;
            live--;
        } else {
            op(&sc, 'a', key);
            live += !present[k];
            present[k] = true;
        }
    }
    scen_finish(&sc);
}

/* ---- set displays: BUILD_SET ---- */

static void display_case(int max, skey_t (*kind)(int i))
{
    rt_text_t py = {0};
    rt_ints_t got = {0};
    rt_text_add(&py, "%s", PY_PRELUDE);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    for (int n = 0; n <= max; n++) {
        /* names, not constants: a display of constants compiles to a
         * frozenset constant and SET_UPDATE, not to BUILD_SET */
        hd_obj_t *items[64], *s, *key;
        for (int i = 0; i < n; i++) {
            items[i] = mk_key(h, kind(i));
            rt_text_add(&py, "v%d = ", i);
            py_key(&py, kind(i));
            rt_text_add(&py, "\n");
        }
        rt_text_add(&py, n ? "s = {" : "s = set(");
        for (int i = 0; i < n; i++)
            rt_text_add(&py, "v%d, ", i);
        rt_text_add(&py, n ? "}\nS(); O()\n" : ")\nS(); O()\n");
        CHECK_OK(hd_set_new(h, (size_t)n, items, &s));
        CHECK(hd_obj_is_tracked(s));
        rt_ints_push(&got, (int64_t)hd_obj_sizeof(h, s));
        for (int64_t pos = 0; hd_set_next(s, &pos, &key);)
            rt_ints_push(&got, key_code(key));
        for (int i = 0; i < n; i++)
            hd_obj_decref(h, items[i]);
        hd_obj_decref(h, s);
    }
    rt_py_check_ints(py.buf, &got);
    free(py.buf);
    rt_ints_free(&got);
    rt_heap_done(h);
}

static skey_t disp_int(int i)
{
    return I(i * 5 - 20);
}

static skey_t disp_str(int i)
{
    return S(i);
}

static skey_t disp_mixed(int i)
{
    return i % 4 == 0 ? T(i) : i % 4 == 1 ? S(i % 9) : I(i % 11);
}

TEST(displays_like_python)
{
    display_case(50, disp_int);
    display_case(50, disp_str);
    display_case(50, disp_mixed); /* with duplicates */
}

/* ---- tracking, weakrefs, repr ---- */

TEST(tracking_like_python)
{
    int64_t *want;
    CHECK_EQ(rt_py_int_list("import gc\n"
                            "print(int(gc.is_tracked(set())), int(gc.is_tracked({1})),\n"
                            "      int(gc.is_tracked({'a', (1, 2)})))\n"
                            "s = {1}; s.clear(); print(int(gc.is_tracked(s)))\n"
                            "gc.collect(); print(int(gc.is_tracked(s)))\n",
                            &want),
             5);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *one = mk_key(h, I(1)), *a = mk_key(h, S(1)), *t = mk_key(h, T(2)), *s0, *s1, *s2;
    hd_obj_t *items[] = {a, t};
    CHECK_OK(hd_set_new(h, 0, NULL, &s0));
    CHECK_OK(hd_set_new(h, 1, &one, &s1));
    CHECK_OK(hd_set_new(h, 2, items, &s2));
    CHECK_EQ(hd_obj_is_tracked(s0), want[0]);
    CHECK_EQ(hd_obj_is_tracked(s1), want[1]);
    CHECK_EQ(hd_obj_is_tracked(s2), want[2]);
    CHECK_OK(hd_set_clear(h, s1));
    CHECK_EQ(hd_obj_is_tracked(s1), want[3]);
    hd_gc_result_t res;
    CHECK_OK(hd_gc_collect(h, 2, &res));
    CHECK_EQ(hd_obj_is_tracked(s1), want[4]);
    hd_obj_t *all[] = {one, a, t, s0, s1, s2};
    for (int i = 0; i < 6; i++)
        hd_obj_decref(h, all[i]);
    free(want);
    rt_heap_done(h);
}

TEST(sets_are_weakrefable)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *s, *wr, *one = mk_key(h, I(1));
    CHECK_OK(hd_set_new(h, 1, &one, &s));
    CHECK_OK(hd_weakref_new(h, s, NULL, false, &wr));
    CHECK(hd_weakref_get(wr) == s);
    CHECK_EQ(hd_weakref_count(h, s), 1);
    hd_obj_decref(h, s);
    CHECK(hd_weakref_get(wr) == NULL);
    CHECK_EQ(hd_obj_refcount(one), 1);
    hd_obj_decref(h, wr);
    hd_obj_decref(h, one);
    rt_heap_done(h);
}

TEST(repr_and_referents_like_python)
{
    char *want = rt_py_output("import gc\n"
                              "a, b, c, d, e, f = 3, 1, 2, -7, 'k5', (1, 'k1')\n"
                              "print(repr({a, b, c, d, e, f}))\n" /* BUILD_SET */
                              "print(gc.get_referents({a, b, c, d, e, f}))\n"
                              "print(repr(set()))\n"
                              "s = {a, b, c}; s.discard(c); print(repr(s))\n",
                              NULL);
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *items[] = {mk_key(h, I(3)),  mk_key(h, I(1)), mk_key(h, I(2)),
                         mk_key(h, I(-7)), mk_key(h, S(5)), mk_key(h, T(1))};
    hd_obj_t *s, *e, *s3, *refs[8], *l, *key;
    CHECK_OK(hd_set_new(h, 6, items, &s));
    CHECK_OK(hd_set_new(h, 0, NULL, &e));
    CHECK_OK(hd_set_new(h, 3, items, &s3));
    bool found;
    CHECK_OK(hd_set_discard(h, s3, items[2], &found));
    CHECK(found);
    rt_text_t got = {0};
    char buf[256];
    hd_obj_repr(h, s, buf, sizeof(buf));
    rt_text_add(&got, "%s\n", buf);
    size_t n = 0;
    for (int64_t pos = 0; hd_set_next(s, &pos, &key);)
        refs[n++] = key;
    CHECK_OK(hd_list_new(h, n, refs, &l));
    hd_obj_repr(h, l, buf, sizeof(buf));
    rt_text_add(&got, "%s\n", buf);
    hd_obj_repr(h, e, buf, sizeof(buf));
    rt_text_add(&got, "%s\n", buf);
    hd_obj_repr(h, s3, buf, sizeof(buf));
    rt_text_add(&got, "%s\n", buf);
    CHECK_STR(got.buf, want);
    free(got.buf);
    free(want);
    hd_obj_decref(h, l);
    hd_obj_decref(h, s);
    hd_obj_decref(h, e);
    hd_obj_decref(h, s3);
    for (int i = 0; i < 6; i++)
        hd_obj_decref(h, items[i]);
    rt_heap_done(h);
}

TEST(semantics_and_refcounts)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *s, *one = mk_key(h, I(1)), *fone, *tru, *lst, *out;
    bool in, found;
    CHECK_OK(hd_float_new(h, 1.0, &fone));
    hd_bool(h, true, &tru);
    CHECK_OK(hd_list_new(h, 0, NULL, &lst));
    CHECK_OK(hd_set_new(h, 1, &one, &s));
    CHECK_EQ(hd_obj_refcount(one), 2);
    CHECK_OK(hd_set_add(h, s, fone)); /* 1.0 == 1: already there */
    CHECK_OK(hd_set_add(h, s, tru));
    CHECK_EQ(hd_len(s), 1);
    CHECK_EQ(hd_obj_refcount(fone), 1);
    CHECK_OK(hd_set_contains(h, s, tru, &in));
    CHECK(in);
    CHECK_EQ(hd_set_add(h, s, lst), HD_ETYPE);
    CHECK_EQ(hd_set_contains(h, s, lst, &in), HD_ETYPE);
    CHECK_EQ(hd_set_discard(h, s, lst, &found), HD_ETYPE);
    CHECK_EQ(hd_set_add(h, lst, one), HD_ETYPE);
    CHECK_EQ(hd_set_new(h, 1, &lst, &out), HD_ETYPE);
    CHECK_OK(hd_set_discard(h, s, fone, &found));
    CHECK(found);
    CHECK_EQ(hd_obj_refcount(one), 1);
    CHECK_OK(hd_set_discard(h, s, fone, &found));
    CHECK(!found);
    CHECK_EQ(hd_set_pop(h, s, &out), HD_EKEY);
    CHECK_OK(hd_set_add(h, s, one));
    CHECK_OK(hd_set_pop(h, s, &out)); /* new reference */
    CHECK(out == one);
    CHECK_EQ(hd_obj_refcount(one), 2);
    hd_obj_decref(h, out);
    hd_obj_t *all[] = {s, one, fone, tru, lst};
    for (int i = 0; i < 5; i++)
        hd_obj_decref(h, all[i]);
    rt_heap_done(h);
}

/* ---- failures leave the set unchanged ---- */

typedef struct snap {
    int64_t used, fill, mask;
    void *table;
    hd_set_entry_t entries[1024];
} snap_t;

static void snap_take(hd_obj_t *o, snap_t *s)
{
    hd_set_obj_t *set = (hd_set_obj_t *)o;
    s->used = set->used;
    s->fill = set->fill;
    s->mask = set->mask;
    s->table = set->table;
    CHECK(set->mask < 1024);
    memcpy(s->entries, set->table, (size_t)(set->mask + 1) * sizeof(hd_set_entry_t));
}

static void snap_check(hd_obj_t *o, const snap_t *s)
{
    hd_set_obj_t *set = (hd_set_obj_t *)o;
    CHECK_EQ(set->used, s->used);
    CHECK_EQ(set->fill, s->fill);
    CHECK_EQ(set->mask, s->mask);
    CHECK(set->table == s->table);
    CHECK(memcmp(s->entries, set->table, (size_t)(set->mask + 1) * sizeof(hd_set_entry_t)) == 0);
}

TEST(fault_injection_leaves_set_unchanged)
{
    enum { N = 300 };
    int runs_with_failure = 0;
    size_t want_size = 0;
    for (uint64_t nth = 0; nth < 100; nth++) { /* run 0: no failure */
        hd_heap_t *h = rt_heap_new(&test_mem, false);
        hd_obj_t *s, *keys[N];
        for (int i = 0; i < N; i++)
            keys[i] = mk_key(h, i % 2 ? I(i) : S(i));
        CHECK_OK(hd_set_new(h, 0, NULL, &s));
        hd_mem_fail_after(&test_mem, nth, 1);
        bool failed = false;
        for (int i = 0; i < N; i++) {
            snap_t before;
            snap_take(s, &before);
            int rc = hd_set_add(h, s, keys[i]);
            CHECK(nth > 0 || rc == 0);
            if (rc) {
                CHECK_EQ(rc, HD_ENOMEM); /* tables of 64+ slots: system memory */
                snap_check(s, &before);
                hd_mem_fail_after(&test_mem, 0, 0);
                rt_validate(h);
                CHECK_OK(hd_set_add(h, s, keys[i]));
                failed = true;
            }
        }
        hd_mem_fail_after(&test_mem, 0, 0);
        CHECK_EQ(hd_len(s), N);
        if (nth == 0)
            want_size = hd_obj_sizeof(h, s);
        CHECK_EQ(hd_obj_sizeof(h, s), want_size);
        for (int i = 0; i < N; i++)
            hd_obj_decref(h, keys[i]);
        hd_obj_decref(h, s);
        rt_heap_done(h);
        if (nth > 0 && !failed)
            break;
        runs_with_failure += failed;
    }
    CHECK(runs_with_failure >= 2);
}

TEST(caps_leave_set_unchanged)
{
    hd_heap_t *h = rt_heap_new(&test_mem, false);
    hd_obj_t *s, *keys[200];
    for (int i = 0; i < 200; i++)
        keys[i] = mk_key(h, i % 3 ? I(i) : T(i));
    CHECK_OK(hd_set_new(h, 0, NULL, &s));
    int limited = 0;
    for (int i = 0; i < 200; i++) {
        hd_heap_totals_t t;
        snap_t before;
        hd_heap_totals(h, &t);
        hd_heap_set_limits(h, t.bytes, 0);
        snap_take(s, &before);
        int rc = hd_set_add(h, s, keys[i]);
        if (rc) {
            CHECK_EQ(rc, HD_ELIMIT);
            snap_check(s, &before);
            limited++;
            hd_heap_set_limits(h, 0, 0);
            CHECK_OK(hd_set_add(h, s, keys[i]));
        }
        hd_heap_set_limits(h, 0, 0);
    }
    CHECK_EQ(limited, 3); /* the resizes to 32, 128 and 512 slots */
    hd_heap_totals_t t;
    hd_heap_totals(h, &t);
    hd_heap_set_limits(h, 0, t.objects);
    hd_obj_t *out;
    CHECK_EQ(hd_set_new(h, 0, NULL, &out), HD_ELIMIT);
    hd_heap_set_limits(h, 0, 0);
    for (int i = 0; i < 200; i++)
        hd_obj_decref(h, keys[i]);
    hd_obj_decref(h, s);
    rt_heap_done(h);
}
