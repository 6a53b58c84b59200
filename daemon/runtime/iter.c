/*
 * iter.c: range, iterators, dict views and slices for the heap script
 * language, as CPython 3.11 builds them.
 *
 * Sizes (sys.getsizeof, GC header included where there is one):
 *   range 48 and range_iterator 48 (not GC); list_iterator, tuple_iterator,
 *   str_iterator, str_ascii_iterator 48; dict key/value/item iterators 72;
 *   set_iterator 64; dict_keys/values/items 40; slice 56; enumerate 72;
 *   zip 64; reversed iterators, map and filter 48.
 *
 * Iterators behave as CPython's do where a program can see it: an
 * exhausted list, tuple, str, dict or set iterator drops its reference to
 * the container at once (it_seq = NULL), before the for loop releases the
 * iterator; a dict item iterator makes its (None, None) result tuple when
 * it is created and reuses it for every item while nobody else holds it
 * (3.11's di_result); a dict or set that changed size stops its iterator for
 * good (di_used = -1).
 *
 * Slices: 3.11 keeps one dead slice in a cache (interp->slice_cache) and
 * reuses it for the next slice, so only the first slice of a run of them
 * moves the generation-0 count; h->slice_cache models it like a free list.
 */
#include "heap_int.h"

#define SEQITER_BLOCK  (sizeof(hd_gc_t) + sizeof(hd_seqiter_obj_t))
#define DICTITER_BLOCK (sizeof(hd_gc_t) + sizeof(hd_dictiter_obj_t))
#define SETITER_BLOCK  (sizeof(hd_gc_t) + sizeof(hd_setiter_obj_t))
#define VIEW_BLOCK     (sizeof(hd_gc_t) + sizeof(hd_dictview_obj_t))
#define SLICE_BLOCK    (sizeof(hd_gc_t) + sizeof(hd_slice_obj_t))
#define ENUM_BLOCK     (sizeof(hd_gc_t) + sizeof(hd_enum_obj_t))
#define ZIP_BLOCK      (sizeof(hd_gc_t) + sizeof(hd_zip_obj_t))
#define REVITER_BLOCK  (sizeof(hd_gc_t) + sizeof(hd_reviter_obj_t))
#define MAP_BLOCK      (sizeof(hd_gc_t) + sizeof(hd_map_obj_t))
#define FILTER_BLOCK   (sizeof(hd_gc_t) + sizeof(hd_filter_obj_t))

_Static_assert(sizeof(hd_range_obj_t) == 48, "rangeobject is 48 bytes");
_Static_assert(sizeof(hd_rangeiter_obj_t) == 48, "rangeiterobject is 48 bytes");
_Static_assert(SEQITER_BLOCK == 48, "listiterobject is 48 bytes with its GC header");
_Static_assert(DICTITER_BLOCK == 72, "dictiterobject is 72 bytes with its GC header");
_Static_assert(SETITER_BLOCK == 64, "setiterobject is 64 bytes with its GC header");
_Static_assert(VIEW_BLOCK == 40, "_PyDictViewObject is 40 bytes with its GC header");
_Static_assert(SLICE_BLOCK == 56, "PySliceObject is 56 bytes with its GC header");
_Static_assert(ENUM_BLOCK == 72, "enumobject is 72 bytes with its GC header");
_Static_assert(ZIP_BLOCK == 64, "zipobject is 64 bytes with its GC header");
_Static_assert(REVITER_BLOCK == 48, "listreviterobject is 48 bytes with its GC header");
_Static_assert(MAP_BLOCK == 48, "mapobject is 48 bytes with its GC header");
_Static_assert(FILTER_BLOCK == 48, "filterobject is 48 bytes with its GC header");

/* ---- range ---- */

