/*
 * out.c: tables, colour and number formatting for heapctl's readable
 * output (out.h).
 *
 * A table keeps its cells as owned strings in one row-major array and
 * measures column widths only when printed; widths count UTF-8 characters,
 * not bytes, so a repr holding "é" does not push its row out of line. No
 * table code ever looks at the terminal's width: a reader who wants
 * narrower output asks for fewer columns (--json and jq).
 */
#include "out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hc_color_wanted(FILE *f, const char *mode)
{
    if (mode && strcmp(mode, "always") == 0)
        return 1;
    if (mode && strcmp(mode, "never") == 0)
        return 0;
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return 0;
    return isatty(fileno(f));
}

const char *hc_sgr_on(int on, const char *code, char *buf)
{
    if (!on)
        return "";
    snprintf(buf, 16, "\x1b[%sm", code);
    return buf;
}

const char *hc_sgr_off(int on)
{
    return on ? "\x1b[0m" : "";
}

char *hc_fmt_size(int64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    int64_t a = bytes < 0 ? -bytes : bytes;
    if (a < 1024) {
        snprintf(buf, len, "%" PRId64 " B", bytes);
        return buf;
    }
    double v = (double)bytes / 1024.0;
    int u = 0;
    while (u < 3 && (v >= 1024.0 || v <= -1024.0)) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

char *hc_fmt_commas(int64_t v, char *buf, size_t len)
{
    char digits[32];
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(digits, sizeof digits, "%" PRIu64, a);
    size_t o = 0;
    if (v < 0 && o + 1 < len)
        buf[o++] = '-';
    for (int i = 0; i < n && o + 1 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0 && o + 1 < len)
            buf[o++] = ',';
        if (o + 1 < len)
            buf[o++] = digits[i];
    }
    buf[o] = 0;
    return buf;
}

/* ---- tables ---- */

void hc_table_init(hc_table_t *t, int ncols, const char *const *heads, unsigned right)
{
    *t = (hc_table_t){.ncols = ncols, .heads = heads, .right = right};
}

int hc_table_row(hc_table_t *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof *c);
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    char **row = t->cells + (size_t)t->nrows * (size_t)t->ncols;
    for (int i = 0; i < t->ncols; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "-");
        if (!row[i]) {
            while (i-- > 0)
                free(row[i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_cell(FILE *f, const char *s, int width, int right, int last)
{
    int pad = width - text_width(s);
    if (right)
        fprintf(f, "%*s", pad > 0 ? pad : 0, "");
    fputs(s, f);
    if (!right && !last)
        fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}

void hc_table_print(const hc_table_t *t, FILE *f, int color)
{
    int width[32] = {0};
    int n = t->ncols < 32 ? t->ncols : 32;
    for (int c = 0; c < n; c++) {
        width[c] = text_width(t->heads[c]);
        for (int r = 0; r < t->nrows; r++) {
            int w = text_width(t->cells[(size_t)r * (size_t)t->ncols + (size_t)c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    char sgr[16];
    fputs(hc_sgr_on(color, HC_BOLD, sgr), f);
    for (int c = 0; c < n; c++) {
        fputs(c ? "  " : "", f);
        print_cell(f, t->heads[c], width[c], (t->right >> c) & 1, c == n - 1);
    }
    fprintf(f, "%s\n", hc_sgr_off(color));
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < n; c++) {
            fputs(c ? "  " : "", f);
            print_cell(f, t->cells[(size_t)r * (size_t)t->ncols + (size_t)c], width[c],
                       (t->right >> c) & 1, c == n - 1);
        }
        fputc('\n', f);
    }
}

void hc_table_free(hc_table_t *t)
{
    for (size_t i = 0; i < (size_t)t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

/* ---- summaries ---- */

const char *const hc_summary_heads[HC_SUMMARY_COLS] = {"ID", "TYPE", "SIZE", "REFS",
                                                       "GC", "ADDR", "REPR"};

int64_t hc_jint(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

const char *hc_jstr(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

void hc_summary_cells(const json_t *s, const char **cells, char *buf)
{
    char *id = buf, *size = buf + 64, *refs = buf + 128, *gen = buf + 192, *addr = buf + 256;
    snprintf(id, 64, "%" PRId64, hc_jint(s, "id"));
    snprintf(size, 64, "%" PRId64, hc_jint(s, "size"));
    snprintf(refs, 64, "%" PRId64, hc_jint(s, "refcount"));
    json_t *g = json_object_get(s, "generation");
    if (!json_is_true(json_object_get(s, "tracked")))
        snprintf(gen, 64, "no");
    else if (!json_is_integer(g))
        snprintf(gen, 64, "yes");
    else if (json_integer_value(g) == 3)
        snprintf(gen, 64, "perm");
    else
        snprintf(gen, 64, "gen%" PRId64, (int64_t)json_integer_value(g));
    snprintf(addr, 64, "0x%" PRIx64, (uint64_t)hc_jint(s, "addr"));
    const char *cls = json_string_value(json_object_get(s, "class"));
    cells[0] = id;
    cells[1] = cls ? cls : hc_jstr(s, "type");
    cells[2] = size;
    cells[3] = refs;
    cells[4] = gen;
    cells[5] = addr;
    cells[6] = hc_jstr(s, "repr");
}

void hc_print_summaries(FILE *f, const json_t *array, const char *first_head, const char *first_key,
                        int color)
{
    if (json_array_size(array) == 0) {
        fputs("(none)\n", f);
        return;
    }
    const char *heads[HC_SUMMARY_COLS + 1];
    int off = first_head ? 1 : 0;
    if (first_head)
        heads[0] = first_head;
    memcpy(heads + off, hc_summary_heads, sizeof hc_summary_heads);
    hc_table_t t;
    hc_table_init(&t, HC_SUMMARY_COLS + off, heads, HC_SUMMARY_RIGHT << off);
    size_t i;
    json_t *s;
    json_array_foreach(array, i, s)
    {
        const char *cells[HC_SUMMARY_COLS + 1];
        char buf[7 * 64];
        if (first_key)
            cells[0] = hc_jstr(s, first_key);
        hc_summary_cells(s, cells + off, buf);
        hc_table_row(&t, cells);
    }
    hc_table_print(&t, f, color);
    hc_table_free(&t);
}

void hc_print_summary_line(FILE *f, const json_t *s, int color)
{
    const char *cells[HC_SUMMARY_COLS];
    char buf[7 * 64], sgr[16];
    hc_summary_cells(s, cells, buf);
    fprintf(f, "%s#%s%s %s  size=%s refcount=%s gc=%s addr=%s  %s\n",
            hc_sgr_on(color, HC_CYAN, sgr), cells[0], hc_sgr_off(color), cells[1], cells[2],
            cells[3], cells[4], cells[5], cells[6]);
}
