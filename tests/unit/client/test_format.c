/*
 * test_format.c: heapctl's output (client/out.c, fmt_*.c). The expected
 * texts of the CPython-shaped formats were printed by Debian 12's python3
 * (3.11): sys._debugmallocstats() for the class table and figures, and
 * tracemalloc._format_size / Statistic / StatisticDiff for the tracing lines.
 */
#include "test.h"

#include <jansson.h>

#include "fmt.h"
#include "out.h"

/* Run print(f) into a string. Ownership: the caller frees the result. */
#define CAPTURE(var, stmt)                                                                         \
    char *var = NULL;                                                                              \
    do {                                                                                           \
        size_t cap_len;                                                                            \
        FILE *f = open_memstream(&var, &cap_len);                                                  \
        stmt;                                                                                      \
        fclose(f);                                                                                 \
    } while (0)

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        hd_test_fail(__FILE__, __LINE__, "bad JSON in a test: %s", e.text);
    return v;
}

TEST(sizes_and_commas)
{
    char b[32];
    CHECK_STR(hc_fmt_size(0, b, sizeof b), "0 B");
    CHECK_STR(hc_fmt_size(1023, b, sizeof b), "1023 B");
    CHECK_STR(hc_fmt_size(1024, b, sizeof b), "1.0 KiB");
    CHECK_STR(hc_fmt_size(1536, b, sizeof b), "1.5 KiB");
    CHECK_STR(hc_fmt_size(1048576, b, sizeof b), "1.0 MiB");
    CHECK_STR(hc_fmt_size(268435456, b, sizeof b), "256.0 MiB");
    CHECK_STR(hc_fmt_size(-2048, b, sizeof b), "-2.0 KiB");
    CHECK_STR(hc_fmt_commas(0, b, sizeof b), "0");
    CHECK_STR(hc_fmt_commas(999, b, sizeof b), "999");
    CHECK_STR(hc_fmt_commas(4194304, b, sizeof b), "4,194,304");
    CHECK_STR(hc_fmt_commas(-1234567, b, sizeof b), "-1,234,567");
    CHECK_STR(hc_fmt_commas(INT64_MIN, b, sizeof b), "-9,223,372,036,854,775,808");
}

TEST(color_rules)
{
    setenv("NO_COLOR", "1", 1);
    CHECK_EQ(hc_color_wanted(stdout, NULL), 0);
    CHECK_EQ(hc_color_wanted(stdout, "always"), 1);
    unsetenv("NO_COLOR");
    FILE *f = tmpfile();
    CHECK_EQ(hc_color_wanted(f, "auto"), 0); /* not a terminal */
    CHECK_EQ(hc_color_wanted(f, "never"), 0);
    fclose(f);
    char sgr[16];
    CHECK_STR(hc_sgr_on(1, HC_RED, sgr), "\x1b[31m");
    CHECK_STR(hc_sgr_on(0, HC_RED, sgr), "");
    CHECK_STR(hc_sgr_off(1), "\x1b[0m");
}

TEST(table_alignment)
{
    static const char *const heads[] = {"NAME", "N", "REPR"};
    hc_table_t t;
    hc_table_init(&t, 3, heads, 0x2u);
    CHECK_OK(hc_table_row(&t, (const char *[]){"a", "1", "[1]"}));
    CHECK_OK(hc_table_row(&t, (const char *[]){"long\xc3\xa9", "100", NULL}));
    CAPTURE(text, hc_table_print(&t, f, 0));
    CHECK_STR(text, "NAME     N  REPR\n"
                    "a        1  [1]\n"
                    "long\xc3\xa9  100  -\n");
    free(text);
    CAPTURE(colored, hc_table_print(&t, f, 1));
    CHECK(strncmp(colored, "\x1b[1mNAME", 8) == 0);
    free(colored);
    hc_table_free(&t);
}

