/*
 * test_trace_memory.c: the tracer's life cycle and what it counts (trace.h,
 * in tracemalloc's model): start, stop, clear_traces and reset_peak; traced
 * and peak memory through add, remove and realloc, sizes of 4 GiB and more;
 * the trace table growing and shrinking; and a heap whose allocations are
 * traced at the heap's current site.
 *
 * Through a heap, every block allocated while tracing is recorded at the
 * heap's current site with its requested size; a realloc re-records the
 * block at the site of the realloc (as tracemalloc does); blocks from free
 * lists were not allocated and are not traced; stop() forgets everything.
 *
 * The last case prints micro-timings of the table (never asserted).
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_util.h"

#include <time.h>

#include "rt_util.h"

/* ===================================================================== */
/* Lifecycle and state                                                   */
/* ===================================================================== */

TEST(new_defaults)
{
    hd_trace_t *t = new_trace();
    CHECK_EQ(hd_trace_is_tracing(t), 0);
    check_memory(t, 0, 0);
    CHECK_EQ(hd_trace_count(t), 0);
    const char *text = NULL;
    size_t flen = 0;
    uint32_t line = 7;
    CHECK_OK(hd_trace_site_lookup(t, HD_TRACE_UNKNOWN, &text, &flen, &line));
    CHECK_STR(text, "<unknown>:0");
    CHECK_EQ(flen, 9);
    CHECK_EQ(line, 0);
    CHECK_OK(hd_trace_kind_lookup(t, HD_TRACE_UNKNOWN, &text));
    CHECK_STR(text, "<unknown>");
    CHECK_EQ(hd_trace_site_lookup(t, 1, &text, NULL, NULL), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_kind_lookup(t, 1, &text), HD_ENOTFOUND);
    /* Not tracing: recording is a no-op, as with tracemalloc's hooks off. */
    CHECK_OK(hd_trace_add(t, blk(1), 100, 0, 0));
    CHECK_OK(hd_trace_realloc(t, NULL, blk(2), 100, 0, 0));
    CHECK_EQ(hd_trace_count(t), 0);
    CHECK_EQ(hd_trace_get(t, blk(1), NULL, NULL, NULL), HD_ENOTFOUND);
    uint64_t snap = 99;
    CHECK_EQ(hd_trace_snapshot(t, &snap), HD_EINVAL);
    CHECK_EQ(snap, 99);
    CHECK(hd_trace_inspector_bytes(t) > 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
    hd_trace_free(NULL);
}

TEST(start_stop_clear_reset_peak)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    hd_trace_start(t); /* already tracing: no-op */
    CHECK_EQ(hd_trace_is_tracing(t), 1);
    CHECK_OK(hd_trace_add(t, blk(1), 1000, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(2), 500, 0, 0));
    hd_trace_remove(t, blk(1));
    check_memory(t, 500, 1500);
    hd_trace_reset_peak(t);
    check_memory(t, 500, 500);
    CHECK_OK(hd_trace_add(t, blk(3), 20, 0, 0));
    check_memory(t, 520, 520);

    /* clear_traces: traces gone, both zero, still tracing */
    hd_trace_clear(t);
    CHECK_EQ(hd_trace_is_tracing(t), 1);
    CHECK_EQ(hd_trace_count(t), 0);
    check_memory(t, 0, 0);
    CHECK_EQ(hd_trace_get(t, blk(2), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_OK(hd_trace_add(t, blk(4), 64, 0, 0));
    check_memory(t, 64, 64);
    CHECK_OK(hd_trace_validate(t));

    /* stop: traces and peak cleared; reset_peak is a no-op while stopped */
    hd_trace_stop(t);
    CHECK_EQ(hd_trace_is_tracing(t), 0);
    CHECK_EQ(hd_trace_count(t), 0);
    check_memory(t, 0, 0);
    hd_trace_reset_peak(t);
    check_memory(t, 0, 0);
    hd_trace_remove(t, blk(4)); /* untraced: no-op */
    CHECK_OK(hd_trace_validate(t));

    hd_trace_start(t);
    check_memory(t, 0, 0);
    CHECK_OK(hd_trace_add(t, blk(4), 8, 0, 0));
    check_memory(t, 8, 8);
    hd_trace_free(t);
}

TEST(add_remove_arithmetic)
{
    hd_trace_t *t = new_trace();
    uint32_t s1 = site(t, "app.py:12"), k1 = kind(t, "list");
    hd_trace_start(t);
    CHECK_OK(hd_trace_add(t, blk(1), 56, s1, k1));
    CHECK_OK(hd_trace_add(t, blk(2), 0, s1, k1)); /* zero-size blocks are traced too */
    CHECK_OK(hd_trace_add(t, blk(3), 100, 0, 0));
    check_memory(t, 156, 156);
    CHECK_EQ(hd_trace_count(t), 3);
    size_t req = 0;
    uint32_t s = 9, k = 9;
    CHECK_OK(hd_trace_get(t, blk(1), &req, &s, &k));
    CHECK_EQ(req, 56);
    CHECK_EQ(s, s1);
    CHECK_EQ(k, k1);
    CHECK_OK(hd_trace_get(t, blk(2), &req, NULL, NULL));
    CHECK_EQ(req, 0);

    /* adding a traced block replaces its trace (tracemalloc_add_trace) */
    CHECK_OK(hd_trace_add(t, blk(3), 40, s1, 0));
    check_memory(t, 96, 156);
    CHECK_EQ(hd_trace_count(t), 3);
    CHECK_OK(hd_trace_get(t, blk(3), &req, &s, NULL));
    CHECK_EQ(req, 40);
    CHECK_EQ(s, s1);
    CHECK_OK(hd_trace_add(t, blk(3), 200, s1, 0));
    check_memory(t, 256, 256);

    hd_trace_remove(t, blk(1));
    hd_trace_remove(t, blk(1)); /* second free of the same block: no-op */
    hd_trace_remove(t, blk(77));
    hd_trace_remove(t, NULL);
    check_memory(t, 200, 256);
    CHECK_EQ(hd_trace_count(t), 2);
    CHECK_EQ(hd_trace_get(t, blk(1), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_get(t, NULL, NULL, NULL, NULL), HD_ENOTFOUND);

    /* bad input changes nothing */
    CHECK_EQ(hd_trace_add(t, NULL, 10, 0, 0), HD_EINVAL);
    CHECK_EQ(hd_trace_add(t, blk(5), 10, 4242, 0), HD_EINVAL);
    CHECK_EQ(hd_trace_add(t, blk(5), 10, 0, 4242), HD_EINVAL);
    CHECK_EQ(hd_trace_realloc(t, blk(3), NULL, 10, 0, 0), HD_EINVAL);
    CHECK_EQ(hd_trace_realloc(t, blk(3), blk(6), 10, 0, 4242), HD_EINVAL);
    check_memory(t, 200, 256);
    CHECK_EQ(hd_trace_count(t), 2);

    hd_trace_remove(t, blk(2));
    hd_trace_remove(t, blk(3));
    check_memory(t, 0, 256);
    CHECK_EQ(hd_trace_count(t), 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(realloc_semantics)
{
    hd_trace_t *t = new_trace();
    uint32_t s1 = site(t, "a.py:1"), s2 = site(t, "a.py:2"), k1 = kind(t, "list");
    hd_trace_start(t);
    CHECK_OK(hd_trace_add(t, blk(1), 100, s1, k1));

    /* in place, growing then shrinking: the realloc's site replaces the old one */
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 300, s2, k1));
    check_memory(t, 300, 300);
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 50, s2, k1));
    check_memory(t, 50, 300);
    uint32_t s = 0;
    size_t req = 0;
    CHECK_OK(hd_trace_get(t, blk(1), &req, &s, NULL));
    CHECK_EQ(req, 50);
    CHECK_EQ(s, s2);

    /* moved: the old trace goes, the new one is added; peak counts after both */
    hd_trace_reset_peak(t);
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(2), 60, s1, 0));
    check_memory(t, 60, 60);
    CHECK_EQ(hd_trace_get(t, blk(1), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_OK(hd_trace_get(t, blk(2), &req, &s, NULL));
    CHECK_EQ(req, 60);
    CHECK_EQ(s, s1);
    CHECK_EQ(hd_trace_count(t), 1);

    /* old block untraced (allocated before start): only the new one counts */
    CHECK_OK(hd_trace_realloc(t, blk(9), blk(10), 30, s1, 0));
    check_memory(t, 90, 90);
    /* NULL old block: a plain allocation */
    CHECK_OK(hd_trace_realloc(t, NULL, blk(11), 10, s1, 0));
    check_memory(t, 100, 100);
    CHECK_EQ(hd_trace_count(t), 3);

    /* new block already traced: its trace is replaced */
    CHECK_OK(hd_trace_realloc(t, blk(10), blk(11), 5, s2, k1));
    check_memory(t, 65, 100);
    CHECK_EQ(hd_trace_count(t), 2);

    /* a traced old block frees its slot: the realloc needs no memory at all */
    hd_mem_fail_after(&test_mem, 1, 1);
    for (size_t i = 0; i < 100; i++)
        CHECK_OK(hd_trace_realloc(t, blk(11 + i), blk(12 + i), i, s1, k1));
    CHECK_EQ(hd_trace_count(t), 2);
    /* while an untraced one needs a slot; reserve makes it infallible */
    hd_mem_fail_after(&test_mem, 0, 0);
    CHECK_OK(hd_trace_reserve(t, 200));
    hd_mem_fail_after(&test_mem, 1, 1);
    for (size_t i = 0; i < 200; i++)
        CHECK_OK(hd_trace_realloc(t, blk(5000 + i), blk(1000 + i), 1, s1, k1));
    CHECK_EQ(hd_trace_count(t), 202);
    CHECK_EQ(test_mem.failures, 0);
    /* the reservation covers one block of 4 GiB or more among them */
    hd_mem_fail_after(&test_mem, 0, 0);
    CHECK_OK(hd_trace_reserve(t, 2));
    hd_mem_fail_after(&test_mem, 1, 1);
    CHECK_OK(hd_trace_realloc(t, NULL, blk(7000), 5 * GIB4, s1, k1));
    CHECK_OK(hd_trace_realloc(t, blk(6999), blk(7001), 3, s1, k1));
    CHECK_EQ(hd_trace_count(t), 204);
    CHECK_EQ(test_mem.failures, 0);
    hd_mem_fail_after(&test_mem, 0, 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(sizes_over_4gib)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    size_t huge = 5 * GIB4 + 3, edge = (size_t)UINT32_MAX;
    CHECK_OK(hd_trace_add(t, blk(1), huge, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(2), edge, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(3), edge - 1, 0, 0));
    check_memory(t, huge + 2 * edge - 1, huge + 2 * edge - 1);
    size_t req = 0;
    CHECK_OK(hd_trace_get(t, blk(1), &req, NULL, NULL));
    CHECK_EQ(req, huge);
    CHECK_OK(hd_trace_get(t, blk(2), &req, NULL, NULL));
    CHECK_EQ(req, edge);
    CHECK_OK(hd_trace_get(t, blk(3), &req, NULL, NULL));
    CHECK_EQ(req, edge - 1);
    CHECK_OK(hd_trace_validate(t));

    /* big -> small in place, small -> big moved, big -> big moved */
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 10, 0, 0));
    CHECK_OK(hd_trace_realloc(t, blk(3), blk(4), 6 * GIB4, 0, 0));
    CHECK_OK(hd_trace_realloc(t, blk(2), blk(5), 7 * GIB4, 0, 0));
    CHECK_OK(hd_trace_validate(t));
    check_memory(t, 13 * GIB4 + 10, 13 * GIB4 + 10);
    CHECK_OK(hd_trace_get(t, blk(5), &req, NULL, NULL));
    CHECK_EQ(req, 7 * GIB4);

    uint64_t snap;
    CHECK_OK(hd_trace_snapshot(t, &snap));
    hd_trace_stat_t st[4];
    size_t n = 0;
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_SITE, 4, st, &n));
    CHECK_EQ(n, 1);
    CHECK_EQ(st[0].size, 10 + 13 * GIB4);
    CHECK_EQ(st[0].count, 3);

    /* a big trace replaced in place or moved reuses its record: no memory */
    hd_mem_fail_after(&test_mem, 1, 1);
    CHECK_OK(hd_trace_realloc(t, blk(5), blk(5), 8 * GIB4, 0, 0));
    CHECK_OK(hd_trace_realloc(t, blk(5), blk(6), 9 * GIB4, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(6), 10 * GIB4, 0, 0));
    CHECK_EQ(test_mem.failures, 0);
    /* new big records fill the side list's spare slots, then need memory:
     * that failure is clean */
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 11, 0, 0));
    size_t expect = 11 + 16 * GIB4, i = 0;
    int rc = 0;
    for (; i < 64 && (rc = hd_trace_add(t, blk(100 + i), GIB4, 0, 0)) == 0; i++)
        expect += GIB4;
    CHECK_EQ(rc, HD_ENOMEM);
    CHECK_EQ(test_mem.failures, 1);
    check_memory(t, expect, expect);
    CHECK_EQ(hd_trace_get(t, blk(100 + i), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_OK(hd_trace_validate(t));
    hd_mem_fail_after(&test_mem, 0, 0);
    for (size_t j = 0; j < i; j++)
        hd_trace_remove(t, blk(100 + j));
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(7), 12 * GIB4, 0, 0));
    check_memory(t, 28 * GIB4, expect > 28 * GIB4 ? expect : 28 * GIB4);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_remove(t, blk(4));
    hd_trace_remove(t, blk(6));
    hd_trace_remove(t, blk(7));
    check_memory(t, 0, expect > 28 * GIB4 ? expect : 28 * GIB4);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

