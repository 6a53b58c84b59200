/*
 * (Length: one case per tracemalloc behaviour plus the python3 oracle
 * drivers they share; splitting the oracle cases into a file of their own
 * is listed for a later session.)
 *
 * test_trace.c: the allocation-tracing module (trace.h) in tracemalloc's
 * model.
 *
 * Expected strings are never typed by hand where Python can produce them:
 * the format and statistics cases write their inputs to a temporary file,
 * run /usr/bin/python3 (Debian's 3.11, the project's oracle) on a script
 * that feeds them to Lib/tracemalloc.py itself (_format_size, Statistic,
 * StatisticDiff, Snapshot.statistics, Snapshot.compare_to), and compare its
 * output with ours line by line.
 *
 * Block addresses are fake (they are only hash keys and are never
 * dereferenced): blk(i) is a 16-byte aligned address in a plausible heap
 * range.
 */
#define _POSIX_C_SOURCE 200809L
#include "test.h"

#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "trace.h"

#define PYTHON "/usr/bin/python3"
#define GIB4   ((size_t)1 << 32)

static const void *blk(size_t i)
{
    return (const void *)(uintptr_t)(0x7f3a00000000ull + 16 * (uint64_t)i);
}

static hd_mem_t test_mem;

static hd_trace_t *new_trace(void)
{
    hd_trace_t *t = NULL;
    hd_mem_init_default(&test_mem);
    CHECK_OK(hd_trace_new(&test_mem, &t));
    CHECK(t != NULL);
    return t;
}

static void check_memory(const hd_trace_t *t, size_t current, size_t peak)
{
    size_t c = 1, p = 1;
    hd_trace_memory(t, &c, &p);
    CHECK_EQ(c, current);
    CHECK_EQ(p, peak);
}

static uint32_t site(hd_trace_t *t, const char *text)
{
    uint32_t id = 0;
    CHECK_OK(hd_trace_intern_site(t, text, &id));
    return id;
}

static uint32_t kind(hd_trace_t *t, const char *text)
{
    uint32_t id = 0;
    CHECK_OK(hd_trace_intern_kind(t, text, &id));
    return id;
}

/* xorshift64*: the fixed-seed generator of the randomized cases. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* ---- a growing text buffer ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf_t;

__attribute__((format(printf, 2, 3))) static void sb_add(sbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        CHECK(n >= 0);
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        CHECK(b->p != NULL);
    }
}

static void sb_free(sbuf_t *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* ---- running the oracle ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
    CHECK_EQ(fclose(f), 0);
}

/* run_python: runs `script` with a file holding `input` as argv[1]; returns
 * its standard output (malloc'd, caller frees). Fails the test if python3
 * fails. */
static char *run_python(const char *script, const char *input)
{
    char dir[] = "/tmp/hd_trace_test.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char spath[64], ipath[64], cmd[256];
    snprintf(spath, sizeof(spath), "%s/oracle.py", dir);
    snprintf(ipath, sizeof(ipath), "%s/input.txt", dir);
    write_file(spath, script);
    write_file(ipath, input);
    snprintf(cmd, sizeof(cmd), PYTHON " -X utf8 %s %s", spath, ipath);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    sbuf_t out = {0};
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
        sb_add(&out, "%.*s", (int)got, chunk);
    int status = pclose(p);
    unlink(spath);
    unlink(ipath);
    rmdir(dir);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        hd_test_fail(__FILE__, __LINE__, "%s failed (status %d)", PYTHON, status);
    if (!out.p)
        sb_add(&out, "%s", "");
    return out.p;
}

/* check_lines: `got` and `want` are equal; on a difference, report the first
 * differing line of each. */
