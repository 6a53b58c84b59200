# With the collector disabled, cycles pile up until collected by hand.
import gc
import weakref

gc.collect()
gc.disable()
print("enabled:", gc.isenabled())

class Blob:
    pass

refs = []
for i in range(2000):
    b = Blob()
    b.self = b
    if i % 500 == 0:
        refs.append(weakref.ref(b))
del b
print("count grows:", gc.get_count()[0] >= 2000)
print("alive:", sum([1 for r in refs if r() is not None]))
print("collected by hand:", gc.collect())
print("alive after:", sum([1 for r in refs if r() is not None]))
gc.enable()
print("enabled again:", gc.isenabled())
