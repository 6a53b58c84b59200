/*
 * util.c: file helpers, the test-vector walk and the fault-injecting
 * allocator of the hd_proto tests (see util.h). The allocator counts live
 * blocks so that a test can check that every path, failing ones included,
 * frees what it took.
 */
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        hd_test_fail(__FILE__, __LINE__, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
        hd_test_fail(__FILE__, __LINE__, "cannot read %s", path);
    fclose(f);
    data[size] = '\0';
    if (len)
        *len = (size_t)size;
    return data;
}

json_t *read_json(const char *path)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!j)
        hd_test_fail(__FILE__, __LINE__, "%s: not JSON: %s (line %d)", path, jerr.text, jerr.line);
    return j;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **list_dir(const char *dir, const char *suffix, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        hd_test_fail(__FILE__, __LINE__, "cannot open directory %s", dir);
    size_t cap = 16, count = 0, slen = strlen(suffix);
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < slen || strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        if (count == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof *names, cmp_names);
    *n = count;
    return names;
}

void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

unsigned char *hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    unsigned char *out = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            hd_test_fail(__FILE__, __LINE__, "bad hex %s", hex);
        out[i] = (unsigned char)v;
    }
    *len = n;
    return out;
}

static void vector_at(const char *dir, const char *name, int valid,
                      void (*fn)(const vector_t *v, void *arg), void *arg)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vector_t v = {.path = path, .json = read_json(path), .valid = valid};
    json_t *text = json_object_get(v.json, "message");
    json_t *hex = json_object_get(v.json, "message_hex");
    unsigned char *bytes = NULL;
    if (json_is_string(text)) {
        v.text = json_string_value(text);
        v.len = json_string_length(text);
    } else if (json_is_string(hex)) {
        bytes = hex_decode(json_string_value(hex), &v.len);
        v.text = (const char *)bytes;
        v.hex = 1;
    }
    fn(&v, arg);
    free(bytes);
    json_decref(v.json);
}

size_t each_vector(int which, void (*fn)(const vector_t *v, void *arg), void *arg)
{
    static const char *const dirs[] = {HD_PROTO_DIR "/vectors/valid",
                                       HD_PROTO_DIR "/vectors/invalid"};
    size_t total = 0;
    for (int d = 0; d < 2; d++) {
        if (!(which & (d == 0 ? VECTORS_VALID : VECTORS_INVALID)))
            continue;
        size_t n;
        char **names = list_dir(dirs[d], ".json", &n);
        for (size_t i = 0; i < n; i++)
            vector_at(dirs[d], names[i], d == 0, fn, arg);
        free_names(names, n);
        total += n;
    }
    return total;
}

static long live, count, fail_at, failed;
static int sticky, in_parser, parser_failures;

static void *fi_malloc(size_t len)
{
    if (in_parser && !parser_failures) {
        void *p = malloc(len);
        if (p)
            live++;
        return p;
    }
    count++;
    if (fail_at && (count == fail_at || (sticky && count > fail_at))) {
        failed++;
        return NULL;
    }
    void *p = malloc(len);
    if (p)
        live++;
    return p;
}

static void fi_free(void *p)
{
    if (p)
        live--;
    free(p);
}

void fi_install(void)
{
    json_set_alloc_funcs(fi_malloc, fi_free);
    live = count = fail_at = failed = 0;
    in_parser = parser_failures = 0;
}

void fi_in_parser(int inside)
{
    in_parser = inside;
}

void fi_parser_failures(int allowed)
{
    parser_failures = allowed;
}

void fi_fail_at(long n, int is_sticky)
{
    count = 0;
    failed = 0;
    fail_at = n;
    sticky = is_sticky;
}

long fi_live(void)
{
    return live;
}

long fi_count(void)
{
    return count;
}

long fi_failed(void)
{
    return failed;
}
