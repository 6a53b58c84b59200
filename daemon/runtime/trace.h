/*
 * trace.h: allocation tracing in tracemalloc's model (CPython 3.11,
 * Lib/tracemalloc.py and Modules/_tracemalloc.c; reference section 6).
 *
 * While tracing is on, the heap calls hd_trace_add/remove/realloc on every
 * block it allocates, frees or resizes. The module keeps one trace per live
 * block: its REQUESTED size (never the pymalloc class size), its allocation
 * site and its kind (the type name of the object the block belongs to). From
 * the traces it answers get_traced_memory() (current, peak), clear_traces(),
 * reset_peak(), get_object_traceback(), take_snapshot(), and a snapshot's
 * statistics() and compare_to() with tracemalloc's exact ordering and
 * printed forms.
 *
 * The model is tracemalloc with traceback_limit = 1 and a single domain: a
 * site is one frame "filename:lineno". Statistics can be grouped by site
 * (key_type 'lineno'), by file (key_type 'filename': "filename:0") or by
 * kind (which tracemalloc does not have; keys order as Python strings).
 *
 * Sites and kinds are interned to small ids (0 is "<unknown>:0" and
 * "<unknown>"); their strings live as long as the hd_trace_t. Snapshots keep
 * per-(site, kind) totals rather than copies of the traces; they are
 * independent of the tracing state, as tracemalloc.Snapshot objects are.
 *
 * Not thread-safe: one hd_trace_t belongs to one heap and is used by one
 * thread at a time. The module does no I/O and has no global state.
 */
#ifndef HD_TRACE_H
#define HD_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* Ids 0..65535 for sites and for kinds; 0 is the reserved "unknown". */
#define HD_TRACE_MAX_NAMES     65536
#define HD_TRACE_UNKNOWN       0
#define HD_TRACE_NAME_MAX      1024 /* longest site or kind string, bytes */
#define HD_TRACE_MAX_SNAPSHOTS 16   /* snapshots kept at once */
#define HD_TRACE_SIZE_LEN      32   /* buffer that fits any formatted size of an int64 */
#define HD_TRACE_LINE_LEN      (HD_TRACE_NAME_MAX + 128) /* fits any formatted stat line */

typedef struct hd_trace hd_trace_t;

/* How statistics are grouped (tracemalloc's key_type). */
typedef enum hd_trace_group {
    HD_TRACE_BY_SITE = 1, /* 'lineno': "file:line" */
    HD_TRACE_BY_FILE = 2, /* 'filename': "file:0" */
    HD_TRACE_BY_KIND = 3, /* type name; no tracemalloc equivalent */
} hd_trace_group_t;

/* One line of Snapshot.statistics(). */
typedef struct hd_trace_stat {
    const char *key; /* borrowed from the trace's interned names; lives as long as the trace */
    uint32_t id;     /* site id (BY_SITE, BY_FILE) or kind id (BY_KIND) */
    uint64_t size;   /* sum of requested sizes, bytes */
    uint64_t count;  /* number of blocks */
} hd_trace_stat_t;

/* One line of Snapshot.compare_to(). */
typedef struct hd_trace_diff {
    const char *key; /* borrowed from the trace's interned names; lives as long as the trace */
    uint32_t id;
    uint64_t size; /* in the newer snapshot (0 if the key is only in the base) */
    int64_t size_diff;
    uint64_t count;
    int64_t count_diff;
} hd_trace_diff_t;

/* ---- lifecycle -------------------------------------------------------- */

/* hd_trace_new: a new tracer, not tracing, with only the "unknown" site and
 * kind interned. Every byte it ever uses comes from `mem`, which must outlive
 * it. Returns 0 or HD_ENOMEM (then *out is untouched).
 * The caller owns *out and frees it with hd_trace_free. */
int hd_trace_new(hd_mem_t *mem, hd_trace_t **out);

