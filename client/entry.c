/*
 * entry.c: the repl's line grouping (entry.h). Brackets are counted outside
 * string literals and comments, roughly as Python's tokenizer does (a
 * triple-quoted string spanning lines is not understood: the heap script
 * language has none worth typing at a prompt).
 */
#include "entry.h"

#include <stdlib.h>
#include <string.h>

/* The bracket depth after line, starting from depth. */
static int brackets(const char *s, int depth)
{
    char q = 0;
    for (; *s; s++) {
        if (q) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == q)
                q = 0;
        } else if (*s == '\'' || *s == '"') {
            q = *s;
        } else if (*s == '#') {
            break;
        } else if (strchr("([{", *s)) {
            depth++;
        } else if (strchr(")]}", *s) && depth > 0) {
            depth--;
        }
    }
    return depth;
}

/* line ends in ':' (ignoring trailing blanks and a comment). */
static int opens_block(const char *line)
{
    size_t n = strcspn(line, "#");
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    return n > 0 && line[n - 1] == ':';
}

int hc_entry_feed(hc_entry_t *e, const char *line)
{
    size_t n = strlen(line);
    int blank = strspn(line, " \t") == n;
    if (blank && !e->src)
        return 0; /* nothing yet: a blank line is no entry */
    if (blank && e->depth == 0)
        return 1; /* ends a block */
    char *src = realloc(e->src, e->len + n + 2);
    if (!src)
        return -1;
    memcpy(src + e->len, line, n);
    src[e->len + n] = '\n';
    src[e->len + n + 1] = 0;
    e->src = src;
    e->len += n + 1;
    e->depth = brackets(line, e->depth);
    e->block |= opens_block(line);
    return !e->block && e->depth == 0;
}

int hc_entry_pending(const hc_entry_t *e)
{
    return e->src != NULL;
}

char *hc_entry_take(hc_entry_t *e)
{
    char *src = e->src;
    *e = (hc_entry_t){0};
    return src;
}

void hc_entry_free(hc_entry_t *e)
{
    free(hc_entry_take(e));
}
