/*
 * ws.c: WebSocket sessions: the upgrade checks, message reassembly with the
 * size limit, the bounded send queue and its writer, and closing.
 *
 * Receiving: lws hands a message over in chunks (TCP reads, frames); they
 * are appended to s->rx until the final chunk of the final fragment, then
 * the whole message goes to the dispatcher. A message that grows past
 * limits.message_size is answered with -32004 (data.limit "message_size",
 * id null), the rest of it is discarded, and the session closes with 1009
 * once that answer is out. Binary frames close with 1003.
 *
 * Sending: everything a session sends goes through its hd_sendq_t (see
 * sendq.h). A session that queues something is put on the server's flush
 * list, and once the loop has run this iteration's I/O callbacks (a uv_check
 * handle: after lws has handed over every message of the read), hd_ws_flush
 * writes each listed session's queue at once, when lws holds nothing unsent
 * for it. While the list is not empty a uv_idle handle is active, so that
 * the loop does not block in poll first: a frame a timer queued (a stream)
 * goes out at once, not at the loop's next wakeup. A pipelined burst of
 * requests is thus answered with one write and no POLLOUT round trip: asking
 * lws for WRITEABLE costs four epoll_ctl and an epoll_wait through libuv.
 * One exception: a connection that pipelines gets the first half of a burst
 * written while lws is still handing over the rest of the read (once half
 * as many answers wait as in its biggest burst so far, if that is 16 or
 * more; see early_threshold). With one write per read, a client keeping 16
 * requests in flight and heapd take turns (each waits while the other
 * works: heapd used 76% of a core); with the first 8 answers out early, the
 * client sends its next 8 while heapd answers the other 8, the two halves
 * stay apart, and heapd finds the next requests waiting instead of sleeping
 * in epoll_wait (93-96% of a core, about 30% more requests/s with 16 in
 * flight and 23% with 32 when both cores are free; on a loaded machine,
 * where taking turns suits one free core, it was slower: README,
 * tests/load). It costs one more write per burst, and nothing to a
 * connection that does not pipeline.
 * lws_write outside the WRITEABLE callback is safe here because heapd uses
 * no extension and no HTTP/2: a write the socket does not take whole is kept
 * by lws, which then asks for POLLOUT itself. The writer also runs in
 * SERVER_WRITEABLE (what is left, close frames): it writes queued messages
 * while the socket takes them, a big message as fragments of HD_WS_CHUNK
 * bytes (lws copies what the socket does not take, so writing a whole
 * megabyte at once would copy it). A pending close (1001 at shutdown, 1009)
 * is sent once the queue is empty; 1008 (the client does not read its
 * responses) is sent at once.
 */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"
#include "origin.h"
#include "streams.h"

#define HD_WS_CHUNK        (32 * 1024)  /* bytes per written fragment */
#define HD_WS_WRITE_BUDGET (256 * 1024) /* bytes per WRITEABLE callback */
#define HD_WS_SMALL        4096         /* messages batched into one write... */
#define HD_WS_BATCH        (64 * 1024)  /* ...up to this many bytes */
/* Answers are written while the read that asked for them is still being
 * handled once half as many wait as the biggest burst of the connection so
 * far (at most HD_WS_EARLY_MAX), when that half is HD_WS_EARLY_MIN or more:
 * the client gets the first half of a pipelined burst while heapd works on
 * the second half, so that both sides work at once instead of taking turns
 * (see the header). */
#define HD_WS_EARLY_MIN 8
#define HD_WS_EARLY_MAX 64

static hd_server_t *server_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

/* ---- the upgrade ---- */

static int refuse(hd_server_t *srv, struct lws *wsi, unsigned status, const char *why)
{
    char peer[64] = "?";
    lws_get_peer_simple(wsi, peer, sizeof peer);
    hd_info("upgrade from %s refused (%u): %s", peer, status, why);
    srv->stats.rejected_upgrades++;
    lws_return_http_status(wsi, status, why);
    return 1;
}

