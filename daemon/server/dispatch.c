/*
 * dispatch.c: one message in, one response frame out (see dispatch.h).
 *
 * For each member of a message, in order: a member the decoder rejected is
 * answered with its error; otherwise the method is looked up in `methods`
 * (unknown: -32601),
 * the session's role is checked against proto/methods.json (-32001 without a
 * role, -32002 with too weak a one), the parameters are checked against the
 * method's list (an unknown parameter is -32602), `heap` is resolved (-32000)
 * and `site` set for the call, and the handler runs. Every request runs to
 * completion on the loop, so a batch is atomic with respect to other
 * clients. The responses of a batch go out as one array frame, in order,
 * notifications left out.
 *
 * A result larger than the session's send bound could never be delivered,
 * so methods that can answer with big results (`big`) measure theirs and
 * answer -32004 (data.limit "send_queue_bytes") instead.
 */
#include "dispatch.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "session.h"

typedef struct method {
    const char *name;
    size_t name_len;
    hd_method_fn fn;
    const char *params; /* accepted parameters besides heap and site, space-separated */
    bool big;           /* may answer with a large result */
} method_t;

#define M(name) name, sizeof(name) - 1 /* a name and its length */

static const method_t methods[] = {
    {M("server.info"), hd_m_server_info, "", false},
    {M("server.stats"), hd_m_server_stats, "", false},
    {M("session.auth"), hd_m_session_auth, "token", false},
    {M("heap.create"), hd_m_heap_create, "gc_enabled thresholds max_bytes max_objects", false},
    {M("heap.list"), hd_m_heap_list, "", true},
    {M("heap.info"), hd_m_heap_info, "", false},
    {M("heap.drop"), hd_m_heap_drop, "", false},
    {M("heap.names"), hd_m_heap_names, "", true},
    {M("heap.objects"), hd_m_heap_objects, "type offset limit", true},
    {M("heap.export"), hd_m_heap_export, "", true},
    {M("heap.import"), hd_m_heap_import, "graph", false},
    {M("heap.exec"), hd_m_heap_exec, "source mode", false},
    {M("obj.new"), hd_m_obj_new, "type value items attrs class finalizer bind", false},
    {M("name.bind"), hd_m_name_bind, "name value", false},
    {M("name.del"), hd_m_name_del, "names", false},
    {M("obj.get"), hd_m_obj_get, "target", true},
    {M("obj.set"), hd_m_obj_set, "target key value", false},
    {M("obj.del"), hd_m_obj_del, "target key", false},
    {M("obj.call"), hd_m_obj_call, "target method args bind", false},
    {M("obj.referents"), hd_m_obj_referents, "target", true},
    {M("obj.referrers"), hd_m_obj_referrers, "target", true},
    {M("weakref.new"), hd_m_weakref_new, "target bind callback", false},
    {M("weakref.get"), hd_m_weakref_get, "target", false},
    {M("gc.collect"), hd_m_gc_collect, "generation", false},
    {M("gc.get"), hd_m_gc_get, "", false},
    {M("gc.set"), hd_m_gc_set, "enabled thresholds debug", false},
    {M("gc.garbage"), hd_m_gc_garbage, "", true},
    {M("gc.garbage_clear"), hd_m_gc_garbage_clear, "", false},
    {M("gc.freeze"), hd_m_gc_freeze, "", false},
    {M("gc.unfreeze"), hd_m_gc_unfreeze, "", false},
    {M("gc.dry_run"), hd_m_gc_dry_run, "generation", true},
    {M("alloc.stats"), hd_m_alloc_stats, "", false},
    {M("alloc.map"), hd_m_alloc_map, "offset limit", true},
    {M("trace.start"), hd_m_trace_start, "", false},
    {M("trace.stop"), hd_m_trace_stop, "", false},
    {M("trace.status"), hd_m_trace_status, "", false},
    {M("trace.reset_peak"), hd_m_trace_reset_peak, "", false},
    {M("trace.snapshot"), hd_m_trace_snapshot, "", false},
    {M("trace.stats"), hd_m_trace_stats, "snapshot group_by limit", true},
    {M("trace.compare"), hd_m_trace_compare, "snapshot base group_by limit", true},
    {M("stream.subscribe"), hd_m_stream_subscribe, "topics interval_ms", false},
    {M("stream.unsubscribe"), hd_m_stream_unsubscribe, "subscription", false},
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static const method_t *find_method(const char *name, size_t len)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (methods[i].name_len == len && memcmp(methods[i].name, name, len) == 0)
            return &methods[i];
    return NULL;
}

