/*
 * m_graph.c: heap.export and heap.import, the heapd-graph/1 document over
 * the runtime's graph API (graph.h).
 *
 * An exported object is its summary, `referents` (the ids gc.get_referents
 * gives, in CPython's traverse order), `site` (null: allocation sites are
 * not kept per object outside tracing), and the members import needs, named
 * after hd_graph_node_t's fields: `value` (int, bool, float, str, bytes as a
 * string of code points below U+0100), `sign` and `digits` (ints beyond 64
 * bits), `refs` (the node's references in the order graph.h defines),
 * `attr_names`, `capacity` (lists; dicts over 8 slots), `class_name`, `class_id`, `has_del`,
 * `use_slots`, `slots`, `finalized`, `notify`, `has_callback_obj`. A float
 * that JSON cannot write is the string "inf", "-inf" or "nan".
 *
 * Import reads every object into an hd_graph_node_t array (the strings stay
 * borrowed from the request's JSON, which outlives the call), creates the
 * heap quietly, lets hd_graph_import build it, applies the gc settings, and
 * only then announces the heap; on any failure the heap is dropped without
 * a trace, so nothing is half-created.
 *
 * persist.c uses the same two halves: hd_graph_document (the export
 * without the message size check), hd_graph_restore (import, plus the
 * classes the server held) and hd_graph_check (a trial import into a
 * scratch heap, so that no state file is written that would not load).
 */
#include "dispatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"
#include "graph.h"
#include "persist.h"
#include "session.h"

/* ---- export ---- */

typedef struct exp {
    hd_heap_t *h; /* borrowed */
    json_t *objects, *names;
} exp_t;