/* range_length: len(range(start, stop, step)), step != 0 */
static int64_t range_length(int64_t start, int64_t stop, int64_t step)
{
    if (step > 0 && start < stop)
        return (int64_t)(((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1);
    if (step < 0 && start > stop)
        return (int64_t)(((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step) + 1);
    return 0;
}

int hd__range_new(hd_heap_t *h, int64_t start, int64_t stop, int64_t step, hd_obj_t **out)
{
    if (step == 0)
        return HD_EINVAL;
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_RANGE, sizeof(hd_range_obj_t), 0, &o);
    if (rc)
        return rc;
    hd_range_obj_t *r = (hd_range_obj_t *)o;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->length = range_length(start, stop, step);
    *out = o;
    return 0;
}

void hd__range_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd__obj_free_block(h, o);
}

size_t hd__range_sizeof(const hd_obj_t *o)
{
    (void)o;
    return sizeof(hd_range_obj_t);
}

int hd__range_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    (void)o, (void)visit, (void)arg;
    return 0;
}

/* ---- creation of iterators ---- */

static int seqiter_new(hd_heap_t *h, hd_obj_t *seq, int kind, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_SEQITER, SEQITER_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_seqiter_obj_t *it = (hd_seqiter_obj_t *)o;
    o->aux = (uint16_t)kind;
    it->index = 0;
    hd__incref(seq);
    it->seq = seq;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

static int rangeiter_new(hd_heap_t *h, const hd_range_obj_t *r, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_RANGEITER, sizeof(hd_rangeiter_obj_t), 0, &o);
    if (rc)
        return rc;
    hd_rangeiter_obj_t *it = (hd_rangeiter_obj_t *)o;
    it->index = 0;
    it->start = r->start;
    it->step = r->step;
    it->len = r->length;
    *out = o;
    return 0;
}

/* dictiter_new: the iterator first, then (items) its result tuple, as
 * 3.11's dictiter_new allocates them. */
