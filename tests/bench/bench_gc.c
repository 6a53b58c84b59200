/*
 * bench_gc.c: the collector and object benchmarks of heapd-bench, each
 * printed beside python3 (Debian's /usr/bin/python3) doing the same work in
 * the same run:
 *
 *   gc_cycles  100,000 two-instance cycles dropped, then gc.collect():
 *              ns per collected object (target <= 40; python3 60-140), for
 *              plain instances (gc_cycles) and __slots__ ones (gc_cycles_slots)
 *   gc_full    a full collection over 1,000,000 live tracked objects (a list
 *              of empty lists) with no garbage: ns per object (target <= 15)
 *   churn      create and drop an empty list 10^6 times: ns per iteration
 *              (python3's figure is net of its empty loop)
 *   overhead   inspector bytes per live object, once every object has an
 *              id (target <= 16)
 *
 * Medians of opts->reps measurements on both sides.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "gc.h"
#include "heap.h"

/* python_figure: runs a python3 program that prints one number (the
 * median it measured); -1 when python3 is not there or with --no-anchor. */
static double python_figure(const bench_opts_t *opts, const char *program)
{
    if (opts->no_anchor)
        return -1;
    char path[] = "/tmp/hd_bench_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    fputs(program, f);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    double v = -1;
    if (p) {
        if (fscanf(p, "%lf", &v) != 1)
            v = -1;
        pclose(p);
    }
    remove(path);
    return v;
}

#define PY_PRELUDE                                                                                 \
    "import gc, time, statistics\n"                                                                \
    "pc = time.perf_counter_ns\n"                                                                  \
    "REPS = %d\nN = %d\n"

static hd_heap_t *new_heap(hd_mem_t *mem)
{
    hd_heap_t *h;
    hd_mem_init_default(mem);
    if (hd_heap_new(mem, NULL, &h) != 0) {
        fprintf(stderr, "bench: cannot create a heap\n");
        exit(1);
    }
    return h;
}

static void report(const char *name, const char *what, double ours, double py, double target)
{
    printf("  %-40s heapd %8.2f   python3 %8.2f   ratio %.3f   (target <= %.0f)\n", what, ours, py,
           py > 0 ? ours / py : 0, target);
    bench_result(name, ours, "ns", py);
}

/* ---- gc_cycles ---- */

static double cycles_once(int n, bool slots)
{
    hd_mem_t mem;
    hd_heap_t *h = new_heap(&mem);
    hd_obj_t *cls, *a, *b;
    static const char *const slot_names[] = {"other", "__weakref__"};
    hd_class_spec_t spec = {false, true, 2, slot_names};
    hd_class_new(h, slots ? "Node" : "Plain", slots ? &spec : NULL, &cls);
    hd_gc_collect(h, 2, NULL);
    hd_gc_enable(h, false);
    for (int i = 0; i < n; i++) {
        hd_instance_new(h, cls, false, &a);
        hd_instance_new(h, cls, false, &b);
        hd_obj_setattr(h, a, "other", b);
        hd_obj_setattr(h, b, "other", a);
        hd_obj_decref(h, a);
        hd_obj_decref(h, b);
    }
    uint64_t t0 = bench_now_ns();
    hd_gc_result_t res;
    hd_gc_collect(h, 2, &res);
    double ns = (double)(bench_now_ns() - t0) / (double)res.collected;
    if (res.collected != 2 * n)
        fprintf(stderr, "gc_cycles: collected %lld, expected %d\n", (long long)res.collected,
                2 * n);
    hd_obj_decref(h, cls);
    hd_heap_free(h);
    return ns;
}

static int bench_gc_cycles(const bench_opts_t *opts, bool slots)
{
    int n = bench_size(opts, 10000, 100000);
    double v[101];
    for (int r = 0; r < opts->reps; r++)
        v[r] = cycles_once(n, slots);
    double ours = bench_median(v, opts->reps);
    char prog[2048];
    int len = snprintf(prog, sizeof(prog), PY_PRELUDE, opts->reps, n);
    snprintf(prog + len, sizeof(prog) - (size_t)len,
             "%s"
             "def build(n):\n"
             "    for _ in range(n):\n"
             "        a = Plain(); b = Plain(); a.other = b; b.other = a\n"
             "res = []\n"
             "for _ in range(REPS):\n"
             "    gc.collect(); gc.disable(); build(N)\n"
             "    t0 = pc(); k = gc.collect(); res.append((pc() - t0) / k); gc.enable()\n"
             "print(statistics.median(res))\n",
             slots ? "class Plain:\n    __slots__ = ('other', '__weakref__')\n"
                   : "class Plain: pass\n");
    report(slots ? "gc_cycles_slots" : "gc_cycles",
           slots ? "two-instance cycles (__slots__), ns per object"
                 : "two-instance cycles, ns per collected object",
           ours, python_figure(opts, prog), 40);
    return 0;
}

/* ---- gc_full ---- */

