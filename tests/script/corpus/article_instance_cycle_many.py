# Many small cycles: how many objects gc.collect() finds.
import gc

gc.collect()

class Node:
    def __init__(self):
        self.other = None

for i in range(10):
    a = Node()
    b = Node()
    a.other = b
    b.other = a
del a, b
print(gc.collect())

class Slim:
    __slots__ = ("other",)

for i in range(10):
    a = Slim()
    a.other = a
del a
print(gc.collect())
