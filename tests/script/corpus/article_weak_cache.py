# A cache with weak values by hand: a dict of weakrefs.
import weakref
import gc

class Image:
    def __init__(self, name):
        self.name = name

cache = {}
def load(name):
    r = cache.get(name)
    if r is not None:
        obj = r()
        if obj is not None:
            return obj
    obj = Image(name)
    cache[name] = weakref.ref(obj)
    return obj

a = load("cat")
b = load("cat")
print(a is b, len(cache))
del a, b
c = load("cat")
print(c.name, cache["cat"]() is c)
del c
print([k for k in cache if cache[k]() is None])
