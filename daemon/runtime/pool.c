/*
 * pool.c: pymalloc, CPython 3.11's small-object allocator (Objects/obmalloc.c),
 * rebuilt on real memory so that a heap's arenas, pools and blocks behave, and
 * are counted, exactly as CPython's would on 64-bit Linux.
 *
 * This is one algorithm, so it is one file, in named sections like obmalloc.c:
 * layout, addresses, arenas, pools, large blocks, the public calls, statistics,
 * the memory map and validation. Why its ~1,540 lines stay together: every
 * section reads the same private layout (pool headers apart from their pools,
 * the chunk map's biases, the arena table and its sorted usable list), which
 * no other file may see, and the validator exists to check exactly that
 * layout; splitting it would mean publishing the layout in a header for the
 * sake of file length (CPython's obmalloc.c keeps it in one file too).
 *
 * Data layout
 * -----------
 * Arena: a real 1 MiB mapping from hd_mem_arena_alloc (page aligned). Its
 * pools start at the first 16 KiB boundary strictly after the mapping's
 * 16 KiB-rounded-down base, so there are always exactly 63 pools of 16 KiB,
 * each 16 KiB aligned in real memory, and the statistics always charge 16,384
 * bytes of "arena alignment" per arena: what CPython reports for its usual,
 * unaligned, mmap'd arena.
 *
 * Pool: 16 KiB whose first 48 bytes are its header's and whose blocks, of one
 * size class, start at offset 48, carved lazily: a fresh pool hands out the
 * block at offset 48, puts the one at 48 + size on its free list and sets
 * nextoffset to 48 + 2 * size. Freed blocks form a LIFO list threaded through
 * their first word; when the list runs dry the next virgin block is carved.
 *
 * Pool headers: laid out like CPython's struct pool_header (ref.count,
 * freeblock, nextpool, prevpool, arenaindex, szidx, nextoffset, maxnextoffset,
 * 48 bytes) and counted as CPython counts them, but kept apart from their
 * pools: in a table of 63 64-byte slots in the 4 KiB page just below the
 * arena's first pool (that page is part of the alignment slack, which is
 * never less than 4 KiB). CPython's headers all sit at 16 KiB-aligned
 * addresses, which map to a handful of cache sets, so a churn over thousands
 * of pools misses on nearly every header; packed, they stay in cache (see
 * docs/runtime.md for what it gains). The header of the pool
 * holding p comes from the chunk map below, which stores per arena the bias
 * that turns p >> 14 into its header's address; from a header, its pool is
 * plain arithmetic (pool_mem).
 *
 * Arena objects live in a table (16 entries, doubling, at most 32768 so that a
 * handle can hold the index). Unused objects sit on `unused_arenas`. Arenas
 * with at least one free pool are on `usable_arenas`, doubly linked in
 * ascending order of nfreepools, with the bpo-37029 finger array nfp2lasta[k]
 * (right-most usable arena with k free pools) so re-sorting is O(1).
 *
 * Pool states: used (in usedpools[class], a circular doubly-linked list whose
 * head is a sentinel header in hd_pool_t), full (in no list), empty (front of
 * its arena's singly-linked freepools; its class and free list are kept so it
 * can be reused for the same class without re-carving), never carved (beyond
 * the arena's pool_address).
 *
 * Ownership: a chunk map (CPython's radix tree, as a small open-addressing
 * hash of 1 MiB chunks) says whether an address lies in an arena without
 * touching the memory at that address, which keeps freeing a cold block cheap.
 *
 * Large blocks (0 or more than 512 bytes) come from hd_mem_malloc with a
 * hidden 16-byte prefix {simulated address, slot}; slots[slot] points back at
 * the block, and gives its size and a 32-bit handle. A pointer p outside the
 * arenas is the start of a large block iff the 8 bytes before it hold a slot
 * s < nslots with slots[s].block == p; a pointer into the middle of a large
 * block is resolved by stepping back 16 bytes at a time to such a start.
 * Free slots form a list threaded through their len field.
 *
 * Hot paths: hd_pool_block_alloc and hd_pool_block_free are leaf code covering
 * the steady state (pop or push a free block, a pool filling up or leaving the
 * full state); new pools, emptied pools and large blocks are out of line.
 * Bytes in use are kept as limit - headroom, so the cap costs one compare.
 *
 * Simulated addresses: arena table slot i has simulated base SIM_ARENA_BASE +
 * i MiB + 4096 (not 16 KiB aligned, like an mmap'd arena), so its pool k is at
 * SIM_ARENA_BASE + i MiB + 16384 * (k + 1): real and simulated addresses
 * differ by a constant per arena. Large blocks take theirs from a bump counter
 * in another region; they are never reused.
 *
 * Invariants (checked by hd_pool_validate)
 * ----------------------------------------
 * - a used pool has 0 < count < capacity and sits in its class's list; a full
 *   pool has count == capacity and sits in no list; an empty pool has count 0
 *   and sits on its arena's freepools list;
 * - count + free-list length + uncarved blocks == capacity, for every carved
 *   pool;
 * - nfreepools == empty pools + never-carved pools; an arena is on
 *   usable_arenas iff nfreepools > 0; usable_arenas is sorted ascending and
 *   nfp2lasta agrees with it; at most one arena is wholly free, and it is the
 *   last of usable_arenas;
 * - bytes in use (limit - headroom) == sum of in-use blocks at class size
 *   + large_bytes.
 *
 * Failure: every operation checks the byte cap and obtains all the memory it
 * needs before it changes any state, so an HD_ELIMIT or HD_ENOMEM leaves the
 * allocator exactly as it was (a grown table may stay grown).
 */
#include "pool.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#define POOL_MASK       ((uintptr_t)HD_POOL_SIZE - 1)
#define POOL_BITS       14
#define INDEX2SIZE(i)   (((size_t)(i) + 1) << 4)
#define SIZE2INDEX(len) ((unsigned)(((len)-1) >> 4))
#define CAPACITY(i)     ((unsigned)((HD_POOL_SIZE - HD_POOL_OVERHEAD) / INDEX2SIZE(i)))
#define DUMMY_SZIDX     0xffffu

#define INITIAL_ARENAS 16u    /* INITIAL_ARENA_OBJECTS */
#define MAX_ARENAS     32768u /* arena index must fit 15 bits of a handle */
#define POOL_REGION    ((size_t)HD_ARENA_NPOOLS * HD_POOL_SIZE)

#define LARGE_PREFIX        16u
#define LARGE_MAX           ((size_t)INT64_MAX / 2) /* larger requests fail with HD_ENOMEM */
#define INITIAL_LARGE_SLOTS 64u
#define MAX_LARGE_SLOTS     (1u << 24) /* slot must fit 24 bits of a handle */
#define SLOT_NONE           UINT32_MAX

#define HDR_PAGE  4096u                        /* the header table's page, below the first pool */
#define HDR_SLOT  64u                          /* one header per cache line */
#define HDR_SHIFT 6                            /* log2(HDR_SLOT) */
#define HDR_TABLE (HD_ARENA_NPOOLS * HDR_SLOT) /* bytes of the table in use */

#define CHUNK_BITS 20
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define CHUNK_MASK ((uintptr_t)CHUNK_SIZE - 1)

#define SIM_ARENA_BASE HD_POOL_SIM_ARENA_BASE
#define SIM_ARENA_SKEW 4096u /* simulated arena base sits 4 KiB past a 16 KiB boundary */
#define SIM_LARGE_BASE HD_POOL_SIM_LARGE_BASE

#define HANDLE_LARGE      0x80000000u
#define HANDLE_OFF_SHIFT  24
#define HANDLE_OFF_MAX    127u /* in 16-byte units: large interior offsets < 2 KiB */
#define HANDLE_SLOT_MASK  0x00ffffffu
#define HANDLE_POOL_SHIFT 16

/* ======================================================================== */
/* Layout                                                                   */
/* ======================================================================== */

typedef struct pool_header pool_header_t;
struct pool_header {
    union {
        uint8_t *padding;
        unsigned int count; /* blocks in use */
    } ref;
    uint8_t *freeblock;      /* borrowed: first free block of this pool, or NULL */
    pool_header_t *nextpool; /* borrowed: next in the class list or in freepools */
    pool_header_t *prevpool; /* borrowed: previous in the class list */
    unsigned int arenaindex; /* slot of the arena in the arena table */
    unsigned int szidx;      /* size class index, DUMMY_SZIDX when never used */
    unsigned int nextoffset; /* offset of the next virgin block */
    unsigned int maxnextoffset;
};
_Static_assert(sizeof(pool_header_t) == HD_POOL_OVERHEAD, "pool header is 48 bytes");
_Static_assert(sizeof(pool_header_t) <= HDR_SLOT && HDR_TABLE <= HDR_PAGE, "header table fits");
_Static_assert(HD_POOL_SIZE == 1u << POOL_BITS && HDR_SLOT == 1u << HDR_SHIFT, "shifts agree");

