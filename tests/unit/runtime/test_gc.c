/*
 * test_gc.c: the cycle collector: ports of CPython's Lib/test/test_gc.py
 * cases, weakref and finalizer ordering inside collections, and automatic
 * collection points compared with /usr/bin/python3 at test time.
 */
#include "rt_util.h"

static hd_obj_t *new_list(rt_t *r)
{
    hd_obj_t *l;
    CHECK_OK(hd_list_new(r->h, 0, NULL, &l));
    return l;
}

static hd_obj_t *new_class(rt_t *r, const char *name, bool has_del)
{
    hd_obj_t *c;
    hd_class_spec_t spec = {has_del, false, 0, NULL};
    CHECK_OK(hd_class_new(r->h, name, &spec, &c));
    CHECK_OK(hd_ns_bind(r->h, name, c));
    hd_obj_decref(r->h, c);
    return c;
}

static hd_obj_t *new_inst(rt_t *r, hd_obj_t *cls)
{
    hd_obj_t *o;
    CHECK_OK(hd_instance_new(r->h, cls, false, &o));
    return o;
}

static int64_t collect(rt_t *r, int gen)
{
    hd_gc_result_t res;
    CHECK_OK(hd_gc_collect(r->h, gen, &res));
    return res.collected + res.uncollectable;
}

TEST(gc_list_self_cycle)
{
    rt_t *r = rt_new();
    hd_obj_t *l = new_list(r);
    CHECK_OK(hd_list_append(r->h, l, l));
    collect(r, 2);
    hd_obj_decref(r->h, l);
    CHECK_EQ(collect(r, 2), 1);
    rt_free(r);
}

TEST(gc_tuple_list_cycle)
{
    rt_t *r = rt_new();
    hd_obj_t *l = new_list(r), *t;
    CHECK_OK(hd_tuple_new(r->h, 1, &l, &t));
    CHECK_OK(hd_list_append(r->h, l, t));
    hd_obj_decref(r->h, t);
    hd_obj_decref(r->h, l);
    CHECK_EQ(collect(r, 2), 2);
    rt_free(r);
}

TEST(gc_instance_cycles)
{
    /* 3 two-instance cycles -> 6 (3.11: no separate __dict__ objects) */
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "A", false);
    for (int i = 0; i < 3; i++) {
        hd_obj_t *a = new_inst(r, cls), *b = new_inst(r, cls);
        CHECK_OK(hd_obj_setattr(r->h, a, "other", b));
        CHECK_OK(hd_obj_setattr(r->h, b, "other", a));
        hd_obj_decref(r->h, a);
        hd_obj_decref(r->h, b);
    }
    CHECK_EQ(collect(r, 2), 6);
    CHECK_EQ(collect(r, 2), 0);
    rt_free(r);
}

TEST(gc_get_count)
{
    rt_t *r = rt_new();
    int a[3], d[3];
    collect(r, 2);
    hd_gc_get_count(r->h, a);
    hd_obj_t *x = new_list(r);
    hd_gc_get_count(r->h, d);
    CHECK_EQ(a[1], 0);
    CHECK_EQ(a[2], 0);
    CHECK_EQ(d[1], 0);
    CHECK_EQ(d[2], 0);
    CHECK(a[0] < 5);
    CHECK(d[0] > a[0]);
    hd_obj_decref(r->h, x);
    rt_free(r);
}

TEST(gc_collect_generations)
{
    rt_t *r = rt_new();
    int c[3];
    collect(r, 2);
    hd_obj_t *x = new_list(r);
    collect(r, 0);
    CHECK_EQ(hd_obj_generation(r->h, x), 1);
    hd_gc_get_count(r->h, c);
    CHECK_EQ(c[1], 1);
    CHECK_EQ(c[2], 0);
    collect(r, 1);
    CHECK_EQ(hd_obj_generation(r->h, x), 2);
    hd_gc_get_count(r->h, c);
    CHECK_EQ(c[1], 0);
    CHECK_EQ(c[2], 1);
    collect(r, 2);
    hd_gc_get_count(r->h, c);
    CHECK_EQ(c[1], 0);
    CHECK_EQ(c[2], 0);
    CHECK_EQ(hd_gc_collect(r->h, 3, NULL), HD_EINVAL);
    hd_obj_decref(r->h, x);
    rt_free(r);
}

