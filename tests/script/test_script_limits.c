/*
 * test_script_limits.c: the heap script language's budgets and its
 * behaviour under hostile programs: every budget stops a program with its
 * own status and name, deep nesting and deep recursion become CPython's
 * errors instead of exhausting the C stack, huge requests become
 * MemoryError, a program never touches another heap, and a failed run
 * leaves a heap that passes its own invariant checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"
#include "heap.h"
#include "script.h"
#include "test.h"

typedef struct run {
    hd_mem_t mem;
    hd_heap_t *h;
    hd_script_result_t r;
} run_t;

static void run_open(run_t *x)
{
    hd_mem_init_default(&x->mem);
    CHECK_OK(hd_heap_new(&x->mem, NULL, &x->h));
    memset(&x->r, 0, sizeof(x->r));
}

static int run_src(run_t *x, const char *src, const hd_script_limits_t *lim)
{
    hd_script_result_close(&x->r);
    memset(&x->r, 0, sizeof(x->r));
    CHECK_OK(hd_script_run(x->h, src, strlen(src), lim, &x->r));
    return (int)x->r.status;
}

static void run_close(run_t *x)
{
    hd_script_result_close(&x->r);
    const char *why = "";
    if (hd_heap_validate(x->h, &why, NULL) != 0)
        hd_test_fail(__FILE__, __LINE__, "heap invalid: %s", why);
    hd_heap_free(x->h);
}

/* a clock that moves 1 ms each time it is read */
static uint64_t fake_clock(void *ctx)
{
    uint64_t *t = ctx;
    return *t += 1000000;
}

TEST(steps_budget)
{
    run_t x;
    run_open(&x);
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.max_steps = 10000;
    CHECK_EQ(run_src(&x, "n = 0\nwhile True:\n    n += 1\n", &lim), HD_SCRIPT_BUDGET);
    CHECK_STR(x.r.budget, "script_steps");
    /* what ran stays done; the next run works */
    CHECK_EQ(run_src(&x, "print(n > 100)\n", &lim), HD_SCRIPT_OK);
    CHECK_STR(x.r.out, "True\n");
    run_close(&x);
}

TEST(time_budget)
{
    run_t x;
    run_open(&x);
    uint64_t t = 0;
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.max_time_ns = 50 * 1000000u;
    lim.clock_ns = fake_clock;
    lim.clock_ctx = &t;
    CHECK_EQ(run_src(&x, "while True:\n    x = [1, 2]\n", &lim), HD_SCRIPT_BUDGET);
    CHECK_STR(x.r.budget, "script_time");
    run_close(&x);
}

TEST(output_and_source_budgets)
{
    run_t x;
    run_open(&x);
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.max_output = 100;
    CHECK_EQ(run_src(&x, "for i in range(1000):\n    print(i)\n", &lim), HD_SCRIPT_BUDGET);
    CHECK_STR(x.r.budget, "script_output");
    CHECK(x.r.out_len <= 100);
    lim.max_source = 10;
    CHECK_EQ(run_src(&x, "x = 1234567890\n", &lim), HD_SCRIPT_BUDGET);
    CHECK_STR(x.r.budget, "script_source");
    run_close(&x);
}

TEST(budget_inside_a_finalizer)
{
    run_t x;
    run_open(&x);
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.max_steps = 20000;
    const char *src = "class A:\n"
                      "    def __del__(self):\n"
                      "        while True:\n"
                      "            pass\n"
                      "a = A()\n"
                      "del a\n"
                      "print('unreached')\n";
    CHECK_EQ(run_src(&x, src, &lim), HD_SCRIPT_BUDGET);
    CHECK_STR(x.r.budget, "script_steps");
    CHECK_EQ(x.r.out_len, 0);
    run_close(&x);
}

TEST(recursion_is_recursion_error)
{
    run_t x;
    run_open(&x);
    CHECK_EQ(run_src(&x, "def f(n):\n    return f(n + 1)\nf(0)\n", NULL), HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "RecursionError");
    CHECK_STR(x.r.message, "maximum recursion depth exceeded");
    /* through __init__ and __repr__ too */
    CHECK_EQ(run_src(&x, "class A:\n    def __init__(self):\n        A()\nA()\n", NULL),
             HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "RecursionError");
    CHECK_EQ(run_src(&x,
                     "class B:\n    def __repr__(self):\n        return repr(self)\nprint(B())\n",
                     NULL),
             HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "RecursionError");
    run_close(&x);
}

