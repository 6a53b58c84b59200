# a split __dict__ outlives its instance and its class; clear() and a
# non-str key make it combined (issue 5)
import gc
import sys


def make():
    class T:
        def __init__(self):
            self.u = 1
            self.v = "two"

    t = T()
    return t.__dict__, t.__dict__.copy()


d, c = make()
gc.collect()
print(d, c, sys.getsizeof(d), sys.getsizeof(c))
d["w"] = 3
print(d, sys.getsizeof(d))
c.clear()
print(c, sys.getsizeof(c))
c["x"] = 1
print(c, sys.getsizeof(c))


class S:
    pass


objs = []
for i in range(5):
    s = S()
    s.a = i
    objs.append(s.__dict__)
print([sys.getsizeof(x) for x in objs], objs)
objs[0][("t",)] = 0
objs[1].clear()
del objs[2]["a"]
print([sys.getsizeof(x) for x in objs], objs)
del S, s
gc.collect()
print(objs, [sys.getsizeof(x) for x in objs])
