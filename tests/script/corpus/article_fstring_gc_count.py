# An f-string of a float, a bool or an object makes a short-lived bound
# __format__ method, a tracked object: it can start an automatic collection.
import gc

gc.collect()
gc.set_threshold(5)
seen = []
gc.callbacks.append(lambda phase, info: seen.append(phase) if phase == "start" else None)
x = 1.5
flag = False
lines = []
for i in range(12):
    lines.append(f"{i}:{x}:{flag}")
    print(i, gc.get_count(), len(seen))
print(repr(format(x, "")), format(flag), len(seen))
gc.callbacks.clear()
gc.set_threshold(700, 10, 10)
