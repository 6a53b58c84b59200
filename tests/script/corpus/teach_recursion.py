# Unbounded recursion.
import sys

def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

print(fact(20))
print(sys.getrecursionlimit())
def forever(n):
    return forever(n + 1)
forever(0)
