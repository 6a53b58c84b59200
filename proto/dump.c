/*
 * dump.c: jansson trees written into an hd_proto_buf_t, compact, exactly as
 * json_dump_callback(JSON_COMPACT | JSON_ENCODE_ANY) writes them: members
 * in insertion order, "," and ":" without spaces, strings escaped as jansson
 * escapes them (\" \\ \b \f \n \r \t, other control characters as \u00XX
 * in upper-case hex, everything else as is), integers in decimal, reals
 * with 17 significant digits and always a '.' or an 'e' (jansson's
 * jsonp_dtostr).
 *
 * Why not json_dump_callback itself: jansson 2.14 guards every object and
 * array it dumps against reference cycles by formatting the node's address
 * with snprintf into a key and inserting it into a hash table, then calls
 * the callback once per token; for the small results a server sends by the
 * hundred thousand per second, that was a third of heapd's time per request.
 * The trees dumped here are built by hd_proto and heapd and never hold a
 * cycle; a depth bound (the parser's own, 2048) stands in for the check.
 *
 * A failed dump (out of memory, a tree too deep, a string that is not
 * UTF-8) leaves the buffer as it was.
 */
#include "proto_int.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

#define DUMP_MAX_DEPTH HD_PROTO_MAX_DEPTH

static int put(hd_proto_buf_t *buf, const char *s, size_t len)
{
    return hd__proto_buf_put(buf, s, len);
}

static int dump_string(hd_proto_buf_t *buf, const char *s, size_t len)
{
    return hd__proto_buf_string(buf, s, len); /* jansson's escapes (buf.c) */
}

static int dump_integer(hd_proto_buf_t *buf, json_int_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return put(buf, p, (size_t)(tmp + sizeof tmp - p));
}

int hd_proto_buf_int(hd_proto_buf_t *buf, int64_t v)
{
    return dump_integer(buf, (json_int_t)v);
}

int hd_proto_buf_string(hd_proto_buf_t *buf, const char *s, size_t len)
{
    size_t mark = buf->len;
    int rc = hd__proto_buf_string(buf, s, len);
    if (rc)
        hd__proto_buf_truncate(buf, mark);
    return rc;
}

/* jansson's jsonp_dtostr: "%.17g", a ".0" when there is neither '.' nor
 * 'e', and no '+' or leading zeros in the exponent */
static int dump_real(hd_proto_buf_t *buf, double v)
{
    char s[40];
    int n = snprintf(s, sizeof s, "%.17g", v);
    if (n < 0 || (size_t)n >= sizeof s - 3)
        return HD_EINVAL;
    size_t len = (size_t)n;
    if (!strchr(s, '.') && !strchr(s, 'e')) {
        memcpy(s + len, ".0", 3);
        len += 2;
    }
    char *e = strchr(s, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - s) + 1);
            len -= (size_t)(end - start);
        }
    }
    return put(buf, s, len);
}

static int dump(hd_proto_buf_t *buf, const json_t *j, int depth);

static int dump_object(hd_proto_buf_t *buf, const json_t *j, int depth)
{
    if (put(buf, "{", 1) != 0)
        return HD_ENOMEM;
    json_t *o = (json_t *)j;
    int rc = 0, first = 1;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), first = 0) {
        if ((!first && put(buf, ",", 1) != 0) ||
            (rc = dump_string(buf, json_object_iter_key(it), json_object_iter_key_len(it))) != 0 ||
            put(buf, ":", 1) != 0 || (rc = dump(buf, json_object_iter_value(it), depth + 1)) != 0)
            return rc ? rc : HD_ENOMEM;
    }
    return put(buf, "}", 1);
}

static int dump_array(hd_proto_buf_t *buf, const json_t *j, int depth)
{
    if (put(buf, "[", 1) != 0)
        return HD_ENOMEM;
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v)
    {
        int rc;
        if ((i && put(buf, ",", 1) != 0))
            return HD_ENOMEM;
        if ((rc = dump(buf, v, depth + 1)) != 0)
            return rc;
    }
    return put(buf, "]", 1);
}

static int dump(hd_proto_buf_t *buf, const json_t *j, int depth)
{
    if (depth > DUMP_MAX_DEPTH)
        return HD_EINVAL;
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return dump_object(buf, j, depth);
    case JSON_ARRAY:
        return dump_array(buf, j, depth);
    case JSON_STRING:
        return dump_string(buf, json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return dump_integer(buf, json_integer_value(j));
    case JSON_REAL:
        return dump_real(buf, json_real_value(j));
    case JSON_TRUE:
        return put(buf, "true", 4);
    case JSON_FALSE:
        return put(buf, "false", 5);
    default:
        return put(buf, "null", 4);
    }
}

int hd__proto_buf_json(hd_proto_buf_t *buf, const json_t *j)
{
    if (!j)
        return HD_EINVAL;
    size_t len = buf->len;
    int rc = dump(buf, j, 0);
    if (rc) {
        hd__proto_buf_truncate(buf, len);
        /* as before: a dump fails only for memory (or a programmer error) */
        return HD_ENOMEM;
    }
    return 0;
}
