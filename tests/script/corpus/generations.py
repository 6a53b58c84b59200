# Young objects that survive a collection move to an older generation.
import gc

gc.collect()
print("start:", gc.get_count())
survivors = [[i] for i in range(30)]
print("after 30 lists:", gc.get_count())
gc.collect(0)
print("after collecting generation 0:", gc.get_count())
more = [{"k": i} for i in range(10)]
print("after 10 dicts:", gc.get_count())
gc.collect(1)
print("after collecting generation 1:", gc.get_count())
gc.collect(2)
print("after a full collection:", gc.get_count())

class Pair:
    pass

def make_cycles(n):
    for _ in range(n):
        a = Pair()
        b = Pair()
        a.b = b
        b.a = a

make_cycles(20)
print("cycles waiting:", gc.get_count())
print("generation 0 finds:", gc.collect(0))
make_cycles(5)
gc.collect(0)
print("promoted cycles found by a full collection:", gc.collect())
