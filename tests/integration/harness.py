"""harness.py: runs a real heapd and talks to it, for the integration tests.

Every test starts its own heapd on 127.0.0.1 with port 0 and a temporary
state directory (Server), reads the port from the "listening on" log line,
and drives it with Python's websockets (Debian's python3-websockets, 10.x,
asyncio API) or with RawWs, a deliberately minimal WebSocket client for the
cases a polite library cannot produce (a reader that never reads, binary
frames, oversized frames). Nothing here mocks the server.

Every response and notification a Client receives is validated against the
JSON Schemas of proto/schema (the method's result, the error member, the
stream's params), so every test also checks that heapd speaks its schema.
"""
import asyncio
import base64
import contextlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

import jsonschema
import websockets

HEAPD = os.environ.get("HEAPD", "heapd")
PROTO_DIR = os.environ.get("HD_PROTO_DIR", os.path.join(os.path.dirname(__file__), "../../proto"))
SCHEMA_BASE = "https://heapd.invalid/proto/schema/"


# ---- schemas ---------------------------------------------------------------

def _load_schemas():
    store = {}
    root = os.path.join(PROTO_DIR, "schema")
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".json"):
                with open(os.path.join(dirpath, f)) as fh:
                    doc = json.load(fh)
                store[doc.get("$id", SCHEMA_BASE + os.path.relpath(os.path.join(dirpath, f), root))] = doc
    return store


SCHEMAS = _load_schemas()
VALIDATED = {"results": 0, "errors": 0, "notifications": 0}


def validate(ref):
    """A function validating an instance against the schema at ref (a path
    relative to proto/schema, with a JSON pointer fragment)."""
    resolver = jsonschema.RefResolver(base_uri=SCHEMA_BASE, referrer={}, store=SCHEMAS)
    cls = jsonschema.validators.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    validator = cls({"$ref": SCHEMA_BASE + ref}, resolver=resolver)

    def check(instance):
        errors = sorted(validator.iter_errors(instance), key=lambda e: e.path)
        if errors:
            e = errors[0]
            raise AssertionError(f"{ref}: {e.message} at {list(e.absolute_path)}\n{json.dumps(instance)[:2000]}")
    return check


_validators = {}


def check_schema(ref, instance):
    if ref not in _validators:
        _validators[ref] = validate(ref)
    _validators[ref](instance)


def check_response(method, resp):
    assert resp.get("jsonrpc") == "2.0", resp
    if "error" in resp:
        check_schema("defs.json#/$defs/error", resp["error"])
        VALIDATED["errors"] += 1
    else:
        check_schema(f"methods/{method}.json#/$defs/result", resp["result"])
        VALIDATED["results"] += 1


def check_notification(msg):
    check_schema(f"streams/{msg['method']}.json#/$defs/params", msg["params"])
    VALIDATED["notifications"] += 1


# ---- the server --------------------------------------------------------------

