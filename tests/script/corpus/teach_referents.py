# What an object refers to, and what refers to it.
import gc

a = [1, "two", 3.0]
print(gc.get_referents(a))
b = {"k": a}
print(len(gc.get_referents(b)))
class Box:
    def __init__(self, v):
        self.v = v
box = Box(a)
print(box.v is a)
holders = [r for r in gc.get_referrers(a) if r is b]
print(len(holders))
