/*
 * cmd_bind.c: `heapctl bind HEAP NAME VALUE` (name.bind: Python's
 * `NAME = VALUE`).
 */
#include "heapctl.h"
#include "out.h"
#include "value.h"

static void print(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_summary_line(ctx->out, r, ctx->color);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    if (!hc_ident_valid(a->pos[1]))
        return hc_usage_error(ctx, "'%s' is not a name ([A-Za-z_][A-Za-z0-9_]*)", a->pos[1]);
    json_t *v = hc_parse_value_arg(ctx, "VALUE", a->pos[2]);
    if (!v)
        return HC_EXIT_USAGE;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p) {
        json_decref(v);
        return rc;
    }
    json_object_set_new(p, "name", json_string(a->pos[1]));
    json_object_set_new(p, "value", v);
    return hc_run(ctx, "name.bind", p, print);
}

const hc_cmd_t hc_cmd_bind = {
    .name = "bind",
    .usage = "HEAP NAME VALUE",
    .summary = "bind a name to a value (name.bind: NAME = VALUE)",
    .help = "Examples: bind demo b @a (b = a); bind demo x 17; bind demo l '[1, 2, @a]'.\n"
            "Prints the bound object.\n",
    .min_args = 3,
    .max_args = 3,
    .run = run,
};
