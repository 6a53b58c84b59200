/*
 * test_parse.c: the fast path of request parsing (proto/parse.c) against
 * json_loadb: whenever the fast path builds a tree, jansson builds an equal
 * one (same types, same values, same member order), for every vector of
 * proto/vectors and for a deterministic stream of generated messages, valid
 * and broken. And the spans it records for the decoder (each member's "id"
 * and "params" values, hd__proto_fast_load_env) hold exactly the text of
 * those values: jansson reads each span back to the value in the tree.
 */
#include "test.h"

#include "proto_int.h"
#include "util.h"

#define FLAGS (JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

static int agree(const char *text, size_t len)
{
    json_t *fast = hd__proto_fast_load(text, len, FLAGS);
    json_error_t jerr;
    json_t *slow = json_loadb(text, len, FLAGS, &jerr);
    int ok = 1;
    if (fast) {
        char *a = json_dumps(fast, JSON_ENCODE_ANY | JSON_COMPACT);
        char *b = slow ? json_dumps(slow, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        ok = slow && json_equal(fast, slow) && a && b && strcmp(a, b) == 0;
        if (!ok)
            fprintf(stderr, "fast and jansson differ on %.*s\n  fast %s\n  slow %s\n", (int)len,
                    text, a ? a : "?", b ? b : "(error)");
        free(a);
        free(b);
    }
    json_decref(fast);
    json_decref(slow);
    return ok;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* one recorded span against the member's value (NULL: no such key) */
static int span_agrees(const char *text, size_t len, hd__proto_span_t sp, const json_t *want)
{
    if (!want)
        return sp.len == 0;
    if (sp.len == 0 || sp.off + sp.len > len || is_ws(text[sp.off]) ||
        is_ws(text[sp.off + sp.len - 1]))
        return 0;
    json_error_t jerr;
    json_t *got = json_loadb(text + sp.off, sp.len, FLAGS, &jerr);
    int ok = got && json_equal(got, want);
    json_decref(got);
    return ok;
}

/* spans_agree: when the fast path takes text, each member's id and params
 * spans read back (by jansson) to that member's values in the tree; counts
 * in *members the members checked */
static int spans_agree(const char *text, size_t len, size_t *members)
{
    hd__proto_env_t env;
    hd__proto_env_init(&env);
    json_t *root = hd__proto_fast_load_env(text, len, FLAGS, &env);
    int ok = 1;
    size_t n = !root ? 0 : json_is_array(root) ? json_array_size(root) : 1;
    for (size_t i = 0; i < n && ok; i++) {
        json_t *m = json_is_array(root) ? json_array_get(root, i) : root;
        json_t *id = json_is_object(m) ? json_object_get(m, "id") : NULL;
        json_t *params = json_is_object(m) ? json_object_get(m, "params") : NULL;
        ok = span_agrees(text, len, env.m[i].id, id) &&
             span_agrees(text, len, env.m[i].params, params);
        if (!ok)
            fprintf(stderr, "member %zu: spans id %zu+%zu params %zu+%zu do not match in %.*s\n", i,
                    env.m[i].id.off, env.m[i].id.len, env.m[i].params.off, env.m[i].params.len,
                    (int)len, text);
    }
    *members += n;
    json_decref(root);
    hd__proto_env_close(&env);
    return ok;
}

/* fast_agrees: the fast path and jansson load a vector's message alike;
 * counts in *arg the messages the fast path took. */
static void fast_agrees(const vector_t *v, void *arg)
{
    if (!v->text || v->hex)
        return;
    CHECK(agree(v->text, v->len));
    size_t members = 0;
    CHECK(spans_agree(v->text, v->len, &members));
    json_t *t = hd__proto_fast_load(v->text, v->len, FLAGS);
    *(size_t *)arg += t != NULL;
    json_decref(t);
}

TEST(vectors)
{
    size_t fast = 0;
    each_vector(VECTORS_VALID | VECTORS_INVALID, fast_agrees, &fast);
    CHECK(fast > 20); /* the valid vectors do take the fast path */
}

static unsigned long long rng = 88172645463325252ULL;

static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const atoms[] = {
    "0",
    "-0",
    "1",
    "-17",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "1.5",
    "-0.0",
    "1e3",
    "1E-3",
    "2.5e+10",
    "1e400",
    "1e-400",
    "01",
    "1.",
    ".5",
    "-",
    "true",
    "false",
    "null",
    "tru",
    "\"\"",
    "\"a\"",
    "\"\\u00e9\\n\\t\\\"\\\\\\/\"",
    "\"\\u0000x\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud83d\"",
    "\"\\udc00\"",
    "\"\xc3\xa9\"",
    "\"\xff\"",
    "\"a\tb\"",
    "\"\\x\"",
    "\"\\u12\"",
    "\"\xe2\x82\xac\"",
    "\"\xf0\x9f\x98\x80\"",
    "\"\xed\xa0\x80\"",
};

static void gen(char *buf, size_t *len, size_t cap, int depth)
{
    unsigned k = depth > 4 ? 2 : next(4);
    if (*len + 64 >= cap)
        k = 2;
    if (k == 0) {
        buf[(*len)++] = '[';
        unsigned n = next(4);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                buf[(*len)++] = next(20) ? ',' : ' ';
            gen(buf, len, cap, depth + 1);
        }
        buf[(*len)++] = next(30) ? ']' : '}';
    } else if (k == 1) {
        buf[(*len)++] = '{';
        unsigned n = next(4);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                buf[(*len)++] = ',';
            *len += (size_t)snprintf(buf + *len, cap - *len, "\"k%u\"%s", next(next(20) ? 6 : 2),
                                     next(25) ? ":" : "");
            gen(buf, len, cap, depth + 1);
        }
        buf[(*len)++] = '}';
    } else {
        const char *a = atoms[next(sizeof atoms / sizeof atoms[0])];
        memcpy(buf + *len, a, strlen(a));
        *len += strlen(a);
        if (!next(15))
            buf[(*len)++] = ' ';
    }
}

