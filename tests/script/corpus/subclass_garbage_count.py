# Collecting a subclass with its instance: the class's MRO, bases and its
# base's tp_subclasses are type slots, not entries of its dict, so the
# collector finds what python3's finds (type_traverse visits the dict, MRO,
# bases and base; not tp_subclasses) and __dict__ shows the body's names.
import gc


class A:
    pass


class B(A):
    def __del__(self):
        print("B del")


print(sorted(B.__dict__.keys()), len(gc.get_referents(B)))
gc.collect()
b = B()
b.me = b
del A, B
print(gc.collect())
del b
print(gc.collect())
