# weakref.finalize: a callback with arguments, run once.
import gc
import weakref

gc.collect()

class Resource:
    pass

def cleanup(name, n):
    print("cleanup", name, n)

r = Resource()
f = weakref.finalize(r, cleanup, "res", 1)
print(f.alive)
del r
print(f.alive)
r2 = Resource()
f2 = weakref.finalize(r2, cleanup, "res2", 2)
print(f2())
print(f2.alive, f2())
r3 = Resource()
f3 = weakref.finalize(r3, cleanup, "r3", 3)
f3.detach()
del r3
print("detached: no cleanup", f3.alive)
