/*
 * state.c: what the script language keeps in a heap between runs: the
 * builtin objects (one shared singleton per builtin, made on first use),
 * gc.callbacks, sys.stdout's pending text, weakref.finalize's registry,
 * object.__subclasses__ and the support classes of modules.c.
 *
 * The state is one block of the heap's own pool (a large block), found
 * through h->script, so it and the builtins' blocks go away with the pool
 * when the heap is freed: nothing of the script language outlives its
 * heap, and nothing has to be freed separately. The builtins' blocks show
 * in the allocator's statistics like CPython's own builtin objects do in
 * its arenas.
 *
 * Builtins are found by name through a small open-addressing table in the
 * state (module or owner type, name) -> index, built when the state is.
 */
#include <string.h>

#include "gc.h"
#include "impl.h"
#include "persist.h"
#include "vm.h"

#define LOOKUP_SLOTS 512

struct sc_lookup {
    uint16_t slot[LOOKUP_SLOTS]; /* builtin index + 1, 0 = empty */
};

static uint64_t lookup_hash(int module, int type, const char *name)
{
    uint64_t x = 0xcbf29ce484222325ull ^ (uint64_t)(module * 131 + type);
    for (; *name; name++)
        x = (x ^ (unsigned char)*name) * 0x100000001b3ull;
    return x;
}

static int def_module(const sc_builtin_def_t *d)
{
    return d->module;
}

static void lookup_build(struct sc_lookup *t)
{
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < SC_NBUILTINS; i++) {
        const sc_builtin_def_t *d = &sc_builtin_defs[i];
        if (d->module == BM_NONE)
            continue;
        int type = d->module == BM_TYPE_METHOD ? d->owner_type : -1;
        uint64_t j = lookup_hash(def_module(d), type, d->name) & (LOOKUP_SLOTS - 1);
        while (t->slot[j])
            j = (j + 1) & (LOOKUP_SLOTS - 1);
        t->slot[j] = (uint16_t)(i + 1);
    }
}

static int builtin_find_in(const struct sc_lookup *t, int module, int type, const char *name)
{
    uint64_t j =
        lookup_hash(module, module == BM_TYPE_METHOD ? type : -1, name) & (LOOKUP_SLOTS - 1);
    for (; t->slot[j]; j = (j + 1) & (LOOKUP_SLOTS - 1)) {
        const sc_builtin_def_t *d = &sc_builtin_defs[t->slot[j] - 1];
        if (d->module == module && (module != BM_TYPE_METHOD || d->owner_type == type) &&
            strcmp(d->name, name) == 0)
            return t->slot[j] - 1;
    }
    return -1;
}

/* the state and its lookup table share one block */
typedef struct state_block {
    sc_state_t state;
    struct sc_lookup lookup;
} state_block_t;

static state_block_t *block_of(hd_heap_t *h)
{
    return (state_block_t *)h->script;
}

/* strings CPython has statically (_Py_ID): the keyword names of the
 * Argument Clinic parsers modelled (sc_kwtuple), "Py_Repr", the names
 * class creation adds, and what bool_repr returns ("True", "False": str()
 * and repr() of a bool). "__hd_slots__" and "__hd_subclasses__" named the
 * class dict's hidden entries of the first export layout; they stay so that
 * the slots "kwstrs.N" of exported states keep their numbers. New names go
 * at the end: an import requires the first KW_FIRST_LAYOUT and makes the
 * later ones an older document lacks. */
#define KW_FIRST_LAYOUT 17
static const char *const kw_names[] = {"sep",
                                       "end",
                                       "file",
                                       "flush",
                                       "key",
                                       "reverse",
                                       "start",
                                       "Py_Repr",
                                       "__dict__",
                                       "__weakref__",
                                       "__doc__",
                                       "__module__",
                                       "__qualname__",
                                       "__mro__",
                                       "__bases__",
                                       "__hd_slots__",
                                       "__hd_subclasses__",
                                       "True",
                                       "False"};
_Static_assert(sizeof(kw_names) / sizeof(kw_names[0]) <=
                   sizeof(((sc_state_t *)0)->kwstrs) / sizeof(hd_obj_t *),
               "sc_state_t.kwstrs holds every static str");

