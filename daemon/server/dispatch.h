/*
 * dispatch.h: from a decoded request to a runtime call and back.
 *
 * hd_dispatch_message decodes one WebSocket message (hd_proto), runs each
 * valid member through the method table in order, and queues the one
 * response frame. A method handler gets an hd_call_t: its parameters, the
 * resolved heap, and either fills c->result or records an error with the
 * hd_call_* helpers below and returns -1.
 *
 * The rule every handler follows: check everything first (parameters,
 * targets, values: hd_val_check), then mutate. After the checks only the
 * runtime's HD_ENOMEM or HD_ELIMIT can still fail, and then the handler drops
 * whatever it created, so a request never half-applies.
 */
#ifndef HD_SRV_DISPATCH_H
#define HD_SRV_DISPATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "heaps.h"
#include "server.h"

struct hd_session;

#define HD_CALL_MAX_NEW_CLASSES 16 /* classes one request may create */

typedef struct hd_call {
    hd_server_t *srv;         /* borrowed */
    struct hd_session *sess;  /* borrowed */
    json_t *params;           /* borrowed from the decoded message */
    hd_sheap_t *sh;           /* the heap named by `heap`, or NULL */
    hd_heap_t *h;             /* sh->heap, or NULL */
    uint64_t objects_refused; /* h's count when h was set */
    json_t *result;           /* owned: the result on success */
    bool text_ok;             /* the caller takes a result written as text (dispatch.c does) */
    hd_proto_buf_t text;      /* owned: a result written as compact JSON text instead of
                               * result (only when text_ok; see hd_summary_text) */
    int code;                 /* the JSON-RPC error code on failure */
    char message[256];        /* the error message ("" = the code's own) */
    json_t *data;             /* owned: the error's data, or NULL */
    const char *new_classes[HD_CALL_MAX_NEW_CLASSES]; /* borrowed from sh: created here */
    int n_new_classes;
} hd_call_t;

typedef int (*hd_method_fn)(hd_call_t *c);

/* hd_dispatch_message: handle one complete text message of session s.
 * Ownership: text borrowed for the call. */
void hd_dispatch_message(struct hd_session *s, const char *text, size_t len);

/* hd_dispatch_selfcheck: every method of proto/methods.json has a handler
 * and every handler a row. 0, or HD_EINVAL (logged).
 * Ownership: none (arguments borrowed for the call). */
int hd_dispatch_selfcheck(void);

/* ---- heapd-graph/1 documents (m_graph.c), shared with persist.c ---- */

/* hd_graph_document: the heap.export document of sh. Returns 0 or an
 * HD_E* code (HD_ENOMEM; HD_EINVAL when the runtime cannot describe an
 * object). Ownership: *out is a new reference. */
int hd_graph_document(hd_sheap_t *sh, json_t **out);

/* hd_graph_restore: a new heap `name` rebuilt from the document g (heap.import
 * and persist.c). hc gives the quotas and the default gc settings (those of
 * g win); held, when not NULL, is a state file's "classes" array
 * ([{name, id}]): those classes become the server's own again, as before
 * the export. Announces the heap. Returns 0 with *out, or -1 with the error
 * in c and nothing created. Ownership: the server owns *out; g and held
 * borrowed. */
int hd_graph_restore(hd_call_t *c, const char *name, const json_t *g, hd_heap_config_t *hc,
                     const json_t *held, hd_sheap_t **out);

/* hd_graph_check: whether the document g would import: it is read and
 * imported into a scratch heap (quotas and gc defaults from hc), which is
 * then freed. Returns 0, or an HD_E* code with the reason in why.
 * Ownership: none (arguments borrowed for the call). */
int hd_graph_check(hd_server_t *srv, const json_t *g, const hd_heap_config_t *hc, char *why,
                   size_t whylen);

/* ---- errors (params.c); each returns -1 so handlers can `return` it ---- */

/* hd_call_fail: error `code` with a message (printf format; NULL: the
 * code's standard message). Steals data. Ownership: steals data, even on failure; c borrowed. */
