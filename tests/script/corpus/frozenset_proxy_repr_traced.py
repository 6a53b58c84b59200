# repr() of a frozenset is set_repr's, as a set's: the items copied into a
# list (a container the collector counts), that list's repr cut to its
# inside, then PyUnicode_FromFormat("%s({%U})") with the type's name; an
# empty one is "%s()" and a recursive one never happens. A class's
# __dict__ (a mappingproxy) prints as PyUnicode_FromFormat("mappingproxy(%R)")
# of its dict, and its str() is its dict's. tracemalloc sees the list, the
# strs and the writers' buffers.
import gc
import tracemalloc

gc.collect()
out = []
for v in [frozenset({1, 2, 3}), frozenset(), frozenset("a"), frozenset([(1, 2)])]:
    c0 = gc.get_count()[0]
    r = repr(v)
    out.append((r, gc.get_count()[0] - c0))
print(out)


class C:
    __slots__ = ()
    x = 1


tracemalloc.start()
fs = frozenset({10, 20, 30})
sizes = []
for v in [fs, frozenset(), frozenset({"b"}), frozenset({fs}), {fs, 1}]:
    tracemalloc.reset_peak()
    c0 = gc.get_count()[0]
    b = tracemalloc.get_traced_memory()[0]
    r = repr(v)
    a = tracemalloc.get_traced_memory()
    sizes.append((a[0] - b, a[1] - b, gc.get_count()[0] - c0))
    del r
print(sizes)
p = C.__dict__
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
r = repr(p)
a = tracemalloc.get_traced_memory()
print(r.startswith("mappingproxy({"), a[0] - b, a[1] - b)
del r
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
r = str(p)
a = tracemalloc.get_traced_memory()
print(r.startswith("{"), a[0] - b, a[1] - b)
tracemalloc.stop()
