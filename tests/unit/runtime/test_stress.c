/*
 * test_stress.c: random operations with hd_heap_validate after each one and
 * every count back to zero at the end; allocation failure injected at every
 * request of a scenario; and the arena scenario of the reference through
 * real objects.
 */
#include "rt_util.h"

#include "pool.h"

#define NVARS 12

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ull;
}

static const char *var(uint64_t *s)
{
    static char buf[8];
    snprintf(buf, sizeof(buf), "v%d", (int)(rng_next(s) % NVARS));
    return buf;
}

static hd_obj_t *get_var(rt_t *r, uint64_t *s)
{
    hd_obj_t *o;
    return hd_ns_get(r->h, var(s), &o) == 0 ? o : NULL;
}

/* bind_new: binds a new object to a random name; errors are allowed (out of
 * memory in the fault-injection run) but must leave the heap valid. */
static int make_object(rt_t *r, uint64_t *s, hd_obj_t *classes[2], hd_obj_t **out)
{
    hd_heap_t *h = r->h;
    switch (rng_next(s) % 9) {
    case 0:
        return hd_int_from_i64(h, (int64_t)(rng_next(s) % 100000) - 50, out);
    case 1:
        return hd_str_new(h, "k\xc3\xa9y", 4, out);
    case 2:
        return hd_float_new(h, 0.5, out);
    case 3:
        return hd_list_new(h, 0, NULL, out);
    case 4:
        return hd_dict_new(h, 0, NULL, NULL, out);
    case 5:
        return hd_set_new(h, 0, NULL, out);
    case 6: {
        hd_obj_t *item = get_var(r, s);
        if (!item)
            return hd_tuple_new(h, 0, NULL, out);
        return hd_tuple_new(h, 1, &item, out);
    }
    default:
        return hd_instance_new(h, classes[rng_next(s) % 2], rng_next(s) % 7 == 0, out);
    }
}

static int link_objects(rt_t *r, uint64_t *s)
{
    hd_heap_t *h = r->h;
    hd_obj_t *a = get_var(r, s), *b = get_var(r, s), *key, *out;
    if (!a || !b)
        return 0;
    switch (hd_obj_type(a)) {
    case HD_T_LIST:
        return rng_next(s) % 4 ? hd_list_append(h, a, b) : hd_list_clear(h, a);
    case HD_T_DICT: {
        int rc = hd_str_new(h, var(s), 2, &key);
        if (rc)
            return rc;
        rc = rng_next(s) % 3 ? hd_dict_setitem(h, a, key, b) : hd_dict_delitem(h, a, key);
        hd_obj_decref(h, key);
        return rc;
    }
    case HD_T_SET:
        if (rng_next(s) % 3)
            return hd_set_add(h, a, b);
        return hd_set_pop(h, a, &out) == 0 ? (hd_obj_decref(h, out), 0) : 0;
    case HD_T_INSTANCE:
        return rng_next(s) % 4 ? hd_obj_setattr(h, a, rng_next(s) % 2 ? "x" : "y", b)
                               : hd_obj_delattr(h, a, "x");
    }
    return 0;
}

static int one_op(rt_t *r, uint64_t *s, hd_obj_t *classes[2])
{
    hd_heap_t *h = r->h;
    hd_obj_t *o;
    int rc = 0;
    switch (rng_next(s) % 8) {
    case 0:
    case 1:
        if ((rc = make_object(r, s, classes, &o)) == 0) {
            rc = hd_ns_bind(h, var(s), o);
            hd_obj_decref(h, o);
        }
        return rc;
    case 2:
    case 3:
        return link_objects(r, s);
    case 4:
        hd_ns_del(h, var(s));
        return 0;
    case 5: {
        hd_obj_t *target = get_var(r, s);
        if (!target)
            return 0;
        rc = hd_weakref_new(h, target, NULL, rng_next(s) % 2, &o);
        if (rc == 0) {
            rc = hd_ns_bind(h, var(s), o);
            hd_obj_decref(h, o);
        }
        return rc == HD_ETYPE ? 0 : rc;
    }
    case 6:
        return rng_next(s) % 5 == 0 ? hd_gc_collect(h, (int)(rng_next(s) % 3), NULL) : 0;
    default:
        r->resurrect_as = rng_next(s) % 4 == 0 ? "phoenix" : NULL;
        r->resurrect_times = 1;
        return 0;
    }
}

