"""test_heapctl_usage.py: heapctl's command line without a server: help
texts, usage errors (exit 2), and connection failures (exit 3) that say
what failed and where."""
import errno
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import harness
from harness import Server
from heapctl_util import HEAPCTL, ctl, ok

COMMANDS = ["info", "heaps", "create", "drop", "new", "bind", "del", "set", "unset", "call",
            "weakref", "show", "names", "objects", "collect", "gc", "garbage", "alloc", "trace",
            "export", "import", "watch", "rpc", "exec", "repl"]


def test_help_lists_every_command():
    for args in (["--help"], ["-h"], ["help"]):
        r = ctl(None, *args)
        assert r.returncode == 0, r.stderr
        for c in COMMANDS:
            assert f"\n  {c} " in r.stdout, (c, r.stdout)
    r = ctl(None)
    assert r.returncode == 2 and "usage: heapctl" in r.stderr
    r = ctl(None, "--version")
    assert r.returncode == 0 and r.stdout.startswith("heapctl ")


def test_command_help():
    for c in COMMANDS:
        for args in ([c, "--help"], ["help", c], [c, "-h", "x", "y"]):
            r = ctl(None, *args)
            assert r.returncode == 0, (args, r.stderr)
            assert r.stdout.startswith(f"usage: heapctl {c} "), r.stdout


def test_usage_errors_exit_2():
    cases = [
        ["bogus"],
        ["heaps", "--bogus"],
        ["heaps", "extra"],
        ["new", "demo"],
        ["new", "demo", "nosuchtype"],
        ["new", "demo", "int", "abc"],
        ["new", "demo", "instance", "x=1"],
        ["new", "demo", "list", "[1, 2"],
        ["new", "demo", "list", "--as", "9x"],
        ["bind", "demo", "x", "1.2.3"],
        ["bind", "demo", "x", "@"],
        ["bind", "bad name!", "x", "1"],
        ["set", "demo", "a b", "k", "1"],
        ["create", "demo", "--threshold", "1,2,3,4"],
        ["create", "demo", "--max-bytes", "lots"],
        ["collect", "demo", "3"],
        ["gc", "demo", "sideways"],
        ["trace", "demo", "stats"],
        ["trace", "demo", "stats", "1", "--by", "colour"],
        ["objects", "demo", "--limit", "0"],
        ["rpc", "heap.list", "{not json"],
        ["rpc", "heap.list", "[1]"],
        ["import", "demo", "/nonexistent/file.json"],
        ["--timeout", "0", "heaps"],
        ["--color", "sometimes", "heaps"],
        ["--url", "ftp://x/", "heaps"],
        ["--token-file", "/nonexistent/tokens", "heaps"],
        ["watch", "--interval", "10"],
    ]
    for args in cases:
        r = ctl(None, *args, url="ws://127.0.0.1:9/ws")
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert r.stderr.startswith("heapctl"), (args, r.stderr)
        assert r.stdout == "", (args, r.stdout)


def test_unreadable_files_say_why():
    """exec and import name the file and the system's reason (strerror),
    and a file that cannot be opened has no JSON line number"""
    with tempfile.TemporaryDirectory() as d:
        cases = [
            (["exec", "demo", os.path.join(d, "missing.py")], errno.ENOENT),
            (["exec", "demo", d], errno.EISDIR),
            (["import", "demo", os.path.join(d, "missing.json")], errno.ENOENT),
        ]
        for args, err in cases:
            r = ctl(None, *args, url="ws://127.0.0.1:9/ws")
            assert r.returncode == 2, (args, r.returncode, r.stderr)
            assert r.stderr.startswith(f"heapctl {args[0]}: cannot read {args[2]}: "), (args, r.stderr)
            assert os.strerror(err) in r.stderr, (args, r.stderr)
            assert "line -1" not in r.stderr, (args, r.stderr)
            assert r.stdout == "", (args, r.stdout)


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_cannot_connect_exits_3_naming_the_url():
    port = _free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    r = ctl(None, "heaps", url=url)
    assert r.returncode == 3, r
    assert "cannot connect" in r.stderr and url in r.stderr, r.stderr
    r = ctl(None, "heaps", url=None, env={"HEAPD_URL": url})
    assert r.returncode == 3 and url in r.stderr, r.stderr
    r = ctl(None, "heaps", url="ws://nosuchhost.invalid:7468/ws")
    assert r.returncode == 3 and "nosuchhost.invalid" in r.stderr, r.stderr