/* the Authorization header's token, if any: 1 found, 0 absent, -1 malformed */
static int header_token(struct lws *wsi, char *buf, size_t len, const char **tok, size_t *toklen)
{
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (n <= 0)
        return 0;
    if ((size_t)n >= len || lws_hdr_copy(wsi, buf, (int)len, WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
        return -1;
    return hd_auth_bearer(buf, tok, toklen) == 0 ? 1 : -1;
}

int hd_upgrade_confirm(hd_server_t *srv, struct lws *wsi)
{
    char buf[HD_TOKEN_MAX + 64];
    if (lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_GET_URI) <= 0 || strcmp(buf, "/ws") != 0)
        return refuse(srv, wsi, HTTP_STATUS_NOT_FOUND, "WebSocket endpoint is /ws");
    if (srv->stopping)
        return refuse(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "shutting down");
    char host[300];
    hd_hostcheck_t hc = {srv->cfg.listen_host,     srv->port,
                         srv->cfg.server_names,    srv->cfg.n_server_names,
                         srv->cfg.allowed_origins, srv->cfg.n_allowed_origins};
    int n = lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST);
    if (n <= 0 || !hd_host_allowed(&hc, host))
        return refuse(srv, wsi, HTTP_STATUS_FORBIDDEN, "Host is not a name of this server");
    if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
        n = lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_ORIGIN);
        if (n <= 0 || !hd_origin_allowed(&hc, buf, host))
            return refuse(srv, wsi, HTTP_STATUS_FORBIDDEN, "Origin not allowed");
    }
    if (srv->nsessions >= srv->cfg.limits.connections)
        return refuse(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "too many connections");
    const char *tok;
    size_t toklen;
    int has = header_token(wsi, buf, sizeof buf, &tok, &toklen);
    if (has < 0 || (has > 0 && srv->auth_required &&
                    hd_tokens_lookup(&srv->tokens, tok, toklen) == HD_PROTO_ROLE_NONE))
        return refuse(srv, wsi, HTTP_STATUS_UNAUTHORIZED, "bad token");
    return 0;
}

/* ---- session lifecycle ---- */

static void session_open(hd_server_t *srv, hd_session_t *s, struct lws *wsi)
{
    memset(s, 0, sizeof *s);
    s->srv = srv;
    s->wsi = wsi;
    s->serial = ++srv->session_serial;
    s->role = srv->auth_required ? HD_PROTO_ROLE_NONE : HD_PROTO_ROLE_ADMIN;
    hd_sendq_init(&s->q, srv->cfg.limits.send_queue_bytes, LWS_PRE, hd_proto_free);
    char buf[HD_TOKEN_MAX + 64];
    const char *tok;
    size_t toklen;
    if (srv->auth_required && header_token(wsi, buf, sizeof buf, &tok, &toklen) > 0) {
        s->role = hd_tokens_lookup(&srv->tokens, tok, toklen);
        if (s->role != HD_PROTO_ROLE_NONE && (s->token = strndup(tok, toklen)) != NULL)
            s->token_len = toklen;
    }
    s->next = srv->sessions;
    if (srv->sessions)
        srv->sessions->prev = s;
    srv->sessions = s;
    srv->nsessions++;
    srv->stats.connections_total++;
    s->established = true;
    char peer[64] = "?";
    lws_get_peer_simple(wsi, peer, sizeof peer);
    hd_info("session %llu from %s, role %s", (unsigned long long)s->serial, peer,
            hd_proto_role_name(s->role));
    hd_server_status(srv);
}

static void session_closed(hd_server_t *srv, hd_session_t *s)
{
    if (!s->established)
        return;
    s->established = false;
    for (size_t i = 0; s->flush_queued && i < srv->nflush; i++)
        if (srv->flushq[i] == s)
            srv->flushq[i] = NULL;
    s->flush_queued = false;
    hd_streams_session_gone(srv, s);
    if (s->prev)
        s->prev->next = s->next;
    else
        srv->sessions = s->next;
    if (s->next)
        s->next->prev = s->prev;
    srv->nsessions--;
    hd_sendq_close(&s->q);
    free(s->rx);
    if (s->token)
        memset(s->token, 0, s->token_len);
    free(s->token);
    s->wsi = NULL;
    hd_info("session %llu closed", (unsigned long long)s->serial);
    hd_server_status(srv);
    hd_server_session_gone(srv);
}

