/*
 * rpc.c: calling heapd from a command: connect on first use, send a
 * request (or a batch) through hd_proto, wait for the response with the
 * same id, and turn failures into heapctl's exit codes and messages.
 *
 * Notifications that arrive while a command waits for a response (only
 * `watch` subscribes) go to ctx->on_note when set, and are dropped
 * otherwise. Every message from the server is checked by
 * hd_proto_client_decode; one that is not valid JSON-RPC is a lost
 * connection (exit 3), since nothing after it can be trusted.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hd_proto.h"
#include "heapctl.h"
#include "out.h"
#include "value.h"

int hc_usage_error(const hc_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "heapctl%s%s: ", ctx->cmd ? " " : "", ctx->cmd ? ctx->cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'heapctl %s%s--help'.\n", ctx->cmd ? ctx->cmd : "", ctx->cmd ? " " : "");
    return HC_EXIT_USAGE;
}

void hc_print_json(FILE *f, const json_t *v)
{
    json_dumpf(v, f, JSON_COMPACT | JSON_ENCODE_ANY);
    fputc('\n', f);
}

json_t *hc_heap_params(hc_ctx_t *ctx, const char *heap, int *rc)
{
    if (!hd_proto_heap_name_valid(heap, strlen(heap))) {
        *rc = hc_usage_error(ctx, "'%s' is not a heap name ([A-Za-z0-9_.-], 1 to 64 characters)",
                             heap);
        return NULL;
    }
    *rc = 0;
    return json_pack("{s:s}", "heap", heap);
}

int hc_ctx_connect(hc_ctx_t *ctx)
{
    if (ctx->conn)
        return 0;
    char err[600];
    hc_conn_opts_t o = {.url = ctx->url,
                        .u = &ctx->u,
                        .token = ctx->token,
                        .timeout_ms = ctx->timeout_ms,
                        .insecure = ctx->insecure,
                        .debug = ctx->debug};
    ctx->conn = hc_conn_open(&o, err, sizeof err);
    if (!ctx->conn) {
        snprintf(ctx->last_err, sizeof ctx->last_err, "%s", err);
        if (!ctx->quiet)
            fprintf(stderr, "heapctl: %s\n", err);
        return HC_EXIT_CONN;
    }
    return 0;
}

void hc_ctx_disconnect(hc_ctx_t *ctx)
{
    hc_conn_close(ctx->conn);
    ctx->conn = NULL;
}

static int lost(hc_ctx_t *ctx, const char *why)
{
    snprintf(ctx->last_err, sizeof ctx->last_err, "%s", why);
    if (!ctx->quiet)
        fprintf(stderr, "heapctl: %s\n", why);
    hc_ctx_disconnect(ctx);
    return HC_EXIT_CONN;
}

/* params (stolen) with "site" added when the method takes it and --site was given. */
static json_t *with_site(hc_ctx_t *ctx, const char *method, json_t *params)
{
    if (!params)
        params = json_object();
    const hd_proto_method_t *m = hd_proto_method_find(method, strlen(method));
    if (ctx->site && m && m->site && !json_object_get(params, "site"))
        json_object_set_new(params, "site", json_string(ctx->site));
    return params;
}

/* Send n requests (one message; a batch when n > 1) with ids first_id... */
static int send_requests(hc_ctx_t *ctx, int n, const char *const *methods, json_t **params,
                         int64_t first_id)
{
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, 0);
    int rc = n > 1 ? hd_proto_buf_append(&buf, "[", 1) : 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        if (i > 0)
            rc = hd_proto_buf_append(&buf, ",", 1);
        json_t *p = with_site(ctx, methods[i], params[i]);
        params[i] = NULL;
        if (rc == 0)
            rc = hd_proto_encode_request(&buf, first_id + i, methods[i], p);
        json_decref(p);
    }
    for (int i = 0; i < n; i++)
        json_decref(params[i]); /* those not reached after a failure */
    if (rc == 0 && n > 1)
        rc = hd_proto_buf_append(&buf, "]", 1);
    if (rc != 0) {
        hd_proto_buf_close(&buf);
        fprintf(stderr, "heapctl: cannot encode the request (out of memory or bad UTF-8)\n");
        return HC_EXIT_USAGE;
    }
    rc = hc_conn_send(ctx->conn, hd_proto_buf_text(&buf), buf.len);
    hd_proto_buf_close(&buf);
    return rc == 0 ? 0 : lost(ctx, hc_conn_error(ctx->conn));
}

/* Wait for the message answering ids first_id..; fills *in. */
static int wait_response(hc_ctx_t *ctx, int64_t first_id, hd_proto_incoming_t *in)
{
    for (;;) {
        char *text;
        size_t len;
        int r = hc_conn_recv(ctx->conn, ctx->timeout_ms, &text, &len);
        if (r == 0) {
            char why[500];
            snprintf(why, sizeof why, "no answer from heapd at %.300s within %d ms (see --timeout)",
                     ctx->url, ctx->timeout_ms);
            return lost(ctx, why);
        }
        if (r < 0)
            return lost(ctx, hc_conn_error(ctx->conn));
        int rc = hd_proto_client_decode(text, len, in);
        free(text);
        if (rc != 0) {
            char why[500];
            snprintf(why, sizeof why, "heapd at %.300s sent a message that is not valid JSON-RPC",
                     ctx->url);
            return lost(ctx, why);
        }
        if (in->kind == HD_PROTO_IN_NOTIFICATION) {
            if (ctx->on_note)
                ctx->on_note(ctx, in->method, in->params);
            hd_proto_incoming_close(in);
            continue;
        }
        if (hd_proto_incoming_find(in, first_id))
            return 0;
        hd_proto_incoming_close(in); /* an answer to nothing we wait for */
    }
}

