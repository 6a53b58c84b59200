/*
 * cmd_gc.c: `heapctl gc HEAP [ACTION]`: the collector's settings and
 * statistics (gc.get), or one change:
 *   enable | disable               gc.set enabled
 *   threshold A [B [C]]            gc.set thresholds
 *   debug [FLAG...]                gc.set debug (none given: clear them)
 *   freeze | unfreeze              gc.freeze, gc.unfreeze
 *   dry-run [GEN]                  gc.dry_run: what collect would find now
 */
#include <inttypes.h>
#include <string.h>

#include "heapctl.h"
#include "out.h"

static void print_gc(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_gc_info(ctx, r);
}

static void print_frozen(hc_ctx_t *ctx, const json_t *r)
{
    fprintf(ctx->out, "frozen %" PRId64 " (gc.get_freeze_count())\n", hc_jint(r, "frozen"));
}

static void print_dry(hc_ctx_t *ctx, const json_t *r)
{
    const json_t *ids = json_object_get(r, "unreachable");
    fprintf(ctx->out,
            "would find %zu unreachable, collect %" PRId64 ", uncollectable %" PRId64 "\n",
            json_array_size(ids), hc_jint(r, "collected"), hc_jint(r, "uncollectable"));
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
        fprintf(ctx->out, "%s#%" PRId64, i ? " " : "", (int64_t)json_integer_value(id));
    if (json_array_size(ids))
        fputc('\n', ctx->out);
}

/* Params for ACTION words (pos[1..]); NULL after a usage error. */
static json_t *settings(hc_ctx_t *ctx, const hc_args_t *a, json_t *p, int *rc)
{
    const char *act = a->pos[1];
    int nargs = a->npos - 2;
    if (strcmp(act, "enable") == 0 || strcmp(act, "disable") == 0) {
        if (nargs)
            goto extra;
        json_object_set_new(p, "enabled", json_boolean(act[0] == 'e'));
        return p;
    }
    if (strcmp(act, "threshold") == 0) {
        if (nargs < 1 || nargs > 3) {
            *rc = hc_usage_error(ctx, "threshold takes 1 to 3 numbers: threshold A [B [C]]");
            return NULL;
        }
        json_t *t = json_array();
        for (int i = 2; i < a->npos; i++) {
            int64_t v;
            if (hc_parse_int(a->pos[i], -2147483648LL, 2147483647, &v) != 0) {
                json_decref(t);
                *rc = hc_usage_error(ctx, "'%s' is not a threshold (-2^31 to 2^31-1)", a->pos[i]);
                return NULL;
            }
            json_array_append_new(t, json_integer(v));
        }
        json_object_set_new(p, "thresholds", t);
        return p;
    }
    json_t *flags = json_array();
    for (int i = 2; i < a->npos; i++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", a->pos[i]);
        char *save = NULL;
        for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
            if (strcmp(w, "none") != 0)
                json_array_append_new(flags, json_string(w));
    }
    json_object_set_new(p, "debug", flags);
    return p;
extra:
    *rc = hc_usage_error(ctx, "%s takes no arguments", act);
    return NULL;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    const char *act = a->npos > 1 ? a->pos[1] : NULL;
    if (!act)
        return hc_run(ctx, "gc.get", p, print_gc);
    if (strcmp(act, "freeze") == 0 || strcmp(act, "unfreeze") == 0) {
        if (a->npos > 2) {
            json_decref(p);
            return hc_usage_error(ctx, "%s takes no arguments", act);
        }
        return hc_run(ctx, act[0] == 'f' ? "gc.freeze" : "gc.unfreeze", p, print_frozen);
    }
    if (strcmp(act, "dry-run") == 0) {
        int64_t gen = 2;
        if (a->npos > 3 || (a->npos == 3 && hc_parse_int(a->pos[2], 0, 2, &gen) != 0)) {
            json_decref(p);
            return hc_usage_error(ctx, "dry-run takes one GEN: 0, 1 or 2");
        }
        json_object_set_new(p, "generation", json_integer(gen));
        return hc_run(ctx, "gc.dry_run", p, print_dry);
    }
    if (strcmp(act, "enable") && strcmp(act, "disable") && strcmp(act, "threshold") &&
        strcmp(act, "debug")) {
        json_decref(p);
        return hc_usage_error(ctx,
                              "'%s' is not a gc action: enable, disable, threshold, debug, "
                              "freeze, unfreeze or dry-run",
                              act);
    }
    if (!settings(ctx, a, p, &rc)) {
        json_decref(p);
        return rc;
    }
    return hc_run(ctx, "gc.set", p, print_gc);
}

const hc_cmd_t hc_cmd_gc = {
    .name = "gc",
    .usage = "HEAP [enable|disable|threshold A [B [C]]|debug [FLAG...]|freeze|unfreeze|"
             "dry-run [GEN]]",
    .summary = "show or change the collector (gc.get, gc.set, gc.freeze, gc.dry_run)",
    .help = "Without ACTION: enabled, thresholds, counts, per-generation statistics,\n"
            "gc.garbage's length, debug flags, frozen objects. debug FLAG...: the flags\n"
            "(stats collectable uncollectable saveall leak) replace the current ones;\n"
            "`debug` alone or `debug none` clears them. enable, disable, threshold and\n"
            "debug need the admin role. dry-run GEN shows what collect would find,\n"
            "changing nothing.\n",
    .min_args = 1,
    .max_args = 5,
    .run = run,
};
