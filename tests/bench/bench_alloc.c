/*
 * bench_alloc.c: the `alloc` benchmark, block churn.
 *
 * A window of 100,000 live blocks; then 20,000,000 pairs "free a random
 * block of the window, allocate a new one in its place", sizes uniform in
 * 16..512. The random indices and sizes are computed beforehand (one packed
 * uint32_t per pair), so the RNG is not timed and every allocator sees the
 * same sequence. Only the pair loop is timed; filling and draining the window
 * are not.
 *
 * Allocators: heapd's pool (hd_pool_block_alloc/free), the system allocator
 * (glibc malloc/free) and, when heapd-bench was built with python3-embed,
 * CPython's own PyObject_Malloc/PyObject_Free (pymalloc, after Py_Initialize,
 * with the GIL held). Each is measured opts->reps times, interleaved so that
 * drift in the machine hits all of them alike; medians are reported.
 */
#ifdef HD_BENCH_CPYTHON
#include <Python.h> /* first: it sets the feature macros */
#endif

#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#include "pool.h"

#define WINDOW      100000u
#define PAIRS       20000000u
#define PAIRS_QUICK 2000000u
#define MIN_LEN     16u
#define MAX_LEN     512u
#define IDX_BITS    17 /* WINDOW < 2^17 */
#define IDX_MASK    ((1u << IDX_BITS) - 1)

typedef struct workload {
    uint32_t *init; /* owned: sizes of the first WINDOW blocks */
    uint32_t *ops;  /* owned: npairs of (size << IDX_BITS | index) */
    uint32_t npairs;
    void **window; /* owned: the live blocks */
} workload_t;

static int workload_init(workload_t *w, uint32_t npairs)
{
    uint64_t seed = 0x9e3779b97f4a7c15u;
    w->npairs = npairs;
    w->init = malloc(WINDOW * sizeof(*w->init));
    w->ops = malloc((size_t)npairs * sizeof(*w->ops));
    w->window = malloc(WINDOW * sizeof(*w->window));
    if (!w->init || !w->ops || !w->window)
        return -1;
    for (uint32_t i = 0; i < WINDOW; i++)
        w->init[i] = MIN_LEN + (uint32_t)(bench_rng(&seed) % (MAX_LEN - MIN_LEN + 1));
    for (uint32_t j = 0; j < npairs; j++) {
        uint32_t idx = (uint32_t)(bench_rng(&seed) % WINDOW);
        uint32_t len = MIN_LEN + (uint32_t)(bench_rng(&seed) % (MAX_LEN - MIN_LEN + 1));
        w->ops[j] = len << IDX_BITS | idx;
    }
    return 0;
}

static void workload_close(workload_t *w)
{
    free(w->init);
    free(w->ops);
    free(w->window);
}

/* Each allocator gets its own copy of the loop, so every call is direct. */

static double run_pool(workload_t *w)
{
    hd_mem_t mem;
    hd_pool_t *pool;
    hd_mem_init_default(&mem);
    if (hd_pool_new(&mem, &pool) != 0)
        return -1;
    for (uint32_t i = 0; i < WINDOW; i++)
        if (hd_pool_block_alloc(pool, w->init[i], &w->window[i]) != 0)
            return -1;
    int bad = 0;
    uint64_t t0 = bench_now_ns();
    for (uint32_t j = 0; j < w->npairs; j++) {
        uint32_t op = w->ops[j];
        void **slot = &w->window[op & IDX_MASK];
        hd_pool_block_free(pool, *slot);
        bad |= hd_pool_block_alloc(pool, op >> IDX_BITS, slot);
    }
    uint64_t t1 = bench_now_ns();
    const char *why = NULL;
    if (bad || hd_pool_validate(pool, &why) != 0) {
        fprintf(stderr, "alloc: pool failed (%s)\n", why ? why : "allocation error");
        return -1;
    }
    hd_pool_free(pool); /* drains the window with it */
    return (double)(t1 - t0) / w->npairs;
}

