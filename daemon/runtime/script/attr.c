/*
 * attr.c: attributes (LOAD_ATTR, LOAD_METHOD, STORE_ATTR, DELETE_ATTR)
 * and class creation (__build_class__), as CPython 3.11 does them.
 *
 * Instances: the class's data descriptors first (slots, __dict__,
 * __weakref__), then the instance's own attributes, then the class's
 * attributes, a function there becoming a bound method (a new object for
 * LOAD_ATTR; none for LOAD_METHOD, which leaves (function, self) on the
 * stack). Builtin objects' methods are shared method descriptors
 * (builtins_list.h); reading one as an attribute makes a bound builtin
 * method.
 *
 * Classes keep their attributes in the runtime's class dict (a copy of the
 * class body's namespace, as type_new copies it, with the __dict__ /
 * __weakref__ or slot descriptors, which hold the class), and the type
 * slots in the class object as CPython does: tp_mro (which holds the class:
 * a class is a cycle, collectable like CPython's), tp_bases, tp_base,
 * tp_subclasses and ht_slots. Class creation allocates what type_new
 * allocates, transient objects included, so that the generation-0 count
 * moves as python3's does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "vm.h"

/* ---- class attribute lookup ---- */

static hd_obj_t *attrs_of(hd_obj_t *cls)
{
    return ((hd_class_obj_t *)cls)->attrs;
}

/* str_is: whether the str k is `name` (n bytes) */
static bool str_is(hd_obj_t *k, const char *name, size_t n)
{
    if (k->type != HD_T_STR || hd_len(k) > (int64_t)n)
        return false;
    const hd_str_obj_t *so = (const hd_str_obj_t *)k;
    if (so->state & HD_STR_ASCII)
        return hd_len(k) == (int64_t)n && memcmp(hd__str_data(k), name, n) == 0;
    char buf[256];
    return (size_t)hd_str_utf8(k, buf, sizeof(buf)) == n && memcmp(buf, name, n) == 0;
}

static hd_obj_t *dict_cstr(hd_obj_t *d, const char *name)
{
    if (!d)
        return NULL;
    int64_t pos = 0;
    hd_obj_t *k, *v;
    size_t n = strlen(name);
    while (hd_dict_next(d, &pos, &k, &v))
        if (str_is(k, name, n))
            return v;
    return NULL;
}

/* ---- the attribute cache ---- */

void sc_classes_changed(sc_vm_t *vm)
{
    vm->st->class_gen++;
}

static sc_acache_t *cache_slot(sc_vm_t *vm, const hd_obj_t *cls, const char *name)
{
    uint64_t x = (uint64_t)(uintptr_t)cls >> 4;
    for (const char *p = name; *p; p++)
        x = (x ^ (uint8_t)*p) * 0x100000001b3ull;
    return &vm->st->acache[(x ^ (x >> 29)) & (SC_ACACHE_SIZE - 1)];
}

static bool cache_get(sc_vm_t *vm, const hd_obj_t *cls, const char *name, hd_obj_t **out)
{
    sc_acache_t *e = cache_slot(vm, cls, name);
    if (e->cls != cls || e->gen != vm->st->class_gen || strcmp(e->name, name) != 0)
        return false;
    *out = e->value;
    return true;
}

static void cache_put(sc_vm_t *vm, const hd_obj_t *cls, const char *name, hd_obj_t *value)
{
    if (strlen(name) >= SC_ACACHE_NAME)
        return;
    sc_acache_t *e = cache_slot(vm, cls, name);
    e->cls = cls;
    e->gen = vm->st->class_gen;
    e->value = value;
    strcpy(e->name, name);
}

/* mro_of: the class's MRO tuple (tp_mro), or NULL (a class made by
 * obj.new, or one a collection cleared) */
static hd_obj_t *mro_of(sc_vm_t *vm, hd_obj_t *cls)
{
    (void)vm;
    hd_obj_t *m = ((hd_class_obj_t *)cls)->mro;
    return m && m->type == HD_T_TUPLE ? m : NULL;
}

hd_obj_t *sc_class_mro(hd_obj_t *cls)
{
    return cls && cls->type == HD_T_CLASS ? mro_of(NULL, cls) : NULL;
}

static hd_obj_t *class_lookup_slow(sc_vm_t *vm, hd_obj_t *cls, const char *name)
{
    hd_obj_t *mro = mro_of(vm, cls);
    if (!mro)
        return dict_cstr(attrs_of(cls), name);
    hd_tuple_obj_t *t = (hd_tuple_obj_t *)mro;
    for (int64_t i = 0; i < t->size; i++) {
        hd_obj_t *c = t->items[i];
        if (c->type != HD_T_CLASS)
            continue;
        hd_obj_t *v = dict_cstr(attrs_of(c), name);
        if (v)
            return v;
    }
    return NULL;
}

/* mark_typedicts: the dicts of the class's MRO, whose lookups are about to
 * be cached, drop the caches when they change even not through a class
 * (HD_OF_TYPEDICT: a dict from gc.get_referents) */
static void mark_typedicts(hd_obj_t *cls)
{
    hd_obj_t *mro = mro_of(NULL, cls), *one[1] = {cls};
    hd_obj_t *const *items = mro ? ((hd_tuple_obj_t *)mro)->items : one;
    int64_t n = mro ? hd_len(mro) : 1;
    for (int64_t i = 0; i < n; i++)
        if (items[i]->type == HD_T_CLASS && attrs_of(items[i]))
            attrs_of(items[i])->flags |= HD_OF_TYPEDICT;
}

hd_obj_t *sc_class_lookup(sc_vm_t *vm, hd_obj_t *cls, const char *name)
{
    if (!cls || cls->type != HD_T_CLASS)
        return NULL;
    hd_obj_t *v;
    if (cache_get(vm, cls, name, &v))
        return v;
    mark_typedicts(cls);
    v = class_lookup_slow(vm, cls, name);
    cache_put(vm, cls, name, v);
    return v;
}

/* sc_class_lookup_str: the same with a str name */
int sc_class_lookup_str(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t *name, hd_obj_t **out)
{
    if (((hd_str_obj_t *)name)->state & HD_STR_ASCII && hd_len(name) < SC_ACACHE_NAME) {
        char buf[SC_ACACHE_NAME];
        memcpy(buf, hd__str_data(name), (size_t)hd_len(name));
        buf[hd_len(name)] = 0;
        if (strlen(buf) == (size_t)hd_len(name)) {
            *out = sc_class_lookup(vm, cls, buf);
            return 0;
        }
    }
    hd_obj_t *mro = mro_of(vm, cls);
    hd_obj_t *one[1] = {cls};
    hd_obj_t **items = one;
    int64_t n = 1;
    if (mro) {
        items = ((hd_tuple_obj_t *)mro)->items;
        n = ((hd_tuple_obj_t *)mro)->size;
    }
    for (int64_t i = 0; i < n; i++) {
        if (items[i]->type != HD_T_CLASS || !attrs_of(items[i]))
            continue;
        int rc = hd_dict_getitem(vm->h, attrs_of(items[i]), name, out);
        if (rc == 0)
            return 0;
        if (rc != HD_EKEY)
            return sc_nomem(vm, rc);
    }
    *out = NULL;
    return 0;
}

