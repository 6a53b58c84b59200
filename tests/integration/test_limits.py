"""Every limit: a breach answers -32004 with data.limit and changes nothing,
and the connection stays usable; an oversized message closes with 1009, a
reader that does not take its responses with 1008, a binary frame with 1003."""
import asyncio
import json
import signal
import time

import websockets

from harness import Client, RawWs, Server, http_get


async def test_message_size_closes_with_1009():
    with Server(config={"limits": {"message_size": 4096}}) as srv:
        ws = RawWs(srv.port)
        ws.send_frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "server.info",
                                  "params": {"pad": "x" * 5000}}))
        op, payload = ws.recv_message()
        resp = json.loads(payload)
        assert resp["id"] is None and resp["error"]["code"] == -32004
        assert resp["error"]["data"] == {"limit": "message_size", "max": 4096}
        assert ws.close_code() == 1009
        ws.close()
        # fragmented: the limit is on the whole message
        ws = RawWs(srv.port)
        ws.send_frame("x" * 3000, opcode=1, fin=False)
        ws.send_frame("x" * 3000, opcode=0, fin=True)
        op, payload = ws.recv_message()
        assert json.loads(payload)["error"]["data"]["limit"] == "message_size"
        assert ws.close_code() == 1009
        # just under the limit is fine
        async with await Client.connect(srv) as c:
            text = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "server.info"})
            text = text[:-1] + ' ' * (4096 - len(text)) + '}'
            assert len(text) == 4096
            assert "result" in await c.raw(text)


def test_binary_frame_closes_with_1003():
    with Server() as srv:
        ws = RawWs(srv.port)
        ws.send_frame(b"\x00\x01", opcode=2)
        assert ws.close_code() == 1003
        ws.close()


async def test_batch_length():
    with Server(config={"limits": {"batch_length": 3}}) as srv:
        async with await Client.connect(srv) as c:
            req = {"jsonrpc": "2.0", "id": 1, "method": "heap.create", "params": {"heap": "b"}}
            resp = await c.raw(json.dumps([req] * 4))
            assert resp["error"]["code"] == -32004 and resp["error"]["data"]["limit"] == "batch_length"
            await c.error("heap.info", {"heap": "b"}, -32000)  # nothing ran
            await c.ws.send(json.dumps([req] * 3))
            resp = json.loads(await c.ws.recv())
            assert len(resp) == 3 and "result" in resp[0] and resp[1]["error"]["code"] == -32007


async def test_connections():
    with Server(config={"limits": {"connections": 2}}) as srv:
        a = await Client.connect(srv)
        b = await Client.connect(srv)
        third = RawWs(srv.port)
        assert third.status == 503, third.head  # (lws answers with HTTP/1.0, which websockets refuses)
        third.close()
        await a.close()
        await asyncio.sleep(0.2)
        c = await Client.connect(srv)
        assert (await c.call("server.info"))["connections"] == 2
        await b.close()
        await c.close()


async def test_heaps_and_quotas():
    with Server(config={"limits": {"heaps": 2, "heap_objects": 50, "heap_bytes": 1 << 20}}) as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "a"})
            await c.call("heap.create", {"heap": "b", "max_objects": 10})
            e = await c.error("heap.create", {"heap": "c"}, -32004)
            assert e["data"] == {"limit": "heaps", "max": 2}
            e = await c.error("heap.create", {"heap": "c", "max_objects": 51}, -32004)
            e = await c.error("obj.new", {"heap": "b", "type": "list",
                                          "items": [{"new": "list"} for _ in range(20)]}, -32004)
            assert e["data"]["limit"] == "heap_objects" and e["data"]["max"] == 10
            info = await c.call("heap.info", {"heap": "b"})
            assert info["objects"] == 0, info
            # bytes: a big list breaches the 1 MiB quota
            await c.call("obj.new", {"heap": "a", "type": "str", "value": "x" * 500000, "bind": "s1"})
            e = await c.error("obj.new", {"heap": "a", "type": "str", "value": "y" * 600000, "bind": "s2"}, -32004)
            assert e["data"]["limit"] == "heap_bytes"
            info = await c.call("heap.info", {"heap": "a"})
            assert info["names"] == 1
            await c.call("heap.drop", {"heap": "b"})
            await c.call("heap.create", {"heap": "c"})


