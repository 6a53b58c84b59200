# A class's __dict__ (a mappingproxy) keeps the class alive through its dict
# across collections, a weakref callback reading one that is gone, and
# DEBUG_SAVEALL keeping a class whose proxy was dropped.
import gc, weakref, sys
gc.collect()
class A:
    pass
class B(A):
    def __del__(self):
        print('B del', len(A.__subclasses__()))
p = B.__dict__
r = weakref.ref(B, lambda w: print('B gone', len(p)))
B.me = B()
del B
print(gc.collect(), gc.get_count())
print(len(p), r() is not None)
q = p
del p
print(gc.collect(), r() is not None, sys.getrefcount(q))
del q
print(gc.collect(), r(), A.__subclasses__())
gc.set_debug(gc.DEBUG_SAVEALL)
class C(A):
    pass
pc = C.__dict__
del C
print(gc.collect(), len(pc))
del pc
print(gc.collect(), len(gc.garbage), sorted([type(o).__name__ for o in gc.garbage]))
gc.set_debug(0)
del gc.garbage[:]
print(gc.collect(), A.__subclasses__())
