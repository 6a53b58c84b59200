/*
 * test_pool.c: pymalloc (pool.c) against CPython 3.11's obmalloc rules.
 *
 * Every case runs on counting memory hooks (tmem_t) so that it can end by
 * checking that no block and no arena is left behind, and calls
 * hd_pool_validate after the operations that matter. Block positions are
 * observed through simulated addresses, whose layout pool.h fixes: arena slot
 * i, pool k, offset o is HD_POOL_SIM_ARENA_BASE + i MiB + 16384 (k + 1) + o.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "test.h"

#include <sys/mman.h>

#include "err.h"
#include "mem.h"
#include "pool.h"

/* ---- counting hooks over the default ones ---- */

typedef struct tmem {
    hd_mem_t mem; /* what the pool uses; ctx points back here */
    hd_mem_t sys; /* the default hooks doing the real work */
    long live_blocks;
    long live_arenas;
} tmem_t;

static void *t_malloc(void *ctx, size_t len)
{
    tmem_t *t = ctx;
    void *p = t->sys.malloc_fn(NULL, len);
    t->live_blocks += p != NULL;
    return p;
}

static void *t_realloc(void *ctx, void *p, size_t len)
{
    tmem_t *t = ctx;
    void *q = t->sys.realloc_fn(NULL, p, len);
    t->live_blocks += p == NULL && q != NULL;
    return q;
}

static void t_free(void *ctx, void *p)
{
    tmem_t *t = ctx;
    t->live_blocks -= p != NULL;
    t->sys.free_fn(NULL, p);
}

static void *t_arena_alloc(void *ctx, size_t len)
{
    tmem_t *t = ctx;
    void *p = t->sys.arena_alloc_fn(NULL, len);
    t->live_arenas += p != NULL;
    return p;
}

static void t_arena_free(void *ctx, void *p, size_t len)
{
    tmem_t *t = ctx;
    t->live_arenas--;
    t->sys.arena_free_fn(NULL, p, len);
}

static void tmem_init(tmem_t *t)
{
    memset(t, 0, sizeof(*t));
    hd_mem_init_default(&t->sys);
    hd_mem_init_default(&t->mem);
    t->mem.malloc_fn = t_malloc;
    t->mem.realloc_fn = t_realloc;
    t->mem.free_fn = t_free;
    t->mem.arena_alloc_fn = t_arena_alloc;
    t->mem.arena_free_fn = t_arena_free;
    t->mem.ctx = t;
}

static hd_pool_t *new_pool(tmem_t *t)
{
    hd_pool_t *P = NULL;
    tmem_init(t);
    CHECK_OK(hd_pool_new(&t->mem, &P));
    return P;
}

/* done: frees the pool and checks that nothing leaked. */
static void done(tmem_t *t, hd_pool_t *P)
{
    hd_pool_free(P);
    CHECK_EQ(t->live_blocks, 0);
    CHECK_EQ(t->live_arenas, 0);
}

#define CHECK_VALID(P)                                                                             \
    do {                                                                                           \
        const char *hd__why = NULL;                                                                \
        if (hd_pool_validate((P), &hd__why) != 0)                                                  \
            hd_test_fail(__FILE__, __LINE__, "hd_pool_validate: %s", hd__why);                     \
    } while (0)

static void *alloc(hd_pool_t *P, size_t len)
{
    void *p = NULL;
    int rc = hd_pool_block_alloc(P, len, &p);
    if (rc != 0)
        hd_test_fail(__FILE__, __LINE__, "alloc(%zu) returned %d", len, rc);
    return p;
}

/* ---- simulated address helpers ---- */

static uint64_t sim(hd_pool_t *P, void *p)
{
    return hd_pool_addr(P, p);
}

static uint64_t arena_of(hd_pool_t *P, void *p)
{
    return (sim(P, p) - HD_POOL_SIM_ARENA_BASE) >> 20;
}

static uint64_t pool_of(hd_pool_t *P, void *p)
{
    return (((sim(P, p) - HD_POOL_SIM_ARENA_BASE) & (HD_ARENA_SIZE - 1)) >> 14) - 1;
}

static uint64_t pool_addr(uint64_t arena, uint64_t pool)
{
    return HD_POOL_SIM_ARENA_BASE + arena * HD_ARENA_SIZE + (pool + 1) * HD_POOL_SIZE;
}

static hd_pool_arena_info_t arena_info(hd_pool_t *P, size_t i)
{
    hd_pool_arena_info_t info;
    CHECK_OK(hd_pool_arena_map(P, i, &info));
    return info;
}

/* check_sums: the byte accounting adds up to the arenas, as CPython asserts. */
static void check_sums(hd_pool_t *P)
{
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    uint64_t total = st.bytes_in_used_blocks + st.bytes_in_free_blocks +
                     st.pools_unused * HD_POOL_SIZE + st.bytes_pool_headers +
                     st.bytes_quantization + st.bytes_arena_alignment;
    CHECK_EQ(total, st.arenas_current * HD_ARENA_SIZE);
    CHECK_EQ(st.pools_used + st.pools_unused, st.arenas_current * HD_ARENA_NPOOLS);
    CHECK_EQ(st.bytes_arena_alignment, st.arenas_current * HD_POOL_SIZE);
    CHECK_EQ(st.bytes_pool_headers, st.pools_used * HD_POOL_OVERHEAD);
    CHECK_EQ(st.bytes_in_used_blocks + st.large_bytes, hd_pool_bytes_used(P));
    CHECK_EQ(st.arenas_current, hd_pool_arena_count(P));
    CHECK_EQ(st.arenas_reclaimed, st.arenas_allocated_total - st.arenas_current);
}

/* A tiny deterministic generator (xorshift64*), so runs repeat exactly. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

#define BLOCKS_512_PER_ARENA (31 * 63)

/* ======================================================================== */

TEST(pool_new_out_of_memory)
{
    tmem_t t;
    hd_pool_t *P = NULL;
    tmem_init(&t);
    hd_mem_fail_after(&t.mem, 1, 0);
    CHECK_EQ(hd_pool_new(&t.mem, &P), HD_ENOMEM);
    CHECK_EQ(t.live_blocks, 0);
    hd_pool_free(NULL);
}

