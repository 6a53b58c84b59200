# Closures keep their free variables alive in cells.
import gc
import sys
import weakref

gc.collect()

class Payload:
    pass

def make_counter():
    count = [0]
    def inc():
        count[0] += 1
        return count[0]
    return inc

c = make_counter()
print(c(), c(), c())
print("closure cells:", len(c.__closure__))

def capture(obj):
    def show():
        return obj
    return show

p = Payload()
r = weakref.ref(p)
f = capture(p)
print("refcount with a closure holding it:", sys.getrefcount(p))
del p
print("alive through the closure:", r() is not None)
del f
print("alive after the closure is gone:", r() is not None)

def recursive():
    def again(n):
        return n if n == 0 else again(n - 1)
    return again

g = recursive()
print(g(5))
wg = weakref.ref(g) if False else None
del g
print("collected the self-referencing closure:", gc.collect())
