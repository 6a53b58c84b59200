# sys.intern: equal strings made at run time are different objects until
# interned; constants made of name characters are interned by the
# compiler, other constants are not (issue 5, s4)
import sys

a = "".join(["hello", "_", "world"])
b = "".join(["hello", "_", "world"])
print(a == b, a is b)
ia = sys.intern(a)
ib = sys.intern(b)
print(ia is ib, ia is a, ib is b, ia is "hello_world")
c = "".join(["hello", " ", "world!"])
ic = sys.intern(c)
print(ic is c, ic is "hello world!", sys.intern("hello world!") is ic)
print(sys.getrefcount(ia), sys.getrefcount(c))
d = str(12345)
print(sys.intern(d) is d, sys.intern(str(12345)) is d)
e = "x" * 3
print(sys.intern(e) is "xxx", sys.intern("") is "", sys.intern("q") is "q")
del a, ia
f = "".join(["hello", "_", "world"])
print(sys.intern(f) is b, sys.intern(f) is f)
key = "".join(["ke", "y"])
d2 = {sys.intern(key): 1}
print(list(d2)[0] is "key", sys.getsizeof(sys.intern(key)))
print(sys.intern("ñandú") is "ñandú")
