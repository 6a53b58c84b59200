# A class is a cycle (its MRO holds it): deleting it leaves it to the
# collector, which finds the class, its dict, MRO, descriptors and
# functions; with a subclass the base's tp_subclasses (a dict of weakrefs,
# not traversed) is not garbage; __slots__ classes add their member
# descriptors, not their slots tuple; instances go with their class.
import gc
import sys

gc.collect()


class A:
    def f(self):
        return 1


print(sys.getrefcount(A))
del A
print(gc.collect())


class Base:
    pass


class Sub(Base):
    x = 1


print(sys.getrefcount(Base), sys.getrefcount(Sub))
del Sub
print(gc.collect())
print(sys.getrefcount(Base))
del Base
print(gc.collect())


class S:
    __slots__ = ('a', 'b')

    def __init__(self):
        self.a = self


s = S()
del S
print(gc.collect())
del s
print(gc.collect())


class P:
    pass


class Q(P):
    pass


class R(Q, P):
    pass


q = Q()
q.cls = R
del P, Q, R
print(gc.collect())
print(type(q).__mro__)
del q
print(gc.collect())
gc.set_debug(gc.DEBUG_SAVEALL)


class T:
    pass


del T
print(gc.collect(), sorted([type(x).__name__ for x in gc.garbage]))
