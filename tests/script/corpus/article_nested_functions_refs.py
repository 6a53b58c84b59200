# Returning inner functions; what they keep alive.
import sys
import gc

def outer():
    big = [0] * 1000
    def small():
        return 1
    def uses_big():
        return len(big)
    return small, uses_big

s, u = outer()
print(s.__closure__, len(u.__closure__))
print(sys.getsizeof(u.__closure__[0].cell_contents))
print(gc.is_tracked(u.__closure__))
del u
print(s())
