/*
 * strbuf.h: a bounded string builder for reprs and dumps (internal).
 *
 * Writes into a caller's buffer and never past it: once full, further text
 * is dropped and `truncated` is set, while `need` keeps counting what the
 * whole text would take (snprintf's contract).
 */
#ifndef HD_STRBUF_H
#define HD_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct hd_strbuf {
    char *buf;   /* borrowed from the caller */
    size_t cap;  /* bytes in buf, NUL included */
    size_t len;  /* bytes written, NUL excluded */
    size_t need; /* bytes the whole text takes */
    bool truncated;
} hd_strbuf_t;

void hd__sb_init(hd_strbuf_t *sb, char *buf, size_t cap);
void hd__sb_putn(hd_strbuf_t *sb, const char *s, size_t n);
void hd__sb_puts(hd_strbuf_t *sb, const char *s);
void hd__sb_putc(hd_strbuf_t *sb, char c);
void hd__sb_printf(hd_strbuf_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* hd__sb_full: no room left; callers may stop producing text early. */
static inline bool hd__sb_full(const hd_strbuf_t *sb)
{
    return sb->cap == 0 || sb->len + 1 >= sb->cap;
}

#endif
