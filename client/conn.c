/*
 * conn.c: heapctl's WebSocket connection (libwebsockets client, lws's own
 * poll loop).
 *
 * A CLI needs no event library of its own: each call sends one message and
 * waits for the answer, so the loop is lws_service() run until a condition
 * holds (handshake done, a message received, the connection gone) or a
 * deadline passes. The deadline is an lws_sul timer (lws_service's own
 * timeout argument has been ignored since lws 3.2); its callback runs inside
 * lws_service before the poll, so it wakes the poll with lws_cancel_service.
 * This is the shape the lws reference tested (section 4).
 *
 * Data layout: a connection owns its lws context (one per connection, so a
 * reconnect starts clean), a FIFO of messages to send (each allocated with
 * LWS_PRE bytes of headroom, written one per WRITEABLE callback), the
 * reassembly buffer of the message being received, and a FIFO of whole
 * received messages. Invariants: wsi is NULL once lws destroyed it;
 * `closed` is set exactly when no more data can come, and `err` then says
 * why in words a user can act on.
 *
 * This is the only file that includes libwebsockets.h; it is compiled with
 * NDEBUG (lws_config.h otherwise turns on _DEBUG and lws's debug logging).
 */
#include <libwebsockets.h>
#include <openssl/x509.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hd_proto.h"
#include "heapctl.h"

/* A received message larger than this is refused (heapd's own default
 * limit is 1 MiB; an export is at most one message). */
#define HC_MAX_MESSAGE ((size_t)1 << 30)

typedef struct msg {
    struct msg *next; /* owned */
    size_t len;
    unsigned char *text; /* points into data, after LWS_PRE bytes when sending */
    unsigned char data[];
} msg_t;

struct hc_conn {
    struct lws_context *ctx; /* owned */
    struct lws *wsi;         /* weak; cleared by LWS_CALLBACK_WSI_DESTROY */
    int tls;                 /* wss:// */
    int established;
    int rx_ready; /* rxq is not empty */
    int closed;
    int timed_out;
    int cert_seen;      /* wss: the server's certificate reached verification */
    char cert_err[160]; /* wss: why OpenSSL refused it ("" when it did not) */
    char err[1024];
    char where[300];      /* the URL, for messages */
    char auth[4096];      /* "Bearer TOKEN" or "" */
    msg_t *txq, **txtail; /* owned */
    msg_t *rxq, **rxtail; /* owned */
    unsigned char *rx;    /* owned; the message being reassembled */
    size_t rxlen, rxcap;
    lws_sorted_usec_list_t sul; /* the deadline */
};

enum { E_CONNECT, E_LOST, E_OTHER };

/* The first reason is the real one: later ones (the close that follows an
 * error) are dropped. */
static void set_err(hc_conn_t *c, int kind, const char *detail)
{
    static const char *const lead[] = {"cannot connect to heapd at",
                                       "lost the connection to heapd at", "heapd at"};
    if (!c->err[0])
        snprintf(c->err, sizeof c->err, "%s %s: %s", lead[kind], c->where, detail);
}

static void push(msg_t ***tail, msg_t *m)
{
    m->next = NULL;
    **tail = m;
    *tail = &m->next;
}

static msg_t *pop(msg_t **head, msg_t ***tail)
{
    msg_t *m = *head;
    if (m) {
        *head = m->next;
        if (!*head)
            *tail = head;
    }
    return m;
}

/* ---- receiving ---- */

static int rx_append(hc_conn_t *c, const void *in, size_t len)
{
    if (c->rxlen + len > HC_MAX_MESSAGE) {
        set_err(c, E_OTHER, "sent a message over 1 GiB");
        return -1;
    }
    if (c->rxlen + len + 1 > c->rxcap) {
        size_t cap = c->rxcap ? c->rxcap : 4096;
        while (cap < c->rxlen + len + 1)
            cap *= 2;
        unsigned char *p = realloc(c->rx, cap);
        if (!p) {
            set_err(c, E_LOST, "out of memory while receiving");
            return -1;
        }
        c->rx = p;
        c->rxcap = cap;
    }
    memcpy(c->rx + c->rxlen, in, len);
    c->rxlen += len;
    return 0;
}

static int rx_finish(hc_conn_t *c)
{
    msg_t *m = malloc(sizeof *m + c->rxlen + 1);
    if (!m) {
        set_err(c, E_LOST, "out of memory while receiving");
        return -1;
    }
    m->len = c->rxlen;
    m->text = m->data;
    if (c->rxlen)
        memcpy(m->data, c->rx, c->rxlen);
    m->data[c->rxlen] = 0;
    push(&c->rxtail, m);
    c->rx_ready = 1;
    c->rxlen = 0;
    return 0;
}

/* ---- the lws callback ---- */

