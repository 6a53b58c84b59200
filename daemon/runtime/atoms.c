/*
 * atoms.c: the objects that hold no references: None, bool, int, float,
 * str, bytes and object(), with CPython 3.11's sizes and singletons.
 *
 * Singletons (flag HD_OF_STATIC) live outside the pools, as CPython's static
 * objects do: None, True, False, the small ints -5..256, the empty tuple,
 * str and bytes, one-character Latin-1 strs and one-byte bytes. They are
 * created on first use, hold one reference of the heap's own, and are freed
 * with the heap. Their memory counts as static_bytes, not as heap bytes.
 *
 * int: 30-bit digits as in CPython (24-byte header, 4 bytes per digit, at
 * least one digit). float: 24 bytes, with 3.11's free list of 100. str: the
 * compact layouts of 3.11 (ASCII: 48 + n + 1; otherwise 72 + (n + 1) * kind).
 * bytes: 33 + n.
 */
#include "heap_int.h"

#include <math.h>

/* ---- statics ---- */

static hd_obj_t *static_new(hd_heap_t *h, int type, size_t len)
{
    hd_obj_t *o = hd_mem_calloc(h->mem, 1, len);
    if (!o)
        return NULL;
    o->refcnt = 1;
    o->type = (uint8_t)type;
    o->flags = HD_OF_STATIC;
    h->static_bytes += len;
    return o;
}

static void int_set_small(hd_int_obj_t *io, int64_t v)
{
    uint64_t mag = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
    io->size = v == 0 ? 0 : (v < 0 ? -1 : 1);
    io->digits[0] = (uint32_t)mag;
}

static hd_obj_t *get_static(hd_heap_t *h, hd_obj_t **slot, int type, size_t len)
{
    if (!*slot)
        *slot = static_new(h, type, len);
    return *slot;
}

void hd_none(hd_heap_t *h, hd_obj_t **out)
{
    *out = h->none;
    hd__incref(*out);
}

void hd_bool(hd_heap_t *h, bool v, hd_obj_t **out)
{
    *out = v ? h->true_ : h->false_;
    hd__incref(*out);
}

hd_obj_t *hd__int_small(hd_heap_t *h, int64_t v)
{
    if (v < -HD_NSMALLNEG || v >= HD_NSMALLPOS)
        return NULL;
    hd_obj_t **slot = &h->small_ints[v + HD_NSMALLNEG];
    if (!*slot && get_static(h, slot, HD_T_INT, HD_INT_HEADER + 4))
        int_set_small((hd_int_obj_t *)*slot, v);
    return *slot;
}

/* ---- int ---- */

static size_t int_block_len(size_t ndigits)
{
    return HD_INT_HEADER + 4 * (ndigits ? ndigits : 1);
}

int hd_int_from_digits(hd_heap_t *h, int sign, const uint32_t *digits, size_t n, hd_obj_t **out)
{
    while (n > 0 && digits[n - 1] == 0)
        n--;
    if (n <= 1) {
        int64_t v = n ? (int64_t)digits[0] * (sign < 0 ? -1 : 1) : 0;
        hd_obj_t *small = hd__int_small(h, v);
        if (small) {
            hd__incref(small);
            *out = small;
            return 0;
        }
        if (v >= -HD_NSMALLNEG && v < HD_NSMALLPOS)
            return HD_ENOMEM;
    }
    hd_obj_t *o;
    int rc = hd__obj_alloc(h, HD_T_INT, int_block_len(n), 0, &o);
    if (rc)
        return rc;
    hd_int_obj_t *io = (hd_int_obj_t *)o;
    io->size = (int64_t)n * (sign < 0 ? -1 : 1);
    memcpy(io->digits, digits, n * 4);
    *out = o;
    return 0;
}

int hd_int_from_i64(hd_heap_t *h, int64_t v, hd_obj_t **out)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint32_t digits[3];
    size_t n = 0;
    while (mag) {
        digits[n++] = (uint32_t)(mag & HD_INT_MASK);
        mag >>= HD_INT_SHIFT;
    }
    return hd_int_from_digits(h, v < 0 ? -1 : 1, digits, n, out);
}

