/*
 * instance.c: classes (heap types) and their instances, as CPython 3.11
 * builds them.
 *
 * A class is a tracked object of 920 bytes (PyHeapTypeObject + GC header,
 * from the system allocator since it is over 512 bytes) in a block 40 bytes
 * longer per __slots__ name, plus 40 (PyType_GenericAlloc's PyMemberDefs,
 * which tracemalloc sees and sys.getsizeof does not). A class whose
 * instances have a __dict__ also owns 3.11's "cached keys": a 768-byte
 * shared-keys table (64 slots, 42 entries) that getsizeof counts; the model
 * allocates that block for its size and keeps the attribute names themselves
 * in the class's metadata (inspector memory): nkeys (dk_nentries) and usable
 * (dk_usable, starting at 30, SHARED_KEYS_MAX_SIZE).
 *
 * An instance with a managed dict is a 56-byte block: a 16-byte pre-header
 * (materialized dict, values), the GC header, the object header and the
 * weakref list. Its attributes live in a separate values block sized as 3.11
 * sizes it when the instance is created: each new instance first lowers the
 * class's usable by one (while it is over 1), then gets nkeys + usable slots;
 * the block is round_up(size + 2, 8) + 8 * size bytes, the prefix holding the
 * insertion order (values[-1] = prefix size, values[-2] = count, values[-3-k]
 * = the k-th inserted index). An attribute name the shared keys cannot take
 * (usable exhausted) materializes a real dict for that instance; reading
 * o.__dict__ makes a split dict of the values (hd__instance_get_dict,
 * dict.c), which keeps a reference to the metadata (refs). As in 3.11,
 * a deletion inserts the name into the shared keys too, so a failed `del o.x`
 * uses up a key (or, with the keys full, materializes the dict) before it
 * fails. A failed allocation changes nothing: the class's usable is lowered
 * only once the values block is had, a materialized dict gets the new
 * attribute before it replaces the values, and a class's attrs dict is kept
 * only once its first attribute is in.
 *
 * An instance of a class with __slots__ is 32 + 8 per slot bytes (plus 8 for
 * a "__weakref__" slot), without a pre-header.
 *
 * Deallocation follows 3.11's subtype_dealloc: __del__ first (once: the
 * FINALIZED bit), with the instance re-tracked and a temporary reference; if
 * the finalizer resurrected it, stop there. Then the weakrefs are cleared and
 * their callbacks run, the slots, values and dict are dropped, the block is
 * freed, and the reference to the class is released last.
 */
#include "heap_int.h"

#include "script/persist.h"
#include "trace.h"

#define CLASS_BLOCK         (sizeof(hd_gc_t) + HD_TYPE_BASICSIZE)
#define CACHED_KEYS_BLOCK   768 /* 32 + 64 one-byte indices + 42 * 16 entries */
#define MEMBERDEF_SIZE      40  /* sizeof(PyMemberDef) */
#define VALUES_PREFIX(size) ((((size) + 2) + 7) & ~(size_t)7)

static hd_class_meta_t *meta_of(hd_heap_t *h, const hd_obj_t *o)
{
    return hd__class_of(h, o)->meta;
}

static hd_obj_t **values_of(const hd_obj_t *o)
{
    return (hd_obj_t **)HD_PREHEADER(o)->values;
}

static uint8_t *order_of(hd_obj_t **values)
{
    return (uint8_t *)values;
}

/* ---- classes ---- */

static int class_slot(hd_heap_t *h, uint16_t *out)
{
    for (uint32_t i = 0; i < h->nclasses; i++) {
        if (!h->classes[i]) {
            *out = (uint16_t)i;
            return 0;
        }
    }
    if (h->nclasses >= HD_MAX_CLASSES)
        return HD_ELIMIT;
    if (h->nclasses == h->classes_cap) {
        uint32_t cap = h->classes_cap ? h->classes_cap * 2 : 16;
        void *p = hd_mem_realloc(h->mem, h->classes, cap * sizeof(*h->classes));
        if (!p)
            return HD_ENOMEM;
        h->classes = p;
        h->classes_cap = cap;
    }
    h->classes[h->nclasses] = NULL;
    *out = (uint16_t)h->nclasses++;
    return 0;
}

