/*
 * config.c: heapd's settings from defaults, a JSON file and the command line.
 *
 * One table (`keys`) lists every setting: its config key, whether it has a
 * flag, and how its value is read. A flag and a config member go through the
 * same setter, so they can never accept different things. Order: defaults,
 * then the file named by --config, then the flags in command-line order
 * (flags win; a repeated list flag such as --allowed-origin replaces the
 * file's list with the flags' values).
 *
 * Errors are one line naming the key or flag ("limits.heaps: expected an
 * integer from 1 to 1000000"), written to the caller's buffer; the caller
 * prints it and exits before binding anything.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"

typedef enum key_kind {
    K_LISTEN,   /* "HOST:PORT" */
    K_PATH,     /* a non-empty string */
    K_BOOL,     /* JSON true/false; a flag without argument */
    K_LIST,     /* JSON array of strings; a repeatable flag */
    K_LOGLEVEL, /* "error".."debug" */
    K_INT,      /* integer in [min, max] */
    K_LIMIT,    /* integer in [min, max] under "limits" */
} key_kind_t;

typedef struct key {
    const char *name; /* config key (and, with '-' for '_', the flag) */
    key_kind_t kind;
    int flag;         /* has a --flag */
    size_t off;       /* offset in hd_config_t (or hd_limits_t for K_LIMIT) */
    size_t count_off; /* K_LIST: offset of the count */
    int64_t min, max; /* K_INT, K_LIMIT */
} key_t_;

#define CFG(m)  offsetof(hd_config_t, m)
#define LIM(m)  offsetof(hd_limits_t, m)
#define MIB     (INT64_C(1) << 20)
#define GIB     (INT64_C(1) << 30)
#define BIG_MAX (INT64_C(1) << 40)

static const key_t_ keys[] = {
    {"listen", K_LISTEN, 1, 0, 0, 0, 0},
    {"web_root", K_PATH, 1, CFG(web_root), 0, 0, 0},
    {"state_dir", K_PATH, 1, CFG(state_dir), 0, 0, 0},
    {"token_file", K_PATH, 1, CFG(token_file), 0, 0, 0},
    {"allowed_origin", K_LIST, 1, CFG(allowed_origins), CFG(n_allowed_origins), 0, 0},
    {"server_name", K_LIST, 1, CFG(server_names), CFG(n_server_names), 0, 0},
    {"demo", K_BOOL, 1, CFG(demo), 0, 0, 0},
    {"log_level", K_LOGLEVEL, 1, CFG(log_level), 0, 0, 0},
    {"shutdown_timeout_ms", K_INT, 0, CFG(shutdown_timeout_ms), 0, 10, 60000},
    {"ping_interval_s", K_INT, 0, CFG(ping_interval_s), 0, 1, 3600},
    {"save_interval_s", K_INT, 0, CFG(save_interval_s), 0, 1, 86400},
    {"message_size", K_LIMIT, 0, LIM(message_size), 0, 1024, GIB},
    {"batch_length", K_LIMIT, 0, LIM(batch_length), 0, 1, 1000000},
    {"connections", K_LIMIT, 0, LIM(connections), 0, 1, 1000000},
    {"heaps", K_LIMIT, 0, LIM(heaps), 0, 1, 1000000},
    {"heap_bytes", K_LIMIT, 0, LIM(heap_bytes), 0, MIB, BIG_MAX},
    {"heap_objects", K_LIMIT, 0, LIM(heap_objects), 0, 1, INT64_C(1) << 32},
    {"send_queue_bytes", K_LIMIT, 0, LIM(send_queue_bytes), 0, 64 * 1024, BIG_MAX},
    {"subscriptions", K_LIMIT, 0, LIM(subscriptions), 0, 1, 100000},
    {"snapshots", K_LIMIT, 0, LIM(snapshots), 0, 1, 16},
    {"work_objects", K_LIMIT, 0, LIM(work_objects), 0, 1, INT64_C(1) << 40},
    {"script_source", K_LIMIT, 0, LIM(script_source), 0, 1, GIB},
    {"script_steps", K_LIMIT, 0, LIM(script_steps), 0, 1, INT64_C(1) << 40},
    {"script_time", K_LIMIT, 0, LIM(script_time), 0, 1, 3600000},
    {"rate", K_LIMIT, 0, LIM(rate), 0, 0, 1000000000},
    {"rate_burst", K_LIMIT, 0, LIM(rate_burst), 0, 0, 1000000000},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return HD_EINVAL;
}

