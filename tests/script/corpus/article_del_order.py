# __del__ order: refcounting frees at once, in reverse of references.
import gc

class Noisy:
    def __init__(self, name, child=None):
        self.name = name
        self.child = child
    def __del__(self):
        print("del", self.name)

root = Noisy("root", Noisy("child", Noisy("grandchild")))
print("dropping root")
del root
print("---")
items = [Noisy("a"), Noisy("b"), Noisy("c")]
print("clearing list")
items.clear()
print("---")
t = (Noisy("x"), Noisy("y"))
t = None
print("---")
d = {1: Noisy("one"), 2: Noisy("two")}
del d[1]
d = {}
print("end")
