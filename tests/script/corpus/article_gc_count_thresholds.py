# gc.get_count() after a collection, then as containers are made.
import gc

gc.collect()
print(gc.get_threshold())
print(gc.get_count())
keep = []
for i in range(10):
    keep.append([i])
print(gc.get_count())
x = {}
y = (1, 2)
z = (keep, x)
print(gc.get_count())
del keep
print(gc.get_count())
gc.set_threshold(500, 5, 5)
print(gc.get_threshold())
gc.collect()
print(gc.get_count())
gc.set_threshold(700, 10, 10)