static json_t *id_array(const uint64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_integer((json_int_t)ids[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static json_t *str_array(const char *const *s, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_string(s[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static json_t *latin1(const unsigned char *p, size_t len)
{
    char *buf = malloc(2 * len + 1);
    size_t n = 0;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x80) {
            buf[n++] = (char)p[i];
        } else {
            buf[n++] = (char)(0xc0 | (p[i] >> 6));
            buf[n++] = (char)(0x80 | (p[i] & 0x3f));
        }
    }
    json_t *s = json_stringn(buf, n);
    free(buf);
    return s;
}

static json_t *float_json(double f)
{
    if (isnan(f))
        return json_string("nan");
    if (isinf(f))
        return json_string(f < 0 ? "-inf" : "inf");
    return json_real(f);
}

static int node_values(json_t *o, const hd_graph_node_t *n)
{
    int rc = 0;
    switch (n->type) {
    case HD_T_BOOL:
        return json_object_set_new(o, "value", json_boolean(n->i64));
    case HD_T_INT:
        if (n->ndigits > 3 || (n->ndigits == 3 && n->digits[2] >= 8)) { /* beyond 63 bits */
            json_t *d = json_array();
            for (size_t i = 0; d && i < n->ndigits; i++)
                json_array_append_new(d, json_integer(n->digits[i]));
            rc |= json_object_set_new(o, "sign", json_integer(n->sign));
            return rc | json_object_set_new(o, "digits", d);
        }
        return json_object_set_new(o, "value", json_integer(n->i64));
    case HD_T_FLOAT:
        return json_object_set_new(o, "value", float_json(n->f));
    case HD_T_STR:
        return json_object_set_new(o, "value", json_stringn(n->data, n->len));
    case HD_T_BYTES:
        return json_object_set_new(o, "value", latin1((const unsigned char *)n->data, n->len));
    default:
        return 0;
    }
}

/* hex_json: a code block as lowercase hex (it is mostly NUL bytes, which
 * JSON readers refuse in strings by default) */
static json_t *hex_json(const unsigned char *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *buf = malloc(2 * len + 1);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        buf[2 * i] = digits[p[i] >> 4];
        buf[2 * i + 1] = digits[p[i] & 15];
    }
    json_t *j = json_stringn(buf, 2 * len);
    free(buf);
    return j;
}

static int node_members(json_t *o, const hd_graph_node_t *n)
{
    int rc = node_values(o, n);
    rc |= json_object_set_new(o, "refs", id_array(n->refs, n->nrefs));
    if (n->type == HD_T_LIST || (n->type == HD_T_DICT && n->capacity > 8))
        rc |= json_object_set_new(o, "capacity", json_integer(n->capacity));
    if (n->type == HD_T_INSTANCE) {
        rc |= json_object_set_new(o, "class_id", json_integer((json_int_t)n->class_id));
        if (n->attr_names)
            rc |= json_object_set_new(o, "attr_names", str_array(n->attr_names, n->nrefs));
    }
    if (n->type == HD_T_CLASS) {
        rc |= json_object_set_new(o, "class_name", json_string(n->class_name));
        rc |= json_object_set_new(o, "use_slots", json_boolean(n->use_slots));
        if (n->use_slots)
            rc |= json_object_set_new(o, "slots", str_array(n->slots, n->nslots));
    }
    if (n->type == HD_T_CLASS || n->type == HD_T_INSTANCE)
        rc |= json_object_set_new(o, "has_del", json_boolean(n->has_del));
    if (n->type == HD_T_WEAKREF) {
        rc |= json_object_set_new(o, "notify", json_boolean(n->notify));
        rc |= json_object_set_new(o, "has_callback_obj", json_boolean(n->has_callback_obj));
    }
    if (n->type == HD_T_CODE)
        rc |= json_object_set_new(o, "value", hex_json((const unsigned char *)n->data, n->len));
    if (n->type == HD_T_BUILTIN)
        rc |= json_object_set_new(o, "name", json_string(n->class_name));
    if (n->type == HD_T_FUNCTION || n->type == HD_T_CLASS)
        rc |= json_object_set_new(o, "present", json_integer(n->present));
    if (n->type == HD_T_CODE || n->type == HD_T_BUILTIN || n->type == HD_T_DESCR ||
        n->type == HD_T_RANGE || n->type == HD_T_CLASS || n->type == HD_T_DICTVIEW) {
        json_t *aux = json_array();
        for (size_t k = 0; aux && k < 3; k++)
            json_array_append_new(aux, json_integer(n->aux[k]));
        rc |= json_object_set_new(o, "aux", aux);
    }
    if (n->finalized)
        rc |= json_object_set_new(o, "finalized", json_true());
    return rc ? HD_ENOMEM : 0;
}

static int add_referent(hd_obj_t *r, void *arg)
{
    hd_heap_t **hp = ((void **)arg)[0];
    json_t *arr = ((void **)arg)[1];
    uint64_t id = hd_obj_id(*hp, r);
    return id && json_array_append_new(arr, json_integer((json_int_t)id)) == 0 ? 0 : HD_ENOMEM;
}

static int export_node(const hd_graph_node_t *n, void *arg)
{
    exp_t *e = arg;
    hd_heap_t *h = e->h;
    hd_obj_t *obj;
    if (hd_heap_find(h, n->id, &obj) != 0)
        return HD_EINVAL;
    json_t *o = hd_summary(h, obj, true), *refs = json_array();
    void *a[2] = {&h, refs};
    if (!o || !refs || hd_obj_referents(h, obj, add_referent, a) != 0 ||
        json_object_set_new(o, "referents", json_incref(refs)) != 0 ||
        json_object_set_new(o, "site", json_null()) != 0 || node_members(o, n) != 0 ||
        json_array_append_new(e->objects, o) != 0) {
        json_decref(refs);
        return HD_ENOMEM;
    }
    json_decref(refs);
    return 0;
}

static int export_name(const char *name, uint64_t id, void *arg)
{
    exp_t *e = arg;
    return json_object_set_new(e->names, name, json_integer((json_int_t)id)) ? HD_ENOMEM : 0;
}

static json_t *gc_settings(hd_heap_t *h)
{
    int th[3];
    hd_gc_get_threshold(h, th);
    unsigned dbg = hd_gc_get_debug(h);
    json_t *debug = json_array();
    static const struct {
        unsigned bit;
        const char *name;
    } flags[] = {{HD_GC_DEBUG_STATS, "stats"},
                 {HD_GC_DEBUG_COLLECTABLE, "collectable"},
                 {HD_GC_DEBUG_UNCOLLECTABLE, "uncollectable"},
                 {HD_GC_DEBUG_SAVEALL, "saveall"}};
    for (size_t i = 0; debug && i < 4; i++)
        if (dbg & flags[i].bit)
            json_array_append_new(debug, json_string(flags[i].name));
    return json_pack("{s:b, s:[i,i,i], s:o*}", "enabled", hd_gc_is_enabled(h), "thresholds", th[0],
                     th[1], th[2], "debug", debug);
}

/* the script language's state: "script": {"objects": {SLOT: ID},
 * "counters": {SLOT: N}} (proto/README.md) */
static int export_root(const char *slot, uint64_t id, int64_t value, void *arg)
{
    json_t *script = arg;
    json_t *to = json_object_get(script, id ? "objects" : "counters");
    return json_object_set_new(to, slot, json_integer(id ? (json_int_t)id : value)) ? HD_ENOMEM : 0;
}

int hd_graph_document(hd_sheap_t *sh, json_t **out)
{
    exp_t e = {sh->heap, json_array(), json_object()};
    json_t *script = json_pack("{s:{}, s:{}}", "objects", "counters");
    int rc = e.objects && e.names && script
                 ? hd_graph_export(sh->heap, export_node, export_name, &e)
                 : HD_ENOMEM;
    if (!rc)
        rc = hd_graph_export_roots(sh->heap, export_root, script);
    if (!rc && json_object_size(json_object_get(script, "counters")) == 0 &&
        json_object_size(json_object_get(script, "objects")) == 0)
        json_decref(script), script = NULL; /* no script ran, no gc.garbage: no member */
    json_t *doc = rc ? NULL
                     : json_pack("{s:s, s:s, s:O, s:O, s:o*, s:O*}", "format", "heapd-graph/1",
                                 "heap", sh->name, "names", e.names, "objects", e.objects, "gc",
                                 gc_settings(sh->heap), "script", script);
    json_decref(script);
    json_decref(e.objects);
    json_decref(e.names);
    *out = doc;
    return doc ? 0 : rc ? rc : HD_ENOMEM;
}

int hd_m_heap_export(hd_call_t *c)
{
    uint64_t max = c->srv->cfg.limits.message_size;
    hd_heap_totals_t t;
    hd_heap_totals(c->h, &t);
    if (t.objects * 100 > max) /* no object exports in under 100 bytes */
        return hd_call_limit(c, "message_size", max);
    json_t *doc;
    int rc = hd_graph_document(c->sh, &doc);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    if (json_dumpb(doc, NULL, 0, JSON_COMPACT) > max) {
        json_decref(doc);
        return hd_call_limit(c, "message_size", max);
    }
    c->result = doc;
    return 0;
}

/* ---- import ---- */

typedef struct imp {
    hd_graph_node_t *nodes; /* owned array */
    size_t n;
    void **owned; /* arrays allocated for nodes (refs, names, digits) */
    size_t nowned;
    hd_graph_name_t *names; /* owned */
    size_t nnames;
    hd_graph_root_t *roots; /* owned: the script state's slots */
    size_t nroots;
} imp_t;

static void imp_free(imp_t *im)
{
    for (size_t i = 0; i < im->nowned; i++)
        free(im->owned[i]);
    free(im->owned);
    free(im->nodes);
    free(im->names);
    free(im->roots);
}

static void *imp_alloc(imp_t *im, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p)
        im->owned[im->nowned++] = p;
    else
        free(p);
    return p;
}

static int read_ids(imp_t *im, const json_t *arr, const uint64_t **out, size_t *n)
{
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return HD_EINVAL;
    uint64_t *v = imp_alloc(im, json_array_size(arr), sizeof *v);
    if (!v)
        return HD_ENOMEM;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *x = json_array_get(arr, i);
        if (!json_is_integer(x) || json_integer_value(x) < 1)
            return HD_EINVAL;
        v[i] = (uint64_t)json_integer_value(x);
    }
    *out = v;
    *n = json_array_size(arr);
    return 0;
}

static int read_strs(imp_t *im, const json_t *arr, size_t want, const char *const **out)
{
    if (!arr)
        return 0;
    if (!json_is_array(arr) || (want != (size_t)-1 && json_array_size(arr) != want))
        return HD_EINVAL;
    const char **v = imp_alloc(im, json_array_size(arr), sizeof *v);
    if (!v)
        return HD_ENOMEM;
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!(v[i] = json_string_value(json_array_get(arr, i))))
            return HD_EINVAL;
    *out = v;
    return 0;
}

