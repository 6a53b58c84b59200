/*
 * test_divergence.c: cases where a review found the runtime doing something
 * other than python3 does (issue 2). Each case runs the same steps in
 * /usr/bin/python3 at test time and in a heap, and compares what both print:
 * sizes (sys.getsizeof), gc counts (gc.get_count) and the like.
 */
#include "rt_oracle.h"
#include "rt_util.h"

#include <pthread.h>

#include "graph.h"
#include "trace.h"
#include "pool.h"

#define MAXV 512

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

static hd_obj_t *int_obj(rt_t *r, int64_t v)
{
    hd_obj_t *o;
    CHECK_OK(hd_int_from_i64(r->h, v, &o));
    return o;
}

/* set(range(n)) (as_dict: dict.fromkeys(range(n))) */
static hd_obj_t *range_set(rt_t *r, int n, bool as_dict)
{
    hd_obj_t *o, *none;
    hd_none(r->h, &none);
    if (as_dict)
        CHECK_OK(hd_dict_new(r->h, 0, NULL, NULL, &o));
    else
        CHECK_OK(hd_set_new(r->h, 0, NULL, &o));
    for (int i = 0; i < n; i++) {
        hd_obj_t *k = int_obj(r, i);
        if (as_dict)
            CHECK_OK(hd_dict_setitem(r->h, o, k, none));
        else
            CHECK_OK(hd_set_add(r->h, o, k));
        hd_obj_decref(r->h, k);
    }
    hd_obj_decref(r->h, none);
    return o;
}

static int gc_count0(rt_t *r)
{
    int c[3];
    hd_gc_get_count(r->h, c);
    return c[0];
}

/* Item 1: list.extend of a set or dict takes list_extend's iterator path:
 * a tracked iterator (which can start a collection), exact pre-allocation of
 * an empty list, list_resize of a non-empty one. */
TEST(div_extend_set_dict)
{
    const char *prog = "import gc, sys\n"
                       "for n in [0, 1, 2, 3, 5, 9, 17]:\n"
                       "    a = []\n"
                       "    a.extend(set(range(n)))\n"
                       "    b = []\n"
                       "    b.extend(dict.fromkeys(range(n)))\n"
                       "    c = [0]\n"
                       "    c.extend(set(range(n)))\n"
                       "    print(sys.getsizeof(a)); print(sys.getsizeof(b)); "
                       "print(sys.getsizeof(c))\n"
                       "s = {1, 2, 3}\n"
                       "gc.collect()\n"
                       "a = []\n"
                       "keep = []\n"
                       "while gc.get_count()[0] < 700:\n"
                       "    keep.append([])\n"
                       "print(gc.get_count()[0])\n"
                       "a.extend(s)\n"
                       "print(gc.get_count()[0])\n"
                       "print(sys.getsizeof(a))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    static const int ns[] = {0, 1, 2, 3, 5, 9, 17};
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        hd_obj_t *lists[3], *srcs[3];
        srcs[0] = range_set(r, ns[i], false);
        srcs[1] = range_set(r, ns[i], true);
        srcs[2] = range_set(r, ns[i], false);
        for (int j = 0; j < 3; j++) {
            hd_obj_t *zero = int_obj(r, 0);
            CHECK_OK(hd_list_new(r->h, j == 2, &zero, &lists[j])); /* [] or [0] */
            hd_obj_decref(r->h, zero);
            int before = gc_count0(r);
            CHECK_OK(hd_list_extend(r->h, lists[j], srcs[j]));
            CHECK_EQ(gc_count0(r), before); /* the iterator came and went */
            CHECK_EQ(hd_len(lists[j]), ns[i] + (j == 2));
        }
        for (int j = 0; j < 3; j++) {
            ours[n++] = (long long)hd_obj_sizeof(r->h, lists[j]);
            hd_obj_decref(r->h, lists[j]);
            hd_obj_decref(r->h, srcs[j]);
        }
    }
    /* the iterator's allocation pushes count 0 over the threshold */
    hd_obj_t *s = range_set(r, 3, false), *a, *keep;
    CHECK_OK(hd_gc_collect(r->h, 2, NULL));
    CHECK_OK(hd_list_new(r->h, 0, NULL, &a));
    CHECK_OK(hd_list_new(r->h, 0, NULL, &keep));
    while (gc_count0(r) < 700) {
        hd_obj_t *e;
        CHECK_OK(hd_list_new(r->h, 0, NULL, &e));
        CHECK_OK(hd_list_append(r->h, keep, e));
        hd_obj_decref(r->h, e);
    }
    ours[n++] = gc_count0(r);
    CHECK_OK(hd_list_extend(r->h, a, s));
    ours[n++] = gc_count0(r);
    ours[n++] = (long long)hd_obj_sizeof(r->h, a);
    compare("extend", py, npy, ours, n);
    hd_obj_decref(r->h, a);
    hd_obj_decref(r->h, keep);
    hd_obj_decref(r->h, s);
    rt_free(r);
}

