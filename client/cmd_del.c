/*
 * cmd_del.c: `heapctl del HEAP NAME...` (name.del: Python's `del a, b`;
 * atomic: nothing is deleted when one name is not bound).
 */
#include "heapctl.h"
#include "value.h"

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *names = json_array();
    for (int i = 1; i < a->npos; i++) {
        const char *n = a->pos[i][0] == '@' ? a->pos[i] + 1 : a->pos[i];
        if (!hc_ident_valid(n)) {
            json_decref(names);
            return hc_usage_error(ctx, "'%s' is not a name", a->pos[i]);
        }
        json_array_append_new(names, json_string(n));
    }
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p) {
        json_decref(names);
        return rc;
    }
    json_object_set_new(p, "names", names);
    return hc_run(ctx, "name.del", p, NULL);
}

const hc_cmd_t hc_cmd_del = {
    .name = "del",
    .usage = "HEAP NAME...",
    .summary = "unbind names (name.del: del a, b)",
    .help = "The objects lose a reference and are freed when nothing else holds them (a\n"
            "cycle waits for the collector). Prints nothing on success.\n",
    .min_args = 2,
    .max_args = -1,
    .run = run,
};