static void describe_failure(hc_conn_t *c, struct lws *wsi, const char *in)
{
    unsigned int status = wsi ? lws_http_client_http_response(wsi) : 0;
    char detail[200];
    if (status == 401) {
        set_err(c, E_CONNECT, "HTTP 401: the token was refused (see --token-file, HEAPD_TOKEN)");
    } else if (status == 403) {
        set_err(c, E_CONNECT,
                "HTTP 403: the server refused the connection (its Host or "
                "Origin check; see heapd's --server-name)");
    } else if (status && status != 101) {
        snprintf(detail, sizeof detail,
                 "HTTP %u instead of a WebSocket (is this heapd, "
                 "and is the path /ws?)",
                 status);
        set_err(c, E_CONNECT, detail);
    } else if (c->tls && c->cert_err[0]) {
        snprintf(detail, sizeof detail,
                 "the TLS handshake failed: the server's certificate was refused (%.100s; "
                 "see --insecure)",
                 c->cert_err);
        set_err(c, E_CONNECT, detail);
    } else if (c->tls && !c->cert_seen) {
        snprintf(detail, sizeof detail,
                 "the TLS handshake failed before any certificate came (%.60s): does the "
                 "server speak TLS? heapd itself serves ws://",
                 in && *in ? in : "no detail");
        set_err(c, E_CONNECT, detail);
    } else if (c->tls && in && (strstr(in, "SSL") || strstr(in, "ssl") || strstr(in, "TLS"))) {
        snprintf(detail, sizeof detail, "the TLS handshake failed (%.120s)", in);
        set_err(c, E_CONNECT, detail);
    } else if (in && (strstr(in, "refused") || strstr(in, "Unable to connect"))) {
        set_err(c, E_CONNECT,
                "connection refused, or the address is unreachable (is heapd "
                "running there? see --url, HEAPD_URL)");
    } else {
        snprintf(detail, sizeof detail, "%.120s (is heapd running? see --url, HEAPD_URL)",
                 in && *in ? in : "connection failed");
        set_err(c, E_CONNECT, detail);
    }
}

static void peer_close(hc_conn_t *c, const unsigned char *in, size_t len)
{
    char detail[200];
    int code = len >= 2 ? (in[0] << 8 | in[1]) : 1005;
    const char *why = code == 1008   ? " (too slow to read, or a policy violation)"
                      : code == 1009 ? " (message too big: over heapd's limits.message_size)"
                      : code == 1001 ? " (heapd is shutting down)"
                                     : "";
    snprintf(detail, sizeof detail, "closed by the server with code %d%s", code, why);
    set_err(c, E_LOST, detail);
}

static int on_writeable(hc_conn_t *c, struct lws *wsi)
{
    msg_t *m = pop(&c->txq, &c->txtail);
    if (!m)
        return 0;
    int n = lws_write(wsi, m->text, m->len, LWS_WRITE_TEXT);
    free(m);
    if (n < 0) {
        set_err(c, E_LOST, "write failed");
        return -1;
    }
    if (c->txq)
        lws_callback_on_writable(wsi);
    return 0;
}

static int on_receive(hc_conn_t *c, struct lws *wsi, const void *in, size_t len)
{
    if (lws_frame_is_binary(wsi)) {
        set_err(c, E_OTHER, "sent a binary frame");
        return -1;
    }
    if (rx_append(c, in, len) != 0)
        return -1;
    if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi))
        return rx_finish(c);
    return 0;
}