int hd_int_to_i64(const hd_obj_t *o, int64_t *out)
{
    if (o->type != HD_T_INT && o->type != HD_T_BOOL)
        return HD_ETYPE;
    const hd_int_obj_t *io = (const hd_int_obj_t *)o;
    int64_t n = io->size < 0 ? -io->size : io->size;
    if (n > 3)
        return HD_ERANGE;
    unsigned __int128 mag = 0;
    for (int64_t i = n - 1; i >= 0; i--)
        mag = (mag << HD_INT_SHIFT) | io->digits[i];
    if (io->size >= 0) {
        if (mag > (unsigned __int128)INT64_MAX)
            return HD_ERANGE;
        *out = (int64_t)mag;
    } else {
        if (mag > (unsigned __int128)INT64_MAX + 1)
            return HD_ERANGE;
        *out = (int64_t)(0 - (uint64_t)mag);
    }
    return 0;
}

/* ---- float ---- */

int hd_float_new(hd_heap_t *h, double v, hd_obj_t **out)
{
    hd_obj_t *o = h->float_free;
    if (o) {
        int rc = hd__objects_limit(h);
        if (rc)
            return rc;
        h->float_free = ((hd_float_obj_t *)o)->next_free;
        h->float_nfree--;
        hd__obj_revive(h, o, HD_T_FLOAT);
    } else {
        int rc = hd__obj_alloc(h, HD_T_FLOAT, sizeof(hd_float_obj_t), 0, &o);
        if (rc)
            return rc;
    }
    ((hd_float_obj_t *)o)->value = v;
    *out = o;
    return 0;
}

int hd_float_value(const hd_obj_t *o, double *out)
{
    if (o->type != HD_T_FLOAT)
        return HD_ETYPE;
    *out = ((const hd_float_obj_t *)o)->value;
    return 0;
}

/* ---- str ---- */

/* decode_utf8: code points of valid UTF-8 (no surrogates, no overlongs).
 * With cps NULL only counts. Returns the count or -1; *maxc = largest. */
static int64_t decode_utf8(const unsigned char *s, size_t len, uint32_t *cps, uint32_t *maxc)
{
    int64_t n = 0;
    *maxc = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c = s[i], need, min;
        if (c < 0x80) {
            need = 0, min = 0;
        } else if ((c & 0xe0) == 0xc0) {
            need = 1, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            need = 2, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            need = 3, min = 0x10000, c &= 0x07;
        } else {
            return -1;
        }
        for (uint32_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return -1;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return -1;
        if (cps)
            cps[n] = c;
        if (c > *maxc)
            *maxc = c;
        n++;
        i += need + 1;
    }
    return n;
}

static size_t str_block_len(int64_t n, uint32_t maxc)
{
    if (maxc < 0x80)
        return HD_STR_ASCII_HEADER + (size_t)n + 1;
    unsigned kind = maxc < 0x100 ? 1 : maxc < 0x10000 ? 2 : 4;
    return HD_STR_COMPACT_HEADER + ((size_t)n + 1) * kind;
}

void *hd__str_data(const hd_obj_t *o)
{
    const hd_str_obj_t *s = (const hd_str_obj_t *)o;
    return (char *)o + ((s->state & HD_STR_ASCII) ? HD_STR_ASCII_HEADER : HD_STR_COMPACT_HEADER);
}

uint32_t hd__str_char(const hd_obj_t *o, int64_t i)
{
    const hd_str_obj_t *s = (const hd_str_obj_t *)o;
    const void *d = hd__str_data(o);
    switch (HD_STR_KIND(s)) {
    case 1:
        return ((const uint8_t *)d)[i];
    case 2:
        return ((const uint16_t *)d)[i];
    default:
        return ((const uint32_t *)d)[i];
    }
}

/* str_fill: an uninitialised str block of n code points up to maxc. */
static void str_init(hd_obj_t *o, int64_t n, uint32_t maxc)
{
    hd_str_obj_t *s = (hd_str_obj_t *)o;
    unsigned kind = maxc < 0x100 ? 1 : maxc < 0x10000 ? 2 : 4;
    s->length = n;
    s->hash = -1;
    s->state = kind | (maxc < 0x80 ? HD_STR_ASCII : 0);
    s->pad = 0;
    s->wstr = 0;
    if (!(s->state & HD_STR_ASCII))
        memset((char *)o + HD_STR_ASCII_HEADER, 0, HD_STR_COMPACT_HEADER - HD_STR_ASCII_HEADER);
}