/* mem_strdup: a copy from the heap's memory hooks (freed with hd_mem_free). */
static char *mem_strdup(hd_heap_t *h, const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = hd_mem_malloc(h->mem, len);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

static void meta_free(hd_heap_t *h, hd_class_meta_t *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->nslots; i++)
        hd_mem_free(h->mem, m->slot_names[i]);
    hd_mem_free(h->mem, m->slot_names);
    for (uint32_t i = 0; i < m->nkeys; i++) {
        hd_mem_free(h->mem, m->keys[i]);
        hd__xdecref(h, m->key_objs[i]);
    }
    hd_mem_free(h->mem, m);
}

void hd__class_meta_release(hd_heap_t *h, hd_class_meta_t *m)
{
    if (--m->refs == 0)
        meta_free(h, m);
}

static int meta_new(hd_heap_t *h, const char *name, const hd_class_spec_t *spec,
                    hd_class_meta_t **out)
{
    hd_class_meta_t *m = hd_mem_calloc(h->mem, 1, sizeof(*m));
    if (!m)
        return HD_ENOMEM;
    strcpy(m->name, name);
    m->has_del = spec && spec->has_del;
    m->managed_dict = !(spec && spec->use_slots);
    m->weakrefable = m->managed_dict;
    m->usable = HD_SHARED_KEYS_MAX;
    m->refs = 1;
    if (!m->managed_dict && spec->nslots) {
        m->slot_names = hd_mem_calloc(h->mem, spec->nslots, sizeof(char *));
        if (!m->slot_names)
            goto oom;
        for (size_t i = 0; i < spec->nslots; i++) {
            if (strcmp(spec->slots[i], "__weakref__") == 0) {
                m->weakrefable = true;
                continue;
            }
            if (!(m->slot_names[m->nslots] = mem_strdup(h, spec->slots[i])))
                goto oom;
            m->nslots++;
        }
    }
    if (hd_trace_intern_kind(h->trace, name, &m->kind) != 0)
        m->kind = h->type_kinds[HD_T_INSTANCE];
    *out = m;
    return 0;
oom:
    meta_free(h, m);
    return HD_ENOMEM;
}

static int check_class_name(const char *name, const hd_class_spec_t *spec)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > HD_CLASS_NAME_MAX)
        return HD_EINVAL;
    if (spec && spec->use_slots)
        for (size_t i = 0; i < spec->nslots; i++)
            if (!spec->slots[i] || !spec->slots[i][0] || strlen(spec->slots[i]) > 255)
                return HD_EINVAL;
    return 0;
}

