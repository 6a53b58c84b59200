# Memory of a growing dict, measured with tracemalloc and getsizeof.
import sys
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
d = {}
last = 0
for i in range(30):
    d[f"key{i}"] = i
    cur = tracemalloc.get_traced_memory()[0]
    if sys.getsizeof(d) != last:
        last = sys.getsizeof(d)
        print(i, len(d), last, cur)
print(tracemalloc.get_traced_memory())
tracemalloc.stop()