/* Item 2: deleting the last item of a list. del a[i] and remove() go through
 * list_ass_slice, which clears a list left empty (its item array is freed);
 * pop() of the last item is list_resize(0), which keeps the array. */
TEST(div_delete_last_item)
{
    const char *prog = "import sys\n"
                       "for n in [1, 2, 5, 9]:\n"
                       "    a = list(range(n))\n"
                       "    for k in range(n):\n"
                       "        del a[0]\n"
                       "    b = [1]\n"
                       "    del b[0]\n"
                       "    c = [1]\n"
                       "    c.pop()\n"
                       "    d = [1]\n"
                       "    d.pop(0)\n"
                       "    f = [1]\n"
                       "    f.remove(1)\n"
                       "    g = [1, 2]\n"
                       "    del g[-1]\n"
                       "    del g[0]\n"
                       "    print(sys.getsizeof(a)); print(sys.getsizeof(b)); "
                       "print(sys.getsizeof(c))\n"
                       "    print(sys.getsizeof(d)); print(sys.getsizeof(f)); "
                       "print(sys.getsizeof(g))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    static const int ns[] = {1, 2, 5, 9};
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        hd_obj_t *items[9], *l[6], *one = int_obj(r, 1), *two = int_obj(r, 2), *out;
        hd_obj_t *pair[2] = {one, two};
        for (int k = 0; k < ns[i]; k++)
            items[k] = int_obj(r, k);
        /* list(range(n)): an exact (even) pre-allocation */
        CHECK_OK(hd_list_new(r->h, 0, NULL, &l[0]));
        hd_obj_t *t;
        CHECK_OK(hd_tuple_new(r->h, (size_t)ns[i], items, &t));
        CHECK_OK(hd_list_extend(r->h, l[0], t));
        hd_obj_decref(r->h, t);
        for (int k = 0; k < ns[i]; k++)
            CHECK_OK(hd_list_delitem(r->h, l[0], 0));
        for (int j = 1; j < 5; j++)
            CHECK_OK(hd_list_new(r->h, 1, &one, &l[j]));
        size_t bytes_before;
        {
            hd_heap_totals_t tt;
            hd_heap_totals(r->h, &tt);
            bytes_before = tt.bytes;
        }
        CHECK_OK(hd_list_delitem(r->h, l[1], 0));
        {
            hd_heap_totals_t tt;
            hd_heap_totals(r->h, &tt);
            CHECK_EQ(bytes_before - tt.bytes, 16); /* the one-slot array: a 16-byte block */
        }
        CHECK_OK(hd_list_pop(r->h, l[2], -1, &out));
        hd_obj_decref(r->h, out);
        CHECK_OK(hd_list_pop(r->h, l[3], 0, &out));
        hd_obj_decref(r->h, out);
        CHECK_OK(hd_list_remove(r->h, l[4], one));
        CHECK_OK(hd_list_new(r->h, 2, pair, &l[5]));
        CHECK_OK(hd_list_delitem(r->h, l[5], -1));
        CHECK_OK(hd_list_delitem(r->h, l[5], 0));
        for (int j = 0; j < 6; j++) {
            CHECK_EQ(hd_len(l[j]), 0);
            ours[n++] = (long long)hd_obj_sizeof(r->h, l[j]);
            hd_obj_decref(r->h, l[j]);
        }
        for (int k = 0; k < ns[i]; k++)
            hd_obj_decref(r->h, items[k]);
        hd_obj_decref(r->h, one);
        hd_obj_decref(r->h, two);
    }
    compare("delete last", py, npy, ours, n);
    rt_free(r);
}

/* Item 3: gc.garbage exists from CPython's startup (_PyGC_Init), so the
 * first collection that saves something only appends to it: it allocates no
 * tracked object and count 0 stays at 0 after the collection. */
TEST(div_saveall_garbage_list)
{
    const char *prog = "import gc\n"
                       "gc.set_debug(gc.DEBUG_SAVEALL)\n"
                       "for i in range(3):\n"
                       "    l = []\n"
                       "    l.append(l)\n"
                       "    del l\n"
                       "    n = gc.collect()\n"
                       "    c = gc.get_count()[0]\n"
                       "    print(n); print(c); print(len(gc.garbage))\n"
                       "gc.set_debug(0)\n"
                       "gc.garbage.clear()\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_gc_set_debug(r->h, HD_GC_DEBUG_SAVEALL);
    for (int i = 0; i < 3; i++) {
        hd_obj_t *l;
        CHECK_OK(hd_list_new(r->h, 0, NULL, &l));
        CHECK_OK(hd_list_append(r->h, l, l));
        hd_obj_decref(r->h, l);
        hd_gc_result_t res;
        CHECK_OK(hd_gc_collect(r->h, 2, &res));
        ours[n++] = res.collected + res.uncollectable;
        ours[n++] = gc_count0(r);
        hd_obj_t *garbage;
        CHECK_OK(hd_gc_garbage(r->h, &garbage));
        ours[n++] = hd_len(garbage);
    }
    compare("saveall", py, npy, ours, n);
    rt_free(r);
}

