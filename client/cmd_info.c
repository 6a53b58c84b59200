/*
 * cmd_info.c: `heapctl info [HEAP]`: the server (server.info) or one heap
 * (heap.info); also the shared printers of heap info and gc info objects,
 * which create, import and gc reuse.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "heapctl.h"
#include "out.h"

static void kv(hc_ctx_t *ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void kv(hc_ctx_t *ctx, const char *key, const char *fmt, ...)
{
    char sgr[16];
    va_list ap;
    fprintf(ctx->out, "%s%-12s%s", hc_sgr_on(ctx->color, HC_BOLD, sgr), key,
            hc_sgr_off(ctx->color));
    va_start(ap, fmt);
    vfprintf(ctx->out, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->out);
}

/* "a/b/c" from an array of three integers. */
static char *triple(const json_t *a, char *buf, size_t len)
{
    snprintf(buf, len, "%" PRId64 "/%" PRId64 "/%" PRId64,
             (int64_t)json_integer_value(json_array_get(a, 0)),
             (int64_t)json_integer_value(json_array_get(a, 1)),
             (int64_t)json_integer_value(json_array_get(a, 2)));
    return buf;
}

static char *join_strings(const json_t *a, char *buf, size_t len)
{
    size_t i, o = 0;
    json_t *s;
    buf[0] = 0;
    json_array_foreach(a, i, s)
    {
        int n = snprintf(buf + o, len - o, "%s%s", i ? "," : "", json_string_value(s));
        if (n < 0 || (size_t)n >= len - o)
            break;
        o += (size_t)n;
    }
    if (!buf[0])
        snprintf(buf, len, "-");
    return buf;
}

void hc_print_gc_info(hc_ctx_t *ctx, const json_t *gc)
{
    char a[64], b[64], d[128];
    kv(ctx, "gc", "%s, thresholds %s, counts %s",
       json_is_true(json_object_get(gc, "enabled")) ? "enabled" : "disabled",
       triple(json_object_get(gc, "thresholds"), a, sizeof a),
       triple(json_object_get(gc, "counts"), b, sizeof b));
    const json_t *stats = json_object_get(gc, "stats");
    char line[300];
    size_t o = 0;
    for (size_t g = 0; g < 3; g++) {
        const json_t *s = json_array_get(stats, g);
        int n = snprintf(line + o, sizeof line - o,
                         "%sgen%zu %" PRId64 " (collected %" PRId64 ", uncollectable %" PRId64 ")",
                         g ? ", " : "", g, hc_jint(s, "collections"), hc_jint(s, "collected"),
                         hc_jint(s, "uncollectable"));
        if (n > 0 && (size_t)n < sizeof line - o)
            o += (size_t)n;
    }
    kv(ctx, "collections", "%s", line);
    kv(ctx, "garbage", "%" PRId64 " object(s) in gc.garbage, debug %s, frozen %" PRId64,
       hc_jint(gc, "garbage"), join_strings(json_object_get(gc, "debug"), d, sizeof d),
       hc_jint(gc, "frozen"));
}

void hc_print_heap_info(hc_ctx_t *ctx, const json_t *h)
{
    char a[32], b[32], c[32];
    kv(ctx, "heap", "%s", hc_jstr(h, "heap"));
    kv(ctx, "objects", "%" PRId64 " (%" PRId64 " tracked by the gc)", hc_jint(h, "objects"),
       hc_jint(h, "tracked"));
    kv(ctx, "bytes", "%s in objects, %s of arenas", hc_fmt_size(hc_jint(h, "bytes"), a, sizeof a),
       hc_fmt_size(hc_jint(h, "arena_bytes"), b, sizeof b));
    kv(ctx, "names", "%" PRId64, hc_jint(h, "names"));
    hc_print_gc_info(ctx, json_object_get(h, "gc"));
    if (json_object_get(h, "max_bytes"))
        kv(ctx, "quotas", "%s, %s objects", hc_fmt_size(hc_jint(h, "max_bytes"), a, sizeof a),
           hc_fmt_commas(hc_jint(h, "max_objects"), c, sizeof c));
    if (json_object_get(h, "tracing"))
        kv(ctx, "tracing", "%s", json_is_true(json_object_get(h, "tracing")) ? "on" : "off");
    if (json_object_get(h, "inspector_bytes"))
        kv(ctx, "inspector", "%s (heapd's own bookkeeping, outside the arenas)",
           hc_fmt_size(hc_jint(h, "inspector_bytes"), a, sizeof a));
}

static void print_heap(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_heap_info(ctx, r);
}

static void print_server(hc_ctx_t *ctx, const json_t *r)
{
    kv(ctx, "server", "%s %s (protocol %" PRId64 ") at %s", hc_jstr(r, "name"),
       hc_jstr(r, "version"), hc_jint(r, "protocol"), ctx->url);
    kv(ctx, "uptime", "%" PRId64 " s", hc_jint(r, "uptime_s"));
    kv(ctx, "heaps", "%" PRId64, hc_jint(r, "heaps"));
    kv(ctx, "connections", "%" PRId64, hc_jint(r, "connections"));
    kv(ctx, "role", "%s", hc_jstr(r, "role"));
    const char *key;
    json_t *v;
    char line[600];
    size_t o = 0;
    line[0] = 0;
    json_object_foreach(json_object_get(r, "limits"), key, v)
    {
        int n = snprintf(line + o, sizeof line - o, "%s%s=%" PRId64, o ? " " : "", key,
                         (int64_t)json_integer_value(v));
        if (n > 0 && (size_t)n < sizeof line - o)
            o += (size_t)n;
    }
    kv(ctx, "limits", "%s", line);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    if (a->npos == 0)
        return hc_run(ctx, "server.info", NULL, print_server);
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    return p ? hc_run(ctx, "heap.info", p, print_heap) : rc;
}

const hc_cmd_t hc_cmd_info = {
    .name = "info",
    .usage = "[HEAP]",
    .summary = "show the server (server.info), or one heap (heap.info)",
    .help = "Without HEAP: heapd's version, uptime, heaps, connections, your role and the\n"
            "limits in force. With HEAP: its objects, bytes, arenas, names, collector\n"
            "settings and statistics, quotas.\n",
    .min_args = 0,
    .max_args = 1,
    .run = run,
};