void hd_session_reauth(hd_session_t *s)
{
    if (!s->srv->auth_required) {
        s->role = HD_PROTO_ROLE_ADMIN;
        return;
    }
    s->role =
        s->token ? hd_tokens_lookup(&s->srv->tokens, s->token, s->token_len) : HD_PROTO_ROLE_NONE;
}

/* ---- sending ---- */

/* Ask lws for one WRITEABLE callback, once. Every lws_callback_on_writable
 * on a libuv loop restarts the socket's uv_poll handle, and libuv 1.44 pays
 * an epoll_ctl(DEL) for each restart: asking again for every queued
 * response of a pipelined burst cost 15 failing system calls per 16
 * requests. The flag is cleared when the callback runs. */
static void want_writable(hd_session_t *s, struct lws *wsi)
{
    if (s->want_write)
        return;
    if (lws_callback_on_writable(wsi) >= 0)
        s->want_write = true;
}

void hd_session_close(hd_session_t *s, int code, bool after_flush)
{
    if (!s->wsi || s->close_code)
        return;
    s->close_code = code;
    s->close_now = !after_flush;
    want_writable(s, s->wsi);
}

/* put s on the server's flush list (see the header) */
static void flush_later(hd_session_t *s)
{
    hd_server_t *srv = s->srv;
    if (s->flush_queued)
        return;
    if (srv->nflush == srv->flush_cap) {
        size_t cap = srv->flush_cap ? srv->flush_cap * 2 : 64;
        hd_session_t **grown = realloc(srv->flushq, cap * sizeof *grown);
        if (!grown) {
            want_writable(s, s->wsi); /* the slow way still works */
            return;
        }
        srv->flushq = grown;
        srv->flush_cap = cap;
    }
    if (srv->nflush == 0)
        hd_server_flush_soon(srv, true);
    srv->flushq[srv->nflush++] = s;
    s->flush_queued = true;
}

int hd_session_send(hd_session_t *s, char *block, size_t len, int kind, uint64_t key)
{
    if (!s->wsi || s->close_code) {
        hd_proto_free(block);
        return HD_ELIMIT;
    }
    uint64_t dropped = s->q.dropped;
    int rc = hd_sendq_push(&s->q, block, len, kind, key);
    s->srv->stats.frames_dropped += s->q.dropped - dropped;
    if (s->q.overflow) {
        hd_warn("session %llu does not read its responses: closing with 1008",
                (unsigned long long)s->serial);
        s->srv->stats.closed_1008++;
        hd_session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, false);
        return rc;
    }
    if (rc >= 0) {
        if (kind == HD_SENDQ_RESPONSE)
            s->burst++;
        s->messages_out++;
        s->srv->stats.messages_out++;
        flush_later(s);
    }
    return rc;
}

int hd_session_send_buf(hd_session_t *s, hd_proto_buf_t *buf, int kind, uint64_t key)
{
    size_t len;
    char *block = hd_proto_buf_steal(buf, &len);
    if (!block)
        return HD_ENOMEM;
    return hd_session_send(s, block, len, kind, key);
}

/* lws 4.1 writes close frames with this lws_write() protocol value; its
 * public header no longer names it ("handled by lws_close_reason"). */
#define HD_LWS_WRITE_CLOSE 4

/* Close with a code. lws 4.1.6 on libuv drops the connection without the
 * close frame when a WRITEABLE callback returns -1 after lws_close_reason
 * (its libuv glue closes the socket again right after the role protocol
 * queued the frame), and an asynchronous kill skips the frame too. So the
 * close frame is written here like a message; the peer answers it with its
 * own close, on which lws ends the connection, and a 3 s timeout covers a
 * peer that does not answer. */
static int close_with(hd_session_t *s, struct lws *wsi, int code, const char *reason)
{
    unsigned char buf[LWS_PRE + 125];
    size_t len = strlen(reason) > 120 ? 120 : strlen(reason);
    buf[LWS_PRE] = (unsigned char)(code >> 8);
    buf[LWS_PRE + 1] = (unsigned char)(code & 0xff);
    memcpy(buf + LWS_PRE + 2, reason, len);
    s->close_sent = true;
    if (lws_write(wsi, buf + LWS_PRE, len + 2, (enum lws_write_protocol)HD_LWS_WRITE_CLOSE) < 0)
        return -1;
    lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_ACK, 3);
    return 0;
}

