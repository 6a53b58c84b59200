# A leak hunt: compare snapshots before and after.
import tracemalloc

cache = {}

def leaky(key):
    cache[key] = [0] * 50
    return len(cache)

tracemalloc.start()
s1 = tracemalloc.take_snapshot()
for i in range(20):
    leaky(i)
s2 = tracemalloc.take_snapshot()
top = s2.compare_to(s1, "lineno")
for d in top[:3]:
    print(d)
print(top[0].count_diff, top[0].size_diff)
tracemalloc.stop()
