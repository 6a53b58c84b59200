/*
 * pool.h: pymalloc, CPython 3.11's small-object allocator, one per heap.
 *
 * The model is byte-accurate to CPython 3.11 on 64-bit Linux
 * (../shared/reference/cpython-memory.md section 1):
 *
 *   - 16-byte alignment, 32 size classes (16, 32, ..., 512 bytes);
 *   - 16 KiB pools with a 48-byte header, carved lazily;
 *   - 1 MiB arenas obtained with hd_mem_arena_alloc (mmap) and returned with
 *     hd_mem_arena_free (munmap) only when wholly free, keeping one wholly
 *     free arena; usable arenas sorted by ascending number of free pools;
 *   - requests of 0 or over 512 bytes go to the system allocator and are
 *     counted as "large" blocks.
 *
 * Every arena is treated as CPython treats an mmap'd arena whose base is not
 * 16 KiB aligned (the usual case): it has 63 usable pools and loses 16 KiB to
 * alignment. This keeps the statistics deterministic from run to run.
 *
 * Simulated addresses: each arena has a simulated base address in the heap's
 * own address space, so that a block's `addr` looks like CPython's id() and
 * is reused when the block is, without ever exposing a real pointer. Large
 * blocks get simulated addresses from a separate region.
 *
 * Handles: a block that holds an object can be named by a 32-bit handle
 * (arena and offset, or a large-block slot), which is how the inspector's id
 * index stays small.
 */
#ifndef HD_POOL_H
#define HD_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#define HD_POOL_ALIGNMENT   16
#define HD_POOL_SMALL_MAX   512 /* SMALL_REQUEST_THRESHOLD */
#define HD_POOL_NCLASSES    32
#define HD_POOL_SIZE        16384   /* POOL_SIZE */
#define HD_POOL_OVERHEAD    48      /* sizeof(struct pool_header) */
#define HD_ARENA_SIZE       1048576 /* ARENA_SIZE */
#define HD_ARENA_NPOOLS     63      /* usable pools in an (unaligned) arena */
#define HD_POOL_LARGE_ALIGN 16      /* alignment of large blocks */

/* Simulated address space: the arena in table slot i has base address
 * HD_POOL_SIM_ARENA_BASE + i MiB + 4096 (not 16 KiB aligned, so its pool k
 * starts at HD_POOL_SIM_ARENA_BASE + i MiB + 16384 * (k + 1)); large blocks
 * get 16-byte aligned addresses from HD_POOL_SIM_LARGE_BASE up, never reused. */
#define HD_POOL_SIM_ARENA_BASE UINT64_C(0x7f3a00000000)
#define HD_POOL_SIM_LARGE_BASE UINT64_C(0x55d000000000)

typedef struct hd_pool hd_pool_t;

/* hd_pool_class_size: the block size of the class a request of `len` bytes
 * falls in (16..512), or 0 when the request goes to the system allocator. */
static inline size_t hd_pool_class_size(size_t len)
{
    return (len == 0 || len > HD_POOL_SMALL_MAX) ? 0 : ((len + 15) & ~(size_t)15);
}

/* hd_pool_new: a new, empty allocator (no arena yet). Its own tables and every
 * arena come from `mem`, which must outlive the pool.
 * Returns 0 or HD_ENOMEM. The caller owns *out and frees it with hd_pool_free. */
int hd_pool_new(hd_mem_t *mem, hd_pool_t **out);

/* hd_pool_free: returns every arena and large block to the system and frees
 * the pool. Blocks still allocated are released with it. NULL is allowed. */
void hd_pool_free(hd_pool_t *pool);

/* hd_pool_set_limit: cap the bytes in allocated blocks (small blocks counted
 * at their class size, large blocks at their requested size); 0 = no cap. */
void hd_pool_set_limit(hd_pool_t *pool, uint64_t max_bytes);

