# Without a gc.collect() first, the objects a traced program makes first
# come from the free lists CPython's startup filled before tracing began:
# they cost tracemalloc nothing until a list runs dry (tuples by length,
# lists, dicts, floats), and a full collection empties the lists.
import sys, tracemalloc
tracemalloc.start()
g = tracemalloc.get_traced_memory


def first_call():
    before = g()[0]
    after = g()[0]
    return after - before


print("first call", first_call())
keep = []
x = 1
for n in range(1, 21):
    src = [x] * n
    costs = []
    for i in range(20):
        before = g()[0]
        keep.append(tuple(src))
        costs.append(g()[0] - before)
    print("tuple", n, costs)
for make in (lambda: [], lambda: {}, lambda: x + 0.25):
    costs = []
    for i in range(16):
        before = g()[0]
        keep.append(make())
        costs.append(g()[0] - before)
    print(type(keep[-1]).__name__, costs)
del keep
import gc
gc.collect()
before = g()[0]
t = (x, x)
print("after a collection", g()[0] - before)
