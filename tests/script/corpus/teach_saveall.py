# DEBUG_SAVEALL keeps what the collector found in gc.garbage.
import gc

gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)
print(gc.get_debug() == gc.DEBUG_SAVEALL)
a = [1]
a.append(a)
del a
print(gc.collect())
print(len(gc.garbage), gc.garbage)
b = {}
b["b"] = b
del b
print(gc.collect())
print(len(gc.garbage))
gc.set_debug(0)
gc.garbage.clear()
print(gc.garbage, gc.collect())
