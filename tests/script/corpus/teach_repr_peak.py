# What building a repr costs at its peak, as tracemalloc sees it: CPython
# builds a container's repr in a growing str buffer (over-allocated by a
# quarter, at least its estimate), each item's repr a str of its own; an
# instance's default repr a buffer of 120 characters; a float's repr its
# digits in a small block first. print() holds its bound write method
# while it builds the text, and an f-string of anything but a str or an
# int holds a bound __format__.
import gc
import tracemalloc

gc.collect()  # empties the free lists, in both
tracemalloc.start()


class Plain:
    pass


values = [
    (1, 2),
    [1, 2, 3],
    {"a": 1, "b": [2.5, None]},
    [(1,), [], {}, ()],
    Plain(),
    1.5,
    -0.001,
    1e22,
    [100.0, 2.0 ** 70],
    ["é", "x" * 60, 12345678901234567890],
    [[[1, 2], [3, 4]], [5, 6]],
]
r = [0] * 40
k = 0
for v in values:
    tracemalloc.reset_peak()
    r[k] = tracemalloc.get_traced_memory()
    s = repr(v)
    r[k + 1] = tracemalloc.get_traced_memory()
    k += 2
    del s
print([r[i + 1][1] - r[i][0] for i in range(0, k, 2)])
flag = True
num = 2.25
nothing = None
obj = Plain()
fstrings = []
for v in [flag, num, nothing, obj, "text", 42]:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    t = f"{v}"
    after = tracemalloc.get_traced_memory()
    fstrings.append((after[0] - before, after[1] - before))
    del t
print(fstrings)
tracemalloc.reset_peak()
before = tracemalloc.get_traced_memory()[0]
print([1, 2, 3], (4.5,), {"k": "v"})
after = tracemalloc.get_traced_memory()
print(after[1] - before)
s = "abc"
print("%s" % s is s, "%s" % flag is str(flag), "{}".format(flag) is str(flag))
tracemalloc.reset_peak()
before = tracemalloc.get_traced_memory()[0]
u = "{}".format(nothing)
w = "<{}>".format(flag)
after = tracemalloc.get_traced_memory()
print(after[0] - before, after[1] - before)
tracemalloc.stop()
