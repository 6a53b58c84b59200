/*
 * test_trace_snapshots.c: snapshots and statistics of the allocation-tracing
 * module (trace.h): aggregation by site, file and kind and the order of
 * Statistic, the snapshot limit and drop, the inspector's byte count, and
 * the printed forms (_format_size, Statistic, StatisticDiff).
 *
 * The printed forms are held against Lib/tracemalloc.py itself: the cases
 * write their inputs to a file, run /usr/bin/python3 (rt_oracle.h) on a
 * script that feeds them to tracemalloc, and compare the output with ours
 * line by line.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_util.h"

/* ===================================================================== */
/* Snapshots and statistics                                              */
/* ===================================================================== */

static void check_stat(const hd_trace_stat_t *st, const char *key, uint64_t size, uint64_t count)
{
    CHECK_STR(st->key, key);
    CHECK_EQ(st->size, size);
    CHECK_EQ(st->count, count);
}

TEST(snapshot_aggregation_and_stats_order)
{
    hd_trace_t *t = new_trace();
    uint32_t a9 = site(t, "a.py:9"), a10 = site(t, "a.py:10"), a100 = site(t, "a.py:100");
    uint32_t b1 = site(t, "b.py:1"), c1 = site(t, "c.py:1");
    uint32_t list = kind(t, "list"), dict = kind(t, "dict"), str = kind(t, "str");
    uint32_t Str = kind(t, "Str"), node = kind(t, "Node");
    hd_trace_start(t);
    size_t next = 0;
    add_n(t, &next, 2, 50, a9, list);
    add_n(t, &next, 2, 50, a10, dict);
    add_n(t, &next, 1, 100, a100, list);
    add_n(t, &next, 2, 25, b1, str);
    add_n(t, &next, 2, 25, b1, Str);
    add_n(t, &next, 1, 500, c1, node);
    uint64_t snap = 0;
    CHECK_OK(hd_trace_snapshot(t, &snap));
    CHECK_EQ(snap, 1);

    hd_trace_stat_t st[16];
    size_t n = 0;
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_SITE, 16, st, &n));
    CHECK_EQ(n, 5);
    /* ties on size broken by count, then by key descending, lines numerically */
    check_stat(&st[0], "c.py:1", 500, 1);
    check_stat(&st[1], "b.py:1", 100, 4);
    check_stat(&st[2], "a.py:10", 100, 2);
    check_stat(&st[3], "a.py:9", 100, 2);
    check_stat(&st[4], "a.py:100", 100, 1);
    CHECK_EQ(st[2].id, a10);

    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_FILE, 16, st, &n));
    CHECK_EQ(n, 3);
    check_stat(&st[0], "c.py:0", 500, 1);
    check_stat(&st[1], "a.py:0", 300, 5);
    check_stat(&st[2], "b.py:0", 100, 4);

    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_KIND, 16, st, &n));
    CHECK_EQ(n, 5);
    check_stat(&st[0], "Node", 500, 1);
    check_stat(&st[1], "list", 200, 3);
    check_stat(&st[2], "dict", 100, 2);
    check_stat(&st[3], "str", 50, 2); /* "str" > "Str": Python string order */
    check_stat(&st[4], "Str", 50, 2);
    CHECK_EQ(st[4].id, Str);

    /* limit, and counting without output */
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_SITE, 2, st, &n));
    CHECK_EQ(n, 2);
    check_stat(&st[1], "b.py:1", 100, 4);
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_SITE, 0, st, &n));
    CHECK_EQ(n, 0);
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_KIND, 0, NULL, &n));
    CHECK_EQ(n, 5);
    CHECK_EQ(hd_trace_stats(t, snap, (hd_trace_group_t)0, 16, st, &n), HD_EINVAL);
    CHECK_EQ(hd_trace_stats(t, snap + 1, HD_TRACE_BY_SITE, 16, st, &n), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_stats(t, 0, HD_TRACE_BY_SITE, 16, st, &n), HD_ENOTFOUND);

    /* the snapshot is independent of later traces, clear and stop */
    add_n(t, &next, 10, 1000, c1, node);
    hd_trace_clear(t);
    hd_trace_stop(t);
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_SITE, 16, st, &n));
    CHECK_EQ(n, 5);
    check_stat(&st[0], "c.py:1", 500, 1);
    uint64_t other = 0;
    CHECK_EQ(hd_trace_snapshot(t, &other), HD_EINVAL);
    hd_trace_start(t);
    CHECK_OK(hd_trace_snapshot(t, &other)); /* no traces: an empty snapshot */
    CHECK_EQ(other, 2);
    CHECK_OK(hd_trace_stats(t, other, HD_TRACE_BY_SITE, 16, st, &n));
    CHECK_EQ(n, 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(snapshot_limit_and_drop)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    CHECK_OK(hd_trace_add(t, blk(1), 10, 0, 0));
    uint64_t ids[HD_TRACE_MAX_SNAPSHOTS], extra = 0;
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++) {
        CHECK_OK(hd_trace_snapshot(t, &ids[i]));
        CHECK_EQ(ids[i], (uint64_t)i + 1);
    }
    CHECK_EQ(hd_trace_snapshot(t, &extra), HD_ELIMIT);
    CHECK_EQ(extra, 0);
    CHECK_OK(hd_trace_snapshot_drop(t, ids[3]));
    CHECK_EQ(hd_trace_snapshot_drop(t, ids[3]), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_snapshot_drop(t, 0), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_snapshot_drop(t, 999), HD_ENOTFOUND);
    size_t n = 0;
    CHECK_EQ(hd_trace_stats(t, ids[3], HD_TRACE_BY_SITE, 0, NULL, &n), HD_ENOTFOUND);
    /* ids are never reused; the refused snapshot took none */
    CHECK_OK(hd_trace_snapshot(t, &extra));
    CHECK_EQ(extra, HD_TRACE_MAX_SNAPSHOTS + 1);
    CHECK_EQ(hd_trace_snapshot(t, &extra), HD_ELIMIT);
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++) {
        if (i != 3)
            CHECK_OK(hd_trace_snapshot_drop(t, ids[i]));
    }
    CHECK_OK(hd_trace_stats(t, HD_TRACE_MAX_SNAPSHOTS + 1, HD_TRACE_BY_SITE, 0, NULL, &n));
    CHECK_EQ(n, 1);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t); /* frees the snapshot still kept */
}