TEST(deep_nesting_is_a_syntax_error)
{
    run_t x;
    run_open(&x);
    size_t n = 100000;
    char *src = malloc(2 * n + 16);
    CHECK(src);
    strcpy(src, "x = ");
    memset(src + 4, '(', n);
    memset(src + 4 + n, ')', n);
    src[4 + 2 * n] = '\0';
    CHECK_EQ(run_src(&x, src, NULL), HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "SyntaxError");
    CHECK_STR(x.r.message, "too many nested parentheses");
    /* unary operators and indentation, nested deep */
    memset(src, '-', n);
    strcpy(src + n, "1\n");
    CHECK_EQ(run_src(&x, src, NULL), HD_SCRIPT_ERROR);
    size_t k = 0;
    for (int d = 0; d < 300 && k + 400 < 2 * n; d++) {
        memset(src + k, ' ', (size_t)d);
        k += (size_t)d;
        memcpy(src + k, "if 1:\n", 6);
        k += 6;
    }
    memset(src + k, ' ', 300);
    strcpy(src + k + 300, "pass\n");
    CHECK_EQ(run_src(&x, src, NULL), HD_SCRIPT_ERROR);
    free(src);
    run_close(&x);
}

TEST(deep_structures_do_not_exhaust_the_stack)
{
    run_t x;
    run_open(&x);
    const char *src = "l = []\n"
                      "for i in range(300000):\n"
                      "    l = [l]\n"
                      "d = {}\n"
                      "for i in range(300000):\n"
                      "    d = {'k': d}\n"
                      "del l, d\n"
                      "print('freed')\n";
    CHECK_EQ(run_src(&x, src, NULL), HD_SCRIPT_OK);
    CHECK_STR(x.r.out, "freed\n");
    CHECK_EQ(run_src(&x, "l = []\nfor i in range(5000):\n    l = [l]\nprint(l)\n", NULL),
             HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "RecursionError");
    CHECK_EQ(run_src(&x, "import gc\nprint(gc.collect() >= 0)\n", NULL), HD_SCRIPT_OK);
    run_close(&x);
}

TEST(huge_requests_are_memory_errors)
{
    run_t x;
    run_open(&x);
    const char *const progs[] = {"x = 'a' * (10 ** 10)\n", "x = [0] * (10 ** 10)\n",
                                 "x = (1,) * (10 ** 10)\n", "x = b'ab' * (10 ** 10)\n",
                                 "x = 7 ** (10 ** 7)\n"};
    for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
        CHECK_EQ(run_src(&x, progs[i], NULL), HD_SCRIPT_ERROR);
        CHECK_STR(x.r.exc_type, "MemoryError");
    }
    run_close(&x);
}

TEST(collector_settings_can_be_denied)
{
    run_t x;
    run_open(&x);
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.allow_gc_config = false;
    CHECK_EQ(run_src(&x, "import gc\nprint(gc.get_threshold())\ngc.disable()\nprint(1)\n", &lim),
             HD_SCRIPT_DENIED);
    CHECK_STR(x.r.out, "(700, 10, 10)\n");
    CHECK(hd_gc_is_enabled(x.h));
    run_close(&x);
}

TEST(errors_have_position_and_output)
{
    run_t x;
    run_open(&x);
    CHECK_EQ(run_src(&x, "print('a')\nx = 1\ny = x + z\n", NULL), HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "NameError");
    CHECK_STR(x.r.message, "name 'z' is not defined");
    CHECK_EQ(x.r.line, 3);
    CHECK_EQ(x.r.col, 9);
    CHECK_STR(x.r.out, "a\n");
    char line[256];
    hd_script_line(&x.r, line, sizeof(line));
    CHECK_STR(line, "NameError: name 'z' is not defined");
    CHECK_EQ(run_src(&x, "def f(:\n", NULL), HD_SCRIPT_ERROR);
    CHECK_STR(x.r.exc_type, "SyntaxError");
    CHECK_EQ(x.r.line, 1);
    run_close(&x);
}

TEST(another_heap_is_untouched)
{
    run_t a, b;
    run_open(&a);
    run_open(&b);
    CHECK_EQ(run_src(&b, "keep = [1, 2, 3]\n", NULL), HD_SCRIPT_OK);
    hd_heap_totals_t before, after;
    hd_heap_totals(b.h, &before);
    CHECK_EQ(run_src(&a, "import gc\nx = [[i] for i in range(1000)]\ngc.collect()\n", NULL),
             HD_SCRIPT_OK);
    CHECK_EQ(run_src(&a, "print(keep)\n", NULL), HD_SCRIPT_ERROR);
    CHECK_STR(a.r.exc_type, "NameError");
    hd_heap_totals(b.h, &after);
    CHECK_EQ(before.objects, after.objects);
    CHECK_EQ(run_src(&b, "print(keep)\n", NULL), HD_SCRIPT_OK);
    CHECK_STR(b.r.out, "[1, 2, 3]\n");
    run_close(&a);
    run_close(&b);
}

