/*
 * fuzz_script.c: libFuzzer target for the heap script language. The input
 * is a program's source, run against a fresh heap with small budgets (steps,
 * output, recursion): whatever it is, the run must end with a status (never
 * a crash, a hang or a sanitizer report; inputs of odd length run in the
 * prompt's "single" mode), and the heap must pass every
 * invariant check afterwards (hd_heap_validate) and free cleanly. Seeds:
 * the programs of tests/script/corpus.
 */
#include <stdint.h>
#include <stdlib.h>

#include "heap.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hd_mem_t mem;
    hd_mem_init_default(&mem);
    hd_heap_t *h;
    if (hd_heap_new(&mem, NULL, &h) != 0)
        return 0;
    hd_heap_set_limits(h, 64u << 20, 200000);
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.max_steps = 200000;
    lim.max_output = 1 << 16;
    lim.max_depth = 200;
    lim.interactive = size % 2 == 1; /* half the inputs as at a prompt (PRINT_EXPR, `_`) */
    hd_script_result_t r;
    if (hd_script_run(h, (const char *)data, size, &lim, &r) == 0 &&
        (unsigned)r.status > HD_SCRIPT_DENIED)
        abort();
    hd_script_result_close(&r);
    const char *why;
    if (hd_heap_validate(h, &why, NULL) != 0)
        abort();
    hd_heap_free(h);
    return 0;
}
