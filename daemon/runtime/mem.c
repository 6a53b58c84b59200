/*
 * mem.c: the default memory hooks (malloc and mmap) and the fault-injecting
 * wrappers that every real allocation of the runtime goes through.
 */
#define _DEFAULT_SOURCE
#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void *sys_malloc(void *ctx, size_t len)
{
    (void)ctx;
    return malloc(len ? len : 1);
}

static void *sys_realloc(void *ctx, void *p, size_t len)
{
    (void)ctx;
    return realloc(p, len ? len : 1);
}

static void sys_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static void *sys_arena_alloc(void *ctx, size_t len)
{
    (void)ctx;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void sys_arena_free(void *ctx, void *p, size_t len)
{
    (void)ctx;
    munmap(p, len);
}

void hd_mem_init_default(hd_mem_t *mem)
{
    memset(mem, 0, sizeof(*mem));
    mem->malloc_fn = sys_malloc;
    mem->realloc_fn = sys_realloc;
    mem->free_fn = sys_free;
    mem->arena_alloc_fn = sys_arena_alloc;
    mem->arena_free_fn = sys_arena_free;
}

void hd_mem_fail_after(hd_mem_t *mem, uint64_t n, int sticky)
{
    mem->fail_at = n ? mem->requests + n : 0;
    mem->fail_sticky = sticky;
}

/* should_fail: counts one request and says whether to inject a failure. */
static int should_fail(hd_mem_t *mem)
{
    mem->requests++;
    if (mem->fail_at == 0)
        return 0;
    if (mem->requests == mem->fail_at || (mem->fail_sticky && mem->requests > mem->fail_at)) {
        mem->failures++;
        return 1;
    }
    return 0;
}

void *hd_mem_malloc(hd_mem_t *mem, size_t len)
{
    return should_fail(mem) ? NULL : mem->malloc_fn(mem->ctx, len);
}

void *hd_mem_calloc(hd_mem_t *mem, size_t n, size_t len)
{
    if (len && n > SIZE_MAX / len)
        return NULL;
    void *p = hd_mem_malloc(mem, n * len);
    if (p)
        memset(p, 0, n * len);
    return p;
}

void *hd_mem_realloc(hd_mem_t *mem, void *p, size_t len)
{
    return should_fail(mem) ? NULL : mem->realloc_fn(mem->ctx, p, len);
}

void hd_mem_free(hd_mem_t *mem, void *p)
{
    if (p)
        mem->free_fn(mem->ctx, p);
}

void *hd_mem_arena_alloc(hd_mem_t *mem, size_t len)
{
    return should_fail(mem) ? NULL : mem->arena_alloc_fn(mem->ctx, len);
}

void hd_mem_arena_free(hd_mem_t *mem, void *p, size_t len)
{
    mem->arena_free_fn(mem->ctx, p, len);
}
