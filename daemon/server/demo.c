/*
 * demo.c: the `demo` heap of --demo, built through the same request path a
 * client would use (one batch run as the admin), so it shows exactly what
 * a client could have done:
 *
 *     numbers = [1, 2, 3]            a list of small ints
 *     config = {"name": "demo", "size": 3}
 *     a = Node(); b = Node()         two instances of a class Node
 *     a.peer = b; b.peer = a         a reference cycle
 *     ref = weakref.ref(a)           a weak reference to one of them
 *     greeting = "hello, heapd"
 */
#include "demo.h"

#include <string.h>

#include "dispatch.h"
#include "heaps.h"
#include "log.h"
#include "session.h"

static const char *const demo_calls[] = {
    "{\"type\":\"list\",\"items\":[1,2,3],\"bind\":\"numbers\",\"site\":\"demo.py:1\"}",
    "{\"type\":\"dict\",\"items\":[[\"name\",\"demo\"],[\"size\",3]],\"bind\":\"config\","
    "\"site\":\"demo.py:2\"}",
    "{\"type\":\"instance\",\"class\":\"Node\",\"bind\":\"a\",\"site\":\"demo.py:3\"}",
    "{\"type\":\"instance\",\"class\":\"Node\",\"attrs\":{\"peer\":{\"name\":\"a\"}},"
    "\"bind\":\"b\",\"site\":\"demo.py:4\"}",
    "{\"type\":\"str\",\"value\":\"hello, heapd\",\"bind\":\"greeting\",\"site\":\"demo.py:6\"}",
};

static int run(hd_call_t *c, hd_method_fn fn, const char *params)
{
    json_error_t jerr;
    json_t *p = json_loads(params, 0, &jerr);
    if (!p)
        return HD_ENOMEM;
    c->params = p;
    json_decref(c->result);
    c->result = NULL;
    int rc = fn(c);
    json_decref(p);
    c->params = NULL;
    if (rc) {
        hd_warn("demo: %s", c->message);
        json_decref(c->data);
        c->data = NULL;
        return HD_EINVAL;
    }
    return 0;
}

int hd_demo_create(hd_server_t *srv)
{
    hd_heap_config_t hc;
    hd_heap_config_default(&hc);
    hc.max_bytes = srv->cfg.limits.heap_bytes;
    hc.max_objects = srv->cfg.limits.heap_objects;
    hd_sheap_t *sh;
    int rc = hd_heaps_create(srv, "demo", &hc, &sh);
    if (rc)
        return rc;
    hd_session_t admin;
    memset(&admin, 0, sizeof admin);
    admin.srv = srv;
    admin.role = HD_PROTO_ROLE_ADMIN;
    hd_call_t c;
    memset(&c, 0, sizeof c);
    c.srv = srv;
    c.sess = &admin;
    c.sh = sh;
    c.h = sh->heap;
    c.objects_refused = hd_heap_objects_refused(c.h);
    for (size_t i = 0; rc == 0 && i < sizeof demo_calls / sizeof *demo_calls; i++)
        rc = run(&c, hd_m_obj_new, demo_calls[i]);
    if (rc == 0)
        rc =
            run(&c, hd_m_obj_set, "{\"target\":\"a\",\"key\":\"peer\",\"value\":{\"name\":\"b\"}}");
    if (rc == 0)
        rc = run(&c, hd_m_weakref_new, "{\"target\":\"a\",\"bind\":\"ref\"}");
    hd_heap_set_site(sh->heap, NULL);
    json_decref(c.result);
    if (rc) {
        hd_heaps_drop(srv, sh);
        return rc;
    }
    hd_notice("demo: heap \"demo\" created (names numbers, config, a, b, ref, greeting)");
    return 0;
}
