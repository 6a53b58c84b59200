# Watch an automatic collection happen.
import gc

gc.collect()
events = []

def cb(phase, info):
    if phase == "start":
        events.append(info["generation"])

gc.callbacks.append(cb)
counts = []
junk = []
for i in range(2000):
    junk.append([])
    if i % 500 == 0:
        counts.append(gc.get_count())
gc.callbacks.remove(cb)
print(events)
print(counts)
print(gc.get_count())
