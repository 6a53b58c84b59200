/*
 * vm.h: the virtual machine of the heap script language (internal): the
 * state of one run, frames, the per-heap state that outlives runs, the
 * builtin objects, and the entry points the files of script/ share.
 *
 * One run (hd_script_run) owns an sc_vm_t. Frames live in chunks of
 * inspector memory, each frame followed by its local slots and its value
 * stack (CPython's datastack), so a frame never moves while C code (a
 * finalizer called from inside an allocation, say) holds a pointer to it.
 * Python-to-Python calls push a frame and stay in the same C loop; only
 * calls from C into Python (finalizers, weakref and gc callbacks, class
 * bodies, sorted(key=...)) nest the loop, and that nesting is bounded
 * separately (SC_MAX_CNEST), so neither can exhaust the C stack.
 *
 * Errors: a failing operation sets the run's pending exception (type,
 * message, position) and returns -1. Budget breaches and denied
 * operations are "fatal": no handler can catch them, they unwind every
 * frame, and every nested loop returns at once.
 */
#ifndef SC_VM_H
#define SC_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "code.h"
#include "heap_int.h"
#include "ops.h"
#include "script.h"
#include "trace.h"

struct sc_arena;

#define SC_MAX_CNEST   150 /* nested C-to-Python calls (finalizers inside finalizers, ...) */
#define SC_STATE_MAGIC 0x5343524950545331ull

/* ---- builtins: one static table, one shared object per heap ---- */

typedef struct sc_vm sc_vm_t;
/* a builtin's implementation: args borrowed (the last nkw of them are
 * keywords named by kwnames, a tuple of str, or NULL); 0 with a new
 * reference in *out, or -1 with the run's exception set. */
typedef int (*sc_cfunc_t)(sc_vm_t *vm, hd_obj_t *self, hd_obj_t *const *args, int nargs,
                          hd_obj_t *kwnames, hd_obj_t **out);

enum sc_module {
    BM_NONE,
    BM_BUILTINS,
    BM_SYS,
    BM_GC,
    BM_WEAKREF,
    BM_TRACEMALLOC,
    BM_TYPE_METHOD /* a method of a builtin type (owner_type) */
};

typedef struct sc_builtin_def {
    const char *name;
    uint8_t kind;       /* HD_BUILTIN_* */
    uint8_t module;     /* enum sc_module: where its name lives */
    uint8_t owner_type; /* methods: the hd type of self; types: the hd type they stand for */
    uint8_t flags;      /* SC_BF_* */
    sc_cfunc_t fn;
} sc_builtin_def_t;

enum {
    SC_BF_NOCALL = 1, /* a type that cannot be called (list_iterator, ...) */
    /* METH_VARARGS in CPython (or a type without vectorcall): the call packs
     * the positional arguments into a tuple, keywords into a dict */
    SC_BF_VARARGS = 2,
    /* a classmethod of a builtin type (dict.fromkeys): called without self,
     * however it was looked up */
    SC_BF_CLASSMETHOD = 4
};

#include "builtins_list.h"

extern const sc_builtin_def_t sc_builtin_defs[SC_NBUILTINS];

/* ---- per-heap state ---- */

/* the class attribute cache (attr.c): (class, name) -> value found along
 * the MRO, or none; valid while class_gen is unchanged */
#define SC_ACACHE_SIZE 512
#define SC_ACACHE_NAME 24
typedef struct sc_acache {
    const hd_obj_t *cls; /* weak: an entry of a dead class is never asked for */
    uint64_t gen;
    hd_obj_t *value; /* borrowed from the class dicts, or NULL */
    char name[SC_ACACHE_NAME];
} sc_acache_t;