TEST(size_classes)
{
    CHECK_EQ(hd_pool_class_size(0), 0);
    CHECK_EQ(hd_pool_class_size(1), 16);
    CHECK_EQ(hd_pool_class_size(16), 16);
    CHECK_EQ(hd_pool_class_size(17), 32);
    CHECK_EQ(hd_pool_class_size(500), 512);
    CHECK_EQ(hd_pool_class_size(512), 512);
    CHECK_EQ(hd_pool_class_size(513), 0);

    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    static void *blocks[512];
    for (size_t len = 1; len <= 512; len++) {
        blocks[len - 1] = alloc(P, len);
        CHECK(!hd_pool_block_is_large(P, blocks[len - 1]));
        CHECK_EQ(hd_pool_block_size(P, blocks[len - 1]), hd_pool_class_size(len));
        CHECK_EQ((uintptr_t)blocks[len - 1] % HD_POOL_ALIGNMENT, 0);
        CHECK_EQ(sim(P, blocks[len - 1]) % HD_POOL_ALIGNMENT, 0);
    }
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    for (int i = 0; i < HD_POOL_NCLASSES; i++) {
        CHECK_EQ(st.classes[i].size, 16 * (i + 1));
        CHECK_EQ(st.classes[i].pools, 1);
        CHECK_EQ(st.classes[i].blocks_used, 16);
        CHECK_EQ(st.classes[i].blocks_free, (16384 - 48) / (16 * (i + 1)) - 16);
    }
    CHECK_EQ(st.classes[0].blocks_free + st.classes[0].blocks_used, 1021);
    CHECK_EQ(st.classes[31].blocks_free + st.classes[31].blocks_used, 31);
    CHECK_EQ(st.bytes_quantization, 4256); /* sum of 16336 % size over the classes */
    CHECK_EQ(hd_pool_bytes_used(P), 16 * 16 * 32 * 33 / 2);
    CHECK_VALID(P);
    check_sums(P);
    for (size_t i = 0; i < 512; i++)
        hd_pool_block_free(P, blocks[i]);
    CHECK_EQ(hd_pool_bytes_used(P), 0);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(lazy_carving_order)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    CHECK_EQ(hd_pool_arena_count(P), 0);
    void *a = alloc(P, 16), *b = alloc(P, 10), *c = alloc(P, 1);
    CHECK_EQ(sim(P, a), pool_addr(0, 0) + 48);
    CHECK_EQ(sim(P, b), pool_addr(0, 0) + 48 + 16);
    CHECK_EQ(sim(P, c), pool_addr(0, 0) + 48 + 32);
    CHECK_EQ((char *)b - (char *)a, 16);
    CHECK_EQ((uintptr_t)a % HD_POOL_SIZE, 48); /* real pools are 16 KiB aligned */

    void *d = alloc(P, 512), *e = alloc(P, 512);
    CHECK_EQ(sim(P, d), pool_addr(0, 1) + 48);
    CHECK_EQ(sim(P, e), pool_addr(0, 1) + 48 + 512);

    hd_pool_arena_info_t info = arena_info(P, 0);
    CHECK_EQ(info.index, 0);
    CHECK_EQ(info.base_addr, HD_POOL_SIM_ARENA_BASE + 4096);
    CHECK_EQ(info.nfreepools, 61);
    CHECK_EQ(info.ntotalpools, 63);
    CHECK_EQ(info.pools[0].state, HD_POOL_USED);
    CHECK_EQ(info.pools[0].szidx, 0);
    CHECK_EQ(info.pools[0].used, 3);
    CHECK_EQ(info.pools[0].capacity, 1021);
    CHECK_EQ(info.pools[1].state, HD_POOL_USED);
    CHECK_EQ(info.pools[1].szidx, 31);
    CHECK_EQ(info.pools[1].capacity, 31);
    CHECK_EQ(info.pools[2].state, HD_POOL_UNCARVED);
    CHECK_EQ(hd_pool_arena_map(P, 1, &info), HD_EINVAL);

    /* the whole pool is handed out in address order */
    static void *rest[1021];
    for (int i = 3; i < 1021; i++) {
        rest[i] = alloc(P, 16);
        CHECK_EQ(sim(P, rest[i]), pool_addr(0, 0) + 48 + 16 * (uint64_t)i);
    }
    info = arena_info(P, 0);
    CHECK_EQ(info.pools[0].state, HD_POOL_FULL);
    void *next = alloc(P, 16);
    CHECK_EQ(sim(P, next), pool_addr(0, 2) + 48);
    CHECK_VALID(P);
    done(&t, P); /* live blocks go with the pool */
}

TEST(lifo_reuse)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void *a = alloc(P, 64), *b = alloc(P, 64), *c = alloc(P, 64), *d = alloc(P, 64);
    hd_pool_block_free(P, b);
    hd_pool_block_free(P, d);
    hd_pool_block_free(P, a);
    CHECK_VALID(P);
    CHECK(alloc(P, 64) == a);
    CHECK(alloc(P, 60) == d);
    CHECK(alloc(P, 49) == b);
    void *e = alloc(P, 64); /* free list empty again: next virgin block */
    CHECK_EQ(sim(P, e), sim(P, c) + 128);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(full_pool_goes_to_front)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void *a[31];
    for (int i = 0; i < 31; i++)
        a[i] = alloc(P, 512);
    CHECK_EQ(arena_info(P, 0).pools[0].state, HD_POOL_FULL);
    void *b = alloc(P, 512); /* the class list is empty: a new pool */
    CHECK_EQ(pool_of(P, b), 1);
    void *b2 = alloc(P, 512);
    CHECK_EQ(pool_of(P, b2), 1);

    hd_pool_block_free(P, a[7]); /* full -> front of the class list */
    CHECK_EQ(arena_info(P, 0).pools[0].state, HD_POOL_USED);
    CHECK_VALID(P);
    CHECK(alloc(P, 512) == a[7]);
    CHECK_EQ(arena_info(P, 0).pools[0].state, HD_POOL_FULL);
    void *c = alloc(P, 512);
    CHECK_EQ(pool_of(P, c), 1);

    /* two full pools freed in turn: the last one freed is used first */
    for (int i = 3; i < 31; i++)
        alloc(P, 512); /* fills pool 1 */
    CHECK_EQ(arena_info(P, 0).pools[1].state, HD_POOL_FULL);
    hd_pool_block_free(P, a[3]);
    hd_pool_block_free(P, b);
    CHECK(alloc(P, 512) == b);
    CHECK(alloc(P, 512) == a[3]);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(empty_pool_goes_to_arena_front)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void *a[31], *b[31];
    for (int i = 0; i < 31; i++)
        a[i] = alloc(P, 512);
    for (int i = 0; i < 31; i++)
        b[i] = alloc(P, 512);
    void *keep = alloc(P, 512); /* pool 2 */
    CHECK_EQ(pool_of(P, keep), 2);
    for (int i = 0; i < 31; i++)
        hd_pool_block_free(P, a[i]);
    for (int i = 0; i < 31; i++)
        hd_pool_block_free(P, b[i]);
    hd_pool_arena_info_t info = arena_info(P, 0);
    CHECK_EQ(info.pools[0].state, HD_POOL_EMPTY);
    CHECK_EQ(info.pools[1].state, HD_POOL_EMPTY);
    CHECK_EQ(info.pools[2].state, HD_POOL_USED);
    CHECK_EQ(info.nfreepools, 62);
    CHECK_VALID(P);

    /* freepools is LIFO: pool 1 (emptied last), then pool 0, then virgin */
    void *x = alloc(P, 16);
    CHECK_EQ(sim(P, x), pool_addr(0, 1) + 48);
    void *y = alloc(P, 32);
    CHECK_EQ(sim(P, y), pool_addr(0, 0) + 48);
    void *z = alloc(P, 48);
    CHECK_EQ(sim(P, z), pool_addr(0, 3) + 48);
    CHECK_VALID(P);

    /* an emptied pool reused for the same class keeps its free list */
    for (int i = 0; i < 30; i++)
        a[i] = alloc(P, 512); /* fills pool 2 (30 more) */
    CHECK_EQ(arena_info(P, 0).pools[2].state, HD_POOL_FULL);
    for (int i = 0; i < 30; i++)
        hd_pool_block_free(P, a[i]);
    hd_pool_block_free(P, keep);
    CHECK_EQ(arena_info(P, 0).pools[2].state, HD_POOL_EMPTY);
    void *again = alloc(P, 512);
    CHECK(again == keep); /* the head of the kept free list, not offset 48 */
    CHECK_VALID(P);
    done(&t, P);
}

