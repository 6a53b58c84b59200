# Class attributes vs instance attributes.
import sys

shared = []

class Config:
    options = shared
    def __init__(self):
        self.own = []

print(sys.getrefcount(shared))
c1 = Config()
c2 = Config()
print(c1.options is c2.options, c1.own is c2.own)
c1.options.append(1)
print(Config.options, c2.options)
c1.options = [2]
print(Config.options, c1.options, sys.getrefcount(shared))
print(sys.getsizeof(c1), sys.getsizeof(c1.__dict__))
print(len(c1.__dict__), len(c2.__dict__))