void hd_config_limits_default(hd_limits_t *l)
{
    l->message_size = MIB;
    l->batch_length = 1000;
    l->connections = 1024;
    l->heaps = 64;
    l->heap_bytes = 256 * MIB;
    l->heap_objects = 10000000;
    l->send_queue_bytes = 4 * MIB;
    l->subscriptions = 16;
    l->snapshots = 16;
    l->work_objects = 4000000;
    l->script_source = 256 * 1024;
    l->script_steps = 100000000;
    l->script_time = 5000;
    l->rate = 0; /* off: see "Rate limit" in proto/README.md for why */
    l->rate_burst = 0;
}

int hd_config_init(hd_config_t *cfg, const char *default_web_root)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen_host = strdup(HD_SRV_DEFAULT_HOST);
    cfg->web_root = strdup(default_web_root ? default_web_root : ".");
    cfg->listen_port = HD_SRV_DEFAULT_PORT;
    cfg->log_level = HD_LOG_NOTICE;
    cfg->shutdown_timeout_ms = 2000;
    cfg->ping_interval_s = 30;
    cfg->save_interval_s = 60;
    hd_config_limits_default(&cfg->limits);
    if (!cfg->listen_host || !cfg->web_root) {
        hd_config_close(cfg);
        return HD_ENOMEM;
    }
    return 0;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void hd_config_close(hd_config_t *cfg)
{
    free(cfg->listen_host);
    free(cfg->config_file);
    free(cfg->web_root);
    free(cfg->state_dir);
    free(cfg->token_file);
    free_list(cfg->allowed_origins, cfg->n_allowed_origins);
    free_list(cfg->server_names, cfg->n_server_names);
    memset(cfg, 0, sizeof *cfg);
}

int hd_config_log_level_parse(const char *s)
{
    static const char *const names[] = {"error", "warn", "notice", "info", "debug"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* ---- listen addresses ---- */

static int parse_port(const char *s, int *port)
{
    if (!*s || strlen(s) > 5)
        return HD_EINVAL;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return HD_EINVAL;
        v = v * 10 + (*p - '0');
    }
    if (v > 65535)
        return HD_EINVAL;
    *port = (int)v;
    return 0;
}

int hd_config_parse_listen(const char *s, char **host, int *port)
{
    const char *colon = strrchr(s, ':');
    const char *h = s;
    size_t hlen;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return HD_EINVAL;
        h = s + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
        if (hlen == 0)
            return HD_EINVAL;
    } else if (!colon) {
        h = "";
        hlen = 0;
        colon = s - 1; /* the whole string is the port */
    } else {
        if (memchr(s, ':', (size_t)(colon - s)))
            return HD_EINVAL; /* an IPv6 address needs brackets */
        hlen = (size_t)(colon - s);
    }
    if (parse_port(colon + 1, port) != 0)
        return HD_EINVAL;
    /* an IPv4 or IPv6 address, or localhost: what heapd can tell loopback
     * from, and what lws binds without a name lookup */
    char name[INET6_ADDRSTRLEN + 1];
    unsigned char addr[sizeof(struct in6_addr)];
    if (hlen >= sizeof name)
        return HD_EINVAL;
    memcpy(name, h, hlen);
    name[hlen] = 0;
    if (hlen && strcasecmp(name, "localhost") != 0 && inet_pton(AF_INET, name, addr) != 1 &&
        inet_pton(AF_INET6, name, addr) != 1)
        return HD_EINVAL;
    *host = hlen ? strdup(name) : strdup(HD_SRV_DEFAULT_HOST);
    return *host ? 0 : HD_ENOMEM;
}

bool hd_config_host_is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
        return true;
    unsigned a, b, c, d;
    char extra;
    if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4)
        return a == 127 && b < 256 && c < 256 && d < 256;
    return false;
}

/* ---- setting one key ---- */