/* Item 8: PyObject_ClearWeakRefs with two or more callbacks collects them in
 * a tuple of 2 * count items (a tracked object: it moves count 0, and a
 * tuple of 20 is never taken from the free list); one callback needs none.
 * (Smaller tuples are left out: whether python3's free list for them is
 * empty at that point depends on its startup.) */
TEST(div_weakref_callback_tuple)
{
    const char *prog = "import gc, weakref\n"
                       "class C:\n"
                       "    pass\n"
                       "def cb(r):\n"
                       "    pass\n"
                       "gc.disable()\n"
                       "for k in [1, 10, 12, 10]:\n"
                       "    o = C()\n"
                       "    refs = [weakref.ref(o, cb) for i in range(k)]\n"
                       "    c0 = gc.get_count()[0]\n"
                       "    del o\n"
                       "    c1 = gc.get_count()[0]\n"
                       "    print(c1 - c0)\n"
                       "    del refs\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_gc_enable(r->h, false);
    hd_obj_t *cls, *cb = int_obj(r, 7);
    CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
    static const int ks[] = {1, 10, 12, 10};
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        hd_obj_t *o, *refs[12];
        CHECK_OK(hd_instance_new(r->h, cls, false, &o));
        for (int j = 0; j < ks[i]; j++)
            CHECK_OK(hd_weakref_new(r->h, o, cb, false, &refs[j]));
        int c0 = gc_count0(r), nev = r->nev;
        hd_obj_decref(r->h, o);
        ours[n++] = gc_count0(r) - c0;
        CHECK_EQ(r->nev - nev, ks[i]); /* every callback ran */
        for (int j = 0; j < ks[i]; j++) {
            CHECK(hd_weakref_get(refs[j]) == NULL);
            hd_obj_decref(r->h, refs[j]);
        }
    }
    compare("weakref callbacks", py, npy, ours, n);
    hd_obj_decref(r->h, cb);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

/* Item 8, failure path: when the callbacks' tuple cannot be allocated (an
 * object cap here; out of memory alike), every ref is still cleared and
 * every callback still runs, newest first. */
TEST(div_weakref_callback_tuple_refused)
{
    rt_t *r = rt_new();
    hd_obj_t *cls, *o, *refs[3];
    CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    for (int j = 0; j < 3; j++) {
        hd_obj_t *cb = int_obj(r, 1000 + j);
        CHECK_OK(hd_weakref_new(r->h, o, cb, false, &refs[j]));
        hd_obj_decref(r->h, cb);
    }
    hd_heap_totals_t t;
    hd_heap_totals(r->h, &t);
    hd_heap_set_limits(r->h, 0, t.objects);
    int nev = r->nev;
    hd_obj_decref(r->h, o);
    hd_heap_set_limits(r->h, 0, 0);
    CHECK_EQ(r->nev - nev, 3);
    for (int j = 0; j < 3; j++) {
        CHECK_EQ(r->ev[nev + j].kind, 'W');
        CHECK_EQ(r->ev[nev + j].tag, 1002 - j);
        CHECK(hd_weakref_get(refs[j]) == NULL);
    }
    const char *why = NULL;
    CHECK_OK(hd_heap_validate(r->h, &why, NULL));
    for (int j = 0; j < 3; j++)
        hd_obj_decref(r->h, refs[j]);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

static int has_dict_referent(hd_obj_t *r, void *arg)
{
    (void)arg;
    return hd_obj_type(r) == HD_T_DICT;
}

/* Item 4: a failed `del a.x` on an instance with shared keys: 3.11's
 * _PyObject_StoreInstanceAttribute inserts the name into the class's cached
 * keys first (used up after enough of them: later instances get a real
 * dict), and with the keys full it materializes the instance's dict before
 * the deletion fails. */
TEST(div_failed_delattr_shared_keys)
{
    const char *prog = "import gc\n"
                       "for k in [0, 1, 28, 29, 30, 40]:\n"
                       "    class C:\n"
                       "        pass\n"
                       "    a = C()\n"
                       "    for i in range(k):\n"
                       "        try:\n"
                       "            delattr(a, 'n%d' % i)\n"
                       "        except AttributeError:\n"
                       "            pass\n"
                       "    b = C()\n"
                       "    b.y = 1\n"
                       "    print(int(any(type(x) is dict for x in gc.get_referents(a))))\n"
                       "    print(int(any(type(x) is dict for x in gc.get_referents(b))))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    static const int ks[] = {0, 1, 28, 29, 30, 40};
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        hd_obj_t *cls, *a, *b, *one = int_obj(r, 1);
        CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
        CHECK_OK(hd_instance_new(r->h, cls, false, &a));
        for (int j = 0; j < ks[i]; j++) {
            char name[16];
            snprintf(name, sizeof(name), "n%d", j);
            CHECK_EQ(hd_obj_delattr(r->h, a, name), HD_EKEY);
        }
        CHECK_OK(hd_instance_new(r->h, cls, false, &b));
        CHECK_OK(hd_obj_setattr(r->h, b, "y", one));
        ours[n++] = hd_obj_referents(r->h, a, has_dict_referent, NULL);
        ours[n++] = hd_obj_referents(r->h, b, has_dict_referent, NULL);
        hd_obj_decref(r->h, a);
        hd_obj_decref(r->h, b);
        hd_obj_decref(r->h, cls);
        hd_obj_decref(r->h, one);
    }
    compare("failed delattr", py, npy, ours, n);
    rt_free(r);
}

