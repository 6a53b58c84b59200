/*
 * test_tracing.c: tracemalloc's model through a heap: every block allocated
 * while tracing is recorded at the heap's current site with its requested
 * size; a realloc re-records the block at the site of the realloc (as
 * tracemalloc does); blocks from free lists were not allocated and are not
 * traced; stop() forgets everything.
 */
#include "rt_util.h"

#include "trace.h"

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
