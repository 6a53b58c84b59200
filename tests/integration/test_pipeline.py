"""Pipelined requests: many requests in one TCP write are answered in order,
each once, however heapd splits its writes (it writes the first answers of a
long burst while it still handles the rest of the read, and a big answer as
fragments)."""
import json
import os
import struct

from harness import RawWs, Server, check_response


def frame(text):
    data = text.encode()
    mask = os.urandom(4)
    n = len(data)
    hdr = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n))
    return hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def burst(first, n):
    """n requests from id first on: (the bytes of all frames, [(id, method)]
    of the requests that get an answer). Every 7th is a notification, one is
    a heap.export of some hundred KB (written as fragments), one an error
    (a heap that does not exist)."""
    out, expect = [], []
    for k in range(n):
        rid = first + k
        if k % 7 == 3:
            msg = {"jsonrpc": "2.0", "method": "obj.set",
                   "params": {"heap": "p", "target": "d", "key": f"n{rid}", "value": rid}}
            out.append(frame(json.dumps(msg)))
            continue
        method, params = [
            ("server.info", None),
            ("obj.set", {"heap": "p", "target": "d", "key": f"k{rid}", "value": rid}),
            ("obj.new", {"heap": "p", "type": "list", "items": [rid, "x"], "bind": "last"}),
            ("gc.get", {"heap": "p"}),
        ][k % 4]
        if k == n // 2:
            method, params = "heap.export", {"heap": "p"}
        fails = k == n // 3
        if fails:
            method, params = "gc.get", {"heap": "no-such-heap"}
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        out.append(frame(json.dumps(msg)))
        expect.append((rid, method, fails))
    return b"".join(out), expect


def read_answers(ws, expect):
    for rid, method, fails in expect:
        op, payload = ws.recv_message()
        assert op == 1, op
        resp = json.loads(payload)
        assert resp.get("id") == rid, (rid, method, payload[:200])
        check_response(method, resp)
        if method == "heap.export":
            assert len(payload) > 100_000, len(payload)  # really more than one fragment
        assert ("error" in resp) == fails, resp


def test_pipelined_bursts_are_answered_in_order_each_once():
    with Server() as srv:
        ws = RawWs(srv.port)
        assert ws.status == 101
        setup = [
            '{"jsonrpc":"2.0","id":"c","method":"heap.create","params":{"heap":"p"}}',
            '{"jsonrpc":"2.0","id":"d","method":"obj.new","params":{"heap":"p","type":"dict","bind":"d"}}',
            '{"jsonrpc":"2.0","id":"l","method":"obj.new","params":{"heap":"p","type":"list",'
            '"items":[%s],"bind":"big"}}' % ",".join(str(i * 1000) for i in range(4000)),
        ]
        ws.sock.sendall(b"".join(frame(t) for t in setup))
        for rid in ["c", "d", "l"]:
            assert json.loads(ws.recv_message()[1])["id"] == rid
        # two bursts of 120 in one write each, the second sent before any
        # answer of the first is read
        data1, expect1 = burst(1, 120)
        data2, expect2 = burst(1001, 120)
        ws.sock.sendall(data1)
        ws.sock.sendall(data2)
        read_answers(ws, expect1 + expect2)
        # the notifications ran too, in order with the rest: every key is there
        ws.sock.sendall(frame('{"jsonrpc":"2.0","id":"e","method":"heap.export","params":{"heap":"p"}}'))
        _, payload = ws.recv_message()
        resp = json.loads(payload)
        assert resp["id"] == "e"
        text = json.dumps(resp["result"])
        for first in (1, 1001):
            for k in range(120):
                rid = first + k
                if k % 7 == 3:
                    assert f'"n{rid}"' in text, rid
                elif k % 4 == 1:
                    assert f'"k{rid}"' in text, rid
        # nothing more came: the next answer is for the next request
        ws.sock.sendall(frame('{"jsonrpc":"2.0","id":"z","method":"server.info"}'))
        assert json.loads(ws.recv_message()[1])["id"] == "z"
