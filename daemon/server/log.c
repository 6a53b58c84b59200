/*
 * log.c: log lines with journald priority prefixes (see log.h).
 *
 * The level is the one piece of process-wide state in the server: lws's
 * emitter is a plain function pointer without a context, so the level it
 * filters on has to be reachable from it. Lines are built in a stack buffer
 * and written with one fputs, so lines from lws and from us never interleave.
 * At a terminal (stderr a tty and no $JOURNAL_STREAM) the prefix is spelled
 * out for people instead: "heapd: warning: ...".
 */
#include "log.h"

#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_level = HD_LOG_NOTICE;
static int log_prefix = -1; /* journald prefixes: -1 not decided yet */

void hd_log_set_level(int level)
{
    log_level = level;
}

int hd_log_enabled(int level)
{
    return level <= log_level;
}

static void emit(int level, const char *text, size_t len)
{
    char line[1024];
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    if (len > sizeof line - 32)
        len = sizeof line - 32;
    if (log_prefix < 0)
        log_prefix = !isatty(2) || getenv("JOURNAL_STREAM") != NULL;
    static const char *const names[] = {"error", "warning", "notice", "info", "debug"};
    int n = log_prefix ? snprintf(line, sizeof line, "<%d>", 3 + level)
                       : snprintf(line, sizeof line, "heapd: %s: ", names[level]);
    memcpy(line + n, text, len);
    line[n + (int)len] = '\n';
    line[n + (int)len + 1] = '\0';
    fputs(line, stderr);
}

void hd_log(int level, const char *fmt, ...)
{
    if (!hd_log_enabled(level))
        return;
    char text[900];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    emit(level, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

int hd_log_lws_mask(int level)
{
    int mask = LLL_ERR | LLL_USER;
    if (level >= HD_LOG_WARN)
        mask |= LLL_WARN;
    if (level >= HD_LOG_INFO)
        mask |= LLL_NOTICE; /* lws's notices are chatty: they are our info */
    if (level >= HD_LOG_DEBUG)
        mask |= LLL_INFO;
    if (level >= HD_LOG_DEBUG)
        mask |= LLL_DEBUG;
    return mask;
}

void hd_log_lws_emit(int lll, const char *line)
{
    int level = HD_LOG_DEBUG;
    if (lll & LLL_ERR)
        level = HD_LOG_ERR;
    else if (lll & LLL_WARN)
        level = HD_LOG_WARN;
    else if (lll & LLL_USER)
        level = HD_LOG_NOTICE;
    else if (lll & LLL_NOTICE)
        level = HD_LOG_INFO;
    if (!hd_log_enabled(level))
        return;
    char text[320];
    int n = snprintf(text, sizeof text, "lws: %s", line);
    if (n > 0)
        emit(level, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}
