# The first weakref.finalize imports atexit: the module's dict comes from
# the dict free list, so after a collection that filled it (two classes
# with __slots__ and their instances' dicts) the import counts one object
# less in generation 0 than after an empty one (found by gen_random.py,
# seed 304321963).
import gc
import weakref

gc.collect()


class Node:
    def __init__(self, name):
        self.name = name


class Fin(Node):
    def __del__(self):
        pass


class K0:
    __slots__ = ("ref", "__weakref__")


v3 = K0
v6 = Fin("n1")
del K0
v5 = Node("n4r")


class K1:
    __slots__ = ("ref", "__weakref__")


v3 = Fin("n5r")
del K1
v0 = Fin("n7")
print("collect", gc.collect(1))
weakref.finalize(v0, print)
print(gc.get_count())
