# __del__ can resurrect its object; it does not run twice.
import gc

gc.collect()
saved = []

class Phoenix:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print("del", self.n)
        saved.append(self)

p = Phoenix(1)
del p
print(len(saved), saved[0].n)
p = saved.pop()
del p
print("second del: nothing printed", len(saved))
c = Phoenix(2)
c.self = c
del c
print("collect:", gc.collect())
print(len(saved))
saved[0].self = None
saved.clear()
print("collect:", gc.collect())
