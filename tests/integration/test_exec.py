"""heap.exec: programs in the heap script language against a server's heap,
with results, script errors, budgets and roles checked against the schemas."""
import asyncio

from harness import Client, Server, heap_client

TOKENS = "write w-token-456\nadmin a-token-789\n"


async def test_exec_binds_names_and_prints():
    async with heap_client("h") as c:
        src = "import sys\nx = []\ny = x\nprint(sys.getrefcount(x))\nclass Node:\n    pass\nn = Node()\n"
        r = await c.call("heap.exec", {"heap": "h", "source": src})
        assert r["stdout"] == "3\n"
        names = [n["name"] for n in (await c.call("heap.names", {"heap": "h"}))["names"]]
        assert {"x", "y", "n", "Node", "sys"} <= set(names), names
        got = await c.call("obj.get", {"heap": "h", "target": "n"})
        assert got["class"] == "Node" and got["type"] == "instance", got
        # the names stay bound for the next program, and objects made by
        # other methods are seen by programs
        await c.call("obj.new", {"heap": "h", "type": "list", "items": [1, 2], "bind": "made"})
        r = await c.call("heap.exec", {"heap": "h", "source": "print(len(made), x is y, type(n).__name__)\n"})
        assert r["stdout"] == "2 True Node\n"


async def test_exec_cycle_collected_by_gc_collect():
    async with heap_client("h") as c:
        src = ("import gc\ngc.collect()\nclass A:\n    pass\na = A()\nb = A()\na.b = b\nb.a = a\n"
               "del a, b\nprint(gc.collect())\n")
        assert (await c.call("heap.exec", {"heap": "h", "source": src}))["stdout"] == "2\n"


async def test_inspector_shows_a_class_as_python3_traverses_it():
    # obj.referents of a class is gc.get_referents's: dict, MRO, bases, base
    import subprocess
    src = "class A:\n    x = 1\nclass B(A):\n    pass\n"
    probe = "import gc\nprint([type(x).__name__ for x in gc.get_referents(B)])\n"
    want = subprocess.run(["/usr/bin/python3", "-c", src + probe], capture_output=True, text=True,
                          check=True).stdout
    async with heap_client("h") as c:
        await c.call("heap.exec", {"heap": "h", "source": src})
        refs = (await c.call("obj.referents", {"heap": "h", "target": "B"}))["objects"]
        assert str([r["type"] for r in refs]) + "\n" == want, (refs, want)
        a = await c.call("obj.get", {"heap": "h", "target": "A"})
        assert refs[3]["id"] == a["id"] and refs[1]["repr"].startswith("(<class"), refs
        got = await c.call("heap.exec", {"heap": "h", "source": probe})
        assert got["stdout"] == want, got


async def test_exec_script_error_keeps_what_ran():
    async with heap_client("h") as c:
        err = await c.error("heap.exec", {"heap": "h", "source": "x = 1\nprint('before')\nprint(z)\n"},
                            -32008)
        d = err["data"]
        assert d["exc_type"] == "NameError" and d["message"] == "name 'z' is not defined", d
        assert d["line"] == 3 and d["col"] >= 1 and d["stdout"] == "before\n", d
        assert err["message"] == "NameError: name 'z' is not defined"
        r = await c.call("heap.exec", {"heap": "h", "source": "print(x)\n"})
        assert r["stdout"] == "1\n"
        err = await c.error("heap.exec", {"heap": "h", "source": "def f(:\n"}, -32008)
        assert err["data"]["exc_type"] == "SyntaxError", err


async def test_exec_budgets():
    config = {"limits": {"script_steps": 100000, "script_source": 1000}}
    async with heap_client("h", config=config) as c:
        err = await c.error("heap.exec", {"heap": "h", "source": "while True:\n    pass\n"}, -32004)
        assert err["data"]["limit"] == "script_steps" and err["data"]["max"] == 100000, err
        err = await c.error("heap.exec", {"heap": "h", "source": "x = 1\n" * 400}, -32004)
        assert err["data"]["limit"] == "script_source", err
        # deep recursion is a RecursionError, not a crash
        err = await c.error("heap.exec", {"heap": "h", "source": "def f(n):\n    return f(n + 1)\nf(0)\n"},
                            -32008)
        assert err["data"]["exc_type"] == "RecursionError", err
        # the server still answers
        assert (await c.call("heap.exec", {"heap": "h", "source": "print(1)\n"}))["stdout"] == "1\n"


async def test_exec_time_budget():
    async with heap_client("h", config={"limits": {"script_time": 200}}) as c:
        err = await c.error("heap.exec", {"heap": "h", "source": "while True:\n    x = [1]\n"}, -32004)
        assert err["data"]["limit"] == "script_time" and err["data"]["max"] == 200, err


async def test_exec_write_role_may_not_configure_the_collector():
    with Server(token_file=TOKENS) as srv:
        w = await Client.connect(srv, headers={"Authorization": "Bearer w-token-456"})
        a = await Client.connect(srv, headers={"Authorization": "Bearer a-token-789"})
        async with w, a:
            await w.call("heap.create", {"heap": "h"})
            r = await w.call("heap.exec", {"heap": "h", "source": "import gc\nprint(gc.get_threshold())\n"})
            assert r["stdout"] == "(700, 10, 10)\n"
            err = await w.error("heap.exec", {"heap": "h", "source": "import gc\nx = 5\ngc.disable()\n"}, -32002)
            assert err["data"]["role"] == "write" and err["data"]["required"] == "admin", err
            assert (await w.call("heap.exec", {"heap": "h", "source": "print(x)\n"}))["stdout"] == "5\n"
            r = await a.call("heap.exec", {"heap": "h", "source": "import gc\ngc.set_threshold(500)\nprint(gc.get_threshold())\n"})
            assert r["stdout"] == "(500, 10, 10)\n"


