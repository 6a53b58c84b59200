/*
 * loop.c: the process around the loop: settings and tokens at start, lws on
 * our libuv loop (a foreign loop, through the libwebsockets-evlib-uv plugin),
 * signals, systemd notifications, SIGHUP reloads and the graceful shutdown.
 *
 * Shutdown, as ../shared/reference/libwebsockets-4.1.md section 1 prescribes
 * for lws 4.1.6 on a foreign loop:
 *   1. SIGTERM/SIGINT -> hd_server_stop: STOPPING=1, new upgrades are
 *      refused (503), every session gets a 1001 close frame after its
 *      queued messages, and stop_timer bounds the wait.
 *   2. When the last session is gone (or the timer fires): the first
 *      lws_context_destroy (closes what is left, starts closing lws's uv
 *      handles) and uv_close on every handle of ours.
 *   3. uv_run returns once all of them are closed; hd_server_close then calls
 *      lws_context_destroy a second time (4.1.6 frees the context only then)
 *      and frees the heaps.
 * The destroy in step 2 always runs from a uv timer callback, never from
 * inside an lws protocol callback.
 */
#include "session.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "dispatch.h"
#include "heaps.h"
#include "http.h"
#include "log.h"
#include "persist.h"
#include "streams.h"

uint64_t hd_server_now_ms(const hd_server_t *srv)
{
    return uv_now(srv->loop);
}

uint64_t hd_server_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t hd_server_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size, rss;
    int n = f ? fscanf(f, "%llu %llu", &size, &rss) : 0;
    if (f)
        fclose(f);
    return n == 2 ? rss * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

void hd_server_status(hd_server_t *srv)
{
    if (!srv->address[0])
        return;
    sd_notifyf(0, "STATUS=%s %s, %zu connections, %zu heaps",
               srv->stopping ? "stopping; was serving" : "serving", srv->address, srv->nsessions,
               srv->nheaps);
}

/* ---- start ---- */

static int check_dirs(hd_config_t *cfg)
{
    struct stat st;
    if (cfg->state_dir) {
        if (stat(cfg->state_dir, &st) != 0 && mkdir(cfg->state_dir, 0700) != 0) {
            hd_err("state_dir: cannot create %s: %m", cfg->state_dir);
            return HD_EINVAL;
        }
        if ((stat(cfg->state_dir, &st) != 0 || !S_ISDIR(st.st_mode)) ||
            access(cfg->state_dir, W_OK) != 0) {
            hd_err("state_dir: %s is not a writable directory", cfg->state_dir);
            return HD_EINVAL;
        }
    }
    if (stat(cfg->web_root, &st) != 0 || !S_ISDIR(st.st_mode))
        hd_warn("web_root: %s is not a directory; only /healthz, /metrics and /ws will work",
                cfg->web_root);
    return 0;
}

int hd_server_init(hd_server_t *srv, uv_loop_t *loop, int argc, char **argv)
{
    memset(srv, 0, sizeof *srv);
    srv->loop = loop;
    int action;
    char err[HD_SRV_ERR_LEN];
    int rc = hd_config_init(&srv->cfg, HD_SRV_WEB_ROOT);
    if (rc == 0)
        rc = hd_config_from_args(&srv->cfg, argc, argv, &action, err, sizeof err);
    if (rc) {
        hd_err("%s", rc == HD_EINVAL ? err : "out of memory");
        return rc;
    }
    if (action == HD_CONFIG_HELP) {
        fputs(hd_config_usage(), stdout);
        return 1;
    }
    if (action == HD_CONFIG_VERSION) {
        printf("heapd %s (protocol %d, libwebsockets %s)\n", HD_SRV_VERSION, HD_PROTO_VERSION,
               lws_get_library_version());
        return 1;
    }
    hd_log_set_level(srv->cfg.log_level);
    if (srv->cfg.token_file) {
        if ((rc = hd_tokens_load(srv->cfg.token_file, &srv->tokens, err, sizeof err)) != 0) {
            hd_err("token_file: %s", rc == HD_EINVAL ? err : "out of memory");
            return rc;
        }
        srv->auth_required = true;
    } else if (!hd_config_host_is_loopback(srv->cfg.listen_host)) {
        hd_err("listen: %s is not a loopback address; serving it needs a token file "
               "(--token-file)",
               srv->cfg.listen_host);
        return HD_EINVAL;
    }
    return check_dirs(&srv->cfg);
}

