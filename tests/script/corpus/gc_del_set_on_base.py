# __del__ set on (or deleted from) a class after its subclasses exist:
# CPython's update_slot changes tp_finalize of the subclasses too, so the
# collector runs the new __del__ for their instances, and an object whose
# class lost its __del__ is never marked finalized.
import gc
gc.collect()
class B:
    def __del__(self):
        print("B.__del__ of", type(self).__name__, self.n)
class S(B):
    pass
class T:
    pass
class U(T):
    pass
def mk(cls, n):
    o = cls()
    o.n = n
    o.me = o
    return o
a = mk(S, 1)
del a
print("c", gc.collect())
def late(self):
    print("late del", type(self).__name__, self.n)
T.__del__ = late
b = mk(U, 2)
del b
print("c", gc.collect())
c = mk(U, 3)
del T.__del__
del c
print("c", gc.collect())
d = mk(S, 4)
S.__del__ = late
del d
print("c", gc.collect())
print(gc.is_finalized(mk(S, 5)))
saved = []
class V:
    def __del__(self):
        print("never: deleted before the collection")
class X:
    def __del__(self):
        saved.append(self.v)
v = V()
x = X()
x.v = v
v.x = x
del V.__del__
del v, x
print("c", gc.collect(), gc.is_finalized(saved[0]), gc.is_finalized(saved[0].x))
saved[0].x = None
saved.clear()
print("c", gc.collect())
