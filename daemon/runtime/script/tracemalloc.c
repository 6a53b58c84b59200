/*
 * tracemalloc.c: the tracemalloc module of the script language (start,
 * stop, get_traced_memory, reset_peak, take_snapshot, ...) over the
 * runtime's tracer (trace.h), and its result objects (Snapshot, Statistic,
 * StatisticDiff, Traceback): their attributes, methods and reprs. The
 * classes themselves are the heap's stand-ins made by modules.c; objects
 * that CPython's tracemalloc.py allocates are recorded at that file's
 * lines (TM_FILE), as tracemalloc itself records them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ast.h"
#include "gc.h"
#include "impl.h"
#include "modules.h"
#include "trace.h"
#include "vm.h"

/* ---- tracemalloc ---- */

static int site_file(sc_vm_t *vm, int line, uint32_t *saved)
{
    char site[64];
    *saved = vm->h->site;
    snprintf(site, sizeof(site), TM_FILE ":%d", line);
    return hd_trace_is_tracing(vm->h->trace) ? hdrc(vm, hd_heap_set_site(vm->h, site)) : 0;
}

int tm_start(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self;
    int64_t n = 1;
    if (nokw(vm, "start", kwnames) || sc_arg_count(vm, "start", nargs, 0, 1) ||
        (nargs && sc_mod_int_arg(vm, args[0], &n)))
        return -1;
    if (n < 1 || n > 65535)
        return sc_raise(vm, EXC_VALUEERROR, "the number of frames must be in range [1; 65535]");
    hd_trace_start(vm->h->trace);
    /* the loop sets allocation sites from the next instruction on: its slow
     * path comes next (with the steps so far still counted) */
    vm->tick_set -= vm->tick - 1;
    vm->tick = 1;
    vm->st->traceback_limit = (int)n;
    if (vm->frame)
        sc_set_site(vm, vm->frame->code, vm->frame->cur->line);
    return none(vm, out);
}

int tm_stop(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "stop", kwnames) || sc_arg_count(vm, "stop", nargs, 0, 0))
        return -1;
    hd_trace_stop(vm->h->trace);
    return none(vm, out);
}

int tm_is_tracing(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "is_tracing", kwnames) || sc_arg_count(vm, "is_tracing", nargs, 0, 0))
        return -1;
    hd_bool(vm->h, hd_trace_is_tracing(vm->h->trace), out);
    return 0;
}

int tm_get_traced_memory(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    size_t cur, peak;
    if (nokw(vm, "get_traced_memory", kwnames) ||
        sc_arg_count(vm, "get_traced_memory", nargs, 0, 0))
        return -1;
    hd_trace_memory(vm->h->trace, &cur, &peak);
    hd_obj_t *v[2];
    if (sc_int_new(vm, (int64_t)cur, &v[0]))
        return -1;
    if (sc_int_new(vm, (int64_t)peak, &v[1])) {
        hd__decref(vm->h, v[0]);
        return -1;
    }
    int rc = hd_tuple_new(vm->h, 2, v, out);
    hd__decref(vm->h, v[0]);
    hd__decref(vm->h, v[1]);
    return hdrc(vm, rc);
}

int tm_reset_peak(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "reset_peak", kwnames) || sc_arg_count(vm, "reset_peak", nargs, 0, 0))
        return -1;
    hd_trace_reset_peak(vm->h->trace);
    return none(vm, out);
}

int tm_clear_traces(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "clear_traces", kwnames) || sc_arg_count(vm, "clear_traces", nargs, 0, 0))
        return -1;
    hd_trace_clear(vm->h->trace);
    return none(vm, out);
}

int tm_get_traceback_limit(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "get_traceback_limit", kwnames) ||
        sc_arg_count(vm, "get_traceback_limit", nargs, 0, 0))
        return -1;
    return sc_mod_int_attr(vm, vm->st->traceback_limit ? vm->st->traceback_limit : 1, out);
}

static hd_obj_t *snapshot_class(sc_vm_t *vm)
{
    return sc_mod_support_class(vm, &vm->st->cls_snapshot, "Snapshot", NULL, 0, false, true, true);
}

static hd_obj_t *traces_class(sc_vm_t *vm)
{
    return sc_mod_support_class(vm, &vm->st->cls_traces, "_Traces", NULL, 0, false, false, true);
}

