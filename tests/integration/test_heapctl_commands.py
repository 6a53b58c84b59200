"""test_heapctl_commands.py: every heapctl command against a real heapd:
readable output, --json output validated against the method's result
schema, and exit codes (0 ok, 1 the server's error with its code on stderr)."""
import json
import os
import re
import shlex
import subprocess
import tempfile

import harness
from harness import Server
from heapctl_util import ctl, fails, js, ok


def test_info_and_heaps():
    with Server() as s:
        out = ok(s, "info")
        assert re.search(r"^server +heapd \S+ \(protocol 1\) at ws://127\.0\.0\.1:\d+/ws$", out, re.M), out
        assert re.search(r"^role +admin$", out, re.M), out
        info = js(s, "server.info", "info")
        assert info["protocol"] == 1 and info["role"] == "admin"
        assert "(no heaps" in ok(s, "heaps")
        assert js(s, "heap.list", "heaps") == {"heaps": []}


def test_create_drop_and_server_errors():
    with Server() as s:
        out = ok(s, "create", "demo")
        assert re.search(r"^heap +demo$", out, re.M) and "thresholds 700/10/10" in out, out
        h = js(s, "heap.create", "create", "small", "--threshold", "100,5", "--no-gc",
               "--max-bytes", "2M", "--max-objects", "500")
        assert h["gc"]["thresholds"] == [100, 5, 10] and h["gc"]["enabled"] is False
        assert h["max_bytes"] == 2 << 20 and h["max_objects"] == 500
        neg = js(s, "heap.create", "create", "neg", "--threshold", "-1,0,-2147483648")
        assert neg["gc"]["thresholds"] == [-1, 0, -2147483648]
        assert ok(s, "drop", "neg") == ""
        table = ok(s, "heaps")
        assert table.splitlines()[0].split() == ["HEAP", "OBJECTS", "TRACKED", "BYTES", "ARENAS",
                                                 "NAMES", "GC", "COUNTS"]
        assert re.search(r"^small +0 +0 +0 B +0 B +0 +off +0/0/0$", table, re.M), table
        assert [h["heap"] for h in js(s, "heap.list", "heaps")["heaps"]] == ["demo", "small"]
        err = fails(s, -32007, 1, "create", "demo")
        assert "already exists" in err, err
        assert js(s, "heap.info", "info", "small")["heap"] == "small"
        assert ok(s, "drop", "small") == ""
        fails(s, -32000, 1, "drop", "small")
        fails(s, -32000, 1, "info", "small")
        fails(s, -32000, 1, "names", "small")


