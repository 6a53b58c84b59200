/*
 * cmd_watch.c: `heapctl watch [HEAP] [--interval MS]`: subscribe to every
 * stream topic and show the heaps live.
 *
 * On a terminal: the alternate screen, redrawn in place (cursor home, each
 * line ended by erase-to-end, erase below) after every notification and on
 * resize, never taller than the terminal (a newline on its last row would
 * scroll, and the next redraw from home would no longer be in place); Ctrl-C restores the screen
 * and exits 0. Elsewhere (a pipe, a file): one line per notification (with --json, each
 * notification as received, one JSON object per line). When the connection is lost after it had
 * been up, watch reconnects with a doubling backoff (0.5 s to 8 s) and subscribes again, so
 * `systemctl restart heapd` only blinks the screen; if the very first connection fails, it exits 3
 * as every command does. When the one heap watched is dropped, the server ends the subscription:
 * watch says so and waits for a heap of that name in the same backoff loop (the subscription fails
 * with "not found" until the heap is created again).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "hd_proto.h"
#include "heapctl.h"
#include "out.h"

static const hc_optspec_t opts[] = {
    {"interval", 1, "MS  period of the allocator figures (50 to 60000; default 1000)"},
    {NULL, 0, NULL},
};

typedef struct watch {
    hc_watch_state_t st;
    const char *heap; /* borrowed from argv; NULL: every heap */
    int64_t interval_ms;
    int screen; /* drawing the live screen */
} watch_t;

static volatile sig_atomic_t resized;
static volatile sig_atomic_t on_alt_screen;

static void on_sigint(int sig)
{
    static const char restore[] = "\x1b[0m\x1b[?25h\x1b[?1049l";
    (void)sig;
    if (on_alt_screen)
        (void)!write(STDOUT_FILENO, restore, sizeof restore - 1);
    _exit(0);
}

static void on_sigwinch(int sig)
{
    (void)sig;
    resized = 1;
}

static void draw(hc_ctx_t *ctx, watch_t *w)
{
    struct winsize ws;
    int got = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0;
    int width = got && ws.ws_col ? ws.ws_col : 100, height = got && ws.ws_row ? ws.ws_row : 24;
    fputs("\x1b[H", ctx->out);
    hc_watch_render(&w->st, ctx->out, width, height, 1, ctx->color);
    fputs("\x1b[J", ctx->out);
    fflush(ctx->out);
    resized = 0;
}

static void note(hc_ctx_t *ctx, const char *method, const json_t *params)
{
    watch_t *w = ctx->note_data;
    if (w->screen) {
        if (hc_watch_apply(&w->st, method, params))
            draw(ctx, w);
        return;
    }
    if (ctx->json) {
        json_t *n =
            json_pack("{s:s,s:s,s:O}", "jsonrpc", "2.0", "method", method, "params", params);
        hc_print_json(ctx->out, n);
        json_decref(n);
    } else {
        char line[2048];
        fprintf(ctx->out, "%s\n", hc_watch_line(method, params, line, sizeof line));
    }
    fflush(ctx->out);
}

/* Thresholds of the heaps (heap.list), so GEN columns read count/threshold. */
static int load_heaps(hc_ctx_t *ctx, watch_t *w)
{
    json_t *r;
    int rc = hc_call(ctx, "heap.list", NULL, &r);
    if (rc)
        return rc;
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(r, "heaps"), i, h)
    {
        const char *name = hc_jstr(h, "heap");
        if (w->heap && strcmp(w->heap, name) != 0)
            continue;
        hc_watch_heap_t *row = hc_watch_heap(&w->st, name);
        const json_t *th = json_object_get(json_object_get(h, "gc"), "thresholds");
        for (size_t g = 0; row && g < 3; g++)
            row->thresholds[g] = json_integer_value(json_array_get(th, g));
    }
    json_decref(r);
    return 0;
}

static int subscribe(hc_ctx_t *ctx, watch_t *w)
{
    json_t *p = json_pack("{s:[s,s,s,s],s:I}", "topics", "alloc", "gc", "event", "heap",
                          "interval_ms", (json_int_t)w->interval_ms);
    if (w->heap)
        json_object_set_new(p, "heap", json_string(w->heap));
    json_t *r;
    int rc = hc_call(ctx, "stream.subscribe", p, &r);
    json_decref(r);
    return rc;
}

/* One connected session: returns when the connection is lost (HC_EXIT_CONN)
 * or a call fails (HC_EXIT_SERVER). *up is set once subscribed. */
