/*
 * m_server.c: the methods about the server and the session: server.info,
 * server.stats, session.auth, stream.subscribe and stream.unsubscribe.
 */
#include "dispatch.h"

#include <string.h>

#include "session.h"
#include "streams.h"

static json_t *limits_json(const hd_limits_t *l)
{
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "message_size",
        (json_int_t)l->message_size, "batch_length", (json_int_t)l->batch_length, "connections",
        (json_int_t)l->connections, "heaps", (json_int_t)l->heaps, "heap_bytes",
        (json_int_t)l->heap_bytes, "heap_objects", (json_int_t)l->heap_objects, "send_queue_bytes",
        (json_int_t)l->send_queue_bytes, "subscriptions", (json_int_t)l->subscriptions, "snapshots",
        (json_int_t)l->snapshots, "work_objects", (json_int_t)l->work_objects, "rate",
        (json_int_t)l->rate, "rate_burst", (json_int_t)(l->rate_burst ? l->rate_burst : l->rate));
}

/* The limits change only on reload, so their object is built once and
 * shared by every server.info answer (a third of that method's cost was
 * building it). */
static json_t *limits_cached(hd_server_t *srv)
{
    if (!srv->limits_json)
        srv->limits_json = limits_json(&srv->cfg.limits);
    return json_incref(srv->limits_json);
}

void hd_server_limits_changed(hd_server_t *srv)
{
    json_decref(srv->limits_json);
    srv->limits_json = NULL;
}

int hd_m_server_info(hd_call_t *c)
{
    hd_server_t *srv = c->srv;
    json_t *o = json_object(); /* member by member: see hd_json_set */
    int failed = !o;
    if (o) {
        hd_json_set(o, "name", json_string("heapd"), &failed);
        hd_json_set(o, "version", json_string(HD_SRV_VERSION), &failed);
        hd_json_set(o, "protocol", json_integer(HD_PROTO_VERSION), &failed);
        hd_json_set(o, "uptime_s",
                    json_integer((json_int_t)((hd_server_now_ms(srv) - srv->start_ms) / 1000)),
                    &failed);
        hd_json_set(o, "heaps", json_integer((json_int_t)srv->nheaps), &failed);
        hd_json_set(o, "connections", json_integer((json_int_t)srv->nsessions), &failed);
        hd_json_set(o, "limits", limits_cached(srv), &failed);
        hd_json_set(o, "role", json_string(hd_proto_role_name(c->sess->role)), &failed);
    }
    if (failed) {
        json_decref(o);
        o = NULL;
    }
    c->result = o;
    return 0;
}

int hd_m_server_stats(hd_call_t *c)
{
    hd_server_t *srv = c->srv;
    uint64_t objects = 0, bytes = 0, arena_bytes = 0, inspector = 0;
    for (size_t i = 0; i < srv->nheaps; i++) {
        hd_heap_totals_t t;
        hd_heap_totals(srv->heaps[i]->heap, &t);
        objects += t.objects;
        bytes += t.bytes;
        arena_bytes += t.arena_bytes;
        inspector += t.inspector_bytes;
    }
    const hd_counters_t *s = &srv->stats;
    c->result = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "rss_bytes",
        (json_int_t)hd_server_rss_bytes(), "uptime_s",
        (json_int_t)((hd_server_now_ms(srv) - srv->start_ms) / 1000), "heaps",
        (json_int_t)srv->nheaps, "objects", (json_int_t)objects, "bytes", (json_int_t)bytes,
        "arena_bytes", (json_int_t)arena_bytes, "inspector_bytes", (json_int_t)inspector,
        "connections", (json_int_t)srv->nsessions, "connections_total",
        (json_int_t)s->connections_total, "messages_in", (json_int_t)s->messages_in, "messages_out",
        (json_int_t)s->messages_out, "requests", (json_int_t)s->requests, "errors",
        (json_int_t)s->errors, "dropped_frames", (json_int_t)s->frames_dropped, "subscriptions",
        (json_int_t)srv->nsubs);
    return 0;
}

int hd_m_session_auth(hd_call_t *c)
{
    hd_session_t *s = c->sess;
    const char *token;
    if (hd_param_str(c, "token", true, &token) != 0)
        return -1;
    if (!c->srv->auth_required) {
        c->result = json_pack("{s:s}", "role", hd_proto_role_name(s->role));
        return 0;
    }
    size_t len = strlen(token);
    hd_proto_role_t role =
        len <= HD_TOKEN_MAX ? hd_tokens_lookup(&c->srv->tokens, token, len) : HD_PROTO_ROLE_NONE;
    if (role == HD_PROTO_ROLE_NONE)
        return hd_call_fail(c, HD_RPC_UNAUTHORIZED, NULL, "unauthorized: unknown token");
    char *copy = strndup(token, len);
    if (!copy)
        return hd_call_errno(c, HD_ENOMEM, NULL);
    if (s->token)
        memset(s->token, 0, s->token_len);
    free(s->token);
    s->token = copy;
    s->token_len = len;
    s->role = role;
    c->result = json_pack("{s:s}", "role", hd_proto_role_name(role));
    return 0;
}

static int parse_topics(hd_call_t *c, unsigned *topics)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"alloc", HD_TOPIC_ALLOC},
                 {"gc", HD_TOPIC_GC},
                 {"event", HD_TOPIC_EVENT},
                 {"heap", HD_TOPIC_HEAP}};
    json_t *arr;
    if (hd_param_array(c, "topics", true, &arr) != 0)
        return -1;
    if (json_array_size(arr) == 0)
        return hd_call_bad(c, "topics", "at least one of alloc, gc, event, heap");
    size_t i;
    json_t *t;
    *topics = 0;
    json_array_foreach(arr, i, t)
    {
        unsigned bit = 0;
        for (size_t k = 0; k < 4 && json_is_string(t); k++)
            if (strcmp(json_string_value(t), names[k].name) == 0)
                bit = names[k].bit;
        if (!bit)
            return hd_call_bad(c, "topics", "topics[%zu]: one of alloc, gc, event, heap", i);
        if (*topics & bit)
            return hd_call_bad(c, "topics", "topics[%zu]: listed twice", i);
        *topics |= bit;
    }
    return 0;
}

int hd_m_stream_subscribe(hd_call_t *c)
{
    unsigned topics = 0;
    int64_t interval = 1000;
    if (parse_topics(c, &topics) != 0 ||
        hd_param_int(c, "interval_ms", false, 50, 60000, &interval) != 0)
        return -1;
    hd_sub_t *sub;
    int rc = hd_streams_subscribe(c->srv, c->sess, c->sh ? c->sh->name : NULL, topics,
                                  (int)interval, &sub);
    if (rc == HD_ELIMIT)
        return hd_call_limit(c, "subscriptions", c->srv->cfg.limits.subscriptions);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    c->result = json_pack("{s:I}", "subscription", (json_int_t)sub->id);
    return 0;
}

int hd_m_stream_unsubscribe(hd_call_t *c)
{
    int64_t id;
    if (hd_param_int(c, "subscription", true, 1, INT64_MAX, &id) != 0)
        return -1;
    if (hd_streams_unsubscribe(c->srv, c->sess, (uint64_t)id) != 0)
        return hd_call_bad(c, "subscription", "no such subscription on this connection");
    c->result = json_object();
    return 0;
}