TEST(summaries)
{
    json_t *s = parse("[{\"name\":\"n\",\"id\":5,\"addr\":1048800,\"type\":\"instance\","
                      "\"class\":\"Node\",\"size\":56,\"refcount\":2,\"tracked\":true,"
                      "\"generation\":3,\"repr\":\"<Node object at 0x1000e0>\"},"
                      "{\"name\":\"x\",\"id\":12,\"addr\":16,\"type\":\"int\",\"size\":28,"
                      "\"refcount\":1,\"tracked\":false,\"repr\":\"7\"}]");
    CAPTURE(text, hc_print_summaries(f, s, "NAME", "name", 0));
    CHECK_STR(text, "NAME  ID  TYPE  SIZE  REFS  GC    ADDR      REPR\n"
                    "n      5  Node    56     2  perm  0x1000e0  <Node object at 0x1000e0>\n"
                    "x     12  int     28     1  no    0x10      7\n");
    free(text);
    CAPTURE(line, hc_print_summary_line(f, json_array_get(s, 1), 0));
    CHECK_STR(line, "#12 int  size=28 refcount=1 gc=no addr=0x10  7\n");
    free(line);
    json_t *empty = json_array();
    CAPTURE(none, hc_print_summaries(f, empty, NULL, NULL, 0));
    CHECK_STR(none, "(none)\n");
    free(none);
    json_decref(empty);
    json_decref(s);
}

/* python3 -c 'import sys; x=[[] for i in range(100)]; sys._debugmallocstats()' printed
 * these lines (a 4-arena process); the stats below hold the same figures. */
TEST(mallocstats_layout_matches_python)
{
    json_t *st = parse(
        "{\"size_classes\":[{\"index\":0,\"size\":16,\"pools\":1,\"blocks_used\":106,"
        "\"blocks_free\":915},{\"index\":1,\"size\":32,\"pools\":3,\"blocks_used\":1148,"
        "\"blocks_free\":382},{\"index\":2,\"size\":48,\"pools\":0,\"blocks_used\":0,"
        "\"blocks_free\":0},{\"index\":31,\"size\":512,\"pools\":2,\"blocks_used\":50,"
        "\"blocks_free\":12}],"
        "\"arenas\":{\"current\":4,\"highwater\":4,\"allocated_total\":4,\"reclaimed_total\":0},"
        "\"pools\":{\"used\":6,\"free\":17},"
        "\"bytes\":{\"in_used_blocks\":3498544,\"in_free_blocks\":323936,\"pool_overhead\":11280,"
        "\"arena_unused\":278528,\"large\":0,\"quantization\":16480,\"arena_alignment\":65536},"
        "\"large\":{\"count\":2,\"bytes\":4096},\"fragmentation\":0.25}");
    CAPTURE(text, hc_fmt_mallocstats(f, st));
    const char *expect = "Small block threshold = 512, in 4 size classes.\n"
                         "\n"
                         "class   size   num pools   blocks in use  avail blocks\n"
                         "-----   ----   ---------   -------------  ------------\n"
                         "    0     16           1             106           915\n"
                         "    1     32           3            1148           382\n"
                         "   31    512           2              50            12\n"
                         "\n"
                         "# arenas allocated total           =                    4\n"
                         "# arenas reclaimed                 =                    0\n"
                         "# arenas highwater mark            =                    4\n"
                         "# arenas allocated current         =                    4\n"
                         "4 arenas * 1048576 bytes/arena     =            4,194,304\n"
                         "\n"
                         "# bytes in allocated blocks        =            3,498,544\n"
                         "# bytes in available blocks        =              323,936\n"
                         "17 unused pools * 16384 bytes      =              278,528\n"
                         "# bytes lost to pool headers       =               11,280\n"
                         "# bytes lost to quantization       =               16,480\n"
                         "# bytes lost to arena alignment    =               65,536\n"
                         "Total                              =            4,194,304\n"
                         "\n";
    CHECK(strncmp(text, expect, strlen(expect)) == 0);
    CHECK(strstr(text, "# large blocks                     =                    2\n"));
    CHECK(strstr(text, "# bytes in large blocks            =                4,096\n"));
    free(text);
    json_decref(st);
}

