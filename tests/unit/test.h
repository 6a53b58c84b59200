/*
 * test.h: the unit-test harness. A case is
 *
 *     TEST(name) { CHECK(...); }
 *
 * on a line of its own; CMake finds each case by that pattern and registers
 * it as its own CTest test, and the test program runs the case named by its
 * first argument (all cases, in order, when run without one). A failed CHECK
 * prints where and what, then exits 1.
 */
#ifndef HD_TEST_H
#define HD_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hd_test_case {
    const char *name;
    void (*fn)(void);
} hd_test_case_t;

void hd_test_register(const char *name, void (*fn)(void));
_Noreturn void hd_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        hd_test_register(#name, test_##name);                                                      \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            hd_test_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);                           \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long hd__a = (long long)(a), hd__b = (long long)(b);                                  \
        if (hd__a != hd__b)                                                                        \
            hd_test_fail(__FILE__, __LINE__, "%s == %s failed: %lld != %lld", #a, #b, hd__a,       \
                         hd__b);                                                                   \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *hd__a = (a), *hd__b = (b);                                                     \
        if (strcmp(hd__a, hd__b) != 0)                                                             \
            hd_test_fail(__FILE__, __LINE__,                                                       \
                         "%s == %s failed:\n  got      \"%s\"\n  expected \"%s\"", #a, #b, hd__a,  \
                         hd__b);                                                                   \
    } while (0)

/* CHECK_OK: the expression returns 0 (HD_OK). */
#define CHECK_OK(expr)                                                                             \
    do {                                                                                           \
        int hd__rc = (expr);                                                                       \
        if (hd__rc != 0)                                                                           \
            hd_test_fail(__FILE__, __LINE__, "%s returned %d", #expr, hd__rc);                     \
    } while (0)

#endif
