/*
 * test_alloc.c: the cache of small freed blocks in front of malloc
 * (proto/alloc.c, hd_proto_alloc_cache_install): a freed block comes back
 * for a request of its size class, every block handed out has room for the
 * request, blocks pass between it and malloc/free both ways, and at most
 * 256 blocks of a class are kept (the rest go back to free at once).
 * Under ASan, a cached block is poisoned: these tests write every byte of
 * each block handed out, so a block too short, or still poisoned, fails.
 */
#include <malloc.h>

#include "test.h"

#include "hd_proto.h"

static json_malloc_t cache_malloc;
static json_free_t cache_free;

static void install(void)
{
    hd_proto_alloc_cache_install();
    json_get_alloc_funcs(&cache_malloc, &cache_free);
}

static void uninstall(void)
{
    json_set_alloc_funcs(malloc, free);
    hd_proto_alloc_cache_flush();
}

TEST(freed_block_comes_back_for_its_size)
{
    install();
    /* 24 + 16k: glibc's usable sizes, exactly (and ASan's, which are the
     * requested ones): a block of each is kept and handed out again */
    for (size_t n = 24; n <= 264; n += 16) {
        char *p = cache_malloc(n);
        CHECK(p);
        memset(p, 0xAB, n);
        cache_free(p);
        char *q = cache_malloc(n);
        CHECK(q == p);
        memset(q, 0xCD, n);
        cache_free(q);
    }
    uninstall();
}

TEST(every_block_has_room_for_the_request)
{
    install();
    char *blocks[600];
    size_t k = 0;
    for (size_t n = 1; n <= 300; n++) { /* sizes in every class and above */
        blocks[k] = cache_malloc(n);
        CHECK(blocks[k]);
        CHECK(malloc_usable_size(blocks[k]) >= n);
        memset(blocks[k], 0x5A, n);
        k++;
    }
    for (size_t i = 0; i < k; i += 2) /* half back to the cache */
        cache_free(blocks[i]);
    for (size_t n = 300; n >= 1; n--) { /* and out again for other sizes */
        char *p = cache_malloc(n);
        CHECK(p);
        CHECK(malloc_usable_size(p) >= n);
        memset(p, 0xA5, n);
        blocks[k++] = p;
    }
    for (size_t i = 1; i < 300; i += 2)
        cache_free(blocks[i]);
    for (size_t i = 300; i < k; i++)
        cache_free(blocks[i]);
    uninstall();
}

TEST(blocks_pass_to_and_from_malloc)
{
    install();
    char *p = malloc(40); /* allocated before, freed through the cache */
    CHECK(p);
    cache_free(p);
    char *q = cache_malloc(40);
    CHECK(q == p);
    memset(q, 1, 40);
    free(q); /* a cache block is a malloc block */
    cache_free(NULL);
    char *big = cache_malloc(100000); /* beyond the classes: plain malloc */
    CHECK(big);
    memset(big, 2, 100000);
    cache_free(big);
    uninstall();
}

TEST(at_most_256_blocks_of_a_class_are_kept)
{
    install();
    enum { N = 300 };
    char *blocks[N];
    for (size_t i = 0; i < N; i++) {
        blocks[i] = cache_malloc(56);
        CHECK(blocks[i]);
    }
    for (size_t i = 0; i < N; i++)
        cache_free(blocks[i]);
    /* the first 256 freed were kept (handed out newest first); the other
     * 44 went to free */
    for (size_t i = 256; i-- > 0;) {
        char *p = cache_malloc(56);
        CHECK(p == blocks[i]);
        memset(p, 3, 56);
    }
    for (size_t i = 0; i < 256; i++)
        cache_free(blocks[i]);
    uninstall();
}

TEST(jansson_trees_through_the_cache)
{
    install();
    for (int round = 0; round < 100; round++) {
        json_t *o = json_pack("{s:i, s:s, s:[i, i, {s:b}], s:n}", "id", round, "name",
                              "a string long enough for a class of its own", "items", 1, 2, "x", 1,
                              "nothing");
        CHECK(o);
        char *text = json_dumps(o, JSON_COMPACT);
        CHECK(text);
        CHECK(strstr(text, "\"items\":[1,2,{\"x\":true}]"));
        cache_free(text);
        json_t *back = json_loads("{\"a\": [1, 2, 3], \"b\": {\"c\": \"d\"}}", 0, NULL);
        CHECK(back && json_integer_value(json_array_get(json_object_get(back, "a"), 2)) == 3);
        json_decref(back);
        json_decref(o);
    }
    uninstall();
}