static int class_attr(sc_vm_t *vm, hd_obj_t *cls, const char *name, hd_obj_t *name_obj,
                      hd_obj_t **out)
{
    if (name_obj)
        return sc_class_lookup_str(vm, cls, name_obj, out);
    *out = sc_class_lookup(vm, cls, name);
    return 0;
}

bool sc_isinstance(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *cls)
{
    hd_obj_t *t = sc_type_of(vm, o);
    if (t == cls)
        return true;
    if (cls->type == HD_T_BUILTIN) {
        hd_builtin_obj_t *b = (hd_builtin_obj_t *)cls;
        if (b->index == SC_BI_T_OBJECT)
            return true;
        if (b->index == SC_BI_T_INT && o->type == HD_T_BOOL)
            return true;
        return false;
    }
    if (t->type != HD_T_CLASS)
        return false;
    hd_obj_t *mro = mro_of(vm, t);
    if (!mro)
        return false;
    hd_tuple_obj_t *m = (hd_tuple_obj_t *)mro;
    for (int64_t i = 0; i < m->size; i++)
        if (m->items[i] == cls)
            return true;
    return false;
}

/* ---- errors ---- */

static int no_attr(sc_vm_t *vm, hd_obj_t *o, const char *name)
{
    if (o->type == HD_T_CLASS)
        return sc_raise(vm, EXC_ATTRIBUTEERROR, "type object '%s' has no attribute '%s'",
                        hd_class_name(o), name);
    if (o->type == HD_T_BUILTIN) {
        hd_builtin_obj_t *b = (hd_builtin_obj_t *)o;
        if (b->kind == HD_BUILTIN_MODULE)
            return sc_raise(vm, EXC_ATTRIBUTEERROR, "module '%s' has no attribute '%s'", b->name,
                            name);
        if (b->kind == HD_BUILTIN_TYPE)
            return sc_raise(vm, EXC_ATTRIBUTEERROR, "type object '%s' has no attribute '%s'",
                            b->name, name);
    }
    return sc_raise(vm, EXC_ATTRIBUTEERROR, "'%s' object has no attribute '%s'", sc_tname(vm, o),
                    name);
}

static int newref(hd_obj_t *v, hd_obj_t **out)
{
    hd__incref(v);
    *out = v;
    return 0;
}

/* new_str: a str for a name; CPython's identifiers (_Py_ID) are static */
static int new_str(sc_vm_t *vm, const char *s, hd_obj_t **out)
{
    hd_obj_t *st = sc_static_str(vm, s);
    if (st) {
        hd__incref(st);
        *out = st;
        return 0;
    }
    return sc_str_new(vm, s, strlen(s), out);
}

/* ---- instances ---- */

static int weakref_attr(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    hd_weakref_obj_t **list = hd__weakref_list(vm->h, o);
    hd_weakref_obj_t *head = list ? *list : NULL;
    if (head && !head->callback && !(head->h.flags & HD_OF_WR_NOTIFY))
        return newref(&head->h, out);
    return newref(vm->h->none, out);
}

/* instance_dict: PyObject_GenericGetDict: the instance's dict, made (split,
 * from its values) on first use */
