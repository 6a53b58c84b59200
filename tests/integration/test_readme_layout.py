"""test_readme_layout.py: README.md's Layout section names every directory
of the source tree a newcomer looks for (each top-level directory, and for
daemon/ and tests/ each one under them), read from the tree itself, so a
new directory cannot go unmentioned. Needs no heapd."""
import os
import re

ROOT = os.environ.get("HD_SOURCE_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))


def tracked_dirs():
    """Directories holding files git tracks, or None outside a git checkout
    (then the tree itself is read): an empty or untracked directory left by
    a tool is not part of the source."""
    import subprocess
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    dirs = set()
    for path in out.splitlines():
        parts = path.split("/")[:-1]
        for k in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:k]))
    return dirs


TRACKED = tracked_dirs()


def subdirs(rel):
    d = os.path.join(ROOT, rel)
    return sorted(p for p in (os.path.join(rel, n) if rel else n for n in os.listdir(d)
                              if os.path.isdir(os.path.join(d, n)) and not n.startswith((".", "build"))
                              and n != "node_modules")
                  if TRACKED is None or p in TRACKED)


def test_layout_names_every_directory():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    layout = re.search(r"^## Layout\n(.*?)^## ", text, re.S | re.M).group(1)
    named = set(re.findall(r"`([A-Za-z0-9_./-]+)/`", layout))
    # daemon/ and tests/ are named by their subdirectories
    want = [d for d in subdirs("") if d not in ("daemon", "tests")]
    want += subdirs("tests") + subdirs("daemon")
    assert len(want) >= 15, want
    missing = [d for d in want if d not in named]
    assert not missing, f"README.md's Layout does not name: {missing}"