int hd_class_new(hd_heap_t *h, const char *name, const hd_class_spec_t *spec, hd_obj_t **out)
{
    int rc = check_class_name(name, spec);
    if (rc)
        return rc;
    hd_class_meta_t *meta;
    uint16_t slot;
    if ((rc = class_slot(h, &slot)) || (rc = meta_new(h, name, spec, &meta)))
        return rc;
    void *keys = NULL;
    if (meta->managed_dict &&
        (rc = hd__block_alloc(h, CACHED_KEYS_BLOCK, h->type_kinds[HD_T_CLASS], &keys))) {
        meta_free(h, meta);
        return rc;
    }
    hd_obj_t *o;
    /* PyType_GenericAlloc(metatype, nslots) allocates room for nslots + 1
     * PyMemberDefs past the type; getsizeof does not count them */
    rc = hd__obj_alloc(h, HD_T_CLASS, CLASS_BLOCK + MEMBERDEF_SIZE * (meta->nslots + 1),
                       sizeof(hd_gc_t), &o);
    if (rc) {
        hd__block_free(h, keys);
        meta_free(h, meta);
        return rc;
    }
    hd_class_obj_t *c = (hd_class_obj_t *)o;
    c->meta = meta;
    c->attrs = NULL;
    c->weakreflist = NULL;
    c->cached_keys = keys;
    c->mro = c->bases = c->base = c->subclasses = c->slots = NULL;
    c->subclass_key = 0;
    meta->index = slot;
    o->aux = slot;
    h->classes[slot] = c;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd_class_lookup(hd_heap_t *h, const char *name, hd_obj_t **out)
{
    for (uint32_t i = h->nclasses; i-- > 0;) {
        hd_class_obj_t *c = h->classes[i];
        if (c && strcmp(c->meta->name, name) == 0) {
            *out = &c->h;
            return 0;
        }
    }
    return HD_ENOTFOUND;
}

const char *hd_class_name(const hd_obj_t *cls)
{
    return ((const hd_class_obj_t *)cls)->meta->name;
}

bool hd_class_has_del(const hd_obj_t *cls)
{
    return ((const hd_class_obj_t *)cls)->meta->has_del;
}

hd_obj_t *hd_obj_class(hd_heap_t *h, const hd_obj_t *o)
{
    return o->type == HD_T_INSTANCE ? (hd_obj_t *)hd__class_of(h, o) : NULL;
}

/* type_traverse: tp_dict, tp_cache (none), tp_mro, tp_bases, tp_base,
 * ht_module (none); tp_subclasses and ht_slots are not visited */
int hd__class_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_class_obj_t *c = (hd_class_obj_t *)o;
    hd_obj_t *refs[] = {c->attrs, c->mro, c->bases, c->base};
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        int rc = refs[i] ? visit(refs[i], arg) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* type_clear: the cached keys, the dict's contents (the dict stays) and
 * the MRO, which holds the class; the rest cannot be in a cycle alone */
void hd__class_clear(hd_heap_t *h, hd_obj_t *o)
{
    hd_class_obj_t *c = (hd_class_obj_t *)o;
    void *keys = c->cached_keys;
    c->cached_keys = NULL;
    hd__block_free(h, keys);
    if (c->attrs)
        hd__dict_clear(h, c->attrs);
    hd_obj_t *mro = c->mro;
    c->mro = NULL;
    hd__xdecref(h, mro);
}

size_t hd__class_sizeof(const hd_obj_t *o)
{
    return CLASS_BLOCK + (((const hd_class_obj_t *)o)->cached_keys ? CACHED_KEYS_BLOCK : 0);
}

/* remove_subclass: type_dealloc's removal of the class from a base's
 * tp_subclasses (a dict the script language fills) by its key, made again
 * as remove_subclass makes it, and of the dict itself once it is empty
 * (`object`'s, the script state's, never is: it holds startup's classes).
 * The weakref goes then, during the collection that freed the class, as
 * CPython's does: the generation-0 count does not move for it later. */
static void remove_subclass(hd_heap_t *h, hd_obj_t *base, hd_obj_t *o)
{
    hd_class_obj_t *b = (hd_class_obj_t *)base;
    hd_obj_t *key, *d = base->type == HD_T_CLASS     ? b->subclasses
                        : base->type == HD_T_BUILTIN ? sc_object_subclasses(h)
                                                     : NULL;
    if (!d || !((hd_class_obj_t *)o)->subclass_key) /* 0: never registered */
        return;
    if (hd_int_from_i64(h, ((hd_class_obj_t *)o)->subclass_key, &key) == 0) {
        (void)hd_dict_delitem(h, d, key);
        hd__decref(h, key);
    }
    if (base->type == HD_T_CLASS && b->subclasses && hd_len(b->subclasses) == 0) {
        b->subclasses = NULL;
        hd__decref(h, d);
    }
}

/* type_dealloc's order: out of the bases' tp_subclasses, weakrefs cleared,
 * then tp_base, tp_dict, tp_bases, tp_mro, tp_subclasses, ht_slots, the
 * cached keys, the block */
void hd__class_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_class_obj_t *c = (hd_class_obj_t *)o;
    /* out of the class table first: callbacks below must not find it */
    h->classes[c->meta->index] = NULL;
    if (c->bases && c->bases->type == HD_T_TUPLE) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)c->bases;
        for (int64_t i = 0; i < t->size; i++)
            remove_subclass(h, t->items[i], o);
    }
    if (c->weakreflist)
        hd__weakref_clear_all(h, o);
    hd_obj_t *refs[] = {c->base, c->attrs, c->bases, c->mro, c->subclasses, c->slots};
    c->base = c->attrs = c->bases = c->mro = c->subclasses = c->slots = NULL;
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
        hd__xdecref(h, refs[i]);
    hd__class_meta_release(h, c->meta); /* split dicts may keep it */
    hd__block_free(h, c->cached_keys);
    hd__obj_free_block(h, o);
}

