# Sets and dicts of tuples: hashing keeps tuples tracked or not.
import gc
import sys

s = {(1, 2), (3, 4)}
d = {(1, "a"): [1], (2, "b"): [2]}
gc.collect()
print([gc.is_tracked(t) for t in s], [gc.is_tracked(k) for k in d])
print(sys.getsizeof(s), sys.getsizeof(d))
t = (1, [2])
print(gc.is_tracked(t), t in {t: 1} if False else "unhashable skip")
print(sorted(s), len(d))
