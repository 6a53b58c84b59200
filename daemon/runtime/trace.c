/*
 * trace.c: allocation tracing in tracemalloc's model (see trace.h).
 *
 * Layout.
 *
 *   - The traces: one open-addressing table of 16-byte entries
 *     {block address, u32 requested size, u16 site, u16 kind}, keyed by the
 *     address (0 marks an empty slot). Linear probing from a slot chosen by
 *     CPython's _Py_HashPointer (rotate the address right by 4, dropping the
 *     alignment bits) followed by a Fibonacci multiply whose top bits pick
 *     the slot: blocks of one pool size class lie at a fixed stride, and a
 *     plain mask of the rotated address would send the blocks of different
 *     pools to the same slots. Deletion shifts the following entries back
 *     (no tombstones), so a long alloc/free churn never slows probing.
 *     The table is allocated on the first trace, doubles past 3/4 load and
 *     halves under 1/8 load (on remove; a failed shrink is simply skipped).
 *   - Sizes of 4 GiB - 1 or more do not fit the entry: it holds BIG_SIZE and
 *     the real size sits in a small unsorted side list `big` (each such
 *     block really holds 4 GiB, so the list is tiny and scanned linearly).
 *   - Names: two intern tables (sites, kinds), each an array indexed by id
 *     plus an open-addressing index of id + 1. Sites are kept in canonical
 *     form "FILENAME:LINE" with the filename length and line parsed, and
 *     with the id of their file's "FILENAME:0" site for BY_FILE grouping.
 *     Names are never freed before the tracer, so their strings can be lent
 *     out for the tracer's life.
 *   - Snapshots: a fixed array of HD_TRACE_MAX_SNAPSHOTS slots, each holding
 *     the traces aggregated per (site, kind), sorted by (site, kind).
 *     Statistics regroup those totals by site, file or kind, and sort them
 *     with tracemalloc's keys.
 *
 * Invariants (checked by hd_trace_validate):
 *   - cap is 0 or a power of two >= TABLE_MIN_CAP; count * 4 <= cap * 3, so
 *     there is always an empty slot and every probe ends;
 *   - every entry is reachable from its home slot without crossing an empty
 *     slot; its site and kind ids are interned;
 *   - current is the sum of the requested sizes of the entries, <= peak;
 *     not tracing implies no traces and current = peak = 0;
 *   - the entries holding BIG_SIZE are exactly the keys of `big`;
 *   - names[0] is "<unknown>:0" / "<unknown>"; every name is found by its
 *     text in its index; a site's file id names "FILENAME:0".
 *
 * Atomicity: every function that can fail gets all its memory first, then
 * changes state in a way that cannot fail. Growing a capacity is not a
 * visible change.
 *
 * The file runs past the 800-line aim: it is one module whose sections
 * (table, names, snapshots, statistics, printed forms, validation) share
 * the private types above; splitting it would only add a trace_int.h.
 */
#include "trace.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define TABLE_MIN_CAP 64
#define BIG_SIZE      UINT32_MAX /* entry size marker: the size is in `big` */
#define NOT_FOUND     SIZE_MAX
#define NO_ID         UINT32_MAX
#define FIB64         0x9E3779B97F4A7C15ull /* 2^64 / golden ratio */

typedef struct entry {
    uintptr_t key; /* block address; 0 = empty slot */
    uint32_t size; /* requested bytes, or BIG_SIZE */
    uint16_t site;
    uint16_t kind;
} entry_t;

typedef struct big {
    uintptr_t key; /* block address of an entry holding BIG_SIZE */
    uint64_t size;
} big_t;

typedef struct name {
    char *text;       /* owned; NUL-terminated, canonical */
    uint32_t len;     /* strlen(text) */
    uint32_t hash;    /* str_hash(text) */
    uint32_t filelen; /* sites: bytes of the filename part; kinds: len */
    uint32_t lineno;  /* sites: the line; kinds: 0 */
    uint32_t file;    /* sites: id of "FILENAME:0"; kinds: own id */
} name_t;

typedef struct names {
    name_t *v; /* owned; v[id], n used of cap */
    uint32_t n, cap;
    uint32_t *index;   /* owned; icap slots of id + 1, 0 = empty */
    uint32_t icap;     /* power of two */
    size_t text_bytes; /* sum of the text allocations */
} names_t;

typedef struct group {
    uint16_t site, kind;
    uint64_t size;  /* sum of requested sizes */
    uint64_t count; /* blocks; >= 1 (0 marks a free slot while aggregating) */
} group_t;

typedef struct snapshot {
    uint64_t id;     /* 0 = free slot */
    size_t n;        /* groups */
    group_t *groups; /* owned; n groups sorted by (site, kind); NULL if n == 0 */
} snapshot_t;

struct hd_trace {
    hd_mem_t *mem;  /* borrowed; outlives the tracer */
    entry_t *table; /* owned; cap slots, NULL when cap == 0 */
    size_t cap, count;
    unsigned shift; /* 64 - log2(cap) */
    big_t *big;     /* owned; nbig used of bigcap */
    size_t nbig, bigcap;
    size_t current, peak;
    int tracing;
    names_t sites, kinds;
    snapshot_t snaps[HD_TRACE_MAX_SNAPSHOTS];
    uint64_t last_snap; /* id of the last snapshot taken */
};

/* ===================================================================== */
/* The trace table                                                       */
/* ===================================================================== */

/* home: the first slot probed for `key` (cap > 0). */
static inline size_t home(const hd_trace_t *t, uintptr_t key)
{
    uint64_t y = (uint64_t)key;
    y = (y >> 4) | (y << 60); /* _Py_HashPointer */
    return (size_t)((y * FIB64) >> t->shift);
}

