# Reference counts: sys.getrefcount sees one extra reference (its argument).
import sys

class Node:
    pass

a = Node()
print("fresh object:", sys.getrefcount(a))
b = a
print("after b = a:", sys.getrefcount(a))
items = [a, a, a]
print("in a list three times:", sys.getrefcount(a))
d = {"key": a}
print("as a dict value:", sys.getrefcount(a))
del items
print("list deleted:", sys.getrefcount(a))
d.clear()
print("dict cleared:", sys.getrefcount(a))
del b
print("alias deleted:", sys.getrefcount(a))
t = (a, [a])
print("in a tuple and a nested list:", sys.getrefcount(a))
t = None
print("tuple dropped:", sys.getrefcount(a))