static void on_signal(uv_signal_t *h, int signum)
{
    hd_server_t *srv = h->data;
    if (signum == SIGHUP) {
        hd_server_reload(srv);
        return;
    }
    hd_notice("%s: shutting down", signum == SIGTERM ? "SIGTERM" : "SIGINT");
    hd_server_stop(srv);
}

static void on_flush(uv_check_t *c)
{
    hd_ws_flush(c->data);
}

static void on_flush_soon(uv_idle_t *i)
{
    (void)i; /* being active is its job: see server.h */
}

void hd_server_flush_soon(hd_server_t *srv, bool on)
{
    if (uv_is_closing((uv_handle_t *)&srv->flush_soon))
        return; /* stopping: the last writes go out through WRITEABLE */
    if (on)
        uv_idle_start(&srv->flush_soon, on_flush_soon);
    else
        uv_idle_stop(&srv->flush_soon);
}

static void on_watchdog(uv_timer_t *t)
{
    sd_notify(0, "WATCHDOG=1");
}

static void start_handles(hd_server_t *srv)
{
    uv_signal_t *sigs[] = {&srv->sig_term, &srv->sig_int, &srv->sig_hup};
    int nums[] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(srv->loop, sigs[i]);
        sigs[i]->data = srv;
        uv_signal_start(sigs[i], on_signal, nums[i]);
    }
    uv_timer_init(srv->loop, &srv->stop_timer);
    srv->stop_timer.data = srv;
    uv_timer_init(srv->loop, &srv->watchdog);
    srv->watchdog.data = srv;
    uv_timer_init(srv->loop, &srv->save_timer);
    srv->save_timer.data = srv;
    uv_check_init(srv->loop, &srv->flush);
    srv->flush.data = srv;
    uv_check_start(&srv->flush, on_flush);
    uv_idle_init(srv->loop, &srv->flush_soon);
    srv->flush_soon.data = srv;
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        uint64_t ms = usec / 2000 ? usec / 2000 : 1;
        uv_timer_start(&srv->watchdog, on_watchdog, ms, ms);
        srv->watchdog_on = true;
    }
    srv->open_handles = 8;
}

static void on_save_timer(uv_timer_t *t)
{
    hd_persist_save_changed(t->data, true);
}

static void display_address(hd_server_t *srv)
{
    const char *h = srv->cfg.listen_host;
    if (strchr(h, ':'))
        snprintf(srv->address, sizeof srv->address, "[%s]:%d", h, srv->port);
    else
        snprintf(srv->address, sizeof srv->address, "%s:%d", h, srv->port);
}

int hd_server_start(hd_server_t *srv)
{
    signal(SIGPIPE, SIG_IGN);
    if (hd_dispatch_selfcheck() != 0)
        return HD_EINVAL;
    lws_set_log_level(hd_log_lws_mask(srv->cfg.log_level), hd_log_lws_emit);
    srv->start_ms = uv_now(srv->loop);
    start_handles(srv);
    int rc = hd_lws_create(srv);
    if (rc != 0) {
        hd_server_stop(srv);
        srv->exit_code = 1;
        return rc;
    }
    display_address(srv);
    hd_persist_load_all(srv);
    if (srv->cfg.state_dir) {
        uint64_t ms = (uint64_t)srv->cfg.save_interval_s * 1000;
        uv_timer_start(&srv->save_timer, on_save_timer, ms, ms);
    }
    if (srv->cfg.demo && hd_heaps_find(srv, "demo", 4))
        hd_info("demo: the heap demo came back from the state directory");
    else if (srv->cfg.demo && (rc = hd_demo_create(srv)) != 0)
        hd_warn("demo: could not create the demo heap (%s)", hd_strerror(rc));
    else if (srv->cfg.demo)
        hd_persist_heap_created(srv, hd_heaps_find(srv, "demo", 4));
    hd_notice("listening on http://%s/ (WebSocket ws://%s/ws)%s", srv->address, srv->address,
              srv->auth_required ? ", tokens required" : "");
    sd_notifyf(0, "READY=1\nSTATUS=serving %s", srv->address);
    return 0;
}

