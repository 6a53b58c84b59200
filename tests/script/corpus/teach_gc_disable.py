# With the collector off, cycles pile up until you collect by hand.
import gc

gc.collect()
gc.disable()
print(gc.isenabled())
for i in range(1000):
    a = []
    a.append(a)
del a
print(gc.get_count()[0] >= 1000)
print(gc.collect())
gc.enable()
print(gc.isenabled(), gc.get_count())
