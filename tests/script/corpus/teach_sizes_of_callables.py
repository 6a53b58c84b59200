# sys.getsizeof of instances, functions, lambdas, ranges, iterators and views.
import sys
class C:
    pass
def f():
    pass
print(sys.getsizeof(C()), sys.getsizeof(f), sys.getsizeof(lambda: 0))
print(sys.getsizeof(range(10)), sys.getsizeof(iter([])), sys.getsizeof(iter(range(3))))
print(sys.getsizeof([].append))
print(sys.getrefcount(C), sys.getrefcount(f))
c = C()
print(sys.getrefcount(c), sys.getsizeof(c.__class__))
print(sys.getsizeof(enumerate([])), sys.getsizeof(zip()), sys.getsizeof(reversed([])))
print(sys.getsizeof({}.keys()), sys.getsizeof(slice(1, 2)))