static int read_int(imp_t *im, const json_t *o, hd_graph_node_t *n)
{
    const json_t *digits = json_object_get(o, "digits"), *v = json_object_get(o, "value");
    if (!digits) {
        if (n->type == HD_T_BOOL && json_is_boolean(v))
            n->i64 = json_is_true(v);
        else if (json_is_integer(v))
            n->i64 = json_integer_value(v);
        else
            return HD_EINVAL;
        return 0;
    }
    if (!json_is_array(digits) || !json_is_integer(json_object_get(o, "sign")))
        return HD_EINVAL;
    uint32_t *d = imp_alloc(im, json_array_size(digits), sizeof *d);
    if (!d)
        return HD_ENOMEM;
    for (size_t i = 0; i < json_array_size(digits); i++) {
        json_t *x = json_array_get(digits, i);
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) >= (1 << 30))
            return HD_EINVAL;
        d[i] = (uint32_t)json_integer_value(x);
    }
    n->sign = (int)json_integer_value(json_object_get(o, "sign"));
    n->digits = d;
    n->ndigits = json_array_size(digits);
    return n->sign >= -1 && n->sign <= 1 ? 0 : HD_EINVAL;
}

static int read_text(const json_t *o, hd_graph_node_t *n, imp_t *im)
{
    const json_t *v = json_object_get(o, "value");
    if (n->type == HD_T_FLOAT) {
        const char *s = json_string_value(v);
        if (json_is_number(v))
            n->f = json_number_value(v);
        else if (s && (!strcmp(s, "inf") || !strcmp(s, "-inf") || !strcmp(s, "nan")))
            n->f = s[0] == 'n' ? NAN : s[0] == '-' ? -INFINITY : INFINITY;
        else
            return HD_EINVAL;
        return 0;
    }
    if (!json_is_string(v))
        return HD_EINVAL;
    if (n->type == HD_T_STR) {
        n->data = json_string_value(v);
        n->len = json_string_length(v);
        return 0;
    }
    const unsigned char *s = (const unsigned char *)json_string_value(v);
    size_t len = json_string_length(v), k = 0;
    unsigned char *buf = imp_alloc(im, len, 1);
    if (!buf)
        return HD_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned ch = s[i];
        if (ch >= 0x80) {
            if (ch > 0xc3 || i + 1 >= len)
                return HD_EINVAL;
            ch = ((ch & 0x1f) << 6) | (s[++i] & 0x3f);
        }
        buf[k++] = (unsigned char)ch;
    }
    n->data = (const char *)buf;
    n->len = k;
    return 0;
}