/* hd_trace_free: frees the tracer, its traces, names and snapshots. NULL is
 * allowed. Ownership: takes `trace`; every string it lent out dies with it. */
void hd_trace_free(hd_trace_t *trace);

/* ---- tracing state (tracemalloc.start/stop/...) ------------------------ */

/* hd_trace_start: start tracing (no-op if already tracing). Never fails.
 * Ownership: keeps no pointer. */
void hd_trace_start(hd_trace_t *trace);

/* hd_trace_stop: stop tracing and clear every trace and the peak, like
 * tracemalloc.stop(). Interned names and snapshots survive. Never fails.
 * Ownership: frees the trace table; keeps no pointer. */
void hd_trace_stop(hd_trace_t *trace);

/* hd_trace_is_tracing: 1 while tracing, else 0. Ownership: none. */
int hd_trace_is_tracing(const hd_trace_t *trace);

/* hd_trace_flag: where the tracer keeps its "tracing" flag (nonzero while
 * tracing), so that the heap's allocation paths can test it with one load.
 * Borrowed for the tracer's life; read only. */
const int *hd_trace_flag(const hd_trace_t *trace);

/* hd_trace_clear: clear_traces(): drop every trace; current and peak become
 * 0. Tracing stays on. Never fails. Ownership: frees the trace table. */
void hd_trace_clear(hd_trace_t *trace);

/* hd_trace_reset_peak: reset_peak(): peak = current. A no-op when not
 * tracing (as in CPython; both are 0 then anyway). Never fails.
 * Ownership: none. */
void hd_trace_reset_peak(hd_trace_t *trace);

/* hd_trace_memory: get_traced_memory(): the sum of the requested sizes of
 * the live traced blocks and its peak since start/clear/reset_peak. Either
 * pointer may be NULL. Ownership: writes into the caller's variables. */
void hd_trace_memory(const hd_trace_t *trace, size_t *current, size_t *peak);

/* hd_trace_count: the number of live traces. Ownership: none. */
size_t hd_trace_count(const hd_trace_t *trace);

/* hd_trace_inspector_bytes: the tracer's own memory in bytes (its struct, the
 * trace table, interned names and their indexes, snapshots): what the heap
 * reports as inspector memory (tracemalloc's get_tracemalloc_memory()).
 * Requested bytes, without the system allocator's overhead. Ownership: none. */
size_t hd_trace_inspector_bytes(const hd_trace_t *trace);

/* hd_trace_validate: checks every invariant (table probing, counts, current
 * = sum of sizes <= peak, name indexes, snapshot ordering). Returns 0 or
 * HD_EINVAL. For tests; O(traces + names + snapshots); allocates nothing.
 * Ownership: none. */
int hd_trace_validate(const hd_trace_t *trace);

/* ---- sites and kinds --------------------------------------------------- */

/* hd_trace_intern_site: the id of an allocation site. `site` is parsed as
 * "FILENAME:LINE" at its last ':' when what follows is 1-10 decimal digits;
 * otherwise the whole string is the filename and the line is 0. The site is
 * stored in canonical form "FILENAME:LINE" (no leading zeros), so "a.py:07"
 * and "a.py:7" are the same site, and "<unknown>:0" (or "<unknown>") is id 0.
 * Interning a site also interns its file's "FILENAME:0" site (used by
 * HD_TRACE_BY_FILE), which takes an id too.
 * Returns 0; HD_ERANGE if LINE is over 4294967295; HD_ELIMIT if the string is
 * longer than HD_TRACE_NAME_MAX or the ids are exhausted; HD_ENOMEM. On error
 * nothing was interned. Ownership: `site` is copied; the tracer owns the id's
 * string, which lives as long as the tracer. */
int hd_trace_intern_site(hd_trace_t *trace, const char *site, uint32_t *site_id);

/* hd_trace_intern_kind: the id of a kind (an object's type name: "list",
 * "dict", "Node"...); "<unknown>" is id 0. Any string is taken as is.
 * Returns 0, HD_ELIMIT (too long, or ids exhausted) or HD_ENOMEM; on error
 * nothing was interned. Ownership: `kind` is copied, as above. */
