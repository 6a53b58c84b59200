/*
 * m_call.c: obj.call, the methods of lists, dicts and sets.
 *
 * One table row per method: the receiver's type, the name, how many
 * arguments it takes, which argument is an integer index rather than a value
 * (list.insert's and list.pop's), which must be hashable (dict keys, set
 * items), and the function that calls the runtime. Arguments are checked,
 * then built, then the runtime is called; what the method returns (a new
 * reference, or NULL for None) is bound to `bind` or released, as Python
 * releases an unused result.
 */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

#define MAX_ARGS 2

typedef struct call_args {
    hd_call_t *c;
    hd_obj_t *self;
    hd_obj_t *a[MAX_ARGS]; /* built arguments (NULL for index arguments) */
    int64_t index;         /* the integer index argument, when there is one */
    size_t n;              /* arguments given */
} call_args_t;

typedef int (*call_fn)(call_args_t *x, hd_obj_t **ret);

typedef struct call_row {
    int type;
    const char *name;
    int min, max;  /* argument count */
    int index_arg; /* position of an integer index argument, or -1 */
    int hash_arg;  /* position of an argument that must be hashable, or -1 */
    call_fn fn;
} call_row_t;

static int l_append(call_args_t *x, hd_obj_t **ret)
{
    return hd_list_append(x->c->h, x->self, x->a[0]);
}
static int l_insert(call_args_t *x, hd_obj_t **ret)
{
    return hd_list_insert(x->c->h, x->self, x->index, x->a[1]);
}
static int l_pop(call_args_t *x, hd_obj_t **ret)
{
    return hd_list_pop(x->c->h, x->self, x->n ? x->index : -1, ret);
}
static int l_remove(call_args_t *x, hd_obj_t **ret)
{
    return hd_list_remove(x->c->h, x->self, x->a[0]);
}
static int l_clear(call_args_t *x, hd_obj_t **ret)
{
    return hd_list_clear(x->c->h, x->self);
}
static int l_extend(call_args_t *x, hd_obj_t **ret)
{
    return hd_list_extend(x->c->h, x->self, x->a[0]);
}
static int l_index(call_args_t *x, hd_obj_t **ret)
{
    int64_t i;
    int rc = hd_list_index(x->c->h, x->self, x->a[0], &i);
    return rc ? rc : hd_int_from_i64(x->c->h, i, ret);
}
static int d_pop(call_args_t *x, hd_obj_t **ret)
{
    int rc = hd_dict_pop(x->c->h, x->self, x->a[0], ret);
    if (rc == HD_EKEY && x->n == 2) {
        hd_obj_incref(x->a[1]);
        *ret = x->a[1];
        return 0;
    }
    return rc;
}
static int d_get(call_args_t *x, hd_obj_t **ret)
{
    hd_obj_t *v;
    int rc = hd_dict_getitem(x->c->h, x->self, x->a[0], &v);
    if (rc == HD_EKEY) {
        v = x->n == 2 ? x->a[1] : NULL;
        rc = 0;
    }
    if (rc == 0 && v) {
        hd_obj_incref(v);
        *ret = v;
    }
    return rc;
}
static int d_setdefault(call_args_t *x, hd_obj_t **ret)
{
    hd_obj_t *dflt = x->a[1], *v;
    if (!dflt)
        hd_none(x->c->h, &dflt);
    else
        hd_obj_incref(dflt);
    int rc = hd_dict_setdefault(x->c->h, x->self, x->a[0], dflt, &v);
    hd_obj_decref(x->c->h, dflt);
    if (rc == 0) {
        hd_obj_incref(v);
        *ret = v;
    }
    return rc;
}
static int d_update(call_args_t *x, hd_obj_t **ret)
{
    return hd_dict_update(x->c->h, x->self, x->a[0]);
}
static int d_clear(call_args_t *x, hd_obj_t **ret)
{
    return hd_dict_clear(x->c->h, x->self);
}
static int d_keys(call_args_t *x, hd_obj_t **ret)
{
    return hd_dict_keys(x->c->h, x->self, ret);
}
static int s_add(call_args_t *x, hd_obj_t **ret)
{
    return hd_set_add(x->c->h, x->self, x->a[0]);
}
static int s_discard(call_args_t *x, hd_obj_t **ret)
{
    bool found;
    return hd_set_discard(x->c->h, x->self, x->a[0], &found);
}
static int s_pop(call_args_t *x, hd_obj_t **ret)
{
    return hd_set_pop(x->c->h, x->self, ret);
}
static int s_clear(call_args_t *x, hd_obj_t **ret)
{
    return hd_set_clear(x->c->h, x->self);
}

static const call_row_t rows[] = {
    {HD_T_LIST, "append", 1, 1, -1, -1, l_append},
    {HD_T_LIST, "insert", 2, 2, 0, -1, l_insert},
    {HD_T_LIST, "pop", 0, 1, 0, -1, l_pop},
    {HD_T_LIST, "remove", 1, 1, -1, -1, l_remove},
    {HD_T_LIST, "clear", 0, 0, -1, -1, l_clear},
    {HD_T_LIST, "extend", 1, 1, -1, -1, l_extend},
    {HD_T_LIST, "index", 1, 1, -1, -1, l_index},
    {HD_T_DICT, "pop", 1, 2, -1, 0, d_pop},
    {HD_T_DICT, "get", 1, 2, -1, 0, d_get},
    {HD_T_DICT, "setdefault", 1, 2, -1, 0, d_setdefault},
    {HD_T_DICT, "update", 1, 1, -1, -1, d_update},
    {HD_T_DICT, "clear", 0, 0, -1, -1, d_clear},
    {HD_T_DICT, "keys", 0, 0, -1, -1, d_keys},
    {HD_T_SET, "add", 1, 1, -1, 0, s_add},
    {HD_T_SET, "discard", 1, 1, -1, 0, s_discard},
    {HD_T_SET, "pop", 0, 0, -1, -1, s_pop},
    {HD_T_SET, "clear", 0, 0, -1, -1, s_clear},
};

