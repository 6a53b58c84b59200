# Two objects pointing at each other.
import gc
import sys

gc.collect()

class Node:
    def __init__(self, name):
        self.name = name
        self.other = None
    def __repr__(self):
        return "Node(%r)" % self.name

a = Node("a")
b = Node("b")
a.other = b
b.other = a
print(a.other, b.other, a.other.other)
print("refcounts:", sys.getrefcount(a), sys.getrefcount(b))
del a, b
print("collected:", gc.collect())
print("again:", gc.collect())
