# __del__ runs when the last reference goes; in a cycle, at collection.
import gc

gc.collect()

class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("del", self.name)

a = Noisy("a")
b = a
del a
print("a deleted, b still here")
del b
print("b deleted")
c = Noisy("c")
c = Noisy("c2")
print("rebound")
lst = [Noisy("x"), Noisy("y"), Noisy("z")]
del lst
print("list gone")
p = Noisy("p")
q = Noisy("q")
p.q = q
q.p = p
del p, q
print("collect:", gc.collect())
def f():
    local = Noisy("local")
    print("in f")
f()
print("after f")