/* ---- item 5: a failing call changes nothing ----
 * Pool blocks come from arenas the heap already holds, which the
 * fault-injecting allocator of mem.h does not see, so these cases refuse them
 * with the heap's byte cap instead, raised 16 bytes at a time from "nothing
 * more" until the call succeeds: every allocation of the call fails once. */

static uint64_t heap_bytes(rt_t *r)
{
    hd_heap_totals_t t;
    hd_heap_totals(r->h, &t);
    return t.bytes;
}

static void validate_only(rt_t *r)
{
    const char *why = NULL;
    int rc = hd_heap_validate(r->h, &why, NULL);
    if (rc)
        hd_test_fail(__FILE__, __LINE__, "validate: %s", why ? why : "?");
}

/* bytes a new instance of a fresh class costs, after `failures` refused
 * attempts at budgets 0, 16, 32, ... (0 = no refusal) */
static uint64_t first_instance_cost(int *failures)
{
    rt_t *r = rt_new();
    hd_obj_t *cls, *o = NULL;
    CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
    uint64_t before = heap_bytes(r);
    *failures = 0;
    for (uint64_t budget = 0; !o; budget += 16) {
        hd_heap_set_limits(r->h, before + budget, 0);
        int rc = hd_instance_new(r->h, cls, false, &o);
        hd_heap_set_limits(r->h, 0, 0);
        if (rc) {
            CHECK_EQ(rc, HD_ELIMIT);
            CHECK_EQ(heap_bytes(r), before);
            validate_only(r);
            (*failures)++;
            o = NULL;
        }
    }
    uint64_t cost = heap_bytes(r) - before;
    hd_obj_decref(r->h, o);
    hd_obj_decref(r->h, cls);
    rt_free(r);
    return cost;
}

/* values_new lowered the class's usable before its allocation: each refused
 * instance made the next one's values block smaller. */
