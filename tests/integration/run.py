"""run.py: runs one integration test case: `run.py test_file.py test_name`.

CTest registers every `def test_...` of every tests/integration/test_*.py as
its own test (the libuv habit: each case in its own process, with its own
heapd). A case is a plain function; a coroutine function is run with
asyncio. Exit 0 when it passes, 1 with the traceback when it fails.
"""
import asyncio
import importlib.util
import inspect
import os
import sys
import traceback


def main():
    path, name = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fn = getattr(mod, name)
    try:
        if inspect.iscoroutinefunction(fn):
            asyncio.run(fn())
        else:
            fn()
    except Exception:
        traceback.print_exc()
        print(f"FAILED {name}")
        return 1
    import harness
    print(f"passed {name} ({harness.VALIDATED['results']} results, {harness.VALIDATED['errors']} "
          f"errors, {harness.VALIDATED['notifications']} notifications schema-checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