def test_objects_and_names():
    with Server() as s:
        ok(s, "create", "demo")
        a = js(s, "obj.new", "new", "demo", "list", "1", "2.5", "'s'", "[3, 4]", "--as", "a",
               "--site", "app.py:3")
        assert a["type"] == "list" and a["refcount"] == 1 and a["repr"] == "[1, 2.5, 's', [3, 4]]"
        assert js(s, "obj.new", "new", "demo", "int", "1000", "--as", "i")["repr"] == "1000"
        assert js(s, "obj.new", "new", "demo", "float", "2", "--as", "f")["repr"] == "2.0"
        assert js(s, "obj.new", "new", "demo", "str", "hello world", "--as", "t")["repr"] == "'hello world'"
        assert js(s, "obj.new", "new", "demo", "bytes", "ab", "--as", "b")["repr"] == "b'ab'"
        assert js(s, "obj.new", "new", "demo", "tuple", "1", "@a", "--as", "tu")["type"] == "tuple"
        assert js(s, "obj.new", "new", "demo", "set", "1", "2", "--as", "st")["type"] == "set"
        d = js(s, "obj.new", "new", "demo", "dict", "k:1", "'x y':@a", "--as", "d")
        assert d["repr"] == "{'k': 1, 'x y': [1, 2.5, 's', [3, 4]]}", d
        assert js(s, "obj.new", "new", "demo", "object", "--as", "o")["type"] == "object"
        n = js(s, "obj.new", "new", "demo", "instance", "--class", "Node", "next=None", "--del",
               "--as", "n")
        assert n["type"] == "instance" and n["class"] == "Node"
        # without --as the object is freed at once, and heapctl says so on stderr
        r = ctl(s, "new", "demo", "list")
        assert r.returncode == 0 and "freed at once" in r.stderr, r
        gone = js(s, "obj.new", "new", "demo", "list")
        assert gone["freed"] is True
        # a stale id (an object that lived and was freed; ids are never reused)
        for args in (["show", "demo", f"#{gone['id']}"], ["bind", "demo", "z", f"#{gone['id']}"],
                     ["call", "demo", f"#{gone['id']}", "append", "1"]):
            err = fails(s, -32003, 1, *args)
            assert f"object {gone['id']} not found" in err, err
        line = ok(s, "bind", "demo", "a2", "@a")
        assert re.match(r"^#%d list +size=\d+ refcount=4 " % a["id"], line), line  # a, tu, d, a2
        assert js(s, "name.bind", "bind", "demo", "k", f"#{a['id']}")["refcount"] == 5
        assert ok(s, "del", "demo", "a2", "k") == ""
        fails(s, -32006, 1, "del", "demo", "nosuch")
        fails(s, -32006, 1, "bind", "demo", "x", "@nosuch")
        fails(s, -32003, 1, "bind", "demo", "x", "#9999")
        names = ok(s, "names", "demo")
        assert names.splitlines()[0].split() == ["NAME", "ID", "TYPE", "SIZE", "REFS", "GC", "ADDR", "REPR"]
        assert re.search(r"^n +\d+ +Node +56 +1 ", names, re.M), names
        nm = js(s, "heap.names", "names", "demo")["names"]
        assert [e["name"] for e in nm] == sorted(e["name"] for e in nm)
        objs = js(s, "heap.objects", "objects", "demo", "--type", "list", "--limit", "1")
        assert objs["total"] >= 2 and len(objs["objects"]) == 1
        assert "of" in ok(s, "objects", "demo", "--type", "list", "--limit", "1")
        js(s, "heap.objects", "objects", "demo", "--offset", "1")


def test_set_unset_call_weakref_show():
    with Server() as s:
        ok(s, "create", "demo")
        ok(s, "new", "demo", "instance", "--class", "Node", "--as", "n")
        assert ok(s, "set", "demo", "n", "next", "@n") == ""
        ok(s, "new", "demo", "dict", "--as", "d")
        ok(s, "set", "demo", "@d", "'k'", "[1]")
        ok(s, "new", "demo", "list", "0", "--as", "l")
        ok(s, "set", "demo", "l", "0", "None")
        fails(s, -32009, 1, "set", "demo", "l", "5", "1")
        fails(s, -32005, 1, "set", "demo", "@d", "[1]", "1")
        assert ok(s, "unset", "demo", "d", "k") == ""
        fails(s, -32009, 1, "unset", "demo", "d", "k")
        assert ok(s, "call", "demo", "l", "append", "@l") == "None\n"
        r = js(s, "obj.call", "call", "demo", "l", "pop", "--as", "p")
        assert r["result"]["type"] == "list"
        assert js(s, "obj.call", "call", "demo", "l", "append", "7")["result"] is None
        fails(s, -32005, 1, "call", "demo", "l", "add", "1")
        w = js(s, "weakref.new", "weakref", "demo", "n", "--as", "w", "--callback")
        assert w["type"] == "weakref"
        fails(s, -32005, 1, "weakref", "demo", "l", "--as", "w2")
        g = js(s, "weakref.get", "weakref", "demo", "w")
        assert g["alive"] is True and g["referent"]["class"] == "Node"
        assert "Node" in ok(s, "weakref", "demo", "w")
        out = ok(s, "show", "demo", "n")
        assert "referents (" in out and "referrers (1)" in out, out
        both = js(s, None, "show", "demo", "@n")
        harness.check_schema("methods/obj.get.json#/$defs/result", both["object"])
        harness.check_schema("methods/obj.referrers.json#/$defs/result", both["referrers"])
        assert both["object"]["weakrefs"] == 1
        assert js(s, None, "show", "demo", f"#{both['object']['id']}")["object"]["id"] == both["object"]["id"]
        fails(s, -32003, 1, "show", "demo", "#999999")
        # break the cycle's last name: the instance dies only in a collection
        ok(s, "del", "demo", "n")
        assert "None" not in ok(s, "weakref", "demo", "w")
        ok(s, "collect", "demo")
        assert ok(s, "weakref", "demo", "w") == "None (the referent is dead)\n"


