/*
 * heapctl.h: what heapctl's files share: exit codes, the parsed command
 * line, the per-run context and the command table.
 *
 * heapctl is one short-lived process per command: main.c parses the command
 * line (args.c), finds the command (one cmd_*.c file each), and runs it.
 * A command builds its params (value syntax in value.c), calls the server
 * through rpc.c (which connects on first use, conn.c), and prints the result
 * as a table (out.c and the fmt_*.c formatters) or, with --json, as exactly
 * the result object. Only conn.c knows about libwebsockets; everything the
 * unit tests check (args, values, URLs, formatting) is pure and lives in the
 * library hc_core.
 */
#ifndef HC_HEAPCTL_H
#define HC_HEAPCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (the contract; documented in heapctl(1)). */
enum {
    HC_EXIT_OK = 0,
    HC_EXIT_SERVER = 1, /* the server answered an error */
    HC_EXIT_USAGE = 2,  /* bad command line, bad value, unreadable file */
    HC_EXIT_CONN = 3,   /* cannot connect, or lost the connection */
};

#define HC_DEFAULT_URL       "ws://127.0.0.1:7468/ws"
#define HC_DEFAULT_TIMEOUT_S 10 /* --timeout (heapctl(1) documents it) */

/* ---- command line (args.c) ---- */

/* One long option a command (or heapctl itself) accepts. */
typedef struct hc_optspec {
    const char *name; /* without the leading "--"; NULL ends a table */
    int has_arg;      /* 1: takes a value (--name=V or --name V) */
    const char *help; /* one line for --help; the value's name first, e.g. "NAME  bind it" */
} hc_optspec_t;

#define HC_MAX_OPTS 32

/* A parsed command line. Every pointer is borrowed from argv. */
typedef struct hc_args {
    const char *command; /* the first positional word; NULL when there is none */
    int npos;            /* positional arguments after the command */
    const char **pos;    /* owned array of npos pointers (borrowed strings) */
    int nopts;
    struct {
        const char *name;  /* borrowed from the spec table */
        const char *value; /* borrowed from argv; "" for a flag */
    } opts[HC_MAX_OPTS];
} hc_args_t;

/* hc_args_parse: parse argv[1..] against the global options and, once the
 * command word is known, the command's own options (cmd_opts, found through
 * lookup(command); lookup may return NULL for an unknown command, whose
 * options are then not checked). Options are long only (plus -h for
 * --help), may stand anywhere, "--" ends them; "-5" and "-" are
 * positional. Returns 0, or HC_EXIT_USAGE with a message in err.
 * Ownership: a is caller storage, release with hc_args_free. */
int hc_args_parse(hc_args_t *a, int argc, char **argv, const hc_optspec_t *global_opts,
                  const hc_optspec_t *(*lookup)(const char *command), char *err, size_t errlen);

/* hc_args_free: release the positional array. Ownership: frees a->pos. */
void hc_args_free(hc_args_t *a);

/* hc_args_opt: the value of the last --name given, "" for a flag, NULL when
 * absent. Ownership: borrowed from argv. */
const char *hc_args_opt(const hc_args_t *a, const char *name);

/* hc_parse_int: s is a whole decimal integer in [min, max]. Returns 0 or -1. */
int hc_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* hc_parse_size: a byte count, with an optional suffix K, M, G (powers of
 * 1024, optionally followed by "iB" or "B"). Returns 0 or -1. */
int hc_parse_size(const char *s, int64_t *out);

/* ---- URL (url.c) ---- */

typedef struct hc_url {
    int tls;        /* wss:// (or https://) */
    char host[256]; /* without brackets for IPv6 */
    int port;
    char path[512];
    char hostport[300]; /* Host header: host[:port], IPv6 bracketed */
} hc_url_t;

/* hc_url_parse: ws://HOST[:PORT][/PATH], wss://..., http(s):// as ws(s)://,
 * or a bare HOST:PORT. An empty path becomes "/ws" (heapd's endpoint); the
 * default ports are 80 and 443. Returns 0 or -1 with a message in err.
 * Ownership: s is borrowed. */
