/*
 * run.c: hd_script_run (script.h): one run of a program against a heap,
 * its errors, budgets and output, the heap's namespace as the program's
 * globals, and the hooks through which the runtime calls the program
 * (__del__, weakref callbacks, gc.callbacks, gc debug output).
 *
 * A run: install the run's hooks (keeping the embedder's, which are still
 * called after the program's), compile, run the module's code, flush
 * sys.stdout's model, release the constants the compiler made (CPython
 * frees its AST arena after the module ran), restore the hooks. Hooks may
 * fire anywhere an object is allocated or freed; each runs the program's
 * callable in a nested loop, keeps the allocation site of the code it
 * interrupted, and reports an exception the way CPython's
 * PyErr_WriteUnraisable does ("Exception ignored in: ...") instead of
 * letting it escape into the runtime. Once a budget has run out (fatal),
 * hooks run no more program code, so the run unwinds at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "compile.h"
#include "impl.h"
#include "trace.h"
#include "vm.h"

void hd_script_limits_default(hd_script_limits_t *lim)
{
    memset(lim, 0, sizeof(*lim));
    lim->max_source = HD_SCRIPT_DEFAULT_SOURCE;
    lim->max_output = HD_SCRIPT_DEFAULT_OUTPUT;
    lim->max_depth = HD_SCRIPT_DEFAULT_DEPTH;
    lim->allow_gc_config = true;
}

/* ---- errors ---- */

int sc_raise(sc_vm_t *vm, int exc, const char *fmt, ...)
{
    if (vm->fatal)
        return -1;
    sc_hint_clear(vm);
    va_list ap;
    va_start(ap, fmt);
    vm->exc = exc;
    vsnprintf(vm->exc_msg, sizeof(vm->exc_msg), fmt, ap);
    va_end(ap);
    vm->exc_pos = false;
    return -1;
}

int sc_raise_rc(sc_vm_t *vm, int rc, const sc_err_t *err)
{
    if (rc == SC_EXC)
        return sc_raise(vm, err->type, "%s", err->msg);
    return sc_nomem(vm, rc);
}

int sc_nomem(sc_vm_t *vm, int rc)
{
    (void)rc;
    return sc_raise(vm, EXC_MEMORYERROR, "%s", "");
}

void sc_clear_exc(sc_vm_t *vm)
{
    sc_hint_clear(vm);
    vm->exc = EXC_NONE;
    vm->exc_msg[0] = '\0';
    vm->exc_pos = false;
}

int sc_fatal(sc_vm_t *vm, int kind, const char *what)
{
    if (!vm->fatal) {
        vm->fatal = kind;
        vm->fatal_what = what;
    }
    vm->exc = EXC_BASEEXCEPTION; /* uncatchable: unwinds everything */
    vm->tick = 1;                /* the next instruction checks the budget */
    return -1;
}

/* ---- the namespace ----
 *
 * The program's globals are the heap's namespace. Each LOAD/STORE of a
 * global has an inline cache: the namespace entry it found (or the builtin
 * the name fell through to), valid while st->ns_version is unchanged. The
 * version moves whenever the script adds or removes a name (entries move
 * when the table grows) and at each run (the protocol may have changed the
 * namespace in between). Only this file adds or removes names during a run.
 *
 * CPython's module dict is a real dict whose key table grows at the same
 * points; st->globals mirrors its keys (values None), so the memory a new
 * global costs shows where python3 shows it (tracemalloc, heap size). */

static int shadow_key(sc_vm_t *vm, const char *name, hd_obj_t *name_obj, bool add)
{
    hd_obj_t *d = vm->st->globals, *k = name_obj;
    if (!d)
        return 0;
    if (!k && hd_str_new(vm->h, name, strlen(name), &k))
        return HD_ENOMEM;
    int rc = add ? hd_dict_setitem(vm->h, d, k, vm->h->none) : hd_dict_delitem(vm->h, d, k);
    if (k != name_obj)
        hd__decref(vm->h, k);
    return rc == HD_EKEY ? 0 : rc;
}

hd_obj_t *sc_ns_load(sc_vm_t *vm, const char *name)
{
    hd_obj_t *v;
    return hd_ns_get(vm->h, name, &v) == 0 ? v : NULL;
}

