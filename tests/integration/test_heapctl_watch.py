"""test_heapctl_watch.py: `heapctl watch` against a real heapd: one line per
notification through a pipe (and each notification as schema-valid JSON with
--json), the live screen in a real terminal (tmux, read with capture-pane),
and reconnection with backoff when heapd restarts on the same port."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import harness
from harness import Server
from heapctl_util import HEAPCTL, ok


def _start_watch(server, *args):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.Popen([HEAPCTL, "--url", server.url, "watch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _read_until(proc, pred, timeout=10):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if pred(line):
            return seen
    raise AssertionError("watch printed no matching line; got:\n" + "".join(seen[-20:]))


def test_watch_pipe_prints_one_line_per_notification():
    with Server() as s:
        ok(s, "create", "demo")
        w = _start_watch(s, "demo", "--interval", "100")
        try:
            _read_until(w, lambda l: " demo alloc objects=0 " in l)
            ok(s, "new", "demo", "instance", "--class", "Node", "--del", "--as", "n")
            ok(s, "weakref", "demo", "n", "--as", "w", "--callback")
            ok(s, "del", "demo", "n")
            lines = _read_until(w, lambda l: " demo event " in l and "weakref_callback" in l)
            _read_until(w, lambda l: " demo alloc objects=2 " in l)  # the weakref and the class
            ok(s, "collect", "demo")
            _read_until(w, lambda l: re.search(r" demo gc phase=stop generation=2 .*duration_us=\d+", l))
            for line in lines:
                assert re.match(r"^\d\d:\d\d:\d\d\.\d{3} demo (alloc|gc|event|heap) ", line), line
        finally:
            w.terminate()
            w.wait(5)


def test_watch_pipe_reconnects_with_a_doubling_backoff():
    """heapd stops: watch (not on a terminal) says on stderr when it retries,
    waiting 0.5, 1, 2 s...; heapd back on the same port: the lines resume."""
    with Server() as s:
        port = s.port
        ok(s, "create", "demo")
        w = _start_watch(s, "--interval", "100")
        try:
            _read_until(w, lambda l: " demo alloc " in l)
            s.stop()
            waits = []
            t0 = time.monotonic()
            for _ in range(3):
                line = w.stderr.readline()
                m = re.match(r"^heapctl watch: reconnecting in (\d+\.\d) s: (.*)$", line)
                assert m, line
                waits.append(m.group(1))
            assert waits == ["0.5", "1.0", "2.0"], waits
            assert time.monotonic() - t0 >= 1.4  # it did wait 0.5 s and 1 s between them
            with Server(listen=f"127.0.0.1:{port}") as s2:
                ok(s2, "create", "again")
                _read_until(w, lambda l: " again alloc " in l, timeout=20)
        finally:
            w.terminate()
            w.wait(5)


def test_watch_json_lines_are_notifications():
    with Server() as s:
        ok(s, "create", "demo")
        w = _start_watch(s, "--json", "--interval", "100")
        try:
            first = json.loads(w.stdout.readline())  # subscribed: the first alloc frame
            harness.check_schema("envelope/notification.json", first)
            ok(s, "create", "other")
            ok(s, "collect", "demo")
            kinds = set()
            deadline = time.monotonic() + 10
            while kinds != {"stream.alloc", "stream.gc", "stream.heap"} and time.monotonic() < deadline:
                msg = json.loads(w.stdout.readline())
                harness.check_schema("envelope/notification.json", msg)
                harness.check_notification(msg)
                kinds.add(msg["method"])
            assert kinds == {"stream.alloc", "stream.gc", "stream.heap"}, kinds
        finally:
            w.terminate()
            w.wait(5)


def test_watch_heap_dropped_waits_for_it_again():
    """watch HEAP: when the heap is dropped the server ends the subscription;
    watch says so on stderr and follows a heap of that name created again."""
    with Server() as s:
        ok(s, "create", "demo")
        w = _start_watch(s, "demo", "--interval", "100")
        try:
            _read_until(w, lambda l: " demo alloc objects=0 " in l)
            ok(s, "drop", "demo")
            _read_until(w, lambda l: " demo heap event=dropped" in l)
            ok(s, "create", "demo")
            ok(s, "new", "demo", "list", "1", "--as", "a")
            _read_until(w, lambda l: " demo alloc objects=" in l and " objects=0 " not in l, timeout=20)
        finally:
            w.terminate()
            err = w.communicate(timeout=5)[1]
        assert "heapctl watch: reconnecting in 0.5 s: heap 'demo' was dropped; waiting for it" in err, err


def test_watch_unknown_heap_exits_1_and_no_server_exits_3():
    with Server() as s:
        r = subprocess.run([HEAPCTL, "--url", s.url, "watch", "nope"], capture_output=True,
                           text=True, timeout=20)
        assert r.returncode == 1 and "-32000" in r.stderr, r
        port = s.port
    r = subprocess.run([HEAPCTL, "--url", f"ws://127.0.0.1:{port}/ws", "watch"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 3 and "cannot connect" in r.stderr, r


class Tmux:
    """A private tmux server running one command in a terminal (120x40 unless told)."""

    def __init__(self, cmd, width=120, height=40):
        self.tmp = tempfile.TemporaryDirectory(prefix="heapctl-tmux-")
        self.sock = os.path.join(self.tmp.name, "tmux.sock")
        self.tmux(["new-session", "-d", "-x", str(width), "-y", str(height), "-s", "w", cmd])

    def tmux(self, args):
        return subprocess.run(["tmux", "-S", self.sock, "-f", "/dev/null"] + args,
                              capture_output=True, text=True, timeout=10)

    def screen(self):
        return self.tmux(["capture-pane", "-p", "-t", "w"]).stdout

    def wait_for(self, pred, timeout=15):
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if pred(text):
                return text
            time.sleep(0.1)
        raise AssertionError("the screen never matched; it shows:\n" + text)

    def close(self):
        self.tmux(["kill-server"])
        self.tmp.cleanup()


def test_watch_screen_in_a_terminal_and_reconnect():
    assert shutil.which("tmux"), "tmux is needed (tools/deps.sh installs it)"
    with Server() as s:
        port = s.port
        ok(s, "create", "demo", "--threshold", "500")
        ok(s, "new", "demo", "list", "1", "2", "--as", "a")
        cmd = f"exec {HEAPCTL} --url {s.url} watch --interval 100"
        t = Tmux(cmd)
        try:
            screen = t.wait_for(lambda x: re.search(r"^demo +[1-9]", x, re.M))
            lines = screen.splitlines()
            assert lines[0].startswith("heapctl watch (every heap)"), screen
            assert lines[1].startswith("connected to ws://127.0.0.1:"), screen
            head = [l for l in lines if l.startswith("HEAP ")]
            assert head and "OBJECTS" in head[0] and "GEN0" in head[0], screen
            row = [l for l in lines if l.startswith("demo ")][0]
            assert re.search(r"\d+/500 ", row), row
            assert "\x1b" not in screen
            ok(s, "new", "demo", "instance", "--class", "Node", "--del", "--as", "n")
            ok(s, "weakref", "demo", "n", "--as", "w", "--callback")
            ok(s, "call", "demo", "a", "append", "@a")
            ok(s, "del", "demo", "a", "n")
            ok(s, "collect", "demo")
            screen = t.wait_for(lambda x: "demo gen 2: collected" in x and "weakref_callback" in x)
            assert re.search(r"demo gen 2: collected \d+, uncollectable 0, pause \d+ us", screen), screen
            # the screen is redrawn in place: the title stays on the first line
            assert screen.splitlines()[0].startswith("heapctl watch"), screen
            s.stop()
            t.wait_for(lambda x: "reconnecting in" in x)
            with Server(listen=f"127.0.0.1:{port}") as s2:
                ok(s2, "create", "again")
                screen = t.wait_for(lambda x: "connected to" in x and re.search(r"^again +\d", x, re.M))
                assert "reconnecting" not in screen.splitlines()[1], screen
                t.tmux(["send-keys", "-t", "w", "C-c"])
                deadline = time.monotonic() + 5
                while t.tmux(["has-session", "-t", "w"]).returncode == 0:
                    assert time.monotonic() < deadline, "watch did not exit on Ctrl-C"
                    time.sleep(0.1)
        finally:
            t.close()


def test_watch_screen_fits_a_short_terminal():
    """More heaps, collections and events than rows: the screen still fits
    (redrawn in place, its title on the first line, never scrolled), and
    what is cut is the oldest collections and events, then heap rows."""
    assert shutil.which("tmux"), "tmux is needed (tools/deps.sh installs it)"
    with Server() as s:
        ok(s, "create", "demo")
        t = Tmux(f"exec {HEAPCTL} --url {s.url} watch --interval 100", height=18)
        try:
            t.wait_for(lambda x: re.search(r"^demo +\d", x, re.M))
            for i in range(6):
                ok(s, "create", f"h{i}")
            for i in range(10):
                ok(s, "collect", "demo", "2" if i == 9 else "0")
            screen = t.wait_for(lambda x: "h5 heap created" in x and "demo gen 2: collected" in x
                                and x.splitlines()[0].startswith("heapctl watch"))
            lines = screen.splitlines()
            assert lines[1].startswith("connected to "), screen
            assert "Last collections" in screen and "Events" in screen, screen
            assert "h0 heap created" not in screen, screen  # the oldest event made room
            # a taller terminal shows everything again, still from the top
            t.tmux(["resize-window", "-t", "w", "-x", "120", "-y", "40"])
            screen = t.wait_for(lambda x: "h0 heap created" in x and re.search(r"^h5 +\d", x, re.M))
            assert screen.splitlines()[0].startswith("heapctl watch"), screen
        finally:
            t.close()