TEST(generated)
{
    char buf[8192];
    for (int i = 0; i < 20000; i++) {
        size_t len = 0;
        gen(buf, &len, sizeof buf, 0);
        if (!next(20) && len)
            len--; /* truncated */
        CHECK(agree(buf, len));
    }
}

/* A member of a generated batch: an object whose keys are drawn from the
 * envelope's (some written with escapes, which the spans must see through)
 * and others, with generated values and whitespace. */
static void gen_member(char *buf, size_t *len, size_t cap)
{
    static const char *const values[] = {"1",
                                         "-17",
                                         "2.5e+10",
                                         "null",
                                         "true",
                                         "\"a\"",
                                         "\"\\u00e9\\\"}\"",
                                         "{}",
                                         "[]",
                                         "{\"a\":[1,{\"b\":\"}]\"}],\"id\":2}",
                                         "[1, \"]\", {\"x\": null}]"};
    static const char *const keys[] = {"\"id\"",      "\"params\"",   "\"method\"",
                                       "\"jsonrpc\"", "\"\\u0069d\"", "\"para\\u006ds\"",
                                       "\"idx\"",     "\"param\"",    "\"k\""};
    if (!next(8)) {
        gen(buf, len, cap, 3); /* not an object */
        return;
    }
    buf[(*len)++] = '{';
    unsigned n = next(5);
    for (unsigned i = 0; i < n && *len + 200 < cap; i++) {
        const char *k = keys[next(sizeof keys / sizeof keys[0])];
        *len += (size_t)snprintf(buf + *len, cap - *len, "%s%s%s:%s", i ? "," : "",
                                 next(4) ? "" : " ", k, next(3) ? "" : " \n");
        if (next(6)) {
            const char *v = values[next(sizeof values / sizeof values[0])];
            memcpy(buf + *len, v, strlen(v));
            *len += strlen(v);
        } else {
            gen(buf, len, cap, 3);
        }
    }
    buf[(*len)++] = '}';
}

TEST(spans)
{
    char buf[8192];
    size_t members = 0;
    for (int i = 0; i < 20000; i++) {
        size_t len = 0;
        if (next(3)) {
            gen_member(buf, &len, sizeof buf);
        } else {
            buf[len++] = '[';
            unsigned n = next(12); /* past the env's inline room */
            for (unsigned j = 0; j < n && len + 400 < sizeof buf; j++) {
                if (j)
                    buf[len++] = ',';
                gen_member(buf, &len, sizeof buf);
            }
            buf[len++] = ']';
        }
        CHECK(spans_agree(buf, len, &members));
    }
    CHECK(members > 10000); /* 11,156 generated members take the fast path */
}
