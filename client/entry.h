/*
 * entry.h: grouping the lines typed at `heapctl repl` into entries, as
 * Python's interactive prompt does: a line is an entry by itself, unless it
 * ends in ':' (a block) or leaves brackets open; then the entry goes on
 * until brackets are closed and, for a block, an empty line is typed.
 * Pure (no I/O), so the unit tests check it line by line.
 */
#ifndef HC_ENTRY_H
#define HC_ENTRY_H

#include <stddef.h>

typedef struct hc_entry {
    char *src;  /* owned; the lines so far, each ended by '\n'; NULL when empty */
    size_t len; /* bytes of src */
    int depth;  /* brackets open */
    int block;  /* a line ended in ':' */
} hc_entry_t;

/* hc_entry_feed: add one line (without its newline). Returns 1 when the
 * entry is complete (take it with hc_entry_take), 0 when more lines are
 * needed (prompt "... "), -1 when out of memory. Blank lines before an
 * entry are skipped. Ownership: line is copied. */
int hc_entry_feed(hc_entry_t *e, const char *line);

/* hc_entry_pending: lines are waiting for the end of their entry. */
int hc_entry_pending(const hc_entry_t *e);

/* hc_entry_take: the entry's source, and the state is empty again (NULL
 * when nothing was fed). Ownership: the caller frees the result. */
char *hc_entry_take(hc_entry_t *e);

/* hc_entry_free: drop what is pending. */
void hc_entry_free(hc_entry_t *e);

#endif