/* probe: the slot of `key`, or the empty slot where it would go (cap > 0). */
static inline size_t probe(const hd_trace_t *t, uintptr_t key)
{
    size_t mask = t->cap - 1;
    size_t i = home(t, key);
    while (t->table[i].key != key && t->table[i].key != 0)
        i = (i + 1) & mask;
    return i;
}

static unsigned log2_of(size_t pow2)
{
    unsigned b = 0;
    while (((size_t)1 << b) < pow2)
        b++;
    return b;
}

/* table_resize: rehash into `newcap` slots (a power of two that keeps the
 * load under 3/4). Returns 0 or HD_ENOMEM (the table is unchanged). */
static int table_resize(hd_trace_t *t, size_t newcap)
{
    entry_t *old = t->table;
    size_t oldcap = t->cap;
    entry_t *fresh = hd_mem_calloc(t->mem, newcap, sizeof(*fresh));
    if (!fresh)
        return HD_ENOMEM;
    t->table = fresh;
    t->cap = newcap;
    t->shift = 64 - log2_of(newcap);
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].key)
            t->table[probe(t, old[i].key)] = old[i];
    }
    hd_mem_free(t->mem, old);
    return 0;
}

/* table_room: make room for `extra` more entries. 0 or HD_ENOMEM. */
static int table_room(hd_trace_t *t, size_t extra)
{
    if (extra > SIZE_MAX / 8 - t->count)
        return HD_ENOMEM;
    size_t need = t->count + extra;
    if (need * 4 <= t->cap * 3)
        return 0;
    size_t cap = t->cap ? t->cap : TABLE_MIN_CAP;
    while (need * 4 > cap * 3)
        cap *= 2;
    return table_resize(t, cap);
}

/* table_delete_at: empty slot i by shifting back the entries after it that
 * probed past it (Knuth's algorithm R). */
static void table_delete_at(hd_trace_t *t, size_t i)
{
    size_t mask = t->cap - 1;
    for (size_t j = (i + 1) & mask; t->table[j].key != 0; j = (j + 1) & mask) {
        size_t dist_home = (j - home(t, t->table[j].key)) & mask;
        if (dist_home >= ((j - i) & mask)) {
            t->table[i] = t->table[j];
            i = j;
        }
    }
    t->table[i].key = 0;
    t->count--;
}

/* ---- the side list of sizes >= BIG_SIZE ---- */

static size_t big_find(const hd_trace_t *t, uintptr_t key)
{
    for (size_t i = 0; i < t->nbig; i++) {
        if (t->big[i].key == key)
            return i;
    }
    return NOT_FOUND;
}

static int big_room(hd_trace_t *t, size_t extra)
{
    if (t->nbig + extra <= t->bigcap)
        return 0;
    size_t cap = t->bigcap ? t->bigcap : 4;
    while (cap < t->nbig + extra)
        cap *= 2;
    big_t *p = hd_mem_realloc(t->mem, t->big, cap * sizeof(*p));
    if (!p)
        return HD_ENOMEM;
    t->big = p;
    t->bigcap = cap;
    return 0;
}

static size_t entry_size(const hd_trace_t *t, const entry_t *e)
{
    if (e->size != BIG_SIZE)
        return e->size;
    size_t b = big_find(t, e->key);
    assert(b != NOT_FOUND);
    return (size_t)t->big[b].size;
}

/* entry_set: give entry e a new size, site and kind. Cannot fail: when the
 * size is big and e had no big record, big_room(t, 1) must have succeeded. */
static void entry_set(hd_trace_t *t, entry_t *e, size_t requested, uint32_t site, uint32_t kind)
{
    size_t b = e->size == BIG_SIZE ? big_find(t, e->key) : NOT_FOUND;
    if (requested >= BIG_SIZE) {
        if (b == NOT_FOUND) {
            assert(t->nbig < t->bigcap);
            b = t->nbig++;
            t->big[b].key = e->key;
        }
        t->big[b].size = requested;
        e->size = BIG_SIZE;
    } else {
        if (b != NOT_FOUND)
            t->big[b] = t->big[--t->nbig];
        e->size = (uint32_t)requested;
    }
    e->site = (uint16_t)site;
    e->kind = (uint16_t)kind;
}

/* entry_drop: remove the trace in slot i and its size from current. */
static void entry_drop(hd_trace_t *t, size_t i)
{
    entry_t *e = &t->table[i];
    size_t size = entry_size(t, e);
    if (e->size == BIG_SIZE)
        entry_set(t, e, 0, 0, 0); /* drops the big record */
    t->current -= size;
    table_delete_at(t, i);
}

/* needs_big_slot: whether recording `requested` for `key` needs a new slot
 * in `big` that is not there: a big size, no free slot, and no record of
 * `key` (nor of `freed`, a key about to be dropped) to reuse. */
static int needs_big_slot(const hd_trace_t *t, uintptr_t key, uintptr_t freed, size_t requested)
{
    if (requested < BIG_SIZE || t->nbig < t->bigcap)
        return 0;
    return big_find(t, key) == NOT_FOUND && (freed == 0 || big_find(t, freed) == NOT_FOUND);
}

/* add_trace: tracemalloc_add_trace. Replaces an existing trace of `key`.
 * Returns 0 or HD_ENOMEM (nothing changed). */
