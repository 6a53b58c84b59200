# Cycles through instance __dict__ and a registry.
import gc
import sys

gc.collect()
registry = {}

class Service:
    def __init__(self, name):
        self.name = name
        registry[name] = self

s = Service("db")
print(sys.getrefcount(s))
del s
print(len(registry), gc.collect())
registry.clear()
print(gc.collect())

class Parent:
    def __init__(self):
        self.children = []

class Child:
    def __init__(self, parent):
        self.parent = parent
        parent.children.append(self)

p = Parent()
for i in range(3):
    Child(p)
print(len(p.children), sys.getrefcount(p))
del p
print(gc.collect())
