/*
 * graph.c: export of a heap as nodes and edges, and import from them.
 *
 * Export walks the census (hd_heap_objects) and describes each object, then
 * the objects only the script language's state holds (the census does not
 * see untracked ones); the shared singletons it meets as referents are
 * described once each as well, so that every reference names a node.
 * Import works in passes, because references may form cycles and tuples
 * must get their items when they are created: the script state's shell (if
 * the document has one); classes; atoms, empty mutable containers,
 * instances, cells, ranges and re-linked builtins; tuples, code, functions,
 * methods and descriptors (repeatedly, as their references appear);
 * weakrefs; then the contents of lists, dicts, sets, instances and cells;
 * the script state's slots; tuples' and dicts' tracking; then the names.
 * Every object is held by a temporary reference until the end, so
 * automatic collection (held off anyway) could not free anything
 * half-built. The script language's own part is script/persist.c.
 */
#include "graph.h"

#include "heap_int.h"
#include "script/persist.h"

uint64_t hd_graph_code_layout(void)
{
    return sc_code_layout();
}

/* ---- export ---- */

typedef struct export_ctx {
    hd_heap_t *h;
    int (*node_fn)(const hd_graph_node_t *node, void *arg);
    void *arg;
    uint64_t *refs; /* scratch for one node's references */
    size_t refs_cap;
    const char **names; /* scratch for attribute names */
    hd_obj_t **statics; /* singletons already described */
    size_t nstatics, statics_cap;
    hd_obj_t **seen; /* every object described: open addressing */
    size_t nseen, seen_mask;
    hd_obj_t **stack; /* the walk from the script state's objects */
    size_t nstack, stack_cap;
    int err;
} export_ctx_t;

static uint64_t ptrmix(const hd_obj_t *o)
{
    return ((uint64_t)(uintptr_t)o >> 4) * 0x9e3779b97f4a7c15ull;
}

/* seen_add: 1 if o was already there, 0 if added, or HD_ENOMEM (< 0) */
static int seen_add(export_ctx_t *x, hd_obj_t *o)
{
    if (2 * (x->nseen + 1) > x->seen_mask) {
        size_t cap = x->seen_mask ? 2 * (x->seen_mask + 1) : 1024;
        hd_obj_t **t = hd_mem_calloc(x->h->mem, cap, sizeof(*t));
        if (!t)
            return HD_ENOMEM;
        for (size_t i = 0; x->seen && i <= x->seen_mask; i++)
            if (x->seen[i]) {
                size_t j = ptrmix(x->seen[i]) & (cap - 1);
                while (t[j])
                    j = (j + 1) & (cap - 1);
                t[j] = x->seen[i];
            }
        hd_mem_free(x->h->mem, x->seen);
        x->seen = t;
        x->seen_mask = cap - 1;
    }
    size_t j = ptrmix(o) & x->seen_mask;
    for (; x->seen[j]; j = (j + 1) & x->seen_mask)
        if (x->seen[j] == o)
            return 1;
    x->seen[j] = o;
    x->nseen++;
    return 0;
}

static int describe(export_ctx_t *x, hd_obj_t *o);

static int push_ref(export_ctx_t *x, size_t i, hd_obj_t *r)
{
    if (i >= x->refs_cap) {
        size_t cap = x->refs_cap ? x->refs_cap * 2 : 64;
        uint64_t *p = hd_mem_realloc(x->h->mem, x->refs, cap * sizeof(*p));
        const char **q = hd_mem_realloc(x->h->mem, x->names, cap * sizeof(*q));
        if (p)
            x->refs = p;
        if (q)
            x->names = q;
        if (!p || !q)
            return HD_ENOMEM;
        x->refs_cap = cap;
    }
    uint64_t id = hd_obj_id(x->h, r);
    if (!id)
        return HD_ENOMEM;
    x->refs[i] = id;
    return 0;
}

/* note_static: a singleton referent gets its own node, once. */
static int note_static(export_ctx_t *x, hd_obj_t *r)
{
    if (!(r->flags & HD_OF_STATIC))
        return 0;
    for (size_t i = 0; i < x->nstatics; i++)
        if (x->statics[i] == r)
            return 0;
    if (x->nstatics == x->statics_cap) {
        size_t cap = x->statics_cap ? x->statics_cap * 2 : 32;
        hd_obj_t **p = hd_mem_realloc(x->h->mem, x->statics, cap * sizeof(*p));
        if (!p)
            return HD_ENOMEM;
        x->statics = p;
        x->statics_cap = cap;
    }
    x->statics[x->nstatics++] = r;
    return describe(x, r);
}

typedef struct ref_walk {
    export_ctx_t *x;
    size_t n;
    int err;
} ref_walk_t;

static int walk_ref(hd_obj_t *r, void *arg)
{
    ref_walk_t *w = arg;
    if (!w->err)
        w->err = push_ref(w->x, w->n++, r);
    return w->err;
}

