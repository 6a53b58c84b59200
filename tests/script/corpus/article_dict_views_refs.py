# Dict views and iterators hold the dict.
import sys
import gc

d = {"a": 1, "b": 2}
print(sys.getrefcount(d))
k = d.keys()
v = d.values()
it = iter(d)
print(sys.getrefcount(d))
print(list(k), list(v), next(it))
d["c"] = 3
print(list(k), len(v))
del k, v, it
print(sys.getrefcount(d))
print(gc.is_tracked(d.items()), type(d.items()).__name__)
