/*
 * cmd_repl.c: `heapctl repl HEAP`: an interactive heap-script prompt with
 * line editing and history (libedit), each entry run by heap.exec.
 *
 * Entries follow Python's prompt: a line ending in ':' (or inside open
 * brackets) starts a block read with "... " until an empty line. Without
 * libedit at build time, or when stdin is not a terminal, lines are read
 * plainly. Ctrl-D ends the session. Entries run in heap.exec's "single"
 * mode, so an expression shows its value and `_` keeps it, as at Python's
 * prompt.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "exec.h"

#ifdef HC_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

/* One line without its newline, or NULL at end of input. Ownership: new (malloc). */
static char *read_line(const char *prompt, int tty)
{
#ifdef HC_HAVE_LIBEDIT
    if (tty) {
        char *l = readline(prompt);
        if (l && *l)
            add_history(l);
        return l;
    }
#endif
    if (tty) {
        fputs(prompt, stdout);
        fflush(stdout);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    if (n > 0 && line[n - 1] == '\n')
        line[n - 1] = 0;
    return line;
}

/* Read one entry (a line, or a block); NULL at end of input (a block cut
 * short by the end of input still runs). Ownership: new (malloc). */
static char *read_entry(int tty)
{
    hc_entry_t e = {0};
    char *line;
    while ((line = read_line(hc_entry_pending(&e) ? "... " : ">>> ", tty))) {
        int r = hc_entry_feed(&e, line);
        free(line);
        if (r < 0) {
            hc_entry_free(&e);
            return NULL;
        }
        if (r > 0)
            return hc_entry_take(&e);
    }
    return hc_entry_take(&e);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    int tty = isatty(STDIN_FILENO), rc = hc_ctx_connect(ctx), last = 0;
    if (rc)
        return rc;
    if (tty)
        printf("heapctl repl: heap '%s' at %s (Ctrl-D to quit)\n", a->pos[0], ctx->url);
    char *src;
    while ((src = read_entry(tty))) {
        last = hc_exec_source(ctx, a->pos[0], src, "<stdin>", "<stdin>", true);
        free(src);
        fflush(stdout);
        if (last == HC_EXIT_CONN || last == HC_EXIT_USAGE)
            return last;
    }
    if (tty)
        putchar('\n');
    return tty ? 0 : last;
}

const hc_cmd_t hc_cmd_repl = {
    .name = "repl",
    .usage = "HEAP",
    .summary = "an interactive heap-script prompt (heap.exec per entry)",
    .help = "Line editing and history on a terminal. A line ending in ':' starts a block,\n"
            "ended by an empty line. Ctrl-D quits. Without a terminal, reads entries from\n"
            "stdin and exits with the last entry's status.\n",
    .min_args = 1,
    .max_args = 1,
    .run = run,
};