static int collect_refs(export_ctx_t *x, hd_obj_t *o, hd_graph_node_t *node)
{
    ref_walk_t w = {x, 0, 0};
    int64_t pos = 0;
    hd_obj_t *k, *v;
    const char *name;
    switch (o->type) {
    case HD_T_LIST:
    case HD_T_TUPLE:
        for (int64_t i = 0; i < hd_len(o) && !w.err; i++) {
            hd_seq_getitem(o, i, &v);
            walk_ref(v, &w);
        }
        break;
    case HD_T_SET:
    case HD_T_FROZENSET: /* exported; import refuses it, as the iterators */
        while (!w.err && hd_set_next(o, &pos, &k))
            walk_ref(k, &w);
        break;
    case HD_T_DICT:
        while (!w.err && hd_dict_next(o, &pos, &k, &v)) {
            walk_ref(k, &w);
            walk_ref(v, &w);
        }
        break;
    case HD_T_INSTANCE:
        if (HD_OF_MANAGED & o->flags && HD_PREHEADER(o)->dict) {
            if (!walk_ref(HD_PREHEADER(o)->dict, &w))
                x->names[0] = "__dict__";
            break;
        }
        while (!w.err && hd_obj_attr_next(x->h, o, &pos, &name, &v)) {
            if (!walk_ref(v, &w)) /* grows the scratch arrays first */
                x->names[w.n - 1] = name;
        }
        break;
    case HD_T_WEAKREF: {
        hd_weakref_obj_t *wr = (hd_weakref_obj_t *)o;
        if (hd_weakref_get(o))
            walk_ref(wr->object, &w);
        if (wr->callback)
            walk_ref(wr->callback, &w);
        node->has_callback_obj = wr->callback != NULL;
        node->notify = (o->flags & HD_OF_WR_NOTIFY) != 0;
        break;
    }
    case HD_T_CLASS: {
        hd_class_obj_t *c = (hd_class_obj_t *)o;
        hd_obj_t *fields[] = {c->attrs, c->mro, c->bases, c->base, c->subclasses, c->slots};
        for (size_t f_i = 0; f_i < sizeof(fields) / sizeof(fields[0]); f_i++)
            if (fields[f_i] && !walk_ref(fields[f_i], &w))
                node->present |= 1u << f_i;
        node->aux[0] = c->subclass_key;
        break;
    }
    case HD_T_FUNCTION: {
        hd_func_obj_t *f = (hd_func_obj_t *)o;
        hd_obj_t *fields[] = {f->code,    f->name,   f->qualname, f->defaults,
                              f->closure, f->module, f->doc,      f->dict};
        for (size_t f_i = 0; f_i < sizeof(fields) / sizeof(fields[0]); f_i++)
            if (fields[f_i] && !walk_ref(fields[f_i], &w))
                node->present |= 1u << f_i;
        break;
    }
    case HD_T_METHOD:
        walk_ref(((hd_method_obj_t *)o)->func, &w);
        walk_ref(((hd_method_obj_t *)o)->self, &w);
        break;
    case HD_T_CMETHOD:
        walk_ref(((hd_cmethod_obj_t *)o)->builtin, &w);
        walk_ref(((hd_cmethod_obj_t *)o)->self, &w);
        break;
    case HD_T_CELL:
        if (((hd_cell_obj_t *)o)->ref)
            walk_ref(((hd_cell_obj_t *)o)->ref, &w);
        break;
    case HD_T_DESCR:
        walk_ref(((hd_descr_obj_t *)o)->type, &w);
        walk_ref(((hd_descr_obj_t *)o)->name, &w);
        break;
    default:
        /* code: its references in order; iterators and the like: theirs in
         * traverse order (hd_graph_import refuses them: docs/script.md) */
        if (o->type >= HD_T_CODE)
            hd__traverse(x->h, o, walk_ref, &w);
        break;
    }
    node->nrefs = w.n;
    node->refs = x->refs;
    node->attr_names = x->names;
    return w.err;
}

static void describe_atom(hd_obj_t *o, hd_graph_node_t *node)
{
    switch (o->type) {
    case HD_T_BOOL:
    case HD_T_INT: {
        hd_int_obj_t *io = (hd_int_obj_t *)o;
        int64_t nd = io->size < 0 ? -io->size : io->size;
        node->sign = io->size < 0 ? -1 : io->size > 0;
        node->digits = io->digits;
        node->ndigits = (size_t)nd;
        (void)hd_int_to_i64(o, &node->i64);
        break;
    }
    case HD_T_FLOAT:
        node->f = ((hd_float_obj_t *)o)->value;
        break;
    case HD_T_BYTES:
        node->data = ((hd_bytes_obj_t *)o)->data;
        node->len = (size_t)((hd_bytes_obj_t *)o)->size;
        break;
    }
}

static int describe(export_ctx_t *x, hd_obj_t *o)
{
    hd_graph_node_t node;
    memset(&node, 0, sizeof(node));
    node.id = hd_obj_id(x->h, o);
    node.type = o->type;
    if (!node.id)
        return HD_ENOMEM;
    describe_atom(o, &node);
    char *text = NULL;
    if (o->type == HD_T_STR) {
        long len = hd_str_utf8(o, NULL, 0);
        if (!(text = hd_mem_malloc(x->h->mem, (size_t)len + 1)))
            return HD_ENOMEM;
        hd_str_utf8(o, text, (size_t)len + 1);
        node.data = text;
        node.len = (size_t)len;
    } else if (o->type == HD_T_INSTANCE) {
        node.class_id = hd_obj_id(x->h, hd_obj_class(x->h, o));
        node.has_del = (o->flags & HD_OF_DEL) != 0;
    } else if (o->type == HD_T_CLASS) {
        hd_class_meta_t *m = ((hd_class_obj_t *)o)->meta;
        node.class_name = m->name;
        node.has_del = m->has_del;
        node.use_slots = !m->managed_dict;
        node.nslots = m->nslots;
        node.slots = (const char *const *)m->slot_names;
    } else if (o->type == HD_T_LIST) {
        node.capacity = ((hd_list_obj_t *)o)->allocated;
    } else if (o->type == HD_T_DICT) {
        node.capacity = hd__dict_capacity(o);
    } else if (o->type == HD_T_CODE) {
        size_t len;
        int rc = sc_code_export(x->h, o, &text, &len);
        if (rc)
            return rc;
        node.data = text;
        node.len = len;
        node.aux[0] = (int64_t)hd_graph_code_layout();
    } else if (o->type == HD_T_BUILTIN) {
        node.class_name = ((hd_builtin_obj_t *)o)->name;
        node.aux[0] = ((hd_builtin_obj_t *)o)->index;
    } else if (o->type == HD_T_DESCR) {
        node.aux[0] = o->aux;
        node.aux[1] = (int64_t)((hd_descr_obj_t *)o)->slot;
    } else if (o->type == HD_T_RANGE) {
        hd_range_obj_t *r = (hd_range_obj_t *)o;
        node.aux[0] = r->start;
        node.aux[1] = r->stop;
        node.aux[2] = r->step;
    } else if (o->type == HD_T_DICTVIEW) {
        node.aux[0] = o->aux; /* HD_DICT_*: only a mappingproxy imports */
    }
    node.finalized = hd_obj_is_finalized(o);
    if (o->type == HD_T_TUPLE || o->type == HD_T_DICT)
        node.gc_state = hd__gc_is_tracked(o) ? HD_GRAPH_TRACKED : HD_GRAPH_UNTRACKED;
    int rc = collect_refs(x, o, &node);
    if (!rc)
        rc = x->node_fn(&node, x->arg);
    hd_mem_free(x->h->mem, text);
    return rc;
}

