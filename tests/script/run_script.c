/*
 * run_script.c: runs a heap-script program against a fresh heap and
 * prints what python3 would print for the same file:
 *
 *     run_script [--steps N] [--allow-gc 0|1] FILE.py
 *
 * The program's output goes to stdout; its stderr text (gc debug output,
 * ignored exceptions) to stderr, then on an error a "Traceback (most
 * recent call last):" line and CPython's last traceback line
 * ("NameError: name 'x' is not defined"). The program's name in
 * tracemalloc sites and tracebacks is the file's absolute path, as
 * python3 3.11 names the main module of `python3 FILE.py`. Exit status: 0,
 * 1 after an error, 2 on a budget breach or a usage error, 3 when denied.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heap.h"
#include "script.h"

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.clock_ns = clock_ns;
    lim.max_time_ns = 60ull * 1000000000u;
    lim.max_output = 64 * 1024 * 1024;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--steps") == 0)
            lim.max_steps = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--allow-gc") == 0)
            lim.allow_gc_config = atoi(argv[i + 1]) != 0;
        else
            break;
    }
    if (i + 1 != argc) {
        fprintf(stderr, "usage: run_script [--steps N] [--allow-gc 0|1] FILE.py\n");
        return 2;
    }
    size_t len;
    char *src = read_file(argv[i], &len);
    if (!src) {
        perror(argv[i]);
        return 2;
    }
    char *abs = realpath(argv[i], NULL);
    lim.filename = abs ? abs : argv[i];
    hd_mem_t mem;
    hd_mem_init_default(&mem);
    hd_heap_t *h;
    if (hd_heap_new(&mem, NULL, &h) != 0) {
        fprintf(stderr, "run_script: cannot create a heap\n");
        return 2;
    }
    hd_script_result_t r;
    int rc = hd_script_run(h, src, len, &lim, &r);
    free(src);
    if (rc) {
        fprintf(stderr, "run_script: %d\n", rc);
        return 2;
    }
    fwrite(r.out, 1, r.out_len, stdout);
    fflush(stdout);
    if (r.err_len)
        fwrite(r.err, 1, r.err_len, stderr);
    int status = 0;
    if (r.status == HD_SCRIPT_ERROR) {
        char line[2048];
        hd_script_line(&r, line, sizeof(line));
        fprintf(stderr, "Traceback (most recent call last):\n  File \"%s\", line %d\n%s\n",
                lim.filename, r.line, line);
        status = 1;
    } else if (r.status == HD_SCRIPT_BUDGET) {
        fprintf(stderr, "run_script: budget exceeded: %s\n", r.budget);
        status = 2;
    } else if (r.status == HD_SCRIPT_DENIED) {
        fprintf(stderr, "run_script: denied: %s\n", r.budget);
        status = 3;
    }
    hd_script_result_close(&r);
    hd_heap_free(h);
    free(abs);
    return status;
}
