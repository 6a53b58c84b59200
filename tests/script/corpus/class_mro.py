# A class's MRO is mro_implementation's: (cls,) + the base's MRO for one
# base, the C3 merge for several (made in a list, then a tuple: the
# generation-0 count moves as python3's); an order C3 cannot make is
# set_mro_error's TypeError.
import gc


class A:
    pass


class B(A):
    pass


class C(B, A):
    pass


class D(A):
    pass


class E(C, D):
    pass


class F(object):
    pass


print(C.__mro__)
print(E.__mro__)
print(F.__mro__, F.__bases__, F.__base__)
print(issubclass(E, D), issubclass(D, E), isinstance(E(), A))
gc.collect()
print(gc.get_count())


class G(B, D):
    pass


print(gc.get_count(), G.__mro__, G.__base__)


class H(A, B):
    pass
