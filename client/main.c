/*
 * main.c: heapctl's entry point: global options, the environment, help
 * texts, and the command table.
 *
 * Settings come from, in increasing priority: the defaults, the
 * environment (HEAPD_URL, HEAPD_TOKEN, NO_COLOR), and the options. A token
 * file holds the token on its first non-empty, non-comment line, either
 * alone or as the server's "ROLE TOKEN" line (so an admin can point heapctl
 * at a copy of a line of heapd's own token file).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "heapctl.h"
#include "out.h"

static const hc_optspec_t global_opts[] = {
    {"url", 1, "URL          heapd's WebSocket address (HEAPD_URL; default " HC_DEFAULT_URL ")"},
    {"token-file", 1, "FILE  read the token from FILE (else HEAPD_TOKEN)"},
    {"timeout", 1, "SECONDS  connect and answer timeout (default 10)"},
    {"json", 0, "             print exactly the result object, as JSON"},
    {"color", 1, "WHEN        colour: auto (default), always, never"},
    {"no-color", 0, "         no colour (as NO_COLOR=1)"},
    {"site", 1, "SITE         allocation site recorded for the objects a call creates"},
    {"insecure", 0, "         wss: accept a self-signed or mismatched certificate"},
    {"debug", 0, "            show libwebsockets' log on stderr"},
    {"help", 0, "             show help (heapctl COMMAND --help for a command)"},
    {"version", 0, "          print heapctl's version"},
    {NULL, 0, NULL},
};

static const hc_cmd_t *const commands[] = {
    &hc_cmd_info,    &hc_cmd_heaps,   &hc_cmd_create, &hc_cmd_drop,    &hc_cmd_new,
    &hc_cmd_bind,    &hc_cmd_del,     &hc_cmd_set,    &hc_cmd_unset,   &hc_cmd_call,
    &hc_cmd_weakref, &hc_cmd_show,    &hc_cmd_names,  &hc_cmd_objects, &hc_cmd_collect,
    &hc_cmd_gc,      &hc_cmd_garbage, &hc_cmd_alloc,  &hc_cmd_trace,   &hc_cmd_export,
    &hc_cmd_import,  &hc_cmd_watch,   &hc_cmd_rpc,    &hc_cmd_exec,    &hc_cmd_repl,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const hc_cmd_t *find_command(const char *name)
{
    for (size_t i = 0; name && i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static const hc_optspec_t *command_opts(const char *name)
{
    const hc_cmd_t *c = find_command(name);
    return c ? c->opts : NULL;
}

/* "  --name VALUE   help": the help text starts with the value's name when
 * the option takes one. */
static void print_opts(FILE *f, const hc_optspec_t *o)
{
    for (; o && o->name; o++) {
        const char *h = o->help;
        char left[64];
        size_t n = o->has_arg ? strcspn(h, " ") : 0;
        snprintf(left, sizeof left, "--%s%s%.*s", o->name, n ? " " : "", (int)n, h);
        h += n;
        h += strspn(h, " ");
        fprintf(f, "  %-22s %s\n", left, h);
    }
}

static void main_help(FILE *f)
{
    fputs("usage: heapctl [OPTIONS] COMMAND [ARGS...]\n\n"
          "Drive and inspect heapd's managed heaps (models of CPython 3.11's memory\n"
          "manager) from the command line.\n\nCommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\nOptions (before or after the command):\n", f);
    print_opts(f, global_opts);
    fputs("\nValues: @name (a bound object), #17 (an object id), None True False, 17, 1.5,\n"
          "'text', b'bytes', [..] (..) {..} displays; a bare word is a str.\n"
          "Exit codes: 0 ok, 1 the server answered an error, 2 usage, 3 cannot connect\n"
          "or lost the connection.\n"
          "See heapctl(1) and 'heapctl COMMAND --help'.\n",
          f);
}

static void command_help(FILE *f, const hc_cmd_t *c)
{
    fprintf(f, "usage: heapctl %s %s\n\n%s\n", c->name, c->usage, c->summary);
    if (c->help)
        fprintf(f, "\n%s", c->help);
    if (c->opts && c->opts->name) {
        fputs("\nOptions:\n", f);
        print_opts(f, c->opts);
    }
    fputs("\nGlobal options: --url, --token-file, --timeout, --json, --color, --site (heapctl "
          "--help)\n",
          f);
}

