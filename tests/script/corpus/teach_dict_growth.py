# A dict grows its table in steps; deleting keys does not shrink it.
import sys

d = {}
last = sys.getsizeof(d)
print(0, last)
for i in range(50):
    d[i] = i
    s = sys.getsizeof(d)
    if s != last:
        print(len(d), s)
        last = s
for i in range(45):
    del d[i]
print("after deleting 45:", len(d), sys.getsizeof(d))
d.clear()
print("after clear:", sys.getsizeof(d))
s1 = {"a": 1}
s2 = dict(a=1)
s3 = dict([("a", 1)])
print(sys.getsizeof(s1), sys.getsizeof(s2), sys.getsizeof(s3))
print(sys.getsizeof({k: k for k in range(6)}))
str_keys = {}
for w in ["alpha", "beta", "gamma", "delta", "eps", "zeta"]:
    str_keys[w] = len(w)
print(sys.getsizeof(str_keys))