static int instance_dict(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out)
{
    int rc = hd__instance_get_dict(vm->h, o, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* data_descr: a slot or getset descriptor of the class, applied */
static int data_descr(sc_vm_t *vm, hd_obj_t *o, hd_obj_t *descr, const char *name, hd_obj_t **out)
{
    hd_descr_obj_t *d = (hd_descr_obj_t *)descr;
    if (descr->aux == HD_DESCR_MEMBER) {
        hd_obj_t *v;
        if (hd_obj_getattr(vm->h, o, name, &v) == 0)
            return newref(v, out);
        return no_attr(vm, o, name);
    }
    (void)d;
    if (strcmp(name, "__weakref__") == 0)
        return weakref_attr(vm, o, out);
    return instance_dict(vm, o, out);
}

static int instance_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                            hd_obj_t **out, bool method)
{
    hd_obj_t *cls = hd_obj_class(vm->h, o), *descr, *v;
    if (name[0] == '_' && strcmp(name, "__class__") == 0)
        return newref(cls, out);
    if (class_attr(vm, cls, name, name_obj, &descr))
        return -1;
    if (descr && descr->type == HD_T_DESCR)
        return data_descr(vm, o, descr, name, out);
    /* without a __dict__, a class attribute that replaced a slot's member
     * descriptor hides the slot (the support classes, which have no
     * descriptors, read theirs directly) */
    if (((o->flags & HD_OF_MANAGED) || !descr) && hd_obj_getattr(vm->h, o, name, &v) == 0)
        return newref(v, out);
    if (descr && descr->type == HD_T_FUNCTION) {
        if (method) {
            newref(descr, out);
            return 1;
        }
        int rc = hd__method_new(vm->h, descr, o, out);
        return rc ? sc_nomem(vm, rc) : 0;
    }
    if (descr)
        return newref(descr, out);
    if (strcmp(name, "__dict__") == 0 && (o->flags & HD_OF_MANAGED))
        return instance_dict(vm, o, out);
    int r = sc_special_getattr(vm, o, name, method, out);
    return r != 2 ? r : no_attr(vm, o, name);
}

/* ---- classes ---- */

/* class_dict_proxy: PyDictProxy_New(tp_dict) (a class made by obj.new gets
 * its dict now: CPython's always has one) */
static int class_dict_proxy(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t **out)
{
    hd_class_obj_t *c = (hd_class_obj_t *)cls;
    int rc = 0;
    if (!c->attrs && !(rc = hd_dict_new(vm->h, 0, NULL, NULL, &c->attrs)))
        sc_classes_changed(vm); /* cached misses read no dict */
    if (!rc)
        rc = hd__dictview_new(vm->h, c->attrs, HD_DICT_PROXY, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* mappingproxy's methods: the mapping's, called on it (mappingproxy_get,
 * _keys, _values, _items, _copy); -1 for any other name */
static int proxy_method(sc_vm_t *vm, const char *name)
{
    int m = sc_builtin_lookup(vm, BM_TYPE_METHOD, HD_T_DICT, name);
    return m == SC_BI_D_GET || m == SC_BI_D_KEYS || m == SC_BI_D_VALUES || m == SC_BI_D_ITEMS ||
                   m == SC_BI_D_COPY
               ? m
               : -1;
}

hd_obj_t *sc_proxy_mapping(hd_obj_t *o)
{
    return o->type == HD_T_DICTVIEW && o->aux == HD_DICT_PROXY ? ((hd_dictview_obj_t *)o)->dict : o;
}

hd_obj_t *sc_proxy_self(hd_obj_t *self, int index)
{
    return index == SC_BI_D_GET || index == SC_BI_D_KEYS || index == SC_BI_D_VALUES ||
                   index == SC_BI_D_ITEMS || index == SC_BI_D_COPY
               ? sc_proxy_mapping(self)
               : self;
}

/* proxy_getattr: a bound method of the mapping (the method is looked up
 * on the proxy; LOAD_METHOD takes sc_getmethod's way, which binds none) */
static int proxy_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t **out)
{
    int m = proxy_method(vm, name);
    if (m < 0)
        return 2;
    hd_obj_t *d = sc_builtin(vm, m);
    if (!d)
        return sc_nomem(vm, HD_ENOMEM);
    int rc = hd__cmethod_new(vm->h, d, ((hd_dictview_obj_t *)o)->dict, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

static int class_getattr(sc_vm_t *vm, hd_obj_t *cls, const char *name, hd_obj_t *name_obj,
                         hd_obj_t **out)
{
    hd_obj_t *v;
    if (name[0] == '_' && name[1] == '_') {
        if (strcmp(name, "__name__") == 0 || strcmp(name, "__qualname__") == 0)
            return new_str(vm, hd_class_name(cls), out);
        if (strcmp(name, "__class__") == 0)
            return newref(sc_builtin(vm, SC_BI_T_TYPE), out);
        /* type's members and getsets: tp_mro, tp_bases, tp_base (None
         * when unset, as a T_OBJECT member reads) */
        hd_class_obj_t *c = (hd_class_obj_t *)cls;
        if (strcmp(name, "__mro__") == 0)
            return newref(c->mro ? c->mro : vm->h->none, out);
        if (strcmp(name, "__bases__") == 0)
            return newref(c->bases ? c->bases : vm->h->none, out);
        if (strcmp(name, "__base__") == 0)
            return newref(c->base ? c->base : vm->h->none, out);
        if (strcmp(name, "__dict__") == 0) /* type_dict: a new mappingproxy */
            return class_dict_proxy(vm, cls, out);
    }
    if (class_attr(vm, cls, name, name_obj, &v))
        return -1;
    if (v)
        return newref(v, out);
    if (strcmp(name, "__subclasses__") == 0) { /* type's method, bound to the class */
        hd_obj_t *d = sc_builtin(vm, SC_BI_TYPE_SUBCLASSES);
        int rc = d ? hd__cmethod_new(vm->h, d, cls, out) : HD_ENOMEM;
        return rc ? sc_nomem(vm, rc) : 0;
    }
    return no_attr(vm, cls, name);
}

/* type.__subclasses__: _PyType_GetSubclasses: a list of the live classes
 * in tp_subclasses, appended one by one */
int ty_subclasses(sc_vm_t *vm, hd_obj_t *self, hd_obj_t *const *args, int nargs, hd_obj_t *kwnames,
                  hd_obj_t **out)
{
    (void)args;
    /* METH_NOARGS names a method bound to a type by the type's qualname */
    char fname[HD_CLASS_NAME_MAX + 32];
    snprintf(fname, sizeof(fname), "%s.__subclasses__",
             self->type == HD_T_CLASS ? hd_class_name(self) : "type");
    if (sc_no_kwargs(vm, fname, kwnames))
        return -1;
    if (nargs)
        return sc_raise(vm, EXC_TYPEERROR, "%s() takes no arguments (%d given)", fname, nargs);
    hd_obj_t *d = self->type == HD_T_CLASS ? ((hd_class_obj_t *)self)->subclasses : NULL;
    hd_obj_t *list = NULL;
    int rc = hd_list_new(vm->h, 0, NULL, &list);
    int64_t pos = 0;
    hd_obj_t *k, *wr, *sub;
    while (!rc && d && hd_dict_next(d, &pos, &k, &wr))
        if (wr->type == HD_T_WEAKREF && (sub = hd_weakref_get(wr)))
            rc = hd_list_append(vm->h, list, sub);
    if (rc) {
        if (list)
            hd__decref(vm->h, list);
        return sc_nomem(vm, rc);
    }
    *out = list;
    return 0;
}

/* ---- functions, methods, weakrefs ---- */

static int func_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t **out)
{
    hd_func_obj_t *f = (hd_func_obj_t *)o;
    hd_obj_t *none = vm->h->none;
    if (strcmp(name, "__name__") == 0)
        return newref(f->name, out);
    if (strcmp(name, "__qualname__") == 0)
        return newref(f->qualname, out);
    if (strcmp(name, "__module__") == 0)
        return newref(f->module ? f->module : none, out);
    if (strcmp(name, "__doc__") == 0)
        return newref(f->doc ? f->doc : none, out);
    if (strcmp(name, "__defaults__") == 0)
        return newref(f->defaults ? f->defaults : none, out);
    if (strcmp(name, "__closure__") == 0)
        return newref(f->closure ? f->closure : none, out);
    if (strcmp(name, "__code__") == 0)
        return newref(f->code, out);
    if (strcmp(name, "__dict__") == 0) {
        if (!f->dict) {
            int rc = hd_dict_new(vm->h, 0, NULL, NULL, &f->dict);
            if (rc)
                return sc_nomem(vm, rc);
        }
        return newref(f->dict, out);
    }
    hd_obj_t *v = dict_cstr(f->dict, name);
    if (v)
        return newref(v, out);
    return no_attr(vm, o, name);
}

static int other_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t **out)
{
    switch (o->type) {
    case HD_T_DICTVIEW:
        if (o->aux == HD_DICT_PROXY) {
            int r = proxy_getattr(vm, o, name, out);
            if (r != 2)
                return r;
        }
        break;
    case HD_T_METHOD: {
        hd_method_obj_t *m = (hd_method_obj_t *)o;
        if (strcmp(name, "__self__") == 0)
            return newref(m->self, out);
        if (strcmp(name, "__func__") == 0)
            return newref(m->func, out);
        return sc_getattr(vm, m->func, name, NULL, out);
    }
    case HD_T_WEAKREF:
        if (strcmp(name, "__callback__") == 0) {
            hd_obj_t *cb = ((hd_weakref_obj_t *)o)->callback;
            return newref(cb ? cb : vm->h->none, out);
        }
        break;
    case HD_T_CELL:
        if (strcmp(name, "cell_contents") == 0) {
            hd_obj_t *v = ((hd_cell_obj_t *)o)->ref;
            if (!v)
                return sc_raise(vm, EXC_VALUEERROR, "Cell is empty");
            return newref(v, out);
        }
        break;
    case HD_T_CODE:
        if (strcmp(name, "co_name") == 0)
            return newref(((sc_code_t *)o)->co_name, out);
        break;
    case HD_T_SLICE: {
        hd_slice_obj_t *s = (hd_slice_obj_t *)o;
        if (strcmp(name, "start") == 0)
            return newref(s->start, out);
        if (strcmp(name, "stop") == 0)
            return newref(s->stop, out);
        if (strcmp(name, "step") == 0)
            return newref(s->step, out);
        break;
    }
    case HD_T_RANGE: {
        hd_range_obj_t *r = (hd_range_obj_t *)o;
        if (strcmp(name, "start") == 0)
            return sc_int_new(vm, r->start, out);
        if (strcmp(name, "stop") == 0)
            return sc_int_new(vm, r->stop, out);
        if (strcmp(name, "step") == 0)
            return sc_int_new(vm, r->step, out);
        break;
    }
    case HD_T_BUILTIN: {
        hd_builtin_obj_t *b = (hd_builtin_obj_t *)o;
        if (b->kind == HD_BUILTIN_MODULE)
            return sc_module_getattr(vm, o, name, out);
        if (strcmp(name, "__name__") == 0) {
            /* a type with a qualified name (weakref.ReferenceType, bound as
             * weakref.ref too) is named by its last part */
            const char *dot =
                b->kind == HD_BUILTIN_TYPE && b->owner ? strrchr(b->owner, '.') : NULL;
            return new_str(vm, dot ? dot + 1 : b->name, out);
        }
        if (b->kind == HD_BUILTIN_TYPE) {
            int m =
                sc_builtin_lookup(vm, BM_TYPE_METHOD, sc_builtin_defs[b->index].owner_type, name);
            if (m >= 0) {
                hd_obj_t *d = sc_builtin(vm, m);
                return d ? newref(d, out) : sc_nomem(vm, HD_ENOMEM);
            }
        }
        break;
    }
    }
    /* a builtin type's method, bound to the object */
    int m = sc_builtin_lookup(vm, BM_TYPE_METHOD, o->type, name);
    if (m >= 0) {
        hd_obj_t *d = sc_builtin(vm, m);
        if (!d)
            return sc_nomem(vm, HD_ENOMEM);
        int rc = hd__cmethod_new(vm->h, d, o, out);
        return rc ? sc_nomem(vm, rc) : 0;
    }
    if (strcmp(name, "__class__") == 0)
        return newref(sc_type_of(vm, o), out);
    return no_attr(vm, o, name);
}

static int getattr_of(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                      hd_obj_t **out)
{
    switch (o->type) {
    case HD_T_INSTANCE:
        return instance_getattr(vm, o, name, name_obj, out, false);
    case HD_T_CLASS:
        return class_getattr(vm, o, name, name_obj, out);
    case HD_T_FUNCTION:
        return func_getattr(vm, o, name, out);
    }
    return other_getattr(vm, o, name, out);
}

/* failed: an AttributeError of a lookup remembers the object and name for
 * its "Did you mean" (set_attribute_error_context) */
static int failed(sc_vm_t *vm, hd_obj_t *o, const char *name, int rc)
{
    if (rc < 0 && vm->exc == EXC_ATTRIBUTEERROR && !vm->hint_obj)
        sc_hint_attr(vm, o, name);
    return rc;
}

/* the inline caches of LOAD_ATTR, STORE_ATTR and LOAD_METHOD on instances:
 * what the instance's class has under the name (valid for one class and one
 * class generation). With nothing there, the instance's own attributes
 * decide at once; a function there is a method unless the instance has its
 * own attribute of that name. */
static bool cache_hit(sc_vm_t *vm, const sc_cache_t *c, hd_obj_t *cls, hd_obj_t **v)
{
    if (c->key != (uint64_t)(uintptr_t)cls || c->aux != vm->st->class_gen)
        return false;
    *v = (hd_obj_t *)(uintptr_t)c->value;
    return true;
}

static void cache_fill(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *cls, const char *name)
{
    c->key = (uint64_t)(uintptr_t)cls;
    c->aux = vm->st->class_gen;
    c->value = (uint64_t)(uintptr_t)sc_class_lookup(vm, cls, name);
}

int sc_getattr_cached(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                      hd_obj_t **out)
{
    if (o->type == HD_T_INSTANCE) {
        hd_obj_t *cls = hd_obj_class(vm->h, o), *descr, *v;
        if (cache_hit(vm, c, cls, &descr)) {
            if ((!descr || (descr->type != HD_T_DESCR && (o->flags & HD_OF_MANAGED))) &&
                hd_obj_getattr(vm->h, o, name, &v) == 0)
                return newref(v, out);
        } else {
            cache_fill(vm, c, cls, name);
        }
    }
    return sc_getattr(vm, o, name, name_obj, out);
}

/* store_attr: an instance attribute; a made __dict__ takes the code's name
 * str itself as its key (as CPython's does), not a new str */
static int store_attr(hd_heap_t *h, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                      hd_obj_t *value)
{
    hd_obj_t *dict = (o->flags & HD_OF_MANAGED) ? HD_PREHEADER(o)->dict : NULL;
    if (dict && name_obj && name_obj->type == HD_T_STR)
        return value ? hd_dict_setitem(h, dict, name_obj, value)
                     : hd_dict_delitem(h, dict, name_obj);
    return value ? hd_obj_setattr(h, o, name, value) : hd_obj_delattr(h, o, name);
}

int sc_setattr_cached(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *o, const char *name, hd_obj_t *name_obj,
                      hd_obj_t *value)
{
    if (o->type == HD_T_INSTANCE) {
        hd_obj_t *cls = hd_obj_class(vm->h, o), *descr;
        if (cache_hit(vm, c, cls, &descr)) {
            if (!descr && store_attr(vm->h, o, name, name_obj, value) == 0)
                return 0;
        } else {
            cache_fill(vm, c, cls, name);
        }
    }
    return sc_setattr(vm, o, name, name_obj, value);
}

int sc_getmethod_cached(sc_vm_t *vm, sc_cache_t *c, hd_obj_t *o, const char *name,
                        hd_obj_t *name_obj, hd_obj_t **meth)
{
    if (o->type == HD_T_INSTANCE) {
        hd_obj_t *cls = hd_obj_class(vm->h, o), *descr, *v;
        if (cache_hit(vm, c, cls, &descr)) {
            if (descr && descr->type == HD_T_FUNCTION && hd_obj_getattr(vm->h, o, name, &v) != 0) {
                newref(descr, meth);
                return 1;
            }
        } else {
            cache_fill(vm, c, cls, name);
        }
    }
    return sc_getmethod(vm, o, name, name_obj, meth);
}

int sc_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj, hd_obj_t **out)
{
    return failed(vm, o, name, getattr_of(vm, o, name, name_obj, out));
}

int sc_getmethod(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj, hd_obj_t **meth)
{
    if (o->type == HD_T_INSTANCE)
        return failed(vm, o, name, instance_getattr(vm, o, name, name_obj, meth, true));
    if (o->type == HD_T_DICTVIEW && o->aux == HD_DICT_PROXY && proxy_method(vm, name) >= 0) {
        hd_obj_t *d = sc_builtin(vm, proxy_method(vm, name));
        if (!d)
            return sc_nomem(vm, HD_ENOMEM);
        newref(d, meth); /* sc_call_op calls it on the mapping */
        return 1;
    }
    if (o->type < HD_T_CODE && o->type != HD_T_CLASS && o->type != HD_T_WEAKREF) {
        int m = sc_builtin_lookup(vm, BM_TYPE_METHOD, o->type, name);
        if (m >= 0) {
            hd_obj_t *d = sc_builtin(vm, m);
            if (!d)
                return sc_nomem(vm, HD_ENOMEM);
            newref(d, meth);
            return 1;
        }
    }
    return sc_getattr(vm, o, name, name_obj, meth);
}

/* ---- setting ---- */

/* update_has_del: setting or deleting a class's __del__ changes its
 * subclasses' finalizer too (CPython's update_slot for tp_finalize walks
 * tp_subclasses), so every class looks its __del__ up again. */
static void update_has_del(sc_vm_t *vm)
{
    hd_heap_t *h = vm->h;
    for (uint32_t i = 0; i < h->nclasses; i++) {
        hd_class_obj_t *c = h->classes[i];
        if (c)
            c->meta->has_del = sc_class_lookup(vm, (hd_obj_t *)c, "__del__") != NULL;
    }
}

/* type_attr_set: type's own data descriptors refuse as type_setattro
 * makes them (__bases__ assignment, type_set_bases, is not modelled); 1
 * for any other name */
static int type_attr_set(sc_vm_t *vm, hd_obj_t *cls, const char *name, bool del)
{
    if (name[0] != '_' || name[1] != '_')
        return 1;
    if (strcmp(name, "__mro__") == 0 || strcmp(name, "__base__") == 0)
        return sc_raise(vm, EXC_ATTRIBUTEERROR, "readonly attribute");
    if (strcmp(name, "__dict__") == 0)
        return sc_raise(vm, EXC_ATTRIBUTEERROR,
                        "attribute '__dict__' of 'type' objects is not writable");
    if (strcmp(name, "__bases__") == 0 && del)
        return sc_raise(vm, EXC_TYPEERROR,
                        "cannot delete '__bases__' attribute of immutable type '%s'",
                        hd_class_name(cls));
    if (strcmp(name, "__bases__") == 0)
        return sc_raise(vm, EXC_TYPEERROR,
                        "assigning __bases__ is not supported by the heap script language");
    return 1;
}

static int class_setattr(sc_vm_t *vm, hd_obj_t *cls, const char *name, hd_obj_t *name_obj,
                         hd_obj_t *value)
{
    hd_class_obj_t *c = (hd_class_obj_t *)cls;
    int r = type_attr_set(vm, cls, name, value == NULL);
    if (r <= 0)
        return r;
    hd_obj_t *key = name_obj;
    int rc = 0;
    sc_classes_changed(vm);
    if (!key && (rc = new_str(vm, name, &key)))
        return -1;
    if (!c->attrs && value)
        rc = hd_dict_new(vm->h, 0, NULL, NULL, &c->attrs);
    if (!rc) {
        if (value)
            rc = hd_dict_setitem(vm->h, c->attrs, key, value);
        else
            rc = c->attrs ? hd_dict_delitem(vm->h, c->attrs, key) : HD_EKEY;
    }
    if (key != name_obj)
        hd__decref(vm->h, key);
    if (rc == HD_EKEY)
        return no_attr(vm, cls, name);
    if (rc)
        return sc_nomem(vm, rc);
    if (strcmp(name, "__del__") == 0)
        update_has_del(vm);
    return 0;
}

static int func_setattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *value)
{
    hd_func_obj_t *f = (hd_func_obj_t *)o;
    if (name[0] == '_' && name[1] == '_')
        return sc_raise(vm, EXC_ATTRIBUTEERROR,
                        "setting '%s' of a function is not supported by the heap script language",
                        name);
    int rc = 0;
    if (!f->dict && (rc = hd_dict_new(vm->h, 0, NULL, NULL, &f->dict)))
        return sc_nomem(vm, rc);
    hd_obj_t *key;
    if (new_str(vm, name, &key))
        return -1;
    rc = value ? hd_dict_setitem(vm->h, f->dict, key, value) : hd_dict_delitem(vm->h, f->dict, key);
    hd__decref(vm->h, key);
    if (rc == HD_EKEY)
        return no_attr(vm, o, name);
    return rc ? sc_nomem(vm, rc) : 0;
}

