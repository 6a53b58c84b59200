/*
 * heapd_load.c: a load generator for heapd: N real WebSocket connections,
 * each keeping D requests in flight, for S seconds, printing requests/s and
 * the p50/p99/p99.9 latency. A program that prints figures, not a test.
 *
 *   heapd-load [--host 127.0.0.1] [--port 7468] [--connections 50]
 *              [--pipeline 1] [--duration 5] [--method M] [--token T]
 *
 * M is server.info (the transport floor), obj.new (a list, bound to a name
 * per connection, so the previous one is freed), obj.set (an item of a dict)
 * or gc.get; "mix" cycles through the four.
 *
 * One thread, epoll, and the WebSocket protocol written out by hand (the
 * client side is small: a handshake, masked text frames out, unmasked frames
 * in), so the tool measures the server rather than a client library.
 * Responses to one connection come in request order (PROTOCOL.md), so each
 * connection keeps a ring of send times and a response matches the oldest.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIPELINE 256

typedef struct conn {
    int fd;
    int index;
    char *in; /* received bytes not yet parsed */
    size_t in_len, in_cap;
    char *out; /* bytes not yet sent */
    size_t out_len, out_cap;
    double sent[MAX_PIPELINE]; /* ring of send times */
    int head, inflight;
    uint64_t n; /* requests sent */
    int handshaken;
} conn_t;

static struct {
    const char *host, *method, *token;
    int port, connections, pipeline;
    double duration;
} opt = {"127.0.0.1", "server.info", NULL, 7468, 50, 1, 5.0};

static double *lat;
static size_t nlat, caplat;
static uint64_t errors;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void append(char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n > *cap) {
        *cap = (*len + n) * 2 + 4096;
        if (!(*buf = realloc(*buf, *cap)))
            die("realloc");
    }
    memcpy(*buf + *len, data, n);
    *len += n;
}

/* a masked text frame carrying text */
static void send_frame(conn_t *c, const char *text, size_t n)
{
    unsigned char hdr[14];
    size_t h = 0;
    hdr[h++] = 0x81;
    if (n < 126) {
        hdr[h++] = (unsigned char)(0x80 | n);
    } else {
        hdr[h++] = 0x80 | 126;
        hdr[h++] = (unsigned char)(n >> 8);
        hdr[h++] = (unsigned char)n;
    }
    unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    memcpy(hdr + h, mask, 4);
    h += 4;
    append(&c->out, &c->out_len, &c->out_cap, hdr, h);
    size_t at = c->out_len;
    append(&c->out, &c->out_len, &c->out_cap, text, n);
    for (size_t i = 0; i < n; i++)
        c->out[at + i] ^= (char)mask[i & 3];
}

static void request(conn_t *c)
{
    static const char *const mix[] = {"server.info", "obj.new", "obj.set", "gc.get"};
    const char *m = strcmp(opt.method, "mix") == 0 ? mix[c->n % 4] : opt.method;
    char text[512];
    int n;
    if (strcmp(m, "obj.new") == 0)
        n = snprintf(text, sizeof text,
                     "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"obj.new\",\"params\":{\"heap\":"
                     "\"bench\",\"type\":\"list\",\"items\":[1,2],\"bind\":\"x%d\"}}",
                     (unsigned long long)c->n, c->index);
    else if (strcmp(m, "obj.set") == 0)
        n = snprintf(text, sizeof text,
                     "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"obj.set\",\"params\":{\"heap\":"
                     "\"bench\",\"target\":\"d\",\"key\":\"k%d\",\"value\":%llu}}",
                     (unsigned long long)c->n, c->index, (unsigned long long)c->n);
    else if (strcmp(m, "gc.get") == 0)
        n = snprintf(text, sizeof text,
                     "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"gc.get\",\"params\":{\"heap\":"
                     "\"bench\"}}",
                     (unsigned long long)c->n);
    else
        n = snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"%s\"}",
                     (unsigned long long)c->n, m);
    send_frame(c, text, (size_t)n);
    c->sent[(c->head + c->inflight) % MAX_PIPELINE] = now();
    c->inflight++;
    c->n++;
}

static void record(double t)
{
    if (nlat == caplat) {
        caplat = caplat ? caplat * 2 : 1 << 16;
        if (!(lat = realloc(lat, caplat * sizeof *lat)))
            die("realloc");
    }
    lat[nlat++] = t;
}

/* parse complete frames out of c->in; returns responses seen */
static int parse(conn_t *c, int measuring, int keep_going)
{
    int got = 0;
    size_t off = 0;
    while (c->in_len - off >= 2) {
        unsigned char *p = (unsigned char *)c->in + off;
        uint64_t len = p[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (c->in_len - off < 4)
                break;
            len = (uint64_t)p[2] << 8 | p[3];
            h = 4;
        } else if (len == 127) {
            if (c->in_len - off < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | p[2 + i];
            h = 10;
        }
        if (c->in_len - off < h + len)
            break;
        int opcode = p[0] & 0x0f;
        const char *payload = (const char *)p + h;
        if (opcode == 8) {
            fprintf(stderr, "connection %d closed by the server\n", c->index);
            exit(1);
        }
        /* a response has an "id"; a stream notification does not */
        if (opcode == 1 && len > 20 && memmem(payload, len, "\"id\":", 5)) {
            if (memmem(payload, len, "\"error\":", 8))
                errors++;
            double t = now() - c->sent[c->head];
            c->head = (c->head + 1) % MAX_PIPELINE;
            c->inflight--;
            if (measuring)
                record(t);
            got++;
            if (keep_going)
                request(c);
        }
        off += h + len;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return got;
}

static int flush(conn_t *c)
{
    while (c->out_len) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    return 0;
}

static int fill(conn_t *c)
{
    char buf[65536];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n > 0) {
            append(&c->in, &c->in_len, &c->in_cap, buf, (size_t)n);
            if ((size_t)n < sizeof buf)
                return 0; /* drained: the next byte to come is a new edge */
            continue;
        }
        if (n < 0 && errno == EAGAIN)
            return 0;
        return -1;
    }
}

