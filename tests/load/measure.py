"""measure.py: figures of a running heapd that heapd-load does not give:
memory per idle connection, the CPU cost of alloc subscribers, and the time
a SIGTERM takes with clients connected. Prints figures; not a test.

    /usr/bin/python3 tests/load/measure.py build/daemon/server/heapd
"""
import asyncio
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time

import websockets


def start(heapd, *args):
    p = subprocess.Popen([heapd, "--listen", "127.0.0.1:0", *args], stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096)))
    for line in p.stderr:
        m = re.search(r"listening on http://[^ ]*:(\d+)/", line)
        if m:
            return p, int(m.group(1))
    raise SystemExit("heapd did not start")


def rss(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ws_frame(text):
    data = text.encode()
    mask = b"\x01\x02\x03\x04"
    return bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def idle_connections(heapd, n=1000, talk=False):
    p, port = start(heapd)
    socks = []
    before = rss(p.pid)
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        assert b" 101 " in s.recv(4096)
        if talk:  # one request first: lws's receive buffer and ours exist then
            s.sendall(ws_frame('{"jsonrpc":"2.0","id":1,"method":"server.info"}'))
            s.recv(4096)
        socks.append(s)
    time.sleep(0.5)
    after = rss(p.pid)
    print(f"idle connections{' after one request' if talk else ''}: {n}, RSS {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB: "
          f"{(after - before) / n / 1024:.1f} KiB per connection")
    for s in socks:
        s.close()
    p.send_signal(signal.SIGTERM)
    p.wait()


async def subscribers(heapd, n=100, hz=10, seconds=10):
    p, port = start(heapd, "--demo")
    frames = 0

    async def reader(ws):
        nonlocal frames
        async for _ in ws:
            frames += 1

    conns = []
    for _ in range(n):
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws")
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "stream.subscribe",
                                  "params": {"heap": "demo", "topics": ["alloc"], "interval_ms": 1000 // hz}}))
        await ws.recv()
        conns.append(ws)
    tasks = [asyncio.create_task(reader(ws)) for ws in conns]
    await asyncio.sleep(1)
    c0, f0, t0 = cpu(p.pid), frames, time.monotonic()
    await asyncio.sleep(seconds)
    c1, f1, t1 = cpu(p.pid), frames, time.monotonic()
    print(f"alloc subscribers: {n} at {hz} Hz: {(f1 - f0) / (t1 - t0):.0f} frames/s, heapd CPU "
          f"{100 * (c1 - c0) / (t1 - t0):.1f}% of one core")
    t = time.monotonic()
    p.send_signal(signal.SIGTERM)
    codes = []
    for ws in conns:
        await ws.wait_closed()
        codes.append(ws.close_code)
    p.wait()
    print(f"SIGTERM with {n} clients subscribed: exit {p.returncode} after {time.monotonic() - t:.3f} s, "
          f"close codes {sorted(set(codes))}")
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    heapd = sys.argv[1] if len(sys.argv) > 1 else "heapd"
    idle_connections(heapd)
    idle_connections(heapd, talk=True)
    asyncio.run(subscribers(heapd))
