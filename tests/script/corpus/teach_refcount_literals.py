# Reference counts of str, int and float constants bound to names.
import sys
s = "interned_name"
print(sys.getrefcount(s))
t = "interned_name"
print(sys.getrefcount(s))
d = {"interned_name": 1}
print(sys.getrefcount(s))
x = 1000
print(sys.getrefcount(x))
y = x
print(sys.getrefcount(x))
f = 1.5
print(sys.getrefcount(f))
