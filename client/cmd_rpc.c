/*
 * cmd_rpc.c: `heapctl rpc METHOD [JSON|-]`: any method, raw. JSON is the
 * params object (default {}), or "-" to read it from stdin. The result is
 * printed as JSON: indented on a terminal, one line otherwise and always
 * with --json. A server error is printed as for every command (exit 1).
 */
#include <string.h>
#include <unistd.h>

#include "heapctl.h"

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    json_t *params = NULL;
    if (a->npos > 1) {
        json_error_t e;
        const char *src = a->pos[1];
        params = strcmp(src, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &e)
                                       : json_loads(src, JSON_REJECT_DUPLICATES, &e);
        if (!params)
            return hc_usage_error(ctx, "the params are not JSON: %s (column %d)", e.text, e.column);
        if (!json_is_object(params)) {
            json_decref(params);
            return hc_usage_error(ctx, "the params must be a JSON object ({...})");
        }
    }
    json_t *r;
    int rc = hc_call(ctx, a->pos[0], params, &r);
    if (rc)
        return rc;
    if (ctx->json || !isatty(fileno(ctx->out))) {
        hc_print_json(ctx->out, r);
    } else {
        json_dumpf(r, ctx->out, JSON_INDENT(2));
        fputc('\n', ctx->out);
    }
    json_decref(r);
    return 0;
}

const hc_cmd_t hc_cmd_rpc = {
    .name = "rpc",
    .usage = "METHOD [JSON|-]",
    .summary = "call any method with raw JSON params",
    .help = "Example: heapctl rpc obj.new '{\"heap\":\"demo\",\"type\":\"list\",\"bind\":\"a\"}'\n"
            "The methods are listed in the protocol reference (proto/README.md).\n",
    .min_args = 1,
    .max_args = 2,
    .run = run,
};
