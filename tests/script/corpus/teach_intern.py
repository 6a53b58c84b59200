# String interning: identifiers and sys.intern.
import sys

a = "hello_world"
b = "hello_world"
print(a is b)
c = "hello world!"
d = "hello world!"
print(c is d)
e = "".join(["hello", "_world"])
print(e == a, e is a)
g = "x" * 3
print(g == "xxx")
print(sys.getsizeof(a), sys.getsizeof(e))
