/*
 * test_sizes.c: sys.getsizeof of every type in every state, and the way
 * memory is split into blocks, against /usr/bin/python3 run at test time.
 * Each case runs a small Python program that prints sizes, does the same
 * thing to a heap, and compares the two lists: no expected value is typed
 * in by hand.
 */
#include "rt_util.h"

#include "pool.h"

#define MAXV 2048

static void compare(const char *what, const long long *py, size_t npy, const long long *ours,
                    size_t nours)
{
    if (npy != nours)
        hd_test_fail(__FILE__, __LINE__, "%s: python printed %zu values, we have %zu", what, npy,
                     nours);
    for (size_t i = 0; i < npy; i++)
        if (py[i] != ours[i])
            hd_test_fail(__FILE__, __LINE__, "%s: value %zu: python %lld, heapd %lld", what, i,
                         py[i], ours[i]);
}

static long long size_of(rt_t *r, hd_obj_t *o)
{
    return (long long)hd_obj_sizeof(r->h, o);
}

TEST(sizes_ints)
{
    static const int64_t vals[] = {0,
                                   1,
                                   -1,
                                   5,
                                   256,
                                   257,
                                   -5,
                                   -6,
                                   1073741823,
                                   1073741824,
                                   -1073741824,
                                   1152921504606846975LL,
                                   1152921504606846976LL,
                                   INT64_MAX,
                                   INT64_MIN};
    size_t n = sizeof(vals) / sizeof(vals[0]);
    char prog[4096] = "import sys\n";
    for (size_t i = 0; i < n; i++)
        snprintf(prog + strlen(prog), sizeof(prog) - strlen(prog), "print(sys.getsizeof(%lld))\n",
                 (long long)vals[i]);
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV);
    rt_t *r = rt_new();
    for (size_t i = 0; i < n; i++) {
        hd_obj_t *o;
        CHECK_OK(hd_int_from_i64(r->h, vals[i], &o));
        ours[i] = size_of(r, o);
        int64_t back;
        CHECK_OK(hd_int_to_i64(o, &back));
        CHECK_EQ(back, vals[i]);
        hd_obj_decref(r->h, o);
    }
    compare("ints", py, npy, ours, n);
    rt_free(r);
}

TEST(sizes_atoms)
{
    static const char *strs[] = {"",
                                 "a",
                                 "hello",
                                 "\xc3\xa9",
                                 "h\xc3\xa9llo",
                                 "h\xe2\x82\xacllo",
                                 "h\xf0\x9f\x98\x80llo",
                                 "\xe2\x82\xac"};
    const char *prog = "import sys\n"
                       "for s in ['', 'a', 'hello', '\\xe9', 'h\\xe9llo', 'h\\u20acllo', "
                       "'h\\U0001f600llo', '\\u20ac', 'x'*1000]: print(sys.getsizeof(s))\n"
                       "for b in [b'', b'a', b'hello', b'x'*1000]: print(sys.getsizeof(b))\n"
                       "print(sys.getsizeof(1.5)); print(sys.getsizeof(None))\n"
                       "print(sys.getsizeof(True)); print(sys.getsizeof(object()))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_obj_t *o;
    for (size_t i = 0; i < 8; i++) {
        CHECK_OK(hd_str_new(r->h, strs[i], strlen(strs[i]), &o));
        ours[n++] = size_of(r, o);
        hd_obj_decref(r->h, o);
    }
    char big[1001];
    memset(big, 'x', 1000);
    big[1000] = 0;
    CHECK_OK(hd_str_new(r->h, big, 1000, &o));
    ours[n++] = size_of(r, o);
    hd_obj_decref(r->h, o);
    static const size_t blens[] = {0, 1, 5, 1000};
    for (size_t i = 0; i < 4; i++) {
        CHECK_OK(hd_bytes_new(r->h, big, blens[i], &o));
        ours[n++] = size_of(r, o);
        hd_obj_decref(r->h, o);
    }
    CHECK_OK(hd_float_new(r->h, 1.5, &o));
    ours[n++] = size_of(r, o);
    hd_obj_decref(r->h, o);
    hd_none(r->h, &o);
    ours[n++] = size_of(r, o);
    hd_obj_decref(r->h, o);
    hd_bool(r->h, true, &o);
    ours[n++] = size_of(r, o);
    hd_obj_decref(r->h, o);
    CHECK_OK(hd_object_new(r->h, &o));
    ours[n++] = size_of(r, o);
    hd_obj_decref(r->h, o);
    compare("atoms", py, npy, ours, n);
    CHECK_EQ(hd_str_new(r->h, "\xff", 1, &o), HD_EINVAL);
    rt_free(r);
}