static int session(hc_ctx_t *ctx, watch_t *w, int *up)
{
    int rc = hc_ctx_connect(ctx);
    if (!rc && w->screen)
        w->st.nheaps = 0; /* heaps may have gone while we were away */
    if (!rc)
        rc = load_heaps(ctx, w);
    if (!rc)
        rc = subscribe(ctx, w);
    if (rc)
        return rc;
    *up = 1;
    snprintf(w->st.status, sizeof w->st.status, "connected to %s", ctx->url);
    if (w->screen)
        draw(ctx, w);
    for (;;) {
        char *text;
        size_t len;
        int r = hc_conn_recv(ctx->conn, 500, &text, &len);
        if (r < 0) {
            snprintf(ctx->last_err, sizeof ctx->last_err, "%s", hc_conn_error(ctx->conn));
            hc_ctx_disconnect(ctx);
            return HC_EXIT_CONN;
        }
        if (r == 0) {
            if (resized && w->screen)
                draw(ctx, w);
            continue;
        }
        hd_proto_incoming_t in;
        int bad = hd_proto_client_decode(text, len, &in);
        free(text);
        if (bad)
            continue;
        int is_heap = in.kind == HD_PROTO_IN_NOTIFICATION && strcmp(in.method, "stream.heap") == 0;
        int created = is_heap && strcmp(hc_jstr(in.params, "event"), "created") == 0;
        int gone = is_heap && w->heap && strcmp(hc_jstr(in.params, "event"), "dropped") == 0 &&
                   strcmp(hc_jstr(in.params, "heap"), w->heap) == 0;
        if (in.kind == HD_PROTO_IN_NOTIFICATION)
            note(ctx, in.method, in.params);
        hd_proto_incoming_close(&in);
        if (gone) {
            /* The server ended the subscription with the heap: wait for a
             * heap of that name as for a restarted heapd. */
            snprintf(ctx->last_err, sizeof ctx->last_err,
                     "heap '%s' was dropped; waiting for it to be created again", w->heap);
            return HC_EXIT_SERVER;
        }
        if (created && w->screen && (rc = load_heaps(ctx, w)) != 0)
            return rc;
    }
}

static void wait_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static void start_screen(hc_ctx_t *ctx)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_sigwinch;
    sigaction(SIGWINCH, &sa, NULL);
    fputs("\x1b[?1049h\x1b[?25l\x1b[H\x1b[J", ctx->out);
    fflush(ctx->out);
    on_alt_screen = 1;
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    static watch_t w;
    w.heap = a->npos ? a->pos[0] : NULL;
    w.interval_ms = 1000;
    const char *iv = hc_args_opt(a, "interval");
    if (iv && hc_parse_int(iv, 50, 60000, &w.interval_ms) != 0)
        return hc_usage_error(ctx, "--interval takes 50 to 60000 ms, not '%s'", iv);
    if (w.heap && !hd_proto_heap_name_valid(w.heap, strlen(w.heap)))
        return hc_usage_error(ctx, "'%s' is not a heap name", w.heap);
    snprintf(w.st.title, sizeof w.st.title, "heapctl watch %s  (%s; Ctrl-C to quit)",
             w.heap ? w.heap : "(every heap)", ctx->url);
    w.screen = !ctx->json && isatty(STDOUT_FILENO);
    ctx->on_note = note;
    ctx->note_data = &w;
    int up = 0, rc = session(ctx, &w, &up);
    if (!up)
        return rc; /* the first connection or subscription failed: already printed */
    if (w.screen)
        start_screen(ctx), draw(ctx, &w);
    ctx->quiet = 1;
    for (int64_t backoff = 500;; backoff = backoff * 2 > 8000 ? 8000 : backoff * 2) {
        if (up)
            backoff = 500;
        up = 0;
        snprintf(w.st.status, sizeof w.st.status, "reconnecting in %.1f s: %s",
                 (double)backoff / 1000.0, ctx->last_err);
        if (w.screen)
            draw(ctx, &w);
        else
            fprintf(stderr, "heapctl watch: %s\n", w.st.status);
        wait_ms(backoff);
        session(ctx, &w, &up);
        hc_ctx_disconnect(ctx);
    }
}

const hc_cmd_t hc_cmd_watch = {
    .name = "watch",
    .usage = "[HEAP] [--interval MS]",
    .summary = "watch heaps live: objects, bytes, arenas, gc counts, collections, events",
    .help = "On a terminal, a screen refreshed in place: per heap its objects, tracked\n"
            "objects, bytes, arenas, fragmentation, gc counts/thresholds per generation and\n"
            "collections seen; the last collections with their pauses; the last events\n"
            "(weakref callbacks, finalizers, resurrections, heaps created or dropped),\n"
            "fitted to the terminal's rows (the oldest lines, then heap rows give way).\n"
            "Otherwise one line per notification (--json: each notification as JSON).\n"
            "Reconnects with backoff when heapd restarts; when the heap watched is\n"
            "dropped, waits (with the same backoff) for a heap of that name to be\n"
            "created again. Ctrl-C quits.\n",
    .opts = opts,
    .min_args = 0,
    .max_args = 1,
    .run = run,
};
