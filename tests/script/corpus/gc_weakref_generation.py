# Where a weakref whose callback the collector runs ends up: the generation
# after the collected one (generation 2 stays 2), also from the permanent
# generation.
import gc, weakref
gc.collect()
class K:
    pass
def gen_of(x):
    for g in range(3):
        if [o for o in gc.get_objects(g) if o is x]:
            return g
    return None
a = K(); a.me = a
def cb(r):
    print("cb in", gen_of(r))
w = weakref.ref(a, cb)
gc.collect()
print(gen_of(w))
del a
gc.collect(1)
print(gen_of(w))
b = K(); b.me = b
w2 = weakref.ref(b, cb)
gc.collect(0)
gc.collect(1)
print(gen_of(b), gen_of(w2))
del b
gc.collect(2)
print(gen_of(w2))
c = K(); c.me = c
wc = weakref.ref(c, cb)
gc.freeze()
del c
print(gc.collect(), gen_of(wc), gc.get_freeze_count() > 0)
gc.unfreeze()
print(gen_of(wc))
