/*
 * test_robust.c: hd_proto under allocation failure and under garbage input.
 *
 * Allocation failure (the SQLite habit): each scenario runs once to count
 * its allocations, then once per N with the Nth allocation failing (and
 * again with every allocation from the Nth on failing). Each run must end
 * in success or a clean HD_ENOMEM, and every block must be freed.
 *
 * jansson 2.14's lexer mishandles a failed allocation while it grows its
 * token buffer past 16 bytes (akheron/jansson#362: it can crash), and
 * nothing a caller does can prevent that. So json_loadb is wrapped (linked
 * with --wrap=json_loadb) to tell the allocator when it is inside the
 * parser: every scenario runs with the parser's allocations exempt (which
 * covers each of hd_proto's own allocations), and scenarios whose tokens
 * are all 15 bytes or shorter run again with the parser's allocations
 * failing too (which covers hd_proto's handling of a parser that runs out
 * of memory: hd__proto_load's second try).
 *
 * Fuzz: a deterministic generator (fixed seeds, so a failure is
 * reproducible) feeds the decoder random bytes, random JSON-ish token soup,
 * and mutations of every vector message; each result must satisfy the
 * decoder's invariants and produce a reply that is valid JSON. Run under
 * ASan+UBSan in CI.
 */
#include "test.h"
#include "util.h"

#include "hd_proto.h"

/* The --wrap=json_loadb pair (names fixed by the linker). */
json_t *__real_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);

json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
    fi_in_parser(1);
    json_t *j = __real_json_loadb(buffer, buflen, flags, error);
    fi_in_parser(0);
    return j;
}

/* ------------------------------------------------------------------------ */
/* Invariants of a decoded message and its reply                             */
/* ------------------------------------------------------------------------ */

static void check_invariants(const hd_proto_msg_t *msg)
{
    CHECK(msg->n >= 1 && msg->reqs != NULL);
    CHECK(msg->batch || msg->n == 1);
    for (size_t i = 0; i < msg->n; i++) {
        const hd_proto_req_t *req = &msg->reqs[i];
        if (req->code == 0) {
            CHECK(json_is_object(req->params) && req->method && !req->message && !req->data);
        } else {
            CHECK(!req->params && req->message);
            CHECK(!req->data || json_is_object(req->data));
        }
        if (req->code == HD_RPC_INVALID_REQUEST || req->code == HD_RPC_PARSE_ERROR ||
            req->code == HD_RPC_LIMIT_EXCEEDED)
            CHECK(req->id.kind != HD_PROTO_ID_NONE);
        if (req->id.kind == HD_PROTO_ID_NUMBER || req->id.kind == HD_PROTO_ID_STRING) {
            CHECK(req->id.text && req->id.len == strlen(req->id.text) && req->id.len > 0);
            CHECK((req->id.text[0] == '"') == (req->id.kind == HD_PROTO_ID_STRING));
        } else {
            CHECK(req->id.text == NULL);
        }
    }
}