typedef struct arena arena_t;
struct arena {
    uint8_t *address;         /* owned: the 1 MiB mapping; NULL when the slot is unused */
    uint8_t *first_pool;      /* borrowed: first pool inside address */
    uint8_t *pool_address;    /* borrowed: next pool never carved */
    unsigned int nfreepools;  /* empty plus never-carved pools */
    unsigned int ntotalpools; /* always HD_ARENA_NPOOLS */
    pool_header_t *freepools; /* borrowed: empty pools, singly linked via nextpool */
    arena_t *nextarena;       /* borrowed: usable_arenas or unused_arenas link */
    arena_t *prevarena;       /* borrowed: usable_arenas back link */
};

typedef struct large_slot {
    uint8_t *block; /* borrowed view of an owned block (prefix at -16); NULL when free */
    uint64_t len;   /* requested bytes; next free slot when the slot is free */
} large_slot_t;

typedef struct large_prefix {
    uint64_t sim;  /* simulated address of the block's first byte */
    uint64_t slot; /* index in the slot table; read at p - 8 by the ownership test */
} large_prefix_t;
_Static_assert(sizeof(large_prefix_t) == LARGE_PREFIX, "large prefix is 16 bytes");

/* A class list head: a sentinel header, padded so heads index by a shift. */
typedef union used_head {
    pool_header_t h;
    uint8_t pad[64];
} used_head_t;

/* One 1 MiB-aligned chunk of real address space that arenas overlap: an
 * arena ending in it covers [0, lo_end), one starting in it [hi_start, 1 MiB).
 * At most one of each, since arenas are 1 MiB long and do not overlap. */
typedef struct chunk_slot {
    uint64_t key;      /* chunk number (address >> 20) + 1; 0 = empty entry */
    uint32_t lo_end;   /* 0 = no arena ends in this chunk */
    uint32_t hi_start; /* CHUNK_SIZE = no arena starts in this chunk */
    uintptr_t lo_bias; /* header bias (hdr_bias) of the arena ending here */
    uintptr_t hi_bias; /* header bias of the arena starting here */
} chunk_slot_t;

struct hd_pool {
    /* Hot: the block fast paths read these. The heads are sentinels; only
     * their nextpool/prevpool fields are used. */
    used_head_t usedpools[HD_POOL_NCLASSES];
    /* Bytes in use (small at class size + large at requested size) are
     * limit - headroom: one signed counter makes the cap check one compare.
     * headroom goes negative when the cap is lowered below what is in use. */
    int64_t headroom;
    int64_t limit;       /* byte cap, INT64_MAX when there is none */
    large_slot_t *slots; /* owned: large-block table, slots_cap entries */
    uint32_t nslots;     /* slots ever handed out (initialised entries) */
    uint32_t slots_cap;
    uint32_t slot_free; /* head of the free-slot list, SLOT_NONE if empty */

    arena_t *arenas; /* owned: the arena table, maxarenas entries */
    uint32_t maxarenas;
    uint32_t narenas;                        /* arenas currently allocated */
    chunk_slot_t *chunks;                    /* owned (or &chunk_none): the arena chunk map */
    uint32_t chunk_mask;                     /* chunk map entries - 1 (a power of two minus one) */
    chunk_slot_t chunk_none;                 /* the empty one-entry map used before any arena */
    arena_t *unused_arenas;                  /* borrowed from arenas: objects without a mapping */
    arena_t *usable_arenas;                  /* borrowed from arenas: ascending nfreepools */
    arena_t *nfp2lasta[HD_ARENA_NPOOLS + 1]; /* borrowed: right-most usable with k free */

    uint64_t arenas_allocated_total;
    uint64_t arenas_highwater;
    uint64_t large_count;
    uint64_t large_bytes;
    uint64_t large_sim_next; /* next simulated address for a large block */
    hd_mem_t *mem;           /* borrowed; outlives the pool */
};

/* ======================================================================== */
/* Addresses                                                                */
/* ======================================================================== */

static uint64_t sim_first_pool(uint32_t arena_slot)
{
    return SIM_ARENA_BASE + (uint64_t)arena_slot * HD_ARENA_SIZE + HD_POOL_SIZE;
}

/* large_slot_of: whether p is the start of a live large block (its slot in
 * *slot). Reads the 8 bytes before p, which are always mapped (see top). */
static inline int large_slot_of(const hd_pool_t *P, const void *p, uint32_t *slot)
{
    uint64_t s;
    memcpy(&s, (const uint8_t *)p - 8, sizeof(s));
    if (s >= P->nslots || P->slots[s].block != p)
        return 0;
    *slot = (uint32_t)s;
    return 1;
}

/* The chunk map answers "is p inside an arena?" without touching p's memory
 * (CPython's radix tree does the same job): an open-addressing hash table,
 * linear probing, at most a quarter full (2 entries per arena, 8 slots per
 * arena object, so probes are short), resized with the arena table. */

static inline uint32_t chunk_home(const hd_pool_t *P, uint64_t key)
{
    return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & P->chunk_mask;
}

static inline const chunk_slot_t *chunk_find(const hd_pool_t *P, uint64_t key)
{
    for (uint32_t i = chunk_home(P, key);; i = (i + 1) & P->chunk_mask) {
        const chunk_slot_t *e = &P->chunks[i];
        if (e->key == key)
            return e;
        if (e->key == 0)
            return NULL;
    }
}

/* Pool headers (see top). The table of the arena whose first pool is at
 * `first` starts at first - HDR_PAGE; pool k's header is slot k. */

static inline pool_header_t *hdr_table(const uint8_t *first_pool)
{
    return (pool_header_t *)(uintptr_t)(first_pool - HDR_PAGE);
}

/* hdr_bias: what, added to (p >> 14) << 6, gives the header of the pool
 * holding p, for any p in the arena whose first pool is `first`. */
static inline uintptr_t hdr_bias(const uint8_t *first_pool)
{
    return (uintptr_t)hdr_table(first_pool) - (((uintptr_t)first_pool >> POOL_BITS) << HDR_SHIFT);
}

/* hdr_at: the header of the pool at `mem` (16 KiB aligned) in arena ao. */
static inline pool_header_t *hdr_at(const arena_t *ao, const uint8_t *mem)
{
    size_t k = (size_t)(mem - ao->first_pool) >> POOL_BITS;
    return (pool_header_t *)((uint8_t *)hdr_table(ao->first_pool) + k * HDR_SLOT);
}

/* pool_mem: the 16 KiB of the pool whose header is h. */
static inline uint8_t *pool_mem(const pool_header_t *h)
{
    uintptr_t a = (uintptr_t)h;
    uintptr_t first = (a & ~(uintptr_t)(HDR_PAGE - 1)) + HDR_PAGE;
    return (uint8_t *)(first + ((a & (HDR_PAGE - 1)) >> HDR_SHIFT) * HD_POOL_SIZE);
}

/* hdr_is_slot: whether h, computed from an address of an arena's mapping,
 * is one of its 63 slots (an address in the alignment slack gives none). */
static inline int hdr_is_slot(const pool_header_t *h)
{
    return ((uintptr_t)h & (HDR_PAGE - 1)) < HDR_TABLE;
}

/* in_arena: whether p lies inside an allocated arena's mapping. O(1). */
static inline int in_arena(const hd_pool_t *P, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    const chunk_slot_t *e = chunk_find(P, (uint64_t)(a >> CHUNK_BITS) + 1);
    if (e == NULL)
        return 0;
    uint32_t off = (uint32_t)(a & CHUNK_MASK);
    return off < e->lo_end || off >= e->hi_start;
}

/* pool_in_chunk: pool_of's second half, for an address of the chunk whose
 * map entry is e (hd_pool_block_free_small2 looks one entry up for two). */
static inline pool_header_t *pool_in_chunk(const chunk_slot_t *e, uintptr_t a)
{
    uint32_t off = (uint32_t)(a & CHUNK_MASK);
    uintptr_t bias;
    if (off < e->lo_end)
        bias = e->lo_bias;
    else if (off >= e->hi_start)
        bias = e->hi_bias;
    else
        return NULL;
    return (pool_header_t *)(bias + ((a >> POOL_BITS) << HDR_SHIFT));
}