/* ---- instances: creation ---- */

/* values_new: the values block of a new instance; the class's usable is
 * lowered only once the block is had (a refused instance changes nothing). */
static int values_new(hd_heap_t *h, hd_class_meta_t *m, hd_obj_t ***out)
{
    int32_t usable = m->usable > 1 ? m->usable - 1 : m->usable;
    size_t size = m->nkeys + (size_t)(usable > 0 ? usable : 0);
    if (size == 0)
        size = 1;
    size_t prefix = VALUES_PREFIX(size);
    uint8_t *mem;
    int rc = hd__block_alloc(h, prefix + 8 * size, m->kind, (void **)&mem);
    if (rc)
        return rc;
    m->usable = usable;
    memset(mem, 0, prefix + 8 * size);
    mem[prefix - 1] = (uint8_t)prefix;
    *out = (hd_obj_t **)(mem + prefix);
    return 0;
}

/* values_block: the start of the block (the prefix) of a values array; at
 * most round_up(32, 8) + 30 * 8 = 272 bytes: always a pool block. */
static void *values_block(hd_obj_t **values)
{
    uint8_t *order = order_of(values);
    return order - order[-1];
}

static void values_free(hd_heap_t *h, hd_obj_t **values)
{
    hd__block_free_small(h, values_block(values));
}

