/*
 * main.c: heapd's entry point: settings, the loop, and the exit code.
 *
 * Everything happens in loop.c and the modules it starts; main only owns
 * the uv_loop_t and the hd_server_t and runs the loop until the graceful
 * shutdown has closed every handle. Exit codes: 0 after a clean shutdown
 * (or --help/--version), 1 when the server could not start, 2 for a bad
 * command line or config (reported as one line before anything binds).
 */
#include <stdio.h>

#include "hd_proto.h"
#include "server.h"

int main(int argc, char **argv)
{
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        fputs("heapd: cannot initialise the event loop\n", stderr);
        return 1;
    }
    hd_proto_alloc_cache_install(); /* one thread uses jansson: see proto/alloc.c */
    hd_server_t srv;
    int rc = hd_server_init(&srv, &loop, argc, argv);
    if (rc != 0) {
        hd_server_close(&srv);
        uv_loop_close(&loop);
        hd_proto_alloc_cache_flush();
        return rc > 0 ? 0 : 2;
    }
    int code = 0;
    if (hd_server_start(&srv) != 0)
        code = 1;
    uv_run(&loop, UV_RUN_DEFAULT);
    hd_server_close(&srv);
    if (uv_loop_close(&loop) != 0)
        fputs("heapd: the event loop still had open handles at exit\n", stderr);
    hd_proto_alloc_cache_flush();
    return code;
}
