# del removes a name, not an object; rebinding moves the name.
import sys
import weakref

class Box:
    def __init__(self, label):
        self.label = label
    def __del__(self):
        print("freeing", self.label)

a = Box("one")
b = a
print(sys.getrefcount(a))
del a
print("a deleted, b still", b.label)
b = Box("two")
print("b rebound")
c = b
b = None
print("b is None, c holds", c.label)
r = weakref.ref(c)
c = Box("three")
print("alive?", r() is not None)
del c
print("end")
