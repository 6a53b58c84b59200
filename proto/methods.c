/*
 * methods.c: the method table, roles and the name rules of the protocol.
 *
 * The table is not written here: CMake reads proto/methods.json (the file
 * the web app and the tests read too) and generates methods_table.inc in
 * the build tree, one HD__PROTO_METHOD(name, role, heap, heap_required,
 * site, summary) line per method, in the file's order. So the C table and
 * the JSON cannot drift apart (the ttyd mistake STYLE.md warns about).
 *
 * Lookup is a linear scan over about forty short names with a length check
 * first: cheaper than hashing at this size, and it needs no initialisation.
 */
#include "proto_int.h"

#include <string.h>

#include "err.h"

#define HD__PROTO_METHOD(name, role, heap, heap_required, site, summary)                           \
    {name, HD_PROTO_ROLE_##role, heap, heap_required, site, summary, sizeof(name) - 1},

static const hd_proto_method_t methods[] = {
#include "methods_table.inc"
};

#undef HD__PROTO_METHOD

#define N_METHODS (sizeof methods / sizeof methods[0])

const hd_proto_method_t *hd_proto_method_find(const char *name, size_t len)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_METHODS; i++)
        if (methods[i].name_len == len && memcmp(methods[i].name, name, len) == 0)
            return &methods[i];
    return NULL;
}

size_t hd_proto_method_count(void)
{
    return N_METHODS;
}

const hd_proto_method_t *hd_proto_method_at(size_t i)
{
    return i < N_METHODS ? &methods[i] : NULL;
}

static const char *const role_names[] = {"none", "read", "write", "admin"};

const char *hd_proto_role_name(hd_proto_role_t role)
{
    return (unsigned)role < 4 ? role_names[role] : "unknown";
}

int hd_proto_role_parse(const char *s, hd_proto_role_t *role)
{
    for (int i = 0; s && i < 4; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *role = (hd_proto_role_t)i;
            return 0;
        }
    }
    return HD_EINVAL;
}

int hd_proto_role_allows(hd_proto_role_t have, hd_proto_role_t need)
{
    return have >= need;
}

int hd_proto_heap_name_valid(const char *s, size_t len)
{
    if (!s || len == 0 || len > 64)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

int hd_proto_name_valid(const char *s, size_t len)
{
    if (!s || len == 0 || len > 255 || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return 0;
    }
    return 1;
}
