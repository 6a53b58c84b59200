/*
 * client.c: decoding what a heapd server sends (heapctl's side).
 *
 * A server sends three shapes of message: a response object, an array of
 * responses (the answer to a batch), and a notification (a stream frame,
 * with "method" and no "id"). This file parses one message and checks its
 * envelope as strictly as the server's decoder checks requests, because a
 * client that accepts a malformed response hides server bugs.
 *
 * Layout: hd_proto_incoming_t owns the parsed tree (root) and an array of
 * hd_proto_resp_t whose pointers borrow from that tree. Numbers are parsed
 * as jansson parses them (integers as json_int_t); a server never sends an
 * integer beyond 64 bits, so one that does sent an invalid message.
 */
#include "proto_int.h"

#include <string.h>

#include "err.h"

static int has_only(const json_t *obj, const char *const *keys)
{
    for (void *it = json_object_iter((json_t *)obj); it;
         it = json_object_iter_next((json_t *)obj, it)) {
        const char *key = json_object_iter_key(it);
        int known = 0;
        for (const char *const *k = keys; *k; k++)
            known |= strcmp(key, *k) == 0;
        if (!known)
            return 0;
    }
    return 1;
}

static int is_jsonrpc_2(const json_t *obj)
{
    json_t *v = json_object_get(obj, "jsonrpc");
    return json_is_string(v) && json_string_length(v) == 3 &&
           strcmp(json_string_value(v), "2.0") == 0;
}

/* Check one response object and fill r from it (borrowing). */
static int read_response(json_t *obj, hd_proto_resp_t *r)
{
    static const char *const keys[] = {"jsonrpc", "id", "result", "error", NULL};
    static const char *const err_keys[] = {"code", "message", "data", NULL};
    memset(r, 0, sizeof *r);
    if (!json_is_object(obj) || !is_jsonrpc_2(obj) || !has_only(obj, keys))
        return HD_EINVAL;
    r->id = json_object_get(obj, "id");
    if (!r->id || !(json_is_string(r->id) || json_is_number(r->id) || json_is_null(r->id)))
        return HD_EINVAL;
    if (json_is_integer(r->id)) {
        r->id_is_int = 1;
        r->id_int = json_integer_value(r->id);
    }
    json_t *result = json_object_get(obj, "result");
    json_t *err = json_object_get(obj, "error");
    if ((result != NULL) == (err != NULL))
        return HD_EINVAL; /* exactly one of them */
    if (result) {
        r->result = result;
        return 0;
    }
    json_t *code = json_object_get(err, "code");
    json_t *message = json_object_get(err, "message");
    if (!json_is_object(err) || !has_only(err, err_keys) || !json_is_integer(code) ||
        !json_is_string(message) || json_integer_value(code) == 0 ||
        json_integer_value(code) < INT32_MIN || json_integer_value(code) > INT32_MAX)
        return HD_EINVAL;
    r->code = (int)json_integer_value(code);
    r->message = json_string_value(message);
    r->data = json_object_get(err, "data");
    return 0;
}

static int read_notification(hd_proto_incoming_t *in)
{
    static const char *const keys[] = {"jsonrpc", "method", "params", NULL};
    json_t *method = json_object_get(in->root, "method");
    json_t *params = json_object_get(in->root, "params");
    if (!is_jsonrpc_2(in->root) || !has_only(in->root, keys) || !json_is_string(method) ||
        (params && !json_is_object(params)))
        return HD_EINVAL;
    in->kind = HD_PROTO_IN_NOTIFICATION;
    in->method = json_string_value(method);
    in->params = params;
    return 0;
}

static int read_responses(hd_proto_incoming_t *in)
{
    int batch = json_is_array(in->root);
    size_t n = batch ? json_array_size(in->root) : 1;
    if (n == 0)
        return HD_EINVAL; /* a server never sends an empty array */
    in->resps = hd__proto_malloc(n * sizeof *in->resps);
    if (!in->resps)
        return HD_ENOMEM;
    in->n = n;
    in->kind = batch ? HD_PROTO_IN_BATCH : HD_PROTO_IN_RESPONSE;
    for (size_t i = 0; i < n; i++) {
        json_t *obj = batch ? json_array_get(in->root, i) : in->root;
        if (read_response(obj, &in->resps[i]) != 0)
            return HD_EINVAL;
    }
    return 0;
}

int hd_proto_client_decode(const char *text, size_t len, hd_proto_incoming_t *in)
{
    json_error_t jerr;
    int nomem;
    memset(in, 0, sizeof *in);
    in->root = hd__proto_load(text ? text : "", text ? len : 0,
                              JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr, &nomem);
    if (!in->root)
        return nomem ? HD_ENOMEM : HD_EINVAL;
    int rc;
    if (json_is_object(in->root) && !json_object_get(in->root, "id"))
        rc = read_notification(in);
    else
        rc = read_responses(in);
    if (rc != 0)
        hd_proto_incoming_close(in);
    return rc;
}

const hd_proto_resp_t *hd_proto_incoming_find(const hd_proto_incoming_t *in, int64_t id)
{
    for (size_t i = 0; i < in->n; i++)
        if (in->resps[i].id_is_int && in->resps[i].id_int == id)
            return &in->resps[i];
    return NULL;
}

void hd_proto_incoming_close(hd_proto_incoming_t *in)
{
    hd__proto_free(in->resps);
    json_decref(in->root);
    memset(in, 0, sizeof *in);
}
