/*
 * test_args.c: heapctl's command line (client/args.c) and server URLs
 * (client/url.c): options anywhere, values that look like options, "--",
 * errors that name the option and the command.
 */
#include "test.h"

#include "heapctl.h"

static const hc_optspec_t global[] = {
    {"url", 1, ""}, {"json", 0, ""}, {"timeout", 1, ""}, {"help", 0, ""}, {NULL, 0, NULL}};
static const hc_optspec_t new_opts[] = {{"as", 1, ""}, {"del", 0, ""}, {NULL, 0, NULL}};

static const hc_optspec_t *lookup(const char *cmd)
{
    return strcmp(cmd, "new") == 0 ? new_opts : NULL;
}

static int parse(hc_args_t *a, char *err, int argc, char **argv)
{
    return hc_args_parse(a, argc, argv, global, lookup, err, 300);
}

#define ARGV(...)          ((char *[]){"heapctl", __VA_ARGS__})
#define ARGC(...)          ((int)(sizeof((char *[]){"heapctl", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(a, err, ...) parse(a, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

TEST(args_command_and_positionals)
{
    hc_args_t a;
    char err[300];
    CHECK_OK(PARSE(&a, err, "new", "demo", "list", "1", "-5", "-"));
    CHECK_STR(a.command, "new");
    CHECK_EQ(a.npos, 5);
    CHECK_STR(a.pos[0], "demo");
    CHECK_STR(a.pos[3], "-5");
    CHECK_STR(a.pos[4], "-");
    hc_args_free(&a);
}

TEST(args_options_anywhere)
{
    hc_args_t a;
    char err[300];
    CHECK_OK(PARSE(&a, err, "--url", "ws://h:1", "new", "demo", "--as", "x", "int", "--json",
                   "--del", "--timeout=3"));
    CHECK_STR(a.command, "new");
    CHECK_STR(hc_args_opt(&a, "url"), "ws://h:1");
    CHECK_STR(hc_args_opt(&a, "as"), "x");
    CHECK_STR(hc_args_opt(&a, "json"), "");
    CHECK_STR(hc_args_opt(&a, "del"), "");
    CHECK_STR(hc_args_opt(&a, "timeout"), "3");
    CHECK(hc_args_opt(&a, "help") == NULL);
    CHECK_EQ(a.npos, 2);
    CHECK_STR(a.pos[1], "int");
    hc_args_free(&a);
}

TEST(args_last_value_wins)
{
    hc_args_t a;
    char err[300];
    CHECK_OK(PARSE(&a, err, "new", "--as", "x", "--as=y"));
    CHECK_STR(hc_args_opt(&a, "as"), "y");
    hc_args_free(&a);
}

TEST(args_double_dash)
{
    hc_args_t a;
    char err[300];
    CHECK_OK(PARSE(&a, err, "new", "demo", "--", "--as", "-h"));
    CHECK_EQ(a.npos, 3);
    CHECK_STR(a.pos[1], "--as");
    CHECK(hc_args_opt(&a, "as") == NULL);
    hc_args_free(&a);
}

TEST(args_help)
{
    hc_args_t a;
    char err[300];
    CHECK_OK(PARSE(&a, err, "new", "-h"));
    CHECK(hc_args_opt(&a, "help") != NULL);
    hc_args_free(&a);
    CHECK_OK(PARSE(&a, err, "--help"));
    CHECK(a.command == NULL);
    CHECK(hc_args_opt(&a, "help") != NULL);
    hc_args_free(&a);
}

TEST(args_errors)
{
    hc_args_t a;
    char err[300];
    CHECK_EQ(PARSE(&a, err, "new", "--bogus"), HC_EXIT_USAGE);
    CHECK(strstr(err, "--bogus") && strstr(err, "'new'"));
    hc_args_free(&a);
    CHECK_EQ(PARSE(&a, err, "heaps", "--as", "x"), HC_EXIT_USAGE); /* not an option of heaps */
    hc_args_free(&a);
    CHECK_EQ(PARSE(&a, err, "new", "--as"), HC_EXIT_USAGE);
    CHECK(strstr(err, "needs a value"));
    hc_args_free(&a);
    CHECK_EQ(PARSE(&a, err, "new", "--del=1"), HC_EXIT_USAGE);
    CHECK(strstr(err, "takes no value"));
    hc_args_free(&a);
}