/* call_tuple: the argument tuple of a call that type_call makes (from the
 * free list, back to it after) */
static int call_tuple(sc_vm_t *vm, size_t n, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out)
{
    hd_obj_t *items[2] = {a, b};
    return hdrc(vm, hd_tuple_new(vm->h, n, items, out));
}

/* take_snapshot as tracemalloc.py runs it: _get_traces() makes its list
 * (line 558) before copying the traces; Snapshot(traces, limit) (560) makes
 * an argument tuple and the instance, whose __init__ makes _Traces(traces)
 * (423: a tuple, the instance) which calls Sequence.__init__(self) (313: a
 * tuple). The tuples go back to the free list, where they stay traced. */
static int make_snapshot(sc_vm_t *vm, hd_obj_t *list, hd_obj_t *lim, hd_obj_t **snap_out)
{
    hd_obj_t *scls = snapshot_class(vm), *tcls = traces_class(vm);
    hd_obj_t *t2 = NULL, *t1 = NULL, *t0 = NULL, *snap = NULL, *traces = NULL;
    uint32_t saved, ignored;
    if (!scls || !tcls)
        return sc_nomem(vm, HD_ENOMEM);
    int rc = site_file(vm, 560, &saved) || call_tuple(vm, 2, list, lim, &t2) ||
             hdrc(vm, hd_instance_new(vm->h, scls, false, &snap)) || site_file(vm, 423, &ignored) ||
             call_tuple(vm, 1, list, NULL, &t1) ||
             hdrc(vm, hd_instance_new(vm->h, tcls, false, &traces)) ||
             site_file(vm, 313, &ignored) || call_tuple(vm, 1, traces, NULL, &t0);
    hd__xdecref(vm->h, t0);
    if (!rc)
        rc = hdrc(vm, hd_obj_setattr(vm->h, traces, "_traces", list));
    hd__xdecref(vm->h, t1);
    if (!rc)
        rc = hdrc(vm, hd_obj_setattr(vm->h, snap, "traces", traces) ||
                          hd_obj_setattr(vm->h, snap, "traceback_limit", lim));
    hd__xdecref(vm->h, t2);
    hd__xdecref(vm->h, traces);
    vm->h->site = saved;
    if (rc) {
        hd__xdecref(vm->h, snap);
        return -1;
    }
    *snap_out = snap;
    return 0;
}

int tm_take_snapshot(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)self, (void)args;
    if (nokw(vm, "take_snapshot", kwnames) || sc_arg_count(vm, "take_snapshot", nargs, 0, 0))
        return -1;
    if (!hd_trace_is_tracing(vm->h->trace))
        return sc_raise(vm, EXC_RUNTIMEERROR,
                        "the tracemalloc module must be tracing memory "
                        "allocations to take a snapshot");
    int slot = 0;
    while (slot < HD_TRACE_MAX_SNAPSHOTS && vm->st->snaps[slot].snap)
        slot++;
    if (slot == HD_TRACE_MAX_SNAPSHOTS)
        return sc_raise(vm, EXC_MEMORYERROR, "too many tracemalloc snapshots alive (%d)",
                        HD_TRACE_MAX_SNAPSHOTS);
    hd_obj_t *list = NULL, *lim = NULL, *snap = NULL;
    uint32_t saved;
    if (site_file(vm, 558, &saved) || hdrc(vm, hd_list_new(vm->h, 0, NULL, &list)))
        return -1;
    uint64_t id;
    int rc = hd_trace_snapshot(vm->h->trace, &id);
    vm->h->site = saved;
    if (rc) {
        hd__decref(vm->h, list);
        return rc == HD_ELIMIT
                   ? sc_raise(vm, EXC_MEMORYERROR, "too many tracemalloc snapshots alive (%d)",
                              HD_TRACE_MAX_SNAPSHOTS)
                   : sc_nomem(vm, rc);
    }
    rc = sc_int_new(vm, vm->st->traceback_limit ? vm->st->traceback_limit : 1, &lim) ||
         make_snapshot(vm, list, lim, &snap);
    hd__decref(vm->h, list);
    hd__xdecref(vm->h, lim);
    if (rc) {
        hd_trace_snapshot_drop(vm->h->trace, id);
        return -1;
    }
    vm->st->snaps[slot].snap = snap;
    vm->st->snaps[slot].id = id;
    *out = snap;
    return 0;
}