int hc_url_parse(const char *s, hc_url_t *u, char *err, size_t errlen);

/* ---- connection (conn.c) ---- */

typedef struct hc_conn hc_conn_t;

typedef struct hc_conn_opts {
    const char *url;   /* borrowed; for messages */
    const hc_url_t *u; /* borrowed */
    const char *token; /* borrowed; NULL: no Authorization header */
    int timeout_ms;    /* connect timeout */
    int insecure;      /* wss: accept self-signed or mismatched certificates */
    int debug;         /* show libwebsockets' log */
} hc_conn_opts_t;

/* hc_conn_open: connect and finish the WebSocket handshake. Returns the
 * connection, or NULL with a message naming what failed and where in err.
 * Ownership: new object, release with hc_conn_close. */
hc_conn_t *hc_conn_open(const hc_conn_opts_t *o, char *err, size_t errlen);

/* hc_conn_send: queue one text message and start sending it. Returns 0, or
 * -1 when the connection is gone (message in hc_conn_error).
 * Ownership: text is copied. */
int hc_conn_send(hc_conn_t *c, const char *text, size_t len);

/* hc_conn_recv: the next message received, waiting at most timeout_ms
 * (-1: forever). Returns 1 with *text (NUL-terminated) and *len, 0 on
 * timeout, -1 when the connection is gone.
 * Ownership: *text is new (malloc), the caller frees it. */
int hc_conn_recv(hc_conn_t *c, int timeout_ms, char **text, size_t *len);

/* hc_conn_error: why the connection failed or closed ("" while it is up).
 * Ownership: borrowed until the next call on c. */
const char *hc_conn_error(const hc_conn_t *c);

/* hc_conn_close: close the connection and free it (NULL is fine).
 * Ownership: releases c. */
void hc_conn_close(hc_conn_t *c);

/* ---- the run context and calls (rpc.c) ---- */

typedef struct hc_ctx hc_ctx_t;

/* Called for each server notification received while a call waits.
 * Ownership: method and params borrowed for the call only. */
typedef void (*hc_note_fn)(hc_ctx_t *ctx, const char *method, const json_t *params);

struct hc_ctx {
    const char *url;    /* borrowed (argv or environment) */
    char *token;        /* owned; NULL: none */
    int timeout_ms;     /* connect and per-request timeout */
    int json;           /* --json */
    int color;          /* colour on stdout */
    int color_err;      /* colour on stderr */
    int insecure;       /* --insecure */
    int debug;          /* --debug */
    const char *site;   /* --site; borrowed */
    const char *cmd;    /* the command's name, for messages */
    hc_url_t u;         /* parsed url */
    hc_conn_t *conn;    /* owned; opened on first call */
    int64_t next_id;    /* request ids */
    FILE *out;          /* borrowed (stdout) */
    int quiet;          /* failures are only stored in last_err, not printed */
    char last_err[600]; /* the last connection failure or server error */
    hc_note_fn on_note; /* NULL: notifications are dropped */
    void *note_data;    /* borrowed; for on_note */
};

/* hc_call: call method with params and wait for its response. On success
 * stores the result in *result and returns 0. Otherwise prints the error
 * (the server's code and message; or the connection failure) to stderr and
 * returns HC_EXIT_SERVER or HC_EXIT_CONN. Adds "site" (--site) to methods
 * that accept it.
 * Ownership: steals params (even on failure; NULL means {}); *result is a
 * new reference. */
int hc_call(hc_ctx_t *ctx, const char *method, json_t *params, json_t **result);

/* hc_call_batch: n calls sent as one JSON-RPC batch (run atomically by the
 * server). results[i] get new references; on any error every result is
 * released, the first error is printed, and its exit code returned.
 * Ownership: steals every params[i]. */
int hc_call_batch(hc_ctx_t *ctx, int n, const char *const *methods, json_t **params,
                  json_t **results);

