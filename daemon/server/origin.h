/*
 * origin.h: the checks on a WebSocket upgrade's Host and Origin headers,
 * which stop cross-site pages and DNS-rebinding pages from driving heapd
 * from a victim's browser. Pure logic, unit-tested.
 *
 * Host must name the server: with its own port, one of the loopback names
 * (localhost, 127.0.0.1, [::1]) when it listens on loopback, the listen
 * address itself, or (listening on a wildcard address) any IP literal; or,
 * with any port (a reverse proxy may sit in front), a configured server name.
 * Origin, when present, must be the server's own (its host and port equal
 * the Host header's) or one of the allowed origins (compared as text,
 * case-insensitively, without a trailing '/').
 */
#ifndef HD_SRV_ORIGIN_H
#define HD_SRV_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hd_hostcheck {
    const char *listen_host; /* borrowed: the configured listen address */
    int port;                /* the port actually bound */
    char *const *names;      /* borrowed: configured server names */
    size_t n_names;
    char *const *origins; /* borrowed: allowed origins */
    size_t n_origins;
} hd_hostcheck_t;

/* hd_host_allowed: the Host header value names this server.
 * Ownership: none (arguments borrowed for the call). */
bool hd_host_allowed(const hd_hostcheck_t *hc, const char *host);

/* hd_origin_allowed: the Origin header value is acceptable for a request
 * whose (already accepted) Host header is `host`.
 * Ownership: none (arguments borrowed for the call). */
bool hd_origin_allowed(const hd_hostcheck_t *hc, const char *origin, const char *host);

/* hd_split_hostport: "name[:port]" or "[v6][:port]" into a lower-case name
 * (brackets removed, one trailing '.' removed) and a port (default_port when
 * absent). Returns false when malformed. Ownership: writes into the caller's name buffer. */
bool hd_split_hostport(const char *s, int default_port, char *name, size_t namelen, int *port);

#endif
