# tracemalloc: current and peak traced memory.
import tracemalloc

tracemalloc.start()
data = [str(i) for i in range(200)]
current, peak = tracemalloc.get_traced_memory()
print("current", current, "peak", peak)
del data
current2, peak2 = tracemalloc.get_traced_memory()
print("after del", current2, peak2 == peak)
tracemalloc.reset_peak()
small = [0] * 100
c3, p3 = tracemalloc.get_traced_memory()
print(c3 - current2, p3 >= c3)
tracemalloc.stop()
print(tracemalloc.get_traced_memory())
