/*
 * cmd_call.c: `heapctl call HEAP TARGET METHOD [ARG...] [--as NAME]`
 * (obj.call: a method of a list, dict or set).
 */
#include "heapctl.h"
#include "out.h"
#include "value.h"

static const hc_optspec_t opts[] = {
    {"as", 1, "NAME   bind the result to NAME (else it is released)"},
    {NULL, 0, NULL},
};

static void print(hc_ctx_t *ctx, const json_t *r)
{
    const json_t *res = json_object_get(r, "result");
    if (json_is_object(res))
        hc_print_summary_line(ctx->out, res, ctx->color);
    else
        fputs("None\n", ctx->out);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    const char *as = hc_args_opt(a, "as");
    if (as && !hc_ident_valid(as))
        return hc_usage_error(ctx, "'%s' is not a name", as);
    json_t *t = hc_parse_target_arg(ctx, a->pos[1]);
    if (!t)
        return HC_EXIT_USAGE;
    json_t *args = json_array();
    for (int i = 3; i < a->npos; i++) {
        json_t *v = hc_parse_value_arg(ctx, "ARG", a->pos[i]);
        if (!v) {
            json_decref(t);
            json_decref(args);
            return HC_EXIT_USAGE;
        }
        json_array_append_new(args, v);
    }
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p) {
        json_decref(t);
        json_decref(args);
        return rc;
    }
    json_object_set_new(p, "target", t);
    json_object_set_new(p, "method", json_string(a->pos[2]));
    json_object_set_new(p, "args", args);
    if (as)
        json_object_set_new(p, "bind", json_string(as));
    return hc_run(ctx, "obj.call", p, print);
}

const hc_cmd_t hc_cmd_call = {
    .name = "call",
    .usage = "HEAP TARGET METHOD [ARG...] [--as NAME]",
    .summary = "call a method of a list, dict or set (obj.call)",
    .help = "list: append insert pop remove clear extend index; dict: pop get setdefault\n"
            "update clear keys; set: add discard pop clear. Example: call demo a append @a\n"
            "(a.append(a)). Prints what the method returned (None, or the object).\n",
    .opts = opts,
    .min_args = 3,
    .max_args = -1,
    .run = run,
};
