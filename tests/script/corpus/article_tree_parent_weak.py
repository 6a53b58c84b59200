# A tree whose children point back weakly: no cycle, freed by refcounting.
import weakref
import gc

class TreeNode:
    def __init__(self, value, parent=None):
        self.value = value
        self.children = []
        self.parent = weakref.ref(parent) if parent else None
        if parent:
            parent.children.append(self)
    def __del__(self):
        print("del node", self.value)

gc.disable()
root = TreeNode(1)
left = TreeNode(2, root)
right = TreeNode(3, root)
print(left.parent() is root, len(root.children))
del left, right
print("children held by root")
del root
print("collected by gc:", gc.collect())
gc.enable()