TEST(inspector_bytes)
{
    hd_trace_t *t = new_trace();
    size_t b0 = hd_trace_inspector_bytes(t);
    site(t, "some/file.py:10"); /* and "some/file.py:0" */
    size_t b1 = hd_trace_inspector_bytes(t);
    CHECK(b1 >= b0 + strlen("some/file.py:10") + 1 + strlen("some/file.py:0") + 1);
    hd_trace_start(t);
    for (size_t i = 0; i < 1000; i++)
        CHECK_OK(hd_trace_add(t, blk(i), 8, 0, 0));
    size_t b2 = hd_trace_inspector_bytes(t);
    CHECK(b2 >= b1 + 1000 * 16);
    uint64_t snap;
    CHECK_OK(hd_trace_snapshot(t, &snap));
    size_t b3 = hd_trace_inspector_bytes(t);
    CHECK(b3 > b2);
    CHECK_OK(hd_trace_snapshot_drop(t, snap));
    CHECK_EQ(hd_trace_inspector_bytes(t), b2);
    hd_trace_stop(t);
    CHECK_EQ(hd_trace_inspector_bytes(t), b1);
    hd_trace_free(t);
}

/* ===================================================================== */
/* Printed forms and ordering against Lib/tracemalloc.py                 */
/* ===================================================================== */

static const char format_size_py[] = "import sys, tracemalloc\n"
                                     "for line in open(sys.argv[1], encoding='utf-8'):\n"
                                     "    tag, text = line.split()\n"
                                     "    v = int(text) if tag == 'i' else float(text)\n"
                                     "    print(tracemalloc._format_size(v, False))\n"
                                     "    print(tracemalloc._format_size(v, True))\n";

static void add_size_case(rt_text_t *in, rt_text_t *got, int is_int, int64_t iv, double dv)
{
    char a[HD_TRACE_SIZE_LEN], b[HD_TRACE_SIZE_LEN];
    double v = is_int ? (double)iv : dv;
    if (is_int)
        rt_text_add(in, "i %" PRId64 "\n", iv);
    else
        rt_text_add(in, "f %.17g\n", dv);
    CHECK_OK(hd_trace_format_size(v, 0, a, sizeof(a)));
    CHECK_OK(hd_trace_format_size(v, 1, b, sizeof(b)));
    rt_text_add(got, "%s\n%s\n", a, b);
}

