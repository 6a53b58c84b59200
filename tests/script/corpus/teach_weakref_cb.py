# weakref.ref with a callback: called when the referent dies.
import gc
import weakref

gc.collect()

class Thing:
    def __init__(self, name):
        self.name = name
    def __repr__(self):
        return "Thing(%r)" % self.name

def gone(ref):
    print("callback, ref() is", ref())

t = Thing("t")
r = weakref.ref(t, gone)
print(r() is t, r())
print(weakref.getweakrefcount(t))
r2 = weakref.ref(t)
print(weakref.getweakrefcount(t), r2 is weakref.ref(t))
del t
print("after del:", r(), r2())
u = Thing("u")
u.me = u
ru = weakref.ref(u, gone)
del u
print("before collect", ru() is not None)
print(gc.collect())
print(ru())
