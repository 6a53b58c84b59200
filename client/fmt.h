/*
 * fmt.h: heapctl's formatters that follow CPython's own output: the
 * allocator's statistics as sys._debugmallocstats() prints them, tracing
 * statistics as tracemalloc's Statistic and StatisticDiff print, the arena
 * map, and the watch screen. Pure functions (JSON in, text out), so the
 * unit tests compare them with what python3 prints.
 */
#ifndef HC_FMT_H
#define HC_FMT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* hc_fmt_mallocstats: an alloc.stats result in the layout of
 * sys._debugmallocstats(): the size-class table (classes with pools only),
 * the arena counts and the byte accounting whose Total equals the arenas'
 * bytes. Lines CPython prints about its own process (the arena map, free
 * lists) are not modelled and not printed; heapd's extra figures (large
 * requests, fragmentation) follow after a blank line. */
void hc_fmt_mallocstats(FILE *f, const json_t *stats);

/* hc_fmt_alloc_map: alloc.map's arenas as one line per arena, one character
 * per pool: '.' free, '1'..'9' tenths full (rounded up), '#' full. */
void hc_fmt_alloc_map(FILE *f, const json_t *arenas, int64_t total, int color);

/* hc_fmt_trace_size: tracemalloc's _format_size(size, sign): "512 B",
 * "83.2 KiB", "+1024 B". Returns buf. */
char *hc_fmt_trace_size(double size, int sign, char *buf, size_t len);

/* hc_fmt_trace_stats: trace.stats entries as str(Statistic):
 * "KEY: size=S, count=N, average=A", one per line. */
void hc_fmt_trace_stats(FILE *f, const json_t *stats);

/* hc_fmt_trace_compare: trace.compare entries as str(StatisticDiff):
 * "KEY: size=S (+D), count=N (+C), average=A". */
void hc_fmt_trace_compare(FILE *f, const json_t *stats);

/* ---- the watch screen ---- */

#define HC_WATCH_MAX_HEAPS 64
#define HC_WATCH_RING      8

typedef struct hc_watch_heap {
    char name[65];
    int have_alloc;
    int64_t objects, tracked, bytes, arena_bytes, arenas;
    double fragmentation;
    int64_t counts[3], thresholds[3]; /* thresholds: INT64_MIN unknown */
    int64_t collections[3];           /* collections seen since watch started */
} hc_watch_heap_t;

typedef struct hc_watch_line {
    int64_t ts_ms;
    char text[200];
} hc_watch_line_t;

/* What the watch screen shows; watch updates it from notifications. */
typedef struct hc_watch_state {
    char title[200];  /* first line: what is watched, where */
    char status[800]; /* connection state ("connected", "reconnecting in 2 s: ...") */
    int nheaps;
    hc_watch_heap_t heaps[HC_WATCH_MAX_HEAPS];
    hc_watch_line_t gcs[HC_WATCH_RING]; /* last collections, newest last */
    int ngcs;
    hc_watch_line_t events[HC_WATCH_RING];
    int nevents;
} hc_watch_state_t;

/* hc_watch_apply: update the state from one notification (method, params).
 * Returns 1 when the screen changed. Ownership: borrowed arguments. */
int hc_watch_apply(hc_watch_state_t *w, const char *method, const json_t *params);

/* hc_watch_heap: the heap's row, added if new (NULL when the table is full). */
hc_watch_heap_t *hc_watch_heap(hc_watch_state_t *w, const char *name);

/* hc_watch_render: the screen as lines of at most `width` characters each,
 * into f ("\x1b[K" ends each line when ansi is set, so a shorter line
 * erases what was there). With height > 0 it fits in that many rows (the
 * oldest collections and events, then heap rows give way) and the last
 * line has no "\n", so the screen never scrolls; with 0 every line is
 * printed and ended by "\n". */
void hc_watch_render(const hc_watch_state_t *w, FILE *f, int width, int height, int ansi,
                     int color);

/* hc_watch_line: one notification as one line of text (the non-terminal
 * form of watch): "HH:MM:SS.mmm HEAP TOPIC key=value ...". Returns buf. */
char *hc_watch_line(const char *method, const json_t *params, char *buf, size_t len);

/* hc_fmt_clock: ts_ms as local "HH:MM:SS.mmm". Returns buf (>= 16 bytes). */
char *hc_fmt_clock(int64_t ts_ms, char *buf);

#endif
