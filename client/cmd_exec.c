/*
 * cmd_exec.c: `heapctl exec HEAP FILE|-`: run a program in the heap script
 * language (a subset of Python 3.11) against the heap (heap.exec), and
 * print what it printed (and, on stderr, what CPython would have written
 * there: gc.DEBUG_* lines, "Exception ignored in" reports). When it raises,
 * heapctl prints what ran before the error, then the error as Python's
 * traceback ends:
 *     File "prog.py", line 2, column 7
 *     NameError: name 'z' is not defined
 * and exits 1. FILE is named as python3 names its main module (made
 * absolute, see main_name), in the sites and in that line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "out.h"

int hc_exec_source(hc_ctx_t *ctx, const char *heap, const char *source, const char *file,
                   const char *site, bool single)
{
    int rc;
    json_t *p = hc_heap_params(ctx, heap, &rc);
    if (!p)
        return rc;
    json_object_set_new(p, "source", json_string(source));
    if (!ctx->site && site)
        json_object_set_new(p, "site", json_string(site));
    if (single)
        json_object_set_new(p, "mode", json_string("single"));
    json_t *keep, *result, *data;
    int code;
    const char *message;
    if ((rc = hc_call_raw(ctx, "heap.exec", p, &keep, &result, &code, &message, &data)) != 0)
        return rc;
    if (code == 0) {
        if (ctx->json) {
            hc_print_json(ctx->out, result);
        } else {
            fputs(hc_jstr(result, "stdout"), ctx->out);
            fflush(ctx->out);
            fputs(hc_jstr(result, "stderr"), stderr);
        }
    } else if (code == -32008 && !ctx->json) {
        fputs(hc_jstr(data, "stdout"), ctx->out);
        fflush(ctx->out);
        fputs(hc_jstr(data, "stderr"), stderr);
        /* Python prints a bare type for an empty message (MemoryError) */
        const char *msg = hc_jstr(data, "message");
        fprintf(stderr, "  File \"%s\", line %" PRId64 ", column %" PRId64 "\n%s%s%s\n", file,
                hc_jint(data, "line"), hc_jint(data, "col"), hc_jstr(data, "exc_type"),
                msg[0] ? ": " : "", msg);
        rc = HC_EXIT_SERVER;
    } else {
        hc_print_server_error(ctx, code, message, data);
        if (code == -32601)
            fprintf(stderr, "heapctl: this heapd has no script language (heap.exec) yet\n");
        rc = HC_EXIT_SERVER;
    }
    json_decref(keep);
    return rc;
}

/* The whole of FILE (or stdin) as a NUL-terminated string. */
static char *slurp(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        return NULL;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    int err = 0;
    if (!buf)
        err = ENOMEM;
    else if (ferror(f)) {
        err = errno ? errno : EIO;
        free(buf);
        buf = NULL;
    }
    if (f != stdin)
        fclose(f);
    errno = err;
    if (buf)
        buf[len] = 0;
    return buf;
}

/*
 * The program's name as python3 3.11 gives `python3 FILE` its main module
 * (new string, or NULL when out of memory): "<stdin>" for -, an absolute
 * FILE as it is, a relative one joined to the working directory without
 * normalising (`./p.py` in /tmp is /tmp/./p.py, as CPython's _Py_abspath).
 * It names the allocation sites (tracemalloc's FILE:LINE) and the
 * traceback line, so both print what python3 prints for the same file.
 */
static char *main_name(const char *path)
{
    if (strcmp(path, "-") == 0)
        return strdup("<stdin>");
    if (path[0] == '/')
        return strdup(path);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return strdup(path); /* no working directory to join: keep FILE */
    size_t len = strlen(cwd) + 1 + strlen(path) + 1;
    char *name = malloc(len);
    if (name)
        snprintf(name, len, "%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", path);
    free(cwd);
    return name;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    const char *path = a->pos[1];
    char *src = slurp(path);
    if (!src) {
        fprintf(stderr, "heapctl exec: cannot read %s: %s\n",
                strcmp(path, "-") == 0 ? "stdin" : path, strerror(errno));
        return HC_EXIT_USAGE;
    }
    char *name = main_name(path);
    int rc = name ? hc_exec_source(ctx, a->pos[0], src, name, name, false) : HC_EXIT_USAGE;
    if (!name)
        fprintf(stderr, "heapctl exec: out of memory\n");
    free(name);
    free(src);
    return rc;
}

const hc_cmd_t hc_cmd_exec = {
    .name = "exec",
    .usage = "HEAP FILE|-",
    .summary = "run a heap script (a subset of Python) against a heap (heap.exec)",
    .help = "The program's global names are the heap's namespace: what it binds stays\n"
            "bound. Objects it creates get the allocation site FILE:LINE (or --site),\n"
            "FILE made absolute as python3 names its main module, so that tracemalloc\n"
            "and the error line print what python3 prints for the same file.\n",
    .min_args = 2,
    .max_args = 2,
    .run = run,
};
