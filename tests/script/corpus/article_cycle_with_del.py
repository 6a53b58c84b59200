# A cycle whose objects have __del__: since 3.4, collected; order by creation.
import gc

gc.collect()

class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name, "peer:", self.peer.name)

a = Node("a")
b = Node("b")
c = Node("c")
a.peer = b
b.peer = c
c.peer = a
del a, b, c
print("collect ->", gc.collect())
print(gc.garbage)