static const call_row_t *find_row(int type, const char *name)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].type == type && strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

static int check_args(hd_call_t *c, const call_row_t *row, json_t *args)
{
    size_t n = json_array_size(args);
    if ((int)n < row->min || (int)n > row->max)
        return hd_call_bad(c, "args", "%s.%s takes %d to %d arguments", hd_type_name(row->type),
                           row->name, row->min, row->max);
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(args, i);
        bool hashable;
        if ((int)i == row->index_arg) {
            if (!json_is_integer(a))
                return hd_call_bad(c, "args", "args[%zu]: an index (an integer)", i);
            continue;
        }
        if (hd_val_check(c, a, "args", &hashable) != 0)
            return -1;
        if ((int)i == row->hash_arg && !hashable)
            return hd_call_fail(c, HD_RPC_TYPE_ERROR, hd_proto_data_type("unhashable"),
                                "args[%zu]: unhashable type", i);
    }
    return 0;
}

static void drop_args(call_args_t *x)
{
    for (int i = 0; i < MAX_ARGS; i++)
        if (x->a[i])
            hd_obj_decref(x->c->h, x->a[i]);
}

static int build_args(call_args_t *x, const call_row_t *row, json_t *args)
{
    for (size_t i = 0; i < x->n; i++) {
        json_t *a = json_array_get(args, i);
        if ((int)i == row->index_arg) {
            x->index = json_integer_value(a);
        } else if (hd_val_build(x->c, a, "args", &x->a[i]) != 0) {
            drop_args(x);
            hd_val_undo(x->c);
            return -1;
        }
    }
    return 0;
}

static int finish(hd_call_t *c, hd_obj_t *ret, const char *bind)
{
    if (bind) {
        hd_obj_t *none = NULL;
        if (!ret)
            hd_none(c->h, &none);
        int rc = hd_ns_bind(c->h, bind, ret ? ret : none);
        if (none)
            hd_obj_decref(c->h, none);
        if (rc) {
            if (ret)
                hd_obj_decref(c->h, ret);
            return hd_call_errno(c, rc, NULL);
        }
    }
    json_t *s = ret ? hd_summary(c->h, ret, false) : json_null();
    if (ret)
        hd_obj_decref(c->h, ret);
    c->result = s ? json_pack("{s:o}", "result", s) : NULL;
    return 0;
}

/* the error of a failed call as CPython words it: IndexError, KeyError, or
 * ValueError (-32602) for list.remove and list.index of a missing value */
static void call_key_error(hd_call_t *c, const call_row_t *row, json_t *args, hd_obj_t *key)
{
    if (row->type == HD_T_LIST && strcmp(row->name, "pop") == 0) {
        hd_call_key(c, "IndexError",
                    json_array_size(args) ? "pop index out of range" : "pop from empty list");
    } else if (row->type == HD_T_LIST) {
        hd_call_bad(c, "args",
                    strcmp(row->name, "remove") == 0 ? "list.remove(x): x not in list"
                                                     : "value is not in list");
    } else if (row->type == HD_T_SET) {
        hd_call_key(c, "KeyError", "pop from an empty set");
    } else if (json_array_size(args) == 0) {
        hd_call_key(c, "KeyError", "popitem(): dictionary is empty");
    } else {
        char repr[200] = "key";
        if (key)
            hd_obj_repr(c->h, key, repr, sizeof repr);
        hd_call_key(c, "KeyError", "%s", repr);
    }
}

int hd_m_obj_call(hd_call_t *c)
{
    hd_obj_t *self;
    const char *method, *bind = NULL;
    json_t *args = NULL;
    if (hd_val_target(c, hd_param(c, "target"), "target", &self) != 0 ||
        hd_param_str(c, "method", true, &method) != 0 ||
        hd_param_array(c, "args", false, &args) != 0 || hd_param_name(c, "bind", false, &bind))
        return -1;
    const call_row_t *row = find_row(hd_obj_type(self), method);
    if (!row)
        return hd_call_fail(c, HD_RPC_TYPE_ERROR,
                            hd_proto_data_type(hd_type_name(hd_obj_type(self))),
                            "'%s' object has no method '%s' (obj.call supports list, dict and "
                            "set methods)",
                            hd_type_name(hd_obj_type(self)), method);
    if (check_args(c, row, args) != 0)
        return -1;
    call_args_t x = {c, self, {NULL, NULL}, 0, json_array_size(args)};
    hd_obj_incref(self);
    hd_obj_t *ret = NULL;
    int rc = build_args(&x, row, args);
    if (rc == 0 && (rc = row->fn(&x, &ret)) != 0) {
        if (rc == HD_EKEY)
            call_key_error(c, row, args, x.a[0]);
        else if (rc == HD_ETYPE)
            hd_call_fail(c, HD_RPC_TYPE_ERROR, hd_proto_data_type(hd_type_name(row->type)),
                         "%s.%s: unsupported argument type", hd_type_name(row->type), row->name);
        else
            hd_call_errno(c, rc, NULL);
        drop_args(&x);
        hd_val_undo(c);
        hd_obj_decref(c->h, self);
        return -1;
    }
    if (rc == 0) {
        drop_args(&x);
        rc = finish(c, ret, bind);
    }
    hd_obj_decref(c->h, self);
    return rc;
}