TEST(mallocstats_computes_quantization)
{
    /* 16 KiB pools with a 48-byte header: (16384 - 48) % 48 = 16 bytes lost per pool of
     * class 2, (16384 - 48) % 496 = 464 per pool of class 30. */
    json_t *st = parse("{\"size_classes\":[{\"index\":2,\"size\":48,\"pools\":3,"
                       "\"blocks_used\":1,\"blocks_free\":1},{\"index\":30,\"size\":496,"
                       "\"pools\":1,\"blocks_used\":1,\"blocks_free\":1}],"
                       "\"arenas\":{\"current\":0},\"pools\":{},\"bytes\":{},\"large\":{},"
                       "\"fragmentation\":0}");
    CAPTURE(text, hc_fmt_mallocstats(f, st));
    CHECK(strstr(text, "# bytes lost to quantization       =                  512\n"));
    free(text);
    json_decref(st);
}

TEST(trace_sizes_match_python)
{
    /* tracemalloc._format_size(v, sign) as python3 prints it */
    static const struct {
        double v;
        int sign;
        const char *text;
    } cases[] = {
        {0, 0, "0 B"},
        {512, 0, "512 B"},
        {10239, 0, "10239 B"},
        {10240, 0, "10.0 KiB"},
        {83.2, 0, "83 B"},
        {83.5, 0, "84 B"},
        {102338.56, 0, "99.9 KiB"},
        {102400, 0, "100 KiB"},
        {8712, 1, "+8712 B"},
        {-8712, 1, "-8712 B"},
        {0, 1, "+0 B"},
        {1099511627776.0, 0, "1024 GiB"},
        {5629499534213120.0, 0, "5120 TiB"},
        {123456789, 0, "118 MiB"},
        {-20000, 1, "-19.5 KiB"},
    };
    char b[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(hc_fmt_trace_size(cases[i].v, cases[i].sign, b, sizeof b), cases[i].text);
}

TEST(trace_lines_match_python)
{
    /* str(Statistic) and str(StatisticDiff) of python3's tracemalloc for these figures */
    json_t *stats = parse("[{\"key\":\"app.py:3\",\"size\":3328,\"count\":40},"
                          "{\"key\":\"<unknown>\",\"size\":0,\"count\":0}]");
    CAPTURE(text, hc_fmt_trace_stats(f, stats));
    CHECK_STR(text, "app.py:3: size=3328 B, count=40, average=83 B\n"
                    "<unknown>: size=0 B, count=0\n");
    free(text);
    json_decref(stats);
    json_t *diff = parse("[{\"key\":\"list\",\"size\":8800,\"size_diff\":8712,\"count\":100,"
                         "\"count_diff\":99},{\"key\":\"int\",\"size\":28,\"size_diff\":-56,"
                         "\"count\":1,\"count_diff\":-2}]");
    CAPTURE(dtext, hc_fmt_trace_compare(f, diff));
    CHECK_STR(dtext, "list: size=8800 B (+8712 B), count=100 (+99), average=88 B\n"
                     "int: size=28 B (-56 B), count=1 (-2), average=28 B\n");
    free(dtext);
    json_decref(diff);
}

TEST(alloc_map)
{
    json_t *arenas = parse("[{\"index\":0,\"addr\":1048576,\"pools\":["
                           "{\"size_class\":1,\"used\":2,\"capacity\":507},"
                           "{\"size_class\":3,\"used\":254,\"capacity\":254},"
                           "{\"size_class\":5,\"used\":100,\"capacity\":169},"
                           "{\"size_class\":null,\"used\":0,\"capacity\":0}]}]");
    CAPTURE(text, hc_fmt_alloc_map(f, arenas, 1, 0));
    CHECK(strstr(text, "1 arena;"));
    CHECK(strstr(text, "    0  0x100000     1#6.  3/4 pools used\n"));
    free(text);
    json_decref(arenas);
}

static json_t *note_alloc(void)
{
    return parse("{\"subscription\":1,\"heap\":\"demo\",\"seq\":7,\"ts_ms\":1763729000123,"
                 "\"objects\":5,\"tracked\":4,\"bytes\":364,\"arena_bytes\":1048576,"
                 "\"gc_counts\":[4,0,0],\"alloc\":{\"arenas\":{\"current\":1},"
                 "\"fragmentation\":0.9997558}}");
}

TEST(watch_state_and_screen)
{
    static hc_watch_state_t w;
    memset(&w, 0, sizeof w);
    snprintf(w.title, sizeof w.title, "heapctl watch demo");
    snprintf(w.status, sizeof w.status, "connected to ws://x/ws");
    hc_watch_heap(&w, "demo")->thresholds[0] = 700;
    json_t *a = note_alloc();
    CHECK_EQ(hc_watch_apply(&w, "stream.alloc", a), 1);
    json_t *g = parse("{\"subscription\":1,\"heap\":\"demo\",\"seq\":8,\"ts_ms\":1763729000200,"
                      "\"phase\":\"stop\",\"generation\":2,\"collected\":2,\"uncollectable\":0,"
                      "\"automatic\":false,\"duration_us\":12}");
    CHECK_EQ(hc_watch_apply(&w, "stream.gc", g), 1);
    json_t *e = parse("{\"subscription\":1,\"heap\":\"demo\",\"seq\":9,\"ts_ms\":1763729000201,"
                      "\"event\":\"weakref_callback\",\"object\":5,\"type\":\"Node\","
                      "\"weakref\":6}");
    CHECK_EQ(hc_watch_apply(&w, "stream.event", e), 1);
    CHECK_EQ(w.heaps[0].collections[2], 1);
    CAPTURE(text, hc_watch_render(&w, f, 200, 1, 0));
    CHECK(strstr(text, "heapctl watch demo\x1b[K\n"));
    CHECK(strstr(
        text,
        "HEAP               OBJECTS   TRACKED      BYTES ARENAS  ARENA MEM    FRAG  GEN0      GEN1"
        "    GEN2     COLLECTIONS\x1b[K\n"
        "demo                     5         4      364 B      1    1.0 MiB  "
        "100.0%  4/700     0       0        0/0/1\x1b[K\n"));
    CHECK(strstr(text, "demo gen 2: collected 2, uncollectable 0, pause 12 us"));
    CHECK(strstr(text, "demo weakref_callback #5 (Node) weakref #6"));
    free(text);
    CAPTURE(narrow, hc_watch_render(&w, f, 10, 0, 0));
    CHECK(strstr(narrow, "heapctl wa\n"));
    CHECK(!strstr(narrow, "\x1b["));
    free(narrow);
    json_decref(a);
    json_decref(g);
    json_decref(e);
}

TEST(watch_heaps_come_and_go)
{
    static hc_watch_state_t w;
    memset(&w, 0, sizeof w);
    json_t *c = parse("{\"subscription\":1,\"heap\":\"copy\",\"seq\":1,\"ts_ms\":0,"
                      "\"event\":\"created\"}");
    json_t *d = parse("{\"subscription\":1,\"heap\":\"copy\",\"seq\":2,\"ts_ms\":0,"
                      "\"event\":\"dropped\"}");
    hc_watch_heap(&w, "copy");
    CHECK_EQ(w.nheaps, 1);
    CHECK_EQ(hc_watch_apply(&w, "stream.heap", c), 1);
    CHECK_EQ(hc_watch_apply(&w, "stream.heap", d), 1);
    CHECK_EQ(w.nheaps, 0);
    CHECK_EQ(w.nevents, 2);
    for (int i = 0; i < 20; i++)
        hc_watch_apply(&w, "stream.heap", c);
    CHECK_EQ(w.nevents, HC_WATCH_RING);
    CHECK_EQ(hc_watch_apply(&w, "stream.nothing", c), 0);
    json_decref(c);
    json_decref(d);
}

TEST(watch_lines)
{
    json_t *a = note_alloc();
    char buf[1024];
    hc_watch_line("stream.alloc", a, buf, sizeof buf);
    CHECK(strstr(buf, " demo alloc objects=5 tracked=4 bytes=364 arena_bytes=1048576 "
                      "gc_counts=[4,0,0] arenas=1 fragmentation=0.9998"));
    CHECK(!strstr(buf, "seq="));
    json_decref(a);
    json_t *h = parse("{\"subscription\":3,\"heap\":\"copy\",\"seq\":1,\"ts_ms\":0,"
                      "\"event\":\"created\"}");
    hc_watch_line("stream.heap", h, buf, sizeof buf);
    CHECK(strstr(buf, " copy heap event=created"));
    json_decref(h);
}