TEST(div_fail_instance_values_keeps_usable)
{
    int failures;
    uint64_t refused = first_instance_cost(&failures);
    CHECK(failures >= 2); /* the instance block, then its values block */
    rt_t *r = rt_new();
    hd_obj_t *cls, *o;
    CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
    uint64_t before = heap_bytes(r);
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    CHECK_EQ(refused, heap_bytes(r) - before);
    hd_obj_decref(r->h, o);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

static int has_dict(hd_heap_t *h, hd_obj_t *o)
{
    return hd_obj_referents(h, o, has_dict_referent, NULL);
}

/* An attribute that the full shared keys cannot take: the instance's dict
 * was attached before the set that then failed. */
TEST(div_fail_setattr_after_materialize)
{
    rt_t *r = rt_new();
    hd_obj_t *cls, *o, *v = int_obj(r, 1000);
    CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    char name[16];
    int nset = 0;
    for (; nset < 64; nset++) {
        snprintf(name, sizeof(name), "n%d", nset);
        CHECK_OK(hd_obj_setattr(r->h, o, name, v));
        if (has_dict(r->h, o))
            break;
    }
    CHECK(nset < 64); /* the keys filled up and this one made a dict */
    /* a second instance meets the full keys with its first new name */
    hd_obj_t *b;
    CHECK_OK(hd_instance_new(r->h, cls, false, &b));
    CHECK_OK(hd_obj_setattr(r->h, b, "n0", v));
    uint64_t before = heap_bytes(r);
    size_t size = hd_obj_sizeof(r->h, b);
    int failures = 0, rc;
    for (uint64_t budget = 0;; budget += 16) {
        hd_heap_set_limits(r->h, before + budget, 0);
        rc = hd_obj_setattr(r->h, b, "extra", v);
        hd_heap_set_limits(r->h, 0, 0);
        if (rc == 0)
            break;
        CHECK_EQ(rc, HD_ELIMIT);
        failures++;
        CHECK(!has_dict(r->h, b)); /* (a dict made and dropped may sit on the free list) */
        CHECK_EQ(hd_obj_sizeof(r->h, b), size);
        hd_obj_t *got;
        CHECK_OK(hd_obj_getattr(r->h, b, "n0", &got));
        CHECK_EQ(hd_obj_getattr(r->h, b, "extra", &got), HD_EKEY);
        validate_only(r);
    }
    CHECK(failures >= 2);
    CHECK(has_dict(r->h, b));
    hd_obj_t *got;
    CHECK_OK(hd_obj_getattr(r->h, b, "extra", &got));
    CHECK(got == v);
    hd_obj_decref(r->h, b);
    /* the same through mem.h's fault injection: with every shared name set,
     * the new dict's keys table is over 512 bytes and comes from the system
     * allocator, where the Nth request can be made to fail */
    int mem_failures = 0;
    for (uint64_t nth = 1;; nth++) {
        CHECK_OK(hd_instance_new(r->h, cls, false, &b));
        for (int j = 0; j < nset; j++) { /* every name the shared keys hold */
            snprintf(name, sizeof(name), "n%d", j);
            CHECK_OK(hd_obj_setattr(r->h, b, name, v));
        }
        CHECK(!has_dict(r->h, b));
        hd_mem_fail_after(&r->mem, nth, 1);
        rc = hd_obj_setattr(r->h, b, "extra", v);
        hd_mem_fail_after(&r->mem, 0, 0);
        bool done = rc == 0;
        if (!done) {
            CHECK_EQ(rc, HD_ENOMEM);
            mem_failures++;
            CHECK(!has_dict(r->h, b));
            CHECK_EQ(hd_obj_getattr(r->h, b, "extra", &got), HD_EKEY);
            validate_only(r);
        }
        hd_obj_decref(r->h, b);
        if (done)
            break;
    }
    CHECK(mem_failures >= 1);
    hd_obj_decref(r->h, o);
    hd_obj_decref(r->h, cls);
    hd_obj_decref(r->h, v);
    rt_free(r);
}

/* A class's first attribute: the attrs dict was left behind, empty, when
 * the set failed after making it. */
TEST(div_fail_class_setattr_leaves_no_dict)
{
    rt_t *r = rt_new();
    hd_obj_t *cls, *v = int_obj(r, 1000);
    CHECK_OK(hd_class_new(r->h, "C", NULL, &cls));
    uint64_t before = heap_bytes(r);
    int failures = 0, rc;
    for (uint64_t budget = 0;; budget += 16) {
        hd_heap_set_limits(r->h, before + budget, 0);
        rc = hd_obj_setattr(r->h, cls, "x", v);
        hd_heap_set_limits(r->h, 0, 0);
        if (rc == 0)
            break;
        CHECK_EQ(rc, HD_ELIMIT);
        failures++;
        CHECK(!has_dict(r->h, cls));
        validate_only(r);
    }
    CHECK(failures >= 2);
    CHECK(has_dict(r->h, cls));
    hd_obj_decref(r->h, cls);
    hd_obj_decref(r->h, v);
    rt_free(r);
}

/* ---- item 9: deep weakref-callback chains ---- */

#define CHAIN_LINKS 100000

typedef struct chain_job {
    rt_t *r;
    bool bind; /* bind the chain's end to a name (else the import drops it) */
    int rc;
} chain_job_t;

/* import_chain: CHAIN_LINKS dead weakrefs, each the callback object of the
 * next: dropping the last drops them all, one inside the other. */
static void *import_chain(void *arg)
{
    chain_job_t *job = arg;
    hd_graph_node_t *nodes = calloc(CHAIN_LINKS, sizeof(*nodes));
    uint64_t *ids = calloc(CHAIN_LINKS, sizeof(*ids));
    for (size_t i = 0; i < CHAIN_LINKS; i++) {
        ids[i] = i + 1;
        nodes[i].id = i + 1;
        nodes[i].type = HD_T_WEAKREF;
        if (i > 0) {
            nodes[i].nrefs = 1;
            nodes[i].refs = &ids[i - 1];
            nodes[i].has_callback_obj = true;
        }
    }
    hd_graph_name_t name = {"chain", CHAIN_LINKS};
    job->rc = hd_graph_import(job->r->h, nodes, CHAIN_LINKS, &name, job->bind ? 1 : 0, NULL);
    free(nodes);
    free(ids);
    if (job->rc == 0 && job->bind)
        job->rc = hd_ns_del(job->r->h, "chain");
    return NULL;
}

static void run_small_stack(void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t th;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    CHECK_EQ(pthread_create(&th, &attr, fn, arg), 0);
    CHECK_EQ(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
}

/* Weakrefs deallocate outside the trashcan (as CPython's do), so a chain of
 * them freed one inside the other must be bounded some other way: 100,000
 * links on a 256 KiB stack, dropped by the import's release and by del. */
TEST(div_weakref_callback_chain_depth)
{
    for (int bind = 0; bind < 2; bind++) {
        rt_t *r = rt_new();
        chain_job_t job = {r, bind == 1, -1};
        run_small_stack(import_chain, &job);
        CHECK_OK(job.rc);
        hd_heap_totals_t t;
        hd_heap_totals(r->h, &t);
        CHECK_EQ(t.objects, 0);
        CHECK_EQ(r->nev, 0); /* dead weakrefs call nothing */
        rt_free(r);
    }
}

/* ---- item 7: repr details ---- */

/* mask_addrs: "0x..." hex runs become "0x", in place */
static void mask_addrs(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '0' && r[1] == 'x') {
            *w++ = '0', *w++ = 'x';
            r += 2;
            while ((*r >= '0' && *r <= '9') || (*r >= 'a' && *r <= 'f'))
                r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
}

/* str repr escapes exactly what str.isprintable() rejects, over every code
 * point (surrogates aside: a heap str is made from UTF-8): both sides list
 * the runs of non-printable code points. */
TEST(div_str_repr_printable)
{
    const char *prog = "r = []\n"
                       "start = None\n"
                       "for c in range(0x110000):\n"
                       "    if 0xd800 <= c <= 0xdfff:\n"
                       "        continue\n"
                       "    if not chr(c).isprintable():\n"
                       "        if start is None:\n"
                       "            start = c\n"
                       "        last = c\n"
                       "    elif start is not None:\n"
                       "        print(start); print(last)\n"
                       "        start = None\n"
                       "if start is not None:\n"
                       "    print(start); print(last)\n";
    static long long py[4096], ours[4096];
    size_t npy = py_ints(prog, py, 4096), n = 0;
    CHECK(npy > 1000);
    rt_t *r = rt_new();
    long long start = -1, last = -1;
    for (uint32_t c = 0; c < 0x110000; c++) {
        if (c >= 0xd800 && c <= 0xdfff)
            continue;
        char u[5];
        size_t k;
        if (c < 0x80)
            u[0] = (char)c, k = 1;
        else if (c < 0x800)
            u[0] = (char)(0xc0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3f)), k = 2;
        else if (c < 0x10000)
            u[0] = (char)(0xe0 | (c >> 12)), u[1] = (char)(0x80 | ((c >> 6) & 0x3f)),
            u[2] = (char)(0x80 | (c & 0x3f)), k = 3;
        else
            u[0] = (char)(0xf0 | (c >> 18)), u[1] = (char)(0x80 | ((c >> 12) & 0x3f)),
            u[2] = (char)(0x80 | ((c >> 6) & 0x3f)), u[3] = (char)(0x80 | (c & 0x3f)), k = 4;
        hd_obj_t *s;
        CHECK_OK(hd_str_new(r->h, u, k, &s));
        char buf[32];
        hd_obj_repr(r->h, s, buf, sizeof(buf));
        hd_obj_decref(r->h, s);
        /* '\\x', '\\u', '\\U' escapes, or '\\t' and friends, mean "not printable" */
        bool escaped = strchr(buf, '\\') != NULL && c != '\\';
        if (escaped) {
            if (start < 0)
                start = c;
            last = c;
        } else if (start >= 0) {
            CHECK(n + 2 <= 4096);
            ours[n++] = start, ours[n++] = last;
            start = -1;
        }
    }
    if (start >= 0)
        ours[n++] = start, ours[n++] = last;
    compare("non-printable runs", py, npy, ours, n);
    rt_free(r);
}

typedef struct lines {
    char text[8192];
    size_t len;
} lines_t;

static lines_t *g_lines; /* the gc_message hook's sink for the case below */

static void collect_line(hd_heap_t *h, const char *line, void *ctx)
{
    (void)h;
    (void)ctx;
    size_t k = strlen(line);
    if (g_lines->len + k + 2 < sizeof(g_lines->text)) {
        memcpy(g_lines->text + g_lines->len, line, k);
        g_lines->len += k;
        g_lines->text[g_lines->len++] = '\n';
        g_lines->text[g_lines->len] = 0;
    }
}

/* weakref repr names a class (3.11 looks __name__ up on the referent's
 * type); DEBUG_COLLECTABLE names a weakref by its tp_name. */
TEST(div_weakref_repr_and_gc_debug_names)
{
    const char *prog = "import gc, io, re, sys, weakref\n"
                       "class C:\n"
                       "    pass\n"
                       "class D:\n"
                       "    __name__ = 'dee'\n"
                       "def show(s):\n"
                       "    print(re.sub('0x[0-9a-f]+', '0x', s))\n"
                       "c = C()\n"
                       "d = D()\n"
                       "show(repr(weakref.ref(C)))\n"
                       "show(repr(weakref.ref(c)))\n"
                       "show(repr(weakref.ref(d)))\n"
                       "del c\n"
                       "gc.collect()\n"
                       "buf = io.StringIO()\n"
                       "old = sys.stderr\n"
                       "sys.stderr = buf\n"
                       "gc.set_debug(gc.DEBUG_COLLECTABLE)\n"
                       "c = C()\n"
                       "c.self = c\n"
                       "c.w = weakref.ref(c)\n"
                       "del c\n"
                       "gc.collect()\n"
                       "gc.set_debug(0)\n"
                       "sys.stderr = old\n"
                       "for line in buf.getvalue().splitlines():\n"
                       "    show(line)\n";
    char *py = rt_py_output(prog, NULL);
    rt_t *r = rt_new();
    static lines_t out;
    out.len = 0;
    out.text[0] = 0;
    g_lines = &out;
    hd_heap_hooks_t hooks = {0};
    hooks.finalizer = rt_on_finalizer;
    hooks.weakref_callback = rt_on_weakref;
    hooks.gc_phase = rt_on_gc;
    hooks.resurrected = rt_on_resurrected;
    hooks.gc_message = collect_line;
    hooks.ctx = r;
    hd_heap_set_hooks(r->h, &hooks);
    hd_obj_t *C, *D, *c, *d, *name, *wr;
    CHECK_OK(hd_class_new(r->h, "C", NULL, &C));
    CHECK_OK(hd_class_new(r->h, "D", NULL, &D));
    CHECK_OK(hd_str_new(r->h, "dee", 3, &name));
    CHECK_OK(hd_obj_setattr(r->h, D, "__name__", name));
    hd_obj_decref(r->h, name);
    CHECK_OK(hd_instance_new(r->h, C, false, &c));
    CHECK_OK(hd_instance_new(r->h, D, false, &d));
    hd_obj_t *targets[3] = {C, c, d};
    for (int i = 0; i < 3; i++) {
        char buf[256];
        CHECK_OK(hd_weakref_new(r->h, targets[i], NULL, false, &wr));
        hd_obj_repr(r->h, wr, buf, sizeof(buf));
        hd_obj_decref(r->h, wr);
        collect_line(r->h, buf, NULL);
    }
    hd_obj_decref(r->h, c);
    CHECK_OK(hd_gc_collect(r->h, 2, NULL));
    hd_gc_set_debug(r->h, HD_GC_DEBUG_COLLECTABLE);
    CHECK_OK(hd_instance_new(r->h, C, false, &c));
    CHECK_OK(hd_obj_setattr(r->h, c, "self", c));
    CHECK_OK(hd_weakref_new(r->h, c, NULL, false, &wr));
    CHECK_OK(hd_obj_setattr(r->h, c, "w", wr));
    hd_obj_decref(r->h, wr);
    hd_obj_decref(r->h, c);
    CHECK_OK(hd_gc_collect(r->h, 2, NULL));
    hd_gc_set_debug(r->h, 0);
    mask_addrs(out.text);
    CHECK_STR(out.text, py);
    free(py);
    hd_obj_decref(r->h, d);
    hd_obj_decref(r->h, C);
    hd_obj_decref(r->h, D);
    rt_free(r);
}

/* 10**(k-1) (k decimal digits), negated when neg */
static hd_obj_t *pow10_int(rt_t *r, int k, bool neg)
{
    /* schoolbook multiplication by 10 on 30-bit digits */
    size_t cap = (size_t)k / 9 + 2, n = 1;
    uint32_t *d = calloc(cap, sizeof(*d));
    d[0] = 1;
    for (int i = 1; i < k; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < n; j++) {
            uint64_t v = (uint64_t)d[j] * 10 + carry;
            d[j] = (uint32_t)(v & ((1u << 30) - 1));
            carry = v >> 30;
        }
        if (carry)
            d[n++] = (uint32_t)carry;
    }
    hd_obj_t *o;
    CHECK_OK(hd_int_from_digits(r->h, neg ? -1 : 1, d, n, &o));
    free(d);
    return o;
}