async def test_subscriptions_and_snapshots():
    with Server(config={"limits": {"subscriptions": 2, "snapshots": 2}}) as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "h"})
            s1 = (await c.call("stream.subscribe", {"topics": ["heap"]}))["subscription"]
            s2 = (await c.call("stream.subscribe", {"topics": ["gc"], "heap": "h"}))["subscription"]
            assert (s1, s2) == (1, 2)
            e = await c.error("stream.subscribe", {"topics": ["event"]}, -32004)
            assert e["data"]["limit"] == "subscriptions"
            await c.call("stream.unsubscribe", {"subscription": s1})
            await c.call("stream.subscribe", {"topics": ["event"]})
            await c.error("stream.unsubscribe", {"subscription": 99}, -32602)
            p = {"heap": "h"}
            await c.call("trace.start", p)
            ids = [(await c.call("trace.snapshot", p))["snapshot"] for _ in range(3)]
            assert ids == [1, 2, 3]
            await c.error("trace.stats", {**p, "snapshot": 1, "group_by": "type"}, -32602)  # discarded
            await c.call("trace.stats", {**p, "snapshot": 2, "group_by": "type"})


async def test_reader_that_never_reads_is_closed_with_1008():
    with Server(config={"limits": {"send_queue_bytes": 65536}}) as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "big"})
            await c.call("obj.new", {"heap": "big", "type": "list", "bind": "l",
                                     "items": [{"new": "list"} for _ in range(1000)]})
        slow = RawWs(srv.port, rcvbuf=4096)
        req = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "heap.objects",
                          "params": {"heap": "big", "limit": 300}})
        slow.sock.settimeout(30)
        t0 = time.monotonic()
        try:
            for _ in range(400):
                slow.send_frame(req)
        except (BrokenPipeError, ConnectionResetError):
            pass
        # the server gives up on it: a 1008 close, seen once we finally read
        code = slow.close_code(timeout=20)
        assert code in (1008, None), code
        slow.close()
        for _ in range(50):
            metrics = http_get(srv.port, "/metrics")[2].decode()
            if "heapd_connections 0" in metrics:
                break
            await asyncio.sleep(0.1)
        assert "heapd_connections 0" in metrics
        assert "closing with 1008" in srv.log(), srv.log()
        async with await Client.connect(srv) as c:  # the server is fine
            stats = await c.call("server.stats")
            assert stats["rss_bytes"] < 200 << 20


async def test_work_bound_answers_busy():
    with Server(config={"limits": {"work_objects": 50}}) as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "w", "thresholds": [0]})
            p = {"heap": "w"}
            await c.call("obj.new", {**p, "type": "list", "bind": "l", "items": [{"new": "list"} for _ in range(60)]})
            before = await c.call("gc.get", p)
            for method, params in [("gc.collect", {}), ("gc.dry_run", {}), ("heap.objects", {}),
                                   ("obj.referrers", {"target": "l"})]:
                e = await c.error(method, {**p, **params}, -32603)
                assert e["message"].startswith("busy") and e["data"]["limit"] == "work_objects", e
            assert (await c.call("gc.get", p))["stats"] == before["stats"]  # nothing collected
            await c.call("obj.call", {**p, "target": "l", "method": "clear"})
            assert (await c.call("gc.collect", p))["unreachable"] == 0


