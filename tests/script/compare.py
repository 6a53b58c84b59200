#!/usr/bin/env python3
"""compare.py: runs heap-script programs with python3 and with heapd's
run_script and checks that both print the same.

    compare.py --run-script PATH [--quiet] FILE.py...

For each file: both run with the file's directory as the working
directory and its base name as the program's name (tracemalloc sites,
tracebacks); python3 is /usr/bin/python3 with PYTHONHASHSEED=0 and the
sitecustomize of pyshim/ (which stops python3 right after the main module,
as heapd keeps its heap). Compared: stdout, the exit status, and after an
error the last line of stderr (CPython's traceback line). Hex addresses
(0x...) are masked in both, since heapd's are simulated. Exit status 0 when
every file matches, 1 otherwise (the differences are printed), 77 (skip)
when /usr/bin/python3 is not CPython 3.11.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ADDR = re.compile(r"0x[0-9a-f]+")


def run(cmd, cwd, env=None, timeout=120):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def last_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else ""


def compile_shim():
    """The shim is always loaded from its .pyc, compiled here by this
    python3 (the oracle): whether python3 compiles sitecustomize.py at
    startup or reads its .pyc changes the free lists the program starts
    with, so a stray __pycache__ made programs that count them pass or fail
    by the order the tests ran in. Writing is atomic (py_compile)."""
    import py_compile
    py_compile.compile(os.path.join(HERE, "pyshim", "sitecustomize.py"), doraise=True)


def python3(path):
    # no PYTHON* setting of the caller's (PYTHONUNBUFFERED would make
    # stdout write through, which changes what print() allocates)
    compile_shim()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing else cached: the same startup every time
    env["PYTHONPATH"] = os.path.join(HERE, "pyshim")
    d, base = os.path.split(os.path.abspath(path))
    return run(["/usr/bin/python3", base], d, env)


def heapd(run_script, path):
    d, base = os.path.split(os.path.abspath(path))
    return run([os.path.abspath(run_script), base], d)


def compare(run_script, path, quiet=False):
    prc, pout, perr = python3(path)
    hrc, hout, herr = heapd(run_script, path)
    pout, hout = ADDR.sub("0x...", pout), ADDR.sub("0x...", hout)
    problems = []
    if pout != hout:
        diff = difflib.unified_diff(pout.splitlines(), hout.splitlines(), "python3", "heapd",
                                    lineterm="", n=2)
        problems.append("stdout differs:\n" + "\n".join(list(diff)[:80]))
    if (prc != 0) != (hrc != 0) or (prc != 0 and prc != hrc):
        problems.append("exit status: python3 %d, heapd %d" % (prc, hrc))
    if prc != 0 and last_line(perr) != last_line(herr):
        problems.append("error line:\n  python3: %s\n  heapd:   %s" %
                        (last_line(perr), last_line(herr)))
    if problems and not quiet:
        print("FAIL %s" % path)
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        if herr and prc == 0:
            print("  heapd stderr: " + herr[-2000:].replace("\n", "\n    "))
    return not problems


def oracle_ok():
    """The oracle is Debian 12's python3 3.11; anything else cannot judge."""
    try:
        p = subprocess.run(["/usr/bin/python3", "-c", "import sys; print(sys.version_info[:2])"],
                           capture_output=True, timeout=30)
    except OSError:
        return False
    return p.stdout.strip() == b"(3, 11)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-script", required=True)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    if not oracle_ok():
        print("SKIP: /usr/bin/python3 is not CPython 3.11")
        return 77
    failed = 0
    for f in args.files:
        if compare(args.run_script, f, args.quiet):
            if not args.quiet:
                print("ok   %s" % f)
        else:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
