# Comprehension sizes vs list() and append loops.
import sys

a = [i for i in range(10)]
b = list(range(10))
c = []
for i in range(10):
    c.append(i)
d = [0] * 10
print(sys.getsizeof(a), sys.getsizeof(b), sys.getsizeof(c), sys.getsizeof(d))
e = {i: i for i in range(10)}
f = dict(zip(range(10), range(10)))
print(sys.getsizeof(e), sys.getsizeof(f))
g = {i for i in range(10)}
h = set(range(10))
print(sys.getsizeof(g), sys.getsizeof(h))
s = "".join([str(i) for i in range(10)])
print(s, sys.getsizeof(s))
t = tuple(range(10))
print(sys.getsizeof(t), sys.getsizeof(tuple(a)))
