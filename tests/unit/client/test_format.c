/*
 * test_format.c: heapctl's output (client/out.c, fmt_*.c). The expected
 * texts of the CPython-shaped formats are printed by Debian 12's python3
 * (3.11) at test time: its own sys._debugmallocstats() (heapctl is given the
 * same figures) and tracemalloc's _format_size, Statistic and StatisticDiff.
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

/* py_out: run program with Debian's /usr/bin/python3 and return what it
 * printed on stdout (the oracle, asked at test time as rt_util.h's py_ints
 * does). Ownership: the caller frees the result. */
static char *py_out(const char *program)
{
    char path[] = "/tmp/hc_oracle_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *src = fdopen(fd, "w");
    CHECK(src != NULL);
    fputs(program, src);
    fclose(src);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s", path);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        fwrite(buf, 1, n, m);
    fclose(m);
    CHECK_EQ(pclose(p), 0);
    remove(path);
    return out;
}

/* python3 prints its own sys._debugmallocstats() (captured from fd 2), and
 * on the line before it, the same figures as an alloc.stats result. The
 * part heapctl reproduces (up to the first "Total" line and the blank line
 * after it) must come out byte for byte, with the server's quantization and
 * with heapctl computing it from the class table. */
static const char mallocstats_py[] =
    "import json, os, re, sys, tempfile\n"
    "keep = [[] for i in range(300)] + [bytearray(n) for n in range(1, 500, 7)]\n"
    "with tempfile.TemporaryFile() as t:\n"
    "    saved = os.dup(2)\n"
    "    os.dup2(t.fileno(), 2)\n"
    "    try:\n"
    "        sys._debugmallocstats()\n"
    "    finally:\n"
    "        os.dup2(saved, 2)\n"
    "        os.close(saved)\n"
    "    t.seek(0)\n"
    "    text = t.read().decode()\n"
    "lines = text.split('\\n')\n"
    "head = lines.index('-----   ----   ---------   -------------  ------------')\n"
    "rows = {}\n"
    "for l in lines[head + 1:]:\n"
    "    if not l:\n"
    "        break\n"
    "    i, size, pools, used, avail = map(int, l.split())\n"
    "    rows[i] = (pools, used, avail)\n"
    "fig = {}\n"
    "for l in lines:\n"
    "    if l[35:36] == '=':\n"
    "        k, _, v = l.rpartition('=')\n"
    "        fig.setdefault(k.strip(), int(v.replace(',', '')))\n"
    "unused = [int(l.split()[0]) for l in lines if re.match(r'^\\d+ unused pools', l)][0]\n"
    "classes = [dict(index=i, size=16 * (i + 1), pools=rows.get(i, (0, 0, 0))[0],\n"
    "                blocks_used=rows.get(i, (0, 0, 0))[1], blocks_free=rows.get(i, (0, 0, "
    "0))[2])\n"
    "           for i in range(32)]\n"
    "st = dict(size_classes=classes,\n"
    "          arenas=dict(current=fig['# arenas allocated current'],\n"
    "                      highwater=fig['# arenas highwater mark'],\n"
    "                      allocated_total=fig['# arenas allocated total'],\n"
    "                      reclaimed_total=fig['# arenas reclaimed']),\n"
    "          pools=dict(used=sum(r[0] for r in rows.values()), free=unused),\n"
    "          bytes=dict(in_used_blocks=fig['# bytes in allocated blocks'],\n"
    "                     in_free_blocks=fig['# bytes in available blocks'],\n"
    "                     pool_overhead=fig['# bytes lost to pool headers'],\n"
    "                     quantization=fig['# bytes lost to quantization'],\n"
    "                     arena_alignment=fig['# bytes lost to arena alignment']),\n"
    "          large=dict(count=0, bytes=0), fragmentation=0.0)\n"
    "total = next(i for i, l in enumerate(lines) if l.startswith('Total '))\n"
    "print(json.dumps(st))\n"
    "print('\\n'.join(lines[:total + 1]) + '\\n')\n";

