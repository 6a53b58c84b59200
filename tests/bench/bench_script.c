/*
 * bench_script.c: the heap script language beside python3, each running
 * the same program text:
 *
 *   script_churn   a loop creating and dropping 1,000,000 small instances
 *                  (a class with an __init__ setting one attribute):
 *                  ns per iteration
 *   script_cycles  100,000 two-instance cycles built and dropped (automatic
 *                  collections along the way), then gc.collect(): ns per
 *                  cycle
 *
 * heapd: hd_script_run on a fresh heap (compiling included). python3:
 * /usr/bin/python3 running the program as a file, timed from outside, less
 * the time it takes to run an empty file (its startup). Medians of
 * opts->reps runs on both sides. Target: no slower than python3.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "heap.h"
#include "script.h"

static const char churn_src[] = "class Obj:\n"
                                "    def __init__(self, v):\n"
                                "        self.v = v\n"
                                "\n"
                                "for i in range(@):\n"
                                "    o = Obj(i)\n";

static const char cycles_src[] = "import gc\n"
                                 "\n"
                                 "class Node:\n"
                                 "    def __init__(self):\n"
                                 "        self.other = None\n"
                                 "\n"
                                 "for i in range(@):\n"
                                 "    a = Node()\n"
                                 "    b = Node()\n"
                                 "    a.other = b\n"
                                 "    b.other = a\n"
                                 "del a, b\n"
                                 "gc.collect()\n";

/* heapd_ns: one run of src on a fresh heap, in ns; -1 on failure */
static double heapd_ns(const char *src)
{
    hd_mem_t mem;
    hd_mem_init_default(&mem);
    hd_heap_t *h;
    if (hd_heap_new(&mem, NULL, &h) != 0)
        return -1;
    hd_script_result_t r;
    uint64_t t0 = bench_now_ns();
    int rc = hd_script_run(h, src, strlen(src), NULL, &r);
    uint64_t t1 = bench_now_ns();
    int ok = rc == 0 && r.status == HD_SCRIPT_OK;
    if (rc == 0 && !ok)
        fprintf(stderr, "bench_script: the program failed: %s: %s\n", r.exc_type,
                r.message ? r.message : "");
    hd_script_result_close(&r);
    hd_heap_free(h);
    return ok ? (double)(t1 - t0) : -1;
}

/* python_ns: one run of /usr/bin/python3 on the file, in ns; -1 when it
 * cannot run */
static double python_ns(const char *path)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s >/dev/null 2>&1", path);
    uint64_t t0 = bench_now_ns();
    int rc = system(cmd);
    uint64_t t1 = bench_now_ns();
    return rc == 0 ? (double)(t1 - t0) : -1;
}

static int write_file(char *path, const char *text)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return -1;
    }
    fputs(text, f);
    fclose(f);
    return 0;
}

/* with_count: the program with its '@' replaced by the iteration count */
static void with_count(char *out, size_t len, const char *tmpl, int iters)
{
    const char *at = strchr(tmpl, '@');
    snprintf(out, len, "%.*s%d%s", (int)(at - tmpl), tmpl, iters, at + 1);
}

/* measure: medians of reps runs of a program on both sides, per iteration */
static int measure(const char *name, const char *tmpl, int iters, int reps)
{
    char src[1024];
    with_count(src, sizeof(src), tmpl, iters);
    char prog[] = "/tmp/hd_bench_script_XXXXXX", empty[] = "/tmp/hd_bench_empty_XXXXXX";
    if (write_file(prog, src) || write_file(empty, "")) {
        fprintf(stderr, "bench_script: cannot write a temporary file\n");
        return 1;
    }
    double ours[101], py[101], base[101];
    int npy = 0;
    for (int i = 0; i < reps; i++) {
        ours[i] = heapd_ns(src);
        if (ours[i] < 0) {
            remove(prog);
            remove(empty);
            return 1;
        }
        double p = python_ns(prog), b = python_ns(empty);
        if (p > 0 && b > 0) {
            py[npy] = p;
            base[npy++] = b;
        }
    }
    remove(prog);
    remove(empty);
    double o = bench_median(ours, reps) / iters;
    double a = npy ? (bench_median(py, npy) - bench_median(base, npy)) / iters : -1;
    printf("  %-14s heapd %8.1f ns/iter   python3 %8.1f ns/iter   ratio %.3f\n", name, o, a,
           a > 0 ? o / a : 0);
    bench_result(name, o, "ns", a);
    return 0;
}

int bench_script(const bench_opts_t *opts)
{
    int churn = opts->quick ? 100000 : 1000000, cycles = opts->quick ? 10000 : 100000;
    printf("script: the same program run by heapd's script language and by python3\n");
    int rc = measure("script_churn", churn_src, churn, opts->reps);
    if (!rc)
        rc = measure("script_cycles", cycles_src, cycles, opts->reps);
    return rc;
}
