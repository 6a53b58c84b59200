/*
 * vm.c: the evaluation loop of the heap script language and its frames.
 *
 * The loop follows CPython 3.11's ceval.c instruction by instruction, with
 * the same stack discipline: every stack slot is an owned reference, an
 * instruction drops its operands' references in the order ceval.c does
 * (the container before the key, the callable before the arguments), and a
 * Python call moves the arguments off the caller's stack into the new
 * frame's locals. That is what makes sys.getrefcount() and the order of
 * __del__ calls come out as python3's.
 *
 * Frames live in chunks of inspector memory (sc_frame_push), each
 * followed by its locals and its value stack. A frame is cleared as
 * _PyFrame_Clear does it: locals in slot order, then what is left on its
 * stack, then the class namespace, then the function.
 *
 * The dispatch function is long because it is one handler per instruction
 * (computed gotos, or a switch: see DISPATCH), kept in one place so that
 * the stack pointer and the instruction pointer stay in registers; each
 * handler is a few lines, handlers of the same shape share their ending
 * (operands_done, built), and the larger operations (calls, attribute
 * lookups, arithmetic) are functions of their own in call.c, attr.c and
 * ops.c. The common cases of globals, STORE_ATTR, range iteration and
 * class calls are inline (docs/script.md, "Speed").
 */
#include <string.h>

#include "ast.h"
#include "impl.h"
#include "vm.h"

#define CHUNK_SLOTS     (64 * 1024)
#define MAX_TOTAL_SLOTS (8 * 1024 * 1024)
#define BUDGET_TICK     4096

struct sc_chunk_s {
    sc_chunk_s *prev;
    size_t cap, top; /* bytes */
    char data[];
};

/* ---- frames ---- */

static inline sc_frame_t *frame_push(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func, uint32_t nset)
{
    size_t slots = (size_t)code->nlocals + code->stacksize;
    size_t size = (sizeof(sc_frame_t) + slots * sizeof(hd_obj_t *) + 15) & ~(size_t)15;
    sc_chunk_s *c = vm->chunk;
    if (!c || c->top + size > c->cap) {
        size_t cap =
            size > CHUNK_SLOTS * sizeof(hd_obj_t *) ? size : CHUNK_SLOTS * sizeof(hd_obj_t *);
        if (vm->chunk_slots_total + cap / sizeof(hd_obj_t *) > MAX_TOTAL_SLOTS) {
            sc_raise(vm, EXC_MEMORYERROR, "%s", "");
            return NULL;
        }
        sc_chunk_s *n = hd_mem_malloc(vm->h->mem, sizeof(sc_chunk_s) + cap);
        if (!n) {
            sc_nomem(vm, HD_ENOMEM);
            return NULL;
        }
        n->prev = c;
        n->cap = cap;
        n->top = 0;
        vm->chunk = c = n;
        vm->chunk_slots_total += cap / sizeof(hd_obj_t *);
    }
    sc_frame_t *f = (sc_frame_t *)(c->data + c->top);
    c->top += size;
    /* every field, without a memset call: this is on every Python call */
    f->prev = vm->frame;
    f->code = code;
    f->func = func;
    f->ns = f->init_self = f->init_args = NULL;
    f->init_pop = 0;
    f->stack = f->locals + code->nlocals;
    f->sp = f->stack;
    f->ip = code->instr;
    f->cur = code->instr;
    f->size = size;
    f->entry = false;
    for (uint32_t i = nset; i < code->nlocals; i++)
        f->locals[i] = NULL;
    vm->frame = f;
    vm->depth++;
    return f;
}

sc_frame_t *sc_frame_push(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func)
{
    return frame_push(vm, code, func, 0);
}

sc_frame_t *sc_frame_push_set(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func, uint32_t nset)
{
    assert(nset <= code->nlocals);
    return frame_push(vm, code, func, nset);
}

/* frame_release: gives the frame's memory back (it is the chunk's top) */
static void frame_release(sc_vm_t *vm, sc_frame_t *f)
{
    sc_chunk_s *c = vm->chunk;
    c->top -= f->size;
    if (c->top == 0 && c->prev) {
        vm->chunk = c->prev;
        vm->chunk_slots_total -= c->cap / sizeof(hd_obj_t *);
        hd_mem_free(vm->h->mem, c);
    }
}

/* sc_frame_pop: _PyFrame_Clear, then the frame goes away. The stack must
 * be described by f->sp. */
static inline void frame_pop(sc_vm_t *vm, sc_frame_t *f)
{
    hd_heap_t *h = vm->h;
    vm->frame = f->prev;
    vm->depth--;
    uint32_t n = f->code->nlocals;
    for (uint32_t i = 0; i < n; i++) {
        hd_obj_t *v = f->locals[i];
        f->locals[i] = NULL;
        hd__xdecref(h, v);
    }
    for (hd_obj_t **p = f->stack; p < f->sp; p++)
        hd__xdecref(h, *p);
    hd_obj_t *ns = f->ns, *func = f->func, *self = f->init_self, *args = f->init_args;
    hd__xdecref(h, ns);
    hd__xdecref(h, func);
    hd__xdecref(h, args);
    hd__xdecref(h, self);
    frame_release(vm, f);
}

void sc_frame_pop(sc_vm_t *vm, sc_frame_t *f)
{
    frame_pop(vm, f);
}