int sc_setattr(sc_vm_t *vm, hd_obj_t *o, const char *name, hd_obj_t *name_obj, hd_obj_t *value)
{
    if (o->type == HD_T_CLASS)
        return class_setattr(vm, o, name, name_obj, value);
    if (o->type == HD_T_FUNCTION)
        return func_setattr(vm, o, name, value);
    if (o->type != HD_T_INSTANCE) {
        if (o->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)o)->kind == HD_BUILTIN_TYPE)
            return sc_raise(vm, EXC_TYPEERROR, "cannot set '%s' attribute of immutable type '%s'",
                            name, ((hd_builtin_obj_t *)o)->name);
        hd_obj_t *probe;
        if (other_getattr(vm, o, name, &probe) == 0) {
            hd__decref(vm->h, probe);
            return sc_raise(vm, EXC_ATTRIBUTEERROR, "'%s' object attribute '%s' is read-only",
                            sc_tname(vm, o), name);
        }
        sc_clear_exc(vm);
        return no_attr(vm, o, name);
    }
    hd_obj_t *descr;
    if (class_attr(vm, hd_obj_class(vm->h, o), name, name_obj, &descr))
        return -1;
    if (descr && descr->type == HD_T_DESCR && descr->aux != HD_DESCR_MEMBER)
        return sc_raise(vm, EXC_ATTRIBUTEERROR,
                        "setting '%s' is not supported by the heap script language", name);
    /* no __dict__: a class attribute that replaced a slot's member
     * descriptor makes the name read-only */
    if (!(o->flags & HD_OF_MANAGED) && descr && descr->type != HD_T_DESCR)
        return sc_raise(vm, EXC_ATTRIBUTEERROR, "'%s' object attribute '%s' is read-only",
                        hd_obj_type_name(vm->h, o), name);
    int rc = store_attr(vm->h, o, name, name_obj, value);
    if (rc == HD_EKEY || rc == HD_EINVAL)
        return no_attr(vm, o, name);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* ---- class creation ---- */

