"""The seed examples as method calls, with the expected figures produced by
running the same program in Debian's python3 (3.11) at test time."""
import subprocess

from harness import heap_client


def python(program):
    out = subprocess.run(["/usr/bin/python3", "-c", program], capture_output=True, text=True, check=True)
    return out.stdout.split()


async def test_reference_counts_2_3_2():
    expected = python("import sys\na = []\nprint(sys.getrefcount(a))\nb = a\nprint(sys.getrefcount(a))\n"
                      "del b\nprint(sys.getrefcount(a))\n")
    assert expected == ["2", "3", "2"]
    async with heap_client("s") as c:
        p = {"heap": "s"}
        got = [(await c.call("obj.new", {**p, "type": "list", "bind": "a"}))["refcount"] + 1]
        got.append((await c.call("name.bind", {**p, "name": "b", "value": {"name": "a"}}))["refcount"] + 1)
        await c.call("name.del", {**p, "names": ["b"]})
        got.append((await c.call("obj.get", {**p, "target": "a"}))["refcount"] + 1)
        assert [str(x) for x in got] == expected


async def test_self_referencing_instance_collected_as_1():
    expected = python("import gc\ngc.collect()\nclass Node: pass\nn = Node()\nn.me = n\ndel n\n"
                      "print(gc.collect())\n")
    async with heap_client("s") as c:
        p = {"heap": "s"}
        await c.call("obj.new", {**p, "type": "instance", "class": "Node", "bind": "n"})
        await c.call("obj.set", {**p, "target": "n", "key": "me", "value": {"name": "n"}})
        await c.call("name.del", {**p, "names": ["n"]})
        r = await c.call("gc.collect", p)
        assert [str(r["unreachable"])] == expected == ["1"]


async def test_two_node_cycle_collected_as_2():
    expected = python("import gc\ngc.collect()\nclass Node: pass\na = Node()\nb = Node()\na.other = b\n"
                      "b.other = a\ndel a, b\nprint(gc.collect())\n")
    async with heap_client("s") as c:
        p = {"heap": "s"}
        await c.call("obj.new", {**p, "type": "instance", "class": "Node", "bind": "a"})
        await c.call("obj.new", {**p, "type": "instance", "class": "Node", "bind": "b",
                                 "attrs": {"other": {"name": "a"}}})
        await c.call("obj.set", {**p, "target": "a", "key": "other", "value": {"name": "b"}})
        await c.call("name.del", {**p, "names": ["a", "b"]})
        dry = await c.call("gc.dry_run", p)
        r = await c.call("gc.collect", p)
        assert [str(r["unreachable"])] == expected == ["2"] and len(dry["unreachable"]) == 2


async def test_weakref_alive_then_dead():
    expected = python("import weakref\nclass Node: pass\nn = Node()\nr = weakref.ref(n)\n"
                      "print(r() is not None)\ndel n\nprint(r() is None)\n")
    async with heap_client("s") as c:
        p = {"heap": "s"}
        await c.call("obj.new", {**p, "type": "instance", "class": "Node", "bind": "n"})
        await c.call("weakref.new", {**p, "target": "n", "bind": "r"})
        alive = (await c.call("weakref.get", {**p, "target": "r"}))["alive"]
        await c.call("name.del", {**p, "names": ["n"]})
        dead = (await c.call("weakref.get", {**p, "target": "r"}))["referent"] is None
        assert [str(alive), str(dead)] == expected == ["True", "True"]


async def test_sizes_match_sys_getsizeof():
    values = python("import sys\na = 1\nprint(sys.getsizeof([1, 2, 3]), sys.getsizeof({'a': 1}), sys.getsizeof('hello'),"
                    " sys.getsizeof((1, 2)), sys.getsizeof([a, a, a]), sys.getsizeof(1.5), sys.getsizeof(b'abc'))")
    async with heap_client("s") as c:
        p = {"heap": "s"}
        specs = [{"type": "list", "items": [1, 2, 3]}, {"type": "dict", "items": [["a", 1]]},
                 {"type": "str", "value": "hello"}, {"type": "tuple", "items": [1, 2]},
                 {"type": "list", "items": [{"name": "a"}] * 3}, {"type": "float", "value": 1.5},
                 {"type": "bytes", "value": "abc"}]
        await c.call("obj.new", {**p, "type": "int", "value": 1, "bind": "a"})
        got = []
        for i, s in enumerate(specs):
            got.append((await c.call("obj.new", {**p, **s, "bind": f"v{i}"}))["size"])
        assert [str(x) for x in got] == values, (got, values)