static int set_string(char **slot, const char *v, const char *name, char *err, size_t errlen)
{
    if (!*v)
        return fail(err, errlen, "%s: expected a non-empty string", name);
    char *copy = strdup(v);
    if (!copy)
        return HD_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

static int set_int(const key_t_ *k, void *base, int64_t v, const char *name, char *err,
                   size_t errlen)
{
    if (v < k->min || v > k->max)
        return fail(err, errlen, "%s: expected an integer from %lld to %lld", name,
                    (long long)k->min, (long long)k->max);
    if (k->kind == K_LIMIT)
        *(uint64_t *)((char *)base + k->off) = (uint64_t)v;
    else
        *(int *)((char *)base + k->off) = (int)v;
    return 0;
}

/* parse a decimal integer flag argument */
static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return HD_EINVAL;
    *out = v;
    return 0;
}

static int list_append(hd_config_t *cfg, const key_t_ *k, const char *v)
{
    char ***list = (char ***)((char *)cfg + k->off);
    size_t *n = (size_t *)((char *)cfg + k->count_off);
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
        return HD_ENOMEM;
    *list = grown;
    if (!(grown[*n] = strdup(v)))
        return HD_ENOMEM;
    (*n)++;
    return 0;
}

static void list_clear(hd_config_t *cfg, const key_t_ *k)
{
    char ***list = (char ***)((char *)cfg + k->off);
    size_t *n = (size_t *)((char *)cfg + k->count_off);
    free_list(*list, *n);
    *list = NULL;
    *n = 0;
}

/* set key k from a string (a flag's argument, or a JSON string) */
static int set_from_text(hd_config_t *cfg, const key_t_ *k, const char *v, const char *name,
                         char *err, size_t errlen)
{
    int64_t i;
    switch (k->kind) {
    case K_LISTEN: {
        char *host;
        int port;
        int rc = hd_config_parse_listen(v, &host, &port);
        if (rc == HD_EINVAL)
            return fail(err, errlen,
                        "%s: expected HOST:PORT (HOST an IPv4 address, an [IPv6] one or localhost; "
                        "PORT 0-65535), got \"%s\"",
                        name, v);
        if (rc)
            return rc;
        free(cfg->listen_host);
        cfg->listen_host = host;
        cfg->listen_port = port;
        return 0;
    }
    case K_PATH:
        return set_string((char **)((char *)cfg + k->off), v, name, err, errlen);
    case K_LIST:
        if (!*v)
            return fail(err, errlen, "%s: expected a non-empty string", name);
        return list_append(cfg, k, v);
    case K_LOGLEVEL: {
        int lvl = hd_config_log_level_parse(v);
        if (lvl < 0)
            return fail(err, errlen, "%s: expected error, warn, notice, info or debug, got \"%s\"",
                        name, v);
        cfg->log_level = lvl;
        return 0;
    }
    case K_INT:
    case K_LIMIT:
        if (parse_i64(v, &i) != 0)
            return fail(err, errlen, "%s: expected an integer, got \"%s\"", name, v);
        return set_int(k, k->kind == K_LIMIT ? (void *)&cfg->limits : (void *)cfg, i, name, err,
                       errlen);
    case K_BOOL:
        break;
    }
    return fail(err, errlen, "%s: takes no value", name);
}

static int set_from_json(hd_config_t *cfg, const key_t_ *k, const json_t *v, const char *name,
                         char *err, size_t errlen)
{
    switch (k->kind) {
    case K_BOOL:
        if (!json_is_boolean(v))
            return fail(err, errlen, "%s: expected true or false", name);
        *(bool *)((char *)cfg + k->off) = json_is_true(v);
        return 0;
    case K_INT:
    case K_LIMIT:
        if (!json_is_integer(v))
            return fail(err, errlen, "%s: expected an integer from %lld to %lld", name,
                        (long long)k->min, (long long)k->max);
        return set_int(k, k->kind == K_LIMIT ? (void *)&cfg->limits : (void *)cfg,
                       json_integer_value(v), name, err, errlen);
    case K_LIST: {
        if (!json_is_array(v))
            return fail(err, errlen, "%s: expected an array of strings", name);
        list_clear(cfg, k);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (!json_is_string(item))
                return fail(err, errlen, "%s[%zu]: expected a string", name, i);
            int rc = set_from_text(cfg, k, json_string_value(item), name, err, errlen);
            if (rc)
                return rc;
        }
        return 0;
    }
    default:
        if (!json_is_string(v))
            return fail(err, errlen, "%s: expected a string", name);
        return set_from_text(cfg, k, json_string_value(v), name, err, errlen);
    }
}

