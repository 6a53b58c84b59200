"""Every method of the protocol, each result checked against its schema."""
import json
import os

from harness import PROTO_DIR, Client, RpcError, Server, heap_client


async def test_every_method_has_a_handler_schema_and_reference():
    """Every method of methods.json is dispatched, has a schema file and a
    reference section."""
    with open(os.path.join(PROTO_DIR, "methods.json")) as f:
        methods = [m["name"] for m in json.load(f)["methods"]]
    with open(os.path.join(PROTO_DIR, "README.md")) as f:
        readme = f.read()
    with Server() as srv:
        async with await Client.connect(srv) as c:
            for m in methods:
                assert os.path.exists(os.path.join(PROTO_DIR, "schema", "methods", m + ".json")), m
                assert f"### `{m}`" in readme, m
                resp = await c.request(m, {})
                if "error" in resp:
                    assert resp["error"]["code"] != -32601, (m, resp)


async def test_server_and_session_methods():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            info = await c.call("server.info")
            assert info["name"] == "heapd" and info["protocol"] == 1 and info["role"] == "admin"
            assert info["limits"]["message_size"] == 1 << 20 and info["limits"]["batch_length"] == 1000
            stats = await c.call("server.stats")
            assert stats["connections"] == 1 and stats["heaps"] == 0 and stats["rss_bytes"] > 0
            assert (await c.call("session.auth", {"token": "anything"}))["role"] == "admin"


async def test_heap_methods():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            info = await c.call("heap.create", {"heap": "h2", "gc_enabled": False, "thresholds": [100],
                                                "max_bytes": 1 << 24, "max_objects": 1000})
            assert info["gc"]["enabled"] is False and info["gc"]["thresholds"] == [100, 10, 10]
            assert info["max_objects"] == 1000
            await c.call("heap.create", {"heap": "h1"})
            assert [h["heap"] for h in (await c.call("heap.list"))["heaps"]] == ["h1", "h2"]
            await c.call("obj.new", {"heap": "h1", "type": "list", "items": [1, "a"], "bind": "x"})
            await c.call("obj.new", {"heap": "h1", "type": "instance", "class": "Node", "bind": "n"})
            info = await c.call("heap.info", {"heap": "h1"})
            assert info["names"] == 2 and info["objects"] >= 3
            names = (await c.call("heap.names", {"heap": "h1"}))["names"]
            assert [n["name"] for n in names] == ["n", "x"]
            objs = await c.call("heap.objects", {"heap": "h1"})
            ids = [o["id"] for o in objs["objects"]]
            assert ids == sorted(ids) and objs["total"] == len(ids)
            lists = await c.call("heap.objects", {"heap": "h1", "type": "list"})
            assert any(o["repr"] == "[1, 'a']" for o in lists["objects"])
            assert all(o["type"] == "list" for o in lists["objects"])
            only = await c.call("heap.objects", {"heap": "h1", "type": "Node"})
            assert only["total"] == 1 and only["objects"][0]["class"] == "Node"
            page = await c.call("heap.objects", {"heap": "h1", "offset": 1, "limit": 1})
            assert len(page["objects"]) == 1 and page["objects"][0]["id"] == ids[1]
            assert await c.call("heap.drop", {"heap": "h2"}) == {}
            await c.error("heap.info", {"heap": "h2"}, -32000)


