/*
 * test_refcount.c: reference counting and deallocation: singletons, ids,
 * addresses, the trashcan (a 1,000,000-deep nesting freed on a small stack),
 * __del__ before weakref callbacks on refcount death, callbacks newest
 * first, __del__ once, resurrection, quotas.
 */
#include "rt_util.h"

#include <pthread.h>

TEST(singletons_and_ids)
{
    rt_t *r = rt_new();
    hd_obj_t *a, *b, *c, *d;
    CHECK_OK(hd_int_from_i64(r->h, 256, &a));
    CHECK_OK(hd_int_from_i64(r->h, 256, &b));
    CHECK(a == b); /* small ints are shared */
    CHECK_OK(hd_int_from_i64(r->h, 257, &c));
    CHECK_OK(hd_int_from_i64(r->h, 257, &d));
    CHECK(c != d);
    uint64_t idc = hd_obj_id(r->h, c), idd = hd_obj_id(r->h, d);
    CHECK(idc && idd && idc != idd);
    hd_obj_t *found;
    CHECK_OK(hd_heap_find(r->h, idc, &found));
    CHECK(found == c);
    uint64_t addr_c = hd_obj_addr(r->h, c);
    hd_obj_decref(r->h, c);
    CHECK_EQ(hd_heap_find(r->h, idc, &found), HD_ENOTFOUND); /* stale id */
    hd_obj_t *e;
    CHECK_OK(hd_int_from_i64(r->h, 1000, &e));
    CHECK_EQ(hd_obj_addr(r->h, e), addr_c); /* the address is reused, */
    CHECK(hd_obj_id(r->h, e) > idd);        /* the id never is */
    uint64_t ida = hd_obj_id(r->h, a);
    CHECK_OK(hd_heap_find(r->h, ida, &found));
    CHECK(found == a);
    hd_obj_decref(r->h, a);
    hd_obj_decref(r->h, b);
    hd_obj_decref(r->h, d);
    hd_obj_decref(r->h, e);
    rt_free(r);
}

TEST(names_bind_rebind_delete)
{
    rt_t *r = rt_new();
    hd_obj_t *l, *got;
    CHECK_OK(hd_list_new(r->h, 0, NULL, &l));
    CHECK_OK(hd_ns_bind(r->h, "a", l));
    CHECK_OK(hd_ns_bind(r->h, "b", l));
    CHECK_EQ(hd_obj_refcount(l), 3);
    hd_obj_decref(r->h, l);
    CHECK_OK(hd_ns_get(r->h, "a", &got));
    CHECK(got == l);
    const char *both[] = {"a", "zz"};
    size_t missing = 9;
    CHECK_EQ(hd_ns_del_many(r->h, 2, both, &missing), HD_ENAME);
    CHECK_EQ(missing, 1);
    CHECK_EQ(hd_obj_refcount(l), 2); /* all or nothing */
    CHECK_OK(hd_ns_del(r->h, "a"));
    CHECK_EQ(hd_ns_get(r->h, "a", &got), HD_ENAME);
    CHECK_EQ(hd_ns_del(r->h, "a"), HD_ENAME);
    CHECK_EQ(hd_ns_bind(r->h, "", l), HD_EINVAL);
    rt_free(r);
}

static void *free_deep(void *arg)
{
    rt_t *r = arg;
    hd_obj_t *top;
    CHECK_OK(hd_ns_get(r->h, "deep", &top));
    CHECK_OK(hd_ns_del(r->h, "deep"));
    return NULL;
}

TEST(trashcan_deep_nesting)
{
    /* [[[...]]] 1,000,000 deep, freed by `del` on a thread with a 256 KiB
     * stack: unbounded recursion would need ~100 MB of stack */
    rt_t *r = rt_new();
    hd_obj_t *inner, *outer;
    CHECK_OK(hd_list_new(r->h, 0, NULL, &inner));
    for (int i = 0; i < 1000000; i++) {
        CHECK_OK(hd_list_new(r->h, 1, &inner, &outer));
        hd_obj_decref(r->h, inner);
        inner = outer;
    }
    CHECK_OK(hd_ns_bind(r->h, "deep", inner));
    hd_obj_decref(r->h, inner);
    hd_heap_totals_t t;
    hd_heap_totals(r->h, &t);
    CHECK(t.objects >= 1000001);
    pthread_attr_t attr;
    pthread_t th;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    CHECK_EQ(pthread_create(&th, &attr, free_deep, r), 0);
    CHECK_EQ(pthread_join(th, NULL), 0);
    hd_heap_totals(r->h, &t);
    CHECK_EQ(t.objects, 0);
    rt_free(r);
}