TEST(format_size_matches_python)
{
    static const int64_t sizes[] = {0,
                                    1,
                                    9,
                                    10,
                                    99,
                                    100,
                                    101,
                                    999,
                                    1000,
                                    1023,
                                    1024,
                                    1025,
                                    3808,
                                    9999,
                                    10239,
                                    10240,
                                    10241,
                                    10496,
                                    11008,
                                    51199,
                                    51200,
                                    100000,
                                    102348,
                                    102349,
                                    102399,
                                    102400,
                                    102401,
                                    1041800,
                                    1048575,
                                    1048576,
                                    10485759,
                                    10485760,
                                    104857599,
                                    104857600,
                                    1000000000,
                                    1073741824,
                                    10737418239,
                                    10737418240,
                                    10000000000000,
                                    1099511627776,
                                    10995116277760,
                                    109951162777600,
                                    1000000000000000,
                                    1125899906842624,
                                    9007199254740993,
                                    INT64_MAX};
    static const double floats[] = {0.5,    1.5,     2.5,      0.25,     99.5,     1040.5,
                                    1041.5, 10239.4, 10239.5,  10239.51, 102348.8, 102349.0,
                                    99.94,  1e-3,    123456.7, 1e18,     5e20};
    rt_text_t in = {0}, got = {0};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        add_size_case(&in, &got, 1, sizes[i], 0);
        add_size_case(&in, &got, 1, -sizes[i], 0);
    }
    for (size_t i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
        add_size_case(&in, &got, 0, 0, floats[i]);
        add_size_case(&in, &got, 0, 0, -floats[i]);
    }
    rng_state = 42;
    for (int i = 0; i < 400; i++) {
        int64_t v = (int64_t)(rnd() >> (1 + rnd() % 63));
        add_size_case(&in, &got, 1, (rnd() & 1) ? -v : v, 0);
        uint64_t count = 1 + rnd() % 1000;
        add_size_case(&in, &got, 0, 0, (double)(uint64_t)v / (double)count); /* an average */
    }
    char *want = rt_py_output(format_size_py, in.buf);
    rt_check_lines(got.buf, want);
    size_t lines = 0;
    for (const char *c = got.buf; *c; c++)
        lines += *c == '\n';
    printf("format_size: %zu lines match python3\n", lines);
    free(want);

    char small[9]; /* "1017 KiB" and its NUL */
    CHECK_EQ(hd_trace_format_size(1041800, 0, small, 8), HD_ERANGE);
    CHECK_STR(small, "1017 Ki"); /* truncated, terminated */
    CHECK_OK(hd_trace_format_size(1041800, 0, small, sizeof(small)));
    CHECK_STR(small, "1017 KiB");
    rt_text_free(&in);
    rt_text_free(&got);
}

static const char format_stat_py[] = "import sys, tracemalloc\n"
                                     "for line in open(sys.argv[1], encoding='utf-8'):\n"
                                     "    f = line.rstrip('\\n').split('\\t')\n"
                                     "    tb = tracemalloc.Traceback(((f[1], int(f[2])),))\n"
                                     "    n = [int(x) for x in f[3:]]\n"
                                     "    if f[0] == 'S':\n"
                                     "        print(tracemalloc.Statistic(tb, *n))\n"
                                     "    else:\n"
                                     "        print(tracemalloc.StatisticDiff(tb, *n))\n";

TEST(format_stat_and_diff_match_python)
{
    static const char *const files[] = {"tm.py", "a b.py", "<unknown>", "dir/\xc3\xbc.py", ""};
    hd_trace_t *t = new_trace();
    rt_text_t in = {0}, got = {0};
    char key[256], line[HD_TRACE_LINE_LEN];
    rng_state = 7;
    for (int i = 0; i < 600; i++) {
        const char *file = files[i % 5];
        uint32_t lineno = i == 0 ? 6 : (uint32_t)(rnd() % 100000);
        snprintf(key, sizeof(key), "%s:%" PRIu32, file, lineno);
        const char *text;
        CHECK_OK(hd_trace_site_lookup(t, site(t, key), &text, NULL, NULL));
        uint64_t size = i == 0 ? 1041800 : rnd() >> (rnd() % 64);
        uint64_t count = i == 0 ? 1001 : (i % 7 == 0) ? 0 : 1 + rnd() % 5000;
        if (i % 11 == 1) /* exact ties on the average's rounding */
            size = 2 * (rnd() % 100000) + 1, count = 2;
        if (i % 2 == 0) {
            hd_trace_stat_t st = {text, 0, size, count};
            rt_text_add(&in, "S\t%s\t%" PRIu32 "\t%" PRIu64 "\t%" PRIu64 "\n", file, lineno, size,
                        count);
            CHECK_OK(hd_trace_format_stat(&st, line, sizeof(line)));
        } else {
            size >>= 2; /* keep the diffs within int64 */
            int64_t dsize = (int64_t)(rnd() % (2 * size + 1)) - (int64_t)size;
            int64_t dcount = (int64_t)(rnd() % (2 * count + 1)) - (int64_t)count;
            if (i % 13 == 3)
                dsize = 0, dcount = 0;
            hd_trace_diff_t d = {text, 0, size, dsize, count, dcount};
            rt_text_add(&in,
                        "D\t%s\t%" PRIu32 "\t%" PRIu64 "\t%" PRId64 "\t%" PRIu64 "\t%" PRId64 "\n",
                        file, lineno, size, dsize, count, dcount);
            CHECK_OK(hd_trace_format_diff(&d, line, sizeof(line)));
        }
        rt_text_add(&got, "%s\n", line);
    }
    char *want = rt_py_output(format_stat_py, in.buf);
    rt_check_lines(got.buf, want);
    /* the reference's measured line (section 6) */
    CHECK(strncmp(got.buf, "tm.py:6: size=1017 KiB, count=1001, average=1041 B\n", 50) == 0);
    free(want);
    rt_text_free(&in);
    rt_text_free(&got);
    hd_trace_free(t);
}