/* hc_call_raw: like hc_call, but a server error is returned, not printed:
 * *code, *message and *data (borrowed until *keep is released) describe it.
 * Returns 0 (result or server error; *code 0 for a result) or HC_EXIT_CONN.
 * Ownership: steals params; *keep is a new reference to the whole response
 * (release it last); *result borrowed from it. */
int hc_call_raw(hc_ctx_t *ctx, const char *method, json_t *params, json_t **keep, json_t **result,
                int *code, const char **message, json_t **data);

/* hc_print_server_error: print one error response to stderr as heapctl
 * prints them (with ctx->quiet, store it in ctx->last_err instead).
 * Ownership: borrowed arguments. */
void hc_print_server_error(hc_ctx_t *ctx, int code, const char *message, const json_t *data);

/* hc_ctx_connect: open ctx->conn now (hc_call does it on first use).
 * Returns 0 or HC_EXIT_CONN (printed). */
int hc_ctx_connect(hc_ctx_t *ctx);

/* hc_ctx_disconnect: close ctx->conn (it may be opened again). */
void hc_ctx_disconnect(hc_ctx_t *ctx);

/* hc_usage_error: print "heapctl CMD: message" and the hint, return HC_EXIT_USAGE. */
int hc_usage_error(const hc_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hc_print_json: the object on one line, then "\n" (--json output).
 * Ownership: borrowed. */
void hc_print_json(FILE *f, const json_t *v);

/* Prints a result readably (the --json form is printed by hc_run). */
typedef void (*hc_printer_t)(hc_ctx_t *ctx, const json_t *result);

/* hc_run: call method, then print its result: exactly the result object
 * with --json, else through print (nothing when print is NULL). Returns
 * hc_call's exit code.
 * Ownership: steals params. */
int hc_run(hc_ctx_t *ctx, const char *method, json_t *params, hc_printer_t print);

/* hc_print_heap_info: a heap info object as "key  value" lines (info,
 * create, import). */
void hc_print_heap_info(hc_ctx_t *ctx, const json_t *info);

/* hc_print_gc_info: a gc info object as lines (gc, info). */
void hc_print_gc_info(hc_ctx_t *ctx, const json_t *gc);

/* hc_parse_value_arg: hc_value_parse with heapctl's usage error. Returns
 * the value (new reference) or NULL (usage error printed). */
json_t *hc_parse_value_arg(hc_ctx_t *ctx, const char *what, const char *s);

/* hc_parse_target_arg: hc_target_parse with heapctl's usage error. */
json_t *hc_parse_target_arg(hc_ctx_t *ctx, const char *s);

/* ---- commands (cmd_*.c) ---- */

typedef struct hc_cmd {
    const char *name;
    const char *usage;   /* after "heapctl NAME " */
    const char *summary; /* one line */
    const char *help;    /* paragraphs for NAME --help; may be NULL */
    const hc_optspec_t *opts;
    int min_args;
    int max_args; /* -1: no limit */
    int (*run)(hc_ctx_t *ctx, const hc_args_t *a);
} hc_cmd_t;

extern const hc_cmd_t hc_cmd_info, hc_cmd_heaps, hc_cmd_create, hc_cmd_drop, hc_cmd_new,
    hc_cmd_bind, hc_cmd_del, hc_cmd_set, hc_cmd_unset, hc_cmd_call, hc_cmd_weakref, hc_cmd_show,
    hc_cmd_names, hc_cmd_objects, hc_cmd_collect, hc_cmd_gc, hc_cmd_garbage, hc_cmd_alloc,
    hc_cmd_trace, hc_cmd_export, hc_cmd_import, hc_cmd_watch, hc_cmd_rpc, hc_cmd_exec, hc_cmd_repl;

/* hc_heap_params: {"heap": heap} after checking the name; NULL (and a
 * usage error printed, *rc set) for a bad name.
 * Ownership: new reference. */
json_t *hc_heap_params(hc_ctx_t *ctx, const char *heap, int *rc);

#endif