TEST(gc_saveall)
{
    rt_t *r = rt_new();
    collect(r, 2);
    hd_gc_set_debug(r->h, HD_GC_DEBUG_SAVEALL);
    hd_obj_t *l = new_list(r);
    CHECK_OK(hd_list_append(r->h, l, l));
    uint64_t addr = hd_obj_addr(r->h, l);
    hd_obj_decref(r->h, l);
    CHECK_EQ(collect(r, 2), 1);
    hd_obj_t *garbage, *obj;
    CHECK_OK(hd_gc_garbage(r->h, &garbage));
    CHECK_EQ(hd_len(garbage), 1);
    CHECK_OK(hd_seq_getitem(garbage, 0, &obj));
    CHECK_EQ(hd_obj_addr(r->h, obj), addr);
    hd_gc_set_debug(r->h, 0);
    rt_free(r); /* clears gc.garbage and collects the cycle */
}

TEST(gc_saveall_two_object_cycle)
{
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "A", false);
    hd_gc_set_debug(r->h, HD_GC_DEBUG_SAVEALL);
    hd_obj_t *a = new_inst(r, cls), *b = new_inst(r, cls), *garbage;
    CHECK_OK(hd_obj_setattr(r->h, a, "b", b));
    CHECK_OK(hd_obj_setattr(r->h, b, "a", a));
    hd_obj_decref(r->h, a);
    hd_obj_decref(r->h, b);
    CHECK_EQ(collect(r, 2), 2);
    CHECK_OK(hd_gc_garbage(r->h, &garbage));
    CHECK_EQ(hd_len(garbage), 2);
    rt_free(r);
}

TEST(gc_is_tracked)
{
    rt_t *r = rt_new();
    hd_obj_t *o, *l, *t, *cls;
    CHECK_OK(hd_int_from_i64(r->h, 1000, &o));
    CHECK(!hd_obj_is_tracked(o));
    l = new_list(r);
    CHECK(hd_obj_is_tracked(l));
    CHECK_OK(hd_tuple_new(r->h, 1, &o, &t));
    CHECK(hd_obj_is_tracked(t)); /* created tracked */
    CHECK_OK(hd_list_append(r->h, l, t));
    CHECK_OK(hd_ns_bind(r->h, "l", l));
    collect(r, 2);
    CHECK(!hd_obj_is_tracked(t)); /* untracked by the collection: only atoms */
    cls = new_class(r, "A", false);
    hd_obj_t *inst = new_inst(r, cls);
    CHECK(hd_obj_is_tracked(inst));
    CHECK(hd_obj_is_tracked(cls));
    hd_obj_decref(r->h, inst);
    hd_obj_decref(r->h, t);
    hd_obj_decref(r->h, l);
    hd_obj_decref(r->h, o);
    rt_free(r);
}

TEST(gc_is_finalized_and_resurrection_once)
{
    /* Lazarus: a self-loop whose __del__ resurrects it once */
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "Lazarus", true);
    collect(r, 2);
    hd_gc_enable(r->h, false);
    hd_obj_t *laz = new_inst(r, cls);
    CHECK_OK(hd_obj_setattr(r->h, laz, "me", laz));
    CHECK(!hd_obj_is_finalized(laz));
    hd_obj_decref(r->h, laz);
    r->resurrect_as = "storage";
    r->resurrect_times = 1;
    CHECK_EQ(collect(r, 2), 0); /* resurrected: nothing collected */
    hd_obj_t *back;
    CHECK_OK(hd_ns_get(r->h, "storage", &back));
    CHECK(back == laz);
    CHECK(hd_obj_is_finalized(back));
    int nf = 0, nr = 0;
    for (int i = 0; i < r->nev; i++) {
        nf += r->ev[i].kind == 'F';
        nr += r->ev[i].kind == 'R';
    }
    CHECK_EQ(nf, 1);
    CHECK_EQ(nr, 1);
    CHECK_OK(hd_ns_del(r->h, "storage"));
    r->nev = 0;
    CHECK_EQ(collect(r, 2), 1); /* __del__ does not run again */
    for (int i = 0; i < r->nev; i++)
        CHECK(r->ev[i].kind != 'F');
    hd_gc_enable(r->h, true);
    rt_free(r);
}

