# Finalizer order in a collected cycle of three, with weakref callbacks.
import gc
import weakref

gc.collect()
log = []

class N:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        log.append("del " + self.name)

a, b, c = N("a"), N("b"), N("c")
a.next, b.next, c.next = b, c, a
refs = [weakref.ref(x, lambda r, n=x.name: log.append("cb " + n)) for x in (a, b, c)]
del a, b, c
print(gc.collect())
print(log)
print([r() for r in refs])
