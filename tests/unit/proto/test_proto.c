/*
 * test_proto.c: hd_proto's decoder, encoders, reply builder and client side.
 *
 * The vector cases run every file of proto/vectors/{valid,invalid} through
 * hd_proto_decode, compare each member with the file's `expect`, then build
 * the reply as a server would and check it: the frame is exactly the
 * members' single responses joined into an array (or the one response, or
 * nothing), and every id is echoed with the text the vector expects.
 */
#include "test.h"
#include "util.h"

#include "hd_proto.h"

#define VECTORS HD_PROTO_DIR "/vectors"

/* ------------------------------------------------------------------------ */
/* Vectors                                                                   */
/* ------------------------------------------------------------------------ */

/* The expected text of a member's response id. */
static char *expected_id_text(const json_t *exp)
{
    json_t *text = json_object_get(exp, "id_text");
    if (text)
        return strdup(json_string_value(text));
    json_t *id = json_object_get(exp, "id");
    return json_dumps(id ? id : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
}

static const char *kind_of(const hd_proto_req_t *req)
{
    if (req->id.kind == HD_PROTO_ID_NONE)
        return "notification";
    return req->code ? "error" : "request";
}

static void check_member(const char *file, size_t i, const json_t *exp, const hd_proto_req_t *req)
{
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        char what_[512];                                                                           \
        snprintf(what_, sizeof what_, __VA_ARGS__);                                                \
        hd_test_fail(__FILE__, __LINE__, "%s, member %zu: %s", file, i, what_);                    \
    } while (0)
    const char *kind = json_string_value(json_object_get(exp, "kind"));
    json_int_t code = json_integer_value(json_object_get(exp, "code"));
    if (!kind)
        FAIL("expect has no kind");
    if (strcmp(kind, kind_of(req)) != 0)
        FAIL("kind %s, expected %s (code %d)", kind_of(req), kind, req->code);
    if (req->code != code)
        FAIL("code %d, expected %lld", req->code, (long long)code);
    if (req->code == 0 && (!json_is_object(req->params) || !req->method || req->message))
        FAIL("a valid member lacks params or method");
    if (req->code != 0 && (req->params || !req->message))
        FAIL("an invalid member has params or lacks a message");

    json_t *id = json_object_get(exp, "id");
    if (id && json_is_null(id) && req->id.kind != HD_PROTO_ID_NULL)
        FAIL("id kind %d, expected null", req->id.kind);
    if (id && !json_is_null(id)) {
        json_error_t jerr;
        json_t *got = req->id.text ? json_loadb(req->id.text, req->id.len,
                                                JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr)
                                   : NULL;
        json_t *want =
            json_is_integer(id) ? json_real((double)json_integer_value(id)) : json_incref(id);
        if (!got || !json_equal(got, want))
            FAIL("id %s, expected another", req->id.text ? req->id.text : "(none)");
        json_decref(got);
        json_decref(want);
    }
    json_t *id_text = json_object_get(exp, "id_text");
    if (id_text && (!req->id.text || strcmp(req->id.text, json_string_value(id_text)) != 0))
        FAIL("id text %s, expected %s", req->id.text ? req->id.text : "(none)",
             json_string_value(id_text));

    json_t *method = json_object_get(exp, "method");
    if (method && (!req->method || req->method_len != json_string_length(method) ||
                   memcmp(req->method, json_string_value(method), req->method_len) != 0))
        FAIL("method %s, expected %s", req->method ? req->method : "(none)",
             json_string_value(method));
    json_t *params = json_object_get(exp, "params");
    if (params && !json_equal(params, req->params))
        FAIL("params differ");

    json_t *data = json_object_get(exp, "data");
    for (void *it = json_object_iter(data); it; it = json_object_iter_next(data, it)) {
        const char *key = json_object_iter_key(it);
        if (!json_equal(json_object_get(req->data, key), json_object_iter_value(it))) {
            char *got = json_dumps(req->data, JSON_COMPACT);
            FAIL("data.%s differs: got %s", key, got ? got : "(no data)");
        }
    }
#undef FAIL
}

/* Answer msg as a server would (valid members get {"ok":true}) and check
 * the frame against the members' single responses and expect. */
