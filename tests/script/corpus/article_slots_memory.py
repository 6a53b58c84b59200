# __slots__ instances have no __dict__ and are smaller.
import sys
import gc

class WithDict:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class WithSlots:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x = x
        self.y = y

a = WithDict(1, 2)
b = WithSlots(1, 2)
print(sys.getsizeof(a), sys.getsizeof(b))
print(hasattr(a, "__dict__"), hasattr(b, "__dict__"))
print(gc.is_tracked(a), gc.is_tracked(b))
b.x = b
del b
print(gc.collect())
c = WithSlots(3, 4)
c.z = 5
