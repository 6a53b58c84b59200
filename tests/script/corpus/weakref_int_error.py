# Not every object can be weakly referenced.
import weakref

class Ok:
    pass

print(weakref.ref(Ok())() is None)
r = weakref.ref([1, 2, 3])
