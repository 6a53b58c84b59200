# A class statement makes its objects in type_new's order -- the bases
# tuple, the namespace copy, the type, the MRO tuple, the descriptors, the
# weakref in object's subclasses -- and leaves nothing else in generation 0
# (object's subclasses dict was tracked only then).
import gc
import weakref

gc.collect()


class N:
    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return "N%d" % self.n


print([type(o).__name__ for o in gc.get_objects(0)])