static const char *close_text(int code)
{
    switch (code) {
    case LWS_CLOSE_STATUS_GOINGAWAY:
        return "server shutting down";
    case LWS_CLOSE_STATUS_POLICY_VIOLATION:
        return "send queue over its limit";
    case LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE:
        return "message too large";
    case LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE:
        return "binary frames are not accepted";
    default:
        return "closing";
    }
}

/* Small messages that wait together go out in one socket write: each is
 * framed here (a server frame is a 2 or 4 byte header, unmasked, then the
 * payload) and the frames are handed to lws as raw bytes. One write per
 * message would cost a system call and a wake-up of the peer each, which
 * is most of the cost of a pipelined small request. Returns the number of
 * messages written (0: the head is not a small unstarted message, or is
 * alone), or -1. */
static int write_batch(hd_session_t *s, struct lws *wsi)
{
    static unsigned char buf[LWS_PRE + HD_WS_BATCH];
    hd_sendq_item_t *it = hd_sendq_head(&s->q);
    if (!it || !it->next || it->sent || it->len > HD_WS_SMALL || it->next->len > HD_WS_SMALL)
        return 0;
    size_t len = 0;
    int n = 0;
    for (; it && !it->sent && it->len <= HD_WS_SMALL && len + it->len + 4 <= HD_WS_BATCH;
         it = it->next, n++) {
        unsigned char *h = buf + LWS_PRE + len;
        h[0] = 0x81; /* FIN, text */
        if (it->len < 126) {
            h[1] = (unsigned char)it->len;
            len += 2;
        } else {
            h[1] = 126;
            h[2] = (unsigned char)(it->len >> 8);
            h[3] = (unsigned char)it->len;
            len += 4;
        }
        memcpy(buf + LWS_PRE + len, it->block + LWS_PRE, it->len);
        len += it->len;
    }
    if (lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_RAW) < (int)len)
        return -1;
    for (int i = 0; i < n; i++)
        hd_sendq_advance(&s->q, hd_sendq_head(&s->q)->len);
    return n;
}

static int on_writeable(hd_session_t *s, struct lws *wsi)
{
    if (s->close_sent)
        return 0;
    if (s->close_code && s->close_now)
        return close_with(s, wsi, s->close_code, close_text(s->close_code));
    size_t budget = HD_WS_WRITE_BUDGET;
    hd_sendq_item_t *it;
    while ((it = hd_sendq_head(&s->q)) != NULL && budget > 0) {
        int batched = write_batch(s, wsi);
        if (batched < 0)
            return -1;
        if (batched > 0) {
            budget = budget > HD_WS_BATCH ? budget - HD_WS_BATCH : 0;
            /* lws_send_pipe_choked is a poll() system call: only worth it
             * when there is more to write */
            if (hd_sendq_head(&s->q) && lws_send_pipe_choked(wsi))
                break;
            continue;
        }
        size_t chunk = it->len - it->sent;
        if (chunk > HD_WS_CHUNK)
            chunk = HD_WS_CHUNK;
        int flags = lws_write_ws_flags(LWS_WRITE_TEXT, it->sent == 0, it->sent + chunk == it->len);
        unsigned char *p = (unsigned char *)it->block + LWS_PRE + it->sent;
        if (lws_write(wsi, p, chunk, (enum lws_write_protocol)flags) < (int)chunk)
            return -1;
        hd_sendq_advance(&s->q, chunk);
        budget = budget > chunk ? budget - chunk : 0;
        if (hd_sendq_head(&s->q) && lws_send_pipe_choked(wsi))
            break;
    }
    if (hd_sendq_head(&s->q)) {
        want_writable(s, wsi);
        return 0;
    }
    if (s->close_code)
        return close_with(s, wsi, s->close_code, close_text(s->close_code));
    return 0;
}