static void check_reply(const char *file, const json_t *expect, const hd_proto_msg_t *msg)
{
    hd_proto_buf_t buf, one, joined;
    hd_proto_reply_t r;
    hd_proto_buf_init(&buf, 16);
    hd_proto_buf_init(&joined, 0);
    hd_proto_reply_begin(&r, &buf, msg);
    size_t answered = 0;
    for (size_t i = 0; i < msg->n; i++) {
        const hd_proto_req_t *req = &msg->reqs[i];
        const json_t *exp =
            msg->batch ? json_array_get(json_object_get(expect, "members"), i) : expect;
        if (req->code)
            CHECK_OK(hd_proto_reply_rejected(&r, req));
        else
            CHECK_OK(hd_proto_reply_result(&r, req, json_pack("{s:b}", "ok", 1)));
        if (req->id.kind == HD_PROTO_ID_NONE)
            continue;
        /* the same answer alone, and its id text */
        hd_proto_buf_init(&one, 0);
        if (req->code) {
            CHECK_OK(hd_proto_encode_error(&one, &req->id, req->code, req->message, req->data));
        } else {
            json_t *ok = json_pack("{s:b}", "ok", 1);
            CHECK_OK(hd_proto_encode_result(&one, &req->id, ok));
            json_decref(ok);
        }
        char *want = expected_id_text(exp);
        char prefix[4096];
        snprintf(prefix, sizeof prefix, "{\"jsonrpc\":\"2.0\",\"id\":%s,", want);
        if (strncmp(hd_proto_buf_text(&one), prefix, strlen(prefix)) != 0)
            hd_test_fail(__FILE__, __LINE__, "%s: response %s does not start with %s", file,
                         hd_proto_buf_text(&one), prefix);
        free(want);
        hd_proto_buf_append(&joined, answered ? "," : "", answered ? 1 : 0);
        hd_proto_buf_append(&joined, hd_proto_buf_text(&one), one.len);
        hd_proto_buf_close(&one);
        answered++;
    }
    CHECK_OK(hd_proto_reply_end(&r));
    CHECK_EQ(r.count, answered);
    json_t *count = json_object_get(expect, "response_count");
    if (count && (json_int_t)r.count != json_integer_value(count))
        hd_test_fail(__FILE__, __LINE__, "%s: %zu responses, expected %lld", file, r.count,
                     (long long)json_integer_value(count));
    if (answered == 0) {
        CHECK_EQ(buf.len, 0);
    } else if (msg->batch) {
        char *arr = malloc(joined.len + 3);
        sprintf(arr, "[%s]", hd_proto_buf_text(&joined));
        CHECK_STR(hd_proto_buf_text(&buf), arr);
        free(arr);
    } else {
        CHECK_STR(hd_proto_buf_text(&buf), hd_proto_buf_text(&joined));
    }
    /* whatever was sent is JSON */
    if (buf.len) {
        json_error_t jerr;
        json_t *parsed =
            json_loadb(hd_proto_buf_text(&buf), buf.len, JSON_DECODE_INT_AS_REAL, &jerr);
        if (!parsed)
            hd_test_fail(__FILE__, __LINE__, "%s: reply is not JSON: %s", file, jerr.text);
        json_decref(parsed);
    }
    hd_proto_buf_close(&buf);
    hd_proto_buf_close(&joined);
}

static void run_vector(const vector_t *v, void *arg)
{
    const char *path = v->path;
    json_t *expect = json_object_get(v->json, "expect");
    json_t *text = json_object_get(v->json, "message");
    json_t *hex = json_object_get(v->json, "message_hex");
    (void)arg;
    if (!json_is_string(json_object_get(v->json, "description")) || !json_is_object(expect) ||
        !(json_is_string(text) ^ json_is_string(hex)))
        hd_test_fail(__FILE__, __LINE__,
                     "%s: needs description, expect, and one of message, "
                     "message_hex",
                     path);
    hd_proto_limits_t limits = {HD_PROTO_DEFAULT_MAX_MESSAGE_LEN, HD_PROTO_DEFAULT_MAX_BATCH_LEN};
    json_t *lim = json_object_get(v->json, "limits");
    if (json_object_get(lim, "max_message_len"))
        limits.max_message_len =
            (size_t)json_integer_value(json_object_get(lim, "max_message_len"));
    if (json_object_get(lim, "max_batch_len"))
        limits.max_batch_len = (size_t)json_integer_value(json_object_get(lim, "max_batch_len"));

    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(v->text, v->len, &limits, &msg));
    const char *kind = json_string_value(json_object_get(expect, "kind"));
    if (kind && strcmp(kind, "batch") == 0) {
        json_t *members = json_object_get(expect, "members");
        if (!msg.batch || msg.n != json_array_size(members))
            hd_test_fail(__FILE__, __LINE__, "%s: batch %d of %zu, expected a batch of %zu", path,
                         msg.batch, msg.n, json_array_size(members));
        for (size_t i = 0; i < msg.n; i++)
            check_member(path, i, json_array_get(members, i), &msg.reqs[i]);
    } else {
        if (msg.batch || msg.n != 1)
            hd_test_fail(__FILE__, __LINE__, "%s: a batch of %zu, expected one member", path,
                         msg.n);
        check_member(path, 0, expect, &msg.reqs[0]);
    }
    check_reply(path, expect, &msg);
    hd_proto_msg_close(&msg);
}

