# A linked list freed node by node, counted with weakref.finalize.
import weakref
import gc

class Node:
    def __init__(self, v, nxt=None):
        self.v = v
        self.nxt = nxt

done = []
head = None
for i in range(5):
    head = Node(i, head)
    weakref.finalize(head, done.append, i)
print(len(done))
head = head.nxt.nxt
print(done)
head = None
print(done, gc.collect())
