/*
 * m_gc.c: the collector's methods: gc.collect, gc.get, gc.set, gc.garbage,
 * gc.garbage_clear, gc.freeze, gc.unfreeze and gc.dry_run, each the
 * counterpart of the gc module function of the same name.
 */
#include "dispatch.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gc.h"

static const struct {
    const char *name;
    unsigned bits;
} debug_flags[] = {
    {"stats", HD_GC_DEBUG_STATS},
    {"collectable", HD_GC_DEBUG_COLLECTABLE},
    {"uncollectable", HD_GC_DEBUG_UNCOLLECTABLE},
    {"saveall", HD_GC_DEBUG_SAVEALL},
    {"leak", HD_GC_DEBUG_LEAK},
};

/* objects a collection of generations 0..gen walks */
static uint64_t collected_size(hd_heap_t *h, int64_t gen)
{
    uint64_t n = 0;
    for (int g = 0; g <= gen; g++)
        n += hd_gc_generation_size(h, g);
    return n;
}

int hd_m_gc_collect(hd_call_t *c)
{
    int64_t gen = 2;
    if (hd_param_int(c, "generation", false, 0, 2, &gen) != 0 ||
        hd_call_busy(c, collected_size(c->h, gen)) != 0)
        return -1;
    hd_gc_result_t r;
    c->sh->manual_gc = true; /* stream.gc: not automatic */
    int rc = hd_gc_collect(c->h, (int)gen, &r);
    c->sh->manual_gc = false;
    if (rc)
        return hd_call_errno(c, rc, NULL);
    c->result = json_pack("{s:I, s:I, s:I, s:I}", "unreachable",
                          (json_int_t)(r.collected + r.uncollectable), "collected",
                          (json_int_t)r.collected, "uncollectable", (json_int_t)r.uncollectable,
                          "duration_us", (json_int_t)(r.duration_ns / 1000));
    return 0;
}

int hd_m_gc_get(hd_call_t *c)
{
    c->result = hd_sheap_gc_json(c->sh);
    return 0;
}

static int parse_debug(hd_call_t *c, json_t *arr, unsigned *flags)
{
    if (!json_is_array(arr))
        return hd_call_bad(c, "debug",
                           "an array of flags: stats, collectable, uncollectable, "
                           "saveall, leak");
    *flags = 0;
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        unsigned bits = 0;
        for (size_t k = 0; json_is_string(f) && k < sizeof debug_flags / sizeof *debug_flags; k++)
            if (strcmp(json_string_value(f), debug_flags[k].name) == 0)
                bits = debug_flags[k].bits;
        if (!bits)
            return hd_call_bad(c, "debug",
                               "debug[%zu]: one of stats, collectable, uncollectable, "
                               "saveall, leak",
                               i);
        *flags |= bits;
    }
    return 0;
}

int hd_m_gc_set(hd_call_t *c)
{
    bool enabled = hd_gc_is_enabled(c->h);
    int th[3];
    hd_gc_get_threshold(c->h, th);
    unsigned flags = hd_gc_get_debug(c->h);
    json_t *arr = NULL, *dbg = hd_param(c, "debug");
    if (hd_param_bool(c, "enabled", &enabled) != 0 ||
        hd_param_array(c, "thresholds", false, &arr) != 0 ||
        (dbg && parse_debug(c, dbg, &flags) != 0))
        return -1;
    size_t n = arr ? json_array_size(arr) : 0;
    if (arr && (n < 1 || n > 3))
        return hd_call_bad(c, "thresholds", "one to three integers (gc.set_threshold's arguments)");
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) < INT_MIN ||
            json_integer_value(v) > INT_MAX)
            return hd_call_bad(c, "thresholds", "thresholds[%zu]: an integer from %d to %d", i,
                               INT_MIN, INT_MAX);
        th[i] = (int)json_integer_value(v);
    }
    int rc = hd_gc_set_threshold(c->h, th[0], th[1], th[2]);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    hd_gc_set_debug(c->h, flags);
    if (flags & HD_GC_DEBUG_SAVEALL)
        c->sh->garbage_used = true;
    hd_gc_enable(c->h, enabled);
    c->result = hd_sheap_gc_json(c->sh);
    return 0;
}

int hd_m_gc_garbage(hd_call_t *c)
{
    hd_obj_t *g;
    int rc = hd_sheap_garbage(c->sh, &g);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    json_t *arr = json_array();
    for (int64_t i = 0; arr && i < hd_len(g); i++) {
        hd_obj_t *o;
        if (hd_seq_getitem(g, i, &o) != 0 ||
            json_array_append_new(arr, hd_summary(c->h, o, false)) != 0) {
            json_decref(arr);
            return hd_call_errno(c, HD_ENOMEM, NULL);
        }
    }
    c->result = arr ? json_pack("{s:o}", "objects", arr) : NULL;
    return 0;
}

int hd_m_gc_garbage_clear(hd_call_t *c)
{
    hd_obj_t *g;
    int rc = hd_sheap_garbage(c->sh, &g);
    if (rc == 0)
        rc = hd_list_clear(c->h, g);
    if (rc)
        return hd_call_errno(c, rc, NULL);
    c->result = json_object();
    return 0;
}

int hd_m_gc_freeze(hd_call_t *c)
{
    hd_gc_freeze(c->h);
    c->result = json_pack("{s:I}", "frozen", (json_int_t)hd_gc_freeze_count(c->h));
    return 0;
}

int hd_m_gc_unfreeze(hd_call_t *c)
{
    hd_gc_unfreeze(c->h);
    c->result = json_pack("{s:I}", "frozen", (json_int_t)hd_gc_freeze_count(c->h));
    return 0;
}

typedef struct dry {
    hd_heap_t *h;
    json_t *ids;
} dry_t;

static int add_id(hd_obj_t *o, void *arg)
{
    dry_t *d = arg;
    uint64_t id = hd_obj_id(d->h, o);
    if (!id || json_array_append_new(d->ids, json_integer((json_int_t)id)) != 0)
        return HD_ENOMEM;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    json_int_t x = json_integer_value(*(json_t *const *)a);
    json_int_t y = json_integer_value(*(json_t *const *)b);
    return x < y ? -1 : x > y;
}

/* sort an array of JSON integers in place (gc.dry_run answers in id order) */
static void qsort_ids(json_t *arr)
{
    size_t n = json_array_size(arr);
    json_t **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof *v, cmp_int);
    for (size_t i = 0; i < n; i++)
        json_array_set_new(arr, i, v[i]);
    free(v);
}

int hd_m_gc_dry_run(hd_call_t *c)
{
    int64_t gen = 2;
    if (hd_param_int(c, "generation", false, 0, 2, &gen) != 0 ||
        hd_call_busy(c, collected_size(c->h, gen)) != 0)
        return -1;
    dry_t d = {c->h, json_array()};
    int64_t collected = 0, uncollectable = 0;
    int rc =
        d.ids ? hd_gc_dry_run(c->h, (int)gen, add_id, &d, &collected, &uncollectable) : HD_ENOMEM;
    if (rc) {
        json_decref(d.ids);
        return hd_call_errno(c, rc, NULL);
    }
    qsort_ids(d.ids);
    c->result = json_pack("{s:o, s:I, s:I}", "unreachable", d.ids, "collected",
                          (json_int_t)collected, "uncollectable", (json_int_t)uncollectable);
    return 0;
}