typedef struct class_plan {
    bool use_slots, weakref_slot, dict_slot, inherits_dict;
    const char *slots[64];
    size_t nslots;
    char *store; /* owned: slot name text */
} class_plan_t;

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* read_slots: __slots__ from the namespace (a str, tuple or list of str) */
static int read_slots(sc_vm_t *vm, hd_obj_t *ns, class_plan_t *p)
{
    hd_obj_t *s = dict_cstr(ns, "__slots__");
    if (!s)
        return 0;
    p->use_slots = true;
    hd_obj_t *one[1] = {s}, **items = one;
    int64_t n = 1;
    if (s->type == HD_T_TUPLE || s->type == HD_T_LIST) {
        hd_seq_getitem(s, 0, &one[0]);
        n = hd_len(s);
        items = s->type == HD_T_TUPLE ? ((hd_tuple_obj_t *)s)->items : ((hd_list_obj_t *)s)->items;
    } else if (s->type != HD_T_STR) {
        return sc_raise(vm, EXC_TYPEERROR, "__slots__ items must be strings, not '%s'",
                        sc_tname(vm, s));
    }
    if (n > 64)
        return sc_raise(vm, EXC_TYPEERROR, "too many __slots__ for the heap script language");
    size_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        if (items[i]->type != HD_T_STR)
            return sc_raise(vm, EXC_TYPEERROR, "__slots__ items must be strings, not '%s'",
                            sc_tname(vm, items[i]));
        total += (size_t)hd_str_utf8(items[i], NULL, 0) + 1;
    }
    if (!(p->store = hd_mem_malloc(vm->h->mem, total + 1)))
        return sc_nomem(vm, HD_ENOMEM);
    char *w = p->store;
    for (int64_t i = 0; i < n; i++) {
        long len = hd_str_utf8(items[i], w, total + 1 - (size_t)(w - p->store));
        if (strcmp(w, "__weakref__") == 0)
            p->weakref_slot = true;
        else if (strcmp(w, "__dict__") == 0)
            p->dict_slot = true;
        p->slots[p->nslots++] = w;
        w += len + 1;
    }
    /* type_new sorts the slot names (they become member offsets in order) */
    qsort(p->slots, p->nslots, sizeof(char *), cmp_cstr);
    if (p->dict_slot)
        return sc_raise(vm, EXC_TYPEERROR,
                        "'__dict__' in __slots__ is not supported by the heap script language");
    return 0;
}

