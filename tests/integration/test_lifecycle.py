"""The process: startup errors as one line before binding, the address
logged once it accepts, --demo, HTTP on the same port (files, /healthz,
/metrics, security headers), journald prefixes, and SIGTERM/SIGINT with
clients connected (1001 close frames, exit 0 in bounded time)."""
import asyncio
import json
import signal
import socket
import subprocess
import time

import websockets

from harness import HEAPD, Client, RawWs, Server, http_get


def run_heapd(*args):
    p = subprocess.run([HEAPD, *args], capture_output=True, text=True, timeout=20)
    return p.returncode, p.stdout, p.stderr


def test_bad_flags_and_config_stop_before_binding():
    for args, key in [(["--nope"], "--nope"), (["--listen", "1.2.3.4.5:x"], "--listen"),
                      (["--log-level", "chatty"], "--log-level"), (["--config", "/nonexistent.json"], "config")]:
        rc, out, err = run_heapd(*args)
        lines = err.strip().split("\n")
        assert rc == 2 and len(lines) == 1 and key in lines[0], (args, rc, err)
        assert lines[0].startswith("<3>"), lines  # journald priority prefix
    rc, out, err = run_heapd("--version")
    assert rc == 0 and out.startswith("heapd ")
    rc, out, err = run_heapd("--help")
    assert rc == 0 and "--listen" in out and "--allowed-origin" in out


def test_port_in_use_fails_cleanly():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    srv = Server(listen=f"127.0.0.1:{port}", expect_start=False)
    rc = srv.wait()
    assert rc == 1 and "cannot bind" in srv.log(), srv.log()
    s.close()
    srv.tmp.cleanup()


def test_http_endpoints_and_headers():
    with Server() as srv:
        status, h, body = http_get(srv.port, "/healthz")
        assert status == 200 and h["content-type"] == "application/json"
        hz = json.loads(body)
        assert hz["status"] == "ok" and hz["version"] and hz["uptime_s"] >= 0
        assert "script-src 'self'" in h["content-security-policy"] and "unsafe-inline" not in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "deny"
        status, h, body = http_get(srv.port, "/")
        assert status == 200 and b"heapd test" in body and "content-security-policy" in h
        status, h, body = http_get(srv.port, "/missing.html")
        assert status == 404
        status, h, body = http_get(srv.port, "/../../etc/passwd")
        assert status in (403, 404)


async def test_metrics():
    with Server(demo=True) as srv:
        async with await Client.connect(srv) as c:
            await c.call("gc.collect", {"heap": "demo"})
            await c.error("nope")
            status, h, body = http_get(srv.port, "/metrics")
            text = body.decode()
            assert status == 200 and h["content-type"].startswith("text/plain")
            for name in ["heapd_connections 1", 'heapd_heap_objects{heap="demo"}', 'heapd_heap_bytes{heap="demo"}',
                         'heapd_heap_arena_bytes{heap="demo"}', 'heapd_heap_arenas{heap="demo"}',
                         'heapd_heap_gc_collections_total{heap="demo",generation="2"} 1',
                         'heapd_heap_gc_collected_total{heap="demo",generation="0"}',
                         'heapd_heap_gc_uncollectable_total{heap="demo",generation="1"}',
                         'heapd_heap_gc_pause_seconds_total{heap="demo"}', "heapd_messages_received_total",
                         "heapd_errors_total", "heapd_stream_frames_dropped_total", "# TYPE heapd_heap_objects gauge"]:
                assert name in text, name
            for line in text.splitlines():  # every sample line is NAME{labels} VALUE
                if not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    float(value)


async def test_demo_heap():
    with Server(demo=True) as srv:
        async with await Client.connect(srv) as c:
            names = {n["name"]: n for n in (await c.call("heap.names", {"heap": "demo"}))["names"]}
            assert set(names) >= {"a", "b", "ref", "numbers", "config", "greeting"}
            assert names["ref"]["type"] == "weakref" and names["a"]["class"] == "Node"
            await c.call("name.del", {"heap": "demo", "names": ["a", "b"]})
            r = await c.call("gc.collect", {"heap": "demo"})
            assert r["unreachable"] == 2  # the cycle
            assert (await c.call("weakref.get", {"heap": "demo", "target": "ref"}))["alive"] is False


async def test_sigterm_with_clients_connected():
    srv = Server()
    clients = [await Client.connect(srv) for _ in range(5)]
    await clients[0].call("heap.create", {"heap": "h"})
    await clients[1].call("stream.subscribe", {"topics": ["alloc"], "interval_ms": 50})
    raw = RawWs(srv.port)
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    codes = []
    for c in clients:
        try:
            while True:
                await asyncio.wait_for(c.ws.recv(), 5)
        except websockets.ConnectionClosed as e:
            codes.append(e.code)
    assert codes == [1001] * 5, codes
    assert raw.close_code() == 1001
    rc = srv.wait(10)
    elapsed = time.monotonic() - t0
    # bounded: shutdown_timeout_ms (2 s) for the raw client that never answers
    # its close frame, plus the process's exit (slack for a loaded machine)
    assert rc == 0 and elapsed < 6, (rc, elapsed, srv.log())
    assert "SIGTERM" in srv.log()
    srv.tmp.cleanup()


async def test_sigint_without_clients_exits_at_once():
    srv = Server()
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGINT)
    assert srv.wait(10) == 0 and time.monotonic() - t0 < 3
    srv.tmp.cleanup()


async def test_log_lines_carry_priorities():
    with Server("--log-level", "info") as srv:
        async with await Client.connect(srv) as c:
            await c.call("server.info")
        await asyncio.sleep(0.2)
    assert all(l[:3] in ("<3>", "<4>", "<5>", "<6>", "<7>") for l in srv.lines if l), srv.lines
    assert any(l.startswith("<5>listening on http://127.0.0.1:") for l in srv.lines)
    assert any(l.startswith("<6>session 1 from") for l in srv.lines)
