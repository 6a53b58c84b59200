/*
 * test_files.c: proto/'s files agree with one another and with hd_proto.
 *
 * methods.json is the list of methods; every method must have a schema
 * (proto/schema/methods/<name>.json with $defs.params and $defs.result) and
 * a section in proto/README.md (a line "### `<name>`"); every notification
 * a schema under streams/ and a section; every file under proto/schema must
 * be JSON with the 2020-12 $schema and an $id matching its path; and the C
 * method table compiled into hd_proto must say what methods.json says.
 * (check_schemas.py goes further: the metaschema, and the README's examples
 * against the schemas.)
 */
#include "test.h"
#include "util.h"

#include <dirent.h>
#include <sys/stat.h>

#include "hd_proto.h"

#define PROTO      HD_PROTO_DIR
#define SCHEMA_URI "https://heapd.invalid/proto/schema/"
#define META_URI   "https://json-schema.org/draft/2020-12/schema"

static json_t *methods_json(void)
{
    json_t *doc = read_json(PROTO "/methods.json");
    CHECK(json_is_array(json_object_get(doc, "methods")));
    CHECK(json_is_array(json_object_get(doc, "notifications")));
    return doc;
}

/* The README section heading of name: "### `name`" on a line of its own. */
static int readme_has_section(const char *readme, const char *name)
{
    char heading[256];
    snprintf(heading, sizeof heading, "\n### `%s`\n", name);
    return strstr(readme, heading) != NULL;
}

static void check_schema_file(const char *rel)
{
    char path[1024], id[1024];
    snprintf(path, sizeof path, "%s/schema/%s", PROTO, rel);
    snprintf(id, sizeof id, "%s%s", SCHEMA_URI, rel);
    json_t *doc = read_json(path);
    if (!json_is_object(doc))
        hd_test_fail(__FILE__, __LINE__, "%s: not an object", path);
    const char *schema = json_string_value(json_object_get(doc, "$schema"));
    const char *got_id = json_string_value(json_object_get(doc, "$id"));
    if (!schema || strcmp(schema, META_URI) != 0)
        hd_test_fail(__FILE__, __LINE__, "%s: $schema is not 2020-12", path);
    if (!got_id || strcmp(got_id, id) != 0)
        hd_test_fail(__FILE__, __LINE__, "%s: $id %s, expected %s", path, got_id ? got_id : "-",
                     id);
    json_decref(doc);
}

/* Every .json under proto/schema (one level of subdirectories). */
TEST(schema_files_are_json_with_ids)
{
    static const char *const dirs[] = {"", "methods/", "streams/", "envelope/"};
    size_t total = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/schema/%s", PROTO, dirs[d]);
        size_t n;
        char **names = list_dir(dir, ".json", &n);
        for (size_t i = 0; i < n; i++) {
            char rel[512];
            snprintf(rel, sizeof rel, "%s%s", dirs[d], names[i]);
            check_schema_file(rel);
        }
        total += n;
        free_names(names, n);
    }
    CHECK(total >= 50);
    /* nothing hides in other subdirectories */
    DIR *top = opendir(PROTO "/schema");
    struct dirent *e;
    while ((e = readdir(top)) != NULL) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/schema/%s", PROTO, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (strcmp(e->d_name, "methods") && strcmp(e->d_name, "streams") &&
            strcmp(e->d_name, "envelope"))
            hd_test_fail(__FILE__, __LINE__, "unexpected directory %s", path);
    }
    closedir(top);
}

TEST(every_method_has_schema_and_section)
{
    json_t *doc = methods_json();
    char *readme = read_file(PROTO "/README.md", NULL);
    json_t *methods = json_object_get(doc, "methods");
    for (size_t i = 0; i < json_array_size(methods); i++) {
        const char *name = json_string_value(json_object_get(json_array_get(methods, i), "name"));
        char path[1024];
        snprintf(path, sizeof path, "%s/schema/methods/%s.json", PROTO, name);
        json_t *schema = read_json(path);
        json_t *defs = json_object_get(schema, "$defs");
        if (!json_is_object(json_object_get(defs, "params")) ||
            !json_is_object(json_object_get(defs, "result")))
            hd_test_fail(__FILE__, __LINE__, "%s: needs $defs.params and $defs.result", path);
        json_decref(schema);
        if (!readme_has_section(readme, name))
            hd_test_fail(__FILE__, __LINE__, "README.md has no section ### `%s`", name);
    }
    json_t *notes = json_object_get(doc, "notifications");
    for (size_t i = 0; i < json_array_size(notes); i++) {
        const char *name = json_string_value(json_object_get(json_array_get(notes, i), "name"));
        char path[1024];
        snprintf(path, sizeof path, "%s/schema/streams/%s.json", PROTO, name);
        json_t *schema = read_json(path);
        if (!json_is_object(json_object_get(json_object_get(schema, "$defs"), "params")))
            hd_test_fail(__FILE__, __LINE__, "%s: needs $defs.params", path);
        json_decref(schema);
        if (!readme_has_section(readme, name))
            hd_test_fail(__FILE__, __LINE__, "README.md has no section ### `%s`", name);
    }
    free(readme);
    json_decref(doc);
}

