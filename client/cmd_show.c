/*
 * cmd_show.c: `heapctl show HEAP TARGET`: the object (obj.get), its
 * referents and its referrers (obj.referrers), read in one batch so that
 * both describe the same moment.
 *
 * --json prints {"object": <obj.get result>, "referrers": <obj.referrers
 * result>}: two results, each exactly as the server sent it.
 */
#include <inttypes.h>

#include "heapctl.h"
#include "out.h"

static void print(hc_ctx_t *ctx, const json_t *obj, const json_t *refs)
{
    char sgr[16];
    hc_print_summary_line(ctx->out, obj, ctx->color);
    const json_t *site = json_object_get(obj, "site");
    fprintf(ctx->out, "site %s, weakrefs %" PRId64 ", finalized %s\n",
            json_is_string(site) ? json_string_value(site) : "-", hc_jint(obj, "weakrefs"),
            json_is_true(json_object_get(obj, "finalized")) ? "yes" : "no");
    const json_t *referents = json_object_get(obj, "referents");
    const json_t *referrers = json_object_get(refs, "objects");
    fprintf(ctx->out, "\n%sreferents (%zu)%s: what it refers to\n",
            hc_sgr_on(ctx->color, HC_BOLD, sgr), json_array_size(referents),
            hc_sgr_off(ctx->color));
    hc_print_summaries(ctx->out, referents, NULL, NULL, ctx->color);
    fprintf(
        ctx->out, "\n%sreferrers (%zu)%s: the containers that refer to it (names not included)\n",
        hc_sgr_on(ctx->color, HC_BOLD, sgr), json_array_size(referrers), hc_sgr_off(ctx->color));
    hc_print_summaries(ctx->out, referrers, NULL, NULL, ctx->color);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *t = hc_parse_target_arg(ctx, a->pos[1]);
    json_t *p1 = t ? hc_heap_params(ctx, a->pos[0], &rc) : NULL;
    if (!p1) {
        json_decref(t);
        return t ? rc : HC_EXIT_USAGE;
    }
    json_object_set_new(p1, "target", t);
    json_t *p2 = json_deep_copy(p1);
    const char *const methods[] = {"obj.get", "obj.referrers"};
    json_t *params[] = {p1, p2}, *results[2];
    if ((rc = hc_call_batch(ctx, 2, methods, params, results)) != 0)
        return rc;
    if (ctx->json) {
        json_t *both = json_pack("{s:O,s:O}", "object", results[0], "referrers", results[1]);
        hc_print_json(ctx->out, both);
        json_decref(both);
    } else {
        print(ctx, results[0], results[1]);
    }
    json_decref(results[0]);
    json_decref(results[1]);
    return 0;
}

const hc_cmd_t hc_cmd_show = {
    .name = "show",
    .usage = "HEAP TARGET",
    .summary = "show an object, its referents and its referrers (obj.get, obj.referrers)",
    .help = "TARGET is a bound name (a or @a) or an id (#17 or 17). --json prints\n"
            "{\"object\": obj.get's result, \"referrers\": obj.referrers' result}.\n"
            "refcount (REFS) is the true count, ob_refcnt: python3's sys.getrefcount(x)\n"
            "prints one more, for the reference its own argument holds.\n",
    .min_args = 2,
    .max_args = 2,
    .run = run,
};
