# Survivors move to older generations.
import gc

gc.collect()
survivor = [[] for _ in range(5)]
print(gc.get_count())
gc.collect(0)
print(gc.get_count())
gc.collect(1)
print(gc.get_count())
junk = [[] for _ in range(3)]
print(gc.get_count())
del junk
print(gc.get_count())
gc.collect()
print(gc.get_count())
