# gc.freeze moves everything to the permanent generation.
import gc

gc.collect()
junk = [[i] for i in range(10)]
print("frozen before:", gc.get_freeze_count() > 0)
gc.freeze()
print("count after freeze:", gc.get_count())
frozen = gc.get_freeze_count()
print("something frozen:", frozen > 10)

class Loop:
    pass

x = Loop()
x.me = x
del x
print("collected while frozen:", gc.collect())
gc.unfreeze()
print("frozen after unfreeze:", gc.get_freeze_count())
print("collected after unfreeze:", gc.collect())
