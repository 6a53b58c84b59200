/*
 * test_parse.c: the fast path of request parsing (proto/parse.c) against
 * json_loadb: whenever the fast path builds a tree, jansson builds an equal
 * one (same types, same values, same member order), for every vector of
 * proto/vectors and for a deterministic stream of generated messages, valid
 * and broken.
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

/* fast_agrees: the fast path and jansson load a vector's message alike;
 * counts in *arg the messages the fast path took. */
static void fast_agrees(const vector_t *v, void *arg)
{
    if (!v->text || v->hex)
        return;
    CHECK(agree(v->text, v->len));
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
