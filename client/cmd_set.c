/*
 * cmd_set.c: `heapctl set HEAP TARGET KEY VALUE` (obj.set: `o.key = v` on
 * an instance, `o[key] = v` on a dict or list).
 */
#include "heapctl.h"

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *t = hc_parse_target_arg(ctx, a->pos[1]);
    json_t *k = t ? hc_parse_value_arg(ctx, "KEY", a->pos[2]) : NULL;
    json_t *v = k ? hc_parse_value_arg(ctx, "VALUE", a->pos[3]) : NULL;
    json_t *p = v ? hc_heap_params(ctx, a->pos[0], &rc) : NULL;
    if (!p) {
        json_decref(t);
        json_decref(k);
        json_decref(v);
        return v ? rc : HC_EXIT_USAGE;
    }
    json_object_set_new(p, "target", t);
    json_object_set_new(p, "key", k);
    json_object_set_new(p, "value", v);
    return hc_run(ctx, "obj.set", p, NULL);
}

const hc_cmd_t hc_cmd_set = {
    .name = "set",
    .usage = "HEAP TARGET KEY VALUE",
    .summary = "set an attribute or item (obj.set: o.key = v, o[key] = v)",
    .help = "TARGET is a bound name (n or @n) or an id (#17). KEY is a value: a bare word\n"
            "is a str, so `set demo n next @n` is n.next = n, `set demo d 'k' 1` is\n"
            "d['k'] = 1 and `set demo l 0 None` is l[0] = None. Prints nothing on success.\n",
    .min_args = 4,
    .max_args = 4,
    .run = run,
};
