# Finalizers in a cycle resurrect it: that collection frees nothing; once dropped, the next frees both.
import gc
gc.collect()
class R:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print("del", self.n)
        keep.append(self)
keep = []
a = R(1)
b = R(2)
a.b = b
b.a = a
del a, b
print("collect:", gc.collect())
print(len(keep), [k.n for k in keep])
keep.clear()
print("collect again:", gc.collect())