TEST(args_global_value_is_not_the_command)
{
    hc_args_t a;
    char err[300];
    CHECK_OK(PARSE(&a, err, "--timeout", "5", "heaps"));
    CHECK_STR(a.command, "heaps");
    CHECK_EQ(a.npos, 0);
    hc_args_free(&a);
}

TEST(parse_numbers)
{
    int64_t v;
    CHECK_OK(hc_parse_int("42", 0, 100, &v));
    CHECK_EQ(v, 42);
    CHECK(hc_parse_int("101", 0, 100, &v) == -1);
    CHECK(hc_parse_int("4x", 0, 100, &v) == -1);
    CHECK(hc_parse_int("", 0, 100, &v) == -1);
    CHECK(hc_parse_int(NULL, 0, 100, &v) == -1);
    CHECK_OK(hc_parse_size("65536", &v));
    CHECK_EQ(v, 65536);
    CHECK_OK(hc_parse_size("64M", &v));
    CHECK_EQ(v, 64 << 20);
    CHECK_OK(hc_parse_size("2GiB", &v));
    CHECK_EQ(v, (int64_t)2 << 30);
    CHECK_OK(hc_parse_size("1KB", &v));
    CHECK_EQ(v, 1024);
    CHECK_OK(hc_parse_size("10B", &v));
    CHECK_EQ(v, 10);
    CHECK(hc_parse_size("-1", &v) == -1);
    CHECK(hc_parse_size("1T", &v) == -1);
    CHECK(hc_parse_size("99999999999999G", &v) == -1);
}

static hc_url_t url_ok(const char *s)
{
    hc_url_t u;
    char err[300];
    if (hc_url_parse(s, &u, err, sizeof err) != 0)
        hd_test_fail(__FILE__, __LINE__, "%s: %s", s, err);
    return u;
}

TEST(urls)
{
    hc_url_t u = url_ok("ws://127.0.0.1:7468/ws");
    CHECK(!u.tls);
    CHECK_STR(u.host, "127.0.0.1");
    CHECK_EQ(u.port, 7468);
    CHECK_STR(u.path, "/ws");
    CHECK_STR(u.hostport, "127.0.0.1:7468");
    u = url_ok("wss://heap.example.org");
    CHECK(u.tls);
    CHECK_EQ(u.port, 443);
    CHECK_STR(u.path, "/ws");
    CHECK_STR(u.hostport, "heap.example.org");
    u = url_ok("http://localhost:8080/");
    CHECK(!u.tls);
    CHECK_STR(u.path, "/ws");
    u = url_ok("https://h/heapd/ws?heap=demo");
    CHECK(u.tls);
    CHECK_STR(u.path, "/heapd/ws?heap=demo");
    u = url_ok("[::1]:7468");
    CHECK_STR(u.host, "::1");
    CHECK_STR(u.hostport, "[::1]:7468");
    u = url_ok("localhost:9");
    CHECK_EQ(u.port, 9);
    CHECK_STR(u.path, "/ws");
}

TEST(bad_urls)
{
    hc_url_t u;
    char err[300];
    CHECK(hc_url_parse("ftp://h/", &u, err, sizeof err) == -1);
    CHECK(strstr(err, "ftp://h/") && strstr(err, "scheme"));
    CHECK(hc_url_parse("localhost", &u, err, sizeof err) == -1);
    CHECK(hc_url_parse("ws://h:0/", &u, err, sizeof err) == -1);
    CHECK(hc_url_parse("ws://h:70000/", &u, err, sizeof err) == -1);
    CHECK(hc_url_parse("ws://h:x/", &u, err, sizeof err) == -1);
    CHECK(hc_url_parse("ws://:80/", &u, err, sizeof err) == -1);
    CHECK(hc_url_parse("ws://[::1/", &u, err, sizeof err) == -1);
}
