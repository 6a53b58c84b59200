# Printing sizes with f-string formatting specs while tracing.
import sys
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
data = {"list": [0] * 100, "dict": {i: i for i in range(50)}, "str": "x" * 500, "tuple": tuple(range(20))}
for name in data:
    obj = data[name]
    print(f"{name:>6}: {sys.getsizeof(obj):6d} bytes, {len(obj):4} items, {sys.getsizeof(obj) / max(len(obj), 1):8.2f} per item")
cur, peak = tracemalloc.get_traced_memory()
print(f"traced {cur:,} bytes (peak {peak:,})")
print(tracemalloc.get_traced_memory())
tracemalloc.stop()
