# Deleting and re-adding keys: the table keeps its size; order is insertion order.
import sys

d = {}
for i in range(8):
    d[i] = str(i)
print(sys.getsizeof(d), list(d))
for i in range(0, 8, 2):
    del d[i]
print(sys.getsizeof(d), list(d))
for i in range(0, 8, 2):
    d[i] = "again"
print(sys.getsizeof(d), list(d))
d.pop(1)
print(d.popitem(), len(d))
print(d.setdefault(99, "new"), sys.getsizeof(d))
copy = dict(d)
print(sys.getsizeof(copy), copy == d)
