/*
 * cmd_names.c: `heapctl names HEAP`: the heap's namespace (heap.names),
 * one row per bound name with the object it is bound to.
 */
#include "heapctl.h"
#include "out.h"

static void print(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_summaries(ctx->out, json_object_get(r, "names"), "NAME", "name", ctx->color);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    return p ? hc_run(ctx, "heap.names", p, print) : rc;
}

const hc_cmd_t hc_cmd_names = {
    .name = "names",
    .usage = "HEAP",
    .summary = "list the names bound in a heap (heap.names)",
    .help = "Columns: NAME, then the object: ID, TYPE (the class of an instance), SIZE\n"
            "(sys.getsizeof), REFS (references to it), GC (no: untracked; gen0..gen2: its\n"
            "generation; perm: frozen), ADDR (simulated address, reused like id()), REPR.\n",
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
