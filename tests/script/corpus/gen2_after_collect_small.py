# Thresholds lowered after a full collection: 200 new lists do not pass
# the long-lived rule, as in python3 (found by the tester)
import gc
gc.collect()
gc.set_threshold(10, 2, 2)
keep = []
for i in range(200):
    keep.append([i])
print(gc.get_stats()[2]["collections"])