TEST(gc_weakref_callback_order_in_cycle)
{
    /* a cycle whose weakref (with callback) is held outside: the callback
     * runs first, then __del__, which sees its weakref dead */
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "A", true), *cb, *wr;
    hd_obj_t *a = new_inst(r, cls), *b = new_inst(r, cls);
    CHECK_OK(hd_obj_setattr(r->h, a, "b", b));
    CHECK_OK(hd_obj_setattr(r->h, b, "a", a));
    CHECK_OK(hd_int_from_i64(r->h, 7, &cb));
    CHECK_OK(hd_weakref_new(r->h, a, cb, false, &wr));
    CHECK_OK(hd_ns_bind(r->h, "w", wr));
    hd_obj_decref(r->h, wr);
    hd_obj_decref(r->h, cb);
    hd_obj_decref(r->h, a);
    hd_obj_decref(r->h, b);
    r->nev = 0;
    CHECK_EQ(collect(r, 2), 2);
    CHECK(r->ev[0].kind == 'S');
    CHECK(r->ev[1].kind == 'W' && r->ev[1].tag == 7);
    CHECK(r->ev[2].kind == 'F' && r->ev[3].kind == 'F');
    CHECK(hd_weakref_get(wr) == NULL);
    rt_free(r);
}

TEST(gc_weakref_inside_cycle_never_called)
{
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "A", false), *cb, *wr;
    hd_obj_t *a = new_inst(r, cls);
    CHECK_OK(hd_obj_setattr(r->h, a, "me", a));
    CHECK_OK(hd_int_from_i64(r->h, 1, &cb));
    CHECK_OK(hd_weakref_new(r->h, a, cb, false, &wr));
    CHECK_OK(hd_obj_setattr(r->h, a, "wr", wr)); /* the weakref is garbage too */
    hd_obj_decref(r->h, wr);
    hd_obj_decref(r->h, cb);
    hd_obj_decref(r->h, a);
    r->nev = 0;
    CHECK_EQ(collect(r, 2), 2);
    for (int i = 0; i < r->nev; i++)
        CHECK(r->ev[i].kind != 'W');
    rt_free(r);
}

TEST(gc_get_stats_and_freeze)
{
    rt_t *r = rt_new();
    hd_gc_gen_stats_t old[3], cur[3];
    hd_gc_enable(r->h, false);
    hd_gc_get_stats(r->h, old);
    collect(r, 0);
    hd_gc_get_stats(r->h, cur);
    CHECK_EQ(cur[0].collections, old[0].collections + 1);
    CHECK_EQ(cur[1].collections, old[1].collections);
    collect(r, 2);
    hd_gc_get_stats(r->h, cur);
    CHECK_EQ(cur[2].collections, old[2].collections + 1);
    hd_obj_t *l = new_list(r);
    hd_gc_freeze(r->h);
    CHECK(hd_gc_freeze_count(r->h) > 0);
    CHECK_EQ(hd_obj_generation(r->h, l), HD_GC_PERMANENT);
    hd_gc_unfreeze(r->h);
    CHECK_EQ(hd_gc_freeze_count(r->h), 0);
    CHECK_EQ(hd_obj_generation(r->h, l), 2);
    hd_obj_decref(r->h, l);
    hd_gc_enable(r->h, true);
    rt_free(r);
}

