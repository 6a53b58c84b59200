/*
 * test_value.c: heapctl's value syntax (client/value.h): every form of the
 * rules in heapctl(1), and the words it must refuse rather than guess.
 */
#include "test.h"

#include <jansson.h>

#include "value.h"

/* The value of word, encoded compactly, or "ERR: message". */
static const char *val(const char *word)
{
    static char out[1024];
    char err[300];
    json_t *v;
    if (hc_value_parse(word, &v, err, sizeof err) != 0) {
        CHECK(v == NULL);
        CHECK(err[0] != 0);
        snprintf(out, sizeof out, "ERR: %s", err);
        return out;
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, sizeof out, "%s", s);
    free(s);
    json_decref(v);
    return out;
}

static int refused(const char *word)
{
    return strncmp(val(word), "ERR: ", 5) == 0;
}

TEST(value_singletons)
{
    CHECK_STR(val("None"), "null");
    CHECK_STR(val("True"), "true");
    CHECK_STR(val("False"), "false");
    CHECK_STR(val(" None "), "null");
}

TEST(value_ints)
{
    CHECK_STR(val("17"), "17");
    CHECK_STR(val("-3"), "-3");
    CHECK_STR(val("+5"), "5");
    CHECK_STR(val("0"), "0");
    CHECK_STR(val("1_000_000"), "1000000");
    CHECK_STR(val("0x1f"), "31");
    CHECK_STR(val("0o17"), "15");
    CHECK_STR(val("0b101"), "5");
    CHECK_STR(val("-0x10"), "-16");
    CHECK_STR(val("9223372036854775807"), "9223372036854775807");
    CHECK_STR(val("-9223372036854775808"), "-9223372036854775808");
    CHECK(refused("9223372036854775808"));
    CHECK(refused("0x"));
    CHECK(refused("12abc"));
    CHECK(refused("-"));
    CHECK(refused("0b102"));
}

TEST(value_floats)
{
    CHECK_STR(val("1.5"), "1.5");
    CHECK_STR(val("-2e3"), "-2000.0");
    CHECK_STR(val(".5"), "0.5");
    CHECK_STR(val("1."), "1.0");
    CHECK_STR(val("1e-2"), "0.01");
    CHECK(refused("1.2.3"));
    CHECK(refused("1e400"));
    CHECK(refused("inf"));
    CHECK(refused("nan"));
    CHECK(refused("1e"));
}

TEST(value_strings)
{
    CHECK_STR(val("'text'"), "\"text\"");
    CHECK_STR(val("\"a b\""), "\"a b\"");
    CHECK_STR(val("''"), "\"\"");
    CHECK_STR(val("'it\\'s'"), "\"it's\"");
    CHECK_STR(val("'a\\nb\\t'"), "\"a\\nb\\t\"");
    CHECK_STR(val("'\\x41\\u00e9\\U0001F600'"), "\"A\xc3\xa9\xf0\x9f\x98\x80\"");
    CHECK_STR(val("'\\101'"), "\"A\"");
    CHECK_STR(val("'caf\xc3\xa9'"), "\"caf\xc3\xa9\"");
    CHECK(refused("'open"));
    CHECK(refused("'\\ud800'"));
    CHECK(refused("'\\q'"));
    CHECK(refused("'a' 'b'"));
}

TEST(value_bare_words_are_str)
{
    CHECK_STR(val("hello"), "\"hello\"");
    CHECK_STR(val("_x1"), "\"_x1\"");
    CHECK_STR(val("none"), "\"none\"");
    CHECK(refused("hello world"));
    CHECK(refused("a-b"));
    CHECK(refused("$x"));
    CHECK(refused(""));
}

TEST(value_bytes)
{
    CHECK_STR(val("b'ab\\x00\\xff'"), "{\"new\":\"bytes\",\"value\":\"ab\\u0000\xc3\xbf\"}");
    CHECK_STR(val("B\"\""), "{\"new\":\"bytes\",\"value\":\"\"}");
    CHECK(refused("b'\xc3\xa9'"));
    CHECK(refused("b'\\u0041'"));
}

TEST(value_references)
{
    CHECK_STR(val("@a"), "{\"name\":\"a\"}");
    CHECK_STR(val("@_long_name9"), "{\"name\":\"_long_name9\"}");
    CHECK_STR(val("#17"), "{\"id\":17}");
    CHECK(refused("@"));
    CHECK(refused("@9a"));
    CHECK(refused("#"));
    CHECK(refused("#0"));
    CHECK(refused("#x"));
    CHECK(refused("@a.b"));
}

TEST(value_displays)
{
    CHECK_STR(val("[]"), "{\"new\":\"list\",\"items\":[]}");
    CHECK_STR(val("[1, 'a', @b]"), "{\"new\":\"list\",\"items\":[1,\"a\",{\"name\":\"b\"}]}");
    CHECK_STR(val("[1,]"), "{\"new\":\"list\",\"items\":[1]}");
    CHECK_STR(val("()"), "{\"new\":\"tuple\",\"items\":[]}");
    CHECK_STR(val("(1,)"), "{\"new\":\"tuple\",\"items\":[1]}");
    CHECK_STR(val("(1)"), "1");
    CHECK_STR(val("(1, 2)"), "{\"new\":\"tuple\",\"items\":[1,2]}");
    CHECK_STR(val("{}"), "{\"new\":\"dict\",\"items\":[]}");
    CHECK_STR(val("{'k': 1, 2: None}"), "{\"new\":\"dict\",\"items\":[[\"k\",1],[2,null]]}");
    CHECK_STR(val("{1, 2}"), "{\"new\":\"set\",\"items\":[1,2]}");
    CHECK_STR(val("[[1], {2: (3,)}]"),
              "{\"new\":\"list\",\"items\":[{\"new\":\"list\",\"items\":[1]},{\"new\":\"dict\","
              "\"items\":[[2,{\"new\":\"tuple\",\"items\":[3]}]]}]}");
    CHECK(refused("[1, 2"));
    CHECK(refused("[1 2]"));
    CHECK(refused("{1: 2, 3}"));
    CHECK(refused("{1, 2: 3}"));
    CHECK(refused("]"));
}

