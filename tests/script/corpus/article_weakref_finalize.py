# weakref.finalize runs once, when the object dies or when called.
import weakref
import gc

class Resource:
    def __init__(self, name):
        self.name = name

def cleanup(name):
    print("cleanup", name)
    return name.upper()

r1 = Resource("file")
f1 = weakref.finalize(r1, cleanup, "file")
print(f1.alive)
del r1
print(f1.alive)

r2 = Resource("socket")
f2 = weakref.finalize(r2, cleanup, "socket")
print(f2())
print(f2(), f2.alive)
del r2

r3 = Resource("cycle")
r3.me = r3
f3 = weakref.finalize(r3, cleanup, "cycle")
del r3
print(gc.collect())
print(f3.alive)
