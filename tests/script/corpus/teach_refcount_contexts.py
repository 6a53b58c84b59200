# Reference counts seen from methods, defaults, closures and loops.
import sys
class C:
    shared = []
    def method(self):
        return sys.getrefcount(self)
c = C()
print(sys.getrefcount(c), c.method(), sys.getrefcount(C.shared))
d = C()
print(sys.getrefcount(C.shared), c.shared is d.shared)
x = [1]
def f(a=x):
    return sys.getrefcount(a)
print(sys.getrefcount(x), f(), f(x))
def outer():
    v = [2]
    def inner():
        return sys.getrefcount(v)
    return inner, v
fn, v = outer()
print(fn(), sys.getrefcount(v))
lst = [x for i in range(3)]
print(sys.getrefcount(x))
for a in lst:
    pass
print(sys.getrefcount(x))
del a
print(sys.getrefcount(x))
