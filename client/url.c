/*
 * url.c: the server address heapctl connects to (--url, HEAPD_URL).
 *
 * Accepted: ws://HOST[:PORT][/PATH] and wss://...; http:// and https:// as
 * their WebSocket twins (people paste the dashboard's address); and a bare
 * HOST:PORT, which means ws://HOST:PORT/ws. HOST may be a bracketed IPv6
 * address. An empty path is heapd's endpoint /ws, so `--url
 * ws://host:7468` does what its author meant. The Host header (hostport)
 * carries the port only when it is not the scheme's default, as browsers
 * send it; heapd's Host check compares it with its own address.
 */
#include "heapctl.h"

#include <stdlib.h>
#include <string.h>

static int bad(char *err, size_t errlen, const char *s, const char *why)
{
    snprintf(err, errlen, "bad URL '%s': %s (example: ws://127.0.0.1:7468/ws)", s, why);
    return -1;
}

/* The scheme: sets u->tls, returns the length of "scheme://" or 0 for none, -1 if unknown. */
static int scheme(const char *s, hc_url_t *u)
{
    static const struct {
        const char *prefix;
        int tls;
    } schemes[] = {{"ws://", 0}, {"wss://", 1}, {"http://", 0}, {"https://", 1}};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(s, schemes[i].prefix, n) == 0) {
            u->tls = schemes[i].tls;
            return (int)n;
        }
    }
    return strstr(s, "://") ? -1 : 0;
}

/* host[:port] of len bytes at p. */
static int host_port(const char *p, size_t len, hc_url_t *u, const char *s, char *err,
                     size_t errlen)
{
    const char *host = p, *colon;
    size_t hlen;
    if (len > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', len);
        if (!close)
            return bad(err, errlen, s, "missing ']' after an IPv6 address");
        host = p + 1;
        hlen = (size_t)(close - host);
        colon = close + 1 < p + len ? close + 1 : NULL;
        if (colon && *colon != ':')
            return bad(err, errlen, s, "unexpected text after ']'");
    } else {
        colon = memchr(p, ':', len);
        hlen = colon ? (size_t)(colon - p) : len;
    }
    if (hlen == 0 || hlen >= sizeof u->host)
        return bad(err, errlen, s, "no host");
    memcpy(u->host, host, hlen);
    u->host[hlen] = 0;
    u->port = u->tls ? 443 : 80;
    if (colon) {
        char num[8] = {0};
        size_t nlen = (size_t)(p + len - colon - 1);
        if (nlen == 0 || nlen >= sizeof num || strspn(colon + 1, "0123456789") < nlen)
            return bad(err, errlen, s, "the port is not a number");
        memcpy(num, colon + 1, nlen);
        u->port = atoi(num);
        if (u->port < 1 || u->port > 65535)
            return bad(err, errlen, s, "the port is out of range");
    }
    return 0;
}

int hc_url_parse(const char *s, hc_url_t *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    int n = scheme(s, u);
    if (n < 0)
        return bad(err, errlen, s, "the scheme must be ws:// or wss://");
    const char *p = s + n;
    size_t len = strcspn(p, "/?#");
    if (n == 0 && !memchr(p, ':', len))
        return bad(err, errlen, s, "give a scheme or a port");
    if (host_port(p, len, u, s, err, errlen) != 0)
        return -1;
    const char *path = p + len;
    if (*path == 0 || strcmp(path, "/") == 0)
        path = "/ws";
    if (*path != '/')
        return bad(err, errlen, s, "the path must start with '/'");
    if (strlen(path) >= sizeof u->path)
        return bad(err, errlen, s, "the path is too long");
    strcpy(u->path, path);
    int v6 = strchr(u->host, ':') != NULL;
    int dflt = u->port == (u->tls ? 443 : 80);
    if (dflt)
        snprintf(u->hostport, sizeof u->hostport, v6 ? "[%s]" : "%s", u->host);
    else
        snprintf(u->hostport, sizeof u->hostport, v6 ? "[%s]:%d" : "%s:%d", u->host, u->port);
    return 0;
}
