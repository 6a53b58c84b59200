/*
 * trace_util.h: helpers shared by the tests of the allocation-tracing module
 * (trace.h), test_trace_*.c: a tracer on a fault-injectable allocator, fake
 * block addresses, interning shorthands, and the fixed-seed generator of the
 * randomized cases. Running python3 and comparing its output is rt_oracle.h's.
 *
 * Block addresses are fake (they are only hash keys and are never
 * dereferenced): blk(i) is a 16-byte aligned address in a plausible heap
 * range.
 *
 * Header-only (static inline), like rt_util.h: each test_trace_*.c is a test
 * program of its own.
 */
#ifndef HD_TRACE_UTIL_H
#define HD_TRACE_UTIL_H

#include <inttypes.h>
#include <stdint.h>

#include "err.h"
#include "mem.h"
#include "rt_oracle.h"
#include "test.h"
#include "trace.h"

#define GIB4 ((size_t)1 << 32)

static inline const void *blk(size_t i)
{
    return (const void *)(uintptr_t)(0x7f3a00000000ull + 16 * (uint64_t)i);
}

/* the allocator of the tracer new_trace makes (faults are injected here) */
static hd_mem_t test_mem;

/* new_trace: a new tracer, not tracing, on test_mem (reinitialised). */
static inline hd_trace_t *new_trace(void)
{
    hd_trace_t *t = NULL;
    hd_mem_init_default(&test_mem);
    CHECK_OK(hd_trace_new(&test_mem, &t));
    CHECK(t != NULL);
    return t;
}

static inline void check_memory(const hd_trace_t *t, size_t current, size_t peak)
{
    size_t c = 1, p = 1;
    hd_trace_memory(t, &c, &p);
    CHECK_EQ(c, current);
    CHECK_EQ(p, peak);
}

static inline uint32_t site(hd_trace_t *t, const char *text)
{
    uint32_t id = 0;
    CHECK_OK(hd_trace_intern_site(t, text, &id));
    return id;
}

static inline uint32_t kind(hd_trace_t *t, const char *text)
{
    uint32_t id = 0;
    CHECK_OK(hd_trace_intern_kind(t, text, &id));
    return id;
}

/* add_n: trace `n` blocks of `size` bytes from block index *next on. */
static inline void add_n(hd_trace_t *t, size_t *next, size_t n, size_t size, uint32_t s, uint32_t k)
{
    for (size_t i = 0; i < n; i++)
        CHECK_OK(hd_trace_add(t, blk((*next)++), size, s, k));
}

/* xorshift64*: the fixed-seed generator of the randomized cases; each case
 * sets rng_state first. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static inline uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

#endif
