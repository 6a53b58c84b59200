# The first weakref.finalize imports atexit (through importlib, whose
# memory stays at its own lines) and registers the exit function: what
# tracemalloc counts then, current and peak, and where it puts it; a
# second finalize costs only its own objects, at weakref.py's lines. A
# call with keywords unpacks them onto a new stack (_PyStack_UnpackDict),
# alive at the import's peak.
import gc
import tracemalloc
import weakref


class R:
    pass


def cb(a=0, b=0, mode=0):
    pass


r = R()
r2 = R()
cur = peak = 0
gc.collect()
tracemalloc.start()
f = weakref.finalize(r, cb, 1, 2, mode=3)
cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
tracemalloc.reset_peak()
f2 = weakref.finalize(r2, cb)
cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
snap = tracemalloc.take_snapshot()
for stat in snap.statistics("lineno"):
    print(stat)