static int visit_static(hd_obj_t *r, void *arg)
{
    return note_static(arg, r);
}

static int note_statics_of(export_ctx_t *x, hd_obj_t *o);

static int export_one(hd_obj_t *o, int generation, void *arg)
{
    (void)generation;
    export_ctx_t *x = arg;
    int rc = seen_add(x, o);
    if (rc)
        return rc < 0 ? rc : 0;
    rc = describe(x, o);
    return rc ? rc : note_statics_of(x, o);
}

/* note_statics_of: the singletons among o's references get their nodes */
static int note_statics_of(export_ctx_t *x, hd_obj_t *o)
{
    int rc = 0;
    if (o->type == HD_T_DICT) {
        int64_t pos = 0;
        hd_obj_t *k, *v;
        while (!rc && hd_dict_next(o, &pos, &k, &v))
            if (!(rc = note_static(x, k)))
                rc = note_static(x, v);
        return rc;
    }
    if (o->type == HD_T_WEAKREF)
        return 0; /* its referent is never a singleton */
    /* references traverse does not visit (a builtin method's builtin, a
     * descriptor's name) */
    if (o->type == HD_T_CMETHOD && (rc = note_static(x, ((hd_cmethod_obj_t *)o)->builtin)))
        return rc;
    if (o->type == HD_T_DESCR && (rc = note_static(x, ((hd_descr_obj_t *)o)->name)))
        return rc;
    return hd__traverse(x->h, o, visit_static, x);
}

/* ---- the objects only the script state holds ----
 *
 * The census finds what the collector tracks, the names and what they
 * reach; the script state's own untracked objects (its module dict, the
 * keyword strings, an empty registry) are found from the state's slots. */

static int push_obj(hd_obj_t *o, void *arg)
{
    export_ctx_t *x = arg;
    if (o->flags & HD_OF_STATIC)
        return 0;
    if (x->nstack == x->stack_cap) {
        size_t cap = x->stack_cap ? 2 * x->stack_cap : 64;
        hd_obj_t **p = hd_mem_realloc(x->h->mem, x->stack, cap * sizeof(*p));
        if (!p)
            return HD_ENOMEM;
        x->stack = p;
        x->stack_cap = cap;
    }
    x->stack[x->nstack++] = o;
    return 0;
}

static int state_slot(const char *slot, hd_obj_t *o, int64_t value, void *arg)
{
    (void)slot;
    (void)value;
    return o ? push_obj(o, arg) : 0;
}

static int export_state_objects(export_ctx_t *x)
{
    int rc = sc_state_export(x->h, state_slot, x);
    while (!rc && x->nstack) {
        hd_obj_t *o = x->stack[--x->nstack];
        int seen = seen_add(x, o);
        if (seen)
            rc = seen < 0 ? seen : 0;
        else if (!(rc = describe(x, o)) && o->type == HD_T_DICT) {
            int64_t pos = 0;
            hd_obj_t *k, *v;
            while (!rc && hd_dict_next(o, &pos, &k, &v))
                if (!(rc = push_obj(k, x)))
                    rc = push_obj(v, x);
        } else if (!rc && o->type != HD_T_WEAKREF) {
            rc = hd__traverse(x->h, o, push_obj, x);
        }
        if (!rc && !seen)
            rc = note_statics_of(x, o);
    }
    return rc;
}

typedef struct name_ctx {
    hd_heap_t *h;
    export_ctx_t *x;
    int (*name_fn)(const char *name, uint64_t id, void *arg);
    void *arg;
} name_ctx_t;

static int export_name(const char *name, hd_obj_t *o, void *arg)
{
    name_ctx_t *nc = arg;
    int rc = note_static(nc->x, o);
    uint64_t id = hd_obj_id(nc->h, o);
    if (!rc && !id)
        rc = HD_ENOMEM;
    return rc ? rc : nc->name_fn(name, id, nc->arg);
}

int hd_graph_export(hd_heap_t *h, int (*node_fn)(const hd_graph_node_t *node, void *arg),
                    int (*name_fn)(const char *name, uint64_t id, void *arg), void *arg)
{
    export_ctx_t x = {.h = h, .node_fn = node_fn, .arg = arg};
    int rc = hd_heap_objects(h, export_one, &x);
    if (!rc)
        rc = export_state_objects(&x);
    if (!rc) {
        name_ctx_t nc = {h, &x, name_fn, arg};
        rc = hd_ns_each(h, export_name, &nc);
    }
    hd_mem_free(h->mem, x.refs);
    hd_mem_free(h->mem, x.names);
    hd_mem_free(h->mem, x.statics);
    hd_mem_free(h->mem, x.seen);
    hd_mem_free(h->mem, x.stack);
    return rc;
}

/* ---- import ---- */

typedef struct import_ctx {
    hd_heap_t *h;
    const hd_graph_node_t *nodes;
    size_t n;
    hd_obj_t **objs; /* new references, index = node index */
    uint64_t *keys;  /* id map: open addressing over node indexes + 1 */
    size_t *vals;
    uint64_t mask;
    size_t bad;
} import_ctx_t;

static uint64_t idmix(uint64_t id)
{
    return id * 0x9e3779b97f4a7c15ull;
}

