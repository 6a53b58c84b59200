# Sizes of functions, classes, methods, modules.
import sys

def f():
    pass

class A:
    pass

class B:
    __slots__ = ()

a = A()
print(sys.getsizeof(f), sys.getsizeof(a), sys.getsizeof(B()))
print(sys.getsizeof(a.__dict__))
print(sys.getsizeof(lambda: 0), sys.getsizeof(range(10)))
print(sys.getsizeof(iter([])), sys.getsizeof(iter(())), sys.getsizeof(iter({})))
print(sys.getsizeof({}.keys()), sys.getsizeof(enumerate([])), sys.getsizeof(zip()))
