# gc.DEBUG_SAVEALL keeps what the collector would have freed in gc.garbage.
import gc

gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)

class Node:
    def __init__(self, name):
        self.name = name

a = Node("a")
b = Node("b")
a.other = b
b.other = a
del a, b
n = gc.collect()
print(n, len(gc.garbage))
print(sorted([type(o).__name__ for o in gc.garbage]))
gc.set_debug(0)
gc.garbage.clear()
print(gc.collect())
