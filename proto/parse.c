/*
 * parse.c: a fast path in front of json_loadb for the messages a server
 * decodes by the hundred thousand per second.
 *
 * hd__proto_fast_load parses the plain, valid JSON that clients send and
 * builds exactly the tree json_loadb would build for it (members in order,
 * integers with strtoll, reals with strtod, strings as UTF-8). Anything it
 * is not sure about it refuses, returning NULL: a syntax error, a duplicate
 * key, a NUL in a key, an integer beyond 64 bits, a real that over- or
 * underflows, nesting deeper than the parser's limit, invalid UTF-8, a
 * lone surrogate, or an allocation that fails. The caller then runs
 * json_loadb, which either builds the tree after all or describes the error
 * exactly as before, so error answers (-32700 reasons, positions) are
 * jansson's, and the fast path can only change how fast a valid message is
 * read. jansson 2.14 reads a character at a time through a stream callback
 * and grows each token in a string buffer; this reads the text in place.
 */
#include "proto_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fp {
    const char *s;
    size_t len, pos;
    size_t flags;
    int depth;
    char *tmp; /* owned scratch for decoded strings */
    size_t tmp_cap;
    hd__proto_env_t *env; /* NULL, or where the members' spans go */
    int root_array;       /* the top-level value is an array (a batch) */
    size_t member;        /* which member of env the object being read is */
} fp_t;

static json_t *value(fp_t *p);

static void ws(fp_t *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        p->pos++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static long u4(fp_t *p)
{
    if (p->len - p->pos < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[p->pos + (size_t)i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    p->pos += 4;
    return v;
}

static size_t put_utf8(char *out, long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* one escape after the backslash, decoded into out; its length or 0 */
static size_t escape(fp_t *p, char *out)
{
    char c = p->s[p->pos++];
    switch (c) {
    case '"':
    case '\\':
    case '/':
        *out = c;
        return 1;
    case 'b':
        *out = '\b';
        return 1;
    case 'f':
        *out = '\f';
        return 1;
    case 'n':
        *out = '\n';
        return 1;
    case 'r':
        *out = '\r';
        return 1;
    case 't':
        *out = '\t';
        return 1;
    case 'u':
        break;
    default:
        return 0;
    }
    long cp = u4(p);
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
            return 0;
        p->pos += 2;
        long lo = u4(p);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0 && !(p->flags & JSON_ALLOW_NUL))
        return 0;
    return put_utf8(out, cp);
}

/* a string token at pos (the opening quote): its text in *out and *n, in place
 * when it has no escape, else in p->tmp */
static int string(fp_t *p, const char **out, size_t *n)
{
    size_t start = ++p->pos, run = start;
    size_t len = 0;
    int escaped = 0, high = 0; /* high: a byte >= 0x80 (then check UTF-8) */
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            if (!escaped) {
                *out = p->s + start;
                *n = p->pos - start;
            } else {
                memcpy(p->tmp + len, p->s + run, p->pos - run);
                len += p->pos - run;
                *out = p->tmp;
                *n = len;
            }
            p->pos++;
            return !high || hd__proto_utf8_valid(*out, *n) ? 0 : -1;
        }
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            high |= c >= 0x80;
            p->pos++;
            continue;
        }
        if (!escaped) {
            escaped = 1;
            if (!p->tmp || p->tmp_cap < p->len) { /* a decoded string is never longer */
                hd__proto_free(p->tmp);
                p->tmp_cap = p->len;
                if (!(p->tmp = hd__proto_malloc(p->tmp_cap)))
                    return -1;
            }
        }
        memcpy(p->tmp + len, p->s + run, p->pos - run);
        len += p->pos - run;
        p->pos++;
        if (p->pos >= p->len)
            return -1;
        size_t k = escape(p, p->tmp + len);
        if (!k)
            return -1;
        len += k;
        run = p->pos;
    }
    return -1;
}

static size_t digits(fp_t *p)
{
    size_t n = 0;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
        p->pos++, n++;
    return n;
}

static json_t *number(fp_t *p)
{
    size_t start = p->pos;
    int real = 0;
    if (p->s[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->len)
        return NULL;
    if (p->s[p->pos] == '0')
        p->pos++;
    else if (!digits(p))
        return NULL;
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (!digits(p))
            return NULL;
        real = 1;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (!digits(p))
            return NULL;
        real = 1;
    }
    char buf[64];
    size_t n = p->pos - start;
    if (n >= sizeof buf)
        return NULL; /* long numbers: jansson's own reading */
    memcpy(buf, p->s + start, n);
    buf[n] = '\0';
    errno = 0;
    if (!real) {
        long long v = strtoll(buf, NULL, 10);
        return errno ? NULL : json_integer(v);
    }
    double d = strtod(buf, NULL);
    return errno ? NULL : json_real(d);
}

