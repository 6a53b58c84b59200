/*
 * sendq.c: the bounded per-connection send queue (see sendq.h for the
 * policies).
 *
 * A singly linked FIFO with a tail pointer. `bytes` counts unsent payload
 * bytes, the figure the bound applies to; the item headers (48 bytes each)
 * are not counted, since the number of items is itself bounded by the bytes
 * (no message is empty). Coalescing looks for a queued periodic frame with
 * the same key that has not started going out (a half-written frame must be
 * finished as it is); there is at most one such frame per key, so the walk
 * stops at the first.
 */
#include "sendq.h"

#include <stdlib.h>

#include "err.h"

void hd_sendq_init(hd_sendq_t *q, size_t max, size_t headroom, void (*free_block)(void *))
{
    q->head = q->tail = NULL;
    q->count = 0;
    q->bytes = 0;
    q->max = max;
    q->headroom = headroom;
    q->free_block = free_block;
    q->dropped = 0;
    q->overflow = 0;
}

void hd_sendq_close(hd_sendq_t *q)
{
    hd_sendq_item_t *it = q->head;
    while (it) {
        hd_sendq_item_t *next = it->next;
        q->free_block(it->block);
        free(it);
        it = next;
    }
    q->head = q->tail = NULL;
    q->count = 0;
    q->bytes = 0;
}

static int coalesce(hd_sendq_t *q, char *block, size_t len, uint64_t key)
{
    for (hd_sendq_item_t *it = q->head; it; it = it->next) {
        if (it->kind != HD_SENDQ_PERIODIC || it->key != key || it->sent != 0)
            continue;
        q->free_block(it->block);
        q->bytes = q->bytes - it->len + len;
        it->block = block;
        it->len = len;
        q->dropped++;
        return 1;
    }
    return 0;
}

int hd_sendq_push(hd_sendq_t *q, char *block, size_t len, int kind, uint64_t key)
{
    if (kind == HD_SENDQ_PERIODIC && coalesce(q, block, len, key))
        return 1;
    if (kind == HD_SENDQ_RESPONSE) {
        /* a response larger than the bound still goes out on an empty queue:
         * the dispatcher keeps single responses under the bound anyway */
        if (q->bytes > 0 && q->bytes + len > q->max) {
            q->overflow = 1;
            q->free_block(block);
            return HD_ELIMIT;
        }
    } else if (q->bytes + len > q->max / 2) {
        q->dropped++;
        q->free_block(block);
        return HD_ELIMIT;
    }
    hd_sendq_item_t *it = malloc(sizeof *it);
    if (!it) {
        if (kind == HD_SENDQ_RESPONSE)
            q->overflow = 1;
        else
            q->dropped++;
        q->free_block(block);
        return HD_ENOMEM;
    }
    *it = (hd_sendq_item_t){NULL, block, len, 0, kind, key};
    if (q->tail)
        q->tail->next = it;
    else
        q->head = it;
    q->tail = it;
    q->count++;
    q->bytes += len;
    return 0;
}

hd_sendq_item_t *hd_sendq_head(const hd_sendq_t *q)
{
    return q->head;
}

void hd_sendq_advance(hd_sendq_t *q, size_t n)
{
    hd_sendq_item_t *it = q->head;
    if (!it)
        return;
    if (n > it->len - it->sent)
        n = it->len - it->sent;
    it->sent += n;
    q->bytes -= n;
    if (it->sent < it->len)
        return;
    q->head = it->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    q->free_block(it->block);
    free(it);
}
