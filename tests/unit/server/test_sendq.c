/*
 * test_sendq.c: the bounded send queue: order, partial writes, coalescing
 * of periodic frames, drops of stream frames, overflow on responses.
 */
#include "test.h"

#include "err.h"
#include "sendq.h"

static int freed;

static void count_free(void *p)
{
    freed++;
    free(p);
}

static char *block(size_t len)
{
    char *b = malloc(8 + len);
    CHECK(b);
    memset(b + 8, 'x', len);
    return b;
}

TEST(fifo_and_partial_writes)
{
    hd_sendq_t q;
    freed = 0;
    hd_sendq_init(&q, 1000, 8, count_free);
    CHECK_OK(hd_sendq_push(&q, block(100), 100, HD_SENDQ_RESPONSE, 0));
    CHECK_OK(hd_sendq_push(&q, block(50), 50, HD_SENDQ_EVENT, 0));
    CHECK_EQ(q.bytes, 150);
    CHECK_EQ(hd_sendq_head(&q)->len, 100);
    hd_sendq_advance(&q, 60);
    CHECK_EQ(q.bytes, 90);
    CHECK_EQ(hd_sendq_head(&q)->sent, 60);
    hd_sendq_advance(&q, 40);
    CHECK_EQ(freed, 1);
    CHECK_EQ(hd_sendq_head(&q)->len, 50);
    hd_sendq_advance(&q, 50);
    CHECK(hd_sendq_head(&q) == NULL);
    CHECK_EQ(q.bytes, 0);
    hd_sendq_close(&q);
    CHECK_EQ(freed, 2);
}

TEST(periodic_frames_coalesce)
{
    hd_sendq_t q;
    freed = 0;
    hd_sendq_init(&q, 1000, 8, count_free);
    CHECK_OK(hd_sendq_push(&q, block(100), 100, HD_SENDQ_PERIODIC, 7));
    CHECK_OK(hd_sendq_push(&q, block(100), 100, HD_SENDQ_PERIODIC, 8));
    CHECK_EQ(hd_sendq_push(&q, block(120), 120, HD_SENDQ_PERIODIC, 7), 1);
    CHECK_EQ(q.count, 2);
    CHECK_EQ(q.bytes, 220);
    CHECK_EQ(q.dropped, 1);
    CHECK_EQ(hd_sendq_head(&q)->len, 120); /* replaced in place: keeps its turn */
    hd_sendq_advance(&q, 10);              /* started: cannot be replaced any more */
    CHECK_OK(hd_sendq_push(&q, block(100), 100, HD_SENDQ_PERIODIC, 7));
    CHECK_EQ(q.count, 3);
    hd_sendq_close(&q);
    CHECK_EQ(freed, 4);
}

TEST(stream_frames_dropped_over_half_the_bound)
{
    hd_sendq_t q;
    freed = 0;
    hd_sendq_init(&q, 1000, 8, count_free);
    for (int i = 0; i < 5; i++)
        CHECK_OK(hd_sendq_push(&q, block(100), 100, HD_SENDQ_EVENT, 0));
    CHECK_EQ(hd_sendq_push(&q, block(100), 100, HD_SENDQ_EVENT, 0), HD_ELIMIT);
    CHECK_EQ(hd_sendq_push(&q, block(100), 100, HD_SENDQ_PERIODIC, 3), HD_ELIMIT);
    CHECK_EQ(q.dropped, 2);
    CHECK(!q.overflow);
    /* responses still fit in the other half */
    CHECK_OK(hd_sendq_push(&q, block(400), 400, HD_SENDQ_RESPONSE, 0));
    CHECK_EQ(hd_sendq_push(&q, block(200), 200, HD_SENDQ_RESPONSE, 0), HD_ELIMIT);
    CHECK(q.overflow);
    CHECK_EQ(q.bytes, 900);
    hd_sendq_close(&q);
    CHECK_EQ(freed, 9);
}

TEST(one_big_response_on_an_empty_queue)
{
    hd_sendq_t q;
    freed = 0;
    hd_sendq_init(&q, 100, 8, count_free);
    CHECK_OK(hd_sendq_push(&q, block(500), 500, HD_SENDQ_RESPONSE, 0));
    CHECK(!q.overflow);
    CHECK_EQ(hd_sendq_push(&q, block(10), 10, HD_SENDQ_RESPONSE, 0), HD_ELIMIT);
    CHECK(q.overflow);
    hd_sendq_close(&q);
    CHECK_EQ(freed, 2);
}
