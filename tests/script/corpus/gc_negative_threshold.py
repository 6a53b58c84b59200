# CPython 3.11 stores a negative threshold as given ('i' format, no check):
# count > -5 holds at every allocation of a GC object, so a collection runs
# each time; thresholds 1 and 2 may be negative too (issue 5, s4)
import gc

gc.collect()
gc.set_threshold(-5)
print(gc.get_threshold())
before = gc.get_stats()[0]["collections"]
x = []
print(gc.get_count(), gc.get_stats()[0]["collections"] - before)
y = [[] for _ in range(3)]
print(gc.get_count(), gc.get_stats()[0]["collections"] - before)
gc.set_threshold(0, -1, -2147483648)
print(gc.get_threshold())
z = {}
print(gc.get_count())
gc.set_threshold(1, -1)
print(gc.get_threshold())
stats = [s["collections"] for s in gc.get_stats()]
w = [1, 2]
print(gc.get_count(), [s["collections"] for s in gc.get_stats()][1] - stats[1])
gc.set_threshold(700, 10, 10)
print(gc.get_threshold())
