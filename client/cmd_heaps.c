/*
 * cmd_heaps.c: `heapctl heaps`: every heap of the server (heap.list) as a
 * table, one row per heap.
 */
#include <inttypes.h>

#include "heapctl.h"
#include "out.h"

static void print(hc_ctx_t *ctx, const json_t *r)
{
    static const char *const heads[] = {"HEAP",   "OBJECTS", "TRACKED", "BYTES",
                                        "ARENAS", "NAMES",   "GC",      "COUNTS"};
    const json_t *heaps = json_object_get(r, "heaps");
    if (json_array_size(heaps) == 0) {
        fputs("(no heaps; create one with: heapctl create NAME)\n", ctx->out);
        return;
    }
    hc_table_t t;
    hc_table_init(&t, 8, heads, 0x3Eu);
    size_t i;
    json_t *h;
    json_array_foreach(heaps, i, h)
    {
        char objects[24], tracked[24], bytes[32], arenas[32], names[24], counts[64];
        const json_t *gc = json_object_get(h, "gc");
        const json_t *c = json_object_get(gc, "counts");
        snprintf(objects, sizeof objects, "%" PRId64, hc_jint(h, "objects"));
        snprintf(tracked, sizeof tracked, "%" PRId64, hc_jint(h, "tracked"));
        hc_fmt_size(hc_jint(h, "bytes"), bytes, sizeof bytes);
        hc_fmt_size(hc_jint(h, "arena_bytes"), arenas, sizeof arenas);
        snprintf(names, sizeof names, "%" PRId64, hc_jint(h, "names"));
        snprintf(counts, sizeof counts, "%" PRId64 "/%" PRId64 "/%" PRId64,
                 (int64_t)json_integer_value(json_array_get(c, 0)),
                 (int64_t)json_integer_value(json_array_get(c, 1)),
                 (int64_t)json_integer_value(json_array_get(c, 2)));
        const char *cells[] = {hc_jstr(h, "heap"),
                               objects,
                               tracked,
                               bytes,
                               arenas,
                               names,
                               json_is_true(json_object_get(gc, "enabled")) ? "on" : "off",
                               counts};
        hc_table_row(&t, cells);
    }
    hc_table_print(&t, ctx->out, ctx->color);
    hc_table_free(&t);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    (void)a;
    return hc_run(ctx, "heap.list", NULL, print);
}

const hc_cmd_t hc_cmd_heaps = {
    .name = "heaps",
    .usage = "",
    .summary = "list the heaps (heap.list)",
    .help = "One row per heap: live objects, those the collector tracks, the sum of their\n"
            "sizes, the bytes of the allocator's arenas, bound names, whether the collector\n"
            "is enabled, and its generation counts (gc.get_count()).\n",
    .min_args = 0,
    .max_args = 0,
    .run = run,
};
