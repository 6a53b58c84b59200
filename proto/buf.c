/*
 * buf.c: hd_proto's output buffer, UTF-8 validation and JSON string escaping.
 *
 * Why a buffer of our own rather than json_dumps: a response is assembled
 * from pieces that jansson cannot hold (the request id as the exact text the
 * client sent) and from jansson trees (results, error objects), and a
 * server wants the frame in one block with room for a transport header in
 * front (libwebsockets' LWS_PRE). So encoders append pieces here, dumping
 * jansson trees straight into the buffer (dump.c).
 *
 * It also holds the one JSON string escaper of hd_proto and
 * hd__proto_load, the one way hd_proto parses JSON (see
 * proto_int.h for why a failed parse is tried twice).
 *
 * Layout of data: [headroom bytes][len bytes of text][NUL][spare], cap bytes
 * in all. Invariants: data == NULL iff cap == 0 (then len == 0); when data
 * is not NULL, data[headroom + len] == '\0'. Appends grow cap by doubling.
 */
#include "proto_int.h"

#include <string.h>

#include "err.h"

void *hd__proto_malloc(size_t len)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    return m(len ? len : 1);
}

void hd__proto_free(void *p)
{
    json_malloc_t m;
    json_free_t f;
    if (!p)
        return;
    json_get_alloc_funcs(&m, &f);
    f(p);
}

void hd_proto_free(void *p)
{
    hd__proto_free(p);
}

/* ---- UTF-8 ---- */

int hd__proto_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            return 0;
        }
        if ((size_t)(end - p) <= n)
            return 0;
        if (p[1] < lo || p[1] > hi)
            return 0;
        for (size_t i = 2; i <= n; i++)
            if (p[i] < 0x80 || p[i] > 0xBF)
                return 0;
        p += n + 1;
    }
    return 1;
}

/* ---- the buffer ---- */

void hd_proto_buf_init(hd_proto_buf_t *buf, size_t headroom)
{
    buf->data = NULL;
    buf->headroom = headroom;
    buf->len = 0;
    buf->cap = 0;
}

void hd_proto_buf_close(hd_proto_buf_t *buf)
{
    hd__proto_free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void hd_proto_buf_clear(hd_proto_buf_t *buf)
{
    hd__proto_buf_truncate(buf, 0);
}

const char *hd_proto_buf_text(const hd_proto_buf_t *buf)
{
    return buf->data ? buf->data + buf->headroom : "";
}

int hd__proto_buf_grow(hd_proto_buf_t *buf, size_t more)
{
    size_t fixed = buf->headroom + 1; /* headroom and the NUL */
    if (more > SIZE_MAX - fixed - buf->len)
        return HD_ENOMEM;
    size_t need = fixed + buf->len + more;
    if (need <= buf->cap)
        return 0;
    size_t cap = buf->cap ? buf->cap : 1024; /* most responses fit at once */
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* jansson's allocator has no realloc: allocate, copy, free. */
    char *data = hd__proto_malloc(cap);
    if (!data)
        return HD_ENOMEM;
    if (buf->data)
        memcpy(data, buf->data, buf->headroom + buf->len + 1);
    else
        data[buf->headroom] = '\0';
    hd__proto_free(buf->data);
    buf->data = data;
    buf->cap = cap;
    return 0;
}

int hd_proto_buf_append(hd_proto_buf_t *buf, const char *data, size_t len)
{
    return hd__proto_buf_put(buf, data, len);
}

int hd__proto_buf_puts(hd_proto_buf_t *buf, const char *s)
{
    return hd_proto_buf_append(buf, s, strlen(s));
}

void hd__proto_buf_truncate(hd_proto_buf_t *buf, size_t len)
{
    if (!buf->data)
        return;
    buf->len = len;
    buf->data[buf->headroom + len] = '\0';
}

void hd_proto_buf_truncate(hd_proto_buf_t *buf, size_t len)
{
    if (len <= buf->len)
        hd__proto_buf_truncate(buf, len);
}

char *hd_proto_buf_steal(hd_proto_buf_t *buf, size_t *len)
{
    char *data = buf->data;
    *len = buf->len;
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return data;
}

/* ---- JSON pieces ---- */

/* How each byte is written inside a JSON string: 0 as itself (ASCII),
 * 1 as itself but part of a multi-byte UTF-8 sequence (>= 0x80), else the
 * second character of its two-character escape, or 'u' for \u00XX. The
 * escapes are jansson's (\" \\ \b \f \n \r \t, other control characters as
 * \u00XX in upper-case hex), so that a string escaped here reads exactly as
 * jansson would have dumped it (dump.c relies on that). */
/* clang-format off */
static const char ascii_escape[128] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    ['"'] = '"', ['\\'] = '\\',
};
/* clang-format on */

