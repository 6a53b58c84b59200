"""test_heapctl_exec_names.py: `heapctl exec HEAP FILE` names the program
as python3 names its main module, so what a program prints about itself
(tracemalloc's FILE:LINE) and the error line match python3's for the same
file run the same way: a relative FILE is joined to the working directory
(not normalised: ./p.py stays /dir/./p.py), an absolute one is kept, and -
is <stdin>. python3 is the oracle: both run in the same directory and their
outputs are compared, nothing is written down here."""
import os
import re
import subprocess
import tempfile

from harness import Server
from heapctl_util import HEAPCTL, ok

HERE = os.path.dirname(os.path.abspath(__file__))
PYSHIM = os.path.join(HERE, "../script/pyshim")

# prints the site of its largest allocation, then fails on line 6
PROG = """import tracemalloc
tracemalloc.start()
big = [0] * 1000
top = tracemalloc.take_snapshot().statistics("lineno")[0]
print(top.traceback)
print(undefined_name)
"""

FILE_LINE = re.compile(r'File "([^"]*)", line (\d+)')


def python3(args, cwd, source=None):
    """python3 as tests/script/compare.py runs it (its sitecustomize stops
    the interpreter after the main module)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=PYSHIM)
    return subprocess.run(["/usr/bin/python3"] + args, cwd=cwd, input=source, env=env,
                          capture_output=True, text=True, timeout=60)


def heapctl(server, heap, arg, cwd, source=None):
    return subprocess.run([HEAPCTL, "--url", server.url, "exec", heap, arg], cwd=cwd,
                          input=source, capture_output=True, text=True, timeout=60)


def check_same(p, h, what):
    assert p.returncode == 1 and h.returncode == 1, (what, p, h)
    assert h.stdout == p.stdout, f"{what}: stdout\n python3: {p.stdout!r}\n heapctl: {h.stdout!r}"
    # python3's last frame and heapctl's error line name the same file and line
    pl = FILE_LINE.findall(p.stderr)[-1]
    hl = FILE_LINE.findall(h.stderr)[-1]
    assert hl == pl, f"{what}: error line\n python3: {p.stderr}\n heapctl: {h.stderr}"
    assert h.stderr.splitlines()[-1] == p.stderr.splitlines()[-1], (p.stderr, h.stderr)


def test_exec_names_the_program_as_python3():
    with Server() as s, tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, "sub"))
        with open(os.path.join(tmp, "sub", "prog.py"), "w") as f:
            f.write(PROG)
        n = 0
        for cwd, arg in [(tmp, "sub/prog.py"), (tmp, "./sub/prog.py"),
                         (os.path.join(tmp, "sub"), "prog.py"),
                         (os.path.join(tmp, "sub"), "../sub/prog.py"),
                         ("/", os.path.join(tmp, "sub", "prog.py"))]:
            n += 1
            heap = f"names{n}"
            ok(s, "create", heap)  # a fresh heap per run, as python3 starts afresh
            p = python3([arg], cwd)
            h = heapctl(s, heap, arg, cwd)
            assert os.path.isabs(p.stdout.split(":")[0]), p.stdout  # the oracle's naming
            check_same(p, h, f"{arg} in {cwd}")
        ok(s, "create", "stdin")
        check_same(python3(["-"], tmp, PROG), heapctl(s, "stdin", "-", tmp, PROG), "stdin")


def test_exec_error_line_as_python3():
    """The last line of the error is python3's: 'Type: message', or the bare
    type when the message is empty (StopIteration, MemoryError), not 'Type: '."""
    progs = ["print('a')\nnext(iter([]))\n", "x = [0] * 10**12\n", "d = {}\nd['']\n",
             "print(undefined)\n"]
    with Server() as s, tempfile.TemporaryDirectory() as tmp:
        for n, src in enumerate(progs):
            with open(os.path.join(tmp, "p.py"), "w") as f:
                f.write(src)
            heap = f"err{n}"
            ok(s, "create", heap)
            check_same(python3(["p.py"], tmp), heapctl(s, heap, "p.py", tmp), src)
