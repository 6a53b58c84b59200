/*
 * out.h: heapctl's readable output: colour, aligned tables, object
 * summaries, human sizes. Pure functions over FILE *, unit-tested.
 */
#ifndef HC_OUT_H
#define HC_OUT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* SGR codes used by heapctl. */
#define HC_BOLD  "1"
#define HC_DIM   "2"
#define HC_RED   "31"
#define HC_GREEN "32"
#define HC_CYAN  "36"

/* hc_color_wanted: colour for a stream: only on a terminal, never when
 * NO_COLOR is set to anything non-empty; mode "always"/"never" override
 * ("auto" or NULL: decide). Returns 0 or 1. */
int hc_color_wanted(FILE *f, const char *mode);

/* hc_sgr_on / hc_sgr_off: the escape sequence when on, else "".
 * Ownership: hc_sgr_on writes into buf (at least 16 bytes) and returns it. */
const char *hc_sgr_on(int on, const char *code, char *buf);
const char *hc_sgr_off(int on);

/* hc_fmt_size: a byte count as people read it ("512 B", "1.5 KiB",
 * "16.0 MiB"): below 1024 in bytes, then one decimal. Returns buf. */
char *hc_fmt_size(int64_t bytes, char *buf, size_t len);

/* hc_fmt_commas: an integer with thousands separators ("4,194,304").
 * Returns buf. */
char *hc_fmt_commas(int64_t v, char *buf, size_t len);

/* A table whose columns are aligned on print. */
typedef struct hc_table {
    int ncols;
    const char *const *heads; /* borrowed: ncols column titles */
    unsigned right;           /* bit i: column i is right-aligned (numbers) */
    int nrows, cap;
    char **cells; /* owned: nrows * ncols owned strings */
} hc_table_t;

/* hc_table_init: an empty table. Ownership: heads borrowed for the table's life. */
void hc_table_init(hc_table_t *t, int ncols, const char *const *heads, unsigned right);

/* hc_table_row: add a row of ncols cells (printf-less: each cell a string,
 * NULL printed as "-"). Returns 0 or -1 (out of memory).
 * Ownership: the strings are copied. */
int hc_table_row(hc_table_t *t, const char *const *cells);

/* hc_table_print: the titles (bold when colour is on), then the rows,
 * columns separated by two spaces, no trailing blanks. */
void hc_table_print(const hc_table_t *t, FILE *f, int color);

/* hc_table_free: release the cells. */
void hc_table_free(hc_table_t *t);

/* The summary columns (after an optional leading column such as NAME). */
#define HC_SUMMARY_COLS 7
extern const char *const hc_summary_heads[HC_SUMMARY_COLS]; /* ID TYPE SIZE REFS GC ADDR REPR */
#define HC_SUMMARY_RIGHT 0x0Du                              /* ID, SIZE, REFS */

/* hc_summary_cells: the 7 cells of an object summary into cells[0..6],
 * using buf (at least 7 * 64 bytes) for numbers; repr and type borrowed.
 * TYPE is the class name for instances ("Node"); GC says whether the
 * collector tracks it and where: "no", "gen0".."gen2", "perm" (frozen,
 * generation 3), or "yes" when the summary gives no generation. */
void hc_summary_cells(const json_t *summary, const char **cells, char *buf);

/* hc_print_summaries: a table of summaries (an array), with an optional
 * first column (title first_head, values the string member first_key of
 * each summary). Prints "(none)" for an empty array. */
void hc_print_summaries(FILE *f, const json_t *array, const char *first_head, const char *first_key,
                        int color);

/* hc_print_summary_line: one object as "#ID TYPE  size=.. refcount=.. gc=.. addr=..  repr". */
void hc_print_summary_line(FILE *f, const json_t *summary, int color);

/* hc_jint: an integer member (0 when absent or not an integer). */
int64_t hc_jint(const json_t *obj, const char *key);

/* hc_jstr: a string member ("" when absent). Ownership: borrowed. */
const char *hc_jstr(const json_t *obj, const char *key);

#endif
