/*
 * m_alloc.c: the allocator and tracing methods: alloc.stats and alloc.map
 * (the pool allocator in sys._debugmallocstats()'s terms) and trace.* (the
 * heap's tracemalloc).
 *
 * alloc.stats' object is built by heaps.c (stream.alloc carries it too).
 */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pool.h"
#include "trace.h"

#define HD_MAP_PAGE_MAX   256   /* alloc.map: arenas per page */
#define HD_TRACE_STAT_MAX 10000 /* trace.stats / trace.compare: lines per answer */

int hd_m_alloc_stats(hd_call_t *c)
{
    c->result = hd_sheap_alloc_json(c->sh);
    return 0;
}

static json_t *arena_json(const hd_pool_arena_info_t *a)
{
    json_t *pools = json_array();
    for (uint32_t k = 0; pools && k < a->ntotalpools && k < HD_ARENA_NPOOLS; k++) {
        const hd_pool_cell_t *p = &a->pools[k];
        bool carved = p->state >= HD_POOL_USED;
        json_t *cell = json_pack(
            "{s:o, s:i, s:i}", "size_class", carved ? json_integer(p->szidx) : json_null(), "used",
            carved ? (int)p->used : 0, "capacity", carved ? (int)p->capacity : 0);
        if (json_array_append_new(pools, cell) != 0) {
            json_decref(pools);
            return NULL;
        }
    }
    return pools ? json_pack("{s:i, s:I, s:o}", "index", (int)a->index, "addr",
                             (json_int_t)a->base_addr, "pools", pools)
                 : NULL;
}

