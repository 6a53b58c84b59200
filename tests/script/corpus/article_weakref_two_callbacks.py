# Several weakrefs with callbacks: called newest first.
import weakref

class Obj:
    pass

o = Obj()
r1 = weakref.ref(o, lambda r: print("first callback"))
r2 = weakref.ref(o, lambda r: print("second callback"))
r3 = weakref.ref(o)
r4 = weakref.ref(o)
print(r3 is r4, r1 is r2, weakref.getweakrefcount(o))
del o
print(r1(), r2(), r3())