/* fill_arenas: n arenas' worth of 512-byte blocks into blocks[]. */
static void **fill_arenas(hd_pool_t *P, int n)
{
    void **blocks = malloc(sizeof(void *) * BLOCKS_512_PER_ARENA * (size_t)n);
    CHECK(blocks != NULL);
    for (int i = 0; i < BLOCKS_512_PER_ARENA * n; i++)
        blocks[i] = alloc(P, 512);
    return blocks;
}

/* empty_pools: frees every block of pools [first, first + n) of arena a. */
static void empty_pools(hd_pool_t *P, void **blocks, int a, int first, int n)
{
    for (int k = first; k < first + n; k++) {
        for (int j = 0; j < 31; j++) {
            void **slot = &blocks[a * BLOCKS_512_PER_ARENA + k * 31 + j];
            CHECK_EQ(arena_of(P, *slot), a);
            CHECK_EQ(pool_of(P, *slot), k);
            hd_pool_block_free(P, *slot);
            *slot = NULL;
        }
        CHECK_VALID(P);
    }
}

TEST(arena_order_fullest_first)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void **blocks = fill_arenas(P, 3);
    CHECK_EQ(hd_pool_arena_count(P), 3);
    for (int a = 0; a < 3; a++)
        CHECK_EQ(arena_info(P, (size_t)a).nfreepools, 0);
    empty_pools(P, blocks, 0, 10, 5); /* arena 0: 5 free pools */
    empty_pools(P, blocks, 1, 0, 2);  /* arena 1: 2 */
    empty_pools(P, blocks, 2, 40, 9); /* arena 2: 9 */
    CHECK_EQ(arena_info(P, 0).nfreepools, 5);
    CHECK_EQ(arena_info(P, 1).nfreepools, 2);
    CHECK_EQ(arena_info(P, 2).nfreepools, 9);

    /* each new size class needs a new pool: it comes from the fullest arena */
    static const int expect[] = {1, 1, 0, 0, 0, 0, 0, 2, 2};
    void *first[9];
    for (int c = 0; c < 9; c++) {
        first[c] = alloc(P, 16 * (size_t)(c + 1));
        CHECK_EQ(arena_of(P, first[c]), expect[c]);
        CHECK_VALID(P);
    }
    /* arena 0 is full again; arena 2 has 7 free. Empty 8 pools of arena 0
     * (case 2 then case 3 moves), then 3 of arena 1 (-> 3 free): the order
     * is arena 1 (3), arena 2 (7), arena 0 (8). */
    empty_pools(P, blocks, 0, 20, 8);
    empty_pools(P, blocks, 1, 10, 3);
    static const int expect2[] = {1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 0};
    for (int c = 0; c < 11; c++) {
        void *p = alloc(P, 16 * (size_t)(c + 10));
        CHECK_EQ(arena_of(P, p), expect2[c]);
        CHECK_VALID(P);
    }
    check_sums(P);
    free(blocks);
    done(&t, P);
}

TEST(arena_release_rules)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void **blocks = fill_arenas(P, 3);
    hd_pool_stats_t st;

    /* all but one block of arena 0: nothing released */
    for (int i = 1; i < BLOCKS_512_PER_ARENA; i++)
        hd_pool_block_free(P, blocks[i]);
    CHECK_EQ(hd_pool_arena_count(P), 3);
    CHECK_EQ(arena_info(P, 0).nfreepools, 62);
    /* the last one: wholly free but the only usable arena, so it is kept */
    hd_pool_block_free(P, blocks[0]);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_current, 3);
    CHECK_EQ(st.arenas_reclaimed, 0);
    CHECK_EQ(arena_info(P, 0).nfreepools, 63);
    CHECK_VALID(P);

    /* arena 1 wholly free while arena 0 sits after it: released */
    for (int i = 0; i < BLOCKS_512_PER_ARENA; i++)
        hd_pool_block_free(P, blocks[BLOCKS_512_PER_ARENA + i]);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_current, 2);
    CHECK_EQ(st.arenas_reclaimed, 1);
    CHECK_EQ(t.live_arenas, 2);
    CHECK_EQ(arena_info(P, 0).index, 0);
    CHECK_EQ(arena_info(P, 1).index, 2);
    CHECK_VALID(P);

    for (int i = 0; i < BLOCKS_512_PER_ARENA; i++)
        hd_pool_block_free(P, blocks[2 * BLOCKS_512_PER_ARENA + i]);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_current, 1);
    CHECK_EQ(st.arenas_reclaimed, 2);
    CHECK_EQ(st.arenas_allocated_total, 3);
    CHECK_EQ(st.arenas_highwater, 3);
    CHECK_EQ(t.live_arenas, 1);
    CHECK_EQ(arena_info(P, 0).index, 0);

    /* the kept arena serves the next allocation: no new arena */
    void *p = alloc(P, 100);
    CHECK_EQ(arena_of(P, p), 0);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_allocated_total, 3);
    hd_pool_block_free(P, p);
    CHECK_EQ(hd_pool_arena_count(P), 1);

    /* released arena objects are reused, most recently released first */
    void **more = fill_arenas(P, 3);
    CHECK_EQ(arena_of(P, more[0]), 0);
    CHECK_EQ(arena_of(P, more[BLOCKS_512_PER_ARENA]), 2);
    CHECK_EQ(arena_of(P, more[2 * BLOCKS_512_PER_ARENA]), 1);
    CHECK_VALID(P);
    for (int i = 0; i < 3 * BLOCKS_512_PER_ARENA; i++)
        hd_pool_block_free(P, more[i]);
    CHECK_EQ(hd_pool_arena_count(P), 1);
    CHECK_VALID(P);
    free(more);
    free(blocks);
    done(&t, P);
}

TEST(arena_table_grows)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    hd_pool_stats_t st0, st1;
    hd_pool_stats(P, &st0);
    void **blocks = fill_arenas(P, 17); /* past INITIAL_ARENA_OBJECTS (16) */
    CHECK_EQ(hd_pool_arena_count(P), 17);
    for (size_t i = 0; i < 17; i++)
        CHECK_EQ(arena_info(P, i).index, i);
    hd_pool_stats(P, &st1);
    CHECK(st1.inspector_bytes > st0.inspector_bytes);
    CHECK_VALID(P);
    check_sums(P);
    for (int i = 0; i < 17 * BLOCKS_512_PER_ARENA; i++)
        hd_pool_block_free(P, blocks[i]);
    CHECK_EQ(hd_pool_arena_count(P), 1);
    hd_pool_stats(P, &st1);
    CHECK_EQ(st1.arenas_reclaimed, 16);
    CHECK_VALID(P);
    free(blocks);
    done(&t, P);
}