async def test_exec_sites_name_the_program():
    async with heap_client("h") as c:
        await c.call("trace.start", {"heap": "h"})
        src = "a = 1\nbig = [[i] for i in range(50)]\n"
        await c.call("heap.exec", {"heap": "h", "source": src, "site": "prog.py"})
        s = (await c.call("trace.snapshot", {"heap": "h"}))["snapshot"]
        stats = (await c.call("trace.stats", {"heap": "h", "snapshot": s, "group_by": "site"}))["stats"]
        line2 = [x for x in stats if x["key"] == "prog.py:2"]
        assert line2 and line2[0]["count"] >= 100, stats
        err = await c.error("heap.exec", {"heap": "h", "source": "print(q)\n", "site": "prog.py"}, -32008)
        assert err["data"]["line"] == 1
        r = await c.call("heap.exec", {"heap": "h", "source": "import tracemalloc\nprint(tracemalloc.is_tracing())\n"})
        assert r["stdout"] == "True\n"


async def test_exec_other_clients_are_served_between_programs():
    with Server(config={"limits": {"script_steps": 2000000}}) as srv:
        async with await Client.connect(srv) as c1, await Client.connect(srv) as c2:
            await c1.call("heap.create", {"heap": "h"})
            slow = asyncio.ensure_future(c1.error("heap.exec", {"heap": "h", "source": "while True:\n    pass\n"}, -32004))
            info = await c2.call("server.info")
            assert info["name"] == "heapd"
            await slow


STDERR_PROGRAM = """import gc
gc.set_debug(gc.DEBUG_STATS | gc.DEBUG_COLLECTABLE)
class A:
    pass
a = A()
a.self = a
del a
print("collected", gc.collect())
gc.set_debug(0)
class D:
    def __del__(self):
        1 / 0
d = D()
del d
print("end")
"""


def stderr_facts(text):
    """The lines of a stderr that do not depend on the interpreter around the
    program: what was collected, each collection's result (elapsed time
    blanked), and each ignored exception with its last line (heapd's heaps
    hold no interpreter objects, and its tracebacks quote no source)."""
    import re
    keep = []
    for line in text.splitlines():
        line = re.sub(r"0x[0-9a-f]+", "0x", re.sub(r"[0-9.]+s elapsed", "s elapsed", line))
        if line.startswith(("gc: collecting", "gc: collectable", "gc: done", "Exception ignored",
                            "ZeroDivisionError")):
            keep.append(line)
    return keep


async def test_exec_returns_what_cpython_writes_to_stderr():
    # gc.DEBUG_* lines and "Exception ignored in" reports: python3 writes
    # them to stderr; heap.exec returns them in `stderr`, in the same words
    import subprocess
    py = subprocess.run(["/usr/bin/python3", "-c", STDERR_PROGRAM], capture_output=True, text=True)
    assert py.returncode == 0, py.stderr
    async with heap_client("h") as c:
        r = await c.call("heap.exec", {"heap": "h", "source": STDERR_PROGRAM})
        assert r["stdout"] == py.stdout
        want = stderr_facts(py.stderr)
        assert len(want) == 5 and want == stderr_facts(r["stderr"]), (want, r["stderr"])
        # on an error too, with what was written before it
        err = await c.error("heap.exec", {"heap": "h", "source": "d = D()\ndel d\nboom\n"}, -32008)
        assert "Exception ignored in: <function D.__del__" in err["data"]["stderr"], err
        ok = await c.call("heap.exec", {"heap": "h", "source": "print(1)\n"})
        assert ok == {"stdout": "1\n", "stderr": ""}, ok


PROMPT_SESSION = ["a = []", "a", "import sys", "sys.getrefcount(a)", "None", "_", "b = a",
                  "sys.getrefcount(a)", "c = [a]", "c", "sys.getrefcount(c)",
                  "for i in range(2):\n    i\n", "def f():\n    5\n", "f()", "del c", "_", "x = 7; x"]


async def test_exec_single_mode_is_pythons_prompt():
    # each entry sent alone in mode "single" shows what python3's prompt
    # shows for it, and `_` holds its reference (getrefcount sees it)
    import subprocess
    py = subprocess.run(["/usr/bin/python3", "-q", "-i"], input="\n".join(PROMPT_SESSION) + "\n",
                        capture_output=True, text=True)
    async with heap_client("h") as c:
        got = ""
        for entry in PROMPT_SESSION:
            r = await c.call("heap.exec", {"heap": "h", "source": entry + "\n", "mode": "single"})
            got += r["stdout"]
        assert got == py.stdout, (got, py.stdout)
        # the default mode shows nothing, and `_` is still there for it
        r = await c.call("heap.exec", {"heap": "h", "source": "a\n_\nprint(_)\n"})
        assert r["stdout"] == "7\n", r
        e = await c.error("heap.exec", {"heap": "h", "source": "1\n", "mode": "eval"}, -32602)
        assert e["data"]["param"] == "mode", e