static inline char escape_of(unsigned char c)
{
    return c >= 0x80 ? 1 : ascii_escape[c];
}

/* One pass over s counts the escaped length and sees whether there is any
 * byte >= 0x80 (only then is the text checked for UTF-8), so the buffer
 * grows at most once; a string without escapes (the usual case) is then
 * copied in one go, others are written escape by escape. This is the one
 * JSON string escaper of hd_proto: encoders and the tree dumper (dump.c)
 * both use it. */
int hd__proto_buf_string(hd_proto_buf_t *buf, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    size_t extra = 0;
    int high = 0;
    for (size_t i = 0; i < len; i++) {
        char e = escape_of(u[i]);
        if (e) {
            if (e == 1)
                high = 1;
            else
                extra += e == 'u' ? 5 : 1;
        }
    }
    if (high && !hd__proto_utf8_valid(s, len))
        return HD_EINVAL;
    size_t out = len + extra + 2;
    if (hd__proto_buf_reserve(buf, out) != 0)
        return HD_ENOMEM;
    char *p = buf->data + buf->headroom + buf->len;
    *p++ = '"';
    if (extra == 0) {
        memcpy(p, s, len);
        p += len;
    } else {
        for (size_t i = 0; i < len; i++) {
            char e = escape_of(u[i]);
            if (e == 0 || e == 1) {
                *p++ = (char)u[i];
                continue;
            }
            *p++ = '\\';
            *p++ = e;
            if (e == 'u') {
                memcpy(p, "00", 2);
                p[2] = hex[u[i] >> 4];
                p[3] = hex[u[i] & 15];
                p += 4;
            }
        }
    }
    *p = '"';
    buf->len += out;
    buf->data[buf->headroom + buf->len] = '\0';
    return 0;
}

/* ---- parsing ---- */

json_t *hd__proto_load(const char *text, size_t len, size_t flags, json_error_t *jerr, int *nomem)
{
    json_t *root = hd__proto_fast_load(text, len, flags);
    if (root) {
        *nomem = 0;
        return root;
    }
    return hd__proto_slow_load(text, len, flags, jerr, nomem);
}

json_t *hd__proto_slow_load(const char *text, size_t len, size_t flags, json_error_t *jerr,
                            int *nomem)
{
    *nomem = 0;
    json_t *root = json_loadb(text, len, flags, jerr);
    if (root)
        return root;
    enum json_error_code code = json_error_code(jerr);
    if (code == json_error_out_of_memory) {
        *nomem = 1;
        return NULL;
    }
    json_error_t again;
    root = json_loadb(text, len, flags, &again);
    if (root)
        return root;
    if (code == json_error_unknown || json_error_code(&again) != code ||
        again.position != jerr->position) {
        *nomem = 1;
    } else {
        /* the same failure twice: bad input, unless memory is failing for
         * good (then both parses failed alike); a small allocation tells */
        void *probe = hd__proto_malloc(64);
        *nomem = probe == NULL;
        hd__proto_free(probe);
    }
    return NULL;
}
