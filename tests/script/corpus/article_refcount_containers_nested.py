# Reference counts through nested containers.
import sys

leaf = object()
print(sys.getrefcount(leaf))
pair = (leaf, leaf)
print(sys.getrefcount(leaf))
lst = [pair, [leaf], {"k": leaf}, {leaf}]
print(sys.getrefcount(leaf), sys.getrefcount(pair))
lst2 = lst * 2
print(sys.getrefcount(pair), sys.getrefcount(lst[1]))
del lst2
print(sys.getrefcount(pair))
lst[2]["j"] = leaf
print(sys.getrefcount(leaf))
del lst
print(sys.getrefcount(leaf), sys.getrefcount(pair))
