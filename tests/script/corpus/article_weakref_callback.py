# A weakref callback runs when the referent dies, with the dead weakref.
import weakref
import gc

class Thing:
    pass

def gone(ref):
    print("callback: referent is", ref())

t = Thing()
r = weakref.ref(t, gone)
print(r() is t, weakref.getweakrefcount(t))
del t
print("after del:", r())

u = Thing()
u.self = u
r2 = weakref.ref(u, gone)
del u
print("before collect:", r2() is not None)
print(gc.collect())
print("after collect:", r2())
