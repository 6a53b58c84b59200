# sys.getsizeof of dicts and sets as they grow.
import sys

d = {}
last = sys.getsizeof(d)
print("dict", 0, last)
for i in range(50):
    d[i] = i
    if sys.getsizeof(d) != last:
        last = sys.getsizeof(d)
        print("dict", len(d), last)
s = set()
last = sys.getsizeof(s)
print("set", 0, last)
for i in range(50):
    s.add(i)
    if sys.getsizeof(s) != last:
        last = sys.getsizeof(s)
        print("set", len(s), last)
d.clear()
print(sys.getsizeof(d), sys.getsizeof({}), sys.getsizeof(dict(a=1)))