static int ns_store(sc_vm_t *vm, const char *name, hd_obj_t *name_obj, hd_obj_t *value)
{
    hd_obj_t *old;
    if (hd_ns_get(vm->h, name, &old) == 0)
        return hd_ns_bind(vm->h, name, value); /* rebinding: no new entry */
    vm->st->ns_version++;
    int rc = shadow_key(vm, name, name_obj, true);
    return rc ? rc : hd_ns_bind(vm->h, name, value);
}

int sc_ns_store(sc_vm_t *vm, const char *name, hd_obj_t *value)
{
    return ns_store(vm, name, NULL, value);
}

int sc_ns_delete(sc_vm_t *vm, const char *name)
{
    vm->st->ns_version++;
    int rc = hd_ns_del(vm->h, name);
    if (!rc)
        rc = shadow_key(vm, name, NULL, false);
    return rc;
}

static hd_ns_entry_t *ns_entry(sc_vm_t *vm, const char *name)
{
    hd_namespace_t *ns = &vm->h->ns;
    hd_obj_t *v;
    if (hd_ns_get(vm->h, name, &v))
        return NULL;
    for (uint64_t i = 0; ns->slots && i <= ns->mask; i++) /* found: find its slot */
        if (ns->slots[i].obj == v && ns->slots[i].name && strcmp(ns->slots[i].name, name) == 0)
            return &ns->slots[i];
    return NULL;
}

/* sc_global_load: a global or builtin through the inline cache c;
 * borrowed, or NULL when the name is unbound (nothing raised). The cache
 * holds a namespace entry, a builtin (index << 2 | 1), __name__ (3) or
 * builtins._ (7, read afresh: the display changes it). */
hd_obj_t *sc_global_load(sc_vm_t *vm, sc_cache_t *c, const char *name)
{
    if (c->key == vm->st->ns_version) {
        if (c->value & 1) {
            if (c->value == 3 || c->value == 7)
                return c->value == 3 ? vm->st->main_str : vm->st->last_value;
            return sc_builtin(vm, (int)(c->value >> 2));
        }
        return ((hd_ns_entry_t *)(uintptr_t)c->value)->obj;
    }
    hd_ns_entry_t *e = ns_entry(vm, name);
    if (e) {
        c->key = vm->st->ns_version;
        c->value = (uint64_t)(uintptr_t)e;
        return e->obj;
    }
    if (strcmp(name, "_") == 0) {
        c->key = vm->st->ns_version;
        c->value = 7;
        return vm->st->last_value;
    }
    int b = strcmp(name, "__name__") == 0 ? -1 : sc_builtin_lookup(vm, BM_BUILTINS, -1, name);
    if (b < 0 && strcmp(name, "__name__") != 0)
        return NULL;
    c->key = vm->st->ns_version;
    c->value = b < 0 ? 3 : ((uint64_t)b << 2) | 1;
    return b < 0 ? vm->st->main_str : sc_builtin(vm, b);
}

/* sc_display: CPython's sys.displayhook, which PRINT_EXPR calls with the
 * value (one argument, no tuple): None shows nothing; otherwise builtins._
 * is set to None first (the old value may die here, before the output),
 * repr(v) and a newline go to sys.stdout, and builtins._ = v. Takes v. */
int sc_display(sc_vm_t *vm, hd_obj_t *v)
{
    hd_heap_t *h = vm->h;
    if (v == h->none) {
        hd__decref(h, v);
        return 0;
    }
    hd_obj_t *old = vm->st->last_value, *r = NULL, *nl = NULL;
    hd__incref(h->none);
    vm->st->last_value = h->none;
    hd__xdecref(h, old);
    int rc = sc_repr(vm, v, &r);
    if (!rc)
        rc = sc_write_str(vm, r);
    if (!rc)
        rc = sc_str_new(vm, "\n", 1, &nl);
    if (!rc)
        rc = sc_write_str(vm, nl);
    hd__xdecref(h, r);
    hd__xdecref(h, nl);
    if (rc) {
        hd__decref(h, v);
        return -1;
    }
    old = vm->st->last_value;
    vm->st->last_value = v; /* PRINT_EXPR's reference goes to builtins._ */
    hd__xdecref(h, old);
    return 0;
}

/* sc_global_store: name = value through the inline cache c (takes its own
 * reference) */
