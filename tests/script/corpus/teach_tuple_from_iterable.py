# tuple(x) of a sized object or an iterator with an exact length hint is
# PySequence_Tuple: the tuple is allocated at its size and filled, no list
# in between (a list left on the free list would make the next list free
# for tracemalloc).
import gc
import sys
import tracemalloc
gc.collect()
print(gc.get_count())
d = {"a": 1, "b": 2}
for src in [range(5), "abc", {1, 2, 3}, d, d.keys(), d.values(), d.items(), range(0), "", set(), [1, 2], (3,), iter([4, 5]), zip([1], [2]), enumerate("ab"), reversed([1, 2])]:
    c0 = gc.get_count()[0]
    t = tuple(src)
    print(t, gc.is_tracked(t), gc.get_count()[0] - c0, sys.getrefcount(t) if t else 0)
tracemalloc.start()
b = tracemalloc.get_traced_memory()[0]
t1 = tuple(range(30))
t2 = tuple("hello")
l = []
print(tracemalloc.get_traced_memory()[0] - b)
tracemalloc.stop()
tracemalloc.start()
b = g()[0]
l = [1]
print("x")
c = g()[0]
print(c - b)
