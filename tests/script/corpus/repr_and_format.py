# What print shows for objects of every kind.
class Plain:
    pass

class Pretty:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return "Pretty(%r)" % (self.v,)
    def __str__(self):
        return "pretty %s" % self.v

print(1, 2.5, -0.0, 1e100, 1 / 3, True, None, "text", b"bytes")
print([1, "a", (2,), {"k": [3]}], (), (1,), {1, 2}, set(), {})
print(Pretty(3), [Pretty("x")], repr(Pretty(4)), str(Pretty(5)))
p = Plain()
print(type(p), type(p).__name__, Plain)
print(repr(p).startswith("<__main__.Plain object at 0x"))
print(f"{1 + 1} {'s'!r} {3.14159:.2f} {42:>5} {7:03d} {'x':^5}|")
print("%s %r %d %5.1f %x %%" % ("s", "r", 42, 2.25, 255))
print("{} {!r} {:>4}".format(1, "b", 3))
print(str(10**20), hex(255), oct(8), bin(5), round(2.675, 2), abs(-3))
print(len, print, len.__name__)
print(range(3), range(1, 10, 2), list(range(3)), slice(1, 2))
print("sep", "args", sep="-", end="!\n")
print(sorted([3, 1, 2]), min(4, 2), max([1, 9]), sum([1, 2, 3]))
