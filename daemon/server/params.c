/*
 * params.c: reading a request's parameters and recording errors (see
 * dispatch.h). Every getter checks the JSON type and range and, on failure,
 * records -32602 with data.param naming the parameter and data.detail saying
 * what was expected, so handlers read as a list of requirements.
 */
#include "dispatch.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hd_proto.h"

int hd_call_fail(hd_call_t *c, int code, json_t *data, const char *fmt, ...)
{
    c->code = code;
    c->message[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->message, sizeof c->message, fmt, ap);
        va_end(ap);
    }
    json_decref(c->data);
    c->data = data;
    return -1;
}

int hd_call_limit(hd_call_t *c, const char *limit, uint64_t max)
{
    return hd_call_fail(c, HD_RPC_LIMIT_EXCEEDED, hd_proto_data_limit(limit, (int64_t)max),
                        "limit exceeded: %s (%llu)", limit, (unsigned long long)max);
}

int hd_call_errno(hd_call_t *c, int err, json_t *data)
{
    if (err == HD_ELIMIT && !data && c->sh) {
        /* the object cap counts its refusals; any other is the byte cap */
        bool objects = c->h && hd_heap_objects_refused(c->h) != c->objects_refused;
        json_decref(data);
        return objects ? hd_call_limit(c, "heap_objects", c->sh->max_objects)
                       : hd_call_limit(c, "heap_bytes", c->sh->max_bytes);
    }
    if (err == HD_ENOMEM || hd_err_rpc_code(err) == HD_RPC_INTERNAL_ERROR) {
        json_decref(data);
        char log_id[32];
        snprintf(log_id, sizeof log_id, "r%llu", (unsigned long long)c->srv->stats.requests);
        return hd_call_fail(c, HD_RPC_INTERNAL_ERROR, json_pack("{s:s}", "log_id", log_id),
                            "internal error: %s", hd_strerror(err));
    }
    if (err == HD_EKEY)
        return hd_call_key(c, "KeyError", "%s", "key not found");
    return hd_call_fail(c, hd_err_rpc_code(err), data, "%s", hd_strerror(err));
}

int hd_call_key(hd_call_t *c, const char *exc_type, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hd_call_fail(c, HD_RPC_KEY_ERROR,
                        json_pack("{s:s, s:s}", "exc_type", exc_type, "message", msg), "%s", msg);
}

int hd_call_busy(hd_call_t *c, uint64_t objects)
{
    uint64_t max = c->srv->cfg.limits.work_objects;
    if (objects <= max)
        return 0;
    return hd_call_fail(c, HD_RPC_INTERNAL_ERROR,
                        json_pack("{s:s, s:I, s:I}", "limit", "work_objects", "max",
                                  (json_int_t)max, "objects", (json_int_t)objects),
                        "busy: this would walk %llu objects (the bound is %llu)",
                        (unsigned long long)objects, (unsigned long long)max);
}

int hd_call_bad(hd_call_t *c, const char *param, const char *fmt, ...)
{
    char detail[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return hd_call_fail(c, HD_RPC_INVALID_PARAMS, hd_proto_data_param(param, detail),
                        "invalid params: %s: %s", param, detail);
}

json_t *hd_param(hd_call_t *c, const char *name)
{
    return json_object_get(c->params, name);
}

int hd_param_str(hd_call_t *c, const char *name, bool required, const char **out)
{
    json_t *v = hd_param(c, name);
    if (!v)
        return required ? hd_call_bad(c, name, "required") : 0;
    if (!json_is_string(v))
        return hd_call_bad(c, name, "expected a string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return hd_call_bad(c, name, "must not contain U+0000");
    *out = json_string_value(v);
    return 0;
}

int hd_param_int(hd_call_t *c, const char *name, bool required, int64_t min, int64_t max,
                 int64_t *out)
{
    json_t *v = hd_param(c, name);
    if (!v)
        return required ? hd_call_bad(c, name, "required") : 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return hd_call_bad(c, name, "expected an integer from %lld to %lld", (long long)min,
                           (long long)max);
    *out = json_integer_value(v);
    return 0;
}

int hd_param_bool(hd_call_t *c, const char *name, bool *out)
{
    json_t *v = hd_param(c, name);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return hd_call_bad(c, name, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

int hd_param_array(hd_call_t *c, const char *name, bool required, json_t **out)
{
    json_t *v = hd_param(c, name);
    if (!v)
        return required ? hd_call_bad(c, name, "required") : 0;
    if (!json_is_array(v))
        return hd_call_bad(c, name, "expected an array");
    *out = v;
    return 0;
}

int hd_param_name(hd_call_t *c, const char *name, bool required, const char **out)
{
    const char *s = NULL;
    if (hd_param_str(c, name, required, &s) != 0)
        return -1;
    if (s && !hd_proto_name_valid(s, strlen(s)))
        return hd_call_bad(c, name,
                           "a name is an identifier: [A-Za-z_][A-Za-z0-9_]*, at most "
                           "255 bytes");
    if (s)
        *out = s;
    return 0;
}