TEST(realloc_rules)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void *p = alloc(P, 100), *q = NULL; /* class 112 */
    memset(p, 0xab, 100);
    CHECK_OK(hd_pool_block_realloc(P, p, 112, &q));
    CHECK(q == p); /* same class */
    CHECK_OK(hd_pool_block_realloc(P, p, 90, &q));
    CHECK(q == p); /* 4*90 = 360 > 336 = 3*112: kept */
    CHECK_OK(hd_pool_block_realloc(P, p, 85, &q));
    CHECK(q == p);
    CHECK_OK(hd_pool_block_realloc(P, p, 84, &q));
    CHECK(q != p); /* 4*84 = 336 is not > 336: moved to class 96 */
    CHECK_EQ(hd_pool_block_size(P, q), 96);
    CHECK_EQ(((unsigned char *)q)[83], 0xab);
    p = q;
    CHECK_OK(hd_pool_block_realloc(P, p, 97, &q)); /* grows: moves */
    CHECK(q != p);
    CHECK_EQ(hd_pool_block_size(P, q), 112);
    CHECK_EQ(((unsigned char *)q)[0], 0xab);
    CHECK_EQ(((unsigned char *)q)[83], 0xab);
    p = q;
    memset(p, 0xcd, 112);
    CHECK_OK(hd_pool_block_realloc(P, p, 600, &q)); /* over 512: large */
    CHECK(hd_pool_block_is_large(P, q));
    CHECK_EQ(hd_pool_block_size(P, q), 600);
    CHECK_EQ(((unsigned char *)q)[111], 0xcd);
    p = q;
    CHECK_OK(hd_pool_block_realloc(P, p, 100, &q)); /* large stays large */
    CHECK(hd_pool_block_is_large(P, q));
    CHECK_EQ(hd_pool_block_size(P, q), 100);
    CHECK_EQ(((unsigned char *)q)[99], 0xcd);
    p = q;
    CHECK_OK(hd_pool_block_realloc(P, p, 8, &q));
    CHECK(hd_pool_block_is_large(P, q));
    p = q;
    CHECK_OK(hd_pool_block_realloc(P, p, 5000, &q));
    CHECK(hd_pool_block_is_large(P, q));
    CHECK_EQ(((unsigned char *)q)[7], 0xcd);
    hd_pool_block_free(P, q);

    CHECK_OK(hd_pool_block_realloc(P, NULL, 40, &q)); /* NULL allocates */
    CHECK(!hd_pool_block_is_large(P, q));
    CHECK_EQ(hd_pool_block_size(P, q), 48);
    p = q;
    CHECK_OK(hd_pool_block_realloc(P, p, 0, &q)); /* 0 goes to the system */
    CHECK(hd_pool_block_is_large(P, q));
    CHECK_EQ(hd_pool_block_size(P, q), 0);
    hd_pool_block_free(P, q);
    CHECK_EQ(hd_pool_bytes_used(P), 0);
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    CHECK_EQ(st.large_count, 0);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(large_blocks_counted)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void *z = alloc(P, 0), *a = alloc(P, 513), *b = alloc(P, 1000), *s = alloc(P, 512);
    CHECK(hd_pool_block_is_large(P, z));
    CHECK(hd_pool_block_is_large(P, a));
    CHECK(hd_pool_block_is_large(P, b));
    CHECK(!hd_pool_block_is_large(P, s));
    CHECK_EQ(hd_pool_block_size(P, a), 513);
    CHECK_EQ((uintptr_t)a % HD_POOL_LARGE_ALIGN, 0);
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    CHECK_EQ(st.large_count, 3);
    CHECK_EQ(st.large_bytes, 1513);
    CHECK_EQ(hd_pool_bytes_used(P), 1513 + 512);
    CHECK_EQ(st.bytes_in_used_blocks, 512);
    CHECK(sim(P, z) >= HD_POOL_SIM_LARGE_BASE && sim(P, z) < HD_POOL_SIM_ARENA_BASE);
    CHECK(sim(P, a) > sim(P, z) && sim(P, b) >= sim(P, a) + 513);
    CHECK_EQ(sim(P, a) % 16, 0);
    CHECK_EQ(sim(P, b) % 16, 0);
    memset(b, 0x5a, 1000); /* the interior lookup reads the bytes before the pointer */
    CHECK_EQ(hd_pool_addr(P, (char *)b + 999), sim(P, b) + 999); /* interior pointer */
    uint64_t old = sim(P, a);
    hd_pool_block_free(P, a);
    void *a2 = alloc(P, 513);
    CHECK(sim(P, a2) != old); /* large simulated addresses are never reused */
    CHECK_VALID(P);

    /* many large blocks: the slot table grows and recycles */
    static void *many[300];
    for (int i = 0; i < 300; i++)
        many[i] = alloc(P, 600 + (size_t)i);
    for (int i = 0; i < 300; i += 2)
        hd_pool_block_free(P, many[i]);
    for (int i = 0; i < 300; i += 2)
        many[i] = alloc(P, 2000);
    CHECK_VALID(P);
    for (int i = 0; i < 300; i++)
        hd_pool_block_free(P, many[i]);
    hd_pool_block_free(P, z);
    hd_pool_block_free(P, a2);
    hd_pool_block_free(P, b);
    hd_pool_block_free(P, s);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.large_count, 0);
    CHECK_EQ(st.large_bytes, 0);
    CHECK_EQ(hd_pool_bytes_used(P), 0);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(handles_and_addresses)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    static void *blocks[4000];
    uint32_t seen_first = 0;
    for (int i = 0; i < 4000; i++) {
        size_t len = i % 7 == 0 ? 700 + (size_t)i : 16 + (size_t)(i % 497);
        blocks[i] = alloc(P, len);
        memset(blocks[i], 0x5a, len); /* interior lookups read the bytes before the pointer */
        for (size_t off = 0; off <= 32 && off < len; off += 16) {
            char *p = (char *)blocks[i] + off;
            uint32_t h = hd_pool_handle(P, p);
            CHECK(h != 0);
            CHECK(hd_pool_deref(P, h) == p);
            CHECK_EQ(hd_pool_addr(P, p), hd_pool_addr(P, blocks[i]) + off);
        }
        if (i == 0)
            seen_first = hd_pool_handle(P, blocks[0]);
        else
            CHECK(hd_pool_handle(P, blocks[i]) != seen_first);
    }
    CHECK(hd_pool_deref(P, 0) == NULL);
    CHECK(hd_pool_deref(P, 0x7fff0001u) == NULL); /* arena slot never used */
    CHECK(hd_pool_deref(P, 0x80ffffffu) == NULL); /* large slot never used */
    uint32_t h = hd_pool_handle(P, blocks[7]);
    CHECK(h & 0x80000000u);
    hd_pool_block_free(P, blocks[7]);
    CHECK(hd_pool_deref(P, h) == NULL); /* a freed large slot names nothing */
    for (int i = 0; i < 4000; i++)
        if (i != 7)
            hd_pool_block_free(P, blocks[i]);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(byte_cap)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    hd_pool_set_limit(P, 1000);
    void *a = alloc(P, 500); /* 512 */
    void *b = alloc(P, 400); /* 400: 912 */
    void *c = NULL;
    hd_pool_stats_t before, after;
    char dump_before[4096], dump_after[4096];
    hd_pool_stats(P, &before);
    hd_pool_dump(P, dump_before, sizeof(dump_before));

    CHECK_EQ(hd_pool_block_alloc(P, 100, &c), HD_ELIMIT); /* 912 + 112 > 1000 */
    CHECK_EQ(hd_pool_block_alloc(P, 600, &c), HD_ELIMIT);
    CHECK_EQ(hd_pool_block_realloc(P, b, 496, &c), HD_ELIMIT); /* +96 */
    CHECK_EQ(hd_pool_block_realloc(P, b, 700, &c), HD_ELIMIT); /* +300, to large */
    CHECK(c == NULL);
    hd_pool_stats(P, &after);
    hd_pool_dump(P, dump_after, sizeof(dump_after));
    CHECK_STR(dump_after, dump_before);
    CHECK(memcmp(&before, &after, sizeof(before)) == 0);
    CHECK_EQ(hd_pool_bytes_used(P), 912);
    CHECK_VALID(P);

    void *d = alloc(P, 80);                             /* 992 */
    CHECK_EQ(hd_pool_block_alloc(P, 1, &c), HD_ELIMIT); /* 16 more would be 1008 */
    void *z = alloc(P, 0);                              /* 0 bytes always fit */
    CHECK_OK(hd_pool_block_realloc(P, b, 100, &c));     /* shrinking is always allowed */
    CHECK_EQ(hd_pool_bytes_used(P), 992 - 400 + 112);
    hd_pool_set_limit(P, 0); /* no cap */
    void *big = alloc(P, 100000);
    hd_pool_set_limit(P, 500); /* below what is in use: nothing may grow */
    void *e = NULL;
    CHECK_EQ(hd_pool_block_alloc(P, 16, &e), HD_ELIMIT);
    CHECK_EQ(hd_pool_block_alloc(P, 1000, &e), HD_ELIMIT);
    CHECK_EQ(hd_pool_block_realloc(P, big, 100001, &e), HD_ELIMIT);
    CHECK_OK(hd_pool_block_realloc(P, big, 50000, &e));
    CHECK_VALID(P);
    hd_pool_block_free(P, e);
    hd_pool_block_free(P, a);
    hd_pool_block_free(P, c);
    hd_pool_block_free(P, d);
    hd_pool_block_free(P, z);
    CHECK_EQ(hd_pool_bytes_used(P), 0);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(dump_known_scenario)
{
    static const char expect[] = "Small block threshold = 512, in 32 size classes.\n"
                                 "\n"
                                 "class   size   num pools   blocks in use  avail blocks\n"
                                 "-----   ----   ---------   -------------  ------------\n"
                                 "    0     16           1              27           994\n"
                                 "   31    512           1              14            17\n"
                                 "\n"
                                 "# arenas allocated total           =                    1\n"
                                 "# arenas reclaimed                 =                    0\n"
                                 "# arenas highwater mark            =                    1\n"
                                 "# arenas allocated current         =                    1\n"
                                 "1 arenas * 1048576 bytes/arena     =            1,048,576\n"
                                 "\n"
                                 "# bytes in allocated blocks        =                7,600\n"
                                 "# bytes in available blocks        =               24,608\n"
                                 "61 unused pools * 16384 bytes      =              999,424\n"
                                 "# bytes lost to pool headers       =                   96\n"
                                 "# bytes lost to quantization       =                  464\n"
                                 "# bytes lost to arena alignment    =               16,384\n"
                                 "Total                              =            1,048,576\n";
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    for (int i = 0; i < 27; i++)
        alloc(P, 16);
    for (int i = 0; i < 14; i++)
        alloc(P, 500);
    alloc(P, 5000); /* large blocks do not show */
    char buf[4096];
    size_t n = hd_pool_dump(P, buf, sizeof(buf));
    CHECK_STR(buf, expect);
    CHECK_EQ(n, strlen(expect));

    /* snprintf-like truncation */
    char small[40];
    CHECK_EQ(hd_pool_dump(P, small, sizeof(small)), n);
    CHECK_EQ(strlen(small), sizeof(small) - 1);
    CHECK(strncmp(small, expect, sizeof(small) - 1) == 0);
    CHECK_EQ(hd_pool_dump(P, NULL, 0), n);
    done(&t, P);
}

