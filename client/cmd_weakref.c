/*
 * cmd_weakref.c: `heapctl weakref HEAP TARGET --as NAME [--callback]`
 * (weakref.new), and `heapctl weakref HEAP WEAKREF` (weakref.get: call
 * the weakref, w()).
 */
#include "heapctl.h"
#include "out.h"
#include "value.h"

static const hc_optspec_t opts[] = {
    {"as", 1, "NAME      bind the new weakref to NAME (creates one)"},
    {"callback", 0, "    the weakref has a callback (an event for watch when the referent dies)"},
    {NULL, 0, NULL},
};

static void print_new(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_summary_line(ctx->out, r, ctx->color);
}

static void print_get(hc_ctx_t *ctx, const json_t *r)
{
    const json_t *ref = json_object_get(r, "referent");
    if (json_is_true(json_object_get(r, "alive")) && json_is_object(ref))
        hc_print_summary_line(ctx->out, ref, ctx->color);
    else
        fputs("None (the referent is dead)\n", ctx->out);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    const char *as = hc_args_opt(a, "as");
    if (as && !hc_ident_valid(as))
        return hc_usage_error(ctx, "'%s' is not a name", as);
    if (!as && hc_args_opt(a, "callback"))
        return hc_usage_error(ctx, "--callback needs --as NAME (it creates a weakref)");
    json_t *t = hc_parse_target_arg(ctx, a->pos[1]);
    json_t *p = t ? hc_heap_params(ctx, a->pos[0], &rc) : NULL;
    if (!p) {
        json_decref(t);
        return t ? rc : HC_EXIT_USAGE;
    }
    json_object_set_new(p, "target", t);
    if (!as)
        return hc_run(ctx, "weakref.get", p, print_get);
    json_object_set_new(p, "bind", json_string(as));
    if (hc_args_opt(a, "callback"))
        json_object_set_new(p, "callback", json_true());
    return hc_run(ctx, "weakref.new", p, print_new);
}

const hc_cmd_t hc_cmd_weakref = {
    .name = "weakref",
    .usage = "HEAP TARGET --as NAME [--callback] | HEAP WEAKREF",
    .summary = "create a weak reference (weakref.new), or call one (weakref.get)",
    .help = "With --as: NAME = weakref.ref(TARGET) (with a callback if --callback).\n"
            "Without: call the weakref WEAKREF and print its referent, or None once dead.\n",
    .opts = opts,
    .min_args = 2,
    .max_args = 2,
    .run = run,
};
