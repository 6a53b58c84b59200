# An object that refers to itself is only freed by the cycle collector.
import gc
import weakref

gc.collect()

class Obj:
    def __init__(self, name):
        self.name = name
        self.me = self

o = Obj("loop")
r = weakref.ref(o)
del o
print("after del, still alive:", r() is not None)
print("unreachable found:", gc.collect())
print("after collect, alive:", r() is not None)