TEST(dump_empty_pool)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    char buf[4096];
    hd_pool_dump(P, buf, sizeof(buf));
    CHECK(strstr(buf, "-----   ----   ---------   -------------  ------------\n\n# arenas") !=
          NULL);
    CHECK(strstr(buf, "0 arenas * 1048576 bytes/arena     =                    0\n") != NULL);
    CHECK(strstr(buf, "0 unused pools * 16384 bytes       =                    0\n") != NULL);
    done(&t, P);
}

TEST(stats_sum_to_arenas)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    static void *blocks[30000];
    uint64_t seed = 42;
    for (int i = 0; i < 30000; i++)
        blocks[i] = alloc(P, 1 + rng_next(&seed) % 512);
    check_sums(P);
    for (int i = 0; i < 30000; i += 3)
        hd_pool_block_free(P, blocks[i]);
    check_sums(P);
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    CHECK(st.arenas_current >= 7);
    CHECK(st.bytes_quantization > 0);
    CHECK(st.inspector_bytes > 0);
    for (int i = 1; i < 30000; i++)
        if (i % 3)
            hd_pool_block_free(P, blocks[i]);
    check_sums(P);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_current, 1);
    CHECK_EQ(st.pools_unused, 63);
    CHECK_EQ(st.bytes_in_used_blocks, 0);
    CHECK_VALID(P);
    done(&t, P);
}

TEST(validate_detects_corruption)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void **a = alloc(P, 32), **b = alloc(P, 32);
    alloc(P, 32);
    hd_pool_block_free(P, b);
    CHECK_VALID(P);
    void *saved = *b; /* b heads the free list: its first word is the link */
    *b = (char *)a + 8;
    const char *why = NULL;
    CHECK_EQ(hd_pool_validate(P, &why), HD_EINVAL);
    CHECK(why != NULL && strstr(why, "free list") != NULL);
    *b = saved;
    CHECK_VALID(P);
    *b = NULL; /* drops the rest of the list: counts no longer add up */
    CHECK_EQ(hd_pool_validate(P, NULL), HD_EINVAL);
    *b = saved;
    CHECK_VALID(P);
    done(&t, P);
}

/* ---- randomized stress, validating after every operation ---- */

typedef struct live {
    unsigned char *p;
    size_t len;
    unsigned char tag;
} live_t;

static void fill(live_t *l)
{
    memset(l->p, l->tag, l->len);
}

static void check_fill(const live_t *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->p[i] != l->tag)
            hd_test_fail(__FILE__, __LINE__, "block %p byte %zu overwritten", (void *)l->p, i);
}

static size_t random_len(uint64_t *seed)
{
    uint64_t r = rng_next(seed) % 100;
    if (r < 5)
        return 0;
    if (r < 20)
        return 513 + rng_next(seed) % 3000;
    if (r < 35)
        return 1 + rng_next(seed) % 32;
    return 1 + rng_next(seed) % 512;
}

/* stress_op: one random alloc, free or realloc on the live set. */
static void stress_op(hd_pool_t *P, live_t *live, size_t *nlive, size_t target, uint64_t *seed)
{
    uint64_t r = rng_next(seed) % 100;
    if (*nlive == 0 || (*nlive < target && r < 55)) {
        live_t *l = &live[(*nlive)++];
        l->len = random_len(seed);
        l->tag = (unsigned char)(rng_next(seed) | 1);
        void *p = NULL;
        CHECK_OK(hd_pool_block_alloc(P, l->len, &p));
        l->p = p;
        fill(l);
    } else if (r < 85) {
        size_t i = rng_next(seed) % *nlive;
        check_fill(&live[i]);
        hd_pool_block_free(P, live[i].p);
        live[i] = live[--(*nlive)];
    } else {
        live_t *l = &live[rng_next(seed) % *nlive];
        check_fill(l);
        size_t len = random_len(seed);
        void *q = NULL;
        CHECK_OK(hd_pool_block_realloc(P, l->p, len, &q));
        l->p = q;
        l->len = len < l->len ? len : l->len;
        check_fill(l);
        l->len = len;
        fill(l);
    }
}

