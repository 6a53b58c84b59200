/*
 * streams.h: stream subscriptions and their notifications.
 *
 * A subscription belongs to one session and names a heap (or every heap)
 * and a set of topics. `alloc` is periodic: a uv timer per subscription
 * builds one frame per heap every interval_ms, queued as a periodic frame
 * (it replaces an unsent older one: coalescing). `gc`, `event` and `heap`
 * frames come from the runtime's hooks and from heap creation and drop; the
 * hooks run inside runtime calls, so they only encode and queue.
 * Every frame carries the subscription's seq, counted per subscription; a
 * frame that is dropped or replaced leaves a gap.
 */
#ifndef HD_SRV_STREAMS_H
#define HD_SRV_STREAMS_H

#include <jansson.h>
#include <stdbool.h>
#include <uv.h>

#include "heaps.h"
#include "server.h"

enum hd_topic {
    HD_TOPIC_ALLOC = 1,
    HD_TOPIC_GC = 2,
    HD_TOPIC_EVENT = 4,
    HD_TOPIC_HEAP = 8,
};

struct hd_session;

typedef struct hd_sub {
    hd_server_t *srv;                /* borrowed */
    struct hd_session *sess;         /* weak; cleared when the session closes */
    struct hd_sub *next;             /* server's list */
    uint64_t id;                     /* the subscription's number in its connection */
    char heap[HD_HEAP_NAME_MAX + 1]; /* "" = every heap */
    unsigned topics;                 /* enum hd_topic bits */
    uint64_t seq;                    /* frames made so far */
    int interval_ms;
    uv_timer_t timer; /* alloc frames; freed in its close callback */
} hd_sub_t;

/* hd_streams_subscribe: a new subscription for sess. Returns 0, HD_ELIMIT
 * (the session's subscription limit) or HD_ENOMEM.
 * Ownership: the server owns *out. */
int hd_streams_subscribe(hd_server_t *srv, struct hd_session *sess, const char *heap,
                         unsigned topics, int interval_ms, hd_sub_t **out);

/* hd_streams_unsubscribe: end subscription id of sess. 0 or HD_ENOTFOUND.
 * Ownership: frees the subscription (in its timer's close callback). */
int hd_streams_unsubscribe(hd_server_t *srv, struct hd_session *sess, uint64_t id);

/* hd_streams_session_gone: end every subscription of sess. Ownership: frees the subscriptions. */
void hd_streams_session_gone(hd_server_t *srv, struct hd_session *sess);

/* hd_streams_heap_gone: end the subscriptions limited to a dropped heap.
 * Ownership: frees the subscriptions. */
void hd_streams_heap_gone(hd_server_t *srv, const char *heap);

/* hd_streams_close_all: at shutdown: close every timer (frees the subs).
 * Ownership: frees every subscription. */
void hd_streams_close_all(hd_server_t *srv);

/* hd_streams_count: subscriptions of sess. Ownership: none (arguments borrowed for the call). */
size_t hd_streams_count(hd_server_t *srv, struct hd_session *sess);

/* Producers: each queues one frame to every matching subscription.
 * Ownership: params is borrowed (each frame copies what it needs). */
void hd_streams_emit(hd_server_t *srv, const char *heap, unsigned topic, json_t *params);

/* hd_streams_alloc_params: the body of an alloc frame for a heap (also
 * what tests compare). New reference or NULL. Ownership: new reference. */
json_t *hd_streams_alloc_params(hd_sheap_t *sh);

#endif