/* sc_snapshot_died: a Snapshot's finalizer: its trace snapshot goes */
void sc_snapshot_died(sc_vm_t *vm, hd_obj_t *snap)
{
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++)
        if (vm->st->snaps[i].snap == snap) {
            hd_trace_snapshot_drop(vm->h->trace, vm->st->snaps[i].id);
            vm->st->snaps[i].snap = NULL;
        }
}

bool sc_is_snapshot(sc_vm_t *vm, hd_obj_t *o)
{
    return vm->st->cls_snapshot && o->type == HD_T_INSTANCE &&
           hd_obj_class(vm->h, o) == vm->st->cls_snapshot;
}

static hd_obj_t *stat_class(sc_vm_t *vm, bool diff)
{
    static const char *const s1[] = {"count", "size", "traceback"};
    static const char *const s2[] = {"count", "count_diff", "size", "size_diff", "traceback"};
    if (diff)
        return sc_mod_support_class(vm, &vm->st->cls_statdiff, "StatisticDiff", s2, 5, true, false,
                                    true);
    return sc_mod_support_class(vm, &vm->st->cls_stat, "Statistic", s1, 3, true, false, true);
}

static hd_obj_t *traceback_class(sc_vm_t *vm)
{
    static const char *const s[] = {"_frames", "_total_nframe"};
    return sc_mod_support_class(vm, &vm->st->cls_traceback, "Traceback", s, 2, true, false, true);
}

static int group_of(sc_vm_t *vm, hd_obj_t *kt, hd_trace_group_t *g)
{
    char k[32];
    if (kt->type != HD_T_STR || hd_str_utf8(kt, k, sizeof(k)) >= (long)sizeof(k))
        k[0] = '\0';
    if (strcmp(k, "lineno") == 0 || strcmp(k, "traceback") == 0) {
        *g = HD_TRACE_BY_SITE;
        return 0;
    }
    if (strcmp(k, "filename") == 0) {
        *g = HD_TRACE_BY_FILE;
        return 0;
    }
    if (strcmp(k, "__hd_kind__") == 0) { /* heapd extension: by object type */
        *g = HD_TRACE_BY_KIND;
        return 0;
    }
    sc_buf_t b = {0};
    if (sc_repr_buf(vm, kt, &b) == 0)
        sc_raise(vm, EXC_VALUEERROR, "unknown key_type: %s", b.v);
    hd_mem_free(vm->h->mem, b.v);
    return -1;
}

/* make_traceback: Traceback(((filename, lineno),)) for a "file:line" key */
static int make_traceback(sc_vm_t *vm, const char *key, hd_obj_t **out)
{
    const char *colon = strrchr(key, ':');
    size_t flen = colon ? (size_t)(colon - key) : strlen(key);
    hd_obj_t *fname, *line, *frame, *frames, *tb = NULL;
    if (sc_str_new(vm, key, flen, &fname))
        return -1;
    if (sc_int_new(vm, colon ? atoll(colon + 1) : 0, &line)) {
        hd__decref(vm->h, fname);
        return -1;
    }
    hd_obj_t *pair[2] = {fname, line};
    int rc = hd_tuple_new(vm->h, 2, pair, &frame);
    hd__decref(vm->h, fname);
    hd__decref(vm->h, line);
    if (rc)
        return sc_nomem(vm, rc);
    rc = hd_tuple_new(vm->h, 1, &frame, &frames);
    hd__decref(vm->h, frame);
    if (rc)
        return sc_nomem(vm, rc);
    rc = hd_instance_new(vm->h, traceback_class(vm), false, &tb);
    if (!rc)
        rc = hd_obj_setattr(vm->h, tb, "_frames", frames) ||
             hd_obj_setattr(vm->h, tb, "_total_nframe", vm->h->none);
    hd__decref(vm->h, frames);
    if (rc)
        return sc_nomem(vm, rc);
    *out = tb;
    return 0;
}