static int dictiter_new(hd_heap_t *h, hd_obj_t *dict, int which, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_DICTITER, DICTITER_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_dictiter_obj_t *it = (hd_dictiter_obj_t *)o;
    o->aux = (uint16_t)which;
    hd__incref(dict);
    it->dict = dict;
    it->used = hd_len(dict);
    it->pos = 0;
    it->len = it->used;
    it->result = NULL;
    if (which == HD_DICT_ITEMS) {
        hd_obj_t *pair[2] = {h->none, h->none};
        if ((rc = hd_tuple_new(h, 2, pair, &it->result)) != 0) {
            hd__decref(h, dict);
            it->dict = NULL;
            hd__obj_free_block(h, o);
            return rc;
        }
    }
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

static int setiter_new(hd_heap_t *h, hd_obj_t *set, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_SETITER, SETITER_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_setiter_obj_t *it = (hd_setiter_obj_t *)o;
    hd__incref(set);
    it->set = set;
    it->used = hd_len(set);
    it->pos = 0;
    it->len = it->used;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

static bool is_iterator(const hd_obj_t *o)
{
    return o->type == HD_T_SEQITER || o->type == HD_T_RANGEITER || o->type == HD_T_DICTITER ||
           o->type == HD_T_SETITER;
}

int hd__iter_new(hd_heap_t *h, hd_obj_t *o, hd_obj_t **out)
{
    if (is_iterator(o)) {
        hd__incref(o);
        *out = o;
        return 0;
    }
    switch (o->type) {
    case HD_T_LIST:
        return seqiter_new(h, o, HD_ITER_LIST, out);
    case HD_T_TUPLE:
        return seqiter_new(h, o, HD_ITER_TUPLE, out);
    case HD_T_STR:
        return seqiter_new(
            h, o, (((hd_str_obj_t *)o)->state & HD_STR_ASCII) ? HD_ITER_STR_ASCII : HD_ITER_STR,
            out);
    case HD_T_RANGE:
        return rangeiter_new(h, (hd_range_obj_t *)o, out);
    case HD_T_DICT:
        return dictiter_new(h, o, HD_DICT_KEYS, out);
    case HD_T_DICTVIEW:
        return dictiter_new(h, ((hd_dictview_obj_t *)o)->dict,
                            o->aux == HD_DICT_PROXY ? HD_DICT_KEYS : o->aux, out);
    case HD_T_SET:
    case HD_T_FROZENSET:
        return setiter_new(h, o, out);
    }
    return HD_ETYPE;
}

/* ---- next ---- */

static int seqiter_next(hd_heap_t *h, hd_seqiter_obj_t *it, hd_obj_t **out)
{
    hd_obj_t *seq = it->seq;
    if (!seq)
        return 0;
    if (it->h.aux == HD_ITER_STR || it->h.aux == HD_ITER_STR_ASCII) {
        if (it->index < ((hd_str_obj_t *)seq)->length) {
            uint32_t c = hd__str_char(seq, it->index++);
            int rc = hd__str_from_cps(h, &c, 1, out);
            return rc ? rc : 1;
        }
    } else if (it->index < hd_len(seq)) {
        hd_obj_t *item;
        hd_seq_getitem(seq, it->index++, &item);
        hd__incref(item);
        *out = item;
        return 1;
    }
    it->seq = NULL;
    hd__decref(h, seq);
    return 0;
}

int hd__int_from_long(hd_heap_t *h, int64_t v, hd_obj_t **out)
{
    hd_obj_t *small = hd__int_small(h, v);
    if (small) {
        hd__incref(small);
        *out = small;
        return 0;
    }
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (mag > HD_INT_MASK)
        return hd_int_from_i64(h, v, out);
    int rc = hd__obj_alloc(h, HD_T_INT, HD_INT_HEADER + 8, 0, out);
    if (rc)
        return rc;
    hd_int_obj_t *io = (hd_int_obj_t *)*out;
    io->size = v < 0 ? -1 : 1;
    io->digits[0] = (uint32_t)mag;
    return 0;
}

static int rangeiter_next(hd_heap_t *h, hd_rangeiter_obj_t *it, hd_obj_t **out)
{
    if (it->index >= it->len)
        return 0;
    int64_t v = (int64_t)((uint64_t)it->start + (uint64_t)it->index * (uint64_t)it->step);
    int rc = hd__int_from_long(h, v, out);
    if (rc)
        return rc;
    it->index++;
    return 1;
}

/* dict_item: the item tuple for (key, value) (new references taken here):
 * the iterator's result tuple when nobody else holds it, else a new one. */
static int dict_item(hd_heap_t *h, hd_dictiter_obj_t *it, hd_obj_t *key, hd_obj_t *value,
                     hd_obj_t **out)
{
    hd_obj_t *r = it->result;
    if (r && r->refcnt == 1) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)r;
        hd_obj_t *oldkey = t->items[0], *oldvalue = t->items[1];
        hd__incref(key);
        hd__incref(value);
        t->items[0] = key;
        t->items[1] = value;
        hd__incref(r);
        hd__decref(h, oldkey);
        hd__decref(h, oldvalue);
        if (!hd__gc_is_tracked(r))
            hd__gc_track(h, r); /* bpo-42536 */
        *out = r;
        return 1;
    }
    hd_obj_t *pair[2] = {key, value};
    int rc = hd_tuple_new(h, 2, pair, out);
    return rc ? rc : 1;
}

static int dictiter_next(hd_heap_t *h, hd_dictiter_obj_t *it, hd_obj_t **out)
{
    hd_obj_t *d = it->dict;
    if (!d)
        return 0;
    if (it->used != hd_len(d)) {
        it->used = -1; /* sticky */
        return HD_EVALUE;
    }
    hd_obj_t *key, *value;
    int64_t pos = it->pos;
    if (!hd_dict_next(d, &pos, &key, &value)) {
        it->pos = pos;
        it->dict = NULL;
        hd__decref(h, d);
        return 0;
    }
    if (it->h.aux == HD_DICT_ITEMS) {
        int rc = dict_item(h, it, key, value, out);
        if (rc == 1) {
            it->pos = pos;
            it->len--;
        }
        return rc;
    }
    it->pos = pos;
    it->len--;
    *out = it->h.aux == HD_DICT_VALUES ? value : key;
    hd__incref(*out);
    return 1;
}

