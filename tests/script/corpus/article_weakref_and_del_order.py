# When an object dies: weakref callbacks and __del__, which first?
import weakref
import gc

class Obj:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name)

def cb(r):
    print("weakref callback")

o = Obj("refcount")
w = weakref.ref(o, cb)
del o
print("---")
p = Obj("cycle")
p.me = p
w2 = weakref.ref(p, cb)
del p
print(gc.collect())
