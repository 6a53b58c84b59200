/*
 * strbuf.c: the bounded string builder of strbuf.h.
 */
#include "strbuf.h"

#include <stdio.h>
#include <string.h>

void hd__sb_init(hd_strbuf_t *sb, char *buf, size_t cap)
{
    sb->buf = buf;
    sb->cap = cap;
    sb->len = 0;
    sb->need = 0;
    sb->truncated = false;
    if (cap)
        buf[0] = '\0';
}

void hd__sb_putn(hd_strbuf_t *sb, const char *s, size_t n)
{
    sb->need += n;
    if (sb->cap == 0) {
        sb->truncated = sb->truncated || n > 0;
        return;
    }
    size_t room = sb->cap - 1 - sb->len;
    size_t take = n < room ? n : room;
    memcpy(sb->buf + sb->len, s, take);
    sb->len += take;
    sb->buf[sb->len] = '\0';
    if (take < n)
        sb->truncated = true;
}

void hd__sb_puts(hd_strbuf_t *sb, const char *s)
{
    hd__sb_putn(sb, s, strlen(s));
}

void hd__sb_putc(hd_strbuf_t *sb, char c)
{
    hd__sb_putn(sb, &c, 1);
}

void hd__sb_printf(hd_strbuf_t *sb, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    hd__sb_putn(sb, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}
