/*
 * test_origin.c: Host and Origin checks of the WebSocket upgrade.
 */
#include "test.h"

#include "origin.h"

static char *names[] = {"heapd.example.org", "proxy.example:8443"};
static char *origins[] = {"https://dash.example.org/"};

TEST(host_on_loopback)
{
    hd_hostcheck_t hc = {"127.0.0.1", 7468, NULL, 0, NULL, 0};
    CHECK(hd_host_allowed(&hc, "127.0.0.1:7468"));
    CHECK(hd_host_allowed(&hc, "localhost:7468"));
    CHECK(hd_host_allowed(&hc, "LOCALHOST:7468"));
    CHECK(hd_host_allowed(&hc, "[::1]:7468"));
    CHECK(!hd_host_allowed(&hc, "127.0.0.1:7469"));
    CHECK(!hd_host_allowed(&hc, "127.0.0.1"));         /* port 80 */
    CHECK(!hd_host_allowed(&hc, "evil.example:7468")); /* DNS rebinding */
    CHECK(!hd_host_allowed(&hc, ""));
    CHECK(!hd_host_allowed(&hc, NULL));
    CHECK(!hd_host_allowed(&hc, "127.0.0.1:7468/x"));
}

TEST(host_names_and_wildcard)
{
    hd_hostcheck_t hc = {"0.0.0.0", 7468, names, 2, NULL, 0};
    CHECK(hd_host_allowed(&hc, "heapd.example.org")); /* any port for a name */
    CHECK(hd_host_allowed(&hc, "heapd.example.org.:443"));
    CHECK(hd_host_allowed(&hc, "proxy.example:8443"));
    CHECK(!hd_host_allowed(&hc, "proxy.example:8444"));
    CHECK(hd_host_allowed(&hc, "192.0.2.7:7468")); /* wildcard: IP literals */
    CHECK(!hd_host_allowed(&hc, "other.example:7468"));
    hd_hostcheck_t one = {"192.0.2.7", 7468, NULL, 0, NULL, 0};
    CHECK(hd_host_allowed(&one, "192.0.2.7:7468"));
    CHECK(!hd_host_allowed(&one, "192.0.2.8:7468"));
    CHECK(!hd_host_allowed(&one, "localhost:7468"));
}

TEST(origin)
{
    hd_hostcheck_t hc = {"127.0.0.1", 7468, NULL, 0, origins, 1};
    CHECK(hd_origin_allowed(&hc, NULL, "127.0.0.1:7468"));
    CHECK(hd_origin_allowed(&hc, "http://127.0.0.1:7468", "127.0.0.1:7468"));
    CHECK(hd_origin_allowed(&hc, "http://LOCALHOST:7468", "localhost:7468"));
    CHECK(!hd_origin_allowed(&hc, "http://localhost:7468", "127.0.0.1:7468"));
    CHECK(!hd_origin_allowed(&hc, "http://127.0.0.1:7469", "127.0.0.1:7468"));
    CHECK(!hd_origin_allowed(&hc, "https://evil.example", "127.0.0.1:7468"));
    CHECK(!hd_origin_allowed(&hc, "null", "127.0.0.1:7468"));
    CHECK(hd_origin_allowed(&hc, "https://dash.example.org", "127.0.0.1:7468"));
    CHECK(hd_origin_allowed(&hc, "HTTPS://DASH.EXAMPLE.ORG", "127.0.0.1:7468"));
    CHECK(!hd_origin_allowed(&hc, "https://dash.example.org.evil", "127.0.0.1:7468"));
    hd_hostcheck_t web = {"0.0.0.0", 80, NULL, 0, NULL, 0};
    CHECK(hd_origin_allowed(&web, "http://192.0.2.1", "192.0.2.1")); /* default ports */
}
