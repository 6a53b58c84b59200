# Automatic collection runs when generation 0 passes its threshold.
import gc

gc.collect()
gc.set_threshold(10)
collected = []

def cb(phase, info):
    if phase == "stop":
        collected.append((info["generation"], info["collected"]))

gc.callbacks.append(cb)

class C:
    pass

for i in range(25):
    c = C()
    c.me = c
del c
gc.callbacks.remove(cb)
print(collected)
print(gc.get_count())
gc.set_threshold(700, 10, 10)
gc.collect()