static int add_trace(hd_trace_t *t, uintptr_t key, size_t requested, uint32_t site, uint32_t kind)
{
    if (needs_big_slot(t, key, 0, requested) && big_room(t, 1) < 0)
        return HD_ENOMEM;
    size_t old = 0;
    size_t i = t->cap ? probe(t, key) : 0;
    if (t->cap == 0 || t->table[i].key == 0) {
        if ((t->count + 1) * 4 > t->cap * 3) {
            if (table_room(t, 1) < 0)
                return HD_ENOMEM;
            i = probe(t, key);
        }
        t->table[i].key = key;
        t->table[i].size = 0;
        t->count++;
    } else {
        old = entry_size(t, &t->table[i]);
    }
    entry_set(t, &t->table[i], requested, site, kind);
    t->current = t->current - old + requested;
    if (t->current > t->peak)
        t->peak = t->current;
    return 0;
}

static int ids_valid(const hd_trace_t *t, uint32_t site, uint32_t kind)
{
    return site < t->sites.n && kind < t->kinds.n;
}

int hd_trace_add(hd_trace_t *trace, const void *block, size_t requested, uint32_t site,
                 uint32_t kind)
{
    if (!trace->tracing)
        return 0;
    if (!block || !ids_valid(trace, site, kind))
        return HD_EINVAL;
    return add_trace(trace, (uintptr_t)block, requested, site, kind);
}

void hd_trace_remove(hd_trace_t *trace, const void *block)
{
    if (!block || trace->count == 0)
        return;
    size_t i = probe(trace, (uintptr_t)block);
    if (trace->table[i].key == 0)
        return;
    entry_drop(trace, i);
    if (trace->cap > TABLE_MIN_CAP && trace->count * 8 < trace->cap)
        (void)table_resize(trace, trace->cap / 2); /* on failure keep the larger table */
}

int hd_trace_realloc(hd_trace_t *trace, const void *old_block, const void *new_block,
                     size_t requested, uint32_t site, uint32_t kind)
{
    if (!trace->tracing)
        return 0;
    if (!new_block || !ids_valid(trace, site, kind))
        return HD_EINVAL;
    uintptr_t okey = (uintptr_t)old_block, nkey = (uintptr_t)new_block;
    if (okey == nkey)
        okey = 0; /* in place: nothing to remove, the add replaces */
    /* Get the memory the add may need before the remove changes anything.
     * The table needs none when the old block is traced: its slot is freed. */
    if (needs_big_slot(trace, nkey, okey, requested) && big_room(trace, 1) < 0)
        return HD_ENOMEM;
    if (okey != 0 && trace->count > 0) {
        size_t i = probe(trace, okey);
        if (trace->table[i].key == okey)
            entry_drop(trace, i); /* frees a slot: the add below needs no memory */
    }
    return add_trace(trace, nkey, requested, site, kind);
}

int hd_trace_reserve(hd_trace_t *trace, size_t n)
{
    /* Room in `big` for one block: reserving n there would cost 16 bytes per
     * block for sizes that (needing 4 GiB each) are all but absent. */
    if (table_room(trace, n) < 0 || big_room(trace, n ? 1 : 0) < 0)
        return HD_ENOMEM;
    return 0;
}

int hd_trace_get(const hd_trace_t *trace, const void *block, size_t *requested, uint32_t *site,
                 uint32_t *kind)
{
    if (!block || trace->count == 0)
        return HD_ENOTFOUND;
    const entry_t *e = &trace->table[probe(trace, (uintptr_t)block)];
    if (e->key == 0)
        return HD_ENOTFOUND;
    if (requested)
        *requested = entry_size(trace, e);
    if (site)
        *site = e->site;
    if (kind)
        *kind = e->kind;
    return 0;
}

/* ===================================================================== */
/* Tracing state                                                         */
/* ===================================================================== */

void hd_trace_start(hd_trace_t *trace)
{
    trace->tracing = 1;
}

void hd_trace_clear(hd_trace_t *trace)
{
    hd_mem_free(trace->mem, trace->table);
    hd_mem_free(trace->mem, trace->big);
    trace->table = NULL;
    trace->big = NULL;
    trace->cap = trace->count = trace->nbig = trace->bigcap = 0;
    trace->current = trace->peak = 0;
}

void hd_trace_stop(hd_trace_t *trace)
{
    hd_trace_clear(trace);
    trace->tracing = 0;
}

int hd_trace_is_tracing(const hd_trace_t *trace)
{
    return trace->tracing;
}

const int *hd_trace_flag(const hd_trace_t *trace)
{
    return &trace->tracing;
}

void hd_trace_reset_peak(hd_trace_t *trace)
{
    if (trace->tracing)
        trace->peak = trace->current;
}

void hd_trace_memory(const hd_trace_t *trace, size_t *current, size_t *peak)
{
    if (current)
        *current = trace->current;
    if (peak)
        *peak = trace->peak;
}

size_t hd_trace_count(const hd_trace_t *trace)
{
    return trace->count;
}

/* ===================================================================== */
/* Interned names                                                        */
/* ===================================================================== */

/* str_hash: FNV-1a. */
static uint32_t str_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static uint32_t names_find(const names_t *nm, const char *s, size_t len, uint32_t h)
{
    if (nm->icap == 0)
        return NO_ID;
    uint32_t mask = nm->icap - 1;
    for (uint32_t i = h & mask; nm->index[i] != 0; i = (i + 1) & mask) {
        const name_t *x = &nm->v[nm->index[i] - 1];
        if (x->hash == h && x->len == len && memcmp(x->text, s, len) == 0)
            return nm->index[i] - 1;
    }
    return NO_ID;
}

static void index_put(uint32_t *index, uint32_t icap, uint32_t h, uint32_t id)
{
    uint32_t i = h & (icap - 1);
    while (index[i] != 0)
        i = (i + 1) & (icap - 1);
    index[i] = id + 1;
}