typedef struct sc_state {
    uint64_t magic;
    /* bumped when a class is made or a class dict changes, and at each run
     * (the protocol may change classes between runs) */
    uint64_t class_gen;
    sc_acache_t acache[SC_ACACHE_SIZE];
    uint64_t ns_version;  /* bumped whenever a name is added to or removed from the namespace */
    uint64_t code_serial; /* code objects made so far */
    hd_obj_t *builtins[SC_NBUILTINS]; /* shared singletons, made on first use */
    hd_obj_t *kwtuples[SC_NBUILTINS]; /* owned: Argument Clinic's keyword tuples */
    hd_obj_t *kwstrs[24];             /* owned: their names (CPython's are static) */
    hd_obj_t *gc_callbacks;           /* owned list: gc.callbacks */
    hd_obj_t *pending;                /* owned: sys.stdout's pending text (str, bytes or list) */
    int64_t pending_bytes;
    hd_obj_t *subclasses; /* owned dict {int: weakref}: object's tp_subclasses */
    hd_obj_t *finalizers; /* owned dict: live weakref.finalize objects -> info tuple */
    int64_t finalize_counter;
    bool atexit_done;          /* the first finalize imported atexit (modules.c) */
    hd_obj_t *atexit_module;   /* owned: stand-ins for what that import keeps */
    int64_t subclass_serial;   /* keys of the tp_subclasses dicts */
    hd_obj_t *main_str;        /* owned str "__main__" */
    hd_obj_t *last_value;      /* owned: builtins._, the last value displayed, or NULL */
    hd_obj_t *globals;         /* owned dict: the keys of CPython's module dict (run.c) */
    bool repr_dict_made;       /* CPython's thread-state dict for Py_ReprEnter exists */
    hd_obj_t *repr_list_owner; /* owned: that dict */
    hd_obj_t *repr_list;       /* borrowed from it: the "Py_Repr" list */
    int recursion_limit;
    int traceback_limit; /* tracemalloc.start(n) */
    /* classes standing for CPython's pure-Python ones (owned, made on use) */
    /* the trace snapshot of each live Snapshot object (borrowed; cleared by
     * its finalizer) */
    struct {
        hd_obj_t *snap;
        uint64_t id;
    } snaps[HD_TRACE_MAX_SNAPSHOTS];
    hd_obj_t *cls_finalize, *cls_info, *cls_snapshot, *cls_traces, *cls_stat, *cls_statdiff,
        *cls_traceback;
} sc_state_t;

/* ---- frames ---- */

typedef struct sc_frame sc_frame_t;
struct sc_frame {
    sc_frame_t *prev;
    sc_code_t *code;       /* borrowed: the function's or the run's */
    hd_obj_t *func;        /* owned: the function running, or NULL */
    hd_obj_t *ns;          /* owned: a class body's namespace dict, or NULL */
    hd_obj_t *init_self;   /* owned: the instance whose __init__ this is, or NULL */
    hd_obj_t *init_args;   /* owned: type_call's argument tuple, or NULL */
    int init_pop;          /* __init__: caller stack entries to drop on return */
    hd_obj_t **stack;      /* the value stack's base (after the locals) */
    hd_obj_t **sp;         /* saved stack pointer */
    const sc_instr_t *ip;  /* saved: the next instruction */
    const sc_instr_t *cur; /* the instruction running (errors, lines) */
    size_t size;           /* bytes taken in its chunk */
    bool entry;            /* the loop that runs it returns to C after it */
    hd_obj_t *locals[];    /* nlocals slots, then the value stack */
};

typedef struct sc_chunk_s sc_chunk_s;

typedef struct sc_buf {
    char *v; /* owned (the heap's hd_mem_t) */
    size_t n, cap;
} sc_buf_t;

/* fatal conditions */
enum { SC_FATAL_NONE, SC_FATAL_BUDGET, SC_FATAL_DENIED, SC_FATAL_NOMEM };

struct sc_vm {
    hd_heap_t *h;
    sc_state_t *st;                /* borrowed from the heap */
    const hd_script_limits_t *lim; /* borrowed from the caller */
    const char *filename;

    /* frames */
    sc_chunk_s *chunk; /* owned list */
    size_t chunk_slots_total;
    sc_frame_t *frame; /* innermost */
    int depth;         /* recursion depth: Python frames and C recursion */
    int limit;         /* sys.getrecursionlimit() */
    int cnest;         /* nested loops */