TEST(mallocstats_layout_matches_python)
{
    char *out = py_out(mallocstats_py);
    char *nl = strchr(out, '\n');
    CHECK(nl != NULL);
    *nl = 0;
    const char *expect = nl + 1;
    CHECK(strncmp(expect, "Small block threshold = 512, in 32 size classes.\n", 49) == 0);
    json_t *st = parse(out);
    CAPTURE(text, hc_fmt_mallocstats(f, st));
    if (strncmp(text, expect, strlen(expect)) != 0)
        hd_test_fail(__FILE__, __LINE__, "python3 printed:\n%s\nheapctl printed:\n%s", expect,
                     text);
    CHECK(strstr(text, "# large blocks                     =                    0\n"));
    free(text);
    /* without the server's figure, heapctl's quantization is CPython's */
    json_object_del(json_object_get(st, "bytes"), "quantization");
    CAPTURE(computed, hc_fmt_mallocstats(f, st));
    CHECK(strncmp(computed, expect, strlen(expect)) == 0);
    free(computed);
    json_decref(st);
    free(out);
}

/* A deterministic spread of sizes: each decade's boundaries and a few
 * hundred pseudo-random values from 0 to 2^53 and their negatives. */
static size_t trace_size_cases(double *v, size_t max)
{
    static const double fixed[] = {0,
                                   1,
                                   99,
                                   100,
                                   10239,
                                   10240,
                                   10239.5,
                                   83.5,
                                   102338.56,
                                   102399,
                                   102400,
                                   102348.8,
                                   10485759,
                                   10485760,
                                   1099511627776.0,
                                   5629499534213120.0,
                                   123456789,
                                   -20000,
                                   -102400};
    size_t n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] && n < max; i++)
        v[n++] = fixed[i];
    uint64_t x = 0x9e3779b97f4a7c15u;
    while (n < max) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        int bits = (int)(x >> 58) % 54;
        double d = (double)((x >> 11) & ((UINT64_C(1) << bits) - 1));
        if ((x >> 10) & 1)
            d += (double)((x >> 20) & 1023) / 1024.0; /* averages are fractions */
        v[n++] = (x >> 9) & 1 && d != 0 ? -d : d;     /* no -0.0: sizes are ints */
    }
    return n;
}

TEST(trace_sizes_match_python)
{
    /* tracemalloc._format_size(v, sign), as python3 prints it now */
    double v[400];
    size_t n = trace_size_cases(v, sizeof v / sizeof v[0]);
    char *prog = NULL;
    size_t plen;
    FILE *p = open_memstream(&prog, &plen);
    fputs("from tracemalloc import _format_size\nfor v in [", p);
    for (size_t i = 0; i < n; i++)
        fprintf(p, "%.17g,", v[i]);
    fputs("]:\n    print(_format_size(v, False))\n    print(_format_size(v, True))\n", p);
    fclose(p);
    char *out = py_out(prog), *save = NULL, *line = strtok_r(out, "\n", &save);
    char b[32];
    for (size_t i = 0; i < n; i++) {
        for (int sign = 0; sign < 2; sign++) {
            CHECK(line != NULL);
            CHECK_STR(hc_fmt_trace_size(v[i], sign, b, sizeof b), line);
            line = strtok_r(NULL, "\n", &save);
        }
    }
    CHECK(line == NULL);
    free(out);
    free(prog);
}