static int stat_object(sc_vm_t *vm, bool diff, const char *key, int64_t size, int64_t size_diff,
                       int64_t count, int64_t count_diff, hd_obj_t **out)
{
    hd_obj_t *tb = NULL, *s = NULL, *v[4];
    int64_t vals[4] = {size, size_diff, count, count_diff};
    static const char *const names[4] = {"size", "size_diff", "count", "count_diff"};
    if (make_traceback(vm, key, &tb))
        return -1;
    int rc = hd_instance_new(vm->h, stat_class(vm, diff), false, &s);
    if (!rc)
        rc = hd_obj_setattr(vm->h, s, "traceback", tb);
    hd__decref(vm->h, tb);
    for (int i = 0; i < 4 && !rc; i++) {
        if (!diff && (i == 1 || i == 3))
            continue;
        if (!(rc = hd__int_from_long(vm->h, vals[i], &v[i]))) {
            rc = hd_obj_setattr(vm->h, s, names[i], v[i]);
            hd__decref(vm->h, v[i]);
        }
    }
    if (rc) {
        hd__xdecref(vm->h, rc ? NULL : s);
        return sc_nomem(vm, rc);
    }
    *out = s;
    return 0;
}

static int snapshot_id(sc_vm_t *vm, hd_obj_t *snap, uint64_t *id)
{
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++)
        if (vm->st->snaps[i].snap == snap) {
            *id = vm->st->snaps[i].id;
            return 0;
        }
    return sc_raise(vm, EXC_TYPEERROR, "expected a tracemalloc.Snapshot, got %s",
                    sc_tname(vm, snap));
}

/* snapshot_stats: Snapshot.statistics / compare_to */
static int snapshot_stats(sc_vm_t *vm, hd_obj_t *snap, hd_obj_t *base, hd_obj_t *kt, hd_obj_t **out)
{
    uint64_t id = 0, bid = 0;
    hd_trace_group_t g;
    if (snapshot_id(vm, snap, &id) || (base && snapshot_id(vm, base, &bid)) || group_of(vm, kt, &g))
        return -1;
    size_t n;
    int rc = base ? hd_trace_compare(vm->h->trace, id, bid, g, 0, NULL, &n)
                  : hd_trace_stats(vm->h->trace, id, g, 0, NULL, &n);
    if (rc)
        return sc_nomem(vm, rc);
    hd_trace_stat_t *st = base ? NULL : hd_mem_calloc(vm->h->mem, n ? n : 1, sizeof(*st));
    hd_trace_diff_t *df = base ? hd_mem_calloc(vm->h->mem, n ? n : 1, sizeof(*df)) : NULL;
    if (!st && !df)
        return sc_nomem(vm, HD_ENOMEM);
    rc = base ? hd_trace_compare(vm->h->trace, id, bid, g, n, df, &n)
              : hd_trace_stats(vm->h->trace, id, g, n, st, &n);
    uint32_t saved = vm->h->site; /* kept when the second call failed */
    if (!rc && !(rc = site_file(vm, 535, &saved)))
        rc = hd_list_new(vm->h, 0, NULL, out) ? HD_ENOMEM : 0;
    uint32_t inner; /* the site to restore stays the caller's */
    if (!rc)
        rc = site_file(vm, 505, &inner);
    for (size_t i = 0; i < n && !rc; i++) {
        hd_obj_t *s;
        if (base)
            rc = stat_object(vm, true, df[i].key, (int64_t)df[i].size, df[i].size_diff,
                             (int64_t)df[i].count, df[i].count_diff, &s);
        else
            rc = stat_object(vm, false, st[i].key, (int64_t)st[i].size, 0, (int64_t)st[i].count, 0,
                             &s);
        if (!rc) {
            rc = hd_list_append(vm->h, *out, s) ? sc_nomem(vm, HD_ENOMEM) : 0;
            hd__decref(vm->h, s);
        }
    }
    vm->h->site = saved;
    hd_mem_free(vm->h->mem, st);
    hd_mem_free(vm->h->mem, df);
    return rc ? (rc > 0 ? sc_nomem(vm, HD_ENOMEM) : -1) : 0;
}

/* ---- special objects: attributes, methods, reprs ---- */