static int bench_gc_full(const bench_opts_t *opts)
{
    int n = bench_size(opts, 100000, 1000000);
    hd_mem_t mem;
    hd_heap_t *h = new_heap(&mem);
    hd_obj_t *keep, *x;
    hd_list_new(h, 0, NULL, &keep);
    for (int i = 0; i < n; i++) {
        hd_list_new(h, 0, NULL, &x);
        hd_list_append(h, keep, x);
        hd_obj_decref(h, x);
    }
    hd_gc_collect(h, 2, NULL);
    uint64_t tracked = hd_gc_generation_size(h, 2);
    double v[101];
    for (int r = 0; r < opts->reps; r++) {
        uint64_t t0 = bench_now_ns();
        hd_gc_collect(h, 2, NULL);
        v[r] = (double)(bench_now_ns() - t0) / (double)tracked;
    }
    double ours = bench_median(v, opts->reps);
    hd_obj_decref(h, keep);
    hd_heap_free(h);
    char prog[1024];
    int len = snprintf(prog, sizeof(prog), PY_PRELUDE, opts->reps, n);
    snprintf(prog + len, sizeof(prog) - (size_t)len,
             "gc.collect()\nkeep = [[] for _ in range(N)]\ngc.collect()\n"
             "nt = len(gc.get_objects())\nres = []\n"
             "for _ in range(REPS):\n"
             "    t0 = pc(); gc.collect(); res.append((pc() - t0) / nt)\n"
             "print(statistics.median(res))\n");
    report("gc_full", "full collection, ns per live tracked object", ours,
           python_figure(opts, prog), 15);
    return 0;
}

/* ---- churn ---- */

static int bench_churn(const bench_opts_t *opts)
{
    int n = bench_size(opts, 100000, 1000000);
    hd_mem_t mem;
    hd_heap_t *h = new_heap(&mem);
    double v[101];
    for (int r = 0; r < opts->reps; r++) {
        uint64_t t0 = bench_now_ns();
        for (int i = 0; i < n; i++) {
            hd_obj_t *x;
            hd_list_new(h, 0, NULL, &x);
            hd_obj_decref(h, x);
        }
        v[r] = (double)(bench_now_ns() - t0) / n;
    }
    double ours = bench_median(v, opts->reps);
    hd_heap_free(h);
    char prog[1024];
    int len = snprintf(prog, sizeof(prog), PY_PRELUDE, opts->reps, n);
    snprintf(prog + len, sizeof(prog) - (size_t)len,
             "def empty(n):\n    for _ in range(n): pass\n"
             "def churn(n):\n    for _ in range(n):\n        x = []\n        del x\n"
             "def t(f):\n    t0 = pc(); f(N); return pc() - t0\n"
             "base = statistics.median([t(empty) for _ in range(REPS)])\n"
             "full = statistics.median([t(churn) for _ in range(REPS)])\n"
             "print((full - base) / N)\n");
    report("churn", "x = []; del x, ns per iteration", ours, python_figure(opts, prog), 0);
    return 0;
}

/* ---- overhead ---- */

static int assign_id(hd_obj_t *o, int generation, void *arg)
{
    (void)generation;
    return hd_obj_id(arg, o) ? 0 : 1;
}

static int bench_overhead(const bench_opts_t *opts)
{
    int n = bench_size(opts, 100000, 1000000);
    hd_mem_t mem;
    hd_heap_t *h = new_heap(&mem);
    hd_obj_t *keep, *cls, *x, *v;
    hd_class_new(h, "Node", NULL, &cls);
    hd_list_new(h, 0, NULL, &keep);
    hd_ns_bind(h, "keep", keep);
    for (int i = 0; i < n; i++) {
        switch (i % 4) {
        case 0:
            hd_list_new(h, 0, NULL, &x);
            break;
        case 1:
            hd_instance_new(h, cls, false, &x);
            hd_int_from_i64(h, 1000 + i, &v);
            hd_obj_setattr(h, x, "value", v);
            hd_obj_decref(h, v);
            break;
        case 2:
            hd_float_new(h, i * 0.5, &x);
            break;
        default:
            hd_int_from_i64(h, 1000000 + i, &x);
        }
        hd_list_append(h, keep, x);
        hd_obj_decref(h, x);
    }
    hd_heap_totals_t t0, t1;
    hd_heap_totals(h, &t0);
    hd_heap_objects(h, assign_id, h);
    hd_heap_totals(h, &t1);
    double before = (double)t0.inspector_bytes / (double)t0.objects;
    double after = (double)t1.inspector_bytes / (double)t1.objects;
    printf("  %llu live objects, %llu heap bytes in blocks\n", (unsigned long long)t1.objects,
           (unsigned long long)t1.bytes);
    printf("  inspector bytes per live object: %.2f before any id, %.2f with every object "
           "indexed (target <= 16)\n",
           before, after);
    bench_result("overhead", after, "B/obj", 16);
    hd_obj_decref(h, keep);
    hd_obj_decref(h, cls);
    hd_heap_free(h);
    return 0;
}

int bench_gc(const bench_opts_t *opts)
{
    int rc = bench_gc_cycles(opts, false);
    rc |= bench_gc_cycles(opts, true);
    rc |= bench_gc_full(opts);
    rc |= bench_churn(opts);
    rc |= bench_overhead(opts);
    return rc;
}

int bench_gc_cycles_only(const bench_opts_t *opts)
{
    return bench_gc_cycles(opts, false);
}

int bench_gc_cycles_slots_only(const bench_opts_t *opts)
{
    return bench_gc_cycles(opts, true);
}

int bench_gc_full_only(const bench_opts_t *opts)
{
    return bench_gc_full(opts);
}

int bench_churn_only(const bench_opts_t *opts)
{
    return bench_churn(opts);
}