async def test_export_and_import_round_trip():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "src", "thresholds": [500, 5, 5]})
            p = {"heap": "src"}
            await c.call("obj.new", {**p, "type": "list", "items": [1, 2.5, "s", {"new": "bytes", "value": "\u00ff"}], "bind": "a"})
            await c.call("obj.new", {**p, "type": "dict", "items": [["k", {"name": "a"}]], "bind": "d"})
            await c.call("obj.new", {**p, "type": "instance", "class": "Node", "attrs": {"me": None}, "bind": "n"})
            await c.call("obj.set", {**p, "target": "n", "key": "me", "value": {"name": "n"}})
            await c.call("obj.new", {**p, "type": "int", "value": 2 ** 62, "bind": "big"})
            await c.call("obj.new", {**p, "type": "tuple", "items": [{"name": "a"}, None], "bind": "t"})
            await c.call("weakref.new", {**p, "target": "n", "bind": "w"})
            graph = await c.call("heap.export", p)
            assert graph["format"] == "heapd-graph/1" and set(graph["names"]) == {"a", "d", "n", "big", "t", "w"}
            info = await c.call("heap.import", {"heap": "dst", "graph": graph})
            src = await c.call("heap.info", p)
            assert (info["objects"], info["bytes"]) == (src["objects"], src["bytes"]), (info, src)
            assert info["gc"]["thresholds"] == [500, 5, 5]
            a = await c.call("obj.get", {"heap": "dst", "target": "a"})
            assert a["repr"] == "[1, 2.5, 's', b'\\xff']"
            n = await c.call("obj.get", {"heap": "dst", "target": "n"})
            assert n["refcount"] == 2 and n["weakrefs"] == 1
            again = await c.call("heap.export", {"heap": "dst"})
            assert sorted(o["type"] for o in again["objects"]) == sorted(o["type"] for o in graph["objects"])
            # a dead weakref survives the round trip dead
            await c.call("obj.new", {**p, "type": "instance", "class": "Gone", "bind": "g"})
            await c.call("weakref.new", {**p, "target": "g", "bind": "wg", "callback": True})
            await c.call("name.del", {**p, "names": ["g"]})
            graph2 = await c.call("heap.export", p)
            info2 = await c.call("heap.import", {"heap": "dst2", "graph": graph2})
            assert (await c.call("weakref.get", {"heap": "dst2", "target": "wg"})) == {"alive": False, "referent": None}
            assert info2["names"] == 7
            # an inconsistent graph creates nothing
            bad = json.loads(json.dumps(graph))
            bad["objects"][0]["refs"] = [999999]
            bad["objects"][0]["type"] = "list"
            e = await c.error("heap.import", {"heap": "bad", "graph": bad}, -32602)
            assert e["data"]["param"] == "graph"
            await c.error("heap.info", {"heap": "bad"}, -32000)
            await c.error("heap.import", {"heap": "x", "graph": {"format": "nope"}}, -32602)


async def test_negative_thresholds():
    # gc.set_threshold takes any C int and stores it as given (CPython 3.11's
    # 'i' format); a negative threshold0 collects at every GC allocation
    with Server() as srv:
        async with await Client.connect(srv) as c:
            low = -2 ** 31
            info = await c.call("heap.create", {"heap": "n", "thresholds": [-5, -1, low]})
            assert info["gc"]["thresholds"] == [-5, -1, low]
            p = {"heap": "n"}
            runs = sum(s["collections"] for s in (await c.call("gc.get", p))["stats"])
            await c.call("obj.new", {**p, "type": "list", "bind": "a"})
            await c.call("obj.new", {**p, "type": "list", "bind": "b"})
            after = sum(s["collections"] for s in (await c.call("gc.get", p))["stats"])
            assert after == runs + 2, (runs, after)
            graph = await c.call("heap.export", p)
            assert graph["gc"]["thresholds"] == [-5, -1, low]
            info = await c.call("heap.import", {"heap": "n2", "graph": graph})
            assert info["gc"]["thresholds"] == [-5, -1, low]
            s = await c.call("gc.set", {**p, "thresholds": [2 ** 31 - 1, low]})
            assert s["thresholds"] == [2 ** 31 - 1, low, low]
            for bad in ([low - 1], [2 ** 31], [0, 1, low - 1]):
                e = await c.error("gc.set", {**p, "thresholds": bad}, -32602)
                assert e["data"]["param"] == "thresholds"
                await c.error("heap.create", {"heap": "n3", "thresholds": bad}, -32602)
            graph["gc"]["thresholds"] = [0, 0, low - 1]
            e = await c.error("heap.import", {"heap": "n4", "graph": graph}, -32602)
            assert e["data"]["param"] == "graph"
            assert (await c.call("gc.get", p))["thresholds"] == [2 ** 31 - 1, low, low]