int hd_trace_intern_kind(hd_trace_t *trace, const char *kind, uint32_t *kind_id);

/* hd_trace_site_lookup: the canonical text of site `site_id` ("file:line"),
 * the length of its filename part and its line. Any out pointer may be NULL.
 * Returns 0 or HD_ENOTFOUND. Ownership: *text is borrowed; it lives as long
 * as the tracer. */
int hd_trace_site_lookup(const hd_trace_t *trace, uint32_t site_id, const char **text,
                         size_t *filename_len, uint32_t *lineno);

/* hd_trace_kind_lookup: the name of kind `kind_id`. Returns 0 or
 * HD_ENOTFOUND. Ownership: *name is borrowed; it lives as long as the tracer. */
int hd_trace_kind_lookup(const hd_trace_t *trace, uint32_t kind_id, const char **name);

/* ---- recording (the heap's hot path) ----------------------------------- */

/* hd_trace_add: record block `block` of `requested` bytes allocated at
 * `site` for an object of `kind`. If the block is already traced its trace
 * is replaced (as tracemalloc_add_trace does). Updates current and peak.
 * A no-op returning 0 when not tracing.
 * Returns 0; HD_EINVAL (NULL block, or an id that was never interned);
 * HD_ENOMEM: nothing changed, and the caller must free the block and fail
 * the allocation, as tracemalloc does. Ownership: `block` is only a key; it
 * is never dereferenced. */
int hd_trace_add(hd_trace_t *trace, const void *block, size_t requested, uint32_t site,
                 uint32_t kind);

/* hd_trace_remove: forget the trace of `block` (free). A no-op when the
 * block is not traced or `block` is NULL. Never fails (it may try to shrink
 * the table, and keeps the larger one if that allocation fails).
 * Ownership: `block` is only a key. */
void hd_trace_remove(hd_trace_t *trace, const void *block);

/* hd_trace_realloc: `old_block` was resized into `new_block` (which may be
 * the same address, and old_block may be NULL for a plain allocation): the
 * old trace is removed and the new block traced with the new size and the
 * realloc's site and kind, as tracemalloc_realloc does. Peak is updated
 * after both steps. A no-op returning 0 when not tracing.
 * It cannot fail after hd_trace_reserve(trace, 1), so the heap reserves
 * before the real realloc. Without it, it may need memory when old_block is
 * not traced (a new slot) or when the size is 4 GiB - 1 or more; a traced
 * old block's slot is reused. Returns 0, HD_EINVAL (as hd_trace_add) or
 * HD_ENOMEM; on error nothing changed. Ownership: the pointers are only keys. */
int hd_trace_realloc(hd_trace_t *trace, const void *old_block, const void *new_block,
                     size_t requested, uint32_t site, uint32_t kind);

/* hd_trace_reserve: make sure the next `n` hd_trace_add/hd_trace_realloc
 * calls of new blocks need no memory (and so cannot fail with HD_ENOMEM),
 * provided at most one of them records a size of 4 GiB - 1 or more (those
 * sizes live in a side list; n slots there would be memory for nothing).
 * The heap calls hd_trace_reserve(trace, 1) before a real realloc.
 * Returns 0 or HD_ENOMEM (nothing changed). Ownership: none. */
int hd_trace_reserve(hd_trace_t *trace, size_t n);

/* hd_trace_get: get_object_traceback(): the trace of `block`. Any out
 * pointer may be NULL. Returns 0 or HD_ENOTFOUND (not traced).
 * Ownership: writes into the caller's variables; ids name interned strings. */
int hd_trace_get(const hd_trace_t *trace, const void *block, size_t *requested, uint32_t *site,
                 uint32_t *kind);

/* ---- snapshots and statistics ------------------------------------------ */

