/*
 * http.h: the HTTP side of the port: the bodies of /healthz and /metrics
 * (metrics.c) and the lws "http" protocol callback (http.c).
 */
#ifndef HD_SRV_HTTP_H
#define HD_SRV_HTTP_H

#include "hd_proto.h"
#include "server.h"

/* The Content-Security-Policy of every HTTP response: no inline script or
 * style, WebSocket connections to this server only, no framing. */
#define HD_SRV_CSP                                                                                 \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "               \
    "form-action 'self'"

/* hd_http_pss_size: the per-session data of the "http" protocol.
 * Ownership: none (arguments borrowed for the call). */
size_t hd_http_pss_size(void);

/* hd_metrics_text: the Prometheus text exposition of the server's figures,
 * appended to buf. Returns 0 or HD_ENOMEM. Ownership: buf borrowed. */
int hd_metrics_text(hd_server_t *srv, hd_proto_buf_t *buf);

/* hd_healthz_text: {"status":"ok","version":...,"uptime_s":N}, appended to
 * buf. Returns 0 or HD_ENOMEM. Ownership: buf borrowed. */
int hd_healthz_text(hd_server_t *srv, hd_proto_buf_t *buf);

#endif