def test_default_url_is_documented_one():
    r = ctl(None, "heaps", env={"HEAPD_URL": ""})
    # whatever listens on 7468 here, the message or the answer names the default address
    assert r.returncode in (0, 1, 3)
    if r.returncode == 3:
        assert "ws://127.0.0.1:7468/ws" in r.stderr, r.stderr


def test_silent_server_times_out():
    """A server that accepts TCP but never answers the upgrade: --timeout bounds the wait."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    try:
        t0 = time.monotonic()
        r = ctl(None, "--timeout", "1", "heaps", url=f"ws://127.0.0.1:{port}/ws")
        took = time.monotonic() - t0
        assert r.returncode == 3, r
        assert "no answer within 1000 ms" in r.stderr, r.stderr
        assert took < 5, took
    finally:
        srv.close()


def test_server_that_hangs_up_is_a_lost_connection():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]

    def serve():
        for _ in range(2):
            try:
                c, _ = srv.accept()
            except OSError:
                return
            c.recv(4096)
            c.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        r = ctl(None, "--timeout", "5", "heaps", url=f"ws://127.0.0.1:{port}/ws")
        assert r.returncode == 3, r
        assert f"127.0.0.1:{port}" in r.stderr, r.stderr
    finally:
        srv.close()


def test_wrong_path_and_plain_http():
    with Server() as s:
        r = ctl(None, "heaps", url=f"ws://127.0.0.1:{s.port}/nope")
        assert r.returncode == 3, r
        assert "HTTP 404" in r.stderr and "/nope" in r.stderr, r.stderr
        # http:// is read as ws://, and an empty path is /ws
        r = ctl(None, "heaps", url=f"http://127.0.0.1:{s.port}")
        assert r.returncode == 0, r.stderr
        r = ctl(None, "heaps", url=f"127.0.0.1:{s.port}")
        assert r.returncode == 0, r.stderr


def test_bash_completion():
    """The completion file completes commands, fixed words and live heap names."""
    src = os.path.join(os.environ.get("HD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../..")),
                       "client/heapctl.bash-completion")
    with Server() as s:
        ok(s, "create", "alpha")
        ok(s, "create", "beta")
        script = f"""
source {src}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); COMPREPLY=(); _heapctl; echo "${{COMPREPLY[*]}}"; }}
t heapctl co
t heapctl --url {s.url} show ""
t heapctl --url={s.url} new alpha l
t heapctl gc alpha debug s
t heapctl heaps --js
"""
        env = dict(os.environ, PATH=os.path.dirname(HEAPCTL) + ":" + os.environ["PATH"])
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=30)
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines() == ["collect", "alpha beta", "list", "stats saveall", "--json"], r.stdout


def test_install_layout():
    """cmake --install puts heapctl, both man pages and the completion where Debian looks."""
    build = os.path.normpath(os.path.join(os.path.dirname(HEAPCTL), ".."))
    with tempfile.TemporaryDirectory() as dest:
        r = subprocess.run(["cmake", "--install", build, "--prefix", "/usr", "--component", "heapctl"],
                           capture_output=True,
                           text=True, env=dict(os.environ, DESTDIR=dest), timeout=120)
        assert r.returncode == 0, r.stderr
        for path in ("usr/bin/heapctl", "usr/share/man/man1/heapctl.1", "usr/share/man/man8/heapd.8",
                     "usr/share/bash-completion/completions/heapctl"):
            assert os.path.exists(os.path.join(dest, path)), path
        if shutil.which("man"):
            for page in ("usr/share/man/man1/heapctl.1", "usr/share/man/man8/heapd.8"):
                r = subprocess.run(["man", "--warnings", "-l", os.path.join(dest, page)],
                                   capture_output=True, text=True, env=dict(os.environ, MANWIDTH="80"),
                                   timeout=30)
                assert r.returncode == 0 and "EXIT STATUS" in r.stdout, r.stderr
                assert "warning" not in r.stderr, r.stderr


def test_man_page_knows_every_command_and_heapd_flag():
    root = os.environ.get("HD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
    with open(os.path.join(root, "client/man/heapctl.1")) as f:
        page = f.read()
    for c in COMMANDS:
        assert re.search(r"^\.(B|BI|BR) " + re.escape(c) + r"\b", page, re.M), c
    heapd_help = subprocess.run([harness.HEAPD, "--help"], capture_output=True, text=True).stdout
    with open(os.path.join(root, "client/man/heapd.8")) as f:
        page8 = f.read().replace("\\-", "-")
    flags = re.findall(r"^  (--[a-z-]+)", heapd_help, re.M)
    assert len(flags) >= 10, heapd_help
    for flag in flags:
        assert flag in page8, f"heapd.8 does not document {flag}"
