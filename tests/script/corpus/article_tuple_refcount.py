# Tuples: packing and unpacking references.
import sys

x = [1]
t = (x, x, x)
print(sys.getrefcount(x))
a, b, c = t
print(sys.getrefcount(x))
del a, b, c
u = t + (x,)
print(sys.getrefcount(x), len(u))
del t, u
print(sys.getrefcount(x))
p, q = [x, x]
print(sys.getrefcount(x))
p, q = q, p
print(sys.getrefcount(x))
