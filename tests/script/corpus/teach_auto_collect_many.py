# 100,000 new containers: how many automatic collections each generation ran, and the counts left.
import gc
gc.collect()
s0 = [s["collections"] for s in gc.get_stats()]
keep = []
for i in range(100000):
    keep.append([i])
s1 = [s["collections"] for s in gc.get_stats()]
print([b - a for a, b in zip(s0, s1)], gc.get_count())
