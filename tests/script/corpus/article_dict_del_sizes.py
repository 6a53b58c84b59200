# Deleting from a dict does not shrink it; a copy is compact.
import sys

d = {}
for i in range(100):
    d["k%d" % i] = i
print(sys.getsizeof(d))
for i in range(95):
    del d["k%d" % i]
print(len(d), sys.getsizeof(d))
e = dict(d)
print(sys.getsizeof(e))
f = d.copy()
print(sys.getsizeof(f))
d.clear()
print(sys.getsizeof(d))
g = {k: v for k, v in e.items()}
print(sys.getsizeof(g))