int hd_dispatch_selfcheck(void)
{
    for (size_t i = 0; i < hd_proto_method_count(); i++) {
        const hd_proto_method_t *pm = hd_proto_method_at(i);
        if (!find_method(pm->name, strlen(pm->name))) {
            hd_err("internal: method %s of methods.json has no handler", pm->name);
            return HD_EINVAL;
        }
    }
    for (size_t i = 0; i < NMETHODS; i++)
        if (!hd_proto_method_find(methods[i].name, strlen(methods[i].name))) {
            hd_err("internal: handler %s is not in methods.json", methods[i].name);
            return HD_EINVAL;
        }
    return 0;
}

/* is `key` in the space-separated list? One pass over the list, words
 * compared byte by byte as they are met. */
static bool listed(const char *list, const char *key)
{
    for (const char *p = list; *p;) {
        const char *k = key;
        while (*k && *p == *k)
            p++, k++;
        if (!*k && (*p == ' ' || !*p))
            return true;
        while (*p && *p != ' ')
            p++;
        if (*p)
            p++;
    }
    return false;
}

/* k equals w: strcmp with the first byte compared inline */
static inline bool key_eq(const char *k, const char *w)
{
    return k[0] == w[0] && strcmp(k, w) == 0;
}

static int check_params(hd_call_t *c, const method_t *m, const hd_proto_method_t *pm)
{
    const char *key;
    json_t *v;
    json_object_foreach(c->params, key, v)
    {
        if ((pm->heap && key_eq(key, "heap")) || (pm->site && key_eq(key, "site")) ||
            listed(m->params, key))
            continue;
        return hd_call_bad(c, key, "unknown parameter of %s", m->name);
    }
    return 0;
}

static int resolve_heap(hd_call_t *c, const method_t *m, const hd_proto_method_t *pm)
{
    if (!pm->heap)
        return 0;
    const char *name = NULL;
    if (hd_param_str(c, "heap", pm->heap_required, &name) != 0)
        return -1;
    if (!name)
        return 0;
    if (!hd_proto_heap_name_valid(name, strlen(name)))
        return hd_call_bad(c, "heap", "a heap name is 1 to 64 of A-Z a-z 0-9 _ . -");
    c->sh = hd_heaps_find(c->srv, name, strlen(name));
    bool creates = strcmp(m->name, "heap.create") == 0 || strcmp(m->name, "heap.import") == 0;
    if (creates) {
        if (c->sh)
            return hd_call_fail(c, HD_RPC_ALREADY_EXISTS, json_pack("{s:s}", "heap", name),
                                "heap '%s' already exists", name);
        return 0;
    }
    if (!c->sh)
        return hd_call_fail(c, HD_RPC_HEAP_NOT_FOUND, json_pack("{s:s}", "heap", name),
                            "heap '%s' not found", name);
    c->h = c->sh->heap;
    c->objects_refused = hd_heap_objects_refused(c->h);
    return 0;
}

static int set_site(hd_call_t *c, const hd_proto_method_t *pm, bool *set)
{
    *set = false;
    const char *site = NULL;
    if (!pm->site || !c->h || hd_param_str(c, "site", false, &site) != 0)
        return c->code ? -1 : 0;
    if (!site)
        return 0;
    int rc = hd_heap_set_site(c->h, site);
    if (rc == HD_ELIMIT)
        return hd_call_limit(c, "sites", 65535);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    *set = true;
    return 0;
}

/* whether sh is still one of the server's heaps (a handler may drop it);
 * compares pointers only, never reads sh */