/* names_room: capacity for `extra` more names. Returns 0, HD_ELIMIT (ids
 * exhausted) or HD_ENOMEM; only capacities change. */
static int names_room(hd_mem_t *mem, names_t *nm, uint32_t extra)
{
    uint32_t need = nm->n + extra;
    if (need > HD_TRACE_MAX_NAMES)
        return HD_ELIMIT;
    if (need > nm->cap) {
        uint32_t cap = nm->cap ? nm->cap : 16;
        while (cap < need)
            cap *= 2;
        name_t *v = hd_mem_realloc(mem, nm->v, (size_t)cap * sizeof(*v));
        if (!v)
            return HD_ENOMEM;
        nm->v = v;
        nm->cap = cap;
    }
    if ((uint64_t)need * 4 <= (uint64_t)nm->icap * 3)
        return 0;
    uint32_t icap = nm->icap ? nm->icap : 32;
    while ((uint64_t)need * 4 > (uint64_t)icap * 3)
        icap *= 2;
    uint32_t *index = hd_mem_calloc(mem, icap, sizeof(*index));
    if (!index)
        return HD_ENOMEM;
    for (uint32_t id = 0; id < nm->n; id++)
        index_put(index, icap, nm->v[id].hash, id);
    hd_mem_free(mem, nm->index);
    nm->index = index;
    nm->icap = icap;
    return 0;
}

/* names_push: append a name whose room was made; takes ownership of text.
 * Returns the new id. */
static uint32_t names_push(names_t *nm, char *text, size_t len, uint32_t filelen, uint32_t lineno,
                           uint32_t file)
{
    assert(nm->n < nm->cap);
    uint32_t id = nm->n++;
    name_t *x = &nm->v[id];
    x->text = text;
    x->len = (uint32_t)len;
    x->hash = str_hash(text, len);
    x->filelen = filelen;
    x->lineno = lineno;
    x->file = file == NO_ID ? id : file;
    nm->text_bytes += len + 1;
    index_put(nm->index, nm->icap, x->hash, id);
    return id;
}

