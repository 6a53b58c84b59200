# getrefcount's own argument is one of the references.
import sys

x = object()
print(sys.getrefcount(x))
print(sys.getrefcount([]))
print(sys.getrefcount(object()))
l = [x]
print(sys.getrefcount(l[0]))
d = {"x": x}
print(sys.getrefcount(d["x"]))
def f():
    return x
print(sys.getrefcount(f()))
y = x
print(sys.getrefcount(x))