    /* the pending exception */
    int exc; /* enum sc_exc, 0 = none */
    char exc_msg[1024];
    /* "Did you mean" (suggest.c): the suggestion, or the object and name of
     * an AttributeError to work it out from when printed */
    char hint[64];
    hd_obj_t *hint_obj; /* owned, or NULL */
    char hint_attr[128];
    int exc_line, exc_col;
    bool exc_pos;
    hd_obj_t *exc_value; /* owned: for AssertionError(msg) etc., or NULL */

    int fatal;
    const char *fatal_what; /* budget name ("script_steps") or denied call */

    /* budgets */
    uint64_t steps;
    uint64_t max_steps;
    uint64_t t0;
    int32_t tick;         /* instructions until the loop's slow path (sc_check_budget); >= 1 */
    int32_t tick_set;     /* what tick was last set to: the steps not yet counted */
    uint32_t since_clock; /* steps counted since the clock was last read */

    /* output */
    sc_buf_t out, err;
    bool out_closed; /* after the program ended with an error: finalizers print nothing */

    /* tracing: the line whose site is set */
    const sc_code_t *site_code;
    uint32_t site_line;

    hd_heap_hooks_t saved_hooks; /* the embedder's, chained */
    hd_obj_t *kwnames;           /* KW_NAMES for the next CALL (borrowed from consts) */
    hd_obj_t *varargs;           /* the argument tuple of the METH_VARARGS call running, or NULL */
};

/* ---- errors ---- */

/* sc_raise: sets the pending exception (printf style); returns -1. */
int sc_raise(sc_vm_t *vm, int exc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* sc_raise_err: from an ops.c result: SC_EXC -> *err; HD_ENOMEM/HD_ELIMIT
 * -> MemoryError. Returns -1. */
int sc_raise_rc(sc_vm_t *vm, int rc, const sc_err_t *err);
int sc_nomem(sc_vm_t *vm, int rc);
void sc_clear_exc(sc_vm_t *vm);
/* sc_fatal: a budget breach or a denied operation: uncatchable. */
int sc_fatal(sc_vm_t *vm, int kind, const char *what);
/* sc_check_budget: steps and time; called from long builtin loops too. */
int sc_check_budget(sc_vm_t *vm);

/* ---- output ---- */

int sc_buf_put(sc_vm_t *vm, sc_buf_t *b, const char *s, size_t n);
/* sc_write_stdout: print's text, through the sys.stdout model (pending
 * list) into the run's output. s is a str object (borrowed). */
int sc_write_str(sc_vm_t *vm, hd_obj_t *s);
/* sc_write_obj: PyFile_WriteObject(o, stdout, Py_PRINT_RAW): the bound
 * write method first, then str(o) (built while the method lives), then
 * the write. o is borrowed. */
int sc_write_obj(sc_vm_t *vm, hd_obj_t *o);
/* sc_flush_stdout: end of run: the pending text goes away (written). */
void sc_flush_stdout(sc_vm_t *vm);

/* ---- calling ---- */

/* sc_call: calls any callable from C (nested loop for Python code). args
 * borrowed. New reference in *out, or -1. */
int sc_call(sc_vm_t *vm, hd_obj_t *callable, hd_obj_t *const *args, int nargs, hd_obj_t *kwnames,
            hd_obj_t **out);
/* sc_run_code: runs code (module or class body) with `ns` (a class body's
 * dict, or NULL for the heap's namespace) in a nested loop. */
int sc_run_frame_code(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func, hd_obj_t *ns, hd_obj_t **out);
bool sc_callable(hd_obj_t *o);

/* ---- objects ---- */

hd_obj_t *sc_builtin(sc_vm_t *vm, int index); /* borrowed; NULL only on HD_ENOMEM */
int sc_state_get(hd_heap_t *h, sc_state_t **out);
int sc_state_bare(hd_heap_t *h, sc_state_t **out); /* (state.c, for script/persist.c) */
bool sc_state_ok(const sc_state_t *st);
/* sc_state_fill_static: makes the static strs added after the first export
 * layout that an imported state lacks (an older document); 0 or HD_ENOMEM */
int sc_state_fill_static(hd_heap_t *h, sc_state_t *st);
/* sc_builtin_lookup: the builtin named `name` in module `module` (or the
 * method of owner type `type`), or -1. */
int sc_builtin_lookup(sc_vm_t *vm, int module, int type, const char *name);
/* sc_type_of: type(o), borrowed */
hd_obj_t *sc_type_of(sc_vm_t *vm, hd_obj_t *o);
/* sc_getattr: o.name (LOAD_ATTR), new reference. name_obj may be NULL. */
int sc_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj, hd_obj_t **out);
/* sc_getmethod: LOAD_METHOD: 1 with (*meth, self) to call as a method, 0
 * with *meth the attribute itself (a new reference either way). */
