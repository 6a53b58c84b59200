/*
 * cmd_drop.c: `heapctl drop HEAP` (heap.drop; needs the admin role).
 */
#include "heapctl.h"

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    return p ? hc_run(ctx, "heap.drop", p, NULL) : rc;
}

const hc_cmd_t hc_cmd_drop = {
    .name = "drop",
    .usage = "HEAP",
    .summary = "destroy a heap and everything in it (heap.drop)",
    .help = "No finalizer or weakref callback runs (as at interpreter shutdown). Needs the\n"
            "admin role. Prints nothing on success.\n",
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
