/*
 * vhost.c: libwebsockets on our libuv loop: the context, the protocols, the
 * mounts and the one vhost, set up as ../shared/reference/libwebsockets-4.1.md
 * prescribes for lws 4.1.6:
 *   - LWS_SERVER_OPTION_LIBUV with our loop in foreign_loops (lws installs no
 *     signal handlers then: loop.c has its own);
 *   - EXPLICIT_VHOSTS and lws_create_vhost, whose NULL is the only reliable
 *     report of a bind failure;
 *   - protocols "http" (files, /healthz, /metrics) and "heapd.v1", the
 *     latter named the vhost's default so that clients offering no
 *     subprotocol reach it;
 *   - the security headers through info.headers (lowercase names ending in
 *     ':'), not the best-practices flag, so there is exactly one CSP;
 *   - a ping after ping_interval_s of silence, hangup 10 s later.
 * The structures lws keeps pointers to (protocols, mounts, pvos, retry
 * policy) are static or live in hd_server_t's lifetime.
 */
#include "session.h"

#include <string.h>

#include "http.h"
#include "log.h"

#define HD_WS_RX_BUFFER (16 * 1024)
#define HD_WS_TX_PACKET (32 * 1024)

static struct lws_protocols protocols[3];

static const struct lws_protocol_vhost_options pvo_default = {NULL, NULL, "default", "1"};
static const struct lws_protocol_vhost_options pvo = {NULL, &pvo_default, HD_PROTO_SUBPROTOCOL, ""};

static const struct lws_protocol_vhost_options mime_map = {NULL, NULL, ".map", "application/json"};
static const struct lws_protocol_vhost_options mime_wasm = {&mime_map, NULL, ".wasm",
                                                            "application/wasm"};
static const struct lws_protocol_vhost_options mime_mani = {&mime_wasm, NULL, ".webmanifest",
                                                            "application/manifest+json"};
static const struct lws_protocol_vhost_options mime_mjs = {&mime_mani, NULL, ".mjs",
                                                           "text/javascript"};

static const struct lws_protocol_vhost_options hdr_ref = {NULL, NULL,
                                                          "referrer-policy:", "no-referrer"};
static const struct lws_protocol_vhost_options hdr_frame = {&hdr_ref, NULL,
                                                            "x-frame-options:", "deny"};
static const struct lws_protocol_vhost_options hdr_nosniff = {&hdr_frame, NULL,
                                                              "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options hdr_csp = {&hdr_nosniff, NULL,
                                                          "content-security-policy:", HD_SRV_CSP};

static struct lws_http_mount mount_root, mount_metrics, mount_healthz;
static lws_retry_bo_t retry;

static void setup_tables(hd_server_t *srv)
{
    protocols[0] =
        (struct lws_protocols){"http", hd_http_callback, hd_http_pss_size(), 0, 0, NULL, 0};
    protocols[1] = (struct lws_protocols){
        HD_PROTO_SUBPROTOCOL, hd_ws_callback, sizeof(hd_session_t), HD_WS_RX_BUFFER, 0, NULL,
        HD_WS_TX_PACKET};
    memset(&protocols[2], 0, sizeof protocols[2]);
    mount_root = (struct lws_http_mount){
        .mountpoint = "/",
        .mountpoint_len = 1,
        .origin = srv->cfg.web_root,
        .def = "index.html",
        .origin_protocol = LWSMPRO_FILE,
        .extra_mimetypes = &mime_mjs,
        .cache_max_age = 0,
    };
    mount_metrics = (struct lws_http_mount){
        .mount_next = &mount_root,
        .mountpoint = "/metrics",
        .mountpoint_len = 8,
        .origin = "http",
        .origin_protocol = LWSMPRO_CALLBACK,
    };
    mount_healthz = (struct lws_http_mount){
        .mount_next = &mount_metrics,
        .mountpoint = "/healthz",
        .mountpoint_len = 8,
        .origin = "http",
        .origin_protocol = LWSMPRO_CALLBACK,
    };
    retry = (lws_retry_bo_t){
        .secs_since_valid_ping = (uint16_t)srv->cfg.ping_interval_s,
        .secs_since_valid_hangup = (uint16_t)(srv->cfg.ping_interval_s + 10),
    };
}

int hd_lws_create(hd_server_t *srv)
{
    setup_tables(srv);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    void *loops[] = {srv->loop};
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.foreign_loops = loops;
    info.pcontext = &srv->ctx;
    info.user = srv;
    info.port = CONTEXT_PORT_NO_LISTEN;
    srv->ctx = lws_create_context(&info);
    if (!srv->ctx) {
        hd_err("libwebsockets: cannot create a context on the libuv loop (is the package "
               "libwebsockets-evlib-uv installed?)");
        return HD_EINVAL;
    }
    memset(&info, 0, sizeof info);
    const char *host = srv->cfg.listen_host;
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    info.iface = (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) ? NULL : host;
    info.port = srv->cfg.listen_port;
    info.protocols = protocols;
    info.mounts = &mount_healthz;
    info.headers = &hdr_csp;
    info.pvo = &pvo;
    info.vhost_name = "heapd";
    info.server_string = "heapd";
    info.retry_and_idle_policy = &retry;
    /* An IPv4 address needs an IPv4 socket: given an IPv6 socket, lws 4.1.6
     * binds "::" (every address, both families; strace shows the IPv4
     * address landing in sin6_flowinfo), so "127.0.0.1" listened on all. */
    info.options = strchr(host, ':') == NULL ? LWS_SERVER_OPTION_DISABLE_IPV6 : 0;
    srv->vhost = lws_create_vhost(srv->ctx, &info);
    if (!srv->vhost) {
        hd_err("listen: cannot bind %s port %d (in use, or not an address of this host)",
               srv->cfg.listen_host, srv->cfg.listen_port);
        return HD_EINVAL;
    }
    srv->port = lws_get_vhost_listen_port(srv->vhost);
    return 0;
}
