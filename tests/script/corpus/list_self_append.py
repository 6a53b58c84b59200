# A list that contains itself.
import gc
import sys

gc.collect()
l = [1, 2]
l.append(l)
print(l)
print(len(l), l[2] is l, sys.getrefcount(l))
print(repr(l[2][2][2]))
del l
print("collected:", gc.collect())

m = []
m.append(m)
m.clear()
del m
print("cleared first, collected:", gc.collect())

d = {}
d["self"] = d
print(d)
del d
print("dict cycle collected:", gc.collect())