static int map_build(import_ctx_t *c)
{
    uint64_t cap = 16;
    while (cap < 2 * c->n)
        cap *= 2;
    c->keys = hd_mem_calloc(c->h->mem, cap, sizeof(*c->keys));
    c->vals = hd_mem_calloc(c->h->mem, cap, sizeof(*c->vals));
    if (!c->keys || !c->vals)
        return HD_ENOMEM;
    c->mask = cap - 1;
    for (size_t i = 0; i < c->n; i++) {
        uint64_t id = c->nodes[i].id;
        uint64_t j = idmix(id) & c->mask;
        while (c->vals[j]) {
            if (c->keys[j] == id) {
                c->bad = i;
                return HD_EINVAL; /* duplicate id */
            }
            j = (j + 1) & c->mask;
        }
        c->keys[j] = id;
        c->vals[j] = i + 1;
    }
    return 0;
}

/* ref_obj: the object a reference names, or NULL (not created yet or
 * unknown: *known says which). */
static hd_obj_t *ref_obj(import_ctx_t *c, uint64_t id, bool *known)
{
    uint64_t j = idmix(id) & c->mask;
    while (c->vals[j] && c->keys[j] != id)
        j = (j + 1) & c->mask;
    *known = c->vals[j] != 0;
    return *known ? c->objs[c->vals[j] - 1] : NULL;
}

static int create_atom(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t **out)
{
    hd_heap_t *h = c->h;
    switch (nd->type) {
    case HD_T_NONE:
        hd_none(h, out);
        return 0;
    case HD_T_BOOL:
        hd_bool(h, nd->i64 != 0 || nd->sign != 0, out);
        return 0;
    case HD_T_INT:
        if (nd->digits)
            return hd_int_from_digits(h, nd->sign, nd->digits, nd->ndigits, out);
        return hd_int_from_i64(h, nd->i64, out);
    case HD_T_FLOAT:
        return hd_float_new(h, nd->f, out);
    case HD_T_STR:
        return hd_str_new(h, nd->data ? nd->data : "", nd->len, out);
    case HD_T_BYTES:
        return hd_bytes_new(h, nd->data ? nd->data : "", nd->len, out);
    case HD_T_OBJECT:
        return hd_object_new(h, out);
    case HD_T_LIST:
        return hd_list_new(h, 0, NULL, out);
    case HD_T_DICT:
        return hd_dict_new(h, 0, NULL, NULL, out);
    case HD_T_SET:
        return hd_set_new(h, 0, NULL, out);
    }
    return HD_EINVAL;
}

/* late: made once their references exist, like tuples (their references
 * are fixed at creation) */
static bool is_late(int type)
{
    return type == HD_T_TUPLE || type == HD_T_CODE || type == HD_T_FUNCTION ||
           type == HD_T_METHOD || type == HD_T_CMETHOD || type == HD_T_DESCR ||
           type == HD_T_DICTVIEW;
}

/* create_script_early: the script types that need no reference to exist:
 * cells (filled later), ranges, builtins (re-linked); the late ones are
 * skipped here (a mappingproxy is one); iterators, the other dict views,
 * slices, enumerate and zip are refused */
static int create_script_early(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t **out)
{
    switch (nd->type) {
    case HD_T_CELL:
        return nd->nrefs > 1 ? HD_EINVAL : hd__cell_new(c->h, NULL, out);
    case HD_T_RANGE:
        if (nd->aux[2] == 0 || nd->nrefs)
            return HD_EINVAL;
        return hd__range_new(c->h, nd->aux[0], nd->aux[1], nd->aux[2], out);
    case HD_T_BUILTIN: {
        int rc = nd->nrefs ? HD_EINVAL : sc_builtin_relink(c->h, nd->aux[0], nd->class_name, out);
        if (!rc)
            hd__incref(*out);
        return rc;
    }
    }
    return is_late(nd->type) ? 0 : HD_EINVAL;
}