/* Answer msg like a server and check that the frame is JSON (or empty). */
static void check_reply(const hd_proto_msg_t *msg)
{
    hd_proto_buf_t buf;
    hd_proto_reply_t r;
    hd_proto_buf_init(&buf, 0);
    hd_proto_reply_begin(&r, &buf, msg);
    for (size_t i = 0; i < msg->n; i++) {
        if (msg->reqs[i].code)
            CHECK_OK(hd_proto_reply_rejected(&r, &msg->reqs[i]));
        else
            CHECK_OK(hd_proto_reply_result(&r, &msg->reqs[i], json_object()));
    }
    CHECK_OK(hd_proto_reply_end(&r));
    if (buf.len) {
        json_error_t jerr;
        json_t *j = json_loadb(hd_proto_buf_text(&buf), buf.len,
                               JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
        if (!j)
            hd_test_fail(__FILE__, __LINE__, "reply is not JSON (%s): %s", jerr.text,
                         hd_proto_buf_text(&buf));
        CHECK(msg->batch ? json_is_array(j) : json_is_object(j));
        if (msg->batch)
            CHECK_EQ(json_array_size(j), r.count);
        json_decref(j);
    }
    hd_proto_buf_close(&buf);
}

static void decode_and_check(const char *s, size_t len, const hd_proto_limits_t *limits)
{
    hd_proto_msg_t msg;
    CHECK_OK(hd_proto_decode(s, len, limits, &msg));
    check_invariants(&msg);
    check_reply(&msg);
    hd_proto_msg_close(&msg);
}

/* ------------------------------------------------------------------------ */
/* Allocation failures                                                       */
/* ------------------------------------------------------------------------ */

/* One scenario: decode, answer, encode, client-decode; returns 0 or HD_ENOMEM
 * and frees everything either way. */
static int scenario(const char *text)
{
    hd_proto_msg_t msg;
    hd_proto_buf_t buf;
    hd_proto_reply_t r;
    int rc = hd_proto_decode(text, strlen(text), NULL, &msg);
    if (rc != 0) {
        CHECK_EQ(rc, HD_ENOMEM);
        CHECK(msg.reqs == NULL && msg.root == NULL);
        return rc;
    }
    check_invariants(&msg);
    hd_proto_buf_init(&buf, 16);
    hd_proto_reply_begin(&r, &buf, &msg);
    for (size_t i = 0; rc == 0 && i < msg.n; i++) {
        if (msg.reqs[i].code)
            rc = hd_proto_reply_rejected(&r, &msg.reqs[i]);
        else if (i % 2)
            rc = hd_proto_reply_result(&r, &msg.reqs[i], json_pack("{s:i}", "n", (int)i));
        else
            rc = hd_proto_reply_errno(&r, &msg.reqs[i], HD_ENAME,
                                      hd_proto_data_param("name", "not bound"));
    }
    if (rc == 0)
        rc = hd_proto_reply_end(&r);
    if (rc == 0) {
        /* the client side, on a server message of short tokens */
        static const char answer[] = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"n\":1}},"
                                     "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32006,"
                                     "\"message\":\"m\",\"data\":{\"p\":\"x\"}}}]";
        hd_proto_incoming_t in;
        rc = hd_proto_client_decode(answer, sizeof answer - 1, &in);
        if (rc == 0) {
            CHECK(hd_proto_incoming_find(&in, 2)->code == -32006);
            hd_proto_incoming_close(&in);
        }
    }
    if (rc == 0)
        rc = hd_proto_encode_notification(&buf, "stream.heap", msg.reqs[0].params);
    if (rc == 0)
        rc = hd_proto_encode_request(&buf, 9, "heap.list", NULL);
    hd_proto_buf_close(&buf);
    hd_proto_msg_close(&msg);
    if (rc != 0)
        CHECK_EQ(rc, HD_ENOMEM);
    return rc;
}

/* The longest JSON token of text (strings with their quotes). */
static size_t longest_token(const char *text)
{
    size_t longest = 0;
    for (const char *p = text; *p;) {
        const char *start = p;
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
        } else if (strchr("{}[],: \t\r\n", *p)) {
            p++;
            continue;
        } else {
            while (*p && !strchr("{}[],: \t\r\n\"", *p))
                p++;
        }
        if ((size_t)(p - start) > longest)
            longest = (size_t)(p - start);
    }
    return longest;
}

static void fail_each(const char *text, int in_parser_too)
{
    fi_install();
    fi_parser_failures(in_parser_too);
    fi_fail_at(0, 0);
    CHECK_OK(scenario(text));
    CHECK_EQ(fi_live(), 0);
    long total = fi_count();
    CHECK(total > 0);
    for (int sticky = 0; sticky <= 1; sticky++) {
        for (long n = 1; n <= total + 1; n++) {
            fi_fail_at(n, sticky);
            int rc = scenario(text);
            if (n <= total && fi_failed() == 0)
                hd_test_fail(__FILE__, __LINE__, "allocation %ld of %ld was never made", n, total);
            if (fi_failed() == 0)
                CHECK_OK(rc);
            if (fi_live() != 0)
                hd_test_fail(__FILE__, __LINE__, "%ld blocks leaked when allocation %ld failed%s",
                             fi_live(), n, sticky ? " (sticky)" : "");
        }
    }
    fi_fail_at(0, 0);
}

/* Every allocation of hd_proto fails once in turn; so do the parser's when
 * that is safe (see the top of this file). */
static void fail_every_allocation(const char *text)
{
    fail_each(text, 0);
    if (longest_token(text) <= 15)
        fail_each(text, 1);
}

TEST(oom_token_scanner)
{
    CHECK_EQ(longest_token("{\"ab\\\"c\":[12345,true]}"), 7);
    CHECK_EQ(longest_token("[1, 2]"), 1);
    CHECK_EQ(longest_token("\"jsonrpc\""), 9);
}

TEST(oom_single_request)
{
    fail_every_allocation("{\"jsonrpc\":\"2.0\",\"id\":\"a\\u0062\",\"method\":\"obj.new\","
                          "\"params\":{\"heap\":\"h\",\"type\":\"list\",\"items\":[1,2,3]}}");
}

TEST(oom_batch_mixed)
{
    fail_every_allocation(
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"},{\"foo\":1},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"n\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"b\","
        "\"params\":[1]},{\"jsonrpc\":\"2.0\",\"\\u0069d\":3,\"method\":\"c\",\"x\":1},"
        "{\"jsonrpc\":\"2.0\",\"id\":4.5,\"method\":\"d\",\"params\":{\"k\":{\"l\":[]}}}]");
}