TEST(vectors_valid)
{
    CHECK(each_vector(VECTORS_VALID, run_vector, NULL) >= 20);
}

TEST(vectors_invalid)
{
    CHECK(each_vector(VECTORS_INVALID, run_vector, NULL) >= 20);
}

/* Every vector in valid/ decodes without any error; every one in invalid/
 * has at least one. */
static void check_outcome(const vector_t *v, void *arg)
{
    hd_proto_limits_t limits = {0, 0};
    json_t *lim = json_object_get(v->json, "limits");
    (void)arg;
    limits.max_message_len =
        lim ? (size_t)json_integer_value(json_object_get(lim, "max_message_len")) : 0;
    limits.max_batch_len =
        lim ? (size_t)json_integer_value(json_object_get(lim, "max_batch_len")) : 0;
    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(v->text, v->len, lim ? &limits : NULL, &msg));
    int errors = 0;
    for (size_t j = 0; j < msg.n; j++)
        errors += msg.reqs[j].code != 0;
    if (v->valid != (errors == 0))
        hd_test_fail(__FILE__, __LINE__, "%s: %d members with errors", v->path, errors);
    hd_proto_msg_close(&msg);
}

TEST(vectors_sorted_by_outcome)
{
    each_vector(VECTORS_VALID | VECTORS_INVALID, check_outcome, NULL);
}

TEST(vectors_at_least_40)
{
    size_t a, b;
    char **names = list_dir(VECTORS "/valid", ".json", &a);
    free_names(names, a);
    names = list_dir(VECTORS "/invalid", ".json", &b);
    free_names(names, b);
    CHECK(a + b >= 40);
}

/* ------------------------------------------------------------------------ */
/* Decoding details                                                          */
/* ------------------------------------------------------------------------ */

static void decode_str(const char *s, const hd_proto_limits_t *limits, hd_proto_msg_t *msg)
{
    CHECK_OK(hd_proto_decode(s, strlen(s), limits, msg));
}

TEST(decode_request_fields)
{
    hd_proto_msg_t msg;
    decode_str("{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"obj.new\","
               "\"params\":{\"heap\":\"h\",\"type\":\"int\",\"value\":5,\"f\":5.0}}",
               NULL, &msg);
    CHECK_EQ(msg.batch, 0);
    CHECK_EQ(msg.n, 1);
    hd_proto_req_t *req = &msg.reqs[0];
    CHECK_EQ(req->code, 0);
    CHECK_STR(req->method, "obj.new");
    CHECK_EQ(req->method_len, 7);
    CHECK_EQ(req->id.kind, HD_PROTO_ID_STRING);
    CHECK_STR(req->id.text, "\"q\"");
    /* integers stay integers, reals stay reals */
    CHECK(json_is_integer(json_object_get(req->params, "value")));
    CHECK(json_is_real(json_object_get(req->params, "f")));
    hd_proto_msg_close(&msg);
}

