# List operations and their sizes.
import sys

a = [1, 2, 3]
print(sys.getsizeof(a))
a.insert(0, 0)
print(sys.getsizeof(a))
a.extend([4, 5, 6, 7, 8])
print(sys.getsizeof(a))
a += [9]
print(sys.getsizeof(a))
b = a + a
print(sys.getsizeof(b), len(b))
a.remove(0)
a.pop(0)
print(sys.getsizeof(a), len(a))
del a[:5]
print(sys.getsizeof(a), a)
a.sort(reverse=True)
print(a, sys.getsizeof(a))
c = a[:]
d = a[::2]
print(sys.getsizeof(c), sys.getsizeof(d))
a *= 3
print(len(a), sys.getsizeof(a))
