/*
 * cmd_create.c: `heapctl create HEAP [--threshold A,B,C] [--no-gc]
 * [--max-bytes N] [--max-objects N]` (heap.create).
 */
#include <stdlib.h>
#include <string.h>

#include "heapctl.h"

static const hc_optspec_t opts[] = {
    {"threshold", 1, "A[,B[,C]]  gc thresholds (gc.set_threshold; default 700,10,10)"},
    {"no-gc", 0, "              start with the collector disabled (gc.disable())"},
    {"max-bytes", 1, "N        byte quota (suffixes K, M, G: KiB, MiB, GiB)"},
    {"max-objects", 1, "N      object quota"},
    {NULL, 0, NULL},
};

static void print(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_heap_info(ctx, r);
}

/* "A[,B[,C]]" to an array of 1 to 3 integers; NULL if malformed. */
static json_t *thresholds(const char *s)
{
    json_t *a = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int64_t v;
        if (json_array_size(a) == 3 || hc_parse_int(w, -2147483648LL, 2147483647, &v) != 0) {
            json_decref(a);
            return NULL;
        }
        json_array_append_new(a, json_integer(v));
    }
    if (json_array_size(a) == 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    const char *th = hc_args_opt(a, "threshold"), *mb = hc_args_opt(a, "max-bytes"),
               *mo = hc_args_opt(a, "max-objects");
    int64_t v;
    if (th) {
        json_t *t = thresholds(th);
        if (!t)
            rc = hc_usage_error(ctx, "--threshold takes 1 to 3 integers A,B,C, not '%s'", th);
        json_object_set_new(p, "thresholds", t ? t : json_null());
    }
    if (hc_args_opt(a, "no-gc"))
        json_object_set_new(p, "gc_enabled", json_false());
    if (!rc && mb) {
        if (hc_parse_size(mb, &v) != 0 || v < 1)
            rc = hc_usage_error(ctx, "--max-bytes takes a size such as 65536 or 64M, not '%s'", mb);
        json_object_set_new(p, "max_bytes", json_integer(v));
    }
    if (!rc && mo) {
        if (hc_parse_int(mo, 1, INT64_MAX, &v) != 0)
            rc = hc_usage_error(ctx, "--max-objects takes a positive integer, not '%s'", mo);
        json_object_set_new(p, "max_objects", json_integer(v));
    }
    if (rc) {
        json_decref(p);
        return rc;
    }
    return hc_run(ctx, "heap.create", p, print);
}

const hc_cmd_t hc_cmd_create = {
    .name = "create",
    .usage = "HEAP [--threshold A,B,C] [--no-gc] [--max-bytes N] [--max-objects N]",
    .summary = "create an empty heap (heap.create)",
    .help = "HEAP is 1 to 64 characters of [A-Za-z0-9_.-]. Prints the new heap's info.\n",
    .opts = opts,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