TEST(gc_dry_run_changes_nothing)
{
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "A", false);
    hd_obj_t *a = new_inst(r, cls), *b = new_inst(r, cls), *keep = new_list(r);
    CHECK_OK(hd_obj_setattr(r->h, a, "b", b));
    CHECK_OK(hd_obj_setattr(r->h, b, "a", a));
    CHECK_OK(hd_ns_bind(r->h, "keep", keep));
    hd_obj_decref(r->h, keep);
    hd_obj_decref(r->h, a);
    hd_obj_decref(r->h, b);
    int before[3], after[3];
    hd_gc_get_count(r->h, before);
    int64_t collected, uncollectable;
    CHECK_OK(hd_gc_dry_run(r->h, 2, NULL, NULL, &collected, &uncollectable));
    CHECK_EQ(collected, 2);
    CHECK_EQ(uncollectable, 0);
    hd_gc_get_count(r->h, after);
    CHECK(memcmp(before, after, sizeof(before)) == 0);

    CHECK_EQ(collect(r, 2), 2);
    rt_free(r);
}

/* The automatic collection points: the same loop of appends on both sides,
 * comparing how many collections each generation ran. The python program
 * makes 4 GC objects (get_stats' list of 3 dicts) and `l` before the loop;
 * so do we. */
static void auto_collections(long n)
{
    char prog[1024];
    snprintf(prog, sizeof(prog),
             "import gc\ngc.collect()\ns0 = gc.get_stats()\nl = []\n"
             "for i in range(%ld): l.append([])\n"
             "s1 = gc.get_stats()\n"
             "for g in range(3): print(s1[g]['collections'] - s0[g]['collections'])\n",
             n);
    long long py[3];
    CHECK_EQ(py_ints(prog, py, 3), 3);
    rt_t *r = rt_new();
    collect(r, 2);
    hd_gc_gen_stats_t s0[3], s1[3];
    hd_gc_get_stats(r->h, s0);
    hd_obj_t *stats = new_list(r), *d, *l, *x;
    for (int i = 0; i < 3; i++) {
        CHECK_OK(hd_dict_new(r->h, 0, NULL, NULL, &d));
        CHECK_OK(hd_list_append(r->h, stats, d));
        hd_obj_decref(r->h, d);
    }
    l = new_list(r);
    for (long i = 0; i < n; i++) {
        x = new_list(r);
        CHECK_OK(hd_list_append(r->h, l, x));
        hd_obj_decref(r->h, x);
    }
    hd_gc_get_stats(r->h, s1);
    for (int g = 0; g < 3; g++)
        if ((long long)(s1[g].collections - s0[g].collections) != py[g])
            hd_test_fail(__FILE__, __LINE__, "generation %d: python %lld collections, heapd %llu",
                         g, py[g], (unsigned long long)(s1[g].collections - s0[g].collections));
    hd_obj_decref(r->h, l);
    hd_obj_decref(r->h, stats);
    rt_free(r);
}

TEST(gc_automatic_30000)
{
    auto_collections(30000);
}

TEST(gc_automatic_1000000)
{
    auto_collections(1000000);
}

/* ---- resurrection does not block the cleanup of other objects ----
 * (test_gc.py's test_resurrection_does_not_block_cleanup_of_other_objects,
 * with python3's own numbers as the expectation) */

typedef struct zs_ctx {
    hd_obj_t *zs; /* the list Z.__del__ appends to */
} zs_ctx_t;

static void z_del(hd_heap_t *h, hd_obj_t *o, void *ctx)
{
    CHECK_OK(hd_list_append(h, ((zs_ctx_t *)ctx)->zs, o));
}

static void make_self_loops(rt_t *r, hd_obj_t *cls, int n)
{
    for (int i = 0; i < n; i++) {
        hd_obj_t *o = new_inst(r, cls);
        CHECK_OK(hd_obj_setattr(r->h, o, "me", o));
        hd_obj_decref(r->h, o);
    }
}

