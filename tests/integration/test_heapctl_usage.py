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
        ["--url", "", "heaps"],  # not the default: an empty $VAR must not reach another server
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


def test_bash_completion_knows_every_command_and_option():
    """The completion's commands and options are those of heapctl --help and
    each COMMAND --help (so a new option cannot be forgotten there), and a
    new heap's name is not completed as a file."""
    src = os.path.join(os.environ.get("HD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../..")),
                       "client/heapctl.bash-completion")

    def options(text):
        return set(re.findall(r"^  (--[a-z-]+)", text.split("Options", 1)[1], re.M)) if "Options" in text else set()

    top = ctl(None, "--help").stdout
    global_opts = options(top) | {"--help"}
    lines = [f"source {src}",
             't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _heapctl; '
             'echo "${COMPREPLY[*]}"; }',
             't heapctl ""']
    lines += [f"t heapctl {c} --" for c in COMMANDS]
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "afile"), "w").close()
        lines.append(f"cd {d} && t heapctl create a \"\"")
        r = subprocess.run(["bash", "-c", "\n".join(lines)], capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, PATH="/nonexistent:" + os.environ["PATH"]))
    assert r.returncode == 0, r.stderr
    out = r.stdout.split("\n")
    assert set(out[0].split()) == set(COMMANDS) | {"help"}, out[0]
    for c, got in zip(COMMANDS, out[1:]):
        want = global_opts | options(ctl(None, c, "--help").stdout)
        assert set(got.split()) == want, (c, sorted(set(got.split()) ^ want))
    assert out[1 + len(COMMANDS)] == "", out


def test_install_layout():
    """cmake --install puts heapctl, both man pages and the completion where
    Debian looks: heapctl's component holds heapctl, heapctl(1) and the
    completion; heapd's (CMake's default, Unspecified) holds heapd and heapd(8)."""
    build = os.path.normpath(os.path.join(os.path.dirname(HEAPCTL), ".."))
    components = {"heapctl": ["usr/bin/heapctl", "usr/share/man/man1/heapctl.1",
                              "usr/share/bash-completion/completions/heapctl"],
                  "Unspecified": ["usr/bin/heapd", "usr/share/man/man8/heapd.8"]}
    with tempfile.TemporaryDirectory() as dest:
        for component, paths in components.items():
            d = os.path.join(dest, component)
            r = subprocess.run(["cmake", "--install", build, "--prefix", "/usr", "--component", component],
                               capture_output=True, text=True, env=dict(os.environ, DESTDIR=d), timeout=120)
            assert r.returncode == 0, r.stderr
            for path in paths:
                assert os.path.exists(os.path.join(d, path)), (component, path)
        assert not os.path.exists(os.path.join(dest, "heapctl/usr/share/man/man8/heapd.8"))
        if shutil.which("man"):
            for page in ("heapctl/usr/share/man/man1/heapctl.1", "Unspecified/usr/share/man/man8/heapd.8"):
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


def _on_a_tty(args, env=None):
    """heapctl ARGS with stdout and stderr on a pseudo-terminal; returns
    (exit code, everything it wrote)."""
    import pty
    master, slave = pty.openpty()
    full_env = dict(os.environ)
    for k in ("HEAPD_URL", "HEAPD_TOKEN", "NO_COLOR"):
        full_env.pop(k, None)
    full_env.update(env or {})
    try:
        p = subprocess.run([HEAPCTL] + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                           env=full_env, timeout=30)
    finally:
        os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.returncode, out.decode()


def test_colour_on_a_terminal_by_default_and_never_with_no_color():
    """--color auto: tables and errors are coloured on a terminal (and only
    there: test_heapctl_commands checks a pipe), never with NO_COLOR, and
    --json stays plain JSON even on a terminal."""
    with Server() as s:
        ok(s, "create", "demo")
        rc, out = _on_a_tty(["--url", s.url, "heaps"])
        assert rc == 0 and out.startswith("\x1b[1mHEAP "), repr(out)
        rc, out = _on_a_tty(["--url", s.url, "info", "nope"])
        assert rc == 1 and "\x1b[31merror -32000\x1b[0m" in out, repr(out)
        for args in (["heaps"], ["info", "nope"], ["alloc", "demo", "--map"], ["show", "demo", "#1"]):
            rc, out = _on_a_tty(["--url", s.url] + args, env={"NO_COLOR": "1"})
            assert rc in (0, 1) and out and "\x1b" not in out, (args, repr(out))
        rc, out = _on_a_tty(["--url", s.url, "--json", "heaps"])
        assert rc == 0 and "\x1b" not in out and out.startswith('{"heaps":'), repr(out)


