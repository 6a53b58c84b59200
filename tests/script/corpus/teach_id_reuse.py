# A freed block is reused at once: id() values repeat.
a = id([])
b = id([])
print(a == b)
x = [1]
ix = id(x)
del x
y = [2]
print(id(y) == ix)
class C:
    pass
print(id(C()) == id(C()))
keep = [C() for i in range(3)]
print(len({id(k) for k in keep}))
