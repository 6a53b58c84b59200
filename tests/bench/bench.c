/*
 * bench.c: heapd-bench, the benchmark runner.
 *
 *     heapd-bench [--quick] [--reps N] [--n N] [--no-anchor] [--list] [name...]
 *
 * runs the named benchmarks (all of them without a name, except the parts
 * of `gc` that run alone only when named), then prints every recorded
 * figure as a BENCH line (see bench.h). --n sets the workload size of the
 * gc figures (objects, cycles or iterations); --no-anchor skips their
 * python3 runs, so that `valgrind --tool=callgrind heapd-bench --reps 1 --n
 * 10000 --no-anchor gc_cycles` counts our instructions only. Adding a
 * benchmark: write
 * bench_<name>.c with an `int bench_<name>(const bench_opts_t *)`, declare it
 * in bench.h and add a line to the table below.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct bench {
    const char *name;
    int (*run)(const bench_opts_t *opts);
    const char *what;
    int named_only; /* a part of another one: run only when named */
} bench_t;

static const bench_t benches[] = {
    {"alloc", bench_alloc, "pool block churn vs glibc malloc and CPython's PyObject_Malloc", 0},
    {"gc", bench_gc, "gc_cycles, gc_full, churn and overhead vs python3", 0},
    {"gc_cycles", bench_gc_cycles_only, "gc_cycles only (plain instances)", 1},
    {"gc_cycles_slots", bench_gc_cycles_slots_only, "gc_cycles_slots only", 1},
    {"gc_full", bench_gc_full_only, "gc_full only", 1},
    {"churn", bench_churn_only, "churn only", 1},
    {"script", bench_script, "script_churn and script_cycles: heap-script programs vs python3", 0},
};
#define NBENCHES (sizeof(benches) / sizeof(benches[0]))

#define MAX_RESULTS 64

typedef struct result {
    char name[48];
    char unit[16];
    double value;
    double anchor;
} result_t;

/* The runner is a program, not the runtime: a file-level table is fine. */
static result_t results[MAX_RESULTS];
static int nresults;

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_result(const char *name, double value, const char *unit, double anchor)
{
    if (nresults == MAX_RESULTS)
        return;
    result_t *r = &results[nresults++];
    snprintf(r->name, sizeof(r->name), "%s", name);
    snprintf(r->unit, sizeof(r->unit), "%s", unit);
    r->value = value;
    r->anchor = anchor;
}

uint64_t bench_rng(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(2685821657736338717);
}

int bench_size(const bench_opts_t *opts, int quick, int full)
{
    if (opts->n > 0)
        return (int)opts->n;
    return opts->quick ? quick : full;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: heapd-bench [--quick] [--reps N] [--n N] [--no-anchor] [--list] [name...]\n");
}

int main(int argc, char **argv)
{
    bench_opts_t opts = {0, 5, 0, 0};
    int chosen[NBENCHES] = {0}, any = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            opts.quick = 1;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            opts.reps = atoi(argv[++i]);
            if (opts.reps < 1 || opts.reps > 101) {
                usage(stderr);
                return 2;
            }
        } else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) {
            opts.n = atol(argv[++i]);
            if (opts.n < 1 || opts.n > 100000000) {
                usage(stderr);
                return 2;
            }
        } else if (strcmp(argv[i], "--no-anchor") == 0) {
            opts.no_anchor = 1;
        } else if (strcmp(argv[i], "--list") == 0) {
            for (size_t b = 0; b < NBENCHES; b++)
                printf("%-16s %s\n", benches[b].name, benches[b].what);
            return 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            size_t b = 0;
            while (b < NBENCHES && strcmp(argv[i], benches[b].name) != 0)
                b++;
            if (b == NBENCHES) {
                fprintf(stderr, "heapd-bench: no benchmark named %s (try --list)\n", argv[i]);
                return 2;
            }
            chosen[b] = any = 1;
        }
    }
    for (size_t b = 0; b < NBENCHES; b++) {
        if (any ? !chosen[b] : benches[b].named_only)
            continue;
        printf("== %s: %s\n", benches[b].name, benches[b].what);
        fflush(stdout);
        if (benches[b].run(&opts) != 0) {
            fprintf(stderr, "heapd-bench: %s failed\n", benches[b].name);
            failed = 1;
        }
    }
    for (int i = 0; i < nresults; i++) {
        const result_t *r = &results[i];
        if (r->anchor > 0)
            printf("BENCH %s %.2f %s anchor=%.2f ratio=%.3f\n", r->name, r->value, r->unit,
                   r->anchor, r->value / r->anchor);
        else
            printf("BENCH %s %.2f %s\n", r->name, r->value, r->unit);
    }
    return failed;
}