int hd_instance_new(hd_heap_t *h, hd_obj_t *cls, bool del, hd_obj_t **out)
{
    if (cls->type != HD_T_CLASS)
        return HD_ETYPE;
    hd_class_meta_t *m = ((hd_class_obj_t *)cls)->meta;
    size_t len, presize;
    if (m->managed_dict) {
        presize = sizeof(hd_gc_t) + sizeof(hd_preheader_t);
        len = presize + sizeof(hd_instance_obj_t);
    } else {
        presize = sizeof(hd_gc_t);
        len = presize + sizeof(hd_obj_t) + 8 * (m->nslots + (m->weakrefable ? 1 : 0));
    }
    hd_obj_t *o;
    /* the instance's reference to its class, taken before the allocation,
     * which may run a collection that would otherwise free the class */
    hd__incref(cls);
    /* one call per layout, each with a constant presize: the inline
     * allocation's header stores are then straight-line */
    int rc = m->managed_dict ? hd__obj_alloc(h, HD_T_INSTANCE, len, presize, &o)
                             : hd__obj_alloc(h, HD_T_INSTANCE, len, sizeof(hd_gc_t), &o);
    if (rc) {
        hd__decref(h, cls);
        return rc;
    }
    o->aux = m->index;
    o->flags = (uint8_t)((m->managed_dict ? HD_OF_MANAGED : 0) | (del ? HD_OF_DEL : 0));
    if (m->managed_dict)
        ((hd_instance_obj_t *)o)->weakreflist = NULL;
    else
        memset(o + 1, 0, len - presize - sizeof(hd_obj_t));
    if (m->managed_dict) {
        hd_obj_t **values;
        if ((rc = values_new(h, m, &values)) != 0) {
            hd__obj_free_block(h, o);
            hd__decref(h, cls);
            return rc;
        }
        HD_PREHEADER(o)->values = (hd_values_t *)values;
    }
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

bool hd_obj_has_del(hd_heap_t *h, const hd_obj_t *o)
{
    return o->type == HD_T_INSTANCE && ((o->flags & HD_OF_DEL) || meta_of(h, o)->has_del);
}

/* ---- instances: attributes ---- */

/* name_eq: strcmp(a, b) == 0, inline: attribute names are short, and the
 * call to strcmp cost more than the comparison (every STORE_ATTR looks its
 * name up here) */
static inline bool name_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static int key_index(const hd_class_meta_t *m, const char *name)
{
    for (uint32_t i = 0; i < m->nkeys; i++)
        if (name_eq(m->keys[i], name))
            return (int)i;
    return -1;
}

static int slot_index(const hd_class_meta_t *m, const char *name)
{
    for (uint32_t i = 0; i < m->nslots; i++)
        if (name_eq(m->slot_names[i], name))
            return (int)i;
    return -1;
}

static void order_add(hd_obj_t **values, int ix)
{
    uint8_t *p = order_of(values);
    uint8_t n = p[-2];
    p[-3 - n] = (uint8_t)ix;
    p[-2] = (uint8_t)(n + 1);
}

static void order_remove(hd_obj_t **values, int ix)
{
    uint8_t *p = order_of(values);
    uint8_t n = p[-2];
    for (uint8_t k = 0; k < n; k++) {
        if (p[-3 - k] == ix) {
            for (uint8_t j = k; j + 1 < n; j++)
                p[-3 - j] = p[-3 - (j + 1)];
            p[-2] = (uint8_t)(n - 1);
            return;
        }
    }
}

static int dict_set_cstr(hd_heap_t *h, hd_obj_t *dict, const char *name, hd_obj_t *value);

/* materialize: give the instance a real dict holding its attributes (what
 * 3.11 does when the shared keys cannot take a name); the values block goes
 * away. With `value`, name = value goes into the new dict (combined, the
 * size of 3.11's resize of the split dict: GROWTH_RATE) before it replaces
 * the values block, so that a failure leaves the instance as it was. A
 * deletion leaves the split dict (o.__dict__'s) and fails (HD_EKEY). */
static int materialize(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    if (!value) {
        hd_obj_t *d;
        int rc = hd__instance_get_dict(h, o, &d);
        if (rc)
            return rc;
        hd__decref(h, d);
        return HD_EKEY;
    }
    hd_class_meta_t *m = meta_of(h, o);
    hd_obj_t **values = values_of(o);
    uint8_t *p = order_of(values);
    size_t n = p[-2];
    int ixs[HD_SHARED_KEYS_MAX] = {0};
    hd_obj_t *vals[HD_SHARED_KEYS_MAX] = {0};
    for (size_t k = 0; k < n; k++) {
        ixs[k] = p[-3 - (ptrdiff_t)k];
        vals[k] = values[p[-3 - (ptrdiff_t)k]];
    }
    /* hold the values: the dict's allocation may run a finalizer that
     * changes this instance */
    for (size_t k = 0; k < n; k++)
        hd__incref(vals[k]);
    hd_obj_t *dict;
    int rc = hd__dict_grown_from_values(h, m, n, ixs, vals, &dict);
    if (rc == 0 && value && (rc = dict_set_cstr(h, dict, name, value)) != 0)
        hd__decref(h, dict);
    hd_preheader_t *pre = HD_PREHEADER(o);
    if (rc == 0 && (pre->dict || !pre->values)) {
        hd__decref(h, dict); /* a finalizer materialized it meanwhile */
        if (value && pre->dict)
            rc = dict_set_cstr(h, pre->dict, name, value);
    } else if (rc == 0) {
        /* detach the (re-read) values block, then drop its references */
        values = (hd_obj_t **)pre->values;
        p = order_of(values);
        size_t now = p[-2];
        hd_obj_t *held[HD_SHARED_KEYS_MAX];
        for (size_t k = 0; k < now; k++)
            held[k] = values[p[-3 - (ptrdiff_t)k]];
        pre->dict = dict;
        pre->values = NULL;
        values_free(h, values);
        for (size_t k = 0; k < now; k++)
            hd__decref(h, held[k]);
    }
    for (size_t k = 0; k < n; k++)
        hd__decref(h, vals[k]);
    return rc;
}

int hd__instance_adopt_dict(hd_heap_t *h, hd_obj_t *o, hd_obj_t *dict)
{
    if (!(o->flags & HD_OF_MANAGED) || dict->type != HD_T_DICT || HD_PREHEADER(o)->dict)
        return HD_EINVAL;
    hd_obj_t **values = values_of(o);
    if (values && order_of(values)[-2] != 0)
        return HD_EINVAL;
    hd__incref(dict);
    HD_PREHEADER(o)->dict = dict;
    HD_PREHEADER(o)->values = NULL;
    if (values)
        values_free(h, values);
    return 0;
}

int hd__instance_get_dict(hd_heap_t *h, hd_obj_t *o, hd_obj_t **out)
{
    if (!(o->flags & HD_OF_MANAGED))
        return HD_ETYPE;
    hd_preheader_t *pre = HD_PREHEADER(o);
    if (!pre->dict) {
        /* the dict object first (it may run a collection, and finalizers
         * that change this instance), then the values as they are now */
        hd_obj_t *dict;
        int rc = hd_dict_new(h, 0, NULL, NULL, &dict);
        if (rc)
            return rc;
        if (pre->dict) {
            hd__decref(h, dict);
        } else if (!pre->values) {
            pre->dict = dict;
        } else {
            hd_obj_t **values = values_of(o);
            uint8_t *p = order_of(values);
            size_t n = p[-2];
            int ix[HD_SHARED_KEYS_MAX];
            hd_obj_t *vals[HD_SHARED_KEYS_MAX];
            for (size_t k = 0; k < n; k++)
                vals[k] = values[ix[k] = p[-3 - (ptrdiff_t)k]];
            if ((rc = hd__dict_split_fill(h, dict, meta_of(h, o), values_block(values), n, ix,
                                          vals)) != 0) {
                hd__decref(h, dict);
                return rc;
            }
            /* the dict took the block and its own references */
            pre->dict = dict;
            pre->values = NULL;
            for (size_t k = 0; k < n; k++)
                hd__decref(h, vals[k]);
        }
    }
    hd__incref(pre->dict);
    *out = pre->dict;
    return 0;
}

static int dict_set_cstr(hd_heap_t *h, hd_obj_t *dict, const char *name, hd_obj_t *value)
{
    hd_obj_t *key;
    int rc = hd_str_new(h, name, strlen(name), &key);
    if (rc)
        return rc;
    rc = value ? hd_dict_setitem(h, dict, key, value) : hd_dict_delitem(h, dict, key);
    hd__decref(h, key);
    return rc;
}

static hd_obj_t *dict_get_cstr(hd_obj_t *dict, const char *name)
{
    int64_t pos = 0;
    hd_obj_t *k, *v;
    char buf[256];
    while (hd_dict_next(dict, &pos, &k, &v)) {
        if (k->type == HD_T_STR && hd_str_utf8(k, buf, sizeof(buf)) < (long)sizeof(buf) &&
            strcmp(buf, name) == 0)
            return v;
    }
    return NULL;
}

/* values_store: o.<key ix> = value (NULL: del) in an instance's values */
static inline int values_store(hd_heap_t *h, hd_obj_t *o, int ix, hd_obj_t *value)
{
    hd_obj_t **values = values_of(o);
    hd_obj_t *old = values[ix];
    if (!value) {
        if (!old)
            return HD_EKEY;
        values[ix] = NULL;
        order_remove(values, ix);
        hd__decref(h, old);
        return 0;
    }
    hd__incref(value);
    values[ix] = value;
    if (old)
        hd__decref(h, old);
    else
        order_add(values, ix);
    return 0;
}

static int managed_setattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    hd_class_meta_t *m = meta_of(h, o);
    hd_preheader_t *pre = HD_PREHEADER(o);
    if (pre->dict)
        return dict_set_cstr(h, pre->dict, name, value);
    int ix = key_index(m, name);
    /* insert_into_dictkeys runs for a deletion too: a failed `del o.x`
     * leaves x in the shared keys, as in 3.11 */
    if (ix < 0 && m->usable > 0 && m->nkeys < HD_SHARED_KEYS_MAX) {
        char *copy = mem_strdup(h, name);
        if (!copy)
            return HD_ENOMEM;
        ix = (int)m->nkeys;
        m->keys[m->nkeys++] = copy;
        m->usable--;
    }
    if (ix < 0) {
        /* keys full: the dict is made even for a deletion, which then fails */
        int rc = materialize(h, o, name, value);
        return rc ? rc : value ? 0 : HD_EKEY;
    }
    return values_store(h, o, ix, value);
}