static char *copy_text(hd_mem_t *mem, const char *s, size_t len)
{
    char *p = hd_mem_malloc(mem, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static void names_close(hd_mem_t *mem, names_t *nm)
{
    for (uint32_t i = 0; i < nm->n; i++)
        hd_mem_free(mem, nm->v[i].text);
    hd_mem_free(mem, nm->v);
    hd_mem_free(mem, nm->index);
}

/* last_colon: the last ':' of s[0..len), or NULL. */
static const char *last_colon(const char *s, size_t len)
{
    while (len > 0) {
        if (s[--len] == ':')
            return s + len;
    }
    return NULL;
}

/* parse_site: split "FILENAME:LINE" at the last ':' when only digits
 * follow it; otherwise the whole string is the filename and the line is 0.
 * Returns 0 or HD_ERANGE (LINE over UINT32_MAX). */
static int parse_site(const char *s, size_t len, size_t *filelen, uint32_t *lineno)
{
    *filelen = len;
    *lineno = 0;
    const char *colon = last_colon(s, len);
    if (!colon || colon + 1 == s + len)
        return 0;
    uint64_t line = 0;
    for (const char *p = colon + 1; p < s + len; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        if (line <= UINT32_MAX) /* stop growing once out of range: no overflow */
            line = line * 10 + (uint64_t)(*p - '0');
    }
    if (line > UINT32_MAX)
        return HD_ERANGE;
    *filelen = (size_t)(colon - s);
    *lineno = (uint32_t)line;
    return 0;
}

/* intern_new_site: add "FILE:LINE" (canonical, absent) and, if absent too,
 * its "FILE:0". Returns 0, HD_ELIMIT or HD_ENOMEM with nothing added. */
static int intern_new_site(hd_trace_t *t, const char *canon, size_t len, size_t filelen,
                           uint32_t lineno, uint32_t *site_id)
{
    char file0[HD_TRACE_NAME_MAX + 16];
    memcpy(file0, canon, filelen);
    memcpy(file0 + filelen, ":0", 3);
    size_t file0len = filelen + 2;
    uint32_t file =
        lineno ? names_find(&t->sites, file0, file0len, str_hash(file0, file0len)) : NO_ID;
    int need_file = lineno != 0 && file == NO_ID;
    int rc = names_room(t->mem, &t->sites, need_file ? 2 : 1);
    if (rc < 0)
        return rc;
    char *text = copy_text(t->mem, canon, len);
    char *ftext = need_file ? copy_text(t->mem, file0, file0len) : NULL;
    if (!text || (need_file && !ftext)) {
        hd_mem_free(t->mem, text);
        hd_mem_free(t->mem, ftext);
        return HD_ENOMEM;
    }
    if (need_file)
        file = names_push(&t->sites, ftext, file0len, (uint32_t)filelen, 0, NO_ID);
    *site_id = names_push(&t->sites, text, len, (uint32_t)filelen, lineno, file);
    return 0;
}

int hd_trace_intern_site(hd_trace_t *trace, const char *site, uint32_t *site_id)
{
    size_t len = strlen(site), filelen;
    uint32_t lineno;
    if (len > HD_TRACE_NAME_MAX)
        return HD_ELIMIT;
    int rc = parse_site(site, len, &filelen, &lineno);
    if (rc < 0)
        return rc;
    char canon[HD_TRACE_NAME_MAX + 16];
    memcpy(canon, site, filelen);
    int n = snprintf(canon + filelen, sizeof(canon) - filelen, ":%" PRIu32, lineno);
    size_t clen = filelen + (size_t)n;
    if (clen > HD_TRACE_NAME_MAX)
        return HD_ELIMIT;
    uint32_t id = names_find(&trace->sites, canon, clen, str_hash(canon, clen));
    if (id != NO_ID) {
        *site_id = id;
        return 0;
    }
    return intern_new_site(trace, canon, clen, filelen, lineno, site_id);
}

int hd_trace_intern_kind(hd_trace_t *trace, const char *kind, uint32_t *kind_id)
{
    size_t len = strlen(kind);
    if (len > HD_TRACE_NAME_MAX)
        return HD_ELIMIT;
    uint32_t id = names_find(&trace->kinds, kind, len, str_hash(kind, len));
    if (id != NO_ID) {
        *kind_id = id;
        return 0;
    }
    int rc = names_room(trace->mem, &trace->kinds, 1);
    if (rc < 0)
        return rc;
    char *text = copy_text(trace->mem, kind, len);
    if (!text)
        return HD_ENOMEM;
    *kind_id = names_push(&trace->kinds, text, len, (uint32_t)len, 0, NO_ID);
    return 0;
}

int hd_trace_site_lookup(const hd_trace_t *trace, uint32_t site_id, const char **text,
                         size_t *filename_len, uint32_t *lineno)
{
    if (site_id >= trace->sites.n)
        return HD_ENOTFOUND;
    const name_t *x = &trace->sites.v[site_id];
    if (text)
        *text = x->text;
    if (filename_len)
        *filename_len = x->filelen;
    if (lineno)
        *lineno = x->lineno;
    return 0;
}

int hd_trace_kind_lookup(const hd_trace_t *trace, uint32_t kind_id, const char **name)
{
    if (kind_id >= trace->kinds.n)
        return HD_ENOTFOUND;
    if (name)
        *name = trace->kinds.v[kind_id].text;
    return 0;
}

/* ===================================================================== */
/* Lifecycle                                                             */
/* ===================================================================== */

int hd_trace_new(hd_mem_t *mem, hd_trace_t **out)
{
    hd_trace_t *t = hd_mem_calloc(mem, 1, sizeof(*t));
    if (!t)
        return HD_ENOMEM;
    t->mem = mem;
    uint32_t id;
    if (intern_new_site(t, "<unknown>:0", 11, 9, 0, &id) < 0 ||
        hd_trace_intern_kind(t, "<unknown>", &id) < 0) {
        hd_trace_free(t);
        return HD_ENOMEM;
    }
    assert(id == HD_TRACE_UNKNOWN);
    *out = t;
    return 0;
}

void hd_trace_free(hd_trace_t *trace)
{
    if (!trace)
        return;
    hd_trace_clear(trace);
    names_close(trace->mem, &trace->sites);
    names_close(trace->mem, &trace->kinds);
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++)
        hd_mem_free(trace->mem, trace->snaps[i].groups);
    hd_mem_free(trace->mem, trace);
}

size_t hd_trace_inspector_bytes(const hd_trace_t *trace)
{
    size_t n = sizeof(*trace);
    n += trace->cap * sizeof(entry_t) + trace->bigcap * sizeof(big_t);
    const names_t *tabs[2] = {&trace->sites, &trace->kinds};
    for (int i = 0; i < 2; i++) {
        n += (size_t)tabs[i]->cap * sizeof(name_t) + (size_t)tabs[i]->icap * sizeof(uint32_t);
        n += tabs[i]->text_bytes;
    }
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++)
        n += trace->snaps[i].n * sizeof(group_t);
    return n;
}

/* ===================================================================== */
/* Snapshots                                                             */
/* ===================================================================== */

static size_t group_home(uint32_t key, unsigned bits)
{
    return (size_t)(((uint64_t)key * FIB64) >> (64 - bits));
}

/* agg_put: add to the group (site, kind) of an aggregation table of 2^bits
 * slots. Returns 1 when it made a new group, else 0. */
static int agg_put(group_t *agg, unsigned bits, uint16_t site, uint16_t kind, uint64_t size,
                   uint64_t count)
{
    size_t mask = ((size_t)1 << bits) - 1;
    size_t i = group_home((uint32_t)site << 16 | kind, bits);
    while (agg[i].count != 0 && (agg[i].site != site || agg[i].kind != kind))
        i = (i + 1) & mask;
    int fresh = agg[i].count == 0;
    agg[i].site = site;
    agg[i].kind = kind;
    agg[i].size += size;
    agg[i].count += count;
    return fresh;
}

/* agg_grow: double an aggregation table. Returns 0 or HD_ENOMEM. */
static int agg_grow(hd_mem_t *mem, group_t **agg, unsigned *bits)
{
    size_t cap = (size_t)1 << *bits;
    group_t *fresh = hd_mem_calloc(mem, cap * 2, sizeof(*fresh));
    if (!fresh)
        return HD_ENOMEM;
    for (size_t i = 0; i < cap; i++) {
        if ((*agg)[i].count)
            (void)agg_put(fresh, *bits + 1, (*agg)[i].site, (*agg)[i].kind, (*agg)[i].size,
                          (*agg)[i].count);
    }
    hd_mem_free(mem, *agg);
    *agg = fresh;
    (*bits)++;
    return 0;
}

static int group_cmp(const void *pa, const void *pb)
{
    const group_t *a = pa, *b = pb;
    uint32_t ka = (uint32_t)a->site << 16 | a->kind, kb = (uint32_t)b->site << 16 | b->kind;
    return (ka > kb) - (ka < kb);
}

