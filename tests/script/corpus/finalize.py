# weakref.finalize: a callback when an object is garbage collected.
import gc
import weakref

gc.collect()

class Resource:
    def __init__(self, name):
        self.name = name

def cleanup(name, mode):
    print("cleanup", name, mode)

r = Resource("db")
f = weakref.finalize(r, cleanup, "db", mode="closed")
print("alive:", f.alive)
del r
print("alive after del:", f.alive)

r2 = Resource("file")
f2 = weakref.finalize(r2, cleanup, "file", "flushed")
print("call it early:", f2())
print("alive:", f2.alive, "second call:", f2())
del r2

r3 = Resource("socket")
f3 = weakref.finalize(r3, cleanup, "socket", "closed")
print("detach:", f3.detach()[1:])
del r3
print("detached finalizer never runs:", f3.alive)

r4 = Resource("cyclic")
r4.me = r4
f4 = weakref.finalize(r4, cleanup, "cyclic", "collected")
del r4
print("before collect")
gc.collect()
print("end")