int sc_global_store(sc_vm_t *vm, sc_cache_t *c, const char *name, hd_obj_t *name_obj,
                    hd_obj_t *value)
{
    if (c->key == vm->st->ns_version && !(c->value & 1)) {
        hd_ns_entry_t *e = (hd_ns_entry_t *)(uintptr_t)c->value;
        hd_obj_t *old = e->obj;
        hd__incref(value);
        e->obj = value;
        hd__decref(vm->h, old);
        return 0;
    }
    int rc = ns_store(vm, name, name_obj, value);
    hd_ns_entry_t *e = rc ? NULL : ns_entry(vm, name);
    if (e) {
        c->key = vm->st->ns_version;
        c->value = (uint64_t)(uintptr_t)e;
    }
    return rc;
}

/* ---- allocation sites for tracemalloc ---- */

void sc_set_site(sc_vm_t *vm, const sc_code_t *code, uint32_t line)
{
    hd_heap_t *h = vm->h;
    if (!hd_trace_is_tracing(h->trace))
        return;
    uint32_t k = line - code->base.firstline;
    if (line < code->base.firstline || k >= code->nlines)
        return;
    uint32_t *slot = &((sc_code_t *)code)->sites[k];
    if (!*slot) {
        char site[HD_TRACE_NAME_MAX + 16];
        snprintf(site, sizeof(site), "%s:%u", code->base.filename, line);
        uint32_t id;
        if (hd_trace_intern_site(h->trace, site, &id))
            return;
        *slot = id + 1;
    }
    h->site = *slot - 1;
}

/* ---- hooks ---- */

static void write_err(sc_vm_t *vm, const char *s)
{
    if (vm->err.n < 65536)
        (void)sc_buf_put(vm, &vm->err, s, strlen(s));
}

/* unraisable: PyErr_WriteUnraisable's report of an exception raised by a
 * finalizer or callback; the exception is then forgotten */
static void unraisable(sc_vm_t *vm, hd_obj_t *where)
{
    if (vm->fatal)
        return;
    sc_buf_t b = {0};
    int exc = vm->exc;
    char msg[sizeof(vm->exc_msg)];
    int line = vm->exc_line;
    memcpy(msg, vm->exc_msg, sizeof(msg));
    sc_clear_exc(vm);
    write_err(vm, "Exception ignored in: ");
    if (where && sc_repr_buf(vm, where, &b) == 0 && b.v)
        write_err(vm, b.v);
    sc_clear_exc(vm);
    hd_mem_free(vm->h->mem, b.v);
    char tail[sizeof(msg) + 200];
    snprintf(tail, sizeof(tail),
             "\nTraceback (most recent call last):\n  File \"%s\", line %d\n%s%s%s\n", vm->filename,
             line, sc_exc_name(exc), msg[0] ? ": " : "", msg);
    write_err(vm, tail);
}

typedef struct hook_save {
    uint32_t site;
    hd_obj_t *kwnames;
} hook_save_t;

static bool hook_enter(sc_vm_t *vm, hook_save_t *s)
{
    s->site = vm->h->site;
    s->kwnames = vm->kwnames;
    vm->kwnames = NULL;
    return !vm->fatal;
}

static void hook_leave(sc_vm_t *vm, hook_save_t *s)
{
    vm->h->site = s->site;
    vm->kwnames = s->kwnames;
}

static void hook_finalizer(hd_heap_t *h, hd_obj_t *obj, void *ctx)
{
    sc_vm_t *vm = ctx;
    hook_save_t s;
    int saved_exc = vm->exc;
    char saved_msg[sizeof(vm->exc_msg)];
    memcpy(saved_msg, vm->exc_msg, sizeof(saved_msg));
    if (hook_enter(vm, &s) && obj->type == HD_T_INSTANCE) {
        if (sc_is_snapshot(vm, obj)) {
            sc_snapshot_died(vm, obj);
        } else {
            hd_obj_t *del = sc_class_lookup(vm, hd_obj_class(h, obj), "__del__"), *res;
            if (del && del->type == HD_T_FUNCTION) {
                vm->exc = EXC_NONE;
                if (sc_call(vm, del, &obj, 1, NULL, &res) == 0)
                    hd__decref(h, res);
                else
                    unraisable(vm, del);
            }
        }
    }
    if (!vm->fatal) {
        vm->exc = saved_exc;
        memcpy(vm->exc_msg, saved_msg, sizeof(saved_msg));
    }
    hook_leave(vm, &s);
    if (vm->saved_hooks.finalizer)
        vm->saved_hooks.finalizer(h, obj, vm->saved_hooks.ctx);
}

