/*
 * fuzz_proto.c: libFuzzer target for hd_proto's decoder and reply builder:
 * any bytes, as a WebSocket text message, must decode to requests or errors
 * without crashing or leaking, and every member must get a well-formed reply
 * (a result for valid requests, its error otherwise).
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "hd_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hd_proto_limits_t limits = {1 << 20, 1000};
    hd_proto_msg_t msg;
    memset(&msg, 0, sizeof(msg));
    hd_proto_decode((const char *)data, size, &limits, &msg);
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 16);
    hd_proto_reply_t r;
    hd_proto_reply_begin(&r, &buf, &msg);
    for (size_t i = 0; i < msg.n; i++) {
        if (msg.reqs[i].code == 0)
            hd_proto_reply_result(&r, &msg.reqs[i], json_object()); /* steals */
        else
            hd_proto_reply_rejected(&r, &msg.reqs[i]);
    }
    if (hd_proto_reply_end(&r) == 0 && buf.len > 0) {
        {
            /* what we answer must itself be JSON (ids are echoed as sent, so
             * integers may exceed 64 bits, strings may hold \u0000) */
            json_error_t err;
            json_t *back = json_loadb(hd_proto_buf_text(&buf), buf.len,
                                      JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
            if (!back)
                __builtin_trap();
            json_decref(back);
        }
    }
    hd_proto_buf_close(&buf);
    hd_proto_msg_close(&msg);
    return 0;
}
