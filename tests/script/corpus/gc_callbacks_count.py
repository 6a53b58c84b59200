# What gc.callbacks cost generation 0: each call makes the info dict (from
# the dict free list when it has one) but no argument tuple, since
# PyObject_CallFunction passes "sO" on the C stack. A full collection
# empties the free lists first, so its "stop" call allocates.
import gc

gc.collect()
seen = []


def cb(phase, info):
    seen.append(gc.get_count())


gc.callbacks.append(cb)
seen.append(gc.get_count())
gc.collect()
seen.append(gc.get_count())
gc.collect(0)
seen.append(gc.get_count())
gc.collect(1)
seen.append(gc.get_count())
gc.collect()
seen.append(gc.get_count())
gc.callbacks.clear()
print(seen)


def show(phase, info):
    print(phase, info, gc.get_count())


gc.callbacks.append(show)
gc.collect()
print(gc.get_count())
gc.collect(0)
print(gc.get_count())
gc.callbacks.clear()

gc.set_threshold(10)
phases = []


def note(phase, info):
    phases.append((phase, info["generation"], gc.get_count()))


gc.callbacks.append(note)
keep = []
for i in range(40):
    keep.append([])
gc.callbacks.clear()
gc.set_threshold(700)
print(phases)
print(gc.get_count())
