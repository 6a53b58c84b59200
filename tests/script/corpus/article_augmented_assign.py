# Reference counting with augmented assignment on lists and ints.
import sys

a = [1, 2]
b = a
a += [3]
print(a is b, b, sys.getrefcount(a))
a = a + [4]
print(a is b, b, a)
x = 1000
y = x
x += 1
print(x, y, x is y)
t = (1, 2)
u = t
t += (3,)
print(t is u, u, t)
s = "ab"
r = s
s += "c"
print(s is r, r, s)
