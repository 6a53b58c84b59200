# vars(obj) is obj.__dict__: the instance's own dict, made on demand (issue 5, s4)
import gc
import sys


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


p = Point(1, 2)
d = vars(p)
print(d, d is p.__dict__, sys.getrefcount(d), gc.is_tracked(d))
d["z"] = 3
print(p.z, vars(p))
print(sorted([k for k in vars(Point) if not k.startswith("__")]))
print(sys.getsizeof(vars(p)))
del p
print(d)
