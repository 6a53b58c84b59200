# gc.callbacks are told when a collection starts and stops.
import gc

gc.collect()

def report(phase, info):
    print(phase, "generation", info["generation"], "collected", info["collected"],
          "uncollectable", info["uncollectable"])

gc.callbacks.append(report)
print("registered:", len(gc.callbacks))

class Cell:
    pass

c = Cell()
c.loop = c
del c
n = gc.collect()
print("gc.collect() returned", n)
gc.collect(0)
gc.callbacks.remove(report)
print("removed:", len(gc.callbacks))
gc.collect()
print("silent collection done")
