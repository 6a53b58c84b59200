/*
 * proto_int.h: what the files of hd_proto share and nobody else sees.
 */
#ifndef HD_PROTO_INT_H
#define HD_PROTO_INT_H

#include <string.h>

#include "err.h"
#include "hd_proto.h"

/* Memory from jansson's allocator (see hd_proto.h, "Memory"). */
void *hd__proto_malloc(size_t len);
void hd__proto_free(void *p);

/* hd__proto_utf8_valid: s (len bytes) is well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
int hd__proto_utf8_valid(const char *s, size_t len);

/* hd__proto_buf_grow: the slow path of hd__proto_buf_reserve (allocates). */
int hd__proto_buf_grow(hd_proto_buf_t *buf, size_t more);

/* hd__proto_buf_reserve: make room for `more` bytes of text after len (and
 * the NUL). Returns 0 or HD_ENOMEM. Inline: the encoders call it for every
 * token they write, and it almost never has to allocate. */
static inline int hd__proto_buf_reserve(hd_proto_buf_t *buf, size_t more)
{
    if (more < buf->cap && buf->headroom + buf->len + 1 < buf->cap - more)
        return 0;
    return hd__proto_buf_grow(buf, more);
}

/* hd__proto_buf_put: hd_proto_buf_append, inline. */
static inline int hd__proto_buf_put(hd_proto_buf_t *buf, const char *data, size_t len)
{
    if (hd__proto_buf_reserve(buf, len) != 0)
        return HD_ENOMEM;
    memcpy(buf->data + buf->headroom + buf->len, data, len);
    buf->len += len;
    buf->data[buf->headroom + buf->len] = '\0';
    return 0;
}

/* hd__proto_buf_puts: append a NUL-terminated string. */
int hd__proto_buf_puts(hd_proto_buf_t *buf, const char *s);

/* hd__proto_buf_truncate: cut the text back to len bytes (len <= buf->len). */
void hd__proto_buf_truncate(hd_proto_buf_t *buf, size_t len);

/* hd__proto_buf_string: append s (len bytes, valid UTF-8) as a JSON string
 * with quotes and escapes, exactly as jansson escapes (buf.c). Returns 0, HD_EINVAL (not UTF-8) or
 * HD_ENOMEM; on failure the buffer may hold a partial string: callers truncate. */
int hd__proto_buf_string(hd_proto_buf_t *buf, const char *s, size_t len);

/* hd__proto_buf_json: append the compact JSON text of j. Returns 0,
 * HD_EINVAL (j NULL) or HD_ENOMEM; callers truncate on failure. */
int hd__proto_buf_json(hd_proto_buf_t *buf, const json_t *j);

/* hd__proto_load: json_loadb that tells bad input from a lack of memory.
 * jansson 2.14 reports many allocation failures inside its parser as syntax
 * errors, so a failed parse is tried once more: the parser is deterministic,
 * so the same failure (code and position) again means the input is bad;
 * success means the first failure was memory (the result is kept); any
 * other outcome is memory. Returns the tree, or NULL with *nomem set (0:
 * bad input, described in *jerr; 1: out of memory). */
json_t *hd__proto_load(const char *text, size_t len, size_t flags, json_error_t *jerr, int *nomem);

/* Byte spans of a message's text, for the decoder (decode.c), which echoes
 * ids as sent and reparses params on its own. */
typedef struct hd__proto_span {
    size_t off, len; /* len 0: not present */
} hd__proto_span_t;

/* What the decoder needs from the raw text of one member. */
typedef struct hd__proto_member_spans {
    hd__proto_span_t id;     /* the value of "id" */
    hd__proto_span_t params; /* the value of "params" */
} hd__proto_member_spans_t;

/* The spans of each member of a message, filled by hd__proto_fast_load_env
 * while it parses: m[0] for a message that is not an array, m[i] for
 * element i of a batch (all zero for an element that is not an object). m
 * points at one_ until a batch needs more; hd__proto_env_close frees. */
typedef struct hd__proto_env {
    hd__proto_member_spans_t *m;
    size_t cap;
    hd__proto_member_spans_t one_[4];
} hd__proto_env_t;

void hd__proto_env_init(hd__proto_env_t *env);
void hd__proto_env_close(hd__proto_env_t *env);

/* hd__proto_fast_load_env: hd__proto_fast_load that also fills env (when
 * not NULL) with the spans of each member's "id" and "params" values, so
 * that the decoder needs no second pass over the text. On NULL, env's
 * contents are unspecified (it still must be closed). */
json_t *hd__proto_fast_load_env(const char *text, size_t len, size_t flags, hd__proto_env_t *env);

/* hd__proto_slow_load: hd__proto_load without the fast path. */
json_t *hd__proto_slow_load(const char *text, size_t len, size_t flags, json_error_t *jerr,
                            int *nomem);

/* hd__proto_fast_load (parse.c): the tree json_loadb would build for a
 * plain valid message, read faster; NULL for anything else (bad input,
 * duplicate keys, integers beyond 64 bits, memory...), and then the caller
 * asks json_loadb. Only for the flags requests are read with (DECODE_ANY,
 * REJECT_DUPLICATES, ALLOW_NUL). Returns a new reference or NULL. */
json_t *hd__proto_fast_load(const char *text, size_t len, size_t flags);

/* The flags every hd_proto dump uses: compact, keys in insertion order. */
#define HD__PROTO_DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

#endif