static int pass_create(import_ctx_t *c)
{
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < c->n; i++) {
            const hd_graph_node_t *nd = &c->nodes[i];
            int rc = 0;
            c->bad = i;
            if (round == 0 && nd->type == HD_T_CLASS) {
                hd_class_spec_t spec = {nd->has_del, nd->use_slots, nd->nslots, nd->slots};
                rc = hd_class_new(c->h, nd->class_name ? nd->class_name : "", &spec, &c->objs[i]);
            } else if (round == 1 && nd->type == HD_T_INSTANCE) {
                bool known;
                hd_obj_t *cls = ref_obj(c, nd->class_id, &known);
                if (!cls || cls->type != HD_T_CLASS)
                    return HD_EINVAL;
                rc = hd_instance_new(c->h, cls, nd->has_del, &c->objs[i]);
            } else if (round == 1 && nd->type >= HD_T_CODE) {
                rc = create_script_early(c, nd, &c->objs[i]);
            } else if (round == 1 && nd->type != HD_T_CLASS && nd->type != HD_T_TUPLE &&
                       nd->type != HD_T_WEAKREF) {
                rc = create_atom(c, nd, &c->objs[i]);
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* refs_ready: every reference of node nd exists; HD_EINVAL if one is
 * unknown. */
static int refs_ready(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t **items, bool *ready)
{
    *ready = true;
    for (size_t k = 0; k < nd->nrefs; k++) {
        bool known;
        items[k] = ref_obj(c, nd->refs[k], &known);
        if (!known)
            return HD_EINVAL;
        if (!items[k])
            *ready = false;
    }
    return 0;
}

static int create_func(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t **items, hd_obj_t **out)
{
    hd_obj_t *f[8] = {NULL};
    size_t k = 0;
    if (nd->present >= 1u << 8 || (nd->present & 7) != 7)
        return HD_EINVAL; /* code, name and qualname are always there */
    for (unsigned bit = 0; bit < 8; bit++)
        if (nd->present & (1u << bit)) {
            if (k >= nd->nrefs)
                return HD_EINVAL;
            f[bit] = items[k++];
        }
    if (k != nd->nrefs || f[0]->type != HD_T_CODE || f[1]->type != HD_T_STR ||
        f[2]->type != HD_T_STR || (f[3] && f[3]->type != HD_T_TUPLE) ||
        (f[4] && f[4]->type != HD_T_TUPLE) || (f[7] && f[7]->type != HD_T_DICT))
        return HD_EINVAL;
    int rc = hd__func_new(c->h, f[0], f[1], f[2], f[3], f[4], f[5], out);
    if (rc)
        return rc;
    hd_func_obj_t *fo = (hd_func_obj_t *)*out;
    if (f[6])
        hd__incref(fo->doc = f[6]);
    if (f[7])
        hd__incref(fo->dict = f[7]);
    return 0;
}

static int create_late(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t **items, hd_obj_t **out)
{
    switch (nd->type) {
    case HD_T_TUPLE:
        return hd_tuple_new(c->h, nd->nrefs, items, out);
    case HD_T_CODE:
        if (nd->aux[0] != (int64_t)hd_graph_code_layout() || nd->nrefs < 2)
            return HD_EINVAL;
        return sc_code_import(c->h, nd->data, nd->len, items, nd->nrefs, out);
    case HD_T_FUNCTION:
        return create_func(c, nd, items, out);
    case HD_T_METHOD:
        return nd->nrefs == 2 ? hd__method_new(c->h, items[0], items[1], out) : HD_EINVAL;
    case HD_T_CMETHOD:
        if (nd->nrefs != 2 || items[0]->type != HD_T_BUILTIN)
            return HD_EINVAL;
        return hd__cmethod_new(c->h, items[0], items[1], out);
    case HD_T_DESCR:
        if (nd->nrefs != 2 || items[0]->type != HD_T_CLASS || items[1]->type != HD_T_STR ||
            (nd->aux[0] != HD_DESCR_GETSET && nd->aux[0] != HD_DESCR_MEMBER) || nd->aux[1] < 0)
            return HD_EINVAL;
        return hd__descr_new(c->h, (int)nd->aux[0], items[0], items[1], (uint64_t)nd->aux[1], out);
    case HD_T_DICTVIEW: /* a class's __dict__; the other views stay refused */
        if (nd->aux[0] != HD_DICT_PROXY || nd->nrefs != 1 || items[0]->type != HD_T_DICT)
            return HD_EINVAL;
        return hd__dictview_new(c->h, items[0], HD_DICT_PROXY, out);
    }
    return HD_EINVAL;
}

static int pass_tuples_weakrefs(import_ctx_t *c, hd_obj_t **scratch)
{
    for (bool progress = true; progress;) {
        progress = false;
        for (size_t i = 0; i < c->n; i++) {
            const hd_graph_node_t *nd = &c->nodes[i];
            if (!is_late(nd->type) || c->objs[i])
                continue;
            bool ready;
            c->bad = i;
            int rc = refs_ready(c, nd, scratch, &ready);
            if (!rc && ready)
                rc = create_late(c, nd, scratch, &c->objs[i]), progress = true;
            if (rc)
                return rc;
        }
    }
    for (size_t i = 0; i < c->n; i++) {
        const hd_graph_node_t *nd = &c->nodes[i];
        c->bad = i;
        if (is_late(nd->type) && !c->objs[i])
            return HD_EINVAL; /* a cycle of objects made with their references */
        if (nd->type != HD_T_WEAKREF)
            continue;
        bool ready;
        int rc = refs_ready(c, nd, scratch, &ready);
        if (rc || !ready || nd->nrefs > 2)
            return rc ? rc : HD_EINVAL;
        /* refs: [referent] [callback]; a dead weakref has no referent */
        size_t nref = nd->nrefs - (nd->has_callback_obj ? 1 : 0);
        hd_obj_t *cb = nd->has_callback_obj && nd->nrefs >= 1 ? scratch[nd->nrefs - 1] : NULL;
        if (nref == 0)
            rc = hd__weakref_new_dead(c->h, cb, nd->notify, &c->objs[i]);
        else
            rc = hd_weakref_new(c->h, scratch[0], cb, nd->notify, &c->objs[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static int fill_list(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t *o, hd_obj_t **items)
{
    hd_list_obj_t *l = (hd_list_obj_t *)o;
    int64_t cap = nd->capacity >= (int64_t)nd->nrefs ? nd->capacity : (int64_t)nd->nrefs;
    /* a list never holds more than twice its size plus list_resize's
     * padding: anything beyond is not an export of ours (and could overflow) */
    if (cap > 2 * (int64_t)nd->nrefs + 16)
        return HD_EINVAL;
    if (cap == 0)
        return 0;
    void *arr;
    int rc = hd__block_alloc(c->h, (size_t)cap * 8, c->h->type_kinds[HD_T_LIST], &arr);
    if (rc)
        return rc;
    l->items = arr;
    l->allocated = cap;
    for (size_t k = 0; k < nd->nrefs; k++) {
        hd__incref(items[k]);
        l->items[k] = items[k];
    }
    l->size = (int64_t)nd->nrefs;
    return 0;
}

/* presize_dict: the exported table size (dicts of str keys the size they
 * had, deletions and growth included), within reason: a capacity beyond
 * 1024 slots and 16 per item is not honoured (the dict is sized by its
 * insertions then) */
static int presize_dict(hd_heap_t *h, const hd_graph_node_t *nd, hd_obj_t *o, hd_obj_t **items)
{
    size_t nitems = nd->nrefs / 2;
    bool unicode = true;
    if (nd->capacity <= 8 || (nd->capacity > 1024 && (size_t)nd->capacity > 16 * nitems))
        return 0;
    for (size_t k = 0; k < nitems; k++)
        unicode = unicode && items[2 * k]->type == HD_T_STR;
    return hd__dict_set_capacity(h, o, nd->capacity, unicode);
}

/* first_format: a class of the first export format: its dict alone, which
 * held the MRO, bases, subclasses and slots (moved out by migrate_classes) */
static bool first_format(const hd_graph_node_t *nd)
{
    return nd->type == HD_T_CLASS && nd->present == 0 && nd->nrefs == 1;
}

static bool is_type(const hd_obj_t *o)
{
    return o->type == HD_T_CLASS || o->type == HD_T_BUILTIN;
}

/* fill_class: refs are the dict, MRO, bases, base, subclasses and slots,
 * those whose bit (1 << k) is set in `present`; aux[0] the subclass key */
static int fill_class(const hd_graph_node_t *nd, hd_obj_t *o, hd_obj_t **items)
{
    hd_class_obj_t *cls = (hd_class_obj_t *)o;
    unsigned present = first_format(nd) ? 1 : nd->present;
    hd_obj_t *f[6] = {NULL};
    size_t k = 0;
    if (present >= 1u << 6)
        return HD_EINVAL;
    for (unsigned bit = 0; bit < 6; bit++)
        if (present & (1u << bit)) {
            if (k >= nd->nrefs)
                return HD_EINVAL;
            f[bit] = items[k++];
        }
    if (k != nd->nrefs || (f[0] && f[0]->type != HD_T_DICT) ||
        (f[1] && (f[1]->type != HD_T_TUPLE || hd_len(f[1]) == 0 ||
                  ((hd_tuple_obj_t *)f[1])->items[0] != o)) ||
        (f[2] && f[2]->type != HD_T_TUPLE) || (f[3] && !is_type(f[3])) ||
        (f[4] && f[4]->type != HD_T_DICT) || (f[5] && f[5]->type != HD_T_TUPLE))
        return HD_EINVAL;
    hd_obj_t **slots[] = {&cls->attrs, &cls->mro,        &cls->bases,
                          &cls->base,  &cls->subclasses, &cls->slots};
    for (unsigned bit = 0; bit < 6; bit++)
        if (f[bit])
            hd__incref(*slots[bit] = f[bit]);
    cls->subclass_key = nd->aux[0];
    return 0;
}

/* take_attr: moves the class attribute `name` of the first format out of
 * the dict into *slot (a new reference), if it is there; HD_EINVAL if it
 * is not of `type` */
static int take_attr(hd_heap_t *h, hd_obj_t *o, const char *name, int type, hd_obj_t **slot)
{
    hd_obj_t *v;
    if (hd_obj_getattr(h, o, name, &v) != 0)
        return 0;
    if (v->type != type || *slot)
        return HD_EINVAL;
    hd__incref(*slot = v);
    return hd_obj_delattr(h, o, name);
}

/* migrate_classes: the first format's classes get their type slots from
 * their dicts' hidden entries (__mro__, __bases__, __hd_subclasses__,
 * __hd_slots__); tp_base is the first base, and each subclass's key is
 * read from its bases' subclass dicts */
static int migrate_classes(import_ctx_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        hd_class_obj_t *cls = (hd_class_obj_t *)c->objs[i];
        c->bad = i;
        if (!first_format(&c->nodes[i]))
            continue;
        hd_obj_t *o = &cls->h;
        int rc = take_attr(c->h, o, "__mro__", HD_T_TUPLE, &cls->mro);
        if (!rc)
            rc = take_attr(c->h, o, "__bases__", HD_T_TUPLE, &cls->bases);
        if (!rc)
            rc = take_attr(c->h, o, "__hd_subclasses__", HD_T_DICT, &cls->subclasses);
        if (!rc)
            rc = take_attr(c->h, o, "__hd_slots__", HD_T_TUPLE, &cls->slots);
        if (!rc && cls->mro &&
            (hd_len(cls->mro) == 0 || ((hd_tuple_obj_t *)cls->mro)->items[0] != o))
            rc = HD_EINVAL;
        if (!rc && cls->bases && hd_len(cls->bases) > 0) {
            hd_obj_t *base = ((hd_tuple_obj_t *)cls->bases)->items[0];
            if (!is_type(base))
                return HD_EINVAL;
            hd__incref(cls->base = base);
        }
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < c->n; i++) {
        hd_class_obj_t *cls = (hd_class_obj_t *)c->objs[i];
        int64_t pos = 0, key;
        hd_obj_t *k, *v, *sub;
        if (!first_format(&c->nodes[i]) || !cls->subclasses)
            continue;
        while (hd_dict_next(cls->subclasses, &pos, &k, &v))
            if (v->type == HD_T_WEAKREF && (sub = hd_weakref_get(v)) && sub->type == HD_T_CLASS &&
                hd_int_to_i64(k, &key) == 0)
                ((hd_class_obj_t *)sub)->subclass_key = key;
    }
    return 0;
}

/* items_all: whether every item of the tuple t passes ok */
static bool items_all(const hd_obj_t *t, bool (*ok)(const hd_obj_t *))
{
    const hd_tuple_obj_t *tt = (const hd_tuple_obj_t *)t;
    for (int64_t k = 0; k < tt->size; k++)
        if (!ok(tt->items[k]))
            return false;
    return true;
}

static bool is_str(const hd_obj_t *o)
{
    return o->type == HD_T_STR;
}

/* class_shape_ok: the slots' contents have the shapes a class gives them:
 * bases and MRO of types, tp_base among the bases, tp_subclasses of int
 * keys and weakrefs to classes (or dead ones), slots of strs */
static bool class_shape_ok(const hd_class_obj_t *cls)
{
    if ((cls->bases && !items_all(cls->bases, is_type)) ||
        (cls->mro && !items_all(cls->mro, is_type)) ||
        (cls->slots && !items_all(cls->slots, is_str)))
        return false;
    if (cls->base && cls->bases) {
        const hd_tuple_obj_t *b = (const hd_tuple_obj_t *)cls->bases;
        int64_t k = 0;
        while (k < b->size && b->items[k] != cls->base)
            k++;
        if (k == b->size)
            return false;
    }
    int64_t pos = 0;
    hd_obj_t *key, *wr, *sub;
    while (cls->subclasses && hd_dict_next(cls->subclasses, &pos, &key, &wr))
        if (key->type != HD_T_INT || wr->type != HD_T_WEAKREF ||
            ((sub = hd_weakref_get(wr)) && sub->type != HD_T_CLASS))
            return false;
    return true;
}

/* class_edge: the k-th class a class's bases, then its MRO past itself,
 * name (NULL for a builtin, or past the end) */
static hd_class_obj_t *class_edge(const hd_class_obj_t *cls, int64_t k, bool *end)
{
    int64_t nb = cls->bases ? hd_len(cls->bases) : 0, nm = cls->mro ? hd_len(cls->mro) - 1 : 0;
    hd_obj_t *o = k < nb        ? ((hd_tuple_obj_t *)cls->bases)->items[k]
                  : k - nb < nm ? ((hd_tuple_obj_t *)cls->mro)->items[1 + k - nb]
                                : NULL;
    *end = !o;
    return o && o->type == HD_T_CLASS ? (hd_class_obj_t *)o : NULL;
}

/* check_classes: every imported class has its slots' shapes, and no class
 * is its own ancestor through bases or MROs (a depth-first walk over the
 * class table: 1 on the walk's path, 2 done), which no class statement
 * makes and which tp_clear could not break */
static int check_classes(import_ctx_t *c)
{
    hd_heap_t *h = c->h;
    typedef struct {
        hd_class_obj_t *cls;
        int64_t k;
    } frame_t;
    uint8_t *mark = hd_mem_calloc(h->mem, h->nclasses + 1u, 1);
    frame_t *stack = hd_mem_calloc(h->mem, h->nclasses + 1u, sizeof(*stack));
    hd_class_obj_t *cycle = NULL;
    int rc = mark && stack ? 0 : HD_ENOMEM;
    for (size_t i = 0; !rc && i < c->n; i++) {
        hd_class_obj_t *root = (hd_class_obj_t *)c->objs[i];
        if (c->nodes[i].type != HD_T_CLASS || mark[root->h.aux])
            continue;
        c->bad = i;
        if (!class_shape_ok(root)) {
            rc = HD_EINVAL;
            break;
        }
        size_t depth = 0;
        stack[depth++] = (frame_t){root, 0};
        mark[root->h.aux] = 1;
        while (depth && !cycle) {
            frame_t *f = &stack[depth - 1];
            bool end;
            hd_class_obj_t *next = class_edge(f->cls, f->k++, &end);
            if (end) {
                mark[f->cls->h.aux] = 2;
                depth--;
            } else if (next && mark[next->h.aux] == 1) {
                cycle = next;
            } else if (next && !mark[next->h.aux] && depth <= h->nclasses) {
                mark[next->h.aux] = 1;
                stack[depth++] = (frame_t){next, 0};
            }
        }
        if (cycle) {
            for (size_t j = 0; j < c->n; j++)
                if (c->objs[j] == &cycle->h)
                    c->bad = j;
            rc = HD_EINVAL;
        }
    }
    hd_mem_free(h->mem, mark);
    hd_mem_free(h->mem, stack);
    return rc;
}

static int fill_one(import_ctx_t *c, const hd_graph_node_t *nd, hd_obj_t *o, hd_obj_t **items)
{
    hd_heap_t *h = c->h;
    int rc = 0;
    switch (nd->type) {
    case HD_T_LIST:
        return fill_list(c, nd, o, items);
    case HD_T_DICT:
        if (nd->nrefs % 2)
            return HD_EINVAL;
        rc = presize_dict(h, nd, o, items);
        for (size_t k = 0; k + 1 < nd->nrefs && !rc; k += 2)
            rc = hd_dict_setitem(h, o, items[k], items[k + 1]);
        return rc;
    case HD_T_SET:
        for (size_t k = 0; k < nd->nrefs && !rc; k++)
            rc = hd_set_add(h, o, items[k]);
        return rc;
    case HD_T_INSTANCE:
        if (nd->nrefs && !nd->attr_names)
            return HD_EINVAL;
        if (nd->nrefs == 1 && strcmp(nd->attr_names[0], "__dict__") == 0)
            return hd__instance_adopt_dict(h, o, items[0]);
        for (size_t k = 0; k < nd->nrefs && !rc; k++)
            rc = hd_obj_setattr(h, o, nd->attr_names[k], items[k]);
        return rc;
    case HD_T_CELL:
        if (nd->nrefs == 1)
            hd__incref(((hd_cell_obj_t *)o)->ref = items[0]);
        return 0;
    case HD_T_CLASS:
        return fill_class(nd, o, items);
    }
    return 0;
}

static int pass_fill(import_ctx_t *c, hd_obj_t **scratch)
{
    for (size_t i = 0; i < c->n; i++) {
        const hd_graph_node_t *nd = &c->nodes[i];
        c->bad = i;
        if (is_late(nd->type) || nd->type == HD_T_WEAKREF) {
            if (nd->finalized && c->objs[i] && hd__is_gc(c->objs[i]))
                hd__gc_set_finalized(c->objs[i]);
            continue;
        }
        bool ready;
        int rc = refs_ready(c, nd, scratch, &ready);
        if (!rc && !ready)
            rc = HD_EINVAL;
        if (!rc)
            rc = fill_one(c, nd, c->objs[i], scratch);
        if (rc)
            return rc;
        if (nd->finalized && hd__is_gc(c->objs[i]))
            hd__gc_set_finalized(c->objs[i]);
    }
    return 0;
}

static int bind_names(import_ctx_t *c, const hd_graph_name_t *names, size_t nnames)
{
    for (size_t i = 0; i < nnames; i++) {
        bool known;
        hd_obj_t *o = ref_obj(c, names[i].id, &known);
        c->bad = i;
        if (!o)
            return HD_EINVAL;
        int rc = hd_ns_bind(c->h, names[i].name, o);
        if (rc)
            return rc;
    }
    return 0;
}

int hd_graph_import(hd_heap_t *h, const hd_graph_node_t *nodes, size_t n,
                    const hd_graph_name_t *names, size_t nnames, size_t *bad)
{
    return hd_graph_import_keep(h, nodes, n, names, nnames, NULL, 0, NULL, bad);
}

int hd_graph_import_keep(hd_heap_t *h, const hd_graph_node_t *nodes, size_t n,
                         const hd_graph_name_t *names, size_t nnames, const uint64_t *keep_ids,
                         size_t nkeep, hd_obj_t **kept, size_t *bad)
{
    return hd_graph_import_ex(h, nodes, n, names, nnames, NULL, 0, keep_ids, nkeep, kept, bad);
}

#define GARBAGE_SLOT "gc.garbage" /* the heap's own: gc.garbage */

static bool has_script_roots(const hd_graph_root_t *roots, size_t nroots)
{
    for (size_t i = 0; i < nroots; i++)
        if (!roots[i].slot || strcmp(roots[i].slot, GARBAGE_SLOT) != 0)
            return true;
    return false;
}

static int install_roots(import_ctx_t *c, const hd_graph_root_t *roots, size_t nroots)
{
    for (size_t i = 0; i < nroots; i++) {
        bool known = true;
        hd_obj_t *o = roots[i].id ? ref_obj(c, roots[i].id, &known) : NULL;
        c->bad = c->n + i;
        if (!known || (roots[i].id && !o))
            return HD_EINVAL;
        int rc;
        if (roots[i].slot && strcmp(roots[i].slot, GARBAGE_SLOT) == 0) {
            if (!o || o->type != HD_T_LIST || c->h->garbage)
                return HD_EINVAL;
            hd__incref(o);
            c->h->garbage = o;
            continue;
        }
        if ((rc = sc_state_import(c->h, roots[i].slot, o, roots[i].value)))
            return rc;
    }
    c->bad = c->n + nroots;
    return has_script_roots(roots, nroots) ? sc_state_end_import(c->h) : 0;
}

typedef struct root_ctx {
    hd_heap_t *h;
    int (*fn)(const char *slot, uint64_t id, int64_t value, void *arg);
    void *arg;
} root_ctx_t;

static int export_root(const char *slot, hd_obj_t *o, int64_t value, void *arg)
{
    root_ctx_t *rc = arg;
    uint64_t id = o ? hd_obj_id(rc->h, o) : 0;
    if (o && !id)
        return HD_ENOMEM;
    return rc->fn(slot, id, value, rc->arg);
}

int hd_graph_export_roots(hd_heap_t *h,
                          int (*root_fn)(const char *slot, uint64_t id, int64_t value, void *arg),
                          void *arg)
{
    root_ctx_t rc = {h, root_fn, arg};
    int err = h->garbage ? export_root(GARBAGE_SLOT, h->garbage, 0, &rc) : 0;
    return err ? err : sc_state_export(h, export_root, &rc);
}

int hd_graph_import_ex(hd_heap_t *h, const hd_graph_node_t *nodes, size_t n,
                       const hd_graph_name_t *names, size_t nnames, const hd_graph_root_t *roots,
                       size_t nroots, const uint64_t *keep_ids, size_t nkeep, hd_obj_t **kept,
                       size_t *bad)
{
    import_ctx_t c = {.h = h, .nodes = nodes, .n = n};
    size_t maxrefs = 1;
    for (size_t i = 0; i < n; i++)
        if (nodes[i].nrefs > maxrefs)
            maxrefs = nodes[i].nrefs;
    c.objs = hd_mem_calloc(h->mem, n ? n : 1, sizeof(*c.objs));
    hd_obj_t **scratch = hd_mem_calloc(h->mem, maxrefs, sizeof(*scratch));
    bool saved = h->gc_collecting;
    h->gc_collecting = true; /* no automatic collection half-way */
    int rc = (!c.objs || !scratch) ? HD_ENOMEM : map_build(&c);
    if (!rc && has_script_roots(roots, nroots) && (rc = sc_state_begin_import(h)))
        c.bad = n;
    if (!rc)
        rc = pass_create(&c);
    if (!rc)
        rc = pass_tuples_weakrefs(&c, scratch);
    if (!rc)
        rc = pass_fill(&c, scratch);
    if (!rc)
        rc = migrate_classes(&c);
    if (!rc)
        rc = check_classes(&c);
    if (!rc && nroots)
        rc = install_roots(&c, roots, nroots);
    if (!rc)
        rc = bind_names(&c, names, nnames);
    for (size_t i = 0; !rc && i < n; i++) {
        hd_obj_t *o = c.objs[i];
        if (!o || (o->type != HD_T_TUPLE && o->type != HD_T_DICT))
            continue;
        if (nodes[i].gc_state == HD_GRAPH_UNTRACKED && hd__gc_is_tracked(o))
            hd__gc_untrack(h, o);
        else if (nodes[i].gc_state == HD_GRAPH_TRACKED && !hd__gc_is_tracked(o))
            hd__gc_track(h, o);
    }
    h->gc_collecting = saved;
    for (size_t k = 0; k < nkeep; k++) {
        bool known = false;
        hd_obj_t *o = rc ? NULL : ref_obj(&c, keep_ids[k], &known);
        if (o)
            hd__incref(o);
        kept[k] = o;
    }
    for (size_t i = 0; c.objs && i < n; i++)
        if (c.objs[i])
            hd__decref(h, c.objs[i]);
    if (rc && bad)
        *bad = c.bad;
    hd_mem_free(h->mem, c.objs);
    hd_mem_free(h->mem, scratch);
    hd_mem_free(h->mem, c.keys);
    hd_mem_free(h->mem, c.vals);
    return rc;
}
