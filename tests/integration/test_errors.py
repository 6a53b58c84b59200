"""Every error code of PROTOCOL.md with its data, stale ids, and atomicity:
a failed request changes nothing and the connection stays usable."""
from harness import Client, Server, heap_client


async def test_every_error_code():
    with Server(token_file="read r-tok\n") as srv:
        async with await Client.connect(srv) as c:
            assert (await c.raw("nope"))["error"]["code"] == -32700
            assert (await c.raw('{"jsonrpc":"2.0","id":1}'))["error"]["code"] == -32600
            await c.error("no.such.method", code=-32601)
            await c.error("heap.list", code=-32001)                    # no role yet
            await c.call("session.auth", {"token": "r-tok"})
            e = await c.error("heap.create", {"heap": "x"}, -32002)    # read may not write
            assert e["data"] == {"role": "read", "required": "write"}
    with Server() as srv:
        async with await Client.connect(srv) as c:
            e = await c.error("heap.info", {"heap": "missing"}, -32000)
            assert e["data"]["heap"] == "missing"
            e = await c.error("heap.create", {"heap": "bad name!"}, -32602)
            assert e["data"]["param"] == "heap"
            await c.call("heap.create", {"heap": "h"})
            e = await c.error("heap.create", {"heap": "h"}, -32007)
            assert e["data"]["heap"] == "h"
            p = {"heap": "h"}
            e = await c.error("obj.get", {**p, "target": 12345}, -32003)
            assert e["data"]["id"] == 12345
            e = await c.error("heap.create", {"heap": "h2", "max_bytes": 1 << 40}, -32004)
            assert e["data"]["limit"] == "heap_bytes"
            await c.call("obj.new", {**p, "type": "int", "value": 1000, "bind": "n"})
            e = await c.error("obj.set", {**p, "target": "n", "key": "a", "value": 1}, -32005)
            assert e["data"]["type"] == "int"
            e = await c.error("weakref.new", {**p, "target": "n", "bind": "w"}, -32005)
            assert e["message"] == "cannot create weak reference to 'int' object"
            e = await c.error("obj.get", {**p, "target": "unbound"}, -32006)
            assert e["data"]["name"] == "unbound"
            await c.call("obj.new", {**p, "type": "dict", "bind": "d"})
            e = await c.error("obj.del", {**p, "target": "d", "key": "k"}, -32009)
            assert e["data"] == {"exc_type": "KeyError", "message": "'k'"}
            await c.call("obj.new", {**p, "type": "instance", "class": "C", "bind": "i"})
            e = await c.error("obj.del", {**p, "target": "i", "key": "nope"}, -32009)
            assert e["data"]["exc_type"] == "AttributeError"
            await c.call("obj.new", {**p, "type": "list", "bind": "l"})
            e = await c.error("obj.set", {**p, "target": "l", "key": 3, "value": 1}, -32009)
            assert e["data"]["exc_type"] == "IndexError"
            e = await c.error("heap.exec", {**p, "source": "1 / 0"}, -32008)
            assert e["data"]["exc_type"] == "ZeroDivisionError"


async def test_stale_ids_are_never_reused():
    async with heap_client("s") as c:
        p = {"heap": "s"}
        a = await c.call("obj.new", {**p, "type": "list", "bind": "a"})
        await c.call("name.del", {**p, "names": ["a"]})
        await c.error("obj.get", {**p, "target": a["id"]}, -32003)
        b = await c.call("obj.new", {**p, "type": "list", "bind": "b"})
        assert b["id"] > a["id"]
        assert b["addr"] == a["addr"]  # the block is reused, as id() is in CPython
        await c.error("obj.get", {**p, "target": a["id"]}, -32003)
        await c.error("name.bind", {**p, "name": "x", "value": {"id": a["id"]}}, -32003)


async def test_failed_requests_change_nothing():
    async with heap_client("a") as c:
        p = {"heap": "a"}
        before = await c.call("heap.info", p)
        # a nested value that fails late: nothing of it may stay
        await c.error("obj.new", {**p, "type": "list", "bind": "x",
                                  "items": [{"new": "list"}, {"new": "instance", "class": "K"}, {"name": "nope"}]},
                      -32006)
        await c.error("obj.new", {**p, "type": "dict", "items": [["k", 1], [{"new": "list"}, 2]]}, -32005)
        await c.error("obj.new", {**p, "type": "set", "items": [{"new": "dict"}]}, -32005)
        await c.error("obj.new", {**p, "type": "int", "value": 1.5}, -32602)
        await c.error("obj.new", {**p, "type": "list", "value": 3}, -32602)
        await c.error("obj.new", {**p, "type": "bytes", "value": "\u0100"}, -32602)
        await c.error("name.del", {**p, "names": ["nope"]}, -32006)
        after = await c.call("heap.info", p)
        assert (after["objects"], after["names"], after["bytes"], after["gc"]["counts"]) == \
            (before["objects"], before["names"], before["bytes"], before["gc"]["counts"])
        assert (await c.call("heap.objects", {**p, "type": "type"}))["total"] == 0  # no class K left
        # name.del is atomic: one missing name, nothing deleted
        await c.call("obj.new", {**p, "type": "list", "bind": "k1"})
        e = await c.error("name.del", {**p, "names": ["k1", "nope"]}, -32006)
        assert e["data"]["name"] == "nope"
        assert (await c.call("heap.info", p))["names"] == 1
        # and the connection is still usable
        assert (await c.call("server.info"))["name"] == "heapd"


async def test_bad_input_never_crashes():
    import json
    import random
    rnd = random.Random(7)
    values = [None, True, 0, -1, 2 ** 63 - 1, -2 ** 63, 1.5, "", "x", "a" * 300, [], {}, [1], {"a": 1},
              {"name": 1}, {"id": "x"}, {"new": "list", "items": 5}, {"new": "nope"}, {"new": "instance"},
              {"new": "dict", "items": [[1]]}, {"id": 0}, {"name": "a b"}]
    with open(__file__.replace("test_errors.py", "../../proto/methods.json")) as f:
        methods = [m["name"] for m in json.load(f)["methods"]]
    params = ["heap", "target", "value", "items", "key", "type", "names", "name", "bind", "args", "method",
              "class", "attrs", "generation", "thresholds", "debug", "topics", "snapshot", "graph", "token"]
    async with heap_client("f") as c:
        await c.call("obj.new", {"heap": "f", "type": "list", "bind": "a"})
        for _ in range(600):
            m = rnd.choice(methods)
            if m == "heap.drop":
                continue
            ps = {"heap": "f"}
            for _ in range(rnd.randint(0, 3)):
                ps[rnd.choice(params)] = rnd.choice(values)
            resp = await c.request(m, ps)
            assert "result" in resp or resp["error"]["code"] != -32603, (m, ps, resp)
        assert (await c.call("server.info"))["name"] == "heapd"
