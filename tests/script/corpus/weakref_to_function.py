# Functions and bound methods are weakrefable: a weakref to a function in
# a cycle dies with the collection that frees it, a weakref to a bound
# method dies at once (the bound method is a temporary), and the reprs name
# what they point to.
import gc
import weakref


def mk():
    x = []

    def g():
        return x

    x.append(g)
    return g


g = mk()
wg = weakref.ref(g, lambda r: print("g dies"))
del g
print("collected", gc.collect())
print(wg() is None)


class K:
    def m(self):
        return 1


k = K()
wm = weakref.ref(k.m, lambda r: print("bound method gone"))
print(wm() is None)
bm = k.m
wb = weakref.ref(bm)
print(wb() is bm, weakref.getweakrefcount(bm))
print(repr(wb).split(";")[1].split(" at ")[0])


def f():
    pass


wf = weakref.ref(f, lambda r: print("f gone"))
print(repr(wf).split(";")[1].split(" at ")[0], wf() is f, weakref.getweakrefcount(f))
del f
print(wf())
del bm
print(wb())