/* The members of an error's data that the message does not already say. */
static void print_data(const json_t *data, const char *message)
{
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach((json_t *)data, key, v)
    {
        char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        const char *s = text ? text : json_string_value(v);
        if (s && message && strstr(message, s) && *s) {
            free(text);
            continue;
        }
        fprintf(stderr, "%s%s=%s", n++ ? ", " : " (", key, s ? s : "?");
        free(text);
    }
    if (n)
        fputc(')', stderr);
}

void hc_print_server_error(hc_ctx_t *ctx, int code, const char *message, const json_t *data)
{
    char sgr[16];
    if (!message)
        message = hd_proto_code_message(code);
    if (ctx->quiet) { /* watch's screen shows it in its status line */
        snprintf(ctx->last_err, sizeof ctx->last_err, "error %d: %s", code, message);
        return;
    }
    fprintf(stderr, "heapctl%s%s: %serror %d%s: %s", ctx->cmd ? " " : "", ctx->cmd ? ctx->cmd : "",
            hc_sgr_on(ctx->color_err, HC_RED, sgr), code, hc_sgr_off(ctx->color_err), message);
    print_data(data, message);
    fputc('\n', stderr);
    /* session.auth is the protocol's word; at a shell the answer is a flag */
    if (code == HD_RPC_UNAUTHORIZED && !ctx->token)
        fputs("heapctl: this heapd wants a token: give it with --token-file FILE or "
              "HEAPD_TOKEN\n",
              stderr);
}

int hc_call_raw(hc_ctx_t *ctx, const char *method, json_t *params, json_t **keep, json_t **result,
                int *code, const char **message, json_t **data)
{
    *keep = *result = *data = NULL;
    *code = 0;
    *message = NULL;
    int rc = hc_ctx_connect(ctx);
    if (rc) {
        json_decref(params);
        return rc;
    }
    int64_t id = ++ctx->next_id;
    if ((rc = send_requests(ctx, 1, &method, &params, id)) != 0)
        return rc;
    hd_proto_incoming_t in;
    if ((rc = wait_response(ctx, id, &in)) != 0)
        return rc;
    const hd_proto_resp_t *r = hd_proto_incoming_find(&in, id);
    *keep = json_incref(in.root);
    *result = r->result;
    *code = r->code;
    *message = r->message;
    *data = r->data;
    hd_proto_incoming_close(&in);
    return 0;
}

int hc_call(hc_ctx_t *ctx, const char *method, json_t *params, json_t **result)
{
    return hc_call_batch(ctx, 1, &method, &params, result);
}

int hc_call_batch(hc_ctx_t *ctx, int n, const char *const *methods, json_t **params,
                  json_t **results)
{
    for (int i = 0; i < n; i++)
        results[i] = NULL;
    int rc = hc_ctx_connect(ctx);
    if (rc) {
        for (int i = 0; i < n; i++)
            json_decref(params[i]);
        return rc;
    }
    int64_t first = ctx->next_id + 1;
    ctx->next_id += n;
    if ((rc = send_requests(ctx, n, methods, params, first)) != 0)
        return rc;
    hd_proto_incoming_t in;
    if ((rc = wait_response(ctx, first, &in)) != 0)
        return rc;
    for (int i = 0; i < n && rc == 0; i++) {
        const hd_proto_resp_t *r = hd_proto_incoming_find(&in, first + i);
        if (!r) {
            rc = lost(ctx, "the server's answer to a batch misses a response");
        } else if (r->code) {
            hc_print_server_error(ctx, r->code, r->message, r->data);
            rc = HC_EXIT_SERVER;
        } else {
            results[i] = json_incref(r->result);
        }
    }
    hd_proto_incoming_close(&in);
    if (rc)
        for (int i = 0; i < n; i++) {
            json_decref(results[i]);
            results[i] = NULL;
        }
    return rc;
}

int hc_run(hc_ctx_t *ctx, const char *method, json_t *params, hc_printer_t print)
{
    json_t *result;
    int rc = hc_call(ctx, method, params, &result);
    if (rc)
        return rc;
    if (ctx->json)
        hc_print_json(ctx->out, result);
    else if (print)
        print(ctx, result);
    json_decref(result);
    return 0;
}

json_t *hc_parse_value_arg(hc_ctx_t *ctx, const char *what, const char *s)
{
    char err[300];
    json_t *v;
    if (hc_value_parse(s, &v, err, sizeof err) != 0) {
        hc_usage_error(ctx, "%s '%s': %s", what, s, err);
        return NULL;
    }
    return v;
}

json_t *hc_parse_target_arg(hc_ctx_t *ctx, const char *s)
{
    char err[300];
    json_t *v;
    if (hc_target_parse(s, &v, err, sizeof err) != 0) {
        hc_usage_error(ctx, "%s", err);
        return NULL;
    }
    return v;
}