static int setiter_next(hd_heap_t *h, hd_setiter_obj_t *it, hd_obj_t **out)
{
    hd_obj_t *s = it->set;
    if (!s)
        return 0;
    if (it->used != hd_len(s)) {
        it->used = -1;
        return HD_EVALUE;
    }
    hd_obj_t *key;
    int64_t pos = it->pos;
    if (!hd_set_next(s, &pos, &key)) {
        it->pos = pos;
        it->set = NULL;
        hd__decref(h, s);
        return 0;
    }
    it->pos = pos;
    it->len--;
    hd__incref(key);
    *out = key;
    return 1;
}

int hd__iter_next(hd_heap_t *h, hd_obj_t *it, hd_obj_t **out)
{
    switch (it->type) {
    case HD_T_SEQITER:
        return seqiter_next(h, (hd_seqiter_obj_t *)it, out);
    case HD_T_RANGEITER:
        return rangeiter_next(h, (hd_rangeiter_obj_t *)it, out);
    case HD_T_DICTITER:
        return dictiter_next(h, (hd_dictiter_obj_t *)it, out);
    case HD_T_SETITER:
        return setiter_next(h, (hd_setiter_obj_t *)it, out);
    }
    return HD_ETYPE;
}

/* ---- type-table functions of the iterators ---- */

int hd__seqiter_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_obj_t *seq = ((hd_seqiter_obj_t *)o)->seq;
    return seq ? visit(seq, arg) : 0;
}

void hd__seqiter_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_obj_t *seq = ((hd_seqiter_obj_t *)o)->seq;
    hd__xdecref(h, seq);
    hd__obj_free_block(h, o);
}

size_t hd__seqiter_sizeof(const hd_obj_t *o)
{
    (void)o;
    return SEQITER_BLOCK;
}

void hd__rangeiter_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd__obj_free_block(h, o);
}

size_t hd__rangeiter_sizeof(const hd_obj_t *o)
{
    (void)o;
    return sizeof(hd_rangeiter_obj_t);
}

int hd__rangeiter_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    (void)o, (void)visit, (void)arg;
    return 0;
}

/* dictiter_traverse: di_dict, di_result */
int hd__dictiter_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_dictiter_obj_t *it = (hd_dictiter_obj_t *)o;
    int rc = it->dict ? visit(it->dict, arg) : 0;
    if (!rc && it->result)
        rc = visit(it->result, arg);
    return rc;
}

void hd__dictiter_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_dictiter_obj_t *it = (hd_dictiter_obj_t *)o;
    hd_obj_t *d = it->dict, *r = it->result;
    hd__xdecref(h, d);
    hd__xdecref(h, r);
    hd__obj_free_block(h, o);
}

size_t hd__dictiter_sizeof(const hd_obj_t *o)
{
    (void)o;
    return DICTITER_BLOCK;
}

int hd__setiter_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_obj_t *s = ((hd_setiter_obj_t *)o)->set;
    return s ? visit(s, arg) : 0;
}

void hd__setiter_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_obj_t *s = ((hd_setiter_obj_t *)o)->set;
    hd__xdecref(h, s);
    hd__obj_free_block(h, o);
}

size_t hd__setiter_sizeof(const hd_obj_t *o)
{
    (void)o;
    return SETITER_BLOCK;
}

/* ---- dict views ---- */

int hd__dictview_new(hd_heap_t *h, hd_obj_t *dict, int which, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_DICTVIEW, VIEW_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    o->aux = (uint16_t)which;
    hd__incref(dict);
    ((hd_dictview_obj_t *)o)->dict = dict;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__dictview_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    return visit(((hd_dictview_obj_t *)o)->dict, arg);
}

void hd__dictview_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd__decref(h, ((hd_dictview_obj_t *)o)->dict);
    hd__obj_free_block(h, o);
}

size_t hd__dictview_sizeof(const hd_obj_t *o)
{
    (void)o;
    return VIEW_BLOCK;
}

/* ---- slices ---- */

