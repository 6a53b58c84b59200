# References held by a call: the argument, the parameter, the stack.
import sys

class Thing:
    def count(self):
        return sys.getrefcount(self)

def inside(x):
    return sys.getrefcount(x)

def two(x, y):
    return sys.getrefcount(x), sys.getrefcount(y)

t = Thing()
print("global:", sys.getrefcount(t))
print("inside a function:", inside(t))
print("passed twice:", two(t, t))
print("method self:", t.count())
m = t.count
print("bound method holds self:", sys.getrefcount(t))
print("through the bound method:", m())
del m
print("bound method gone:", sys.getrefcount(t))
for item in [t]:
    print("loop variable, list and iterator:", sys.getrefcount(item))
print("after the loop (item still bound):", sys.getrefcount(t))
del item
lst = [t for _ in range(4)]
print("comprehension result:", sys.getrefcount(t))
