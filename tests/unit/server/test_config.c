/*
 * test_config.c: flags, the JSON config file, their precedence, and the
 * one-line errors that name the key.
 */
#include "test.h"

#include <unistd.h>

#include "config.h"
#include "err.h"

static int parse(hd_config_t *cfg, char *err, int argc, char **argv)
{
    int action;
    CHECK_OK(hd_config_init(cfg, "/www"));
    return hd_config_from_args(cfg, argc, argv, &action, err, HD_SRV_ERR_LEN);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/heapd-cfg-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

TEST(defaults)
{
    hd_config_t cfg;
    char err[HD_SRV_ERR_LEN];
    char *argv[] = {"heapd", NULL};
    CHECK_OK(parse(&cfg, err, 1, argv));
    CHECK_STR(cfg.listen_host, "127.0.0.1");
    CHECK_EQ(cfg.listen_port, 7468);
    CHECK_STR(cfg.web_root, "/www");
    CHECK_EQ(cfg.limits.message_size, 1 << 20);
    CHECK_EQ(cfg.limits.batch_length, 1000);
    CHECK_EQ(cfg.limits.connections, 1024);
    CHECK_EQ(cfg.limits.heaps, 64);
    CHECK_EQ(cfg.limits.heap_bytes, 256 << 20);
    CHECK_EQ(cfg.limits.heap_objects, 10000000);
    CHECK_EQ(cfg.limits.send_queue_bytes, 4 << 20);
    CHECK_EQ(cfg.limits.rate, 0); /* off by default (proto/README.md says why) */
    CHECK_EQ(cfg.limits.rate_burst, 0);
    CHECK_EQ(cfg.save_interval_s, 60);
    CHECK(!cfg.demo && !cfg.token_file);
    hd_config_close(&cfg);
}

TEST(flags)
{
    hd_config_t cfg;
    char err[HD_SRV_ERR_LEN];
    char *argv[] = {"heapd",
                    "--listen",
                    "[::1]:0",
                    "--demo",
                    "--log-level",
                    "debug",
                    "--allowed-origin",
                    "https://a.example",
                    "--allowed-origin",
                    "https://b.example",
                    "--token-file",
                    "/t",
                    "--web-root=/w",
                    NULL};
    CHECK_OK(parse(&cfg, err, 13, argv));
    CHECK_STR(cfg.listen_host, "::1");
    CHECK_EQ(cfg.listen_port, 0);
    CHECK(cfg.demo);
    CHECK_EQ(cfg.log_level, HD_LOG_DEBUG);
    CHECK_EQ(cfg.n_allowed_origins, 2);
    CHECK_STR(cfg.allowed_origins[1], "https://b.example");
    CHECK_STR(cfg.token_file, "/t");
    CHECK_STR(cfg.web_root, "/w");
    hd_config_close(&cfg);
}

TEST(unknown_flag_and_bad_values_name_the_key)
{
    hd_config_t cfg;
    char err[HD_SRV_ERR_LEN];
    char *a1[] = {"heapd", "--bogus", NULL};
    CHECK_EQ(parse(&cfg, err, 2, a1), HD_EINVAL);
    CHECK(strstr(err, "--bogus") && !strchr(err, '\n'));
    hd_config_close(&cfg);
    char *a2[] = {"heapd", "--listen", "127.0.0.1:99999", NULL};
    CHECK_EQ(parse(&cfg, err, 3, a2), HD_EINVAL);
    CHECK(strstr(err, "--listen"));
    hd_config_close(&cfg);
    char *a3[] = {"heapd", "--log-level", "loud", NULL};
    CHECK_EQ(parse(&cfg, err, 3, a3), HD_EINVAL);
    CHECK(strstr(err, "--log-level"));
    hd_config_close(&cfg);
    char *a4[] = {"heapd", "--listen", NULL};
    CHECK_EQ(parse(&cfg, err, 2, a4), HD_EINVAL);
    hd_config_close(&cfg);
    char *a5[] = {"heapd", "extra", NULL};
    CHECK_EQ(parse(&cfg, err, 2, a5), HD_EINVAL);
    hd_config_close(&cfg);
}

TEST(config_file_and_flags_win)
{
    char *path = write_tmp("{\"listen\": \"127.0.0.1:9000\", \"demo\": true, \"allowed_origins\": "
                           "[\"https://x.example\"], \"limits\": {\"heaps\": 5, "
                           "\"message_size\": 4096}}");
    hd_config_t cfg;
    char err[HD_SRV_ERR_LEN];
    char *argv[] = {"heapd", "--config", path, "--listen", "127.0.0.1:0", NULL};
    CHECK_OK(parse(&cfg, err, 5, argv));
    CHECK_EQ(cfg.listen_port, 0); /* the flag wins */
    CHECK(cfg.demo);
    CHECK_EQ(cfg.limits.heaps, 5);
    CHECK_EQ(cfg.limits.message_size, 4096);
    CHECK_EQ(cfg.n_allowed_origins, 1);
    hd_limits_t lim;
    CHECK_OK(hd_config_load_limits(&cfg, &lim, err, sizeof err));
    CHECK_EQ(lim.heaps, 5);
    CHECK_EQ(lim.batch_length, 1000);
    hd_config_close(&cfg);
    unlink(path);
}

TEST(config_file_errors_name_the_key)
{
    static const struct {
        const char *text, *key;
    } cases[] = {
        {"{\"limits\": {\"heaps\": 0}}", "limits.heaps"},
        {"{\"limits\": {\"heaps\": \"5\"}}", "limits.heaps"},
        {"{\"limits\": {\"nope\": 1}}", "limits.nope"},
        {"{\"limits\": {\"rate\": -1}}", "limits.rate"},
        {"{\"limits\": {\"rate_burst\": 2000000000}}", "limits.rate_burst"},
        {"{\"colour\": \"red\"}", "colour"},
        {"{\"demo\": 1}", "demo"},
        {"{\"listen\": \"nowhere\"}", "listen"},
        {"{\"allowed_origins\": \"x\"}", "allowed_origin"},
        {"[1]", "config"},
        {"{\"a\": ", "line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = write_tmp(cases[i].text);
        hd_config_t cfg;
        char err[HD_SRV_ERR_LEN];
        char *argv[] = {"heapd", "--config", path, NULL};
        CHECK_EQ(parse(&cfg, err, 3, argv), HD_EINVAL);
        if (!strstr(err, cases[i].key) || !strstr(err, path))
            hd_test_fail(__FILE__, __LINE__, "case %zu: \"%s\" does not name %s in %s", i, err,
                         cases[i].key, path);
        CHECK(!strchr(err, '\n'));
        hd_config_close(&cfg);
        unlink(path);
    }
}

TEST(listen_forms_and_loopback)
{
    char *host;
    int port;
    CHECK_OK(hd_config_parse_listen("127.0.0.1:80", &host, &port));
    CHECK_STR(host, "127.0.0.1");
    CHECK_EQ(port, 80);
    free(host);
    CHECK_OK(hd_config_parse_listen("[::1]:7", &host, &port));
    CHECK_STR(host, "::1");
    free(host);
    CHECK_OK(hd_config_parse_listen(":8080", &host, &port));
    CHECK_STR(host, "127.0.0.1");
    free(host);
    CHECK_OK(hd_config_parse_listen("0", &host, &port));
    free(host);
    CHECK_EQ(hd_config_parse_listen("::1:80", &host, &port), HD_EINVAL);
    CHECK_EQ(hd_config_parse_listen("host:", &host, &port), HD_EINVAL);
    CHECK_EQ(hd_config_parse_listen("host:65536", &host, &port), HD_EINVAL);
    CHECK_EQ(hd_config_parse_listen("[::1]", &host, &port), HD_EINVAL);
    /* an address or localhost, never a name to look up or a bad address */
    CHECK_EQ(hd_config_parse_listen("999.1.1.1:80", &host, &port), HD_EINVAL);
    CHECK_EQ(hd_config_parse_listen("example.com:80", &host, &port), HD_EINVAL);
    CHECK_EQ(hd_config_parse_listen("[::g]:80", &host, &port), HD_EINVAL);
    CHECK_OK(hd_config_parse_listen("LocalHost:0", &host, &port));
    free(host);
    CHECK_OK(hd_config_parse_listen("0.0.0.0:1", &host, &port));
    free(host);
    CHECK(hd_config_host_is_loopback("127.0.0.1"));
    CHECK(hd_config_host_is_loopback("127.1.2.3"));
    CHECK(hd_config_host_is_loopback("::1"));
    CHECK(hd_config_host_is_loopback("localhost"));
    CHECK(!hd_config_host_is_loopback("0.0.0.0"));
    CHECK(!hd_config_host_is_loopback("10.0.0.1"));
    CHECK(!hd_config_host_is_loopback("::"));
}

TEST(a_config_file_that_cannot_be_read_says_why)
{
    hd_config_t cfg;
    char err[HD_SRV_ERR_LEN];
    char *argv[] = {"heapd", "--config", "/nonexistent/heapd.json", NULL};
    CHECK_EQ(parse(&cfg, err, 3, argv), HD_EINVAL);
    CHECK(strstr(err, "/nonexistent/heapd.json"));
    CHECK(strstr(err, "No such file or directory"));
    CHECK(!strstr(err, "line -1"));
    hd_config_close(&cfg);
}
