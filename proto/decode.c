/*
 * decode.c: one WebSocket text message -> JSON-RPC 2.0 requests (server side).
 *
 * What and why. jansson parses the message; this file checks the JSON-RPC
 * envelope of each member and decides, for each, the request to dispatch or
 * the error to answer with (the rules are listed at hd_proto_decode in
 * hd_proto.h and, for users, in proto/README.md). Two things jansson cannot
 * do are done here with a small scanner over the raw text:
 *
 *   - ids echoed as sent: a response must carry the id exactly as the client
 *     wrote it (`1e400`, `12345678901234567890123`, `"\u0041"`), which a
 *     parsed value cannot reproduce. The byte span of each member's "id"
 *     value is found and the decoder keeps a copy of that text. When the
 *     fast parser (parse.c) took the message, it recorded the spans as it
 *     read (hd__proto_fast_load_env); otherwise the scanner below finds them.
 *   - integers beyond 64 bits: jansson refuses the whole message when any
 *     integer overflows json_int_t. The decoder then parses it again with
 *     JSON_DECODE_INT_AS_REAL, only to read the envelope (ids, methods), and
 *     parses each member's params again on its own, normally: the members
 *     whose params really hold such an integer get -32602 naming the
 *     parameter, the others go on with exact integers. Parsing everything as
 *     reals would silently turn the int 5 into the float 5.0.
 *
 * Parser flags: JSON_DECODE_ANY (a scalar message is an invalid request, not
 * a parse error, as JSON-RPC's examples say), JSON_REJECT_DUPLICATES (a
 * message with two "method" keys is ambiguous: refused as a parse error),
 * JSON_ALLOW_NUL (U+0000 is valid in JSON strings; jansson still refuses it
 * in object keys). jansson validates UTF-8 itself (every byte of the input,
 * surrogates and overlong forms included) and limits nesting to 2048.
 *
 * Invariants: the scanner only ever runs on text jansson accepted, so it
 * need not validate; it still never reads past len. Each member of
 * msg->reqs has code == 0 with params != NULL, or code != 0 with params ==
 * NULL; a member with code != 0 whose id could not be read has id kind NULL
 * (it is answered with id null), except that a valid notification keeps kind
 * NONE whatever its code (notifications are never answered).
 */
#include "proto_int.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

#define PARSE_FLAGS (JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

/* ------------------------------------------------------------------------ */
/* The raw scanner (text already known to be valid JSON)                     */
/* ------------------------------------------------------------------------ */

typedef hd__proto_span_t span_t;                 /* len 0: not present */
typedef hd__proto_member_spans_t member_spans_t; /* the values of "id" and "params" */

typedef struct scan {
    const char *s;
    size_t len;
    size_t pos;
} scan_t;

static void skip_ws(scan_t *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->s[sc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        sc->pos++;
    }
}

/* At a '"': move past the closing quote. */
static void skip_string(scan_t *sc)
{
    sc->pos++;
    while (sc->pos < sc->len) {
        char c = sc->s[sc->pos++];
        if (c == '\\')
            sc->pos++;
        else if (c == '"')
            return;
    }
}

/* At the first byte of a value: move past it. Iterative, so nesting costs
 * no stack. */
static void skip_value(scan_t *sc)
{
    if (sc->pos >= sc->len)
        return;
    char c = sc->s[sc->pos];
    if (c == '"') {
        skip_string(sc);
    } else if (c == '{' || c == '[') {
        size_t depth = 0;
        do {
            c = sc->s[sc->pos];
            if (c == '"') {
                skip_string(sc);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']')
                depth--;
            sc->pos++;
        } while (depth > 0 && sc->pos < sc->len);
    } else {
        while (sc->pos < sc->len) {
            c = sc->s[sc->pos];
            if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
                break;
            sc->pos++;
        }
    }
}

/* Whether the raw JSON string token at sp (quotes included) decodes to
 * `want`. Escaped keys ("\u0069d") are decoded by jansson. Returns 1, 0, or
 * HD_ENOMEM. */
static int key_is(const char *text, span_t sp, const char *want)
{
    size_t want_len = strlen(want);
    const char *k = text + sp.off + 1;
    size_t k_len = sp.len - 2;
    if (!memchr(k, '\\', k_len))
        return k_len == want_len && memcmp(k, want, want_len) == 0;
    json_error_t jerr;
    json_t *j = json_loadb(text + sp.off, sp.len, JSON_DECODE_ANY, &jerr);
    if (!j)
        return HD_ENOMEM; /* the token parsed before: only memory can fail */
    int eq = json_string_length(j) == want_len && memcmp(json_string_value(j), want, want_len) == 0;
    json_decref(j);
    return eq;
}

