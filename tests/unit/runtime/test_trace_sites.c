/*
 * test_trace_sites.c: the names of the allocation-tracing module (trace.h):
 * interning allocation sites ("file:line", canonicalised, with the file's
 * own "file:0" site beside) and kinds (taken as is), the name length limit,
 * and the limit on the number of ids.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_util.h"

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
