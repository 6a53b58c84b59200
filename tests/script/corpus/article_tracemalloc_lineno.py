# tracemalloc statistics by line number.
import tracemalloc

tracemalloc.start()
a = [[] for _ in range(50)]
b = {i: str(i) for i in range(30)}
c = "x" * 10000
snap = tracemalloc.take_snapshot()
for stat in snap.statistics("lineno")[:4]:
    print(stat)
tracemalloc.stop()
