# An exception in __del__ is printed and ignored.
import gc

class Bad:
    def __del__(self):
        print("in __del__")
        x = 1 / 0

b = Bad()
del b
print("still running")
c = Bad()
c.me = c
del c
print(gc.collect())
print("done")