int hd_call_fail(hd_call_t *c, int code, json_t *data, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* hd_call_errno: the JSON-RPC error of an HD_E* code from the runtime
 * (HD_ELIMIT gets data.limit heap_bytes or heap_objects). Steals data.
 * Ownership: steals data, even on failure; c borrowed. */
int hd_call_errno(hd_call_t *c, int err, json_t *data);
/* hd_call_bad: -32602 with data.param = param and data.detail.
 * Ownership: none (arguments borrowed for the call). */
int hd_call_bad(hd_call_t *c, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* hd_call_key: -32009 with data {exc_type, message} (KeyError,
 * IndexError, AttributeError); the message is CPython's.
 * Ownership: none (arguments borrowed for the call). */
int hd_call_key(hd_call_t *c, const char *exc_type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* hd_call_busy: -32603 "busy" when walking `objects` objects would hold the
 * loop longer than the server allows (limits.work_objects): the request
 * changes nothing and other clients are not starved. Returns 0 when the
 * work is allowed, else -1 with the error recorded.
 * Ownership: none. */
int hd_call_busy(hd_call_t *c, uint64_t objects);
/* hd_call_limit: -32004 with data.limit and data.max.
 * Ownership: none (arguments borrowed for the call). */
int hd_call_limit(hd_call_t *c, const char *limit, uint64_t max);

/* ---- parameters (params.c) ---- */

/* hd_param: the parameter's value or NULL (borrowed). Ownership: borrowed from c->params. */
json_t *hd_param(hd_call_t *c, const char *name);
/* typed getters: 0, or -1 with the -32602 error recorded. Optional ones
 * keep *out when absent. Strings must be UTF-8 without U+0000.
 * Ownership: *out borrowed from c->params. */
int hd_param_str(hd_call_t *c, const char *name, bool required, const char **out);
int hd_param_int(hd_call_t *c, const char *name, bool required, int64_t min, int64_t max,
                 int64_t *out);
int hd_param_bool(hd_call_t *c, const char *name, bool *out);
int hd_param_array(hd_call_t *c, const char *name, bool required, json_t **out);
/* hd_param_name: a namespace name ([A-Za-z_][A-Za-z0-9_]*, <= 255 bytes).
 * Ownership: *out borrowed from c->params. */
int hd_param_name(hd_call_t *c, const char *name, bool required, const char **out);

/* ---- values, targets and summaries (values.c) ---- */

/* hd_val_target: a target (a name string or an id integer): the object,
 * borrowed. 0 or -1 (-32006, -32003 or -32602 recorded).
 * Ownership: *out borrowed from the heap; the caller increfs to keep it across allocations. */
int hd_val_target(hd_call_t *c, const json_t *t, const char *param, hd_obj_t **out);
/* hd_val_check: validate a value without creating anything; *hashable says
 * whether it could be a dict key (may be NULL). 0 or -1.
 * Ownership: none (arguments borrowed for the call). */
int hd_val_check(hd_call_t *c, const json_t *v, const char *param, bool *hashable);
/* hd_val_build: create a value checked by hd_val_check: new reference.
 * Fails only for memory or heap limits (-1, error recorded, nothing left).
 * Ownership: *out is a new reference. */
int hd_val_build(hd_call_t *c, const json_t *v, const char *param, hd_obj_t **out);
/* hd_val_check_spec / hd_val_build_spec: the same for an obj.new spec (an
 * object with `key` naming the type: "type" for obj.new, "new" nested).
 * Ownership: none (arguments borrowed for the call). */
int hd_val_check_spec(hd_call_t *c, const json_t *spec, const char *key, const char *param);
int hd_val_build_spec(hd_call_t *c, const json_t *spec, const char *key, const char *param,
                      hd_obj_t **out);
/* hd_val_undo: forget classes this call created (after a failed build).
 * Ownership: none (arguments borrowed for the call). */
void hd_val_undo(hd_call_t *c);

/* hd_summary: the object summary of PROTOCOL.md (generation for tracked
 * objects: O(1) in the runtime). with_generation is kept for callers that
 * already know it. NULL on out of memory. Ownership: new reference. */
json_t *hd_summary(hd_heap_t *h, hd_obj_t *o, bool with_generation);
/* hd_summary_text: hd_summary written to buf as the compact JSON text that
 * dumping hd_summary's tree gives, byte for byte, without building it (for
 * a result: c->text). Returns 0, or an HD_E* code with buf unchanged (then
 * hd_summary decides). Ownership: buf borrowed. */
int hd_summary_text(hd_heap_t *h, hd_obj_t *o, hd_proto_buf_t *buf);
/* hd_summary_or_null: a summary, or JSON null for NULL. Ownership: new reference. */
json_t *hd_summary_or_null(hd_heap_t *h, hd_obj_t *o);

/* ---- method families (m_*.c) ----
 * One handler per method, named after it. Each reads c->params, works on
 * c->h, and returns 0 with c->result set or -1 with the error recorded in c.
 * Ownership (every handler): c is borrowed; c->result and c->data are new
 * references that the dispatcher takes. */

int hd_m_server_info(hd_call_t *c);
int hd_m_server_stats(hd_call_t *c);
int hd_m_session_auth(hd_call_t *c);
int hd_m_stream_subscribe(hd_call_t *c);
int hd_m_stream_unsubscribe(hd_call_t *c);

int hd_m_heap_create(hd_call_t *c);
int hd_m_heap_list(hd_call_t *c);
int hd_m_heap_info(hd_call_t *c);
int hd_m_heap_drop(hd_call_t *c);
int hd_m_heap_names(hd_call_t *c);
int hd_m_heap_objects(hd_call_t *c);
int hd_m_heap_export(hd_call_t *c);
int hd_m_heap_import(hd_call_t *c);
int hd_m_heap_exec(hd_call_t *c); /* dispatch_exec.c */

int hd_m_obj_new(hd_call_t *c);
int hd_m_name_bind(hd_call_t *c);
int hd_m_name_del(hd_call_t *c);
int hd_m_obj_get(hd_call_t *c);
int hd_m_obj_set(hd_call_t *c);
int hd_m_obj_del(hd_call_t *c);
int hd_m_obj_call(hd_call_t *c);
int hd_m_obj_referents(hd_call_t *c);
int hd_m_obj_referrers(hd_call_t *c);
int hd_m_weakref_new(hd_call_t *c);
int hd_m_weakref_get(hd_call_t *c);

int hd_m_gc_collect(hd_call_t *c);
int hd_m_gc_get(hd_call_t *c);
int hd_m_gc_set(hd_call_t *c);
int hd_m_gc_garbage(hd_call_t *c);
int hd_m_gc_garbage_clear(hd_call_t *c);
int hd_m_gc_freeze(hd_call_t *c);
int hd_m_gc_unfreeze(hd_call_t *c);
int hd_m_gc_dry_run(hd_call_t *c);

int hd_m_alloc_stats(hd_call_t *c);
int hd_m_alloc_map(hd_call_t *c);
int hd_m_trace_start(hd_call_t *c);
int hd_m_trace_stop(hd_call_t *c);
int hd_m_trace_status(hd_call_t *c);
int hd_m_trace_reset_peak(hd_call_t *c);
int hd_m_trace_snapshot(hd_call_t *c);
int hd_m_trace_stats(hd_call_t *c);
int hd_m_trace_compare(hd_call_t *c);

#endif