/* aggregate: the traces grouped per (site, kind), sorted. *groups is a new
 * allocation (NULL when there are no traces). 0 or HD_ENOMEM. */
static int aggregate(hd_trace_t *t, group_t **groups, size_t *n)
{
    *groups = NULL;
    *n = 0;
    if (t->count == 0)
        return 0;
    unsigned bits = 6;
    size_t used = 0;
    group_t *agg = hd_mem_calloc(t->mem, (size_t)1 << bits, sizeof(*agg));
    if (!agg)
        return HD_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        const entry_t *e = &t->table[i];
        if (e->key == 0)
            continue;
        if ((used + 1) * 4 > ((size_t)3 << bits) && agg_grow(t->mem, &agg, &bits) < 0) {
            hd_mem_free(t->mem, agg);
            return HD_ENOMEM;
        }
        used += (size_t)agg_put(agg, bits, e->site, e->kind, entry_size(t, e), 1);
    }
    group_t *out = hd_mem_malloc(t->mem, used * sizeof(*out));
    if (!out) {
        hd_mem_free(t->mem, agg);
        return HD_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < ((size_t)1 << bits); i++) {
        if (agg[i].count)
            out[k++] = agg[i];
    }
    hd_mem_free(t->mem, agg);
    qsort(out, used, sizeof(*out), group_cmp);
    *groups = out;
    *n = used;
    return 0;
}

int hd_trace_snapshot(hd_trace_t *trace, uint64_t *snap_id)
{
    if (!trace->tracing)
        return HD_EINVAL;
    snapshot_t *slot = NULL;
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS && !slot; i++) {
        if (trace->snaps[i].id == 0)
            slot = &trace->snaps[i];
    }
    if (!slot)
        return HD_ELIMIT;
    int rc = aggregate(trace, &slot->groups, &slot->n);
    if (rc < 0)
        return rc;
    slot->id = ++trace->last_snap;
    *snap_id = slot->id;
    return 0;
}

static const snapshot_t *find_snapshot(const hd_trace_t *t, uint64_t id)
{
    for (int i = 0; id != 0 && i < HD_TRACE_MAX_SNAPSHOTS; i++) {
        if (t->snaps[i].id == id)
            return &t->snaps[i];
    }
    return NULL;
}

int hd_trace_snapshot_drop(hd_trace_t *trace, uint64_t snap_id)
{
    snapshot_t *s = (snapshot_t *)find_snapshot(trace, snap_id);
    if (!s)
        return HD_ENOTFOUND;
    hd_mem_free(trace->mem, s->groups);
    memset(s, 0, sizeof(*s));
    return 0;
}

/* ===================================================================== */
/* Statistics                                                            */
/* ===================================================================== */

/* One statistic while grouping and sorting. */
typedef struct row {
    const char *key; /* borrowed from the names */
    uint32_t keylen; /* bytes compared as a string: a site's filename, a kind's name */
    uint32_t lineno; /* compared next, as a number */
    uint32_t id;
    uint64_t size, count;         /* in the snapshot */
    uint64_t old_size, old_count; /* in the base (compare only) */
} row_t;

static int id_cmp(const void *pa, const void *pb)
{
    const row_t *a = pa, *b = pb;
    return (a->id > b->id) - (a->id < b->id);
}

/* key_cmp: tracemalloc's Frame order, (filename, lineno), for both. */
static int key_cmp(const row_t *a, const row_t *b)
{
    size_t m = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, m);
    if (c != 0)
        return c;
    if (a->keylen != b->keylen)
        return a->keylen < b->keylen ? -1 : 1;
    return (a->lineno > b->lineno) - (a->lineno < b->lineno);
}

#define DESC(x, y) ((x) < (y) ? 1 : (x) > (y) ? -1 : 0)

/* stat_order: Statistic._sort_key (size, count, traceback), reversed. */
static int stat_order(const void *pa, const void *pb)
{
    const row_t *a = pa, *b = pb;
    int c = DESC(a->size, b->size);
    if (c == 0)
        c = DESC(a->count, b->count);
    return c ? c : -key_cmp(a, b);
}

static uint64_t magnitude(uint64_t now, uint64_t old)
{
    return now >= old ? now - old : old - now;
}

/* diff_order: StatisticDiff._sort_key (|size_diff|, size, |count_diff|,
 * count, traceback), reversed. */
static int diff_order(const void *pa, const void *pb)
{
    const row_t *a = pa, *b = pb;
    int c = DESC(magnitude(a->size, a->old_size), magnitude(b->size, b->old_size));
    if (c == 0)
        c = DESC(a->size, b->size);
    if (c == 0)
        c = DESC(magnitude(a->count, a->old_count), magnitude(b->count, b->old_count));
    if (c == 0)
        c = DESC(a->count, b->count);
    return c ? c : -key_cmp(a, b);
}

static void row_set_key(const hd_trace_t *t, row_t *r, hd_trace_group_t by)
{
    const name_t *x = by == HD_TRACE_BY_KIND ? &t->kinds.v[r->id] : &t->sites.v[r->id];
    r->key = x->text;
    r->keylen = x->filelen;
    r->lineno = x->lineno;
}

/* collect: snapshot s grouped `by`, one row per key, sorted by id. *rows is
 * a new allocation (NULL when empty). Returns 0 or HD_ENOMEM. */