/* pool_of: the header slot for p's address, or NULL when p is in no
 * arena's mapping. For p in a carved pool (a live block, say) it is that
 * pool's header; otherwise see hdr_is_slot. Reads only the chunk map. */
static inline pool_header_t *pool_of(const hd_pool_t *P, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    const chunk_slot_t *e = chunk_find(P, (uint64_t)(a >> CHUNK_BITS) + 1);
    if (e == NULL)
        return NULL;
    return pool_in_chunk(e, a);
}

/* chunk_slot_for: the entry of `key`, created empty if missing (the map is
 * never more than a quarter full, so there is always room). */
static chunk_slot_t *chunk_slot_for(hd_pool_t *P, uint64_t key)
{
    uint32_t i = chunk_home(P, key);
    while (P->chunks[i].key != key && P->chunks[i].key != 0)
        i = (i + 1) & P->chunk_mask;
    chunk_slot_t *e = &P->chunks[i];
    if (e->key == 0)
        *e = (chunk_slot_t){key, 0, CHUNK_SIZE, 0, 0};
    return e;
}

/* chunk_drop_if_unused: deletes an entry no arena covers any more, shifting
 * later entries of its probe run back (linear-probing deletion). */
static void chunk_drop_if_unused(hd_pool_t *P, chunk_slot_t *e)
{
    if (e->lo_end != 0 || e->hi_start != CHUNK_SIZE)
        return;
    uint32_t i = (uint32_t)(e - P->chunks), j = i;
    for (;;) {
        j = (j + 1) & P->chunk_mask;
        if (P->chunks[j].key == 0)
            break;
        uint32_t k = chunk_home(P, P->chunks[j].key);
        int stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            P->chunks[i] = P->chunks[j];
            i = j;
        }
    }
    P->chunks[i].key = 0;
}

/* first_pool_of: where the pools of an arena mapped at `base` begin. */
static inline uint8_t *first_pool_of(const uint8_t *base)
{
    return (uint8_t *)(((uintptr_t)base & ~POOL_MASK) + HD_POOL_SIZE);
}

/* chunk_map_arena: records (on) or forgets (off) the mapping of one arena. */
static void chunk_map_arena(hd_pool_t *P, const uint8_t *base, int on)
{
    uint64_t key = (uint64_t)((uintptr_t)base >> CHUNK_BITS) + 1;
    uint32_t off = (uint32_t)((uintptr_t)base & CHUNK_MASK);
    uintptr_t bias = on ? hdr_bias(first_pool_of(base)) : 0;
    chunk_slot_t *e = chunk_slot_for(P, key);
    e->hi_start = on ? off : CHUNK_SIZE;
    e->hi_bias = bias;
    chunk_drop_if_unused(P, e);
    if (off != 0) { /* the arena runs into the next chunk */
        e = chunk_slot_for(P, key + 1);
        e->lo_end = on ? off : 0;
        e->lo_bias = bias;
        chunk_drop_if_unused(P, e);
    }
}

/* arena_containing: the allocated arena whose carved pools hold p, or NULL.
 * Safe for any p: it reads a pool header only where the chunk map says there
 * is mapped arena memory. */
static const arena_t *arena_containing(const hd_pool_t *P, const uint8_t *p)
{
    const pool_header_t *pool = pool_of(P, p);
    if (pool == NULL || !hdr_is_slot(pool) || pool->arenaindex >= P->maxarenas)
        return NULL;
    const arena_t *ao = &P->arenas[pool->arenaindex];
    if (ao->address == NULL || p < ao->first_pool || p >= ao->pool_address)
        return NULL; /* alignment slack, an uncarved pool, or another arena */
    return ao;
}

/* locate: for p anywhere inside a live block, returns its arena (pool block)
 * or NULL with *slot and *start set (large block). For an interior pointer
 * into a large block it walks back 16 bytes at a time to the block start:
 * O(offset / 16); every byte it reads lies inside the block or its prefix. */
static const arena_t *locate(const hd_pool_t *P, const uint8_t *p, uint32_t *slot,
                             const uint8_t **start)
{
    *slot = 0;
    *start = NULL;
    const pool_header_t *pool = pool_of(P, p);
    if (pool != NULL)
        return &P->arenas[pool->arenaindex];
    const uint8_t *q = (const uint8_t *)((uintptr_t)p & ~(uintptr_t)15);
    while (!large_slot_of(P, q, slot))
        q -= 16;
    *start = q;
    return NULL;
}

/* ======================================================================== */
/* Arenas                                                                   */
/* ======================================================================== */

/* grow_chunk_map: rehashes the chunk map into `n` entries (a power of two).
 * On failure the old map stays. */
static int grow_chunk_map(hd_pool_t *P, uint32_t n)
{
    chunk_slot_t *old = P->chunks;
    uint32_t oldn = P->chunk_mask + 1;
    chunk_slot_t *t = hd_mem_calloc(P->mem, n, sizeof(*t));
    if (t == NULL)
        return HD_ENOMEM;
    P->chunks = t;
    P->chunk_mask = n - 1;
    for (uint32_t i = 0; i < oldn; i++) {
        if (old[i].key == 0)
            continue;
        chunk_slot_t *e = chunk_slot_for(P, old[i].key);
        *e = old[i];
    }
    if (old != &P->chunk_none)
        hd_mem_free(P->mem, old);
    return 0;
}

/* grow_arena_table: doubles the arena table (16 at first) and puts the new
 * objects on unused_arenas, lowest slot first. Only called when no arena is
 * usable, so no list pointer into the old table survives (as in CPython). */
static int grow_arena_table(hd_pool_t *P)
{
    uint32_t old = P->maxarenas;
    uint32_t n = old ? old * 2 : INITIAL_ARENAS;
    if (n > MAX_ARENAS)
        return HD_ENOMEM;
    assert(P->usable_arenas == NULL && P->unused_arenas == NULL);
    if (grow_chunk_map(P, 8 * n) != 0)
        return HD_ENOMEM;
    arena_t *t = hd_mem_realloc(P->mem, P->arenas, n * sizeof(*t));
    if (t == NULL)
        return HD_ENOMEM;
    for (uint32_t i = 0; i < old; i++)
        t[i].nextarena = t[i].prevarena = NULL; /* stale links of full arenas */
    memset(&t[old], 0, (n - old) * sizeof(*t));
    for (uint32_t i = old; i + 1 < n; i++)
        t[i].nextarena = &t[i + 1];
    P->arenas = t;
    P->maxarenas = n;
    P->unused_arenas = &t[old];
    return 0;
}

/* new_arena: maps a fresh arena. Returns it (on no list) or NULL, having
 * changed nothing but perhaps the size of the arena table. */
static arena_t *new_arena(hd_pool_t *P)
{
    if (P->unused_arenas == NULL && grow_arena_table(P) != 0)
        return NULL;
    uint8_t *base = hd_mem_arena_alloc(P->mem, HD_ARENA_SIZE);
    if (base == NULL)
        return NULL;
    assert(((uintptr_t)base & (HDR_PAGE - 1)) == 0); /* room for the header table */
    arena_t *ao = P->unused_arenas;
    P->unused_arenas = ao->nextarena;
    ao->address = base;
    ao->first_pool = first_pool_of(base);
    ao->pool_address = ao->first_pool;
    ao->nfreepools = ao->ntotalpools = HD_ARENA_NPOOLS;
    ao->freepools = NULL;
    ao->nextarena = ao->prevarena = NULL;
    chunk_map_arena(P, base, 1);
    P->narenas++;
    P->arenas_allocated_total++;
    if (P->narenas > P->arenas_highwater)
        P->arenas_highwater = P->narenas;
    return ao;
}

/* release_arena: returns a wholly free arena (already off usable_arenas) to
 * the system and its object to unused_arenas. */
static void release_arena(hd_pool_t *P, arena_t *ao)
{
    chunk_map_arena(P, ao->address, 0);
    hd_mem_arena_free(P->mem, ao->address, HD_ARENA_SIZE);
    ao->address = NULL;
    ao->first_pool = ao->pool_address = NULL;
    ao->freepools = NULL;
    ao->prevarena = NULL;
    ao->nextarena = P->unused_arenas;
    P->unused_arenas = ao;
    P->narenas--;
}

