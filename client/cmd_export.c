/*
 * cmd_export.c: `heapctl export HEAP FILE|-`: the heap's whole graph
 * (heap.export, a heapd-graph/1 document) written to FILE, or to stdout
 * for "-". The file is written to a temporary name and renamed, so an
 * interrupted export never leaves half a file under FILE.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heapctl.h"
#include "out.h"

static int write_file(hc_ctx_t *ctx, const char *path, const json_t *graph)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return HC_EXIT_USAGE;
    snprintf(tmp, n, "%s.tmp%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    int ok = f && json_dumpf(graph, f, JSON_COMPACT) == 0 && fputc('\n', f) != EOF;
    int err = errno;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0) {
        err = errno;
        ok = 0;
    }
    if (!ok) {
        remove(tmp);
        fprintf(stderr, "heapctl export: cannot write %s: %s\n", path, strerror(err));
    }
    free(tmp);
    return ok ? 0 : HC_EXIT_USAGE;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    json_t *r;
    if ((rc = hc_call(ctx, "heap.export", p, &r)) != 0)
        return rc;
    if (strcmp(a->pos[1], "-") == 0) {
        hc_print_json(ctx->out, r);
    } else if ((rc = write_file(ctx, a->pos[1], r)) == 0 && !ctx->json) {
        fprintf(ctx->out, "exported %zu objects and %zu names of heap '%s' to %s\n",
                json_array_size(json_object_get(r, "objects")),
                json_object_size(json_object_get(r, "names")), a->pos[0], a->pos[1]);
    }
    json_decref(r);
    return rc;
}

const hc_cmd_t hc_cmd_export = {
    .name = "export",
    .usage = "HEAP FILE|-",
    .summary = "save a heap's whole graph to a file (heap.export)",
    .help = "The file is the heapd-graph/1 document (JSON) that import reads back. With -,\n"
            "the document goes to stdout.\n",
    .min_args = 2,
    .max_args = 2,
    .run = run,
};
