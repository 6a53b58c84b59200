# Aliasing puzzles: [[0] * 3] * 3, a = b = [], += on lists and strs, a shallow size vs a deep one.
import sys
grid = [[0] * 3] * 3
grid[0][0] = 1
print(grid, grid[0] is grid[1], sys.getrefcount(grid[0]))
good = [[0] * 3 for i in range(3)]
good[0][0] = 1
print(good)
a = b = []
a.append(1)
print(b, a is b)
x = [1]
before = id(x)
x += [2]
print(id(x) == before)
x = x + [3]
print(id(x) == before)
s = "a"
ids = set()
for i in range(20):
    s += "b"
    ids.add(id(s))
print(len(s), len(ids) < 20)
t = ("a", "b")
t2 = t + ()
print(t2 is t)
deep = [[1, 2], [3, 4, 5]]
print(sys.getsizeof(deep), sys.getsizeof(deep) + sum([sys.getsizeof(v) for v in deep]))
