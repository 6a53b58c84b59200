# gc.callbacks see the start and stop of each collection.
import gc

gc.collect()
def report(phase, info):
    print(phase, info["generation"], info.get("collected"), info.get("uncollectable"))

gc.callbacks.append(report)
a = []
a.append(a)
del a
print(gc.collect())
print(gc.collect(1))
gc.callbacks.clear()
print(gc.collect())