static int hexval(int ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int read_hex(imp_t *im, const json_t *v, hd_graph_node_t *n)
{
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (!s || len % 2 || len == 0)
        return HD_EINVAL;
    unsigned char *buf = imp_alloc(im, len / 2, 1);
    if (!buf)
        return HD_ENOMEM;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return HD_EINVAL;
        buf[i] = (unsigned char)(hi << 4 | lo);
    }
    n->data = (const char *)buf;
    n->len = len / 2;
    return 0;
}

static bool flag(const json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

static int read_node(imp_t *im, const json_t *o, hd_graph_node_t *n)
{
    const json_t *id = json_object_get(o, "id"), *type = json_object_get(o, "type");
    if (!json_is_object(o) || !json_is_integer(id) || json_integer_value(id) < 1 ||
        !json_is_string(type) || (n->type = hd_type_from_name(json_string_value(type))) < 0)
        return HD_EINVAL;
    n->id = (uint64_t)json_integer_value(id);
    int rc = read_ids(im, json_object_get(o, "refs"), &n->refs, &n->nrefs);
    if (rc == 0 && (n->type == HD_T_INT || n->type == HD_T_BOOL))
        rc = read_int(im, o, n);
    if (rc == 0 && (n->type == HD_T_FLOAT || n->type == HD_T_STR || n->type == HD_T_BYTES))
        rc = read_text(o, n, im);
    if (rc == 0 && n->type == HD_T_INSTANCE) {
        const json_t *cid = json_object_get(o, "class_id");
        if (!json_is_integer(cid))
            return HD_EINVAL;
        n->class_id = (uint64_t)json_integer_value(cid);
        rc = read_strs(im, json_object_get(o, "attr_names"), n->nrefs, &n->attr_names);
    }
    if (rc == 0 && n->type == HD_T_CLASS) {
        if (!(n->class_name = json_string_value(json_object_get(o, "class_name"))))
            return HD_EINVAL;
        n->use_slots = flag(o, "use_slots");
        const json_t *slots = json_object_get(o, "slots");
        rc = read_strs(im, slots, (size_t)-1, &n->slots);
        n->nslots = json_array_size(slots);
    }
    if (rc == 0 && n->type == HD_T_CODE)
        rc = read_hex(im, json_object_get(o, "value"), n);
    if (rc == 0 && n->type == HD_T_BUILTIN &&
        !(n->class_name = json_string_value(json_object_get(o, "name"))))
        return HD_EINVAL;
    const json_t *aux = json_object_get(o, "aux");
    for (size_t k = 0; rc == 0 && aux && k < 3; k++) {
        const json_t *a = json_array_get(aux, k);
        if (!json_is_array(aux) || (a && !json_is_integer(a)))
            return HD_EINVAL;
        n->aux[k] = json_integer_value(a);
    }
    const json_t *present = json_object_get(o, "present");
    if (present && (!json_is_integer(present) || json_integer_value(present) < 0 ||
                    json_integer_value(present) > 0xff))
        return HD_EINVAL;
    n->present = (uint32_t)json_integer_value(present);
    const json_t *tracked = json_object_get(o, "tracked");
    if ((n->type == HD_T_TUPLE || n->type == HD_T_DICT) && json_is_boolean(tracked))
        n->gc_state = json_is_true(tracked) ? HD_GRAPH_TRACKED : HD_GRAPH_UNTRACKED;
    n->capacity = json_integer_value(json_object_get(o, "capacity"));
    n->has_del = flag(o, "has_del");
    n->finalized = flag(o, "finalized");
    n->notify = flag(o, "notify");
    n->has_callback_obj = flag(o, "has_callback_obj");
    return rc;
}

/* A weakref whose referent died is exported with no reference, and the
 * runtime can only make a weakref to a live object. So each dead weakref
 * gets a placeholder referent: an instance of a class of its own, which
 * nothing else refers to, so both die as the import ends and leave the
 * weakref dead, as it was (its callback is not asked for: it already ran in
 * the exported heap). */
static int dead_weakrefs(hd_call_t *c, imp_t *im)
{
    uint64_t next = 0;
    size_t n = im->n;
    for (size_t i = 0; i < n; i++)
        if (im->nodes[i].id > next)
            next = im->nodes[i].id;
    for (size_t i = 0; i < n; i++) {
        hd_graph_node_t *wr = &im->nodes[i];
        if (wr->type != HD_T_WEAKREF || wr->nrefs != 0)
            continue;
        uint64_t *ref = imp_alloc(im, 1, sizeof *ref);
        if (!ref)
            return hd_call_errno(c, HD_ENOMEM, NULL);
        hd_graph_node_t *cls = &im->nodes[im->n++], *inst = &im->nodes[im->n++];
        *cls = (hd_graph_node_t){
            .id = ++next, .type = HD_T_CLASS, .class_name = "_heapd_dead_referent"};
        *inst = (hd_graph_node_t){.id = ++next, .type = HD_T_INSTANCE, .class_id = cls->id};
        *ref = inst->id;
        wr->refs = ref;
        wr->nrefs = 1;
        wr->notify = false;
        wr->has_callback_obj = false;
    }
    return 0;
}

static int read_script(hd_call_t *c, const json_t *script, imp_t *im)
{
    if (!script)
        return 0;
    const json_t *objs = json_object_get(script, "objects");
    const json_t *counters = json_object_get(script, "counters");
    if (!json_is_object(script) || !json_is_object(objs) || !json_is_object(counters))
        return hd_call_bad(c, "graph", "script: {objects, counters}");
    im->roots = calloc(json_object_size(objs) + json_object_size(counters) + 1, sizeof *im->roots);
    if (!im->roots)
        return hd_call_errno(c, HD_ENOMEM, NULL);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)objs, key, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return hd_call_bad(c, "graph", "script.objects: '%s' is not SLOT: ID", key);
        im->roots[im->nroots++] = (hd_graph_root_t){key, (uint64_t)json_integer_value(v), 0};
    }
    json_object_foreach((json_t *)counters, key, v)
    {
        if (!json_is_integer(v))
            return hd_call_bad(c, "graph", "script.counters: '%s' is not SLOT: N", key);
        im->roots[im->nroots++] = (hd_graph_root_t){key, 0, json_integer_value(v)};
    }
    return 0;
}

