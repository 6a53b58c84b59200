# gc.get_referrers / get_referents, and gc.freeze.
import gc
gc.collect()
a = [1]
b = {"k": a}
c = [a, a]
refs = gc.get_referrers(a)
print(len(refs), b in refs, c in refs)
print(gc.get_referents(b), gc.get_referents(c) == [a, a])
gc.freeze()
print(gc.get_freeze_count() > 0)
gc.unfreeze()
print(gc.get_freeze_count())
