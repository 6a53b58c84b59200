# Generation counts and thresholds: allocation drives collection.
import gc

print("thresholds:", gc.get_threshold())
gc.collect()
print("count after collect:", gc.get_count())
keep = []
for i in range(100):
    keep.append([i])
print("after 100 lists:", gc.get_count())
gc.set_threshold(50, 5, 5)
print("new thresholds:", gc.get_threshold())
events = []

def cb(phase, info):
    if phase == "start":
        events.append(info["generation"])

gc.callbacks.append(cb)
for i in range(300):
    keep.append([i])
gc.callbacks.remove(cb)
print("automatic collections by generation:", events)
print("count now:", gc.get_count())
gc.set_threshold(700, 10, 10)
gc.collect()
print("reset:", gc.get_threshold(), gc.get_count())
