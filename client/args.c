/*
 * args.c: heapctl's command-line parser, and small number parsers.
 *
 * Why not getopt_long: heapctl's positional arguments are values, and
 * values may start with '-' (`heapctl bind demo x -5`); getopt would take
 * them for options. So options are long only (`--name`, `--name=V` or
 * `--name V`) plus `-h`; any other word, "-5" and "-" included, is
 * positional; "--" ends the options. Options may stand before or after the
 * command word (`heapctl --json heaps` and `heapctl heaps --json` are the
 * same), which is what people type. The global table is checked first, then
 * the command's own.
 */
#include "heapctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int usage(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int usage(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return HC_EXIT_USAGE;
}

static const hc_optspec_t *find_opt(const hc_optspec_t *t, const char *name, size_t len)
{
    for (; t && t->name; t++)
        if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
            return t;
    return NULL;
}

/* The command word: the first word that is not an option (skipping the
 * values of global options that take one). */
static const char *find_command(int argc, char **argv, const hc_optspec_t *global)
{
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--") == 0)
            return i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(w, "--", 2) == 0) {
            const hc_optspec_t *o = find_opt(global, w + 2, strcspn(w + 2, "="));
            if (o && o->has_arg && !strchr(w, '='))
                i++;
            continue;
        }
        if (strcmp(w, "-h") == 0)
            continue;
        return w;
    }
    return NULL;
}

static int add_opt(hc_args_t *a, const char *name, const char *value, char *err, size_t errlen)
{
    if (a->nopts == HC_MAX_OPTS)
        return usage(err, errlen, "too many options");
    a->opts[a->nopts].name = name;
    a->opts[a->nopts].value = value;
    a->nopts++;
    return 0;
}

/* One "--name[=value]" word at argv[*i]. */
static int take_option(hc_args_t *a, int argc, char **argv, int *i, const hc_optspec_t *global,
                       const hc_optspec_t *cmd, char *err, size_t errlen)
{
    const char *w = argv[*i] + 2;
    size_t len = strcspn(w, "=");
    const hc_optspec_t *o = find_opt(global, w, len);
    if (!o)
        o = find_opt(cmd, w, len);
    if (!o) {
        if (a->command)
            return usage(err, errlen, "unknown option --%.*s for '%s' (see heapctl %s --help)",
                         (int)len, w, a->command, a->command);
        return usage(err, errlen, "unknown option --%.*s (see heapctl --help)", (int)len, w);
    }
    const char *value = "";
    if (w[len] == '=') {
        if (!o->has_arg)
            return usage(err, errlen, "--%s takes no value", o->name);
        value = w + len + 1;
    } else if (o->has_arg) {
        if (*i + 1 >= argc)
            return usage(err, errlen, "--%s needs a value", o->name);
        value = argv[++*i];
    }
    return add_opt(a, o->name, value, err, errlen);
}

int hc_args_parse(hc_args_t *a, int argc, char **argv, const hc_optspec_t *global_opts,
                  const hc_optspec_t *(*lookup)(const char *command), char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    err[0] = 0;
    a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
    if (!a->pos)
        return usage(err, errlen, "out of memory");
    a->command = find_command(argc, argv, global_opts);
    const hc_optspec_t *cmd = a->command && lookup ? lookup(a->command) : NULL;
    int seen_command = 0, only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        int rc = 0;
        if (!only_pos && strcmp(w, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && strncmp(w, "--", 2) == 0) {
            rc = take_option(a, argc, argv, &i, global_opts, cmd, err, errlen);
        } else if (!only_pos && strcmp(w, "-h") == 0) {
            rc = add_opt(a, "help", "", err, errlen);
        } else if (!seen_command && a->command && w == a->command) {
            seen_command = 1;
        } else {
            a->pos[a->npos++] = w;
        }
        if (rc)
            return rc;
    }
    return 0;
}

void hc_args_free(hc_args_t *a)
{
    free(a->pos);
    a->pos = NULL;
    a->npos = 0;
}

const char *hc_args_opt(const hc_args_t *a, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < a->nopts; i++)
        if (strcmp(a->opts[i].name, name) == 0)
            v = a->opts[i].value;
    return v;
}

int hc_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno == ERANGE || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int hc_parse_size(const char *s, int64_t *out)
{
    if (!s || !*s || !(s[0] >= '0' && s[0] <= '9'))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    int shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        break;
    case 'm':
    case 'M':
        shift = 20;
        break;
    case 'g':
    case 'G':
        shift = 30;
        break;
    }
    if (shift)
        end++;
    if (shift && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0))
        end += strlen(end);
    else if (!shift && strcmp(end, "B") == 0)
        end++;
    if (*end || v > ((unsigned long long)INT64_MAX >> shift))
        return -1;
    *out = (int64_t)(v << shift);
    return 0;
}
