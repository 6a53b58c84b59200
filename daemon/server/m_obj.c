/*
 * m_obj.c: the methods on objects and names: obj.new, name.bind, name.del,
 * obj.get, obj.set, obj.del, obj.referents, obj.referrers, weakref.new and
 * weakref.get.
 *
 * A mutating method holds a reference to its target for the length of the
 * call (as a Python frame holds its locals): building a value may allocate,
 * an allocation may start an automatic collection, and a target found by id
 * may be part of unreachable garbage that the collection would otherwise
 * free under our feet.
 */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"

/* bind o (a new reference, consumed) to `bind` or release it, and answer
 * with its summary; "freed": true when releasing it freed it */
static int bind_or_release(hd_call_t *c, hd_obj_t *o, const char *bind)
{
    if (bind) {
        int rc = hd_ns_bind(c->h, bind, o);
        hd_obj_decref(c->h, o);
        if (rc) {
            hd_val_undo(c);
            return hd_call_errno(c, rc, NULL);
        }
        hd_obj_t *bound;
        /* the summary as text when the caller takes it (no tree to build,
         * dump and free), else, or when that fails, as a tree */
        if (hd_ns_get(c->h, bind, &bound) == 0 &&
            (!c->text_ok || hd_summary_text(c->h, bound, &c->text) != 0))
            c->result = hd_summary(c->h, bound, false);
        return 0;
    }
    json_t *before = hd_summary(c->h, o, false);
    uint64_t id = hd_obj_id(c->h, o);
    hd_obj_decref(c->h, o);
    hd_obj_t *still;
    if (hd_heap_find(c->h, id, &still) == 0) {
        /* a shared object (None, a small int, the empty tuple...) or one
         * that something else holds: not freed, described as it is now */
        json_decref(before);
        c->result = hd_summary(c->h, still, false);
        return 0;
    }
    if (before) {
        json_object_set_new(before, "refcount", json_integer(0));
        json_object_set_new(before, "freed", json_true());
    }
    c->result = before;
    return 0;
}

int hd_m_obj_new(hd_call_t *c)
{
    const char *bind = NULL;
    if (hd_param_name(c, "bind", false, &bind) != 0 ||
        hd_val_check_spec(c, c->params, "type", "type") != 0)
        return -1;
    hd_obj_t *o;
    if (hd_val_build_spec(c, c->params, "type", "type", &o) != 0) {
        hd_val_undo(c);
        return -1;
    }
    return bind_or_release(c, o, bind);
}

int hd_m_name_bind(hd_call_t *c)
{
    const char *name;
    json_t *v = hd_param(c, "value");
    if (hd_param_name(c, "name", true, &name) != 0)
        return -1;
    if (!v)
        return hd_call_bad(c, "value", "required");
    hd_obj_t *o;
    if (hd_val_check(c, v, "value", NULL) != 0)
        return -1;
    if (hd_val_build(c, v, "value", &o) != 0) {
        hd_val_undo(c);
        return -1;
    }
    return bind_or_release(c, o, name);
}

int hd_m_name_del(hd_call_t *c)
{
    json_t *arr;
    if (hd_param_array(c, "names", true, &arr) != 0)
        return -1;
    size_t n = json_array_size(arr);
    if (n == 0)
        return hd_call_bad(c, "names", "at least one name");
    const char **names = calloc(n, sizeof *names);
    if (!names)
        return hd_call_errno(c, HD_ENOMEM, NULL);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *v = json_array_get(arr, i);
        names[i] = json_string_value(v);
        if (!json_is_string(v) || !hd_proto_name_valid(names[i], json_string_length(v)))
            rc = hd_call_bad(c, "names", "names[%zu]: not an identifier", i);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(names[j], names[i]) == 0) /* del a, a: the second fails */
                rc = hd_call_fail(c, HD_RPC_NAME_ERROR, json_pack("{s:s}", "name", names[i]),
                                  "name '%s' is not defined", names[i]);
    }
    size_t missing = 0;
    if (rc == 0 && (rc = hd_ns_del_many(c->h, n, names, &missing)) != 0) {
        rc = rc == HD_ENAME
                 ? hd_call_fail(c, HD_RPC_NAME_ERROR, json_pack("{s:s}", "name", names[missing]),
                                "name '%s' is not defined", names[missing])
                 : hd_call_errno(c, rc, NULL);
    }
    free(names);
    if (rc == 0)
        c->result = json_object();
    return rc ? -1 : 0;
}

