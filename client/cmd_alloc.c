/*
 * cmd_alloc.c: `heapctl alloc HEAP [--map]`: the allocator's statistics
 * (alloc.stats) as sys._debugmallocstats() prints them, or its arenas and
 * pools as a text map (alloc.map, every page fetched up to --limit).
 */
#include <inttypes.h>

#include "fmt.h"
#include "heapctl.h"
#include "out.h"

static const hc_optspec_t opts[] = {
    {"map", 0, "         draw arenas and pools (alloc.map) instead"},
    {"offset", 1, "N    --map: skip the first N arenas"},
    {"limit", 1, "N     --map: at most N arenas (default: all)"},
    {NULL, 0, NULL},
};

static void print_stats(hc_ctx_t *ctx, const json_t *r)
{
    hc_fmt_mallocstats(ctx->out, r);
}

/* Fetch alloc.map pages (at most 256 arenas each) into one result. */
static int fetch_map(hc_ctx_t *ctx, const char *heap, int64_t offset, int64_t limit, json_t **out)
{
    json_t *all = json_array();
    int64_t total = 0;
    for (;;) {
        int64_t want = limit - (int64_t)json_array_size(all);
        json_t *p = json_pack("{s:s,s:I,s:I}", "heap", heap, "offset",
                              (json_int_t)(offset + (int64_t)json_array_size(all)), "limit",
                              (json_int_t)(want < 256 ? want : 256));
        json_t *r;
        int rc = hc_call(ctx, "alloc.map", p, &r);
        if (rc) {
            json_decref(all);
            return rc;
        }
        const json_t *page = json_object_get(r, "arenas");
        total = hc_jint(r, "total");
        json_array_extend(all, (json_t *)page);
        size_t got = json_array_size(page);
        json_decref(r);
        if (got == 0 || (int64_t)json_array_size(all) >= limit ||
            offset + (int64_t)json_array_size(all) >= total)
            break;
    }
    *out = json_pack("{s:I,s:o}", "total", (json_int_t)total, "arenas", all);
    return 0;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    if (!hc_args_opt(a, "map"))
        return hc_run(ctx, "alloc.stats", p, print_stats);
    json_decref(p);
    const char *off = hc_args_opt(a, "offset"), *lim = hc_args_opt(a, "limit");
    int64_t offset = 0, limit = INT64_MAX;
    if (off && hc_parse_int(off, 0, INT64_MAX, &offset) != 0)
        return hc_usage_error(ctx, "--offset takes a number >= 0, not '%s'", off);
    if (lim && hc_parse_int(lim, 1, INT64_MAX, &limit) != 0)
        return hc_usage_error(ctx, "--limit takes a number >= 1, not '%s'", lim);
    json_t *r;
    if ((rc = fetch_map(ctx, a->pos[0], offset, limit, &r)) != 0)
        return rc;
    if (ctx->json)
        hc_print_json(ctx->out, r);
    else
        hc_fmt_alloc_map(ctx->out, json_object_get(r, "arenas"), hc_jint(r, "total"), ctx->color);
    json_decref(r);
    return 0;
}

const hc_cmd_t hc_cmd_alloc = {
    .name = "alloc",
    .usage = "HEAP [--map [--offset N] [--limit N]]",
    .summary = "the allocator's statistics as sys._debugmallocstats() prints them (alloc.stats)",
    .help = "The size-class table, arena counts and byte accounting in the layout of\n"
            "sys._debugmallocstats() (lines about CPython's own process are left out),\n"
            "then heapd's large-request and fragmentation figures. --map draws each\n"
            "arena as one line, one character per 16 KiB pool: . free, 1-9 tenths full,\n"
            "# full. --json --map prints {total, arenas} with every page joined.\n",
    .opts = opts,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