static bool heap_alive(hd_server_t *srv, const hd_sheap_t *sh)
{
    for (size_t i = 0; i < srv->nheaps; i++)
        if (srv->heaps[i] == sh)
            return true;
    return false;
}

/* run one valid request: 0 with c->result, or -1 with the error in c */
static int run(hd_call_t *c, const hd_proto_req_t *req)
{
    const method_t *m = find_method(req->method, req->method_len);
    const hd_proto_method_t *pm = hd_proto_method_find(req->method, req->method_len);
    if (!m || !pm) {
        return hd_call_fail(c, HD_RPC_METHOD_NOT_FOUND,
                            json_pack("{s:s%}", "method", req->method, req->method_len),
                            "method not found");
    }
    int code = hd_auth_check(c->sess->role, pm->role);
    if (code)
        return hd_call_fail(
            c, code,
            code == HD_RPC_UNAUTHORIZED ? NULL
                                        : hd_proto_data_role(hd_proto_role_name(c->sess->role),
                                                             hd_proto_role_name(pm->role)),
            code == HD_RPC_UNAUTHORIZED ? "unauthorized: authenticate with session.auth first"
                                        : "forbidden: %s needs the %s role",
            m->name, hd_proto_role_name(pm->role));
    bool site;
    if (check_params(c, m, pm) || resolve_heap(c, m, pm) || set_site(c, pm, &site))
        return -1;
    int rc = m->fn(c);
    bool writes = pm->role >= HD_PROTO_ROLE_WRITE && (rc == 0 || m->fn == hd_m_heap_exec);
    bool alive = c->sh && (site || writes) && heap_alive(c->srv, c->sh);
    if (site && alive)
        hd_heap_set_site(c->h, NULL);
    /* persist.c saves a changed heap on its next tick; a failed request
     * changed nothing, but a script keeps what ran before its error */
    if (alive && writes)
        c->sh->dirty = true;
    if (rc != 0)
        return -1;
    if (m->big && c->text.len > c->srv->cfg.limits.send_queue_bytes) {
        hd_proto_buf_close(&c->text);
        return hd_call_limit(c, "send_queue_bytes", c->srv->cfg.limits.send_queue_bytes);
    }
    if (m->big && c->result) {
        size_t need = json_dumpb(c->result, NULL, 0, JSON_COMPACT);
        if (need > c->srv->cfg.limits.send_queue_bytes) {
            json_decref(c->result);
            c->result = NULL;
            return hd_call_limit(c, "send_queue_bytes", c->srv->cfg.limits.send_queue_bytes);
        }
    }
    return 0;
}

static void answer(hd_session_t *s, hd_proto_reply_t *r, const hd_proto_req_t *req)
{
    hd_server_t *srv = s->srv;
    hd_call_t c;
    memset(&c, 0, sizeof c);
    c.srv = srv;
    c.sess = s;
    c.params = req->params;
    c.text_ok = true; /* a handler may write its result as text (c.text) */
    srv->stats.requests++;
    int rc = run(&c, req);
    bool text = rc == 0 && c.text.len > 0;
    if (rc == 0 && !c.result && !text)
        rc = hd_call_errno(&c, HD_ENOMEM, NULL);
    if (rc == 0) {
        if (text) {
            rc = hd_proto_reply_result_text(r, req, hd_proto_buf_text(&c.text), c.text.len);
            json_decref(c.result);
        } else {
            rc = hd_proto_reply_result(r, req, c.result);
        }
        c.result = NULL;
        hd_proto_buf_close(&c.text);
        if (rc == 0)
            return;
        hd_call_errno(&c, rc, NULL);
    }
    hd_proto_buf_close(&c.text);
    json_decref(c.result);
    srv->stats.errors++;
    if (c.code == HD_RPC_INTERNAL_ERROR)
        hd_err("request %llu (%.*s): internal error: %s", (unsigned long long)srv->stats.requests,
               (int)req->method_len, req->method, c.message);
    hd_proto_reply_error(r, req, c.code, c.message[0] ? c.message : NULL, c.data);
}

