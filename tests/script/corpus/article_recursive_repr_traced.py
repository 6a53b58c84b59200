# Recursive structures printed while tracing.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
a = [1, 2]
a.append(a)
d = {"self": None}
d["self"] = d
t = (a, d)
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
print(a, d, t)
s = repr(t)
cur, peak = tracemalloc.get_traced_memory()
print(len(s), cur - b, peak - b)
class Node:
    def __init__(self, v):
        self.v = v
        self.next = None
    def __repr__(self):
        return f"Node({self.v})"
n = Node(1)
n.next = Node(2)
items = [n, n.next, Node(3.5), Node(True), Node(None)]
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
print(items)
r = repr(items)
cur, peak = tracemalloc.get_traced_memory()
print(r, cur - b, peak - b)
tracemalloc.stop()
