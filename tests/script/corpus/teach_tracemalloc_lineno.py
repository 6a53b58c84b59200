# tracemalloc: where memory was allocated, by line (sizes in KiB).
import tracemalloc

tracemalloc.start()
data = [list(range(20)) for i in range(50)]
text = "x" * 5000
table = {i: str(i) for i in range(200)}
snap = tracemalloc.take_snapshot()
for stat in snap.statistics("lineno")[:3]:
    print(stat.traceback, stat.size // 1024, "KiB")
tracemalloc.stop()