/* unlink_usable: takes ao out of usable_arenas (nfp2lasta is the caller's). */
static void unlink_usable(hd_pool_t *P, arena_t *ao)
{
    if (ao->prevarena == NULL)
        P->usable_arenas = ao->nextarena;
    else
        ao->prevarena->nextarena = ao->nextarena;
    if (ao->nextarena != NULL)
        ao->nextarena->prevarena = ao->prevarena;
}

/* arena_gained_pool: the bookkeeping of section 1.5 after one of ao's pools
 * became empty and was pushed on its freepools. The four cases: release the
 * arena when wholly free and not the last usable one; put it at the head when
 * it was full; move it right past the arenas with its old count; or nothing. */
static void arena_gained_pool(hd_pool_t *P, arena_t *ao)
{
    unsigned int nf = ao->nfreepools;
    arena_t *lastnf = P->nfp2lasta[nf];
    if (lastnf == ao) { /* it was the right-most with nf */
        arena_t *prev = ao->prevarena;
        P->nfp2lasta[nf] = (prev != NULL && prev->nfreepools == nf) ? prev : NULL;
    }
    ao->nfreepools = ++nf;

    if (nf == ao->ntotalpools && ao->nextarena != NULL) { /* case 1 */
        unlink_usable(P, ao);
        release_arena(P, ao);
        return;
    }
    if (nf == 1) { /* case 2: it was full, so on no list */
        ao->nextarena = P->usable_arenas;
        ao->prevarena = NULL;
        if (P->usable_arenas)
            P->usable_arenas->prevarena = ao;
        P->usable_arenas = ao;
        if (P->nfp2lasta[1] == NULL)
            P->nfp2lasta[1] = ao;
        return;
    }
    if (P->nfp2lasta[nf] == NULL)
        P->nfp2lasta[nf] = ao;
    if (ao == lastnf) /* case 4: still in order */
        return;
    /* case 3: slide it right, just after the right-most arena with nf - 1 */
    assert(lastnf != NULL && ao->nextarena != NULL);
    unlink_usable(P, ao);
    ao->prevarena = lastnf;
    ao->nextarena = lastnf->nextarena;
    if (ao->nextarena != NULL)
        ao->nextarena->prevarena = ao;
    lastnf->nextarena = ao;
}

/* ======================================================================== */
/* Pools                                                                    */
/* ======================================================================== */

/* take_pool: a pool from the head of usable_arenas (a new arena when there is
 * none): its cached free pool or a newly carved one. NULL on failure. */
static pool_header_t *take_pool(hd_pool_t *P)
{
    arena_t *ao = P->usable_arenas;
    if (UNLIKELY(ao == NULL)) {
        ao = new_arena(P);
        if (ao == NULL)
            return NULL;
        P->usable_arenas = ao;
        assert(P->nfp2lasta[ao->nfreepools] == NULL);
        P->nfp2lasta[ao->nfreepools] = ao;
    }
    /* The head has the fewest free pools, so taking one keeps the order;
     * only the finger array moves, and a full arena leaves the list. */
    if (P->nfp2lasta[ao->nfreepools] == ao)
        P->nfp2lasta[ao->nfreepools] = NULL;
    if (ao->nfreepools > 1)
        P->nfp2lasta[ao->nfreepools - 1] = ao;

    pool_header_t *pool = ao->freepools;
    if (pool != NULL) {
        ao->freepools = pool->nextpool;
    } else {
        pool = hdr_at(ao, ao->pool_address);
        pool->arenaindex = (unsigned int)(ao - P->arenas);
        pool->szidx = DUMMY_SZIDX;
        ao->pool_address += HD_POOL_SIZE;
    }
    if (--ao->nfreepools == 0) {
        P->usable_arenas = ao->nextarena;
        if (P->usable_arenas != NULL)
            P->usable_arenas->prevarena = NULL;
        ao->nextarena = ao->prevarena = NULL;
    }
    return pool;
}

/* alloc_from_new_pool: the slow path of small_alloc when usedpools[idx] is
 * empty. Returns the first block of a pool linked as the class's only used
 * pool, or NULL (HD_ENOMEM, nothing changed). */
static uint8_t *alloc_from_new_pool(hd_pool_t *P, unsigned int idx)
{
    pool_header_t *pool = take_pool(P);
    if (pool == NULL)
        return NULL;
    pool_header_t *head = &P->usedpools[idx].h;
    pool->nextpool = pool->prevpool = head;
    head->nextpool = head->prevpool = pool;
    pool->ref.count = 1;
    uint8_t *bp;
    if (pool->szidx == idx) { /* it held this class before: free list intact */
        bp = pool->freeblock;
        pool->freeblock = *(uint8_t **)bp;
        return bp;
    }
    size_t size = INDEX2SIZE(idx);
    pool->szidx = idx;
    pool->nextoffset = (unsigned int)(HD_POOL_OVERHEAD + 2 * size);
    pool->maxnextoffset = (unsigned int)(HD_POOL_SIZE - size);
    bp = pool_mem(pool) + HD_POOL_OVERHEAD;
    pool->freeblock = bp + size;
    *(uint8_t **)pool->freeblock = NULL;
    return bp;
}

/* pool_extend: the free list ran dry: carve the next virgin block, or, when
 * there is none, the pool is full and leaves its class list. */
static inline void pool_extend(pool_header_t *pool, size_t size)
{
    if (pool->nextoffset <= pool->maxnextoffset) {
        pool->freeblock = pool_mem(pool) + pool->nextoffset;
        pool->nextoffset += (unsigned int)size;
        *(uint8_t **)pool->freeblock = NULL;
        return;
    }
    pool_header_t *next = pool->nextpool, *prev = pool->prevpool;
    next->prevpool = prev;
    prev->nextpool = next;
}

/* small_alloc: a block of class idx, or NULL (HD_ENOMEM). No cap check. */
static inline uint8_t *small_alloc(hd_pool_t *P, unsigned int idx)
{
    pool_header_t *head = &P->usedpools[idx].h;
    pool_header_t *pool = head->nextpool;
    uint8_t *bp;
    if (LIKELY(pool != head)) {
        pool->ref.count++;
        bp = pool->freeblock;
        if (UNLIKELY((pool->freeblock = *(uint8_t **)bp) == NULL))
            pool_extend(pool, INDEX2SIZE(idx));
    } else {
        bp = alloc_from_new_pool(P, idx);
        if (bp == NULL)
            return NULL;
    }
    P->headroom -= (int64_t)INDEX2SIZE(idx);
    return bp;
}

/* pool_emptied: the pool's last block was freed: unlink it from its class
 * list, push it on its arena's freepools and re-sort the arena. */
static __attribute__((noinline)) void pool_emptied(hd_pool_t *P, pool_header_t *pool)
{
    pool_header_t *next = pool->nextpool, *prev = pool->prevpool;
    next->prevpool = prev;
    prev->nextpool = next;
    arena_t *ao = &P->arenas[pool->arenaindex];
    pool->nextpool = ao->freepools;
    pool->prevpool = NULL;
    ao->freepools = pool;
    arena_gained_pool(P, ao);
}

/* pool_to_front: a pool that was full takes a freed block: it goes to the
 * front of its class list */
static inline void pool_to_front(hd_pool_t *P, pool_header_t *pool)
{
    pool_header_t *head = &P->usedpools[pool->szidx].h;
    pool_header_t *first = head->nextpool;
    pool->nextpool = first;
    pool->prevpool = head;
    first->prevpool = pool;
    head->nextpool = pool;
}

/* small_free: returns a pool block; a full pool goes to the front of its
 * class list, an emptied one to its arena. */
static inline void small_free(hd_pool_t *P, pool_header_t *pool, uint8_t *p)
{
    uint8_t *lastfree = pool->freeblock;
    *(uint8_t **)p = lastfree;
    pool->freeblock = p;
    pool->ref.count--;
    P->headroom += (int64_t)INDEX2SIZE(pool->szidx);
    if (lastfree == NULL) { /* it was full: common in steady churn, so no hint */
        pool_to_front(P, pool);
        return;
    }
    if (LIKELY(pool->ref.count != 0))
        return;
    pool_emptied(P, pool);
}

/* small_free_push and small_free_rest: small_free in two halves, for
 * hd_pool_block_free_small2 (which counts the bytes itself): the first
 * links the block and returns nonzero when the second is due (the pool was
 * full, or is now empty); the second, out of line, keeps the registers it
 * needs off the common path. */
static inline int small_free_push(pool_header_t *pool, uint8_t *p)
{
    uint8_t *lastfree = pool->freeblock;
    *(uint8_t **)p = lastfree;
    pool->freeblock = p;
    unsigned int count = --pool->ref.count;
    return lastfree == NULL || count == 0;
}