static int slots_setattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    int ix = slot_index(meta_of(h, o), name);
    if (ix < 0)
        return HD_EKEY;
    hd_obj_t **slots = (hd_obj_t **)(o + 1);
    hd_obj_t *old = slots[ix];
    if (!value && !old)
        return HD_EKEY;
    if (value)
        hd__incref(value);
    slots[ix] = value;
    hd__xdecref(h, old);
    return 0;
}

static int class_setattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    hd_class_obj_t *c = (hd_class_obj_t *)o;
    if (!c->attrs) {
        if (!value)
            return HD_EKEY;
        hd_obj_t *attrs;
        int rc = hd_dict_new(h, 0, NULL, NULL, &attrs);
        if (rc)
            return rc;
        if (c->attrs) { /* a finalizer made one during the allocation */
            hd__decref(h, attrs);
        } else if ((rc = dict_set_cstr(h, attrs, name, value)) != 0) {
            hd__decref(h, attrs); /* a failed first set leaves no dict */
            return rc;
        } else {
            c->attrs = attrs;
            return 0;
        }
    }
    return dict_set_cstr(h, c->attrs, name, value);
}

static int setattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    if (!name || !name[0] || strlen(name) > 255)
        return HD_EINVAL;
    if (o->type == HD_T_CLASS)
        return class_setattr(h, o, name, value);
    if (o->type != HD_T_INSTANCE)
        return HD_ETYPE;
    if (o->flags & HD_OF_MANAGED)
        return managed_setattr(h, o, name, value);
    return slots_setattr(h, o, name, value);
}

