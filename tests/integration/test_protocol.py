"""JSON-RPC 2.0 exactly: requests, notifications, batches, ids, parse errors."""
import json

from harness import Client, Server, check_response, check_schema, heap_client


async def test_request_and_id_echo():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            for rid in ["17", '"abc"', "null", "1E2", "123456789012345678901234567890", "-0", "1.50"]:
                text = '{"jsonrpc":"2.0","id":%s,"method":"server.info"}' % rid
                await c.ws.send(text)
                raw = await c.ws.recv()
                assert raw.startswith('{"jsonrpc":"2.0","id":%s,' % rid), (rid, raw)
                check_response("server.info", json.loads(raw))


async def test_notification_gets_no_response():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            await c.ws.send('{"jsonrpc":"2.0","method":"heap.create","params":{"heap":"n1"}}')
            await c.ws.send('{"jsonrpc":"2.0","method":"no.such.method"}')
            # the next response is the one for this request: nothing came before it
            info = await c.call("heap.info", {"heap": "n1"})
            assert info["heap"] == "n1"


async def test_batch_in_order_with_notifications_omitted():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            batch = [
                {"jsonrpc": "2.0", "id": 1, "method": "heap.create", "params": {"heap": "b"}},
                {"jsonrpc": "2.0", "method": "obj.new", "params": {"heap": "b", "type": "list", "bind": "x"}},
                {"jsonrpc": "2.0", "id": "two", "method": "obj.get", "params": {"heap": "b", "target": "x"}},
                {"jsonrpc": "2.0", "id": 3, "method": "no.such"},
                {"jsonrpc": "2.0", "id": 4, "method": "heap.names", "params": {"heap": "b"}},
            ]
            await c.ws.send(json.dumps(batch))
            resp = json.loads(await c.ws.recv())
            assert isinstance(resp, list) and [r["id"] for r in resp] == [1, "two", 3, 4]
            check_response("heap.create", resp[0])
            check_response("obj.get", resp[1])
            assert resp[1]["result"]["type"] == "list"
            assert resp[2]["error"]["code"] == -32601
            check_response("heap.names", resp[3])
            assert [n["name"] for n in resp[3]["result"]["names"]] == ["x"]


async def test_batch_of_notifications_and_empty_batch():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            await c.ws.send(json.dumps([{"jsonrpc": "2.0", "method": "server.info"}] * 3))
            resp = await c.raw("[]")
            assert isinstance(resp, dict) and resp["id"] is None
            assert resp["error"]["code"] == -32600
            check_schema("defs.json#/$defs/error", resp["error"])


async def test_parse_errors_and_invalid_requests():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            for text in ["{bad", '{"a":1}{"b":2}', '{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":1,"a":2}}']:
                resp = await c.raw(text)
                assert resp["id"] is None and resp["error"]["code"] == -32700, resp
                assert resp["error"]["data"]["reason"], resp
                check_schema("defs.json#/$defs/error", resp["error"])
            for text, code in [('{"jsonrpc":"1.0","id":5,"method":"server.info"}', -32600),
                               ('{"id":5,"method":"server.info"}', -32600),
                               ('{"jsonrpc":"2.0","id":5,"method":"server.info","params":[1]}', -32602),
                               ('{"jsonrpc":"2.0","id":5,"method":"server.info","params":3}', -32600),
                               ('{"jsonrpc":"2.0","id":5,"method":"server.info","extra":1}', -32600),
                               ('{"jsonrpc":"2.0","id":[1],"method":"server.info"}', -32600),
                               ('7', -32600)]:
                resp = await c.raw(text)
                assert resp["error"]["code"] == code, (text, resp)
                check_schema("defs.json#/$defs/error", resp["error"])
            # the session is still usable
            assert (await c.call("server.info"))["name"] == "heapd"


async def test_invalid_utf8_is_a_parse_error():
    with Server() as srv:
        from harness import RawWs
        ws = RawWs(srv.port)
        assert ws.status == 101
        ws.send_frame(b'{"jsonrpc":"2.0","id":1,"method":"\xff"}')
        op, payload = ws.recv_message()
        resp = json.loads(payload)
        assert resp["error"]["code"] == -32700 and resp["id"] is None
        ws.close()


async def test_client_without_subprotocol_is_served():
    with Server() as srv:
        async with await Client.connect(srv, subprotocols=()) as c:
            assert (await c.call("server.info"))["protocol"] == 1


async def test_unknown_param():
    async with heap_client("h") as c:
        e = await c.error("heap.info", {"heap": "h", "bogus": 1}, -32602)
        assert e["data"]["param"] == "bogus"
        e = await c.error("heap.exec", {"heap": "h", "source": "x = 1", "bogus": 1}, -32602)
        assert e["data"]["param"] == "bogus"


async def test_obj_new_result_text_is_the_summary_dump():
    """obj.new with bind writes its summary straight as text
    (daemon/server/values.c, hd_summary_text) where heap.objects dumps a
    jansson tree of the same summary: byte for byte the same text, escapes,
    member order and optional members (class, generation) included."""
    specs = [
        {"type": "int", "value": 123456789012},
        {"type": "float", "value": -2.5},
        {"type": "str", "value": "h\u00e9llo \"q\" \\ \n\t\x01 \u20ac \U0001F600"},
        {"type": "bytes", "value": "YWJj"},
        {"type": "tuple", "items": [1, "a"]},
        {"type": "list", "items": [1, {"new": "dict", "items": []}]},
        {"type": "dict", "items": [["k", 1]]},
        {"type": "set", "items": [3]},
        {"type": "instance", "class": "Node"},
        {"type": "instance", "class": "Fin", "finalizer": True, "attrs": {"x": 1}},
        {"type": "str", "value": "x" * 300},
    ]
    async with heap_client("t") as c:
        results = []
        for i, spec in enumerate(specs):
            rid = 1000 + i
            await c.ws.send(json.dumps({"jsonrpc": "2.0", "id": rid, "method": "obj.new",
                                        "params": dict(spec, heap="t", bind=f"n{i}")}))
            raw = await c.ws.recv()
            check_response("obj.new", json.loads(raw))
            head = '{"jsonrpc":"2.0","id":%d,"result":' % rid
            assert raw.startswith(head) and raw.endswith("}"), raw
            results.append(raw[len(head):-1])
        assert '"class":"Fin"' in results[9] and '"generation":' in results[5], results
        await c.ws.send('{"jsonrpc":"2.0","id":1,"method":"heap.objects","params":{"heap":"t"}}')
        listing = await c.ws.recv()
        check_response("heap.objects", json.loads(listing))
        for r in results:
            assert r in listing, (r, listing)
