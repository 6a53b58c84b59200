# Parent links as weak references: no cycles, freed by reference counting.
import gc
import weakref

gc.collect()

class TreeNode:
    def __init__(self, name, parent=None):
        self.name = name
        self.children = []
        self._parent = weakref.ref(parent) if parent is not None else None
        if parent is not None:
            parent.children.append(self)
    def parent(self):
        return self._parent() if self._parent is not None else None
    def __del__(self):
        print("freeing", self.name)

root = TreeNode("root")
a = TreeNode("a", root)
b = TreeNode("b", root)
a1 = TreeNode("a1", a)
print(a1.parent().name, a1.parent().parent().name)
del a, b, a1
print("dropping root")
del root
print("collected:", gc.collect())