static void setup_classes(rt_t *r, hd_obj_t *classes[2])
{
    hd_class_spec_t del = {true, false, 0, NULL};
    CHECK_OK(hd_class_new(r->h, "Plain", NULL, &classes[0]));
    CHECK_OK(hd_class_new(r->h, "Mortal", &del, &classes[1]));
    CHECK_OK(hd_ns_bind(r->h, "Plain", classes[0]));
    CHECK_OK(hd_ns_bind(r->h, "Mortal", classes[1]));
    hd_obj_decref(r->h, classes[0]);
    hd_obj_decref(r->h, classes[1]);
}

TEST(random_operations_validate_each_step)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rt_t *r = rt_new();
        uint64_t s = seed * 0x9e3779b97f4a7c15ull;
        hd_obj_t *classes[2];
        setup_classes(r, classes);
        hd_gc_set_threshold(r->h, 50, 5, 5); /* automatic collections too */
        for (int i = 0; i < 1500; i++) {
            int rc = one_op(r, &s, classes);
            if (rc != 0 && rc != HD_EKEY && rc != HD_ETYPE)
                hd_test_fail(__FILE__, __LINE__, "seed %llu step %d: error %d",
                             (unsigned long long)seed, i, rc);
            rt_check(r);
        }
        rt_free(r);
    }
}

TEST(allocation_failure_at_every_request)
{
    /* run a scenario once to count its requests, then again failing each
     * request in turn: every failure is a clean error, the heap stays valid,
     * and everything is freed at the end */
    uint64_t total = 0;
    for (uint64_t n = 0;; n++) {
        rt_t *r = rt_new();
        hd_obj_t *classes[2];
        setup_classes(r, classes);
        uint64_t start = r->mem.requests;
        if (n)
            hd_mem_fail_after(&r->mem, n, 0);
        uint64_t s = 42;
        for (int i = 0; i < 400; i++) {
            int rc = one_op(r, &s, classes);
            if (rc != 0 && rc != HD_EKEY && rc != HD_ETYPE && rc != HD_ENOMEM)
                hd_test_fail(__FILE__, __LINE__, "fail at %llu: error %d", (unsigned long long)n,
                             rc);
        }
        hd_mem_fail_after(&r->mem, 0, 0);
        rt_check(r);
        if (n == 0)
            total = r->mem.requests - start;
        rt_free(r);
        if (n > total)
            break;
    }
    printf("%llu memory requests in the scenario, each failed once\n", (unsigned long long)total);
    CHECK(total > 10);
}

static long long arenas_stat(rt_t *r, int which)
{
    hd_pool_stats_t st;
    hd_pool_stats(hd_heap_pool(r->h), &st);
    return (long long)(which == 0 ? st.arenas_current : st.arenas_reclaimed);
}

TEST(arena_scenario_objects)
{
    /* 2,000,000 object() kept in a list; keep 1 in 1000 and drop the rest:
     * no arena can be returned (each pool keeps a survivor); drop those too:
     * all but one arena go back to the system */
    rt_t *r = rt_new();
    hd_obj_t *all, *keep, *o;
    CHECK_OK(hd_list_new(r->h, 0, NULL, &all));
    CHECK_OK(hd_list_new(r->h, 0, NULL, &keep));
    for (int i = 0; i < 2000000; i++) {
        CHECK_OK(hd_object_new(r->h, &o));
        CHECK_OK(hd_list_append(r->h, all, o));
        if (i % 1000 == 0)
            CHECK_OK(hd_list_append(r->h, keep, o));
        hd_obj_decref(r->h, o);
    }
    long long peak = arenas_stat(r, 0);
    printf("2M objects: %lld arenas\n", peak);
    CHECK(peak >= 31);
    hd_obj_decref(r->h, all);
    CHECK_EQ(arenas_stat(r, 1), 0);
    CHECK_EQ(arenas_stat(r, 0), peak);
    hd_obj_decref(r->h, keep);
    printf("after the rest: %lld arenas, %lld reclaimed\n", arenas_stat(r, 0), arenas_stat(r, 1));
    CHECK(arenas_stat(r, 0) <= 2);
    CHECK_EQ(arenas_stat(r, 1), peak - arenas_stat(r, 0));
    rt_free(r);
}
