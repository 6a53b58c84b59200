# dict.fromkeys: a classmethod (each `dict.fromkeys` or `{}.fromkeys` load
# makes a bound method, released after the call), a dict of the generic
# allocation, presized for a dict's or a set's keys (a general table for a
# set's str keys), grown key by key for anything else (issue 5, s4)
import gc
import sys
import tracemalloc

print(dict.fromkeys(["a", "b", "c"]), dict.fromkeys("xyz", 0), {}.fromkeys(range(3), []))
for src in ([], {}, set(), ["k"], {"a": 1, "b": 2}, {"a", "b", "c"}, frozenset(range(6)),
            list(range(6)), {i: i for i in range(20)}, set(range(20)), {1: 2, "x": 3},
            range(40), {str(i): i for i in range(11)}, {str(i) for i in range(11)}):
    d = dict.fromkeys(src)
    print(len(d), sys.getsizeof(d), gc.is_tracked(d), gc.is_tracked(dict.fromkeys(src, [])))
shared = []
d = dict.fromkeys(range(3), shared)
print(d[0] is d[2], sys.getrefcount(shared))
f = {"q": 1}.fromkeys
print(f(["m", "n"]), dict.fromkeys(iter([1, 1, 2])))
gc.collect()
before = gc.get_count()[0]
d2 = dict.fromkeys([1, 2])
print(gc.get_count()[0] - before)
tracemalloc.start()
tracemalloc.reset_peak()
d3 = dict.fromkeys({"a": 1})
cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
tracemalloc.stop()
print(dict.fromkeys([[1]]))