int hd__slice_new(hd_heap_t *h, hd_obj_t *start, hd_obj_t *stop, hd_obj_t *step, hd_obj_t **out)
{
    hd_obj_t *o = h->slice_cache;
    if (o) {
        int rc = hd__objects_limit(h);
        if (rc)
            return rc;
        h->slice_cache = NULL;
        hd__obj_revive(h, o, HD_T_SLICE);
    } else {
        int rc = hd__obj_alloc(h, HD_T_SLICE, SLICE_BLOCK, sizeof(hd_gc_t), &o);
        if (rc)
            return rc;
    }
    hd_slice_obj_t *s = (hd_slice_obj_t *)o;
    s->start = start ? start : h->none;
    s->stop = stop ? stop : h->none;
    s->step = step ? step : h->none;
    hd__incref(s->start);
    hd__incref(s->stop);
    hd__incref(s->step);
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

/* slice_traverse: start, stop, step */
int hd__slice_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_slice_obj_t *s = (hd_slice_obj_t *)o;
    int rc = visit(s->start, arg);
    if (!rc)
        rc = visit(s->stop, arg);
    return rc ? rc : visit(s->step, arg);
}

/* slice_dealloc: step, start, stop; then the cache or the block */
void hd__slice_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_slice_obj_t *s = (hd_slice_obj_t *)o;
    hd__decref(h, s->step);
    hd__decref(h, s->start);
    hd__decref(h, s->stop);
    if (!h->slice_cache) {
        hd__obj_retire(h, o);
        h->slice_cache = o;
        return;
    }
    hd__obj_free_block(h, o);
}

size_t hd__slice_sizeof(const hd_obj_t *o)
{
    (void)o;
    return SLICE_BLOCK;
}

/* ---- enumerate, zip, reversed ----
 *
 * Their next() calls the script's iteration (a Python-level __next__ may
 * run), so it lives in the script language (objops.c); here are their
 * objects: enumerate and zip keep a result tuple that they reuse while
 * nobody else holds it, as enum_next and zip_next do. */

int hd__enum_alloc(hd_heap_t *h, int64_t start, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_ENUMERATE, ENUM_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_enum_obj_t *e = (hd_enum_obj_t *)o;
    e->index = start;
    /* until hd__enum_init, None stands for the iterator: a program that
     * finds the object (gc.get_objects() in a __del__ run by a collection
     * that the iterator's allocation started) and calls next() on it gets
     * a TypeError, where CPython's NULL en_sit would crash */
    hd__incref(e->sit = h->none);
    e->result = NULL;
    e->longindex = NULL;
    e->one = NULL;
    hd__gc_track(h, o); /* PyType_GenericAlloc tracks at once */
    *out = o;
    return 0;
}

int hd__enum_init(hd_heap_t *h, hd_obj_t *o, hd_obj_t *sit)
{
    hd_enum_obj_t *e = (hd_enum_obj_t *)o;
    hd_obj_t *items[2] = {h->none, h->none};
    hd__decref(h, e->sit);
    hd__incref(e->sit = sit);
    return hd_tuple_new(h, 2, items, &e->result); /* PyTuple_Pack(2, None, None) */
}

int hd__zip_new(hd_heap_t *h, hd_obj_t *ittuple, bool strict, hd_obj_t **out)
{
    int64_t n = hd_len(ittuple);
    hd_obj_t *none[64], *res, *o;
    for (int64_t i = 0; i < n && i < 64; i++)
        none[i] = h->none;
    int rc = hd_tuple_new(h, (size_t)(n < 64 ? n : 64), none, &res);
    if (rc) {
        hd__decref(h, ittuple);
        return rc;
    }
    if ((rc = hd__obj_alloc(h, HD_T_ZIP, ZIP_BLOCK, sizeof(hd_gc_t), &o))) {
        hd__decref(h, res);
        hd__decref(h, ittuple);
        return rc;
    }
    hd_zip_obj_t *z = (hd_zip_obj_t *)o;
    z->tuplesize = n;
    z->ittuple = ittuple;
    z->result = res;
    z->strict = strict;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__reviter_new(hd_heap_t *h, hd_obj_t *seq, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_REVITER, REVITER_BLOCK, sizeof(hd_gc_t), &o);
    if (rc)
        return rc;
    hd_reviter_obj_t *r = (hd_reviter_obj_t *)o;
    o->aux = seq->type == HD_T_LIST ? HD_REV_LIST : HD_REV_SEQ;
    r->index = hd_len(seq) - 1;
    hd__incref(r->seq = seq);
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__enum_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_enum_obj_t *e = (hd_enum_obj_t *)o;
    int rc = e->sit ? visit(e->sit, arg) : 0;
    if (!rc && e->result)
        rc = visit(e->result, arg);
    return rc;
}

