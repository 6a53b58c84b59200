/*
 * values.c: the protocol's targets, values and object summaries, mapped to
 * the runtime.
 *
 *   target   "a" -> hd_ns_get; 17 -> hd_heap_find
 *   value    null/true/false -> hd_none/hd_bool; a JSON integer -> int, a
 *            JSON real -> float; a string -> str; {"name":"a"}, {"id":17};
 *            {"new":TYPE, ...} -> a new object built like obj.new
 *
 * Every value is walked twice: once with `dry` set, which checks everything
 * (types, names and ids exist, classes are valid names, dict keys and set
 * items are hashable, ints fit) and creates nothing; then for real, which
 * can then fail only for memory or a heap limit. A failed real build drops
 * what it made, and hd_val_undo forgets the classes it created, so a request
 * never leaves half a value behind.
 *
 * Containers are built the way CPython's BUILD_LIST/BUILD_MAP/BUILD_SET
 * build a literal: the items first, then the container at its literal size
 * (a list of three or more constants as the compiler folds it: see
 * constant_list).
 * An instance's attribute values are built before the instance, so a failure
 * never has to destroy an instance whose __del__ would then run.
 */
#include "dispatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hd_proto.h"

#define HD_REPR_LEN   200  /* longest repr in a summary, bytes */
#define HD_INT_DIGITS 4300 /* CPython 3.11's default int max_str_digits */
#define HD_CLASS_MAX  128  /* longest class name, bytes */

typedef struct walk {
    hd_call_t *c;
    bool dry;
} walk_t;

static int value(walk_t *w, const json_t *v, const char *param, hd_obj_t **out, bool *hashable);
static int spec(walk_t *w, const json_t *s, const char *key, const char *param, bool top,
                hd_obj_t **out, bool *hashable);

/* ---- summaries ---- */

/* replace bytes that are not valid UTF-8 (a repr cut inside a character)
 * with '?' so that the text can go into JSON */
static void utf8_fix(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;
        bool ok = n >= 0;
        for (int i = 1; ok && i <= n; i++)
            ok = (p[i] & 0xc0) == 0x80;
        if (!ok) {
            *p++ = '?';
            continue;
        }
        p += n + 1;
    }
}