/* a program touching most of the language and the runtime */
static const char fault_src[] = "import gc, sys, weakref, tracemalloc\n"
                                "tracemalloc.start()\n"
                                "class Node:\n"
                                "    def __init__(self, name):\n"
                                "        self.name = name\n"
                                "        self.peer = None\n"
                                "    def __del__(self):\n"
                                "        print('del', self.name)\n"
                                "def cb(r):\n"
                                "    print('cb')\n"
                                "a = Node('a')\n"
                                "b = Node('b')\n"
                                "a.peer = b\n"
                                "b.peer = a\n"
                                "w = weakref.ref(a, cb)\n"
                                "f = weakref.finalize(b, print, 'fin')\n"
                                "d = {str(i): [i] * 3 for i in range(20)}\n"
                                "t = tuple(sorted(d))\n"
                                "print(sys.getrefcount(a), len(d), t[:3], f'{a.name!r:>4}')\n"
                                "del a, b\n"
                                "print(gc.collect())\n"
                                "s = tracemalloc.take_snapshot()\n"
                                "print(len(s.statistics('lineno')) > 0)\n";

/* every allocation the program makes fails in turn: the run reports it (a
 * MemoryError or HD_ENOMEM), never crashes, and leaves a valid heap */
static void fault_run_src(const char *src, uint64_t nth, int sticky)
{
    run_t x;
    run_open(&x);
    hd_mem_fail_after(&x.mem, nth, sticky);
    int rc = hd_script_run(x.h, src, strlen(src), NULL, &x.r);
    hd_mem_fail_after(&x.mem, 0, 0);
    CHECK(rc == 0 || rc == HD_ENOMEM);
    if (rc == 0)
        CHECK(x.r.status == HD_SCRIPT_OK || x.r.status == HD_SCRIPT_ERROR);
    run_close(&x);
}

static void fault_run(uint64_t nth, int sticky)
{
    fault_run_src(fault_src, nth, sticky);
}

TEST(allocation_failures)
{
    run_t x;
    run_open(&x);
    uint64_t before = x.mem.requests;
    CHECK_EQ(run_src(&x, fault_src, NULL), HD_SCRIPT_OK);
    uint64_t total = x.mem.requests - before;
    run_close(&x);
    uint64_t step = total > 1500 ? total / 1500 : 1;
    for (uint64_t n = 1; n <= total + 5; n += step) {
        fault_run(n, 1);
        fault_run(n, 0);
    }
}

/* the heap's object cap reached at every point of the program in turn:
 * each allocation that fails becomes a MemoryError (or stops the run) */
TEST(heap_caps_at_every_point)
{
    run_t x;
    run_open(&x);
    CHECK_EQ(run_src(&x, fault_src, NULL), HD_SCRIPT_OK);
    hd_heap_totals_t t;
    hd_heap_totals(x.h, &t);
    uint64_t used = t.objects;
    run_close(&x);
    for (uint64_t cap = 1; cap <= used + 50; cap++) {
        run_open(&x);
        hd_heap_set_limits(x.h, 0, cap);
        int rc = hd_script_run(x.h, fault_src, strlen(fault_src), NULL, &x.r);
        CHECK(rc == 0 || rc == HD_ENOMEM || rc == HD_ELIMIT);
        hd_heap_set_limits(x.h, 0, 0);
        run_close(&x);
    }
}

/* int operations that make temporaries (longops.c): quotients, Karatsuba
 * products, powers, shifts, bitwise ops, true division, decimal text */
static const char int_src[] =
    "P = 3 ** 1500\n"
    "Q = -(7 ** 2000) - 1\n"
    "R = 5 ** 2000\n"
    "print(P * Q % 1000, (R * R) // Q % 1000, divmod(Q, P)[1] % 97)\n"
    "print((2 ** 40 + 3) ** 7 % 1009, -P >> 100 == -(P >> 100) - 1)\n"
    "print((-(2 ** 62) & 2 ** 40 + 5) | -12345, P / Q, str(Q)[:5])\n"
    "print(pow(7, 2 ** 70 + 3, 2 ** 100 + 7), pow(P, -3, 2 ** 61 - 1) % 1000)\n";

/* every allocation fails in turn, and the heap's object cap is reached at
 * every point: each failure is a MemoryError or stops the run, and the heap
 * is left valid with nothing leaked */
