# Automatic young collections with small thresholds (the oldest generation's threshold kept high).
import gc, sys
gc.collect()
gc.set_threshold(10, 2, 1000)
stats0 = [s["collections"] for s in gc.get_stats()]
keep = []
for i in range(200):
    keep.append([i])
stats1 = [s["collections"] for s in gc.get_stats()]
print([b - a for a, b in zip(stats0, stats1)])
print(gc.get_count())
class Big:
    pass
for i in range(100):
    x = Big()
    x.self = x
print(gc.get_count(), [s["collected"] for s in gc.get_stats()][0] > 0)