async def test_object_methods():
    async with heap_client("o") as c:
        p = {"heap": "o"}
        s = await c.call("obj.new", {**p, "type": "list", "items": [1, 2], "bind": "l", "site": "t.py:1"})
        assert s["type"] == "list" and s["refcount"] == 1 and s["repr"] == "[1, 2]"
        freed = await c.call("obj.new", {**p, "type": "str", "value": "temporary value"})
        assert freed["freed"] is True and freed["refcount"] == 0
        await c.error("obj.get", p | {"target": freed["id"]}, -32003)
        shared = await c.call("obj.new", {**p, "type": "int", "value": 5})
        assert "freed" not in shared
        b = await c.call("name.bind", {**p, "name": "m", "value": {"name": "l"}})
        assert b["id"] == s["id"] and b["refcount"] == 2
        got = await c.call("obj.get", {**p, "target": "l"})
        # CPython's list traverse visits items last to first: gc.get_referents([1, 2]) == [2, 1]
        assert [r["repr"] for r in got["referents"]] == ["2", "1"] and got["finalized"] is False
        assert got["generation"] == 0
        await c.call("obj.new", {**p, "type": "dict", "items": [["k", 1]], "bind": "d"})
        await c.call("obj.set", {**p, "target": "d", "key": "j", "value": {"new": "list"}})
        await c.call("obj.set", {**p, "target": "l", "key": -1, "value": "z"})
        await c.call("obj.new", {**p, "type": "instance", "class": "C", "bind": "i"})
        await c.call("obj.set", {**p, "target": "i", "key": "attr", "value": {"name": "d"}})
        refs = await c.call("obj.referents", {**p, "target": "i"})
        assert any(o["type"] == "dict" for o in refs["objects"])
        referrers = await c.call("obj.referrers", {**p, "target": "d"})
        assert any(o["type"] == "instance" for o in referrers["objects"])
        assert await c.call("obj.del", {**p, "target": "i", "key": "attr"}) == {}
        assert await c.call("obj.del", {**p, "target": "d", "key": "k"}) == {}
        assert await c.call("obj.del", {**p, "target": "l", "key": 0}) == {}
        assert (await c.call("obj.get", {**p, "target": "l"}))["repr"] == "['z']"
        assert await c.call("name.del", {**p, "names": ["m"]}) == {}
        w = await c.call("weakref.new", {**p, "target": "i", "bind": "w", "callback": True})
        assert w["type"] == "weakref"
        alive = await c.call("weakref.get", {**p, "target": "w"})
        assert alive["alive"] is True and alive["referent"]["class"] == "C"
        await c.call("name.del", {**p, "names": ["i"]})
        assert (await c.call("weakref.get", {**p, "target": "w"})) == {"alive": False, "referent": None}


async def test_obj_call_methods():
    async with heap_client("c") as c:
        p = {"heap": "c"}
        await c.call("obj.new", {**p, "type": "list", "bind": "l"})

        async def call(target, method, args=(), bind=None):
            params = {**p, "target": target, "method": method, "args": list(args)}
            if bind:
                params["bind"] = bind
            return (await c.call("obj.call", params))["result"]

        assert await call("l", "append", [1]) is None
        assert await call("l", "extend", [{"new": "tuple", "items": [2, 3]}]) is None
        assert await call("l", "insert", [0, "first"]) is None
        assert (await call("l", "index", [2]))["repr"] == "2"
        assert (await call("l", "pop"))["repr"] == "3"
        assert (await call("l", "pop", [0], bind="popped"))["repr"] == "'first'"
        assert await call("l", "remove", [1]) is None
        assert (await c.call("obj.get", {**p, "target": "l"}))["repr"] == "[2]"
        assert await call("l", "clear") is None
        await c.call("obj.new", {**p, "type": "dict", "items": [["a", 1]], "bind": "d"})
        assert (await call("d", "get", ["a"]))["repr"] == "1"
        assert await call("d", "get", ["zz"]) is None
        assert (await call("d", "setdefault", ["b", 2]))["repr"] == "2"
        assert await call("d", "update", [{"new": "dict", "items": [["c", 3]]}]) is None
        assert (await call("d", "keys"))["repr"] == "['a', 'b', 'c']"
        assert (await call("d", "pop", ["a"]))["repr"] == "1"
        assert (await call("d", "pop", ["a", "dflt"]))["repr"] == "'dflt'"
        assert await call("d", "clear") is None
        await c.call("obj.new", {**p, "type": "set", "items": [1], "bind": "s"})
        assert await call("s", "add", [2]) is None
        assert await call("s", "discard", [1]) is None
        assert (await call("s", "pop"))["repr"] == "2"
        assert await call("s", "clear") is None
        # errors
        e = await c.error("obj.call", {**p, "target": "s", "method": "pop"}, -32009)
        assert e["data"]["exc_type"] == "KeyError"
        e = await c.error("obj.call", {**p, "target": "l", "method": "pop"}, -32009)
        assert e["data"] == {"exc_type": "IndexError", "message": "pop from empty list"}
        e = await c.error("obj.call", {**p, "target": "l", "method": "remove", "args": [9]}, -32602)
        assert "not in list" in e["data"]["detail"]
        await c.error("obj.call", {**p, "target": "l", "method": "append"}, -32602)
        e = await c.error("obj.call", {**p, "target": "s", "method": "append", "args": [1]}, -32005)
        assert e["data"]["type"] == "set"
        await c.error("obj.call", {**p, "target": "s", "method": "add", "args": [{"new": "list"}]}, -32005)
        assert (await c.call("obj.get", {**p, "target": "s"}))["repr"] == "set()"


