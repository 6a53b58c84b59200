/*
 * dispatch_exec.c: heap.exec, a program in the heap script language run
 * against a heap (daemon/runtime/script.h).
 *
 * The program runs on the loop to its end, like every request, so its
 * budgets bound how long it can hold the loop: limits.script_source bytes
 * of source, limits.script_steps instructions and limits.script_time
 * milliseconds of wall time (each -32004 with data.limit naming it), and
 * its output at most half of limits.send_queue_bytes (the result must be
 * deliverable; -32004 "script_output"). The result is {stdout, stderr}:
 * stderr is what CPython would write there (gc.DEBUG_* lines, "Exception
 * ignored in" reports), kept up to 64 KiB. A program that raises is -32008
 * with {line, col, exc_type, message, stdout, stderr}: message is CPython's
 * last traceback line, and what ran before the error stays done.
 * With the write role a program may not change the collector's settings
 * (gc.enable/disable/set_threshold/set_debug): -32002 at that call.
 *
 * `site` (default "<exec>") is the program's name: its objects' allocation
 * sites are SITE:LINE, and tracebacks and class reprs name it. `mode`
 * "single" runs it as Python's prompt does: each expression statement at
 * module level shows its value (sys.displayhook) and keeps it as `_`.
 */
#include "dispatch.h"

#include <string.h>
#include <time.h>

#include "err.h"
#include "script.h"
#include "session.h"

static uint64_t mono_ns(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* a JSON string of the output, or NULL if it is not valid UTF-8 */
static json_t *text_json(const char *s, size_t n)
{
    return json_stringn(s ? s : "", s ? n : 0);
}

static int budget_error(hd_call_t *c, const char *budget, const hd_script_limits_t *lim)
{
    uint64_t max = 0;
    if (strcmp(budget, "script_source") == 0)
        max = lim->max_source;
    else if (strcmp(budget, "script_steps") == 0)
        max = lim->max_steps;
    else if (strcmp(budget, "script_time") == 0)
        max = lim->max_time_ns / 1000000u;
    else if (strcmp(budget, "script_output") == 0)
        max = lim->max_output;
    return hd_call_limit(c, budget, max);
}

static int script_error(hd_call_t *c, const hd_script_result_t *r)
{
    char line[1200];
    hd_script_line(r, line, sizeof line);
    json_t *out = text_json(r->out, r->out_len), *err = text_json(r->err, r->err_len);
    json_t *data =
        json_pack("{s:i, s:i, s:s, s:s, s:o, s:o}", "line", r->line, "col", r->col, "exc_type",
                  r->exc_type, "message", r->message ? r->message : "", "stdout",
                  out ? out : json_string(""), "stderr", err ? err : json_string(""));
    return hd_call_fail(c, HD_RPC_SCRIPT_ERROR, data, "%s", line);
}

int hd_m_heap_exec(hd_call_t *c)
{
    const char *source = NULL, *site = "<exec>", *mode = "exec";
    if (hd_param_str(c, "source", true, &source) || hd_param_str(c, "site", false, &site) ||
        hd_param_str(c, "mode", false, &mode))
        return -1;
    bool single = strcmp(mode, "single") == 0;
    if (!single && strcmp(mode, "exec") != 0)
        return hd_call_bad(c, "mode", "expected \"exec\" or \"single\"");
    const hd_limits_t *l = &c->srv->cfg.limits;
    hd_script_limits_t lim;
    hd_script_limits_default(&lim);
    lim.max_source = (size_t)l->script_source;
    lim.max_steps = l->script_steps;
    lim.max_time_ns = l->script_time * 1000000u;
    lim.clock_ns = mono_ns;
    lim.max_output = (size_t)(l->send_queue_bytes / 2);
    lim.filename = site;
    lim.allow_gc_config = c->sess->role >= HD_PROTO_ROLE_ADMIN;
    lim.interactive = single;
    size_t len = strlen(source);
    if (len > lim.max_source)
        return hd_call_limit(c, "script_source", lim.max_source);
    hd_script_result_t r;
    int rc = hd_script_run(c->h, source, len, &lim, &r);
    if (rc) {
        hd_script_result_close(&r);
        return hd_call_errno(c, rc, NULL);
    }
    switch (r.status) {
    case HD_SCRIPT_OK:
        c->result = json_pack("{s:o, s:o}", "stdout", text_json(r.out, r.out_len), "stderr",
                              text_json(r.err, r.err_len));
        rc = c->result ? 0 : hd_call_errno(c, HD_ENOMEM, NULL);
        break;
    case HD_SCRIPT_ERROR:
        rc = script_error(c, &r);
        break;
    case HD_SCRIPT_BUDGET:
        rc = budget_error(c, r.budget, &lim);
        break;
    case HD_SCRIPT_DENIED:
        rc = hd_call_fail(c, HD_RPC_FORBIDDEN,
                          hd_proto_data_role(hd_proto_role_name(c->sess->role), "admin"),
                          "forbidden: %s needs the admin role", r.budget);
        break;
    }
    hd_script_result_close(&r);
    return rc;
}
