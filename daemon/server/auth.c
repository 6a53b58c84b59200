/*
 * auth.c: the token file and role checks (see auth.h).
 *
 * Tokens are kept in a plain array: a server has a handful, and every lookup
 * compares against all of them in constant time per byte so that timing does
 * not tell how much of a guess was right.
 */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"

void hd_tokens_close(hd_tokens_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i].token)
            memset(t->v[i].token, 0, t->v[i].len);
        free(t->v[i].token);
    }
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* one line: "ROLE TOKEN"; returns 0 (entry filled, or skipped when *skip) */
static int parse_line(const char *p, const char *end, hd_token_t *e, int *skip, char *err,
                      size_t errlen, size_t lineno)
{
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    *skip = (p == end || *p == '#');
    if (*skip)
        return 0;
    const char *role = p;
    while (p < end && !is_space(*p))
        p++;
    char rolebuf[16];
    size_t rlen = (size_t)(p - role);
    if (rlen >= sizeof rolebuf)
        rlen = sizeof rolebuf - 1;
    memcpy(rolebuf, role, rlen);
    rolebuf[rlen] = '\0';
    if (hd_proto_role_parse(rolebuf, &e->role) != 0 || e->role == HD_PROTO_ROLE_NONE) {
        snprintf(err, errlen, "line %zu: role must be read, write or admin", lineno);
        return HD_EINVAL;
    }
    while (p < end && is_space(*p))
        p++;
    const char *tok = p;
    for (; p < end; p++)
        if (*p <= ' ' || *p > '~') {
            snprintf(err, errlen, "line %zu: expected \"ROLE TOKEN\" (a token is printable ASCII)",
                     lineno);
            return HD_EINVAL;
        }
    e->len = (size_t)(end - tok);
    if (e->len == 0 || e->len > HD_TOKEN_MAX) {
        snprintf(err, errlen, "line %zu: a token is 1 to %d characters", lineno, HD_TOKEN_MAX);
        return HD_EINVAL;
    }
    e->token = strndup(tok, e->len);
    return e->token ? 0 : HD_ENOMEM;
}

int hd_tokens_parse(const char *text, size_t len, hd_tokens_t *out, char *err, size_t errlen)
{
    hd_tokens_t t = {NULL, 0};
    size_t cap = 0, lineno = 0;
    const char *p = text, *end = text + len;
    int rc = 0;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        lineno++;
        if (t.n == cap) {
            cap = cap ? cap * 2 : 8;
            hd_token_t *grown = realloc(t.v, cap * sizeof *grown);
            if (!grown) {
                rc = HD_ENOMEM;
                break;
            }
            t.v = grown;
        }
        int skip;
        hd_token_t e = {0};
        rc = parse_line(p, eol, &e, &skip, err, errlen, lineno);
        if (rc == 0 && !skip) {
            if (hd_tokens_lookup(&t, e.token, e.len) != HD_PROTO_ROLE_NONE) {
                snprintf(err, errlen, "line %zu: the same token is listed twice", lineno);
                free(e.token);
                rc = HD_EINVAL;
            } else {
                t.v[t.n++] = e;
            }
        }
        p = eol + 1;
    }
    if (rc) {
        hd_tokens_close(&t);
        return rc;
    }
    hd_tokens_close(out);
    *out = t;
    return 0;
}

int hd_tokens_load(const char *path, hd_tokens_t *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %m", path);
        return HD_EINVAL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            char *grown = cap > (size_t)16 << 20 ? NULL : realloc(buf, cap);
            if (!grown) {
                rc = cap > (size_t)16 << 20 ? HD_EINVAL : HD_ENOMEM;
                if (rc == HD_EINVAL)
                    snprintf(err, errlen, "%s: too large", path);
                break;
            }
            buf = grown;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = HD_EINVAL;
    }
    fclose(f);
    if (rc == 0) {
        char lerr[256];
        rc = hd_tokens_parse(buf ? buf : "", len, out, lerr, sizeof lerr);
        if (rc == HD_EINVAL)
            snprintf(err, errlen, "%s: %s", path, lerr);
    }
    if (buf)
        memset(buf, 0, len);
    free(buf);
    return rc;
}

/* constant-time equality of two byte strings of the same length */
static int same(const char *a, const char *b, size_t len)
{
    unsigned char diff = 0;
    for (size_t i = 0; i < len; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

hd_proto_role_t hd_tokens_lookup(const hd_tokens_t *t, const char *token, size_t len)
{
    hd_proto_role_t role = HD_PROTO_ROLE_NONE;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].len == len && same(t->v[i].token, token, len))
            role = t->v[i].role;
    return role;
}

int hd_auth_bearer(const char *header, const char **token, size_t *len)
{
    while (*header == ' ')
        header++;
    if (strncasecmp(header, "Bearer ", 7) != 0)
        return HD_EINVAL;
    const char *p = header + 7;
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0 || n > HD_TOKEN_MAX)
        return HD_EINVAL;
    *token = p;
    *len = n;
    return 0;
}

int hd_auth_check(hd_proto_role_t have, hd_proto_role_t need)
{
    if (hd_proto_role_allows(have, need))
        return 0;
    return have == HD_PROTO_ROLE_NONE ? HD_RPC_UNAUTHORIZED : HD_RPC_FORBIDDEN;
}