json_t *hd_summary(hd_heap_t *h, hd_obj_t *o, bool with_generation)
{
    uint64_t id = hd_obj_id(h, o);
    if (id == 0)
        return NULL;
    char repr[HD_REPR_LEN + 1];
    hd_obj_repr(h, o, repr, sizeof repr);
    utf8_fix(repr);
    int type = hd_obj_type(o);
    json_t *j = json_object(); /* member by member: see hd_json_set */
    int failed = !j;
    if (j) {
        hd_json_set(j, "id", json_integer((json_int_t)id), &failed);
        hd_json_set(j, "addr", json_integer((json_int_t)hd_obj_addr(h, o)), &failed);
        hd_json_set(j, "type", json_string(hd_type_name(type)), &failed);
        hd_json_set(j, "size", json_integer((json_int_t)hd_obj_sizeof(h, o)), &failed);
        hd_json_set(j, "refcount", json_integer((json_int_t)hd_obj_refcount(o)), &failed);
        hd_json_set(j, "tracked", json_boolean(hd_obj_is_tracked(o)), &failed);
        hd_json_set(j, "repr", json_string(repr), &failed);
        if (type == HD_T_INSTANCE)
            hd_json_set(j, "class", json_string(hd_obj_type_name(h, o)), &failed);
        if (hd_obj_is_tracked(o))
            hd_json_set(j, "generation", json_integer(hd_obj_generation(h, o)), &failed);
    }
    if (failed) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* buf += "," "\"" key "\":" (key: a literal without escapes) */
static int text_key(hd_proto_buf_t *buf, const char *key, bool first)
{
    char tmp[32];
    size_t n = strlen(key);
    if (n + 4 > sizeof tmp)
        return HD_EINVAL;
    size_t k = 0;
    if (!first)
        tmp[k++] = ',';
    tmp[k++] = '"';
    memcpy(tmp + k, key, n);
    k += n;
    tmp[k++] = '"';
    tmp[k++] = ':';
    return hd_proto_buf_append(buf, tmp, k);
}

static int text_int(hd_proto_buf_t *buf, const char *key, int64_t v)
{
    return text_key(buf, key, false) || hd_proto_buf_int(buf, v) ? HD_ENOMEM : 0;
}

static int text_str(hd_proto_buf_t *buf, const char *key, const char *v)
{
    int rc;
    if (!v)
        return HD_EINVAL; /* json_string(NULL) fails: hd_summary answers */
    if ((rc = text_key(buf, key, false)) != 0)
        return rc;
    return hd_proto_buf_string(buf, v, strlen(v));
}

/* the members and order of hd_summary, as text */
int hd_summary_text(hd_heap_t *h, hd_obj_t *o, hd_proto_buf_t *buf)
{
    uint64_t id = hd_obj_id(h, o);
    if (id == 0)
        return HD_EINVAL;
    char repr[HD_REPR_LEN + 1];
    hd_obj_repr(h, o, repr, sizeof repr);
    utf8_fix(repr);
    int type = hd_obj_type(o);
    bool tracked = hd_obj_is_tracked(o);
    size_t mark = buf->len;
    int rc = hd_proto_buf_append(buf, "{\"id\":", 6);
    if (!rc)
        rc = hd_proto_buf_int(buf, (int64_t)id);
    if (!rc)
        rc = text_int(buf, "addr", (int64_t)hd_obj_addr(h, o));
    if (!rc)
        rc = text_str(buf, "type", hd_type_name(type));
    if (!rc)
        rc = text_int(buf, "size", (int64_t)hd_obj_sizeof(h, o));
    if (!rc)
        rc = text_int(buf, "refcount", (int64_t)hd_obj_refcount(o));
    if (!rc)
        rc = text_key(buf, "tracked", false);
    if (!rc)
        rc = tracked ? hd_proto_buf_append(buf, "true", 4) : hd_proto_buf_append(buf, "false", 5);
    if (!rc)
        rc = text_str(buf, "repr", repr);
    if (!rc && type == HD_T_INSTANCE)
        rc = text_str(buf, "class", hd_obj_type_name(h, o));
    if (!rc && tracked)
        rc = text_int(buf, "generation", (int64_t)hd_obj_generation(h, o));
    if (!rc)
        rc = hd_proto_buf_append(buf, "}", 1);
    if (rc)
        hd_proto_buf_truncate(buf, mark);
    return rc;
}

json_t *hd_summary_or_null(hd_heap_t *h, hd_obj_t *o)
{
    return o ? hd_summary(h, o, false) : json_null();
}

/* ---- targets ---- */

int hd_val_target(hd_call_t *c, const json_t *t, const char *param, hd_obj_t **out)
{
    if (json_is_string(t)) {
        const char *name = json_string_value(t);
        if (!hd_proto_name_valid(name, json_string_length(t)))
            return hd_call_bad(c, param, "a name is an identifier: [A-Za-z_][A-Za-z0-9_]*");
        if (hd_ns_get(c->h, name, out) != 0)
            return hd_call_fail(c, HD_RPC_NAME_ERROR, json_pack("{s:s}", "name", name),
                                "name '%s' is not defined", name);
        return 0;
    }
    if (json_is_integer(t)) {
        json_int_t id = json_integer_value(t);
        if (id <= 0 || hd_heap_find(c->h, (uint64_t)id, out) != 0)
            return hd_call_fail(c, HD_RPC_OBJECT_NOT_FOUND, json_pack("{s:I}", "id", id),
                                "object %lld not found", (long long)id);
        return 0;
    }
    return hd_call_bad(c, param, "a target is a name (string) or an object id (integer)");
}

/* ---- atoms ---- */

/* a decimal string into an int (Python's int("...")) */
static int int_from_text(walk_t *w, const char *s, const char *param, hd_obj_t **out)
{
    int sign = 1;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    size_t n = strlen(s);
    if (n == 0 || n > HD_INT_DIGITS || strspn(s, "0123456789") != n)
        return hd_call_bad(w->c, param,
                           "an int is a JSON integer or a string of at most %d "
                           "decimal digits",
                           HD_INT_DIGITS);
    if (w->dry)
        return 0;
    uint32_t *d = calloc(n / 9 + 2, sizeof *d); /* 30-bit digits, least significant first */
    if (!d)
        return hd_call_errno(w->c, HD_ENOMEM, NULL);
    size_t nd = 0;
    for (const char *p = s; *p; p++) {
        uint64_t carry = (uint64_t)(*p - '0');
        for (size_t i = 0; i < nd; i++) {
            uint64_t x = (uint64_t)d[i] * 10 + carry;
            d[i] = (uint32_t)(x & 0x3fffffff);
            carry = x >> 30;
        }
        if (carry)
            d[nd++] = (uint32_t)carry;
    }
    int rc = hd_int_from_digits(w->c->h, nd ? sign : 0, d, nd, out);
    free(d);
    return rc ? hd_call_errno(w->c, rc, NULL) : 0;
}

static int float_value(walk_t *w, const json_t *v, const char *param, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0 || strcmp(s, "nan") == 0) {
        *out = s[0] == 'n' ? NAN : s[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    return hd_call_bad(w->c, param, "a float is a JSON number, \"inf\", \"-inf\" or \"nan\"");
}

/* a string of code points below U+0100 into bytes, one byte each */
static int bytes_value(walk_t *w, const json_t *v, const char *param, hd_obj_t **out)
{
    if (!json_is_string(v))
        return hd_call_bad(w->c, param, "bytes are given as a string");
    const unsigned char *s = (const unsigned char *)json_string_value(v);
    size_t len = json_string_length(v), n = 0;
    unsigned char *buf = w->dry ? NULL : malloc(len + 1);
    if (!w->dry && !buf)
        return hd_call_errno(w->c, HD_ENOMEM, NULL);
    for (size_t i = 0; i < len; i++) {
        unsigned ch = s[i];
        if (ch >= 0x80) {
            if ((ch & 0xe0) != 0xc0 || ch > 0xc3) {
                free(buf);
                return hd_call_bad(w->c, param, "bytes: every character must be below U+0100");
            }
            ch = ((ch & 0x1f) << 6) | (s[++i] & 0x3f);
        }
        if (buf)
            buf[n] = (unsigned char)ch;
        n++;
    }
    if (w->dry)
        return 0;
    int rc = hd_bytes_new(w->c->h, buf, n, out);
    free(buf);
    return rc ? hd_call_errno(w->c, rc, NULL) : 0;
}

static int atom(walk_t *w, int type, const json_t *v, const char *param, hd_obj_t **out)
{
    hd_heap_t *h = w->c->h;
    int rc = 0;
    if (type == HD_T_INT) {
        if (json_is_string(v))
            return int_from_text(w, json_string_value(v), param, out);
        if (v && !json_is_integer(v))
            return hd_call_bad(w->c, param, "an int is a JSON integer or a string of digits");
        if (!w->dry)
            rc = hd_int_from_i64(h, v ? json_integer_value(v) : 0, out);
    } else if (type == HD_T_FLOAT) {
        double d = 0.0;
        if (v && float_value(w, v, param, &d) != 0)
            return -1;
        if (!w->dry)
            rc = hd_float_new(h, d, out);
    } else if (type == HD_T_STR) {
        if (v && !json_is_string(v))
            return hd_call_bad(w->c, param, "a str is a JSON string");
        if (!w->dry)
            rc = hd_str_new(h, v ? json_string_value(v) : "", v ? json_string_length(v) : 0, out);
    } else if (type == HD_T_BYTES) {
        if (v)
            return bytes_value(w, v, param, out);
        if (!w->dry)
            rc = hd_bytes_new(h, "", 0, out);
    } else if (!w->dry) {
        rc = hd_object_new(h, out);
    }
    return rc ? hd_call_errno(w->c, rc, NULL) : 0;
}

/* ---- containers ---- */

static void drop_all(hd_heap_t *h, hd_obj_t **objs, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (objs[i])
            hd_obj_decref(h, objs[i]);
}

/* build items (a JSON array of values) into objs; hashable items required
 * when `keys` */
static int items_build(walk_t *w, const json_t *items, const char *param, bool keys,
                       hd_obj_t **objs, bool *all_hashable)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool hashable = true;
        if (value(w, it, param, w->dry ? NULL : &objs[i], &hashable) != 0) {
            if (!w->dry)
                drop_all(w->c->h, objs, i);
            return -1;
        }
        if (keys && !hashable)
            return hd_call_fail(w->c, HD_RPC_TYPE_ERROR, hd_proto_data_type("unhashable"),
                                "%s[%zu]: unhashable type", param, i);
        *all_hashable = *all_hashable && hashable;
    }
    return 0;
}

