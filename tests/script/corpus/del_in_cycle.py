# Since Python 3.4 (PEP 442), cycles with __del__ are collected too.
import gc

gc.collect()

class Part:
    def __init__(self, name):
        self.name = name
        self.peer = None
    def __del__(self):
        print("__del__", self.name, "peer:", self.peer.name)

a = Part("a")
b = Part("b")
a.peer = b
b.peer = a
del a, b
print("before collect")
n = gc.collect()
print("collected", n)
print("garbage:", gc.garbage)