/* ===================================================================== */
/* The table                                                             */
/* ===================================================================== */

TEST(table_growth_and_shrink)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    size_t base = hd_trace_inspector_bytes(t);
    const size_t n = 100000;
    size_t total = 0;
    /* pool-like addresses: blocks of one size class in consecutive 16 KiB
     * pools, the pattern that defeats a plain masked pointer hash */
    for (size_t i = 0; i < n; i++) {
        const void *p =
            (const void *)(uintptr_t)(0x7f0000000000ull + (i / 64) * 16384 + 48 + (i % 64) * 256);
        CHECK_OK(hd_trace_add(t, p, i % 500, 0, 0));
        total += i % 500;
    }
    check_memory(t, total, total);
    CHECK_EQ(hd_trace_count(t), n);
    CHECK_OK(hd_trace_validate(t));
    size_t grown = hd_trace_inspector_bytes(t);
    CHECK(grown >= base + n * 16);
    CHECK(grown <= base + n * 16 * 3); /* 16-byte entries, load over 3/8 */
    size_t req;
    for (size_t i = 0; i < n; i++) {
        const void *p =
            (const void *)(uintptr_t)(0x7f0000000000ull + (i / 64) * 16384 + 48 + (i % 64) * 256);
        CHECK_OK(hd_trace_get(t, p, &req, NULL, NULL));
        CHECK_EQ(req, i % 500);
        if (i % 2)
            hd_trace_remove(t, p);
    }
    CHECK_OK(hd_trace_validate(t));
    for (size_t i = 0; i < n; i += 2) {
        const void *p =
            (const void *)(uintptr_t)(0x7f0000000000ull + (i / 64) * 16384 + 48 + (i % 64) * 256);
        hd_trace_remove(t, p);
    }
    CHECK_EQ(hd_trace_count(t), 0);
    check_memory(t, 0, total);
    CHECK_OK(hd_trace_validate(t));
    /* shrunk back to the minimal table (64 slots of 16 bytes) */
    CHECK(hd_trace_inspector_bytes(t) <= base + 64 * 16);
    hd_trace_clear(t);
    CHECK_EQ(hd_trace_inspector_bytes(t), base);
    hd_trace_free(t);
}

