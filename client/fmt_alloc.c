/*
 * fmt_alloc.c: the allocator's figures as CPython prints them.
 *
 * hc_fmt_mallocstats reproduces Objects/obmalloc.c's
 * _PyObject_DebugMallocStats() for the part heapd models: the same header,
 * the class table in "%5u %6u %11zu %15zu %13zu" columns (classes without
 * pools skipped), and each figure through printone(): the label padded to
 * 35 columns, '=', the value with thousands separators right-aligned in 21
 * columns. The byte accounting adds up to the arenas' bytes, as CPython's
 * does; the quantization (the tail of each pool too small for one more
 * block) is computed from the class table when the server does not send it.
 * The arena map is heapd's own picture of where the pools are.
 */
#include "fmt.h"

#include <inttypes.h>
#include <string.h>

#include "out.h"

#define ARENA_SIZE    (1 << 20)
#define POOL_SIZE     (1 << 14)
#define POOL_OVERHEAD 48

/* CPython's printone(): returns value so that callers can add it up. */
static int64_t printone(FILE *f, const char *msg, int64_t value)
{
    char num[32];
    fputs(msg, f);
    for (int i = (int)strlen(msg); i < 35; i++)
        fputc(' ', f);
    fprintf(f, "=%21s\n", hc_fmt_commas(value, num, sizeof num));
    return value;
}

static int64_t member(const json_t *stats, const char *group, const char *key)
{
    return hc_jint(json_object_get(stats, group), key);
}

static int64_t class_table(FILE *f, const json_t *classes)
{
    int64_t quantization = 0;
    size_t i;
    json_t *c;
    fprintf(f, "Small block threshold = 512, in %zu size classes.\n\n", json_array_size(classes));
    fputs("class   size   num pools   blocks in use  avail blocks\n"
          "-----   ----   ---------   -------------  ------------\n",
          f);
    json_array_foreach(classes, i, c)
    {
        int64_t pools = hc_jint(c, "pools"), size = hc_jint(c, "size");
        if (pools == 0)
            continue;
        fprintf(f, "%5" PRId64 " %6" PRId64 " %11" PRId64 " %15" PRId64 " %13" PRId64 "\n",
                hc_jint(c, "index"), size, pools, hc_jint(c, "blocks_used"),
                hc_jint(c, "blocks_free"));
        if (size > 0)
            quantization += pools * ((POOL_SIZE - POOL_OVERHEAD) % size);
    }
    fputc('\n', f);
    return quantization;
}

void hc_fmt_mallocstats(FILE *f, const json_t *stats)
{
    char buf[100];
    int64_t quant = class_table(f, json_object_get(stats, "size_classes"));
    int64_t narenas = member(stats, "arenas", "current");
    printone(f, "# arenas allocated total", member(stats, "arenas", "allocated_total"));
    printone(f, "# arenas reclaimed", member(stats, "arenas", "reclaimed_total"));
    printone(f, "# arenas highwater mark", member(stats, "arenas", "highwater"));
    printone(f, "# arenas allocated current", narenas);
    snprintf(buf, sizeof buf, "%" PRId64 " arenas * %d bytes/arena", narenas, ARENA_SIZE);
    printone(f, buf, narenas * ARENA_SIZE);
    fputc('\n', f);

    const json_t *bytes = json_object_get(stats, "bytes");
    if (json_is_integer(json_object_get(bytes, "quantization")))
        quant = hc_jint(bytes, "quantization");
    int64_t total = printone(f, "# bytes in allocated blocks", hc_jint(bytes, "in_used_blocks"));
    total += printone(f, "# bytes in available blocks", hc_jint(bytes, "in_free_blocks"));
    int64_t free_pools = member(stats, "pools", "free");
    snprintf(buf, sizeof buf, "%" PRId64 " unused pools * %d bytes", free_pools, POOL_SIZE);
    total += printone(f, buf, free_pools * POOL_SIZE);
    total += printone(f, "# bytes lost to pool headers", hc_jint(bytes, "pool_overhead"));
    total += printone(f, "# bytes lost to quantization", quant);
    total += printone(f, "# bytes lost to arena alignment", hc_jint(bytes, "arena_alignment"));
    printone(f, "Total", total);
    fputc('\n', f);

    fputs("heapd: requests over 512 bytes (system allocator)\n", f);
    printone(f, "# large blocks", member(stats, "large", "count"));
    printone(f, "# bytes in large blocks", member(stats, "large", "bytes"));
    double frag = json_number_value(json_object_get(stats, "fragmentation"));
    fprintf(f, "%-35s=%21.4f\n", "fragmentation (1-allocated/arenas)", frag);
}

/* One pool as one character. */
static char pool_char(const json_t *pool)
{
    int64_t used = hc_jint(pool, "used"), cap = hc_jint(pool, "capacity");
    if (json_is_null(json_object_get(pool, "size_class")) || cap <= 0 || used <= 0)
        return '.';
    if (used >= cap)
        return '#';
    int64_t tenths = (used * 10 + cap - 1) / cap;
    return (char)('0' + (tenths > 9 ? 9 : tenths));
}

void hc_fmt_alloc_map(FILE *f, const json_t *arenas, int64_t total, int color)
{
    char sgr[16];
    fprintf(f,
            "%s%" PRId64 " arena%s; one character per 16 KiB pool: . free, 1-9 tenths full, "
            "# full%s\n",
            hc_sgr_on(color, HC_DIM, sgr), total, total == 1 ? "" : "s", hc_sgr_off(color));
    size_t i;
    json_t *a;
    json_array_foreach(arenas, i, a)
    {
        const json_t *pools = json_object_get(a, "pools");
        size_t j, used = 0;
        json_t *p;
        fprintf(f, "%5" PRId64 "  0x%-10" PRIx64 " ", hc_jint(a, "index"),
                (uint64_t)hc_jint(a, "addr"));
        json_array_foreach(pools, j, p)
        {
            char c = pool_char(p);
            used += c != '.';
            int hi = color && c == '#';
            fprintf(f, "%s%c%s", hc_sgr_on(hi, HC_GREEN, sgr), c, hc_sgr_off(hi));
        }
        fprintf(f, "  %zu/%zu pools used\n", used, json_array_size(pools));
    }
}
