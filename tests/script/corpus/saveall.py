# DEBUG_SAVEALL keeps what the collector found in gc.garbage.
import gc

gc.collect()

class Item:
    def __init__(self, tag):
        self.tag = tag
    def __repr__(self):
        return "<Item %s>" % self.tag

gc.set_debug(gc.DEBUG_SAVEALL)
print("debug flags:", gc.get_debug())
a = Item("a")
b = Item("b")
a.link = b
b.link = a
del a, b
print("collected:", gc.collect())
print("garbage has", len(gc.garbage), "objects")
print(sorted([type(o).__name__ for o in gc.garbage]))
items = sorted([o for o in gc.garbage if isinstance(o, Item)], key=lambda o: o.tag)
print(items, items[0].link is items[1])
gc.set_debug(0)
del items
gc.garbage.clear()
print("collected after clearing:", gc.collect())
