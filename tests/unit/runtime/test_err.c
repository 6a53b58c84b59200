/*
 * test_err.c: the error table and the fault-injecting memory hooks.
 */
#include "test.h"

#include "err.h"
#include "mem.h"

TEST(err_table)
{
    CHECK_STR(hd_strerror(HD_ENOMEM), "out of memory");
    CHECK_STR(hd_err_name(HD_ELIMIT), "ELIMIT");
    CHECK_EQ(hd_err_rpc_code(HD_ELIMIT), -32004);
    CHECK_EQ(hd_err_rpc_code(HD_ENOTFOUND), -32003);
    CHECK_EQ(hd_err_rpc_code(12345), -32603);
    CHECK_STR(hd_strerror(1), "unknown error");
}

TEST(mem_fail_nth)
{
    hd_mem_t mem;
    hd_mem_init_default(&mem);
    hd_mem_fail_after(&mem, 3, 0);
    void *a = hd_mem_malloc(&mem, 10);
    void *b = hd_mem_malloc(&mem, 10);
    void *c = hd_mem_malloc(&mem, 10);
    void *d = hd_mem_malloc(&mem, 10);
    CHECK(a && b && !c && d);
    CHECK_EQ(mem.failures, 1);
    hd_mem_free(&mem, a);
    hd_mem_free(&mem, b);
    hd_mem_free(&mem, d);

    hd_mem_fail_after(&mem, 1, 1);
    CHECK(hd_mem_malloc(&mem, 1) == NULL);
    CHECK(hd_mem_arena_alloc(&mem, 4096) == NULL);
    hd_mem_fail_after(&mem, 0, 0);
    void *arena = hd_mem_arena_alloc(&mem, 1 << 20);
    CHECK(arena != NULL);
    hd_mem_arena_free(&mem, arena, 1 << 20);
}