int sc_getmethod(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj, hd_obj_t **meth);
int sc_setattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj, hd_obj_t *value);
/* sc_proxy_mapping: a mappingproxy's mapping, or o itself (borrowed) */
hd_obj_t *sc_proxy_mapping(hd_obj_t *o);
/* sc_proxy_self: the object a method descriptor (builtin number index)
 * applies to: a mappingproxy's mapping for the dict methods it has,
 * otherwise self itself (borrowed) */
hd_obj_t *sc_proxy_self(hd_obj_t *self, int index);
/* sc_class_mro: a class's MRO tuple (tp_mro), borrowed, or NULL (not a
 * class, or one without: made by obj.new, or cleared by a collection) */
hd_obj_t *sc_class_mro(hd_obj_t *cls);
/* sc_class_lookup: an attribute of a class or its bases, borrowed, or NULL */
hd_obj_t *sc_class_lookup(sc_vm_t *vm, hd_obj_t *cls, const char *name);
int sc_class_lookup_str(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t *name, hd_obj_t **out);
bool sc_isinstance(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *cls);
/* sc_build_class: __build_class__(func, name, *bases) */
int sc_build_class(sc_vm_t *vm, hd_obj_t *func, hd_obj_t *name, hd_obj_t *const *bases, int nbases,
                   hd_obj_t **out);

