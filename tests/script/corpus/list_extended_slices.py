# extended slice assignment and deletion on lists (a[i:j:k] with k != 1):
# list_ass_subscript's PyMem block for the old items, the resize after a
# deletion, and the order the old items are released in (issue 5, s4)
import sys
import tracemalloc


class Loud:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name)


a = list(range(10))
a[::2] = ["a", "b", "c", "d", "e"]
print(a, sys.getsizeof(a))
a[1::3] = (10, 20, 30)
print(a)
a[::-2] = "vwxyz"
print(a)
a[8:2:-3] = [None, None]
print(a)
del a[::2]
print(a, sys.getsizeof(a))
del a[::-1]
print(a, sys.getsizeof(a))
b = list(range(20))
del b[1:15:4]
print(b, sys.getsizeof(b))
del b[100::3]
del b[5:1:2]
print(b, sys.getsizeof(b))
c = list(range(6))
c[::-1] = c
print(c)
c[::2] = range(3)
c[1::2] = {7: 0, 8: 0, 9: 0}
print(c)
c[::3] = []
c[4:4:2] = []
print(c)
objs = [Loud(i) for i in range(6)]
objs[::2] = [Loud("x"), Loud("y"), Loud("z")]
print("assigned")
del objs[1::2]
print("deleted", [o.name for o in objs])
del objs
big = list(range(4000))
tracemalloc.start()
tracemalloc.reset_peak()
del big[::2]
cur, peak = tracemalloc.get_traced_memory()
print(len(big), cur, peak)
tracemalloc.reset_peak()
big[::2] = list(range(1000))
cur2, peak2 = tracemalloc.get_traced_memory()
print(cur2 - cur, peak2 - cur)
tracemalloc.stop()