TEST(decode_huge_integer_keeps_other_ints_exact)
{
    /* The id forces the slow path; params must still hold exact ints. */
    hd_proto_msg_t msg;
    decode_str("{\"jsonrpc\":\"2.0\",\"id\":184467440737095516160,\"method\":\"obj.new\","
               "\"params\":{\"heap\":\"h\",\"type\":\"int\",\"value\":9007199254740993}}",
               NULL, &msg);
    hd_proto_req_t *req = &msg.reqs[0];
    CHECK_EQ(req->code, 0);
    CHECK_STR(req->id.text, "184467440737095516160");
    json_t *v = json_object_get(req->params, "value");
    CHECK(json_is_integer(v));
    CHECK(json_integer_value(v) == 9007199254740993LL);
    hd_proto_msg_close(&msg);
}

TEST(decode_null_and_empty_input)
{
    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(NULL, 0, NULL, &msg));
    CHECK_EQ(msg.reqs[0].code, HD_RPC_PARSE_ERROR);
    CHECK_EQ(msg.reqs[0].id.kind, HD_PROTO_ID_NULL);
    hd_proto_msg_close(&msg);
    hd_proto_msg_close(&msg); /* closing twice is harmless */
}

TEST(decode_parse_error_data)
{
    hd_proto_msg_t msg;
    decode_str("{\"jsonrpc\":\"2.0\",\n \"id\":1,,}", NULL, &msg);
    json_t *data = msg.reqs[0].data;
    CHECK_EQ(msg.reqs[0].code, -32700);
    CHECK_STR(msg.reqs[0].message, "Parse error");
    CHECK_STR(json_string_value(json_object_get(data, "reason")), "syntax");
    CHECK_EQ(json_integer_value(json_object_get(data, "line")), 2);
    CHECK(json_is_string(json_object_get(data, "detail")));
    CHECK(json_integer_value(json_object_get(data, "position")) > 0);
    hd_proto_msg_close(&msg);
}

TEST(decode_not_text_does_not_leak_bytes_into_detail)
{
    /* jansson quotes the text near an error; bad bytes must not reach data */
    const char bad[] = "{\"jsonrpc\":\"2.0\",\"method\":\"\xe9\xe9\xe9\xe9\"}";
    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(bad, sizeof bad - 1, NULL, &msg));
    CHECK_EQ(msg.reqs[0].code, -32700);
    CHECK(json_is_string(json_object_get(msg.reqs[0].data, "detail")));
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 0);
    hd_proto_reply_t r;
    hd_proto_reply_begin(&r, &buf, &msg);
    CHECK_OK(hd_proto_reply_rejected(&r, &msg.reqs[0]));
    CHECK_OK(hd_proto_reply_end(&r));
    CHECK(strncmp(hd_proto_buf_text(&buf),
                  "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700", 48) == 0);
    hd_proto_buf_close(&buf);
    hd_proto_msg_close(&msg);
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */
/* ------------------------------------------------------------------------ */

static char *batch_of(size_t n)
{
    static const char one[] = "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}";
    char *s = malloc(n * sizeof one + 3);
    char *p = s;
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        memcpy(p, one, sizeof one - 1);
        p += sizeof one - 1;
    }
    *p++ = ']';
    *p = '\0';
    return s;
}

static int decode_code(const char *s, size_t len, const hd_proto_limits_t *limits)
{
    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(s, len, limits, &msg));
    int code = msg.batch ? 0 : msg.reqs[0].code;
    hd_proto_msg_close(&msg);
    return code;
}

TEST(limit_batch_default)
{
    char *ok = batch_of(HD_PROTO_DEFAULT_MAX_BATCH_LEN);
    char *over = batch_of(HD_PROTO_DEFAULT_MAX_BATCH_LEN + 1);
    CHECK_EQ(decode_code(ok, strlen(ok), NULL), 0);
    CHECK_EQ(decode_code(over, strlen(over), NULL), HD_RPC_LIMIT_EXCEEDED);
    hd_proto_limits_t none = {0, 0};
    CHECK_EQ(decode_code(over, strlen(over), &none), 0);
    free(ok);
    free(over);
}

TEST(limit_message_size_boundary)
{
    const char *s = "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}";
    size_t len = strlen(s);
    hd_proto_limits_t at = {len, 0}, below = {len - 1, 0};
    CHECK_EQ(decode_code(s, len, &at), 0);
    CHECK_EQ(decode_code(s, len, &below), HD_RPC_LIMIT_EXCEEDED);

    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(s, len, &below, &msg));
    CHECK_STR(json_string_value(json_object_get(msg.reqs[0].data, "limit")), "message_size");
    CHECK_EQ(json_integer_value(json_object_get(msg.reqs[0].data, "max")), len - 1);
    CHECK_EQ(msg.reqs[0].id.kind, HD_PROTO_ID_NULL);
    hd_proto_msg_close(&msg);
}

