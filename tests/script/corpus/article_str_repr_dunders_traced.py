# A class with __str__ and __repr__ printed in containers.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()

class Money:
    def __init__(self, cents):
        self.cents = cents
    def __repr__(self):
        return "Money(%d)" % self.cents
    def __str__(self):
        return "$%d.%02d" % (self.cents // 100, self.cents % 100)

m = [Money(150), Money(99999)]
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
print(m[0], m)
print(f"{m[1]} and {m[1]!r}")
x = tracemalloc.get_traced_memory()
print(x[0] - b, x[1] - b)
tracemalloc.stop()
