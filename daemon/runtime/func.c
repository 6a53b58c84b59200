/*
 * func.c: the callable objects of the heap script language (script.h):
 * code objects, functions, bound methods, closure cells, builtins (shared
 * singletons), builtin methods bound to an object and class descriptors,
 * with CPython 3.11's sizes, tracking and traverse order.
 *
 * Sizes (sys.getsizeof on 64-bit 3.11, GC header included):
 *   function 152, method 64, cell 40, builtin_function_or_method 72,
 *   getset_descriptor / member_descriptor 64. Code objects are not GC and
 *   their block is the compiler's own layout (script/code.h): its size is
 *   ours, not CPython's.
 *
 * Every GC type here is tracked as soon as it is built (PyObject_GC_Track)
 * and torn down inside the trashcan (HD_TF_CONTAINER), so a long chain of
 * them (a bound method of a method of ...) cannot exhaust the C stack.
 * Deallocation releases references in CPython's order: func_clear's order
 * for functions, im_func then im_self for methods.
 *
 * Builtins (HD_T_BUILTIN) are shared singletons of a heap: the script
 * language makes each once, in a block of the heap's pool, and they are
 * never freed before the heap (HD_OF_STATIC), like CPython's builtin
 * functions, types and modules, which live as long as the interpreter.
 */
#include "heap_int.h"

#define FUNC_BLOCK    (sizeof(hd_gc_t) + sizeof(hd_func_obj_t))
#define METHOD_BLOCK  (sizeof(hd_gc_t) + sizeof(hd_method_obj_t))
#define CELL_BLOCK    (sizeof(hd_gc_t) + sizeof(hd_cell_obj_t))
#define CMETHOD_BLOCK (sizeof(hd_gc_t) + sizeof(hd_cmethod_obj_t))
#define DESCR_BLOCK   (sizeof(hd_gc_t) + sizeof(hd_descr_obj_t))

_Static_assert(sizeof(hd_func_obj_t) == 136, "PyFunctionObject is 136 bytes");
_Static_assert(sizeof(hd_method_obj_t) == 48, "PyMethodObject is 48 bytes");
_Static_assert(sizeof(hd_cell_obj_t) == 24, "PyCellObject is 24 bytes");
_Static_assert(sizeof(hd_cmethod_obj_t) == 56, "PyCFunctionObject is 56 bytes");
_Static_assert(sizeof(hd_descr_obj_t) == 48, "PyGetSetDescrObject is 48 bytes");

static hd_obj_t *xnewref(hd_obj_t *o)
{
    if (o)
        hd__incref(o);
    return o;
}

/* ---- code ---- */

int hd__code_new(hd_heap_t *h, size_t len, size_t refs_offset, uint32_t nrefs, hd_obj_t **out)
{
    if (len < sizeof(hd_code_obj_t) || refs_offset + (size_t)nrefs * sizeof(hd_obj_t *) > len)
        return HD_EINVAL;
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_CODE, len, 0, &o);
    if (rc)
        return rc;
    memset(o + 1, 0, len - sizeof(hd_obj_t));
    hd_code_obj_t *c = (hd_code_obj_t *)o;
    c->len = len;
    c->refs = (hd_obj_t **)((char *)o + refs_offset);
    c->nrefs = nrefs;
    *out = o;
    return 0;
}

/* visit_refs: the traverse of every type here: visit each reference that
 * is not NULL, in the order given (each type's CPython traverse order),
 * stopping at the first nonzero result */
static int visit_refs(hd_obj_t *const *refs, size_t n, hd_visit_fn visit, void *arg)
{
    for (size_t i = 0; i < n; i++) {
        int rc = refs[i] ? visit(refs[i], arg) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* free_refs: the end of a deallocator: drop the references (NULL allowed)
 * in the order given, then free the object's block */
static void free_refs(hd_heap_t *h, hd_obj_t *o, hd_obj_t *const *refs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hd__xdecref(h, refs[i]);
    hd__obj_free_block(h, o);
}

#define NREFS(a) (sizeof(a) / sizeof((a)[0]))

int hd__code_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_code_obj_t *c = (hd_code_obj_t *)o;
    return visit_refs(c->refs, c->nrefs, visit, arg);
}

void hd__code_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_code_obj_t *c = (hd_code_obj_t *)o;
    free_refs(h, o, c->refs, c->nrefs);
}

size_t hd__code_sizeof(const hd_obj_t *o)
{
    return ((const hd_code_obj_t *)o)->len;
}

/* ---- function ---- */

int hd__func_new(hd_heap_t *h, hd_obj_t *code, hd_obj_t *name, hd_obj_t *qualname,
                 hd_obj_t *defaults, hd_obj_t *closure, hd_obj_t *module, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_FUNCTION, FUNC_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_func_obj_t *f = (hd_func_obj_t *)o;
    memset(&f->code, 0, sizeof(*f) - sizeof(hd_obj_t));
    f->code = xnewref(code);
    f->name = xnewref(name);
    f->qualname = xnewref(qualname);
    f->defaults = xnewref(defaults);
    f->closure = xnewref(closure);
    f->module = xnewref(module);
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

/* func_traverse of 3.11: code, (globals), module, defaults, (kwdefaults),
 * doc, name, dict, closure, (annotations), qualname. */
int hd__func_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_func_obj_t *f = (hd_func_obj_t *)o;
    hd_obj_t *refs[] = {f->code, f->module, f->defaults, f->doc,
                        f->name, f->dict,   f->closure,  f->qualname};
    return visit_refs(refs, NREFS(refs), visit, arg);
}

