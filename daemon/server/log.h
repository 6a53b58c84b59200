/*
 * log.h: heapd's log lines on stderr, with journald priority prefixes.
 *
 * Every line goes to stderr as "<P>text\n", where <P> is the sd-daemon
 * priority (3 error .. 7 debug) that journald reads and strips. heapd runs in
 * the foreground under systemd, so stderr is the journal. libwebsockets'
 * own lines are routed here too, with their levels mapped.
 */
#ifndef HD_SRV_LOG_H
#define HD_SRV_LOG_H

#include "config.h"

/* hd_log_set_level: lines above `level` (enum hd_log_level) are dropped.
 * Ownership: none (arguments borrowed for the call). */
void hd_log_set_level(int level);

/* hd_log_enabled: whether a line at `level` would be written.
 * Ownership: none (arguments borrowed for the call). */
int hd_log_enabled(int level);

/* hd_log: one line (no trailing newline needed; one is stripped if given).
 * Ownership: none. */
void hd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hd_log_lws_mask: the lws LLL_* mask to install for our level.
 * Ownership: none (arguments borrowed for the call). */
int hd_log_lws_mask(int level);

/* hd_log_lws_emit: the emitter handed to lws_set_log_level.
 * Ownership: line borrowed for the call. */
void hd_log_lws_emit(int lll, const char *line);

#define hd_err(...)    hd_log(HD_LOG_ERR, __VA_ARGS__)
#define hd_warn(...)   hd_log(HD_LOG_WARN, __VA_ARGS__)
#define hd_notice(...) hd_log(HD_LOG_NOTICE, __VA_ARGS__)
#define hd_info(...)   hd_log(HD_LOG_INFO, __VA_ARGS__)
#define hd_debug(...)  hd_log(HD_LOG_DEBUG, __VA_ARGS__)

#endif
