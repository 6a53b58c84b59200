# weakref.finalize on objects in cycles: called by the collection, the handle
# dropped, detached, or called early; the counts after.
import gc, weakref
gc.collect()
class K:
    def __init__(self, n):
        self.n = n
a = K(1); b = K(2); a.b = b; b.a = a
f1 = weakref.finalize(a, print, "finalize a")
f2 = weakref.finalize(b, print, "finalize b", 2)
del a, b
print(gc.collect(), f1.alive, f2.alive)
c = K(3); c.me = c
weakref.finalize(c, print, "finalize c (handle dropped)")
del c
print(gc.collect())
d = K(4); d.me = d
f4 = weakref.finalize(d, print, "detached")
print(f4.detach() is not None)
del d
print(gc.collect(), f4.alive)
e = K(5); e.me = e
f5 = weakref.finalize(e, print, "called early")
f5()
del e
print(gc.collect(), f5.alive, gc.get_count())
