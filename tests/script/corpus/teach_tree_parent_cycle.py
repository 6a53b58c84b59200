# A tree whose children point back at their parent is one big cycle.
import gc
class Node:
    def __init__(self):
        self.children = []
        self.parent = None
root = Node()
for i in range(5):
    c = Node()
    c.parent = root
    root.children.append(c)
del c
del root
print(gc.collect())
print(len(gc.get_objects()) >= 0)