/* the number of items when every item is a constant (null, a boolean, a
 * number, a string), else 0 */
static size_t constants(const json_t *items)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) if (json_is_object(it) || json_is_array(it)) return 0;
    return json_array_size(items);
}

/* A list display of three or more constants, as CPython 3.11 compiles it:
 * BUILD_LIST 0, LOAD_CONST (a tuple), LIST_EXTEND, so the list is
 * over-allocated as list.extend leaves it (sys.getsizeof([1, 2, 3]) is 88,
 * not the 80 of [a, b, c]). The constant tuple is a temporary here (in
 * CPython it lives in the code object), freed at once. */
static int constant_list(hd_heap_t *h, size_t n, hd_obj_t *const *items, hd_obj_t **out)
{
    hd_obj_t *tuple, *list;
    int rc = hd_tuple_new(h, n, items, &tuple);
    if (rc)
        return rc;
    if ((rc = hd_list_new(h, 0, NULL, &list)) == 0 && (rc = hd_list_extend(h, list, tuple)) != 0)
        hd_obj_decref(h, list);
    hd_obj_decref(h, tuple);
    if (rc == 0)
        *out = list;
    return rc;
}

static int sequence(walk_t *w, int type, const json_t *items, const char *param, hd_obj_t **out,
                    bool *hashable)
{
    if (items && !json_is_array(items))
        return hd_call_bad(w->c, param, "items: expected an array of values");
    size_t n = items ? json_array_size(items) : 0;
    hd_obj_t **objs = w->dry || n == 0 ? NULL : calloc(n, sizeof *objs);
    if (!w->dry && n && !objs)
        return hd_call_errno(w->c, HD_ENOMEM, NULL);
    bool all = true;
    if (items && items_build(w, items, param, type == HD_T_SET, objs, &all) != 0) {
        free(objs);
        return -1;
    }
    *hashable = type == HD_T_TUPLE && all;
    int rc = 0;
    if (!w->dry) {
        rc = type == HD_T_TUPLE                           ? hd_tuple_new(w->c->h, n, objs, out)
             : type == HD_T_LIST && constants(items) >= 3 ? constant_list(w->c->h, n, objs, out)
             : type == HD_T_LIST                          ? hd_list_new(w->c->h, n, objs, out)
                                                          : hd_set_new(w->c->h, n, objs, out);
        drop_all(w->c->h, objs, n);
    }
    free(objs);
    return rc ? hd_call_errno(w->c, rc, NULL) : 0;
}

