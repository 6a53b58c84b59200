# A weak reference does not keep its object alive.
import sys
import weakref

class Big:
    def __init__(self, n):
        self.n = n

b = Big(1)
r = weakref.ref(b)
print(r() is b, r().n)
print("refcount unchanged by the weakref:", sys.getrefcount(b))
print("weak count:", weakref.getweakrefcount(b))
r2 = weakref.ref(b)
print("plain refs are shared:", r is r2)
del b
print("dead:", r(), r2())
print("weak count of a dead ref's target gone:", r() is None)
