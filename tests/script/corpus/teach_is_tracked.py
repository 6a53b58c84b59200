# Which objects the cycle collector tracks.
import gc

print(gc.is_tracked(1), gc.is_tracked("s"), gc.is_tracked(1.5))
print(gc.is_tracked([]), gc.is_tracked({}), gc.is_tracked(set()))
print(gc.is_tracked(()), gc.is_tracked((1, 2)))
d = {"a": 1}
print(gc.is_tracked(d))
d["b"] = []
print(gc.is_tracked(d))
class A:
    pass
print(gc.is_tracked(A()), gc.is_tracked(A))
t = (1, [])
print(gc.is_tracked(t))
gc.collect()
u = (1, 2)
print(gc.is_tracked(u))
gc.collect()
print(gc.is_tracked(u))
