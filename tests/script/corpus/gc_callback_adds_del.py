# A weakref callback run by the collector can give the garbage's class a
# __del__ (or take it away): finalize_garbage runs after the callbacks and
# looks at each object's class then, so the new __del__ runs in the same
# collection, before the cycles are cleared.
import gc
import weakref

gc.collect()


class C:
    pass


def late_del(self):
    print("late __del__ of", self.name, "partner", self.partner.name)


def add_del(ref):
    print("callback adds __del__")
    C.__del__ = late_del


x = C()
y = C()
x.name, y.name = "x", "y"
x.partner, y.partner = y, x
w = weakref.ref(x, add_del)
del x, y
print("collected:", gc.collect())
print("count:", gc.get_count())


class D:
    def __del__(self):
        print("never: the callback removed it")


def remove_del(ref):
    print("callback removes __del__")
    del D.__del__


p = D()
p.me = p
w2 = weakref.ref(p, remove_del)
del p
print("collected:", gc.collect())
print("count:", gc.get_count())