static __attribute__((noinline)) void small_free_rest(hd_pool_t *P, pool_header_t *pool, uint8_t *p)
{
    if (*(uint8_t **)p == NULL) { /* the link small_free_push stored */
        pool_to_front(P, pool);
        return;
    }
    pool_emptied(P, pool);
}

/* ======================================================================== */
/* Large blocks                                                             */
/* ======================================================================== */

/* cap_allows: whether `add` more bytes stay within the byte cap. */
static inline int cap_allows(const hd_pool_t *P, uint64_t add)
{
    return P->headroom >= 0 && add <= (uint64_t)P->headroom;
}

/* reserve_slot: makes sure a free slot exists, growing the table if needed. */
static int reserve_slot(hd_pool_t *P)
{
    if (P->slot_free != SLOT_NONE || P->nslots < P->slots_cap)
        return 0;
    uint32_t n = P->slots_cap ? P->slots_cap * 2 : INITIAL_LARGE_SLOTS;
    if (n > MAX_LARGE_SLOTS)
        return HD_ENOMEM;
    large_slot_t *s = hd_mem_realloc(P->mem, P->slots, n * sizeof(*s));
    if (s == NULL)
        return HD_ENOMEM;
    P->slots = s;
    P->slots_cap = n;
    return 0;
}

static uint64_t next_large_sim(hd_pool_t *P, size_t len)
{
    uint64_t sim = P->large_sim_next + LARGE_PREFIX; /* as if after a malloc chunk header */
    P->large_sim_next += LARGE_PREFIX + (((uint64_t)len + 15) & ~(uint64_t)15);
    return sim;
}

/* large_alloc: a block from the system allocator. No cap check. */
static int large_alloc(hd_pool_t *P, size_t len, void **out)
{
    if (len > LARGE_MAX || reserve_slot(P) != 0)
        return HD_ENOMEM;
    uint8_t *raw = hd_mem_malloc(P->mem, len + LARGE_PREFIX);
    if (raw == NULL)
        return HD_ENOMEM;
    uint32_t slot = P->slot_free;
    if (slot != SLOT_NONE)
        P->slot_free = (uint32_t)P->slots[slot].len;
    else
        slot = P->nslots++;
    assert(((uintptr_t)raw & 15) == 0); /* locate() walks large blocks in 16-byte steps */
    large_prefix_t pre = {next_large_sim(P, len), slot};
    memcpy(raw, &pre, sizeof(pre));
    P->slots[slot].block = raw + LARGE_PREFIX;
    P->slots[slot].len = len;
    P->large_count++;
    P->large_bytes += len;
    P->headroom -= (int64_t)len;
    *out = raw + LARGE_PREFIX;
    return 0;
}

static void large_free(hd_pool_t *P, uint8_t *p, uint32_t slot)
{
    uint64_t len = P->slots[slot].len;
    P->slots[slot].block = NULL;
    P->slots[slot].len = P->slot_free;
    P->slot_free = slot;
    P->large_count--;
    P->large_bytes -= len;
    P->headroom += (int64_t)len;
    hd_mem_free(P->mem, p - LARGE_PREFIX);
}

/* large_realloc: resizes in the system allocator; the block stays large. A
 * block that grows gets a fresh simulated address, one that shrinks keeps
 * its own (deterministic, whatever realloc does with the real one). */
static int large_realloc(hd_pool_t *P, uint8_t *p, uint32_t slot, size_t len, void **out)
{
    uint64_t old = P->slots[slot].len;
    if (len > LARGE_MAX)
        return HD_ENOMEM;
    if (len > old && !cap_allows(P, len - old))
        return HD_ELIMIT;
    uint8_t *raw = hd_mem_realloc(P->mem, p - LARGE_PREFIX, len + LARGE_PREFIX);
    if (raw == NULL)
        return HD_ENOMEM;
    if (len > old) {
        uint64_t sim = next_large_sim(P, len);
        memcpy(raw, &sim, sizeof(sim));
    }
    P->slots[slot].block = raw + LARGE_PREFIX;
    P->slots[slot].len = len;
    P->large_bytes = P->large_bytes - old + len;
    P->headroom = P->headroom + (int64_t)old - (int64_t)len;
    *out = raw + LARGE_PREFIX;
    return 0;
}

/* ======================================================================== */
/* Public calls                                                             */
/* ======================================================================== */

int hd_pool_new(hd_mem_t *mem, hd_pool_t **out)
{
    hd_pool_t *P = hd_mem_calloc(mem, 1, sizeof(*P));
    if (P == NULL)
        return HD_ENOMEM;
    for (unsigned int i = 0; i < HD_POOL_NCLASSES; i++)
        P->usedpools[i].h.nextpool = P->usedpools[i].h.prevpool = &P->usedpools[i].h;
    P->limit = P->headroom = INT64_MAX;
    P->chunk_none.hi_start = CHUNK_SIZE;
    P->chunks = &P->chunk_none;
    P->chunk_mask = 0;
    P->slot_free = SLOT_NONE;
    P->large_sim_next = SIM_LARGE_BASE;
    P->mem = mem;
    *out = P;
    return 0;
}

void hd_pool_free(hd_pool_t *P)
{
    if (P == NULL)
        return;
    for (uint32_t s = 0; s < P->nslots; s++)
        if (P->slots[s].block != NULL)
            hd_mem_free(P->mem, P->slots[s].block - LARGE_PREFIX);
    for (uint32_t i = 0; i < P->maxarenas; i++)
        if (P->arenas[i].address != NULL)
            hd_mem_arena_free(P->mem, P->arenas[i].address, HD_ARENA_SIZE);
    hd_mem_free(P->mem, P->slots);
    hd_mem_free(P->mem, P->arenas);
    if (P->chunks != &P->chunk_none)
        hd_mem_free(P->mem, P->chunks);
    hd_mem_free(P->mem, P);
}

void hd_pool_set_limit(hd_pool_t *P, uint64_t max_bytes)
{
    int64_t used = P->limit - P->headroom;
    P->limit = (max_bytes == 0 || max_bytes > INT64_MAX) ? INT64_MAX : (int64_t)max_bytes;
    P->headroom = P->limit - used;
}

/* alloc_slow: the cases hd_pool_block_alloc leaves out: no used pool for
 * the class (a new pool, perhaps a new arena), the cap, large blocks. */
static __attribute__((noinline)) int alloc_slow(hd_pool_t *P, size_t len, void **out)
{
    if (len - 1 < HD_POOL_SMALL_MAX) {
        unsigned int idx = SIZE2INDEX(len);
        if (P->headroom < (int64_t)INDEX2SIZE(idx))
            return HD_ELIMIT;
        uint8_t *bp = small_alloc(P, idx);
        if (bp == NULL)
            return HD_ENOMEM;
        *out = bp;
        return 0;
    }
    if (len > LARGE_MAX)
        return HD_ENOMEM;
    if (!cap_allows(P, len))
        return HD_ELIMIT;
    return large_alloc(P, len, out);
}

/* The fast path is leaf code (no call, so no saved registers) and covers
 * every allocation from a used pool, including the common steady-state case
 * where the block taken is the pool's last (the pool then leaves its list).
 * Anything else is a tail call to alloc_slow, from the untouched state. */
int hd_pool_block_alloc(hd_pool_t *P, size_t len, void **out)
{
    if (LIKELY(len - 1 < HD_POOL_SMALL_MAX)) {
        unsigned int idx = SIZE2INDEX(len);
        size_t size = INDEX2SIZE(idx);
        pool_header_t *head = &P->usedpools[idx].h;
        pool_header_t *pool = head->nextpool;
        if (LIKELY(pool != head && P->headroom >= (int64_t)size)) {
            uint8_t *bp = pool->freeblock;
            uint8_t *next = *(uint8_t **)bp;
            pool->ref.count++;
            P->headroom -= (int64_t)size;
            pool->freeblock = next;
            if (next == NULL) /* carve, or the pool is now full: no hint, see small_free */
                pool_extend(pool, size);
            else /* the next allocation of this class reads its link: fetch it now */
                __builtin_prefetch(next, 1);
            *out = bp;
            return 0;
        }
    }
    return alloc_slow(P, len, out);
}

/* free_slow: a large block or NULL. */
static __attribute__((noinline)) void free_slow(hd_pool_t *P, void *p)
{
    uint32_t slot;
    if (p == NULL)
        return;
    int large = large_slot_of(P, p, &slot);
    assert(large); /* else p was not a live block */
    if (large)
        large_free(P, p, slot);
}

