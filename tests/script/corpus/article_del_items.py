# del on subscripts, slices and attributes.
import sys

class Holder:
    pass

obj = [0]
h = Holder()
h.a = obj
h.b = obj
lst = [obj, obj, obj]
d = {"x": obj, "y": obj}
print(sys.getrefcount(obj))
del h.a
print(sys.getrefcount(obj))
del lst[0]
print(sys.getrefcount(obj))
del lst[:]
print(sys.getrefcount(obj))
del d["x"], d["y"]
print(sys.getrefcount(obj), d, lst)
del h.b
print(sys.getrefcount(obj))