def test_gc_collect_and_garbage():
    with Server() as s:
        ok(s, "create", "demo")
        ok(s, "new", "demo", "list", "--as", "a")
        ok(s, "call", "demo", "a", "append", "@a")
        ok(s, "del", "demo", "a")
        dry = js(s, "gc.dry_run", "gc", "demo", "dry-run")
        assert len(dry["unreachable"]) == 1
        assert "would find 1 unreachable" in ok(s, "gc", "demo", "dry-run", "0")
        c = js(s, "gc.collect", "collect", "demo")
        assert c["unreachable"] == 1 and c["collected"] == 1
        assert re.match(r"^unreachable 0 .*pause \d+ us$", ok(s, "collect", "demo", "1"))
        g = js(s, "gc.get", "gc", "demo")
        assert g["stats"][2]["collections"] == 1 and g["stats"][1]["collections"] == 1
        assert "thresholds 700/10/10" in ok(s, "gc", "demo")
        assert js(s, "gc.set", "gc", "demo", "disable")["enabled"] is False
        assert js(s, "gc.set", "gc", "demo", "enable")["enabled"] is True
        assert js(s, "gc.set", "gc", "demo", "threshold", "-5", "-2147483648")["thresholds"] == \
            [-5, -2147483648, 10]
        assert "thresholds -5/-2147483648/10" in ok(s, "gc", "demo")
        assert js(s, "gc.set", "gc", "demo", "threshold", "100", "5")["thresholds"] == [100, 5, 10]
        flags = js(s, "gc.set", "gc", "demo", "debug", "saveall,stats")["debug"]
        assert sorted(flags) == ["saveall", "stats"], flags
        assert js(s, "gc.set", "gc", "demo", "debug", "saveall")["debug"] == ["saveall"]
        ok(s, "new", "demo", "list", "--as", "b")
        ok(s, "call", "demo", "b", "append", "@b")
        ok(s, "del", "demo", "b")
        ok(s, "collect", "demo")
        garbage = js(s, "gc.garbage", "garbage", "demo")["objects"]
        assert len(garbage) == 1 and garbage[0]["type"] == "list"
        assert "list" in ok(s, "garbage", "demo")
        assert ok(s, "garbage", "demo", "--clear") == ""
        assert ok(s, "garbage", "demo") == "(none)\n"
        assert js(s, "gc.set", "gc", "demo", "debug")["debug"] == []
        ok(s, "new", "demo", "list", "--as", "c")
        assert js(s, "gc.freeze", "gc", "demo", "freeze")["frozen"] >= 1
        c = [e for e in js(s, "heap.names", "names", "demo")["names"] if e["name"] == "c"][0]
        if "generation" in c:
            assert c["generation"] == 3 and re.search(r" perm ", ok(s, "names", "demo"))
        assert js(s, "gc.unfreeze", "gc", "demo", "unfreeze")["frozen"] == 0
        fails(s, None, 2, "gc", "demo", "freeze", "now")


