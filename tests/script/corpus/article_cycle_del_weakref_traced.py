# Cycles with __del__ and weakref callbacks printing while tracing.
import gc
import weakref
import tracemalloc

gc.collect()
tracemalloc.start()

class Res:
    def __init__(self, name):
        self.name = name
        self.peer = None
    def __del__(self):
        print(f"closing {self.name} (peer {self.peer.name if self.peer else None})")

a = Res("a")
b = Res("b")
a.peer = b
b.peer = a
w = weakref.ref(a, lambda r: print(f"weakref to a is dead: {r() is None}"))
del a, b
before = tracemalloc.get_traced_memory()[0]
n = gc.collect()
after = tracemalloc.get_traced_memory()
print(n, after[0] - before, after[1] - before)
tracemalloc.stop()
