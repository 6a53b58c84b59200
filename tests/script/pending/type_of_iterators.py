# KNOWN DIVERGENCE (builtins: type(), not fixed here): type() of an
# enumerate or zip object is 'object' in the heap, and of a weakref 'ref'
# (CPython: enumerate, zip, ReferenceType), so `type(e) is enumerate` is
# False.
import weakref


class C:
    pass


c = C()
e = enumerate([])
print(type(e).__name__, type(e) is enumerate)
print(type(zip()).__name__, type(weakref.ref(c)).__name__)