static void connect_one(conn_t *c, int i)
{
    memset(c, 0, sizeof *c);
    c->index = i;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    inet_pton(AF_INET, opt.host, &sa.sin_addr);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: "
                     "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: heapd.v1\r\n%s%s%s\r\n",
                     opt.host, opt.port, opt.token ? "Authorization: Bearer " : "",
                     opt.token ? opt.token : "", opt.token ? "\r\n" : "");
    if (write(c->fd, req, (size_t)n) != n)
        die("write");
    char buf[4096];
    size_t got = 0;
    while (!memmem(buf, got, "\r\n\r\n", 4)) {
        ssize_t r = read(c->fd, buf + got, sizeof buf - got);
        if (r <= 0)
            die("handshake");
        got += (size_t)r;
    }
    if (!memmem(buf, got, " 101 ", 5)) {
        fprintf(stderr, "handshake refused: %.*s\n", (int)got, buf);
        exit(1);
    }
    char *end = (char *)memmem(buf, got, "\r\n\r\n", 4) + 4;
    append(&c->in, &c->in_len, &c->in_cap, end, got - (size_t)(end - buf));
}

static void nonblocking(conn_t *c)
{
    int fl = fcntl(c->fd, F_GETFL);
    fcntl(c->fd, F_SETFL, fl | O_NONBLOCK);
}

/* one blocking request on c (setup) */
static void setup_call(conn_t *c, const char *text)
{
    send_frame(c, text, strlen(text));
    c->sent[c->head] = now();
    c->inflight = 1;
    while (flush(c) == 0 && c->out_len)
        ;
    while (c->inflight) {
        char buf[65536];
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r <= 0)
            die("setup");
        append(&c->in, &c->in_len, &c->in_cap, buf, (size_t)r);
        parse(c, 0, 0);
    }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double p)
{
    size_t i = (size_t)(p * (double)(nlat - 1));
    return lat[i] * 1e6;
}

static void parse_args(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, 'h'},        {"port", required_argument, NULL, 'p'},
        {"connections", required_argument, NULL, 'c'}, {"pipeline", required_argument, NULL, 'P'},
        {"duration", required_argument, NULL, 'd'},    {"method", required_argument, NULL, 'm'},
        {"token", required_argument, NULL, 't'},       {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            opt.host = optarg;
            break;
        case 'p':
            opt.port = atoi(optarg);
            break;
        case 'c':
            opt.connections = atoi(optarg);
            break;
        case 'P':
            opt.pipeline = atoi(optarg);
            break;
        case 'd':
            opt.duration = atof(optarg);
            break;
        case 'm':
            opt.method = optarg;
            break;
        case 't':
            opt.token = optarg;
            break;
        default:
            fprintf(stderr, "usage: heapd-load [--host H] [--port P] [--connections N] "
                            "[--pipeline D] [--duration S] [--method M] [--token T]\n");
            exit(2);
        }
    }
    if (opt.pipeline < 1 || opt.pipeline > MAX_PIPELINE || opt.connections < 1)
        exit(2);
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    conn_t *conns = calloc((size_t)opt.connections, sizeof *conns);
    int ep = epoll_create1(0);
    for (int i = 0; i < opt.connections; i++)
        connect_one(&conns[i], i);
    setup_call(&conns[0], "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"heap.create\",\"params\":"
                          "{\"heap\":\"bench\"}}");
    setup_call(&conns[0], "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"obj.new\",\"params\":"
                          "{\"heap\":\"bench\",\"type\":\"dict\",\"bind\":\"d\"}}");
    errors = 0;
    for (int i = 0; i < opt.connections; i++) {
        nonblocking(&conns[i]);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = &conns[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0)
            die("epoll_ctl");
        for (int k = 0; k < opt.pipeline; k++)
            request(&conns[i]);
        flush(&conns[i]);
    }
    double start = now(), warm = start + 0.5, end = warm + opt.duration;
    uint64_t done = 0;
    struct epoll_event evs[256];
    for (double t = now(); t < end; t = now()) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            if (fill(c) < 0) {
                fprintf(stderr, "connection %d lost (%s)\n", c->index, strerror(errno));
                return 1;
            }
            int measuring = t >= warm;
            int got = parse(c, measuring, 1);
            if (measuring)
                done += (uint64_t)got;
            flush(c);
        }
    }
    qsort(lat, nlat, sizeof *lat, cmp);
    printf("%s: %d connections, pipeline %d, %.1f s: %.0f requests/s, latency p50 %.0f us, "
           "p99 %.0f us, p99.9 %.0f us, %llu errors\n",
           opt.method, opt.connections, opt.pipeline, opt.duration, (double)done / opt.duration,
           nlat ? pct(0.5) : 0, nlat ? pct(0.99) : 0, nlat ? pct(0.999) : 0,
           (unsigned long long)errors);
    return 0;
}