static int add_global_key(const char *name, hd_obj_t *o, void *arg)
{
    hd_heap_t *h = ((void **)arg)[0];
    sc_state_t *st = ((void **)arg)[1];
    hd_obj_t *k;
    (void)o;
    int rc = hd_str_new(h, name, strlen(name), &k);
    if (!rc) {
        rc = hd_dict_setitem(h, st->globals, k, h->none);
        hd__decref(h, k);
    }
    return rc;
}

/* make_globals: the keys of __main__'s dict as python3 runs a file, then
 * the names the heap has already (run.c keeps them in step) */
static int make_globals(hd_heap_t *h, sc_state_t *st)
{
    static const char *const names[] = {"__name__",     "__doc__",  "__package__",
                                        "__loader__",   "__spec__", "__annotations__",
                                        "__builtins__", "__file__", "__cached__"};
    int rc = hd_dict_new(h, 0, NULL, NULL, &st->globals);
    void *arg[2] = {h, st};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !rc; i++)
        rc = add_global_key(names[i], NULL, arg);
    return rc ? rc : hd_ns_each(h, add_global_key, arg);
}

/* object's tp_subclasses: python3 3.11 starts a program with 147 direct
 * subclasses of object registered; stand-ins for them give the dict the
 * table it has then, so a class the program makes grows it when python3's
 * grows. CPython's values are weakrefs, so its dict is tracked from the
 * start and stays so; one shared empty list stands in for them (None would
 * leave the dict untracked until the program's first class, which then
 * put it in generation 0) */
#define SC_OBJECT_SUBCLASSES_AT_START 147

static int make_subclasses(hd_heap_t *h, sc_state_t *st)
{
    hd_obj_t *stand_in;
    int rc = hd_list_new(h, 0, NULL, &stand_in);
    if (rc)
        return rc;
    rc = hd_dict_new(h, 0, NULL, NULL, &st->subclasses);
    for (int i = 0; i < SC_OBJECT_SUBCLASSES_AT_START && !rc; i++) {
        hd_obj_t *k;
        /* small ints: shared singletons, so the stand-ins add no objects */
        if (!(rc = hd_int_from_i64(h, i, &k))) {
            rc = hd_dict_setitem(h, st->subclasses, k, stand_in);
            hd__decref(h, k);
        }
    }
    hd__decref(h, stand_in);
    return rc;
}

/* CPython's free lists hold blocks its startup allocated and freed before
 * any program could trace them: python3's counts when a program's
 * `import sys, tracemalloc` and `tracemalloc.start()` have run (measured
 * with tracemalloc: the objects a program makes first cost nothing until
 * a list runs dry), less what heapd's own stand-ins for those imports take
 * (docs/script.md). Tuples by length 1..19 (3.11 never reuses one of 20),
 * then lists, dicts, floats. */
static const uint8_t startup_tuples[HD_TUPLE_MAXSAVESIZE] = {0, 4, 16, 4, 5, 1, 1, 0, 4, 2,
                                                             3, 3, 3,  4, 2, 1, 0, 1, 1, 0};
enum { STARTUP_LISTS = 12, STARTUP_DICTS = 4, STARTUP_FLOATS = 5, STARTUP_MAX = 128 };
/* and the dict keys free list (8-slot tables of str keys): 14 tables,
 * measured the same way (dicts of one str key cost only their object until
 * the 15th) */
enum { STARTUP_KEYS = 14 };

/* make_keys_freelist: dicts of one str key are made and released, their
 * tables going to the keys free list; the dict objects they leave on the
 * dict free list are freed (that list's startup blocks come after) */
static int make_keys_freelist(hd_heap_t *h)
{
    hd_obj_t *objs[STARTUP_KEYS], *key = NULL;
    int n = 0, nfree = h->dict_nfree;
    int rc = hd_str_new(h, "key", 3, &key);
    while (!rc && n < STARTUP_KEYS)
        if (!(rc = hd_dict_new(h, 0, NULL, NULL, &objs[n]))) {
            if ((rc = hd_dict_setitem(h, objs[n], key, h->none)))
                hd__decref(h, objs[n]);
            else
                n++;
        }
    while (n > 0)
        hd__decref(h, objs[--n]);
    if (key)
        hd__decref(h, key);
    while (h->dict_nfree > nfree)
        hd__block_free(h, hd__block_start(h->dict_free[--h->dict_nfree]));
    return rc;
}

/* make_freelists: fills the free lists with those blocks: every object is
 * made first, then all are released, so none reuses another's block */
