# Weakref callbacks run when the referent dies, newest first.
import weakref

class Res:
    def __init__(self, name):
        self.name = name

def make_cb(label):
    def cb(ref):
        print("callback", label, "dead ref:", ref() is None)
    return cb

x = Res("x")
r1 = weakref.ref(x, make_cb("one"))
r2 = weakref.ref(x, make_cb("two"))
r3 = weakref.ref(x, make_cb("three"))
print("refs:", weakref.getweakrefcount(x))
print("before del")
del x
print("after del")

y = Res("y")
keep = weakref.ref(y, make_cb("kept"))
lost = weakref.ref(y, make_cb("lost"))
del lost
del y
print("done")
