# Slice assignment resizes a list in place.
import sys

a = list(range(10))
print(sys.getsizeof(a))
a[2:5] = []
print(a, sys.getsizeof(a))
a[1:1] = [100] * 20
print(len(a), sys.getsizeof(a))
print(a[:6], a[::2][:3], a[::-1][:2])
del a[0:14]
print(len(a), sys.getsizeof(a))
b = a
a = a[:]
print(a == b, a is b)
a.insert(0, -1)
print(len(a), len(b))
print(sys.getsizeof(a * 3), sys.getsizeof(a[:0]))
