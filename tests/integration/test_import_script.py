"""heap.import of a graph holding the script language's objects: export
describes them, import refuses them with an error naming the first one's
type, and creates nothing."""
from harness import Client, Server


async def test_import_refuses_script_objects_by_type():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "src"})
            src = ("def f():\n    return 1\n"
                   "it = iter(range(3))\n"
                   "data = [1, 'two', (3.0,)]\n")
            await c.call("heap.exec", {"heap": "src", "source": src})
            graph = await c.call("heap.export", {"heap": "src"})
            types = [o["type"] for o in graph["objects"]]
            assert "function" in types and "code" in types and "range_iterator" in types, types
            e = await c.error("heap.import", {"heap": "dst", "graph": graph}, -32602)
            assert e["data"]["param"] == "graph"
            importable = {"NoneType", "bool", "int", "float", "str", "bytes", "tuple", "list",
                          "dict", "set", "object", "instance", "weakref", "type"}
            first = next(i for i, t in enumerate(types) if t not in importable)
            detail = e["data"]["detail"]
            assert detail.startswith(f"objects[{first}]: a {types[first]} cannot be imported"), detail
            await c.error("heap.info", {"heap": "dst"}, -32000)
            # the plain objects alone still round-trip
            keep = {o["id"] for o in graph["objects"]
                    if o["type"] in ("list", "str", "int", "tuple", "float")}
            plain = {**graph,
                     "objects": [o for o in graph["objects"] if o["id"] in keep],
                     "names": {k: v for k, v in graph["names"].items() if v in keep}}
            info = await c.call("heap.import", {"heap": "dst", "graph": plain})
            assert info["names"] == 1
            got = await c.call("obj.get", {"heap": "dst", "target": "data"})
            assert got["repr"] == "[1, 'two', (3.0,)]"
