# Tuples: fixed size, no over-allocation.
import sys

print(sys.getsizeof(()), sys.getsizeof((1,)), sys.getsizeof((1, 2)), sys.getsizeof(tuple(range(10))))
t = (1, 2, 3)
u = t + (4,)
print(u, sys.getsizeof(u))
v = tuple([1, 2, 3])
print(t == v, t is v)
e1 = ()
e2 = tuple()
print(e1 is e2)
nested = ([1], [2])
nested[0].append(5)
print(nested)
a, b = 1, 2
a, b = b, a
print(a, b)
x, (y, z) = 1, (2, 3)
print(x, y, z)
print(t * 2, t[::-1], t.count(2), t.index(3))
