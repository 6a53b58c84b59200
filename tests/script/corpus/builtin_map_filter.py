# map() and filter() are lazy iterator objects (48 bytes, tracked): they
# hold their function and their iterators, call the function once per
# item, and keep the iterators after they are exhausted (issue 5, s4)
import gc
import sys


def square(x):
    print("square", x, sys.getrefcount(x))
    return x * x


gc.collect()
print(gc.get_count())
words = ["alpha", "beta", "gamma", "delta"]
m = map(len, words)
print(type(m), sys.getsizeof(m), gc.is_tracked(m), gc.get_count())
print(sys.getrefcount(words))
refs = gc.get_referents(m)
print(len(refs), type(refs[0]), refs[1] is len, type(refs[0][0]))
del refs
print(list(m), list(m), sys.getrefcount(words))
del m
print(sys.getrefcount(words), gc.get_count())
nums = [1000, 2000, 3000]
sq = map(square, nums)
print(next(sq))
print(list(sq))
print(next(sq, "exhausted"))
print(list(map(lambda a, b: a + b, [1, 2, 3], (10, 20))))
print(list(map(lambda a, b, c, d, e, f: a + b + c + d + e + f, [1], [2], [3], [4], [5], [6, 7])))
print(list(map(str, range(4))), sum(map(len, words)))
f = filter(None, [0, 1, "", "x", [], [1], None, 2.5])
print(type(f), sys.getsizeof(f), gc.is_tracked(f))
print(list(f))
print(list(filter(lambda w: "l" in w, words)))
print(list(filter(bool, (0, 3, 0, 4))))
evens = filter(lambda n: n % 2 == 0, range(10))
print(next(evens), next(evens), list(evens))
refs = gc.get_referents(filter(len, words))
print(type(refs[0]), refs[1] is len)
del refs


class Node:
    def __init__(self, v):
        self.v = v
        self.m = None


n = Node(5)
n.m = map(id, [n])
print(gc.collect())
del n
print(gc.collect())
for i, w in enumerate(map(str.upper, words)):
    print(i, w)
print(dict(zip(words, map(len, words))))
print(sorted(filter(lambda w: len(w) == 5, words)))
print(gc.get_count())