/* The fast path never loads from the block itself (the link is a store),
 * which is what makes freeing a cold block cheap: CPython's radix tree does
 * the same. Only an emptied pool calls out (pool_emptied). */
void hd_pool_block_free(hd_pool_t *P, void *p)
{
    pool_header_t *pool = pool_of(P, p); /* NULL is in no arena */
    if (LIKELY(pool != NULL))
        small_free(P, pool, p);
    else
        free_slow(P, p);
}

void hd_pool_block_free_small(hd_pool_t *P, void *p)
{
    pool_header_t *pool = pool_of(P, p);
    assert(pool != NULL);
    small_free(P, pool, p);
}

/* small_free_rest_then: hd_pool_block_free_small2 after its first push
 * found the first pool full or empty: the rest of that free, then the
 * second. */
static __attribute__((noinline)) void small_free_rest_then(hd_pool_t *P, pool_header_t *pool1,
                                                           uint8_t *p1, pool_header_t *pool2,
                                                           uint8_t *p2)
{
    small_free_rest(P, pool1, p1);
    if (small_free_push(pool2, p2))
        small_free_rest(P, pool2, p2);
}

/* Both headers are found before either block is freed: freeing the first may
 * empty its pool and give its arena back (which edits the chunk map), never
 * the arena of the second, still live, block. */
void hd_pool_block_free_small2(hd_pool_t *P, void *p1, void *p2)
{
    uintptr_t a1 = (uintptr_t)p1, a2 = (uintptr_t)p2;
    pool_header_t *pool1, *pool2;
    if (LIKELY(((a1 ^ a2) >> CHUNK_BITS) == 0)) { /* the same chunk */
        const chunk_slot_t *e = chunk_find(P, (uint64_t)(a1 >> CHUNK_BITS) + 1);
        assert(e != NULL);
        pool1 = pool_in_chunk(e, a1);
        pool2 = pool_in_chunk(e, a2);
    } else {
        pool1 = pool_of(P, p1);
        pool2 = pool_of(P, p2);
    }
    assert(pool1 != NULL && pool2 != NULL);
    /* both sizes first: the first free may unmap its pool's header */
    P->headroom += (int64_t)(INDEX2SIZE(pool1->szidx) + INDEX2SIZE(pool2->szidx));
    /* the slow paths are tail calls: the common one saves no register */
    if (UNLIKELY(small_free_push(pool1, p1))) {
        small_free_rest_then(P, pool1, p1, pool2, p2);
        return;
    }
    if (UNLIKELY(small_free_push(pool2, p2)))
        small_free_rest(P, pool2, p2);
}

/* The cap is checked against the net change (the new block's bytes minus the
 * old one's), so a realloc that shrinks never fails on the cap. */
int hd_pool_block_realloc(hd_pool_t *P, void *p, size_t len, void **out)
{
    uint32_t slot;
    if (p == NULL)
        return hd_pool_block_alloc(P, len, out);
    pool_header_t *pool = pool_of(P, p);
    if (pool == NULL) {
        int large = large_slot_of(P, p, &slot);
        assert(large); /* else p was not a live block */
        return large ? large_realloc(P, p, slot, len, out) : HD_EINVAL;
    }

    if (len > LARGE_MAX)
        return HD_ENOMEM;
    size_t size = INDEX2SIZE(pool->szidx);
    size_t ncopy = size;
    if (len <= size) {
        if (4 * len > 3 * size) { /* same, or shrinking by less than a quarter */
            *out = p;
            return 0;
        }
        ncopy = len;
    }
    size_t newsize = hd_pool_class_size(len) ? hd_pool_class_size(len) : len;
    if (newsize > size && !cap_allows(P, newsize - size))
        return HD_ELIMIT;
    void *np;
    if (hd_pool_class_size(len)) {
        np = small_alloc(P, SIZE2INDEX(len));
        if (np == NULL)
            return HD_ENOMEM;
    } else {
        int rc = large_alloc(P, len, &np);
        if (rc != 0)
            return rc;
    }
    memcpy(np, p, ncopy);
    small_free(P, pool, p);
    *out = np;
    return 0;
}

int hd_pool_block_is_large(const hd_pool_t *P, const void *p)
{
    return !in_arena(P, p);
}

size_t hd_pool_block_size(const hd_pool_t *P, const void *p)
{
    uint32_t slot;
    const pool_header_t *pool = pool_of(P, p);
    if (pool != NULL)
        return INDEX2SIZE(pool->szidx);
    return large_slot_of(P, p, &slot) ? (size_t)P->slots[slot].len : 0;
}

uint64_t hd_pool_addr(const hd_pool_t *P, const void *p)
{
    uint32_t slot;
    const uint8_t *start;
    const arena_t *ao = locate(P, p, &slot, &start);
    if (ao != NULL)
        return sim_first_pool((uint32_t)(ao - P->arenas)) +
               (uint64_t)((const uint8_t *)p - ao->first_pool);
    large_prefix_t pre;
    memcpy(&pre, start - LARGE_PREFIX, sizeof(pre));
    return pre.sim + (uint64_t)((const uint8_t *)p - start);
}

uint32_t hd_pool_handle(const hd_pool_t *P, const void *p)
{
    uint32_t slot;
    const uint8_t *start;
    const arena_t *ao = locate(P, p, &slot, &start);
    if (ao != NULL) {
        uint32_t off = (uint32_t)((const uint8_t *)p - ao->first_pool);
        assert((off & 15) == 0);
        return (((uint32_t)(ao - P->arenas) << HANDLE_POOL_SHIFT) | (off >> 4)) + 1;
    }
    uint32_t off16 = (uint32_t)(((const uint8_t *)p - start) >> 4);
    assert(((const uint8_t *)p - start) % 16 == 0 && off16 <= HANDLE_OFF_MAX);
    if (off16 > HANDLE_OFF_MAX)
        return 0;
    return HANDLE_LARGE | (off16 << HANDLE_OFF_SHIFT) | slot;
}

void *hd_pool_deref(const hd_pool_t *P, uint32_t handle)
{
    if (handle & HANDLE_LARGE) {
        uint32_t slot = handle & HANDLE_SLOT_MASK;
        if (slot >= P->nslots || P->slots[slot].block == NULL)
            return NULL;
        return P->slots[slot].block + 16 * ((handle >> HANDLE_OFF_SHIFT) & HANDLE_OFF_MAX);
    }
    if (handle == 0)
        return NULL;
    handle--;
    uint32_t idx = handle >> HANDLE_POOL_SHIFT;
    size_t off = (size_t)(handle & 0xffffu) << 4;
    if (idx >= P->maxarenas || P->arenas[idx].address == NULL || off >= POOL_REGION)
        return NULL;
    return P->arenas[idx].first_pool + off;
}

/* ======================================================================== */
/* Statistics                                                               */
/* ======================================================================== */

uint64_t hd_pool_bytes_used(const hd_pool_t *P)
{
    return (uint64_t)(P->limit - P->headroom);
}

void hd_pool_stats(const hd_pool_t *P, hd_pool_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned int i = 0; i < HD_POOL_NCLASSES; i++)
        out->classes[i].size = (uint32_t)INDEX2SIZE(i);
    for (uint32_t a = 0; a < P->maxarenas; a++) {
        const arena_t *ao = &P->arenas[a];
        if (ao->address == NULL)
            continue;
        out->pools_unused += ao->nfreepools;
        out->bytes_arena_alignment += HD_POOL_SIZE;
        for (const uint8_t *b = ao->first_pool; b < ao->pool_address; b += HD_POOL_SIZE) {
            const pool_header_t *pool = hdr_at(ao, b);
            if (pool->ref.count == 0)
                continue;
            hd_pool_class_stats_t *c = &out->classes[pool->szidx];
            c->pools++;
            c->blocks_used += pool->ref.count;
            c->blocks_free += CAPACITY(pool->szidx) - pool->ref.count;
        }
    }
    for (unsigned int i = 0; i < HD_POOL_NCLASSES; i++) {
        const hd_pool_class_stats_t *c = &out->classes[i];
        out->pools_used += c->pools;
        out->bytes_in_used_blocks += c->blocks_used * c->size;
        out->bytes_in_free_blocks += c->blocks_free * c->size;
        out->bytes_pool_headers += (uint64_t)c->pools * HD_POOL_OVERHEAD;
        out->bytes_quantization +=
            (uint64_t)c->pools * ((HD_POOL_SIZE - HD_POOL_OVERHEAD) % c->size);
    }
    out->arenas_allocated_total = P->arenas_allocated_total;
    out->arenas_current = P->narenas;
    out->arenas_reclaimed = P->arenas_allocated_total - P->narenas;
    out->arenas_highwater = P->arenas_highwater;
    out->large_count = P->large_count;
    out->large_bytes = P->large_bytes;
    out->inspector_bytes = hd_pool_inspector_bytes(P);
}

