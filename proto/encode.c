/*
 * encode.c: responses, error responses, notifications and requests as text;
 * the reply builder that turns a decoded message's answers into its one
 * response frame; and the `data` objects of the protocol's errors.
 *
 * Each encoder appends one complete JSON object to an hd_proto_buf_t, piece
 * by piece: the envelope is literal text, the id is the client's own text
 * (hd_proto_id_t), strings are escaped here, and jansson trees (result,
 * params, error object) are dumped straight into the buffer. Member order
 * is fixed: jsonrpc, id, then method/params or result/error.
 *
 * Invariant: every public function here leaves the buffer exactly as it was
 * when it fails (each remembers buf->len on entry and truncates back), so a
 * batch response is never left with half a member in it.
 *
 * The reply builder writes "[" lazily, before its first response, so that a
 * batch whose members are all notifications produces nothing at all (JSON-RPC
 * 2.0: "the Server MUST NOT return an empty Array").
 */
#include "proto_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

const char *hd_proto_code_message(int code)
{
    switch (code) {
    case HD_RPC_PARSE_ERROR:
        return "Parse error";
    case HD_RPC_INVALID_REQUEST:
        return "Invalid Request";
    case HD_RPC_METHOD_NOT_FOUND:
        return "Method not found";
    case HD_RPC_INVALID_PARAMS:
        return "Invalid params";
    case HD_RPC_INTERNAL_ERROR:
        return "Internal error";
    case HD_RPC_HEAP_NOT_FOUND:
        return "Heap not found";
    case HD_RPC_UNAUTHORIZED:
        return "Unauthorized";
    case HD_RPC_FORBIDDEN:
        return "Forbidden";
    case HD_RPC_OBJECT_NOT_FOUND:
        return "Object not found";
    case HD_RPC_LIMIT_EXCEEDED:
        return "Limit exceeded";
    case HD_RPC_TYPE_ERROR:
        return "Type error";
    case HD_RPC_NAME_ERROR:
        return "Name not bound";
    case HD_RPC_ALREADY_EXISTS:
        return "Already exists";
    case HD_RPC_SCRIPT_ERROR:
        return "Script error";
    case HD_RPC_KEY_ERROR:
        return "Key or index error";
    }
    return "Server error";
}

/* err.h's table, expanded here rather than linked from err.c (see
 * proto/CMakeLists.txt): the same rows, so the same answers as
 * hd_err_rpc_code and hd_strerror. */
int hd_proto_errno_code(int err)
{
    switch (err) {
#define HD__ERR_RPC(name, value, rpc, msg)                                                         \
    case HD_##name:                                                                                \
        return rpc;
        HD_ERRNO_MAP(HD__ERR_RPC)
#undef HD__ERR_RPC
    }
    return HD_RPC_INTERNAL_ERROR;
}

const char *hd_proto_errno_message(int err)
{
    switch (err) {
#define HD__ERR_MSG(name, value, rpc, msg)                                                         \
    case HD_##name:                                                                                \
        return msg;
        HD_ERRNO_MAP(HD__ERR_MSG)
#undef HD__ERR_MSG
    }
    return "internal error";
}

/* ------------------------------------------------------------------------ */
/* Encoders                                                                  */
/* ------------------------------------------------------------------------ */

/* Append `"id":ID` (the client's text, or null). */
static int put_id(hd_proto_buf_t *buf, const hd_proto_id_t *id)
{
    if (hd__proto_buf_puts(buf, "\"id\":") != 0)
        return HD_ENOMEM;
    if (!id || !id->text || (id->kind != HD_PROTO_ID_NUMBER && id->kind != HD_PROTO_ID_STRING))
        return hd__proto_buf_puts(buf, "null");
    return hd_proto_buf_append(buf, id->text, id->len);
}

/* Keep the buffer as it was when rc is a failure. */
static int undo_on_error(hd_proto_buf_t *buf, size_t mark, int rc)
{
    if (rc != 0)
        hd__proto_buf_truncate(buf, mark);
    return rc;
}

int hd_proto_encode_result(hd_proto_buf_t *buf, const hd_proto_id_t *id, const json_t *result)
{
    size_t mark = buf->len;
    if (!result)
        return HD_EINVAL;
    int rc = hd__proto_buf_puts(buf, "{\"jsonrpc\":\"2.0\",");
    if (rc == 0)
        rc = put_id(buf, id);
    if (rc == 0)
        rc = hd__proto_buf_puts(buf, ",\"result\":");
    if (rc == 0)
        rc = hd__proto_buf_json(buf, result);
    if (rc == 0)
        rc = hd__proto_buf_puts(buf, "}");
    return undo_on_error(buf, mark, rc);
}