/* ===================================================================== */
/* Traced through a heap                                                 */
/* ===================================================================== */

TEST(heap_blocks_are_traced_at_their_site)
{
    rt_t *r = rt_new();
    hd_trace_t *tr = hd_heap_trace(r->h);
    hd_trace_start(tr);
    hd_obj_t *items[3], *l;
    for (int i = 0; i < 3; i++)
        CHECK_OK(hd_int_from_i64(r->h, i, &items[i])); /* small ints: static, untraced */
    CHECK_OK(hd_heap_set_site(r->h, "app.py:4"));
    CHECK_OK(hd_list_new(r->h, 3, items, &l)); /* 56-byte object + 24-byte items */
    size_t cur, peak;
    hd_trace_memory(tr, &cur, &peak);
    CHECK_EQ(cur, 80);
    CHECK_OK(hd_heap_set_site(r->h, "app.py:5"));
    CHECK_OK(hd_list_append(r->h, l, items[0])); /* items realloc'd to 8 slots */
    hd_trace_memory(tr, &cur, &peak);
    CHECK_EQ(cur, 56 + 64);
    CHECK_EQ(peak, 56 + 64);
    uint64_t snap;
    CHECK_OK(hd_trace_snapshot(tr, &snap));
    hd_trace_stat_t st[8];
    size_t n = 8;
    CHECK_OK(hd_trace_stats(tr, snap, HD_TRACE_BY_SITE, 8, st, &n));
    CHECK_EQ(n, 2);
    CHECK_STR(st[0].key, "app.py:5");
    CHECK_EQ(st[0].size, 64);
    CHECK_STR(st[1].key, "app.py:4");
    CHECK_EQ(st[1].size, 56);
    n = 8;
    CHECK_OK(hd_trace_stats(tr, snap, HD_TRACE_BY_KIND, 8, st, &n));
    CHECK_EQ(n, 1);
    CHECK_STR(st[0].key, "list");
    CHECK_EQ(st[0].count, 2);
    char line[128];
    CHECK_OK(hd_trace_format_stat(&st[0], line, sizeof(line)));
    CHECK_STR(line, "list: size=120 B, count=2, average=60 B");
    hd_obj_decref(r->h, l); /* to the list free list: the items block is freed */
    hd_trace_memory(tr, &cur, &peak);
    CHECK_EQ(cur, 56);
    hd_trace_stop(tr);
    hd_trace_memory(tr, &cur, &peak);
    CHECK_EQ(cur, 0);
    CHECK_EQ(peak, 0);
    for (int i = 0; i < 3; i++)
        hd_obj_decref(r->h, items[i]);
    CHECK_OK(hd_trace_snapshot_drop(tr, snap));
    rt_free(r);
}

