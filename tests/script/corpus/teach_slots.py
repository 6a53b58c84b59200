# __slots__ saves the per-instance dict.
import sys

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
b.x = 10
print(b.x, b.y)
a.z = 3
print(a.z)
b.z = 3