static int dict(walk_t *w, const json_t *items, const char *param, hd_obj_t **out)
{
    if (items && !json_is_array(items))
        return hd_call_bad(w->c, param, "items: expected [[key, value], ...]");
    size_t n = items ? json_array_size(items) : 0, i;
    json_t *pair;
    json_array_foreach(items, i,
                       pair) if (!json_is_array(pair) ||
                                 json_array_size(pair) !=
                                     2) return hd_call_bad(w->c, param,
                                                           "items[%zu]: expected [key, value]", i);
    hd_obj_t **kv = w->dry || n == 0 ? NULL : calloc(2 * n, sizeof *kv);
    if (!w->dry && n && !kv)
        return hd_call_errno(w->c, HD_ENOMEM, NULL);
    int rc = 0;
    json_array_foreach(items, i, pair)
    {
        bool hashable = true, ignored;
        if (value(w, json_array_get(pair, 0), param, kv ? &kv[i] : NULL, &hashable) != 0 ||
            (hashable ? 0
                      : hd_call_fail(w->c, HD_RPC_TYPE_ERROR, hd_proto_data_type("unhashable"),
                                     "%s[%zu]: unhashable key", param, i)) != 0 ||
            value(w, json_array_get(pair, 1), param, kv ? &kv[n + i] : NULL, &ignored) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && !w->dry && (rc = hd_dict_new(w->c->h, n, kv, kv + n, out)) != 0)
        rc = hd_call_errno(w->c, rc, NULL);
    if (kv)
        drop_all(w->c->h, kv, 2 * n);
    free(kv);
    return rc;
}

/* ---- instances ---- */

static int check_class(walk_t *w, const json_t *cls, const char *param)
{
    if (!json_is_string(cls) || json_string_length(cls) > HD_CLASS_MAX ||
        !hd_proto_name_valid(json_string_value(cls), json_string_length(cls)))
        return hd_call_bad(w->c, param, "class: a class name is an identifier of at most %d bytes",
                           HD_CLASS_MAX);
    return 0;
}

static int get_class(walk_t *w, const char *name, bool has_del, hd_obj_t **cls)
{
    hd_call_t *c = w->c;
    bool created;
    int rc = hd_sheap_class(c->sh, name, has_del, cls, &created);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    if (created && c->n_new_classes < HD_CALL_MAX_NEW_CLASSES)
        c->new_classes[c->n_new_classes++] = hd_class_name(*cls);
    return 0;
}

static int instance(walk_t *w, const json_t *s, const char *param, hd_obj_t **out)
{
    const json_t *cls = json_object_get(s, "class"), *attrs = json_object_get(s, "attrs");
    const json_t *fin = json_object_get(s, "finalizer");
    if (!cls)
        return hd_call_bad(w->c, param, "class: required for an instance");
    if (check_class(w, cls, param) != 0)
        return -1;
    if (fin && !json_is_boolean(fin))
        return hd_call_bad(w->c, param, "finalizer: expected true or false");
    if (attrs && !json_is_object(attrs))
        return hd_call_bad(w->c, param, "attrs: expected an object {name: value}");
    size_t n = attrs ? json_object_size(attrs) : 0, i = 0;
    hd_obj_t **vals = w->dry || n == 0 ? NULL : calloc(n, sizeof *vals);
    if (!w->dry && n && !vals)
        return hd_call_errno(w->c, HD_ENOMEM, NULL);
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach((json_t *)attrs, key, v)
    {
        bool ignored;
        if (!hd_proto_name_valid(key, strlen(key)))
            rc = hd_call_bad(w->c, param, "attrs: '%s' is not an identifier", key);
        else
            rc = value(w, v, param, vals ? &vals[i] : NULL, &ignored);
        if (rc)
            break;
        i++;
    }
    hd_obj_t *o = NULL, *klass;
    if (rc == 0 && !w->dry &&
        (rc = get_class(w, json_string_value(cls), json_is_true(fin), &klass)) == 0 &&
        (rc = hd_instance_new(w->c->h, klass, json_is_true(fin), &o)) != 0)
        rc = hd_call_errno(w->c, rc, NULL);
    i = 0;
    json_object_foreach((json_t *)attrs, key, v)
    {
        if (rc == 0 && o && (rc = hd_obj_setattr(w->c->h, o, key, vals[i])) != 0)
            rc = hd_call_errno(w->c, rc, NULL);
        i++;
    }
    if (vals)
        drop_all(w->c->h, vals, n);
    free(vals);
    if (rc && o)
        hd_obj_decref(w->c->h, o);
    else if (o)
        *out = o;
    return rc ? -1 : 0;
}

/* ---- specs and values ---- */

static const char *const type_names[] = {"int",  "float", "str", "bytes",  "tuple",
                                         "list", "dict",  "set", "object", "instance"};

/* k equals w: strcmp with the first byte compared inline (most keys
 * differ there), as spec_fields_ok compares each key with up to nine */
static inline bool key_eq(const char *k, const char *w)
{
    return k[0] == w[0] && strcmp(k, w) == 0;
}

/* the type named by tj (a string), or -1; hd_type_from_name's answer for
 * each name is kept after its first use */
static int spec_type(const json_t *tj)
{
    static int known[sizeof type_names / sizeof *type_names]; /* type + 1; 0: not asked yet */
    if (!json_is_string(tj))
        return -1;
    const char *name = json_string_value(tj);
    for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
        if (key_eq(name, type_names[i])) {
            if (!known[i])
                known[i] = hd_type_from_name(type_names[i]) + 1;
            return known[i] - 1;
        }
    return -1;
}

static int spec_fields_ok(walk_t *w, const json_t *s, const char *key, int type, const char *param,
                          bool top)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)s, k, v)
    {
        bool ok = key_eq(k, key) ||
                  (top && (key_eq(k, "heap") || key_eq(k, "site") || key_eq(k, "bind")));
        if (!ok && key_eq(k, "value"))
            ok = type == HD_T_INT || type == HD_T_FLOAT || type == HD_T_STR || type == HD_T_BYTES;
        if (!ok && key_eq(k, "items"))
            ok = type == HD_T_TUPLE || type == HD_T_LIST || type == HD_T_SET || type == HD_T_DICT;
        if (!ok && (key_eq(k, "class") || key_eq(k, "attrs") || key_eq(k, "finalizer")))
            ok = type == HD_T_INSTANCE;
        if (!ok)
            return hd_call_bad(w->c, top ? k : param, "not a field of a new %s",
                               hd_type_name(type));
    }
    return 0;
}