TEST(random_stress_validates)
{
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    size_t nlive = 0;
    live_t *live = calloc(25000, sizeof(*live));
    CHECK(live != NULL);
    uint64_t seed = 0x5eed;
    for (int op = 0; op < 20000; op++) {
        stress_op(P, live, &nlive, op < 10000 ? 3000 : 200, &seed);
        CHECK_VALID(P);
    }
    /* grow to about 10 arenas of mixed blocks, then drain in random order */
    for (int op = 0; op < 60000; op++) {
        stress_op(P, live, &nlive, 25000, &seed);
        if (op % 500 == 0)
            CHECK_VALID(P);
    }
    check_sums(P);
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    printf("stress peak: %zu live blocks, %" PRIu64 " arenas, %" PRIu64 " large\n", nlive,
           st.arenas_current, st.large_count);
    CHECK(st.arenas_current >= 3);
    while (nlive > 0) {
        size_t i = rng_next(&seed) % nlive;
        check_fill(&live[i]);
        hd_pool_block_free(P, live[i].p);
        live[i] = live[--nlive];
        if (nlive % 100 == 0)
            CHECK_VALID(P);
    }
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_current, 1); /* one wholly free arena is kept */
    CHECK_EQ(st.large_count, 0);
    CHECK_EQ(hd_pool_bytes_used(P), 0);
    CHECK_EQ(st.pools_unused, 63);
    CHECK_VALID(P);
    free(live);
    done(&t, P);
}

/* ---- arenas at chosen real addresses (aligned bases, shared chunks) ---- */

#define REGION_LEN ((size_t)256 << 20)
#define PAGE       4096u

/* placer_t: arena hooks that hand out 1 MiB pieces of one reserved region,
 * at addresses chosen by the test (`fixed`) or at random 4 KiB offsets. */
typedef struct placer {
    tmem_t t;        /* t.mem.arena_* are replaced; ctx points here */
    uint8_t *region; /* owned: REGION_LEN bytes, 1 MiB aligned */
    uint8_t *raw;    /* owned: the mapping region was cut from */
    size_t raw_len;
    uint8_t used[REGION_LEN / PAGE];
    const size_t *fixed; /* borrowed: offsets to hand out in order, or NULL */
    size_t nfixed, next_fixed;
    uint64_t seed;
    long live;
} placer_t;

static int placer_range_free(placer_t *pl, size_t off)
{
    for (size_t k = off / PAGE; k < (off + HD_ARENA_SIZE) / PAGE; k++)
        if (pl->used[k])
            return 0;
    return 1;
}

static void placer_mark(placer_t *pl, size_t off, uint8_t v)
{
    memset(&pl->used[off / PAGE], v, HD_ARENA_SIZE / PAGE);
}

static void *placer_alloc(void *ctx, size_t len)
{
    placer_t *pl = ctx;
    CHECK_EQ(len, HD_ARENA_SIZE);
    size_t off = 0;
    if (pl->fixed) {
        if (pl->next_fixed == pl->nfixed)
            return NULL;
        off = pl->fixed[pl->next_fixed++];
        CHECK(placer_range_free(pl, off));
    } else {
        int tries = 0;
        do {
            off = (size_t)(rng_next(&pl->seed) % ((REGION_LEN - HD_ARENA_SIZE) / PAGE)) * PAGE;
            if (++tries > 10000)
                return NULL;
        } while (!placer_range_free(pl, off));
    }
    placer_mark(pl, off, 1);
    pl->live++;
    return pl->region + off;
}

static void placer_free(void *ctx, void *p, size_t len)
{
    placer_t *pl = ctx;
    size_t off = (size_t)((uint8_t *)p - pl->region);
    CHECK_EQ(len, HD_ARENA_SIZE);
    CHECK(off % PAGE == 0 && off + len <= REGION_LEN);
    placer_mark(pl, off, 0);
    pl->live--;
}