/* init_return: __init__ returned `retval` (a reference) to type_call: pops
 * its frame, then the instance replaces the class and the arguments on the
 * caller's stack (*spp), released callable first. 0, or -1 with a
 * TypeError when __init__ returned something other than None. */
static int init_return(sc_vm_t *vm, sc_frame_t *done, hd_obj_t *retval, hd_obj_t ***spp)
{
    hd_heap_t *h = vm->h;
    hd_obj_t *obj = done->init_self;
    int pop = done->init_pop;
    if (retval != h->none) {
        sc_raise(vm, EXC_TYPEERROR, "__init__() should return None, not '%s'",
                 sc_tname(vm, retval));
        hd__decref(h, retval);
        done->sp = done->stack;
        frame_pop(vm, done);
        return -1;
    }
    hd__decref(h, retval);
    hd__incref(obj);
    done->sp = done->stack;
    frame_pop(vm, done);
    hd_obj_t **sp = *spp;
    hd_obj_t **base = sp - pop;
    /* the callable first, then the arguments */
    hd__xdecref(h, base[1]);
    hd__xdecref(h, base[0]);
    for (int i = 2; i < pop; i++)
        hd__decref(h, base[i]);
    base[0] = obj;
    *spp = base + 1;
    return 0;
}

void sc_vm_free_chunks(sc_vm_t *vm)
{
    while (vm->chunk) {
        sc_chunk_s *c = vm->chunk;
        vm->chunk = c->prev;
        hd_mem_free(vm->h->mem, c);
    }
    vm->chunk_slots_total = 0;
}

/* ---- budget ---- */

int sc_check_budget(sc_vm_t *vm)
{
    if (vm->fatal) {
        vm->tick = 1; /* whatever still runs comes back here at once */
        return -1;
    }
    uint32_t used = (uint32_t)(vm->tick_set - (vm->tick > 0 ? vm->tick : 0));
    vm->steps += used;
    vm->since_clock += used;
    /* while tracemalloc traces, every instruction comes here (the loop
     * sets the allocation site of each new line) */
    vm->tick = vm->tick_set = *vm->h->tracing ? 1 : BUDGET_TICK;
    const hd_script_limits_t *lim = vm->lim;
    if (vm->max_steps && vm->steps > vm->max_steps)
        return sc_fatal(vm, SC_FATAL_BUDGET, "script_steps");
    if (vm->since_clock >= BUDGET_TICK) {
        vm->since_clock = 0;
        if (lim && lim->clock_ns && lim->max_time_ns &&
            lim->clock_ns(lim->clock_ctx) - vm->t0 > lim->max_time_ns)
            return sc_fatal(vm, SC_FATAL_BUDGET, "script_time");
    }
    return 0;
}

/* ---- helpers of the loop ---- */

static int unbound_local(sc_vm_t *vm, sc_code_t *code, int i)
{
    if (code->kinds[i] == LK_FREE)
        return sc_raise(vm, EXC_NAMEERROR,
                        "cannot access free variable '%s' where it is not associated with a "
                        "value in enclosing scope",
                        code->varnames[i]);
    return sc_raise(vm, EXC_UNBOUNDLOCALERROR,
                    "cannot access local variable '%s' where it is not associated with a value",
                    code->varnames[i]);
}

static int name_error(sc_vm_t *vm, const char *name)
{
    sc_raise(vm, EXC_NAMEERROR, "name '%s' is not defined", name);
    sc_hint_name(vm, name);
    return -1;
}

/* load_global: globals, then the module's own names, then builtins.
 * Borrowed or NULL (NameError set). */
static hd_obj_t *load_global(sc_vm_t *vm, sc_cache_t *c, const char *name)
{
    hd_obj_t *v = sc_global_load(vm, c, name);
    if (!v)
        name_error(vm, name);
    return v;
}

/* cached_global: the namespace entry a global's inline cache holds, or
 * NULL (a builtin, or a stale cache: sc_global_load/store look it up) */
static inline hd_ns_entry_t *cached_global(sc_vm_t *vm, const sc_cache_t *c)
{
    if (HD_LIKELY(c->key == vm->st->ns_version && !(c->value & 1)))
        return (hd_ns_entry_t *)(uintptr_t)c->value;
    return NULL;
}

static hd_obj_t *load_name(sc_vm_t *vm, sc_frame_t *f, const sc_instr_t *in)
{
    int arg = in->arg;
    if (f->ns) {
        hd_obj_t *v;
        int rc = hd_dict_getitem(vm->h, f->ns, f->code->names[arg], &v);
        if (rc == 0)
            return v;
        if (rc != HD_EKEY) {
            sc_nomem(vm, rc);
            return NULL;
        }
    }
    return load_global(vm, &f->code->cache[in->cache], f->code->cnames[arg]);
}