static int read_graph(hd_call_t *c, const json_t *g, imp_t *im)
{
    const json_t *objs = json_object_get(g, "objects"), *names = json_object_get(g, "names");
    const json_t *fmt = json_object_get(g, "format");
    if (!json_is_object(g) || !json_is_string(fmt) ||
        strcmp(json_string_value(fmt), "heapd-graph/1") != 0 || !json_is_array(objs) ||
        !json_is_object(names))
        return hd_call_bad(c, "graph", "not a heapd-graph/1 document");
    im->n = json_array_size(objs);
    /* room for two placeholder nodes per dead weakref (see revive_dead) */
    im->nodes = calloc(3 * im->n + 1, sizeof *im->nodes);
    im->owned = calloc(5 * im->n + 1, sizeof *im->owned);
    im->names = calloc(json_object_size(names) + 1, sizeof *im->names);
    if (!im->nodes || !im->owned || !im->names)
        return hd_call_errno(c, HD_ENOMEM, NULL);
    for (size_t i = 0; i < im->n; i++) {
        int rc = read_node(im, json_array_get(objs, i), &im->nodes[i]);
        if (rc == HD_ENOMEM)
            return hd_call_errno(c, rc, NULL);
        if (rc)
            return hd_call_bad(c, "graph", "objects[%zu]: a member cannot be read", i);
        /* a code block's checks (script/persist.c) do not yet prove every
         * instruction's stack reads in bounds: over the network only an
         * admin may bring code in (restoring the state directory may) */
        if (im->nodes[i].type == HD_T_CODE && c->sess && c->sess->role < HD_PROTO_ROLE_ADMIN)
            return hd_call_fail(c, HD_RPC_FORBIDDEN,
                                hd_proto_data_role(hd_proto_role_name(c->sess->role), "admin"),
                                "forbidden: importing code (objects[%zu]) needs the admin role", i);
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)names, key, v)
    {
        if (!json_is_integer(v) || !hd_proto_name_valid(key, strlen(key)))
            return hd_call_bad(c, "graph", "names: '%s' is not NAME: ID", key);
        im->names[im->nnames++] = (hd_graph_name_t){key, (uint64_t)json_integer_value(v)};
    }
    if (read_script(c, json_object_get(g, "script"), im))
        return -1;
    return dead_weakrefs(c, im);
}