/* str() of an int over 4300 decimal digits is a ValueError (3.11.4+):
 * python3 says which of these it refuses, and with what message. */
TEST(div_int_max_str_digits)
{
    static const int ks[] = {1, 4299, 4300, 4301, 5000};
    const char *prog = "for k in [1, 4299, 4300, 4301, 5000]:\n"
                       "    for neg in [False, True]:\n"
                       "        x = 10 ** (k - 1)\n"
                       "        try:\n"
                       "            str(-x if neg else x)\n"
                       "            print(0)\n"
                       "        except ValueError:\n"
                       "            print(1)\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        for (int neg = 0; neg < 2; neg++) {
            hd_obj_t *x = pow10_int(r, ks[i], neg);
            int rc = hd_int_str_check(x, HD_INT_MAX_STR_DIGITS);
            CHECK(rc == 0 || rc == HD_EVALUE);
            ours[n++] = rc == HD_EVALUE;
            CHECK_OK(hd_int_str_check(x, 0)); /* no limit */
            hd_obj_decref(r->h, x);
        }
    }
    compare("int max str digits", py, npy, ours, n);
    char *msg = rt_py_output("try:\n"
                             "    str(10 ** 5000)\n"
                             "except ValueError as e:\n"
                             "    print(e)\n",
                             NULL);
    char want[256];
    snprintf(want, sizeof(want), HD_INT_MAX_STR_DIGITS_MSG "\n", HD_INT_MAX_STR_DIGITS);
    CHECK_STR(want, msg);
    free(msg);
    hd_obj_t *s;
    CHECK_OK(hd_str_new(r->h, "x", 1, &s));
    CHECK_EQ(hd_int_str_check(s, HD_INT_MAX_STR_DIGITS), HD_ETYPE);
    hd_obj_decref(r->h, s);
    rt_free(r);
}