/* The error object {"code","message","data"?} as a jansson tree. */
static json_t *error_object(int code, const char *message, const json_t *data)
{
    if (!message || !hd__proto_utf8_valid(message, strlen(message)))
        message = hd_proto_code_message(code);
    json_t *err = json_object();
    if (!err || json_object_set_new(err, "code", json_integer(code)) != 0 ||
        json_object_set_new(err, "message", json_string(message)) != 0 ||
        (data && json_object_set(err, "data", (json_t *)data) != 0)) {
        json_decref(err);
        return NULL;
    }
    return err;
}

int hd_proto_encode_error(hd_proto_buf_t *buf, const hd_proto_id_t *id, int code,
                          const char *message, const json_t *data)
{
    size_t mark = buf->len;
    json_t *err = error_object(code, message, data);
    if (!err)
        return HD_ENOMEM;
    int rc = hd__proto_buf_puts(buf, "{\"jsonrpc\":\"2.0\",");
    if (rc == 0)
        rc = put_id(buf, id);
    if (rc == 0)
        rc = hd__proto_buf_puts(buf, ",\"error\":");
    if (rc == 0)
        rc = hd__proto_buf_json(buf, err);
    if (rc == 0)
        rc = hd__proto_buf_puts(buf, "}");
    json_decref(err);
    return undo_on_error(buf, mark, rc);
}

/* Append `"method":M,"params":P}` (the common tail of requests and
 * notifications). */
static int put_call(hd_proto_buf_t *buf, const char *method, const json_t *params)
{
    if (!method || (params && !json_is_object(params)))
        return HD_EINVAL;
    int rc = hd__proto_buf_puts(buf, "\"method\":");
    if (rc == 0)
        rc = hd__proto_buf_string(buf, method, strlen(method));
    if (rc == 0)
        rc = hd__proto_buf_puts(buf, ",\"params\":");
    if (rc == 0)
        rc = params ? hd__proto_buf_json(buf, params) : hd__proto_buf_puts(buf, "{}");
    if (rc == 0)
        rc = hd__proto_buf_puts(buf, "}");
    return rc;
}

int hd_proto_encode_notification(hd_proto_buf_t *buf, const char *method, const json_t *params)
{
    size_t mark = buf->len;
    int rc = hd__proto_buf_puts(buf, "{\"jsonrpc\":\"2.0\",");
    if (rc == 0)
        rc = put_call(buf, method, params);
    return undo_on_error(buf, mark, rc);
}

int hd_proto_encode_request(hd_proto_buf_t *buf, int64_t id, const char *method,
                            const json_t *params)
{
    size_t mark = buf->len;
    char head[64];
    snprintf(head, sizeof head, "{\"jsonrpc\":\"2.0\",\"id\":%" PRId64 ",", id);
    int rc = hd__proto_buf_puts(buf, head);
    if (rc == 0)
        rc = put_call(buf, method, params);
    return undo_on_error(buf, mark, rc);
}

/* ------------------------------------------------------------------------ */
/* The reply builder                                                         */
/* ------------------------------------------------------------------------ */

void hd_proto_reply_begin(hd_proto_reply_t *r, hd_proto_buf_t *buf, const hd_proto_msg_t *msg)
{
    r->buf = buf;
    r->batch = msg->batch;
    r->count = 0;
    r->start = buf->len;
}

/* Before a response: "[" for the first of a batch, "," between. */
static int reply_sep(hd_proto_reply_t *r)
{
    if (!r->batch)
        return r->count == 0 ? 0 : HD_EINVAL; /* a single request has one answer */
    return hd__proto_buf_puts(r->buf, r->count == 0 ? "[" : ",");
}

/* Write one response (result when code == 0, else the error) for req. */
static int reply_one(hd_proto_reply_t *r, const hd_proto_req_t *req, const json_t *result, int code,
                     const char *message, const json_t *data)
{
    if (req->id.kind == HD_PROTO_ID_NONE)
        return 0; /* a notification: never answered */
    size_t mark = r->buf->len;
    int rc = reply_sep(r);
    if (rc == 0)
        rc = result ? hd_proto_encode_result(r->buf, &req->id, result)
                    : hd_proto_encode_error(r->buf, &req->id, code, message, data);
    if (rc == 0)
        r->count++;
    return undo_on_error(r->buf, mark, rc);
}