/* hd_trace_snapshot: take_snapshot(): keeps the current traces aggregated
 * per (site, kind). Ids start at 1 and are never reused. A snapshot survives
 * stop and clear, and lives until hd_trace_snapshot_drop or hd_trace_free.
 * Returns 0; HD_EINVAL when not tracing (tracemalloc's RuntimeError);
 * HD_ELIMIT when HD_TRACE_MAX_SNAPSHOTS are already kept (drop one first);
 * HD_ENOMEM. On error nothing changed and no id was used. */
int hd_trace_snapshot(hd_trace_t *trace, uint64_t *snap_id);

/* hd_trace_snapshot_drop: forget snapshot `snap_id` and release its memory.
 * Returns 0 or HD_ENOTFOUND. Ownership: frees the snapshot. */
int hd_trace_snapshot_drop(hd_trace_t *trace, uint64_t snap_id);

/* hd_trace_stats: Snapshot.statistics(group_by): one line per key, sorted
 * like tracemalloc: descending by (size, count, key). Sites order as
 * tracemalloc's Frame: by filename (Python string order, which is UTF-8 byte
 * order) then by line number, numerically; kinds order by name (same string
 * order). Writes the first min(limit, total) lines to `out` and their number
 * to *n; with out == NULL, *n is the total number of lines (limit ignored).
 * Returns 0; HD_ENOTFOUND (no such snapshot); HD_EINVAL (bad group_by);
 * HD_ENOMEM (nothing written). Ownership: out[i].key is borrowed from the
 * tracer and lives as long as it. */
int hd_trace_stats(const hd_trace_t *trace, uint64_t snap_id, hd_trace_group_t group_by,
                   size_t limit, hd_trace_stat_t *out, size_t *n);

/* hd_trace_compare: Snapshot.compare_to(base, group_by): snapshot `snap_id`
 * against the older `base_id`, one line per key of either, sorted like
 * tracemalloc: descending by (|size_diff|, size, |count_diff|, count, key).
 * Keys only in the base get size 0, count 0 and negative diffs. `out`, `limit`
 * and *n as in hd_trace_stats. Returns 0, HD_ENOTFOUND, HD_EINVAL or
 * HD_ENOMEM. Ownership: out[i].key is borrowed, as above. */
int hd_trace_compare(const hd_trace_t *trace, uint64_t snap_id, uint64_t base_id,
                     hd_trace_group_t group_by, size_t limit, hd_trace_diff_t *out, size_t *n);

/* ---- printed forms (Lib/tracemalloc.py) -------------------------------- */

/* hd_trace_format_size: _format_size(size, with_sign): "3808 B", "97.7 KiB",
 * "1017 KiB", "+1017 KiB", "-3808 B"; units B, KiB, MiB, GiB, TiB. Integers
 * up to 2^63 convert to double exactly as Python divides them. Writes a
 * NUL-terminated string. Returns 0 or HD_ERANGE when it did not fit in `len`
 * bytes (HD_TRACE_SIZE_LEN always fits an integer size); then buf holds a
 * truncated string if len > 0. Ownership: writes into the caller's buf. */
int hd_trace_format_size(double size, int with_sign, char *buf, size_t len);

/* hd_trace_format_stat: str(Statistic): "file:line: size=S, count=N,
 * average=A" (", average=A" omitted when count is 0). Returns 0 or HD_ERANGE
 * as hd_trace_format_size (HD_TRACE_LINE_LEN always fits). Averages are
 * exact as Python's while size and count are under 2^53. Ownership: reads
 * stat (borrowed for the call), writes into the caller's buf. */
int hd_trace_format_stat(const hd_trace_stat_t *stat, char *buf, size_t len);

/* hd_trace_format_diff: str(StatisticDiff): "file:line: size=S (+dS),
 * count=N (+dN), average=A" (average omitted when count is 0). Returns and
 * ownership as hd_trace_format_stat. */
int hd_trace_format_diff(const hd_trace_diff_t *diff, char *buf, size_t len);

#endif
