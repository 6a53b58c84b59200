# Comparing two tracemalloc snapshots.
import tracemalloc

tracemalloc.start()
keep = []
snap1 = tracemalloc.take_snapshot()
for i in range(100):
    keep.append(bytes(100))
more = {"k": list(range(50))}
snap2 = tracemalloc.take_snapshot()
for diff in snap2.compare_to(snap1, "lineno")[:3]:
    print(diff)
tracemalloc.stop()
