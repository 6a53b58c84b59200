# Two objects that refer to each other survive del until gc.collect().
import gc
import sys

gc.collect()

class Node:
    def __init__(self, name):
        self.name = name
        self.other = None

a = Node("a")
b = Node("b")
a.other = b
b.other = a
print(sys.getrefcount(a), sys.getrefcount(b))
del a, b
print("collected:", gc.collect())
print("again:", gc.collect())
x = []
y = [x]
x.append(y)
del x, y
print("lists:", gc.collect())
