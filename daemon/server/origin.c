/*
 * origin.c: Host and Origin checks on the upgrade (see origin.h for the
 * rules). Everything is parsed into (lower-case name, numeric port) pairs
 * before comparing, so "LOCALHOST:7468" and "localhost:7468" agree and a
 * missing port means the scheme's default.
 */
#include "origin.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"

bool hd_split_hostport(const char *s, int default_port, char *name, size_t namelen, int *port)
{
    const char *host = s, *end;
    const char *rest;
    if (*s == '[') {
        host = s + 1;
        end = strchr(host, ']');
        if (!end)
            return false;
        rest = end + 1;
    } else {
        end = strchr(s, ':');
        if (!end)
            end = s + strlen(s);
        rest = end;
    }
    size_t len = (size_t)(end - host);
    if (len > 0 && host[len - 1] == '.')
        len--;
    if (len == 0 || len >= namelen)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)host[i];
        if (c <= ' ' || c > '~' || c == '/' || c == '@' || c == '[' || c == ']')
            return false;
        name[i] = (char)tolower(c);
    }
    name[len] = '\0';
    if (*rest == '\0') {
        *port = default_port;
        return true;
    }
    if (*rest != ':' || !rest[1] || strlen(rest + 1) > 5)
        return false;
    int v = 0;
    for (const char *p = rest + 1; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > 65535)
        return false;
    *port = v;
    return true;
}

static bool is_ip_literal(const char *name)
{
    unsigned a, b, c, d;
    char extra;
    if (sscanf(name, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4)
        return a < 256 && b < 256 && c < 256 && d < 256;
    if (!strchr(name, ':'))
        return false;
    for (const char *p = name; *p; p++)
        if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
            return false;
    return true;
}

static bool is_wildcard(const char *host)
{
    return strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
}

bool hd_host_allowed(const hd_hostcheck_t *hc, const char *host)
{
    char name[256];
    int port;
    if (!host || !hd_split_hostport(host, 80, name, sizeof name, &port))
        return false;
    for (size_t i = 0; i < hc->n_names; i++) {
        char cname[256];
        int cport;
        if (hd_split_hostport(hc->names[i], -1, cname, sizeof cname, &cport) &&
            strcmp(cname, name) == 0 && (cport == -1 || cport == port))
            return true;
    }
    if (port != hc->port)
        return false;
    char lname[256];
    int lport;
    if (hd_split_hostport(hc->listen_host, 0, lname, sizeof lname, &lport) &&
        strcmp(lname, name) == 0)
        return true;
    if (hd_config_host_is_loopback(hc->listen_host) || is_wildcard(hc->listen_host)) {
        if (strcmp(name, "localhost") == 0 || strcmp(name, "127.0.0.1") == 0 ||
            strcmp(name, "::1") == 0)
            return true;
    }
    return is_wildcard(hc->listen_host) && is_ip_literal(name);
}

/* the origin without a trailing '/', for text comparison */
static size_t origin_len(const char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '/')
        n--;
    return n;
}

bool hd_origin_allowed(const hd_hostcheck_t *hc, const char *origin, const char *host)
{
    if (!origin)
        return true;
    size_t olen = origin_len(origin);
    for (size_t i = 0; i < hc->n_origins; i++) {
        size_t alen = origin_len(hc->origins[i]);
        if (alen == olen && strncasecmp(hc->origins[i], origin, olen) == 0)
            return true;
    }
    int default_port;
    const char *rest;
    if (strncasecmp(origin, "http://", 7) == 0) {
        default_port = 80;
        rest = origin + 7;
    } else if (strncasecmp(origin, "https://", 8) == 0) {
        default_port = 443;
        rest = origin + 8;
    } else {
        return false; /* "null", file:, chrome-extension: ... */
    }
    char hp[300];
    size_t rlen = olen - (size_t)(rest - origin);
    if (rlen == 0 || rlen >= sizeof hp || memchr(rest, '/', rlen))
        return false;
    memcpy(hp, rest, rlen);
    hp[rlen] = '\0';
    char oname[256], hname[256];
    int oport, hport;
    if (!hd_split_hostport(hp, default_port, oname, sizeof oname, &oport) ||
        !hd_split_hostport(host, default_port, hname, sizeof hname, &hport))
        return false;
    return strcmp(oname, hname) == 0 && oport == hport;
}