/* No schema file for a method that does not exist (a renamed method must
 * take its schema along). */
TEST(every_schema_has_a_method)
{
    size_t n;
    char **names = list_dir(PROTO "/schema/methods", ".json", &n);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]) - strlen(".json");
        if (!hd_proto_method_find(names[i], len))
            hd_test_fail(__FILE__, __LINE__, "schema/methods/%s: no such method", names[i]);
    }
    CHECK_EQ(n, hd_proto_method_count());
    free_names(names, n);
}

TEST(c_table_matches_methods_json)
{
    json_t *doc = methods_json();
    json_t *methods = json_object_get(doc, "methods");
    CHECK_EQ(json_array_size(methods), hd_proto_method_count());
    for (size_t i = 0; i < json_array_size(methods); i++) {
        json_t *m = json_array_get(methods, i);
        const hd_proto_method_t *row = hd_proto_method_at(i);
        CHECK_STR(row->name, json_string_value(json_object_get(m, "name")));
        CHECK_STR(hd_proto_role_name(row->role), json_string_value(json_object_get(m, "role")));
        CHECK_EQ(row->heap, json_is_true(json_object_get(m, "heap")));
        CHECK_EQ(row->heap_required, json_is_true(json_object_get(m, "heap_required")));
        CHECK_EQ(row->site, json_is_true(json_object_get(m, "site")));
        CHECK_STR(row->summary, json_string_value(json_object_get(m, "summary")));
        /* the schema's x-role and params agree with the table */
        char path[1024];
        snprintf(path, sizeof path, "%s/schema/methods/%s.json", PROTO, row->name);
        json_t *schema = read_json(path);
        CHECK_STR(json_string_value(json_object_get(schema, "x-role")),
                  hd_proto_role_name(row->role));
        json_t *params = json_object_get(json_object_get(schema, "$defs"), "params");
        json_t *props = json_object_get(params, "properties");
        CHECK_EQ(json_object_get(props, "heap") != NULL, row->heap);
        CHECK_EQ(json_object_get(props, "site") != NULL, row->site);
        int heap_required = 0;
        json_t *req = json_object_get(params, "required");
        for (size_t j = 0; j < json_array_size(req); j++)
            heap_required |= strcmp(json_string_value(json_array_get(req, j)), "heap") == 0;
        CHECK_EQ(heap_required, row->heap_required);
        json_decref(schema);
    }
    json_decref(doc);
}

TEST(readme_sections_are_known)
{
    /* every "### `x`" section of the README names a method or notification */
    char *readme = read_file(PROTO "/README.md", NULL);
    json_t *doc = methods_json();
    size_t sections = 0;
    for (const char *p = strstr(readme, "\n### `"); p; p = strstr(p + 1, "\n### `")) {
        const char *start = p + 6, *end = strchr(start, '`');
        CHECK(end != NULL);
        size_t len = (size_t)(end - start);
        int known = hd_proto_method_find(start, len) != NULL;
        json_t *notes = json_object_get(doc, "notifications");
        for (size_t i = 0; i < json_array_size(notes); i++) {
            const char *n = json_string_value(json_object_get(json_array_get(notes, i), "name"));
            known |= strlen(n) == len && strncmp(n, start, len) == 0;
        }
        if (!known)
            hd_test_fail(__FILE__, __LINE__, "README.md section %.*s: not in methods.json",
                         (int)len, start);
        sections++;
    }
    CHECK_EQ(sections,
             hd_proto_method_count() + json_array_size(json_object_get(doc, "notifications")));
    json_decref(doc);
    free(readme);
}
