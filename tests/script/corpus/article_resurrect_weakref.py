# Resurrection and weak references.
import weakref
import gc

saved = []

class Zombie:
    def __del__(self):
        print("__del__")
        saved.append(self)

z = Zombie()
r = weakref.ref(z, lambda ref: print("callback"))
del z
print("weakref alive?", r() is not None, len(saved))
saved.clear()
print("after clear:", r())
