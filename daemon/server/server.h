/*
 * server.h: the state of one heapd process and the loop that drives it.
 *
 * One hd_server_t holds everything: the config, the libuv loop, the lws
 * context and vhost, the heaps (heaps.h), the sessions (session.h), the
 * stream subscriptions (streams.h) and the counters that /metrics and
 * server.stats report. It lives on main()'s stack; every handle and callback
 * finds it through a data pointer, so there are no globals besides the log
 * level (log.c).
 *
 * Lifecycle (loop.c): hd_server_init (config, tokens), hd_server_start
 * (lws context on our loop, vhost bound, signals, demo heap, READY=1),
 * uv_run, and on SIGTERM/SIGINT hd_server_stop: stop accepting, send 1001 to
 * every session, then after the sessions are gone or shutdown_timeout_ms has
 * passed, the two-step lws teardown described in the lws reference.
 */
#ifndef HD_SRV_SERVER_H
#define HD_SRV_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "auth.h"
#include "config.h"

#ifndef HD_SRV_VERSION
#define HD_SRV_VERSION "0.0.0"
#endif

struct lws_context;
struct lws_vhost;
struct hd_session;
struct hd_sheap;
struct hd_sub;

typedef struct hd_counters {
    uint64_t connections_total; /* WebSocket sessions accepted */
    uint64_t messages_in;       /* WebSocket messages received */
    uint64_t messages_out;      /* messages queued (responses and stream frames) */
    uint64_t requests;          /* requests and notifications dispatched */
    uint64_t errors;            /* error responses (or failed notifications) */
    uint64_t frames_dropped;    /* stream frames dropped or coalesced */
    uint64_t http_requests;     /* /healthz, /metrics */
    uint64_t rejected_upgrades; /* 403/401/503 on the upgrade */
    uint64_t closed_1008;       /* sessions closed for not reading */
    uint64_t closed_1009;       /* sessions closed for an oversized message */
    uint64_t rate_limited;      /* messages refused by the rate limit */
} hd_counters_t;

typedef struct hd_server {
    hd_config_t cfg;         /* owned */
    hd_tokens_t tokens;      /* owned; empty without a token file */
    bool auth_required;      /* a token file is configured */
    uv_loop_t *loop;         /* borrowed from main */
    struct lws_context *ctx; /* owned; lws NULLs it when really freed */
    struct lws_vhost *vhost; /* owned by ctx */
    int port;                /* the port actually bound */
    char address[96];        /* "127.0.0.1:7468" for logs and STATUS= */
    uint64_t start_ms;       /* uv_now at start */
    bool stopping;           /* graceful shutdown under way */
    int exit_code;

    uv_signal_t sig_term, sig_int, sig_hup;
    uv_timer_t watchdog;   /* WATCHDOG=1 when systemd asks */
    uv_timer_t stop_timer; /* bounds the graceful shutdown */
    uv_timer_t kick;       /* wakes lws (see loop.c) */
    uv_timer_t save_timer; /* saves changed heaps to the state directory */
    uv_check_t flush;      /* writes what sessions queued in this loop iteration (ws.c) */
    uv_idle_t flush_soon;  /* active while the flush list is not empty: the loop then
                              polls without blocking, so what a timer queued (a stream
                              frame) goes out in this iteration, not after the next wakeup */
    bool watchdog_on;
    int open_handles; /* our handles not yet closed */

    struct hd_sheap **heaps; /* owned array of owned heaps */
    size_t nheaps, heaps_cap;
    size_t save_next;     /* where the next bounded save walk starts (persist.c) */
    uint64_t heap_serial; /* last heap serial given out */

    struct hd_session **flushq; /* owned array of borrowed sessions with output to write
                                   (an entry is NULLed when its session closes) */
    size_t nflush, flush_cap;
    struct hd_session *sessions; /* borrowed list (lws owns the storage) */
    size_t nsessions;
    uint64_t session_serial;

    struct hd_sub *subs; /* owned list of every subscription */
    size_t nsubs;

    hd_counters_t stats;
    void *limits_json; /* owned json_t *: server.info's limits, built once per
                          configuration (NULL until asked; reset on reload) */
} hd_server_t;

/* hd_server_init: settings from the command line and the token file.
 * Returns 0, 1 (help or version printed: exit 0), or a negative code after
 * printing one line to stderr. Ownership: srv is caller storage; release
 * with hd_server_close. */
int hd_server_init(hd_server_t *srv, uv_loop_t *loop, int argc, char **argv);

/* hd_server_start: lws on the loop, the vhost bound, signals, demo heap,
 * READY=1. Returns 0 or a negative code (logged).
 * Ownership: none (arguments borrowed for the call). */
int hd_server_start(hd_server_t *srv);

/* hd_server_stop: begin the graceful shutdown (idempotent).
 * Ownership: none (arguments borrowed for the call). */
void hd_server_stop(hd_server_t *srv);

/* hd_server_close: after uv_run returned: the second lws destroy, heaps
 * freed. Ownership: frees what srv owns (srv itself is the caller's). */
void hd_server_close(hd_server_t *srv);

/* hd_lws_create (vhost.c): the lws context on srv->loop and the vhost
 * bound to the listen address; srv->port is the port bound. Returns 0 or
 * HD_EINVAL (logged: the plugin is missing, the address cannot be bound).
 * Ownership: srv owns the context; lws owns the vhost. */
int hd_lws_create(hd_server_t *srv);

/* hd_server_reload: SIGHUP: token file and limits again; on error the old
 * ones stay (logged). Ownership: none (arguments borrowed for the call). */
void hd_server_reload(hd_server_t *srv);

/* hd_server_limits_changed (m_server.c): forget the cached limits object
 * after cfg.limits changed (and at close). Ownership: frees the cache. */
void hd_server_limits_changed(hd_server_t *srv);

/* hd_ws_flush (ws.c): write out what sessions queued during this loop
 * iteration (the uv_check callback). Ownership: none. */
void hd_ws_flush(hd_server_t *srv);

/* hd_server_flush_soon (loop.c): keep the loop from blocking in poll while
 * the flush list is not empty (on), or let it block again (off).
 * Ownership: none. */
void hd_server_flush_soon(hd_server_t *srv, bool on);

/* hd_server_now_ms: the loop's clock. */
uint64_t hd_server_now_ms(const hd_server_t *srv);

/* hd_server_wall_ms: wall-clock milliseconds (stream ts_ms). */
uint64_t hd_server_wall_ms(void);

/* hd_server_rss_bytes: the process's resident set size (0 if unknown). */
uint64_t hd_server_rss_bytes(void);

/* hd_server_status: refresh systemd's STATUS= line.
 * Ownership: none (arguments borrowed for the call). */
void hd_server_status(hd_server_t *srv);

/* hd_server_session_gone: the last session left: a stopping server may
 * finish now. Ownership: none (arguments borrowed for the call). */
void hd_server_session_gone(hd_server_t *srv);

#endif