TEST(sizes_tuples_and_literals)
{
    /* tuple of n; BUILD_LIST n (a literal of names: exact); the constant
     * literal path (LIST_EXTEND of a tuple into an empty list: even) */
    const char *prog = "import sys\nx = None\n"
                       "for n in range(0, 40):\n"
                       "    print(sys.getsizeof(tuple([None] * n)))\n"
                       "    print(sys.getsizeof(eval('[' + ','.join(['x'] * n) + ']')))\n"
                       "    l = []; l.extend(tuple([None] * n)); print(sys.getsizeof(l))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_obj_t *none, *items[40], *o;
    hd_none(r->h, &none);
    for (int i = 0; i < 40; i++)
        items[i] = none;
    for (size_t k = 0; k < 40; k++) {
        CHECK_OK(hd_tuple_new(r->h, k, items, &o));
        ours[n++] = size_of(r, o);
        hd_obj_t *t = o;
        CHECK_OK(hd_list_new(r->h, k, items, &o));
        ours[n++] = size_of(r, o);
        hd_obj_decref(r->h, o);
        CHECK_OK(hd_list_new(r->h, 0, NULL, &o));
        CHECK_OK(hd_list_extend(r->h, o, t));
        ours[n++] = size_of(r, o);
        hd_obj_decref(r->h, o);
        hd_obj_decref(r->h, t);
    }
    hd_obj_decref(r->h, none);
    compare("tuples and list literals", py, npy, ours, n);
    rt_free(r);
}

TEST(sizes_list_growth_and_shrink)
{
    const char *prog = "import sys\nl = []\n"
                       "for i in range(300): l.append(None); print(sys.getsizeof(l))\n"
                       "for i in range(300): l.pop(); print(sys.getsizeof(l))\n"
                       "for i in range(50): l.insert(0, None); print(sys.getsizeof(l))\n"
                       "for i in range(50): del l[0]; print(sys.getsizeof(l))\n"
                       "l.append(1); l.clear(); print(sys.getsizeof(l))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_obj_t *none, *l, *popped;
    hd_none(r->h, &none);
    CHECK_OK(hd_list_new(r->h, 0, NULL, &l));
    for (int i = 0; i < 300; i++) {
        CHECK_OK(hd_list_append(r->h, l, none));
        ours[n++] = size_of(r, l);
    }
    for (int i = 0; i < 300; i++) {
        CHECK_OK(hd_list_pop(r->h, l, -1, &popped));
        hd_obj_decref(r->h, popped);
        ours[n++] = size_of(r, l);
    }
    CHECK_EQ(hd_list_pop(r->h, l, -1, &popped), HD_EKEY);
    for (int i = 0; i < 50; i++) {
        CHECK_OK(hd_list_insert(r->h, l, 0, none));
        ours[n++] = size_of(r, l);
    }
    for (int i = 0; i < 50; i++) {
        CHECK_OK(hd_list_delitem(r->h, l, 0));
        ours[n++] = size_of(r, l);
    }
    CHECK_OK(hd_list_append(r->h, l, none));
    CHECK_OK(hd_list_clear(r->h, l));
    ours[n++] = size_of(r, l);
    hd_obj_decref(r->h, l);
    hd_obj_decref(r->h, none);
    compare("list growth", py, npy, ours, n);
    rt_free(r);
}