class Server:
    """A heapd process. args are extra flags; stops on exit of the with."""

    def __init__(self, *args, token_file=None, config=None, demo=False, listen="127.0.0.1:0",
                 expect_start=True, env=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="heapd-it-")
        self.state_dir = os.path.join(self.tmp.name, "state")
        self.web_root = os.path.join(self.tmp.name, "www")
        os.makedirs(self.web_root)
        with open(os.path.join(self.web_root, "index.html"), "w") as f:
            f.write("<!doctype html><title>heapd test</title><p>hello</p>\n")
        cmd = [HEAPD, "--listen", listen, "--state-dir", self.state_dir, "--web-root", self.web_root]
        if token_file is not None:
            self.token_path = os.path.join(self.tmp.name, "tokens")
            with open(self.token_path, "w") as f:
                f.write(token_file)
            cmd += ["--token-file", self.token_path]
        if config is not None:
            self.config_path = os.path.join(self.tmp.name, "heapd.json")
            with open(self.config_path, "w") as f:
                f.write(config if isinstance(config, str) else json.dumps(config))
            cmd += ["--config", self.config_path]
        if demo:
            cmd.append("--demo")
        cmd += list(args)
        self.cmd = cmd
        self.lines = []
        self.port = None
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if expect_start:
            if not self._ready.wait(15) or self.port is None:
                self.kill()
                raise AssertionError("heapd did not start:\n" + "\n".join(self.lines))

    def _read(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            self.lines.append(line)
            m = re.search(r"listening on http://[^ ]*:(\d+)/", line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self._ready.set()
        self._ready.set()

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/ws"

    def wait(self, timeout=15):
        rc = self.proc.wait(timeout)
        self._reader.join(5)
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def log(self):
        return "\n".join(self.lines)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            if self.proc.poll() is None:
                rc = self.stop()
                assert rc == 0, f"heapd exited with {rc}:\n{self.log()}"
            assert "AddressSanitizer" not in self.log() and "runtime error" not in self.log(), self.log()
        finally:
            self.kill()
            self.tmp.cleanup()


# ---- a JSON-RPC client on websockets -------------------------------------------

class RpcError(Exception):
    def __init__(self, error):
        super().__init__(f"{error['code']}: {error['message']}")
        self.code = error["code"]
        self.message = error["message"]
        self.data = error.get("data")


class Client:
    """One WebSocket session. call() sends one request and returns its result
    (raising RpcError for an error); notifications received meanwhile are kept
    in self.notes. Every message is schema-checked."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 1
        self.notes = []
        self.pending = {}

    @classmethod
    async def connect(cls, server, headers=None, subprotocols=("heapd.v1",), **kw):
        ws = await websockets.connect(server.url, subprotocols=list(subprotocols) or None,
                                      extra_headers=headers or {}, max_size=64 << 20, **kw)
        return cls(ws)

    async def close(self):
        await self.ws.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def recv_json(self, timeout=10):
        msg = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        return msg

    def _dispatch(self, msg):
        if isinstance(msg, dict) and "method" in msg and "id" not in msg:
            check_notification(msg)
            self.notes.append(msg)
            return None
        return msg

    async def raw(self, text, timeout=10):
        """Send text, return the next message that is not a notification."""
        await self.ws.send(text)
        while True:
            msg = self._dispatch(await self.recv_json(timeout))
            if msg is not None:
                return msg

    async def request(self, method, params=None, timeout=10):
        rid = self.next_id
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            req["params"] = params
        resp = await self.raw(json.dumps(req), timeout)
        assert resp.get("id") == rid, (req, resp)
        check_response(method, resp)
        return resp

    async def call(self, method, params=None, timeout=10):
        resp = await self.request(method, params, timeout)
        if "error" in resp:
            raise RpcError(resp["error"])
        return resp["result"]

    async def error(self, method, params=None, code=None):
        resp = await self.request(method, params)
        assert "error" in resp, f"{method} {params}: expected an error, got {resp}"
        if code is not None:
            assert resp["error"]["code"] == code, f"{method} {params}: {resp['error']}"
        return resp["error"]

    async def notes_until(self, pred, timeout=10):
        """Wait until a received notification satisfies pred; return it."""
        deadline = time.monotonic() + timeout
        while True:
            for n in self.notes:
                if pred(n):
                    return n
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no matching notification; got {self.notes[-5:]}")
            try:
                msg = await self.recv_json(left)
            except asyncio.TimeoutError:
                continue
            self._dispatch(msg)


@contextlib.asynccontextmanager
async def heap_client(heap, *server_args, **server_kw):
    """A heapd of its own (Server(*server_args, **server_kw)), one Client
    connected to it, and a heap named `heap` created there: yields the
    Client. The opening of most method tests."""
    with Server(*server_args, **server_kw) as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": heap})
            yield c


def run(coro):
    return asyncio.run(coro)


# ---- a minimal raw WebSocket client --------------------------------------------

class RawWs:
    """Handshake and framing by hand, for what websockets will not do: a
    reader that never reads (small receive buffer), binary frames, a frame
    over the size limit, custom Host/Origin headers."""

    def __init__(self, port, path="/ws", headers=None, rcvbuf=None, host=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host or f'127.0.0.1:{port}'}",
                 "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: heapd.v1"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.head = head.decode(errors="replace")
        self.status = int(self.head.split(" ")[1]) if self.head.startswith("HTTP/") else 0

    def send_frame(self, payload, opcode=1, fin=True):
        if isinstance(payload, str):
            payload = payload.encode()
        mask = os.urandom(4)
        n = len(payload)
        hdr = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 1 << 16 else \
            (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        self.sock.sendall(hdr + mask + masked)

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def recv_frame(self):
        """(fin, opcode, payload bytes) of the next frame."""
        self._need(2)
        b0, b1 = self.buf[0], self.buf[1]
        n = b1 & 0x7F
        off = 2
        if n == 126:
            self._need(4)
            n = struct.unpack("!H", self.buf[2:4])[0]
            off = 4
        elif n == 127:
            self._need(10)
            n = struct.unpack("!Q", self.buf[2:10])[0]
            off = 10
        self._need(off + n)
        payload = self.buf[off:off + n]
        self.buf = self.buf[off + n:]
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def recv_message(self):
        """The next complete message: (opcode, payload), fragments joined."""
        fin, op, data = self.recv_frame()
        parts = [data]
        while not fin:
            fin, _, data = self.recv_frame()
            parts.append(data)
        return op, b"".join(parts)

    def close_code(self, timeout=10):
        """Read until a close frame; its status code (or None on EOF)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                _, op, payload = self.recv_frame()
                if op == 8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
        except (EOFError, ConnectionResetError, socket.timeout):
            return None

    def close(self):
        self.sock.close()


def http_get(port, path, headers=None):
    """(status, headers dict lower-case, body bytes) of a GET."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if m and len(body) >= int(m.group(1)):
                break
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    status = int(lines[0].split(" ")[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), v.strip())
    return status, hdrs, body
