/*
 * fmt_trace.c: tracing statistics printed as tracemalloc prints them.
 *
 * Lib/tracemalloc.py: str(Statistic) is
 *     "%s: size=%s, count=%i" (+ ", average=%s" when count is not 0)
 * and str(StatisticDiff) is
 *     "%s: size=%s (%s), count=%i (%+i)" (+ ", average=%s")
 * with sizes through _format_size(size, sign): below 100 of a unit other
 * than B one decimal ("%.1f"), below 10 KiB of a unit (or in TiB) none
 * ("%.0f"), else divide by 1024 and try the next unit. C's printf rounds
 * "%.0f" and "%.1f" as Python's % operator does (both round half to even
 * on the binary value), so the text is the same.
 */
#include "fmt.h"

#include <inttypes.h>
#include <math.h>

#include "out.h"

char *hc_fmt_trace_size(double size, int sign, char *buf, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    for (int u = 0; u < 5; u++) {
        if (fabs(size) < 100 && u != 0) {
            snprintf(buf, len, sign ? "%+.1f %s" : "%.1f %s", size, units[u]);
            return buf;
        }
        if (fabs(size) < 10 * 1024 || u == 4) {
            snprintf(buf, len, sign ? "%+.0f %s" : "%.0f %s", size, units[u]);
            return buf;
        }
        size /= 1024;
    }
    return buf;
}

static void average(FILE *f, int64_t size, int64_t count)
{
    char buf[32];
    if (count)
        fprintf(f, ", average=%s",
                hc_fmt_trace_size((double)size / (double)count, 0, buf, sizeof buf));
}

void hc_fmt_trace_stats(FILE *f, const json_t *stats)
{
    size_t i;
    json_t *s;
    json_array_foreach(stats, i, s)
    {
        char buf[32];
        int64_t size = hc_jint(s, "size"), count = hc_jint(s, "count");
        fprintf(f, "%s: size=%s, count=%" PRId64, hc_jstr(s, "key"),
                hc_fmt_trace_size((double)size, 0, buf, sizeof buf), count);
        average(f, size, count);
        fputc('\n', f);
    }
}

void hc_fmt_trace_compare(FILE *f, const json_t *stats)
{
    size_t i;
    json_t *s;
    json_array_foreach(stats, i, s)
    {
        char a[32], b[32];
        int64_t size = hc_jint(s, "size"), count = hc_jint(s, "count");
        fprintf(f, "%s: size=%s (%s), count=%" PRId64 " (%+" PRId64 ")", hc_jstr(s, "key"),
                hc_fmt_trace_size((double)size, 0, a, sizeof a),
                hc_fmt_trace_size((double)hc_jint(s, "size_diff"), 1, b, sizeof b), count,
                hc_jint(s, "count_diff"));
        average(f, size, count);
        fputc('\n', f);
    }
}
