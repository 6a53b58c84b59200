# Closures keep variables alive in cells.
import sys

def counter():
    count = 0
    def inc():
        nonlocal count
        count += 1
        return count
    return inc

c = counter()
print(c(), c(), c())
d = counter()
print(d(), c())
print(c.__closure__[0].cell_contents)
def make_adders():
    return [lambda x, i=i: x + i for i in range(3)]
print([f(10) for f in make_adders()])
def late():
    return [lambda x: x + i for i in range(3)]
print([f(10) for f in late()])
big = [1, 2, 3]
def holder():
    return lambda: big
h = holder()
print(sys.getrefcount(big), h() is big)
