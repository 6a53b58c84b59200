# __slots__: no instance dict, smaller instances, no weakrefs unless asked.
import sys
import weakref

class Plain:
    def __init__(self):
        self.x = 1
        self.y = 2

class Slotted:
    __slots__ = ("x", "y")
    def __init__(self):
        self.x = 1
        self.y = 2

class WeakSlotted:
    __slots__ = ("x", "__weakref__")

p, s, w = Plain(), Slotted(), WeakSlotted()
print("sizes:", sys.getsizeof(p), sys.getsizeof(s), sys.getsizeof(w))
print("plain has __dict__:", hasattr(p, "__dict__"), "slotted:", hasattr(s, "__dict__"))
print(p.__dict__)
try_names = []
r = weakref.ref(w)
print("weakref to WeakSlotted works:", r() is w)
print(weakref.ref(p)() is p)
s.x = 10
print(s.x, s.y)
weakref.ref(s)
