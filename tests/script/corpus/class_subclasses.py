# type.__subclasses__(): a bound builtin method of the class (a new object:
# LOAD_METHOD on a type takes PyObject_GetAttr's way), listing the live
# classes of its tp_subclasses in their order; a class attribute of that
# name comes first; METH_NOARGS's error names the class.
import gc
class A:
    pass

class B(A):
    pass

class C(A):
    pass

class D(B, C):
    pass

print(A.__subclasses__(), B.__subclasses__(), D.__subclasses__())
m = A.__subclasses__
print(type(m).__name__, m() == [B, C])
gc.collect()
print(gc.get_count())
x = A.__subclasses__()
print(gc.get_count())
del B, D
print(gc.collect(), A.__subclasses__(), C.__subclasses__())
class E(A):
    def __subclasses__(self):
        return 'own'
print(E().__subclasses__(), E.__subclasses__(E()))
print(A.__subclasses__(x=1))
