# Calling methods and bound methods.
import sys

class Counter:
    def __init__(self):
        self.n = 0
    def inc(self):
        self.n += 1
        return sys.getrefcount(self)

c = Counter()
print(sys.getrefcount(c))
print(c.inc())
m = c.inc
print(sys.getrefcount(c), m())
del m
print(sys.getrefcount(c))
print(Counter.inc(c))
