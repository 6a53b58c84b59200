/*
 * config.h: heapd's settings: defaults, the JSON config file, the command
 * line, and the rule that ties them (flags win over the file).
 *
 * Every flag has a config key of the same name with '-' turned into '_'
 * (--web-root is "web_root"); limits live under "limits" and have no flags.
 * Whatever is wrong (an unknown flag or key, a value of the wrong type or out
 * of range) is reported as one line naming the key, before anything binds.
 * This module is pure: it reads files and parses text, nothing else, so
 * tests/unit/server/ covers it without a server.
 */
#ifndef HD_SRV_CONFIG_H
#define HD_SRV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define HD_SRV_DEFAULT_HOST "127.0.0.1"
#define HD_SRV_DEFAULT_PORT 7468
#define HD_SRV_ERR_LEN      512 /* room for one error line */

/* Log levels, in increasing verbosity; journald priorities 3..7. */
enum hd_log_level {
    HD_LOG_ERR = 0,
    HD_LOG_WARN,
    HD_LOG_NOTICE,
    HD_LOG_INFO,
    HD_LOG_DEBUG,
};

/* The server's limits (config key "limits"; the member names are the keys
 * and the `data.limit` names of the -32004 errors that enforce them). */
typedef struct hd_limits {
    uint64_t message_size;     /* bytes of one WebSocket message (1 MiB) */
    uint64_t batch_length;     /* requests in one batch (1,000) */
    uint64_t connections;      /* WebSocket connections at once (1,024) */
    uint64_t heaps;            /* heaps at once (64) */
    uint64_t heap_bytes;       /* per heap: bytes in blocks (256 MiB) */
    uint64_t heap_objects;     /* per heap: live objects (10,000,000) */
    uint64_t send_queue_bytes; /* per connection: unsent data (4 MiB) */
    uint64_t subscriptions;    /* per connection: stream subscriptions (16) */
    uint64_t snapshots;        /* per heap: trace snapshots kept (16, at most 16) */
    uint64_t work_objects;     /* objects one request may walk: gc.collect, gc.dry_run,
                                  heap.objects, obj.referrers (4,000,000) */
    uint64_t script_source;    /* heap.exec: bytes of a program (256 KiB) */
    uint64_t script_steps;     /* heap.exec: instructions a program may run (100,000,000) */
    uint64_t script_time;      /* heap.exec: milliseconds a program may run (5,000) */
    uint64_t rate;             /* per connection: requests per second, sustained (0: no limit) */
    uint64_t rate_burst;       /* per connection: requests at once above the rate (0: `rate`) */
} hd_limits_t;

typedef struct hd_config {
    char *listen_host;      /* owned; "127.0.0.1", "::1", "0.0.0.0"... (no brackets) */
    int listen_port;        /* 0..65535; 0 picks a free port */
    char *config_file;      /* owned or NULL: where the settings came from */
    char *web_root;         /* owned */
    char *state_dir;        /* owned or NULL */
    char *token_file;       /* owned or NULL: no tokens, loopback only */
    char **allowed_origins; /* owned array of owned strings */
    size_t n_allowed_origins;
    char **server_names; /* owned array of owned strings: extra Host names */
    size_t n_server_names;
    bool demo;
    int log_level;           /* enum hd_log_level */
    int shutdown_timeout_ms; /* how long a graceful shutdown may take */
    int ping_interval_s;     /* WebSocket ping after this much silence */
    int save_interval_s;     /* changed heaps are saved to state_dir this often */
    hd_limits_t limits;
} hd_config_t;

/* What the command line asked for besides settings. */
enum hd_config_action {
    HD_CONFIG_RUN = 0,
    HD_CONFIG_HELP,
    HD_CONFIG_VERSION,
};

/* hd_config_init: the defaults (web root: HD_SRV_WEB_ROOT as built).
 * Returns 0 or HD_ENOMEM. Ownership: cfg is caller storage; release with
 * hd_config_close. */
int hd_config_init(hd_config_t *cfg, const char *default_web_root);

/* hd_config_close: frees what cfg owns; cfg is then zeroed.
 * Ownership: frees everything cfg owns. */
void hd_config_close(hd_config_t *cfg);

/* hd_config_limits_default: the limits' defaults.
 * Ownership: none (arguments borrowed for the call). */
void hd_config_limits_default(hd_limits_t *limits);

/* hd_config_from_args: cfg (already initialised) := the config file named by
 * --config, if any, then every flag on top. *action says whether to run or
 * print help/version. Returns 0, HD_EINVAL (err holds one line naming the
 * flag or key, no trailing newline) or HD_ENOMEM.
 * Ownership: argv is borrowed; cfg keeps copies. */
int hd_config_from_args(hd_config_t *cfg, int argc, char **argv, int *action, char *err,
                        size_t errlen);

/* hd_config_apply_json: apply the members of a config object (the file's
 * contents) to cfg; `only_limits` applies "limits" alone (SIGHUP reload).
 * Returns 0, HD_EINVAL (err names the key) or HD_ENOMEM. On error cfg may
 * hold some of the new values: callers apply to a copy.
 * Ownership: root borrowed. */
int hd_config_apply_json(hd_config_t *cfg, const json_t *root, bool only_limits, char *err,
                         size_t errlen);

/* hd_config_load_limits: read cfg->config_file again and put its limits in
 * *out (defaults for the absent ones). Without a config file: defaults.
 * Returns 0, HD_EINVAL (err set) or HD_ENOMEM. Ownership: none. */
int hd_config_load_limits(const hd_config_t *cfg, hd_limits_t *out, char *err, size_t errlen);

/* hd_config_parse_listen: "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT" into
 * a host (brackets removed; "127.0.0.1" when empty) and a port. Returns 0 or
 * HD_EINVAL. Ownership: *host is new (free()). */
int hd_config_parse_listen(const char *s, char **host, int *port);

/* hd_config_host_is_loopback: the address is 127.0.0.0/8, ::1 or
 * "localhost". Ownership: none. */
bool hd_config_host_is_loopback(const char *host);

/* hd_config_log_level_parse: "error", "warn", "notice", "info", "debug";
 * -1 for anything else. Ownership: none (arguments borrowed for the call). */
int hd_config_log_level_parse(const char *s);

/* hd_config_usage: the --help text. Static string. Ownership: returns a static string. */
const char *hd_config_usage(void);

#endif