static void stats_delta(rt_t *r, long long *out, hd_gc_gen_stats_t *old)
{
    hd_gc_gen_stats_t st[3];
    hd_gc_get_stats(r->h, st);
    out[0] = (long long)(st[2].collected - old->collected);
    out[1] = (long long)(st[2].uncollectable - old->uncollectable);
    *old = st[2];
}

TEST(gc_resurrection_does_not_block_cleanup_of_others)
{
    const char *prog =
        "import gc\nN = 100\n"
        "class A:\n    def __init__(self): self.me = self\n"
        "class Z(A):\n    def __del__(self): zs.append(self)\n"
        "zs = []\n"
        "def stats():\n    d = gc.get_stats()[-1]; return d['collected'], d['uncollectable']\n"
        "gc.collect(); gc.disable()\n"
        "def step(t):\n"
        "    global old\n    c, nc = stats(); print(t); print(c - old[0]); print(nc - old[1]); "
        "old = (c, nc)\n"
        "old = stats()\n"
        "for i in range(N): A()\n"
        "step(gc.collect())\n"
        "Z()\nstep(gc.collect())\n"
        "for i in range(N): A()\n"
        "Z()\nstep(gc.collect())\n"
        "zs.clear()\nstep(gc.collect())\n";
    long long py[12], ours[12];
    CHECK_EQ(py_ints(prog, py, 12), 12);
    rt_t *r = rt_new();
    hd_obj_t *a = new_class(r, "A", false), *z = new_class(r, "Z", true);
    zs_ctx_t ctx;
    ctx.zs = new_list(r);
    CHECK_OK(hd_ns_bind(r->h, "zs", ctx.zs));
    hd_obj_decref(r->h, ctx.zs);
    hd_heap_hooks_t hooks = {0};
    hooks.finalizer = z_del;
    hooks.ctx = &ctx;
    hd_heap_set_hooks(r->h, &hooks);
    collect(r, 2);
    hd_gc_enable(r->h, false);
    hd_gc_gen_stats_t old[3];
    hd_gc_get_stats(r->h, old);
    make_self_loops(r, a, 100);
    ours[0] = collect(r, 2);
    stats_delta(r, &ours[1], &old[2]);
    make_self_loops(r, z, 1);
    ours[3] = collect(r, 2);
    stats_delta(r, &ours[4], &old[2]);
    make_self_loops(r, a, 100);
    make_self_loops(r, z, 1);
    ours[6] = collect(r, 2);
    stats_delta(r, &ours[7], &old[2]);
    CHECK_OK(hd_list_clear(r->h, ctx.zs));
    ours[9] = collect(r, 2);
    stats_delta(r, &ours[10], &old[2]);
    for (int i = 0; i < 12; i++)
        if (py[i] != ours[i])
            hd_test_fail(__FILE__, __LINE__, "value %d: python %lld, heapd %lld", i, py[i],
                         ours[i]);
    hd_gc_enable(r->h, true);
    rt_free(r);
}

/* The count of a collection whose scan takes objects back from the
 * tentatively unreachable list (y is listed before the x that keeps it),
 * with garbage cycles and a weakref without callback to one of them, as
 * python3 counts it; the survivors stay whole. */
