# gc.get_stats(): per-generation counts of collections and collected objects.
import gc

gc.collect()
before = gc.get_stats()
print(len(before), sorted(before[0].keys()))

class Node:
    pass

for i in range(5):
    n = Node()
    n.self = n
del n
print(gc.collect(0))
after = gc.get_stats()
for gen in range(3):
    print(gen, after[gen]["collections"] - before[gen]["collections"],
          after[gen]["collected"] - before[gen]["collected"],
          after[gen]["uncollectable"] - before[gen]["uncollectable"])
