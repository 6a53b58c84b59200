# __slots__ instances in cycles: with __weakref__ (callbacks, one of a
# pair of weakrefs garbage), without, and with __del__.
import gc, weakref
gc.collect()
class S:
    __slots__ = ("a", "__weakref__")
class T:
    __slots__ = ("a", "b")
s = S(); s.a = s
ws = weakref.ref(s, lambda r: print("slots cb", r() is None))
del s
print(gc.collect())
t = T(); t.a = t; t.b = [t]
del t
print(gc.collect())
u = S(); v = S(); u.a = v; v.a = u
wu = weakref.ref(u)
wv = weakref.ref(v, lambda r: print("v cb"))
del u, v
print(gc.collect(1), wu() is None)
class SD:
    __slots__ = ("a",)
    def __del__(self):
        print("SD del", self.a is not None)
x = SD(); x.a = x
del x
print(gc.collect())
