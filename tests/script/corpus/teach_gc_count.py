# gc.get_count() counts container allocations since the last collection.
import gc

gc.collect()
print(gc.get_count())
junk = []
for i in range(10):
    junk.append([i])
print(gc.get_count())
d = {}
print(gc.get_count())
x = 1
s = "text"
print(gc.get_count())
del junk
print(gc.get_count())
gc.collect()
print(gc.get_count())
print(gc.get_threshold())