TEST(trace_lines_match_python)
{
    /* str(Statistic) and str(StatisticDiff) of python3's tracemalloc for the
     * same figures (a statistic's key is what str(traceback) prints) */
    static const char stats_json[] = "[{\"key\":\"app.py:3\",\"size\":3328,\"count\":40},"
                                     "{\"key\":\"<unknown>\",\"size\":0,\"count\":0},"
                                     "{\"key\":\"list\",\"size\":123456789,\"count\":7},"
                                     "{\"key\":\"dict\",\"size\":10240,\"count\":3}]";
    static const char diff_json[] =
        "[{\"key\":\"list\",\"size\":8800,\"size_diff\":8712,\"count\":100,\"count_diff\":99},"
        "{\"key\":\"int\",\"size\":28,\"size_diff\":-56,\"count\":1,\"count_diff\":-2},"
        "{\"key\":\"app.py:9\",\"size\":0,\"size_diff\":-20000,\"count\":0,\"count_diff\":-5},"
        "{\"key\":\"str\",\"size\":5000000,\"size_diff\":0,\"count\":9,\"count_diff\":0}]";
    char prog[2048];
    snprintf(prog, sizeof prog,
             "import json\nfrom tracemalloc import Statistic, StatisticDiff\n"
             "for s in json.loads('%s'):\n"
             "    print(Statistic(s['key'], s['size'], s['count']))\n"
             "for s in json.loads('%s'):\n"
             "    print(StatisticDiff(s['key'], s['size'], s['size_diff'], s['count'],"
             " s['count_diff']))\n",
             stats_json, diff_json);
    char *want = py_out(prog);
    json_t *stats = parse(stats_json), *diff = parse(diff_json);
    char *got = NULL;
    size_t len;
    FILE *f = open_memstream(&got, &len);
    hc_fmt_trace_stats(f, stats);
    hc_fmt_trace_compare(f, diff);
    fclose(f);
    CHECK_STR(got, want);
    CHECK(strstr(want, "app.py:3: size=3328 B, count=40, average=83 B\n")); /* not empty */
    free(got);
    free(want);
    json_decref(stats);
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
    CAPTURE(text, hc_watch_render(&w, f, 200, 0, 1, 0));
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
    CAPTURE(narrow, hc_watch_render(&w, f, 10, 0, 0, 0));
    CHECK(strstr(narrow, "heapctl wa\n"));
    CHECK(!strstr(narrow, "\x1b["));
    free(narrow);
    json_decref(a);
    json_decref(g);
    json_decref(e);
}

static size_t count_lines(const char *text)
{
    size_t n = *text != 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* Every mix of heaps, collections and events in every height: the screen
 * never has more rows than the terminal (count_lines counts a row after
 * the last newline: a newline on the last row would scroll); it starts
 * with the title; with room for the fixed part it
 * fills the terminal and keeps the newest collection and event; when
 * everything fits, it is the whole screen. */
TEST(watch_screen_fits_its_height)
{
    static hc_watch_state_t w;
    for (int nheaps = 0; nheaps <= 12; nheaps += 3) {
        for (int ngcs = 0; ngcs <= HC_WATCH_RING; ngcs += 2) {
            for (int nev = 0; nev <= HC_WATCH_RING; nev += 3) {
                memset(&w, 0, sizeof w);
                snprintf(w.title, sizeof w.title, "TITLE");
                snprintf(w.status, sizeof w.status, "connected");
                for (int i = 0; i < nheaps; i++) {
                    char name[16];
                    snprintf(name, sizeof name, "h%d", i);
                    CHECK(hc_watch_heap(&w, name) != NULL);
                }
                for (int i = 0; i < ngcs; i++)
                    snprintf(w.gcs[i].text, sizeof w.gcs[i].text, "gc%d", i);
                for (int i = 0; i < nev; i++)
                    snprintf(w.events[i].text, sizeof w.events[i].text, "ev%d", i);
                w.ngcs = ngcs;
                w.nevents = nev;
                CAPTURE(full, hc_watch_render(&w, f, 80, 0, 0, 0));
                size_t natural = count_lines(full);
                for (int height = 4; height <= 45; height++) {
                    CAPTURE(text, hc_watch_render(&w, f, 80, height, 0, 0));
                    size_t rows = count_lines(text);
                    CHECK(rows <= (size_t)height);
                    CHECK(strncmp(text, "TITLE\n", 6) == 0);
                    if (natural <= (size_t)height) {
                        CHECK(strncmp(text, full, strlen(text)) == 0);
                        CHECK_EQ(strlen(text), strlen(full) - 1);
                    } else if (height >= 11) {
                        CHECK_EQ(rows, height);
                        char newest[16];
                        snprintf(newest, sizeof newest, "gc%d", ngcs - 1);
                        CHECK(ngcs == 0 || strstr(text, newest));
                        snprintf(newest, sizeof newest, "ev%d", nev - 1);
                        CHECK(nev == 0 || strstr(text, newest));
                    }
                    free(text);
                }
                free(full);
            }
        }
    }
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
