# A doubly linked list is full of cycles; only the collector frees it.
import gc
import weakref

gc.collect()

class Node:
    def __init__(self, value):
        self.value = value
        self.prev = None
        self.next = None

class LinkedList:
    def __init__(self):
        self.head = None
        self.tail = None
        self.size = 0
    def append(self, value):
        node = Node(value)
        if self.tail is None:
            self.head = self.tail = node
        else:
            node.prev = self.tail
            self.tail.next = node
            self.tail = node
        self.size += 1
    def values(self):
        out = []
        node = self.head
        while node is not None:
            out.append(node.value)
            node = node.next
        return out

ll = LinkedList()
for i in range(5):
    ll.append(i * 10)
print(ll.values(), ll.size)
head = weakref.ref(ll.head)
del ll
print("head alive after del:", head() is not None)
print("collected:", gc.collect())
print("head alive after collect:", head() is not None)
