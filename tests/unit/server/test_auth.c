/*
 * test_auth.c: the token file, bearer headers and role checks.
 */
#include "test.h"

#include "auth.h"
#include "err.h"

TEST(token_file)
{
    const char *text = "# tokens\n\nread r-token\nwrite   w-token  \r\nadmin\ta-token\n";
    hd_tokens_t t = {NULL, 0};
    char err[256];
    CHECK_OK(hd_tokens_parse(text, strlen(text), &t, err, sizeof err));
    CHECK_EQ(t.n, 3);
    CHECK_EQ(hd_tokens_lookup(&t, "r-token", 7), HD_PROTO_ROLE_READ);
    CHECK_EQ(hd_tokens_lookup(&t, "w-token", 7), HD_PROTO_ROLE_WRITE);
    CHECK_EQ(hd_tokens_lookup(&t, "a-token", 7), HD_PROTO_ROLE_ADMIN);
    CHECK_EQ(hd_tokens_lookup(&t, "a-toke", 6), HD_PROTO_ROLE_NONE);
    CHECK_EQ(hd_tokens_lookup(&t, "x-token", 7), HD_PROTO_ROLE_NONE);
    hd_tokens_close(&t);
}

TEST(token_file_errors)
{
    static const char *const bad[] = {"root secret\n", "read\n", "read a b\n",
                                      "read same\nwrite same\n", "none tok\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hd_tokens_t t = {NULL, 0};
        char err[256] = "";
        CHECK_EQ(hd_tokens_parse(bad[i], strlen(bad[i]), &t, err, sizeof err), HD_EINVAL);
        CHECK(strncmp(err, "line ", 5) == 0);
        CHECK(!strstr(err, "secret")); /* tokens never in messages */
        CHECK_EQ(t.n, 0);
    }
    hd_tokens_t t = {NULL, 0};
    char err[256];
    CHECK_EQ(hd_tokens_load("/nonexistent/tokens", &t, err, sizeof err), HD_EINVAL);
    CHECK(strstr(err, "/nonexistent/tokens"));
}

TEST(bearer)
{
    const char *tok;
    size_t len;
    CHECK_OK(hd_auth_bearer("Bearer abc", &tok, &len));
    CHECK(len == 3 && memcmp(tok, "abc", 3) == 0);
    CHECK_OK(hd_auth_bearer("bearer  abc  ", &tok, &len));
    CHECK_EQ(len, 3);
    CHECK_EQ(hd_auth_bearer("Basic abc", &tok, &len), HD_EINVAL);
    CHECK_EQ(hd_auth_bearer("Bearer ", &tok, &len), HD_EINVAL);
}

TEST(roles)
{
    CHECK_EQ(hd_auth_check(HD_PROTO_ROLE_NONE, HD_PROTO_ROLE_NONE), 0);
    CHECK_EQ(hd_auth_check(HD_PROTO_ROLE_NONE, HD_PROTO_ROLE_READ), HD_RPC_UNAUTHORIZED);
    CHECK_EQ(hd_auth_check(HD_PROTO_ROLE_READ, HD_PROTO_ROLE_WRITE), HD_RPC_FORBIDDEN);
    CHECK_EQ(hd_auth_check(HD_PROTO_ROLE_WRITE, HD_PROTO_ROLE_ADMIN), HD_RPC_FORBIDDEN);
    CHECK_EQ(hd_auth_check(HD_PROTO_ROLE_ADMIN, HD_PROTO_ROLE_WRITE), 0);
}
