/*
 * test_trace_compare.c: compare_to in the allocation-tracing module
 * (trace.h): the order of StatisticDiff, keys only in the base snapshot,
 * each grouping, swapped and identical snapshots; then statistics and
 * compare_to of random traces held against Lib/tracemalloc.py itself
 * (Snapshot.statistics, Snapshot.compare_to, and Statistic/StatisticDiff
 * ordering for kinds), run by /usr/bin/python3 (rt_oracle.h) on the same
 * traces and compared line by line.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_util.h"

/* ===================================================================== */
/* compare_to                                                            */
/* ===================================================================== */

static void check_diff(const hd_trace_diff_t *d, const char *key, uint64_t size, int64_t dsize,
                       uint64_t count, int64_t dcount)
{
    CHECK_STR(d->key, key);
    CHECK_EQ(d->size, size);
    CHECK_EQ(d->size_diff, dsize);
    CHECK_EQ(d->count, count);
    CHECK_EQ(d->count_diff, dcount);
}

TEST(compare_order_and_base_only_keys)
{
    hd_trace_t *t = new_trace();
    uint32_t s[18];
    char buf[32];
    for (int i = 1; i < 18; i++) {
        snprintf(buf, sizeof(buf), "a.py:%d", i);
        s[i] = site(t, buf);
    }
    uint32_t list = kind(t, "list"), dict = kind(t, "dict");
    hd_trace_start(t);
    size_t next = 0;
    add_n(t, &next, 1, 100, s[1], list);
    add_n(t, &next, 2, 100, s[2], list);
    add_n(t, &next, 1, 50, s[3], dict);
    add_n(t, &next, 1, 400, s[6], dict);
    uint64_t base;
    CHECK_OK(hd_trace_snapshot(t, &base));
    hd_trace_clear(t);
    add_n(t, &next, 2, 150, s[1], list); /* +200, +1 */
    add_n(t, &next, 2, 100, s[2], list); /* 0, 0 */
    add_n(t, &next, 1, 200, s[4], list); /* new: +200, +1 */
    add_n(t, &next, 2, 100, s[5], dict); /* new: +200, +2 */
    add_n(t, &next, 3, 200, s[6], dict); /* 600 - 400 */
    hd_trace_remove(t, blk(next - 1));   /* s[6]: 400 (+0)... */
    hd_trace_remove(t, blk(next - 2));   /* ...then 200, count 1 (-200, 0) */
    add_n(t, &next, 1, 10, s[7], list);  /* +10, +1 */
    add_n(t, &next, 1, 10, s[17], list); /* +10, +1: ties with s[7] but for the key */
    uint64_t now;
    CHECK_OK(hd_trace_snapshot(t, &now));

    hd_trace_diff_t d[20];
    size_t n = 0;
    CHECK_OK(hd_trace_compare(t, now, base, HD_TRACE_BY_SITE, 20, d, &n));
    CHECK_EQ(n, 8);
    check_diff(&d[0], "a.py:1", 300, 200, 2, 1);
    check_diff(&d[1], "a.py:5", 200, 200, 2, 2); /* |count_diff| 2 beats 1 */
    check_diff(&d[2], "a.py:4", 200, 200, 1, 1);
    check_diff(&d[3], "a.py:6", 200, -200, 1, 0);
    check_diff(&d[4], "a.py:3", 0, -50, 0, -1); /* only in the base */
    check_diff(&d[5], "a.py:17", 10, 10, 1, 1);
    check_diff(&d[6], "a.py:7", 10, 10, 1, 1);
    check_diff(&d[7], "a.py:2", 200, 0, 2, 0);
    char line[HD_TRACE_LINE_LEN];
    CHECK_OK(hd_trace_format_diff(&d[4], line, sizeof(line)));
    CHECK_STR(line, "a.py:3: size=0 B (-50 B), count=0 (-1)");
    CHECK_OK(hd_trace_format_diff(&d[0], line, sizeof(line)));
    CHECK_STR(line, "a.py:1: size=300 B (+200 B), count=2 (+1), average=150 B");

    CHECK_OK(hd_trace_compare(t, now, base, HD_TRACE_BY_KIND, 20, d, &n));
    CHECK_EQ(n, 2);
    check_diff(&d[0], "list", 720, 420, 7, 4);
    check_diff(&d[1], "dict", 400, -50, 3, 1);
    CHECK_OK(hd_trace_compare(t, now, base, HD_TRACE_BY_FILE, 20, d, &n));
    CHECK_EQ(n, 1);
    check_diff(&d[0], "a.py:0", 1120, 370, 10, 5);

    /* against itself: every diff is 0; base and new swapped: signs flip */
    CHECK_OK(hd_trace_compare(t, now, now, HD_TRACE_BY_SITE, 20, d, &n));
    CHECK_EQ(n, 7);
    for (size_t i = 0; i < n; i++)
        CHECK(d[i].size_diff == 0 && d[i].count_diff == 0);
    CHECK_OK(hd_trace_compare(t, base, now, HD_TRACE_BY_KIND, 20, d, &n));
    check_diff(&d[0], "list", 300, -420, 3, -4);
    check_diff(&d[1], "dict", 450, 50, 2, -1);

    CHECK_OK(hd_trace_compare(t, now, base, HD_TRACE_BY_SITE, 3, d, &n));
    CHECK_EQ(n, 3);
    CHECK_OK(hd_trace_compare(t, now, base, HD_TRACE_BY_SITE, 0, NULL, &n));
    CHECK_EQ(n, 8);
    CHECK_EQ(hd_trace_compare(t, now, 77, HD_TRACE_BY_SITE, 20, d, &n), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_compare(t, 77, base, HD_TRACE_BY_SITE, 20, d, &n), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_compare(t, now, base, (hd_trace_group_t)9, 20, d, &n), HD_EINVAL);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

/* ===================================================================== */
/* Statistics and compare_to against Lib/tracemalloc.py                  */
/* ===================================================================== */

/* The statistics oracle: Snapshot.statistics and compare_to on the same
 * traces (one frame each), and Statistic/StatisticDiff with plain string
 * keys for kinds (their _sort_key then orders kinds as Python strings). */
static const char stats_py[] =
    "import sys, tracemalloc\n"
    "traces = {0: [], 1: []}\n"
    "kinds = {0: [], 1: []}\n"
    "for line in open(sys.argv[1], encoding='utf-8'):\n"
    "    snap, fn, lineno, kind, size = line.rstrip('\\n').split('\\t')\n"
    "    traces[int(snap)].append((0, int(size), ((fn, int(lineno)),), 1))\n"
    "    kinds[int(snap)].append((kind, int(size)))\n"
    "old = tracemalloc.Snapshot(tuple(traces[0]), 1)\n"
    "new = tracemalloc.Snapshot(tuple(traces[1]), 1)\n"
    "def by_kind(rows):\n"
    "    d = {}\n"
    "    for k, size in rows:\n"
    "        if k in d:\n"
    "            d[k].size += size\n"
    "            d[k].count += 1\n"
    "        else:\n"
    "            d[k] = tracemalloc.Statistic(k, size, 1)\n"
    "    return d\n"
    "for key in ('lineno', 'filename'):\n"
    "    print('== stats ' + key)\n"
    "    for s in new.statistics(key): print(s)\n"
    "print('== stats kind')\n"
    "st = list(by_kind(kinds[1]).values())\n"
    "st.sort(reverse=True, key=tracemalloc.Statistic._sort_key)\n"
    "for s in st: print(s)\n"
    "for key in ('lineno', 'filename'):\n"
    "    print('== diff ' + key)\n"
    "    for s in new.compare_to(old, key): print(s)\n"
    "print('== diff kind')\n"
    "d = tracemalloc._compare_grouped_stats(by_kind(kinds[0]), by_kind(kinds[1]))\n"
    "d.sort(reverse=True, key=tracemalloc.StatisticDiff._sort_key)\n"
    "for s in d: print(s)\n";

typedef struct frame {
    const char *file;
    uint32_t lineno;
} frame_t;

static const frame_t oracle_frames[] = {
    {"app.py", 9},        {"app.py", 10},   {"app.py", 100}, {"app.py", 2},   {"app.py", 0},
    {"lib.py", 1},        {"lib.py", 1000}, {"a b.py", 7},   {"app.pyc", 3},  {"<unknown>", 0},
    {"z/\xc3\xbc.py", 5}, {"app.p", 1},     {"App.py", 4},   {"app.py.x", 1}, {"z/u.py", 5}};
static const char *const oracle_kinds[] = {"list",  "dict",      "str",      "Node",
                                           "Node2", "<unknown>", "\xc3\xbc", "NodeA"};
static const size_t oracle_sizes[] = {16, 32, 48, 64, 1000, 100000, 0, 24};

#define NF (sizeof(oracle_frames) / sizeof(oracle_frames[0]))
#define NK (sizeof(oracle_kinds) / sizeof(oracle_kinds[0]))
#define NS (sizeof(oracle_sizes) / sizeof(oracle_sizes[0]))
#define OB 1200 /* block indexes used */

typedef struct oracle_model {
    int live[OB];
    size_t size[OB], frame[OB], kind[OB];
} oracle_model_t;

static void emit_traces(rt_text_t *in, const oracle_model_t *m, int snap)
{
    for (size_t i = 0; i < OB; i++) {
        if (m->live[i])
            rt_text_add(in, "%d\t%s\t%" PRIu32 "\t%s\t%zu\n", snap, oracle_frames[m->frame[i]].file,
                        oracle_frames[m->frame[i]].lineno, oracle_kinds[m->kind[i]], m->size[i]);
    }
}

static void oracle_add(hd_trace_t *t, oracle_model_t *m, const uint32_t *sid, const uint32_t *kid,
                       size_t old, size_t i)
{
    size_t f = rnd() % NF, k = rnd() % NK, size = oracle_sizes[rnd() % NS];
    if (old == SIZE_MAX)
        CHECK_OK(hd_trace_add(t, blk(i), size, sid[f], kid[k]));
    else
        CHECK_OK(hd_trace_realloc(t, blk(old), blk(i), size, sid[f], kid[k]));
    if (old != SIZE_MAX)
        m->live[old] = 0;
    m->live[i] = 1;
    m->size[i] = size;
    m->frame[i] = f;
    m->kind[i] = k;
}

static void emit_ours(hd_trace_t *t, rt_text_t *got, uint64_t base, uint64_t now)
{
    static const char *const names[] = {"lineno", "filename", "kind"};
    static const hd_trace_group_t groups[] = {HD_TRACE_BY_SITE, HD_TRACE_BY_FILE, HD_TRACE_BY_KIND};
    hd_trace_stat_t st[256];
    hd_trace_diff_t d[256];
    char line[HD_TRACE_LINE_LEN];
    size_t n;
    for (int g = 0; g < 3; g++) {
        rt_text_add(got, "== stats %s\n", names[g]);
        CHECK_OK(hd_trace_stats(t, now, groups[g], 256, st, &n));
        for (size_t i = 0; i < n; i++) {
            CHECK_OK(hd_trace_format_stat(&st[i], line, sizeof(line)));
            rt_text_add(got, "%s\n", line);
        }
    }
    for (int g = 0; g < 3; g++) {
        rt_text_add(got, "== diff %s\n", names[g]);
        CHECK_OK(hd_trace_compare(t, now, base, groups[g], 256, d, &n));
        for (size_t i = 0; i < n; i++) {
            CHECK_OK(hd_trace_format_diff(&d[i], line, sizeof(line)));
            rt_text_add(got, "%s\n", line);
        }
    }
}

TEST(stats_and_compare_match_python)
{
    hd_trace_t *t = new_trace();
    static oracle_model_t m;
    memset(&m, 0, sizeof(m));
    uint32_t sid[NF], kid[NK];
    char key[128];
    for (size_t i = 0; i < NF; i++) {
        snprintf(key, sizeof(key), "%s:%" PRIu32, oracle_frames[i].file, oracle_frames[i].lineno);
        sid[i] = site(t, key);
    }
    for (size_t i = 0; i < NK; i++)
        kid[i] = kind(t, oracle_kinds[i]);
    rng_state = 2024;
    hd_trace_start(t);
    for (size_t i = 0; i < 500; i++)
        oracle_add(t, &m, sid, kid, SIZE_MAX, i);
    rt_text_t in = {0}, got = {0};
    emit_traces(&in, &m, 0);
    uint64_t base, now;
    CHECK_OK(hd_trace_snapshot(t, &base));
    for (size_t i = 0; i < 500; i++) {
        uint64_t r = rnd() % 3;
        if (r == 0) {
            hd_trace_remove(t, blk(i));
            m.live[i] = 0;
        } else if (r == 1) {
            oracle_add(t, &m, sid, kid, i, (rnd() & 1) ? i : 500 + i); /* in place or moved */
        }
    }
    for (size_t i = 1000; i < OB; i++)
        oracle_add(t, &m, sid, kid, SIZE_MAX, i);
    emit_traces(&in, &m, 1);
    CHECK_OK(hd_trace_snapshot(t, &now));
    emit_ours(t, &got, base, now);
    char *want = rt_py_output(stats_py, in.buf);
    rt_check_lines(got.buf, want);
    free(want);
    rt_text_free(&in);
    rt_text_free(&got);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}