static int store_name(sc_vm_t *vm, sc_frame_t *f, const sc_instr_t *in, hd_obj_t *v)
{
    int arg = in->arg, rc;
    if (f->ns)
        rc = hd_dict_setitem(vm->h, f->ns, f->code->names[arg], v);
    else
        rc = sc_global_store(vm, &f->code->cache[in->cache], f->code->cnames[arg],
                             f->code->names[arg], v);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int delete_name(sc_vm_t *vm, sc_frame_t *f, int arg)
{
    int rc;
    if (f->ns)
        rc = hd_dict_delitem(vm->h, f->ns, f->code->names[arg]);
    else
        rc = sc_ns_delete(vm, f->code->cnames[arg]);
    if (rc == HD_EKEY || rc == HD_ENAME)
        return name_error(vm, f->code->cnames[arg]);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int make_function(sc_vm_t *vm, int flags, hd_obj_t **sp, hd_obj_t **out)
{
    /* sp points past: [defaults?][closure?][code] */
    hd_obj_t *code = sp[-1];
    hd_obj_t *closure = (flags & MF_CLOSURE) ? sp[-2] : NULL;
    hd_obj_t *defaults = (flags & MF_DEFAULTS) ? sp[(flags & MF_CLOSURE) ? -3 : -2] : NULL;
    sc_code_t *co = (sc_code_t *)code;
    int rc = hd__func_new(vm->h, code, co->co_name, co->co_qualname, defaults, closure,
                          vm->st->main_str, out);
    if (rc)
        return sc_nomem(vm, rc);
    hd_func_obj_t *fn = (hd_func_obj_t *)*out;
    if (co->nconsts && co->consts[0]->type == HD_T_STR && (co->flags & CO_FUNCTION) &&
        !(co->flags & (CO_LAMBDA | CO_COMPREHENSION))) {
        hd__incref(co->consts[0]);
        fn->doc = co->consts[0];
    }
    return 0;
}

static int unpack(sc_vm_t *vm, hd_obj_t *seq, int n, hd_obj_t **dst)
{
    /* dst[n-1] is pushed first: items go in reverse so that item 0 is on top */
    if ((seq->type == HD_T_TUPLE || seq->type == HD_T_LIST) && hd_len(seq) == n) {
        for (int i = 0; i < n; i++) {
            hd_obj_t *item;
            hd_seq_getitem(seq, i, &item);
            hd__incref(item);
            dst[n - 1 - i] = item;
        }
        return 0;
    }
    hd_obj_t *it;
    if (sc_iter(vm, seq, &it)) {
        if (vm->exc == EXC_TYPEERROR)
            return sc_raise(vm, EXC_TYPEERROR, "cannot unpack non-iterable %s object",
                            sc_tname(vm, seq));
        return -1;
    }
    int i = 0;
    for (; i < n; i++) {
        hd_obj_t *item;
        int r = sc_next(vm, it, &item);
        if (r <= 0) {
            for (int k = 0; k < i; k++)
                hd__decref(vm->h, dst[n - 1 - k]);
            hd__decref(vm->h, it);
            if (r < 0)
                return -1;
            return sc_raise(vm, EXC_VALUEERROR, "not enough values to unpack (expected %d, got %d)",
                            n, i);
        }
        dst[n - 1 - i] = item;
    }
    hd_obj_t *extra;
    int r = sc_next(vm, it, &extra);
    hd__decref(vm->h, it);
    if (r != 0) {
        if (r > 0)
            hd__decref(vm->h, extra);
        for (int k = 0; k < n; k++)
            hd__decref(vm->h, dst[k]);
        return r < 0 ? -1
                     : sc_raise(vm, EXC_VALUEERROR, "too many values to unpack (expected %d)", n);
    }
    return 0;
}

static int build_string(sc_vm_t *vm, hd_obj_t **items, int n, hd_obj_t **out)
{
    sc_buf_t b = {0};
    int rc = 0;
    for (int i = 0; i < n && !rc; i++)
        rc = sc_str_buf(vm, items[i], &b);
    if (!rc)
        rc = sc_str_new(vm, b.v ? b.v : "", b.n, out);
    hd_mem_free(vm->h->mem, b.v);
    return rc;
}

static int format_value(sc_vm_t *vm, int flags, hd_obj_t *value, hd_obj_t *spec, hd_obj_t **out)
{
    hd_obj_t *v = value;
    int conv = flags & 3, rc = 0;
    hd__incref(v);
    if (conv) {
        hd_obj_t *c;
        rc = conv == 1 ? sc_str(vm, v, &c) : sc_repr(vm, v, &c);
        hd__decref(vm->h, v);
        if (rc)
            return -1;
        v = c;
    }
    if (v->type == HD_T_STR && !spec) {
        *out = v;
        return 0;
    }
    rc = sc_format(vm, v, spec, out);
    hd__decref(vm->h, v);
    return rc;
}

static int build_map(sc_vm_t *vm, hd_obj_t **pairs, int n, hd_obj_t **out)
{
    hd_obj_t *kv[64], **keys = kv, **values = kv + 32;
    if (n > 32)
        return sc_raise(vm, EXC_RUNTIMEERROR, "dict display too long");
    for (int i = 0; i < n; i++) {
        int64_t hash;
        if (sc_hash_of(vm, pairs[2 * i], &hash))
            return -1;
        keys[i] = pairs[2 * i];
        values[i] = pairs[2 * i + 1];
    }
    int rc = hd_dict_new(vm->h, (size_t)n, keys, values, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int build_const_key_map(sc_vm_t *vm, hd_obj_t *keys, hd_obj_t **values, int n,
                               hd_obj_t **out)
{
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)keys;
    for (int i = 0; i < n; i++) {
        int64_t hash;
        if (sc_hash_of(vm, t->items[i], &hash))
            return -1;
    }
    int rc = hd_dict_new(vm->h, (size_t)n, t->items, values, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int import_from(sc_vm_t *vm, hd_obj_t *mod, const char *name, hd_obj_t **out)
{
    if (sc_module_getattr(vm, mod, name, out) == 0)
        return 0;
    if (vm->fatal)
        return -1;
    sc_clear_exc(vm);
    return sc_raise(vm, EXC_IMPORTERROR, "cannot import name '%s' from '%s' (%s)", name,
                    ((hd_builtin_obj_t *)mod)->name,
                    ((hd_builtin_obj_t *)mod)->owner ? ((hd_builtin_obj_t *)mod)->owner
                                                     : "unknown location");
}

static int assert_fail(sc_vm_t *vm, hd_obj_t *msg)
{
    if (!msg)
        return sc_raise(vm, EXC_ASSERTIONERROR, "%s", "");
    hd_obj_t *s;
    if (sc_str(vm, msg, &s))
        return -1;
    size_t len;
    char *text = sc_str_utf8(vm, s, &len);
    hd__decref(vm->h, s);
    if (!text)
        return sc_nomem(vm, HD_ENOMEM);
    sc_raise(vm, EXC_ASSERTIONERROR, "%s", text);
    hd_mem_free(vm->h->mem, text);
    return -1;
}

/* ---- the loop ---- */

#define PUSH(v)    (*sp++ = (v))
#define POP()      (*--sp)
#define TOP()      (sp[-1])
#define SECOND()   (sp[-2])
#define PEEK(n)    (sp[-(n)])
#define DECREF(o)  hd__decref(h, (o))
#define XDECREF(o) hd__xdecref(h, (o))
#define HDRC(x)    hdrc(vm, (x))
#define IN         (ip - 1) /* the instruction running (ip is the next one) */

/* Dispatch: with GCC or clang, each handler ends by fetching the next
 * instruction and jumping through a table of label addresses (one indirect
 * branch per handler, which the processor predicts per opcode pair); other
 * compilers get the same loop as a switch. The budget and tracemalloc
 * share one unlikely branch (slow_path): vm->tick runs out every
 * BUDGET_TICK instructions, and at every instruction while tracing. It is
 * never set below 1, so the loop tests for exactly 0 (one decrement and
 * branch on memory). */
#if defined(__GNUC__) && !defined(SC_NO_COMPUTED_GOTO)
#define SC_COMPUTED_GOTO 1
#define TARGET(op)                                                                                 \
    case OP_##op:                                                                                  \
        L_##op:
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        f->cur = ip++;                                                                             \
        if (HD_UNLIKELY(--vm->tick == 0))                                                          \
            goto slow_path;                                                                        \
        arg = IN->arg;                                                                             \
        goto *targets[IN->op];                                                                     \
    } while (0)
#else
#define SC_COMPUTED_GOTO 0
#define TARGET(op)       case OP_##op:
#define DISPATCH()       continue
#endif
#define ERR_IF(c)                                                                                  \
    do {                                                                                           \
        if (c)                                                                                     \
            goto error;                                                                            \
    } while (0)

static int hdrc(sc_vm_t *vm, int rc)
{
    return rc ? sc_nomem(vm, rc) : 0;
}

/* dict_get_cstr: d[name] for a dict of str keys, borrowed or NULL */
static hd_obj_t *dict_get_cstr(hd_obj_t *d, const char *name)
{
    int64_t pos = 0;
    hd_obj_t *k, *v;
    size_t n = strlen(name);
    char buf[256];
    while (hd_dict_next(d, &pos, &k, &v))
        if (k->type == HD_T_STR && (size_t)hd_str_utf8(k, buf, sizeof(buf)) == n &&
            memcmp(buf, name, n) == 0)
            return v;
    return NULL;
}

static void note_position(sc_vm_t *vm, sc_frame_t *f)
{
    if (vm->exc && !vm->exc_pos && f && f->cur) {
        vm->exc_pos = true;
        vm->exc_line = (int)f->cur->line;
        vm->exc_col = f->cur->col;
    }
}

/* sc_eval: runs `entry` (pushed by the caller) and every frame it calls
 * until entry returns. 0 with the return value (new reference), or -1 with
 * the exception set; entry has been popped either way. */
#if SC_COMPUTED_GOTO && defined(__GNUC__) && !defined(__clang__)
/* GCC would merge the handlers' identical DISPATCH() tails back into one
 * indirect jump (cross-jumping), undoing the per-handler branches */
__attribute__((optimize("no-crossjumping", "no-gcse")))
#endif
int sc_eval(sc_vm_t *vm, sc_frame_t *entry, hd_obj_t **result)
{
    hd_heap_t *h = vm->h;
    sc_frame_t *f = entry;
    sc_code_t *code = f->code;
    const sc_instr_t *ip = f->ip;
    hd_obj_t **sp = f->sp, **locals = f->locals, **consts = code->consts;
    hd_obj_t *v, *w, *u, *res;
    hd_ns_entry_t *e;
    uint32_t line = 0;
    int rc, arg;
#if SC_COMPUTED_GOTO
    static const void *const targets[SC_NOPCODES] = {
#define SC_OP_LABEL(name) &&L_##name,
        SC_OPCODES(SC_OP_LABEL)
#undef SC_OP_LABEL
    };
#endif
    entry->entry = true;
    if (++vm->cnest > SC_MAX_CNEST) {
        vm->cnest--;
        sc_raise(vm, EXC_RECURSIONERROR, "maximum recursion depth exceeded");
        note_position(vm, f->prev);
        f->sp = sp;
        sc_frame_pop(vm, f);
        return -1;
    }
    for (;;) {
        /* the next instruction; DISPATCH() in each handler repeats this */
        f->cur = ip++;
        if (HD_UNLIKELY(--vm->tick == 0)) {
#if SC_COMPUTED_GOTO
        slow_path:
#endif
            /* a budget check is due, or tracemalloc is on (each new line
             * of a frame sets the allocation site) */
            if (sc_check_budget(vm))
                goto error;
            if (*h->tracing && IN->line != line) {
                line = IN->line;
                sc_set_site(vm, code, line);
            }
        }
        arg = IN->arg;
#if SC_COMPUTED_GOTO
        goto *targets[IN->op];
#endif
        switch (IN->op) {
            TARGET(NOP)
            DISPATCH();
            TARGET(POP_TOP)
            v = POP();
            DECREF(v);
            DISPATCH();
            TARGET(PRINT_EXPR)
            ERR_IF(sc_display(vm, POP()));
            DISPATCH();
            TARGET(PUSH_NULL)
            PUSH(NULL);
            DISPATCH();
            TARGET(COPY)
            v = PEEK(arg);
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(SWAP)
            v = TOP();
            TOP() = PEEK(arg);
            PEEK(arg) = v;
            DISPATCH();
            TARGET(LOAD_CONST)
            v = consts[arg];
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(LOAD_NAME)
            if (f->ns || !(e = cached_global(vm, &code->cache[IN->cache])) || !(v = e->obj))
                v = load_name(vm, f, IN);
            ERR_IF(!v);
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(STORE_NAME)
            v = POP();
            if (!f->ns && (e = cached_global(vm, &code->cache[IN->cache])) && e->obj) {
                w = e->obj;
                e->obj = v;
                DECREF(w);
                DISPATCH();
            }
            rc = store_name(vm, f, IN, v);
            DECREF(v);
            ERR_IF(rc);
            DISPATCH();
            TARGET(DELETE_NAME)
            TARGET(DELETE_GLOBAL)
            if (IN->op == OP_DELETE_GLOBAL) {
                rc = sc_ns_delete(vm, code->cnames[arg]);
                if (rc == HD_ENAME)
                    rc = name_error(vm, code->cnames[arg]);
                else if (rc)
                    rc = sc_nomem(vm, rc);
            } else {
                rc = delete_name(vm, f, arg);
            }
            ERR_IF(rc);
            DISPATCH();
            TARGET(LOAD_GLOBAL)
            if (!(e = cached_global(vm, &code->cache[IN->cache])) || !(v = e->obj))
                v = load_global(vm, &code->cache[IN->cache], code->cnames[arg >> 1]);
            ERR_IF(!v);
            if (arg & 1)
                PUSH(NULL);
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(STORE_GLOBAL)
            v = POP();
            if ((e = cached_global(vm, &code->cache[IN->cache])) && e->obj) {
                w = e->obj;
                e->obj = v;
                DECREF(w);
                DISPATCH();
            }
            rc = sc_global_store(vm, &code->cache[IN->cache], code->cnames[arg], code->names[arg],
                                 v);
            DECREF(v);
            ERR_IF(rc && sc_nomem(vm, rc));
            DISPATCH();
            TARGET(LOAD_FAST)
            v = locals[arg];
            if (HD_UNLIKELY(!v)) {
                unbound_local(vm, code, arg);
                goto error;
            }
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(STORE_FAST)
            w = locals[arg];
            locals[arg] = POP();
            XDECREF(w);
            DISPATCH();
            TARGET(DELETE_FAST)
            w = locals[arg];
            if (!w) {
                unbound_local(vm, code, arg);
                goto error;
            }
            locals[arg] = NULL;
            DECREF(w);
            DISPATCH();
            TARGET(MAKE_CELL)
            rc = hd__cell_new(h, locals[arg], &v);
            ERR_IF(rc && sc_nomem(vm, rc));
            w = locals[arg];
            locals[arg] = v;
            XDECREF(w);
            DISPATCH();
            TARGET(COPY_FREE_VARS)
            {
                hd_tuple_obj_t *cl = (hd_tuple_obj_t *)((hd_func_obj_t *)f->func)->closure;
                for (int i = 0; i < arg; i++) {
                    hd__incref(cl->items[i]);
                    locals[code->nlocals - (uint32_t)arg + (uint32_t)i] = cl->items[i];
                }
                DISPATCH();
            }
            TARGET(LOAD_CLOSURE)
            v = locals[arg];
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(LOAD_CLASSDEREF)
            if (f->ns && (v = dict_get_cstr(f->ns, code->varnames[arg])) != NULL) {
                hd__incref(v);
                PUSH(v);
                DISPATCH();
            }
            v = ((hd_cell_obj_t *)locals[arg])->ref;
            goto load_deref;
            TARGET(LOAD_DEREF)
            v = ((hd_cell_obj_t *)locals[arg])->ref;
        load_deref:
            if (!v) {
                unbound_local(vm, code, arg);
                goto error;
            }
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(STORE_DEREF)
            {
                hd_cell_obj_t *cell = (hd_cell_obj_t *)locals[arg];
                w = cell->ref;
                cell->ref = POP();
                XDECREF(w);
                DISPATCH();
            }
            TARGET(DELETE_DEREF)
            {
                hd_cell_obj_t *cell = (hd_cell_obj_t *)locals[arg];
                w = cell->ref;
                if (!w) {
                    unbound_local(vm, code, arg);
                    goto error;
                }
                cell->ref = NULL;
                DECREF(w);
                DISPATCH();
            }
            TARGET(LOAD_ATTR)
            v = TOP();
            rc = sc_getattr_cached(vm, &code->cache[IN->cache], v, code->cnames[arg],
                                   code->names[arg], &res);
            ERR_IF(rc);
            DECREF(v);
            TOP() = res;
            DISPATCH();
            TARGET(STORE_ATTR)
            v = TOP();
            w = SECOND();
            sp -= 2;
            {
                /* sc_setattr_cached's hit without the call: an instance
                 * whose class has no attribute of that name */
                const sc_cache_t *c = &code->cache[IN->cache];
                if (v->type == HD_T_INSTANCE && c->key == (uint64_t)(uintptr_t)hd__class_of(h, v) &&
                    c->aux == vm->st->class_gen && !c->value)
                    rc = hd_obj_setattr(h, v, code->cnames[arg], w) == 0
                             ? 0
                             : sc_setattr(vm, v, code->cnames[arg], code->names[arg], w);
                else
                    rc = sc_setattr_cached(vm, &code->cache[IN->cache], v, code->cnames[arg],
                                           code->names[arg], w);
            }
            DECREF(w);
            DECREF(v);
            ERR_IF(rc);
            DISPATCH();
            TARGET(DELETE_ATTR)
            v = POP();
            rc = sc_setattr(vm, v, code->cnames[arg], code->names[arg], NULL);
            DECREF(v);
            ERR_IF(rc);
            DISPATCH();
            TARGET(LOAD_METHOD)
            v = TOP();
            rc = sc_getmethod_cached(vm, &code->cache[IN->cache], v, code->cnames[arg],
                                     code->names[arg], &res);
            ERR_IF(rc < 0);
            if (rc) {
                TOP() = res;
                PUSH(v);
            } else {
                TOP() = NULL;
                DECREF(v);
                PUSH(res);
            }
            DISPATCH();
            TARGET(BINARY_SUBSCR)
            w = POP();
            v = TOP();
            rc = sc_getitem(vm, v, w, &res);
            goto operands_done;
            TARGET(STORE_SUBSCR)
            TARGET(DELETE_SUBSCR)
            w = TOP();
            v = SECOND();
            u = IN->op == OP_STORE_SUBSCR ? PEEK(3) : NULL;
            sp -= u ? 3 : 2;
            rc = sc_setitem(vm, v, w, u);
            XDECREF(u);
            DECREF(v);
            DECREF(w);
            ERR_IF(rc);
            DISPATCH();
            TARGET(BUILD_SLICE)
            u = arg == 3 ? POP() : NULL;
            w = POP();
            v = TOP();
            rc = hd__slice_new(h, v, w, u, &res);
            DECREF(v);
            DECREF(w);
            XDECREF(u);
            if (rc) {
                sp--;
                sc_nomem(vm, rc);
                goto error;
            }
            TOP() = res;
            DISPATCH();
            TARGET(BINARY_OP)
            w = POP();
            v = TOP();
            rc = sc_binary_op(vm, arg & 0xff, (arg & 0x100) != 0, v, w, &res);
            goto operands_done;
            TARGET(UNARY_NEGATIVE)
            TARGET(UNARY_POSITIVE)
            TARGET(UNARY_INVERT)
            TARGET(UNARY_NOT)
            {
                static const int uops[] = {UO_NEG, UO_POS, UO_INVERT, UO_NOT};
                v = TOP();
                if (IN->op == OP_UNARY_NOT) {
                    rc = sc_truth(vm, v);
                    if (rc >= 0)
                        hd_bool(h, !rc, &res);
                    rc = rc < 0;
                } else {
                    sc_err_t err;
                    rc = sc_num_unary(h, uops[IN->op - OP_UNARY_NEGATIVE], v, &res, &err);
                    if (rc)
                        sc_raise_rc(vm, rc, &err);
                }
                w = NULL;
                goto operands_done;
            }
            TARGET(COMPARE_OP)
            w = POP();
            v = TOP();
            rc = sc_compare_op(vm, arg, v, w, &res);
        operands_done:
            /* the end of the one- and two-operand instructions: res replaces
             * v, w (if any) is gone */
            DECREF(v);
            XDECREF(w);
            if (rc) {
                sp--;
                goto error;
            }
            TOP() = res;
            DISPATCH();
            TARGET(IS_OP)
            w = POP();
            v = TOP();
            hd_bool(h, (v == w) ^ arg, &res);
            rc = 0;
            goto operands_done;
            TARGET(CONTAINS_OP)
            {
                w = POP();
                v = POP();
                sc_err_t err;
                rc = sc_contains(h, w, v, &err);
                DECREF(v);
                DECREF(w);
                if (rc < 0) {
                    sc_raise_rc(vm, rc, &err);
                    goto error;
                }
                hd_bool(h, rc ^ arg, &res);
                PUSH(res);
                DISPATCH();
            }
            TARGET(BUILD_TUPLE)
            TARGET(BUILD_LIST)
            TARGET(BUILD_SET)
            if (IN->op == OP_BUILD_SET) {
                for (int i = 0; i < arg; i++) {
                    int64_t hash;
                    ERR_IF(sc_hash_of(vm, sp[i - arg], &hash));
                }
                rc = hd_set_new(h, (size_t)arg, sp - arg, &res);
            } else if (IN->op == OP_BUILD_TUPLE) {
                rc = hd_tuple_new(h, (size_t)arg, sp - arg, &res);
            } else {
                rc = hd_list_new(h, (size_t)arg, sp - arg, &res);
            }
            ERR_IF(rc && sc_nomem(vm, rc));
        built:
            /* the end of the building instructions: res replaces the arg
             * items they were made of */
            while (arg--)
                DECREF(POP());
            PUSH(res);
            DISPATCH();
            TARGET(BUILD_MAP)
            ERR_IF(build_map(vm, sp - 2 * arg, arg, &res));
            arg *= 2;
            goto built;
            TARGET(BUILD_CONST_KEY_MAP)
            ERR_IF(build_const_key_map(vm, TOP(), sp - 1 - arg, arg, &res));
            DECREF(POP());
            goto built;
            TARGET(LIST_APPEND)
            v = POP();
            rc = hd_list_append(h, PEEK(arg), v);
            DECREF(v);
            ERR_IF(rc && sc_nomem(vm, rc));
            DISPATCH();
            TARGET(SET_ADD)
            {
                v = POP();
                int64_t hash;
                rc = sc_hash_of(vm, v, &hash) ? -1 : HDRC(hd_set_add(h, PEEK(arg), v));
                DECREF(v);
                ERR_IF(rc);
                DISPATCH();
            }
            TARGET(MAP_ADD)
            {
                w = POP();
                v = POP();
                int64_t hash;
                rc = sc_hash_of(vm, v, &hash) ? -1 : HDRC(hd_dict_setitem(h, PEEK(arg), v, w));
                DECREF(v);
                DECREF(w);
                ERR_IF(rc);
                DISPATCH();
            }
            TARGET(LIST_EXTEND)
            v = POP();
            rc = sc_list_extend(vm, PEEK(arg), v);
            DECREF(v);
            ERR_IF(rc);
            DISPATCH();
            TARGET(SET_UPDATE)
            TARGET(DICT_UPDATE)
            v = POP();
            if (IN->op == OP_DICT_UPDATE) {
                if (v->type != HD_T_DICT) { /* {**x}: PyDict_Update's keys() */
                    if (v->type == HD_T_INSTANCE && sc_class_lookup(vm, hd_obj_class(h, v), "keys"))
                        sc_raise(vm, EXC_TYPEERROR,
                                 "'**' of a mapping that is not a dict is not supported by the "
                                 "heap script language");
                    else
                        sc_raise(vm, EXC_TYPEERROR, "'%s' object is not a mapping",
                                 sc_tname(vm, v));
                    DECREF(v);
                    goto error;
                }
                rc = hd_dict_update(h, PEEK(arg), v);
            } else {
                int64_t pos = 0;
                hd_obj_t *k;
                rc = 0;
                while (!rc && hd_set_next(v, &pos, &k))
                    rc = hd_set_add(h, PEEK(arg), k);
            }
            DECREF(v);
            ERR_IF(rc && sc_nomem(vm, rc));
            DISPATCH();
            TARGET(LIST_TO_TUPLE)
            {
                v = TOP();
                hd_list_obj_t *l = (hd_list_obj_t *)v;
                rc = hd_tuple_new(h, (size_t)l->size, l->items, &res);
                ERR_IF(rc && sc_nomem(vm, rc));
                DECREF(v);
                TOP() = res;
                DISPATCH();
            }
            TARGET(BUILD_STRING)
            ERR_IF(build_string(vm, sp - arg, arg, &res));
            goto built;
            TARGET(FORMAT_VALUE)
            w = (arg & 4) ? POP() : NULL;
            v = POP();
            rc = format_value(vm, arg, v, w, &res);
            DECREF(v);
            XDECREF(w);
            ERR_IF(rc);
            PUSH(res);
            DISPATCH();
            TARGET(UNPACK_SEQUENCE)
            v = POP();
            rc = unpack(vm, v, arg, sp);
            DECREF(v);
            ERR_IF(rc);
            sp += arg;
            DISPATCH();
            TARGET(GET_ITER)
            v = TOP();
            rc = sc_iter(vm, v, &res);
            ERR_IF(rc);
            DECREF(v);
            TOP() = res;
            DISPATCH();
            TARGET(FOR_ITER)
            v = TOP();
            if (v->type == HD_T_RANGEITER) {
                /* for i in range(...): rangeiter_next without the calls */
                hd_rangeiter_obj_t *ri = (hd_rangeiter_obj_t *)v;
                if (ri->index < ri->len) {
                    rc = hd__int_from_long(
                        h,
                        (int64_t)((uint64_t)ri->start + (uint64_t)ri->index * (uint64_t)ri->step),
                        &res);
                    ERR_IF(rc && sc_nomem(vm, rc));
                    ri->index++;
                    PUSH(res);
                    DISPATCH();
                }
                rc = 0;
            } else {
                rc = sc_next(vm, v, &res);
            }
            if (rc > 0) {
                PUSH(res);
                DISPATCH();
            }
            ERR_IF(rc < 0);
            sp--;
            DECREF(v);
            ip = code->instr + arg;
            DISPATCH();
            TARGET(JUMP)
            ip = code->instr + arg;
            DISPATCH();
            TARGET(POP_JUMP_IF_FALSE)
            TARGET(POP_JUMP_IF_TRUE)
            v = POP();
            if (v == h->true_ || v == h->false_) {
                rc = v == h->true_;
            } else {
                rc = sc_truth(vm, v);
                if (rc < 0) {
                    DECREF(v);
                    goto error;
                }
            }
            DECREF(v);
            if (rc == (IN->op == OP_POP_JUMP_IF_TRUE))
                ip = code->instr + arg;
            DISPATCH();
            TARGET(POP_JUMP_IF_NONE)
            TARGET(POP_JUMP_IF_NOT_NONE)
            v = POP();
            if ((v == h->none) == (IN->op == OP_POP_JUMP_IF_NONE))
                ip = code->instr + arg;
            DECREF(v);
            DISPATCH();
            TARGET(JUMP_IF_FALSE_OR_POP)
            TARGET(JUMP_IF_TRUE_OR_POP)
            v = TOP();
            rc = sc_truth(vm, v);
            ERR_IF(rc < 0);
            if (rc == (IN->op == OP_JUMP_IF_TRUE_OR_POP)) {
                ip = code->instr + arg;
            } else {
                sp--;
                DECREF(v);
            }
            DISPATCH();
            TARGET(KW_NAMES)
            vm->kwnames = consts[arg];
            DISPATCH();
            TARGET(CALL)
            {
                sc_frame_t *callee = NULL;
                f->sp = sp;
                f->ip = ip;
                rc = sc_call_op(vm, f, &sp, arg, &callee);
                vm->kwnames = NULL;
                ERR_IF(rc < 0);
                if (callee) {
                    f->sp = sp;
                    f = callee;
                    goto enter_frame;
                }
                line = 0;
                DISPATCH();
            }
            TARGET(CALL_FUNCTION_EX)
            f->sp = sp;
            rc = sc_call_ex(vm, &sp, arg);
            ERR_IF(rc < 0);
            line = 0;
            DISPATCH();
            TARGET(MAKE_FUNCTION)
            ERR_IF(make_function(vm, arg, sp, &res));
            arg = 1 + ((arg & MF_CLOSURE) != 0) + ((arg & MF_DEFAULTS) != 0);
            goto built;
            TARGET(RETURN_VALUE)
            {
                v = POP();
                f->sp = sp;
                sc_frame_t *done = f;
                if (done == entry) {
                    sc_frame_pop(vm, done);
                    vm->cnest--;
                    *result = v;
                    return 0;
                }
                f = done->prev;
                sp = f->sp;
                if (done->init_self) {
                    /* __init__ returns to type_call: the instance replaces the
                     * class and arguments on the caller's stack */
                    rc = init_return(vm, done, v, &sp);
                    ERR_IF(rc);
                } else {
                    sc_frame_pop(vm, done);
                    PUSH(v);
                }
                code = f->code;
                ip = f->ip;
                locals = f->locals;
                consts = code->consts;
                line = 0;
                DISPATCH();
            }
            TARGET(LOAD_BUILD_CLASS)
            v = sc_builtin(vm, SC_BI_BUILD_CLASS);
            ERR_IF(!v);
            hd__incref(v);
            PUSH(v);
            DISPATCH();
            TARGET(IMPORT_NAME)
            w = POP();
            v = TOP();
            rc = sc_import(vm, code->cnames[arg], &res);
            DECREF(w);
            DECREF(v);
            if (rc) {
                sp--;
                goto error;
            }
            TOP() = res;
            DISPATCH();
            TARGET(IMPORT_FROM)
            ERR_IF(import_from(vm, TOP(), code->cnames[arg], &res));
            PUSH(res);
            DISPATCH();
            TARGET(RAISE_VARARGS)
            v = arg ? POP() : NULL;
            assert_fail(vm, v);
            XDECREF(v);
            goto error;
            TARGET(LOAD_ASSERTION_ERROR)
            TARGET(PUSH_EXC_INFO)
            TARGET(POP_EXCEPT)
            TARGET(CHECK_EXC_MATCH)
            TARGET(RERAISE)
            TARGET(SETUP_FINALLY)
            TARGET(POP_BLOCK)
        default:
            sc_raise(vm, EXC_RUNTIMEERROR, "unsupported instruction %s", sc_opname(IN->op));
            goto error;
        }

    enter_frame:
        /* a Python call: f is the callee, pushed by sc_call_op */
        code = f->code;
        ip = f->ip;
        sp = f->sp;
        locals = f->locals;
        consts = code->consts;
        line = 0;
        DISPATCH();

    error:
        /* no handlers: unwind to the entry frame */
        note_position(vm, f);
        for (;;) {
            f->sp = sp;
            bool last = f == entry;
            sc_frame_pop(vm, f);
            if (last) {
                vm->cnest--;
                return -1;
            }
            f = vm->frame;
            sp = f->sp;
        }
    }
}