TEST(limit_message_size_default)
{
    /* a 1 MiB message is fine, one byte more is not (checked before parsing) */
    size_t len = HD_PROTO_DEFAULT_MAX_MESSAGE_LEN;
    char *s = malloc(len + 2);
    const char *head = "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{\"s\":\"";
    memset(s, 'x', len + 1);
    memcpy(s, head, strlen(head));
    memcpy(s + len - 3, "\"}}", 3);
    CHECK_EQ(decode_code(s, len, NULL), 0);
    memcpy(s + len - 3, "x\"}", 3);
    s[len] = '}';
    CHECK_EQ(decode_code(s, len + 1, NULL), HD_RPC_LIMIT_EXCEEDED);
    free(s);
}

TEST(limit_nesting_depth)
{
    size_t depth = HD_PROTO_MAX_DEPTH + 1;
    char *s = malloc(2 * depth + 1);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(s, 2 * depth, NULL, &msg));
    CHECK_EQ(msg.reqs[0].code, HD_RPC_LIMIT_EXCEEDED);
    CHECK_STR(json_string_value(json_object_get(msg.reqs[0].data, "limit")), "nesting_depth");
    hd_proto_msg_close(&msg);
    /* one level less parses: a batch of one invalid member, deep inside */
    CHECK_OK(hd_proto_decode(s + 1, 2 * depth - 2, NULL, &msg));
    CHECK_EQ(msg.batch, 1);
    CHECK_EQ(msg.reqs[0].code, HD_RPC_INVALID_REQUEST);
    hd_proto_msg_close(&msg);
    free(s);
}

/* ------------------------------------------------------------------------ */
/* Encoding and replies                                                      */
/* ------------------------------------------------------------------------ */

TEST(encode_request_and_notification)
{
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 0);
    json_t *params = json_pack("{s:s}", "heap", "a");
    CHECK_OK(hd_proto_encode_request(&buf, -42, "heap.info", params));
    CHECK_STR(
        hd_proto_buf_text(&buf),
        "{\"jsonrpc\":\"2.0\",\"id\":-42,\"method\":\"heap.info\",\"params\":{\"heap\":\"a\"}}");
    hd_proto_buf_clear(&buf);
    CHECK_OK(hd_proto_encode_notification(&buf, "stream.heap", NULL));
    CHECK_STR(hd_proto_buf_text(&buf),
              "{\"jsonrpc\":\"2.0\",\"method\":\"stream.heap\",\"params\":{}}");
    hd_proto_buf_clear(&buf);
    /* methods are escaped */
    CHECK_OK(hd_proto_encode_notification(&buf, "a\"b\\c\n\x01", NULL));
    CHECK_STR(hd_proto_buf_text(&buf),
              "{\"jsonrpc\":\"2.0\",\"method\":\"a\\\"b\\\\c\\n\\u0001\",\"params\":{}}");
    /* bad input leaves the buffer as it was */
    size_t len = buf.len;
    CHECK_EQ(hd_proto_encode_notification(&buf, "bad\xff", NULL), HD_EINVAL);
    json_t *arr = json_array();
    CHECK_EQ(hd_proto_encode_request(&buf, 1, "m", arr), HD_EINVAL);
    json_decref(arr);
    CHECK_EQ(hd_proto_encode_request(&buf, 1, NULL, NULL), HD_EINVAL);
    CHECK_EQ(hd_proto_encode_result(&buf, NULL, NULL), HD_EINVAL);
    CHECK_EQ(buf.len, len);
    json_decref(params);
    hd_proto_buf_close(&buf);
}

TEST(encode_error_message_fallback)
{
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 0);
    CHECK_OK(hd_proto_encode_error(&buf, NULL, HD_RPC_TYPE_ERROR, "bad \xff", NULL));
    CHECK_STR(hd_proto_buf_text(&buf),
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,\"message\":\"Type "
              "error\"}}");
    hd_proto_buf_clear(&buf);
    json_t *data = hd_proto_data_type("list");
    CHECK_OK(hd_proto_encode_error(&buf, NULL, HD_RPC_TYPE_ERROR, "unhashable type: 'list'", data));
    CHECK_STR(hd_proto_buf_text(&buf),
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,"
              "\"message\":\"unhashable type: 'list'\",\"data\":{\"type\":"
              "\"list\"}}}");
    json_decref(data);
    hd_proto_buf_close(&buf);
}