static double run_malloc(workload_t *w)
{
    for (uint32_t i = 0; i < WINDOW; i++)
        if ((w->window[i] = malloc(w->init[i])) == NULL)
            return -1;
    uintptr_t bad = 0;
    uint64_t t0 = bench_now_ns();
    for (uint32_t j = 0; j < w->npairs; j++) {
        uint32_t op = w->ops[j];
        void **slot = &w->window[op & IDX_MASK];
        free(*slot);
        *slot = malloc(op >> IDX_BITS);
        bad |= *slot == NULL;
    }
    uint64_t t1 = bench_now_ns();
    for (uint32_t i = 0; i < WINDOW; i++)
        free(w->window[i]);
    return bad ? -1 : (double)(t1 - t0) / w->npairs;
}

#ifdef HD_BENCH_CPYTHON
static double run_cpython(workload_t *w)
{
    for (uint32_t i = 0; i < WINDOW; i++)
        if ((w->window[i] = PyObject_Malloc(w->init[i])) == NULL)
            return -1;
    uintptr_t bad = 0;
    uint64_t t0 = bench_now_ns();
    for (uint32_t j = 0; j < w->npairs; j++) {
        uint32_t op = w->ops[j];
        void **slot = &w->window[op & IDX_MASK];
        PyObject_Free(*slot);
        *slot = PyObject_Malloc(op >> IDX_BITS);
        bad |= *slot == NULL;
    }
    uint64_t t1 = bench_now_ns();
    for (uint32_t i = 0; i < WINDOW; i++)
        PyObject_Free(w->window[i]);
    return bad ? -1 : (double)(t1 - t0) / w->npairs;
}
#endif

enum { A_POOL, A_MALLOC, A_CPYTHON, NALLOCATORS };

static const char *const allocator_names[NALLOCATORS] = {
    "heapd pool (hd_pool_block_*)",
    "glibc malloc/free",
    "CPython PyObject_Malloc/Free",
};

static double run_one(int a, workload_t *w)
{
    switch (a) {
    case A_POOL:
        return run_pool(w);
    case A_MALLOC:
        return run_malloc(w);
#ifdef HD_BENCH_CPYTHON
    case A_CPYTHON:
        return run_cpython(w);
#endif
    default:
        return -1;
    }
}

int bench_alloc(const bench_opts_t *opts)
{
    workload_t w = {0};
    double ns[NALLOCATORS][101];
    int have[NALLOCATORS] = {1, 1, 0};
    uint32_t npairs = opts->quick ? PAIRS_QUICK : PAIRS;
    if (workload_init(&w, npairs) != 0) {
        workload_close(&w);
        return -1;
    }
#ifdef HD_BENCH_CPYTHON
    Py_InitializeEx(0);
    have[A_CPYTHON] = 1;
#endif
    printf("window %u blocks, %u free+malloc pairs, sizes uniform %u..%u, %d runs each\n", WINDOW,
           npairs, MIN_LEN, MAX_LEN, opts->reps);
    for (int r = 0; r < opts->reps; r++) {
        for (int a = 0; a < NALLOCATORS; a++) {
            if (!have[a])
                continue;
            ns[a][r] = run_one(a, &w);
            if (ns[a][r] < 0) {
                workload_close(&w);
                return -1;
            }
        }
    }
    double med[NALLOCATORS] = {0};
    for (int a = 0; a < NALLOCATORS; a++) {
        if (!have[a])
            continue;
        printf("  %-30s", allocator_names[a]);
        for (int r = 0; r < opts->reps; r++)
            printf(" %6.2f", ns[a][r]);
        med[a] = bench_median(ns[a], opts->reps);
        printf("  -> median %6.2f ns/pair\n", med[a]);
    }
    printf("  pool / malloc = %.3f (target <= 0.5)", med[A_POOL] / med[A_MALLOC]);
    if (have[A_CPYTHON])
        printf(", pool / CPython = %.3f (target <= 1.0)", med[A_POOL] / med[A_CPYTHON]);
    printf("\n");
    bench_result("alloc", med[A_POOL], "ns", med[A_MALLOC]);
    if (have[A_CPYTHON])
        bench_result("alloc_vs_cpython", med[A_POOL], "ns", med[A_CPYTHON]);
    else
        printf("  (no CPython anchor: heapd-bench was built without python3-embed)\n");
#ifdef HD_BENCH_CPYTHON
    Py_FinalizeEx();
#endif
    workload_close(&w);
    return 0;
}
