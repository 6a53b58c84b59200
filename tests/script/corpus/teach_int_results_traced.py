# The ints builtins return cost tracemalloc different sizes: len(), hash(),
# sys.getsizeof, index and count make theirs with PyLong_FromSsize_t (28
# bytes for one digit), ord(), sum() and arithmetic with PyLong_FromLong
# (32). sys.getsizeof also calls a bound __sizeof__ (72 bytes, tracked),
# whose int result goes before the answer is made.
import sys
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
g = tracemalloc.get_traced_memory
big = "x" * 3000
lst = list(range(1000))
d = {}
q = 600
out = []
b0 = g()[0]; x1 = q + 700; b1 = g()[0]; out.append(("arith", b1 - b0))
b0 = g()[0]; x2 = len(big); b1 = g()[0]; out.append(("len", b1 - b0))
b0 = g()[0]; x4 = lst.index(999); b1 = g()[0]; out.append(("index", b1 - b0))
b0 = g()[0]; x6 = lst.count(5) + 0; b1 = g()[0]; out.append(("count", b1 - b0))
b0 = g()[0]; x7 = ord("€"); b1 = g()[0]; out.append(("ord", b1 - b0))
b0 = g()[0]; x8 = int("5000"); b1 = g()[0]; out.append(("int(str)", b1 - b0))
b0 = g()[0]; x11 = len(lst); b1 = g()[0]; out.append(("len list", b1 - b0))
b0 = g()[0]; x12 = big.count("x"); b1 = g()[0]; out.append(("str.count", b1 - b0))
b0 = g()[0]; x13 = sum(lst); b1 = g()[0]; out.append(("sum", b1 - b0))
b0 = g()[0]; x16 = hash(1234567); b1 = g()[0]; out.append(("hash", b1 - b0))
b0 = g()[0]; x17 = len(range(5000)); b1 = g()[0]; out.append(("len range", b1 - b0))
b0 = g()[0]; x20 = gc.collect(); b1 = g()[0]; out.append(("gc", b1 - b0))
print(out)
sizes = []
for i in [3, 7, 12, 345, 100000]:
    d["key%d" % i] = i
    tracemalloc.reset_peak()
    c0 = g()[0]
    z = sys.getsizeof(d)
    c, p = g()
    sizes.append((z, c - c0, p - c0))
print(sizes)
c0 = gc.get_count()
n = sys.getsizeof(lst) + sys.getsizeof(big) + sys.getsizeof(d)
print(n, gc.get_count()[0] - c0[0])
tracemalloc.stop()
