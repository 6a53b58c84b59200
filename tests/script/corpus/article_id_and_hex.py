# id() is stable while the object lives.
a = [1]
b = a
print(id(a) == id(b))
c = a[:]
print(id(a) == id(c))
print(type(id(a)).__name__, id(a) > 0)
class P:
    pass
p = P()
print(repr(p).startswith("<__main__.P object at 0x"))
print(hex(id(p)) in repr(p))
