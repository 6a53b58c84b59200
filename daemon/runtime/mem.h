/*
 * mem.h: where the runtime gets its real memory from.
 *
 * The runtime takes memory from the process in two ways, and both go through
 * an hd_mem_t so that tests can make the Nth request fail on purpose (the
 * SQLite habit) and so that the inspector can count what it uses:
 *
 *   - arenas: 1 MiB regions for the pool allocator (mmap/munmap by default,
 *     as CPython's _PyObject_ArenaMmap does, so that the RSS really moves);
 *   - everything else: the system allocator (malloc/realloc/free), used for
 *     large blocks (requests over 512 bytes) and the inspector's own tables.
 *
 * Fault injection: when fail_at > 0, the fail_at-th request (counting both
 * kinds, from the moment fail_at was set) fails, and so does every later one
 * while fail_sticky is set. `requests` counts every request made.
 */
#ifndef HD_MEM_H
#define HD_MEM_H

#include <stddef.h>
#include <stdint.h>

typedef struct hd_mem {
    void *(*malloc_fn)(void *ctx, size_t len);
    void *(*realloc_fn)(void *ctx, void *p, size_t len);
    void (*free_fn)(void *ctx, void *p);
    void *(*arena_alloc_fn)(void *ctx, size_t len);
    void (*arena_free_fn)(void *ctx, void *p, size_t len);
    void *ctx; /* borrowed; passed back to every hook */

    /* fault injection and counting, used by the wrappers below */
    uint64_t requests; /* every malloc/realloc/arena request so far */
    uint64_t fail_at;  /* 0 = never fail; else fail request number fail_at */
    int fail_sticky;   /* keep failing after the first injected failure */
    uint64_t failures; /* injected failures so far */
} hd_mem_t;

/* hd_mem_init_default: the system allocator and mmap/munmap, no faults. */
void hd_mem_init_default(hd_mem_t *mem);

/* hd_mem_fail_after: make request number `n` from now fail (0 disables).
 * With `sticky`, every request after it fails too. */
void hd_mem_fail_after(hd_mem_t *mem, uint64_t n, int sticky);

/* The wrappers the runtime calls. They return NULL on (real or injected)
 * failure; hd_mem_free/hd_mem_arena_free accept what the others returned. */
void *hd_mem_malloc(hd_mem_t *mem, size_t len);
void *hd_mem_calloc(hd_mem_t *mem, size_t n, size_t len);
void *hd_mem_realloc(hd_mem_t *mem, void *p, size_t len);
void hd_mem_free(hd_mem_t *mem, void *p);
void *hd_mem_arena_alloc(hd_mem_t *mem, size_t len);
void hd_mem_arena_free(hd_mem_t *mem, void *p, size_t len);

#endif
