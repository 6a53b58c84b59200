# PENDING (python3 not repeatable under CI, cause unknown): in one CI run
# (the ASan pass of 9f5c5f3, 2026-11-22) python3 printed 16432 for m2
# where heapd and python3's other runs print 16428 (30 of 30 runs by hand,
# and every earlier CI run). Back to the corpus once python3's 4 bytes are
# explained.
# Interned keys and dict memory: many dicts with the same keys.
import sys
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
b = tracemalloc.get_traced_memory()[0]
rows = [{"id": i, "name": "n", "ok": True} for i in range(100)]
m1 = tracemalloc.get_traced_memory()[0] - b
class Row:
    def __init__(self, i):
        self.id = i
        self.name = "n"
        self.ok = True
objs = [Row(i) for i in range(100)]
m2 = tracemalloc.get_traced_memory()[0] - b - m1
print(m1, m2, sys.getsizeof(rows[0]), sys.getsizeof(objs[0].__dict__))
print(f"dicts: {m1 / 100:.1f} bytes each, instances: {m2 / 100:.1f} bytes each")
tracemalloc.stop()