TEST(buf_headroom_and_steal)
{
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 16);
    CHECK_STR(hd_proto_buf_text(&buf), "");
    for (int i = 0; i < 1000; i++)
        CHECK_OK(hd_proto_buf_append(&buf, "abc", 3));
    CHECK_EQ(buf.len, 3000);
    size_t len;
    char *block = hd_proto_buf_steal(&buf, &len);
    CHECK_EQ(len, 3000);
    CHECK(memcmp(block + 16, "abcabc", 6) == 0);
    CHECK_EQ(block[16 + 3000], '\0');
    CHECK(buf.data == NULL && buf.len == 0);
    hd_proto_free(block);
    CHECK(hd_proto_buf_steal(&buf, &len) == NULL);
    hd_proto_buf_close(&buf);
}

TEST(reply_single_and_errno)
{
    hd_proto_msg_t msg;
    decode_str("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"obj.get\",\"params\":{}}", NULL, &msg);
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 0);
    hd_proto_reply_t r;
    hd_proto_reply_begin(&r, &buf, &msg);
    CHECK_OK(hd_proto_reply_errno(&r, &msg.reqs[0], HD_ENOTFOUND, NULL));
    /* a single request has exactly one answer */
    CHECK_EQ(hd_proto_reply_result(&r, &msg.reqs[0], json_object()), HD_EINVAL);
    CHECK_EQ(hd_proto_reply_rejected(&r, &msg.reqs[0]), HD_EINVAL); /* it was valid */
    CHECK_OK(hd_proto_reply_end(&r));
    CHECK_STR(hd_proto_buf_text(&buf), "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32003,"
                                       "\"message\":\"object not found\"}}");
    hd_proto_buf_close(&buf);
    hd_proto_msg_close(&msg);
}

TEST(reply_appends_after_existing_text)
{
    hd_proto_msg_t msg;
    decode_str("[{\"jsonrpc\":\"2.0\",\"method\":\"a\"}]", NULL, &msg);
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 0);
    CHECK_OK(hd_proto_buf_append(&buf, "keep", 4));
    hd_proto_reply_t r;
    hd_proto_reply_begin(&r, &buf, &msg);
    CHECK_OK(hd_proto_reply_result(&r, &msg.reqs[0], json_object()));
    CHECK_OK(hd_proto_reply_end(&r));
    CHECK_EQ(r.count, 0);
    CHECK_STR(hd_proto_buf_text(&buf), "keep");
    hd_proto_buf_close(&buf);
    hd_proto_msg_close(&msg);
}

TEST(errno_table_matches_err_h)
{
    CHECK_EQ(hd_proto_errno_code(HD_ENOMEM), -32603);
    CHECK_EQ(hd_proto_errno_code(HD_EINVAL), -32602);
    CHECK_EQ(hd_proto_errno_code(HD_ENOTFOUND), -32003);
    CHECK_EQ(hd_proto_errno_code(HD_ELIMIT), -32004);
    CHECK_EQ(hd_proto_errno_code(HD_ETYPE), -32005);
    CHECK_EQ(hd_proto_errno_code(HD_ENAME), -32006);
    CHECK_EQ(hd_proto_errno_code(HD_EEXIST), -32007);
    CHECK_EQ(hd_proto_errno_code(HD_EKEY), -32009);
    CHECK_EQ(hd_proto_errno_code(HD_ENOHEAP), -32000);
    CHECK_EQ(hd_proto_errno_code(HD_ESCRIPT), -32008);
    CHECK_EQ(hd_proto_errno_code(12345), -32603);
    CHECK_STR(hd_proto_errno_message(HD_ENAME), "name not bound");
    CHECK_STR(hd_proto_errno_message(12345), "internal error");
    CHECK_STR(hd_proto_code_message(-32601), "Method not found");
    CHECK_STR(hd_proto_code_message(-31999), "Server error");
}