TEST(del_runs_before_weakref_callbacks_newest_first)
{
    rt_t *r = rt_new();
    hd_class_spec_t spec = {true, false, 0, NULL};
    hd_obj_t *cls, *o, *wr[3], *cb;
    CHECK_OK(hd_class_new(r->h, "Node", &spec, &cls));
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    for (int i = 0; i < 3; i++) {
        CHECK_OK(hd_int_from_i64(r->h, i, &cb));
        CHECK_OK(hd_weakref_new(r->h, o, cb, false, &wr[i]));
        hd_obj_decref(r->h, cb);
    }
    hd_obj_t *basic1, *basic2;
    CHECK_OK(hd_weakref_new(r->h, o, NULL, false, &basic1));
    CHECK_OK(hd_weakref_new(r->h, o, NULL, false, &basic2));
    CHECK(basic1 == basic2); /* callback-less refs are shared */
    CHECK_EQ(hd_weakref_count(r->h, o), 4);
    hd_obj_decref(r->h, o);
    CHECK_EQ(r->nev, 4);
    CHECK(r->ev[0].kind == 'F');
    CHECK(r->ev[1].kind == 'W' && r->ev[1].tag == 2);
    CHECK(r->ev[2].kind == 'W' && r->ev[2].tag == 1);
    CHECK(r->ev[3].kind == 'W' && r->ev[3].tag == 0);
    CHECK(hd_weakref_get(basic1) == NULL);
    for (int i = 0; i < 3; i++)
        hd_obj_decref(r->h, wr[i]);
    hd_obj_decref(r->h, basic1);
    hd_obj_decref(r->h, basic2);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

TEST(weakref_dying_first_never_calls_back)
{
    rt_t *r = rt_new();
    hd_obj_t *cls, *o, *wr, *cb;
    CHECK_OK(hd_class_new(r->h, "Node", NULL, &cls));
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    CHECK_OK(hd_int_from_i64(r->h, 5, &cb));
    CHECK_OK(hd_weakref_new(r->h, o, cb, false, &wr));
    hd_obj_decref(r->h, cb);
    hd_obj_decref(r->h, wr);
    hd_obj_decref(r->h, o);
    CHECK_EQ(r->nev, 0);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

TEST(weakref_refused_types)
{
    rt_t *r = rt_new();
    hd_obj_t *l, *wr;
    char msg[128];
    CHECK_OK(hd_list_new(r->h, 0, NULL, &l));
    CHECK_EQ(hd_weakref_new(r->h, l, NULL, false, &wr), HD_ETYPE);
    hd_weakref_error(r->h, l, msg, sizeof(msg));
    CHECK_STR(msg, "cannot create weak reference to 'list' object");
    hd_obj_decref(r->h, l);
    /* an instance of a __slots__ class without __weakref__: python3 names the class */
    static const char *slots[] = {"a"};
    hd_class_spec_t spec = {false, true, 1, slots};
    hd_obj_t *cls, *o;
    CHECK_OK(hd_class_new(r->h, "Point", &spec, &cls));
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    CHECK_EQ(hd_weakref_new(r->h, o, NULL, false, &wr), HD_ETYPE);
    hd_weakref_error(r->h, o, msg, sizeof(msg));
    long long n = 0;
    char prog[] =
        "import weakref\nclass Point:\n    __slots__ = ('a',)\n"
        "try:\n    weakref.ref(Point())\nexcept TypeError as e:\n"
        "    print(len(str(e)))\n    print(int(str(e) == \"cannot create weak reference to "
        "'Point' object\"))\n";
    long long out[2];
    CHECK_EQ(py_ints(prog, out, 2), 2);
    CHECK_EQ(out[1], 1); /* python3 says exactly this */
    n = out[0];
    CHECK_EQ((long long)strlen(msg), n);
    CHECK_STR(msg, "cannot create weak reference to 'Point' object");
    hd_obj_decref(r->h, o);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

TEST(del_once_and_resurrection_on_refcount_death)
{
    rt_t *r = rt_new();
    hd_obj_t *cls, *o, *back;
    CHECK_OK(hd_class_new(r->h, "Phoenix", NULL, &cls));
    CHECK_OK(hd_instance_new(r->h, cls, true, &o)); /* a __del__ of its own */
    r->resurrect_as = "saved";
    r->resurrect_times = 1;
    hd_obj_decref(r->h, o);
    CHECK_OK(hd_ns_get(r->h, "saved", &back));
    CHECK(back == o);
    CHECK(hd_obj_is_finalized(o));
    CHECK(hd_obj_is_tracked(o));
    CHECK_EQ(hd_obj_refcount(o), 1);
    r->nev = 0;
    CHECK_OK(hd_ns_del(r->h, "saved")); /* dies for good, no second __del__ */
    CHECK_EQ(r->nev, 0);
    hd_obj_decref(r->h, cls);
    rt_free(r);
}

TEST(quota_objects_and_bytes)
{
    rt_t *r = rt_new();
    hd_heap_set_limits(r->h, 0, 3);
    hd_obj_t *a, *b, *c, *d;
    CHECK_OK(hd_list_new(r->h, 0, NULL, &a));
    CHECK_OK(hd_list_new(r->h, 0, NULL, &b));
    CHECK_OK(hd_list_new(r->h, 0, NULL, &c));
    CHECK_EQ(hd_list_new(r->h, 0, NULL, &d), HD_ELIMIT);
    hd_obj_decref(r->h, c);
    hd_heap_set_limits(r->h, 4096, 0);
    hd_obj_t *none;
    hd_none(r->h, &none);
    int rc = 0;
    int n = 0;
    while ((rc = hd_list_append(r->h, a, none)) == 0)
        n++;
    CHECK_EQ(rc, HD_ELIMIT);
    CHECK_EQ(hd_len(a), n); /* the failed append changed nothing */
    hd_obj_decref(r->h, none);
    hd_obj_decref(r->h, a);
    hd_obj_decref(r->h, b);
    hd_heap_set_limits(r->h, 0, 0);
    rt_free(r);
}

TEST(repr_forms)
{
    rt_t *r = rt_new();
    hd_obj_t *l, *f, *s, *t, *big;
    char buf[256];
    CHECK_OK(hd_list_new(r->h, 0, NULL, &l));
    CHECK_OK(hd_list_append(r->h, l, l));
    hd_obj_repr(r->h, l, buf, sizeof(buf));
    CHECK_STR(buf, "[[...]]");
    CHECK_OK(hd_float_new(r->h, 0.1, &f));
    hd_obj_repr(r->h, f, buf, sizeof(buf));
    CHECK_STR(buf, "0.1");
    hd_obj_decref(r->h, f);
    CHECK_OK(hd_float_new(r->h, 1e16, &f));
    hd_obj_repr(r->h, f, buf, sizeof(buf));
    CHECK_STR(buf, "1e+16");
    hd_obj_decref(r->h, f);
    CHECK_OK(hd_str_new(r->h, "it's", 4, &s));
    CHECK_OK(hd_tuple_new(r->h, 1, &s, &t));
    hd_obj_repr(r->h, t, buf, sizeof(buf));
    CHECK_STR(buf, "(\"it's\",)");
    uint32_t digits[3] = {0, 0, 1}; /* 2**60 */
    CHECK_OK(hd_int_from_digits(r->h, -1, digits, 3, &big));
    hd_obj_repr(r->h, big, buf, sizeof(buf));
    CHECK_STR(buf, "-1152921504606846976");
    hd_obj_decref(r->h, big);
    hd_obj_decref(r->h, t);
    hd_obj_decref(r->h, s);
    hd_obj_decref(r->h, l);
    rt_free(r);
}

TEST(weakref_target_outlives_the_collection_its_allocation_runs)
{
    /* a class in a cycle with nothing else holding it (as a target named by
     * id can be): making a weakref to it allocates, the allocation runs a
     * collection, and the target must not be freed under the call */
    rt_t *r = rt_new();
    hd_obj_t *cls, *wr;
    CHECK_OK(hd_class_new(r->h, "K", NULL, &cls));
    CHECK_OK(hd_obj_setattr(r->h, cls, "me", cls));
    hd_obj_decref(r->h, cls); /* garbage now, until a collection */
    int count[3];
    hd_gc_get_count(r->h, count);
    CHECK_OK(hd_gc_set_threshold(r->h, count[0], 10, 10)); /* the next GC object collects */
    CHECK_OK(hd_weakref_new(r->h, cls, NULL, false, &wr));
    CHECK(hd_weakref_get(wr) == cls); /* it survived the collection inside the call */
    CHECK_OK(hd_gc_collect(r->h, 2, NULL));
    CHECK(hd_weakref_get(wr) == NULL);
    hd_obj_decref(r->h, wr);
    CHECK_OK(hd_gc_set_threshold(r->h, 700, 10, 10));
    rt_free(r);
}
