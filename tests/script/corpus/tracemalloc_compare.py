# Comparing two snapshots shows what grew between them.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
cache = []
first = tracemalloc.take_snapshot()
for i in range(300):
    cache.append([i] * 4)
names = {"k%d" % i: i for i in range(50)}
second = tracemalloc.take_snapshot()
for diff in second.compare_to(first, "lineno")[:4]:
    print(diff)
del cache[:150]
third = tracemalloc.take_snapshot()
for diff in third.compare_to(second, "lineno")[:2]:
    print(diff)