int hd_proto_reply_result(hd_proto_reply_t *r, const hd_proto_req_t *req, json_t *result)
{
    /* NULL is what a failed json_pack or json_object hands over: jansson's
     * _new convention makes that an allocation failure. */
    int rc = result ? reply_one(r, req, result, 0, NULL, NULL) : HD_ENOMEM;
    json_decref(result);
    return rc;
}

int hd_proto_reply_result_text(hd_proto_reply_t *r, const hd_proto_req_t *req, const char *text,
                               size_t len)
{
    if (!text || len == 0)
        return HD_EINVAL;
    if (req->id.kind == HD_PROTO_ID_NONE)
        return 0; /* a notification: never answered */
    size_t mark = r->buf->len;
    int rc = reply_sep(r);
    if (rc == 0)
        rc = hd__proto_buf_puts(r->buf, "{\"jsonrpc\":\"2.0\",");
    if (rc == 0)
        rc = put_id(r->buf, &req->id);
    if (rc == 0)
        rc = hd__proto_buf_puts(r->buf, ",\"result\":");
    if (rc == 0)
        rc = hd__proto_buf_put(r->buf, text, len);
    if (rc == 0)
        rc = hd__proto_buf_puts(r->buf, "}");
    if (rc == 0)
        r->count++;
    return undo_on_error(r->buf, mark, rc);
}

int hd_proto_reply_error(hd_proto_reply_t *r, const hd_proto_req_t *req, int code,
                         const char *message, json_t *data)
{
    int rc = reply_one(r, req, NULL, code, message, data);
    json_decref(data);
    return rc;
}

int hd_proto_reply_errno(hd_proto_reply_t *r, const hd_proto_req_t *req, int err, json_t *data)
{
    return hd_proto_reply_error(r, req, hd_proto_errno_code(err), hd_proto_errno_message(err),
                                data);
}

int hd_proto_reply_rejected(hd_proto_reply_t *r, const hd_proto_req_t *req)
{
    if (req->code == 0)
        return HD_EINVAL;
    return reply_one(r, req, NULL, req->code, req->message, req->data);
}

int hd_proto_reply_end(hd_proto_reply_t *r)
{
    if (r->count == 0) {
        hd__proto_buf_truncate(r->buf, r->start);
        return 0;
    }
    if (r->batch && hd__proto_buf_puts(r->buf, "]") != 0) {
        hd__proto_buf_truncate(r->buf, r->start);
        r->count = 0;
        return HD_ENOMEM;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Error data                                                                */
/* ------------------------------------------------------------------------ */

/* Set key to a new string value in obj; false on failure (NULL s: null). */
static int set_str(json_t *obj, const char *key, const char *s)
{
    return json_object_set_new(obj, key, s ? json_string(s) : json_null()) == 0;
}

json_t *hd_proto_data_param(const char *param, const char *detail)
{
    json_t *d = json_object();
    if (!d || !set_str(d, "param", param) || (detail && !set_str(d, "detail", detail))) {
        json_decref(d);
        return NULL;
    }
    return d;
}

json_t *hd_proto_data_limit(const char *limit, int64_t max)
{
    json_t *d = json_object();
    if (!d || !set_str(d, "limit", limit) ||
        (max >= 0 && json_object_set_new(d, "max", json_integer(max)) != 0)) {
        json_decref(d);
        return NULL;
    }
    return d;
}

json_t *hd_proto_data_type(const char *type)
{
    json_t *d = json_object();
    if (!d || !set_str(d, "type", type)) {
        json_decref(d);
        return NULL;
    }
    return d;
}

json_t *hd_proto_data_role(const char *have, const char *need)
{
    json_t *d = json_object();
    if (!d || !set_str(d, "role", have) || !set_str(d, "required", need)) {
        json_decref(d);
        return NULL;
    }
    return d;
}

json_t *hd_proto_data_script(int line, int col, const char *exc_type, const char *message,
                             const char *out)
{
    json_t *d = json_object();
    if (!d || json_object_set_new(d, "line", json_integer(line)) != 0 ||
        json_object_set_new(d, "col", json_integer(col)) != 0 ||
        !set_str(d, "exc_type", exc_type) || !set_str(d, "message", message ? message : "") ||
        !set_str(d, "stdout", out ? out : "")) {
        json_decref(d);
        return NULL;
    }
    return d;
}