def test_lost_connection_during_a_call_exits_3():
    """heapd dies while heapctl waits for its answer: exit 3, saying so and where."""
    limits = {"limits": {"script_steps": 1 << 40, "script_time": 60000}}
    with Server(config=limits) as s, tempfile.TemporaryDirectory() as d:
        ok(s, "create", "demo")
        prog = os.path.join(d, "loop.py")
        with open(prog, "w") as f:
            f.write("i = 0\nwhile True:\n    i += 1\n")
        p = subprocess.Popen([HEAPCTL, "--url", s.url, "exec", "demo", prog], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # connected and waiting: the script runs for a minute
        s.kill()
        out, err = p.communicate(timeout=30)
        assert p.returncode == 3, (p.returncode, out, err)
        assert err.startswith(f"heapctl: lost the connection to heapd at {s.url}: "), err
        assert out == "", out


def test_answer_timeout_exits_3_naming_the_url():
    """--timeout bounds the wait for each answer too; the message says where."""
    limits = {"limits": {"script_steps": 1 << 40, "script_time": 60000}}
    with Server(config=limits) as s:
        ok(s, "create", "demo")
        t0 = time.monotonic()
        r = ctl(s, "--timeout", "1", "exec", "demo", "-", input="while True:\n    pass\n")
        assert r.returncode == 3 and r.stdout == "", r
        assert r.stderr == f"heapctl: no answer from heapd at {s.url} within 1000 ms (see --timeout)\n", r.stderr
        assert time.monotonic() - t0 < 30
        s.kill()  # still running the script: no clean stop to wait for


# Brings the loopback interface up in a fresh network namespace (it starts
# down), then runs heapctl without --url or HEAPD_URL: first with nothing
# listening, then against a heapd on 127.0.0.1:7468. Prints a JSON report.
_NETNS_PROG = r"""
import fcntl, json, os, socket, struct, subprocess, sys
sys.path.insert(0, sys.argv[1])
import harness
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", 0x1 | 0x8 | 0x40))  # SIOCSIFFLAGS: UP LOOPBACK RUNNING
env = {k: v for k, v in os.environ.items() if k not in ("HEAPD_URL", "HEAPD_TOKEN")}
report = {}
r = subprocess.run([sys.argv[2], "heaps"], capture_output=True, text=True, env=env, timeout=30)
report["down"] = [r.returncode, r.stdout, r.stderr]
with harness.Server(listen="127.0.0.1:7468") as srv:
    for name, extra in (("up", {}), ("empty", {"HEAPD_URL": ""})):
        r = subprocess.run([sys.argv[2], "info"], capture_output=True, text=True,
                           env=dict(env, **extra), timeout=30)
        report[name] = [r.returncode, r.stdout, r.stderr]
print(json.dumps(report))
"""


def test_default_url_in_a_private_network():
    """Without --url and HEAPD_URL (or with HEAPD_URL empty) heapctl talks to
    ws://127.0.0.1:7468/ws. Run where nothing else can listen on that port:
    a private network namespace (unshare -rn, util-linux)."""
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run(["unshare", "-rn", "/usr/bin/python3", "-c", _NETNS_PROG, here, HEAPCTL],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, ("unshare -rn (a private network namespace) is needed", r.stderr)
    import json
    rep = json.loads(r.stdout)
    rc, out, err = rep["down"]
    assert rc == 3 and out == "", rep["down"]
    assert err.startswith("heapctl: cannot connect to heapd at ws://127.0.0.1:7468/ws: "), err
    for case in ("up", "empty"):
        rc, out, err = rep[case]
        assert rc == 0 and err == "", rep[case]
        assert re.search(r"^server +heapd \S+ \(protocol 1\) at ws://127\.0\.0\.1:7468/ws$", out, re.M), out