static hd_pool_t *placer_pool(placer_t *pl, const size_t *fixed, size_t nfixed)
{
    memset(pl, 0, sizeof(*pl));
    tmem_init(&pl->t);
    pl->raw_len = REGION_LEN + HD_ARENA_SIZE;
    pl->raw = mmap(NULL, pl->raw_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(pl->raw != MAP_FAILED);
    pl->region =
        (uint8_t *)(((uintptr_t)pl->raw + HD_ARENA_SIZE - 1) & ~(uintptr_t)(HD_ARENA_SIZE - 1));
    pl->fixed = fixed;
    pl->nfixed = nfixed;
    pl->seed = 0xa11ce;
    pl->t.mem.arena_alloc_fn = placer_alloc;
    pl->t.mem.arena_free_fn = placer_free;
    pl->t.mem.ctx = pl;
    hd_pool_t *P = NULL;
    CHECK_OK(hd_pool_new(&pl->t.mem, &P));
    return P;
}

static void placer_done(placer_t *pl, hd_pool_t *P)
{
    hd_pool_free(P);
    CHECK_EQ(pl->live, 0);
    munmap(pl->raw, pl->raw_len);
}

TEST(arena_aligned_bases)
{
    /* 1 MiB aligned (the arena fills one chunk), 16 KiB aligned, 4 KiB past a
     * 16 KiB boundary, and two arenas sharing chunk 3 (one ends at 0x305000,
     * the next starts at 0x308000) */
    static const size_t offs[] = {0, 0x104000, 0x205000, 0x308000, 0x40b000};
    static placer_t pl;
    hd_pool_t *P = placer_pool(&pl, offs, 5);
    void **blocks = fill_arenas(P, 5);
    CHECK_EQ(hd_pool_arena_count(P), 5);
    for (int a = 0; a < 5; a++) {
        uintptr_t base = (uintptr_t)pl.region + offs[a];
        uintptr_t first = (base & ~(uintptr_t)(HD_POOL_SIZE - 1)) + HD_POOL_SIZE;
        void *b0 = blocks[a * BLOCKS_512_PER_ARENA];
        CHECK_EQ((uintptr_t)b0, first + 48);
        CHECK_EQ(sim(P, b0), pool_addr((uint64_t)a, 0) + 48);
        void *last = blocks[(a + 1) * BLOCKS_512_PER_ARENA - 1];
        CHECK((uintptr_t)last + 512 <= base + HD_ARENA_SIZE);
        CHECK(!hd_pool_block_is_large(P, last));
        CHECK_EQ(hd_pool_addr(P, (char *)last + 100), sim(P, last) + 100);
    }
    check_sums(P);
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    CHECK_EQ(st.bytes_arena_alignment, 5 * 16384);
    CHECK_EQ(st.pools_used, 5 * 63);
    CHECK_VALID(P);
    for (int a = 4; a >= 0; a--) { /* release from the last, reusing no slot */
        for (int i = 0; i < BLOCKS_512_PER_ARENA; i++)
            hd_pool_block_free(P, blocks[a * BLOCKS_512_PER_ARENA + i]);
        CHECK_VALID(P);
    }
    CHECK_EQ(hd_pool_arena_count(P), 1);
    CHECK_EQ(pl.live, 1);
    free(blocks);
    placer_done(&pl, P);
}

TEST(chunk_map_random_placement)
{
    /* rounds of "fill 1..12 arenas, then drain in random order": arenas are
     * mapped and unmapped at random addresses, so the chunk map inserts and
     * deletes (with shifting) many times; validate checks it after each step */
    static placer_t pl;
    hd_pool_t *P = placer_pool(&pl, NULL, 0);
    enum { NBATCH = 12 };
    void **batch[NBATCH];
    uint64_t seed = 77;
    for (int round = 0; round < 40; round++) {
        int n = 1 + (int)(rng_next(&seed) % NBATCH);
        for (int b = 0; b < n; b++) {
            batch[b] = malloc(BLOCKS_512_PER_ARENA * sizeof(void *));
            CHECK(batch[b] != NULL);
            for (int i = 0; i < BLOCKS_512_PER_ARENA; i++)
                batch[b][i] = alloc(P, 497 + (size_t)(i % 16));
        }
        CHECK_VALID(P);
        CHECK_EQ(pl.live, (long)hd_pool_arena_count(P));
        while (n > 0) {
            int b = (int)(rng_next(&seed) % (uint64_t)n);
            for (int i = 0; i < BLOCKS_512_PER_ARENA; i++)
                hd_pool_block_free(P, batch[b][i]);
            free(batch[b]);
            batch[b] = batch[--n];
            CHECK_VALID(P);
            CHECK_EQ(pl.live, (long)hd_pool_arena_count(P));
        }
        CHECK_EQ(hd_pool_arena_count(P), 1);
    }
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    printf("random placement: %" PRIu64 " arenas allocated, %" PRIu64 " reclaimed\n",
           st.arenas_allocated_total, st.arenas_reclaimed);
    CHECK(st.arenas_reclaimed > 100);
    placer_done(&pl, P);
}

/* ---- fault injection: fail each request of a scenario in turn ---- */

enum { OP_ALLOC, OP_FREE, OP_REALLOC };

typedef struct fop {
    uint8_t kind;
    uint32_t slot;
    uint32_t len;
} fop_t;

#define FAULT_SLOTS 40000

/* fault_ops: 17 arenas of 512-byte blocks (the arena table grows), a large
 * block every 200 (the slot table grows), reallocs of every kind, frees. */
static fop_t *fault_ops(size_t *nops)
{
    size_t n = 0, cap = 60000;
    fop_t *ops = malloc(cap * sizeof(*ops));
    CHECK(ops != NULL);
    for (uint32_t i = 0; i < 17 * BLOCKS_512_PER_ARENA + 200; i++)
        ops[n++] = (fop_t){OP_ALLOC, i, i % 200 == 0 ? 1000 + i % 3000 : 512};
    for (uint32_t i = 0; i < 30000; i += 1000) {
        ops[n++] = (fop_t){OP_REALLOC, i + 1, 600}; /* small -> large */
        ops[n++] = (fop_t){OP_REALLOC, i, 9000};    /* large grows */
        ops[n++] = (fop_t){OP_REALLOC, i, 100};     /* large shrinks, stays large */
        ops[n++] = (fop_t){OP_REALLOC, i + 2, 16};  /* small -> small */
        ops[n++] = (fop_t){OP_REALLOC, i + 3, 0};   /* small -> large(0) */
    }
    for (uint32_t i = 0; i < 30000; i += 2)
        ops[n++] = (fop_t){OP_FREE, i, 0};
    for (uint32_t i = 0; i < 3000; i++)
        ops[n++] = (fop_t){OP_ALLOC, i * 2, 1 + i % 300};
    CHECK(n <= cap);
    *nops = n;
    return ops;
}

static int run_op(hd_pool_t *P, void **slots, const fop_t *op)
{
    void **s = &slots[op->slot];
    switch (op->kind) {
    case OP_ALLOC:
        return hd_pool_block_alloc(P, op->len, s);
    case OP_FREE:
        hd_pool_block_free(P, *s);
        *s = NULL;
        return 0;
    default: {
        void *q = NULL;
        int rc = hd_pool_block_realloc(P, *s, op->len, &q);
        if (rc == 0)
            *s = q;
        return rc;
    }
    }
}

/* fault_run: the scenario with request number `fail_at` failing. Returns 1
 * when a failure was injected. req_before[i] is mem.requests before op i in
 * the clean run (filled when fail_at == 0). */
static int fault_run(const fop_t *ops, size_t nops, uint64_t *req_before, uint64_t fail_at,
                     int sticky, void **slots)
{
    tmem_t t;
    hd_pool_t *P = NULL;
    tmem_init(&t);
    hd_mem_fail_after(&t.mem, fail_at, sticky);
    memset(slots, 0, FAULT_SLOTS * sizeof(void *));
    if (hd_pool_new(&t.mem, &P) != 0) {
        CHECK_EQ(fail_at, 1);
        CHECK_EQ(t.live_blocks, 0);
        return 1;
    }
    hd_pool_stats_t before, after;
    int failed = 0;
    for (size_t i = 0; i < nops && !failed; i++) {
        int will_fail = fail_at != 0 && req_before[i] < fail_at && fail_at <= req_before[i + 1];
        if (fail_at == 0)
            req_before[i] = t.mem.requests;
        if (will_fail)
            hd_pool_stats(P, &before);
        int rc = run_op(P, slots, &ops[i]);
        if (!will_fail) {
            if (rc != 0)
                hd_test_fail(__FILE__, __LINE__, "fail_at %" PRIu64 ": op %zu failed early (%d)",
                             fail_at, i, rc);
            continue;
        }
        CHECK_EQ(rc, HD_ENOMEM);
        CHECK_EQ(t.mem.failures, 1);
        hd_pool_stats(P, &after);
        before.inspector_bytes = after.inspector_bytes = 0; /* a table may stay grown */
        CHECK(memcmp(&before, &after, sizeof(before)) == 0);
        CHECK_VALID(P);
        hd_mem_fail_after(&t.mem, 0, 0); /* the same op now succeeds */
        CHECK_OK(run_op(P, slots, &ops[i]));
        CHECK_VALID(P);
        failed = 1;
    }
    if (fail_at == 0)
        req_before[nops] = t.mem.requests;
    if (fail_at % 2 == 0) { /* odd runs leave the blocks to hd_pool_free */
        for (size_t i = 0; i < FAULT_SLOTS; i++)
            hd_pool_block_free(P, slots[i]);
        CHECK_EQ(hd_pool_bytes_used(P), 0);
        CHECK(hd_pool_arena_count(P) <= 1);
        CHECK_VALID(P);
    }
    done(&t, P);
    return failed;
}

TEST(fault_injection_every_request)
{
    size_t nops;
    fop_t *ops = fault_ops(&nops);
    uint64_t *req_before = calloc(nops + 1, sizeof(uint64_t));
    void **slots = calloc(FAULT_SLOTS, sizeof(void *));
    CHECK(req_before != NULL && slots != NULL);
    fault_run(ops, nops, req_before, 0, 0, slots);
    uint64_t total = req_before[nops];
    CHECK(total > 200); /* 1 + 17 arenas + table growth + 200 large + reallocs */
    /* request 1 is hd_pool_new's own; the rest belong to the ops */
    for (uint64_t n = 1; n <= total; n++)
        CHECK_EQ(fault_run(ops, nops, req_before, n, (int)(n % 3 == 0), slots), 1);
    CHECK_EQ(fault_run(ops, nops, req_before, total + 1, 0, slots), 0);
    printf("fault injection: %" PRIu64 " requests, each failed once cleanly\n", total);
    free(slots);
    free(req_before);
    free(ops);
}

/* ---- the arena scenario of reference section 1.5 ---- */

static long rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * 4096;
}

