/*
 * sendq.h: one connection's queue of unsent messages, with a byte bound.
 *
 * Each message is a block with `headroom` free bytes in front of its payload
 * (libwebsockets' LWS_PRE), written out in pieces as the socket takes them.
 * Three kinds of message, three policies when the queue is full:
 *   - a response must not be lost: when it does not fit, the queue is marked
 *     `overflow` and the connection is closed with 1008 (a client that does
 *     not read its responses cannot make the server grow);
 *   - a periodic stream frame replaces the queued, not yet started frame with
 *     the same key (coalescing to the newest), and is otherwise dropped when
 *     stream frames would take more than half the bound;
 *   - an event stream frame is dropped when it does not fit in that half.
 * Dropped and replaced frames are counted; the stream's seq shows the gap.
 * Pure logic (no lws), unit-tested.
 */
#ifndef HD_SRV_SENDQ_H
#define HD_SRV_SENDQ_H

#include <stddef.h>
#include <stdint.h>

enum hd_sendq_kind {
    HD_SENDQ_RESPONSE = 0,
    HD_SENDQ_EVENT,
    HD_SENDQ_PERIODIC,
};

typedef struct hd_sendq_item {
    struct hd_sendq_item *next; /* owned by the queue */
    char *block;                /* owned; payload at block + headroom */
    size_t len;                 /* payload bytes */
    size_t sent;                /* payload bytes already written */
    int kind;                   /* enum hd_sendq_kind */
    uint64_t key;               /* coalescing key of a periodic frame */
} hd_sendq_item_t;

typedef struct hd_sendq {
    hd_sendq_item_t *head, *tail; /* owned list */
    size_t count;                 /* items */
    size_t bytes;                 /* unsent payload bytes */
    size_t max;                   /* the bound */
    size_t headroom;
    void (*free_block)(void *block); /* how blocks are freed */
    uint64_t dropped;                /* stream frames dropped or replaced */
    int overflow;                    /* a response did not fit: close with 1008 */
} hd_sendq_t;

/* hd_sendq_init: an empty queue. Ownership: caller storage; hd_sendq_close. */
void hd_sendq_init(hd_sendq_t *q, size_t max, size_t headroom, void (*free_block)(void *));

/* hd_sendq_close: empties the queue. Ownership: frees every queued block. */
void hd_sendq_close(hd_sendq_t *q);

/* hd_sendq_push: queue a message (payload at block + headroom, len bytes).
 * Returns 0 (queued), 1 (replaced a queued frame of the same key), HD_ELIMIT
 * (a stream frame dropped, or a response that did not fit: q->overflow is
 * set) or HD_ENOMEM (dropped; for a response q->overflow is set too).
 * Ownership: steals block, even on failure. */
int hd_sendq_push(hd_sendq_t *q, char *block, size_t len, int kind, uint64_t key);

/* hd_sendq_head: the message to write next, or NULL.
 * Ownership: borrowed until the next change to q. */
hd_sendq_item_t *hd_sendq_head(const hd_sendq_t *q);

/* hd_sendq_advance: n more bytes of the head message were written; it is
 * freed once complete. Ownership: frees the head item once complete. */
void hd_sendq_advance(hd_sendq_t *q, size_t n);

#endif