TEST(value_nesting_is_bounded)
{
    char deep[300];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = 0;
    CHECK(refused(deep));
    memset(deep, '[', 60);
    memset(deep + 60, ']', 60);
    deep[120] = 0;
    CHECK(!refused(deep));
}

static const char *target(const char *word)
{
    static char out[300];
    char err[300];
    json_t *v;
    if (hc_target_parse(word, &v, err, sizeof err) != 0)
        return "ERR";
    char *s = json_dumps(v, JSON_ENCODE_ANY);
    snprintf(out, sizeof out, "%s", s);
    free(s);
    json_decref(v);
    return out;
}

TEST(targets)
{
    CHECK_STR(target("a"), "\"a\"");
    CHECK_STR(target("@a"), "\"a\"");
    CHECK_STR(target("#17"), "17");
    CHECK_STR(target("17"), "17");
    CHECK_STR(target("#0"), "ERR");
    CHECK_STR(target("@"), "ERR");
    CHECK_STR(target("a b"), "ERR");
    CHECK_STR(target("-1"), "ERR");
    CHECK_STR(target("#12x"), "ERR");
}

TEST(dict_pairs)
{
    char err[300];
    json_t *k, *v;
    CHECK_OK(hc_pair_parse("a:1", &k, &v, err, sizeof err));
    CHECK_STR(json_string_value(k), "a");
    CHECK_EQ(json_integer_value(v), 1);
    json_decref(k);
    json_decref(v);
    CHECK_OK(hc_pair_parse("'k:2' : @b", &k, &v, err, sizeof err));
    CHECK_STR(json_string_value(k), "k:2");
    CHECK_STR(json_string_value(json_object_get(v, "name")), "b");
    json_decref(k);
    json_decref(v);
    CHECK(hc_pair_parse("a", &k, &v, err, sizeof err) == -1);
    CHECK(k == NULL && v == NULL);
    CHECK(hc_pair_parse("a:1:2", &k, &v, err, sizeof err) == -1);
    CHECK(hc_pair_parse("a:", &k, &v, err, sizeof err) == -1);
}

TEST(attributes)
{
    char err[300], name[256];
    json_t *v;
    CHECK_OK(hc_attr_parse("next=None", name, sizeof name, &v, err, sizeof err));
    CHECK_STR(name, "next");
    CHECK(json_is_null(v));
    json_decref(v);
    CHECK_OK(hc_attr_parse("x='a=b'", name, sizeof name, &v, err, sizeof err));
    CHECK_STR(json_string_value(v), "a=b");
    json_decref(v);
    CHECK(hc_attr_parse("=1", name, sizeof name, &v, err, sizeof err) == -1);
    CHECK(hc_attr_parse("9x=1", name, sizeof name, &v, err, sizeof err) == -1);
    CHECK(hc_attr_parse("x", name, sizeof name, &v, err, sizeof err) == -1);
}

TEST(identifiers)
{
    CHECK(hc_ident_valid("a"));
    CHECK(hc_ident_valid("_"));
    CHECK(hc_ident_valid("A_9"));
    CHECK(!hc_ident_valid(""));
    CHECK(!hc_ident_valid("9"));
    CHECK(!hc_ident_valid("a-b"));
    char long_name[300];
    memset(long_name, 'a', 256);
    long_name[256] = 0;
    CHECK(!hc_ident_valid(long_name));
    long_name[255] = 0;
    CHECK(hc_ident_valid(long_name));
}

/* A deterministic fuzz: random words built from the syntax's own characters
 * either parse (to JSON that encodes) or fail with a message; never crash,
 * never both. Run under ASan in CI. */
TEST(value_fuzz)
{
    static const char alphabet[] = "@#'\"\\[](){}:,. -+_0123456789abexXoOuUNTFnrt";
    uint64_t seed = 0x9E3779B97F4A7C15u;
    char word[40], err[300];
    for (int n = 0; n < 200000; n++) {
        size_t len = (size_t)(n % 38);
        for (size_t i = 0; i < len; i++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            word[i] = alphabet[seed % (sizeof alphabet - 1)];
        }
        word[len] = 0;
        json_t *v = NULL;
        err[0] = 0;
        if (hc_value_parse(word, &v, err, sizeof err) == 0) {
            CHECK(v != NULL);
            char *s = json_dumps(v, JSON_ENCODE_ANY);
            CHECK(s != NULL);
            free(s);
            json_decref(v);
        } else {
            CHECK(v == NULL && err[0] != 0);
        }
        json_t *t = NULL;
        if (hc_target_parse(word, &t, err, sizeof err) == 0)
            CHECK(json_is_string(t) || json_integer_value(t) > 0);
        json_decref(t);
    }
}