static int make_freelists(hd_heap_t *h)
{
    hd_obj_t *objs[STARTUP_MAX];
    size_t n = 0;
    int rc = make_keys_freelist(h);
    for (size_t len = 1; len < HD_TUPLE_MAXSAVESIZE && !rc; len++)
        for (int i = 0; i < startup_tuples[len] && !rc && n < STARTUP_MAX; i++)
            if (!(rc = hd__tuple_new_filled(h, len, h->none, &objs[n])))
                n++;
    for (int i = 0; i < STARTUP_LISTS && !rc && n < STARTUP_MAX; i++)
        if (!(rc = hd_list_new(h, 0, NULL, &objs[n])))
            n++;
    for (int i = 0; i < STARTUP_DICTS && !rc && n < STARTUP_MAX; i++)
        if (!(rc = hd_dict_new(h, 0, NULL, NULL, &objs[n])))
            n++;
    for (int i = 0; i < STARTUP_FLOATS && !rc && n < STARTUP_MAX; i++)
        if (!(rc = hd_float_new(h, 0.5, &objs[n])))
            n++;
    while (n > 0)
        hd__decref(h, objs[--n]);
    return rc;
}

static int make_objects(hd_heap_t *h, sc_state_t *st)
{
    int rc = hd_list_new(h, 0, NULL, &st->gc_callbacks);
    for (size_t i = 0; i < sizeof(kw_names) / sizeof(kw_names[0]) && !rc; i++)
        rc = hd_str_new(h, kw_names[i], strlen(kw_names[i]), &st->kwstrs[i]);
    if (!rc)
        rc = make_subclasses(h, st);
    if (!rc)
        rc = hd_dict_new(h, 0, NULL, NULL, &st->finalizers);
    if (!rc)
        rc = hd_str_new(h, "__main__", 8, &st->main_str);
    if (!rc)
        rc = make_globals(h, st);
    /* gc.garbage exists from the start in CPython */
    hd_obj_t *garbage;
    if (!rc)
        rc = hd_gc_garbage(h, &garbage);
    if (!rc)
        rc = make_freelists(h);
    /* startup has used a slice: interp->slice_cache holds one */
    hd_obj_t *sl;
    if (!rc && !h->slice_cache && !(rc = hd__slice_new(h, NULL, NULL, NULL, &sl)))
        hd__decref(h, sl);
    return rc;
}

/* state_block_new: a zeroed state block with its lookup table, no objects */
static int state_block_new(hd_heap_t *h, state_block_t **out)
{
    void *mem;
    int rc = hd_pool_block_alloc(h->pool, sizeof(state_block_t), &mem);
    if (rc)
        return rc;
    state_block_t *b = mem;
    memset(b, 0, sizeof(*b));
    b->state.magic = SC_STATE_MAGIC;
    b->state.recursion_limit = HD_SCRIPT_DEFAULT_DEPTH;
    lookup_build(&b->lookup);
    *out = b;
    return 0;
}

int sc_state_get(hd_heap_t *h, sc_state_t **out)
{
    if (h->script) {
        *out = &block_of(h)->state;
        return 0;
    }
    state_block_t *b;
    int rc = state_block_new(h, &b);
    if (rc)
        return rc;
    /* CPython makes these at startup: they do not count as the program's */
    int count0 = h->gens[0].count;
    bool collecting = h->gc_collecting;
    h->gc_collecting = true;
    rc = make_objects(h, &b->state);
    h->gc_collecting = collecting;
    h->gens[0].count = count0;
    if (rc) {
        sc_state_t *st = &b->state;
        hd_obj_t *objs[] = {st->gc_callbacks, st->subclasses, st->finalizers, st->main_str,
                            st->globals};
        for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
            hd__xdecref(h, objs[i]);
        hd_pool_block_free(h->pool, b);
        return rc;
    }
    h->script = &b->state;
    sc_long_lived_startup(h, &b->state);
    *out = &b->state;
    return 0;
}

/* sc_state_bare: the state without its objects, for an import that brings
 * them (script/persist.c); sc_state_ok says whether it has them all. */
int sc_state_bare(hd_heap_t *h, sc_state_t **out)
{
    if (h->script)
        return HD_EINVAL;
    state_block_t *b;
    int rc = state_block_new(h, &b);
    if (rc)
        return rc;
    h->script = &b->state;
    *out = &b->state;
    return 0;
}