static void print_arenas(const char *state, hd_pool_t *P, long rss)
{
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    printf("%-44s arenas current %3" PRIu64 "  reclaimed %3" PRIu64 "  RSS %6.1f MB\n", state,
           st.arenas_current, st.arenas_reclaimed, (double)rss / 1e6);
}

TEST(arena_scenario_2m_objects)
{
    enum { N = 2000000 };
    tmem_t t;
    hd_pool_t *P = new_pool(&t);
    void **objs = malloc(N * sizeof(void *));
    CHECK(objs != NULL);
    memset(objs, 0xff, N * sizeof(void *)); /* fault the array in before measuring */
    long rss0 = rss_bytes();
    print_arenas("start", P, rss0);
    for (int i = 0; i < N; i++)
        objs[i] = alloc(P, 16);
    long rss1 = rss_bytes();
    print_arenas("2,000,000 16-byte blocks allocated", P, rss1);
    hd_pool_stats_t st;
    hd_pool_stats(P, &st);
    CHECK_EQ(st.classes[0].pools, 1959); /* ceil(2e6 / 1021) */
    CHECK_EQ(st.classes[0].blocks_used, N);
    CHECK_EQ(st.arenas_current, 32); /* ceil(1959 / 63) */
    CHECK_EQ(st.pools_unused, 32 * 63 - 1959);
    CHECK_VALID(P);

    for (int i = 0; i < N; i++)
        if (i % 1000 != 0) {
            hd_pool_block_free(P, objs[i]);
            objs[i] = NULL;
        }
    long rss2 = rss_bytes();
    print_arenas("all freed except 1 in 1000", P, rss2);
    hd_pool_stats(P, &st);
    /* every full pool (1021 consecutive blocks) keeps a survivor; only the
     * last, partly used pool (blocks 1,999,118 on) empties */
    CHECK_EQ(st.arenas_current, 32);
    CHECK_EQ(st.arenas_reclaimed, 0);
    CHECK_EQ(st.classes[0].pools, 1958);
    CHECK_EQ(st.classes[0].blocks_used, N / 1000);
    CHECK_VALID(P);

    for (int i = 0; i < N; i += 1000)
        hd_pool_block_free(P, objs[i]);
    long rss3 = rss_bytes();
    print_arenas("the rest freed", P, rss3);
    hd_pool_stats(P, &st);
    CHECK_EQ(st.arenas_current, 1);
    CHECK_EQ(st.arenas_reclaimed, 31);
    CHECK_EQ(st.arenas_highwater, 32);
    CHECK_EQ(t.live_arenas, 1);
    CHECK_VALID(P);
    /* the 31 munmapped arenas really leave the resident set */
    if (rss0 > 0) {
        CHECK(rss1 - rss0 > 28L * 1024 * 1024);
        CHECK(rss1 - rss3 > 24L * 1024 * 1024);
        CHECK(rss2 - rss3 > 24L * 1024 * 1024);
    }
    free(objs);
    done(&t, P);
}

/* ---- hd_pool_block_free_small2 ---- */

/* free2_remove: takes entry i out of the twin arrays (the last one moves in). */
static void free2_remove(void **a, void **b, size_t *n, size_t i, void **pa, void **pb)
{
    *pa = a[i];
    *pb = b[i];
    a[i] = a[*n - 1];
    b[i] = b[*n - 1];
    (*n)--;
}

/* Two pools get the same requests; one frees its blocks two at a time with
 * hd_pool_block_free_small2, the other one by one with
 * hd_pool_block_free_small. Every later block must land at the same
 * simulated address, and the pools must end equal (sys._debugmallocstats
 * text, validation) over pairs in one pool, in two pools of a chunk, in two
 * chunks, from full pools and into emptied pools and arenas. The pairing
 * pool's arenas sit at random 4 KiB offsets (placer_t), so that they
 * straddle 1 MiB chunks. */
TEST(free_small2_matches_two_frees)
{
    enum { MAXLIVE = 20000 };
    static placer_t pl;
    tmem_t tb;
    hd_pool_t *A = placer_pool(&pl, NULL, 0);
    hd_pool_t *B = new_pool(&tb);
    void **la = calloc(MAXLIVE, sizeof(void *)), **lb = calloc(MAXLIVE, sizeof(void *));
    CHECK(la != NULL && lb != NULL);
    static char da[16384], db[16384];
    size_t n = 0;
    uint64_t seed = 0xf4ee2;
    long same_chunk = 0, two_chunks = 0;
    uint64_t max_arenas = 0;
    for (int op = 0; op < 120000 || n > 0; op++) {
        /* phases of growth (net +0.4 blocks an op) and of draining */
        int drain = op >= 120000 || op % 30000 >= 20000;
        uint64_t r = rng_next(&seed);
        if (!drain && n < MAXLIVE && (n < 2 || r % 10 < 8)) {
            size_t len = 1 + (size_t)(rng_next(&seed) % 512);
            void *pa = alloc(A, len), *pb = alloc(B, len);
            CHECK_EQ(sim(A, pa), sim(B, pb));
            la[n] = pa;
            lb[n] = pb;
            n++;
        } else if (n >= 2) {
            void *a1, *b1, *a2, *b2;
            free2_remove(la, lb, &n, (size_t)(r % n), &a1, &b1);
            /* half the time the newest block: often the same pool or class */
            size_t j = (r >> 32) % 2 ? n - 1 : (size_t)(rng_next(&seed) % n);
            free2_remove(la, lb, &n, j, &a2, &b2);
            if (((uintptr_t)a1 ^ (uintptr_t)a2) >> 20)
                two_chunks++;
            else
                same_chunk++;
            hd_pool_block_free_small2(A, a1, a2);
            hd_pool_block_free_small(B, b1);
            hd_pool_block_free_small(B, b2);
        } else if (n == 1) {
            hd_pool_block_free_small(A, la[0]);
            hd_pool_block_free_small(B, lb[0]);
            n = 0;
        }
        if (hd_pool_arena_count(A) > max_arenas)
            max_arenas = hd_pool_arena_count(A);
        if (op % 2000 == 0) {
            CHECK_VALID(A);
            hd_pool_dump(A, da, sizeof(da));
            hd_pool_dump(B, db, sizeof(db));
            CHECK_STR(da, db);
        }
    }
    printf("free_small2: %ld pairs in one chunk, %ld in two, up to %" PRIu64 " arenas\n",
           same_chunk, two_chunks, max_arenas);
    CHECK(same_chunk > 0 && two_chunks > 0 && max_arenas >= 2);
    CHECK_VALID(A);
    hd_pool_dump(A, da, sizeof(da));
    hd_pool_dump(B, db, sizeof(db));
    CHECK_STR(da, db);
    CHECK_EQ(hd_pool_bytes_used(A), 0);
    CHECK_EQ(hd_pool_arena_count(A), hd_pool_arena_count(B));
    free(la);
    free(lb);
    placer_done(&pl, A);
    done(&tb, B);
}