static int fmt_stat(sc_vm_t *vm, hd_obj_t *o, bool diff, sc_buf_t *b)
{
    hd_obj_t *tb = sc_mod_get_slot(vm, o, "traceback");
    hd_obj_t *frames = tb ? sc_mod_get_slot(vm, tb, "_frames") : NULL;
    hd_obj_t *frame = frames && hd_len(frames) ? ((hd_tuple_obj_t *)frames)->items[0] : NULL;
    char key[HD_TRACE_NAME_MAX + 32], line[HD_TRACE_LINE_LEN];
    if (!frame)
        return sc_raise(vm, EXC_RUNTIMEERROR, "broken Statistic");
    char fname[HD_TRACE_NAME_MAX];
    int64_t lineno = 0, v[4] = {0};
    hd_str_utf8(((hd_tuple_obj_t *)frame)->items[0], fname, sizeof(fname));
    hd_int_to_i64(((hd_tuple_obj_t *)frame)->items[1], &lineno);
    snprintf(key, sizeof(key), "%s:%lld", fname, (long long)lineno);
    static const char *const names[4] = {"size", "size_diff", "count", "count_diff"};
    for (int i = 0; i < 4; i++) {
        hd_obj_t *x = (diff || i % 2 == 0) ? sc_mod_get_slot(vm, o, names[i]) : NULL;
        if (x)
            hd_int_to_i64(x, &v[i]);
    }
    if (diff) {
        hd_trace_diff_t d = {key, 0, (uint64_t)v[0], v[1], (uint64_t)v[2], v[3]};
        hd_trace_format_diff(&d, line, sizeof(line));
    } else {
        hd_trace_stat_t s = {key, 0, (uint64_t)v[0], (uint64_t)v[2]};
        hd_trace_format_stat(&s, line, sizeof(line));
    }
    return sc_buf_put(vm, b, line, strlen(line));
}

int sc_special_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b)
{
    sc_state_t *st = vm->st;
    hd_obj_t *cls = hd_obj_class(vm->h, o);
    char tmp[256];
    if (cls == st->cls_finalize && cls) {
        hd_obj_t *info, *obj = NULL;
        if (hd_dict_getitem(vm->h, st->finalizers, o, &info) == 0) {
            hd_obj_t *wr = sc_mod_get_slot(vm, info, "weakref");
            obj = wr ? hd_weakref_get(wr) : NULL;
        }
        if (!obj)
            snprintf(tmp, sizeof(tmp), "<finalize object at 0x%llx; dead>",
                     (unsigned long long)hd_obj_addr(vm->h, o));
        else
            snprintf(tmp, sizeof(tmp), "<finalize object at 0x%llx; for '%s' at 0x%llx>",
                     (unsigned long long)hd_obj_addr(vm->h, o), sc_tname(vm, obj),
                     (unsigned long long)hd_obj_addr(vm->h, obj));
        return sc_buf_put(vm, b, tmp, strlen(tmp));
    }
    if (cls && (cls == st->cls_stat || cls == st->cls_statdiff))
        return fmt_stat(vm, o, cls == st->cls_statdiff, b);
    if (cls && cls == st->cls_traceback) {
        hd_obj_t *frames = sc_mod_get_slot(vm, o, "_frames");
        hd_obj_t *frame = frames && hd_len(frames) ? ((hd_tuple_obj_t *)frames)->items[0] : NULL;
        if (frame) {
            char fname[HD_TRACE_NAME_MAX];
            int64_t ln = 0;
            hd_str_utf8(((hd_tuple_obj_t *)frame)->items[0], fname, sizeof(fname));
            hd_int_to_i64(((hd_tuple_obj_t *)frame)->items[1], &ln);
            return sc_buf_put(vm, b, fname, strlen(fname)) ||
                   (snprintf(tmp, sizeof(tmp), ":%lld", (long long)ln),
                    sc_buf_put(vm, b, tmp, strlen(tmp)));
        }
    }
    return 1;
}

/* sc_special_getattr: attributes of the support classes: finalize.alive
 * and .atexit; their methods as an unbound builtin (1, as LOAD_METHOD
 * leaves a function and self) or bound; 2 when none of those */
