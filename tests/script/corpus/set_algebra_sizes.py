# set |, &, -, ^ (and in place), union/intersection/difference/update/copy
# and set(iterable) resize as 3.11's setobject.c: sizes and table orders
# (issue 5)
import sys
import tracemalloc

a = {1, 2, 3}
b = {4, 5}
print(sys.getsizeof(a | b), sys.getsizeof({1, 2, 3} | {3, 4}))


def show(tag, s):
    print(tag, sys.getsizeof(s), list(s))


shapes = [set(), {0}, {1, 2, 3}, {4, 5}, {3, 4, 5, 6, 7}, set(range(9)), set(range(5, 30)),
          set(range(0, 200, 3)), {"a", "bb", "c"}, {"bb", "d", 7, 8.5}, set(range(100, 140))]
for i, x in enumerate(shapes):
    for j, y in enumerate(shapes):
        tag = str(i) + "," + str(j)
        show(tag + " |", x | y)
        show(tag + " &", x & y)
        show(tag + " -", x - y)
        show(tag + " ^", x ^ y)
for x in shapes:
    show("copy", x.copy())
    show("set()", set(x))
    show("union()", x.union())
    show("union", x.union([9, 8, 7], {1, 100}, x, {"q": 1}))
    show("intersection", x.intersection(range(0, 50, 2), {0, 1, 2, 3, 4, 6, 9}))
    show("difference", x.difference([1, 2, 3], {5, 6}))
    show("difference dict", x.difference({1: 0, 2: 0, 7: 0}))
    show("difference big", x.difference(set(range(1000))))
    y = set(x)
    y.update({1: 2, 3: 4}, [5, 6], {7, 8, 9})
    show("update", y)
    y = set(x)
    before = id(y)
    y |= {"z", 1, 2}
    y &= set(range(-5, 25))
    y -= {1, 2}
    y ^= {3, 40, 41}
    show("inplace", y)
    print(id(y) == before)
show("set(dict)", set({i: i for i in range(12)}))
show("set(list)", set([5, 3, 1, 5, 3]))
show("set(range)", set(range(20)))
show("set(str)", set("hello world"))
z = set(range(40))
z -= set(range(35))
show("dummies", z)
z = set(range(40))
tracemalloc.start()
t0 = tracemalloc.get_traced_memory()[0]
u = set(range(10)) | set(range(5, 20))
t1 = tracemalloc.get_traced_memory()[0]
v = set(range(10)) ^ set(range(5, 20))
t2 = tracemalloc.get_traced_memory()[0]
print(t1 - t0, t2 - t1)
for x in shapes:
    y = set(x)
    y |= y
    show("self |=", y)
    y &= y
    show("self &=", y)
    y = set(x)
    y ^= y
    show("self ^=", y)
    y = set(x)
    y -= y
    show("self -=", y)
    show("self union", x.union(x, x))
    show("self intersection", x.intersection(x))
    show("self difference", x.difference(x))