int hd_m_alloc_map(hd_call_t *c)
{
    int64_t offset = 0, limit = 16;
    if (hd_param_int(c, "offset", false, 0, INT64_MAX, &offset) != 0 ||
        hd_param_int(c, "limit", false, 1, HD_MAP_PAGE_MAX, &limit) != 0)
        return -1;
    const hd_pool_t *pool = hd_heap_pool(c->h);
    size_t total = hd_pool_arena_count(pool);
    json_t *arr = json_array();
    hd_pool_arena_info_t info;
    for (size_t i = (size_t)offset; arr && i < total && i < (size_t)(offset + limit); i++) {
        if (hd_pool_arena_map(pool, i, &info) != 0 ||
            json_array_append_new(arr, arena_json(&info)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (!arr)
        return hd_call_errno(c, HD_ENOMEM, NULL);
    c->result = json_pack("{s:I, s:o}", "total", (json_int_t)total, "arenas", arr);
    return 0;
}

/* ---- tracing ---- */

static json_t *trace_status(hd_heap_t *h)
{
    size_t current, peak;
    hd_trace_t *t = hd_heap_trace(h);
    hd_trace_memory(t, &current, &peak);
    return json_pack("{s:b, s:I, s:I}", "tracing", hd_trace_is_tracing(t) != 0, "current",
                     (json_int_t)current, "peak", (json_int_t)peak);
}

int hd_m_trace_start(hd_call_t *c)
{
    hd_trace_start(hd_heap_trace(c->h));
    c->result = trace_status(c->h);
    return 0;
}

int hd_m_trace_stop(hd_call_t *c)
{
    hd_trace_stop(hd_heap_trace(c->h));
    c->result = trace_status(c->h);
    return 0;
}

int hd_m_trace_status(hd_call_t *c)
{
    c->result = trace_status(c->h);
    return 0;
}

int hd_m_trace_reset_peak(hd_call_t *c)
{
    hd_trace_reset_peak(hd_heap_trace(c->h));
    c->result = trace_status(c->h);
    return 0;
}

/* forget the oldest kept snapshot (the runtime's and ours) */
static void drop_oldest(hd_sheap_t *sh)
{
    if (sh->nsnapshots == 0)
        return;
    hd_trace_snapshot_drop(hd_heap_trace(sh->heap), sh->snapshots[0]);
    memmove(sh->snapshots, sh->snapshots + 1, (sh->nsnapshots - 1) * sizeof sh->snapshots[0]);
    sh->nsnapshots--;
}

int hd_m_trace_snapshot(hd_call_t *c)
{
    hd_sheap_t *sh = c->sh;
    hd_trace_t *t = hd_heap_trace(c->h);
    if (!hd_trace_is_tracing(t))
        return hd_call_bad(c, "heap",
                           "the heap must be tracing allocations to take a snapshot "
                           "(trace.start)");
    uint64_t keep = c->srv->cfg.limits.snapshots;
    if (keep > HD_SNAPSHOTS_MAX)
        keep = HD_SNAPSHOTS_MAX;
    while (sh->nsnapshots >= keep)
        drop_oldest(sh);
    uint64_t id;
    int rc = hd_trace_snapshot(t, &id);
    if (rc == HD_ELIMIT) { /* one we did not know of: make room and retry */
        drop_oldest(sh);
        rc = hd_trace_snapshot(t, &id);
    }
    if (rc)
        return hd_call_errno(c, rc, NULL);
    sh->snapshots[sh->nsnapshots++] = id;
    c->result = json_pack("{s:I}", "snapshot", (json_int_t)id);
    return 0;
}

static int group_by(hd_call_t *c, hd_trace_group_t *g)
{
    const char *s;
    *g = HD_TRACE_BY_SITE;
    if (hd_param_str(c, "group_by", true, &s) != 0)
        return -1;
    if (strcmp(s, "site") == 0)
        *g = HD_TRACE_BY_SITE;
    else if (strcmp(s, "type") == 0)
        *g = HD_TRACE_BY_KIND;
    else
        return hd_call_bad(c, "group_by", "site or type");
    return 0;
}

static int snap_error(hd_call_t *c, int rc, const char *param)
{
    if (rc == HD_ENOTFOUND)
        return hd_call_bad(c, param, "no such snapshot");
    return hd_call_errno(c, rc, NULL);
}

int hd_m_trace_stats(hd_call_t *c)
{
    int64_t snap, limit = 100;
    hd_trace_group_t g;
    if (hd_param_int(c, "snapshot", true, 1, INT64_MAX, &snap) != 0 || group_by(c, &g) != 0 ||
        hd_param_int(c, "limit", false, 1, HD_TRACE_STAT_MAX, &limit) != 0)
        return -1;
    hd_trace_t *t = hd_heap_trace(c->h);
    size_t n;
    int rc = hd_trace_stats(t, (uint64_t)snap, g, 0, NULL, &n);
    if (rc)
        return snap_error(c, rc, "snapshot");
    hd_trace_stat_t *out = calloc(n ? n : 1, sizeof *out);
    if (!out || (rc = hd_trace_stats(t, (uint64_t)snap, g, (size_t)limit, out, &n)) != 0) {
        free(out);
        return snap_error(c, out ? rc : HD_ENOMEM, "snapshot");
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "key", out[i].key, "size",
                                             (json_int_t)out[i].size, "count",
                                             (json_int_t)out[i].count));
    free(out);
    c->result = arr ? json_pack("{s:o}", "stats", arr) : NULL;
    return 0;
}

int hd_m_trace_compare(hd_call_t *c)
{
    int64_t snap, base, limit = 100;
    hd_trace_group_t g;
    if (hd_param_int(c, "snapshot", true, 1, INT64_MAX, &snap) != 0 ||
        hd_param_int(c, "base", true, 1, INT64_MAX, &base) != 0 || group_by(c, &g) != 0 ||
        hd_param_int(c, "limit", false, 1, HD_TRACE_STAT_MAX, &limit) != 0)
        return -1;
    hd_trace_t *t = hd_heap_trace(c->h);
    size_t n;
    int rc = hd_trace_compare(t, (uint64_t)snap, (uint64_t)base, g, 0, NULL, &n);
    if (rc)
        return snap_error(c, rc, "snapshot");
    hd_trace_diff_t *out = calloc(n ? n : 1, sizeof *out);
    if (!out ||
        (rc = hd_trace_compare(t, (uint64_t)snap, (uint64_t)base, g, (size_t)limit, out, &n))) {
        free(out);
        return snap_error(c, out ? rc : HD_ENOMEM, "snapshot");
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, s:I}", "key", out[i].key, "size",
                                             (json_int_t)out[i].size, "size_diff",
                                             (json_int_t)out[i].size_diff, "count",
                                             (json_int_t)out[i].count, "count_diff",
                                             (json_int_t)out[i].count_diff));
    free(out);
    c->result = arr ? json_pack("{s:o}", "stats", arr) : NULL;
    return 0;
}