static void hook_weakref(hd_heap_t *h, hd_obj_t *wr, hd_obj_t *callback, void *ctx)
{
    sc_vm_t *vm = ctx;
    hook_save_t s;
    int saved_exc = vm->exc;
    char saved_msg[sizeof(vm->exc_msg)];
    memcpy(saved_msg, vm->exc_msg, sizeof(saved_msg));
    if (hook_enter(vm, &s) && callback) {
        hd_obj_t *res;
        vm->exc = EXC_NONE;
        hd__incref(callback);
        if (sc_call(vm, callback, &wr, 1, NULL, &res) == 0)
            hd__decref(h, res);
        else
            unraisable(vm, callback);
        hd__decref(h, callback);
    }
    if (!vm->fatal) {
        vm->exc = saved_exc;
        memcpy(vm->exc_msg, saved_msg, sizeof(saved_msg));
    }
    hook_leave(vm, &s);
    if (vm->saved_hooks.weakref_callback)
        vm->saved_hooks.weakref_callback(h, wr, callback, vm->saved_hooks.ctx);
}

/* gc_info: {"generation": g, "collected": m, "uncollectable": n} with new
 * keys each time (Py_BuildValue) */
static int gc_info(sc_vm_t *vm, const hd_gc_info_t *info, hd_obj_t **out)
{
    static const char *const keys[3] = {"generation", "collected", "uncollectable"};
    int64_t vals[3] = {info->generation, info->collected, info->uncollectable};
    int rc = hd_dict_new(vm->h, 0, NULL, NULL, out);
    for (int i = 0; i < 3 && !rc; i++) {
        hd_obj_t *k, *v;
        if ((rc = hd_str_new(vm->h, keys[i], strlen(keys[i]), &k)))
            break;
        if (!(rc = hd__int_from_long(vm->h, vals[i], &v))) {
            rc = hd_dict_setitem(vm->h, *out, k, v);
            hd__decref(vm->h, v);
        }
        hd__decref(vm->h, k);
    }
    if (rc && *out)
        hd__decref(vm->h, *out);
    return rc;
}

static void call_gc_callbacks(sc_vm_t *vm, int phase, const hd_gc_info_t *info)
{
    hd_heap_t *h = vm->h;
    hd_obj_t *cbs = vm->st->gc_callbacks, *d = NULL;
    if (hd_len(cbs) == 0 || gc_info(vm, info, &d))
        return;
    for (int64_t i = 0; i < hd_len(cbs) && !vm->fatal; i++) {
        hd_obj_t *cb, *ph, *res, *args[2];
        hd_seq_getitem(cbs, i, &cb);
        hd__incref(cb);
        const char *p = phase ? "stop" : "start";
        if (hd_str_new(h, p, strlen(p), &ph) == 0) {
            args[0] = ph;
            args[1] = d;
            /* PyObject_CallFunction(cb, "sO", ...) passes its arguments
             * on the C stack (_Py_VaBuildStack, vectorcall): no tuple */
            if (sc_call(vm, cb, args, 2, NULL, &res) == 0)
                hd__decref(h, res);
            else
                unraisable(vm, cb);
            hd__decref(h, ph);
        }
        hd__decref(h, cb);
    }
    hd__decref(h, d);
}

static void hook_gc(hd_heap_t *h, int phase, const hd_gc_info_t *info, void *ctx)
{
    sc_vm_t *vm = ctx;
    hook_save_t s;
    int saved_exc = vm->exc;
    char saved_msg[sizeof(vm->exc_msg)];
    memcpy(saved_msg, vm->exc_msg, sizeof(saved_msg));
    if (hook_enter(vm, &s)) {
        vm->exc = EXC_NONE;
        call_gc_callbacks(vm, phase, info);
    }
    if (!vm->fatal) {
        vm->exc = saved_exc;
        memcpy(vm->exc_msg, saved_msg, sizeof(saved_msg));
    }
    hook_leave(vm, &s);
    if (vm->saved_hooks.gc_phase)
        vm->saved_hooks.gc_phase(h, phase, info, vm->saved_hooks.ctx);
}