/* ===================================================================== */
/* Micro-timing (printed, never asserted)                                */
/* ===================================================================== */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* pool_addr: the i-th block of 32-byte class in consecutive 16 KiB pools. */
static const void *pool_addr(size_t i)
{
    return (const void *)(uintptr_t)(0x7f1000000000ull + (i / 510) * 16384 + 48 + (i % 510) * 32);
}

TEST(timing_printout)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    const size_t n = (size_t)1 << 20;
    size_t *order = malloc(n * sizeof(*order));
    CHECK(order != NULL);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    rng_state = 99;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rnd() % (i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++)
        CHECK_OK(hd_trace_add(t, pool_addr(i), 32, 0, 0));
    double t1 = now_ns();
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += hd_trace_get(t, pool_addr(order[i]), NULL, NULL, NULL) == 0;
    double t2 = now_ns();
    /* steady churn at 1M live: free a random block, allocate it again */
    for (size_t i = 0; i < n; i++) {
        hd_trace_remove(t, pool_addr(order[i]));
        CHECK_OK(hd_trace_add(t, pool_addr(order[i]), 24, 0, 0));
    }
    double t3 = now_ns();
    for (size_t i = 0; i < n; i++)
        hd_trace_remove(t, pool_addr(order[i]));
    double t4 = now_ns();
    /* small live set (cache-resident): 1000 live, alloc/free churn */
    for (size_t i = 0; i < 1000; i++)
        CHECK_OK(hd_trace_add(t, pool_addr(i), 32, 0, 0));
    double t5 = now_ns();
    for (size_t i = 0; i < n; i++) {
        hd_trace_remove(t, pool_addr(i % 1000));
        CHECK_OK(hd_trace_add(t, pool_addr(i % 1000), 32, 0, 0));
    }
    double t6 = now_ns();
    CHECK_EQ(hits, n);
    CHECK_EQ(hd_trace_count(t), 1000);
    /* 1M adds into a table reserved beforehand: the insert without rehashing */
    hd_trace_clear(t);
    CHECK_OK(hd_trace_reserve(t, n));
    double t7 = now_ns();
    for (size_t i = 0; i < n; i++)
        CHECK_OK(hd_trace_add(t, pool_addr(i), 32, 0, 0));
    double t8 = now_ns();
    CHECK_EQ(hd_trace_count(t), n);
    printf("timing (1M blocks, pool addresses; informational):\n"
           "  add, growing table   %6.1f ns/op\n"
           "  get, random order    %6.1f ns/op\n"
           "  remove+add, 1M live  %6.1f ns/op\n"
           "  remove, shrinking    %6.1f ns/op\n"
           "  remove+add, 1k live  %6.1f ns/op\n"
           "  add, reserved table  %6.1f ns/op\n",
           (t1 - t0) / (double)n, (t2 - t1) / (double)n, (t3 - t2) / (double)(2 * n),
           (t4 - t3) / (double)n, (t6 - t5) / (double)(2 * n), (t8 - t7) / (double)n);
    free(order);
    hd_trace_free(t);
}