int sc_special_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, bool method, hd_obj_t **out)
{
    int index = -1;
    if (sc_is_finalize(vm, o)) {
        int r = sc_mod_finalize_attr(vm, o, name, out);
        if (r != 1)
            return r;
        index = strcmp(name, "detach") == 0 ? SC_BI_FIN_DETACH
                : strcmp(name, "peek") == 0 ? SC_BI_FIN_PEEK
                                            : -1;
    } else if (sc_is_snapshot(vm, o)) {
        index = strcmp(name, "statistics") == 0   ? SC_BI_SNAP_STATISTICS
                : strcmp(name, "compare_to") == 0 ? SC_BI_SNAP_COMPARE_TO
                                                  : -1;
    }
    if (index < 0)
        return 2;
    hd_obj_t *fn = sc_builtin(vm, index);
    if (!fn)
        return sc_nomem(vm, HD_ENOMEM);
    if (method) {
        hd__incref(*out = fn);
        return 1;
    }
    return hdrc(vm, hd__cmethod_new(vm->h, fn, o, out));
}

int sp_snap_statistics(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int npos = nargs - (kwnames ? (int)hd_len(kwnames) : 0);
    if (npos < 1)
        return sc_raise(vm, EXC_TYPEERROR,
                        "Snapshot.statistics() missing 1 required positional argument: 'key_type'");
    return snapshot_stats(vm, self, NULL, args[0], out);
}

int sp_snap_compare_to(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    int npos = nargs - (kwnames ? (int)hd_len(kwnames) : 0);
    if (npos < 2)
        return sc_raise(vm, EXC_TYPEERROR,
                        "Snapshot.compare_to() missing 1 required positional argument: 'key_type'");
    return snapshot_stats(vm, self, args[0], args[1], out);
}

/* detach/peek: (obj, func, args, kwargs) while alive, else None; detach
 * also unregisters */
static int fin_peek(sc_vm_t *vm, hd_obj_t *o, bool detach, hd_obj_t **out)
{
    hd_obj_t *info;
    if (hd_dict_getitem(vm->h, vm->st->finalizers, o, &info))
        return none(vm, out);
    hd_obj_t *wr = sc_mod_get_slot(vm, info, "weakref");
    hd_obj_t *obj = wr ? hd_weakref_get(wr) : NULL;
    if (!obj)
        return none(vm, out);
    hd_obj_t *kw = sc_mod_get_slot(vm, info, "kwargs"), *kwd = NULL;
    if (!kw || kw == vm->h->none) {
        if (hd_dict_new(vm->h, 0, NULL, NULL, &kwd))
            return sc_nomem(vm, HD_ENOMEM);
        kw = kwd;
    }
    hd_obj_t *items[4] = {obj, sc_mod_get_slot(vm, info, "func"), sc_mod_get_slot(vm, info, "args"),
                          kw};
    int rc = hd_tuple_new(vm->h, 4, items, out);
    hd__xdecref(vm->h, kwd);
    if (rc)
        return sc_nomem(vm, rc);
    hd_obj_t *gone;
    if (detach && hd_dict_pop(vm->h, vm->st->finalizers, o, &gone) == 0)
        hd__decref(vm->h, gone);
    return 0;
}

int sp_fin_detach(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nokw(vm, "detach", kwnames) || sc_arg_count(vm, "detach", nargs, 0, 0))
        return -1;
    return fin_peek(vm, self, true, out);
}

int sp_fin_peek(sc_vm_t *vm, hd_obj_t *self, SC_ARGS)
{
    (void)args;
    if (nokw(vm, "peek", kwnames) || sc_arg_count(vm, "peek", nargs, 0, 0))
        return -1;
    return fin_peek(vm, self, false, out);
}

/* module_classes: the classes a module defines exist once it is imported,
 * made as the state's objects are: uncounted, since the generation-0
 * count CPython's import leaves depends on far more than these */
int sc_mod_module_classes(sc_vm_t *vm, int id)
{
    hd_heap_t *h = vm->h;
    int count0 = h->gens[0].count;
    bool collecting = h->gc_collecting;
    h->gc_collecting = true;
    bool ok = true;
    if (id == SC_BI_MOD_WEAKREF)
        ok = sc_finalize_class(vm, true) && sc_mod_info_class(vm);
    else if (id == SC_BI_MOD_TRACEMALLOC)
        ok = snapshot_class(vm) && traces_class(vm) && stat_class(vm, false) &&
             stat_class(vm, true) && traceback_class(vm);
    h->gc_collecting = collecting;
    h->gens[0].count = count0;
    return ok ? 0 : -1;
}
