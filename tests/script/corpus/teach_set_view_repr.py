# repr() of a set or a dict view first copies the items into a list (a
# container the collector counts, which stays on the list free list), then
# formats that list's repr; tracemalloc sees the list, its repr and the
# str buffers along the way.
import gc
import tracemalloc

gc.collect()
out = []
for v in [{1, 2, 3}, set(), {"a"}, {(1, 2)}, {"x": 1}.keys()]:
    c0 = gc.get_count()[0]
    r = repr(v)
    out.append((r, gc.get_count()[0] - c0))
print(out)
tracemalloc.start()
d = {1: "one", (2, 3): [4.5]}
s = {10, 20, 30}
sizes = []
for v in [s, set(), {"b"}, d.keys(), d.values(), d.items()]:
    tracemalloc.reset_peak()
    c0 = gc.get_count()[0]
    b = tracemalloc.get_traced_memory()[0]
    r = repr(v)
    a = tracemalloc.get_traced_memory()
    sizes.append((a[0] - b, a[1] - b, gc.get_count()[0] - c0))
    del r
print(sizes)
nested = {frozen for frozen in [(1,), (2,)]}
print(nested, len(repr(nested)))
tracemalloc.stop()