/* str() and repr() with __str__/__repr__ of classes: new str objects */
int sc_str(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out);
int sc_repr(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out);
/* sc_repr_buf / sc_str_buf: append to a buffer (UTF-8) */
int sc_repr_buf(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
int sc_str_buf(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
/* sc_format: format(o, spec) */
int sc_format(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *spec, hd_obj_t **out);
/* sc_str_utf8: a str's text (owned by the caller: hd_mem_free) */
char *sc_str_utf8(sc_vm_t *vm, hd_obj_t *s, size_t *len);
/* sc_str_new: a str from a buffer (UTF-8), new reference */
int sc_str_new(sc_vm_t *vm, const char *s, size_t n, hd_obj_t **out);

/* binary operations with program-visible semantics (list += iterable) */
int sc_binary_op(sc_vm_t *vm, int op, bool inplace, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
int sc_truth(sc_vm_t *vm, hd_obj_t *o); /* 1, 0, or -1 */
int sc_compare_op(sc_vm_t *vm, int op, hd_obj_t *a, hd_obj_t *b, hd_obj_t **out);
int sc_getitem(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *key, hd_obj_t **out);
int sc_setitem(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *key, hd_obj_t *value); /* value NULL: del */
int sc_iter(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out);
/* sc_next: 1 with a new reference, 0 when exhausted, -1 on error */
int sc_next(sc_vm_t *vm, hd_obj_t *it, hd_obj_t **out);
int sc_len(sc_vm_t *vm, hd_obj_t *o, int64_t *out);
int sc_hash_of(sc_vm_t *vm, hd_obj_t *o, int64_t *out);
int sc_list_from(sc_vm_t *vm, hd_obj_t *iterable, hd_obj_t **out);
/* sc_tuple_from_sized: PySequence_Tuple of an object with a length (not a
 * list or tuple): its iterator, PyTuple_New(len), the items stored as they
 * come. New reference; -1 with an exception; 1 (nothing done) for a list, a
 * tuple or an object without a length. */
int sc_tuple_from_sized(sc_vm_t *vm, hd_obj_t *iterable, hd_obj_t **out);
int sc_list_extend(sc_vm_t *vm, hd_obj_t *list, hd_obj_t *iterable);

/* namespace (the heap's globals), with the run's version counter */
int sc_ns_store(sc_vm_t *vm, const char *name, hd_obj_t *value); /* takes its own reference */
int sc_ns_delete(sc_vm_t *vm, const char *name);                 /* HD_ENAME if unbound */
hd_obj_t *sc_ns_load(sc_vm_t *vm, const char *name);             /* borrowed or NULL */
hd_obj_t *sc_global_load(sc_vm_t *vm, sc_cache_t *c, const char *name);
/* sc_long_lived_startup: sets h->long_lived_startup to python3's startup
 * objects for the modules imported so far (modules.c) */
void sc_long_lived_startup(hd_heap_t *h, const sc_state_t *st);
/* sc_display: sys.displayhook(v), PRINT_EXPR's call (run.c). Takes v. */
int sc_display(sc_vm_t *vm, hd_obj_t *v);
int sc_global_store(sc_vm_t *vm, sc_cache_t *c, const char *name, hd_obj_t *name_obj,
                    hd_obj_t *value);

/* modules (modules.c) */
int sc_import(sc_vm_t *vm, const char *name, hd_obj_t **out);
int sc_module_getattr(sc_vm_t *vm, hd_obj_t *mod, const char *name, hd_obj_t **out);

/* the run's hooks (run.c) */
void sc_hooks_install(sc_vm_t *vm);
void sc_hooks_restore(sc_vm_t *vm);
void sc_set_site(sc_vm_t *vm, const sc_code_t *code, uint32_t line);

/* calls (call.c): CALL n, CALL_FUNCTION_EX, and the end of __init__ */
/* attribute access through an instruction's inline cache (attr.c) */
int sc_getattr_cached(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                      hd_obj_t **out);
int sc_setattr_cached(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                      hd_obj_t *value);
int sc_getmethod_cached(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *o, const char *name,
                        hd_obj_t *name_obj, hd_obj_t **meth);
int sc_call_op(sc_vm_t *vm, sc_frame_t *f, hd_obj_t ***spp, int n, sc_frame_t **callee);
int sc_call_ex(sc_vm_t *vm, hd_obj_t ***spp, int flags);

/* the loop (vm.c) */
int sc_eval(sc_vm_t *vm, sc_frame_t *entry, hd_obj_t **result);
sc_frame_t *sc_frame_push(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func);
/* sc_frame_push_set: sc_frame_push for a caller that stores locals[0] to
 * locals[nset - 1] itself at once (they are left unset) */
sc_frame_t *sc_frame_push_set(sc_vm_t *vm, sc_code_t *code, hd_obj_t *func, uint32_t nset);
void sc_frame_pop(sc_vm_t *vm, sc_frame_t *f);
void sc_vm_free_chunks(sc_vm_t *vm);

/* misc */
int sc_int_new(sc_vm_t *vm, int64_t v, hd_obj_t **out);
/* sc_int_ssize: PyLong_FromSsize_t's int (a one-digit one is a 28-byte
 * block, where sc_int_new's PyLong_FromLong makes 32): len(), hash(),
 * sys.getsizeof, getrefcount, gc.collect, index and count */
int sc_int_ssize(sc_vm_t *vm, int64_t v, hd_obj_t **out);
const char *sc_tname(sc_vm_t *vm, hd_obj_t *o); /* type name for messages */
int sc_arg_count(sc_vm_t *vm, const char *fname, int nargs, int min, int max);
int sc_no_kwargs(sc_vm_t *vm, const char *fname, hd_obj_t *kwnames);

#endif