def test_json_of_the_quiet_commands():
    """The commands that print nothing without --json print their method's
    result with it, schema-valid like every other command's."""
    with Server() as s:
        ok(s, "create", "demo")
        ok(s, "create", "gone")
        ok(s, "new", "demo", "instance", "--class", "Node", "--as", "n")
        ok(s, "new", "demo", "list", "1", "--as", "l")
        assert js(s, "obj.set", "set", "demo", "n", "x", "1") == {}
        assert js(s, "obj.del", "unset", "demo", "n", "x") == {}
        assert js(s, "name.del", "del", "demo", "l") == {}
        assert js(s, "trace.status", "trace", "demo", "status")["tracing"] is False
        assert js(s, "gc.garbage", "garbage", "demo") == {"objects": []}
        assert js(s, "gc.garbage_clear", "garbage", "demo", "--clear") == {}
        assert js(s, "heap.drop", "drop", "gone") == {}


def test_alloc_stats_and_map():
    with Server() as s:
        ok(s, "create", "demo")
        ok(s, "new", "demo", "list", *[str(i * 1000) for i in range(40)], "--as", "l")
        st = js(s, "alloc.stats", "alloc", "demo")
        out = ok(s, "alloc", "demo")
        lines = out.splitlines()
        assert lines[0] == "Small block threshold = 512, in 32 size classes.", lines[0]
        assert lines[2] == "class   size   num pools   blocks in use  avail blocks"
        assert lines[3] == "-----   ----   ---------   -------------  ------------"
        used = [c for c in st["size_classes"] if c["pools"]]
        for i, c in enumerate(used):
            want = "%5d %6d %11d %15d %13d" % (c["index"], c["size"], c["pools"],
                                               c["blocks_used"], c["blocks_free"])
            assert lines[4 + i] == want, (lines[4 + i], want)
        cur = st["arenas"]["current"]
        assert ("%d arenas * 1048576 bytes/arena" % cur).ljust(35) + "=" + f"{cur * 1048576:,}".rjust(21) in lines
        total = [l for l in lines if l.startswith("Total ")]
        assert total == ["Total".ljust(35) + "=" + f"{cur * 1048576:,}".rjust(21)], total
        # every "label = value" line lines up as python3's own _debugmallocstats() does
        py = subprocess.run(["/usr/bin/python3", "-c", "import sys; sys._debugmallocstats()"],
                            capture_output=True, text=True, check=True).stderr.splitlines()
        py_eq = {(l.index("="), len(l)) for l in py if re.match(r"^#|^Total ", l)}
        assert len(py_eq) == 1, py_eq
        ours = [l for l in lines[1:] if "=" in l]
        assert len(ours) >= 14 and any(l.startswith("fragmentation") for l in ours), ours
        for l in ours:
            assert (l.index("="), len(l)) in py_eq, (l, py_eq)
        m = js(s, None, "alloc", "demo", "--map")
        harness.check_schema("methods/alloc.map.json#/$defs/result", m)
        assert m["total"] == cur and len(m["arenas"]) == cur
        text = ok(s, "alloc", "demo", "--map")
        assert re.search(r"^    0  0x[0-9a-f]+ +[.1-9#]+  \d+/\d+ pools used$", text, re.M), text
        assert js(s, None, "alloc", "demo", "--map", "--offset", "1")["arenas"] == []


def _tracemalloc_text(stats):
    """python3's str(Statistic) (or str(StatisticDiff) for compare's entries)
    of each statistic, one per line: tracemalloc's own formatting of the
    figures heapd sent (a key is what str(traceback) prints for its site)."""
    prog = ("import json, sys, tracemalloc\n"
            "for e in json.load(sys.stdin):\n"
            "    if 'size_diff' in e:\n"
            "        print(tracemalloc.StatisticDiff(e['key'], e['size'], e['size_diff'],\n"
            "                                        e['count'], e['count_diff']))\n"
            "    else:\n"
            "        print(tracemalloc.Statistic(e['key'], e['size'], e['count']))\n")
    out = subprocess.run(["/usr/bin/python3", "-c", prog], input=json.dumps(stats),
                         capture_output=True, text=True, check=True).stdout
    assert out.count("\n") == len(stats) > 0, (out, stats)
    return out