static void str_store(hd_obj_t *o, const uint32_t *cps, int64_t n)
{
    void *d = hd__str_data(o);
    switch (HD_STR_KIND((hd_str_obj_t *)o)) {
    case 1:
        for (int64_t i = 0; i < n; i++)
            ((uint8_t *)d)[i] = (uint8_t)cps[i];
        ((uint8_t *)d)[n] = 0;
        break;
    case 2:
        for (int64_t i = 0; i < n; i++)
            ((uint16_t *)d)[i] = (uint16_t)cps[i];
        ((uint16_t *)d)[n] = 0;
        break;
    default:
        memcpy(d, cps, (size_t)n * 4);
        ((uint32_t *)d)[n] = 0;
    }
}

/* hd__str_from_cps: a str of n code points (singletons for 0 and 1 Latin-1
 * character). New reference. */
int hd__str_from_cps(hd_heap_t *h, const uint32_t *cps, int64_t n, hd_obj_t **out)
{
    uint32_t maxc = 0;
    for (int64_t i = 0; i < n; i++)
        if (cps[i] > maxc)
            maxc = cps[i];
    hd_obj_t **slot = n == 0 ? &h->empty_str : (n == 1 && maxc < 0x100) ? &h->latin1[maxc] : NULL;
    if (slot && *slot) {
        hd__incref(*slot);
        *out = *slot;
        return 0;
    }
    hd_obj_t *o;
    size_t len = str_block_len(n, maxc);
    if (slot) {
        if (!(o = static_new(h, HD_T_STR, len)))
            return HD_ENOMEM;
        *slot = o;
        hd__incref(o);
    } else {
        int rc = hd__obj_alloc(h, HD_T_STR, len, 0, &o);
        if (rc)
            return rc;
    }
    str_init(o, n, maxc);
    str_store(o, cps, n);
    *out = o;
    return 0;
}

int hd_str_new(hd_heap_t *h, const char *utf8, size_t len, hd_obj_t **out)
{
    uint32_t maxc, stack[64];
    int64_t n = decode_utf8((const unsigned char *)utf8, len, NULL, &maxc);
    if (n < 0)
        return HD_EINVAL;
    uint32_t *cps = n <= 64 ? stack : hd_mem_malloc(h->mem, (size_t)n * 4);
    if (!cps)
        return HD_ENOMEM;
    decode_utf8((const unsigned char *)utf8, len, cps, &maxc);
    int rc = hd__str_from_cps(h, cps, n, out);
    if (cps != stack)
        hd_mem_free(h->mem, cps);
    return rc;
}