TEST(sizes_classes_instances_weakrefs)
{
    const char *prog =
        "import sys, weakref\n"
        "class C: pass\n"
        "class D:\n    def __del__(self): pass\n"
        "class S: __slots__ = ('a', 'b')\n"
        "class W: __slots__ = ('a', '__weakref__')\n"
        "class E: __slots__ = ()\n"
        "for k in (C, D, S, W, E): print(sys.getsizeof(k)); print(sys.getsizeof(k()))\n"
        "c = C(); c.x = 1; print(sys.getsizeof(c)); print(sys.getsizeof(weakref.ref(c)))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    static const char *s_slots[] = {"a", "b"}, *w_slots[] = {"a", "__weakref__"};
    hd_class_spec_t specs[5] = {{false, false, 0, NULL},
                                {true, false, 0, NULL},
                                {false, true, 2, s_slots},
                                {false, true, 2, w_slots},
                                {false, true, 0, NULL}};
    const char *names[5] = {"C", "D", "S", "W", "E"};
    hd_obj_t *cls[5], *o;
    for (int i = 0; i < 5; i++) {
        CHECK_OK(hd_class_new(r->h, names[i], &specs[i], &cls[i]));
        ours[n++] = size_of(r, cls[i]);
        CHECK_OK(hd_instance_new(r->h, cls[i], false, &o));
        ours[n++] = size_of(r, o);
        hd_obj_decref(r->h, o);
    }
    hd_obj_t *one, *wr;
    CHECK_OK(hd_instance_new(r->h, cls[0], false, &o));
    CHECK_OK(hd_int_from_i64(r->h, 1, &one));
    CHECK_OK(hd_obj_setattr(r->h, o, "x", one));
    ours[n++] = size_of(r, o);
    CHECK_OK(hd_weakref_new(r->h, o, NULL, false, &wr));
    ours[n++] = size_of(r, wr);
    hd_obj_decref(r->h, wr);
    hd_obj_decref(r->h, o);
    hd_obj_decref(r->h, one);
    for (int i = 0; i < 5; i++)
        hd_obj_decref(r->h, cls[i]);
    compare("classes", py, npy, ours, n);
    rt_free(r);
}

/* blocks_in_class: blocks in use of the size class holding `size` bytes */
static long long blocks_of(rt_t *r, size_t size)
{
    hd_pool_stats_t st;
    hd_pool_stats(hd_heap_pool(r->h), &st);
    return (long long)st.classes[(size - 1) / 16].blocks_used;
}

TEST(instance_values_blocks)
{
    /* 3.11 sizes each new instance's values array from the class's shared
     * keys: watch the size class that gains a block for each of 35 instances
     * (python: sys._debugmallocstats before and after each one). */
    const char *prog =
        "import sys, os\n"
        "def stats():\n"
        "    r, w = os.pipe(); old = os.dup(2); os.dup2(w, 2); sys._debugmallocstats()\n"
        "    os.dup2(old, 2); os.close(w); out = os.read(r, 1 << 20).decode(); os.close(r)\n"
        "    t = {}\n"
        "    for line in out.splitlines():\n"
        "        p = line.split()\n"
        "        if len(p) == 5 and p[0].isdigit(): t[int(p[1])] = int(p[3])\n"
        "    return t\n"
        "class K: pass\n"
        "keep = []\n"
        "for i in range(35):\n"
        "    s0 = stats(); o = K(); s1 = stats(); keep.append(o)\n"
        "    d = {k: s1.get(k, 0) - s0.get(k, 0) for k in set(s0) | set(s1)}\n"
        "    d[64] -= 1\n"
        "    grown = [k for k in sorted(d) if d[k] > 0 and k != 32]\n"
        "    print(grown[0] if grown else 64)\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_obj_t *cls, *keep[35];
    CHECK_OK(hd_class_new(r->h, "K", NULL, &cls));
    for (int i = 0; i < 35; i++) {
        long long before[33], after[33];
        for (int c = 1; c <= 32; c++)
            before[c] = blocks_of(r, (size_t)c * 16);
        CHECK_OK(hd_instance_new(r->h, cls, false, &keep[i]));
        for (int c = 1; c <= 32; c++)
            after[c] = blocks_of(r, (size_t)c * 16);
        after[4]--; /* the instance itself (56 -> 64) */
        long long grown = 64;
        for (int c = 1; c <= 32; c++)
            if (after[c] > before[c] && c != 2) {
                grown = c * 16;
                break;
            }
        ours[n++] = grown;
    }
    for (int i = 0; i < 35; i++)
        hd_obj_decref(r->h, keep[i]);
    hd_obj_decref(r->h, cls);
    compare("instance values", py, npy, ours, n);
    rt_free(r);
}