static void check_lines(const char *got, const char *want)
{
    size_t line = 1;
    const char *g = got, *w = want;
    while (*g && *w && *g == *w) {
        if (*g == '\n')
            line++;
        g++;
        w++;
    }
    if (*g == *w)
        return;
    while (g > got && g[-1] != '\n')
        g--;
    while (w > want && w[-1] != '\n')
        w--;
    hd_test_fail(__FILE__, __LINE__, "line %zu differs:\n  got      %.*s\n  expected %.*s", line,
                 (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
}

/* ===================================================================== */
/* Lifecycle and state                                                   */
/* ===================================================================== */

TEST(new_defaults)
{
    hd_trace_t *t = new_trace();
    CHECK_EQ(hd_trace_is_tracing(t), 0);
    check_memory(t, 0, 0);
    CHECK_EQ(hd_trace_count(t), 0);
    const char *text = NULL;
    size_t flen = 0;
    uint32_t line = 7;
    CHECK_OK(hd_trace_site_lookup(t, HD_TRACE_UNKNOWN, &text, &flen, &line));
    CHECK_STR(text, "<unknown>:0");
    CHECK_EQ(flen, 9);
    CHECK_EQ(line, 0);
    CHECK_OK(hd_trace_kind_lookup(t, HD_TRACE_UNKNOWN, &text));
    CHECK_STR(text, "<unknown>");
    CHECK_EQ(hd_trace_site_lookup(t, 1, &text, NULL, NULL), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_kind_lookup(t, 1, &text), HD_ENOTFOUND);
    /* Not tracing: recording is a no-op, as with tracemalloc's hooks off. */
    CHECK_OK(hd_trace_add(t, blk(1), 100, 0, 0));
    CHECK_OK(hd_trace_realloc(t, NULL, blk(2), 100, 0, 0));
    CHECK_EQ(hd_trace_count(t), 0);
    CHECK_EQ(hd_trace_get(t, blk(1), NULL, NULL, NULL), HD_ENOTFOUND);
    uint64_t snap = 99;
    CHECK_EQ(hd_trace_snapshot(t, &snap), HD_EINVAL);
    CHECK_EQ(snap, 99);
    CHECK(hd_trace_inspector_bytes(t) > 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
    hd_trace_free(NULL);
}

TEST(start_stop_clear_reset_peak)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    hd_trace_start(t); /* already tracing: no-op */
    CHECK_EQ(hd_trace_is_tracing(t), 1);
    CHECK_OK(hd_trace_add(t, blk(1), 1000, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(2), 500, 0, 0));
    hd_trace_remove(t, blk(1));
    check_memory(t, 500, 1500);
    hd_trace_reset_peak(t);
    check_memory(t, 500, 500);
    CHECK_OK(hd_trace_add(t, blk(3), 20, 0, 0));
    check_memory(t, 520, 520);

    /* clear_traces: traces gone, both zero, still tracing */
    hd_trace_clear(t);
    CHECK_EQ(hd_trace_is_tracing(t), 1);
    CHECK_EQ(hd_trace_count(t), 0);
    check_memory(t, 0, 0);
    CHECK_EQ(hd_trace_get(t, blk(2), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_OK(hd_trace_add(t, blk(4), 64, 0, 0));
    check_memory(t, 64, 64);
    CHECK_OK(hd_trace_validate(t));

    /* stop: traces and peak cleared; reset_peak is a no-op while stopped */
    hd_trace_stop(t);
    CHECK_EQ(hd_trace_is_tracing(t), 0);
    CHECK_EQ(hd_trace_count(t), 0);
    check_memory(t, 0, 0);
    hd_trace_reset_peak(t);
    check_memory(t, 0, 0);
    hd_trace_remove(t, blk(4)); /* untraced: no-op */
    CHECK_OK(hd_trace_validate(t));

    hd_trace_start(t);
    check_memory(t, 0, 0);
    CHECK_OK(hd_trace_add(t, blk(4), 8, 0, 0));
    check_memory(t, 8, 8);
    hd_trace_free(t);
}

TEST(add_remove_arithmetic)
{
    hd_trace_t *t = new_trace();
    uint32_t s1 = site(t, "app.py:12"), k1 = kind(t, "list");
    hd_trace_start(t);
    CHECK_OK(hd_trace_add(t, blk(1), 56, s1, k1));
    CHECK_OK(hd_trace_add(t, blk(2), 0, s1, k1)); /* zero-size blocks are traced too */
    CHECK_OK(hd_trace_add(t, blk(3), 100, 0, 0));
    check_memory(t, 156, 156);
    CHECK_EQ(hd_trace_count(t), 3);
    size_t req = 0;
    uint32_t s = 9, k = 9;
    CHECK_OK(hd_trace_get(t, blk(1), &req, &s, &k));
    CHECK_EQ(req, 56);
    CHECK_EQ(s, s1);
    CHECK_EQ(k, k1);
    CHECK_OK(hd_trace_get(t, blk(2), &req, NULL, NULL));
    CHECK_EQ(req, 0);

    /* adding a traced block replaces its trace (tracemalloc_add_trace) */
    CHECK_OK(hd_trace_add(t, blk(3), 40, s1, 0));
    check_memory(t, 96, 156);
    CHECK_EQ(hd_trace_count(t), 3);
    CHECK_OK(hd_trace_get(t, blk(3), &req, &s, NULL));
    CHECK_EQ(req, 40);
    CHECK_EQ(s, s1);
    CHECK_OK(hd_trace_add(t, blk(3), 200, s1, 0));
    check_memory(t, 256, 256);

    hd_trace_remove(t, blk(1));
    hd_trace_remove(t, blk(1)); /* second free of the same block: no-op */
    hd_trace_remove(t, blk(77));
    hd_trace_remove(t, NULL);
    check_memory(t, 200, 256);
    CHECK_EQ(hd_trace_count(t), 2);
    CHECK_EQ(hd_trace_get(t, blk(1), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_EQ(hd_trace_get(t, NULL, NULL, NULL, NULL), HD_ENOTFOUND);

    /* bad input changes nothing */
    CHECK_EQ(hd_trace_add(t, NULL, 10, 0, 0), HD_EINVAL);
    CHECK_EQ(hd_trace_add(t, blk(5), 10, 4242, 0), HD_EINVAL);
    CHECK_EQ(hd_trace_add(t, blk(5), 10, 0, 4242), HD_EINVAL);
    CHECK_EQ(hd_trace_realloc(t, blk(3), NULL, 10, 0, 0), HD_EINVAL);
    CHECK_EQ(hd_trace_realloc(t, blk(3), blk(6), 10, 0, 4242), HD_EINVAL);
    check_memory(t, 200, 256);
    CHECK_EQ(hd_trace_count(t), 2);

    hd_trace_remove(t, blk(2));
    hd_trace_remove(t, blk(3));
    check_memory(t, 0, 256);
    CHECK_EQ(hd_trace_count(t), 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(realloc_semantics)
{
    hd_trace_t *t = new_trace();
    uint32_t s1 = site(t, "a.py:1"), s2 = site(t, "a.py:2"), k1 = kind(t, "list");
    hd_trace_start(t);
    CHECK_OK(hd_trace_add(t, blk(1), 100, s1, k1));

    /* in place, growing then shrinking: the realloc's site replaces the old one */
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 300, s2, k1));
    check_memory(t, 300, 300);
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 50, s2, k1));
    check_memory(t, 50, 300);
    uint32_t s = 0;
    size_t req = 0;
    CHECK_OK(hd_trace_get(t, blk(1), &req, &s, NULL));
    CHECK_EQ(req, 50);
    CHECK_EQ(s, s2);

    /* moved: the old trace goes, the new one is added; peak counts after both */
    hd_trace_reset_peak(t);
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(2), 60, s1, 0));
    check_memory(t, 60, 60);
    CHECK_EQ(hd_trace_get(t, blk(1), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_OK(hd_trace_get(t, blk(2), &req, &s, NULL));
    CHECK_EQ(req, 60);
    CHECK_EQ(s, s1);
    CHECK_EQ(hd_trace_count(t), 1);

    /* old block untraced (allocated before start): only the new one counts */
    CHECK_OK(hd_trace_realloc(t, blk(9), blk(10), 30, s1, 0));
    check_memory(t, 90, 90);
    /* NULL old block: a plain allocation */
    CHECK_OK(hd_trace_realloc(t, NULL, blk(11), 10, s1, 0));
    check_memory(t, 100, 100);
    CHECK_EQ(hd_trace_count(t), 3);

    /* new block already traced: its trace is replaced */
    CHECK_OK(hd_trace_realloc(t, blk(10), blk(11), 5, s2, k1));
    check_memory(t, 65, 100);
    CHECK_EQ(hd_trace_count(t), 2);

    /* a traced old block frees its slot: the realloc needs no memory at all */
    hd_mem_fail_after(&test_mem, 1, 1);
    for (size_t i = 0; i < 100; i++)
        CHECK_OK(hd_trace_realloc(t, blk(11 + i), blk(12 + i), i, s1, k1));
    CHECK_EQ(hd_trace_count(t), 2);
    /* while an untraced one needs a slot; reserve makes it infallible */
    hd_mem_fail_after(&test_mem, 0, 0);
    CHECK_OK(hd_trace_reserve(t, 200));
    hd_mem_fail_after(&test_mem, 1, 1);
    for (size_t i = 0; i < 200; i++)
        CHECK_OK(hd_trace_realloc(t, blk(5000 + i), blk(1000 + i), 1, s1, k1));
    CHECK_EQ(hd_trace_count(t), 202);
    CHECK_EQ(test_mem.failures, 0);
    /* the reservation covers one block of 4 GiB or more among them */
    hd_mem_fail_after(&test_mem, 0, 0);
    CHECK_OK(hd_trace_reserve(t, 2));
    hd_mem_fail_after(&test_mem, 1, 1);
    CHECK_OK(hd_trace_realloc(t, NULL, blk(7000), 5 * GIB4, s1, k1));
    CHECK_OK(hd_trace_realloc(t, blk(6999), blk(7001), 3, s1, k1));
    CHECK_EQ(hd_trace_count(t), 204);
    CHECK_EQ(test_mem.failures, 0);
    hd_mem_fail_after(&test_mem, 0, 0);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(sizes_over_4gib)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    size_t huge = 5 * GIB4 + 3, edge = (size_t)UINT32_MAX;
    CHECK_OK(hd_trace_add(t, blk(1), huge, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(2), edge, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(3), edge - 1, 0, 0));
    check_memory(t, huge + 2 * edge - 1, huge + 2 * edge - 1);
    size_t req = 0;
    CHECK_OK(hd_trace_get(t, blk(1), &req, NULL, NULL));
    CHECK_EQ(req, huge);
    CHECK_OK(hd_trace_get(t, blk(2), &req, NULL, NULL));
    CHECK_EQ(req, edge);
    CHECK_OK(hd_trace_get(t, blk(3), &req, NULL, NULL));
    CHECK_EQ(req, edge - 1);
    CHECK_OK(hd_trace_validate(t));

    /* big -> small in place, small -> big moved, big -> big moved */
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 10, 0, 0));
    CHECK_OK(hd_trace_realloc(t, blk(3), blk(4), 6 * GIB4, 0, 0));
    CHECK_OK(hd_trace_realloc(t, blk(2), blk(5), 7 * GIB4, 0, 0));
    CHECK_OK(hd_trace_validate(t));
    check_memory(t, 13 * GIB4 + 10, 13 * GIB4 + 10);
    CHECK_OK(hd_trace_get(t, blk(5), &req, NULL, NULL));
    CHECK_EQ(req, 7 * GIB4);

    uint64_t snap;
    CHECK_OK(hd_trace_snapshot(t, &snap));
    hd_trace_stat_t st[4];
    size_t n = 0;
    CHECK_OK(hd_trace_stats(t, snap, HD_TRACE_BY_SITE, 4, st, &n));
    CHECK_EQ(n, 1);
    CHECK_EQ(st[0].size, 10 + 13 * GIB4);
    CHECK_EQ(st[0].count, 3);

    /* a big trace replaced in place or moved reuses its record: no memory */
    hd_mem_fail_after(&test_mem, 1, 1);
    CHECK_OK(hd_trace_realloc(t, blk(5), blk(5), 8 * GIB4, 0, 0));
    CHECK_OK(hd_trace_realloc(t, blk(5), blk(6), 9 * GIB4, 0, 0));
    CHECK_OK(hd_trace_add(t, blk(6), 10 * GIB4, 0, 0));
    CHECK_EQ(test_mem.failures, 0);
    /* new big records fill the side list's spare slots, then need memory:
     * that failure is clean */
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(1), 11, 0, 0));
    size_t expect = 11 + 16 * GIB4, i = 0;
    int rc = 0;
    for (; i < 64 && (rc = hd_trace_add(t, blk(100 + i), GIB4, 0, 0)) == 0; i++)
        expect += GIB4;
    CHECK_EQ(rc, HD_ENOMEM);
    CHECK_EQ(test_mem.failures, 1);
    check_memory(t, expect, expect);
    CHECK_EQ(hd_trace_get(t, blk(100 + i), NULL, NULL, NULL), HD_ENOTFOUND);
    CHECK_OK(hd_trace_validate(t));
    hd_mem_fail_after(&test_mem, 0, 0);
    for (size_t j = 0; j < i; j++)
        hd_trace_remove(t, blk(100 + j));
    CHECK_OK(hd_trace_realloc(t, blk(1), blk(7), 12 * GIB4, 0, 0));
    check_memory(t, 28 * GIB4, expect > 28 * GIB4 ? expect : 28 * GIB4);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_remove(t, blk(4));
    hd_trace_remove(t, blk(6));
    hd_trace_remove(t, blk(7));
    check_memory(t, 0, expect > 28 * GIB4 ? expect : 28 * GIB4);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

/* ===================================================================== */
/* Names                                                                 */
/* ===================================================================== */

static void check_site(hd_trace_t *t, const char *given, const char *canon, size_t flen,
                       uint32_t lineno)
{
    uint32_t id = site(t, given);
    const char *text = NULL;
    size_t fl = 0;
    uint32_t ln = 0;
    CHECK_OK(hd_trace_site_lookup(t, id, &text, &fl, &ln));
    CHECK_STR(text, canon);
    CHECK_EQ(fl, flen);
    CHECK_EQ(ln, lineno);
    CHECK_EQ(site(t, canon), id);
}

TEST(intern_sites)
{
    hd_trace_t *t = new_trace();
    uint32_t a = site(t, "app.py:12");
    CHECK(a != HD_TRACE_UNKNOWN);
    CHECK_EQ(site(t, "app.py:12"), a);
    CHECK_EQ(site(t, "app.py:012"), a);
    CHECK(site(t, "app.py:13") != a);
    CHECK_EQ(site(t, "<unknown>:0"), HD_TRACE_UNKNOWN);
    CHECK_EQ(site(t, "<unknown>"), HD_TRACE_UNKNOWN);
    check_site(t, "app.py:12", "app.py:12", 6, 12);
    check_site(t, "repl", "repl:0", 4, 0);
    check_site(t, "C:\\x.py:3", "C:\\x.py:3", 7, 3);
    check_site(t, "a.py:x", "a.py:x:0", 6, 0);
    check_site(t, "a.py:", "a.py::0", 5, 0);
    check_site(t, ":5", ":5", 0, 5);
    check_site(t, "", ":0", 0, 0);
    check_site(t, "big.py:4294967295", "big.py:4294967295", 6, 4294967295u);
    check_site(t, "z.py:00000000000000000009", "z.py:9", 4, 9);

    /* the file site "app.py:0" was interned with "app.py:12" */
    const char *text;
    CHECK_OK(hd_trace_site_lookup(t, a, &text, NULL, NULL));
    CHECK_STR(text, "app.py:12");
    CHECK_OK(hd_trace_site_lookup(t, a - 1, &text, NULL, NULL));
    CHECK_STR(text, "app.py:0");
    CHECK_EQ(site(t, "app.py"), a - 1);

    uint32_t id = 1234;
    CHECK_EQ(hd_trace_intern_site(t, "big.py:4294967296", &id), HD_ERANGE);
    CHECK_EQ(hd_trace_intern_site(t, "big.py:99999999999999999999999", &id), HD_ERANGE);
    char longname[HD_TRACE_NAME_MAX + 8];
    memset(longname, 'x', sizeof(longname));
    longname[HD_TRACE_NAME_MAX + 1] = '\0';
    CHECK_EQ(hd_trace_intern_site(t, longname, &id), HD_ELIMIT);
    longname[HD_TRACE_NAME_MAX - 2] = '\0'; /* "xxx" + ":0" fits exactly */
    CHECK_OK(hd_trace_intern_site(t, longname, &id));
    longname[HD_TRACE_NAME_MAX - 2] = 'x';
    longname[HD_TRACE_NAME_MAX - 1] = '\0'; /* one byte too long once canonical */
    CHECK_EQ(hd_trace_intern_site(t, longname, &id), HD_ELIMIT);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(intern_kinds)
{
    hd_trace_t *t = new_trace();
    uint32_t l = kind(t, "list"), d = kind(t, "dict"), n = kind(t, "Node");
    CHECK(l != d && d != n && l != HD_TRACE_UNKNOWN);
    CHECK_EQ(kind(t, "list"), l);
    CHECK_EQ(kind(t, "<unknown>"), HD_TRACE_UNKNOWN);
    CHECK(kind(t, "list:0") != l); /* kinds are taken as is */
    const char *name = NULL;
    CHECK_OK(hd_trace_kind_lookup(t, n, &name));
    CHECK_STR(name, "Node");
    char longname[HD_TRACE_NAME_MAX + 2];
    memset(longname, 'k', sizeof(longname));
    longname[HD_TRACE_NAME_MAX + 1] = '\0';
    uint32_t id;
    CHECK_EQ(hd_trace_intern_kind(t, longname, &id), HD_ELIMIT);
    longname[HD_TRACE_NAME_MAX] = '\0';
    CHECK_OK(hd_trace_intern_kind(t, longname, &id));
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

TEST(name_id_limit)
{
    hd_trace_t *t = new_trace();
    char buf[32];
    uint32_t id = 0;
    /* "fN" has line 0, so each takes exactly one id; id 0 is taken */
    for (uint32_t i = 1; i < HD_TRACE_MAX_NAMES - 1; i++) {
        snprintf(buf, sizeof(buf), "f%" PRIu32, i);
        CHECK_OK(hd_trace_intern_site(t, buf, &id));
        CHECK_EQ(id, i);
    }
    /* one id left: a site with a line of a new file needs two */
    CHECK_EQ(hd_trace_intern_site(t, "new.py:3", &id), HD_ELIMIT);
    CHECK_EQ(hd_trace_site_lookup(t, HD_TRACE_MAX_NAMES - 1, NULL, NULL, NULL), HD_ENOTFOUND);
    /* a line of a known file needs one */
    CHECK_OK(hd_trace_intern_site(t, "f7:3", &id));
    CHECK_EQ(id, HD_TRACE_MAX_NAMES - 1);
    CHECK_EQ(hd_trace_intern_site(t, "f7:4", &id), HD_ELIMIT);
    CHECK_OK(hd_trace_intern_site(t, "f7:3", &id)); /* known names still resolve */
    CHECK_EQ(id, HD_TRACE_MAX_NAMES - 1);

    for (uint32_t i = 1; i < HD_TRACE_MAX_NAMES; i++) {
        snprintf(buf, sizeof(buf), "K%" PRIu32, i);
        CHECK_OK(hd_trace_intern_kind(t, buf, &id));
        CHECK_EQ(id, i);
    }
    CHECK_EQ(hd_trace_intern_kind(t, "one_more", &id), HD_ELIMIT);

    /* the largest ids still round-trip through a trace */
    hd_trace_start(t);
    CHECK_OK(hd_trace_add(t, blk(1), 8, HD_TRACE_MAX_NAMES - 1, HD_TRACE_MAX_NAMES - 1));
    uint32_t s = 0, k = 0;
    CHECK_OK(hd_trace_get(t, blk(1), NULL, &s, &k));
    CHECK_EQ(s, HD_TRACE_MAX_NAMES - 1);
    CHECK_EQ(k, HD_TRACE_MAX_NAMES - 1);
    CHECK_EQ(hd_trace_add(t, blk(2), 8, HD_TRACE_MAX_NAMES, 0), HD_EINVAL);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

/* ===================================================================== */
/* The table                                                             */
/* ===================================================================== */

TEST(table_growth_and_shrink)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    size_t base = hd_trace_inspector_bytes(t);
    const size_t n = 100000;
    size_t total = 0;
    /* pool-like addresses: blocks of one size class in consecutive 16 KiB
     * pools, the pattern that defeats a plain masked pointer hash */
    for (size_t i = 0; i < n; i++) {
        const void *p =
            (const void *)(uintptr_t)(0x7f0000000000ull + (i / 64) * 16384 + 48 + (i % 64) * 256);
        CHECK_OK(hd_trace_add(t, p, i % 500, 0, 0));
        total += i % 500;
    }
    check_memory(t, total, total);
    CHECK_EQ(hd_trace_count(t), n);
    CHECK_OK(hd_trace_validate(t));
    size_t grown = hd_trace_inspector_bytes(t);
    CHECK(grown >= base + n * 16);
    CHECK(grown <= base + n * 16 * 3); /* 16-byte entries, load over 3/8 */
    size_t req;
    for (size_t i = 0; i < n; i++) {
        const void *p =
            (const void *)(uintptr_t)(0x7f0000000000ull + (i / 64) * 16384 + 48 + (i % 64) * 256);
        CHECK_OK(hd_trace_get(t, p, &req, NULL, NULL));
        CHECK_EQ(req, i % 500);
        if (i % 2)
            hd_trace_remove(t, p);
    }
    CHECK_OK(hd_trace_validate(t));
    for (size_t i = 0; i < n; i += 2) {
        const void *p =
            (const void *)(uintptr_t)(0x7f0000000000ull + (i / 64) * 16384 + 48 + (i % 64) * 256);
        hd_trace_remove(t, p);
    }
    CHECK_EQ(hd_trace_count(t), 0);
    check_memory(t, 0, total);
    CHECK_OK(hd_trace_validate(t));
    /* shrunk back to the minimal table (64 slots of 16 bytes) */
    CHECK(hd_trace_inspector_bytes(t) <= base + 64 * 16);
    hd_trace_clear(t);
    CHECK_EQ(hd_trace_inspector_bytes(t), base);
    hd_trace_free(t);
}

/* ===================================================================== */
/* Snapshots and statistics                                              */
/* ===================================================================== */

/* add_n: trace `n` blocks of `size` bytes from block index *next on. */
static void add_n(hd_trace_t *t, size_t *next, size_t n, size_t size, uint32_t s, uint32_t k)
{
    for (size_t i = 0; i < n; i++)
        CHECK_OK(hd_trace_add(t, blk((*next)++), size, s, k));
}

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

static void add_size_case(sbuf_t *in, sbuf_t *got, int is_int, int64_t iv, double dv)
{
    char a[HD_TRACE_SIZE_LEN], b[HD_TRACE_SIZE_LEN];
    double v = is_int ? (double)iv : dv;
    if (is_int)
        sb_add(in, "i %" PRId64 "\n", iv);
    else
        sb_add(in, "f %.17g\n", dv);
    CHECK_OK(hd_trace_format_size(v, 0, a, sizeof(a)));
    CHECK_OK(hd_trace_format_size(v, 1, b, sizeof(b)));
    sb_add(got, "%s\n%s\n", a, b);
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
    sbuf_t in = {0}, got = {0};
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
    char *want = run_python(format_size_py, in.p);
    check_lines(got.p, want);
    size_t lines = 0;
    for (const char *c = got.p; *c; c++)
        lines += *c == '\n';
    printf("format_size: %zu lines match python3\n", lines);
    free(want);

    char small[9]; /* "1017 KiB" and its NUL */
    CHECK_EQ(hd_trace_format_size(1041800, 0, small, 8), HD_ERANGE);
    CHECK_STR(small, "1017 Ki"); /* truncated, terminated */
    CHECK_OK(hd_trace_format_size(1041800, 0, small, sizeof(small)));
    CHECK_STR(small, "1017 KiB");
    sb_free(&in);
    sb_free(&got);
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
    sbuf_t in = {0}, got = {0};
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
            sb_add(&in, "S\t%s\t%" PRIu32 "\t%" PRIu64 "\t%" PRIu64 "\n", file, lineno, size,
                   count);
            CHECK_OK(hd_trace_format_stat(&st, line, sizeof(line)));
        } else {
            size >>= 2; /* keep the diffs within int64 */
            int64_t dsize = (int64_t)(rnd() % (2 * size + 1)) - (int64_t)size;
            int64_t dcount = (int64_t)(rnd() % (2 * count + 1)) - (int64_t)count;
            if (i % 13 == 3)
                dsize = 0, dcount = 0;
            hd_trace_diff_t d = {text, 0, size, dsize, count, dcount};
            sb_add(&in, "D\t%s\t%" PRIu32 "\t%" PRIu64 "\t%" PRId64 "\t%" PRIu64 "\t%" PRId64 "\n",
                   file, lineno, size, dsize, count, dcount);
            CHECK_OK(hd_trace_format_diff(&d, line, sizeof(line)));
        }
        sb_add(&got, "%s\n", line);
    }
    char *want = run_python(format_stat_py, in.p);
    check_lines(got.p, want);
    /* the reference's measured line (section 6) */
    CHECK(strncmp(got.p, "tm.py:6: size=1017 KiB, count=1001, average=1041 B\n", 50) == 0);
    free(want);
    sb_free(&in);
    sb_free(&got);
    hd_trace_free(t);
}

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

static void emit_traces(sbuf_t *in, const oracle_model_t *m, int snap)
{
    for (size_t i = 0; i < OB; i++) {
        if (m->live[i])
            sb_add(in, "%d\t%s\t%" PRIu32 "\t%s\t%zu\n", snap, oracle_frames[m->frame[i]].file,
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

static void emit_ours(hd_trace_t *t, sbuf_t *got, uint64_t base, uint64_t now)
{
    static const char *const names[] = {"lineno", "filename", "kind"};
    static const hd_trace_group_t groups[] = {HD_TRACE_BY_SITE, HD_TRACE_BY_FILE, HD_TRACE_BY_KIND};
    hd_trace_stat_t st[256];
    hd_trace_diff_t d[256];
    char line[HD_TRACE_LINE_LEN];
    size_t n;
    for (int g = 0; g < 3; g++) {
        sb_add(got, "== stats %s\n", names[g]);
        CHECK_OK(hd_trace_stats(t, now, groups[g], 256, st, &n));
        for (size_t i = 0; i < n; i++) {
            CHECK_OK(hd_trace_format_stat(&st[i], line, sizeof(line)));
            sb_add(got, "%s\n", line);
        }
    }
    for (int g = 0; g < 3; g++) {
        sb_add(got, "== diff %s\n", names[g]);
        CHECK_OK(hd_trace_compare(t, now, base, groups[g], 256, d, &n));
        for (size_t i = 0; i < n; i++) {
            CHECK_OK(hd_trace_format_diff(&d[i], line, sizeof(line)));
            sb_add(got, "%s\n", line);
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
    sbuf_t in = {0}, got = {0};
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
    char *want = run_python(stats_py, in.p);
    check_lines(got.p, want);
    free(want);
    sb_free(&in);
    sb_free(&got);
    CHECK_OK(hd_trace_validate(t));
    hd_trace_free(t);
}

/* ===================================================================== */
/* Fault injection                                                       */
/* ===================================================================== */

/* What must not change when a call fails with HD_ENOMEM. It is read
 * without allocating, so observing does not move the fault counter. */
typedef struct obs {
    size_t current, peak, count;
    int tracing;
    uint32_t nsites, nkinds;
} obs_t;

static uint32_t count_names(const hd_trace_t *t, int sites)
{
    uint32_t n = 0;
    while ((sites ? hd_trace_site_lookup(t, n, NULL, NULL, NULL)
                  : hd_trace_kind_lookup(t, n, NULL)) == 0)
        n++;
    return n;
}

static void observe(const hd_trace_t *t, obs_t *o)
{
    memset(o, 0, sizeof(*o)); /* padding too: obs_t is compared with memcmp */
    hd_trace_memory(t, &o->current, &o->peak);
    o->count = hd_trace_count(t);
    o->tracing = hd_trace_is_tracing(t);
    o->nsites = count_names(t, 1);
    o->nkinds = count_names(t, 0);
}

typedef struct scen {
    hd_mem_t mem;
    int retry;         /* after an HD_ENOMEM, run the step again (one-shot faults) */
    size_t enomem;     /* HD_ENOMEM results seen */
    uint64_t requests; /* memory requests made by the scenario proper */
} scen_t;

/* STEP: run `expr`; every HD_ENOMEM must leave the observable state as it
 * was and the tracer valid. Without retry, HD_EINVAL/HD_ENOTFOUND may follow
 * from an earlier failed step (an id that was never made). */
#define STEP(sc, t, expr)                                                                          \
    do {                                                                                           \
        obs_t before_, after_;                                                                     \
        observe(t, &before_);                                                                      \
        int rc_;                                                                                   \
        while ((rc_ = (expr)) == HD_ENOMEM) {                                                      \
            (sc)->enomem++;                                                                        \
            observe(t, &after_);                                                                   \
            CHECK(memcmp(&before_, &after_, sizeof(obs_t)) == 0);                                  \
            CHECK_OK(hd_trace_validate(t));                                                        \
            if (!(sc)->retry)                                                                      \
                break;                                                                             \
        }                                                                                          \
        if ((sc)->retry)                                                                           \
            CHECK_OK(rc_);                                                                         \
        else                                                                                       \
            CHECK(rc_ == 0 || rc_ == HD_ENOMEM || rc_ == HD_EINVAL || rc_ == HD_ENOTFOUND);        \
    } while (0)

/* signature: everything observable, as text, to compare runs. */
static void signature(hd_trace_t *t, const uint64_t *snaps, int nsnaps, sbuf_t *sig)
{
    static const hd_trace_group_t groups[] = {HD_TRACE_BY_SITE, HD_TRACE_BY_FILE, HD_TRACE_BY_KIND};
    obs_t o;
    observe(t, &o);
    sb_add(sig, "%zu %zu %zu %d %" PRIu32 " %" PRIu32 "\n", o.current, o.peak, o.count, o.tracing,
           o.nsites, o.nkinds);
    for (size_t i = 0; i < 5000; i++) {
        size_t req;
        uint32_t s, k;
        if (hd_trace_get(t, blk(i), &req, &s, &k) == 0)
            sb_add(sig, "%zu:%zu/%" PRIu32 "/%" PRIu32 " ", i, req, s, k);
    }
    char line[HD_TRACE_LINE_LEN];
    hd_trace_stat_t st[64];
    hd_trace_diff_t d[64];
    size_t n;
    for (int i = 0; i < nsnaps; i++) {
        sb_add(sig, "\nsnapshot %" PRIu64 "\n", snaps[i]);
        for (int g = 0; g < 3; g++) {
            CHECK_OK(hd_trace_stats(t, snaps[i], groups[g], 64, st, &n));
            for (size_t j = 0; j < n; j++) {
                CHECK_OK(hd_trace_format_stat(&st[j], line, sizeof(line)));
                sb_add(sig, "%s\n", line);
            }
            if (i == 0)
                continue;
            CHECK_OK(hd_trace_compare(t, snaps[i], snaps[0], groups[g], 64, d, &n));
            for (size_t j = 0; j < n; j++) {
                CHECK_OK(hd_trace_format_diff(&d[j], line, sizeof(line)));
                sb_add(sig, "%s\n", line);
            }
        }
    }
}

/* scenario: new, intern, add (table growth, a big size), snapshot, reallocs
 * (untraced and traced old blocks, big sizes), removes (shrinks), a second
 * snapshot, statistics, compare, reserve. Appends the final state to sig. */
static void scenario(scen_t *sc, sbuf_t *sig)
{
    hd_trace_t *t = NULL;
    int rc;
    while ((rc = hd_trace_new(&sc->mem, &t)) == HD_ENOMEM) {
        sc->enomem++;
        CHECK(t == NULL);
        if (!sc->retry)
            return;
    }
    CHECK_OK(rc);
    static const char *const sites[] = {"a.py:1", "a.py:2",  "b.py:7",
                                        "b.py:0", "c.py:12", "a.py:3"};
    static const char *const kinds[] = {"list", "dict", "Node"};
    uint32_t s[6] = {0}, k[3] = {0};
    for (int i = 0; i < 6; i++)
        STEP(sc, t, hd_trace_intern_site(t, sites[i], &s[i]));
    for (int i = 0; i < 3; i++)
        STEP(sc, t, hd_trace_intern_kind(t, kinds[i], &k[i]));
    hd_trace_start(t);
    for (size_t i = 0; i < 300; i++)
        STEP(sc, t, hd_trace_add(t, blk(i), 10 + i, s[i % 6], k[i % 3]));
    STEP(sc, t, hd_trace_add(t, blk(1000), 5 * GIB4, s[0], k[0]));
    uint64_t snaps[3] = {0};
    STEP(sc, t, hd_trace_snapshot(t, &snaps[0]));
    for (size_t i = 0; i < 100; i++)
        STEP(sc, t, hd_trace_realloc(t, blk(2000 + i), blk(3000 + i), 7, s[1], k[1]));
    for (size_t i = 0; i < 100; i++)
        STEP(sc, t, hd_trace_realloc(t, blk(i), blk(4000 + i), 20 + i, s[2], k[2]));
    STEP(sc, t, hd_trace_realloc(t, blk(1000), blk(1001), 6 * GIB4, s[3], k[0]));
    STEP(sc, t, hd_trace_realloc(t, blk(150), blk(150), 5 * GIB4, s[4], k[1]));
    STEP(sc, t, hd_trace_realloc(t, blk(151), blk(1002), 7 * GIB4, s[4], k[1]));
    for (size_t i = 100; i < 290; i++)
        hd_trace_remove(t, blk(i));
    for (size_t i = 3000; i < 3100; i++) /* under 1/8 load: shrinks (may fail silently) */
        hd_trace_remove(t, blk(i));
    hd_trace_reset_peak(t);
    STEP(sc, t, hd_trace_add(t, blk(5), 12345, s[5], 0));
    STEP(sc, t, hd_trace_snapshot(t, &snaps[1]));
    hd_trace_stat_t st[16];
    hd_trace_diff_t d[16];
    size_t n;
    STEP(sc, t, hd_trace_stats(t, snaps[1], HD_TRACE_BY_SITE, 16, st, &n));
    STEP(sc, t, hd_trace_stats(t, snaps[1], HD_TRACE_BY_KIND, 16, st, &n));
    STEP(sc, t, hd_trace_compare(t, snaps[1], snaps[0], HD_TRACE_BY_FILE, 16, d, &n));
    STEP(sc, t, hd_trace_reserve(t, 50));
    hd_trace_clear(t);
    STEP(sc, t, hd_trace_add(t, blk(7), 1, s[0], k[0]));
    STEP(sc, t, hd_trace_snapshot(t, &snaps[2]));
    CHECK_OK(hd_trace_validate(t));
    sc->requests = sc->mem.requests;
    if (sig) {
        hd_mem_fail_after(&sc->mem, 0, 0);
        signature(t, snaps, 3, sig);
    }
    hd_trace_free(t);
}

TEST(fault_every_request_one_shot)
{
    scen_t base = {.retry = 1};
    hd_mem_init_default(&base.mem);
    sbuf_t want = {0};
    scenario(&base, &want);
    uint64_t total = base.requests;
    CHECK(total > 20);
    CHECK_EQ(base.enomem, 0);
    size_t surfaced = 0;
    for (uint64_t nth = 1; nth <= total + 1; nth++) {
        scen_t sc = {.retry = 1};
        hd_mem_init_default(&sc.mem);
        hd_mem_fail_after(&sc.mem, nth, 0);
        sbuf_t got = {0};
        scenario(&sc, &got);
        CHECK_EQ(sc.mem.failures, nth <= total ? 1 : 0);
        surfaced += sc.enomem;
        check_lines(got.p, want.p); /* retried to the same end state */
        sb_free(&got);
    }
    printf("fault injection: %" PRIu64 " requests, %zu surfaced as HD_ENOMEM, the rest were "
           "optional shrinks\n",
           total, surfaced);
    CHECK(surfaced > 0 && surfaced <= total);
    sb_free(&want);
}

TEST(fault_every_request_sticky)
{
    scen_t base = {.retry = 1};
    hd_mem_init_default(&base.mem);
    scenario(&base, NULL);
    uint64_t total = base.requests;
    for (uint64_t nth = 1; nth <= total; nth++) {
        scen_t sc = {.retry = 0};
        hd_mem_init_default(&sc.mem);
        hd_mem_fail_after(&sc.mem, nth, 1);
        scenario(&sc, NULL); /* every step fails cleanly or works; no leak (ASan) */
        CHECK(sc.mem.failures > 0);
    }
}

TEST(fault_new)
{
    for (uint64_t nth = 1;; nth++) {
        hd_mem_t mem;
        hd_mem_init_default(&mem);
        hd_mem_fail_after(&mem, nth, 1);
        hd_trace_t *t = NULL;
        int rc = hd_trace_new(&mem, &t);
        if (rc == 0) {
            CHECK_EQ(mem.failures, 0);
            CHECK(nth > 1);
            CHECK_OK(hd_trace_validate(t));
            hd_trace_free(t);
            break;
        }
        CHECK_EQ(rc, HD_ENOMEM);
        CHECK(t == NULL);
    }
}

/* ===================================================================== */
/* Randomized stress against a reference model                           */
/* ===================================================================== */

#define SB  3000 /* block indexes */
#define SS  24   /* sites */
#define SK  6    /* kinds */
#define SID 64   /* ids below this: SS sites, their files, SK kinds */

typedef struct ref {
    int tracing;
    size_t current, peak, count;
    int live[SB];
    size_t size[SB];
    uint32_t site[SB], kind[SB];
} ref_t;

static void ref_add(ref_t *r, size_t i, size_t size, uint32_t s, uint32_t k)
{
    if (!r->tracing)
        return;
    if (r->live[i])
        r->current -= r->size[i];
    else
        r->count++;
    r->live[i] = 1;
    r->size[i] = size;
    r->site[i] = s;
    r->kind[i] = k;
    r->current += size;
    if (r->current > r->peak)
        r->peak = r->current;
}

static void ref_remove(ref_t *r, size_t i)
{
    if (r->live[i]) {
        r->live[i] = 0;
        r->current -= r->size[i];
        r->count--;
    }
}

static void ref_clear(ref_t *r)
{
    memset(r->live, 0, sizeof(r->live));
    r->current = r->peak = r->count = 0;
}

/* stat_before: whether a sorts strictly before b in Statistic order,
 * written independently of the module: (size, count, filename, line) desc. */
static int stat_before(const hd_trace_t *t, const hd_trace_stat_t *a, const hd_trace_stat_t *b,
                       int kinds)
{
    if (a->size != b->size)
        return a->size > b->size;
    if (a->count != b->count)
        return a->count > b->count;
    if (kinds)
        return strcmp(a->key, b->key) > 0;
    size_t fa, fb;
    uint32_t la, lb;
    CHECK_OK(hd_trace_site_lookup(t, a->id, NULL, &fa, &la));
    CHECK_OK(hd_trace_site_lookup(t, b->id, NULL, &fb, &lb));
    int c = memcmp(a->key, b->key, fa < fb ? fa : fb);
    if (c != 0)
        return c > 0;
    if (fa != fb)
        return fa > fb;
    return la > lb;
}

/* check_snapshot: a fresh snapshot's per-site and per-kind statistics equal
 * the model's sums, in order; compare_to against the previous one. */
static void check_snapshot(hd_trace_t *t, const ref_t *r, uint64_t *prev,
                           uint64_t (*prev_site)[SID])
{
    uint64_t snap;
    CHECK_OK(hd_trace_snapshot(t, &snap));
    uint64_t size[2][SID], count[2][SID];
    memset(size, 0, sizeof(size));
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < SB; i++) {
        if (r->live[i]) {
            size[0][r->site[i]] += r->size[i], count[0][r->site[i]]++;
            size[1][r->kind[i]] += r->size[i], count[1][r->kind[i]]++;
        }
    }
    hd_trace_stat_t st[SID];
    for (int g = 0; g < 2; g++) {
        size_t n = 0, want = 0;
        CHECK_OK(hd_trace_stats(t, snap, g ? HD_TRACE_BY_KIND : HD_TRACE_BY_SITE, SID, st, &n));
        for (int i = 0; i < SID; i++)
            want += count[g][i] > 0;
        CHECK_EQ(n, want);
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(st[i].size, size[g][st[i].id]);
            CHECK_EQ(st[i].count, count[g][st[i].id]);
            if (i > 0)
                CHECK(stat_before(t, &st[i - 1], &st[i], g));
        }
    }
    if (*prev) {
        hd_trace_diff_t d[SID];
        size_t n = 0, want = 0;
        CHECK_OK(hd_trace_compare(t, snap, *prev, HD_TRACE_BY_SITE, SID, d, &n));
        for (int i = 0; i < SID; i++)
            want += count[0][i] > 0 || prev_site[1][i] > 0;
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(d[i].size, size[0][d[i].id]);
            CHECK_EQ(d[i].size_diff, (int64_t)(size[0][d[i].id] - prev_site[0][d[i].id]));
            CHECK_EQ(d[i].count, count[0][d[i].id]);
            CHECK_EQ(d[i].count_diff, (int64_t)(count[0][d[i].id] - prev_site[1][d[i].id]));
        }
        CHECK_EQ(n, want);
        CHECK_OK(hd_trace_snapshot_drop(t, *prev));
    }
    *prev = snap;
    memcpy(prev_site[0], size[0], sizeof(size[0]));
    memcpy(prev_site[1], count[0], sizeof(count[0]));
}

static void stress_step(hd_trace_t *t, ref_t *r, const uint32_t *sid, const uint32_t *kid,
                        uint64_t *prev, uint64_t (*prev_site)[SID])
{
    uint64_t op = rnd() % 1000;
    size_t i = rnd() % SB, j = rnd() % SB;
    size_t size = (rnd() % 200 == 0) ? GIB4 - 2 + rnd() % 5 : rnd() % 2000;
    uint32_t s = sid[rnd() % SS], k = kid[rnd() % SK];
    if (op < 380) {
        CHECK_OK(hd_trace_add(t, blk(i), size, s, k));
        ref_add(r, i, size, s, k);
    } else if (op < 640) {
        hd_trace_remove(t, blk(i));
        ref_remove(r, i);
    } else if (op < 900) {
        int from_null = rnd() % 10 == 0;
        CHECK_OK(hd_trace_realloc(t, from_null ? NULL : blk(i), blk(j), size, s, k));
        if (r->tracing && !from_null && i != j)
            ref_remove(r, i);
        ref_add(r, j, size, s, k);
    } else if (op < 980) {
        size_t req;
        uint32_t gs, gk;
        int rc = hd_trace_get(t, blk(i), &req, &gs, &gk);
        CHECK_EQ(rc, r->live[i] ? 0 : HD_ENOTFOUND);
        if (rc == 0)
            CHECK(req == r->size[i] && gs == r->site[i] && gk == r->kind[i]);
    } else if (op < 988) {
        if (r->tracing)
            check_snapshot(t, r, prev, prev_site);
    } else if (op < 993) {
        hd_trace_reset_peak(t);
        if (r->tracing)
            r->peak = r->current;
    } else if (op < 996) {
        hd_trace_clear(t);
        ref_clear(r);
    } else if (op < 998) {
        hd_trace_stop(t);
        ref_clear(r);
        r->tracing = 0;
    } else {
        hd_trace_start(t);
        r->tracing = 1;
    }
}

TEST(stress_against_model)
{
    hd_trace_t *t = new_trace();
    static ref_t r;
    memset(&r, 0, sizeof(r));
    uint32_t sid[SS], kid[SK];
    char buf[32];
    for (int i = 0; i < SS; i++) {
        snprintf(buf, sizeof(buf), "m%d.py:%d", i % 3, i * 7 % 25);
        sid[i] = site(t, buf);
        CHECK(sid[i] < SID);
    }
    for (int i = 0; i < SK; i++) {
        snprintf(buf, sizeof(buf), "K%d", i % 5);
        kid[i] = kind(t, buf);
    }
    rng_state = 12345;
    hd_trace_start(t);
    r.tracing = 1;
    uint64_t prev = 0, prev_site[2][SID] = {{0}};
    for (int step = 0; step < 300000; step++) {
        stress_step(t, &r, sid, kid, &prev, prev_site);
        size_t c, p;
        hd_trace_memory(t, &c, &p);
        CHECK_EQ(c, r.current);
        CHECK_EQ(p, r.peak);
        CHECK_EQ(hd_trace_count(t), r.count);
        CHECK_EQ(hd_trace_is_tracing(t), r.tracing);
        if (step % 997 == 0)
            CHECK_OK(hd_trace_validate(t));
    }
    CHECK_OK(hd_trace_validate(t));
    hd_trace_stop(t);
    CHECK_EQ(hd_trace_count(t), 0);
    hd_trace_free(t);
}

/* ===================================================================== */
/* Micro-timing (printed, never asserted)                                */
/* ===================================================================== */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* pool_addr: the i-th block of 32-byte class in consecutive 16 KiB pools. */
static const void *pool_addr(size_t i)
{
    return (const void *)(uintptr_t)(0x7f1000000000ull + (i / 510) * 16384 + 48 + (i % 510) * 32);
}

TEST(timing_printout)
{
    hd_trace_t *t = new_trace();
    hd_trace_start(t);
    const size_t n = (size_t)1 << 20;
    size_t *order = malloc(n * sizeof(*order));
    CHECK(order != NULL);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    rng_state = 99;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rnd() % (i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++)
        CHECK_OK(hd_trace_add(t, pool_addr(i), 32, 0, 0));
    double t1 = now_ns();
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += hd_trace_get(t, pool_addr(order[i]), NULL, NULL, NULL) == 0;
    double t2 = now_ns();
    /* steady churn at 1M live: free a random block, allocate it again */
    for (size_t i = 0; i < n; i++) {
        hd_trace_remove(t, pool_addr(order[i]));
        CHECK_OK(hd_trace_add(t, pool_addr(order[i]), 24, 0, 0));
    }
    double t3 = now_ns();
    for (size_t i = 0; i < n; i++)
        hd_trace_remove(t, pool_addr(order[i]));
    double t4 = now_ns();
    /* small live set (cache-resident): 1000 live, alloc/free churn */
    for (size_t i = 0; i < 1000; i++)
        CHECK_OK(hd_trace_add(t, pool_addr(i), 32, 0, 0));
    double t5 = now_ns();
    for (size_t i = 0; i < n; i++) {
        hd_trace_remove(t, pool_addr(i % 1000));
        CHECK_OK(hd_trace_add(t, pool_addr(i % 1000), 32, 0, 0));
    }
    double t6 = now_ns();
    CHECK_EQ(hits, n);
    CHECK_EQ(hd_trace_count(t), 1000);
    /* 1M adds into a table reserved beforehand: the insert without rehashing */
    hd_trace_clear(t);
    CHECK_OK(hd_trace_reserve(t, n));
    double t7 = now_ns();
    for (size_t i = 0; i < n; i++)
        CHECK_OK(hd_trace_add(t, pool_addr(i), 32, 0, 0));
    double t8 = now_ns();
    CHECK_EQ(hd_trace_count(t), n);
    printf("timing (1M blocks, pool addresses; informational):\n"
           "  add, growing table   %6.1f ns/op\n"
           "  get, random order    %6.1f ns/op\n"
           "  remove+add, 1M live  %6.1f ns/op\n"
           "  remove, shrinking    %6.1f ns/op\n"
           "  remove+add, 1k live  %6.1f ns/op\n"
           "  add, reserved table  %6.1f ns/op\n",
           (t1 - t0) / (double)n, (t2 - t1) / (double)n, (t3 - t2) / (double)(2 * n),
           (t4 - t3) / (double)n, (t6 - t5) / (double)(2 * n), (t8 - t7) / (double)n);
    free(order);
    hd_trace_free(t);
}