async def test_rate_limit_refuses_and_changes_nothing():
    # rate 1/s, burst 3: a batch of 4 can never pass; 3 pass at once, then
    # the bucket holds less than one request until a second has gone by
    with Server(config={"limits": {"rate": 1, "rate_burst": 3}}) as srv:
        async with await Client.connect(srv) as c:
            create = [{"jsonrpc": "2.0", "id": i, "method": "heap.create", "params": {"heap": f"h{i}"}}
                      for i in range(4)]
            resp = await c.raw(json.dumps(create))
            assert [r["id"] for r in resp] == [0, 1, 2, 3], resp
            for r in resp:
                assert r["error"]["code"] == -32004, r
                assert r["error"]["data"] == {"limit": "rate", "max": 1, "burst": 3}, r
                assert "can never pass" in r["error"]["message"], r
            resp = await c.raw(json.dumps(create[:3]))  # the refused batch took nothing
            assert all("result" in r for r in resp), resp
            e = await c.error("heap.create", {"heap": "late"}, -32004)
            assert e["data"] == {"limit": "rate", "max": 1}
            await asyncio.sleep(1.2)
            info = await c.call("server.info")  # the connection stays usable
            assert info["limits"]["rate"] == 1 and info["limits"]["rate_burst"] == 3, info
            await asyncio.sleep(1.2)
            names = [h["heap"] for h in (await c.call("heap.list"))["heaps"]]
            assert sorted(names) == ["h0", "h1", "h2"], names  # "late" and h3 never ran
            # a refused notification gets no answer and does not run either
            await c.ws.send(json.dumps({"jsonrpc": "2.0", "method": "heap.create", "params": {"heap": "n"}}))
            await asyncio.sleep(1.2)
            await c.error("heap.info", {"heap": "n"}, -32000)
            status, _, body = http_get(srv.port, "/metrics")
            assert status == 200 and b"\nheapd_rate_limited_total 3\n" in body, body


async def test_rate_limit_off_by_default_and_reloaded_on_sighup():
    with Server(config={"limits": {}}) as srv:
        async with await Client.connect(srv) as c:
            info = await c.call("server.info")
            assert info["limits"]["rate"] == 0 and info["limits"]["rate_burst"] == 0, info
            batch = [{"jsonrpc": "2.0", "id": i, "method": "server.info"} for i in range(500)]
            assert all("result" in r for r in await c.raw(json.dumps(batch)))
            with open(srv.config_path, "w") as f:
                f.write('{"limits": {"rate": 2, "rate_burst": 2}}')
            srv.proc.send_signal(signal.SIGHUP)
            for _ in range(100):
                if "reload: limits applied" in srv.log():
                    break
                await asyncio.sleep(0.05)
            resp = await c.raw(json.dumps(batch[:3]))
            assert all(r["error"]["data"] == {"limit": "rate", "max": 2, "burst": 2} for r in resp), resp
            info = await c.call("server.info")
            assert info["limits"]["rate"] == 2 and info["limits"]["rate_burst"] == 2, info


async def test_a_script_over_a_quota():
    # inside the program a quota is what running out of memory is to
    # CPython: MemoryError (-32008), and what ran before stays done
    with Server() as srv:
        async with await Client.connect(srv) as c:
            src = "a = []\nfor i in range(100000):\n    a.append([i])\n"
            await c.call("heap.create", {"heap": "few", "max_objects": 200})
            e = await c.error("heap.exec", {"heap": "few", "source": src}, -32008)
            assert e["data"]["exc_type"] == "MemoryError" and e["data"]["line"] == 3, e
            a = await c.call("obj.get", {"heap": "few", "target": "a"})
            assert a["type"] == "list" and len(a["referents"]) > 100, a
            out = await c.call("heap.exec", {"heap": "few", "source": "del a\nprint(i > 100)\n"})
            assert out["stdout"] == "True\n", out
            # a quota too small for the program to start: -32004 names the
            # object quota (the runtime's count of refusals says which cap it
            # was; the counts afterwards cannot, the temporaries being gone)
            await c.call("heap.create", {"heap": "tiny", "max_objects": 3})
            e = await c.error("heap.exec", {"heap": "tiny", "source": "b = 1\n"}, -32004)
            assert e["data"] == {"limit": "heap_objects", "max": 3}, e
            await c.call("heap.create", {"heap": "b", "max_bytes": 1 << 20})
            await c.call("obj.new", {"heap": "b", "type": "str", "value": "x" * 500000, "bind": "s1"})
            e = await c.error("obj.new", {"heap": "b", "type": "str", "value": "y" * 600000}, -32004)
            assert e["data"] == {"limit": "heap_bytes", "max": 1 << 20}, e
