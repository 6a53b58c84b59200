# A class's __dict__ is a new mappingproxy of its dict each time: its
# repr, str, type, size, iteration, methods and lookups, and what reading
# it allocates (gc.get_count), with none of the type's own slots in it.
import gc
import sys


class A:
    x = 1

    def f(self):
        return self


class B(A):
    y = 2


class S:
    __slots__ = ('a', 'b')


print(A.__dict__)
print(repr(B.__dict__))
print(S.__dict__)
print(type(A.__dict__), type(A.__dict__).__name__)
print(sys.getsizeof(A.__dict__))
print(A.__dict__ is A.__dict__, A.__dict__ == A.__dict__, A.__dict__ != B.__dict__)
print(A.__dict__ == dict(A.__dict__), {} == B.__dict__)
print(list(A.__dict__), sorted(B.__dict__.keys()))
print(list(B.__dict__.values()))
print([k for k, v in S.__dict__.items()])
print(len(A.__dict__), len(B.__dict__), len(S.__dict__))
print('x' in A.__dict__, 'x' in B.__dict__, '__mro__' in A.__dict__)
print(A.__dict__['x'], B.__dict__.get('x'), B.__dict__.get('y'), A.__dict__.get('q', 7))
d = A.__dict__.copy()
print(type(d), len(d), d['x'])
for k in B.__dict__:
    print(k)
print(f"{A.__dict__['x']} {str(B.__dict__)[:20]}")
print(A.__mro__, B.__mro__, S.__mro__)
print(A.__bases__, B.__bases__, B.__base__, A.__base__)
gc.collect()
before = gc.get_count()
p = A.__dict__
after = gc.get_count()
print(before[0] < after[0])
del p
import tracemalloc
p = k = None
t0 = t1 = t2 = 0
tracemalloc.start()
gc.collect()
t0 = tracemalloc.get_traced_memory()[0]
p = A.__dict__
t1 = tracemalloc.get_traced_memory()[0]
k = p.keys()
t2 = tracemalloc.get_traced_memory()[0]
print(t1 - t0, t2 - t1)
del p, k
tracemalloc.stop()
A.__dict__.update({})
