/*
 * metrics.c: /metrics in Prometheus text format (version 0.0.4) and the
 * /healthz body.
 *
 * Server figures first, then one family per heap figure with a `heap` label
 * (heap names are [A-Za-z0-9_.-], so labels need no escaping) and, for the
 * collector, a `generation` label. Every figure is read when scraped; the
 * runtime's totals are O(1) per heap.
 */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>

#include "gc.h"
#include "heaps.h"

static int put(hd_proto_buf_t *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int put(hd_proto_buf_t *buf, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return HD_EINVAL;
    return hd_proto_buf_append(buf, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static int family(hd_proto_buf_t *buf, const char *name, const char *type, const char *help)
{
    return put(buf, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int server_figures(hd_server_t *srv, hd_proto_buf_t *buf)
{
    const hd_counters_t *c = &srv->stats;
    struct {
        const char *name, *type, *help;
        uint64_t v;
    } f[] = {
        {"heapd_uptime_seconds", "gauge", "Seconds since heapd started.",
         (hd_server_now_ms(srv) - srv->start_ms) / 1000},
        {"heapd_resident_memory_bytes", "gauge", "Resident set size of the process.",
         hd_server_rss_bytes()},
        {"heapd_heaps", "gauge", "Heaps that exist.", srv->nheaps},
        {"heapd_connections", "gauge", "Open WebSocket connections.", srv->nsessions},
        {"heapd_connections_total", "counter", "WebSocket connections accepted.",
         c->connections_total},
        {"heapd_subscriptions", "gauge", "Stream subscriptions.", srv->nsubs},
        {"heapd_messages_received_total", "counter", "WebSocket messages received.",
         c->messages_in},
        {"heapd_messages_sent_total", "counter", "Messages queued (responses and stream frames).",
         c->messages_out},
        {"heapd_requests_total", "counter", "Requests and notifications dispatched.", c->requests},
        {"heapd_errors_total", "counter", "Error responses.", c->errors},
        {"heapd_rate_limited_total", "counter",
         "Messages refused by the per-connection rate limit.", c->rate_limited},
        {"heapd_stream_frames_dropped_total", "counter",
         "Stream frames dropped or coalesced for slow readers.", c->frames_dropped},
        {"heapd_upgrades_rejected_total", "counter", "WebSocket upgrades refused.",
         c->rejected_upgrades},
        {"heapd_http_requests_total", "counter", "Requests for /healthz and /metrics.",
         c->http_requests},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (family(buf, f[i].name, f[i].type, f[i].help) ||
            put(buf, "%s %llu\n", f[i].name, (unsigned long long)f[i].v))
            return HD_ENOMEM;
    return 0;
}

typedef enum heap_fig {
    F_OBJECTS,
    F_TRACKED,
    F_BYTES,
    F_ARENA_BYTES,
    F_ARENAS,
    F_NAMES,
    F_PAUSE
} heap_fig_t;

static int heap_figures(hd_server_t *srv, hd_proto_buf_t *buf)
{
    static const struct {
        const char *name, *type, *help;
    } f[] = {
        {"heapd_heap_objects", "gauge", "Live objects in the heap."},
        {"heapd_heap_tracked_objects", "gauge", "Objects tracked by the heap's collector."},
        {"heapd_heap_bytes", "gauge", "Bytes in allocated blocks (small and large)."},
        {"heapd_heap_arena_bytes", "gauge", "Bytes of the heap's arenas."},
        {"heapd_heap_arenas", "gauge", "Arenas of the heap."},
        {"heapd_heap_names", "gauge", "Names bound in the heap's namespace."},
        {"heapd_heap_gc_pause_seconds_total", "counter", "Time spent collecting."},
    };
    for (int k = 0; k <= F_PAUSE; k++) {
        if (family(buf, f[k].name, f[k].type, f[k].help))
            return HD_ENOMEM;
        for (size_t i = 0; i < srv->nheaps; i++) {
            hd_sheap_t *sh = srv->heaps[i];
            hd_heap_totals_t t;
            hd_heap_totals(sh->heap, &t);
            uint64_t v[] = {t.objects, t.tracked, t.bytes, t.arena_bytes, t.arenas, t.names, 0};
            int rc = k == F_PAUSE ? put(buf, "%s{heap=\"%s\"} %.9f\n", f[k].name, sh->name,
                                        (double)hd_gc_pause_total_ns(sh->heap) / 1e9)
                                  : put(buf, "%s{heap=\"%s\"} %llu\n", f[k].name, sh->name,
                                        (unsigned long long)v[k]);
            if (rc)
                return HD_ENOMEM;
        }
    }
    return 0;
}

static int gc_figures(hd_server_t *srv, hd_proto_buf_t *buf)
{
    static const struct {
        const char *name, *help;
    } f[] = {
        {"heapd_heap_gc_collections_total", "Collections of a generation."},
        {"heapd_heap_gc_collected_total", "Objects collected by collections of a generation."},
        {"heapd_heap_gc_uncollectable_total", "Uncollectable objects found by a generation."},
    };
    for (int k = 0; k < 3; k++) {
        if (family(buf, f[k].name, "counter", f[k].help))
            return HD_ENOMEM;
        for (size_t i = 0; i < srv->nheaps; i++) {
            hd_gc_gen_stats_t st[3];
            hd_gc_get_stats(srv->heaps[i]->heap, st);
            for (int g = 0; g < 3; g++) {
                uint64_t v = k == 0   ? st[g].collections
                             : k == 1 ? st[g].collected
                                      : st[g].uncollectable;
                if (put(buf, "%s{heap=\"%s\",generation=\"%d\"} %llu\n", f[k].name,
                        srv->heaps[i]->name, g, (unsigned long long)v))
                    return HD_ENOMEM;
            }
        }
    }
    return 0;
}

int hd_metrics_text(hd_server_t *srv, hd_proto_buf_t *buf)
{
    int rc = server_figures(srv, buf);
    if (rc == 0)
        rc = heap_figures(srv, buf);
    if (rc == 0)
        rc = gc_figures(srv, buf);
    return rc;
}

int hd_healthz_text(hd_server_t *srv, hd_proto_buf_t *buf)
{
    return put(buf, "{\"status\":\"ok\",\"version\":\"%s\",\"uptime_s\":%llu}", HD_SRV_VERSION,
               (unsigned long long)((hd_server_now_ms(srv) - srv->start_ms) / 1000));
}