static int collect(const hd_trace_t *t, const snapshot_t *s, hd_trace_group_t by, row_t **rows,
                   size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (s->n == 0)
        return 0;
    row_t *r = hd_mem_calloc(t->mem, s->n, sizeof(*r));
    if (!r)
        return HD_ENOMEM;
    for (size_t i = 0; i < s->n; i++) {
        const group_t *g = &s->groups[i];
        r[i].id = by == HD_TRACE_BY_KIND   ? g->kind
                  : by == HD_TRACE_BY_FILE ? t->sites.v[g->site].file
                                           : g->site;
        r[i].size = g->size;
        r[i].count = g->count;
    }
    qsort(r, s->n, sizeof(*r), id_cmp);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (k > 0 && r[k - 1].id == r[i].id) {
            r[k - 1].size += r[i].size;
            r[k - 1].count += r[i].count;
        } else {
            r[k++] = r[i];
        }
    }
    for (size_t i = 0; i < k; i++)
        row_set_key(t, &r[i], by);
    *rows = r;
    *n = k;
    return 0;
}

static int check_group(hd_trace_group_t by)
{
    return by == HD_TRACE_BY_SITE || by == HD_TRACE_BY_FILE || by == HD_TRACE_BY_KIND;
}

int hd_trace_stats(const hd_trace_t *trace, uint64_t snap_id, hd_trace_group_t group_by,
                   size_t limit, hd_trace_stat_t *out, size_t *n)
{
    const snapshot_t *s = find_snapshot(trace, snap_id);
    if (!s)
        return HD_ENOTFOUND;
    if (!check_group(group_by))
        return HD_EINVAL;
    row_t *rows;
    size_t nrows;
    if (collect(trace, s, group_by, &rows, &nrows) < 0)
        return HD_ENOMEM;
    if (!out) {
        *n = nrows;
    } else {
        if (nrows > 1)
            qsort(rows, nrows, sizeof(*rows), stat_order);
        *n = nrows < limit ? nrows : limit;
        for (size_t i = 0; i < *n; i++) {
            out[i].key = rows[i].key;
            out[i].id = rows[i].id;
            out[i].size = rows[i].size;
            out[i].count = rows[i].count;
        }
    }
    hd_mem_free(trace->mem, rows);
    return 0;
}

/* join: merge two id-sorted row lists into diff rows (new allocation). */
static int join(const hd_trace_t *t, const row_t *now, size_t nnow, const row_t *old, size_t nold,
                row_t **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (nnow + nold == 0)
        return 0;
    row_t *r = hd_mem_calloc(t->mem, nnow + nold, sizeof(*r));
    if (!r)
        return HD_ENOMEM;
    size_t i = 0, j = 0, k = 0;
    while (i < nnow || j < nold) {
        if (j == nold || (i < nnow && now[i].id < old[j].id)) {
            r[k++] = now[i++];
        } else if (i == nnow || old[j].id < now[i].id) {
            r[k] = old[j++];
            r[k].old_size = r[k].size;
            r[k].old_count = r[k].count;
            r[k].size = r[k].count = 0;
            k++;
        } else {
            r[k] = now[i++];
            r[k].old_size = old[j].size;
            r[k++].old_count = old[j++].count;
        }
    }
    *rows = r;
    *n = k;
    return 0;
}

static int64_t signed_diff(uint64_t now, uint64_t old)
{
    return now >= old ? (int64_t)(now - old) : -(int64_t)(old - now);
}

int hd_trace_compare(const hd_trace_t *trace, uint64_t snap_id, uint64_t base_id,
                     hd_trace_group_t group_by, size_t limit, hd_trace_diff_t *out, size_t *n)
{
    const snapshot_t *s = find_snapshot(trace, snap_id), *b = find_snapshot(trace, base_id);
    if (!s || !b)
        return HD_ENOTFOUND;
    if (!check_group(group_by))
        return HD_EINVAL;
    row_t *now = NULL, *old = NULL, *rows = NULL;
    size_t nnow = 0, nold = 0, nrows = 0;
    int rc = collect(trace, s, group_by, &now, &nnow);
    if (rc == 0)
        rc = collect(trace, b, group_by, &old, &nold);
    if (rc == 0)
        rc = join(trace, now, nnow, old, nold, &rows, &nrows);
    hd_mem_free(trace->mem, now);
    hd_mem_free(trace->mem, old);
    if (rc < 0)
        return rc;
    if (!out) {
        *n = nrows;
    } else {
        if (nrows > 1)
            qsort(rows, nrows, sizeof(*rows), diff_order);
        *n = nrows < limit ? nrows : limit;
        for (size_t i = 0; i < *n; i++) {
            const row_t *r = &rows[i];
            out[i].key = r->key;
            out[i].id = r->id;
            out[i].size = r->size;
            out[i].size_diff = signed_diff(r->size, r->old_size);
            out[i].count = r->count;
            out[i].count_diff = signed_diff(r->count, r->old_count);
        }
    }
    hd_mem_free(trace->mem, rows);
    return 0;
}

/* ===================================================================== */
/* Printed forms                                                         */
/* ===================================================================== */

static int fitted(int written, size_t len)
{
    return (written < 0 || (size_t)written >= len) ? HD_ERANGE : 0;
}

int hd_trace_format_size(double size, int with_sign, char *buf, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    for (int u = 0;; u++) {
        double mag = size < 0 ? -size : size;
        if (mag < 100 && u != 0) /* 3 digits (xx.x UNIT) */
            return fitted(with_sign ? snprintf(buf, len, "%+.1f %s", size, units[u])
                                    : snprintf(buf, len, "%.1f %s", size, units[u]),
                          len);
        if (mag < 10 * 1024 || u == 4) /* 4 or 5 digits (xxxx UNIT) */
            return fitted(with_sign ? snprintf(buf, len, "%+.0f %s", size, units[u])
                                    : snprintf(buf, len, "%.0f %s", size, units[u]),
                          len);
        size /= 1024;
    }
}