/* write what s has queued, now */
static void flush_session(hd_session_t *s)
{
    if (!s->wsi || s->close_sent || s->want_write || !hd_sendq_head(&s->q))
        return; /* WRITEABLE is coming anyway, or nothing to do */
    if (s->close_code || lws_partial_buffered(s->wsi)) {
        want_writable(s, s->wsi);
        return;
    }
    if (on_writeable(s, s->wsi) < 0) /* a write failed: end the connection */
        lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

void hd_ws_flush(hd_server_t *srv)
{
    for (size_t i = 0; i < srv->nflush; i++) {
        hd_session_t *s = srv->flushq[i];
        if (!s)
            continue; /* closed since it was listed */
        s->flush_queued = false;
        if (s->burst > s->burst_max)
            s->burst_max = s->burst;
        s->burst = 0;
        flush_session(s);
    }
    srv->nflush = 0;
    hd_server_flush_soon(srv, false);
}

/* ---- receiving ---- */

/* how many answers wait before they are written in the middle of a read,
 * or 0: not before a burst of 2 * HD_WS_EARLY_MIN has been seen, since a
 * first burst of 32 written in eights would stay in eights (each half goes
 * round on its own) */
static size_t early_threshold(const hd_session_t *s)
{
    size_t half = s->burst_max / 2;
    return half < HD_WS_EARLY_MIN ? 0 : half > HD_WS_EARLY_MAX ? HD_WS_EARLY_MAX : half;
}

static void too_large(hd_session_t *s)
{
    hd_server_t *srv = s->srv;
    srv->stats.closed_1009++;
    srv->stats.errors++;
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, LWS_PRE);
    json_t *data = hd_proto_data_limit("message_size", (int64_t)srv->cfg.limits.message_size);
    if (hd_proto_encode_error(&buf, NULL, HD_RPC_LIMIT_EXCEEDED, NULL, data) == 0)
        hd_session_send_buf(s, &buf, HD_SENDQ_RESPONSE, 0);
    hd_proto_buf_close(&buf);
    json_decref(data);
    hd_session_close(s, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, true);
}

static int rx_append(hd_session_t *s, const char *in, size_t len)
{
    size_t max = s->srv->cfg.limits.message_size;
    if (s->rx_len + len > max) {
        free(s->rx);
        s->rx = NULL;
        s->rx_len = s->rx_cap = 0;
        s->rx_discard = true;
        too_large(s);
        return 0;
    }
    if (s->rx_len + len > s->rx_cap) {
        size_t cap = s->rx_cap ? s->rx_cap : 4096;
        while (cap < s->rx_len + len)
            cap *= 2;
        if (cap > max)
            cap = max;
        char *grown = realloc(s->rx, cap);
        if (!grown)
            return -1;
        s->rx = grown;
        s->rx_cap = cap;
    }
    memcpy(s->rx + s->rx_len, in, len);
    s->rx_len += len;
    return 0;
}

static int on_receive(hd_session_t *s, struct lws *wsi, const char *in, size_t len)
{
    if (lws_frame_is_binary(wsi)) {
        hd_session_close(s, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, false);
        return 0;
    }
    if (s->close_code)
        return 0; /* closing: ignore what still arrives */
    if (!s->rx_discard && rx_append(s, in, len) != 0)
        return -1;
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
        return 0;
    if (s->rx_discard) {
        s->rx_discard = false;
        return 0;
    }
    s->messages_in++;
    s->srv->stats.messages_in++;
    hd_dispatch_message(s, s->rx ? s->rx : "", s->rx_len);
    s->rx_len = 0;
    size_t early = early_threshold(s);
    if (early && s->q.count >= early)
        flush_session(s);        /* see HD_WS_EARLY_MIN */
    if (s->rx_cap > 64 * 1024) { /* keep small buffers; give big ones back */
        free(s->rx);
        s->rx = NULL;
        s->rx_cap = 0;
    }
    return 0;
}

int hd_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    hd_session_t *s = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return hd_upgrade_confirm(server_of(wsi), wsi);
    case LWS_CALLBACK_ESTABLISHED:
        session_open(server_of(wsi), s, wsi);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        return on_receive(s, wsi, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        s->want_write = false;
        return s->established ? on_writeable(s, wsi) : 0;
    case LWS_CALLBACK_CLOSED:
        session_closed(server_of(wsi), s);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}