/* The callback of scan_object: one member, its key token and its value. */
typedef int (*member_fn)(const char *text, span_t key, span_t value, void *arg);

/* At a '{': call fn for each member, then move past the '}'. Stops early
 * when fn returns non-zero, and returns that. */
static int scan_object(scan_t *sc, member_fn fn, void *arg)
{
    sc->pos++; /* '{' */
    for (;;) {
        skip_ws(sc);
        if (sc->pos >= sc->len)
            return 0;
        if (sc->s[sc->pos] == '}') {
            sc->pos++;
            return 0;
        }
        if (sc->s[sc->pos] == ',') {
            sc->pos++;
            continue;
        }
        span_t key = {sc->pos, 0};
        skip_string(sc);
        key.len = sc->pos - key.off;
        skip_ws(sc);
        sc->pos++; /* ':' */
        skip_ws(sc);
        span_t value = {sc->pos, 0};
        skip_value(sc);
        value.len = sc->pos - value.off;
        int rc = fn(sc->s, key, value, arg);
        if (rc != 0)
            return rc;
    }
}

static int envelope_member(const char *text, span_t key, span_t value, void *arg)
{
    member_spans_t *ms = arg;
    int rc = key_is(text, key, "id");
    if (rc == 1)
        ms->id = value;
    else if (rc == 0 && (rc = key_is(text, key, "params")) == 1)
        ms->params = value;
    return rc < 0 ? rc : 0;
}

/* At the first byte of a value: if it is an object, fill ms from it; move
 * past the value either way. */
static int scan_member(scan_t *sc, member_spans_t *ms)
{
    memset(ms, 0, sizeof *ms);
    if (sc->pos < sc->len && sc->s[sc->pos] == '{')
        return scan_object(sc, envelope_member, ms);
    skip_value(sc);
    return 0;
}

/* Fill spans[0..n) for the message: one member, or each element of the
 * top-level array. Returns 0 or HD_ENOMEM. */
