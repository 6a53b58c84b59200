/*
 * session.h: one WebSocket connection (a session) and what it owns.
 *
 * lws allocates the session as the connection's per-session data and frees
 * it after LWS_CALLBACK_CLOSED; everything the session owns (the reassembly
 * buffer, the send queue, its token copy) is released there, and its
 * subscriptions are ended, so nothing points at it afterwards.
 */
#ifndef HD_SRV_SESSION_H
#define HD_SRV_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h" /* <uv.h> before <libwebsockets.h> */

#include <libwebsockets.h>

#include "hd_proto.h"
#include "sendq.h"

typedef struct hd_session {
    hd_server_t *srv;               /* borrowed */
    struct lws *wsi;                /* borrowed from lws; NULL once closed */
    struct hd_session *next, *prev; /* the server's list */
    uint64_t serial;
    hd_proto_role_t role;
    char *token; /* owned: the token that gave the role, re-checked on reload */
    size_t token_len;
    char *rx; /* owned: the message being reassembled */
    size_t rx_len, rx_cap;
    bool rx_discard;    /* dropping the rest of an oversized message */
    bool established;   /* ESTABLISHED seen and not yet CLOSED */
    hd_sendq_t q;       /* owned */
    int close_code;     /* 0, or the close frame to send once the queue is flushed */
    bool close_now;     /* close without flushing (1008) */
    bool close_sent;    /* the close has started: nothing more is written */
    bool want_write;    /* lws_callback_on_writable asked and WRITEABLE not yet run */
    bool flush_queued;  /* in srv->flushq */
    unsigned burst;     /* responses queued since the last end-of-iteration flush */
    unsigned burst_max; /* the most responses one loop iteration queued (ws.c) */
    uint64_t messages_in, messages_out;
    uint64_t sub_serial; /* last subscription id given out */
    uint64_t rate_milli; /* the rate limit's bucket, in thousandths of a request */
    uint64_t rate_ms;    /* loop time the bucket was last filled */
    bool rate_started;   /* the bucket has been filled once */
} hd_session_t;

/* hd_session_send: queue a message for the session. kind and key as in
 * sendq.h. A response that does not fit makes the session close with 1008.
 * Returns 0, 1 (coalesced) or a negative code (dropped).
 * Ownership: steals block (LWS_PRE headroom, then len bytes), even on
 * failure. */
int hd_session_send(hd_session_t *s, char *block, size_t len, int kind, uint64_t key);

/* hd_session_send_buf: as hd_session_send with an hd_proto buffer (taken
 * over and left empty). Ownership: takes buf's memory, even on failure. */
int hd_session_send_buf(hd_session_t *s, hd_proto_buf_t *buf, int kind, uint64_t key);

/* hd_session_close: close with `code` (after the queued messages when
 * after_flush). Ownership: none (arguments borrowed for the call). */
void hd_session_close(hd_session_t *s, int code, bool after_flush);

/* hd_session_reauth: re-check the session's token against the server's
 * tokens (after a reload). Ownership: none (arguments borrowed for the call). */
void hd_session_reauth(hd_session_t *s);

/* hd_ws_callback: the lws protocol callback of "heapd.v1".
 * Ownership: user is lws's per-session storage. */
int hd_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len);

/* hd_http_callback: the lws protocol callback of "http" (files, /healthz,
 * /metrics). Ownership: user is lws's per-session storage. */
int hd_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len);

/* hd_upgrade_confirm: the checks on a WebSocket upgrade (path, Host, Origin,
 * connection limit, Authorization). Returns what the lws callback must
 * return: 0 to proceed, 1 after answering with an HTTP error.
 * Ownership: none (arguments borrowed for the call). */
int hd_upgrade_confirm(hd_server_t *srv, struct lws *wsi);

#endif
