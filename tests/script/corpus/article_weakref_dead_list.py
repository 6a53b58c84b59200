# Weak references to many objects: which ones die.
import weakref
import gc

class Item:
    def __init__(self, n):
        self.n = n
    def __repr__(self):
        return "Item(%d)" % self.n

keep = []
refs = []
for i in range(6):
    obj = Item(i)
    refs.append(weakref.ref(obj))
    if i % 2 == 0:
        keep.append(obj)
del obj
print([r() for r in refs])
keep.pop()
print([r() is None for r in refs])
print(weakref.getweakrefcount(keep[0]), len(weakref.getweakrefs(keep[0])))
