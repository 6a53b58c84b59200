/*
 * exec.h: running heap-script source through heap.exec, shared by `exec`
 * and `repl`.
 */
#ifndef HC_EXEC_H
#define HC_EXEC_H

#include "heapctl.h"

/* hc_exec_source: run source on heap (heap.exec, site `site`; `single`:
 * mode "single", as a prompt runs it), print what the program printed to
 * stdout and, when it raised, a traceback-like report to stderr naming
 * `file`. With --json, the result object (or the error) as for other
 * commands. Returns an exit code (1 when it raised).
 * Ownership: borrowed arguments. */
int hc_exec_source(hc_ctx_t *ctx, const char *heap, const char *source, const char *file,
                   const char *site, bool single);

#endif
