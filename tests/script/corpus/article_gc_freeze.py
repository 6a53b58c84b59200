# gc.freeze moves everything to the permanent generation.
import gc

gc.collect()
a = []
a.append(a)
gc.freeze()
print(gc.get_freeze_count() > 0)
del a
print(gc.collect())
gc.unfreeze()
print(gc.get_freeze_count())
print(gc.collect())
