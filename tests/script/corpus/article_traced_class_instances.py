# Memory for many instances, measured with tracemalloc.
import tracemalloc

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class SlotPoint:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x = x
        self.y = y

tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
pts = [Point(i, i) for i in range(100)]
mid = tracemalloc.get_traced_memory()[0]
spts = [SlotPoint(i, i) for i in range(100)]
after = tracemalloc.get_traced_memory()[0]
print("dict instances:", mid - before)
print("slot instances:", after - mid)
snap = tracemalloc.take_snapshot()
for st in snap.statistics("lineno")[:3]:
    print(st)
tracemalloc.stop()
