# gc.collect(generation): a young collection misses older garbage.
import gc

gc.collect()

class C:
    pass

old = C()
old.me = old
gc.collect(0)
gc.collect(1)
young = C()
young.me = young
del old, young
print(gc.collect(0))
print(gc.collect(1))
print(gc.collect(2))