/* hd__func_clear: func_clear: everything but the code and the names. */
void hd__func_clear(hd_heap_t *h, hd_obj_t *o)
{
    hd_func_obj_t *f = (hd_func_obj_t *)o;
    hd_obj_t **slots[] = {&f->module, &f->defaults, &f->doc, &f->dict, &f->closure};
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        hd_obj_t *v = *slots[i];
        *slots[i] = NULL;
        hd__xdecref(h, v);
    }
}

void hd__func_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_func_obj_t *f = (hd_func_obj_t *)o;
    if (f->weakreflist) /* func_dealloc: PyObject_ClearWeakRefs, then func_clear */
        hd__weakref_clear_all(h, o);
    hd__func_clear(h, o);
    hd_obj_t *refs[] = {f->code, f->name, f->qualname};
    f->code = f->name = f->qualname = NULL;
    free_refs(h, o, refs, NREFS(refs));
}

size_t hd__func_sizeof(const hd_obj_t *o)
{
    (void)o;
    return FUNC_BLOCK;
}

/* ---- bound method ---- */

int hd__method_new(hd_heap_t *h, hd_obj_t *func, hd_obj_t *self, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_METHOD, METHOD_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_method_obj_t *m = (hd_method_obj_t *)o;
    m->func = xnewref(func);
    m->self = xnewref(self);
    m->weakreflist = NULL;
    m->vectorcall = 0;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__method_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_method_obj_t *m = (hd_method_obj_t *)o;
    hd_obj_t *refs[] = {m->func, m->self};
    return visit_refs(refs, NREFS(refs), visit, arg);
}

void hd__method_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_method_obj_t *m = (hd_method_obj_t *)o;
    if (m->weakreflist)
        hd__weakref_clear_all(h, o);
    hd_obj_t *refs[] = {m->func, m->self};
    free_refs(h, o, refs, NREFS(refs));
}

size_t hd__method_sizeof(const hd_obj_t *o)
{
    (void)o;
    return METHOD_BLOCK;
}

/* ---- cell ---- */

int hd__cell_new(hd_heap_t *h, hd_obj_t *value, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_CELL, CELL_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    ((hd_cell_obj_t *)o)->ref = xnewref(value);
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__cell_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    return visit_refs(&((hd_cell_obj_t *)o)->ref, 1, visit, arg);
}

void hd__cell_clear(hd_heap_t *h, hd_obj_t *o)
{
    hd_cell_obj_t *c = (hd_cell_obj_t *)o;
    hd_obj_t *v = c->ref;
    c->ref = NULL;
    hd__xdecref(h, v);
}

void hd__cell_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd__cell_clear(h, o);
    hd__obj_free_block(h, o);
}

size_t hd__cell_sizeof(const hd_obj_t *o)
{
    (void)o;
    return CELL_BLOCK;
}

/* ---- builtins (shared singletons) ---- */

void hd__builtin_init(void *mem, const char *name, const char *type_name, const char *owner,
                      uint32_t size, int kind, int index)
{
    hd_builtin_obj_t *b = mem;
    memset(b, 0, sizeof(*b));
    b->h.refcnt = 1; /* the heap's own reference */
    b->h.type = HD_T_BUILTIN;
    b->h.flags = HD_OF_STATIC;
    b->name = name;
    b->type_name = type_name;
    b->owner = owner;
    b->size = size;
    b->kind = (uint16_t)kind;
    b->index = (uint16_t)index;
}

void hd__builtin_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    (void)h;
    o->refcnt = 1; /* never freed before the heap (hd__dealloc stops earlier) */
}

size_t hd__builtin_sizeof(const hd_obj_t *o)
{
    return ((const hd_builtin_obj_t *)o)->size;
}

int hd__builtin_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    (void)o, (void)visit, (void)arg;
    return 0;
}

/* ---- builtin method bound to an object ---- */

int hd__cmethod_new(hd_heap_t *h, hd_obj_t *builtin, hd_obj_t *self, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_CMETHOD, CMETHOD_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_cmethod_obj_t *m = (hd_cmethod_obj_t *)o;
    m->builtin = xnewref(builtin);
    m->self = xnewref(self);
    m->module = NULL;
    m->weakreflist = NULL;
    m->vectorcall = 0;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

/* meth_traverse: m_self, m_module (the method definition is not an object) */
int hd__cmethod_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    return visit_refs(&((hd_cmethod_obj_t *)o)->self, 1, visit, arg);
}

void hd__cmethod_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_cmethod_obj_t *m = (hd_cmethod_obj_t *)o;
    hd_obj_t *refs[] = {m->self, m->builtin};
    free_refs(h, o, refs, NREFS(refs));
}

size_t hd__cmethod_sizeof(const hd_obj_t *o)
{
    (void)o;
    return CMETHOD_BLOCK;
}

/* ---- class descriptors ---- */

int hd__descr_new(hd_heap_t *h, int kind, hd_obj_t *type, hd_obj_t *name, uint64_t slot,
                  hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_DESCR, DESCR_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_descr_obj_t *d = (hd_descr_obj_t *)o;
    o->aux = (uint16_t)kind;
    d->type = xnewref(type);
    d->name = xnewref(name);
    d->qualname = NULL;
    d->slot = slot;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

/* descr_traverse: only d_type */
int hd__descr_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    return visit_refs(&((hd_descr_obj_t *)o)->type, 1, visit, arg);
}

void hd__descr_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_descr_obj_t *d = (hd_descr_obj_t *)o;
    hd_obj_t *refs[] = {d->type, d->name};
    free_refs(h, o, refs, NREFS(refs));
}

size_t hd__descr_sizeof(const hd_obj_t *o)
{
    (void)o;
    return DESCR_BLOCK;
}