def test_trace():
    with Server() as s:
        ok(s, "create", "demo")
        assert ok(s, "trace", "demo", "status") == "tracing off, current=0 B, peak=0 B\n"
        assert js(s, "trace.start", "trace", "demo", "start")["tracing"] is True
        assert js(s, "trace.snapshot", "trace", "demo", "snapshot")["snapshot"] == 1
        ok(s, "--site", "app.py:3", "new", "demo", "list", *[str(1000 + i) for i in range(10)], "--as", "a")
        ok(s, "--site", "app.py:9", "new", "demo", "dict", "k:@a", "--as", "d")
        assert ok(s, "trace", "demo", "snapshot") == "snapshot 2\n"
        st = js(s, "trace.stats", "trace", "demo", "stats", "2")
        keys = [e["key"] for e in st["stats"]]
        assert "app.py:3" in keys and "app.py:9" in keys, keys
        # each line is what python3's tracemalloc prints for the same figures
        assert ok(s, "trace", "demo", "stats", "2") == _tracemalloc_text(st["stats"])
        assert ok(s, "trace", "demo", "stats", "2", "--by", "site") == _tracemalloc_text(st["stats"])
        by_type = ok(s, "trace", "demo", "stats", "2", "--by", "type", "--limit", "2")
        assert len(by_type.splitlines()) == 2
        st_type = js(s, "trace.stats", "trace", "demo", "stats", "2", "--by", "type", "--limit", "2")
        assert by_type == _tracemalloc_text(st_type["stats"])
        cmp_ = js(s, "trace.compare", "trace", "demo", "compare", "2", "1")
        assert cmp_["stats"][0]["size_diff"] > 0
        assert ok(s, "trace", "demo", "compare", "2", "1") == _tracemalloc_text(cmp_["stats"])
        cmp_type = js(s, "trace.compare", "trace", "demo", "compare", "2", "1", "--by", "type")
        out = ok(s, "trace", "demo", "compare", "2", "1", "--by", "type")
        assert out == _tracemalloc_text(cmp_type["stats"]) and "(+" in out, out
        js(s, "trace.reset_peak", "trace", "demo", "reset-peak")
        assert js(s, "trace.stop", "trace", "demo", "stop")["tracing"] is False
        fails(s, -32602, 1, "trace", "demo", "snapshot")
        fails(s, -32602, 1, "trace", "demo", "stats", "99")


def test_export_import_round_trip():
    with Server() as s, tempfile.TemporaryDirectory() as tmp:
        ok(s, "create", "demo")
        ok(s, "new", "demo", "list", "1", "'x'", "--as", "a")
        ok(s, "new", "demo", "instance", "--class", "Node", "v=@a", "--as", "n")
        path = os.path.join(tmp, "demo.json")
        out = ok(s, "export", "demo", path)
        assert out.startswith("exported ") and path in out, out
        assert ok(s, "--json", "export", "demo", path) == ""  # the result is the file (heapctl(1))
        with open(path) as f:
            graph = json.load(f)
        harness.check_schema("methods/heap.export.json#/$defs/result", graph)
        assert not [p for p in os.listdir(tmp) if ".tmp" in p]
        info = js(s, "heap.import", "import", "copy", path)
        assert info["names"] == 2, info
        assert js(s, "heap.names", "names", "copy")["names"][0]["repr"] == "[1, 'x']"
        doc = js(s, "heap.export", "export", "demo", "-")
        r = ctl(s, "import", "copy2", "-", input=json.dumps(doc))
        assert r.returncode == 0, r.stderr
        fails(s, -32007, 1, "import", "copy", path)
        with open(os.path.join(tmp, "bad.json"), "w") as f:
            f.write('{"nope": 1}')
        r = ctl(s, "import", "x", os.path.join(tmp, "bad.json"))
        assert r.returncode == 2 and "heapd-graph" in r.stderr, r.stderr
        r = ctl(s, "export", "demo", os.path.join(tmp, "no", "such", "dir.json"))
        assert r.returncode == 2 and "cannot write" in r.stderr, r.stderr


