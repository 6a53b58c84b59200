# The classic tracemalloc session: start, allocate, snapshot, top lines.
import gc
import tracemalloc

class Record:
    def __init__(self, i):
        self.i = i
        self.tags = [i, i + 1]

gc.collect()
tracemalloc.start()

records = [Record(i) for i in range(200)]
lookup = {}
for r in records:
    lookup[r.i] = r
text = [str(i) * 3 for i in range(100)]

snapshot = tracemalloc.take_snapshot()
top = snapshot.statistics("lineno")
print("[ Top 5 ]")
for stat in top[:5]:
    print(stat)
current, peak = tracemalloc.get_traced_memory()
print("current > 0:", current > 0, "peak >= current:", peak >= current)
tracemalloc.stop()
print("tracing:", tracemalloc.is_tracing())