static int add_summary(hd_obj_t *o, void *arg)
{
    void **a = arg;
    return json_array_append_new(a[1], hd_summary(a[0], o, false)) ? HD_ENOMEM : 0;
}

/* summaries of what fn visits: referents or referrers */
static json_t *summaries(hd_heap_t *h, hd_obj_t *o,
                         int (*walk)(hd_heap_t *, hd_obj_t *, int (*)(hd_obj_t *, void *), void *))
{
    json_t *arr = json_array();
    void *a[2] = {h, arr};
    if (arr && walk(h, o, add_summary, a) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

int hd_m_obj_get(hd_call_t *c)
{
    hd_obj_t *o;
    if (hd_val_target(c, hd_param(c, "target"), "target", &o) != 0)
        return -1;
    json_t *s = hd_summary(c->h, o, true);
    json_t *refs = summaries(c->h, o, hd_obj_referents);
    if (!s || !refs) {
        json_decref(s);
        json_decref(refs);
        return hd_call_errno(c, HD_ENOMEM, NULL);
    }
    json_object_set_new(s, "referents", refs);
    json_object_set_new(s, "weakrefs", json_integer(hd_weakref_count(c->h, o)));
    json_object_set_new(s, "finalized", json_boolean(hd_obj_is_finalized(o)));
    c->result = s;
    return 0;
}

int hd_m_obj_referents(hd_call_t *c)
{
    hd_obj_t *o;
    if (hd_val_target(c, hd_param(c, "target"), "target", &o) != 0)
        return -1;
    json_t *arr = summaries(c->h, o, hd_obj_referents);
    c->result = arr ? json_pack("{s:o}", "objects", arr) : NULL;
    return 0;
}

int hd_m_obj_referrers(hd_call_t *c)
{
    hd_obj_t *o;
    hd_heap_totals_t t;
    hd_heap_totals(c->h, &t);
    if (hd_val_target(c, hd_param(c, "target"), "target", &o) != 0 || hd_call_busy(c, t.tracked))
        return -1;
    json_t *arr = summaries(c->h, o, hd_gc_get_referrers);
    c->result = arr ? json_pack("{s:o}", "objects", arr) : NULL;
    return 0;
}

/* ---- obj.set / obj.del ---- */

static bool has_attrs(int type)
{
    return type == HD_T_INSTANCE || type == HD_T_CLASS;
}

/* the key of obj.set/obj.del for a target of `type`: checked, not built */
static int check_key(hd_call_t *c, int type, const json_t *key, const char *what)
{
    if (!key)
        return hd_call_bad(c, "key", "required");
    if (has_attrs(type)) {
        if (!json_is_string(key) ||
            !hd_proto_name_valid(json_string_value(key), json_string_length(key)))
            return hd_call_bad(c, "key", "an attribute name (an identifier)");
        return 0;
    }
    if (type == HD_T_LIST) {
        if (!json_is_integer(key))
            return hd_call_bad(c, "key", "a list index (an integer)");
        return 0;
    }
    if (type == HD_T_DICT) {
        bool hashable;
        if (hd_val_check(c, key, "key", &hashable) != 0)
            return -1;
        if (!hashable)
            return hd_call_fail(c, HD_RPC_TYPE_ERROR, hd_proto_data_type("unhashable"),
                                "unhashable key");
        return 0;
    }
    return hd_call_fail(c, HD_RPC_TYPE_ERROR, hd_proto_data_type(hd_type_name(type)),
                        "'%s' object does not support %s", hd_type_name(type), what);
}

static int index_in_range(hd_call_t *c, hd_obj_t *list, int64_t i, const char *what)
{
    int64_t n = hd_len(list);
    if (i < -n || i >= n)
        return hd_call_key(c, "IndexError", "list %s index out of range", what);
    return 0;
}

static int set_item(hd_call_t *c, hd_obj_t *o, const json_t *key, const json_t *v)
{
    int type = hd_obj_type(o);
    hd_obj_t *val = NULL, *k = NULL;
    if (check_key(c, type, key, "item or attribute assignment") != 0 ||
        hd_val_check(c, v, "value", NULL) != 0 ||
        (type == HD_T_LIST && index_in_range(c, o, json_integer_value(key), "assignment") != 0))
        return -1;
    if ((type == HD_T_DICT && hd_val_build(c, key, "key", &k) != 0) ||
        hd_val_build(c, v, "value", &val) != 0) {
        if (k)
            hd_obj_decref(c->h, k);
        hd_val_undo(c);
        return -1;
    }
    int rc = has_attrs(type)     ? hd_obj_setattr(c->h, o, json_string_value(key), val)
             : type == HD_T_LIST ? hd_list_setitem(c->h, o, json_integer_value(key), val)
                                 : hd_dict_setitem(c->h, o, k, val);
    if (k)
        hd_obj_decref(c->h, k);
    hd_obj_decref(c->h, val);
    if (rc) {
        hd_val_undo(c);
        return hd_call_errno(c, rc, NULL);
    }
    c->result = json_object();
    return 0;
}

int hd_m_obj_set(hd_call_t *c)
{
    hd_obj_t *o;
    json_t *v = hd_param(c, "value");
    if (hd_val_target(c, hd_param(c, "target"), "target", &o) != 0)
        return -1;
    if (!v)
        return hd_call_bad(c, "value", "required");
    hd_obj_incref(o);
    int rc = set_item(c, o, hd_param(c, "key"), v);
    hd_obj_decref(c->h, o);
    return rc;
}

static int del_item(hd_call_t *c, hd_obj_t *o, const json_t *key)
{
    int type = hd_obj_type(o);
    if (check_key(c, type, key, "item or attribute deletion") != 0)
        return -1;
    hd_obj_t *k = NULL;
    int rc;
    if (has_attrs(type)) {
        rc = hd_obj_delattr(c->h, o, json_string_value(key));
    } else if (type == HD_T_LIST) {
        if (index_in_range(c, o, json_integer_value(key), "assignment") != 0)
            return -1;
        rc = hd_list_delitem(c->h, o, json_integer_value(key));
    } else {
        if (hd_val_build(c, key, "key", &k) != 0)
            return -1;
        rc = hd_dict_delitem(c->h, o, k);
        if (rc == HD_EKEY) { /* KeyError's message is the key's repr */
            char repr[200];
            hd_obj_repr(c->h, k, repr, sizeof repr);
            hd_obj_decref(c->h, k);
            return hd_call_key(c, "KeyError", "%s", repr);
        }
        hd_obj_decref(c->h, k);
    }
    if (rc == HD_EKEY && has_attrs(type))
        return hd_call_key(c, "AttributeError", "'%s' object has no attribute '%s'",
                           hd_obj_type_name(c->h, o), json_string_value(key));
    if (rc == HD_EKEY)
        return hd_call_key(c, "IndexError", "list assignment index out of range");
    if (rc)
        return hd_call_errno(c, rc, NULL);
    c->result = json_object();
    return 0;
}

int hd_m_obj_del(hd_call_t *c)
{
    hd_obj_t *o;
    if (hd_val_target(c, hd_param(c, "target"), "target", &o) != 0)
        return -1;
    hd_obj_incref(o);
    int rc = del_item(c, o, hd_param(c, "key"));
    hd_obj_decref(c->h, o);
    return rc;
}

/* ---- weak references ---- */

int hd_m_weakref_new(hd_call_t *c)
{
    const char *bind = NULL;
    bool callback = false;
    hd_obj_t *target, *wr;
    if (hd_param_name(c, "bind", true, &bind) != 0 || hd_param_bool(c, "callback", &callback) ||
        hd_val_target(c, hd_param(c, "target"), "target", &target) != 0)
        return -1;
    int rc = hd_weakref_new(c->h, target, NULL, callback, &wr);
    if (rc == HD_ETYPE) {
        char msg[200];
        hd_weakref_error(c->h, target, msg, sizeof msg);
        return hd_call_fail(c, HD_RPC_TYPE_ERROR,
                            hd_proto_data_type(hd_type_name(hd_obj_type(target))), "%s", msg);
    }
    if (rc)
        return hd_call_errno(c, rc, NULL);
    if (callback && (rc = hd_sheap_watch(c->sh, wr, target)) != 0) {
        hd_obj_decref(c->h, wr);
        return hd_call_errno(c, rc, NULL);
    }
    return bind_or_release(c, wr, bind);
}

int hd_m_weakref_get(hd_call_t *c)
{
    hd_obj_t *wr;
    if (hd_val_target(c, hd_param(c, "target"), "target", &wr) != 0)
        return -1;
    if (hd_obj_type(wr) != HD_T_WEAKREF)
        return hd_call_fail(c, HD_RPC_TYPE_ERROR, hd_proto_data_type(hd_type_name(hd_obj_type(wr))),
                            "not a weak reference");
    hd_obj_t *r = hd_weakref_get(wr);
    c->result =
        json_pack("{s:b, s:o}", "alive", r != NULL, "referent", hd_summary_or_null(c->h, r));
    return 0;
}