async def test_gc_methods():
    async with heap_client("g") as c:
        p = {"heap": "g"}
        await c.call("obj.new", {**p, "type": "list", "bind": "a"})
        await c.call("obj.call", {**p, "target": "a", "method": "append", "args": [{"name": "a"}]})
        await c.call("name.del", {**p, "names": ["a"]})
        dry = await c.call("gc.dry_run", p)
        assert len(dry["unreachable"]) == 1 and dry["collected"] == 1
        before = await c.call("gc.get", p)
        assert before["counts"] == (await c.call("gc.get", p))["counts"]
        r = await c.call("gc.collect", {**p, "generation": 2})
        assert r["unreachable"] == 1 and r["collected"] == 1
        s = await c.call("gc.set", {**p, "enabled": False, "thresholds": [5, 6], "debug": ["saveall", "stats"]})
        assert s["enabled"] is False and s["thresholds"] == [5, 6, 10] and set(s["debug"]) == {"saveall", "stats"}
        await c.call("obj.new", {**p, "type": "list", "bind": "b"})
        await c.call("obj.call", {**p, "target": "b", "method": "append", "args": [{"name": "b"}]})
        await c.call("name.del", {**p, "names": ["b"]})
        await c.call("gc.collect", p)
        garbage = await c.call("gc.garbage", p)
        assert len(garbage["objects"]) == 1
        assert (await c.call("gc.get", p))["garbage"] == 1
        assert await c.call("gc.garbage_clear", p) == {}
        assert (await c.call("gc.garbage", p))["objects"] == []
        await c.call("obj.new", {**p, "type": "list", "bind": "keep"})
        assert (await c.call("gc.freeze", p))["frozen"] >= 1
        assert (await c.call("obj.get", {**p, "target": "keep"}))["generation"] == 3
        assert (await c.call("gc.unfreeze", p))["frozen"] == 0


async def test_alloc_and_trace_methods():
    async with heap_client("t") as c:
        p = {"heap": "t"}
        st = await c.call("trace.start", p)
        assert st["tracing"] is True
        await c.call("obj.new", {**p, "type": "list", "items": list(range(300, 320)), "bind": "a", "site": "app.py:3"})
        s1 = (await c.call("trace.snapshot", p))["snapshot"]
        await c.call("obj.new", {**p, "type": "str", "value": "x" * 100, "bind": "b", "site": "app.py:4"})
        s2 = (await c.call("trace.snapshot", p))["snapshot"]
        assert s2 == s1 + 1
        stats = (await c.call("trace.stats", {**p, "snapshot": s2, "group_by": "site"}))["stats"]
        assert any(x["key"] == "app.py:3" and x["count"] >= 21 for x in stats), stats
        by_type = (await c.call("trace.stats", {**p, "snapshot": s2, "group_by": "type", "limit": 2}))["stats"]
        assert len(by_type) <= 2
        diff = (await c.call("trace.compare", {**p, "snapshot": s2, "base": s1, "group_by": "site"}))["stats"]
        assert diff[0]["key"] == "app.py:4" and diff[0]["count_diff"] == 1
        status = await c.call("trace.status", p)
        assert status["current"] > 0 and status["peak"] >= status["current"]
        await c.call("trace.reset_peak", p)
        assert (await c.call("trace.stop", p))["tracing"] is False
        await c.error("trace.snapshot", p, -32602)
        await c.error("trace.stats", {**p, "snapshot": 99, "group_by": "site"}, -32602)
        a = await c.call("alloc.stats", p)
        assert len(a["size_classes"]) == 32 and a["arenas"]["current"] >= 1
        m = await c.call("alloc.map", p)
        assert m["total"] == a["arenas"]["current"] and len(m["arenas"][0]["pools"]) > 0