size_t hd__utf8_put(char *p, uint32_t c)
{
    if (c < 0x80) {
        p[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        p[0] = (char)(0xc0 | (c >> 6));
        p[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        p[0] = (char)(0xe0 | (c >> 12));
        p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        p[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    p[0] = (char)(0xf0 | (c >> 18));
    p[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    p[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    p[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

long hd_str_utf8(const hd_obj_t *o, char *buf, size_t len)
{
    if (o->type != HD_T_STR)
        return -1;
    const hd_str_obj_t *s = (const hd_str_obj_t *)o;
    size_t total = 0, w = 0;
    for (int64_t i = 0; i < s->length; i++) {
        char tmp[4];
        size_t k = hd__utf8_put(tmp, hd__str_char(o, i));
        if (len && w + k < len) {
            memcpy(buf + w, tmp, k);
            w += k;
        }
        total += k;
    }
    if (len)
        buf[w] = '\0';
    return (long)total;
}

/* ---- bytes ---- */

int hd_bytes_new(hd_heap_t *h, const void *data, size_t len, hd_obj_t **out)
{
    hd_obj_t **slot = len == 0   ? &h->empty_bytes
                      : len == 1 ? &h->bytes1[*(const unsigned char *)data]
                                 : NULL;
    if (slot && *slot) {
        hd__incref(*slot);
        *out = *slot;
        return 0;
    }
    hd_obj_t *o;
    size_t block = HD_BYTES_HEADER + len + 1;
    if (slot) {
        if (!(o = static_new(h, HD_T_BYTES, block)))
            return HD_ENOMEM;
        *slot = o;
        hd__incref(o);
    } else {
        int rc = hd__obj_alloc(h, HD_T_BYTES, block, 0, &o);
        if (rc)
            return rc;
    }
    hd_bytes_obj_t *b = (hd_bytes_obj_t *)o;
    b->size = (int64_t)len;
    b->hash = -1;
    memcpy(b->data, data, len);
    b->data[len] = '\0';
    *out = o;
    return 0;
}

/* ---- object() ---- */

int hd_object_new(hd_heap_t *h, hd_obj_t **out)
{
    return hd__obj_alloc(h, HD_T_OBJECT, sizeof(hd_obj_t), 0, out);
}

/* ---- type-table functions ---- */

size_t hd__atom_sizeof(const hd_obj_t *o)
{
    switch (o->type) {
    case HD_T_NONE:
    case HD_T_OBJECT:
        return 16;
    case HD_T_BOOL:
        return 28;
    case HD_T_INT: {
        int64_t n = ((const hd_int_obj_t *)o)->size;
        return int_block_len((size_t)(n < 0 ? -n : n));
    }
    case HD_T_FLOAT:
        return 24;
    case HD_T_STR: {
        const hd_str_obj_t *s = (const hd_str_obj_t *)o;
        if (s->state & HD_STR_ASCII)
            return HD_STR_ASCII_HEADER + (size_t)s->length + 1;
        return HD_STR_COMPACT_HEADER + ((size_t)s->length + 1) * HD_STR_KIND(s);
    }
    case HD_T_BYTES:
        return HD_BYTES_HEADER + (size_t)((const hd_bytes_obj_t *)o)->size + 1;
    }
    return 0;
}

/* ---- interned strings ---- */

#define INTERN_TOMB ((hd_obj_t *)(uintptr_t)1)

static bool str_same(hd_obj_t *a, hd_obj_t *b)
{
    int64_t n = hd_len(a);
    if (n != hd_len(b))
        return false;
    for (int64_t i = 0; i < n; i++)
        if (hd__str_char(a, i) != hd__str_char(b, i))
            return false;
    return true;
}

/* intern_slot: the slot holding a str equal to s, or the first free slot
 * of its probe sequence (*found says which) */
static uint64_t intern_slot(hd_heap_t *h, hd_obj_t *s, uint64_t hash, bool *found)
{
    uint64_t i = hash & h->interned_mask, perturb = hash, free_slot = UINT64_MAX;
    for (;;) {
        hd_obj_t *e = h->interned[i];
        if (!e) {
            *found = false;
            return free_slot != UINT64_MAX ? free_slot : i;
        }
        if (e == INTERN_TOMB) {
            if (free_slot == UINT64_MAX)
                free_slot = i;
        } else if (e == s || str_same(e, s)) {
            *found = true;
            return i;
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & h->interned_mask;
    }
}

static int intern_grow(hd_heap_t *h)
{
    uint64_t size = h->interned ? (h->interned_mask + 1) * 2 : 64;
    while (h->interned_used * 3 >= size)
        size *= 2;
    hd_obj_t **old = h->interned;
    uint64_t oldsize = old ? h->interned_mask + 1 : 0;
    hd_obj_t **slots = hd_mem_calloc(h->mem, size, sizeof(*slots));
    if (!slots)
        return HD_ENOMEM;
    h->interned = slots;
    h->interned_mask = size - 1;
    h->interned_fill = h->interned_used;
    for (uint64_t k = 0; k < oldsize; k++) {
        if (old[k] && old[k] != INTERN_TOMB) {
            int64_t hash;
            bool found;
            (void)hd__str_hash(old[k], &hash);
            slots[intern_slot(h, old[k], (uint64_t)hash, &found)] = old[k];
        }
    }
    hd_mem_free(h->mem, old);
    return 0;
}

int hd__str_intern(hd_heap_t *h, hd_obj_t *s, hd_obj_t **out)
{
    int64_t hash;
    bool found;
    if (s->flags & HD_OF_INTERNED) {
        hd__incref(s);
        *out = s;
        return 0;
    }
    (void)hd__str_hash(s, &hash);
    if ((!h->interned || (h->interned_fill + 1) * 3 >= (h->interned_mask + 1) * 2) &&
        intern_grow(h))
        return HD_ENOMEM;
    uint64_t i = intern_slot(h, s, (uint64_t)hash, &found);
    if (!found) {
        if (!h->interned[i])
            h->interned_fill++;
        h->interned[i] = s;
        h->interned_used++;
        s->flags |= HD_OF_INTERNED;
    }
    *out = h->interned[i];
    hd__incref(*out);
    return 0;
}

void hd__str_unintern(hd_heap_t *h, hd_obj_t *s)
{
    int64_t hash;
    bool found;
    (void)hd__str_hash(s, &hash);
    uint64_t i = intern_slot(h, s, (uint64_t)hash, &found);
    if (found && h->interned[i] == s) {
        h->interned[i] = INTERN_TOMB;
        h->interned_used--;
    }
    s->flags &= (uint8_t)~HD_OF_INTERNED;
}

void hd__interned_fini(hd_heap_t *h)
{
    hd_mem_free(h->mem, h->interned);
    h->interned = NULL;
}

void hd__atom_dealloc(hd_heap_t *h, hd_obj_t *o)
{
    if (o->flags & HD_OF_INTERNED)
        hd__str_unintern(h, o);
    if (o->type == HD_T_FLOAT && h->float_nfree < HD_FLOAT_MAXFREELIST) {
        hd__obj_retire(h, o);
        ((hd_float_obj_t *)o)->next_free = h->float_free;
        h->float_free = o;
        h->float_nfree++;
        return;
    }
    hd__obj_free_block(h, o);
}

/* hd__statics_init: the singletons every heap needs at once. */
int hd__statics_init(hd_heap_t *h)
{
    h->none = static_new(h, HD_T_NONE, 16);
    h->true_ = static_new(h, HD_T_BOOL, HD_INT_HEADER + 4);
    h->false_ = static_new(h, HD_T_BOOL, HD_INT_HEADER + 4);
    h->empty_tuple = static_new(h, HD_T_TUPLE, sizeof(hd_gc_t) + sizeof(hd_tuple_obj_t));
    h->dummy = static_new(h, HD_T_OBJECT, 16);
    if (!h->none || !h->true_ || !h->false_ || !h->empty_tuple || !h->dummy)
        return HD_ENOMEM;
    int_set_small((hd_int_obj_t *)h->true_, 1);
    int_set_small((hd_int_obj_t *)h->false_, 0);
    /* the empty tuple's object header follows its (unused) GC header */
    hd_obj_t *et = (hd_obj_t *)((char *)h->empty_tuple + sizeof(hd_gc_t));
    memcpy(et, h->empty_tuple, sizeof(hd_obj_t));
    memset(h->empty_tuple, 0, sizeof(hd_gc_t));
    ((hd_tuple_obj_t *)et)->size = 0;
    h->empty_tuple = et;
    return 0;
}

static void static_free(hd_heap_t *h, hd_obj_t *o)
{
    if (!o)
        return;
    void *start = o->type == HD_T_TUPLE ? (char *)o - sizeof(hd_gc_t) : (void *)o;
    hd_mem_free(h->mem, start);
}

void hd__statics_fini(hd_heap_t *h)
{
    static_free(h, h->none);
    static_free(h, h->true_);
    static_free(h, h->false_);
    static_free(h, h->empty_tuple);
    static_free(h, h->empty_str);
    static_free(h, h->empty_bytes);
    static_free(h, h->dummy);
    for (int i = 0; i < HD_NSMALLNEG + HD_NSMALLPOS; i++)
        static_free(h, h->small_ints[i]);
    for (int i = 0; i < 256; i++) {
        static_free(h, h->latin1[i]);
        static_free(h, h->bytes1[i]);
    }
}