/* the graph's gc settings: checked before anything is created */
static int read_gc(hd_call_t *c, const json_t *g, hd_heap_config_t *hc, unsigned *debug)
{
    const json_t *gc = json_object_get(g, "gc");
    if (!gc)
        return 0;
    const json_t *en = json_object_get(gc, "enabled"), *th = json_object_get(gc, "thresholds");
    const json_t *dbg = json_object_get(gc, "debug");
    if (!json_is_object(gc) || (en && !json_is_boolean(en)) ||
        (th && (!json_is_array(th) || json_array_size(th) != 3)) || (dbg && !json_is_array(dbg)))
        return hd_call_bad(c, "graph", "gc: {enabled, thresholds, debug}");
    if (en)
        hc->gc_enabled = json_is_true(en);
    for (size_t i = 0; th && i < 3; i++) {
        json_t *x = json_array_get(th, i);
        if (!json_is_integer(x) || json_integer_value(x) < INT32_MIN ||
            json_integer_value(x) > INT32_MAX)
            return hd_call_bad(c, "graph", "gc.thresholds[%zu]: -2^31 .. 2^31-1", i);
        hc->thresholds[i] = (int)json_integer_value(x);
    }
    static const char *const names[] = {"stats", "collectable", "uncollectable", "saveall"};
    static const unsigned bits[] = {HD_GC_DEBUG_STATS, HD_GC_DEBUG_COLLECTABLE,
                                    HD_GC_DEBUG_UNCOLLECTABLE, HD_GC_DEBUG_SAVEALL};
    for (size_t i = 0; i < json_array_size(dbg); i++) {
        const char *f = json_string_value(json_array_get(dbg, i));
        unsigned b = 0;
        for (int k = 0; f && k < 4; k++)
            if (strcmp(f, names[k]) == 0)
                b = bits[k];
        if (!b)
            return hd_call_bad(c, "graph", "gc.debug[%zu]: not a debug flag", i);
        *debug |= b;
    }
    return 0;
}