int sc_state_fill_static(hd_heap_t *h, sc_state_t *st)
{
    int rc = 0;
    for (size_t i = KW_FIRST_LAYOUT; i < sizeof(kw_names) / sizeof(kw_names[0]) && !rc; i++)
        if (!st->kwstrs[i])
            rc = hd_str_new(h, kw_names[i], strlen(kw_names[i]), &st->kwstrs[i]);
    return rc;
}

bool sc_state_ok(const sc_state_t *st)
{
    for (size_t i = 0; i < sizeof(kw_names) / sizeof(kw_names[0]); i++)
        if (!st->kwstrs[i] || st->kwstrs[i]->type != HD_T_STR)
            return false;
    return st->gc_callbacks && st->subclasses && st->finalizers && st->main_str && st->globals;
}

/* ---- builtin objects ---- */

static const char *module_file(int index)
{
    if (index == SC_BI_MOD_WEAKREF)
        return "/usr/lib/python3.11/weakref.py";
    if (index == SC_BI_MOD_TRACEMALLOC)
        return "/usr/lib/python3.11/tracemalloc.py";
    return NULL;
}

static const char *type_owner(int index)
{
    if (index == SC_BI_WR_REF)
        return "weakref.ReferenceType";
    if (index == SC_BI_WR_FINALIZE)
        return "weakref.finalize";
    return NULL;
}

hd_obj_t *sc_builtin(sc_vm_t *vm, int index)
{
    sc_state_t *st = vm->st;
    if (st->builtins[index])
        return st->builtins[index];
    const sc_builtin_def_t *d = &sc_builtin_defs[index];
    void *mem;
    if (hd_pool_block_alloc(vm->h->pool, sizeof(hd_builtin_obj_t), &mem))
        return NULL;
    const char *type_name = "builtin_function_or_method", *owner = NULL;
    uint32_t size = 72;
    switch (d->kind) {
    case HD_BUILTIN_TYPE:
        type_name = "type";
        size = 424;
        owner = type_owner(index);
        break;
    case HD_BUILTIN_MODULE:
        type_name = "module";
        owner = module_file(index);
        break;
    case HD_BUILTIN_METHOD:
        type_name = "method_descriptor";
        owner = d->owner_type < HD_TYPE_COUNT                          ? hd_type_name(d->owner_type)
                : index <= SC_BI_FIN_PEEK && index >= SC_BI_FIN_DETACH ? "finalize"
                : index == SC_BI_TYPE_SUBCLASSES                       ? "type"
                : index >= SC_BI_SNAP_STATISTICS && index <= SC_BI_SNAP_COMPARE_TO ? "Snapshot"
                                                                                   : "object";
        break;
    }
    hd__builtin_init(mem, d->name, type_name, owner, size, d->kind, index);
    st->builtins[index] = mem;
    return mem;
}

int sc_builtin_lookup(sc_vm_t *vm, int module, int type, const char *name)
{
    return builtin_find_in(&block_of(vm->h)->lookup, module, type, name);
}

/* ---- type() ---- */