static const key_t_ *find_key(const char *name, bool limit)
{
    for (size_t i = 0; i < NKEYS; i++)
        if ((keys[i].kind == K_LIMIT) == limit && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* config keys of lists are plural ("allowed_origins") where the flag is singular */
static const key_t_ *find_json_key(const char *name)
{
    if (strcmp(name, "allowed_origins") == 0)
        return find_key("allowed_origin", false);
    if (strcmp(name, "server_names") == 0)
        return find_key("server_name", false);
    const key_t_ *k = find_key(name, false);
    return k && k->kind != K_LIST ? k : NULL;
}

static int apply_limits(hd_config_t *cfg, const json_t *lim, char *err, size_t errlen)
{
    if (!json_is_object(lim))
        return fail(err, errlen, "limits: expected an object");
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)lim, name, v)
    {
        char full[128];
        snprintf(full, sizeof full, "limits.%s", name);
        const key_t_ *k = find_key(name, true);
        if (!k)
            return fail(err, errlen, "%.100s: unknown key", full);
        int rc = set_from_json(cfg, k, v, full, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

int hd_config_apply_json(hd_config_t *cfg, const json_t *root, bool only_limits, char *err,
                         size_t errlen)
{
    if (!json_is_object(root))
        return fail(err, errlen, "config: expected a JSON object");
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)root, name, v)
    {
        if (strcmp(name, "limits") == 0) {
            int rc = apply_limits(cfg, v, err, errlen);
            if (rc)
                return rc;
            continue;
        }
        const key_t_ *k = find_json_key(name);
        if (!k)
            return fail(err, errlen, "%.100s: unknown key", name);
        if (only_limits)
            continue;
        int rc = set_from_json(cfg, k, v, name, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

/* apply_file: reads the config file at path and applies it; every error
 * names the file ("config PATH: KEY: ...") */
static int apply_file(hd_config_t *cfg, const char *path, bool only_limits, char *err,
                      size_t errlen)
{
    json_error_t jerr;
    errno = 0;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        if (jerr.line < 0) /* it could not be read at all */
            return fail(err, errlen, "config %s: cannot read it: %s", path,
                        errno ? strerror(errno) : jerr.text);
        return fail(err, errlen, "config %s: line %d: %s", path, jerr.line, jerr.text);
    }
    char inner[256] = "";
    int rc = hd_config_apply_json(cfg, root, only_limits, inner, sizeof inner);
    json_decref(root);
    if (rc == HD_EINVAL)
        return fail(err, errlen, "config %s: %s", path, inner);
    if (rc)
        snprintf(err, errlen, "%s", inner);
    return rc;
}

int hd_config_load_limits(const hd_config_t *cfg, hd_limits_t *out, char *err, size_t errlen)
{
    hd_config_t tmp;
    memset(&tmp, 0, sizeof tmp);
    hd_config_limits_default(&tmp.limits);
    if (cfg->config_file) {
        int rc = apply_file(&tmp, cfg->config_file, true, err, errlen);
        if (rc)
            return rc;
    }
    *out = tmp.limits;
    return 0;
}

/* ---- the command line ---- */

enum { OPT_CONFIG = 1000, OPT_HELP, OPT_VERSION, OPT_KEY0 };

static void flag_name(const key_t_ *k, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", k->name);
    for (char *p = buf + 2; *p; p++)
        if (*p == '_')
            *p = '-';
}

typedef struct flag_val {
    const key_t_ *key;
    const char *value; /* borrowed from argv; NULL for a bool */
} flag_val_t;

static int build_options(struct option *opts, char names[][40])
{
    int n = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        if (!keys[i].flag)
            continue;
        flag_name(&keys[i], names[n], 40);
        opts[n] =
            (struct option){names[n] + 2, keys[i].kind == K_BOOL ? no_argument : required_argument,
                            NULL, OPT_KEY0 + (int)i};
        n++;
    }
    opts[n++] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
    opts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    opts[n++] = (struct option){"version", no_argument, NULL, OPT_VERSION};
    opts[n] = (struct option){NULL, 0, NULL, 0};
    return n;
}

/* pass 1: collect the flags; nothing is applied yet */
static int scan_args(int argc, char **argv, flag_val_t *vals, size_t *nvals, const char **config,
                     int *action, char *err, size_t errlen)
{
    struct option opts[NKEYS + 4];
    char names[NKEYS][40];
    build_options(opts, names);
    opterr = 0;
    optind = 0; /* glibc: a full re-initialisation, so tests may call us again */
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h' || c == OPT_HELP) {
            *action = HD_CONFIG_HELP;
        } else if (c == OPT_VERSION) {
            *action = HD_CONFIG_VERSION;
        } else if (c == OPT_CONFIG) {
            *config = optarg;
        } else if (c >= OPT_KEY0) {
            vals[*nvals].key = &keys[c - OPT_KEY0];
            vals[*nvals].value = optarg;
            (*nvals)++;
        } else if (c == ':') {
            return fail(err, errlen, "%s: needs a value", argv[optind - 1]);
        } else {
            return fail(err, errlen, "%s: unknown flag (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fail(err, errlen, "%s: unexpected argument (see --help)", argv[optind]);
    return 0;
}

int hd_config_from_args(hd_config_t *cfg, int argc, char **argv, int *action, char *err,
                        size_t errlen)
{
    flag_val_t *vals = calloc((size_t)argc + 1, sizeof *vals);
    if (!vals)
        return HD_ENOMEM;
    size_t nvals = 0;
    const char *config = NULL;
    *action = HD_CONFIG_RUN;
    int rc = scan_args(argc, argv, vals, &nvals, &config, action, err, errlen);
    if (rc == 0 && config && *action == HD_CONFIG_RUN) {
        rc = apply_file(cfg, config, false, err, errlen);
        if (rc == 0 && !(cfg->config_file = strdup(config)))
            rc = HD_ENOMEM;
    }
    bool list_seen[NKEYS] = {false};
    for (size_t i = 0; rc == 0 && i < nvals; i++) {
        const key_t_ *k = vals[i].key;
        char name[40];
        flag_name(k, name, sizeof name);
        if (k->kind == K_BOOL) {
            *(bool *)((char *)cfg + k->off) = true;
            continue;
        }
        if (k->kind == K_LIST && !list_seen[k - keys]) {
            list_clear(cfg, k); /* the flags replace the file's list */
            list_seen[k - keys] = true;
        }
        rc = set_from_text(cfg, k, vals[i].value, name, err, errlen);
    }
    free(vals);
    return rc;
}

const char *hd_config_usage(void)
{
    return "usage: heapd [options]\n"
           "\n"
           "  --listen HOST:PORT      address to serve (default 127.0.0.1:7468; port 0: any free)\n"
           "  --config FILE           JSON config file; flags win over it\n"
           "  --web-root DIR          static files served at /\n"
           "  --state-dir DIR         where heaps are kept across restarts (without one,\n"
           "                          nothing is saved: heaps live as long as the process)\n"
           "  --token-file FILE       tokens, one \"ROLE TOKEN\" per line (read, write, admin)\n"
           "  --allowed-origin ORIGIN a browser origin allowed besides the server's own "
           "(repeatable)\n"
           "  --server-name NAME      a Host name the server answers to (repeatable)\n"
           "  --demo                  create a heap \"demo\" with a few objects\n"
           "  --log-level LEVEL       error, warn, notice (default), info or debug\n"
           "  --version               print the version and exit\n"
           "  --help                  print this text and exit\n"
           "\n"
           "Config keys: the flags' names with '_' (listen, web_root, state_dir, token_file,\n"
           "allowed_origins, server_names, demo, log_level), shutdown_timeout_ms,\n"
           "ping_interval_s, save_interval_s, and \"limits\": {message_size, batch_length,\n"
           "connections, heaps, heap_bytes, heap_objects, send_queue_bytes, subscriptions,\n"
           "snapshots, work_objects, script_source, script_steps, script_time, rate,\n"
           "rate_burst}.\n"
           "limits.rate (requests per second per connection) is 0, no limit, by default.\n";
}
