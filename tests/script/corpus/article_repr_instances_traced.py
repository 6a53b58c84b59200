# Printing objects without __repr__ inside containers while tracing.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
class Thing:
    pass
class LongerClassNameForTesting:
    pass
items = [Thing(), LongerClassNameForTesting(), Thing()]
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
s = repr(items)
c, p = tracemalloc.get_traced_memory()
print(len(s), c - b, p - b)
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
t = str({1: items[0], "k": (items[1],)})
c, p = tracemalloc.get_traced_memory()
print(len(t), c - b, p - b)
tracemalloc.stop()