TEST(int_operation_failures)
{
    run_t x;
    run_open(&x);
    uint64_t before = x.mem.requests;
    CHECK_EQ(run_src(&x, int_src, NULL), HD_SCRIPT_OK);
    uint64_t total = x.mem.requests - before;
    hd_heap_totals_t t;
    hd_heap_totals(x.h, &t);
    uint64_t used = t.objects;
    run_close(&x);
    for (uint64_t n = 1; n <= total + 5; n++) {
        for (int sticky = 0; sticky < 2; sticky++) {
            run_open(&x);
            hd_mem_fail_after(&x.mem, n, sticky);
            int rc = hd_script_run(x.h, int_src, strlen(int_src), NULL, &x.r);
            hd_mem_fail_after(&x.mem, 0, 0);
            CHECK(rc == 0 || rc == HD_ENOMEM);
            run_close(&x);
        }
    }
    for (uint64_t cap = 1; cap <= used + 100; cap++) {
        run_open(&x);
        hd_heap_set_limits(x.h, 0, cap);
        int rc = hd_script_run(x.h, int_src, strlen(int_src), NULL, &x.r);
        CHECK(rc == 0 || rc == HD_ENOMEM || rc == HD_ELIMIT);
        hd_heap_set_limits(x.h, 0, 0);
        run_close(&x);
    }
}

/* the builtins, methods and syntax of issue 5 (s4): map and filter,
 * frozenset, ascii, vars, sys.intern, str.encode and the stringlib
 * methods, the set methods, dict.fromkeys, extended slices, '**' in dict
 * displays and f-string '=' -- every allocation fails in turn and the
 * object cap is reached at every point: a MemoryError or a stopped run, a
 * valid heap, nothing leaked (run_close validates; the ASan build checks
 * leaks) */
static const char issue5_src[] =
    "import sys, tracemalloc\n"
    "tracemalloc.start()\n"
    "class P:\n"
    "    def __init__(self):\n"
    "        self.x = 1\n"
    "m = list(map(lambda a, b, c, d, e, f: a + f, [1, 2], [3], [4, 5], [6], [7], [8, 9]))\n"
    "g = list(filter(lambda v: v % 2, range(9))) + list(filter(None, [0, 'a', '']))\n"
    "fs = frozenset('hello') | {1}\n"
    "h = {fs: ascii('caf\\u00e9 ' * 30), frozenset(): vars(P())}\n"
    "s = ''.join(['na', 'me'])\n"
    "i = sys.intern(s) is 'name'\n"
    "parts = ' a b  c '.split() + 'x,y'.rsplit(',', 1) + list('k=v'.partition('='))\n"
    "lines = 'one\\ntwo\\r\\n'.splitlines(True) + ['AbC'.swapcase(), 'ab cd'.title()]\n"
    "b = ('\\u00e9' * 300).encode() + 'x'.encode('ascii')\n"
    "st = set(range(20))\n"
    "st.symmetric_difference_update(range(10, 30))\n"
    "st.intersection_update(range(5, 25), {7, 8, 9, 26})\n"
    "lst = list(range(20))\n"
    "lst[::2] = range(10)\n"
    "del lst[1::3]\n"
    "d = {**h, 'z': 1, **{'w': 2}}\n"
    "fk = [dict.fromkeys(st), dict.fromkeys(d, 0), {}.fromkeys(range(5)), dict.fromkeys('ab')]\n"
    "print(f'{len(m)=} {g=} {len(fs)} {i} {parts!r} {lines} {len(b)} {st} {lst} {len(d)}')\n";

TEST(issue5_failures)
{
    run_t x;
    run_open(&x);
    uint64_t before = x.mem.requests;
    CHECK_EQ(run_src(&x, issue5_src, NULL), HD_SCRIPT_OK);
    uint64_t total = x.mem.requests - before;
    hd_heap_totals_t t;
    hd_heap_totals(x.h, &t);
    uint64_t used = t.objects;
    run_close(&x);
    uint64_t step = total > 1500 ? total / 1500 : 1;
    for (uint64_t n = 1; n <= total + 5; n += step) {
        fault_run_src(issue5_src, n, 1);
        fault_run_src(issue5_src, n, 0);
    }
    for (uint64_t cap = 1; cap <= used + 50; cap++) {
        run_open(&x);
        hd_heap_set_limits(x.h, 0, cap);
        int rc = hd_script_run(x.h, issue5_src, strlen(issue5_src), NULL, &x.r);
        CHECK(rc == 0 || rc == HD_ENOMEM || rc == HD_ELIMIT);
        hd_heap_set_limits(x.h, 0, 0);
        run_close(&x);
    }
}