TEST(data_helpers)
{
    json_t *d = hd_proto_data_param("heap", NULL);
    CHECK_STR(json_string_value(json_object_get(d, "param")), "heap");
    CHECK_EQ(json_object_size(d), 1);
    json_decref(d);
    d = hd_proto_data_limit("heaps", -1);
    CHECK_EQ(json_object_size(d), 1);
    json_decref(d);
    d = hd_proto_data_limit("heaps", 64);
    CHECK_EQ(json_integer_value(json_object_get(d, "max")), 64);
    json_decref(d);
    d = hd_proto_data_role(NULL, "admin");
    CHECK(json_is_null(json_object_get(d, "role")));
    json_decref(d);
    d = hd_proto_data_script(3, 5, "NameError", "name 'x' is not defined", "hi\n");
    CHECK_EQ(json_object_size(d), 5);
    CHECK_STR(json_string_value(json_object_get(d, "stdout")), "hi\n");
    json_decref(d);
    CHECK(hd_proto_data_param("bad\xff", NULL) == NULL);
}

/* ------------------------------------------------------------------------ */
/* Client side                                                               */
/* ------------------------------------------------------------------------ */

TEST(client_round_trip)
{
    /* heapctl encodes, heapd decodes and answers, heapctl decodes */
    hd_proto_buf_t out, back;
    hd_proto_buf_init(&out, 0);
    hd_proto_buf_init(&back, 0);
    json_t *params = json_pack("{s:s,s:[i,i,i]}", "heap", "demo", "thresholds", 700, 10, 10);
    CHECK_OK(hd_proto_encode_request(&out, 41, "heap.create", params));

    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(hd_proto_buf_text(&out), out.len, NULL, &msg));
    CHECK_EQ(msg.reqs[0].code, 0);
    CHECK(json_equal(msg.reqs[0].params, params));
    hd_proto_reply_t r;
    hd_proto_reply_begin(&r, &back, &msg);
    CHECK_OK(hd_proto_reply_result(&r, &msg.reqs[0],
                                   json_pack("{s:s,s:i}", "heap", "demo", "objects", 0)));
    CHECK_OK(hd_proto_reply_end(&r));
    hd_proto_msg_close(&msg);

    hd_proto_incoming_t in;
    CHECK_OK(hd_proto_client_decode(hd_proto_buf_text(&back), back.len, &in));
    CHECK_EQ(in.kind, HD_PROTO_IN_RESPONSE);
    const hd_proto_resp_t *resp = hd_proto_incoming_find(&in, 41);
    CHECK(resp != NULL);
    CHECK_EQ(resp->code, 0);
    CHECK_STR(json_string_value(json_object_get(resp->result, "heap")), "demo");
    CHECK(hd_proto_incoming_find(&in, 42) == NULL);
    hd_proto_incoming_close(&in);
    json_decref(params);
    hd_proto_buf_close(&out);
    hd_proto_buf_close(&back);
}

TEST(client_error_batch_and_notification)
{
    hd_proto_incoming_t in;
    const char *batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},"
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,\"message\":"
                        "\"Heap not found\",\"data\":{\"heap\":\"x\"}}}]";
    CHECK_OK(hd_proto_client_decode(batch, strlen(batch), &in));
    CHECK_EQ(in.kind, HD_PROTO_IN_BATCH);
    CHECK_EQ(in.n, 2);
    const hd_proto_resp_t *e = hd_proto_incoming_find(&in, 2);
    CHECK_EQ(e->code, -32000);
    CHECK_STR(e->message, "Heap not found");
    CHECK_STR(json_string_value(json_object_get(e->data, "heap")), "x");
    CHECK(e->result == NULL);
    hd_proto_incoming_close(&in);

    const char *note = "{\"jsonrpc\":\"2.0\",\"method\":\"stream.gc\",\"params\":{\"seq\":3}}";
    CHECK_OK(hd_proto_client_decode(note, strlen(note), &in));
    CHECK_EQ(in.kind, HD_PROTO_IN_NOTIFICATION);
    CHECK_STR(in.method, "stream.gc");
    CHECK_EQ(json_integer_value(json_object_get(in.params, "seq")), 3);
    CHECK_EQ(in.n, 0);
    hd_proto_incoming_close(&in);

    const char *null_id = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                          "\"message\":\"Parse error\"}}";
    CHECK_OK(hd_proto_client_decode(null_id, strlen(null_id), &in));
    CHECK(json_is_null(in.resps[0].id));
    CHECK_EQ(in.resps[0].id_is_int, 0);
    hd_proto_incoming_close(&in);
}

