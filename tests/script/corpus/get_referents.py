# What an object refers to, as the collector sees it.
import gc

class Box:
    def __init__(self, contents):
        self.contents = list(contents)

inner = [1, 2]
outer = [inner, "text", (3, 4)]
print(gc.get_referents(outer))
d = {"a": inner, "b": 5}
print(sorted([repr(x) for x in gc.get_referents(d)]))
t = (inner, outer)
print(len(gc.get_referents(t)), gc.get_referents(t)[0] is inner)
b = Box([inner])
refs = gc.get_referents(b)
print([type(r).__name__ for r in refs])
print(gc.get_referents(1, "s", None))
print(gc.get_referents(inner, d) == [1, 2, inner, 5] or gc.get_referents(inner, d))
