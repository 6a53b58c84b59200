# References held by arguments, repeated lists, dict values and loop variables.
import sys
x = []
print(sys.getrefcount(x))
def g(a, b=None):
    print(sys.getrefcount(a))
g(x)
g(x, x)
lst = [x] * 5
print(sys.getrefcount(x))
lst2 = lst * 2
print(sys.getrefcount(x))
del lst, lst2
m = {i: x for i in range(3)}
print(sys.getrefcount(x))
for item in [x, x]:
    print(sys.getrefcount(x))
print(sys.getrefcount(x))