TEST(client_rejects_malformed)
{
    static const char *const bad[] = {
        "",
        "nope",
        "[]",
        "1",
        "{\"id\":1,\"result\":{}}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1,\"message\":\"x\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\",\"message\":\"x\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,\"message\":\"m\",\"x\":1}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":[]}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"extra\":1}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"stream.gc\",\"params\":[]}",
        "{\"jsonrpc\":\"2.0\",\"method\":5}",
        "{\"jsonrpc\":\"2.0\"}",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},3]",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"result\":{}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hd_proto_incoming_t in;
        int rc = hd_proto_client_decode(bad[i], strlen(bad[i]), &in);
        if (rc != HD_EINVAL)
            hd_test_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
        CHECK(in.root == NULL && in.resps == NULL);
    }
}

/* ------------------------------------------------------------------------ */
/* Methods, roles and names                                                  */
/* ------------------------------------------------------------------------ */

TEST(method_table)
{
    const hd_proto_method_t *m = hd_proto_method_find("heap.drop", 9);
    CHECK(m != NULL);
    CHECK_EQ(m->role, HD_PROTO_ROLE_ADMIN);
    CHECK_EQ(m->heap_required, 1);
    m = hd_proto_method_find("session.auth", 12);
    CHECK_EQ(m->role, HD_PROTO_ROLE_NONE);
    CHECK_EQ(m->heap, 0);
    m = hd_proto_method_find("stream.subscribe", 16);
    CHECK_EQ(m->heap, 1);
    CHECK_EQ(m->heap_required, 0);
    CHECK(hd_proto_method_find("heap.dro", 8) == NULL);
    CHECK(hd_proto_method_find("heap.drop\0x", 11) == NULL);
    CHECK(hd_proto_method_find(NULL, 0) == NULL);
    CHECK(hd_proto_method_at(hd_proto_method_count()) == NULL);
    for (size_t i = 0; i < hd_proto_method_count(); i++) {
        const hd_proto_method_t *row = hd_proto_method_at(i);
        CHECK(hd_proto_method_find(row->name, strlen(row->name)) == row);
        CHECK(row->heap || !row->heap_required);
        CHECK(strlen(row->summary) > 0);
    }
}

TEST(roles)
{
    hd_proto_role_t role = HD_PROTO_ROLE_NONE;
    CHECK_OK(hd_proto_role_parse("write", &role));
    CHECK_EQ(role, HD_PROTO_ROLE_WRITE);
    CHECK_EQ(hd_proto_role_parse("root", &role), HD_EINVAL);
    CHECK_EQ(role, HD_PROTO_ROLE_WRITE);
    CHECK_STR(hd_proto_role_name(HD_PROTO_ROLE_ADMIN), "admin");
    CHECK(hd_proto_role_allows(HD_PROTO_ROLE_ADMIN, HD_PROTO_ROLE_WRITE));
    CHECK(hd_proto_role_allows(HD_PROTO_ROLE_READ, HD_PROTO_ROLE_NONE));
    CHECK(!hd_proto_role_allows(HD_PROTO_ROLE_READ, HD_PROTO_ROLE_WRITE));
    CHECK(!hd_proto_role_allows(HD_PROTO_ROLE_NONE, HD_PROTO_ROLE_READ));
}

TEST(name_rules)
{
    CHECK(hd_proto_heap_name_valid("demo", 4));
    CHECK(hd_proto_heap_name_valid("a.b-c_9", 7));
    CHECK(!hd_proto_heap_name_valid("", 0));
    CHECK(!hd_proto_heap_name_valid("a b", 3));
    CHECK(!hd_proto_heap_name_valid("a/b", 3));
    char long_name[66];
    memset(long_name, 'x', sizeof long_name);
    CHECK(hd_proto_heap_name_valid(long_name, 64));
    CHECK(!hd_proto_heap_name_valid(long_name, 65));
    CHECK(hd_proto_name_valid("_x1", 3));
    CHECK(!hd_proto_name_valid("1x", 2));
    CHECK(!hd_proto_name_valid("a.b", 3));
    CHECK(!hd_proto_name_valid("a\0b", 3));
}