/* hd_pool_block_alloc: a block of at least `len` bytes (16-byte aligned),
 * from a pool when 1 <= len <= 512, else from the system allocator.
 * Returns 0, HD_ELIMIT (over the byte cap: nothing changed) or HD_ENOMEM.
 * The caller owns *out until it gives it to hd_pool_block_free. */
int hd_pool_block_alloc(hd_pool_t *pool, size_t len, void **out);

/* hd_pool_block_realloc: PyObject_Realloc's rules. A pool block is kept when
 * the new size fits its class and 4*len > 3*class size; otherwise a new block
 * is allocated (pool or system), the contents copied and the old block freed.
 * A large block is resized by the system allocator and stays large even when
 * it shrinks to 512 bytes or less. `p` may be NULL (then it allocates).
 * The byte cap applies to the net change (new block minus old), so shrinking
 * never fails on the cap.
 * Returns 0, HD_ELIMIT or HD_ENOMEM; on error `p` is untouched and still owned
 * by the caller. On success the caller owns *out instead of p. */
int hd_pool_block_realloc(hd_pool_t *pool, void *p, size_t len, void **out);

/* hd_pool_block_free: returns a block from hd_pool_block_alloc/_realloc.
 * May release an arena to the system. NULL is allowed. */
void hd_pool_block_free(hd_pool_t *pool, void *p);

/* hd_pool_block_free_small: hd_pool_block_free for a block the caller knows
 * came from a pool (a request of 1..512 bytes that was never reallocated to
 * the system allocator): skips the ownership test. */
void hd_pool_block_free_small(hd_pool_t *pool, void *p);

/* hd_pool_block_free_small2: hd_pool_block_free_small(p1), then (p2), with
 * one lookup of the arena map when both lie in the same 1 MiB chunk. */
void hd_pool_block_free_small2(hd_pool_t *pool, void *p1, void *p2);

/* hd_pool_block_is_large: whether `p` (a live block) came from the system
 * allocator rather than a pool. */
int hd_pool_block_is_large(const hd_pool_t *pool, const void *p);

/* hd_pool_block_size: the usable size of a live block: its class size for a
 * pool block, the requested size for a large one. */
size_t hd_pool_block_size(const hd_pool_t *pool, const void *p);

/* hd_pool_addr: the simulated address of the byte `p` points at, inside a
 * live block (p may point into the middle of it, as a PyObject* points past
 * the GC header). O(1) for a pool block. For a pointer into the middle of a
 * large block it steps back to the block start 16 bytes at a time, reading
 * the block's bytes before p: O(offset / 16), and those bytes should have been
 * written (any value gives the right answer, but Valgrind reports reads of
 * never-written memory). */
uint64_t hd_pool_addr(const hd_pool_t *pool, const void *p);

/* hd_pool_handle / hd_pool_deref: a nonzero 32-bit name for the position `p`
 * (inside a live block, at a multiple of 16 bytes from its block start: the
 * start itself or, say, past a 16-byte GC header), and back:
 * hd_pool_deref(pool, hd_pool_handle(pool, p)) == p while the block lives.
 * Inside a large block the position must be less than 2 KiB from its start.
 * hd_pool_deref returns NULL for a handle that names no arena or slot. */
uint32_t hd_pool_handle(const hd_pool_t *pool, const void *p);
void *hd_pool_deref(const hd_pool_t *pool, uint32_t handle);

/* ---- statistics: every figure of sys._debugmallocstats() ---- */

typedef struct hd_pool_class_stats {
    uint32_t size;        /* block size */
    uint32_t pools;       /* pools in use by this class (used or full) */
    uint64_t blocks_used; /* blocks in use */
    uint64_t blocks_free; /* available blocks in those pools (free list + not carved) */
} hd_pool_class_stats_t;

