# Cycles through lists and dicts.
import gc

gc.collect()
lst = []
d = {"list": lst}
lst.append(d)
print(lst, d)
del lst, d
print(gc.collect())

a = [1]
b = [2, a]
a.append(b)
c = {"a": a, "b": b}
c["c"] = c
del a, b, c
print(gc.collect())

s = []
s.append(s)
s.append(s)
print(s, len(s))
del s
print(gc.collect())
