/*
 * fmt_watch.c: the state behind `heapctl watch` and its two renderings:
 * the live screen (a terminal) and one line per notification (a pipe).
 *
 * The state is a table of heaps (one row each, from stream.alloc frames,
 * with thresholds from gc.get), and two small rings: the last collections
 * (stream.gc "stop" frames, with their pauses) and the last events
 * (stream.event, and stream.heap created/dropped). Rings keep the newest
 * HC_WATCH_RING entries, oldest first. Rendering writes whole lines ended
 * by "\x1b[K" so the screen is redrawn in place without flicker.
 */
#include "fmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out.h"

char *hc_fmt_clock(int64_t ts_ms, char *buf)
{
    time_t t = (time_t)(ts_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    int ms = (int)(ts_ms % 1000);
    snprintf(buf, 16, "%02d:%02d:%02d.%03d", tm.tm_hour % 24, tm.tm_min % 60, tm.tm_sec % 61,
             (ms < 0 ? 0 : ms) % 1000);
    return buf;
}

hc_watch_heap_t *hc_watch_heap(hc_watch_state_t *w, const char *name)
{
    for (int i = 0; i < w->nheaps; i++)
        if (strcmp(w->heaps[i].name, name) == 0)
            return &w->heaps[i];
    if (w->nheaps == HC_WATCH_MAX_HEAPS)
        return NULL;
    hc_watch_heap_t *h = &w->heaps[w->nheaps++];
    memset(h, 0, sizeof *h);
    snprintf(h->name, sizeof h->name, "%s", name);
    h->thresholds[0] = h->thresholds[1] = h->thresholds[2] = INT64_MIN;
    return h;
}

static void forget_heap(hc_watch_state_t *w, const char *name)
{
    for (int i = 0; i < w->nheaps; i++)
        if (strcmp(w->heaps[i].name, name) == 0) {
            memmove(&w->heaps[i], &w->heaps[i + 1],
                    (size_t)(w->nheaps - i - 1) * sizeof w->heaps[0]);
            w->nheaps--;
            return;
        }
}

static void ring_push(hc_watch_line_t *ring, int *n, int64_t ts, const char *text)
{
    if (*n == HC_WATCH_RING) {
        memmove(ring, ring + 1, (HC_WATCH_RING - 1) * sizeof *ring);
        (*n)--;
    }
    ring[*n].ts_ms = ts;
    snprintf(ring[*n].text, sizeof ring[*n].text, "%s", text);
    (*n)++;
}

static void apply_alloc(hc_watch_heap_t *h, const json_t *p)
{
    const json_t *alloc = json_object_get(p, "alloc");
    h->have_alloc = 1;
    h->objects = hc_jint(p, "objects");
    h->tracked = hc_jint(p, "tracked");
    h->bytes = hc_jint(p, "bytes");
    h->arena_bytes = hc_jint(p, "arena_bytes");
    h->arenas = hc_jint(json_object_get(alloc, "arenas"), "current");
    h->fragmentation = json_number_value(json_object_get(alloc, "fragmentation"));
    const json_t *counts = json_object_get(p, "gc_counts");
    for (size_t g = 0; g < 3; g++)
        h->counts[g] = json_integer_value(json_array_get(counts, g));
}

int hc_watch_apply(hc_watch_state_t *w, const char *method, const json_t *p)
{
    const char *heap = hc_jstr(p, "heap");
    int64_t ts = hc_jint(p, "ts_ms");
    char text[200];
    if (strcmp(method, "stream.alloc") == 0) {
        hc_watch_heap_t *h = hc_watch_heap(w, heap);
        if (h)
            apply_alloc(h, p);
        return 1;
    }
    if (strcmp(method, "stream.gc") == 0) {
        if (strcmp(hc_jstr(p, "phase"), "stop") != 0)
            return 0;
        int64_t gen = hc_jint(p, "generation");
        hc_watch_heap_t *h = hc_watch_heap(w, heap);
        if (h && gen >= 0 && gen < 3)
            h->collections[gen]++;
        snprintf(text, sizeof text,
                 "%s gen %" PRId64 ": collected %" PRId64 ", uncollectable %" PRId64
                 ", pause %" PRId64 " us%s",
                 heap, gen, hc_jint(p, "collected"), hc_jint(p, "uncollectable"),
                 hc_jint(p, "duration_us"),
                 json_is_true(json_object_get(p, "automatic")) ? " (automatic)" : "");
        ring_push(w->gcs, &w->ngcs, ts, text);
        return 1;
    }
    if (strcmp(method, "stream.heap") == 0) {
        if (strcmp(hc_jstr(p, "event"), "dropped") == 0)
            forget_heap(w, heap);
        snprintf(text, sizeof text, "%s heap %s", heap, hc_jstr(p, "event"));
        ring_push(w->events, &w->nevents, ts, text);
        return 1;
    }
    if (strcmp(method, "stream.event") == 0) {
        int n = snprintf(text, sizeof text, "%s %s #%" PRId64 " (%s)", heap, hc_jstr(p, "event"),
                         hc_jint(p, "object"), hc_jstr(p, "type"));
        if (json_object_get(p, "weakref") && n > 0 && (size_t)n < sizeof text)
            snprintf(text + n, sizeof text - (size_t)n, " weakref #%" PRId64,
                     hc_jint(p, "weakref"));
        ring_push(w->events, &w->nevents, ts, text);
        return 1;
    }
    return 0;
}

/* ---- rendering ---- */

typedef struct screen {
    FILE *f;
    int width, height, ansi, color;
    int rows; /* lines written */
} screen_t;

/* One line. With a height, lines are separated rather than ended by "\n"
 * and stop at the last row: a newline there would scroll the screen and
 * the redraw (cursor home) would no longer be in place. */
static void line(screen_t *s, const char *sgr_code, const char *text)
{
    char sgr[16];
    int n = (int)strlen(text);
    if (s->height > 0 && s->rows >= s->height)
        return;
    if (s->width > 0 && n > s->width)
        n = s->width;
    if (s->height > 0 && s->rows > 0)
        fputc('\n', s->f);
    fprintf(s->f, "%s%.*s%s%s%s", hc_sgr_on(s->color && sgr_code, sgr_code ? sgr_code : "", sgr), n,
            text, hc_sgr_off(s->color && sgr_code), s->ansi ? "\x1b[K" : "",
            s->height > 0 ? "" : "\n");
    s->rows++;
}

static void heap_row(screen_t *s, const hc_watch_heap_t *h)
{
    char text[300], b[32], ab[32], th[3][24];
    if (!h->have_alloc) {
        snprintf(text, sizeof text, "%-16s (waiting for figures)", h->name);
        line(s, NULL, text);
        return;
    }
    for (int g = 0; g < 3; g++) {
        if (h->thresholds[g] != INT64_MIN)
            snprintf(th[g], sizeof th[g], "%" PRId64 "/%" PRId64, h->counts[g], h->thresholds[g]);
        else
            snprintf(th[g], sizeof th[g], "%" PRId64, h->counts[g]);
    }
    snprintf(text, sizeof text,
             "%-16s %9" PRId64 " %9" PRId64 " %10s %6" PRId64 " %10s %6.1f%%  %-9s %-7s %-7s  "
             "%" PRId64 "/%" PRId64 "/%" PRId64,
             h->name, h->objects, h->tracked, hc_fmt_size(h->bytes, b, sizeof b), h->arenas,
             hc_fmt_size(h->arena_bytes, ab, sizeof ab), h->fragmentation * 100.0, th[0], th[1],
             th[2], h->collections[0], h->collections[1], h->collections[2]);
    line(s, NULL, text);
}

/* The ring's newest `show` entries (all when show >= n). */
static void ring(screen_t *s, const char *title, const hc_watch_line_t *r, int n, int show)
{
    char text[260], clock[16];
    line(s, NULL, "");
    line(s, HC_BOLD, title);
    if (n == 0)
        line(s, HC_DIM, "  (none yet)");
    for (int i = show < n ? n - show : 0; i < n; i++) {
        snprintf(text, sizeof text, "  %s  %s", hc_fmt_clock(r[i].ts_ms, clock), r[i].text);
        line(s, NULL, text);
    }
}

/* How the rows of a screen `height` tall are shared (height 0: all of it).
 * The title, status and table head always show; the two rings keep their
 * newest entries (at least one row each when there is room for their
 * titles), split evenly, an unused share going to the other; heap rows
 * give way last, the table ending with a "more" line. */
typedef struct layout {
    int heap_rows; /* heap rows shown */
    int more;      /* heaps not shown */
    int gcs, events;
} layout_t;

static layout_t fit(const hc_watch_state_t *w, int height)
{
    layout_t l = {w->nheaps, 0, w->ngcs, w->nevents};
    if (height <= 0)
        return l;
    int ring_min = 2 * 3; /* blank, title and one row, twice */
    int heap_room = height - 4 - ring_min;
    if (heap_room < 1)
        heap_room = 1;
    if (w->nheaps > heap_room) {
        l.heap_rows = heap_room - 1;
        l.more = w->nheaps - l.heap_rows;
    }
    /* rows for the rings' entries; an empty ring still takes one ("none yet") */
    int left = height - 4 - (w->nheaps ? l.heap_rows + (l.more > 0) : 1) - 4;
    if (left < 2)
        left = 2;
    l.gcs = w->ngcs < left / 2 ? w->ngcs : left / 2;
    int gcs_rows = l.gcs ? l.gcs : 1;
    l.events = w->nevents < left - gcs_rows ? w->nevents : left - gcs_rows;
    int spare = left - gcs_rows - (l.events ? l.events : 1);
    if (spare > 0)
        l.gcs = w->ngcs < l.gcs + spare ? w->ngcs : l.gcs + spare;
    return l;
}

void hc_watch_render(const hc_watch_state_t *w, FILE *f, int width, int height, int ansi, int color)
{
    screen_t s = {f, width, height, ansi, color, 0};
    layout_t l = fit(w, height);
    line(&s, HC_BOLD, w->title);
    line(&s, strncmp(w->status, "connected", 9) == 0 ? HC_DIM : HC_RED, w->status);
    line(&s, NULL, "");
    char head[200];
    snprintf(head, sizeof head, "%-16s %9s %9s %10s %6s %10s %7s  %-9s %-7s %-7s  %s", "HEAP",
             "OBJECTS", "TRACKED", "BYTES", "ARENAS", "ARENA MEM", "FRAG", "GEN0", "GEN1", "GEN2",
             "COLLECTIONS");
    line(&s, HC_BOLD, head);
    if (w->nheaps == 0)
        line(&s, HC_DIM, "(no heaps)");
    for (int i = 0; i < l.heap_rows; i++)
        heap_row(&s, &w->heaps[i]);
    if (l.more > 0) {
        char text[80];
        snprintf(text, sizeof text, "(%d more heap%s: a taller terminal shows them)", l.more,
                 l.more == 1 ? "" : "s");
        line(&s, HC_DIM, text);
    }
    ring(&s, "Last collections", w->gcs, w->ngcs, l.gcs);
    ring(&s, "Events", w->events, w->nevents, l.events);
}

/* ---- one line per notification ---- */

char *hc_watch_line(const char *method, const json_t *p, char *buf, size_t len)
{
    char clock[16];
    const char *topic = strncmp(method, "stream.", 7) == 0 ? method + 7 : method;
    int n = snprintf(buf, len, "%s %s %s", hc_fmt_clock(hc_jint(p, "ts_ms"), clock),
                     hc_jstr(p, "heap"), topic);
    const char *skip[] = {"subscription", "heap", "seq", "ts_ms", "alloc", NULL};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)p, key, v)
    {
        int skipped = 0;
        for (const char **k = skip; *k; k++)
            skipped |= strcmp(*k, key) == 0;
        if (skipped || n < 0 || (size_t)n >= len)
            continue;
        char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        n += snprintf(buf + n, len - (size_t)n, " %s=%s", key, text ? text : json_string_value(v));
        free(text);
    }
    if (strcmp(method, "stream.alloc") == 0 && n > 0 && (size_t)n < len) {
        const json_t *alloc = json_object_get(p, "alloc");
        snprintf(buf + n, len - (size_t)n, " arenas=%" PRId64 " fragmentation=%.4f",
                 hc_jint(json_object_get(alloc, "arenas"), "current"),
                 json_number_value(json_object_get(alloc, "fragmentation")));
    }
    return buf;
}
