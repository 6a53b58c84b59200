/*
 * cmd_unset.c: `heapctl unset HEAP TARGET KEY` (obj.del: `del o.key`,
 * `del d[key]`, `del l[i]`).
 */
#include "heapctl.h"

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *t = hc_parse_target_arg(ctx, a->pos[1]);
    json_t *k = t ? hc_parse_value_arg(ctx, "KEY", a->pos[2]) : NULL;
    json_t *p = k ? hc_heap_params(ctx, a->pos[0], &rc) : NULL;
    if (!p) {
        json_decref(t);
        json_decref(k);
        return k ? rc : HC_EXIT_USAGE;
    }
    json_object_set_new(p, "target", t);
    json_object_set_new(p, "key", k);
    return hc_run(ctx, "obj.del", p, NULL);
}

const hc_cmd_t hc_cmd_unset = {
    .name = "unset",
    .usage = "HEAP TARGET KEY",
    .summary = "delete an attribute or item (obj.del: del o.key, del d[key])",
    .help = "KEY as for set. Prints nothing on success.\n",
    .min_args = 3,
    .max_args = 3,
    .run = run,
};