static bool has_del(sc_vm_t *vm, hd_obj_t *ns, hd_obj_t *const *bases, int nbases)
{
    if (dict_cstr(ns, "__del__"))
        return true;
    for (int i = 0; i < nbases; i++)
        if (bases[i]->type == HD_T_CLASS && sc_class_lookup(vm, bases[i], "__del__"))
            return true;
    return false;
}

static int set_cstr(sc_vm_t *vm, hd_obj_t *d, const char *name, hd_obj_t *v)
{
    hd_obj_t *k;
    if (new_str(vm, name, &k))
        return -1;
    int rc = hd_dict_setitem(vm->h, d, k, v);
    hd__decref(vm->h, k);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* add_descr: a member or getset descriptor of cls in its dict */
static int add_descr(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t *d, int kind, const char *name,
                     uint64_t slot)
{
    hd_obj_t *k, *descr;
    if (new_str(vm, name, &k))
        return -1;
    int rc = hd__descr_new(vm->h, kind, cls, k, slot, &descr);
    if (!rc) {
        rc = hd_dict_setitem(vm->h, d, k, descr);
        hd__decref(vm->h, descr);
    }
    hd__decref(vm->h, k);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* prepare_method: the bound builtin method (72 bytes) that reading
 * type.__prepare__ makes (classmethod_get); new reference */
static int prepare_method(sc_vm_t *vm, hd_obj_t **out)
{
    int rc = hd__cmethod_new(vm->h, sc_builtin(vm, SC_BI_T_OBJECT), vm->h->none, out);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* init_subclass: type_new_init_subclass's transients, alive together:
 * the super() object (56 bytes with its GC header, untracked here: a
 * block the size of a slice's, freed without a slice's cache) and the
 * bound __init_subclass__ (a bound builtin method, 72 bytes); the method
 * goes first, as CPython releases them in the other order (the peak is
 * the same) */
static int init_subclass(sc_vm_t *vm, hd_obj_t *cls)
{
    hd_obj_t *sup, *m;
    int rc = hd__obj_alloc(vm->h, HD_T_SLICE, sizeof(hd_gc_t) + sizeof(hd_slice_obj_t),
                           sizeof(hd_gc_t), &sup);
    if (rc)
        return sc_nomem(vm, rc);
    hd_slice_obj_t *s = (hd_slice_obj_t *)sup;
    s->start = s->stop = s->step = vm->h->none; /* not owned: never released as a slice */
    rc = hd__cmethod_new(vm->h, sc_builtin(vm, SC_BI_T_OBJECT), cls, &m);
    hd__obj_free_block(vm->h, sup);
    if (rc)
        return sc_nomem(vm, rc);
    hd__decref(vm->h, m);
    return 0;
}

static int transient_dict_copy(sc_vm_t *vm, hd_obj_t *d)
{
    hd_obj_t *c;
    int rc = hd__dict_copy(vm->h, d, &c);
    if (rc)
        return sc_nomem(vm, rc);
    hd__decref(vm->h, c);
    return 0;
}

/* copy_ns: type_new_init's copy of the namespace, without __qualname__
 * (made before the class itself, as CPython makes it) */
static int copy_ns(sc_vm_t *vm, hd_obj_t *ns, hd_obj_t **out)
{
    hd_obj_t *d, *qk;
    int rc = hd__dict_copy(vm->h, ns, &d);
    if (rc)
        return sc_nomem(vm, rc);
    if (new_str(vm, "__qualname__", &qk) == 0) {
        (void)hd_dict_delitem(vm->h, d, qk);
        hd__decref(vm->h, qk);
    }
    *out = d;
    return 0;
}

/* ---- the MRO (mro_implementation) ---- */

#define MRO_MAX_BASES 64

/* seq_of: a base's linearization: its MRO (`object`'s is itself) */
static hd_obj_t *const *seq_of(sc_vm_t *vm, hd_obj_t *const *base, int64_t *n)
{
    hd_obj_t *m = base[0]->type == HD_T_CLASS ? mro_of(vm, base[0]) : NULL;
    *n = m ? hd_len(m) : 1;
    return m ? ((hd_tuple_obj_t *)m)->items : base;
}

/* in_tail: whether c is in a sequence's tail past `from` (tail_contains) */
static bool in_tail(hd_obj_t *const *seq, int64_t n, int64_t from, const hd_obj_t *c)
{
    for (int64_t j = from + 1; j < n; j++)
        if (seq[j] == c)
            return true;
    return false;
}

/* mro_error: set_mro_error's message: the heads left, once each */
static int mro_error(sc_vm_t *vm, hd_obj_t *const *heads, int nheads)
{
    char buf[512];
    int off = snprintf(buf, sizeof(buf), "%s",
                       "Cannot create a consistent method resolution\norder (MRO) for bases");
    for (int i = 0; i < nheads && off < (int)sizeof(buf) - 2; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen |= heads[j] == heads[i];
        if (seen)
            continue;
        const char *name = heads[i]->type == HD_T_CLASS ? hd_class_name(heads[i]) : "object";
        off += snprintf(buf + off, sizeof(buf) - (size_t)off, "%s %s", i ? "," : "", name);
    }
    return sc_raise(vm, EXC_TYPEERROR, "%s", buf);
}

/* pmerge: the C3 merge of the bases' MROs and the bases into the list
 * `result` (which holds the class): each step takes the first head that is
 * in no sequence's tail */
static int pmerge(sc_vm_t *vm, hd_obj_t *result, hd_tuple_obj_t *bt)
{
    int nseq = (int)bt->size + 1;
    hd_obj_t *const *seq[MRO_MAX_BASES + 1];
    int64_t len[MRO_MAX_BASES + 1], at[MRO_MAX_BASES + 1] = {0};
    for (int i = 0; i < nseq - 1; i++)
        seq[i] = seq_of(vm, &bt->items[i], &len[i]);
    seq[nseq - 1] = bt->items;
    len[nseq - 1] = bt->size;
    for (;;) {
        hd_obj_t *next = NULL, *heads[MRO_MAX_BASES + 1];
        int nheads = 0;
        for (int i = 0; i < nseq && !next; i++) {
            if (at[i] >= len[i])
                continue;
            hd_obj_t *cand = heads[nheads++] = seq[i][at[i]];
            bool blocked = false;
            for (int j = 0; j < nseq && !blocked; j++)
                blocked = in_tail(seq[j], len[j], at[j], cand);
            if (!blocked)
                next = cand;
        }
        if (!nheads)
            return 0;
        if (!next) /* every sequence's head was tried: heads holds them all */
            return mro_error(vm, heads, nheads);
        int rc = hd_list_append(vm->h, result, next);
        if (rc)
            return sc_nomem(vm, rc);
        for (int i = 0; i < nseq; i++)
            if (at[i] < len[i] && seq[i][at[i]] == next)
                at[i]++;
    }
}

/* make_mro: mro_implementation: (cls,) + the base's MRO for one base;
 * else no duplicate base, and the C3 merge made in a list and copied to a
 * tuple (mro_invoke's PySequence_Tuple) */
static int make_mro(sc_vm_t *vm, hd_obj_t *cls, hd_tuple_obj_t *bt, hd_obj_t **out)
{
    hd_obj_t *items[MRO_MAX_BASES + 2], *result;
    int64_t n;
    int rc;
    if (bt->size > MRO_MAX_BASES)
        return sc_raise(vm, EXC_TYPEERROR,
                        "more than %d bases are not supported by the heap "
                        "script language",
                        MRO_MAX_BASES);
    if (bt->size == 1) {
        hd_obj_t *const *s = seq_of(vm, bt->items, &n);
        if (n > MRO_MAX_BASES)
            return sc_raise(vm, EXC_TYPEERROR,
                            "an MRO of more than %d classes is not supported "
                            "by the heap script language",
                            MRO_MAX_BASES);
        items[0] = cls;
        memcpy(items + 1, s, (size_t)n * sizeof(*s));
        rc = hd_tuple_new(vm->h, (size_t)n + 1, items, out);
        return rc ? sc_nomem(vm, rc) : 0;
    }
    for (int64_t i = 0; i < bt->size; i++)
        for (int64_t j = i + 1; j < bt->size; j++)
            if (bt->items[i] == bt->items[j])
                return sc_raise(vm, EXC_TYPEERROR, "duplicate base class %s",
                                bt->items[i]->type == HD_T_CLASS ? hd_class_name(bt->items[i])
                                                                 : "object");
    if ((rc = hd_list_new(vm->h, 1, &cls, &result)))
        return sc_nomem(vm, rc);
    rc = pmerge(vm, result, bt);
    if (!rc) {
        hd_list_obj_t *l = (hd_list_obj_t *)result;
        int r = hd_tuple_new(vm->h, (size_t)l->size, l->items, out);
        rc = r ? sc_nomem(vm, r) : 0;
    }
    hd__decref(vm->h, result);
    return rc;
}

/* fill_dict: the rest of the class dict d, in PyType_Ready's order: the MRO
 * tuple first (type_ready_mro, into tp_mro), then the descriptors
 * (type_ready_fill_dict) and __doc__; tp_bases and tp_base are set too */
static int fill_dict(sc_vm_t *vm, hd_obj_t *cls, hd_obj_t *d, const class_plan_t *p,
                     hd_obj_t *bases)
{
    hd_class_obj_t *c = (hd_class_obj_t *)cls;
    hd_obj_t *mro = NULL;
    hd_tuple_obj_t *bt = (hd_tuple_obj_t *)bases;
    if (make_mro(vm, cls, bt, &mro))
        return -1;
    c->mro = mro;
    hd__incref(c->bases = bases);
    /* best_base: the first base (every base the language allows has
     * object as its solid base) */
    hd__incref(c->base = bt->items[0]);
    uint64_t k = 0;
    for (size_t i = 0; i < p->nslots; i++)
        if (strcmp(p->slots[i], "__weakref__") != 0 &&
            add_descr(vm, cls, d, HD_DESCR_MEMBER, p->slots[i], k++))
            return -1;
    if (!p->use_slots && !p->inherits_dict && add_descr(vm, cls, d, HD_DESCR_GETSET, "__dict__", 0))
        return -1;
    if (((!p->use_slots && !p->inherits_dict) || p->weakref_slot) &&
        add_descr(vm, cls, d, HD_DESCR_GETSET, "__weakref__", 0))
        return -1;
    if (!dict_cstr(d, "__doc__") && set_cstr(vm, d, "__doc__", vm->h->none))
        return -1;
    return 0;
}

/* slots_tuple: ht_slots as type_new computes it: __slots__ made a tuple (a
 * str packed, a list copied, a tuple shared), then the names without
 * __weakref__ copied into a list, sorted, and made a tuple again (the empty
 * tuple when none). *out is NULL without __slots__. */
static int slots_tuple(sc_vm_t *vm, hd_obj_t *ns, hd_obj_t **out)
{
    hd_obj_t *s = dict_cstr(ns, "__slots__"), *t = NULL, *l = NULL;
    *out = NULL;
    if (!s)
        return 0;
    int rc = 0;
    if (s->type == HD_T_STR)
        rc = hd_tuple_new(vm->h, 1, &s, &t);
    else if (s->type == HD_T_LIST)
        rc = hd_tuple_new(vm->h, (size_t)hd_len(s), ((hd_list_obj_t *)s)->items, &t);
    else
        hd__incref(t = s);
    if (rc)
        return sc_nomem(vm, rc);
    hd_tuple_obj_t *tt = (hd_tuple_obj_t *)t;
    hd_obj_t *keep[64];
    size_t n = 0;
    for (int64_t i = 0; i < tt->size && n < 64; i++) {
        char name[16];
        hd_str_utf8(tt->items[i], name, sizeof(name));
        if (strcmp(name, "__weakref__") != 0)
            keep[n++] = tt->items[i];
    }
    if (!(rc = hd_list_new(vm->h, n, keep, &l))) {
        rc = sc_list_sort(vm, l, NULL, false) ? HD_EINVAL : 0;
        if (!rc)
            rc = hd_tuple_new(vm->h, n, ((hd_list_obj_t *)l)->items, out);
        hd__decref(vm->h, l);
    }
    hd__decref(vm->h, t);
    return rc == HD_EINVAL ? -1 : rc ? sc_nomem(vm, rc) : 0;
}

static int check_bases(sc_vm_t *vm, hd_obj_t *const *bases, int nbases)
{
    for (int i = 0; i < nbases; i++) {
        hd_obj_t *b = bases[i];
        if (b->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)b)->index == SC_BI_T_OBJECT)
            continue;
        if (b->type == HD_T_CLASS) {
            if (!((hd_class_obj_t *)b)->meta->managed_dict)
                return sc_raise(vm, EXC_TYPEERROR,
                                "subclasses of classes with __slots__ are not supported by the "
                                "heap script language");
            continue;
        }
        return sc_raise(vm, EXC_TYPEERROR,
                        "base class '%s' is not supported by the heap script language (only "
                        "classes defined by the program and object)",
                        b->type == HD_T_BUILTIN ? ((hd_builtin_obj_t *)b)->name : sc_tname(vm, b));
    }
    return 0;
}

/* add_subclass: the base's tp_subclasses keeps a weakref to the class:
 * object's is the state's dict; a program class's is a dict created with
 * its first subclass, keyed by an int as CPython keys it by the address
 * (the class's subclass_key, which type_dealloc's remove_subclass makes
 * again) */
static int add_subclass(sc_vm_t *vm, hd_obj_t *base, hd_obj_t *cls)
{
    hd_obj_t *wr, *d = NULL, *key = NULL;
    hd_class_obj_t *b = (hd_class_obj_t *)base;
    /* the key first, then the weakref, then the dict (as add_subclass) */
    /* (python3's key, PyLong_FromVoidPtr, is seen as a one-digit int) */
    if (hd_int_from_i64(vm->h, ((hd_class_obj_t *)cls)->subclass_key, &key))
        return sc_nomem(vm, HD_ENOMEM);
    if (hd_weakref_new(vm->h, cls, NULL, false, &wr)) {
        hd__decref(vm->h, key);
        return sc_nomem(vm, HD_ENOMEM);
    }
    int rc = 0;
    if (base->type != HD_T_CLASS)
        d = vm->st->subclasses;
    else if (!(d = b->subclasses) && !(rc = hd_dict_new(vm->h, 0, NULL, NULL, &d)))
        b->subclasses = d;
    if (!rc)
        rc = hd_dict_setitem(vm->h, d, key, wr);
    hd__decref(vm->h, key);
    hd__decref(vm->h, wr);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* make_class: type_new proper, once the body has run */
static int make_class(sc_vm_t *vm, const char *cname, hd_obj_t *ns, hd_obj_t *bases_in,
                      hd_obj_t *const *bases, int nbases, hd_obj_t **out)
{
    sc_classes_changed(vm); /* the new class may reuse a dead one's address */
    class_plan_t p;
    memset(&p, 0, sizeof(p));
    for (int i = 0; i < nbases; i++)
        p.inherits_dict |= bases[i]->type == HD_T_CLASS;
    hd_obj_t *slots_t = NULL, *cls = NULL, *bases_t = NULL, *dict = NULL;
    int rc = read_slots(vm, ns, &p);
    if (!rc && p.use_slots && p.inherits_dict)
        rc = sc_raise(vm, EXC_TYPEERROR,
                      "__slots__ in a subclass is not supported by the heap script language");
    /* type_new's order: the bases ((object,) for none), the namespace's
     * copy, the __slots__ tuples, the type, then PyType_Ready's MRO and
     * descriptors (gc.get_objects(0) lists them in this order) */
    if (!rc && nbases == 0) {
        hd_obj_t *obj = sc_builtin(vm, SC_BI_T_OBJECT);
        rc = hd_tuple_new(vm->h, 1, &obj, &bases_t) ? sc_nomem(vm, HD_ENOMEM) : 0;
    } else if (!rc) {
        hd__incref(bases_t = bases_in);
    }
    if (!rc)
        rc = copy_ns(vm, ns, &dict);
    if (!rc)
        rc = slots_tuple(vm, ns, &slots_t);
    if (!rc) {
        hd_class_spec_t spec = {has_del(vm, ns, bases, nbases), p.use_slots, p.nslots, p.slots};
        int r = hd_class_new(vm->h, cname, &spec, &cls);
        rc = r == HD_EINVAL ? sc_raise(vm, EXC_TYPEERROR, "invalid class name")
             : r            ? sc_nomem(vm, r)
                            : 0;
    }
    if (!rc) {
        ((hd_class_obj_t *)cls)->attrs = dict; /* the class owns it from here */
        dict = NULL;
        rc = fill_dict(vm, cls, ((hd_class_obj_t *)cls)->attrs, &p, bases_t);
    }
    hd__xdecref(vm->h, dict);
    dict = cls ? ((hd_class_obj_t *)cls)->attrs : NULL;
    if (!rc) { /* ht_slots, and the key of its bases' tp_subclasses */
        ((hd_class_obj_t *)cls)->slots = slots_t;
        slots_t = NULL;
        ((hd_class_obj_t *)cls)->subclass_key = ((int64_t)1 << 20) + vm->st->subclass_serial++;
    }
    hd__xdecref(vm->h, slots_t);
    hd_mem_free(vm->h->mem, p.store);
    for (int64_t i = 0; !rc && i < ((hd_tuple_obj_t *)bases_t)->size; i++)
        rc = add_subclass(vm, ((hd_tuple_obj_t *)bases_t)->items[i], cls);
    hd__xdecref(vm->h, bases_t);
    /* the copy of the dict that type_new_set_names walks, then
     * init_subclass's super() and bound __init_subclass__ */
    if (!rc && (transient_dict_copy(vm, dict) || init_subclass(vm, cls)))
        rc = -1;
    if (rc) {
        hd__xdecref(vm->h, cls);
        return -1;
    }
    sc_classes_changed(vm);
    *out = cls;
    return 0;
}

int sc_build_class(sc_vm_t *vm, hd_obj_t *func, hd_obj_t *name, hd_obj_t *const *bases, int nbases,
                   hd_obj_t **out)
{
    hd_heap_t *h = vm->h;
    if (func->type != HD_T_FUNCTION || name->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "__build_class__: func must be a function");
    if (check_bases(vm, bases, nbases))
        return -1;
    char cname[HD_CLASS_NAME_MAX + 1];
    if (hd_str_utf8(name, cname, sizeof(cname)) > HD_CLASS_NAME_MAX)
        return sc_raise(vm, EXC_VALUEERROR, "class name too long");
    hd_obj_t *bases_t = NULL, *ns = NULL, *res = NULL, *args = NULL, *prep = NULL;
    int rc = hd_tuple_new(h, (size_t)nbases, bases, &bases_t);
    if (rc)
        return sc_nomem(vm, rc);
    /* the bound type.__prepare__, the namespace it returns, then the
     * method let go of */
    if (prepare_method(vm, &prep))
        goto fail;
    rc = hd_dict_new(h, 0, NULL, NULL, &ns);
    hd__decref(h, prep);
    if (rc) {
        sc_nomem(vm, rc);
        goto fail;
    }
    hd__incref(func);
    if (sc_run_frame_code(vm, (sc_code_t *)((hd_func_obj_t *)func)->code, func, ns, &res))
        goto fail;
    hd__decref(h, res);
    hd_obj_t *targs[3] = {name, bases_t, ns};
    if ((rc = hd_tuple_new(h, 3, targs, &args))) {
        sc_nomem(vm, rc);
        goto fail;
    }
    rc = make_class(vm, cname, ns, bases_t, bases, nbases, out);
    hd__decref(h, args);
    hd__decref(h, ns);
    hd__decref(h, bases_t);
    return rc ? -1 : 0;
fail:
    hd__xdecref(h, ns);
    hd__xdecref(h, bases_t);
    return -1;
}
