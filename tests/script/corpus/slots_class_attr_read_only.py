# A class attribute that replaces a slot's member descriptor hides the slot:
# an instance without a __dict__ reads the class attribute and cannot store
# the name (found by gen_random.py's classes).
class K0:
    __slots__ = ("ref", "__weakref__")


v = K0()
v.ref = 1
print(v.ref)
K0.ref = K0
print(v.ref, K0.ref)
v.ref = 2
