# Weakrefs to classes: a callback runs when the collector frees the class
# (a class dies only through the collector: its MRO holds it), base and
# subclass callbacks in the collector's order, a weakref to a class whose
# subclass dies stays alive; the base's tp_subclasses entry and dict go
# with the subclass (tracemalloc's current figure comes back).
import gc
import sys
import tracemalloc
import weakref


def cb(r):
    print('callback', r() is None)


class A:
    pass


class B(A):
    pass


class C(B):
    pass


ra = weakref.ref(A, cb)
rb = weakref.ref(B, lambda r: print('B gone'))
rc = weakref.ref(C)
print(weakref.getweakrefcount(A), weakref.getweakrefcount(B), weakref.getweakrefcount(C))
print(ra() is A, rb() is B, rc() is C)
del C
print(gc.collect(), rc(), ra() is A)
del B
print(gc.collect(), rb())
del A
print(gc.collect(), ra())

x = y = before = after = 0
gc.collect()
tracemalloc.start()


class Base:
    pass


gc.collect()
before = tracemalloc.get_traced_memory()[0]


class Sub(Base):
    pass


del Sub
x = gc.collect()
after = tracemalloc.get_traced_memory()[0]
print(x, after - before)


class P:
    pass


class Q(P):
    pass


class Q2(P):
    pass


r1 = weakref.ref(Q, lambda r: print('Q gone'))
r2 = weakref.ref(Q2, lambda r: print('Q2 gone'))
r3 = weakref.ref(P, lambda r: print('P gone'))
del P, Q, Q2
print(gc.collect())
print(sys.getrefcount(r1), r1(), r2(), r3())
