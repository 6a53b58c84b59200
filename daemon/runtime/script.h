/*
 * script.h: the heap script language (library hd_runtime, script/).
 *
 * hd_script_run runs a program written in a subset of Python 3.11
 * (docs/script.md lists it) against a heap: the program's global names are
 * the heap's namespace, every object it makes is an object of the heap
 * (same sizes, tracking, generation-0 counts and automatic collections as
 * CPython 3.11), its frames and evaluation stack hold references where
 * CPython's do (so sys.getrefcount prints what python3 prints), and what it
 * prints is what python3 prints for the same file.
 *
 * The program is compiled whole before it runs (a syntax error runs
 * nothing). What ran before a runtime error stays done, as in Python.
 * Finalizers (__del__), weakref callbacks and gc.callbacks of the program
 * run during the run; the embedder's own hooks (hd_heap_set_hooks) are
 * called too, after the program's.
 *
 * Budgets: the source size, instructions executed, wall time (through the
 * caller's clock), Python recursion depth (CPython's RecursionError) and
 * output size. A budget that runs out stops the program at once, even
 * inside a finalizer: HD_SCRIPT_BUDGET, with the budget's name in
 * result.budget. Bounds that no budget names (parser nesting, nested
 * finalizers, int sizes) raise the Python error CPython would raise there
 * (SyntaxError, RecursionError, MemoryError). A program can neither hang
 * the caller past its budgets nor exhaust the C stack, and it only ever
 * touches the heap it runs on.
 */
#ifndef HD_SCRIPT_H
#define HD_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

#define HD_SCRIPT_DEFAULT_SOURCE (1024 * 1024)
#define HD_SCRIPT_DEFAULT_OUTPUT (1024 * 1024)
#define HD_SCRIPT_DEFAULT_DEPTH  1000

typedef struct hd_script_limits {
    size_t max_source;    /* bytes of source; 0 = HD_SCRIPT_DEFAULT_SOURCE */
    uint64_t max_steps;   /* instructions; 0 = no limit */
    uint64_t max_time_ns; /* wall time, measured with clock_ns; 0 = no limit */
    /* a monotonic clock in ns, called now and then (NULL: no time budget) */
    uint64_t (*clock_ns)(void *ctx);
    void *clock_ctx;      /* borrowed; passed to clock_ns */
    int max_depth;        /* the recursion limit; 0 = HD_SCRIPT_DEFAULT_DEPTH (CPython's) */
    size_t max_output;    /* bytes of stdout; 0 = HD_SCRIPT_DEFAULT_OUTPUT */
    const char *filename; /* the program's name in sites and tracebacks; NULL = "<exec>" */
    bool allow_gc_config; /* gc.enable/disable/set_threshold/set_debug allowed */
    bool interactive;     /* as Python's prompt runs it: the value of each expression
                             statement at module level is displayed (sys.displayhook:
                             its repr printed unless None, and kept as builtins._) */
} hd_script_limits_t;

/* hd_script_limits_default: the defaults above; no step or time budget,
 * configuration of the collector allowed.
 * Ownership: fills the caller's *lim. */
void hd_script_limits_default(hd_script_limits_t *lim);

typedef enum hd_script_status {
    HD_SCRIPT_OK = 0,     /* the program ran to its end */
    HD_SCRIPT_ERROR = 1,  /* it raised (or did not compile): see line, col, exc_type, message */
    HD_SCRIPT_BUDGET = 2, /* a budget ran out: budget names it */
    HD_SCRIPT_DENIED = 3  /* it changed the collector's configuration without permission */
} hd_script_status_t;

typedef struct hd_script_result {
    hd_script_status_t status;
    char *out; /* owned: what the program printed (NUL-terminated) */
    size_t out_len;
    char *err; /* owned: what CPython would write to stderr (gc debug output, ignored exceptions) */
    size_t err_len;
    /* HD_SCRIPT_ERROR: where and what */
    int line, col;      /* 1-based; 0 when unknown */
    char exc_type[32];  /* "NameError", "SyntaxError", ... */
    char *message;      /* owned: the text after "ExcType: " on the traceback's last line */
    const char *budget; /* HD_SCRIPT_BUDGET: "script_source", "script_steps", "script_time",
                           "script_output"; HD_SCRIPT_DENIED: the call ("gc.disable"); static */
    uint64_t steps;     /* instructions executed (about) */
    hd_mem_t *mem;      /* borrowed: frees out, err and message */
} hd_script_result_t;

/* hd_script_run: compiles and runs `source` (len bytes of UTF-8) against
 * the heap. lim may be NULL (defaults). Returns 0 when *out describes what
 * happened (out->status), or HD_ENOMEM when the run could not even start
 * (nothing ran) or ran out of memory outside the program's control; on
 * HD_ENOMEM *out holds what was printed until then. The caller releases
 * *out with hd_script_result_close.
 * Ownership: source and lim are borrowed for the call; *out's buffers are
 * owned by the caller; the heap keeps what the program made. */
int hd_script_run(hd_heap_t *h, const char *source, size_t len, const hd_script_limits_t *lim,
                  hd_script_result_t *out);

/* hd_script_result_close: frees the buffers of a result (NULL allowed).
 * Ownership: takes the buffers. */
void hd_script_result_close(hd_script_result_t *r);

/* hd_script_line: the error as CPython's last traceback line
 * ("NameError: name 'x' is not defined"; "MemoryError" alone when the
 * message is empty) into buf (NUL-terminated, truncated to len).
 * Ownership: writes into the caller's buf. */
void hd_script_line(const hd_script_result_t *r, char *buf, size_t len);

#endif
