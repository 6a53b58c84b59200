# finalize objects: detach, peek, and their order at collection.
import weakref
import gc

class R:
    pass

def done(tag):
    print("finalized", tag)

objs = [R() for _ in range(3)]
fins = [weakref.finalize(o, done, i) for i, o in enumerate(objs)]
print([f.alive for f in fins])
print(fins[1].peek()[1:], fins[1].detach()[1:])
print(fins[1].alive, fins[1].detach())
del objs
print([f.alive for f in fins])
print(gc.collect())
