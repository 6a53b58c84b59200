# An exception in __del__ is reported and ignored; the program goes on.
import gc
gc.collect()
class A:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("del", self.name)
        1 / 0
a = A("a")
del a
print("after")