/* ---- item 11: the block of a class ---- */

/* tracemalloc sees a class's block as PyType_GenericAlloc requests it:
 * the type, the GC header and nslots + 1 PyMemberDefs. */
TEST(div_class_block_traced_size)
{
    const char *prog = "import tracemalloc\n"
                       "tracemalloc.start()\n"
                       "class C:\n"
                       "    pass\n"
                       "class S:\n"
                       "    __slots__ = ('a', 'b', 'c')\n"
                       "class W:\n"
                       "    __slots__ = ('a', '__weakref__')\n"
                       "snap = tracemalloc.take_snapshot()\n"
                       "for line in [3, 5, 7]:\n"
                       "    print(max(t.size for t in snap.traces if "
                       "t.traceback[0].lineno == line and 900 <= t.size <= 2000))\n"
                       "import sys\n"
                       "for k in [C, S, W]:\n"
                       "    print(sys.getsizeof(k))\n";
    long long py[MAXV], ours[MAXV];
    size_t npy = py_ints(prog, py, MAXV), n = 0;
    rt_t *r = rt_new();
    hd_trace_t *tr = hd_heap_trace(r->h);
    hd_trace_start(tr);
    static const char *const s3[] = {"a", "b", "c"}, *const sw[] = {"a", "__weakref__"};
    hd_class_spec_t specs[3] = {
        {false, false, 0, NULL}, {false, true, 3, s3}, {false, true, 2, sw}};
    hd_obj_t *cls[3];
    for (int i = 0; i < 3; i++) {
        size_t before, after, peak;
        hd_trace_memory(tr, &before, &peak);
        CHECK_OK(hd_class_new(r->h, "K", &specs[i], &cls[i]));
        hd_trace_memory(tr, &after, &peak);
        /* a class with a __dict__ also has its 768-byte cached keys */
        ours[n++] = (long long)(after - before) - (i == 0 ? 768 : 0);
    }
    for (int i = 0; i < 3; i++) /* getsizeof leaves the member defs out */
        ours[n++] = (long long)hd_obj_sizeof(r->h, cls[i]);
    hd_trace_stop(tr);
    compare("class blocks", py, npy, ours, n);
    for (int i = 0; i < 3; i++)
        hd_obj_decref(r->h, cls[i]);
    rt_free(r);
}