/* rate_burst: the bucket's size in requests (rate_burst, or one second's
 * worth when it is 0). */
static uint64_t rate_burst(const hd_limits_t *l)
{
    return l->rate_burst ? l->rate_burst : l->rate;
}

/* The per-connection rate limit, a token bucket: limits.rate requests a
 * second flow in, up to limits.rate_burst (default: one second's worth).
 * Kept in thousandths of a request so that the loop's millisecond clock
 * adds whole units. Takes n requests' worth and returns true, or takes
 * nothing and returns false. */
static bool rate_take(hd_session_t *s, size_t n)
{
    const hd_limits_t *l = &s->srv->cfg.limits;
    if (l->rate == 0)
        return true;
    uint64_t burst = rate_burst(l) * 1000;
    uint64_t now = hd_server_now_ms(s->srv);
    if (!s->rate_started) {
        s->rate_started = true;
        s->rate_milli = burst;
    } else {
        uint64_t elapsed = now - s->rate_ms;
        uint64_t add = elapsed > UINT64_MAX / l->rate ? UINT64_MAX : elapsed * l->rate;
        s->rate_milli =
            s->rate_milli > burst || add >= burst - s->rate_milli ? burst : s->rate_milli + add;
    }
    s->rate_ms = now;
    if (n > s->rate_milli / 1000)
        return false;
    s->rate_milli -= (uint64_t)n * 1000;
    return true;
}

/* Over the rate: every member is answered -32004 "rate" with its own id
 * (notifications get nothing, as always) and nothing runs. A batch longer
 * than the burst can never pass, and says so (data.burst). */
static void refuse_rate(hd_session_t *s, hd_proto_reply_t *r, const hd_proto_msg_t *msg)
{
    hd_server_t *srv = s->srv;
    srv->stats.rate_limited++;
    uint64_t rate = srv->cfg.limits.rate, burst = rate_burst(&srv->cfg.limits);
    bool never = msg->n > burst;
    char text[160];
    if (never)
        snprintf(text, sizeof text,
                 "limit exceeded: rate (a batch of %zu requests is more than the burst of %llu "
                 "and can never pass: send it in smaller batches)",
                 msg->n, (unsigned long long)burst);
    else
        snprintf(text, sizeof text, "limit exceeded: rate (%llu requests/s per connection)",
                 (unsigned long long)rate);
    for (size_t i = 0; i < msg->n; i++) {
        srv->stats.errors++;
        json_t *data = hd_proto_data_limit("rate", (int64_t)rate);
        if (never && data)
            json_object_set_new(data, "burst", json_integer((json_int_t)burst));
        hd_proto_reply_error(r, &msg->reqs[i], HD_RPC_LIMIT_EXCEEDED, text, data);
    }
}

void hd_dispatch_message(hd_session_t *s, const char *text, size_t len)
{
    hd_server_t *srv = s->srv;
    hd_proto_limits_t limits = {srv->cfg.limits.message_size, srv->cfg.limits.batch_length};
    hd_proto_msg_t msg;
    if (hd_proto_decode(text, len, &limits, &msg) != 0) {
        hd_err("session %llu: out of memory decoding a message", (unsigned long long)s->serial);
        return;
    }
    hd_proto_buf_t buf;
    hd_proto_buf_init(&buf, LWS_PRE);
    hd_proto_reply_t r;
    hd_proto_reply_begin(&r, &buf, &msg);
    bool allowed = rate_take(s, msg.n ? msg.n : 1);
    if (!allowed)
        refuse_rate(s, &r, &msg);
    for (size_t i = 0; allowed && i < msg.n; i++) {
        const hd_proto_req_t *req = &msg.reqs[i];
        if (req->code) {
            srv->stats.errors++;
            hd_proto_reply_rejected(&r, req);
        } else {
            answer(s, &r, req);
        }
    }
    if (hd_proto_reply_end(&r) == 0 && r.count > 0)
        hd_session_send_buf(s, &buf, HD_SENDQ_RESPONSE, 0);
    hd_proto_buf_close(&buf);
    hd_proto_msg_close(&msg);
}