TEST(gc_count_with_objects_taken_back)
{
    const char *prog = "import gc, weakref\n"
                       "class A: pass\n"
                       "gc.collect(); gc.disable()\n"
                       "keep = []\n"
                       "for i in range(50):\n"
                       "    y = A(); x = A(); x.y = y; y.me = y; keep.append(x)\n"
                       "    a = A(); b = A(); a.b = b; b.a = a\n"
                       "    if i == 7: w = weakref.ref(a)\n"
                       "del x, y, a, b\n"
                       "print(gc.collect())\nprint(int(w() is None))\nprint(gc.collect())\n"
                       "print(sum(1 for x in keep if x.y.me is x.y))\n";
    long long py[4];
    CHECK_EQ(py_ints(prog, py, 4), 4);
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "A", false), *keep = new_list(r), *w = NULL;
    CHECK_OK(hd_ns_bind(r->h, "keep", keep));
    hd_obj_decref(r->h, keep);
    collect(r, 2);
    hd_gc_enable(r->h, false);
    for (int i = 0; i < 50; i++) {
        hd_obj_t *y = new_inst(r, cls), *x = new_inst(r, cls);
        CHECK_OK(hd_obj_setattr(r->h, x, "y", y));
        CHECK_OK(hd_obj_setattr(r->h, y, "me", y));
        CHECK_OK(hd_list_append(r->h, keep, x));
        hd_obj_t *a = new_inst(r, cls), *b = new_inst(r, cls);
        CHECK_OK(hd_obj_setattr(r->h, a, "b", b));
        CHECK_OK(hd_obj_setattr(r->h, b, "a", a));
        if (i == 7) {
            CHECK_OK(hd_weakref_new(r->h, a, NULL, false, &w));
            CHECK_OK(hd_ns_bind(r->h, "w", w));
            hd_obj_decref(r->h, w);
        }
        hd_obj_decref(r->h, x);
        hd_obj_decref(r->h, y);
        hd_obj_decref(r->h, a);
        hd_obj_decref(r->h, b);
    }
    CHECK_EQ(collect(r, 2), py[0]);
    CHECK_EQ(hd_weakref_get(w) == NULL, py[1]);
    CHECK_EQ(collect(r, 2), py[2]);
    long long whole = 0;
    hd_obj_t *x, *y, *me;
    for (int64_t i = 0; hd_seq_getitem(keep, i, &x) == 0; i++)
        if (hd_obj_getattr(r->h, x, "y", &y) == 0 && hd_obj_getattr(r->h, y, "me", &me) == 0 &&
            me == y)
            whole++;
    CHECK_EQ(whole, py[3]);
    rt_check(r);
    hd_gc_enable(r->h, true);
    rt_free(r);
}

typedef struct collectable_log {
    rt_t *r;
    long long codes[64];
    int n;
} collectable_log_t;

static void log_collectable(hd_heap_t *h, const char *line, void *ctx)
{
    (void)h;
    collectable_log_t *log = ctx;
    static const char *const names[] = {"list", "dict", "A", "tuple"};
    const char *p = strstr(line, "gc: collectable <");
    if (!p || log->n == 64)
        return;
    p += strlen("gc: collectable <");
    long long code = 0;
    for (int i = 0; i < 4; i++)
        if (strncmp(p, names[i], strlen(names[i])) == 0 && p[strlen(names[i])] == ' ')
            code = i + 1;
    log->codes[log->n++] = code;
}