int hd_trace_format_stat(const hd_trace_stat_t *stat, char *buf, size_t len)
{
    char size[HD_TRACE_SIZE_LEN], avg[HD_TRACE_SIZE_LEN];
    hd_trace_format_size((double)stat->size, 0, size, sizeof(size));
    if (stat->count == 0)
        return fitted(
            snprintf(buf, len, "%s: size=%s, count=%" PRIu64, stat->key, size, stat->count), len);
    hd_trace_format_size((double)stat->size / (double)stat->count, 0, avg, sizeof(avg));
    return fitted(snprintf(buf, len, "%s: size=%s, count=%" PRIu64 ", average=%s", stat->key, size,
                           stat->count, avg),
                  len);
}

int hd_trace_format_diff(const hd_trace_diff_t *diff, char *buf, size_t len)
{
    char size[HD_TRACE_SIZE_LEN], dsize[HD_TRACE_SIZE_LEN], avg[HD_TRACE_SIZE_LEN];
    hd_trace_format_size((double)diff->size, 0, size, sizeof(size));
    hd_trace_format_size((double)diff->size_diff, 1, dsize, sizeof(dsize));
    if (diff->count == 0)
        return fitted(snprintf(buf, len, "%s: size=%s (%s), count=%" PRIu64 " (%+" PRId64 ")",
                               diff->key, size, dsize, diff->count, diff->count_diff),
                      len);
    hd_trace_format_size((double)diff->size / (double)diff->count, 0, avg, sizeof(avg));
    return fitted(snprintf(buf, len,
                           "%s: size=%s (%s), count=%" PRIu64 " (%+" PRId64 "), average=%s",
                           diff->key, size, dsize, diff->count, diff->count_diff, avg),
                  len);
}

/* ===================================================================== */
/* Validation                                                            */
/* ===================================================================== */

static int validate_table(const hd_trace_t *t)
{
    if (t->cap == 0)
        return (t->count == 0 && t->table == NULL) ? 0 : HD_EINVAL;
    if ((t->cap & (t->cap - 1)) != 0 || t->cap < TABLE_MIN_CAP || t->count * 4 > t->cap * 3 ||
        t->shift != 64 - log2_of(t->cap))
        return HD_EINVAL;
    size_t used = 0, nbig = 0, sum = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const entry_t *e = &t->table[i];
        if (e->key == 0)
            continue;
        used++;
        if (probe(t, e->key) != i || !ids_valid(t, e->site, e->kind))
            return HD_EINVAL;
        if (e->size == BIG_SIZE) {
            size_t b = big_find(t, e->key);
            if (b == NOT_FOUND || t->big[b].size < BIG_SIZE)
                return HD_EINVAL;
            nbig++;
        }
        sum += entry_size(t, e);
    }
    if (used != t->count || nbig != t->nbig || sum != t->current)
        return HD_EINVAL;
    return 0;
}

static int validate_names(const names_t *nm, int sites)
{
    if (nm->n == 0 || nm->n > nm->cap || nm->n > HD_TRACE_MAX_NAMES ||
        (uint64_t)nm->n * 4 > (uint64_t)nm->icap * 3)
        return HD_EINVAL;
    if (strcmp(nm->v[0].text, sites ? "<unknown>:0" : "<unknown>") != 0)
        return HD_EINVAL;
    size_t bytes = 0;
    for (uint32_t id = 0; id < nm->n; id++) {
        const name_t *x = &nm->v[id];
        bytes += x->len + 1;
        if (strlen(x->text) != x->len || names_find(nm, x->text, x->len, x->hash) != id ||
            x->hash != str_hash(x->text, x->len) || x->file >= nm->n)
            return HD_EINVAL;
        const name_t *f = &nm->v[x->file];
        if (!sites && (x->file != id || x->filelen != x->len || x->lineno != 0))
            return HD_EINVAL;
        if (sites && (f->lineno != 0 || f->filelen != x->filelen ||
                      memcmp(f->text, x->text, x->filelen) != 0 || x->text[x->filelen] != ':'))
            return HD_EINVAL;
    }
    return bytes == nm->text_bytes ? 0 : HD_EINVAL;
}

static int validate_snapshots(const hd_trace_t *t)
{
    for (int i = 0; i < HD_TRACE_MAX_SNAPSHOTS; i++) {
        const snapshot_t *s = &t->snaps[i];
        if (s->id == 0 && (s->n != 0 || s->groups != NULL))
            return HD_EINVAL;
        if (s->id > t->last_snap || (s->n > 0) != (s->groups != NULL))
            return HD_EINVAL;
        for (int j = 0; j < i; j++) {
            if (s->id != 0 && t->snaps[j].id == s->id)
                return HD_EINVAL;
        }
        for (size_t k = 0; k < s->n; k++) {
            const group_t *g = &s->groups[k];
            if (g->count == 0 || g->site >= t->sites.n || g->kind >= t->kinds.n)
                return HD_EINVAL;
            if (k > 0 && group_cmp(&s->groups[k - 1], g) >= 0)
                return HD_EINVAL;
        }
    }
    return 0;
}

int hd_trace_validate(const hd_trace_t *trace)
{
    if (trace->current > trace->peak)
        return HD_EINVAL;
    if (!trace->tracing && (trace->count || trace->current || trace->peak))
        return HD_EINVAL;
    if (validate_table(trace) < 0 || validate_names(&trace->sites, 1) < 0 ||
        validate_names(&trace->kinds, 0) < 0 || validate_snapshots(trace) < 0)
        return HD_EINVAL;
    return 0;
}