uint64_t hd_pool_inspector_bytes(const hd_pool_t *P)
{
    return sizeof(*P) + (uint64_t)P->maxarenas * sizeof(arena_t) +
           (P->chunks != &P->chunk_none ? (uint64_t)(P->chunk_mask + 1) * sizeof(chunk_slot_t)
                                        : 0) +
           (uint64_t)P->slots_cap * sizeof(large_slot_t) + P->large_count * LARGE_PREFIX;
}

/* outbuf: snprintf-style accumulation; `need` keeps counting past `len`. */
typedef struct outbuf {
    char *buf; /* borrowed from the caller of hd_pool_dump */
    size_t len;
    size_t need;
} outbuf_t;

__attribute__((format(printf, 2, 3))) static void out_printf(outbuf_t *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = o->need < o->len ? vsnprintf(o->buf + o->need, o->len - o->need, fmt, ap)
                             : vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->need += (size_t)n;
}

/* print_one: CPython's printone(): the label padded to 35 columns, '=', then
 * the value with thousands separators right-aligned in 21 columns. */
static void print_one(outbuf_t *o, const char *label, uint64_t value)
{
    char rev[32], num[32];
    int n = 0, k = 0;
    do {
        if (k == 3) {
            rev[n++] = ',';
            k = 0;
        }
        rev[n++] = (char)('0' + value % 10);
        value /= 10;
        k++;
    } while (value != 0);
    for (int i = 0; i < n; i++)
        num[i] = rev[n - 1 - i];
    num[n] = '\0';
    out_printf(o, "%-35s=%21s\n", label, num);
}

size_t hd_pool_dump(const hd_pool_t *P, char *buf, size_t len)
{
    hd_pool_stats_t st;
    outbuf_t o = {buf, len, 0};
    char label[64];
    hd_pool_stats(P, &st);
    if (len > 0)
        buf[0] = '\0';
    out_printf(&o, "Small block threshold = %d, in %d size classes.\n\n", HD_POOL_SMALL_MAX,
               HD_POOL_NCLASSES);
    out_printf(&o, "class   size   num pools   blocks in use  avail blocks\n"
                   "-----   ----   ---------   -------------  ------------\n");
    for (unsigned int i = 0; i < HD_POOL_NCLASSES; i++) {
        const hd_pool_class_stats_t *c = &st.classes[i];
        if (c->pools != 0)
            out_printf(&o, "%5u %6u %11u %15llu %13llu\n", i, c->size, c->pools,
                       (unsigned long long)c->blocks_used, (unsigned long long)c->blocks_free);
    }
    out_printf(&o, "\n");
    print_one(&o, "# arenas allocated total", st.arenas_allocated_total);
    print_one(&o, "# arenas reclaimed", st.arenas_reclaimed);
    print_one(&o, "# arenas highwater mark", st.arenas_highwater);
    print_one(&o, "# arenas allocated current", st.arenas_current);
    snprintf(label, sizeof(label), "%llu arenas * %d bytes/arena",
             (unsigned long long)st.arenas_current, HD_ARENA_SIZE);
    print_one(&o, label, st.arenas_current * HD_ARENA_SIZE);
    out_printf(&o, "\n");
    print_one(&o, "# bytes in allocated blocks", st.bytes_in_used_blocks);
    print_one(&o, "# bytes in available blocks", st.bytes_in_free_blocks);
    snprintf(label, sizeof(label), "%llu unused pools * %d bytes",
             (unsigned long long)st.pools_unused, HD_POOL_SIZE);
    print_one(&o, label, st.pools_unused * HD_POOL_SIZE);
    print_one(&o, "# bytes lost to pool headers", st.bytes_pool_headers);
    print_one(&o, "# bytes lost to quantization", st.bytes_quantization);
    print_one(&o, "# bytes lost to arena alignment", st.bytes_arena_alignment);
    print_one(&o, "Total",
              st.bytes_in_used_blocks + st.bytes_in_free_blocks + st.pools_unused * HD_POOL_SIZE +
                  st.bytes_pool_headers + st.bytes_quantization + st.bytes_arena_alignment);
    return o.need;
}

/* ======================================================================== */
/* The memory map                                                           */
/* ======================================================================== */

size_t hd_pool_arena_count(const hd_pool_t *P)
{
    return P->narenas;
}

int hd_pool_arena_map(const hd_pool_t *P, size_t i, hd_pool_arena_info_t *out)
{
    uint32_t a = 0;
    for (; a < P->maxarenas; a++) {
        if (P->arenas[a].address != NULL && i-- == 0)
            break;
    }
    if (a == P->maxarenas)
        return HD_EINVAL;
    const arena_t *ao = &P->arenas[a];
    memset(out, 0, sizeof(*out));
    out->index = a;
    out->base_addr = SIM_ARENA_BASE + (uint64_t)a * HD_ARENA_SIZE + SIM_ARENA_SKEW;
    out->nfreepools = ao->nfreepools;
    out->ntotalpools = ao->ntotalpools;
    size_t ncarved = (size_t)(ao->pool_address - ao->first_pool) / HD_POOL_SIZE;
    for (size_t k = 0; k < ncarved; k++) {
        const pool_header_t *pool = hdr_at(ao, ao->first_pool + k * HD_POOL_SIZE);
        hd_pool_cell_t *cell = &out->pools[k];
        unsigned int cap = pool->szidx < HD_POOL_NCLASSES ? CAPACITY(pool->szidx) : 0;
        cell->szidx = (uint8_t)(pool->szidx < HD_POOL_NCLASSES ? pool->szidx : 0);
        cell->used = (uint16_t)pool->ref.count;
        cell->capacity = (uint16_t)cap;
        if (pool->ref.count == 0)
            cell->state = HD_POOL_EMPTY;
        else
            cell->state = pool->ref.count == cap ? HD_POOL_FULL : HD_POOL_USED;
    }
    return 0;
}

/* ======================================================================== */
/* Validation                                                               */
/* ======================================================================== */

/* The checks read only; each returns a static reason or NULL. */

/* check_chunk_map: every arena is mapped, and nothing else is. */
static const char *check_chunk_map(const hd_pool_t *P)
{
    uint64_t expect = 0, records = 0;
    for (uint32_t i = 0; i < P->maxarenas; i++) {
        const uint8_t *base = P->arenas[i].address;
        if (base == NULL)
            continue;
        expect += ((uintptr_t)base & CHUNK_MASK) ? 2 : 1;
        if (!in_arena(P, base) || !in_arena(P, base + HD_ARENA_SIZE - 1))
            return "chunk map misses an arena";
        const uint8_t *first = P->arenas[i].first_pool;
        const uint8_t *last = first + POOL_REGION - 1;
        if (pool_of(P, first) != hdr_table(first) ||
            pool_of(P, last) != hdr_at(&P->arenas[i], last - (HD_POOL_SIZE - 1)))
            return "chunk map gives a wrong pool header";
    }
    for (uint32_t i = 0; i <= P->chunk_mask; i++) {
        const chunk_slot_t *e = &P->chunks[i];
        if (e->key == 0)
            continue;
        if (chunk_find(P, e->key) != e)
            return "chunk map entry unreachable or duplicated";
        uint64_t n = (e->lo_end != 0) + (e->hi_start != CHUNK_SIZE);
        if (n == 0 || e->lo_end >= CHUNK_SIZE || e->hi_start > CHUNK_SIZE)
            return "chunk map entry corrupt";
        records += n;
    }
    if (records != expect || (P->maxarenas && P->chunk_mask + 1 < 8 * P->maxarenas))
        return "chunk map holds stray or missing records";
    return NULL;
}

