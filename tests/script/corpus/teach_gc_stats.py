# gc.get_stats(): collections per generation.
import gc

gc.collect()
before = gc.get_stats()
print(len(before), sorted(before[0].keys()))
gc.collect(0)
gc.collect(1)
after = gc.get_stats()
for i in range(3):
    print(i, after[i]["collections"] - before[i]["collections"])
class A:
    pass
a = A()
a.me = a
del a
print(gc.collect(2))
last = gc.get_stats()
print(last[2]["collected"] - after[2]["collected"], last[2]["uncollectable"] - after[2]["uncollectable"])