static int spec(walk_t *w, const json_t *s, const char *key, const char *param, bool top,
                hd_obj_t **out, bool *hashable)
{
    int type = spec_type(json_object_get(s, key));
    if (type < 0)
        return hd_call_bad(w->c, top ? key : param,
                           "%s: one of int float str bytes tuple list dict set object instance",
                           key);
    if (spec_fields_ok(w, s, key, type, param, top) != 0)
        return -1;
    const json_t *items = json_object_get(s, "items");
    *hashable = type != HD_T_LIST && type != HD_T_DICT && type != HD_T_SET;
    switch (type) {
    case HD_T_TUPLE:
    case HD_T_LIST:
    case HD_T_SET:
        return sequence(w, type, items, top ? "items" : param, out, hashable);
    case HD_T_DICT:
        return dict(w, items, top ? "items" : param, out);
    case HD_T_INSTANCE:
        return instance(w, s, top ? "class" : param, out);
    default:
        return atom(w, type, json_object_get(s, "value"), top ? "value" : param, out);
    }
}

static int reference(walk_t *w, const json_t *v, const char *param, hd_obj_t **out, bool *hashable)
{
    const json_t *name = json_object_get(v, "name"), *id = json_object_get(v, "id");
    if (json_object_size(v) != 1 || (name && !json_is_string(name)) || (id && !json_is_integer(id)))
        return hd_call_bad(w->c, param, "a reference is {\"name\": STRING} or {\"id\": INTEGER}");
    hd_obj_t *o;
    if (hd_val_target(w->c, name ? name : id, param, &o) != 0)
        return -1;
    int64_t hash;
    *hashable = hd_obj_hash(w->c->h, o, &hash) == 0;
    if (!w->dry) {
        hd_obj_incref(o);
        *out = o;
    }
    return 0;
}

