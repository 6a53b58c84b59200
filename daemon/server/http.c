/*
 * http.c: the "http" protocol of the vhost: the dynamic endpoints /healthz
 * and /metrics, the upgrade checks for clients bound to this protocol, and
 * everything else handed to lws's file server (the web root mount).
 *
 * A dynamic response is built whole when the request arrives (both bodies
 * are small), kept in the connection's per-session data, and written in
 * HTTP_WRITEABLE. lws adds the vhost's security headers (info.headers) to
 * these responses as it does to files; only cache-control is ours.
 */
#include "session.h"

#include <string.h>

#include "http.h"
#include "log.h"

typedef struct http_pss {
    char *body; /* owned (hd_proto_free); LWS_PRE headroom, then len bytes */
    size_t len;
    const char *type; /* static */
} http_pss_t;

static int add_security_headers(struct lws *wsi, unsigned char **p, unsigned char *end)
{
    /* lws adds the vhost's headers (info.headers: CSP, nosniff, ...) to
     * every response, ours included; only what differs is added here */
    static const char *const h[][2] = {
        {"cache-control:", "no-store"},
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)h[i][0],
                                        (const unsigned char *)h[i][1], (int)strlen(h[i][1]), p,
                                        end))
            return -1;
    return 0;
}

static int begin_response(hd_server_t *srv, struct lws *wsi, http_pss_t *pss, const char *uri)
{
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, LWS_PRE);
    int rc;
    srv->stats.http_requests++;
    if (strcmp(uri, "/healthz") == 0 || strcmp(uri, "/healthz/") == 0) {
        rc = hd_healthz_text(srv, &buf);
        pss->type = "application/json";
    } else if (strcmp(uri, "/metrics") == 0 || strcmp(uri, "/metrics/") == 0) {
        rc = hd_metrics_text(srv, &buf);
        pss->type = "text/plain; version=0.0.4; charset=utf-8";
    } else {
        hd_proto_buf_close(&buf);
        lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    if (rc != 0 || !(pss->body = hd_proto_buf_steal(&buf, &pss->len))) {
        hd_proto_buf_close(&buf);
        lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL);
        return -1;
    }
    unsigned char hdr[LWS_PRE + 1024];
    unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr - 1;
    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, pss->type, pss->len, &p, end) ||
        add_security_headers(wsi, &p, end) || lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

static int write_body(struct lws *wsi, http_pss_t *pss)
{
    if (!pss->body)
        return 0;
    int n = lws_write(wsi, (unsigned char *)pss->body + LWS_PRE, pss->len, LWS_WRITE_HTTP_FINAL);
    hd_proto_free(pss->body);
    pss->body = NULL;
    if (n < 0)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int hd_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len)
{
    http_pss_t *pss = user;
    hd_server_t *srv = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return hd_upgrade_confirm(srv, wsi);
    case LWS_CALLBACK_HTTP: {
        char uri[128];
        if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
            uri[0] = '\0';
        return begin_response(srv, wsi, pss, uri);
    }
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return write_body(wsi, pss);
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (pss && pss->body) {
            hd_proto_free(pss->body);
            pss->body = NULL;
        }
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

/* the per-session data size lws must allocate for this protocol */
size_t hd_http_pss_size(void)
{
    return sizeof(http_pss_t);
}