/* the server-held classes of a state file: node ids to keep alive */
static int read_held(hd_call_t *c, const json_t *held, uint64_t **ids, const char ***names,
                     size_t *n)
{
    *n = json_array_size(held);
    *ids = calloc(*n ? *n : 1, sizeof **ids);
    *names = calloc(*n ? *n : 1, sizeof **names);
    if (!*ids || !*names)
        return hd_call_errno(c, HD_ENOMEM, NULL);
    for (size_t i = 0; i < *n; i++) {
        const json_t *e = json_array_get(held, i);
        const json_t *id = json_object_get(e, "id");
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!json_is_integer(id) || json_integer_value(id) < 1 || !name ||
            !hd_proto_name_valid(name, strlen(name)))
            return hd_call_bad(c, "classes", "classes[%zu]: {name, id}", i);
        (*ids)[i] = (uint64_t)json_integer_value(id);
        (*names)[i] = name;
    }
    return 0;
}

/* hold the kept classes as the server's own (their references move to sh) */
static int hold_classes(hd_call_t *c, hd_sheap_t *sh, hd_obj_t **kept, const char **names, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!kept[i])
            continue;
        if (rc == 0 && hd_obj_type(kept[i]) == HD_T_CLASS)
            rc = hd_sheap_hold_class(sh, names[i], kept[i]);
        else
            hd_obj_decref(sh->heap, kept[i]);
    }
    return rc ? hd_call_errno(c, rc, NULL) : 0;
}

/* import_why: what the node (or script slot) at index bad of an import
 * that failed with HD_EINVAL is */
static void import_why(const imp_t *im, size_t bad, char *why, size_t whylen)
{
    if (bad < im->n)
        snprintf(why, whylen, "objects[%zu] (%s) cannot be rebuilt by import", bad,
                 hd_type_name(im->nodes[bad].type));
    else if (bad - im->n < im->nroots)
        snprintf(why, whylen, "script: slot '%s' cannot be restored", im->roots[bad - im->n].slot);
    else
        snprintf(why, whylen, "script: the state lacks objects a run needs");
}