static int value(walk_t *w, const json_t *v, const char *param, hd_obj_t **out, bool *hashable)
{
    hd_heap_t *h = w->c->h;
    *hashable = true;
    switch (json_typeof(v)) {
    case JSON_NULL:
        if (!w->dry)
            hd_none(h, out);
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        if (!w->dry)
            hd_bool(h, json_is_true(v), out);
        return 0;
    case JSON_INTEGER:
        return atom(w, HD_T_INT, v, param, out);
    case JSON_REAL:
        return atom(w, HD_T_FLOAT, v, param, out);
    case JSON_STRING:
        return atom(w, HD_T_STR, v, param, out);
    case JSON_OBJECT:
        if (json_object_get(v, "new"))
            return spec(w, v, "new", param, false, out, hashable);
        return reference(w, v, param, out, hashable);
    default:
        return hd_call_bad(w->c, param,
                           "a value is null, a boolean, a number, a string, "
                           "{\"name\"}, {\"id\"} or {\"new\": TYPE, ...}");
    }
}

/* ---- the public wrappers ---- */

int hd_val_check(hd_call_t *c, const json_t *v, const char *param, bool *hashable)
{
    walk_t w = {c, true};
    bool hh;
    return value(&w, v, param, NULL, hashable ? hashable : &hh);
}

int hd_val_build(hd_call_t *c, const json_t *v, const char *param, hd_obj_t **out)
{
    walk_t w = {c, false};
    bool hh;
    *out = NULL;
    return value(&w, v, param, out, &hh);
}

int hd_val_check_spec(hd_call_t *c, const json_t *s, const char *key, const char *param)
{
    walk_t w = {c, true};
    bool hh;
    return spec(&w, s, key, param, strcmp(key, "type") == 0, NULL, &hh);
}

int hd_val_build_spec(hd_call_t *c, const json_t *s, const char *key, const char *param,
                      hd_obj_t **out)
{
    walk_t w = {c, false};
    bool hh;
    *out = NULL;
    return spec(&w, s, key, param, strcmp(key, "type") == 0, out, &hh);
}

void hd_val_undo(hd_call_t *c)
{
    for (int i = c->n_new_classes; i-- > 0;) {
        char name[HD_CLASS_MAX + 1];
        snprintf(name, sizeof name, "%s", c->new_classes[i]);
        hd_sheap_class_forget(c->sh, name);
    }
    c->n_new_classes = 0;
}
