# sitecustomize for the python3 side of the script-language tests
# (tests/script/compare.py puts this directory on PYTHONPATH).
#
# heapd keeps a heap alive after a program ends: its objects are never torn
# down and no exit handler runs. To print the same, python3 must stop right
# after the main module (and after printing the traceback of an uncaught
# exception), before any atexit handler, weakref.finalize or module teardown
# runs. The first thing interpreter shutdown does is call
# threading._shutdown() if a module named threading is loaded: a stand-in
# for it flushes and leaves. (The script language has no threading module,
# so no program under test imports the real one.) Nothing else is imported
# or replaced, so the program starts as under a plain `python3 FILE.py`.
import sys


def _stop_here():
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(1 if hasattr(sys, "last_type") else 0)


_threading = type(sys)("threading")
_threading._shutdown = _stop_here
sys.modules["threading"] = _threading
del _threading