/* DEBUG_COLLECTABLE names the garbage in the order python3 prints it. */
TEST(gc_debug_collectable_order)
{
    const char *prog =
        "import gc, sys, io\n"
        "class A: pass\n"
        "gc.collect(); gc.disable()\n"
        "l = []; l.append(l)\n"
        "a = A(); b = A(); a.b = b; b.a = a; a.d = {'k': [a]}\n"
        "t = ([], 1); t[0].append(t)\n"
        "del l, a, b, t\n"
        "buf = io.StringIO(); sys.stderr = buf\n"
        "gc.set_debug(gc.DEBUG_COLLECTABLE); n = gc.collect(); gc.set_debug(0)\n"
        "sys.stderr = sys.__stderr__\n"
        "codes = {'list': 1, 'dict': 2, 'A': 3, 'tuple': 4}\n"
        "lines = [x for x in buf.getvalue().splitlines() if 'gc: collectable <' in x]\n"
        "print(n); print(len(lines))\n"
        "for x in lines: print(codes.get(x.split('<')[1].split()[0], 0))\n";
    long long py[66];
    size_t npy = py_ints(prog, py, 66);
    CHECK(npy >= 2 && npy == 2 + (size_t)py[1]);
    rt_t *r = rt_new();
    collectable_log_t log = {r, {0}, 0};
    hd_heap_hooks_t hooks = {0};
    hooks.gc_message = log_collectable;
    hooks.ctx = &log;
    hd_obj_t *cls = new_class(r, "A", false);
    collect(r, 2);
    hd_gc_enable(r->h, false);
    hd_obj_t *l = new_list(r), *a = new_inst(r, cls), *b = new_inst(r, cls), *d, *k, *inner, *t;
    CHECK_OK(hd_list_append(r->h, l, l));
    CHECK_OK(hd_obj_setattr(r->h, a, "b", b));
    CHECK_OK(hd_obj_setattr(r->h, b, "a", a));
    CHECK_OK(hd_dict_new(r->h, 0, NULL, NULL, &d));
    inner = new_list(r);
    CHECK_OK(hd_list_append(r->h, inner, a));
    CHECK_OK(hd_str_new(r->h, "k", 1, &k));
    CHECK_OK(hd_dict_setitem(r->h, d, k, inner));
    CHECK_OK(hd_obj_setattr(r->h, a, "d", d));
    hd_obj_t *items[2] = {new_list(r), NULL};
    CHECK_OK(hd_int_from_i64(r->h, 1, &items[1]));
    CHECK_OK(hd_tuple_new(r->h, 2, items, &t));
    CHECK_OK(hd_list_append(r->h, items[0], t));
    hd_obj_t *drop[] = {l, a, b, d, k, inner, items[0], items[1], t};
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        hd_obj_decref(r->h, drop[i]);
    hd_heap_set_hooks(r->h, &hooks);
    hd_gc_set_debug(r->h, HD_GC_DEBUG_COLLECTABLE);
    CHECK_EQ(collect(r, 2), py[0]);
    hd_gc_set_debug(r->h, 0);
    CHECK_EQ(log.n, py[1]);
    for (int i = 0; i < log.n; i++)
        if (log.codes[i] != py[2 + i])
            hd_test_fail(__FILE__, __LINE__, "line %d: python %lld, heapd %lld", i, py[2 + i],
                         log.codes[i]);
    hd_gc_enable(r->h, true);
    rt_free(r);
}

/* Cycles of instances of two classes in interleaved runs (update_and_subtract
 * counts an instance's reference to its class per run of one class), with
 * the classes older than the collected generations and then collected with
 * them; counts compared with python3. */