static int type_index(const hd_obj_t *o)
{
    switch (o->type) {
    case HD_T_NONE:
        return SC_BI_T_NONE;
    case HD_T_BOOL:
        return SC_BI_T_BOOL;
    case HD_T_INT:
        return SC_BI_T_INT;
    case HD_T_FLOAT:
        return SC_BI_T_FLOAT;
    case HD_T_STR:
        return SC_BI_T_STR;
    case HD_T_BYTES:
        return SC_BI_T_BYTES;
    case HD_T_TUPLE:
        return SC_BI_T_TUPLE;
    case HD_T_LIST:
        return SC_BI_T_LIST;
    case HD_T_DICT:
        return SC_BI_T_DICT;
    case HD_T_SET:
        return SC_BI_T_SET;
    case HD_T_OBJECT:
        return SC_BI_T_OBJECT;
    case HD_T_WEAKREF:
        return SC_BI_WR_REF;
    case HD_T_CLASS:
        return SC_BI_T_TYPE;
    case HD_T_CODE:
        return SC_BI_T_CODE;
    case HD_T_FUNCTION:
        return SC_BI_T_FUNCTION;
    case HD_T_METHOD:
        return SC_BI_T_METHOD;
    case HD_T_CELL:
        return SC_BI_T_CELL;
    case HD_T_CMETHOD:
        return SC_BI_T_BUILTIN_FN;
    case HD_T_DESCR:
        return o->aux == HD_DESCR_MEMBER ? SC_BI_T_MEMBER : SC_BI_T_GETSET;
    case HD_T_RANGE:
        return SC_BI_T_RANGE;
    case HD_T_ENUMERATE:
        return SC_BI_T_ENUMERATE;
    case HD_T_ZIP:
        return SC_BI_T_ZIP;
    case HD_T_MAP:
        return SC_BI_T_MAP;
    case HD_T_FILTER:
        return SC_BI_T_FILTER;
    case HD_T_FROZENSET:
        return SC_BI_T_FROZENSET;
    case HD_T_RANGEITER:
        return SC_BI_T_RANGEITER;
    case HD_T_SLICE:
        return SC_BI_T_SLICE;
    case HD_T_SEQITER: {
        static const int it[] = {SC_BI_T_LISTITER, SC_BI_T_TUPLEITER, SC_BI_T_STRITER,
                                 SC_BI_T_STRASCIIITER};
        return it[o->aux & 3];
    }
    case HD_T_DICTITER: {
        static const int it[] = {SC_BI_T_DICTKEYITER, SC_BI_T_DICTVALITER, SC_BI_T_DICTITEMITER};
        return it[o->aux % 3];
    }
    case HD_T_SETITER:
        return SC_BI_T_SETITER;
    case HD_T_DICTVIEW: {
        static const int v[] = {SC_BI_T_DICTKEYS, SC_BI_T_DICTVALUES, SC_BI_T_DICTITEMS,
                                SC_BI_T_MAPPINGPROXY};
        return v[o->aux & 3];
    }
    case HD_T_BUILTIN: {
        const hd_builtin_obj_t *b = (const hd_builtin_obj_t *)o;
        return b->kind == HD_BUILTIN_TYPE     ? SC_BI_T_TYPE
               : b->kind == HD_BUILTIN_MODULE ? SC_BI_T_MODULE
               : b->kind == HD_BUILTIN_METHOD ? SC_BI_T_METHOD_DESCR
                                              : SC_BI_T_BUILTIN_FN;
    }
    }
    return SC_BI_T_OBJECT;
}

hd_obj_t *sc_type_of(sc_vm_t *vm, hd_obj_t *o)
{
    if (o->type == HD_T_INSTANCE)
        return hd_obj_class(vm->h, o);
    hd_obj_t *t = sc_builtin(vm, type_index(o));
    return t ? t : vm->h->none;
}

const char *sc_tname(sc_vm_t *vm, hd_obj_t *o)
{
    return hd__obj_type_name_ex(vm->h, o);
}

hd_obj_t *sc_object_subclasses(hd_heap_t *h)
{
    return h->script ? block_of(h)->state.subclasses : NULL;
}

void sc_typedict_changed(hd_heap_t *h)
{
    if (h->script)
        block_of(h)->state.class_gen++;
}

hd_obj_t *sc_static_str(sc_vm_t *vm, const char *name)
{
    for (size_t k = 0; k < sizeof(kw_names) / sizeof(kw_names[0]); k++)
        if (strcmp(kw_names[k], name) == 0)
            return vm->st->kwstrs[k];
    return NULL;
}

int sc_kwtuple(sc_vm_t *vm, int index, const char *const *names)
{
    if (vm->st->kwtuples[index])
        return 0;
    hd_obj_t *items[8] = {NULL};
    int n = 0, rc = 0;
    while (names[n] && n < 8 && !rc) {
        size_t k = 0;
        while (k < sizeof(kw_names) / sizeof(kw_names[0]) && strcmp(kw_names[k], names[n]) != 0)
            k++;
        if (k < sizeof(kw_names) / sizeof(kw_names[0]))
            hd__incref(items[n] = vm->st->kwstrs[k]);
        else
            rc = sc_str_new(vm, names[n], strlen(names[n]), &items[n]);
        if (!rc)
            n++;
    }
    if (!rc && (rc = hd_tuple_new(vm->h, (size_t)n, items, &vm->st->kwtuples[index]))) {
        sc_nomem(vm, rc);
    }
    for (int i = 0; i < n; i++)
        hd__decref(vm->h, items[i]);
    return rc ? -1 : 0;
}
