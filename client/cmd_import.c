/*
 * cmd_import.c: `heapctl import HEAP FILE|-`: create HEAP from a
 * heapd-graph/1 document (heap.import), read from FILE or stdin.
 *
 * The file may be the document itself (as export writes it) or a saved
 * heap.export result wrapped in a response ({"result": {...}}), which is
 * what people get from `heapctl rpc heap.export`... and `--json export -`
 * gives the document itself, so both round trips work.
 */
#include <errno.h>
#include <string.h>

#include "heapctl.h"

static void print(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_heap_info(ctx, r);
}

static json_t *load(const char *path)
{
    json_error_t e;
    json_t *doc = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &e)
                                         : json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!doc) {
        const char *what = strcmp(path, "-") == 0 ? "stdin" : path;
        if (e.line > 0) /* a JSON error; else jansson could not open or read the file */
            fprintf(stderr, "heapctl import: cannot read %s: %s (line %d)\n", what, e.text, e.line);
        else
            fprintf(stderr, "heapctl import: cannot read %s: %s\n", what, e.text);
        return NULL;
    }
    json_t *inner = json_object_get(doc, "result");
    if (json_is_object(inner) && !json_object_get(doc, "format")) {
        json_incref(inner);
        json_decref(doc);
        doc = inner;
    }
    if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "format"))) {
        fprintf(stderr, "heapctl import: %s is not a heapd-graph document (no \"format\")\n", path);
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    json_t *graph = load(a->pos[1]);
    if (!graph) {
        json_decref(p);
        return HC_EXIT_USAGE;
    }
    json_object_set_new(p, "graph", graph);
    return hc_run(ctx, "heap.import", p, print);
}

const hc_cmd_t hc_cmd_import = {
    .name = "import",
    .usage = "HEAP FILE|-",
    .summary = "create a heap from an exported graph (heap.import)",
    .help = "Same objects, names, edges, reference counts and gc settings. Ids are new;\n"
            "addresses are the new heap's own (a fresh heap hands out the same ones\n"
            "again, so they may match the file's). HEAP must not exist yet.\n",
    .min_args = 2,
    .max_args = 2,
    .run = run,
};
