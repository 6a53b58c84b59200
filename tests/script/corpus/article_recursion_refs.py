# Recursive calls: each frame holds a reference.
import sys

shared = object()

def depth(n, obj):
    if n == 0:
        return sys.getrefcount(obj)
    return depth(n - 1, obj)

print(sys.getrefcount(shared))
print(depth(0, shared), depth(3, shared), depth(10, shared))

def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

print(fact(20), sys.getsizeof(fact(20)), sys.getsizeof(fact(30)))