/* shared_key: the index of `name` in the shared keys of an instance whose
 * attributes are in its values, or -1 (not such an instance, or not a key
 * yet). A key's name was checked when it went in. */
static inline int shared_key(hd_heap_t *h, hd_obj_t *o, const char *name)
{
    if (o->type != HD_T_INSTANCE || !(o->flags & HD_OF_MANAGED) || HD_PREHEADER(o)->dict ||
        !HD_PREHEADER(o)->values || !name)
        return -1;
    return key_index(meta_of(h, o), name);
}

int hd_obj_setattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    if (!value)
        return HD_EINVAL;
    /* the common case first, without setattr's checks: a name the shared
     * keys hold already (every STORE_ATTR on an instance comes here) */
    int ix = shared_key(h, o, name);
    if (ix >= 0)
        return values_store(h, o, ix, value);
    return setattr(h, o, name, value);
}

int hd_obj_delattr(hd_heap_t *h, hd_obj_t *o, const char *name)
{
    return setattr(h, o, name, NULL);
}

int hd_obj_getattr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t **out)
{
    hd_obj_t *v = NULL;
    if (o->type == HD_T_CLASS) {
        hd_class_obj_t *c = (hd_class_obj_t *)o;
        v = c->attrs ? dict_get_cstr(c->attrs, name) : NULL;
    } else if (o->type != HD_T_INSTANCE) {
        return HD_ETYPE;
    } else if (!(o->flags & HD_OF_MANAGED)) {
        int ix = slot_index(meta_of(h, o), name);
        v = ix < 0 ? NULL : ((hd_obj_t **)(o + 1))[ix];
    } else if (HD_PREHEADER(o)->dict) {
        v = dict_get_cstr(HD_PREHEADER(o)->dict, name);
    } else {
        int ix = key_index(meta_of(h, o), name);
        v = ix < 0 ? NULL : values_of(o)[ix];
    }
    if (!v)
        return HD_EKEY;
    *out = v;
    return 0;
}

bool hd_obj_attr_next(hd_heap_t *h, hd_obj_t *o, int64_t *pos, const char **name, hd_obj_t **value)
{
    if (o->type != HD_T_INSTANCE)
        return false;
    hd_class_meta_t *m = meta_of(h, o);
    if (!(o->flags & HD_OF_MANAGED)) {
        hd_obj_t **slots = (hd_obj_t **)(o + 1);
        for (; *pos < m->nslots; (*pos)++) {
            if (slots[*pos]) {
                *name = m->slot_names[*pos];
                *value = slots[(*pos)++];
                return true;
            }
        }
        return false;
    }
    if (HD_PREHEADER(o)->dict) {
        hd_obj_t *k;
        static const char *unknown = "?";
        if (!hd_dict_next(HD_PREHEADER(o)->dict, pos, &k, value))
            return false;
        *name = unknown; /* callers that need dict keys walk the dict */
        return true;
    }
    hd_obj_t **values = values_of(o);
    uint8_t *p = order_of(values);
    if (*pos >= p[-2])
        return false;
    int ix = p[-3 - *pos];
    (*pos)++;
    *name = m->keys[ix];
    *value = values[ix];
    return true;
}