static int on_append_header(hc_conn_t *c, struct lws *wsi, void *in, size_t len)
{
    unsigned char **p = in;
    if (!c->auth[0])
        return 0;
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                     (const unsigned char *)c->auth, (int)strlen(c->auth), p,
                                     *p + len)) {
        set_err(c, E_CONNECT, "the token is too long");
        return -1;
    }
    return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    hc_conn_t *c = user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        return c ? on_append_header(c, wsi, in, len) : 0;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        c->established = 1;
        if (c->txq)
            lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return on_writeable(c, wsi);
    case LWS_CALLBACK_CLIENT_RECEIVE:
        return on_receive(c, wsi, in, len);
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
        /* user is OpenSSL's X509_STORE_CTX here, len its preverify_ok; the
         * connection is the wsi's user data. Returning 0 keeps lws's own
         * decision (which --insecure relaxes before this is called). */
        if ((c = lws_wsi_user(wsi)) != NULL) {
            c->cert_seen = 1;
            int e = X509_STORE_CTX_get_error((X509_STORE_CTX *)user);
            if (!len && e != X509_V_OK && !c->cert_err[0])
                snprintf(c->cert_err, sizeof c->cert_err, "%s", X509_verify_cert_error_string(e));
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (c) {
            describe_failure(c, wsi, in);
            c->closed = 1;
        }
        return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        peer_close(c, in, len);
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
        set_err(c, E_LOST, "the server closed it");
        c->closed = 1;
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        if (c) {
            c->wsi = NULL;
            if (!c->closed)
                set_err(c, E_LOST, "closed");
            c->closed = 1;
        }
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {HD_PROTO_SUBPROTOCOL, callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- waiting ---- */

static void on_deadline(lws_sorted_usec_list_t *sul)
{
    hc_conn_t *c = lws_container_of(sul, hc_conn_t, sul);
    c->timed_out = 1;
    /* The timer runs inside lws_service, before its poll(): without this
     * wake-up the poll would wait for lws's next housekeeping (5 s). */
    lws_cancel_service(c->ctx);
}

/* Run the loop until *flag is set, the connection closes, or timeout_ms
 * (-1: no deadline) passes. Returns 1 (flag), 0 (timeout), -1 (closed). */
static int run_until(hc_conn_t *c, const int *flag, int timeout_ms)
{
    c->timed_out = 0;
    if (timeout_ms >= 0)
        lws_sul_schedule(c->ctx, 0, &c->sul, on_deadline, (lws_usec_t)timeout_ms * 1000);
    while (!*flag && !c->closed && !c->timed_out)
        if (lws_service(c->ctx, 0) < 0) {
            set_err(c, E_LOST, "the event loop failed");
            c->closed = 1;
        }
    lws_sul_schedule(c->ctx, 0, &c->sul, NULL, LWS_SET_TIMER_USEC_CANCEL);
    if (*flag)
        return 1;
    return c->closed ? -1 : 0;
}

/* ---- public ---- */

static struct lws_context *new_context(const hc_conn_opts_t *o)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    if (o->u->tls)
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    lws_set_log_level(o->debug ? LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO | LLL_CLIENT : 0, NULL);
    return lws_create_context(&info);
}

static int start_connect(hc_conn_t *c, const hc_conn_opts_t *o)
{
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = c->ctx;
    ci.address = o->u->host;
    ci.port = o->u->port;
    ci.path = o->u->path;
    ci.host = o->u->hostport;
    ci.protocol = HD_PROTO_SUBPROTOCOL;
    ci.userdata = c;
    ci.pwsi = &c->wsi;
    if (o->u->tls) {
        ci.ssl_connection = LCCSCF_USE_SSL;
        if (o->insecure)
            ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
                                 LCCSCF_ALLOW_EXPIRED;
        ci.alpn = "http/1.1";
    }
    if (!lws_client_connect_via_info(&ci)) {
        set_err(c, E_CONNECT, "the connection could not be started (is the host name right?)");
        return -1;
    }
    return 0;
}

hc_conn_t *hc_conn_open(const hc_conn_opts_t *o, char *err, size_t errlen)
{
    hc_conn_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->txtail = &c->txq;
    c->rxtail = &c->rxq;
    snprintf(c->where, sizeof c->where, "%s", o->url);
    c->tls = o->u->tls;
    if (o->token && snprintf(c->auth, sizeof c->auth, "Bearer %s", o->token) >= (int)sizeof c->auth)
        set_err(c, E_CONNECT, "the token is too long");
    c->ctx = c->err[0] ? NULL : new_context(o);
    if (!c->ctx)
        set_err(c, E_CONNECT, "libwebsockets could not start (TLS libraries missing?)");
    if (c->ctx && start_connect(c, o) == 0) {
        int r = run_until(c, &c->established, o->timeout_ms);
        if (r == 0) {
            char detail[64];
            snprintf(detail, sizeof detail, "no answer within %d ms (see --timeout)",
                     o->timeout_ms);
            set_err(c, E_CONNECT, detail);
        }
    }
    if (!c->established) {
        snprintf(err, errlen, "%s", c->err);
        hc_conn_close(c);
        return NULL;
    }
    return c;
}

int hc_conn_send(hc_conn_t *c, const char *text, size_t len)
{
    if (c->closed)
        return -1;
    msg_t *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m) {
        set_err(c, E_LOST, "out of memory while sending");
        return -1;
    }
    m->len = len;
    m->text = m->data + LWS_PRE;
    memcpy(m->text, text, len);
    push(&c->txtail, m);
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
    return 0;
}

int hc_conn_recv(hc_conn_t *c, int timeout_ms, char **text, size_t *len)
{
    c->rx_ready = c->rxq != NULL;
    if (!c->rx_ready)
        run_until(c, &c->rx_ready, timeout_ms);
    if (!c->rxq)
        return c->closed ? -1 : 0; /* messages that arrived before a close are still read */
    msg_t *m = pop(&c->rxq, &c->rxtail);
    *len = m->len;
    *text = malloc(m->len + 1);
    if (*text)
        memcpy(*text, m->text, m->len + 1);
    free(m);
    if (!*text) {
        set_err(c, E_LOST, "out of memory while receiving");
        return -1;
    }
    return 1;
}

const char *hc_conn_error(const hc_conn_t *c)
{
    return c->err;
}

void hc_conn_close(hc_conn_t *c)
{
    if (!c)
        return;
    if (c->ctx)
        lws_context_destroy(c->ctx);
    msg_t *m;
    while ((m = pop(&c->txq, &c->txtail)))
        free(m);
    while ((m = pop(&c->rxq, &c->rxtail)))
        free(m);
    free(c->rx);
    free(c);
}
