/*
 * cmd_trace.c: `heapctl trace HEAP ACTION`: allocation tracing, printed as
 * tracemalloc prints it.
 *   start | stop | status | reset-peak     trace.start/stop/status/reset_peak
 *   snapshot                               trace.snapshot (prints its id)
 *   stats SNAP [--by site|type] [--limit N]          trace.stats
 *   compare SNAP BASE [--by site|type] [--limit N]   trace.compare
 */
#include <inttypes.h>
#include <string.h>

#include "fmt.h"
#include "heapctl.h"
#include "out.h"

static const hc_optspec_t opts[] = {
    {"by", 1, "site|type  group statistics by allocation site (default) or type"},
    {"limit", 1, "N        at most N lines (1 to 10000; default 100)"},
    {NULL, 0, NULL},
};

static void print_status(hc_ctx_t *ctx, const json_t *r)
{
    char a[32], b[32];
    fprintf(ctx->out, "tracing %s, current=%s, peak=%s\n",
            json_is_true(json_object_get(r, "tracing")) ? "on" : "off",
            hc_fmt_trace_size((double)hc_jint(r, "current"), 0, a, sizeof a),
            hc_fmt_trace_size((double)hc_jint(r, "peak"), 0, b, sizeof b));
}

static void print_snapshot(hc_ctx_t *ctx, const json_t *r)
{
    fprintf(ctx->out, "snapshot %" PRId64 "\n", hc_jint(r, "snapshot"));
}

static void print_stats(hc_ctx_t *ctx, const json_t *r)
{
    hc_fmt_trace_stats(ctx->out, json_object_get(r, "stats"));
}

static void print_compare(hc_ctx_t *ctx, const json_t *r)
{
    hc_fmt_trace_compare(ctx->out, json_object_get(r, "stats"));
}

/* SNAP [BASE] and the options of stats/compare into p. */
static int stats_params(hc_ctx_t *ctx, const hc_args_t *a, json_t *p, int compare)
{
    int64_t snap, base, limit;
    if (a->npos != (compare ? 4 : 3))
        return hc_usage_error(ctx, compare ? "usage: trace HEAP compare SNAP BASE"
                                           : "usage: trace HEAP stats SNAP");
    if (hc_parse_int(a->pos[2], 1, INT64_MAX, &snap) != 0 ||
        (compare && hc_parse_int(a->pos[3], 1, INT64_MAX, &base) != 0))
        return hc_usage_error(ctx, "snapshots are numbers (as trace HEAP snapshot prints them)");
    json_object_set_new(p, "snapshot", json_integer(snap));
    if (compare)
        json_object_set_new(p, "base", json_integer(base));
    const char *by = hc_args_opt(a, "by"), *lim = hc_args_opt(a, "limit");
    if (by && strcmp(by, "site") != 0 && strcmp(by, "type") != 0)
        return hc_usage_error(ctx, "--by takes site or type, not '%s'", by);
    json_object_set_new(p, "group_by", json_string(by ? by : "site"));
    if (lim && hc_parse_int(lim, 1, 10000, &limit) != 0)
        return hc_usage_error(ctx, "--limit takes 1 to 10000, not '%s'", lim);
    if (lim)
        json_object_set_new(p, "limit", json_integer(limit));
    return 0;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    static const struct {
        const char *word, *method;
    } simple[] = {{"start", "trace.start"},
                  {"stop", "trace.stop"},
                  {"status", "trace.status"},
                  {"reset-peak", "trace.reset_peak"}};
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    const char *act = a->pos[1];
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (strcmp(act, simple[i].word) == 0 && a->npos == 2)
            return hc_run(ctx, simple[i].method, p, print_status);
    if (strcmp(act, "snapshot") == 0 && a->npos == 2)
        return hc_run(ctx, "trace.snapshot", p, print_snapshot);
    int compare = strcmp(act, "compare") == 0;
    if (compare || strcmp(act, "stats") == 0) {
        if ((rc = stats_params(ctx, a, p, compare)) != 0) {
            json_decref(p);
            return rc;
        }
        return hc_run(ctx, compare ? "trace.compare" : "trace.stats", p,
                      compare ? print_compare : print_stats);
    }
    json_decref(p);
    return hc_usage_error(ctx,
                          "'%s%s' is not a trace action: start, stop, status, reset-peak, "
                          "snapshot, stats SNAP, compare SNAP BASE",
                          act, a->npos > 2 ? " ..." : "");
}

const hc_cmd_t hc_cmd_trace = {
    .name = "trace",
    .usage = "HEAP start|stop|status|reset-peak|snapshot|stats SNAP|compare SNAP BASE "
             "[--by site|type] [--limit N]",
    .summary = "allocation tracing, as tracemalloc (trace.*)",
    .help = "stats and compare print as tracemalloc's Statistic and StatisticDiff print:\n"
            "  app.py:3: size=3328 B, count=40, average=83 B\n"
            "  list: size=8800 B (+8712 B), count=100 (+99), average=88 B\n"
            "Sites are the --site strings given to the calls that created the objects.\n",
    .opts = opts,
    .min_args = 2,
    .max_args = 4,
    .run = run,
};