void hd__enum_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_enum_obj_t *e = (hd_enum_obj_t *)o;
    hd__xdecref(h, e->sit);
    hd__xdecref(h, e->result);
    hd__xdecref(h, e->longindex);
    hd__obj_free_block(h, o);
}

size_t hd__enum_sizeof(const hd_obj_t *o)
{
    (void)o;
    return ENUM_BLOCK;
}

int hd__zip_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_zip_obj_t *z = (hd_zip_obj_t *)o;
    int rc = z->ittuple ? visit(z->ittuple, arg) : 0;
    if (!rc && z->result)
        rc = visit(z->result, arg);
    return rc;
}

void hd__zip_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_zip_obj_t *z = (hd_zip_obj_t *)o;
    hd__xdecref(h, z->ittuple);
    hd__xdecref(h, z->result);
    hd__obj_free_block(h, o);
}

size_t hd__zip_sizeof(const hd_obj_t *o)
{
    (void)o;
    return ZIP_BLOCK;
}

int hd__reviter_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_obj_t *seq = ((hd_reviter_obj_t *)o)->seq;
    return seq ? visit(seq, arg) : 0;
}

void hd__reviter_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd__xdecref(h, ((hd_reviter_obj_t *)o)->seq);
    hd__obj_free_block(h, o);
}

size_t hd__reviter_sizeof(const hd_obj_t *o)
{
    (void)o;
    return REVITER_BLOCK;
}

/* ---- map, filter ----
 *
 * Their next() calls the program's function, so it lives in the script
 * language (objops.c). Neither drops its iterators when exhausted. */

int hd__map_new(hd_heap_t *h, hd_obj_t *func, hd_obj_t *iters, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_MAP, MAP_BLOCK, sizeof(hd_gc_t), &o);
    if (rc) {
        hd__decref(h, iters);
        return rc;
    }
    hd_map_obj_t *m = (hd_map_obj_t *)o;
    m->iters = iters;
    hd__incref(m->func = func);
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__filter_new(hd_heap_t *h, hd_obj_t *func, hd_obj_t *it, hd_obj_t **out)
{
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_FILTER, FILTER_BLOCK, sizeof(hd_gc_t), &o);
    if (rc) {
        hd__decref(h, it);
        return rc;
    }
    hd_filter_obj_t *f = (hd_filter_obj_t *)o;
    hd__incref(f->func = func);
    f->it = it;
    hd__gc_track(h, o);
    *out = o;
    return 0;
}

int hd__map_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_map_obj_t *m = (hd_map_obj_t *)o; /* map_traverse: iters, then func */
    int rc = m->iters ? visit(m->iters, arg) : 0;
    if (!rc && m->func)
        rc = visit(m->func, arg);
    return rc;
}

void hd__map_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_map_obj_t *m = (hd_map_obj_t *)o;
    hd__xdecref(h, m->iters);
    hd__xdecref(h, m->func);
    hd__obj_free_block(h, o);
}

size_t hd__map_sizeof(const hd_obj_t *o)
{
    (void)o;
    return MAP_BLOCK;
}

int hd__filter_traverse(hd_obj_t *o, hd_visit_fn visit, void *arg)
{
    hd_filter_obj_t *f = (hd_filter_obj_t *)o; /* filter_traverse: it, then func */
    int rc = f->it ? visit(f->it, arg) : 0;
    if (!rc && f->func)
        rc = visit(f->func, arg);
    return rc;
}

void hd__filter_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    hd_filter_obj_t *f = (hd_filter_obj_t *)o;
    hd__xdecref(h, f->func);
    hd__xdecref(h, f->it);
    hd__obj_free_block(h, o);
}

size_t hd__filter_sizeof(const hd_obj_t *o)
{
    (void)o;
    return FILTER_BLOCK;
}
