# A function stored on the object it closes over makes a cycle.
import gc
import sys

gc.collect()

class Button:
    def __init__(self, label):
        self.label = label
        def on_click():
            return self.label
        self.handler = on_click

b = Button("ok")
print(b.handler(), sys.getrefcount(b))
del b
print(gc.collect())
