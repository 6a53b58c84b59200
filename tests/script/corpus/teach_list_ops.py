# Sizes of lists made in different ways.
import sys

print(sys.getsizeof([]), sys.getsizeof([0]), sys.getsizeof([0, 1, 2, 3, 4]))
a = [0] * 10
print("repeat", sys.getsizeof(a))
b = list(range(10))
print("list(range)", sys.getsizeof(b))
c = [i for i in range(10)]
print("comprehension", sys.getsizeof(c))
d = []
d.extend(range(10))
print("extend range", sys.getsizeof(d))
e = []
e.extend([1, 2, 3])
print("extend list", sys.getsizeof(e))
f = b[2:7]
print("slice", len(f), sys.getsizeof(f))
g = b + c
print("concat", sys.getsizeof(g))
h = b[:]
h += [1]
print("iadd", sys.getsizeof(h))
del b[0:8]
print("del slice", len(b), sys.getsizeof(b))
b.clear()
print("clear", sys.getsizeof(b))
print(sys.getsizeof(sorted(c)), list(reversed(c))[:3])
