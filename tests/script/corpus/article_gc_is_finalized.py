# gc.is_finalized tells whether __del__ already ran.
import gc

keep = []

class F:
    def __del__(self):
        keep.append(self)

f = F()
print(gc.is_finalized(f))
f.me = f
del f
gc.collect()
print(len(keep), gc.is_finalized(keep[0]))
keep[0].me = None
keep.clear()
print(gc.collect())
