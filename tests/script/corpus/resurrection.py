# __del__ can resurrect its object; it is then never called again.
import gc
import sys

gc.collect()
saved = []

class Phoenix:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__ of", self.name)
        saved.append(self)

p = Phoenix("bird")
del p
print("saved:", len(saved), saved[0].name)
print("refcount:", sys.getrefcount(saved[0]))
saved.clear()
print("cleared without a second __del__")

q = Phoenix("cyclic")
q.self_ref = q
del q
print("collect:", gc.collect())
print("resurrected from a cycle:", [s.name for s in saved])
saved[0].self_ref = None
saved.clear()
print("collect again:", gc.collect())
