# del in a loop over a list copy, and refcounts of the survivors.
import sys

class Item:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print("bye", self.n)

items = [Item(i) for i in range(5)]
for it in items[:]:
    if it.n % 2:
        items.remove(it)
print("loop done", [i.n for i in items])
del it
print([sys.getrefcount(i) for i in items])
items.clear()
print("cleared")
