# type() of an enumerate, a zip and a weakref, and how weakref.ref and
# weakref.finalize show themselves (weakref.ref is weakref.ReferenceType)
import weakref


class C:
    pass


c = C()
e = enumerate([])
print(type(e).__name__, type(e) is enumerate)
print(type(zip()).__name__, type(weakref.ref(c)).__name__)
print(weakref.ref, weakref.ref.__name__, weakref.finalize, type(zip()) is zip)