TEST(gc_class_runs)
{
    const char *prog = "import gc\n"
                       "gc.disable()\n"
                       "class A: pass\n"
                       "class B: pass\n"
                       "gc.collect()\n"
                       "keep = []\n"
                       "for i in range(40):\n"
                       "    x = (A, B, A, A, B)[i % 5](); y = (B if i % 3 else A)()\n"
                       "    x.o = y; y.o = x\n"
                       "    if i % 4 == 0: keep.append(x)\n"
                       "del x, y\n"
                       "print(gc.collect(0))\n"
                       "for i in range(30):\n"
                       "    x = (A, B)[i % 2](); x.o = x\n"
                       "    if i % 7 == 0: keep.append(x)\n"
                       "del x\n"
                       "print(gc.collect(1))\n"
                       "keep.clear()\n"
                       "print(gc.collect())\n";
    long long py[3];
    CHECK_EQ(py_ints(prog, py, 3), 3);
    rt_t *r = rt_new();
    hd_gc_enable(r->h, false);
    hd_obj_t *a = new_class(r, "A", false), *b = new_class(r, "B", false);
    collect(r, 2);
    hd_obj_t *keep = new_list(r);
    CHECK_OK(hd_ns_bind(r->h, "keep", keep));
    hd_obj_decref(r->h, keep);
    for (int i = 0; i < 40; i++) {
        hd_obj_t *const xs[] = {a, b, a, a, b};
        hd_obj_t *x = new_inst(r, xs[i % 5]), *y = new_inst(r, i % 3 ? b : a);
        CHECK_OK(hd_obj_setattr(r->h, x, "o", y));
        CHECK_OK(hd_obj_setattr(r->h, y, "o", x));
        if (i % 4 == 0)
            CHECK_OK(hd_list_append(r->h, keep, x));
        hd_obj_decref(r->h, x);
        hd_obj_decref(r->h, y);
    }
    CHECK_EQ(collect(r, 0), py[0]);
    for (int i = 0; i < 30; i++) {
        hd_obj_t *x = new_inst(r, i % 2 ? b : a);
        CHECK_OK(hd_obj_setattr(r->h, x, "o", x));
        if (i % 7 == 0)
            CHECK_OK(hd_list_append(r->h, keep, x));
        hd_obj_decref(r->h, x);
    }
    CHECK_EQ(collect(r, 1), py[1]);
    rt_check(r);
    CHECK_OK(hd_list_clear(r->h, keep));
    CHECK_EQ(collect(r, 2), py[2]);
    rt_check(r);
    /* a class that only its instances keep, in runs between A's: garbage
     * with them (python3 counts a dead class's own parts differently, so
     * the collection is compared with the dry run, which visits the class
     * once per instance) */
    for (int older = 0; older < 2; older++) {
        hd_obj_t *c;
        CHECK_OK(hd_class_new(r->h, "C", NULL, &c));
        if (older)
            collect(r, 2); /* C in generation 2, its instances in 0 */
        for (int i = 0; i < 12; i++) {
            hd_obj_t *x = new_inst(r, i % 4 < 2 ? c : a), *y = new_inst(r, c);
            CHECK_OK(hd_obj_setattr(r->h, x, "o", y));
            CHECK_OK(hd_obj_setattr(r->h, y, "o", x));
            hd_obj_decref(r->h, x);
            hd_obj_decref(r->h, y);
        }
        hd_obj_decref(r->h, c);
        int64_t dry = -1;
        CHECK_OK(hd_gc_dry_run(r->h, 0, NULL, NULL, &dry, NULL));
        CHECK_EQ(dry, 12 * 2 + !older);
        CHECK_EQ(collect(r, 0), dry);
        rt_check(r);
        hd_obj_t *gone;
        CHECK_EQ(hd_class_lookup(r->h, "C", &gone), HD_ENOTFOUND); /* the older one by refcount */
        CHECK_EQ(collect(r, 2), 0);
        rt_check(r);
    }
    hd_gc_enable(r->h, true);
    rt_free(r);
}

/* An instance with a __del__ of its own (the protocol's flag) among cycles
 * of a class without one: the collection must finalize it before any
 * tp_clear (finalize_garbage), so that its __del__ still sees its
 * attributes, once (update_and_subtract's note reads the instances' flags,
 * not only the classes'). It is the first of its cycle in the list, the one
 * delete_garbage would clear first. */
TEST(gc_own_del_in_plain_garbage)
{
    rt_t *r = rt_new();
    hd_obj_t *cls = new_class(r, "P", false);
    collect(r, 2);
    hd_gc_enable(r->h, false);
    hd_obj_t *own = NULL, *tag;
    CHECK_OK(hd_int_from_i64(r->h, 7, &tag));
    for (int i = 0; i < 20; i++) {
        hd_obj_t *x, *y;
        CHECK_OK(hd_instance_new(r->h, cls, i == 13, &y));
        x = new_inst(r, cls);
        if (i == 13) {
            own = y;
            CHECK_OK(hd_obj_setattr(r->h, y, "tag", tag));
        }
        CHECK_OK(hd_obj_setattr(r->h, x, "o", y));
        CHECK_OK(hd_obj_setattr(r->h, y, "o", x));
        hd_obj_decref(r->h, x);
        hd_obj_decref(r->h, y);
    }
    hd_obj_decref(r->h, tag);
    r->nev = 0;
    CHECK_EQ(collect(r, 2), 40);
    int nf = 0;
    for (int i = 0; i < r->nev; i++)
        if (r->ev[i].kind == 'F') {
            nf++;
            CHECK(r->ev[i].obj == own);
            CHECK_EQ(r->ev[i].tag, 7); /* its attributes were still there */
        }
    CHECK_EQ(nf, 1);
    rt_check(r);
    hd_gc_enable(r->h, true);
    rt_free(r);
}