typedef struct hd_pool_stats {
    hd_pool_class_stats_t classes[HD_POOL_NCLASSES];
    uint64_t arenas_allocated_total; /* # arenas allocated total */
    uint64_t arenas_reclaimed;       /* # arenas reclaimed */
    uint64_t arenas_highwater;       /* # arenas highwater mark */
    uint64_t arenas_current;         /* # arenas allocated current */
    uint64_t bytes_in_used_blocks;   /* # bytes in allocated blocks */
    uint64_t bytes_in_free_blocks;   /* # bytes in available blocks */
    uint64_t pools_used;             /* pools holding at least one block */
    uint64_t pools_unused;           /* N unused pools (freed and never carved) */
    uint64_t bytes_pool_headers;     /* # bytes lost to pool headers */
    uint64_t bytes_quantization;     /* # bytes lost to quantization */
    uint64_t bytes_arena_alignment;  /* # bytes lost to arena alignment */
    uint64_t large_count;            /* live blocks from the system allocator */
    uint64_t large_bytes;            /* their requested bytes */
    uint64_t inspector_bytes;        /* the pool's own tables, outside the arenas */
} hd_pool_stats_t;

/* hd_pool_stats: fills *out (O(arenas x pools), like CPython's own walk). */
void hd_pool_stats(const hd_pool_t *pool, hd_pool_stats_t *out);

/* hd_pool_bytes_used: bytes in allocated blocks (small at class size) plus
 * large bytes: what the byte cap is checked against. O(1). */
uint64_t hd_pool_bytes_used(const hd_pool_t *pool);

/* hd_pool_dump: writes sections 1 to 4 of sys._debugmallocstats() (header,
 * size-class table, arena counters, byte accounting) into buf, in CPython's
 * layout, NUL-terminated and truncated to len. Returns the length the whole
 * text needs (excluding the NUL), like snprintf. */
size_t hd_pool_dump(const hd_pool_t *pool, char *buf, size_t len);

/* ---- the memory map: arenas and their pools ---- */

enum hd_pool_state {
    HD_POOL_UNCARVED = 0, /* never used since the arena was allocated */
    HD_POOL_EMPTY = 1,    /* on the arena's free-pool list */
    HD_POOL_USED = 2,     /* in its class's used list: some blocks free */
    HD_POOL_FULL = 3      /* every block in use */
};

typedef struct hd_pool_cell {
    uint8_t state;     /* enum hd_pool_state */
    uint8_t szidx;     /* size class index (meaningful when USED or FULL) */
    uint16_t used;     /* blocks in use */
    uint16_t capacity; /* blocks the pool holds at its class size */
} hd_pool_cell_t;

typedef struct hd_pool_arena_info {
    uint32_t index;      /* slot in the arena table (stable while it lives) */
    uint64_t base_addr;  /* simulated base address */
    uint32_t nfreepools; /* pools free or never carved */
    uint32_t ntotalpools;
    hd_pool_cell_t pools[HD_ARENA_NPOOLS];
} hd_pool_arena_info_t;

/* hd_pool_inspector_bytes: the pool's own memory (tables and large-block
 * prefixes), outside the arenas; O(1). */
uint64_t hd_pool_inspector_bytes(const hd_pool_t *pool);

/* hd_pool_arena_count: arenas currently allocated. */
size_t hd_pool_arena_count(const hd_pool_t *pool);

/* hd_pool_arena_map: fills *out for the i-th allocated arena (0 <= i <
 * hd_pool_arena_count), in ascending order of arena table slot.
 * Returns 0 or HD_EINVAL when i is out of range. */
int hd_pool_arena_map(const hd_pool_t *pool, size_t i, hd_pool_arena_info_t *out);

/* hd_pool_validate: checks every invariant (list membership and order of
 * used pools and usable arenas, free-list lengths against counts, byte
 * totals). Returns 0 or HD_EINVAL; with `why` non-NULL it receives a static
 * description of the first broken invariant. */
int hd_pool_validate(const hd_pool_t *pool, const char **why);

#endif
