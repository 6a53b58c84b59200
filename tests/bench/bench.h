/*
 * bench.h: the shared part of heapd-bench.
 *
 * A benchmark is a function in its own bench_<name>.c, listed in the table of
 * bench.c. It prints human-readable lines as it goes and hands its headline
 * figures to bench_result(), which heapd-bench prints at the very end as
 *
 *     BENCH <name> <value> <unit> anchor=<value> ratio=<value/anchor>
 *
 * one line per figure, for scripts to collect. Anchors are what the figure is
 * judged against (the system allocator, CPython itself); ratio < 1 is better
 * when the unit is a time.
 */
#ifndef HD_BENCH_H
#define HD_BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_opts {
    int quick;     /* --quick: a smaller workload, for a smoke run */
    int reps;      /* measurements per figure (the median is reported) */
    long n;        /* --n N: the gc figures' workload size instead of the default, or 0 */
    int no_anchor; /* --no-anchor: the gc figures skip python3 (for callgrind runs) */
} bench_opts_t;

/* bench_size: the workload size: --n when given, else `quick` under
 * --quick, else `full`. */
int bench_size(const bench_opts_t *opts, int quick, int full);

/* bench_now_ns: a monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* bench_median: the median of v[0..n) (sorts v in place). */
double bench_median(double *v, int n);

/* bench_result: records a headline figure; anchor <= 0 means "no anchor". */
void bench_result(const char *name, double value, const char *unit, double anchor);

/* bench_rng: xorshift64*, so that workloads are the same from run to run. */
uint64_t bench_rng(uint64_t *state);

/* The benchmarks. Each returns 0, or nonzero when it could not run. */
int bench_alloc(const bench_opts_t *opts);
int bench_gc(const bench_opts_t *opts);
int bench_gc_cycles_only(const bench_opts_t *opts);
int bench_gc_cycles_slots_only(const bench_opts_t *opts);
int bench_gc_full_only(const bench_opts_t *opts);
int bench_churn_only(const bench_opts_t *opts);
int bench_script(const bench_opts_t *opts);

#endif
