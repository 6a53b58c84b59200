# Peak memory while building and printing.
import tracemalloc

tracemalloc.start()
nums = list(range(20))
print(nums)
cur, peak = tracemalloc.get_traced_memory()
print("current", cur, "peak", peak)
tracemalloc.reset_peak()
print(tuple(nums[:5]), {"a": nums[0]})
cur, peak = tracemalloc.get_traced_memory()
print("current", cur, "peak", peak)
tracemalloc.stop()