/* ---- reload ---- */

void hd_server_reload(hd_server_t *srv)
{
    sd_notify(0, "RELOADING=1");
    char err[HD_SRV_ERR_LEN];
    if (srv->cfg.token_file) {
        hd_tokens_t fresh = {NULL, 0};
        if (hd_tokens_load(srv->cfg.token_file, &fresh, err, sizeof err) == 0) {
            hd_tokens_close(&srv->tokens);
            srv->tokens = fresh;
            for (hd_session_t *s = srv->sessions; s; s = s->next)
                hd_session_reauth(s);
            hd_notice("reload: %zu tokens", srv->tokens.n);
        } else {
            hd_err("reload: token_file: %s (keeping the old tokens)", err);
        }
    }
    hd_limits_t limits;
    if (hd_config_load_limits(&srv->cfg, &limits, err, sizeof err) == 0) {
        srv->cfg.limits = limits;
        hd_server_limits_changed(srv);
        for (hd_session_t *s = srv->sessions; s; s = s->next)
            s->q.max = limits.send_queue_bytes;
        hd_notice("reload: limits applied");
    } else {
        hd_err("reload: %s (keeping the old limits)", err);
    }
    sd_notify(0, "READY=1");
    hd_server_status(srv);
}

/* ---- stop ---- */

static void handle_closed(uv_handle_t *h)
{
    hd_server_t *srv = h->data;
    srv->open_handles--;
}

static void finish(uv_timer_t *t)
{
    hd_server_t *srv = t->data;
    if (srv->ctx)
        lws_context_destroy(srv->ctx); /* the first call: see the header */
    hd_streams_close_all(srv);
    uv_handle_t *hs[] = {(uv_handle_t *)&srv->sig_term,   (uv_handle_t *)&srv->sig_int,
                         (uv_handle_t *)&srv->sig_hup,    (uv_handle_t *)&srv->watchdog,
                         (uv_handle_t *)&srv->stop_timer, (uv_handle_t *)&srv->save_timer,
                         (uv_handle_t *)&srv->flush,      (uv_handle_t *)&srv->flush_soon};
    for (int i = 0; i < 8; i++)
        if (!uv_is_closing(hs[i]))
            uv_close(hs[i], handle_closed);
}

void hd_server_stop(hd_server_t *srv)
{
    if (srv->stopping)
        return;
    srv->stopping = true;
    sd_notify(0, "STOPPING=1");
    /* From here no request runs (sessions only flush and close), so the
     * heaps are final: save every changed one. A failed start has no
     * heaps to save, and must not write over the files it did not load. */
    if (srv->address[0])
        hd_persist_save_changed(srv, false);
    uv_timer_stop(&srv->save_timer);
    hd_server_status(srv);
    /* New upgrades get 503 from here on (hd_upgrade_confirm). The listen
     * socket itself closes with the context: lws_context_deprecate would
     * close it now, but it also frees the context by itself once the last
     * connection is gone, which does not mix with the two-step destroy. */
    for (hd_session_t *s = srv->sessions; s; s = s->next)
        hd_session_close(s, LWS_CLOSE_STATUS_GOINGAWAY, true);
    uv_timer_start(&srv->stop_timer, finish,
                   srv->nsessions ? (uint64_t)srv->cfg.shutdown_timeout_ms : 0, 0);
}

void hd_server_session_gone(hd_server_t *srv)
{
    if (srv->stopping && srv->nsessions == 0 && !uv_is_closing((uv_handle_t *)&srv->stop_timer))
        uv_timer_start(&srv->stop_timer, finish, 0, 0);
}

void hd_server_close(hd_server_t *srv)
{
    if (srv->ctx)
        lws_context_destroy(srv->ctx); /* the second call frees the context */
    hd_heaps_free_all(srv);
    hd_server_limits_changed(srv);
    free(srv->flushq);
    hd_tokens_close(&srv->tokens);
    hd_config_close(&srv->cfg);
}