int hd_graph_restore(hd_call_t *c, const char *name, const json_t *g, hd_heap_config_t *hc,
                     const json_t *held, hd_sheap_t **out)
{
    const hd_limits_t *lim = &c->srv->cfg.limits;
    unsigned debug = 0;
    imp_t im = {0};
    uint64_t *keep = NULL;
    const char **keep_names = NULL;
    hd_obj_t **kept = NULL;
    size_t nkeep = 0;
    int rc = -1;
    if (read_graph(c, g, &im) != 0 || read_gc(c, g, hc, &debug) != 0 ||
        read_held(c, held, &keep, &keep_names, &nkeep) != 0)
        goto out;
    if (c->srv->nheaps >= lim->heaps) {
        hd_call_limit(c, "heaps", lim->heaps);
        goto out;
    }
    if (!(kept = calloc(nkeep ? nkeep : 1, sizeof *kept))) {
        hd_call_errno(c, HD_ENOMEM, NULL);
        goto out;
    }
    hd_sheap_t *sh;
    if ((rc = hd_heaps_create_quiet(c->srv, name, hc, &sh)) != 0) {
        hd_call_errno(c, rc, NULL);
        goto out;
    }
    c->sh = sh;
    c->h = sh->heap;
    c->objects_refused = hd_heap_objects_refused(c->h);
    hd_gc_set_debug(sh->heap, debug);
    size_t bad = 0;
    rc = hd_graph_import_ex(sh->heap, im.nodes, im.n, im.names, im.nnames, im.roots, im.nroots,
                            keep, nkeep, kept, &bad);
    if (rc == HD_EINVAL) {
        char why[160];
        import_why(&im, bad, why, sizeof why);
        hd_call_bad(c, "graph", "%s", why);
    } else if (rc)
        hd_call_errno(c, rc, NULL);
    else
        rc = hold_classes(c, sh, kept, keep_names, nkeep);
    if (rc) {
        hd_heaps_drop_quiet(c->srv, sh);
        c->sh = NULL;
        c->h = NULL;
        goto out;
    }
    hd_heaps_announce(c->srv, sh);
    *out = sh;
out:
    imp_free(&im);
    free(keep);
    free(keep_names);
    free(kept);
    return rc ? -1 : 0;
}

int hd_m_heap_import(hd_call_t *c)
{
    const hd_limits_t *lim = &c->srv->cfg.limits;
    const char *name;
    const json_t *g = hd_param(c, "graph");
    hd_heap_config_t hc;
    hd_heap_config_default(&hc);
    hc.max_bytes = lim->heap_bytes;
    hc.max_objects = lim->heap_objects;
    if (hd_param_str(c, "heap", true, &name) != 0)
        return -1;
    if (!g)
        return hd_call_bad(c, "graph", "required");
    hd_sheap_t *sh;
    if (hd_graph_restore(c, name, g, &hc, NULL, &sh) != 0)
        return -1;
    hd_persist_heap_created(c->srv, sh);
    c->result = hd_sheap_info(sh);
    return 0;
}

int hd_graph_check(hd_server_t *srv, const json_t *g, const hd_heap_config_t *hc, char *why,
                   size_t whylen)
{
    hd_call_t c;
    memset(&c, 0, sizeof c);
    c.srv = srv;
    imp_t im = {0};
    hd_heap_config_t cfg = *hc;
    unsigned debug = 0;
    int rc = HD_EINVAL;
    if (read_graph(&c, g, &im) != 0 || read_gc(&c, g, &cfg, &debug) != 0) {
        snprintf(why, whylen, "%s", c.message);
        rc = c.code == HD_RPC_INVALID_PARAMS ? HD_EINVAL : HD_ENOMEM;
    } else {
        hd_mem_t mem;
        hd_mem_init_default(&mem);
        hd_heap_t *h;
        size_t bad = 0;
        if ((rc = hd_heap_new(&mem, &cfg, &h)) == 0) {
            rc = hd_graph_import_ex(h, im.nodes, im.n, im.names, im.nnames, im.roots, im.nroots,
                                    NULL, 0, NULL, &bad);
            hd_heap_free(h);
        }
        if (rc == HD_EINVAL)
            import_why(&im, bad, why, whylen);
        else if (rc)
            snprintf(why, whylen, "a trial import failed: %s", hd_strerror(rc));
    }
    imp_free(&im);
    json_decref(c.data);
    return rc;
}
