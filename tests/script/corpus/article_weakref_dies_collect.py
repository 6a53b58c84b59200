# A weakref to part of a cycle stays alive until the collector runs.
import gc
import weakref

gc.collect()
gc.disable()

class N:
    pass

a = N()
b = N()
a.b = b
b.a = a
wa = weakref.ref(a)
wb = weakref.ref(b)
del a, b
print(wa() is not None, wb() is not None)
print(gc.collect())
print(wa(), wb())
gc.enable()
