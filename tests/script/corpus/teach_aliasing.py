# Aliasing: two names, one object; sys.getrefcount counts every reference.
import sys

a = [1, 2, 3]
print(sys.getrefcount(a))
b = a
print(sys.getrefcount(a), a is b)
b.append(4)
print(a)
c = [a, a, a]
print(sys.getrefcount(a))
del c
print(sys.getrefcount(a))
d = {"x": a, "y": a}
print(sys.getrefcount(a))
d["x"] = None
print(sys.getrefcount(a))
del b
print(sys.getrefcount(a))
copy = a[:]
print(copy == a, copy is a, sys.getrefcount(copy))