/* The token: --token-file, else HEAPD_TOKEN. Returns 0 or HC_EXIT_USAGE. */
static int read_token(const char *file, char **token)
{
    *token = NULL;
    if (!file) {
        const char *env = getenv("HEAPD_TOKEN");
        if (env && *env && !(*token = strdup(env)))
            return HC_EXIT_USAGE;
        return 0;
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "heapctl: cannot read the token file %s: %s\n", file, strerror(errno));
        return HC_EXIT_USAGE;
    }
    char line[4096];
    while (!*token && fgets(line, sizeof line, f)) {
        char *words[3] = {NULL, NULL, NULL};
        int n = 0;
        for (char *w = strtok(line, " \t\r\n"); w && n < 3; w = strtok(NULL, " \t\r\n"))
            words[n++] = w;
        if (n == 0 || words[0][0] == '#')
            continue;
        *token = strdup(n >= 2 ? words[1] : words[0]);
    }
    fclose(f);
    if (!*token) {
        fprintf(stderr, "heapctl: the token file %s holds no token\n", file);
        return HC_EXIT_USAGE;
    }
    return 0;
}

/* Settings from the options and the environment into ctx. */
static int setup(hc_ctx_t *ctx, const hc_args_t *a)
{
    const char *url = hc_args_opt(a, "url");
    if (url && !*url) /* --url "$UNSET": never fall back to another server */
        return hc_usage_error(ctx, "--url needs an address (example: " HC_DEFAULT_URL ")");
    if (!url)
        url = getenv("HEAPD_URL"); /* set but empty: the default, as when unset */
    ctx->url = url && *url ? url : HC_DEFAULT_URL;
    char err[600];
    if (hc_url_parse(ctx->url, &ctx->u, err, sizeof err) != 0)
        return hc_usage_error(ctx, "%s", err);
    const char *t = hc_args_opt(a, "timeout");
    int64_t secs = HC_DEFAULT_TIMEOUT_S;
    if (t && hc_parse_int(t, 1, 86400, &secs) != 0)
        return hc_usage_error(ctx, "--timeout takes whole seconds (1 to 86400), not '%s'", t);
    ctx->timeout_ms = (int)secs * 1000;
    const char *color = hc_args_opt(a, "color");
    if (color && strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
        return hc_usage_error(ctx, "--color takes auto, always or never, not '%s'", color);
    if (hc_args_opt(a, "no-color"))
        color = "never";
    ctx->json = hc_args_opt(a, "json") != NULL;
    ctx->color = !ctx->json && hc_color_wanted(stdout, color);
    ctx->color_err = hc_color_wanted(stderr, color);
    ctx->insecure = hc_args_opt(a, "insecure") != NULL;
    ctx->debug = hc_args_opt(a, "debug") != NULL;
    ctx->site = hc_args_opt(a, "site");
    ctx->out = stdout;
    return read_token(hc_args_opt(a, "token-file"), &ctx->token);
}

static int run(hc_ctx_t *ctx, const hc_args_t *a)
{
    if (hc_args_opt(a, "version")) {
        printf("heapctl %s (protocol 1)\n", HC_VERSION);
        return 0;
    }
    const hc_cmd_t *cmd = find_command(a->command);
    if (a->command && strcmp(a->command, "help") == 0) {
        cmd = a->npos > 0 ? find_command(a->pos[0]) : NULL;
        if (cmd)
            command_help(stdout, cmd);
        else
            main_help(stdout);
        return 0;
    }
    if (!cmd && hc_args_opt(a, "help")) {
        main_help(stdout);
        return 0;
    }
    if (!a->command) {
        main_help(stderr);
        return HC_EXIT_USAGE;
    }
    if (!cmd)
        return hc_usage_error(ctx, "'%s' is not a heapctl command", a->command);
    ctx->cmd = cmd->name;
    if (hc_args_opt(a, "help")) {
        command_help(stdout, cmd);
        return 0;
    }
    if (a->npos < cmd->min_args || (cmd->max_args >= 0 && a->npos > cmd->max_args))
        return hc_usage_error(ctx, "%s arguments; usage: heapctl %s %s",
                              a->npos < cmd->min_args ? "missing" : "too many", cmd->name,
                              cmd->usage);
    int rc = setup(ctx, a);
    return rc ? rc : cmd->run(ctx, a);
}

int main(int argc, char **argv)
{
    hc_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.out = stdout;
    hc_args_t a;
    char err[300];
    int rc = hc_args_parse(&a, argc, argv, global_opts, command_opts, err, sizeof err);
    if (rc == 0) {
        rc = run(&ctx, &a);
    } else {
        ctx.cmd = find_command(a.command) ? a.command : NULL;
        hc_usage_error(&ctx, "%s", err);
    }
    hc_args_free(&a);
    hc_ctx_disconnect(&ctx);
    free(ctx.token);
    if (fflush(stdout) != 0 && rc == 0)
        rc = HC_EXIT_USAGE;
    return rc;
}
