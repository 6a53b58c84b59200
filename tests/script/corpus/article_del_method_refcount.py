# Inside __del__, the object's refcount.
import sys

class Watch:
    def __del__(self):
        print("refcount inside __del__:", sys.getrefcount(self))

w = Watch()
print(sys.getrefcount(w))
w = None
lst = [Watch(), Watch()]
del lst[0]
lst.pop()
print("done")