static const char *check_arena_table(const hd_pool_t *P)
{
    uint32_t live = 0, unused = 0;
    for (uint32_t i = 0; i < P->maxarenas; i++) {
        const arena_t *ao = &P->arenas[i];
        if (ao->address == NULL)
            continue;
        live++;
        if (ao->first_pool != first_pool_of(ao->address))
            return "arena first pool misplaced";
        if (ao->pool_address < ao->first_pool || ao->pool_address > ao->first_pool + POOL_REGION ||
            (size_t)(ao->pool_address - ao->first_pool) % HD_POOL_SIZE != 0)
            return "arena pool_address out of range";
        if (ao->ntotalpools != HD_ARENA_NPOOLS || ao->nfreepools > HD_ARENA_NPOOLS)
            return "arena pool counts out of range";
    }
    if (live != P->narenas)
        return "allocated arenas differ from narenas";
    for (const arena_t *ao = P->unused_arenas; ao != NULL; ao = ao->nextarena) {
        if (ao->address != NULL || ++unused > P->maxarenas)
            return "unused arena list corrupt";
    }
    if (unused + live != P->maxarenas)
        return "arena objects neither used nor on the unused list";
    if (P->arenas_allocated_total < P->narenas || P->arenas_highwater < P->narenas)
        return "arena counters inconsistent";
    return check_chunk_map(P);
}

static const char *check_usable_arenas(const hd_pool_t *P)
{
    uint32_t n = 0, with_free = 0, wholly_free = 0;
    const arena_t *prev = NULL;
    for (const arena_t *ao = P->usable_arenas; ao != NULL; prev = ao, ao = ao->nextarena) {
        if (++n > P->narenas)
            return "usable_arenas has a cycle";
        if (ao->address == NULL || ao->nfreepools == 0)
            return "usable_arenas holds an unusable arena";
        if (ao->prevarena != prev)
            return "usable_arenas back link wrong";
        if (prev != NULL && prev->nfreepools > ao->nfreepools)
            return "usable_arenas not sorted by nfreepools";
        if (ao->nfreepools == ao->ntotalpools && (++wholly_free > 1 || ao->nextarena != NULL))
            return "a wholly free arena that is not the last usable one";
        const arena_t *next = ao->nextarena;
        int rightmost = next == NULL || next->nfreepools != ao->nfreepools;
        if (rightmost != (P->nfp2lasta[ao->nfreepools] == ao))
            return "nfp2lasta disagrees with usable_arenas";
    }
    for (uint32_t i = 0; i < P->maxarenas; i++)
        if (P->arenas[i].address != NULL && P->arenas[i].nfreepools > 0)
            with_free++;
    if (with_free != n)
        return "an arena with free pools is not on usable_arenas";
    for (unsigned int k = 0; k <= HD_ARENA_NPOOLS; k++) {
        const arena_t *f = P->nfp2lasta[k];
        if (f != NULL && (f->address == NULL || f->nfreepools != k || k == 0))
            return "nfp2lasta names a wrong arena";
    }
    return NULL;
}

/* check_pool_blocks: free list of one carved pool against its counts. */
static const char *check_pool_blocks(const pool_header_t *pool)
{
    if (pool->szidx >= HD_POOL_NCLASSES)
        return "carved pool without a size class";
    size_t size = INDEX2SIZE(pool->szidx);
    unsigned int cap = CAPACITY(pool->szidx);
    if (pool->maxnextoffset != HD_POOL_SIZE - size || pool->nextoffset < HD_POOL_OVERHEAD ||
        (pool->nextoffset - HD_POOL_OVERHEAD) % size != 0 || pool->nextoffset > HD_POOL_SIZE)
        return "pool offsets corrupt";
    unsigned int uncarved = pool->nextoffset <= pool->maxnextoffset
                                ? (pool->maxnextoffset - pool->nextoffset) / (unsigned)size + 1
                                : 0;
    unsigned int nfree = 0;
    for (const uint8_t *b = pool->freeblock; b != NULL; b = *(uint8_t *const *)b) {
        size_t off = (size_t)(b - pool_mem(pool));
        if (off >= HD_POOL_SIZE || off < HD_POOL_OVERHEAD || off >= pool->nextoffset ||
            (off - HD_POOL_OVERHEAD) % size != 0 || ++nfree > cap)
            return "pool free list corrupt";
    }
    if (pool->ref.count + nfree + uncarved != cap)
        return "pool count + free + uncarved != capacity";
    return NULL;
}

/* check_pools: every carved pool of every arena; tallies the used (non-full)
 * pools per class and the small bytes in use. */
static const char *check_pools(const hd_pool_t *P, uint32_t *nused, uint64_t *small_bytes)
{
    for (uint32_t a = 0; a < P->maxarenas; a++) {
        const arena_t *ao = &P->arenas[a];
        if (ao->address == NULL)
            continue;
        uint32_t nempty = 0, nlisted = 0;
        for (const uint8_t *b = ao->first_pool; b < ao->pool_address; b += HD_POOL_SIZE) {
            const pool_header_t *pool = hdr_at(ao, b);
            if (pool->arenaindex != a)
                return "pool arenaindex wrong";
            const char *why = check_pool_blocks(pool);
            if (why)
                return why;
            unsigned int cap = CAPACITY(pool->szidx);
            if (pool->ref.count == 0)
                nempty++;
            else if (pool->ref.count < cap)
                nused[pool->szidx]++;
            *small_bytes += (uint64_t)pool->ref.count * INDEX2SIZE(pool->szidx);
        }
        for (const pool_header_t *f = ao->freepools; f != NULL; f = f->nextpool) {
            if (++nlisted > nempty || pool_mem(f) < ao->first_pool ||
                pool_mem(f) >= ao->pool_address || hdr_at(ao, pool_mem(f)) != f ||
                f->ref.count != 0)
                return "arena freepools list corrupt";
        }
        if (nlisted != nempty)
            return "empty pool missing from freepools";
        size_t uncarved = (size_t)(ao->first_pool + POOL_REGION - ao->pool_address) / HD_POOL_SIZE;
        if (ao->nfreepools != nempty + uncarved)
            return "nfreepools != empty + uncarved pools";
    }
    return NULL;
}

static const char *check_used_lists(const hd_pool_t *P, const uint32_t *nused)
{
    for (unsigned int i = 0; i < HD_POOL_NCLASSES; i++) {
        const pool_header_t *head = &P->usedpools[i].h;
        uint32_t n = 0;
        const pool_header_t *prev = head;
        for (const pool_header_t *p = head->nextpool; p != head; prev = p, p = p->nextpool) {
            const uint8_t *mem = pool_mem(p);
            const arena_t *ao = arena_containing(P, mem);
            if (++n > nused[i] || ao == NULL || hdr_at(ao, mem) != p)
                return "used pool list holds a stray pool";
            if (p->prevpool != prev)
                return "used pool list back link wrong";
            if (p->szidx != i || p->ref.count == 0 || p->ref.count >= CAPACITY(i))
                return "used pool list holds a pool of the wrong state";
        }
        if (head->prevpool != prev)
            return "used pool list tail wrong";
        if (n != nused[i])
            return "used pool missing from its class list";
    }
    return NULL;
}

static const char *check_large(const hd_pool_t *P)
{
    uint64_t count = 0, bytes = 0, nfree = 0;
    if (P->nslots > P->slots_cap)
        return "large slot count beyond capacity";
    for (uint32_t s = 0; s < P->nslots; s++) {
        const large_slot_t *ls = &P->slots[s];
        if (ls->block == NULL)
            continue;
        large_prefix_t pre;
        memcpy(&pre, ls->block - LARGE_PREFIX, sizeof(pre));
        if (pre.slot != s || pre.sim < SIM_LARGE_BASE || pre.sim > P->large_sim_next)
            return "large block prefix corrupt";
        count++;
        bytes += ls->len;
    }
    for (uint32_t s = P->slot_free; s != SLOT_NONE; s = (uint32_t)P->slots[s].len) {
        if (s >= P->nslots || P->slots[s].block != NULL || ++nfree > P->nslots)
            return "large free-slot list corrupt";
    }
    if (count != P->large_count || bytes != P->large_bytes || count + nfree != P->nslots)
        return "large block counters wrong";
    return NULL;
}

int hd_pool_validate(const hd_pool_t *P, const char **why)
{
    uint32_t nused[HD_POOL_NCLASSES] = {0};
    uint64_t small_bytes = 0;
    const char *w = check_arena_table(P);
    if (w == NULL)
        w = check_usable_arenas(P);
    if (w == NULL)
        w = check_pools(P, nused, &small_bytes);
    if (w == NULL)
        w = check_used_lists(P, nused);
    if (w == NULL)
        w = check_large(P);
    if (w == NULL && small_bytes + P->large_bytes != hd_pool_bytes_used(P))
        w = "bytes used != small + large bytes";
    if (why)
        *why = w;
    return w ? HD_EINVAL : 0;
}