def test_import_over_the_message_size_limit():
    """A document larger than heapd's limits.message_size: heapd closes the
    connection (1009); heapctl exits 3 naming the limit, and no heap is made."""
    with Server() as big, tempfile.TemporaryDirectory() as tmp:
        ok(big, "create", "demo")
        ok(big, "new", "demo", "list", *[f"'{'x' * 40}{i}'" for i in range(400)], "--as", "l")
        path = os.path.join(tmp, "demo.json")
        ok(big, "export", "demo", path)
        assert os.path.getsize(path) > 16384
        with Server(config={"limits": {"message_size": 16384}}) as s:
            r = ctl(s, "import", "copy", path)
            assert r.returncode == 3 and r.stdout == "", r
            assert r.stderr == (f"heapctl: lost the connection to heapd at {s.url}: closed by the server "
                                "with code 1009 (message too big: over heapd's limits.message_size)\n"), r.stderr
            assert js(s, "heap.list", "heaps") == {"heaps": []}


def test_rpc():
    with Server() as s:
        out = ok(s, "rpc", "heap.create", '{"heap":"demo"}')
        doc = json.loads(out)
        harness.check_schema("methods/heap.create.json#/$defs/result", doc)
        assert json.loads(ok(s, "rpc", "heap.list"))["heaps"][0]["heap"] == "demo"
        assert json.loads(ok(s, "rpc", "heap.info", "-", input='{"heap":"demo"}'))["heap"] == "demo"
        fails(s, -32601, 1, "rpc", "no.such.method")
        fails(s, -32602, 1, "rpc", "heap.info", '{"heap":"demo","extra":1}')


def test_tokens_and_roles():
    with Server(token_file="read rtok\nwrite wtok\nadmin atok\n") as s:
        err = fails(s, -32001, 1, "heaps")
        # the server's words name a protocol method; heapctl says which flag gives a token
        assert err.endswith("heapctl: this heapd wants a token: give it with --token-file FILE or "
                            "HEAPD_TOKEN\n"), err
        ok(s, "heaps", env={"HEAPD_TOKEN": "rtok"})
        fails(s, -32002, 1, "create", "demo", env={"HEAPD_TOKEN": "rtok"})
        ok(s, "create", "demo", env={"HEAPD_TOKEN": "wtok"})
        with tempfile.NamedTemporaryFile("w", suffix=".token") as f:
            f.write("# my token\n\nadmin atok\n")
            f.flush()
            ok(s, "--token-file", f.name, "drop", "demo", env={"HEAPD_TOKEN": "rtok"})
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("wrong\n")
            f.flush()
            # heapd refuses a bad Authorization header at the upgrade: cannot connect
            r = ctl(s, "--token-file", f.name, "heaps")
            assert r.returncode == 3 and r.stdout == "", r
            assert r.stderr == (f"heapctl: cannot connect to heapd at {s.url}: HTTP 401: the token "
                                "was refused (see --token-file, HEAPD_TOKEN)\n"), r.stderr
        info = js(s, "server.info", "info", env={"HEAPD_TOKEN": "wtok"})
        assert info["role"] == "write"


def test_colour_only_on_request_and_never_with_no_color():
    with Server() as s:
        ok(s, "create", "demo")
        assert "\x1b[" not in ok(s, "heaps")
        assert "\x1b[1m" in ok(s, "heaps", "--color=always")
        assert "\x1b[" not in ok(s, "heaps", "--color", "always", "--no-color")
        r = ctl(s, "info", "nope", "--color=always")
        assert "\x1b[31m" in r.stderr
        r = ctl(s, "info", "nope", env={"NO_COLOR": "1"})
        assert "\x1b[" not in r.stderr


