# __del__ can resurrect an object; it runs only once.
import gc
import sys

graveyard = []

class Phoenix:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name)
        graveyard.append(self)

p = Phoenix("fawkes")
del p
print(len(graveyard), graveyard[0].name, sys.getrefcount(graveyard[0]))
print(gc.is_finalized(graveyard[0]))
graveyard.clear()
print("cleared, no second __del__")
q = Phoenix("cycle")
q.me = q
del q
print(gc.collect())
print(len(graveyard))
graveyard.clear()
print(gc.collect())