static void hook_message(hd_heap_t *h, const char *line, void *ctx)
{
    sc_vm_t *vm = ctx;
    write_err(vm, line);
    write_err(vm, "\n");
    if (vm->saved_hooks.gc_message)
        vm->saved_hooks.gc_message(h, line, vm->saved_hooks.ctx);
}

static void hook_resurrected(hd_heap_t *h, hd_obj_t *obj, void *ctx)
{
    sc_vm_t *vm = ctx;
    if (vm->saved_hooks.resurrected)
        vm->saved_hooks.resurrected(h, obj, vm->saved_hooks.ctx);
}

/* the run's own references (frames, the stdout model) are the embedder's */
static void hook_roots(hd_heap_t *h, int (*visit)(hd_obj_t *o, void *arg), void *arg, void *ctx)
{
    sc_vm_t *vm = ctx;
    if (vm->saved_hooks.visit_roots)
        vm->saved_hooks.visit_roots(h, visit, arg, vm->saved_hooks.ctx);
}

void sc_hooks_install(sc_vm_t *vm)
{
    vm->saved_hooks = vm->h->hooks;
    hd_heap_hooks_t hooks = {hook_finalizer,   hook_weakref, hook_gc, hook_message,
                             hook_resurrected, hook_roots,   vm};
    hd_heap_set_hooks(vm->h, &hooks);
}

void sc_hooks_restore(sc_vm_t *vm)
{
    hd_heap_set_hooks(vm->h, &vm->saved_hooks);
}

/* ---- the run ---- */

static void fill_error(sc_vm_t *vm, hd_script_result_t *out)
{
    out->status = HD_SCRIPT_ERROR;
    snprintf(out->exc_type, sizeof(out->exc_type), "%s", sc_exc_name(vm->exc));
    /* the printed line has the "Did you mean" suggestion */
    const char *hint =
        vm->exc == EXC_NAMEERROR || vm->exc == EXC_ATTRIBUTEERROR ? sc_hint_text(vm) : "";
    size_t n = strlen(vm->exc_msg), hn = strlen(hint);
    out->message = hd_mem_malloc(vm->h->mem, n + hn + 24);
    if (out->message) {
        memcpy(out->message, vm->exc_msg, n + 1);
        if (hn)
            sprintf(out->message + n, ". Did you mean: '%s'?", hint);
    }
    sc_hint_clear(vm);
    out->line = vm->exc_pos ? vm->exc_line : 0;
    out->col = vm->exc_pos ? vm->exc_col : 0;
}

static void syntax_error(sc_vm_t *vm, const sc_syntax_error_t *e, hd_script_result_t *out)
{
    vm->exc = strcmp(e->type, "IndentationError") == 0 ? EXC_INDENTATIONERROR : EXC_SYNTAXERROR;
    snprintf(vm->exc_msg, sizeof(vm->exc_msg), "%s", e->msg);
    vm->exc_pos = true;
    vm->exc_line = e->line;
    vm->exc_col = e->col;
    fill_error(vm, out);
}

static uint64_t now(const hd_script_limits_t *lim)
{
    return lim && lim->clock_ns ? lim->clock_ns(lim->clock_ctx) : 0;
}

/* finish: the result's buffers and status */
static int finish(sc_vm_t *vm, int rc, hd_script_result_t *out)
{
    out->steps = vm->steps;
    if (vm->fatal == SC_FATAL_BUDGET) {
        out->status = HD_SCRIPT_BUDGET;
        out->budget = vm->fatal_what;
    } else if (vm->fatal == SC_FATAL_DENIED) {
        out->status = HD_SCRIPT_DENIED;
        out->budget = vm->fatal_what;
    } else if (rc) {
        fill_error(vm, out);
    }
    sc_hint_clear(vm);
    out->out = vm->out.v;
    out->out_len = vm->out.n;
    out->err = vm->err.v;
    out->err_len = vm->err.n;
    if (!out->out) {
        out->out = hd_mem_calloc(vm->h->mem, 1, 1);
        if (!out->out)
            return HD_ENOMEM;
    }
    return 0;
}