/* ---- item 6: totals from running counters ---- */

static uint64_t tracked_by_lists(rt_t *r)
{
    uint64_t n = 0;
    for (int g = 0; g < 4; g++)
        n += hd_gc_generation_size(r->h, g);
    return n;
}

/* the running count of tracked objects follows every way an object enters
 * or leaves the lists: creation, death, a collection untracking tuples of
 * atoms and (full ones) dicts, freeze and unfreeze */
TEST(div_totals_tracked_counter)
{
    rt_t *r = rt_new();
    hd_heap_totals_t t;
    hd_obj_t *keep;
    CHECK_OK(hd_list_new(r->h, 0, NULL, &keep));
    for (int i = 0; i < 500; i++) {
        hd_obj_t *x = int_obj(r, i), *o;
        if (i % 3 == 0)
            CHECK_OK(hd_tuple_new(r->h, 1, &x, &o));
        else if (i % 3 == 1)
            CHECK_OK(hd_dict_new(r->h, 1, &x, &x, &o));
        else
            CHECK_OK(hd_list_new(r->h, 1, &x, &o));
        CHECK_OK(hd_list_append(r->h, keep, o));
        hd_obj_decref(r->h, o);
        hd_obj_decref(r->h, x);
    }
    hd_heap_totals(r->h, &t);
    CHECK_EQ(t.tracked, tracked_by_lists(r));
    CHECK_OK(hd_gc_collect(r->h, 0, NULL));
    hd_heap_totals(r->h, &t);
    CHECK_EQ(t.tracked, tracked_by_lists(r));
    CHECK_OK(hd_gc_collect(r->h, 2, NULL));
    hd_heap_totals(r->h, &t);
    CHECK_EQ(t.tracked, tracked_by_lists(r));
    CHECK(t.tracked < 500); /* the tuples and dicts of ints left the lists */
    hd_gc_freeze(r->h);
    hd_heap_totals(r->h, &t);
    CHECK_EQ(t.tracked, tracked_by_lists(r));
    hd_gc_unfreeze(r->h);
    hd_obj_decref(r->h, keep);
    hd_heap_totals(r->h, &t);
    CHECK_EQ(t.tracked, tracked_by_lists(r));
    rt_free(r);
}
