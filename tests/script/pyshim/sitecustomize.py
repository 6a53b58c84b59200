# sitecustomize for the python3 side of the script-language tests
# (tests/script/compare.py puts this directory on PYTHONPATH).
#
# heapd keeps a heap alive after a program ends: its objects are never torn
# down and no exit handler runs. To print the same, python3 must stop right
# after the main module: this registers the first atexit handler (it runs
# last), which flushes what was printed and leaves at once; handlers the
# program (or weakref.finalize) registers later are ignored, since they
# would run before it. Kept minimal (no imports beyond what site has
# loaded), so that the program starts in the state a plain `python3 file.py`
# starts in as nearly as possible.
import atexit
import os
import sys


def _stop_here():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(1 if getattr(sys, "last_type", None) else 0)


atexit.register(_stop_here)
atexit.register = lambda func, *args, **kwargs: func