TEST(oom_huge_integers)
{
    /* the slow path: a second parse and per-member params parses (tokens of
     * 19+ digits: the parser's own allocations stay exempt) */
    fail_every_allocation("[{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,"
                          "\"method\":\"a\",\"params\":{\"v\":1}},{\"jsonrpc\":\"2.0\",\"id\":2,"
                          "\"method\":\"b\",\"params\":{\"x\":1,\"v\":[99999999999999999999]}}]");
}

TEST(oom_parse_error)
{
    fail_every_allocation("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
    fail_every_allocation("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2}");
}

TEST(oom_whole_message_errors)
{
    fail_every_allocation("[]");
    fail_every_allocation("[1,2]");
    fail_every_allocation("\"x\"");
}

TEST(oom_data_helpers)
{
    fi_install();
    for (long n = 1; n <= 8; n++) {
        fi_fail_at(n, 0);
        json_t *d[5] = {hd_proto_data_param("p", "d"), hd_proto_data_limit("heaps", 64),
                        hd_proto_data_type("list"), hd_proto_data_role("read", "admin"),
                        hd_proto_data_script(1, 2, "E", "m", "o")};
        for (int i = 0; i < 5; i++)
            json_decref(d[i]);
        CHECK_EQ(fi_live(), 0);
    }
    fi_fail_at(0, 0);
}

/* ------------------------------------------------------------------------ */
/* Fuzz                                                                      */
/* ------------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static size_t rng_below(size_t n)
{
    return n ? (size_t)(rng() % n) : 0;
}

TEST(fuzz_random_bytes)
{
    rng_state = 0x9E3779B97F4A7C15ULL;
    char buf[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = rng_below(sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)rng();
        decode_and_check(buf, len, NULL);
    }
}

/* Token soup: random sequences of JSON-ish tokens, most of them close to a
 * valid request, so the envelope checks (not just the parser) get exercised. */
TEST(fuzz_token_soup)
{
    static const char *const tokens[] = {
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"jsonrpc\"",
        "\"2.0\"",
        "\"id\"",
        "\"method\"",
        "\"params\"",
        "\"x\"",
        "1",
        "-0",
        "1.5e3",
        "99999999999999999999999",
        "1e400",
        "null",
        "true",
        "false",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\u0069d\"",
        "\"a\\\"b\"",
        " ",
        "\n",
        "\"\xc3\xa9\"",
        "\xff",
        "\"",
    };
    const size_t nt = sizeof tokens / sizeof tokens[0];
    rng_state = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        char a[128] = "", b[128] = "", msg[512];
        size_t na = rng_below(6), nb = rng_below(6);
        for (size_t i = 0; i < na; i++)
            strcat(a, tokens[rng_below(nt)]);
        for (size_t i = 0; i < nb; i++)
            strcat(b, tokens[rng_below(nt)]);
        switch (rng_below(4)) {
        case 0:
            snprintf(msg, sizeof msg, "%s%s", a, b);
            break;
        case 1:
            snprintf(msg, sizeof msg,
                     "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"m\",\"params\":%s}", a, b);
            break;
        case 2:
            snprintf(msg, sizeof msg,
                     "[{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"m\"},{\"jsonrpc\":%s,"
                     "\"method\":\"m\"}]",
                     a, b);
            break;
        default:
            snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":%s,%s:1}", a, b);
        }
        hd_proto_limits_t limits = {rng_below(300), rng_below(3)};
        decode_and_check(msg, strlen(msg), rng_below(2) ? &limits : NULL);
    }
}

/* mutate_vector: 60 mutations of a vector's message ("message" only), each
 * through decode_and_check. */
static void mutate_vector(const vector_t *v, void *arg)
{
    (void)arg;
    if (!v->text || v->hex)
        return;
    size_t len = v->len;
    char *m = malloc(2 * len + 16);
    for (int iter = 0; iter < 60; iter++) {
        memcpy(m, v->text, len);
        size_t mlen = len;
        for (int k = 0, edits = 1 + (int)rng_below(4); k < edits && mlen; k++) {
            size_t at = rng_below(mlen);
            switch (rng_below(4)) {
            case 0: /* flip a byte */
                m[at] = (char)rng();
                break;
            case 1: /* cut */
                mlen = at;
                break;
            case 2: /* delete one byte */
                memmove(m + at, m + at + 1, mlen - at - 1);
                mlen--;
                break;
            default: /* duplicate a stretch */
                if (mlen + 8 <= 2 * len + 16) {
                    size_t span = rng_below(8);
                    if (at + span > mlen)
                        span = mlen - at;
                    memmove(m + at + span, m + at, mlen - at);
                    mlen += span;
                }
            }
        }
        decode_and_check(m, mlen, NULL);
    }
    free(m);
}

/* Every vector, mutated: bytes flipped, cut, duplicated, deleted. */
TEST(fuzz_mutated_vectors)
{
    rng_state = 777;
    each_vector(VECTORS_VALID | VECTORS_INVALID, mutate_vector, NULL);
}