static int scan_message(const char *text, size_t len, int batch, member_spans_t *spans, size_t n)
{
    scan_t sc = {text, len, 0};
    skip_ws(&sc);
    if (!batch)
        return scan_member(&sc, &spans[0]);
    sc.pos++; /* '[' */
    for (size_t i = 0; i < n; i++) {
        skip_ws(&sc);
        if (sc.pos < sc.len && sc.s[sc.pos] == ',') {
            sc.pos++;
            skip_ws(&sc);
        }
        int rc = scan_member(&sc, &spans[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* For the -32602 of an oversized integer: which top-level key of the params
 * object at `params` holds byte offset `at` of the message. */
typedef struct find_key {
    size_t at;
    span_t key;
} find_key_t;

static int find_key_member(const char *text, span_t key, span_t value, void *arg)
{
    find_key_t *fk = arg;
    if (fk->at >= value.off && fk->at < value.off + value.len) {
        fk->key = key;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Members                                                                   */
/* ------------------------------------------------------------------------ */

static void req_close(hd_proto_req_t *req)
{
    json_decref(req->data);
    json_decref(req->params);
    hd__proto_free(req->id.text);
    hd__proto_free(req->message_buf);
    memset(req, 0, sizeof *req);
}

/* params_message: req's message "invalid params: PARAM: DETAIL", the form
 * the methods' own -32602 errors have (daemon/server/params.c). */
static int params_message(hd_proto_req_t *req, const char *param, const char *detail)
{
    size_t n = strlen("invalid params: ") + strlen(param) + 2 + strlen(detail) + 1;
    req->message_buf = hd__proto_malloc(n);
    if (!req->message_buf)
        return HD_ENOMEM;
    snprintf(req->message_buf, n, "invalid params: %s: %s", param, detail);
    req->message = req->message_buf;
    return 0;
}

/* Mark req invalid with code and a data object {"detail": detail, key: val}
 * (key/val optional; val is stolen). A member that must be answered but has
 * no usable id is answered with id null. Returns 0 or HD_ENOMEM. */
static int req_fail(hd_proto_req_t *req, int code, const char *detail, const char *key, json_t *val)
{
    req->code = code;
    req->message = hd_proto_code_message(code);
    json_decref(req->params);
    req->params = NULL;
    if (code == HD_RPC_INVALID_REQUEST && req->id.kind == HD_PROTO_ID_NONE)
        req->id.kind = HD_PROTO_ID_NULL;
    req->data = json_object();
    if (!req->data || json_object_set_new(req->data, "detail", json_string(detail)) != 0) {
        json_decref(val);
        return HD_ENOMEM;
    }
    if (key && json_object_set_new(req->data, key, val) != 0) /* steals val */
        return HD_ENOMEM;
    if (code == HD_RPC_INVALID_PARAMS) /* key is "param": its name, or null for params */
        return params_message(req, json_is_string(val) ? json_string_value(val) : "params", detail);
    return 0;
}

/* Keep the raw text of the id value at sp. */
static int req_set_id(hd_proto_req_t *req, const json_t *id, const char *text, span_t sp)
{
    if (json_is_null(id)) {
        req->id.kind = HD_PROTO_ID_NULL;
        return 0;
    }
    req->id.kind = json_is_string(id) ? HD_PROTO_ID_STRING : HD_PROTO_ID_NUMBER;
    req->id.text = hd__proto_malloc(sp.len + 1);
    if (!req->id.text)
        return HD_ENOMEM;
    memcpy(req->id.text, text + sp.off, sp.len);
    req->id.text[sp.len] = '\0';
    req->id.len = sp.len;
    return 0;
}

static int is_envelope_key(const char *key)
{
    switch (key[0]) {
    case 'j':
        return strcmp(key, "jsonrpc") == 0;
    case 'i':
        return strcmp(key, "id") == 0;
    case 'm':
        return strcmp(key, "method") == 0;
    case 'p':
        return strcmp(key, "params") == 0;
    default:
        return 0;
    }
}

/* Params of a member of a message that held an integer beyond 64 bits:
 * parse them again with exact integers. */
static int reparse_params(hd_proto_req_t *req, const char *text, span_t sp)
{
    json_error_t jerr;
    int nomem;
    req->params = hd__proto_load(text + sp.off, sp.len, PARSE_FLAGS, &jerr, &nomem);
    if (req->params)
        return 0;
    if (nomem || json_error_code(&jerr) != json_error_numeric_overflow)
        return HD_ENOMEM; /* the text parsed before: only memory can fail */
    find_key_t fk = {sp.off + (size_t)(jerr.position > 0 ? jerr.position - 1 : 0), {0, 0}};
    scan_t sc = {text, sp.off + sp.len, sp.off};
    scan_object(&sc, find_key_member, &fk);
    json_t *name = NULL;
    if (fk.key.len) {
        name = json_loadb(text + fk.key.off, fk.key.len, JSON_DECODE_ANY, &jerr);
        if (!name)
            return HD_ENOMEM;
    }
    return req_fail(req, HD_RPC_INVALID_PARAMS,
                    "integer out of range: integers must fit in 64 bits", "param",
                    name ? name : json_null());
}

/* Check one member m (of the message or of a batch) whose raw spans are sp.
 * `reals` says the tree was parsed with JSON_DECODE_INT_AS_REAL. Returns 0
 * (req filled, valid or not) or HD_ENOMEM. */
static int decode_member(hd_proto_req_t *req, json_t *m, const char *text, const member_spans_t *sp,
                         int reals)
{
    if (!json_is_object(m))
        return req_fail(req, HD_RPC_INVALID_REQUEST, "a request must be a JSON object", NULL, NULL);

    json_t *id = json_object_get(m, "id");
    if (id) {
        if (!json_is_string(id) && !json_is_number(id) && !json_is_null(id))
            return req_fail(req, HD_RPC_INVALID_REQUEST, "id must be a string, a number or null",
                            "member", json_string("id"));
        if (req_set_id(req, id, text, sp->id) != 0)
            return HD_ENOMEM;
    }

    json_t *v = json_object_get(m, "jsonrpc");
    if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0 ||
        json_string_length(v) != 3)
        return req_fail(req, HD_RPC_INVALID_REQUEST, "jsonrpc must be \"2.0\"", "member",
                        json_string("jsonrpc"));

    v = json_object_get(m, "method");
    if (!json_is_string(v))
        return req_fail(req, HD_RPC_INVALID_REQUEST, "method must be a string", "member",
                        json_string("method"));
    req->method = json_string_value(v);
    req->method_len = json_string_length(v);

    json_t *params = json_object_get(m, "params");
    if (params && !json_is_object(params) && !json_is_array(params))
        return req_fail(req, HD_RPC_INVALID_REQUEST, "params must be an object", "member",
                        json_string("params"));

    for (void *it = json_object_iter(m); it; it = json_object_iter_next(m, it)) {
        const char *key = json_object_iter_key(it);
        if (!is_envelope_key(key))
            return req_fail(req, HD_RPC_INVALID_REQUEST, "unknown member in a request", "member",
                            json_string(key));
    }

    if (json_is_array(params))
        return req_fail(req, HD_RPC_INVALID_PARAMS,
                        "params must be an object: by-position parameters are not used", "param",
                        json_null());
    if (!params)
        req->params = json_object();
    else if (reals)
        return reparse_params(req, text, sp->params);
    else
        req->params = json_incref(params);
    return req->params ? 0 : HD_ENOMEM;
}

/* ------------------------------------------------------------------------ */
/* Whole messages                                                            */
/* ------------------------------------------------------------------------ */

/* A message answered by one error with id null (data stolen). */
static int whole_error(hd_proto_msg_t *msg, int code, const char *detail, const char *key,
                       json_t *val)
{
    msg->batch = 0;
    msg->n = 1;
    msg->reqs = hd__proto_malloc(sizeof *msg->reqs);
    if (!msg->reqs) {
        json_decref(val);
        return HD_ENOMEM;
    }
    memset(msg->reqs, 0, sizeof *msg->reqs);
    msg->reqs[0].id.kind = HD_PROTO_ID_NULL;
    return req_fail(&msg->reqs[0], code, detail, key, val);
}

static const char *parse_reason(enum json_error_code code)
{
    switch (code) {
    case json_error_invalid_utf8:
        return "encoding";
    case json_error_premature_end_of_input:
        return "truncated";
    case json_error_end_of_input_expected:
        return "trailing_data";
    case json_error_duplicate_key:
        return "duplicate_key";
    case json_error_null_byte_in_key:
        return "nul_in_key";
    case json_error_numeric_overflow:
        return "number_range";
    default:
        return "syntax";
    }
}

static int parse_error(hd_proto_msg_t *msg, const json_error_t *jerr)
{
    char detail[JSON_ERROR_TEXT_LENGTH];
    memcpy(detail, jerr->text, sizeof detail);
    detail[sizeof detail - 1] = '\0';
    /* jansson quotes the text near the error, which may end inside a UTF-8
     * sequence (the text is cut) or hold the bad bytes: drop the quote then. */
    if (!hd__proto_utf8_valid(detail, strlen(detail))) {
        char *near = strstr(detail, " near ");
        if (near)
            *near = '\0';
        if (!hd__proto_utf8_valid(detail, strlen(detail)))
            strcpy(detail, "invalid JSON");
    }
    int rc = whole_error(msg, HD_RPC_PARSE_ERROR, detail, "reason",
                         json_string(parse_reason(json_error_code(jerr))));
    if (rc != 0)
        return rc;
    json_t *data = msg->reqs[0].data;
    if (json_object_set_new(data, "line", json_integer(jerr->line)) != 0 ||
        json_object_set_new(data, "column", json_integer(jerr->column)) != 0 ||
        json_object_set_new(data, "position", json_integer(jerr->position)) != 0)
        return HD_ENOMEM;
    return 0;
}

static int limit_error(hd_proto_msg_t *msg, const char *limit, size_t max)
{
    int rc = whole_error(msg, HD_RPC_LIMIT_EXCEEDED, "limit exceeded", "limit", json_string(limit));
    if (rc == 0 &&
        json_object_set_new(msg->reqs[0].data, "max", json_integer((json_int_t)max)) != 0)
        rc = HD_ENOMEM;
    return rc;
}

/* Parse text; on an integer beyond 64 bits, parse again with reals and say
 * so in *reals. NULL with jerr filled when it does not parse (*nomem: for
 * lack of memory). *spans: the fast parser read the members' spans into
 * env as it went (else the decoder scans for them). */
static json_t *parse(const char *text, size_t len, json_error_t *jerr, int *reals, int *nomem,
                     hd__proto_env_t *env, int *spans)
{
    *reals = 0;
    *nomem = 0;
    json_t *root = hd__proto_fast_load_env(text, len, PARSE_FLAGS, env);
    *spans = root != NULL;
    if (root)
        return root;
    root = hd__proto_slow_load(text, len, PARSE_FLAGS, jerr, nomem);
    if (root || *nomem || json_error_code(jerr) != json_error_numeric_overflow)
        return root;
    *reals = 1;
    return hd__proto_load(text, len, PARSE_FLAGS | JSON_DECODE_INT_AS_REAL, jerr, nomem);
}

/* env: the members' spans when the parser read them, else NULL */
static int decode_members(hd_proto_msg_t *msg, const char *text, size_t len, int reals,
                          const hd__proto_env_t *env)
{
    member_spans_t one, *spans = &one;
    if (env) {
        spans = env->m;
    } else if (msg->batch) {
        spans = hd__proto_malloc(msg->n * sizeof *spans);
        if (!spans)
            return HD_ENOMEM;
    }
    msg->reqs = hd__proto_malloc(msg->n * sizeof *msg->reqs);
    int rc = !msg->reqs ? HD_ENOMEM : env ? 0 : scan_message(text, len, msg->batch, spans, msg->n);
    if (msg->reqs)
        memset(msg->reqs, 0, msg->n * sizeof *msg->reqs);
    for (size_t i = 0; rc == 0 && i < msg->n; i++) {
        json_t *m = msg->batch ? json_array_get(msg->root, i) : msg->root;
        rc = decode_member(&msg->reqs[i], m, text, &spans[i], reals);
    }
    if (!env && spans != &one)
        hd__proto_free(spans);
    return rc;
}

/* After the parse: the whole-message errors, or each member. env: the
 * members' spans when the parser read them, else NULL. */
static int decode_root(hd_proto_msg_t *msg, const char *text, size_t len,
                       const hd_proto_limits_t *limits, const json_error_t *jerr, int reals,
                       int nomem, const hd__proto_env_t *env)
{
    if (!msg->root) {
        if (nomem)
            return HD_ENOMEM;
        if (json_error_code(jerr) == json_error_stack_overflow)
            return limit_error(msg, "nesting_depth", HD_PROTO_MAX_DEPTH);
        return parse_error(msg, jerr);
    }
    if (json_is_array(msg->root)) {
        size_t n = json_array_size(msg->root);
        if (n == 0)
            return whole_error(msg, HD_RPC_INVALID_REQUEST, "an empty batch", NULL, NULL);
        if (limits->max_batch_len && n > limits->max_batch_len)
            return limit_error(msg, "batch_length", limits->max_batch_len);
        msg->batch = 1;
        msg->n = n;
    } else {
        msg->n = 1;
    }
    return decode_members(msg, text, len, reals, env);
}

static int decode(const char *text, size_t len, const hd_proto_limits_t *limits,
                  hd_proto_msg_t *msg)
{
    if (limits->max_message_len && len > limits->max_message_len)
        return limit_error(msg, "message_size", limits->max_message_len);

    json_error_t jerr;
    int reals, nomem, spans;
    hd__proto_env_t env;
    hd__proto_env_init(&env);
    msg->root = parse(text, len, &jerr, &reals, &nomem, &env, &spans);
    int rc = decode_root(msg, text, len, limits, &jerr, reals, nomem, spans ? &env : NULL);
    hd__proto_env_close(&env);
    return rc;
}

int hd_proto_decode(const char *text, size_t len, const hd_proto_limits_t *limits,
                    hd_proto_msg_t *msg)
{
    static const hd_proto_limits_t defaults = {HD_PROTO_DEFAULT_MAX_MESSAGE_LEN,
                                               HD_PROTO_DEFAULT_MAX_BATCH_LEN};
    memset(msg, 0, sizeof *msg);
    int rc = decode(text ? text : "", text ? len : 0, limits ? limits : &defaults, msg);
    if (rc != 0)
        hd_proto_msg_close(msg);
    return rc;
}

void hd_proto_msg_close(hd_proto_msg_t *msg)
{
    if (msg->reqs)
        for (size_t i = 0; i < msg->n; i++)
            req_close(&msg->reqs[i]);
    hd__proto_free(msg->reqs);
    json_decref(msg->root);
    memset(msg, 0, sizeof *msg);
}
