# reprs of ranges, functions and builtins while tracing: PyUnicode_FromFormat's
# writer (the format's length + 100 characters), the strs of %s and %R
# pieces (an int's with its scratch int). Addresses are masked.
import gc
import tracemalloc
gc.collect()
tracemalloc.start()
def f():
    pass
def outer():
    def inner():
        pass
    return inner
g = outer()
lst = []
out = []
for v in [range(3), range(1000), range(-5, 300, 7), range(0), f, g, len, print, lst.append, gc.collect, [f, len], range(2 ** 40)]:
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    s = repr(v)
    a = tracemalloc.get_traced_memory()
    out.append((len(s), a[0] - b, a[1] - b))
    del s
print(out)
out = []
for v in [range(-5, 300, 7), range(1, 10 ** 12, 3), range(0, 1, 1), range(7, 0, -1)]:
    s = repr(v)
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    s = repr(v)
    a = tracemalloc.get_traced_memory()
    out.append((s, a[0] - b, a[1] - b))
print(out)
