# Without a gc.collect() first, small dicts of str keys made while tracing
# reuse the 8-slot key tables CPython's startup left on the dict keys free
# list: the first 14 cost tracemalloc only their dict object (nothing while
# the dict free list lasts), the 15th its 120-byte table too. The first
# container repr makes the thread state's dict and Py_Repr list, whose
# table also comes from that list.
import sys, tracemalloc

tracemalloc.start()
g = tracemalloc.get_traced_memory
r = [0, 0, 0, 0]
r[0] = g()[0]
x = repr({"a": 0})
r[1] = g()[0]
y = repr((1, 2))
r[2] = g()[0]
print([r[1] - r[0], r[2] - r[1]], x, y)
keep = [None] * 20
out = [0] * 20
for i in range(20):
    b = g()[0]
    keep[i] = {"k": i}
    out[i] = g()[0] - b
print(out)