static json_t *object(fp_t *p)
{
    /* a member of the message: the top-level object, or one in a batch */
    int envelope = p->env && (p->root_array ? p->depth == 2 : p->depth == 1);
    json_t *o = json_object();
    p->pos++;
    ws(p);
    if (o && p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return o;
    }
    while (o) {
        const char *key;
        size_t klen;
        ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '"' || string(p, &key, &klen) != 0 ||
            memchr(key, '\0', klen))
            break;
        char kbuf[256];
        if (klen >= sizeof kbuf)
            break; /* long keys: jansson's own reading */
        memcpy(kbuf, key, klen);
        kbuf[klen] = '\0';
        ws(p);
        if (p->pos >= p->len || p->s[p->pos++] != ':')
            break;
        ws(p);
        size_t at = p->pos;
        json_t *v = value(p);
        if (!v)
            break;
        if (envelope) {
            hd__proto_member_spans_t *ms = &p->env->m[p->member];
            hd__proto_span_t sp = {at, p->pos - at};
            if (klen == 2 && memcmp(kbuf, "id", 2) == 0)
                ms->id = sp;
            else if (klen == 6 && memcmp(kbuf, "params", 6) == 0)
                ms->params = sp;
        }
        /* one lookup, not two: a duplicate key replaces the first value
         * and leaves the size as it was (then jansson says which key) */
        size_t before = json_object_size(o);
        if (json_object_setn_new_nocheck(o, kbuf, klen, v) != 0 || json_object_size(o) == before)
            break; /* it took v, even on failure */
        ws(p);
        if (p->pos >= p->len)
            break;
        char c = p->s[p->pos++];
        if (c == '}')
            return o;
        if (c != ',')
            break;
    }
    json_decref(o);
    return NULL;
}

/* a batch's element i is next: room and zero spans for it in env */
static int env_member(fp_t *p, size_t i)
{
    hd__proto_env_t *env = p->env;
    if (i >= env->cap) {
        size_t cap = env->cap * 2;
        if (cap > SIZE_MAX / sizeof *env->m)
            return -1;
        hd__proto_member_spans_t *m = hd__proto_malloc(cap * sizeof *m);
        if (!m)
            return -1;
        memcpy(m, env->m, env->cap * sizeof *m);
        if (env->m != env->one_)
            hd__proto_free(env->m);
        env->m = m;
        env->cap = cap;
    }
    memset(&env->m[i], 0, sizeof env->m[i]);
    p->member = i;
    return 0;
}

static json_t *array(fp_t *p)
{
    int batch = p->env && p->depth == 1;
    if (batch)
        p->root_array = 1;
    json_t *a = json_array();
    p->pos++;
    ws(p);
    if (a && p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        return a;
    }
    while (a) {
        if (batch && env_member(p, json_array_size(a)) != 0)
            break;
        json_t *v = value(p);
        if (!v || json_array_append_new(a, v) != 0)
            break;
        ws(p);
        if (p->pos >= p->len)
            break;
        char c = p->s[p->pos++];
        if (c == ']')
            return a;
        if (c != ',')
            break;
    }
    json_decref(a);
    return NULL;
}

static json_t *word(fp_t *p, const char *w, json_t *(*make)(void))
{
    size_t n = strlen(w);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
        return NULL;
    p->pos += n;
    return make();
}

static json_t *value(fp_t *p)
{
    ws(p);
    if (p->pos >= p->len || ++p->depth > HD_PROTO_MAX_DEPTH)
        return NULL;
    json_t *v = NULL;
    const char *str;
    size_t n;
    switch (p->s[p->pos]) {
    case '{':
        v = object(p);
        break;
    case '[':
        v = array(p);
        break;
    case '"':
        if (string(p, &str, &n) == 0)
            v = json_stringn_nocheck(str, n);
        break;
    case 't':
        v = word(p, "true", json_true);
        break;
    case 'f':
        v = word(p, "false", json_false);
        break;
    case 'n':
        v = word(p, "null", json_null);
        break;
    default:
        if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
            v = number(p);
    }
    p->depth--;
    return v;
}

void hd__proto_env_init(hd__proto_env_t *env)
{
    env->m = env->one_;
    env->cap = sizeof env->one_ / sizeof env->one_[0];
    memset(env->one_, 0, sizeof env->one_);
}

void hd__proto_env_close(hd__proto_env_t *env)
{
    if (env->m != env->one_)
        hd__proto_free(env->m);
    hd__proto_env_init(env);
}

json_t *hd__proto_fast_load(const char *text, size_t len, size_t flags)
{
    return hd__proto_fast_load_env(text, len, flags, NULL);
}

json_t *hd__proto_fast_load_env(const char *text, size_t len, size_t flags, hd__proto_env_t *env)
{
    if (!(flags & JSON_DECODE_ANY) || (flags & JSON_DECODE_INT_AS_REAL) ||
        !(flags & JSON_REJECT_DUPLICATES))
        return NULL; /* only the flags hd_proto reads requests with */
    if (env)
        memset(&env->m[0], 0, sizeof env->m[0]); /* a message that is one value */
    fp_t p = {text, len, 0, flags, 0, NULL, 0, env, 0, 0};
    json_t *v = value(&p);
    ws(&p);
    hd__proto_free(p.tmp);
    if (v && p.pos != len) {
        json_decref(v);
        return NULL;
    }
    return v;
}
