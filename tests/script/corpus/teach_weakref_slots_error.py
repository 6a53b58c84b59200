# A class with __slots__ and no __weakref__ slot cannot be weakly referenced.
import weakref
class S:
    __slots__ = ("a",)
print(weakref.ref(S()))