/* ---- instances: type-table functions ---- */

size_t hd__instance_sizeof_h(const hd_heap_t *h, const hd_obj_t *o)
{
    if (o->flags & HD_OF_MANAGED)
        return sizeof(hd_gc_t) + sizeof(hd_preheader_t) + sizeof(hd_instance_obj_t);
    const hd_class_meta_t *m = h->classes[o->aux]->meta;
    return sizeof(hd_gc_t) + sizeof(hd_obj_t) + 8 * (m->nslots + (m->weakrefable ? 1 : 0));
}

size_t hd__instance_sizeof(const hd_obj_t *o)
{
    (void)o;
    assert(!"instances are measured through hd__instance_sizeof_h");
    return 0;
}

int hd__instance_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    (void)o, (void)visit, (void)arg;
    assert(!"instances are traversed through hd__traverse");
    return 0;
}

void hd__instance_clear(hd_heap_t *h, hd_obj_t *o)
{
    hd__instance_clear_m(h, o, meta_of(h, o));
}

/* run_finalizer: PyObject_CallFinalizerFromDealloc. Returns true when the
 * finalizer resurrected the object. */
static bool run_finalizer(hd_heap_t *h, hd_obj_t *o)
{
    if (!hd_obj_has_del(h, o) || hd__gc_finalized(o))
        return false;
    hd__gc_track(h, o);
    o->refcnt = 1;
    if (h->hooks.finalizer)
        h->hooks.finalizer(h, o, h->hooks.ctx);
    hd__gc_set_finalized(o); /* after, as PyObject_CallFinalizer: __del__ sees False */
    if (--o->refcnt != 0) {
        if (h->hooks.resurrected)
            h->hooks.resurrected(h, o, h->hooks.ctx);
        return true;
    }
    hd__gc_untrack(h, o);
    return false;
}

static inline __attribute__((always_inline)) void instance_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    if (HD_LIKELY(hd__gc_is_tracked(o)))
        hd__gc_untrack(h, o);
    hd_class_obj_t *cls = hd__class_of(h, o);
    hd_class_meta_t *m = cls->meta;
    if (HD_UNLIKELY(m->has_del || (o->flags & HD_OF_DEL)) && run_finalizer(h, o))
        return;
    /* the layout (HD_OF_MANAGED) never changes: one test picks the path */
    if (HD_LIKELY(o->flags & HD_OF_MANAGED)) {
        /* a managed-dict class is always weakrefable (meta_new) */
        assert(m->weakrefable);
        if (((hd_instance_obj_t *)o)->weakreflist)
            hd__weakref_clear_all(h, o);
        hd__instance_clear_managed(h, o, m);
        hd__obj_free_managed(h, o, values_of(o));
    } else {
        if (m->weakrefable && *hd__instance_weakref_slot_m(o, m))
            hd__weakref_clear_all(h, o);
        hd__instance_clear_slots(h, o, m);
        hd__obj_free_block(h, o);
    }
    hd__decref(h, &cls->h);
}

void hd__instance_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    instance_dealloc(h, o);
}

/* hd__instance_dealloc_nested: hd__dealloc's common case, in one call:
 * the instance's deallocation inside the trashcan's bracket. */
void hd__instance_dealloc_nested(hd_heap_t *h, hd_obj_t *o)
{
    h->delete_nesting++;
    instance_dealloc(h, o);
    if (--h->delete_nesting == 0 && h->delete_later)
        hd__destroy_chain(h);
}

/* hd__instance_weakref_slot: where an instance keeps its weakref list. */
hd_weakref_obj_t **hd__instance_weakref_slot(hd_heap_t *h, hd_obj_t *o)
{
    hd_class_meta_t *m = meta_of(h, o);
    return m->weakrefable ? hd__instance_weakref_slot_m(o, m) : NULL;
}
