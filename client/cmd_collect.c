/*
 * cmd_collect.c: `heapctl collect HEAP [GEN]` (gc.collect(GEN)).
 */
#include <inttypes.h>

#include "heapctl.h"
#include "out.h"

static void print(hc_ctx_t *ctx, const json_t *r)
{
    fprintf(ctx->out,
            "unreachable %" PRId64 " (gc.collect() returns this), collected %" PRId64
            ", uncollectable %" PRId64 ", pause %" PRId64 " us\n",
            hc_jint(r, "unreachable"), hc_jint(r, "collected"), hc_jint(r, "uncollectable"),
            hc_jint(r, "duration_us"));
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    int64_t gen = 2;
    if (a->npos > 1 && hc_parse_int(a->pos[1], 0, 2, &gen) != 0)
        return hc_usage_error(ctx, "GEN is 0, 1 or 2, not '%s'", a->pos[1]);
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    json_object_set_new(p, "generation", json_integer(gen));
    return hc_run(ctx, "gc.collect", p, print);
}

const hc_cmd_t hc_cmd_collect = {
    .name = "collect",
    .usage = "HEAP [GEN]",
    .summary = "run the cycle collector (gc.collect)",
    .help = "Collects generations 0..GEN (default 2, a full collection), as gc.collect(GEN).\n",
    .min_args = 1,
    .max_args = 2,
    .run = run,
};
