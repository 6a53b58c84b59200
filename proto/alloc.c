/*
 * alloc.c: a cache of small freed blocks in front of malloc, for jansson's
 * allocator in a single-threaded server (hd_proto_alloc_cache_install).
 *
 * Why: a request builds and frees a few dozen jansson nodes (the parsed
 * message, the result tree): objects, their hash tables, member pairs,
 * strings. glibc's per-thread cache holds only 7 blocks of a size, so
 * freeing a tree of more than that sends the rest through _int_free, and
 * malloc and free were a fifth of heapd's instructions per request. Here
 * freed blocks of up to CACHE_MAX usable bytes are kept on one list per
 * size class (up to CACHE_KEEP each) and handed out again first.
 *
 * Every block is an ordinary malloc block, whichever path it took: the
 * size class of a freed block is read with malloc_usable_size, not from a
 * header of ours. So memory from this allocator may be given to free(),
 * and memory from malloc to it (as happens to blocks jansson allocated
 * before the install). A block in class k has at least 24 + 16k usable
 * bytes, and a request of n bytes takes from the class whose blocks are
 * all at least n long; glibc's usable sizes are exactly 24 + 16k, so no
 * space is wasted there. Under AddressSanitizer the cached blocks are
 * poisoned, so a use after free is still reported.
 *
 * Not thread-safe: install it only in a program that uses jansson from one
 * thread (heapd's loop).
 */
#include <malloc.h>
#include <stdlib.h>

#include "hd_proto.h"

#if defined(__SANITIZE_ADDRESS__)
#define HD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HD_ASAN 1
#endif
#endif
#ifdef HD_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CACHE_MIN     24 /* glibc's smallest usable size */
#define CACHE_CLASSES 16 /* usable sizes 24, 40, ..., 264 */
#define CACHE_MAX     (CACHE_MIN + 16 * (CACHE_CLASSES - 1))
#define CACHE_KEEP    256 /* blocks kept per class: 1 MiB at most in all */

typedef struct block {
    struct block *next;
} block_t;

static struct {
    block_t *head;
    unsigned n;
} bins[CACHE_CLASSES];

static void *cached_malloc(size_t n)
{
    if (n <= CACHE_MAX) {
        size_t k = n <= CACHE_MIN ? 0 : (n - CACHE_MIN + 15) / 16;
        block_t *b = bins[k].head;
        if (b) {
            UNPOISON(b, sizeof *b);
            bins[k].head = b->next;
            bins[k].n--;
            UNPOISON(b, malloc_usable_size(b));
            return b;
        }
    }
    return malloc(n);
}

static void cached_free(void *p)
{
    if (!p)
        return;
    size_t u = malloc_usable_size(p);
    if (u >= CACHE_MIN && u <= CACHE_MAX + 15) {
        size_t k = (u - CACHE_MIN) / 16;
        if (bins[k].n < CACHE_KEEP) {
            block_t *b = p;
            b->next = bins[k].head;
            bins[k].head = b;
            bins[k].n++;
            POISON(p, u);
            return;
        }
    }
    free(p);
}

void hd_proto_alloc_cache_install(void)
{
    json_set_alloc_funcs(cached_malloc, cached_free);
}

void hd_proto_alloc_cache_flush(void)
{
    for (size_t k = 0; k < CACHE_CLASSES; k++) {
        while (bins[k].head) {
            block_t *b = bins[k].head;
            UNPOISON(b, sizeof *b);
            bins[k].head = b->next;
            free(b);
        }
        bins[k].n = 0;
    }
}
