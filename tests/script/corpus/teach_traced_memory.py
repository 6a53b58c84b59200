# get_traced_memory() before and after, and the peak (in KiB, as a lecture
# would round them).
import tracemalloc

tracemalloc.start()
cur0, peak0 = tracemalloc.get_traced_memory()
print(cur0, peak0)
big = [0] * 10000
cur1, peak1 = tracemalloc.get_traced_memory()
print((cur1 - cur0) // 1024, peak1 >= cur1)
del big
cur2, peak2 = tracemalloc.get_traced_memory()
print(cur1 - cur2 >= 80000, (peak2 - cur2) // 1024)
tracemalloc.reset_peak()
cur3, peak3 = tracemalloc.get_traced_memory()
print(peak3 - cur3 < 1024)
print(tracemalloc.is_tracing())
tracemalloc.stop()
print(tracemalloc.is_tracing(), tracemalloc.get_traced_memory())
