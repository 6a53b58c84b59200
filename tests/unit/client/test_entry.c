/*
 * test_entry.c: how `heapctl repl` groups typed lines into entries
 * (client/entry.h), as Python's prompt does.
 */
#include "test.h"

#include "entry.h"

/* Feed lines until one completes an entry; returns the entry (static copy)
 * and the number of lines it took in *used. */
static const char *entry(const char *const *lines, int *used)
{
    static char out[1024];
    hc_entry_t e = {0};
    for (int i = 0; lines[i]; i++) {
        int r = hc_entry_feed(&e, lines[i]);
        CHECK(r >= 0);
        if (r == 1) {
            char *src = hc_entry_take(&e);
            snprintf(out, sizeof out, "%s", src ? src : "(null)");
            free(src);
            *used = i + 1;
            return out;
        }
    }
    hc_entry_free(&e);
    *used = -1;
    return "(incomplete)";
}

#define LINES(...) ((const char *const[]){__VA_ARGS__, NULL})

TEST(one_line_is_an_entry)
{
    int used;
    CHECK_STR(entry(LINES("x = 1", "y = 2"), &used), "x = 1\n");
    CHECK_EQ(used, 1);
}

TEST(blank_lines_before_an_entry_are_skipped)
{
    int used;
    CHECK_STR(entry(LINES("", "   ", "print(1)"), &used), "print(1)\n");
    CHECK_EQ(used, 3);
}

TEST(a_block_ends_with_a_blank_line)
{
    int used;
    CHECK_STR(entry(LINES("for i in range(3):", "    a.append(i)", "    b = i", "", "z"), &used),
              "for i in range(3):\n    a.append(i)\n    b = i\n");
    CHECK_EQ(used, 4);
    CHECK_STR(entry(LINES("if x:  # comment", "    y", ""), &used), "if x:  # comment\n    y\n");
}

TEST(open_brackets_continue)
{
    int used;
    CHECK_STR(entry(LINES("x = [1,", "  2]", "y"), &used), "x = [1,\n  2]\n");
    CHECK_EQ(used, 2);
    /* a blank line inside brackets does not end the entry */
    CHECK_STR(entry(LINES("d = {", "", "'a': 1}"), &used), "d = {\n\n'a': 1}\n");
}

TEST(brackets_in_strings_and_comments_do_not_count)
{
    int used;
    CHECK_STR(entry(LINES("s = '(['", "t"), &used), "s = '(['\n");
    CHECK_STR(entry(LINES("s = \"\\\"(\"", "t"), &used), "s = \"\\\"(\"\n");
    CHECK_STR(entry(LINES("x = 1  # (", "t"), &used), "x = 1  # (\n");
    CHECK_STR(entry(LINES("s = ':'", "t"), &used), "s = ':'\n");
}

TEST(end_of_input_keeps_the_pending_block)
{
    hc_entry_t e = {0};
    CHECK_EQ(hc_entry_feed(&e, "while True:"), 0);
    CHECK(hc_entry_pending(&e));
    CHECK_EQ(hc_entry_feed(&e, "    break"), 0);
    char *src = hc_entry_take(&e);
    CHECK_STR(src, "while True:\n    break\n");
    free(src);
    CHECK(!hc_entry_pending(&e));
    CHECK(hc_entry_take(&e) == NULL);
}