def test_exec_and_repl():
    """heap.exec arrives with the script language; until then heapctl says so."""
    with Server() as s, tempfile.TemporaryDirectory() as tmp:
        ok(s, "create", "demo")
        prog = os.path.join(tmp, "prog.py")
        with open(prog, "w") as f:
            f.write("x = [1, 2]\nprint(len(x))\n")
        r = ctl(s, "exec", "demo", prog)
        if r.returncode == 1 and "error -32601" in r.stderr:
            assert "no script language" in r.stderr, r.stderr
            r = ctl(s, "repl", "demo", input="x = 1\n")
            assert r.returncode == 1 and "error -32601" in r.stderr, r
            return
        assert r.returncode == 0 and r.stdout == "2\n", r
        assert js(s, "heap.exec", "exec", "demo", "-", input="print('hi')\n") == {"stdout": "hi\n", "stderr": ""}
        # what CPython writes to stderr goes to heapctl's stderr
        r = ctl(s, "exec", "demo", "-", input="import gc\ngc.set_debug(gc.DEBUG_STATS)\ngc.collect(0)\n"
                "gc.set_debug(0)\nprint('ok')\n")
        assert r.returncode == 0 and r.stdout == "ok\n", r
        assert r.stderr.startswith("gc: collecting generation 0...\n") and "gc: done, " in r.stderr, r
        with open(prog, "w") as f:
            f.write("print('before')\ny = z\n")
        r = ctl(s, "exec", "demo", prog)
        assert r.returncode == 1 and r.stdout == "before\n", r
        assert f'File "{prog}", line 2' in r.stderr and "NameError: name 'z' is not defined" in r.stderr, r.stderr
        r = ctl(s, "repl", "demo", input="a = [1]\nfor i in range(3):\n    a.append(i)\n\nprint(a)\n")
        assert r.returncode == 0 and r.stdout == "[1, 0, 1, 2]\n", r
        # as at python3's prompt, an expression shows its value and _ keeps it
        entries = "q = []\nq\nimport sys\nsys.getrefcount(q)\nNone\n_\n"
        py = subprocess.run(["/usr/bin/python3", "-q", "-i"], input=entries, capture_output=True, text=True)
        r = ctl(s, "repl", "demo", input=entries)
        assert r.returncode == 0 and r.stdout == py.stdout == "[]\n3\n3\n", (r, py.stdout)


def test_readme_walkthrough():
    """README.md's heapctl block, run line by line against heapd --demo, does
    what its comments say: the cycle survives del and one collection finds it;
    the getrefcount script prints what /usr/bin/python3 prints for it."""
    readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../README.md")
    with open(readme) as f:
        text = f.read()
    block = re.search(r"^## heapctl\n.*?^```sh\n(.*?)^```", text, re.S | re.M).group(1)
    lines = [l.split("  #")[0].strip() for l in block.splitlines() if l.startswith(("heapctl", "printf"))]
    assert len(lines) >= 10, lines
    with Server(demo=True) as s:
        out = {}
        for line in lines:
            if line.startswith("heapctl watch"):
                continue  # a live screen: test_heapctl_watch.py runs it in tmux
            if line.startswith("printf"):
                fmt, cmd = line.split(" | ")
                script = shlex.split(fmt)[1].encode().decode("unicode_escape")
                args = shlex.split(cmd)[1:]
                got = ok(s, *args, input=script)
                want = subprocess.run(["/usr/bin/python3", "-"], input=script, capture_output=True,
                                      text=True, check=True).stdout
                assert got == want, (line, got, want)
                continue
            args = shlex.split(line.split(" | ")[0])[1:]
            out[args[0] if args[0] != "--json" else args[1]] = ok(s, *args)
        assert re.match(r"unreachable 1 \(", out["collect"]), out["collect"]
        assert out["gc"].startswith("would find 1 unreachable"), out["gc"]
        assert "Small block threshold = 512" in out["alloc"]
        assert json.loads(out["info"])["heap"] == "demo"