static int run_module(sc_vm_t *vm, hd_obj_t *code)
{
    hd_obj_t *res;
    sc_frame_t *f = sc_frame_push(vm, (sc_code_t *)code, NULL);
    if (!f)
        return -1;
    int rc = sc_eval(vm, f, &res);
    if (!rc)
        hd__decref(vm->h, res);
    return rc;
}

static void vm_init(sc_vm_t *vm, hd_heap_t *h, sc_state_t *st, const hd_script_limits_t *lim)
{
    memset(vm, 0, sizeof(*vm));
    vm->h = h;
    vm->st = st;
    vm->lim = lim;
    vm->filename = lim->filename ? lim->filename : "<exec>";
    vm->max_steps = lim->max_steps;
    vm->t0 = now(lim);
    vm->tick = vm->tick_set = 1; /* the first instruction takes the slow path */
    int cap = lim->max_depth > 0 ? lim->max_depth : HD_SCRIPT_DEFAULT_DEPTH;
    vm->limit = st->recursion_limit < cap ? st->recursion_limit : cap;
}

int hd_script_run(hd_heap_t *h, const char *source, size_t len, const hd_script_limits_t *lim_in,
                  hd_script_result_t *out)
{
    hd_script_limits_t lim;
    if (lim_in)
        lim = *lim_in;
    else
        hd_script_limits_default(&lim);
    if (!lim.max_source)
        lim.max_source = HD_SCRIPT_DEFAULT_SOURCE;
    if (!lim.max_output)
        lim.max_output = HD_SCRIPT_DEFAULT_OUTPUT;
    memset(out, 0, sizeof(*out));
    out->mem = h->mem;
    sc_state_t *st;
    int rc = sc_state_get(h, &st);
    if (rc)
        return rc;
    st->class_gen++;  /* classes may have changed since the last run */
    st->ns_version++; /* and the namespace */
    sc_vm_t vm;
    vm_init(&vm, h, st, &lim);
    if (len > lim.max_source) {
        out->status = HD_SCRIPT_BUDGET;
        out->budget = "script_source";
        return finish(&vm, 0, out);
    }
    sc_arena_t arena;
    sc_arena_init(&arena, h->mem);
    sc_syntax_error_t serr;
    hd_obj_t *code = NULL;
    uint32_t site = h->site;
    sc_hooks_install(&vm);
    rc = sc_compile(h, &arena, source, len, vm.filename, lim.interactive, &st->code_serial, &serr,
                    &code);
    if (rc == SC_SYNTAX) {
        syntax_error(&vm, &serr, out);
        rc = 0;
    } else if (rc) {
        sc_nomem(&vm, rc);
        rc = -1;
    } else {
        rc = run_module(&vm, code);
    }
    /* after an error, finalizers run by the cleanup print nothing */
    vm.out_closed = rc != 0 || vm.fatal;
    if (!vm.fatal)
        sc_flush_stdout(&vm);
    int status_rc = rc;
    int saved_exc = vm.exc;
    char saved_msg[sizeof(vm.exc_msg)];
    memcpy(saved_msg, vm.exc_msg, sizeof(saved_msg));
    bool pos = vm.exc_pos;
    int line = vm.exc_line, col = vm.exc_col;
    if (code)
        hd__decref(h, code);
    sc_arena_release(&arena, h);
    sc_arena_free(&arena);
    vm.exc = saved_exc;
    memcpy(vm.exc_msg, saved_msg, sizeof(saved_msg));
    vm.exc_pos = pos;
    vm.exc_line = line;
    vm.exc_col = col;
    sc_vm_free_chunks(&vm);
    sc_hooks_restore(&vm);
    h->site = site;
    if (out->status == HD_SCRIPT_ERROR && !status_rc)
        return finish(&vm, 0, out), 0;
    return finish(&vm, status_rc, out);
}

void hd_script_result_close(hd_script_result_t *r)
{
    if (!r || !r->mem)
        return;
    hd_mem_free(r->mem, r->out);
    hd_mem_free(r->mem, r->err);
    hd_mem_free(r->mem, r->message);
    r->out = r->err = r->message = NULL;
}

void hd_script_line(const hd_script_result_t *r, char *buf, size_t len)
{
    if (r->message && r->message[0])
        snprintf(buf, len, "%s: %s", r->exc_type, r->message);
    else
        snprintf(buf, len, "%s", r->exc_type);
}
