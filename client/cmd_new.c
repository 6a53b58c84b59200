/*
 * cmd_new.c: `heapctl new HEAP TYPE [VALUE...] [--as NAME] [--class C]
 * [--del]` (obj.new).
 *
 * The words after TYPE depend on it: int/float/str/bytes take at most one
 * VALUE, written as the constructor would take it (`new demo str hello
 * world` is refused, `new demo str 'hello world'` makes that str, with
 * the shell's quotes); tuple/list/set take items in the value syntax; dict
 * takes KEY:VALUE items; instance takes NAME=VALUE attributes and needs
 * --class. Without --as the object is freed at once, as an unused
 * expression is in Python, and heapctl says so.
 */
#include <string.h>

#include "heapctl.h"
#include "out.h"
#include "value.h"

static const hc_optspec_t opts[] = {
    {"as", 1, "NAME       bind the new object to NAME (else it is freed at once)"},
    {"class", 1, "C        the class of an instance (created on first use)"},
    {"del", 0, "           the class has a __del__ (finalizer)"},
    {NULL, 0, NULL},
};

static const char *const types[] = {"int",  "float", "str", "bytes",  "tuple",
                                    "list", "dict",  "set", "object", "instance"};

static void print(hc_ctx_t *ctx, const json_t *r)
{
    hc_print_summary_line(ctx->out, r, ctx->color);
    if (json_is_true(json_object_get(r, "freed")))
        fprintf(stderr, "heapctl new: nothing refers to it, so it was freed at once "
                        "(use --as NAME to keep it)\n");
}

/* The VALUE of an atom type, as the constructor takes it. */
static json_t *atom_value(hc_ctx_t *ctx, const char *type, const char *s)
{
    if (strcmp(type, "str") == 0 || strcmp(type, "bytes") == 0) {
        json_t *v = json_string(s);
        if (!v)
            hc_usage_error(ctx, "the value is not valid UTF-8");
        return v;
    }
    json_t *v = hc_parse_value_arg(ctx, "VALUE", s);
    int ok = v && (strcmp(type, "int") == 0 ? json_is_integer(v) : json_is_number(v));
    if (v && !ok) {
        json_decref(v);
        hc_usage_error(ctx, "'%s' is not a%s %s", s, type[0] == 'i' ? "n" : "", type);
        return NULL;
    }
    if (v && json_is_integer(v) && strcmp(type, "float") == 0) {
        json_t *f = json_real((double)json_integer_value(v));
        json_decref(v);
        v = f;
    }
    return v;
}

/* Items (tuple, list, set, dict) or attributes (instance) from the words. */
static int add_items(hc_ctx_t *ctx, json_t *p, const char *type, const hc_args_t *a)
{
    int dict = strcmp(type, "dict") == 0, inst = strcmp(type, "instance") == 0;
    json_t *coll = inst ? json_object() : json_array();
    json_object_set_new(p, inst ? "attrs" : "items", coll);
    for (int i = 2; i < a->npos; i++) {
        char err[300], name[256];
        json_t *k = NULL, *v = NULL;
        int bad = dict   ? hc_pair_parse(a->pos[i], &k, &v, err, sizeof err)
                  : inst ? hc_attr_parse(a->pos[i], name, sizeof name, &v, err, sizeof err)
                         : hc_value_parse(a->pos[i], &v, err, sizeof err);
        if (bad)
            return hc_usage_error(ctx, "%s", err);
        if (dict)
            json_array_append_new(coll, json_pack("[o,o]", k, v));
        else if (inst)
            json_object_set_new(coll, name, v);
        else
            json_array_append_new(coll, v);
    }
    return 0;
}

static int build(hc_ctx_t *ctx, const hc_args_t *a, json_t *p)
{
    const char *type = a->pos[1], *as = hc_args_opt(a, "as"), *cls = hc_args_opt(a, "class");
    int known = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        known |= strcmp(types[i], type) == 0;
    if (!known)
        return hc_usage_error(ctx,
                              "TYPE must be one of int float str bytes tuple list dict set "
                              "object instance, not '%s'",
                              type);
    json_object_set_new(p, "type", json_string(type));
    int atom = strcmp(type, "int") == 0 || strcmp(type, "float") == 0 || strcmp(type, "str") == 0 ||
               strcmp(type, "bytes") == 0;
    if ((cls || hc_args_opt(a, "del")) && strcmp(type, "instance") != 0)
        return hc_usage_error(ctx, "--class and --del are for instances");
    if (strcmp(type, "instance") == 0 && !cls)
        return hc_usage_error(ctx, "an instance needs --class NAME");
    if (cls && !hc_ident_valid(cls))
        return hc_usage_error(ctx, "'%s' is not a class name", cls);
    if (as && !hc_ident_valid(as))
        return hc_usage_error(ctx, "'%s' is not a name ([A-Za-z_][A-Za-z0-9_]*)", as);
    if (cls)
        json_object_set_new(p, "class", json_string(cls));
    if (hc_args_opt(a, "del"))
        json_object_set_new(p, "finalizer", json_true());
    if (as)
        json_object_set_new(p, "bind", json_string(as));
    if (strcmp(type, "object") == 0 && a->npos > 2)
        return hc_usage_error(ctx, "an object takes no value");
    if (atom) {
        if (a->npos > 3)
            return hc_usage_error(ctx, "%s takes one VALUE (quote it if it has spaces)", type);
        json_t *v = a->npos == 3 ? atom_value(ctx, type, a->pos[2]) : json_null();
        if (!v)
            return HC_EXIT_USAGE;
        if (a->npos == 3)
            json_object_set_new(p, "value", v);
        return 0;
    }
    return strcmp(type, "object") == 0 ? 0 : add_items(ctx, p, type, a);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int rc;
    json_t *p = hc_heap_params(ctx, a->pos[0], &rc);
    if (!p)
        return rc;
    if ((rc = build(ctx, a, p)) != 0) {
        json_decref(p);
        return rc;
    }
    return hc_run(ctx, "obj.new", p, print);
}

const hc_cmd_t hc_cmd_new = {
    .name = "new",
    .usage = "HEAP TYPE [VALUE...] [--as NAME] [--class C] [--del]",
    .summary = "create an object (obj.new)",
    .help = "TYPE is int, float, str, bytes, tuple, list, dict, set, object or instance.\n"
            "  int/float/str/bytes VALUE   the value as the constructor takes it:\n"
            "                              new demo int 42; new demo str 'hello world'\n"
            "  tuple/list/set VALUE...     the items: new demo list 1 2.5 @a [3,4] 'x'\n"
            "  dict KEY:VALUE...           new demo dict a:1 \"'k 2'\":@b\n"
            "  instance NAME=VALUE...      new demo instance --class Node next=None --as n\n"
            "Values: @name, #id, None/True/False, numbers, 'quoted' str, b'bytes', [..] (..)\n"
            "{..} displays, and a bare word is a str (see heapctl(1), VALUES).\n",
    .opts = opts,
    .min_args = 2,
    .max_args = -1,
    .run = run,
};
