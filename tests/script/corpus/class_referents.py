# gc.get_referents of a class is type_traverse's: its dict, its MRO, its
# bases and its base (not tp_subclasses, not the __slots__ tuple), and
# get_referrers finds a class through those.
import gc


class A:
    pass


class B(A):
    def f(self):
        return 1


class C(B, A):
    pass


class S:
    __slots__ = ('b', 'a', '__weakref__')


class P(object):
    __slots__ = ()


for cls in (A, B, C, S, P):
    r = gc.get_referents(cls)
    print(cls.__name__, [type(x).__name__ for x in r])
    print(r[1] is cls.__mro__, r[2] is cls.__bases__, r[3] is cls.__base__, r[3])
    print(r[1], r[2], sorted(r[0]))
print(gc.get_referents(B)[3] is A, gc.get_referents(C)[3] is B)
print(len([x for x in gc.get_referrers(A) if type(x) is tuple]))
print(len([x for x in gc.get_referrers(B) if type(x) is tuple]))
print(gc.is_tracked(A), gc.is_tracked(A.__mro__), gc.is_tracked(S.__bases__))
print(S.__slots__, S.__mro__)
print(len(gc.get_referents(A, B, C)))
