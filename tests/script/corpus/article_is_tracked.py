# Which objects the cycle collector tracks.
import gc

print(gc.is_tracked(1), gc.is_tracked("a"), gc.is_tracked(1.5))
print(gc.is_tracked([]), gc.is_tracked(()), gc.is_tracked((1, 2)))
print(gc.is_tracked({}), gc.is_tracked({"a": 1}), gc.is_tracked({"a": []}))
print(gc.is_tracked({1, 2}), gc.is_tracked((1, [])))
t = (1, 2)
gc.collect()
print(gc.is_tracked(t))
d = {"a": 1}
d["b"] = []
print(gc.is_tracked(d))

class K:
    pass

print(gc.is_tracked(K()), gc.is_tracked(K))
