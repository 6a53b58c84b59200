/*
 * rt_oracle.h: running /usr/bin/python3 (Debian's 3.11, the project's
 * oracle) from a unit test, and building the programs it runs.
 *
 * A test writes a Python program into an rt_text_t, runs it with
 * rt_py_output (its whole standard output) or rt_py_int_list (every integer
 * it prints), and compares that with what the runtime computes, so that no
 * expected value is typed in by hand. Every program runs as
 *
 *     PYTHONHASHSEED=0 /usr/bin/python3 -X utf8 PROGRAM [INPUT]
 *
 * from a private temporary directory: str hashes, and so set and dict
 * orders, are those of seed 0, and text is UTF-8 whatever the locale. A
 * python3 that cannot start or exits non-zero fails the test.
 *
 * Header-only (static inline), like rt_util.h, because each runtime test is
 * one program built from one source file; it needs nothing but test.h, so
 * the tests without a heap (test_trace_*.c) use it too.
 */
#ifndef HD_RT_ORACLE_H
#define HD_RT_ORACLE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define RT_PYTHON "/usr/bin/python3"

/* ---- a growing text buffer ---- */

typedef struct rt_text {
    char *buf; /* owned; NUL-terminated once anything was added, else NULL */
    size_t len, cap;
} rt_text_t;

/* rt_text_append: adds len bytes of data. */
static inline void rt_text_append(rt_text_t *t, const char *data, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        t->cap = (t->len + len + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
        CHECK(t->buf != NULL);
    }
    memcpy(t->buf + t->len, data, len);
    t->len += len;
    t->buf[t->len] = '\0';
}

/* rt_text_add: adds printf-formatted text. */
__attribute__((format(printf, 2, 3))) static inline void rt_text_add(rt_text_t *t, const char *fmt,
                                                                     ...)
{
    for (;;) {
        size_t room = t->cap - t->len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
        va_end(ap);
        CHECK(n >= 0);
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
        CHECK(t->buf != NULL);
    }
}

/* rt_text_free: frees the text; t is empty again. */
static inline void rt_text_free(rt_text_t *t)
{
    free(t->buf);
    memset(t, 0, sizeof(*t));
}

/* ---- running python3 ---- */

static inline void rt_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
    CHECK_EQ(fclose(f), 0);
}

/* rt_py_output: runs `program` with python3 (as the file header says),
 * with a file holding `input` as argv[1] unless input is NULL; its whole
 * standard output. Fails the test if python3 fails. Returns a new malloc'd
 * string (never NULL); the caller frees it. */
static inline char *rt_py_output(const char *program, const char *input)
{
    char dir[] = "/tmp/hd_oracle.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char ppath[64], ipath[64], cmd[256];
    snprintf(ppath, sizeof(ppath), "%s/oracle.py", dir);
    snprintf(ipath, sizeof(ipath), "%s/input.txt", dir);
    rt_write_file(ppath, program);
    if (input)
        rt_write_file(ipath, input);
    snprintf(cmd, sizeof(cmd), "PYTHONHASHSEED=0 " RT_PYTHON " -X utf8 %s %s", ppath,
             input ? ipath : "");
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    rt_text_t out = {0};
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
        rt_text_append(&out, chunk, got);
    int status = pclose(p);
    unlink(ppath);
    if (input)
        unlink(ipath);
    rmdir(dir);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        hd_test_fail(__FILE__, __LINE__, "%s failed (status %d)", RT_PYTHON, status);
    if (!out.buf)
        rt_text_append(&out, "", 0);
    return out.buf;
}

/* rt_py_int_list: runs `program` (no input) and reads the integers it
 * prints, separated by any white space, up to the first word that is not
 * one. Returns how many; *out is a new malloc'd array (never NULL) that the
 * caller frees. */
static inline size_t rt_py_int_list(const char *program, int64_t **out)
{
    char *text = rt_py_output(program, NULL), *p = text, *end;
    size_t n = 0, cap = 256;
    int64_t *v = malloc(cap * sizeof(*v));
    CHECK(v != NULL);
    for (long long x = strtoll(p, &end, 10); end != p; x = strtoll(p, &end, 10)) {
        if (n == cap)
            CHECK((v = realloc(v, (cap *= 2) * sizeof(*v))) != NULL);
        v[n++] = x;
        p = end;
    }
    free(text);
    *out = v;
    return n;
}

/* ---- comparing with what python3 printed ---- */

/* rt_check_lines: `got` and `want` are equal; on a difference, the test
 * fails naming the first differing line of each. */
static inline void rt_check_lines(const char *got, const char *want)
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

/* A growing array of the integers a test computed, to hold against
 * python3's with rt_py_check_ints. */
typedef struct rt_ints {
    int64_t *v; /* owned */
    size_t n, cap;
} rt_ints_t;

static inline void rt_ints_push(rt_ints_t *a, int64_t x)
{
    if (a->n == a->cap)
        CHECK((a->v = realloc(a->v, (a->cap = a->cap ? 2 * a->cap : 256) * sizeof(*a->v))));
    a->v[a->n++] = x;
}

static inline void rt_ints_free(rt_ints_t *a)
{
    free(a->v);
    memset(a, 0, sizeof(*a));
}

/* rt_py_check_ints: `got` holds exactly the integers `program` prints, in
 * order; the first difference is reported. */
static inline void rt_py_check_ints(const char *program, const rt_ints_t *got)
{
    int64_t *want;
    size_t n = rt_py_int_list(program, &want);
    for (size_t i = 0; i < n && i < got->n; i++) {
        if (got->v[i] != want[i])
            fprintf(stderr, "result %zu: %lld, python %lld\n", i, (long long)got->v[i],
                    (long long)want[i]);
        CHECK_EQ(got->v[i], want[i]);
    }
    CHECK_EQ(got->n, n);
    free(want);
}

#endif
