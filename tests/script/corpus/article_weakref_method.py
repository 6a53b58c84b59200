# A weakref to a bound method dies at once: the method object is temporary.
import weakref

class Widget:
    def click(self):
        return "clicked"

w = Widget()
r = weakref.ref(w.click)
print(r())
m = w.click
r2 = weakref.ref(m)
print(r2() is not None, r2()())
del m
print(r2())
