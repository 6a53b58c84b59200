# sitecustomize for the python3 side of the script-language tests
# (tests/script/compare.py puts this directory on PYTHONPATH).
#
# heapd keeps a heap alive after a program ends, so the program's objects
# are never torn down and no atexit handler runs. To print the same,
# python3 must stop right after the main module: this module registers
# the first atexit handler, which runs last, after flushing what was
# printed; weakref.finalize is told it already has its own handler, so
# it registers none (finalizers do not run at exit).
import atexit
import os
import sys
import weakref

weakref.finalize._registered_with_atexit = True


def _stop_here():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(1 if getattr(sys, "last_type", None) else 0)


atexit.register(_stop_here)
