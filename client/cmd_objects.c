/*
 * cmd_objects.c: `heapctl objects HEAP [--type T] [--limit N] [--offset N]`:
 * every live object (heap.objects), tracked or not, in id order.
 */
#include <inttypes.h>

#include "heapctl.h"
#include "out.h"

static const hc_optspec_t opts[] = {
    {"type", 1, "T      only objects of type T (or instances of class T)"},
    {"limit", 1, "N     at most N objects (1 to 10000; default 1000)"},
    {"offset", 1, "N    skip the first N"},
    {NULL, 0, NULL},
};

static void print(hc_ctx_t *ctx, const json_t *r)
{
    const json_t *objs = json_object_get(r, "objects");
    hc_print_summaries(ctx->out, objs, NULL, NULL, ctx->color);
    if ((int64_t)json_array_size(objs) < hc_jint(r, "total"))
        fprintf(ctx->out, "(%zu of %" PRId64 " objects; see --offset and --limit)\n",
                json_array_size(objs), hc_jint(r, "total"));
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    const char *type = hc_args_opt(a, "type"), *lim = hc_args_opt(a, "limit"),
               *off = hc_args_opt(a, "offset");
    int64_t v;
    if (type)
        json_object_set_new(p, "type", json_string(type));
    if (lim && hc_parse_int(lim, 1, 10000, &v) != 0)
        rc = hc_usage_error(ctx, "--limit takes 1 to 10000, not '%s'", lim);
    else if (lim)
        json_object_set_new(p, "limit", json_integer(v));
    if (!rc && off && hc_parse_int(off, 0, INT64_MAX, &v) != 0)
        rc = hc_usage_error(ctx, "--offset takes a number >= 0, not '%s'", off);
    else if (!rc && off)
        json_object_set_new(p, "offset", json_integer(v));
    if (rc) {
        json_decref(p);
        return rc;
    }
    return hc_run(ctx, "heap.objects", p, print);
}

const hc_cmd_t hc_cmd_objects = {
    .name = "objects",
    .usage = "HEAP [--type T] [--limit N] [--offset N]",
    .summary = "list live objects (heap.objects)",
    .help = "Every live object, tracked by the collector or not (unlike gc.get_objects()),\n"
            "in id order, a page at a time. Columns as for names.\n",
    .opts = opts,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
