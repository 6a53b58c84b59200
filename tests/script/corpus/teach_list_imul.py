# lst *= n grows the list in place, with list_resize's over-allocation.
import sys
import tracemalloc

tracemalloc.start()
item = [0]
a = [item, 1, 2]
ident = id(a)
before = tracemalloc.get_traced_memory()[0]
a *= 3
print(len(a), sys.getsizeof(a), id(a) == ident, sys.getrefcount(item))
print(tracemalloc.get_traced_memory()[0] - before)
a *= 1
print(len(a), sys.getsizeof(a))
b = [1] * 20
b *= 2
print(sys.getsizeof(b))
c = list(range(100))
c *= 2
print(sys.getsizeof(c))
a *= 0
print(a, sys.getsizeof(a), sys.getrefcount(item))
e = []
e *= 5
print(sys.getsizeof(e))
f = [item]
f *= -1
print(f, sys.getrefcount(item))
g = [1, 2, 3, 4, 5, 6, 7, 8]
g *= 2
print(sys.getsizeof(g))
tracemalloc.stop()
