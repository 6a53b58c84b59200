# In a collected cycle, every __del__ runs while its partners are still intact.
import gc
gc.collect()
class A:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print("del", self.n, "partner alive:", self.partner is not None)
a = A(1)
b = A(2)
a.partner = b
b.partner = a
del a, b
print(gc.collect())
print(gc.garbage)
