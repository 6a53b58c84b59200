/*
 * cmd_garbage.c: `heapctl garbage HEAP [--clear]`: gc.garbage
 * (gc.garbage), or empty it (gc.garbage_clear: del gc.garbage[:]).
 */
#include "heapctl.h"
#include "out.h"

static const hc_optspec_t opts[] = {
    {"clear", 0, "   empty gc.garbage (del gc.garbage[:])"},
    {NULL, 0, NULL},
};

static void print(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_summaries(ctx->out, json_object_get(r, "objects"), NULL, NULL, ctx->color);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    if (hc_args_opt(a, "clear"))
        return hc_run(ctx, "gc.garbage_clear", p, NULL);
    return hc_run(ctx, "gc.garbage", p, print);
}

const hc_cmd_t hc_cmd_garbage = {
    .name = "garbage",
    .usage = "HEAP [--clear]",
    .summary = "list gc.garbage, or empty it (gc.garbage, gc.garbage_clear)",
    .help = "In 3.11 gc.garbage holds what a collection found with DEBUG_SAVEALL set\n"
            "(heapctl gc HEAP debug saveall).\n",
    .opts = opts,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
