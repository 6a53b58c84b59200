# How containers grow: sys.getsizeof as items are added.
import sys

lst = []
sizes = []
for i in range(20):
    sizes.append(sys.getsizeof(lst))
    lst.append(i)
print("list:", sizes)
print("list literal:", sys.getsizeof([1, 2, 3]), "list():", sys.getsizeof(list(range(3))))
d = {}
dsizes = []
for i in range(12):
    dsizes.append(sys.getsizeof(d))
    d[i] = i
print("dict:", dsizes)
s = set()
ssizes = []
for i in range(10):
    ssizes.append(sys.getsizeof(s))
    s.add(i)
print("set:", ssizes)
print("str:", [sys.getsizeof("x" * n) for n in (0, 1, 10, 100)])
print("non-ascii str:", sys.getsizeof("é"), sys.getsizeof("€"))
print("int:", [sys.getsizeof(n) for n in (0, 1, 2**30, 2**60, 2**100)])
print("float, bool, None:", sys.getsizeof(1.5), sys.getsizeof(True), sys.getsizeof(None))
print("tuple:", sys.getsizeof(()), sys.getsizeof((1,)), sys.getsizeof((1, 2, 3)))
print("bytes:", sys.getsizeof(b""), sys.getsizeof(b"abc"))
