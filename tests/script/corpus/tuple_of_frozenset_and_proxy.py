# tuple() of a frozenset and of a class's __dict__ (a mappingproxy):
# PySequence_Tuple, as for any object with a length: the tuple is made at
# its size and filled from the object's iterator, no list in between.
# Counted by the collector and tracemalloc.
import gc
import tracemalloc


class C:
    __slots__ = ()
    a = 1


gc.collect()
tracemalloc.start()
rows = []
for make in [lambda: frozenset({1, 2, 3}), lambda: C.__dict__, lambda: frozenset()]:
    src = make()
    c0 = gc.get_count()[0]
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    t = tuple(src)
    a = tracemalloc.get_traced_memory()
    rows.append((len(t), gc.get_count()[0] - c0, a[0] - b, a[1] - b))
    del t, src
for r in rows:
    print(r)
print(sorted(tuple(frozenset("abc"))), sorted(tuple(C.__dict__)))
tracemalloc.stop()
