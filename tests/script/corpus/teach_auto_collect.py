# Automatic collections happen as allocations cross the threshold.
import gc

gc.collect()
gc.set_threshold(100, 10, 10)
print(gc.get_threshold())
start = gc.get_stats()[0]["collections"]
objs = []
for i in range(550):
    objs.append([])
now = gc.get_stats()[0]["collections"]
print("gen0 collections:", now - start)
print(gc.get_count())
gc.set_threshold(700, 10, 10)
print(gc.get_threshold())
