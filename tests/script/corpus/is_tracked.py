# Which objects the cycle collector tracks.
import gc

class C:
    pass

print("int:", gc.is_tracked(42))
print("str:", gc.is_tracked("hello"))
print("None:", gc.is_tracked(None))
print("empty list:", gc.is_tracked([]))
print("list of ints:", gc.is_tracked([1, 2]))
print("empty dict:", gc.is_tracked({}))
print("dict of atoms:", gc.is_tracked({"a": 1}))
print("dict with a list:", gc.is_tracked({"a": []}))
print("instance:", gc.is_tracked(C()))
t = (1, 2)
print("tuple of ints:", gc.is_tracked(t))
gc.collect()
print("tuple of ints after a collection:", gc.is_tracked(t))
u = ([], 1)
gc.collect()
print("tuple holding a list after a collection:", gc.is_tracked(u))
d = {"k": 1}
d["l"] = []
print("dict after adding a list:", gc.is_tracked(d))
s = {1, 2}
print("set:", gc.is_tracked(s))
print("function:", gc.is_tracked(print), gc.is_tracked(lambda: 0))
