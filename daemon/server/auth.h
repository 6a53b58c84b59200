/*
 * auth.h: tokens and roles. A token file holds one "ROLE TOKEN" per line
 * (roles read, write, admin; '#' starts a comment line); a session takes the
 * role of the token it presents, by "Authorization: Bearer TOKEN" on the
 * upgrade or by session.auth. Without a token file every session is admin
 * (and the server only listens on loopback). Pure logic, unit-tested.
 */
#ifndef HD_SRV_AUTH_H
#define HD_SRV_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "hd_proto.h"

#define HD_TOKEN_MAX 1024 /* longest token, bytes */

typedef struct hd_token {
    hd_proto_role_t role;
    char *token; /* owned */
    size_t len;
} hd_token_t;

typedef struct hd_tokens {
    hd_token_t *v; /* owned array of n */
    size_t n;
} hd_tokens_t;

/* hd_tokens_parse: parse a token file's text. Returns 0, HD_EINVAL (err:
 * "line N: ..." without the token itself) or HD_ENOMEM. *out is replaced
 * only on success. Ownership: text borrowed; *out is caller storage, release
 * with hd_tokens_close. */
int hd_tokens_parse(const char *text, size_t len, hd_tokens_t *out, char *err, size_t errlen);

/* hd_tokens_load: read and parse the file at path (err: "PATH: ...").
 * Ownership: path borrowed; *out is caller storage (hd_tokens_close). */
int hd_tokens_load(const char *path, hd_tokens_t *out, char *err, size_t errlen);

void hd_tokens_close(hd_tokens_t *t);

/* hd_tokens_lookup: the role of a token, HD_PROTO_ROLE_NONE if unknown. The
 * comparison takes the same time whatever bytes match. Ownership: none. */
hd_proto_role_t hd_tokens_lookup(const hd_tokens_t *t, const char *token, size_t len);

/* hd_auth_bearer: the token in an Authorization header value ("Bearer X",
 * scheme case-insensitive). Returns 0 with *token and *len pointing into header,
 * or HD_EINVAL. Ownership: *token borrowed from header. */
int hd_auth_bearer(const char *header, const char **token, size_t *len);

/* hd_auth_check: may a session with role `have` call a method needing
 * `need`? 0 if so; else the JSON-RPC code: -32001 when the session has no
 * role yet (it must authenticate), -32002 when its role is too weak.
 * Ownership: none (arguments borrowed for the call). */
int hd_auth_check(hd_proto_role_t have, hd_proto_role_t need);

#endif
