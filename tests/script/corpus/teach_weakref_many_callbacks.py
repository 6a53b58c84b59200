# Several weakrefs with callbacks to one object: the newest callback runs first.
import weakref, gc
gc.collect()
class T:
    pass
t = T()
def cb(name):
    def f(r):
        print("cb", name)
    return f
r1 = weakref.ref(t, cb("one"))
r2 = weakref.ref(t, cb("two"))
r3 = weakref.ref(t, cb("three"))
print(weakref.getweakrefcount(t))
del t
print("done")
u = T()
u.cycle = u
ru1 = weakref.ref(u, cb("u1"))
ru2 = weakref.ref(u, cb("u2"))
del u
print(gc.collect())
