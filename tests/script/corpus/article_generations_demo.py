# Generational GC demo: objects surviving collections move up.
import gc

gc.collect()
print(gc.get_count())
class Obj:
    pass
objs = [Obj() for _ in range(100)]
print(gc.get_count())
gc.collect(0)
print(gc.get_count())
more = [Obj() for _ in range(50)]
gc.collect(1)
print(gc.get_count())
stats = gc.get_stats()
print([s["collections"] > 0 for s in stats])
print(len(gc.get_objects(0)) >= 0, len(gc.get_objects(2)) > 0)
