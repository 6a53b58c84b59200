# KNOWN DIVERGENCE (func.c / weakref, not fixed here): functions, bound
# methods and builtin functions are weakrefable in CPython; the heap
# refuses a weak reference to a function.
import gc
import weakref


def mk():
    x = []

    def g():
        return x

    x.append(g)
    return g


g = mk()
wg = weakref.ref(g, lambda r: print("g dies"))
del g
print("collected", gc.collect())
