/*
 * streams.c: stream subscriptions, alloc timers and frame encoding (see
 * streams.h).
 *
 * Subscriptions are kept in one server-wide singly linked list: emitting a
 * gc or event frame walks it and queues a frame to each match, so a busy heap
 * with no subscribers costs one list walk per event. Each subscription with
 * the alloc topic has a uv timer; the subscription is freed in the timer's
 * close callback (libuv's rule: memory is freed only there), after being
 * unlinked, so a stale timer callback can never run on freed memory.
 *
 * Subscription ids count from 1 per connection. The coalescing key of an
 * alloc frame is (subscription id << 20 | heap serial mod 2^20): one queued
 * frame per subscription and heap in the connection's queue.
 */
#include "streams.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"
#include "session.h"

static const char *topic_method(unsigned topic)
{
    switch (topic) {
    case HD_TOPIC_ALLOC:
        return "stream.alloc";
    case HD_TOPIC_GC:
        return "stream.gc";
    case HD_TOPIC_EVENT:
        return "stream.event";
    default:
        return "stream.heap";
    }
}

/* encode and queue one frame for sub; params gets the envelope members */
static void send_frame(hd_sub_t *sub, const char *heap, unsigned topic, json_t *params,
                       uint64_t key)
{
    hd_session_t *s = sub->sess;
    if (!s || !s->wsi || s->close_code)
        return;
    sub->seq++;
    json_object_set_new(params, "subscription", json_integer((json_int_t)sub->id));
    json_object_set_new(params, "heap", json_string(heap));
    json_object_set_new(params, "seq", json_integer((json_int_t)sub->seq));
    json_object_set_new(params, "ts_ms", json_integer((json_int_t)hd_server_wall_ms()));
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, LWS_PRE);
    if (hd_proto_encode_notification(&buf, topic_method(topic), params) != 0) {
        hd_proto_buf_close(&buf);
        s->q.dropped++;
        sub->srv->stats.frames_dropped++;
        return;
    }
    int kind = topic == HD_TOPIC_ALLOC ? HD_SENDQ_PERIODIC : HD_SENDQ_EVENT;
    int rc = hd_session_send_buf(s, &buf, kind, key);
    if (rc != 0)
        sub->srv->stats.frames_dropped++;
}

void hd_streams_emit(hd_server_t *srv, const char *heap, unsigned topic, json_t *params)
{
    for (hd_sub_t *sub = srv->subs; sub; sub = sub->next) {
        if (!(sub->topics & topic) || (sub->heap[0] && strcmp(sub->heap, heap) != 0))
            continue;
        json_t *copy = json_copy(params);
        if (!copy) {
            srv->stats.frames_dropped++;
            continue;
        }
        send_frame(sub, heap, topic, copy, 0);
        json_decref(copy);
    }
}

json_t *hd_streams_alloc_params(hd_sheap_t *sh)
{
    hd_heap_totals_t t;
    hd_heap_totals(sh->heap, &t);
    int cnt[3];
    hd_gc_get_count(sh->heap, cnt);
    json_t *alloc = hd_sheap_alloc_json(sh);
    if (!alloc)
        return NULL;
    return json_pack("{s:I, s:I, s:I, s:I, s:[i,i,i], s:o}", "objects", (json_int_t)t.objects,
                     "tracked", (json_int_t)t.tracked, "bytes", (json_int_t)t.bytes, "arena_bytes",
                     (json_int_t)t.arena_bytes, "gc_counts", cnt[0], cnt[1], cnt[2], "alloc",
                     alloc);
}

static void alloc_tick(uv_timer_t *t)
{
    hd_sub_t *sub = t->data;
    hd_server_t *srv = sub->srv;
    for (size_t i = 0; i < srv->nheaps; i++) {
        hd_sheap_t *sh = srv->heaps[i];
        if (sub->heap[0] && strcmp(sub->heap, sh->name) != 0)
            continue;
        json_t *p = hd_streams_alloc_params(sh);
        if (!p) {
            srv->stats.frames_dropped++;
            continue;
        }
        send_frame(sub, sh->name, HD_TOPIC_ALLOC, p, sub->id << 20 | (sh->serial & 0xfffff));
        json_decref(p);
    }
}

int hd_streams_subscribe(hd_server_t *srv, hd_session_t *sess, const char *heap, unsigned topics,
                         int interval_ms, hd_sub_t **out)
{
    if (hd_streams_count(srv, sess) >= srv->cfg.limits.subscriptions)
        return HD_ELIMIT;
    hd_sub_t *sub = calloc(1, sizeof *sub);
    if (!sub)
        return HD_ENOMEM;
    sub->srv = srv;
    sub->sess = sess;
    sub->id = ++sess->sub_serial; /* per connection, from 1 */
    snprintf(sub->heap, sizeof sub->heap, "%s", heap ? heap : "");
    sub->topics = topics;
    sub->interval_ms = interval_ms;
    sub->timer.data = NULL;
    if (topics & HD_TOPIC_ALLOC) {
        uv_timer_init(srv->loop, &sub->timer);
        sub->timer.data = sub;
        uv_timer_start(&sub->timer, alloc_tick, (uint64_t)interval_ms, (uint64_t)interval_ms);
    }
    sub->next = srv->subs;
    srv->subs = sub;
    srv->nsubs++;
    *out = sub;
    return 0;
}

static void sub_closed(uv_handle_t *h)
{
    free(h->data);
}

/* unlink *link's subscription and release it */
static void sub_end(hd_server_t *srv, hd_sub_t **link)
{
    hd_sub_t *sub = *link;
    *link = sub->next;
    srv->nsubs--;
    sub->sess = NULL;
    if (sub->timer.data)
        uv_close((uv_handle_t *)&sub->timer, sub_closed);
    else
        free(sub);
}

int hd_streams_unsubscribe(hd_server_t *srv, hd_session_t *sess, uint64_t id)
{
    for (hd_sub_t **link = &srv->subs; *link; link = &(*link)->next) {
        if ((*link)->id == id && (*link)->sess == sess) {
            sub_end(srv, link);
            return 0;
        }
    }
    return HD_ENOTFOUND;
}

void hd_streams_session_gone(hd_server_t *srv, hd_session_t *sess)
{
    hd_sub_t **link = &srv->subs;
    while (*link) {
        if ((*link)->sess == sess)
            sub_end(srv, link);
        else
            link = &(*link)->next;
    }
}

void hd_streams_heap_gone(hd_server_t *srv, const char *heap)
{
    hd_sub_t **link = &srv->subs;
    while (*link) {
        if ((*link)->heap[0] && strcmp((*link)->heap, heap) == 0)
            sub_end(srv, link);
        else
            link = &(*link)->next;
    }
}

void hd_streams_close_all(hd_server_t *srv)
{
    while (srv->subs)
        sub_end(srv, &srv->subs);
}

size_t hd_streams_count(hd_server_t *srv, hd_session_t *sess)
{
    size_t n = 0;
    for (hd_sub_t *sub = srv->subs; sub; sub = sub->next)
        n += sub->sess == sess;
    return n;
}
