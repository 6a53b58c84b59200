# Default argument values are held by the function.
import sys

sentinel = object()
print(sys.getrefcount(sentinel))

def f(x=sentinel):
    return x is sentinel

def g(a, b=sentinel, c=sentinel):
    return sys.getrefcount(b)

print(sys.getrefcount(sentinel))
print(f(), g(1))
del f
print(sys.getrefcount(sentinel))
print(g.__defaults__[0] is sentinel, len(g.__defaults__))
